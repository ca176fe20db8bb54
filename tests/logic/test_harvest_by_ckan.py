"""Issue 19: the portal's DCAT catalog harvested by a real, second CKAN.

Two processes besides the test: this portal (``ckan run`` on the test database, as a
catalog reader on the web finds it) and another CKAN from the same venv with its own
database, ckanext-harvest and ckanext-dcat's RDF harvester (``dcat_rdf``), as a
provincial or national catalog would run it. The harvest runs with ``ckan harvester
run-test`` (gather, fetch and import in one process, no queue consumers).

What another catalog must get: every public entry with its title, description,
department (publisher), open type (as dct:accessRights) and licence; restricted entries
as metadata only, with no URL that serves their data; an edit updates the copy at the
next harvest and a deletion withdraws it.
"""
from __future__ import annotations

import os
import subprocess
import urllib.error
import urllib.request

import pytest

import ckan.plugins.toolkit as tk

import live

ROOT = live.ROOT
ACCESS_RIGHTS = {  # the open type as the EU access-right vocabulary says it
    "unconditional": "http://publications.europa.eu/resource/authority/access-right/PUBLIC",
    "conditional": "http://publications.europa.eu/resource/authority/access-right/RESTRICTED",
    "not_open": "http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC",
}
#: The harvesting CKAN's settings: CKAN's test ini underneath (no Solr here: the search
#: backend is the portal's own PostgreSQL one, a plugin of its own that needs nothing else
#: of the portal), its own database and Redis db, the harvest and DCAT plugins.
HARVESTER_PLUGINS = "govopen_search harvest dcat dcat_rdf_harvester"


def _own_env() -> dict:
    """The environment without the test run's CKAN_* variables: they point at the
    portal's databases and would override the harvester's ini."""
    return {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}


def _ckan(ini, *args, check=True, env=None):
    r = subprocess.run([live.CKAN, "-c", ini, *args], env=env or _own_env(), capture_output=True,
                       text=True, timeout=600, cwd=ROOT)
    if check:
        assert r.returncode == 0, "ckan %s -> %s\n%s\n%s" % (" ".join(args), r.returncode,
                                                             r.stdout[-3000:], r.stderr[-3000:])
    return r


def _database_url(name_suffix: str) -> tuple:
    url = tk.config["sqlalchemy.url"]
    base, _, db = url.rpartition("/")
    return db + name_suffix, base + "/" + db + name_suffix


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@pytest.fixture(scope="module")
def federation(world, request, tmp_path_factory):
    tmp = str(tmp_path_factory.mktemp("harvest"))
    base_ini = os.path.abspath(request.config.getoption("--ckan-ini"))
    servers = []
    try:
        # 1. this portal on the web
        src_port = live.free_port()
        src_ini = live.write_child_ini(tmp, "portal", base_ini,
                                       {"ckan.site_url": live.loopback_url(src_port)})
        # the search index keeps the URLs of the process that indexed (the test's
        # site_url): the portal's own process re-indexes, as after a move of the site
        _ckan(src_ini, "search-index", "rebuild", env=dict(os.environ))
        portal = live.start_server(src_ini, src_port, os.path.join(tmp, "portal.log"))
        servers.append(portal)

        # 2. the harvesting CKAN: own database, harvest tables, a sysadmin, an org
        db_name, db_url = _database_url("_harvest")
        subprocess.run(["bash", "scripts/ensure_db.sh", db_name, "--fresh"], cwd=ROOT,
                       check=True, capture_output=True)
        h_port = live.free_port()
        redis_db = live.REDIS_URL.rsplit("/", 1)[0] + "/15"
        h_ini = os.path.join(tmp, "harvester.ini")
        with open(h_ini, "w") as f:
            f.write("\n".join([
                "[app:main]", "use = config:" + os.path.join(ROOT, "test.ini"),
                "sqlalchemy.url = " + db_url,
                "ckan.plugins = " + HARVESTER_PLUGINS,
                "ckan.site_url = " + live.loopback_url(h_port),
                "ckan.redis.url = " + redis_db,
                "ckan.harvest.mq.type = redis",
                "ckan.harvest.mq.hostname = 127.0.0.1",
                "ckan.harvest.mq.redis_db = 15",
            ]) + "\n" + live._LOGGING)
        _ckan(h_ini, "db", "init")
        _ckan(h_ini, "db", "upgrade", "-p", "harvest")
        _ckan(h_ini, "user", "add", "harvadmin", "email=harvest@example.invalid",
              "password=" + world["password"])
        _ckan(h_ini, "sysadmin", "add", "harvadmin")
        token = _ckan(h_ini, "user", "token", "add", "harvadmin", "t").stdout.strip().split()[-1]
        harvester = live.Server(h_ini, h_port, os.path.join(tmp, "harvester.log"), env=_own_env())
        harvester.start()
        servers.append(harvester)
        harvester.wait_ready()
        live.action_result(harvester.url, "organization_create", token,
                           name="provincial-catalog", title="省级目录")
        live.action_result(harvester.url, "harvest_source_create", token,
                           name="govopen-portal", title="GovOpen 门户",
                           url=portal.url + "/catalog.ttl", source_type="dcat_rdf",
                           owner_org="provincial-catalog", frequency="MANUAL")
        yield {"portal": portal, "harvester": harvester, "h_ini": h_ini, "token": token}
    finally:
        for s in servers:
            s.stop()


