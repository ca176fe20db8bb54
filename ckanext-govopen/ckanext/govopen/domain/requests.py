"""The one request engine (申请处理状态机).

Plain Python, no CKAN.  Every request kind (application, share_request,
high_demand_review, reconsideration, objection) is a declaration in
``domain/kinds/``; this module interprets the declarations:

* ``new_request(...)``      -> NewRequest: initial state, due date, 'submit' event
* ``transition(...)``       -> TransitionResult: new state, due date, event record
* ``available_actions(...)``: what an actor may try now (for buttons)
* ``is_overdue(...)``       : derived from the due date, never stored
* ``compute_due(...)``      : the due date as a pure function of receipt, limit,
                              extension days and calendar (recompute any time)

Roles are relative to the request and computed here from an ``Actor`` (user id,
global roles, organisation memberships supplied by the glue) and the
``RequestSnapshot``: see ``relative_roles`` and ``domain/kinds/__init__.py``.

Refusals raise subclasses of ``TransitionRefused`` carrying ``rule``,
``message_zh``, ``message_en`` and ``authorization`` (True: wrong actor; the glue
maps it to NotAuthorized.  False: wrong state / missing or bad field; the glue
maps it to ValidationError using ``errors``).

Extensions: the head's approval is the head's own act (issue 12, finding 6).
``extend`` (effect 'extend') is taken by an admin (head) of the answering
department, whose ``approver`` must be themself; a member proposes with
``propose_extension`` {reason, days} (state ``extension_proposed``) and the head
decides it in a step of their own, ``approve_extension`` (the event records the
head as approver, the proposal's reason and days and who proposed) or
``reject_extension``. ``days`` <= the jurisdiction's ``max_extension_days``; at
most ``extensions_allowed`` (1) per request, whatever the path.  The due
date after an extension is ``days`` more working days counted after the
original due date (workdays.extend_due_date), i.e. due = due_date(
due_date(received, limit), extension_days).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Tuple
from zoneinfo import ZoneInfo

from . import workdays
from .kinds import (KINDS, ANY_USER, DEPARTMENT_ADMIN, DEPARTMENT_MEMBER, EFFECT_EXTEND, REQUESTER,
                    EFFECT_APPROVE_EXTENSION, EXTENSION_EFFECTS,
                    SYSADMIN, SYSTEM, ActionSpec, FieldSpec, KindDeclaration)
from . import fields as _fields

__all__ = [
    "KINDS", "Actor", "RequestSnapshot", "Event", "TransitionResult", "NewRequest",
    "TransitionRefused", "NotPermitted", "IllegalState", "InvalidFields",
    "relative_roles", "available_actions", "transition", "new_request", "compute_due",
    "is_overdue", "is_open", "reminder_date", "filing_deadline", "get_kind",
]


# --------------------------------------------------------------------------- exceptions

class TransitionRefused(Exception):
    """Base of every refusal. ``rule`` names the rule that refused."""
    authorization = False

    def __init__(self, rule: str, message_zh: str, message_en: str, errors: Optional[Dict[str, List[str]]] = None):
        self.rule = rule
        self.message_zh = message_zh
        self.message_en = message_en
        self.errors = errors or {}
        super().__init__("%s: %s" % (rule, message_en))


class NotPermitted(TransitionRefused):
    """The actor may not take this action (maps to NotAuthorized)."""
    authorization = True


class IllegalState(TransitionRefused):
    """The action is not possible from the request's current state (maps to ValidationError)."""


class InvalidFields(TransitionRefused):
    """Required field missing or a field value breaks a rule (maps to ValidationError)."""


# --------------------------------------------------------------------------- values

@dataclass(frozen=True)
class Actor:
    """Who acts, as plain values supplied by the glue.

    ``roles``: global roles, e.g. ``{'sysadmin'}`` (the competent authority) or
    ``{'system'}`` (the platform's own jobs).  ``org_roles``: organisation id ->
    capacity in that organisation (CKAN's 'member' / 'editor' / 'admin';
    'admin' = department head).
    """
    user_id: str
    roles: FrozenSet[str] = frozenset()
    org_roles: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "roles", frozenset(self.roles))
        object.__setattr__(self, "org_roles", dict(self.org_roles))


