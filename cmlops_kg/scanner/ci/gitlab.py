"""GitLab CI: jobs' scripts, and what starts them (``rules:``, ``only:``/``except:``, ``when:``).

Jobs without rules run in push and merge-request pipelines. A job whose rules name
``$CI_PIPELINE_SOURCE == "schedule"`` (or ``only: [schedules]``) runs in scheduled pipelines;
``trigger``/``api``/``pipeline`` sources are external events; ``web`` or ``when: manual`` is a
person. Hidden jobs (``.name``) are templates merged through ``extends:``; local ``include:``
files are read too.
"""

from __future__ import annotations

import posixpath
import re

from cmlops_kg.scanner.ci import yaml as ci_yaml
from cmlops_kg.scanner.ci.model import CiCommand, CiJob, Reader
from cmlops_kg.scanner.ci.shell import script_commands
from cmlops_kg.scanner.ci.yaml import line_of

RESERVED = {
    "stages",
    "variables",
    "include",
    "default",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "types",
    "spec",
}
SOURCE_KIND = {
    "push": "change",
    "merge_request_event": "change",
    "external_pull_request_event": "change",
    "merge_requests": "change",
    "pushes": "change",
    "branches": "change",
    "tags": "change",
    "schedule": "schedule",
    "schedules": "schedule",
    "web": "manual",
    "trigger": "event",
    "triggers": "event",
    "api": "event",
    "pipeline": "event",
    "pipelines": "event",
    "parent_pipeline": "event",
    "chat": "event",
}
_SOURCE = re.compile(r"\$CI_PIPELINE_SOURCE\s*(==|!=)\s*['\"](\w+)['\"]")


def _lines(value: object, file: str, blocking: bool = True) -> list[CiCommand]:
    out: list[CiCommand] = []
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, list):
            out += _lines(item, file, blocking)
        elif isinstance(item, str):  # GitLab stops a job at the first failing script line
            out += script_commands(item, file, line_of(item), blocking=blocking, errexit=True)
    return out


def _changes(job: dict) -> list[str]:
    """Path filters of a job (``rules: - changes:``, ``only: changes:``)."""
    paths: list[str] = []
    rules = job.get("rules")
    for rule in rules if isinstance(rules, list) else []:
        changes = rule.get("changes") if isinstance(rule, dict) else None
        changes = changes.get("paths") if isinstance(changes, dict) else changes
        if not changes:
            return []  # a rule without changes runs on any change
        paths += [str(c) for c in changes] if isinstance(changes, list) else [str(changes)]
    only = job.get("only")
    if isinstance(only, dict) and isinstance(only.get("changes"), list):
        paths += [str(c) for c in only["changes"]]
    return paths


def _triggers(job: dict) -> tuple[set[str], str]:
    kinds: set[str] = set()
    detail: list[str] = []
    rules = job.get("rules")
    if isinstance(rules, list) and rules:
        for rule in rules:
            if not isinstance(rule, dict) or rule.get("when") == "never":
                continue
            condition = str(rule.get("if") or "")
            detail.append(condition) if condition else None
            sources = _SOURCE.findall(condition)
            named = {SOURCE_KIND.get(s, "event") for op, s in sources if op == "=="}
            excluded = {SOURCE_KIND.get(s, "event") for op, s in sources if op == "!="}
            if rule.get("when") == "manual":
                kinds.add("manual")
            elif named:
                kinds |= named
            else:
                kinds |= {"change"} - excluded
        return kinds, "; ".join(detail)
    only, when = job.get("only"), job.get("when")
    refs = only.get("refs") if isinstance(only, dict) else only
    if isinstance(refs, list) and refs:
        kinds = {SOURCE_KIND.get(str(r), "change") for r in refs}
        detail.append("only: " + ", ".join(map(str, refs)))
    else:
        kinds = {"change"}
    excepted = job.get("except")
    excepted = excepted.get("refs") if isinstance(excepted, dict) else excepted
    if isinstance(excepted, list):
        kinds -= {
            SOURCE_KIND[str(r)] for r in excepted if str(r) in SOURCE_KIND and str(r) != "tags"
        }
    if when == "manual":
        kinds = {"manual"}
    return kinds, "; ".join(detail)


def _documents(rel: str, text: str, read: Reader, depth: int = 0) -> list[tuple[str, dict]]:
    doc = ci_yaml.load(text)
    if not isinstance(doc, dict):
        return []
    out = [(rel, doc)]
    if depth >= 3:
        return out
    includes = doc.get("include")
    for item in includes if isinstance(includes, list) else [includes]:
        local = item.get("local") if isinstance(item, dict) else item
        if isinstance(local, str) and "://" not in local and "$" not in local:
            path = posixpath.normpath(local.lstrip("/"))
            included = read(path)
            if included is not None:
                out += _documents(path, included, read, depth + 1)
    return out


def _resolve_extends(job: dict, templates: dict[str, dict], depth: int = 0) -> dict:
    parents = job.get("extends")
    if not parents or depth > 5:
        return job
    merged: dict = {}
    for parent in parents if isinstance(parents, list) else [parents]:
        template = templates.get(str(parent))
        if isinstance(template, dict):
            merged.update(_resolve_extends(template, templates, depth + 1))
    merged.update(job)
    return merged


def parse(rel: str, text: str, ctx) -> list[CiJob]:
    documents = _documents(rel, text, ctx.read)
    templates: dict[str, dict] = {}
    defaults: dict = {}
    for _, doc in documents:
        templates.update({k: v for k, v in doc.items() if isinstance(v, dict)})
        if isinstance(doc.get("default"), dict):
            defaults.update(doc["default"])
        for key in ("before_script", "after_script"):
            if key in doc:
                defaults.setdefault(key, doc[key])
    jobs = []
    for file, doc in documents:
        for name, raw in doc.items():
            if name in RESERVED or name.startswith(".") or not isinstance(raw, dict):
                continue
            job = _resolve_extends(raw, templates)
            if not any(k in job for k in ("script", "trigger", "run")):
                continue
            commands: list[CiCommand] = []
            blocking = str(job.get("allow_failure", "")).lower() != "true"
            for key in ("before_script", "script", "run", "after_script"):
                commands += _lines(job.get(key, defaults.get(key)), file, blocking)
            environment = job.get("environment")
            if isinstance(environment, dict):
                environment = environment.get("name")
            if isinstance(environment, str):
                commands.insert(
                    0, CiCommand(f"environment: {environment}", file, line_of(environment))
                )
            kinds, detail = _triggers(job)
            parsed = CiJob("gitlab-ci", file, str(name), line_of(name), kinds, detail, commands)
            parsed.paths = _changes(job)
            jobs.append(parsed)
    return jobs
