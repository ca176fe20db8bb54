"""The request engine, checked against a permission table written out by hand
from the issue (not read from the declarations)."""
import datetime as dt
from pathlib import Path

import pytest

from ckanext.govopen.domain import jurisdictions, requests as rq, workdays

UTC = dt.timezone.utc
D = dt.date.fromisoformat
NOW = dt.datetime(2025, 10, 1, 2, 0, tzinfo=UTC)
CONFIG = Path(__file__).resolve().parents[2] / "config" / "jurisdictions"


@pytest.fixture(scope="module")
def cal():
    return workdays.Calendar.load()


@pytest.fixture(scope="module")
def demo():
    return jurisdictions.load(CONFIG / "demo.yaml")


# ------------------------------------------------------------------ personas

PERSONAS = {
    "requester": rq.Actor("req", org_roles={"reqdept": "member"}),
    "member": rq.Actor("mem", org_roles={"dept": "member"}),
    "head": rq.Actor("head", org_roles={"dept": "admin"}),
    "outsider": rq.Actor("out", org_roles={"other": "admin"}),
    "sysadmin": rq.Actor("root", roles={"sysadmin"}),
    "stranger": rq.Actor("nobody"),
}

# ------------------------------------------------------------------ the expected rules, by hand

DEPT = {"member", "head"}
HEAD = {"head"}
APP_OPEN = {"submitted", "under_review", "extension_proposed", "extended"}
OBJ_OPEN = {"submitted", "extension_proposed", "extended"}
# issue 12, finding 6: the head's approval of an extension is the head's own act; a
# member proposes and the head approves or rejects the proposal in a step of their own
EXPECTED = {
    "application": {
        "states": ["submitted", "under_review", "extension_proposed", "extended", "approved",
                   "rejected", "withdrawn", "suspended", "revoked"],
        "actions": {
            # issue 17: the head suspends, resumes or revokes an approved application's grant
            "suspend": ({"approved"}, HEAD, "suspended"),
            "resume": ({"suspended"}, HEAD, "approved"),
            "revoke": ({"approved", "suspended"}, HEAD, "revoked"),
            "start_review": ({"submitted"}, DEPT, "under_review"),
            "extend": ({"submitted", "under_review"}, HEAD, "extended"),
            "propose_extension": ({"submitted", "under_review"}, DEPT, "extension_proposed"),
            "approve_extension": ({"extension_proposed"}, HEAD, "extended"),
            "reject_extension": ({"extension_proposed"}, HEAD, "under_review"),
            "approve": (APP_OPEN, DEPT, "approved"),
            "reject": (APP_OPEN, DEPT, "rejected"),
            "withdraw": (APP_OPEN, {"requester"}, "withdrawn"),
        },
    },
    "share_request": {
        "states": ["submitted", "under_review", "extension_proposed", "extended", "approved",
                   "rejected", "withdrawn"],
        "actions": {
            "start_review": ({"submitted"}, DEPT, "under_review"),
            "extend": ({"submitted", "under_review"}, HEAD, "extended"),
            "propose_extension": ({"submitted", "under_review"}, DEPT, "extension_proposed"),
            "approve_extension": ({"extension_proposed"}, HEAD, "extended"),
            "reject_extension": ({"extension_proposed"}, HEAD, "under_review"),
            "approve": (APP_OPEN, DEPT, "approved"),
            "reject": (APP_OPEN, DEPT, "rejected"),
            "withdraw": (APP_OPEN, {"requester"}, "withdrawn"),
        },
    },
    "high_demand_review": {
        "states": ["pending", "opened", "kept_closed"],
        "actions": {
            "open": ({"pending"}, {"head"}, "opened"),
            "keep_closed": ({"pending"}, {"head"}, "kept_closed"),
        },
    },
    "reconsideration": {
        "states": ["submitted", "upheld", "directed_open", "withdrawn"],
        "actions": {
            "uphold": ({"submitted"}, {"sysadmin"}, "upheld"),
            "direct_open": ({"submitted"}, {"sysadmin"}, "directed_open"),
            "withdraw": ({"submitted"}, {"requester"}, "withdrawn"),
        },
    },
    "objection": {
        "states": ["submitted", "extension_proposed", "extended", "corrected", "confirmed",
                   "withdrawn"],
        "actions": {
            "extend": ({"submitted"}, HEAD, "extended"),
            "propose_extension": ({"submitted"}, DEPT, "extension_proposed"),
            "approve_extension": ({"extension_proposed"}, HEAD, "extended"),
            "reject_extension": ({"extension_proposed"}, HEAD, "submitted"),
            "correct": (OBJ_OPEN, DEPT, "corrected"),
            "confirm": (OBJ_OPEN, DEPT, "confirmed"),
            "withdraw": (OBJ_OPEN, {"requester"}, "withdrawn"),
        },
    },
}
#: actions bound by the one-extension rule and the jurisdiction's extension settings
EXT_ACTIONS = {"extend", "propose_extension", "approve_extension"}

