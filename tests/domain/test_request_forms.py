"""Application numbers, receipt steps and legal-basis choices (issue 14), no database."""
import pytest

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


def test_legal_bases_come_from_each_jurisdictions_configuration():
    """The refusal form's legal grounds are the jurisdiction's ``legal_bases`` (issue 14:
    not one list in the code for every jurisdiction)."""
    import pathlib
    from ckanext.govopen.domain import jurisdictions
    conf = pathlib.Path(__file__).resolve().parents[2] / "config" / "jurisdictions"
    cq = jurisdictions.load(conf / "chongqing.yaml")
    assert cq.legal_bases[0] == "《重庆市公共数据开放管理暂行办法》（渝府令第320号）"
    assert not any("渝府令" in b for b in jurisdictions.load(conf / "hainan.yaml").legal_bases)
    doc = {"name": "测试", "timezone": "Asia/Shanghai", "kinds": {k: {"limit": 5} for k in jurisdictions.LIMIT_KEYS},
           "demand_board": {"threshold": 1, "window_days": 1}, "reconsideration": {"filing_period": 1}}
    assert jurisdictions.parse(dict(doc, legal_bases=["甲条例第一条", "甲条例第一条"]), default_code="x").legal_bases \
        == ("甲条例第一条",)
    assert jurisdictions.parse(doc, default_code="x").legal_bases == ()
    with pytest.raises(jurisdictions.JurisdictionConfigError):
        jurisdictions.parse(dict(doc, legal_bases=[""]), default_code="x")


def test_queue_colour_for_the_days_left():
    assert rf.remaining_tone(10) == "ok" and rf.remaining_tone(3) == "soon"
    assert rf.remaining_tone(0) == "late" and rf.remaining_tone(5, overdue=True) == "late"
