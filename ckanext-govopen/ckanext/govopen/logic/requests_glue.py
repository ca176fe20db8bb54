"""CKAN glue of the request engine: config + DB → domain values, domain answers → rows.

* ``jurisdiction()`` / ``calendar()``: the configured jurisdiction
  (``govopen.jurisdiction``, files in ``<govopen.config_dir>/jurisdictions``) and
  the working-day calendar = package data + ``<config_dir>/calendar/*.yaml`` +
  the database overrides (``govopen_calendar_day`` / ``govopen_calendar_year``;
  database entries win for the same day).
* ``engine_actor(user)``: a ``domain.requests.Actor`` from a CKAN user.
* ``snapshot(row)``: a ``RequestSnapshot`` from a ``govopen_request`` row.
* ``submit(...)`` / ``act(...)``: run the engine and write the row + the audit event.
* ``request_dict(row, actor)``: what ``govopen_request_show`` returns.

Time: CKAN stores naive UTC; every day the regulations count is a day in the
jurisdiction's time zone (Asia/Shanghai): ``workdays.utc`` then ``to_local_date``.

Identity numbers (design)
-------------------------
A citizen's 18-digit resident ID is validated (GB 11643 check digit, with the
``desensitize`` package's ``is_valid_resident_id`` when importable, else
python-stdnum which that package itself uses), then stored three ways:

* ``fields.applicant_id_masked``: ``110***********002X``; this is all the engine,
  the audit events, notifications, e-mails and the applicant's own view ever see;
* ``identity_number`` column: the full number, returned only to reviewers (members
  of the answering department) and the competent authority, by request_show;
* ``identity_hash``: HMAC-SHA256 keyed with the site secret, to recognise a repeat
  applicant without reading the number.

No symmetric cipher is available in this environment (no ``cryptography``), so
the full number is protected by access (a column no other code path serialises)
rather than by encryption at rest; database-level encryption (pgcrypto / disk) is
the deployment's choice. An enterprise's USCC is public registration data and is
kept in ``fields`` as given (validated with the GB 32100 MOD 31 check character).
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..domain import jurisdictions as jmod
from ..domain import requests as rq
from ..domain import workdays
from .. import audit
from ..domain.kinds import DEPARTMENT_MEMBER, SYSADMIN
from . import access

log = logging.getLogger(__name__)

DEFAULT_CONFIG_DIR = Path(__file__).resolve().parents[4] / "config"


# ------------------------------------------------------------------ config
def config_dir() -> Path:
    return Path(tk.config.get("govopen.config_dir") or DEFAULT_CONFIG_DIR)


@functools.lru_cache(maxsize=8)
def _jurisdiction(path: str, code: str) -> jmod.Jurisdiction:
    return jmod.load(Path(path) / ("%s.yaml" % code))


def jurisdiction() -> jmod.Jurisdiction:
    code = tk.config.get("govopen.jurisdiction") or "demo"
    return _jurisdiction(str(config_dir() / "jurisdictions"), code)


@functools.lru_cache(maxsize=4)
def _file_overrides(path: str):
    p = Path(path)
    if not p.is_dir():
        return [], set()
    return workdays.load_override_files(p)


def db_overrides():
    """(overrides, official_years) from the database; empty if the tables are missing."""
    from ..model import CalendarDay, CalendarYear
    code = jurisdiction().code
    try:
        days = model.Session.query(CalendarDay).all()
        years = model.Session.query(CalendarYear).filter(CalendarYear.official == True).all()  # noqa: E712
    except Exception:
        log.exception("govopen calendar tables not readable")
        model.Session.rollback()
        return [], set()
    overrides = [workdays.DayOverride(day=d.day, workday=bool(d.workday), name=d.name or "",
                                      source=d.source or "", jurisdiction=d.jurisdiction or None)
                 for d in days]
    official = {y.year for y in years if (y.jurisdiction or None) in (None, code)}
    return overrides, official


def _request_cache() -> Optional[dict]:
    try:
        from flask import g, has_app_context
        if not has_app_context():
            return None
        if not hasattr(g, "_govopen_cache"):
            g._govopen_cache = {}
        return g._govopen_cache
    except Exception:
        return None


def invalidate_calendar() -> None:
    cache = _request_cache()
    if cache is not None:
        cache.pop("calendar", None)


def calendar() -> workdays.Calendar:
    """The working-day calendar (built once per web request; after a calendar edit
    call ``invalidate_calendar()``)."""
    cache = _request_cache()
    if cache is not None and "calendar" in cache:
        return cache["calendar"]
    cal = _build_calendar()
    if cache is not None:
        cache["calendar"] = cal
    return cal


def _build_calendar() -> workdays.Calendar:
    j = jurisdiction()
    file_o, file_y = _file_overrides(str(config_dir() / "calendar"))
    db_o, db_y = db_overrides()
    merged = {}
    for o in list(file_o) + list(db_o):  # database wins for the same day
        merged[(o.day, o.jurisdiction)] = o
    return workdays.Calendar.load(merged.values(), set(file_y) | set(db_y), jurisdiction=j.code)


def tz() -> str:
    return jurisdiction().timezone


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def today_local(now: Optional[dt.datetime] = None) -> dt.date:
    return workdays.to_local_date(now or now_utc(), tz())


def naive_utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def lang() -> str:
    from .validators import current_lang
    return current_lang()


def is_en() -> bool:
    return (lang() or "").startswith("en")


# ------------------------------------------------------------------ actors
def user_obj(user) -> Optional[model.User]:
    return access._user_obj(user)


def engine_actor(user) -> rq.Actor:
    """Engine actor for a CKAN user (name, id or object); anonymous → empty actor."""
    a = access.actor_for(user)
    if a.anonymous:
        return rq.Actor(user_id="")
    roles = {SYSADMIN} if a.sysadmin else set()
    return rq.Actor(user_id=a.user_id, roles=roles, org_roles=dict(a.org_capacities or {}))


def acting_actor(actor: rq.Actor, row) -> rq.Actor:
    """The actor as the engine sees them when *acting* on ``row``: a plain 'member'
    of the answering department may see the request but not review it (reviewers
    are its editors and admins); other memberships are kept (a member of a
    requesting department may still withdraw its share request)."""
    cap = actor.org_roles.get(row.department_id) if row.department_id else None
    if cap != "member" or row.department_id == row.requester_org_id:
        return actor
    roles = {k: v for k, v in actor.org_roles.items() if k != row.department_id}
    return rq.Actor(user_id=actor.user_id, roles=actor.roles, org_roles=roles)


def engine_actor_from_context(context) -> rq.Actor:
    return engine_actor(context.get("auth_user_obj") or context.get("user"))


def org_member_ids(org_id: Optional[str], capacities=("admin", "editor")) -> List[str]:
    if not org_id:
        return []
    rows = (model.Session.query(model.Member.table_id)
            .join(model.User, model.User.id == model.Member.table_id)
            .filter(model.Member.group_id == org_id)
            .filter(model.Member.table_name == "user")
            .filter(model.Member.state == "active")
            .filter(model.Member.capacity.in_(list(capacities)))
            .filter(model.User.state == "active").all())
    return [r[0] for r in rows]


def sysadmin_ids() -> List[str]:
    return [u.id for u in model.Session.query(model.User)
            .filter(model.User.sysadmin == True).filter(model.User.state == "active")]  # noqa: E712


def reviewer_ids(row) -> List[str]:
    """Who answers the request: the department's admins and editors (the competent
    authority for kinds with no department, e.g. reconsideration)."""
    if row.department_id:
        return org_member_ids(row.department_id)
    return sysadmin_ids()


# ------------------------------------------------------------------ identity
def _resident_id_valid(value: str) -> bool:
    value = (value or "").strip().upper()
    if len(value) != 18:
        return False
    try:
        from desensitize.recognizers.resident_id import is_valid_resident_id
    except ImportError:  # desensitize not importable here: the same check via stdnum
        from stdnum.cn import ric
        return ric.is_valid(value)
    return is_valid_resident_id(value)


def _uscc_valid(value: str) -> bool:
    # desensitize's UsccRecognizer.validate_result is python-stdnum's uscc.is_valid
    from stdnum.cn import uscc
    return uscc.is_valid((value or "").strip().upper())


def mask_id(value: str) -> str:
    v = (value or "").strip().upper()
    return v[:3] + "*" * (len(v) - 7) + v[-4:] if len(v) > 7 else "*" * len(v)


def identity_hash(value: str) -> str:
    secret = (tk.config.get("SECRET_KEY") or tk.config.get("beaker.session.secret") or "govopen").encode()
    return hmac.new(secret, value.strip().upper().encode(), hashlib.sha256).hexdigest()


# ------------------------------------------------------------------ rows ↔ engine
def snapshot(row) -> rq.RequestSnapshot:
    return rq.RequestSnapshot(
        kind=row.kind, state=row.state, requester_id=row.requester_id,
        department_id=row.department_id, received_at=workdays.utc(row.received_at),
        due_date=row.due_date, due_provisional=bool(row.due_provisional), id=row.id,
        requester_org_id=row.requester_org_id, extensions=row.extensions or 0,
        extension_days=row.extension_days or 0,
        department_admin_ids=frozenset(org_member_ids(row.department_id, ("admin",))),
        proposed_extension=pending_extension(row))


def pending_extension(row) -> Optional[dict]:
    """The extension proposal the head has to decide: the latest propose_extension
    event, while the request is in the state it leads to (issue 12, finding 6)."""
    from ..model import RequestEvent
    from ..domain.kinds import EXTENSION_PROPOSED
    if row.state != EXTENSION_PROPOSED or not row.id:
        return None
    e = (model.Session.query(RequestEvent).filter(RequestEvent.request_id == row.id)
         .filter(RequestEvent.action == "propose_extension")
         .order_by(RequestEvent.at.desc(), RequestEvent.id.desc()).first())
    if e is None:
        return None
    f = e.fields or {}
    return {"reason": f.get("reason"), "days": f.get("days"), "proposed_by": e.actor_id}


def _plain(v):
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


def _event_row(event: rq.Event, request_id: str):
    from ..model import RequestEvent
    return RequestEvent(request_id=request_id, actor_id=event.actor_id or "",
                        actor_roles=list(event.actor_roles), at=naive_utc(event.at),
                        action=event.action, from_state=event.from_state, to_state=event.to_state,
                        comment=event.comment or "", fields={k: _plain(v) for k, v in event.fields.items()})


_RULE_SUFFIX = __import__("re").compile(r"\s*\((?:[a-z]+_)+[a-z]+\)\s*$")


def refusal_text(exc) -> str:
    """A refusal's message for a page: without the rule's key that the API keeps at its
    end for callers (e.g. " (role_not_allowed)"), which people must not see (issue 14)."""
    return _RULE_SUFFIX.sub("", str(exc))


def refusal_to_ckan(exc: rq.TransitionRefused):
    """The engine's refusal as CKAN's exception, message in the user's language."""
    message = exc.message_en if is_en() else exc.message_zh
    if exc.authorization:
        return tk.NotAuthorized("%s (%s)" % (message, exc.rule))
    by_field = (getattr(exc, "errors_en", None) if is_en() else None) or exc.errors or {}
    errors = {k: list(v) for k, v in by_field.items()}
    errors["rule"] = [exc.rule]
    errors["message"] = [message]
    return tk.ValidationError(errors)


