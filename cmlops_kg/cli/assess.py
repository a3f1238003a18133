"""``cmlops-kg assess``, ``report`` and ``history``: one profile's levels, gaps and roadmap.

Each parses its options and calls :func:`cmlops_kg.api.assess`, the entry point the app and
the portfolio use too; what is printed comes from :mod:`cmlops_kg.present`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cmlops_kg import api
from cmlops_kg.assessment.engine import profile_graph_name
from cmlops_kg.assessment.result import AssessmentResult
from cmlops_kg.casestudies import find_case_study
from cmlops_kg.cli.common import add_input_format, write_output
from cmlops_kg.errors import InputError, ValidationFailed
from cmlops_kg.present.escape import terminal
from cmlops_kg.present.tables import csv_text, json_text, text_table
from cmlops_kg.rdf.profiles import read_profile
from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.store.inference import inferred_graph
from cmlops_kg.validation.report import format_validation_report

FORMATS = ["table", "json", "markdown", "sarif"]
REPORT_SUFFIXES = {
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".pdf": "pdf",  # the [pdf] extra
}


def _selection_arguments(parser: argparse.ArgumentParser, example: bool = False) -> None:
    if example:
        parser.add_argument("file", type=Path, nargs="?", metavar="FILE", help="profile file")
        parser.add_argument(
            "--example",
            metavar="NAME",
            help="assess a bundled case study instead of FILE ('cmlops-kg examples' lists them)",
        )
    else:
        parser.add_argument("file", type=Path, metavar="FILE", help="profile file")
    parser.add_argument("--org", help="organisation IRI (needed when the profile has several)")
    parser.add_argument("--assessment", help="assessment IRI (default: the latest)")


# -- assess ------------------------------------------------------------------------------------
def add_assess_arguments(parser: argparse.ArgumentParser) -> None:
    _selection_arguments(parser, example=True)
    parser.add_argument("--format", choices=FORMATS, default="table")
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
    parser.add_argument(
        "-o", "--out", type=Path, metavar="FILE", help="write the output to FILE, not stdout"
    )
    add_input_format(parser)


def assess_file(
    path: Path,
    *,
    input_format: str | None = None,
    organisation: str | None = None,
    assessment: str | None = None,
    validate: bool = True,
    dora_year: int | None = None,
    save_results: Path | None = None,
) -> AssessmentResult | None:
    """The result, or None when the profile does not conform (the report went to stderr)."""
    profile = read_profile(path, input_format)
    store = None  # api.assess's private store: the reported assessment's results only
    if save_results is not None:  # every result of the profile, to export
        store = EmbeddedStore(exclusive=True)  # this assessment's own
        store.load_ontology()
    try:
        result = api.assess(
            profile,
            organisation=organisation,
            assessment=assessment,
            validate=validate,
            store=store,
            dora_year=dora_year,
        )
    except ValidationFailed as failed:
        print(format_validation_report([failed.report]), file=sys.stderr)
        print(
            "error: the profile does not conform; fix the problems above "
            "(or pass --no-validate to assess it anyway)",
            file=sys.stderr,
        )
        return None
    if store is not None and save_results is not None:
        write_output(save_results, store.export(inferred_graph(profile_graph_name(profile))))
    return result


def render(result: AssessmentResult, fmt: str, source: Path | None = None) -> str:
    if fmt == "json":
        from cmlops_kg.present.contracts import assess_document

        return json_text(assess_document(result))
    if fmt == "sarif":
        from cmlops_kg.present.sarif import assessment_sarif

        return json_text(assessment_sarif(result, artifact=_artifact_uri(source)))
    if fmt == "markdown":
        from cmlops_kg.present.report import markdown_report

        return markdown_report(result)
    from cmlops_kg.present.report import text_report

    return text_report(result)


def _profile_path(file: Path | None, example: str | None) -> Path:
    if (file is None) == (example is None):
        raise InputError(
            "give a profile FILE or --example NAME (one of them)",
            fix="e.g. cmlops-kg assess profile.ttl, or cmlops-kg assess --example ledgerly",
        )
    return file if file is not None else find_case_study(example).path  # type: ignore[arg-type]


def run_assess(args: argparse.Namespace) -> int:
    result = assess_file(
        _profile_path(args.file, args.example),
        input_format=args.input_format,
        organisation=args.org,
        assessment=args.assessment,
        validate=not args.no_validate,
        dora_year=args.dora_year,
        save_results=args.save_results,
    )
    if result is None:
        return 1
    text = render(result, args.format, args.file)
    if args.out is not None:
        write_output(args.out, (text.rstrip("\n") + "\n").encode("utf-8"))
    else:
        print(text)
    if args.fail_under is not None and result.overall_level < args.fail_under:
        print(
            f"maturity gate failed: overall level {result.overall_level} < {args.fail_under}",
            file=sys.stderr,
        )
        return 1
    return 0


def _artifact_uri(path: Path | None) -> str | None:
    """The profile as SARIF names it: relative to the working directory when inside it."""
    if path is None:
        return None
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.resolve().as_uri()


# -- report ------------------------------------------------------------------------------------
def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    _selection_arguments(parser)
    parser.add_argument(
        "-o",
        "--out",
        type=Path,
        required=True,
        help="report file: .html, .md or .pdf ([pdf] extra)",
    )
    parser.add_argument("--no-validate", action="store_true")
    add_input_format(parser)


def run_report(args: argparse.Namespace) -> int:
    from cmlops_kg.present.report import html_report, markdown_report

    suffix = args.out.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise InputError(
            f"cannot write a report as {suffix or '(no extension)'!r}",
            where=str(args.out),
            fix="name the output .html, .md or .pdf",
        )
    result = assess_file(
        args.file,
        input_format=args.input_format,
        organisation=args.org,
        assessment=args.assessment,
        validate=not args.no_validate,
    )
    if result is None:
        return 1
    kind = REPORT_SUFFIXES[suffix]
    if kind == "pdf":
        from cmlops_kg.present.pdf import pdf_report

        data = pdf_report(result, where=str(args.out))
    else:
        text = html_report(result) if kind == "html" else markdown_report(result)
        data = text.encode("utf-8")
    write_output(args.out, data)
    print(f"wrote {args.out}")
    return 0


# -- history -----------------------------------------------------------------------------------
def add_history_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="profile file")
    parser.add_argument("--org", help="organisation IRI (needed when the profile has several)")
    parser.add_argument("--format", choices=["table", "json", "csv"], default="table")
    add_input_format(parser)


def run_history(args: argparse.Namespace) -> int:
    profile = read_profile(args.file, args.input_format)
    result = api.assess(profile, organisation=args.org, validate=False)  # as before: no gate
    rows = [
        {
            "date": p.date,
            "assessment": p.assessment,
            "overall_level": p.overall_level,
            **p.dimensions,
        }
        for p in result.history
    ]
    if args.format == "json":
        print(json_text({"organisation": result.organisation, "history": rows}))
    elif args.format == "csv":
        print(csv_text(rows), end="")
    else:
        print(f"{terminal(result.label)}: level per assessment")
        print(text_table(rows))
    return 0
