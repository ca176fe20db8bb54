"""GovOpen actions (core's shape: validate → check_access → domain → dict).

Public names (``/api/3/action/<name>``):
  govopen_grant_create   {user_id, package_id, expires?, request_id?}  sysadmin / dept admin
  govopen_grant_revoke   {id}                                          sysadmin / dept admin
  govopen_grant_list     {package_id? , user_id?}                      sysadmin / dept admin / self
  govopen_access_check   {id, resource_id?}                            anyone: the policy's answer
  govopen_negative_list  {organization?}                               anyone
  govopen_catalog        {organization?}                               anyone (public catalog)
  govopen_open_type_changes {id}                                       anyone who may see the dataset
  govopen_share_type_changes {id}                                      anyone who may see the dataset
  govopen_overdue_list   {organization?}                               dept members / sysadmin
Chained core actions protect activity data, resource_search and resource views
(resource_view_show / resource_view_list: none for those who may not have the data).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ...domain import catalog
from ...domain import open_types as ot
from .. import access, people
from ... import audit


def _dt_param(value, field):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        v = value
    else:
        try:
            v = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise tk.ValidationError({field: ["Invalid date/time: %s" % value]})
    if v.tzinfo is not None:
        v = v.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return v


# ------------------------------------------------------------------ grants
def govopen_grant_create(context, data_dict):
    """Grant a user the data of one (conditional) dataset until ``expires`` (ISO
    datetime, UTC if naive; omitted = no expiry)."""
    from ...model import Grant
    user_id, package_id = data_dict.get("user_id"), data_dict.get("package_id")
    errors = {}
    user = model.User.get(user_id) if user_id else None
    pkg = model.Package.get(package_id) if package_id else None
    if not user:
        errors["user_id"] = [tk._("Not found")]
    if not pkg:
        errors["package_id"] = [tk._("Not found")]
    if errors:
        raise tk.ValidationError(errors)
    expires = _dt_param(data_dict.get("expires"), "expires")
    tk.check_access("govopen_grant_create", context, {"package_id": pkg.id})
    allowed = ot.may_grant_to_user(access.dataset_value(pkg))
    if not allowed:
        raise tk.ValidationError({"package_id": [access.lang_message(allowed)]})
    granter = model.User.get(context.get("user"))
    grant = Grant(user_id=user.id, package_id=pkg.id,
                  granted_by=granter.id if granter else (context.get("user") or "system"),
                  expires=expires, request_id=data_dict.get("request_id"))
    model.Session.add(grant)
    audit.record(model.Session, grant.granted_by, "grant.created", grant)
    if not context.get("defer_commit"):
        model.repo.commit()
    return grant.as_dict()


def govopen_grant_revoke(context, data_dict):
    from ...model import Grant
    grant = model.Session.query(Grant).get(tk.get_or_bust(data_dict, "id"))
    if grant is None:
        raise tk.ObjectNotFound()
    tk.check_access("govopen_grant_create", context, {"package_id": grant.package_id})
    if grant.revoked_at is None:
        grant.revoked_at = dt.datetime.utcnow()
        u = model.User.get(context.get("user"))
        grant.revoked_by = u.id if u else None
        audit.record(model.Session, grant.revoked_by, "grant.revoked", grant)
        model.repo.commit()
    return grant.as_dict()


def govopen_grant_list(context, data_dict):
    from ...model import Grant
    tk.check_access("govopen_grant_list", context, data_dict)
    q = model.Session.query(Grant)
    if data_dict.get("package_id"):
        pkg = model.Package.get(data_dict["package_id"])
        q = q.filter(Grant.package_id == (pkg.id if pkg else data_dict["package_id"]))
    if data_dict.get("user_id"):
        u = model.User.get(data_dict["user_id"])
        q = q.filter(Grant.user_id == (u.id if u else data_dict["user_id"]))
    return [g.as_dict() for g in q.order_by(Grant.created.desc()).all()]


# ------------------------------------------------------------------ access
@tk.side_effect_free
def govopen_access_check(context, data_dict):
    """The policy's answer for the calling user: {metadata: {...}, data: {...},
    resources: {id: {...}}}."""
    pkg = model.Package.get(tk.get_or_bust(data_dict, "id"))
    if pkg is None:
        raise tk.ObjectNotFound()
    tk.check_access("package_show", context, {"id": pkg.id})
    actor = access.actor_from_context(context)
    out = {"metadata": access.decide_metadata(actor, pkg).as_dict(),
           "data": access.decide_data(actor, pkg).as_dict(), "resources": {}}
    wanted = data_dict.get("resource_id")
    if wanted and not any(res.id == wanted for res in pkg.resources):
        # an id of another entry (or none at all) is not answered as "no resources":
        # the caller learns that this entry has no such file, and nothing else
        raise tk.ObjectNotFound(tk._("This dataset has no such resource"))
    for res in pkg.resources:
        if wanted and res.id != wanted:
            continue
        out["resources"][res.id] = access.decide_data(
            actor, pkg, {"id": res.id, **(res.extras or {})}).as_dict()
    return out


# ------------------------------------------------------------------ catalog
def _public_entries(context, organization=None, open_types=None):
    """Public (non-private, active) catalog entries, each as package_show gives
    it to the calling user (so resource URLs are already protected)."""
    q = (model.Session.query(model.Package.id)
         .filter(model.Package.state == "active")
         .filter(model.Package.private == False)  # noqa: E712
         .filter(model.Package.type == "dataset"))
    if organization:
        org = model.Group.get(organization)
        if org is None:
            raise tk.ValidationError({"organization": [tk._("Not found")]})
        q = q.filter(model.Package.owner_org == org.id)
    if open_types:
        q = (q.join(model.PackageExtra, model.PackageExtra.package_id == model.Package.id)
             .filter(model.PackageExtra.key == "open_type")
             .filter(model.PackageExtra.state == "active")
             .filter(model.PackageExtra.value.in_(list(open_types))))
    ids = [r[0] for r in q.order_by(model.Package.name).all()]
    show = tk.get_action("package_show")
    out = []
    for pid in ids:
        ctx = {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj"),
               "__govopen_actor": context.get("__govopen_actor")}
        try:
            out.append(show(ctx, {"id": pid}))
        except (tk.NotAuthorized, tk.ObjectNotFound):
            continue
    return out


@tk.side_effect_free
def govopen_negative_list(context, data_dict):
    """The negative list (负面清单): every public conditional and not_open entry with
    department, open type, conditions and legal basis. ``organization``: name or id."""
    tk.check_access("govopen_negative_list", context, data_dict)
    entries = _public_entries(context, data_dict.get("organization"), ot.NEGATIVE_LIST_TYPES)
    return catalog.negative_list_rows(entries)


CATALOG_FIELDS = ["id", "name", "title", "notes", "organization", "organization_title",
                  "resource_category", "theme", "tags", "open_type", "open_conditions",
                  "legal_basis", "share_type", "share_conditions", "share_legal_basis",
                  "update_cycle", "open_method", "spatial_code", "temporal_start",
                  "temporal_end", "last_data_update", "overdue", "record_count",
                  "contact_name", "contact_phone", "contact_email", "formats",
                  "resource_urls", "metadata_modified", "url"]


def catalog_row(entry: dict) -> dict:
    org = entry.get("organization") or {}
    status = catalog.update_status(entry)
    row = {k: entry.get(k) for k in CATALOG_FIELDS}
    row.update({
        "organization": org.get("name"), "organization_title": org.get("title"),
        "tags": [t["name"] for t in entry.get("tags") or []],
        "last_data_update": status["last_data_update"], "overdue": status["overdue"],
        "formats": sorted({catalog.normalize_format(r.get("format"))
                           for r in entry.get("resources") or [] if r.get("format")}),
        "url": tk.url_for("dataset.read", id=entry["name"], _external=True),
    })
    # empty for resources the caller may not have (package_show protected them)
    row["resource_urls"] = [r.get("url") for r in entry.get("resources") or [] if r.get("url")]
    row["resources"] = [
        {"id": r.get("id"), "name": r.get("name"), "format": r.get("format"),
         "machine_readable": catalog.format_readability(r.get("format")) == "machine",
         # empty when the caller may not have the data (protected by package_show)
         "url": r.get("url") or ""}
        for r in entry.get("resources") or []]
    return row


@tk.side_effect_free
def govopen_catalog(context, data_dict):
    """The whole public catalog (metadata; resource URLs only where the caller may
    have the data)."""
    tk.check_access("govopen_catalog", context, data_dict)
    return [catalog_row(e) for e in _public_entries(context, data_dict.get("organization"))]


def _type_changes(context, data_dict, field):
    from ...model import OpenTypeChange
    pkg = model.Package.get(tk.get_or_bust(data_dict, "id"))
    if pkg is None:
        raise tk.ObjectNotFound()
    tk.check_access("package_show", context, {"id": pkg.id})
    rows = (model.Session.query(OpenTypeChange)
            .filter(OpenTypeChange.package_id == pkg.id)
            .filter(OpenTypeChange.field == field)
            .order_by(OpenTypeChange.created.desc()).all())
    out = []
    for r in rows:
        d = r.as_dict()
        who = people.user_label(r.user_id)
        d["user_name"], d["user_display_name"] = who["name"], who["display_name"]
        out.append(d)
    return out


@tk.side_effect_free
def govopen_open_type_changes(context, data_dict):
    """The entry's open-type changes, newest first: who, when, old → new, why."""
    return _type_changes(context, data_dict, "open_type")


