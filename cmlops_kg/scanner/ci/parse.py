"""CI configurations as jobs: what starts each job and which commands it runs.

Each provider module turns one configuration file into :class:`~.model.CiJob` objects (GitHub
Actions, GitLab CI, Azure Pipelines, Jenkins, CircleCI, Cloud Build, CodeBuild, and a generic
reader for Travis, Bitbucket, Buildkite, Drone and Woodpecker). This module finds the files --
by path where the provider fixes it, by content where the provider allows them anywhere (Azure
Pipelines, Cloud Build) -- then follows what the jobs call inside the repository (reusable
workflows with their inputs, composite actions, templates, scripts, task runners, job specs;
see follow.py) and records which repository files and directories the jobs execute. CI files
inside a project template (paths with ``{{ ... }}``, ``*.tmpl``) are read as the template's
CI: their jobs run only in a generated project. Nothing is ever executed.
"""

from __future__ import annotations

import copy
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from cmlops_kg.scanner.ci import azure, cloud, follow, github, gitlab, other
from cmlops_kg.scanner.ci import yaml as ci_yaml
from cmlops_kg.scanner.ci.model import CiCommand, CiJob, CiParse, Reader
from cmlops_kg.scanner.ci.steps import StepMapping
from cmlops_kg.scanner.ci.yaml import YamlError
from cmlops_kg.scanner.globs import glob_regex

TEMPLATE_NOT_RUN = "project template: runs only in a project generated from it"
MAX_CONTENT_CANDIDATES = 5_000
Parser = Callable[..., list[CiJob]]


@dataclass
class CiContext:
    """What a provider parser may use besides its file's text."""

    read: Reader
    mappings: tuple[StepMapping, ...] = ()
    unresolved: list[tuple[str, str]] = field(default_factory=list)
    codepipeline: str = ""  # a file declaring an AWS CodePipeline, if any


PROVIDERS: tuple[tuple[str, re.Pattern[str], Parser], ...] = (
    ("github-actions", re.compile(r"^\.github/workflows/[^/]+\.ya?ml$"), github.parse),
    (
        "gitlab-ci",
        re.compile(r"^(\.gitlab-ci\.ya?ml|\.gitlab/ci/.+\.ya?ml|.*\.gitlab-ci\.ya?ml)$"),
        gitlab.parse,
    ),
    ("jenkins", re.compile(r"(^|/)jenkinsfile$"), other.parse_jenkins),
    (
        "azure-pipelines",
        re.compile(
            r"^(azure-pipelines[^/]*|\.azure-pipelines/.+|\.azuredevops/.+|\.pipelines/.+"
            r"|\.ado/.+)\.ya?ml$"
        ),
        azure.parse,
    ),
    ("circleci", re.compile(r"^\.circleci/config\.ya?ml$"), other.parse_circleci),
    ("cloud-build", re.compile(r"(^|/)cloudbuild[^/]*\.ya?ml$"), cloud.parse_cloudbuild),
    ("codebuild", re.compile(r"(^|/)buildspec[^/]*\.ya?ml$"), cloud.parse_buildspec),
    ("codepipeline", re.compile(r"(?!)"), cloud.parse_codepipeline),  # by content only
    (
        "ci",
        re.compile(
            r"^(\.travis|bitbucket-pipelines|\.buildkite/[^/]+|\.drone|\.woodpecker"
            r"|\.woodpecker/[^/]+)\.ya?ml$"
        ),
        other.parse_generic,
    ),
)
PARSERS = {name: fn for name, _, fn in PROVIDERS}
_AZURE_HINT = re.compile(rb"(?m)^\s*-\s*(task|script|bash|pwsh|powershell|template|checkout)\s*:")
_AZURE_TOP = re.compile(rb"(?m)^(steps|jobs|stages|extends|variables)\s*:")
_CLOUDBUILD_HINT = re.compile(rb"(?m)^steps\s*:")
_CODEPIPELINE = b"AWS::CodePipeline::Pipeline"


