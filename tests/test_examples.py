"""Every case study gives, through the real engine, exactly the result its golden records
(Brick-style: adding a case study is adding data, a profile and its .expected.json next to it).

The goldens are written by the independent oracle (tests/make_goldens.py: plain Python over rdflib,
no SPARQL, no project code); tests/test_case_studies_oracle.py checks they are the oracle's result.
Here the engine the users run (``Assessor``, the CLI) must agree with them, field by field.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import example_profiles, invalid_profiles

from cmlops_kg.assessment.engine import Assessor
from cmlops_kg.cli import main
from cmlops_kg.rdf.profiles import read_profile
from cmlops_kg.validation import validate_profile

CASES = example_profiles()
INVALID = invalid_profiles()


def expected(path: Path) -> dict:
    return json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))


def golden_assessments(path: Path) -> list[tuple[str, dict]]:
    return sorted(expected(path)["assessments"].items())


@pytest.fixture(scope="module")
def assessor() -> Assessor:
    return Assessor()


@pytest.fixture(scope="module")
def results(assessor):
    """Every case study's every assessment, assessed once by the engine."""
    got = {}
    for path in CASES:
        assessor.load(read_profile(path))
        for iri, _ in golden_assessments(path):
            got[iri] = assessor.result(assessment=iri)
    return got


CASE_ASSESSMENTS = [
    pytest.param(path, iri, id=f"{path.stem}:{iri.rsplit('/', 1)[-1]}")
    for path in CASES
    for iri, _ in golden_assessments(path)
]


def test_there_are_enough_case_studies():
    assert len(CASES) >= 10
    levels = {
        golden["readiness"]["level"] for path in CASES for _, golden in golden_assessments(path)
    }
    assert len(levels) >= 3, f"case studies cover only readiness levels {sorted(levels)}"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_case_study_validates(path):
    report = validate_profile(read_profile(path))
    assert report.conforms, [f.message for f in report.findings]


@pytest.mark.parametrize(("path", "iri"), CASE_ASSESSMENTS)
def test_readiness_and_dimensions_match_the_golden(path, iri, results):
    want = expected(path)["assessments"][iri]
    got = results[iri]
    assert (got.readiness.level, got.readiness.potential, got.readiness.lopsided) == (
        want["readiness"]["level"],
        want["readiness"]["potential"],
        want["readiness"]["lopsided"],
    )
    assert sorted(got.readiness.limiting_iris) == sorted(want["readiness"]["limiting"])
    got_dims = {
        d.iri: {
            "level": d.level,
            "potential": d.potential,
            "implemented": d.implemented,
            "applicable": d.applicable,
            "unknown": d.unknown,
            "score": round(d.score, 6),
            "max_score": round(d.max_score, 6),
        }
        for d in got.dimensions
    }
    want_dims = {
        k: {f: (round(v[f], 6) if isinstance(v[f], float) else v[f]) for f in got_dims.get(k, v)}
        for k, v in want["dimensions"].items()
    }
    assert got_dims == want_dims


@pytest.mark.parametrize(("path", "iri"), CASE_ASSESSMENTS)
def test_external_levels_match_the_golden(path, iri, results):
    want = expected(path)["assessments"][iri]["external"]
    got = results[iri].external_levels.values()
    assert {e.model: (e.level, e.potential) for e in got} == {
        k: (v["level"], v["potential"]) for k, v in want.items()
    }
    assert {e.model: sorted({m.requirement for m in e.missing_for_next}) for e in got} == {
        k: sorted(v["missing_for_next"]) for k, v in want.items()
    }


@pytest.mark.parametrize(("path", "iri"), CASE_ASSESSMENTS)
def test_gaps_and_open_questions_match_the_golden(path, iri, results):
    want = expected(path)["assessments"][iri]
    got = results[iri]
    assert sorted([g.practice for g in got.gaps]) == sorted(p for _, p, _ in want["gaps"])
    assert sorted((q.practice, q.blocks_readiness) for q in got.open_questions) == sorted(
        (q["practice"], q["blocks_readiness"]) for q in want["open_questions"]
    )


@pytest.mark.parametrize(("path", "iri"), CASE_ASSESSMENTS)
def test_roadmap_matches_the_golden(path, iri, results):
    want = expected(path)["assessments"][iri]["roadmap"]
    got = [item for phase in results[iri].roadmap for item in phase.items]
    assert {i.practice: i.phase for i in got} == {w["practice"]: w["phase"] for w in want}
    assert {i.practice: (i.pending_prerequisites, i.unblocks) for i in got} == {
        w["practice"]: (w["pending"], w["unblocks"]) for w in want
    }
    assert all(item.why and item.sources for item in got)


@pytest.mark.parametrize(("path", "iri"), CASE_ASSESSMENTS)
def test_interfaces_and_obligations_match_the_golden(path, iri, results):
    want = expected(path)["assessments"][iri]
    got = results[iri]
    statuses = {fm.failure_mode: fm.status for i in got.interfaces for fm in i.failure_modes}
    assert statuses == want["interfaces"]
    assert {o.obligation: o.status for o in got.obligations} == want["obligations"]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_cli_json_contract(path, capsys):
    assert main(["assess", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("organisation", "label", "dimensions", "external_levels", "gaps", "roadmap"):
        assert key in data
    assert set(data["external_levels"]) >= {"google", "azure"}
    assessments = expected(path)["assessments"]
    assert data["assessment"] in assessments
    assert data["readiness"]["level"] == assessments[data["assessment"]]["readiness"]["level"]


def test_there_are_enough_invalid_profiles():
    assert len(INVALID) >= 6


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_profile_gives_expected_violation(path, capsys):
    want = expected(path)
    report = validate_profile(read_profile(path))
    assert not report.conforms
    messages = [f.message for f in report.findings]
    assert any(want["message_contains"] in m for m in messages), messages
    if "path" in want:
        assert any(f.path == want["path"] for f in report.findings)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert want["message_contains"] in out
    assert want.get("organisation", "") in out
