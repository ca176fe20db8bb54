"""Role × action × open type: the access matrix, through every real path.

One world (built once for the module): a department ``dept`` with three entries
(unconditional / conditional / not_open), each with an uploaded CSV and an
external-URL resource; another department ``other``; users for each role. The
EXPECTED table below is written out by hand from the regulations, independently
of ``domain.open_types``: if the policy breaks, cells fail.
"""
from __future__ import annotations

import json

import pytest

from govopen_world import CSV_BYTES, LEGAL_BASIS, OPEN_TYPES, ROLES, api as _api, headers

# Who gets the DATA (download, storage URL, URL in API output, URL in exports).
# The enterprise user holds an approved, unexpired grant for the conditional
# entry; the citizen holds only an EXPIRED one. The world's entries are shared
# unconditionally (无条件共享, share_type unconditional): another department's member
# gets the data of every open type (sharing between departments is not opening to
# the public); conditional and not_shared sharing: tests/logic/test_sharing.py.
Y, N = True, False
EXPECTED_DATA = {
    #                unconditional conditional not_open
    "anonymous":    (Y,            N,          N),
    "citizen":      (Y,            N,          N),
    "enterprise":   (Y,            Y,          N),
    "dept_editor":  (Y,            Y,          Y),
    "dept_admin":   (Y,            Y,          Y),
    "other_editor": (Y,            Y,          Y),
    "authority":    (Y,            Y,          Y),
}
# Metadata (show, list in search, catalog export, DCAT) is public for every type.
EXPECTED_METADATA = {role: (Y, Y, Y) for role in ROLES}



def ctx(world, role):
    return {"user": "" if role == "anonymous" else world["users"][role]["name"],
            "ignore_auth": False}


CELLS = [(role, i, ot) for role in ROLES for i, ot in enumerate(OPEN_TYPES)]
IDS = ["%s-%s" % (role, ot) for role, _, ot in CELLS]


# ---------------------------------------------------------------- metadata
@pytest.mark.parametrize("role,i,ot", CELLS, ids=IDS)
def test_show_metadata(world, role, i, ot):
    pkg = world["datasets"][ot]["pkg"]
    status, body = _api(world, role, "package_show", id=pkg["id"])
    assert (status == 200) is EXPECTED_METADATA[role][i]
    assert body["result"]["legal_basis" if ot != "unconditional" else "title"]
    page = world["app"].get("/dataset/" + pkg["name"], headers=headers(world, role),
                            status=None)
    assert (page.status_code == 200) is EXPECTED_METADATA[role][i]
    assert pkg["title"] in page.body


@pytest.mark.parametrize("role,i,ot", CELLS, ids=IDS)
def test_list_in_search(world, role, i, ot):
    pkg = world["datasets"][ot]["pkg"]
    status, body = _api(world, role, "package_search", q="name:" + pkg["name"], rows=10)
    assert status == 200
    names = [r["name"] for r in body["result"]["results"]]
    assert (pkg["name"] in names) is EXPECTED_METADATA[role][i]
    page = world["app"].get("/dataset/", headers=headers(world, role))
    assert (pkg["title"] in page.body) is EXPECTED_METADATA[role][i]


# ---------------------------------------------------------------- data
@pytest.mark.parametrize("role,i,ot", CELLS, ids=IDS)
def test_download_each_resource(world, role, i, ot):
    d = world["datasets"][ot]
    allowed = EXPECTED_DATA[role][i]
    r = world["app"].get("/dataset/%s/resource/%s/download" % (d["pkg"]["id"], d["upload"]["id"]),
                         headers=headers(world, role), status=None)
    assert r.status_code == (200 if allowed else 403)
    if allowed:
        assert r.data == CSV_BYTES
    else:
        assert CSV_BYTES not in r.data
        assert "govopen-forbidden" in r.body
    r = world["app"].get("/dataset/%s/resource/%s/download" % (d["pkg"]["id"], d["external"]["id"]),
                         headers=headers(world, role), status=None, follow_redirects=False)
    if allowed:
        assert r.status_code == 302
        assert r.headers["Location"] == d["external"]["url"]
    else:
        assert r.status_code == 403
        assert "secret-" not in r.body


@pytest.mark.parametrize("role,i,ot", CELLS, ids=IDS)
def test_read_file_by_storage_url(world, role, i, ot):
    """The uploaded file's own URL (…/download/passengers.csv) obeys the policy,
    and nothing under the storage directory is served by any other URL."""
    d = world["datasets"][ot]
    allowed = EXPECTED_DATA[role][i]
    url = d["upload"]["url"]  # the stored URL as the editor sees it
    path = url.split("://", 1)[-1].split("/", 1)[-1]
    r = world["app"].get("/" + path, headers=headers(world, role), status=None)
    assert r.status_code == (200 if allowed else 403)
    assert (r.data == CSV_BYTES) is allowed
    rid = d["upload"]["id"]
    for other in ("/resources/%s/%s/%s" % (rid[:3], rid[3:6], rid[6:]),
                  "/storage/resources/%s/%s/%s" % (rid[:3], rid[3:6], rid[6:]),
                  "/uploads/../resources/%s/%s/%s" % (rid[:3], rid[3:6], rid[6:]),
                  # a public dataset's id with this resource: must not mix
                  "/dataset/%s/resource/%s/download" % (
                      world["datasets"]["unconditional"]["pkg"]["id"], rid)):
        if ot == "unconditional" and other.startswith("/dataset/"):
            continue
        r = world["app"].get(other, headers=headers(world, role), status=None)
        assert CSV_BYTES not in r.data, other
        assert r.status_code in (403, 404), other


