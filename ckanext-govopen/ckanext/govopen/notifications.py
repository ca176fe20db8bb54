"""Request notifications: a dashboard row per recipient, then an e-mail through
CKAN's mailer. The transition is committed before any mail is sent; a failed
send is logged and kept on the row (``email_error``), never rolled back.

Recipients: the requester and the reviewers (the answering department's admins
and editors; the competent authority for kinds without a department).
Events: submitted, decided (any final state), extended, reminder (N working days
before the due date, N = jurisdiction.reminder_days_before_due), overdue; and the
annual report's deadlines (``report_reminders``, kinds ``domain/annual_report.KINDS``).
``notify_due(today)`` is idempotent: each reminder/overdue row has a
``dedup_key`` (kind:request:due date:user) and is created once.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Iterable, List, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from .domain import requests as rq
from .logic import requests_glue as glue

log = logging.getLogger(__name__)

STATE_ZH = {"submitted": "已提交", "under_review": "审核中", "extension_proposed": "延期待批准",
            "extended": "已延期", "approved": "已同意",
            "rejected": "不予同意", "withdrawn": "已撤回", "pending": "待审查", "opened": "已开放",
            "kept_closed": "维持不开放", "upheld": "维持原决定", "directed_open": "责令开放",
            "corrected": "已更正", "confirmed": "确认无误",
            "suspended": "授权已暂停", "revoked": "授权已撤销"}


def _title(row) -> str:
    pkg = model.Package.get(row.subject) if row.subject else None
    decl = rq.get_kind(row.kind)
    what = (pkg.title or pkg.name) if pkg else (row.subject or "")
    return "%s「%s」" % (decl.title_zh, what)


def compose(kind: str, row, extra: str = "") -> str:
    """Chinese first, English after (the portal's default language is Chinese)."""
    t = _title(row)
    due = row.due_date.isoformat() if row.due_date else ""
    if kind == "submitted":
        zh = "%s已提交，办理期限至 %s。" % (t, due)
        en = "Request submitted; due %s." % due
    elif kind == "extended":
        zh = "%s已延期，新的办理期限为 %s。" % (t, due)
        en = "Request extended; new due date %s." % due
    elif kind == "decided":
        zh = "%s已办结：%s。" % (t, STATE_ZH.get(row.state, row.state))
        en = "Request decided: %s." % row.state
    elif kind == "reminder":
        zh = "%s将于 %s 到期，请及时办理。" % (t, due)
        en = "Request due on %s: please answer in time." % due
    elif kind == "overdue":
        zh = "%s已超过办理期限（%s）。" % (t, due)
        en = "Request overdue (due %s)." % due
    else:
        zh, en = t, kind
    text = zh + "\n" + en
    if extra:
        text += "\n" + extra
    return text


def recipients(row, kind: str) -> List[str]:
    users = []
    if kind in ("submitted", "extended", "decided"):
        users.append(row.requester_id)
    if kind in ("submitted", "extended", "decided", "reminder", "overdue"):
        users.extend(glue.reviewer_ids(row))
    seen, out = set(), []
    for u in users:
        if u and u not in seen:
            seen.add(u)
            out.append(u)
    return out


def _request_url(row) -> str:
    try:
        return tk.url_for("govopen_requests.read", id=row.id, _external=True)
    except Exception:
        return "%s/dashboard/requests/%s" % ((tk.config.get("ckan.site_url") or "").rstrip("/"), row.id)


def create(row, kind: str, extra: str = "", users: Optional[Iterable[str]] = None,
           dedup: bool = False) -> list:
    """Add notification rows (not committed). With ``dedup`` a row whose key exists is skipped."""
    from .model import Notification
    out = []
    for uid in (users if users is not None else recipients(row, kind)):
        key = "%s:%s:%s:%s" % (kind, row.id, row.due_date, uid) if dedup else None
        if key and model.Session.query(Notification).filter(Notification.dedup_key == key).first():
            continue
        n = Notification(user_id=uid, request_id=row.id, kind=kind, message=compose(kind, row, extra),
                         dedup_key=key)
        model.Session.add(n)
        out.append(n)
    return out


def send(notifications: list) -> int:
    """E-mail committed notification rows; record success or the error. → sent count."""
    from ckan.lib import mailer
    sent = 0
    for n in notifications:
        user = model.User.get(n.user_id)
        if user is None or not user.email:
            n.email_error = "no e-mail address"
            continue
        subject = "[%s] %s" % (tk.config.get("ckan.site_title") or "GovOpen", n.message.splitlines()[0][:80])
        req = _row(n.request_id) if n.request_id else None
        body = "%s\n\n%s\n" % (n.message, _request_url(req) if req is not None else "")
        try:
            mailer.mail_user(user, subject, body)
            n.emailed_at = dt.datetime.utcnow()
            n.email_error = None
            sent += 1
        except Exception as exc:  # MailerException, socket errors: keep the row, log
            log.warning("notification %s to %s not e-mailed: %s", n.id, user.name, exc)
            n.email_error = str(exc)[:500]
    try:
        model.Session.commit()
    except Exception:
        log.exception("notification e-mail status not saved")
        model.Session.rollback()
    return sent


def _row(request_id):
    from .model import Request
    return model.Session.query(Request).get(request_id)


def notify(row, kind: str, extra: str = "") -> list:
    """Create + commit the rows, then e-mail them (the caller has committed its transition)."""
    try:
        rows = create(row, kind, extra)
        model.Session.commit()
    except Exception:
        log.exception("notifications for %s not stored", row.id)
        model.Session.rollback()
        return []
    send(rows)
    return rows


def notify_due(today: Optional[dt.date] = None) -> dict:
    """Reminders (N working days before due) and overdue notices for every open
    request; idempotent. → {'reminder': n, 'overdue': n, 'emailed': n}"""
    from .model import Request
    today = today or glue.today_local()
    cal, j = glue.calendar(), glue.jurisdiction()
    created = {"reminder": [], "overdue": []}
    for row in model.Session.query(Request).filter(Request.due_date.isnot(None)).all():
        snap = glue.snapshot(row)
        if not rq.is_open(snap):
            continue
        if rq.is_overdue(snap, today, j.timezone):
            created["overdue"].extend(create(row, "overdue", dedup=True))
            continue
        remind_on = rq.reminder_date(snap, cal, j)
        if remind_on is not None and remind_on <= today <= row.due_date:
            created["reminder"].extend(create(row, "reminder", dedup=True))
    from .logic.action.demand import direction_overdue_notices  # issue 8: directions to open
    created["overdue"].extend(direction_overdue_notices(today))
    reports = report_reminders(today)                          # issue 18: annual report deadlines
    model.Session.commit()
    emailed = send(created["reminder"] + created["overdue"] + reports)
    return {"reminder": len(created["reminder"]), "overdue": len(created["overdue"]),
            "report": len(reports), "emailed": emailed}


def report_reminders(today: dt.date) -> list:
    """Notification rows (not committed, idempotent) for last year's annual report
    (``domain/annual_report.reminders``): the admins of each department whose report is not
    published as its deadline nears or passes, and the authority (sysadmins) about the
    departments not done and its own compilation. One row per (kind, year, department,
    user), with the report page's address."""
    from .domain import annual_report as ar
    from .model import AnnualReport, Notification
    year = today.year - 1
    orgs = {g.id: g for g in model.Session.query(model.Group).filter(model.Group.is_organization == True)  # noqa: E712
            .filter(model.Group.state == "active")}
    states = {r.organization_id: r.state for r in
              model.Session.query(AnnualReport).filter(AnnualReport.year == year)}
    due = ar.reminders(glue.jurisdiction().annual_report, today,
                       {oid: states.get(oid) for oid in orgs}, states.get(""))
    site = (tk.config.get("ckan.site_url") or "").rstrip("/")
    out = []
    for r in due:
        org = orgs.get(r.organization) if r.organization else None
        pending = [(orgs[o].title or orgs[o].name) for o in r.pending if o in orgs]
        text = ar.message(r, (org.title or org.name) if org else "", pending)
        url = "%s/oversight/reports/%d%s" % (site, r.year, ("?organization=%s" % org.name) if org else "")
        users = glue.org_member_ids(org.id, ("admin",)) if org else glue.sysadmin_ids()
        for uid in users:
            key = "%s:%d:%s:%s" % (r.kind, r.year, r.organization or "", uid)
            if model.Session.query(Notification.id).filter(Notification.dedup_key == key).first():
                continue
            n = Notification(user_id=uid, request_id=None, kind=r.kind, message=text + "\n" + url,
                             dedup_key=key)
            model.Session.add(n)
            out.append(n)
    return out


def notify_due_job():
    """Entry point for ``toolkit.enqueue_job`` (the daily run from a scheduler)."""
    return notify_due()


# ------------------------------------------------------------------ API quota alerts (issue 16)
def quota_alert(user_id: str, kind: str, message: str, dedup_key: str) -> bool:
    """Store a quota alert (kind quota_80 / quota_100) once per ``dedup_key`` (the
    counter, level and day: once per period), in a session of its own so that the
    API request's session is never committed from here; then e-mail it from a
    background job (never inside the API call). → whether a row was stored."""
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm import Session
    from .model import Notification
    with Session(bind=model.meta.engine) as s:
        if s.query(Notification.id).filter(Notification.dedup_key == dedup_key).first():
            return False
        n = Notification(user_id=user_id, request_id=None, kind=kind, message=message,
                         dedup_key=dedup_key)
        s.add(n)
        try:
            s.commit()
        except IntegrityError:  # a concurrent request stored it first
            s.rollback()
            return False
        nid = n.id
    try:
        tk.enqueue_job(send_job, [[nid]], title="govopen quota alert")
    except Exception:  # no queue: the dashboard row is there all the same
        log.warning("quota alert %s not queued for e-mail", nid)
    return True


def send_job(ids: list) -> int:
    """Background job: e-mail the notification rows ``ids``."""
    from .model import Notification
    rows = model.Session.query(Notification).filter(Notification.id.in_(list(ids))).all()
    return send(rows)
