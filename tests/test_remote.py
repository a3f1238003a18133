"""The remote store against a real ``oxigraph serve`` on 127.0.0.1, and its failure modes
against tiny local servers that answer 401, 500 or nothing at all."""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import Iterator
from decimal import Decimal

import pyoxigraph as ox
import pytest
import rdflib
from oxigraph_server import (
    OxigraphServer,
    answer,
    fake_server,
    free_port,
    hang,
    oxigraph_binary,
    oxigraph_server,
)
from rdflib.compare import isomorphic

from cmlops_kg.assessment.portfolio import team_graph
from cmlops_kg.cli import main
from cmlops_kg.rdf.profiles import parse_profile_bytes, read_profile
from cmlops_kg.resources import EXAMPLES_DIR
from cmlops_kg.sparql.library import QueryFile, library
from cmlops_kg.store.base import GraphStore, is_manifest, is_staging
from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.store.inference import inferred_graph
from cmlops_kg.store.remote import EndpointAuth, EndpointError, RemoteStore
from cmlops_kg.vocab import ONTOLOGY_GRAPH

pytestmark = pytest.mark.skipif(oxigraph_binary() is None, reason="oxigraph server not installed")

CASE = EXAMPLES_DIR / "profiles" / "ledgerly.ttl"
ORG = "https://example.org/org/ledgerly"
SECRET = "s3cr3t-t0ken-value"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[OxigraphServer]:
    """A plain ``oxigraph serve`` (its default graph is NOT the union of its graphs)."""
    srv = OxigraphServer(tmp_path_factory.mktemp("oxigraph"), union_default_graph=False)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def stores(server) -> tuple[EmbeddedStore, RemoteStore]:
    """The same case study loaded into both backends."""
    profile = read_profile(CASE)
    embedded, remote = EmbeddedStore(), RemoteStore(server.url, timeout=10)
    for store in (embedded, remote):
        store.load_ontology()
        store.load_profile(team_graph(profile), profile.triples, profile.assessment_iris())
    return embedded, remote


def _latest_assessment(store: GraphStore) -> str:
    return str(store.select("assessments", {"organisation": ORG})[0]["assessment"])


def _params(query: QueryFile, store: GraphStore) -> dict[str, object]:
    values = {
        "assessment": _latest_assessment(store),
        "organisation": ORG,
        "practice": "https://w3id.org/cmlops#version-control",
    }
    params = {}
    for p in query.parameters:
        if p.name in values:
            params[p.name] = values[p.name]
        elif p.required:
            raise AssertionError(f"add a test value for ?{p.name} of {query.name}")
    return params


def _separators(query: QueryFile) -> dict[str, str]:
    """Each GROUP_CONCAT's variable and separator, as SPARQL reads the string ("\\n" is a
    newline)."""
    return {
        m.group(2): m.group(1).encode("ascii", "backslashreplace").decode("unicode_escape")
        for m in re.finditer(
            r'GROUP_CONCAT\s*\(.*?separator\s*=\s*"([^"]*)"\s*\)\s*AS\s+\?(\w+)',
            query.text,
            re.IGNORECASE | re.DOTALL,
        )
    }


def _normalised_rows(query: QueryFile, rows: list[dict]) -> list[str]:
    """Rows as comparable text: blank nodes and GROUP_CONCAT order are engine-specific."""
    separators = _separators(query)
    out = []
    for row in rows:
        norm = {}
        for key, value in row.items():
            if type(value).__name__ == "BNode":
                value = "_:b"
            elif key in separators and isinstance(value, str):
                value = sorted(value.split(separators[key]))
            norm[key] = value
        out.append(repr(sorted(norm.items())))
    return sorted(out)


def _normalised_triples(triples: list[ox.Triple], query: QueryFile) -> list[str]:
    """Triples as comparable text: blank nodes and the order of a GROUP_CONCAT's list (in a
    literal, e.g. a prepared index's source list) are engine-specific."""
    separators = set(_separators(query).values())

    def term(t: object) -> str:
        if isinstance(t, ox.Literal):
            for separator in separators:
                if separator in t.value:
                    parts = sorted(t.value.split(separator))
                    if t.language:
                        return str(ox.Literal(separator.join(parts), language=t.language))
                    return str(ox.Literal(separator.join(parts), datatype=t.datatype))
        return "_:b" if isinstance(t, ox.BlankNode) else str(t)

    return sorted(f"{term(t.subject)} {term(t.predicate)} {term(t.object)}" for t in triples)


