"""Walking a repository read-only and safely.

Never follows a symlink out of the root, never follows directory symlinks (so no loops), opens
only regular files (no FIFOs or devices, ``O_NOFOLLOW``), reads at most a size limit, and
survives unreadable files and directories by recording why they were skipped.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field

# Directories whose content is tooling, caches or vendored code, not the project's evidence.
# They are listed (so a glob such as ".git/" can match them) but not descended into.
OPAQUE_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".ipynb_checkpoints",
        "site-packages",
        ".eggs",
        ".idea",
    }
)
OPAQUE_PATHS = frozenset({".dvc/cache", ".dvc/tmp"})
MAX_DEPTH = 64
MAX_ENTRIES = 2_000_000
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


@dataclass
class Tree:
    """What the walk found: files (relative path -> path to read), directories, skips."""

    root: str
    files: dict[str, str] = field(default_factory=dict)
    dirs: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def skip(self, rel: str, reason: str) -> None:
        self.skipped.append((rel, reason))


def _printable(name: str) -> str:
    """A file name as valid UTF-8 text (undecodable bytes become U+FFFD) for reports."""
    if name.isascii():
        return name
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return name


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def walk(root: str, tick: Callable[[int], None] | None = None) -> Tree:
    """List the files and directories under ``root`` (which must be a directory)."""
    root_real = os.path.realpath(root)
    tree = Tree(root=root_real)
    stack: list[tuple[str, str, int]] = [(root_real, "", 0)]
    seen = 0
    while stack:
        directory, prefix, depth = stack.pop()
        try:
            with os.scandir(directory) as it:
                entries = list(it)
        except OSError as exc:
            tree.skip(prefix.rstrip("/") or ".", f"unreadable directory ({exc.strerror})")
            continue
        if prefix and any(e.name == "pyvenv.cfg" for e in entries):
            tree.skip(prefix.rstrip("/"), "virtual environment not scanned")
            continue
        for entry in entries:
            seen += 1
            if seen > MAX_ENTRIES:
                tree.skip(prefix + entry.name, f"entry limit of {MAX_ENTRIES} reached")
                return tree
            rel = prefix + _printable(entry.name)
            try:
                if entry.is_file(follow_symlinks=False):  # the common case first: one check
                    tree.files[rel] = entry.path
                elif entry.is_symlink():
                    _symlink(entry.path, rel, root_real, tree)
                elif entry.is_dir(follow_symlinks=False):
                    tree.dirs.append(rel)
                    if entry.name in OPAQUE_DIRS or rel in OPAQUE_PATHS:
                        continue
                    if depth + 1 >= MAX_DEPTH:
                        tree.skip(rel, f"deeper than {MAX_DEPTH} levels")
                        continue
                    stack.append((entry.path, rel + "/", depth + 1))
                else:
                    tree.skip(rel, "not a regular file (FIFO, socket or device)")
            except OSError as exc:
                tree.skip(rel, f"cannot inspect ({exc.strerror})")
        if tick is not None:
            tick(seen)
    return tree


def _symlink(path: str, rel: str, root_real: str, tree: Tree) -> None:
    """Files symlinked within the root count (read through their target); nothing else."""
    target = os.path.realpath(path)  # non-strict: a loop resolves to some path, never raises
    if not _inside(target, root_real):
        tree.skip(rel, "symlink out of the repository not followed")
        return
    try:
        mode = os.stat(target).st_mode
    except OSError:
        tree.skip(rel, "broken or looping symlink")
        return
    if stat.S_ISREG(mode):
        tree.files[rel] = target
    elif stat.S_ISDIR(mode):
        tree.skip(rel, "directory symlink not followed")
    else:
        tree.skip(rel, "symlink to a non-regular file")


class NotReadError(Exception):
    """A file's content was not read; the message says why."""


def read_bytes(path: str, limit: int) -> bytes:
    """The bytes of a file of at most ``limit`` bytes, opened without following symlinks."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise NotReadError(f"unreadable ({exc.strerror})") from exc
    try:
        # No fstat: the walk only lists regular files, and O_NONBLOCK makes a FIFO swapped in
        # since then harmless (it reads as empty). A file over the limit is read only up to it.
        wanted = min(1 << 16, limit + 1)
        first = os.read(fd, wanted)
        if len(first) < wanted:  # a short read of a regular file is its end: most files
            return first
        chunks = [first]
        size = len(first)
        while size <= limit:
            wanted = min(1 << 16, limit + 1 - size)
            chunk = os.read(fd, wanted)
            chunks.append(chunk)
            size += len(chunk)
            if len(chunk) < wanted:  # a short read of a regular file is its end
                break
        if size > limit:
            raise NotReadError(f"larger than the {limit // 1024} KiB content limit")
        return b"".join(chunks)
    except OSError as exc:
        raise NotReadError(f"unreadable ({exc.strerror})") from exc
    finally:
        os.close(fd)


def read_text(path: str, limit: int) -> str:
    """The UTF-8 text of a file; binary files (a NUL byte in the first 8 KiB) are skipped."""
    data = read_bytes(path, limit)
    if b"\x00" in data[:8192]:
        raise NotReadError("binary file")
    return data.decode("utf-8", errors="replace")
