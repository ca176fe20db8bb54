"""The per-resource gate row: fingerprints, resets, enqueueing, staleness, and the
plain value the access policy is asked with.

Fail closed by construction: a resource is public only when a row exists whose
``fingerprint`` matches the resource's current file or link and whose job and
review passed (``open_types.publication_status``). Any path that changes the file
(web form, resource_create/update/patch, package_update, ckanapi) changes the
fingerprint, so the old review no longer counts even before the hooks re-queue it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import uuid
from pathlib import PurePosixPath
from typing import Any, Iterable, Optional
from urllib.parse import urlparse

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..domain import open_types as ot
from .. import audit

log = logging.getLogger(__name__)

#: formats desensitize reads (by resource format or file suffix)
TABULAR_FORMATS = {"csv", "xlsx", "xlsm", "jsonl", "ndjson", "txt/csv"}
TABULAR_SUFFIXES = {".csv", ".xlsx", ".xlsm", ".jsonl", ".ndjson"}

KIND_TABULAR, KIND_FILE, KIND_LINK = "tabular", "file", "link"

#: a clerk-readable reason and what to do, per failure code
FAILURES = {
    "input": ("文件无法按表格读取", "The file cannot be read as a table",
              "请检查文件：另存为 UTF-8 或 GBK 编码的 CSV（或 XLSX），每行列数与表头一致、表头无重复，然后重新上传。",
              "Check the file: save it as UTF-8 or GBK CSV (or XLSX), every row with as many cells "
              "as the header, no duplicate headers, then upload it again."),
    "policy": ("脱敏策略有误", "The desensitization policy is invalid",
               "请部门管理员在「脱敏策略」页面修正策略，保存后任务会自动重新运行。",
               "Ask the department admin to fix the policy on the policy page; the job re-runs on save."),
    "residual": ("残留扫描发现输出中仍有个人信息，文件未发布", "The residual scan still found personal data; nothing was published",
                 "请在脱敏策略中为所列列指定处理方式（如 mask、hash 或 drop），保存后任务会重新运行。",
                 "Give the listed columns an operator in the policy (mask, hash or drop); the job re-runs on save."),
    "timeout": ("处理超时，文件未发布", "The job timed out; nothing was published",
                "请稍后点击「重新运行」；如仍超时，请拆分文件或联系平台管理员。",
                "Click re-run later; if it times out again, split the file or contact the portal administrator."),
    "stale": ("处理任务意外中断（后台进程停止响应），文件未发布",
              "The job stopped unexpectedly (the worker stopped responding); nothing was published",
              "请点击「重新运行」。", "Click re-run."),
    "lost": ("处理任务已丢失（任务队列被清空或重启），文件未发布",
             "The job was lost (the job queue was emptied or restarted); nothing was published",
             "请点击「重新运行」。", "Click re-run."),
    "missing": ("找不到原始文件", "The original file is missing",
                "请重新上传文件。", "Upload the file again."),
    "internal": ("系统内部错误，文件未发布", "Internal error; nothing was published",
                 "请点击「重新运行」；如仍失败，请联系平台管理员并提供资源编号。",
                 "Click re-run; if it fails again, contact the portal administrator with the resource id."),
}


def failure(code: str, detail: Optional[str] = None) -> dict:
    zh, en, hint_zh, hint_en = FAILURES[code]
    return {"code": code, "message_zh": zh, "message_en": en, "hint_zh": hint_zh,
            "hint_en": hint_en, "detail": detail}


# ------------------------------------------------------------------ settings
def gate_enabled() -> bool:
    return tk.asbool(tk.config.get("govopen.publication.gate", True))


def stale_seconds() -> int:
    return int(tk.config.get("govopen.publication.stale_seconds", 60) or 60)


def queue_name() -> str:
    return tk.config.get("govopen.publication.queue") or "default"


def keep_original() -> bool:
    return tk.asbool(tk.config.get("govopen.publication.keep_original", True))


# ------------------------------------------------------------------ values
def _res_get(res: Any, key: str):
    if isinstance(res, dict):
        return res.get(key)
    return getattr(res, key, None)


TYPE_MARK = "|type:"


def fingerprint(res: Any) -> str:
    """Which file/link a resource has now, and as what it is served: upload (name +
    upload time) or URL, then its declared type (mimetype and format). A change of
    any of them is a new file for the gate (issue 12, finding 2: a passed CSV patched
    to ``mimetype=text/html`` must leave the public until it passes again)."""
    mimetype = (_res_get(res, "mimetype") or "").strip().lower()
    fmt = (_res_get(res, "format") or "").strip().lower()
    return "%s%s%s|%s" % (file_fingerprint(res), TYPE_MARK, mimetype, fmt)


def same_file(stored_fingerprint: Optional[str], res: Any) -> bool:
    """The stored fingerprint names the resource's current file/link (its type may
    differ): the kept original can be processed again instead of a new upload."""
    return (stored_fingerprint or "").split(TYPE_MARK, 1)[0] == file_fingerprint(res)


def file_fingerprint(res: Any) -> str:
    """Which file/link a resource has now: upload (name + upload time) or URL."""
    url_type = _res_get(res, "url_type") or ""
    url = _res_get(res, "url") or ""
    lm = _res_get(res, "last_modified")
    if isinstance(lm, (dt.datetime, dt.date)):
        lm = lm.isoformat()
    if url_type == "upload":
        url = url.rsplit("/", 1)[-1]  # dicts carry the full download URL, the model the name
        return f"upload|{url}|{(lm or '')[:26]}"
    return f"{url_type}|{url}"


def kind_for(res: Any) -> str:
    if (_res_get(res, "url_type") or "") != "upload":
        return KIND_LINK
    fmt = (_res_get(res, "format") or "").strip().lower()
    suffix = PurePosixPath((_res_get(res, "url") or "").split("?")[0]).suffix.lower()
    if fmt in TABULAR_FORMATS or suffix in TABULAR_SUFFIXES:
        return KIND_TABULAR
    return KIND_FILE


def get_row(resource_id: str):
    from ..model import Publication
    return model.Session.query(Publication).get(resource_id) if resource_id else None


def rows_for(resource_ids: Iterable[str]) -> dict:
    from ..model import Publication
    ids = [i for i in resource_ids if i]
    if not ids:
        return {}
    return {r.resource_id: r for r in
            model.Session.query(Publication).filter(Publication.resource_id.in_(ids)).all()}


def value_of(row, res: Any = None) -> ot.Publication:
    """The plain gate value of a row (None → nothing processed)."""
    if row is None:
        return ot.Publication(state=None)
    report = row.report or {}
    current = res is None or row.fingerprint == fingerprint(res)
    review = row.review or {}
    signed = bool(review.get("signed_at")) and review.get("token") == row.token
    types = types_of(row.package_id)
    kan = report.get("k_anonymity") or {}
    return ot.Publication(k_anonymity_met=not (kan.get("k") is not None and kan.get("passed") is False),
                          state=row.state, current=current,
                          residual_passed=bool((report.get("residual") or {}).get("passed")),
                          needs_attestation=row.kind in (KIND_FILE, KIND_LINK),
                          review_signed=signed, reviewed_open_type=review.get("open_type"),
                          open_type=types.get("open_type"),
                          reviewed_share_type=review.get("share_type"),
                          share_type=types.get("share_type"))


def types_of(package_id: Optional[str]) -> dict:
    """The entry's open type and share type now (the review attests both)."""
    pkg = model.Package.get(package_id) if package_id else None
    extras = (pkg.extras or {}) if pkg is not None else {}
    return {"open_type": extras.get("open_type"), "share_type": extras.get("share_type")}


