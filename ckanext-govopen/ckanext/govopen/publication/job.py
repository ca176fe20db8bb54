"""The publication job: desensitize one resource's original into its public copy.

Runs in ``ckan jobs worker`` (or in-process for the demo and tests). Safe to run
again: it reads the private original, writes the public copy to a temporary name
and renames it (desensitize's AtomicTableWriter; ``storage.publish_copy`` for files
that are copied as they are), and records the result only if its attempt token is
still the row's (a newer upload or policy change supersedes it).

While it runs, a heartbeat thread stamps ``heartbeat_at`` every 2 s and the progress
callback writes ``rows_done / rows_total`` at most every 0.5 s, both on their own
database connections; a job that dies stops the heartbeat and is shown as failed
by ``state.check_stale``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import threading
import time
from typing import Optional

import sqlalchemy as sa

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2.0
PROGRESS_SECONDS = 0.5


def _now():
    return dt.datetime.utcnow()


def _table():
    from ..model import Publication
    return Publication.__table__


def _update(engine, resource_id, token, **values) -> int:
    t = _table()
    with engine.begin() as conn:
        res = conn.execute(sa.update(t).where(t.c.resource_id == resource_id)
                           .where(t.c.token == token).values(updated=_now(), **values))
        return res.rowcount


class _Heartbeat(threading.Thread):
    def __init__(self, engine, resource_id, token):
        super().__init__(daemon=True, name="govopen-heartbeat")
        self.engine, self.resource_id, self.token = engine, resource_id, token
        self.stop = threading.Event()

    def run(self):
        while not self.stop.wait(HEARTBEAT_SECONDS):
            try:
                _update(self.engine, self.resource_id, self.token, heartbeat_at=_now())
            except Exception:
                log.exception("heartbeat")


def _secret_env():
    """hash / consistent pseudonyms need a key: the portal's, never in a policy file."""
    import ckan.plugins.toolkit as tk
    if os.environ.get("DESENSITIZE_SECRET"):
        return
    secret = tk.config.get("govopen.publication.secret") or hashlib.sha256(
        ("govopen-desensitize:" + str(tk.config.get("SECRET_KEY") or "")).encode()).hexdigest()
    os.environ["DESENSITIZE_SECRET"] = secret


def _k_anonymity_min() -> Optional[int]:
    """The jurisdiction's minimum k for the k-anonymity check (config/jurisdictions/*.yaml
    ``k_anonymity_min``); None if the jurisdiction file cannot be read."""
    try:
        from ..logic import requests_glue
        return requests_glue.jurisdiction().k_anonymity_min
    except Exception:
        log.exception("jurisdiction not readable: default minimum k")
        return None


def _wait_for_row(resource_id, token, seconds=15.0):
    """The enqueuing transaction may commit a moment after the job starts."""
    import ckan.model as model
    from ..model import Publication
    started = time.time()
    while True:
        model.Session.remove()
        row = model.Session.query(Publication).get(resource_id)
        if row is not None and row.token == token:
            return row
        # no row at all after a few seconds: not this database's resource (or gone)
        if time.time() - started > (seconds if row is not None else min(seconds, 4.0)):
            return None
        time.sleep(0.3)


def run(resource_id: str, token: str) -> str:
    """Process one attempt. Returns the final state (or 'superseded')."""
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    import desensitize

    from ..domain import open_types as ot
    from . import state, storage

    row = _wait_for_row(resource_id, token)
    if row is None or row.state not in (ot.PUB_QUEUED, ot.PUB_RUNNING):
        return "superseded"
    engine = model.meta.engine
    package_id, kind = row.package_id, row.kind
    original = row.original_path
    if not _update(engine, resource_id, token, state=ot.PUB_RUNNING, started_at=_now(),
                   heartbeat_at=_now(), rows_done=0, error=None):
        return "superseded"
    _record(engine, "started", resource_id, package_id, token=token)
    beat = _Heartbeat(engine, resource_id, token)
    beat.start()
    last = [0.0]

    def progress(done, total):
        now = time.monotonic()
        if now - last[0] >= PROGRESS_SECONDS or (total is not None and done >= total):
            last[0] = now
            _update(engine, resource_id, token, rows_done=int(done),
                    rows_total=None if total is None else int(total), heartbeat_at=_now())

    policy_row = state.effective_policy(package_id)
    policy_info = ({"policy_id": policy_row.id, "policy_version": policy_row.version}
                   if policy_row is not None else {"policy_id": None, "policy_version": 0})
    policy_yaml = policy_row.yaml if policy_row is not None else None
    model.Session.remove()
    try:
        if not original or not os.path.exists(original):
            return _fail(engine, resource_id, package_id, token, state.failure("missing"))
        # what an earlier attempt killed mid-way left (issue 19)
        storage.discard_partial_copies(resource_id)
        sha, size = storage.sha256_file(original)
        _update(engine, resource_id, token, original_sha256=sha, original_size=size, **policy_info)
        if kind == state.KIND_TABULAR:
            import yaml
            _secret_env()
            policy = yaml.safe_load(policy_yaml) if policy_yaml else None
            report = desensitize.apply(
                original, storage.public_path(resource_id), policy, progress=progress,
                min_k=_k_anonymity_min(),
                chunk_rows=int(tk.config.get("govopen.publication.chunk_rows", 10000) or 10000),
                workers=(int(tk.config.get("govopen.publication.workers")) if
                         tk.config.get("govopen.publication.workers") else None))
            out = report.to_dict()
            out["input"] = out["output"] = None  # no server paths in the report
            out["kind"] = state.KIND_TABULAR
            out["needs_attestation"] = False
            rows = int(out.get("rows") or 0)
        else:
            storage.publish_copy(original, resource_id)
            out = {"kind": state.KIND_FILE, "needs_attestation": True, "size": size,
                   "message_zh": "该文件（PDF、图片、压缩包、文档等）无法自动脱敏：已原样保存，审核人须逐项核查内容并签署确认后方可对外提供。",
                   "message_en": "This file (PDF, image, archive, document…) cannot be desensitized "
                                 "automatically: it is kept as is, and the reviewer must check it "
                                 "and attest before it is released.",
                   "residual": {"passed": None}}
            rows = 0
        out["original_sha256"] = sha
        out.update(policy_info)
        digest = state.report_hash(out)
        done = _update(engine, resource_id, token, state=ot.PUB_SUCCEEDED, report=out,
                       report_hash=digest, rows_done=rows, rows_total=rows or None,
                       finished_at=_now(), error=None)
        if not done:
            return "superseded"
        _record(engine, "succeeded", resource_id, package_id, token=token, report_hash=digest,
                original_sha256=sha, **policy_info)
        _notify_reviewers(engine, resource_id, package_id, token)
        if not state.keep_original() and kind == state.KIND_TABULAR:
            storage.discard_original(original)
            _update(engine, resource_id, token, original_path=None)
        return ot.PUB_SUCCEEDED
    except desensitize.ResidualPIIError as e:
        report = dict(e.report or {})
        report["input"] = report["output"] = None
        cols = ", ".join(sorted({f["column"] for f in e.findings}))
        return _fail(engine, resource_id, package_id, token, state.failure("residual", cols), report)
    except desensitize.PolicyError as e:
        return _fail(engine, resource_id, package_id, token, state.failure("policy", _clean(e, original)))
    except desensitize.InputError as e:
        return _fail(engine, resource_id, package_id, token, state.failure("input", _clean(e, original)))
    except BaseException as e:  # timeouts (rq's JobTimeoutException), crashes: fail closed
        code = "timeout" if "timeout" in type(e).__name__.lower() else "internal"
        log.exception("publication job %s failed", resource_id)
        _fail(engine, resource_id, package_id, token, state.failure(code, type(e).__name__))
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
        return ot.PUB_FAILED
    finally:
        beat.stop.set()