@dataclass(frozen=True)
class RequestSnapshot:
    """What the engine needs to know about a stored request."""
    kind: str
    state: str
    requester_id: str
    department_id: Optional[str]          # the department that must answer
    received_at: Any                      # date or aware datetime of receipt
    due_date: Optional[_dt.date] = None   # as stored (informational; recomputed by the engine)
    due_provisional: bool = False
    id: Optional[str] = None
    requester_org_id: Optional[str] = None  # requesting department (share_request)
    extensions: int = 0                   # extensions granted so far
    extension_days: int = 0               # working days added by them
    department_admin_ids: FrozenSet[str] = frozenset()  # heads of the answering department
    #: the pending extension proposal ({reason, days, proposed_by}) while the request is
    #: ``extension_proposed`` (the glue reads it from the proposal's event)
    proposed_extension: Optional[Mapping[str, Any]] = None

    def __post_init__(self):
        object.__setattr__(self, "department_admin_ids", frozenset(self.department_admin_ids))


@dataclass(frozen=True)
class Event:
    """One audit record; the glue writes it to the events table."""
    request_id: Optional[str]
    kind: str
    action: str
    actor_id: str
    actor_roles: Tuple[str, ...]
    at: _dt.datetime
    from_state: Optional[str]
    to_state: str
    comment: str
    fields: Mapping[str, Any]

    def as_dict(self) -> Dict[str, Any]:
        def plain(v):
            return v.isoformat() if isinstance(v, (_dt.date, _dt.datetime)) else v
        return {"request_id": self.request_id, "kind": self.kind, "action": self.action,
                "actor_id": self.actor_id, "actor_roles": list(self.actor_roles),
                "at": self.at.isoformat(), "from_state": self.from_state, "to_state": self.to_state,
                "comment": self.comment, "fields": {k: plain(v) for k, v in self.fields.items()}}


@dataclass(frozen=True)
class TransitionResult:
    new_state: str
    due_date: _dt.date
    due_provisional: bool
    extended: bool            # this transition granted an extension
    extensions: int           # total extensions after it
    extension_days: int       # total extension working days after it
    event: Event


@dataclass(frozen=True)
class NewRequest:
    state: str
    due_date: _dt.date
    due_provisional: bool
    explanation: workdays.Explanation
    fields: Mapping[str, Any]
    event: Event

    def snapshot(self, request_id: Optional[str], requester_id: str, department_id: Optional[str],
                 received_at, kind: str, requester_org_id: Optional[str] = None,
                 department_admin_ids=frozenset()) -> RequestSnapshot:
        return RequestSnapshot(kind=kind, state=self.state, requester_id=requester_id,
                               department_id=department_id, received_at=received_at,
                               due_date=self.due_date, due_provisional=self.due_provisional, id=request_id,
                               requester_org_id=requester_org_id, department_admin_ids=department_admin_ids)


# --------------------------------------------------------------------------- messages

