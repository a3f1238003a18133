"""Framework page: lifecycle phases and their practices, one practice in detail, the pipelines
and the interfaces between them, and what the Google and Azure levels require."""

from __future__ import annotations

import pyarrow as pa
import streamlit as st

from cmlops_kg.app import support as ui
from cmlops_kg.errors import CmlopsError
from cmlops_kg.present.charts import lifecycle_dot, pipeline_dot
from cmlops_kg.present.framework import (
    FrameworkCatalogue,
    PracticeDetail,
    PracticeSummary,
    search_practices,
)
from cmlops_kg.present.words import counted


# Every rerun of this page (each keystroke in the search, each practice chosen) draws up to
# a dozen tables: built once per set of practices as Arrow tables (immutable, so shared by
# sessions), they are not rebuilt as DataFrames and converted to Arrow again on every run.
@st.cache_resource(show_spinner=False, max_entries=512)
def practice_table(iris: tuple[str, ...]) -> pa.Table:
    """The rows of the practices ``iris`` (catalogue IRIs), in that order."""
    by_iri = {p.iri: p for p in ui.catalogue().practices}
    return pa.Table.from_pylist(
        [
            {
                "Practice": p.label,
                "Type": p.kind,
                "Dimension": p.dimension_label,
                "Level": p.level,
                "Pipelines": ", ".join(p.pipelines),
            }
            for p in (by_iri[iri] for iri in iris)
        ]
    )


@st.cache_resource(show_spinner=False, max_entries=256)
def crosswalk_table(iri: str, _detail: PracticeDetail) -> pa.Table:
    """The crosswalk rows of the practice ``iri`` (``_detail``, its cached detail)."""
    return pa.Table.from_pylist(
        [
            {
                "Model": model,
                "Ids": ", ".join(e.notation for e in entries),
                "Items": "; ".join(e.label for e in entries),
            }
            for model, entries in _detail.crosswalk.items()
        ]
    )


def render_header(cat: FrameworkCatalogue) -> None:
    st.title("The Continuous ML Development framework")
    st.caption(
        "One lifecycle joining the DevOps loop and the ML loop. Every practice belongs to a "
        "phase, counts towards one dimension, is required from one maturity level on, extends "
        "a DevOps practice, and is crosswalked to the published models."
    )
    counts = cat.counts()
    cols = st.columns(5)
    cols[0].metric("Practices", counts["practices"])
    cols[1].metric("DevOps practices", counts["DevOps"])
    cols[2].metric("MLOps practices", counts["MLOps"])
    cols[3].metric("Lifecycle phases", counts["phases"])
    cols[4].metric("Dimensions", counts["dimensions"])


def render_lifecycle(
    cat: FrameworkCatalogue, matches: list[PracticeSummary], searching: bool
) -> None:
    if not searching:
        st.graphviz_chart(lifecycle_dot(cat.phases), width="stretch")
        st.caption(
            "Phases in order with their number of practices; blue: from the DevOps loop, "
            "violet: from the ML loop, green: where the two loops meet. Open a phase to see "
            "its practices."
        )
    wanted = {p.iri for p in matches}
    shown = 0
    for phase in cat.phases:
        practices = [p for p in phase.practices if p.iri in wanted]
        if searching and not practices:
            continue
        shown += 1
        size = counted(len(practices), "practice")
        title = f"{phase.order}. {phase.label} — {phase.stages} · {size}"
        with st.expander(title, expanded=searching):
            if phase.definition:
                st.caption(phase.definition)
            if practices:
                height = 35 * (len(practices) + 1) + 3  # every row, no inner scrolling
                table = practice_table(tuple(p.iri for p in practices))
                st.dataframe(table, hide_index=True, width="stretch", height=height)
    if searching and not shown:
        st.info("No practice name matches the search.")


def choose_practice(matches: list[PracticeSummary]) -> str | None:
    """The practice to show: the one in the URL (?practice=...) if it matches, else the first."""
    if not matches:
        st.info("No practice name matches the search; clear it to see them all.")
        return None
    keys = [p.key for p in matches]
    labels = {p.key: f"{p.label} ({p.kind}, level {p.level})" for p in matches}
    wanted = st.query_params.get("practice")
    if wanted in keys and st.session_state.get("fw_practice") not in keys:
        st.session_state["fw_practice"] = wanted
    if st.session_state.get("fw_practice") not in keys:
        st.session_state["fw_practice"] = keys[0]
    key = st.selectbox("Practice", keys, format_func=labels.get, key="fw_practice")
    st.query_params["practice"] = key
    return key


def _names(items: list, empty: str = "none") -> str:
    return ", ".join(r.label for r in items) or empty


