"""Actions of the tamper-evident audit trail (issue 18), for the competent
authority only (``logic/auth/audit.py``):

  govopen_audit_list         {event?, subject?, limit?}  newest first
  govopen_audit_anchor_list  {}                          the stored anchors, newest first
  govopen_audit_verify       {}                          {ok, rows, head_id, head_hash, broken}

and of the department scorecards (the authority: every department; a department's
admin: its own and the jurisdiction's totals; ``open_types.may_see_scorecard``):

  govopen_scorecard          {organization?, period_start?, period_end?}
                             → {period, scope, departments: [card], total: card}

The action only gathers rows (catalog entries, requests, demands, downloads per
day, API calls per day); every figure is ``domain/scorecard.py``'s.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ... import audit
from .. import requests_glue as glue

MAX_LIMIT = 1000


def _t(zh: str, en: str) -> str:
    return en if glue.is_en() else zh


def _limit(value) -> int:
    if value in (None, ""):
        return 100
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        n = 0
    if not 1 <= n <= MAX_LIMIT:
        raise tk.ValidationError({"limit": [_t("条数应为 1 到 %d 之间的整数" % MAX_LIMIT,
                                               "Use a whole number from 1 to %d" % MAX_LIMIT)]})
    return n


@tk.side_effect_free
def govopen_audit_list(context, data_dict):
    """Audit rows, newest first. ``event``: an event name (``grant.created``) or a
    prefix ending in '.' (``request.``); ``subject``: the id the events are about."""
    tk.check_access("govopen_audit_list", context, data_dict)
    from ...model import AuditRow
    limit = _limit(data_dict.get("limit"))
    q = model.Session.query(AuditRow)
    event = (data_dict.get("event") or "").strip()
    if event:
        q = q.filter(AuditRow.event.startswith(event, autoescape=True) if event.endswith(".")
                     else AuditRow.event == event)
    subject = (data_dict.get("subject") or "").strip()
    if subject:
        q = q.filter(AuditRow.subject == subject)
    rows = q.order_by(AuditRow.id.desc()).limit(limit).all()
    names = audit._user_names(r.actor for r in rows)
    return [dict(r.as_dict(), actor_name=names.get(r.actor)) for r in rows]


@tk.side_effect_free
def govopen_audit_anchor_list(context, data_dict):
    tk.check_access("govopen_audit_anchor_list", context, data_dict)
    return audit.anchors()


@tk.side_effect_free
def govopen_audit_verify(context, data_dict):
    tk.check_access("govopen_audit_verify", context, data_dict)
    return audit.result_dict(audit.verify(), en=glue.is_en())


# ------------------------------------------------------------------ scorecards
def _utc_bound(day: dt.date, tz: str) -> dt.datetime:
    """The start of local ``day`` as a naive UTC datetime (how CKAN stores times)."""
    from zoneinfo import ZoneInfo
    local = dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(tz))
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _local_day(ts, tz: str):
    from ...domain import workdays
    if ts is None:
        return None
    return workdays.to_local_date(ts.replace(tzinfo=dt.timezone.utc) if ts.tzinfo is None else ts, tz)


def _aware(ts):
    return ts.replace(tzinfo=dt.timezone.utc) if ts is not None and ts.tzinfo is None else ts


def _entries(until: dt.datetime, tz: str):
    from ...domain import scorecard as sc
    pkgs = (model.Session.query(model.Package.id, model.Package.owner_org, model.Package.private,
                                model.Package.metadata_created)
            .filter(model.Package.state == "active").filter(model.Package.type == "dataset")
            .filter(model.Package.metadata_created < until).all())
    ids = [p.id for p in pkgs]
    extras, resources = {}, {}
    keys = ("open_type", "legal_basis", "open_conditions", "update_cycle", "last_data_update")
    for chunk in range(0, len(ids), 1000):
        part = ids[chunk:chunk + 1000]
        for pid, key, value in (model.Session.query(model.PackageExtra.package_id, model.PackageExtra.key,
                                                    model.PackageExtra.value)
                                .filter(model.PackageExtra.package_id.in_(part))
                                .filter(model.PackageExtra.key.in_(keys))
                                .filter(model.PackageExtra.state == "active")):
            extras.setdefault(pid, {})[key] = value
        for r in (model.Session.query(model.Resource).filter(model.Resource.package_id.in_(part))
                  .filter(model.Resource.state == "active")):
            ex = r.extras or {}
            resources.setdefault(r.package_id, []).append(sc.Resource(
                r.format or "", tk.asbool(ex.get("datastore_active")),
                r.last_modified.isoformat() if r.last_modified else None,
                r.created.isoformat() if r.created else None))
    out = []
    for p in pkgs:
        e = extras.get(p.id, {})
        out.append(sc.Entry(p.id, p.owner_org, e.get("open_type"), _local_day(p.metadata_created, tz),
                            bool(p.private), e.get("legal_basis") or "", e.get("open_conditions") or "",
                            e.get("update_cycle") or None, e.get("last_data_update") or None,
                            tuple(resources.get(p.id, ()))))
    return out


def _requests(until: dt.datetime):
    from ...domain import scorecard as sc
    from ...model import Request
    out = []
    for r in model.Session.query(Request).filter(Request.received_at < until):
        org = r.department_id
        if r.kind == "reconsideration":  # counts for the department whose answer it reconsiders
            org = (r.fields or {}).get("original_department_id") or org
        out.append(sc.Req(r.id, r.kind, org, _aware(r.received_at), r.due_date, r.state,
                          _aware(r.decided_at)))
    return out


def _demands(until: dt.datetime):
    from ...domain import scorecard as sc
    from ...model import Demand, Request
    out = []
    rows = (model.Session.query(Demand, Request)
            .outerjoin(Request, Request.id == Demand.review_request_id)
            .filter(Demand.created < until))
    for d, review in rows:
        decided = review.decided_at if review is not None and review.state in sc.FINAL else None
        out.append(sc.Demand(d.id, d.department_id, _aware(d.created),
                             _aware(review.received_at) if review is not None else None, _aware(decided)))
    return out


def _usage(period, tz: str):
    """Downloads (``govopen_dataset_usage_day``) and API calls (Redis, ``quota.calls_per_day``)
    per department and day of the period."""
    from ... import quota
    from ...domain import scorecard as sc
    from ...model import DatasetUsageDay
    owner = dict(model.Session.query(model.Package.id, model.Package.owner_org))
    per = {}
    for row in (model.Session.query(DatasetUsageDay.package_id, DatasetUsageDay.day, DatasetUsageDay.downloads)
                .filter(DatasetUsageDay.day >= period.start).filter(DatasetUsageDay.day <= period.end)):
        key = (owner.get(row.package_id), row.day)
        per[key] = per.get(key, (0, 0))
        per[key] = (per[key][0] + int(row.downloads), per[key][1])
    days, day = [], period.start
    while day <= period.end:
        days.append(day.isoformat())
        day += dt.timedelta(days=1)
    for day_text, calls in quota.calls_per_day(days).items():
        d = dt.date.fromisoformat(day_text)
        for pid, n in calls.items():
            key = (owner.get(pid) if pid else None, d)
            got = per.get(key, (0, 0))
            per[key] = (got[0], got[1] + n)
    return [sc.Usage(org, d, dl, api) for (org, d), (dl, api) in per.items()]


def scorecard_for(context, data_dict) -> dict:
    """The scorecard as ``context``'s user may see it (after ``check_access``)."""
    from ...domain import open_types as ot
    from ...domain import scorecard as sc
    from .. import access
    tz = glue.tz()
    try:
        period = sc.parse_period(data_dict.get("period_start"), data_dict.get("period_end"), glue.today_local())
    except sc.PeriodError as e:
        raise tk.ValidationError({e.field: [e.message("en" if glue.is_en() else "zh")]})
    org = _organization(data_dict)
    seen = ot.scorecard_departments(access.actor_from_context(context))
    q = (model.Session.query(model.Group).filter(model.Group.is_organization == True)  # noqa: E712
         .filter(model.Group.state == "active"))
    groups = [g for g in q.order_by(model.Group.title, model.Group.name)
              if (seen is None or g.id in seen) and (org is None or g.id == org.id)]
    until = _utc_bound(period.end + dt.timedelta(days=1), tz)
    rows = sc.Rows(_entries(until, tz), _requests(until), _demands(until), _usage(period, tz))
    out = sc.compute(rows, period, [(g.id, g.name, g.title or g.name) for g in groups], glue.calendar(), tz)
    out["scope"] = "all" if seen is None else "department"
    out["total"]["organization_title"] = _t("全辖区合计", "Jurisdiction total")
    return out


