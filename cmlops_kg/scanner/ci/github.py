"""GitHub Actions workflows: ``on:`` triggers (schedules, dispatches) and jobs' steps."""

from __future__ import annotations

import re

from cmlops_kg.scanner.ci import yaml as ci_yaml
from cmlops_kg.scanner.ci.model import CiCommand, CiJob, Reader
from cmlops_kg.scanner.ci.yaml import line_of

EVENT_KIND = {
    "push": "change",
    "pull_request": "change",
    "pull_request_target": "change",
    "merge_group": "change",
    "release": "change",
    "create": "change",
    "schedule": "schedule",
    "workflow_dispatch": "manual",
    "workflow_call": "called",
}
_EVENT_EQ = re.compile(r"github\.event_name\s*(==|!=)\s*['\"](\w+)['\"]")


def _kind(event: str) -> str:
    return EVENT_KIND.get(event, "event")


def _events(on: object) -> tuple[set[str], list[str]]:
    """Trigger kinds and a readable description of a workflow's ``on:``."""
    if isinstance(on, str):
        return {_kind(on)}, [on]
    if isinstance(on, list):
        return {_kind(str(e)) for e in on}, [str(e) for e in on]
    if not isinstance(on, dict):
        return set(), []
    kinds, detail = set(), []
    for event, config in on.items():
        kinds.add(_kind(event))
        if event == "schedule" and isinstance(config, list):
            crons = [str(c.get("cron")) for c in config if isinstance(c, dict) and c.get("cron")]
            detail.append("schedule " + " | ".join(crons))
        elif isinstance(config, dict) and (config.get("types") or config.get("workflows")):
            names = [str(v) for key in ("workflows", "types") for v in _list(config.get(key))]
            detail.append(f"{event}: {', '.join(names)}")
        else:
            detail.append(str(event))
    return kinds, detail


def _list(value: object) -> list[object]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _restrict(kinds: set[str], condition: object) -> set[str]:
    """Apply ``if: github.event_name == '...'`` conditions of a job (best effort)."""
    if not isinstance(condition, str):
        return set(kinds)
    wanted = {_kind(e) for op, e in _EVENT_EQ.findall(condition) if op == "=="}
    unwanted = {_kind(e) for op, e in _EVENT_EQ.findall(condition) if op == "!="}
    result = (kinds & wanted) if wanted else set(kinds)
    return result - unwanted


def _with_inputs(step: dict, file: str) -> list[CiCommand]:
    inputs = step.get("with")
    if not isinstance(inputs, dict):
        return []
    return [
        CiCommand(f"with {key}: {value}", file, line_of(value))
        for key, value in inputs.items()
        if isinstance(value, str) and len(value) < 500
    ]


def _run_lines(run: object, file: str, cwd: str) -> list[CiCommand]:
    text = str(run)
    base = line_of(run)
    return [
        CiCommand(line.strip(), file, base + i if base else None, cwd)
        for i, line in enumerate(text.splitlines())
        if line.strip() and not line.lstrip().startswith("#")
    ]


def env_commands(env: object, file: str) -> list[CiCommand]:
    """Environment variables as "env NAME: value" (values are references such as secrets)."""
    if not isinstance(env, dict):
        return []
    return [
        CiCommand(f"env {key}: {value}", file, line_of(value))
        for key, value in env.items()
        if isinstance(value, str) and len(value) < 500
    ]


def steps_commands(steps: object, file: str, cwd: str = "") -> tuple[list[CiCommand], list[str]]:
    commands: list[CiCommand] = []
    calls: list[str] = []
    for step in _list(steps):
        if not isinstance(step, dict):
            continue
        commands += env_commands(step.get("env"), file)
        step_cwd = str(step.get("working-directory") or cwd)
        if step.get("run") is not None:
            commands += _run_lines(step["run"], file, step_cwd)
        uses = step.get("uses")
        if isinstance(uses, str):
            commands.append(CiCommand(f"uses: {uses}", file, line_of(uses)))
            if uses.startswith("./"):
                calls.append(uses)
            commands += _with_inputs(step, file)
    return commands, calls


def action_commands(rel: str, text: str) -> list[CiCommand]:
    """The steps of a local composite action (``runs.steps``)."""
    doc = ci_yaml.load(text)
    runs = doc.get("runs") if isinstance(doc, dict) else None
    if not isinstance(runs, dict):
        return []
    return steps_commands(runs.get("steps"), rel)[0]


def parse(rel: str, text: str, read: Reader) -> list[CiJob]:
    doc = ci_yaml.load(text)
    if not isinstance(doc, dict):
        return []
    kinds, detail = _events(doc.get("on"))
    workflow = str(doc.get("name") or rel)
    defaults = doc.get("defaults")
    run_defaults = defaults.get("run") if isinstance(defaults, dict) else None
    cwd = str(run_defaults.get("working-directory") or "") if isinstance(run_defaults, dict) else ""
    jobs = []
    for job_id, job in (doc.get("jobs") or {}).items():
        if not isinstance(job, dict):
            continue
        commands, calls = steps_commands(job.get("steps"), rel, cwd)
        commands = env_commands(doc.get("env"), rel) + env_commands(job.get("env"), rel) + commands
        environment = job.get("environment")
        if isinstance(environment, dict):
            environment = environment.get("name")
        if isinstance(environment, str):
            commands.insert(0, CiCommand(f"environment: {environment}", rel, line_of(environment)))
        uses = job.get("uses")
        if isinstance(uses, str):  # a reusable workflow
            commands.append(CiCommand(f"uses: {uses}", rel, line_of(uses)))
            commands += _with_inputs(job, rel)
            if uses.startswith("./"):
                calls.append(uses)
        condition = job.get("if")
        jobs.append(
            CiJob(
                provider="github-actions",
                file=rel,
                name=f"{workflow} / {job.get('name') or job_id}",
                line=line_of(job_id),
                triggers=_restrict(kinds, condition),
                trigger_detail="; ".join(detail) + (f"; if: {condition}" if condition else ""),
                commands=commands,
                calls=calls,
            )
        )
    return jobs
