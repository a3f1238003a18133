"""Assessment reports: plain text (the CLI's table), Markdown, or self-contained HTML (an inline
SVG chart, no scripts)."""

from __future__ import annotations

from dataclasses import dataclass

import jinja2

from cmlops_kg.assessment.result import AssessmentResult
from cmlops_kg.present.tables import text_table
from cmlops_kg.resources import TEMPLATES_DIR

MAX_LEVEL = 4
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Bar:
    label: str
    level: int
    percent: float
    y: int
    width: int


def level_bars(result: AssessmentResult, scale: int = 80, row: int = 34) -> list[Bar]:
    """Chart data for the per-dimension level chart (plain values the tests can inspect)."""
    return [
        Bar(d.label, d.level, d.percent, y=i * row, width=d.level * scale)
        for i, d in enumerate(result.dimensions)
    ]


def markdown_report(result: AssessmentResult) -> str:
    lines = [
        f"# ML delivery maturity: {result.label}",
        "",
        f"Assessment of {result.date or 'unknown date'}"
        + (f" by {result.method}" if result.method else "")
        + f" (`{result.assessment}`).",
        "",
        f"**Overall level: {result.overall_level} — {result.overall_label}** "
        f"({result.weakest_link}).",
        "",
    ]
    if result.external_levels:
        lines.append(
            "Equivalent external levels: "
            + "; ".join(
                f"{e.model_label}: **{e.level}** ({e.label})"
                for e in result.external_levels.values()
            )
            + "."
        )
        lines.append("")
    lines += [
        "## Levels per dimension",
        "",
        "| Dimension | Level | Chart | Score | % |",
        "|---|---:|---|---:|---:|",
    ]
    for d in result.dimensions:
        chart = "█" * d.level + "░" * (MAX_LEVEL - d.level)
        score = f"{d.score:g} / {d.max_score:g}"
        lines.append(f"| {d.label} | {d.level} | `{chart}` | {score} | {d.percent:g}% |")
    lines += ["", f"## Gaps ({len(result.gaps)})", ""]
    if result.gaps:
        lines += ["| Dimension | Next level | Practice | Status now |", "|---|---:|---|---|"]
        lines += [
            f"| {g.dimension_label} | {g.next_level} | {g.label} | {g.status} |"
            for g in result.gaps
        ]
    else:
        lines.append("No gaps: every dimension is at the top level.")
    lines += ["", "## Roadmap", ""]
    for item in result.roadmap:
        lines.append(
            f"{item.position}. **{item.label}** ({item.dimension_label}, level "
            f"{item.level}) — {item.why}"
        )
        if item.sources:
            refs = "; ".join(f"[{s.label}]({s.url})" if s.url else s.label for s in item.sources)
            lines.append(f"   Sources: {refs}")
    if result.outcomes:
        lines += [
            "",
            "## Outcomes",
            "",
            "| Metric | Value | Period | Cluster |",
            "|---|---:|---|---|",
        ]
        for o in result.outcomes:
            period = f"{o.period_start or ''}–{o.period_end or ''}".strip("–")
            cluster = f"{o.cluster_label} (DORA {o.benchmark_year})" if o.cluster_label else "—"
            lines.append(f"| {o.label} | {o.value:g} {o.unit} | {period} | {cluster} |")
    if len(result.history) > 1:
        lines += ["", "## History", "", "| Date | Overall level |", "|---|---:|"]
        lines += [f"| {p.date} | {p.overall_level} |" for p in result.history]
    sources = _all_sources(result)
    if sources:
        lines += ["", "## Sources", ""]
        lines += [f"- [{label}]({url})" if url else f"- {label}" for label, url in sources]
    return "\n".join(lines) + "\n"


def _all_sources(result: AssessmentResult) -> list[tuple[str, str | None]]:
    seen: dict[str, str | None] = {}
    for item in result.roadmap:
        for s in item.sources:
            seen.setdefault(s.label, s.url)
    return sorted(seen.items())


def html_report(result: AssessmentResult) -> str:
    bars = level_bars(result)
    return _ENV.get_template("report.html.j2").render(
        r=result,
        bars=bars,
        max_level=MAX_LEVEL,
        scale=80,
        row=34,
        chart_height=max(1, len(bars)) * 34 + 30,
        sources=_all_sources(result),
    )


def text_report(result: AssessmentResult) -> str:
    """The assessment as the CLI's table output (``cmlops-kg assess``)."""
    ext = ", ".join(f"{e.model_label}: level {e.level}" for e in result.external_levels.values())
    name = result.label if len(result.label) <= 120 else result.label[:119] + "…"
    lines = [
        f"{name} — assessment of {result.date or 'unknown date'}"
        + (f" ({result.method})" if result.method else ""),
        f"Overall level: {result.overall_level} ({result.overall_label}); {result.weakest_link}",
        f"Equivalent external levels: {ext or 'none'}",
        "",
        text_table(
            [
                {
                    "dimension": d.label,
                    "level": d.level,
                    "score": f"{d.score:g}/{d.max_score:g}",
                    "percent": f"{d.percent:g}%",
                }
                for d in result.dimensions
            ]
        ),
        "",
        f"Gaps ({len(result.gaps)}):",
    ]
    lines += [
        f"  - {g.dimension_label} → L{g.next_level}: {g.label} ({g.status})" for g in result.gaps
    ]
    lines += ["", "Roadmap:"]
    for item in result.roadmap:
        lines.append(f"  {item.position:2}. {item.label} [{item.dimension_label}, L{item.level}]")
        lines.append(f"      why: {item.why}")
        if item.sources:
            lines.append("      sources: " + "; ".join(s.label for s in item.sources))
    if result.outcomes:
        lines += ["", "Outcomes:"]
        for o in result.outcomes:
            cluster = (
                f"{o.cluster_label} (DORA {o.benchmark_year})"
                if o.cluster_label
                else "no benchmark"
            )
            lines.append(f"  - {o.label}: {o.value:g} {o.unit} → {cluster}")
    if len(result.history) > 1:
        lines += ["", "History:"]
        lines += [f"  {p.date}: level {p.overall_level}" for p in result.history]
    return "\n".join(lines)