VALID_FIELDS = {
    "start_review": {},
    "extend": {"approver": "head", "reason": "数据量大", "days": 10},
    "propose_extension": {"reason": "数据量大", "days": 10},
    "approve_extension": {},
    "reject_extension": {"comment": "无需延期"},
    "approve": {},
    "reject": {"reasons": "涉及个人信息", "legal_basis": "办法第二十条"},
    "withdraw": {"comment": "不再需要"},
    "open": {},
    "keep_closed": {"reasons": "涉密", "legal_basis": "保密法"},
    "uphold": {"reasons": "原决定正确"},
    "direct_open": {"open_by": "2025-11-30", "reasons": "应当开放"},
    "correct": {"note": "已更正", "resource_id": "res-1"},
    "confirm": {"explanation": "数据无误"},
    "suspend": {"reasons": "超出协议约定的用途使用数据"},
    "resume": {},
    "revoke": {"reasons": "超出协议约定的用途使用数据"},
}
#: actions taken on a decided request (issue 17): the "already decided" rule does not bind them
AFTER_DECISION = {"suspend", "resume", "revoke"}

# limits in demo.yaml, written here again on purpose
DEMO_LIMITS = {"application": 15, "share_request": 10, "high_demand_review": 15, "reconsideration": 15,
               "objection": 10}
EXTENDABLE = {"application", "objection"}     # share_request has no extension in demo.yaml


def snap(kind, state, received="2025-09-26", **kw):
    base = dict(kind=kind, state=state, requester_id="req", department_id="dept", received_at=D(received),
                due_date=None, id="r-1", requester_org_id="reqdept" if kind == "share_request" else None,
                department_admin_ids={"head"},
                proposed_extension=({"reason": "数据量大", "days": 10, "proposed_by": "mem"}
                                    if state == "extension_proposed" else None))
    base.update(kw)
    return rq.RequestSnapshot(**base)


def test_the_five_kinds_are_declared():
    assert set(rq.KINDS) == set(EXPECTED)
    for kind, exp in EXPECTED.items():
        decl = rq.KINDS[kind]
        assert list(decl.states) == exp["states"]
        assert set(decl.actions) == set(exp["actions"])
        assert decl.limit_key == kind


def _cases():
    for kind, exp in EXPECTED.items():
        for state in exp["states"]:
            for action, (sources, roles, target) in exp["actions"].items():
                for persona in PERSONAS:
                    yield kind, state, action, persona


@pytest.mark.parametrize("kind,state,action,persona", list(_cases()))
def test_permission_matrix(cal, demo, kind, state, action, persona):
    sources, roles, target = EXPECTED[kind]["actions"][action]
    final = action not in AFTER_DECISION and state not in {
        s for name, (src, _r, _t) in EXPECTED[kind]["actions"].items() if name not in AFTER_DECISION
        for s in src}
    request = snap(kind, state)
    actor = PERSONAS[persona]
    call = lambda: rq.transition(request, action, actor, dict(VALID_FIELDS[action]), NOW, cal, demo)
    if persona not in roles:
        with pytest.raises(rq.NotPermitted) as e:
            call()
        assert e.value.authorization and e.value.rule == "role_not_allowed"
        assert action not in rq.available_actions(request, actor, demo)
        return
    if final:
        with pytest.raises(rq.IllegalState) as e:
            call()
        assert e.value.rule == "already_decided" and not e.value.authorization
        # the state in people's words (issue 14: "（rejected）" was shown)
        assert "（%s）" % state not in e.value.message_zh and "(%s)" % state not in e.value.message_en
        return
    if action in EXT_ACTIONS and kind not in EXTENDABLE:
        with pytest.raises(rq.InvalidFields) as e:
            call()
        assert e.value.rule == "extension_not_allowed"
        assert action not in rq.available_actions(request, actor, demo)
        return
    if action in EXT_ACTIONS and state == "extended":
        with pytest.raises(rq.InvalidFields) as e:
            call()
        assert e.value.rule == "extension_once"
        return
    if state not in sources:
        with pytest.raises(rq.IllegalState) as e:
            call()
        assert e.value.rule == "state_not_allowed"
        assert action not in rq.available_actions(request, actor, demo)
        return
    assert action in rq.available_actions(request, actor, demo)
    result = call()
    assert result.new_state == target
    ev = result.event
    assert (ev.from_state, ev.to_state, ev.action, ev.actor_id, ev.at) == (state, target, action, actor.user_id, NOW)
    assert ev.kind == kind and ev.request_id == "r-1"