def _organization(data_dict):
    ref = (data_dict.get("organization") or "").strip() if isinstance(data_dict.get("organization"), str) \
        else data_dict.get("organization")
    if not ref:
        return None
    g = model.Group.get(ref)
    if g is None or not g.is_organization or g.state != "active":
        raise tk.ObjectNotFound(_t("部门不存在", "Department not found"))
    return g


@tk.side_effect_free
def govopen_scorecard(context, data_dict):
    """Per department and in total: catalog, legal basis, update duty, machine-readable
    share, data API coverage, reply timeliness per request kind, demands,
    reconsiderations, downloads and API calls, with monthly trends
    (``domain/scorecard.py`` says how each figure is computed)."""
    org = _organization(data_dict)
    tk.check_access("govopen_scorecard", context, {"organization": org.id if org else None})
    return scorecard_for(context, data_dict)


# ------------------------------------------------------------------ annual reports
def _year(data_dict) -> int:
    try:
        year = int(str(data_dict.get("year") or "").strip())
    except ValueError:
        year = 0
    if not 2000 <= year <= glue.today_local().year:
        raise tk.ValidationError({"year": [_t("年度应为 2000 年至今年之间的年份",
                                              "Give a year from 2000 to this year")]})
    return year


def _report_row(year: int, org):
    from ...model import AnnualReport
    return (model.Session.query(AnnualReport).filter(AnnualReport.year == year)
            .filter(AnnualReport.organization_id == (org.id if org else "")).first())