@pytest.mark.parametrize("name", sorted(library()))
def test_every_library_query_gives_the_same_rows_on_both_backends(stores, name):
    embedded, remote = stores
    query = library()[name]
    params = _params(query, embedded)
    if query.form == "CONSTRUCT":
        assert _normalised_triples(remote.construct(query, params), query) == (
            _normalised_triples(embedded.construct(query, params), query)
        )
    else:
        assert _normalised_rows(query, remote.select(query, params)) == _normalised_rows(
            query, embedded.select(query, params)
        )


def test_assessment_results_are_the_same_on_both_backends(stores):
    from cmlops_kg.assessment.engine import Assessor

    embedded, remote = stores
    a = Assessor(embedded).result(ORG).to_json()
    b = Assessor(remote).result(ORG).to_json()
    for result in (a, b):  # reasons of one phase come in engine order
        for phase in result["roadmap"]:
            for item in phase["items"]:
                item["reasons"] = sorted(item["reasons"], key=lambda r: (r["phase"], r["text"]))
                item["unlocks"] = sorted(item["unlocks"])
    assert a == b


def test_a_union_default_graph_server_gives_the_same_results(tmp_path, stores):
    embedded, _ = stores
    profile = read_profile(CASE)
    srv = OxigraphServer(tmp_path, union_default_graph=True).start()
    try:
        remote = RemoteStore(srv.url, timeout=10)
        remote.load_ontology()
        remote.load_profile(team_graph(profile), profile.triples, profile.assessment_iris())
        assert remote.union_default_graph() is True
        for name in ("assessments", "organisations", "dimension_levels", "gaps"):
            query = library()[name]
            params = _params(query, embedded)
            assert _normalised_rows(query, remote.select(query, params)) == _normalised_rows(
                query, embedded.select(query, params)
            )
    finally:
        srv.stop()


def test_the_plain_server_is_detected_as_not_serving_the_union(stores):
    assert stores[1].union_default_graph() is False


# -- loading: atomic replace ---------------------------------------------------------------------
def _profile(status: str, name: str = "team.ttl", assessments: int = 1):
    """A one-practice team; ``assessments`` > 1 adds earlier assessments (a, a2, a3, ...),
    each with its own full set of inferred results."""
    text = """
@prefix cmlops: <https://w3id.org/cmlops#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix org: <http://www.w3.org/ns/org#> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://example.org/t> a org:Organization ; rdfs:label "Team" .
"""
    for i in range(1, assessments + 1):
        a = "https://example.org/t/a" + (str(i) if i > 1 else "")
        text += f"""
<{a}> a cmlops:Assessment ; cmlops:assesses <https://example.org/t> ;
    dcterms:date "2026-01-{i:02d}"^^xsd:date ; cmlops:method cmlops:method-audit .
<{a}/e> a cmlops:Evidence ; prov:wasGeneratedBy <{a}> ;
    cmlops:aboutPractice cmlops:version-control ; cmlops:status cmlops:status-{status} .
"""
    return parse_profile_bytes(text.encode(), name, "turtle")


def _status_of_version_control(store: GraphStore, graph: str) -> str:
    rows = store.scoped([ONTOLOGY_GRAPH, graph, inferred_graph(graph)]).select(
        "practice_status", {"assessment": "https://example.org/t/a"}
    )
    return next(
        str(r["statusLabel"]) for r in rows if str(r["practice"]).endswith("#version-control")
    )


def test_loading_a_profile_again_replaces_it_and_its_results(server):
    remote = RemoteStore(server.url, timeout=10)
    remote.load_ontology()
    for status, label in (("planned", "planned"), ("implemented", "implemented")):
        profile = _profile(status)
        remote.load_profile("urn:test:replace", profile.triples, profile.assessment_iris())
        assert _status_of_version_control(remote, "urn:test:replace") == label
    assert not [g for g in remote.graphs() if is_staging(g)]
    outcomes = remote.select(
        "practice_status",
        {"assessment": "https://example.org/t/a"},
        dataset=[ONTOLOGY_GRAPH, "urn:test:replace", "urn:test:replace/inferred"],
    )
    assert len({str(r["practice"]) for r in outcomes}) == len(outcomes)  # no stale duplicates


