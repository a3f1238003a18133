"""The ontology modules as data: they parse, conform to their shapes and hold the catalogue.

The counts are asked of the data with SPARQL, so they keep holding whatever the modules grow
into; they fail (as they should) while the practice catalogue is missing or incomplete.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from pyshacl import validate

from cmlops_kg.ontology_tools.check import SHAPES_FILE, ontology_store, shacl_findings
from cmlops_kg.rdf.ontology import ontology_files, parse_ontology

PREFIXES = """
PREFIX cmlops: <https://w3id.org/cmlops#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
SHACL_SHACL = Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl"
PRACTICE = "?practice a ?kind . ?kind rdfs:subClassOf* cmlops:Practice ."


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return ontology_store(ontology_files())


def count(store: ox.Store, where: str, var: str = "x") -> int:
    """COUNT(DISTINCT ?var) over a pattern: the tests state what they count in SPARQL."""
    query = f"{PREFIXES} SELECT (COUNT(DISTINCT ?{var}) AS ?n) WHERE {{ {where} }}"
    return int(next(iter(store.query(query)))["n"].value)


def ask(store: ox.Store, where: str) -> bool:
    return bool(store.query(f"{PREFIXES} ASK {{ {where} }}"))


@pytest.mark.parametrize("path", ontology_files(), ids=lambda p: p.name)
def test_module_parses(path: Path) -> None:
    graph = rdflib.Graph().parse(path, format="turtle")
    assert len(graph) > 0
    assert (None, rdflib.RDF.type, rdflib.OWL.Ontology) in graph, "each module has a header"


def test_shapes_are_valid_shacl() -> None:
    """meta-SHACL: the shapes file conforms to the W3C SHACL-for-SHACL shapes."""
    shapes = rdflib.Graph().parse(SHAPES_FILE, format="turtle")
    shacl_shacl = rdflib.Graph().parse(SHACL_SHACL, format="turtle")
    conforms, _, text = validate(shapes, shacl_graph=shacl_shacl)
    assert conforms, text


def test_ontology_conforms_to_its_shapes() -> None:
    findings = shacl_findings(parse_ontology())
    assert findings == [], "\n".join(f"{f.check} {f.entity}: {f.message}" for f in findings)


def test_at_least_60_practices(store: ox.Store) -> None:
    assert count(store, PRACTICE, "practice") >= 60


def test_practices_of_both_kinds(store: ox.Store) -> None:
    assert count(store, "?x a cmlops:DevOpsPractice .") >= 10
    assert count(store, "?x a cmlops:MLOpsPractice .") >= 10


def test_phases_have_distinct_orders(store: ox.Store) -> None:
    phases = count(store, "?x a cmlops:LifecyclePhase .")
    orders = count(store, "?p a cmlops:LifecyclePhase ; cmlops:phaseOrder ?x .")
    assert phases >= 8
    assert orders == phases


def test_pipeline_interfaces(store: ox.Store) -> None:
    assert count(store, "?x a cmlops:PipelineInterface .") >= 3


def test_five_maturity_levels_ranked_0_to_4(store: ox.Store) -> None:
    query = f"{PREFIXES} SELECT ?r WHERE {{ ?l a cmlops:MaturityLevel ; cmlops:levelRank ?r }}"
    ranks = sorted(int(row["r"].value) for row in store.query(query))
    assert ranks == [0, 1, 2, 3, 4]
    assert count(store, "?x a cmlops:MaturityLevel .") == 5


def test_at_least_6_dimensions(store: ox.Store) -> None:
    assert count(store, "?x a cmlops:Dimension .") >= 6


def test_every_mlops_practice_reaches_devops(store: ox.Store) -> None:
    assert count(store, "?practice a cmlops:MLOpsPractice .", "practice") > 0
    assert not ask(
        store,
        """?practice a cmlops:MLOpsPractice .
           FILTER NOT EXISTS { ?practice cmlops:extends+ ?root . ?root a cmlops:DevOpsPractice }""",
    )


def test_every_practice_has_a_source(store: ox.Store) -> None:
    assert count(store, PRACTICE, "practice") > 0
    assert not ask(
        store,
        f"""{PRACTICE}
            FILTER NOT EXISTS {{ ?practice dcterms:source ?s . ?s a cmlops:Source }}""",
    )


def test_every_practice_required_at_level_1_to_4(store: ox.Store) -> None:
    assert not ask(
        store,
        f"""{PRACTICE}
            ?practice cmlops:requiredAtLevel/cmlops:levelRank ?rank .
            FILTER(?rank < 1 || ?rank > 4)""",
    )
