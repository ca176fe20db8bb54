"""Validate DCAT output against the official DCAT-AP 3.0.1 SHACL shapes and range
shapes (tests/data/dcat-ap-3.0.1/, see the README there) with pyshacl, offline:
no owl:imports are followed and no remote vocabulary is loaded, so every class a
range shape asks for must be stated in our own output.

``violations(body, fmt)`` → a list of readable lines, one per sh:Violation (empty
when the graph conforms)."""
from __future__ import annotations

import functools
from pathlib import Path

SHAPES_DIR = Path(__file__).parent / "data" / "dcat-ap-3.0.1"
SHAPE_FILES = ("dcat-ap-SHACL.ttl", "ranges.ttl")

#: the rdflib parser for each output the portal serves
FORMATS = {"ttl": "turtle", "rdf": "xml", "xml": "xml", "jsonld": "json-ld"}


#: ranges.ttl of 3.0.1 still lists, under sh:property, five property shapes that the
#: release removed (3.0.0 had them as ``sh:class rdfs:Resource`` on dct:relation,
#: dct:isReferencedBy, dcat:accessURL, dcat:downloadURL); they have no sh:path, so
#: pyshacl refuses the whole shapes graph ("not a well-formed SHACL PropertyShape").
#: The files stay byte-identical to the release; these references are dropped on load.
EMPTY_PROPERTY_SHAPES = {
    "dcat:DatasetShape/4918ff7a6c1c4b0eea6403dca4b992b87ee1f4ab",
    "dcat:DatasetShape/95c69c99a1e3ade043911b51b942f206dea0e68d",
    "dcat:DistributionShape/653804840386e33525b3d39d205c174780be414b",
    "dcat:DistributionShape/a07d6e7a0a1790b89a1ce7ff602cbbd9ea835282",
    "dcat:RelationshipShape/b7aa98e1befa5130659568aa62e7f38575dc17c1",
}


@functools.lru_cache(maxsize=1)
def shapes():
    from rdflib import Graph
    from rdflib.namespace import SH
    g = Graph()
    for name in SHAPE_FILES:
        g.parse(SHAPES_DIR / name, format="turtle")
    empty = [(s, o) for s, o in g.subject_objects(SH.property)
             if not list(g.predicate_objects(o))]
    names = {str(o).rsplit("#", 1)[-1] for _s, o in empty}
    # any other gap means the files changed: look again rather than drop it silently
    assert names == EMPTY_PROPERTY_SHAPES, sorted(names ^ EMPTY_PROPERTY_SHAPES)
    for s, o in empty:
        g.remove((s, SH.property, o))
    return g


def violations(body, fmt: str) -> list[str]:
    """Every SHACL violation of ``body`` (the text of a ttl/rdf/jsonld answer)."""
    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import SH
    data = Graph()
    data.parse(data=body, format=FORMATS[fmt])
    conforms, results, _text = pyshacl.validate(
        data, shacl_graph=shapes(), inference="none", abort_on_first=False,
        allow_warnings=False, meta_shacl=False, advanced=False, do_owl_imports=False)
    out = []
    for r in results.subjects(SH.resultSeverity, SH.Violation):
        def one(p):
            v = results.value(r, p)
            return "" if v is None else str(v)
        out.append("%s %s = %s: %s (%s)" % (
            one(SH.focusNode), one(SH.resultPath), one(SH.value) or "-",
            one(SH.resultMessage), one(SH.sourceShape).rsplit("#", 1)[-1]))
    assert conforms or out, "pyshacl says the graph does not conform but lists no violation"
    return sorted(out)


def report(name: str, found: list[str], limit: int = 60) -> str:
    """A failure message: the count and the first ``limit`` violations."""
    lines = found[:limit] + (["… %d more" % (len(found) - limit)] if len(found) > limit else [])
    return "%s: %d DCAT-AP 3.0.1 SHACL violations\n  %s" % (name, len(found), "\n  ".join(lines))
