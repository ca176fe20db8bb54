"""The working-day clock, checked against hand-typed State Council schedules."""
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from ckanext.govopen.domain import workdays as w

try:  # works whether or not tests/ becomes a package
    from .official_schedules import (ADJUSTED, FALLBACK_2027, REST, YEARS, D, official_workday,
                                     reference_due, span)
except ImportError:
    from official_schedules import (ADJUSTED, FALLBACK_2027, REST, YEARS, D, official_workday,
                                    reference_due, span)

UTC = dt.timezone.utc
BJ = dt.timezone(dt.timedelta(hours=8))
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cal():
    return w.Calendar.load()


# ------------------------------------------------------------------ every day of 2024-2026

def test_every_day_2024_2026_matches_the_notices(cal):
    wrong = [d for d in span("2024-01-01", "2026-12-31") if cal.is_workday(d) != official_workday(d)]
    assert wrong == []


def test_adjusted_workdays_are_weekend_days_marked_as_such(cal):
    assert len(ADJUSTED) == 8 + 5 + 6
    for d in ADJUSTED:
        info = cal.info(d)
        assert d.weekday() >= 5
        assert info.workday and info.kind == w.ADJUSTED_WORKDAY and not info.provisional


def test_rest_days_on_weekdays_are_named_holidays(cal):
    for d in REST:
        info = cal.info(d)
        assert not info.workday and not info.provisional
        if d.weekday() < 5:
            assert info.kind == w.HOLIDAY and info.name


@pytest.mark.parametrize("n", [1, 2, 3, 5, 10, 15, 20])
@pytest.mark.parametrize("year", YEARS)
def test_due_dates_around_every_holiday_and_adjusted_workday(cal, year, n):
    special = sorted(d for d in REST | ADJUSTED if d.year == year)
    for day in special:
        for received in (day - dt.timedelta(days=2), day - dt.timedelta(days=1), day):
            got = w.due_date(received, n, cal)
            assert got.date == reference_due(received, n), (received, n)
            assert not got.provisional or got.date.year >= 2027


@pytest.mark.parametrize("received,n,expected", [
    ("2025-09-26", 15, "2025-10-23"),   # the example: 9/28 and 10/11 counted, 10/1-8 skipped
    ("2024-09-30", 1, "2024-10-08"),    # National Day 10/1-7
    ("2026-02-13", 1, "2026-02-14"),    # Saturday 2/14 is a 调休 working day
    ("2025-01-24", 3, "2025-02-05"),    # Sun 1/26 counts, Spring Festival 1/28-2/4 skipped
    ("2025-09-27", 1, "2025-09-28"),    # received on a rest day: next working day (Sun, 调休)
    ("2024-06-07", 1, "2024-06-11"),    # Dragon Boat 6/8-10
    ("2026-12-31", 1, "2027-01-04"),    # fallback: 2027-01-01 statutory, then weekend
])
def test_hand_worked_examples(cal, received, n, expected):
    assert w.due_date(D(received), n, cal).date == D(expected)


def test_zero_days_is_the_day_of_receipt_and_negative_is_refused(cal):
    assert w.due_date(D("2025-10-01"), 0, cal).date == D("2025-10-01")
    with pytest.raises(ValueError):
        w.due_date(D("2025-10-01"), -1, cal)


# ------------------------------------------------------------------ explanation

def test_explain_lists_skipped_days_with_reasons(cal):
    ex = w.explain(D("2025-09-26"), 15, cal)
    skipped = {i.day: i for i in ex.skipped}
    assert set(skipped) >= set(span("2025-10-01", "2025-10-08"))
    assert skipped[D("2025-10-01")].name == "国庆节" and skipped[D("2025-10-01")].kind == w.HOLIDAY
    assert skipped[D("2025-09-27")].kind == w.WEEKEND
    assert [i.day for i in ex.adjusted_workdays] == [D("2025-09-28"), D("2025-10-11")]
    counted = [s.day for s in ex.steps if s.counted]
    assert len(counted) == 15 and counted[-1] == D("2025-10-23")
    text = "\n".join(ex.lines("zh"))
    assert "调休上班" in text and "国庆节" in text and "周末" in text
    assert "2025-10-23" in ex.lines("en")[0]


