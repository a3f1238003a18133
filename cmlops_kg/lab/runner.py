"""The local runner: plays what is outside a repository - CI on a change, scheduled and
triggered training, the release pipeline, the deploy tool, production traffic replayed from the
data set, the materialisation job, consumers and the on-call person - for one configuration
and one fault scenario. What runs, and when, is read from the repository's own definitions
(workflows, ``dvc.yaml``, ``Makefile``, ``serve.yaml``, the Argo Rollouts and CronJob manifests
in ``deploy/``, Prometheus rules and Alertmanager routes in ``monitoring/``) and the platform
services they use (an MLflow tracking server and model registry: a SQLite store of each run's
own; Argo Rollouts, Prometheus and Alertmanager as ``platforms`` plays them); a
configuration without a definition gets a person following the README, with the delays of
``scenarios.ttl``. The runner measures; it never decides an outcome by the configuration's
level.
"""

from __future__ import annotations

import atexit
import json
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cmlops_kg.lab import execute
from cmlops_kg.lab.catalogue import Scenario, Simulation
from cmlops_kg.lab.dataset import Split, write_csv
from cmlops_kg.lab.generate import Configuration, git
from cmlops_kg.lab.platforms import fires, read_canary, read_monitoring, samples
from cmlops_kg.lab.workflows import Workflow, read_makefile, read_pipeline, read_workflows

MANUAL_TRAIN = "python src/train.py --data ${UPSTREAM}/training.csv --out models/candidate"
COMPLAINT = "consumers complained"
RETRAIN_FIXES = ("scale-traffic-columns", "resample-traffic-labels")  # a new model is the remedy
TRAFFIC_FAULTS = ("scale-traffic-columns", "resample-traffic-labels", "stop-materialisation")


def _namespace(args: list[str]) -> tuple[str, list[str]]:
    """kubectl's namespace (-n/--namespace; production when none is given) and the rest."""
    words, namespace, skip = [], "production", False
    for i, word in enumerate(args):
        if skip:
            skip = False
        elif word in ("-n", "--namespace") and i + 1 < len(args):
            namespace, skip = args[i + 1], True
        elif word.startswith("--namespace="):
            namespace = word.split("=", 1)[1]
        else:
            words.append(word)
    return namespace, words


_EMPTY_STORE: list[Path] = []  # this process's empty, migrated MLflow store


def tracking_server(work: Path) -> str:
    """The MLflow store of one run: a copy of an empty, migrated SQLite store (creating one
    runs MLflow's schema migrations, seconds each; copying it is instant). The empty store is
    made once per process, in a temporary folder removed when the process ends."""
    if not _EMPTY_STORE:
        folder = Path(tempfile.mkdtemp(prefix="cmlops-lab-mlflow-"))
        atexit.register(shutil.rmtree, folder, True)
        _create_store(folder / "empty.db")
        _EMPTY_STORE.append(folder / "empty.db")
    shutil.copyfile(_EMPTY_STORE[0], work / "mlflow.db")
    return f"sqlite:///{work / 'mlflow.db'}"


def _create_store(path: Path) -> None:
    import logging

    from mlflow.tracking import MlflowClient

    logging.getLogger("mlflow").setLevel(logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.ERROR)
    MlflowClient(f"sqlite:///{path}").search_experiments()  # creates and migrates the schema


@dataclass
class Deployment:
    path: Path
    service: object | None
    faulty: bool
    includes_change: bool
    error: str = ""


@dataclass
class RunResult:
    configuration: str
    level: int
    scenario: str
    seed: int
    steps: int
    reached_production: bool = False
    faulty_served: bool = False
    detected_step: int | None = None
    detected_by: str = ""
    recovered_step: int | None = None
    manual_interventions: int = 0
    extra_errors: int = 0
    served_after_fault: int = 0
    accuracy_healthy: float = 0.0
    accuracy_served: float = 0.0
    lead_time_steps: int | None = None
    false_alarms: int = 0
    releases: int = 0
    extra_per_step: list[int] = field(default_factory=list)
    events: list[tuple[int, str]] = field(default_factory=list)

    @property
    def caught(self) -> bool:
        """Kept out of production, or noticed by the system within the horizon (consumers
        complaining is the fault reaching them, not the system catching it)."""
        noticed = self.detected_step is not None and self.detected_by != COMPLAINT
        return not self.reached_production or noticed

    def to_json(self) -> dict:
        return {**self.__dict__, "caught": self.caught}


