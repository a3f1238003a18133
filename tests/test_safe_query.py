"""The read-only, capped, time-limited query runner (SPARQL page and 'cmlops-kg query')."""

from __future__ import annotations

import json
import time

import pytest

from cmlops_kg import cli
from cmlops_kg.errors import CmlopsError, QueryError
from cmlops_kg.rdf.terms import IRI
from cmlops_kg.sparql.safe import QueryTimeoutError, adhoc_query, run_safe_query

CMLOPS = "PREFIX cmlops: <https://w3id.org/cmlops#>\n"
# A triple cross product of the ontology: billions of rows, never finishes in time.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_select_returns_plain_rows(ontology_store):
    outcome = run_safe_query(
        ontology_store, CMLOPS + "SELECT ?d WHERE { ?d a cmlops:Dimension } ORDER BY ?d"
    )
    assert outcome.form == "SELECT" and outcome.columns == ["d"]
    assert outcome.rows and all(isinstance(r["d"], IRI) for r in outcome.rows)
    assert not outcome.truncated and outcome.elapsed >= 0


def test_rows_are_capped_and_flagged(ontology_store):
    outcome = run_safe_query(ontology_store, "SELECT * WHERE { ?s ?p ?o }", limit=7)
    assert len(outcome.rows) == 7 and outcome.truncated


def test_ask_and_construct(ontology_store):
    assert run_safe_query(ontology_store, "ASK { ?s ?p ?o }").rows == [{"result": True}]
    outcome = run_safe_query(ontology_store, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", limit=2)
    assert outcome.columns == ["subject", "predicate", "object"]
    assert len(outcome.rows) == 2 and outcome.truncated


def test_library_query_with_parameters(ontology_store):
    from cmlops_kg.sparql.library import get_query

    outcome = run_safe_query(
        ontology_store,
        get_query("practice_detail"),
        {"practice": "https://w3id.org/cmlops#data-validation"},
    )
    assert outcome.rows[0]["label"] == "Data validation"


def test_bad_parameter_is_refused_before_running(ontology_store):
    from cmlops_kg.sparql.library import get_query

    with pytest.raises(QueryError, match="not a valid IRI"):
        run_safe_query(ontology_store, get_query("practice_detail"), {"practice": "not an iri"})


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <urn:g>",
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    ],
)
def test_updates_and_service_are_refused_and_change_nothing(ontology_store, text):
    before = len(ontology_store.oxigraph)
    with pytest.raises(QueryError, match="read-only"):
        run_safe_query(ontology_store, text)
    assert len(ontology_store.oxigraph) == before


def test_syntax_error_says_what_and_how(ontology_store):
    with pytest.raises(QueryError) as info:
        run_safe_query(ontology_store, "SELECT ?x WHERE { ?x ?y }")
    assert "syntax error" in info.value.what and info.value.fix


def test_empty_query_is_refused(ontology_store):
    with pytest.raises(QueryError, match="empty"):
        run_safe_query(ontology_store, "   ")


def test_long_query_is_stopped_at_the_timeout(ontology_store):
    started = time.perf_counter()
    with pytest.raises(QueryTimeoutError) as info:
        run_safe_query(ontology_store, ENDLESS, timeout=0.5)
    assert time.perf_counter() - started < 10  # killed, not waited for
    assert "0.5 s" in info.value.what and "LIMIT" in info.value.fix
    # the store still answers afterwards
    assert run_safe_query(ontology_store, "ASK { ?s ?p ?o }").rows == [{"result": True}]


def test_adhoc_query_has_no_parameters():
    query = adhoc_query("SELECT * WHERE { ?s ?p ?o }")
    assert query.parameters == () and query.form == "SELECT"


def test_cli_query_times_out_with_exit_code_2(tmp_path, capsys):
    path = tmp_path / "endless.rq"
    path.write_text(f"# Title: Endless\n# Description: a cross product\n{ENDLESS}\n")
    assert cli.main(["query", str(path), "--timeout", "0.5"]) == 2
    assert "stopped" in capsys.readouterr().err


