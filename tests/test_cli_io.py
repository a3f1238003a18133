"""What users meet at the edges of the CLI: files it writes honour the umask, a closed pipe
ends quietly, and ``python -m cmlops_kg`` is the same command."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cmlops_kg.cli import EXIT_BROKEN_PIPE, main
from cmlops_kg.files import atomic_write, current_umask

ROOT = Path(__file__).resolve().parent.parent
LEDGERLY = ROOT / "examples" / "profiles" / "ledgerly.ttl"


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_honour_the_umask(tmp_path, umask, mode):
    previous = os.umask(umask)
    try:
        atomic_write(tmp_path / "report.md", b"# report\n")
        assert current_umask() == umask  # reading it does not change it
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "report.md").stat().st_mode) == mode


def test_the_cli_writes_reports_answers_and_profiles_with_the_umask_mode(tmp_path, capsys):
    previous = os.umask(0o022)
    try:
        assert main(["report", str(LEDGERLY), "-o", str(tmp_path / "r.html")]) == 0
        assert main(["questionnaire", "--out", str(tmp_path / "a.yaml")]) == 0
        assert (
            main(["assess", str(LEDGERLY), "--format", "sarif", "-o", str(tmp_path / "g.sarif")])
            == 0
        )
    finally:
        os.umask(previous)
    for name in ("r.html", "a.yaml", "g.sarif"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644, name


@pytest.mark.parametrize("command", [["assess", str(LEDGERLY)], ["queries"], ["examples"]])
def test_a_closed_pipe_ends_quietly(command):
    """'cmlops-kg ... | head' when head has gone: no BrokenPipeError traceback, and exit 141
    (128 + SIGPIPE) like other shell tools. The read end is closed before the command writes,
    so the write fails every time (with a live reader the kernel may take part of it)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "cmlops_kg", *command],
            stdout=write_end,
            stderr=subprocess.PIPE,
        )
    finally:
        os.close(write_end)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == EXIT_BROKEN_PIPE, stderr.decode()
    assert b"Traceback" not in stderr and b"BrokenPipeError" not in stderr, stderr.decode()


def test_python_dash_m_is_the_cli():
    done = subprocess.run(
        [sys.executable, "-m", "cmlops_kg", "assess", str(LEDGERLY), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and '"overall_level": 2' in done.stdout
    help_text = subprocess.run(
        [sys.executable, "-m", "cmlops_kg", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "assess" in help_text and "examples" in help_text and "app" in help_text
