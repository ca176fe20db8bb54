"""Applications (应用): a named holder of one CKAN API token, owned by one user.

The token itself is CKAN's (``api_token`` table, made by ``api_token_create``,
revoked by ``api_token_revoke``); this row only names it and says whose it is.
Quota counting is not here: it is flask-limiter's, on Redis (``quota.py``).
"""
import datetime as dt
import secrets

from sqlalchemy import Column, DateTime, Index, UnicodeText

import ckan.plugins.toolkit as tk


def new_app_id() -> str:
    return "ak" + secrets.token_hex(10)


def _utcnow():
    return dt.datetime.utcnow()


class App(tk.BaseModel):
    __tablename__ = "govopen_app"

    id = Column(UnicodeText, primary_key=True, default=new_app_id)
    user_id = Column(UnicodeText, nullable=False)
    title = Column(UnicodeText, nullable=False)
    description = Column(UnicodeText, nullable=True)
    token_id = Column(UnicodeText, nullable=False)     # api_token.id (the JWT's jti)
    created = Column(DateTime, nullable=False, default=_utcnow)

    __table_args__ = (Index("govopen_app_user_idx", "user_id"),
                      Index("govopen_app_token_idx", "token_id", unique=True))

    def as_dict(self, token_active=None):
        out = {"id": self.id, "title": self.title, "description": self.description or "",
               "created": self.created.isoformat() if self.created else None}
        if token_active is not None:
            out["token_active"] = bool(token_active)
        return out
