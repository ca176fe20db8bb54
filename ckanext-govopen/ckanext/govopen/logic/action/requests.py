"""Request actions: applications, share requests, the generic show/act/list, grants
of the caller, statistics and the calendar. Every rule is the engine's
(``domain/requests.py``); these functions validate input, check access, call
the glue (``logic/requests_glue.py``) and return dicts.

  govopen_application_create  {package_id | package_ids, purpose, scope, period_start, period_end,
                               security_measures, applicant_type: citizen|enterprise,
                               real_name + id_number | enterprise_name + uscc, contact,
                               upload?}  (attachment_url is refused: issue 12)
  govopen_share_request_create {package_id, purpose, requester_org_id (requesting department), scope?, legal_basis?}
  govopen_share_request_options {package_id}          may the caller ask, as which department, why not
  govopen_request_show        {id}
  govopen_request_act         {id, action, ...fields}
  govopen_request_list        {scope: mine|department|all, kind?, state?, organization?, open_only?}
  govopen_my_grants           {}                       the caller's grants (+ download counts)
  govopen_department_grant_list {organization}         grants on a department's datasets
  govopen_grant_download_list {grant_id}
  govopen_notification_list   {unread_only?}
  govopen_notification_mark_read {id? | all}
  govopen_stats               {organization?, kind?}   public
  govopen_calendar_day_set    {day, workday, name?, source?, jurisdiction?, delete?}  sysadmin
  govopen_calendar_year_set   {year, official, source?, jurisdiction?}               sysadmin
  govopen_calendar_list       {year?}                                                 sysadmin
"""
from __future__ import annotations

import datetime as dt
import logging
import statistics
from typing import Any, Dict, List

import ckan.model as model
import ckan.plugins.toolkit as tk

from ...domain import open_types as ot
from ...domain import requests as rq
from ...domain import workdays
from .. import access
from .. import requests_glue as glue
from ... import audit

APPLICANT_TYPES = ("citizen", "enterprise")
DECIDED_OK = {"approved", "opened", "directed_open", "corrected", "confirmed", "suspended", "revoked"}
DECIDED_NO = {"rejected", "kept_closed", "upheld"}

log = logging.getLogger(__name__)


def _t(zh: str, en: str) -> str:
    return en if glue.is_en() else zh


def _date(value, field, errors):
    if value in (None, ""):
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        errors[field] = [_t("日期格式应为 YYYY-MM-DD", "Use a date as YYYY-MM-DD")]
        return None


def _text(data_dict, name):
    v = data_dict.get(name)
    return v.strip() if isinstance(v, str) else v


def _commit_then_notify(row, kind, extra=""):
    model.Session.commit()
    from ... import notifications
    notifications.notify(row, kind, extra)


# ------------------------------------------------------------------ applications
def _application_fields(data_dict) -> Dict[str, Any]:
    """Validate the application form; → (engine fields, identity number or None)."""
    errors: Dict[str, List[str]] = {}
    required = _t("必填", "Missing value")
    for name in ("purpose", "scope", "security_measures", "contact"):
        if not _text(data_dict, name):
            errors[name] = [required]
    start = _date(data_dict.get("period_start"), "period_start", errors)
    end = _date(data_dict.get("period_end"), "period_end", errors)
    if start is None and "period_start" not in errors:
        errors["period_start"] = [required]
    if end is None and "period_end" not in errors:
        errors["period_end"] = [required]
    today = glue.today_local()
    if start and end and end < start:
        errors["period_end"] = [_t("使用期限止不得早于起始日", "The period must end after it starts")]
    elif end and end < today:
        errors["period_end"] = [_t("使用期限已过", "The period of use has already ended")]
    kind = _text(data_dict, "applicant_type")
    identity, name = None, None
    if kind not in APPLICANT_TYPES:
        errors["applicant_type"] = [_t("请选择个人或企业", "Choose citizen or enterprise")]
    elif kind == "citizen":
        name = _text(data_dict, "real_name")
        number = (_text(data_dict, "id_number") or "").upper()
        if not name:
            errors["real_name"] = [required]
        if not number:
            errors["id_number"] = [required]
        elif not glue._resident_id_valid(number):
            errors["id_number"] = [_t("居民身份证号码无效（18位，校验码不符）",
                                      "Invalid resident ID number (18 digits with a valid check digit)")]
        identity = number
    else:
        name = _text(data_dict, "enterprise_name")
        code = (_text(data_dict, "uscc") or "").upper()
        if not name:
            errors["enterprise_name"] = [required]
        if not code:
            errors["uscc"] = [required]
        elif not glue._uscc_valid(code):
            errors["uscc"] = [_t("统一社会信用代码无效（GB 32100 校验码不符）",
                                 "Invalid unified social credit code (GB 32100 check character)")]
    if errors:
        raise tk.ValidationError(errors)
    fields = {"purpose": _text(data_dict, "purpose"), "scope": _text(data_dict, "scope"),
              "period_start": start, "period_end": end,
              "security_measures": _text(data_dict, "security_measures"),
              "applicant_type": kind, "applicant_name": name, "contact": _text(data_dict, "contact")}
    if kind == "citizen":
        fields["applicant_id_masked"] = glue.mask_id(identity)
    else:
        fields["uscc"] = (_text(data_dict, "uscc") or "").upper()
    return fields, (identity if kind == "citizen" else None)


