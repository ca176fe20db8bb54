"""The share-request form (共享申请) through the Flask app, per role: the dataset
page's sharing panel, /dataset/<id>/share (GET: form or why not; POST: the
action's answer), errors back in the form in Chinese (English under /en) with
nothing written, and the providing department's queue. Plus the options action
the form and the panel show (govopen_share_request_options)."""
from __future__ import annotations

import re

import pytest

import ckan.model as model
from ckan.tests import helpers

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db"),
              pytest.mark.ckan_config("govopen.publication.gate", "false"),
              pytest.mark.ckan_config("ckan.locale_default", "zh_Hans_CN")]

SHARE_BASIS = "《政务数据共享条例》第十二条"
NOT_SHARED_BASIS = "《中华人民共和国个人信息保护法》第二十八条"


def call(_action, _user=None, **kw):
    return helpers.call_action(_action, {"user": _user["name"] if _user else "", "ignore_auth": False}, **kw)


def _auth(user):
    tok = helpers.call_action("api_token_create", {"user": user["name"]}, user=user["name"], name="t")["token"]
    return {"Authorization": tok}


@pytest.fixture
def w(make_user, make_org, make_entry, sysadmin):
    head_a, editor_a, member_a = make_user(), make_user(), make_user()
    head_b, editor_b = make_user(), make_user()
    dept_a = make_org(title="市交通运输局", users=[{"name": head_a["name"], "capacity": "admin"},
                                               {"name": editor_a["name"], "capacity": "editor"},
                                               {"name": member_a["name"], "capacity": "member"}])
    dept_b = make_org(title="市卫生健康委员会", users=[{"name": head_b["name"], "capacity": "admin"},
                                                 {"name": editor_b["name"], "capacity": "editor"}])
    dept_c = make_org(title="市应急管理局", users=[{"name": editor_b["name"], "capacity": "editor"}])
    shared = make_entry(dept_a["id"], "unconditional", user=head_a, title="公交车辆实时位置",
                        share_type="conditional", share_conditions="仅限应急处置使用",
                        share_legal_basis=SHARE_BASIS)
    open_shared = make_entry(dept_a["id"], "unconditional", user=head_a, title="公交站点客流统计")
    not_shared = make_entry(dept_a["id"], "not_open", user=head_a, title="交通违法人员信息",
                            share_type="not_shared", share_legal_basis=NOT_SHARED_BASIS)
    return dict(head_a=head_a, editor_a=editor_a, member_a=member_a, head_b=head_b, editor_b=editor_b,
                dept_a=dept_a, dept_b=dept_b, dept_c=dept_c, shared=shared, open_shared=open_shared,
                not_shared=not_shared, citizen=make_user(kind="citizen"),
                enterprise=make_user(kind="enterprise"), sysadmin=sysadmin)


def _requests():
    from ckanext.govopen.model import Request
    model.Session.remove()
    return model.Session.query(Request).count()


def _page(app, w, role, name, prefix=""):
    headers = _auth(w[role]) if role else {}
    return app.get("%s/dataset/%s" % (prefix, w[name]["name"]), headers=headers).body


SHARE_LINK = "govopen-share-request"
SHARE_FORM = 'id="govopen-share"'


# ------------------------------------------------------------------ the dataset page, per role
def test_dataset_page_per_role(app, w):
    # sharing is internal to government: the public sees no sharing block at all
    # (issue 14; open_types.sees_sharing)
    for role in (None, "citizen", "enterprise"):
        html = _page(app, w, role, "shared")
        assert "govopen-share-panel" not in html and SHARE_LINK not in html, role
        assert "共享申请只能由政府部门提出" not in html and "登录后申请共享" not in html
    for role in ("head_a", "editor_a", "member_a"):  # the providing department's own entry
        html = _page(app, w, role, "shared")
        assert 'data-reason="share_own_department"' in html and SHARE_LINK not in html, role
    authority = _page(app, w, "sysadmin", "shared")
    assert 'data-reason="share_authority"' in authority and SHARE_LINK not in authority
    other = _page(app, w, "editor_b", "shared")
    assert 'data-reason="share_ok"' in other and SHARE_LINK in other and "申请共享" in other
    assert "有条件共享" in other and "仅限应急处置使用" in other and SHARE_BASIS in other
    # not_shared: why not, with its legal basis; unconditional: no request needed
    ns = _page(app, w, "editor_b", "not_shared")
    assert 'data-reason="share_not_shared"' in ns and SHARE_LINK not in ns
    assert "不予共享" in ns and NOT_SHARED_BASIS in ns
    us = _page(app, w, "editor_b", "open_shared")
    assert 'data-reason="share_unconditional"' in us and SHARE_LINK not in us and "无需提出共享申请" in us