_MESSAGES = {
    "unknown_kind": ("未知的申请类型：{kind}", "Unknown request kind: {kind}"),
    "unknown_action": ("“{kind}”不支持操作“{action}”", "Action '{action}' does not exist for {kind}"),
    "role_not_allowed": ("您无权对该申请执行“{label}”", "You may not '{action}' this request"),
    "submit_not_allowed": ("您无权提交此类申请", "You may not submit this kind of request"),
    "already_decided": ("申请已办结（{state}），不能再“{label}”",
                        "The request is closed ({state}); '{action}' is no longer possible"),
    "state_not_allowed": ("当前状态“{state}”下不能“{label}”", "'{action}' is not possible in state '{state}'"),
    "extension_once": ("每件申请只能延期{allowed}次", "A request may be extended only {allowed} time(s)"),
    "extension_not_allowed": ("该类申请不允许延期", "This kind of request cannot be extended"),
    "extension_days_exceeded": ("延长期限不得超过{max}个工作日",
                                "An extension may add at most {max} working days"),
    "extension_approver_not_head": ("延期须由本部门负责人本人批准：工作人员请提请延期，由负责人批准",
                                    "An extension must be approved by the department head in person: "
                                    "staff propose an extension and the head approves it"),
    "extension_no_proposal": ("没有待批准的延期提请", "There is no extension proposal to decide"),
    "required_fields": ("请填写必填项：{names}", "Required fields missing: {names}"),
    "invalid_fields": ("填写内容有误：{names}", "Invalid fields: {names}"),
    "unknown_fields": ("不支持的字段：{names}", "Fields not accepted: {names}"),
    "filing_period_expired": ("已超过复核申请期限（答复后{days}个工作日，截至{deadline}）",
                              "Filing period expired ({days} working days after the answer, until {deadline})"),
    "naive_datetime": ("时间缺少时区", "Datetime has no time zone"),
}


def _refuse(cls, rule: str, errors=None, **kw):
    zh, en = _MESSAGES[rule]
    zh_kw, en_kw = dict(kw), dict(kw)
    if "state" in kw:  # a state in people's words, never its internal value
        from .state_labels import state_label
        zh_kw["state"], en_kw["state"] = state_label(kw["state"]), state_label(kw["state"], en=True)
    return cls(rule, zh.format(**zh_kw), en.format(**en_kw), errors)


# --------------------------------------------------------------------------- roles

def get_kind(kind: str) -> KindDeclaration:
    try:
        return KINDS[kind]
    except KeyError:
        raise _refuse(IllegalState, "unknown_kind", kind=kind)


def relative_roles(actor: Actor, request: RequestSnapshot) -> FrozenSet[str]:
    """The actor's roles relative to ``request``."""
    decl = get_kind(request.kind)
    roles = set()
    if SYSADMIN in actor.roles:
        roles.add(SYSADMIN)
    if SYSTEM in actor.roles:
        roles.add(SYSTEM)
    if actor.user_id and actor.user_id == request.requester_id:
        roles.add(REQUESTER)
    if decl.requester_is_department and request.requester_org_id and request.requester_org_id in actor.org_roles:
        roles.add(REQUESTER)
    if request.department_id and request.department_id in actor.org_roles:
        roles.add(DEPARTMENT_MEMBER)
        if actor.org_roles[request.department_id] == "admin":
            roles.add(DEPARTMENT_ADMIN)
    return frozenset(roles)


def _label(spec: ActionSpec) -> str:
    return spec.label_zh or spec.name


def _prior_extensions(request: RequestSnapshot, spec: ActionSpec) -> int:
    decl = get_kind(request.kind)
    extended_states = {a.target for a in decl.actions.values()
                       if a.effect in (EFFECT_EXTEND, EFFECT_APPROVE_EXTENSION) and a.target}
    already_in_target = 1 if request.state in extended_states else 0
    return max(int(request.extensions or 0), already_in_target)


def _check_action(decl: KindDeclaration, request: RequestSnapshot, action: str, actor: Actor,
                  jurisdiction=None) -> Tuple[ActionSpec, FrozenSet[str]]:
    spec = decl.action(action)
    if spec is None:
        raise _refuse(IllegalState, "unknown_action", kind=decl.name, action=action)
    roles = relative_roles(actor, request)
    if not roles.intersection(spec.roles):
        raise _refuse(NotPermitted, "role_not_allowed", action=action, label=_label(spec))
    if request.state in decl.final_states and not spec.after_decision:
        raise _refuse(IllegalState, "already_decided", state=request.state, action=action, label=_label(spec))
    if spec.effect in EXTENSION_EFFECTS and jurisdiction is not None:
        limits = jurisdiction.limits(decl.limit_key)
        if limits.extensions_allowed <= 0:
            raise _refuse(InvalidFields, "extension_not_allowed")
        if _prior_extensions(request, spec) >= limits.extensions_allowed:
            raise _refuse(InvalidFields, "extension_once", allowed=limits.extensions_allowed)
    if request.state not in spec.sources:
        raise _refuse(IllegalState, "state_not_allowed", state=request.state, action=action, label=_label(spec))
    return spec, roles


