"""Auth functions of the issue 8 actions (demand board, reconsideration,
objections, directions). Who may take which transition is the engine's rule;
these answer "may this user reach the action at all"; finer refusals (only a
requester files a reconsideration, nobody seconds for another user) are in the
actions and name their rule."""
import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk


def _login(context, data_dict=None):
    if context.get("user") and model.User.get(context.get("user")) is not None:
        return {"success": True}
    return {"success": False, "msg": tk._("Please log in")}


@tk.auth_allow_anonymous_access
def _public(context, data_dict):
    return {"success": True}


def govopen_demand_route(context, data_dict):
    # sysadmins pass every auth function before it is called
    return {"success": False, "msg": tk._("Only the competent authority routes demands")}


def govopen_direction_fulfil(context, data_dict):
    from .. import requests_glue as glue
    user = context.get("user")
    if not user:
        return {"success": False, "msg": tk._("Please log in")}
    try:
        row = glue.get_row((data_dict or {}).get("id"))
    except tk.ObjectNotFound:
        return {"success": False, "msg": tk._("Request not found")}
    dep = (row.fields or {}).get("original_department_id")
    if dep and authz.has_user_permission_for_group_or_org(dep, user, "admin"):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the directed department's admin may open the data")}


def get_auth_functions():
    public = {name: _public for name in ("govopen_demand_show", "govopen_demand_list",
                                         "govopen_objection_list")}
    login = {name: _login for name in ("govopen_demand_create", "govopen_demand_second",
                                       "govopen_reconsideration_create", "govopen_objection_create",
                                       "govopen_direction_list")}
    return {**public, **login, "govopen_demand_route": govopen_demand_route,
            "govopen_direction_fulfil": govopen_direction_fulfil}
