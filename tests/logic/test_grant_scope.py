"""Scoped grants and the data-use agreement (issue 17), through every path.

A conditional entry with a four-column table (区县, 日期, 客流, 站点). The citizen applies
for two columns (区县, 客流) and one district (渝中区); the enterprise for 日期 and 客流 in a
date range. After approval the grant serves nothing until the applicant accepts the
数据开放利用协议; then the download route, datastore_search (and its dump and the datatables
preview) and datastore_info answer exactly the granted columns and rows, SQL is refused,
and every DataStore read is in the audit chain (finding F3). The department and the
authority keep the whole table; everybody else gets 403.
"""
from __future__ import annotations

import csv
import io
import json
import uuid

import pytest

from govopen_world import ALL_YES, LEGAL_BASIS, CONDITIONS, VALID_ENTRY, api, headers, post_form, publish, upload

TABLE = ("区县,日期,客流,站点\n"
         "渝中区,2026-01-05,100,解放碑\n"
         "渝中区,2026-02-10,200,较场口\n"
         "江北区,2026-01-06,300,观音桥\n"
         "江北区,2026-03-01,400,北城天街\n").encode("utf-8")

CITIZEN_SCOPE = {"columns": ["区县", "客流"], "row_filter": {"区县": "渝中区"}}
ENTERPRISE_SCOPE = {"columns": ["日期", "客流"],
                    "row_filter": {"日期": {"from": "2026-01-01", "to": "2026-01-31"}}}


def _application(pkg_id, kind, **extra):
    base = {"package_id": pkg_id, "purpose": "交通规划研究", "scope": "某某交通规划项目系统",
            "period_start": "2026-01-01", "period_end": "2999-12-31",
            "security_measures": "专人管理，加密存储", "contact": "023-12345678",
            "applicant_type": kind}
    if kind == "citizen":
        base.update(real_name="张三", id_number="110101199003074514")
    else:
        base.update(enterprise_name="某某科技有限公司", uscc="91110000600037341L")
    base.update(extra)
    return base


def _publish_table(resource_id, package_id, users):
    """The gate with the reviewer's k-anonymity statement (区县 and 日期 of bus stops,
    not of people), then the entry made public."""
    import ckan.model as model
    from ckan.tests import helpers
    from ckanext.govopen.publication import job, state
    row = state.get_row(resource_id)
    job.run(resource_id, row.token)
    model.Session.remove()
    helpers.call_action("govopen_publication_review", {"user": users["dept_admin"]["name"]},
                        id=resource_id, checklist=dict(ALL_YES), note="测试签署",
                        k_anonymity_statement="区县和日期描述的是站点客流，不涉及个人")
    helpers.call_action("package_patch", {"user": users["dept_editor"]["name"]}, id=package_id,
                        private=False)


@pytest.fixture(scope="module")
def scoped(world):
    """The entry, its table resource, and the two applications approved (agreements
    not accepted yet)."""
    from ckan.tests import helpers
    users = world["users"]
    editor = {"user": users["dept_editor"]["name"]}
    pkg = helpers.call_action("package_create", dict(editor),
                              name="scope-%s" % uuid.uuid4().hex[:6], title="区县客流",
                              owner_org=world["dept"]["id"], open_type="conditional",
                              legal_basis=LEGAL_BASIS, open_conditions=CONDITIONS,
                              notes="区县客流测试", **VALID_ENTRY)
    res = helpers.call_action("resource_create", dict(editor), package_id=pkg["id"],
                              name="区县客流 CSV", format="CSV", url="flows.csv",
                              upload=upload(TABLE, "flows.csv"))
    _publish_table(res["id"], pkg["id"], users)
    out = {"pkg": pkg, "rid": res["id"], "requests": {}}
    for role, scope in (("citizen", CITIZEN_SCOPE), ("enterprise", ENTERPRISE_SCOPE)):
        status, body = api(world, role, "govopen_application_create",
                           **_application(pkg["id"], role, **scope))
        assert status == 200, body
        req = body["result"]
        assert req["fields"]["grant_scope"]["columns"] == scope["columns"]
        status, body = api(world, "dept_admin", "govopen_request_act", id=req["id"],
                           action="approve", conditions="不得用于商业营销")
        assert status == 200, body
        grant = body["result"]["grant"]
        assert grant["scope"]["columns"] == scope["columns"] and grant["agreement_pending"]
        assert not grant["active"]
        out["requests"][role] = req["id"]
    return out


