"""The demo catalog (ckanext.govopen.demo, loaded as tests/logic/test_demo.py loads it, at
a small file scale) against the official DCAT-AP 3.0.1 SHACL shapes and range shapes
(issue 19): /catalog.ttl, .rdf and .jsonld, as an anonymous visitor and as the
competent authority, and every entry's own .ttl, have 0 violations. Restricted entries
still show no data location to the anonymous visitor."""
from __future__ import annotations

import pytest

from ckanext.govopen.demo import catalog, load as loader
from dcat_shacl import report, violations

SMALL = 0.02  # as test_demo.py: every generated file still has ≥5 rows


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo loaded once for the module into a fresh database."""
    import ckan.model as model
    import ckan.plugins as plugins
    from ckan.tests import helpers
    from govopen_world import _plugins_to_migrate
    from ckan.cli.db import _run_migrations
    plugins.load_all()
    try:
        helpers.reset_db()
        for name in _plugins_to_migrate():
            _run_migrations(name)
        summary = loader.load(files_dir=tmp_path_factory.mktemp("demo"), scale=SMALL)
        assert summary["errors"] == []
        token = helpers.call_action("api_token_create", {"user": "authority"},
                                    user="authority", name="dcat")["token"]
        yield {"app": helpers._get_test_app(), "authority": {"Authorization": token}}
    finally:
        model.Session.remove()
        plugins.unload_non_system_plugins()


def _get(demo, path, role):
    r = demo["app"].get(path, headers=demo["authority"] if role == "authority" else {})
    assert r.status_code == 200, (path, r.status_code)
    return r.body


@pytest.mark.parametrize("ext", ("ttl", "rdf", "jsonld"))
@pytest.mark.parametrize("role", ("anonymous", "authority"))
def test_demo_catalog_has_no_violations(demo, role, ext):
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF
    from dcat_shacl import FORMATS
    body = _get(demo, "/catalog." + ext, role)
    g = Graph().parse(data=body, format=FORMATS[ext])
    entries = set(g.subjects(RDF.type, URIRef("http://www.w3.org/ns/dcat#Dataset")))
    assert len(entries) >= len(catalog.DATASETS) - 2, len(entries)  # the whole demo is in it
    found = violations(body, ext)
    assert found == [], report("demo /catalog.%s as %s" % (ext, role), found)


def test_each_demo_entry_has_no_violations(demo):
    """Every entry's own /dataset/<name>.ttl (validated together: one pyshacl run over
    their union; blank nodes stay apart, each violation names its entry's node)."""
    import ckanapi
    from rdflib import Graph
    names = [p["name"] for p in ckanapi.LocalCKAN().action.package_search(rows=1000)["results"]]
    assert len(names) >= 30
    union = Graph()
    for name in names:
        union.parse(data=_get(demo, "/dataset/%s.ttl" % name, "anonymous"), format="turtle")
    found = violations(union.serialize(format="turtle"), "ttl")
    assert found == [], report("the demo's /dataset/<name>.ttl", found)


def test_demo_restricted_entries_show_no_data_location(demo):
    """What the anonymous catalog says of restricted entries: metadata, an access URL
    that is the distribution's own portal page, no download URL."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCTERMS
    DCAT = "http://www.w3.org/ns/dcat#"
    g = Graph().parse(data=_get(demo, "/catalog.ttl", "anonymous"), format="turtle")
    restricted = {URIRef("http://publications.europa.eu/resource/authority/access-right/" + c)
                  for c in ("RESTRICTED", "NON_PUBLIC")}
    seen = 0
    for ds in g.subjects(URIRef(DCAT + "distribution"), None, unique=True):
        if g.value(ds, DCTERMS.accessRights) not in restricted:
            continue
        for dist in g.objects(ds, URIRef(DCAT + "distribution")):
            seen += 1
            assert g.value(dist, URIRef(DCAT + "downloadURL")) is None, dist
            assert list(g.objects(dist, URIRef(DCAT + "accessURL"))) == [dist], dist
    assert seen >= 5
