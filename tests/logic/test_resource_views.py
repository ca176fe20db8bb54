"""Resource views go with the data: role × resource, through the API and the pages.

A view renders its resource's data (image_view's ``image_url``, webpage_view's
``page_url``, both falling back to the resource URL; datatables reads the DataStore),
so whoever may not have the data gets no views (``resource_view_list`` → [],
``resource_view_show`` → 403 with the policy's reason) and the routes that render one
(``/dataset/<id>/resource/<rid>/view[/<view_id>]``, datatables' ajax) answer 403 with
the reason, Chinese first, English under /en.

The module world (tests/govopen_world.py) is built with the view plugins
``config/ckan.ini.template`` enables (datatables_view) plus image_view and
webpage_view. Targets: the unconditional entry's published CSV and external link, the
conditional and not_open entries' published CSVs, and an unpublished PNG on the
unconditional entry (its image_view is the one CKAN creates by itself on upload).
EXPECTED is written out by hand from the regulations, not from the policy's code.
"""
from __future__ import annotations

import json

import pytest

import ckan.plugins as plugins
from ckan.common import config
from ckan.tests import helpers

from govopen_world import ROLES, VALID_ENTRY, post_form, upload

VIEW_PLUGINS = "image_view webpage_view datatables_view"
PNG_BYTES = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01"
             b"\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f"
             b"\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

TARGETS = ["unconditional", "unconditional_link", "conditional", "not_open", "unpublished"]
Y, N = True, False
# Who may have the resource's data, hence its views. The enterprise user holds a
# valid grant for the conditional entry, the citizen an expired one. The world's
# entries are shared unconditionally (无条件共享): another department's editor has the
# data of every open type, but not a file that has not passed the publication gate.
EXPECTED = {
    #               uncond  uncond_link  conditional  not_open  unpublished
    "anonymous":    (Y,     Y,           N,           N,        N),
    "citizen":      (Y,     Y,           N,           N,        N),
    "enterprise":   (Y,     Y,           Y,           N,        N),
    "dept_editor":  (Y,     Y,           Y,           Y,        Y),
    "dept_admin":   (Y,     Y,           Y,           Y,        Y),
    "other_editor": (Y,     Y,           Y,           Y,        N),
    "authority":    (Y,     Y,           Y,           Y,        Y),
}
CELLS = [(role, i, t) for role in ROLES for i, t in enumerate(TARGETS)]
IDS = ["%s-%s" % (role, t) for role, _, t in CELLS]


def _create_view(user, resource_id, view_type, **cfg):
    return helpers.call_action("resource_view_create", {"user": user},
                               resource_id=resource_id, view_type=view_type,
                               title=view_type, **cfg)


@pytest.fixture(scope="module")
def world():
    from govopen_world import build_world
    saved = config.get("ckan.plugins")
    plugins_list = saved if isinstance(saved, str) else " ".join(saved or [])
    # without duplicates: the ini may load some of them already (datatables_view, issue 16)
    config["ckan.plugins"] = " ".join(dict.fromkeys((plugins_list + " " + VIEW_PLUGINS).split()))
    plugins.load_all()
    try:
        w = build_world()
        editor = w["users"]["dept_editor"]["name"]
        ds = w["datasets"]
        site = helpers.call_action("get_site_user", {"ignore_auth": True})["name"]
        # an unpublished file on the (public) unconditional entry: no review signed
        png = helpers.call_action(
            "resource_create", {"user": editor}, package_id=ds["unconditional"]["pkg"]["id"],
            name="站点照片", format="PNG", url="station.png",
            upload=upload(PNG_BYTES, "station.png"))
        png = helpers.call_action("resource_show", {"user": site}, id=png["id"])
        targets = {
            "unconditional": (ds["unconditional"]["pkg"], ds["unconditional"]["upload"]),
            "unconditional_link": (ds["unconditional"]["pkg"], ds["unconditional"]["external"]),
            "conditional": (ds["conditional"]["pkg"], ds["conditional"]["upload"]),
            "not_open": (ds["not_open"]["pkg"], ds["not_open"]["upload"]),
            "unpublished": (ds["unconditional"]["pkg"], png),
        }
        views = {}
        for t, (pkg, res) in targets.items():
            url = res["url"]  # as the department sees it: where the data is
            made = [_create_view(editor, res["id"], "image_view", image_url=url),
                    _create_view(editor, res["id"], "webpage_view", page_url=url),
                    _create_view(editor, res["id"], "datatables_view")]
            # resource_create's side effect: CKAN's default image_view on the PNG
            existing = helpers.call_action("resource_view_list", {"user": site}, id=res["id"])
            views[t] = {"pkg": pkg, "res": res, "url": url,
                        "image": made[0], "webpage": made[1], "datatables": made[2],
                        "all": {v["id"] for v in existing}}
        w["views"] = views
        w["app"] = helpers._get_test_app()
        yield w
    finally:
        plugins.unload_non_system_plugins()
        config["ckan.plugins"] = saved


