"""Actions behind the portal's navigation (issue 14).

``govopen_publication_queue`` {organization?} → the files of the caller's departments
(every department for the competent authority) that wait for the confidentiality review
(保密审查): processed by the desensitize job and not yet signed, or signed under a
narrower open type. Rows: {resource_id, resource_name, package_id, package_name,
package_title, organization, organization_title, reason_code, finished_at, may_sign}.
Which file waits is ``open_types.awaits_review``; who may sign ``open_types.is_reviewer``.
"""
from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk

from ...domain import catalog
from ...domain import open_types as ot
from .. import access


@tk.side_effect_free
def govopen_publication_queue(context, data_dict):
    tk.check_access("govopen_publication_queue", context, data_dict)
    from ...model import Publication
    from ...publication import state
    actor = access.actor_from_context(context)
    q = model.Session.query(Publication).filter(Publication.state == ot.PUB_SUCCEEDED)
    org_filter = data_dict.get("organization")
    if org_filter:
        org = model.Group.get(org_filter)
        if org is None or not org.is_organization:
            raise tk.ObjectNotFound(tk._("Organization not found"))
        q = q.filter(Publication.org_id == org.id)
    if not actor.sysadmin:
        q = q.filter(Publication.org_id.in_(list(actor.org_capacities) or [""]))
    out = []
    for row in q.order_by(Publication.finished_at).all():
        res = model.Resource.get(row.resource_id)
        pkg = model.Package.get(row.package_id)
        if res is None or pkg is None or res.state != "active" or pkg.state != "active":
            continue
        status = ot.publication_status(state.value_of(row, res))
        if status.reason_code not in ot.AWAITING_REVIEW:
            continue
        ds = access.dataset_value(pkg)
        if not ot.may_see_publication(actor, ds).allowed:
            continue
        org = model.Group.get(pkg.owner_org) if pkg.owner_org else None
        finished = catalog.to_shanghai(row.finished_at)
        out.append({
            "resource_id": res.id, "resource_name": res.name or res.id,
            "package_id": pkg.id, "package_name": pkg.name, "package_title": pkg.title or pkg.name,
            "organization": org.name if org else None,
            "organization_title": (org.title or org.name) if org else None,
            "reason_code": status.reason_code,
            "finished_at": finished.strftime("%Y-%m-%d %H:%M") if finished else None,
            "may_sign": ot.is_reviewer(actor, ds),
        })
    return out


def govopen_publication_queue_auth(context, data_dict):
    """Any signed-in user; the action lists only their departments' files."""
    return {"success": bool(context.get("user"))}


def get_actions() -> dict:
    return {"govopen_publication_queue": govopen_publication_queue}


def get_auth_functions() -> dict:
    return {"govopen_publication_queue": govopen_publication_queue_auth}
