"""The resource download route, replaced so data leaves only through the policy.

CKAN's own ``download`` checks ``resource_show`` auth, which cannot tell metadata
(public for every open type) from data. Every ``*.download`` endpoint under
``/dataset/<id>/resource/<rid>/download[/<filename>]`` is pointed at
:func:`download` once the app is built (IMiddleware.make_middleware).
Uploaded files live in ``<storage_path>/resources/`` which no static route serves.
The routes that render resource views are guarded at the same time
(``views/resource_views.py``).
"""
from __future__ import annotations

import logging

import flask
from flask import Blueprint

import ckan.lib.uploader as uploader
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import signals
from ckan.common import current_user

from ..domain import open_types as ot
from ..logic import access

log = logging.getLogger(__name__)


def render_forbidden(pkg_dict: dict, decision: ot.Decision, resource: dict | None = None):
    body = tk.render("govopen/forbidden.html", extra_vars={
        "pkg_dict": pkg_dict, "resource": resource, "decision": decision,
        "message": access.lang_message(decision),
        "may_apply": ot.may_apply(access.current_actor(), access.dataset_value(pkg_dict)),
    })
    return flask.Response(body, status=403, mimetype="text/html")


def download(package_type: str = "dataset", id: str = "", resource_id: str = "",
             filename: str | None = None):
    context = {"user": current_user.name, "auth_user_obj": current_user}
    try:
        pkg_dict = tk.get_action("package_show")(context, {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Resource not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to download resource"))
    rsc = next((r for r in pkg_dict.get("resources") or [] if r["id"] == resource_id), None)
    res_obj = model.Resource.get(resource_id)
    if rsc is None or res_obj is None or res_obj.package_id != pkg_dict["id"] \
            or res_obj.state != "active":
        return tk.abort(404, tk._("Resource not found"))
    pkg = model.Package.get(pkg_dict["id"])
    decision = access.decide_data(access.actor_for(current_user.name if current_user
                                                   and not current_user.is_anonymous else None),
                                  pkg, rsc)
    if not decision.allowed:
        return render_forbidden(pkg_dict, decision, rsc)

    if decision.scoped:  # issue 17: a grant for some columns and rows gets just those
        return _scoped_download(pkg_dict, rsc, res_obj, decision)
    if res_obj.url_type == "upload":
        upload = uploader.get_resource_uploader({"id": res_obj.id, "url": res_obj.url,
                                                 "url_type": "upload"})
        filepath = upload.get_path(res_obj.id)
        # type and disposition from the file name the gate checked (res_obj.url is in
        # its fingerprint), never from the patchable mimetype nor the URL's filename
        from .serving import send_stored
        try:
            resp = send_stored(filepath, res_obj.url)
        except FileNotFoundError:
            return tk.abort(404, tk._("Resource data not found"))
        signals.resource_download.send(resource_id)
        return resp
    if not res_obj.url:
        return tk.abort(404, tk._("No download is available"))
    return tk.redirect_to(res_obj.url)


def _scoped_download(pkg_dict, rsc, res_obj, decision):
    """The granted columns and rows of the desensitized public copy, as CSV (streamed);
    a file that is no table (or an external link) holds nothing within the scope."""
    from ..logic import scoping
    resp = None
    if res_obj.url_type == "upload":
        filepath = uploader.get_resource_uploader({"id": res_obj.id, "url": res_obj.url,
                                                   "url_type": "upload"}).get_path(res_obj.id)
        import os
        if not os.path.exists(filepath):
            return tk.abort(404, tk._("Resource data not found"))
        resp = scoping.scoped_file_response(res_obj, filepath, decision.scope)
    if resp is None:
        zh = "您的授权限定了字段或行范围，该资源不是可按范围提供的表格文件，不在授权范围内。"
        en = ("Your grant covers some columns or rows only; this resource is not a table that "
              "can be cut to them, so it is outside the grant.")
        return render_forbidden(pkg_dict, ot.Decision(False, "grant_scope_not_table", zh, en), rsc)
    signals.resource_download.send(res_obj.id)
    return resp


def install_download_override(app) -> None:
    """Point every resource download endpoint at :func:`download`."""
    flask_app = app
    # find the Flask app inside possible wrappers
    while not hasattr(flask_app, "view_functions") and hasattr(flask_app, "app"):
        flask_app = flask_app.app
    endpoints = set()
    for rule in flask_app.url_map.iter_rules():
        if rule.endpoint.endswith(".download") and "/resource/" in rule.rule \
                and "/download" in rule.rule:
            endpoints.add(rule.endpoint)
    for ep in endpoints:
        flask_app.view_functions[ep] = download
    log.debug("govopen download override on %s", sorted(endpoints))
    # the routes that render a resource view carry the same data: same policy
    from .resource_views import install_view_override
    install_view_override(flask_app)


blueprint = Blueprint("govopen_download", __name__)
