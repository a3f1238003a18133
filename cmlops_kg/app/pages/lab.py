"""Lab page: the validation lab's result - the framework's claim tested per failure mode on
generated ML systems, the findings, the levels the scanner recovered and the measured
outcomes. Shows the bundled result of the quick run, an uploaded ``results.json`` or the
result in $CMLOPS_KG_LAB_RESULTS (what ``cmlops-kg lab run --out DIR`` writes)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import streamlit as st

from cmlops_kg.errors import CmlopsError
from cmlops_kg.lab import report

SOURCES = ["Bundled quick run", "Upload results.json"]


def chosen_result() -> dict | None:
    sources = list(SOURCES)
    env = os.environ.get("CMLOPS_KG_LAB_RESULTS")
    if env:
        sources.insert(0, f"Results in {env}")
    source = st.radio("Result", sources, horizontal=True, key="lab_source")
    try:
        if source.startswith("Results in"):
            return report.load_result(Path(env or ""))
        if source == "Upload results.json":
            uploaded = st.file_uploader("results.json of 'cmlops-kg lab run'", key="lab_upload")
            if uploaded is None:
                st.info("Upload the results.json a lab run wrote.", icon=":material/upload:")
                return None
            data = json.loads(uploaded.getvalue())
            if not isinstance(data, dict) or "cells" not in data:
                st.error("This file holds no lab results.")
                return None
            return data
        return report.load_result()
    except (CmlopsError, ValueError) as exc:
        st.error(str(exc))
        return None


def table(head: list[str], rows: list[list[str]]) -> None:
    st.dataframe(pd.DataFrame(rows, columns=head), hide_index=True, width="stretch")


def show(data: dict) -> None:
    mode = "quick" if data["quick"] else "full"
    st.caption(
        f"{mode} run: {len(data['configurations'])} configurations × {len(data['scenarios'])} "
        f"scenarios × {len(data['seeds'])} seed(s), {data['steps']} simulated hours each, "
        f"{data['seconds']['total']:.0f} s."
    )
    tested = [c for c in data["cells"] if c["agrees"] is not None]
    left, middle, right = st.columns(3)
    left.metric("Cells that tested the claim", f"{len(tested)} / {len(data['cells'])}")
    middle.metric("Claim held", sum(c["agrees"] for c in tested))
    right.metric("Findings", len(data["findings"]))
    st.subheader("The claim, per failure mode")
    st.caption(
        "Guarded: the configuration has a practice the ontology lists as preventing, "
        "detecting or recovering from the failure mode. ✓ the claim held, ✗ it did not."
    )
    table(*report.claim_rows(data))
    st.subheader("Findings")
    for finding in data["findings"]:
        st.markdown(f"- {report.md(finding['text'])}")
    st.subheader("Intended and recovered levels")
    table(*report.level_rows(data))
    st.subheader("Measured outcomes")
    table(*report.outcome_rows(data))
    summary = report.summary(data)
    st.bar_chart(
        pd.DataFrame({"extra errors": {k: v["extra_errors"] for k, v in summary.items()}}),
        x_label="configuration",
    )
    st.subheader("Closing note")
    for paragraph in report.closing_note(data):
        st.markdown(report.md(paragraph))


st.title("Validation lab")
st.write(
    "One small ML system in one configuration per maturity level, each a generated repository, "
    "run against fault scenarios tied to the interface failure modes by a local runner that "
    "follows each repository's own definitions. Reproduce it with "
    "`cmlops-kg lab run --quick --out DIR`."
)
result = chosen_result()
if result is not None:
    show(result)
