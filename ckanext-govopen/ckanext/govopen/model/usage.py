"""Views and downloads per catalog entry (issue 14: counts people expect, the home page's
most-downloaded list). One row per dataset, counted with an atomic upsert in its own
transaction so a page view never commits (or rolls back) the request's session."""
from __future__ import annotations

import datetime as _dt

import ckan.model as model
import ckan.plugins.toolkit as tk
from sqlalchemy import BigInteger, Column, Date, DateTime, UnicodeText, text


class DatasetUsage(tk.BaseModel):
    __tablename__ = "govopen_dataset_usage"

    package_id = Column(UnicodeText, primary_key=True)
    views = Column(BigInteger, nullable=False, default=0)
    downloads = Column(BigInteger, nullable=False, default=0)
    updated = Column(DateTime, nullable=False, default=_dt.datetime.utcnow)


class DatasetUsageDay(tk.BaseModel):
    """Views and downloads per dataset and local day (Asia/Shanghai), for the scorecards'
    periods and monthly trends (issue 18); the totals above stay for the home page."""
    __tablename__ = "govopen_dataset_usage_day"

    package_id = Column(UnicodeText, primary_key=True)
    day = Column(Date, primary_key=True)
    views = Column(BigInteger, nullable=False, default=0)
    downloads = Column(BigInteger, nullable=False, default=0)


_UPSERT_DAY = text(
    "INSERT INTO govopen_dataset_usage_day (package_id, day, views, downloads) "
    "VALUES (:p, (now() at time zone 'Asia/Shanghai')::date, :v, :d) "
    "ON CONFLICT (package_id, day) DO UPDATE SET views = govopen_dataset_usage_day.views + :v, "
    "downloads = govopen_dataset_usage_day.downloads + :d")

_UPSERT = {
    "views": text("INSERT INTO govopen_dataset_usage (package_id, views, downloads, updated) "
                  "VALUES (:p, 1, 0, now() at time zone 'utc') ON CONFLICT (package_id) DO UPDATE "
                  "SET views = govopen_dataset_usage.views + 1, updated = EXCLUDED.updated "
                  "RETURNING downloads"),
    "downloads": text("INSERT INTO govopen_dataset_usage (package_id, views, downloads, updated) "
                      "VALUES (:p, 0, 1, now() at time zone 'utc') ON CONFLICT (package_id) DO UPDATE "
                      "SET downloads = govopen_dataset_usage.downloads + 1, updated = EXCLUDED.updated "
                      "RETURNING downloads"),
}

# the popularity the search sorts by ("govopen_downloads desc"), set in the dataset's
# index entry with the count, so 最多下载 follows a download at once (no reindex job)
_INDEX_SORT_KEY = text(
    "UPDATE govopen_search_index SET doc = jsonb_set(doc, '{govopen_downloads}', to_jsonb(CAST(:k AS text))) "
    "WHERE id = :p")


def count(package_id: str, what: str) -> None:
    """Add one view or download of ``package_id`` (what: 'views' | 'downloads')."""
    with model.meta.engine.begin() as conn:
        downloads = conn.execute(_UPSERT[what], {"p": package_id}).scalar()
        conn.execute(_UPSERT_DAY, {"p": package_id, "v": int(what == "views"),
                                   "d": int(what == "downloads")})
        if what == "downloads":
            try:
                with conn.begin_nested():  # no index table (another search backend): counts stay
                    conn.execute(_INDEX_SORT_KEY, {"p": package_id, "k": "%010d" % (downloads or 0)})
            except Exception:
                import logging
                logging.getLogger(__name__).warning("search sort key of %s not updated", package_id)


def counts(package_ids) -> dict:
    ids = [i for i in package_ids if i]
    if not ids:
        return {}
    rows = model.Session.query(DatasetUsage).filter(DatasetUsage.package_id.in_(ids)).all()
    return {r.package_id: {"views": r.views, "downloads": r.downloads} for r in rows}


def most_downloaded(limit: int = 50) -> list:
    """Package ids, most downloads first (ties: most views)."""
    rows = (model.Session.query(DatasetUsage.package_id).filter(DatasetUsage.downloads > 0)
            .order_by(DatasetUsage.downloads.desc(), DatasetUsage.views.desc()).limit(limit).all())
    return [r[0] for r in rows]


def sort_key(package_id) -> str:
    """The dataset's downloads as a sortable string for the search index.

    Read on a connection of its own, never in the session: indexing runs inside CKAN's
    before_commit hook, and a savepoint there (begin_nested, once used here so that a
    missing table could not abort the indexing transaction) dispatches before_commit
    again, which indexes again: every catalog edit recursed until Python's limit (an
    outside test's server log: RecursionError on package_patch, /dataset/new …)."""
    n = 0
    if package_id:
        try:
            with model.meta.engine.connect() as conn:
                n = conn.execute(text("SELECT downloads FROM govopen_dataset_usage WHERE package_id = :p"),
                                 {"p": package_id}).scalar() or 0
        except Exception:  # the index must not fail because of a counter
            n = 0
    return "%010d" % n
