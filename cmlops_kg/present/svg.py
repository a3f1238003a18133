"""The report's charts as self-contained SVG: the radar of dimension levels, the roadmap phases
and the outcomes against the DORA clusters.

Each chart is one ``<svg>`` string with its own fonts and colours (no stylesheet, no script,
nothing fetched), so the same text works inline in the HTML report and, base64-encoded as a
``data:`` URI, as an image in the single Markdown file. A chart without data is ``None``:
a report never shows an empty chart. Every label passes :func:`~cmlops_kg.present.escape.xml`.
"""

from __future__ import annotations

import base64
import math
from collections import Counter
from collections.abc import Sequence

from cmlops_kg.assessment.result import AssessmentResult, Outcome, RoadmapPhase
from cmlops_kg.present.charts import CLUSTER_COLOURS, LEVEL_COLOURS, MAX_LEVEL, radar_data
from cmlops_kg.present.escape import xml
from cmlops_kg.present.words import counted

INK, MUTED, GRID = "#1d2433", "#5b6475", "#d5dbe5"
PROVEN, TARGET = "#2f7ed8", "#1d2433"
FONT = "system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"


# -- SVG pieces ------------------------------------------------------------------------------
def _attrs(attrs: dict[str, object]) -> str:
    """``key="value"`` pairs; a trailing ``_`` in a key is dropped (``class_``) and ``_`` in
    it becomes ``-`` (``font_size``), as SVG spells them."""
    return "".join(
        f' {key.rstrip("_").replace("_", "-")}="{xml(value)}"' for key, value in attrs.items()
    )


def element(tag: str, content: str = "", **attrs: object) -> str:
    """One element; ``content`` is markup already built (escape text with ``xml`` first)."""
    return f"<{tag}{_attrs(attrs)}>{content}</{tag}>" if content else f"<{tag}{_attrs(attrs)}/>"


def text(x: float, y: float, lines: Sequence[str], line_height: int = 16, **attrs: object) -> str:
    """Text of one or more lines (``tspan`` per line), the first line's baseline at ``y``."""
    spans = "".join(
        element("tspan", xml(line), x=_n(x), dy=0 if i == 0 else line_height)
        for i, line in enumerate(lines)
    )
    return element("text", spans, x=_n(x), y=_n(y), **attrs)


def document(width: int, height: int, title: str, body: Sequence[str]) -> str:
    """The ``<svg>`` root: its size, an accessible title and the fonts every label uses."""
    return element(
        "svg",
        element("title", xml(title)) + "".join(body),
        xmlns="http://www.w3.org/2000/svg",
        width=width,
        height=height,
        viewBox=f"0 0 {width} {height}",
        role="img",
        aria_label=title,
        font_family=FONT,
        font_size=13,
        fill=INK,
    )


