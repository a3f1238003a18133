"""Thin CLI adapters for validate, assess, history, queries and query.

They parse arguments, call the same functions the app uses, and render the results.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyoxigraph as ox

from .assess import AssessmentResult, Assessor
from .errors import CmlopsError, QueryError
from .files import atomic_write
from .portfolio import add_endpoint_argument, remote_store
from .profiles import FORMATS, read_profile
from .queries import get_query, library, load_query
from .readonly import ensure_read_only
from .safe_query import run_safe_query
from .store import GraphStore
from .tables import csv_text, json_text, text_table
from .validation import ValidationReport, format_report, validate_profile


def _input_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input-format",
        choices=sorted(FORMATS),
        help="RDF syntax of the input (default: from the file extension)",
    )


# -- validate ----------------------------------------------------------------------------------
def add_validate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="profile files")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    _input_format(parser)


def run_validate(args: argparse.Namespace) -> int:
    """Exit 0 when every file conforms, 1 on violations, 2 when a file cannot be read."""
    reports: list[ValidationReport] = []
    unreadable: list[dict] = []
    for path in args.files:
        try:
            profile = read_profile(path, args.input_format)
        except CmlopsError as exc:  # reported per file, so the other files are still checked
            unreadable.append({"source": str(path), "error": exc.render()})
            continue
        reports.append(validate_profile(profile))
    if args.format == "json":
        print(json_text({"reports": [r.to_json() for r in reports], "unreadable": unreadable}))
    else:
        if reports:
            print(format_report(reports))
        for item in unreadable:
            print(f"{item['source']}: unreadable\n  {item['error']}", file=sys.stderr)
    if unreadable:
        return 2
    return 0 if all(r.conforms for r in reports) else 1


# -- assess ------------------------------------------------------------------------------------
def add_assess_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="profile file")
    parser.add_argument("--org", help="organisation IRI (needed when the profile has several)")
    parser.add_argument("--assessment", help="assessment IRI (default: the latest)")
    parser.add_argument("--format", choices=["table", "json", "markdown"], default="table")
    parser.add_argument(
        "--fail-under",
        type=int,
        metavar="LEVEL",
        help="exit 1 when the overall level is lower than LEVEL (a maturity gate for CI)",
    )
    parser.add_argument(
        "--no-validate", action="store_true", help="assess even if the profile has violations"
    )
    parser.add_argument(
        "--dora-year",
        type=int,
        metavar="YEAR",
        help="survey year of the DORA clusters for outcome metrics (default: the newest)",
    )
    parser.add_argument(
        "--save-results",
        type=Path,
        metavar="FILE",
        help="also write the inferred results (levels, gaps) as Turtle, to store like evidence",
    )
    _input_format(parser)


def assess_file(args: argparse.Namespace) -> AssessmentResult | int:
    profile = read_profile(args.file, args.input_format)
    if not args.no_validate:
        report = validate_profile(profile)
        if not report.conforms:
            print(format_report([report]), file=sys.stderr)
            print(
                "error: the profile does not conform; fix the problems above "
                "(or pass --no-validate to assess it anyway)",
                file=sys.stderr,
            )
            return 1
    engine = Assessor()
    graph = engine.load(profile)
    result = engine.result(args.org, args.assessment, getattr(args, "dora_year", None))
    if getattr(args, "save_results", None):
        from .store import inferred_graph

        atomic_write(args.save_results, engine.store.export(inferred_graph(graph)))
    return result


def run_assess(args: argparse.Namespace) -> int:
    result = assess_file(args)
    if isinstance(result, int):
        return result
    if args.format == "json":
        print(json_text(result.to_json()))
    elif args.format == "markdown":
        from .report import markdown_report

        print(markdown_report(result))
    else:
        print(render_assessment(result))
    if args.fail_under is not None and result.overall_level < args.fail_under:
        print(
            f"maturity gate failed: overall level {result.overall_level} < {args.fail_under}",
            file=sys.stderr,
        )
        return 1
    return 0


def render_assessment(result: AssessmentResult) -> str:
    ext = ", ".join(f"{e.model_label}: level {e.level}" for e in result.external_levels.values())
    name = result.label if len(result.label) <= 120 else result.label[:119] + "…"
    lines = [
        f"{name} — assessment of {result.date or 'unknown date'}"
        + (f" ({result.method})" if result.method else ""),
        f"Overall level: {result.overall_level} ({result.overall_label}); {result.weakest_link}",
        f"Equivalent external levels: {ext or 'none'}",
        "",
        text_table(
            [
                {
                    "dimension": d.label,
                    "level": d.level,
                    "score": f"{d.score:g}/{d.max_score:g}",
                    "percent": f"{d.percent:g}%",
                }
                for d in result.dimensions
            ]
        ),
        "",
        f"Gaps ({len(result.gaps)}):",
    ]
    lines += [
        f"  - {g.dimension_label} → L{g.next_level}: {g.label} ({g.status})" for g in result.gaps
    ]
    lines += ["", "Roadmap:"]
    for item in result.roadmap:
        lines.append(f"  {item.position:2}. {item.label} [{item.dimension_label}, L{item.level}]")
        lines.append(f"      why: {item.why}")
        if item.sources:
            lines.append("      sources: " + "; ".join(s.label for s in item.sources))
    if result.outcomes:
        lines += ["", "Outcomes:"]
        for o in result.outcomes:
            cluster = (
                f"{o.cluster_label} (DORA {o.benchmark_year})"
                if o.cluster_label
                else "no benchmark"
            )
            lines.append(f"  - {o.label}: {o.value:g} {o.unit} → {cluster}")
    if len(result.history) > 1:
        lines += ["", "History:"]
        lines += [f"  {p.date}: level {p.overall_level}" for p in result.history]
    return "\n".join(lines)


# -- history -----------------------------------------------------------------------------------
def add_history_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="profile file")
    parser.add_argument("--org", help="organisation IRI (needed when the profile has several)")
    parser.add_argument("--format", choices=["table", "json", "csv"], default="table")
    _input_format(parser)


def run_history(args: argparse.Namespace) -> int:
    profile = read_profile(args.file, args.input_format)
    engine = Assessor()
    engine.load(profile)
    chosen = engine.choose_assessment(args.org)
    points = engine.history(str(chosen["organisation"]))
    rows = [
        {
            "date": p.date,
            "assessment": p.assessment,
            "overall_level": p.overall_level,
            **p.dimensions,
        }
        for p in points
    ]
    if args.format == "json":
        print(json_text({"organisation": str(chosen["organisation"]), "history": rows}))
    elif args.format == "csv":
        print(csv_text(rows), end="")
    else:
        print(f"{chosen['organisationLabel'] or chosen['organisation']}: level per assessment")
        print(text_table(rows))
    return 0


# -- queries / query ---------------------------------------------------------------------------
def add_queries_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["text", "json"], default="text")


def run_queries(args: argparse.Namespace) -> int:
    lib = library()
    if args.format == "json":
        print(
            json_text(
                [
                    {
                        "name": q.name,
                        "title": q.title,
                        "description": q.description,
                        "form": q.form,
                        "parameters": [vars(p) for p in q.parameters],
                        "columns": [vars(c) for c in q.columns],
                    }
                    for q in lib.values()
                ]
            )
        )
        return 0
    for q in lib.values():
        params = ", ".join(
            f"?{p.name} ({p.kind}{'' if p.required else ', optional'})" for p in q.parameters
        )
        print(f"{q.name}  —  {q.title}")
        print(f"    {q.description}")
        print(f"    parameters: {params or 'none'}")
    return 0


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
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="stop a SELECT/ASK query that runs longer than this (default 30)",
    )
    add_endpoint_argument(parser)
    _input_format(parser)


def parse_params(items: list[str]) -> dict[str, str]:
    params = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"cannot read parameter {item!r}", fix="write --param name=value")
        params[name.strip().lstrip("?$")] = value
    return params


def run_query(args: argparse.Namespace) -> int:
    candidate = Path(args.query)
    query = load_query(candidate) if candidate.suffix == ".rq" and candidate.exists() else None
    if query is None:
        if args.query.endswith(".rq"):
            raise QueryError("no such query file", where=args.query, fix="check the path")
        query = get_query(args.query)
    ensure_read_only(query.text)
    remote = remote_store(args)  # --endpoint / $CMLOPS_KG_ENDPOINT: a shared server
    if remote is not None and args.data:
        raise QueryError(
            "--data cannot be used with a shared endpoint",
            fix="push profiles with 'cmlops-kg load FILE --endpoint URL' first",
        )
    if remote is None:
        engine = Assessor()
        for path in args.data:
            engine.load(read_profile(path, args.input_format), graph=None)
    store: GraphStore = remote if remote is not None else engine.store
    if query.form == "CONSTRUCT":
        triples = store.construct(query, parse_params(args.param))
        sys.stdout.write(ox.serialize(triples, format=ox.RdfFormat.TURTLE).decode("utf-8"))
        return 0
    if remote is not None:  # the client gives up after --timeout; the server keeps its limits
        rows = remote.select(query, parse_params(args.param))
        rows, truncated = rows[: args.limit], len(rows) > args.limit
    else:
        outcome = run_safe_query(
            engine.store, query, parse_params(args.param), limit=args.limit, timeout=args.timeout
        )
        rows, truncated = outcome.rows, outcome.truncated
    columns = [c.name for c in query.columns] or None
    if columns and rows and set(columns) != set(rows[0]):
        columns = list(rows[0])
    if args.format == "json":
        print(json_text({"query": query.name, "rows": rows, "truncated": truncated}))
    elif args.format == "csv":
        print(csv_text(rows, columns), end="")
    else:
        print(text_table(rows, columns))
        if truncated:
            print(f"(first {args.limit} rows shown)")
    return 0
