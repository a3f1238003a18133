"""Shell semantics the scanner needs, read from text (nothing is run): which lines of a script are
commands, which of them can fail the job, and which repository files a command executes.

A script without ``set -e`` fails only when its last command fails, so a test run in the middle
of it cannot fail the job; ``|| true``, ``--exit-zero`` and the like never fail it. A file is
executed when an interpreter or a tool that acts on it is given it (``python train.py``,
``bash deploy.sh``, ``kubectl apply -f k8s/``, ``pytest tests/``, ``docker build .``), not
when a command merely names it (``git checkout $REF -- dvc.lock``, ``cat metrics.json``).
"""

from __future__ import annotations

import functools
import re
import shlex

from cmlops_kg.scanner.ci.model import CiCommand

_ERREXIT = re.compile(r"^\s*set\s+(-[a-z]*e[a-z]*\b|-o\s+errexit\b)")
_NO_ERREXIT = re.compile(r"^\s*set\s+\+[a-z]*e")
_SOFT_FAIL = re.compile(
    r"\|\|\s*(true|:|echo\b|exit\s+0\b)|(^|\s)--?exit-zero\b|(^|\s)--exit-code\s*=?\s*0\b"
)
_HEREDOC = re.compile(r"<<-?\s*['\"]?(\w+)['\"]?")
_SHEBANG_E = re.compile(r"^#!.*\s-[a-z]*e")
_ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")
WRAPPERS = {"sudo", "time", "exec", "nohup", "env", "xargs", "command"}
RUNNERS = {  # "poetry run X" runs X
    "poetry": "run",
    "uv": "run",
    "pipenv": "run",
    "hatch": "run",
    "pdm": "run",
    "conda": "run",
    "mamba": "run",
    "micromamba": "run",
    "rye": "run",
    "pixi": "run",
}
INTERPRETERS = re.compile(r"^(python[0-9.]*|py|bash|sh|zsh|dash|ksh|source|\.|Rscript|node|deno)$")


