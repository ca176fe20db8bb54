"""The DCAT catalog of the test world (tests/govopen_world.py) against the official
DCAT-AP 3.0.1 SHACL shapes and range shapes (issue 19): /catalog.ttl, .rdf, .jsonld
and every entry's own .ttl/.rdf/.jsonld, as an anonymous visitor (restricted
entries without data locations) and as the competent authority (every location),
have 0 violations. The demo catalog: test_dcat_shacl_demo.py."""
from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from dcat_shacl import report, violations
from govopen_world import OPEN_TYPES, headers

ROLES = ("anonymous", "authority")
EXTS = ("ttl", "rdf", "jsonld")
DCAT = "http://www.w3.org/ns/dcat#"


def _get(world, role, path):
    r = world["app"].get(path, headers=headers(world, role))
    assert r.status_code == 200, (path, r.status_code)
    return r.body


@pytest.mark.parametrize("ext", EXTS)
@pytest.mark.parametrize("role", ROLES)
def test_catalog_has_no_violations(world, role, ext):
    body = _get(world, role, "/catalog." + ext)
    for ot in OPEN_TYPES:  # the whole world is in it
        assert world["datasets"][ot]["pkg"]["id"] in body
    found = violations(body, ext)
    assert found == [], report("/catalog.%s as %s" % (ext, role), found)


@pytest.mark.parametrize("ext", EXTS)
@pytest.mark.parametrize("role", ROLES)
def test_each_entry_has_no_violations(world, role, ext):
    for ot in OPEN_TYPES:
        path = "/dataset/%s.%s" % (world["datasets"][ot]["pkg"]["name"], ext)
        found = violations(_get(world, role, path), ext)
        assert found == [], report("%s as %s" % (path, role), found)


def test_the_check_finds_what_the_outside_check_found(world):
    """The validator is not blind: today's faults, put back into a valid catalog,
    are each reported."""
    g = Graph().parse(data=_get(world, "anonymous", "/catalog.ttl"), format="turtle")
    dist = next(g.subjects(RDF.type, URIRef(DCAT + "Distribution")))
    dataset = next(g.subjects(RDF.type, URIRef(DCAT + "Dataset")))
    g.remove((dist, DCTERMS["format"], None))
    g.add((dist, DCTERMS["format"], Literal("CSV")))  # a literal format
    g.add((dataset, URIRef(DCAT + "theme"), URIRef("economy")))  # an untyped theme
    g.remove((dataset, DCTERMS.description, None))  # a mandatory property
    found = violations(g.serialize(format="turtle"), "ttl")
    text = "\n".join(found)
    assert len(found) >= 3, text
    assert str(DCTERMS["format"]) in text and "economy" in text and str(DCTERMS.description) in text
