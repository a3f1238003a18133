"""Chart data for the explorer: radar, heatmap, history, scores and the pipeline graph.

The builders return plain values that tests inspect (Streamlit's AppTest sees Plotly and
Graphviz charts only as opaque elements); :mod:`cmlops_kg.app.figures` turns them into Plotly
figures, in the app, the only part of the package that needs Plotly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cmlops_kg.assessment.result import AssessmentResult, HistoryPoint
from cmlops_kg.present.words import counted

if TYPE_CHECKING:  # pragma: no cover
    from cmlops_kg.assessment.outcomes import OutcomeComparison
    from cmlops_kg.present.framework import Interface, Phase, Pipeline

MAX_LEVEL = 4
LEVEL_COLOURS = ["#d73027", "#fc8d59", "#fee08b", "#91cf60", "#1a9850"]  # level 0 .. 4


def wrap_label(text: str, width: int = 16) -> str:
    """Break a long axis label into lines of about ``width`` characters (Plotly ``<br>``)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


# -- radar -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class RadarData:
    """Levels per dimension as a closed polygon (the first point repeated at the end)."""

    theta: list[str]
    r: list[int]
    label: str


def radar_data(result: AssessmentResult, use_notation: bool = False) -> RadarData:
    names = [(d.notation or d.label) if use_notation else d.label for d in result.dimensions]
    levels = [d.level for d in result.dimensions]
    if names:
        names, levels = [*names, names[0]], [*levels, levels[0]]
    return RadarData(theta=names, r=levels, label=result.label)


def next_level_radar(result: AssessmentResult) -> RadarData:
    """The target polygon: each dimension one level up (capped at the top level)."""
    current = radar_data(result)
    return RadarData(
        theta=current.theta,
        r=[min(MAX_LEVEL, level + 1) for level in current.r],
        label="next level",
    )


# -- ML-Test-Score-style scores --------------------------------------------------------------
def score_rows(result: AssessmentResult) -> list[dict]:
    """One row per dimension: level, score (½ manual, 1 automated), percentage, counts."""
    return [
        {
            "Dimension": d.label,
            "Level": d.level,
            "Potential": d.potential,
            "Unknown": d.unknown,
            "Score": d.score,
            "Max": d.max_score,
            "Percent": d.percent,
            "Implemented": f"{d.implemented} / {d.applicable}",
        }
        for d in result.dimensions
    ]


def weakest_score(result: AssessmentResult) -> float:
    """The ML Test Score's final score: the minimum over sections (here: dimensions)."""
    return min((d.score for d in result.dimensions), default=0.0)


# -- heatmap ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class HeatmapData:
    """Levels with one row per organisation (or assessment) and one column per dimension."""

    rows: list[str]
    columns: list[str]
    z: list[list[int | None]]


def history_heatmap_data(history: Sequence[HistoryPoint]) -> HeatmapData:
    """One organisation's assessments over time, oldest first."""
    columns = _dimension_order(name for p in history for name in p.dimensions)
    rows = [p.date or p.assessment for p in history]
    z = [[p.dimensions.get(c) for c in columns] for p in history]
    return HeatmapData(rows=rows, columns=columns, z=z)


