"""An assessment's private store holds only the ontology triples its queries can match.

The restriction is decided from the queries' parsed algebra (cmlops_kg/sparql/predicates.py);
these tests pin that reading, check the store refuses a query it was not loaded for, and
check that every case study reads the same from a private store as from a store holding the
whole prepared ontology (whose results test_examples.py compares with the oracle's goldens).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import example_profiles

import cmlops_kg
from cmlops_kg.assessment.engine import Assessor, assessment_queries
from cmlops_kg.errors import QueryError
from cmlops_kg.rdf.profiles import read_profile
from cmlops_kg.sparql.library import get_query
from cmlops_kg.sparql.predicates import matched_predicates
from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.store.inference import answering_ontology_ntriples, prepared_ontology_ntriples
from cmlops_kg.vocab import ONTOLOGY_GRAPH

PREFIX = "PREFIX ex: <urn:ex:>\n"


def _query(body: str):
    return dataclasses.replace(get_query("assessments"), name="probe", text=PREFIX + body)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("SELECT * WHERE { ?s ex:a ?o }", {"urn:ex:a"}),
        ("SELECT * WHERE { ?s ex:a/ex:b|^ex:c ?o }", {"urn:ex:a", "urn:ex:b", "urn:ex:c"}),
        ("SELECT * WHERE { ?s ex:a+ ?o }", {"urn:ex:a"}),
        (
            "SELECT * WHERE { ?s ex:a ?o OPTIONAL { SELECT ?s WHERE { ?s ex:b ?x } } "
            "FILTER NOT EXISTS { ?o ex:c ?y } MINUS { ?s ex:d ?z } }",
            {"urn:ex:a", "urn:ex:b", "urn:ex:c", "urn:ex:d"},
        ),
        ("CONSTRUCT { ?s ex:made ?o } WHERE { ?s ex:a ?o }", {"urn:ex:a"}),
    ],
)
def test_the_predicates_a_query_can_match_are_read_from_its_algebra(body, expected):
    assert matched_predicates([_query(body)]) == expected


@pytest.mark.parametrize(
    "body",
    [
        "SELECT * WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?s !ex:a ?o }",
        "SELECT * WHERE { ?s ex:a* ?o }",
        "SELECT * WHERE { ?s ex:a? ?o }",
        "SELECT * WHERE { ?s ex:a ?o FILTER EXISTS { ?o ?p ?x } }",
    ],
)
def test_a_pattern_that_could_match_any_predicate_keeps_the_whole_ontology(body):
    """A variable predicate, a negated set or a zero-length step (which binds any node of the
    graph) could match a triple by a predicate no query names."""
    assert matched_predicates([_query(body)]) is None


def test_the_private_ontology_keeps_exactly_the_triples_of_matched_predicates():
    queries = assessment_queries()
    predicates = matched_predicates(queries)
    assert predicates is not None  # the library's assessment queries name every predicate
    full = set(ox.parse(prepared_ontology_ntriples(), format=ox.RdfFormat.N_TRIPLES))
    kept = set(ox.parse(answering_ontology_ntriples(queries), format=ox.RdfFormat.N_TRIPLES))
    # compared up to blank node labels: the two cached files may come from two builds of the
    # prepared ontology (two test workers), each labelling its blank nodes afresh
    assert _canonical(kept) == _canonical(t for t in full if t.predicate.value in predicates)
    assert len(kept) < len(full)  # the scanner's and the docs' triples are left out


def _canonical(triples) -> object:
    from rdflib import Graph
    from rdflib.compare import to_isomorphic

    data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)
    return to_isomorphic(Graph().parse(data=data, format="nt"))


def test_a_private_store_refuses_a_query_it_was_not_loaded_for():
    store = EmbeddedStore(exclusive=True)
    store.load_ontology(answering=assessment_queries())
    assert store.select("assessments") == []
    with pytest.raises(QueryError, match="practices") as caught:
        store.select("practices")
    assert "answering" in (caught.value.fix or "")
    full = EmbeddedStore()
    full.load_ontology()
    assert full.select("practices")  # a store given the whole ontology answers it


@pytest.mark.parametrize("path", example_profiles(), ids=lambda p: p.stem)
def test_every_case_study_reads_the_same_from_a_private_store(path: Path):
    """``assess`` (a private store, restricted ontology) against a store holding the whole
    prepared ontology and every result of the profile."""
    complete = Assessor()
    complete.load(read_profile(path))
    for assessment in read_profile(path).assessment_iris():
        expected = complete.result(assessment=assessment)
        assert cmlops_kg.assess(path, assessment=assessment) == expected


def test_the_private_ontology_graph_is_the_ontology_graph():
    store = EmbeddedStore(exclusive=True)
    store.load_ontology(answering=assessment_queries())
    assert store.graphs() == [ONTOLOGY_GRAPH]
