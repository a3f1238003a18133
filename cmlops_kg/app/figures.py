"""Plotly figures of the explorer, built from the plain chart data of
:mod:`cmlops_kg.present.charts` (which tests inspect; AppTest sees Plotly charts as opaque)."""

from __future__ import annotations

import plotly.graph_objects as go

from cmlops_kg.assessment.result import AssessmentResult
from cmlops_kg.present.charts import (
    LEVEL_COLOURS,
    MAX_LEVEL,
    HeatmapData,
    HistorySeries,
    OutcomeScatter,
    next_level_radar,
    radar_data,
    wrap_label,
)


def radar_figure(result: AssessmentResult, show_target: bool = True) -> go.Figure:
    fig = go.Figure()
    if show_target and result.dimensions:
        target = next_level_radar(result)
        fig.add_trace(
            go.Scatterpolar(
                r=target.r,
                theta=[wrap_label(t) for t in target.theta],
                name="Next level",
                line={"dash": "dot", "color": "#9e9e9e"},
            )
        )
    data = radar_data(result)
    fig.add_trace(
        go.Scatterpolar(
            r=data.r,
            theta=[wrap_label(t) for t in data.theta],
            fill="toself",
            name=data.label,
            line={"color": "#1f77b4"},
        )
    )
    fig.update_layout(
        polar={
            "radialaxis": {"range": [0, MAX_LEVEL], "dtick": 1, "angle": 90, "tickangle": 90},
            "angularaxis": {"rotation": 90, "direction": "clockwise"},
        },
        showlegend=True,
        legend={"orientation": "h", "y": -0.1},
        margin={"l": 90, "r": 90, "t": 40, "b": 40},
        height=440,
    )
    return fig


def heatmap_figure(data: HeatmapData) -> go.Figure:
    steps = len(LEVEL_COLOURS) - 1
    scale = [[i / steps, colour] for i, colour in enumerate(LEVEL_COLOURS)]
    fig = go.Figure(
        go.Heatmap(
            z=data.z,
            x=[wrap_label(c) for c in data.columns],
            y=data.rows,
            zmin=0,
            zmax=MAX_LEVEL,
            colorscale=scale,
            text=[["" if v is None else str(v) for v in row] for row in data.z],
            texttemplate="%{text}",
            hovertemplate="%{y}<br>%{x}: level %{z}<extra></extra>",
            colorbar={"title": "Level", "tickvals": list(range(MAX_LEVEL + 1))},
        )
    )
    fig.update_layout(
        yaxis={"autorange": "reversed"},
        xaxis={"side": "top", "tickangle": 0},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        height=max(220, 60 * len(data.rows) + 140),
    )
    return fig


def history_figure(series: HistorySeries) -> go.Figure:
    fig = go.Figure()
    for name, levels in series.dimensions.items():
        fig.add_trace(
            go.Scatter(x=series.dates, y=levels, name=name, mode="lines+markers", opacity=0.45)
        )
    fig.add_trace(
        go.Scatter(
            x=series.dates,
            y=series.overall,
            name="Overall level",
            mode="lines+markers",
            line={"width": 4, "color": "#111111"},
        )
    )
    fig.update_layout(
        yaxis={"range": [-0.2, MAX_LEVEL + 0.2], "dtick": 1, "title": "Level"},
        xaxis={"type": "category"},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        height=420,
        legend={"orientation": "h", "y": -0.15, "yanchor": "top"},
    )
    return fig


def outcome_scatter_figure(data: OutcomeScatter, metric_label: str) -> go.Figure:
    fig = go.Figure()
    for above, name, colour in ((True, "at or above", "#1a9850"), (False, "below", "#d73027")):
        # teams at the same point share one marker and one label, so names never overprint
        points: dict[tuple[int, float], list[str]] = {}
        for i, a in enumerate(data.above):
            if a == above:
                points.setdefault((data.levels[i], data.values[i]), []).append(data.labels[i])
        fig.add_trace(
            go.Scatter(
                x=[level for level, _ in points],
                y=[value for _, value in points],
                text=["<br>".join(names) for names in points.values()],
                mode="markers+text",
                textposition="top center",
                marker={"size": 13, "color": colour},
                name=f"{name} level {data.threshold}",
            )
        )
    fig.add_vline(x=data.threshold - 0.5, line_dash="dot", line_color="#888888")
    fig.update_layout(
        xaxis={"title": "Dimension level", "range": [-0.5, MAX_LEVEL + 0.5], "dtick": 1},
        yaxis={
            "title": f"{metric_label} ({data.unit})",
            "type": "log" if data.log_scale else "linear",
        },
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        height=420,
        legend={"orientation": "h", "y": -0.2, "yanchor": "top"},
    )
    return fig


def distribution_figure(distribution: dict[str, list[int]]) -> go.Figure:
    """Per dimension, how many organisations stand at each level (stacked, level colours)."""
    names = list(distribution)
    fig = go.Figure(
        [
            go.Bar(
                name=f"Level {level}",
                y=[wrap_label(n, 28) for n in names],
                x=[distribution[n][level] for n in names],
                orientation="h",
                marker_color=LEVEL_COLOURS[level],
                hovertemplate="%{y}: %{x} at level " + str(level) + "<extra></extra>",
            )
            for level in range(MAX_LEVEL + 1)
        ]
    )
    fig.update_layout(
        barmode="stack",
        yaxis={"autorange": "reversed"},
        xaxis={"title": "Organisations"},
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        height=60 + 48 * len(names),
    )
    return fig


def weakest_figure(weak: list) -> go.Figure:
    """How many organisations each dimension holds back (``WeakDimension`` rows)."""
    fig = go.Figure(
        go.Bar(
            y=[wrap_label(w.dimension, 28) for w in weak],
            x=[w.limits for w in weak],
            orientation="h",
            marker_color="#c2410c",
            text=[f"{w.limits} · median level {w.median:g}" for w in weak],
            textposition="auto",
            hovertemplate="%{y}: holds back %{x} organisations<extra></extra>",
        )
    )
    fig.update_layout(
        yaxis={"autorange": "reversed"},
        xaxis={"title": "Organisations held back"},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        height=60 + 48 * len(weak),
    )
    return fig


def drilldown_figure(compared: list[tuple[str, int, float]], name: str) -> go.Figure:
    """One organisation's level per dimension beside the portfolio's median."""
    labels = [wrap_label(d, 28) for d, _, _ in compared]
    fig = go.Figure(
        [
            go.Bar(name=name, y=labels, x=[lvl for _, lvl, _ in compared], orientation="h"),
            go.Bar(
                name="Portfolio median",
                y=labels,
                x=[m for _, _, m in compared],
                orientation="h",
                marker_color="#94a3b8",
            ),
        ]
    )
    fig.update_layout(
        barmode="group",
        yaxis={"autorange": "reversed"},
        xaxis={"title": "Level", "range": [0, MAX_LEVEL], "dtick": 1},
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        height=80 + 56 * len(compared),
    )
    return fig