def test_share_request_has_no_extension_in_demo(cal, demo):
    with pytest.raises(rq.InvalidFields) as e:
        rq.transition(snap("share_request", "under_review"), "extend", PERSONAS["head"],
                      VALID_FIELDS["extend"], NOW, cal, demo)
    assert e.value.rule == "extension_not_allowed"


# ------------------------------------------------------------------ extension rules

def test_second_extension_refused(cal, demo):
    # state moved on but the stored count says one extension was granted
    with pytest.raises(rq.InvalidFields) as e:
        rq.transition(snap("application", "under_review", extensions=1, extension_days=5), "extend",
                      PERSONAS["head"], VALID_FIELDS["extend"], NOW, cal, demo)
    assert e.value.rule == "extension_once" and e.value.message_zh and e.value.message_en


def test_extension_is_the_heads_own_act(cal, demo):
    # a member can no longer extend by naming the head as approver (issue 12, finding 6)
    fields = dict(VALID_FIELDS["extend"], approver="head")
    with pytest.raises(rq.NotPermitted) as e:
        rq.transition(snap("application", "under_review"), "extend", PERSONAS["member"], fields, NOW, cal, demo)
    assert e.value.rule == "role_not_allowed" and e.value.authorization
    # a head naming another head (or anyone but themself) is refused
    for other in ("mem", "out", "head2"):
        with pytest.raises(rq.NotPermitted) as e:
            rq.transition(snap("application", "under_review", department_admin_ids={"head", "head2"}),
                          "extend", PERSONAS["head"], dict(fields, approver=other), NOW, cal, demo)
        assert e.value.rule == "extension_approver_not_head"
    # a head of ANOTHER department is no head here
    with pytest.raises(rq.NotPermitted):
        rq.transition(snap("application", "under_review"), "extend", PERSONAS["outsider"],
                      dict(fields, approver="out"), NOW, cal, demo)
    # the head acting and approving himself is fine even if the glue did not list heads
    ok = rq.transition(snap("application", "under_review", department_admin_ids=()), "extend", PERSONAS["head"],
                       dict(VALID_FIELDS["extend"]), NOW, cal, demo)
    assert ok.extended and ok.extensions == 1 and ok.event.fields["approver"] == "head"


def test_member_proposes_head_approves_in_a_step_of_their_own(cal, demo):
    proposed = rq.transition(snap("application", "under_review", proposed_extension=None),
                             "propose_extension", PERSONAS["member"],
                             {"reason": "数据量大", "days": 15}, NOW, cal, demo)
    assert proposed.new_state == "extension_proposed" and not proposed.extended
    assert proposed.extensions == 0 and proposed.extension_days == 0
    assert proposed.due_date == D("2025-10-23")  # nothing extended by a proposal
    pending = snap("application", "extension_proposed",
                   proposed_extension={"reason": "数据量大", "days": 15, "proposed_by": "mem"})
    # the member cannot approve their own proposal, nor can anyone outside the head
    for who in ("member", "requester", "outsider", "sysadmin", "stranger"):
        with pytest.raises(rq.NotPermitted):
            rq.transition(pending, "approve_extension", PERSONAS[who], {}, NOW, cal, demo)
    approved = rq.transition(pending, "approve_extension", PERSONAS["head"], {}, NOW, cal, demo)
    assert approved.new_state == "extended" and approved.extended and approved.extensions == 1
    assert approved.due_date == D("2025-11-13")
    assert approved.event.actor_id == "head" and approved.event.actor_roles == ("department_admin",)
    assert approved.event.fields == {"approver": "head", "reason": "数据量大", "days": 15,
                                     "proposed_by": "mem"}
    # one extension, whatever the path
    for action, who, fields in (("propose_extension", "member", {"reason": "再延", "days": 5}),
                                ("extend", "head", dict(VALID_FIELDS["extend"]))):
        with pytest.raises(rq.InvalidFields) as e:
            rq.transition(snap("application", "extended", extensions=1, extension_days=15), action,
                          PERSONAS[who], fields, NOW, cal, demo)
        assert e.value.rule == "extension_once"


