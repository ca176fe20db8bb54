"""Public catalog pages and files: the negative list (/negative-list[.csv|.json]),
the machine-readable catalog (/catalog.csv, /catalog.json), the department's
update-duty dashboard (/dashboard/govopen) and the 'apply' landing page."""
from __future__ import annotations

import json

import flask
from flask import Blueprint, request

import ckan.plugins.toolkit as tk
from ckan.common import current_user

from .. import csv_export
from ..domain import open_types as ot
from ..logic import access

blueprint = Blueprint("govopen", __name__)

NEGATIVE_COLUMNS = ["name", "title", "organization", "organization_title", "open_type",
                    "open_conditions", "legal_basis"]

#: choice fields of the schema whose codes the CSV files show as their labels
CHOICE_FIELDS = ("open_type", "share_type", "theme", "resource_category", "update_cycle",
                 "open_method")
#: a CSV column read from a differently named schema field
SCHEMA_FIELD_OF = {"organization_title": "owner_org", "tags": "tag_string"}


def _column_labels(columns):
    """Header labels of the CSV files for people (issue 14): the schema's field label
    (schemas/dataset.yaml, in the request's language); gettext for the columns that
    are not schema fields."""
    other = {"id": tk._("ID"), "organization": tk._("Department identifier"),
             "overdue": tk._("Update overdue"), "formats": tk._("Formats"),
             "resource_urls": tk._("Resource URLs"),
             "metadata_modified": tk._("Catalog entry last modified"),
             "url": tk._("Catalog entry page")}
    labels = {}
    try:
        fields = tk.h.scheming_get_dataset_schema("dataset")["dataset_fields"]
    except Exception:
        fields = []
    for c in columns:
        field = tk.h.scheming_field_by_name(fields, SCHEMA_FIELD_OF.get(c, c)) if fields else None
        if c in other:
            labels[c] = other[c]
        elif field and field.get("label"):
            labels[c] = tk.h.scheming_language_text(field["label"])
    return labels


def _labelled(rows):
    """Rows with the schema's labels in place of codes (无条件开放, 每日 …) and 是/否."""
    from ..helpers import govopen_choice_label
    yes, no = tk._("Yes"), tk._("No")
    for r in rows:
        out = dict(r)
        for key in CHOICE_FIELDS:
            if out.get(key):
                out[key] = govopen_choice_label(key, out[key])
        if isinstance(out.get("overdue"), bool):
            out["overdue"] = yes if out["overdue"] else no
        yield out


def _people_csv(rows, columns, filename):
    return csv_export.csv_response(_labelled(rows), columns, filename, _column_labels(columns))


def _context():
    return {"user": current_user.name if current_user and not current_user.is_anonymous else "",
            "auth_user_obj": current_user}


def _json_response(data, filename=None):
    resp = flask.Response(json.dumps(data, ensure_ascii=False, indent=1),
                          mimetype="application/json; charset=utf-8")
    if filename:
        resp.headers["Content-Disposition"] = "inline; filename=%s" % filename
    return resp


def _negative_rows():
    try:
        return tk.get_action("govopen_negative_list")(
            _context(), {"organization": request.args.get("organization") or None})
    except tk.ValidationError:
        return tk.abort(404, tk._("Organization not found"))


@blueprint.route("/negative-list")
def negative_list():
    rows = _negative_rows()
    orgs = tk.get_action("organization_list")(_context(), {"all_fields": True})
    return tk.render("govopen/negative_list.html", extra_vars={
        "rows": rows, "organizations": orgs,
        "organization": request.args.get("organization") or ""})


@blueprint.route("/negative-list.csv")
def negative_list_csv():
    return _people_csv(_negative_rows(), NEGATIVE_COLUMNS, "negative-list.csv")


@blueprint.route("/negative-list.json")
def negative_list_json():
    return _json_response(_negative_rows(), "negative-list.json")


@blueprint.route("/catalog.json")
def catalog_json():
    return _json_response(tk.get_action("govopen_catalog")(
        _context(), {"organization": request.args.get("organization") or None}))


@blueprint.route("/catalog.csv")
def catalog_csv():
    from ..logic.action import CATALOG_FIELDS
    rows = tk.get_action("govopen_catalog")(
        _context(), {"organization": request.args.get("organization") or None})
    return _people_csv(rows, CATALOG_FIELDS, "catalog.csv")


@blueprint.route("/dashboard/govopen")
def dashboard():
    if not current_user or current_user.is_anonymous:
        return tk.redirect_to("user.login")
    rows = tk.get_action("govopen_overdue_list")(
        _context(), {"organization": request.args.get("organization") or None})
    return tk.render("govopen/dashboard.html", extra_vars={"rows": rows})


@blueprint.route("/dataset/<id>/apply")
def apply(id):
    try:
        pkg_dict = tk.get_action("package_show")(_context(), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))
    decision = access.decide_data(access.current_actor(), pkg_dict)
    may_apply = ot.may_apply(access.current_actor(), access.dataset_value(pkg_dict))
    if may_apply:
        # issue 14: no interstitial page: straight to the form, or to the login that
        # comes back to the form
        form = tk.url_for("govopen_requests.apply_form", id=pkg_dict["name"])
        if not current_user or current_user.is_anonymous:
            return tk.redirect_to(tk.url_for("user.login", came_from=form))
        return tk.redirect_to(form)
    # nobody may apply for this entry: the page says why
    return tk.render("govopen/apply.html", extra_vars={
        "pkg_dict": pkg_dict, "decision": decision, "may_apply": may_apply})