def data_uri(svg: str) -> str:
    """The chart as a ``data:`` URI, for an image that needs no file beside the report."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def wrap(label: str, width: int) -> list[str]:
    """A label broken into lines of about ``width`` characters, at spaces."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def balanced(label: str, width: int) -> list[str]:
    """A label in as few lines as ``width`` allows, the lines about equally long (so that
    "Data management and quality" reads "Data management / and quality", not "… and /
    quality")."""
    count = len(wrap(label, width))
    for narrower in range(-(-len(label) // count), width + 1):
        lines = wrap(label, narrower)
        if len(lines) == count:
            return lines
    return wrap(label, width)


def shorten(label: str, width: int) -> str:
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


def _n(value: float) -> str:
    """A coordinate with at most two decimals (stable output, short files)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


# -- radar -----------------------------------------------------------------------------------
RADAR_WIDTH, RADAR_HEIGHT = 760, 530
RADAR_CENTRE = (380.0, 262.0)
RADAR_RADIUS = 170.0
LABEL_GAP = 20.0
LABEL_WIDTH = 20  # characters per line of an axis label


def radar_point(index: int, count: int, level: float) -> tuple[float, float]:
    """Where ``level`` lies on axis ``index`` of ``count``: the first axis points up, the
    others follow clockwise; the top level lies on the outer ring."""
    angle = -math.pi / 2 + 2 * math.pi * index / count
    r = RADAR_RADIUS * level / MAX_LEVEL
    cx, cy = RADAR_CENTRE
    return cx + r * math.cos(angle), cy + r * math.sin(angle)


def _polygon(levels: Sequence[float], series: str, **style: object) -> str:
    points = " ".join(
        f"{_n(x)},{_n(y)}"
        for x, y in (radar_point(i, len(levels), lvl) for i, lvl in enumerate(levels))
    )
    return element("polygon", points=points, data_series=series, **style)


def _radar_grid(count: int) -> list[str]:
    cx, cy = RADAR_CENTRE
    out = [
        element(
            "circle",
            class_="ring",
            data_level=lvl,
            cx=_n(cx),
            cy=_n(cy),
            r=_n(RADAR_RADIUS * lvl / MAX_LEVEL),
            fill="none",
            stroke=GRID,
        )
        for lvl in range(1, MAX_LEVEL + 1)
    ]
    for i in range(count):
        x, y = radar_point(i, count, MAX_LEVEL)
        out.append(element("line", x1=_n(cx), y1=_n(cy), x2=_n(x), y2=_n(y), stroke=GRID))
    # the level numbers just right of the upward axis, haloed in white so that a polygon edge
    # passing there does not hide them
    out += [
        text(
            cx + 4,
            cy - RADAR_RADIUS * lvl / MAX_LEVEL + 12,
            [str(lvl)],
            fill=MUTED,
            font_size=11,
            stroke="#ffffff",
            stroke_width=3,
            paint_order="stroke",
        )
        for lvl in range(1, MAX_LEVEL + 1)
    ]
    return out


def _axis_label(index: int, count: int, lines: list[str]) -> str:
    """An axis label outside the outer ring, anchored away from the chart so it never
    covers the polygons; labels below the centre hang down, those above stand up."""
    angle = -math.pi / 2 + 2 * math.pi * index / count
    cos, sin = math.cos(angle), math.sin(angle)
    cx, cy = RADAR_CENTRE
    x = cx + (RADAR_RADIUS + LABEL_GAP) * cos
    y = cy + (RADAR_RADIUS + LABEL_GAP) * sin
    anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
    height = 16 * (len(lines) - 1)
    if sin < -0.2:
        y -= height
    elif sin > 0.2:
        y += 10
    else:
        y += 4 - height / 2
    return text(x, y, lines, text_anchor=anchor, data_axis=index)


def _level_words(level: int, potential: int, target: int | None) -> str:
    words = f"level {level}" + (f", up to {potential}" if potential > level else "")
    return words + (f", target {target}" if target is not None else "")


def _legend(x: float, y: float, entries: Sequence[tuple[str, dict[str, object]]]) -> list[str]:
    """A row of swatches (a short line drawn in each series' style) with their names."""
    out = []
    for name, style in entries:
        out.append(element("line", x1=_n(x), y1=_n(y - 4), x2=_n(x + 26), y2=_n(y - 4), **style))
        out.append(text(x + 32, y, [name]))
        x += 48 + 7.5 * len(name)
    return out


PROVEN_STYLE: dict[str, object] = {
    "fill": PROVEN,
    "fill_opacity": 0.22,
    "stroke": PROVEN,
    "stroke_width": 2.5,
}
POTENTIAL_STYLE: dict[str, object] = {
    "fill": "none",
    "stroke": PROVEN,
    "stroke_width": 2,
    "stroke_dasharray": "6 4",
}
TARGET_STYLE: dict[str, object] = {"fill": "none", "stroke": TARGET, "stroke_width": 2}


def radar_svg(result: AssessmentResult) -> str | None:
    """Proven level per dimension as a filled polygon on axes 0-4; the potential level dashed
    where it differs; the declared target as a dark outline. ``None`` below three dimensions
    (two axes make no polygon; the bar chart and table still show them)."""
    data = radar_data(result)
    names, levels = data.theta[:-1], data.r[:-1]
    count = len(names)
    if count < 3:
        return None
    dims = result.dimensions
    potential = [d.potential for d in dims]
    # a dimension the target leaves out asks for no level: its target vertex is the centre
    target = [d.target or 0 for d in dims] if result.target else None
    body = _radar_grid(count)
    body.append(_polygon(levels, "proven", **PROVEN_STYLE))
    legend = [("proven level", PROVEN_STYLE)]
    if potential != levels:
        body.append(_polygon(potential, "potential", **POTENTIAL_STYLE))
        legend.append(("potential (unknowns met)", POTENTIAL_STYLE))
    if target is not None:
        body.append(_polygon(target, "target", **TARGET_STYLE))
        legend.append(("target", TARGET_STYLE))
    for i, (name, level) in enumerate(zip(names, levels, strict=True)):
        x, y = radar_point(i, count, level)
        tip = element("title", xml(f"{name}: {_level_words(level, potential[i], None)}"))
        body.append(element("circle", tip, cx=_n(x), cy=_n(y), r=4, fill=PROVEN))
        words = _level_words(level, potential[i], dims[i].target if target else None)
        # at most three lines, so a long name stays inside the picture (the vertex's tooltip
        # has it whole)
        name_lines = balanced(shorten(name, 3 * LABEL_WIDTH), LABEL_WIDTH)
        body.append(_axis_label(i, count, [*name_lines, words]))
    body += _legend(40, RADAR_HEIGHT - 16, legend)
    return document(RADAR_WIDTH, RADAR_HEIGHT, "Radar of dimension levels", body)


# -- roadmap phases --------------------------------------------------------------------------
ROADMAP_WIDTH = 760
LANE = 62
BAR_WIDTH = 560  # the longest phase's bar
GOAL_WIDTH = 88  # characters of a phase's goal shown above its bar


def phase_name(phase: RoadmapPhase) -> tuple[str, str]:
    """("Phase 2", "reach readiness level 1: …") from the phase's title."""
    head, sep, goal = phase.title.partition(" — ")
    return (head, goal) if sep else (phase.title, "")


def _text_colour(fill: str) -> str:
    """Dark text on the light level colours, white on the dark ones (contrast)."""
    return "#ffffff" if fill in ("#d73027", "#1a9850") else INK


def _phase_lane(phase: RoadmapPhase, y: float, scale: float) -> str:
    head, goal = phase_name(phase)
    by_level = sorted(Counter(i.level for i in phase.items).items())
    title = element("title", xml(phase.title))
    parts = [
        element(
            "text",
            element("tspan", xml(head), font_weight="bold")
            + (xml(" — " + shorten(goal, GOAL_WIDTH)) if goal else ""),
            x=0,
            y=_n(y + 16),
        )
    ]
    x = 0.0
    for level, n in by_level:
        fill = LEVEL_COLOURS[min(level, MAX_LEVEL)]
        width = n * scale
        parts.append(
            element(
                "rect",
                x=_n(x),
                y=_n(y + 24),
                width=_n(width),
                height=24,
                fill=fill,
                stroke="#ffffff",
                data_level=level,
                data_count=n,
            )
        )
        if width >= 44:
            parts.append(
                text(
                    x + width / 2,
                    y + 41,
                    [f"L{level}: {n}"],
                    text_anchor="middle",
                    fill=_text_colour(fill),
                    font_size=12,
                )
            )
        x += width
    low, high = by_level[0][0], by_level[-1][0]
    levels = f"level {low}" if low == high else f"levels {low}–{high}"
    parts.append(text(x + 8, y + 41, [f"{counted(len(phase.items), 'practice')}, {levels}"]))
    return element("g", title + "".join(parts), data_phase=head)


def roadmap_svg(result: AssessmentResult) -> str | None:
    """One lane per roadmap phase: its goal, and a bar of its practices split by the level
    they belong to (so the bar's end shows how far up the phase reaches). ``None`` when the
    roadmap is empty."""
    phases = [p for p in result.roadmap if p.items]
    if not phases:
        return None
    scale = BAR_WIDTH / max(len(p.items) for p in phases)
    body = [_phase_lane(p, i * LANE, scale) for i, p in enumerate(phases)]
    y = len(phases) * LANE + 14
    body.append(text(0, y, ["Practice level:"], fill=MUTED))
    for i, colour in enumerate(LEVEL_COLOURS[1:], start=1):
        x = 110 + (i - 1) * 60
        body.append(element("rect", x=x, y=_n(y - 11), width=14, height=14, fill=colour))
        body.append(text(x + 19, y, [f"L{i}"]))
    return document(ROADMAP_WIDTH, int(y + 10), "Roadmap phases", body)


# -- outcomes against the DORA clusters ------------------------------------------------------
CLUSTERS = [  # worse to better, left to right
    "Low performance cluster",
    "Medium performance cluster",
    "High performance cluster",
    "Elite performance cluster",
]
OUTCOME_WIDTH = 760
METRIC_COLUMN = 250
BAND = 125
ROW = 38


def _outcome_row(o: Outcome, y: float) -> str:
    parts = [text(0, y + 22, [shorten(o.label, 34)])]
    for i, cluster in enumerate(CLUSTERS):
        x = METRIC_COLUMN + i * BAND
        colour = CLUSTER_COLOURS[cluster]
        mine = cluster == o.cluster_label
        parts.append(
            element(
                "rect",
                x=x,
                y=_n(y + 4),
                width=BAND - 4,
                height=28,
                rx=4,
                fill=colour,
                fill_opacity=1 if mine else 0.3,
                **({"stroke": INK, "stroke_width": 2, "data_team": "yes"} if mine else {}),
            )
        )
        if mine:
            parts.append(
                text(
                    x + (BAND - 4) / 2,
                    y + 23,
                    [o.value_text],
                    text_anchor="middle",
                    font_weight="bold",
                    fill=_text_colour(colour),
                )
            )
    return element("g", "".join(parts), data_metric=o.label)


def outcomes_svg(result: AssessmentResult) -> str | None:
    """Each benchmarked metric as a row of the four DORA clusters, worse to better, with the
    team's value in the band it falls in. Metrics the benchmark has no band for (the ML
    metrics) stay in the table only; ``None`` when no metric has a band."""
    rows = [o for o in result.outcomes if o.cluster_label in CLUSTERS]
    if not rows:
        return None
    body = [text(0, 14, ["Metric"], fill=MUTED)]
    for i, cluster in enumerate(CLUSTERS):
        x = METRIC_COLUMN + i * BAND + (BAND - 4) / 2
        body.append(text(x, 14, [cluster.split()[0]], text_anchor="middle", fill=MUTED))
    body += [_outcome_row(o, 20 + i * ROW) for i, o in enumerate(rows)]
    year = result.benchmark_year or rows[0].benchmark_year
    title = f"Outcomes against the DORA {year} clusters" if year else "Outcomes against DORA"
    return document(OUTCOME_WIDTH, 30 + len(rows) * ROW, title, body)
