"""The first-time-user walk of 2026-12-06, the open items of its finding list: each role
lands on its work after login and reaches it from the menu (部门台账 is a ledger, staff
read 通知 on a page of their own, citizens find 我的需求), flashes say what was done,
the 延期 form offers only the acting head, the calendar does not default to "complete",
and the demo's generated requests are filed by demo accounts, not by the site."""
from __future__ import annotations

import datetime as dt
import random
import re

import pytest

import os
import sys

from govopen_world import api, headers

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "security"))
from websession import client, login  # noqa: E402

pytestmark = pytest.mark.usefixtures("with_plugins")

ZH = "/zh_Hans_CN"


def _ok(world, role, name, **params):
    status, body = api(world, role, name, **params)
    assert status == 200, (name, role, status, body)
    return body["result"]


def _page(world, role, path, status=200):
    return world["app"].get(ZH + path, headers=headers(world, role), status=status).body


def _menu_href(page, key):
    m = re.search(r'data-menu="%s">\s*<a href="([^"]+)"' % key, page)
    assert m, key
    return m.group(1).replace("&amp;", "&")


def _application(world, role="citizen"):
    today = dt.date.today()
    return _ok(world, role, "govopen_application_create",
               package_id=world["datasets"]["conditional"]["pkg"]["id"], purpose="交通规划研究",
               scope="课题组内部", period_start=today.isoformat(),
               period_end=(today + dt.timedelta(days=30)).isoformat(), security_measures="加密存储",
               applicant_type="citizen", real_name="王小明", id_number="11010519491231002X",
               contact="13800000000")


# ------------------------------------------------------------------ landing after login (18)
@pytest.mark.parametrize("role, work", [("citizen", "/dashboard/requests"),
                                        ("enterprise", "/dashboard/requests"),
                                        ("dept_editor", "/dashboard/reviews"),
                                        ("dept_admin", "/dashboard/reviews"),
                                        ("authority", "/dashboard/reviews")])
def test_login_lands_on_the_users_work(world, role, work):
    c = client(world["app"])
    r = login(c, world["users"][role]["name"], world["password"], remote_addr="10.14.0.%d" % len(role))
    assert r.status_code == 302, r.status_code
    hops = [r.headers["Location"]]
    while r.status_code in (301, 302) and len(hops) < 5:
        r = c.get(hops[-1], follow_redirects=False, status=None)
        if r.status_code in (301, 302):
            hops.append(r.headers["Location"])
    assert r.status_code == 200, (hops, r.status_code)
    assert hops[-1].split("?")[0].endswith(work), hops
    assert not any("/dashboard/datasets" in h for h in hops), hops


# ------------------------------------------------------------------ 部门台账 (13) and 通知 (14)
def test_department_ledger_is_a_ledger_not_the_queue(world):
    app = _application(world)
    _ok(world, "dept_admin", "govopen_request_act", id=app["id"], action="reject",
        reasons="用途不明", legal_basis="《数据安全法》")
    open_app = _application(world, "enterprise")
    for role in ("dept_editor", "dept_admin"):
        href = _menu_href(_page(world, role, "/"), "ledger")
        page = world["app"].get(href, headers=headers(world, role), status=200).body
        assert "部门台账" in page and "市交通运输局" in page
        assert "govopen-ledger-table" in page
        # open and finished requests in one table, with the figures of the whole
        assert 'data-id="%s"' % app["id"] in page and 'data-id="%s"' % open_app["id"] in page
        assert re.search(r"已办结\S*\s*\d+", page), "no figures"
    # another department's member sees none of them
    other = _page(world, "other_editor", "/organization/%s/requests" % world["dept"]["name"])
    assert app["id"] not in other


@pytest.mark.parametrize("role", ["dept_editor", "dept_admin", "authority"])
def test_staff_notifications_have_their_own_page(world, role):
    import ckan.model as model
    from ckanext.govopen.model import Notification
    model.Session.add(Notification(user_id=world["users"][role]["id"], kind="decided",
                                   message="通知：待办 %s" % role))
    model.Session.commit()
    href = _menu_href(_page(world, role, "/"), "notifications")
    assert "/dashboard/requests" not in href, href
    page = world["app"].get(ZH + href if href.startswith("/dashboard") else href,
                            headers=headers(world, role), status=200).body
    assert "通知：待办 %s" % role in page
    # not the citizen's page: no 我的申请 / 我的数据使用授权 tables above the list
    assert "govopen-grants" not in page and "govopen-my-requests" not in page


