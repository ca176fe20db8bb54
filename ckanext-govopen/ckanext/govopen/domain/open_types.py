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

from .grant_scope import Scope, WHOLE

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
    share_type: Optional[str] = None    # SHARE_TYPES: how other departments may get the data


@dataclass(frozen=True)
class Resource:
    id: str
    #: publication gate (later issue): True passed, False not passed, None n/a
    publication_passed: Optional[bool] = None


@dataclass(frozen=True)
class Grant:
    """An approved grant for one dataset: to a user (数据使用授权, an approved
    application) or to a department (an approved share request, 共享申请)."""
    user_id: Optional[str]
    package_id: str
    expires: Optional[_dt.datetime] = None   # None: no expiry
    revoked_at: Optional[_dt.datetime] = None
    org_id: Optional[str] = None             # a department's grant: every member holds it
    #: issue 17: what the grant covers (columns × row filter); WHOLE = the whole file
    scope: Scope = WHOLE
    #: issue 17: the 数据开放利用协议 is still to be accepted (the grant serves nothing)
    agreement_pending: bool = False
    #: issue 17: suspended by the department (serves nothing until resumed)
    suspended: bool = False
    created: Optional[_dt.datetime] = None
    #: the first moment of the period applied for (None: from creation)
    starts: Optional[_dt.datetime] = None

    def valid_at(self, now: _dt.datetime) -> bool:
        if self.revoked_at is not None and self.revoked_at <= now:
            return False
        if self.starts is not None and now < self.starts:
            return False
        if self.agreement_pending or self.suspended:
            return False
        return self.expires is None or now < self.expires


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason_code: str
    message_zh: str
    message_en: str
    #: issue 17: for a ``grant`` answer, what the grant covers (None/WHOLE: everything);
    #: every path that serves data applies it (``domain/grant_scope.py``)
    scope: Optional[Scope] = None

    @property
    def scoped(self) -> bool:
        return self.scope is not None and not self.scope.whole

    def __bool__(self) -> bool:  # `if decide(...):` reads naturally
        return self.allowed

    def message(self, lang: str) -> str:
        return self.message_en if (lang or "").startswith("en") else self.message_zh

    def as_dict(self) -> dict:
        return {"allowed": self.allowed, "reason_code": self.reason_code,
                "message_zh": self.message_zh, "message_en": self.message_en,
                "scope": self.scope.as_dict() if self.scoped else None}


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
    "grant_agreement_pending": ("您的申请已获同意，但尚未签署《数据开放利用协议》：签署后方可获取数据。",
                                "Your application was approved, but the data-use agreement is not "
                                "accepted yet: the data is available once you accept it."),
    "grant_suspended": ("您对该数据的使用授权已被数据提供部门暂停，暂不可获取。",
                        "The providing department suspended your grant for this data."),
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
    "shared_unconditional": ("无条件共享数据：政府部门可直接获取。",
                             "Unconditionally shared data: any government department may get it."),
    "shared_grant": ("本部门的共享申请已获批准，可获取该数据。",
                     "Your department's share request was approved: it may get this data."),
    "share_request_needed": ("有条件共享数据：请以本部门名义提出共享申请，经数据提供部门同意后方可获取。",
                             "Conditionally shared data: file a share request for your department; "
                             "the data is available once the providing department approves it."),
    "publication_pending": ("该资源尚未通过发布前脱敏审查，暂不可获取。",
                            "This resource has not passed the pre-publication review yet."),
    "unknown_action": ("未知的访问类型。", "Unknown access type."),
    "grant_conditional_only": ("只有有条件开放的数据可以授权给个人或企业使用：无条件开放数据人人可得，不予开放数据不得授权。",
                               "Only conditionally open data can be granted to a person or "
                               "enterprise: open data is everyone's, data not open may not be granted."),
    "grant_allowed": ("可以授权。", "May be granted."),
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


def own_grants(actor: Actor, dataset: Dataset, grants: Iterable[Grant]) -> list:
    """The actor's own grants for the dataset (a department's grant is not a user's)."""
    if actor.anonymous:
        return []
    return [g for g in grants
            if g.user_id == actor.user_id and g.org_id is None and g.package_id == dataset.id]