# ------------------------------------------------------------------ the form page, per role
def test_form_page_per_role(app, w):
    url = "/dataset/%s/share" % w["shared"]["name"]
    r = app.get(url, follow_redirects=False)
    assert r.status_code in (302, 303) and "/user/login" in r.headers["Location"]
    for role, reason in (("citizen", "share_not_department"), ("enterprise", "share_not_department"),
                         ("editor_a", "share_own_department"), ("head_a", "share_own_department"),
                         ("sysadmin", "share_authority")):
        html = app.get(url, headers=_auth(w[role])).body
        assert SHARE_FORM not in html and 'data-reason="%s"' % reason in html, role
    html = app.get("/dataset/%s/share" % w["not_shared"]["name"], headers=_auth(w["editor_b"])).body
    assert SHARE_FORM not in html and NOT_SHARED_BASIS in html
    # a member of two other departments chooses which one asks
    html = app.get(url, headers=_auth(w["editor_b"])).body
    assert SHARE_FORM in html and '<select id="f-requester-org"' in html
    assert w["dept_b"]["id"] in html and w["dept_c"]["id"] in html and w["dept_a"]["id"] not in html
    assert "使用用途" in html and "使用范围" in html and "10 个工作日内答复" in html
    # a member of one: no choice to make
    one = app.get(url, headers=_auth(w["head_b"])).body
    assert SHARE_FORM in one and '<select id="f-requester-org"' not in one and 'value="%s"' % w["dept_b"]["id"] in one
    assert app.get("/dataset/no-such-entry/share", headers=_auth(w["editor_b"]), status=404)


def test_submit_creates_request_and_its_page_shows_it(app, w):
    before = _requests()
    r = app.post("/dataset/%s/share" % w["shared"]["name"], headers=_auth(w["editor_b"]),
                 data={"requester_org_id": w["dept_c"]["id"], "purpose": "应急指挥调度",
                       "scope": "应急指挥中心值班人员", "legal_basis": "《突发事件应对法》"},
                 follow_redirects=False)
    assert r.status_code in (302, 303), r.body[:2000]
    rid = r.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    assert _requests() == before + 1
    page = app.get("/dashboard/requests/%s" % rid, headers=_auth(w["editor_b"])).body
    assert 'data-state="submitted"' in page and "数据共享申请" in page
    assert "应急指挥调度" in page and "应急指挥中心值班人员" in page and "市应急管理局" in page
    assert "<dt>使用用途</dt>" in page and "<dt>使用范围</dt>" in page  # the form's words
    assert 'class="govopen-due-explanation"' in page and "工作日" in page
    # stored as the action stores it: requesting department, scope, due date
    shown = call("govopen_request_show", w["editor_b"], id=rid)
    assert shown["requester_org"]["id"] == w["dept_c"]["id"] and shown["fields"]["scope"] == "应急指挥中心值班人员"
    assert shown["department"]["id"] == w["dept_a"]["id"] and shown["due_date"]
    # the providing department sees it in its queue, names the asking department, may act
    queue = app.get("/dashboard/reviews", headers=_auth(w["editor_a"])).body
    assert 'data-id="%s"' % rid in queue and "市应急管理局" in queue
    head = app.get("/dashboard/requests/%s" % rid, headers=_auth(w["head_a"])).body
    assert 'data-action="approve"' in head and 'data-action="reject"' in head
    # the requester sees withdraw only; a third department sees nothing
    assert 'data-action="approve"' not in page and 'data-action="withdraw"' in page
    app.get("/dashboard/requests/%s" % rid, headers=_auth(w["citizen"]), status=403)


