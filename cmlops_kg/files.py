"""Writing output files and folders all-or-nothing, with errors users can act on.

Files are written to a temporary name and renamed into place; their mode is what the umask
allows (``0o666 & ~umask``, as ``open()`` would give), not the 0600 of a temporary file.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Mapping
from pathlib import Path

from cmlops_kg._version import __version__
from cmlops_kg.errors import InputError
from cmlops_kg.resources import ROOT

_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process umask. POSIX can only read it by setting it, so it is set back at once,
    under a lock so that two threads never see the temporary value."""
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def file_mode() -> int:
    return 0o666 & ~current_umask()


def atomic_write(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename: a failure (disk full,
    interruption) never leaves a half-written file, and an existing file stays intact."""
    target = Path(path)
    if target.is_dir():
        raise InputError(
            "the output path is a directory",
            where=str(target),
            fix="give a file name, e.g. report.html",
        )
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(
            "the output folder does not exist",
            where=str(directory),
            fix=f"create it first (mkdir -p {directory})",
        )
    try:
        import tempfile  # imported here: it loads random, and most commands write no file

        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    except OSError as exc:
        raise InputError(
            f"cannot write here ({exc.strerror})",
            where=str(directory),
            fix="choose a folder you can write to",
        ) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, file_mode())  # mkstemp creates 0600; the output is for the user's umask
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(
            f"cannot write the file ({exc.strerror})",
            where=str(target),
            fix="check free space and permissions",
        ) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- whole folders (docs, release) -------------------------------------------------------


def _marker_kind(directory: Path, marker: str) -> str | None:
    path = directory / marker
    if not path.is_file():
        return None
    try:
        return str(json.loads(path.read_text(encoding="utf-8")).get("kind"))
    except (ValueError, AttributeError, OSError):
        return None


def _refuse_dangerous(target: Path) -> None:
    resolved = target.resolve()
    protected = {Path.cwd().resolve(), ROOT.resolve(), Path.home().resolve()}
    if resolved == Path(resolved.anchor) or any(
        resolved == p or resolved in p.parents for p in protected
    ):
        raise InputError(
            f"refusing to replace {target}: it is (or contains) the working directory, the "
            "project or the home directory",
            fix="write into a dedicated sub-directory, e.g. -o site/",
        )


def check_target(target: Path, marker: str, kind: str, force: bool) -> None:
    """Refuse targets that are files, or non-empty directories of something else."""
    if target.exists() and not target.is_dir():
        raise InputError(f"{target} exists and is not a directory", fix="choose another -o path")
    if target.is_dir() and any(target.iterdir()):
        _refuse_dangerous(target)
        if _marker_kind(target, marker) != kind and not force:
            raise InputError(
                f"{target} is not empty and does not look like earlier cmlops-kg {kind} output "
                f"(no {marker} file)",
                fix="choose an empty or new directory, or pass --force to replace it",
            )


def write_tree(
    target: Path, files: Mapping[str, str | bytes], marker: str, kind: str, force: bool
) -> Path:
    """Write ``files`` into ``target`` atomically (temp dir next to it, then rename)."""
    target = Path(target)
    check_target(target, marker, kind, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        for name, content in files.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        marker_text = json.dumps({"kind": kind, "generator": f"cmlops-kg {__version__}"})
        (tmp / marker).write_text(marker_text + "\n", encoding="utf-8")
        os.chmod(tmp, 0o777 & ~current_umask())  # mkdtemp creates 0700
        _swap_into_place(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _swap_into_place(tmp: Path, target: Path) -> None:
    if not target.exists():
        tmp.rename(target)
        return
    import uuid  # imported here: it loads platform (most commands write no folder)

    old = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.old")
    target.rename(old)
    try:
        tmp.rename(target)
    except BaseException:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)
