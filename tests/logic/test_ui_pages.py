"""Issue 14, server side: the user menu's counts per role, the publication review queue
per role, the licence default, view/download counts and the popularity sort, the stats
period, and pages that must not show internals (resource page) or a 403 probe."""
from __future__ import annotations

import pytest

from govopen_world import api, headers

pytestmark = pytest.mark.usefixtures("with_plugins")


def _ok(world, role, name, **params):
    status, body = api(world, role, name, **params)
    assert status == 200, (name, role, status, body)
    return body["result"]


def _page(world, role, path, status=200):
    """The page in Chinese (the test ini's default locale is English)."""
    r = world["app"].get("/zh_Hans_CN" + path, headers=headers(world, role), status=status)
    return r.body


def test_licence_is_set_by_default(world):
    for ot in ("unconditional", "conditional", "not_open"):
        assert world["datasets"][ot]["pkg"]["license_id"] == "cc-by"
    html = _page(world, "anonymous", "/dataset/" + world["datasets"]["unconditional"]["pkg"]["name"])
    assert "知识共享署名 4.0（CC BY 4.0）" in html and "未指定许可协议" not in html
    assert "北京市" in html  # spatial code 110000 shown with its name


def test_resource_page_speaks_peoples_words_and_asks_no_forbidden_api(world):
    d = world["datasets"]["unconditional"]
    path = "/dataset/%s/resource/%s" % (d["pkg"]["name"], d["upload"]["id"])
    anon = _page(world, "anonymous", path)
    for internal in ("Govopen access", "Has views", "Package id", "Url type", "Mimetype", "{&#39;allowed"):
        assert internal not in anon, internal
    assert 'id="govopen-publication"' not in anon  # no panel, so no 403 call to the API
    dept = _page(world, "dept_editor", path)
    assert 'id="govopen-publication"' in dept  # the department sees its gate panel


def test_user_menu_per_role(world):
    home = {role: _page(world, role, "/") for role in ("anonymous", "citizen", "dept_admin", "authority")}
    assert 'data-menu="requests"' not in home["anonymous"]
    for key in ("requests", "grants", "demands", "notifications"):
        assert 'data-menu="%s"' % key in home["citizen"], key
    assert 'data-menu="reviews"' not in home["citizen"]
    for key in ("reviews", "publication", "ledger", "overdue"):
        assert 'data-menu="%s"' % key in home["dept_admin"], key
    assert 'data-menu="calendar"' not in home["dept_admin"]
    for key in ("reconsideration", "stats", "calendar"):
        assert 'data-menu="%s"' % key in home["authority"], key


def test_notification_badge_counts_unread(world):
    import ckan.model as model
    from ckanext.govopen.model import Notification
    uid = world["users"]["citizen"]["id"]
    before = model.Session.query(Notification).filter_by(user_id=uid, read=False).count()
    for i in range(3):
        model.Session.add(Notification(user_id=uid, kind="decided", message="通知 %d" % i))
    model.Session.commit()
    html = _page(world, "citizen", "/")
    assert 'data-menu="notifications"' in html
    assert 'data-count="%d"' % (before + 3) in html.split('data-menu="notifications"')[1][:600]


def test_publication_queue_per_role(world):
    import ckan.model as model
    from ckanext.govopen.model import Publication
    d = world["datasets"]["not_open"]
    row = model.Session.query(Publication).get(d["upload"]["id"])
    saved = dict(row.review or {})
    row.review = None  # processed, not signed: it waits for the confidentiality review
    model.Session.commit()
    try:
        for role in ("dept_editor", "dept_admin", "authority"):
            rows = _ok(world, role, "govopen_publication_queue")
            assert [r["resource_id"] for r in rows] == [d["upload"]["id"]], role
        assert _ok(world, "dept_admin", "govopen_publication_queue")[0]["may_sign"] is True
        assert _ok(world, "dept_editor", "govopen_publication_queue")[0]["may_sign"] is False
        for role in ("citizen", "enterprise", "other_editor"):
            assert _ok(world, role, "govopen_publication_queue") == [], role
        assert api(world, "anonymous", "govopen_publication_queue")[0] == 403
        page = _page(world, "dept_admin", "/dashboard/publication-reviews")
        assert d["upload"]["id"] in page and "待保密审查的文件" in page
    finally:
        row = model.Session.query(Publication).get(d["upload"]["id"])
        row.review = saved
        model.Session.commit()


def test_views_and_downloads_are_counted_and_sort_the_search(world):
    from ckanext.govopen.model import usage
    d = world["datasets"]["unconditional"]
    pid = d["pkg"]["id"]
    before = usage.counts([pid]).get(pid, {"views": 0, "downloads": 0})
    _page(world, "anonymous", "/dataset/" + d["pkg"]["name"])
    world["app"].get("/dataset/%s/resource/%s/download/passengers.csv" % (pid, d["upload"]["id"]))
    after = usage.counts([pid])[pid]
    assert after["views"] == before["views"] + 1 and after["downloads"] == before["downloads"] + 1
    # refused downloads are not counted
    c = world["datasets"]["conditional"]
    world["app"].get("/dataset/%s/resource/%s/download/passengers.csv" % (c["pkg"]["id"], c["upload"]["id"]),
                     status=403)
    assert usage.counts([c["pkg"]["id"]]).get(c["pkg"]["id"], {}).get("downloads", 0) == 0
    # counted once: a HEAD or a browser's partial (Range) request is not another download
    url = "/dataset/%s/resource/%s/download/passengers.csv" % (pid, d["upload"]["id"])
    world["app"].test_client().head(url)
    world["app"].get(url, headers={"Range": "bytes=10-20"})
    assert usage.counts([pid])[pid]["downloads"] == after["downloads"]
    # the popularity sort follows at once, without a reindex job (issue 14: lagging counts)
    res = _ok(world, "anonymous", "package_search", sort="govopen_downloads desc", rows=3)
    assert res["results"][0]["id"] == pid
    # the dataset page and the home page's most-downloaded list show the count now
    assert "下载 %d 次" % after["downloads"] in _page(world, "anonymous", "/dataset/" + d["pkg"]["name"])
    home = _page(world, "anonymous", "/")
    assert d["pkg"]["title"] in home[home.index("govopen-most-downloaded"):]


