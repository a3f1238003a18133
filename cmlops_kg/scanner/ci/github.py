"""GitHub Actions workflows: ``on:`` triggers (schedules, dispatches, path filters) and jobs'
steps, with working directories, ``continue-on-error`` and the commands marketplace actions
stand for (step mappings)."""

from __future__ import annotations

import re

from cmlops_kg.scanner.ci import yaml as ci_yaml
from cmlops_kg.scanner.ci.model import CiCommand, CiJob
from cmlops_kg.scanner.ci.steps import StepMapping, step_commands
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
CHANGE_EVENTS = ("push", "pull_request", "pull_request_target")
_EVENT_EQ = re.compile(r"github\.event_name\s*(==|!=)\s*['\"](\w+)['\"]")
_INPUT = re.compile(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}")


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


def path_filters(on: object) -> tuple[list[str], list[str]]:
    """(paths, paths-ignore) of the change events; empty when any change event has none."""
    if not isinstance(on, dict):
        return [], []
    include: list[str] = []
    ignore: list[str] = []
    for event in CHANGE_EVENTS:
        if event not in on:
            continue
        config = on[event]
        if not isinstance(config, dict) or not (config.get("paths") or config.get("paths-ignore")):
            return [], []  # this event runs on any change
        include += [str(p) for p in _list(config.get("paths"))]
        ignore += [str(p) for p in _list(config.get("paths-ignore"))]
    return include, ignore


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


def _inputs(step: dict) -> dict[str, str]:
    inputs = step.get("with")
    if not isinstance(inputs, dict):
        return {}
    return {str(k): str(v) for k, v in inputs.items() if isinstance(v, str) and len(v) < 5000}


def _with_inputs(step: dict, file: str) -> list[CiCommand]:
    return [
        CiCommand(f"with {key}: {value}", file, line_of(value))
        for key, value in _inputs(step).items()
        if len(value) < 500
    ]


def _run_lines(run: object, file: str, cwd: str, blocking: bool) -> list[CiCommand]:
    text = str(run)
    base = line_of(run)
    return [
        CiCommand(line.strip(), file, base + i if base else None, cwd, blocking)
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


def _continues(node: dict) -> bool:
    return str(node.get("continue-on-error", "")).lower() == "true"


def steps_commands(
    steps: object,
    file: str,
    cwd: str = "",
    mappings: tuple[StepMapping, ...] = (),
    blocking: bool = True,
) -> tuple[list[CiCommand], list[str]]:
    commands: list[CiCommand] = []
    calls: list[str] = []
    for step in _list(steps):
        if not isinstance(step, dict):
            continue
        step_blocking = blocking and not _continues(step)
        commands += env_commands(step.get("env"), file)
        step_cwd = str(step.get("working-directory") or cwd)
        if step.get("run") is not None:
            commands += _run_lines(step["run"], file, step_cwd, step_blocking)
        uses = step.get("uses")
        if isinstance(uses, str):
            commands.append(CiCommand(f"uses: {uses}", file, line_of(uses), step_cwd))
            if uses.startswith("./"):
                calls.append(uses)
            commands += _with_inputs(step, file)
            ref = uses.split("@", 1)[0]
            mapped = step_commands(ref, _inputs(step), (file, line_of(uses), step_cwd), mappings)
            for command in mapped:
                command.blocking = step_blocking
            commands += mapped
    return commands, calls


def substitute_inputs(text: str, inputs: dict[str, str]) -> str:
    """``${{ inputs.NAME }}`` replaced by the caller's value (left alone when not given)."""
    return _INPUT.sub(lambda m: inputs.get(m.group(1), m.group(0)), text)


def action_commands(
    rel: str, text: str, mappings: tuple[StepMapping, ...] = (), inputs: dict | None = None
) -> list[CiCommand]:
    """The steps of a local composite action (``runs.steps``), with the caller's inputs."""
    doc = ci_yaml.load(substitute_inputs(text, inputs or {}))
    runs = doc.get("runs") if isinstance(doc, dict) else None
    if not isinstance(runs, dict):
        return []
    return steps_commands(runs.get("steps"), rel, mappings=mappings)[0]


def _working_directory(node: object) -> str:
    defaults = node.get("defaults") if isinstance(node, dict) else None
    run = defaults.get("run") if isinstance(defaults, dict) else None
    return str(run.get("working-directory") or "") if isinstance(run, dict) else ""


def parse(rel: str, text: str, ctx) -> list[CiJob]:
    doc = ci_yaml.load(text)
    if not isinstance(doc, dict):
        return []
    kinds, detail = _events(doc.get("on"))
    paths, ignore = path_filters(doc.get("on"))
    workflow = str(doc.get("name") or rel)
    cwd = _working_directory(doc)
    jobs = []
    for job_id, job in (doc.get("jobs") or {}).items():
        if not isinstance(job, dict):
            continue
        parsed = _job(rel, doc, workflow, job_id, job, (kinds, detail), ctx, cwd)
        parsed.paths, parsed.paths_ignore = list(paths), list(ignore)
        jobs.append(parsed)
    return jobs


def _job(
    rel: str,
    doc: dict,
    workflow: str,
    job_id: object,
    job: dict,
    events: tuple[set[str], list[str]],
    ctx,
    cwd: str,
) -> CiJob:
    kinds, detail = events
    job_cwd = _working_directory(job) or cwd
    commands, calls = steps_commands(
        job.get("steps"), rel, job_cwd, ctx.mappings, blocking=not _continues(job)
    )
    commands = env_commands(doc.get("env"), rel) + env_commands(job.get("env"), rel) + commands
    environment = job.get("environment")
    if isinstance(environment, dict):
        environment = environment.get("name")
    if isinstance(environment, str):
        commands.insert(0, CiCommand(f"environment: {environment}", rel, line_of(environment)))
    uses = job.get("uses")
    inputs: dict[str, str] = {}
    if isinstance(uses, str):  # a reusable workflow
        commands.append(CiCommand(f"uses: {uses}", rel, line_of(uses)))
        commands += _with_inputs(job, rel)
        inputs = _inputs(job)
        if uses.startswith("./"):
            calls.append(uses)
        elif "/.github/workflows/" in uses:
            ctx.unresolved.append((rel, uses))
    condition = job.get("if")
    result = CiJob(
        provider="github-actions",
        file=rel,
        name=f"{workflow} / {job.get('name') or job_id}",
        line=line_of(job_id),
        triggers=_restrict(kinds, condition),
        trigger_detail="; ".join(detail) + (f"; if: {condition}" if condition else ""),
        commands=commands,
        calls=calls,
        call_inputs=inputs,
    )
    return result
