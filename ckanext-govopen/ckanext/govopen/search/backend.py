"""Route all of ``ckan.lib.search`` to PostgreSQL, process-wide.

:func:`install` is idempotent and is called when this package is imported (so importing
the plugin module is enough, and it stays in force after CKAN's test fixtures unload
plugins), and again from the plugin's hooks.  It replaces:

- the registries ``_INDICES['package']`` / ``_QUERIES['package']`` (``index_for``,
  ``query_for``: package_search, package_show's ``get_index``, rebuild, check, clear);
- the module attributes ``ckan.lib.search.PackageSearchIndex`` / ``PackageSearchQuery``
  that core constructs directly (bulk private/public updates, group and organization
  dataset counts, ``tag_show``);
- ``make_connection`` everywhere core imported it (``common``, ``index``, ``query`` and
  the package), so even code holding core's own classes talks to PostgreSQL;
- ``is_available``, ``check_solr_schema_version`` and ``clear_index``.

Nothing in the installed ckan package is edited.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

import ckan.lib.search as search
import ckan.lib.search.common as search_common
import ckan.lib.search.index as search_index
import ckan.lib.search.query as search_query
from ckan.common import config

from . import connection as pg_connection

log = logging.getLogger(__name__)

_core_check_schema = search.check_solr_schema_version
_CorePackageSearchIndex = search_index.PackageSearchIndex
_CorePackageSearchQuery = search_query.PackageSearchQuery


class PostgresPackageSearchIndex(_CorePackageSearchIndex):
    """Core's PackageSearchIndex (same document, same hooks) writing to PostgreSQL.

    Any failure while building or writing the document is raised as
    ``SearchIndexError``: CKAN's modification observer re-raises only that type, so the
    surrounding commit fails and the dataset change rolls back with its index row --
    the database and the index never disagree.
    """

    def index_package(self, pkg_dict: Optional[dict[str, Any]],
                      defer_commit: bool = False) -> None:
        try:
            return super().index_package(pkg_dict, defer_commit)
        except search_common.SearchIndexError:
            raise
        except Exception as e:  # noqa: BLE001
            log.exception("Indexing dataset %s failed",
                          (pkg_dict or {}).get("id"))
            raise search_common.SearchIndexError(
                "Indexing dataset %s failed: %r" % ((pkg_dict or {}).get("id"), e)) from e

    def delete_package(self, pkg_dict: dict[str, Any]) -> None:
        try:
            pg_connection.make_connection().delete_by_reference(
                str(pkg_dict.get("id")), config.get("ckan.site_id"))
        except Exception as e:  # noqa: BLE001
            log.exception(e)
            raise search_common.SearchIndexError(e) from e

    def commit(self) -> None:
        # Index rows are written in the caller's transaction; core calls commit() after
        # batches it wrote outside any dataset action (bulk updates, rebuild).
        import ckan.model as model
        model.Session.commit()


class PostgresPackageSearchQuery(_CorePackageSearchQuery):
    """Core's PackageSearchQuery; its connection is PostgreSQL (see :mod:`.connection`)."""


def clear_index() -> None:
    conn = pg_connection.make_connection()
    conn.delete(q='+site_id:"%s"' % str(config.get("ckan.site_id")).replace('"', ""))


def check_solr_schema_version(schema_file: Optional[str] = None) -> bool:
    """There is no Solr schema: make sure our table exists and report compatibility.

    CKAN calls this while loading its config, before the database engine exists; then
    there is nothing to check yet and the table is created on first use.
    """
    import ckan.model as model
    if schema_file:
        # Only used by CKAN's tests to validate a given schema file: keep core's check.
        return _core_check_schema(schema_file)
    if getattr(model.meta, "engine", None) is None:
        return True
    try:
        from .schema import ensure_table_committed
        ensure_table_committed()
    except Exception as e:  # noqa: BLE001 - start-up must not die on a missing DB
        log.warning("Could not ensure the search index table: %s", e)
        return False
    return True


_installed = False


def install() -> None:
    global _installed
    search._INDICES["package"] = PostgresPackageSearchIndex
    search._QUERIES["package"] = PostgresPackageSearchQuery
    search.PackageSearchIndex = PostgresPackageSearchIndex
    search.PackageSearchQuery = PostgresPackageSearchQuery
    for mod in (search, search_common, search_index, search_query):
        mod.make_connection = pg_connection.make_connection
    search.is_available = pg_connection.is_available
    search_common.is_available = pg_connection.is_available
    search.check_solr_schema_version = check_solr_schema_version
    search_index.clear_index = clear_index
    if not _installed:
        log.debug("PostgreSQL search installed in place of Solr")
    _installed = True


def installed() -> bool:
    return (search.make_connection is pg_connection.make_connection
            and search._QUERIES.get("package") is PostgresPackageSearchQuery)
