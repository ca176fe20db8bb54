"""Auth functions of GovOpen's actions. Data access itself is not an auth
function: it is ``domain.open_types.decide`` (via ``logic.access``)."""
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
    return {**_requests_auth(), **_demand_auth(), 
        "govopen_grant_create": govopen_grant_create,
        "govopen_grant_list": govopen_grant_list,
        "govopen_negative_list": govopen_public,
        "govopen_catalog": govopen_public,
        "govopen_overdue_list": govopen_overdue_list,
    }


# ------------------------------------------------------------------ DataStore
def _datastore_guard(up, context, data_dict):
    """DataStore rows are data: only for those the access policy allows."""
    from .. import access
    res = model.Resource.get((data_dict or {}).get("resource_id") or (data_dict or {}).get("id") or "")
    if res is not None:
        pkg = model.Package.get(res.package_id)
        if pkg is not None:
            d = access.decide_data(access.actor_from_context(context), pkg,
                                   {"id": res.id, **(res.extras or {})})
            if not d.allowed:
                return {"success": False, "msg": access.lang_message(d)}
    return up(context, data_dict)


def _chained_datastore_auth(name):
    def fn(up, context, data_dict):
        return _datastore_guard(up, context, data_dict)
    fn.__name__ = name
    fn = tk.auth_allow_anonymous_access(fn)
    return tk.chained_auth_function(fn)


def publication_auth_functions():  # issue 7: publication gate
    from .publication import get_auth_functions as _publication_auth
    return _publication_auth()


def datastore_auth_functions():
    import ckan.plugins as p
    if not p.plugin_loaded("datastore"):
        return {}
    funcs = {name: _chained_datastore_auth(name)
             for name in ("datastore_search", "datastore_info")}
    funcs["datastore_search_sql"] = tk.chained_auth_function(datastore_search_sql)
    return funcs


def datastore_search_sql(up, context, data_dict):
    # SQL can join any table: keep it for the competent authority only
    if authz.is_sysadmin(context.get("user")):
        return up(context, data_dict)
    return {"success": False, "msg": tk._("Not authorized")}
