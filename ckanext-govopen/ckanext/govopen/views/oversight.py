"""Oversight pages (issue 18): ``/oversight/scorecards`` (+ ``.csv``). The view asks
``govopen_scorecard`` as the current user and renders; who sees which card is the
policy's (``open_types.may_see_scorecard``), every figure ``domain/scorecard.py``'s.
Charts are Chart.js (vendored) fed from the figures (``assets/govopen-scorecard.js``)."""
from __future__ import annotations

from flask import Blueprint, request

import ckan.plugins.toolkit as tk
from ckan.common import current_user

from .. import csv_export
from ..domain import scorecard as sc

blueprint = Blueprint("govopen_oversight", __name__)


def _context():
    return {"user": current_user.name if current_user and not current_user.is_anonymous else "",
            "auth_user_obj": current_user}


def _logged_in():
    return bool(current_user) and not current_user.is_anonymous


def _error_text(e) -> str:
    if isinstance(e, tk.ValidationError):
        return "；".join(str(m) for msgs in (e.error_dict or {}).values()
                        for m in (msgs if isinstance(msgs, list) else [msgs]))
    return str(e) or tk._("Not authorized")


def _params():
    return {k: (request.args.get(k) or "").strip() or None
            for k in ("organization", "period_start", "period_end")}


def _scorecard(params):
    """→ (result, params actually used); a refused period falls back to the default one."""
    ctx = _context()
    try:
        return tk.get_action("govopen_scorecard")(ctx, params), params
    except tk.ValidationError as e:
        tk.h.flash_error(_error_text(e))
        params = dict(params, period_start=None, period_end=None)
        return tk.get_action("govopen_scorecard")(_context(), params), params


def kind_label(kind: str) -> str:
    return tk._(sc.KIND_LABELS[kind][1])


def charts(result) -> dict:
    """Chart specs (labels and series) for the page, from the figures as given."""
    cards = result["departments"]
    names = [c["organization_title"] for c in cards]
    _ = tk._
    compare = {"type": "bar", "percent": True, "labels": names, "datasets": [
        {"label": _("Open share"), "data": [c["catalog"]["open_share"] for c in cards]},
        {"label": _("Legal basis complete"), "data": [c["catalog"]["legal_basis"]["rate"] for c in cards]},
        {"label": _("Updated on time"), "data": [c["catalog"]["update"]["rate"] for c in cards]},
        {"label": _("Machine-readable"), "data": [c["catalog"]["machine_readable"]["rate"] for c in cards]},
        {"label": _("Data API coverage"), "data": [c["catalog"]["data_api"]["rate"] for c in cards]},
        {"label": _("Applications answered on time"),
         "data": [c["requests"]["application"]["on_time_rate"] for c in cards]}]}
    replies = {"type": "bar", "labels": names, "datasets": [
        {"label": "%s · %s" % (kind_label(k), _("Median reply (working days)")),
         "data": [c["requests"][k]["median_days"] for c in cards]}
        for k in ("application", "share_request", "objection")] + [
        {"label": "%s · %s" % (kind_label("application"), _("90th percentile (working days)")),
         "data": [c["requests"]["application"]["p90_days"] for c in cards]}]}
    months = result["total"]["months"]
    trend = {"type": "line", "labels": [m["month"] for m in months], "datasets": [
        {"label": _("Requests received"), "data": [m["received"] for m in months]},
        {"label": _("Replies"), "data": [m["decided"] for m in months]},
        {"label": _("Downloads"), "data": [m["downloads"] for m in months], "axis": "y2"},
        {"label": _("API calls"), "data": [m["api_calls"] for m in months], "axis": "y2"}]}
    open_types = {"type": "doughnut", "labels": [_("Unconditional"), _("Conditional"), _("Not open")],
                  "datasets": [{"label": _("Catalog entries"), "data": [
                      result["total"]["catalog"]["by_open_type"][t]
                      for t in ("unconditional", "conditional", "not_open")]}]}
    return {"compare": compare, "replies": replies, "trend": trend, "open_types": open_types}


def _page_scorecard():
    """→ (result, params, None) or (None, None, response) for a visitor / a refusal."""
    if not _logged_in():
        return None, None, tk.redirect_to(tk.url_for("user.login", came_from=request.full_path))
    try:
        result, params = _scorecard(_params())
    except tk.NotAuthorized as e:
        return None, None, tk.abort(403, _error_text(e))
    except tk.ObjectNotFound as e:
        return None, None, tk.abort(404, _error_text(e))
    return result, params, None


@blueprint.route("/oversight/scorecards")
def scorecards():
    result, params, response = _page_scorecard()
    if response is not None:
        return response
    return tk.render("govopen/oversight/scorecards.html", extra_vars={
        "result": result, "params": params, "charts": charts(result), "kinds": sc.KINDS,
        "kind_label": kind_label})