def harvest(fed) -> dict:
    """Run one harvest; the harvested datasets (as the harvesting CKAN shows them,
    deleted ones included) by the portal's dataset id (their dct:identifier)."""
    _ckan(fed["h_ini"], "harvester", "run-test", "govopen-portal")
    names = live.action_result(fed["harvester"].url, "package_list", fed["token"])
    out = {}
    for name in names:
        pkg = live.action_result(fed["harvester"].url, "package_show", fed["token"], id=name)
        extras = {e["key"]: e["value"] for e in pkg.get("extras", [])}
        if extras.get("identifier"):
            out[extras["identifier"]] = dict(pkg, extras_map=extras)
    return out


def _by_open_type(world):
    return {ot: d["pkg"] for ot, d in world["datasets"].items()}


def test_every_entry_arrives_with_what_another_catalog_needs(world, federation):
    got = harvest(federation)
    for ot, pkg in _by_open_type(world).items():
        assert pkg["id"] in got, (ot, sorted(got))
        h = got[pkg["id"]]
        assert h["title"] == pkg["title"]
        assert h["notes"] == pkg["notes"]
        assert h["extras_map"].get("publisher_name") == world["dept"]["title"], h["extras_map"]
        assert h["extras_map"].get("access_rights") == ACCESS_RIGHTS[ot], h["extras_map"]
        assert pkg["license_id"] and h.get("license_id") == pkg["license_id"], \
            (pkg["license_id"], h.get("license_id"), h.get("license_url"))


def test_restricted_entries_arrive_as_metadata_only(world, federation):
    got = harvest(federation)
    original = world["datasets"]["conditional"]["upload"]
    for ot in ("conditional", "not_open"):
        h = got[world["datasets"][ot]["pkg"]["id"]]
        assert h["title"] == world["datasets"][ot]["pkg"]["title"]
        assert len(h["resources"]) == 2  # the file and the link, described
        for res in h["resources"]:
            for url in filter(None, (res.get("url"), res.get("access_url"), res.get("download_url"))):
                # neither the portal's download route (a grant holder's key would
                # open it elsewhere) nor the restricted external link
                assert "/download" not in url and "secret-" not in url, (ot, url)
                status, body = _get(url)
                assert status != 200 or body.lstrip().startswith(b"<"), (ot, url, status, body[:200])
    # the unconditional entry's file is there for everybody, from the portal
    h = got[world["datasets"]["unconditional"]["pkg"]["id"]]
    urls = [r["url"] for r in h["resources"] if r.get("url")]
    assert any(u.startswith(federation["portal"].url) and u.endswith(".csv") for u in urls), urls
    csv_url = next(u for u in urls if u.endswith(".csv"))
    status, body = _get(csv_url)
    assert status == 200 and body.strip(), (csv_url, status)
    assert original["id"] not in " ".join(urls)


def test_an_edit_updates_and_a_deletion_withdraws_at_the_next_harvest(world, federation):
    portal = federation["portal"].url
    editor = world["tokens"]["dept_editor"]
    unconditional = world["datasets"]["unconditional"]["pkg"]
    not_open = world["datasets"]["not_open"]["pkg"]
    first = harvest(federation)
    assert not_open["id"] in first
    live.action_result(portal, "package_patch", editor, id=unconditional["id"],
                       title="公交站点客流统计（修订）")
    live.action_result(portal, "package_delete", world["tokens"]["dept_admin"], id=not_open["id"])
    again = harvest(federation)
    assert again[unconditional["id"]]["title"] == "公交站点客流统计（修订）"
    gone = again.get(not_open["id"])
    assert gone is None or gone["state"] == "deleted", gone
    # and an anonymous reader of the harvesting catalog no longer sees it
    status, _ = _get(federation["harvester"].url + "/api/3/action/package_show?id="
                     + first[not_open["id"]]["name"])
    assert status in (403, 404)
