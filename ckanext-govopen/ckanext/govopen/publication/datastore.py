"""The DataStore copy of a tabular resource (issue 16): loaded from the desensitized public
copy when the resource passes the publication gate, dropped in the same step that takes the
file back from the public.

Why our own loader and not ckanext-xloader: xloader's triggers fire on resource
create/update and fetch the resource URL — the original file, before any job or review —
and its job would have to be taught both to read the public copy and to wait for the
reviewer's signature. The gate already has the moment (the signed review) and the file
(``storage.public_path``), so the load is a job of ours that does what xloader does inside:
``datastore_create`` for the table (fields with types and a Chinese description), then
PostgreSQL ``COPY`` through the DataStore's write engine.

* **When**: ``govopen_publication_review`` enqueues :func:`run` once the review makes the
  resource pass (``enqueue_load``). The job checks the gate again before and after the
  load (same attempt token, still passing) and drops the table if it no longer passes.
* **What**: only ``storage.public_path`` — the desensitized copy. Never the original.
* **Types**: columns the desensitize report names as identifiers or free text, and
  code-like headers (编码, 代码, 编号 …), stay text so leading zeros survive; the other
  columns are typed from all their cells (integers without leading zeros → bigint or
  numeric, decimals → numeric, ISO dates → date, date-times → timestamp, else text).
* **Withdrawal**: ``unload`` drops the table (``DROP TABLE … CASCADE`` on the write engine,
  ``datastore_active`` cleared in the caller's transaction) from ``state.reset`` (new file,
  re-run, policy change) and ``state.note_open_type_change`` (widened open type).
* **Writes**: only the platform writes rows (``logic/auth`` refuses datastore_create with
  records, datastore_upsert and datastore_delete to users, sysadmins included), so nothing
  reaches the DataStore around the gate; the department edits the field dictionary only.

Whether a caller may READ the table is not decided here: every DataStore path asks the
access policy (``logic.access`` → ``domain.open_types.decide``), which also says no
before the gate, so a table that exists for a moment too long is still unreadable.
"""
from __future__ import annotations

import io
import logging
import re
import time
from typing import Optional

import ckan.plugins as p
import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

#: headers of code-like columns: always text (leading zeros, fixed widths)
CODE_HINTS = ("编码", "代码", "编号", "号码", "代号", "邮编", "证号", "账号", "卡号", "序号", "id",
              "code", "no.", "number", "zip", "phone", "电话", "手机")

_INT = r"-?(?:0|[1-9][0-9]{0,17})"
_PATTERNS = {  # whole-cell, no surrounding spaces; checked in this order of preference
    "bigint": "^" + _INT + "$",
    "numeric": r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$",
    "date": r"^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$",
    "timestamp": r"^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[ T]"
                 r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,6})?)?$",
}
TYPE_NOTES = {"bigint": "整数", "numeric": "数值", "date": "日期", "timestamp": "日期时间",
              "text": "文本"}
#: columns whose longest cell is longer get no b-tree index (free text; btree's row limit)
INDEX_MAX_BYTES = 512
PG_ENCODINGS = {"utf-8": "UTF8", "utf8": "UTF8", "gbk": "GBK", "gb2312": "GBK", "gb18030": "GB18030"}


def enabled() -> bool:
    return p.plugin_loaded("datastore")


def patch_core() -> None:
    """CKAN 2.11.6's ``resource_id_from_alias`` (asked by every datastore_search) reads
    its result after giving the connection back to the pool; under concurrent requests
    another thread's query closes that cursor ("cursor already closed", a 500). The same
    query, read before the connection is returned."""
    from ckanext.datastore.backend.postgres import DatastorePostgresqlBackend
    import sqlalchemy as sa
    if getattr(DatastorePostgresqlBackend.resource_id_from_alias, "_govopen", False):
        return

    def resource_id_from_alias(self, alias):
        with self._get_read_engine().connect() as conn:
            rows = conn.execute(sa.text('SELECT alias_of FROM "_table_metadata" '
                                        'WHERE name = :id'), {"id": alias}).fetchall()
        return bool(rows), (rows[0][0] if rows else None)
    resource_id_from_alias._govopen = True
    DatastorePostgresqlBackend.resource_id_from_alias = resource_id_from_alias
    _cache_single_statement_check()


