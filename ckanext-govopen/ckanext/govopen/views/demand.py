"""Demand board pages (数据需求), the dataset-page panel (open demand, “我也需要”,
objections and their outcomes) and the department's oversight dashboard
(reviews, directions to open, objections; overdue first).

Views call actions and render; no rule is decided here or in the templates.
UI text goes through gettext (``_()`` here and in the templates): Chinese from
the extension's zh_Hans_CN catalog by default, the English msgids under /en.

Routes:
  GET  /demand                          the public board (q, organization, state)
  POST /demand/new                      file a demand for data not in the catalog
  GET  /demand/<id>                     one demand: state, due dates, answers, whole history
  POST /demand/<id>/second              “我也需要”
  POST /demand/<id>/act                 a transition of its review / reconsideration (govopen_request_act)
  POST /demand/<id>/reconsider          a requester files a reconsideration
  POST /demand/<id>/route               the authority routes a not-in-catalog demand
  POST /demand/<id>/fulfil              the department opens the entry as directed
  POST /dataset/<id>/demand             ask for a not_open entry (or second its open demand)
  POST /dataset/<id>/objection          flag the dataset or one of its resources
  GET  /dashboard/oversight             the department's reviews, directions and objections
"""
from __future__ import annotations

from flask import Blueprint, request

import ckan.plugins.toolkit as tk
from ckan.common import current_user

from ..logic import requests_glue as glue
from .verification import flash_if_unverified

blueprint = Blueprint("govopen_demand", __name__)

def _context():
    return {"user": current_user.name if current_user and not current_user.is_anonymous else "",
            "auth_user_obj": current_user}


def _logged_in():
    return current_user and not current_user.is_anonymous


def _login_redirect(came_from=None):
    return tk.redirect_to(tk.url_for("user.login", came_from=came_from or request.full_path))


def _field_label(action, key):
    """The people's name of an action's parameter (domain/fields.py: the action's own
    declaration, or the request kind's field it stands for); None if undeclared."""
    from ..domain import fields as fd
    from ..domain import requests as rq
    zh = not glue.is_en()
    if (action, key) in fd.KIND_FIELDS:
        kind, name = fd.KIND_FIELDS[(action, key)]
        for f in rq.get_kind(kind).submit_fields:
            if f.name == name:
                return (f.label_zh or f.name) if zh else f.label_en
    for param in fd.ACTIONS.get(action, ()):
        if param.name == key:
            return param.label("zh" if zh else "en")
    return None


def _flash_error(e, action=None):
    """A refusal in words: field errors under the fields' names, never their keys
    (outside attack F9: ``title: 必填``, ``evidence: …``)."""
    if isinstance(e, tk.ValidationError):
        err = {k: "; ".join(str(x) for x in v) if isinstance(v, list) else str(v)
               for k, v in (e.error_dict or {}).items()}
        msg = err.pop("message", None)
        err.pop("rule", None)
        parts = []
        for k, v in err.items():
            label = _field_label(action, k)
            parts.append("%s：%s" % (label, v) if label and label not in v else v)
        tk.h.flash_error(msg or "；".join(parts))
    else:
        tk.h.flash_error(glue.refusal_text(e))


def _form():
    return {k: v for k, v in request.form.items() if k != "_csrf_token" and v != ""}


def _call(name, data, ok_message=None):
    try:
        out = tk.get_action(name)(_context(), data)
    except (tk.ValidationError, tk.NotAuthorized) as e:
        _flash_error(e, name)
        return None
    if ok_message:
        tk.h.flash_success(ok_message)
    return out


def _filed_message(what: str, out: dict) -> str:
    """A filing's flash: what was filed and by when the answer is due (walk 2026-12-06,
    finding 16: only "已办理。")."""
    if out.get("due_date"):
        return what + " " + tk._("Reply due by %(date)s.") % {"date": out["due_date"]}
    return what


# ------------------------------------------------------------------ board
@blueprint.route("/demand")
def index():
    ctx = _context()
    args = {k: request.args.get(k) for k in ("q", "organization", "state") if request.args.get(k)}
    # 我的需求 (walk 2026-12-06, finding 15): the board filtered to the viewer's demands
    mine = bool(request.args.get("mine")) and bool(_logged_in())
    rows = tk.get_action("govopen_demand_list")(ctx, dict(args, mine=mine))
    orgs = tk.get_action("organization_list")(ctx, {"all_fields": True})
    from ..domain import demand as dm
    states = [(s, glue.state_label(s)) for s in dm.STATES]
    return tk.render("govopen/demand/index.html", extra_vars={
        "rows": rows, "args": args, "orgs": orgs, "states": states, "mine": mine,
        "logged_in": _logged_in()})


@blueprint.route("/demand/new", methods=["POST"])
def new():
    if not _logged_in():
        return _login_redirect(tk.url_for("govopen_demand.index"))
    out = _call("govopen_demand_create", _form())
    if out is None:
        return tk.redirect_to("govopen_demand.index")
    flash_if_unverified()
    return tk.redirect_to("govopen_demand.read", id=out["id"])