def attachment_folder(request_id: str) -> str:
    """Where a request's own attachment lives: <storage_path>/govopen_attachments/<request id>/.
    The attachment route looks only here (issue 12, finding 9): a file is reachable
    only through the request that uploaded it, and no client names a stored file."""
    import os
    storage = tk.config.get("ckan.storage_path") or ""
    return os.path.join(storage, "govopen_attachments", os.path.basename(str(request_id)))


def _attachment_name(upload) -> str:
    import uuid
    from werkzeug.utils import secure_filename
    return "%s-%s" % (uuid.uuid4().hex[:12], secure_filename(upload.filename) or "attachment")


def _store_upload(upload, request_ids, name) -> None:
    """Save an uploaded attachment under each request that carries it."""
    import os
    import shutil
    first = None
    for rid in request_ids:
        folder = attachment_folder(rid)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, name)
        if first is None:
            upload.save(path)
            first = path
        else:
            shutil.copyfile(first, path)


def _refuse_client_attachment(data_dict) -> None:
    """Attachments are uploaded with the application, never named: a client-given
    ``attachment_url`` (e.g. another applicant's stored file) is refused."""
    if data_dict.get("attachment_url") not in (None, ""):
        raise tk.ValidationError({"attachment_url": [_t(
            "附件只能随申请上传，不能引用已存储的文件",
            "Attachments are uploaded with the application; a stored file cannot be named")]})


