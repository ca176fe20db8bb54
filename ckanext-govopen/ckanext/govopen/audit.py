"""The tamper-evident audit trail (防篡改审计链, issue 18): CKAN/database glue.

``record(session, actor, event, subject, data)`` is THE function every accountable
event goes through. It appends one row to ``govopen_audit`` in the caller's
transaction (the event and its audit row commit or roll back together): it locks
the one-row head table ``govopen_audit_head`` (``SELECT … FOR UPDATE``), takes the
next id and the previous hash from it, writes the row with its SHA-256 chain hash
(``domain/audit_chain.py``) and moves the head. Two transactions appending at once
queue on the head row, so the chain never forks; the lock is held until the
caller's transaction ends.

``verify()``, ``export()``, ``anchor()``, ``archive()`` back the CLI
``ckan govopen audit verify|export|anchor|archive`` and the authority's actions.

Event names are ``<area>.<what>``: ``request.<action>`` (submit, approve, …),
``grant.created`` / ``grant.revoked``, ``download.grant`` / ``download.conditional``,
``publication.<action>`` (upload, succeeded, reviewed, withdrawn, policy_changed,
published, …), ``open_type.changed``, ``calendar.day_set`` / ``calendar.day_deleted`` /
``calendar.year_set``, ``demand.<action>`` (create, second, route, …),
``audit.archived``.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import logging
from typing import Any, Dict, Iterable, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from .domain import audit_chain as chain

log = logging.getLogger(__name__)

HEAD_ID = 1
RETENTION_KEY = "govopen.audit.retention_days"
EXPORT_COLUMNS = ["id", "at", "actor", "actor_name", "event", "subject", "data", "prev_hash", "hash"]


def _tables():
    from .model import AuditAnchor, AuditHead, AuditRow
    return AuditRow.__table__, AuditHead.__table__, AuditAnchor.__table__


def _actor_id(actor: Any) -> Optional[str]:
    if actor is None or actor == "":
        return None
    for attr in ("user_id", "id"):  # domain Actor, model.User
        if not isinstance(actor, str) and getattr(actor, attr, None):
            return str(getattr(actor, attr))
    return str(actor)


def _subject_id(session, subject: Any) -> Optional[str]:
    if subject is None or isinstance(subject, str):
        return subject
    if getattr(subject, "id", None) is None:  # a new ORM row: its id comes with the flush
        session.flush()
    return str(subject.id)


def _lock_head(session):
    _, head, _ = _tables()
    row = session.execute(sa.select(head.c.last_id, head.c.hash).where(head.c.id == HEAD_ID)
                          .with_for_update()).first()
    if row is None:  # a database made without the migration (create_all): make the head once
        session.execute(sa.text(
            "INSERT INTO govopen_audit_head (id, last_id, hash, base_id, base_hash) "
            "VALUES (:id, 0, :g, 0, :g) ON CONFLICT (id) DO NOTHING"), {"id": HEAD_ID, "g": chain.GENESIS})
        row = session.execute(sa.select(head.c.last_id, head.c.hash).where(head.c.id == HEAD_ID)
                              .with_for_update()).first()
    return int(row[0]), row[1]


def record(session, actor: Any, event: str, subject: Any = None,
           data: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Append one event to the audit chain in ``session``'s current transaction
    (never commits). ``actor``: a user id (or a User / domain Actor); ``subject``:
    the id of what the event is about (or an ORM row: flushed for its id; its
    ``as_dict()`` is the data when ``data`` is None); ``data``: a JSON-able dict.
    → the row as a dict."""
    table, head, _ = _tables()
    subject_id = _subject_id(session, subject)
    if data is None and subject is not None and hasattr(subject, "as_dict"):
        data = subject.as_dict()
    last_id, prev_hash = _lock_head(session)
    row = {"id": last_id + 1, "at": dt.datetime.utcnow(), "actor": _actor_id(actor),
           "event": str(event), "subject": subject_id, "data": chain.plain(data or {}),
           "prev_hash": prev_hash}
    row["hash"] = chain.row_hash(row)
    session.execute(table.insert().values(**row))
    session.execute(head.update().where(head.c.id == HEAD_ID).values(last_id=row["id"], hash=row["hash"]))
    return row


