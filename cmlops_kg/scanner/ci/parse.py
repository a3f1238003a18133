"""CI configurations as jobs: what starts each job and which commands it runs.

Each provider module turns one configuration file into :class:`~.model.CiJob` objects (GitHub
Actions, GitLab CI, Jenkins, Azure Pipelines, CircleCI, and a generic reader for Travis,
Bitbucket, Buildkite, Drone and Woodpecker). This module finds the files, then follows what
jobs call inside the repository: reusable GitHub workflows (which inherit the caller's
triggers), local composite actions, Makefile targets and shell scripts; and it records which
repository files a job runs by path. Nothing is ever executed.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Callable

from cmlops_kg.scanner.ci import github, gitlab, other
from cmlops_kg.scanner.ci.model import CiCommand, CiJob, CiParse, Reader
from cmlops_kg.scanner.ci.yaml import YamlError

MAX_EXPANSION_DEPTH = 3
MAX_COMMANDS_PER_JOB = 5_000


def _providers() -> list[tuple[str, re.Pattern[str], Callable[..., list[CiJob]]]]:
    return [
        ("github-actions", re.compile(r"^\.github/workflows/[^/]+\.ya?ml$"), github.parse),
        ("gitlab-ci", re.compile(r"^(\.gitlab-ci\.ya?ml|\.gitlab/ci/.+\.ya?ml)$"), gitlab.parse),
        ("jenkins", re.compile(r"(^|/)jenkinsfile$"), other.parse_jenkins),
        (
            "azure-pipelines",
            re.compile(r"^(azure-pipelines[^/]*|\.azure-pipelines/.+|\.azuredevops/.+)\.ya?ml$"),
            other.parse_azure,
        ),
        ("circleci", re.compile(r"^\.circleci/config\.ya?ml$"), other.parse_circleci),
        (
            "ci",
            re.compile(
                r"^(\.travis|bitbucket-pipelines|\.buildkite/[^/]+|\.drone|\.woodpecker"
                r"|\.woodpecker/[^/]+)\.ya?ml$"
            ),
            other.parse_generic,
        ),
    ]


_CI_PREFIXES = (
    ".github/workflows/",
    ".gitlab",
    ".circleci/",
    ".azure",
    "azure-pipelines",
    ".travis.",
    "bitbucket-pipelines.",
    ".buildkite/",
    ".drone.",
    ".woodpecker",
)


def ci_files(paths: list[str]) -> list[tuple[str, str]]:
    """(provider, path) of every CI configuration among the relative paths."""
    providers = _providers()
    found = []
    for rel in paths:
        low = rel.lower()
        if not low.startswith(_CI_PREFIXES) and not low.endswith("jenkinsfile"):
            continue
        for name, regex, _ in providers:
            if regex.search(low):
                found.append((name, rel))
                break
    return sorted(found, key=lambda item: item[1])


def parse_ci(paths: list[str], read: Reader) -> CiParse:
    """Parse every CI file among ``paths`` and resolve what the jobs call."""
    parsers = {name: fn for name, _, fn in _providers()}
    result = CiParse()
    for provider, rel in ci_files(paths):
        text = read(rel)
        if text is None:
            result.problems.append((rel, "unreadable or too large"))
            continue
        try:
            result.jobs.extend(parsers[provider](rel, text, read))
        except (YamlError, ValueError, TypeError, AttributeError, RecursionError) as exc:
            result.problems.append((rel, f"not parsed: {exc}"[:200]))
    # a GitLab file may be both included and found by its path: one job per file and name
    unique = {(j.provider, j.file, j.name): j for j in result.jobs}
    result.jobs = list(unique.values())
    _inherit_called_triggers(result.jobs)
    if not result.jobs:
        return result
    files = Files(paths)
    for job in result.jobs:
        _expand(job, read, files)
        for command in job.commands:
            for rel in referenced_files(command, files):
                result.runs.setdefault(rel, []).append((job, command))
    return result


class Files:
    """The repository's paths, with a by-name index built only when a command needs it."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = set(paths)
        self._by_name: dict[str, list[str]] | None = None

    def __contains__(self, rel: object) -> bool:
        return rel in self.paths

    def named(self, name: str) -> list[str]:
        if self._by_name is None:
            self._by_name = defaultdict(list)
            for rel in self.paths:
                self._by_name[rel[rel.rfind("/") + 1 :]].append(rel)
        return self._by_name.get(name, [])


def _inherit_called_triggers(jobs: list[CiJob]) -> None:
    """Jobs of a reusable workflow (on: workflow_call) run when their callers run."""
    by_file: dict[str, list[CiJob]] = defaultdict(list)
    for job in jobs:
        by_file[job.file].append(job)
    for _ in range(3):
        for job in jobs:
            for call in job.calls:
                target = posixpath.normpath(call.split("@", 1)[0].removeprefix("./"))
                for callee in by_file.get(target, []):
                    if "called" in callee.triggers:
                        callee.triggers |= job.triggers - {"called"}
                        callee.trigger_detail += f"; called by {job.file}"
    for job in jobs:
        job.triggers.discard("called")


# -- following commands into the repository -------------------------------------------------
_SPLIT = re.compile(r"[\s;|&()<>=,'\"`]+")
_MAKE = re.compile(r"(?:^|[\s;&|(])make\s+([^;&|]*)")


def _tokens(text: str) -> list[str]:
    return [t for t in _SPLIT.split(text) if t]