def submit(kind: str, actor: rq.Actor, department_id: Optional[str], subject: Optional[str],
           fields: Dict[str, Any], requester_org_id: Optional[str] = None,
           identity_number: Optional[str] = None, now: Optional[dt.datetime] = None):
    """Validate through the engine and add the request + its 'submit' event (not committed)."""
    from ..model import Request
    now = now or now_utc()
    try:
        new = rq.new_request(kind, actor, department_id, now, calendar(), jurisdiction(), fields,
                             requester_org_id=requester_org_id)
    except rq.TransitionRefused as exc:
        raise refusal_to_ckan(exc)
    row = Request(kind=kind, state=new.state, jurisdiction=jurisdiction().code,
                  requester_id=actor.user_id, requester_org_id=requester_org_id,
                  department_id=department_id, subject=subject,
                  fields={k: _plain(v) for k, v in new.fields.items()},
                  identity_number=identity_number or None,
                  identity_hash=identity_hash(identity_number) if identity_number else None,
                  received_at=naive_utc(now), due_date=new.due_date,
                  due_provisional=new.due_provisional, extensions=0, extension_days=0)
    model.Session.add(row)
    model.Session.flush()
    model.Session.add(_event_row(new.event, row.id))
    audit.record(model.Session, new.event.actor_id, "request.submit", row.id, new.event.as_dict())
    return row


