"""Request pages: apply form, the applicant's page, the reviewers' queue, the
request page (history, how the due date was worked out, action buttons from
``available_actions``) and the public statistics. Views call actions and render;
no rule is decided here or in the templates."""
from __future__ import annotations

import flask
from flask import Blueprint, request

import ckan.plugins.toolkit as tk
from ckan.common import current_user

from .. import csv_export
from ..domain import requests as rq
from ..logic import requests_glue as glue

blueprint = Blueprint("govopen_requests", __name__)


def _context():
    return {"user": current_user.name if current_user and not current_user.is_anonymous else "",
            "auth_user_obj": current_user}


def _logged_in():
    return current_user and not current_user.is_anonymous


def _login_redirect():
    return tk.redirect_to(tk.url_for("user.login", came_from=request.full_path))


def _errors_summary(err: tk.ValidationError):
    out = {}
    for k, v in (err.error_dict or {}).items():
        out[k] = "; ".join(str(x) for x in v) if isinstance(v, list) else str(v)
    return out


@blueprint.route("/dataset/<id>/apply/form", methods=["GET", "POST"])
def apply_form(id):
    if not _logged_in():
        return _login_redirect()
    try:
        pkg_dict = tk.get_action("package_show")(_context(), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))
    data, errors = {}, {}
    if request.method == "POST":
        data = dict(request.form)
        data.pop("_csrf_token", None)
        payload = dict(data, package_id=pkg_dict["id"])
        # issue 17: the columns ticked and the one row condition of the form, as the action
        # takes them (columns: [names], row_filter: {column: value | {from, to}})
        data["columns"] = request.form.getlist("columns")
        for key in ("filter_column", "filter_value", "filter_from", "filter_to"):
            payload.pop(key, None)   # the form's parts of row_filter
        payload.update(_scope_from_form(request.form))
        if request.files.get("upload") and request.files["upload"].filename:
            payload["upload"] = request.files["upload"]
        try:
            result = tk.get_action("govopen_application_create")(_context(), payload)
        except tk.ValidationError as e:
            errors = _errors_summary(e)
        except tk.NotAuthorized as e:
            return tk.abort(403, glue.refusal_text(e))
        else:
            tk.h.flash_success(tk._("Your application was submitted."))
            return tk.redirect_to("govopen_requests.read", id=result["id"])
    from ..logic import access as _access
    from ..logic import scoping
    import ckan.model as model
    return tk.render("govopen/requests/apply.html", extra_vars={
        "scope_columns": list(scoping.dataset_columns(model.Package.get(pkg_dict["id"]))),
        "pkg_dict": pkg_dict, "data": data, "errors": errors,
        "access": pkg_dict.get("govopen_access") or {},
        # issue 14: the reply limit before submitting; the account's kind preselected
        "limit_working_days": glue.jurisdiction().limits(rq.get_kind("application").limit_key).limit,
        "default_applicant_type": _access.actor_for(current_user.name).kind})


def _scope_from_form(form) -> dict:
    out = {"columns": [c for c in form.getlist("columns") if c] or None, "row_filter": None}
    column = (form.get("filter_column") or "").strip()
    if column:
        value = (form.get("filter_value") or "").strip()
        if value:
            out["row_filter"] = {column: value}
        else:
            out["row_filter"] = {column: {k: v for k, v in (("from", form.get("filter_from")),
                                                              ("to", form.get("filter_to")))
                                          if (v or "").strip()}}
    return out


SHARE_FIELDS = ("requester_org_id", "purpose", "scope", "legal_basis")


def _share_options(ctx, package_id):
    return tk.get_action("govopen_share_request_options")(ctx, {"package_id": package_id})


