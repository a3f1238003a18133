"""Combining assessments: the strongest evidence wins, disagreements are kept in words."""

from __future__ import annotations

import datetime as dt

import pytest

from cmlops_kg.assessment.engine import Assessor
from cmlops_kg.assessment.merge import merge_profiles
from cmlops_kg.cli import main
from cmlops_kg.errors import InputError
from cmlops_kg.rdf.profiles import parse_profile_bytes, read_profile
from cmlops_kg.resources import EXAMPLES_DIR
from cmlops_kg.validation import validate_profile

HEAD = """
@prefix cmlops: <https://w3id.org/cmlops#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix earl: <http://www.w3.org/ns/earl#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def profile(org: str, method: str, evidence: dict[str, tuple[str, str | None]], name: str):
    lines = [
        HEAD,
        f'<{org}> a org:Organization ; rdfs:label "{name}" .',
        f"<{org}/a> a cmlops:Assessment ; cmlops:assesses <{org}> ;",
        f'  dcterms:date "2026-01-01"^^xsd:date ; cmlops:method cmlops:method-{method} .',
    ]
    for practice, (status, mode) in evidence.items():
        lines.append(
            f"<{org}/a/{practice}> a cmlops:Evidence ; prov:wasGeneratedBy <{org}/a> ; "
            f"cmlops:aboutPractice cmlops:{practice} ; cmlops:status cmlops:status-{status} ; "
            + (f"earl:mode earl:{mode} ; " if mode else "")
            + ('cmlops:justification "batch only" ; ' if status == "not-applicable" else "")
            + "cmlops:confidence 0.7 ."
        )
    return parse_profile_bytes("\n".join(lines).encode(), f"{name}.ttl", "turtle")


ANSWERS = profile(
    "https://example.org/org/acme",
    "questionnaire",
    {
        "shared-backlog": ("implemented", "manual"),
        "continuous-integration": ("not-implemented", None),
        "feature-store": ("not-applicable", None),
        "experiment-tracking": ("implemented", "manual"),
    },
    "Acme",
)
SCAN = profile(
    "urn:cmlops:repo:acme-ml",
    "repository-scan",
    {
        "continuous-integration": ("implemented", "automatic"),
        "feature-store": ("partial", None),
        "experiment-tracking": ("implemented", "automatic"),
        "data-versioning": ("partial", None),
    },
    "acme-ml",
)


def statuses(merged) -> dict[str, str]:
    engine = Assessor()
    engine.load(merged)
    result = engine.result()
    return {
        str(p["practice"]).rsplit("#", 1)[-1]: str(p["statusLabel"])
        for p in result.practices
        if p["statusLabel"] != "no evidence"
    }, result


def test_strongest_evidence_wins_and_conflicts_are_recorded():
    merged = merge_profiles([ANSWERS, SCAN], date=dt.date(2026, 2, 1))
    assert validate_profile(merged).conforms
    got, result = statuses(merged)
    assert got == {
        "shared-backlog": "implemented",  # only the questionnaire knows
        "continuous-integration": "implemented",  # the scan shows CI running
        "feature-store": "not applicable",  # justified N/A beats 'partial'
        "experiment-tracking": "implemented",
        "data-versioning": "partial",
    }
    assert result.organisation == "https://example.org/org/acme"
    assert result.method == "combined evidence"
    text = {t.object.value for t in merged.triples if t.predicate.value.endswith("justification")}
    assert any("Conflicting evidence" in j and "not-implemented" in j for j in text)
    modes = {
        t.subject.value: t.object.value
        for t in merged.triples
        if t.predicate.value.endswith("mode")
    }
    assert sum(m.endswith("automatic") for m in modes.values()) == 2  # scan's automated wins


def test_combined_evidence_keeps_its_provenance():
    merged = merge_profiles([ANSWERS, SCAN])
    derived = {
        t.object.value for t in merged.triples if t.predicate.value.endswith("wasDerivedFrom")
    }
    assert "urn:cmlops:repo:acme-ml/a/continuous-integration" in derived
    assert "https://example.org/org/acme/a/continuous-integration" in derived
    informed = {
        t.object.value for t in merged.triples if t.predicate.value.endswith("wasInformedBy")
    }
    assert informed == {"https://example.org/org/acme/a", "urn:cmlops:repo:acme-ml/a"}


def test_organisation_and_label_can_be_chosen():
    merged = merge_profiles(
        [SCAN, ANSWERS], organisation="https://example.org/org/acme", label="Acme Inc"
    )
    _, result = statuses(merged)
    assert result.label == "Acme Inc" and result.organisation == "https://example.org/org/acme"


def test_metric_observations_are_carried_over():
    ledgerly = read_profile(EXAMPLES_DIR / "profiles" / "ledgerly.ttl")
    basketful = read_profile(EXAMPLES_DIR / "profiles" / "basketful-retail.ttl")
    merged = merge_profiles([ledgerly, basketful], organisation="https://example.org/org/ledgerly")
    assert validate_profile(merged).conforms
    _, result = statuses(merged)
    assert len(result.outcomes) == 3 + 5  # Ledgerly's latest assessment and Basketful's


def test_needs_two_profiles():
    with pytest.raises(InputError, match="at least two"):
        merge_profiles([ANSWERS])


def test_merge_cli_writes_a_valid_profile(tmp_path, capsys):
    a, b = tmp_path / "answers.ttl", tmp_path / "scan.ttl"
    import pyoxigraph as ox

    a.write_bytes(ox.serialize(ANSWERS.triples, format=ox.RdfFormat.TURTLE))
    b.write_bytes(ox.serialize(SCAN.triples, format=ox.RdfFormat.TURTLE))
    out = tmp_path / "combined.ttl"
    assert main(["merge", str(a), str(b), "--out", str(out)]) == 0
    assert main(["validate", str(out)]) == 0
    assert main(["assess", str(out), "--format", "json"]) == 0
    assert "combined" in capsys.readouterr().out
