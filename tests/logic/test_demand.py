"""Issue 8: the demand board and the high-demand review through the CKAN actions."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]


def call(_action, _user=None, **kw):
    ctx = {"user": _user["name"] if _user else "", "ignore_auth": False}
    return helpers.call_action(_action, ctx, **kw)


@pytest.fixture
def board(make_user, make_org, make_entry, sysadmin):
    head_a, editor_a, head_b = make_user(), make_user(), make_user()
    dept_a = make_org(users=[{"name": head_a["name"], "capacity": "admin"},
                             {"name": editor_a["name"], "capacity": "editor"}])
    dept_b = make_org(users=[{"name": head_b["name"], "capacity": "admin"}])
    closed = make_entry(dept_a["id"], "not_open", user=head_a, title="交通违法人员信息", private=False)
    conditional = make_entry(dept_a["id"], "conditional", user=head_a, private=False)
    users = [make_user(kind="citizen") for _ in range(11)]
    return dict(head_a=head_a, editor_a=editor_a, head_b=head_b, dept_a=dept_a, dept_b=dept_b,
                closed=closed, conditional=conditional, users=users, sysadmin=sysadmin)


def _fill(b, n):
    d = call("govopen_demand_create", b["users"][0], package_id=b["closed"]["id"])
    for u in b["users"][1:n]:
        d = call("govopen_demand_second", u, id=d["id"])
    return d


def test_create_for_not_open_only(board):
    with pytest.raises(tk.ValidationError) as e:
        call("govopen_demand_create", board["users"][0], package_id=board["conditional"]["id"])
    assert "demand_not_open_only" in str(e.value.error_dict)
    with pytest.raises(tk.NotAuthorized):
        call("govopen_demand_create", None, package_id=board["closed"]["id"])


def test_nine_requesters_open_nothing_ten_open_a_review(board):
    from ckanext.govopen.domain import requests as rq
    from ckanext.govopen.logic import requests_glue as glue
    d = _fill(board, 9)
    assert d["requester_count"] == 9 and d["review_request_id"] is None and d["state"] == "collecting"
    d = call("govopen_demand_second", board["users"][9], id=d["id"])
    assert d["requester_count"] == 10 and d["review_request_id"]
    assert d["state"] == "under_review"
    review = call("govopen_request_show", board["head_a"], id=d["review_request_id"])
    assert review["kind"] == "high_demand_review" and review["state"] == "pending"
    expected = rq.compute_due("high_demand_review", glue.now_utc(), glue.calendar(), glue.jurisdiction())
    assert review["due_date"] == expected.date.isoformat()
    assert d["due_date"] == review["due_date"]
    # the department is told, with the due date
    notes = call("govopen_notification_list", board["head_a"])
    assert any(n["request_id"] == review["id"] for n in notes)
    # every requester too
    notes = call("govopen_notification_list", board["users"][3])
    assert any(n["request_id"] == review["id"] for n in notes)


def test_seconding_twice_counts_once(board):
    d = _fill(board, 5)
    for _ in range(6):
        d = call("govopen_demand_second", board["users"][1], id=d["id"])
    assert d["requester_count"] == 5 and d["already_requester"] is True
    assert d["review_request_id"] is None
    # creating again for the same entry seconds the open demand
    again = call("govopen_demand_create", board["users"][0], package_id=board["closed"]["id"])
    assert again["id"] == d["id"] and again["requester_count"] == 5


def test_threshold_counts_only_within_window(board):
    from ckanext.govopen.model import DemandRequester
    d = _fill(board, 9)
    old = dt.datetime.utcnow() - dt.timedelta(days=91)
    for r in model.Session.query(DemandRequester).filter(DemandRequester.demand_id == d["id"]).limit(3):
        r.created = old
    model.Session.commit()
    d = call("govopen_demand_second", board["users"][9], id=d["id"])
    assert d["requester_count"] == 10 and d["requester_count_in_window"] == 7
    assert d["review_request_id"] is None
    for u in board["users"][10:]:
        d = call("govopen_demand_second", u, id=d["id"])
    assert d["requester_count_in_window"] == 8 and d["review_request_id"] is None


def test_nobody_seconds_for_another(board):
    d = _fill(board, 1)
    with pytest.raises(tk.NotAuthorized) as e:
        call("govopen_demand_second", board["users"][1], id=d["id"], user_id=board["users"][2]["id"])
    assert "second_self_only" in str(e.value)
    with pytest.raises(tk.NotAuthorized):
        call("govopen_demand_second", None, id=d["id"])
    assert call("govopen_demand_show", None, id=d["id"])["requester_count"] == 1


def test_keep_closed_needs_reasons_and_legal_basis_and_own_department(board):
    d = _fill(board, 10)
    rid = d["review_request_id"]
    with pytest.raises(tk.ValidationError) as e:
        call("govopen_request_act", board["head_a"], id=rid, action="keep_closed", reasons="涉及个人信息")
    assert "legal_basis" in e.value.error_dict and e.value.error_dict["rule"] == ["required_fields"]
    with pytest.raises(tk.NotAuthorized):  # another department
        call("govopen_request_act", board["head_b"], id=rid, action="keep_closed", reasons="x", legal_basis="y")
    with pytest.raises(tk.NotAuthorized):  # an editor is not the head
        call("govopen_request_act", board["editor_a"], id=rid, action="keep_closed", reasons="x",
             legal_basis="y")
    with pytest.raises(tk.NotAuthorized):  # a requester
        call("govopen_request_act", board["users"][0], id=rid, action="open")
    out = call("govopen_request_act", board["head_a"], id=rid, action="keep_closed",
               reasons="涉及个人隐私", legal_basis="《个人信息保护法》第二十八条")
    assert out["state"] == "kept_closed"
    shown = call("govopen_demand_show", None, id=d["id"])
    assert shown["state"] == "kept_closed"
    assert shown["review"]["decision"]["fields"]["legal_basis"] == "《个人信息保护法》第二十八条"
    assert shown["review"]["filing_deadline"]
    notes = call("govopen_notification_list", board["users"][7])
    assert any("个人信息保护法" in n["message"] for n in notes)


def test_open_changes_the_open_type(board):
    d = _fill(board, 10)
    out = call("govopen_request_act", board["head_a"], id=d["review_request_id"], action="open",
               comment="同意开放")
    assert out["state"] == "opened"
    pkg = helpers.call_action("package_show", id=board["closed"]["id"])
    assert pkg["open_type"] == "unconditional"
    changes = helpers.call_action("govopen_open_type_changes", id=board["closed"]["id"])
    assert changes[0]["new_open_type"] == "unconditional" and "高需求" in changes[0]["reason"]
    shown = call("govopen_demand_show", None, id=d["id"])
    assert shown["state"] == "opened"
    assert [h["action"] for h in shown["history"]].count("second") == 9


def test_not_in_catalog_routed_by_the_authority(board):
    d = call("govopen_demand_create", board["users"][0], title="全市充电桩位置", description="希望开放充电桩分布",
             suggested_org=board["dept_b"]["name"])
    assert d["state"] == "awaiting_routing" and d["suggested_org"]["id"] == board["dept_b"]["id"]
    with pytest.raises(tk.NotAuthorized):
        call("govopen_demand_route", board["head_b"], id=d["id"], org_id=board["dept_b"]["id"])
    d = call("govopen_demand_route", board["sysadmin"], id=d["id"], org_id=board["dept_b"]["id"])
    assert d["state"] == "under_review" and d["department"]["id"] == board["dept_b"]["id"]
    with pytest.raises(tk.NotAuthorized):
        call("govopen_request_act", board["head_a"], id=d["review_request_id"], action="open")
    out = call("govopen_request_act", board["head_b"], id=d["review_request_id"], action="keep_closed",
               reasons="尚未建设该数据", legal_basis="《公共数据开放管理办法》第十条")
    assert out["state"] == "kept_closed"


def test_board_is_public_sorted_and_filterable(board, make_entry):
    other = make_entry(board["dept_a"]["id"], "not_open", user=board["head_a"], private=False)
    small = call("govopen_demand_create", board["users"][0], package_id=other["id"])
    big = _fill(board, 3)
    free = call("govopen_demand_create", board["users"][5], title="公共厕所位置", description="开放厕所数据")
    rows = call("govopen_demand_list", None)
    assert [r["id"] for r in rows][:1] == [big["id"]]
    assert {r["id"] for r in rows} == {small["id"], big["id"], free["id"]}
    dept_rows = call("govopen_demand_list", None, organization=board["dept_a"]["name"])
    assert {r["id"] for r in dept_rows} == {small["id"], big["id"]}
    assert [r["id"] for r in call("govopen_demand_list", None, state="awaiting_routing")] == [free["id"]]
    assert [r["id"] for r in call("govopen_demand_list", None, q="厕所")] == [free["id"]]
