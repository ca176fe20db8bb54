"""Auth of the publication gate's actions; the rules are ``domain.open_types``'s."""
import ckan.model as model
import ckan.plugins.toolkit as tk

from ...domain import open_types as ot
from .. import access


def _dataset_of(data_dict):
    data_dict = data_dict or {}
    res = model.Resource.get(data_dict.get("id") or data_dict.get("resource_id") or "")
    if res is not None:
        return model.Package.get(res.package_id)
    pkg = model.Package.get(data_dict.get("package_id") or "")
    return pkg


def _org_dataset(data_dict):
    """A stand-in dataset for organization-scoped calls (department policies)."""
    org = model.Group.get((data_dict or {}).get("organization") or "")
    if org is None or not org.is_organization:
        return None
    return ot.Dataset(id="", owner_org=org.id, open_type=None)


def _value(context, data_dict):
    pkg = _dataset_of(data_dict)
    if pkg is not None:
        return access.dataset_value(pkg)
    return _org_dataset(data_dict)


@tk.auth_allow_anonymous_access
def govopen_publication_show(context, data_dict):
    ds = _value(context, data_dict)
    if ds is None:
        return {"success": False, "msg": tk._("Not found")}
    d = ot.may_see_publication(access.actor_from_context(context), ds)
    return {"success": d.allowed, "msg": access.lang_message(d)}


@tk.auth_allow_anonymous_access
def govopen_publication_review(context, data_dict):
    ds = _value(context, data_dict)
    if ds is None:
        return {"success": False, "msg": tk._("Not found")}
    if ot.is_reviewer(access.actor_from_context(context), ds):
        return {"success": True}
    d = ot.may_sign_review(access.actor_from_context(context), ds, None, {})
    return {"success": False, "msg": access.lang_message(d)}


def govopen_publication_rerun(context, data_dict):
    """Editors and admins of the department, and the authority."""
    ds = _value(context, data_dict)
    actor = access.actor_from_context(context)
    if ds is not None and (actor.sysadmin or (actor.org_capacities or {}).get(
            ds.owner_org or "") in ("editor", "admin")):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the department's editors and admins may re-run the job")}


# the policy: every department member may read it, its reviewers (admins) change it
govopen_publication_policy_show = govopen_publication_show
govopen_publication_policy_update = govopen_publication_review
govopen_publication_original = govopen_publication_show


def get_auth_functions():
    return {f: globals()[f] for f in (
        "govopen_publication_show", "govopen_publication_review", "govopen_publication_rerun",
        "govopen_publication_policy_show", "govopen_publication_policy_update",
        "govopen_publication_original")}