def has_valid_grant(actor: Actor, dataset: Dataset, grants: Iterable[Grant],
                    now: _dt.datetime) -> bool:
    return bool(valid_grant(actor, dataset, grants, now))


def valid_grant(actor: Actor, dataset: Dataset, grants: Iterable[Grant],
                now: _dt.datetime) -> Optional[Grant]:
    """The grant the actor's data access goes by: a whole-file grant when there is one
    (it covers every other), else the newest valid scoped one (each grant is served as
    it was given; scopes are never merged)."""
    valid = [g for g in own_grants(actor, dataset, grants) if g.valid_at(now)]
    if not valid:
        return None
    whole = [g for g in valid if g.scope.whole]
    if whole:
        return whole[0]
    epoch = _dt.datetime.min.replace(tzinfo=_dt.timezone.utc)
    return max(valid, key=lambda g: g.created or epoch)


def _inactive_grant_reason(actor: Actor, dataset: Dataset, grants: Iterable[Grant],
                           now: _dt.datetime) -> Optional[str]:
    """Why a grant the actor holds does not serve: the agreement is not accepted yet, or
    the department suspended it (None: no such grant)."""
    for g in own_grants(actor, dataset, grants):
        alive = (g.revoked_at is None or g.revoked_at > now) and (g.expires is None or now < g.expires)
        if alive and g.suspended:
            return "grant_suspended"
        if alive and g.agreement_pending:
            return "grant_agreement_pending"
    return None


def grants_matter(dataset: Dataset) -> bool:
    """Whether any grant can change a DATA answer on this dataset (so the glue knows
    when to look grants up)."""
    return dataset.open_type == CONDITIONAL or dataset.share_type == "conditional"


def is_other_department(actor: Actor, dataset: Dataset) -> bool:
    """A member of some government department other than the providing one (sharing,
    共享, is between departments; citizens and enterprises belong to none)."""
    return not actor.anonymous and any(org and org != dataset.owner_org
                                       for org in (actor.org_capacities or {}))


def share_decision(actor: Actor, dataset: Dataset, grants: Iterable[Grant],
                   now: _dt.datetime) -> Optional[Decision]:
    """Sharing between departments (国发〔2016〕51号), apart from opening to the public:
    unconditionally shared data reaches any other department's members; conditionally
    shared data those of a department whose share request was approved (its grant);
    not_shared data none. None: sharing gives this actor nothing (the open type decides)."""
    if not is_other_department(actor, dataset):
        return None
    if dataset.share_type == "unconditional":
        return _d(True, "shared_unconditional")
    if dataset.share_type == "conditional":
        if any(g.org_id and g.org_id != dataset.owner_org and g.org_id in actor.org_capacities
               and g.package_id == dataset.id and g.valid_at(now) for g in grants):
            return _d(True, "shared_grant")
    return None


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

    # DATA: the publication gate first (it binds other departments too), then the open type
    # for everyone, then sharing for other departments' members
    if resource is not None and resource.publication_passed is False:
        return _d(False, "publication_pending")
    if dataset.open_type == UNCONDITIONAL:
        return _d(True, "unconditional")
    grants = tuple(grants)
    held = valid_grant(actor, dataset, grants, now) if dataset.open_type == CONDITIONAL else None
    if held is not None:
        zh, en = _REASONS["grant"]
        return Decision(True, "grant", zh, en, held.scope)
    shared = share_decision(actor, dataset, grants, now)
    if shared is not None:
        return shared
    if dataset.share_type == "conditional" and is_other_department(actor, dataset):
        return _d(False, "share_request_needed")
    if dataset.open_type == CONDITIONAL:
        inactive = _inactive_grant_reason(actor, dataset, grants, now)
        if inactive:
            return _d(False, inactive)
        return _d(False, "conditional_login" if actor.anonymous else "conditional_no_grant")
    if dataset.open_type == NOT_OPEN:
        return _d(False, "not_open")
    return _d(False, "unknown_open_type")


# ==================================================================== share requests
# 共享申请: a department asks another department for conditionally shared data;
# unconditionally shared data is taken directly (share_decision) and not_shared data
# cannot be asked for. The form, the dataset page and the create action all ask here.

