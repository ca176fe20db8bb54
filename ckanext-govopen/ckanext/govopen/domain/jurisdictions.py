"""Jurisdiction settings (地区配置) loaded from ``config/jurisdictions/*.yaml``.

Plain Python, no CKAN.  Each file describes one jurisdiction::

    code: chongqing                 # optional; defaults to the file name
    name: 重庆市
    timezone: Asia/Shanghai
    regulation: 重庆市公共数据开放管理暂行办法（渝府令第320号）
    reminder_days_before_due: 3     # working days
    kinds:                          # one entry per request kind (kinds.LIMIT_KEYS)
      application: {limit: 15, max_extension_days: 15, extensions_allowed: 1, article: "..."}
      ...
    demand_board: {threshold: 10, window_days: 90}
    reconsideration: {filing_period: 15}   # working days after the answer
    k_anonymity_min: 5              # optional; minimum k of published tables (desensitize)
    annual_report:                  # optional (issue 18); the defaults are Chongqing art. 35-37's
      department_draft_due: "01-31" # MM-DD of the year after the reported one: departments' drafts
      compilation_due: "02-29"      # the authority's compilation (02-29 = the end of February)
      reminder_days_before: 7       # calendar days before a deadline the reminders start
    api_quotas:                     # optional; domain/quotas.py DEFAULT_QUOTAS otherwise
      anonymous: {requests_per_day: 1000, rows_per_day: 100000}   # per client address
      user: {...}, application: {...}, dataset: {...}               # 0 = no limit

``kinds.reconsideration.limit`` is the decision limit of a reconsideration.

Errors raise ``JurisdictionConfigError`` naming the file and the key path.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Mapping, Optional, Tuple, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .kinds import LIMIT_KEYS
from .quotas import DEFAULT_QUOTAS, SCOPES, ScopeQuota


class JurisdictionConfigError(ValueError):
    def __init__(self, where: str, key: str, problem: str):
        self.where, self.key, self.problem = where, key, problem
        super().__init__("%s: %s: %s" % (where, key, problem))


@dataclass(frozen=True)
class KindLimits:
    limit: int                     # working days to answer
    max_extension_days: int = 0    # working days one extension may add
    extensions_allowed: int = 0    # how many extensions (the regulations allow one)
    article: str = ""              # regulation article, for the UI and audits


@dataclass(frozen=True)
class DemandBoard:
    threshold: int                 # distinct requesters
    window_days: int               # calendar days the requests are counted over


@dataclass(frozen=True)
class ReconsiderationRules:
    filing_period: int             # working days after the answer to file
    article: str = ""


@dataclass(frozen=True)
class AnnualReportRules:
    """Deadlines of the annual report (年度报告), as (month, day) of the year after the
    reported one; a day past the month's end means its last day (02-29 in a common year:
    28 February). ``reminder_days_before``: calendar days before a deadline that the
    reminders start."""
    department_draft_due: Tuple[int, int] = (1, 31)
    compilation_due: Tuple[int, int] = (2, 29)
    reminder_days_before: int = 7


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    name: str
    timezone: str
    kinds: Mapping[str, KindLimits]
    demand_board: DemandBoard
    reconsideration: ReconsiderationRules
    reminder_days_before_due: int = 3
    regulation: str = ""
    k_anonymity_min: int = 5       # minimum k over the quasi-identifiers of a published table
    api_quotas: Mapping[str, ScopeQuota] = field(default_factory=lambda: dict(DEFAULT_QUOTAS))
    #: legal grounds a department may cite when it refuses or keeps data closed
    #: (the decision form's choice list, from the jurisdiction's ``legal_bases``)
    legal_bases: Tuple[str, ...] = ()
    annual_report: AnnualReportRules = field(default_factory=AnnualReportRules)

    def limits(self, limit_key: str) -> KindLimits:
        try:
            return self.kinds[limit_key]
        except KeyError:
            raise KeyError("jurisdiction %s has no settings for request kind %r" % (self.code, limit_key))

    @property
    def reconsideration_decision_limit(self) -> int:
        return self.limits("reconsideration").limit


_TOP = {"code", "name", "timezone", "regulation", "reminder_days_before_due", "kinds", "demand_board",
        "reconsideration", "k_anonymity_min", "api_quotas", "legal_bases", "annual_report"}
_KIND_KEYS = {"limit", "max_extension_days", "extensions_allowed", "article"}


def _int(where, key, value, minimum=0, maximum=None):
    if isinstance(value, bool) or not isinstance(value, int):
        raise JurisdictionConfigError(where, key, "must be an integer, got %r" % (value,))
    if value < minimum:
        raise JurisdictionConfigError(where, key, "must be >= %d, got %d" % (minimum, value))
    if maximum is not None and value > maximum:
        raise JurisdictionConfigError(where, key, "must be <= %d, got %d" % (maximum, value))
    return value


def _mapping(where, key, value):
    if not isinstance(value, dict):
        raise JurisdictionConfigError(where, key, "must be a mapping, got %r" % (value,))
    return value


def _no_unknown(where, key, value: dict, allowed):
    unknown = set(value) - set(allowed)
    if unknown:
        raise JurisdictionConfigError(where, key, "unknown keys %s (allowed: %s)"
                                      % (sorted(unknown), sorted(allowed)))


def _required(where, key, value: dict, name):
    if name not in value or value[name] is None:
        raise JurisdictionConfigError(where, "%s.%s" % (key, name) if key else name, "is required")
    return value[name]


def parse(doc, where: str = "<jurisdiction>", default_code: Optional[str] = None) -> Jurisdiction:
    """Validate one loaded YAML document into a ``Jurisdiction``."""
    doc = _mapping(where, "(top level)", doc)
    _no_unknown(where, "(top level)", doc, _TOP)
    code = doc.get("code") or default_code
    if not code or not isinstance(code, str):
        raise JurisdictionConfigError(where, "code", "is required")
    name = _required(where, "", doc, "name")
    if not isinstance(name, str) or not name.strip():
        raise JurisdictionConfigError(where, "name", "must be a non-empty string")
    tz = _required(where, "", doc, "timezone")
    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        raise JurisdictionConfigError(where, "timezone", "unknown time zone %r" % (tz,))

    kinds_doc = _mapping(where, "kinds", _required(where, "", doc, "kinds"))
    _no_unknown(where, "kinds", kinds_doc, LIMIT_KEYS)
    kinds: Dict[str, KindLimits] = {}
    for key in sorted(LIMIT_KEYS):
        path = "kinds.%s" % key
        if key not in kinds_doc:
            raise JurisdictionConfigError(where, path, "is required (every request kind needs a limit)")
        k = _mapping(where, path, kinds_doc[key])
        _no_unknown(where, path, k, _KIND_KEYS)
        limit = _int(where, path + ".limit", _required(where, path, k, "limit"), minimum=1)
        ext_allowed = _int(where, path + ".extensions_allowed", k.get("extensions_allowed", 0), 0, 1)
        max_ext = _int(where, path + ".max_extension_days", k.get("max_extension_days", 0), 0)
        if ext_allowed and not max_ext:
            raise JurisdictionConfigError(where, path + ".max_extension_days",
                                          "must be > 0 when extensions_allowed is 1")
        if max_ext and not ext_allowed:
            raise JurisdictionConfigError(where, path + ".extensions_allowed",
                                          "is 0 but max_extension_days is %d" % max_ext)
        kinds[key] = KindLimits(limit, max_ext, ext_allowed, str(k.get("article") or ""))

    db = _mapping(where, "demand_board", _required(where, "", doc, "demand_board"))
    _no_unknown(where, "demand_board", db, {"threshold", "window_days"})
    board = DemandBoard(_int(where, "demand_board.threshold", _required(where, "demand_board", db, "threshold"), 1),
                        _int(where, "demand_board.window_days",
                             _required(where, "demand_board", db, "window_days"), 1))

    rc = _mapping(where, "reconsideration", _required(where, "", doc, "reconsideration"))
    _no_unknown(where, "reconsideration", rc, {"filing_period", "article"})
    recon = ReconsiderationRules(
        _int(where, "reconsideration.filing_period",
             _required(where, "reconsideration", rc, "filing_period"), 1),
        str(rc.get("article") or ""))

    reminder = _int(where, "reminder_days_before_due", doc.get("reminder_days_before_due", 3), 0)
    k_min = _int(where, "k_anonymity_min", doc.get("k_anonymity_min", 5), 1)
    return Jurisdiction(code=code, name=name.strip(), timezone=str(tz), kinds=kinds, demand_board=board,
                        reconsideration=recon, reminder_days_before_due=reminder, k_anonymity_min=k_min,
                        regulation=str(doc.get("regulation") or ""),
                        api_quotas=_api_quotas(where, doc.get("api_quotas")),
                        legal_bases=_legal_bases(where, doc.get("legal_bases")),
                        annual_report=_annual_report(where, doc.get("annual_report")))


_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)   # a leap year's


def _month_day(where, key, value) -> Tuple[int, int]:
    """"MM-DD" (a day that some year has: 02-29 is allowed, 02-30 is not)."""
    text = str(value).strip() if isinstance(value, (str, int)) else ""
    parts = text.split("-")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        month, day = int(parts[0]), int(parts[1])
        if 1 <= month <= 12 and 1 <= day <= _MONTH_DAYS[month - 1]:
            return month, day
    raise JurisdictionConfigError(where, key, "must be a day of the year as \"MM-DD\", got %r" % (value,))


def _annual_report(where, value) -> AnnualReportRules:
    if value is None:
        return AnnualReportRules()
    value = _mapping(where, "annual_report", value)
    _no_unknown(where, "annual_report", value, {"department_draft_due", "compilation_due", "reminder_days_before"})
    base = AnnualReportRules()
    draft = _month_day(where, "annual_report.department_draft_due",
                       value.get("department_draft_due", "%02d-%02d" % base.department_draft_due))
    compilation = _month_day(where, "annual_report.compilation_due",
                             value.get("compilation_due", "%02d-%02d" % base.compilation_due))
    if compilation < draft:
        raise JurisdictionConfigError(where, "annual_report.compilation_due",
                                      "must not come before department_draft_due")
    days = _int(where, "annual_report.reminder_days_before",
                value.get("reminder_days_before", base.reminder_days_before), 0, 60)
    return AnnualReportRules(draft, compilation, days)


def _legal_bases(where, value) -> Tuple[str, ...]:
    """``legal_bases``: a list of non-empty texts (none: the form asks to type one)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise JurisdictionConfigError(where, "legal_bases", "must be a list, got %r" % (value,))
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise JurisdictionConfigError(where, "legal_bases[%d]" % i, "must be a non-empty text")
        if item.strip() not in out:
            out.append(item.strip())
    return tuple(out)


