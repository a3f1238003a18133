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
from cmlops_kg.present.escape import plotly
from cmlops_kg.present.graph import (
    INTERFACES_GROUP,
    KINDS,
    LIGHT_RELATIONS,
    PIPELINES_GROUP,
    RELATIONS,
    GraphNode,
    GraphView,
    phase_columns,
)


def _label(text: object, width: int | None = 16) -> str:
    """A label from a profile or the ontology, escaped for Plotly, wrapped to ``width``."""
    escaped = plotly(text)
    return escaped if width is None else wrap_label(escaped, width)


def radar_figure(result: AssessmentResult, show_target: bool = True) -> go.Figure:
    fig = go.Figure()
    if show_target and result.dimensions:
        target = next_level_radar(result)
        fig.add_trace(
            go.Scatterpolar(
                r=target.r,
                theta=[_label(t) for t in target.theta],
                name="Next level",
                line={"dash": "dot", "color": "#9e9e9e"},
            )
        )
    data = radar_data(result)
    fig.add_trace(
        go.Scatterpolar(
            r=data.r,
            theta=[_label(t) for t in data.theta],
            fill="toself",
            name=_label(data.label, None),
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
            x=[_label(c) for c in data.columns],
            y=[_label(r, None) for r in data.rows],
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
            go.Scatter(
                x=series.dates,
                y=levels,
                name=_label(name, None),
                mode="lines+markers",
                opacity=0.45,
            )
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
                text=["<br>".join(_label(n, 18) for n in names) for names in points.values()],
                # neighbouring levels alternate above and below their markers: two teams one
                # level apart at the same value would otherwise print their names over each other
                textposition=[_SIDES[level % 2] for level, _ in points],
                cliponaxis=False,
                mode="markers+text",
                marker={"size": 13, "color": colour},
                name=f"{name} level {data.threshold}",
            )
        )
    fig.add_vline(x=data.threshold - 0.5, line_dash="dot", line_color="#888888")
    fig.update_layout(
        xaxis={"title": "Dimension level", "range": [-0.7, MAX_LEVEL + 0.7], "dtick": 1},
        yaxis={
            "title": f"{_label(metric_label, None)} ({_label(data.unit, None)})",
            "type": "log" if data.log_scale else "linear",
            **({} if data.log_scale else {"range": _padded(data.values)}),
        },
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        height=440,
        legend={"orientation": "h", "y": -0.2, "yanchor": "top"},
    )
    return fig


_SIDES = ("top center", "bottom center")


def _padded(values: list[float]) -> list[float] | None:
    """A linear axis range with room for two lines of label above the top marker and below
    the bottom one (Plotly's own range would put them on the axis)."""
    if not values:
        return None
    low, high = min(values), max(values)
    pad = (high - low) * 0.25 or max(abs(high) * 0.25, 0.5)
    return [low - pad, high + pad]