def govopen_application_create(context, data_dict):
    """Apply for one or more conditional datasets (one request per dataset: each
    department answers its own). → the request (``package_id``) or
    {"requests": [...]} (``package_ids``)."""
    tk.check_access("govopen_application_create", context, data_dict)
    ids = data_dict.get("package_ids")
    single = not ids
    if single:
        ids = [data_dict.get("package_id")]
    if isinstance(ids, str):
        ids = [i for i in ids.replace(",", " ").split() if i]
    if not ids or not all(ids):
        raise tk.ValidationError({"package_id": [_t("必填", "Missing value")]})
    actor_ot = access.actor_from_context(context)
    pkgs = []
    for pid in ids:
        pkg = model.Package.get(pid)
        if pkg is None or pkg.state != "active":
            raise tk.ValidationError({"package_id": [_t("数据集不存在", "Dataset not found") + ": %s" % pid]})
        ds = access.dataset_value(pkg)
        if ds.open_type != ot.CONDITIONAL or not access.decide_metadata(actor_ot, pkg).allowed:
            raise tk.ValidationError({"package_id": [_t("只能申请有条件开放的数据", "Only conditionally "
                                                     "open data can be applied for") + ": %s" % pkg.name]})
        if not ot.may_apply(actor_ot, ds):
            raise tk.ValidationError({"package_id": [_t("您已可获取该数据，无需申请",
                                                     "You already have access to this data")]})
        pkgs.append(pkg)
    _refuse_client_attachment(data_dict)
    scopes = _application_scopes(data_dict, pkgs)
    fields, identity = _application_fields(data_dict)
    upload = data_dict.get("upload")
    attachment = None
    if upload is not None and getattr(upload, "filename", None) and tk.config.get("ckan.storage_path"):
        attachment = _attachment_name(upload)
        fields["attachment"] = "attachment:" + attachment
    actor = glue.engine_actor_from_context(context)
    engine_fields = {k: v for k, v in fields.items() if k != "uscc"}
    rows = []
    for pkg in pkgs:
        row = glue.submit("application", actor, pkg.owner_org, pkg.id,
                          dict(engine_fields, dataset_id=pkg.id), identity_number=identity)
        if "uscc" in fields:
            row.fields = dict(row.fields, uscc=fields["uscc"])
        if not scopes[pkg.id].whole:  # issue 17: carried into the grant on approval
            row.fields = dict(row.fields, grant_scope=scopes[pkg.id].as_dict())
        rows.append(row)
    if attachment:
        _store_upload(upload, [r.id for r in rows], attachment)
    # The answer is read before the commit: once committed, the applicant must hear
    # "submitted" even if the database goes away now (issue 19's restart test found
    # saved applications answered with an error while reading their history back).
    model.Session.flush()  # the submission events, for the history in the answer
    out = [glue.request_dict(r, actor) for r in rows]
    model.Session.commit()
    _notify_after_commit(rows, "submitted")
    return out[0] if single else {"requests": out}


def _application_scopes(data_dict, pkgs) -> Dict[str, Any]:
    """issue 17: the ``columns`` and ``row_filter`` asked for, checked against each
    dataset's field dictionary (``domain/grant_scope.parse``) → {package id: Scope}."""
    from ...domain import grant_scope
    from .. import scoping
    columns, row_filter = data_dict.get("columns"), data_dict.get("row_filter")
    out = {}
    for pkg in pkgs:
        if columns in (None, "", []) and row_filter in (None, "", {}):
            out[pkg.id] = grant_scope.WHOLE
            continue
        try:
            out[pkg.id] = grant_scope.parse(columns, row_filter, scoping.dataset_columns(pkg))
        except grant_scope.ScopeError as exc:
            errors = exc.for_lang(glue.lang())
            if len(pkgs) > 1:
                errors = {k: ["%s: %s" % (pkg.title or pkg.name, m) for m in v] for k, v in errors.items()}
            raise tk.ValidationError(errors)
    return out


def _notify_after_commit(rows, kind: str) -> None:
    """Notifications of a committed change: a failure here (mail server, a database
    that went away) is logged and leaves the change standing; the notification rows
    that were stored stay in the list, unsent ones keep their e-mail error."""
    from ... import notifications
    for row in rows:
        try:
            notifications.notify(row, kind)
        except Exception:
            log.exception("notification %s of request %s failed after the commit", kind, row.id)
            model.Session.rollback()


def _requester_orgs(actor, pkg):
    """The caller's departments that may ask for ``pkg`` (the policy's
    ``requesting_departments``; the actor holds active organizations only), by title."""
    out = []
    for org_id in ot.requesting_departments(actor, access.dataset_value(pkg)):
        g = model.Group.get(org_id)
        out.append({"id": g.id, "name": g.name, "title": g.title or g.name,
                    "capacity": actor.org_capacities[org_id]})
    return sorted(out, key=lambda d: d["title"])


