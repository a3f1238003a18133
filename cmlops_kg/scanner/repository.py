"""Where a scan starts: the repository a path belongs to, the folder to scan in it, and what to
warn about.

The repository root is the nearest directory, from the given path upwards, that holds a
``.git`` directory or a ``.git`` file (a worktree or submodule). Scanning a folder inside a
repository scans that folder (the scope) with the repository's CI that targets it, so a
monorepo's project keeps its root CI. A path in no repository is scanned as it is, with a
warning: its version control status is unknown rather than "not implemented".
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from cmlops_kg.errors import InputError
from cmlops_kg.scanner.walk import NotReadError, read_bytes

MAX_GIT_FILE = 4096


@dataclass
class Location:
    root: str  # the repository root (or the path itself when it is in no repository)
    scope: str  # the folder scanned, relative to root ('' for all of it)
    git_dir: str | None  # the repository's git directory (a worktree's may be elsewhere)
    warnings: list[str] = field(default_factory=list)

    @property
    def is_repository(self) -> bool:
        return self.git_dir is not None


def git_dir_of(directory: str) -> str | None:
    """The git directory of a repository root: its .git directory, or where its .git file
    points (``gitdir: ...``); None when there is neither."""
    dot_git = os.path.join(directory, ".git")
    if os.path.islink(dot_git):
        return None
    if os.path.isdir(dot_git):
        return dot_git
    if not os.path.isfile(dot_git):
        return None
    try:
        text = read_bytes(dot_git, MAX_GIT_FILE).decode("utf-8", errors="replace")
    except NotReadError:
        return None
    if not text.startswith("gitdir:"):
        return None
    target = os.path.join(directory, text[len("gitdir:") :].strip())
    return os.path.realpath(target) if os.path.isdir(target) else None


def _repository_root(path: str) -> tuple[str, str | None]:
    current = path
    while True:
        if os.path.lexists(os.path.join(current, ".git")):
            return current, git_dir_of(current)
        parent = os.path.dirname(current)
        if parent == current:
            return path, None
        current = parent


def _scope(root: str, path: str, scope: str | None) -> str:
    base = os.path.relpath(path, root)
    base = "" if base == "." else base
    if not scope:
        return base.replace(os.sep, "/")
    target = os.path.realpath(os.path.join(path, scope))
    if not (target == root or target.startswith(root.rstrip(os.sep) + os.sep)):
        raise InputError(
            f"--scope {scope!r} is outside the repository",
            where=root,
            fix="give a folder inside the repository, relative to the scanned path",
        )
    if not os.path.isdir(target):
        raise InputError(
            f"--scope {scope!r} is not a folder", where=path, fix="give an existing folder"
        )
    rel = os.path.relpath(target, root)
    return "" if rel == "." else rel.replace(os.sep, "/")


def locate(path: str, scope: str | None = None) -> Location:
    """The repository of ``path`` (a directory) and the folder to scan in it."""
    real = os.path.realpath(path)
    root, git_dir = _repository_root(real)
    location = Location(root, _scope(root, real, scope), git_dir)
    if os.path.lexists(os.path.join(root, ".git")) and git_dir is None:
        location.warnings.append(
            f"{root}/.git is not a readable git directory (a symlink or a broken .git file): "
            "version control, tags and branches are unknown"
        )
    elif git_dir is None:
        location.warnings.append(
            f"{real} is not in a Git repository (no .git in it or any folder above it): version "
            "control is unknown, not 'not implemented'; scan a repository's root or a folder "
            "inside one"
        )
    return location


def nested_repositories(dirs: list[str]) -> list[str]:
    """Folders of a walked tree that are repositories of their own (they hold a .git)."""
    return sorted(d[: -len("/.git")] for d in dirs if d.endswith("/.git"))