def act(row, action: str, actor: rq.Actor, fields: Dict[str, Any], now: Optional[dt.datetime] = None):
    """Apply one transition to ``row`` and add its event (not committed). → TransitionResult"""
    now = now or now_utc()
    try:
        result = rq.transition(snapshot(row), action, acting_actor(actor, row), fields, now, calendar(),
                               jurisdiction())
    except rq.TransitionRefused as exc:
        raise refusal_to_ckan(exc)
    row.state = result.new_state
    row.due_date = result.due_date
    row.due_provisional = result.due_provisional
    row.extensions = result.extensions
    row.extension_days = result.extension_days
    if not rq.is_open(snapshot(row)) and row.decided_at is None:
        row.decided_at = naive_utc(now)
    row.modified = naive_utc(now)
    model.Session.add(_event_row(result.event, row.id))
    audit.record(model.Session, result.event.actor_id, "request." + result.event.action, row.id, result.event.as_dict())
    return result


def recompute_open_due_dates() -> int:
    """After a calendar change: recompute the due date of every open request."""
    from ..model import Request
    invalidate_calendar()
    cal, j, n = calendar(), jurisdiction(), 0
    for row in model.Session.query(Request).all():
        snap = snapshot(row)
        if not rq.is_open(snap):
            continue
        due = rq.compute_due(row.kind, snap.received_at, cal, j, row.extension_days or 0)
        if (due.date, due.provisional) != (row.due_date, bool(row.due_provisional)):
            row.due_date, row.due_provisional = due.date, due.provisional
            n += 1
    return n


