"""The index table and its create-if-missing.

One row per indexed dataset (Solr's ``index_id`` is the key):

``doc``        jsonb: the dict CKAN would have sent to Solr (after ``before_dataset_index``
               hooks), minus the two big JSON strings below. Answers ``fl`` and ranges.
``terms``      text[]: ``field<US>value`` for every value of every *string-typed* field
               (Solr's ``string`` fields and its ``*`` catch-all: name, tags, groups,
               organization, res_format, license_id, capacity, state, permission_labels,
               open_type, ...). GIN-indexed: exact ``fq`` filters are array containment and
               facet counts are one ``unnest`` over the matched rows.
``facet_terms`` the part of ``terms`` worth faceting (no ids, URLs, states...): small,
               so counting facets over many matches unnests a few entries per row.
``tsv``        tsvector of Solr's ``text`` copy-fields (weights: A name/title, B tags/
               groups/organization, C notes/resources, D the rest), built by
               :mod:`.tokenizer` (CJK bigrams). GIN-indexed.
``tsv_head``   ``ts_filter(tsv, '{a,b}')``: the A/B part of ``tsv`` only (small, stays inline): the score is ts_rank on
               it, so ranking never detoasts the full vector.
``metadata_modified``/``metadata_created``/``name``/``title_string``: columns for sorting
               and date ranges (btree).
``state``/``capacity``/``site_id``/``permission_labels``: the filters package_search adds
               to every query, as small inline columns (cheap to check per candidate row;
               intersecting their near-universal GIN posting lists was the slowest part).

Why create-if-missing and not (only) an alembic migration: CKAN's ``clean_db`` fixture
drops *every* table and re-runs only core migrations, and ``ckan db init`` on a fresh
database never runs plugin migrations either; the search must work after both.  So the
table is declared on CKAN's own metadata (``model.repo.metadata``) -- which makes
``reset_db``/``delete_all`` empty it between tests and ``ckan db clean`` drop it -- and
:func:`ensure_table` creates it (idempotently, under an advisory lock so two workers
cannot race) when the plugin is configured and before any index/search statement
finds it missing.  No PostgreSQL extension is needed (no pg_trgm), so a non-superuser
role on a stock Debian PostgreSQL 15 is enough.
"""
from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

import ckan.model as model

log = logging.getLogger(__name__)

TABLE_NAME = "govopen_search_index"
SEP = "\x1f"        # separates field and value in ``terms``
_LOCK_KEY = 0x60F0_5EA2C  # arbitrary constant for pg_advisory_xact_lock
# Stored as the table's comment. When the layout changes, bump it: an older table is
# dropped and recreated (the index is derived data; run `ckan search-index rebuild`).
SCHEMA_VERSION = "govopen_search 4"


def _build_table(metadata: sa.MetaData) -> sa.Table:
    if TABLE_NAME in metadata.tables:
        return metadata.tables[TABLE_NAME]
    return sa.Table(
        TABLE_NAME, metadata,
        sa.Column("index_id", sa.UnicodeText, primary_key=True),
        sa.Column("id", sa.UnicodeText, nullable=False),
        sa.Column("name", sa.UnicodeText),
        sa.Column("site_id", sa.UnicodeText, nullable=False),
        # present in nearly every package_search (capacity/state/site_id/permission
        # labels): small inline columns, so they filter without touching GIN or TOAST
        sa.Column("state", sa.UnicodeText),
        sa.Column("capacity", sa.UnicodeText),
        sa.Column("permission_labels", pg.ARRAY(sa.UnicodeText), nullable=False,
                  server_default="{}"),
        sa.Column("metadata_modified", sa.DateTime(timezone=True)),
        sa.Column("metadata_created", sa.DateTime(timezone=True)),
        sa.Column("title_string", sa.UnicodeText),
        sa.Column("terms", pg.ARRAY(sa.UnicodeText), nullable=False),
        sa.Column("facet_terms", pg.ARRAY(sa.UnicodeText), nullable=False),
        sa.Column("tsv", pg.TSVECTOR, nullable=False),
        sa.Column("tsv_head", pg.TSVECTOR, nullable=False),
        sa.Column("doc", pg.JSONB, nullable=False),
        sa.Column("data_dict", sa.UnicodeText),
        sa.Column("validated_data_dict", sa.UnicodeText),
        sa.Column("indexed_ts", sa.DateTime(timezone=True),
                  server_default=sa.func.now()),
        sa.Index("ix_%s_terms" % TABLE_NAME, "terms", postgresql_using="gin"),
        sa.Index("ix_%s_tsv" % TABLE_NAME, "tsv", postgresql_using="gin"),
        sa.Index("ix_%s_id" % TABLE_NAME, "id"),
        sa.Index("ix_%s_name" % TABLE_NAME, "name"),
        sa.Index("ix_%s_modified" % TABLE_NAME, "metadata_modified"),
        sa.Index("ix_%s_created" % TABLE_NAME, "metadata_created"),
    )


# Registered on CKAN's metadata so that reset_db/delete_all empties it.
index_table = _build_table(model.repo.metadata)


def table_version(conn):
    """The table's layout version; None if it does not exist ('' if unversioned)."""
    row = conn.execute(
        sa.text("SELECT to_regclass(:t) IS NOT NULL, "
                "obj_description(to_regclass(:t), 'pg_class')"), {"t": TABLE_NAME}
    ).first()
    if not row[0]:
        return None
    return row[1] or ""


def table_exists(conn) -> bool:
    return table_version(conn) == SCHEMA_VERSION


def ensure_table(conn=None, wait: bool = True) -> bool:
    """Create the index table and its indexes if missing (in the caller's transaction).

    Returns whether the table exists afterwards.  With ``wait=False`` it does not wait
    for another transaction that is creating the table (used at start-up, where that
    other transaction may belong to this very thread).
    """
    if conn is None:
        conn = model.Session.connection()
    if table_exists(conn):
        return True
    if wait:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    elif not conn.execute(sa.text("SELECT pg_try_advisory_xact_lock(:k)"),
                          {"k": _LOCK_KEY}).scalar():
        return False
    version = table_version(conn)
    if version == SCHEMA_VERSION:
        return True
    if version is not None:
        log.warning("Search index table %s has layout %r, expected %r: recreating it; "
                    "run `ckan search-index rebuild`", TABLE_NAME, version, SCHEMA_VERSION)
        index_table.drop(bind=conn)
    log.info("Creating search index table %s", TABLE_NAME)
    index_table.create(bind=conn)
    conn.execute(sa.text("COMMENT ON TABLE " + TABLE_NAME + " IS '" + SCHEMA_VERSION + "'"))
    return True


def ensure_table_committed() -> bool:
    """Create the table in its own transaction (plugin start-up, CLI)."""
    with model.ensure_engine().begin() as conn:
        return ensure_table(conn, wait=False)