def test_citizen_notifications_stay_below_the_applications(world):
    assert "/dashboard/requests#notifications" in _menu_href(_page(world, "citizen", "/"), "notifications")


# ------------------------------------------------------------------ 我的需求 (15)
def test_my_demands_lists_the_citizens_own_demands_with_state(world):
    mine = _ok(world, "citizen", "govopen_demand_create", title="全市公共厕所位置",
               description="位置与开放时间")
    theirs = _ok(world, "enterprise", "govopen_demand_create", title="企业登记变更记录",
                 description="近三年")
    seconded = _ok(world, "enterprise", "govopen_demand_create", title="公共充电桩位置",
                   description="位置")
    _ok(world, "citizen", "govopen_demand_second", id=seconded["id"])
    href = _menu_href(_page(world, "citizen", "/"), "demands")
    assert "mine=1" in href
    page = world["app"].get(href, headers=headers(world, "citizen"), status=200).body
    assert "我的需求" in page
    rows = dict(re.findall(r'<tr data-demand="([^"]+)" data-state="[^"]*">(.*?)</tr>', page, re.S))
    assert mine["id"] in rows and seconded["id"] in rows and theirs["id"] not in rows
    from ckanext.govopen.domain.state_labels import state_label
    assert state_label(mine["state"], en=False) in rows[mine["id"]]
    # the API filter, and nothing for a visitor
    assert {d["id"] for d in _ok(world, "citizen", "govopen_demand_list", mine=True)} >= {mine["id"], seconded["id"]}
    assert theirs["id"] not in {d["id"] for d in _ok(world, "citizen", "govopen_demand_list", mine=True)}
    assert _ok(world, "anonymous", "govopen_demand_list", mine=True) == []
    # the public board still lists everyone's
    board = _page(world, "citizen", "/demand")
    assert theirs["id"] in board


def test_demand_form_labels_its_fields(world):
    page = _page(world, "citizen", "/demand")
    form = page[page.index("govopen-demand-new"):]
    form = form[:form.index("</form>")]
    for field in ("title", "description", "suggested_org"):
        fid = re.search(r'id="([^"]+)" name="%s"' % field, form).group(1)
        assert 'for="%s"' % fid in form, field
    assert '<option value=""></option>' not in form  # 建议部门 is not blank by default