def open_type_of(package_id: Optional[str]) -> Optional[str]:
    return types_of(package_id).get("open_type")


def resource_passed(res: Any) -> Optional[bool]:
    """``Resource.publication_passed`` for the access policy (None: gate off)."""
    if not gate_enabled():
        return None
    rid = _res_get(res, "id")
    if not rid:
        return False
    obj = model.Resource.get(rid)
    if obj is None:
        return False
    # Asked while CKAN indexes the entry, i.e. inside the session's before_commit: no
    # autoflush there, and never a rollback (that would end the caller's transaction and
    # CKAN's commit would fail with a 500 — found by an outside test).
    try:
        with model.Session.no_autoflush:
            row = get_row(rid)
    except Exception:  # table missing (plugin not migrated): fail closed
        log.exception("govopen_publication not readable")
        return False
    return ot.publication_passed(value_of(row, obj))


# ------------------------------------------------------------------ record
#: gate events that also go into the dataset's history (its activity stream); the
#: audit table (govopen_publication_event) keeps every event, these included
HISTORY_ACTIONS = ("uploaded", "requeued", "succeeded", "failed", "reviewed", "withdrawn",
                   "published", "policy_changed")
#: what of an event's detail the history shows (never paths, notes or checklists)
HISTORY_DETAIL = ("policy_version", "version", "report_hash", "code", "reason", "kind",
                  "old_open_type", "new_open_type", "old_share_type", "new_share_type")


