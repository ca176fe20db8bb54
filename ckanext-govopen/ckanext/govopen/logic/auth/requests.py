"""Auth functions of the request actions. Who may take which *transition* is not
decided here: it is the engine's relative-role rule (``domain/requests.py``);
these functions only answer "may this user see / reach this request at all"."""
import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk


def _logged_in(context):
    return bool(context.get("user")) and model.User.get(context.get("user")) is not None


def _login(context, data_dict=None):
    if _logged_in(context):
        return {"success": True}
    return {"success": False, "msg": tk._("Please log in")}


def govopen_application_create(context, data_dict):
    return _login(context)


def govopen_share_request_create(context, data_dict):
    if not _logged_in(context):
        return {"success": False, "msg": tk._("Please log in")}
    org = (data_dict or {}).get("requester_org_id") or (data_dict or {}).get("requesting_org")
    user = context.get("user")
    if authz.is_sysadmin(user) or (org and authz.has_user_permission_for_group_or_org(org, user, "read")):
        return {"success": True}
    return {"success": False, "msg": tk._("Only members of the requesting department may file a share request")}


def _party(context, data_dict):
    from ..requests_glue import engine_actor_from_context, get_row, may_view
    if not _logged_in(context):
        return {"success": False, "msg": tk._("Please log in")}
    try:
        row = get_row((data_dict or {}).get("id"))
    except tk.ObjectNotFound:
        return {"success": False, "msg": tk._("Request not found")}
    if may_view(engine_actor_from_context(context), row):
        return {"success": True}
    return {"success": False, "msg": tk._("Not authorized to see this request")}


def govopen_request_show(context, data_dict):
    return _party(context, data_dict)


def govopen_request_act(context, data_dict):
    return _party(context, data_dict)


def govopen_agreement_show(context, data_dict):  # issue 17: the request's parties
    return _party(context, data_dict)


def govopen_agreement_accept(context, data_dict):  # the action admits the applicant alone
    return _party(context, data_dict)


def govopen_request_list(context, data_dict):
    return _login(context)


def govopen_department_grant_list(context, data_dict):
    user = context.get("user")
    org = (data_dict or {}).get("organization")
    if user and (authz.is_sysadmin(user) or
                 (org and authz.has_user_permission_for_group_or_org(org, user, "update"))):
        return {"success": True}  # 'update' on an organization: its editors and admins
    return {"success": False, "msg": tk._("Not authorized to list grants")}


def govopen_grant_download_list(context, data_dict):
    from ...model import Grant
    user = model.User.get(context.get("user")) if context.get("user") else None
    g = model.Session.query(Grant).get((data_dict or {}).get("grant_id"))
    if user is None or g is None:
        return {"success": False, "msg": tk._("Not authorized")}
    if user.sysadmin or g.user_id == user.id:
        return {"success": True}
    pkg = model.Package.get(g.package_id)
    if pkg and pkg.owner_org and authz.has_user_permission_for_group_or_org(pkg.owner_org, user.name, "update"):
        return {"success": True}
    return {"success": False, "msg": tk._("Not authorized")}


@tk.auth_allow_anonymous_access
def govopen_stats(context, data_dict):
    return {"success": True}


def govopen_calendar_day_set(context, data_dict):
    # sysadmins pass every auth function before it is called; everyone else is refused
    return {"success": False, "msg": tk._("Only the competent authority may edit the calendar")}


def govopen_calendar_list(context, data_dict):
    return {"success": False, "msg": tk._("Only the competent authority may edit the calendar")}


def get_auth_functions():
    return {f.__name__: f for f in (
        govopen_application_create, govopen_share_request_create, govopen_request_show,
        govopen_request_act, govopen_request_list, govopen_department_grant_list,
        govopen_agreement_show, govopen_agreement_accept,
        govopen_grant_download_list, govopen_stats, govopen_calendar_day_set, govopen_calendar_list)}
