"""The Rust SHACL engine (PyPI ``shacl``) as an optional, much faster profile validator.

pySHACL takes 25-500 ms per profile here; the Rust engine parses and validates one in about
2 ms, which is what lets a portfolio of thousands of teams be validated in seconds. Its
results are turned into the same SHACL report graph pySHACL gives, so
:mod:`cmlops_kg.validation.report` words them the same way; ``tests/test_store.py`` checks that
both engines give the same findings on every example profile.

Two differences are smoothed over here: the engine leaves ``{$value}`` in messages
unsubstituted and writes ``{?value}`` as a bare IRI, so messages are re-rendered from the
shape's template. One is not: its SPARQL evaluator cannot compare ``xsd:date`` values with
``<``, so a SHACL-SPARQL constraint that does (the period-order check on metric
observations) finds nothing under this engine.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

if TYPE_CHECKING:  # the report graph is built with rdflib only when there are results
    import rdflib

PLACEHOLDER = re.compile(r"\{[$?]value\}")


def available() -> bool:
    return importlib.util.find_spec("shacl") is not None


@lru_cache(maxsize=4)
def compiled_shapes(shapes_text: str) -> Any:
    """The shapes compiled once per process (profile shapes, ontology shapes)."""
    import shacl  # optional dependency

    return shacl.Shapes.from_turtle(shapes_text)


def validate(
    triples: Iterable[ox.Triple],
    context: bytes,
    shapes_text: str,
    templates: Iterable[str],
    short: Callable[[rdflib.term.Node], str],
) -> tuple[bool, rdflib.Graph | None]:
    """Validate ``triples`` plus ``context`` (N-Triples) against the shapes; the SHACL
    report graph, or None when the engine reports no result (rdflib is not imported then)."""
    data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) + b"\n" + context
    report = compiled_shapes(shapes_text).validate_text(
        data.decode("utf-8"), format="ntriples", allow_warnings=True
    )
    if not len(report):
        return bool(report.conforms), None
    import rdflib

    results = rdflib.Graph().parse(data=report.serialize("ntriples"), format="nt")
    _render_messages(results, list(templates), short)
    return bool(report.conforms), results


def _render_messages(
    results: rdflib.Graph, templates: list[str], short: Callable[[rdflib.term.Node], str]
) -> None:
    import rdflib
    from rdflib.namespace import RDF, SH

    patterns = [(t, _template_pattern(t)) for t in templates if PLACEHOLDER.search(t)]
    for result in list(results.subjects(RDF.type, SH.ValidationResult)):
        message = results.value(result, SH.resultMessage)
        value = results.value(result, SH.value)
        if message is None or value is None:
            continue
        for template, pattern in patterns:
            if pattern.fullmatch(str(message)):
                rendered = PLACEHOLDER.sub(short(value).replace("\\", r"\\"), template)
                results.set((result, SH.resultMessage, rdflib.Literal(rendered)))
                break


@lru_cache(maxsize=64)
def _template_pattern(template: str) -> re.Pattern[str]:
    parts = PLACEHOLDER.split(template)
    return re.compile(r"(?:.*?|\{[$?]value\})".join(re.escape(p) for p in parts), re.DOTALL)
