"""The routes that render a resource view, guarded like the download route.

A view renders the resource's data (an image or web page from ``image_url`` /
``page_url`` or the resource URL, DataStore rows for datatables), so each route
that renders one asks the policy (``logic.access`` → ``domain.open_types.decide``)
first and answers 403 with its reason (Chinese, or English under /en) when the
user may not have the resource's data:

* ``<type>_resource.view`` — ``/dataset/<id>/resource/<rid>/view[/<view_id>]``, the
  embedded page (iframe, "Embed" link); decided on the resource in the URL, so a
  view given as ``?resource_view=<json>`` is covered, and a ``view_id`` of another
  resource is 404;
* ``datatablesview.ajax`` / ``datatablesview.filtered_download`` (when the
  datatables_view plugin is loaded) — decided on the view's own resource;
* ``datastore.dump`` — ``/datastore/dump/<resource_id>`` (CSV/TSV/JSON/XML, and XLSX
  added here), decided on the resource (issue 16).

The endpoints are replaced once the app is built (see ``download.install_download_override``,
called from IMiddleware). The API (resource_view_show / resource_view_list) is filtered
by the chained actions in ``logic/action``.
"""
from __future__ import annotations

import functools
import json
import logging

import flask

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.common import current_user

from ..logic import access

log = logging.getLogger(__name__)


def _actor():
    return access.actor_for(current_user.name if current_user
                            and not current_user.is_anonymous else None)


def guard_resource_view(original):
    """Wrap core's ``view`` (the embedded resource view page)."""
    @functools.wraps(original)
    def view(package_type: str = "dataset", id: str = "", resource_id: str = "",
             view_id: str | None = None):
        from .download import render_forbidden
        context = {"user": current_user.name, "auth_user_obj": current_user}
        try:
            pkg_dict = tk.get_action("package_show")(context, {"id": id})
        except (tk.ObjectNotFound, tk.NotAuthorized):
            return tk.abort(404, tk._("Dataset not found"))
        res_obj = model.Resource.get(resource_id)
        rsc = next((r for r in pkg_dict.get("resources") or [] if r["id"] == resource_id),
                   None)
        if rsc is None or res_obj is None or res_obj.package_id != pkg_dict["id"] \
                or res_obj.state != "active":
            return tk.abort(404, tk._("Resource not found"))
        if view_id:
            rv = model.ResourceView.get(view_id)
            if rv is None or rv.resource_id != res_obj.id:
                # core would render another resource's view config on this page
                return tk.abort(404, tk._("Resource view not found"))
        decision = access.decide_data(_actor(), model.Package.get(pkg_dict["id"]), rsc)
        if not decision.allowed:
            return render_forbidden(pkg_dict, decision, rsc)
        return original(package_type=package_type, id=id, resource_id=resource_id,
                        view_id=view_id)
    return view


def guard_view_id_route(original, as_json: bool):
    """Wrap a route keyed by ``resource_view_id`` (datatables' ajax and download)."""
    @functools.wraps(original)
    def route(resource_view_id: str, **kw):
        rv = model.ResourceView.get(resource_view_id)
        if rv is not None:
            decision = access.decide_resource(_actor(), rv.resource_id)
            if decision is not None and not decision.allowed:
                message = access.lang_message(decision)
                if as_json:
                    return flask.Response(
                        json.dumps({"error": message, "reason_code": decision.reason_code},
                                   ensure_ascii=False),
                        status=403, mimetype="application/json")
                from .download import render_forbidden
                res = model.Resource.get(rv.resource_id)
                try:
                    pkg_dict = tk.get_action("package_show")(
                        {"user": current_user.name, "auth_user_obj": current_user},
                        {"id": res.package_id})
                except (tk.ObjectNotFound, tk.NotAuthorized):  # a private entry
                    return tk.abort(404, tk._("Dataset not found"))
                rsc = next((r for r in pkg_dict.get("resources") or []
                            if r["id"] == res.id), None)
                return render_forbidden(pkg_dict, decision, rsc)
        if as_json:
            refusal = _datatables_form_refusal()
            if refusal is not None:
                return refusal
        try:
            return original(resource_view_id=resource_view_id, **kw)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as err:
            # datatables reads its form and JSON ``params`` unchecked (a missing key, an
            # index past the columns, a list where it wants a dict): an outside tester
            # got 500s. Those are the request's faults. (werkzeug's BadRequestKeyError is
            # a KeyError and a 400 already.)
            if isinstance(err, KeyError) and getattr(err, "code", None) == 400:
                raise
            log.info("datatables request refused: %r", err)
            return _bad_datatables_request(as_json)
    return route


def _bad_datatables_request(as_json: bool, field: str = ""):
    message = tk._("The table preview's request is not valid%(field)s. Reload the page and "
                   "try again.") % {"field": (" (%s)" % field) if field else ""}
    if as_json:
        return flask.Response(json.dumps({"error": message}, ensure_ascii=False), status=400,
                              mimetype="application/json")
    return tk.abort(400, message)


def _rows_max() -> int:
    try:
        return max(1, int(tk.config.get("ckan.datastore.search.rows_max") or 32000))
    except (TypeError, ValueError):
        return 32000