def available_actions(request: RequestSnapshot, actor: Actor, jurisdiction=None) -> List[str]:
    """Actions ``actor`` may take on ``request`` now (fields are not checked)."""
    decl = get_kind(request.kind)
    out = []
    for name in decl.actions:
        try:
            _check_action(decl, request, name, actor, jurisdiction)
        except TransitionRefused:
            continue
        out.append(name)
    return out


# --------------------------------------------------------------------------- fields

def _coerce(spec: FieldSpec, value):
    """-> (ok, value) for a present value."""
    if spec.type in ("text", "user"):
        if isinstance(value, str) and value.strip():
            return True, value.strip()
        return False, value
    if spec.type == "int":
        if isinstance(value, bool):
            return False, value
        if isinstance(value, int):
            return value > 0, value
        if isinstance(value, str) and value.strip().isdigit():
            v = int(value.strip())
            return v > 0, v
        return False, value
    if spec.type == "date":
        if isinstance(value, _dt.datetime):
            return False, value
        if isinstance(value, _dt.date):
            return True, value
        if isinstance(value, str):
            try:
                return True, _dt.date.fromisoformat(value.strip())
            except ValueError:
                return False, value
        return False, value
    return False, value  # pragma: no cover


DAYS_SPEC = FieldSpec("days", "int")


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _field_problems(specs: Tuple[FieldSpec, ...], fields: Mapping[str, Any]) -> Optional[InvalidFields]:
    """Types and length limits of the declared fields (``domain/fields.py``), each
    refusal naming the field by its label; None when every value fits."""
    found = []
    for s in specs:
        value = fields.get(s.name)
        if value is None or isinstance(value, (_dt.date, _dt.datetime)):
            continue
        param = s.param()
        p, _ = _fields.check(param, value)
        if p is not None:
            found.append((s.name, param, p))
    if not found:
        return None
    zh = "；".join(_fields.message(code, param, "zh", **kw) for _, param, (code, kw) in found)
    en = "; ".join(_fields.message(code, param, "en", **kw) for _, param, (code, kw) in found)
    exc = InvalidFields("invalid_fields", zh, en,
                        {name: [_fields.message(code, param, "zh", **kw)] for name, param, (code, kw) in found})
    exc.errors_en = {name: [_fields.message(code, param, "en", **kw)] for name, param, (code, kw) in found}
    return exc