_REASONS.update({
    "share_ok": ("有条件共享数据：请说明使用用途，由数据提供部门在规定期限内答复。",
                 "Conditionally shared data: state the purpose; the providing department answers "
                 "within the time limit."),
    "share_login": ("共享申请在政府部门之间进行：部门工作人员请登录后申请。",
                    "Share requests are made between departments: department staff, please log in."),
    "share_not_shared": ("该数据为不予共享数据，不能申请共享。",
                         "This data is not shared: it cannot be requested."),
    "share_unconditional": ("该数据为无条件共享数据，使用部门按规定直接获取，无需提出共享申请。",
                            "Unconditionally shared data: departments obtain it directly, no "
                            "request is needed."),
    "share_no_type": ("该目录未标明共享类型，暂不能申请共享。",
                      "This entry has no share type yet: it cannot be requested."),
    "share_authority": ("主管部门可访问全部数据，无需申请共享。",
                        "The competent authority may access all data; no share request is needed."),
    "share_own_department": ("这是本部门的数据，无需申请共享。",
                             "This is your own department's data; no share request is needed."),
    "share_not_department": ("共享申请只能由政府部门提出；公民和企业可按开放类型申请使用数据。",
                             "Only government departments file share requests; citizens and "
                             "enterprises apply for data under its open type."),
    "share_ask_itself": ("不能向本部门申请", "A department cannot ask itself"),
})


def requesting_departments(actor: Actor, dataset: Dataset) -> list:
    """The actor's departments that may ask for ``dataset``: all but the providing one."""
    return [org for org in (actor.org_capacities or {}) if org and org != dataset.owner_org]


def may_request_share(actor: Actor, dataset: Dataset,
                      requesting_org: Optional[str] = None) -> Decision:
    """Whether ``actor`` may file a share request for ``dataset`` (as ``requesting_org``
    when given; membership of it is the engine's requester rule)."""
    if dataset.share_type != "conditional":
        return _d(False, {"not_shared": "share_not_shared", "unconditional": "share_unconditional"}
                  .get(dataset.share_type or "", "share_no_type"))
    if actor.anonymous:
        return _d(False, "share_login")
    if requesting_org is not None:
        return _d(requesting_org != dataset.owner_org,
                  "share_ok" if requesting_org != dataset.owner_org else "share_ask_itself")
    if requesting_departments(actor, dataset):
        return _d(True, "share_ok")
    if actor.sysadmin:
        return _d(False, "share_authority")
    if actor.member_of(dataset.owner_org):
        return _d(False, "share_own_department")
    return _d(False, "share_not_department")


def sees_sharing(actor: Actor) -> bool:
    """Whether the dataset page shows the sharing-between-departments block (共享):
    it is internal to government, so department members and the authority only."""
    return bool(actor.sysadmin or any(actor.org_capacities or {}))


def may_grant_to_user(dataset: Dataset) -> Decision:
    """A user's grant (数据使用授权) exists only for conditionally open data: granting
    not_open data would be a misleading record (the policy refuses it anyway), and
    unconditional data needs none (outside test F11)."""
    if dataset.open_type == CONDITIONAL:
        return _d(True, "grant_allowed")
    return _d(False, "grant_conditional_only")


def may_apply(actor: Actor, dataset: Dataset) -> bool:
    """Whether an 'apply for this data' link makes sense for this actor."""
    return dataset.open_type == CONDITIONAL and role_of(actor, dataset) in (
        ROLE_ANONYMOUS, ROLE_USER)


def on_negative_list(open_type: Optional[str]) -> bool:
    return open_type in NEGATIVE_LIST_TYPES


# ==================================================================== publication gate
# 发布前审查: a file (or a link) reaches anyone outside the department and the
# competent authority only after (a) its desensitization job succeeded with a clean
# residual scan and (b) a department reviewer signed the confidentiality review.
# Files that cannot be desensitized automatically (PDF, images, archives, documents)
# and external links need the reviewer's explicit attestation instead of (a).
# The glue (``publication/state.py``) turns the stored job/review row into
# :class:`Publication`; :func:`publication_passed` feeds ``Resource.publication_passed``.