@dataclass
class Canary:
    deployment: Deployment
    fraction: float
    steps: int
    limits: dict
    started: int
    then: Callable[[], None]
    served: int = 0
    errors: int = 0
    correct: int = 0
    prod_served: int = 0
    prod_correct: int = 0


class World:
    def __init__(
        self,
        config: Configuration,
        source: Path,
        scenario: Scenario,
        sim: Simulation,
        split: Split,
        steps: int,
        seed: int,
        work: Path,
    ) -> None:
        self.config, self.scenario, self.sim, self.split = config, scenario, sim, split
        self.steps, self.seed, self.work, self.t = steps, seed, work, -1
        self.repo = work / "repo"
        work.mkdir(parents=True, exist_ok=True)
        if config.has_git:
            git(work, "clone", "-q", str(source), str(self.repo))
        else:
            shutil.copytree(source, self.repo)
        self.env = {
            "MLFLOW_TRACKING_URI": tracking_server(work),
            "UPSTREAM": str(work / "upstream"),
            "PRODUCTION": str(work / "prod"),
            "FEATURE_TABLE": str(work / "feature_table.json"),
            "OUTCOMES": str(work / "outcomes.csv"),
            "PREDICTION_LOG": str(work / "predictions.jsonl"),
        }
        self._write_platform_paths()
        self.result = RunResult(config.key, config.level, scenario.key, seed, steps)
        self.workflows: list[Workflow] = read_workflows(self.repo)
        self.monitoring = read_monitoring(self.repo, sim.step_hours)
        self.canary_spec = read_canary(self.repo)
        self.queue: list[tuple[int, str, Callable[[], None]]] = []
        self.upstream_broken = self.tree_faulty = self.change_in_tree = False
        self.candidate_faulty = self.candidate_has_change = False
        self.materialising = True
        self.canary: Canary | None = None
        self.staged: dict[str, Deployment] = {}  # releases in namespaces other than production
        self.pending_change = False
        self.fixing = self.red = False
        self.window: list[dict] = []
        self.feedback: list[tuple[list[dict[str, str]], list[dict[str, str]]]] = []
        self.silenced: dict[str, int] = {}
        self.history: list[Deployment] = []
        self.monitor_code: dict[tuple[str, str, str], Callable | None] = {}
        self.table = {"updated_at": -1, "defaults": self._defaults(), "rows": {}}
        self.healthy_table = {"updated_at": -1, "defaults": self._defaults(), "rows": {}}
        self._write_upstream(self.split.training)
        self._materialise(self.split.traffic, both=True)  # what has been seen before the day
        self.table["rows"], self.healthy_table["rows"] = {}, {}
        self._write_tables()
        self._start()

    def _write_platform_paths(self) -> None:
        """The CI environment's platform.yaml (read by dvc.yaml's vars): this run's paths."""
        path = self.repo / "platform.yaml"
        if path.exists():
            keys = ("UPSTREAM", "PRODUCTION", "PREDICTION_LOG", "OUTCOMES")
            path.write_text(
                "".join(f"{k}: {json.dumps(self.env[k])}\n" for k in keys), encoding="utf-8"
            )

    # -- bookkeeping --------------------------------------------------------------------------
    def log(self, text: str) -> None:
        self.result.events.append((self.t, text))

    def detect(self, how: str) -> None:
        counts = self.t >= self.sim.fault_at_step and self.scenario.failure_mode is not None
        if counts and self.result.detected_step is None:
            self.result.detected_step, self.result.detected_by = self.t, how
        self.log(f"detected: {how}")

    def failed_check(self, how: str) -> None:
        """A check failed (CI, a pipeline stage, a canary): it is a detection when the fault is
        the cause, and someone is told either way; the person fixes the cause later."""
        if self.tree_faulty or self.upstream_broken:
            self.detect(how)
            if not self.fixing:
                self.fixing = True
                self.later(
                    self.sim.human_response_steps,
                    "fixes what the failed check reported",
                    self.fix_cause,
                    True,
                )
        else:
            self.log(f"check failed, not caused by the fault: {how}")

    def fix_cause(self) -> None:
        self.fixing = False
        if self.upstream_broken:  # the producer's new column names are mapped back
            self.upstream_broken = False
            self._write_upstream(self.split.training)
        if self.tree_faulty:
            self.tree_faulty = self.change_in_tree = False
            if self.config.has_git:
                git(self.repo, "revert", "--no-edit", "HEAD")
            else:
                self.log("no version control: the change is undone by hand")
        self.red = False

    def fault_live(self) -> bool:
        """Has the fault been in production (a faulty release served, or the world changed)?"""
        changed_world = self.scenario.kind in TRAFFIC_FAULTS and self.t >= self.sim.fault_at_step
        return self.result.faulty_served or changed_world

    def fault_in_production(self) -> bool:
        """Is the fault serving traffic right now (so that an alert is about it)?"""
        if self.scenario.failure_mode is None or self.t < self.sim.fault_at_step:
            return False
        if self.scenario.kind in TRAFFIC_FAULTS:
            return self.scenario.kind != "stop-materialisation" or not self.materialising
        canary = self.canary is not None and self.canary.deployment.faulty
        return self.production.faulty or canary

    def recover(self, how: str) -> None:
        if self.fault_live() and self.result.recovered_step is None:
            self.result.recovered_step = self.t
        self.log(f"recovered: {how}")

    def later(self, delay: int, what: str, action: Callable[[], None], manual: bool) -> None:
        def act() -> None:
            if manual:
                self.result.manual_interventions += 1
            self.log(("person: " if manual else "") + what)
            action()

        self.queue.append((self.t + delay, what, act))

    # -- the data -----------------------------------------------------------------------------
    def _defaults(self) -> dict[str, float]:
        online = [c for c in self.split.columns if c.startswith("worst_")]
        return {c: float(np.mean([float(r[c]) for r in self.split.training])) for c in online}

    def _write_upstream(
        self, rows: list[dict[str, str]], renames: dict[str, str] | None = None
    ) -> None:
        renames = renames or {}
        out = [{renames.get(k, k): v for k, v in r.items() if k != "id"} for r in rows]
        write_csv(self.work / "upstream" / "training.csv", out)

    def _materialise(self, rows: list[dict[str, str]], both: bool) -> None:
        tables = [self.healthy_table] + ([self.table] if both else [])
        for table in tables:
            for r in rows:
                table["rows"][r["id"]] = {c: float(r[c]) for c in table["defaults"]}
            table["updated_at"] = self.t

    def _write_tables(self) -> None:
        (self.work / "feature_table.json").write_text(json.dumps(self.table), encoding="utf-8")
        (self.work / "healthy_table.json").write_text(
            json.dumps(self.healthy_table), encoding="utf-8"
        )

    def _batch(self) -> list[dict[str, str]]:
        rng = np.random.default_rng(self.seed * 10_007 + self.t)
        pool = self.split.traffic
        weights = None
        sc = self.scenario
        if sc.kind == "resample-traffic-labels" and self.t >= self.sim.fault_at_step:
            hit = np.array([int(r["label"]) == sc.label_value for r in pool], dtype=float)
            weights = np.where(hit, sc.share / hit.sum(), (1 - sc.share) / (len(pool) - hit.sum()))
        picks = rng.choice(len(pool), size=self.sim.batch_size, replace=True, p=weights)
        return [pool[i] for i in picks]

    def _requests(self, batch: list[dict[str, str]], faulty: bool) -> list[dict[str, str]]:
        scales = dict(self.scenario.scales) if faulty else {}
        out = []
        for row in batch:
            req = {k: v for k, v in row.items() if k != "label" and not k.startswith("worst_")}
            for column, factor in scales.items():
                req[column] = repr(float(req[column]) * factor)
            out.append(req)
        return out

    # -- deployments --------------------------------------------------------------------------
    def snapshot(self, name: str) -> Deployment:
        """What the deploy tool ships: the code, the serving config and the candidate model."""
        target = self.work / "deploy" / f"{name}-{self.t + 1}-{len(self.result.events)}"
        shutil.copytree(self.repo / "src", target / "src")
        shutil.copyfile(self.repo / "serve.yaml", target / "serve.yaml")
        models = self.repo / "models"
        shipped = models / "release" if (models / "release").is_dir() else models / "candidate"
        for artefact in ("model.pkl", "reference.json"):
            source = shipped / artefact
            if source.exists():
                shutil.copyfile(source, target / artefact)
        deployment = self._open(
            target, self.tree_faulty or self.candidate_faulty, self.candidate_has_change
        )
        return deployment

    def _open(
        self, path: Path, faulty: bool, change: bool, table: str = "feature_table.json"
    ) -> Deployment:
        env = {**self.env, "FEATURE_TABLE": str(self.work / table)}
        try:
            service = execute.load_service(path, env)
            error = ""
        except Exception as exc:  # a broken release: it does not start
            service, error = None, f"{type(exc).__name__}: {exc}"
        return Deployment(path, service, faulty, change, error)

    def _install(self, deployment: Deployment) -> None:
        """Make ``deployment`` production (the previous one is kept for rollback)."""
        prod = self.work / "prod"
        if prod.exists():
            self.previous = self.installed  # its snapshot stays on disk
            self.history.append(self.installed)
            shutil.rmtree(prod)
        shutil.copytree(deployment.path, prod)
        self.installed = deployment
        self.production = self._open(prod, deployment.faulty, deployment.includes_change)
        self.result.releases += 1
        if self.production.error:
            self.log(f"production does not start: {self.production.error}")
        if (
            deployment.includes_change
            and self.result.lead_time_steps is None
            and self.t >= self.sim.fault_at_step
        ):
            self.result.lead_time_steps = self.t - self.sim.fault_at_step
        if not deployment.faulty and self.t >= self.sim.fault_at_step and self.result.faulty_served:
            self.recover("a healthy release is in production")

    def rollback(self, how: str) -> None:
        """Back to the last earlier release that worked (what the registry or the team's
        memory says worked; the release just before may be broken too)."""
        good = [d for d in self.history if d.service is not None and not d.faulty]
        if not good:
            return
        self.log(f"rollback ({how})")
        self._install(good[-1])

    # -- running the repository's definitions ---------------------------------------------------
    def command(self, text: str) -> bool:
        words = execute.expand(text, self.env)
        if not words or words[0] in ("pip", "pip-sync"):
            return True  # the environment is already installed
        if words[:2] == ["dvc", "repro"]:
            return self.pipeline()
        if words[0] == "make":
            return self.make(words[1:] or ["all"])
        if words[0] == "kubectl":
            return self.kubectl(words[1:])
        if words[:3] == ["python", "-m", "pytest"]:
            outcome = execute.run_pytest(self.repo, words, self.env)
        elif words[0] == "python":
            outcome = execute.run_script(self.repo, words, self.env)
            if words[1] == "src/train.py" and outcome.code == 0:
                self.candidate_faulty = self.upstream_broken or self.tree_faulty
                self.candidate_has_change = self.change_in_tree
        else:
            self.log(f"unknown command, not run: {text}")
            return False
        if outcome.code != 0:
            self.log(f"failed: {outcome.command}: {outcome.output.strip().splitlines()[-1:]}")
        return outcome.code == 0

    def kubectl(self, args: list[str]) -> bool:
        """The cluster: ``kubectl apply -f deploy/`` releases the candidate into a namespace
        (production: through the Rollout's canary when there is one), ``kubectl argo rollouts
        status`` waits for it to become ready (its pods answer the readiness probe), ``kubectl
        argo rollouts undo`` rolls production back."""
        namespace, words = _namespace(args)
        if words[:1] == ["apply"] and "deploy/" in [w.rstrip("/") + "/" for w in words]:
            if namespace != "production":
                self.staged[namespace] = self.snapshot(namespace)
            elif self.canary_spec is not None:
                self.start_canary()
            else:
                self._install(self.snapshot("release"))
            return True
        if words[:3] == ["argo", "rollouts", "status"]:
            staged = self.staged.get(namespace)
            return staged is None or self._ready(staged, namespace)
        if words[:3] == ["argo", "rollouts", "undo"]:
            self.rollback("rollback workflow")
            return True
        self.log(f"kubectl {' '.join(args)}: not understood, not run")
        return False

    def _ready(self, deployment: Deployment, namespace: str) -> bool:
        """The readiness probe: the release starts and answers a few requests."""
        probe = self._requests(self.split.traffic[:5], False)
        if self._predict(deployment, probe)[0] is None:
            self.log(f"{namespace}: the release does not become ready")
            return False
        return True

    def make(self, targets: list[str]) -> bool:
        """``make T``: the Makefile's recipe lines for T, Python ones in this process like any
        other command, the rest (mkdir, tar, echo) as programs in the repository."""
        makefile = read_makefile(self.repo)
        if makefile is None:
            self.log("make: no Makefile")
            return False
        for target in targets:
            if target not in makefile.rules:
                self.log(f"make: no rule to make target '{target}'")
                return False
            for line in makefile.recipe(target):
                text = self._make_variables(line, makefile.variables)
                if text.split()[:1] == ["python"]:
                    ok = self.command(text)
                else:
                    ok = execute.run_program(self.repo, execute.expand(text, self.env), self.env)
                if not ok:
                    self.log(f"make {target}: failed: {text}")
                    return False
        return True

    def _make_variables(self, line: str, variables: dict[str, str]) -> str:
        def value(name: str) -> str:
            text = variables.get(name, "")
            if text.startswith("$(shell ") and text.endswith(")"):
                words = execute.expand(text[len("$(shell ") : -1], self.env)
                return execute.program_output(self.repo, words, self.env).strip()
            return text

        return re.sub(r"\$\((\w+)\)", lambda m: value(m.group(1)), line)

    def pipeline(self) -> bool:
        for stage in read_pipeline(self.repo):
            if not self.command(stage.command):
                self.failed_check(f"pipeline stage '{stage.name}' failed")
                return False
        return True

    def run_workflow(self, workflow: Workflow, event: str) -> bool:
        jobs = workflow.ordered_jobs()
        for index, job in enumerate(jobs):
            for step in job.steps:
                canary = self._starts_canary(step)
                if canary:
                    rest = jobs[index + 1 :]
                    self._deferred = lambda rest=rest: self._run_jobs(rest)
                if not self.command(step):
                    self.failed_check(
                        f"workflow '{workflow.name}' job '{job.name}' failed ({event})"
                    )
                    return False
                if canary:
                    return True  # the jobs after the canary run when the rollout completes
        self.log(f"workflow '{workflow.name}' passed ({event})")
        self._chain(workflow)
        return True

    def _run_jobs(self, jobs: list) -> None:
        for job in jobs:
            for step in job.steps:
                self.command(step)

    def _chain(self, workflow: Workflow) -> None:
        for other in self.workflows:
            if other.after(workflow.name):
                self.run_workflow(other, f"after {workflow.name}")

    def _starts_canary(self, step: str) -> bool:
        """A step that releases into production through the Rollout's canary."""
        words = step.split()
        if self.canary_spec is None or words[:1] != ["kubectl"]:
            return False
        namespace, rest = _namespace(words[1:])
        return namespace == "production" and rest[:1] == ["apply"]

    def releases_automatically(self) -> bool:
        return any(self._starts_canary(s) for w in self.workflows for j in w.jobs for s in j.steps)

    def start_canary(self) -> None:
        spec = self.canary_spec or {}
        deployment = self.snapshot("canary")
        self.canary = Canary(
            deployment,
            float(spec.get("fraction", 0.1)),
            max(1, round(float(spec.get("hours", 1)) / self.sim.step_hours)),
            spec,
            self.t,
            self._promote,
        )
        self.log(f"canary started ({self.canary.fraction:.0%} of traffic)")

    # -- the start of the day ------------------------------------------------------------------
    def _start(self) -> None:
        if read_pipeline(self.repo):
            self.pipeline()
        else:
            self.command(MANUAL_TRAIN)
        self._install(self.snapshot("initial"))
        self.result.releases = 0
        self.previous = None
        self.baseline = self._baseline()

    def _baseline(self) -> Deployment:
        path = self.work / "baseline"
        shutil.copytree(self.work / "prod", path)
        return self._open(path, False, False, "healthy_table.json")

    # -- the fault ----------------------------------------------------------------------------
    def inject(self) -> None:
        sc = self.scenario
        self.log(f"fault: {sc.label}")
        if sc.kind == "edit-repository":
            self.edit(sc)
        elif sc.kind == "rename-upstream-columns":
            self.upstream_broken = True
            self._write_upstream(self.split.training, dict(sc.renames))
            self.new_data()
        elif sc.kind == "stop-materialisation":
            self.materialising = False
        # scale-traffic-columns and resample-traffic-labels act on the traffic from now on

    def edit(self, sc: Scenario) -> None:
        for e in sc.edits:
            path = self.repo / e.file
            if path.exists() and e.find in path.read_text(encoding="utf-8"):
                path.write_text(
                    path.read_text(encoding="utf-8").replace(e.find, e.replace), encoding="utf-8"
                )
                break
        else:
            self.log("the edit applies to no file of this repository")
            return
        self.tree_faulty = sc.failure_mode is not None
        self.change_in_tree = True
        if self.config.has_git:
            git(self.repo, "commit", "-q", "-am", sc.message)
        self.push([e.file], sc.change)

    def push(self, changed: list[str], change: str) -> None:
        """A change lands on main: the workflows it triggers, then the people."""
        self.pending_change = True
        results = [self.run_workflow(w, "push") for w in self.workflows if w.on_push(changed)]
        if not all(results):
            self.red = True
            return  # a red build: nobody releases it
        if self.releases_automatically():
            return
        trained = any(
            w.on_push(changed) and any("dvc repro" in s for j in w.jobs for s in j.steps)
            for w in self.workflows
        )
        if change == "model" and not trained:
            self.later(
                self.sim.human_response_steps,
                "trains the changed model by hand",
                lambda: self.command(MANUAL_TRAIN) and self.manual_release(),
                True,
            )
        else:
            self.later(
                self.sim.human_response_steps,
                "releases the change by hand",
                self.manual_release,
                True,
            )

    def new_data(self) -> None:
        """New upstream data: a scheduled pipeline picks it up; without one, a person."""
        self.pending_change = True
        if not any(w.triggers.get("schedule") for w in self.workflows):
            self.later(
                self.sim.human_response_steps,
                "retrains on the new data by hand",
                lambda: self.command(MANUAL_TRAIN) and self.manual_release(),
                True,
            )

    def manual_release(self) -> None:
        if self.red:
            self.log("the build is red: nothing is released")
            return
        self.pending_change = False
        self._install(self.snapshot("release"))

    # -- one step of the simulated day ---------------------------------------------------------
    def step(self) -> None:
        self.t += 1
        if self.t == self.sim.fault_at_step:
            self.inject()
        for due in sorted([q for q in self.queue if q[0] <= self.t], key=lambda q: q[0]):
            self.queue.remove(due)
            due[2]()
        for w in self.workflows:
            if w.on_schedule(self.t) and self.t > 0:
                ok = self.run_workflow(w, "schedule")
                if ok and self.pending_change and not self.releases_automatically():
                    self.later(
                        self.sim.human_response_steps,
                        "releases the new model by hand",
                        self.manual_release,
                        True,
                    )
                    self.pending_change = False
        batch = self._batch()
        if self.materialising and self.t % self.sim.materialise_every_steps == 0:
            self._materialise(batch, both=True)
        else:
            self._materialise(batch, both=False)
        self._write_tables()
        self.serve(batch)
        if self.canary is not None:
            self.judge_canary()
        self.watch()

    def _predict(
        self, deployment: Deployment, requests: list[dict]
    ) -> tuple[list[int] | None, object]:
        if deployment.service is None:
            return None, None
        try:
            return deployment.service.predict(requests)  # type: ignore[attr-defined]
        except Exception:
            return None, None

    def serve(self, batch: list[dict[str, str]]) -> None:
        after = self.t >= self.sim.fault_at_step
        traffic_fault = after and self.scenario.kind == "scale-traffic-columns"
        labels = [int(r["label"]) for r in batch]
        requests = self._requests(batch, traffic_fault)
        share = round(self.canary.fraction * len(batch)) if self.canary else 0
        prod_part, canary_part = slice(share, None), slice(0, share)
        predictions, features = self._predict(self.production, requests[prod_part])
        healthy, _ = self._predict(self.baseline, self._requests(batch, False))
        prod_labels = labels[prod_part]
        correct = sum(int(p == y) for p, y in zip(predictions or [], prod_labels, strict=False))
        errors = 0 if predictions is not None else len(prod_labels)
        if self.canary is not None:
            c_pred, _ = self._predict(self.canary.deployment, requests[canary_part])
            c_labels = labels[canary_part]
            c_correct = sum(int(p == y) for p, y in zip(c_pred or [], c_labels, strict=False))
            self.canary.served += len(c_labels)
            self.canary.errors += 0 if c_pred is not None else len(c_labels)
            self.canary.correct += c_correct
            self.canary.prod_served += len(prod_labels)
            self.canary.prod_correct += correct
            correct += c_correct
            if self.canary.deployment.faulty:
                self.result.faulty_served = True
        if self.production.faulty:
            self.result.faulty_served = True
        healthy_correct = sum(int(p == y) for p, y in zip(healthy or [], labels, strict=False))
        if after:
            self.result.extra_per_step.append(healthy_correct - correct)
            self.result.extra_errors += healthy_correct - correct
            self.result.served_after_fault += len(labels)
            self.result.accuracy_healthy += healthy_correct
            self.result.accuracy_served += correct
        self.window.append(
            {
                "features": features,
                "predictions": predictions,
                "labels": prod_labels,
                "errors": errors,
                "served": len(prod_labels),
            }
        )
        self.feedback.append((batch, requests))
        if errors:
            self.complain()

    def complain(self) -> None:
        """Consumers whose requests fail report it; nobody reports wrong predictions."""
        if self.monitoring is not None or self.silenced.get("complaint", -1) >= self.t:
            return
        delay = self.sim.complaint_steps
        self.silenced["complaint"] = self.t + delay + self.sim.repair_by_hand_steps
        fix = self.sim.revert_steps if self.config.has_git else self.sim.repair_by_hand_steps

        def restore() -> None:
            self.later(fix, "restores the previous release", self.restore_by_hand, True)

        self.later(
            delay,
            "receives complaints about failing requests",
            lambda: (self.detect("consumers complained"), restore()),
            False,
        )

    def restore_by_hand(self) -> None:
        """A person rolls back, and reverts the change that broke it, so that the next
        release does not ship it again."""
        self.rollback("by hand")
        if self.tree_faulty:
            self.fix_cause()

    def judge_canary(self) -> None:
        c = self.canary
        assert c is not None
        limits = c.limits
        if c.served and c.errors / c.served > float(limits.get("max_error_rate", 0.05)):
            self.abort_canary(f"canary health check: {c.errors}/{c.served} requests failed")
            return
        if self.t - c.started + 1 < c.steps:
            return
        drop = (c.prod_correct / max(c.prod_served, 1)) - (c.correct / max(c.served, 1))
        if drop > float(limits.get("max_accuracy_drop", 0.05)):
            self.abort_canary(f"canary accuracy {drop:.2f} below production")
            return
        self.log("canary passed")
        c.then()

    def _promote(self) -> None:
        """The rollout's last step passed: Argo Rollouts makes the canary the stable release,
        then the workflow's later jobs run."""
        self.log("promote")
        deployment, self.canary = self.canary.deployment, None  # type: ignore[union-attr]
        self._install(deployment)
        getattr(self, "_deferred", lambda: None)()

    def abort_canary(self, why: str) -> None:
        self.log(f"canary aborted: {why}")
        if self.canary is not None and self.canary.deployment.faulty:
            self.failed_check(why)
            self.recover("canary aborted, production untouched")
        self.canary = None
        self.pending_change = False

    # -- monitoring -----------------------------------------------------------------------------
    def watch(self) -> None:
        """Prometheus, every step: the monitoring job's metrics over its window (the
        deployment's own ``observe``), the materialisation job's last update, and the alerting
        rules evaluated on them."""
        mon = self.monitoring
        ref_path = self.work / "prod" / "reference.json"
        if mon is None or not ref_path.exists():
            return
        recent = self.window[-mon.window_steps :]
        if len(recent) < mon.window_steps:
            return  # a check needs a full window of traffic
        values = self._metrics(recent, json.loads(ref_path.read_text(encoding="utf-8")))
        now = self.t * self.sim.step_hours * 3600
        for rule in mon.rules:
            if fires(rule.expr, values, now) and self.silenced.get(rule.check, -1) < self.t:
                self.alert(rule.check, f"{rule.alert}: {rule.expr}", mon)

    def _metrics(self, recent: list[dict], reference: dict) -> dict[str, list[float]]:
        mon = self.monitoring
        assert mon is not None
        served = [w for w in recent if w["predictions"] is not None]
        features = np.vstack([w["features"] for w in served]) if served else np.zeros((0, 1))
        predictions = [p for w in served for p in w["predictions"]]
        labels = [y for w in served for y in w["labels"]] if mon.needs_labels() else None
        observe = self._monitor_function("monitor", "observe")
        values = (
            samples(
                observe(
                    features,
                    predictions,
                    labels,
                    sum(w["errors"] for w in recent),
                    sum(w["served"] for w in recent),
                    reference,
                )
            )
            if observe
            else {}
        )
        # the materialisation job's own metric (a platform job: outside the repository)
        updated = self.table["updated_at"] * self.sim.step_hours * 3600
        values["feature_table_last_updated_timestamp_seconds"] = [float(updated)]
        return values

    def _monitor_function(self, module: str, name: str) -> Callable | None:
        """The production deployment's own monitoring code (loaded once per release)."""
        key = (str(self.installed.path), module, name)
        if key not in self.monitor_code:
            path = self.work / "prod" / "src" / f"{module}.py"
            found = None
            if path.exists():
                import runpy

                with execute.isolated(self.work / "prod", self.env):
                    found = runpy.run_path(str(path))[name]
            self.monitor_code[key] = found
        return self.monitor_code[key]

    def alert(self, kind: str, detail: str, mon) -> None:
        self.silenced[kind] = self.t + mon.window_steps + self.sim.human_response_steps
        if not self.fault_in_production():
            self.result.false_alarms += 1
            self.log(f"alert (false alarm): {kind}: {detail}")
            return
        self.detect(f"monitoring alert {kind}: {detail}")
        how, what = mon.actions.get(kind) or ("page", "")
        if how == "restart" and what == "materialise":
            self.log("materialisation job restarted automatically")
            self.restart_materialisation()
            return
        targets = [w for w in self.workflows if w.on_dispatch(what)] if how == "dispatch" else []
        if targets:
            for w in targets:
                self.run_workflow(w, f"repository_dispatch {what}")
            return
        self.later(self.sim.human_response_steps, f"answers the page ({kind})", self.diagnose, True)

    def restart_materialisation(self) -> None:
        if not self.materialising:
            self.materialising = True
            self.recover("materialisation job running again")

    def diagnose(self) -> None:
        """The on-call person finds the cause (an assumption in the person's favour)."""
        if not self.materialising:
            self.restart_materialisation()
        elif self.production.faulty and getattr(self, "previous", None) is not None:
            undo = [w for w in self.workflows if w.name == "rollback"]
            if undo and "workflow_dispatch" in undo[0].triggers:
                self.run_workflow(undo[0], "workflow_dispatch by the on-call person")
            else:
                self.rollback("by the on-call person")
            if self.tree_faulty:
                self.fix_cause()
        else:
            # the traffic changed: retrain the way the repository trains
            trains = [
                w
                for w in self.workflows
                if "workflow_dispatch" in w.triggers
                and any("dvc repro" in step for job in w.jobs for step in job.steps)
            ]
            for w in trains or []:
                self.run_workflow(w, "workflow_dispatch")
            if not trains and self.command(MANUAL_TRAIN):
                self.manual_release()

    # -- the feedback the L4 pipeline trains on ---------------------------------------------------
    def write_feedback(self) -> None:
        """The labelling service: the outcomes (ground truth) of the requests served in the
        hours the repository's collect stage asks for, by request id."""
        recent = self.monitoring.recent_steps if self.monitoring else 0
        if not recent:
            return
        rows = [
            {"request_id": row["id"], "label": row["label"]}
            for batch, _ in self.feedback[-recent:]
            for row in batch
        ]
        if rows:
            write_csv(self.work / "outcomes.csv", rows)


