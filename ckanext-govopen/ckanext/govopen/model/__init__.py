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


def govopen_tables():
    """All SQLAlchemy tables of this package (for create_all in tests)."""
    return [Grant.__table__, OpenTypeChange.__table__, Request.__table__, RequestEvent.__table__,
            Notification.__table__, GrantDownload.__table__, CalendarDay.__table__, CalendarYear.__table__,
            Demand.__table__, DemandRequester.__table__, DemandEvent.__table__,
            Publication.__table__, PublicationPolicy.__table__, PublicationEvent.__table__]