def _clean(error, original: Optional[str]) -> str:
    """The error text without the server's private path."""
    text = str(error)
    if original:
        text = text.replace(original, "").replace(os.path.basename(original), "")
    return text.rstrip(": ")


def _fail(engine, resource_id, package_id, token, error: dict, report: Optional[dict] = None):
    from ..domain import open_types as ot
    from . import state
    values = {"state": ot.PUB_FAILED, "error": error, "finished_at": _now()}
    if report is not None:
        report["kind"] = state.KIND_TABULAR
        values["report"] = report
        values["report_hash"] = state.report_hash(report)
    _update(engine, resource_id, token, **values)
    _record(engine, "failed", resource_id, package_id, token=token, code=error["code"],
            detail=error.get("detail"))
    return ot.PUB_FAILED


def _notify_reviewers(engine, resource_id, package_id, token):
    """issue 14: the department's reviewers (its admins) are told that a file waits for
    the confidentiality review (one notification per attempt; the queue page lists it).
    Never fails the job."""
    import uuid
    try:
        from ..model import Notification
        with engine.begin() as conn:
            pkg = conn.execute(sa.text("SELECT title, name, owner_org FROM package WHERE id = :p"),
                               {"p": package_id}).first()
            res = conn.execute(sa.text("SELECT name FROM resource WHERE id = :r"), {"r": resource_id}).first()
            if pkg is None or not pkg.owner_org:
                return
            admins = conn.execute(sa.text(
                "SELECT m.table_id FROM member m JOIN \"user\" u ON u.id = m.table_id "
                "WHERE m.group_id = :o AND m.table_name = 'user' AND m.capacity = 'admin' "
                "AND m.state = 'active' AND u.state = 'active'"), {"o": pkg.owner_org}).all()
            message = "「%s」（%s）已完成脱敏处理，等待保密审查。\n%s is desensitized and waits for the confidentiality review." % (
                (res.name if res is not None else None) or resource_id, pkg.title or pkg.name,
                (res.name if res is not None else None) or resource_id)
            for (uid,) in admins:
                key = "publication_review:%s:%s:%s" % (resource_id, token, uid)
                if conn.execute(sa.select(Notification.__table__.c.id).where(
                        Notification.__table__.c.dedup_key == key)).first():
                    continue
                conn.execute(sa.insert(Notification.__table__).values(
                    id=str(uuid.uuid4()), user_id=uid, request_id=None, kind="publication_review",
                    message=message, created=_now(), read=False, dedup_key=key))
    except Exception:
        log.exception("publication job %s: reviewer notification failed", resource_id)


def _record(engine, action, resource_id, package_id, user_id=None, **detail):
    """``state.record`` on the job's own connection (the audit row and, for history
    events, the dataset's activity, in one transaction)."""
    import uuid
    from ..model import PublicationEvent
    from . import state
    from .. import audit
    import ckan.model as model
    history = state.history_values(action, resource_id, package_id, user_id, detail)
    model.Session.commit()  # the platform account, if history_values had to create it
    with engine.begin() as conn:
        conn.execute(sa.insert(PublicationEvent.__table__).values(
            id=str(uuid.uuid4()), resource_id=resource_id, package_id=package_id,
            user_id=user_id, action=action, detail=detail, created=_now()))
        audit.record(conn, user_id, "publication." + action, resource_id or package_id, dict(detail, package_id=package_id, resource_id=resource_id))
        if history is not None:
            conn.execute(state.activity_table().insert().values(**history))
