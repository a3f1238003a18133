"""The public entry points: assess, validate, scan, open a store.

The CLI, the explorer and the portfolio all assess through :func:`assess`, so there is one way
from evidence to levels: read the profile (a file, text, bytes, an rdflib graph or a parsed
:class:`~cmlops_kg.rdf.profiles.Profile`), validate it, load it into a store with the
ontology, infer its results and read them back as an
:class:`~cmlops_kg.assessment.result.AssessmentResult`.

>>> import cmlops_kg
>>> result = cmlops_kg.assess("examples/profiles/ledgerly.ttl")  # doctest: +SKIP
>>> result.overall_level, [g.label for g in result.gaps]  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from cmlops_kg.assessment.engine import Assessor, assessment_queries
from cmlops_kg.errors import SelectionError, ValidationFailed
from cmlops_kg.rdf.profiles import ProfileSource, as_profile
from cmlops_kg.store import open_store as _open_store
from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.validation import validate_profile
from cmlops_kg.vocab import ONTOLOGY_GRAPH

if TYPE_CHECKING:  # pragma: no cover
    from cmlops_kg.assessment.result import AssessmentResult
    from cmlops_kg.scanner import ScanResult
    from cmlops_kg.store.base import GraphStore
    from cmlops_kg.validation.report import ValidationReport


def assess(
    source: ProfileSource | None = None,
    *,
    organisation: str | None = None,
    assessment: str | None = None,
    validate: bool = True,
    format: str | None = None,
    store: GraphStore | None = None,
    dora_year: int | None = None,
    shacl_engine: str | None = None,
    summary: bool = False,
) -> AssessmentResult:
    """Levels, external levels, gaps, roadmap, outcomes and history of one organisation.

    ``source``: a profile as a path, Turtle/JSON-LD/RDF-XML/N-Triples text or bytes (syntax
    from ``format``, default Turtle), an rdflib ``Graph`` or a parsed ``Profile``; it is
    validated first (``validate=False`` skips that) and loaded into ``store`` (default: a
    fresh in-memory store). Without a source, the organisation is read from ``store`` as it
    is (e.g. a team of a shared store, or a profile loaded earlier). ``organisation`` is
    needed when the data holds several; ``assessment`` picks one (default: the latest);
    ``dora_year`` the DORA survey year of the outcome clusters (default: the newest).
    ``summary=True`` leaves the roadmap, history, outcomes, practice list and what external
    levels miss for their next level empty: the
    levels and gaps of a portfolio of thousands of teams, at a tenth of the cost.

    Raises :class:`~cmlops_kg.errors.ValidationFailed` (with the report) when the profile
    does not conform, and other :class:`~cmlops_kg.errors.CmlopsError` subclasses that say
    what is wrong and how to fix it.
    """
    if source is None:
        if store is None:
            raise SelectionError(
                "nothing to assess", fix="give a profile (path, text, graph) or a store holding one"
            )
        return Assessor(store).result(organisation, assessment, dora_year, summary)
    profile = as_profile(source, format)
    if validate:
        report = validate_profile(profile, shacl_engine)
        if not report.conforms:
            raise ValidationFailed(report)
    # a fresh store per assessment: its ontology is the prepared one kept by this process
    # (one bulk parse); a store shared between assessments slows down with every profile it
    # has held and dropped (measured for issue 16)
    if store is not None:
        engine = Assessor(_with_ontology(store))
        engine.load(profile)
    else:  # nothing else reads the private store: the reported assessment's results suffice
        engine = Assessor(_private_store())
        engine.load_to_report(profile, organisation, assessment)
    return engine.result(organisation, assessment, dora_year, summary)


def validate(
    source: ProfileSource,
    *,
    format: str | None = None,
    shacl_engine: str | None = None,
) -> ValidationReport:
    """The SHACL report of a profile: whether it conforms and, per organisation and evidence,
    what is wrong and how to fix it. ``shacl_engine``: ``pyshacl``, ``rust`` or ``auto``."""
    return validate_profile(as_profile(source, format), shacl_engine)


def scan(path: str | os.PathLike[str], **options: object) -> ScanResult:
    """Evidence of practices in a local repository (read-only; nothing in it is run).

    ``options``: ``max_file_bytes`` (content checks skip larger files), ``exclude`` (globs to
    leave out), ``progress`` (a :class:`~cmlops_kg.scanner.progress.Progress`). The result's
    ``to_profile()`` is a profile that :func:`assess` reads like any other.
    """
    from cmlops_kg.scanner import scan_repository  # the scanner loads its signal catalogue

    return scan_repository(path, **options)  # type: ignore[arg-type]


def open_store(
    endpoint: str | None = None,
    location: Path | str | None = None,
    *,
    timeout: float | None = None,
    environ: Mapping[str, str] | None = None,
    read_only: bool = False,
    preset: str | None = None,
) -> GraphStore:
    """A store to assess in: a shared SPARQL 1.1 server (``endpoint``, or
    $CMLOPS_KG_ENDPOINT), an embedded store kept on disk in ``location`` (or
    $CMLOPS_KG_STORE), else an embedded one in memory. An embedded store gets the ontology
    when it has none; a shared server is never written to by opening it. ``read_only=True``
    reads an on-disk store without locking it, so others can load into it meanwhile (it must
    exist and hold the ontology: 'cmlops-kg load' puts it there). ``preset`` names the kind of
    server (oxigraph, virtuoso, fuseki, graphdb, generic: cmlops_kg/store/endpoints.toml)."""
    store = _open_store(
        endpoint, location, timeout=timeout, environ=environ, read_only=read_only, preset=preset
    )
    if isinstance(store, EmbeddedStore) and store.read_only:
        return store.require_ontology()
    return _with_ontology(store) if isinstance(store, EmbeddedStore) else store


def _private_store() -> EmbeddedStore:
    """A fresh in-memory store with the ontology, for one assessment in this thread: only
    the triples the assessment's queries can match (a third fewer to load and join)."""
    store = EmbeddedStore(exclusive=True)
    store.load_ontology(answering=assessment_queries())
    return store


def _with_ontology(store: GraphStore) -> GraphStore:
    if ONTOLOGY_GRAPH not in store.graphs():
        store.load_ontology()
    return store