#: the policy's reason (the test app answers in the ini's default language)
from ckanext.govopen.domain.open_types import _REASONS  # noqa: E402
AGREEMENT_PENDING = "data-use agreement is not accepted yet"
assert AGREEMENT_PENDING in _REASONS["grant_agreement_pending"][1]


def _download(world, role, scoped):
    url = "/dataset/%s/resource/%s/download/flows.csv" % (scoped["pkg"]["name"], scoped["rid"])
    return world["app"].get(url, headers=headers(world, role), status=None)


def _accept(world, role, scoped):
    status, body = api(world, role, "govopen_agreement_show", id=scoped["requests"][role])
    assert status == 200, body
    if not body["result"]["accepted"]:
        status, body2 = api(world, role, "govopen_agreement_accept", id=scoped["requests"][role],
                            sha256=body["result"]["sha256"])
        assert status == 200, body2
    return body["result"]


def _csv(body: str):
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


# ---------------------------------------------------------------- the agreement first
def test_nothing_before_the_agreement_then_exactly_the_scope(world, scoped):
    """Order matters in this test: before acceptance every path answers 403 with the
    agreement's reason; after it, the scope."""
    r = _download(world, "citizen", scoped)
    assert r.status_code == 403 and AGREEMENT_PENDING in r.body
    status, body = api(world, "citizen", "datastore_search", resource_id=scoped["rid"])
    assert status == 403 and AGREEMENT_PENDING in body["error"]["message"]
    shown = _accept(world, "citizen", scoped)
    assert "区县、客流" in shown["text"] and "区县为“渝中区”" in shown["text"]
    assert "到期销毁" in shown["text"] and "数据来源" in shown["text"]
    r = _download(world, "citizen", scoped)
    assert r.status_code == 200, r.body
    assert _csv(r.body) == [["区县", "客流"], ["渝中区", "100"], ["渝中区", "200"]]


def test_agreement_rules(world, scoped):
    rid = scoped["requests"]["enterprise"]
    status, body = api(world, "enterprise", "govopen_agreement_show", id=rid)
    assert status == 200 and body["result"]["accepted"] is False and body["result"]["pdf_url"] is None
    text, sha = body["result"]["text"], body["result"]["sha256"]
    assert "日期在 2026-01-01 至 2026-01-31 之间" in text and "不得用于商业营销" in text
    # only the applicant; the hash of the text shown; once
    for role in ("citizen", "dept_admin", "authority"):
        status, body = api(world, role, "govopen_agreement_accept", id=rid, sha256=sha)
        assert status == 403, (role, body)
    status, body = api(world, "anonymous", "govopen_agreement_show", id=rid)
    assert status == 403
    status, body = api(world, "enterprise", "govopen_agreement_accept", id=rid, sha256="0" * 64)
    assert status == 409 and "SHA-256" in json.dumps(body, ensure_ascii=False)
    status, body = api(world, "enterprise", "govopen_agreement_accept", id=rid, sha256=sha)
    assert status == 200 and body["result"]["accepted"] is True
    assert body["result"]["accepted_by"] == world["users"]["enterprise"]["name"]
    assert body["result"]["accepted_at"].endswith("+08:00")
    status, body = api(world, "enterprise", "govopen_agreement_accept", id=rid, sha256=sha)
    assert status == 409 and "was accepted on" in json.dumps(body, ensure_ascii=False)
    # the department sees it, accepted
    status, body = api(world, "dept_admin", "govopen_agreement_show", id=rid)
    assert status == 200 and body["result"]["accepted"] is True and body["result"]["sha256"] == sha
    from ckan.tests import helpers
    rows = helpers.call_action("govopen_audit_list", {"user": world["users"]["authority"]["name"]},
                               event="grant.agreement_accepted")
    assert any(r["data"]["sha256"] == sha for r in rows)


