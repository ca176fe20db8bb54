"""What anonymous users get, cached on Redis (issue 19: load).

CKAN deployments put a proxy cache (nginx in ckan-docker) in front of CKAN and let CKAN's
``Cache-Control`` say what may be kept. A proxy cannot know when an entry changed, so an
edit would show only after ``max-age``. This cache lives in the app instead, on the
portal's Redis (``ckan.redis.url``), and is invalidated in the same commit that changes
the catalog.

What is cached: the answers to anonymous ``GET`` requests of :data:`ENDPOINTS` (home,
dataset search, dataset and resource pages, API ``package_search``), status 200 only.

Never cached, never served from the cache (:func:`request_is_anonymous`,
:func:`response_is_storable`):

* a request with a logged-in user (session or API token), or with any API token header
  at all, or with flash messages waiting in its session;
* an answer that sets a cookie, that put anything but a CSRF token into the session, or
  that is streamed;
* ``HX-Request`` partials.

So a logged-in or restricted answer can never enter the cache: only what the access
policy gives *every* anonymous visitor is stored, and the key holds nothing about the
user. Restricted entries' pages answer anonymous visitors with 403/404, which is not
stored either.

Key: ``govopen-page:<site_id>:<generation>:<language>:<path>?<sorted query>``. The
*generation* is one Redis counter: every database commit that wrote a mapped row other
than those in :data:`IGNORED_TABLES` (users, API tokens, grants, the request workflow,
the audit trail: nothing an anonymous page shows) increments it (SQLAlchemy ``after_flush`` +
``after_commit`` events, in the web app and in the jobs worker alike), so every
cached page is out of date at once: an edit, an open-type change, a publication-gate
state change, a new demand, a deleted resource. ``govopen.page_cache.seconds`` bounds
how long an answer is kept anyway (pages show day-dependent things such as overdue
updates).

CSRF tokens and CSP nonces: every CKAN page carries the visitor's CSRF token (a meta
tag for scripts, the language form) and the response's CSP nonce. Before a page is
stored, its token is replaced by a placeholder; a hit puts in the token of the visitor
being served (flask-wtf's ``generate_csrf``, bound to *their* session, as an uncached
page would), so one visitor's token or session never reaches another. Likewise the
stored nonce is replaced by this response's fresh one (web_security): no two answers
share a nonce.

Settings: ``govopen.page_cache.seconds`` (0 or absent: off; config/ckan.ini.template
sets 300). If Redis cannot be reached the request is served uncached.
"""
from __future__ import annotations

import logging
import threading
from typing import Optional
from urllib.parse import urlencode

log = logging.getLogger(__name__)

KEY_PREFIX = "govopen-page"
#: Flask endpoints whose anonymous GET answers are cached (api.action only for these actions)
ENDPOINTS = frozenset({"home.index", "dataset.search", "dataset.read", "resource.read"})
API_ACTIONS = frozenset({"package_search"})
#: Tables whose rows no anonymous page shows: writing only these keeps the cache.
#: (Requests — applications, share requests … — change a public page only through the
#: entry they change, e.g. a high-demand review opening it: that writes ``package``.)
IGNORED_TABLES = frozenset({
    "user", "api_token", "dashboard",
    "govopen_request", "govopen_request_event", "govopen_notification",
    "govopen_grant", "govopen_grant_download", "govopen_dataset_usage", "govopen_app",
    "govopen_audit", "govopen_audit_head", "govopen_audit_anchor"})
#: Session keys that do not make a request personal (CKAN/Flask bookkeeping).
NEUTRAL_SESSION_KEYS = frozenset({"_permanent", "_fresh", "_id"})
_FLAG = "govopen_page_cache_dirty"
#: what stands for the visitor's CSRF token in a stored page
CSRF_PLACEHOLDER = b"__govopen_page_cache_csrf__"
_installed = threading.Lock()
_listeners_on = False


# ------------------------------------------------------------------ rules (no Flask needed)
def cache_seconds(config) -> int:
    try:
        return max(0, int(config.get("govopen.page_cache.seconds") or 0))
    except (TypeError, ValueError):
        return 0


def endpoint_is_cached(endpoint: Optional[str], view_args: Optional[dict], method: str) -> bool:
    if method != "GET":
        return False
    if endpoint in ENDPOINTS:
        return True
    return endpoint == "api.action" and (view_args or {}).get("logic_function") in API_ACTIONS


def page_key(site_id: str, generation: int, lang: str, path: str, args) -> str:
    """``args``: (name, value) pairs; their order does not matter."""
    query = urlencode(sorted(args))
    return "%s:%s:%d:%s:%s?%s" % (KEY_PREFIX, site_id, generation, lang or "", path, query)


def generation_key(site_id: str) -> str:
    return "%s-gen:%s" % (KEY_PREFIX, site_id)


def session_is_personal(keys, csrf_field: str = "_csrf_token") -> bool:
    """A session holding anything but bookkeeping (a user, flashes…). Its CSRF token
    is not personal here: a cached page never carries one (:func:`response_is_storable`)."""
    return any(k not in NEUTRAL_SESSION_KEYS and k != csrf_field for k in keys)


def _csrf_field(config) -> str:
    return config.get("WTF_CSRF_FIELD_NAME") or "_csrf_token"


def encode(content_type: str, nonce: str, body: bytes) -> bytes:
    return content_type.encode() + b"\n" + nonce.encode() + b"\n" + body


