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


def ontology_term_subjects(triples: Iterable[ox.Triple]) -> set[ox.NamedNode]:
    """The subjects of ``triples`` that are ontology terms (:func:`is_ontology_term`), each
    checked once: a profile has a few hundred subjects for thousands of triples."""
    return {s for s in {t.subject for t in triples} if is_ontology_term(s)}


def without_ontology_terms(triples: list[ox.Triple]) -> list[ox.Triple]:
    """``triples`` less those about an ontology term (the same list when there are none, as
    in every profile that validates)."""
    terms = ontology_term_subjects(triples)
    return [t for t in triples if t.subject not in terms] if terms else triples


def about_ontology_terms(triples: Iterable[ox.Triple]) -> dict[str, list[ox.Triple]]:
    """The triples whose subject is an ontology term, by subject IRI."""
    triples = triples if isinstance(triples, list | tuple) else list(triples)
    terms = ontology_term_subjects(triples)
    found: dict[str, list[ox.Triple]] = {}
    if terms:
        for t in triples:
            if t.subject in terms:
                found.setdefault(t.subject.value, []).append(t)
    return found
