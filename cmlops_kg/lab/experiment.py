"""``cmlops-kg lab run``: the whole experiment, from nothing to results in the knowledge graph.

1. generate one repository per configuration (``<out>/repos/level-N``);
2. run every configuration against every scenario (and seed) with the local runner;
3. scan and assess each repository (+ the questionnaire answers the lab knows to be true);
4. store the measured outcomes as metric observations of each assessment
   (``<out>/profiles/level-N.ttl``, valid profiles) and every run as a PROV activity
   (``<out>/runs.ttl``);
5. test the claim per failure mode and write ``results.json`` and the report.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cmlops_kg.errors import InputError
from cmlops_kg.lab import catalogue, claim, dataset, generate, rdf, runner
from cmlops_kg.lab.assessment import ConfigurationAssessment, assess_configuration

MARKER = "results.json"


@dataclass
class LabResult:
    quick: bool
    steps: int
    seeds: list[int]
    seconds: dict[str, float]
    simulation: dict
    scenarios: list[dict]
    configurations: list[dict]
    runs: list[dict]
    cells: list[dict]
    findings: list[dict]
    metrics: dict[str, dict]
    profiles: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        return asdict(self)


def _prepare(out: Path, force: bool) -> None:
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists() and not force:
        raise InputError(
            f"{out} is not empty and holds no earlier lab results",
            fix="give an empty or new folder with --out, or --force",
        )
    for name in ("repos", "profiles"):
        shutil.rmtree(out / name, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)


def run_lab(
    out: Path, quick: bool = False, force: bool = False, say: Callable[[str], None] | None = None
) -> LabResult:
    say = say or (lambda text: print(text, file=sys.stderr, flush=True))
    started = time.perf_counter()
    _prepare(out, force)
    sim = catalogue.simulation()
    scenarios = catalogue.scenarios()
    steps = sim.quick_steps if quick else sim.full_steps
    seeds = [0] if quick else list(range(sim.full_seeds))
    split = dataset.load(0)
    repos = {
        c.key: generate.generate(c, out / "repos" / c.key, split) for c in generate.CONFIGURATIONS
    }
    say(f"lab: {len(repos)} repositories generated in {out / 'repos'}")
    timings = {"generate": time.perf_counter() - started}
    runs = _run_all(repos, scenarios, sim, split, steps, seeds, say)
    timings["runs"] = time.perf_counter() - started - sum(timings.values())
    assessments = {}
    for c in generate.CONFIGURATIONS:
        assessments[c.key] = assess_configuration(c, repos[c.key])
        a = assessments[c.key]
        say(
            f"lab: assessed {c.key}: intended {c.level}, scan alone {a.scan_level} "
            f"(up to {a.scan_potential}), scan + answers {a.combined_level} "
            f"(up to {a.combined_potential})"
        )
    timings["assess"] = time.perf_counter() - started - sum(timings.values())
    modes = [s.failure_mode for s in scenarios if s.failure_mode]
    store = claim.ontology_store()
    guards, mode_labels = claim.guards_of(modes, store), claim.labels_of(modes, store)
    tested = claim.evaluate(generate.CONFIGURATIONS, scenarios, runs, guards, mode_labels)
    metrics, profiles = _store(out, runs, scenarios, sim, assessments)
    timings["total"] = time.perf_counter() - started
    result = LabResult(
        quick=quick,
        steps=steps,
        seeds=seeds,
        seconds=timings,
        simulation=sim.parameters,
        scenarios=[
            {
                "key": s.key,
                "label": s.label,
                "definition": s.definition,
                "failure_mode": s.failure_mode,
                "failure_mode_label": mode_labels.get(s.failure_mode or "", ""),
            }
            for s in scenarios
        ],
        configurations=[_config_json(c, assessments[c.key]) for c in generate.CONFIGURATIONS],
        runs=[r.to_json() for r in runs],
        cells=[
            {**asdict(c), "guarded": c.guarded, "outcome": c.outcome, "agrees": c.agrees}
            for c in tested.cells
        ],
        findings=[asdict(f) for f in tested.findings],
        metrics=metrics,
        profiles=profiles,
    )
    (out / MARKER).write_text(json.dumps(result.to_json(), indent=1), encoding="utf-8")
    from cmlops_kg.lab.report import write_reports

    write_reports(result, out)
    say(f"lab: done in {timings['total']:.0f} s; {out / 'report.html'}")
    return result


def _fast_tmp() -> str | None:
    """A memory-backed folder for the runs' working trees when the machine has room (each run's
    tree is a few MB and removed when the run ends; git, CSV, pickles and MLflow's SQLite
    commits are then not written to disk), else the default temporary folder."""
    shm = Path("/dev/shm")
    try:
        stats = os.statvfs(shm)
    except OSError:
        return None
    free = stats.f_bavail * stats.f_frsize
    return str(shm) if free > 256 * 2**20 and os.access(shm, os.W_OK) else None


def _run_all(
    repos: dict[str, Path],
    scenarios: list,
    sim,
    split,
    steps: int,
    seeds: list[int],
    say: Callable[[str], None],
) -> list[runner.RunResult]:
    total = len(repos) * len(scenarios) * len(seeds)
    runs = []
    with tempfile.TemporaryDirectory(prefix="cmlops-lab-", dir=_fast_tmp()) as work:
        for c in generate.CONFIGURATIONS:
            for sc in scenarios:
                for seed in seeds:
                    where = Path(work) / c.key / f"{sc.key}-{seed}"
                    r = runner.run(c, repos[c.key], sc, sim, split, steps, seed, where)
                    runs.append(r)
                    shutil.rmtree(where, ignore_errors=True)
                    verdict = "caught" if r.caught else "MISSED"
                    say(
                        f"lab: [{len(runs)}/{total}] {c.key} × {sc.key} (seed {seed}): "
                        f"{verdict if sc.failure_mode else 'control'}; "
                        f"{r.extra_errors} extra errors"
                    )
    return runs


def _store(
    out: Path, runs: list, scenarios: list, sim, assessments: dict[str, ConfigurationAssessment]
):
    import cmlops_kg
    from cmlops_kg.errors import ValidationFailed
    from cmlops_kg.rdf.profiles import Profile, profile_turtle

    metrics, profiles = {}, {}
    (out / "profiles").mkdir(parents=True, exist_ok=True)
    for key, a in assessments.items():
        measured = rdf.measured_metrics([r for r in runs if r.configuration == key], scenarios, sim)
        metrics[key] = {m: {"value": v, "unit": u, "how": h} for m, (v, u, h) in measured.items()}
        profile = rdf.profile_with_outcomes(a, measured)
        report = cmlops_kg.validate(profile)
        if not report.conforms:
            raise ValidationFailed(report)
        path = out / "profiles" / f"{key}.ttl"
        path.write_bytes(profile_turtle(profile))
        profiles[key] = str(path.relative_to(out))
    activity = Profile(name="lab runs", triples=rdf.run_triples(runs, assessments, scenarios))
    (out / "runs.ttl").write_bytes(profile_turtle(activity))
    return metrics, profiles


def _config_json(c: generate.Configuration, a: ConfigurationAssessment) -> dict:
    data = {k: v for k, v in asdict(a).items() if k != "profile"}
    return {
        "key": c.key,
        "label": c.label,
        "level": c.level,
        "adds": c.adds,
        "practices": list(generate.implemented(c)),
        **data,
    }