def test_head_rejects_a_proposal_and_the_clock_is_unchanged(cal, demo):
    pending = snap("objection", "extension_proposed")
    r = rq.transition(pending, "reject_extension", PERSONAS["head"], {"comment": "按期办理"}, NOW, cal, demo)
    assert r.new_state == "submitted" and not r.extended and r.extensions == 0
    assert r.event.actor_id == "head"
    # the request can still be extended later (no extension was granted)
    again = rq.transition(snap("objection", "submitted"), "propose_extension", PERSONAS["member"],
                          {"reason": "需核对", "days": 5}, NOW, cal, demo)
    assert again.new_state == "extension_proposed"


def test_a_proposal_is_bounded_like_an_extension(cal, demo):
    with pytest.raises(rq.InvalidFields) as e:
        rq.transition(snap("application", "under_review"), "propose_extension", PERSONAS["member"],
                      {"reason": "数据量大", "days": 16}, NOW, cal, demo)
    assert e.value.rule == "extension_days_exceeded"
    for missing in ("reason", "days"):
        fields = {"reason": "数据量大", "days": 5}
        del fields[missing]
        with pytest.raises(rq.InvalidFields) as e:
            rq.transition(snap("application", "under_review"), "propose_extension", PERSONAS["member"],
                          fields, NOW, cal, demo)
        assert missing in e.value.errors
    with pytest.raises(rq.InvalidFields) as e:  # no proposal stored: nothing to approve
        rq.transition(snap("application", "extension_proposed", proposed_extension=None),
                      "approve_extension", PERSONAS["head"], {}, NOW, cal, demo)
    assert e.value.rule == "extension_no_proposal"


@pytest.mark.parametrize("missing", ["approver", "reason", "days"])
def test_extension_needs_all_fields(cal, demo, missing):
    fields = dict(VALID_FIELDS["extend"])
    del fields[missing]
    with pytest.raises(rq.InvalidFields) as e:
        rq.transition(snap("objection", "submitted"), "extend", PERSONAS["head"], fields, NOW, cal, demo)
    assert missing in e.value.errors and not e.value.authorization


def test_extension_days_capped(cal, demo):
    with pytest.raises(rq.InvalidFields) as e:
        rq.transition(snap("application", "under_review"), "extend", PERSONAS["head"],
                      dict(VALID_FIELDS["extend"], days=16), NOW, cal, demo)
    assert e.value.rule == "extension_days_exceeded"
    for bad in (0, -3, "x", 1.5):
        with pytest.raises(rq.InvalidFields):
            rq.transition(snap("application", "under_review"), "extend", PERSONAS["head"],
                          dict(VALID_FIELDS["extend"], days=bad), NOW, cal, demo)


def test_due_date_after_extension_counts_after_original_due(cal, demo):
    # received Fri 2025-09-26, 15 working days -> Thu 2025-10-23 (National Day skipped, 9/28 and 10/11 counted)
    # + 15 working days after 10/23: 10/24, 10/27-31, 11/3-7, 11/10-13 -> Thu 2025-11-13
    r = rq.transition(snap("application", "under_review"), "extend", PERSONAS["head"],
                      dict(VALID_FIELDS["extend"], days=15), NOW, cal, demo)
    assert (r.new_state, r.due_date, r.extension_days, r.due_provisional) == ("extended", D("2025-11-13"), 15, False)
    assert rq.compute_due("application", D("2025-09-26"), cal, demo).date == D("2025-10-23")
    assert r.event.fields == {"approver": "head", "reason": "数据量大", "days": 15}
    # later actions keep the extended due date
    later = rq.transition(snap("application", "extended", extensions=1, extension_days=15), "approve",
                          PERSONAS["head"], {}, NOW, cal, demo)
    assert later.due_date == D("2025-11-13") and not later.extended


# ------------------------------------------------------------------ rejection and other field rules

@pytest.mark.parametrize("kind", ["application", "share_request"])
@pytest.mark.parametrize("fields,missing", [
    ({}, {"reasons", "legal_basis"}),
    ({"legal_basis": "第二十条"}, {"reasons"}),
    ({"reasons": "   ", "legal_basis": "第二十条"}, {"reasons"}),
    ({"reasons": "涉及个人信息"}, {"legal_basis"}),
])
def test_rejection_needs_reasons_and_legal_basis(cal, demo, kind, fields, missing):
    with pytest.raises(rq.InvalidFields) as e:
        rq.transition(snap(kind, "under_review"), "reject", PERSONAS["member"], fields, NOW, cal, demo)
    assert set(e.value.errors) == missing and e.value.rule == "required_fields"