def _dimension_order(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


# -- history line ----------------------------------------------------------------------------
@dataclass(frozen=True)
class HistorySeries:
    """Levels per assessment date: the overall line and one line per dimension."""

    dates: list[str]
    overall: list[int]
    dimensions: dict[str, list[int | None]]


def history_series(history: Sequence[HistoryPoint]) -> HistorySeries:
    dims = _dimension_order(name for p in history for name in p.dimensions)
    return HistorySeries(
        dates=[p.date or p.assessment for p in history],
        overall=[p.overall_level for p in history],
        dimensions={name: [p.dimensions.get(name) for p in history] for name in dims},
    )


# -- the pipeline graph (Graphviz DOT) -------------------------------------------------------
PIPELINE_COLOURS = ["#e3f2fd", "#fff3e0", "#e8f5e9", "#f3e5f5"]


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


GUARD_COLOURS = {"unguarded": "#c62828", "unknown": "#ef6c00", "guarded": "#2e7d32"}


def interface_guard_status(reports: Iterable) -> dict[str, tuple[str, str]]:
    """Per interface IRI: its worst failure-mode status (unguarded, then unknown, then guarded)
    and a short count for the edge label, from an assessment's ``InterfaceReport`` list."""
    found: dict[str, tuple[str, str]] = {}
    for report in reports:
        statuses = [fm.status for fm in report.failure_modes if fm.status != "not-applicable"]
        for worst in ("unguarded", "unknown", "guarded"):
            if worst in statuses:
                found[report.interface] = (worst, f"{statuses.count(worst)} {worst}")
                break
    return found


def pipeline_dot(
    pipelines: Sequence[Pipeline],
    interfaces: Sequence[Interface],
    highlight: Iterable[str] = (),
    guards: Mapping[str, tuple[str, str]] | None = None,
) -> str:
    """A DOT digraph: one node per pipeline, one edge per interface (labelled with the
    hand-off and the artefacts that cross it); ``highlight`` interfaces are drawn bold;
    ``guards`` (from :func:`interface_guard_status`) colours each edge by its failure modes."""
    marked = set(highlight)
    guards = guards or {}
    lines = [
        "digraph pipelines {",
        # top to bottom: the hand-off labels (with their artefacts) stack instead of widening
        # the graph, so at page width its text stays readable
        '  graph [rankdir=TB, bgcolor="transparent", nodesep=0.9, ranksep=0.7];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=16, '
        'margin="0.25,0.15", color="#546e7a"];',
        '  edge [fontname="Helvetica", fontsize=13, color="#78909c", fontcolor="#37474f"];',
    ]
    for i, p in enumerate(pipelines):
        fill = PIPELINE_COLOURS[i % len(PIPELINE_COLOURS)]
        label = f"{_dot_text(p.label)}\\n({counted(p.practices, 'practice')})"
        lines.append(f'  "{_dot_text(p.iri)}" [label="{label}", fillcolor="{fill}"];')
    for itf in interfaces:
        artefacts = "\\n".join(_dot_text(a) for a in itf.artefacts)
        name = _dot_text(itf.short_label)
        label = f"{name}\\n[{artefacts}]" if artefacts else name
        style = (
            'color="#d81b60", fontcolor="#d81b60", penwidth=3'
            if itf.iri in marked
            else "penwidth=1.4"
        )
        if itf.iri in guards:
            status, count = guards[itf.iri]
            colour = GUARD_COLOURS[status]
            label += f"\\n({_dot_text(count)})"
            style = f'color="{colour}", fontcolor="{colour}", penwidth=2.5'
        tooltip = _dot_text(f"{itf.label}: secured by {', '.join(itf.secured_by) or 'nothing'}")
        lines.append(
            f'  "{_dot_text(itf.source)}" -> "{_dot_text(itf.target)}" '
            f'[label="{label}", tooltip="{tooltip}", {style}];'
        )
    lines.append("}")
    return "\n".join(lines)


# -- the lifecycle (Graphviz DOT) ------------------------------------------------------------
LOOP_COLOURS = {"both": "#e0f2f1", "DevOps": "#e3f2fd", "ML": "#f3e5f5"}


def lifecycle_dot(phases: Sequence[Phase], width: float = 11.0, height: float = 3.8) -> str:
    """The unified lifecycle as a loop: phases placed clockwise on an ellipse in their order
    (first on the left), joined by ``cmlops:nextPhase``; a phase's fill says which loop it
    comes from. Positions are pinned (``neato``), so the drawing is stable and compact."""
    ordered = sorted(phases, key=lambda p: p.order)
    order = {p.iri: p.order for p in ordered}
    lines = [
        "digraph lifecycle {",
        '  graph [layout=neato, bgcolor="transparent", splines=true, overlap=true];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=14, '
        'color="#78909c", margin="0.12,0.06"];',
        '  edge [color="#90a4ae", arrowsize=0.7];',
    ]
    for i, phase in enumerate(ordered):
        angle = math.pi - 2 * math.pi * i / max(1, len(ordered))  # clockwise from the left
        x, y = width / 2 * math.cos(angle), height / 2 * math.sin(angle)
        loop = "both" if phase.devops_stage and phase.ml_stage else "DevOps"
        if not phase.devops_stage:
            loop = "ML"
        size = counted(len(phase.practices), "practice")
        label = f"{phase.order}. {_dot_text(phase.label)}\\n({size})"
        lines.append(
            f'  "{_dot_text(phase.iri)}" [label="{label}", fillcolor="{LOOP_COLOURS[loop]}", '
            f'pos="{x:.2f},{y:.2f}!"];'
        )
    for phase in ordered:
        if phase.next_phase in order:
            style = " [style=dashed]" if order[phase.next_phase] < phase.order else ""
            lines.append(f'  "{_dot_text(phase.iri)}" -> "{_dot_text(phase.next_phase)}"{style};')
    lines.append("}")
    return "\n".join(lines)


# -- outcomes: DORA clusters beside practice levels ---------------------------------------------
CLUSTER_COLOURS = {
    "Elite performance cluster": "#1a9850",
    "High performance cluster": "#91cf60",
    "Medium performance cluster": "#fee08b",
    "Low performance cluster": "#d73027",
}


def outcome_rows(result: AssessmentResult) -> list[dict]:
    """One row per metric observation, with its cluster and the benchmark year used."""
    return [
        {
            "Metric": o.label,
            "Value": o.value_text,
            "Canonical": f"{o.canonical_value:g} {o.canonical_unit}",
            "Period": " – ".join(p for p in (o.period_start, o.period_end) if p),
            "Cluster": o.cluster_label or "not benchmarked",
            "Benchmark": f"DORA {o.benchmark_year}" if o.benchmark_year else "",
        }
        for o in result.outcomes
    ]


@dataclass(frozen=True)
class OutcomeScatter:
    """Teams of a portfolio: level of one dimension (x) against one outcome metric (y)."""

    labels: list[str]
    levels: list[int]
    values: list[float]
    above: list[bool]
    unit: str
    threshold: int
    log_scale: bool


def outcome_scatter_data(comparison: OutcomeComparison) -> OutcomeScatter:
    values = [t.value for t in comparison.teams]
    positive = [v for v in values if v > 0]
    # rates and durations span orders of magnitude across teams: a log axis keeps them readable
    spread = max(positive) / min(positive) if len(positive) > 1 else 1
    return OutcomeScatter(
        labels=[t.label for t in comparison.teams],
        levels=[t.level for t in comparison.teams],
        values=values,
        above=[t.at_or_above for t in comparison.teams],
        unit=comparison.unit,
        threshold=comparison.threshold,
        log_scale=len(positive) == len(values) and spread >= 50,
    )