# ------------------------------------------------------------------ reading
def get_row(request_id: str):
    from ..model import Request
    row = model.Session.query(Request).get(request_id) if request_id else None
    if row is None:
        raise tk.ObjectNotFound(tk._("Request not found"))
    return row


def roles_of(actor: rq.Actor, row) -> frozenset:
    return rq.relative_roles(actor, snapshot(row))


def may_view(actor: rq.Actor, row) -> bool:
    """The parties, the answering department and the competent authority (and, for a
    reconsideration, the department whose answer is contested: it sees, never decides)."""
    if not actor.user_id:
        return False
    if roles_of(actor, row):
        return True
    contested = (row.fields or {}).get("original_department_id") if row.kind == "reconsideration" else None
    return bool(contested and contested in actor.org_roles)  # issue 8


def is_reviewer(actor: rq.Actor, row) -> bool:
    """Editors/admins of the answering department and the competent authority."""
    return bool(roles_of(acting_actor(actor, row), row) & {DEPARTMENT_MEMBER, SYSADMIN})


def _user_label(user_id: Optional[str]) -> Optional[dict]:
    from .people import user_label
    return user_label(user_id)


def _org_label(org_id: Optional[str]) -> Optional[dict]:
    g = model.Group.get(org_id) if org_id else None
    if g is None:
        return None
    return {"id": g.id, "name": g.name, "title": g.title or g.name}


def _subject_label(row) -> Optional[dict]:
    pkg = model.Package.get(row.subject) if row.subject else None
    if pkg is None:
        return {"id": row.subject} if row.subject else None
    return {"id": pkg.id, "name": pkg.name, "title": pkg.title or pkg.name}


def explanation_lines(row, language: Optional[str] = None) -> List[str]:
    """How the due date was worked out: base limit, then the extension if any."""
    language = "en" if (language or lang() or "").startswith("en") else "zh"
    cal, j = calendar(), jurisdiction()
    limits = j.limits(rq.get_kind(row.kind).limit_key)
    base = workdays.due_date(workdays.utc(row.received_at), limits.limit, cal, tz=j.timezone)
    lines = list(base.explanation.lines(language))
    if row.extension_days:
        ext = workdays.extend_due_date(base.date, row.extension_days, cal, base.provisional)
        head = ("延期 %d 个工作日：自 %s 次日起计算，截止 %s。" % (row.extension_days, base.date, ext.date)
                if language == "zh" else
                "Extended by %d working days counted after %s; due %s." % (row.extension_days, base.date,
                                                                          ext.date))
        lines.append(head)
        lines.extend(ext.explanation.lines(language)[1:])
    if row.due_provisional:
        lines.append("部分日期所在年份的国务院节假日安排尚未录入，截止日期为暂定。" if language == "zh" else
                     "The official holiday schedule of a year involved is not entered yet: "
                     "the due date is provisional.")
    return lines


