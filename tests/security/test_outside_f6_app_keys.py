"""Outside test, finding F6: an application key was a full account token.

With the key of an application (``govopen_app_create``) one could call
``api_token_create`` (a personal token that outlives ``govopen_app_delete``) and read
the owner's requests, grants and account. An application key now reads published data
only (``app_keys.ALLOWED_ACTIONS``); every other action answers 403 with a Chinese
message, and web pages treat it as an anonymous visitor. Per role that may hold a key
(anonymous cannot create one: its calls are unchanged)."""
from __future__ import annotations

import pytest

from govopen_world import ROLES, api

KEY_ROLES = [r for r in ROLES if r != "anonymous"]

#: actions the key must not reach (account, requests, grants, apps, writes)
REFUSED = [("api_token_create", lambda w, role: {"user": w["users"][role]["name"],
                                                 "name": "via-app-key"}),
           ("api_token_list", lambda w, role: {"user_id": w["users"][role]["name"]}),
           ("user_show", lambda w, role: {"id": w["users"][role]["name"]}),
           ("govopen_request_list", lambda w, role: {"scope": "mine"}),
           ("govopen_my_grants", lambda w, role: {}),
           ("govopen_app_list", lambda w, role: {}),
           ("govopen_app_create", lambda w, role: {"title": "再建一个"}),
           ("govopen_demand_create", lambda w, role: {"title": "经应用密钥", "description": "x"})]


@pytest.fixture(scope="module")
def keys(world):
    out = {}
    for role in KEY_ROLES:
        st, body = api(world, role, "govopen_app_create", title="测试应用 " + role)
        assert st == 200, body
        out[role] = body["result"]
    return out


def _call(world, key, action, /, **params):
    r = world["app"].post("/api/3/action/" + action, json=params,
                          headers={"Authorization": key}, status=None)
    return r.status_code, r.json


@pytest.mark.parametrize("role", KEY_ROLES)
@pytest.mark.parametrize("action,params", REFUSED, ids=[a for a, _ in REFUSED])
def test_app_key_cannot_call_account_actions(world, keys, role, action, params):
    st, body = _call(world, keys[role]["token"], action, **params(world, role))
    assert st == 403, body
    assert body["success"] is False
    assert "应用密钥" in body["error"]["message"], body
    # the personal token of the same user still may (where the role may at all)
    if action == "api_token_create":
        st2, _ = api(world, role, action, **params(world, role))
        assert st2 == 200


@pytest.mark.parametrize("role", KEY_ROLES)
def test_app_key_reads_published_data(world, keys, role):
    key = keys[role]["token"]
    pkg = world["datasets"]["unconditional"]["pkg"]
    for name, params in (("package_search", {"q": "*:*"}), ("package_show", {"id": pkg["id"]}),
                         ("organization_list", {}), ("status_show", {}),
                         ("govopen_negative_list", {}), ("govopen_public_stats", {})):
        st, body = _call(world, key, name, **params)
        assert st == 200, (name, body)


@pytest.mark.parametrize("role", KEY_ROLES)
def test_app_key_gets_no_account_pages(world, keys, role):
    c = world["app"]
    # a personal token is the user on web pages (CKAN) …
    r = c.get("/dashboard/datasets", headers={"Authorization": world["tokens"][role]},
              follow_redirects=False, status=None)
    assert r.status_code == 200
    # … an application key is an anonymous visitor
    r = c.get("/dashboard/datasets", headers={"Authorization": keys[role]["token"]},
              follow_redirects=False, status=None)
    assert r.status_code in (302, 403), r.status_code
    assert world["users"][role]["name"] not in r.get_data(as_text=True)
    r = c.get("/dataset/", headers={"Authorization": keys[role]["token"]}, status=None)
    assert r.status_code == 200


def test_anonymous_api_is_unchanged(world):
    st, body = api(world, "anonymous", "package_search", q="*:*")
    assert st == 200, body
    st, body = api(world, "anonymous", "api_token_create",
                   user=world["users"]["citizen"]["name"], name="y")
    assert st == 403, body


def test_deleted_app_key_is_refused_everywhere(world):
    st, body = api(world, "citizen", "govopen_app_create", title="将删除的应用")
    assert st == 200, body
    app = body["result"]
    st, body = api(world, "citizen", "govopen_app_delete", id=app["id"])
    assert st == 200, body
    # a revoked token is nobody (CKAN): no account action, reads as anonymous
    st, body = _call(world, app["token"], "api_token_create",
                     user=world["users"]["citizen"]["name"], name="after-delete")
    assert st == 403, body
