"""Compare / portfolio page: many organisations at once (filters, the spread of levels per
dimension, the dimensions that hold most back, a sortable table with downloads, one
organisation in detail), one organisation's assessments over time, practices against
outcomes."""

from __future__ import annotations

import statistics
import time

import pandas as pd
import streamlit as st

from cmlops_kg.app import support as ui
from cmlops_kg.app.figures import (
    distribution_figure,
    drilldown_figure,
    heatmap_figure,
    weakest_figure,
)
from cmlops_kg.app.loaded import Analysis
from cmlops_kg.assessment.result import AssessmentResult
from cmlops_kg.errors import CmlopsError
from cmlops_kg.present.charts import history_heatmap_data, history_series
from cmlops_kg.present.escape import md
from cmlops_kg.present.portfolio_view import (
    MAX_LEVEL,
    PortfolioRow,
    compared_with_portfolio,
    csv_download,
    dimension_names,
    filter_rows,
    heatmap_data,
    json_download,
    level_distribution,
    rows_from_results,
    rows_from_teams,
    table,
    weakest_dimensions,
)
from cmlops_kg.present.words import counted


def gather_analyses(default_all: bool = True) -> list[Analysis]:
    """The bundled case studies the user keeps (all of them unless a shared store is the
    portfolio), the session's profile and extra uploads."""
    examples = {ex.key: ex for ex in ui.bundled_examples()}
    chosen = st.multiselect(
        "Case studies",
        list(examples),
        default=list(examples) if default_all else [],
        format_func=lambda k: examples[k].title,
        key="cmp_cases",
    )
    analyses = [ui.analysis_of(ui.example_source(examples[k])) for k in chosen]
    current = ui.current_source()
    if current is not None and current.origin != "case study":
        label = f"Include the profile from the Assess page ({current.name})"
        if st.checkbox(label, value=True, key="cmp_current"):
            analyses.append(_safe(current))
    uploads = st.file_uploader(
        "Add profiles to compare (.ttl, .jsonld, .rdf, .nt)",
        accept_multiple_files=True,
        key="cmp_upload",
    )
    for uploaded in uploads or []:
        source = ui.ProfileSource(uploaded.name, uploaded.getvalue(), None, "upload")
        analyses.append(_safe(source))
    return [a for a in analyses if a is not None]


def _safe(source: ui.ProfileSource) -> Analysis | None:
    try:
        return ui.analysis_of(source)
    except CmlopsError as exc:
        ui.show_error(exc, f"{source.name} is left out of the comparison")
        return None


def latest_results(analyses: list[Analysis]) -> list[AssessmentResult]:
    results = []
    for analysis in analyses:
        try:
            results.extend(analysis.latest_results())
        except CmlopsError as exc:
            ui.show_error(exc, f"{analysis.name} is left out of the comparison")
    return results


HEATMAP_MAX = 40  # more rows than this make a heatmap a wall of colour: the distribution says it


def render_portfolio(rows: list[PortfolioRow], results: list[AssessmentResult]) -> None:
    """Filters, the portfolio at a glance, the sortable table with downloads, one
    organisation in detail."""
    shown = render_filters(rows)
    if not shown:
        st.info("No organisation matches the filters.")
        return
    render_overview(shown, len(rows))
    if len(shown) <= HEATMAP_MAX:
        with st.expander("Heatmap: organisations × dimensions", expanded=len(shown) <= 15):
            st.caption("Colour and number are each dimension's proven level (0–4).")
            st.plotly_chart(heatmap_figure(heatmap_data(shown)), key="cmp_heatmap")
    selected = render_table(shown)
    render_drilldown(selected or shown[0], shown, results)


def render_filters(rows: list[PortfolioRow]) -> list[PortfolioRow]:
    cols = st.columns([2, 2, 3])
    text = cols[0].text_input("Find an organisation", key="cmp_find", placeholder="name or IRI")
    low, high = cols[1].slider("Readiness level", 0, MAX_LEVEL, (0, MAX_LEVEL), key="cmp_ready")
    limited = cols[2].multiselect(
        "Held back by",
        dimension_names(rows),
        key="cmp_limited",
        help="Only organisations whose readiness one of these dimensions holds down.",
    )
    return filter_rows(rows, text, (low, high), limited)


def render_overview(shown: list[PortfolioRow], total: int) -> None:
    weak = weakest_dimensions(shown)
    cols = st.columns(4)
    cols[0].metric(
        "Organisations", len(shown) if len(shown) == total else f"{len(shown)} of {total}"
    )
    cols[1].metric("Readiness (median)", f"{statistics.median(r.readiness for r in shown):g}")
    google = [r.google for r in shown if r.google is not None]
    cols[2].metric("Google level (median)", f"{statistics.median(google):g}" if google else "—")
    if weak and weak[0].limits:  # a name is too long for a metric's big digits: plain words
        cols[3].markdown(
            f"Holds most back  \n**{md(weak[0].dimension)}**  \n"
            f":gray[limits {counted(weak[0].limits, 'organisation')}]"
        )
    left, right = st.columns(2)
    with left:
        st.markdown("##### Levels per dimension")
        st.caption("How many organisations stand at each level of each dimension.")
        st.plotly_chart(distribution_figure(level_distribution(shown)), key="cmp_distribution")
    with right:
        st.markdown("##### Weakest dimensions across the portfolio")
        st.caption(
            "How many organisations each dimension holds back (their readiness is that "
            "dimension's level): where help raises most levels."
        )
        st.plotly_chart(weakest_figure(weak), key="cmp_weakest")


