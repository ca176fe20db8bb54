"""Data-use grants (数据使用授权): who may get a conditional dataset's data, until when."""
import datetime as dt
import uuid

from sqlalchemy import Column, DateTime, Index, UnicodeText

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
    expires = Column(DateTime, nullable=True)
    revoked_at = Column(DateTime, nullable=True)
    revoked_by = Column(UnicodeText, nullable=True)
    request_id = Column(UnicodeText, nullable=True)

    __table_args__ = (Index("govopen_grant_user_package_idx", "user_id", "package_id"),)

    def as_dict(self):
        iso = lambda v: v.isoformat() if v else None  # noqa: E731
        return {"id": self.id, "user_id": self.user_id, "org_id": self.org_id,
                "package_id": self.package_id,
                "granted_by": self.granted_by, "created": iso(self.created),
                "expires": iso(self.expires), "revoked_at": iso(self.revoked_at),
                "revoked_by": self.revoked_by, "request_id": self.request_id}