def headers(world, role):
    return {} if role == "anonymous" else {"Authorization": world["tokens"][role]}


def api(world, role, action, **params):
    r = world["app"].post("/api/3/action/" + action, json=params,
                          headers=headers(world, role), status=None)
    return r.status_code, r.json


def reason(world, role, t):
    """The policy's own answer for this role and resource (zh, en)."""
    v = world["views"][t]
    _, body = api(world, role, "govopen_access_check", id=v["pkg"]["id"],
                  resource_id=v["res"]["id"])
    d = body["result"]["resources"][v["res"]["id"]]
    return d["message_zh"], d["message_en"]


def test_world_has_the_views_it_needs(world):
    v = world["views"]
    # CKAN made an image_view for the PNG on upload (besides the three made here)
    assert len(v["unpublished"]["all"]) == 4
    # the published CSVs also have the two the DataStore load creates (table, chart; issue 16)
    assert all(len(v[t]["all"]) == (5 if t in ("unconditional", "conditional", "not_open")
                                    else 3) for t in TARGETS if t != "unpublished")
    # the PNG really is unpublished, and the others published, for an outsider
    _, body = api(world, "citizen", "govopen_access_check", id=v["unpublished"]["pkg"]["id"])
    res = body["result"]["resources"]
    assert res[v["unpublished"]["res"]["id"]]["reason_code"] == "publication_pending"
    assert res[v["unconditional"]["res"]["id"]]["allowed"] is True


# ---------------------------------------------------------------- API
@pytest.mark.parametrize("role,i,t", CELLS, ids=IDS)
def test_resource_view_list(world, role, i, t):
    v = world["views"][t]
    allowed = EXPECTED[role][i]
    status, body = api(world, role, "resource_view_list", id=v["res"]["id"])
    assert status == 200
    got = body["result"]
    assert {x["id"] for x in got} == (v["all"] if allowed else set())
    assert (v["url"] in json.dumps(got)) is allowed


@pytest.mark.parametrize("role,i,t", CELLS, ids=IDS)
def test_resource_view_show(world, role, i, t):
    v = world["views"][t]
    allowed = EXPECTED[role][i]
    for kind, key in (("image", "image_url"), ("webpage", "page_url"), ("datatables", None)):
        status, body = api(world, role, "resource_view_show", id=v[kind]["id"])
        if allowed:
            assert status == 200, (kind, body)
            if key:
                assert body["result"][key] == v["url"]
        else:
            assert status == 403, (kind, body)
            assert v["url"] not in json.dumps(body)
            # the policy's reason, in the deployment's default language
            assert any(m in body["error"]["message"] for m in reason(world, role, t))


# ---------------------------------------------------------------- pages
@pytest.mark.parametrize("role,i,t", CELLS, ids=IDS)
def test_embedded_view_page(world, role, i, t):
    """The iframe / "Embed" route, in Chinese and English (tests run with test.ini's
    default locale, en, so the Chinese page is asked for by its prefix; the portal's
    default is zh_Hans_CN)."""
    v = world["views"][t]
    allowed = EXPECTED[role][i]
    zh, en = reason(world, role, t)
    for kind in ("image", "webpage", "datatables"):
        path = "/dataset/%s/resource/%s/view/%s" % (v["pkg"]["id"], v["res"]["id"], v[kind]["id"])
        for prefix, message in (("/zh_Hans_CN", zh), ("/en", en)):
            if allowed and kind == "datatables":
                continue  # renders only with the datastore plugin (not enabled here)
            r = world["app"].get(prefix + path, headers=headers(world, role), status=None)
            if allowed:
                assert r.status_code == 200, (kind, prefix)
                assert v["url"] in r.body
            else:
                assert r.status_code == 403, (kind, prefix)
                assert "govopen-forbidden" in r.body
                assert message in r.body
                assert v["url"] not in r.body


@pytest.mark.parametrize("role,i,t", CELLS, ids=IDS)
def test_view_given_in_the_query_string(world, role, i, t):
    """``?resource_view=<json>`` renders a view the caller wrote: decided on the
    resource in the URL all the same."""
    v = world["views"][t]
    allowed = EXPECTED[role][i]
    forged = json.dumps({"view_type": "image_view", "id": "x", "title": "x",
                         "resource_id": v["res"]["id"], "package_id": v["pkg"]["id"]})
    r = world["app"].get("/dataset/%s/resource/%s/view" % (v["pkg"]["id"], v["res"]["id"]),
                         query_string={"resource_view": forged},
                         headers=headers(world, role), status=None)
    assert r.status_code == (200 if allowed else 403)
    assert (v["url"] in r.body) is allowed