def test_a_server_killed_mid_load_leaves_the_previous_profile_intact(tmp_path, monkeypatch):
    srv = OxigraphServer(tmp_path / "db", union_default_graph=False).start()
    try:
        remote = RemoteStore(srv.url, timeout=5)
        remote.load_ontology()
        old = _profile("planned")
        remote.load_profile("urn:test:kill", old.triples, old.assessment_iris())

        def killed_before_commit(stage: str, graph: str, assessments) -> None:
            srv.kill()  # the staged upload is on the server; the commit never arrives
            RemoteStore._commit(remote, stage, graph, assessments)

        monkeypatch.setattr(remote, "_commit", killed_before_commit)
        new = _profile("implemented")
        with pytest.raises(EndpointError, match="cannot reach"):
            remote.load_profile("urn:test:kill", new.triples, new.assessment_iris())
    finally:
        srv.stop()
    restarted = OxigraphServer(tmp_path / "db", union_default_graph=False).start()
    try:
        remote = RemoteStore(restarted.url, timeout=5)
        assert _status_of_version_control(remote, "urn:test:kill") == "planned"
        assert remote.discard_staging(older_than=-1)  # the dead load's upload is cleaned up
        assert not [g for g in remote.graphs() if is_staging(g)]
        assert _status_of_version_control(remote, "urn:test:kill") == "planned"
    finally:
        restarted.stop()


def test_a_failing_commit_leaves_the_previous_profile_intact(server, monkeypatch):
    remote = RemoteStore(server.url, timeout=10)
    remote.load_ontology()
    old = _profile("planned")
    remote.load_profile("urn:test:fail", old.triples, old.assessment_iris())
    monkeypatch.setattr(
        "cmlops_kg.store.remote.commit_update",
        lambda *a, **k: "DROP GRAPH <urn:test:fail> ; THIS IS NOT SPARQL",
    )
    new = _profile("implemented")
    with pytest.raises(EndpointError, match="HTTP 400"):
        remote.load_profile("urn:test:fail", new.triples, new.assessment_iris())
    assert _status_of_version_control(remote, "urn:test:fail") == "planned"
    assert not [g for g in remote.graphs() if is_staging(g)]


# -- client inference: the strata run here, the results swapped in with the profile ------------
CMLOPS = "https://w3id.org/cmlops#"
SMALL_CASE = EXAMPLES_DIR / "profiles" / "calder-staffing.ttl"
CLIENT_CASE = EXAMPLES_DIR / "profiles" / "quayside-mutual.ttl"  # its profile has blank nodes
STALE = "urn:cmlops:staging:{}:dead-client-load"  # a staging name two hours old
NUMBERS = {str(rdflib.XSD.integer), str(rdflib.XSD.decimal)}


def read_back(data: bytes) -> rdflib.Graph:
    """A graph as a server gives it back (parsed by Oxigraph: rdflib's Turtle parser takes
    seconds), numbers written by value: Virtuoso keeps numbers as SQL numbers and gives a
    whole xsd:decimal back as an xsd:integer (0.0 reads as 0)."""
    graph = rdflib.Graph()
    for t in ox.parse(data, format=ox.RdfFormat.TURTLE):
        graph.add((_rdflib(t.subject), _rdflib(t.predicate), _rdflib(t.object)))
    return graph


