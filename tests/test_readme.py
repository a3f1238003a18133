"""The README's examples exist and run: the Python API block prints what the case study's
expected results say, and every command of the CLI block runs, in order, from a directory laid
out like a checkout, with the exit code its comment gives (``# exit N``, else 0)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from scan_repos import CASES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.DOTALL)


def cli_block() -> str:
    section = README[README.index("## Using the CLI") :]
    return re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)


def commands() -> list[tuple[str, int]]:
    found = []
    for line in cli_block().splitlines():
        command, _, comment = line.partition("  #")
        if command.strip():
            match = re.match(r"\s*exit (\d+)", comment)
            found.append((command.strip(), int(match.group(1)) if match else 0))
    return found


def test_the_python_block_is_three_lines_and_prints_the_expected_level():
    (code,) = [b for b in blocks("python") if "cmlops_kg" in b][:1]
    assert len([line for line in code.splitlines() if line.strip()]) == 3
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    expected = json.loads((ROOT / "examples/profiles/ledgerly.expected.json").read_text())
    assert done.stdout.split() == [str(expected["overall_level"]), "True"]


def test_the_cli_block_names_only_real_files_and_options():
    for command, _ in commands():
        assert command.startswith("cmlops-kg "), command
        for path in re.findall(r"examples/\S+", command):
            assert list(ROOT.glob(path)), f"{path} does not exist"


def test_every_cli_command_runs_with_its_documented_exit_code(tmp_path):
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    next(c for c in CASES if c.name == "github-actions-tests").build(tmp_path)  # for 'scan .'
    env = {k: v for k, v in os.environ.items() if not k.startswith("CMLOPS_KG_")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    for command, expected in commands():
        if command == "cmlops-kg check" and shutil.which("java") is None:
            command += " --no-reasoner"  # HermiT needs Java (.ci/run installs it)
        done = subprocess.run(
            ["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert done.returncode == expected, f"{command}\n{done.stdout[-2000:]}{done.stderr}"
        assert "Traceback" not in done.stderr, command
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "all.ttl").is_file() and (tmp_path / "gaps.sarif").is_file()


@pytest.mark.parametrize("name", ["action.yml", ".pre-commit-hooks.yaml", "LICENSE"])
def test_files_the_readme_names_exist(name):
    assert name in README and (ROOT / name).is_file()