PUB_QUEUED = "queued"
PUB_RUNNING = "running"
PUB_SUCCEEDED = "succeeded"
PUB_FAILED = "failed"
PUB_STATES = (PUB_QUEUED, PUB_RUNNING, PUB_SUCCEEDED, PUB_FAILED)

#: the confidentiality review checklist (保密审查); every answer must be True to sign
REVIEW_CHECKLIST = ("no_state_secret", "no_trade_secret", "personal_data_within_policy",
                    "open_type_correct")
REVIEW_CHECKLIST_LABELS = {
    "no_state_secret": ("不含国家秘密", "Contains no state secret"),
    "no_trade_secret": ("不含商业秘密", "Contains no trade secret"),
    "personal_data_within_policy": ("个人信息已按脱敏策略处理，无策略外的个人信息",
                                    "No personal data beyond what the policy allows"),
    "open_type_correct": ("开放类型正确", "The open type is right"),
}

_REASONS.update({
    "publication_passed": ("已通过脱敏与保密审查，可对外提供。",
                           "Desensitized and reviewed: may be released."),
    "publication_none": ("尚未处理：请上传文件或重新运行脱敏任务。",
                         "Not processed yet: upload the file or re-run the desensitization job."),
    "publication_outdated": ("文件或脱敏策略已变更，需重新脱敏和审查。",
                             "The file or the policy changed: it must be desensitized and reviewed again."),
    "publication_queued": ("脱敏任务排队中。", "The desensitization job is queued."),
    "publication_running": ("脱敏任务运行中。", "The desensitization job is running."),
    "publication_failed": ("脱敏任务失败，文件未发布。", "The desensitization job failed; the file is not published."),
    "publication_residual": ("残留扫描发现个人信息，文件未发布。",
                             "The residual scan found personal data; the file is not published."),
    "publication_review": ("等待本部门审核人签署保密审查。",
                           "Waiting for the department reviewer's confidentiality review."),
    "publication_review_open_type": ("开放类型已放宽，原保密审查是按原开放类型签署的：需审核人按新的开放类型重新签署。",
                                     "The open type was widened after the confidentiality review: the "
                                     "reviewer must sign it again for the new open type."),
    "publication_review_share_type": ("共享类型已放宽，原保密审查是按原共享类型签署的：需审核人按新的共享类型重新签署。",
                                      "The share type was widened after the confidentiality review: the "
                                      "reviewer must sign it again for the new share type."),
    "publication_attestation": ("该文件无法自动脱敏（或为外部链接），需审核人人工审查并签署确认。",
                                "This file cannot be desensitized automatically (or is an external "
                                "link): the reviewer must check it and attest."),
    "review_not_reviewer": ("只有本部门管理员（审核人）或主管部门可以签署保密审查。",
                            "Only an admin of the department (its reviewer) or the competent "
                            "authority may sign the confidentiality review."),
    "review_not_ready": ("脱敏任务尚未成功完成，暂不能签署审查。",
                         "The desensitization job has not succeeded yet; the review cannot be signed."),
    "review_checklist": ("审查清单的每一项都必须确认（是）才能签署。",
                         "Every checklist answer must be yes (true) to sign."),
    "review_k_anonymity": ("k-匿名未达到最低要求：准标识符列（如地址、出生日期、性别）的组合可能让人被认出。"
                           "请在脱敏策略中对这些列泛化后重新运行；若这些列不涉及个人（例如站点、机构的地址），"
                           "请在“k-匿名说明”中写明理由后再签署。",
                           "k-anonymity is below the minimum: the quasi-identifier columns (such as "
                           "address, birth date, gender) together may single people out. Generalize "
                           "them in the desensitization policy and run again; if they do not describe "
                           "people (e.g. addresses of stations or offices), say why in the k-anonymity "
                           "statement before signing."),
    "review_ok": ("可以签署。", "May sign."),
    "make_public_ok": ("全部资源已通过发布审查，可以公开。",
                       "Every resource passed the pre-publication review: may be made public."),
    "make_public_blocked": ("目录中仍有资源未通过脱敏与保密审查，不能设为公开。请先完成脱敏任务并由审核人签署审查。",
                            "Some resources of this entry have not passed desensitization and the "
                            "confidentiality review; the entry cannot be made public. Finish the jobs "
                            "and have the reviewer sign first."),
    "publication_view_ok": ("本部门和主管部门可查看发布审查。",
                            "The department and the competent authority may see the review."),
    "publication_view_denied": ("只有数据提供部门和主管部门可以查看发布审查状态。",
                                "Only the providing department and the competent authority may see "
                                "the pre-publication review."),
})


