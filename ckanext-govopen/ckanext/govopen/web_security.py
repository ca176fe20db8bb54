"""Security headers of every response, in one place (issue 12, finding 13).

``install(app, config)`` (called from the plugin's IMiddleware hook) adds to the
Flask app:

* ``Content-Security-Policy`` (see :func:`policy`): scripts only from the portal
  itself or inline ``<script>`` elements carrying this response's nonce. The nonce
  is put on every inline ``<script>`` of every template *source* when Jinja loads it
  (:class:`ScriptNonceExtension`) — CKAN's, the extensions' and ours — never on
  rendered output, so a script injected through data gets no nonce. CKAN's resource
  form has inline ``onclick`` handlers (package/snippets/resource_upload_field.html);
  a nonce cannot cover attributes, so their exact texts are allowed by hash
  ('unsafe-hashes' + sha256, computed once from that template as rendered). Styles
  keep 'unsafe-inline': style attributes (CKAN's templates, ours, select2's markup)
  cannot carry a nonce, and CSS cannot run script.
  ``frame-ancestors 'self'`` + ``X-Frame-Options: SAMEORIGIN`` (no framing by other
  sites), ``object-src 'none'``, ``base-uri 'self'``, ``form-action 'self'``.
* ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: strict-origin-when-cross-origin``.
* The session and remember-me cookies: HttpOnly, SameSite=Lax, and Secure when
  ``ckan.site_url`` is https (unless the ini sets SESSION_COOKIE_SECURE itself).

Setting: ``govopen.csp.report_only`` (default false) sends the policy as
``Content-Security-Policy-Report-Only`` (to try a change in production first).
"""
from __future__ import annotations

import base64
import hashlib
import html
import logging
import re
import secrets

from jinja2.ext import Extension

log = logging.getLogger(__name__)

NONCE_GLOBAL = "govopen_csp_nonce"
# an inline <script> opening tag (no src) in template source that has no nonce yet
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc\s*=)(?![^>]*\bnonce\s*=)(?=[\s>])", re.I)
_HANDLER_ATTR = re.compile(r'\son[a-z]+="([^"]*)"', re.I | re.S)

REFERRER_POLICY = "strict-origin-when-cross-origin"
#: templates with inline event handlers whose texts are allowed by hash
HANDLER_TEMPLATES = ("package/snippets/resource_upload_field.html",)


def nonce() -> str:
    """This request's CSP nonce (one per request; outside a request: empty)."""
    from flask import g, has_request_context
    if not has_request_context():
        return ""
    value = getattr(g, "_govopen_csp_nonce", None)
    if value is None:
        value = g._govopen_csp_nonce = secrets.token_urlsafe(18)
    return value


class ScriptNonceExtension(Extension):
    """Adds ``nonce="…"`` to each inline ``<script>`` of a template's source as it loads."""

    def preprocess(self, source, name, filename=None):
        if "<script" not in source and "<SCRIPT" not in source:
            return source
        return _INLINE_SCRIPT.sub('<script nonce="{{ %s() }}"' % NONCE_GLOBAL, source)


def _sha256(text: str) -> str:
    return "'sha256-%s'" % base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


_handler_hashes: list | None = None


def handler_hashes() -> list:
    """Hashes of the inline event handlers of :data:`HANDLER_TEMPLATES`, rendered in
    each of their modes (computed once, in a request)."""
    global _handler_hashes
    if _handler_hashes is not None:
        return _handler_hashes
    import ckan.plugins.toolkit as tk
    found = set()
    for name in HANDLER_TEMPLATES:
        for enabled in (True, False):
            try:
                text = tk.render_snippet(name, {
                    "data": {"url": "x"}, "errors": {}, "is_upload_enabled": enabled,
                    "is_upload": True, "is_url": True, "placeholder": "",
                    "field_url": "url", "field_upload": "upload",
                    "field_clear": "clear_upload"})
            except Exception:  # pragma: no cover - a CKAN upgrade changed the snippet
                log.warning("CSP: could not render %s for its handler hashes", name,
                            exc_info=True)
                continue
            found.update(html.unescape(m.group(1)) for m in _HANDLER_ATTR.finditer(str(text)))
    found.update(VIEW_HANDLERS)
    hashes = sorted(_sha256(t) for t in found)
    if hashes:  # keep trying until a request could render the template
        _handler_hashes = hashes
    return hashes


#: Inline handlers of CKAN's datatables_view templates (its view page and its form),
#: hashed as they are written there.
VIEW_HANDLERS = ("fitColText()", "return false")


def is_resource_view_page(endpoint) -> bool:
    """The page that renders one resource view inside the resource page's iframe:
    DataTables there builds its column renderers with ``new Function`` (CKAN's
    datatablesview.js), so only that page is allowed 'unsafe-eval'."""
    ep = endpoint or ""
    return ep == "resource.view" or ep.endswith("_resource.view")


def policy(nonce_value: str, hashes=(), allow_eval: bool = False) -> str:
    script = ["'self'", "'nonce-%s'" % nonce_value]
    if allow_eval:
        script.append("'unsafe-eval'")
    if hashes:
        script += ["'unsafe-hashes'", *hashes]
    return "; ".join([
        "default-src 'self'",
        "script-src " + " ".join(script),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self'",
        "frame-ancestors 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])


#: tags CKAN's markdown rendering (``h.render_markdown``) must not let through
MARKDOWN_DROPPED_TAGS = ("img",)


def drop_markdown_images() -> None:
    """No images in user-written markdown (outside test, finding F5): an image is a GET
    the viewer's browser sends with their cookies, so a profile's "about" holding
    ``![x](/user/_logout)`` logged out whoever looked at it (and other sites' images
    are blocked by the CSP anyway). CKAN renders every markdown text — profile "about"
    (views/user.py calls the module function directly, so a template helper override
    would miss it), dataset notes, resource, group and organization descriptions —
    through ``render_markdown``, which reads this module-level set at each call; the
    tag is taken out of it here, once, so every caller is covered (bleach strips it)."""
    from ckan.lib import helpers as core_helpers
    for tag in MARKDOWN_DROPPED_TAGS:
        core_helpers.MARKDOWN_TAGS.discard(tag)


def install(app, config) -> None:
    import ckan.plugins.toolkit as tk
    drop_markdown_images()
    app.jinja_env.add_extension(ScriptNonceExtension)
    app.jinja_env.globals[NONCE_GLOBAL] = nonce
    https = (config.get("ckan.site_url") or "").lower().startswith("https://")
    if https and not config.get("SESSION_COOKIE_SECURE"):
        app.config["SESSION_COOKIE_SECURE"] = True
    if https and not config.get("REMEMBER_COOKIE_SECURE"):
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    if not app.config.get("SESSION_COOKIE_SAMESITE"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    if not app.config.get("REMEMBER_COOKIE_SAMESITE"):
        app.config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    report_only = tk.asbool(config.get("govopen.csp.report_only", False))
    header = "Content-Security-Policy-Report-Only" if report_only else "Content-Security-Policy"

    @app.after_request
    def _govopen_security_headers(response):
        from flask import request
        response.headers[header] = policy(nonce(), handler_hashes(),
                                          allow_eval=is_resource_view_page(request.endpoint))
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", REFERRER_POLICY)
        return response