def _cache_single_statement_check() -> None:
    """CKAN checks every SQL statement datastore_search builds with sqlparse
    (``is_single_statement``, twice a search: rows and total): 13 ms of CPU a search in
    the benchmark's profile. The check is a pure function of the SQL text, and a
    search's text repeats (its values are bound parameters), so its answers are kept
    (LRU, 4,096 texts). datastore_search_sql's own check of the caller's SQL is
    CKAN's module-level alias and stays as it is."""
    import functools
    from ckanext.datastore import helpers
    if getattr(helpers.is_single_statement, "cache_info", None):
        return
    helpers.is_single_statement = functools.lru_cache(maxsize=4096)(helpers.is_single_statement)


# ------------------------------------------------------------------ the gate's moments
def passes(row, res=None) -> bool:
    """The row is a tabular resource that passes the gate now."""
    from ..domain import open_types as ot
    from . import state
    import ckan.model as model
    if row is None or row.kind != state.KIND_TABULAR:
        return False
    res = res or model.Resource.get(row.resource_id)
    if res is None or res.state != "active":
        return False
    return bool(ot.publication_passed(state.value_of(row, res)))


def enqueue_load(row) -> None:
    """After a review made ``row`` pass: load its public copy (a job; in-process when
    ``govopen.datastore.load_inline`` is set, for the demo loader and tests)."""
    if not enabled() or not passes(row):
        return
    from . import state
    if tk.asbool(tk.config.get("govopen.datastore.load_inline", False)):
        run(row.resource_id, row.token, inline=True)
        return
    try:
        tk.enqueue_job(run, [row.resource_id, row.token],
                       title="govopen datastore load %s" % row.resource_id,
                       queue=state.queue_name(),
                       rq_kwargs={"timeout": int(tk.config.get("govopen.publication.timeout", 3600)
                                                 or 3600)})
    except Exception:  # Redis down: the file is public by download; re-signing loads it
        log.exception("could not enqueue the DataStore load of %s", row.resource_id)


def run(resource_id: str, token: Optional[str] = None, inline: bool = False) -> str:
    """The load job: the public copy into the DataStore if the resource (still) passes
    with the attempt ``token``. Returns 'loaded', 'superseded' or 'withdrawn'.
    ``inline``: called inside a request (keep its session; only commit)."""
    import ckan.model as model
    from . import state, storage
    if not enabled():
        return "disabled"
    if not inline:
        model.Session.remove()
    row = state.get_row(resource_id)
    if not passes(row) or (token and row.token != token):
        return "superseded"
    token = row.token
    if table_exists(resource_id) and loaded_token(resource_id) == token:
        return "loaded"  # this attempt's table is in place already (a job and a sync)
    report = row.report or {}
    model.repo.commit()
    result = load_file(resource_id, storage.public_path(resource_id), report,
                       fmt=format_of(row.original_name))
    model.Session.expire_all()
    row = state.get_row(resource_id)
    if not passes(row) or row.token != token:  # withdrawn while loading
        unload(resource_id, commit=True)
        return "withdrawn"
    _record_loaded(row, result)
    add_views(resource_id)
    return "loaded"


def loaded_token(resource_id: str) -> Optional[str]:
    """The gate attempt whose table was loaded last (from the audit table)."""
    import ckan.model as model
    from ..model import PublicationEvent
    e = (model.Session.query(PublicationEvent)
         .filter(PublicationEvent.resource_id == resource_id)
         .filter(PublicationEvent.action == "datastore_loaded")
         .order_by(PublicationEvent.created.desc()).first())
    return (e.detail or {}).get("token") if e is not None else None


