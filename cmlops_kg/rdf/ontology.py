"""Loading the cmlops ontology modules (every ``ontology/*.ttl``) as one graph."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from cmlops_kg import vocab
from cmlops_kg.resources import ONTOLOGY_DIR

if TYPE_CHECKING:  # imported where an rdflib graph is built (assessing does not need one)
    import rdflib


def ontology_files(directory: Path = ONTOLOGY_DIR) -> list[Path]:
    """The Turtle modules of the ontology, header first, in a stable order."""
    files = sorted(directory.glob("*.ttl"))
    return sorted(files, key=lambda p: (p.name != "cmlops.ttl", p.name))


def parse_ontology(files: list[Path] | None = None) -> rdflib.Graph:
    """A fresh rdflib graph holding every module (callers may modify it)."""
    import rdflib

    graph = rdflib.Graph()
    for path in files if files is not None else ontology_files():
        graph.parse(path, format="turtle")
    _bind_prefixes(graph)
    return graph


@lru_cache(maxsize=1)
def ontology_graph() -> rdflib.Graph:
    """The shared, read-only ontology graph (parsed once per process)."""
    return parse_ontology()


def _bind_prefixes(graph: rdflib.Graph) -> None:
    for prefix, namespace in vocab.prefixes().items():
        graph.bind(prefix, namespace)


# Vocabularies whose terms no profile may describe: the framework's own and the W3C ones it
# builds on (a profile saying ``rdfs:label rdfs:subPropertyOf ...`` would change them too).
RESERVED_NAMESPACES = (vocab.CMLOPS, vocab.RDF, vocab.RDFS, vocab.OWL, vocab.SH, vocab.XSD)


@lru_cache(maxsize=1)
def ontology_subjects() -> frozenset[str]:
    """Every IRI the bundled ontology makes statements about (kept in the user's cache folder
    with the prepared ontology, :mod:`cmlops_kg.store.cache`: one line per IRI)."""
    from cmlops_kg.store.cache import cached_bytes, source_key

    files = ontology_files()
    data = cached_bytes(f"ontology-subjects-{source_key(files)}.txt", lambda: _subjects(files))
    return frozenset(data.decode("utf-8").splitlines())


def _subjects(files: list[Path]) -> bytes:
    found = {
        t.subject.value
        for path in files
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        if isinstance(t.subject, ox.NamedNode)
    }
    return "\n".join(sorted(found)).encode("utf-8")


def is_ontology_term(term: object) -> bool:
    """Whether ``term`` is a term of the ontology (or of a vocabulary it builds on)."""
    if not isinstance(term, ox.NamedNode):
        return False
    return term.value.startswith(RESERVED_NAMESPACES) or term.value in ontology_subjects()


def about_ontology_terms(triples: Iterable[ox.Triple]) -> dict[str, list[ox.Triple]]:
    """The triples whose subject is an ontology term, by subject IRI."""
    found: dict[str, list[ox.Triple]] = {}
    for t in triples:
        if is_ontology_term(t.subject):
            found.setdefault(t.subject.value, []).append(t)
    return found
