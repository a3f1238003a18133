"""Every case study validates and gives exactly its expected results (Brick-style: adding a
case study is adding data: a profile and its .expected.json next to it)."""

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
    return json.loads(path.with_suffix(".expected.json").read_text())


def local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


@pytest.fixture(scope="module")
def assessor() -> Assessor:
    return Assessor()


def test_there_are_enough_case_studies():
    assert len(CASES) >= 6
    levels = {expected(p)["overall_level"] for p in CASES}
    assert levels == {0, 1, 2, 3, 4}, "case studies must cover every level"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_case_study_validates(path):
    report = validate_profile(read_profile(path))
    assert report.conforms, [f.message for f in report.findings]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_case_study_matches_expected_results(path, assessor):
    want = expected(path)
    assessor.load(read_profile(path))
    got = assessor.result(want["organisation"])
    assert got.assessment == want["assessment"]
    assert got.overall_level == want["overall_level"]
    assert {d.notation: d.level for d in got.dimensions} == want["dimensions"]
    assert {k: e.level for k, e in got.external_levels.items()} == want["external_levels"]
    assert sorted(local(g.practice) for g in got.gaps) == want["gaps"]
    assert [[p.date, p.overall_level] for p in got.history] == want["history"]
    outcomes = {
        local(o.metric).removeprefix("metric-"): (
            [o.benchmark_year, local(o.cluster)] if o.cluster else None
        )
        for o in got.outcomes
    }
    assert outcomes == want.get("outcomes", {})
    # the roadmap holds every gap, and prerequisites never come after what needs them
    roadmap = [local(i.practice) for i in got.roadmap]
    assert set(want["gaps"]) <= set(roadmap)
    assert all(item.why and item.sources for item in got.roadmap)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_cli_json_contract(path, capsys):
    assert main(["assess", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in (
        "organisation",
        "label",
        "overall_level",
        "dimensions",
        "external_levels",
        "gaps",
        "roadmap",
    ):
        assert key in data
    assert set(data["external_levels"]) >= {"google", "azure"}
    assert data["overall_level"] == expected(path)["overall_level"]
    assert {"iri", "label", "level", "score"} <= set(data["dimensions"][0])


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