def _record_loaded(row, result: dict) -> None:
    import ckan.model as model
    from . import state
    state.record("datastore_loaded", row.resource_id, row.package_id, None, token=row.token,
                 rows=result["rows"], seconds=round(result["seconds"], 3))
    model.repo.commit()


# ------------------------------------------------------------------ withdrawal
def table_exists(resource_id: str) -> bool:
    from ckanext.datastore.backend.postgres import get_read_engine
    import sqlalchemy as sa
    with get_read_engine().connect() as conn:
        return bool(conn.execute(sa.text(
            "select 1 from pg_tables where schemaname = 'public' and tablename = :t"),
            {"t": resource_id}).first())


def unload(resource_id: str, commit: bool = False) -> bool:
    """Drop the resource's DataStore table (if any) and clear ``datastore_active`` in the
    caller's transaction (``commit``: commit it here, for jobs). Returns whether a table
    was dropped. A load holding the table (a long COPY) makes the DROP wait at most
    ``govopen.datastore.lock_timeout_ms`` (5 s); then a job retries (the load itself also
    drops the table when it finds the gate no longer passes)."""
    if not enabled() or not resource_id:
        return False
    import ckan.model as model
    import sqlalchemy as sa
    from ckanext.datastore.backend.postgres import get_write_engine, identifier
    dropped = False
    try:
        with get_write_engine().begin() as conn:
            conn.execute(sa.text("SET LOCAL lock_timeout = %d"
                                 % int(tk.config.get("govopen.datastore.lock_timeout_ms", 5000))))
            exists = conn.execute(sa.text(
                "select 1 from pg_tables where schemaname = 'public' and tablename = :t"),
                {"t": resource_id}).first()
            if exists:
                conn.execute(sa.text("DROP TABLE %s CASCADE" % identifier(resource_id)))
                dropped = True
    except Exception:
        log.exception("could not drop the DataStore table of %s now; a job retries", resource_id)
        try:
            tk.enqueue_job(unload_if_not_passed, [resource_id],
                           title="govopen datastore drop %s" % resource_id)
        except Exception:
            log.exception("could not enqueue the retry")
    res = model.Resource.get(resource_id)
    if res is not None and (res.extras or {}).get("datastore_active"):
        res.extras = {**(res.extras or {}), "datastore_active": False}
    if commit:
        model.repo.commit()
    return dropped


def unload_if_not_passed(resource_id: str) -> None:
    from . import state
    if not passes(state.get_row(resource_id)):
        unload(resource_id, commit=True)


def sync(echo=lambda s: None) -> dict:
    """Every passing tabular resource has its table; no other resource keeps one."""
    import ckan.model as model
    import sqlalchemy as sa
    from ckanext.datastore.backend.postgres import get_read_engine
    from ..model import Publication
    from . import state
    with get_read_engine().connect() as conn:
        tables = {r[0] for r in conn.execute(sa.text(
            "select tablename from pg_tables where schemaname = 'public'"))}
    counts = {"loaded": 0, "dropped": 0, "kept": 0}
    rows = model.Session.query(Publication).filter(
        Publication.kind == state.KIND_TABULAR).all()
    wanted = {}
    for row in rows:
        if passes(row):
            wanted[row.resource_id] = row.token
    for rid in sorted(tables - set(wanted)):
        if model.Resource.get(rid) is not None:  # only tables of our resources
            unload(rid, commit=True)
            counts["dropped"] += 1
            echo("  dropped %s (not public)" % rid)
    for rid, token in sorted(wanted.items()):
        if rid in tables:
            counts["kept"] += 1
            continue
        try:
            outcome = run(rid, token, inline=True)
        except Exception as e:  # one bad file must not stop the others
            log.exception("DataStore load of %s failed", rid)
            model.Session.rollback()
            outcome = "failed (%s)" % type(e).__name__
        counts["loaded"] += outcome == "loaded"
        echo("  %s %s" % (outcome, rid))
    return counts