def record_download(session, user_id: Optional[str], package_id: Optional[str],
                    resource_id: Optional[str], grant_id: Optional[str] = None, commit: bool = False,
                    **data) -> Optional[dict]:
    """A download worth the audit trail: under a grant (``grant_id``), or of a
    conditional entry's data by anyone else (departments, the authority). Open
    data is not recorded. ``commit``: commit it (a download has no transaction of
    its own). Never raises (a download is not refused for its log)."""
    try:
        if grant_id is None:
            pkg = model.Package.get(package_id) if package_id else None
            if pkg is None or (pkg.extras or {}).get("open_type") != "conditional":
                return None
        row = record(session, user_id, "download.grant" if grant_id else "download.conditional",
                     resource_id or package_id,
                     dict(data, package_id=package_id, resource_id=resource_id, grant_id=grant_id))
        if commit:
            session.commit()
        return row
    except Exception:
        log.exception("download not recorded in the audit trail")
        if commit:
            session.rollback()
        return None


# ------------------------------------------------------------------ reading the chain
def _read(conn, head_table, anchor_table):
    h = conn.execute(sa.select(head_table).where(head_table.c.id == HEAD_ID)).mappings().first()
    anchors = [dict(a) for a in conn.execute(sa.select(anchor_table).order_by(anchor_table.c.at)).mappings()]
    return (dict(h) if h else {"last_id": 0, "hash": chain.GENESIS, "base_id": 0,
                               "base_hash": chain.GENESIS}), anchors


def _snapshot():
    """A connection in one REPEATABLE READ transaction (rows, head and anchors as
    of one instant, while appends go on)."""
    conn = model.meta.engine.connect().execution_options(isolation_level="REPEATABLE READ")
    return conn


def verify() -> chain.Result:
    """Walk the whole chain (rows, head record, published anchors)."""
    table, head, anchor = _tables()
    with _snapshot() as conn, conn.begin():
        h, anchors = _read(conn, head, anchor)
        rows = conn.execution_options(stream_results=True).execute(
            sa.select(table).order_by(table.c.id)).mappings()
        return chain.verify(rows, int(h["base_id"]), h["base_hash"], head=h, anchors=anchors)


def result_dict(result: chain.Result, en: bool = False) -> Dict[str, Any]:
    b = result.broken
    return {"ok": result.ok, "rows": result.rows, "head_id": result.head_id, "head_hash": result.head_hash,
            "broken": None if b is None else {"id": b.id, "reason": b.reason,
                                              "message": b.message_en if en else b.message_zh}}


def _user_names(ids: Iterable[str]) -> Dict[str, str]:
    ids = [i for i in set(ids) if i]
    if not ids:
        return {}
    return {u.id: u.name for u in model.Session.query(model.User).filter(model.User.id.in_(ids))}


