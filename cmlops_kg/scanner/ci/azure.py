"""Azure Pipelines: pipelines wherever they live (recognised by their shape, not only by the name
azure-pipelines.yml), templates expanded with their parameters, tasks as the commands they stand
for, triggers (CI and PR path filters, schedules, pipeline resources) and conditions.

A file is a pipeline when it says how it starts or where it runs (trigger, pr, schedules,
resources, pool, extends); a file with only parameters, variables, steps, jobs or stages is a
template. Templates are expanded where a pipeline includes them (``- template: file.yml`` with
``parameters:``); a template no pipeline includes is a building block that runs only when
another repository's pipeline includes it.
"""

from __future__ import annotations

import posixpath
import re

from cmlops_kg.scanner.ci import yaml as ci_yaml
from cmlops_kg.scanner.ci.model import CiCommand, CiJob
from cmlops_kg.scanner.ci.shell import script_commands
from cmlops_kg.scanner.ci.steps import step_commands
from cmlops_kg.scanner.ci.yaml import line_of

MAX_TEMPLATE_DEPTH = 5
TOP_KEYS = frozenset(
    [
        "trigger",
        "pr",
        "schedules",
        "resources",
        "variables",
        "parameters",
        "stages",
        "jobs",
        "steps",
        "pool",
        "name",
        "extends",
        "lockBehavior",
        "appendCommitMessageToRunName",
        "container",
        "workspace",
        "strategy",
        "services",
        "timeoutInMinutes",
        "cancelTimeoutInMinutes",
        "condition",
        "continueOnError",
        "dependsOn",
        "displayName",
    ]
)
STARTS = ("trigger", "pr", "schedules", "resources", "pool", "extends")
STEP_KEYS = frozenset(
    [
        "script",
        "bash",
        "pwsh",
        "powershell",
        "task",
        "template",
        "checkout",
        "download",
        "publish",
        "downloadBuild",
        "getPackage",
        "reviewApp",
    ]
)
SCRIPT_KEYS = ("script", "bash", "pwsh", "powershell")
_PARAMETER = re.compile(r"\$\{\{\s*parameters\.([\w.-]+)\s*\}\}")
_REASON = re.compile(r"Build\.Reason'?\]?\s*,\s*'(\w+)'")
REASON_KIND = {
    "Schedule": "schedule",
    "Manual": "manual",
    "IndividualCI": "change",
    "BatchedCI": "change",
    "PullRequest": "change",
    "ResourceTrigger": "event",
}
TEMPLATE_NOT_RUN = "CI template: runs only where a pipeline includes it"


def _items(node: object) -> list:
    """List items, with ``${{ if ... }}:`` / ``${{ each ... }}:`` insertions flattened."""
    out: list = []
    for item in node if isinstance(node, list) else []:
        if isinstance(item, dict) and item and all(str(k).startswith("${{") for k in item):
            for value in item.values():
                out += _items(value)
        else:
            out.append(item)
    return out


def _has_azure_steps(node: object, depth: int = 0) -> bool:
    if depth > 12:
        return False
    if isinstance(node, list):
        return any(_has_azure_steps(item, depth + 1) for item in node)
    if not isinstance(node, dict):
        return False
    if "steps" in node and any(
        isinstance(s, dict) and STEP_KEYS & set(map(str, s)) for s in _items(node["steps"])
    ):
        return True
    return any(
        _has_azure_steps(node[k], depth + 1) for k in ("stages", "jobs", "strategy") if k in node
    ) or any(_has_azure_steps(v, depth + 1) for k, v in node.items() if str(k).startswith("${{"))


def classify(doc: object) -> str | None:
    """ "pipeline", "template" or None (not Azure Pipelines YAML)."""
    if not isinstance(doc, dict) or not doc:
        return None
    keys = {str(k) for k in doc if not str(k).startswith("${{")}
    if not keys or not keys <= TOP_KEYS:
        return None
    if keys == {"variables"} and isinstance(doc["variables"], list):
        return "template"
    if not keys & {"stages", "jobs", "steps", "extends"}:
        return None
    if "extends" not in keys and not _has_azure_steps(doc):
        return None
    return "pipeline" if keys & set(STARTS) else "template"


def resolve(including: str, reference: str) -> str | None:
    """The repository path of a template reference, or None for another repository's."""
    if "@" in reference or "$" in reference:
        return None
    if reference.startswith("/"):
        return posixpath.normpath(reference.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(including), reference))


def references(rel: str, doc: object, depth: int = 0) -> list[str]:
    """Template files a document includes (``template:`` anywhere), resolved."""
    found: list[str] = []
    if depth > 15:
        return found
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key == "template" and isinstance(value, str):
                path = resolve(rel, value)
                if path:
                    found.append(path)
            else:
                found += references(rel, value, depth + 1)
    elif isinstance(doc, list):
        for item in doc:
            found += references(rel, item, depth + 1)
    return found