def soft_fail(text: str) -> bool:
    return bool(_SOFT_FAIL.search(text))


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(line offset, text) of each command line: continuations joined, heredoc bodies and
    comments left out."""
    out: list[tuple[int, str]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        start, line = i, lines[i]
        while line.rstrip().endswith("\\") and i + 1 < len(lines):
            i += 1
            line = line.rstrip()[:-1] + " " + lines[i].strip()
        i += 1
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        out.append((start, stripped))
        heredoc = _HEREDOC.search(stripped)
        if heredoc:  # the body is data, not commands
            end = heredoc.group(1)
            while i < len(lines) and lines[i].strip() != end:
                i += 1
            i += 1
    return out


def script_commands(
    text: str,
    file: str,
    first_line: int | None,
    cwd: str = "",
    blocking: bool = True,
    errexit: bool = False,
) -> list[CiCommand]:
    """The commands of a script, each knowing whether its failure can fail the job."""
    lines = logical_lines(text)
    if lines and _SHEBANG_E.match(text):
        errexit = True
    out: list[CiCommand] = []
    for n, (offset, line) in enumerate(lines):
        if _ERREXIT.match(line):
            errexit = True
        elif _NO_ERREXIT.match(line):
            errexit = False
        last = n == len(lines) - 1
        fails = blocking and (errexit or last) and not soft_fail(line)
        line_no = first_line + offset if first_line else None
        out.append(CiCommand(line, file, line_no, cwd, fails))
    return out


# -- what a command executes ------------------------------------------------------------------
def words(text: str) -> list[str]:
    try:
        return shlex.split(text, comments=True)
    except ValueError:
        return text.split()


def simple_commands(text: str) -> list[list[str]]:
    """The simple commands of a line (split at ;, &&, ||, |), without wrappers and runners."""
    return [list(c) for c in _simple_commands(text)]


def split_cache_clear() -> None:
    """Forget the command lines split so far (a benchmark's new process knows none)."""
    _simple_commands.cache_clear()


@functools.lru_cache(maxsize=4096)
def _simple_commands(text: str) -> tuple[tuple[str, ...], ...]:
    # every follower of a CI command (make, tox, nox, pre-commit, scripts ...) asks for its
    # simple commands: shlex splits each line once, not once per follower
    out: list[list[str]] = []
    for part in re.split(r"\s*(?:;|&&|\|\||\|)\s*", text):
        tokens = [t for t in words(part) if t]
        out.append(core(tokens))
    return tuple(tuple(c) for c in out if c)


def core(tokens: list[str]) -> list[str]:
    """A command without environment assignments, wrappers (sudo, time) and runners (uv run)."""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if _ASSIGNMENT.match(token) or token in WRAPPERS:
            i += 1
        elif RUNNERS.get(token) and i + 1 < len(tokens) and tokens[i + 1] == RUNNERS[token]:
            i += 2
            while i < len(tokens) and tokens[i].startswith("-"):  # conda run -n env
                i += 2 if tokens[i] in ("-n", "--name", "-p", "--prefix", "--env") else 1
        else:
            break
    return tokens[i:]


_SPEC_OPTIONS = {
    "-f",
    "--file",
    "--filename",
    "--config",
    "--config-file",
    "--service-config-file",
    "--template-file",
    "--template",
    "-c",
    "--compute-config",
    "--spec",
}
# tools that act on the files or directories they are given (first words -> how)
_ACTS_ON = (
    (("kubectl", "apply"), "options"),
    (("kubectl", "create"), "options"),
    (("kubectl", "replace"), "options"),
    (("oc", "apply"), "options"),
    (("helm", "upgrade"), "chart"),
    (("helm", "install"), "chart"),
    (("helm", "template"), "chart"),
    (("docker", "build"), "build"),
    (("docker", "buildx", "build"), "build"),
    (("docker", "compose"), "options"),
    (("docker-compose",), "options"),
    (("pytest",), "arguments"),
    (("python", "-m", "pytest"), "arguments"),
    (("dvc", "repro"), "dvc"),
    (("dvc", "exp", "run"), "dvc"),
    (("mlflow", "run"), "arguments"),
    (("papermill",), "arguments"),
    (("jupyter", "nbconvert"), "arguments"),
    (("pip", "install"), "requirements"),
    (("pip3", "install"), "requirements"),
    (("uv", "pip", "install"), "requirements"),
    (("uv", "pip", "sync"), "arguments"),
    (("pip-sync",), "arguments"),
    (("az",), "options"),
    (("anyscale",), "specs"),
    (("gcloud",), "options"),
    (("sam",), "options"),
    (("databricks", "bundle"), "options"),
    (("terraform",), "chdir"),
    (("ansible-playbook",), "arguments"),
    (("great_expectations",), "arguments"),
    (("locust",), "options"),
    (("k6", "run"), "arguments"),
)


def _acts_on(tokens: list[str]) -> str | None:
    for prefix, how in _ACTS_ON:
        if tuple(t.split("/")[-1] for t in tokens[: len(prefix)]) == prefix:
            return how
    return None


def _option_values(tokens: list[str]) -> list[str]:
    out = []
    for i, token in enumerate(tokens):
        name, _, value = token.partition("=")
        if name in _SPEC_OPTIONS:
            out.append(value if value else (tokens[i + 1] if i + 1 < len(tokens) else ""))
    return [v for v in out if v]


def executed_targets(text: str) -> list[str]:
    """Paths (files or directories, as written) that a command line executes or acts on."""
    found: list[str] = []
    for tokens in simple_commands(text):
        found += targets_of(tokens)
    return found


def targets_of(tokens: list[str]) -> list[str]:
    """What one simple command (without wrappers) executes or acts on."""
    head = tokens[0]
    name = head.split("/")[-1]
    if INTERPRETERS.match(name):
        return _interpreted(tokens)
    if "/" in head or head.endswith((".sh", ".py", ".bash")):
        return [head]  # a script run by its path
    how = _acts_on(tokens)
    args = [t for t in tokens[1:] if not t.startswith("-")]
    if how == "options":
        return _option_values(tokens)
    if how in ("arguments", "specs"):
        return [t for t in args if "." in t or "/" in t] + _option_values(tokens)
    if how == "chart":
        return args[2:3] or args[-1:]
    if how == "build":
        return _option_values(tokens) + [a for a in args if a not in ("build", "buildx")][-1:]
    if how == "dvc":
        return [a for a in args if a.endswith("dvc.yaml")] or ["dvc.yaml"]
    if how == "requirements":
        return [tokens[i + 1] for i, t in enumerate(tokens[:-1]) if t in ("-r", "--requirement")]
    if how == "chdir":
        return [t.split("=", 1)[1] for t in tokens if t.startswith("-chdir=")]
    return []


def _interpreted(tokens: list[str]) -> list[str]:
    i = 1
    while i < len(tokens) and tokens[i].startswith("-"):
        if tokens[i] == "-m" and i + 1 < len(tokens):
            rest = tokens[i + 1 :]
            if rest[0] == "pytest":
                return [t for t in rest[1:] if not t.startswith("-")]
            return ["-m:" + rest[0]]
        if tokens[i] == "-c":
            return []
        i += 1
    return tokens[i : i + 1]
