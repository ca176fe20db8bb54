"""Issue 18: the annual report's deadlines from the jurisdiction's configuration and the
reminders they give on a fixed day (domain/annual_report.py), no database."""
import datetime as dt

import pytest

from ckanext.govopen.domain import annual_report as ar
from ckanext.govopen.domain import jurisdictions as jmod

RULES = jmod.AnnualReportRules((1, 31), (2, 29), 7)


def test_deadlines_fall_in_the_next_year_and_02_29_is_the_end_of_february():
    d = ar.deadlines(RULES, 2025)
    assert (d.department_draft, d.compilation) == (dt.date(2026, 1, 31), dt.date(2026, 2, 28))
    assert ar.deadlines(RULES, 2027).compilation == dt.date(2028, 2, 29)    # 2028 is a leap year


def test_the_configuration_is_parsed_and_checked():
    base = jmod.load("config/jurisdictions/chongqing.yaml")
    assert base.annual_report == RULES
    import yaml
    with open("config/jurisdictions/demo.yaml", encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    doc["annual_report"] = {"department_draft_due": "01-20", "compilation_due": "02-15",
                            "reminder_days_before": 3}
    j = jmod.parse(doc, "x.yaml")
    assert j.annual_report == jmod.AnnualReportRules((1, 20), (2, 15), 3)
    for bad in ({"department_draft_due": "02-30"}, {"compilation_due": "13-01"},
                {"department_draft_due": "03-01", "compilation_due": "02-28"},
                {"reminder_days_before": -1}, {"deadline": "01-31"}):
        doc["annual_report"] = bad
        with pytest.raises(jmod.JurisdictionConfigError):
            jmod.parse(doc, "x.yaml")
    del doc["annual_report"]
    assert jmod.parse(doc, "x.yaml").annual_report == jmod.AnnualReportRules()


def kinds(rs):
    return sorted((r.kind, r.organization) for r in rs)


def test_reminders_as_the_departments_deadline_nears_and_passes():
    states = {"a": "published", "b": "draft", "c": None}
    assert ar.reminders(RULES, dt.date(2026, 1, 23), states, None) == []         # 8 days before
    near = ar.reminders(RULES, dt.date(2026, 1, 24), states, None)               # 7 days before
    assert kinds(near) == [("report_departments_pending", None), ("report_draft_reminder", "b"),
                           ("report_draft_reminder", "c")]
    pending = [r for r in near if r.kind == "report_departments_pending"][0]
    assert pending.pending == ("b", "c") and pending.year == 2025 and pending.due == dt.date(2026, 1, 31)
    assert kinds(ar.reminders(RULES, dt.date(2026, 1, 31), states, None))[1:] == \
        [("report_draft_reminder", "b"), ("report_draft_reminder", "c")]
    late = ar.reminders(RULES, dt.date(2026, 2, 1), states, None)
    assert kinds(late) == [("report_draft_overdue", "b"), ("report_draft_overdue", "c")]


def test_reminders_of_the_compilation():
    states = {"a": "published", "b": "published"}
    assert ar.reminders(RULES, dt.date(2026, 2, 20), states, "draft") == []
    near = ar.reminders(RULES, dt.date(2026, 2, 21), states, "draft")
    assert [(r.kind, r.due) for r in near] == [("report_compilation_reminder", dt.date(2026, 2, 28))]
    assert [r.kind for r in ar.reminders(RULES, dt.date(2026, 3, 2), states, None)] == \
        ["report_compilation_overdue"]
    assert ar.reminders(RULES, dt.date(2026, 3, 2), {"b": "draft"}, "published") == []   # all done
    assert [r.kind for r in ar.reminders(RULES, dt.date(2026, 3, 31), {"b": "draft"}, None)] == \
        ["report_draft_overdue", "report_compilation_overdue"]
    assert ar.reminders(RULES, dt.date(2026, 4, 1), {"b": "draft"}, None) == []    # the season is over
    assert ar.reminders(RULES, dt.date(2026, 12, 6), {"b": None}, None) == []


def test_status_and_message():
    due = dt.date(2026, 1, 31)
    assert [ar.status(due, False, dt.date(2026, 1, d), 7) for d in (10, 24, 31)] == ["open", "due_soon", "due_soon"]
    assert ar.status(due, False, dt.date(2026, 2, 1), 7) == "overdue"
    assert ar.status(due, True, dt.date(2026, 2, 1), 7) == "done"
    r = ar.Reminder("report_departments_pending", 2025, due, None, ("b", "c"))
    text = ar.message(r, "", ["市交通局", "市卫生健康委"])
    assert text.splitlines()[0] == "2025 年度部门报告截止日期为 2026-01-31，尚未发布的部门：市交通局、市卫生健康委。"
