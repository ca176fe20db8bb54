"""Data-use grants (数据使用授权): who may get a conditional dataset's data, until when."""
import datetime as dt
import uuid

from sqlalchemy import JSON, Boolean, Column, DateTime, Index, UnicodeText

import ckan.plugins.toolkit as tk


def _uuid():
    return str(uuid.uuid4())


def _utcnow():
    return dt.datetime.utcnow()


class Grant(tk.BaseModel):
    """Naive UTC timestamps, as in CKAN's own tables. ``request_id`` links the
    application (or share request) that led to the grant; None for admin grants.
    A grant is held by a user (``user_id``: an approved application) or by a
    department (``org_id``: an approved share request; every member holds it)."""
    __tablename__ = "govopen_grant"

    id = Column(UnicodeText, primary_key=True, default=_uuid)
    user_id = Column(UnicodeText, nullable=True)
    org_id = Column(UnicodeText, nullable=True, index=True)
    package_id = Column(UnicodeText, nullable=False)
    granted_by = Column(UnicodeText, nullable=False)
    created = Column(DateTime, nullable=False, default=_utcnow)
    #: serves from this moment (naive UTC; the period's first local day); None: from creation
    starts = Column(DateTime, nullable=True)
    expires = Column(DateTime, nullable=True)
    revoked_at = Column(DateTime, nullable=True)
    revoked_by = Column(UnicodeText, nullable=True)
    request_id = Column(UnicodeText, nullable=True)
    # issue 17: what the grant covers (domain/grant_scope.Scope.as_dict(); NULL = the whole file)
    scope = Column(JSON, nullable=True)
    # issue 17: the 数据开放利用协议 generated on approval; the grant serves nothing until the
    # applicant accepts it (agreement_required and no agreement_accepted_at)
    agreement_required = Column(Boolean, nullable=False, default=False, server_default="false")
    agreement_text = Column(UnicodeText, nullable=True)
    agreement_sha256 = Column(UnicodeText, nullable=True)
    agreement_accepted_at = Column(DateTime, nullable=True)
    agreement_accepted_by = Column(UnicodeText, nullable=True)
    # issue 17: suspended by the department (serves nothing until resumed), with reasons;
    # revocation keeps revoked_at/revoked_by and adds its reasons here too
    suspended_at = Column(DateTime, nullable=True)
    suspended_by = Column(UnicodeText, nullable=True)
    status_reasons = Column(UnicodeText, nullable=True)

    __table_args__ = (Index("govopen_grant_user_package_idx", "user_id", "package_id"),)

    def as_dict(self):
        iso = lambda v: v.isoformat() if v else None  # noqa: E731
        return {"id": self.id, "user_id": self.user_id, "org_id": self.org_id,
                "package_id": self.package_id,
                "granted_by": self.granted_by, "created": iso(self.created),
                "starts": iso(self.starts),
                "expires": iso(self.expires), "revoked_at": iso(self.revoked_at),
                "revoked_by": self.revoked_by, "request_id": self.request_id,
                "scope": self.scope or None,
                "agreement_required": bool(self.agreement_required),
                "agreement_sha256": self.agreement_sha256,
                "agreement_accepted_at": iso(self.agreement_accepted_at),
                "agreement_accepted_by": self.agreement_accepted_by,
                "suspended_at": iso(self.suspended_at), "suspended_by": self.suspended_by,
                "status_reasons": self.status_reasons}

    @property
    def agreement_pending(self) -> bool:
        return bool(self.agreement_required) and self.agreement_accepted_at is None
