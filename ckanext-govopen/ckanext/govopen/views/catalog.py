"""Public catalog pages and files: the negative list (/negative-list[.csv|.json]),
the machine-readable catalog (/catalog.csv, /catalog.json), the department's
update-duty dashboard (/dashboard/govopen) and the 'apply' landing page."""
from __future__ import annotations

import csv
import io
import json

import flask
from flask import Blueprint, request

import ckan.plugins.toolkit as tk
from ckan.common import current_user

from ..domain import open_types as ot
from ..logic import access

blueprint = Blueprint("govopen", __name__)

NEGATIVE_COLUMNS = ["name", "title", "organization", "organization_title", "open_type",
                    "open_type_label", "open_conditions", "legal_basis"]


def _context():
    return {"user": current_user.name if current_user and not current_user.is_anonymous else "",
            "auth_user_obj": current_user}


def _csv_response(rows, columns, filename):
    buf = io.StringIO()
    buf.write("\ufeff")  # BOM so spreadsheet programs read UTF-8 Chinese correctly
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("; ".join(map(str, v)) if isinstance(v, list) else v)
                    for k, v in r.items()})
    resp = flask.Response(buf.getvalue(), mimetype="text/csv; charset=utf-8")
    resp.headers["Content-Disposition"] = "attachment; filename=%s" % filename
    return resp


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
    return _csv_response(_negative_rows(), NEGATIVE_COLUMNS, "negative-list.csv")


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
    return _csv_response(rows, CATALOG_FIELDS, "catalog.csv")


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
    return tk.render("govopen/apply.html", extra_vars={
        "pkg_dict": pkg_dict, "decision": decision,
        "may_apply": ot.may_apply(access.current_actor(), access.dataset_value(pkg_dict))})
