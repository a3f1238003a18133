"""The ontology as a graph: practices, pipelines and interfaces, and the relations between them.

:func:`load_graph` reads the nodes and edges through the library's ``graph_nodes``,
``graph_edges`` and ``questionnaire_criteria`` queries into plain dataclasses; :func:`layout`
places them deterministically (practices in one column per lifecycle phase, pipelines and
interfaces in two bands below), so the explorer's graph page only draws them and tests can
check the graph without a browser.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from cmlops_kg.present.framework import has_every_word, search_words
from cmlops_kg.store.base import GraphStore, Row

PRACTICE_KINDS = ("DevOps", "MLOps")
KINDS = (*PRACTICE_KINDS, "pipeline", "interface")
# Legend order; also the order in which edges are drawn (later ones on top)
RELATIONS = ("in pipeline", "secures", "hand-off", "requires", "extends")
PIPELINES_GROUP = "Pipelines"
INTERFACES_GROUP = "Interfaces"
BAND_GAP = 2.0  # rows between the deepest phase column and the pipeline band


@dataclass(frozen=True)
class GraphNode:
    """A practice, pipeline or interface; ``group`` is a practice's phase or the band name."""

    id: str
    label: str
    kind: str
    group: str
    definition: str | None = None
    phase_order: int | None = None
    dimension: str | None = None
    level: int | None = None
    order: float | None = None
    tools: tuple[str, ...] = ()
    criteria: tuple[str, ...] = ()

    @property
    def is_practice(self) -> bool:
        return self.kind in PRACTICE_KINDS


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str
    relation: str


@dataclass
class OntologyGraph:
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    _by_id: dict[str, GraphNode] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {n.id: n for n in self.nodes}

    def node(self, node_id: str) -> GraphNode:
        return self._by_id[node_id]

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._by_id

    @property
    def practices(self) -> list[GraphNode]:
        return [n for n in self.nodes if n.is_practice]

    def edges_of(self, node_id: str) -> list[GraphEdge]:
        return [e for e in self.edges if node_id in (e.source, e.target)]

    def neighbours(self, node_id: str, relations: Iterable[str] = RELATIONS) -> set[str]:
        """The nodes one edge of ``relations`` away from ``node_id`` (either direction)."""
        wanted = set(relations)
        return {
            e.target if e.source == node_id else e.source
            for e in self.edges_of(node_id)
            if e.relation in wanted
        }

    def related(self, node_id: str, relation: str, outgoing: bool = True) -> list[GraphNode]:
        """The nodes an edge of ``relation`` leads to (or, not ``outgoing``, comes from)."""
        ends = [
            e.target if outgoing else e.source
            for e in self.edges
            if e.relation == relation and (e.source if outgoing else e.target) == node_id
        ]
        return sorted((self.node(i) for i in ends), key=lambda n: n.label.lower())

    def subgraph(self, keep: Iterable[str]) -> OntologyGraph:
        """The nodes in ``keep`` and the edges between them."""
        ids = set(keep)
        return OntologyGraph(
            [n for n in self.nodes if n.id in ids],
            [e for e in self.edges if e.source in ids and e.target in ids],
        )


