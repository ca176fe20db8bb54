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
    return {
        "govopen_grant_create": govopen_grant_create,
        "govopen_grant_list": govopen_grant_list,
        "govopen_negative_list": govopen_public,
        "govopen_catalog": govopen_public,
        "govopen_overdue_list": govopen_overdue_list,
    }
