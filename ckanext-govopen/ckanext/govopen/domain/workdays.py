"""The working-day clock (工作日时钟).

Plain Python: no CKAN, no database.  Everything here is a pure function of its
arguments, so a due date can be recomputed at any time (for instance after an
administrator enters next year's State Council schedule).

Rule
----
``due_date(received, n, calendar)`` is the n-th working day *strictly after*
the day the request was received, counted in the jurisdiction's time zone
(Asia/Shanghai).  A request received on a rest day is handled by the same
formula: the rest day itself is never counted, counting starts with the next
working day.  ``n == 0`` returns the day of receipt.

Where working days come from (highest precedence first)
-------------------------------------------------------
1. Administrator overrides (``DayOverride``): explicit ``date -> workday /
   holiday + name + source`` entries.  They come from ``config/calendar/*.yaml``
   (``load_override_files``) and, through the CKAN glue, from a database table;
   this module never reads the database: the glue builds ``DayOverride`` values
   and passes them to ``Calendar.load``.  Overrides may be national (a State
   Council notice entered for a year the package does not have yet) or local
   (``jurisdiction='hainan'``: a provincial holiday).  A year counts as having an
   *official* schedule when the package covers it or when it is listed in
   ``official_years`` (YAML ``official_schedule: true``; the glue stores the same
   marker per year).
2. The ``chinese_calendar`` package: the official State Council schedule,
   including adjusted workdays (调休上班), for 2004-2026 (package 1.11.0).
3. Fallback rules for years with no official schedule: Saturday/Sunday rest,
   plus the statutory holidays of 《全国年节及纪念日放假办法》 (as amended by
   State Council Decree No. 795, in force 2025-01-01): 元旦 1/1; 春节 农历除夕 and
   正月初一至初三; 清明节; 劳动节 5/1-5/2; 端午节; 中秋节; 国庆节 10/1-10/3.  Lunar
   dates and 清明 are computed by the ``holidays`` package with ``observed=False``
   (so its guessed substitute days are not used).  No adjusted workdays are
   guessed.  Any due date that counted or skipped a fallback day is flagged
   ``provisional``.

Choice of package (chinese_calendar vs holidays)
------------------------------------------------
Compared on the installed versions (chinese-calendar 1.11.0, holidays 0.109):

* Coverage of 调休 workdays: both list the weekend workdays of 2004-2026 and agree
  on every day of 2004-2026 except one: ``holidays`` marks Sat 2005-12-31 as a
  workday, ``chinese_calendar`` does not.  Irrelevant for current requests and
  noted for whoever next checks the 2006 notice.
* Years: ``chinese_calendar`` covers exactly the years with a published notice
  (2004-2026) and raises ``NotImplementedError`` for any other year, so "no
  official schedule yet" is detected rather than guessed.  ``holidays`` answers
  for every year: for 2027 it already returns "observed" substitute days
  (e.g. 2027-02-09/10, 05-03/04, 10-04/05) that are its own rule, not a
  State Council notice, and nothing tells them apart from official data.
* Maintenance: both are actively maintained and updated each year after the
  notice (``chinese_calendar`` is single-purpose; ``holidays`` is a large
  multi-country project with a lunar-calendar engine and Chinese names).
* Names: ``chinese_calendar`` gives English holiday names per day (mapped to
  Chinese below); ``holidays`` ships zh_CN names.

Decision: ``chinese_calendar`` is the official source (it knows what it does not
know); ``holidays`` (``observed=False``) is used only to place the lunar
statutory holidays in fallback years.  When a new package release adds a
year, that year stops being provisional on upgrade; until then an administrator
can enter it as overrides.

Time zone
---------
Dates are days in the jurisdiction's time zone.  ``to_local_date`` accepts a
``date`` (taken as already local) or an *aware* ``datetime`` (converted: 01:00
Saturday Beijing time = 17:00 Friday UTC is a Saturday receipt).  Naive
datetimes are rejected with ``NaiveDatetimeError``; CKAN stores naive UTC, so
the glue should call ``utc(dt)`` first.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional, Union
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Asia/Shanghai"

# day kinds (DayInfo.kind)
WORKDAY = "workday"                    # ordinary Monday-Friday
WEEKEND = "weekend"                    # 周末
HOLIDAY = "holiday"                    # 法定节假日 / local holiday / rest day of a holiday period
ADJUSTED_WORKDAY = "adjusted_workday"  # 调休上班: a Saturday/Sunday that is a working day

# where the answer came from (DayInfo.source)
SOURCE_OVERRIDE = "override"
SOURCE_PACKAGE = "package"
SOURCE_FALLBACK = "fallback"

_KIND_ZH = {WORKDAY: "工作日", WEEKEND: "周末", HOLIDAY: "法定节假日", ADJUSTED_WORKDAY: "调休上班"}
_KIND_EN = {WORKDAY: "working day", WEEKEND: "weekend", HOLIDAY: "public holiday",
            ADJUSTED_WORKDAY: "adjusted working day"}

# chinese_calendar gives English names; the UI speaks Chinese.
_HOLIDAY_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

DateLike = Union[_dt.date, _dt.datetime]


class NaiveDatetimeError(ValueError):
    """A naive datetime was given where a point in time is needed."""


class CalendarDataError(ValueError):
    """An override file or entry is malformed."""


# --------------------------------------------------------------------------- time zone

def utc(value: _dt.datetime) -> _dt.datetime:
    """Mark a naive datetime as UTC (CKAN stores naive UTC); aware values pass through."""
    if value.tzinfo is None:
        return value.replace(tzinfo=_dt.timezone.utc)
    return value


def to_local_date(value: DateLike, tz: str = DEFAULT_TZ) -> _dt.date:
    """The calendar day of ``value`` in ``tz``.

    A ``date`` is returned unchanged (it is already a local day).  An aware
    ``datetime`` is converted to ``tz`` first.  A naive ``datetime`` raises
    ``NaiveDatetimeError``.
    """
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            raise NaiveDatetimeError(
                "naive datetime %r: attach a time zone (use workdays.utc() for CKAN's naive UTC)" % (value,))
        return value.astimezone(ZoneInfo(tz)).date()
    if isinstance(value, _dt.date):
        return value
    raise TypeError("expected date or aware datetime, got %r" % (value,))


# --------------------------------------------------------------------------- data

@dataclass(frozen=True)
class DayOverride:
    """One administrator-maintained day: a State Council notice day for a year the
    package lacks, a correction, or a local holiday.

    ``workday`` True = working day (e.g. 调休上班), False = rest day (holiday).
    ``jurisdiction`` None = national; otherwise only calendars loaded for that
    jurisdiction see it.
    """
    day: _dt.date
    workday: bool
    name: str = ""
    source: str = ""
    jurisdiction: Optional[str] = None

    def __post_init__(self):
        if not isinstance(self.day, _dt.date) or isinstance(self.day, _dt.datetime):
            raise CalendarDataError("override day must be a date, got %r" % (self.day,))
        if not isinstance(self.workday, bool):
            raise CalendarDataError("override workday must be true/false, got %r" % (self.workday,))


@dataclass(frozen=True)
class DayInfo:
    day: _dt.date
    workday: bool
    kind: str      # WORKDAY | WEEKEND | HOLIDAY | ADJUSTED_WORKDAY
    name: str      # holiday name (Chinese) or ''
    source: str    # SOURCE_OVERRIDE | SOURCE_PACKAGE | SOURCE_FALLBACK
    reference: str = ""  # e.g. the notice an override cites

    @property
    def provisional(self) -> bool:
        return self.source == SOURCE_FALLBACK

    def describe(self, lang: str = "zh") -> str:
        label = (_KIND_ZH if lang == "zh" else _KIND_EN)[self.kind]
        text = "%s %s" % (self.day.isoformat(), label)
        if self.name:
            text += ("：%s" if lang == "zh" else ": %s") % self.name
        if self.provisional:
            text += "（暂按法定规则推算）" if lang == "zh" else " (provisional: rule-based)"
        return text


# --------------------------------------------------------------------------- package data

@lru_cache(maxsize=1)
def _package_data():
    """(covered_years, {date: (is_workday, name_zh)}) from chinese_calendar."""
    try:
        import chinese_calendar as cc
    except ImportError:  # pragma: no cover - dependency missing: everything falls back
        return frozenset(), {}
    days = {}
    for d, name in cc.holidays.items():
        days[d] = (False, _HOLIDAY_ZH.get(str(name), str(name)))
    for d, name in cc.workdays.items():
        if d.weekday() >= 5:  # 调休上班 (weekday entries are ordinary workdays)
            label = _HOLIDAY_ZH.get(str(name), str(name))
            days[d] = (True, ("%s调休上班" % label) if label else "调休上班")
    years = frozenset(d.year for d in days)
    return years, days


@lru_cache(maxsize=64)
def _statutory_rules(year: int):
    """Fallback statutory holidays for ``year``: {date: name_zh}. See module doc."""
    out = {_dt.date(year, 1, 1): "元旦", _dt.date(year, 5, 1): "劳动节", _dt.date(year, 5, 2): "劳动节",
           _dt.date(year, 10, 1): "国庆节", _dt.date(year, 10, 2): "国庆节", _dt.date(year, 10, 3): "国庆节"}
    try:
        import holidays
        lunar = holidays.China(years=year, language="zh_CN", observed=False)
    except Exception:  # pragma: no cover - without it only fixed-date holidays are known
        return out
    for d, name in lunar.items():
        if "调休" in name or "补" in name:
            continue
        if "除夕" in name:
            name = "春节"
        out.setdefault(d, name.split(";")[0].strip())
    return out


# --------------------------------------------------------------------------- calendar

class Calendar:
    """Which days are working days, from package data + administrator overrides.

    Build with ``Calendar.load(overrides=[...], official_years=[...],
    jurisdiction=None)``.  Immutable after construction; cheap to build per
    request.
    """

    def __init__(self, overrides: Iterable[DayOverride] = (), official_years: Iterable[int] = (),
                 jurisdiction: Optional[str] = None, use_package: bool = True):
        self.jurisdiction = jurisdiction
        self._overrides = {}
        for o in overrides:
            if o.jurisdiction not in (None, jurisdiction):
                continue
            prev = self._overrides.get(o.day)
            # a local entry beats a national one for the same day
            if prev is None or (prev.jurisdiction is None and o.jurisdiction is not None):
                self._overrides[o.day] = o
        pkg_years, pkg_days = _package_data() if use_package else (frozenset(), {})
        self._pkg_days = pkg_days
        self.package_years = frozenset(pkg_years)
        self.official_years = frozenset(pkg_years) | frozenset(int(y) for y in official_years)

    @classmethod
    def load(cls, overrides: Iterable[DayOverride] = (), official_years: Iterable[int] = (),
             jurisdiction: Optional[str] = None, config_dir: Union[str, Path, None] = None,
             use_package: bool = True) -> "Calendar":
        """Calendar from the package, ``config_dir/*.yaml`` (if given) and ``overrides``.

        Entries passed in ``overrides`` (e.g. from the database) win over file
        entries for the same day.
        """
        file_overrides, file_years = ([], set())
        if config_dir is not None:
            file_overrides, file_years = load_override_files(config_dir)
        merged = {}
        for o in list(file_overrides) + list(overrides):
            merged[(o.day, o.jurisdiction)] = o
        return cls(merged.values(), set(file_years) | set(official_years), jurisdiction, use_package)

    def has_official_schedule(self, year: int) -> bool:
        return year in self.official_years

    def info(self, day: _dt.date) -> DayInfo:
        o = self._overrides.get(day)
        weekend = day.weekday() >= 5
        if o is not None:
            if o.workday:
                kind = ADJUSTED_WORKDAY if weekend else WORKDAY
            else:
                kind = HOLIDAY
            return DayInfo(day, o.workday, kind, o.name, SOURCE_OVERRIDE, o.source)
        if day.year in self.package_years:
            hit = self._pkg_days.get(day)
            if hit is not None:
                is_work, name = hit
                return DayInfo(day, is_work, ADJUSTED_WORKDAY if is_work else HOLIDAY, name, SOURCE_PACKAGE)
            return DayInfo(day, not weekend, WEEKEND if weekend else WORKDAY, "", SOURCE_PACKAGE)
        if day.year in self.official_years:
            # entered by an administrator: days not listed follow the weekly rhythm
            return DayInfo(day, not weekend, WEEKEND if weekend else WORKDAY, "", SOURCE_OVERRIDE)
        name = _statutory_rules(day.year).get(day)
        if name:
            return DayInfo(day, False, HOLIDAY, name, SOURCE_FALLBACK)
        return DayInfo(day, not weekend, WEEKEND if weekend else WORKDAY, "", SOURCE_FALLBACK)

    def is_workday(self, day: _dt.date) -> bool:
        return self.info(day).workday


# --------------------------------------------------------------------------- override files

def _parse_override(entry, defaults: dict, where: str) -> DayOverride:
    if not isinstance(entry, dict):
        raise CalendarDataError("%s: each entry must be a mapping, got %r" % (where, entry))
    unknown = set(entry) - {"date", "type", "name", "source", "jurisdiction"}
    if unknown:
        raise CalendarDataError("%s: unknown keys %s" % (where, sorted(unknown)))
    day = entry.get("date")
    if isinstance(day, str):
        try:
            day = _dt.date.fromisoformat(day)
        except ValueError:
            raise CalendarDataError("%s: bad date %r (use YYYY-MM-DD)" % (where, day))
    if not isinstance(day, _dt.date):
        raise CalendarDataError("%s: missing or bad 'date'" % where)
    kind = entry.get("type")
    if kind not in ("workday", "holiday"):
        raise CalendarDataError("%s (%s): 'type' must be workday or holiday, got %r" % (where, day, kind))
    return DayOverride(day=day, workday=(kind == "workday"), name=str(entry.get("name") or ""),
                       source=str(entry.get("source") or defaults.get("source") or ""),
                       jurisdiction=entry.get("jurisdiction", defaults.get("jurisdiction")))


def parse_override_document(doc, where: str = "<calendar>"):
    """Parse one YAML document (already loaded) -> (overrides, official_years).

    Format::

        year: 2027                      # optional; entries must then lie in it
        official_schedule: true         # the whole State Council schedule is entered
        source: 国务院办公厅关于2027年部分节假日安排的通知   # default source for entries
        jurisdiction: hainan            # optional default (local holidays)
        days:
          - {date: 2027-01-01, type: holiday, name: 元旦}
          - {date: 2027-xx-xx, type: workday, name: 春节调休上班}
    """
    if doc is None:
        return [], set()
    if not isinstance(doc, dict):
        raise CalendarDataError("%s: top level must be a mapping" % where)
    unknown = set(doc) - {"year", "official_schedule", "source", "jurisdiction", "days"}
    if unknown:
        raise CalendarDataError("%s: unknown keys %s" % (where, sorted(unknown)))
    year = doc.get("year")
    days = doc.get("days") or []
    if not isinstance(days, list):
        raise CalendarDataError("%s: 'days' must be a list" % where)
    out = [_parse_override(e, doc, "%s days[%d]" % (where, i)) for i, e in enumerate(days)]
    if year is not None:
        for o in out:
            if o.day.year != year:
                raise CalendarDataError("%s: %s is outside year %s" % (where, o.day, year))
    years = set()
    if doc.get("official_schedule"):
        if year is None:
            raise CalendarDataError("%s: official_schedule needs 'year'" % where)
        if not out:
            raise CalendarDataError("%s: official_schedule: true but no days entered" % where)
        years.add(int(year))
    return out, years


def load_override_files(config_dir: Union[str, Path]):
    """All ``*.yaml`` in ``config_dir`` -> (overrides, official_years)."""
    import yaml
    overrides, years = [], set()
    for path in sorted(Path(config_dir).glob("*.yaml")):
        with open(path, encoding="utf-8") as fh:
            try:
                doc = yaml.safe_load(fh)
            except yaml.YAMLError as exc:
                raise CalendarDataError("%s: invalid YAML: %s" % (path, exc))
        o, y = parse_override_document(doc, str(path))
        overrides.extend(o)
        years |= y
    return overrides, years


# --------------------------------------------------------------------------- the clock

@dataclass(frozen=True)
class Step:
    """One day looked at while counting: counted (working day) or skipped (rest day)."""
    info: DayInfo
    counted: bool
    ordinal: Optional[int]  # 1..n for counted days

    @property
    def day(self) -> _dt.date:
        return self.info.day


@dataclass(frozen=True)
class Explanation:
    received: _dt.date
    n: int
    due: _dt.date
    steps: tuple  # of Step, every day in (received, due]

    @property
    def skipped(self):
        """Rest days passed over: weekends and holidays, with names."""
        return [s.info for s in self.steps if not s.counted]

    @property
    def adjusted_workdays(self):
        """Weekend days counted because they were 调休 working days."""
        return [s.info for s in self.steps if s.counted and s.info.kind == ADJUSTED_WORKDAY]

    @property
    def provisional_days(self):
        return [s.info for s in self.steps if s.info.provisional]

    def lines(self, lang: str = "zh"):
        """Human-readable lines for a request page."""
        if lang == "zh":
            head = "%s 收到，自次日起计算 %d 个工作日，截止 %s。" % (self.received, self.n, self.due)
        else:
            head = "Received %s; %d working days counted from the next day; due %s." % (
                self.received, self.n, self.due)
        out = [head]
        for s in self.steps:
            if not s.counted:
                out.append(("跳过 " if lang == "zh" else "skipped ") + s.info.describe(lang))
            elif s.info.kind == ADJUSTED_WORKDAY:
                out.append(("计入（第%d个工作日）" % s.ordinal if lang == "zh" else "counted (#%d) " % s.ordinal)
                           + s.info.describe(lang))
            elif s.info.provisional and s.ordinal == self.n:
                out.append(s.info.describe(lang))
        return out


@dataclass(frozen=True)
class DueDate:
    date: _dt.date
    provisional: bool
    explanation: Explanation


def _count_forward(start: _dt.date, n: int, calendar: Calendar):
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise ValueError("n must be a non-negative int, got %r" % (n,))
    steps, count, day = [], 0, start
    while count < n:
        day = day + _dt.timedelta(days=1)
        info = calendar.info(day)
        if info.workday:
            count += 1
            steps.append(Step(info, True, count))
        else:
            steps.append(Step(info, False, None))
    return day, tuple(steps)


def due_date(received: DateLike, n: int, calendar: Calendar, tz: str = DEFAULT_TZ) -> DueDate:
    """The n-th working day strictly after the local day of ``received``.

    ``provisional`` is True when any day counted or skipped came from the
    fallback rules (no official schedule for that year yet).
    """
    start = to_local_date(received, tz)
    day, steps = _count_forward(start, n, calendar)
    expl = Explanation(start, n, day, steps)
    return DueDate(day, any(s.info.provisional for s in steps), expl)


def explain(received: DateLike, n: int, calendar: Calendar, tz: str = DEFAULT_TZ) -> Explanation:
    """How ``due_date(received, n, calendar)`` was worked out (days counted and skipped)."""
    return due_date(received, n, calendar, tz).explanation


def extend_due_date(original_due: _dt.date, days: int, calendar: Calendar,
                    original_provisional: bool = False) -> DueDate:
    """Due date after an extension: ``days`` more working days after the original due date."""
    d = due_date(original_due, days, calendar)
    return DueDate(d.date, d.provisional or original_provisional, d.explanation)


def working_days_between(start: DateLike, end: DateLike, calendar: Calendar, tz: str = DEFAULT_TZ) -> int:
    """Working days in (start, end]; negative if end is before start.

    Consistent with ``due_date``: ``working_days_between(r, due_date(r, n).date) == n``.
    Use it for reply-time statistics (received -> answered).
    """
    a, b = to_local_date(start, tz), to_local_date(end, tz)
    sign = 1
    if b < a:
        a, b, sign = b, a, -1
    count, day = 0, a
    while day < b:
        day += _dt.timedelta(days=1)
        if calendar.is_workday(day):
            count += 1
    return sign * count


def is_overdue(due: _dt.date, today: DateLike, tz: str = DEFAULT_TZ) -> bool:
    """Overdue = strictly after the due date; the due date itself is still in time."""
    return to_local_date(today, tz) > due


def days_before_due(due: _dt.date, n: int, calendar: Calendar) -> _dt.date:
    """The working day that is ``n`` working days before ``due`` (for reminders).

    ``working_days_between(days_before_due(due, n), due) == n``.  With n=3 and a
    Thursday due date in an ordinary week this is the Monday.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    count, day = 0, due
    while count < n:
        day -= _dt.timedelta(days=1)
        if calendar.is_workday(day):
            count += 1
    return day


def remaining_working_days(today: DateLike, due: _dt.date, calendar: Calendar, tz: str = DEFAULT_TZ) -> int:
    """Working days left from ``today`` to ``due`` (0 on the due date, negative when overdue)."""
    return working_days_between(today, due, calendar, tz)
