"""Finding 13 (issue 12): security headers on every response, set in one place
(web_security.install), and the session cookie's flags. The browser tests
(tests/e2e) check that no page the portal serves logs a CSP violation."""
from __future__ import annotations

import re

import pytest

import websession

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]

PAGES = ["/", "/dataset/", "/demand", "/negative-list", "/stats/requests", "/user/login",
         "/api/3/action/status_show", "/catalog.csv"]


def _directives(csp: str) -> dict:
    out = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.parametrize("url", PAGES)
def test_headers_on_every_response(app, url):
    r = app.get(url, status=None)
    h = r.headers
    assert h.get("X-Frame-Options") == "SAMEORIGIN"
    assert h.get("X-Content-Type-Options") == "nosniff"
    assert h.get("Referrer-Policy") == "strict-origin-when-cross-origin"
    csp = _directives(h["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'self'"]
    script = csp["script-src"]
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert any(s.startswith("'nonce-") for s in script)


def test_inline_scripts_carry_this_responses_nonce(app, make_user, make_org, make_entry):
    """Every inline <script> of a page has the nonce of the header; the nonce differs
    per response."""
    head = make_user()
    org = make_org(users=[{"name": head["name"], "capacity": "admin"}])
    pkg = make_entry(org["id"], "unconditional", user=head,
                     notes='<script>alert("x")</script> 说明')
    r1, r2 = app.get("/dataset/%s" % pkg["name"]), app.get("/dataset/%s" % pkg["name"])
    n1 = re.search(r"'nonce-([^']+)'", r1.headers["Content-Security-Policy"]).group(1)
    n2 = re.search(r"'nonce-([^']+)'", r2.headers["Content-Security-Policy"]).group(1)
    assert n1 != n2
    body = r1.get_data(as_text=True)
    for tag in re.findall(r"<script\b[^>]*>", body, re.I):
        if "src=" in tag:
            continue
        assert 'nonce="%s"' % n1 in tag, tag


def test_resource_form_handlers_are_allowed_by_hash(app, make_user, make_org, make_entry):
    """CKAN's resource form uses inline onclick handlers: each one's hash is in the policy."""
    import base64
    import hashlib
    import html
    editor = make_user()
    org = make_org(users=[{"name": editor["name"], "capacity": "editor"}])
    pkg = make_entry(org["id"], "unconditional", user=editor)
    from ckan.tests import helpers
    tok = helpers.call_action("api_token_create", {"user": editor["name"]},
                              user=editor["name"], name="t")["token"]
    r = app.get("/dataset/%s/resource/new" % pkg["name"], headers={"Authorization": tok})
    csp = r.headers["Content-Security-Policy"]
    handlers = [html.unescape(m) for m in re.findall(r'\son[a-z]+="([^"]*)"', r.get_data(as_text=True))]
    assert handlers, "the resource form has no inline handlers any more: drop the hashes"
    for text in handlers:
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert "'sha256-%s'" % digest in csp, text


def test_session_cookie_flags_http(app):
    """http site: HttpOnly and SameSite=Lax (Secure would lose the cookie)."""
    _check_flags(websession.client(app), secure=False)


@pytest.mark.ckan_config("ckan.site_url", "https://data.example.gov.cn")
def test_session_cookie_secure_when_site_is_https(app):
    c = websession.client(app)
    _check_flags(c, secure=True)


def _check_flags(c, secure):
    r = c.get("/user/login")  # the login form stores its CSRF token in the session
    set_cookies = r.headers.getlist("Set-Cookie")
    session = [s for s in set_cookies if s.startswith("ckan=")]
    assert session, set_cookies
    flags = [f.strip().lower() for f in session[0].split(";")]
    assert "httponly" in flags and "samesite=lax" in flags
    assert ("secure" in flags) is secure
