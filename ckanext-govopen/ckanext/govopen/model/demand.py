"""The demand board (数据需求): demands, who asked for them, and the demand's own
audit events (create, second, route). Reviews, reconsiderations and objections
are rows of the one request table (``model/requests.py``); a demand links to its
high-demand review by ``review_request_id``.

Naive UTC timestamps as in CKAN's own tables.
"""
import datetime as dt
import uuid

from sqlalchemy import JSON, Column, DateTime, Index, UnicodeText, UniqueConstraint

import ckan.plugins.toolkit as tk


def _uuid():
    return str(uuid.uuid4())


def _utcnow():
    return dt.datetime.utcnow()


class Demand(tk.BaseModel):
    """One public demand: for a catalog entry (``package_id``) or for data not in
    the catalog (``title``/``description``/``suggested_org_id``)."""
    __tablename__ = "govopen_demand"

    id = Column(UnicodeText, primary_key=True, default=_uuid)
    package_id = Column(UnicodeText, nullable=True)
    title = Column(UnicodeText, nullable=True)
    description = Column(UnicodeText, nullable=True)
    suggested_org_id = Column(UnicodeText, nullable=True)
    department_id = Column(UnicodeText, nullable=True)     # answering department (owner or routed)
    creator_id = Column(UnicodeText, nullable=False)
    review_request_id = Column(UnicodeText, nullable=True)
    created = Column(DateTime, nullable=False, default=_utcnow)
    modified = Column(DateTime, nullable=False, default=_utcnow, onupdate=_utcnow)

    __table_args__ = (
        Index("govopen_demand_package_idx", "package_id"),
        Index("govopen_demand_department_idx", "department_id"),
    )


class DemandRequester(tk.BaseModel):
    """One row per (demand, user): seconding twice is still one requester."""
    __tablename__ = "govopen_demand_requester"

    id = Column(UnicodeText, primary_key=True, default=_uuid)
    demand_id = Column(UnicodeText, nullable=False)
    user_id = Column(UnicodeText, nullable=False)
    created = Column(DateTime, nullable=False, default=_utcnow)

    __table_args__ = (
        UniqueConstraint("demand_id", "user_id", name="govopen_demand_requester_once"),
        Index("govopen_demand_requester_demand_idx", "demand_id", "created"),
    )


class DemandEvent(tk.BaseModel):
    """The demand's own audit trail (create, second, route, review_opened)."""
    __tablename__ = "govopen_demand_event"

    id = Column(UnicodeText, primary_key=True, default=_uuid)
    demand_id = Column(UnicodeText, nullable=False)
    actor_id = Column(UnicodeText, nullable=True)
    at = Column(DateTime, nullable=False, default=_utcnow)
    action = Column(UnicodeText, nullable=False)
    fields = Column(JSON, nullable=False, default=dict)

    __table_args__ = (Index("govopen_demand_event_demand_idx", "demand_id", "at"),)