def countdown(row, today: Optional[dt.date] = None) -> Dict[str, Any]:
    snap = snapshot(row)
    today = today or today_local()
    open_ = rq.is_open(snap)
    overdue = rq.is_overdue(snap, today, tz())
    remaining = (workdays.remaining_working_days(today, row.due_date, calendar(), tz())
                 if open_ and row.due_date else None)
    return {"open": open_, "overdue": overdue, "remaining_working_days": remaining}


def history(row) -> List[dict]:
    from ..model import RequestEvent
    events = (model.Session.query(RequestEvent).filter(RequestEvent.request_id == row.id)
              .order_by(RequestEvent.at, RequestEvent.id).all())
    out = []
    for e in events:
        who = _user_label(e.actor_id)
        fields = dict(e.fields or {})
        if e.action in ("extend", "approve_extension") and fields.get("approver"):
            fields["approver_name"] = (_user_label(fields["approver"]) or {}).get("display_name")
        if fields.get("proposed_by"):
            fields["proposed_by_name"] = (_user_label(fields["proposed_by"]) or {}).get("display_name")
        spec = rq.get_kind(row.kind).action(e.action)
        label = ("Submit" if is_en() else "提交") if e.action == "submit" else (
            (spec.label_en if is_en() else spec.label_zh) if spec else e.action)
        out.append({"action_label": label, "from_label": state_label(e.from_state) if e.from_state else "",
                    "to_label": state_label(e.to_state),
                    "actor": who["name"] if who else None, "actor_display_name":
                    who["display_name"] if who else None, "actor_roles": e.actor_roles or [],
                    "at": workdays.utc(e.at).isoformat(), "action": e.action,
                    "from": e.from_state, "to": e.to_state, "comment": e.comment or "",
                    "fields": fields})
    return out


def action_labels(kind: str) -> Dict[str, Dict[str, Any]]:
    decl = rq.get_kind(kind)
    return {name: {"label": spec.label_en if is_en() else (spec.label_zh or spec.name),
                   "fields": [{"name": f.name, "type": f.type, "required": f.required,
                               "label": f.label_zh if not is_en() else f.name}
                              for f in spec.fields]}
            for name, spec in decl.actions.items()}


#: the states of the request kinds (the reviews page's state filter); labels from the
#: one table, domain/state_labels.py
REQUEST_STATES = tuple(dict.fromkeys(s for k in rq.KINDS.values() for s in k.states))


def state_label(state: str) -> str:
    from ..domain.state_labels import state_label as _label
    return _label(state, en=is_en())


FIELD_LABELS_EXTRA = {"uscc": ("统一社会信用代码", "Unified social credit code")}
APPLICANT_TYPES = {"citizen": ("个人", "citizen"), "enterprise": ("企业", "enterprise")}


def field_labels(kind: str) -> Dict[str, str]:
    decl = rq.get_kind(kind)
    out = {f.name: (f.name.replace("_", " ").capitalize() if is_en() else (f.label_zh or f.name))
           for f in decl.submit_fields}
    for k, (zh, en) in FIELD_LABELS_EXTRA.items():
        out[k] = en if is_en() else zh
    return out


def kind_title(kind: str) -> str:
    decl = rq.get_kind(kind)
    return decl.title_en if is_en() else decl.title_zh


def applicant(req: Dict[str, Any]) -> Dict[str, Any]:
    """The one 申请人 every page shows (issue 14: the account name and the declared name
    were both shown as 申请人): the name declared on the form (person or enterprise),
    else the requesting department, else the account's name; ``account`` is the
    account that submitted it, shown apart as 提交账号."""
    account = (req.get("requester") or {}).get("display_name")
    declared = (req.get("fields") or {}).get("applicant_name")
    name = declared or (req.get("requester_org") or {}).get("title") or account
    return {"name": name, "account": account if account and account != name else None}


def _original_request(fields) -> Optional[Dict[str, Any]]:
    from ..model import Request
    from ..domain import request_forms as rf
    rid = fields.get("original_request_id")
    orig = model.Session.query(Request).get(rid) if rid else None
    if orig is None:
        return None
    return {"id": orig.id, "kind": orig.kind, "kind_title": kind_title(orig.kind),
            "number": rf.request_number(orig.kind, workdays.utc(orig.received_at).isoformat()
                                        if orig.received_at else None, orig.id)}


#: fields shown elsewhere on the request page (the facts above), never in 申请内容
_FIELDS_SHOWN_ELSEWHERE = {"dataset_id", "applicant_name"}


