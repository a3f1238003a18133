"""Closing the loop: each generated repository is scanned and assessed, alone and together
with the questionnaire answers the lab knows to be true, and the levels recovered are set
against the level the configuration was built for.

The answers cover only what a repository cannot show: the lab's premise is that the team of a
level-L configuration has the practices of levels 1..L that live outside this repository
(backlog, code review, on-call, platform, governance...), and none above L. Practices the
repository implements are never answered - they are left to the scanner, so that a practice
the scanner misses stays unknown and the recovered level says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import cmlops_kg
from cmlops_kg.assessment.merge import merge_profiles
from cmlops_kg.assessment.questionnaire import answers_document, answers_to_profile, catalogue
from cmlops_kg.lab.generate import Configuration, implemented
from cmlops_kg.rdf.profiles import Profile

LAB_ORG = "https://w3id.org/cmlops/lab/configuration/"
DATE = dt.date(2026, 1, 10)
CONTEXT = {
    "serving-mode": "online",
    "generative-ai": "no",
    "risk-class": "minimal",
    "team-size": "small",
    "operator-role": "provider-and-deployer",
}


@dataclass
class ConfigurationAssessment:
    configuration: str
    intended_level: int
    organisation: str
    assessment: str
    scan_level: int
    scan_potential: int
    combined_level: int
    combined_potential: int
    google: int | None
    azure: int | None
    scan_google: int | None
    scan_azure: int | None
    google_potential: int | None
    azure_potential: int | None
    found: list[str]
    missed: list[str]
    extra: list[str]
    answered: int
    guards: dict[str, str] = field(default_factory=dict)  # failure mode -> guard status
    profile: Profile | None = None


def organisation(config: Configuration) -> str:
    return LAB_ORG + config.key


def answers(config: Configuration) -> list[dict]:
    in_repo = set(implemented(config))
    rows = []
    for practice in catalogue().practices.values():
        key = practice.key
        if key in in_repo:
            continue  # the scanner's to find
        status = "implemented" if practice.level <= config.level else "not-implemented"
        rows.append(
            {
                "practice": key,
                "status": status,
                "justification": "Validation lab premise: the team of this configuration "
                + ("has" if status == "implemented" else "does not have")
                + " this practice outside the generated repository.",
            }
        )
    return rows


def _external(result: object, model: str, potential: bool = False) -> int | None:
    levels = result.external_levels  # type: ignore[attr-defined]
    for key, level in levels.items():
        if model in key.lower() or model in level.model_label.lower():
            return level.potential if potential else level.level
    return None


def assess_configuration(config: Configuration, repo: Path) -> ConfigurationAssessment:
    from cmlops_kg.scanner.evidence import build_profile

    scan = cmlops_kg.scan(repo)
    org = organisation(config)
    scan_profile = build_profile(
        scan.verdicts, org, config.label, DATE, "lab", f"scan:{config.key}"
    )
    scan_result = cmlops_kg.assess(scan_profile)
    rows = answers(config)
    doc = answers_document(
        config.label,
        rows,
        organisation=org,
        date=DATE,
        method="questionnaire",
        assessor="validation lab",
        context=CONTEXT,
    )
    combined = merge_profiles(
        [scan_profile, answers_to_profile(doc, f"answers:{config.key}")],
        organisation=org,
        label=config.label,
        date=DATE,
    )
    result = cmlops_kg.assess(combined)
    found = sorted(v.key for v in scan.verdicts if v.status in ("implemented", "partial"))
    want = set(implemented(config))
    guards = {f.failure_mode: f.status for face in result.interfaces for f in face.failure_modes}
    return ConfigurationAssessment(
        configuration=config.key,
        intended_level=config.level,
        organisation=org,
        assessment=result.assessment,
        scan_level=scan_result.overall_level,
        scan_potential=scan_result.readiness.potential,
        combined_level=result.overall_level,
        combined_potential=result.readiness.potential,
        google=_external(result, "google"),
        azure=_external(result, "azure"),
        scan_google=_external(scan_result, "google"),
        scan_azure=_external(scan_result, "azure"),
        google_potential=_external(result, "google", potential=True),
        azure_potential=_external(result, "azure", potential=True),
        found=found,
        missed=sorted(want - set(found)),
        extra=sorted(set(found) - want),
        answered=len(rows),
        guards=guards,
        profile=combined,
    )
