"""Outside test, finding F5: a markdown image in a profile logged its viewers out.

A profile's "about" is markdown and CKAN let images through, so
``![x](/user/_logout)`` made every viewer's browser GET the logout URL with their
cookies (and logout ends all of the account's sessions). User-written markdown now
renders without images (``web_security.drop_markdown_images``): profile "about",
dataset notes and resource descriptions, for every viewer."""
from __future__ import annotations

import pytest

import websession
from govopen_world import ROLES, api

pytestmark = [pytest.mark.usefixtures("with_plugins")]

IMG = "企业简介 ![退出](/user/_logout) ![外](https://evil.example/p.png) **粗体**"
#: CKAN refuses absolute links in a profile's "about" as spam; a same-origin one passes
ABOUT = "企业简介 ![退出](/user/_logout) **粗体**"


@pytest.fixture(scope="module")
def planted(world):
    st, body = api(world, "enterprise", "user_patch", id=world["users"]["enterprise"]["name"],
                   about=ABOUT)
    assert st == 200, body
    pkg = world["datasets"]["unconditional"]["pkg"]
    st, body = api(world, "dept_editor", "package_patch", id=pkg["id"], notes=IMG)
    assert st == 200, body
    res = world["datasets"]["unconditional"]["upload"]
    st, body = api(world, "dept_editor", "resource_patch", id=res["id"], description=IMG)
    assert st == 200, body
    return {"user": "/user/" + world["users"]["enterprise"]["name"],
            "dataset": "/dataset/" + pkg["name"],
            "resource": "/dataset/%s/resource/%s" % (pkg["name"], res["id"])}


def _viewer(world, role):
    c = websession.client(world["app"])
    if role != "anonymous":
        r = websession.login(c, world["users"][role]["name"], world["password"])
        assert r.status_code == 302
    return c


def test_render_markdown_drops_images(world):
    from ckan.lib.helpers import render_markdown
    html = str(render_markdown(IMG))
    assert "<img" not in html and "_logout" not in html, html
    assert "<strong>粗体</strong>" in html


@pytest.mark.parametrize("role", ROLES)
def test_pages_with_user_markdown_have_no_images(world, planted, role):
    c = _viewer(world, role)
    for what, url in planted.items():
        r = c.get(url, status=None)
        if what == "user" and r.status_code in (302, 403, 404):
            continue  # this role may not see profiles at all
        assert r.status_code == 200, (what, url, r.status_code)
        html = r.get_data(as_text=True)
        assert 'src="/user/_logout"' not in html, (what, role)
        assert "evil.example/p.png" not in html.replace('href="https://evil.example', ""), what
    if role != "anonymous":  # the viewer is still logged in
        assert websession.logged_in_as(c) == world["users"][role]["name"]


# ------------------------------------------------------------------ logout by POST only
@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_get_logout_does_not_log_out(world, role):
    c = _viewer(world, role)
    r = c.get("/user/_logout", follow_redirects=False, status=None)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert 'action="/user/_logout"' in html and 'name="_csrf_token"' in html
    r = c.get("/zh_Hans_CN/user/_logout", follow_redirects=False, status=None)
    assert r.status_code == 200 and "所有设备" in r.get_data(as_text=True)  # in Chinese
    assert websession.logged_in_as(c) == world["users"][role]["name"]
    # a POST without the token is refused, with it the user is logged out
    r = c.post("/user/_logout", follow_redirects=False, status=None)
    assert r.status_code == 400
    assert websession.logged_in_as(c) == world["users"][role]["name"]
    websession.logout(c)
    assert websession.logged_in_as(c) is None


def test_anonymous_get_logout_goes_to_login(world):
    c = websession.client(world["app"])
    r = c.get("/user/_logout", follow_redirects=False, status=None)
    assert r.status_code == 302 and "/user/login" in r.headers["Location"]
