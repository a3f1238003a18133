"""Reading file contents for content checks: safely, bounded, notebooks as their code, and
Python's multi-line strings (docstrings, embedded file texts) as blank lines: they are data or
prose, not code, so a fixture that writes a pipeline file into a string shows no pipeline."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from cmlops_kg.scanner.walk import NotReadError, Tree, read_bytes

MEMO_BYTES = 32 * 1024 * 1024
_TRIPLE = re.compile(rb'(?s)("""|\'\'\')(.*?)\1')
# a one-line string literal holding escaped newlines is file content kept as data
_EMBEDDED = re.compile(
    rb"\"(?:[^\"\\\n]|\\.)*\\n(?:[^\"\\\n]|\\.)*\""
    rb"|'(?:[^'\\\n]|\\.)*\\n(?:[^'\\\n]|\\.)*'"
)
_COMMENT_LINE = re.compile(rb"(?m)^[ \t]*#[^\n]*")
# files whose full-line "#" comments are comments (commented-out code is not code)
HASH_COMMENTS = (".py", ".yml", ".yaml", ".sh", ".bash", ".tf", ".toml", ".cfg", ".r")
HASH_COMMENT_NAMES = ("dockerfile", "makefile", "containerfile")


def notebook_code(data: bytes) -> tuple[str, list[int]]:
    """The code cells of a notebook as one text, and the first line of each cell in it."""
    doc = json.loads(data.decode("utf-8", errors="replace"))
    text_parts: list[str] = []
    starts: list[int] = []
    line = 1
    for cell in doc.get("cells", []) if isinstance(doc, dict) else []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        body = "".join(source) if isinstance(source, list) else str(source)
        starts.append(line)
        text_parts.append(body)
        line += body.count("\n") + 1
    return "\n".join(text_parts), starts


def blank_strings(data: bytes) -> bytes:
    """Python source with the contents of triple-quoted strings and of one-line strings that
    hold escaped newlines blanked (lines kept): such strings are text or file contents."""
    if b'"""' in data or b"'''" in data:
        data = _TRIPLE.sub(
            lambda m: m.group(1) + b"\n" * m.group(2).count(b"\n") + m.group(1), data
        )
    if b"\\n" in data:
        data = _EMBEDDED.sub(b'""', data)
    return data


def blank_comments(data: bytes) -> bytes:
    """Full-line ``#`` comments blanked (lines kept): commented-out code does not count."""
    return _COMMENT_LINE.sub(b"", data) if b"#" in data else data


def hash_comments(rel: str) -> bool:
    low = rel.lower()
    name = low.rsplit("/", 1)[-1]
    return low.endswith(HASH_COMMENTS) or name.startswith(HASH_COMMENT_NAMES)


@dataclass
class Content:
    text: str
    lowered: str
    cells: list[int] | None  # first line of each code cell, for notebooks


class Contents:
    """Reads files safely, remembering why a file could not be read. Files read for CI (which
    come first) are kept in memory, up to a budget, for the content checks that follow."""

    def __init__(self, tree: Tree, limit: int) -> None:
        self.tree, self.limit = tree, limit
        self.skipped: list[tuple[str, str]] = []
        self._memo: dict[str, bytes | None] = {}
        self._memo_bytes = 0
        self._failed: set[str] = set()

    def _read(self, rel: str) -> bytes | None:
        path = self.tree.files.get(rel)
        if path is None:
            return None
        try:
            data = read_bytes(path, self.limit)
            if not rel.lower().endswith(".ipynb") and data.find(b"\x00", 0, 8192) != -1:
                raise NotReadError("binary file")
        except NotReadError as exc:
            if rel not in self._failed:
                self._failed.add(rel)
                self.skipped.append((rel, str(exc)))
            return None
        return data

    def bytes_of(self, rel: str) -> bytes | None:
        """A file's bytes (kept for the content checks), or None when not readable as text."""
        if rel in self._memo:
            return self._memo[rel]
        data = self._read(rel)
        if self._memo_bytes < MEMO_BYTES:
            self._memo[rel] = data
            self._memo_bytes += len(data or b"")
        return data

    def raw(self, rel: str) -> tuple[bytes, list[int] | None] | None:
        """The bytes to search (a notebook's code cells, Python without its multi-line
        strings), or None when not readable text."""
        data = self._memo.pop(rel) if rel in self._memo else self._read(rel)
        if data is None:
            return None
        low = rel[-6:].lower()
        if low == ".ipynb":
            try:
                code, cells = notebook_code(data)
            except (ValueError, RecursionError):
                self.skipped.append((rel, "not a valid notebook"))
                return None
            return blank_comments(code.encode("utf-8")), cells
        if low.endswith(".py"):
            data = blank_strings(data)
        if hash_comments(rel):
            data = blank_comments(data)
        return data, None

    def text(self, rel: str) -> str | None:
        data = self.bytes_of(rel)
        if data is None:
            return None
        if rel.lower().endswith(".ipynb"):
            return None
        return data.decode("utf-8", errors="replace")
