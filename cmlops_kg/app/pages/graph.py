"""Ontology graph page: practices, pipelines and interfaces as one interactive graph (in the
manner of WebVOWL), searchable by names, definitions, criteria and the tools of the scanner's
signals; choosing a node shows its neighbourhood and what the framework says about it."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from cmlops_kg.app import support as ui
from cmlops_kg.app.figures import KIND_NAMES, ontology_graph_figure
from cmlops_kg.errors import CmlopsError
from cmlops_kg.present.framework import Interface
from cmlops_kg.present.graph import GraphNode, OntologyGraph, graph_view, search_nodes
from cmlops_kg.present.words import counted
from cmlops_kg.vocab import practice_key

SEARCH_KEY = "graph_search"
NODE_KEY = "graph_node"
ONLY_KEY = "graph_only_matches"
CHART_KEY = "graph_chart"
PICK_KEY = "graph_last_pick"  # the last node clicked in the chart, so the select box can differ


def clicked_node(graph: OntologyGraph) -> str | None:
    """The node of the point clicked in the chart (its customdata is the node's IRI)."""
    state = st.session_state.get(CHART_KEY)
    selection = state.get("selection") if isinstance(state, Mapping) else None
    for point in (selection or {}).get("points", []):
        data = point.get("customdata")
        node = data[0] if isinstance(data, list | tuple) and data else data
        if isinstance(node, str) and node in graph:
            return node
    return None


def take_click(graph: OntologyGraph) -> None:
    """A new click in the chart chooses its node in the select box (a later choice in the box
    wins until the next click)."""
    clicked = clicked_node(graph)
    if clicked is not None and clicked != st.session_state.get(PICK_KEY):
        st.session_state[NODE_KEY] = clicked
    st.session_state[PICK_KEY] = clicked


def node_choice(graph: OntologyGraph, candidates: list[GraphNode]) -> str | None:
    """The select box of nodes: the search's matches (and the node chosen already)."""
    chosen = st.session_state.get(NODE_KEY)
    ids = [n.id for n in candidates]
    if chosen in graph and chosen not in ids:
        ids.insert(0, chosen)
    elif chosen is not None and chosen not in graph:
        st.session_state[NODE_KEY] = None

    def name(node_id: str) -> str:
        node = graph.node(node_id)
        return f"{node.label} ({KIND_NAMES[node.kind]})"

    return st.selectbox(
        "Node",
        ids,
        index=None,
        key=NODE_KEY,
        format_func=name,
        placeholder="Click a node in the graph, or choose one here",
    )


def _names(nodes: list[GraphNode] | list, empty: str = "none") -> str:
    return ", ".join(n.label for n in nodes) or empty


def render_practice(graph: OntologyGraph, node: GraphNode) -> None:
    try:
        detail = ui.cached_practice_detail(practice_key(node.id))
    except CmlopsError as exc:
        ui.show_error(exc, "Cannot show this practice")
        return
    st.markdown(ui.practice_badges(detail, with_phase=True))
    if detail.definition:
        st.markdown(detail.definition)
    left, right = st.columns(2)
    with left:
        st.markdown(
            "\n".join(
                [
                    f"- **Extends:** {_names(detail.related('extends'), 'nothing (a root)')}",
                    f"- **Extended by:** {_names(detail.related('extended by'))}",
                    f"- **Requires:** {_names(detail.related('requires'))}",
                    f"- **Required by:** {_names(detail.related('required by'))}",
                    f"- **Pipelines:** {_names(detail.related('in pipeline'))}",
                    f"- **Interfaces it secures:** {_names(detail.related('secures'))}",
                ]
            )
        )
    with right:
        criteria = "\n".join(f"- {c}" for c in node.criteria) or "None stated."
        st.markdown(f"**Criteria**\n\n{criteria}")
        tools = ", ".join(node.tools) or "no scanner signal evidences it"
        st.markdown(f"**Tools the scanner recognises:** {tools}")
    st.markdown(f"[Open in the Framework page](framework?practice={practice_key(node.id)})")


def render_pipeline(graph: OntologyGraph, node: GraphNode) -> None:
    st.markdown(":green-badge[Pipeline]")
    if node.definition:
        st.markdown(node.definition)
    practices = graph.related(node.id, "in pipeline", outgoing=False)
    st.markdown(
        f"- **Hands out through:** {_names(graph.related(node.id, 'hand-off'))}\n"
        f"- **Receives through:** {_names(graph.related(node.id, 'hand-off', outgoing=False))}\n"
        f"- **Practices that live in it:** {len(practices)}"
    )
    if practices:
        with st.expander(counted(len(practices), "practice")):
            st.markdown(_names(practices))


def render_interface(graph: OntologyGraph, node: GraphNode, interface: Interface | None) -> None:
    st.markdown(":orange-badge[Interface between pipelines]")
    if node.definition:
        st.markdown(node.definition)
    sources = graph.related(node.id, "hand-off", outgoing=False)
    targets = graph.related(node.id, "hand-off")
    artefacts = ", ".join(interface.artefacts) if interface else ""
    st.markdown(
        f"- **From:** {_names(sources)} **to** {_names(targets)}\n"
        f"- **Artefacts:** {artefacts or '–'}\n"
        f"- **Secured by:** {_names(graph.related(node.id, 'secures', outgoing=False))}"
    )


def neighbourhood_table(graph: OntologyGraph, node_id: str) -> pd.DataFrame:
    rows = []
    for e in graph.edges_of(node_id):
        outgoing = e.source == node_id
        other = graph.node(e.target if outgoing else e.source)
        rows.append(
            {
                "Relation": e.relation if outgoing else f"{e.relation} (from)",
                "Node": other.label,
                "Kind": KIND_NAMES[other.kind],
            }
        )
    return pd.DataFrame(rows, columns=["Relation", "Node", "Kind"])


def render_detail(graph: OntologyGraph, node_id: str) -> None:
    node = graph.node(node_id)
    st.subheader(node.label)
    if node.is_practice:
        render_practice(graph, node)
    elif node.kind == "pipeline":
        render_pipeline(graph, node)
    else:
        interfaces = {i.iri: i for i in ui.catalogue().interfaces}
        render_interface(graph, node, interfaces.get(node.id))
    table = neighbourhood_table(graph, node_id)
    with st.expander(f"Neighbourhood: {counted(len(table), 'edge')}", expanded=False):
        st.dataframe(table, hide_index=True, width="stretch")


def match_count(graph: OntologyGraph, matches: list[GraphNode]) -> str:
    """'7 of 126 practices match.' (and how many pipelines or interfaces, if any)."""
    found = sum(1 for n in matches if n.is_practice)
    verb = "matches" if found == 1 else "match"
    others = len(matches) - found
    extra = f", and {counted(others, 'pipeline or interface', 'pipelines or interfaces')}"
    return f"{found} of {len(graph.practices)} practices {verb}{extra if others else ''}."


def main() -> None:
    graph = ui.ontology_graph()
    st.title("Ontology graph")
    st.caption(
        "Every practice in the column of its lifecycle phase (DevOps practices on top), the "
        "pipelines and the interfaces between them below. Drag to pan, scroll to zoom, hover "
        "for a name, click a node for its neighbourhood. Click a relation in the legend below "
        "to show or hide it: 'requires', 'in pipeline' and 'secures' are hidden until then, "
        "or until a search or a chosen node narrows the graph."
    )
    take_click(graph)
    left, middle, right = st.columns([3, 3, 1], vertical_alignment="bottom")
    search = left.text_input(
        "Search the graph",
        key=SEARCH_KEY,
        placeholder="e.g. drift, registry, kedro, cosign",
        help="Every word must occur in a name, definition, criterion, example or in the "
        "tools of the scanner's signals that evidence the practice.",
    )
    searching = bool(search.strip())
    matches = search_nodes(graph, search, ui.practice_search_texts())
    with middle:
        selected = node_choice(graph, matches if searching else graph.nodes)
    only = right.checkbox("Only matches", key=ONLY_KEY, disabled=not searching)
    if searching:
        st.caption(match_count(graph, matches))
    view = graph_view(
        graph,
        ui.ontology_graph_layout(),
        matches=[n.id for n in matches] if searching else None,
        selected=selected,
        only_matches=only and searching,
    )
    st.plotly_chart(
        ontology_graph_figure(view),
        key=CHART_KEY,
        on_select="rerun",
        selection_mode="points",
        width="stretch",
        config={"scrollZoom": True, "displaylogo": False},
    )
    if selected:
        render_detail(graph, selected)


main()
