"""A small progress indicator on stderr, for large trees (only on a terminal or when asked)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30
INTERVAL = 0.1


class Progress:
    def __init__(self, enabled: bool, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self._last = 0.0
        self._shown = False

    def _write(self, text: str, force: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (not force and now - self._last < INTERVAL):
            return
        self._last = now
        self._shown = True
        self.stream.write("\r" + text.ljust(72))
        self.stream.flush()

    def walking(self, entries: int) -> None:
        self._write(f"scan: listing the repository... {entries:,} entries")

    def matching(self, done: int, total: int) -> None:
        filled = WIDTH * done // total if total else WIDTH
        bar = "#" * filled + "-" * (WIDTH - filled)
        self._write(f"scan: [{bar}] {done:,}/{total:,} files", force=done == total)

    def finish(self) -> None:
        if self.enabled and self._shown:
            self.stream.write("\r" + " " * 72 + "\r")
            self.stream.flush()
