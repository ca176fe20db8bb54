"""A browser-like session for the security tests: one Flask test client that keeps
its cookies, logs in through CKAN's own login form (with the form's CSRF token, as a
browser does) and can read the token of any page."""
from __future__ import annotations

import re

TOKEN_RE = re.compile(r'name="_csrf_token"\s+(?:content|value)="([^"]+)"')


def client(app):
    """A cookie-keeping test client of CKAN's test app (``app.post`` makes a new one each call)."""
    return app.test_client(use_cookies=True)


def csrf_token(c, url="/user/login") -> str:
    html = c.get(url, status=None).get_data(as_text=True)
    m = TOKEN_RE.search(html)
    assert m, "no CSRF token on %s" % url
    return m.group(1)


def login(c, name: str, password: str, remote_addr: str = "127.0.0.1"):
    """POST CKAN's login form as a browser would; → the response (not followed)."""
    token = csrf_token(c)
    return c.post("/user/login", data={"login": name, "password": password,
                                       "_csrf_token": token},
                  follow_redirects=False, status=None,
                  environ_overrides={"REMOTE_ADDR": remote_addr})


def logged_in_as(c) -> str | None:
    """The user name CKAN sees for this client's cookies (None: anonymous): the
    account page CKAN links from its header (``/user/<name>``) on a dashboard page,
    which sends anonymous visitors to the login form."""
    r = c.get("/dashboard/datasets", follow_redirects=False, status=None)
    if r.status_code != 200:
        return None
    m = re.search(r'href="/user/([^"/?]+)"', r.get_data(as_text=True))
    return m.group(1) if m else None


def logout(c):
    """Log out as the header's button does: POST /user/_logout with the page's CSRF token
    (a GET only shows the logout page)."""
    token = csrf_token(c, "/dashboard/datasets")
    return c.post("/user/_logout", data={"_csrf_token": token}, follow_redirects=True,
                  status=None)
