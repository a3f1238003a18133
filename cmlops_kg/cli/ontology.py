"""``cmlops-kg check``, ``docs`` and ``release``: the ontology's quality, documentation and
dated release artefacts."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from cmlops_kg.ontology_tools.check import SEVERITIES, check_ontology, format_check_report


# -- check -------------------------------------------------------------------------------------
def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``cmlops-kg check``."""
    parser.add_argument(
        "--ontology",
        nargs="+",
        metavar="DIR_OR_FILE",
        help="a directory of .ttl modules or the .ttl files to check (default: the bundled "
        "ontology/)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--no-reasoner", action="store_true", help="skip the HermiT step")
    parser.add_argument(
        "--shacl-engine",
        choices=["pyshacl", "rust", "auto"],
        help="validator of the shapes (default: $CMLOPS_KG_SHACL_ENGINE, else auto: Rust when "
        "installed; pySHACL is the reference)",
    )
    parser.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default="ERROR",
        help="exit 1 when a finding is at or above this severity (default ERROR)",
    )
    parser.add_argument(
        "--max-rows", type=int, default=10, help="rows shown per check in the text report"
    )


def run_check(args: argparse.Namespace) -> int:
    """Print the whole report; 1 if a finding reaches --fail-on, else 0 (ROBOT semantics)."""
    report = check_ontology(
        args.ontology, reasoner=not args.no_reasoner, shacl_engine=args.shacl_engine
    )
    print(format_check_report(report, args.format, max_rows=args.max_rows), end="")
    return 1 if report.fails(args.fail_on) else 0


# -- docs --------------------------------------------------------------------------------------
def add_docs_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("site"),
        metavar="DIR",
        help="directory to write the HTML documentation into (default: site/)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace DIR even if it is not the output of an earlier 'cmlops-kg docs'",
    )


def run_docs(args: argparse.Namespace) -> int:
    from cmlops_kg.ontology_tools.docs import write_site

    target = write_site(args.output, force=args.force)
    index = target / "index.html"
    print(f"wrote the ontology documentation to {target}/ (open {index})")
    return 0


# -- release -----------------------------------------------------------------------------------
def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def add_release_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("release"),
        metavar="DIR",
        help="directory to write the artefacts into (default: release/)",
    )
    parser.add_argument(
        "--date",
        type=parse_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="release date in the version IRI (default: today)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace DIR even if it is not the output of an earlier 'cmlops-kg release'",
    )


def run_release(args: argparse.Namespace) -> int:
    from cmlops_kg.ontology_tools.release import ARTEFACTS, version_iri, write_release

    date = args.date or dt.date.today()
    target = write_release(args.output, date, force=args.force)
    print(f"wrote release {version_iri(date)} to {target}/:")
    for name in [*ARTEFACTS, "SHA256SUMS"]:
        print(f"  {name}  ({(target / name).stat().st_size} bytes)")
    return 0