def render_table(shown: list[PortfolioRow]) -> PortfolioRow | None:
    """The sortable table (click a column header); choosing a row opens it below."""
    st.markdown("##### Every organisation")
    st.caption("Sort by clicking a column header; choose a row to see that organisation below.")
    frame = pd.DataFrame(table(shown))
    event = st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        key="cmp_table",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "Organisation": st.column_config.TextColumn(width="medium", pinned=True),
            **{
                name: st.column_config.NumberColumn(width="small")
                for name in ("Readiness", "Potential", "Google", "Azure", "Gaps")
            },
            "Held back by": st.column_config.TextColumn(width="large"),
            "IRI": st.column_config.TextColumn(width="medium"),
            **dimension_columns(dimension_names(shown)),
        },
    )
    st.caption(
        "Dimension columns by their code: "
        + " · ".join(f"{code} {name}" for name, code in dimension_codes().items())
    )
    cols = st.columns([1, 1, 4])
    cols[0].download_button(
        "Download CSV", csv_download(shown), "portfolio.csv", "text/csv", key="cmp_csv"
    )
    cols[1].download_button(
        "Download JSON", json_download(shown), "portfolio.json", "application/json", key="cmp_json"
    )
    picked = event.selection.rows if event is not None and event.selection else []
    return shown[picked[0]] if picked and picked[0] < len(shown) else None


def dimension_codes() -> dict[str, str]:
    """Dimension label -> its short code (the ontology's skos:notation)."""
    return {
        str(r["label"]): str(r["notation"])
        for r in ui.dimension_rows()
        if r["notation"] is not None
    }


def dimension_columns(names: list[str]) -> dict[str, object]:
    """Dimension columns headed by their code (the full names would be cut off), the name on
    hover; the downloads keep the full names."""
    codes = dimension_codes()
    return {
        name: st.column_config.NumberColumn(codes.get(name, name), help=name, width="small")
        for name in names
    }


def render_drilldown(
    row: PortfolioRow, shown: list[PortfolioRow], results: list[AssessmentResult]
) -> None:
    st.markdown(f"##### {md(row.organisation)}")  # a name from a profile, not markup
    external = [f"Google level {row.google}" if row.google is not None else ""]
    external.append(f"Azure level {row.azure}" if row.azure is not None else "")
    facts = [
        f"readiness {row.readiness}"
        + (f" (up to {row.potential})" if row.potential > row.readiness else "")
    ]
    facts += [e for e in external if e]
    if row.limiting:
        facts.append("held back by " + ", ".join(row.limiting))
    if row.gaps is not None:
        facts.append(counted(row.gaps, "practice") + " missing for the next level")
    st.caption(f"Assessed {row.date or 'on an unknown date'} · " + " · ".join(facts))
    st.plotly_chart(
        drilldown_figure(compared_with_portfolio(row, shown), row.organisation),
        key="cmp_drilldown",
    )
    full = next((r for r in results if r.organisation == row.iri), None)
    if full is not None and full.roadmap:
        first = full.roadmap[0]
        items = ", ".join(i.label for i in first.items[:5])
        st.caption(f"First roadmap phase: {first.title} — {items}.")


def render_history(results: list[AssessmentResult]) -> None:
    from cmlops_kg.app.figures import history_figure

    st.subheader("One organisation over time")
    by_label = {r.label: r for r in results}
    with_history = [label for label, r in by_label.items() if len(r.history) > 1]
    options = with_history + [label for label in by_label if label not in with_history]
    label = st.selectbox(
        "Organisation",
        options,
        key="cmp_org",
        help="Organisations with more than one assessment are listed first.",
    )
    result = by_label[label]
    if len(result.history) < 2:
        st.info(f"{label} has been assessed once; its history is a single point.")
    left, right = st.columns([1, 1])
    with left:
        st.plotly_chart(history_figure(history_series(result.history)), key="cmp_history")
    with right:
        data = history_heatmap_data(result.history)
        frame = pd.DataFrame(data.z, index=data.rows, columns=data.columns).T
        frame.index.name = "Dimension"
        st.dataframe(
            frame,
            width="stretch",
            column_config={"_index": st.column_config.TextColumn("Dimension", width="medium")},
        )


METRICS = {
    "Deployment frequency": "https://w3id.org/cmlops#metric-deployment-frequency",
    "Change lead time": "https://w3id.org/cmlops#metric-change-lead-time",
    "Change fail rate": "https://w3id.org/cmlops#metric-change-fail-rate",
    "Failed deployment recovery time": "https://w3id.org/cmlops#metric-failed-deployment-recovery-time",
    "Time to retrain": "https://w3id.org/cmlops#metric-time-to-retrain",
    "Model lead time": "https://w3id.org/cmlops#metric-model-lead-time",
    "Time to detect": "https://w3id.org/cmlops#metric-time-to-detect",
    "Prediction quality lost": "https://w3id.org/cmlops#metric-prediction-quality-lost",
}
OUTCOME_DATA = {
    "Bundled case studies (reported)": "cases",
    "Validation lab (measured)": "lab",
}