# ------------------------------------------------------------------ loading
def _report_columns(report: dict) -> dict:
    return {str(c.get("column")): c for c in (report or {}).get("columns") or []
            if isinstance(c, dict)}


def _code_like(name: str) -> bool:
    low = name.lower()
    return any(h in low for h in CODE_HINTS)


class TypeGuess:
    """Which types every non-empty cell of a column seen so far fits."""

    def __init__(self, fixed_text: bool):
        self.left = [] if fixed_text else list(_PATTERNS)
        self.seen = 0
        self.max_bytes = 0  # longest cell: b-tree indexes only where cells are short

    def feed(self, array) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc
        array = array.cast(pa.large_string()) if array.type != pa.large_string() else array
        if len(array):
            longest = pc.max(pc.binary_length(array)).as_py()
            self.max_bytes = max(self.max_bytes, longest or 0)
        if not self.left:
            return
        nonempty = array.filter(pc.fill_null(pc.not_equal(array, ""), False))
        if not len(nonempty):
            return
        self.seen += len(nonempty)
        self.left = [t for t in self.left
                     if pc.all(pc.match_substring_regex(nonempty, _PATTERNS[t])).as_py()]

    def type(self) -> str:
        return self.left[0] if self.left and self.seen else "text"


def _notes(type_: str, col: Optional[dict]) -> str:
    note = TYPE_NOTES[type_]
    if col and col.get("operator"):
        op = col["operator"].get("operator") if isinstance(col["operator"], dict) else col["operator"]
        what = col.get("entity_type") or col.get("kind") or ""
        note += "；已脱敏（%s%s）" % (what + "，" if what else "", op)
    return note


def _field_name(name: str, i: int, used: set) -> str:
    """A DataStore field id: not empty, no leading underscore, no double quote, ≤ 63 bytes."""
    out = (name or "").strip().replace('"', "'").lstrip("_") or "column_%d" % (i + 1)
    while len(out.encode("utf-8")) > 63:
        out = out[:-1]
    base, n = out, 2
    while out in used:
        out = "%s_%d" % (base[:55], n)
        n += 1
    used.add(out)
    return out


def field_names(columns) -> list:
    """The DataStore field ids the loader gives a file's header (issue 17: a grant's
    columns name these, in the file as in the table)."""
    used: set = set()
    return [_field_name(str(c), i, used) for i, c in enumerate(columns)]


def format_of(name: Optional[str]) -> Optional[str]:
    """The public copy keeps the original's format, but its path has no suffix."""
    from pathlib import PurePosixPath
    from desensitize.io import detect_format
    return detect_format(PurePosixPath(name)) if name else None


def infer(path: str, report: Optional[dict] = None, fmt: Optional[str] = None):
    """(source, columns, types, rows): the column types of a table file from all its cells."""
    from desensitize.io import TableSource
    from desensitize.operators import as_array
    source = TableSource(path, fmt=fmt)
    by_name = _report_columns(report or {})
    guesses = None
    columns = None
    rows = 0
    for frame in source.chunks(100_000):
        if guesses is None:
            columns = [str(c) for c in frame.columns]
            guesses = [TypeGuess((by_name.get(c) or {}).get("kind") not in (None, "plain")
                                 or bool((by_name.get(c) or {}).get("operator")) or _code_like(c))
                       for c in columns]
        rows += len(frame)
        for guess, column in zip(guesses, frame.columns):
            guess.feed(as_array(frame[column]))
    if columns is None:
        columns = [str(c) for c in source.columns]
        guesses = [TypeGuess(True) for _ in columns]
    infer.max_bytes = [g.max_bytes for g in guesses]
    return source, columns, [g.type() for g in guesses], rows


