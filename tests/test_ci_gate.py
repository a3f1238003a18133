"""The CI-gate conventions run as written: the composite GitHub Action (action.yml) and the
pre-commit hook (.pre-commit-hooks.yaml) parse, and the commands they contain run with the
local CLI on a generated repository, pass at a level it reaches and fail above it."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from scan_repos import CASES

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # where the local cmlops-kg lives
ANSWERS = ROOT / "examples" / "profiles" / "ledgerly.ttl"  # questionnaire-like answers
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@pytest.fixture
def repo(tmp_path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    next(c for c in CASES if c.name == "github-actions-tests").build(root)
    return root


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CMLOPS_KG_")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def _value(expression: str, inputs: dict[str, str]) -> str:
    name = expression.removeprefix("inputs.")
    return inputs[name]


def _condition(text: str, inputs: dict[str, str]) -> bool:
    """The two kinds of ``if:`` the action uses: an input compared with '' (with always())."""
    match = re.fullmatch(r"(?:always\(\) && )?inputs\.([\w-]+) != ''", text)
    assert match, f"unsupported condition {text!r}"
    return inputs[match.group(1)] != ""


def run_action(inputs: dict[str, str], workdir: Path, tmp: Path) -> tuple[int, str, dict]:
    """Run the action's shell steps in order, as the runner would (no setup-python, no
    install: the local CLI is on PATH; the upload step is only checked)."""
    defaults = {k: str(v.get("default", "")) for k, v in ACTION["inputs"].items()}
    inputs = {**defaults, **inputs}
    env = _environment()
    github_env, github_output = tmp / "github_env", tmp / "github_output"
    env.update(RUNNER_TEMP=str(tmp), GITHUB_ENV=str(github_env), GITHUB_OUTPUT=str(github_output))
    env["GITHUB_ACTION_PATH"] = str(ROOT)
    log = []
    for step in ACTION["runs"]["steps"]:
        condition = EXPRESSION.fullmatch(str(step.get("if", "")))
        if condition and not _condition(condition.group(1), inputs):
            continue
        if "uses" in step or "pip install" in step.get("run", ""):
            continue
        step_env = {
            k: EXPRESSION.sub(lambda m: _value(m.group(1), inputs), str(v))
            for k, v in step.get("env", {}).items()
        }
        done = subprocess.run(
            [step["shell"], "-e", "-c", step["run"]],
            cwd=workdir,
            env={**env, **step_env},
            capture_output=True,
            text=True,
            check=False,
        )
        log.append(done.stdout + done.stderr)
        if done.returncode:
            return done.returncode, "\n".join(log), {}
        if github_env.exists():
            env.update(line.split("=", 1) for line in github_env.read_text().splitlines())
    outputs = dict(
        line.split("=", 1) for line in github_output.read_text().splitlines() if "=" in line
    )
    return 0, "\n".join(log), outputs


def test_the_action_declares_the_documented_inputs():
    assert ACTION["runs"]["using"] == "composite"
    assert {"path", "answers", "fail-under", "python-version", "sarif"} <= set(ACTION["inputs"])
    uses = [s["uses"].split("@")[0] for s in ACTION["runs"]["steps"] if "uses" in s]
    assert uses == ["actions/setup-python", "github/codeql-action/upload-sarif"]
    for step in ACTION["runs"]["steps"]:  # inputs reach the shell as variables, never spliced
        assert "${{" not in step.get("run", ""), step["name"]


def test_the_action_scans_merges_and_passes_at_a_reached_level(repo, tmp_path):
    sarif = tmp_path / "gaps.sarif"
    code, log, outputs = run_action(
        {"path": str(repo), "answers": str(ANSWERS), "fail-under": "2", "sarif": str(sarif)},
        repo,
        tmp_path,
    )
    assert code == 0, log
    assert outputs["level"] == "2"
    assert '"version": "2.1.0"' in sarif.read_text()


def test_the_action_fails_under_an_unreached_level(repo, tmp_path):
    code, log, _ = run_action({"path": str(repo), "fail-under": "1"}, repo, tmp_path)
    assert code == 1, log  # a scan alone stays at level 0
    assert "maturity gate failed: overall level 0 < 1" in log


def run_hook(args: list[str] | None, repo: Path) -> subprocess.CompletedProcess:
    (hook,) = HOOKS
    command = [*shlex.split(hook["entry"]), *(hook["args"] if args is None else args)]
    return subprocess.run(
        command, cwd=repo, env=_environment(), capture_output=True, text=True, check=False
    )


def test_the_hook_is_a_whole_repository_check():
    (hook,) = HOOKS
    assert hook["id"] == "cmlops-kg-maturity" and hook["language"] == "python"
    assert hook["pass_filenames"] is False and hook["always_run"] is True


def test_the_hook_passes_with_its_default_args(repo):
    done = run_hook(None, repo)
    assert done.returncode == 0, done.stderr
    assert "readiness 0" in done.stdout  # a scan alone proves nothing yet


def test_the_hook_merges_answers_and_gates_on_the_level(repo):
    passed = run_hook(["--answers", str(ANSWERS), "--fail-under", "2"], repo)
    assert passed.returncode == 0, passed.stderr
    failed = run_hook(["--answers", str(ANSWERS), "--fail-under", "3"], repo)
    assert failed.returncode == 1
    assert "maturity gate failed: overall level 2 < 3" in failed.stderr
