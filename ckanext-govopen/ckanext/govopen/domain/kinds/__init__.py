"""Request kinds as declarations.

A kind says which states exist, which actions move between them, who (by role
relative to the request) may take each action, which fields each action needs,
and which jurisdiction setting limits it (``limit_key``).  The one engine in
``domain/requests.py`` interprets these declarations; no kind has code of its own.

Relative roles (computed by ``requests.relative_roles`` from an ``Actor`` and a
``RequestSnapshot``):

``requester``            the user who filed the request (or, for department to
                         department requests, a member of the requesting department)
``department_member``    a member of the department that must answer
``department_admin``     an admin (head) of that department; also a department_member
``sysadmin``             the competent authority (主管部门)
``system``               the platform itself (e.g. the demand board opening a review)

Field types: ``text`` (non-empty string), ``int`` (positive int), ``date``
(``datetime.date`` or ISO string), ``user`` (a user id string).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Tuple

REQUESTER = "requester"
DEPARTMENT_MEMBER = "department_member"
DEPARTMENT_ADMIN = "department_admin"
SYSADMIN = "sysadmin"
SYSTEM = "system"
ANY_USER = "any_user"  # submission only: any logged-in user

ROLES = frozenset({REQUESTER, DEPARTMENT_MEMBER, DEPARTMENT_ADMIN, SYSADMIN, SYSTEM})

FIELD_TYPES = frozenset({"text", "int", "date", "user"})

# action effects the engine knows about
EFFECT_EXTEND = "extend"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str = "text"
    required: bool = True
    label_zh: str = ""

    def __post_init__(self):
        if self.type not in FIELD_TYPES:
            raise ValueError("field %s: unknown type %r" % (self.name, self.type))


@dataclass(frozen=True)
class ActionSpec:
    name: str
    sources: Tuple[str, ...]        # states the action may be taken from
    target: Optional[str]           # new state; None = stay (not used yet)
    roles: Tuple[str, ...]          # relative roles allowed to act
    fields: Tuple[FieldSpec, ...] = ()
    effect: Optional[str] = None    # EFFECT_EXTEND: extension rules apply
    label_zh: str = ""
    label_en: str = ""

    def field(self, name: str) -> Optional[FieldSpec]:
        for f in self.fields:
            if f.name == name:
                return f
        return None


@dataclass(frozen=True)
class KindDeclaration:
    name: str
    title_zh: str
    title_en: str
    states: Tuple[str, ...]
    initial: str
    final_states: Tuple[str, ...]            # decided / closed: the clock stops
    actions: Mapping[str, ActionSpec]
    limit_key: str                           # key in the jurisdiction's kinds: settings
    submit_roles: Tuple[str, ...] = (ANY_USER,)
    submit_fields: Tuple[FieldSpec, ...] = ()
    requester_is_department: bool = False    # share_request: requester = the requesting department
    regulation_note: str = ""

    def __post_init__(self):
        states = set(self.states)
        problems = []
        if self.initial not in states:
            problems.append("initial state %r not declared" % self.initial)
        for s in self.final_states:
            if s not in states:
                problems.append("final state %r not declared" % s)
        for key, a in self.actions.items():
            if key != a.name:
                problems.append("action key %r != name %r" % (key, a.name))
            for s in a.sources:
                if s not in states:
                    problems.append("action %s: source %r not declared" % (a.name, s))
                if s in self.final_states:
                    problems.append("action %s: leaves final state %r" % (a.name, s))
            if a.target is not None and a.target not in states:
                problems.append("action %s: target %r not declared" % (a.name, a.target))
            for r in a.roles:
                if r not in ROLES:
                    problems.append("action %s: unknown role %r" % (a.name, r))
        if problems:
            raise ValueError("kind %s: %s" % (self.name, "; ".join(problems)))

    def action(self, name: str) -> Optional[ActionSpec]:
        return self.actions.get(name)


def actions(*specs: ActionSpec) -> Mapping[str, ActionSpec]:
    return {a.name: a for a in specs}


# shared field specs
REASONS = FieldSpec("reasons", "text", True, "理由")
LEGAL_BASIS = FieldSpec("legal_basis", "text", True, "法律依据")
APPROVER = FieldSpec("approver", "user", True, "批准人（部门负责人）")
REASON = FieldSpec("reason", "text", True, "延期理由")
DAYS = FieldSpec("days", "int", True, "延长工作日数")
COMMENT = FieldSpec("comment", "text", False, "备注")
EXTEND_FIELDS = (APPROVER, REASON, DAYS, COMMENT)


def _registry():
    from . import application, share_request, high_demand_review, reconsideration, objection
    return {k.KIND.name: k.KIND for k in (application, share_request, high_demand_review,
                                         reconsideration, objection)}


KINDS = _registry()
LIMIT_KEYS = frozenset(k.limit_key for k in KINDS.values())