# ---------------------------------------------------------------- every path, per role
FULL = {"dept_editor", "dept_admin", "authority"}
NONE = {"anonymous", "other_editor"}   # other_editor: the entry's share type is unconditional


@pytest.mark.parametrize("role", ["anonymous", "citizen", "enterprise", "dept_editor",
                                  "dept_admin", "authority"])
def test_download_per_role(world, scoped, role):
    if role in ("citizen", "enterprise"):
        _accept(world, role, scoped)
    r = _download(world, role, scoped)
    if role == "anonymous":
        assert r.status_code == 403
        return
    assert r.status_code == 200
    if role in FULL:
        assert r.body.lstrip("\ufeff") == TABLE.decode("utf-8").replace("\n", "\r\n") or \
            _csv(r.body)[0] == ["区县", "日期", "客流", "站点"]
        assert "北城天街" in r.body
    elif role == "citizen":
        assert _csv(r.body) == [["区县", "客流"], ["渝中区", "100"], ["渝中区", "200"]]
    else:
        assert _csv(r.body) == [["日期", "客流"], ["2026-01-05", "100"], ["2026-01-06", "300"]]


@pytest.mark.parametrize("role", ["anonymous", "citizen", "enterprise", "dept_editor",
                                  "dept_admin", "authority"])
def test_datastore_search_info_dump_per_role(world, scoped, role):
    if role in ("citizen", "enterprise"):
        _accept(world, role, scoped)
    status, body = api(world, role, "datastore_search", resource_id=scoped["rid"], sort="_id")
    if role == "anonymous":
        assert status == 403
        return
    assert status == 200, body
    result = body["result"]
    cols = [f["id"] for f in result["fields"]]
    rows = [[r[c] for c in cols if c != "_id"] for r in result["records"]]
    if role in FULL:
        assert cols == ["_id", "区县", "日期", "客流", "站点"] and len(rows) == 4
    elif role == "citizen":
        assert cols == ["_id", "区县", "客流"] and rows == [["渝中区", 100], ["渝中区", 200]]
        assert result["total"] == 2
    else:
        assert cols == ["_id", "日期", "客流"] and rows == [["2026-01-05", 100], ["2026-01-06", 300]]
    status, body = api(world, role, "datastore_info", id=scoped["rid"])
    assert status == 200
    info_cols = [f["id"] for f in body["result"]["fields"] if f["id"] != "_id"]
    assert info_cols == [c for c in cols if c != "_id"]
    r = world["app"].get("/datastore/dump/%s" % scoped["rid"], headers=headers(world, role),
                         status=None)
    assert r.status_code == 200
    dumped = _csv(r.body)
    assert [h for h in dumped[0] if h != "_id"] == [c for c in cols if c != "_id"]
    assert len(dumped) - 1 == len(rows)
    x = world["app"].get("/datastore/dump/%s?format=xlsx" % scoped["rid"],
                         headers=headers(world, role), status=None)
    from openpyxl import load_workbook
    ws = load_workbook(io.BytesIO(x.data)).active
    assert [c.value for c in next(ws.iter_rows(max_row=1))] == cols
    assert ws.max_row - 1 == len(rows)