_HINTS = (
    ".github/",
    ".gitlab",
    "jenkinsfile",
    "azure-pipelines",
    ".azure",
    ".pipelines/",
    ".ado/",
    ".circleci/",
    "cloudbuild",
    "buildspec",
    ".travis.",
    "bitbucket-pipelines.",
    ".buildkite/",
    ".drone.",
    ".woodpecker",
)
_HINT = re.compile("|".join(re.escape(h) for h in _HINTS))  # one search instead of 15 `in`s


def provider_of(logical: str) -> str | None:
    low = logical.lower()
    if not _HINT.search(low):
        return None
    return next((name for name, regex, _ in PROVIDERS if regex.search(low)), None)


def ci_files(paths: list[str], templated: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(provider, path) of every CI configuration found by its path."""
    templated = templated or {}
    found = []
    for rel in _hinted(paths, templated):
        provider = provider_of(templated.get(rel, rel))
        if provider:
            found.append((provider, rel))
    return sorted(found, key=lambda item: item[1])


def _hinted(paths: list[str], templated: dict[str, str]) -> list[str]:
    """The paths whose (logical) path holds a CI hint, found by one search of all of them
    joined by NUL (no path holds one, and no hint spans it) instead of one per path."""
    joined = "\0".join(templated.get(rel, rel) for rel in paths).lower()
    if joined.count("\0") != max(len(paths) - 1, 0):  # a NUL in a path (not from a walk)
        return paths
    hinted: list[str] = []
    index, at, last = 0, 0, -1
    for match in _HINT.finditer(joined):
        index += joined.count("\0", at, match.start())  # the path the hint is in
        at = match.start()
        if index != last:
            hinted.append(paths[index])
            last = index
    return hinted


def _by_content(
    paths: list[str], known: set[str], raw: Callable[[str], bytes | None], ctx: CiContext
) -> list[tuple[str, str]]:
    """Azure Pipelines and Cloud Build files outside their usual places, by their shape."""
    found: list[tuple[str, str]] = []
    candidates = [p for p in paths if p.lower().endswith((".yml", ".yaml")) and p not in known]
    for rel in candidates[:MAX_CONTENT_CANDIDATES]:
        data = raw(rel)
        if data is None:
            continue
        if _CODEPIPELINE in data:
            ctx.codepipeline = ctx.codepipeline or rel
            found.append(("codepipeline", rel))
        azure_like = _AZURE_HINT.search(data) and _AZURE_TOP.search(data)
        cloud_like = _CLOUDBUILD_HINT.search(data)
        if not azure_like and not cloud_like:
            continue
        try:
            doc = ci_yaml.load(data.decode("utf-8", errors="replace"))
        except (YamlError, RecursionError):
            continue
        if azure_like and azure.classify(doc):
            found.append(("azure-pipelines", rel))
        elif cloud_like and cloud.is_cloudbuild(doc):
            found.append(("cloud-build", rel))
    return found


def parse_ci(
    paths: list[str],
    read: Reader,
    mappings: tuple[StepMapping, ...] = (),
    raw: Callable[[str], bytes | None] | None = None,
    templated: dict[str, str] | None = None,
    ignored: Callable[[str], bool] | None = None,
) -> CiParse:
    """Parse every CI file among ``paths`` and resolve what the jobs call.

    ``raw`` (bytes of a file) enables recognition by content, except for ``ignored`` paths
    (test fixtures, examples: CI-shaped files there are data); ``templated`` maps files of
    project templates to the path they get in a generated project.
    """
    templated = templated or {}
    ctx = CiContext(_detemplating(read, templated), mappings)
    result = CiParse()
    found = ci_files(paths, templated)
    if raw is not None:
        # only YAML files are recognised by content: ask which are ignored of those alone
        yaml_files = [p for p in paths if p.lower().endswith((".yml", ".yaml"))]
        candidates = [p for p in yaml_files if not (ignored and ignored(p))]
        found += _by_content(candidates, {rel for _, rel in found}, raw, ctx)
    _parse_all(found, ctx, result, templated)
    if raw is not None:
        cloud.submitted_by_hand(result.jobs, paths, raw)
    unique = {(j.provider, j.file, j.name): j for j in result.jobs}  # GitLab includes
    result.jobs = list(unique.values())
    result.jobs += _called_workflows(result.jobs, ctx)
    _summarise_environments(result.jobs)
    result.unresolved = list(dict.fromkeys(ctx.unresolved))
    if result.jobs:
        _follow(result, ctx, paths)
    return result


def _parse_all(
    found: list[tuple[str, str]], ctx: CiContext, result: CiParse, templated: dict[str, str]
) -> None:
    azure_files = [rel for provider, rel in found if provider == "azure-pipelines"]
    included = _azure_included(azure_files, ctx)
    result.templates = sorted(included)
    for provider, rel in found:
        text = ctx.read(rel)
        if text is None:
            result.problems.append((rel, "unreadable or too large"))
            continue
        try:
            jobs = _parse_one(provider, rel, text, ctx, included)
        except (YamlError, ValueError, TypeError, AttributeError, RecursionError) as exc:
            result.problems.append((rel, f"not parsed: {exc}"[:200]))
            continue
        if rel in templated:
            for job in jobs:
                job.not_run = TEMPLATE_NOT_RUN
        result.jobs.extend(jobs)


def _parse_one(
    provider: str, rel: str, text: str, ctx: CiContext, included: set[str]
) -> list[CiJob]:
    if provider != "azure-pipelines":
        return PARSERS[provider](rel, text, ctx)
    kind = azure.classify(ci_yaml.load(text))
    if kind == "pipeline" or (kind is None and "azure-pipelines" in rel.lower()):
        return azure.parse(rel, text, ctx)
    if rel in included:
        return []  # expanded where a pipeline includes it
    return azure.parse(rel, text, ctx, not_run=azure.TEMPLATE_NOT_RUN)


def _azure_included(files: list[str], ctx: CiContext) -> set[str]:
    included: set[str] = set()
    for rel in files:
        try:
            doc = ci_yaml.load(ctx.read(rel) or "")
        except (YamlError, RecursionError):
            continue
        included.update(p for p in azure.references(rel, doc) if p != rel)
    return included


# -- reusable workflows -----------------------------------------------------------------------
def _called_workflows(jobs: list[CiJob], ctx: CiContext) -> list[CiJob]:
    """A call of a local reusable workflow runs the callee's jobs with the caller's triggers
    and inputs; a workflow that only other workflows call does not run on its own."""
    by_file: dict[str, list[CiJob]] = defaultdict(list)
    for job in jobs:
        by_file[job.file].append(job)
    copies: list[CiJob] = []
    for job in jobs:
        for call in job.calls:
            target = posixpath.normpath(call.split("@", 1)[0].removeprefix("./"))
            for callee in by_file.get(target, []):
                if "called" in callee.triggers and callee is not job:
                    copies.append(_called_copy(callee, job))
    for job in jobs + copies:
        if "called" in job.triggers:
            job.triggers.discard("called")
            if not job.triggers and not job.not_run:
                job.not_run = "reusable workflow: runs only when another workflow calls it"
    return copies


def _called_copy(callee: CiJob, caller: CiJob) -> CiJob:
    job = copy.deepcopy(callee)
    job.name = f"{caller.name} -> {callee.name}"
    job.triggers = (callee.triggers | caller.triggers) - {"called"}
    job.trigger_detail += f"; called by {caller.file}"
    job.paths, job.paths_ignore = list(caller.paths), list(caller.paths_ignore)
    job.not_run = caller.not_run
    for command in job.commands:
        command.text = github.substitute_inputs(command.text, caller.call_inputs)
    return job


def _summarise_environments(jobs: list[CiJob]) -> None:
    """Give each job a "pipeline environments: ..." line naming the jobs, stages and deployment
    environments of its file, so that signals can see a pipeline that promotes a change
    through several environments."""
    by_file: dict[str, list[CiJob]] = defaultdict(list)
    for job in jobs:
        by_file[job.file].append(job)
    for file, file_jobs in by_file.items():
        names = {j.name.rsplit(" / ", 1)[-1].rsplit(" -> ", 1)[-1] for j in file_jobs}
        for job in file_jobs:
            for command in job.commands:
                if command.text.startswith("environment:"):
                    names.add(command.text.split(":", 1)[1].strip())
                elif command.text.startswith("codepipeline "):
                    names.add(command.text.split(" ", 1)[1].split("/", 1)[0])
        summary = "pipeline environments: " + ", ".join(sorted(n for n in names if n))
        for job in file_jobs:
            job.commands.append(CiCommand(summary, file, None))


# -- following commands -----------------------------------------------------------------------
def _follow(result: CiParse, ctx: CiContext, paths: list[str]) -> None:
    files = follow.Files(paths)
    for job in result.jobs:
        follow.expand(job, ctx.read, files, ctx.mappings)
        if not job.runs_here:
            continue
        for command in job.commands:
            for rel in follow.executed_files(command, files):
                result.runs.setdefault(rel, []).append((job, command))


def _detemplating(read: Reader, templated: dict[str, str]) -> Reader:
    if not templated:
        return read

    def reader(rel: str) -> str | None:
        text = read(rel)
        return detemplate(text) if text is not None and rel in templated else text

    return reader


_TAG_LINE = re.compile(r"(?m)^[ \t]*(\{\{-?[^{}]*-?\}\}|\{%-?.*?-?%\})[ \t]*$\n?")
_INLINE = re.compile(r"\{\{-?.*?-?\}\}|\{%.*?%\}")
_RAW = re.compile(r"\{\{-?\s*`([^`]*)`\s*-?\}\}")  # a Go template's raw string: its text


def detemplate(text: str) -> str:
    """Template text readable as YAML: raw strings (Go's {{`${{ x }}`}}) become their text,
    directive lines are dropped, other placeholders neutralised."""
    raws: list[str] = []

    def keep(match: re.Match[str]) -> str:
        raws.append(match.group(1))
        return f"\0{len(raws) - 1}\0"

    text = _INLINE.sub("TEMPLATE", _TAG_LINE.sub("", _RAW.sub(keep, text)))
    return re.sub("\0(\\d+)\0", lambda m: raws[int(m.group(1))], text) if raws else text


def job_covers(job: CiJob, command: CiCommand | None, path: str) -> bool:
    """Whether a job's run can concern ``path``: its path filters match it (if any) and the
    command's working directory contains it (if it has one)."""
    if command is not None and command.cwd and not path.startswith(command.cwd.rstrip("/") + "/"):
        return False
    if any(_filter_matches(p, path) for p in job.paths_ignore):
        return False
    return not job.paths or any(_filter_matches(p, path) for p in job.paths)


def _filter_matches(pattern: str, path: str) -> bool:
    pattern = pattern.strip().lstrip("/").removeprefix("./")
    if not pattern:
        return False
    if not re.search(r"[*?\[]", pattern):  # a plain path: the file or everything below it
        base = pattern.rstrip("/")
        return path == base or path.startswith(base + "/")
    return re.match(glob_regex(pattern), path.lower()) is not None


def targets(job: CiJob, directory: str) -> bool:
    """Whether a job targets a folder: its file, path filters or working directories are in it,
    or a command executes something in it."""
    prefix = directory.rstrip("/") + "/"
    if job.file.startswith(prefix):
        return True
    if any(
        _filter_matches(p, prefix + "x") or p.lstrip("./").startswith(prefix) for p in job.paths
    ):
        return True
    return any(c.cwd and (c.cwd + "/").startswith(prefix) for c in job.commands)
