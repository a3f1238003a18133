"""Following what CI jobs run into the repository: shell scripts, Makefile targets, tox
environments, nox sessions, mise tasks, package.json scripts, pre-commit hooks, local GitHub
actions and job specs that name a command (``anyscale jobs submit spec.yaml`` runs the spec's
``entrypoint``; an Azure ML job's ``command``). The commands found are added to the job with
the file and line they come from; nothing is ever executed.
"""

from __future__ import annotations

import json
import posixpath
import re
import tomllib
from collections import defaultdict
from collections.abc import Callable

from cmlops_kg.scanner.ci import github
from cmlops_kg.scanner.ci import yaml as ci_yaml
from cmlops_kg.scanner.ci.model import CiCommand, CiJob, Reader
from cmlops_kg.scanner.ci.shell import (
    core,
    executed_targets,
    script_commands,
    simple_commands,
    soft_fail,
    targets_of,
)
from cmlops_kg.scanner.ci.steps import StepMapping

MAX_EXPANSION_DEPTH = 4
MAX_COMMANDS_PER_JOB = 5_000
SPEC_KEYS = ("entrypoint", "command", "commands", "script", "run")


class Files:
    """The repository's paths, with a by-name index built only when a command needs it."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = set(paths)
        self._by_name: dict[str, list[str]] | None = None
        self._dirs: set[str] | None = None

    def __contains__(self, rel: object) -> bool:
        return rel in self.paths

    def named(self, name: str) -> list[str]:
        if self._by_name is None:
            self._by_name = defaultdict(list)
            for rel in self.paths:
                self._by_name[rel[rel.rfind("/") + 1 :]].append(rel)
        return self._by_name.get(name, [])

    def is_dir(self, rel: str) -> bool:
        if self._dirs is None:
            self._dirs = {p[:i] for p in self.paths for i in _slashes(p)}
        return rel in self._dirs


def _slashes(path: str) -> list[int]:
    return [i for i, c in enumerate(path) if c == "/"]


def resolve(token: str, cwd: str, files: Files, by_suffix: bool = True) -> str | None:
    """The repository file (or directory, with a trailing /) a token names, or None."""
    token = token.strip().strip("'\"")
    if token.startswith("-m:"):
        return _module(token[3:], cwd, files)
    if not token or token.startswith(("-", "$")) or "@" in token or "://" in token:
        return None  # options, variables, action references, URLs
    norm = posixpath.normpath(token.removeprefix("./"))
    if norm.startswith("..") or norm.startswith("/"):
        return None
    for candidate in ([posixpath.normpath(posixpath.join(cwd, norm))] if cwd else []) + [norm]:
        if candidate in files:
            return candidate
        if candidate == ".":
            return ""
        if files.is_dir(candidate):
            return candidate + "/"
    if not by_suffix or "." not in posixpath.basename(norm):
        return None
    matches = [r for r in files.named(posixpath.basename(norm)) if r.endswith("/" + norm)]
    return matches[0] if len(matches) == 1 else None


def _module(module: str, cwd: str, files: Files) -> str | None:
    if not re.fullmatch(r"[\w.]+", module):
        return None
    base = module.replace(".", "/")
    for prefix in ([cwd + "/"] if cwd else []) + ["", "src/"]:
        for candidate in (base + ".py", base + "/__main__.py"):
            if prefix + candidate in files:
                return prefix + candidate
    return None


def executed_files(command: CiCommand, files: Files) -> list[str]:
    """Repository files and directories (ending in /) that a command executes or acts on;
    ``cd DIR`` earlier on the line moves where later paths are resolved."""
    found: list[str] = []
    cwd = command.cwd
    for tokens in simple_commands(command.text):
        if tokens[0] == "cd" and len(tokens) > 1:
            cwd = posixpath.normpath(posixpath.join(cwd, tokens[1]))
            cwd = "" if cwd == "." or cwd.startswith("..") else cwd
            continue
        for target in targets_of(tokens):
            rel = resolve(target, cwd, files)
            if rel is not None and rel not in found:
                found.append(rel)
    return found


# -- expansion --------------------------------------------------------------------------------
Expander = Callable[[CiCommand, "Context"], list[CiCommand]]


class Context:
    def __init__(self, read: Reader, files: Files, mappings: tuple[StepMapping, ...]) -> None:
        self.read, self.files, self.mappings = read, files, mappings
        self.seen: set[tuple[str, str]] = set()

    def once(self, kind: str, key: str) -> bool:
        if (kind, key) in self.seen:
            return False
        self.seen.add((kind, key))
        return True

    def find(self, cwd: str, names: tuple[str, ...]) -> str | None:
        for name in names:
            rel = posixpath.normpath(posixpath.join(cwd, name)) if cwd else name
            if rel in self.files:
                return rel
        return None


def expand(job: CiJob, read: Reader, files: Files, mappings: tuple[StepMapping, ...]) -> None:
    """Add to a job the commands of what it calls in the repository (bounded)."""
    ctx = Context(read, files, mappings)
    queue = [(c, 0) for c in job.commands]
    while queue and len(job.commands) < MAX_COMMANDS_PER_JOB:
        command, depth = queue.pop(0)
        if depth >= MAX_EXPANSION_DEPTH:
            continue
        added: list[CiCommand] = []
        for expander in EXPANDERS:
            added += expander(command, ctx)
        for new in added:
            new.blocking = new.blocking and command.blocking
        job.commands.extend(added)
        queue.extend((c, depth + 1) for c in added)


def _scripts(command: CiCommand, ctx: Context) -> list[CiCommand]:
    out: list[CiCommand] = []
    for target in executed_targets(command.text):
        if not target.endswith((".sh", ".bash")):
            continue
        rel = resolve(target, command.cwd, ctx.files, by_suffix=False)
        if rel and not rel.endswith("/") and ctx.once("sh", rel):
            out += script_commands(ctx.read(rel) or "", rel, 1, command.cwd)
    return out


def _words(command: CiCommand) -> list[list[str]]:
    return simple_commands(command.text)


def _make(command: CiCommand, ctx: Context) -> list[CiCommand]:
    out: list[CiCommand] = []
    for tokens in _words(command):
        if tokens[0].split("/")[-1] in ("make", "gmake"):
            out += _make_commands(tokens[1:], command.cwd, ctx)
    return out


def _make_commands(words: list[str], cwd: str, ctx: Context) -> list[CiCommand]:
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
    names = (makefile,) if makefile else ("Makefile", "makefile", "GNUmakefile")
    rel = ctx.find(directory, names)
    return _make_recipes(rel, targets or [""], ctx, directory) if rel else []


_RULE = re.compile(r"^([^\s:=#][^:=#]*?)\s*::?(?!=)\s*([^;#]*)")


def _make_recipes(rel: str, targets: list[str], ctx: Context, cwd: str) -> list[CiCommand]:
    rules: dict[str, tuple[list[str], list[CiCommand]]] = {}
    first: str | None = None
    current: list[str] = []
    for i, line in enumerate((ctx.read(rel) or "").splitlines()):
        if line.startswith("\t"):
            raw = line.strip()
            body = raw.lstrip("@-+").strip()
            for target in current:
                if body and not body.startswith("#"):
                    blocking = not raw.startswith(("-", "@-")) and not soft_fail(body)
                    rules[target][1].append(CiCommand(body, rel, i + 1, cwd, blocking))
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
        if target not in rules or not ctx.once(rel, target):
            continue
        prerequisites, recipe = rules[target]
        pending.extend(prerequisites)
        out.extend(recipe)
    return out


def _local_action(command: CiCommand, ctx: Context) -> list[CiCommand]:
    if not command.text.startswith("uses: ./"):
        return []
    directory = posixpath.normpath(command.text[len("uses: ./") :].split("@", 1)[0].strip())
    for name in ("action.yml", "action.yaml"):
        rel = posixpath.join(directory, name)
        if rel in ctx.files and ctx.once("action", rel):
            return github.action_commands(rel, ctx.read(rel) or "", ctx.mappings)
    return []


# -- task runners -----------------------------------------------------------------------------
def _tox(command: CiCommand, ctx: Context) -> list[CiCommand]:
    out: list[CiCommand] = []
    for tokens in _words(command):
        if tokens[0] != "tox" and tokens[:3] != ["python", "-m", "tox"]:
            continue
        envs = [e for i, t in enumerate(tokens) if t == "-e" for e in tokens[i + 1 : i + 2]]
        rel = ctx.find(command.cwd, ("tox.ini",))
        if rel and ctx.once("tox", rel + ",".join(envs)):
            out += _tox_commands(rel, ",".join(envs).split(",") if envs else [], ctx, command)
    return out


def _tox_commands(rel: str, envs: list[str], ctx: Context, command: CiCommand) -> list[CiCommand]:
    section, in_commands = "", False
    out: list[CiCommand] = []
    for i, line in enumerate((ctx.read(rel) or "").splitlines()):
        header = re.match(r"^\[([^\]]+)\]", line)
        if header:
            section, in_commands = header.group(1).strip(), False
            continue
        wanted = section == "testenv" or (
            section.startswith("testenv:") and (not envs or section[8:] in envs)
        )
        key = re.match(r"^(\w[\w-]*)\s*=\s*(.*)$", line)
        if key:
            in_commands = wanted and key.group(1) == "commands"
            value = key.group(2).strip()
        elif in_commands and line[:1] in (" ", "\t"):
            value = line.strip()
        else:
            in_commands = in_commands and line.strip() != ""
            continue
        if in_commands and value and not value.startswith("#"):
            out.append(CiCommand(value, rel, i + 1, command.cwd, not value.startswith("-")))
    return out


_SESSION_RUN = re.compile(r"session\.run\(\s*((?:['\"][^'\"]*['\"]\s*,?\s*)+)")
_STRING = re.compile(r"['\"]([^'\"]*)['\"]")


def _nox(command: CiCommand, ctx: Context) -> list[CiCommand]:
    out: list[CiCommand] = []
    for tokens in _words(command):
        if tokens[0] != "nox" and tokens[:3] != ["python", "-m", "nox"]:
            continue
        rel = ctx.find(command.cwd, ("noxfile.py",))
        if not rel or not ctx.once("nox", rel):
            continue
        for i, line in enumerate((ctx.read(rel) or "").splitlines()):
            match = _SESSION_RUN.search(line)
            if match:
                text = " ".join(_STRING.findall(match.group(1)))
                out.append(CiCommand(text, rel, i + 1, command.cwd))
    return out


def _mise(command: CiCommand, ctx: Context) -> list[CiCommand]:
    out: list[CiCommand] = []
    for tokens in _words(command):
        if tokens[0] != "mise" or len(tokens) < 2:
            continue
        names = tokens[2:3] if tokens[1] in ("run", "r") else tokens[1:2]
        rel = ctx.find(command.cwd, ("mise.toml", ".mise.toml", "mise/config.toml"))
        if rel and names:
            out += _mise_tasks(rel, names, ctx, command.cwd)
    return out


def _mise_tasks(rel: str, names: list[str], ctx: Context, cwd: str) -> list[CiCommand]:
    text = ctx.read(rel) or ""
    try:
        tasks = tomllib.loads(text).get("tasks", {})
    except (tomllib.TOMLDecodeError, AttributeError):
        return []
    aliases = {
        str(t.get("alias")): n for n, t in tasks.items() if isinstance(t, dict) and t.get("alias")
    }
    out: list[CiCommand] = []
    pending = list(names)
    while pending:
        name = aliases.get(pending[0], pending[0])
        pending.pop(0)
        task = tasks.get(name)
        if not ctx.once("mise", name) or task is None:
            continue
        task = {"run": task} if isinstance(task, (str, list)) else task
        depends = task.get("depends") if isinstance(task, dict) else None
        pending += [str(d) for d in (depends if isinstance(depends, list) else [depends or []])]
        line = _line_of_text(text, f"[tasks.{name}]", f'[tasks."{name}"]')
        runs = task.get("run") if isinstance(task, dict) else None
        for body in runs if isinstance(runs, list) else [runs] if runs else []:
            out += script_commands(str(body), rel, line, cwd, errexit=True)
    return out


def _line_of_text(text: str, *needles: str) -> int | None:
    for needle in needles:
        at = text.find(needle)
        if at != -1:
            return text.count("\n", 0, at) + 1
    return None


_PACKAGE_MANAGERS = {"npm", "yarn", "pnpm", "bun"}


def _package_scripts(command: CiCommand, ctx: Context) -> list[CiCommand]:
    out: list[CiCommand] = []
    for tokens in _words(command):
        if tokens[0] not in _PACKAGE_MANAGERS or len(tokens) < 2:
            continue
        name = tokens[2] if tokens[1] == "run" and len(tokens) > 2 else tokens[1]
        rel = ctx.find(command.cwd, ("package.json",))
        if not rel or not ctx.once("npm", rel + name):
            continue
        try:
            scripts = json.loads(ctx.read(rel) or "{}").get("scripts") or {}
        except (ValueError, AttributeError):
            continue
        body = scripts.get(name) if isinstance(scripts, dict) else None
        if isinstance(body, str):
            out.append(CiCommand(body, rel, _line_of_text(ctx.read(rel) or "", f'"{name}"')))
    return out


def _pre_commit(command: CiCommand, ctx: Context) -> list[CiCommand]:
    runs = command.text.startswith("uses: pre-commit/action") or any(
        tokens[:2] == ["pre-commit", "run"] or tokens[:4] == ["python", "-m", "pre_commit", "run"]
        for tokens in _words(command)
    )
    rel = ctx.find(command.cwd, (".pre-commit-config.yaml", ".pre-commit-config.yml"))
    if not runs or not rel or not ctx.once("pre-commit", rel):
        return []
    try:
        doc = ci_yaml.load(ctx.read(rel) or "")
    except ci_yaml.YamlError:
        return []
    out: list[CiCommand] = []
    for repo in doc.get("repos") or [] if isinstance(doc, dict) else []:
        for hook in (repo.get("hooks") or []) if isinstance(repo, dict) else []:
            if isinstance(hook, dict) and hook.get("id"):
                text = str(hook.get("entry") or hook["id"])
                out.append(CiCommand(text, rel, ci_yaml.line_of(hook["id"]), command.cwd))
    return out


def _job_specs(command: CiCommand, ctx: Context) -> list[CiCommand]:
    """Commands of YAML job specs a command submits (entrypoint, command, script ...)."""
    out: list[CiCommand] = []
    for target in executed_targets(command.text):
        if not target.endswith((".yaml", ".yml")) or _is_ci_runner(command):
            continue
        rel = resolve(target, command.cwd, ctx.files, by_suffix=False)
        if rel and not rel.endswith("/") and ctx.once("spec", rel):
            out += spec_commands(rel, ctx)
    return out


def _is_ci_runner(command: CiCommand) -> bool:
    """Commands whose YAML argument is deployment data, not a job (kubectl, helm, compose)."""
    runners = (["kubectl"], ["helm"], ["docker-compose"], ["docker"], ["oc"])
    return any(core(t)[:1] in runners for t in _words(command))


def spec_commands(rel: str, ctx: Context) -> list[CiCommand]:
    try:
        doc = ci_yaml.load(ctx.read(rel) or "")
    except ci_yaml.YamlError:
        return []
    out: list[CiCommand] = []
    base = posixpath.dirname(rel)

    def visit(node: object, cwd: str, depth: int) -> None:
        if depth > 8 or len(out) > 500:
            return
        if isinstance(node, dict):
            code = node.get("code") or node.get("working_dir")
            here = posixpath.normpath(posixpath.join(base, str(code))) if code else cwd
            here = "" if here == "." else here
            for key, value in node.items():
                if key in SPEC_KEYS and isinstance(value, str):
                    out.extend(script_commands(value, rel, ci_yaml.line_of(value), here))
                elif (
                    key in SPEC_KEYS
                    and isinstance(value, list)
                    and all(isinstance(v, str) for v in value)
                ):
                    out.append(CiCommand(" ".join(map(str, value)), rel, _first_line(value), here))
                elif isinstance(value, (dict, list)):
                    visit(value, here, depth + 1)
        elif isinstance(node, list):
            for item in node:
                visit(item, cwd, depth + 1)

    visit(doc, "", 0)
    return out


def _first_line(values: list) -> int | None:
    return ci_yaml.line_of(values[0]) if values else None


EXPANDERS: tuple[Expander, ...] = (
    _make,
    _scripts,
    _local_action,
    _tox,
    _nox,
    _mise,
    _package_scripts,
    _pre_commit,
    _job_specs,
)
