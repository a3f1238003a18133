"""Assess page: a bundled case study, an uploaded or pasted profile, or the questionnaire in,
levels, external levels, scores, gaps, roadmap and the validation report out."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from pathlib import Path

import pandas as pd
import streamlit as st
import yaml

from cmlops_kg.app import questionnaire as cards
from cmlops_kg.app import support as ui
from cmlops_kg.app.figures import radar_figure
from cmlops_kg.app.loaded import FORMAT_CHOICES, MAX_UPLOAD_BYTES, Analysis
from cmlops_kg.assessment.questionnaire import (
    ResumedAnswers,
    answers_document,
    organisation_iri,
    parse_answers,
    questionnaire_turtle,
    resume_answers,
)
from cmlops_kg.assessment.result import AssessmentResult, ExternalLevel
from cmlops_kg.errors import CmlopsError
from cmlops_kg.present.charts import (
    interface_guard_status,
    pipeline_dot,
    score_rows,
    weakest_score,
)
from cmlops_kg.present.report import html_report, markdown_report
from cmlops_kg.present.words import counted

SOURCES = ["Bundled case study", "Upload a profile", "Questionnaire"]
SHARED = "An organisation in the shared store"  # offered when the app was started with one
QUESTIONNAIRE_SOURCE = "questionnaire_source"


# -- where the profile comes from ----------------------------------------------------------------
def case_study_source() -> ui.ProfileSource | None:
    examples = {ex.key: ex for ex in ui.bundled_examples()}
    if not examples:
        st.warning("No case studies are bundled (examples/profiles/ is empty).")
        return None
    key = st.selectbox(
        "Case study",
        list(examples),
        format_func=lambda k: examples[k].title,
        key="assess_case",
    )
    example = examples[key]
    if example.narrative:
        st.caption(example.narrative)
    return ui.example_source(example)


def shared_source(store) -> ui.ProfileSource | None:
    """The profile of an organisation held by the shared store (as 'cmlops-kg load' put it
    there), assessed here exactly as a bundled case study is."""
    try:
        entries = store.organisations()
    except CmlopsError as exc:
        ui.show_error(exc, "The shared store cannot be read")
        return None
    if not entries:
        st.info("The shared store holds no organisation yet: 'cmlops-kg load FILE'.")
        return None
    by_graph = {e.graph: e for e in entries}
    graph = st.selectbox(
        "Organisation",
        list(by_graph),
        format_func=lambda g: by_graph[g].label or by_graph[g].organisation,
        key="assess_shared",
    )
    entry = by_graph[graph]
    try:
        data = store.export(graph)
    except CmlopsError as exc:
        ui.show_error(exc, "The organisation's profile cannot be read from the shared store")
        return None
    name = f"{(entry.label or 'profile').lower().replace(' ', '-')}.ttl"
    return ui.ProfileSource(name, data, "turtle", "shared store")


def upload_source() -> ui.ProfileSource | None:
    left, right = st.columns([3, 1])
    uploaded = left.file_uploader(
        "Profile file (Turtle, JSON-LD, RDF/XML or N-Triples), or questionnaire answers (YAML)",
        key="assess_upload",
        max_upload_size=MAX_UPLOAD_BYTES // (1024 * 1024),
        help="A profile as written by 'cmlops-kg import' or by hand, up to 20 MB; or the "
        "answers.yaml of 'cmlops-kg questionnaire', imported exactly as 'cmlops-kg import' "
        "does. The syntax comes from the extension (.ttl, .jsonld, .rdf, .nt, .yaml) unless "
        "you choose a format.",
    )
    fmt = right.selectbox("Format", FORMAT_CHOICES, key="assess_format")
    with st.expander("…or paste the profile text"):
        pasted = st.text_area(
            "Profile text", key="assess_paste", height=200, placeholder="@prefix cmlops: ..."
        )
    if uploaded is not None:
        if Path(uploaded.name).suffix.lower() in ANSWERS_SUFFIXES:
            return answers_source(uploaded.name, uploaded.getvalue())
        return ui.ProfileSource(uploaded.name, uploaded.getvalue(), fmt, "upload")
    if pasted.strip():
        syntax = fmt if fmt != FORMAT_CHOICES[0] else "turtle"
        return ui.ProfileSource("pasted text", pasted.encode("utf-8"), syntax, "pasted text")
    st.info("Upload a profile file or paste its text to assess it.", icon=":material/upload:")
    return None


ANSWERS_SUFFIXES = (".yaml", ".yml")


def answers_source(name: str, data: bytes) -> ui.ProfileSource | None:
    """Uploaded questionnaire answers -> the profile 'cmlops-kg import' makes of them."""
    try:
        turtle = questionnaire_turtle(parse_answers(data, name), ui.ontology_store())
    except CmlopsError as exc:
        ui.show_error(exc, "The answers do not make a profile")
        return None
    return ui.ProfileSource(f"{Path(name).stem}.ttl", turtle, "turtle", "upload")


PER_PRACTICE, PER_CRITERION = "One question per practice", "One question per criterion"
NOT_DECLARED = "not declared"
METHOD_CHOICES = ["questionnaire", "audit", "repository-scan"]


RESUMED = "q_resumed"  # (upload digest, ResumedAnswers, generation) of the resumed answers


def resume_uploaded_answers() -> ResumedAnswers | None:
    """An uploaded answers.yaml fills the questionnaire in again (name, date, method, context,
    target and every answer), once per file; editing then goes on from there."""
    uploaded = st.file_uploader(
        "Resume from an answers file (answers.yaml, as downloaded below or written by "
        "'cmlops-kg questionnaire')",
        type=["yaml", "yml"],
        key="q_resume",
    )
    held = st.session_state.get(RESUMED)
    if uploaded is None:
        return held[1] if held else None
    data = uploaded.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    if held and held[0] == digest:
        return held[1]
    try:
        resumed = resume_answers(
            parse_answers(data, uploaded.name), uploaded.name, ui.ontology_store()
        )
    except CmlopsError as exc:
        ui.show_error(exc, "The answers file cannot be resumed")
        return held[1] if held else None
    generation = (held[2] + 1) if held else 1
    st.session_state[RESUMED] = (digest, resumed, generation)
    # the widgets below are created after this, so their values can be set now
    st.session_state["q_name"] = resumed.name
    st.session_state["q_iri"] = resumed.iri
    with contextlib.suppress(ValueError):
        st.session_state["q_date"] = dt.date.fromisoformat(resumed.date)
    if resumed.method in METHOD_CHOICES:
        st.session_state["q_method"] = resumed.method
    for factor in ui.questionnaire_context_and_targets()["context"]:
        st.session_state[f"q_ctx_{factor}"] = resumed.context.get(factor, NOT_DECLARED)
    st.session_state["q_target"] = resumed.target or ""
    st.session_state["q_granularity"] = PER_CRITERION if resumed.by_criterion else PER_PRACTICE
    # both granularities start from the file: per criterion, a whole-practice answer speaks for
    # the criteria not answered one by one (as import reads it)
    cards.hold({**resumed.answers, **resumed.for_criteria()})
    st.success(
        f"Resumed {counted(len(resumed.answers), 'answer')} for {resumed.name} from "
        f"{uploaded.name}.",
        icon=":material/history:",
    )
    return resumed


def questionnaire_context() -> tuple[dict[str, str], str]:
    """The context factors and the target preset, as the CLI's answers.yaml declares them."""
    document = ui.questionnaire_context_and_targets()
    st.markdown("**Context** — decides which practices apply (and which obligations bind)")
    factors = document["context"]
    cols = st.columns(len(factors) or 1)
    context: dict[str, str] = {}
    for col, (key, factor) in zip(cols, factors.items(), strict=False):
        labels = {NOT_DECLARED: NOT_DECLARED, **factor["choices"]}
        chosen = col.selectbox(
            factor["factor"],
            list(labels),
            format_func=labels.__getitem__,
            key=f"q_ctx_{key}",
            help=factor["about"],
        )
        if chosen != NOT_DECLARED:
            context[key] = chosen
    presets = {"": "none", **document["target"]["presets"]}
    target = st.selectbox(
        "Target profile (optional)",
        list(presets),
        format_func=presets.__getitem__,
        key="q_target",
        help="Gaps and the roadmap are also computed to this target.",
    )
    return context, target


