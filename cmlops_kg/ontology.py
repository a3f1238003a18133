"""Loading the cmlops ontology modules (every ``ontology/*.ttl``) as one graph."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import rdflib

from .paths import ONTOLOGY_DIR


def ontology_files(directory: Path = ONTOLOGY_DIR) -> list[Path]:
    """The Turtle modules of the ontology, header first, in a stable order."""
    files = sorted(directory.glob("*.ttl"))
    return sorted(files, key=lambda p: (p.name != "cmlops.ttl", p.name))


def parse_ontology(files: list[Path] | None = None) -> rdflib.Graph:
    """A fresh rdflib graph holding every module (callers may modify it)."""
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
    graph.bind("cmlops", "https://w3id.org/cmlops#")
    graph.bind("skos", "http://www.w3.org/2004/02/skos/core#")
    graph.bind("prov", "http://www.w3.org/ns/prov#")
    graph.bind("earl", "http://www.w3.org/ns/earl#")
    graph.bind("dqv", "http://www.w3.org/ns/dqv#")
    graph.bind("org", "http://www.w3.org/ns/org#")
    graph.bind("dcterms", "http://purl.org/dc/terms/")
    graph.bind("vann", "http://purl.org/vocab/vann/")