def _rdflib(term: object) -> rdflib.term.Node:
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    assert isinstance(term, ox.Literal)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value in NUMBERS:
        value = format(Decimal(term.value).normalize(), "f")
        return rdflib.Literal(value, datatype=rdflib.XSD.decimal)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def assert_the_inferences_agree(url: str, preset: str, embedded: EmbeddedStore) -> None:
    """A team loaded with client inference and with server inference into one server, and into
    the embedded store: the same profile and the same results, blank nodes and all."""
    profile = read_profile(CLIENT_CASE)
    loaded = {}
    for inference in ("client", "server"):
        remote = RemoteStore(url, preset=preset, inference=inference, timeout=600)
        graph = f"urn:test:{inference}-inferred"
        remote.load_profile(graph, profile.triples, profile.assessment_iris())
        loaded[inference] = [read_back(remote.export(g)) for g in (graph, inferred_graph(graph))]
    embedded.load_profile("urn:test:embedded", profile.triples, profile.assessment_iris())
    loaded["embedded"] = [
        read_back(embedded.export(g)) for g in ("urn:test:embedded", "urn:test:embedded/inferred")
    ]
    client, server, local = (loaded[k] for k in ("client", "server", "embedded"))
    assert len(client[1]) > 1000 and any(isinstance(t, rdflib.BNode) for t in client[0].subjects())
    for ours, theirs in ((client, server), (client, local)):
        assert isomorphic(ours[0], theirs[0]) and isomorphic(ours[1], theirs[1])


def team_state(store: RemoteStore, graph: str) -> tuple:
    """What a team holds: its profile's and its results' sizes, and version control's status
    as the evidence gives it and as the results derive it (a whole team agrees with itself)."""
    profile, results = (
        list(ox.parse(store.export(g), format=ox.RdfFormat.TURTLE))
        for g in (graph, inferred_graph(graph))
    )
    given = {t.object.value for t in profile if t.predicate.value == CMLOPS + "status"}
    about = {t.subject for t in results if t.object.value == CMLOPS + "version-control"}
    derived = {
        t.object.value
        for t in results
        if t.subject in about and t.predicate.value == CMLOPS + "derivedStatus"
    }
    return len(profile), len(results), frozenset(given), frozenset(derived)


def assert_a_kill_mid_swap_leaves_one_whole_team(start, preset: str, monkeypatch, durable=None):
    """``kill -9`` of the server while the update request that swaps a client-inferred team in
    runs; after a restart the team is the old one or the new one, whole, and the dead load's
    staging graphs (profile and results) go with the next ``cmlops-kg load``.

    ``start()`` starts the server on its folder (again); ``durable(server)`` makes what was
    written so far survive a crash for sure (Virtuoso's checkpoint)."""
    srv = start()
    try:
        remote = RemoteStore(srv.url, preset=preset, inference="client", timeout=120)
        remote.load_ontology()
        old, new = _profile("planned"), _profile("implemented", assessments=3)
        swaps: list[float] = []
        real_swap = remote._swap

        def timed_swap(stage: str, graph: str) -> None:
            started = time.monotonic()
            real_swap(stage, graph)
            swaps.append(time.monotonic() - started)

        monkeypatch.setattr(remote, "_swap", timed_swap)
        remote.load_profile("urn:test:probe", new.triples, new.assessment_iris())
        remote.load_profile("urn:test:kill", old.triples, old.assessment_iris())
        whole = {team_state(remote, "urn:test:kill"), team_state(remote, "urn:test:probe")}
        assert len(whole) == 2 and all(s[2] == s[3] for s in whole)
        if durable:
            durable(srv)

        def killed_mid_swap(stage: str, graph: str) -> None:
            timer = threading.Timer(swaps[0] / 2, srv.kill)  # half-way through a like swap
            timer.start()
            try:
                real_swap(stage, graph)
            finally:
                timer.join()

        monkeypatch.setattr(remote, "_swap", killed_mid_swap)
        monkeypatch.setattr(
            "cmlops_kg.store.remote.staging_graph", lambda: STALE.format(int(time.time()) - 7200)
        )
        with pytest.raises(EndpointError):
            remote.load_profile("urn:test:kill", new.triples, new.assessment_iris())
    finally:
        srv.stop()
    restarted = start()
    try:
        remote = RemoteStore(restarted.url, preset=preset, timeout=120)
        assert team_state(remote, "urn:test:kill") in whole
        again = ["load", str(SMALL_CASE), "--endpoint", restarted.url, "--preset", preset]
        assert main(again) == 0
        assert not [g for g in remote.graphs() if is_staging(g)]
        assert team_state(remote, "urn:test:kill") in whole
    finally:
        restarted.stop()


