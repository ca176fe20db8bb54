"""Department scorecards (issue 18): how each department does its open-data work, and
the jurisdiction in total, over a period. Plain Python, no CKAN: the action
(``logic/action/oversight.govopen_scorecard``) gathers rows into the values below and
calls :func:`compute`; every figure is computed here.

The period is local days (Asia/Shanghai), both ends included. ``as_of`` is the
period's last day, or today when the period has not ended: the catalog, the open
requests and "overdue now" are counted as they stood on that day, so the figures of
a past period do not change when they are asked again (the annual report relies
on it).

Figures of one card (a department, or the total):

* ``catalog``: entries created on or before ``as_of`` (current metadata): count,
  public entries, count and share by open type, ``open_share`` (unconditional +
  conditional over all); ``legal_basis``: conditional / not_open entries that need a
  legal basis (and conditions) and how many have it complete
  (``catalog.entry_problems``); ``update``: entries with a regular update cycle and how
  many are within it on ``as_of`` (``catalog.is_overdue``); ``machine_readable``:
  resources with a machine-readable format over all resources; ``data_api``:
  resources in the DataStore, and entries with at least one of them over all entries.
* ``requests.<kind>`` for application, share_request, objection, high_demand_review,
  reconsideration: ``received`` in the period; replies DECIDED in the period:
  ``decided`` (withdrawals apart), ``approved`` (granted / opened / corrected / …) and
  ``rejected`` (refused / kept closed / upheld / confirmed), ``withdrawn``,
  ``median_days`` and ``p90_days`` (working days from receipt to reply, the
  regulations' clock: ``workdays.working_days_between``; nearest-rank 90th
  percentile), ``on_time`` / ``on_time_rate`` (reply on or before the due date,
  extensions included); ``open_now`` / ``overdue_now``: requests open on ``as_of``
  whatever their receipt, and those past their due date.
* ``demands``: demands created in the period, answered (their high-demand review
  decided in the period), and awaiting an answer on ``as_of`` (review open).
* ``reconsiderations``: received, and the outcomes decided in the period (upheld,
  directed_open, withdrawn), open on ``as_of``; a reconsideration counts for the
  department whose answer it reconsiders.
* ``usage``: downloads and API calls in the period.
* ``months``: per calendar month of the period: requests received and replied,
  on-time rate, median reply days, downloads, API calls, new catalog entries.
"""
from __future__ import annotations

import datetime as _dt
import math
import statistics
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from . import catalog
from . import open_types as ot
from . import workdays

KINDS = ("application", "share_request", "objection", "high_demand_review", "reconsideration")
KIND_LABELS = {
    "application": ("数据申请", "Applications"),
    "share_request": ("共享申请", "Share requests"),
    "objection": ("疑义", "Objections"),
    "high_demand_review": ("高需求审查", "High-demand reviews"),
    "reconsideration": ("复核", "Reconsiderations"),
}
#: final states that grant what was asked / refuse it (the rest of the finals: withdrawn)
APPROVED = frozenset({"approved", "opened", "directed_open", "corrected",
                      "suspended", "revoked"})   # issue 17: approved, its grant later suspended/revoked
REJECTED = frozenset({"rejected", "kept_closed", "upheld", "confirmed"})
WITHDRAWN = "withdrawn"
FINAL = APPROVED | REJECTED | {WITHDRAWN}

MAX_PERIOD_DAYS = 5 * 366 + 1

MESSAGES = {
    "date_format": ("日期格式应为 YYYY-MM-DD", "Use a date as YYYY-MM-DD"),
    "period_order": ("统计期止不得早于统计期起", "The period must end on or after its start"),
    "period_length": ("统计期不能超过 5 年", "The period cannot be longer than 5 years"),
    "period_future": ("统计期起不能晚于今天", "The period cannot start after today"),
}


class PeriodError(ValueError):
    def __init__(self, field_name: str, code: str):
        super().__init__(code)
        self.field = field_name
        self.code = code

    def message(self, lang: str = "zh") -> str:
        zh, en = MESSAGES[self.code]
        return en if (lang or "").startswith("en") else zh