# ------------------------------------------------------------------ flashes (16)
def _flash_after(c, world, role, url, **data):
    r = c.post(ZH + url, data=data, headers=headers(world, role), follow_redirects=True, status=None)
    assert r.status_code == 200, r.status_code
    page = r.get_data(as_text=True)
    m = re.search(r'class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S)
    assert m, "no flash"
    return re.sub(r"<[^>]+>|\s+", " ", m.group(1)).strip()


def test_flashes_say_what_was_done(world):
    c = client(world["app"])
    app = _application(world)
    text = _flash_after(c, world, "dept_admin", "/dashboard/requests/%s/act" % app["id"],
                        action="reject", reasons="用途不明", legal_basis="《数据安全法》")
    shown = _ok(world, "citizen", "govopen_request_show", id=app["id"])
    from ckanext.govopen.domain.state_labels import state_label
    assert text != "已办理。" and "不予同意" in text and state_label(shown["state"], en=False) in text, text
    pkg = world["datasets"]["unconditional"]["pkg"]
    text = _flash_after(c, world, "citizen", "/dataset/%s/objection" % pkg["name"],
                        what="站点名称有误", evidence="现场核对")
    assert "数据疑义" in text and "前答复" in text, text
    assert re.search(r"\d{4}-\d{2}-\d{2}", text), text


def test_form_errors_name_fields_not_keys(world):
    """Outside attack F9: ``title: 必填`` and ``evidence: …`` in the flashes."""
    c = client(world["app"])
    pkg = world["datasets"]["unconditional"]["pkg"]
    text = _flash_after(c, world, "citizen", "/dataset/%s/objection" % pkg["name"])
    assert "必填" in text and not re.search(r"\b(what|evidence|title)\b", text), text
    text = _flash_after(c, world, "citizen", "/demand/new", description="只有说明")
    assert not re.search(r"\b(title|description)\b", text), text


# ------------------------------------------------------------------ 延期 approver (20)
def test_extension_offers_only_the_acting_head(world):
    import ckan.model as model
    from ckan.tests import helpers
    app = _application(world)
    site = helpers.call_action("get_site_user", {"ignore_auth": True})["name"]
    admin = model.User.get(world["users"]["dept_admin"]["id"])
    page = _page(world, "dept_admin", "/dashboard/requests/" + app["id"])
    form = page[page.index('data-action="extend"'):]
    form = form[:form.index("</form>")]
    options = re.findall(r'<option value="([^"]+)"[^>]*>', form)
    assert options == [admin.name], options
    assert site not in form
    # the head extends; proposing to themself is not offered next to it
    assert 'data-action="propose_extension"' not in page
    editor = _page(world, "dept_editor", "/dashboard/requests/" + app["id"])
    assert 'data-action="propose_extension"' in editor and 'data-action="extend"' not in editor


# ------------------------------------------------------------------ calendar (23)
def test_calendar_never_defaults_to_a_complete_year(world):
    page = _page(world, "authority", "/ckan-admin/calendar?year=2099")
    select = page[page.index('id="cal-official"'):]
    select = select[:select.index("</select>")]
    assert re.search(r'<option value="false" selected', select), select
    assert 'value="true" selected' not in select
    assert "暂无目录" not in page


# ------------------------------------------------------------------ demo requesters (6)
def test_generated_requests_are_filed_by_demo_accounts(world):
    import ckan.model as model
    from ckan.tests import factories, helpers
    from ckanext.govopen.demo import activity
    from ckanext.govopen.model import Request
    for name in ("jumin00", "jumin01"):
        if model.User.get(name) is None:
            factories.User(name=name, fullname="居民" + name[-1], image_url="", about="测试账号")
    site = model.User.get(helpers.call_action("get_site_user", {"ignore_auth": True})["name"])
    org = model.Group.get(world["dept"]["id"])
    who, who_org = activity._requester("application", org, random.Random(1))
    assert who is not None and who.name.startswith("jumin") and who_org is None
    now = dt.datetime.utcnow()
    row = Request(kind="application", state="submitted", jurisdiction="x", requester_id=site.id,
                  department_id=org.id, subject=world["datasets"]["conditional"]["pkg"]["id"],
                  fields={activity.MARK: True, "purpose": "演示"}, received_at=now,
                  due_date=now.date(), created=now, modified=now)
    model.Session.add(row)
    model.Session.commit()
    assert activity._real_requesters(random.Random(1)) >= 1
    model.Session.refresh(row)
    assert row.requester_id != site.id
    page = _page(world, "dept_admin", "/dashboard/requests/" + row.id)
    assert "系统" not in re.sub(r"<[^>]+>", " ", page.split("<body", 1)[1])


# ------------------------------------------------------------------ error pages (F9)
@pytest.mark.parametrize("path, method", [("/no-such-page-f9", "get"), ("/dataset/?page=-1", "get"),
                                          ("/catalog.ttl?page=abc", "get"),
                                          ("/catalog.ttl?modified_since=abc", "get"),
                                          ("/user/_logout", "put")])
def test_error_pages_speak_chinese_without_python_values(world, path, method):
    """Outside attack F9: werkzeug's English ("The requested URL was not found on the
    server…"), a parameter check's English and ``None - {'message': …}`` on error pages."""
    r = client(world["app"]).open(ZH + path, method=method.upper())
    assert r.status_code >= 400, (path, r.status_code)
    page = r.get_data(as_text=True)
    if "govopen-error" not in page:  # not an HTML error page (e.g. a Turtle body)
        pytest.skip("no error page: %s" % r.status_code)
    text = page[page.index("govopen-error"):]
    text = re.sub(r"<[^>]+>", " ", text[:text.index("govopen-error-links")])
    for english in ("The requested URL", "The method is not allowed", "must be", "None", "{'",
                    "Page param"):
        assert english not in text, (path, text)
    assert re.search(r"[\u4e00-\u9fff]", text), text
