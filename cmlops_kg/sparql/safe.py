"""Running queries that users write or pick: read-only, capped, and stopped when they run long.

Every query form (SELECT, ASK, CONSTRUCT, DESCRIBE) takes the same path. Oxigraph cannot
interrupt a query from another thread, so on an embedded store each query runs in a child
process forked from this one: the child inherits the in-memory store without copying or
reloading it, may grow by at most ``CMLOPS_KG_QUERY_MEMORY_MB`` (an address-space limit, so a
cartesian CONSTRUCT fails instead of swapping the machine to death), sends back at most
``limit`` rows or triples, and is killed when ``timeout`` passes. On a shared server the
request has a whole-request deadline and a response-size cap (:mod:`cmlops_kg.store.remote`).
Updates and federated ``SERVICE`` calls are refused on the parsed query before anything runs
(:mod:`cmlops_kg.sparql.guard`). The app's SPARQL page, the CLI's ``query`` command and
library callers all go through :func:`run_safe_query`.
"""

from __future__ import annotations

import faulthandler
import functools
import multiprocessing
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from cmlops_kg.errors import QueryError
from cmlops_kg.limits import QUERY_MEMORY_MB, positive_seconds
from cmlops_kg.rdf.terms import from_oxigraph
from cmlops_kg.sparql.guard import READ_FORMS, parse_read_query
from cmlops_kg.sparql.library import QueryFile, bind_parameters
from cmlops_kg.store.base import GraphStore, Row
from cmlops_kg.store.embedded import EmbeddedStore

DEFAULT_TIMEOUT = 30.0
DEFAULT_LIMIT = 10_000
TRIPLE_COLUMNS = ["subject", "predicate", "object"]


class QueryTimeoutError(QueryError):
    """The query ran longer than its time budget and was stopped."""


@dataclass
class QueryOutcome:
    """What a query returned: rows of plain values (see :mod:`cmlops_kg.rdf.terms`); for
    CONSTRUCT and DESCRIBE also the triples themselves (one row per triple)."""

    form: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    truncated: bool = False
    elapsed: float = 0.0
    triples: list[ox.Triple] = field(default_factory=list)


@dataclass(frozen=True)
class _Job:
    """What the child needs: the query, its bindings and its limits."""

    text: str
    bindings: dict
    limit: int
    memory_bytes: int


def adhoc_query(text: str) -> QueryFile:
    """Wrap text typed by a user as a query without a header (no parameters, no columns)."""
    return QueryFile(
        name="(your query)",
        path=Path("<editor>"),
        text=text,
        title="Your query",
        description="A query written in the editor.",
    )


def checked_form(text: str) -> str:
    """The form of ``text`` read from the parsed query, if it is one read-only query."""
    if not text.strip():
        raise QueryError("the query is empty", fix="write a SELECT, ASK, CONSTRUCT or DESCRIBE")
    return _form_of(text)


@functools.lru_cache(maxsize=256)
def _form_of(text: str) -> str:
    # rdflib's parser takes 50-90 ms for a library query: a text run again (the app's Run
    # button, a library query) keeps its verdict; a refusal raises, so it is never cached
    return READ_FORMS[parse_read_query(text).name]


def run_safe_query(
    store: GraphStore,
    query: QueryFile | str,
    params: Mapping[str, object] | None = None,
    *,
    limit: int = DEFAULT_LIMIT,
    timeout: float = DEFAULT_TIMEOUT,
) -> QueryOutcome:
    """Run one read-only query on ``store``; raise :class:`QueryError` with a fix on failure."""
    qf = query if isinstance(query, QueryFile) else adhoc_query(query)
    form = checked_form(qf.text)
    timeout = positive_seconds(timeout, "the query time limit")
    limit = max(1, int(limit))
    bindings = bind_parameters(qf, params)
    started = time.perf_counter()
    if not isinstance(store, EmbeddedStore):  # a shared server: its own deadline and caps
        outcome = _on_server(store, qf, params, form, limit)
    else:
        job = _Job(qf.text, bindings, limit, int(QUERY_MEMORY_MB.value() * 2**20))
        outcome = _outcome(qf, _run_embedded(store.oxigraph, job, timeout))
    outcome.elapsed = time.perf_counter() - started
    return outcome


def _run_embedded(store: ox.Store, job: _Job, timeout: float) -> tuple[str, object]:
    if "fork" in multiprocessing.get_all_start_methods():
        return _in_child(store, job, timeout)
    return _execute(store, job)  # pragma: no cover - no fork: in-process, without a time limit


def _outcome(qf: QueryFile, answer: tuple[str, object]) -> QueryOutcome:
    kind, payload = answer
    if kind == "syntax":
        raise QueryError(
            f"SPARQL syntax error: {payload}",
            where=qf.name,
            fix="check the query against the SPARQL 1.1 grammar (prefixes declared, braces "
            "balanced, a dot between triple patterns)",
        )
    if kind == "error":
        raise QueryError(f"the query failed: {payload}", where=qf.name)
    form, columns, rows, truncated, ntriples = payload  # type: ignore[misc]
    triples = list(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)) if ntriples else []
    return QueryOutcome(form, columns, rows, truncated, triples=triples)  # type: ignore[arg-type]


