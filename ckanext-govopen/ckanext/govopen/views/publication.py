"""Pages of the publication gate: the job/report/review page of a resource, the
department-only original download, and the YAML policy editor with preview.
Every decision comes from the actions (and so from ``domain.open_types``)."""
from __future__ import annotations

import flask
from flask import Blueprint

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.common import current_user

from ..domain import open_types as ot

blueprint = Blueprint("govopen_publication", __name__)


def _context():
    return {"user": current_user.name if current_user and not current_user.is_anonymous else "",
            "auth_user_obj": current_user}


def _resource(id, resource_id):
    res = model.Resource.get(resource_id)
    pkg = model.Package.get(id)
    if res is None or pkg is None or res.package_id != pkg.id or res.state != "active":
        return tk.abort(404, tk._("Resource not found"))
    return res, pkg


def original(id, resource_id):
    """The original file: the department and the competent authority only."""
    from ..publication import state
    res, pkg = _resource(id, resource_id)
    try:
        tk.check_access("govopen_publication_original", _context(), {"id": res.id})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the providing department and the competent authority may read the original"))
    row = state.get_row(res.id)
    if row is None or not row.original_path:
        return tk.abort(404, tk._("The original file is not kept"))
    try:
        from .serving import send_stored
        return send_stored(row.original_path, row.original_name or "original",
                           force_attachment=True)
    except FileNotFoundError:
        return tk.abort(404, tk._("The original file is not kept"))


def page(id, resource_id):
    res, pkg = _resource(id, resource_id)
    ctx = _context()
    try:
        pub = tk.get_action("govopen_publication_show")(ctx, {"id": res.id})
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e) or tk._("Not authorized"))
    events = tk.get_action("govopen_publication_events")(ctx, {"id": res.id})
    report_rows, k_text, events = _in_words(res, pub, events)
    return tk.render("govopen/publication/page.html", extra_vars={
        "pkg": pkg, "res": res.as_dict(), "pub": pub, "events": events,
        "report_rows": report_rows, "k_anonymity_text": k_text,
        "checklist": [(k, ot.REVIEW_CHECKLIST_LABELS[k]) for k in ot.REVIEW_CHECKLIST],
        "errors": {}})


def _in_words(res, pub, events):
    """The report and the record in people's words (publication/words.py), with masked
    samples read from the published file, and local (Asia/Shanghai) times."""
    from ..domain import catalog
    from ..logic.validators import current_lang
    from ..publication import storage, words
    zh = not current_lang().startswith("en")
    rep = (pub or {}).get("report") or {}
    columns = rep.get("columns") or []
    changed = [c["column"] for c in columns if c.get("cells_changed") and not c.get("dropped")]
    samples = {}
    if changed and pub.get("state") == ot.PUB_SUCCEEDED and (res.format or "").upper() == "CSV":
        samples = words.masked_samples(storage.public_path(res.id), changed)
    rows = [{"column": c.get("column"), "finding": words.column_finding(c, zh),
             "operator": words.operator_label(
                 c.get("operator") or ("free_text" if c.get("kind") == "free_text" and c.get("cells_changed") else None),
                 c.get("dropped"), zh),
             "cells_changed": c.get("cells_changed") or 0,
             "samples": samples.get(c.get("column")) or []} for c in columns]
    k_text = words.k_anonymity_text(rep.get("k_anonymity"), zh) if rep else ""
    out = []
    for e in events or []:
        local = catalog.to_shanghai(e.get("created"))
        out.append({**e, "created_local": local.strftime("%Y-%m-%d %H:%M:%S") if local else "",
                    "action_label": tk.h.govopen_publication_event_label(e.get("action")),
                    "detail_text": words.event_detail(e.get("action"), e.get("detail"), zh)})
    return rows, k_text, out