@tk.side_effect_free
def govopen_share_type_changes(context, data_dict):
    """The entry's share-type changes, newest first (same record as the open type's)."""
    return _type_changes(context, data_dict, "share_type")


def record_type_change(context, package_id, change):
    from ...model import OpenTypeChange
    u = model.User.get(context.get("user")) if context.get("user") else None
    model.Session.add(OpenTypeChange(
        package_id=package_id, user_id=u.id if u else None,
        field=change.get("field") or "open_type",
        old_open_type=change.get("old"), new_open_type=change["new"],
        reason=change.get("reason")))
    audit.record(model.Session, u.id if u else None, "%s.changed" % (change.get("field") or "open_type"), package_id, {"old": change.get("old"), "new": change["new"], "reason": change.get("reason")})


def record_open_type_change(context, package_id, change):
    record_type_change(context, package_id, {**change, "field": "open_type"})


@tk.side_effect_free
def govopen_overdue_list(context, data_dict):
    """Entries overdue for update, of the caller's departments (all for sysadmin).
    ``organization`` narrows to one department."""
    tk.check_access("govopen_overdue_list", context, data_dict)
    actor = access.actor_from_context(context)
    q = (model.Session.query(model.Package)
         .filter(model.Package.state == "active").filter(model.Package.type == "dataset"))
    if data_dict.get("organization"):
        org = model.Group.get(data_dict["organization"])
        if org is None:
            raise tk.ObjectNotFound()
        q = q.filter(model.Package.owner_org == org.id)
    if not actor.sysadmin:
        q = q.filter(model.Package.owner_org.in_(list(actor.org_capacities) or [""]))
    show = tk.get_action("package_show")
    out = []
    for pkg in q.order_by(model.Package.name).all():
        entry = show({"user": context.get("user"), "__govopen_actor": actor}, {"id": pkg.id})
        status = catalog.update_status(entry)
        if status["overdue"]:
            out.append({"id": entry["id"], "name": entry["name"], "title": entry["title"],
                        "organization": (entry.get("organization") or {}).get("name"),
                        "organization_title": (entry.get("organization") or {}).get("title")
                        or (entry.get("organization") or {}).get("name"),
                        **status})
    return out