@blueprint.route("/dataset/<id>/share", methods=["GET", "POST"])
def share_form(id):
    """共享申请: a department asks the providing department for a conditionally
    shared entry. Whether the form is offered, and as which departments, is the
    answer of ``govopen_share_request_options``; the submission is
    ``govopen_share_request_create``, whose refusals come back in the form."""
    if not _logged_in():
        return _login_redirect()
    ctx = _context()
    data, errors = {}, {}
    if request.method == "POST":
        data = {k: request.form.get(k, "") for k in SHARE_FIELDS}
        try:
            result = tk.get_action("govopen_share_request_create")(_context(), dict(data, package_id=id))
        except tk.ValidationError as e:
            errors = _errors_summary(e)
        except tk.NotAuthorized as e:
            errors = {"requester_org_id": glue.refusal_text(e)}
        else:
            tk.h.flash_success(tk._("Your share request was submitted."))
            return tk.redirect_to("govopen_requests.read", id=result["id"])
    try:
        pkg_dict = tk.get_action("package_show")(ctx, {"id": id})
        options = _share_options(ctx, pkg_dict["id"])
    except (tk.ObjectNotFound, tk.NotAuthorized):
        if not errors:
            return tk.abort(404, tk._("Dataset not found"))
        pkg_dict, options = None, None
    errors.pop("rule", None)
    message = errors.pop("message", None)
    if message and not errors:
        errors["form"] = message
    return tk.render("govopen/requests/share.html", extra_vars={
        "pkg_dict": pkg_dict, "options": options, "data": data, "errors": errors})


def share_panel(pkg_id: str) -> dict:
    """What the dataset page shows about share requests (the options' answer)."""
    try:
        return _share_options(_context(), pkg_id)
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return {}


@blueprint.app_context_processor
def _share_panel_helper():
    # a template function for the dataset-page snippet, as views/demand.py does for its panel
    return {"govopen_share_panel": share_panel}


@blueprint.route("/dashboard/requests")
def mine():
    if not _logged_in():
        return _login_redirect()
    ctx = _context()
    rows = tk.get_action("govopen_request_list")(ctx, {"scope": "mine", "kind": request.args.get("kind"),
                                                        "state": request.args.get("state")})
    grants = tk.get_action("govopen_my_grants")(ctx, {})
    notes = tk.get_action("govopen_notification_list")(ctx, {})
    return tk.render("govopen/requests/mine.html", extra_vars={
        "rows": rows, "grants": grants, "notifications": notes})


@blueprint.route("/dashboard/work")
def landing():
    """Where a login lands (``ckan.auth.route_after_login``, set by the plugin): the first
    page of the user's menu (h.govopen_user_menu) -- 我的申请 for citizens and
    enterprises, 待办申请 for department staff and the authority -- instead of CKAN's
    "我的数据集" (walk 2026-12-06, finding 18)."""
    if not _logged_in():
        return _login_redirect()
    from ..ui_helpers import govopen_user_menu
    menu = govopen_user_menu() or {}
    items = menu.get("items") or []
    return tk.redirect_to(items[0]["url"] if items else tk.url_for("govopen_requests.mine"))


@blueprint.route("/dashboard/notifications")
def notifications():
    """The notifications on a page of their own (walk 2026-12-06, finding 14: staff were
    sent to the citizen's 我的申请 page, with its empty tables above the list)."""
    if not _logged_in():
        return _login_redirect()
    notes = tk.get_action("govopen_notification_list")(_context(), {})
    return tk.render("govopen/requests/notifications.html", extra_vars={"notifications": notes})


@blueprint.route("/dashboard/reviews")
def reviews():
    if not _logged_in():
        return _login_redirect()
    from ..domain import request_forms as rf
    organization = request.args.get("organization") or ""
    rows = tk.get_action("govopen_request_list")(_context(), {
        "scope": "department", "kind": request.args.get("kind"), "state": request.args.get("state"),
        "organization": organization or None})
    open_rows = [r for r in rows if r.get("open")]
    done_rows = [r for r in rows if not r.get("open")]
    tab = "finished" if request.args.get("tab") == "finished" else "open"
    for r in open_rows:
        r["remaining_tone"] = rf.remaining_tone(r.get("remaining_working_days"), r.get("overdue"))
    org = None
    if organization:
        import ckan.model as model
        org = model.Group.get(organization)
    return tk.render("govopen/requests/reviews.html", extra_vars={
        "rows": open_rows if tab == "open" else done_rows, "tab": tab,
        "open_count": len(open_rows), "finished_count": len(done_rows),
        "kind": request.args.get("kind") or "", "state": request.args.get("state") or "",
        "organization": organization, "organization_title": (org.title or org.name) if org else "",
        "state_choices": sorted(((k, glue.state_label(k)) for k in glue.REQUEST_STATES), key=lambda x: x[1]),
        "kind_titles": {k: glue.kind_title(k) for k in rq.KINDS}})