def display_fields(kind: str, fields: Dict[str, Any], original: Optional[dict] = None) -> List[dict]:
    """申请内容 as people read it (walk 2026-12-06: internal keys such as
    ``original_department_id``, ``demand_id None`` and ``demo_activity True`` were shown):
    only the kind's declared fields, by their labels, with empty values left out and
    ids turned into names. → [{key, label, value, url}]"""
    labels = field_labels(kind)
    en = is_en()
    out = []
    for key, value in fields.items():
        if key not in labels or key in _FIELDS_SHOWN_ELSEWHERE or value is None or value == "":
            continue
        url = None
        if key == "applicant_type":
            zh_en = APPLICANT_TYPES.get(value)
            value = (zh_en[1] if en else zh_en[0]) if zh_en else value
        elif key == "resource_id":
            value = tk.h.govopen_resource_name(value)
        elif key == "attachment" and isinstance(value, str) and value.startswith("attachment:"):
            value = value.split(":", 1)[1].split("-", 1)[-1]
            url = "attachment"  # the page links it (the route needs the request's id)
        elif key == "original_request_id":
            if original is None:
                continue
            value, url = original["number"], tk.h.url_for("govopen_requests.read", id=original["id"])
        elif key == "demand_id":
            from ..model import Demand
            demand = model.Session.query(Demand).get(value)
            if demand is None:
                continue
            value, url = demand.title or tk._("Demand"), tk.h.url_for("govopen_demand.read", id=demand.id)
        elif isinstance(value, bool):
            value = tk._("Yes") if value else tk._("No")
        out.append({"key": key, "label": labels[key], "value": value, "url": url})
    if fields.get("grant_scope"):  # issue 17: the columns and rows applied for, in words
        from ..domain import grant_scope
        words = grant_scope.describe(grant_scope.Scope.from_dict(fields["grant_scope"]),
                                     "en" if en else "zh")
        out.append({"key": "columns", "label": "Columns" if en else "所需字段",
                    "value": words["columns"], "url": None})
        out.append({"key": "row_filter", "label": "Rows" if en else "行范围",
                    "value": words["rows"], "url": None})
    return out


def request_dict(row, actor: rq.Actor, full: bool = True) -> Dict[str, Any]:
    reviewer = is_reviewer(actor, row)
    snap = snapshot(row)
    fields = dict(row.fields or {})
    out = {
        "id": row.id, "kind": row.kind, "kind_title": kind_title(row.kind), "state": row.state,
        "due_date": row.due_date.isoformat() if row.due_date else None,
        "due_date_provisional": bool(row.due_provisional),
        "subject": row.subject, "subject_dataset": _subject_label(row),
        "requester": _user_label(row.requester_id), "requester_org": _org_label(row.requester_org_id),
        "department": _org_label(row.department_id),
        "received_at": workdays.utc(row.received_at).isoformat(),
        "decided_at": workdays.utc(row.decided_at).isoformat() if row.decided_at else None,
        "extensions": row.extensions or 0, "extension_days": row.extension_days or 0,
        "fields": fields, "jurisdiction": row.jurisdiction, "state_label": state_label(row.state),
    }
    out["applicant"] = applicant(out)
    # walk 2026-12-06: a reconsideration has no answering department (the authority
    # decides); pages show the department whose answer is contested, and the original
    # request by its number
    out["shown_department"] = out["department"] or (
        _org_label(fields.get("original_department_id")) if row.kind == "reconsideration" else None)
    out["original_request"] = _original_request(fields) if row.kind == "reconsideration" else None
    out.update(countdown(row))
    if not full:
        return out
    if reviewer and row.identity_number:
        out["identity_number"] = row.identity_number
    out["history"] = history(row)
    out["due_explanation"] = explanation_lines(row)
    out["available_actions"] = rq.available_actions(snap, acting_actor(actor, row), jurisdiction())
    out["action_specs"] = {k: v for k, v in action_labels(row.kind).items()
                           if k in out["available_actions"]}
    out["viewer_roles"] = sorted(roles_of(actor, row))
    out["field_labels"] = field_labels(row.kind)
    out["display_fields"] = display_fields(row.kind, fields, out["original_request"])
    decision = next((h for h in reversed(out["history"]) if h["to"] in rq.get_kind(row.kind).final_states),
                    None)
    out["decision"] = decision
    from ..model import Grant
    g = model.Session.query(Grant).filter(Grant.request_id == row.id).first()
    out["grant"] = grant_dict(g) if g is not None else None
    return out


