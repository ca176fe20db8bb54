"""Issue 16: applications (应用) with API keys, quotas on Redis, alerts, usage.

Over HTTP through CKAN's test app (the quota is a Flask hook), with the shared
world (tests/govopen_world.py). test-govopen.ini turns every quota off (0); tiny
quotas are set per test (``govopen.api_quota.<scope>.<measure>``) and the
counters are reset between tests.
Rows counting is tested on the chained datastore_search function, and over HTTP on
the dump of a 7-row table with pages of 3 rows (``ckan.datastore.search.rows_max``).
"""
from __future__ import annotations

import json

import pytest

import ckan.plugins.toolkit as tk
from govopen_world import ROLES, api, headers


@pytest.fixture(autouse=True)
def fresh_counters(world):
    from ckanext.govopen import quota
    with world["app"].flask_app.test_request_context("/"):
        quota.reset()
    yield
    with world["app"].flask_app.test_request_context("/"):
        quota.reset()


@pytest.fixture
def set_quota(monkeypatch):
    def setter(scope, measure, value):
        monkeypatch.setitem(tk.config, "govopen.api_quota.%s.%s" % (scope, measure), str(value))
    return setter


def call(world, name, token=None, lang=None, address=None, **params):
    h = {"Authorization": token} if token else {}
    if lang:
        h["Accept-Language"] = lang
    env = {"REMOTE_ADDR": address} if address else None
    r = world["app"].post("/api/3/action/" + name, json=params, headers=h, status=None,
                          environ_overrides=env)
    return r


def make_app(world, role, title="我的测试应用"):
    status, body = api(world, role, "govopen_app_create", title=title, description="用于测试")
    assert status == 200, body
    return body["result"]


# ------------------------------------------------------------------ applications
@pytest.mark.parametrize("role", ROLES)
def test_app_create_list_delete_per_role(world, role):
    status, body = api(world, role, "govopen_app_create", title="应用-" + role)
    if role == "anonymous":
        assert status == 403
        assert not body["success"]
        return
    assert status == 200, body
    app = body["result"]
    assert app["id"].startswith("ak") and app["title"] == "应用-" + role and app["token"]
    status, body = api(world, role, "govopen_app_list")
    assert status == 200
    listed = [a for a in body["result"] if a["id"] == app["id"]]
    assert len(listed) == 1 and "token" not in listed[0] and listed[0]["token_active"]
    status, body = api(world, role, "govopen_app_delete", id=app["id"])
    assert status == 200 and body["result"]["deleted"]
    status, body = api(world, role, "govopen_app_list")
    assert app["id"] not in [a["id"] for a in body["result"]]


def test_anonymous_cannot_list(world):
    status, body = api(world, "anonymous", "govopen_app_list")
    assert status == 403


def test_app_create_needs_a_title(world):
    status, body = api(world, "citizen", "govopen_app_create", title="  ")
    assert status == 409
    assert body["error"]["title"]
    status, body = api(world, "citizen", "govopen_app_create", title="x" * 101)
    assert status == 409


def test_another_users_app_is_neither_listed_nor_deletable(world):
    app = make_app(world, "citizen")
    for role in ("enterprise", "dept_admin", "authority"):
        status, body = api(world, role, "govopen_app_list")
        assert app["id"] not in [a["id"] for a in body["result"]]
        status, body = api(world, role, "govopen_app_delete", id=app["id"])
        assert status == 403, (role, body)
    status, body = api(world, "anonymous", "govopen_app_delete", id=app["id"])
    assert status == 403
    # still there and still working for its owner
    status, body = api(world, "citizen", "govopen_app_list")
    assert status == 200 and app["id"] in [a["id"] for a in body["result"]]
    r = call(world, "status_show", token=app["token"])
    assert r.status_code == 200
    status, body = api(world, "citizen", "govopen_app_delete", id="ak-no-such-app")
    assert status == 404