@tk.side_effect_free
def govopen_share_request_options(context, data_dict):
    """Whether the caller may file a share request for a catalog entry, and as which
    of their departments: → {package_id, share_type, share_type_label, share_conditions,
    share_legal_basis, may_request, reason_code, message, requester_orgs: [{id, name, title}],
    limit_working_days, show_panel}. ``show_panel``: whether the caller sees the sharing
    block at all (department members and the authority, ``open_types.sees_sharing``). What the share form and the dataset page show."""
    pkg = model.Package.get(tk.get_or_bust(data_dict, "package_id"))
    if pkg is None or pkg.state != "active":
        raise tk.ObjectNotFound(_t("数据集不存在", "Dataset not found"))
    tk.check_access("package_show", context, {"id": pkg.id})
    extras = pkg.extras or {}
    share_type = extras.get("share_type")
    actor = access.actor_from_context(context)
    decision = ot.may_request_share(actor, access.dataset_value(pkg))
    orgs = _requester_orgs(actor, pkg) if decision.allowed else []
    labels = ot.SHARE_TYPE_LABELS.get(share_type)
    return {"package_id": pkg.id, "share_type": share_type,
            "share_type_label": (labels[1] if glue.is_en() else labels[0]) if labels else None,
            "share_conditions": extras.get("share_conditions") or None,
            "share_legal_basis": extras.get("share_legal_basis") or None,
            "may_request": decision.allowed, "reason_code": decision.reason_code,
            "message": access.lang_message(decision),
            "show_panel": ot.sees_sharing(actor),
            "requester_orgs": orgs,
            "limit_working_days": glue.jurisdiction().limits(rq.get_kind("share_request").limit_key).limit}


def govopen_share_request_create(context, data_dict):
    """A department asks another department for a dataset whose share type is
    conditional (unconditional data needs no request; not_shared cannot be asked).
    Optional: ``scope`` (使用范围), ``legal_basis`` (履职依据)."""
    tk.check_access("govopen_share_request_create", context, data_dict)
    errors = {}
    pkg = model.Package.get(data_dict.get("package_id") or "")
    if pkg is not None and not access.decide_metadata(access.actor_from_context(context), pkg).allowed:
        pkg = None  # a private entry: not there for whoever may not see it (no id probing)
    if pkg is None or pkg.state != "active":
        errors["package_id"] = [_t("数据集不存在", "Dataset not found")]
    org = model.Group.get(data_dict.get("requester_org_id") or data_dict.get("requesting_org") or "")
    if org is None or not org.is_organization:
        errors["requester_org_id"] = [_t("请选择申请部门", "Choose the requesting department")]
    if not _text(data_dict, "purpose"):
        errors["purpose"] = [_t("必填", "Missing value")]
    if errors:
        raise tk.ValidationError(errors)
    decision = ot.may_request_share(access.actor_from_context(context), access.dataset_value(pkg),
                                    org.id)
    if not decision.allowed:
        message = access.lang_message(decision)
        basis = (pkg.extras or {}).get("share_legal_basis")
        if decision.reason_code == "share_not_shared" and basis:
            message += _t("依据：", " Legal basis: ") + basis
        key = "requester_org_id" if decision.reason_code == "share_ask_itself" else "package_id"
        raise tk.ValidationError({key: [message]})
    actor = glue.engine_actor_from_context(context)
    fields = {"dataset_id": pkg.id, "purpose": _text(data_dict, "purpose")}
    for name in ("scope", "legal_basis"):
        if _text(data_dict, name):
            fields[name] = _text(data_dict, name)
    row = glue.submit("share_request", actor, pkg.owner_org, pkg.id, fields, requester_org_id=org.id)
    _commit_then_notify(row, "submitted")
    return glue.request_dict(row, actor)


# ------------------------------------------------------------------ show / act / list
@tk.side_effect_free
def govopen_request_show(context, data_dict):
    row = glue.get_row(tk.get_or_bust(data_dict, "id"))
    tk.check_access("govopen_request_show", context, {"id": row.id})
    return glue.request_dict(row, glue.engine_actor_from_context(context))


ACT_RESERVED = {"id", "action", "__extras", "__junk"}


