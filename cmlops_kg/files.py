"""Writing output files all-or-nothing, with errors users can act on."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import InputError


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