def questionnaire_source() -> ui.ProfileSource | None:
    st.caption(
        "Questions generated from the ontology. Answer per practice (the answer speaks for each "
        "of its criteria) or per criterion (each one observable thing, as "
        "`cmlops-kg questionnaire` asks). Set a status for what you know; an unanswered "
        "question is unknown: it counts as missing for the proven level and as possibly met "
        "for the potential one. *Not applicable* needs a justification. The mode (manual or "
        "automated) sets the ML-Test-Score-style score."
    )
    resumed = resume_uploaded_answers()
    cols = st.columns([2, 2, 1, 1])
    name = cols[0].text_input("Organisation name", key="q_name", placeholder="Acme Analytics")
    iri = cols[1].text_input(
        "Organisation IRI (optional)", key="q_iri", placeholder="https://example.org/org/acme"
    )
    if "q_date" not in st.session_state:
        st.session_state["q_date"] = dt.date.today()
    date = cols[2].date_input("Assessment date", key="q_date")
    method = cols[3].selectbox("Method", METHOD_CHOICES, key="q_method")
    context, target = questionnaire_context()
    granularity = st.radio(
        "Questions", [PER_PRACTICE, PER_CRITERION], key="q_granularity", horizontal=True
    )
    per_criterion = granularity == PER_CRITERION
    generation = st.session_state[RESUMED][2] if resumed is not None else 0
    answers, done, _ = cards.render(list(ui.questionnaire_items()), per_criterion, generation)
    left, middle, right = st.columns([1, 1, 2], vertical_alignment="center")
    live = left.toggle(
        "Result updates as you answer",
        value=True,
        key="q_live",
        help="Each change rebuilds the profile and assesses it (once the organisation has "
        "a name); switch off to assess only with the button.",
    )
    if middle.button("Build the profile and assess", type="primary", key="q_build") or (
        live and name.strip() and done
    ):
        build_questionnaire_profile(name, iri, date, method, answers, context, target)
    elif live:
        st.caption("Give the organisation a name and answer a question to see the result.")
    document = answers_document(
        name.strip(),
        answers,
        organisation=iri.strip(),
        date=date,
        method=method,
        context=context or None,
        target=target or None,
    )
    right.download_button(
        "Download the answers (answers.yaml)",
        yaml.safe_dump(document, sort_keys=False, allow_unicode=True),
        file_name="answers.yaml",
        mime="application/yaml",
        key="q_download",
        help="The same format as 'cmlops-kg questionnaire': finish it in an editor, then "
        "import it with 'cmlops-kg import' or assess it here under 'Upload a profile'.",
    )
    return st.session_state.get(QUESTIONNAIRE_SOURCE)


