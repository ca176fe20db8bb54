"""Publication gate tables (发布前脱敏与保密审查).

``govopen_publication``        one row per resource: the current job (state, progress,
                               heartbeat), where the private original lives, the
                               report and the signed review. ``fingerprint`` records
                               which file/link the row is about; when the resource's
                               file or link changes, the row no longer applies and
                               the resource is unpublished (fail closed).
``govopen_publication_policy`` YAML desensitization policies: a department default
                               (package_id NULL) and per-dataset overrides; each save
                               bumps ``version``.
``govopen_publication_event``  the audit trail: upload, queued, started, succeeded,
                               failed, reviewed, policy changed, published, withdrawn.
Naive UTC timestamps, as in CKAN's own tables.
"""
import datetime as dt
import uuid

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, Integer, UnicodeText

import ckan.plugins.toolkit as tk


def _uuid():
    return str(uuid.uuid4())


def _utcnow():
    return dt.datetime.utcnow()


def _iso(v):
    return v.isoformat() if v else None


class Publication(tk.BaseModel):
    __tablename__ = "govopen_publication"

    resource_id = Column(UnicodeText, primary_key=True)
    package_id = Column(UnicodeText, nullable=False, index=True)
    org_id = Column(UnicodeText, nullable=True)
    kind = Column(UnicodeText, nullable=False, default="tabular")  # tabular | file | link
    state = Column(UnicodeText, nullable=False, default="queued")
    token = Column(UnicodeText, nullable=False, default=_uuid)    # the current attempt
    fingerprint = Column(UnicodeText, nullable=False)
    original_path = Column(UnicodeText, nullable=True)
    original_name = Column(UnicodeText, nullable=True)
    original_sha256 = Column(UnicodeText, nullable=True)
    original_size = Column(BigInteger, nullable=True)
    policy_id = Column(UnicodeText, nullable=True)
    policy_version = Column(Integer, nullable=True)
    rows_done = Column(BigInteger, nullable=False, default=0)
    rows_total = Column(BigInteger, nullable=True)
    report = Column(JSON, nullable=True)
    report_hash = Column(UnicodeText, nullable=True)
    error = Column(JSON, nullable=True)          # {code, message_zh, message_en, hint_zh, hint_en, detail}
    rq_job_id = Column(UnicodeText, nullable=True)
    uploaded_by = Column(UnicodeText, nullable=True)
    queued_at = Column(DateTime, nullable=True)
    started_at = Column(DateTime, nullable=True)
    heartbeat_at = Column(DateTime, nullable=True)
    finished_at = Column(DateTime, nullable=True)
    review = Column(JSON, nullable=True)         # {user_id, user_name, signed_at, checklist, note, report_hash}
    updated = Column(DateTime, nullable=False, default=_utcnow, onupdate=_utcnow)


class PublicationPolicy(tk.BaseModel):
    __tablename__ = "govopen_publication_policy"

    id = Column(UnicodeText, primary_key=True, default=_uuid)
    org_id = Column(UnicodeText, nullable=False)
    package_id = Column(UnicodeText, nullable=True)
    yaml = Column(UnicodeText, nullable=False)
    version = Column(Integer, nullable=False, default=1)
    updated_by = Column(UnicodeText, nullable=True)
    updated = Column(DateTime, nullable=False, default=_utcnow)

    __table_args__ = (Index("govopen_publication_policy_scope_idx", "org_id", "package_id"),)

    def as_dict(self):
        return {"id": self.id, "org_id": self.org_id, "package_id": self.package_id,
                "yaml": self.yaml, "version": self.version, "updated_by": self.updated_by,
                "updated": _iso(self.updated)}


class PublicationEvent(tk.BaseModel):
    __tablename__ = "govopen_publication_event"

    id = Column(UnicodeText, primary_key=True, default=_uuid)
    resource_id = Column(UnicodeText, nullable=True, index=True)
    package_id = Column(UnicodeText, nullable=True, index=True)
    user_id = Column(UnicodeText, nullable=True)
    action = Column(UnicodeText, nullable=False)
    detail = Column(JSON, nullable=True)
    created = Column(DateTime, nullable=False, default=_utcnow)

    def as_dict(self):
        return {"id": self.id, "resource_id": self.resource_id, "package_id": self.package_id,
                "user_id": self.user_id, "action": self.action, "detail": self.detail,
                "created": _iso(self.created)}