def review(id, resource_id):
    res, pkg = _resource(id, resource_id)
    form = flask.request.form
    checklist = {k: form.get(k) in ("on", "true", "1", "yes") for k in ot.REVIEW_CHECKLIST}
    try:
        tk.get_action("govopen_publication_review")(_context(), {
            "id": res.id, "checklist": checklist, "note": form.get("note"),
            "k_anonymity_statement": form.get("k_anonymity_statement")})
        tk.h.flash_success(tk._("The confidentiality review is signed"))
    except tk.NotAuthorized as e:
        tk.h.flash_error(str(e) or tk._("Not authorized"))
    except tk.ValidationError as e:
        tk.h.flash_error("; ".join(str(v[0] if isinstance(v, list) and v else v)
                                   for v in e.error_dict.values()))
    return tk.redirect_to("govopen_publication.page", id=pkg.name, resource_id=res.id)


def rerun(id, resource_id):
    res, pkg = _resource(id, resource_id)
    try:
        tk.get_action("govopen_publication_rerun")(_context(), {"id": res.id})
        tk.h.flash_success(tk._("The job is queued again"))
    except tk.NotAuthorized as e:
        tk.h.flash_error(str(e) or tk._("Not authorized"))
    except tk.ValidationError as e:
        tk.h.flash_error("; ".join(str(v) for v in e.error_dict.values()))
    return tk.redirect_to("govopen_publication.page", id=pkg.name, resource_id=res.id)


def _policy(scope_key, scope_value, back):
    ctx = _context()
    params = {scope_key: scope_value}
    try:
        shown = tk.get_action("govopen_publication_policy_show")(ctx, params)
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized"))
    except tk.ObjectNotFound:
        return tk.abort(404)
    text = shown["yaml"] or ""
    errors, preview, saved = [], None, None
    if flask.request.method == "POST":
        text = flask.request.form.get("yaml", "")
        action = flask.request.form.get("action", "preview")
        try:
            if action == "save":
                saved = tk.get_action("govopen_publication_policy_update")(ctx, {**params, "yaml": text})
                tk.h.flash_success(tk._("Policy saved; %d resource(s) queued again") % len(saved["requeued"]))
                shown = tk.get_action("govopen_publication_policy_show")(ctx, params)
            preview = tk.get_action("govopen_publication_policy_preview")(
                ctx, {**params, "yaml": text, "rows": 10,
                      "sample_csv": flask.request.form.get("sample_csv") or None})
        except tk.NotAuthorized as e:
            errors.append(str(e) or tk._("Not authorized"))
        except tk.ValidationError as e:
            for v in e.error_dict.values():
                errors.extend(v if isinstance(v, list) else [v])
    return tk.render("govopen/publication/policy.html", extra_vars={
        "shown": shown, "yaml_text": text, "errors": errors, "preview": preview,
        "back": back, "scope": scope_key})


def dataset_policy(id):
    pkg = model.Package.get(id)
    if pkg is None:
        return tk.abort(404)
    return _policy("package_id", pkg.id, tk.url_for("dataset.read", id=pkg.name))


def organization_policy(id):
    org = model.Group.get(id)
    if org is None or not org.is_organization:
        return tk.abort(404)
    return _policy("organization", org.id, tk.url_for("organization.read", id=org.name))


blueprint.add_url_rule("/dataset/<id>/resource/<resource_id>/original", view_func=original)
blueprint.add_url_rule("/dataset/<id>/resource/<resource_id>/publication", view_func=page)
blueprint.add_url_rule("/dataset/<id>/resource/<resource_id>/publication/review",
                       view_func=review, methods=["POST"])
blueprint.add_url_rule("/dataset/<id>/resource/<resource_id>/publication/rerun",
                       view_func=rerun, methods=["POST"])
blueprint.add_url_rule("/dataset/<id>/publication/policy", view_func=dataset_policy,
                       methods=["GET", "POST"])
blueprint.add_url_rule("/organization/<id>/publication/policy", view_func=organization_policy,
                       methods=["GET", "POST"])
