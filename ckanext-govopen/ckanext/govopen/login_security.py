"""Login throttling and sessions that end at logout (issue 12, finding 8), in one place.

Throttling: failed logins are counted per account and per client address in Redis
with the ``limits`` library (moving window; the engine flask-limiter is built on —
we count *failed logins*, which CKAN reports by its ``failed_login`` signal, not
requests, so the library's core fits better than flask-limiter's per-view decorator).
While an account or an address has reached its limit, every login attempt for it —
the right password included — is refused before CKAN checks the password, with a
message that says how long to wait (HTTP 429). Settings (ini):

  govopen.login.max_failures_per_account  5
  govopen.login.max_failures_per_address  20   (offices share an address behind NAT)
  govopen.login.window_minutes            15

The address is the WSGI ``REMOTE_ADDR``; behind a reverse proxy, have the proxy set it
(uwsgi ``--http-socket`` with the real client address, or werkzeug's ProxyFix), never
trust a client-supplied X-Forwarded-For.

Sessions: CKAN 2.11 keeps the login in its session (Flask-Session; SESSION_TYPE cookie
by default: a signed cookie that stays valid wherever it is copied) and, with "remember
me" (checked by default on CKAN's form), in flask-login's remember cookie (user id + HMAC,
the same value at every login, valid a year). Here:

* the portal's ini sets ``SESSION_TYPE = redis``: the session lives in Redis, the cookie
  carries only its id, and logout clears it there;
* every login records its time in the session; logout records the account's logout time
  in Redis; a session whose login is older than the account's last logout is not a
  login any more (so a copied cookie stops working at logout, whatever the session type);
* flask-login's remember cookie is never set and never honoured (it cannot be revoked);
  the server-side session (``PERMANENT_SESSION_LIFETIME``) keeps people logged in.
"""
from __future__ import annotations

import logging
import math
import time
from typing import Optional, Tuple

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

LOGIN_AT = "govopen_login_at"
EPOCH_KEY = "govopen:logout_at:%s"
NAMESPACE = "govopen-login-failures"

_limiter = None


# ------------------------------------------------------------------ settings
def settings() -> Tuple[int, int, int]:
    cfg = tk.config
    return (int(cfg.get("govopen.login.max_failures_per_account") or 5),
            int(cfg.get("govopen.login.max_failures_per_address") or 20),
            int(cfg.get("govopen.login.window_minutes") or 15))


def _redis():
    from ckan.lib.redis import connect_to_redis
    return connect_to_redis()


def limiter():
    """The ``limits`` moving-window limiter on CKAN's Redis (one per process)."""
    global _limiter
    if _limiter is None:
        from limits.storage import RedisStorage
        from limits.strategies import MovingWindowRateLimiter
        url = tk.config.get("ckan.redis.url") or "redis://127.0.0.1:6379/0"
        _limiter = MovingWindowRateLimiter(RedisStorage(url))
    return _limiter


def _items():
    from limits import RateLimitItemPerMinute
    per_account, per_address, minutes = settings()
    return (RateLimitItemPerMinute(per_account, minutes),
            RateLimitItemPerMinute(per_address, minutes))


def account_key(login: str) -> str:
    """One key per account whether it is named by user name or e-mail; unknown
    names are counted under the lower-cased text."""
    import ckan.model as model
    text = (login or "").strip()
    user = model.User.by_name(text) or (model.User.by_email(text) if text else None)
    return "user:" + user.id if user is not None else "name:" + text.lower()


def client_address() -> str:
    from flask import request
    return request.remote_addr or "unknown"


def seconds_locked(login: str, address: str) -> int:
    """0 when a login may be tried; else the seconds until the account and the
    address are both under their limits again."""
    lim = limiter()
    account_item, address_item = _items()
    wait = 0.0
    now = time.time()
    for item, ident in ((account_item, account_key(login)), (address_item, "addr:" + address)):
        if not lim.test(item, NAMESPACE, ident):
            reset, _remaining = lim.get_window_stats(item, NAMESPACE, ident)
            wait = max(wait, reset - now, 1.0)
    return int(math.ceil(wait))


