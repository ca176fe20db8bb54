"""Auth functions of GovOpen's actions. Data access itself is not an auth
function: it is ``domain.open_types.decide`` (via ``logic.access``)."""
import re

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk


def _dept_admin(context, package_id):
    user = context.get("user")
    if not user:
        return False
    if authz.is_sysadmin(user):
        return True
    pkg = model.Package.get(package_id) if package_id else None
    if pkg is None or not pkg.owner_org:
        return False
    return authz.has_user_permission_for_group_or_org(pkg.owner_org, user, "admin")


def govopen_grant_create(context, data_dict):
    if _dept_admin(context, (data_dict or {}).get("package_id")):
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only the competent authority or the department's admin may grant data access")}


def govopen_grant_list(context, data_dict):
    data_dict = data_dict or {}
    if data_dict.get("package_id") and _dept_admin(context, data_dict["package_id"]):
        return {"success": True}
    user = model.User.get(context.get("user")) if context.get("user") else None
    if user and user.sysadmin:
        return {"success": True}
    if user and data_dict.get("user_id") in (user.id, user.name) and not data_dict.get("package_id"):
        return {"success": True}
    return {"success": False, "msg": tk._("Not authorized to list grants")}


@tk.auth_allow_anonymous_access
def govopen_public(context, data_dict):
    return {"success": True}


def govopen_overdue_list(context, data_dict):
    if context.get("user"):
        return {"success": True}  # the action narrows to the user's departments
    return {"success": False, "msg": tk._("Please log in")}


def get_auth_functions():
    from .requests import get_auth_functions as _requests_auth  # issue 5: requests
    from .demand import get_auth_functions as _demand_auth  # issue 8: demand board
    from .oversight import get_auth_functions as _audit_auth  # issue 18: the audit trail
    from ..action.ui import get_auth_functions as _ui_auth  # issue 14: review queue
    from .apps import get_auth_functions as _apps_auth  # issue 16: applications, API usage
    return {**_requests_auth(), **_demand_auth(), **_audit_auth(), **_ui_auth(), **_apps_auth(),
        "govopen_grant_create": govopen_grant_create,
        "govopen_grant_list": govopen_grant_list,
        "govopen_negative_list": govopen_public,
        "govopen_catalog": govopen_public,
        "govopen_overdue_list": govopen_overdue_list,
    }


# ------------------------------------------------------------------ people (outside attack, F10)
# Self-registered users could list every account's real name (user_list) and read any
# profile and its activity. One rule, ``open_types.may_see_people``, over CKAN's own
# checks: user_list and user_autocomplete for staff and the authority; user_show and the
# user's activity for them and the account itself.
def _people_refusal(context, user_ref=None):
    """None if the caller may see the account ``user_ref`` (None: the list), else the
    auth answer with the rule's message."""
    from .. import access
    from ...domain import open_types as ot
    actor = access.actor_from_context(context)
    target = None
    if user_ref is not None:
        u = user_ref if isinstance(user_ref, model.User) else model.User.get(str(user_ref))
        target = u.id if u is not None else str(user_ref)
    d = ot.may_see_people(actor, target)
    return None if d.allowed else {"success": False, "msg": access.lang_message(d)}


def _people_guard(which):
    def fn(up, context, data_dict):
        data_dict = data_dict or {}
        ref = None if which == "list" else \
            (data_dict.get("id") or data_dict.get("user_id") or context.get("user") or "")
        refusal = _people_refusal(context, ref)
        return refusal if refusal is not None else up(context, data_dict)
    fn.__name__ = "govopen_people_" + which
    return tk.chained_auth_function(fn)


def people_auth_functions():
    return {"user_list": _people_guard("list"), "user_autocomplete": _people_guard("list"),
            "user_show": _people_guard("show"), "user_activity_list": _people_guard("activity")}


# ------------------------------------------------------------------ DataStore (issue 16)
# Reading the DataStore is reading the data: datastore_search, datastore_info (and through
# them /datastore/dump, the datatables preview and every view) and datastore_search_sql
# ask the access policy for the resource — for SQL, for every table the statement reads —
# exactly as the download route does. Writing rows is the publication gate's alone.
def _datastore_read_decision(context, resource_id):
    """The policy's DATA answer for the resource, asked once per call (the chained action
    and CKAN's auth check share the context)."""
    from .. import access
    cache = context.setdefault("__govopen_datastore_decisions", {})
    key = resource_id or ""
    if key not in cache:
        cache[key] = access.decide_resource(access.actor_from_context(context), key)
    return cache[key]


def require_datastore_read(context, resource_id) -> None:
    """NotAuthorized with the policy's reason unless the caller may read the resource's
    data (no such resource: left to CKAN, which answers not found)."""
    from .. import access
    d = _datastore_read_decision(context, resource_id)
    if d is not None and not d.allowed:
        raise tk.NotAuthorized(access.lang_message(d))


def _datastore_guard(up, context, data_dict):
    from .. import access
    data_dict = data_dict or {}
    d = _datastore_read_decision(context, data_dict.get("resource_id") or data_dict.get("id"))
    if d is not None and not d.allowed:
        return {"success": False, "msg": access.lang_message(d)}
    return up(context, data_dict)


