"""Running a repository's own commands in this process, bounded and isolated.

Each generated repository has modules of the same names (``features``, ``train``...); a run
puts the repository first on ``sys.path``, and afterwards forgets every module it loaded from
there and restores ``sys.path``, the working directory, ``sys.argv`` and the environment, so
the next repository imports its own code. In-process, because a fresh interpreter per command
would import scikit-learn again each time (seconds each on a 2-core machine).
"""

from __future__ import annotations

import contextlib
import io
import os
import runpy
import shlex
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_MODULES = (
    "data",
    "features",
    "train",
    "serve",
    "evaluate",
    "tracking",
    "validate_data",
    "monitor",
    "registry",
    "release",
    "collect",
    "freshness",
)


@dataclass(frozen=True)
class Outcome:
    command: str
    code: int
    output: str


def _forget(root: Path, loaded: set[str]) -> None:
    """Drop the repository's modules: those named like them, and those loaded from ``root``
    among ``loaded`` (what the run imported; scanning all of sys.modules each time is slow)."""
    for name in REPO_MODULES:
        sys.modules.pop(name, None)
    for name in loaded:
        where = getattr(sys.modules.get(name), "__file__", None) or ""
        if where.startswith(str(root)):
            del sys.modules[name]


@contextlib.contextmanager
def isolated(root: Path, env: Mapping[str, str], argv: list[str] | None = None) -> Iterator[None]:
    saved_path, saved_argv, saved_cwd = list(sys.path), list(sys.argv), os.getcwd()
    saved_env = {k: os.environ.get(k) for k in env}
    _forget(root, set())
    before = set(sys.modules)
    os.environ.update(env)
    os.chdir(root)
    if argv is not None:
        sys.argv = argv
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        sys.path[:], sys.argv = saved_path, saved_argv
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        _forget(root, set(sys.modules) - before)


def expand(command: str, env: Mapping[str, str]) -> list[str]:
    text = command
    for name, value in env.items():
        text = text.replace("${" + name + "}", value).replace("${{ env." + name + " }}", value)
    return shlex.split(text)


def run_script(root: Path, words: list[str], env: Mapping[str, str]) -> Outcome:
    """``python path/to/script.py args``: the script as ``__main__``; its exit code."""
    script = root / words[1]
    out = io.StringIO()
    code = 0
    with isolated(root, env, [str(script), *words[2:]]):
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                runpy.run_path(str(script), run_name="__main__")
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except Exception as exc:  # the repository's code failed: a failed step, as in CI
            out.write(f"{type(exc).__name__}: {exc}\n")
            code = 1
    return Outcome(" ".join(words), code, out.getvalue())


# The unraisable-exception and thread-exception plugins collect garbage several times when a
# session ends, about a second each in a process holding scikit-learn and MLflow; they only
# turn such exceptions into warnings, which these runs do not report.
PYTEST_OPTIONS = (
    "-q",
    "-p",
    "no:cacheprovider",
    "-p",
    "no:unraisableexception",
    "-p",
    "no:threadexception",
    "--import-mode=importlib",
)


def run_pytest(root: Path, words: list[str], env: Mapping[str, str]) -> Outcome:
    """``python -m pytest ...`` in this process (importlib mode: test modules of several
    repositories never collide)."""
    import pytest

    out = io.StringIO()
    args = [w for w in words[3:] if w not in ("-p", "no:cacheprovider")]
    with isolated(root, env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = pytest.main([*PYTEST_OPTIONS, *args], plugins=[])
    return Outcome(" ".join(words), int(code), out.getvalue())


def load_service(deployment: Path, env: Mapping[str, str]) -> object:
    """The prediction service of a deployment (its own ``src/serve.py``); raises if broken."""
    with isolated(deployment, env):
        namespace = runpy.run_path(str(deployment / "src" / "serve.py"))
        return namespace["load"](str(deployment))


def run_program(root: Path, words: list[str], env: Mapping[str, str]) -> bool:
    """A program a recipe names (mkdir, tar, echo...), in the repository; True when it exits
    0. Bounded: a recipe that hangs fails the step."""
    try:
        done = subprocess.run(
            words, cwd=root, env={**os.environ, **env}, capture_output=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def program_output(root: Path, words: list[str], env: Mapping[str, str]) -> str:
    """What ``$(shell ...)`` gives: the program's standard output ('' if it fails)."""
    try:
        done = subprocess.run(
            words, cwd=root, env={**os.environ, **env}, capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout if done.returncode == 0 else ""
