"""Requests of every kind (申请), their audit events, dashboard notifications and
the grant download log.

ONE table for every request kind (``kind`` names the declaration in
``domain/kinds/``); the state machine lives in ``domain/requests.py``. Naive UTC
timestamps as in CKAN's own tables; ``due_date`` is a local (Asia/Shanghai) day.

Identity numbers (see ``logic/requests_glue.py``): ``fields`` holds only the
masked number; the full number is in ``identity_number`` (reviewer-only column,
never serialised by ``as_dict``) and ``identity_hash`` (HMAC-SHA256 keyed with the
site secret, to find repeat applicants without reading the number).
"""
import datetime as dt
import uuid

from sqlalchemy import (JSON, Boolean, Column, Date, DateTime, Index, Integer, UnicodeText,
                        UniqueConstraint)

import ckan.plugins.toolkit as tk


def _uuid():
    return str(uuid.uuid4())


def _utcnow():
    return dt.datetime.utcnow()


def _iso(v):
    return v.isoformat() if v else None


class Request(tk.BaseModel):
    __tablename__ = "govopen_request"

    id = Column(UnicodeText, primary_key=True, default=_uuid)
    kind = Column(UnicodeText, nullable=False)
    state = Column(UnicodeText, nullable=False)
    jurisdiction = Column(UnicodeText, nullable=True)
    requester_id = Column(UnicodeText, nullable=False)        # user who filed it
    requester_org_id = Column(UnicodeText, nullable=True)     # requesting department (share_request)
    department_id = Column(UnicodeText, nullable=True)        # the department that must answer
    subject = Column(UnicodeText, nullable=True)              # package id (or resource / request id)
    fields = Column(JSON, nullable=False, default=dict)
    identity_number = Column(UnicodeText, nullable=True)      # reviewer-only
    identity_hash = Column(UnicodeText, nullable=True)
    received_at = Column(DateTime, nullable=False)
    due_date = Column(Date, nullable=True)
    due_provisional = Column(Boolean, nullable=False, default=False)
    extensions = Column(Integer, nullable=False, default=0)
    extension_days = Column(Integer, nullable=False, default=0)
    decided_at = Column(DateTime, nullable=True)
    created = Column(DateTime, nullable=False, default=_utcnow)
    modified = Column(DateTime, nullable=False, default=_utcnow, onupdate=_utcnow)

    __table_args__ = (
        Index("govopen_request_requester_idx", "requester_id"),
        Index("govopen_request_department_idx", "department_id", "state", "due_date"),
        Index("govopen_request_subject_idx", "subject"),
    )


class RequestEvent(tk.BaseModel):
    """The audit trail: one row per submission and per transition (never updated)."""
    __tablename__ = "govopen_request_event"

    id = Column(UnicodeText, primary_key=True, default=_uuid)
    request_id = Column(UnicodeText, nullable=False)
    actor_id = Column(UnicodeText, nullable=False)
    actor_roles = Column(JSON, nullable=False, default=list)
    at = Column(DateTime, nullable=False, default=_utcnow)
    action = Column(UnicodeText, nullable=False)
    from_state = Column(UnicodeText, nullable=True)
    to_state = Column(UnicodeText, nullable=False)
    comment = Column(UnicodeText, nullable=True)
    fields = Column(JSON, nullable=False, default=dict)

    __table_args__ = (Index("govopen_request_event_request_idx", "request_id", "at"),)


class Notification(tk.BaseModel):
    """A message for one user (dashboard + e-mail). ``dedup_key`` makes the daily
    reminder/overdue run idempotent; ``email_error`` keeps a failed send visible."""
    __tablename__ = "govopen_notification"

    id = Column(UnicodeText, primary_key=True, default=_uuid)
    user_id = Column(UnicodeText, nullable=False)
    request_id = Column(UnicodeText, nullable=True)
    kind = Column(UnicodeText, nullable=False)     # submitted | decided | extended | reminder | overdue | ...
    message = Column(UnicodeText, nullable=False)
    created = Column(DateTime, nullable=False, default=_utcnow)
    read = Column(Boolean, nullable=False, default=False)
    emailed_at = Column(DateTime, nullable=True)
    email_error = Column(UnicodeText, nullable=True)
    dedup_key = Column(UnicodeText, nullable=True)

    __table_args__ = (
        Index("govopen_notification_user_idx", "user_id", "created"),
        UniqueConstraint("dedup_key", name="govopen_notification_dedup_key"),
    )

    def as_dict(self):
        return {"id": self.id, "user_id": self.user_id, "request_id": self.request_id,
                "kind": self.kind, "message": self.message, "created": _iso(self.created),
                "read": bool(self.read), "emailed_at": _iso(self.emailed_at),
                "email_error": self.email_error}


class GrantDownload(tk.BaseModel):
    """Every download of data under a grant (授权下载日志)."""
    __tablename__ = "govopen_grant_download"

    id = Column(UnicodeText, primary_key=True, default=_uuid)
    grant_id = Column(UnicodeText, nullable=False)
    user_id = Column(UnicodeText, nullable=False)
    package_id = Column(UnicodeText, nullable=True)
    resource_id = Column(UnicodeText, nullable=True)
    at = Column(DateTime, nullable=False, default=_utcnow)
    ip = Column(UnicodeText, nullable=True)
    via = Column(UnicodeText, nullable=True)   # 'portal' (session) | 'api' (token)

    __table_args__ = (Index("govopen_grant_download_grant_idx", "grant_id", "at"),)

    def as_dict(self):
        return {"id": self.id, "grant_id": self.grant_id, "user_id": self.user_id,
                "package_id": self.package_id, "resource_id": self.resource_id,
                "at": _iso(self.at), "ip": self.ip, "via": self.via}
