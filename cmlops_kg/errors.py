"""Errors users can act on: each says what went wrong, where, and how to fix it."""

from __future__ import annotations


class CmlopsError(Exception):
    """Base class; the CLI prints the message and exits with ``exit_code``."""

    exit_code = 2

    def __init__(self, what: str, where: str | None = None, fix: str | None = None) -> None:
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(self.render())

    def render(self) -> str:
        parts = [self.what if not self.where else f"{self.where}: {self.what}"]
        if self.fix:
            parts.append(f"How to fix: {self.fix}")
        return "\n".join(parts)


class InputError(CmlopsError):
    """Unreadable or malformed input (exit 2)."""


class SelectionError(CmlopsError):
    """The input is readable but ambiguous or lacks what was asked for (exit 2)."""


class QueryError(CmlopsError):
    """A query could not be run: unknown name, bad parameter, refused operation (exit 2)."""