def govopen_request_act(context, data_dict):
    """Take ``action`` on a request; the other keys are the action's fields.
    ``approver`` may be a user name or id. Refusals: ValidationError naming the
    rule (``rule``) with ``message`` in the user's language, or NotAuthorized."""
    row = glue.get_row(tk.get_or_bust(data_dict, "id"))
    tk.check_access("govopen_request_act", context, {"id": row.id})
    action = tk.get_or_bust(data_dict, "action")
    fields = {k: v for k, v in data_dict.items() if k not in ACT_RESERVED and v not in (None, "")}
    if fields.get("approver"):
        u = model.User.get(fields["approver"])
        if u is not None:
            fields["approver"] = u.id
    actor = glue.engine_actor_from_context(context)
    from . import demand as _demand  # issue 8: a review answered 'open' opens the entry
    _demand.before_act(row, action, fields)
    result = glue.act(row, action, actor, fields)
    _demand.before_commit(context, row, result, fields)
    grant = None
    if row.kind == "application" and result.event.from_state in ("approved", "suspended") \
            and action in ("suspend", "resume", "revoke"):
        grant = glue.grant_status_change(row, action, actor.user_id, fields.get("reasons"))
    elif row.kind in ("application", "share_request") and result.new_state == "approved":
        grant = glue.create_grant_for(row, actor.user_id, fields.get("conditions"))
    model.Session.commit()
    from ... import notifications
    if result.extended:
        notifications.notify(row, "extended", result.event.fields.get("reason", ""))
    elif result.new_state != result.event.from_state and not rq.is_open(glue.snapshot(row)):
        extra = fields.get("reasons", "")
        if fields.get("legal_basis"):
            extra += "\n" + _t("法律依据：", "Legal basis: ") + fields["legal_basis"]
        notifications.notify(row, "decided", extra.strip())
    _demand.after_commit(context, row, result, fields)  # issue 8: tell the demand's requesters
    out = glue.request_dict(row, actor)
    if grant is not None:
        out["grant"] = glue.grant_dict(grant)
    return out


def _sort_key(d):
    # overdue on top, then open by due date, then closed (newest first)
    if d["open"]:
        return (0 if d["overdue"] else 1, d["due_date"] or "9999", "")
    return (2, "", "~" if not d.get("decided_at") else "".join(chr(255 - ord(c)) for c in d["decided_at"]))


@tk.side_effect_free
def govopen_request_list(context, data_dict):
    """``scope``: ``mine`` (requests I filed, or my department filed: share
    requests), ``department`` (requests my departments must answer; all for the
    competent authority). Filters: kind, state, organization, open_only.
    Sorted: overdue on top, then by due date; each row has ``remaining_working_days``."""
    tk.check_access("govopen_request_list", context, data_dict)
    from ...model import Request
    actor = glue.engine_actor_from_context(context)
    scope = data_dict.get("scope") or "mine"
    q = model.Session.query(Request)
    if scope == "mine":
        orgs = list(actor.org_roles)
        cond = Request.requester_id == actor.user_id
        if orgs:
            cond = cond | ((Request.kind == "share_request") & Request.requester_org_id.in_(orgs))
        q = q.filter(cond)
    elif scope in ("department", "all"):
        if SYSADMIN_ROLE not in actor.roles:
            orgs = list(actor.org_roles)
            if not orgs:
                return []
            q = q.filter(Request.department_id.in_(orgs))
    else:
        # the choices in people's words, not their values (issue 14: "mine | department")
        raise tk.ValidationError({"scope": [_t("范围只能是“我的申请”或“待办申请”",
                                               "The scope is either my requests or requests to answer")]})
    if data_dict.get("organization"):
        org = model.Group.get(data_dict["organization"])
        q = q.filter(Request.department_id == (org.id if org else data_dict["organization"]))
    if data_dict.get("kind"):
        q = q.filter(Request.kind == data_dict["kind"])
    if data_dict.get("state"):
        q = q.filter(Request.state == data_dict["state"])
    rows = [r for r in q.all() if glue.may_view(actor, r)]
    out = [glue.request_dict(r, actor, full=False) for r in rows]
    if tk.asbool(data_dict.get("open_only")):
        out = [d for d in out if d["open"]]
    out.sort(key=_sort_key)
    return out


SYSADMIN_ROLE = "sysadmin"


