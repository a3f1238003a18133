"""The vocabulary the code writes and reads: namespace IRIs, the prefix map, controlled values.

The prefix map is data: the ontology header (``ontology/cmlops.ttl``) declares every prefix
with SHACL's ``sh:declare``, and :func:`prefixes` reads it from there, so reports, tables,
the documentation and the Turtle the tools write all use the same short names. The
implementation statuses, test modes and assessment methods are declared here once, by the
key users write (questionnaire answers, scanner verdicts) and the IRI the ontology defines;
``tests/test_vocab.py`` checks both against the ontology.
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from cmlops_kg.resources import HEADER_FILE

CMLOPS = "https://w3id.org/cmlops#"
ONTOLOGY_IRI = "https://w3id.org/cmlops"
ONTOLOGY_GRAPH = "https://w3id.org/cmlops/graph/ontology"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SH = "http://www.w3.org/ns/shacl#"
PROV = "http://www.w3.org/ns/prov#"
EARL = "http://www.w3.org/ns/earl#"
DQV = "http://www.w3.org/ns/dqv#"
ORG = "http://www.w3.org/ns/org#"
DCTERMS = "http://purl.org/dc/terms/"

RDF_TYPE = RDF + "type"
RDFS_LABEL = RDFS + "label"

# key (as written in answers and scanner verdicts) -> IRI, strongest first
STATUSES: dict[str, str] = {
    "implemented": CMLOPS + "status-implemented",
    "partial": CMLOPS + "status-partial",
    "planned": CMLOPS + "status-planned",
    "not-implemented": CMLOPS + "status-not-implemented",
    "unknown": CMLOPS + "status-unknown",
    "not-applicable": CMLOPS + "status-not-applicable",
}
MODES: dict[str, str] = {
    "manual": EARL + "manual",
    "semi-automated": EARL + "semiAuto",
    "automated": EARL + "automatic",
}
METHODS: dict[str, str] = {
    "questionnaire": CMLOPS + "method-questionnaire",
    "repository-scan": CMLOPS + "method-repository-scan",
    "audit": CMLOPS + "method-audit",
    "combined": CMLOPS + "method-combined",
}


@lru_cache(maxsize=1)
def prefixes() -> dict[str, str]:
    """prefix -> namespace, as the ontology header declares them (``sh:declare``)."""
    declare, prefix, namespace = (ox.NamedNode(SH + n) for n in ("declare", "prefix", "namespace"))
    header = ox.NamedNode(ONTOLOGY_IRI)
    store = ox.Store()
    store.load(path=str(HEADER_FILE), format=ox.RdfFormat.TURTLE)
    found = {}
    for quad in store.quads_for_pattern(header, declare, None):
        name = next(store.quads_for_pattern(quad.object, prefix, None), None)
        iri = next(store.quads_for_pattern(quad.object, namespace, None), None)
        if name is not None and iri is not None:
            found[name.object.value] = iri.object.value
    return dict(sorted(found.items()))


def curie(iri: str) -> str | None:
    """``prefix:local`` for an IRI in a declared namespace (the longest match), else None."""
    best = max(
        ((ns, p) for p, ns in prefixes().items() if iri.startswith(ns) and len(iri) > len(ns)),
        key=lambda item: len(item[0]),
        default=None,
    )
    return None if best is None else f"{best[1]}:{iri[len(best[0]) :]}"


def practice_key(iri: str) -> str:
    """How a cmlops term is named in answers, anchors and rule ids: its local name (other
    IRIs unchanged)."""
    return iri[len(CMLOPS) :] if iri.startswith(CMLOPS) else iri


def shorten(iri: str) -> str:
    """The CURIE of an IRI in a declared namespace, else the IRI unchanged."""
    return curie(iri) or iri
