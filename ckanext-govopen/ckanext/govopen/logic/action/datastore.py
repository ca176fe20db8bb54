"""The DataStore's read actions under the access policy (issue 16).

CKAN's datastore_search / datastore_info answer "not found" for a table that does not
exist before they ask the auth function, so a resource that has not passed the gate would
be told apart from one the caller may not read. Chained here: the policy is asked first
(``logic.auth.require_datastore_read``, the same function the chained auth functions
use), then CKAN's action runs unchanged — parameters and answers are CKAN's."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


#: the parameters each chained DataStore action reads that must be text (CKAN's own
#: validation lets a list or a number through to code that expects a string: 500s found
#: by an outside tester, e.g. ``{"resource_id": ["<id>"]}`` or ``{"sql": null}``)
TEXT_PARAMS = {"datastore_search": ("resource_id", "id"), "datastore_info": ("id", "resource_id"),
               "datastore_search_sql": ("sql",)}


def check_input_types(name: str, data_dict) -> None:
    """ValidationError (409, in the user's language) for a parameter of the wrong type."""
    data_dict = data_dict or {}
    errors = {}
    for key in TEXT_PARAMS.get(name, ()):
        value = data_dict.get(key)
        required = key == "sql" or (key == TEXT_PARAMS[name][0]
                                    and not data_dict.get(TEXT_PARAMS[name][-1]))
        if value is None and not required:
            continue
        if not isinstance(value, str) or not value.strip():
            errors[key] = [tk._("Must be a non-empty text value")]
    filters = data_dict.get("filters")
    if name == "datastore_search" and filters is not None and not isinstance(filters, dict):
        errors["filters"] = [tk._("Must be an object of column names and values")]
    if errors:
        raise tk.ValidationError(errors)


def _chain(name):
    def action(up, context, data_dict):
        from ..auth import require_datastore_read
        from .. import scoping
        check_input_types(name, data_dict)
        if context.get("ignore_auth"):
            return up(context, data_dict)
        rid = (data_dict or {}).get("resource_id") or (data_dict or {}).get("id")
        require_datastore_read(context, rid)
        if name == "datastore_search":  # issue 17: a scoped grant's columns and rows only
            data_dict = scoping.narrow_search(context, data_dict)
        result = up(context, data_dict)
        if name == "datastore_info":
            return scoping.narrow_info(context, data_dict, result)
        scoping.record_read(context, [rid], _rows(result), name)  # finding F3: in the audit chain
        return result
    action.__name__ = name
    action = tk.side_effect_free(action)
    return tk.chained_action(action)


def _rows(result) -> int:
    records = (result or {}).get("records") if isinstance(result, dict) else None
    if not records:
        return 0
    return records.count("\n") if isinstance(records, str) else len(records)


def get_actions() -> dict:
    import ckan.plugins as p
    if not p.plugin_loaded("datastore"):
        return {}
    return {name: _chain(name) for name in ("datastore_search", "datastore_info")}
