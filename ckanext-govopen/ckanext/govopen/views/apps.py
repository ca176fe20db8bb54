"""Pages of issue 16: my applications (我的应用), the per-dataset API page (接口说明)
and API usage (接口调用统计). Views call actions and render; who may do what is
decided by the actions' auth functions (logic/auth/apps.py) and the access policy.

Routes:
  GET  /dashboard/apps                 the user's applications and the create form
  POST /dashboard/apps                 create one; the page shows its key once (copy button)
  GET  /dashboard/apps/<id>/delete     confirm deletion
  POST /dashboard/apps/<id>/delete     delete (the key is revoked)
  GET  /dataset/<id>/api               how to call this dataset's data by API
  POST /dataset/<id>/api               create an application there; the page shows its key
                                       once, filled into the examples
  GET  /stats/api                      calls and rows per dataset (department / authority)
"""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, request

import ckan.plugins.toolkit as tk
from ckan.common import current_user

from .. import helpers

blueprint = Blueprint("govopen_apps", __name__)


def _context():
    return {"user": current_user.name if current_user and not current_user.is_anonymous else "",
            "auth_user_obj": current_user}


def _logged_in():
    return bool(current_user) and not current_user.is_anonymous


def _login_redirect():
    return tk.redirect_to(tk.url_for("user.login", came_from=request.full_path))


def _error_text(e) -> str:
    if isinstance(e, tk.ValidationError):
        parts = []
        for v in (e.error_dict or {}).values():
            parts.extend(str(x) for x in (v if isinstance(v, list) else [v]))
        return "; ".join(parts)
    return str(e) or tk._("Not authorized")


@blueprint.route("/dashboard/apps", methods=["GET", "POST"])
def index():
    if not _logged_in():
        return _login_redirect()
    new_app, error, form = None, None, {}
    if request.method == "POST":
        new_app, error, form = _create_app_from_form(_context())
    apps = tk.get_action("govopen_app_list")(_context(), {})
    return tk.render("govopen/apps/index.html", extra_vars={
        "apps": apps, "new_app": new_app, "error": error, "form": form,
        "quotas": _quota_rows()})


@blueprint.route("/dashboard/apps/<id>/delete", methods=["GET", "POST"])
def delete(id):
    if not _logged_in():
        return _login_redirect()
    apps = {a["id"]: a for a in tk.get_action("govopen_app_list")(_context(), {})}
    if id not in apps:  # not found, or not the caller's
        return tk.abort(404, tk._("Application not found"))
    if request.method == "POST":
        try:
            tk.get_action("govopen_app_delete")(_context(), {"id": id})
            tk.h.flash_success(tk._("The application was deleted and its key revoked."))
        except (tk.NotAuthorized, tk.ObjectNotFound) as e:
            tk.h.flash_error(_error_text(e))
        return tk.redirect_to(tk.url_for("govopen_apps.index"))
    return tk.render("govopen/apps/delete.html", extra_vars={"app": apps[id]})


def _quota_rows():
    from .. import quota
    s = quota.settings()
    labels = {"anonymous": tk._("Anonymous (per address)"), "user": tk._("Per user"),
              "application": tk._("Per application key"), "dataset": tk._("Per caller and dataset")}
    return [{"scope": k, "label": labels[k], "requests": s[k].requests_per_day, "rows": s[k].rows_per_day}
            for k in ("anonymous", "user", "application", "dataset")]


# ------------------------------------------------------------------ /dataset/<id>/api
def _datastore_on() -> bool:
    import ckan.plugins as p
    return p.plugin_loaded("datastore")


def _resource_doc(context, pkg, res, allowed):
    """What the page says about one resource: endpoint, fields, example response."""
    doc = {"id": res["id"], "name": res.get("name") or res["id"], "format": (res.get("format") or "").upper(),
           "description": res.get("description") or "", "datastore": False, "fields": [],
           "example": None, "external_url": None}
    if _datastore_on() and res.get("datastore_active") and allowed:
        try:
            info = tk.get_action("datastore_info")(dict(context), {"id": res["id"]})
            doc["fields"] = [{"id": f.get("id"), "type": f.get("type"),
                              "label": (f.get("info") or {}).get("label") or "",
                              "notes": (f.get("info") or {}).get("notes") or ""}
                             for f in info.get("fields") or [] if f.get("id") != "_id"]
            doc["datastore"] = True
            sample = tk.get_action("datastore_search")(dict(context), {"resource_id": res["id"], "limit": 2})
            doc["example"] = {"success": True, "result": {
                "resource_id": res["id"], "fields": sample.get("fields"),
                "records": sample.get("records"), "total": sample.get("total"), "limit": 2}}
        except Exception:
            doc["datastore"] = False
    if doc["format"] == "API" and allowed:
        doc["external_url"] = res.get("url")
    if not doc["fields"]:
        doc["fields"] = [{"id": k, "type": "text", "label": label, "notes": ""}
                         for k, label in (("name", tk._("Name")), ("format", tk._("Format")),
                                          ("description", tk._("Description")),
                                          ("last_modified", tk._("Last modified")),
                                          ("url", tk._("Download URL")))]
    return doc


