"""Compare / portfolio page: several organisations side by side (a heatmap of dimension levels)
and one organisation's assessments over time (a history line)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cmlops_kg.app import support as ui
from cmlops_kg.app.figures import heatmap_figure
from cmlops_kg.app.loaded import Analysis
from cmlops_kg.assessment.result import AssessmentResult
from cmlops_kg.errors import CmlopsError
from cmlops_kg.present.charts import heatmap_data, history_heatmap_data, history_series


def gather_analyses() -> list[Analysis]:
    """The bundled case studies the user keeps, the session's profile and extra uploads."""
    examples = {ex.key: ex for ex in ui.bundled_examples()}
    chosen = st.multiselect(
        "Case studies",
        list(examples),
        default=list(examples),
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


def summary_table(results: list[AssessmentResult]) -> pd.DataFrame:
    rows = []
    for r in results:
        row = {
            "Organisation": r.label,
            "Assessed": r.date,
            "Readiness": r.readiness.level,
            "Potential": r.readiness.potential,
            "Lopsided": "yes" if r.readiness.lopsided else "",
            "Google": r.external_levels["google"].level if "google" in r.external_levels else None,
            "Azure": r.external_levels["azure"].level if "azure" in r.external_levels else None,
        }
        row.update({d.notation or d.label: d.level for d in r.dimensions})
        rows.append(row)
    return pd.DataFrame(rows)


def render_portfolio(results: list[AssessmentResult]) -> None:
    st.subheader("Organisations side by side")
    st.caption("Each organisation's latest assessment; colour and number are the level (0–4).")
    st.plotly_chart(heatmap_figure(heatmap_data(results)), key="cmp_heatmap")
    st.dataframe(summary_table(results), hide_index=True, width="stretch")


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
}


def render_outcomes() -> None:
    """Do teams with more mature practice have better outcomes? (bundled case studies)"""
    from cmlops_kg.app.figures import outcome_scatter_figure
    from cmlops_kg.assessment.outcomes import practice_vs_outcome
    from cmlops_kg.present.charts import outcome_scatter_data

    st.subheader("Practices against outcomes")
    st.caption(
        "The framework claims that more mature practice brings better delivery outcomes. "
        "Check it on data: each bundled case study's latest assessment, one dimension's level "
        "against one outcome metric (queries/practice_vs_outcome.rq)."
    )
    dimensions = {
        str(r["label"]): str(r["dimension"]) for r in ui.ontology_store().select("docs/dimensions")
    }
    cols = st.columns(3)
    dimension = cols[0].selectbox(
        "Dimension", list(dimensions), index=_index(dimensions, "Delivery"), key="cmp_dim"
    )
    metric = cols[1].selectbox("Outcome metric", list(METRICS), key="cmp_metric")
    threshold = cols[2].slider("Level threshold", 1, 4, 3, key="cmp_threshold")
    comparison = practice_vs_outcome(
        ui.bundled_store(), dimensions[dimension], METRICS[metric], threshold
    )
    if not comparison.teams:
        st.info(f"No case study reports {metric.lower()}.")
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


def render_shared_store() -> None:
    """Every organisation in the shared store the app was started with (--endpoint/--store)."""
    from cmlops_kg.assessment.portfolio import assess_portfolio

    endpoint, location = ui.shared_store_location()
    try:
        store = ui.shared_store()
    except CmlopsError as exc:
        st.subheader("Shared store portfolio")
        ui.show_error(exc, "The shared store cannot be opened")
        return
    if store is None:
        return
    st.subheader("Shared store portfolio")
    st.caption(
        f"Every organisation in {'the SPARQL endpoint ' + endpoint if endpoint else location} "
        "(latest assessment each), as 'cmlops-kg portfolio' reports it."
    )
    try:
        teams = assess_portfolio(store)
    except CmlopsError as exc:
        ui.show_error(exc, "The shared store cannot be read")
        return
    if not teams:
        st.info("The shared store holds no assessed organisation yet: 'cmlops-kg load FILE'.")
        return
    rows = [team.flat() for team in teams]
    st.dataframe(pd.DataFrame(rows).drop(columns=["iri"]), hide_index=True, width="stretch")


def main() -> None:
    st.title("Compare organisations")
    st.caption(
        "A portfolio view: dimension levels of several organisations, and how one "
        "organisation's levels changed between assessments."
    )
    render_shared_store()
    with st.expander("What to compare", expanded=False):
        analyses = gather_analyses()
    results = latest_results(analyses)
    if not results:
        st.info("Choose at least one case study or add a profile to compare.")
        return
    cols = st.columns(3)
    cols[0].metric("Organisations", len(results))
    cols[1].metric("Assessments", sum(len(r.history) for r in results))
    levels = [r.readiness.level for r in results]
    cols[2].metric("Readiness levels", f"{min(levels)} – {max(levels)}")
    render_portfolio(results)
    render_history(results)
    render_outcomes()


main()
