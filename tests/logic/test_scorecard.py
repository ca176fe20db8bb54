"""Issue 18: ``govopen_scorecard`` against the real database — who may see which cards
(anonymous, citizen, enterprise, department editor, department admin, authority), and
that the rows it gathers (catalog entries, requests, downloads per day) reach the
figures. The figures' rules have their own unit tests (tests/domain/test_scorecard_rules.py)."""
from __future__ import annotations

import datetime as dt

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

pytestmark = pytest.mark.ckan_config("govopen.publication.gate", "false")


def call(_action, _user=None, **kw):
    ctx = {"user": _user["name"] if _user else "", "ignore_auth": False}
    return helpers.call_action(_action, ctx, **kw)


def _request(kind, org_id, received, due, state, decided=None, **fields):
    from ckanext.govopen.model import Request
    row = Request(kind=kind, state=state, requester_id="someone", department_id=org_id,
                  subject=None, fields=fields, received_at=received, due_date=due,
                  decided_at=decided)
    model.Session.add(row)
    return row


@pytest.fixture
def scene(make_user, make_org, make_entry, sysadmin):
    head, editor, other_head = make_user(), make_user(), make_user()
    citizen, enterprise = make_user(kind="citizen"), make_user(kind="enterprise")
    a = make_org(users=[{"name": head["name"], "capacity": "admin"},
                        {"name": editor["name"], "capacity": "editor"}], title="甲局")
    b = make_org(users=[{"name": other_head["name"], "capacity": "admin"}], title="乙局")
    e1 = make_entry(a["id"], "unconditional")
    make_entry(a["id"], "conditional")
    make_entry(b["id"], "not_open")
    # times as CKAN stores them: naive UTC. 2025-03-03 10:00 in Shanghai → answered 03-10 (5 working days)
    _request("application", a["id"], dt.datetime(2025, 3, 3, 2), dt.date(2025, 3, 24), "approved",
             dt.datetime(2025, 3, 10, 2))
    _request("application", a["id"], dt.datetime(2025, 3, 3, 2), dt.date(2025, 3, 5), "rejected",
             dt.datetime(2025, 3, 12, 2))          # 7 working days, after its due date
    _request("objection", b["id"], dt.datetime(2025, 11, 3, 2), dt.date(2025, 11, 17), "submitted")
    _request("reconsideration", None, dt.datetime(2025, 4, 1, 2), dt.date(2025, 4, 22), "upheld",
             dt.datetime(2025, 4, 8, 2), original_department_id=a["id"])
    from ckanext.govopen.model import DatasetUsageDay
    model.Session.add(DatasetUsageDay(package_id=e1["id"], day=dt.date(2025, 3, 15), views=9, downloads=4))
    model.Session.commit()
    return dict(head=head, editor=editor, other_head=other_head, citizen=citizen, enterprise=enterprise,
                sysadmin=sysadmin, a=a, b=b, e1=e1)


YEAR = {"period_start": "2025-01-01", "period_end": "2025-12-31"}


def test_the_authority_sees_every_department_and_the_rows_reach_the_figures(scene):
    out = call("govopen_scorecard", scene["sysadmin"], **YEAR)
    assert out["scope"] == "all"
    assert out["period"] == {"start": "2025-01-01", "end": "2025-12-31", "as_of": "2025-12-31"}
    cards = {c["organization"]: c for c in out["departments"]}
    assert set(cards) == {scene["a"]["name"], scene["b"]["name"]}
    a, b = cards[scene["a"]["name"]], cards[scene["b"]["name"]]
    app = a["requests"]["application"]
    assert (app["received"], app["decided"], app["approved"], app["rejected"]) == (2, 2, 1, 1)
    assert app["median_days"] == 6 and app["p90_days"] == 7
    assert app["on_time"] == 1 and app["on_time_rate"] == 0.5
    assert a["reconsiderations"]["upheld"] == 1            # counted for the department it concerns
    assert a["usage"]["downloads"] == 4
    assert {m["month"]: m["downloads"] for m in a["months"]}["2025-03"] == 4
    assert b["requests"]["objection"]["overdue_now"] == 1
    # the entries were created today (after 2025): not in 2025's catalog
    assert out["total"]["catalog"]["entries"] == 0
    now = call("govopen_scorecard", scene["sysadmin"])
    assert now["total"]["catalog"]["entries"] == 3
    assert now["total"]["catalog"]["by_open_type"]["not_open"] == 1
    assert now["total"]["catalog"]["legal_basis"]["rate"] == 1.0