def _write_csv(out_path: str, rows) -> None:
    """The rows as the auditors' CSV (``data`` as the canonical JSON that was hashed),
    for both the export and the archive."""
    names = _user_names(r["actor"] for r in rows)
    with open(out_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(EXPORT_COLUMNS)
        for r in rows:
            w.writerow([r["id"], chain.at_text(r["at"]), r["actor"] or "", names.get(r["actor"], ""),
                        r["event"], r["subject"] or "",
                        json.dumps(r["data"], sort_keys=True, ensure_ascii=False, separators=(",", ":")),
                        r["prev_hash"], r["hash"]])


def export(out_path: str) -> Dict[str, Any]:
    """Write the chain as CSV for auditors (one line per row, ``data`` as the
    canonical JSON that was hashed) and ``<out>.head.json`` with the head hash,
    the base (last archived) hash, the row count, the verification result and the
    CSV's SHA-256. → the head document."""
    table, head, anchor = _tables()
    with _snapshot() as conn, conn.begin():
        h, anchors = _read(conn, head, anchor)
        rows = [dict(r) for r in conn.execute(sa.select(table).order_by(table.c.id)).mappings()]
    _write_csv(out_path, rows)
    result = chain.verify(rows, int(h["base_id"]), h["base_hash"], head=h, anchors=anchors)
    with open(out_path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    doc = {"exported_at": chain.at_text(dt.datetime.utcnow()), "rows": len(rows),
           "head_id": int(h["last_id"]), "head_hash": h["hash"],
           "base_id": int(h["base_id"]), "base_hash": h["base_hash"],
           "verified": result_dict(result, en=True), "csv_sha256": digest,
           "hash_rule": "sha256(json.dumps({id, at, actor, event, subject, data, prev_hash}, "
                        "sort_keys=True, ensure_ascii=False, separators=(',', ':')))"}
    with open(out_path + ".head.json", "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
    return doc


def anchor(created_by: Optional[str] = None, note: Optional[str] = None) -> Dict[str, Any]:
    """Store (and return) the chain's head as an anchor the authority can publish."""
    from .model import AuditAnchor
    _, head, _ = _tables()
    h = model.Session.execute(sa.select(head.c.last_id, head.c.hash).where(head.c.id == HEAD_ID)).first()
    last_id, hsh = (int(h[0]), h[1]) if h else (0, chain.GENESIS)
    row = AuditAnchor(last_id=last_id, hash=hsh, created_by=created_by, note=note or None,
                      at=dt.datetime.utcnow())
    model.Session.add(row)
    model.Session.commit()
    return row.as_dict()


def anchors() -> list:
    from .model import AuditAnchor
    return [a.as_dict() for a in model.Session.query(AuditAnchor).order_by(AuditAnchor.at.desc())]


def retention_days() -> int:
    """``govopen.audit.retention_days``: rows older than this may be archived
    (0, the default: keep every row)."""
    try:
        return max(0, int(tk.config.get(RETENTION_KEY) or 0))
    except (TypeError, ValueError):
        return 0


def archive(out_path: str, now: Optional[dt.datetime] = None, actor: Optional[str] = None) -> Dict[str, Any]:
    """Move the rows older than the retention period out of the table: verify
    them, write them (CSV + ``<out>.head.json`` with the segment's boundary hashes:
    the ``prev_hash`` of its first row and the hash of its last), delete them and
    move the chain's base to the segment's last row, all in one transaction, then
    record ``audit.archived`` in the chain. Verification goes on from the base.
    → {rows, first_id, last_id, first_prev_hash, last_hash, csv_sha256}."""
    days = retention_days()
    if days <= 0:
        raise tk.ValidationError({"retention": ["%s 未设置（或为 0）：审计记录全部保留 / not set (or 0): every "
                                                "audit row is kept" % RETENTION_KEY]})
    table, head, anchor_t = _tables()
    cutoff = (now or dt.datetime.utcnow()) - dt.timedelta(days=days)
    s = model.Session
    _lock_head(s)
    h = dict(s.execute(sa.select(head).where(head.c.id == HEAD_ID)).mappings().first())
    first_new = s.execute(sa.select(sa.func.min(table.c.id)).where(table.c.at >= cutoff)).scalar()
    upto = (first_new - 1) if first_new is not None else int(h["last_id"])
    rows = [dict(r) for r in s.execute(sa.select(table).where(table.c.id <= upto)
                                       .order_by(table.c.id)).mappings()]
    if not rows:
        s.rollback()
        return {"rows": 0}
    seg = chain.verify(rows, int(h["base_id"]), h["base_hash"])
    if not seg.ok:
        s.rollback()
        raise tk.ValidationError({"chain": [seg.broken.message_zh + " / " + seg.broken.message_en]})
    _write_csv(out_path, rows)
    with open(out_path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    doc = {"rows": len(rows), "first_id": rows[0]["id"], "last_id": rows[-1]["id"],
           "first_prev_hash": rows[0]["prev_hash"], "last_hash": rows[-1]["hash"],
           "csv_sha256": digest, "cutoff": chain.at_text(cutoff)}
    with open(out_path + ".head.json", "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
    s.execute(sa.text("SET LOCAL govopen.audit_archive = 'on'"))
    s.execute(table.delete().where(table.c.id <= doc["last_id"]))
    s.execute(sa.text("SET LOCAL govopen.audit_archive = 'off'"))
    s.execute(head.update().where(head.c.id == HEAD_ID).values(base_id=doc["last_id"], base_hash=doc["last_hash"]))
    record(s, actor, "audit.archived", None, doc)
    s.commit()
    return doc
