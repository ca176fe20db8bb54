"""Who may see, list and download what: role × open type × grant (× publication gate).

This is the ONE access policy of the portal. Every path that exposes a catalog
entry or its data (API actions, web views, the download route, uploaded-file
storage, search results, the negative list, CSV/JSON/DCAT exports) asks
:func:`decide` and does what the answer says. Nothing here imports CKAN: the glue
(``logic/access.py``) turns CKAN users, datasets and grant rows into the plain
values below.

The three open types (开放类型) of the regulations:

``unconditional`` (无条件开放)
    metadata and data to everyone, anonymous download, no login.
``conditional`` (有条件开放)
    metadata public; data only to the providing department, the competent
    authority and applicants holding an approved, unexpired, unrevoked grant.
``not_open`` (不予开放)
    the catalog entry is public (the negative list must be real); data only to
    the providing department and the competent authority.

Two questions are asked:

``METADATA``  may the actor see the catalog entry (show it, list it in search,
              export it)? Yes for every open type, unless CKAN marks the dataset
              private or not active, in which case only the department and the
              competent authority may.
``DATA``      may the actor get the data: the resource file, the resource's
              URL, the DataStore rows?

The later publication-gate issue adds ``Resource.publication_passed``: a resource
whose desensitization gate has not passed (``False``) is data nobody outside the
department and the competent authority may have, whatever the open type.
``None`` means "the gate does not apply" and is ignored.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional

UNCONDITIONAL = "unconditional"
CONDITIONAL = "conditional"
NOT_OPEN = "not_open"
OPEN_TYPES = (UNCONDITIONAL, CONDITIONAL, NOT_OPEN)

#: Open types whose entries belong on the negative list (负面清单).
NEGATIVE_LIST_TYPES = (CONDITIONAL, NOT_OPEN)

OPEN_TYPE_LABELS = {
    UNCONDITIONAL: ("无条件开放", "Unconditional open"),
    CONDITIONAL: ("有条件开放", "Conditional open"),
    NOT_OPEN: ("不予开放", "Not open"),
}

SHARE_TYPES = ("unconditional", "conditional", "not_shared")
SHARE_TYPE_LABELS = {
    "unconditional": ("无条件共享", "Unconditional sharing"),
    "conditional": ("有条件共享", "Conditional sharing"),
    "not_shared": ("不予共享", "Not shared"),
}

METADATA = "metadata"
DATA = "data"
ACTIONS = (METADATA, DATA)

# Roles as the policy sees them (for explanations and the test matrix).
ROLE_ANONYMOUS = "anonymous"
ROLE_USER = "user"                      # citizen or enterprise: any registered user
ROLE_DEPARTMENT = "department"          # member/editor/admin of the providing org
ROLE_AUTHORITY = "authority"            # competent authority (sysadmin)


@dataclass(frozen=True)
class Actor:
    """Who asks. ``org_capacities`` maps organization id → CKAN capacity."""
    user_id: Optional[str] = None
    sysadmin: bool = False
    org_capacities: Mapping[str, str] = field(default_factory=dict)
    kind: Optional[str] = None          # 'citizen' | 'enterprise' | None

    @property
    def anonymous(self) -> bool:
        return not self.user_id

    def member_of(self, org_id: Optional[str]) -> bool:
        return bool(org_id) and org_id in self.org_capacities


ANONYMOUS = Actor()
SYSTEM = Actor(user_id="__system__", sysadmin=True)


@dataclass(frozen=True)
class Dataset:
    id: str
    owner_org: Optional[str]
    open_type: Optional[str]
    private: bool = False
    state: str = "active"


@dataclass(frozen=True)
class Resource:
    id: str
    #: publication gate (later issue): True passed, False not passed, None n/a
    publication_passed: Optional[bool] = None


@dataclass(frozen=True)
class Grant:
    """An approved data-use grant (数据使用授权) for one dataset."""
    user_id: str
    package_id: str
    expires: Optional[_dt.datetime] = None   # None: no expiry
    revoked_at: Optional[_dt.datetime] = None

    def valid_at(self, now: _dt.datetime) -> bool:
        if self.revoked_at is not None and self.revoked_at <= now:
            return False
        return self.expires is None or now < self.expires


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason_code: str
    message_zh: str
    message_en: str

    def __bool__(self) -> bool:  # `if decide(...):` reads naturally
        return self.allowed

    def message(self, lang: str) -> str:
        return self.message_en if (lang or "").startswith("en") else self.message_zh

    def as_dict(self) -> dict:
        return {"allowed": self.allowed, "reason_code": self.reason_code,
                "message_zh": self.message_zh, "message_en": self.message_en}


# reason codes → (zh, en)
_REASONS = {
    "authority": ("主管部门可访问全部数据。", "The competent authority may access all data."),
    "department": ("数据提供部门可访问本部门数据。",
                   "The providing department may access its own data."),
    "public_metadata": ("目录信息公开。", "Catalog metadata is public."),
    "private": ("该目录未公开，仅数据提供部门和主管部门可见。",
                "This entry is not public; only the providing department and the "
                "competent authority can see it."),
    "unconditional": ("无条件开放数据，任何人可直接获取，无需登录。",
                      "Unconditionally open data: anyone may download it without logging in."),
    "grant": ("您持有该数据的有效使用授权。", "You hold a valid grant for this data."),
    "conditional_login": ("有条件开放数据：请登录后按开放条件提出申请，获得授权后方可获取。",
                          "Conditionally open data: log in and apply under the stated "
                          "conditions; the data is available once your application is granted."),
    "conditional_no_grant": ("有条件开放数据：您尚未获得该数据的有效使用授权，请按开放条件提出申请。",
                             "Conditionally open data: you hold no valid grant for this data; "
                             "apply under the stated conditions."),
    "not_open": ("不予开放数据：依据所列法律法规，该数据不向社会开放。",
                 "Data not open: under the cited legal basis this data is not released."),
    "unknown_open_type": ("开放类型未知，数据暂不开放。",
                          "Unknown open type: the data is withheld."),
    "publication_pending": ("该资源尚未通过发布前脱敏审查，暂不可获取。",
                            "This resource has not passed the pre-publication review yet."),
    "unknown_action": ("未知的访问类型。", "Unknown access type."),
}


def _d(allowed: bool, code: str) -> Decision:
    zh, en = _REASONS[code]
    return Decision(allowed, code, zh, en)


def role_of(actor: Actor, dataset: Dataset) -> str:
    """The actor's role with respect to one dataset."""
    if actor.sysadmin:
        return ROLE_AUTHORITY
    if actor.member_of(dataset.owner_org):
        return ROLE_DEPARTMENT
    if actor.anonymous:
        return ROLE_ANONYMOUS
    return ROLE_USER