# ------------------------------------------------------------------ grants
def grant_dict(g) -> Dict[str, Any]:
    from . import access  # the policy's own reading of a grant, not a second one
    d = g.as_dict()
    now = dt.datetime.utcnow()
    d["active"] = access.grant_value(g).valid_at(now.replace(tzinfo=dt.timezone.utc))
    d["not_started"] = g.starts is not None and g.starts > now
    d["starts_local"] = (workdays.to_local_date(workdays.utc(g.starts), tz()).isoformat()
                         if g.starts else None)
    d["agreement_pending"] = g.agreement_pending
    d["expired"] = g.expires is not None and g.expires <= now
    from ..domain import grant_scope
    scope = grant_scope.Scope.from_dict(g.scope)
    d["scope_words"] = grant_scope.describe(scope, lang())
    # the last local day of use (a grant ends at the local midnight after it)
    d["expires_local"] = (workdays.to_local_date(workdays.utc(g.expires - dt.timedelta(microseconds=1)),
                                                 tz()).isoformat() if g.expires else None)
    pkg = model.Package.get(g.package_id)
    d["package_name"] = pkg.name if pkg else None
    d["package_title"] = (pkg.title or pkg.name) if pkg else None
    org = model.Group.get(g.org_id) if g.org_id else None
    d["org_name"] = org.name if org else None
    d["org_title"] = (org.title or org.name) if org else None
    return d


def grants_held_by(user_id: str):
    """A filter for the grants a user holds: their own and their departments'."""
    import sqlalchemy as sa
    from ..model import Grant
    orgs = [m.group_id for m in model.Session.query(model.Member)
            .filter(model.Member.table_name == "user").filter(model.Member.table_id == user_id)
            .filter(model.Member.state == "active")]
    return sa.or_(Grant.user_id == user_id, Grant.org_id.in_(orgs)) if orgs else \
        (Grant.user_id == user_id)


def grant_expiry(period_end: dt.date) -> dt.datetime:
    """A grant for a period of use ending on ``period_end`` (a local day) ends at the
    following local midnight; stored as naive UTC."""
    from zoneinfo import ZoneInfo
    local = dt.datetime.combine(period_end + dt.timedelta(days=1), dt.time(0), tzinfo=ZoneInfo(tz()))
    return naive_utc(local)


def grant_start(period_start: dt.date) -> dt.datetime:
    """A grant for a period of use beginning on ``period_start`` (a local day) serves
    from that day's local midnight (outside test F11: it served from approval);
    stored as naive UTC."""
    from zoneinfo import ZoneInfo
    return naive_utc(dt.datetime.combine(period_start, dt.time(0), tzinfo=ZoneInfo(tz())))


def create_grant_for(row, granted_by: str, conditions: Optional[str] = None):
    """The grant an approved request gives: an application's to its applicant for
    its period of use, within the columns and rows it asked for (issue 17), serving
    only once the applicant accepted the 数据开放利用协议 written now; a share request's
    to the requesting department (every member, until revoked)."""
    from ..model import Grant
    if not row.subject:
        return None
    if row.kind == "share_request" and row.requester_org_id:
        g = Grant(user_id=None, org_id=row.requester_org_id, package_id=row.subject,
                  granted_by=granted_by, request_id=row.id)
    elif row.kind == "application":
        end = (row.fields or {}).get("period_end")
        expires = grant_expiry(dt.date.fromisoformat(end)) if end else None
        start = (row.fields or {}).get("period_start")
        g = Grant(user_id=row.requester_id, package_id=row.subject, granted_by=granted_by,
                  expires=expires, request_id=row.id,
                  starts=grant_start(dt.date.fromisoformat(start)) if start else None,
                  scope=(row.fields or {}).get("grant_scope") or None)
        text = agreement_text(row, conditions)
        if text is not None:
            from ..domain import agreement
            g.agreement_required = True
            g.agreement_text = text
            g.agreement_sha256 = agreement.digest(text)
    else:
        return None
    model.Session.add(g)
    audit.record(model.Session, granted_by, "grant.created", g)
    return g


