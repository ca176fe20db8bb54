"""Who may manage applications (应用) and read API usage (issue 16). The rules
live here, once: the actions and the pages call ``check_access``."""
import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk


def _user(context):
    name = context.get("user")
    u = model.User.get(name) if name else None
    return u if u is not None and u.state == "active" else None


def govopen_app_create(context, data_dict):
    if _user(context) is None:
        return {"success": False, "msg": tk._("Please log in to create an application")}
    return {"success": True}


def govopen_app_list(context, data_dict):
    if _user(context) is None:
        return {"success": False, "msg": tk._("Please log in to see your applications")}
    return {"success": True}  # the action lists the caller's own applications only


@tk.auth_sysadmins_check
def govopen_app_delete(context, data_dict):
    """Only the application's owner (not even the competent authority: the key is
    the owner's; the authority can deactivate the user instead)."""
    from ...model import App
    user = _user(context)
    app = model.Session.query(App).get((data_dict or {}).get("id") or "")
    if user is None or app is None or app.user_id != user.id:
        return {"success": False, "msg": tk._("Only the owner may delete an application")}
    return {"success": True}


def govopen_api_usage(context, data_dict):
    """The competent authority: everything; a department member: their
    departments' datasets (asking for another department's is refused)."""
    user = _user(context)
    if user is None:
        return {"success": False, "msg": tk._("Please log in")}
    if user.sysadmin:
        return {"success": True}
    from ..access import actor_for
    orgs = set((actor_for(user).org_capacities or {}).keys())
    if not orgs:
        return {"success": False,
                "msg": tk._("Only departments and the competent authority see API usage")}
    data_dict = data_dict or {}
    org = model.Group.get(data_dict["organization"]) if data_dict.get("organization") else None
    if org is not None and org.id not in orgs:
        return {"success": False, "msg": tk._("Only that department sees its API usage")}
    pkg = model.Package.get(data_dict["package_id"]) if data_dict.get("package_id") else None
    if pkg is not None and pkg.owner_org not in orgs:
        return {"success": False, "msg": tk._("Only that department sees its API usage")}
    return {"success": True}


def get_auth_functions():
    return {f.__name__: f for f in (govopen_app_create, govopen_app_list, govopen_app_delete,
                                    govopen_api_usage)}