@dataclass(frozen=True)
class Period:
    start: _dt.date
    end: _dt.date
    as_of: _dt.date

    def contains(self, day: Optional[_dt.date]) -> bool:
        return day is not None and self.start <= day <= self.end

    def months(self) -> List[str]:
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append("%04d-%02d" % (y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def as_dict(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(),
                "as_of": self.as_of.isoformat()}


def _day(value, name) -> Optional[_dt.date]:
    if value in (None, ""):
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise PeriodError(name, "date_format")


def parse_period(start, end, today: _dt.date) -> Period:
    """The period from optional ``period_start`` / ``period_end`` (YYYY-MM-DD). Default:
    the last twelve calendar months up to today (from the first of the month eleven
    months back)."""
    s, e = _day(start, "period_start"), _day(end, "period_end")
    if e is None:
        e = today if s is None or s <= today else s
    if s is None:
        y, m = e.year, e.month - 11
        while m <= 0:
            y, m = y - 1, m + 12
        s = _dt.date(y, m, 1)
    if e < s:
        raise PeriodError("period_end", "period_order")
    if s > today:
        raise PeriodError("period_start", "period_future")
    if (e - s).days + 1 > MAX_PERIOD_DAYS:
        raise PeriodError("period_end", "period_length")
    return Period(s, e, min(e, today))


def year_period(year: int, today: _dt.date) -> Period:
    return parse_period(_dt.date(year, 1, 1), _dt.date(year, 12, 31), today)


# ------------------------------------------------------------------ input rows
@dataclass(frozen=True)
class Resource:
    format: str = ""
    in_datastore: bool = False
    last_modified: Optional[str] = None   # CKAN naive-UTC ISO timestamps
    created: Optional[str] = None


@dataclass(frozen=True)
class Entry:
    id: str
    org_id: Optional[str]
    open_type: Optional[str]
    created: _dt.date                     # local day
    private: bool = False
    legal_basis: str = ""
    open_conditions: str = ""
    update_cycle: Optional[str] = None
    last_data_update: Optional[str] = None
    resources: Tuple[Resource, ...] = ()

    def as_mapping(self) -> dict:
        return {"open_type": self.open_type, "legal_basis": self.legal_basis,
                "open_conditions": self.open_conditions, "update_cycle": self.update_cycle,
                "last_data_update": self.last_data_update,
                "resources": [{"last_modified": r.last_modified, "created": r.created}
                              for r in self.resources]}


@dataclass(frozen=True)
class Req:
    id: str
    kind: str
    org_id: Optional[str]
    received_at: _dt.datetime             # aware (or naive UTC)
    due_date: Optional[_dt.date]
    state: str
    decided_at: Optional[_dt.datetime] = None


@dataclass(frozen=True)
class Demand:
    id: str
    org_id: Optional[str]
    created: _dt.datetime
    review_opened_at: Optional[_dt.datetime] = None
    review_decided_at: Optional[_dt.datetime] = None


@dataclass(frozen=True)
class Usage:
    org_id: Optional[str]
    day: _dt.date
    downloads: int = 0
    api_calls: int = 0


@dataclass
class Rows:
    entries: Sequence[Entry] = ()
    requests: Sequence[Req] = ()
    demands: Sequence[Demand] = ()
    usage: Sequence[Usage] = ()

    def of(self, org_id: Optional[str]) -> "Rows":
        return Rows([e for e in self.entries if e.org_id == org_id],
                    [r for r in self.requests if r.org_id == org_id],
                    [d for d in self.demands if d.org_id == org_id],
                    [u for u in self.usage if u.org_id == org_id])


# ------------------------------------------------------------------ helpers
def rate(part: int, whole: int) -> Optional[float]:
    return round(part / whole, 4) if whole else None


def percentile(values: Sequence[float], p: float) -> Optional[float]:
    """Nearest-rank percentile (p in 0..100); None for no values."""
    if not values:
        return None
    s = sorted(values)
    k = max(1, math.ceil(p / 100.0 * len(s)))
    return s[k - 1]


def median(values: Sequence[float]) -> Optional[float]:
    return statistics.median(values) if values else None


def _local(ts: Optional[_dt.datetime], tz: str) -> Optional[_dt.date]:
    if ts is None:
        return None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=_dt.timezone.utc)
    return workdays.to_local_date(ts, tz)


def _month(day: _dt.date) -> str:
    return "%04d-%02d" % (day.year, day.month)


# ------------------------------------------------------------------ figures
def catalog_figures(entries: Iterable[Entry], as_of: _dt.date) -> dict:
    listed = [e for e in entries if e.created <= as_of]
    n = len(listed)
    by_type = {t: 0 for t in ot.OPEN_TYPES}
    by_type["unknown"] = 0
    need_basis = basis_ok = with_cycle = on_time = 0
    resources = machine = in_ds = entries_api = 0
    for e in listed:
        by_type[e.open_type if e.open_type in ot.OPEN_TYPES else "unknown"] += 1
        m = e.as_mapping()
        if e.open_type in (ot.CONDITIONAL, ot.NOT_OPEN):
            need_basis += 1
            problems = catalog.entry_problems(m)
            if not ({"legal_basis", "open_conditions"} & set(problems)):
                basis_ok += 1
        if catalog.MAX_AGE_DAYS.get(e.update_cycle or "") is not None:
            with_cycle += 1
            if not catalog.is_overdue(m, as_of):
                on_time += 1
        any_ds = False
        for r in e.resources:
            resources += 1
            if catalog.format_readability(r.format) == "machine":
                machine += 1
            if r.in_datastore:
                in_ds += 1
                any_ds = True
        entries_api += 1 if any_ds else 0
    return {
        "entries": n,
        "public": sum(1 for e in listed if not e.private),
        "by_open_type": by_type,
        "share_by_open_type": {t: rate(c, n) for t, c in by_type.items()},
        "open_share": rate(by_type[ot.UNCONDITIONAL] + by_type[ot.CONDITIONAL], n),
        "legal_basis": {"needed": need_basis, "complete": basis_ok, "rate": rate(basis_ok, need_basis)},
        "update": {"with_cycle": with_cycle, "on_time": on_time, "overdue": with_cycle - on_time,
                   "rate": rate(on_time, with_cycle)},
        "machine_readable": {"resources": resources, "machine": machine, "rate": rate(machine, resources)},
        "data_api": {"resources": in_ds, "resource_rate": rate(in_ds, resources),
                     "entries": entries_api, "rate": rate(entries_api, n)},
    }


def _reply(r: Req, cal, tz) -> int:
    return workdays.working_days_between(r.received_at if r.received_at.tzinfo else
                                         r.received_at.replace(tzinfo=_dt.timezone.utc),
                                         r.decided_at if r.decided_at.tzinfo else
                                         r.decided_at.replace(tzinfo=_dt.timezone.utc), cal, tz)


def request_figures(reqs: Iterable[Req], period: Period, cal, tz: str) -> dict:
    received = decided = approved = rejected = withdrawn = on_time = open_now = overdue_now = 0
    days: List[int] = []
    for r in reqs:
        got = _local(r.received_at, tz)
        done = _local(r.decided_at, tz) if r.state in FINAL else None
        if period.contains(got):
            received += 1
        if done is not None and period.contains(done):
            if r.state == WITHDRAWN:
                withdrawn += 1
            else:
                decided += 1
                approved += r.state in APPROVED
                rejected += r.state in REJECTED
                days.append(_reply(r, cal, tz))
                if r.due_date is None or done <= r.due_date:
                    on_time += 1
        if got is not None and got <= period.as_of and (done is None or done > period.as_of):
            open_now += 1
            if r.due_date is not None and period.as_of > r.due_date:
                overdue_now += 1
    return {"received": received, "decided": decided, "approved": approved, "rejected": rejected,
            "withdrawn": withdrawn, "median_days": median(days), "p90_days": percentile(days, 90),
            "on_time": on_time, "on_time_rate": rate(on_time, decided),
            "open_now": open_now, "overdue_now": overdue_now}


def demand_figures(demands: Iterable[Demand], period: Period, tz: str) -> dict:
    received = answered = awaiting = 0
    for d in demands:
        if period.contains(_local(d.created, tz)):
            received += 1
        done = _local(d.review_decided_at, tz)
        if period.contains(done):
            answered += 1
        opened = _local(d.review_opened_at, tz)
        if opened is not None and opened <= period.as_of and (done is None or done > period.as_of):
            awaiting += 1
    return {"received": received, "answered": answered, "awaiting": awaiting}


def reconsideration_figures(reqs: Iterable[Req], period: Period, tz: str) -> dict:
    out = {"received": 0, "upheld": 0, "directed_open": 0, "withdrawn": 0, "open_now": 0}
    for r in reqs:
        if r.kind != "reconsideration":
            continue
        got = _local(r.received_at, tz)
        done = _local(r.decided_at, tz) if r.state in FINAL else None
        if period.contains(got):
            out["received"] += 1
        if done is not None and period.contains(done) and r.state in out:
            out[r.state] += 1
        if got is not None and got <= period.as_of and (done is None or done > period.as_of):
            out["open_now"] += 1
    return out


def usage_figures(usage: Iterable[Usage], period: Period) -> dict:
    dl = api = 0
    for u in usage:
        if period.contains(u.day):
            dl += u.downloads
            api += u.api_calls
    return {"downloads": dl, "api_calls": api}


def month_figures(rows: Rows, period: Period, cal, tz: str) -> List[dict]:
    months = {m: {"month": m, "received": 0, "decided": 0, "on_time": 0, "_days": [],
                  "downloads": 0, "api_calls": 0, "new_entries": 0} for m in period.months()}
    for r in rows.requests:
        got = _local(r.received_at, tz)
        if period.contains(got):
            months[_month(got)]["received"] += 1
        done = _local(r.decided_at, tz) if r.state in FINAL else None
        if done is not None and period.contains(done) and r.state != WITHDRAWN:
            m = months[_month(done)]
            m["decided"] += 1
            m["on_time"] += 1 if (r.due_date is None or done <= r.due_date) else 0
            m["_days"].append(_reply(r, cal, tz))
    for u in rows.usage:
        if period.contains(u.day):
            months[_month(u.day)]["downloads"] += u.downloads
            months[_month(u.day)]["api_calls"] += u.api_calls
    for e in rows.entries:
        if period.contains(e.created):
            months[_month(e.created)]["new_entries"] += 1
    out = []
    for m in months.values():
        days = m.pop("_days")
        m["median_days"] = median(days)
        m["on_time_rate"] = rate(m["on_time"], m["decided"])
        out.append(m)
    return out


def card(rows: Rows, period: Period, cal, tz: str) -> dict:
    return {
        "catalog": catalog_figures(rows.entries, period.as_of),
        "requests": {k: request_figures([r for r in rows.requests if r.kind == k], period, cal, tz)
                     for k in KINDS},
        "demands": demand_figures(rows.demands, period, tz),
        "reconsiderations": reconsideration_figures(rows.requests, period, tz),
        "usage": usage_figures(rows.usage, period),
        "months": month_figures(rows, period, cal, tz),
    }


def compute(rows: Rows, period: Period, departments: Sequence[Tuple[str, str, str]],
            cal, tz: str = workdays.DEFAULT_TZ) -> dict:
    """``departments``: (org id, name, title) of the cards to compute; the total is over
    every row given (the jurisdiction). → {period, departments: [{organization,
    organization_title, …card}], total: card}."""
    return {
        "period": period.as_dict(),
        "departments": [dict(card(rows.of(oid), period, cal, tz), organization=name,
                             organization_title=title) for oid, name, title in departments],
        "total": card(rows, period, cal, tz),
    }


# ------------------------------------------------------------------ CSV
#: the flat columns of the scorecard CSV (one row per department and one for the total)
CSV_COLUMNS = [
    ("organization_title", None), ("period_start", None), ("period_end", None),
    ("catalog_entries", ("catalog", "entries")),
    ("unconditional", ("catalog", "by_open_type", "unconditional")),
    ("conditional", ("catalog", "by_open_type", "conditional")),
    ("not_open", ("catalog", "by_open_type", "not_open")),
    ("open_share", ("catalog", "open_share")),
    ("legal_basis_rate", ("catalog", "legal_basis", "rate")),
    ("update_on_time_rate", ("catalog", "update", "rate")),
    ("machine_readable_rate", ("catalog", "machine_readable", "rate")),
    ("data_api_rate", ("catalog", "data_api", "rate")),
] + [c for k in KINDS for c in (
    ("%s_received" % k, ("requests", k, "received")),
    ("%s_decided" % k, ("requests", k, "decided")),
    ("%s_median_days" % k, ("requests", k, "median_days")),
    ("%s_p90_days" % k, ("requests", k, "p90_days")),
    ("%s_on_time_rate" % k, ("requests", k, "on_time_rate")),
    ("%s_overdue_now" % k, ("requests", k, "overdue_now")))] + [
    ("demands_received", ("demands", "received")), ("demands_answered", ("demands", "answered")),
    ("reconsiderations_upheld", ("reconsiderations", "upheld")),
    ("reconsiderations_directed_open", ("reconsiderations", "directed_open")),
    ("downloads", ("usage", "downloads")), ("api_calls", ("usage", "api_calls")),
]


def _dig(d: Mapping, path):
    for p in path:
        d = d.get(p) if isinstance(d, Mapping) else None
    return d


def csv_rows(result: Mapping, total_title: str) -> List[dict]:
    out = []
    cards = list(result["departments"]) + [dict(result["total"], organization_title=total_title)]
    for c in cards:
        row = {"organization_title": c.get("organization_title"),
               "period_start": result["period"]["start"], "period_end": result["period"]["end"]}
        for name, path in CSV_COLUMNS:
            if path is not None:
                row[name] = _dig(c, path)
        out.append(row)
    return out


# ------------------------------------------------------------------ 开放数林 layers
#: the report's sections along Fudan's 开放数林 index, where the portal has the data
LAYERS = (
    ("readiness", "准备度", "Readiness", (("catalog", "legal_basis", "rate"),)),
    ("platform", "平台层", "Platform", (("catalog", "data_api", "rate"),
                                       ("catalog", "machine_readable", "rate"))),
    ("data", "数据层", "Data", (("catalog", "entries"), ("catalog", "open_share"),
                               ("catalog", "update", "rate"))),
    ("use", "利用层", "Use", (("usage", "downloads"), ("usage", "api_calls"),
                             ("requests", "application", "received"),
                             ("requests", "application", "on_time_rate"),
                             ("demands", "received"), ("demands", "answered"))),
)


# ------------------------------------------------------------------ annual report
def report_digest(year: int, organization: Optional[str], figures: Mapping, narrative: str,
                  published_at: str, sections: Optional[Sequence[Mapping]] = None) -> str:
    """SHA-256 of a published report: the sorted-key compact UTF-8 JSON of its year,
    department (None: the jurisdiction), figures, narrative and publication time, and for
    the compilation its departments' sections — what the audit chain records, so a later
    change of any of them shows."""
    import hashlib
    import json
    doc = {"year": year, "organization": organization, "figures": figures,
           "narrative": narrative, "published_at": published_at}
    if sections is not None:
        doc["sections"] = list(sections)
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


FIGURE_LABELS = {
    "catalog.legal_basis.rate": ("开放依据完整率", "Legal basis complete"),
    "catalog.data_api.rate": ("数据接口覆盖率", "Data API coverage"),
    "catalog.machine_readable.rate": ("可机读比例", "Machine-readable share"),
    "catalog.entries": ("目录数", "Catalog entries"),
    "catalog.open_share": ("开放比例", "Open share"),
    "catalog.update.rate": ("按期更新率", "Updated on time"),
    "usage.downloads": ("下载次数", "Downloads"),
    "usage.api_calls": ("接口调用次数", "API calls"),
    "requests.application.received": ("收到数据申请", "Applications received"),
    "requests.application.on_time_rate": ("数据申请按期答复率", "Applications answered on time"),
    "demands.received": ("收到需求", "Demands received"),
    "demands.answered": ("已答复需求", "Demands answered"),
}


def layer_rows(card: Mapping, lang: str = "zh") -> List[dict]:
    """The card's figures along the 开放数林 layers:
    [{layer, title, figures: [{path, label, value, rate}]}]."""
    en = lang.startswith("en")
    out = []
    for key, zh_title, en_title, paths in LAYERS:
        figures = []
        for p in paths:
            name = ".".join(p)
            label = FIGURE_LABELS[name]
            figures.append({"path": name, "label": label[1] if en else label[0], "value": _dig(card, p),
                            "rate": name.endswith(("rate", "share"))})
        out.append({"layer": key, "title": en_title if en else zh_title, "figures": figures})
    return out


# ------------------------------------------------------------------ public statistics
def public_stats(rows: Rows, per_package: Mapping[str, Tuple[int, int]], period: Period,
                 departments: Sequence[Tuple[str, str, str]], cal, tz: str = workdays.DEFAULT_TZ,
                 top: int = 10) -> dict:
    """What the public ``/stats`` page shows, from PUBLIC rows only (the caller gives
    public entries and the usage of datasets anyone may see): downloads and API calls
    (in total and by month), the most used datasets (``per_package``: id →
    (downloads, api calls); ranked by their sum), reply times to applications by
    department, the share of the catalog that is open."""
    full = compute(rows, period, departments, cal, tz)
    ranked = sorted(per_package.items(), key=lambda kv: (-(kv[1][0] + kv[1][1]), kv[0]))
    used = [{"package_id": pid, "downloads": dl, "api_calls": api}
            for pid, (dl, api) in ranked if dl + api > 0][:top]

    def reply(c):
        a = c["requests"]["application"]
        return {"received": a["received"], "decided": a["decided"], "median_days": a["median_days"],
                "p90_days": a["p90_days"], "on_time_rate": a["on_time_rate"]}
    return {
        "period": full["period"],
        "usage": full["total"]["usage"],
        "months": [{"month": m["month"], "downloads": m["downloads"], "api_calls": m["api_calls"]}
                   for m in full["total"]["months"]],
        "most_used": used,
        "catalog": {k: full["total"]["catalog"][k] for k in ("entries", "by_open_type", "open_share")},
        "departments": [dict(reply(c), organization=c["organization"], organization_title=c["organization_title"],
                             entries=c["catalog"]["entries"], open_share=c["catalog"]["open_share"])
                        for c in full["departments"]],
    }
