"""Issue 8 pages through the Flask app: the board, a demand page, the dataset
panel (demand + objections) and the department's oversight dashboard."""
from __future__ import annotations

import pytest

from ckan.tests import helpers

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]


def call(_action, _user=None, **kw):
    return helpers.call_action(_action, {"user": _user["name"] if _user else "", "ignore_auth": False}, **kw)


def _auth(user):
    tok = helpers.call_action("api_token_create", {"user": user["name"]}, user=user["name"], name="t")["token"]
    return {"Authorization": tok}


def test_pages(app, make_user, make_org, make_entry):
    head = make_user()
    dept = make_org(users=[{"name": head["name"], "capacity": "admin"}], title="市交通运输局")
    closed = make_entry(dept["id"], "not_open", user=head, private=False, title="违法信息")
    open_ = make_entry(dept["id"], "unconditional", user=head, private=False, title="客流统计")
    u1, u2 = make_user(), make_user()
    d = call("govopen_demand_create", u1, package_id=closed["id"])
    call("govopen_demand_second", u2, id=d["id"])
    call("govopen_objection_create", u1, package_id=open_["id"], what="数值翻倍", evidence="公报")
    html = app.get("/demand").body
    assert "违法信息" in html and d["id"] in html
    page = app.get("/demand/%s" % d["id"]).body
    assert "govopen-demand-history" in page and 'data-action="second"' in page
    ds = app.get("/dataset/%s" % closed["name"], headers=_auth(make_user())).body
    assert "govopen-dataset-demand" in ds and "govopen-second" in ds
    ds2 = app.get("/dataset/%s" % open_["name"]).body
    assert "数值翻倍" in ds2
    dash = app.get("/dashboard/oversight", headers=_auth(head)).body
    assert "govopen-oversight-objection" in dash and "客流统计" in dash


# ---------------------------------------------------------------- labels through gettext
import os
import re
from html.parser import HTMLParser

_EXT = os.path.join(os.path.dirname(__file__), "..", "..", "ckanext-govopen", "ckanext", "govopen")
_DEMAND_TEMPLATES = os.path.join(_EXT, "templates", "govopen", "demand")
_MSGID = re.compile(r"""\b_\(\s*(['"])((?:\\.|(?!\1).)*)\1\s*\)""")


def _demand_msgids():
    """Every ``_('...')`` of the demand templates and of views/demand.py."""
    files = [os.path.join(_DEMAND_TEMPLATES, n) for n in sorted(os.listdir(_DEMAND_TEMPLATES))
             if n.endswith(".html")] + [os.path.join(_EXT, "views", "demand.py")]
    ids = set()
    for path in files:
        for m in _MSGID.finditer(open(path, encoding="utf-8").read()):
            ids.add(m.group(2).replace("\\'", "'").replace('\\"', '"'))
    return ids


class _Text(HTMLParser):
    """Visible text nodes, placeholders and titles of a page's <body>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self._skip, self._body = [], 0, False

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self._body = True
        if tag in ("script", "style", "noscript", "template"):
            self._skip += 1
        for k, v in attrs:
            if self._body and k in ("placeholder", "title", "aria-label") and v:
                self.out.append(v.strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        t = " ".join(data.split())
        if self._body and not self._skip and t:
            self.out.append(t)


def _texts(html):
    p = _Text()
    p.feed(html)
    return p.out


def _english_labels(html, msgids):
    """Demand-page msgids shown untranslated: a text node equal to one, or starting
    with one followed by a colon (``Reasons：...``)."""
    found = set()
    for t in _texts(html):
        for m in msgids:
            if t == m or t.startswith(m + "：") or t.startswith(m + ":"):
                found.add(m)
    return found


def test_demand_msgids_have_zh():
    """Every label of the demand pages has a Chinese translation in the merged catalog
    (core's zh_Hans_CN, ours over it), so a new untranslated label fails here."""
    from babel.support import Translations
    import ckan
    merged = Translations.load(os.path.join(os.path.dirname(ckan.__file__), "i18n"), ["zh_Hans_CN"], "ckan")
    ours = Translations.load(os.path.join(_EXT, "i18n"), ["zh_Hans_CN"], "ckanext-govopen")
    assert isinstance(ours, Translations), "ckanext-govopen.mo missing: compile the catalog"
    merged.merge(ours)
    ids = _demand_msgids()
    assert {"Data demands", "I need this too", "High-demand reviews", "Objections"} <= ids, ids
    missing = sorted(m for m in ids if merged.gettext(m) == m or not re.search(r"[\u4e00-\u9fff]", merged.gettext(m)))
    assert not missing, "demand labels without a Chinese translation: %r" % missing


def _demand_world(make_user, make_org, make_entry):
    head = make_user()
    dept = make_org(users=[{"name": head["name"], "capacity": "admin"}], title="市交通运输局")
    closed = make_entry(dept["id"], "not_open", user=head, private=False, title="违法信息")
    open_ = make_entry(dept["id"], "unconditional", user=head, private=False, title="客流统计")
    u1, u2, visitor = make_user(), make_user(), make_user()
    d = call("govopen_demand_create", u1, package_id=closed["id"])
    call("govopen_demand_second", u2, id=d["id"])
    call("govopen_objection_create", u1, package_id=open_["id"], what="数值翻倍", evidence="公报")
    return {"head": head, "closed": closed, "open": open_, "demand": d, "visitor": visitor}


def _pages(app, w, prefix=""):
    v, head = _auth(w["visitor"]), _auth(w["head"])
    return {
        "board": app.get(prefix + "/demand", headers=v).body,
        "board_anon": app.get(prefix + "/demand").body,
        "demand": app.get("%s/demand/%s" % (prefix, w["demand"]["id"]), headers=v).body,
        "dataset": app.get("%s/dataset/%s" % (prefix, w["closed"]["name"]), headers=v).body,
        "dataset_flags": app.get("%s/dataset/%s" % (prefix, w["open"]["name"]), headers=v).body,
        "oversight": app.get(prefix + "/dashboard/oversight", headers=head).body,
    }


@pytest.mark.ckan_config("ckan.locale_default", "zh_Hans_CN")
def test_demand_pages_in_chinese_by_default_english_under_en(app, make_user, make_org, make_entry):
    w = _demand_world(make_user, make_org, make_entry)
    ids = _demand_msgids()
    zh = _pages(app, w)
    problems = {name: sorted(_english_labels(html, ids)) for name, html in zh.items()}
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, "English demand labels under the default (zh) locale: %r" % problems
    for text in ("Data demands", "I need this too", "Ask for data not in the catalog"):
        assert all(text not in html for html in zh.values()), text
    assert "<h1>数据需求</h1>" in zh["board"] and "提出目录外数据需求" in zh["board"]
    assert "我也需要" in zh["demand"] and "办理记录" in zh["demand"]
    assert "我也需要" in zh["dataset"] and "数据疑义" in zh["dataset_flags"] and "数值翻倍" in zh["dataset_flags"]
    assert "部门办理台账" in zh["oversight"] and "高需求审查" in zh["oversight"]

    en = _pages(app, w, "/en")
    assert "<h1>Data demands</h1>" in en["board"] and "Ask for data not in the catalog" in en["board"]
    assert "Providing department" in en["board"] and "数据需求</h1>" not in en["board"]
    assert "I need this too" in en["demand"] and "History" in en["demand"] and "我也需要" not in en["demand"]
    assert "I need this too" in en["dataset"] and "Objections" in en["dataset_flags"]
    assert "Department dashboard" in en["oversight"] and "High-demand reviews" in en["oversight"]
    assert "部门办理台账" not in en["oversight"]
