"""Assessment reports: plain text (the CLI's table), Markdown, or self-contained HTML (inline SVG
charts, no scripts, nothing fetched).

All three say the same things in the same order: the profile first (proven and potential level
per dimension, the readiness worded so that a lopsided profile reads as lopsided), what the next
Google and Azure levels still need with the published sentence behind it, the open questions,
the roadmap in phases, the failure modes left unguarded per pipeline interface, outcomes and
history. Text from profiles is escaped for its sink (terminal, Markdown, HTML).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from cmlops_kg.assessment.result import (
    TOP_LEVEL,
    AssessmentResult,
    ExternalLevel,
    ObligationStatus,
    RoadmapItem,
    Source,
)
from cmlops_kg.present.escape import md, safe_url, terminal
from cmlops_kg.present.tables import text_table
from cmlops_kg.present.words import counted
from cmlops_kg.resources import TEMPLATES_DIR

if TYPE_CHECKING:  # pragma: no cover
    import jinja2

MAX_LEVEL = TOP_LEVEL
NEXT_ACTIONS = 3


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """The HTML template environment, built (and jinja2 imported) only for an HTML report:
    the text report of ``cmlops-kg assess`` does not pay for it."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    return env


@dataclass(frozen=True)
class Bar:
    """One dimension in the level chart: proven bar, potential extension, target mark."""

    label: str
    level: int
    potential: int
    target: int | None
    percent: float
    y: int
    width: int
    potential_width: int
    limiting: bool


def level_bars(result: AssessmentResult, scale: int = 80, row: int = 34) -> list[Bar]:
    """Chart data for the per-dimension level chart (plain values the tests can inspect)."""
    limiting = set(result.readiness.limiting_iris)
    return [
        Bar(
            d.label,
            d.level,
            d.potential,
            d.target,
            d.percent,
            y=i * row,
            width=d.level * scale,
            potential_width=(d.potential - d.level) * scale,
            limiting=d.iri in limiting,
        )
        for i, d in enumerate(result.dimensions)
    ]


# -- shared content ------------------------------------------------------------------------------
def headline(result: AssessmentResult) -> str:
    summary = result.readiness.summary
    return summary[:1].upper() + summary[1:] + "."


def next_actions(result: AssessmentResult, n: int = NEXT_ACTIONS) -> list[RoadmapItem]:
    return result.roadmap_items[:n]


def external_line(e: ExternalLevel) -> str:
    name = e.notation or e.model_label
    upto = f", up to {e.potential}" if e.potential > e.level else ""
    return f"{name} level {e.level} ({e.label}){upto}"


def change_since_previous(result: AssessmentResult) -> str | None:
    """In words, how the profile moved since the previous assessment, if there is one."""
    points = [p for p in result.history if p.assessment != result.assessment]
    current = next((p for p in result.history if p.assessment == result.assessment), None)
    earlier = [p for p in points if current is None or (p.date or "") <= (current.date or "")]
    if current is None or not earlier:
        return None
    previous = earlier[-1]
    moved = [
        f"{name} {previous.dimensions[name]} → {level}"
        for name, level in current.dimensions.items()
        if name in previous.dimensions and previous.dimensions[name] != level
    ]
    readiness = (
        f"readiness {previous.overall_level} → {current.overall_level}"
        if previous.overall_level != current.overall_level
        else f"readiness unchanged at {current.overall_level}"
    )
    detail = "; ".join(moved) if moved else "no dimension changed"
    return f"Since {previous.date}: {readiness}; {detail}."


def open_questions_line(result: AssessmentResult) -> str | None:
    r = result.readiness
    blocking = [q for q in result.open_questions if q.blocks_readiness]
    if r.potential <= r.level and not result.open_questions:
        return None
    if r.potential > r.level:
        return (
            f"Proven readiness {r.level}, up to {r.potential}: {len(blocking)} practice"
            f"{'s need' if len(blocking) != 1 else ' needs'} an answer before readiness can be "
            f"proven higher."
        )
    n = len(result.open_questions)
    return (
        f"{n} practice{'s are' if n != 1 else ' is'} unknown; answering "
        f"{'them' if n != 1 else 'it'} may raise a dimension's proven level."
    )