def _api_quotas(where, value) -> Dict[str, ScopeQuota]:
    """``api_quotas``: per scope requests_per_day / rows_per_day (0 = no limit); a
    scope or key left out keeps its default (domain/quotas.DEFAULT_QUOTAS)."""
    out = dict(DEFAULT_QUOTAS)
    if value is None:
        return out
    value = _mapping(where, "api_quotas", value)
    _no_unknown(where, "api_quotas", value, SCOPES)
    for scope, q in value.items():
        path = "api_quotas.%s" % scope
        q = _mapping(where, path, q)
        _no_unknown(where, path, q, {"requests_per_day", "rows_per_day"})
        base = DEFAULT_QUOTAS[scope]
        out[scope] = ScopeQuota(
            _int(where, path + ".requests_per_day", q.get("requests_per_day", base.requests_per_day), 0),
            _int(where, path + ".rows_per_day", q.get("rows_per_day", base.rows_per_day), 0))
    return out


def load(path: Union[str, Path]) -> Jurisdiction:
    """Load and validate one jurisdiction file."""
    import yaml
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
    except OSError as exc:
        raise JurisdictionConfigError(str(path), "(file)", "cannot read: %s" % exc)
    except yaml.YAMLError as exc:
        raise JurisdictionConfigError(str(path), "(file)", "invalid YAML: %s" % exc)
    return parse(doc, str(path), default_code=path.stem)


def load_all(config_dir: Union[str, Path]) -> Dict[str, Jurisdiction]:
    """Every ``*.yaml`` in ``config_dir``, keyed by code; duplicate codes are an error."""
    out: Dict[str, Jurisdiction] = {}
    for path in sorted(Path(config_dir).glob("*.yaml")):
        j = load(path)
        if j.code in out:
            raise JurisdictionConfigError(str(path), "code", "duplicate jurisdiction code %r" % j.code)
        out[j.code] = j
    return out