#: how far data reaches under each open type (widening = a higher rank)
OPEN_TYPE_REACH = {NOT_OPEN: 0, CONDITIONAL: 1, UNCONDITIONAL: 2}


#: how far data reaches under each share type (other departments)
SHARE_TYPE_REACH = {"not_shared": 0, "conditional": 1, "unconditional": 2}
#: the reach of each type field the review attests
TYPE_REACH = {"open_type": OPEN_TYPE_REACH, "share_type": SHARE_TYPE_REACH}


def review_covers(reviewed_open_type: Optional[str], open_type: Optional[str],
                  field: str = "open_type") -> bool:
    """A confidentiality review attests "the open type is right" for the open type
    (and the share type) it was signed under; it still covers a narrower one, never a
    wider one (a not_open entry turned unconditional, or a not_shared entry turned
    unconditionally shared, needs a new signature). Reviews without a recorded type
    are taken to cover (they predate the record)."""
    if not reviewed_open_type or not open_type:
        return True
    reach = TYPE_REACH[field]
    return reach.get(open_type, 2) <= reach.get(reviewed_open_type, 0)


def is_widening(field: str, old: Optional[str], new: Optional[str]) -> bool:
    """Whether changing ``field`` from ``old`` to ``new`` lets the data reach further."""
    return bool(old and new) and not review_covers(old, new, field)


@dataclass(frozen=True)
class Publication:
    """The stored state of one resource's gate, as plain values."""
    state: Optional[str] = None          # PUB_STATES or None (nothing processed)
    current: bool = True                 # processed file/link and policy are the current ones
    residual_passed: bool = False
    needs_attestation: bool = False      # non-tabular file or external link
    review_signed: bool = False
    reviewed_open_type: Optional[str] = None  # the entry's open type when the review was signed
    open_type: Optional[str] = None           # the entry's open type now
    reviewed_share_type: Optional[str] = None  # its share type when the review was signed
    share_type: Optional[str] = None           # the entry's share type now
    # False when the report's k-anonymity over the quasi-identifiers is below the minimum
    k_anonymity_met: bool = True


def publication_status(pub: Optional[Publication]) -> Decision:
    """Whether the resource passed the gate, and if not, what it waits for."""
    if pub is None or pub.state is None:
        return _d(False, "publication_none")
    if not pub.current:
        return _d(False, "publication_outdated")
    if pub.state == PUB_QUEUED:
        return _d(False, "publication_queued")
    if pub.state == PUB_RUNNING:
        return _d(False, "publication_running")
    if pub.state != PUB_SUCCEEDED:
        return _d(False, "publication_failed")
    if not pub.needs_attestation and not pub.residual_passed:
        return _d(False, "publication_residual")
    if not pub.review_signed:
        return _d(False, "publication_attestation" if pub.needs_attestation else "publication_review")
    if not review_covers(pub.reviewed_open_type, pub.open_type):
        return _d(False, "publication_review_open_type")
    if not review_covers(pub.reviewed_share_type, pub.share_type, "share_type"):
        return _d(False, "publication_review_share_type")
    return _d(True, "publication_passed")


def publication_passed(pub: Optional[Publication]) -> bool:
    return publication_status(pub).allowed


#: what a file waits for when the department's confidentiality review (保密审查) is due
AWAITING_REVIEW = ("publication_review", "publication_attestation", "publication_review_open_type")


def awaits_review(pub: Optional[Publication]) -> bool:
    """Whether the resource is in the reviewers' queue: processed, and only the review
    (or a new one, after the open type widened) is missing."""
    return publication_status(pub).reason_code in AWAITING_REVIEW