def test_cli_query_limit_still_caps_rows(capsys):
    assert cli.main(["query", "practices", "--limit", "3", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["rows"]) == 3 and out["truncated"] is True


# -- every form under the same timed, memory-bounded runner; validated time limits ------------
# a cross product counted before the first triple can be built: nothing streams out early
ENDLESS_CONSTRUCT = (
    "CONSTRUCT { <urn:x> <urn:n> ?n } WHERE { "
    "{ SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } } }"
)
ENDLESS_DESCRIBE = (
    "DESCRIBE ?x WHERE { { SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } }"
    " BIND(<urn:x> AS ?x) }"
)


@pytest.mark.parametrize(
    "text", [ENDLESS_CONSTRUCT, ENDLESS_DESCRIBE], ids=["construct", "describe"]
)
def test_construct_and_describe_are_stopped_at_the_timeout(ontology_store, text):
    with pytest.raises(QueryTimeoutError):
        run_safe_query(ontology_store, text, timeout=0.5)


def test_cli_construct_times_out_with_exit_code_2(tmp_path, capsys):
    path = tmp_path / "endless.rq"
    path.write_text(f"# Title: Endless\n# Description: a cross product\n{ENDLESS_CONSTRUCT}\n")
    assert cli.main(["query", str(path), "--timeout", "0.5"]) == 2
    err = capsys.readouterr().err
    assert "stopped" in err and "Traceback" not in err


def test_construct_triples_are_capped(ontology_store, capsys):
    outcome = run_safe_query(ontology_store, "CONSTRUCT WHERE { ?s ?p ?o }", limit=7)
    assert outcome.form == "CONSTRUCT" and outcome.truncated
    assert len(outcome.triples) == len(outcome.rows) == 7


def test_cli_construct_prints_turtle(tmp_path, capsys):
    path = tmp_path / "c.rq"
    path.write_text(
        "# Title: c\n# Description: d\nCONSTRUCT { ?s a ?o } WHERE { ?s a ?o } LIMIT 3\n"
    )
    assert cli.main(["query", str(path)]) == 0
    out = capsys.readouterr().out
    assert len(list(__import__("pyoxigraph").parse(out.encode(), format=_turtle()))) == 3


def _turtle():
    import pyoxigraph

    return pyoxigraph.RdfFormat.TURTLE


def test_a_query_that_needs_too_much_memory_fails_instead_of_growing(ontology_store, monkeypatch):
    # sorting a cross product holds every row: with a 64 MB budget it fails long before the
    # (generous) time limit, so the outcome is a memory error, not a timeout
    monkeypatch.setenv("CMLOPS_KG_QUERY_MEMORY_MB", "64")
    text = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
    with pytest.raises(QueryError) as info:
        run_safe_query(ontology_store, text, timeout=120)
    assert not isinstance(info.value, QueryTimeoutError)
    assert "MB" in info.value.what and "CMLOPS_KG_QUERY_MEMORY_MB" in info.value.fix


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "0", "soon"])
def test_cli_timeout_must_be_a_positive_number(value, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["query", "practices", f"--timeout={value}"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "positive number of seconds" in err and "Traceback" not in err


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0, 0.0])
def test_library_timeout_must_be_a_positive_number(ontology_store, value):
    with pytest.raises(CmlopsError) as info:
        run_safe_query(ontology_store, "ASK { ?s ?p ?o }", timeout=value)
    assert "positive number of seconds" in info.value.what


@pytest.mark.parametrize("command", ["load", "portfolio"])
def test_store_timeout_must_be_a_positive_number(command, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main([command, "--timeout", "nan"] + (["x.ttl"] if command == "load" else []))
    assert info.value.code == 2
    assert "positive number of seconds" in capsys.readouterr().err


def test_bad_memory_limit_in_the_environment_is_an_error(ontology_store, monkeypatch):
    monkeypatch.setenv("CMLOPS_KG_QUERY_MEMORY_MB", "lots")
    with pytest.raises(CmlopsError) as info:
        run_safe_query(ontology_store, "ASK { ?s ?p ?o }")
    assert "CMLOPS_KG_QUERY_MEMORY_MB" in info.value.what


def test_a_refused_text_is_refused_every_time(ontology_store):
    # verdicts are cached per text; a refusal must never be cached as a pass
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    for _ in range(3):
        with pytest.raises(QueryError, match="read-only"):
            run_safe_query(ontology_store, update)
    assert run_safe_query(ontology_store, "ASK { <urn:a> <urn:b> <urn:c> }").rows == [
        {"result": False}
    ]


def test_query_children_are_reaped(ontology_store):
    # the caller gets its answer before the child has exited; the child is reaped behind it
    import multiprocessing

    for _ in range(5):
        run_safe_query(ontology_store, "ASK { ?s ?p ?o }")
    deadline = time.monotonic() + 30
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert multiprocessing.active_children() == []