# ------------------------------------------------------------------ chained
def _actor(context):
    return access.actor_from_context(context)


@tk.chained_action
@tk.side_effect_free
def resource_search(up, context, data_dict):
    result = up(context, data_dict)
    actor = _actor(context)
    if actor.sysadmin:
        return result
    kept = []
    for res in result.get("results") or []:
        pkg = model.Package.get(res.get("package_id"))
        if pkg is None:
            continue
        if not access.decide_metadata(actor, pkg).allowed:
            continue
        d = access.decide_data(actor, pkg, res)
        if not d.allowed:
            q = data_dict.get("query") or ""
            qs = q if isinstance(q, list) else [q]
            if any(str(x).startswith("url:") for x in qs):
                continue  # no URL oracle on restricted data
            access._strip_resource(res, d)
        kept.append(res)
    result["results"] = kept
    result["count"] = len(kept)
    return result


@tk.side_effect_free
def format_autocomplete(context, data_dict):
    """CKAN's format_autocomplete, counting only resources of entries whose catalog
    metadata the caller may see (the policy's METADATA answer): a format that exists
    only in private entries is not listed to outsiders (issue 12, finding 12).
    The policy is asked once per (department, private, state) group, not per row."""
    import sqlalchemy as sa
    tk.check_access("format_autocomplete", context, data_dict)
    q = data_dict.get("q")
    if not isinstance(q, str):
        raise tk.ValidationError({"q": [tk._("Missing value")]})
    try:
        limit = max(1, min(int(data_dict.get("limit", 5)), 100))
    except (TypeError, ValueError):
        raise tk.ValidationError({"limit": [tk._("Invalid integer")]})
    rows = (model.Session.query(model.Resource.format, model.Package.owner_org,
                                model.Package.private, model.Package.state,
                                sa.func.count(model.Resource.id))
            .join(model.Package, model.Package.id == model.Resource.package_id)
            .filter(model.Resource.state == "active")
            .filter(model.Resource.format.ilike("%" + q + "%"))
            .group_by(model.Resource.format, model.Package.owner_org, model.Package.private,
                      model.Package.state).all())
    actor = _actor(context)
    totals = {}
    for fmt, org, private, state, n in rows:
        seen = ot.decide(actor, ot.Dataset(id="", owner_org=org, open_type=None,
                                           private=bool(private), state=state or "active"),
                         ot.METADATA)
        if seen.allowed and fmt:
            totals[fmt] = totals.get(fmt, 0) + n
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [fmt.lower() for fmt, _ in ranked]


