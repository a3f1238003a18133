"""The repository's own definitions, read as the tools that own them would read them:
GitHub Actions workflows (``.github/workflows/*.yml``), the DVC pipeline (``dvc.yaml``), the
release (``release.yaml``) and monitoring (``monitoring.yaml``) configurations."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Job:
    name: str
    needs: tuple[str, ...]
    steps: tuple[str, ...]  # the `run:` commands, in order (`uses:` steps need no runner)
    condition: str = ""


@dataclass(frozen=True)
class Workflow:
    name: str
    triggers: dict
    jobs: tuple[Job, ...]

    def on_push(self, changed: list[str]) -> bool:
        push = self.triggers.get("push")
        if "push" not in self.triggers:
            return False
        paths = (push or {}).get("paths") if isinstance(push, dict) else None
        if not paths:
            return True
        return any(
            fnmatch.fnmatch(f, p) or f.startswith(p.rstrip("*")) for f in changed for p in paths
        )

    def on_schedule(self, hour: int) -> bool:
        return any(
            _cron_hour(entry.get("cron", ""), hour) for entry in self.triggers.get("schedule") or []
        )

    def after(self, workflow: str) -> bool:
        run = self.triggers.get("workflow_run") or {}
        return workflow in (run.get("workflows") or [])

    def on_dispatch(self, kind: str) -> bool:
        if "repository_dispatch" not in self.triggers:
            return False
        types = (self.triggers.get("repository_dispatch") or {}).get("types")
        return not types or kind in types

    def ordered_jobs(self) -> list[Job]:
        done: list[Job] = []
        pending = list(self.jobs)
        while pending:
            ready = [j for j in pending if all(n in {d.name for d in done} for n in j.needs)]
            if not ready:
                break  # a cycle: the remaining jobs never run, as on GitHub
            done.append(ready[0])
            pending.remove(ready[0])
        return done


def _cron_hour(cron: str, hour: int) -> bool:
    """The hour field of a cron line (minute, day and month fields: every day)."""
    fields = cron.split()
    if len(fields) != 5:
        return False
    spec = fields[1]
    if spec == "*":
        return True
    if spec.startswith("*/"):
        return hour % int(spec[2:]) == 0
    return hour % 24 in {int(v) for v in spec.split(",")}


def _triggers(data: dict) -> dict:
    # YAML 1.1 reads the key `on` as True
    on = data.get("on", data.get(True, {}))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return dict(on or {})


def read_workflows(repo: Path) -> list[Workflow]:
    found = []
    for path in sorted((repo / ".github" / "workflows").glob("*.y*ml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        jobs = []
        for name, job in (data.get("jobs") or {}).items():
            needs = job.get("needs") or []
            steps = tuple(s["run"] for s in job.get("steps") or [] if "run" in s)
            jobs.append(
                Job(
                    name,
                    tuple([needs] if isinstance(needs, str) else needs),
                    steps,
                    str(job.get("if", "")),
                )
            )
        found.append(Workflow(str(data.get("name", path.stem)), _triggers(data), tuple(jobs)))
    return found


@dataclass(frozen=True)
class Stage:
    name: str
    command: str


def read_pipeline(repo: Path) -> list[Stage]:
    path = repo / "dvc.yaml"
    if not path.exists():
        return []
    stages = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("stages") or {}
    return [Stage(name, spec["cmd"]) for name, spec in stages.items()]


@dataclass
class Monitoring:
    window_steps: int
    checks: dict
    actions: dict
    retrain: dict = field(default_factory=dict)


def read_monitoring(repo: Path) -> Monitoring | None:
    path = repo / "monitoring.yaml"
    if not path.exists():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return Monitoring(
        int(data.get("window_steps", 3)),
        data.get("checks") or {},
        data.get("actions") or {},
        data.get("retrain") or {},
    )


def read_release(repo: Path) -> dict | None:
    path = repo / "release.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
