"""The ontology graph of the explorer (cmlops_kg/present/graph.py) against an independent
oracle: the Turtle files read with plain rdflib Graph methods, no SPARQL, no project code."""

from __future__ import annotations

import functools

import pytest
from rdflib import RDF, RDFS, Graph, Namespace

from cmlops_kg.present.framework import load_catalogue, search_practices, search_texts
from cmlops_kg.present.graph import (
    RELATIONS,
    OntologyGraph,
    graph_view,
    layout,
    load_graph,
    search_nodes,
)
from cmlops_kg.resources import ONTOLOGY_DIR

CM = Namespace("https://w3id.org/cmlops#")
GUARDS = (CM.prevents, CM.detects, CM.recovers, CM.guards)


# -- the oracle ------------------------------------------------------------------------------------
@functools.cache
def turtle() -> Graph:
    g = Graph()
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        g.parse(str(path), format="turtle")
    return g


def oracle_practices(g: Graph) -> set[str]:
    return {str(s) for t in (CM.DevOpsPractice, CM.MLOpsPractice) for s in g.subjects(RDF.type, t)}


def oracle_nodes(g: Graph) -> dict[str, set[str]]:
    """Kind -> node IRIs."""
    kinds = {
        "DevOps": CM.DevOpsPractice,
        "MLOps": CM.MLOpsPractice,
        "pipeline": CM.Pipeline,
        "interface": CM.PipelineInterface,
    }
    return {kind: {str(s) for s in g.subjects(RDF.type, cls)} for kind, cls in kinds.items()}


def oracle_edges(g: Graph) -> set[tuple[str, str, str]]:
    practices = oracle_practices(g)
    edges: set[tuple[str, str, str]] = set()
    for prop, relation in ((CM.extends, "extends"), (CM.requires, "requires")):
        edges |= {(str(s), relation, str(o)) for s, o in g.subject_objects(prop)}
    edges |= {(str(s), "in pipeline", str(o)) for s, o in g.subject_objects(CM.inPipeline)}
    for interface in g.subjects(RDF.type, CM.PipelineInterface):
        for source in g.objects(interface, CM.fromPipeline):
            edges.add((str(source), "hand-off", str(interface)))
        for target in g.objects(interface, CM.toPipeline):
            edges.add((str(interface), "hand-off", str(target)))
    # a practice secures an interface when it, or one of its criteria, guards one of the
    # failure modes that occur there
    for guard_property in GUARDS:
        for guard, failure_mode in g.subject_objects(guard_property):
            owners = {str(guard)} | {str(p) for p in g.objects(guard, CM.criterionOf)}
            for practice in owners & practices:
                for interface in g.objects(failure_mode, CM.atInterface):
                    edges.add((practice, "secures", str(interface)))
    return edges


# -- fixtures --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def graph(ontology_store) -> OntologyGraph:
    return load_graph(ontology_store)


@pytest.fixture(scope="module")
def positions(graph):
    return layout(graph)


# -- nodes and edges -------------------------------------------------------------------------------
def test_the_nodes_are_every_practice_pipeline_and_interface(graph):
    want = oracle_nodes(turtle())
    got = {kind: {n.id for n in graph.nodes if n.kind == kind} for kind in want}
    assert got == want
    assert len(graph.nodes) == sum(len(ids) for ids in want.values())  # each node once
    assert want["pipeline"] and want["interface"]


def test_the_edges_are_exactly_the_oracles(graph):
    got = {(e.source, e.relation, e.target) for e in graph.edges}
    want = oracle_edges(turtle())
    assert got == want
    assert len(graph.edges) == len(got)  # no edge twice
    assert {r for _, r, _ in got} == set(RELATIONS)


def test_a_practice_node_carries_its_phase_level_criteria_and_signal_tools(graph):
    g = turtle()
    practice = CM["model-registry"]
    node = graph.node(str(practice))
    assert node.group == str(g.value(g.value(practice, CM.inPhase), RDFS.label))
    assert node.level == int(g.value(g.value(practice, CM.requiredAtLevel), CM.levelRank))
    criteria = {str(g.value(c, RDFS.label)) for c in g.subjects(CM.criterionOf, practice)}
    assert set(node.criteria) == criteria
    named = {
        tool.strip()
        for signal in g.subjects(CM.evidencedPractice, practice)
        for value in g.objects(signal, CM.toolName)
        for tool in str(value).split(",")
    }
    assert set(node.tools) == named and "MLflow" in named


def test_neighbours_and_related_follow_the_edges(graph):
    practice = str(CM["data-contracts"])
    g = turtle()
    extends = {str(o) for o in g.objects(CM["data-contracts"], CM.extends)}
    assert {n.id for n in graph.related(practice, "extends")} == extends
    required_by = {str(s) for s in g.subjects(CM.requires, CM["data-contracts"])}
    assert {n.id for n in graph.related(practice, "requires", outgoing=False)} == required_by
    assert extends | required_by <= graph.neighbours(practice)
    assert graph.neighbours(practice, ["extends"]) == extends | {
        str(s) for s in g.subjects(CM.extends, CM["data-contracts"])
    }