def build_questionnaire_profile(
    name: str,
    iri: str,
    date: dt.date,
    method: str,
    answers: list[dict],
    context: dict[str, str] | None = None,
    target: str = "",
) -> None:
    """Answers -> profile (Turtle), exactly as 'cmlops-kg import' builds it."""
    document = answers_document(
        name.strip(),
        answers,
        organisation=iri.strip() or organisation_iri(name),
        date=date,
        method=method,
        context=context or None,
        target=target or None,
    )
    try:
        turtle = questionnaire_turtle(document, ui.ontology_store())
    except CmlopsError as exc:
        st.session_state.pop(QUESTIONNAIRE_SOURCE, None)
        ui.show_error(exc, "The answers do not make a profile yet")
        return
    st.session_state[QUESTIONNAIRE_SOURCE] = ui.ProfileSource(
        "questionnaire.ttl", turtle, "turtle", "questionnaire"
    )


# -- results -------------------------------------------------------------------------------------
def choose_assessment(analysis: Analysis) -> tuple[str | None, str | None]:
    organisations = analysis.organisations()
    if not organisations:
        return None, None
    org = next(iter(organisations))
    if len(organisations) > 1:
        org = st.selectbox(
            "Organisation", list(organisations), format_func=organisations.get, key="assess_org"
        )
    refs = analysis.assessments_of(org)
    if len(refs) > 1:
        titles = {r.iri: r.title for r in refs}
        chosen = st.selectbox(
            "Assessment (latest first)", list(titles), format_func=titles.get, key="assess_which"
        )
        return org, chosen
    return org, refs[0].iri


def _levels(proven: int, potential: int) -> str:
    return str(proven) if proven == potential else f"{proven} (up to {potential})"