# Resource views: a view is a way to the resource's data (image_view's image_url,
# webpage_view's page_url and every view's template fall back to the resource URL;
# datatables reads the DataStore), so it goes with the data: whoever may not have
# the resource's data gets no views at all. No view dict is stripped field by field:
# which config keys point at the data is each view plugin's business, so a denylist
# of keys would fail open on the next plugin, and a view without them shows nothing.
def _internal(context) -> bool:
    # the same internal reads after_dataset_show leaves alone (e.g. core's default
    # view creation must see the views that already exist)
    return bool(context.get("ignore_auth") or context.get("__govopen_internal"))


@tk.chained_action
@tk.side_effect_free
def resource_view_show(up, context, data_dict):
    """The view only to those the policy lets have its resource's data; others get
    NotAuthorized (403) with the policy's reason."""
    result = up(context, data_dict)
    if _internal(context):
        return result
    d = access.decide_resource(_actor(context), result.get("resource_id"))
    if d is None:  # the view's resource is gone
        raise tk.ObjectNotFound()
    if not d.allowed:
        raise tk.NotAuthorized(access.lang_message(d))
    return result


@tk.chained_action
@tk.side_effect_free
def resource_view_list(up, context, data_dict):
    """No views for those who may not have the resource's data: an empty list, not
    an error, because the resource's page (public metadata) lists its views."""
    result = up(context, data_dict)
    if _internal(context):
        return result
    d = access.decide_resource(_actor(context), data_dict.get("id"))
    return result if d is not None and d.allowed else []


def _chain_protect(name):
    def fn(up, context, data_dict):
        return access.protect_nested(_actor(context), up(context, data_dict))
    fn.__name__ = name
    fn = tk.side_effect_free(fn)
    return tk.chained_action(fn)


