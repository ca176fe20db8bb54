"""The first-time-user walk of 2026-12-06 (findings/walk/REPORT.md), server side: the
annual report is reached by clicking, the 复核 page lists the reconsiderations its
count counts, request pages show labels and names (never internal keys, ids or
Python values), one word for objections (数据疑义), and the main pages of every role
show no None / True / False / UUID in their visible text."""
from __future__ import annotations

import datetime as dt
import html as htmlmod
import re

import pytest

from govopen_world import api, headers

pytestmark = pytest.mark.usefixtures("with_plugins")

UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)
PY_VALUE = re.compile(r"(?<![A-Za-z])(None|True|False)(?![A-Za-z])")


def _ok(world, role, name, **params):
    status, body = api(world, role, name, **params)
    assert status == 200, (name, role, status, body)
    return body["result"]


def _page(world, role, path, status=200):
    r = world["app"].get("/zh_Hans_CN" + path, headers=headers(world, role), status=status)
    return r.body


def visible_text(page: str) -> str:
    """What a reader sees: no scripts, styles, tags or attributes."""
    body = page.split("<body", 1)[-1]
    body = re.sub(r"<(script|style|template)\b.*?</\1>", " ", body, flags=re.S | re.I)
    body = re.sub(r"<!--.*?-->", " ", body, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return htmlmod.unescape(re.sub(r"\s+", " ", body))


def _last_year():
    from ckanext.govopen.logic import requests_glue as glue
    return glue.today_local().year - 1


def _refused_application(world):
    today = dt.date.today()
    app = _ok(world, "citizen", "govopen_application_create",
              package_id=world["datasets"]["conditional"]["pkg"]["id"], purpose="交通规划研究",
              scope="课题组内部", period_start=today.isoformat(),
              period_end=(today + dt.timedelta(days=30)).isoformat(), security_measures="加密存储",
              applicant_type="citizen", real_name="王小明", id_number="11010519491231002X",
              contact="13800000000")
    _ok(world, "dept_admin", "govopen_request_act", id=app["id"], action="reject",
        reasons="用途不明", legal_basis="《数据安全法》")
    return app


@pytest.fixture
def recon(world, with_plugins):
    """One refused application and its reconsideration, made once per world."""
    if "walk_recon" in world:
        return world["walk_recon"]
    app = _refused_application(world)
    r = _ok(world, "citizen", "govopen_reconsideration_create", request_id=app["id"], reasons="用途明确")
    from ckanext.govopen.domain import request_forms as rf
    world["walk_recon"] = {"application": app, "recon": r,
                           "number": rf.request_number("application", app["received_at"], app["id"])}
    return world["walk_recon"]


# ------------------------------------------------------------------ 1. annual report
def test_annual_report_is_linked_for_who_may_see_it(world):
    year = _last_year()
    home = _page(world, "authority", "/")
    link = re.search(r'data-menu="annual_report"[^>]*>|<a[^>]*href="([^"]*)"[^>]*data-menu="annual_report"', home)
    assert link, "the authority's menu has no 年度报告"
    assert "/oversight/reports/%d" % year in home
    sc = _page(world, "authority", "/oversight/scorecards")
    assert "govopen-annual-reports" in sc and "/oversight/reports/%d" % year in sc
    # a department's head: its own department's report, from the menu and its scorecard
    org = world["dept"]["name"]
    admin_home = _page(world, "dept_admin", "/")
    assert 'data-menu="annual_report"' in admin_home
    assert "/oversight/reports/%d?organization=%s" % (year, org) in admin_home
    own = _page(world, "dept_admin", "/oversight/scorecards?organization=" + org)
    assert "/oversight/reports/%d?organization=%s" % (year, org) in own
    # citizens have no report to write: no menu entry, and no draft is offered
    assert 'data-menu="annual_report"' not in _page(world, "citizen", "/")
    assert "/oversight/reports/" not in _page(world, "citizen", "/stats")
    # a published report is public: /stats links it for everyone
    _ok(world, "authority", "govopen_annual_report_generate", year=year)
    _ok(world, "authority", "govopen_annual_report_publish", year=year)
    stats = _page(world, "citizen", "/stats")
    assert "/oversight/reports/%d" % year in stats and "已发布" in stats


# ------------------------------------------------------------------ 2. the 复核 page
def test_reconsideration_page_lists_what_the_menu_counts(world, recon):
    page = _page(world, "authority", "/dashboard/oversight")
    count = int(re.search(r'data-menu="reconsideration".*?data-count="(\d+)"', page, re.S).group(1))
    table = page[page.index("govopen-oversight-reconsideration"):]
    table = table[:table.index("</table>")]
    submitted = re.findall(r'<tr data-request="([^"]+)" data-state="submitted"', table)
    assert recon["recon"]["id"] in submitted and len(submitted) == count, (count, submitted)
    assert recon["number"] in table  # the original request by its number
    # the objections table lists datasets and says so
    obj = page[page.index("govopen-oversight-objection"):]
    assert obj[:obj.index("</tr>")].count("<th>数据集</th>") == 1


# ------------------------------------------------------------------ 3. the reconsideration's page
def test_reconsideration_page_shows_labels_and_names(world, recon):
    for role in ("citizen", "authority", "dept_admin"):
        page = _page(world, role, "/dashboard/requests/" + recon["recon"]["id"])
        text = visible_text(page)
        for internal in ("original_kind", "original_department_id", "demand_id", "original_request_id"):
            assert internal not in text, (role, internal)
        assert not PY_VALUE.search(text), (role, PY_VALUE.search(text).group(0))
        assert not UUID.search(text), (role, UUID.search(text).group(0))
        assert re.search(r"<dt>原申请</dt><dd[^>]*><a href=\"[^\"]*%s\">%s</a>" % (
            recon["application"]["id"], recon["number"]), page), role
        assert re.search(r'<dt>部门</dt><dd class="govopen-department">市交通运输局</dd>', page), role
    mine = _page(world, "citizen", "/dashboard/requests")
    row = re.search(r'<tr data-id="%s".*?</tr>' % recon["recon"]["id"], mine, re.S).group(0)
    assert "市交通运输局" in row


# ------------------------------------------------------------------ 4. Python values and keys
def test_generated_requests_show_no_internal_fields_nor_none(world):
    """The demo's generated requests carry a marker field and objections without a
    description: neither shows (申请内容 ``demo_activity True``; ``已更正 — None``)."""
    import ckan.model as model
    from ckan.tests import helpers
    from ckanext.govopen.demo.activity import MARK
    from ckanext.govopen.logic import requests_glue as glue
    from ckanext.govopen.model import Request
    site = model.User.get(helpers.call_action("get_site_user", {"ignore_auth": True})["name"])
    pkg = world["datasets"]["unconditional"]["pkg"]
    now = dt.datetime.utcnow()
    rows = {}
    for kind, state, fields in (("application", "submitted", {MARK: True, "purpose": "演示"}),
                                ("objection", "corrected", {MARK: True})):
        row = Request(kind=kind, state=state, jurisdiction=glue.jurisdiction().code, requester_id=site.id,
                      department_id=world["dept"]["id"], subject=pkg["id"], fields=fields,
                      received_at=now, due_date=now.date(), created=now, modified=now)
        model.Session.add(row)
        rows[kind] = row
    model.Session.commit()
    page = _page(world, "dept_admin", "/dashboard/requests/" + rows["application"].id)
    text = visible_text(page)
    assert MARK not in text and not PY_VALUE.search(text), PY_VALUE.search(text)
    public = visible_text(_page(world, "anonymous", "/dataset/" + pkg["name"]))
    assert "None" not in public
    assert "已更正" in public


def test_high_demand_review_names_its_demand(world):
    """A high-demand review's 数据需求 is the demand's title with a link, not its id."""
    import ckan.model as model
    from ckanext.govopen.logic import requests_glue as glue
    from ckanext.govopen.model import Demand, Request
    pkg = world["datasets"]["not_open"]["pkg"]
    demand = Demand(package_id=pkg["id"], title="交通违法数据开放", creator_id=world["users"]["citizen"]["id"],
                    department_id=world["dept"]["id"])
    model.Session.add(demand)
    model.Session.flush()
    now = dt.datetime.utcnow()
    row = Request(kind="high_demand_review", state="submitted", jurisdiction=glue.jurisdiction().code,
                  requester_id=world["users"]["citizen"]["id"], department_id=world["dept"]["id"],
                  subject=pkg["id"], fields={"dataset_id": pkg["id"], "requester_count": 3,
                                             "demand_id": demand.id},
                  received_at=now, due_date=now.date(), created=now, modified=now)
    model.Session.add(row)
    model.Session.commit()
    page = _page(world, "dept_admin", "/dashboard/requests/" + row.id)
    text = visible_text(page)
    assert not UUID.search(text), UUID.search(text).group(0)
    assert re.search(r'<dd data-field="demand_id"><a href="[^"]*%s">交通违法数据开放</a>' % demand.id, page)


def test_overdue_list_names_the_department(world):
    from unittest import mock
    from ckanext.govopen.domain import catalog
    with mock.patch.object(catalog, "update_status", return_value={
            "overdue": True, "update_cycle": "monthly", "last_data_update": None, "due_date": "2026-01-01"}):
        page = _page(world, "dept_admin", "/dashboard/govopen")
    row = re.search(r"<tr data-name=.*?</tr>", page, re.S).group(0)
    assert "市交通运输局" in row and ">%s<" % world["dept"]["name"] not in row


# ------------------------------------------------------------------ 7. one word
def test_objections_are_called_yiyi_everywhere(world):
    from ckanext.govopen.domain.requests import get_kind
    assert get_kind("objection").title_zh == "数据疑义"
    pkg = world["datasets"]["unconditional"]["pkg"]
    _ok(world, "citizen", "govopen_objection_create", package_id=pkg["id"], what="站名有误", evidence="现场核对")
    for path in ("/dashboard/requests", "/dataset/" + pkg["name"]):
        page = _page(world, "citizen", path)
        assert "异议" not in page and "疑义" in page, path


# ------------------------------------------------------------------ guard
PAGES = {
    "anonymous": ["/", "/dataset", "/stats", "/stats/requests", "/demand", "/negative-list"],
    "citizen": ["/", "/dashboard/requests", "/demand", "/dashboard/apps", "/stats"],
    "dept_admin": ["/", "/dashboard/reviews", "/dashboard/publication-reviews", "/dashboard/govopen",
                   "/dashboard/oversight"],
    "authority": ["/", "/dashboard/reviews", "/dashboard/oversight", "/oversight/scorecards",
                  "/dashboard/govopen", "/stats/requests"],
}


@pytest.mark.parametrize("role", sorted(PAGES))
def test_main_pages_show_no_python_values_nor_ids(world, recon, role):
    pages = list(PAGES[role])
    if role != "anonymous":
        pages.append("/dashboard/requests/" + recon["recon"]["id"]) if role != "dept_admin" else None
        pages.append("/dataset/" + world["datasets"]["conditional"]["pkg"]["name"])
    bad = []
    for path in pages:
        text = visible_text(_page(world, role, path))
        for rx in (PY_VALUE, UUID):
            m = rx.search(text)
            if m:
                bad.append((path, m.group(0), text[max(0, m.start() - 60):m.end() + 60]))
    assert not bad, bad


# ------------------------------------------------------------------ 5. a Chinese-only title
def test_name_from_title_spells_chinese_in_pinyin():
    from ckanext.govopen.logic.validators import name_from_title
    assert name_from_title("测试公交站点联系人") == "ce-shi-gong-jiao-zhan-dian-lian-xi-ren"
    assert name_from_title("公交站点 d0307") == "gong-jiao-zhan-dian-d0307"
    assert re.fullmatch(r"dataset-[0-9a-f]{6}", name_from_title("！！"))
    taken = {"gong-jiao"}
    assert re.fullmatch(r"gong-jiao-[0-9a-f]{6}", name_from_title("公交", taken.__contains__))


def test_entry_with_a_chinese_only_title_gets_a_url(world):
    import os
    import sys
    from govopen_world import VALID_ENTRY
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "security"))
    import websession
    org = world["dept"]["id"]
    made = _ok(world, "dept_editor", "package_create", title="全市公共厕所位置", owner_org=org,
               open_type="unconditional", **VALID_ENTRY)
    assert made["name"] == "quan-shi-gong-gong-ce-suo-wei-zhi"
    again = _ok(world, "dept_editor", "package_create", title="全市公共厕所位置", owner_org=org,
                open_type="unconditional", **VALID_ENTRY)
    assert again["name"].startswith("quan-shi-gong-gong-ce-suo-wei-zhi-")
    # an update still needs its name: it is never renamed
    status, body = api(world, "dept_editor", "package_update", id=made["id"], name="",
                       title="全市公共厕所位置", owner_org=org, open_type="unconditional", **VALID_ENTRY)
    assert status == 409 and "name" in body["error"], body
    # the web form without JavaScript: the name field is sent empty
    c = websession.client(world["app"])
    websession.login(c, world["users"]["dept_editor"]["name"], world["password"])
    token = websession.csrf_token(c, "/dataset/new")
    form = dict(VALID_ENTRY, title="城市道路停车泊位", name="", owner_org=org, open_type="unconditional",
                notes="", _csrf_token=token, save="continue", pkg_name="")
    r = c.post("/zh_Hans_CN/dataset/new", data=form, follow_redirects=False, status=None)
    body = r.get_data(as_text=True)
    assert "缺失值" not in body and r.status_code == 302, (r.status_code, re.findall(r"error[^<]{0,200}", body)[:5])
    assert "/dataset/cheng-shi-dao-lu-ting-che-bo-wei" in r.headers["Location"]