def test_token_works_and_dies_on_delete(world):
    app = make_app(world, "enterprise")
    # an application key reads published data only (outside test F6): no account actions
    r = call(world, "govopen_app_list", token=app["token"])
    assert r.status_code == 403 and "应用密钥" in r.json["error"]["message"]
    # the key is the enterprise's: it reads the conditional entry the enterprise holds a grant for
    cond = world["datasets"]["conditional"]
    r = call(world, "govopen_access_check", token=app["token"], id=cond["pkg"]["id"],
             resource_id=cond["upload"]["id"])
    assert r.status_code == 200 and r.json["result"]["data"]["allowed"] is True
    status, body = api(world, "enterprise", "govopen_app_delete", id=app["id"])
    assert status == 200
    r = call(world, "govopen_app_list", token=app["token"])
    assert r.status_code == 403
    r = call(world, "govopen_access_check", token=app["token"], id=cond["pkg"]["id"],
             resource_id=cond["upload"]["id"])
    assert r.json["result"]["data"]["allowed"] is False


# ------------------------------------------------------------------ quotas over HTTP
def test_anonymous_quota_then_429_then_a_key_continues(world, set_quota):
    set_quota("anonymous", "requests", 3)
    set_quota("user", "requests", 100)
    set_quota("application", "requests", 100)
    seen = []
    for _ in range(3):
        r = call(world, "status_show")
        assert r.status_code == 200
        seen.append((r.headers["X-RateLimit-Limit"], r.headers["X-RateLimit-Remaining"]))
    assert seen == [("3", "2"), ("3", "1"), ("3", "0")]
    r = call(world, "status_show")
    assert r.status_code == 429
    retry = int(r.headers["Retry-After"])
    assert 0 < retry <= 86400
    assert r.headers["X-RateLimit-Remaining"] == "0"
    assert r.json["success"] is False
    msg = r.json["error"]["message"]
    assert "上限" in msg or "用完" in msg, msg
    assert "应用" in msg  # the hint to create an application key
    r = call(world, "status_show", lang="en-US,en;q=0.9")
    assert r.status_code == 429
    assert "quota" in r.json["error"]["message"].lower()
    r = world["app"].post("/en/api/3/action/status_show", json={}, status=None)
    assert r.status_code == 429 and "Retry-After" in r.headers
    assert "quota" in r.json["error"]["message"].lower() and "上限" not in r.json["error"]["message"]
    # another address has its own quota
    assert call(world, "status_show", address="10.1.2.3").status_code == 200
    # a key continues where the address stopped
    app = make_app(world, "citizen")
    r = call(world, "status_show", token=app["token"])
    assert r.status_code == 200
    assert int(r.headers["X-RateLimit-Remaining"]) > 0


def test_headers_report_the_tightest_limit(world, set_quota):
    set_quota("user", "requests", 50)
    set_quota("application", "requests", 4)
    app = make_app(world, "enterprise")
    r = call(world, "status_show", token=app["token"])
    assert (r.headers["X-RateLimit-Limit"], r.headers["X-RateLimit-Remaining"]) == ("4", "3")
    for _ in range(3):
        assert call(world, "status_show", token=app["token"]).status_code == 200
    r = call(world, "status_show", token=app["token"])
    assert r.status_code == 429 and r.json["error"]["scope"] == "application"
    # the user's other key (not an application) is under the user quota only
    r = call(world, "status_show", token=world["tokens"]["enterprise"])
    assert r.status_code == 200 and r.headers["X-RateLimit-Limit"] == "50"


def test_dataset_quota_per_caller(world, set_quota):
    set_quota("dataset", "requests", 2)
    pkg = world["datasets"]["unconditional"]["pkg"]
    other = world["datasets"]["conditional"]["pkg"]
    tok = world["tokens"]["citizen"]
    for _ in range(2):
        assert call(world, "package_show", token=tok, id=pkg["name"]).status_code == 200
    r = call(world, "package_show", token=tok, id=pkg["id"])
    assert r.status_code == 429 and r.json["error"]["scope"] == "dataset"
    # resource_show of a resource of the same dataset is a call about it too
    r = call(world, "resource_show", token=tok, id=world["datasets"]["unconditional"]["upload"]["id"])
    assert r.status_code == 429
    assert call(world, "package_show", token=tok, id=other["id"]).status_code == 200
    assert call(world, "package_show", token=world["tokens"]["enterprise"], id=pkg["id"]).status_code == 200