def _on_server(
    store: GraphStore, qf: QueryFile, params: Mapping[str, object] | None, form: str, limit: int
) -> QueryOutcome:
    if form in {"SELECT", "ASK"}:
        rows = store.select(qf, params)
        columns = list(rows[0]) if rows else [c.name for c in qf.columns]
        return QueryOutcome(form, columns, rows[:limit], len(rows) > limit)
    triples = store.construct(qf, params)
    kept = triples[:limit]
    return QueryOutcome(
        form, TRIPLE_COLUMNS, [_triple_row(t) for t in kept], len(triples) > limit, triples=kept
    )


def _in_child(store: ox.Store, job: _Job, timeout: float) -> tuple[str, object]:
    """Fork, run the query in the child, wait at most ``timeout`` seconds for its answer."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(store, job, sender), daemon=True)
    child.start()
    sender.close()  # so that recv() sees EOF if the child dies without answering
    try:
        answer = _answer(receiver, child, job, timeout)
    except BaseException:
        _stop(child)
        raise
    finally:
        receiver.close()
    # the answer is in: the child exits by itself, and tearing down a copy of a large process
    # takes tens of milliseconds that the caller need not wait for
    threading.Thread(target=_stop, args=(child, 5.0), daemon=True).start()
    return answer


def _answer(
    receiver: Connection, child: multiprocessing.process.BaseProcess, job: _Job, timeout: float
) -> tuple[str, object]:
    if not receiver.poll(timeout):
        raise QueryTimeoutError(
            f"the query ran longer than {timeout:g} s and was stopped",
            fix="add a LIMIT, bind a variable to a known IRI or drop an OPTIONAL; "
            "results are also capped, so a narrower query is usually faster",
        )
    try:
        return receiver.recv()
    except EOFError as exc:
        child.join(timeout=5)  # for its exit code
        raise QueryError(
            f"the query process ended without an answer (exit code {child.exitcode}): it "
            f"probably needed more than the {job.memory_bytes / 2**20:g} MB it may use",
            fix=f"narrow the query or add a LIMIT (or raise {QUERY_MEMORY_MB.env})",
        ) from exc


def _stop(child: multiprocessing.process.BaseProcess, grace: float = 0.0) -> None:
    """Wait ``grace`` seconds for ``child`` to end, then kill it, and reap it."""
    child.join(timeout=grace)
    if child.is_alive():
        child.kill()
    child.join(timeout=5)


def _child_main(store: ox.Store, job: _Job, sender: Connection) -> None:
    try:
        _quiet()
        _bound_memory(job.memory_bytes)
        sender.send(_execute(store, job))
    finally:
        sender.close()


def _quiet() -> None:
    """The child answers through the pipe only: an engine that aborts when its memory runs out
    would otherwise print its own (and faulthandler's) trace under the parent's clear message."""
    faulthandler.disable()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _bound_memory(budget: int) -> None:
    """Let this (child) process grow by at most ``budget`` bytes of address space."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as handle:
            used = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError):  # not Linux: the time limit still applies
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = used + budget if hard == resource.RLIM_INFINITY else min(used + budget, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _execute(store: ox.Store, job: _Job) -> tuple[str, object]:
    """Run the query and collect at most ``limit`` rows (one more to know it was capped)."""
    try:
        result = store.query(
            job.text,
            use_default_graph_as_union=True,
            substitutions={ox.Variable(k): v for k, v in job.bindings.items()},
        )
    except SyntaxError as exc:
        return "syntax", str(exc)
    try:
        return "ok", _collect(result, job.limit)
    except Exception as exc:  # a failure while evaluating (e.g. out of memory) is reported
        return "error", f"{type(exc).__name__}: {exc}"


def _collect(result: object, limit: int) -> tuple[str, list[str], list[Row], bool, bytes]:
    if isinstance(result, ox.QueryBoolean):
        return "ASK", ["result"], [{"result": bool(result)}], False, b""
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        rows: list[Row] = []
        for solution in result:
            if len(rows) == limit:
                return "SELECT", columns, rows, True, b""
            rows.append({c: from_oxigraph(solution[c]) for c in columns})
        return "SELECT", columns, rows, False, b""
    triples: list[ox.Triple] = []
    truncated = False
    for triple in result:  # CONSTRUCT / DESCRIBE
        if len(triples) == limit:
            truncated = True
            break
        triples.append(triple)
    ntriples = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) if triples else b""
    rows = [_triple_row(t) for t in triples]
    return "CONSTRUCT", TRIPLE_COLUMNS, rows, truncated, ntriples or b""


def _triple_row(triple: ox.Triple) -> Row:
    return {
        "subject": from_oxigraph(triple.subject),
        "predicate": from_oxigraph(triple.predicate),
        "object": from_oxigraph(triple.object),
    }