@pytest.mark.parametrize("role,i,t", CELLS, ids=IDS)
def test_resource_page_shows_views_only_with_the_data(world, role, i, t):
    v = world["views"][t]
    allowed = EXPECTED[role][i]
    r = world["app"].get("/dataset/%s/resource/%s" % (v["pkg"]["name"], v["res"]["id"]),
                         headers=headers(world, role), status=None)
    assert r.status_code == 200  # the entry (metadata) is public
    assert (v["url"] in r.body) is allowed
    embed = "/resource/%s/view/" % v["res"]["id"]
    assert (embed in r.body) is allowed
    # asking for one view by id: the page has none to show
    r = world["app"].get("/dataset/%s/resource/%s?view_id=%s" % (
        v["pkg"]["name"], v["res"]["id"], v["webpage"]["id"]),
        headers=headers(world, role), status=None)
    assert r.status_code == 200
    assert (v["url"] in r.body) is allowed
    assert ("<iframe" in r.body) is allowed


@pytest.mark.parametrize("role,i,t", [c for c in CELLS if not EXPECTED[c[0]][c[1]]],
                         ids=[x for x, c in zip(IDS, CELLS) if not EXPECTED[c[0]][c[1]]])
def test_datatables_routes_refuse(world, role, i, t):
    v = world["views"][t]
    r = post_form(world, role, "/datatables/ajax/%s" % v["datatables"]["id"],
                  data={"draw": "1", "search[value]": "", "start": "0", "length": "10"},
                  status=None)
    assert r.status_code == 403
    assert r.json["reason_code"] and r.json["error"] in reason(world, role, t)
    r = post_form(world, role, "/zh_Hans_CN/datatables/ajax/%s" % v["datatables"]["id"],
                  data={"draw": "1"}, status=None)
    assert r.status_code == 403 and r.json["error"] == reason(world, role, t)[0]
    r = post_form(world, role, "/datatables/filtered-download/%s" % v["datatables"]["id"],
                  data={"params": "{}", "format": "csv"}, status=None,
                  follow_redirects=False)
    assert r.status_code == 403
    assert "govopen-forbidden" in r.body


@pytest.mark.parametrize("role", ROLES)
def test_a_view_of_another_resource_is_not_rendered_under_this_one(world, role):
    """Core renders any view id under any resource's URL: here the not_open CSV's
    image view under the public CSV's URL would show the not_open data."""
    pub, secret = world["views"]["unconditional"], world["views"]["not_open"]
    r = world["app"].get("/dataset/%s/resource/%s/view/%s" % (
        pub["pkg"]["id"], pub["res"]["id"], secret["image"]["id"]),
        headers=headers(world, role), status=None)
    assert r.status_code == 404
    assert secret["url"] not in r.body


def test_department_editor_creates_and_updates_views_of_restricted_data(world):
    """Creating a view stays the department's (auth: resource_update); what it
    returns is theirs to see. Outsiders cannot create one to read the data back."""
    v = world["views"]["not_open"]
    status, body = api(world, "dept_editor", "resource_view_create", resource_id=v["res"]["id"],
                       view_type="image_view", title="新视图", image_url=v["url"])
    assert status == 200 and body["result"]["image_url"] == v["url"]
    new_id = body["result"]["id"]
    try:
        for role in ("citizen", "other_editor"):
            status, body = api(world, role, "resource_view_create", resource_id=v["res"]["id"],
                               view_type="image_view", title="x")
            assert status == 403, role
        status, body = api(world, "citizen", "resource_view_show", id=new_id)
        assert status == 403 and v["url"] not in json.dumps(body)
    finally:
        helpers.call_action("resource_view_delete", {"ignore_auth": True}, id=new_id)


def test_views_of_a_private_entry_are_the_departments(world):
    """A new entry of a department member is private until published: its views are
    not even there for outsiders (404 pages, API refused), as the entry itself."""
    editor = world["users"]["dept_editor"]["name"]
    pkg = helpers.call_action("package_create", {"user": editor},
                              name="views-private-" + world["dept"]["name"][:8],
                              title="未发布目录", owner_org=world["dept"]["id"],
                              open_type="unconditional", **VALID_ENTRY)
    assert pkg["private"] is True
    res = helpers.call_action("resource_create", {"user": editor}, package_id=pkg["id"],
                              name="草稿", format="CSV", url="draft.csv",
                              upload=upload(b"a,b\n1,2\n", "draft.csv"))
    url = helpers.call_action("resource_show", {"user": editor}, id=res["id"])["url"]
    view = _create_view(editor, res["id"], "image_view", image_url=url)
    page = "/dataset/%s/resource/%s/view/%s" % (pkg["id"], res["id"], view["id"])
    for role in ("anonymous", "citizen", "other_editor"):
        r = world["app"].get(page, headers=headers(world, role), status=None)
        assert r.status_code == 404 and url not in r.body, role
        status, body = api(world, role, "resource_view_show", id=view["id"])
        assert status == 403 and url not in json.dumps(body), role
        r = post_form(world, role, "/datatables/filtered-download/%s" % view["id"],
                      data={"params": "{}", "format": "csv"}, status=None,
                      follow_redirects=False)
        assert r.status_code == 404, role
    for role in ("dept_editor", "authority"):
        r = world["app"].get(page, headers=headers(world, role), status=None)
        assert r.status_code == 200 and url in r.body, role
