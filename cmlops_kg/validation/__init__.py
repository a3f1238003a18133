"""SHACL validation of organisation profiles: one entry point, two engines, one report.

:func:`validate_profile` checks a profile against ``shapes/profile.shapes.ttl`` with the
ontology's types mixed in, using pySHACL (:mod:`.pyshacl_engine`) or the Rust ``shacl``
package (:mod:`.rust_engine`, ``pip install 'cmlops-kg[fast]'``); both reports are worded the
same way (:mod:`.report`). :func:`shacl_engine` picks the engine.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

import pyoxigraph as ox

from cmlops_kg.errors import InputError
from cmlops_kg.rdf.ontology import about_ontology_terms
from cmlops_kg.rdf.profiles import Profile, triples_to_rdflib
from cmlops_kg.resources import SHAPES_DIR
from cmlops_kg.sparql.library import get_query
from cmlops_kg.store.cache import cached_bytes, source_key
from cmlops_kg.store.inference import prepared_ontology_key
from cmlops_kg.store.shared import ontology_view
from cmlops_kg.validation import rust_engine
from cmlops_kg.validation.report import (
    ValidationFinding,
    ValidationReport,
    findings_of,
    format_validation_report,
    no_assessment_finding,
    ontology_term_finding,
    short_node,
)

__all__ = [
    "SHACL_ENGINES",
    "ValidationFinding",
    "ValidationReport",
    "format_validation_report",
    "shacl_engine",
    "validate_profile",
]

if TYPE_CHECKING:  # rdflib (and pySHACL) load when a report graph is read, not to conform
    import rdflib

PROFILE_SHAPES = SHAPES_DIR / "profile.shapes.ttl"
SH_MESSAGE = "http://www.w3.org/ns/shacl#message"


@lru_cache(maxsize=1)
def shapes_graph() -> rdflib.Graph:
    import rdflib

    return rdflib.Graph().parse(PROFILE_SHAPES, format="turtle")


@lru_cache(maxsize=1)
def validation_context() -> tuple[ox.Triple, ...]:
    """Type and class-hierarchy triples of the ontology (see queries/validation_context.rq)."""
    parsed = ox.parse(_context_ntriples(), format=ox.RdfFormat.N_TRIPLES)
    return tuple(quad.triple for quad in parsed)


@lru_cache(maxsize=1)
def _context_graph() -> rdflib.Graph:
    """The validation context as an rdflib graph, built once per process (read only)."""
    return triples_to_rdflib(validation_context())


def _with_context(profile: rdflib.Graph) -> rdflib.Graph:
    """The profile and the validation context read as one graph (what findings are described
    from), without copying the context's thousands of triples into every report's graph."""
    from rdflib.graph import ReadOnlyGraphAggregate

    return ReadOnlyGraphAggregate([profile, _context_graph()])


SHACL_ENGINE_ENV = "CMLOPS_KG_SHACL_ENGINE"
SHACL_ENGINES = ("pyshacl", "rust", "auto")


def shacl_engine(name: str | None = None) -> str:
    """The engine to validate with: ``name``, else $CMLOPS_KG_SHACL_ENGINE, else ``auto``:
    the Rust engine (PyPI ``shacl``, a dependency, see :mod:`.rust_engine`) when it is
    installed, else pySHACL, the reference engine (``tests/test_store.py`` checks that both
    give the same findings on every example and invalid example)."""
    chosen = (name or os.environ.get(SHACL_ENGINE_ENV) or "auto").strip().lower()
    if chosen not in SHACL_ENGINES:
        raise InputError(
            f"unknown SHACL engine {chosen!r}", fix=f"use one of {', '.join(SHACL_ENGINES)}"
        )
    if chosen == "auto":
        return "rust" if rust_engine.available() else "pyshacl"
    if chosen == "rust" and not rust_engine.available():
        raise InputError(
            "the Rust SHACL engine is not installed",
            fix="pip install shacl, or choose --shacl-engine pyshacl",
        )
    return chosen


@lru_cache(maxsize=1)
def _message_templates() -> tuple[str, ...]:
    """Every sh:message of the profile shapes (read with Oxigraph: rdflib's Turtle parser is
    not needed when the Rust engine validates)."""
    message = ox.NamedNode(SH_MESSAGE)
    quads = ox.parse(path=str(PROFILE_SHAPES), format=ox.RdfFormat.TURTLE)
    return tuple(dict.fromkeys(q.object.value for q in quads if q.predicate == message))


@lru_cache(maxsize=1)
def _context_ntriples() -> bytes:
    """The validation context as N-Triples, kept with the prepared ontology it is derived
    from (in the process and in the user's cache folder, :mod:`cmlops_kg.store.cache`), so a
    new process need not load the ontology into a store and query it to validate."""
    query = get_query("validation_context")
    key = source_key([query.path]) + prepared_ontology_key()
    return cached_bytes(f"validation-context-{key}.nt", _build_context)


def _build_context() -> bytes:
    triples = ontology_view().construct("validation_context")
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


@lru_cache(maxsize=1)
def _shapes_text() -> str:
    return PROFILE_SHAPES.read_text(encoding="utf-8")


def _ontology_findings(profile: Profile) -> list[ValidationFinding]:
    """Statements the profile makes about ontology terms: refused, one finding per term."""
    return [
        ontology_term_finding(subject, [t.predicate.value for t in triples], short_node(subject))
        for subject, triples in sorted(about_ontology_terms(profile.triples).items())
    ]


def validate_profile(profile: Profile, engine: str | None = None) -> ValidationReport:
    """Validate one profile against the profile shapes, with the ontology's types mixed in."""
    if shacl_engine(engine) == "rust":
        conforms, results = rust_engine.validate(
            profile.triples,
            _context_ntriples(),
            _shapes_text(),
            _message_templates(),
            short_node,
        )
        data = None
        if results is not None:  # labels for the findings; not needed when none are found
            data = _with_context(profile.to_rdflib())
    else:
        from cmlops_kg.validation import pyshacl_engine  # rdflib and pySHACL load slowly

        data = profile.to_rdflib()
        triples_to_rdflib(validation_context(), data)
        conforms, results = pyshacl_engine.validate(data, shapes_graph())
    about_ontology = _ontology_findings(profile)
    found = findings_of(results, data) if results is not None and data is not None else []
    findings = found + about_ontology
    conforms = bool(conforms) and not about_ontology
    if not profile.assessment_iris():
        conforms = False
        findings.append(no_assessment_finding(profile.name))
    findings.sort(
        key=lambda f: (f.organisation_label or "", f.focus_label, f.path or "", f.message)
    )
    return ValidationReport(source=profile.name, conforms=bool(conforms), findings=findings)
