"""A database or Redis that is restarting is a 503 with a clear message, never a 500.

While PostgreSQL restarts, requests already holding a connection fail with
SQLAlchemy's OperationalError / InterfaceError (CKAN's pool pre-ping, on by default,
replaces dead connections on the next checkout, so the portal recovers by itself).
While Redis restarts, the quota counters and job queue fail with redis'
ConnectionError. Without a handler both reach the user as CKAN's 500 page or an API
"Internal Server Error". The request's transaction is rolled back (nothing of it is
written: every action commits once, at its end), and the user is told to try again:
HTTP 503 with ``Retry-After``, JSON for the API, the error page for people.
"""
from __future__ import annotations

import json
import logging

import flask

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
MESSAGE_ZH = "服务暂时不可用（数据库或缓存正在重启），您的操作未被保存，请稍后重试。"
MESSAGE_EN = ("The service is briefly unavailable (the database or cache is restarting); "
              "nothing of your request was saved. Please try again shortly.")


def _unavailable_errors() -> tuple:
    import sqlalchemy.exc as sa_exc
    # PendingRollbackError: the same lost connection, met again by code that caught
    # the first error and went on in the same session
    errors = [sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError,
              sa_exc.PendingRollbackError]
    try:
        import redis.exceptions as redis_exc
        errors += [redis_exc.ConnectionError, redis_exc.TimeoutError]
    except ImportError:  # pragma: no cover - redis is a CKAN dependency
        pass
    return tuple(errors)


def _is_en() -> bool:
    from .logic.validators import current_lang
    try:
        return (current_lang() or "").startswith("en")
    except Exception:  # no request language when the failure came early
        return False


def _rollback() -> None:
    import ckan.model as model
    try:
        model.Session.rollback()
    except Exception:  # the connection is gone: removing the session is enough
        pass
    model.Session.remove()


def unavailable(error):
    log.warning("service unavailable: %s: %s", error.__class__.__name__, error)
    _rollback()
    message = MESSAGE_EN if _is_en() else MESSAGE_ZH
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if flask.request.path.startswith("/api/"):
        body = {"success": False, "error": {"__type": "Service Unavailable", "message": message}}
        return flask.Response(json.dumps(body, ensure_ascii=False), status=503, headers=headers,
                              content_type="application/json;charset=utf-8")
    try:
        from ckan.lib.base import render
        page = render("error_document_template.html",
                      {"code": 503, "content": message, "name": "Service Unavailable"})
    except Exception:  # the page itself needs the database (e.g. the user menu's counts)
        page = "<!doctype html><meta charset=utf-8><title>503</title><p>%s</p><p>%s</p>" % (
            MESSAGE_ZH, MESSAGE_EN)
    return flask.Response(page, status=503, headers=headers, content_type="text/html;charset=utf-8")


class _ApiLog:
    """CKAN's API view catches every exception of an action and answers a 500
    ("Internal Server Error") after ``log.exception(e)`` on its module's logger; no
    hook sees the exception. This stands in for that module's ``log`` (and passes
    everything on): an unavailable database or Redis marks the request, and
    :func:`after_request` turns the 500 into the 503. (A logging handler would
    depend on the logging configuration, which disables that logger in some.)"""

    def __init__(self, log):
        self._log = log

    def exception(self, error, *args, **kwargs):
        if isinstance(error, _unavailable_errors()):
            try:
                flask.g.govopen_unavailable = error
            except RuntimeError:  # outside a request
                pass
        return self._log.exception(error, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._log, name)


def after_request(response):
    error = flask.g.pop("govopen_unavailable", None)
    if error is not None and response.status_code == 500:
        return unavailable(error)
    return response


def install(app) -> None:
    for error in _unavailable_errors():
        app.register_error_handler(error, unavailable)
    # the module the API blueprint's views run in (CKAN loads its view modules from
    # their file paths, so this is not always the module ``ckan.views.api``)
    flask_app = app
    while not hasattr(flask_app, "view_functions") and hasattr(flask_app, "app"):
        flask_app = flask_app.app
    view = flask_app.view_functions.get("api.action")
    module_globals = getattr(view, "__globals__", None)
    if module_globals is not None and "log" in module_globals \
            and not isinstance(module_globals["log"], _ApiLog):
        module_globals["log"] = _ApiLog(module_globals["log"])
    app.after_request(after_request)