def test_scoped_search_refuses_hidden_columns_and_keeps_q_inside(world, scoped):
    _accept(world, "citizen", scoped)
    rid = scoped["rid"]
    for params in ({"filters": {"站点": "观音桥"}}, {"sort": "站点 desc"}, {"q": {"站点": "观音"}},
                   {"fields": ["站点"]}):
        status, body = api(world, "citizen", "datastore_search", resource_id=rid, **params)
        assert status == 403 and "outside your grant" in body["error"]["message"], params
    # q over the whole row would tell what 站点 holds: matched within 区县 and 客流 only
    status, body = api(world, "citizen", "datastore_search", resource_id=rid, q="解放碑")
    assert status == 200 and body["result"]["records"] == []
    status, body = api(world, "citizen", "datastore_search", resource_id=rid, q="渝中")
    assert status == 200 and len(body["result"]["records"]) == 2
    # a user filter inside the scope narrows further, never widens
    status, body = api(world, "citizen", "datastore_search", resource_id=rid,
                       filters={"区县": "江北区"})
    assert status == 200 and body["result"]["records"] == []
    status, body = api(world, "citizen", "datastore_search", resource_id=rid,
                       filters={"客流": 200}, fields="区县,客流,站点")
    assert status == 200 and [list(r) for r in body["result"]["records"]] == [["区县", "客流"]]
    # SQL cannot be held to the scope: refused, for the table's name in any form
    for sql in ('SELECT "客流" FROM "%s"' % rid, "SELECT 1 WHERE '%s' = ''" % rid):
        status, body = api(world, "citizen", "datastore_search_sql", sql=sql)
        assert status == 403 and "use datastore_search" in body["error"]["message"], sql
    # the department's SQL still runs
    status, body = api(world, "dept_editor", "datastore_search_sql",
                       sql='SELECT count(*) AS n FROM "%s"' % rid)
    assert status == 200 and body["result"]["records"][0]["n"] == 4


def test_datatables_preview_shows_the_scope(world, scoped):
    _accept(world, "citizen", scoped)
    from ckan.tests import helpers
    views = helpers.call_action("resource_view_list", {"ignore_auth": True}, id=scoped["rid"])
    view = next(v for v in views if v["view_type"] == "datatables_view")
    r = post_form(world, "citizen", "/datatables/ajax/%s" % view["id"],
                  data={"draw": "1", "start": "0", "length": "10", "search[value]": "",
                        "order[0][column]": "0", "order[0][dir]": "asc"}, status=None)
    assert r.status_code == 200, r.body
    rows = json.loads(r.body)["data"]
    assert [(row.get("区县"), row.get("客流")) for row in rows] == [("渝中区", "100"), ("渝中区", "200")] \
        or [(row.get("区县"), str(row.get("客流"))) for row in rows] == [("渝中区", "100"), ("渝中区", "200")]
    assert all("站点" not in row and "日期" not in row for row in rows)


def test_datastore_reads_under_a_grant_are_audited(world, scoped):
    """Finding F3: datastore_search, its dump and SQL of conditional data go into the
    audit chain like downloads (the department's as download.conditional)."""
    from ckan.tests import helpers
    _accept(world, "citizen", scoped)
    authority = {"user": world["users"]["authority"]["name"]}

    def rows(event):
        return [r for r in helpers.call_action("govopen_audit_list", dict(authority), event=event,
                                               limit=1000)
                if r["subject"] == scoped["rid"]]
    before_grant, before_cond = len(rows("download.grant")), len(rows("download.conditional"))
    assert api(world, "citizen", "datastore_search", resource_id=scoped["rid"])[0] == 200
    r = world["app"].get("/datastore/dump/%s" % scoped["rid"], headers=headers(world, "citizen"))
    assert r.status_code == 200
    after = rows("download.grant")
    assert len(after) >= before_grant + 2
    assert after[0]["actor"] == world["users"]["citizen"]["id"] and after[0]["data"]["grant_id"]
    assert {a["data"].get("via") for a in after[:2]} == {"datastore_search"}
    assert api(world, "dept_editor", "datastore_search_sql",
               sql='SELECT "客流" FROM "%s"' % scoped["rid"])[0] == 200
    cond = rows("download.conditional")
    assert len(cond) == before_cond + 1 and cond[0]["data"]["via"] == "datastore_search_sql"
    # a search that hands out no row is no download
    n = len(rows("download.grant"))
    assert api(world, "citizen", "datastore_search", resource_id=scoped["rid"],
               filters={"区县": "江北区"})[0] == 200
    assert len(rows("download.grant")) == n