def referenced_files(command: CiCommand, files: Files) -> list[str]:
    """Repository files a command names by path (or by module with ``-m``)."""
    found: list[str] = []
    tokens = _tokens(command.text)
    for i, token in enumerate(tokens):
        candidates = [token]
        if i > 0 and tokens[i - 1] == "-m" and re.fullmatch(r"[\w.]+", token):
            module = token.replace(".", "/")
            candidates = [module + ".py", module + "/__main__.py", "src/" + module + ".py"]
        for candidate in candidates:
            rel = _resolve(candidate, command.cwd, files)
            if rel and rel not in found:
                found.append(rel)
                break
    return found


def _resolve(token: str, cwd: str, files: Files, by_suffix: bool = True) -> str | None:
    token = token.strip()
    if not token or token.startswith(("-", "$")) or "@" in token or ":" in token:
        return None  # options, variables, action references, URLs
    if "." not in posixpath.basename(token):
        return None  # files a command runs have an extension; directories are not run
    norm = posixpath.normpath(token.removeprefix("./"))
    if norm.startswith(".."):
        return None
    if norm in files:
        return norm
    if cwd:
        joined = posixpath.normpath(posixpath.join(cwd, norm))
        if joined in files:
            return joined
    if not by_suffix:
        return None
    matches = [r for r in files.named(posixpath.basename(norm)) if r.endswith("/" + norm)]
    return matches[0] if len(matches) == 1 else None


def _expand(job: CiJob, read: Reader, files: Files) -> None:
    """Add the commands of Makefile targets, shell scripts and local actions the job calls."""
    queue = [(c, 0) for c in job.commands]
    seen: set[tuple[str, str]] = set()
    while queue and len(job.commands) < MAX_COMMANDS_PER_JOB:
        command, depth = queue.pop(0)
        if depth >= MAX_EXPANSION_DEPTH:
            continue
        added: list[CiCommand] = []
        for match in _MAKE.finditer(command.text):
            added += _make_commands(match.group(1), command.cwd, read, files, seen)
        for token in _tokens(command.text):
            if token.endswith((".sh", ".bash")):
                rel = _resolve(token, command.cwd, files, by_suffix=False)
                if rel and ("sh", rel) not in seen:
                    seen.add(("sh", rel))
                    added += _script_commands(rel, read)
        if command.text.startswith("uses: ./"):
            added += _local_action(command.text[len("uses: ") :], read, files, seen)
        job.commands.extend(added)
        queue.extend((c, depth + 1) for c in added)


def _script_commands(rel: str, read: Reader) -> list[CiCommand]:
    text = read(rel) or ""
    return [
        CiCommand(line.strip(), rel, i + 1)
        for i, line in enumerate(text.splitlines())
        if line.strip() and not line.lstrip().startswith("#")
    ]


def _make_commands(
    args: str, cwd: str, read: Reader, files: Files, seen: set[tuple[str, str]]
) -> list[CiCommand]:
    words = args.split()
    directory, makefile, targets = cwd, None, []
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("-C", "--directory", "-f", "--file") and i + 1 < len(words):
            if word in ("-C", "--directory"):
                directory = posixpath.normpath(posixpath.join(cwd, words[i + 1]))
            else:
                makefile = words[i + 1]
            i += 2
            continue
        if not word.startswith("-") and "=" not in word:
            targets.append(word)
        i += 1
    names = [makefile] if makefile else ["Makefile", "makefile", "GNUmakefile"]
    for name in names:
        rel = posixpath.normpath(posixpath.join(directory, name)) if directory else name
        if rel in files:
            return _make_recipes(rel, targets or [""], read, seen)
    return []


_RULE = re.compile(r"^([^\s:=#][^:=#]*?)\s*::?(?!=)\s*([^;#]*)")


def _make_recipes(
    rel: str, targets: list[str], read: Reader, seen: set[tuple[str, str]]
) -> list[CiCommand]:
    rules: dict[str, tuple[list[str], list[CiCommand]]] = {}
    first: str | None = None
    current: list[str] = []
    for i, line in enumerate((read(rel) or "").splitlines()):
        if line.startswith("\t"):
            body = line.strip().lstrip("@-+").strip()
            for target in current:
                if body:
                    rules[target][1].append(CiCommand(body, rel, i + 1))
            continue
        match = _RULE.match(line)
        if match:
            current = match.group(1).split()
            for target in current:
                rules.setdefault(target, (match.group(2).split(), []))
                if first is None and not target.startswith("."):
                    first = target
        elif line.strip() and not line.lstrip().startswith("#"):
            current = []
    out: list[CiCommand] = []
    pending = [t or first or "" for t in targets]
    while pending:
        target = pending.pop(0)
        if target not in rules or (rel, target) in seen:
            continue
        seen.add((rel, target))
        prerequisites, recipe = rules[target]
        pending.extend(prerequisites)
        out.extend(recipe)
    return out


def _local_action(
    uses: str, read: Reader, files: Files, seen: set[tuple[str, str]]
) -> list[CiCommand]:
    directory = posixpath.normpath(uses.split("@", 1)[0].strip().removeprefix("./"))
    for name in ("action.yml", "action.yaml"):
        rel = posixpath.join(directory, name)
        if rel in files and ("action", rel) not in seen:
            seen.add(("action", rel))
            return github.action_commands(rel, read(rel) or "")
    return []