def test_the_authority_is_not_under_a_quota(world, set_quota):
    set_quota("user", "requests", 1)
    for _ in range(3):
        r = call(world, "status_show", token=world["tokens"]["authority"])
        assert r.status_code == 200
        assert "X-RateLimit-Limit" not in r.headers


def test_alerts_at_80_and_100_percent_once(world, set_quota):
    set_quota("user", "requests", 5)
    tok = world["tokens"]["citizen"]

    def quota_notes():
        status, body = api(world, "authority", "status_show")  # exempt: does not count
        from ckanext.govopen.model import Notification
        import ckan.model as model
        uid = world["users"]["citizen"]["id"]
        model.Session.remove()
        return sorted(n.kind for n in model.Session.query(Notification)
                      .filter(Notification.user_id == uid)
                      .filter(Notification.kind.like("quota_%")).all())
    before = quota_notes()
    assert call(world, "status_show", token=tok).status_code == 200
    assert call(world, "status_show", token=tok).status_code == 200
    assert call(world, "status_show", token=tok).status_code == 200
    assert quota_notes() == before
    assert call(world, "status_show", token=tok).status_code == 200   # 4 of 5: 80%
    assert quota_notes() == sorted(before + ["quota_80"])
    assert call(world, "status_show", token=tok).status_code == 200   # 5 of 5: 100%
    assert call(world, "status_show", token=tok).status_code == 429
    after = quota_notes()
    assert after == sorted(before + ["quota_80", "quota_100"])
    # counters forgotten (as if Redis restarted): the same day does not alert again
    with world["app"].flask_app.test_request_context("/"):
        from ckanext.govopen import quota
        quota.reset()
    for _ in range(5):
        call(world, "status_show", token=tok)
    assert quota_notes() == after
    # the user is told in Chinese (English second) which quota is used up
    from ckanext.govopen.model import Notification
    import ckan.model as model
    note = model.Session.query(Notification).filter(
        Notification.user_id == world["users"]["citizen"]["id"],
        Notification.kind == "quota_100",
        Notification.dedup_key.like("quota:user:requests:%")).one()
    assert "已用完" in note.message and "used up" in note.message


# ------------------------------------------------------------------ rows (chained datastore_search)
def _fake_search(total):
    calls = []

    def up(context, data_dict):
        calls.append(dict(data_dict))
        limit = data_dict.get("limit", 100)
        return {"records": [{"n": i} for i in range(min(int(limit), total))], "limit": limit}
    return up, calls


def test_rows_counted_cut_and_refused(world, set_quota):
    from ckanext.govopen import quota
    from ckanext.govopen.domain import quotas as dq
    from ckanext.govopen.logic.action.apps import count_search_rows
    set_quota("user", "rows", 10)
    res = world["datasets"]["unconditional"]["upload"]
    citizen = world["users"]["citizen"]["id"]
    flask_app = world["app"].flask_app
    up, calls = _fake_search(total=1000)
    with flask_app.test_request_context("/api/3/action/datastore_search"):
        import flask
        q = quota.RequestQuota(quota.limiter(), dq.Caller(user_id=citizen), None, "api",
                               quota.settings(), "Asia/Shanghai")
        flask.g.govopen_quota = q
        out = count_search_rows(up, {}, {"resource_id": res["id"], "limit": 6})
        assert len(out["records"]) == 6
        assert q.rows_header[0].limit == 10 and q.rows_header[1] == 4
        assert q.alerts == []
        out = count_search_rows(up, {}, {"resource_id": res["id"], "limit": 2})  # 8 of 10
        assert [lvl for _, lvl in q.alerts] == [80]
        out = count_search_rows(up, {}, {"resource_id": res["id"]})   # default 100 → cut to 2
        assert len(out["records"]) == 2 and calls[-1]["limit"] == 2
        assert q.rows_header[1] == 0
        assert [lvl for _, lvl in q.alerts] == [80, 100]
        with pytest.raises(quota.QuotaExceeded) as exc:
            count_search_rows(up, {}, {"resource_id": res["id"], "limit": 1})
        assert exc.value.counter.measure == "rows" and exc.value.counter.scope == "user"
        assert len(calls) == 3      # the refused search never ran
    # outside a request under quota (e.g. the resource page's preview) nothing is counted
    with flask_app.test_request_context("/dataset/x"):
        out = count_search_rows(up, {}, {"resource_id": res["id"], "limit": 50})
        assert len(out["records"]) == 50