@pytest.mark.parametrize("role,i,ot", CELLS, ids=IDS)
def test_read_via_api(world, role, i, ot):
    d = world["datasets"][ot]
    allowed = EXPECTED_DATA[role][i]
    secret = d["external"]["url"]
    _, show = _api(world, role, "package_show", id=d["pkg"]["id"])
    urls = [r["url"] for r in show["result"]["resources"]]
    assert (secret in urls) is allowed
    assert all(bool(u) is allowed for u in urls)
    _, rshow = _api(world, role, "resource_show", id=d["external"]["id"])
    assert (rshow["result"]["url"] == secret) is allowed
    assert rshow["result"]["govopen_access"]["allowed"] is allowed
    _, search = _api(world, role, "package_search", q="name:" + d["pkg"]["name"])
    blob = json.dumps(search["result"])
    assert (secret in blob) is allowed
    # field lists cannot bring the URLs back
    _, search = _api(world, role, "package_search", q="name:" + d["pkg"]["name"],
                     fl="name,res_url,validated_data_dict,data_dict")
    assert (secret in json.dumps(search["result"])) is allowed
    _, search = _api(world, role, "package_search", q="name:" + d["pkg"]["name"],
                     use_default_schema=True)
    assert (secret in json.dumps(search["result"])) is allowed
    _, rs = _api(world, role, "resource_search", query="url:secret-%s" % ot)
    assert (secret in json.dumps(rs.get("result") or {})) is allowed
    _, access = _api(world, role, "govopen_access_check", id=d["pkg"]["id"])
    assert access["result"]["data"]["allowed"] is allowed
    _, acts = _api(world, role, "package_activity_list", id=d["pkg"]["id"], include_data=True)
    assert (secret in json.dumps(acts.get("result") or [])) is allowed


@pytest.mark.parametrize("role,i,ot", CELLS, ids=IDS)
def test_export(world, role, i, ot):
    d = world["datasets"][ot]
    allowed = EXPECTED_DATA[role][i]
    secret = d["external"]["url"]
    r = world["app"].get("/catalog.json", headers=headers(world, role))
    entries = {e["name"]: e for e in r.json}
    assert (d["pkg"]["name"] in entries) is EXPECTED_METADATA[role][i]
    assert (secret in r.body) is allowed
    r = world["app"].get("/catalog.csv", headers=headers(world, role))
    assert (d["pkg"]["name"] in r.body) is EXPECTED_METADATA[role][i]
    assert (secret in r.body) is allowed
    r = world["app"].get("/catalog.ttl", headers=headers(world, role))
    assert r.status_code == 200
    assert (d["pkg"]["id"] in r.body) is EXPECTED_METADATA[role][i]
    assert (secret in r.body) is allowed
    r = world["app"].get("/dataset/%s.ttl" % d["pkg"]["name"], headers=headers(world, role))
    assert (secret in r.body) is allowed
    neg = world["app"].get("/negative-list.json", headers=headers(world, role)).json
    assert (d["pkg"]["name"] in [x["name"] for x in neg]) is (ot != "unconditional")


# ---------------------------------------------------------------- grants
def test_grant_create_permissions(world):
    cond = world["datasets"]["conditional"]["pkg"]["id"]
    for role in ("citizen", "dept_editor", "other_editor"):
        status, _ = _api(world, role, "govopen_grant_create",
                         user_id=world["users"]["citizen"]["id"], package_id=cond)
        assert status == 403, role
    status, body = _api(world, "dept_admin", "govopen_grant_list", package_id=cond)
    assert status == 200 and len(body["result"]) == 2


def test_negative_list_filter_and_csv(world):
    app = world["app"]
    rows = app.get("/negative-list.json?organization=" + world["dept"]["name"]).json
    assert {r["open_type"] for r in rows} == {"conditional", "not_open"}
    assert all(r["legal_basis"] == LEGAL_BASIS for r in rows)
    assert app.get("/negative-list.json?organization=" + world["other"]["name"]).json == []
    csv_text = app.get("/zh_Hans_CN/negative-list.csv").body
    assert "开放依据" in csv_text.splitlines()[0] and LEGAL_BASIS in csv_text
    page = app.get("/negative-list")
    assert LEGAL_BASIS in page.body


def test_search_facets_have_labels(world):
    _, body = _api(world, "anonymous", "package_search",
                   **{"facet.field": ["open_type", "share_type", "theme", "res_format",
                                      "organization"], "rows": 0})
    facets = body["result"]["search_facets"]
    assert {i["name"] for i in facets["open_type"]["items"]} >= set(OPEN_TYPES)
    labels = {i["name"]: i["display_name"] for i in facets["open_type"]["items"]}
    assert labels["not_open"] in ("不予开放", "Not open")
    assert "res_format" in facets and "theme" in facets


def test_update_status_on_dataset_page(world):
    pkg = world["datasets"]["unconditional"]["pkg"]
    page = world["app"].get("/dataset/" + pkg["name"])
    assert 'data-overdue="false"' in page.body