def _datatables_form_refusal():
    """Check ``/datatables/ajax``'s numbers before datatables turns them into ints (a
    500 for ``start=abc``), and cut ``length`` to the DataStore's rows_max: ``length``
    of -1 or 100000 asked for a whole table (an outside tester read 6,570 rows in one
    call). The rows left today under the caller's quota cut it further, in the chained
    datastore_search (``logic/action/apps.count_search_rows``), which counts them."""
    from werkzeug.datastructures import ImmutableMultiDict
    form = flask.request.form.to_dict()
    numbers = {"draw": 0, "start": 0, "length": -1}
    for key, lowest in numbers.items():
        try:
            value = int(form.get(key, "0"))
        except (TypeError, ValueError):
            return _bad_datatables_request(True, key)
        if value < lowest:
            return _bad_datatables_request(True, key)
        numbers[key] = value
    for key, value in form.items():
        if key.startswith("order[") and key.endswith("][column]"):
            try:
                if int(value) < 0:
                    raise ValueError
            except (TypeError, ValueError):
                return _bad_datatables_request(True, key)
    cap = _rows_max()
    if "length" in form and not 0 <= numbers["length"] <= cap:
        form["length"] = str(cap)
        flask.request.form = ImmutableMultiDict(form)
    return None


def _forbidden_for_resource(resource_id: str, decision):
    from .download import render_forbidden
    res = model.Resource.get(resource_id)
    try:
        pkg_dict = tk.get_action("package_show")(
            {"user": current_user.name, "auth_user_obj": current_user}, {"id": res.package_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):  # a private entry
        return tk.abort(404, tk._("Dataset not found"))
    rsc = next((r for r in pkg_dict.get("resources") or [] if r["id"] == res.id), None)
    return render_forbidden(pkg_dict, decision, rsc)


def guard_dump(original):
    """Wrap the DataStore's ``/datastore/dump/<resource_id>`` (issue 16): 403 with the
    policy's reason, as the download route answers (core would say 404), and XLSX."""
    @functools.wraps(original)
    def dump(resource_id: str):
        decision = access.decide_resource(_actor(), resource_id)
        if decision is not None and not decision.allowed:
            return _forbidden_for_resource(resource_id, decision)
        if flask.request.method == "HEAD":
            # Flask runs the GET view for HEAD and drops the body: the first page of
            # rows was read and counted (an outside tester used up 6,570 rows of the
            # day's quota with HEADs). A HEAD reads no rows.
            return _dump_head(resource_id)
        q = _dump_under_rows_quota(resource_id)
        if (flask.request.args.get("format") or "").lower() == "xlsx":
            from .datastore_dump import dump_xlsx
            return dump_xlsx(resource_id)
        response = original(resource_id=resource_id)
        if q is not None and getattr(response, "is_streamed", False):
            from .. import quota
            response.response = quota.counted_stream(q, response.response)
        return response
    return dump


_DUMP_TYPES = {"csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8",
               "json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _dump_head(resource_id: str):
    from ckanext.datastore.backend.postgres import get_read_engine  # noqa: F401 (plugin on)
    from ..publication import datastore as ds
    if not ds.table_exists(resource_id):
        return tk.abort(404, tk._("Resource not found"))
    fmt = (flask.request.args.get("format") or "csv").lower()
    if fmt not in _DUMP_TYPES:
        return tk.abort(400, tk._("The format is not supported"))
    response = flask.Response(b"", status=200, content_type=_DUMP_TYPES[fmt])
    response.headers["Content-Disposition"] = 'attachment; filename="%s.%s"' % (
        resource_id, fmt)
    return response


def _dump_under_rows_quota(resource_id: str):
    """A dump under a rows quota (issue 16): its ``limit`` is cut to the rows left today
    (so the file ends where the quota does, well-formed), and the quota state is
    returned for counting the pages streamed after the request (``quota.counted_stream``).
    None when no rows quota applies."""
    from .. import quota
    from werkzeug.datastructures import ImmutableMultiDict
    q = quota.current()
    if q is None:
        return None
    res = model.Resource.get(resource_id)
    left, counter = q.rows_left(res.package_id if res is not None else None)
    if counter is None:
        return q
    try:
        asked = int(flask.request.args.get("limit") or -1)
    except ValueError:
        return q  # the dump's own validation answers 400
    if asked < 0 or asked > left:
        args = flask.request.args.to_dict()
        args["limit"] = str(max(left, 0))
        flask.request.args = ImmutableMultiDict(args)
    return q


#: endpoints keyed by a view id → whether they answer JSON
VIEW_ID_ENDPOINTS = {"datatablesview.ajax": True, "datatablesview.filtered_download": False}


def install_view_override(flask_app) -> None:
    """Point every route that renders a resource view at its guarded version (once)."""
    def guard(ep, make):
        fn = flask_app.view_functions[ep]
        if not getattr(fn, "_govopen_guarded", False):
            guarded = make(fn)
            guarded._govopen_guarded = True
            flask_app.view_functions[ep] = guarded
            done.append(ep)

    done = []
    for rule in flask_app.url_map.iter_rules():
        ep = rule.endpoint
        if (ep.endswith("_resource.view") or ep == "resource.view") \
                and "/resource/" in rule.rule and "/view" in rule.rule:
            guard(ep, guard_resource_view)
        elif ep == "datastore.dump":
            guard(ep, guard_dump)
        elif ep in VIEW_ID_ENDPOINTS:
            guard(ep, functools.partial(guard_view_id_route, as_json=VIEW_ID_ENDPOINTS[ep]))
    log.debug("govopen resource view guard on %s", sorted(set(done)))