# -- triggers ---------------------------------------------------------------------------------
def _paths(trigger: object) -> tuple[list[str], list[str]]:
    paths = trigger.get("paths") if isinstance(trigger, dict) else None
    if not isinstance(paths, dict):
        return [], []
    return (
        [str(p) for p in _items(paths.get("include"))],
        [str(p) for p in _items(paths.get("exclude"))],
    )


def _triggers(doc: dict) -> tuple[set[str], list[str], tuple[list[str], list[str]]]:
    kinds: set[str] = set()
    detail: list[str] = []
    trigger = doc.get("trigger", "default")
    # without a pr: key, PR validation is a repository setting (a branch policy), not the
    # pipeline's; a pipeline that turns its CI trigger off is then started by hand
    pr = doc.get("pr", "none")
    include: list[str] = []
    ignore: list[str] = []
    for event, value in (("push", trigger), ("pr", pr)):
        if value == "none" or (isinstance(value, list) and not value):
            continue
        kinds.add("change")
        detail.append(event)
        got, ignored = _paths(value)
        if not got and not ignored:
            include, ignore = ["**"], []  # this trigger runs on any change
        elif include != ["**"]:
            include += got
            ignore += ignored
    for schedule in _items(doc.get("schedules")):
        if isinstance(schedule, dict) and schedule.get("cron"):
            kinds.add("schedule")
            detail.append(f"schedule {schedule['cron']}")
    resources = doc.get("resources")
    pipelines = resources.get("pipelines") if isinstance(resources, dict) else None
    for pipeline in _items(pipelines):
        if isinstance(pipeline, dict) and pipeline.get("trigger") not in (None, "none", "false"):
            kinds.add("event")
            detail.append(f"pipeline {pipeline.get('source') or pipeline.get('pipeline')}")
    if not kinds:
        kinds.add("manual")  # trigger: none and pr: none: started by a person
    return kinds, detail, ([] if include == ["**"] else include, ignore)


def _condition_kinds(kinds: set[str], condition: object) -> set[str]:
    if not isinstance(condition, str):
        return kinds
    named = {REASON_KIND.get(r, "event") for r in _REASON.findall(condition)}
    if not named:
        return kinds
    if "ne(" in condition and "eq(" not in condition:
        return kinds - named
    return kinds & named if kinds & named else named


# -- templates and steps ----------------------------------------------------------------------
def _defaults(doc: object) -> dict[str, str]:
    declared = doc.get("parameters") if isinstance(doc, dict) else None
    out: dict[str, str] = {}
    if isinstance(declared, dict):
        out = {str(k): str(v) for k, v in declared.items() if isinstance(v, str)}
    for item in _items(declared):
        if isinstance(item, dict) and "name" in item and isinstance(item.get("default"), str):
            out[str(item["name"])] = str(item["default"])
    return out


def substitute(text: str, values: dict[str, str]) -> str:
    return _PARAMETER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


