"""Official holiday schedules 2024-2026, typed in by hand from the State Council
General Office notices (国务院办公厅关于20XX年部分节假日安排的通知), as test data
independent of chinese_calendar.  Each holiday period lists its full rest range
(weekends inside included) and the 调休 working Saturdays/Sundays.

Also the statutory-rule fallback for 2027 (no notice entered): the lunar
holidays' Gregorian dates for 2027 from the Chinese calendar (除夕 Feb 5, 春节
Feb 6, 端午 Jun 9, 中秋 Sep 15; 清明 Apr 5).
"""
import datetime as dt


def D(s):
    return dt.date.fromisoformat(s)


def span(a, b):
    a, b = D(a), D(b)
    out = []
    while a <= b:
        out.append(a)
        a += dt.timedelta(days=1)
    return out


# (name, first rest day, last rest day, [adjusted workdays])
PERIODS = {
    2024: [  # 国办发明电〔2023〕7号
        ("元旦", "2024-01-01", "2024-01-01", []),
        ("春节", "2024-02-10", "2024-02-17", ["2024-02-04", "2024-02-18"]),
        ("清明节", "2024-04-04", "2024-04-06", ["2024-04-07"]),
        ("劳动节", "2024-05-01", "2024-05-05", ["2024-04-28", "2024-05-11"]),
        ("端午节", "2024-06-08", "2024-06-10", []),
        ("中秋节", "2024-09-15", "2024-09-17", ["2024-09-14"]),
        ("国庆节", "2024-10-01", "2024-10-07", ["2024-09-29", "2024-10-12"]),
    ],
    2025: [  # 国办发明电〔2024〕12号
        ("元旦", "2025-01-01", "2025-01-01", []),
        ("春节", "2025-01-28", "2025-02-04", ["2025-01-26", "2025-02-08"]),
        ("清明节", "2025-04-04", "2025-04-06", []),
        ("劳动节", "2025-05-01", "2025-05-05", ["2025-04-27"]),
        ("端午节", "2025-05-31", "2025-06-02", []),
        ("国庆节、中秋节", "2025-10-01", "2025-10-08", ["2025-09-28", "2025-10-11"]),
    ],
    2026: [  # 国务院办公厅关于2026年部分节假日安排的通知
        ("元旦", "2026-01-01", "2026-01-03", ["2026-01-04"]),
        ("春节", "2026-02-15", "2026-02-23", ["2026-02-14", "2026-02-28"]),
        ("清明节", "2026-04-04", "2026-04-06", []),
        ("劳动节", "2026-05-01", "2026-05-05", ["2026-05-09"]),
        ("端午节", "2026-06-19", "2026-06-21", []),
        ("中秋节", "2026-09-25", "2026-09-27", []),
        ("国庆节", "2026-10-01", "2026-10-07", ["2026-09-20", "2026-10-10"]),
    ],
}

REST = {d for periods in PERIODS.values() for (_, a, b, _w) in periods for d in span(a, b)}
ADJUSTED = {D(w) for periods in PERIODS.values() for (*_x, ws) in periods for w in ws}
YEARS = sorted(PERIODS)

# statutory rules applied to 2027 (provisional)
FALLBACK_2027 = {D(s) for s in ["2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08",
                                "2027-04-05", "2027-05-01", "2027-05-02", "2027-06-09", "2027-09-15",
                                "2027-10-01", "2027-10-02", "2027-10-03"]}


def official_workday(day):
    """Independent reference: is ``day`` (2024-2026) a working day?"""
    if day in ADJUSTED:
        return True
    if day in REST:
        return False
    return day.weekday() < 5


def reference_due(received, n, is_work=official_workday):
    """Independent reference for the due-date rule: n-th working day strictly after."""
    day, count = received, 0
    while count < n:
        day += dt.timedelta(days=1)
        if is_work(day):
            count += 1
    return day
