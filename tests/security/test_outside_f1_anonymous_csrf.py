"""Outside test, finding F1: anonymous form posts skipped the CSRF check.

flask-login calls CKAN's request loader for every request without a session user,
and that loader marks the request "logged in via the Authorization header" even when
no token was sent: CKAN then exempted it from CSRF. So another site could log a
visitor into the attacker's account (login CSRF), register accounts or send reset
mails. Now a POST that no token identified needs the form's token like everyone's
(``app_keys.guard``); the anonymous API (no cookie, not a form) is unchanged."""
from __future__ import annotations

import uuid

import pytest

import websession

pytestmark = [pytest.mark.usefixtures("with_plugins")]

CROSS_SITE = {"Origin": "https://evil.example", "Referer": "https://evil.example/x.html"}


def test_login_without_token_is_refused(world):
    c = websession.client(world["app"])
    r = c.post("/user/login", data={"login": world["users"]["enterprise"]["name"],
                                    "password": world["password"]},
               headers=CROSS_SITE, follow_redirects=False, status=None)
    assert r.status_code == 400, r.status_code
    assert websession.logged_in_as(c) is None


def test_login_with_the_forms_token_still_works(world):
    c = websession.client(world["app"])
    r = websession.login(c, world["users"]["enterprise"]["name"], world["password"])
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    assert websession.logged_in_as(c) == world["users"]["enterprise"]["name"]


def test_login_with_another_sessions_token_is_refused(world):
    other = websession.client(world["app"])
    token = websession.csrf_token(other)
    c = websession.client(world["app"])
    c.get("/user/login")
    r = c.post("/user/login", data={"login": world["users"]["citizen"]["name"],
                                    "password": world["password"], "_csrf_token": token},
               follow_redirects=False, status=None)
    assert r.status_code == 400
    assert websession.logged_in_as(c) is None


def test_register_without_token_creates_nobody(world):
    import ckan.model as model
    name = "csrf" + uuid.uuid4().hex[:8]
    c = websession.client(world["app"])
    r = c.post("/user/register", data={"name": name, "fullname": "测试", "email":
                                       name + "@example.com", "password1": "Aa-12345678!x",
                                       "password2": "Aa-12345678!x"},
               headers=CROSS_SITE, follow_redirects=False, status=None)
    assert r.status_code == 400, r.status_code
    assert model.User.get(name) is None


def test_reset_without_token_is_refused(world):
    c = websession.client(world["app"])
    r = c.post("/user/reset", data={"user": world["users"]["citizen"]["name"]},
               headers=CROSS_SITE, follow_redirects=False, status=None)
    assert r.status_code == 400, r.status_code


def test_anonymous_demand_form_without_token_is_refused(world):
    c = websession.client(world["app"])
    r = c.post("/demand/new", data={"title": "跨站需求", "description": "x"},
               follow_redirects=False, status=None)
    assert r.status_code == 400, r.status_code


def test_anonymous_api_needs_no_csrf_token(world):
    """The API without a cookie is no form: anonymous POST reads keep working."""
    c = websession.client(world["app"])
    r = c.post("/api/3/action/package_search", json={"q": "*:*"}, status=None)
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    # and a bad token header is anonymous there too
    r = c.post("/api/3/action/package_search", json={"q": "*:*"},
               headers={"Authorization": "not-a-token"}, status=None)
    assert r.status_code == 200, r.get_data(as_text=True)[:300]


def test_bad_token_header_on_a_form_needs_the_csrf_token(world):
    c = websession.client(world["app"])
    r = c.post("/user/login", data={"login": world["users"]["citizen"]["name"],
                                    "password": world["password"]},
               headers={"Authorization": "not-a-token"}, follow_redirects=False, status=None)
    assert r.status_code == 400