def test_rows_refusal_is_a_429_with_retry_after(world):
    """What the app answers when a chained DataStore action raises QuotaExceeded
    (its registered error handler), in Chinese and under /en in English."""
    from ckanext.govopen import quota
    from ckanext.govopen.domain import quotas as dq
    counter = dq.Counter("user", "rows", "user:u", 10, "2026-12-05")
    flask_app = world["app"].flask_app
    handler = flask_app.error_handler_spec[None][429][quota.QuotaExceeded]
    for url, lang in (("/api/3/action/datastore_search", "zh"), ("/en/api/3/action/datastore_search", "en")):
        env = {"CKAN_LANG": "en", "CKAN_LANG_IS_DEFAULT": False} if lang == "en" else {}
        with flask_app.test_request_context("/api/3/action/datastore_search", environ_base=env):
            resp = handler(quota.QuotaExceeded(counter))
            assert resp.status_code == 429 and int(resp.headers["Retry-After"]) > 0
            body = resp.get_json()
            assert body["success"] is False and body["error"]["measure"] == "rows"
            if lang == "zh":
                assert "返回行数已达上限" in body["error"]["message"]
            else:
                assert "rows" in body["error"]["message"] and "上限" not in body["error"]["message"]


def test_rows_per_dataset_and_csv_records(world, set_quota):
    from ckanext.govopen import quota
    from ckanext.govopen.domain import quotas as dq
    from ckanext.govopen.logic.action.apps import count_search_rows
    set_quota("dataset", "rows", 3)
    res = world["datasets"]["unconditional"]["upload"]

    def up(context, data_dict):
        return {"records": "a,1\nb,2\nc,3\n"}        # records_format=csv (the dump route)
    with world["app"].flask_app.test_request_context("/datastore/dump/x"):
        import flask
        q = quota.RequestQuota(quota.limiter(), dq.Caller(address="10.9.9.9"),
                               res["package_id"], "dump", quota.settings(), "Asia/Shanghai")
        flask.g.govopen_quota = q
        count_search_rows(up, {}, {"resource_id": res["id"]})
        assert q.rows_header[0].scope == "dataset" and q.rows_header[1] == 0
        with pytest.raises(quota.QuotaExceeded):
            count_search_rows(up, {}, {"resource_id": res["id"]})


# ------------------------------------------------------------------ rows of a dump, page by page
@pytest.fixture(scope="module")
def seven_rows(world):
    """A public table of 7 rows in the DataStore (through the gate)."""
    from ckan.tests import helpers
    from govopen_world import run_gate, upload
    csv = ("序号,客流\n" + "".join("%d,%d\n" % (i, 100 + i) for i in range(1, 8))).encode("utf-8")
    editor = world["users"]["dept_editor"]["name"]
    pkg = world["datasets"]["unconditional"]["pkg"]
    res = helpers.call_action("resource_create", {"user": editor}, package_id=pkg["id"],
                              name="七行", format="CSV", url="seven.csv",
                              upload=upload(csv, "seven.csv"))
    run_gate(res["id"], world["users"]["dept_admin"]["name"])
    return res