def test_client_and_server_inference_give_the_embedded_stores_graphs(server):
    remote = RemoteStore(server.url, timeout=30)
    remote.load_ontology()
    embedded = EmbeddedStore()
    embedded.load_ontology()
    assert_the_inferences_agree(server.url, "oxigraph", embedded)


def test_a_server_killed_mid_swap_leaves_one_whole_client_inferred_team(tmp_path, monkeypatch):
    assert_a_kill_mid_swap_leaves_one_whole_team(
        lambda: OxigraphServer(tmp_path / "db", union_default_graph=False).start(),
        "oxigraph",
        monkeypatch,
    )


def test_a_dead_client_loads_staging_graphs_go_with_the_next_load(tmp_path, monkeypatch):
    """The load died after uploading the profile and its results, before the swap: both
    staging graphs stay on the server, are never read, and the next load drops them."""
    srv = OxigraphServer(tmp_path / "db", union_default_graph=False).start()
    try:
        remote = RemoteStore(srv.url, inference="client", timeout=5)
        remote.load_ontology()
        old = _profile("planned")
        remote.load_profile("urn:test:dead", old.triples, old.assessment_iris())
        before = team_state(remote, "urn:test:dead")
        monkeypatch.setattr(
            "cmlops_kg.store.remote.staging_graph", lambda: STALE.format(int(time.time()) - 7200)
        )
        monkeypatch.setattr(remote, "_swap", lambda stage, graph: srv.kill())
        new = _profile("implemented")
        remote.load_profile("urn:test:dead", new.triples, new.assessment_iris())
    finally:
        srv.stop()
    restarted = OxigraphServer(tmp_path / "db", union_default_graph=False).start()
    try:
        remote = RemoteStore(restarted.url, timeout=5)
        staged = [g for g in remote.graphs() if is_staging(g)]
        assert len(staged) == 2 and inferred_graph(staged[0]) in staged  # profile and results
        assert team_state(remote, "urn:test:dead") == before
        assert main(["load", str(SMALL_CASE), "--endpoint", restarted.url]) == 0
        assert not [g for g in remote.graphs() if is_staging(g)]
        assert team_state(remote, "urn:test:dead") == before
    finally:
        restarted.stop()


# -- faults: clear message, exit code 3, nothing written -----------------------------------------
def test_server_down_gives_a_clear_error():
    remote = RemoteStore(f"http://127.0.0.1:{free_port()}", timeout=2)
    with pytest.raises(EndpointError) as err:
        remote.graphs()
    assert "cannot reach the SPARQL endpoint" in err.value.render()
    assert "start the server" in err.value.render()
    assert err.value.exit_code == 3


def test_a_hanging_server_times_out():
    with fake_server(hang(5)) as (url, _):
        remote = RemoteStore(url, timeout=0.5)
        started = time.monotonic()
        with pytest.raises(EndpointError, match=r"did not answer within 0\.5 s"):
            remote.select("organisations")
        assert time.monotonic() - started < 3
        with pytest.raises(EndpointError, match=r"did not answer within 0\.5 s"):
            remote.load_profile("urn:x", _profile("planned").triples, ["https://example.org/t/a"])


