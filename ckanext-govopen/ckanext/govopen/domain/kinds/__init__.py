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
(``datetime.date`` or ISO string), ``user`` (a user id string). Every field has
its labels and a length limit (``max_length``; default by type from
``domain/fields.py``): the engine, the create actions' schemas and the forms read
them from here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Tuple

from .. import fields as _fields

REQUESTER = "requester"
DEPARTMENT_MEMBER = "department_member"
DEPARTMENT_ADMIN = "department_admin"
SYSADMIN = "sysadmin"
SYSTEM = "system"
ANY_USER = "any_user"  # submission only: any logged-in user

ROLES = frozenset({REQUESTER, DEPARTMENT_MEMBER, DEPARTMENT_ADMIN, SYSADMIN, SYSTEM})

FIELD_TYPES = frozenset({"text", "int", "date", "user"})

# action effects the engine knows about
EFFECT_EXTEND = "extend"                          # the head extends, as their own act
EFFECT_PROPOSE_EXTENSION = "propose_extension"    # a member proposes; nothing extended yet
EFFECT_APPROVE_EXTENSION = "approve_extension"    # the head approves the pending proposal
#: effects bound by the one-extension rule and the jurisdiction's extension settings
EXTENSION_EFFECTS = (EFFECT_EXTEND, EFFECT_PROPOSE_EXTENSION, EFFECT_APPROVE_EXTENSION)

#: the state of a request whose extension a member proposed and the head has not decided
EXTENSION_PROPOSED = "extension_proposed"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str = "text"
    required: bool = True
    label_zh: str = ""
    label_en: str = ""
    max_length: Optional[int] = None   # characters; default by type (domain/fields.py)

    def __post_init__(self):
        if self.type not in FIELD_TYPES:
            raise ValueError("field %s: unknown type %r" % (self.name, self.type))

    def param(self, name: Optional[str] = None) -> "_fields.Param":
        """This field as an input declaration (``name``: the action parameter that
        carries it, when it differs)."""
        return _fields.Param(name or self.name, self.type, self.label_zh or self.name,
                             self.label_en or self.label_zh or self.name, self.max_length,
                             minimum=1 if self.type == "int" else None,
                             maximum=_fields.MAX_INT_FIELD if self.type == "int" else None)

    @property
    def limit(self) -> Optional[int]:
        return self.param().limit


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
    #: issue 17: taken on a decided request (suspend / revoke an approved application's
    #: grant): the "already decided" rule does not apply, the sources still do
    after_decision: bool = False

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
                if s in self.final_states and not a.after_decision:
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
REASONS = FieldSpec("reasons", "text", True, "理由", "Reasons")
LEGAL_BASIS = FieldSpec("legal_basis", "text", True, "法律依据", "Legal basis")
APPROVER = FieldSpec("approver", "user", True, "批准人（部门负责人）", "Approver (department head)")
REASON = FieldSpec("reason", "text", True, "延期理由", "Reason for the extension")
DAYS = FieldSpec("days", "int", True, "延长工作日数", "Working days added")
COMMENT = FieldSpec("comment", "text", False, "备注", "Comment")
EXTEND_FIELDS = (APPROVER, REASON, DAYS, COMMENT)
PROPOSE_FIELDS = (REASON, DAYS, COMMENT)


def extension_actions(sources, extended: str, back_to: str, members, head) -> tuple:
    """The extension actions of a kind (issue 12, finding 6: the head's approval is the
    head's own act). ``extend``: the head extends, naming themself as approver (the
    README's contract ``extend {approver, reason, days}``); ``propose_extension``: a
    department member proposes reason and days; ``approve_extension`` /
    ``reject_extension``: the head decides the proposal in a step of their own, recorded
    with their identity. One extension per request whatever the path."""
    return (
        ActionSpec("extend", tuple(sources), extended, head, EXTEND_FIELDS,
                   effect=EFFECT_EXTEND, label_zh="延期", label_en="Extend"),
        ActionSpec("propose_extension", tuple(sources), EXTENSION_PROPOSED, members,
                   PROPOSE_FIELDS, effect=EFFECT_PROPOSE_EXTENSION,
                   label_zh="提请延期", label_en="Propose an extension"),
        ActionSpec("approve_extension", (EXTENSION_PROPOSED,), extended, head, (COMMENT,),
                   effect=EFFECT_APPROVE_EXTENSION, label_zh="批准延期",
                   label_en="Approve the extension"),
        ActionSpec("reject_extension", (EXTENSION_PROPOSED,), back_to, head, (COMMENT,),
                   label_zh="不批准延期", label_en="Reject the extension"),
    )


def _registry():
    from . import application, share_request, high_demand_review, reconsideration, objection
    return {k.KIND.name: k.KIND for k in (application, share_request, high_demand_review,
                                         reconsideration, objection)}


KINDS = _registry()
LIMIT_KEYS = frozenset(k.limit_key for k in KINDS.values())