def has_valid_grant(actor: Actor, dataset: Dataset, grants: Iterable[Grant],
                    now: _dt.datetime) -> bool:
    if actor.anonymous:
        return False
    return any(g.user_id == actor.user_id and g.package_id == dataset.id and g.valid_at(now)
               for g in grants)


def decide(actor: Actor, dataset: Dataset, action: str = DATA,
           resource: Optional[Resource] = None, grants: Iterable[Grant] = (),
           now: Optional[_dt.datetime] = None) -> Decision:
    """Answer whether ``actor`` may do ``action`` (METADATA or DATA) on ``dataset``.

    ``resource`` is optional (None: the dataset's data as a whole); ``grants`` the
    grants that may concern the actor (others are ignored); ``now`` is a
    timezone-aware datetime compared with grant expiry (defaults to UTC now).
    """
    if action not in ACTIONS:
        return _d(False, "unknown_action")
    if now is None:
        now = _dt.datetime.now(_dt.timezone.utc)
    role = role_of(actor, dataset)
    if role == ROLE_AUTHORITY:
        return _d(True, "authority")
    if role == ROLE_DEPARTMENT:
        return _d(True, "department")

    # Outsiders from here on.
    if dataset.private or dataset.state != "active":
        return _d(False, "private")
    if action == METADATA:
        return _d(True, "public_metadata")

    # DATA
    if resource is not None and resource.publication_passed is False:
        return _d(False, "publication_pending")
    if dataset.open_type == UNCONDITIONAL:
        return _d(True, "unconditional")
    if dataset.open_type == CONDITIONAL:
        if has_valid_grant(actor, dataset, grants, now):
            return _d(True, "grant")
        return _d(False, "conditional_login" if actor.anonymous else "conditional_no_grant")
    if dataset.open_type == NOT_OPEN:
        return _d(False, "not_open")
    return _d(False, "unknown_open_type")


def may_apply(actor: Actor, dataset: Dataset) -> bool:
    """Whether an 'apply for this data' link makes sense for this actor."""
    return dataset.open_type == CONDITIONAL and role_of(actor, dataset) in (
        ROLE_ANONYMOUS, ROLE_USER)


def on_negative_list(open_type: Optional[str]) -> bool:
    return open_type in NEGATIVE_LIST_TYPES