def test_a_restricted_file_says_why_on_the_entry_page_and_the_api_page(world):
    """Walk item 21: the entry page showed only a red 数据受限 badge (the reason was on the
    resource page alone) and 接口说明 documented the file as if it could be read."""
    from ckanext.govopen.domain import open_types as ot
    pkg = world["datasets"]["conditional"]["pkg"]
    reason = ot._REASONS["conditional_login"][0]  # what the policy answers an anonymous reader
    raw = _page(world, "anonymous", "/dataset/" + pkg["name"])
    # the sentence sits with the file itself (the entry's own access panel says it too)
    item = raw.split('class="govopen-restricted-reason', 1)[1].split("</p>", 1)[0]
    assert "数据受限" in visible_text(raw) and reason in item
    api_page = visible_text(_page(world, "anonymous", "/dataset/%s/api" % pkg["name"]))
    assert "您目前无法获取：" in api_page and reason in api_page
    # whoever may read it sees no such note
    assert "govopen-restricted-reason" not in _page(world, "dept_editor", "/dataset/" + pkg["name"])
    assert "您目前无法获取" not in visible_text(_page(world, "dept_editor", "/dataset/%s/api" % pkg["name"]))


def test_favicon_is_found(world):
    """Walk item 26: /favicon.ico answered 404 (asked by browsers on inline JSON)."""
    r = world["app"].get("/favicon.ico", status=None, follow_redirects=False)
    assert r.status_code == 301 and r.headers["Location"].endswith(".ico")
    icon = world["app"].get(r.headers["Location"], status=None)
    assert icon.status_code == 200 and len(icon.data) > 100