def render_detail(detail: PracticeDetail) -> None:
    st.subheader(detail.label)
    st.markdown(ui.practice_badges(detail))
    if detail.definition:
        st.markdown(detail.definition)
    if detail.question:
        st.info(f"**Self-assessment question:** {detail.question}", icon=":material/help:")
    left, right = st.columns(2)
    with left:
        st.markdown(
            "\n".join(
                [
                    f"- **Dimension:** {detail.dimension_label}",
                    f"- **Level:** {detail.level_label}",
                    f"- **Lifecycle phase:** {detail.phase_label or '–'}",
                    f"- **Pipelines:** {_names(detail.related('in pipeline'))}",
                ]
            )
        )
    with right:
        direct = detail.related("extends")
        extends = _names(direct, "nothing: it is a root DevOps practice")
        # the DevOps roots only when they say more than the direct 'extends' (an ML practice
        # that extends another ML practice); otherwise the same fact twice
        roots = [r for r in detail.devops_roots if r.iri not in {d.iri for d in direct}]
        root_line = [f"- **DevOps practice it builds on:** {_names(roots)}"] if roots else []
        st.markdown(
            "\n".join(
                [
                    f"- **Extends:** {extends}",
                    *root_line,
                    f"- **Prerequisites:** {_names(detail.related('requires'))}",
                    f"- **Needed by:** {_names(detail.related('required by'))}",
                    f"- **Interfaces it secures:** {_names(detail.related('secures'))}",
                ]
            )
        )
    render_crosswalk(detail)
    render_sources(detail)
    if detail.example or detail.rationale:
        with st.expander("Examples and rationale"):
            if detail.example:
                st.markdown(f"**Examples:** {detail.example}")
            if detail.rationale:
                st.markdown(f"**Why here:** {detail.rationale}")


def render_crosswalk(detail: PracticeDetail) -> None:
    st.markdown("##### Crosswalk")
    if not detail.crosswalk:
        st.caption("Not mapped to any external model yet.")
        return
    st.dataframe(
        crosswalk_table(detail.iri, detail),
        hide_index=True,
        width="stretch",
        column_config={
            "Model": st.column_config.TextColumn(width="small"),
            "Ids": st.column_config.TextColumn(width="medium"),
            "Items": st.column_config.TextColumn(width="large"),
        },
    )
    names = ", ".join(f"{m} = {entries[0].model_label}" for m, entries in detail.crosswalk.items())
    st.caption(names)


def render_sources(detail: PracticeDetail) -> None:
    st.markdown("##### Sources")
    if not detail.sources:
        st.caption("No sources cited.")
        return
    lines = []
    for s in detail.sources:
        name = f"[{s.label}]({s.url})" if s.url else s.label
        extra = ", ".join(filter(None, [s.title, s.creators]))
        lines.append(f"- {name}" + (f" — {extra}" if extra else ""))
    st.markdown("\n".join(lines))


def render_pipelines(cat: FrameworkCatalogue, detail: PracticeDetail | None) -> None:
    highlight = [r.iri for r in detail.related("secures")] if detail else []
    st.graphviz_chart(pipeline_dot(cat.pipelines, cat.interfaces, highlight), width="stretch")
    if detail and highlight:
        st.caption(f"Highlighted: the interfaces that **{detail.label}** secures.")
    else:
        st.caption("Pick a practice that secures an interface to highlight it.")
    for i in cat.interfaces:
        with st.expander(f"{i.label} ({i.source_label} → {i.target_label})"):
            if i.definition:
                st.markdown(i.definition)
            st.markdown(
                f"- **Artefacts:** {', '.join(i.artefacts) or '–'}\n"
                f"- **Secured by:** {', '.join(i.secured_by) or 'no practice yet'}"
            )


def render_external_levels() -> None:
    st.caption(
        "What each level of the external maturity models requires from the cmlops catalogue "
        "(cumulative: a level includes everything the levels below it require)."
    )
    for req in ui.level_requirements():
        size = counted(len(req.practices), "practice")
        title = f"{req.level_label} — {size} ({len(req.new_practices)} new)"
        with st.expander(title):
            st.markdown("\n".join(f"- {name}" for name in req.new_practices) or "Nothing new.")


def main() -> None:
    cat = ui.catalogue()
    render_header(cat)
    search = st.text_input(
        "Search practices",
        key="fw_search",
        placeholder="e.g. drift, registry, kubernetes, data validation",
        help="Matches names first, then definitions, tool examples and criteria.",
    )
    matches = search_practices(cat.practices, search, ui.practice_search_texts())
    if search.strip():
        st.caption(
            f"{len(matches)} of {len(cat.practices)} practices "
            + ("matches." if len(matches) == 1 else "match.")
        )
    tab_life, tab_practice, tab_pipes, tab_levels = st.tabs(
        ["Lifecycle phases", "Practice detail", "Pipelines and interfaces", "Google / Azure levels"]
    )
    detail = None
    with tab_practice:
        key = choose_practice(matches)
        if key:
            try:
                detail = ui.cached_practice_detail(key)
            except CmlopsError as exc:
                ui.show_error(exc, "Cannot show this practice")
            else:
                render_detail(detail)
    with tab_life:
        render_lifecycle(cat, matches, bool(search.strip()))
    with tab_pipes:
        render_pipelines(cat, detail)
    with tab_levels:
        render_external_levels()


main()