def validate_fields(specs: Tuple[FieldSpec, ...], fields: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    """Check ``fields`` against ``specs``; return the normalised values or raise InvalidFields."""
    fields = dict(fields or {})
    known = {s.name for s in specs}
    unknown = sorted(set(fields) - known)
    if unknown:
        raise _refuse(InvalidFields, "unknown_fields", errors={k: ["not accepted"] for k in unknown},
                      names=", ".join(unknown))
    out, missing, bad = {}, [], []
    limits = _field_problems(specs, fields)
    if limits:
        raise limits
    for s in specs:
        value = fields.get(s.name)
        if _is_blank(value):
            if s.required:
                missing.append(s.name)
            continue
        ok, v = _coerce(s, value)
        if not ok:
            bad.append(s.name)
        else:
            out[s.name] = v
    if missing:
        errors = {k: ["Missing value"] for k in missing}
        errors.update({k: ["Invalid value"] for k in bad})
        raise _refuse(InvalidFields, "required_fields", errors=errors, names=", ".join(missing))
    if bad:
        raise _refuse(InvalidFields, "invalid_fields", errors={k: ["Invalid value"] for k in bad},
                      names=", ".join(bad))
    return out


# --------------------------------------------------------------------------- due dates

def compute_due(kind: str, received_at, calendar: workdays.Calendar, jurisdiction,
                extension_days: int = 0) -> workdays.DueDate:
    """Due date of a request: ``limit`` working days after receipt, then
    ``extension_days`` more working days after that original due date."""
    decl = get_kind(kind)
    limits = jurisdiction.limits(decl.limit_key)
    base = workdays.due_date(received_at, limits.limit, calendar, tz=jurisdiction.timezone)
    if not extension_days:
        return base
    return workdays.extend_due_date(base.date, extension_days, calendar, base.provisional)


def is_open(request: RequestSnapshot) -> bool:
    return request.state not in get_kind(request.kind).final_states


def is_overdue(request: RequestSnapshot, today, tz: str = workdays.DEFAULT_TZ) -> bool:
    """Open and strictly after its due date (the due date itself is in time).
    ``today``: a date or an aware datetime (converted to ``tz``)."""
    if request.due_date is None or not is_open(request):
        return False
    return workdays.is_overdue(request.due_date, today, tz)


def reminder_date(request: RequestSnapshot, calendar: workdays.Calendar, jurisdiction) -> Optional[_dt.date]:
    """The day to remind the department: ``reminder_days_before_due`` working days before due."""
    if request.due_date is None or not is_open(request):
        return None
    return workdays.days_before_due(request.due_date, jurisdiction.reminder_days_before_due, calendar)


def filing_deadline(answered_at, calendar: workdays.Calendar, jurisdiction) -> workdays.DueDate:
    """Last day to file a reconsideration: ``reconsideration.filing_period`` working days after the answer."""
    return workdays.due_date(answered_at, jurisdiction.reconsideration.filing_period, calendar,
                             tz=jurisdiction.timezone)


def _aware(now: _dt.datetime) -> _dt.datetime:
    if not isinstance(now, _dt.datetime) or now.tzinfo is None or now.tzinfo.utcoffset(now) is None:
        raise _refuse(InvalidFields, "naive_datetime", errors={"now": ["naive datetime"]})
    return now


# --------------------------------------------------------------------------- engine

def new_request(kind: str, requester: Actor, department_id: Optional[str], received_at,
                calendar: workdays.Calendar, jurisdiction, fields: Optional[Mapping[str, Any]] = None,
                subject: Optional[str] = None, requester_org_id: Optional[str] = None,
                answered_at=None, request_id: Optional[str] = None) -> NewRequest:
    """Validate a submission and compute its initial state and due date.

    ``received_at``: aware datetime (or local date) of receipt.  ``answered_at``:
    for a reconsideration, when the contested answer was given; filing after
    ``filing_deadline`` is refused (rule ``filing_period_expired``).
    """
    decl = get_kind(kind)
    allowed = False
    roles = set()
    if ANY_USER in decl.submit_roles and requester.user_id:
        allowed = True
        roles.add(REQUESTER)
    if REQUESTER in decl.submit_roles:
        if decl.requester_is_department:
            if requester_org_id and requester_org_id in requester.org_roles:
                allowed = True
                roles.add(REQUESTER)
        elif requester.user_id:
            allowed = True
            roles.add(REQUESTER)
    for r in (SYSTEM, SYSADMIN):
        if r in decl.submit_roles and r in requester.roles:
            allowed = True
            roles.add(r)
    if not allowed:
        raise _refuse(NotPermitted, "submit_not_allowed")
    values = validate_fields(decl.submit_fields, fields)
    if answered_at is not None:
        deadline = filing_deadline(answered_at, calendar, jurisdiction)
        if workdays.to_local_date(received_at, jurisdiction.timezone) > deadline.date:
            raise _refuse(InvalidFields, "filing_period_expired", errors={"answered_at": ["expired"]},
                          days=jurisdiction.reconsideration.filing_period, deadline=deadline.date.isoformat())
    due = compute_due(kind, received_at, calendar, jurisdiction)
    if isinstance(received_at, _dt.datetime):
        at = _aware(received_at)
    else:  # a bare local date: the event is stamped at local midnight of that day
        at = _dt.datetime.combine(received_at, _dt.time(0), tzinfo=ZoneInfo(jurisdiction.timezone))
    if subject:
        values = dict(values, subject=subject)
    event = Event(request_id=request_id, kind=kind, action="submit", actor_id=requester.user_id,
                  actor_roles=tuple(sorted(roles)), at=at, from_state=None, to_state=decl.initial,
                  comment="", fields=values)
    return NewRequest(decl.initial, due.date, due.provisional, due.explanation, values, event)


def transition(request: RequestSnapshot, action: str, actor: Actor, fields: Optional[Mapping[str, Any]],
               now: _dt.datetime, calendar: workdays.Calendar, jurisdiction) -> TransitionResult:
    """Apply ``action`` to ``request`` on behalf of ``actor``.

    Checks, in order: the action exists for the kind (IllegalState
    ``unknown_action``); the actor's relative role (NotPermitted
    ``role_not_allowed``); the request is not closed (IllegalState
    ``already_decided``); extension count (InvalidFields ``extension_once``);
    the state allows the action (IllegalState ``state_not_allowed``); fields
    (InvalidFields ``required_fields`` / ``invalid_fields`` / ``unknown_fields``);
    extension rules (InvalidFields ``extension_days_exceeded``, NotPermitted
    ``extension_approver_not_head``).  Returns the new state, the recomputed due
    date and the event to store.
    """
    now = _aware(now)
    decl = get_kind(request.kind)
    spec, roles = _check_action(decl, request, action, actor, jurisdiction)
    values = validate_fields(spec.fields, fields)
    extensions, extension_days, extended = int(request.extensions or 0), int(request.extension_days or 0), False
    if spec.effect == EFFECT_APPROVE_EXTENSION:
        # the head approves the pending proposal: its reason and days, the head as approver
        proposal = dict(request.proposed_extension or {})
        ok, days = _coerce(DAYS_SPEC, proposal.get("days"))
        if not ok or _is_blank(proposal.get("reason")):
            raise _refuse(InvalidFields, "extension_no_proposal", errors={"action": ["no proposal"]})
        values = dict(values, approver=actor.user_id, reason=str(proposal["reason"]).strip(),
                      days=days)
        if proposal.get("proposed_by"):
            values["proposed_by"] = proposal["proposed_by"]
    if spec.effect in EXTENSION_EFFECTS:
        limits = jurisdiction.limits(decl.limit_key)
        if values["days"] > limits.max_extension_days:
            raise _refuse(InvalidFields, "extension_days_exceeded", errors={"days": ["too many"]},
                          max=limits.max_extension_days)
    if spec.effect == EFFECT_EXTEND:
        # the head's own act: the approver is the acting head, never someone named by another
        if values["approver"] != actor.user_id or DEPARTMENT_ADMIN not in roles:
            raise _refuse(NotPermitted, "extension_approver_not_head", errors={"approver": ["not the head"]})
    if spec.effect in (EFFECT_EXTEND, EFFECT_APPROVE_EXTENSION):
        extensions = _prior_extensions(request, spec) + 1
        extension_days += values["days"]
        extended = True
    due = compute_due(request.kind, request.received_at, calendar, jurisdiction, extension_days)
    comment = values.get("comment", "")
    event = Event(request_id=request.id, kind=request.kind, action=action, actor_id=actor.user_id,
                  actor_roles=tuple(sorted(roles.intersection(spec.roles))), at=now,
                  from_state=request.state, to_state=spec.target or request.state, comment=comment,
                  fields={k: v for k, v in values.items() if k != "comment"})
    return TransitionResult(new_state=spec.target or request.state, due_date=due.date,
                            due_provisional=due.provisional, extended=extended, extensions=extensions,
                            extension_days=extension_days, event=event)