#: the portal's roles for navigation (what the header's menu offers; access is decided
#: by the functions above, never by this)
PORTAL_ANONYMOUS, PORTAL_PUBLIC, PORTAL_DEPARTMENT, PORTAL_AUTHORITY = (
    "anonymous", "public", "department", "authority")


def portal_role(actor: Actor) -> str:
    if actor.anonymous:
        return PORTAL_ANONYMOUS
    if actor.sysadmin:
        return PORTAL_AUTHORITY
    if any(actor.org_capacities or {}):
        return PORTAL_DEPARTMENT
    return PORTAL_PUBLIC


# ==================================================================== people (outside attack, F10)
# Who may read the portal's accounts (names, profiles, activity): a member of the public
# sees only their own account -- citizens' names are not other citizens' business (PIPL);
# department staff and the competent authority see accounts (they add members, answer
# requests). Listing and autocompletion of accounts are for staff and the authority only.
_REASONS.update({
    "people_authority": ("主管部门可查看用户。", "The competent authority may see accounts."),
    "people_staff": ("部门工作人员可查看用户。", "Department staff may see accounts."),
    "people_self": ("可查看本人账号。", "One may see one's own account."),
    "people_login": ("请先登录。", "Please log in."),
    "people_denied": ("仅主管部门和部门工作人员可查看其他用户的信息。",
                      "Only the competent authority and department staff may see other people's accounts."),
})


def may_see_people(actor: Actor, user_id: Optional[str] = None) -> Decision:
    """Whether ``actor`` may read the account ``user_id`` (its name, profile, activity),
    or, with ``user_id`` None, list and search the accounts."""
    if actor.sysadmin:
        return _d(True, "people_authority")
    if actor.anonymous:
        return _d(False, "people_login")
    if any(actor.org_capacities or {}):
        return _d(True, "people_staff")
    if user_id is not None and user_id == actor.user_id:
        return _d(True, "people_self")
    return _d(False, "people_denied")


# ==================================================================== oversight (issue 18)
# Scorecards and annual reports: the competent authority sees every department; a
# department's admin (its head) sees its own department and the jurisdiction's totals;
# nobody else (editors and members included) sees a scorecard. A published annual
# report is public; a draft is its department's admins' and the authority's.
_REASONS.update({
    "scorecard_authority": ("主管部门可查看全部部门的评估。",
                            "The competent authority may see every department's scorecard."),
    "scorecard_department": ("部门管理员可查看本部门的评估和全辖区合计。",
                             "A department's admin may see its own scorecard and the jurisdiction's totals."),
    "scorecard_login": ("请先登录。部门评估仅对主管部门和部门管理员开放。",
                        "Log in first: scorecards are for the competent authority and department admins."),
    "scorecard_denied": ("部门评估仅对主管部门和部门管理员开放。",
                         "Scorecards are for the competent authority and department admins only."),
    "scorecard_other_department": ("部门管理员只能查看本部门的评估。",
                                   "A department's admin may see only its own department's scorecard."),
    "report_published": ("已发布的年度报告向社会公开。", "A published annual report is public."),
    "report_compilation": ("全辖区年度报告由主管部门汇编。",
                           "The jurisdiction's annual report is compiled by the competent authority."),
})


def admin_departments(actor: Actor) -> frozenset:
    """The departments whose admin (head) the actor is."""
    return frozenset(o for o, c in (actor.org_capacities or {}).items() if o and c == "admin")


def may_see_scorecard(actor: Actor, org_id: Optional[str] = None) -> Decision:
    """Whether ``actor`` may see the scorecard of ``org_id`` (None: the cards it may
    see, with the jurisdiction's totals)."""
    if actor.sysadmin:
        return _d(True, "scorecard_authority")
    if actor.anonymous:
        return _d(False, "scorecard_login")
    mine = admin_departments(actor)
    if not mine:
        return _d(False, "scorecard_denied")
    if org_id is not None and org_id not in mine:
        return _d(False, "scorecard_other_department")
    return _d(True, "scorecard_department")


def scorecard_departments(actor: Actor) -> Optional[frozenset]:
    """The departments whose cards the actor sees: None = every one (the authority)."""
    return None if actor.sysadmin else admin_departments(actor)