@dataclass(frozen=True)
class Need:
    """One requirement an external level still needs: its alternatives joined by "or"."""

    what: str
    status: str
    quote: str | None
    section: str | None
    source: Source | None


def needs(e: ExternalLevel) -> list[Need]:
    grouped: dict[str, list] = {}
    for m in e.missing_for_next:
        grouped.setdefault(m.requirement, []).append(m)
    out = []
    for items in grouped.values():
        names = [m.criterion_label or m.practice_label for m in items]
        what = names[0] if len(names) == 1 else "one of: " + " or ".join(names)
        status = "unknown" if any(m.status == "unknown" for m in items) else "missing"
        first = items[0]
        out.append(Need(what, status, first.quote, first.section, first.source))
    return sorted(out, key=lambda n: n.what.lower())


OBLIGATION_WORDS = {"met": "met", "unknown": "possibly met", "unmet": "not met"}


def obligations_line(result: AssessmentResult) -> str | None:
    """How many obligations apply and how they stand; None when the ontology has none."""
    if not result.obligations:
        return None
    applying = result.applying_obligations
    counts = {s: sum(1 for o in applying if o.status == s) for s in OBLIGATION_WORDS}
    later = sum(1 for o in result.obligations if o.status == "not-yet-applicable")
    parts = [f"{n} {OBLIGATION_WORDS[s]}" for s, n in counts.items() if n]
    verb = "applies" if len(applying) == 1 else "apply"
    line = f"Obligations: {len(applying)} {verb}" + (f" ({', '.join(parts)})" if parts else "")
    if later:
        line += f"; {later} not yet applicable"
    outside = len(result.obligations) - len(applying) - later
    if outside:
        line += f"; {outside} not applicable in this context"
    return line


def obligation_rows(result: AssessmentResult) -> list[ObligationStatus]:
    """The applying obligations, those not met first (then possibly met, then met)."""
    order = {"unmet": 0, "unknown": 1, "met": 2}
    return sorted(result.applying_obligations, key=lambda o: (order[o.status], o.label))


def all_sources(result: AssessmentResult) -> list[tuple[str, str | None]]:
    seen: dict[str, str | None] = {}
    for item in result.roadmap_items:
        for s in item.sources:
            seen.setdefault(s.label, safe_url(s.url))
    for e in result.external_levels.values():
        for m in e.missing_for_next:
            if m.source is not None:
                seen.setdefault(m.source.label, safe_url(m.source.url))
    return sorted(seen.items())


# -- plain text ------------------------------------------------------------------------------------
def text_report(result: AssessmentResult) -> str:
    t = terminal
    name = t(result.label)
    name = name if len(name) <= 120 else name[:119] + "…"
    lines = [
        f"{name} — assessment of {result.date or 'unknown date'}"
        + (f" ({t(result.method)})" if result.method else ""),
        t(headline(result)),
    ]
    if result.context:
        lines.append(
            "Context: " + "; ".join(f"{c.factor_label}: {c.label}" for c in result.context)
        )
    if result.target:
        lines.append(f"Target: {t(result.target.label)}")
    ext = "; ".join(external_line(e) for e in result.external_levels.values())
    lines += [f"External levels: {ext or 'none'}", ""]
    lines.append(
        text_table(
            [
                {
                    "dimension": d.label,
                    "proven": d.level,
                    "potential": d.potential,
                    **({"target": "" if d.target is None else d.target} if result.target else {}),
                    "score": f"{d.score:g}/{d.max_score:g}",
                    "unknown": d.unknown,
                }
                for d in result.dimensions
            ]
        )
    )
    for e in result.external_levels.values():
        if e.next_level is None or not e.missing_for_next:
            continue
        lines += ["", f"What {e.notation or e.model_label} level {e.next_level} still needs:"]
        for n in needs(e):
            quote = f' — "{t(n.quote)}"' if n.quote else ""
            lines.append(f"  - {t(n.what)} [{n.status}]{quote}")
    questions = open_questions_line(result)
    if questions:
        lines += ["", questions]
        for q in result.open_questions[:10]:
            mark = "*" if q.blocks_readiness else " "
            lines.append(f"  {mark} {t(q.label)} [{t(q.dimension_label)}, L{q.level}]")
        if len(result.open_questions) > 10:
            lines.append(f"    … and {len(result.open_questions) - 10} more")
    lines += ["", f"Roadmap ({counted(len(result.roadmap_items), 'practice')}):"]
    for phase in result.roadmap:
        lines.append(f"  {phase.title}")
        for item in phase.items:
            lines.append(
                f"    {item.position:2}. {t(item.label)} [{t(item.dimension_label)}, L{item.level};"
                f" now {item.status}]"
            )
            lines.append(f"        why: {t(item.why)}")
    unguarded = [
        (i.label, f.label)
        for i in result.interfaces
        for f in i.failure_modes
        if f.status == "unguarded"
    ]
    if unguarded:
        lines += ["", f"Unguarded failure modes ({len(unguarded)}):"]
        lines += [f"  - {iface}: {fm}" for iface, fm in unguarded]
    summary = obligations_line(result)
    if summary:
        lines += ["", summary]
        for o in obligation_rows(result):
            ref = f" ({t(o.reference)})" if o.reference else ""
            lines.append(f"  - {t(o.label)}{ref}: {OBLIGATION_WORDS[o.status]}")
            if o.missing and o.status != "met":
                lines.append(f"        needs: {t('; '.join(o.missing))}")
    if result.outcomes:
        lines += ["", f"Outcomes (DORA {result.benchmark_year or 'no benchmark'}):"]
        for o in result.outcomes:
            cluster = o.cluster_label or "no band for this value"
            lines.append(f"  - {o.label}: {o.value_text} → {cluster}")
    change = change_since_previous(result)
    if change:
        lines += ["", change]
    return "\n".join(lines)


