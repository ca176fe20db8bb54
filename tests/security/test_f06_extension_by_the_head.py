"""Finding 6 (issue 12): an extension "approved by the head" without the head.

An editor called ``govopen_request_act action=extend`` naming the department admin as
approver and it was accepted. The head's approval is the head's own act: an editor
may propose (``propose_extension``); the admin approves (``approve_extension``) or
rejects (``reject_extension``) in a step of their own, recorded with their identity.
``extend`` still works for the admin themself; one extension per request."""
from __future__ import annotations

import datetime as dt

import pytest

from govopen_world import ROLES, api

VALID_ID = "11010519491231002X"


def _application(world):
    today = dt.date.today()
    st, body = api(world, "citizen", "govopen_application_create",
                   package_id=world["datasets"]["conditional"]["pkg"]["id"], purpose="交通规划研究",
                   scope="仅课题组内部使用", period_start=today.isoformat(),
                   period_end=(today + dt.timedelta(days=90)).isoformat(),
                   security_measures="专机存储，访问留痕", applicant_type="citizen",
                   real_name="王小明", id_number=VALID_ID, contact="13800000000")
    assert st == 200, body
    return body["result"]


def _state(world, rid):
    return api(world, "dept_admin", "govopen_request_show", id=rid)[1]["result"]


def test_an_editor_naming_the_head_does_not_extend(world):
    r = _application(world)
    admin = world["users"]["dept_admin"]
    st, body = api(world, "dept_editor", "govopen_request_act", id=r["id"], action="extend",
                   approver=admin["name"], reason="数据量大", days=10)
    assert st == 403, body
    after = _state(world, r["id"])
    assert after["state"] == "submitted" and after["extensions"] == 0
    assert after["due_date"] == r["due_date"]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_head_approves_a_proposed_extension(world, role):
    r = _application(world)
    st, body = api(world, "dept_editor", "govopen_request_act", id=r["id"],
                   action="propose_extension", reason="数据量大，需要脱敏处理", days=10)
    assert st == 200, body
    assert body["result"]["state"] == "extension_proposed"
    assert body["result"]["due_date"] == r["due_date"]  # a proposal extends nothing
    st, body = api(world, role, "govopen_request_act", id=r["id"], action="approve_extension")
    if role == "dept_admin":
        assert st == 200, body
        out = body["result"]
        assert out["state"] == "extended" and out["extensions"] == 1
        assert out["due_date"] > r["due_date"]
        ev = [h for h in out["history"] if h["action"] == "approve_extension"][-1]
        admin = world["users"]["dept_admin"]
        assert ev["actor"] == admin["name"]
        assert ev["fields"]["approver"] == admin["id"] and ev["fields"]["days"] == 10
        assert ev["fields"]["proposed_by"] == world["users"]["dept_editor"]["id"]
    else:
        assert st in (403, 404), body
        after = _state(world, r["id"])
        assert after["state"] == "extension_proposed" and after["extensions"] == 0


def test_the_head_rejects_a_proposal_and_extends_only_once(world):
    r = _application(world)
    api(world, "dept_editor", "govopen_request_act", id=r["id"], action="start_review")
    st, body = api(world, "dept_editor", "govopen_request_act", id=r["id"],
                   action="propose_extension", reason="数据量大", days=5)
    assert st == 200, body
    st, body = api(world, "dept_admin", "govopen_request_act", id=r["id"], action="reject_extension",
                   comment="按期办理")
    assert st == 200 and body["result"]["state"] == "under_review", body
    assert body["result"]["extensions"] == 0
    # the admin's own extension (the README's contract) still works, once
    admin = world["users"]["dept_admin"]
    st, body = api(world, "dept_admin", "govopen_request_act", id=r["id"], action="extend",
                   approver=admin["name"], reason="数据量大", days=5)
    assert st == 200 and body["result"]["state"] == "extended", body
    st, body = api(world, "dept_editor", "govopen_request_act", id=r["id"],
                   action="propose_extension", reason="再延", days=2)
    assert st == 409 and body["error"]["rule"] == ["extension_once"], body
