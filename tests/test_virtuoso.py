"""The remote store against a real OpenLink Virtuoso 7 (issue 20, first part): the preset's
endpoints, Digest login on the -auth endpoints, Graph Store uploads, and the library's
every library query that needs no parameter compared with the embedded store (booleans and
empty GROUP_CONCATs read alike, see as_read), and Virtuoso's own graphs kept out."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from test_remote import (
    _normalised_rows,
    _profile,
    _status_of_version_control,
    assert_a_kill_mid_swap_leaves_one_whole_team,
    assert_the_batched_portfolio_matches,
    assert_the_inferences_agree,
)
from virtuoso_server import DBA_PASSWORD, VirtuosoServer, virtuoso_binary

from cmlops_kg.sparql.library import library
from cmlops_kg.store.base import is_staging
from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.store.remote import EndpointAuth, EndpointError, RemoteStore
from cmlops_kg.vocab import ONTOLOGY_GRAPH

pytestmark = pytest.mark.skipif(virtuoso_binary() is None, reason="Virtuoso not installed")

# every question of the library that needs no parameter: on the ontology alone (and an empty
# portfolio) Virtuoso must give the embedded store's rows
WHOLE_STORE = sorted(
    name
    for name, q in library().items()
    if q.form == "SELECT" and not [p for p in q.parameters if p.required]
)
GRAPH = "urn:test:virtuoso"
CRASH_AFTER_S = 2.0  # into a server-inferred commit, which takes 10-20 s on Virtuoso


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[VirtuosoServer]:
    srv = VirtuosoServer(tmp_path_factory.mktemp("virtuoso")).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def stores(server) -> tuple[EmbeddedStore, RemoteStore]:
    embedded, remote = EmbeddedStore(), RemoteStore(server.url, preset="virtuoso", timeout=60)
    for store in (embedded, remote):
        store.load_ontology()
    return embedded, remote


def test_the_preset_finds_virtuosos_endpoints(server):
    anonymous = RemoteStore(server.url, preset="virtuoso")
    assert anonymous.urls.query == f"{server.url}/sparql"
    assert anonymous.urls.gsp == f"{server.url}/sparql-graph-crud"
    logged_in = RemoteStore(server.url, preset="virtuoso", auth=EndpointAuth("dba", DBA_PASSWORD))
    assert logged_in.urls.query == f"{server.url}/sparql-auth"


def test_digest_login_reads_and_writes_through_the_auth_endpoints(server):
    store = RemoteStore(
        server.url, preset="virtuoso", auth=EndpointAuth("dba", DBA_PASSWORD), timeout=30
    )
    triple = ox.Triple(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("digest"))
    store.add_triples(GRAPH, [triple])  # Graph Store, Digest-protected
    assert b"digest" in store.export(GRAPH)
    store.drop_graph(GRAPH)  # SPARQL update, Digest-protected
    assert GRAPH not in store.graphs()


def test_a_wrong_password_is_refused_with_a_clear_error(server):
    store = RemoteStore(server.url, preset="virtuoso", auth=EndpointAuth("dba", "wrong"))
    with pytest.raises(EndpointError, match="refused access") as err:
        store.graphs()
    assert "wrong" not in err.value.render()


def test_the_ontology_uploads_whole(stores):
    embedded, remote = stores
    assert ONTOLOGY_GRAPH in remote.graphs()
    uploaded = list(ox.parse(remote.export(ONTOLOGY_GRAPH), format=ox.RdfFormat.TURTLE))
    assert len(uploaded) == len(list(embedded.oxigraph.quads_for_pattern(None, None, None)))


@pytest.mark.parametrize("name", WHOLE_STORE)
def test_library_queries_give_the_same_rows_as_the_embedded_store(stores, name):
    embedded, remote = stores
    query = library()[name]
    assert _normalised_rows(query, as_read(query, remote.select(query))) == _normalised_rows(
        query, as_read(query, embedded.select(query))
    )


def as_read(query, rows: list[dict]) -> list[dict]:
    """Rows as the library reads them. Two answers differ by engine and mean the same:
    Virtuoso gives booleans as 1 and 0 (its SQL has no boolean), and a GROUP_CONCAT over no
    value as "" (as SPARQL 1.1 says) where Oxigraph leaves it unbound; both are read as
    false and as "nothing" (README, "Remote stores")."""
    concatenated = {
        m.group(1)
        for m in re.finditer(
            r"GROUP_CONCAT\s*\(.*?\)\s*AS\s+\?(\w+)", query.text, re.IGNORECASE | re.DOTALL
        )
    }
    return [
        {
            k: int(v) if isinstance(v, bool) else (None if k in concatenated and v == "" else v)
            for k, v in row.items()
        }
        for row in rows
    ]


def test_the_servers_own_graphs_stay_out_of_the_store(stores):
    """Virtuoso's default graph holds its own graphs too (RDF views, WebDAV, the SPARQL service
    description): the preset leaves them out of the store's graphs and of whole-store
    queries."""
    _, remote = stores
    assert remote.graphs() == [ONTOLOGY_GRAPH]
    modules = {str(r["module"]) for r in remote.select("docs/ontology_modules")}
    assert not [m for m in modules if "openlinksw" in m or m.endswith("rdf-schema")]


# -- loads: a team's profile replaced with its results, and what a crash leaves ---------------
def test_loading_a_team_again_replaces_it_and_its_results(stores):
    _, remote = stores
    for status in ("planned", "implemented"):
        profile = _profile(status)
        remote.load_profile("urn:test:virtuoso:replace", profile.triples, profile.assessment_iris())
        assert _status_of_version_control(remote, "urn:test:virtuoso:replace") == status
    assert not [g for g in remote.graphs() if is_staging(g)]


def test_a_server_killed_during_the_commit_leaves_the_previous_team_intact(tmp_path, monkeypatch):
    """With server inference the commit is one update request (strata, drop, move); Virtuoso
    runs a request as one transaction, so a crash in the middle of it leaves the previous
    profile and its results, and the restarted server replays nothing of the interrupted
    commit."""
    location = tmp_path / "virtuoso"
    srv = VirtuosoServer(location).start()
    try:
        remote = RemoteStore(srv.url, preset="virtuoso", inference="server", timeout=120)
        remote.load_ontology()
        srv.sql("checkpoint;")  # the ontology and the first load survive the crash for sure
        old = _profile("planned")
        remote.load_profile("urn:test:virtuoso:kill", old.triples, old.assessment_iris())
        srv.sql("checkpoint;")

        def killed_while_committing(stage: str, graph: str, assessments) -> None:
            timer = threading.Timer(CRASH_AFTER_S, srv.kill)  # the commit takes longer
            timer.start()
            try:
                RemoteStore._commit(remote, stage, graph, assessments)
            finally:
                timer.cancel()

        monkeypatch.setattr(remote, "_commit", killed_while_committing)
        new = _profile("implemented")
        with pytest.raises(EndpointError):
            remote.load_profile("urn:test:virtuoso:kill", new.triples, new.assessment_iris())
    finally:
        srv.stop()
    restarted = VirtuosoServer(location).start()
    try:
        remote = RemoteStore(restarted.url, preset="virtuoso", timeout=120)
        assert _status_of_version_control(remote, "urn:test:virtuoso:kill") == "planned"
        remote.discard_staging(older_than=-1)  # the dead load's upload, if it was kept
        assert not [g for g in remote.graphs() if is_staging(g)]
        assert _status_of_version_control(remote, "urn:test:virtuoso:kill") == "planned"
    finally:
        restarted.stop()


def test_the_preset_infers_on_the_client(stores):
    assert stores[1].inference == "client"


def test_client_and_server_inference_give_the_embedded_stores_graphs(server, stores):
    """One server-inferred load (10-20 s on Virtuoso) against a client-inferred one."""
    embedded = EmbeddedStore()
    embedded.load_ontology()
    assert_the_inferences_agree(server.url, "virtuoso", embedded)


def test_a_server_killed_mid_swap_leaves_one_whole_client_inferred_team(tmp_path, monkeypatch):
    location = tmp_path / "virtuoso"
    assert_a_kill_mid_swap_leaves_one_whole_team(
        lambda: VirtuosoServer(location).start(),
        "virtuoso",
        monkeypatch,
        durable=lambda srv: srv.sql("checkpoint;"),
    )


# -- the portfolio: a real case study loaded into both stores, every team assessed ------------
def test_the_portfolio_on_virtuoso_matches_the_embedded_store(stores):
    """A bundled case study loaded (validated, inferred, moved into place) into the embedded
    store and into Virtuoso; the portfolio of each (every organisation, assessed over its own
    graphs) gives the same levels, potentials, gaps and crosswalked levels."""
    from dataclasses import asdict

    from cmlops_kg.assessment.portfolio import assess_portfolio, load_profile_file
    from cmlops_kg.resources import EXAMPLES_DIR

    path = EXAMPLES_DIR / "profiles" / "basketful-retail.ttl"
    results = []
    for store in stores:
        outcome = load_profile_file(store, path)
        assert outcome.status == "loaded", outcome.error
        team = [asdict(r) for r in assess_portfolio(store) if r.graph == outcome.graph]
        assert team, "the loaded team is in the portfolio"
        results.append(team)
    embedded, remote = results
    assert remote == embedded


def test_the_batched_portfolio_on_virtuoso_matches_the_embedded_store(
    stores, tmp_path, monkeypatch
):
    """Virtuoso compiles each batched text once (about 20 s for dimension_levels here), not
    once per team."""
    embedded, remote = stores
    assert_the_batched_portfolio_matches(remote, embedded, tmp_path, monkeypatch)
