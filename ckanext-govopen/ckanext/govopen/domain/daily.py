"""When the portal's daily duties run (due-date reminders, overdue notices, the annual
report's deadline reminders: ``ckan govopen notify-due``).

The regulations count days in Asia/Shanghai, so "daily" means once a day at a local hour
(default 08:00, before the working day's first review), whatever the server's zone."""
from __future__ import annotations

import datetime as _dt
from zoneinfo import ZoneInfo

DEFAULT_HOUR = 8


def next_run(now: _dt.datetime, hour: int = DEFAULT_HOUR, tz: str = "Asia/Shanghai") -> _dt.datetime:
    """The first moment strictly after ``now`` (aware, any zone) at which the local
    clock of ``tz`` shows ``hour``:00; returned aware in ``tz``."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not 0 <= hour <= 23:
        raise ValueError("hour must be 0-23")
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    at = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if at <= local:
        at = (local + _dt.timedelta(days=1)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return at


def seconds_until(now: _dt.datetime, hour: int = DEFAULT_HOUR, tz: str = "Asia/Shanghai") -> float:
    return (next_run(now, hour, tz) - now).total_seconds()
