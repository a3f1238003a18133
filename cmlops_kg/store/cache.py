"""The prepared ontology, built once and kept: in the process, and in the user's cache folder.

Preparing the ontology (parsing the Turtle modules, running ``queries/prepare``) costs several
times a plain load of the same triples, and every command, page and portfolio needs it. The
result is kept as N-Triples, in memory for the life of the process and on disk under
``$CMLOPS_KG_CACHE`` (default: ``$XDG_CACHE_HOME/cmlops-kg``, else ``~/.cache/cmlops-kg``), in a
file named by a hash of everything it is derived from: the ontology files, the prepare
queries, the package version and pyoxigraph's. A changed ontology gets a new file; a stale file
is never read.

Concurrent writers are safe: each writes a temporary file in the cache folder and renames it
into place, which is atomic, so a reader sees a whole file or none. A file that was damaged
anyway (its body no longer matches the checksum in its first line) is rebuilt. A cache folder
that cannot be written is not an error: the ontology is then prepared in memory only.
``CMLOPS_KG_CACHE=off`` turns the disk cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox

from cmlops_kg._version import __version__

CACHE_ENV = "CMLOPS_KG_CACHE"
MAGIC = b"# cmlops-kg prepared ontology sha256="  # the first line of every cached file
_memory: dict[str, bytes] = {}
_lock = threading.RLock()  # re-entrant: building one cached item may read another


def cache_dir() -> Path | None:
    """Where prepared ontologies are kept on disk, or None when the disk cache is off."""
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured.lower() in {"off", "0", "none", "no"}:
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cmlops-kg"


def source_key(paths: Iterable[Path]) -> str:
    """A hash of the files a prepared ontology is derived from, and of the code that derives
    it (package and pyoxigraph versions)."""
    digest = hashlib.sha256(f"{__version__}|{ox.__version__}".encode())
    for path in paths:
        digest.update(b"\0" + path.name.encode("utf-8") + b"\0")
        digest.update(file_digest(path))
    return digest.hexdigest()[:32]


# SHA-256 of each source file, for as long as the file's status says it is unchanged: an
# assessment derives three keys from the same 1.4 MB of ontology (subjects, validation
# context, answering ontology) and would otherwise hash them three times, and every warm
# assessment once more (issue 16).
_digests: dict[str, tuple[tuple[int, ...], bytes]] = {}
SETTLED_NS = 2_000_000_000  # a file changed this recently is hashed every time


def file_digest(path: Path) -> bytes:
    """The SHA-256 of a file's bytes, kept while its device, inode, size, modification and
    change times stay the same. A file changed in the last two seconds is not kept: a second
    change within one tick of the file system's clock could leave all of them the same."""
    status = path.stat()
    stamp = (
        status.st_dev,
        status.st_ino,
        status.st_size,
        status.st_mtime_ns,
        status.st_ctime_ns,
    )
    name = os.fspath(path)
    kept = _digests.get(name)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    digest = hashlib.sha256(path.read_bytes()).digest()
    if time.time_ns() - max(status.st_mtime_ns, status.st_ctime_ns) > SETTLED_NS:
        _digests[name] = (stamp, digest)
    return digest


def cached_ntriples(key: str, build: Callable[[], bytes]) -> bytes:
    """The N-Triples stored under ``key``: from memory, else from the disk cache, else built
    (and then kept in both)."""
    return cached_bytes(f"ontology-{key}.nt", build)


def cached_bytes(name: str, build: Callable[[], bytes]) -> bytes:
    """The bytes cached as ``name`` (a file name that carries its source key), from memory,
    else from the disk cache, else built and kept in both. Only data is cached, never code:
    a cached file is read as bytes and parsed, not unpickled or imported."""
    data = _memory.get(name)
    if data is not None:
        return data
    with _lock:  # one thread builds, the others wait for its result
        data = _memory.get(name)
        if data is None:
            data = _read(name)
            if data is None:
                data = build()
                _write(name, data)
            _memory[name] = data
    return data


def _path(name: str) -> Path | None:
    folder = cache_dir()
    return folder / name if folder is not None else None


def _read(name: str) -> bytes | None:
    """The cached body, or None when it is missing or damaged."""
    path = _path(name)
    if path is None:
        return None
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    header, _, body = raw.partition(b"\n")
    if header != MAGIC + hashlib.sha256(body).hexdigest().encode("ascii"):
        return None  # truncated or overwritten: rebuilt and replaced by the caller
    return body


def _write(name: str, body: bytes) -> None:
    """Write atomically (temporary file, then rename); give up quietly on a read-only disk."""
    path = _path(name)
    if path is None:
        return
    header = MAGIC + hashlib.sha256(body).hexdigest().encode("ascii") + b"\n"
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        import tempfile  # imported here: a cache hit writes nothing

        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".ontology-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(header + body)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def clear_memory() -> None:
    """Forget what this process has cached (tests use it to exercise the disk cache)."""
    _memory.clear()
    _digests.clear()
