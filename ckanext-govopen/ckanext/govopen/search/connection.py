"""A pysolr-compatible connection backed by the PostgreSQL index table.

``make_connection()`` returns one of these, so every core code path that talks to
"Solr" (``PackageSearchIndex.index_package``, ``PackageSearchQuery.run``/``get_index``/
``get_all_entity_ids``, ``clear_index``, bulk private/public updates, group and
organization dataset counts, ``tag_show``) runs unchanged against PostgreSQL, and CKAN's
own request-building (``fq`` for capacity/state/site_id/permission labels, local-params
checks, ``fl``/extras post-processing) keeps its exact semantics.

All statements run on ``model.Session`` -- the same session and transaction as the
dataset change that triggered them -- so the dataset row and its index row commit or roll
back together.  Nothing from a request is spliced into SQL: values, field names and
patterns are bound parameters (see :mod:`.compiler`).
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any, Iterable, Optional

import pysolr
import sqlalchemy as sa

import ckan.lib.search.common as search_common
import ckan.model as model
from ckan.lib.search.query import _parse_local_params

from . import fields as F
from .compiler import Compiler, QueryCompileError
from .document import build_row
from .parser import (Bool, DEFAULT_MAX_QUERY_TERMS, MUST, MUST_NOT, SHOULD, QueryParseError,
                     check_terms, parse, parse_dismax)
from .schema import SEP, TABLE_NAME, ensure_table

log = logging.getLogger(__name__)

_SORT_ITEM = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s+(asc|desc)\s*$", re.I)
_INT_KEYS = ("rows", "start", "facet.limit", "facet.mincount")
MAX_START = 2 ** 62


def _as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _split_fl(fl: Any) -> list[str]:
    out: list[str] = []
    for item in _as_list(fl):
        out.extend(x for x in re.split(r"[\s,]+", str(item)) if x)
    return out


#: a search statement is stopped after this (``govopen.search.timeout_ms``; 0: no bound of
#: ours): one anonymous search held a server process for 20–60 s (an outside test)
DEFAULT_SEARCH_TIMEOUT_MS = 5000
SEARCH_TIMEOUT_MESSAGE = ("搜索超时（超过 %s 秒），已停止，请减少或简化搜索条件 / The search took "
                          "longer than %s seconds and was stopped; use fewer or simpler terms")


def _config_int(key: str, default: int) -> int:
    from ckan.plugins import toolkit as tk
    try:
        raw = tk.config.get(key)
        return default if raw in (None, "") else int(raw)
    except (TypeError, ValueError):
        return default


def max_query_terms() -> int:
    return _config_int("govopen.search.max_terms", DEFAULT_MAX_QUERY_TERMS)


def search_timeout_ms() -> int:
    return _config_int("govopen.search.timeout_ms", DEFAULT_SEARCH_TIMEOUT_MS)


def _int(params: dict, key: str, default: int) -> int:
    value = params.get(key, default)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise pysolr.SolrError("Invalid integer for %s: %r" % (key, value))


class PostgresSearchConnection:
    """The subset of ``pysolr.Solr`` CKAN uses: search, add, delete, commit."""

    url = "postgresql://" + TABLE_NAME

    def __init__(self, decode_dates: bool = True, session=None) -> None:
        self.decode_dates = decode_dates
        self._session = session

    @property
    def session(self):
        return self._session if self._session is not None else model.Session

    def _execute(self, sql: str, params: Optional[dict] = None, ensure: bool = True):
        if ensure:
            ensure_table(self.session.connection())
        return self.session.execute(sa.text(sql), params or {})

    def _bounded_one(self, sql: str, params: dict) -> dict:
        """The search statement's one row, stopped after ``search_timeout_ms``. It runs
        in a savepoint on the request's own transaction: a cancelled statement rolls
        back to it (the dataset changes around it stay usable), and the bound is set
        for this statement only and put back after it."""
        ms = search_timeout_ms()
        if ms <= 0:
            return dict(self._execute(sql, params).mappings().one())
        ensure_table(self.session.connection())
        try:
            with self.session.begin_nested():
                prev = self.session.execute(sa.text(
                    "SELECT current_setting('statement_timeout')")).scalar()
                self.session.execute(sa.text(
                    "SELECT set_config('statement_timeout', :v, true)"), {"v": "%dms" % ms})
                row = dict(self.session.execute(sa.text(sql), params).mappings().one())
                self.session.execute(sa.text(
                    "SELECT set_config('statement_timeout', :v, true)"), {"v": prev})
                return row
        except sa.exc.OperationalError as e:
            if getattr(getattr(e, "orig", None), "pgcode", None) != "57014":  # query_canceled
                raise
            seconds = max(1, ms // 1000)
            log.warning("search stopped after %s ms", ms)
            raise pysolr.SolrError(SEARCH_TIMEOUT_MESSAGE % (seconds, seconds))

    # ------------------------------------------------------------ writing
    def add(self, docs: Iterable[dict[str, Any]], commit: bool = False, **kwargs) -> str:
        sql = (
            "INSERT INTO " + TABLE_NAME + " (index_id, id, name, site_id, state, capacity,"
            " permission_labels, metadata_modified,"
            " metadata_created, title_string, terms, facet_terms, tsv, tsv_head, doc, data_dict,"
            " validated_data_dict, indexed_ts) VALUES (:index_id, :id, :name, :site_id,"
            " :state, :capacity, CAST(:permission_labels AS text[]),"
            " :metadata_modified, :metadata_created, :title_string, CAST(:terms AS text[]),"
            " CAST(:facet_terms AS text[]),"
            " CAST(:tsv AS tsvector), ts_filter(CAST(:tsv AS tsvector), '{a,b}'), CAST(:doc AS jsonb),"
            " :data_dict, :validated_data_dict,"
            " now()) ON CONFLICT (index_id) DO UPDATE SET id = EXCLUDED.id,"
            " name = EXCLUDED.name, site_id = EXCLUDED.site_id, state = EXCLUDED.state,"
            " capacity = EXCLUDED.capacity, permission_labels = EXCLUDED.permission_labels,"
            " metadata_modified = EXCLUDED.metadata_modified,"
            " metadata_created = EXCLUDED.metadata_created,"
            " title_string = EXCLUDED.title_string, terms = EXCLUDED.terms,"
            " facet_terms = EXCLUDED.facet_terms,"
            " tsv = EXCLUDED.tsv, tsv_head = EXCLUDED.tsv_head, doc = EXCLUDED.doc, data_dict = EXCLUDED.data_dict,"
            " validated_data_dict = EXCLUDED.validated_data_dict, indexed_ts = now()")
        for n, doc in enumerate(docs):
            self._execute(sql, build_row(doc), ensure=n == 0)
        return ""

    def delete(self, id: Any = None, q: Optional[str] = None, commit: bool = False,
               **kwargs) -> str:
        if id is not None:
            ids = _as_list(id)
            self._execute("DELETE FROM " + TABLE_NAME + " WHERE index_id = ANY(:ids)"
                          " OR id = ANY(:ids)", {"ids": [str(x) for x in ids]})
            return ""
        if q is None:
            raise ValueError("You must specify 'id' or 'q'.")
        where, params, _ = self._where([q], [])
        self._execute("DELETE FROM " + TABLE_NAME + " i WHERE " + where, params)
        return ""

    def delete_by_reference(self, reference: str, site_id: str) -> None:
        self._execute("DELETE FROM " + TABLE_NAME + " WHERE site_id = :site AND"
                      " (id = :ref OR name = :ref)", {"site": site_id, "ref": reference})

    def commit(self, *args, **kwargs) -> str:
        # Index rows live in the caller's transaction; CKAN commits it.
        return ""

    def optimize(self, *args, **kwargs) -> str:
        return ""

    def ping(self, *args, **kwargs) -> str:
        self._execute("SELECT 1 FROM " + TABLE_NAME + " LIMIT 1")
        return "{}"

    # ------------------------------------------------------------ searching
    def _where(self, qs: list[str], fqs: list[str], dismax: bool = False,
               mm: Optional[str] = None):
        compiler = Compiler()
        parts: list[str] = []
        for i, q in enumerate(qs):
            if q is None or not str(q).strip():
                continue
            try:
                node = _parse_with_local_params(str(q), dismax and i == 0, mm)
                check_terms(node, max_query_terms())
                sql = compiler.compile(node)
            except (QueryParseError, QueryCompileError) as e:
                raise pysolr.SolrError("org.apache.solr.search.SyntaxError: %s" % e)
            parts.append(sql or "FALSE")
        rank_queries = list(compiler.rank_queries)
        for fq in fqs:
            if fq is None or not str(fq).strip():
                continue
            try:
                sql = compiler.compile(_parse_with_local_params(str(fq), False, None))
            except (QueryParseError, QueryCompileError) as e:
                raise pysolr.SolrError("org.apache.solr.search.SyntaxError: %s" % e)
            parts.append(sql or "FALSE")
        compiler.rank_queries = rank_queries
        where = " AND ".join(parts) if parts else "TRUE"
        return where, compiler.params, compiler

    def _order_by(self, sort: Optional[str], compiler: Compiler, rank_sql: str) -> str:
        if not sort or not str(sort).strip():
            return "score DESC, i.index_id"
        items = []
        for item in str(sort).split(","):
            m = _SORT_ITEM.match(item)
            if not m:
                raise pysolr.SolrError(
                    "Can't determine a Sort Order (asc or desc) in sort spec %r" % item)
            fld, direction = m.group(1), m.group(2).upper()
            if fld == "score":
                items.append("score %s" % direction)
            elif fld in ("metadata_modified", "metadata_created"):
                items.append("i.%s %s NULLS LAST" % (fld, direction))
            elif fld in ("name", "title_string"):
                items.append('i.%s COLLATE "C" %s NULLS LAST' % (fld, direction))
            else:
                f = compiler.bind(fld)
                items.append(
                    "(CASE WHEN jsonb_typeof(i.doc -> %s) = 'number' THEN "
                    "CAST(i.doc ->> %s AS numeric) END) %s NULLS LAST" % (f, f, direction))
                items.append('(i.doc ->> %s) COLLATE "C" %s NULLS LAST' % (f, direction))
        items.append("i.index_id")
        return ", ".join(items)

    def search(self, q: Optional[str] = None, search_handler: Optional[str] = None,
               **params: Any) -> pysolr.Results:
        q = params.pop("q", q)
        if q is None or q in ('""', "''") or not str(q).strip():
            q = "*:*"
        fqs = [str(x) for x in _as_list(params.get("fq"))]
        rows = _int(params, "rows", 10)
        start = _int(params, "start", 0)
        if rows < 0 or start < 0:
            raise pysolr.SolrError("rows and start must not be negative")
        # OFFSET is a bigint: start=1e20 (package_search, or /dataset/?page=<huge>) was a
        # database error and a 500. Past MAX_START there is nothing to show anyway.
        start = min(start, MAX_START)
        def_type = params.get("defType", "lucene")
        dismax = def_type in ("dismax", "edismax")
        if def_type not in ("lucene", "dismax", "edismax", "standard"):
            raise pysolr.SolrError("Unknown query parser '%s'" % def_type)
        where, bind, compiler = self._where([str(q)], fqs, dismax=dismax,
                                            mm=params.get("mm"))

        if compiler.rank_queries:
            # Rank on the small name/title/tags/groups vector (Solr's boosted fields):
            # ranking the full text vector meant detoasting it for every match.
            rq = compiler.bind(" | ".join("(%s)" % r for r in compiler.rank_queries))
            rank_sql = "ts_rank(i.tsv_head, CAST(%s AS tsquery))" % rq
        else:
            rank_sql = "CAST(1.0 AS real)"
        order_by = self._order_by(params.get("sort"), compiler, rank_sql)
        needs_doc = "i.doc" in order_by

        fl = _split_fl(params.get("fl")) or ["*", "score"]
        want_all = "*" in fl
        facet_on = str(params.get("facet", "false")).lower() in ("true", "on", "1")
        facet_fields = [str(f) for f in _as_list(params.get("facet.field"))]
        facet_fields = list(dict.fromkeys(facet_fields)) if facet_on else []

        # One pass over the matches: count, page and facets all read the materialized
        # set; only the page's rows are then fetched whole.
        m_cols = ["i.index_id", "%s AS score" % rank_sql, "i.metadata_modified",
                  "i.metadata_created", "i.name", "i.title_string"]
        facet_col = "facet_terms"
        if any(f in F.NOT_IN_FACET_TERMS for f in facet_fields):
            facet_col = "terms"
        if facet_fields:
            m_cols.append("i.%s AS terms" % facet_col)
        if needs_doc:
            m_cols.append("i.doc")
        sql = ("WITH m AS MATERIALIZED (SELECT " + ", ".join(m_cols) + " FROM " + TABLE_NAME
               + " i WHERE " + where + ") SELECT (SELECT count(*) FROM m) AS hits")
        if rows > 0:
            bind["_rows"] = rows
            bind["_start"] = start
            sql += (", (SELECT json_agg(json_build_array(p.index_id, p.score) ORDER BY p.rn)"
                    " FROM (SELECT i.index_id, i.score, row_number() OVER (ORDER BY "
                    + order_by + ") AS rn FROM m i ORDER BY " + order_by
                    + " LIMIT :_rows OFFSET :_start) p) AS page")
        else:
            sql += ", NULL AS page"
        if facet_fields:
            limit = _int(params, "facet.limit", 100)
            mincount = _int(params, "facet.mincount", 0)
            bind["_prefixes"] = [F.term_prefix(f) for f in facet_fields]
            bind["_mincount"] = max(mincount, 1)
            limit_sql = ""
            if limit >= 0:
                bind["_limit"] = limit
                limit_sql = " WHERE rn <= :_limit"
            sql += (
                ", (SELECT json_agg(json_build_array(t, n) ORDER BY n DESC, t COLLATE \"C\")"
                " FROM (SELECT t, n, row_number() OVER (PARTITION BY left(t, strpos(t, chr(31)))"
                " ORDER BY n DESC, t COLLATE \"C\") AS rn FROM (SELECT u.t, count(*) AS n"
                " FROM m, unnest(m.terms) AS u(t) WHERE left(u.t, strpos(u.t, chr(31)))"
                " = ANY(CAST(:_prefixes AS text[])) GROUP BY u.t) c WHERE n >= :_mincount) r"
                + limit_sql + ") AS facets")
        else:
            sql += ", NULL AS facets"
        row = self._bounded_one(sql, bind)
        hits = int(row["hits"])
        page = _json(row["page"]) or []

        docs: list[dict[str, Any]] = []
        if page:
            cols = ["index_id", "doc"] + [big for big in ("data_dict", "validated_data_dict")
                                          if big in fl or want_all]
            fetched = {
                r["index_id"]: r for r in self._execute(
                    "SELECT " + ", ".join(cols) + " FROM " + TABLE_NAME
                    + " WHERE index_id = ANY(:ids)",
                    {"ids": [p[0] for p in page]}, ensure=False).mappings().all()}
            for index_id, score in page:
                found = fetched.get(index_id)
                if found is None:
                    continue
                doc = self._make_doc(dict(found, score=score), fl, want_all)
                if self.decode_dates:
                    doc = search_common.solr_datetime_decoder(doc)
                docs.append(doc)

        decoded: dict[str, Any] = {"response": {"docs": docs, "numFound": hits}}
        if facet_fields:
            out: dict[str, list] = {f: [] for f in facet_fields}
            by_prefix = {F.term_prefix(f): f for f in facet_fields}
            for t, n in _json(row["facets"]) or []:
                cut = t.index(SEP) + 1
                fld = by_prefix.get(t[:cut])
                if fld is not None:
                    out[fld].extend([t[cut:], int(n)])
            decoded["facet_counts"] = {"facet_fields": out}
        return pysolr.Results(decoded)

    def _make_doc(self, row, fl: list[str], want_all: bool) -> dict[str, Any]:
        doc = row["doc"]
        if isinstance(doc, str):
            doc = json.loads(doc)
        out: dict[str, Any] = {}
        if want_all:
            out = {k: v for k, v in doc.items() if k not in F.NOT_STORED}
            for big in ("data_dict", "validated_data_dict"):
                if row.get(big) is not None:
                    out[big] = row[big]
        else:
            for k in fl:
                if k in ("data_dict", "validated_data_dict"):
                    if row.get(k) is not None:
                        out[k] = row[k]
                elif k != "score" and k in doc and k not in F.NOT_STORED:
                    out[k] = doc[k]
        if "score" in fl:
            out["score"] = float(row["score"])
        return out


def _parse_with_local_params(q: str, dismax: bool, mm: Optional[str]):
    """Parse q/fq, honouring Solr local params (``{!bool must=x}``, ``{!lucene q.op=OR}``,
    ``{!dismax}``) -- core only lets through those allowed by
    ``ckan.search.solr_allowed_query_parsers``."""
    stripped = q.strip()
    if not stripped.startswith("{!"):
        return parse_dismax(q, mm) if dismax else parse(q)
    try:
        end = stripped.index("}") + 1
        parts = _parse_local_params(stripped[:end])
    except Exception as e:  # noqa: BLE001 - pyparsing errors
        raise QueryParseError("Could not parse local parameters: %s" % e)
    rest = stripped[end:]
    qp_type = ""
    params: list[tuple[str, str]] = []
    for part in parts:
        if isinstance(part, str):
            qp_type = part
        elif part[0] == "type":
            qp_type = part[1]
        else:
            params.append((part[0], part[1]))
    values = dict(params)
    body = values.get("v", rest)
    if qp_type in ("", "lucene", "standard"):
        default_and = values.get("q.op", "AND").upper() != "OR"
        return parse(body, default_and=default_and)
    if qp_type in ("dismax", "edismax"):
        return parse_dismax(body, values.get("mm", mm))
    if qp_type == "bool":
        occurs = {"must": MUST, "filter": MUST, "should": SHOULD, "must_not": MUST_NOT}
        clauses = [(occurs[k], parse(v)) for k, v in params if k in occurs]
        return Bool(clauses)
    raise QueryParseError("Query parser '%s' is not supported" % qp_type)


def make_connection(decode_dates: bool = True) -> PostgresSearchConnection:
    return PostgresSearchConnection(decode_dates=decode_dates)


def is_available() -> bool:
    try:
        conn = make_connection()
        conn.search(q="*:*", rows=1)
    except Exception as e:  # noqa: BLE001 - mirrors core's is_available
        log.exception(e)
        return False
    return True