# ---------------------------------------------------------------- applying: validation
@pytest.fixture(scope="module")
def fresh_user(world):
    from ckan.tests import factories, helpers
    import ckan.model as model
    u = factories.User(name="fresh_%s" % uuid.uuid4().hex[:6], image_url="", about="测试账号")
    user = model.User.get(u["id"])
    user.plugin_extras = {"govopen": {"kind": "citizen"}}
    model.repo.commit()
    token = helpers.call_action("api_token_create", {"user": u["name"]}, user=u["name"], name="t")["token"]
    world["tokens"]["fresh"] = token
    return u


@pytest.mark.parametrize("scope,field,words", [
    ({"columns": ["不存在的列"]}, "columns", "不在该数据集的字段目录中"),
    ({"columns": ["区县", "区县"]}, "columns", "重复"),
    ({"columns": ["区县"], "row_filter": {"站点": "解放碑"}}, "row_filter", "必须是所选字段之一"),
    ({"row_filter": {"客流": {"from": "多", "to": 5}}}, "row_filter", "数值字段"),
    ({"row_filter": {"日期": {"from": "2026-03-01", "to": "2026-01-01"}}}, "row_filter", "起点不得晚于终点"),
    ({"row_filter": {"日期": {}}}, "row_filter", "至少给出一端"),
    ({"row_filter": {"区县": ["a", "b"]}}, "row_filter", "筛选值应为一个值"),
])
def test_scope_validation_fresh_applicant(world, scoped, fresh_user, scope, field, words):
    """Refusals in Chinese (the portal's language), nothing written."""
    import ckan.model as model
    from ckanext.govopen.model import Request
    before = model.Session.query(Request).count()
    r = world["app"].post("/zh_Hans_CN/api/3/action/govopen_application_create",
                          json=_application(scoped["pkg"]["id"], "citizen", **scope),
                          headers=headers(world, "fresh"), status=None)
    status, body = r.status_code, r.json
    assert status == 409, body
    assert words in json.dumps(body["error"].get(field), ensure_ascii=False), body
    assert model.Session.query(Request).count() == before   # nothing half-written


def test_scope_needs_a_field_dictionary(world, fresh_user):
    """The world's conditional entry has a table; its external-link-only twin has none."""
    from ckan.tests import helpers
    editor = {"user": world["users"]["dept_editor"]["name"]}
    pkg = helpers.call_action("package_create", dict(editor), name="nolist-%s" % uuid.uuid4().hex[:6],
                              title="无表", owner_org=world["dept"]["id"], open_type="conditional",
                              legal_basis=LEGAL_BASIS, open_conditions=CONDITIONS, notes="无表",
                              **VALID_ENTRY)
    helpers.call_action("resource_create", dict(editor), package_id=pkg["id"], name="链接",
                        format="JSON", url="https://data.example.invalid/x.json")
    publish(pkg["id"], world["users"]["dept_admin"]["name"], world["users"]["dept_editor"]["name"])
    r = world["app"].post("/zh_Hans_CN/api/3/action/govopen_application_create",
                          json=_application(pkg["id"], "citizen", columns=["区县"]),
                          headers=headers(world, "fresh"), status=None)
    assert r.status_code == 409 and "字段目录" in json.dumps(r.json, ensure_ascii=False)
    # the whole file stays possible
    status, body = api(world, "fresh", "govopen_application_create", **_application(pkg["id"], "citizen"))
    assert status == 200 and "grant_scope" not in body["result"]["fields"]