def _rows_used_today(world, address):
    """Rows counted today for an anonymous address (the counter itself, in Redis)."""
    from ckanext.govopen import quota
    from ckanext.govopen.domain import quotas as dq
    import datetime as dt
    with world["app"].flask_app.test_request_context("/"):
        day = dq.local_day(dt.datetime.now(dt.timezone.utc), quota.timezone()).isoformat()
        cs = dq.counters(dq.Caller(address=address), "rows", quota.settings(), day)
        return quota.usage_today(cs)["rows"]["used"]


@pytest.fixture
def pages_of_3(monkeypatch):
    """The DataStore answers at most 3 rows a call: CKAN's dump pages by that (32,000)."""
    monkeypatch.setitem(tk.config, "ckan.datastore.search.rows_max", 3)


def dump(world, rid, fmt, address):
    return world["app"].get("/datastore/dump/%s?format=%s" % (rid, fmt), status=None,
                            environ_overrides={"REMOTE_ADDR": address})


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_dump_counts_the_rows_of_every_page(world, seven_rows, pages_of_3, set_quota, fmt):
    """CKAN's dump streams its pages (32,000 rows; here rows_max 3) after the request
    has ended: every page's rows are counted, not only the first's."""
    set_quota("anonymous", "rows", 100)
    address = "10.16.0.%d" % (1 if fmt == "csv" else 2)
    r = dump(world, seven_rows["id"], fmt, address)
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    assert "107" in body and "101" in body            # rows of the first and the last page
    assert _rows_used_today(world, address) == 7      # 3 + 3 + 1, not 3


def test_dump_ends_where_the_rows_quota_does(world, seven_rows, pages_of_3, set_quota):
    set_quota("anonymous", "rows", 5)
    address = "10.16.0.3"
    r = dump(world, seven_rows["id"], "csv", address)
    assert r.status_code == 200
    lines = [ln for ln in r.get_data(as_text=True).splitlines() if ln.strip()]
    assert len(lines) == 1 + 5, lines                 # header + the 5 rows left, well-formed
    assert _rows_used_today(world, address) == 5
    r = dump(world, seven_rows["id"], "csv", address)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    # the search API of the same address is out of rows too
    r = call(world, "datastore_search", address=address, resource_id=seven_rows["id"])
    assert r.status_code == 429, r.get_data(as_text=True)[-3000:]
    assert r.json["error"]["measure"] == "rows"


def test_xlsx_dump_counts_every_page(world, seven_rows, pages_of_3, set_quota):
    set_quota("anonymous", "rows", 6)
    address = "10.16.0.4"
    import io
    from openpyxl import load_workbook
    r = dump(world, seven_rows["id"], "xlsx", address)
    ws = load_workbook(io.BytesIO(r.get_data())).active
    assert ws.max_row == 1 + 6
    assert _rows_used_today(world, address) == 6


def _datatables_view(rid):
    from ckan.tests import helpers
    views = helpers.call_action("resource_view_list", {"ignore_auth": True}, id=rid)
    return next(v for v in views if v["view_type"] == "datatables_view")


def datatables(world, view_id, address, length="100000", **form):
    data = {"draw": "1", "start": "0", "length": length, "search[value]": "",
            "order[0][column]": "0", "order[0][dir]": "asc", **form}
    # as the preview's script posts: with its session's CSRF token (anonymous form posts
    # without one are refused, outside test F1)
    import re
    env = {"REMOTE_ADDR": address}
    c = world["app"].test_client(use_cookies=True)
    html = c.get("/dataset/", environ_overrides=env).get_data(as_text=True)
    token = re.search(r'name="_csrf_token"\s+(?:content|value)="([^"]+)"', html).group(1)
    return c.post("/datatables/ajax/%s" % view_id, data=data, headers={"X-CSRFToken": token},
                  environ_overrides=env)