def test_a_department_admin_sees_its_own_card_and_the_jurisdiction_total(scene):
    out = call("govopen_scorecard", scene["head"], **YEAR)
    assert out["scope"] == "department"
    assert [c["organization"] for c in out["departments"]] == [scene["a"]["name"]]
    assert out["total"]["requests"]["objection"]["overdue_now"] == 1     # department b's, in the total
    own = call("govopen_scorecard", scene["head"], organization=scene["a"]["name"], **YEAR)
    assert [c["organization"] for c in own["departments"]] == [scene["a"]["name"]]
    with pytest.raises(tk.NotAuthorized) as e:
        call("govopen_scorecard", scene["head"], organization=scene["b"]["id"])
    assert str(e.value) in ("部门管理员只能查看本部门的评估。",
                            "A department's admin may see only its own department's scorecard.")


@pytest.mark.parametrize("who", ["anonymous", "citizen", "enterprise", "editor"])
def test_everyone_else_is_refused(scene, who):
    user = None if who == "anonymous" else scene[who]
    with pytest.raises(tk.NotAuthorized) as e:
        call("govopen_scorecard", user)
    from ckanext.govopen.domain import open_types as ot
    codes = ("scorecard_login",) if who == "anonymous" else ("scorecard_denied",)
    assert str(e.value) in [m for c in codes for m in (ot._REASONS[c])]


def test_a_bad_period_is_refused_in_chinese(scene):
    with pytest.raises(tk.ValidationError) as e:
        call("govopen_scorecard", scene["sysadmin"], period_start="2025-06-01", period_end="2025-05-01")
    assert any(m in str(e.value.error_dict) for m in ("统计期止不得早于统计期起",
                                                       "The period must end on or after its start"))
    with pytest.raises(tk.ObjectNotFound):
        call("govopen_scorecard", scene["sysadmin"], organization="no-such-department")


def test_a_download_is_counted_on_its_local_day(scene):
    from ckanext.govopen.domain import catalog
    from ckanext.govopen.model import usage
    usage.count(scene["e1"]["id"], "downloads")
    usage.count(scene["e1"]["id"], "downloads")
    today = catalog.today_shanghai().isoformat()
    out = call("govopen_scorecard", scene["sysadmin"], period_start=today, period_end=today)
    card = {c["organization"]: c for c in out["departments"]}[scene["a"]["name"]]
    assert card["usage"]["downloads"] == 2


def test_the_demo_activity_fills_the_scorecard_once(make_org, make_entry, sysadmin, app):
    from ckanext.govopen.demo.activity import activity_demo
    from ckanext.govopen.model import Request
    org = make_org(title="演示局")
    make_entry(org["id"], "unconditional")
    closed = make_entry(org["id"], "not_open")
    today = dt.date(2026, 12, 5)
    made = activity_demo(today=today)
    assert made["requests"] > 10 and made["download_days"] > 50
    # nobody downloads what is not open: no generated downloads of the 不予开放 entry
    from ckanext.govopen.model import DatasetUsageDay
    assert not model.Session.query(DatasetUsageDay).filter(
        DatasetUsageDay.package_id == closed["id"]).count()
    assert activity_demo(today=today) == {"requests": 0, "download_days": 0}     # idempotent
    out = call("govopen_scorecard", sysadmin, period_start="2025-01-01", period_end="2025-12-31")
    card = out["departments"][0]
    appl = card["requests"]["application"]
    assert appl["received"] >= 10 and appl["decided"] >= 10 and appl["median_days"] is not None
    assert card["usage"]["downloads"] > 0
    assert all(m["received"] >= 0 for m in card["months"]) and len(card["months"]) == 12
    rep = call("govopen_annual_report_generate", sysadmin, year=2025)
    assert rep["figures"]["total"]["requests"]["application"]["received"] == appl["received"]
    assert model.Session.query(Request).count() == made["requests"]
    # the generated requests render on the department's pages like any other
    tok = helpers.call_action("api_token_create", {"user": sysadmin["name"]}, user=sysadmin["name"],
                              name="t")["token"]
    for path in ("/dashboard/reviews", "/organization/%s/requests" % org["name"], "/stats/requests",
                 "/oversight/scorecards", "/oversight/reports/2025"):
        assert app.get("/zh_Hans_CN" + path, headers={"Authorization": tok}, status=200).body, path
