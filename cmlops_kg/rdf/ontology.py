"""Loading the cmlops ontology modules (every ``ontology/*.ttl``) as one graph."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import rdflib

from cmlops_kg import vocab
from cmlops_kg.resources import ONTOLOGY_DIR


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
    for prefix, namespace in vocab.prefixes().items():
        graph.bind(prefix, namespace)
