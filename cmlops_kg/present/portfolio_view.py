"""A portfolio of many organisations as plain data: one row per organisation (its latest
assessment), filters, the distribution of levels per dimension, the dimensions that hold most
organisations back, and the table's CSV and JSON downloads.

Rows come either from full assessments (case studies, uploads) or from a shared store's
portfolio (:func:`cmlops_kg.assessment.portfolio.assess_portfolio`); both read the same here.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cmlops_kg.assessment.portfolio import TeamResult
from cmlops_kg.assessment.result import AssessmentResult
from cmlops_kg.present.charts import HeatmapData
from cmlops_kg.present.tables import csv_text, json_text

MAX_LEVEL = 4


@dataclass(frozen=True)
class PortfolioRow:
    """One organisation's latest assessment, in brief."""

    organisation: str
    iri: str
    date: str | None
    readiness: int
    potential: int
    google: int | None
    azure: int | None
    dimensions: dict[str, int]  # dimension label -> proven level
    limiting: tuple[str, ...]  # labels of the dimensions that hold the readiness down
    gaps: int | None  # practices missing for the next level (None: not computed)


def rows_from_results(results: Iterable[AssessmentResult]) -> list[PortfolioRow]:
    return [
        PortfolioRow(
            organisation=r.label,
            iri=r.organisation,
            date=r.date,
            readiness=r.readiness.level,
            potential=r.readiness.potential,
            google=_external(r, "google"),
            azure=_external(r, "azure"),
            dimensions={d.label: d.level for d in r.dimensions},
            limiting=tuple(r.readiness.limiting_dimensions),
            gaps=len(r.gaps),
        )
        for r in results
    ]


def _external(result: AssessmentResult, model: str) -> int | None:
    level = result.external_levels.get(model)
    return None if level is None else level.level


def rows_from_teams(
    teams: Iterable[TeamResult], labels: dict[str, str] | None = None
) -> list[PortfolioRow]:
    """Rows of a shared store's portfolio; ``labels``: dimension notation -> label (the
    portfolio keys dimensions by their short code)."""
    labels = labels or {}
    return [
        PortfolioRow(
            organisation=t.label,
            iri=t.organisation,
            date=t.date,
            readiness=t.overall_level,
            potential=t.potential_level,
            google=t.external_levels.get("google"),
            azure=t.external_levels.get("azure"),
            dimensions={labels.get(k, k): v for k, v in t.dimensions.items()},
            limiting=tuple(t.limiting_dimensions),
            gaps=len(t.gaps),
        )
        for t in teams
    ]


def dimension_names(rows: Sequence[PortfolioRow]) -> list[str]:
    """Every dimension of the rows, in the order the first row that has it gives."""
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row.dimensions))
    return list(names)


def filter_rows(
    rows: Sequence[PortfolioRow],
    text: str = "",
    readiness: tuple[int, int] = (0, MAX_LEVEL),
    limited_by: Sequence[str] = (),
) -> list[PortfolioRow]:
    """Rows whose name or IRI contains every typed word, whose readiness lies in the range,
    and (when given) that are held back by one of ``limited_by``."""
    words = text.lower().split()
    wanted = set(limited_by)
    return [
        r
        for r in rows
        if all(w in f"{r.organisation} {r.iri}".lower() for w in words)
        and readiness[0] <= r.readiness <= readiness[1]
        and (not wanted or wanted & set(r.limiting))
    ]


def level_distribution(rows: Sequence[PortfolioRow]) -> dict[str, list[int]]:
    """Dimension -> how many organisations stand at level 0, 1, ... 4 in it."""
    out = {name: [0] * (MAX_LEVEL + 1) for name in dimension_names(rows)}
    for row in rows:
        for name, level in row.dimensions.items():
            out[name][min(max(level, 0), MAX_LEVEL)] += 1
    return out


@dataclass(frozen=True)
class WeakDimension:
    dimension: str
    limits: int  # organisations whose readiness this dimension holds down
    median: float  # median level over the organisations that have it


def weakest_dimensions(rows: Sequence[PortfolioRow]) -> list[WeakDimension]:
    """Dimensions by how many organisations they hold back (then by lower median level):
    where a platform team's help raises most readiness levels."""
    limits = dict.fromkeys(dimension_names(rows), 0)
    for row in rows:
        for name in row.limiting:
            limits[name] = limits.get(name, 0) + 1
    out = [
        WeakDimension(
            name,
            count,
            statistics.median([r.dimensions[name] for r in rows if name in r.dimensions] or [0]),
        )
        for name, count in limits.items()
    ]
    return sorted(out, key=lambda w: (-w.limits, w.median))


def table(rows: Sequence[PortfolioRow]) -> list[dict[str, object]]:
    """One flat record per organisation, for the sortable table and the downloads."""
    names = dimension_names(rows)
    return [
        {
            "Organisation": r.organisation,
            "Assessed": r.date,
            "Readiness": r.readiness,
            "Potential": r.potential,
            "Google": r.google,
            "Azure": r.azure,
            **{name: r.dimensions.get(name) for name in names},
            "Held back by": "; ".join(r.limiting),
            "Gaps": r.gaps,
            "IRI": r.iri,
        }
        for r in rows
    ]


def csv_download(rows: Sequence[PortfolioRow]) -> str:
    """The table as CSV a spreadsheet opens safely (no cell runs as a formula)."""
    return csv_text(table(rows))


def json_download(rows: Sequence[PortfolioRow]) -> str:
    return json_text(table(rows))


def compared_with_portfolio(
    row: PortfolioRow, rows: Sequence[PortfolioRow]
) -> list[tuple[str, int, float]]:
    """(dimension, the organisation's level, the portfolio's median level) per dimension."""
    return [
        (name, level, statistics.median([r.dimensions[name] for r in rows if name in r.dimensions]))
        for name, level in row.dimensions.items()
    ]


def heatmap_data(rows: Sequence[PortfolioRow]) -> HeatmapData:
    """Organisations side by side (each one's latest assessment), dimensions in order."""
    names = dimension_names(rows)
    return HeatmapData(
        rows=[f"{r.organisation} ({r.date})" if r.date else r.organisation for r in rows],
        columns=names,
        z=[[r.dimensions.get(n) for n in names] for r in rows],
    )
