"""CKAN glue for a grant's scope (issue 17): the columns and rows a grant covers are
decided by the access policy (``open_types.decide`` → ``Decision.scope``) and applied with
``domain/grant_scope.py`` on every path that serves data:

* the download route → :func:`scoped_file_response` (the desensitized public copy,
  streamed as CSV with the granted columns and rows only);
* ``datastore_search`` (and through it ``/datastore/dump``, the datatables preview and the
  chart) → :func:`narrow_search` before CKAN runs, :func:`where_clauses` from the
  plugin's ``IDatastore.datastore_search`` hook;
* ``datastore_info`` → :func:`narrow_info`; ``datastore_search_sql`` → refused
  (``logic/auth``: :func:`sql_refusal`).

Also: DataStore reads of conditional data are written to the audit chain like downloads
(:func:`record_read`, finding F3 of docs/outside-tests/2026-12-06-attack.md).
"""
from __future__ import annotations

import csv
import io
import logging
from typing import Dict, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..domain import grant_scope
from ..domain import open_types as ot

log = logging.getLogger(__name__)

CONTEXT_KEY = "__govopen_scope"
#: a list shared with CKAN's copy of the context: the tables a datastore_search_sql read
SQL_TABLES_KEY = "__govopen_sql_tables"
#: files a scope (columns × rows) can be cut from (desensitize's TableSource reads them)
TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".jsonl", ".ndjson")


def _lang() -> str:
    from .validators import current_lang
    return current_lang()


# ------------------------------------------------------------------ field dictionary
def resource_fields(resource_id: str) -> Dict[str, str]:
    """The DataStore table's columns (name → type, in order; ``_id`` left out); {} when
    the resource has no table."""
    import ckan.plugins as p
    if not p.plugin_loaded("datastore"):
        return {}
    from ..publication import datastore as ds
    if not ds.table_exists(resource_id):
        return {}
    try:
        info = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource_id})
    except (tk.ObjectNotFound, tk.ValidationError):
        return {}
    return {f["id"]: f.get("type") or "text" for f in info.get("fields") or []
            if f.get("id") not in grant_scope.SYSTEM_COLUMNS}


def dataset_columns(pkg) -> Dict[str, str]:
    """The entry's field dictionary: the columns of its resources' DataStore tables
    (name → type, first seen first)."""
    out: Dict[str, str] = {}
    for res in pkg.resources:
        if res.state != "active":
            continue
        for name, type_ in resource_fields(res.id).items():
            out.setdefault(name, type_)
    return out


# ------------------------------------------------------------------ DataStore
def _decision(context, resource_id) -> Optional[ot.Decision]:
    from .auth import _datastore_read_decision
    return _datastore_read_decision(context, resource_id)


def narrow_search(context: dict, data_dict: dict) -> dict:
    """The ``datastore_search`` request the caller's decision allows: unchanged unless a
    scoped grant is what lets them read; then the granted columns only, and the row
    filter (and a ``q`` within the granted columns) left for :func:`where_clauses`."""
    rid = data_dict.get("resource_id") or data_dict.get("id")
    d = _decision(context, rid)
    if d is None or not d.scoped:
        return data_dict
    fields = resource_fields(rid)
    try:
        narrowed, q_text = grant_scope.search_request(d.scope, data_dict,
                                                      list(grant_scope.SYSTEM_COLUMNS) + list(fields))
    except grant_scope.OutOfScope as exc:
        raise tk.NotAuthorized(exc.message(_lang()))
    import ckan.plugins as p
    if (d.scope.row_filter or q_text) and not p.plugin_loaded("govopen_chart_view"):
        # the rows are kept by that plugin's IDatastore hook: without it, fail closed
        raise tk.NotAuthorized(grant_scope.refusal("unavailable")[1 if _lang().startswith("en") else 0])
    context[CONTEXT_KEY] = {"resource_id": rid, "scope": d.scope, "q": q_text}
    return narrowed


def where_clauses(context: dict, data_dict: dict, fields_types: dict) -> list:
    """The extra WHERE clauses of a scoped ``datastore_search`` (IDatastore hook)."""
    info = (context or {}).get(CONTEXT_KEY)
    if not info or info["resource_id"] != (data_dict or {}).get("resource_id"):
        return []
    clauses = grant_scope.sql_where(info["scope"], fields_types, info["q"])
    if grant_scope.serves_nothing(info["scope"], list(fields_types)):
        clauses.append(("FALSE", {}))
    return clauses


