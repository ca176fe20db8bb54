"""``govopen_chart_view`` (issue 16): a simple chart of a DataStore table — one numeric
column against a date, date-time or text column (or the row number) — drawn in the
browser with Chart.js (vendored from npm in ``assets/vendor``, no CDN) from
``datastore_search``. Offered and created automatically where the table has a numeric
column (``publication.datastore.add_views``). ckanext-charts was not used: it brings its
own chart builders, cache and form engine for far more than this one chart."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckanext.datastore.interfaces import IDatastore

NUMERIC = ("int", "int2", "int4", "int8", "bigint", "numeric", "float4", "float8", "smallint",
           "integer", "double precision", "real")
TEMPORAL = ("date", "timestamp", "timestamptz")


def table_fields(resource_id: str) -> list:
    """The table's fields [{id, type}] (internal read: the view decides nothing about
    access; the routes that render it and datastore_search ask the policy)."""
    try:
        info = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource_id})
    except (tk.ObjectNotFound, tk.ValidationError):
        return []
    except Exception:
        return []
    return [f for f in info.get("fields") or [] if not f["id"].startswith("_")]


def defaults(fields: list) -> dict:
    numeric = [f["id"] for f in fields if f["type"] in NUMERIC]
    temporal = [f["id"] for f in fields if f["type"] in TEMPORAL]
    text = [f["id"] for f in fields if f["type"] == "text"]
    y = numeric[0] if numeric else None
    x = (temporal or [f for f in text])[:1]
    return {"x": x[0] if x else "", "y": y, "kind": "line" if temporal or not text else "bar"}


class GovOpenChartViewPlugin(p.SingletonPlugin):
    p.implements(p.IResourceView, inherit=True)
    # issue 17: the DataStore hook for a scoped grant's rows. Here because CKAN requires
    # ``datastore`` to be the first IDatastore plugin: ``govopen`` loads before it, this
    # plugin after it (every config: test-govopen.ini, scripts/write_config.py, docker).
    # Without this plugin a row-scoped read is refused (``logic/scoping.narrow_search``).
    p.implements(IDatastore, inherit=True)

    def datastore_search(self, context, data_dict, fields_types, query_dict):
        from .logic import scoping
        extra = scoping.where_clauses(context, data_dict, fields_types)
        if extra:
            query_dict.setdefault("where", []).extend(extra)
        return query_dict

    def info(self):
        ignore_missing = tk.get_validator("ignore_missing")
        return {"name": "govopen_chart", "title": tk._("Chart"), "icon": "chart-bar",
                "default_title": tk._("Chart"), "iframed": False, "requires_datastore": True,
                "preview_enabled": False,
                "schema": {"x": [ignore_missing], "y": [ignore_missing],
                           "kind": [ignore_missing]}}

    def can_view(self, data_dict):
        res = data_dict.get("resource") or {}
        if not res.get("datastore_active"):
            return False
        return any(f["type"] in NUMERIC for f in table_fields(res.get("id")))

    def setup_template_variables(self, context, data_dict):
        fields = table_fields(data_dict["resource"]["id"])
        view = data_dict.get("resource_view") or {}
        d = defaults(fields)
        names = {f["id"] for f in fields}
        chart = {"x": view.get("x") if view.get("x") in names else d["x"],
                 "y": view.get("y") if view.get("y") in names else d["y"],
                 "kind": view.get("kind") if view.get("kind") in ("line", "bar") else d["kind"],
                 "limit": 500}
        return {"chart": chart,
                "chart_x_options": [{"value": "", "text": tk._("Row number")}] +
                [{"value": f["id"], "text": f["id"]} for f in fields if f["type"] not in NUMERIC],
                "chart_y_options": [{"value": f["id"], "text": f["id"]} for f in fields
                                    if f["type"] in NUMERIC]}

    def view_template(self, context, data_dict):
        return "govopen/datastore/chart_view.html"

    def form_template(self, context, data_dict):
        return "govopen/datastore/chart_form.html"

