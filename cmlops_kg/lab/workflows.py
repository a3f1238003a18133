"""The repository's own definitions, read as the tools that own them would read them:
GitHub Actions workflows (``.github/workflows/*.yml``), the DVC pipeline (``dvc.yaml``), the
release (``release.yaml``) and monitoring (``monitoring.yaml``) configurations."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
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


DVC_VARIABLE = re.compile(r"\$\{\s*([\w.]+)\s*\}")


def read_pipeline(repo: Path) -> list[Stage]:
    """The stages of dvc.yaml in order, their commands with DVC's ``${name}`` templating
    resolved from the files its ``vars`` names (as ``dvc repro`` resolves them)."""
    path = repo / "dvc.yaml"
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    values: dict = {}
    for source in data.get("vars") or []:
        if isinstance(source, str) and (repo / source).is_file():
            values.update(yaml.safe_load((repo / source).read_text(encoding="utf-8")) or {})
        elif isinstance(source, dict):
            values.update(source)

    def resolve(text: str) -> str:
        return DVC_VARIABLE.sub(lambda m: str(_lookup(values, m.group(1), m.group(0))), text)

    stages = data.get("stages") or {}
    return [Stage(name, resolve(spec["cmd"])) for name, spec in stages.items()]


def _lookup(values: dict, dotted: str, unresolved: str) -> object:
    node: object = values
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return unresolved
        node = node[part]
    return node


MAKE_RULE = re.compile(r"^([\w.-]+)\s*:(?!=)\s*(.*)$")
MAKE_VARIABLE = re.compile(r"^(\w+)\s*(\?=|:=|=)\s*(.*)$")


@dataclass(frozen=True)
class Makefile:
    """The rules of a Makefile as GNU make reads them for plain targets: variables, each
    target's prerequisites and recipe lines (no pattern rules or conditionals: a team's
    task-runner Makefile)."""

    variables: dict[str, str]
    rules: dict[str, tuple[list[str], list[str]]]

    def recipe(self, target: str, done: set[str] | None = None) -> list[str]:
        """The recipe lines that ``make target`` runs, prerequisites first, each once."""
        done = set() if done is None else done
        if target in done or target not in self.rules:
            return []
        done.add(target)
        prerequisites, lines = self.rules[target]
        out = [line for p in prerequisites for line in self.recipe(p, done)]
        return out + [line.lstrip("@") for line in lines]


def read_makefile(repo: Path) -> Makefile | None:
    path = repo / "Makefile"
    if not path.exists():
        return None
    # a backslash-newline continues the line, as in make: one space, the indent dropped
    text = re.sub(r"\\\n[ \t]*", " ", path.read_text(encoding="utf-8"))
    variables: dict[str, str] = {}
    rules: dict[str, tuple[list[str], list[str]]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("\t") and current is not None:
            current.append(line.strip())
        elif (var := MAKE_VARIABLE.match(line)) and not line.startswith("\t"):
            variables[var.group(1)] = var.group(3).strip()
            current = None
        elif rule := MAKE_RULE.match(line):
            current = []
            rules[rule.group(1)] = (rule.group(2).split(), current)
        elif line.strip() and not line.lstrip().startswith("#"):
            current = None
    return Makefile(variables, rules)