def _activity_diff(up, context, data_dict):
    result = up(context, data_dict)
    actor = _actor(context)
    acts = result.get("activities") or []
    pkg = None
    for a in acts:
        pkg = model.Package.get(a.get("object_id")) if isinstance(a, dict) else None
        if pkg:
            break
    if pkg is not None and access.withholds_any(actor, pkg):
        # a textual diff can carry old resource URLs: drop lines that mention one
        diff = result.get("diff")
        if isinstance(diff, str):
            result["diff"] = "\n".join(
                ln for ln in diff.splitlines() if '"url"' not in ln and "url" not in ln.lower())
    access.protect_nested(actor, acts)
    return result


_activity_diff.__name__ = "activity_diff"


@tk.chained_action
def activity_create(up, context, data_dict):
    """Put a just-recorded open-type change (who, old → new, reason) into the
    'changed package' activity, so it shows in the dataset's activity stream."""
    if data_dict.get("activity_type") == "changed package":
        pkg = model.Package.get(data_dict.get("object_id") or "")
        changes = getattr(pkg, "_govopen_recorded_changes", None) if pkg is not None else None
        if changes:
            pkg._govopen_recorded_changes = None
            data = dict(data_dict.get("data") or {})
            for field, change in changes.items():  # open_type_change, share_type_change
                data[field + "_change"] = change
            data_dict = {**data_dict, "data": data}
    return up(context, data_dict)


def _stack_chained(acts: dict, more: dict) -> None:
    """Add ``more`` to ``acts``; where both chain the same CKAN action, the one already
    there runs first and calls the new one as its ``up`` (a plain dict update would drop
    it: the DataStore's policy check was lost that way when rows counting arrived)."""
    for name, fn in more.items():
        first = acts.get(name)
        if first is None or not (getattr(first, "chained_action", False)
                                 and getattr(fn, "chained_action", False)):
            acts[name] = fn
            continue

        def combined(up, context, data_dict, _first=first, _then=fn):
            return _first(lambda c, d: _then(up, c, d), context, data_dict)
        combined.__name__ = name
        if getattr(first, "side_effect_free", False) and getattr(fn, "side_effect_free", False):
            combined = tk.side_effect_free(combined)
        acts[name] = tk.chained_action(combined)


def get_actions() -> dict:
    acts = {f.__name__: f for f in (
        govopen_grant_create, govopen_grant_revoke, govopen_grant_list,
        govopen_access_check, govopen_negative_list, govopen_catalog,
        govopen_open_type_changes, govopen_share_type_changes, govopen_overdue_list)}
    acts["resource_search"] = resource_search
    acts["format_autocomplete"] = format_autocomplete
    acts["resource_view_show"] = resource_view_show
    acts["resource_view_list"] = resource_view_list
    from . import requests as _requests  # issue 5: applications and requests
    acts.update(_requests.get_actions())
    from . import agreement as _agreement  # issue 17: 数据开放利用协议
    acts.update(_agreement.get_actions())
    from . import publication as _publication  # issue 7: publication gate
    acts.update(_publication.get_actions())
    from . import demand as _demand  # issue 8: demand board, reconsideration, objections
    acts.update(_demand.get_actions())
    from .. import verification as _verification  # issue 12 finding 8: verified requesters
    acts.update(_verification.get_actions())
    from . import oversight as _oversight  # issue 18: audit trail, scorecards
    acts.update(_oversight.get_actions())
    from . import ui as _ui  # issue 14: the publication review queue
    acts.update(_ui.get_actions())
    from . import datastore as _datastore  # issue 16: the DataStore under the policy
    acts.update(_datastore.get_actions())
    from . import apps as _apps  # issue 16: application keys, API usage, rows counting
    _stack_chained(acts, _apps.get_actions())  # datastore_search: policy first, then counting
    import ckan.plugins as p
    if p.plugin_loaded("activity"):
        for name in ("package_activity_list", "activity_show", "activity_data_show",
                     "organization_activity_list", "dashboard_activity_list",
                     "recently_changed_packages_activity_list", "user_activity_list",
                     "group_activity_list"):
            acts[name] = _chain_protect(name)
        acts["activity_diff"] = tk.chained_action(tk.side_effect_free(_activity_diff))
        acts["activity_create"] = activity_create
    from ..schema import validate_actions  # every govopen_* action behind its input schema
    return validate_actions(acts)