# ------------------------------------------------------------------ time zone

def test_01_00_saturday_beijing_is_a_saturday_receipt(cal):
    received = dt.datetime(2025, 10, 10, 17, 0, tzinfo=UTC)   # = Sat 2025-10-11 01:00 in Beijing
    assert w.to_local_date(received) == D("2025-10-11")
    # counted from Saturday 10/11 (itself a 调休 workday, but the day of receipt never counts)
    assert w.due_date(received, 1, cal).date == D("2025-10-13")
    # received Friday evening Beijing time, Sat 10/11 is the first working day
    assert w.due_date(dt.datetime(2025, 10, 10, 9, 0, tzinfo=UTC), 1, cal).date == D("2025-10-11")


def test_naive_datetimes_are_rejected_and_utc_helper_marks_them(cal):
    with pytest.raises(w.NaiveDatetimeError):
        w.due_date(dt.datetime(2025, 10, 10, 17, 0), 1, cal)
    assert w.to_local_date(w.utc(dt.datetime(2025, 10, 10, 17, 0))) == D("2025-10-11")


# ------------------------------------------------------------------ overdue, between, reminders

def test_overdue_only_strictly_after_the_due_date():
    due = D("2025-10-23")
    assert not w.is_overdue(due, D("2025-10-22"))
    assert not w.is_overdue(due, D("2025-10-23"))
    assert w.is_overdue(due, D("2025-10-24"))
    assert not w.is_overdue(due, dt.datetime(2025, 10, 23, 15, 59, tzinfo=UTC))  # 23:59 Beijing
    assert w.is_overdue(due, dt.datetime(2025, 10, 23, 16, 1, tzinfo=UTC))       # 00:01 next day


def test_working_days_between(cal):
    assert w.working_days_between(D("2025-09-30"), D("2025-10-09"), cal) == 1
    assert w.working_days_between(D("2025-09-26"), D("2025-10-23"), cal) == 15
    assert w.working_days_between(D("2025-10-23"), D("2025-09-26"), cal) == -15
    assert w.working_days_between(D("2025-10-01"), D("2025-10-01"), cal) == 0


@settings(max_examples=200, deadline=None)
@given(received=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 10, 31)),
       n=st.integers(min_value=0, max_value=30))
def test_between_inverts_due_date(received, n):
    cal = w.Calendar.load()
    due = w.due_date(received, n, cal).date
    assert due == reference_due(received, n)
    assert w.working_days_between(received, due, cal) == n
    if n:
        assert official_workday(due)


def test_days_before_due_for_reminders(cal):
    # due Thu 10/9/2025: 9/29 Mon, 9/30 Tue and 10/9 are the last working days; 9/28 Sun is 调休
    assert w.days_before_due(D("2025-10-09"), 3, cal) == D("2025-09-28")
    assert w.days_before_due(D("2025-10-23"), 3, cal) == D("2025-10-20")
    assert w.remaining_working_days(D("2025-10-20"), D("2025-10-23"), cal) == 3


# ------------------------------------------------------------------ provisional years and overrides

def test_2027_uses_statutory_rules_and_is_provisional(cal):
    assert not cal.has_official_schedule(2027)
    for d in span("2027-01-01", "2027-12-31"):
        info = cal.info(d)
        assert info.provisional
        expected = d not in FALLBACK_2027 and d.weekday() < 5
        assert info.workday == expected, d
    got = w.due_date(D("2026-12-20"), 15, cal)
    assert got.provisional and got.date == D("2027-01-11")
    assert not w.due_date(D("2026-11-02"), 5, cal).provisional


