"""Issue 8: reconsideration (复核) of a review kept closed and of a rejected
application; directions to open tracked until fulfilled or overdue."""
from __future__ import annotations

import datetime as dt

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]

VALID_ID = "11010519491231002X"


def call(_action, _user=None, **kw):
    ctx = {"user": _user["name"] if _user else "", "ignore_auth": False}
    return helpers.call_action(_action, ctx, **kw)


@pytest.fixture
def kept_closed(make_user, make_org, make_entry, sysadmin):
    head_a, head_b = make_user(), make_user()
    dept_a = make_org(users=[{"name": head_a["name"], "capacity": "admin"}])
    dept_b = make_org(users=[{"name": head_b["name"], "capacity": "admin"}])
    closed = make_entry(dept_a["id"], "not_open", user=head_a, private=False)
    users = [make_user(kind="citizen") for _ in range(10)]
    outsider = make_user(kind="citizen")
    d = call("govopen_demand_create", users[0], package_id=closed["id"])
    for u in users[1:]:
        d = call("govopen_demand_second", u, id=d["id"])
    call("govopen_request_act", head_a, id=d["review_request_id"], action="keep_closed",
         reasons="涉及个人隐私", legal_basis="《个人信息保护法》第二十八条")
    return dict(head_a=head_a, head_b=head_b, dept_a=dept_a, dept_b=dept_b, closed=closed, users=users,
                outsider=outsider, sysadmin=sysadmin, demand=d, review_id=d["review_request_id"])


def test_only_a_requester_files(kept_closed):
    k = kept_closed
    with pytest.raises(tk.ValidationError) as e:  # no second demand while this one is answered
        call("govopen_demand_create", k["outsider"], package_id=k["closed"]["id"])
    assert e.value.error_dict["rule"] == ["demand_being_answered"]
    for who in (k["outsider"], k["head_a"]):
        with pytest.raises(tk.NotAuthorized) as e:
            call("govopen_reconsideration_create", who, request_id=k["review_id"], reasons="应当开放")
        assert "reconsideration_requester_only" in str(e.value)
    with pytest.raises(tk.NotAuthorized):
        call("govopen_reconsideration_create", None, request_id=k["review_id"], reasons="应当开放")
    r = call("govopen_reconsideration_create", k["users"][4], request_id=k["review_id"], reasons="数据可脱敏后开放")
    assert r["kind"] == "reconsideration" and r["state"] == "submitted" and r["department"] is None
    from ckanext.govopen.domain import requests as rq
    from ckanext.govopen.logic import requests_glue as glue
    assert r["due_date"] == rq.compute_due("reconsideration", glue.now_utc(), glue.calendar(),
                                           glue.jurisdiction()).date.isoformat()
    with pytest.raises(tk.ValidationError) as e:  # once per answer
        call("govopen_reconsideration_create", k["users"][5], request_id=k["review_id"], reasons="再议")
    assert e.value.error_dict["rule"] == ["reconsideration_once"]
    # it goes to the authority, never to the department
    assert any(n["request_id"] == r["id"] for n in call("govopen_notification_list", k["sysadmin"]))
    assert not any(n["request_id"] == r["id"] for n in call("govopen_notification_list", k["head_a"]))


def test_only_the_authority_decides(kept_closed):
    k = kept_closed
    r = call("govopen_reconsideration_create", k["users"][0], request_id=k["review_id"], reasons="应当开放")
    for who in (k["head_a"], k["users"][0], k["head_b"]):
        with pytest.raises(tk.NotAuthorized):
            call("govopen_request_act", who, id=r["id"], action="uphold", reasons="维持")
    with pytest.raises(tk.ValidationError):
        call("govopen_request_act", k["sysadmin"], id=r["id"], action="direct_open", reasons="应开放")
    # the contested department sees the reconsideration but has no action on it; others do not see it
    seen = call("govopen_request_show", k["head_a"], id=r["id"])
    assert seen["available_actions"] == []
    with pytest.raises(tk.NotAuthorized):
        call("govopen_request_show", k["head_b"], id=r["id"])
    out = call("govopen_request_act", k["sysadmin"], id=r["id"], action="uphold", reasons="部门理由成立")
    assert out["state"] == "upheld"
    shown = call("govopen_demand_show", None, id=k["demand"]["id"])
    assert shown["state"] == "upheld"
    assert shown["reconsiderations"][0]["decision"]["fields"]["reasons"] == "部门理由成立"