def load_file(resource_id: str, path: str, report: Optional[dict] = None,
              fmt: Optional[str] = None) -> dict:
    """Replace the resource's DataStore table by the table file at ``path``.
    Returns {rows, seconds, fields, copy_seconds}."""
    from ckanext.datastore.backend.postgres import get_write_engine, identifier
    import sqlalchemy as sa
    started = time.perf_counter()
    phases = {}
    source, columns, types, rows = infer(path, report, fmt)
    indexed = [b <= INDEX_MAX_BYTES for b in infer.max_bytes]
    phases["types from every cell"] = time.perf_counter() - started
    by_name = _report_columns(report or {})
    names = field_names(columns)
    fields = [{"id": n, "type": t, "info": {"label": c, "notes": _notes(t, by_name.get(c))}}
              for n, c, t in zip(names, columns, types)]
    engine = get_write_engine()
    with engine.begin() as conn:  # a reload starts from an empty table
        conn.execute(sa.text("DROP TABLE IF EXISTS %s CASCADE" % identifier(resource_id)))
    ctx = {"ignore_auth": True, "user": _site_user()}
    tk.get_action("datastore_create")(dict(ctx), {"resource_id": resource_id, "force": True,
                                                  "fields": fields})
    copy_started = time.perf_counter()
    phases["datastore_create"] = copy_started - started - phases["types from every cell"]
    try:
        done = _copy(engine, resource_id, names, source, indexed)
    except sa.exc.DataError:  # a cell the types did not foresee: everything as text
        log.warning("typed COPY of %s failed; loading every column as text", resource_id,
                    exc_info=True)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS %s CASCADE" % identifier(resource_id)))
        for f in fields:
            f["type"], f["info"]["notes"] = "text", _notes("text", by_name.get(f["info"]["label"]))
        tk.get_action("datastore_create")(dict(ctx), {"resource_id": resource_id, "force": True,
                                                      "fields": fields})
        done = _copy(engine, resource_id, names, source, indexed)
    phases.update(done)
    return {"rows": rows, "seconds": time.perf_counter() - started, "phases": phases,
            "copy_seconds": done["COPY"], "fields": fields}


def _site_user() -> str:
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def _maintenance_work_mem() -> str:
    """``govopen.datastore.maintenance_work_mem`` (default 256MB) for the index builds."""
    value = str(tk.config.get("govopen.datastore.maintenance_work_mem") or "256MB").strip()
    if not re.fullmatch(r"[0-9]{1,7}(kB|MB|GB)", value):
        log.warning("govopen.datastore.maintenance_work_mem %r is not like 256MB; using 256MB",
                    value)
        value = "256MB"
    return value