def history_values(action: str, resource_id: Optional[str], package_id: Optional[str],
                   user_id: Optional[str], detail: dict) -> Optional[dict]:
    """Column values of the 'changed package' activity that puts a gate event into
    the dataset's history, or None (not a history event, no activity plugin, no
    dataset). Labelled for the department's members only: the history of uploads,
    jobs and reviews is the department's and the authority's record, not the public's.
    Used by :func:`record` (web requests) and by the job (its own connection)."""
    import ckan.plugins as p
    if action not in HISTORY_ACTIONS or not package_id or not p.plugin_loaded("activity"):
        return None
    pkg = model.Package.get(package_id)
    if pkg is None:
        return None
    res = model.Resource.get(resource_id) if resource_id else None
    if user_id is None:  # the job (or a staleness check): the platform acted
        user_id = platform_user_id()
    event = {"action": action, "resource_id": resource_id,
             "resource_name": res.name if res is not None else None}
    event.update({k: detail[k] for k in HISTORY_DETAIL if detail.get(k) is not None})
    labels = ["member-%s" % pkg.owner_org] if pkg.owner_org else ["creator-%s" % pkg.creator_user_id]
    return {"id": str(uuid.uuid4()), "timestamp": dt.datetime.utcnow(), "user_id": user_id,
            "object_id": pkg.id, "activity_type": "changed package",
            "data": {"package": {"id": pkg.id, "name": pkg.name, "title": pkg.title,
                                 "type": pkg.type, "owner_org": pkg.owner_org,
                                 "private": pkg.private},
                     "govopen_publication": event},
            "permission_labels": labels}


PLATFORM_USER = "govopen-platform"


def platform_user_id() -> str:
    """The account the dataset history names for what the platform did by itself (the
    desensitization job, a lost job found). Not CKAN's site user: activity streams
    hide the site user's activities. It cannot sign in (random password) and holds
    no role anywhere."""
    import secrets
    user = model.User.get(PLATFORM_USER)
    if user is None:
        user = model.User(name=PLATFORM_USER, fullname="数据开放平台（自动处理）",
                          password=secrets.token_urlsafe(48), about="GovOpen publication gate")
        model.Session.add(user)
        model.Session.flush()
    return user.id


def activity_table():
    from ckanext.activity.model import Activity
    return Activity.__table__


def record(action: str, resource_id: Optional[str], package_id: Optional[str],
           user_id: Optional[str] = None, **detail) -> None:
    """An audit row for a gate event, and for history events an activity, both in the
    caller's transaction (they commit or roll back with the change they record)."""
    from ..model import PublicationEvent
    model.Session.add(PublicationEvent(resource_id=resource_id, package_id=package_id,
                                       user_id=user_id, action=action, detail=detail or None))
    audit.record(model.Session, user_id, "publication." + action, resource_id or package_id, dict(detail, package_id=package_id, resource_id=resource_id))
    values = history_values(action, resource_id, package_id, user_id, detail)
    if values is not None:
        model.Session.execute(activity_table().insert().values(**values))


def user_id_of(context_or_user: Any) -> Optional[str]:
    user = context_or_user.get("user") if isinstance(context_or_user, dict) else context_or_user
    if not user:
        return None
    u = model.User.get(user)
    return u.id if u else None


