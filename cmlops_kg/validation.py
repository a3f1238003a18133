"""SHACL validation of organisation profiles, reported in words a manager can act on."""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import RDF, RDFS, SH

from . import fast_shacl
from .errors import InputError
from .paths import SHAPES_DIR
from .profiles import Profile, triples_to_rdflib
from .store import EmbeddedStore

CMLOPS = rdflib.Namespace("https://w3id.org/cmlops#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
DQV = rdflib.Namespace("http://www.w3.org/ns/dqv#")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
PROFILE_SHAPES = SHAPES_DIR / "profile.shapes.ttl"


@dataclass
class Finding:
    """One SHACL result, placed in its organisation and evidence."""

    severity: str
    message: str
    focus: str
    focus_label: str
    path: str | None
    value: str | None
    organisation: str | None
    organisation_label: str | None
    practice: str | None = None
    shape: str | None = None


@dataclass
class ValidationReport:
    source: str
    conforms: bool
    findings: list[Finding] = field(default_factory=list)

    def by_organisation(self) -> dict[str, list[Finding]]:
        grouped: dict[str, list[Finding]] = defaultdict(list)
        for f in self.findings:
            grouped[f.organisation_label or f.organisation or "(no organisation)"].append(f)
        return dict(grouped)

    def to_json(self) -> dict:
        return {
            "source": self.source,
            "conforms": self.conforms,
            "violations": sum(1 for f in self.findings if f.severity == "Violation"),
            "findings": [asdict(f) for f in self.findings],
        }


@lru_cache(maxsize=1)
def shapes_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(PROFILE_SHAPES, format="turtle")


@lru_cache(maxsize=1)
def validation_context() -> tuple[ox.Triple, ...]:
    """Type and class-hierarchy triples of the ontology (see queries/validation_context.rq)."""
    store = EmbeddedStore()
    store.load_ontology()
    return tuple(store.construct("validation_context"))


SHACL_ENGINE_ENV = "CMLOPS_KG_SHACL_ENGINE"
SHACL_ENGINES = ("pyshacl", "rust", "auto")


def shacl_engine(name: str | None = None) -> str:
    """The engine to validate with: ``name``, else $CMLOPS_KG_SHACL_ENGINE, else pySHACL;
    ``auto`` picks the Rust engine (PyPI ``shacl``, see :mod:`cmlops_kg.fast_shacl`) when it
    is installed."""
    chosen = (name or os.environ.get(SHACL_ENGINE_ENV) or "pyshacl").strip().lower()
    if chosen not in SHACL_ENGINES:
        raise InputError(
            f"unknown SHACL engine {chosen!r}", fix=f"use one of {', '.join(SHACL_ENGINES)}"
        )
    if chosen == "auto":
        return "rust" if fast_shacl.available() else "pyshacl"
    if chosen == "rust" and not fast_shacl.available():
        raise InputError(
            "the Rust SHACL engine is not installed",
            fix="pip install shacl, or choose --shacl-engine pyshacl",
        )
    return chosen


@lru_cache(maxsize=1)
def _message_templates() -> tuple[str, ...]:
    return tuple(str(m) for m in shapes_graph().objects(None, SH.message))


@lru_cache(maxsize=1)
def _context_ntriples() -> bytes:
    return ox.serialize(list(validation_context()), format=ox.RdfFormat.N_TRIPLES)


@lru_cache(maxsize=1)
def _shapes_text() -> str:
    return PROFILE_SHAPES.read_text(encoding="utf-8")


def validate_profile(profile: Profile, engine: str | None = None) -> ValidationReport:
    """Validate one profile against the profile shapes, with the ontology's types mixed in."""
    if shacl_engine(engine) == "rust":
        conforms, results = fast_shacl.validate(
            profile.triples,
            _context_ntriples(),
            _shapes_text(),
            _message_templates(),
            _short,
        )
        data = rdflib.Graph()
        if len(results):  # labels for the findings; not needed when the profile conforms
            data = profile.to_rdflib()
            triples_to_rdflib(validation_context(), data)
    else:
        data = profile.to_rdflib()
        triples_to_rdflib(validation_context(), data)
        conforms, results, _text = shacl_validate(
            data,
            shacl_graph=shapes_graph(),
            inference="none",
            allow_warnings=True,
            meta_shacl=False,
        )
    findings = [_finding(results, r, data) for r in results.subjects(RDF.type, SH.ValidationResult)]
    if not profile.assessment_iris():
        conforms = False
        findings.append(
            Finding(
                severity="Violation",
                message="The profile holds no assessment, so there is nothing to assess. Add "
                "'<assessment> a cmlops:Assessment ; cmlops:assesses <organisation>' with a "
                "date, a method and evidence, or start from 'cmlops-kg questionnaire'.",
                focus=profile.name,
                focus_label="the whole profile",
                path=None,
                value=None,
                organisation=None,
                organisation_label=None,
            )
        )
    findings.sort(
        key=lambda f: (f.organisation_label or "", f.focus_label, f.path or "", f.message)
    )
    return ValidationReport(source=profile.name, conforms=bool(conforms), findings=findings)


MAX_LABEL = 120


def _label(graph: rdflib.Graph, node: rdflib.term.Node | None) -> str:
    if node is None:
        return ""
    label = graph.value(node, RDFS.label)
    text = str(label) if label is not None else _short(node)
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


SHORT_PREFIXES = {
    "https://w3id.org/cmlops#": "cmlops:",
    "http://purl.org/dc/terms/": "dcterms:",
    "http://www.w3.org/ns/dqv#": "dqv:",
    "http://www.w3.org/ns/earl#": "earl:",
    "http://www.w3.org/ns/org#": "org:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
    "http://www.w3.org/2001/XMLSchema#": "xsd:",
}


def _short(node: rdflib.term.Node) -> str:
    if isinstance(node, rdflib.BNode):
        return "(unnamed node)"
    return short_iri(str(node))


def short_iri(text: str) -> str:
    for namespace, prefix in SHORT_PREFIXES.items():
        if text.startswith(namespace):
            return prefix + text[len(namespace) :]
    return text


def _clip(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _readable_message(message: str, value: rdflib.term.Node | None) -> str:
    """Fill the {$value}/{?value} placeholders and shorten the IRIs a message mentions."""
    shown = _clip(_short(value)) if value is not None else "the value"
    message = message.replace("{$value}", shown).replace("{?value}", shown)
    for namespace, prefix in SHORT_PREFIXES.items():
        message = message.replace(namespace, prefix)
    return message


def _describe(graph: rdflib.Graph, node: rdflib.term.Node) -> str:
    """A focus node in words: what kind of thing it is and which one."""
    practice = graph.value(node, CMLOPS.aboutPractice)
    if practice is not None:
        return f"evidence for {_label(graph, practice)}"
    if (node, RDF.type, CMLOPS.Assessment) in graph or graph.value(node, CMLOPS.assesses):
        date = graph.value(node, DCTERMS.date)
        return f"assessment {_label(graph, node)}" + (f" of {date}" if date else "")
    metric = graph.value(node, DQV.isMeasurementOf)
    if metric is not None:
        return f"observation of {_label(graph, metric)}"
    if (node, RDF.type, ORG.Organization) in graph:
        return f"organisation {_label(graph, node)}"
    return _label(graph, node)


def _organisation_of(graph: rdflib.Graph, node: rdflib.term.Node) -> rdflib.term.Node | None:
    """The organisation a focus node belongs to: itself, its assessment's, or its evidence's."""
    if (node, RDF.type, ORG.Organization) in graph or (
        node,
        RDF.type,
        ORG.OrganizationalUnit,
    ) in graph:
        return node
    org = graph.value(node, CMLOPS.assesses)
    if org is not None:
        return org
    assessment = graph.value(node, PROV.wasGeneratedBy)
    if assessment is not None:
        return graph.value(assessment, CMLOPS.assesses)
    return None


def _finding(results: rdflib.Graph, result: rdflib.term.Node, data: rdflib.Graph) -> Finding:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    severity = results.value(result, SH.resultSeverity)
    message = results.value(result, SH.resultMessage)
    org = _organisation_of(data, focus) if focus is not None else None
    practice = data.value(focus, CMLOPS.aboutPractice) if focus is not None else None
    focus_label = _describe(data, focus) if focus is not None else ""
    return Finding(
        severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
        message=_readable_message(str(message), value) if message else "constraint violated",
        focus=str(focus),
        focus_label=focus_label,
        path=_short(path) if isinstance(path, rdflib.URIRef) else (str(path) if path else None),
        value=_clip(_short(value)) if value is not None and value != focus else None,
        organisation=str(org) if org is not None else None,
        organisation_label=_label(data, org) if org is not None else None,
        practice=str(practice) if practice is not None else None,
        shape=str(results.value(result, SH.sourceShape)),
    )


def format_report(reports: list[ValidationReport]) -> str:
    """A plain-text report: per file, per organisation, what is wrong and how to fix it."""
    lines: list[str] = []
    for report in reports:
        n = sum(1 for f in report.findings if f.severity == "Violation")
        status = "conforms" if report.conforms else f"{n} problem{'s' if n != 1 else ''}"
        lines.append(f"{report.source}: {status}")
        for org, findings in report.by_organisation().items():
            lines.append(f"  Organisation: {org}")
            for f in findings:
                where = f.focus_label + (f" ({f.path})" if f.path else "")
                value = f" [value: {f.value}]" if f.value else ""
                lines.append(f"    - {f.severity}: {where}{value}")
                lines.append(f"      {f.message}")
    return "\n".join(lines)