# ------------------------------------------------------------------ grants of the caller
@tk.side_effect_free
def govopen_my_grants(context, data_dict):
    """The caller's grants (active and ended), newest first, with download counts."""
    tk.check_access("govopen_request_list", context, data_dict)
    from ...model import Grant, GrantDownload
    actor = glue.engine_actor_from_context(context)
    rows = (model.Session.query(Grant).filter(glue.grants_held_by(actor.user_id))
            .order_by(Grant.created.desc()).all())
    out = []
    for g in rows:
        d = glue.grant_dict(g)
        d["downloads"] = model.Session.query(GrantDownload).filter(GrantDownload.grant_id == g.id).count()
        out.append(d)
    return out


@tk.side_effect_free
def govopen_department_grant_list(context, data_dict):
    """Grants on one department's datasets (its admins/editors and the authority)."""
    org = model.Group.get(tk.get_or_bust(data_dict, "organization"))
    if org is None:
        raise tk.ObjectNotFound()
    tk.check_access("govopen_department_grant_list", context, {"organization": org.id})
    from ...model import Grant, GrantDownload
    pkg_ids = [p.id for p in model.Session.query(model.Package.id).filter(model.Package.owner_org == org.id)]
    if not pkg_ids:
        return []
    out = []
    for g in (model.Session.query(Grant).filter(Grant.package_id.in_(pkg_ids))
              .order_by(Grant.created.desc()).all()):
        d = glue.grant_dict(g)
        u = model.User.get(g.user_id)
        d["user_name"] = u.name if u else None
        d["downloads"] = model.Session.query(GrantDownload).filter(GrantDownload.grant_id == g.id).count()
        out.append(d)
    return out


@tk.side_effect_free
def govopen_grant_download_list(context, data_dict):
    from ...model import Grant, GrantDownload
    g = model.Session.query(Grant).get(tk.get_or_bust(data_dict, "grant_id"))
    if g is None:
        raise tk.ObjectNotFound()
    tk.check_access("govopen_grant_download_list", context, {"grant_id": g.id})
    return [r.as_dict() for r in model.Session.query(GrantDownload)
            .filter(GrantDownload.grant_id == g.id).order_by(GrantDownload.at.desc()).all()]


# ------------------------------------------------------------------ notifications
@tk.side_effect_free
def govopen_notification_list(context, data_dict):
    tk.check_access("govopen_request_list", context, data_dict)
    from ...model import Notification
    actor = glue.engine_actor_from_context(context)
    q = model.Session.query(Notification).filter(Notification.user_id == actor.user_id)
    if tk.asbool(data_dict.get("unread_only")):
        q = q.filter(Notification.read == False)  # noqa: E712
    return [n.as_dict() for n in q.order_by(Notification.created.desc()).limit(200).all()]


def govopen_notification_mark_read(context, data_dict):
    tk.check_access("govopen_request_list", context, data_dict)
    from ...model import Notification
    actor = glue.engine_actor_from_context(context)
    q = model.Session.query(Notification).filter(Notification.user_id == actor.user_id)
    if not tk.asbool(data_dict.get("all")):
        q = q.filter(Notification.id == tk.get_or_bust(data_dict, "id"))
    n = 0
    for row in q.all():
        row.read = True
        n += 1
    model.Session.commit()
    return {"marked": n}


# ------------------------------------------------------------------ statistics
def _percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    s = sorted(values)
    import math
    k = max(1, math.ceil(p / 100.0 * len(s)))
    return s[k - 1]


STATS_COLUMNS = ["organization", "organization_title", "received", "open", "approved", "rejected",
                 "withdrawn", "decided", "median_reply_days", "p90_reply_days", "overdue", "overdue_rate"]


@tk.side_effect_free
def _stats_period(data_dict):
    """(start, end) as naive UTC datetimes from ``since``/``until`` local days."""
    import datetime as _dt
    from ...domain.catalog import SHANGHAI
    out = []
    for key, shift in (("since", 0), ("until", 1)):
        value = (data_dict.get(key) or "").strip() if isinstance(data_dict.get(key), str) else data_dict.get(key)
        if not value:
            out.append(None)
            continue
        try:
            day = value if isinstance(value, _dt.date) else _dt.date.fromisoformat(str(value))
        except ValueError:
            raise tk.ValidationError({key: [_t("日期格式应为 YYYY-MM-DD", "Use the date format YYYY-MM-DD")]})
        local = _dt.datetime.combine(day + _dt.timedelta(days=shift), _dt.time(), tzinfo=SHANGHAI)
        out.append(local.astimezone(_dt.timezone.utc).replace(tzinfo=None))
    return tuple(out)


