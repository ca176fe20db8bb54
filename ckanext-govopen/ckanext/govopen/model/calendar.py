"""Administrator-maintained calendar (节假日安排): day overrides and the years whose
official State Council schedule has been entered. Read by ``logic/requests_glue``
into ``domain.workdays.DayOverride`` values; database entries win over
``config/calendar/*.yaml`` for the same day.

``jurisdiction`` is '' for national entries (so the unique key works), a
jurisdiction code (e.g. 'hainan') for local holidays.
"""
import datetime as dt
import uuid

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, UnicodeText, UniqueConstraint

import ckan.plugins.toolkit as tk


class CalendarDay(tk.BaseModel):
    __tablename__ = "govopen_calendar_day"

    id = Column(UnicodeText, primary_key=True, default=lambda: str(uuid.uuid4()))
    day = Column(Date, nullable=False)
    workday = Column(Boolean, nullable=False)
    name = Column(UnicodeText, nullable=False, default="")
    source = Column(UnicodeText, nullable=False, default="")
    jurisdiction = Column(UnicodeText, nullable=False, default="")
    created_by = Column(UnicodeText, nullable=True)
    modified = Column(DateTime, nullable=False, default=dt.datetime.utcnow, onupdate=dt.datetime.utcnow)

    __table_args__ = (UniqueConstraint("day", "jurisdiction", name="govopen_calendar_day_uniq"),)

    def as_dict(self):
        return {"day": self.day.isoformat(), "workday": bool(self.workday), "name": self.name,
                "source": self.source, "jurisdiction": self.jurisdiction or None,
                "created_by": self.created_by,
                "modified": self.modified.isoformat() if self.modified else None}


class CalendarYear(tk.BaseModel):
    """Marks a year whose whole official schedule is entered (no longer provisional)."""
    __tablename__ = "govopen_calendar_year"

    year = Column(Integer, primary_key=True)
    jurisdiction = Column(UnicodeText, primary_key=True, default="")
    official = Column(Boolean, nullable=False, default=True)
    source = Column(UnicodeText, nullable=False, default="")
    created_by = Column(UnicodeText, nullable=True)
    modified = Column(DateTime, nullable=False, default=dt.datetime.utcnow, onupdate=dt.datetime.utcnow)

    def as_dict(self):
        return {"year": self.year, "jurisdiction": self.jurisdiction or None,
                "official": bool(self.official), "source": self.source}
