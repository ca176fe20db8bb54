"""Template helpers of the portal's navigation (issue 14): the user menu of each role
with its counts. The counts are the answers of the existing actions, asked as the
current user (so they count what the linked pages list); nothing is decided here
(the role comes from ``open_types.portal_role``). Computed once per request."""
from __future__ import annotations

import logging

import ckan.plugins.toolkit as tk

from .domain import open_types as ot

log = logging.getLogger(__name__)


def _context():
    from ckan.common import current_user
    return {"user": current_user.name if current_user and not current_user.is_anonymous else "",
            "auth_user_obj": current_user}


def _count(action, data_dict, where=None):
    try:
        rows = tk.get_action(action)(_context(), data_dict)
    except (tk.NotAuthorized, tk.ObjectNotFound, tk.ValidationError):
        return None
    except Exception:  # a menu count must never break the page
        log.exception("user menu: %s unavailable", action)
        return None
    return len([r for r in rows if where is None or where(r)])


def _item(key, label, url, count=None, alert=False):
    return {"key": key, "label": label, "url": url, "count": count, "alert": bool(alert and count)}


def _actor():
    from ckan.common import current_user
    from .logic import access
    if not current_user or current_user.is_anonymous:
        return ot.ANONYMOUS
    return access.actor_for(current_user.name)


def govopen_user_menu():
    """{role, items: [{key, label, url, count, alert}], notifications: {count, url},
    department: {name, title} | None} for the signed-in user; None for visitors."""
    from flask import g
    cached = getattr(g, "_govopen_user_menu", None)
    if cached is not None:
        return cached
    menu = _user_menu()
    g._govopen_user_menu = menu
    return menu


def _user_menu():
    actor = _actor()
    role = ot.portal_role(actor)
    if role == ot.PORTAL_ANONYMOUS:
        return None
    _ = tk._
    url = tk.h.url_for
    unread = _count("govopen_notification_list", {"unread_only": True})
    # citizens read them below their applications; staff on a page of their own (walk
    # 2026-12-06, finding 14: staff got the citizen's empty 我的申请 tables above them)
    notes = _item("notifications", _("Notifications"),
                  url("govopen_requests.mine") + "#notifications" if role == ot.PORTAL_PUBLIC
                  else url("govopen_requests.notifications"), unread, alert=True)
    items, department = [], None
    if role == ot.PORTAL_PUBLIC:
        items = [
            _item("requests", _("My applications"), url("govopen_requests.mine"),
                  _count("govopen_request_list", {"scope": "mine", "open_only": True})),
            _item("grants", _("My grants"), url("govopen_requests.mine") + "#grants",
                  _count("govopen_my_grants", {}, lambda g: g.get("active"))),
            # walk, finding 15: the board filtered to the demands one filed or seconded
            _item("demands", _("My demands"), url("govopen_demand.index", mine=1),
                  _count("govopen_demand_list", {"mine": True, "open_only": True})),
        ]
    else:
        import ckan.model as model
        orgs = [model.Group.get(o) for o in (actor.org_capacities or {})]
        orgs = [o for o in orgs if o is not None and o.state == "active"]
        if orgs:
            department = {"name": orgs[0].name, "title": orgs[0].title or orgs[0].name}
        items = [
            _item("reviews", _("Requests to answer"), url("govopen_requests.reviews"),
                  _count("govopen_request_list", {"scope": "department", "open_only": True}), alert=True),
            _item("publication", _("Files to review"), url("govopen_ui.publication_queue"),
                  _count("govopen_publication_queue", {}), alert=True),
        ]
        if department:
            items.append(_item("ledger", _("Department ledger"),
                               url("govopen_requests.org_requests", id=department["name"])))
        items.append(_item("overdue", _("Overdue updates"), url("govopen.dashboard"),
                           _count("govopen_overdue_list", {}), alert=True))
        # issue 18: scorecards — the authority's for every department, a head's for its own
        if role != ot.PORTAL_AUTHORITY:
            heads = [o for o in orgs if ot.may_see_scorecard(actor, o.id).allowed]
            if heads:
                items.append(_item("scorecard", _("Department scorecard"),
                                   url("govopen_oversight.scorecards", organization=heads[0].name)))
                # walk 2026-12-06: the annual report could not be reached by clicking
                items.append(_item("annual_report", _("Annual report"),
                                   url("govopen_oversight.report", year=_report_year(),
                                       organization=heads[0].name)))
        if role == ot.PORTAL_AUTHORITY:
            items += [
                _item("reconsideration", _("Reconsiderations"), url("govopen_demand.oversight"),
                      _count("govopen_request_list", {"scope": "department", "kind": "reconsideration",
                                                      "open_only": True}), alert=True),
                _item("stats", _("Statistics"), url("govopen_requests.stats")),
                _item("scorecards", _("Scorecards"), url("govopen_oversight.scorecards")),
                _item("annual_report", _("Annual report"), url("govopen_oversight.report", year=_report_year())),
                _item("calendar", _("Working-day calendar"), url("govopen_requests.calendar_admin")),
            ]
    return {"role": role, "items": items, "notifications": notes, "department": department}


