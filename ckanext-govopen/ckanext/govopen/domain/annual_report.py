"""Deadlines and reminders of the annual report (年度报告, issue 18). Plain Python, no CKAN.

Chongqing art. 35-37: the departments report their open-data work by the end of January,
the competent authority publishes the jurisdiction's report by the end of February. The
days come from the jurisdiction's configuration (``annual_report`` in
config/jurisdictions/*.yaml → ``jurisdictions.AnnualReportRules``); both fall in the year
after the reported one. A department's part is done when its report is published (frozen);
the compilation when the authority's is.

Reminders (``reminders``), for the report of last year on local day ``today``:

* ``report_draft_reminder`` to each department whose report is not published, from
  ``reminder_days_before`` calendar days before its deadline to the deadline itself;
  ``report_draft_overdue`` after the deadline (until the compilation is published).
* nothing once the compilation is published, nor later than ``SEASON_AFTER_DAYS`` after
  its deadline.
* to the authority: ``report_departments_pending`` (which departments are not done) in the
  same window of the departments' deadline, and ``report_compilation_reminder`` /
  ``report_compilation_overdue`` for its own compilation.

The caller sends each (kind, year, department, user) once (the notifications' dedup key)."""
from __future__ import annotations

import calendar as _calendar
import datetime as _dt
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

PUBLISHED = "published"

#: the reminders stop this many days after the compilation's deadline (a portal started in
#: December is not told about a report season long gone)
SEASON_AFTER_DAYS = 31

KINDS = ("report_draft_reminder", "report_draft_overdue", "report_departments_pending",
         "report_compilation_reminder", "report_compilation_overdue")


def due_day(month_day: Tuple[int, int], report_year: int) -> _dt.date:
    """The deadline (month, day) in the year after ``report_year``; a day past the end of
    the month is its last day (02-29 → 28 February in a common year)."""
    year = report_year + 1
    month, day = month_day
    return _dt.date(year, month, min(day, _calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Deadlines:
    year: int                       # the reported year
    department_draft: _dt.date
    compilation: _dt.date

    def as_dict(self) -> dict:
        return {"year": self.year, "department_draft": self.department_draft.isoformat(),
                "compilation": self.compilation.isoformat()}


def deadlines(rules, report_year: int) -> Deadlines:
    """``rules``: a ``jurisdictions.AnnualReportRules``."""
    return Deadlines(report_year, due_day(rules.department_draft_due, report_year),
                     due_day(rules.compilation_due, report_year))


def status(due: _dt.date, done: bool, today: _dt.date, days_before: int) -> str:
    """done | open | due_soon (within the reminder window) | overdue."""
    if done:
        return "done"
    if today > due:
        return "overdue"
    if (due - today).days <= days_before:
        return "due_soon"
    return "open"


@dataclass(frozen=True)
class Reminder:
    kind: str                       # one of KINDS
    year: int
    due: _dt.date
    organization: Optional[str]     # the department (its id) the reminder is about; None: the compilation
    pending: Tuple[str, ...] = ()   # report_departments_pending: the departments not done


def reminders(rules, today: _dt.date, department_states: Mapping[str, Optional[str]],
              compilation_state: Optional[str]) -> List[Reminder]:
    """What to remind on local day ``today`` about last year's report.
    ``department_states``: every department (id) → the state of its report of that year
    (None: not generated); ``compilation_state`` likewise for the authority's."""
    year = today.year - 1
    d = deadlines(rules, year)
    n = rules.reminder_days_before
    out: List[Reminder] = []
    if compilation_state == PUBLISHED or today > d.compilation + _dt.timedelta(days=SEASON_AFTER_DAYS):
        return out
    pending = tuple(sorted(org for org, state in department_states.items() if state != PUBLISHED))
    dep = status(d.department_draft, False, today, n)
    if today.year == d.department_draft.year and dep in ("due_soon", "overdue"):
        kind = "report_draft_reminder" if dep == "due_soon" else "report_draft_overdue"
        out.extend(Reminder(kind, year, d.department_draft, org) for org in pending)
        if pending and dep == "due_soon":
            out.append(Reminder("report_departments_pending", year, d.department_draft, None, pending))
    comp = status(d.compilation, False, today, n)
    if today.year == d.compilation.year and comp in ("due_soon", "overdue"):
        out.append(Reminder("report_compilation_reminder" if comp == "due_soon" else
                            "report_compilation_overdue", year, d.compilation, None, pending))
    return out


MESSAGES: Dict[str, Tuple[str, str]] = {
    "report_draft_reminder": ("%(org)s %(year)d 年度开放数据工作报告须于 %(due)s 前完成并发布，请及时填写情况说明。",
                              "The %(year)d annual report of %(org)s is due on %(due)s: please complete and publish it."),
    "report_draft_overdue": ("%(org)s %(year)d 年度开放数据工作报告已超过截止日期（%(due)s），尚未发布。",
                             "The %(year)d annual report of %(org)s is overdue (due %(due)s) and not published."),
    "report_departments_pending": ("%(year)d 年度部门报告截止日期为 %(due)s，尚未发布的部门：%(pending)s。",
                                   "Department reports for %(year)d are due on %(due)s; not yet published: %(pending)s."),
    "report_compilation_reminder": ("全辖区 %(year)d 年度开放数据工作报告须于 %(due)s 前汇编发布。%(pending_line)s",
                                    "The jurisdiction's %(year)d annual report is due on %(due)s.%(pending_line_en)s"),
    "report_compilation_overdue": ("全辖区 %(year)d 年度开放数据工作报告已超过汇编截止日期（%(due)s），尚未发布。%(pending_line)s",
                                   "The jurisdiction's %(year)d annual report is overdue (due %(due)s).%(pending_line_en)s"),
}


def message(r: Reminder, org_title: str = "", pending_titles: Sequence[str] = ()) -> str:
    """Chinese first, English after (as the request notifications)."""
    names = "、".join(pending_titles)
    values = {"org": org_title, "year": r.year, "due": r.due.isoformat(), "pending": names,
              "pending_line": ("尚未发布报告的部门：%s。" % names) if names else "",
              "pending_line_en": (" Departments not yet published: %s." % ", ".join(pending_titles))
              if pending_titles else ""}
    zh, en = MESSAGES[r.kind]
    return (zh % values) + "\n" + (en % values)