def _post_errors(app, w, user, name=None, prefix="", **form):
    name = name or w["shared"]["name"]
    data = {"requester_org_id": w["dept_b"]["id"], "purpose": "应急指挥调度"}
    data.update(form)
    r = app.post("%s/dataset/%s/share" % (prefix, name), headers=_auth(user), data=data,
                 follow_redirects=False)
    assert r.status_code == 200, (r.status_code, r.headers.get("Location"))
    html = r.body
    errors = re.findall(r'<li data-field="([^"]+)">([^<]*)</li>', html)
    return html, dict(errors)


def test_errors_back_in_the_form_in_chinese_nothing_written(app, w):
    before = _requests()
    html, errors = _post_errors(app, w, w["editor_b"], purpose="  ", scope="全市")
    assert errors == {"purpose": "使用用途: 必填"}, errors
    assert SHARE_FORM in html and "全市" in html  # the form again, with what was typed
    # not a member of the requesting department (a tampered choice)
    html, errors = _post_errors(app, w, w["head_b"], requester_org_id=w["dept_c"]["id"])
    assert "只有申请部门的工作人员可以提出共享申请" in errors.get("requester_org_id", ""), errors
    # its own department
    html, errors = _post_errors(app, w, w["editor_a"], requester_org_id=w["dept_a"]["id"])
    assert "不能向本部门申请" in errors.get("requester_org_id", ""), errors
    # share types that forbid a request
    html, errors = _post_errors(app, w, w["editor_b"], name=w["not_shared"]["name"])
    assert "不予共享" in errors["package_id"] and NOT_SHARED_BASIS in errors["package_id"], errors
    html, errors = _post_errors(app, w, w["editor_b"], name=w["open_shared"]["name"])
    assert "无需提出共享申请" in errors["package_id"], errors
    # an unknown dataset
    html, errors = _post_errors(app, w, w["editor_b"], name="no-such-entry")
    assert errors.get("package_id", "").endswith("数据集不存在"), errors
    assert _requests() == before


def test_errors_in_english_under_en(app, w):
    html, errors = _post_errors(app, w, w["editor_b"], prefix="/en", purpose="")
    assert errors == {"purpose": "Purpose of use: Missing value"}, errors
    assert "Request sharing" in html and "使用用途" not in html
    html, errors = _post_errors(app, w, w["editor_b"], prefix="/en", name=w["not_shared"]["name"])
    assert "This data is not shared" in errors["package_id"] and NOT_SHARED_BASIS in errors["package_id"]
    page = app.get("/en/dataset/%s" % w["shared"]["name"], headers=_auth(w["editor_b"])).body
    assert "Request sharing" in page and "Data sharing between departments" in page
    assert "部门间数据共享" not in page


# ------------------------------------------------------------------ the options action
def test_options_action(w):
    o = call("govopen_share_request_options", w["editor_b"], package_id=w["shared"]["id"])
    assert o["may_request"] and o["share_type"] == "conditional"
    assert [x["id"] for x in o["requester_orgs"]] == sorted([w["dept_b"]["id"], w["dept_c"]["id"]],
                                                            key=lambda i: model.Group.get(i).title)
    assert o["limit_working_days"] == 10
    assert not call("govopen_share_request_options", w["citizen"], package_id=w["shared"]["id"])["may_request"]
    anon = call("govopen_share_request_options", None, package_id=w["shared"]["id"])
    assert anon["reason_code"] == "share_login" and anon["requester_orgs"] == []
    with pytest.raises(helpers.logic.NotFound):
        call("govopen_share_request_options", w["editor_b"], package_id="no-such-entry")
    # the create action keeps its contract (no scope needed) and stores an optional scope
    r = call("govopen_share_request_create", w["editor_b"], package_id=w["shared"]["id"],
             purpose="履职需要", requester_org_id=w["dept_b"]["id"])
    assert "scope" not in r["fields"]


@pytest.mark.ckan_config("govopen.jurisdiction", "huarong")
def test_huarong_answers_within_5_working_days(app, w):
    html = app.get("/dataset/%s/share" % w["shared"]["name"], headers=_auth(w["head_b"])).body
    assert "5 个工作日内答复" in html
    r = call("govopen_share_request_create", w["head_b"], package_id=w["shared"]["id"],
             purpose="履职需要", requester_org_id=w["dept_b"]["id"])
    assert any("5" in line for line in r["due_explanation"]), r["due_explanation"]