def govopen_stats(context, data_dict):
    """Public statistics per department, computed from the audit events: received
    (submit events), approved / rejected / withdrawn (final transitions), median
    and 90th-percentile reply time in working days (receipt → decision, the
    regulations' clock), overdue = decided after the due date or still open past
    it; overdue_rate = overdue / (decided + open past due). Optional period (issue 14):
    ``since`` / ``until`` (YYYY-MM-DD, days in Asia/Shanghai, both included) count the
    requests received in it."""
    tk.check_access("govopen_stats", context, data_dict)
    from ...model import Request, RequestEvent
    cal, j = glue.calendar(), glue.jurisdiction()
    today = glue.today_local()
    q = model.Session.query(Request)
    period = _stats_period(data_dict)
    if period[0] is not None:
        q = q.filter(Request.received_at >= period[0])
    if period[1] is not None:
        q = q.filter(Request.received_at < period[1])
    if data_dict.get("kind"):
        q = q.filter(Request.kind == data_dict["kind"])
    if data_dict.get("organization"):
        org = model.Group.get(data_dict["organization"])
        q = q.filter(Request.department_id == (org.id if org else ""))
    rows = q.all()
    events: Dict[str, list] = {}
    if rows:
        for e in (model.Session.query(RequestEvent)
                  .filter(RequestEvent.request_id.in_([r.id for r in rows])).order_by(RequestEvent.at)):
            events.setdefault(e.request_id, []).append(e)
    per: Dict[str, dict] = {}
    for r in rows:
        key = r.department_id or ""
        s = per.setdefault(key, {"received": 0, "open": 0, "approved": 0, "rejected": 0, "withdrawn": 0,
                                 "decided": 0, "reply_days": [], "overdue": 0, "due_passed": 0})
        evs = events.get(r.id, [])
        submit = next((e for e in evs if e.action == "submit"), None)
        if submit is None:
            continue
        s["received"] += 1
        final = rq.get_kind(r.kind).final_states
        decision = next((e for e in evs if e.to_state in final), None)
        if decision is None:
            s["open"] += 1
            if r.due_date and today > r.due_date:
                s["overdue"] += 1
                s["due_passed"] += 1
            continue
        if decision.to_state == "withdrawn":
            s["withdrawn"] += 1
            continue
        s["decided"] += 1
        s["due_passed"] += 1
        s["approved" if decision.to_state in DECIDED_OK else "rejected"] += 1
        days = workdays.working_days_between(workdays.utc(submit.at), workdays.utc(decision.at), cal, j.timezone)
        s["reply_days"].append(days)
        if r.due_date and workdays.to_local_date(workdays.utc(decision.at), j.timezone) > r.due_date:
            s["overdue"] += 1
    out = []
    for org_id, s in per.items():
        g = model.Group.get(org_id) if org_id else None
        days = s.pop("reply_days")
        due_passed = s.pop("due_passed")
        out.append(dict(s, organization=g.name if g else None,
                        organization_title=(g.title or g.name) if g else _t("主管部门", "Competent authority"),
                        median_reply_days=statistics.median(days) if days else None,
                        p90_reply_days=_percentile(days, 90) if days else None,
                        overdue_rate=round(s["overdue"] / due_passed, 4) if due_passed else 0.0))
    out.sort(key=lambda d: (-d["received"], d["organization_title"] or ""))
    return out


