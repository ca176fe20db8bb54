"""``/datastore/dump/<resource_id>?format=xlsx`` (issue 16): CKAN's dump writes CSV, TSV,
JSON and XML; XLSX is written here with openpyxl (write-only mode, rows streamed into a
temporary file) from the same ``datastore_search`` pages, called as the user, so the
access policy applies to every page as it does to CKAN's own dump. The other dump
parameters (q, filters, fields, sort, offset, limit) mean what they mean there."""
from __future__ import annotations

import json
import os
import tempfile

import flask

import ckan.plugins.toolkit as tk
from ckan.common import current_user

#: Excel's own limit on rows in a sheet (one for the header)
XLSX_MAX_ROWS = 1_048_575
PAGE = 32_000


def _param(name, default=None):
    return flask.request.args.get(name, default)


def dump_xlsx(resource_id: str):
    from openpyxl import Workbook
    context = {"user": current_user.name, "auth_user_obj": current_user}
    params = {"resource_id": resource_id, "include_total": False,
              "sort": _param("sort") or "_id"}
    for key in ("q", "fields", "language", "plain", "distinct"):
        if _param(key) is not None:
            params[key] = _param(key)
    if _param("filters"):
        try:
            params["filters"] = json.loads(_param("filters"))
        except ValueError:
            return tk.abort(400, tk._("filters: invalid JSON"))
    try:
        offset = max(int(_param("offset") or 0), 0)
        limit = int(_param("limit")) if _param("limit") else None
    except ValueError:
        return tk.abort(400, tk._("offset and limit must be whole numbers"))
    limit = XLSX_MAX_ROWS if limit is None else min(max(limit, 0), XLSX_MAX_ROWS)
    search = tk.get_action("datastore_search")
    try:
        first = search(dict(context), dict(params, offset=offset, limit=min(PAGE, limit)))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("DataStore resource not found"))
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e))
    except tk.ValidationError as e:
        return tk.abort(400, json.dumps(e.error_dict, ensure_ascii=False))
    fields = [f["id"] for f in first["fields"]]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title="data")
    ws.append(fields)
    result, done = first, 0
    while True:
        records = result["records"]
        for rec in records:
            ws.append([rec.get(f) if not isinstance(rec.get(f), (dict, list))
                       else json.dumps(rec.get(f), ensure_ascii=False) for f in fields])
        done += len(records)
        if len(records) < result.get("limit", PAGE) or done >= limit or not records:
            break
        result = search(dict(context), dict(params, offset=offset + done,
                                            limit=min(PAGE, limit - done)))
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    wb.save(path)
    resp = flask.send_file(path, download_name="%s.xlsx" % resource_id, as_attachment=True,
                           mimetype="application/vnd.openxmlformats-officedocument."
                                    "spreadsheetml.sheet")
    resp.call_on_close(lambda: os.path.exists(path) and os.remove(path))
    return resp