def test_a_server_error_is_reported_with_its_status(capsys):
    with fake_server(answer(500, b"disk full")) as (url, _):
        remote = RemoteStore(url, timeout=2)
        with pytest.raises(EndpointError, match=r"HTTP 500.*disk full"):
            remote.select("organisations")
        with pytest.raises(EndpointError, match=r"HTTP 500"):
            remote.load_profile("urn:x", _profile("planned").triples, ["https://example.org/t/a"])
        code = main(["portfolio", "--endpoint", url, "--timeout", "2"])
    assert code == 3
    assert "HTTP 500" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("env", "header"),
    [
        ({"CMLOPS_KG_ENDPOINT_TOKEN": SECRET}, f"Bearer {SECRET}"),
        ({"CMLOPS_KG_ENDPOINT_USER": "ana", "CMLOPS_KG_ENDPOINT_PASSWORD": SECRET}, "Basic "),
    ],
)
def test_auth_failure_is_clear_and_never_shows_credentials(
    env, header, monkeypatch, capsys, caplog, tmp_path
):
    caplog.set_level(logging.DEBUG)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    profile = tmp_path / "team.ttl"
    profile.write_text(CASE.read_text(encoding="utf-8"), encoding="utf-8")
    with fake_server(answer(401, f"bad credentials {SECRET}".encode())) as (url, seen):
        monkeypatch.setenv("CMLOPS_KG_ENDPOINT", url)
        assert main(["load", str(profile), "--timeout", "2"]) == 3
        assert main(["portfolio", "--timeout", "2"]) == 3
        assert main(["query", "organisations"]) == 3
    out = capsys.readouterr()
    text = out.out + out.err + caplog.text
    assert "refused access (HTTP 401)" in text
    assert "CMLOPS_KG_ENDPOINT_TOKEN" in text  # says how to fix it
    assert SECRET not in text
    assert seen and all(r["headers"].get("Authorization", "").startswith(header) for r in seen)
    store = RemoteStore.from_environment(url, environ=dict(env))
    assert SECRET not in repr(store) and SECRET not in repr(EndpointAuth(token=SECRET))


def test_credentials_in_the_url_are_refused():
    with pytest.raises(EndpointError, match="contains credentials") as err:
        RemoteStore(f"http://ana:{SECRET}@127.0.0.1:1/query")
    assert SECRET not in err.value.render()


def test_credentials_never_reach_the_stored_graphs(server, monkeypatch):
    monkeypatch.setenv("CMLOPS_KG_ENDPOINT_TOKEN", SECRET)
    remote = RemoteStore.from_environment(server.url, environ={"CMLOPS_KG_ENDPOINT_TOKEN": SECRET})
    remote.load_ontology()
    profile = _profile("implemented")
    remote.load_profile("urn:test:secret", profile.triples, profile.assessment_iris())
    for graph in remote.graphs():
        assert SECRET.encode() not in remote.export(graph)


# -- the CLI against the real server -------------------------------------------------------------
def test_cli_load_portfolio_and_query_on_a_shared_server(server, capsys, monkeypatch):
    import json

    monkeypatch.delenv("CMLOPS_KG_ENDPOINT", raising=False)
    profiles = sorted(str(p) for p in (EXAMPLES_DIR / "profiles").glob("*.ttl"))
    assert main(["load", *profiles, "--endpoint", server.url]) == 0
    capsys.readouterr()
    assert main(["portfolio", "--endpoint", server.url, "--format", "json"]) == 0
    orgs = {o["organisation"] for o in json.loads(capsys.readouterr().out)["organisations"]}
    assert ORG in orgs and len(orgs) >= len(profiles)
    monkeypatch.setenv("CMLOPS_KG_ENDPOINT", server.url)
    assert main(["query", "organisations", "--format", "csv"]) == 0
    assert "Ledgerly" in capsys.readouterr().out


# -- the portfolio asked in batches (issue 20) -------------------------------------------------
def _batched_portfolio(
    remote: RemoteStore, embedded: EmbeddedStore, folder, monkeypatch, teams: int, batch: int
) -> tuple[list[dict], list[dict], list[str], set[str]]:
    """Generated teams loaded into both stores, then both portfolios: (the remote's results,
    the embedded store's, every text the remote store was sent, the teams' graphs)."""
    import importlib.util
    import sys
    from dataclasses import asdict

    from cmlops_kg.assessment.portfolio import assess_portfolio, load_profile_file
    from cmlops_kg.resources import ROOT

    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "portfolio.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    graphs = set()
    for path in bench.write_profiles(teams, folder):
        for store in (embedded, remote):
            outcome = load_profile_file(store, path)
            assert outcome.status == "loaded", outcome.error
        graphs.add(outcome.graph)
    sent: list[str] = []
    real_query = RemoteStore._query

    def recording(self, text, fmt, dataset, action):
        sent.append(text)
        return real_query(self, text, fmt, dataset, action)

    monkeypatch.setattr(RemoteStore, "_query", recording)
    remote.batch_size = batch
    found = [asdict(r) for r in assess_portfolio(remote) if r.graph in graphs]
    monkeypatch.undo()
    expected = [asdict(r) for r in assess_portfolio(embedded) if r.graph in graphs]
    assert len(expected) == teams
    return found, expected, sent, graphs