def report_deadlines(year: int) -> dict:
    """The deadlines of ``year``'s report from the jurisdiction's configuration."""
    from ...domain import annual_report as ar
    return ar.deadlines(glue.jurisdiction().annual_report, year).as_dict()


def report_sections(year: int) -> list:
    """The compilation's department sections: every department with the state of its
    report of ``year`` and, once that report is published, its frozen narrative and
    SHA-256 (a draft's text is not the public's)."""
    from ...model import AnnualReport
    rows = {r.organization_id: r for r in model.Session.query(AnnualReport)
            .filter(AnnualReport.year == year).filter(AnnualReport.organization_id != "")}
    out = []
    for g in (model.Session.query(model.Group).filter(model.Group.is_organization == True)  # noqa: E712
              .filter(model.Group.state == "active").order_by(model.Group.title, model.Group.name)):
        r = rows.get(g.id)
        published = r is not None and r.state == "published"
        out.append({"organization": g.name, "organization_title": g.title or g.name,
                    "state": r.state if r is not None else None,
                    "narrative": r.narrative if published else None,
                    "sha256": r.sha256 if published else None})
    return out


def report_intact(row, org) -> Optional[bool]:
    """Whether a published report is as frozen: its content hashes to its ``sha256`` and
    the audit chain's ``annual_report.published`` row for it carries that same hash
    (None for a draft). A direct edit of the row in the database shows as False."""
    from ...domain import scorecard as sc
    from ...model import AuditRow
    if row.state != "published":
        return None
    digest = sc.report_digest(row.year, org.name if org else None, row.figures, row.narrative,
                              row.published_at.isoformat() if row.published_at else "", row.sections)
    logged = (model.Session.query(AuditRow.data).filter(AuditRow.event == "annual_report.published")
              .filter(AuditRow.subject == row.id).order_by(AuditRow.id.desc()).first())
    return digest == row.sha256 and logged is not None and (logged[0] or {}).get("sha256") == row.sha256


