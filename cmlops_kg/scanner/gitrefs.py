"""Branches, tags and other refs of a repository, read from its git directory without running
git: loose refs (files under refs/) and packed-refs (git's Documentation/gitrepository-layout
and git-pack-refs). A worktree's git directory names the shared one in ``commondir``. Nothing
is followed out of the git directories, and reading is bounded.
"""

from __future__ import annotations

import os

from cmlops_kg.scanner.walk import NotReadError, read_bytes

MAX_PACKED_REFS = 32 * 1024 * 1024
MAX_REFS = 100_000
MAX_DEPTH = 16
NAMESPACES = ("refs/tags/", "refs/heads/", "refs/remotes/", "refs/exps/", "refs/notes/")


def common_dir(git_dir: str) -> str:
    try:
        text = read_bytes(os.path.join(git_dir, "commondir"), 4096).decode(errors="replace")
    except NotReadError:
        return git_dir
    target = os.path.realpath(os.path.join(git_dir, text.strip()))
    return target if os.path.isdir(target) else git_dir


def packed_refs(directory: str) -> list[str]:
    try:
        data = read_bytes(os.path.join(directory, "packed-refs"), MAX_PACKED_REFS)
    except NotReadError:
        return []
    names = []
    for line in data.decode("utf-8", errors="replace").splitlines():
        if not line or line[0] in "#^":
            continue  # header, or the peeled object of the tag above
        parts = line.split(" ", 1)
        if len(parts) == 2 and len(parts[0]) in (40, 64):
            names.append(parts[1].strip())
    return names


def loose_refs(directory: str) -> list[str]:
    names: list[str] = []
    stack = [(os.path.join(directory, "refs"), "refs", 0)]
    while stack and len(names) < MAX_REFS:
        path, rel, depth = stack.pop()
        try:
            with os.scandir(path) as entries:
                listed = list(entries)
        except OSError:
            continue
        for entry in listed:
            name = f"{rel}/{entry.name}"
            if entry.is_dir(follow_symlinks=False) and depth < MAX_DEPTH:
                stack.append((entry.path, name, depth + 1))
            elif entry.is_file(follow_symlinks=False):
                names.append(name)
    return names


def read_refs(git_dir: str | None) -> list[str]:
    """Ref names (``refs/tags/v1.0.0``, ``refs/heads/main`` ...), each once, sorted."""
    if git_dir is None:
        return []
    shared = common_dir(git_dir)
    found = set(packed_refs(shared)) | set(loose_refs(shared))
    if shared != git_dir:
        found |= set(loose_refs(git_dir))
    names = sorted(n for n in found if n.startswith(NAMESPACES) and "\x00" not in n)
    return names[:MAX_REFS]