def report_hash(report: Optional[dict]) -> Optional[str]:
    if report is None:
        return None
    data = json.dumps(report, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------ policies
def effective_policy(package_id: str):
    """(policy row or None) for a dataset: its own override, else its department's
    default, else None (desensitize's default policy)."""
    from ..model import PublicationPolicy
    pkg = model.Package.get(package_id)
    if pkg is None:
        return None
    own = (model.Session.query(PublicationPolicy)
           .filter(PublicationPolicy.package_id == pkg.id).first())
    if own is not None:
        return own
    if not pkg.owner_org:
        return None
    return (model.Session.query(PublicationPolicy)
            .filter(PublicationPolicy.org_id == pkg.owner_org)
            .filter(PublicationPolicy.package_id.is_(None)).first())


# ------------------------------------------------------------------ resets
def _link_report(res) -> dict:
    url = _res_get(res, "url") or ""
    return {"kind": KIND_LINK, "needs_attestation": True, "url_host": urlparse(url).hostname,
            "message_zh": "外部链接无法自动脱敏：审核人须核查链接指向的内容并签署确认后，方可对外提供。",
            "message_en": "An external link cannot be desensitized automatically: the reviewer must "
                          "check what it points to and attest before it is released.",
            "residual": {"passed": None}}


def reset(row, res, pkg, user_id: Optional[str], reason: str) -> None:
    """Start the gate over for the resource's current file/link: new attempt token,
    no report, no review (an old signature never carries over). The DataStore copy of the
    previous file leaves in this same step (issue 16)."""
    from . import datastore
    datastore.unload(row.resource_id)
    row.token = str(uuid.uuid4())
    row.fingerprint = fingerprint(res)
    row.kind = kind_for(res)
    row.package_id = pkg.id
    row.org_id = pkg.owner_org
    row.rows_done, row.rows_total = 0, None
    row.report = row.report_hash = row.error = row.review = None
    row.started_at = row.heartbeat_at = row.finished_at = None
    row.queued_at = dt.datetime.utcnow()
    row.rq_job_id = None
    if row.kind == KIND_LINK:
        row.state = ot.PUB_SUCCEEDED
        row.report = _link_report(res)
        row.report_hash = report_hash(row.report)
        row.finished_at = row.queued_at
        row.original_path = row.original_name = None
    else:
        row.state = ot.PUB_QUEUED
        if reason == "upload":  # a new upload: its file is not taken yet
            row.original_path = None
            row.original_name = (_res_get(res, "url") or "").rsplit("/", 1)[-1] or None
            row.uploaded_by = user_id
    record({"policy": "requeued", "rerun": "requeued", "type": "requeued"}.get(reason, "uploaded"),
           res.id, pkg.id,
           user_id, kind=row.kind, fingerprint=row.fingerprint, token=row.token, reason=reason)


def sync_package(package_id: str, context: dict, files_ready: bool) -> list:
    """Bring every active resource's row in line with its current file/link.
    Returns the rows that need a job (file moved, ready to enqueue after commit)."""
    from ..model import Publication
    pkg = model.Package.get(package_id)
    if pkg is None or not gate_enabled():
        return []
    uid = user_id_of(context)
    resources = [r for r in pkg.resources if r.state == "active"]
    rows = rows_for([r.id for r in resources])
    ready = []
    for res in resources:
        row = rows.get(res.id)
        if row is None:
            row = Publication(resource_id=res.id, package_id=pkg.id, fingerprint="")
            model.Session.add(row)
        if row.fingerprint != fingerprint(res):
            if row.fingerprint and same_file(row.fingerprint, res) and (
                    row.original_path or kind_for(res) == KIND_LINK):
                # the same file declared as another type: withdrawn, processed again
                was_passed = ot.publication_passed(value_of(row))
                reset(row, res, pkg, uid, "type")
                if was_passed:
                    record("withdrawn", res.id, pkg.id, uid, reason="type_changed")
                if row.kind != KIND_LINK:
                    ready.append(row)
            else:
                reset(row, res, pkg, uid, "upload")
        if files_ready and row.kind != KIND_LINK and row.state == ot.PUB_QUEUED \
                and not row.original_path:
            if take_file(row):
                ready.append(row)
    return ready


def note_type_change(package_id: str, field: str, old: Optional[str], new: Optional[str],
                     context: dict) -> None:
    """A widened open type or share type takes back files whose review was signed for
    the narrower one (``open_types.review_covers``; the withdrawal itself is the
    policy's answer, read from the stored review): record them as withdrawn, so the
    history says why they stopped being public and the reviewer knows to sign again."""
    pkg = model.Package.get(package_id)
    if pkg is None or not gate_enabled():
        return
    uid = user_id_of(context)
    resources = [r for r in pkg.resources if r.state == "active"]
    for res_id, row in rows_for([r.id for r in resources]).items():
        value = value_of(row)
        reviewed = value.reviewed_share_type if field == "share_type" else value.reviewed_open_type
        if value.review_signed and ot.review_covers(reviewed, old, field) \
                and not ot.review_covers(reviewed, new, field):
            record("withdrawn", res_id, pkg.id, uid, reason="%s_widened" % field,
                   **{"old_" + field: old, "new_" + field: new})
            from . import datastore  # issue 16: its DataStore copy leaves with it
            datastore.unload(res_id)


def note_open_type_change(package_id: str, old: Optional[str], new: Optional[str],
                          context: dict) -> None:
    note_type_change(package_id, "open_type", old, new, context)


def take_file(row) -> bool:
    from . import storage
    path = storage.take_original(row.resource_id, row.token, row.original_name)
    if path is None:
        return False
    row.original_path = str(path)
    return True


# ------------------------------------------------------------------ jobs
def enqueue(rows: Iterable) -> None:
    from . import job
    for row in rows:
        try:
            j = tk.enqueue_job(job.run, [row.resource_id, row.token],
                               title="govopen publication %s" % row.resource_id,
                               queue=queue_name(),
                               rq_kwargs={"timeout": int(tk.config.get(
                                   "govopen.publication.timeout", 3600) or 3600)})
            row.rq_job_id = j.id
        except Exception:  # Redis down: stays queued; re-run or the staleness check shows it
            log.exception("could not enqueue the publication job of %s", row.resource_id)


#: What rq says of a job that no worker will start again.
_JOB_ENDED = ("finished", "failed", "stopped", "canceled")


def _job_lost(row) -> bool:
    """No worker will ever run the row's job: the queue no longer holds it (never
    enqueued because Redis was down, or Redis was emptied or restarted: ours keeps
    nothing on disk), or it holds it as ended although the row still says queued (a
    worker of another site or an older deployment on the same Redis and queue took it
    and never wrote to our database). Unknown (Redis unreachable now) counts as not lost."""
    if not row.rq_job_id:
        return True
    try:
        from ckan.lib.redis import connect_to_redis
        from rq.exceptions import NoSuchJobError
        from rq.job import Job
        try:
            job = Job.fetch(row.rq_job_id, connection=connect_to_redis())
        except NoSuchJobError:
            return True
        status = job.get_status(refresh=False)
        return str(getattr(status, "value", status)) in _JOB_ENDED
    except Exception:
        log.warning("cannot ask Redis for job %s", row.rq_job_id, exc_info=True)
        return False


def check_stale(row) -> bool:
    """Fail closed on jobs that will never finish: a running job whose heartbeat
    stopped, or a job queued longer than the staleness limit that the queue has lost.
    True if the row changed."""
    if row is None or row.state not in (ot.PUB_RUNNING, ot.PUB_QUEUED) or row.kind == KIND_LINK:
        return False
    now = dt.datetime.utcnow()
    if row.state == ot.PUB_RUNNING:
        beat = row.heartbeat_at or row.started_at
        if beat and (now - beat).total_seconds() <= stale_seconds():
            return False
        code = "stale"
    else:
        if not row.queued_at or (now - row.queued_at).total_seconds() <= stale_seconds() \
                or not _job_lost(row):
            return False
        code = "lost"
    row.state = ot.PUB_FAILED
    row.error = failure(code)
    row.finished_at = now
    record("failed", row.resource_id, row.package_id, None, code=code, token=row.token)
    return True
