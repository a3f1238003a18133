"""``cmlops-kg load`` (validate profiles, push them into a store) and ``portfolio`` (assess
every organisation a store holds), on an embedded store kept on disk or a shared server."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from cmlops_kg.assessment.portfolio import (
    LoadOutcome,
    TeamResult,
    assess_portfolio,
    ensure_ontology,
    level_distribution,
    load_profile_file,
)
from cmlops_kg.cli.common import (
    add_input_format,
    add_store_arguments,
    endpoint_option,
    progress_bar,
    show_progress,
)
from cmlops_kg.errors import InputError
from cmlops_kg.present.contracts import portfolio_document
from cmlops_kg.present.escape import terminal
from cmlops_kg.present.tables import csv_text, json_text, text_table
from cmlops_kg.present.words import counted
from cmlops_kg.store import open_store
from cmlops_kg.store.base import ENDPOINT_ENV, STORE_ENV, GraphStore
from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.validation import SHACL_ENGINES
from cmlops_kg.validation.report import format_validation_report


def _store(
    endpoint: str | None,
    location: Path | None,
    timeout: float | None,
    need_persistent: bool,
    read_only: bool = False,
    preset: str | None = None,
) -> GraphStore:
    given_location = location
    endpoint = endpoint_option(endpoint)
    location = location or os.environ.get(STORE_ENV)
    if endpoint and given_location:
        raise InputError("give either --endpoint or --store, not both")
    if need_persistent and not (endpoint or location):
        raise InputError(
            "there is no store to load into",
            fix=f"pass --endpoint URL (or set {ENDPOINT_ENV}) for a shared server, or "
            f"--store DIR (or set {STORE_ENV}) for an embedded store kept on disk",
        )
    if not (endpoint or location):  # this command's own store in memory, used by one thread
        return EmbeddedStore(exclusive=True)  # (it loads new teams in place: less memory)
    return open_store(endpoint, location, timeout=timeout, read_only=read_only, preset=preset)


def add_load_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="profile files")
    add_store_arguments(parser)
    parser.add_argument(
        "--no-validate", action="store_true", help="load profiles even if they have violations"
    )
    parser.add_argument(
        "--shacl-engine",
        choices=SHACL_ENGINES,
        default="auto",
        help="validator: pySHACL, the Rust 'shacl' package, or auto (Rust when installed)",
    )
    parser.add_argument(
        "--reload-ontology", action="store_true", help="replace the store's ontology too"
    )
    parser.add_argument("--format", choices=["text", "json"], default="text")
    add_input_format(parser)


def run_load(args: argparse.Namespace) -> int:
    """Exit 0 when every profile was loaded, 1 when some were invalid (not loaded), 2 when
    some could not be read, 3 when the store failed (profiles loaded before stay loaded;
    the one being loaded is not half-written)."""
    store = _store(args.endpoint, args.store, args.timeout, True, preset=args.preset)
    try:
        ensure_ontology(store, args.reload_ontology)
        store.discard_staging()
        outcomes = []
        for path in args.files:
            outcome = load_profile_file(
                store, path, args.input_format, not args.no_validate, args.shacl_engine
            )
            outcomes.append(outcome)
            if args.format == "text":
                _print_load(outcome)
    finally:
        store.close()
    if args.format == "json":
        print(
            json_text(
                [
                    {
                        **{k: v for k, v in asdict(o).items() if k != "report"},
                        "report": o.report.to_json() if o.report else None,
                    }
                    for o in outcomes
                ]
            )
        )
    statuses = {o.status for o in outcomes}
    return 2 if "unreadable" in statuses else 1 if "invalid" in statuses else 0


def _print_load(outcome: LoadOutcome) -> None:
    if outcome.status == "loaded":
        print(terminal(f"{outcome.source}: loaded ({', '.join(outcome.organisations)})"))
    elif outcome.status == "invalid" and outcome.report is not None:
        print(format_validation_report([outcome.report]), file=sys.stderr)
        print(f"{outcome.source}: not loaded (fix the problems above)", file=sys.stderr)
    else:
        print(f"{outcome.source}: unreadable\n  {outcome.error}", file=sys.stderr)


def add_portfolio_arguments(parser: argparse.ArgumentParser) -> None:
    add_store_arguments(parser)
    parser.add_argument(
        "--data",
        nargs="*",
        type=Path,
        default=[],
        metavar="FILE",
        help="profiles to assess (validated and loaded into the store first)",
    )
    parser.add_argument("--format", choices=["table", "json", "csv"], default="table")
    parser.add_argument(
        "--shacl-engine", choices=SHACL_ENGINES, default="auto", help="validator for --data"
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar on stderr (default: when stderr is a terminal)",
    )
    add_input_format(parser)


def run_portfolio(args: argparse.Namespace) -> int:
    # only reading (no --data): an on-disk store is opened without its lock, so a 'load'
    # (or the app) can use it meanwhile
    read_only = not args.data
    store = _store(
        args.endpoint, args.store, args.timeout, False, read_only=read_only, preset=args.preset
    )
    show = show_progress(args.progress)
    try:
        if isinstance(store, EmbeddedStore) and store.read_only:
            store.require_ontology()
        else:
            ensure_ontology(store)
        invalid = _load_data(store, args.data, args.input_format, args.shacl_engine, show)
        results = assess_portfolio(store, progress_bar(sys.stderr, "assessing") if show else None)
    finally:
        store.close()
    if args.format == "json":
        print(json_text(portfolio_document(results)))
    elif args.format == "csv":
        print(csv_text([r.flat() for r in results], _columns(results)), end="")
    else:
        if not results:
            print("no assessed organisation in the store (load profiles with 'cmlops-kg load')")
        else:
            print(text_table([r.flat() for r in results], _columns(results)))
            spread = ", ".join(f"level {k}: {v}" for k, v in level_distribution(results).items())
            print(f"\n{counted(len(results), 'organisation')}; {spread}")
    return 1 if invalid else 0


def _load_data(
    store: GraphStore, files: list[Path], input_format: str | None, engine: str, show: bool
) -> int:
    bar = progress_bar(sys.stderr, "loading  ") if show and files else None
    invalid = 0
    for done, path in enumerate(files, start=1):
        outcome = load_profile_file(store, path, input_format, True, engine)
        if outcome.status != "loaded":
            invalid += 1
            _print_load(outcome)
        if bar:
            bar(done, len(files))
    return invalid


def _columns(results: Sequence[TeamResult]) -> list[str]:
    dims: list[str] = []
    external: list[str] = []
    for r in results:
        dims += [d for d in r.dimensions if d not in dims]
        external += [e for e in r.external_levels if e not in external]
    return ["organisation", "date", "overall", *dims, *external, "gaps", "assessments", "iri"]