def _create_app_from_form(context):
    """POST of the API page's form: (new application with its token, error, form)."""
    form = {"title": request.form.get("title", ""),
            "description": request.form.get("description", "")}
    try:
        return tk.get_action("govopen_app_create")(dict(context), dict(form)), None, {}
    except (tk.ValidationError, tk.NotAuthorized) as e:
        return None, _error_text(e), form


def _app_for_examples(apps, new_app):
    """The application the examples name: the one just created, else the one chosen
    with ?app= (the caller's own only), else the newest."""
    if new_app:
        return new_app
    wanted = request.args.get("app")
    return next((a for a in apps if a["id"] == wanted), apps[0] if apps else None)


@blueprint.route("/dataset/<id>/api", methods=["GET", "POST"])
def dataset_api(id):
    from .. import quota
    from ..domain import quotas as dq
    context = _context()
    try:
        pkg = tk.get_action("package_show")(dict(context), {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))
    new_app, app_error, app_form = None, None, {}
    if request.method == "POST":
        if not _logged_in():
            return _login_redirect()
        new_app, app_error, app_form = _create_app_from_form(context)
    check = tk.get_action("govopen_access_check")(dict(context), {"id": pkg["id"]})
    data = check.get("data") or {}
    resources = []
    for res in pkg.get("resources") or []:
        answer = (check.get("resources") or {}).get(res["id"], {})
        allowed = bool(answer.get("allowed"))
        doc = _resource_doc(context, pkg, res, allowed)
        # walk item 21: say that (and why) this file is not available to the reader now
        doc["restricted"] = None if allowed else (helpers.govopen_access_message(answer) or tk._("Data restricted"))
        resources.append(doc)
    apps = tk.get_action("govopen_app_list")(dict(context), {}) if _logged_in() else []
    app = _app_for_examples(apps, new_app)
    grants = []
    if _logged_in() and pkg.get("open_type") == "conditional":
        try:
            grants = [g for g in tk.get_action("govopen_my_grants")(dict(context), {})
                      if g.get("package_id") == pkg["id"]]
        except Exception:
            grants = []
    usage = {}
    if _logged_in() and not getattr(current_user, "sysadmin", False):
        try:
            settings = quota.settings()
            day = dq.local_day(dt.datetime.now(dt.timezone.utc), quota.timezone()).isoformat()
            app_id = app["id"] if app else None
            caller = dq.Caller(user_id=current_user.id, app_id=app_id)
            cs = [c for m in dq.MEASURES for c in dq.counters(caller, m, settings, day, pkg["id"])]
            usage = quota.usage_today(cs)
        except Exception:
            usage = {}
    site = (tk.config.get("ckan.site_url") or request.host_url).rstrip("/")
    html = tk.render("govopen/apps/dataset_api.html", extra_vars={
        "pkg": pkg, "pkg_dict": pkg, "resources": resources, "access": data, "apps": apps,
        "app": app, "new_app": new_app, "app_error": app_error, "app_form": app_form,
        "grants": grants, "quotas": _quota_rows(), "usage": usage, "site": site,
        "datastore_on": _datastore_on(),
        "rows_max": tk.config.get("ckan.datastore.search.rows_max") or 32000})
    if new_app is None:
        return html
    from flask import make_response
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"   # the key, shown this once
    return response


# ------------------------------------------------------------------ /stats/api
@blueprint.route("/stats/api")
def usage():
    if not _logged_in():
        return _login_redirect()
    params = {"days": request.args.get("days") or 30}
    if request.args.get("organization"):
        params["organization"] = request.args["organization"]
    try:
        try:
            result = tk.get_action("govopen_api_usage")(_context(), params)
        except (tk.ValidationError, tk.ObjectNotFound) as e:
            # the action checks the input before who asks: the fallback call can still be
            # refused (a citizen's ?days=0 was a 500 for an outside tester)
            tk.h.flash_error(_error_text(e))
            params["days"] = 30
            result = tk.get_action("govopen_api_usage")(_context(), {})
    except tk.NotAuthorized as e:
        return tk.abort(403, _error_text(e))
    return tk.render("govopen/apps/usage.html", extra_vars={"usage": result,
                                                           "days": params["days"]})
