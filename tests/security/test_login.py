"""Finding 8 (issue 12), first half: failed logins are throttled per account and per
address (the right password is refused while locked, with a Chinese message saying
how long to wait), and logout ends the session on the server (a copied cookie no
longer works; no remember-me cookie that outlives the logout)."""
from __future__ import annotations

import uuid

import pytest

import websession

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]

PASSWORD = "Correct-Horse-2026"


@pytest.fixture
def address():
    """A client address of this test alone (the counters live in Redis); its
    counters are removed afterwards."""
    addr = "10.%d.%d.%d" % tuple(uuid.uuid4().bytes[:3])
    yield addr
    from ckan.lib.redis import connect_to_redis
    r = connect_to_redis()
    for key in r.scan_iter("*govopen-login-failures*"):
        r.delete(key)


def _user(make_user):
    return make_user(password=PASSWORD)


def _login(c, name, password, addr):
    return websession.login(c, name, password, remote_addr=addr)


def test_account_locked_after_five_failures_even_for_the_right_password(app, make_user, address):
    user = _user(make_user)
    for _ in range(5):
        c = websession.client(app)
        r = _login(c, user["name"], "wrong-password", address)
        assert r.status_code == 200  # CKAN's own "bad username or password"
    c = websession.client(app)
    r = _login(c, user["name"], PASSWORD, address)
    assert r.status_code == 429
    assert websession.logged_in_as(c) is None
    wait = int(r.headers["Retry-After"])
    assert 0 < wait <= 15 * 60
    # the same refusal in Chinese, naming the minutes to wait
    c = websession.client(app)
    token = websession.csrf_token(c, "/zh_Hans_CN/user/login")
    r = c.post("/zh_Hans_CN/user/login", data={"login": user["email"], "password": PASSWORD,
                                               "_csrf_token": token},
               environ_overrides={"REMOTE_ADDR": "10.255.0.1"}, follow_redirects=False,
               status=None)
    body = r.get_data(as_text=True)
    assert r.status_code == 429, "the e-mail names the same account from another address"
    assert "登录失败次数过多" in body and "分钟后再试" in body
    # another account from the first address is not locked by this one
    other = _user(make_user)
    c = websession.client(app)
    assert _login(c, other["name"], PASSWORD, address).status_code == 302
    assert websession.logged_in_as(c) == other["name"]


@pytest.mark.ckan_config("govopen.login.max_failures_per_address", "6")
def test_address_locked_after_failures_on_many_accounts(app, make_user, address):
    for i in range(6):
        c = websession.client(app)
        _login(c, "nobody-%d-%s" % (i, uuid.uuid4().hex[:4]), "guess", address)
    victim = _user(make_user)
    c = websession.client(app)
    assert _login(c, victim["name"], PASSWORD, address).status_code == 429
    assert websession.logged_in_as(c) is None
    c = websession.client(app)
    assert _login(c, victim["name"], PASSWORD, "10.254.0.9").status_code == 302


def test_logout_ends_the_session_server_side(app, make_user, address):
    user = _user(make_user)
    c = websession.client(app)
    r = _login(c, user["name"], PASSWORD, address)
    assert r.status_code == 302
    set_cookies = r.headers.getlist("Set-Cookie")
    assert not any(s.startswith("remember_token=") and "expires=thu, 01 jan 1970" not in s.lower()
                   for s in set_cookies), "a remember-me cookie outlives logout"
    assert websession.logged_in_as(c) == user["name"]
    # an attacker copies the cookie
    stolen = websession.client(app)
    cookie = next(ck for ck in c._cookies.values() if ck.key == "ckan")
    stolen.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    assert websession.logged_in_as(stolen) == user["name"]
    websession.logout(c)  # the header's form: POST with the CSRF token
    assert websession.logged_in_as(c) is None
    assert websession.logged_in_as(stolen) is None
    # logging in again works, and the old copy stays dead
    c2 = websession.client(app)
    assert _login(c2, user["name"], PASSWORD, address).status_code == 302
    assert websession.logged_in_as(c2) == user["name"]
    assert websession.logged_in_as(stolen) is None


def test_remember_cookie_is_not_honoured(app, make_user):
    """flask-login's remember cookie (user id + HMAC, the same at every login) cannot be
    revoked: a request carrying one (and no session) is anonymous."""
    from flask_login.utils import encode_cookie
    user = _user(make_user)
    c = websession.client(app)
    with app.flask_app.test_request_context():
        value = encode_cookie(user["id"])
    c.get("/")  # learn the cookie domain the app uses
    domain = next(ck.domain for ck in c._cookies.values() if ck.key == "ckan")
    c.set_cookie("remember_token", value, domain=domain)
    assert websession.logged_in_as(c) is None
