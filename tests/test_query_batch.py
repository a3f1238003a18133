"""One query text for a batch of teams (cmlops_kg.sparql.batch, issue 20): for every library
query it accepts, the batched query's rows for each team are the rows of that team's own
query over its own graphs, even when one team's profile states things about another's
assessment; what it cannot prove alike it refuses, and datasets whose graphs share a triple
are found. The same batching on real servers: test_remote.py and test_virtuoso.py."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from test_remote import _normalised_rows

from cmlops_kg.assessment.portfolio import SUMMARY_QUERIES, load_profile_file
from cmlops_kg.errors import QueryError
from cmlops_kg.resources import ROOT
from cmlops_kg.sparql.batch import (
    KEY,
    Request,
    batched_query,
    manifest_triples,
    overlap_query,
)
from cmlops_kg.sparql.library import QueryFile, bind_parameters, library
from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.store.inference import inferred_graph, profile_dataset

TEAMS = 4
# every SELECT of the library whose only required parameter, if any, is the assessment
CANDIDATES = sorted(
    name
    for name, q in library().items()
    if q.form == "SELECT" and {p.name for p in q.parameters if p.required} <= {"assessment"}
)
CMLOPS = "https://w3id.org/cmlops#"
MANIFEST = "urn:cmlops:batch:1:test"


def _generator():
    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "portfolio.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def teams(tmp_path_factory) -> tuple[EmbeddedStore, list[tuple[str, str]]]:
    """Generated teams in one embedded store, as (graph, latest assessment); team 0's profile
    also claims another readiness for team 1's assessment (which team 1 must not see)."""
    folder = tmp_path_factory.mktemp("teams")
    store = EmbeddedStore()
    store.load_ontology()
    found = []
    for path in _generator().write_profiles(TEAMS, folder):
        outcome = load_profile_file(store, Path(path))
        assert outcome.status == "loaded", outcome.error
        rows = store.select("assessments", dataset=profile_dataset(outcome.graph))
        found.append((outcome.graph, str(rows[0]["assessment"])))
    intruder = ox.NamedNode(found[1][1])
    store.add_triples(
        found[0][0],
        [
            ox.Triple(intruder, ox.NamedNode(CMLOPS + "overallLevel"), ox.NamedNode(CMLOPS + "x")),
            ox.Triple(intruder, ox.NamedNode(CMLOPS + "levelRank"), ox.Literal("9")),
        ],
    )
    return store, found


def _params(query: QueryFile, assessment: str) -> dict[str, object]:
    return (
        {"assessment": assessment} if any(p.name == "assessment" for p in query.parameters) else {}
    )


def _as_text(text: str) -> QueryFile:
    return QueryFile(name="batched", path=Path("batched.rq"), text=text, title="", description="")


def _batched(
    store: EmbeddedStore, query: QueryFile, found, manifest: str | None = None
) -> tuple[str, list[list[dict]]]:
    requests = [
        Request(tuple(profile_dataset(g)), bind_parameters(query, _params(query, a)))
        for g, a in found
    ]
    text = batched_query(query.text, requests, manifest)
    if manifest is not None:
        store.replace_graph(manifest, manifest_triples(requests, manifest))
    answers: list[list[dict]] = [[] for _ in found]
    try:
        for row in store.select(_as_text(text), dataset=[]):  # GRAPH patterns: any dataset
            answers[int(row.pop(KEY))].append(row)
    finally:
        if manifest is not None:
            store.drop_graph(manifest)
    return text, answers


def test_the_summary_questions_can_be_batched():
    queries = library()
    for name in ("assessments", *SUMMARY_QUERIES):
        requests = [Request(("urn:o", "urn:t", "urn:i"), _bound(queries[name]))]
        assert "?__k" in batched_query(queries[name].text, requests)


def _bound(query: QueryFile) -> dict:
    return bind_parameters(query, _params(query, "https://example.org/a"))


