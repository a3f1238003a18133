"""A company's portfolio: many team profiles in one shared store, assessed together.

``cmlops-kg load`` validates profiles and pushes each into its own named graph of a store
(replacing that team's previous profile atomically); ``cmlops-kg portfolio`` assesses every
organisation the store holds. Both work on the embedded store (``--store DIR``, kept on
disk) or on a shared SPARQL server (``--endpoint URL`` or $CMLOPS_KG_ENDPOINT) alike: this
module only talks to :class:`~cmlops_kg.store.GraphStore`.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TextIO

from .assess import Assessor
from .errors import InputError, SelectionError
from .paths import ONTOLOGY_GRAPH
from .profiles import ASSESSES, FORMATS, Profile, read_profile
from .store import (
    ENDPOINT_ENV,
    STORE_ENV,
    GraphStore,
    OrganisationEntry,
    open_store,
    profile_dataset,
)
from .tables import csv_text, json_text, text_table
from .validation import SHACL_ENGINES, ValidationReport, format_report, validate_profile

Progress = Callable[[int, int], None]


# -- loading profiles into a shared store -------------------------------------------------------
def organisations_of(profile: Profile) -> list[str]:
    """The organisations a profile assesses."""
    return sorted({t.object.value for t in profile.triples if t.predicate == ASSESSES})


def team_graph(profile: Profile) -> str:
    """The named graph of a team's profile in a shared store: one per organisation assessed,
    so loading a team's updated profile replaces its previous one."""
    orgs = organisations_of(profile)
    if not orgs:
        raise InputError(
            "the profile holds no assessment of any organisation",
            where=profile.name,
            fix="add '<assessment> a cmlops:Assessment ; cmlops:assesses <organisation>'",
        )
    digest = hashlib.sha256("\n".join(orgs).encode("utf-8")).hexdigest()[:24]
    return f"urn:cmlops:team:{digest}"


def ensure_ontology(store: GraphStore, reload: bool = False) -> None:
    if reload or ONTOLOGY_GRAPH not in store.graphs():
        store.load_ontology()


@dataclass
class LoadOutcome:
    source: str
    status: str  # loaded | invalid | unreadable
    graph: str | None = None
    organisations: list[str] = field(default_factory=list)
    report: ValidationReport | None = None
    error: str | None = None


def load_profile_file(
    store: GraphStore,
    path: Path,
    input_format: str | None = None,
    validate: bool = True,
    engine: str | None = "auto",
) -> LoadOutcome:
    """Validate one profile file and load it into the store; invalid profiles are not loaded."""
    try:
        profile = read_profile(path, input_format)
        graph = team_graph(profile)
    except InputError as exc:
        return LoadOutcome(str(path), "unreadable", error=exc.render())
    report = validate_profile(profile, engine) if validate else None
    if report is not None and not report.conforms:
        return LoadOutcome(str(path), "invalid", graph, organisations_of(profile), report)
    store.load_profile(graph, profile.triples, profile.assessment_iris())
    return LoadOutcome(str(path), "loaded", graph, organisations_of(profile), report)


# -- assessing every organisation -----------------------------------------------------------------
@dataclass
class TeamGap:
    dimension: str
    next_level: int
    practice: str
    label: str
    status: str


@dataclass
class TeamResult:
    """One organisation's latest assessment, in brief."""

    organisation: str
    label: str
    graph: str
    assessment: str
    date: str | None
    assessments: int
    overall_level: int
    overall_label: str
    limiting_dimensions: list[str]
    dimensions: dict[str, int]
    external_levels: dict[str, int]
    gaps: list[TeamGap]

    def flat(self) -> dict[str, object]:
        """One table/CSV row."""
        return {
            "organisation": self.label,
            "date": self.date,
            "overall": self.overall_level,
            **self.dimensions,
            **{k: v for k, v in self.external_levels.items()},
            "gaps": len(self.gaps),
            "assessments": self.assessments,
            "iri": self.organisation,
        }


def assess_organisation(store: GraphStore, entry: OrganisationEntry) -> TeamResult | None:
    """The latest assessment of one organisation, read over its own graphs only."""
    view = store.scoped(profile_dataset(entry.graph))
    rows = view.select("assessments", {"organisation": entry.organisation})
    if not rows:
        return None
    latest = rows[0]  # newest first
    assessment = str(latest["assessment"])
    engine = Assessor(view)  # the same per-question readers as 'assess', on this team's graphs
    try:
        overall = engine.overall(assessment)
    except SelectionError:
        return None  # not materialised (e.g. loaded without inference): nothing to report
    params = {"assessment": assessment}
    return TeamResult(
        organisation=entry.organisation,
        label=entry.label or entry.organisation,
        graph=entry.graph,
        assessment=assessment,
        date=str(latest["date"]) if latest["date"] is not None else None,
        assessments=entry.assessments,
        overall_level=int(overall["level"]),
        overall_label=str(overall["levelLabel"]),
        limiting_dimensions=sorted(str(overall["limitingDimensions"]).split("; ")),
        dimensions={d.notation or d.label: d.level for d in engine.dimensions(assessment)},
        external_levels={
            str(r["model"]).rsplit("#", 1)[-1].removesuffix("-mlops"): int(r["level"])
            for r in view.select("external_levels", params)
        },
        gaps=[
            TeamGap(g.dimension_label, g.next_level, g.practice, g.label, g.status)
            for g in engine.gaps(assessment)
        ],
    )


