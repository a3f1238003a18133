"""Loading profiles into a store and assessing the whole portfolio (embedded backend; the same
commands on a shared server are covered in test_remote.py)."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from pathlib import Path

import pytest

from cmlops_kg.assessment.engine import Assessor
from cmlops_kg.assessment.portfolio import assess_portfolio, load_profile_file, team_graph
from cmlops_kg.cli import main
from cmlops_kg.cli.common import progress_bar
from cmlops_kg.rdf.profiles import parse_profile_bytes, read_profile
from cmlops_kg.resources import EXAMPLES_DIR, ROOT
from cmlops_kg.store.embedded import EmbeddedStore

PROFILES = sorted((EXAMPLES_DIR / "profiles").glob("*.ttl"))
INVALID = EXAMPLES_DIR / "invalid" / "unknown-status.ttl"


def _benchmark_module():
    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "portfolio.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def store() -> EmbeddedStore:
    s = EmbeddedStore()
    s.load_ontology()
    return s


def test_a_team_keeps_its_graph_whatever_the_file_is_called(tmp_path):
    text = PROFILES[0].read_bytes()
    a = parse_profile_bytes(text, "a.ttl", "turtle")
    b = parse_profile_bytes(text, "renamed/b.ttl", "turtle")
    assert team_graph(a) == team_graph(b)
    assert team_graph(a) != team_graph(read_profile(PROFILES[1]))


def test_portfolio_results_match_single_profile_assessments(store):
    for path in PROFILES:
        assert load_profile_file(store, path).status == "loaded"
    results = {r.organisation: r for r in assess_portfolio(store)}
    assert len(results) == len(PROFILES)
    for path in PROFILES:
        single = Assessor()
        single.load(read_profile(path))
        expected = single.result()
        team = results[expected.organisation]
        assert team.overall_level == expected.overall_level
        assert team.assessment == expected.assessment
        assert team.dimensions == {d.notation: d.level for d in expected.dimensions}
        assert sorted(g.practice for g in team.gaps) == sorted(g.practice for g in expected.gaps)
        assert team.external_levels == {k: v.level for k, v in expected.external_levels.items()}


def test_invalid_profiles_are_not_loaded(store):
    outcome = load_profile_file(store, INVALID)
    assert outcome.status == "invalid" and not outcome.report.conforms
    assert store.organisations() == []


def test_synthetic_portfolio_has_a_realistic_spread(store, tmp_path):
    bench = _benchmark_module()
    paths = bench.write_profiles(40, tmp_path)
    for path in paths:
        assert load_profile_file(store, path).status == "loaded"
    results = assess_portfolio(store)
    assert len(results) == 40
    levels = {r.overall_level for r in results}
    assert len(levels) >= 3  # not every team at the same level
    assert any(r.assessments > 1 for r in results)  # assessed repeatedly


def test_progress_bar_draws_and_finishes():
    out = io.StringIO()
    bar = progress_bar(out, "assessing", width=10)
    for i in range(1, 4):
        bar(i, 3)
    assert out.getvalue().endswith("[##########] 3/3\n")


# -- the CLI -------------------------------------------------------------------------------------
def test_cli_load_then_portfolio_on_an_on_disk_store(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("CMLOPS_KG_ENDPOINT", raising=False)
    location = str(tmp_path / "store")
    code = main(["load", *map(str, PROFILES), str(INVALID), "--store", location])
    assert code == 1  # one profile was invalid and was not loaded
    captured = capsys.readouterr()
    assert "unknown-status.ttl: not loaded" in captured.err
    assert main(["portfolio", "--store", location, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)["organisations"]
    assert len(data) == len(PROFILES)
    assert main(["portfolio", "--store", location, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("organisation,date,overall,") and len(lines) == len(PROFILES) + 1
    assert main(["portfolio", "--store", location]) == 0
    assert f"{len(PROFILES)} organisations" in capsys.readouterr().out


def test_cli_load_needs_a_store(capsys, monkeypatch):
    monkeypatch.delenv("CMLOPS_KG_ENDPOINT", raising=False)
    monkeypatch.delenv("CMLOPS_KG_STORE", raising=False)
    assert main(["load", str(PROFILES[0])]) == 2
    assert "--store DIR" in capsys.readouterr().err


def test_cli_portfolio_of_files_with_a_progress_bar(capsys, monkeypatch):
    monkeypatch.delenv("CMLOPS_KG_ENDPOINT", raising=False)
    monkeypatch.delenv("CMLOPS_KG_STORE", raising=False)
    assert main(["portfolio", "--data", *map(str, PROFILES[:2]), "--progress"]) == 0
    captured = capsys.readouterr()
    assert "assessing [" in captured.err and "2/2" in captured.err
    assert "2 organisations" in captured.out


def test_profile_files_in_other_syntaxes_load(tmp_path, store):
    import pyoxigraph as ox

    profile = read_profile(PROFILES[0])
    path = tmp_path / "team.nt"
    path.write_bytes(ox.serialize(profile.triples, format=ox.RdfFormat.N_TRIPLES))
    assert load_profile_file(store, Path(path)).status == "loaded"
