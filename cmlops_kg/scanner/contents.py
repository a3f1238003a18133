"""Reading file contents for content checks: safely, bounded, and notebooks as their code."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cmlops_kg.scanner.walk import NotReadError, Tree, read_bytes


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


@dataclass
class Content:
    text: str
    lowered: str
    cells: list[int] | None  # first line of each code cell, for notebooks


class Contents:
    """Reads files safely, remembering why a file could not be read."""

    def __init__(self, tree: Tree, limit: int) -> None:
        self.tree, self.limit = tree, limit
        self.skipped: list[tuple[str, str]] = []

    def raw(self, rel: str) -> tuple[bytes, list[int] | None] | None:
        """The bytes to search (a notebook's code cells), or None when not readable text."""
        path = self.tree.files.get(rel)
        if path is None:
            return None
        try:
            data = read_bytes(path, self.limit)
            if rel[-6:].lower() == ".ipynb":
                code, cells = notebook_code(data)
                return code.encode("utf-8"), cells
            if data.find(b"\x00", 0, 8192) != -1:
                raise NotReadError("binary file")
            return data, None
        except NotReadError as exc:
            self.skipped.append((rel, str(exc)))
        except (ValueError, RecursionError):
            self.skipped.append((rel, "not a valid notebook"))
        return None

    def text(self, rel: str) -> str | None:
        raw = self.raw(rel)
        return raw[0].decode("utf-8", errors="replace") if raw else None