def run(
    config: Configuration,
    source: Path,
    scenario: Scenario,
    sim: Simulation,
    split: Split,
    steps: int,
    seed: int,
    work: Path,
) -> RunResult:
    world = World(config, source, scenario, sim, split, steps, seed, work)
    for _ in range(steps):
        world.step()
        world.write_feedback()
    r = world.result
    if r.served_after_fault:
        r.accuracy_healthy /= r.served_after_fault
        r.accuracy_served /= r.served_after_fault
    threshold = max(2, 0.01 * r.served_after_fault)
    traffic_fault = scenario.kind in TRAFFIC_FAULTS
    r.reached_production = scenario.failure_mode is not None and (
        (r.faulty_served or traffic_fault) and r.extra_errors > threshold
    )
    if scenario.kind in RETRAIN_FIXES:
        r.recovered_step = quality_recovery(r, sim, world.sim.batch_size)
    if not r.reached_production:
        r.recovered_step = None
    return r


def quality_recovery(r: RunResult, sim: Simulation, batch: int) -> int | None:
    """When the remedy is a new model, recovery is measured, not announced: the first step
    after detection from which every remaining step is within 5 % of the healthy system."""
    if r.detected_step is None:
        return None
    tolerance = max(1, round(0.05 * batch))
    start = r.detected_step - sim.fault_at_step
    for i in range(start, len(r.extra_per_step) - 1):
        if all(e <= tolerance for e in r.extra_per_step[i:]):
            return sim.fault_at_step + i
    return None