# ---------------------------------------------------------------- the pages
def test_apply_form_agreement_page_and_accept_button(world, scoped):
    """A citizen applies through the form for one column and a range of dates, the
    department approves, the application page links the agreement, the accept button
    needs the CSRF token, and afterwards the download gives exactly the scope."""
    import os
    import re
    import sys
    from ckan.tests import factories, helpers
    import ckan.model as model
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "security"))
    import websession
    u = factories.User(name="form_%s" % uuid.uuid4().hex[:6], password=world["password"],
                       image_url="", about="测试账号")
    user = model.User.get(u["id"])
    user.plugin_extras = {"govopen": {"kind": "citizen"}}
    model.repo.commit()
    c = websession.client(world["app"])
    websession.login(c, u["name"], world["password"])
    form_url = "/dataset/%s/apply/form" % scoped["pkg"]["name"]
    page = c.get(form_url).get_data(as_text=True)
    assert 'name="columns" value="站点"' in page and 'name="filter_column"' in page
    token = websession.TOKEN_RE.search(page).group(1)
    fields = {k: v for k, v in _application(scoped["pkg"]["id"], "citizen").items() if k != "package_id"}
    # a filter on a column not ticked: refused on the page, in words, nothing filed
    bad = c.post(form_url, data={**fields, "_csrf_token": token, "columns": ["客流"],
                                 "filter_column": "日期", "filter_from": "2026-02-01"}, status=None)
    assert bad.status_code == 200 and "govopen-errors" in bad.get_data(as_text=True)
    r = c.post(form_url, data={**fields, "_csrf_token": token, "columns": ["日期", "客流"],
                               "filter_column": "日期", "filter_from": "2026-02-01",
                               "filter_to": "2026-12-31"}, follow_redirects=False, status=None)
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    req_id = r.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    req = helpers.call_action("govopen_request_show", {"user": u["name"]}, id=req_id)
    assert req["fields"]["grant_scope"] == {"columns": ["日期", "客流"],
                                            "row_filter": {"日期": {"from": "2026-02-01", "to": "2026-12-31"}},
                                            "numeric_columns": None}
    helpers.call_action("govopen_request_act", {"user": world["users"]["dept_admin"]["name"]},
                        id=req_id, action="approve")
    read = c.get("/dashboard/requests/%s" % req_id).get_data(as_text=True)
    agreement_url = "/dashboard/requests/%s/agreement" % req_id
    assert agreement_url in read
    page = c.get(agreement_url).get_data(as_text=True)
    doc = helpers.call_action("govopen_agreement_show", {"user": u["name"]}, id=req_id)
    assert doc["sha256"] in page and 'id="govopen-agreement-accept"' in page
    # the department sees the agreement, without a button
    admin = websession.client(world["app"])
    websession.login(admin, world["users"]["dept_admin"]["name"], world["password"])
    seen = admin.get(agreement_url).get_data(as_text=True)
    assert doc["sha256"] in seen and 'id="govopen-agreement-accept"' not in seen
    # no CSRF token: refused, nothing accepted
    r = c.post(agreement_url, data={"sha256": doc["sha256"]}, status=None)
    assert r.status_code in (400, 403)
    assert not helpers.call_action("govopen_agreement_show", {"user": u["name"]}, id=req_id)["accepted"]
    token = websession.TOKEN_RE.search(page).group(1)
    r = c.post(agreement_url, data={"sha256": doc["sha256"], "_csrf_token": token},
               follow_redirects=False, status=None)
    assert r.status_code == 302
    assert helpers.call_action("govopen_agreement_show", {"user": u["name"]}, id=req_id)["accepted"]
    dl = c.get("/dataset/%s/resource/%s/download/flows.csv" % (scoped["pkg"]["name"], scoped["rid"]))
    assert _csv(dl.get_data(as_text=True)) == [["日期", "客流"], ["2026-02-10", "200"], ["2026-03-01", "400"]]
    assert re.search(r"govopen-grant-scope", c.get("/dashboard/requests/%s" % req_id).get_data(as_text=True))


# ---------------------------------------------------------------- suspend, revoke, expire
def _every_path(world, role, scoped):
    """The status of each way to the data: download, datastore_search, datastore_info,
    datastore_search_sql, the dump and the datatables preview."""
    from ckan.tests import helpers
    rid = scoped["rid"]
    views = helpers.call_action("resource_view_list", {"ignore_auth": True}, id=rid)
    view = next(v for v in views if v["view_type"] == "datatables_view")
    return {
        "download": _download(world, role, scoped).status_code,
        "datastore_search": api(world, role, "datastore_search", resource_id=rid)[0],
        "datastore_info": api(world, role, "datastore_info", id=rid)[0],
        "datastore_search_sql": api(world, role, "datastore_search_sql",
                                    sql='SELECT "客流" FROM "%s"' % rid)[0],
        "dump": world["app"].get("/datastore/dump/%s" % rid, headers=headers(world, role),
                                 status=None).status_code,
        "preview": post_form(world, role, "/datatables/ajax/%s" % view["id"],
                             data={"draw": "1", "start": "0", "length": "10", "search[value]": "",
                                   "order[0][column]": "0", "order[0][dir]": "asc"},
                             status=None).status_code,
    }