# -- Markdown --------------------------------------------------------------------------------------
def _md_chart(alt: str, svg: str | None) -> list[str]:
    """A chart as an image inside the file (a ``data:`` URI, so it shows offline and needs no
    file beside the report); nothing when the chart has no data. The tables beside it carry
    the same numbers for readers whose viewer does not show it."""
    from cmlops_kg.present.svg import data_uri

    return [f"![{md(alt)}]({data_uri(svg)})", ""] if svg else []


def _md_sources(sources: list[Source]) -> str:
    return "; ".join(
        f"[{md(s.label)}]({safe_url(s.url)})" if safe_url(s.url) else md(s.label) for s in sources
    )


def markdown_report(result: AssessmentResult) -> str:
    # the charts (svg, charts) only for the reports that draw them: not the CLI's table
    from cmlops_kg.present.svg import outcomes_svg, radar_svg, roadmap_svg

    lines = [
        f"# ML delivery maturity: {md(result.label)}",
        "",
        f"Assessment of {md(result.date or 'unknown date')}"
        + (f" by {md(result.method)}" if result.method else "")
        + ".",
        "",
        "## Summary",
        "",
        f"**{md(headline(result))}**",
        "",
    ]
    ext = "; ".join(md(external_line(e)) for e in result.external_levels.values())
    if ext:
        lines += [f"External levels: {ext}.", ""]
    if result.context:
        lines += [
            "Context: "
            + "; ".join(f"{md(c.factor_label)}: {md(c.label)}" for c in result.context)
            + ".",
            "",
        ]
    change = change_since_previous(result)
    if change:
        lines += [md(change), ""]
    actions = next_actions(result)
    if actions:
        lines += ["Next actions:", ""]
        lines += [f"1. **{md(i.label)}** — {md(i.why)}" for i in actions]
        lines.append("")
    lines += ["## Profile", "", *_md_chart("Radar of dimension levels", radar_svg(result))]
    lines += [
        "| Dimension | Proven | Potential | Target | Score | Unknown |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for d in result.dimensions:
        target = "" if d.target is None else str(d.target)
        lines.append(
            f"| {md(d.label)} | {d.level} | {d.potential} | {target} | {d.score:g} / "
            f"{d.max_score:g} | {d.unknown} |"
        )
    for e in result.external_levels.values():
        lines += ["", f"## {md(e.notation or e.model_label)}: level {e.level}", ""]
        lines.append(
            f"{md(e.label)}" + (f", up to level {e.potential}." if e.potential > e.level else ".")
        )
        if e.next_level is not None and e.missing_for_next:
            lines += ["", f"Level {e.next_level} ({md(e.next_label)}) still needs:", ""]
            for n in needs(e):
                quote = f' — "{md(n.quote)}"' if n.quote else ""
                lines.append(f"- {md(n.what)} ({n.status}){quote}")
    questions = open_questions_line(result)
    if questions:
        lines += ["", "## Open questions", "", md(questions), ""]
        lines += [
            f"- {md(q.label)} ({md(q.dimension_label)}, level {q.level})"
            + (" — blocks readiness" if q.blocks_readiness else "")
            for q in result.open_questions
        ]
    lines += ["", "## Roadmap", "", *_md_chart("Roadmap phases", roadmap_svg(result))]
    if not result.roadmap:
        lines.append("Nothing to do: every dimension is at the top level.")
    for phase in result.roadmap:
        lines += [f"### {md(phase.title)}", ""]
        for item in phase.items:
            lines.append(
                f"{item.position}. **{md(item.label)}** ({md(item.dimension_label)}, level "
                f"{item.level}; now {md(item.status)}) — {md(item.why)}"
            )
            if item.sources:
                lines.append(f"   Sources: {_md_sources(item.sources)}")
        lines.append("")
    if result.interfaces:
        lines += [
            "## Pipeline interfaces",
            "",
            "| Interface | Failure mode | Status |",
            "|---|---|---|",
        ]
        for i in result.interfaces:
            for f in i.failure_modes:
                lines.append(f"| {md(i.label)} | {md(f.label)} | {md(f.status_label)} |")
        lines.append("")
    summary = obligations_line(result)
    if summary:
        lines += ["## Obligations", "", md(summary) + ".", ""]
        rows = obligation_rows(result)
        if rows:
            lines += [
                "| Obligation | Reference | Binds | Status | Still needs |",
                "|---|---|---|---|---|",
            ]
            for o in rows:
                needs_text = "; ".join(o.missing) if o.status != "met" else ""
                lines.append(
                    f"| {md(o.label)} | {md(o.reference or '')} | {md(o.role or '')} | "
                    f"{OBLIGATION_WORDS[o.status]} | {md(needs_text)} |"
                )
            lines.append("")
    if result.outcomes:
        lines += [
            f"## Outcomes (DORA {result.benchmark_year or '—'})",
            "",
            *_md_chart("Outcomes against the DORA clusters", outcomes_svg(result)),
            "| Metric | Value | Period | Cluster |",
            "|---|---:|---|---|",
        ]
        for o in result.outcomes:
            period = f"{o.period_start or ''}–{o.period_end or ''}".strip("–")
            lines.append(
                f"| {md(o.label)} | {md(o.value_text)} | {period} | "
                f"{md(o.cluster_label or 'no band for this value')} |"
            )
        lines.append("")
    if len(result.history) > 1:
        lines += ["## History", "", "| Date | Readiness | Potential |", "|---|---:|---:|"]
        lines += [f"| {p.date} | {p.overall_level} | {p.potential_level} |" for p in result.history]
        lines.append("")
    sources = all_sources(result)
    if sources:
        lines += ["## Sources", ""]
        lines += [f"- [{md(label)}]({url})" if url else f"- {md(label)}" for label, url in sources]
    return "\n".join(lines).rstrip() + "\n"


# -- HTML ------------------------------------------------------------------------------------------
def html_report(result: AssessmentResult) -> str:
    # the charts (svg, charts) only for the reports that draw them: not the CLI's table
    from cmlops_kg.present.svg import outcomes_svg, radar_svg, roadmap_svg

    bars = level_bars(result)
    # markup built from escaped text (svg.py): the template inserts it with `| safe`
    charts = {
        "radar": radar_svg(result),
        "roadmap": roadmap_svg(result),
        "outcomes": outcomes_svg(result),
    }
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            r=result,
            headline=headline(result),
            actions=next_actions(result),
            change=change_since_previous(result),
            questions=open_questions_line(result),
            obligations=obligations_line(result),
            obligation_rows=obligation_rows(result),
            obligation_words=OBLIGATION_WORDS,
            external_line=external_line,
            bars=bars,
            max_level=MAX_LEVEL,
            scale=80,
            row=34,
            chart_height=max(1, len(bars)) * 34 + 30,
            sources=all_sources(result),
            needs=needs,
            charts=charts,
        )
    )