def _copy(engine, resource_id: str, names: list, source, indexed: list) -> dict:
    """Bulk load as xloader does, in one transaction: the table's indexes and full-text
    trigger set aside, COPY into a temporary table of the same columns, one INSERT …
    SELECT that also computes ``_full_text`` (what the trigger would compute row by row),
    then the indexes built once over the whole table — CKAN's own (``_full_text``) and a
    b-tree per column for datastore_search's filters and sort — then VACUUM ANALYZE (the
    visibility map makes the totals index-only scans). Returns phase seconds."""
    from ckanext.datastore.backend.postgres import identifier
    table = identifier(resource_id)
    cols = ", ".join(identifier(n) for n in names)
    phases = {}
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                    "AND tablename = %s", (resource_id,))
        keep = [(n, d) for n, d in cur.fetchall() if not n.endswith("_pkey")]
        for name, _ in keep:
            cur.execute("DROP INDEX %s" % identifier(name))
        cur.execute("ALTER TABLE %s DISABLE TRIGGER USER" % table)
        cur.execute("CREATE TEMP TABLE govopen_stage ON COMMIT DROP AS SELECT %s FROM %s "
                    "WITH NO DATA" % (cols, table))
        t0 = time.perf_counter()
        if source.format == "csv":
            enc = PG_ENCODINGS.get((source.dialect.encoding or "utf-8").lower().replace("_", "-"))
        else:
            enc = None
        if enc:  # the public copy as it is: PostgreSQL parses and converts it
            sql = ("COPY govopen_stage FROM STDIN WITH (FORMAT csv, HEADER true, "
                   "ENCODING '%s')" % enc)
            with open(source.path, "rb") as f:
                if source.dialect.bom:
                    f.read(3)
                cur.copy_expert(sql, f, size=1 << 20)
        else:  # XLSX, JSONL, other encodings: through desensitize's reader, as UTF-8 CSV
            sql = "COPY govopen_stage FROM STDIN WITH (FORMAT csv, HEADER false, ENCODING 'UTF8')"
            for frame in source.chunks(50_000):
                buf = io.BytesIO()
                frame.to_csv(buf, header=False, index=False, encoding="utf-8")
                buf.seek(0)
                cur.copy_expert(sql, buf, size=1 << 20)
        t1 = time.perf_counter()
        phases["COPY"] = t1 - t0
        text = ", ".join("%s::text" % identifier(n) for n in names)
        cur.execute("INSERT INTO %s (%s, _full_text) SELECT %s, to_tsvector(concat_ws(' ', %s)) "
                    "FROM govopen_stage" % (table, cols, cols, text))
        t2 = time.perf_counter()
        phases["rows + full text into the table"] = t2 - t1
        cur.execute("ALTER TABLE %s ENABLE TRIGGER USER" % table)
        # the GIN full-text index is built in memory up to maintenance_work_mem (64 MB by
        # default): with more it flushes less (a million rows: 59 s → 33 s on a loaded box)
        cur.execute("SET LOCAL maintenance_work_mem = '%s'" % _maintenance_work_mem())
        for _, definition in keep:
            cur.execute(definition)
        for n, index in zip(names, indexed):
            if index:
                cur.execute("CREATE INDEX ON %s (%s)" % (table, identifier(n)))
        t3 = time.perf_counter()
        phases["indexes"] = t3 - t2
        raw.commit()
        # VACUUM, not only ANALYZE: it sets the visibility map, so the total that every
        # datastore_search counts (count(*) under its filters) is an index-only scan:
        # a filter matching 62,500 of 1,000,000 rows, 656 ms → 24 ms (benchmark table)
        raw.connection.autocommit = True        # VACUUM runs outside a transaction
        try:
            raw.connection.cursor().execute("VACUUM (ANALYZE) %s" % table)
        finally:
            raw.connection.autocommit = False   # the pool's next user expects transactions
        phases["VACUUM ANALYZE"] = time.perf_counter() - t3
        return phases
    except Exception as e:
        raw.rollback()
        import psycopg2
        import sqlalchemy as sa
        if isinstance(e, psycopg2.DataError):
            raise sa.exc.DataError("COPY", None, e)
        raise
    finally:
        raw.close()


# ------------------------------------------------------------------ previews
def add_views(resource_id: str) -> None:
    """The table preview (datatables_view) and, where a column is numeric or a date, the
    chart (govopen_chart), unless the resource has them already."""
    import ckan.model as model
    from ckan.lib.datapreview import add_views_to_resource
    ctx = {"ignore_auth": True, "user": _site_user(), "model": model}
    try:
        res = tk.get_action("resource_show")(dict(ctx), {"id": resource_id})
        pkg = tk.get_action("package_show")(dict(ctx, __govopen_internal=True),
                                            {"id": res["package_id"]})
        types = [t for t in ("datatables_view", "govopen_chart") if p.plugin_loaded(
            {"govopen_chart": "govopen_chart_view"}.get(t, t))]
        res["datastore_active"] = True
        add_views_to_resource(dict(ctx), res, pkg, view_types=types,
                              create_datastore_views=True)
    except Exception:
        log.exception("could not add the preview views of %s", resource_id)