def _opt(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def _tools(value: object) -> tuple[str, ...]:
    """'MLflow, Unity Catalog; DVC' -> ('DVC', 'MLflow', 'Unity Catalog'): a signal may name
    several tools in one cmlops:toolName."""
    names = {t.strip() for part in str(value or "").split(";") for t in part.split(",")}
    return tuple(sorted(filter(None, names), key=str.lower))


def _node(row: Row, criteria: Mapping[str, tuple[str, ...]]) -> GraphNode:
    kind = str(row["kind"])
    iri = str(row["node"])
    group = {"pipeline": PIPELINES_GROUP, "interface": INTERFACES_GROUP}.get(kind)
    return GraphNode(
        id=iri,
        label=str(row["label"]),
        kind=kind,
        group=group or str(row["phaseLabel"] or "No phase"),
        definition=_opt(row["definition"]),
        phase_order=int(row["phaseOrder"]) if row["phaseOrder"] is not None else None,
        dimension=_opt(row["dimensionLabel"]),
        level=int(row["level"]) if row["level"] is not None else None,
        order=float(row["order"]) if row["order"] is not None else None,
        tools=_tools(row["tools"]),
        criteria=criteria.get(iri, ()),
    )


def _criteria(store: GraphStore) -> dict[str, tuple[str, ...]]:
    """Practice IRI -> its criteria's names, in the practice's order."""
    rows = sorted(
        store.select("questionnaire_criteria"),
        key=lambda r: (str(r["practice"]), float(r["sortOrder"]), str(r["criterion"])),
    )
    grouped: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        grouped[str(r["practice"])].append(str(r["label"]))
    return {k: tuple(v) for k, v in grouped.items()}


def load_graph(store: GraphStore) -> OntologyGraph:
    """Every practice, pipeline and interface and the edges of :data:`RELATIONS` between them."""
    criteria = _criteria(store)
    nodes = [_node(r, criteria) for r in store.select("graph_nodes")]
    known = {n.id for n in nodes}
    edges = [
        GraphEdge(str(r["source"]), str(r["target"]), str(r["relation"]))
        for r in store.select("graph_edges")
        # an edge to a term that is not a node (a practice without a level, say) has nowhere
        # to be drawn; SHACL reports such terms, the graph just leaves them out
        if str(r["source"]) in known and str(r["target"]) in known
    ]
    return OntologyGraph(nodes, edges)


# -- layout ----------------------------------------------------------------------------------------
def _row_key(node: GraphNode) -> tuple:
    # DevOps practices on top of their column, then by level: the foundations read first
    return (PRACTICE_KINDS.index(node.kind), node.level or 0, node.label.lower())


def _spread(count: int, left: float, right: float) -> list[float]:
    """``count`` x positions evenly across [left, right] (one in the middle)."""
    if count == 1:
        return [(left + right) / 2]
    step = (right - left) / (count - 1)
    return [left + i * step for i in range(count)]


def phase_columns(graph: OntologyGraph) -> list[tuple[int, str]]:
    """(column x, phase name) of every practice column, in lifecycle order."""
    phases = sorted(
        {(n.phase_order if n.phase_order is not None else 10**6, n.group) for n in graph.practices}
    )
    return [(i + 1, name) for i, (_, name) in enumerate(phases)]


def layout(graph: OntologyGraph) -> dict[str, tuple[float, float]]:
    """Node id -> (x, y): one column per lifecycle phase (x = 1, 2, ...), practices top down in
    it (y = 0, -1, ...); below them a band of pipelines and a band of interfaces, each spread
    across the width in display order. The same graph always gets the same positions."""
    columns = {name: x for x, name in phase_columns(graph)}
    by_column: dict[str, list[GraphNode]] = defaultdict(list)
    for n in graph.practices:
        by_column[n.group].append(n)
    positions: dict[str, tuple[float, float]] = {}
    for name, members in by_column.items():
        for row, n in enumerate(sorted(members, key=_row_key)):
            positions[n.id] = (float(columns[name]), -float(row))
    deepest = max((len(m) for m in by_column.values()), default=0)
    width = max(len(columns), 1)
    for band, kind in enumerate(("pipeline", "interface")):
        members = sorted(
            (n for n in graph.nodes if n.kind == kind),
            key=lambda n: (n.order if n.order is not None else 10**6, n.label.lower()),
        )
        y = -(deepest - 1 + BAND_GAP + band * BAND_GAP)
        xs = _spread(len(members), 1.0, float(width))
        positions.update({n.id: (x, y) for n, x in zip(members, xs, strict=True)})
    return positions


# -- search ----------------------------------------------------------------------------------------
def search_nodes(graph: OntologyGraph, text: str, texts: Mapping[str, str]) -> list[GraphNode]:
    """The nodes that contain every word of ``text``: a practice by its name or its search text
    (``texts``, see :func:`cmlops_kg.present.framework.search_texts`: definition, examples,
    criteria, the names and tools of the scanner's signals), a pipeline or interface by its name
    or definition. The same words and matching as the Framework page's search."""
    words = search_words(text)
    if not words:
        return list(graph.nodes)

    def body(n: GraphNode) -> str:
        extra = texts.get(n.id, "") if n.is_practice else (n.definition or "")
        return f"{n.label}\n{extra}"

    return [n for n in graph.nodes if has_every_word(body(n), words)]


# -- what the page draws -------------------------------------------------------------------------
# Relations drawn from the start; the dense ones (211 prerequisites, every practice in one to
# three pipelines, many securing an interface) wait for a click on the legend, a search or a
# selection: all at once they hide the structure (screenshot looked at)
LIGHT_RELATIONS = ("extends", "hand-off")
MAX_SEARCH_LABELS = 30  # more names than this overprint each other: hover shows them instead


@dataclass
class GraphView:
    """Which nodes the page draws, which stand out (``focus``), which carry their name.

    Without a search or a selection everything is in focus and only pipelines and interfaces
    are named (hover names the rest). A search focuses its matches; a selected node focuses
    itself and its neighbours (over ``relations``), and names them all.
    """

    graph: OntologyGraph
    positions: dict[str, tuple[float, float]]
    focus: set[str]
    labelled: set[str]
    selected: str | None = None
    searching: bool = False

    @property
    def focused(self) -> bool:
        """Whether part of the graph stands out (a search or a selection)."""
        return self.searching or self.selected is not None

    def edge_in_focus(self, edge: GraphEdge) -> bool:
        return edge.source in self.focus and edge.target in self.focus


def graph_view(
    graph: OntologyGraph,
    positions: Mapping[str, tuple[float, float]],
    matches: Iterable[str] | None = None,
    selected: str | None = None,
    only_matches: bool = False,
    relations: Iterable[str] = RELATIONS,
) -> GraphView:
    """The view of ``graph`` for a search (``matches``: the ids it found, None for no search)
    and a selected node; ``only_matches`` drops what is neither a match nor in focus."""
    bands = {n.id for n in graph.nodes if not n.is_practice}
    found = set(matches) if matches is not None else None
    focus = set(found) if found is not None else {n.id for n in graph.nodes}
    labelled = set(bands)
    if found is not None and len(found) <= MAX_SEARCH_LABELS:
        labelled |= found
    if selected is not None and selected in graph:
        focus = {selected} | graph.neighbours(selected, relations)
        labelled = set(focus) | bands
    else:
        selected = None
    # the matches stay when a node is selected: the selection adds its neighbourhood to them
    keep = found | focus if only_matches and found is not None else None
    shown = graph if keep is None else graph.subgraph(keep)
    return GraphView(
        graph=shown,
        positions={n.id: positions[n.id] for n in shown.nodes},
        focus=focus,
        labelled=labelled & {n.id for n in shown.nodes},
        selected=selected,
        searching=found is not None,
    )
