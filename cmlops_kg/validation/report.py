"""Validation findings and reports in words a manager can act on.

A SHACL result graph (from either engine) becomes :class:`ValidationFinding` objects placed in
their organisation and evidence, with short IRIs (the ontology's prefix map) and the shape's
message filled in; :func:`format_validation_report` prints them per file and organisation.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from cmlops_kg import vocab
from cmlops_kg.present.escape import terminal

if TYPE_CHECKING:  # report graphs are read with rdflib, imported only when there are findings
    import rdflib

MAX_LABEL = 120


class _Namespace:
    """rdflib IRIs of one namespace, made when first used (rdflib is imported then, not when
    this module is: a profile that conforms is reported without it)."""

    def __init__(self, iri: str) -> None:
        self._iri = iri

    def __getattr__(self, name: str) -> rdflib.URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        import rdflib

        return rdflib.URIRef(self._iri + name)


CMLOPS = _Namespace(vocab.CMLOPS)
PROV = _Namespace(vocab.PROV)
ORG = _Namespace(vocab.ORG)
DQV = _Namespace(vocab.DQV)
DCTERMS = _Namespace(vocab.DCTERMS)


@dataclass
class ValidationFinding:
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
    findings: list[ValidationFinding] = field(default_factory=list)

    def by_organisation(self) -> dict[str, list[ValidationFinding]]:
        grouped: dict[str, list[ValidationFinding]] = defaultdict(list)
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


def no_assessment_finding(source: str) -> ValidationFinding:
    """The finding for a profile that declares no assessment at all."""
    return ValidationFinding(
        severity="Violation",
        message="The profile holds no assessment, so there is nothing to assess. Add "
        "'<assessment> a cmlops:Assessment ; cmlops:assesses <organisation>' with a "
        "date, a method and evidence, or start from 'cmlops-kg questionnaire'.",
        focus=source,
        focus_label="the whole profile",
        path=None,
        value=None,
        organisation=None,
        organisation_label=None,
    )


def ontology_term_finding(subject: str, predicates: list[str], label: str) -> ValidationFinding:
    """The finding for a profile that makes statements about an ontology term."""
    shown = ", ".join(vocab.shorten(p) for p in sorted(set(predicates))[:3])
    return ValidationFinding(
        severity="Violation",
        message=f"The profile makes {len(predicates)} statement"
        f"{'s' if len(predicates) != 1 else ''} about the ontology term {label} ({shown}): "
        "a profile describes an organisation and its evidence and cannot change the "
        "ontology. Remove these statements, or propose the change to the ontology itself.",
        focus=subject,
        focus_label=label,
        path=predicates[0] if predicates else None,
        value=None,
        organisation=None,
        organisation_label=None,
    )


def findings_of(results: rdflib.Graph, data: rdflib.Graph) -> list[ValidationFinding]:
    """One finding per top-level ``sh:ValidationResult`` of a report graph, described from
    ``data``. Results nested as another's ``sh:detail`` (pySHACL writes them for ``sh:node``,
    the Rust engine does not) are left out: the outer result carries the shape's message."""
    from rdflib.namespace import RDF, SH

    nested = set(results.objects(None, SH.detail))
    return [
        _finding(results, r, data)
        for r in results.subjects(RDF.type, SH.ValidationResult)
        if r not in nested
    ]


def _label(graph: rdflib.Graph, node: rdflib.term.Node | None) -> str:
    from rdflib.namespace import RDFS

    if node is None:
        return ""
    label = graph.value(node, RDFS.label)
    text = str(label) if label is not None else short_node(node)
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def short_node(node: rdflib.term.Node) -> str:
    """A node as a report shows it: a CURIE, or words for a blank node."""
    rdflib = sys.modules.get("rdflib")  # an rdflib node exists only once rdflib is imported
    if rdflib is not None and isinstance(node, rdflib.BNode):
        return "(unnamed node)"
    return vocab.shorten(str(node))


def _clip(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _readable_message(message: str, value: rdflib.term.Node | None) -> str:
    """Fill the {$value}/{?value} placeholders and shorten the IRIs a message mentions."""
    shown = _clip(short_node(value)) if value is not None else "the value"
    message = message.replace("{$value}", shown).replace("{?value}", shown)
    for prefix, namespace in sorted(vocab.prefixes().items(), key=lambda kv: -len(kv[1])):
        message = message.replace(namespace, prefix + ":")
    return message


def _describe(graph: rdflib.Graph, node: rdflib.term.Node) -> str:
    """A focus node in words: what kind of thing it is and which one."""
    from rdflib.namespace import RDF

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
    from rdflib.namespace import RDF

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
    # a target profile (or one of its levels) belongs to the assessment that aims at it
    target = graph.value(predicate=CMLOPS.hasTargetLevel, object=node) or node
    assessment = graph.value(predicate=CMLOPS.target, object=target)
    if assessment is not None:
        return graph.value(assessment, CMLOPS.assesses)
    return None


def _finding(
    results: rdflib.Graph, result: rdflib.term.Node, data: rdflib.Graph
) -> ValidationFinding:
    import rdflib
    from rdflib.namespace import SH

    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    severity = results.value(result, SH.resultSeverity)
    message = results.value(result, SH.resultMessage)
    org = _organisation_of(data, focus) if focus is not None else None
    practice = data.value(focus, CMLOPS.aboutPractice) if focus is not None else None
    focus_label = _describe(data, focus) if focus is not None else ""
    return ValidationFinding(
        severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
        message=_readable_message(str(message), value) if message else "constraint violated",
        focus=str(focus),
        focus_label=focus_label,
        path=short_node(path) if isinstance(path, rdflib.URIRef) else (str(path) if path else None),
        value=_clip(short_node(value)) if value is not None and value != focus else None,
        organisation=str(org) if org is not None else None,
        organisation_label=_label(data, org) if org is not None else None,
        practice=str(practice) if practice is not None else None,
        shape=str(results.value(result, SH.sourceShape)),
    )


def format_validation_report(reports: list[ValidationReport]) -> str:
    """A plain-text report: per file, per organisation, what is wrong and how to fix it
    (labels and values come from the profile: control characters are stripped)."""
    lines: list[str] = []
    for report in reports:
        n = sum(1 for f in report.findings if f.severity == "Violation")
        status = "conforms" if report.conforms else f"{n} problem{'s' if n != 1 else ''}"
        lines.append(f"{terminal(report.source)}: {status}")
        for org, findings in report.by_organisation().items():
            lines.append(f"  Organisation: {terminal(org)}")
            for f in findings:
                where = f.focus_label + (f" ({f.path})" if f.path else "")
                value = f" [value: {f.value}]" if f.value else ""
                lines.append(f"    - {f.severity}: {terminal(where + value)}")
                lines.append(f"      {terminal(f.message)}")
    return "\n".join(lines)
