"""Issue 8: objections (疑义校核): flag → head-approved extension → correction
with a new version; confirm with an explanation; overdue flags on the dashboard."""
from __future__ import annotations

import datetime as dt

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]


def call(_action, _user=None, **kw):
    ctx = {"user": _user["name"] if _user else "", "ignore_auth": False}
    return helpers.call_action(_action, ctx, **kw)


@pytest.fixture
def flagged(make_user, make_org, make_entry):
    head, editor, head_b = make_user(), make_user(), make_user()
    dept = make_org(users=[{"name": head["name"], "capacity": "admin"},
                           {"name": editor["name"], "capacity": "editor"}])
    dept_b = make_org(users=[{"name": head_b["name"], "capacity": "admin"}])
    entry = make_entry(dept["id"], "unconditional", user=head, private=False)
    res = helpers.call_action("resource_create", {"user": head["name"]}, package_id=entry["id"],
                              name="2025年客流", url="https://example.invalid/v1.csv", format="CSV")
    citizen = make_user(kind="citizen")
    return dict(head=head, editor=editor, head_b=head_b, dept=dept, entry=entry, res=res, citizen=citizen)


def test_flag_extend_correct(flagged):
    f = flagged
    with pytest.raises(tk.ValidationError) as e:
        call("govopen_objection_create", f["citizen"], package_id=f["entry"]["id"], what="数值错误")
    assert "evidence" in e.value.error_dict
    with pytest.raises(tk.NotAuthorized):
        call("govopen_objection_create", None, package_id=f["entry"]["id"], what="x", evidence="y")
    o = call("govopen_objection_create", f["citizen"], package_id=f["entry"]["id"], resource_id=f["res"]["id"],
             what="3月客流数翻倍", where="第12行 客流 列", evidence="与统计公报不符")
    assert o["kind"] == "objection" and o["state"] == "submitted"
    from ckanext.govopen.domain import requests as rq
    from ckanext.govopen.logic import requests_glue as glue
    base = rq.compute_due("objection", glue.now_utc(), glue.calendar(), glue.jurisdiction())
    assert o["due_date"] == base.date.isoformat()
    # another department cannot act; the editor cannot approve an extension himself
    with pytest.raises(tk.NotAuthorized):
        call("govopen_request_act", f["head_b"], id=o["id"], action="confirm", explanation="无误")
    for approver in (f["editor"]["name"], f["head"]["name"]):  # the head's own act (issue 12)
        with pytest.raises(tk.NotAuthorized):
            call("govopen_request_act", f["editor"], id=o["id"], action="extend", approver=approver,
                 reason="需核对原始台账", days=10)
    with pytest.raises(tk.ValidationError) as e:
        call("govopen_request_act", f["editor"], id=o["id"], action="propose_extension",
             reason="需核对原始台账", days=16)
    assert e.value.error_dict["rule"] == ["extension_days_exceeded"]
    call("govopen_request_act", f["editor"], id=o["id"], action="propose_extension",
         reason="需核对原始台账", days=15)
    with pytest.raises(tk.NotAuthorized):
        call("govopen_request_act", f["editor"], id=o["id"], action="approve_extension")
    ext = call("govopen_request_act", f["head"], id=o["id"], action="approve_extension")
    assert ext["state"] == "extended" and ext["due_date"] > o["due_date"]
    with pytest.raises(tk.ValidationError) as e:
        call("govopen_request_act", f["head"], id=o["id"], action="extend", approver=f["head"]["name"],
             reason="再延", days=1)
    assert e.value.error_dict["rule"] == ["extension_once"]
    new = helpers.call_action("resource_create", {"user": f["editor"]["name"]}, package_id=f["entry"]["id"],
                              name="2025年客流（更正版）", url="https://example.invalid/v2.csv", format="CSV")
    with pytest.raises(tk.ValidationError):
        call("govopen_request_act", f["editor"], id=o["id"], action="correct", note="已更正")
    done = call("govopen_request_act", f["editor"], id=o["id"], action="correct", note="已更正3月数据",
                resource_id=new["id"])
    assert done["state"] == "corrected"
    flags = call("govopen_objection_list", None, package_id=f["entry"]["id"])
    assert len(flags) == 1 and flags[0]["resolved"] and flags[0]["new_version"]["id"] == new["id"]
    assert flags[0]["extension"]["days"] == 15 and "requester" not in flags[0]
    assert flags[0]["what"] == "3月客流数翻倍" and flags[0]["where"] == "第12行 客流 列"
    assert any(n["request_id"] == o["id"] for n in call("govopen_notification_list", f["citizen"]))


def test_confirm_needs_explanation(flagged):
    f = flagged
    o = call("govopen_objection_create", f["citizen"], package_id=f["entry"]["id"], what="整体存疑",
             evidence="来源不明")
    with pytest.raises(tk.ValidationError):
        call("govopen_request_act", f["head"], id=o["id"], action="confirm")
    out = call("govopen_request_act", f["head"], id=o["id"], action="confirm", explanation="经核对数据无误")
    assert out["state"] == "confirmed"


def test_resource_must_belong_to_the_dataset(flagged, make_entry):
    f = flagged
    other = make_entry(f["dept"]["id"], "unconditional", user=f["head"], private=False)
    with pytest.raises(tk.ValidationError) as e:
        call("govopen_objection_create", f["citizen"], package_id=other["id"], resource_id=f["res"]["id"],
             what="x", evidence="y")
    assert "resource_id" in e.value.error_dict


def test_overdue_flag_on_department_list(flagged):
    f = flagged
    from ckanext.govopen.model import Request
    o = call("govopen_objection_create", f["citizen"], package_id=f["entry"]["id"], what="x", evidence="y")
    row = model.Session.query(Request).get(o["id"])
    row.due_date = dt.date.today() - dt.timedelta(days=2)
    model.Session.commit()
    rows = call("govopen_request_list", f["head"], scope="department", kind="objection")
    assert rows[0]["id"] == o["id"] and rows[0]["overdue"]
    assert call("govopen_objection_list", None, package_id=f["entry"]["id"])[0]["overdue"]
    assert call("govopen_request_list", f["head_b"], scope="department", kind="objection") == []