# ------------------------------------------------------------------ calendar
def govopen_calendar_day_set(context, data_dict):
    """Enter (or with ``delete`` remove) one calendar day, e.g. the 2027 notice:
    {day: 2027-02-06, workday: false, name: 春节, source: 国办发明电〔2026〕N号}.
    Open requests' due dates are recomputed."""
    tk.check_access("govopen_calendar_day_set", context, data_dict)
    from ...model import CalendarDay
    errors = {}
    day = _date(data_dict.get("day"), "day", errors)
    if day is None and "day" not in errors:
        errors["day"] = [_t("必填", "Missing value")]
    delete = tk.asbool(data_dict.get("delete"))
    if not delete and data_dict.get("workday") in (None, ""):
        errors["workday"] = [_t("必填（true 工作日 / false 休息日）", "Missing value (true/false)")]
    if errors:
        raise tk.ValidationError(errors)
    juris = data_dict.get("jurisdiction") or ""
    row = (model.Session.query(CalendarDay).filter(CalendarDay.day == day)
           .filter(CalendarDay.jurisdiction == juris).first())
    user = model.User.get(context.get("user"))
    if delete:
        if row is not None:
            model.Session.delete(row)
        result = {"day": day.isoformat(), "deleted": True}
    else:
        if row is None:
            row = CalendarDay(day=day, jurisdiction=juris)
            model.Session.add(row)
        row.workday = tk.asbool(data_dict.get("workday"))
        row.name = data_dict.get("name") or ""
        row.source = data_dict.get("source") or ""
        row.created_by = user.id if user else None
        result = None
    model.Session.flush()
    audit.record(model.Session, user.id if user else None, "calendar.day_deleted" if delete else "calendar.day_set", day.isoformat(), {k: data_dict.get(k) for k in ("day", "workday", "name", "source", "jurisdiction", "delete")})
    changed = glue.recompute_open_due_dates()
    model.Session.commit()
    if result is None:
        result = row.as_dict()
    result["due_dates_changed"] = changed
    return result


def govopen_calendar_year_set(context, data_dict):
    """Mark a year's official schedule as entered (``official`` true) or not."""
    tk.check_access("govopen_calendar_day_set", context, data_dict)
    from ...model import CalendarYear
    try:
        year = int(tk.get_or_bust(data_dict, "year"))
    except (TypeError, ValueError):
        raise tk.ValidationError({"year": ["Invalid"]})
    juris = data_dict.get("jurisdiction") or ""
    row = model.Session.query(CalendarYear).get((year, juris))
    if row is None:
        row = CalendarYear(year=year, jurisdiction=juris)
        model.Session.add(row)
    row.official = tk.asbool(data_dict.get("official", True))
    row.source = data_dict.get("source") or row.source or ""
    model.Session.flush()
    audit.record(model.Session, getattr(model.User.get(context.get("user") or ""), "id", None), "calendar.year_set", str(year), row.as_dict())
    changed = glue.recompute_open_due_dates()
    model.Session.commit()
    return dict(row.as_dict(), due_dates_changed=changed)


@tk.side_effect_free
def govopen_calendar_list(context, data_dict):
    """Database calendar entries (+ which years have an official schedule)."""
    tk.check_access("govopen_calendar_list", context, data_dict)
    from ...model import CalendarDay, CalendarYear
    q = model.Session.query(CalendarDay).order_by(CalendarDay.day)
    year = data_dict.get("year")
    if year:
        y = int(year)
        q = q.filter(CalendarDay.day >= dt.date(y, 1, 1)).filter(CalendarDay.day <= dt.date(y, 12, 31))
    cal = glue.calendar()
    return {"days": [d.as_dict() for d in q.all()],
            "years": [y.as_dict() for y in model.Session.query(CalendarYear).order_by(CalendarYear.year)],
            "official_years": sorted(cal.official_years),
            "jurisdiction": glue.jurisdiction().code}


def get_actions():
    return {f.__name__: f for f in (
        govopen_application_create, govopen_share_request_create, govopen_share_request_options,
        govopen_request_show,
        govopen_request_act, govopen_request_list, govopen_my_grants, govopen_department_grant_list,
        govopen_grant_download_list, govopen_notification_list, govopen_notification_mark_read,
        govopen_stats, govopen_calendar_day_set, govopen_calendar_year_set, govopen_calendar_list)}