def decode(raw: bytes):
    content_type, nonce, body = raw.split(b"\n", 2)
    return content_type.decode(), nonce.decode(), body


# ------------------------------------------------------------------ Redis
def _redis():
    from ckan.lib.redis import connect_to_redis
    return connect_to_redis()


def _site_id() -> str:
    import ckan.plugins.toolkit as tk
    return tk.config.get("ckan.site_id") or "default"


def generation(conn=None) -> int:
    raw = (conn or _redis()).get(generation_key(_site_id()))
    return int(raw or 0)


def invalidate() -> None:
    """Every cached page is out of date from now on."""
    try:
        _redis().incr(generation_key(_site_id()))
    except Exception:  # Redis down: pages age out after govopen.page_cache.seconds
        log.warning("page cache: could not invalidate (Redis)", exc_info=True)


# ------------------------------------------------------------------ invalidation on commit
def _after_flush(session, flush_context):
    from sqlalchemy.orm import object_mapper
    if session.info.get(_FLAG):
        return
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        try:
            table = object_mapper(obj).local_table.name
        except Exception:  # not a mapped object: count it
            table = None
        if table not in IGNORED_TABLES:
            session.info[_FLAG] = True
            return


def _after_commit(session):
    if session.info.pop(_FLAG, False):
        invalidate()


def _after_rollback(session):
    session.info.pop(_FLAG, None)


def install_invalidation() -> None:
    """Listen to every SQLAlchemy ORM session of this process (once)."""
    global _listeners_on
    with _installed:
        if _listeners_on:
            return
        from sqlalchemy import event
        from sqlalchemy.orm import Session
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", lambda s, prev: _after_rollback(s))
        _listeners_on = True


# ------------------------------------------------------------------ Flask glue
def _api_token_header(request, config) -> bool:
    name = config.get("apitoken_header_name") or "Authorization"
    return bool(request.headers.get(name) or request.headers.get("Authorization")
                or request.headers.get("X-CKAN-API-Key"))


def request_is_anonymous(request, session, user, config) -> bool:
    if _api_token_header(request, config) or request.headers.get("HX-Request"):
        return False
    if user is not None and not getattr(user, "is_anonymous", True):
        return False
    return not session_is_personal(session.keys(), _csrf_field(config))


def _user():
    from ckan.common import current_user
    try:
        return current_user._get_current_object()
    except Exception:
        return None


def _csrf_token_made(config) -> str:
    """The signed CSRF token this request rendered (flask-wtf keeps it in ``g``), or ''."""
    from flask import g
    return g.get(_csrf_field(config)) or ""


def response_is_storable(response, session, config) -> bool:
    if response.status_code != 200 or response.direct_passthrough or response.is_streamed:
        return False
    if "Set-Cookie" in response.headers:
        return False
    return not session_is_personal(session.keys(), _csrf_field(config))


def body_to_store(body: bytes, csrf_token: str) -> bytes:
    """The page without this visitor's CSRF token."""
    if csrf_token:
        body = body.replace(csrf_token.encode(), CSRF_PLACEHOLDER)
    return body


def body_to_serve(body: bytes, stored_nonce: str, nonce: str, csrf_token_of_visitor) -> bytes:
    """A stored page for this response: its nonce, the visitor's own CSRF token
    (``csrf_token_of_visitor()`` is called only if the page has a form or meta tag)."""
    if stored_nonce:
        body = body.replace(stored_nonce.encode(), nonce.encode())
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, csrf_token_of_visitor().encode())
    return body


def install(app, config) -> None:
    """Hook the cache into CKAN's Flask app (IMiddleware). Call it after the quota's
    hooks: a cached API answer still counts against the caller's quota."""
    install_invalidation()
    seconds = cache_seconds(config)
    if not seconds:
        return
    import flask

    @app.before_request
    def _govopen_page_cache_lookup():
        from . import web_security
        req = flask.request
        if not endpoint_is_cached(req.endpoint, req.view_args, req.method):
            return None
        if not request_is_anonymous(req, flask.session, _user(), config):
            return None
        try:
            conn = _redis()
            key = page_key(_site_id(), generation(conn), req.environ.get("CKAN_LANG", ""),
                           req.path, req.args.items(multi=True))
            raw = conn.get(key)
        except Exception:
            log.warning("page cache: Redis unavailable, serving uncached", exc_info=True)
            return None
        flask.g.govopen_page_key = key
        if raw is None:
            return None
        content_type, nonce, body = decode(raw)
        from flask_wtf.csrf import generate_csrf
        body = body_to_serve(body, nonce, web_security.nonce(), generate_csrf)
        resp = flask.Response(body, status=200, content_type=content_type)
        resp.headers["X-GovOpen-Cache"] = "hit"
        flask.g.govopen_page_hit = True
        return resp

    @app.after_request
    def _govopen_page_cache_store(response):
        key = flask.g.get("govopen_page_key")
        if not key or flask.g.get("govopen_page_hit"):
            return response
        if not (request_is_anonymous(flask.request, flask.session, _user(), config)
                and response_is_storable(response, flask.session, config)):
            return response
        nonce = flask.g.get("_govopen_csp_nonce") or ""
        try:
            body = body_to_store(response.get_data(), _csrf_token_made(config))
            _redis().set(key, encode(response.content_type or "", nonce, body), ex=seconds)
        except Exception:
            log.warning("page cache: could not store", exc_info=True)
            return response
        response.headers["X-GovOpen-Cache"] = "miss"
        return response
