"""Issue 18: the scorecard's figures (domain/scorecard.py) on hand-made rows, no database.
Dates in 2025, whose official schedule is known (National Day 2025-10-01…08 off)."""
import datetime as dt

import pytest

from ckanext.govopen.domain import scorecard as sc
from ckanext.govopen.domain import workdays

SH = dt.timezone(dt.timedelta(hours=8))
CAL = workdays.Calendar.load()
TZ = "Asia/Shanghai"


def at(y, m, d, h=10):
    """A local (Shanghai) time as an aware datetime."""
    return dt.datetime(y, m, d, h, tzinfo=SH)


def req(kind="application", org="o1", got=at(2025, 3, 3), due=dt.date(2025, 3, 24), state="submitted",
        done=None, rid="r"):
    return sc.Req(rid, kind, org, got, due, state, done)


PERIOD = sc.Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31), dt.date(2025, 12, 31))


def test_reply_times_in_working_days_median_p90_and_on_time():
    rows = [req(state="approved", done=at(2025, 3, 5)),             # 2 working days
            req(state="rejected", done=at(2025, 3, 10)),            # 5
            req(state="approved", done=at(2025, 3, 20)),            # 13
            req(state="approved", got=at(2025, 3, 3), due=dt.date(2025, 3, 10),
                done=at(2025, 3, 11)),                              # 6, one day late
            req(state="withdrawn", done=at(2025, 3, 4))]
    f = sc.request_figures(rows, PERIOD, CAL, TZ)
    assert f["received"] == 5
    assert f["decided"] == 4 and f["withdrawn"] == 1
    assert (f["approved"], f["rejected"]) == (3, 1)
    assert f["median_days"] == 5.5            # of 2, 5, 6, 13
    assert f["p90_days"] == 13                # nearest rank: ceil(0.9 × 4) = 4th
    assert f["on_time"] == 3 and f["on_time_rate"] == 0.75
    assert f["open_now"] == 0 and f["overdue_now"] == 0


def test_the_holiday_calendar_counts_national_day_as_rest():
    f = sc.request_figures([req(got=at(2025, 9, 30), due=dt.date(2025, 10, 21), state="approved",
                                done=at(2025, 10, 9))], PERIOD, CAL, TZ)
    assert f["median_days"] == 1              # 10-01…10-08 are holidays


def test_local_days_decide_the_period_and_overdue_is_counted_as_of_the_period_end():
    period = sc.Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31), dt.date(2025, 3, 31))
    rows = [
        # received 2025-02-28 23:30 UTC = 03-01 07:30 in Shanghai: inside March
        req(got=dt.datetime(2025, 2, 28, 23, 30, tzinfo=dt.timezone.utc), due=dt.date(2025, 3, 20)),
        # received in February, still open at the end of March and past due: overdue now
        req(got=at(2025, 2, 10), due=dt.date(2025, 3, 3)),
        # decided in April: open (not overdue) on 03-31, not a March reply
        req(got=at(2025, 3, 25), due=dt.date(2025, 4, 15), state="approved", done=at(2025, 4, 2)),
    ]
    f = sc.request_figures(rows, period, CAL, TZ)
    assert f["received"] == 2
    assert f["decided"] == 0
    assert f["open_now"] == 3
    assert f["overdue_now"] == 2              # due 03-20 and 03-03, both before 03-31


def test_catalog_shares_legal_basis_update_duty_formats_and_data_api():
    res_csv = sc.Resource("CSV", in_datastore=True)
    entries = [
        sc.Entry("e1", "o1", "unconditional", dt.date(2025, 1, 5), update_cycle="monthly",
                 last_data_update="2025-12-20", resources=(res_csv, sc.Resource("PDF"))),
        sc.Entry("e2", "o1", "conditional", dt.date(2025, 2, 5), legal_basis="《条例》第十条",
                 open_conditions="实名申请", update_cycle="yearly", last_data_update="2024-06-01",
                 resources=(sc.Resource("XLSX"),)),
        sc.Entry("e3", "o1", "not_open", dt.date(2025, 3, 5), legal_basis=""),   # basis missing
        sc.Entry("e4", "o1", "unconditional", dt.date(2026, 1, 5)),              # after as_of
    ]
    f = sc.catalog_figures(entries, dt.date(2025, 12, 31))
    assert f["entries"] == 3
    assert f["by_open_type"] == {"unconditional": 1, "conditional": 1, "not_open": 1, "unknown": 0}
    assert f["open_share"] == round(2 / 3, 4)
    assert f["legal_basis"] == {"needed": 2, "complete": 1, "rate": 0.5}
    assert f["update"] == {"with_cycle": 2, "on_time": 1, "overdue": 1, "rate": 0.5}
    assert f["machine_readable"] == {"resources": 3, "machine": 2, "rate": round(2 / 3, 4)}
    assert f["data_api"]["resources"] == 1 and f["data_api"]["entries"] == 1
    assert f["data_api"]["rate"] == round(1 / 3, 4)


