"""Running queries that users write or pick: read-only, capped, and stopped when they run long.

Oxigraph cannot interrupt a query from another thread, so each query runs in a child process
forked from this one: the child inherits the in-memory store without copying or reloading it,
sends back at most ``limit`` rows, and is killed when ``timeout`` passes. Update operations and
federated ``SERVICE`` calls are refused before anything runs. The app's SPARQL page and the
CLI's ``query`` command both go through :func:`run_safe_query`.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from cmlops_kg.errors import QueryError
from cmlops_kg.rdf.terms import from_oxigraph
from cmlops_kg.sparql.guard import ensure_read_only
from cmlops_kg.sparql.library import QueryFile, bind_parameters
from cmlops_kg.store.base import Row
from cmlops_kg.store.embedded import EmbeddedStore

DEFAULT_TIMEOUT = 30.0
DEFAULT_LIMIT = 10_000
TRIPLE_COLUMNS = ["subject", "predicate", "object"]


class QueryTimeoutError(QueryError):
    """The query ran longer than its time budget and was stopped."""


@dataclass
class QueryOutcome:
    """What a query returned: rows of plain values (see :mod:`cmlops_kg.rdf.terms`)."""

    form: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    truncated: bool = False
    elapsed: float = 0.0


def adhoc_query(text: str) -> QueryFile:
    """Wrap text typed by a user as a query without a header (no parameters, no columns)."""
    return QueryFile(
        name="(your query)",
        path=Path("<editor>"),
        text=text,
        title="Your query",
        description="A query written in the editor.",
    )


def run_safe_query(
    store: EmbeddedStore,
    query: QueryFile | str,
    params: Mapping[str, object] | None = None,
    *,
    limit: int = DEFAULT_LIMIT,
    timeout: float = DEFAULT_TIMEOUT,
) -> QueryOutcome:
    """Run one read-only query on ``store``; raise :class:`QueryError` with a fix on failure."""
    qf = query if isinstance(query, QueryFile) else adhoc_query(query)
    if not qf.text.strip():
        raise QueryError("the query is empty", fix="write a SELECT, ASK, CONSTRUCT or DESCRIBE")
    ensure_read_only(qf.text)
    bindings = bind_parameters(qf, params)
    limit = max(1, int(limit))
    started = time.perf_counter()
    if "fork" in multiprocessing.get_all_start_methods():
        kind, payload = _in_child(store.oxigraph, qf.text, bindings, limit, timeout)
    else:  # pragma: no cover - platforms without fork run in-process, without a time limit
        kind, payload = _execute(store.oxigraph, qf.text, bindings, limit)
    elapsed = time.perf_counter() - started
    if kind == "syntax":
        raise QueryError(
            f"SPARQL syntax error: {payload}",
            where=qf.name,
            fix="check the query against the SPARQL 1.1 grammar (prefixes declared, braces "
            "balanced, a dot between triple patterns)",
        )
    if kind == "error":
        raise QueryError(f"the query failed: {payload}", where=qf.name)
    form, columns, rows, truncated = payload
    return QueryOutcome(form, columns, rows, truncated, elapsed)


def _in_child(
    store: ox.Store, text: str, bindings: dict, limit: int, timeout: float
) -> tuple[str, object]:
    """Fork, run the query in the child, wait at most ``timeout`` seconds for its answer."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child_main, args=(store, text, bindings, limit, sender), daemon=True
    )
    child.start()
    sender.close()  # so that recv() sees EOF if the child dies without answering
    try:
        if not receiver.poll(timeout):
            raise QueryTimeoutError(
                f"the query ran longer than {timeout:g} s and was stopped",
                fix="add a LIMIT, bind a variable to a known IRI or drop an OPTIONAL; "
                "results are also capped, so a narrower query is usually faster",
            )
        return receiver.recv()
    except EOFError as exc:
        raise QueryError(
            f"the query process ended without an answer (exit code {child.exitcode})",
            fix="the query may need more memory than is available; narrow it or add a LIMIT",
        ) from exc
    finally:
        if child.is_alive():
            child.kill()
        child.join(timeout=5)
        receiver.close()


def _child_main(store: ox.Store, text: str, bindings: dict, limit: int, sender: Connection) -> None:
    try:
        sender.send(_execute(store, text, bindings, limit))
    finally:
        sender.close()


def _execute(store: ox.Store, text: str, bindings: dict, limit: int) -> tuple[str, object]:
    """Run the query and collect at most ``limit`` rows (one more to know it was capped)."""
    try:
        result = store.query(
            text,
            use_default_graph_as_union=True,
            substitutions={ox.Variable(k): v for k, v in bindings.items()},
        )
    except SyntaxError as exc:
        return "syntax", str(exc)
    try:
        return "ok", _collect(result, limit)
    except Exception as exc:  # a failure while evaluating (e.g. out of memory) is reported
        return "error", f"{type(exc).__name__}: {exc}"


def _collect(result: object, limit: int) -> tuple[str, list[str], list[Row], bool]:
    if isinstance(result, ox.QueryBoolean):
        return "ASK", ["result"], [{"result": bool(result)}], False
    rows: list[Row] = []
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        for solution in result:
            if len(rows) == limit:
                return "SELECT", columns, rows, True
            rows.append({c: from_oxigraph(solution[c]) for c in columns})
        return "SELECT", columns, rows, False
    for triple in result:  # CONSTRUCT / DESCRIBE
        if len(rows) == limit:
            return "CONSTRUCT", TRIPLE_COLUMNS, rows, True
        rows.append(
            {
                "subject": from_oxigraph(triple.subject),
                "predicate": from_oxigraph(triple.predicate),
                "object": from_oxigraph(triple.object),
            }
        )
    return "CONSTRUCT", TRIPLE_COLUMNS, rows, False