def test_entering_the_2027_schedule_recomputes_and_clears_provisional():
    # A made-up schedule, for the test only: Jan 4 2027 declared a rest day.
    received = D("2026-12-30")
    before = w.due_date(received, 3, w.Calendar.load())
    # counted: Thu 12/31 (2026, official), fallback skips 1/1 (元旦) and the weekend: Mon 1/4, Tue 1/5
    assert before.provisional and before.date == D("2027-01-05")
    overrides = [w.DayOverride(D("2027-01-01"), False, "元旦", "test"),
                 w.DayOverride(D("2027-01-04"), False, "测试假日", "test")]
    after = w.due_date(received, 3, w.Calendar.load(overrides=overrides, official_years=[2027]))
    assert not after.provisional
    assert after.date == D("2027-01-06")
    # overrides alone (no official marker) change the day but the year stays provisional
    partial = w.due_date(received, 3, w.Calendar.load(overrides=overrides))
    assert partial.date == D("2027-01-06") and partial.provisional


def test_override_files_and_local_holidays(tmp_path):
    (tmp_path / "2027.yaml").write_text(
        "year: 2027\nofficial_schedule: true\nsource: 测试通知\ndays:\n"
        "  - {date: 2027-01-01, type: holiday, name: 元旦}\n"
        "  - {date: 2027-01-09, type: workday, name: 调休上班}\n", encoding="utf-8")
    (tmp_path / "local.yaml").write_text(
        "jurisdiction: hainan\ndays:\n  - {date: 2026-11-02, type: holiday, name: 地方假日}\n", encoding="utf-8")
    national = w.Calendar.load(config_dir=tmp_path)
    hainan = w.Calendar.load(config_dir=tmp_path, jurisdiction="hainan")
    assert national.has_official_schedule(2027)
    sat = national.info(D("2027-01-09"))
    assert sat.workday and sat.kind == w.ADJUSTED_WORKDAY and sat.reference == "测试通知"
    assert not national.info(D("2027-02-08")).provisional and national.is_workday(D("2027-02-08"))
    assert national.is_workday(D("2026-11-02")) and not hainan.is_workday(D("2026-11-02"))
    # database entries passed in win over the file for the same day
    db = [w.DayOverride(D("2027-01-09"), False, "更正", "db")]
    assert not w.Calendar.load(overrides=db, config_dir=tmp_path).is_workday(D("2027-01-09"))


def test_shipped_calendar_dir_loads(cal):
    overrides, years = w.load_override_files(REPO / "config" / "calendar")
    c = w.Calendar.load(overrides=overrides, official_years=years)
    for d in span("2024-01-01", "2026-12-31"):
        assert c.is_workday(d) == official_workday(d)


@pytest.mark.parametrize("doc,fragment", [
    ({"days": [{"date": "2027-01-01", "type": "rest"}]}, "type"),
    ({"year": 2027, "days": [{"date": "2028-01-01", "type": "holiday"}]}, "outside"),
    ({"days": [{"date": "2027-13-01", "type": "holiday"}]}, "bad date"),
    ({"days": [{"date": "2027-01-01", "type": "holiday", "nam": "x"}]}, "unknown"),
    ({"official_schedule": True, "days": []}, "year"),
    ({"year": 2027, "official_schedule": True}, "no days"),
    ({"yaer": 2027}, "unknown"),
])
def test_override_documents_are_validated(doc, fragment):
    with pytest.raises(w.CalendarDataError) as e:
        w.parse_override_document(doc, "x.yaml")
    assert fragment in str(e.value) and "x.yaml" in str(e.value)


def test_local_entry_beats_national_entry_for_the_same_day():
    national = w.DayOverride(D("2027-03-03"), True, "national", "n")
    local = w.DayOverride(D("2027-03-03"), False, "三月三", "l", jurisdiction="guangxi")
    assert not w.Calendar.load(overrides=[local, national], jurisdiction="guangxi").is_workday(D("2027-03-03"))
    assert not w.Calendar.load(overrides=[national, local], jurisdiction="guangxi").is_workday(D("2027-03-03"))
    assert w.Calendar.load(overrides=[national, local]).is_workday(D("2027-03-03"))


def test_provisional_days_are_marked_in_the_explanation(cal):
    ex = w.explain(D("2026-12-30"), 3, cal)
    assert [i.day for i in ex.provisional_days] == span("2027-01-01", "2027-01-05")
    assert any("暂按法定规则推算" in line for line in ex.lines("zh"))
    assert not w.explain(D("2025-09-26"), 15, cal).provisional_days