SERVED = {"download": 200, "datastore_search": 200, "datastore_info": 200,
          "datastore_search_sql": 403, "dump": 200, "preview": 200}   # SQL: never under a scope
NOTHING = {k: 403 for k in SERVED}


def test_suspend_resume_revoke_per_role(world, scoped):
    from ckan.tests import helpers
    rid = scoped["requests"]["enterprise"]
    _accept(world, "enterprise", scoped)
    assert _every_path(world, "enterprise", scoped) == SERVED
    # only the department's head (reviewer/admin); reasons required
    for role in ("enterprise", "dept_editor", "other_editor", "citizen"):
        status, body = api(world, role, "govopen_request_act", id=rid, action="suspend", reasons="违约")
        assert status == 403, (role, body)
    status, body = api(world, "dept_admin", "govopen_request_act", id=rid, action="suspend")
    assert status == 409 and body["error"]["rule"] == ["required_fields"]
    status, body = api(world, "dept_admin", "govopen_request_act", id=rid, action="suspend",
                       reasons="将数据用于协议以外的商业营销")
    assert status == 200 and body["result"]["state"] == "suspended", body
    assert body["result"]["grant"]["suspended_at"] and not body["result"]["grant"]["active"]
    assert _every_path(world, "enterprise", scoped) == NOTHING
    status, body = api(world, "enterprise", "datastore_search", resource_id=scoped["rid"])
    assert "suspended" in body["error"]["message"]
    # the department still has the data; the applicant is told why
    assert _every_path(world, "dept_editor", scoped)["datastore_search"] == 200
    notes = helpers.call_action("govopen_notification_list",
                                {"user": world["users"]["enterprise"]["name"]})
    assert any("协议以外的商业营销" in n["message"] for n in notes)
    status, body = api(world, "dept_admin", "govopen_request_act", id=rid, action="resume")
    assert status == 200 and body["result"]["state"] == "approved"
    assert _every_path(world, "enterprise", scoped) == SERVED
    status, body = api(world, "dept_admin", "govopen_request_act", id=rid, action="revoke",
                       reasons="再次违约")
    assert status == 200 and body["result"]["state"] == "revoked"
    assert body["result"]["grant"]["revoked_at"] and body["result"]["grant"]["status_reasons"] == "再次违约"
    assert _every_path(world, "enterprise", scoped) == NOTHING
    status, body = api(world, "dept_admin", "govopen_request_act", id=rid, action="resume")
    assert status == 409   # a revoked grant stays revoked
    events = [r["event"] for r in helpers.call_action(
        "govopen_audit_list", {"user": world["users"]["authority"]["name"]}, event="grant.", limit=1000)]
    assert {"grant.suspended", "grant.resumed", "grant.revoked"} <= set(events)
    # the reads made under the grant stay in its log
    status, body = api(world, "enterprise", "govopen_my_grants")
    assert status == 200


def test_an_expired_grant_serves_nothing_on_any_path(world, scoped):
    import datetime as dt
    import ckan.model as model
    from ckanext.govopen.model import Grant
    _accept(world, "citizen", scoped)
    assert _every_path(world, "citizen", scoped) == SERVED
    g = model.Session.query(Grant).filter(Grant.request_id == scoped["requests"]["citizen"]).one()
    g.expires = dt.datetime.utcnow() - dt.timedelta(seconds=1)
    model.Session.commit()
    assert _every_path(world, "citizen", scoped) == NOTHING
