"""API quotas (接口调用配额): which daily limits bind one API call, and when the
caller is alerted. Plain Python, no CKAN, no Redis: the counting itself is done by
flask-limiter's strategy on Redis (``ckanext.govopen.quota``); this module only
says *which* counters a call hits and how to read them.

Scopes (a call may be under several at once; each has requests/day and rows/day):

* ``application`` – per application key (an API token made by govopen_app_create);
* ``user``        – per logged-in user (any token, or the browser session);
* ``anonymous``   – per client address, for calls without a user;
* ``dataset``     – per caller per dataset: one caller's calls about one dataset
  (a caller is the application, else the user, else the address).

The competent authority (sysadmin) is not under a quota. A day is the calendar day
in the jurisdiction's time zone: the counters are keyed by that date.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

SCOPES = ("application", "user", "anonymous", "dataset")
MEASURES = ("requests", "rows")
ALERT_LEVELS = (80, 100)          # per cent of a limit: the owner is alerted once per day at each


@dataclass(frozen=True)
class ScopeQuota:
    requests_per_day: int
    rows_per_day: int

    def limit(self, measure: str) -> int:
        return self.requests_per_day if measure == "requests" else self.rows_per_day


#: defaults when a jurisdiction file has no ``api_quotas`` section
DEFAULT_QUOTAS: Dict[str, ScopeQuota] = {
    "application": ScopeQuota(10000, 1000000),
    "user": ScopeQuota(10000, 1000000),
    "anonymous": ScopeQuota(1000, 100000),
    "dataset": ScopeQuota(5000, 500000),
}


@dataclass(frozen=True)
class Caller:
    """Who makes the call: ``user_id`` None for anonymous; ``app_id`` when the call
    carries an application key; ``address`` the client address."""
    user_id: Optional[str] = None
    app_id: Optional[str] = None
    address: str = ""
    exempt: bool = False            # the competent authority

    @property
    def key(self) -> str:
        """The caller's identity for per-dataset counters."""
        if self.app_id:
            return "app:" + self.app_id
        if self.user_id:
            return "user:" + self.user_id
        return "ip:" + (self.address or "unknown")


@dataclass(frozen=True)
class Counter:
    scope: str           # one of SCOPES
    measure: str         # requests | rows
    ident: str           # e.g. "user:<id>", "app:<id>|ds:<package id>"
    limit: int
    day: str             # YYYY-MM-DD in the jurisdiction's time zone

    @property
    def key(self) -> Tuple[str, str, str, str]:
        """Identifiers for the limiter (one Redis key per counter and day)."""
        return ("govopen", self.scope, self.measure, self.ident + "|" + self.day)


def local_day(now_utc: dt.datetime, timezone: str) -> dt.date:
    if now_utc.tzinfo is None:
        now_utc = now_utc.replace(tzinfo=dt.timezone.utc)
    return now_utc.astimezone(ZoneInfo(timezone)).date()


def seconds_to_midnight(now_utc: dt.datetime, timezone: str) -> int:
    """Seconds until the next local midnight (when the day's counters start anew), ≥ 1."""
    if now_utc.tzinfo is None:
        now_utc = now_utc.replace(tzinfo=dt.timezone.utc)
    local = now_utc.astimezone(ZoneInfo(timezone))
    nxt = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(0), tzinfo=local.tzinfo)
    return max(1, int((nxt - local).total_seconds() + 0.999))


def counters(caller: Caller, measure: str, quotas: Dict[str, ScopeQuota], day: str,
             package_id: Optional[str] = None) -> List[Counter]:
    """Every counter a call (or its rows) hits. Empty for an exempt caller. A limit
    of 0 in the settings means "no limit" for that scope and measure."""
    if caller.exempt:
        return []
    out: List[Counter] = []

    def add(scope, ident):
        q = quotas.get(scope) or DEFAULT_QUOTAS[scope]
        limit = q.limit(measure)
        if limit > 0:
            out.append(Counter(scope, measure, ident, limit, day))
    if caller.app_id:
        add("application", "app:" + caller.app_id)
    if caller.user_id:
        add("user", "user:" + caller.user_id)
    else:
        add("anonymous", "ip:" + (caller.address or "unknown"))
    if package_id:
        add("dataset", caller.key + "|ds:" + package_id)
    return out


def tightest(states: List[Tuple[Counter, int]]) -> Optional[Tuple[Counter, int]]:
    """Of (counter, remaining) pairs, the one with the fewest remaining (the limit the
    ``X-RateLimit-*`` headers report); ties go to the smaller limit."""
    if not states:
        return None
    return min(states, key=lambda s: (s[1], s[0].limit))


def alert_level(used_before: int, used_after: int, limit: int) -> Optional[int]:
    """The highest alert level (80 or 100 per cent) crossed by going from
    ``used_before`` to ``used_after``; None if none was crossed."""
    if limit <= 0:
        return None
    crossed = None
    for level in ALERT_LEVELS:
        threshold = (limit * level + 99) // 100     # ceil: 80% of 5 is 4
        if used_before < threshold <= used_after:
            crossed = level
    return crossed


def clamp_rows(requested: Optional[int], remaining: int, default: int = 100) -> int:
    """The row limit a search may use: what it asked (CKAN's default 100) but no
    more than the rows left today."""
    want = default if requested is None else max(0, int(requested))
    return max(0, min(want, remaining))