def test_demands_reconsiderations_usage_and_months():
    rows = sc.Rows(
        entries=[sc.Entry("e1", "o1", "unconditional", dt.date(2025, 2, 1))],
        requests=[req(kind="reconsideration", state="upheld", done=at(2025, 3, 6)),
                  req(kind="reconsideration", state="directed_open", done=at(2025, 3, 7)),
                  req(kind="reconsideration", got=at(2025, 12, 29), due=dt.date(2026, 1, 20))],
        demands=[sc.Demand("d1", "o1", at(2025, 1, 10), at(2025, 1, 20), at(2025, 2, 3)),
                 sc.Demand("d2", "o1", at(2025, 5, 1), at(2025, 6, 1), None),
                 sc.Demand("d3", "o1", at(2025, 7, 1))],
        usage=[sc.Usage("o1", dt.date(2025, 3, 1), 4, 10), sc.Usage("o1", dt.date(2025, 3, 31), 1, 0),
               sc.Usage("o1", dt.date(2024, 12, 31), 100, 100)])
    c = sc.card(rows, PERIOD, CAL, TZ)
    assert c["reconsiderations"] == {"received": 3, "upheld": 1, "directed_open": 1, "withdrawn": 0,
                                     "open_now": 1}
    assert c["demands"] == {"received": 3, "answered": 1, "awaiting": 1}
    assert c["usage"] == {"downloads": 5, "api_calls": 10}
    months = {m["month"]: m for m in c["months"]}
    assert len(months) == 12
    assert months["2025-03"]["downloads"] == 5 and months["2025-03"]["api_calls"] == 10
    assert months["2025-03"]["decided"] == 2 and months["2025-03"]["received"] == 2
    assert months["2025-12"]["received"] == 1
    assert months["2025-02"]["new_entries"] == 1


def test_compute_gives_each_department_its_own_rows_and_the_total_all():
    rows = sc.Rows(entries=[sc.Entry("a", "o1", "unconditional", dt.date(2025, 1, 1)),
                            sc.Entry("b", "o2", "not_open", dt.date(2025, 1, 1), legal_basis="x"),
                            sc.Entry("c", "o2", "conditional", dt.date(2025, 1, 1))])
    out = sc.compute(rows, PERIOD, [("o2", "dept-2", "二部门")], CAL, TZ)
    assert [d["organization"] for d in out["departments"]] == ["dept-2"]
    assert out["departments"][0]["catalog"]["entries"] == 2
    assert out["total"]["catalog"]["entries"] == 3
    flat = sc.csv_rows(out, "合计")
    assert [r["organization_title"] for r in flat] == ["二部门", "合计"]
    assert flat[0]["legal_basis_rate"] == 0.5 and flat[1]["catalog_entries"] == 3


def test_period_parsing():
    today = dt.date(2025, 6, 15)
    p = sc.parse_period(None, None, today)
    assert (p.start, p.end, p.as_of) == (dt.date(2024, 7, 1), today, today)
    p = sc.parse_period("2025-01-01", "2025-12-31", today)
    assert p.as_of == today and len(p.months()) == 12
    for start, end, field, code in (("2025-13-01", None, "period_start", "date_format"),
                                    ("2025-05-01", "2025-04-01", "period_end", "period_order"),
                                    ("2025-07-01", "2025-08-01", "period_start", "period_future"),
                                    ("2015-01-01", "2025-01-01", "period_end", "period_length")):
        with pytest.raises(sc.PeriodError) as e:
            sc.parse_period(start, end, today)
        assert (e.value.field, e.value.code) == (field, code)
        assert e.value.message("zh") and e.value.message("en") != e.value.message("zh")


def test_report_digest_changes_with_any_part():
    base = sc.report_digest(2025, "d", {"a": 1}, "文字", "2026-01-20T08:00:00")
    assert len(base) == 64 and base == sc.report_digest(2025, "d", {"a": 1}, "文字", "2026-01-20T08:00:00")
    assert base != sc.report_digest(2025, "d", {"a": 2}, "文字", "2026-01-20T08:00:00")
    assert base != sc.report_digest(2025, "d", {"a": 1}, "文字。", "2026-01-20T08:00:00")


def test_public_stats_rank_the_most_used_and_keep_reply_times_per_department():
    rows = sc.Rows(entries=[sc.Entry("a", "o1", "unconditional", dt.date(2025, 1, 1)),
                            sc.Entry("b", "o1", "not_open", dt.date(2025, 1, 1), legal_basis="x")],
                   requests=[req(state="approved", done=at(2025, 3, 10))],
                   usage=[sc.Usage("o1", dt.date(2025, 3, 1), 3, 4)])
    out = sc.public_stats(rows, {"a": (3, 4), "b": (0, 9), "c": (0, 0)}, PERIOD, [("o1", "d1", "一局")], CAL, TZ)
    assert [u["package_id"] for u in out["most_used"]] == ["b", "a"]      # 9 > 7; unused left out
    assert out["usage"] == {"downloads": 3, "api_calls": 4}
    assert out["catalog"]["open_share"] == 0.5
    assert out["departments"][0]["median_days"] == 5 and out["departments"][0]["organization"] == "d1"
    assert set(out["departments"][0]) >= {"received", "p90_days", "on_time_rate", "entries", "open_share"}
