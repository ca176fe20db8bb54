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


def test_anonymous_data_preview_sends_its_token_and_works(world):
    """The preview's script (CKAN's datatablesview.js) posts with the page's meta token in
    X-CSRF-Token: an anonymous visitor's preview of open data keeps working."""
    import re
    from ckan.tests import helpers
    ds = world["datasets"]["unconditional"]
    views = helpers.call_action("resource_view_list", {"ignore_auth": True},
                                id=ds["upload"]["id"])
    view = next(v for v in views if v["view_type"] == "datatables_view")
    c = websession.client(world["app"])
    html = c.get("/dataset/%s/resource/%s/view/%s" % (ds["pkg"]["id"], ds["upload"]["id"],
                                                       view["id"])).get_data(as_text=True)
    token = re.search(r'<meta name="_csrf_token" content="([^"]+)"', html).group(1)
    data = {"draw": "1", "start": "0", "length": "10", "search[value]": "",
            "order[0][column]": "0", "order[0][dir]": "asc"}
    r = c.post("/datatables/ajax/%s" % view["id"], data=data,
               headers={"X-CSRF-Token": token}, status=None)
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    import json
    assert json.loads(r.get_data(as_text=True))["data"]  # CKAN answers it as text/html
    # the same call without the token (another site's form) is refused
    r = websession.client(world["app"]).post("/datatables/ajax/%s" % view["id"], data=data,
                                             status=None)
    assert r.status_code == 400