def _report_dict(row, org) -> dict:
    sections = None
    if org is None:   # the compilation: its departments' sections (frozen once published)
        sections = row.sections if row.state == "published" and row.sections is not None else report_sections(row.year)
    return {"id": row.id, "year": row.year, "organization": org.name if org else None,
            "organization_title": (org.title or org.name) if org else _t("全辖区", "Jurisdiction"),
            "state": row.state, "figures": row.figures, "narrative": row.narrative,
            "sections": sections, "deadlines": report_deadlines(row.year),
            "generated_at": row.generated_at.isoformat() if row.generated_at else None,
            "published_at": row.published_at.isoformat() if row.published_at else None,
            "sha256": row.sha256, "intact": report_intact(row, org)}


def _user_id(context):
    u = model.User.get(context.get("user") or "")
    return u.id if u else None


def _refuse_published(row):
    if row is not None and row.state == "published":
        raise tk.ValidationError({"year": [_t("该年度报告已发布，内容已固定，不能再修改",
                                              "This annual report is published and frozen; it cannot change")]})


def _report_figures(context, year: int, org) -> dict:
    """The scorecard for the calendar year, as the caller sees it (the report's figures:
    never typed in)."""
    return scorecard_for(context, {"organization": org.name if org else None,
                                   "period_start": "%d-01-01" % year, "period_end": "%d-12-31" % year})


def govopen_annual_report_generate(context, data_dict):
    """Generate (or refresh) the draft annual report of ``year``: a department's own
    (``organization``) or the authority's compilation (none). Figures come from
    ``govopen_scorecard`` for that year; an existing narrative is kept."""
    from ...model import AnnualReport
    year, org = _year(data_dict), _organization(data_dict)
    tk.check_access("govopen_annual_report_generate", context, {"organization": org.id if org else None})
    row = _report_row(year, org)
    _refuse_published(row)
    figures = _report_figures(context, year, org)
    if row is None:
        row = AnnualReport(year=year, organization_id=org.id if org else "", state="draft", narrative="")
        model.Session.add(row)
    row.figures = figures
    row.generated_at = dt.datetime.utcnow()
    row.generated_by = _user_id(context)
    model.Session.flush()
    audit.record(model.Session, row.generated_by, "annual_report.generated", row.id,
                 {"year": year, "organization": org.name if org else None})
    model.Session.commit()
    return _report_dict(row, org)


def _draft_to_change(action, context, data_dict):
    """(year, org, row) of the draft ``action`` changes, after its access check."""
    year, org = _year(data_dict), _organization(data_dict)
    tk.check_access(action, context, {"organization": org.id if org else None})
    row = _report_row(year, org)
    if row is None:
        raise tk.ObjectNotFound(_t("该年度报告尚未生成", "This annual report has not been generated yet"))
    _refuse_published(row)
    return year, org, row


def govopen_annual_report_update(context, data_dict):
    """The department's narrative of its draft report (``narrative``)."""
    _year_, org, row = _draft_to_change("govopen_annual_report_update", context, data_dict)
    row.narrative = (data_dict.get("narrative") or "").strip()
    model.Session.commit()
    return _report_dict(row, org)


@tk.side_effect_free
def govopen_annual_report_show(context, data_dict):
    """→ {state: draft|published, figures, narrative, published_at, sha256, …}. A
    published report is public; a draft is its department's admins' and the authority's."""
    year, org = _year(data_dict), _organization(data_dict)
    row = _report_row(year, org)
    tk.check_access("govopen_annual_report_show", context, {
        "organization": org.id if org else None, "published": row is not None and row.state == "published"})
    if row is None:
        raise tk.ObjectNotFound(_t("该年度报告尚未生成", "This annual report has not been generated yet"))
    return _report_dict(row, org)


