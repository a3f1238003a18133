"""Which files Git tracks, read from ``.git/index`` without running git.

Only the index file format is parsed (versions 2 to 4, see git's
Documentation/gitformat-index.txt); nothing of the repository is executed. Any surprise in the
file yields ``None``: tracked status unknown.
"""

from __future__ import annotations

import os
import struct

from cmlops_kg.scanner.walk import NotReadError, read_bytes

MAX_INDEX_BYTES = 64 * 1024 * 1024
_ENTRY_FIXED = 62  # ctime, mtime, dev, ino, mode, uid, gid, size (40) + sha1 (20) + flags (2)


def tracked_paths(git_dir: str | None) -> set[str] | None:
    """Paths (relative, '/'-separated) in the Git index of a git directory (a worktree's own),
    or None when there is no readable one."""
    if git_dir is None or os.path.islink(git_dir) or not os.path.isdir(git_dir):
        return None
    try:
        data = read_bytes(os.path.join(git_dir, "index"), MAX_INDEX_BYTES)
    except NotReadError:
        return None
    try:
        return parse_index(data)
    except (ValueError, IndexError, struct.error):
        return None


def parse_index(data: bytes) -> set[str]:
    if data[:4] != b"DIRC":
        raise ValueError("not a git index")
    version, count = struct.unpack(">II", data[4:12])
    if version not in (2, 3, 4):
        raise ValueError(f"unsupported index version {version}")
    pos = 12
    previous = b""
    paths: set[str] = set()
    for _ in range(count):
        start = pos
        (flags,) = struct.unpack(">H", data[pos + 60 : pos + 62])
        pos += _ENTRY_FIXED
        if version >= 3 and flags & 0x4000:
            pos += 2  # extended flags
        if version == 4:
            strip, pos = _varint(data, pos)
            end = data.index(b"\x00", pos)
            if strip > len(previous):
                raise ValueError("bad prefix compression")
            name = previous[: len(previous) - strip] + data[pos:end]
            pos = end + 1
        else:
            end = data.index(b"\x00", pos)
            name = data[pos:end]
            # entries are NUL-padded to a multiple of 8 bytes (1 to 8 NULs)
            pos = start + ((end - start + 8) & ~7)
        previous = name
        paths.add(name.decode("utf-8", errors="surrogateescape"))
    return paths


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    """git's offset encoding (varint.c): each continuation adds one before shifting."""
    byte = data[pos]
    pos += 1
    value = byte & 0x7F
    while byte & 0x80:
        byte = data[pos]
        pos += 1
        value = ((value + 1) << 7) | (byte & 0x7F)
    return value, pos