@blueprint.route("/demand/<id>")
def read(id):
    try:
        d = tk.get_action("govopen_demand_show")(_context(), {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Not found"))
    specs = {}
    review = d.get("review")
    if review and d["viewer"]["review_actions"]:
        specs = glue.action_labels("high_demand_review")
    recon_actions = []
    authority = False
    if _logged_in() and d.get("reconsiderations"):
        last = d["reconsiderations"][-1]
        try:
            shown = tk.get_action("govopen_request_show")(_context(), {"id": last["id"]})
            recon_actions = [(n, shown["action_specs"][n]) for n in shown["available_actions"]
                             if n != "withdraw"]
            authority = "sysadmin" in shown.get("viewer_roles", [])
        except (tk.NotAuthorized, tk.ObjectNotFound):
            pass
    orgs = tk.get_action("organization_list")(_context(), {"all_fields": True}) \
        if d["viewer"]["may_route"] else []
    return tk.render("govopen/demand/read.html", extra_vars={
        "d": d, "review_specs": specs, "recon_actions": recon_actions,
        "authority": authority, "orgs": orgs, "logged_in": _logged_in()})


@blueprint.route("/demand/<id>/second", methods=["POST"])
def second(id):
    if not _logged_in():
        return _login_redirect(tk.url_for("govopen_demand.read", id=id))
    if _call("govopen_demand_second", {"id": id}, tk._("You asked for this")) is not None:
        flash_if_unverified()
    return tk.redirect_to("govopen_demand.read", id=id)


@blueprint.route("/demand/<id>/act", methods=["POST"])
def act(id):
    if not _logged_in():
        return _login_redirect(tk.url_for("govopen_demand.read", id=id))
    data = _form()
    data["id"] = data.pop("request_id", "")
    out = _call("govopen_request_act", data)
    if out is not None:  # walk, finding 16: what was done, not only "已办理。"
        from .requests import action_label, done_message
        tk.h.flash_success(done_message(action_label(out["kind"], data.get("action")), out))
    return tk.redirect_to("govopen_demand.read", id=id)


@blueprint.route("/demand/<id>/reconsider", methods=["POST"])
def reconsider(id):
    if not _logged_in():
        return _login_redirect(tk.url_for("govopen_demand.read", id=id))
    d = tk.get_action("govopen_demand_show")(_context(), {"id": id})
    out = _call("govopen_reconsideration_create", {"request_id": d["review_request_id"],
                                                   "reasons": request.form.get("reasons", "")})
    if out is not None:
        tk.h.flash_success(_filed_message(tk._("Your request for reconsideration was filed."), out))
    return tk.redirect_to("govopen_demand.read", id=id)


@blueprint.route("/demand/<id>/route", methods=["POST"])
def route(id):
    if not _logged_in():
        return _login_redirect(tk.url_for("govopen_demand.read", id=id))
    out = _call("govopen_demand_route", {"id": id, "org_id": request.form.get("org_id", "")})
    if out is not None:
        tk.h.flash_success(_filed_message(
            tk._("The demand was routed to %(dept)s for review.") % {
                "dept": (out.get("department") or {}).get("title") or ""}, out))
    return tk.redirect_to("govopen_demand.read", id=id)


@blueprint.route("/demand/<id>/fulfil", methods=["POST"])
def fulfil(id):
    if not _logged_in():
        return _login_redirect(tk.url_for("govopen_demand.read", id=id))
    data = _form()
    _call("govopen_direction_fulfil", data, tk._("The entry was opened as directed."))
    return tk.redirect_to("govopen_demand.read", id=id)


# ------------------------------------------------------------------ dataset page
@blueprint.route("/dataset/<id>/demand", methods=["POST"])
def dataset_demand(id):
    if not _logged_in():
        return _login_redirect(tk.url_for("dataset.read", id=id))
    if _call("govopen_demand_create", {"package_id": id}, tk._("You asked for this")) is not None:
        flash_if_unverified()
    return tk.redirect_to("dataset.read", id=id)


@blueprint.route("/dataset/<id>/objection", methods=["POST"])
def dataset_objection(id):
    if not _logged_in():
        return _login_redirect(tk.url_for("dataset.read", id=id))
    data = _form()
    data["package_id"] = id
    out = _call("govopen_objection_create", data)
    if out is not None:
        tk.h.flash_success(_filed_message(tk._("Your data objection was filed."), out))
    return tk.redirect_to("dataset.read", id=id)


def demand_panel(pkg_id: str) -> dict:
    """What the dataset page shows: its current demand (if any), its objections,
    and whether the visitor may ask / second / flag. Used by the snippet."""
    ctx = _context()
    try:
        demands = tk.get_action("govopen_demand_list")(ctx, {"package_id": pkg_id})
        current = max(demands, key=lambda d: d["created"]) if demands else None  # the newest
        if current is not None:
            current = tk.get_action("govopen_demand_show")(ctx, {"id": current["id"]})
        flags = tk.get_action("govopen_objection_list")(ctx, {"package_id": pkg_id})
    except Exception:
        import logging
        logging.getLogger(__name__).exception("demand panel")
        return {"demand": None, "objections": [], "logged_in": _logged_in()}
    return {"demand": current, "objections": flags, "logged_in": bool(_logged_in())}


@blueprint.app_context_processor
def _panel_helper():
    # a template function for the dataset-page snippet (no shared helper registry edit needed)
    return {"govopen_demand_panel": demand_panel}


# ------------------------------------------------------------------ department dashboard
@blueprint.route("/dashboard/oversight")
def oversight():
    if not _logged_in():
        return _login_redirect()
    ctx = _context()
    directions = tk.get_action("govopen_direction_list")(ctx, {})
    reviews = tk.get_action("govopen_request_list")(ctx, {"scope": "department", "kind": "high_demand_review"})
    objections = tk.get_action("govopen_request_list")(ctx, {"scope": "department", "kind": "objection"})
    # walk 2026-12-06: the menu's 复核 count counts these; the page must list them
    reconsiderations = tk.get_action("govopen_request_list")(ctx, {"scope": "department",
                                                                   "kind": "reconsideration"})
    return tk.render("govopen/demand/dashboard.html", extra_vars={
        "directions": directions, "reviews": reviews, "objections": objections,
        "reconsiderations": reconsiderations})