def govopen_annual_report_publish(context, data_dict):
    """Publish the draft: frozen from now on; its SHA-256 goes into the audit chain."""
    from ...domain import scorecard as sc
    year, org, row = _draft_to_change("govopen_annual_report_publish", context, data_dict)
    row.state = "published"
    row.published_at = dt.datetime.utcnow().replace(microsecond=0)
    row.published_by = _user_id(context)
    row.sections = report_sections(year) if org is None else None
    row.sha256 = sc.report_digest(year, org.name if org else None, row.figures, row.narrative,
                                  row.published_at.isoformat(), row.sections)
    model.Session.flush()
    audit.record(model.Session, row.published_by, "annual_report.published", row.id,
                 {"year": year, "organization": org.name if org else None, "sha256": row.sha256,
                  "published_at": row.published_at.isoformat()})
    model.Session.commit()
    return _report_dict(row, org)


# ------------------------------------------------------------------ public statistics
@tk.side_effect_free
def govopen_public_stats(context, data_dict):
    """Public (anonymous too): downloads and API calls, the most used datasets, reply
    times to applications by department, the share of the catalog that is open —
    over public catalog entries only (``domain/scorecard.public_stats``)."""
    from ...domain import scorecard as sc
    from ...model import DatasetUsageDay
    from ... import quota
    tk.check_access("govopen_public_stats", context, data_dict)
    tz = glue.tz()
    try:
        period = sc.parse_period(data_dict.get("period_start"), data_dict.get("period_end"), glue.today_local())
    except sc.PeriodError as e:
        raise tk.ValidationError({e.field: [e.message("en" if glue.is_en() else "zh")]})
    until = _utc_bound(period.end + dt.timedelta(days=1), tz)
    entries = [e for e in _entries(until, tz) if not e.private]
    public = {e.id for e in entries}
    usage = _usage(period, tz)
    per_package = {}
    for row in (model.Session.query(DatasetUsageDay.package_id, DatasetUsageDay.downloads)
                .filter(DatasetUsageDay.day >= period.start).filter(DatasetUsageDay.day <= period.end)):
        if row.package_id in public:
            dl, api = per_package.get(row.package_id, (0, 0))
            per_package[row.package_id] = (dl + int(row.downloads), api)
    days = [(period.start + dt.timedelta(days=i)).isoformat() for i in range((period.end - period.start).days + 1)]
    for calls in quota.calls_per_day(days).values():
        for pid, n in calls.items():
            if pid in public:
                dl, api = per_package.get(pid, (0, 0))
                per_package[pid] = (dl, api + n)
    groups = (model.Session.query(model.Group).filter(model.Group.is_organization == True)  # noqa: E712
              .filter(model.Group.state == "active").order_by(model.Group.title, model.Group.name).all())
    rows = sc.Rows(entries, _requests(until), (), usage)
    out = sc.public_stats(rows, per_package, period, [(g.id, g.name, g.title or g.name) for g in groups],
                          glue.calendar(), tz)
    for item in out["most_used"]:
        pkg = model.Package.get(item["package_id"])
        org = model.Group.get(pkg.owner_org) if pkg and pkg.owner_org else None
        item.update(name=pkg.name if pkg else None, title=(pkg.title or pkg.name) if pkg else None,
                    organization_title=(org.title or org.name) if org else None)
    return out


def get_actions():
    return {f.__name__: f for f in (govopen_audit_list, govopen_audit_anchor_list, govopen_audit_verify,
                                    govopen_scorecard, govopen_annual_report_generate,
                                    govopen_annual_report_update, govopen_annual_report_show,
                                    govopen_annual_report_publish, govopen_public_stats)}
