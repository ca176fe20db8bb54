"""The DataStore's read actions under the access policy (issue 16).

CKAN's datastore_search / datastore_info answer "not found" for a table that does not
exist before they ask the auth function, so a resource that has not passed the gate would
be told apart from one the caller may not read. Chained here: the policy is asked first
(``logic.auth.require_datastore_read``, the same function the chained auth functions
use), then CKAN's action runs unchanged — parameters and answers are CKAN's."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def _chain(name):
    def action(up, context, data_dict):
        from ..auth import require_datastore_read
        if not context.get("ignore_auth"):
            require_datastore_read(context, (data_dict or {}).get("resource_id")
                                   or (data_dict or {}).get("id"))
        return up(context, data_dict)
    action.__name__ = name
    action = tk.side_effect_free(action)
    return tk.chained_action(action)


def get_actions() -> dict:
    import ckan.plugins as p
    if not p.plugin_loaded("datastore"):
        return {}
    return {name: _chain(name) for name in ("datastore_search", "datastore_info")}