def distribution_figure(distribution: dict[str, list[int]]) -> go.Figure:
    """Per dimension, how many organisations stand at each level (stacked, level colours)."""
    names = list(distribution)
    fig = go.Figure(
        [
            go.Bar(
                name=f"Level {level}",
                y=[_label(n, 28) for n in names],
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
        legend={"orientation": "h", "y": -0.2, "traceorder": "normal"},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        height=60 + 48 * len(names),
    )
    return fig


def weakest_figure(weak: list) -> go.Figure:
    """How many organisations each dimension holds back (``WeakDimension`` rows)."""
    fig = go.Figure(
        go.Bar(
            y=[_label(w.dimension, 28) for w in weak],
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
    labels = [_label(d, 28) for d, _, _ in compared]
    fig = go.Figure(
        [
            # the numbers beside the bars: a dimension at level 0 draws no bar at all
            go.Bar(
                name=_label(name, None),
                y=labels,
                x=[lvl for _, lvl, _ in compared],
                orientation="h",
                text=[f"{lvl}" for _, lvl, _ in compared],
                textposition="outside",
                cliponaxis=False,
            ),
            go.Bar(
                name="Portfolio median",
                y=labels,
                x=[m for _, _, m in compared],
                orientation="h",
                marker_color="#94a3b8",
                text=[f"{m:g}" for _, _, m in compared],
                textposition="outside",
                cliponaxis=False,
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


# -- the ontology graph ----------------------------------------------------------------------------
KIND_COLOURS = {
    "DevOps": "#1f77b4",
    "MLOps": "#9467bd",
    "pipeline": "#2ca02c",
    "interface": "#ff7f0e",
}
KIND_NAMES = {
    "DevOps": "DevOps practice",
    "MLOps": "MLOps practice",
    "pipeline": "Pipeline",
    "interface": "Interface",
}
RELATION_STYLES = {
    "extends": {"color": "#37474f", "width": 1.6},
    "requires": {"color": "#e377c2", "width": 1.1, "dash": "dot"},
    "in pipeline": {"color": "#74c476", "width": 0.8},
    "secures": {"color": "#fd8d3c", "width": 0.8, "dash": "dash"},
    "hand-off": {"color": "#2ca02c", "width": 2.2},
}
FADED_EDGE = "#e0e0e0"
FADED_OPACITY = 0.18
ARROW_AT = 0.82  # where along an edge its arrowhead sits: short of the target's marker
DEFINITION_CHARS = 160
# A practice's name right of it: below, two lines would cover the next practice of its column;
# a pipeline's name above it: below run the hand-offs to the interfaces
TEXT_POSITIONS = {
    "DevOps": "middle right",
    "MLOps": "middle right",
    "pipeline": "top center",
    "interface": "bottom center",
}


def _hover(node: GraphNode) -> str:
    facts = [KIND_NAMES[node.kind]]
    if node.is_practice:
        facts += [node.group, f"level {node.level}", node.dimension or ""]
    text = (node.definition or "").strip()
    if len(text) > DEFINITION_CHARS:
        text = text[:DEFINITION_CHARS].rsplit(" ", 1)[0] + " …"
    lines = [f"<b>{plotly(node.label)}</b>", " · ".join(plotly(f) for f in facts if f)]
    if text:
        lines.append(_label(text, 60))
    return "<br>".join(lines)


def _name(node: GraphNode) -> str:
    # interfaces are 'Data to model: training data hand-off': the ends are drawn as edges
    label = node.label.split(": ", 1)[-1] if node.kind == "interface" else node.label
    return _label(label, 16)


CURVE_STEPS = 8  # points of a bent edge


def _edge_path(
    source: tuple[float, float], target: tuple[float, float]
) -> tuple[list[float], list[float], int]:
    """The points an edge is drawn through and the index of the one carrying its arrowhead.

    Edges between practices of one phase column are bent sideways: drawn straight they would
    run along the column through every practice in between."""
    (sx, sy), (tx, ty) = source, target
    if abs(sx - tx) > 1e-9:
        ax, ay = sx + ARROW_AT * (tx - sx), sy + ARROW_AT * (ty - sy)
        return [sx, ax, tx], [sy, ay, ty], 1
    bend = min(0.12 + 0.04 * abs(ty - sy), 0.42) * (1 if ty < sy else -1)
    cx, cy = sx + bend, (sy + ty) / 2  # the control point of a quadratic Bezier curve
    steps = [i / CURVE_STEPS for i in range(CURVE_STEPS + 1)]
    xs = [(1 - s) ** 2 * sx + 2 * (1 - s) * s * cx + s**2 * tx for s in steps]
    ys = [(1 - s) ** 2 * sy + 2 * (1 - s) * s * cy + s**2 * ty for s in steps]
    return xs, ys, round(ARROW_AT * CURVE_STEPS)


def _relation_visible(view: GraphView, relation: str) -> bool | str:
    return True if relation in LIGHT_RELATIONS or view.focused else "legendonly"


def _edge_trace(view: GraphView, relation: str, focused: bool) -> go.Scatter | None:
    edges = [
        e for e in view.graph.edges if e.relation == relation and view.edge_in_focus(e) == focused
    ]
    if not edges or (not focused and relation not in LIGHT_RELATIONS):
        return None  # faded edges of the dense relations would only grey the page out
    xs: list[float | None] = []
    ys: list[float | None] = []
    sizes: list[float] = []
    for e in edges:
        ex, ey, arrow = _edge_path(view.positions[e.source], view.positions[e.target])
        xs += [*ex, None]
        ys += [*ey, None]
        sizes += [9 if focused and i == arrow else 0 for i in range(len(ex))] + [0]
    line = dict(RELATION_STYLES[relation]) if focused else {"color": FADED_EDGE, "width": 0.6}
    return go.Scatter(
        x=xs,
        y=ys,
        mode="lines+markers",
        line=line,
        marker={"size": sizes, "symbol": "arrow", "angleref": "previous", "color": line["color"]},
        name=relation,
        legendgroup=relation,
        showlegend=False,  # the key trace of _edge_traces stands for the relation
        visible=_relation_visible(view, relation),
        hoverinfo="skip",
    )


def _edge_traces(view: GraphView, relation: str) -> list[go.Scatter]:
    """A legend key in the relation's style, then its faded and focused edges: clicking the
    key shows or hides them all."""
    key = go.Scatter(
        x=[None],
        y=[None],
        mode="lines",
        line=RELATION_STYLES[relation],
        name=relation,
        legendgroup=relation,
        legendrank=200 + RELATIONS.index(relation),
        visible=_relation_visible(view, relation),
        hoverinfo="skip",
    )
    edges = [t for f in (False, True) if (t := _edge_trace(view, relation, f)) is not None]
    return [key, *edges]


def _node_trace(view: GraphView, kind: str, in_focus: bool) -> go.Scatter | None:
    nodes = [n for n in view.graph.nodes if n.kind == kind and (n.id in view.focus) == in_focus]
    if not nodes:
        return None
    size = 16 if kind in ("pipeline", "interface") else 11
    return go.Scatter(
        x=[view.positions[n.id][0] for n in nodes],
        y=[view.positions[n.id][1] for n in nodes],
        mode="markers+text",
        text=[_name(n) if n.id in view.labelled else "" for n in nodes],
        textposition=TEXT_POSITIONS[kind],
        textfont={"size": 11, "color": "#263238"},
        customdata=[n.id for n in nodes],
        hovertext=[_hover(n) for n in nodes],
        hoverinfo="text",
        marker={
            "size": [size + 6 if n.id == view.selected else size for n in nodes],
            "color": KIND_COLOURS[kind],
            "symbol": "diamond" if kind == "interface" else "circle",
            "line": {
                "width": [3 if n.id == view.selected else 1 for n in nodes],
                "color": ["#d81b60" if n.id == view.selected else "#ffffff" for n in nodes],
            },
        },
        opacity=1.0 if in_focus else FADED_OPACITY,
        name=KIND_NAMES[kind],
        legendgroup=kind,
        showlegend=False,  # _node_key stands for the kind, whether in focus or faded
    )


def _node_key(kind: str) -> go.Scatter:
    symbol = "diamond" if kind == "interface" else "circle"
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={"size": 11, "color": KIND_COLOURS[kind], "symbol": symbol},
        name=KIND_NAMES[kind],
        legendgroup=kind,
        legendrank=100 + KINDS.index(kind),
        hoverinfo="skip",
    )


def _graph_annotations(view: GraphView) -> list[dict]:
    """Phase names above their columns, band names left of the bands."""
    notes = [
        {
            "x": x,
            "y": 1.2,
            "text": _label(name, 14),
            "showarrow": False,
            "yanchor": "bottom",
            "font": {"size": 11, "color": "#546e7a"},
        }
        for x, name in phase_columns(view.graph)
    ]
    for kind, name in (("pipeline", PIPELINES_GROUP), ("interface", INTERFACES_GROUP)):
        ys = [view.positions[n.id][1] for n in view.graph.nodes if n.kind == kind]
        if ys:
            notes.append(
                {
                    "x": 0.35,
                    "y": ys[0],
                    "text": f"<b>{name}</b>",
                    "showarrow": False,
                    "xanchor": "right",
                    "font": {"size": 12, "color": "#546e7a"},
                }
            )
    return notes


def ontology_graph_figure(view: GraphView) -> go.Figure:
    """Practices in phase columns, pipelines and interfaces below; one legend entry per
    relation (click to hide or show it) and per kind of node; hover names a node."""
    fig = go.Figure()
    for relation in RELATIONS:
        fig.add_traces(_edge_traces(view, relation))
    for kind in KINDS:
        fig.add_trace(_node_key(kind))
    for in_focus in (False, True):  # the nodes in focus drawn last, on top
        for kind in KINDS:
            if (trace := _node_trace(view, kind, in_focus)) is not None:
                fig.add_trace(trace)
    ys = [y for _, y in view.positions.values()] or [0.0]
    columns = max((x for x, _ in phase_columns(view.graph)), default=1)
    fig.update_layout(
        annotations=_graph_annotations(view),
        xaxis={"visible": False, "range": [-0.6, columns + 0.6]},
        yaxis={"visible": False, "range": [min(ys) - 1.9, 2.6]},  # room for 3-line names
        dragmode="pan",
        hovermode="closest",
        hoverlabel={"align": "left"},
        clickmode="event+select",
        # the legend below the graph: above it, the tool bar Plotly shows on hover covers it
        legend={"orientation": "h", "y": 0, "yanchor": "top", "x": 0, "itemclick": "toggle"},
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        height=max(520, int(38 * (2.6 - min(ys) + 1.9)) + 70),
        plot_bgcolor="#ffffff",
    )
    return fig