def agreement_text(row, conditions: Optional[str] = None) -> Optional[str]:
    """The 数据开放利用协议 of an approved application (``domain/agreement.generate``)."""
    from ..domain import agreement, grant_scope
    pkg = model.Package.get(row.subject) if row.subject else None
    if pkg is None:
        return None
    f = row.fields or {}
    org = model.Group.get(row.department_id or pkg.owner_org or "")
    user = model.User.get(row.requester_id)
    terms = agreement.Terms(
        request_id=row.id, applicant_name=f.get("applicant_name") or (user.fullname if user else ""),
        applicant_type=f.get("applicant_type") or "citizen",
        applicant_account=user.name if user else row.requester_id,
        provider=(org.title or org.name) if org else "",
        portal=tk.config.get("ckan.site_title") or "政府数据开放平台",
        dataset_title=pkg.title or pkg.name, dataset_name=pkg.name,
        scope=grant_scope.Scope.from_dict(f.get("grant_scope")), purpose=f.get("purpose") or "",
        use_scope=f.get("scope"), period_start=f.get("period_start"), period_end=f.get("period_end"),
        security_measures=f.get("security_measures"), conditions=conditions,
        approved_on=today_local().isoformat())
    return agreement.generate(terms)


def grant_status_change(row, action: str, actor_id: str, reasons: Optional[str]):
    """issue 17: an approved application's grant suspended, resumed or revoked (the
    engine decided the transition); recorded in the audit chain. → the grant."""
    g = grant_of_request(row.id)
    if g is None:
        return None
    now = dt.datetime.utcnow()
    if action == "suspend":
        g.suspended_at, g.suspended_by, g.status_reasons = now, actor_id, reasons
    elif action == "resume":
        g.suspended_at, g.suspended_by = None, None
    elif action == "revoke":
        g.revoked_at, g.revoked_by, g.status_reasons = now, actor_id, reasons
    audit.record(model.Session, actor_id, {"suspend": "grant.suspended", "resume": "grant.resumed",
                                           "revoke": "grant.revoked"}[action], g.id,
                 {"grant_id": g.id, "request_id": row.id, "reasons": reasons})
    return g


def grant_of_request(request_id: str):
    from ..model import Grant
    return (model.Session.query(Grant).filter(Grant.request_id == request_id)
            .order_by(Grant.created.desc()).first())


def active_grant(user_id: str, package_id: str):
    from ..model import Grant
    now = dt.datetime.utcnow()
    rows = (model.Session.query(Grant).filter(grants_held_by(user_id))
            .filter(Grant.package_id == package_id).filter(Grant.revoked_at.is_(None))
            .order_by(Grant.created.desc()).all())
    return next((g for g in rows if (g.expires is None or g.expires > now)
                 and not g.agreement_pending and g.suspended_at is None), None)


def record_grant_download(user_id: Optional[str], package_id: Optional[str], resource_id: Optional[str],
                          ip: Optional[str] = None, via: Optional[str] = None):
    """Log a download made under a grant (call it after the policy allowed the
    download). Does nothing when the user holds no active grant for the dataset
    (departments, the authority and open data are not grant downloads).
    → the GrantDownload row or None. Commits its own row."""
    from ..model import GrantDownload
    if not user_id or not package_id:
        return None
    try:
        g = active_grant(user_id, package_id)
        if g is None:
            audit.record_download(model.Session, user_id, package_id, resource_id, ip=ip, via=via, commit=True)
            return None
        row = GrantDownload(grant_id=g.id, user_id=user_id, package_id=package_id,
                            resource_id=resource_id, ip=ip, via=via)
        model.Session.add(row)
        audit.record_download(model.Session, user_id, package_id, resource_id, grant_id=g.id, ip=ip, via=via)
        model.Session.commit()
        return row
    except Exception:
        log.exception("grant download not logged")
        model.Session.rollback()
        return None


def on_resource_download(resource_id, **kw):
    """``ckan.lib.signals.resource_download`` subscriber (sent by the download view
    after the policy allowed the file): log grant downloads with their grant id."""
    try:
        from flask import request as freq
        from ckan.common import current_user
        if not current_user or current_user.is_anonymous:
            return
        res = model.Resource.get(resource_id)
        if res is None:
            return
        auth = freq.headers.get("Authorization") or freq.headers.get("X-CKAN-API-Key")
        ip = freq.headers.get("X-Forwarded-For", freq.remote_addr or "").split(",")[0].strip() or None
        record_grant_download(current_user.id, res.package_id, res.id, ip, "api" if auth else "portal")
    except Exception:  # never break a download because of the log
        log.exception("grant download hook failed")