def may_edit_report(actor: Actor, org_id: Optional[str]) -> Decision:
    """Generate, edit the narrative of, or publish the annual report of ``org_id``
    (None: the jurisdiction's compilation, the authority's alone)."""
    if actor.sysadmin:
        return _d(True, "scorecard_authority")
    if org_id is None:
        return _d(False, "report_compilation" if not actor.anonymous else "scorecard_login")
    return may_see_scorecard(actor, org_id)


def may_see_report(actor: Actor, org_id: Optional[str], published: bool) -> Decision:
    if published:
        return _d(True, "report_published")
    return may_edit_report(actor, org_id)


def may_see_publication(actor: Actor, dataset: Dataset) -> Decision:
    """Job state, report and review: the department (any member) and the authority."""
    if role_of(actor, dataset) in (ROLE_AUTHORITY, ROLE_DEPARTMENT):
        return _d(True, "publication_view_ok")
    return _d(False, "publication_view_denied")


def is_reviewer(actor: Actor, dataset: Dataset) -> bool:
    """The department's reviewer: an admin of the owning organization, or the authority."""
    if actor.sysadmin:
        return True
    return (actor.org_capacities or {}).get(dataset.owner_org or "") == "admin"


def may_sign_review(actor: Actor, dataset: Dataset, pub: Optional[Publication],
                    checklist: Mapping[str, object],
                    k_anonymity_statement: Optional[str] = None) -> Decision:
    """Whether ``actor`` may sign the confidentiality review. A file whose quasi-identifiers
    fall below the minimum k fails closed: it is signed only with the reviewer's written
    statement of why it may still go out (kept with the review), since the job cannot
    know whether 地址 holds homes or bus stops."""
    if not is_reviewer(actor, dataset):
        return _d(False, "review_not_reviewer")
    if pub is None or not pub.current or pub.state != PUB_SUCCEEDED:
        return _d(False, "review_not_ready")
    if not pub.needs_attestation and not pub.residual_passed:
        return _d(False, "review_not_ready")
    if any(checklist.get(k) is not True for k in REVIEW_CHECKLIST):
        return _d(False, "review_checklist")
    if not pub.k_anonymity_met and not (k_anonymity_statement or "").strip():
        return _d(False, "review_k_anonymity")
    return _d(True, "review_ok")


def may_make_public(resources: Iterable[Resource]) -> Decision:
    """A dataset may become public (private → false) only when every one of its
    resources passed the gate (``publication_passed`` not False)."""
    if any(r.publication_passed is False for r in resources):
        return _d(False, "make_public_blocked")
    return _d(True, "make_public_ok")


def new_dataset_private(actor: Actor) -> bool:
    """New entries of department members start private; the competent authority's
    (and the system's) keep CKAN's default."""
    return not actor.sysadmin


# ==================================================================== serving files
# What the portal's origin serves must never run there (issue 12, finding 2): a file
# is shown in the browser only when its type is on this short list of types that do
# not execute, always with ``X-Content-Type-Options: nosniff``; everything else is an
# attachment of type application/octet-stream. The type is worked out from the file
# name the publication gate checked (part of its fingerprint), never from a field a
# user can patch (``mimetype``/``format``) nor from the name in the request's URL.

#: types served inline (with nosniff); none of them executes in the portal's origin
SAFE_INLINE_TYPES = ("image/png", "image/jpeg", "application/pdf", "text/plain", "text/csv",
                     "application/json")
OPAQUE_TYPE = "application/octet-stream"
_SUFFIX_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                 ".pdf": "application/pdf", ".txt": "text/plain", ".csv": "text/csv",
                 ".json": "application/json"}


@dataclass(frozen=True)
class Serving:
    mimetype: str
    as_attachment: bool


def serving_for(checked_name: Optional[str], force_attachment: bool = False) -> Serving:
    """How to serve a stored file whose checked name is ``checked_name``: a safe type
    inline (unless ``force_attachment``), anything else as an opaque attachment."""
    name = (checked_name or "").split("?")[0].rsplit("/", 1)[-1].lower()
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    mimetype = _SUFFIX_TYPES.get(suffix)
    if mimetype in SAFE_INLINE_TYPES:
        return Serving(mimetype, force_attachment)
    return Serving(OPAQUE_TYPE, True)
