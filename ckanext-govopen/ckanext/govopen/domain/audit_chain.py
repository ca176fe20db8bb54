"""The audit trail's hash chain (审计链), as plain values: no CKAN, no database.

Every row of ``govopen_audit`` carries ``prev_hash`` (the previous row's ``hash``)
and ``hash`` = SHA-256 (hex) of the row's canonical serialisation:

    json.dumps({"id", "at", "actor", "event", "subject", "data", "prev_hash"},
               sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

with ``at`` as an ISO-8601 string (naive UTC, microseconds as stored) and ``data``
as JSON. Ids are consecutive integers (1, 2, 3, …) assigned under the chain's lock,
so a deleted row shows as a gap, an edited row as a hash mismatch, and an inserted
or reordered row as a broken link. The first row's ``prev_hash`` is ``GENESIS``
(or, after older rows were archived, the archived segment's last hash).

``verify`` walks rows in id order and names the first broken row: the row whose
stored values no longer hash to its ``hash``, whose ``prev_hash`` is not the hash
of the row before it, or the id that is missing from the sequence.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

GENESIS = "0" * 64
FIELDS = ("id", "at", "actor", "event", "subject", "data", "prev_hash")


def plain(value: Any) -> Any:
    """``value`` made JSON-plain the way it will be read back from the database
    (dates as ISO strings, tuples/sets as lists, unknown objects as strings)."""
    return json.loads(json.dumps(value, default=_default, ensure_ascii=False))


def _default(v: Any) -> Any:
    if isinstance(v, (_dt.date, _dt.datetime, _dt.time)):
        return v.isoformat()
    if isinstance(v, (set, frozenset, tuple)):
        return sorted(v, key=str) if isinstance(v, (set, frozenset)) else list(v)
    return str(v)


def at_text(at: Any) -> str:
    """The canonical text of a timestamp: naive UTC ISO-8601 with microseconds."""
    if isinstance(at, str):
        at = _dt.datetime.fromisoformat(at)
    if at.tzinfo is not None:
        at = at.astimezone(_dt.timezone.utc).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def canonical(row: Mapping[str, Any]) -> bytes:
    """The bytes that are hashed: sorted-key compact JSON of the hashed fields."""
    doc = {"id": int(row["id"]), "at": at_text(row["at"]), "actor": row.get("actor"),
           "event": row["event"], "subject": row.get("subject"),
           "data": plain(row.get("data") if row.get("data") is not None else {}),
           "prev_hash": row["prev_hash"]}
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def row_hash(row: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(row)).hexdigest()


@dataclass(frozen=True)
class Broken:
    """Where the chain breaks: ``id`` of the first broken (or missing) row, a
    ``reason`` code and both languages' messages."""
    id: int
    reason: str   # tampered | unlinked | missing | head_mismatch | anchor_mismatch
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class Result:
    ok: bool
    rows: int
    head_id: int
    head_hash: str
    broken: Optional[Broken] = None


def verify(rows: Iterable[Mapping[str, Any]], base_id: int = 0, base_hash: str = GENESIS,
           head: Optional[Mapping[str, Any]] = None,
           anchors: Iterable[Mapping[str, Any]] = ()) -> Result:
    """Walk ``rows`` (ascending id) from the chain's base (``base_id``: the last
    archived id, 0 when nothing was archived; ``base_hash`` its hash).

    ``head``: the chain's head record ``{last_id, hash}`` if kept apart (catches a
    deleted last row). ``anchors``: published ``{last_id, hash}`` pairs; a row at
    an anchored id must still carry the anchored hash (catches a rewritten chain).
    """
    anchored = {}
    for a in anchors:
        if int(a["last_id"]) > base_id:
            anchored.setdefault(int(a["last_id"]), []).append(a["hash"])
    prev_id, prev_hash, n = base_id, base_hash, 0
    for row in rows:
        rid = int(row["id"])
        if rid <= prev_id:
            return Result(False, n, prev_id, prev_hash, Broken(
                rid, "unlinked", "第 %d 行的序号重复或乱序" % rid,
                "row %d: duplicate or out-of-order id" % rid))
        if rid != prev_id + 1:
            missing = prev_id + 1
            return Result(False, n, prev_id, prev_hash, Broken(
                missing, "missing", "第 %d 行缺失（第 %d 行之前的记录被删除）" % (missing, rid),
                "row %d is missing (deleted before row %d)" % (missing, rid)))
        if row["prev_hash"] != prev_hash:
            return Result(False, n, prev_id, prev_hash, Broken(
                rid, "unlinked", "第 %d 行的前一哈希与第 %d 行的哈希不一致（记录被插入、删除或替换）" % (rid, prev_id),
                "row %d: prev_hash is not the hash of row %d (a row was inserted, deleted or replaced)"
                % (rid, prev_id)))
        if row_hash(row) != row["hash"]:
            return Result(False, n, prev_id, prev_hash, Broken(
                rid, "tampered", "第 %d 行的内容与其哈希不符（记录被修改）" % rid,
                "row %d: its content does not match its hash (the row was altered)" % rid))
        for h in anchored.get(rid, ()):
            if h != row["hash"]:
                return Result(False, n, prev_id, prev_hash, Broken(
                    rid, "anchor_mismatch", "第 %d 行的哈希与已发布的锚点不符（链被重写）" % rid,
                    "row %d: its hash differs from a published anchor (the chain was rewritten)" % rid))
        prev_id, prev_hash, n = rid, row["hash"], n + 1
    if head is not None and head.get("last_id") is not None:
        last = int(head["last_id"])
        if last > prev_id:
            return Result(False, n, prev_id, prev_hash, Broken(
                prev_id + 1, "missing", "第 %d 行缺失（链尾被删除，链头记录为第 %d 行）" % (prev_id + 1, last),
                "row %d is missing (the chain's tail was deleted; the head says row %d)" % (prev_id + 1, last)))
        if last < prev_id:
            return Result(False, n, prev_id, prev_hash, Broken(
                last + 1, "unlinked", "第 %d 行不是经审计函数写入的（链头记录为第 %d 行）" % (last + 1, last),
                "row %d was not written by the audit function (the head says row %d)" % (last + 1, last)))
        if last == prev_id and last > base_id and head.get("hash") != prev_hash:
            return Result(False, n, prev_id, prev_hash, Broken(
                last, "head_mismatch", "第 %d 行的哈希与链头记录不符" % last,
                "row %d: its hash differs from the chain's head record" % last))
    for aid in sorted(anchored):
        if aid > prev_id:
            return Result(False, n, prev_id, prev_hash, Broken(
                prev_id + 1, "missing", "第 %d 行缺失（已发布的锚点指向第 %d 行）" % (prev_id + 1, aid),
                "row %d is missing (a published anchor names row %d)" % (prev_id + 1, aid)))
    return Result(True, n, prev_id, prev_hash)