def narrow_info(context: dict, data_dict: dict, result: dict) -> dict:
    """``datastore_info`` under a scoped grant: the granted columns only."""
    rid = (data_dict or {}).get("id") or (data_dict or {}).get("resource_id")
    d = _decision(context, rid)
    if d is None or not d.scoped or d.scope.columns is None or not isinstance(result, dict):
        return result
    keep = set(d.scope.columns) | set(grant_scope.SYSTEM_COLUMNS)
    result = dict(result)
    result["fields"] = [f for f in result.get("fields") or [] if f.get("id") in keep]
    return result


def sql_refusal(decision: Optional[ot.Decision]) -> Optional[str]:
    """SQL cannot be held to a column or row scope: refused for a scoped grant."""
    if decision is not None and decision.scoped:
        zh, en = grant_scope.refusal("sql")
        return en if _lang().startswith("en") else zh
    return None


def record_read(context: dict, resource_ids, rows: int, via: str) -> None:
    """A DataStore read that returned rows of conditional data, in the audit chain as a
    download (``download.grant`` under a grant, ``download.conditional`` otherwise) and,
    under a grant, in the grant's download log. Never raises."""
    if not rows:
        return
    try:
        from . import requests_glue as glue
        user = model.User.get(context.get("user") or "") if context.get("user") else None
        if user is None:
            return
        ip = None
        try:
            from flask import request as freq
            ip = freq.headers.get("X-Forwarded-For", freq.remote_addr or "").split(",")[0].strip() or None
        except RuntimeError:
            pass
        for rid in resource_ids:
            res = model.Resource.get(rid) if rid else None
            pkg = model.Package.get(res.package_id) if res is not None else None
            if pkg is None or (pkg.extras or {}).get("open_type") != ot.CONDITIONAL:
                continue
            glue.record_grant_download(user.id, pkg.id, res.id, ip, via)
    except Exception:
        log.exception("DataStore read not recorded")


# ------------------------------------------------------------------ the scoped file
def scoped_rows(path: str, fmt: Optional[str], scope: grant_scope.Scope):
    """Lines of CSV (BOM first): the granted columns and rows of the table file at
    ``path``, read in chunks (never whole)."""
    from desensitize.io import TableSource
    from ..csv_export import BOM, neutralise
    from ..publication.datastore import field_names
    source = TableSource(path, fmt=fmt)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")

    def take():
        out = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return out

    header = None
    keep = []
    for frame in source.chunks(20_000):
        if header is None:
            header = field_names([str(c) for c in frame.columns])
            keep = grant_scope.file_columns(scope, header)
            nothing = grant_scope.serves_nothing(scope, header)
            writer.writerow([neutralise(header[i]) for i in keep])
            yield BOM + take()
        if nothing:
            break
        for values in frame.itertuples(index=False, name=None):
            row = dict(zip(header, values))
            if grant_scope.row_matches(scope, row):
                writer.writerow([neutralise(values[i]) for i in keep])
        yield take()
    if header is None:  # no data rows: the header alone
        header = field_names([str(c) for c in source.columns])
        keep = grant_scope.file_columns(scope, header)
        writer.writerow([neutralise(header[i]) for i in keep])
        yield BOM + take()


def scoped_file_response(res_obj, filepath: str, scope: grant_scope.Scope):
    """The download of a resource under a scoped grant: a CSV of the granted columns and
    rows of the desensitized public copy, streamed."""
    import flask
    from ..publication import datastore as ds
    from ..publication import state
    row = state.get_row(res_obj.id)
    name_checked = (row.original_name if row is not None else None) or res_obj.url or ""
    if not name_checked.lower().rsplit("?", 1)[0].endswith(TABLE_SUFFIXES):
        return None   # not a table: nothing of it is within columns × rows
    fmt = ds.format_of(name_checked)
    name = (res_obj.url or res_obj.id).rsplit("/", 1)[-1].rsplit(".", 1)[0] or res_obj.id
    resp = flask.Response(flask.stream_with_context(scoped_rows(filepath, fmt, scope)),
                          mimetype="text/csv")
    from urllib.parse import quote
    resp.headers["Content-Disposition"] = "attachment; filename*=UTF-8''%s" % quote(
        "%s-授权范围.csv" % name)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
