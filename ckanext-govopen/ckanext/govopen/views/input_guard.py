"""A JSON body nested too deeply gets a clean 400 before CKAN parses it.

CKAN's action view (``ckan/views/api.py: _get_request_data``) decodes the body
with ``request.get_json()`` (or ``json.loads`` of a form key) and turns only
``ValueError`` into a 400: Python's decoder raises ``RecursionError`` past about
1,000 levels, which became a 500, and a body that decodes but is nested hundreds
deep reaches navl's recursive flattening. Every ``/api/`` POST or PUT body is
therefore measured first, here (one ``before_request`` hook on the Flask app,
installed by the plugin's ``make_middleware``): the nesting depth is counted on
the text, outside string literals, without decoding, so nothing can recurse.
No action takes more than a few levels; ``MAX_JSON_DEPTH`` leaves room.

And a page whose query string or form an action refuses (``ValidationError``
raised from a view that does not catch it, e.g. ``/demand?q=`` far too long or
``/dashboard/reviews?open_only=maybe``) answers 400 with the action's messages —
each names its field by its label — instead of a 500.
"""
from __future__ import annotations

import json
import re

import flask

MAX_JSON_DEPTH = 32
_API_PATH = re.compile(r"^/(?:[A-Za-z_]+/)?api/")


def nesting_depth(text: str, stop: int = MAX_JSON_DEPTH) -> int:
    """Deepest bracket nesting of a JSON text, outside strings (stops counting at
    ``stop + 1``)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop:
                    return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def _json_text(req) -> str:
    """The text CKAN would decode as JSON (the same cases as _get_request_data)."""
    if req.form:
        values = list(req.form.values())
        if len(values) == 1 and values[0] in ("1", ""):
            return list(req.form.keys())[0]
        return ""
    if (req.content_type or "").startswith("multipart/form-data"):
        return ""
    return req.get_data(cache=True, as_text=True) or ""


def _is_en() -> bool:
    from ..logic.validators import current_lang
    return (current_lang() or "").startswith("en")


def check_api_body():
    req = flask.request
    if req.method not in ("POST", "PUT") or not _API_PATH.match(req.path):
        return None
    if nesting_depth(_json_text(req)) <= MAX_JSON_DEPTH:
        return None
    message = ("JSON nested too deeply (at most %d levels)" if _is_en()
               else "JSON 数据嵌套过深（最多 %d 层）") % MAX_JSON_DEPTH
    body = {"success": False, "error": {"__type": "Bad request", "message": message}}
    return flask.Response(json.dumps(body, ensure_ascii=False), status=400,
                          content_type="application/json;charset=utf-8")


def validation_error_page(e):
    from ckan.lib.base import render
    messages = []
    for key, value in (getattr(e, "error_dict", None) or {}).items():
        if key in ("rule", "__type"):
            continue
        messages.extend(value if isinstance(value, list) else [value])
    content = "；".join(str(m) for m in messages if not isinstance(m, dict)) or str(e)
    return render("error_document_template.html",
                  {"code": 400, "content": content, "name": "Bad Request"}), 400


def _error_page(code: int, message: str):
    from ckan.lib.base import render
    name = {400: "Bad Request", 404: "Not Found"}.get(code, "Error")
    return render("error_document_template.html",
                  {"code": code, "content": message, "name": name}), code


def unknown_rdf_format(e):
    """``/dataset/<id>.<anything>`` (ckanext-dcat) asks rdflib for a serializer by the
    extension: an unknown one raised PluginException, a 500 for an outside tester."""
    import ckan.plugins.toolkit as tk
    return _error_page(404, tk._("This format is not available. Try .ttl, .rdf, .jsonld "
                                 "or .xml."))


def guard_snippet(original):
    """CKAN's ``/api/1/util/snippet/<name>`` renders any template of ajax_snippets/ with
    the query string as its variables: a missing variable (follow_button.html without
    ``type``) or a template the portal does not ship (datapusher_status.html) was a 500
    for an outside tester. Those are the request's faults: 400."""
    import functools
    from jinja2 import TemplateNotFound, UndefinedError

    @functools.wraps(original)
    def snippet(*args, **kw):
        import ckan.plugins.toolkit as tk
        try:
            return original(*args, **kw)
        except (TemplateNotFound, UndefinedError, KeyError, TypeError, ValueError):
            return _error_page(400, tk._("This page fragment cannot be shown with these "
                                         "parameters."))
    return snippet


def install_input_guard(app) -> None:
    from ckan.logic import ValidationError
    app.before_request(check_api_body)
    app.register_error_handler(ValidationError, validation_error_page)
    try:
        from rdflib.plugin import PluginException
        app.register_error_handler(PluginException, unknown_rdf_format)
    except ImportError:  # no ckanext-dcat
        pass
    for ep in ("api.snippet",):
        fn = app.view_functions.get(ep)
        if fn is not None and not getattr(fn, "_govopen_guarded", False):
            guarded = guard_snippet(fn)
            guarded._govopen_guarded = True
            app.view_functions[ep] = guarded
