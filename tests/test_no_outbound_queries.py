"""Hostile queries against a trap server: no query path may make any connection to it.

The guard decides on the parsed query; these tests check the outcome end to end, through the
library, the CLI and the app, with a listener that sees connections from the engine's own HTTP
client too. ``test_the_trap_sees_the_engine`` shows the trap would catch a SERVICE call that
got through, so the other tests cannot pass vacuously.
"""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest
from trap import Trap, trap_server

from cmlops_kg.cli import main
from cmlops_kg.errors import QueryError
from cmlops_kg.sparql.safe import run_safe_query


def hostile_queries(url: str) -> dict[str, str]:
    service = f"SERVICE <{url}> {{ ?s ?p ?o }}"
    host = url.rsplit("/", 1)[0]
    return {
        # the issue's reproductions: a ''' on two comment lines, and a quote inside an IRI
        "triple-quotes-in-comments": f"SELECT * WHERE {{\n# '''\n{service}\n# '''\n}}",
        "quote-in-iri": f'SELECT * WHERE {{ ?s <https://e/a"b> ?o . {service} }}',
        "plain": f"SELECT * WHERE {{ {service} }}",
        "silent": f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "prefixed": f"PREFIX t: <{host}/> SELECT * WHERE {{ SERVICE t:sparql {{ ?s ?p ?o }} }}",
        "base-relative": f"BASE <{url}> SELECT * WHERE {{ SERVICE <> {{ ?s ?p ?o }} }}",
        "unicode-escape": f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        "in-exists": f"ASK {{ ?s ?p ?o FILTER EXISTS {{ {service} }} }}",
        "construct": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {service} }}",
        "describe": f"DESCRIBE ?s WHERE {{ {service} }}",
        "load": f"LOAD <{url}>",
        "load-after-query": f"SELECT * WHERE {{ ?s ?p ?o }} ; LOAD <{url}>",
        "variable-endpoint": f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    }


def _settled(trap: Trap) -> list[bytes]:
    time.sleep(0.2)  # a connection already made is accepted by then
    return trap.hits


def test_the_trap_sees_the_engine():
    with trap_server() as trap:
        store = ox.Store()
        with pytest.raises(OSError):  # the trap hangs up; the request was made all the same
            list(store.query(f"SELECT * WHERE {{ SERVICE <{trap.url}> {{ ?s ?p ?o }} }}"))
        assert _settled(trap), "the trap must see pyoxigraph's own HTTP client"


def test_the_library_runner_makes_no_connection(ontology_store):
    with trap_server() as trap:
        for name, text in hostile_queries(trap.url).items():
            with pytest.raises(QueryError) as info:
                run_safe_query(ontology_store, text, timeout=5)
            assert info.value.fix, name
        assert not _settled(trap)


def test_the_cli_makes_no_connection(tmp_path, capsys):
    with trap_server() as trap:
        for name, text in hostile_queries(trap.url).items():
            path = tmp_path / f"{name}.rq"
            path.write_text(f"# Title: {name}\n# Description: hostile\n{text}\n")
            assert main(["query", str(path), "--timeout", "5"]) == 2, name
            err = capsys.readouterr().err
            assert "How to fix" in err and "Traceback" not in err, name
        assert not _settled(trap)


def test_the_app_makes_no_connection():
    from streamlit.testing.v1 import AppTest
    from test_app import APP, PAGES

    with trap_server() as trap:
        at = AppTest.from_file(str(APP), default_timeout=600)  # the first run builds stores
        at.run()
        at.switch_page(PAGES["sparql"][0]).run()
        at.selectbox(key="sparql_data").set_value("Ontology only").run()
        at.radio(key="sparql_mode").set_value("Write your own").run()
        for name, text in hostile_queries(trap.url).items():
            at.text_area(key="sparql_text").set_value(text).run()
            at.button(key="sparql_run").click().run()
            assert not at.exception, name
            assert at.error, name
        assert not _settled(trap)


def test_the_app_sparql_page_queries_a_shared_server(tmp_path, monkeypatch):
    """On a remote shared store the page runs queries there (it crashed with AttributeError)."""
    from oxigraph_server import OxigraphServer
    from streamlit.testing.v1 import AppTest
    from test_app import APP, PAGES

    from cmlops_kg.assessment.portfolio import ensure_ontology, load_profile_file
    from cmlops_kg.casestudies import case_studies
    from cmlops_kg.store import open_store

    server = OxigraphServer(tmp_path / "db").start()
    try:
        store = open_store(server.url)
        ensure_ontology(store)
        for case in case_studies()[:2]:
            load_profile_file(store, case.path)
        monkeypatch.setenv("CMLOPS_KG_ENDPOINT", server.url)
        at = AppTest.from_file(str(APP), default_timeout=600)
        at.run()
        at.switch_page(PAGES["sparql"][0]).run()
        assert at.selectbox(key="sparql_data").value.startswith("The shared store")
        at.selectbox(key="sparql_query").set_value("organisations").run()
        at.button(key="sparql_run").click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        assert len(at.dataframe[-1].value) == 2
        at.radio(key="sparql_mode").set_value("Write your own").run()
        at.text_area(key="sparql_text").set_value("CONSTRUCT WHERE { ?s a ?o } LIMIT 4").run()
        at.button(key="sparql_run").click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        assert len(at.dataframe[-1].value) == 4
    finally:
        server.stop()
