"""GovOpen's own tables, declared on CKAN's metadata (``toolkit.BaseModel``).

Migrations: ``ckanext/govopen/migration/govopen/`` (``ckan db upgrade -p govopen``).
Tests: ``tests/conftest.py``'s ``clean_db`` override creates them after CKAN's own.
"""
from .grant import Grant  # noqa: F401
from .open_type_change import OpenTypeChange  # noqa: F401
from .requests import Request, RequestEvent, Notification, GrantDownload  # noqa: F401
from .calendar import CalendarDay, CalendarYear  # noqa: F401
from .demand import Demand, DemandRequester, DemandEvent  # noqa: F401  (issue 8)
from .publication import Publication, PublicationPolicy, PublicationEvent  # noqa: F401  (issue 7)
from .audit import AuditRow, AuditHead, AuditAnchor  # noqa: F401  (issue 18)
from .usage import DatasetUsage, DatasetUsageDay  # noqa: F401  (issue 14; per day: issue 18)
from .apps import App  # noqa: F401  (issue 16: application keys)
from .annual_report import AnnualReport  # noqa: F401  (issue 18)


def govopen_tables():
    """All SQLAlchemy tables of this package (for create_all in tests)."""
    return [Grant.__table__, OpenTypeChange.__table__, Request.__table__, RequestEvent.__table__,
            Notification.__table__, GrantDownload.__table__, CalendarDay.__table__, CalendarYear.__table__,
            Demand.__table__, DemandRequester.__table__, DemandEvent.__table__,
            Publication.__table__, PublicationPolicy.__table__, PublicationEvent.__table__,
            AuditRow.__table__, AuditHead.__table__, AuditAnchor.__table__,
            DatasetUsage.__table__, App.__table__, DatasetUsageDay.__table__,
            AnnualReport.__table__]