def test_direct_open_tracked_until_fulfilled(kept_closed):
    k = kept_closed
    r = call("govopen_reconsideration_create", k["users"][0], request_id=k["review_id"], reasons="应当开放")
    open_by = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    out = call("govopen_request_act", k["sysadmin"], id=r["id"], action="direct_open", open_by=open_by,
               reasons="可脱敏后开放")
    assert out["state"] == "directed_open"
    dirs = call("govopen_direction_list", k["head_a"])
    assert [(d["reconsideration_id"], d["status"], d["open_by"]) for d in dirs] == [(r["id"], "pending", open_by)]
    assert call("govopen_direction_list", k["head_b"]) == []
    assert call("govopen_demand_show", None, id=k["demand"]["id"])["state"] == "directed_open"
    # the department hears of it, and so does every requester
    assert any(n["request_id"] == r["id"] for n in call("govopen_notification_list", k["head_a"]))
    assert any(n["request_id"] == r["id"] for n in call("govopen_notification_list", k["users"][6]))
    with pytest.raises(tk.NotAuthorized):
        call("govopen_direction_fulfil", k["head_b"], id=r["id"])
    d = call("govopen_direction_fulfil", k["head_a"], id=r["id"])
    assert d["status"] == "fulfilled"
    assert helpers.call_action("package_show", id=k["closed"]["id"])["open_type"] == "unconditional"
    shown = call("govopen_demand_show", None, id=k["demand"]["id"])
    assert shown["state"] == "fulfilled"
    actions = [h["action"] for h in shown["history"]]
    for a in ("create", "second", "review_opened", "keep_closed", "submit", "direct_open", "fulfil"):
        assert a in actions


def test_direction_overdue(kept_closed):
    k = kept_closed
    from ckanext.govopen.model import Request
    r = call("govopen_reconsideration_create", k["users"][0], request_id=k["review_id"], reasons="应当开放")
    call("govopen_request_act", k["sysadmin"], id=r["id"], action="direct_open",
         open_by=(dt.date.today() + dt.timedelta(days=1)).isoformat(), reasons="应开放")
    row = model.Session.query(Request).get(r["id"])
    row.fields = dict(row.fields, open_by=(dt.date.today() - dt.timedelta(days=3)).isoformat())
    model.Session.commit()
    dirs = call("govopen_direction_list", k["head_a"])
    assert dirs[0]["status"] == "overdue" and dirs[0]["overdue"]
    assert call("govopen_demand_show", None, id=k["demand"]["id"])["state"] == "direction_overdue"
    from ckanext.govopen import notifications
    notifications.notify_due()
    notes = [n for n in call("govopen_notification_list", k["head_a"]) if n["kind"] == "direction_overdue"]
    assert len(notes) == 1 and "责令开放期限" in notes[0]["message"]
    notifications.notify_due()  # idempotent
    assert len([n for n in call("govopen_notification_list", k["head_a"])
                if n["kind"] == "direction_overdue"]) == 1


def test_filing_period(kept_closed):
    k = kept_closed
    from ckanext.govopen.model import Request
    row = model.Session.query(Request).get(k["review_id"])
    row.decided_at = dt.datetime.utcnow() - dt.timedelta(days=60)
    model.Session.commit()
    with pytest.raises(tk.ValidationError) as e:
        call("govopen_reconsideration_create", k["users"][0], request_id=k["review_id"], reasons="应当开放")
    assert e.value.error_dict["rule"] == ["filing_period_expired"]


def test_rejected_application_reconsidered(make_user, make_org, make_entry, sysadmin):
    head = make_user()
    dept = make_org(users=[{"name": head["name"], "capacity": "admin"}])
    cond = make_entry(dept["id"], "conditional", user=head, private=False)
    applicant, other = make_user(kind="citizen"), make_user(kind="citizen")
    today = dt.date.today()
    app = call("govopen_application_create", applicant, package_id=cond["id"], purpose="研究",
               scope="本单位", period_start=today.isoformat(),
               period_end=(today + dt.timedelta(days=90)).isoformat(), security_measures="加密存储",
               applicant_type="citizen", real_name="张三", id_number=VALID_ID, contact="13800000000")
    with pytest.raises(tk.ValidationError):  # not refused yet
        call("govopen_reconsideration_create", applicant, request_id=app["id"], reasons="应当同意")
    call("govopen_request_act", head, id=app["id"], action="reject", reasons="用途不明",
         legal_basis="《数据安全法》")
    with pytest.raises(tk.NotAuthorized):
        call("govopen_reconsideration_create", other, request_id=app["id"], reasons="应当同意")
    r = call("govopen_reconsideration_create", applicant, request_id=app["id"], reasons="用途明确")
    call("govopen_request_act", sysadmin, id=r["id"], action="direct_open",
         open_by=(today + dt.timedelta(days=10)).isoformat(), reasons="应予同意")
    d = call("govopen_direction_fulfil", head, id=r["id"])
    assert d["status"] == "fulfilled"
    # issue 17: the grant serves once the applicant accepted the data-use agreement
    assert not helpers.call_action("govopen_access_check", {"user": applicant["name"]}, id=cond["id"])["data"]["allowed"]
    doc = call("govopen_agreement_show", applicant, id=app["id"])
    call("govopen_agreement_accept", applicant, id=app["id"], sha256=doc["sha256"])
    assert helpers.call_action("govopen_access_check", {"user": applicant["name"]}, id=cond["id"])["data"]["allowed"]