def test_keep_closed_and_uphold_need_reasons(cal, demo):
    with pytest.raises(rq.InvalidFields) as e:
        rq.transition(snap("high_demand_review", "pending"), "keep_closed", PERSONAS["head"],
                      {"reasons": "涉密"}, NOW, cal, demo)
    assert set(e.value.errors) == {"legal_basis"}
    with pytest.raises(rq.InvalidFields):
        rq.transition(snap("reconsideration", "submitted"), "uphold", PERSONAS["sysadmin"], {}, NOW, cal, demo)


def test_direct_open_needs_a_real_date(cal, demo):
    for bad in ("30/11/2025", "soon", dt.datetime(2025, 11, 30, tzinfo=UTC)):
        with pytest.raises(rq.InvalidFields) as e:
            rq.transition(snap("reconsideration", "submitted"), "direct_open", PERSONAS["sysadmin"],
                          {"open_by": bad, "reasons": "应当开放"}, NOW, cal, demo)
        assert "open_by" in e.value.errors
    ok = rq.transition(snap("reconsideration", "submitted"), "direct_open", PERSONAS["sysadmin"],
                       {"open_by": dt.date(2025, 11, 30), "reasons": "应当开放"}, NOW, cal, demo)
    assert ok.event.as_dict()["fields"]["open_by"] == "2025-11-30"


def test_objection_correct_needs_note_and_resource(cal, demo):
    with pytest.raises(rq.InvalidFields) as e:
        rq.transition(snap("objection", "submitted"), "correct", PERSONAS["member"], {"note": "x"}, NOW, cal, demo)
    assert set(e.value.errors) == {"resource_id"}


def test_unknown_fields_and_actions_are_refused(cal, demo):
    with pytest.raises(rq.InvalidFields) as e:
        rq.transition(snap("application", "under_review"), "approve", PERSONAS["head"], {"aprove": 1}, NOW, cal, demo)
    assert e.value.rule == "unknown_fields"
    with pytest.raises(rq.IllegalState) as e:
        rq.transition(snap("application", "under_review"), "uphold", PERSONAS["sysadmin"], {}, NOW, cal, demo)
    assert e.value.rule == "unknown_action"
    with pytest.raises(rq.TransitionRefused):
        rq.transition(snap("appeal", "submitted"), "approve", PERSONAS["head"], {}, NOW, cal, demo)


def test_naive_now_refused(cal, demo):
    with pytest.raises(rq.TransitionRefused):
        rq.transition(snap("application", "under_review"), "approve", PERSONAS["head"], {}, dt.datetime(2025, 10, 1),
                      cal, demo)


def test_comment_goes_to_the_event(cal, demo):
    r = rq.transition(snap("application", "submitted"), "withdraw", PERSONAS["requester"],
                      {"comment": "不再需要"}, NOW, cal, demo)
    d = r.event.as_dict()
    assert d["comment"] == "不再需要" and d["fields"] == {} and d["actor_roles"] == ["requester"]
    assert d["at"] == NOW.isoformat()


# ------------------------------------------------------------------ overdue, reminders

def test_overdue_appears_exactly_after_the_due_date(cal, demo):
    due = rq.compute_due("application", D("2025-09-26"), cal, demo).date
    r = snap("application", "under_review", due_date=due)
    assert due == D("2025-10-23")
    assert not rq.is_overdue(r, D("2025-10-22"))
    assert not rq.is_overdue(r, D("2025-10-23"))
    assert rq.is_overdue(r, D("2025-10-24"))
    assert rq.is_overdue(r, dt.datetime(2025, 10, 23, 16, 30, tzinfo=UTC))   # 00:30 on 10/24 in Beijing
    assert not rq.is_overdue(r, dt.datetime(2025, 10, 23, 15, 30, tzinfo=UTC))
    for closed in ("approved", "rejected", "withdrawn"):
        assert not rq.is_overdue(snap("application", closed, due_date=due), D("2026-01-01"))


def test_reminder_three_working_days_before_due(cal, demo):
    r = snap("application", "under_review", due_date=D("2025-10-23"))
    assert rq.reminder_date(r, cal, demo) == D("2025-10-20")
    assert rq.reminder_date(snap("application", "approved", due_date=D("2025-10-23")), cal, demo) is None