class _Expander:
    """Walks one pipeline, expanding templates, and collects its jobs."""

    def __init__(self, rel: str, ctx, not_run: str) -> None:
        self.rel, self.ctx, self.not_run = rel, ctx, not_run
        self.jobs: list[CiJob] = []
        self.groups: list[CiCommand] = []  # the pipeline's variable groups (secrets, settings)
        self.detail: list[str] = []
        self.paths: tuple[list[str], list[str]] = ([], [])

    def template(self, including: str, item: dict, depth: int) -> tuple[str, object] | None:
        reference = str(item["template"])
        path = resolve(including, reference)
        if path is None:
            self.ctx.unresolved.append((including, reference))
            return None
        text = self.ctx.read(path) if depth < MAX_TEMPLATE_DEPTH else None
        if text is None:
            self.ctx.unresolved.append((including, reference))
            return None
        values = _defaults(ci_yaml.load(text))
        given = item.get("parameters")
        if isinstance(given, dict):
            values.update({str(k): str(v) for k, v in given.items() if isinstance(v, str)})
        return path, ci_yaml.load(substitute(text, values))

    def steps(self, steps: object, file: str, cwd: str, depth: int) -> list[CiCommand]:
        out: list[CiCommand] = []
        for step in _items(steps):
            if not isinstance(step, dict):
                continue
            if "template" in step and isinstance(step["template"], str):
                loaded = self.template(file, step, depth)
                if loaded:
                    out += self.steps(_section(loaded[1], "steps"), loaded[0], cwd, depth + 1)
                else:  # another repository's template: its name is all there is to see
                    ref = step["template"]
                    out.append(CiCommand(f"template: {ref}", file, line_of(ref), cwd))
                continue
            out += self.step(step, file, cwd)
        return out

    def step(self, step: dict, file: str, cwd: str) -> list[CiCommand]:
        blocking = str(step.get("continueOnError", "")).lower() != "true"
        step_cwd = str(step.get("workingDirectory") or cwd)
        out: list[CiCommand] = []
        for key in SCRIPT_KEYS:
            value = step.get(key)
            if isinstance(value, str):
                out += script_commands(value, file, line_of(value), step_cwd, blocking)
        task = step.get("task")
        if isinstance(task, str):
            out.append(CiCommand(f"task: {task}", file, line_of(task), step_cwd, blocking))
            inputs = step.get("inputs") if isinstance(step.get("inputs"), dict) else {}
            texts = {str(k): str(v) for k, v in inputs.items() if isinstance(v, str)}
            lines = {str(k): line_of(v) for k, v in inputs.items()}
            out += [
                CiCommand(f"with {k}: {v}", file, lines[k], step_cwd, blocking)
                for k, v in texts.items()
                if len(v) < 500
            ]
            cwd_input = texts.get("workingDirectory", step_cwd)
            mapped = step_commands(
                task,
                texts,
                (file, line_of(task), _clean_cwd(cwd_input)),
                self.ctx.mappings,
                lines,
            )
            for command in mapped:
                command.blocking = command.blocking and blocking
            out += mapped
        return out

    def visit(
        self,
        node: object,
        file: str,
        name: str,
        env: str | None,
        kinds: set,
        depth: int,
        nested: int = 0,
        conditions: tuple[str, ...] = (),
    ):
        """``depth`` counts YAML levels (a guard against runaway documents), ``nested`` the
        templates included on the way here (MAX_TEMPLATE_DEPTH), ``conditions`` the
        ``condition:`` of each enclosing stage and job (a rollback stage runs on failed())."""
        if depth > 24:
            return
        if isinstance(node, list):
            for item in _items(node):
                self.visit(item, file, name, env, kinds, depth + 1, nested, conditions)
            return
        if not isinstance(node, dict):
            return
        if "template" in node and isinstance(node["template"], str) and "steps" not in node:
            loaded = self.template(file, node, nested)
            if loaded:
                body = _without(loaded[1], "parameters")
                self.visit(body, loaded[0], name, env, kinds, depth + 1, nested + 1, conditions)
            return
        own = node.get("job") or node.get("deployment") or node.get("stage")
        name = str(own) if own else name
        environment = node.get("environment")
        environment = environment.get("name") if isinstance(environment, dict) else environment
        env = str(environment) if environment else env
        kinds = _condition_kinds(kinds, node.get("condition"))
        if isinstance(node.get("condition"), str):
            conditions = (*conditions, f"condition: {node['condition']}")
        if isinstance(node.get("steps"), list):
            self.add_job(node, file, name, env, kinds, nested, own, conditions)
        for key, value in node.items():
            if key not in ("steps", "parameters", "variables") and isinstance(value, (dict, list)):
                self.visit(value, file, name, env, kinds, depth + 1, nested, conditions)

    def add_job(
        self, node: dict, file: str, name: str, env, kinds, nested: int, own, conditions=()
    ) -> None:
        commands = self.steps(node["steps"], file, "", nested)
        if env:
            commands.insert(0, CiCommand(f"environment: {env}", file, None))
        if str(node.get("continueOnError", "")).lower() == "true":
            for command in commands:
                command.blocking = False
        self.jobs.append(
            CiJob(
                "azure-pipelines",
                self.rel,
                name,
                line_of(own),
                set(kinds),
                "; ".join([*self.detail, *conditions]),
                commands,
                paths=list(self.paths[0]),
                paths_ignore=list(self.paths[1]),
                not_run=self.not_run,
            )
        )


def _variable_groups(node: object, file: str) -> list[CiCommand]:
    """Variable groups a pipeline or job uses, as "variables group: NAME" (library secrets)."""
    variables = node.get("variables") if isinstance(node, dict) else None
    return [
        CiCommand(f"variables group: {item['group']}", file, line_of(item["group"]))
        for item in _items(variables)
        if isinstance(item, dict) and isinstance(item.get("group"), str)
    ]


def _clean_cwd(value: str) -> str:
    """A working directory input without the checkout root variable."""
    for prefix in ("$(Build.SourcesDirectory)", "$(System.DefaultWorkingDirectory)"):
        value = value.replace(prefix, "")
    return value.strip("/").strip() if "$(" not in value else ""


def _section(doc: object, key: str) -> object:
    return doc.get(key) if isinstance(doc, dict) else None


def _without(doc: object, key: str) -> object:
    return {k: v for k, v in doc.items() if k != key} if isinstance(doc, dict) else doc


def parse(rel: str, text: str, ctx, not_run: str = "") -> list[CiJob]:
    """The jobs of one pipeline (or of a template no pipeline includes, with ``not_run``)."""
    doc = ci_yaml.load(substitute(text, _defaults(ci_yaml.load(text))))
    if not isinstance(doc, dict):
        return []
    expander = _Expander(rel, ctx, not_run)
    kinds, expander.detail, expander.paths = _triggers(doc)
    expander.groups = _variable_groups(doc, rel)
    if not_run:
        kinds = set()
    extends = doc.get("extends")
    if isinstance(extends, dict) and isinstance(extends.get("template"), str):
        loaded = expander.template(rel, extends, 0)
        if loaded:
            body = _without(loaded[1], "parameters")
            expander.visit(body, loaded[0], "pipeline", None, kinds, 1, nested=1)
    body = {k: v for k, v in doc.items() if k in ("stages", "jobs", "steps")}
    expander.visit(body, rel, "pipeline", None, kinds, 0)
    return expander.jobs
