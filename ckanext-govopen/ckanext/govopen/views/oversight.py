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


def _shown_report(params, may_edit=False):
    """→ (report, None), (None, None) for a report not generated that the user may
    generate, or (None, response) for a refusal / nothing to show."""
    try:
        return tk.get_action("govopen_annual_report_show")(_context(), params), None
    except tk.ObjectNotFound as e:
        return None, (None if may_edit else tk.abort(404, _error_text(e)))
    except tk.NotAuthorized as e:
        return None, tk.abort(403, _error_text(e))
    except tk.ValidationError as e:
        return None, tk.abort(404, _error_text(e))


def _lang() -> str:
    return "en" if (tk.h.lang() or "").startswith("en") else "zh"


def _layers(rep) -> list:
    """[(card title, 开放数林 layer rows)]: each department of the report, then the total."""
    cards = rep["figures"]["departments"] + [dict(rep["figures"]["total"], organization_title=tk._("Jurisdiction total"))]
    return [(c["organization_title"], sc.layer_rows(c, _lang())) for c in cards]


def _deadline_rows(year: int, rep, organization) -> list:
    """[{label, date, status, status_label}] of the report's two deadlines (the
    jurisdiction's configuration) as they stand today: the departments' drafts are done
    when every department's report (the compilation's page) or this department's is
    published, the compilation when the authority's is."""
    from ..domain import annual_report as ar
    from ..logic import requests_glue as glue
    from ..logic.action.oversight import report_sections
    rules = glue.jurisdiction().annual_report
    d = ar.deadlines(rules, year)
    today = glue.today_local()
    is_compilation = not organization
    if is_compilation:
        sections = rep["sections"] if rep else report_sections(year)
        drafts_done = bool(sections) and all(x["state"] == "published" for x in sections)
    else:
        drafts_done = bool(rep) and rep["state"] == "published"
    compiled = is_compilation and bool(rep) and rep["state"] == "published"
    labels = {"done": tk._("Done"), "open": tk._("Not yet due"), "due_soon": tk._("Due soon"),
              "overdue": tk._("Overdue")}
    out = []
    for label, due, done in ((tk._("Department drafts due"), d.department_draft, drafts_done),
                             (tk._("Authority's compilation due"), d.compilation, compiled)):
        st = ar.status(due, done, today, rules.reminder_days_before)
        out.append({"label": label, "date": due.isoformat(), "status": st, "status_label": labels[st]})
    return out


@blueprint.route("/oversight/reports/<year>")
def report(year):
    params = _report_params(year)
    year = params["year"]
    may_edit = _logged_in() and _check_edit(params)
    rep, response = _shown_report(params, may_edit)
    if response is not None:
        return response
    section_labels = {"published": tk._("Published"), "draft": tk._("Draft"), None: tk._("Not generated yet")}
    return tk.render("govopen/oversight/report.html", extra_vars={
        "year": year, "params": params, "report": rep, "may_edit": may_edit,
        "charts": charts(rep["figures"]) if rep else None, "layers": _layers(rep) if rep else [],
        "kinds": sc.KINDS, "kind_label": kind_label, "deadlines": _deadline_rows(year, rep, params["organization"]),
        "section_labels": section_labels})


def _download_name(rep, ext: str) -> str:
    return "annual-report-%d-%s.%s" % (rep["year"], rep["organization"] or "jurisdiction", ext)


@blueprint.route("/oversight/reports/<year>/annex.csv")
def report_csv(year):
    """The CSV annex: the report's figures, one row per department and one for the
    jurisdiction (columns ``domain/scorecard.CSV_COLUMNS``, as the scorecard CSV)."""
    rep, response = _shown_report(_report_params(year))
    if response is not None:
        return response
    rows = sc.csv_rows(rep["figures"], tk._("Jurisdiction total"))   # in the reader's language
    return csv_export.csv_response(rows, [c for c, _p in sc.CSV_COLUMNS], _download_name(rep, "csv"))


@blueprint.route("/oversight/reports/<year>/report.pdf")
def report_pdf(year):
    """The report as a PDF (``report_pdf.py``): what the page shows, for who may see it."""
    import datetime as dt
    from flask import Response
    from .. import report_pdf as rp
    rep, response = _shown_report(_report_params(year))
    if response is not None:
        return response
    try:
        font = rp.find_font(tk.config.get("govopen.report_pdf.font") or None)
    except rp.FontMissing:
        return tk.abort(503, tk._("The PDF cannot be made: no Chinese font is installed on the server."))
    _ = tk._
    specs = charts(rep["figures"])
    if rep["state"] == "published":
        status = "%s %s · SHA-256 %s" % (_("Published on"), tk.h.govopen_to_shanghai(rep["published_at"]),
                                          rep["sha256"])
    else:
        status = _("Draft: not published; the figures may still change.")
    lines = ["%s：%s" % (r["label"], r["date"]) for r in _deadline_rows(rep["year"], rep, rep["organization"])]
    period = rep["figures"]["period"]
    lines.insert(0, "%s：%s — %s" % (_("Period"), period["start"], period["end"]))
    sections = [("%s（%s）" % (x["organization_title"], _("Published") if x["state"] == "published" else _("Not published")),
                 x["narrative"]) for x in (rep.get("sections") or [])]
    doc = {"title": _("Open data annual report %(year)s", year=rep["year"]),
           "subtitle": rep["organization_title"], "status": status, "lines": lines,
           "cards": _layers(rep), "narrative_title": _("Narrative"), "narrative": rep["narrative"],
           "charts_title": _("Charts"), "charts": [(_("Comparison across departments"), specs["compare"]),
                                                   (_("Trends by month"), specs["trend"])],
           "sections_title": _("Departments' narratives"), "sections": sections,
           "footer": "%s · %s" % (tk.config.get("ckan.site_title") or "GovOpen",
                                  _("Open data annual report %(year)s", year=rep["year"])),
           "created": dt.datetime.fromisoformat(rep["published_at"] or rep["generated_at"])}
    pdf = rp.render(doc, font)
    resp = Response(pdf, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = "inline; filename=%s" % _download_name(rep, "pdf")
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


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
