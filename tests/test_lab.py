"""The validation lab (issue 19): the quick run once per module, and checks that can fail -
the outcomes are measured by the runner, never asserted by construction."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
import yaml

pytest.importorskip("sklearn")

import cmlops_kg
from cmlops_kg.assessment.engine import Assessor
from cmlops_kg.assessment.outcomes import practice_vs_outcome
from cmlops_kg.lab import catalogue, claim, dataset, generate, runner
from cmlops_kg.lab.experiment import run_lab
from cmlops_kg.lab.report import load_result
from cmlops_kg.rdf.profiles import read_profile

pytestmark = pytest.mark.slow
CMLOPS = "https://w3id.org/cmlops#"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    out = tmp_path_factory.mktemp("lab")
    messages: list[str] = []
    result = run_lab(out, quick=True, say=messages.append)
    return out, result.to_json(), messages


def _run(data: dict, config: str, scenario: str) -> dict:
    return next(
        r for r in data["runs"] if r["configuration"] == config and r["scenario"] == scenario
    )


def test_every_configuration_runs_every_scenario(lab):
    _, data, messages = lab
    pairs = {(r["configuration"], r["scenario"]) for r in data["runs"]}
    assert pairs == {(c.key, s.key) for c in generate.CONFIGURATIONS for s in catalogue.scenarios()}
    assert any(m.startswith("lab: [40/40]") for m in messages)  # progress was reported


def test_the_generated_repositories_have_their_levels_files(lab):
    out, _, _ = lab
    expected = {
        0: ["src/train.py", "src/features.py", "src/serve.py", "serve.yaml"],
        1: ["tests/test_features.py", ".github/workflows/ci.yml", "requirements.txt"],
        2: ["dvc.yaml", "params.yaml", "schema.yaml", "src/validate_data.py", "data/holdout.csv"],
        3: [
            "release.yaml",
            "deploy/rollout.yaml",
            "deploy/analysis.yaml",
            "monitoring/alerts.yml",
            ".github/workflows/release.yml",
            ".github/workflows/rollback.yml",
            "src/monitor.py",
        ],
        4: [".github/workflows/retrain.yml", "src/collect.py"],
    }
    for c in generate.CONFIGURATIONS:
        repo = out / "repos" / c.key
        for level, files in expected.items():
            for name in files:
                assert (repo / name).is_file() == (level <= c.level), (c.key, name)
        assert (repo / ".git").is_dir() == (c.level >= 1), c.key
        if c.level >= 1:
            log = subprocess.run(
                ["git", "-C", str(repo), "log", "--format=%s"], capture_output=True, text=True
            )
            assert log.returncode == 0 and len(log.stdout.splitlines()) == c.level, c.key
            status = subprocess.run(
                ["git", "-C", str(repo), "status", "--porcelain"], capture_output=True, text=True
            )
            assert status.stdout == "", f"{c.key}: generated files left uncommitted"


def test_feature_drift_reaches_production_at_level_0_and_is_caught_at_level_4(lab):
    _, data, _ = lab
    low, high = _run(data, "level-0", "feature-drift"), _run(data, "level-4", "feature-drift")
    assert low["reached_production"] and not low["caught"] and low["detected_step"] is None
    assert high["caught"] and high["detected_step"] is not None
    assert "monitoring alert" in high["detected_by"]
    assert high["extra_errors"] < low["extra_errors"] / 2  # retraining restored most quality


def test_gated_levels_keep_a_worse_model_out_and_level_0_ships_it(lab):
    _, data, _ = lab
    assert _run(data, "level-0", "worse-candidate")["reached_production"]
    for level in (2, 3, 4):
        run = _run(data, f"level-{level}", "worse-candidate")
        assert not run["reached_production"] and "evaluate" in run["detected_by"], level


def test_staging_stops_a_broken_deployment_that_a_manual_release_ships(lab):
    _, data, _ = lab
    manual, staged = (
        _run(data, "level-2", "broken-deployment"),
        _run(data, "level-3", "broken-deployment"),
    )
    assert manual["detected_by"] == runner.COMPLAINT and not manual["caught"]
    assert staged["detected_by"].startswith("workflow 'release' job 'staging' failed")
    assert staged["caught"] and not staged["reached_production"]
    assert staged["extra_errors"] < manual["extra_errors"]


def test_without_staging_the_canary_stops_a_broken_deployment(tmp_path):
    """The runner follows the release workflow: with its staging job removed, the broken
    release reaches the Argo Rollouts canary, whose analysis aborts it."""
    split = dataset.load(0)
    config = generate.CONFIGURATIONS[3]
    scenario = next(s for s in catalogue.scenarios() if s.key == "broken-deployment")
    repo = generate.generate(config, tmp_path / "repo", split)
    release = repo / ".github" / "workflows" / "release.yml"
    spec = yaml.safe_load(release.read_text(encoding="utf-8"))
    del spec["jobs"]["staging"]
    spec["jobs"]["production"]["needs"] = ["gate"]
    release.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    generate.git(repo, "commit", "-qam", "Release without staging")
    r = runner.run(config, repo, scenario, catalogue.simulation(), split, 24, 0, tmp_path / "run")
    assert r.detected_by is not None and r.detected_by.startswith("canary"), r.events
    assert r.caught


def test_the_runner_follows_the_repositorys_definitions(tmp_path):
    """Without its CI workflow, the level-1 repository no longer stops the feature bug: the
    runner runs what the files say, not what the level promises."""
    split = dataset.load(0)
    config = generate.CONFIGURATIONS[1]
    scenario = next(s for s in catalogue.scenarios() if s.key == "feature-bug")
    sim = catalogue.simulation()
    with_ci = generate.generate(config, tmp_path / "with", split)
    without = generate.generate(config, tmp_path / "without", split)
    (without / ".github" / "workflows" / "ci.yml").unlink()
    generate.git(without, "commit", "-qam", "Drop CI")
    kept = runner.run(config, with_ci, scenario, sim, split, 24, 0, tmp_path / "run-with")
    lost = runner.run(config, without, scenario, sim, split, 24, 0, tmp_path / "run-without")
    assert kept.caught and not kept.reached_production
    assert lost.reached_production and not lost.caught


def test_the_scanner_is_tested_against_the_intended_levels(lab):
    _, data, _ = lab
    for c in data["configurations"]:
        assert {"scan_level", "combined_level", "combined_potential", "missed"} <= set(c)
        # the lab knows every answer outside the repository, so the potential level is the
        # intended one exactly when the scanner sees no practice of a higher level
        assert c["combined_potential"] == c["level"], c["key"]
        assert c["combined_level"] <= c["level"], c["key"]


def test_the_outcomes_are_valid_profiles_read_by_the_outcome_queries(lab):
    out, data, _ = lab
    engine = Assessor()
    for c in data["configurations"]:
        profile = read_profile(out / data["profiles"][c["key"]])
        assert cmlops_kg.validate(profile).conforms
        engine.load(profile)
    compared = practice_vs_outcome(
        engine.store, metric=CMLOPS + "metric-change-fail-rate", dimension=CMLOPS + "dim-delivery"
    )
    values = {t.organisation.rsplit("/", 1)[1]: t.value for t in compared.teams}
    assert set(values) == {c.key for c in generate.CONFIGURATIONS}
    for key, value in values.items():
        assert value == pytest.approx(
            data["metrics"][key]["metric-change-fail-rate"]["value"], abs=1e-3
        )
    assert values["level-0"] > values["level-4"]  # measured: fewer faulty changes reach prod


def test_every_run_is_a_prov_activity(lab):
    out, data, _ = lab
    g = rdflib.Graph().parse(out / "runs.ttl")
    activities = set(
        g.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/prov#Activity"))
    )
    assert len(activities) == len(data["runs"])


def test_disagreements_are_computed_from_the_runs(lab):
    _, data, _ = lab
    scenarios = catalogue.scenarios()
    fields = {f.name for f in dataclasses.fields(runner.RunResult)}
    runs = [runner.RunResult(**{k: v for k, v in r.items() if k in fields}) for r in data["runs"]]
    modes = [s.failure_mode for s in scenarios if s.failure_mode]
    guards, labels = claim.guards_of(modes), claim.labels_of(modes)
    before = claim.evaluate(generate.CONFIGURATIONS, scenarios, runs, guards, labels)
    assert [dataclasses.asdict(f) for f in before.findings] == data["findings"]
    drift = next(r for r in runs if r.configuration == "level-0" and r.scenario == "feature-drift")
    drift.detected_step, drift.detected_by = 10, "a check level 0 does not have"
    after = claim.evaluate(generate.CONFIGURATIONS, scenarios, runs, guards, labels)
    new = [f for f in after.findings if f not in before.findings]
    assert [(f.kind, f.configurations, f.scenario) for f in new] == [
        ("unlisted-guard", ["level-0"], "feature-drift")
    ]
    assert "'Undetected input drift'" in new[0].text  # the failure mode by its name


def test_the_report_states_the_table_levels_and_closing_note(lab):
    out, data, _ = lab
    text = (out / "report.md").read_text(encoding="utf-8")
    for heading in (
        "The claim, per failure mode",
        "Findings",
        "Intended and recovered levels",
        "Closing note",
        "What this does not show",
    ):
        assert heading in text
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 3 and "<script" not in html
    assert len(data["findings"]) == sum(1 for line in text.splitlines() if line.startswith("- "))


def test_cli_lab_list_and_report(lab):
    out, _, _ = lab
    cli = [sys.executable, "-m", "cmlops_kg", "lab"]
    listed = subprocess.run([*cli, "list"], capture_output=True, text=True)
    assert listed.returncode == 0 and "feature-drift" in listed.stdout
    shown = subprocess.run([*cli, "report", str(out)], capture_output=True, text=True)
    assert shown.returncode == 0 and "THE CLAIM, PER FAILURE MODE" in shown.stdout
    assert "\\(" not in shown.stdout  # plain text for the terminal, not escaped Markdown
    missing = subprocess.run([*cli, "report", str(out / "nothing")], capture_output=True, text=True)
    assert missing.returncode != 0 and "Traceback" not in missing.stderr
    assert "cmlops-kg lab run" in missing.stderr


def test_lab_refuses_a_folder_that_is_not_its_own(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    done = subprocess.run(
        [sys.executable, "-m", "cmlops_kg", "lab", "run", "--quick", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and "not empty" in done.stderr and "Traceback" not in done.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine"
    shutil.rmtree(tmp_path / "repos", ignore_errors=True)


def test_the_bundled_result_is_what_the_quick_run_measures(lab):
    """The app's bundled result is a stored quick run: it must match a fresh one (the runs
    are seeded), so regenerate it when the lab changes: 'cmlops-kg lab run --quick --out D',
    then D/results.json -> cmlops_kg/lab/quick-results.json, D/profiles/*.ttl ->
    cmlops_kg/lab/quick-profiles/."""
    out, data, _ = lab
    bundled = load_result()
    key = (
        "configuration",
        "scenario",
        "reached_production",
        "caught",
        "detected_step",
        "extra_errors",
    )
    assert [[r[k] for k in key] for r in bundled["runs"]] == [
        [r[k] for k in key] for r in data["runs"]
    ]
    assert bundled["cells"] == data["cells"]
    assert bundled["findings"] == data["findings"]
    # ... and so are the profiles the app's outcome view reads (cmlops_kg/lab/quick-profiles)
    from rdflib.compare import isomorphic

    from cmlops_kg.lab.report import bundled_profiles

    fresh = {p.name: p for p in (out / "profiles").glob("*.ttl")}
    stored = {p.name: p for p in bundled_profiles()}
    assert set(stored) == set(fresh) == {f"{c.key}.ttl" for c in generate.CONFIGURATIONS}
    for name, path in stored.items():
        assert isomorphic(rdflib.Graph().parse(path), rdflib.Graph().parse(fresh[name])), name


def test_the_lab_page_shows_a_stored_result(lab, monkeypatch):
    from streamlit.testing.v1 import AppTest

    out, data, _ = lab
    monkeypatch.setenv("CMLOPS_KG_LAB_RESULTS", str(out))
    at = AppTest.from_file(
        str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=300
    )
    at.run()
    at.switch_page("cmlops_kg/app/pages/lab.py").run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Validation lab"
    assert at.radio[0].value.startswith("Results in")
    claim_table = at.dataframe[0].value
    assert list(claim_table["Scenario"]) == [
        s["label"] for s in data["scenarios"] if s["failure_mode"]
    ]
    tested = [c for c in data["cells"] if c["agrees"] is not None]
    shown = {m.label: m.value for m in at.metric}
    assert shown["Claim held"] == str(sum(c["agrees"] for c in tested))


def test_a_makefile_target_runs_its_prerequisites_first(tmp_path):
    (tmp_path / "Makefile").write_text(
        "V := $(shell git rev-parse HEAD)\n\ntest:\n\tpython -m pytest\n\n"
        "package: test\n\tmkdir -p dist\n\t@tar czf dist/x-$(V).tgz \\\n\t  src\n\n"
        "all: package test\n",
        encoding="utf-8",
    )
    from cmlops_kg.lab.workflows import read_makefile

    makefile = read_makefile(tmp_path)
    assert makefile is not None and makefile.variables["V"] == "$(shell git rev-parse HEAD)"
    assert makefile.recipe("all") == [
        "python -m pytest",
        "mkdir -p dist",
        "tar czf dist/x-$(V).tgz  src",
    ]
    assert makefile.recipe("missing") == []


def test_level_1_ci_builds_a_package_named_by_its_commit(tmp_path):
    """The level-1 CI's 'make package' runs the Makefile's recipe (tests first) and leaves a
    tarball stamped with the commit: build automation as its definition asks."""
    split = dataset.load(0)
    config = generate.CONFIGURATIONS[1]
    control = next(s for s in catalogue.scenarios() if s.failure_mode is None)
    repo = generate.generate(config, tmp_path / "repo", split)
    world = runner.World(
        config, repo, control, catalogue.simulation(), split, 4, 0, tmp_path / "run"
    )
    assert world.command("make package")
    head = generate.git(world.repo, "rev-parse", "--short", "HEAD").strip()
    assert (world.repo / "dist" / f"tumour-classifier-{head}.tar.gz").is_file()
    assert not world.command("make no-such-target")


def test_the_scanner_recovers_the_levels_its_real_tools_show(lab):
    """Level 1 (git, tests, CI, a pip-compile lock synced in CI, Dependabot, a Makefile
    package) is recovered from its repository and the answers; the scanner finds every
    practice the level-1 and level-2 repositories implement (MLflow, Pandera, DVC, a gate)."""
    _, data, _ = lab
    by = {c["key"]: c for c in data["configurations"]}
    assert by["level-1"]["combined_level"] == 1
    assert by["level-1"]["missed"] == [] and by["level-2"]["missed"] == []


def _dvc(repo: Path, *args: str, home: Path) -> subprocess.CompletedProcess:
    """The real DVC, as a team runs it (its own process; no analytics, no network)."""
    bin_dir = Path(sys.executable).parent
    dvc = shutil.which("dvc", path=str(bin_dir)) or shutil.which("dvc")
    if dvc is None:
        pytest.fail("dvc is not installed: it is a [dev] dependency (pip install -e '.[dev]')")
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "DVC_NO_ANALYTICS": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
    }
    return subprocess.run(
        [dvc, *args], cwd=repo, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("level", [2, 4])  # 3 is 2 plus a stage that 4 runs too
def test_the_generated_pipelines_are_what_dvc_runs(tmp_path, level):
    """Each generated dvc.yaml is a pipeline the real DVC runs (every stage in its own process,
    dvc.lock written); the runner reads the same stages, in DVC's order, with DVC's templating
    resolved to the same commands."""
    from cmlops_kg.lab.workflows import read_pipeline

    split = dataset.load(0)
    repo = generate.generate(generate.CONFIGURATIONS[level], tmp_path / "repo", split)
    dataset.write_csv(
        repo / "upstream" / "training.csv",
        [{k: v for k, v in r.items() if k != "id"} for r in split.training],
    )
    (repo / "logs").mkdir()
    (repo / "logs" / "predictions.jsonl").write_text("", encoding="utf-8")
    dataset.write_csv(repo / "data" / "outcomes.csv", [{"request_id": "0", "label": "1"}])
    assert _dvc(repo, "init", "-q", home=tmp_path).returncode == 0
    run = _dvc(repo, "repro", home=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    planned = [line.split("'")[1] for line in run.stdout.splitlines() if "Running stage" in line]
    stages = read_pipeline(repo)
    assert [s.name for s in stages] == planned
    commands = [line[2:] for line in run.stdout.splitlines() if line.startswith("> ")]
    assert [s.command for s in stages] == commands
    assert (repo / "models" / "candidate" / "model.pkl").is_file()
    assert set(yaml.safe_load((repo / "dvc.lock").read_text())["stages"]) == set(planned)
