"""Jenkins and CircleCI (best effort), and a generic reader for other CI files."""

from __future__ import annotations

import re

from cmlops_kg.scanner.ci import yaml as ci_yaml
from cmlops_kg.scanner.ci.model import CiCommand, CiJob
from cmlops_kg.scanner.ci.yaml import line_of

# -- Jenkins (declarative or scripted Groovy, read as text) ---------------------------------
_STAGE = re.compile(r"\bstage\s*\(\s*['\"]([^'\"]+)['\"]\s*\)")
_STEP = re.compile(
    r"\b(?:sh|bat|powershell|pwsh)\s*\(?\s*(?:script\s*:\s*)?"
    r"('''(?P<a>.*?)'''|\"\"\"(?P<b>.*?)\"\"\"|'(?P<c>[^'\n]*)'|\"(?P<d>[^\"\n]*)\")",
    re.DOTALL,
)
_CRON = re.compile(r"\b(?:cron|parameterizedCron)\s*\(\s*['\"]([^'\"]*)['\"]")


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def parse_jenkins(rel: str, text: str, ctx: object) -> list[CiJob]:
    crons = _CRON.findall(text)
    kinds = {"change"} | ({"schedule"} if crons else set())
    if re.search(r"\bupstream\s*\(", text):
        kinds.add("event")
    detail = "; ".join(f"cron {c}" for c in crons)
    stages = list(_STAGE.finditer(text)) or [None]
    jobs = []
    for i, stage in enumerate(stages):
        start = stage.start() if stage else 0
        end = stages[i + 1].start() if stage and i + 1 < len(stages) else len(text)  # type: ignore[union-attr]
        segment = text[start:end]
        commands = []
        for step in _STEP.finditer(segment):
            body = next(g for g in (step.group(k) for k in "abcd") if g is not None)
            first = _line_at(text, start + step.start(1)) + (
                1 if step.group(1).startswith(("'''", '"""')) else 0
            )
            for j, line in enumerate(body.strip("\n").splitlines()):
                if line.strip():
                    commands.append(CiCommand(line.strip(), rel, first + j))
        stage_kinds = set(kinds)
        if re.search(r"triggeredBy\s*(?:cause\s*:\s*)?['\"]TimerTrigger", segment):
            stage_kinds = {"schedule"}
        name = stage.group(1) if stage else "pipeline"
        line = _line_at(text, start) if stage else None
        jobs.append(CiJob("jenkins", rel, name, line, stage_kinds, detail, commands))
    return jobs


# -- CircleCI --------------------------------------------------------------------------------
def parse_circleci(rel: str, text: str, ctx: object) -> list[CiJob]:
    doc = ci_yaml.load(text)
    if not isinstance(doc, dict):
        return []
    triggers: dict[str, set[str]] = {}
    details: dict[str, list[str]] = {}
    for workflow_name, workflow in (doc.get("workflows") or {}).items():
        if not isinstance(workflow, dict):
            continue
        kinds, detail = {"change"}, [str(workflow_name)]
        for trigger in workflow.get("triggers") or []:
            schedule = trigger.get("schedule") if isinstance(trigger, dict) else None
            if isinstance(schedule, dict):
                kinds = {"schedule"}
                detail.append(f"schedule {schedule.get('cron')}")
        when = str(workflow.get("when") or "")
        if "scheduled_pipeline" in when:
            kinds = {"schedule"}
        elif "pipeline.parameters" in when:
            kinds = {"event"}
        if when:
            detail.append(f"when {when}")
        for item in workflow.get("jobs") or []:
            name = next(iter(item)) if isinstance(item, dict) else str(item)
            triggers.setdefault(name, set()).update(kinds)
            details.setdefault(name, []).extend(detail)
    jobs = []
    for name, job in (doc.get("jobs") or {}).items():
        if not isinstance(job, dict):
            continue
        commands: list[CiCommand] = []
        for step in job.get("steps") or []:
            if isinstance(step, str):
                commands.append(CiCommand(step, rel, line_of(step)))
            elif isinstance(step, dict):
                for key, value in step.items():
                    if key == "run":
                        body = value.get("command") if isinstance(value, dict) else value
                        commands += _text_commands(body, rel)
                    else:
                        commands.append(CiCommand(str(key), rel, line_of(key)))
                        if isinstance(value, dict):
                            commands += [
                                CiCommand(f"with {k}: {v}", rel, line_of(v))
                                for k, v in value.items()
                                if isinstance(v, str)
                            ]
        kinds = triggers.get(name, {"change"})
        jobs.append(
            CiJob(
                "circleci",
                rel,
                str(name),
                line_of(name),
                set(kinds),
                "; ".join(details.get(name, [])),
                commands,
            )
        )
    return jobs


def _text_commands(value: object, file: str) -> list[CiCommand]:
    if not isinstance(value, str):
        return []
    base = line_of(value)
    return [
        CiCommand(line.strip(), file, base + i if base else None)
        for i, line in enumerate(value.splitlines())
        if line.strip() and not line.lstrip().startswith("#")
    ]


# -- generic: Travis, Bitbucket, Buildkite, Drone, Woodpecker ---------------------------------
_COMMAND_KEYS = {
    "script",
    "scripts",
    "run",
    "command",
    "commands",
    "before_script",
    "after_script",
    "install",
}


def parse_generic(rel: str, text: str, ctx: object) -> list[CiJob]:
    doc = ci_yaml.load(text)
    commands: list[CiCommand] = []

    def visit(node: object, key: str, depth: int) -> None:
        if depth > 15 or len(commands) > 5000:
            return
        if isinstance(node, dict):
            for k, v in node.items():
                visit(v, str(k), depth + 1)
        elif isinstance(node, list):
            for item in node:
                visit(item, key, depth + 1)
        elif isinstance(node, str) and key in _COMMAND_KEYS:
            commands.extend(_text_commands(node, rel))

    visit(doc, "", 0)
    return [CiJob("ci", rel, rel, None, {"change"}, "", commands)]