def _missing_text(ext: ExternalLevel) -> str:
    if ext.next_level is None:
        return "nothing: top level"
    names = sorted({m.criterion_label or m.practice_label for m in ext.missing_for_next})
    return "; ".join(names) or "nothing known missing: answer the open questions"


def render_metrics(result: AssessmentResult) -> None:
    readiness = result.readiness
    cols = st.columns(5)
    cols[0].metric(
        "Readiness",
        _levels(readiness.level, readiness.potential),
        help=f"{readiness.label}: the lowest dimension level (proven); the potential counts "
        "the open questions as answered yes.",
        border=True,
    )
    for col, key, name in ((cols[1], "google", "Google MLOps"), (cols[2], "azure", "Azure MLOps")):
        ext = result.external_levels.get(key)
        if ext is None:
            col.metric(f"{name} level", "–", border=True)
            continue
        col.metric(
            f"{name} level",
            _levels(ext.level, ext.potential),
            help=f"{ext.label}. Missing for the next level: {_missing_text(ext)}",
            border=True,
        )
    implemented = sum(d.implemented for d in result.dimensions)
    applicable = sum(d.applicable for d in result.dimensions)
    cols[3].metric("Practices implemented", f"{implemented} / {applicable}", border=True)
    cols[4].metric(
        "Open questions",
        len(result.open_questions),
        help="Practices whose criteria are unknown: answering them can raise a level.",
        border=True,
    )
    st.markdown(f"**{readiness.summary}**")


REPORTS = {"html": html_report, "markdown": markdown_report}


# The download buttons need their data on every run of the page (any widget reruns it): each
# report is written once per profile content (digest) and assessment, then kept (immutable).
@st.cache_resource(show_spinner=False, max_entries=64)
def report_text(kind: str, digest: str, assessment: str, _result: AssessmentResult) -> str:
    del digest, assessment  # only the cache key: together they name _result
    return REPORTS[kind](_result)


def render_downloads(analysis: Analysis, result: AssessmentResult) -> None:
    stem = result.label.lower().replace(" ", "-") or "profile"
    row = st.container(horizontal=True)
    row.download_button(
        "Profile (Turtle)",
        analysis.turtle(),
        file_name=f"{stem}.ttl",
        mime="text/turtle",
        on_click="ignore",
        icon=":material/download:",
        key="dl_profile",
    )
    row.download_button(
        "Report (HTML)",
        report_text("html", analysis.digest, result.assessment, result),
        file_name=f"{stem}-report.html",
        mime="text/html",
        on_click="ignore",
        icon=":material/description:",
        key="dl_html",
    )
    row.download_button(
        "Report (Markdown)",
        report_text("markdown", analysis.digest, result.assessment, result),
        file_name=f"{stem}-report.md",
        mime="text/markdown",
        on_click="ignore",
        icon=":material/article:",
        key="dl_md",
    )
    render_pdf_download(row, result, stem)


PDF_READY = "pdf_ready"  # the assessment whose PDF report the user asked for


def render_pdf_download(row, result: AssessmentResult, stem: str) -> None:
    """A PDF takes seconds to lay out: made when asked for (then kept), not on every run."""
    if not ui.pdf_available():
        row.caption("PDF: install cmlops-kg[pdf]")
        return
    asked = row.button("Report (PDF)", key="dl_pdf_make", icon=":material/picture_as_pdf:")
    if not asked and st.session_state.get(PDF_READY) != result.assessment:
        return
    st.session_state[PDF_READY] = result.assessment
    try:
        with st.spinner("Laying the report out as PDF…"):
            data = ui.pdf_of(html_report(result))
    except CmlopsError as exc:
        ui.show_error(exc, "The PDF report cannot be made")
        return
    row.download_button(
        "Download the PDF report",
        data,
        file_name=f"{stem}-report.pdf",
        mime="application/pdf",
        on_click="ignore",
        icon=":material/download:",
        key="dl_pdf",
    )