def assess_portfolio(store: GraphStore, progress: Progress | None = None) -> list[TeamResult]:
    """Every organisation held by the store, each assessed over its own profile's graphs (so
    the cost per team does not grow with the size of the portfolio)."""
    entries = store.organisations()
    results = []
    for done, entry in enumerate(entries, start=1):
        result = assess_organisation(store, entry)
        if result is not None:
            results.append(result)
        if progress:
            progress(done, len(entries))
    return results


def level_distribution(results: Iterable[TeamResult]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for r in results:
        counts[r.overall_level] = counts.get(r.overall_level, 0) + 1
    return dict(sorted(counts.items()))


# -- progress ------------------------------------------------------------------------------------
def progress_bar(stream: TextIO, label: str, width: int = 30) -> Progress:
    """A one-line progress bar redrawn at most ten times a second (and at the end)."""
    last = [0.0]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < 0.1:
            return
        last[0] = now
        filled = int(width * done / total) if total else width
        stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show


# -- CLI -----------------------------------------------------------------------------------------
def add_store_arguments(parser: argparse.ArgumentParser, timeout: bool = True) -> None:
    parser.add_argument(
        "--endpoint",
        metavar="URL",
        help=f"a shared SPARQL 1.1 server (base or /query URL; default ${ENDPOINT_ENV}). "
        "Credentials come from CMLOPS_KG_ENDPOINT_USER/_PASSWORD or CMLOPS_KG_ENDPOINT_TOKEN",
    )
    parser.add_argument(
        "--store",
        type=Path,
        metavar="DIR",
        help=f"an embedded store kept on disk in DIR (default ${STORE_ENV})",
    )
    if timeout:
        parser.add_argument(
            "--timeout",
            type=float,
            metavar="SECONDS",
            help="give up on a server that does not answer within this time (default 30)",
        )


def add_endpoint_argument(parser: argparse.ArgumentParser) -> None:
    """``--endpoint`` for commands that otherwise build an in-memory store (e.g. query)."""
    parser.add_argument(
        "--endpoint",
        metavar="URL",
        help=f"query a shared SPARQL 1.1 server instead (default ${ENDPOINT_ENV})",
    )


def remote_store(args: argparse.Namespace) -> GraphStore | None:
    """The remote store asked for by --endpoint or $CMLOPS_KG_ENDPOINT, else None."""
    endpoint = getattr(args, "endpoint", None) or os.environ.get(ENDPOINT_ENV)
    if not endpoint:
        return None
    return open_store(endpoint, timeout=getattr(args, "timeout", None))


def _store(args: argparse.Namespace, need_persistent: bool) -> GraphStore:
    endpoint = args.endpoint or os.environ.get(ENDPOINT_ENV)
    location = args.store or os.environ.get(STORE_ENV)
    if endpoint and args.store:
        raise InputError("give either --endpoint or --store, not both")
    if need_persistent and not (endpoint or location):
        raise InputError(
            "there is no store to load into",
            fix=f"pass --endpoint URL (or set {ENDPOINT_ENV}) for a shared server, or "
            f"--store DIR (or set {STORE_ENV}) for an embedded store kept on disk",
        )
    return open_store(endpoint, location, timeout=args.timeout)


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
    parser.add_argument("--input-format", choices=sorted(FORMATS))


def run_load(args: argparse.Namespace) -> int:
    """Exit 0 when every profile was loaded, 1 when some were invalid (not loaded), 2 when
    some could not be read, 3 when the store failed (profiles loaded before stay loaded;
    the one being loaded is not half-written)."""
    store = _store(args, need_persistent=True)
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
        print(f"{outcome.source}: loaded ({', '.join(outcome.organisations)})")
    elif outcome.status == "invalid" and outcome.report is not None:
        print(format_report([outcome.report]), file=sys.stderr)
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
    parser.add_argument("--input-format", choices=sorted(FORMATS))


def run_portfolio(args: argparse.Namespace) -> int:
    store = _store(args, need_persistent=False)
    show = args.progress if args.progress is not None else sys.stderr.isatty()
    try:
        ensure_ontology(store)
        invalid = _load_data(store, args, show)
        results = assess_portfolio(store, progress_bar(sys.stderr, "assessing") if show else None)
    finally:
        store.close()
    if args.format == "json":
        print(json_text({"organisations": [asdict(r) for r in results]}))
    elif args.format == "csv":
        print(csv_text([r.flat() for r in results], _columns(results)), end="")
    else:
        if not results:
            print("no assessed organisation in the store (load profiles with 'cmlops-kg load')")
        else:
            print(text_table([r.flat() for r in results], _columns(results)))
            spread = ", ".join(f"level {k}: {v}" for k, v in level_distribution(results).items())
            print(f"\n{len(results)} organisations; {spread}")
    return 1 if invalid else 0


def _load_data(store: GraphStore, args: argparse.Namespace, show: bool) -> int:
    bar = progress_bar(sys.stderr, "loading  ") if show and args.data else None
    invalid = 0
    for done, path in enumerate(args.data, start=1):
        outcome = load_profile_file(store, path, args.input_format, True, args.shacl_engine)
        if outcome.status != "loaded":
            invalid += 1
            _print_load(outcome)
        if bar:
            bar(done, len(args.data))
    return invalid


def _columns(results: Sequence[TeamResult]) -> list[str]:
    dims: list[str] = []
    external: list[str] = []
    for r in results:
        dims += [d for d in r.dimensions if d not in dims]
        external += [e for e in r.external_levels if e not in external]
    return ["organisation", "date", "overall", *dims, *external, "gaps", "assessments", "iri"]