def _chained_datastore_auth(name):
    def fn(up, context, data_dict):
        return _datastore_guard(up, context, data_dict)
    fn.__name__ = name
    fn = tk.auth_allow_anonymous_access(fn)
    return tk.chained_auth_function(fn)


@tk.auth_allow_anonymous_access
@tk.chained_auth_function
def datastore_search_sql(up, context, data_dict):
    """Every table the SQL reads (CKAN puts their names in ``context['table_names']``;
    its allow-list of SQL functions stays on) must be a resource the caller may read."""
    from .. import access, scoping
    read = context.get(scoping.SQL_TABLES_KEY)
    for name in context.get("table_names") or []:
        if isinstance(read, list):
            read.append(name)
        d = _datastore_read_decision(context, name)
        if d is None:
            return {"success": False, "msg": tk._("The query reads a table that is not a "
                                                  "resource's DataStore table")}
        if not d.allowed:
            return {"success": False, "msg": access.lang_message(d)}
        if scoping.sql_refusal(d):  # issue 17: SQL cannot be held to a grant's scope
            return {"success": False, "msg": scoping.sql_refusal(d)}
    refusal = sql_names_refusal(context, (data_dict or {}).get("sql"))
    if refusal:
        return {"success": False, "msg": refusal}
    return up(context, data_dict)


#: A resource id anywhere in the statement: in a quoted identifier, a type reference
#: (``null::"<id>"``) or a string literal (``'<id>'::regclass``).
_RESOURCE_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
#: Object-identifier types and their lookup functions turn any text into a table or type
#: reference, which no resource id pattern can follow (``('d52e…' || '…')::regclass``).
_OID_LOOKUP = re.compile(r"\b(?:to_)?reg(?:class|type|proc|procedure|oper|operator|namespace"
                         r"|role|collation|config|dictionary)\b", re.I)


def sql_names_refusal(context, sql):
    """Why the SQL may not run, or None. CKAN finds the tables a statement reads from its
    EXPLAIN plan, which does not show a table's row type used as a type
    (``json_populate_record(null::"<id>", '{}')`` gave an outside tester the column names
    of a not_open table) nor a name in a string (``'<id>'::regclass`` told it exists).
    So every resource id written anywhere in the statement must be a resource the caller
    may read, and only the competent authority may use OID lookups."""
    from .. import access
    if not isinstance(sql, str) or authz.is_sysadmin(context.get("user")):
        return None
    if _OID_LOOKUP.search(sql):
        return tk._("The query may not look up tables or types by name (regclass, "
                    "regtype and the like)")
    for name in sorted({m.lower() for m in _RESOURCE_ID.findall(sql)}):
        d = _datastore_read_decision(context, name)
        if d is None:
            from ...publication import datastore as ds
            if ds.table_exists(name):  # a table without a resource: nobody's to read
                return tk._("The query reads a table that is not a resource's DataStore "
                            "table")
            continue  # an id-shaped value that names no table
        if not d.allowed:
            return access.lang_message(d)
        from .. import scoping
        if scoping.sql_refusal(d):
            return scoping.sql_refusal(d)
    return None


def _gate_only_msg():
    return tk._("Rows enter the DataStore only through the publication gate "
                "(desensitization and review)")


@tk.auth_sysadmins_check
@tk.chained_auth_function
def datastore_create(up, context, data_dict):
    """The field dictionary of an existing table may be edited (core: resource_update,
    i.e. the department); creating tables or adding rows is the gate's (ignore_auth)."""
    data_dict = data_dict or {}
    if data_dict.get("records") or data_dict.get("resource") or data_dict.get("aliases") \
            or data_dict.get("primary_key") or data_dict.get("indexes") \
            or data_dict.get("triggers"):
        return {"success": False, "msg": _gate_only_msg()}
    from ...publication import datastore as ds
    if not ds.table_exists(data_dict.get("resource_id") or ""):
        return {"success": False, "msg": _gate_only_msg()}
    if authz.is_sysadmin(context.get("user")):
        return {"success": True}
    return up(context, data_dict)


@tk.auth_sysadmins_check
@tk.chained_auth_function
def _datastore_write_refused(up, context, data_dict):
    return {"success": False, "msg": _gate_only_msg()}


@tk.auth_sysadmins_check
@tk.chained_auth_function
def datastore_delete(up, context, data_dict):
    """Dropping a whole table withdraws it (core: resource_update); deleting some rows
    would alter published data: refused."""
    if (data_dict or {}).get("filters"):
        return {"success": False, "msg": _gate_only_msg()}
    if authz.is_sysadmin(context.get("user")):
        return {"success": True}
    return up(context, data_dict)


def publication_auth_functions():  # issue 7: publication gate
    from .publication import get_auth_functions as _publication_auth
    return _publication_auth()


def datastore_auth_functions():
    import ckan.plugins as p
    if not p.plugin_loaded("datastore"):
        return {}
    funcs = {name: _chained_datastore_auth(name)
             for name in ("datastore_search", "datastore_info")}
    funcs.update({"datastore_search_sql": datastore_search_sql,
                  "datastore_create": datastore_create,
                  "datastore_delete": datastore_delete,
                  "datastore_upsert": _datastore_write_refused,
                  "datastore_records_delete": _datastore_write_refused})
    return funcs