def _report_year() -> int:
    """The year an annual report is written for: the last full year."""
    from .logic import requests_glue as glue
    return glue.today_local().year - 1


def govopen_annual_reports(organization=None):
    """[{year, state: published|draft|none, url}] of the annual reports of one department
    (``organization``: its name) or of the jurisdiction, newest first: the published ones
    for everyone; drafts, and last year's not yet generated, for who may write them
    (``open_types.may_edit_report``)."""
    import ckan.model as model
    from .model import AnnualReport
    org = model.Group.get(organization) if organization else None
    if organization and org is None:
        return []
    try:
        may_edit = ot.may_edit_report(_actor(), org.id if org else None).allowed
        rows = (model.Session.query(AnnualReport)
                .filter(AnnualReport.organization_id == (org.id if org else "")).all())
    except Exception:
        log.exception("annual report list unavailable")
        return []
    states = {r.year: r.state for r in rows if r.state == "published" or may_edit}
    if may_edit:
        states.setdefault(_report_year(), "none")
    name = org.name if org else None
    labels = {"published": tk._("Published"), "draft": tk._("Draft"), "none": tk._("Not generated yet")}
    return [{"year": y, "state": states[y], "state_label": labels[states[y]],
             "url": tk.h.url_for("govopen_oversight.report", year=y, organization=name)}
            for y in sorted(states, reverse=True)]


def govopen_dataset_usage(package_id):
    """{views, downloads} of one dataset (0 when never counted)."""
    from .model import usage
    try:
        return usage.counts([package_id]).get(package_id) or {"views": 0, "downloads": 0}
    except Exception:
        log.exception("usage counts unavailable")
        return {"views": 0, "downloads": 0}


def govopen_home_newest(limit=5):
    """The newest catalog entries the visitor may list (package_search as the user)."""
    try:
        return tk.get_action("package_search")({}, {
            "q": "", "rows": limit, "sort": "metadata_created desc"}).get("results") or []
    except Exception:
        log.exception("home page: newest entries unavailable")
        return []


def govopen_home_most_downloaded(limit=5):
    """The most downloaded entries the visitor may see, with their download counts."""
    from .model import usage
    out = []
    try:
        ids = usage.most_downloaded(limit * 3)
        got = usage.counts(ids)
        for pid in ids:
            try:
                pkg = tk.get_action("package_show")(_context(), {"id": pid})
            except (tk.NotAuthorized, tk.ObjectNotFound):
                continue
            out.append({"name": pkg["name"], "title": pkg.get("title") or pkg["name"],
                        "open_type": pkg.get("open_type"),
                        "downloads": got.get(pid, {}).get("downloads", 0)})
            if len(out) >= limit:
                break
    except Exception:
        log.exception("home page: most downloaded unavailable")
    return out


def govopen_legal_bases():
    """The legal grounds offered when a department refuses or keeps data closed: the
    deployment's jurisdiction's ``legal_bases`` (config/jurisdictions/*.yaml)."""
    from .logic import requests_glue as glue
    return list(glue.jurisdiction().legal_bases)


def get_helpers():
    return {f.__name__: f for f in (govopen_user_menu, govopen_dataset_usage, govopen_home_newest,
                                    govopen_home_most_downloaded, govopen_legal_bases,
                                    govopen_annual_reports)}
