"""Errors users can act on: each says what went wrong, where, and how to fix it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from cmlops_kg.validation.report import ValidationReport


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


class StoreError(CmlopsError):
    """A store or endpoint failed: unreachable, timed out, refused or broken (exit 3)."""

    exit_code = 3


class ValidationFailed(CmlopsError):  # noqa: N818 - named for what the caller sees, like ValueError
    """A profile does not conform to the shapes (exit 1); ``report`` says what to fix."""

    exit_code = 1

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        problems = sum(1 for f in report.findings if f.severity == "Violation")
        super().__init__(
            f"the profile does not conform to the shapes ({problems} problem"
            f"{'s' if problems != 1 else ''})",
            where=report.source,
            fix="fix the problems listed in the validation report (cmlops-kg validate FILE), "
            "or assess it anyway with validate=False / --no-validate",
        )
