"""Application numbers, receipt steps and legal-basis choices (issue 14), no database."""
from ckanext.govopen.domain import request_forms as rf

FINAL = ("approved", "rejected", "withdrawn")


def _statuses(state):
    return [s["status"] for s in rf.progress_steps(state, FINAL)]


def test_receipt_steps_follow_the_state():
    assert [s["label"] for s in rf.progress_steps("submitted", FINAL)] == ["提交", "受理", "审核", "决定"]
    assert _statuses("submitted") == ["done", "current", "todo", "todo"]
    assert _statuses("under_review") == ["done", "done", "current", "todo"]
    assert _statuses("extended") == ["done", "done", "current", "todo"]
    assert _statuses("approved") == ["done", "done", "done", "done"]
    assert _statuses("rejected") == ["done", "done", "done", "failed"]


def test_application_number():
    assert rf.request_number("application", "2026-12-05T08:00:00+00:00", "3f2a9c1d-0000") == "SQ20261205-3F2A9C"
    assert rf.request_number("share_request", None, "abcdef12") == "GX-ABCDEF"


def test_legal_basis_choices_put_the_jurisdiction_first():
    choices = rf.legal_basis_choices("渝府令第320号")
    assert choices[0] == "渝府令第320号" and len(choices) == len(rf.NATIONAL_BASES) + 1
    assert rf.legal_basis_choices(None) == list(rf.NATIONAL_BASES)


def test_queue_colour_for_the_days_left():
    assert rf.remaining_tone(10) == "ok" and rf.remaining_tone(3) == "soon"
    assert rf.remaining_tone(0) == "late" and rf.remaining_tone(5, overdue=True) == "late"
