"""Practices against outcomes across a portfolio: do more mature teams deliver better?"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from cmlops_kg.store.base import GraphStore


@dataclass(frozen=True)
class TeamOutcome:
    organisation: str
    label: str
    level: int
    overall_level: int
    at_or_above: bool
    value: float


@dataclass(frozen=True)
class OutcomeComparison:
    """Teams at or above a level threshold against the rest, on one outcome metric."""

    dimension: str
    metric: str
    unit: str
    threshold: int
    teams: tuple[TeamOutcome, ...]

    def _values(self, above: bool) -> list[float]:
        return [t.value for t in self.teams if t.at_or_above == above]

    def median(self, above: bool) -> float | None:
        values = self._values(above)
        return statistics.median(values) if values else None

    def count(self, above: bool) -> int:
        return len(self._values(above))


def practice_vs_outcome(
    store: GraphStore,
    dimension: str | None = None,
    metric: str | None = None,
    min_level: int | None = None,
) -> OutcomeComparison:
    """Rows of queries/practice_vs_outcome.rq, grouped for comparison."""
    rows = store.select(
        "practice_vs_outcome",
        {"dimension": dimension, "metric": metric, "minLevel": min_level},
    )
    teams = tuple(
        TeamOutcome(
            organisation=str(r["organisation"]),
            label=str(r["label"] or r["organisation"]),
            level=int(r["level"]),
            overall_level=int(r["overallLevel"]),
            at_or_above=bool(r["atOrAbove"]),
            value=float(r["value"]),
        )
        for r in rows
    )
    first = rows[0] if rows else {}
    return OutcomeComparison(
        dimension=str(
            first.get("usedDimension") or dimension or "https://w3id.org/cmlops#dim-delivery"
        ),
        metric=str(
            first.get("usedMetric")
            or metric
            or "https://w3id.org/cmlops#metric-deployment-frequency"
        ),
        unit=str(first.get("canonicalNotation") or ""),
        threshold=int(
            first.get("threshold") if first.get("threshold") is not None else (min_level or 3)
        ),
        teams=teams,
    )
