"""The tamper-evident audit trail (防篡改审计链, issue 18).

``govopen_audit``         append-only: one row per accountable event, written by
                          ``ckanext.govopen.audit.record`` in the caller's transaction.
                          ``hash`` chains each row to the previous one
                          (``domain/audit_chain.py``). A trigger refuses UPDATE and
                          DELETE (only ``govopen audit archive`` may remove old rows).
``govopen_audit_head``    one row (id 1): the chain's last id and hash (locked FOR
                          UPDATE by every append, so two transactions never fork the
                          chain) and its base: the last archived id and hash.
``govopen_audit_anchor``  published head hashes (``ckan govopen audit anchor``).
Naive UTC timestamps, as in CKAN's own tables.
"""
import datetime as dt
import uuid

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, Integer, UnicodeText

import ckan.plugins.toolkit as tk


def _iso(v):
    return v.isoformat() if v else None


class AuditRow(tk.BaseModel):
    __tablename__ = "govopen_audit"

    id = Column(BigInteger, primary_key=True, autoincrement=False)
    at = Column(DateTime, nullable=False)
    actor = Column(UnicodeText, nullable=True)
    event = Column(UnicodeText, nullable=False)
    subject = Column(UnicodeText, nullable=True)
    data = Column(JSON, nullable=False)
    prev_hash = Column(UnicodeText, nullable=False)
    hash = Column(UnicodeText, nullable=False)

    __table_args__ = (
        Index("govopen_audit_event_idx", "event", "id"),
        Index("govopen_audit_subject_idx", "subject", "id"),
    )

    def as_dict(self):
        return {"id": self.id, "at": _iso(self.at), "actor": self.actor, "event": self.event,
                "subject": self.subject, "data": self.data, "prev_hash": self.prev_hash,
                "hash": self.hash}


class AuditHead(tk.BaseModel):
    __tablename__ = "govopen_audit_head"

    id = Column(Integer, primary_key=True)
    last_id = Column(BigInteger, nullable=False, default=0)
    hash = Column(UnicodeText, nullable=False)
    base_id = Column(BigInteger, nullable=False, default=0)
    base_hash = Column(UnicodeText, nullable=False)


class AuditAnchor(tk.BaseModel):
    __tablename__ = "govopen_audit_anchor"

    id = Column(UnicodeText, primary_key=True, default=lambda: str(uuid.uuid4()))
    at = Column(DateTime, nullable=False, default=dt.datetime.utcnow)
    last_id = Column(BigInteger, nullable=False)
    hash = Column(UnicodeText, nullable=False)
    created_by = Column(UnicodeText, nullable=True)
    note = Column(UnicodeText, nullable=True)

    def as_dict(self):
        return {"id": self.id, "at": _iso(self.at), "last_id": self.last_id, "hash": self.hash,
                "created_by": self.created_by, "note": self.note}
