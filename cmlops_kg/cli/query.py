"""``cmlops-kg queries`` (the query library) and ``cmlops-kg query`` (run one, read-only)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyoxigraph as ox

from cmlops_kg import api
from cmlops_kg.assessment.engine import Assessor
from cmlops_kg.cli.common import (
    add_endpoint_argument,
    add_input_format,
    endpoint_option,
    seconds_option,
)
from cmlops_kg.errors import QueryError
from cmlops_kg.present.tables import csv_text, json_text, text_table
from cmlops_kg.rdf.profiles import read_profile
from cmlops_kg.sparql.library import QueryFile, get_query, library, load_query
from cmlops_kg.sparql.safe import checked_form, run_safe_query
from cmlops_kg.store.base import GraphStore
from cmlops_kg.store.embedded import EmbeddedStore


# -- queries -----------------------------------------------------------------------------------
def add_queries_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["text", "json"], default="text")


def run_queries(args: argparse.Namespace) -> int:
    lib = library()
    if args.format == "json":
        print(json_text([_query_json(q) for q in lib.values()]))
        return 0
    for q in lib.values():
        params = ", ".join(
            f"?{p.name} ({p.kind}{'' if p.required else ', optional'})" for p in q.parameters
        )
        print(f"{q.name}  —  {q.title}")
        print(f"    {q.description}")
        print(f"    parameters: {params or 'none'}")
    return 0


def _query_json(q: QueryFile) -> dict:
    return {
        "name": q.name,
        "title": q.title,
        "description": q.description,
        "form": q.form,
        "parameters": [vars(p) for p in q.parameters],
        "columns": [vars(c) for c in q.columns],
    }


# -- query -------------------------------------------------------------------------------------
def add_query_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", metavar="NAME|FILE", help="a library query name or a .rq file")
    parser.add_argument(
        "--data", nargs="*", type=Path, default=[], metavar="FILE", help="profiles to load"
    )
    parser.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE", help="a query parameter"
    )
    parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
    parser.add_argument("--limit", type=int, default=10_000, help="at most this many rows")
    parser.add_argument(
        "--timeout",
        type=seconds_option,
        default=30.0,
        metavar="SECONDS",
        help="stop a query (any form) that runs longer than this (default 30)",
    )
    add_endpoint_argument(parser)
    parser.add_argument(
        "--store",
        type=Path,
        metavar="DIR",
        help="an embedded store kept on disk (read without locking it, so loads can go on)",
    )
    add_input_format(parser)


def parse_params(items: list[str]) -> dict[str, str]:
    params = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"cannot read parameter {item!r}", fix="write --param name=value")
        params[name.strip().lstrip("?$")] = value
    return params


def _query(spec: str) -> QueryFile:
    candidate = Path(spec)
    if candidate.suffix == ".rq" and candidate.exists():
        return load_query(candidate)
    if spec.endswith(".rq"):
        raise QueryError("no such query file", where=spec, fix="check the path")
    return get_query(spec)


def _local_store(files: list[Path], input_format: str | None) -> EmbeddedStore:
    engine = Assessor()
    for path in files:
        engine.load(read_profile(path, input_format), graph=None)
    return engine.store  # type: ignore[return-value]


def run_query(args: argparse.Namespace) -> int:
    query = _query(args.query)
    checked_form(query.text)  # refused before any profile is read or server contacted
    params = parse_params(args.param)
    endpoint = endpoint_option(args.endpoint)  # a shared server, from --endpoint or the env
    if sum(map(bool, (endpoint, args.data, args.store))) > 1:
        raise QueryError(
            "give one of --data, --store and --endpoint (or $CMLOPS_KG_ENDPOINT)",
            fix="push profiles with 'cmlops-kg load FILE --endpoint URL' (or --store DIR) first",
        )
    store: GraphStore
    if endpoint:
        store = api.open_store(endpoint, timeout=args.timeout, preset=args.preset)
    elif args.store:
        store = api.open_store(location=args.store, read_only=True, environ={})
    else:
        store = _local_store(args.data, args.input_format)
    try:  # every form, embedded or shared: the same read-only, capped, timed runner
        outcome = run_safe_query(store, query, params, limit=args.limit, timeout=args.timeout)
    finally:
        store.close()
    if outcome.form == "CONSTRUCT":
        turtle = ox.serialize(outcome.triples, format=ox.RdfFormat.TURTLE)
        sys.stdout.write(turtle.decode("utf-8"))
        if outcome.truncated:
            print(f"# (first {args.limit} triples shown)", file=sys.stderr)
        return 0
    _print_rows(query, outcome.rows, outcome.truncated, args.format, args.limit)
    return 0


def _print_rows(query: QueryFile, rows: list, truncated: bool, fmt: str, limit: int) -> None:
    columns = [c.name for c in query.columns] or None
    if columns and rows and set(columns) != set(rows[0]):
        columns = list(rows[0])
    if fmt == "json":
        print(json_text({"query": query.name, "rows": rows, "truncated": truncated}))
    elif fmt == "csv":
        print(csv_text(rows, columns), end="")
    else:
        print(text_table(rows, columns))
        if truncated:
            print(f"(first {limit} rows shown)")