def test_datatables_preview_is_under_the_rows_and_calls_quota(world, seven_rows, set_quota):
    """An outside tester read whole tables anonymously through /datatables/ajax
    (length=100000), with no counter moving: it is counted as datastore_search is."""
    set_quota("anonymous", "rows", 5)
    set_quota("anonymous", "requests", 3)
    view = _datatables_view(seven_rows["id"])
    address = "10.16.0.5"
    r = datatables(world, view["id"], address)
    assert r.status_code == 200
    assert len(json.loads(r.body)["data"]) == 5       # cut to the rows left
    assert _rows_used_today(world, address) == 5
    assert r.headers["X-RateLimit-Remaining"] == "2"
    r = datatables(world, view["id"], address)
    assert r.status_code == 429 and r.json["error"]["measure"] == "rows"


def test_datatables_length_is_cut_to_rows_max(world, seven_rows, pages_of_3, set_quota):
    set_quota("anonymous", "rows", 100)
    view = _datatables_view(seven_rows["id"])
    for length in ("100000", "-1"):
        r = datatables(world, view["id"], "10.16.0.6", length=length)
        assert r.status_code == 200 and len(json.loads(r.body)["data"]) == 3, length


def test_head_of_a_dump_reads_no_rows(world, seven_rows, set_quota):
    """HEAD ran the dump's first page and counted it (an outside tester used up 6,570
    rows of the day with HEADs)."""
    set_quota("anonymous", "rows", 100)
    address = "10.16.0.7"
    r = world["app"].test_client().head("/datastore/dump/%s?format=csv" % seven_rows["id"],
                                        environ_overrides={"REMOTE_ADDR": address})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert _rows_used_today(world, address) == 0
    assert dump(world, seven_rows["id"], "csv", address).status_code == 200
    assert _rows_used_today(world, address) == 7


# ------------------------------------------------------------------ usage
def test_api_usage_department_and_authority(world):
    pkg = world["datasets"]["unconditional"]["pkg"]
    for _ in range(3):
        assert call(world, "package_show", id=pkg["id"], address="10.7.7.7").status_code == 200
    status, body = api(world, "dept_admin", "govopen_api_usage")
    assert status == 200, body
    row = [d for d in body["result"]["datasets"] if d["package_id"] == pkg["id"]]
    assert row and row[0]["requests"] >= 3
    assert "total" not in body["result"]
    status, body = api(world, "authority", "govopen_api_usage")
    assert status == 200 and body["result"]["total"]["requests"] >= 3
    assert any(o["requests"] >= 3 for o in body["result"]["organizations"])
    # another department, citizens and anonymous do not see it
    status, body = api(world, "other_editor", "govopen_api_usage", organization=world["dept"]["id"])
    assert status == 403
    status, body = api(world, "other_editor", "govopen_api_usage")
    assert status == 200 and pkg["id"] not in [d["package_id"] for d in body["result"]["datasets"]]
    for role in ("citizen", "enterprise", "anonymous"):
        status, body = api(world, role, "govopen_api_usage")
        assert status == 403, role
    status, body = api(world, "dept_admin", "govopen_api_usage", days="x")
    assert status == 409


# ------------------------------------------------------------------ pages
def page(world, role, url, **kw):
    """A page in Chinese (test.ini's default locale is English)."""
    return world["app"].get("/zh_Hans_CN" + url, headers=headers(world, role), status=None,
                            follow_redirects=False, **kw)