def test_stats_period(world):
    all_rows = _ok(world, "anonymous", "govopen_stats")
    none = _ok(world, "anonymous", "govopen_stats", since="2000-01-01", until="2000-01-31")
    assert all(r["received"] == 0 for r in none)
    status, body = api(world, "anonymous", "govopen_stats", since="2026-13-01")
    assert status == 409 and "since" in body["error"]
    assert isinstance(all_rows, list)


def test_apply_goes_straight_to_the_form(world):
    """/dataset/<id>/apply: the form for a logged-in user, the login that returns to the
    form for an anonymous one; the explaining page only when nobody may apply."""
    from urllib.parse import unquote
    name = world["datasets"]["conditional"]["pkg"]["name"]
    r = world["app"].get("/dataset/%s/apply" % name, headers=headers(world, "citizen"),
                         follow_redirects=False)
    assert r.status_code == 302 and r.headers["Location"].endswith("/dataset/%s/apply/form" % name)
    r = world["app"].get("/dataset/%s/apply" % name, follow_redirects=False)
    loc = unquote(r.headers["Location"])
    assert r.status_code == 302 and "/user/login" in loc and "/dataset/%s/apply/form" % name in loc
    closed = world["datasets"]["not_open"]["pkg"]["name"]
    assert "govopen-reason" in _page(world, "citizen", "/dataset/%s/apply" % closed)


def test_refusals_name_choices_by_their_labels(world):
    """A wrong scope is refused in words, not with the values (issue 14: "mine | department")."""
    for prefix, expect in (("/zh_Hans_CN", "我的申请"), ("", "my requests")):
        r = world["app"].post(prefix + "/api/3/action/govopen_request_list", json={"scope": "everything"},
                              headers=headers(world, "citizen"), status=None)
        assert r.status_code == 409
        text = str(r.json["error"]["scope"])
        assert expect in text and "mine" not in text and "department" not in text, text


def test_the_site_user_is_shown_as_system(world):
    """The world's reviews were signed as CKAN's site user (named after ckan.site_id):
    the publication log shows 系统, not the internal account name (issue 14)."""
    import re
    from ckan.tests import helpers
    site = helpers.call_action("get_site_user", {"ignore_auth": True})["name"]
    d = world["datasets"]["conditional"]
    html = _page(world, "dept_admin", "/dataset/%s/resource/%s/publication" % (d["pkg"]["name"], d["upload"]["id"]))
    log = html[html.index("<tbody", html.index('data-action="')-400):]
    cells = re.findall(r"<td>([^<]*)</td>", log)
    assert "系统" in cells and site not in cells, cells


def _apply(world, **kw):
    import datetime as dt
    today = dt.date.today()
    data = dict(package_id=world["datasets"]["conditional"]["pkg"]["id"], purpose="交通规划研究",
                scope="课题组内部", period_start=today.isoformat(),
                period_end=(today + dt.timedelta(days=30)).isoformat(), security_measures="加密存储",
                applicant_type="citizen", real_name="王小明", id_number="11010519491231002X",
                contact="13800000000")
    data.update(kw)
    return _ok(world, "citizen", "govopen_application_create", **data)


def test_one_applicant_name_on_every_page(world):
    """申请人 is the declared name on the request page and in both queues; the account
    that submitted it is labelled 提交账号 (issue 14: two different 申请人 were shown)."""
    import re
    r = _apply(world)
    account = world["users"]["citizen"]["name"]
    page = _page(world, "dept_admin", "/dashboard/requests/" + r["id"])
    assert re.search(r"<dt>申请人</dt><dd[^>]*>王小明</dd>", page), page[:0]
    assert page.count("<dt>申请人</dt>") == 1 and "提交账号" in page
    for who, path in (("dept_admin", "/dashboard/reviews"), ("citizen", "/dashboard/requests")):
        row = re.search(r'<tr data-id="%s".*?</tr>' % r["id"], _page(world, who, path), re.S).group(0)
        assert re.search(r'<td class="govopen-applicant"[^>]*>王小明</td>', row) and account not in row, (who, row)


def test_pages_show_refusals_without_the_rules_key():
    """The API keeps the rule's key at a refusal's end for callers; pages show the words only."""
    import ckan.plugins.toolkit as tk
    from ckanext.govopen.logic.requests_glue import refusal_text
    assert refusal_text(tk.NotAuthorized("您无权对该申请执行“同意” (role_not_allowed)")) == "您无权对该申请执行“同意”"
    assert refusal_text(tk.NotAuthorized("已超过期限（答复后15个工作日）")) == "已超过期限（答复后15个工作日）"