def assert_the_batched_portfolio_matches(
    remote: RemoteStore, embedded: EmbeddedStore, folder, monkeypatch, teams: int = 4
) -> None:
    """Generated teams loaded into both stores; the remote portfolio, asked one text per
    library query for each batch of two teams, gives every team the embedded store's
    results; the texts name no team (they read the teams from the run's batch manifest), so
    the second batch sends the first one's texts, and the manifest is gone afterwards."""
    found, expected, sent, graphs = _batched_portfolio(
        remote, embedded, folder, monkeypatch, teams, batch=2
    )
    assert found == expected
    batched = [text for text in sent if "?__k" in text]
    # per batch of two (the store may hold other tests' teams; a last team alone is asked
    # as one): the five summary questions and their overlap checks
    assert len(batched) == (len(remote.organisations()) // 2) * 2 * 5
    assert len(set(batched)) == 5 + 1  # one overlap text: every dataset has the same shape
    assert not [text for text in batched if any(g in text for g in graphs)]
    assert not [text for text in sent if "VALUES ?assessment" in text]
    assert not [g for g in remote.graphs() if is_manifest(g)]


def test_the_batched_portfolio_on_oxigraph_matches_the_embedded_store(tmp_path, monkeypatch):
    with oxigraph_server(tmp_path / "server", union_default_graph=False) as srv:
        remote = RemoteStore(srv.url, timeout=60)
        embedded = EmbeddedStore()
        for store in (embedded, remote):
            store.load_ontology()
        assert_the_batched_portfolio_matches(remote, embedded, tmp_path, monkeypatch)


@contextlib.contextmanager
def _oxigraph_pair(tmp_path):
    """A real oxigraph serve and an embedded store, both holding the ontology."""
    with oxigraph_server(tmp_path / "server", union_default_graph=False) as srv:
        remote, embedded = RemoteStore(srv.url, timeout=60), EmbeddedStore()
        for store in (embedded, remote):
            store.load_ontology()
        yield remote, embedded


def test_a_store_that_refuses_the_manifest_names_the_teams_in_each_batch(tmp_path, monkeypatch):
    """A read-only account cannot write the manifest: each batch's texts then carry its
    teams in VALUES blocks, with the same answers."""
    real_put = RemoteStore._put

    def refusing(self, graph, triples):
        if is_manifest(graph):
            raise EndpointError("the endpoint refused access (HTTP 403)")
        return real_put(self, graph, triples)

    with _oxigraph_pair(tmp_path) as (remote, embedded):
        monkeypatch.setattr(RemoteStore, "_put", refusing)
        found, expected, sent, graphs = _batched_portfolio(
            remote, embedded, tmp_path, monkeypatch, teams=4, batch=2
        )
    assert found == expected
    batched = [text for text in sent if "?__k" in text]
    assert batched and all("VALUES (?__k" in text for text in batched)
    assert all(any(g in text for g in graphs) for text in batched)
    assert len(set(batched)) == 2 * (5 + 1)  # a batch's questions share its overlap text


def test_a_manifest_dropped_mid_batch_is_noticed_and_the_batch_asked_again(tmp_path, monkeypatch):
    """Another process's clean-up may drop the manifest while a batch reads it (its rows
    would then be empty): the batch is asked again with its teams in the text, the manifest
    written again for the next, and every team still gets the embedded store's results."""
    real_batched = RemoteStore._batched
    dropped: list[str] = []

    def dropping(self, qf, requests, manifest):
        if manifest is not None and not dropped:
            dropped.append(manifest)
            self.drop_graph(manifest)
        return real_batched(self, qf, requests, manifest)

    with _oxigraph_pair(tmp_path) as (remote, embedded):
        monkeypatch.setattr(RemoteStore, "_batched", dropping)
        found, expected, sent, _ = _batched_portfolio(
            remote, embedded, tmp_path, monkeypatch, teams=4, batch=2
        )
    assert dropped and found == expected
    assert sum("VALUES (?__k" in text for text in sent) == 2  # the one question, asked again