# ------------------------------------------------------------------ submission

@pytest.mark.parametrize("kind,received,expected", [
    ("application", "2025-09-26", "2025-10-23"),
    # 9/28(Sun) 9/29 9/30 | 10/1-8 off | 10/9 10/10 10/11(Sat) | 10/13 10/14 10/15 10/16
    ("share_request", "2025-09-26", "2025-10-16"),
    # 9/29(Sun) 9/30 | 10/1-7 off | 10/8 10/9 10/10 10/11 10/12(Sat) | 10/14 10/15 10/16
    ("objection", "2024-09-27", "2024-10-16"),
])
def test_new_request_due_dates(cal, demo, kind, received, expected):
    fields = {"application": {"dataset_id": "d", "purpose": "研究"},
              "share_request": {"dataset_id": "d", "purpose": "履职"},
              "objection": {"resource_id": "res", "description": "数据错误", "evidence": "公告原文"}}[kind]
    actor = PERSONAS["requester"]
    n = rq.new_request(kind, actor, "dept", D(received), cal, demo, fields,
                       requester_org_id="reqdept" if kind == "share_request" else None)
    assert n.state == "submitted" and n.due_date == D(expected) and not n.due_provisional
    assert n.event.action == "submit" and n.event.to_state == "submitted" and n.event.from_state is None
    # a bare date is stamped at local (Beijing) midnight; aware datetimes are kept as given
    assert n.event.at.astimezone(UTC) == dt.datetime.fromisoformat(received + "T00:00:00+08:00").astimezone(UTC)


def test_new_request_refusals(cal, demo):
    with pytest.raises(rq.InvalidFields) as e:
        rq.new_request("application", PERSONAS["stranger"], "dept", D("2025-09-26"), cal, demo, {"dataset_id": "d"})
    assert set(e.value.errors) == {"purpose"}
    with pytest.raises(rq.NotPermitted):   # not a member of the requesting department
        rq.new_request("share_request", PERSONAS["stranger"], "dept", D("2025-09-26"), cal, demo,
                       {"dataset_id": "d", "purpose": "履职"}, requester_org_id="reqdept")
    with pytest.raises(rq.NotPermitted):   # only the platform opens a high-demand review
        rq.new_request("high_demand_review", PERSONAS["head"], "dept", D("2025-09-26"), cal, demo,
                       {"dataset_id": "d", "requester_count": 10})
    n = rq.new_request("high_demand_review", rq.Actor("platform", roles={"system"}), "dept",
                       dt.datetime(2025, 9, 26, 1, tzinfo=UTC), cal, demo, {"dataset_id": "d", "requester_count": 12})
    assert n.state == "pending" and n.due_date == D("2025-10-23")


def test_reconsideration_filing_period(cal, demo):
    answered = D("2025-09-26")   # + 15 working days -> 2025-10-23 is the last filing day
    fields = {"original_request_id": "r-1", "reasons": "不服"}
    ok = rq.new_request("reconsideration", PERSONAS["requester"], None, D("2025-10-23"), cal, demo, fields,
                        answered_at=answered)
    # decided within 15 working days of filing: 10/24 ... 11/13
    assert ok.state == "submitted" and ok.due_date == D("2025-11-13")
    with pytest.raises(rq.InvalidFields) as e:
        rq.new_request("reconsideration", PERSONAS["requester"], None, D("2025-10-24"), cal, demo, fields,
                       answered_at=answered)
    assert e.value.rule == "filing_period_expired" and "2025-10-23" in e.value.message_zh


def test_provisional_due_in_2027_and_recompute(cal, demo):
    r = rq.compute_due("application", D("2026-12-20"), cal, demo)
    assert r.provisional
    entered = workdays.Calendar.load(overrides=[workdays.DayOverride(D("2027-01-01"), False, "元旦", "test")],
                                     official_years=[2027])
    again = rq.compute_due("application", D("2026-12-20"), entered, demo)
    assert not again.provisional and again.date == r.date   # same days off here, now official


def test_objection_declaration_asks_what_the_create_action_asks():
    """Issue 15: the objection action required `evidence` while its declaration said
    optional; the declaration is the single source, so both now say required."""
    from ckanext.govopen.domain.kinds import KINDS
    specs = {f.name: f for f in KINDS["objection"].submit_fields}
    assert specs["description"].required and specs["evidence"].required
    assert not specs["where"].required and not specs["resource_id"].required
