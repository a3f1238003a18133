"""Validate page: check a profile against the SHACL shapes and read what to fix, grouped by
organisation and by evidence — the same report as 'cmlops-kg validate'."""

from __future__ import annotations

import streamlit as st

from cmlops_kg.app import support as ui
from cmlops_kg.app.loaded import FORMAT_CHOICES, MAX_UPLOAD_BYTES
from cmlops_kg.errors import CmlopsError
from cmlops_kg.present.tables import json_text

SOURCES = ["Upload a profile", "Bundled example"]


def upload_source() -> ui.ProfileSource | None:
    left, right = st.columns([3, 1])
    uploaded = left.file_uploader(
        "Profile file (Turtle, JSON-LD, RDF/XML or N-Triples)",
        key="val_upload",
        max_upload_size=MAX_UPLOAD_BYTES // (1024 * 1024),
    )
    fmt = right.selectbox("Format", FORMAT_CHOICES, key="val_format")
    with st.expander("…or paste the profile text"):
        pasted = st.text_area("Profile text", key="val_paste", height=200)
    if uploaded is not None:
        return ui.ProfileSource(uploaded.name, uploaded.getvalue(), fmt, "upload")
    if pasted.strip():
        syntax = fmt if fmt != FORMAT_CHOICES[0] else "turtle"
        return ui.ProfileSource("pasted text", pasted.encode("utf-8"), syntax, "pasted text")
    st.info("Upload a profile file or paste its text to validate it.", icon=":material/upload:")
    return None


def example_source() -> ui.ProfileSource | None:
    invalid = {f"invalid/{ex.key}": ex for ex in ui.bundled_invalid_examples()}
    valid = {f"profiles/{ex.key}": ex for ex in ui.bundled_examples()}
    examples = {**invalid, **valid}
    if not examples:
        st.warning("No examples are bundled.")
        return None
    key = st.selectbox(
        "Example",
        list(examples),
        format_func=lambda k: (
            ("✗ " if k.startswith("invalid/") else "✓ ")
            + examples[k].title[:1].upper()
            + examples[k].title[1:]
        ),
        key="val_example",
        help="✗: an invalid profile showing one kind of problem; ✓: a case study.",
    )
    return ui.example_source(examples[key])


def main() -> None:
    st.title("Validate a profile")
    st.caption(
        "Checks a profile against the SHACL shapes (shapes/profile.shapes.ttl): every problem "
        "says which organisation, assessment or evidence is wrong and what is expected."
    )
    mode = st.radio("Profile", SOURCES, horizontal=True, key="val_mode")
    source = upload_source() if mode == SOURCES[0] else example_source()
    if source is None:
        return
    try:
        with st.spinner("Validating…"):
            analysis = ui.analysis_of(source)
    except CmlopsError as exc:
        ui.show_error(exc, f"Cannot read the profile ({source.origin})")
        return
    report = analysis.report
    violations = sum(1 for f in report.findings if f.severity == "Violation")
    cols = st.columns(3)
    cols[0].metric("Conforms", "yes" if report.conforms else "no", border=True)
    cols[1].metric("Problems", violations, border=True)
    cols[2].metric("Organisations", len(analysis.organisations()), border=True)
    ui.render_validation_report(report)
    st.download_button(
        "Download the report (JSON)",
        json_text(report.to_json()),
        file_name="validation-report.json",
        mime="application/json",
        on_click="ignore",
        icon=":material/download:",
        key="val_json",
    )


main()
