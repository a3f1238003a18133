"""Maturity gaps as SARIF 2.1.0, so code-scanning UIs (GitHub, GitLab, Azure DevOps) show them.

Each gap of an assessment is one result: ``ruleId`` the practice, ``level`` ``error`` when the
gap is in a dimension that holds the overall level down and ``warning`` otherwise, and a
message that says what to implement and why. Each practice with a gap is a rule, with its
name, the roadmap's reasons and sources as help, and a ``helpUri`` to the practice's anchor in
the ontology documentation. ``tests/test_sarif.py`` validates the output against the OASIS
schema.
"""

from __future__ import annotations

from collections.abc import Mapping

from cmlops_kg._version import __version__
from cmlops_kg.assessment.result import AssessmentResult, Gap, RoadmapItem
from cmlops_kg.present.words import counted
from cmlops_kg.vocab import ONTOLOGY_IRI, practice_key

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
DOCS_URL = ONTOLOGY_IRI + "/docs/"
Location = tuple[str, int | None]  # (path relative to the scanned root, line)


def _rule_name(key: str) -> str:
    """A SARIF rule name is an identifier: ``model-versioning`` -> ``ModelVersioning``."""
    return "".join(part.capitalize() for part in key.replace("_", "-").split("-") if part)


def _help_text(gap: Gap, item: RoadmapItem | None) -> str:
    if item is None:
        return f"{gap.label}: required for {gap.dimension_label} level {gap.next_level}."
    sources = "; ".join(s.label for s in item.sources)
    return f"{gap.label}. {item.why}" + (f" Sources: {sources}." if sources else "")


def _rule(gap: Gap, item: RoadmapItem | None, level: str) -> dict:
    key = practice_key(gap.practice)
    return {
        "id": key,
        "name": _rule_name(key),
        "shortDescription": {"text": gap.label},
        "fullDescription": {"text": _help_text(gap, item)},
        "help": {"text": _help_text(gap, item)},
        "helpUri": f"{DOCS_URL}practices.html#{key}",
        "defaultConfiguration": {"level": level},
        "properties": {"practice": gap.practice, "tags": ["maturity", gap.dimension_label]},
    }


def _message(gap: Gap, result: AssessmentResult, item: RoadmapItem | None) -> str:
    text = (
        f"{gap.label} (now: {gap.status}): {gap.dimension_label} needs it for level "
        f"{gap.next_level} (now {gap.current_level}; overall level {result.overall_level})."
    )
    fix = f" Fix: implement {gap.label}"
    if item is not None and item.pending_prerequisites:
        fix += f" after its {counted(item.pending_prerequisites, 'missing prerequisite')}"
    return text + fix + "." + (f" Why: {item.why}" if item is not None else "")


def _location(path: str, line: int | None) -> dict:
    physical: dict = {"artifactLocation": {"uri": path}}
    if line:
        physical["region"] = {"startLine": line}
    return {"physicalLocation": physical}


def assessment_sarif(
    result: AssessmentResult,
    artifact: str | None = None,
    locations: Mapping[str, Location] | None = None,
) -> dict:
    """The SARIF log of one assessment. ``artifact``: the file every result points at (the
    profile assessed); ``locations``: per practice IRI, a better place (where a scan found
    partial evidence)."""
    roadmap = {item.practice: item for item in result.roadmap_items}
    rules: list[dict] = []
    index: dict[str, int] = {}
    results = []
    for gap in result.gaps:
        level = "error" if gap.dimension_label in result.limiting_dimensions else "warning"
        item = roadmap.get(gap.practice)
        if gap.practice not in index:
            index[gap.practice] = len(rules)
            rules.append(_rule(gap, item, level))
        entry: dict = {
            "ruleId": practice_key(gap.practice),
            "ruleIndex": index[gap.practice],
            "level": level,
            "message": {"text": _message(gap, result, item)},
            "properties": {
                "organisation": result.organisation,
                "dimension": gap.dimension_label,
                "currentLevel": gap.current_level,
                "nextLevel": gap.next_level,
                "status": gap.status,
            },
        }
        where = (locations or {}).get(gap.practice)
        if where is not None:
            entry["locations"] = [_location(*where)]
        elif artifact is not None:
            entry["locations"] = [_location(artifact, None)]
        results.append(entry)
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cmlops-kg",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": DOCS_URL,
                        "rules": rules,
                    }
                },
                "results": results,
                "properties": {
                    "organisation": result.organisation,
                    "assessment": result.assessment,
                    "overallLevel": result.overall_level,
                    "overallLabel": result.overall_label,
                },
            }
        ],
    }
