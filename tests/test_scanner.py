"""The scanner on generated repositories: the evidence per practice, a profile that validates,
and the level the assessment engine computes from it. One parametrised test per question;
the repositories and their expected results are data in scan_repos.py."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from scan_repos import CASES, UNREADABLE, RepoCase

from cmlops_kg.assessment.engine import Assessor
from cmlops_kg.scanner import ScanResult, load_catalogue, scan_repository
from cmlops_kg.scanner.evidence import build_profile
from cmlops_kg.validation import validate_profile
from cmlops_kg.vocab import CMLOPS

DATE = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def catalogue(ontology_store):
    return load_catalogue(ontology_store)


@pytest.fixture(scope="module")
def assessor() -> Assessor:
    return Assessor()


def failing_open(real_open, suffix: str):
    """os.open that refuses one file: chmod 000 does not stop root, this stops everyone."""

    def guarded(path, flags, *args, **kwargs):
        if os.fspath(path).endswith(suffix):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, flags, *args, **kwargs)

    return guarded


def scan_case(case: RepoCase, tmp_path: Path, catalogue, monkeypatch) -> ScanResult:
    root = tmp_path / case.name
    root.mkdir()
    case.build(root)
    with monkeypatch.context() as patch:
        patch.setattr(os, "open", failing_open(os.open, UNREADABLE))
        return scan_repository(root, catalogue)


@pytest.fixture(params=CASES, ids=[c.name for c in CASES])
def scanned(request, tmp_path, catalogue, monkeypatch) -> tuple[RepoCase, ScanResult]:
    return request.param, scan_case(request.param, tmp_path, catalogue, monkeypatch)


def test_expected_evidence(scanned):
    case, result = scanned
    got = {v.key: (v.status, v.mode) for v in result.verdicts}
    wrong = {k: (exp, got.get(k)) for k, exp in case.evidence.items() if got.get(k) != exp}
    assert not wrong, f"practice: (expected, got) {wrong}"


def test_unknown_stays_unknown(scanned):
    case, result = scanned
    judged = {v.key for v in result.verdicts}
    assert not case.unknown & judged, "practices without a signal must stay unknown"


def test_every_verdict_explains_itself(scanned):
    _, result = scanned
    for v in result.verdicts:
        assert v.findings or v.negatives
        assert 0.1 <= v.confidence <= 0.95
        assert 0 < len(v.quote) <= 300
        assert v.justification
        if v.status == "partial":
            assert v.mode is None and all(f.rank == 1 for f in v.findings)
        if v.status == "not-implemented":
            assert not v.findings and v.negatives, "only a negative signal may say 'not'"
        if v.mode == "automatic":
            assert v.findings[0].via, "automated evidence names the CI job that runs it"


def test_profile_validates_and_gives_the_expected_level(scanned, assessor):
    case, result = scanned
    org = f"urn:cmlops:repo:{case.name}"
    profile = build_profile(result.verdicts, org, case.name, DATE, "test", f"scan-{case.name}")
    report = validate_profile(profile)
    assert report.conforms, [f.message for f in report.findings]
    assessor.load(profile)
    outcome = assessor.result(org)
    assert outcome.method == "repository scan"
    assert outcome.overall_level == case.overall
    levels = {d.notation: d.level for d in outcome.dimensions}
    assert {k: levels[k] for k in case.dimensions} == case.dimensions
    external = {k: v.level for k, v in outcome.external_levels.items()}
    assert {k: external[k] for k in case.external} == case.external
    statuses = {str(p["practice"])[len(CMLOPS) :]: p["statusLabel"] for p in outcome.practices}
    for practice in case.unknown:
        assert statuses[practice] == "unknown"


def test_provenance_in_the_profile(tmp_path, catalogue, monkeypatch):
    case = next(c for c in CASES if c.name == "full-mlops")
    result = scan_case(case, tmp_path, catalogue, monkeypatch)
    profile = build_profile(result.verdicts, "urn:cmlops:repo:full", "full", DATE, "test")
    by_predicate: dict[str, set[str]] = {}
    for t in profile.triples:
        if t.subject.value.endswith("/evidence/drift-triggered-retraining"):
            by_predicate.setdefault(t.predicate.value, set()).add(t.object.value)
    derived = by_predicate["http://www.w3.org/ns/prov#wasDerivedFrom"]
    assert any(d.endswith("/file/.github/workflows/retrain.yml") for d in derived)
    assert "cmlops:signal-ci-drift-triggered-training" in by_predicate[CMLOPS + "detector"]
    assert "ci:github-actions" in by_predicate[CMLOPS + "detector"]
    assert by_predicate["http://www.w3.org/ns/earl#mode"] == {"http://www.w3.org/ns/earl#automatic"}
    (quote,) = by_predicate[CMLOPS + "quote"]
    assert quote.startswith(".github/workflows/retrain.yml:13:") and "dvc repro" in quote
    sources = by_predicate["http://purl.org/dc/terms/source"]
    assert ".github/workflows/retrain.yml:13" in sources
    assert "monitoring/drift.py:13" in sources  # the drift check that dispatches retraining