def render_scores(result: AssessmentResult) -> None:
    st.markdown("##### Levels and ML-Test-Score-style scores")
    frame = pd.DataFrame(score_rows(result))
    frame["Score"] = [f"{r.Score:g} / {r.Max:g}" for r in frame.itertuples()]
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_order=[
            "Dimension",
            "Level",
            "Potential",
            "Score",
            "Percent",
            "Implemented",
            "Unknown",
        ],
        column_config={
            "Dimension": st.column_config.TextColumn(width="medium"),
            "Level": st.column_config.NumberColumn(width="small"),
            "Potential": st.column_config.NumberColumn(
                width="small", help="The level if every unknown criterion were met"
            ),
            "Unknown": st.column_config.NumberColumn(width="small"),
            "Score": st.column_config.TextColumn(width="small"),
            "Percent": st.column_config.ProgressColumn(
                "Score %", min_value=0, max_value=100, format="%.0f%%", width="small"
            ),
            "Implemented": st.column_config.TextColumn("Done", width="small"),
        },
    )
    st.caption(
        "½ point per practice done manually, 1 per automated practice (Breck et al. 2017); "
        f"the weakest dimension scores {weakest_score(result):g}."
    )


def render_gaps(result: AssessmentResult) -> None:
    if not result.gaps:
        st.success("No gaps: every dimension is at the top level.")
        return
    rows = [
        {
            "Dimension": g.dimension_label,
            "Level now": g.current_level,
            "Next level": g.next_level,
            "Practice": g.label,
            "Status now": g.status,
        }
        for g in result.gaps
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def render_open_questions(result: AssessmentResult) -> None:
    if not result.open_questions:
        st.success("No open questions: every criterion that decides a level is answered.")
        return
    st.caption(
        "Unknown is not no: these practices have criteria nobody answered. Those that block "
        "readiness come first; answering them may raise the level."
    )
    rows = [
        {
            "Practice": q.label,
            "Dimension": q.dimension_label,
            "Level": q.level,
            "Blocks readiness": "yes" if q.blocks_readiness else "",
            "Unknown criteria": q.unknown_criteria,
            "Question": q.question or "",
        }
        for q in result.open_questions
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def render_roadmap(result: AssessmentResult) -> None:
    if not result.roadmap:
        st.success("Nothing left to do: the roadmap is empty.")
        return
    st.caption(
        "In phases: obligations that apply, what raises readiness, the other dimensions' next "
        "level, the next Google and Azure levels, the target. Prerequisites come first."
    )
    for phase in result.roadmap:
        st.markdown(f"###### {phase.title}")
        for item in phase.items:
            refs = "; ".join(f"[{s.label}]({s.url})" if s.url else s.label for s in item.sources)
            unlocks = ", ".join(item.unlocks)
            st.markdown(
                f"**{item.position}. {item.label}** · {item.dimension_label}, level "
                f"{item.level} · {item.status}  \n{item.why}"
                + (f"  \n:blue[Unlocks: {unlocks}]" if unlocks else "")
                + (f"  \n:gray[Sources: {refs}]" if refs else "")
            )


def render_interfaces(result: AssessmentResult) -> None:
    rows = [
        {
            "Interface": i.label,
            "Failure mode": fm.label,
            "Status": fm.status_label,
            "Guards in place": ", ".join(fm.guards_in_place),
            "Missing guards": ", ".join(fm.missing_guards),
        }
        for i in result.interfaces
        for fm in i.failure_modes
    ]
    if not rows:
        st.caption("No interface failure modes in the catalogue.")
        return
    st.caption(
        "What crosses between the data, training and deployment pipelines, how it fails, and "
        "whether a practice in place guards each failure: red where a failure mode is "
        "unguarded, orange where its guards are unknown, green where all are guarded."
    )
    cat = ui.catalogue()
    guards = interface_guard_status(result.interfaces)
    st.graphviz_chart(pipeline_dot(cat.pipelines, cat.interfaces, guards=guards), width="stretch")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def render_obligations(result: AssessmentResult) -> None:
    if not result.obligations:
        st.caption("No regulatory obligations in the catalogue.")
        return
    rows = [
        {
            "Obligation": o.label,
            "Reference": o.reference or "",
            "Role": o.role or "",
            "Applies from": o.applicable_from or "",
            "Status": o.status,
            "Missing": ", ".join(o.missing),
        }
        for o in result.obligations
    ]
    st.caption(
        "Obligations bind by context (risk class, operator role, generative AI) and date; "
        "declare the context on the assessment to have them assessed."
    )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def render_practices(result: AssessmentResult) -> None:
    rows = [
        {
            "Practice": str(p["label"]),
            "Dimension": str(p["dimensionLabel"]),
            "Level": int(p["level"]),
            "Status": str(p["statusLabel"]),
            "Mode": str(p["modeLabel"] or ""),
            "Counts": "excluded" if p["excluded"] else ("yes" if p["satisfied"] else "no"),
        }
        for p in result.practices
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def render_outcomes(result: AssessmentResult) -> None:
    from cmlops_kg.present.charts import outcome_rows

    if not result.outcomes:
        st.caption(
            "No metric observations in this assessment. Add cmlops:MetricObservation nodes "
            "(DORA's five metrics, time to retrain, model lead time ...) to see how the team "
            "performs beside how it works."
        )
        return
    st.caption(
        "Practices say what a team does; outcomes say whether it works. Each DORA metric is "
        "placed in the performance cluster of the newest survey year with thresholds for it."
    )
    st.dataframe(pd.DataFrame(outcome_rows(result)), hide_index=True, width="stretch")


def render_history(result: AssessmentResult) -> None:
    from cmlops_kg.app.figures import history_figure
    from cmlops_kg.present.charts import history_series

    if len(result.history) < 2:
        st.caption("Only one assessment of this organisation: no history to draw yet.")
        return
    st.plotly_chart(history_figure(history_series(result.history)), key="assess_history")


def render_results(analysis: Analysis) -> None:
    org, assessment = choose_assessment(analysis)
    if org is None:
        st.warning(
            "The profile holds no assessment of any organisation. Add "
            "'<assessment> a cmlops:Assessment ; cmlops:assesses <organisation>' with its "
            "evidence, or build one with the questionnaire."
        )
        ui.render_validation_report(analysis.report)
        return
    if not analysis.conforms:
        ui.render_validation_report(analysis.report)
        if not st.checkbox("Assess anyway (like 'cmlops-kg assess --no-validate')", key="force"):
            return
    try:
        result = analysis.result(org, assessment)
    except CmlopsError as exc:
        ui.show_error(exc, "Cannot assess this profile")
        return
    st.header(result.label, divider="gray")
    st.caption(
        f"Assessment of {result.date or 'unknown date'}"
        + (f" · {result.method}" if result.method else "")
        + f" · `{result.assessment}`"
    )
    render_metrics(result)
    render_downloads(analysis, result)
    left, right = st.columns([5, 6])
    with left:
        st.markdown("##### Level per dimension")
        st.plotly_chart(radar_figure(result), key="assess_radar")
    with right:
        render_scores(result)
    names = ["Roadmap", "Open questions", "Gaps", "Interfaces", "Obligations", "Practices"]
    names += ["Outcomes", "Validation report", "History"]
    tabs = dict(zip(names, st.tabs(names), strict=True))
    renderers = {
        "Roadmap": render_roadmap,
        "Open questions": render_open_questions,
        "Gaps": render_gaps,
        "Interfaces": render_interfaces,
        "Obligations": render_obligations,
        "Practices": render_practices,
        "Outcomes": render_outcomes,
        "History": render_history,
    }
    for name, tab in tabs.items():
        with tab:
            if name == "Validation report":
                ui.render_validation_report(analysis.report)
            else:
                renderers[name](result)


def main() -> None:
    st.title("Assess an organisation")
    st.caption(
        "Levels per dimension, proven and potential (unknown is not no), readiness (the lowest "
        "dimension), the equivalent Google and Azure levels, open questions and a roadmap in "
        "phases, computed by the same engine as `cmlops-kg assess`."
    )
    try:
        shared = ui.shared_store()
    except CmlopsError:
        shared = None  # the Compare page says why; the other sources still work
    sources = SOURCES + ([SHARED] if shared is not None else [])
    mode = st.radio("Profile", sources, horizontal=True, key="assess_mode")
    if mode == SHARED and shared is not None:
        source = shared_source(shared)
    elif mode == SOURCES[0]:
        source = case_study_source()
    elif mode == SOURCES[1]:
        source = upload_source()
    else:
        source = questionnaire_source()
    if source is None:
        return
    try:
        with st.spinner("Validating and assessing…"):
            analysis = ui.analysis_of(source)
    except CmlopsError as exc:
        ui.show_error(exc, f"Cannot read the profile ({source.origin})")
        return
    ui.set_current_source(source)
    render_results(analysis)


main()
