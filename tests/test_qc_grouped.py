"""The grouped QC queries (duplicate definition and label) find what the pairwise self-joins
they replaced found: the pairwise forms, kept here as the reference, run on a small graph
holding every kind of near-duplicate (language tags, case, blank and foreign subjects)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from cmlops_kg.sparql.library import get_query

PREFIXES = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
PAIRWISE = {
    "qc/duplicate_definition": PREFIXES
    + """SELECT DISTINCT ?entity ?property ?value WHERE {
  ?entity skos:definition ?value .
  ?other skos:definition ?otherDefinition .
  FILTER(isIRI(?entity) && STRSTARTS(STR(?entity), "https://w3id.org/cmlops#"))
  FILTER(?entity != ?other && STR(?value) = STR(?otherDefinition))
  BIND(skos:definition AS ?property)
}""",
    "qc/duplicate_label": PREFIXES
    + """SELECT DISTINCT ?entity ?property ?value WHERE {
  ?entity rdfs:label ?value .
  ?other rdfs:label ?otherLabel .
  FILTER(isIRI(?entity) && STRSTARTS(STR(?entity), "https://w3id.org/cmlops#"))
  FILTER(isIRI(?other) && STRSTARTS(STR(?other), "https://w3id.org/cmlops#"))
  FILTER(?entity != ?other)
  FILTER(LANG(?value) = LANG(?otherLabel) && LCASE(STR(?value)) = LCASE(STR(?otherLabel)))
  BIND(rdfs:label AS ?property)
}""",
}
DATA = b"""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix c: <https://w3id.org/cmlops#> .
c:a skos:definition "Same text."@en ; rdfs:label "Twin"@en .
c:b skos:definition "Same text." ; rdfs:label "twin"@en , "twin"@de .
c:c skos:definition "Shared with a blank node."@en ; rdfs:label "Twin"@fr .
_:x skos:definition "Shared with a blank node." .
c:d skos:definition "Alone."@en ; rdfs:label "Alone"@en ; rdfs:label "alone"@en .
<https://example.org/e> rdfs:label "alone"@en ; skos:definition "Alone." .
c:f skos:definition "Repeated by one term."@en , "Repeated by one term." .
"""


def _rows(store: ox.Store, text: str) -> set[tuple[str, ...]]:
    return {tuple(str(term) for term in row) for row in store.query(text)}


@pytest.mark.parametrize("name", sorted(PAIRWISE))
def test_grouped_qc_query_matches_the_pairwise_one(name: str) -> None:
    store = ox.Store()
    store.load(DATA, format=ox.RdfFormat.TURTLE)
    grouped = _rows(store, get_query(name).text)
    assert grouped == _rows(store, PAIRWISE[name])
    assert grouped  # the data holds duplicates of both kinds