def record_failure(login: str, address: str) -> None:
    lim = limiter()
    account_item, address_item = _items()
    lim.hit(account_item, NAMESPACE, account_key(login))
    lim.hit(address_item, NAMESPACE, "addr:" + address)


def locked_message(seconds: int) -> str:
    minutes = max(1, int(math.ceil(seconds / 60.0)))
    return tk._("Too many failed logins. For your account's safety, logging in is "
                "paused: please try again in %(minutes)d minutes.") % {"minutes": minutes}


# ------------------------------------------------------------------ CKAN hooks
def before_login():
    """IAuthenticator.login: refuse a login attempt while the account or the address
    is locked (before CKAN checks the password). → a response or None."""
    from flask import make_response, request
    if request.method != "POST":
        return None
    login = request.form.get("login") or ""
    wait = seconds_locked(login, client_address())
    if not wait:
        return None
    log.warning("login refused while locked: %r from %s (%ss)", login, client_address(), wait)
    tk.h.flash_error(locked_message(wait))
    resp = make_response(tk.render("user/login.html", {}), 429)
    resp.headers["Retry-After"] = str(wait)
    return resp


def before_logout():
    """IAuthenticator.logout: only a POST (which CKAN's CSRF check has passed) logs
    out. CKAN 2.11 also logs out on GET /user/_logout, and logout ends every session
    of the account, so a link or an image on any page (outside test, finding F5:
    ``![x](/user/_logout)`` in a profile) logged its viewers out. A GET gets a page
    with the logout button (the same POST form as the header's). → a response or None."""
    from flask import request
    from flask_login import current_user
    if request.method == "POST" or not current_user.is_authenticated:
        return None  # anonymous: CKAN sends them to the login page
    return tk.render("user/logout_confirm.html", {})


def on_failed_login(sender, **kwargs):
    """CKAN's ``failed_login`` signal (sender: the login name given)."""
    from flask import has_request_context
    if not has_request_context():
        return
    try:
        record_failure(str(sender or ""), client_address())
    except Exception:  # Redis down: log; CKAN's own refusal of the password still stands
        log.exception("could not count a failed login")


def on_logged_in(sender, user=None, **kwargs):
    from flask import session
    session[LOGIN_AT] = time.time()
    # no remember-me cookie: it cannot be revoked (see module doc)
    session.pop("_remember", None)
    session.pop("_remember_seconds", None)


def on_logged_out(sender, user=None, **kwargs):
    from flask import session
    if user is not None and getattr(user, "id", None):
        try:
            _redis().set(EPOCH_KEY % user.id, repr(time.time()))
        except Exception:
            log.exception("could not record the logout of %s", user.id)
    session.clear()  # the server-side session is deleted with it
    session["_remember"] = "clear"  # and the browser drops any old remember cookie


def logged_out_after(user_id: str, login_at: Optional[float]) -> bool:
    if login_at is None:
        return True
    try:
        value = _redis().get(EPOCH_KEY % user_id)
    except Exception:
        log.exception("could not read the logout time of %s", user_id)
        return False
    return value is not None and float(value) >= float(login_at)


def identify():
    """IAuthenticator.identify, before flask-login loads the user: a session from a
    login older than the account's last logout (or with no login time, e.g. made
    from a remember cookie) is no login; remember cookies are not honoured."""
    from flask import current_app, request, session
    user_id = session.get("_user_id")
    if user_id:
        if logged_out_after(user_id, session.get(LOGIN_AT)):
            for key in ("_user_id", "_fresh", "_id", LOGIN_AT):
                session.pop(key, None)
            session["_remember"] = "clear"
    elif request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")):
        session["_remember"] = "clear"
    return None


def connect_signals():
    import flask_login
    flask_login.user_logged_in.connect(on_logged_in, weak=False)
    flask_login.user_logged_out.connect(on_logged_out, weak=False)
