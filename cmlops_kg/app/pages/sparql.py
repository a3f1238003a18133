"""SPARQL page: run a query of the library (with its parameters) or your own, read-only, with a
row cap and a time limit; results as a table with a CSV download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cmlops_kg.app import support as ui
from cmlops_kg.errors import CmlopsError
from cmlops_kg.present.tables import csv_text, shorten
from cmlops_kg.sparql.library import Parameter, QueryFile, get_query
from cmlops_kg.sparql.safe import QueryOutcome, adhoc_query, run_safe_query
from cmlops_kg.store.base import GraphStore

DATA_BUNDLED = "Ontology and the bundled case studies"
DATA_ONTOLOGY = "Ontology only"
DATA_CURRENT = "Ontology and the profile from the Assess page"
DATA_SHARED = "The shared store the app was started with"
OUTCOME = "sparql_outcome"
EXAMPLE_QUERY = "ml_practice_roots"  # queries/ml_practice_roots.rq: the editor's starting text


def choose_store() -> GraphStore | None:
    try:
        shared = ui.shared_store()
    except CmlopsError as exc:
        ui.show_error(exc, "The shared store the app was started with cannot be opened")
        shared = None
    options = ([DATA_SHARED] if shared is not None else []) + [DATA_BUNDLED, DATA_ONTOLOGY]
    current = ui.current_source()
    if current is not None:
        options.append(DATA_CURRENT)
    choice = st.selectbox("Data to query", options, key="sparql_data")
    if choice == DATA_SHARED and shared is not None:
        return shared  # type: ignore[return-value]
    if choice == DATA_ONTOLOGY:
        return ui.ontology_store()
    if choice == DATA_CURRENT and current is not None:
        try:
            return ui.analysis_of(current).store
        except CmlopsError as exc:
            ui.show_error(exc, "The profile from the Assess page cannot be read")
            return None
    return ui.bundled_store()


def parameter_choices(store: GraphStore, param: Parameter) -> dict[str, str]:
    """Known values for the common IRI parameters, so users pick instead of typing IRIs."""
    if param.kind != "IRI":
        return {}
    if param.name == "assessment":
        return {
            str(r["assessment"]): f"{r['organisationLabel'] or r['organisation']} — {r['date']}"
            for r in store.select("assessments")
        }
    if param.name == "organisation":
        return {
            str(r["organisation"]): str(r["label"] or r["organisation"])
            for r in store.select("organisations")
        }
    if param.name == "practice":
        return {p.iri: p.label for p in ui.catalogue().practices}
    if param.name == "dimension":
        return {p.dimension: p.dimension_label for p in ui.catalogue().practices}
    return {}


def parameter_inputs(store: GraphStore, query: QueryFile) -> dict[str, str]:
    values: dict[str, str] = {}
    for param in query.parameters:
        label = f"?{param.name} ({param.kind}, {'required' if param.required else 'optional'})"
        key = f"sparql_param_{query.name}_{param.name}"
        choices = parameter_choices(store, param)
        if choices:
            options = list(choices) if param.required else ["", *choices]
            values[param.name] = st.selectbox(
                label,
                options,
                format_func=lambda v, c=choices: c.get(v, "(any)"),
                key=key,
                help=param.description,
            )
        else:
            values[param.name] = st.text_input(label, key=key, help=param.description)
    return values


def library_query(store: GraphStore) -> tuple[QueryFile, dict[str, str]] | None:
    try:
        lib = ui.query_library()
    except CmlopsError as exc:
        ui.show_error(exc, "The query library cannot be read; you can still write your own")
        return None
    names = ui.library_names(lib)
    name = st.selectbox(
        "Query", names, format_func=lambda n: f"{lib[n].title} ({n})", key="sparql_query"
    )
    query = lib[name]
    st.markdown(f"**{query.title}** · `{query.name}.rq` · {query.form}")
    st.markdown(query.description or "_No description._")
    if query.parameters:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Parameter": f"?{p.name}",
                        "Kind": p.kind,
                        "Required": "yes" if p.required else "no",
                        "Meaning": p.description,
                    }
                    for p in query.parameters
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption("Parameters: none.")
    with st.expander("Query text"):
        st.code(query.text, language="sparql")
    return query, parameter_inputs(store, query)


def own_query() -> tuple[QueryFile, dict[str, str]]:
    text = st.text_area(
        "Your query (SELECT, ASK, CONSTRUCT or DESCRIBE)",
        get_query(EXAMPLE_QUERY).text,
        height=260,
        key="sparql_text",
    )
    st.caption(
        "Read-only: INSERT, DELETE, LOAD, CLEAR, DROP, CREATE and SERVICE are refused. "
        "The default graph is the union of every loaded graph."
    )
    return adhoc_query(text), {}


def run(
    store: GraphStore, query: QueryFile, params: dict[str, str], limit: int, timeout: float
) -> None:
    """Run the query in a forked child (read-only, capped, time-limited); keep the outcome in
    the session so a rerun (e.g. after a download) still shows it."""
    try:
        outcome = run_safe_query(store, query, params, limit=limit, timeout=timeout)
    except CmlopsError as exc:
        st.session_state.pop(OUTCOME, None)
        ui.show_error(
            exc, "The query was not run" if "read-only" in exc.what else "The query failed"
        )
        return
    st.session_state[OUTCOME] = (query.name, outcome)


def show_outcome(name: str, outcome: QueryOutcome, limit: int) -> None:
    note = (
        f"{len(outcome.rows)} row{'s' if len(outcome.rows) != 1 else ''} in {outcome.elapsed:.2f} s"
    )
    st.success(f"`{name}` — {note}.", icon=":material/check:")
    if outcome.truncated:
        st.warning(
            f"Only the first {limit} rows are shown: the result is capped. Add a LIMIT or "
            "narrow the query to see the rest."
        )
    frame = pd.DataFrame(
        [{c: shorten(row.get(c)) for c in outcome.columns} for row in outcome.rows],
        columns=outcome.columns,
    )
    st.dataframe(frame, hide_index=True, width="stretch")
    st.download_button(
        "Download CSV",
        csv_text(outcome.rows, outcome.columns),
        file_name=f"{name.replace('/', '-').strip('()') or 'query'}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="sparql_csv",
    )


def main() -> None:
    st.title("SPARQL")
    st.caption(
        "Every question the system answers is a query file with a header (title, description, "
        "parameters, columns). Pick one or write your own; queries run read-only in a separate "
        "process, with a row cap and a time limit."
    )
    top = st.columns([2, 1, 1])
    with top[0]:
        store = choose_store()
    limit = top[1].number_input("Row cap", 1, 10_000, 1_000, step=100, key="sparql_limit")
    timeout = top[2].number_input("Time limit (s)", 1, 60, 10, key="sparql_timeout")
    if store is None:
        return
    mode = st.radio(
        "Source of the query",
        ["From the library", "Write your own"],
        horizontal=True,
        key="sparql_mode",
    )
    chosen = library_query(store) if mode == "From the library" else own_query()
    if chosen is None:
        return
    query, params = chosen
    if st.button("Run query", type="primary", key="sparql_run", icon=":material/play_arrow:"):
        run(store, query, params, int(limit), float(timeout))
    saved = st.session_state.get(OUTCOME)
    if saved and saved[0] == query.name:
        show_outcome(saved[0], saved[1], int(limit))


main()