def test_my_apps_page_shows_the_key_once_and_delete_confirms(world):
    r = page(world, "anonymous", "/dashboard/apps")
    assert r.status_code in (302, 303) and "/user/login" in r.headers["Location"]
    html = page(world, "citizen", "/dashboard/apps").body
    assert "我的应用" in html and "创建应用" in html and 'name="_csrf_token"' in html
    assert "govopen-apps" in html and "onclick" not in html
    r = world["app"].post("/zh_Hans_CN/dashboard/apps", headers=headers(world, "citizen"),
                          data={"title": "公交查询小程序", "description": "测试"}, status=None)
    assert r.status_code == 200
    import re
    token = re.search(r'id="govopen-new-token"[^>]*value="([^"]+)"', r.body).group(1)
    assert "只显示这一次" in r.body and r.body.count(token) == 1
    r = call(world, "govopen_app_list", token=token)  # recognised as an application key (F6)
    assert r.status_code == 403 and "应用密钥" in r.json["error"]["message"]
    html = page(world, "citizen", "/dashboard/apps").body
    assert "公交查询小程序" in html and token not in html
    app_id = re.search(r'data-app-id="(ak[0-9a-f]+)"', html).group(1)
    # bad input: a message in Chinese, nothing created
    r = world["app"].post("/zh_Hans_CN/dashboard/apps", headers=headers(world, "citizen"), data={"title": " "})
    assert "请填写应用名称" in r.body
    # another user cannot reach the confirmation
    assert page(world, "enterprise", "/dashboard/apps/%s/delete" % app_id).status_code == 404
    confirm = page(world, "citizen", "/dashboard/apps/%s/delete" % app_id).body
    assert "确认删除" in confirm and 'name="_csrf_token"' in confirm
    r = world["app"].post("/zh_Hans_CN/dashboard/apps/%s/delete" % app_id, headers=headers(world, "citizen"),
                          status=None, follow_redirects=False)
    assert r.status_code in (302, 303)
    r = call(world, "govopen_app_list", token=token)  # revoked: nobody, CKAN's own refusal
    assert r.status_code == 403 and "应用密钥" not in r.json["error"].get("message", "")


def test_user_menu_and_dataset_page_link(world):
    pkg = world["datasets"]["unconditional"]["pkg"]
    html = page(world, "citizen", "/dataset/%s" % pkg["name"]).body
    assert "/dashboard/apps" in html and "我的应用" in html
    assert "/dataset/%s/api" % pkg["name"] in html and "接口说明" in html


def test_dataset_api_page(world):
    unc = world["datasets"]["unconditional"]
    html = page(world, "anonymous", "/dataset/%s/api" % unc["pkg"]["name"]).body
    assert "接口说明" in html and "package_show?id=%s" % unc["pkg"]["name"] in html
    rid = unc["upload"]["id"]  # a file in the DataStore is shown with datastore_search
    assert ("resource_show?id=%s" % rid in html) or ("datastore_search?resource_id=%s" % rid in html)
    assert "RemoteCKAN" in html and "curl" in html and "每日配额" in html and "字段说明" in html
    assert "/user/login" in html
    make_app(world, "dept_editor", title="交通看板")
    html = page(world, "dept_editor", "/dataset/%s/api" % unc["pkg"]["name"]).body
    assert "应用「交通看板」的密钥" in html and "data-govopen-key" in html
    cond = world["datasets"]["conditional"]["pkg"]
    html = page(world, "enterprise", "/dataset/%s/api" % cond["name"]).body
    assert "您的授权允许" in html and ("2998-12-31" in html or "2999-01-01" in html)
    html = page(world, "citizen", "/dataset/%s/api" % cond["name"]).body   # expired grant
    assert "仅向持有有效授权" in html and "您的授权允许" not in html
    html = page(world, "citizen", "/dataset/%s/api" % world["datasets"]["not_open"]["pkg"]["name"]).body
    assert "不予开放" in html
    assert page(world, "anonymous", "/dataset/no-such-entry/api").status_code == 404


def test_usage_page_per_role(world):
    assert page(world, "dept_admin", "/stats/api").status_code == 200
    html = page(world, "authority", "/stats/api").body
    assert "接口调用统计" in html and "全部接口调用" in html
    assert page(world, "citizen", "/stats/api").status_code == 403
    assert "/stats/api" in page(world, "authority", "/stats/requests").body
    assert "/stats/api" not in page(world, "citizen", "/stats/requests").body
    assert page(world, "anonymous", "/stats/api").status_code in (302, 303)


