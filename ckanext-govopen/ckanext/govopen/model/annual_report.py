"""Annual reports (年度报告, issue 18): one row per (year, department); the
jurisdiction's compilation has ``organization_id`` "". ``figures`` are
``govopen_scorecard``'s for the year, never typed in; ``narrative`` is the
department's text. Publishing freezes the row (``state`` published) and records its
``sha256`` in the audit chain. Naive UTC timestamps."""
import datetime as dt
import uuid

from sqlalchemy import JSON, Column, DateTime, Integer, UnicodeText, UniqueConstraint

import ckan.plugins.toolkit as tk


class AnnualReport(tk.BaseModel):
    __tablename__ = "govopen_annual_report"

    id = Column(UnicodeText, primary_key=True, default=lambda: str(uuid.uuid4()))
    year = Column(Integer, nullable=False)
    organization_id = Column(UnicodeText, nullable=False, default="")
    state = Column(UnicodeText, nullable=False, default="draft")     # draft | published
    figures = Column(JSON, nullable=False, default=dict)
    narrative = Column(UnicodeText, nullable=False, default="")
    generated_at = Column(DateTime, nullable=False, default=dt.datetime.utcnow)
    generated_by = Column(UnicodeText, nullable=True)
    published_at = Column(DateTime, nullable=True)
    published_by = Column(UnicodeText, nullable=True)
    sha256 = Column(UnicodeText, nullable=True)
    #: the compilation's department sections, frozen on publication:
    #: [{organization, organization_title, state, narrative, sha256}] (None while draft, and
    #: for a department's own report)
    sections = Column(JSON, nullable=True)

    __table_args__ = (UniqueConstraint("year", "organization_id", name="govopen_annual_report_once"),)
