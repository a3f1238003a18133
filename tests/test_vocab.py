"""The vocabulary the code writes is the one the ontology declares: one prefix map (the
header's sh:declare), and every status, mode and method IRI an individual of its class."""

from __future__ import annotations

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from cmlops_kg import vocab
from cmlops_kg.present.tables import shorten
from cmlops_kg.rdf.ontology import ontology_graph
from cmlops_kg.rdf.terms import IRI

CLASSES = {
    "STATUSES": vocab.CMLOPS + "ImplementationStatus",
    "MODES": vocab.EARL + "TestMode",
    "METHODS": vocab.CMLOPS + "AssessmentMethod",
}


@pytest.mark.parametrize("table", list(CLASSES))
def test_controlled_values_are_individuals_of_their_class(table):
    graph = ontology_graph()
    declared = {str(s) for s in graph.subjects(RDF.type, URIRef(CLASSES[table]))}
    assert set(getattr(vocab, table).values()) == declared


def test_the_prefix_map_is_the_headers_and_covers_every_namespace_the_code_names():
    prefixes = vocab.prefixes()
    assert prefixes["cmlops"] == vocab.CMLOPS
    for name in ("RDF", "RDFS", "XSD", "OWL", "PROV", "EARL", "DQV", "ORG", "DCTERMS"):
        assert getattr(vocab, name) in prefixes.values(), name
    graph_prefixes = dict(ontology_graph().namespaces())
    assert all(str(graph_prefixes[p]) == ns for p, ns in prefixes.items())


def test_short_names_use_the_longest_declared_namespace():
    assert vocab.shorten(vocab.CMLOPS + "model-versioning") == "cmlops:model-versioning"
    assert vocab.shorten("https://example.org/x") == "https://example.org/x"
    assert shorten(IRI(vocab.XSD + "date")) == "xsd:date"