@blueprint.route("/organization/<id>/requests")
def org_requests(id):
    """部门台账: every request the department received, open and finished, newest first,
    with the figures of the whole (walk 2026-12-06, finding 13: it was the 待办申请 page
    again). The rows are ``govopen_request_list``'s answer for the viewer."""
    if not _logged_in():
        return _login_redirect()
    import ckan.model as model
    org = model.Group.get(id)
    if org is None or not org.is_organization:
        return tk.abort(404, tk._("Department not found"))
    kind = request.args.get("kind") or None
    rows = tk.get_action("govopen_request_list")(_context(), {
        "scope": "department", "organization": org.name, "kind": kind})
    rows.sort(key=lambda r: r.get("received_at") or "", reverse=True)
    figures = {"total": len(rows), "open": sum(1 for r in rows if r.get("open")),
               "finished": sum(1 for r in rows if not r.get("open")),
               "overdue": sum(1 for r in rows if r.get("overdue"))}
    return tk.render("govopen/requests/ledger.html", extra_vars={
        "rows": rows, "figures": figures, "kind": kind or "", "organization": org.name,
        "organization_title": org.title or org.name,
        "kind_titles": {k: glue.kind_title(k) for k in rq.KINDS}})


@blueprint.route("/dashboard/requests/<id>")
def read(id):
    if not _logged_in():
        return _login_redirect()
    try:
        req = tk.get_action("govopen_request_show")(_context(), {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Request not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this request"))
    return tk.render("govopen/requests/read.html", extra_vars=_read_vars(req))


#: how each action's panel and button look (issue 14): decisions in different colours
ACTION_TONES = {"approve": "approve", "open": "approve", "direct_open": "approve", "confirm": "approve",
                "correct": "approve", "reject": "reject", "keep_closed": "reject", "uphold": "reject",
                "withdraw": "withdraw"}


def _approvers(req):
    """Who the 延期 form offers as approver: the head's own act (domain/requests.py,
    ``extension_approver_not_head``: the approver is the acting user, an admin of the
    answering department), so the list is the viewer when they are one of its admins, and
    nobody else -- never the site's own account or another admin (walk 2026-12-06,
    finding 20: "govopen", the site user that created the department, was offered)."""
    import ckan.model as model
    dept = (req.get("department") or {}).get("id")
    if not dept or "extend" not in (req.get("available_actions") or ()):
        return []
    try:
        members = tk.get_action("member_list")(_context(), {"id": dept, "object_type": "user",
                                                            "capacity": "admin"})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return []
    if not any(user_id == current_user.id for user_id, _type, _cap in members):
        return []
    u = model.User.get(current_user.id)
    return [{"id": u.id, "name": u.name, "display_name": u.display_name}]


def _shown_actions(req):
    """The actions offered as panels: all the engine allows, except 提请延期 next to
    延期 -- a head who may extend would only propose to themself (walk, finding 20)."""
    names = list(req.get("available_actions") or ())
    if "extend" in names and "propose_extension" in names:
        names.remove("propose_extension")
    return names


def action_label(kind: str, action: str | None) -> str:
    """The people's word for an action of a kind (its label in the kind's declaration)."""
    return glue.action_labels(kind).get(action or "", {}).get("label") or tk._("the action")


def done_message(action_label: str, out: dict | None) -> str:
    """What a flash says after an action (walk 2026-12-06, finding 16: only "已办理。"):
    what was done, the request's state now and, while it is open, its reply date."""
    msg = tk._("Done: %(action)s.") % {"action": action_label}
    if out and out.get("state_label"):
        msg += " " + tk._("The %(kind)s is now: %(state)s.") % {
            "kind": out.get("kind_title") or tk._("request"), "state": out["state_label"]}
        if out.get("open") and out.get("due_date"):
            msg += " " + tk._("Reply due by %(date)s.") % {"date": out["due_date"]}
    return msg


def _read_vars(req, form_action=None, form_data=None):
    from ..domain import request_forms as rf
    zh = not glue.is_en()
    requester = (req.get("requester") or {}).get("id")
    return {
        "req": req, "errors": {}, "user_id": current_user.id,
        "request_number": rf.request_number(req["kind"], req.get("received_at"), req["id"]),
        "steps": rf.progress_steps(req["state"], rq.get_kind(req["kind"]).final_states, zh),
        "action_tones": ACTION_TONES, "approvers": _approvers(req) if req.get("available_actions") else [],
        "shown_actions": _shown_actions(req),
        "form_action": form_action, "form_data": form_data or {},
        "applicant_type_labels": {k: (en if not zh else z) for k, (z, en) in glue.APPLICANT_TYPES.items()},
        # offered to the applicant of a refused application; the action decides
        "offer_reconsideration": req["kind"] == "application" and req["state"] == "rejected"
                                 and requester == current_user.id,
    }


@blueprint.route("/dashboard/requests/<id>/agreement", methods=["GET", "POST"])
def agreement(id):
    """数据开放利用协议 (issue 17): the text, its SHA-256 and who accepted it when; the
    applicant accepts here (POST with the CSRF token and the hash of the text shown).
    govopen_agreement_show / _accept decide."""
    if not _logged_in():
        return _login_redirect()
    if request.method == "POST":
        done = _form_action("govopen_agreement_accept", {"id": id, "sha256": request.form.get("sha256", "")})
        if done is _NOT_FOUND:
            return tk.abort(404, tk._("Request not found"))
        if done is not None:
            tk.h.flash_success(tk._("You accepted the data-use agreement: the data is now available to you."))
            return tk.redirect_to("govopen_requests.read", id=id)
        return tk.redirect_to("govopen_requests.agreement", id=id)
    try:
        req = tk.get_action("govopen_request_show")(_context(), {"id": id})
        doc = tk.get_action("govopen_agreement_show")(_context(), {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Request not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this request"))
    return tk.render("govopen/requests/agreement.html", extra_vars={
        "req": req, "doc": doc, "may_accept": doc["may_accept"],
        "accepted_at_local": (doc.get("accepted_at") or "")[:16].replace("T", " ")})


_NOT_FOUND = object()


def _form_action(name: str, data: dict):
    """Run a page form's action: → its result; None after a refusal (flashed, in words);
    _NOT_FOUND when the request does not exist."""
    try:
        return tk.get_action(name)(_context(), data)
    except tk.ObjectNotFound:
        return _NOT_FOUND
    except tk.NotAuthorized as e:
        tk.h.flash_error(glue.refusal_text(e))
    except tk.ValidationError as e:
        err = _errors_summary(e)
        err.pop("rule", None)
        tk.h.flash_error("；".join(err.values()) or tk._("Please correct the following:"))
    return None


@blueprint.route("/dashboard/requests/<id>/reconsider", methods=["POST"])
def reconsider(id):
    """申请复核 of a refused application: govopen_reconsideration_create decides."""
    if not _logged_in():
        return _login_redirect()
    result = _form_action("govopen_reconsideration_create", {
        "request_id": id, "reasons": request.form.get("reasons", "")})
    if result is _NOT_FOUND:
        return tk.abort(404, tk._("Request not found"))
    if result is not None:
        tk.h.flash_success(tk._("Your request for reconsideration was filed."))
        return tk.redirect_to("govopen_requests.read", id=result["id"])
    return tk.redirect_to("govopen_requests.read", id=id)


@blueprint.route("/dashboard/requests/<id>/attachment")
def attachment(id):
    """The applicant's uploaded attachment, to those who may see the request."""
    import os
    if not _logged_in():
        return _login_redirect()
    try:
        req = tk.get_action("govopen_request_show")(_context(), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Request not found"))
    stored = (req.get("fields") or {}).get("attachment") or ""
    if not stored.startswith("attachment:"):
        return tk.abort(404, tk._("Request not found"))
    from ..logic.action.requests import attachment_folder
    name = os.path.basename(stored.split(":", 1)[1])
    # only the request's own folder (issue 12, finding 9): never a file named elsewhere
    path = os.path.join(attachment_folder(req["id"]), name)
    if not os.path.isfile(path):
        return tk.abort(404, tk._("Request not found"))
    from .serving import send_stored
    return send_stored(path, name.split("-", 1)[-1], force_attachment=True)


@blueprint.route("/dashboard/requests/<id>/act", methods=["POST"])
def act(id):
    if not _logged_in():
        return _login_redirect()
    data = {k: v for k, v in request.form.items() if k != "_csrf_token" and v != ""}
    data["id"] = id
    try:
        out = tk.get_action("govopen_request_act")(_context(), data)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Request not found"))
    except tk.NotAuthorized as e:
        tk.h.flash_error(glue.refusal_text(e))
    except tk.ValidationError as e:
        err = _errors_summary(e)
        err.pop("rule", None)
        # the error in words (no field keys), and the page again with what was typed
        tk.h.flash_error(err.get("message") or "；".join(v for k, v in err.items() if k != "id"))
        try:
            req = tk.get_action("govopen_request_show")(_context(), {"id": id})
        except (tk.ObjectNotFound, tk.NotAuthorized):
            return tk.redirect_to("govopen_requests.read", id=id)
        typed = {k: v for k, v in data.items() if k not in ("id", "action")}
        return tk.render("govopen/requests/read.html",
                         extra_vars=_read_vars(req, data.get("action"), typed))
    else:
        tk.h.flash_success(done_message(action_label(out["kind"], data.get("action")), out))
    return tk.redirect_to("govopen_requests.read", id=id)


@blueprint.route("/dashboard/notifications/read", methods=["POST"])
def notifications_read():
    if not _logged_in():
        return _login_redirect()
    tk.get_action("govopen_notification_mark_read")(_context(), {"all": True})
    if request.form.get("back") == "notifications":
        return tk.redirect_to("govopen_requests.notifications")
    return tk.redirect_to("govopen_requests.mine")


@blueprint.route("/ckan-admin/calendar", methods=["GET", "POST"])
def calendar_admin():
    """The competent authority enters a year's State Council schedule (or a local
    holiday) day by day, then marks the year official; due dates recompute."""
    if not _logged_in():
        return _login_redirect()
    ctx = _context()
    year = request.values.get("year") or str(glue.today_local().year + 1)
    if request.method == "POST":
        data = {k: v for k, v in request.form.items() if k != "_csrf_token"}
        try:
            if data.get("op") == "year":
                tk.get_action("govopen_calendar_year_set")(ctx, {
                    "year": data.get("year"), "official": data.get("official") == "true",
                    "source": data.get("source"), "jurisdiction": data.get("jurisdiction")})
            else:
                tk.get_action("govopen_calendar_day_set")(ctx, {
                    "day": data.get("day"), "workday": data.get("workday"), "name": data.get("name"),
                    "source": data.get("source"), "jurisdiction": data.get("jurisdiction"),
                    "delete": data.get("op") == "delete"})
            if data.get("op") == "year":
                tk.h.flash_success(tk._("Saved: the state of the year %(year)s.") % {"year": data.get("year")})
            elif data.get("op") == "delete":
                tk.h.flash_success(tk._("Removed: the entry of %(day)s.") % {"day": data.get("day")})
            else:
                tk.h.flash_success(tk._("Saved: the entry of %(day)s.") % {"day": data.get("day")})
        except tk.NotAuthorized as e:
            return tk.abort(403, glue.refusal_text(e))
        except tk.ValidationError as e:
            err = _errors_summary(e)
            err.pop("rule", None)  # F9: the error in words, no field keys
            tk.h.flash_error(err.pop("message", None) or "；".join(err.values()))
        return tk.redirect_to(tk.url_for("govopen_requests.calendar_admin", year=year))
    try:
        listing = tk.get_action("govopen_calendar_list")(ctx, {"year": year})
    except tk.NotAuthorized as e:
        return tk.abort(403, glue.refusal_text(e))
    return tk.render("govopen/requests/calendar.html", extra_vars={"listing": listing, "year": year})


STATS_COLUMNS = ["organization", "organization_title", "received", "open", "approved", "rejected",
                 "withdrawn", "decided", "median_reply_days", "p90_reply_days", "overdue", "overdue_rate"]


@blueprint.route("/stats/requests")
def stats():
    period = {k: request.args.get(k) or None for k in ("since", "until")}
    try:
        rows = tk.get_action("govopen_stats")(_context(), {"kind": request.args.get("kind"), **period})
    except tk.ValidationError as e:
        tk.h.flash_error("；".join(_errors_summary(e).values()))
        period = {"since": None, "until": None}
        rows = tk.get_action("govopen_stats")(_context(), {"kind": request.args.get("kind")})
    top = max([r["received"] for r in rows] + [1])
    return tk.render("govopen/requests/stats.html", extra_vars={"rows": rows, "top": top,
                                                                "kind": request.args.get("kind") or "",
                                                                "since": period["since"] or "",
                                                                "until": period["until"] or ""})


@blueprint.route("/stats/requests.csv")
def stats_csv():
    rows = tk.get_action("govopen_stats")(_context(), {"kind": request.args.get("kind")})
    return csv_export.csv_response(rows, STATS_COLUMNS, "request-stats.csv")
