"""Scanning hostile trees safely: read-only, inside the root, bounded, no secrets copied out."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from scan_repos import CASES, HOSTILE_SECRET_LINE, UNREADABLE, git_index, write
from test_scanner import failing_open

from cmlops_kg.cli import main
from cmlops_kg.scanner import load_catalogue, scan_repository
from cmlops_kg.scanner.gitindex import parse_index, tracked_paths
from cmlops_kg.scanner.walk import NotReadError, read_text, walk

HOSTILE = next(c for c in CASES if c.name == "hostile")
FULL = next(c for c in CASES if c.name == "full-mlops")


@pytest.fixture(scope="module")
def catalogue(ontology_store):
    return load_catalogue(ontology_store)


def build(case, tmp_path: Path) -> Path:
    root = tmp_path / case.name
    root.mkdir()
    case.build(root)
    return root


def test_hostile_tree_is_survived_and_explained(tmp_path, catalogue, monkeypatch):
    root = build(HOSTILE, tmp_path)
    opened: list[str] = []
    real_open = failing_open(os.open, UNREADABLE)

    def recording(path, flags, *args, **kwargs):
        opened.append(os.path.realpath(os.fspath(path)))
        return real_open(path, flags, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(os, "open", recording)
        result = scan_repository(root, catalogue)
    real_root = os.path.realpath(root)
    assert opened and all(p.startswith(real_root + os.sep) for p in opened), "never read outside"
    reasons = dict(result.all_skipped)
    assert reasons["etc"] == "symlink out of the repository not followed"
    assert reasons["Dockerfile"] == "symlink out of the repository not followed"
    assert reasons["loop"] == "directory symlink not followed"
    assert reasons["a"] == reasons["b"] == "broken or looping symlink"
    assert reasons["dvc.yaml"].startswith("not a regular file")
    assert reasons["huge/model_server.py"] == "larger than the 1024 KiB content limit"
    assert reasons[UNREADABLE].startswith("unreadable")
    # a file name that is not UTF-8 is listed (with U+FFFD) rather than crashing the scan
    assert "weird-\ufffd-name.yaml" in walk(str(root)).files


def test_no_secret_leaves_the_repository(tmp_path, capsys):
    root = build(HOSTILE, tmp_path)
    out = tmp_path / "profile.ttl"
    assert main(["scan", str(root), "--out", str(out), "--format", "json", "--explain"]) == 0
    printed = capsys.readouterr().out
    profile = out.read_text(encoding="utf-8")
    for text in (printed, profile):
        assert "hunter2" not in text and "abcd1234efgh5678" not in text
    practices = json.loads(printed)["practices"]
    quotes = [f["quote"] for p in practices for f in p["findings"]]
    assert 'mlflow.set_tracking_uri("https://***@mlflow.internal")' in quotes  # redacted
    secrets = [p for p in practices if p["practice"].endswith("#secrets-management")]
    assert secrets[0]["status"] == "not-implemented" and "***" in secrets[0]["quote"]
    assert HOSTILE_SECRET_LINE.strip() not in profile


def test_quotes_stay_short(tmp_path, catalogue):
    root = tmp_path / "long"
    root.mkdir()
    filler = "x = 1; " * 800
    (root / "train.py").write_text(f"import mlflow\n{filler} mlflow.log_metric('a', 1); {filler}\n")
    (verdict,) = [
        v for v in scan_repository(root, catalogue).verdicts if v.key == "experiment-tracking"
    ]
    assert "mlflow.log_metric" in verdict.quote and len(verdict.quote) <= 120


def snapshot(root: Path) -> dict[str, tuple]:
    state = {}
    for directory, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(directory, name)
            info = os.lstat(path)
            digest = ""
            if os.path.isfile(path) and not os.path.islink(path):
                digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
            state[path] = (info.st_mode, info.st_size, info.st_mtime_ns, digest)
    return state


def test_scan_is_read_only(tmp_path, capsys):
    root = build(FULL, tmp_path)
    before = snapshot(root)
    assert main(["scan", str(root), "--explain"]) == 0
    capsys.readouterr()
    assert snapshot(root) == before


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root reads chmod 000 files; see the monkeypatched tests"
)
def test_chmod_000_file_is_skipped(tmp_path, catalogue):
    root = build(HOSTILE, tmp_path)
    result = scan_repository(root, catalogue)
    assert dict(result.all_skipped)[UNREADABLE].startswith("unreadable")
    assert "drift-monitoring" not in {v.key for v in result.verdicts}


def test_unreadable_directory_is_skipped(tmp_path, monkeypatch):
    (tmp_path / "ok").mkdir()
    (tmp_path / "locked").mkdir()
    (tmp_path / "ok" / "a.py").write_text("")
    real_scandir = os.scandir

    def scandir(path):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    tree = walk(str(tmp_path))
    assert "ok/a.py" in tree.files
    assert ("locked", "unreadable directory (Permission denied)") in tree.skipped


def test_symlinks_inside_the_root(tmp_path):
    write(tmp_path, {"real/Dockerfile": "FROM python\n"})
    os.symlink("real/Dockerfile", tmp_path / "Dockerfile")
    os.symlink("real", tmp_path / "alias")
    tree = walk(str(tmp_path))
    assert tree.files["Dockerfile"] == str((tmp_path / "real" / "Dockerfile").resolve())
    assert ("alias", "directory symlink not followed") in tree.skipped
    assert not any(rel.startswith("alias/") for rel in tree.files)


def test_content_limits_and_binary_files(tmp_path):
    limit = 1024
    (tmp_path / "at.txt").write_text("a" * limit)
    (tmp_path / "over.txt").write_text("a" * (limit + 1))
    (tmp_path / "bin.dat").write_bytes(b"abc\x00def")
    assert read_text(str(tmp_path / "at.txt"), limit) == "a" * limit
    with pytest.raises(NotReadError, match="larger than"):
        read_text(str(tmp_path / "over.txt"), limit)
    with pytest.raises(NotReadError, match="binary"):
        read_text(str(tmp_path / "bin.dat"), limit)


def test_venvs_and_tool_directories_are_not_descended(tmp_path):
    write(
        tmp_path,
        {
            "env1/pyvenv.cfg": "home = /usr\n",
            "env1/lib/site/test_x.py": "def test_x(): pass\n",
            "node_modules/pkg/Dockerfile": "FROM node\n",
            ".git/HEAD": "ref: x\n",
            "src/a.py": "",
        },
    )
    tree = walk(str(tmp_path))
    assert set(tree.files) == {"src/a.py"}
    assert {".git", "node_modules", "env1"} <= set(tree.dirs)


# -- the Git index --------------------------------------------------------------------------
def test_git_index_writer_and_parser_agree(tmp_path):
    paths = ["a.py", "models/model.pkl", "dir/" + "x" * 200 + ".txt"]
    git_index(tmp_path, paths)
    assert tracked_paths(str(tmp_path / ".git")) == set(paths)
    assert tracked_paths(str(tmp_path / "nowhere")) is None
    (tmp_path / ".git" / "index").write_bytes(b"garbage")
    assert tracked_paths(str(tmp_path / ".git")) is None


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("version", [2, 3, 4])
def test_git_index_matches_git_ls_files(tmp_path, version):
    write(tmp_path, {"a.py": "", "src/deep/b.py": "", "src/deep/c.py": "", "models/m.pkl": "x"})
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=tmp_path, env=env, check=True, capture_output=True, text=True
        ).stdout

    git("init", "-q")
    git("add", "-A")
    if version == 3:  # an intent-to-add entry has extended flags, which needs version 3
        write(tmp_path, {"later.py": ""})
        git("add", "--intent-to-add", "later.py")
    git("update-index", "--index-version", str(version))
    expected = set(git("ls-files").split())
    data = (tmp_path / ".git" / "index").read_bytes()
    assert int.from_bytes(data[4:8], "big") == version
    assert parse_index(data) == expected


def test_progress_goes_to_stderr_only(tmp_path, capsys):
    write(tmp_path, {"README.md": "# x\n"})
    assert main(["scan", str(tmp_path), "--progress", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert "scan: [" in err and "files" in err
    assert json.loads(out)["files_scanned"] == 1