def test_demo_bus_arrival_entry_points_to_the_real_path():
    from ckanext.govopen.demo.catalog import DATASETS
    entry = [d for d in DATASETS if d["name"] == "shishi-gongjiao-daozhan"][0]
    text = entry["resources"][0]["description"]
    assert "需在平台申请应用密钥" in text and "我的应用" in text and "/dashboard/apps" in text


# ------------------------------------------------------------------ the API page creates an application
def _browser(world, role):
    """A cookie-keeping client logged in through CKAN's login form (CSRF on)."""
    import os
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "security"))
    import websession
    c = websession.client(world["app"])
    assert websession.login(c, world["users"][role]["name"], world["password"]).status_code == 302
    return c, websession


def test_api_page_creates_an_app_and_shows_its_key_once(world):
    import re
    from ckanext.govopen.model import App
    import ckan.model as model
    pkg = world["datasets"]["unconditional"]["pkg"]
    url = "/zh_Hans_CN/dataset/%s/api" % pkg["name"]
    c, websession = _browser(world, "dept_admin")
    uid = world["users"]["dept_admin"]["id"]
    count = lambda: model.Session.query(App).filter(App.user_id == uid).count()  # noqa: E731
    before = count()
    html = c.get(url).get_data(as_text=True)
    assert 'id="govopen-api-create-app"' in html and 'name="_csrf_token"' in html
    # without the form's CSRF token: refused, nothing created
    r = c.post(url, data={"title": "跨站应用"}, status=None, follow_redirects=False)
    assert r.status_code in (400, 403) and count() == before
    token = websession.csrf_token(c, url)
    r = c.post(url, data={"title": "地铁客流看板", "description": "页面上创建",
                          "_csrf_token": token}, status=None)
    assert r.status_code == 200 and count() == before + 1
    assert "no-store" in r.headers.get("Cache-Control", "")
    html = r.get_data(as_text=True)
    key = re.search(r'id="govopen-new-token"[^>]*value="([^"]+)"', html).group(1)
    assert "只显示这一次" in html
    rid = world["datasets"]["unconditional"]["upload"]["id"]
    assert 'curl -H "Authorization: <span data-govopen-key>%s</span>' % key in html
    assert 'apikey="<span data-govopen-key>%s</span>' % key in html
    assert html.count(key) >= 3 and rid in html
    # a working key: recognised as an application key (which may not list apps, F6)
    r = call(world, "govopen_app_list", token=key)
    assert r.status_code == 403 and "应用密钥" in r.json["error"]["message"]
    # a later visit: the application's name and a placeholder, never the key
    html = c.get(url).get_data(as_text=True)
    assert key not in html
    assert "&lt;应用「地铁客流看板」的密钥&gt;" in html and "/dashboard/apps" in html
    # bad input: a message in Chinese, nothing created
    r = c.post(url, data={"title": "  ", "_csrf_token": websession.csrf_token(c, url)})
    assert "请填写应用名称" in r.get_data(as_text=True) and count() == before + 1


def test_api_page_never_shows_another_users_app(world):
    pkg = world["datasets"]["unconditional"]["pkg"]
    theirs = make_app(world, "citizen", title="市民的私人应用")
    mine = make_app(world, "enterprise", title="企业的应用")
    for ref in ("", "?app=" + theirs["id"]):
        html = page(world, "enterprise", "/dataset/%s/api%s" % (pkg["name"], ref)).body
        assert "市民的私人应用" not in html
        assert 'data-app-id="%s"' % theirs["id"] not in html    # (the URL itself carries it)
        assert "企业的应用" in html and theirs["token"] not in html and mine["token"] not in html
    html = page(world, "anonymous", "/dataset/%s/api?app=%s" % (pkg["name"], theirs["id"])).body
    assert "市民的私人应用" not in html and 'id="govopen-api-create-app"' not in html
    # anonymous POST: to the login page, nothing created
    r = world["app"].post("/zh_Hans_CN/dataset/%s/api" % pkg["name"], data={"title": "匿名"},
                          status=None, follow_redirects=False)
    assert r.status_code in (302, 303, 400, 403)