@blueprint.route("/oversight/scorecards.csv")
def scorecards_csv():
    result, _params_used, response = _page_scorecard()
    if response is not None:
        return response
    rows = sc.csv_rows(result, result["total"]["organization_title"])
    return csv_export.csv_response(rows, [c for c, _p in sc.CSV_COLUMNS], "scorecards-%s-%s.csv" % (
        result["period"]["start"], result["period"]["end"]))


# ------------------------------------------------------------------ annual reports
def _report_params(year):
    """The report's year (a path segment: digits, else 404) and department."""
    if not str(year).isdigit():
        tk.abort(404, tk._("Not found"))
    org = (request.values.get("organization") or "").strip() or None
    return {"year": int(year), "organization": org}


def _check_edit(params) -> bool:
    """Whether the current user may generate / edit / publish this report (asked of the
    auth function, i.e. the policy)."""
    import ckan.model as model
    org = model.Group.get(params["organization"]) if params["organization"] else None
    if params["organization"] and org is None:
        return False
    try:
        return tk.check_access("govopen_annual_report_generate", _context(),
                               {"organization": org.id if org else None})
    except tk.NotAuthorized:
        return False


@blueprint.route("/oversight/reports/<year>")
def report(year):
    params = _report_params(year)
    year = params["year"]
    may_edit = _logged_in() and _check_edit(params)
    try:
        rep = tk.get_action("govopen_annual_report_show")(_context(), params)
    except tk.ObjectNotFound as e:
        if not may_edit:
            return tk.abort(404, _error_text(e))
        rep = None
    except tk.NotAuthorized as e:
        return tk.abort(403, _error_text(e))
    except tk.ValidationError as e:
        return tk.abort(404, _error_text(e))
    layers = []
    if rep:
        lang = "en" if (tk.h.lang() or "").startswith("en") else "zh"
        cards = rep["figures"]["departments"] + [rep["figures"]["total"]]
        layers = [(c["organization_title"], sc.layer_rows(c, lang)) for c in cards]
    return tk.render("govopen/oversight/report.html", extra_vars={
        "year": year, "params": params, "report": rep, "may_edit": may_edit,
        "charts": charts(rep["figures"]) if rep else None, "layers": layers, "kinds": sc.KINDS,
        "kind_label": kind_label})


def _report_post(year, action, extra=None):
    if not _logged_in():
        return tk.redirect_to(tk.url_for("user.login"))
    params = _report_params(year)
    try:
        tk.get_action(action)(_context(), dict(params, **(extra or {})))
    except tk.NotAuthorized as e:
        return tk.abort(403, _error_text(e))
    except (tk.ValidationError, tk.ObjectNotFound) as e:
        tk.h.flash_error(_error_text(e))
    return tk.redirect_to(tk.url_for("govopen_oversight.report", year=year,
                                     organization=params["organization"]))


@blueprint.route("/oversight/reports/<year>/generate", methods=["POST"])
def report_generate(year):
    return _report_post(year, "govopen_annual_report_generate")


@blueprint.route("/oversight/reports/<year>/narrative", methods=["POST"])
def report_narrative(year):
    return _report_post(year, "govopen_annual_report_update", {"narrative": request.form.get("narrative") or ""})


@blueprint.route("/oversight/reports/<year>/publish", methods=["POST"])
def report_publish(year):
    return _report_post(year, "govopen_annual_report_publish")


# ------------------------------------------------------------------ public /stats
def public_charts(stats) -> dict:
    _ = tk._
    months = stats["months"]
    deps = stats["departments"]
    by_type = stats["catalog"]["by_open_type"]
    return {
        "usage": {"type": "line", "labels": [m["month"] for m in months], "datasets": [
            {"label": _("Downloads"), "data": [m["downloads"] for m in months]},
            {"label": _("API calls"), "data": [m["api_calls"] for m in months]}]},
        "used": {"type": "bar", "labels": [(d["title"] or "")[:16] for d in stats["most_used"]], "datasets": [
            {"label": _("Downloads"), "data": [d["downloads"] for d in stats["most_used"]]},
            {"label": _("API calls"), "data": [d["api_calls"] for d in stats["most_used"]]}]},
        "replies": {"type": "bar", "labels": [d["organization_title"] for d in deps], "datasets": [
            {"label": _("Median reply (working days)"), "data": [d["median_days"] for d in deps]},
            {"label": _("90th percentile (working days)"), "data": [d["p90_days"] for d in deps]}]},
        "open": {"type": "doughnut", "labels": [_("Unconditional"), _("Conditional"), _("Not open")],
                 "datasets": [{"label": _("Catalog entries"), "data": [
                     by_type[t] for t in ("unconditional", "conditional", "not_open")]}]},
    }


@blueprint.route("/stats")
def public_stats():
    params = {k: (request.args.get(k) or "").strip() or None for k in ("period_start", "period_end")}
    try:
        stats = tk.get_action("govopen_public_stats")(_context(), params)
    except tk.ValidationError as e:
        tk.h.flash_error(_error_text(e))
        stats = tk.get_action("govopen_public_stats")(_context(), {})
    return tk.render("govopen/oversight/public_stats.html", extra_vars={
        "stats": stats, "charts": public_charts(stats)})