# -- layout ----------------------------------------------------------------------------------------
def test_layout_places_every_node_once_and_is_deterministic(ontology_store, graph, positions):
    assert set(positions) == {n.id for n in graph.nodes}
    assert len(set(positions.values())) == len(positions)  # no two nodes on one spot
    assert layout(load_graph(ontology_store)) == positions


def test_practices_stand_in_phase_order_with_the_bands_below(graph, positions):
    g = turtle()
    order_of = {}
    for practice in oracle_practices(g):
        phase = g.value(CM[practice.rsplit("#", 1)[1]], CM.inPhase)
        order_of[practice] = int(g.value(phase, CM.phaseOrder))
    by_x = sorted(order_of, key=lambda p: positions[p][0])
    orders = [order_of[p] for p in by_x]
    assert orders == sorted(orders)  # left to right in lifecycle order
    lowest_practice = min(positions[p][1] for p in order_of)
    bands = [positions[n.id][1] for n in graph.nodes if not n.is_practice]
    assert max(bands) < lowest_practice


# -- search ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["drift", "data validation", "kedro", "registry"])
def test_search_finds_the_practices_the_framework_search_finds(ontology_store, graph, text):
    texts = search_texts(ontology_store)
    practices = load_catalogue(ontology_store).practices
    want = {p.iri for p in search_practices(practices, text, texts)}
    got = {n.id for n in search_nodes(graph, text, texts) if n.is_practice}
    assert got == want and got


def test_search_finds_every_practice_whose_signals_name_the_tool(ontology_store, graph):
    g = turtle()
    want = {
        str(p)
        for signal in g.subjects(RDF.type, CM.Signal)
        if any("kedro" in str(t).lower() for t in g.objects(signal, CM.toolName))
        for p in g.objects(signal, CM.evidencedPractice)
    }
    got = {n.id for n in search_nodes(graph, "Kedro", search_texts(ontology_store))}
    assert want and want <= got


def test_search_finds_pipelines_and_interfaces_by_name(graph):
    hits = search_nodes(graph, "hand-off", {})
    g = turtle()
    want = {
        str(s)
        for s in g.subjects(RDF.type, CM.PipelineInterface)
        if "hand-off" in str(g.value(s, RDFS.label)).lower()
    }
    assert {n.id for n in hits} >= want and want


def test_an_empty_search_keeps_the_whole_graph(graph):
    assert search_nodes(graph, "   ", {}) == graph.nodes


# -- what the page draws ---------------------------------------------------------------------------
def test_a_search_focuses_and_names_its_matches(graph, positions):
    matches = {str(CM["data-lineage"]), str(CM["model-versioning"])}
    view = graph_view(graph, positions, matches=matches)
    assert view.focus == matches and view.searching
    assert matches <= view.labelled
    assert not {n.id for n in graph.practices if n.id not in matches} & view.labelled
    assert len(view.graph.nodes) == len(graph.nodes)  # highlighted, not filtered
    only = graph_view(graph, positions, matches=matches, only_matches=True)
    assert {n.id for n in only.graph.nodes} == matches
    assert all(e.source in matches and e.target in matches for e in only.graph.edges)


def test_a_selected_node_focuses_its_neighbourhood(graph, positions):
    g = turtle()
    node = CM["model-registry"]
    neighbours = {str(o) for _, _, o in g.triples((node, None, None))} | {
        str(s) for s, _, _ in g.triples((None, None, node))
    }
    view = graph_view(graph, positions, selected=str(node))
    assert str(node) in view.focus
    # every neighbour in the graph is one the Turtle links to the node directly, except an
    # interface it secures through a criterion's failure mode
    secured = {n.id for n in graph.related(str(node), "secures")}
    assert view.focus - {str(node)} - secured <= neighbours
    assert view.focus <= view.labelled
    assert not graph_view(graph, positions).focused
    assert graph_view(graph, positions, selected="urn:no:such:node").selected is None


def test_the_framework_names_only_practices_as_securing_an_interface(ontology_store):
    """pipeline_interfaces.rq: a practice secures an interface when it or one of its criteria
    prevents, detects or recovers from one of the interface's failure modes; a criterion is
    never named as if it were a practice."""
    g = turtle()
    practices = oracle_practices(g)
    owner = {str(c): str(p) for c, p in g.subject_objects(CM.criterionOf)}
    expected: dict[str, set[str]] = {}
    for mode, interface in g.subject_objects(CM.atInterface):
        for prop in (CM.prevents, CM.detects, CM.recovers):
            for guard in g.subjects(prop, mode):
                practice = owner.get(str(guard), str(guard))
                if practice in practices:
                    label = str(g.value(CM[practice.rsplit("#", 1)[1]], RDFS.label))
                    expected.setdefault(str(interface), set()).add(label)
    interfaces = load_catalogue(ontology_store).interfaces
    assert interfaces
    for i in interfaces:
        assert set(i.secured_by) == expected.get(i.iri, set()), i.label
