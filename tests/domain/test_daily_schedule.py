"""The daily duties run at a local hour of Asia/Shanghai, whatever the server's zone."""
import datetime as dt

import pytest

from ckanext.govopen.domain import daily

UTC = dt.timezone.utc


def test_next_run_is_eight_in_shanghai():
    # 2026-12-06 23:30 UTC = 12-07 07:30 Shanghai → 12-07 08:00 Shanghai = 00:00 UTC
    at = daily.next_run(dt.datetime(2026, 12, 6, 23, 30, tzinfo=UTC))
    assert (at.date(), at.hour, at.minute) == (dt.date(2026, 12, 7), 8, 0)
    assert at.astimezone(UTC) == dt.datetime(2026, 12, 7, 0, 0, tzinfo=UTC)


def test_after_the_hour_it_is_tomorrow_and_never_now():
    # 08:00:00 exactly in Shanghai: strictly after → the next day
    now = dt.datetime(2026, 12, 7, 0, 0, tzinfo=UTC)
    assert daily.next_run(now).date() == dt.date(2026, 12, 8)
    # 16:00 UTC on 12-31 = 00:00 Shanghai on 1 January: the run of 1 January, 8 hours on
    now = dt.datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    assert daily.next_run(now) == dt.datetime(2027, 1, 1, 8, 0, tzinfo=daily.ZoneInfo("Asia/Shanghai"))
    assert daily.seconds_until(now) == 8 * 3600


def test_other_hours_and_bad_input():
    now = dt.datetime(2026, 12, 6, 12, 0, tzinfo=UTC)  # 20:00 Shanghai
    assert daily.next_run(now, hour=21).hour == 21 and daily.next_run(now, hour=21).day == 6
    assert daily.next_run(now, hour=0).day == 7
    with pytest.raises(ValueError):
        daily.next_run(dt.datetime(2026, 12, 6, 12, 0))  # naive
    with pytest.raises(ValueError):
        daily.next_run(now, hour=24)