def render_outcomes() -> None:
    """Do teams with more mature practice have better outcomes? On the case studies' reported
    outcomes or on the validation lab's measured ones."""
    from cmlops_kg.app.figures import outcome_scatter_figure
    from cmlops_kg.assessment.outcomes import practice_vs_outcome
    from cmlops_kg.present.charts import outcome_scatter_data

    st.subheader("Practices against outcomes")
    st.caption(
        "The framework claims that more mature practice brings better delivery outcomes. "
        "Check it on data: each team's latest assessment, one dimension's level against one "
        "outcome metric (queries/practice_vs_outcome.rq) - the outcomes the bundled case "
        "studies report, or those the validation lab measured on its five generated systems."
    )
    data = st.radio("Outcome data", list(OUTCOME_DATA), horizontal=True, key="cmp_outcome_data")
    store = ui.lab_store() if OUTCOME_DATA[data] == "lab" else ui.bundled_store()
    dimensions = {str(r["label"]): str(r["dimension"]) for r in ui.dimension_rows()}
    cols = st.columns(3)
    dimension = cols[0].selectbox(
        "Dimension", list(dimensions), index=_index(dimensions, "Delivery"), key="cmp_dim"
    )
    metric = cols[1].selectbox("Outcome metric", list(METRICS), key="cmp_metric")
    threshold = cols[2].slider("Level threshold", 1, 4, 3, key="cmp_threshold")
    comparison = practice_vs_outcome(store, dimensions[dimension], METRICS[metric], threshold)
    if not comparison.teams:
        source = "lab run measured" if OUTCOME_DATA[data] == "lab" else "case study reports"
        st.info(f"No {source} {metric.lower()}.")
        return
    above, below = comparison.median(above=True), comparison.median(above=False)
    cols = st.columns(2)
    cols[0].metric(
        f"Median at level ≥ {threshold} ({comparison.count(above=True)} teams)",
        f"{above:.3g} {comparison.unit}" if above is not None else "—",
    )
    cols[1].metric(
        f"Median below level {threshold} ({comparison.count(above=False)} teams)",
        f"{below:.3g} {comparison.unit}" if below is not None else "—",
    )
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(
            outcome_scatter_figure(outcome_scatter_data(comparison), metric), key="cmp_outcomes"
        )
    with right:
        rows = [
            {"Organisation": t.label, "Level": t.level, metric: f"{t.value:.3g} {comparison.unit}"}
            for t in comparison.teams
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _index(options: dict, prefix: str) -> int:
    return next((i for i, k in enumerate(options) if k.startswith(prefix)), 0)


def shared_store_rows() -> list[PortfolioRow]:
    """Every organisation in the shared store the app was started with (--endpoint/--store),
    latest assessment each, as 'cmlops-kg portfolio' reports them (kept until the store
    changes: ui.shared_portfolio)."""
    endpoint, location = ui.shared_store_location()
    try:
        store = ui.shared_store()
    except CmlopsError as exc:
        ui.show_error(exc, "The shared store cannot be opened")
        return []
    if store is None:
        return []
    try:
        with st.spinner("Assessing the shared store's organisations…"):
            teams, when = ui.shared_portfolio(store)
    except CmlopsError as exc:
        ui.show_error(exc, "The shared store cannot be read")
        return []
    where = f"the SPARQL endpoint {endpoint}" if endpoint else location
    if not teams:
        st.info(f"{where} holds no assessed organisation yet: 'cmlops-kg load FILE'.")
        return []
    left, right = st.columns([5, 1], vertical_alignment="center")
    stamp = time.strftime("%H:%M:%S", time.localtime(when))
    left.caption(f"{counted(len(teams), 'organisation')} from {where}, as assessed at {stamp}.")
    if endpoint and right.button("Read again", key="cmp_refresh"):
        st.session_state[ui.PORTFOLIO_REFRESH] = st.session_state.get(ui.PORTFOLIO_REFRESH, 0) + 1
        st.rerun()
    return rows_from_teams(teams, {code: name for name, code in dimension_codes().items()})


def main() -> None:
    st.title("Compare organisations")
    st.caption(
        "A portfolio view: every organisation's latest levels, how they spread per dimension, "
        "which dimensions hold most of them back, one organisation in detail, and how one "
        "organisation's levels changed between assessments."
    )
    shared = shared_store_rows()
    with st.expander("What to compare", expanded=False):
        analyses = gather_analyses(default_all=not shared)
    results = latest_results(analyses)
    rows = shared + rows_from_results(results)
    if not rows:
        st.info("Choose at least one case study or add a profile to compare.")
        return
    render_portfolio(rows, results)
    if results:
        render_history(results)
    render_outcomes()


main()
