"""What an application key may do, and the CSRF exemption of token requests, in one place.

An application key (``govopen_app``: an application naming one CKAN API token) is meant
to be embedded in client code and curl examples, so it must not be a full account
token (outside test, finding F6: with one, ``api_token_create`` minted a personal
token that survived ``govopen_app_delete``, and the owner's requests and grants could
be read). Here, once per request, before any view runs (the plugin's
``IAuthenticator.identify``, which CKAN calls before its CSRF decision):

* an API action call authenticated by an application key runs only if the action is
  in :data:`ALLOWED_ACTIONS` (reads of published data; as its owner, so grants and
  per-application quotas still apply); every other action answers 403 with a Chinese
  message, whatever its own auth function says — so no action can forget it;
* any other request with an application key (web pages, /datastore/dump, the API's
  utility routes) is served as to an anonymous visitor.

CSRF (outside test, finding F1): flask-login calls CKAN's request loader for *every*
request without a session user, and that loader sets ``g.login_via_auth_header``
whether or not a token was sent, so CKAN exempted every anonymous request from CSRF
(login CSRF: another site could log a visitor into the attacker's account). The flag
is kept only when a token really identified the user, or for the anonymous API (no
cookie makes its calls anyone's: it is not a form).
"""
from __future__ import annotations

import json
import logging
from typing import Optional

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

#: The actions an application key may call: reads of published data (the DataStore,
#: the catalog, the public GovOpen reads that an anonymous visitor may call too).
ALLOWED_ACTIONS = frozenset({
    # DataStore reads (the access policy and the quotas still apply)
    "datastore_search", "datastore_search_sql", "datastore_info",
    # the catalog
    "package_search", "package_show", "resource_show",
    "organization_list", "organization_show", "group_list", "group_show",
    "tag_list", "license_list", "status_show", "site_read",
    # GovOpen's public reads (README "API actions")
    "govopen_negative_list", "govopen_catalog", "govopen_access_check",
    "govopen_open_type_changes", "govopen_share_type_changes",
    "govopen_demand_list", "govopen_demand_show",
    "govopen_public_stats", "govopen_stats", "govopen_annual_report_show",
})

#: endpoints of CKAN's action API
ACTION_ENDPOINTS = ("api.action",)


def token_jti(raw) -> Optional[str]:
    """The jti of an API token text (None if it is not a valid token)."""
    if not raw:
        return None
    from ckan.lib import api_token
    try:
        data = api_token.decode(str(raw).strip()) or {}
    except Exception:
        return None
    return data.get("jti") or None


def app_of_header(user_id: Optional[str] = None):
    """The application (``App`` row) whose key is this request's API token header, or
    None. With ``user_id``: only an application of that user."""
    import flask
    import ckan.model as model
    from .model import App
    header = tk.config.get("apitoken_header_name") or "Authorization"
    jti = token_jti(flask.request.headers.get(header, ""))
    if not jti:
        return None
    app = model.Session.query(App).filter(App.token_id == jti).first()
    if app is None or (user_id is not None and app.user_id != user_id):
        return None
    return app


def refused_message() -> str:
    return tk._("An application key may only read published data (DataStore queries and "
                "the public catalog); this action needs a personal API token or a login.")


def _refusal(action: str):
    import flask
    from flask_babel import force_locale
    from .quota import _lang  # the API's language for a refusal before any view (quota's)
    with force_locale(_lang()):
        message = refused_message()
    body = {"help": flask.request.url, "success": False,
            "error": {"__type": "Authorization Error", "message": message}}
    return flask.Response(json.dumps(body, ensure_ascii=False), status=403,
                          content_type="application/json;charset=utf-8")


def _is_api(endpoint: str) -> bool:
    return (endpoint or "").split(".")[0] == "api"


def guard():
    """Called from ``IAuthenticator.identify`` (after the session checks): → a response
    (the refusal) or None."""
    import flask
    from flask import g
    from flask_login import current_user
    # load the user now (flask-login: the session, else the token header)
    authenticated = bool(current_user.is_authenticated)
    via_header = bool(g.get("login_via_auth_header"))
    endpoint = flask.request.endpoint or ""
    if authenticated and via_header:
        app = app_of_header(current_user.id)
        if app is not None:
            g.govopen_app_id = app.id
            if endpoint in ACTION_ENDPOINTS:
                action = (flask.request.view_args or {}).get("logic_function") or ""
                if action not in ALLOWED_ACTIONS:
                    log.info("application key %s refused action %r", app.id, action)
                    return _refusal(action)
                return None
            # anything else: what an anonymous visitor gets (no account pages)
            g._login_user = flask.current_app.login_manager.anonymous_user()
            authenticated = False
    if via_header and not authenticated and not _is_api(endpoint):
        # no token identified anyone: a form post of an anonymous visitor needs the
        # CSRF token like everyone's (CKAN exempts requests with this flag)
        g.pop("login_via_auth_header", None)
    return None