@pytest.mark.parametrize("manifest", [None, MANIFEST], ids=["values", "manifest"])
@pytest.mark.parametrize("name", CANDIDATES)
def test_a_batched_query_gives_each_team_its_own_rows(teams, name, manifest):
    store, found = teams
    query = library()[name]
    try:
        text, answers = _batched(store, query, found, manifest)
    except QueryError:
        assert name not in ("assessments", *SUMMARY_QUERIES)
        pytest.skip(f"{name} is asked team by team (the rewrite refuses it)")
    if manifest is None:
        assert all(graph in text for graph, _ in found)  # one text for every team
    else:  # one text for every batch: it names no team, and other teams get the same text
        assert not any(graph in text for graph, _ in found)
        assert _batched(store, query, found[::-1][:2], manifest)[0] == text
    for (graph, assessment), batched in zip(found, answers, strict=True):
        alone = store.select(name, _params(query, assessment), dataset=profile_dataset(graph))
        # the same rows as often (GROUP_CONCAT's order is the engine's: compared as sets)
        assert _normalised_rows(query, batched) == _normalised_rows(query, alone), (name, graph)
        assert [r.get("assessment") for r in batched] == [r.get("assessment") for r in alone]


def test_another_teams_claims_stay_out_of_a_teams_rows(teams):
    store, found = teams
    _, answers = _batched(store, library()["overall_level"], found)
    assert [int(r["level"]) for r in answers[1]] != [9]
    assert len(answers[1]) == 1


def _overlapping(store: EmbeddedStore, requests: list[Request], manifest: str | None) -> list:
    if manifest is not None:
        store.replace_graph(manifest, manifest_triples(requests, manifest))
    try:
        text = _as_text(overlap_query(requests, manifest))
        return sorted(int(r[KEY]) for r in store.select(text, dataset=[]))
    finally:
        if manifest is not None:
            store.drop_graph(manifest)


@pytest.mark.parametrize("manifest", [None, MANIFEST], ids=["values", "manifest"])
def test_a_triple_in_two_graphs_of_a_dataset_is_found(teams, manifest):
    store, found = teams
    requests = [Request(tuple(profile_dataset(g)), {}) for g, _ in found]
    assert _overlapping(store, requests, manifest) == []
    graph = found[2][0]
    copied = ox.parse(store.export(inferred_graph(graph)), format=ox.RdfFormat.TURTLE)
    first = next(t for t in copied if isinstance(t.subject, ox.NamedNode))
    fresh = EmbeddedStore()
    for g in profile_dataset(graph):
        fresh.add_triples(g, list(ox.parse(store.export(g), format=ox.RdfFormat.TURTLE)))
    fresh.add_triples(graph, [first])  # now in the profile and in its results
    others = [Request(tuple(profile_dataset(g)), {}) for g, _ in found[:2]]
    request = [*others, Request(tuple(profile_dataset(graph)), {})]
    for g, _ in found[:2]:
        for name in profile_dataset(g)[1:]:
            fresh.add_triples(name, list(ox.parse(store.export(name), format=ox.RdfFormat.TURTLE)))
    assert _overlapping(fresh, request, manifest) == [2]


@pytest.mark.parametrize(
    "where",
    [
        "?s ?p ?o MINUS { ?s a ?t }",
        "GRAPH ?g { ?s ?p ?o }",
        "?s <urn:p>* ?o",
        "?s <urn:p> [ <urn:q> ?o ]",
        "?s <urn:p> _:b",
        "?__k <urn:p> ?o",
        "SERVICE <http://example.org/sparql> { ?s ?p ?o }",
    ],
)
def test_what_the_rewrite_cannot_prove_alike_is_refused(where):
    with pytest.raises(QueryError):
        batched_query(f"SELECT ?s WHERE {{ {where} }}", [Request(("urn:o",), {})])


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o }",
        "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1",
        "SELECT (COUNT(?s) AS ?n) WHERE { ?s ?p ?o }",
    ],
)
def test_modifiers_that_would_mix_teams_are_refused(query):
    with pytest.raises(QueryError):
        batched_query(query, [Request(("urn:o",), {})])


def test_requests_must_share_the_shape_of_their_dataset_and_parameters():
    a = ox.NamedNode("https://example.org/a")
    with pytest.raises(QueryError):
        batched_query(
            "SELECT ?s WHERE { ?s ?p ?assessment }",
            [
                Request(("urn:o", "urn:t"), {"assessment": a}),
                Request(("urn:o",), {"assessment": a}),
            ],
        )
