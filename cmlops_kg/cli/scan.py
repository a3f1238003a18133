"""``cmlops-kg scan PATH``: repository evidence as a profile, a table or JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING

from cmlops_kg import api
from cmlops_kg.cli.common import write_output
from cmlops_kg.errors import InputError
from cmlops_kg.present.contracts import stamped
from cmlops_kg.present.escape import terminal_lines
from cmlops_kg.rdf.profiles import profile_turtle
from cmlops_kg.validation.report import format_validation_report

if TYPE_CHECKING:
    from cmlops_kg.scanner import ScanResult

IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


def add_scan_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        type=Path,
        help="the repository to scan (read-only), or a folder in it (scanned with the "
        "repository's CI that targets it)",
    )
    parser.add_argument(
        "--scope",
        metavar="SUBDIR",
        help="scan only this folder of PATH (a monorepo's project) with the CI that targets it",
    )
    parser.add_argument(
        "--count-paths",
        action="append",
        default=[],
        metavar="GLOB",
        help="count evidence in these paths for every practice, although they are tests, "
        "fixtures, vendored code, docs or examples (repeatable; '**' for all paths)",
    )
    parser.add_argument(
        "--org",
        help="IRI of the organisation or system assessed (default: urn:cmlops:repo:<directory>)",
    )
    parser.add_argument("--label", help="its name (default: the directory name)")
    parser.add_argument("--out", type=Path, help="write the profile (Turtle) to this file")
    parser.add_argument("--format", choices=["table", "json", "sarif"], default="table")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="per practice: what was found where, why it counts, what was not found",
    )
    parser.add_argument("--date", help="assessment date YYYY-MM-DD (default: today)")
    parser.add_argument(
        "--max-file-kb",
        type=int,
        default=1024,
        help="files larger than this are not read for content checks (default 1024)",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="leave out matching paths, e.g. 'tests/fixtures/**' (repeatable)",
    )
    parser.add_argument(
        "--progress",
        action="store_true",
        help="show progress on stderr even when it is not a terminal",
    )


def default_organisation(name: str) -> str:
    return "urn:cmlops:repo:" + urllib.parse.quote(name or "repository", safe="-._~")


def _options(args: argparse.Namespace) -> tuple[Path, str, str, dt.date]:
    root = Path(args.path)
    if not root.exists():
        raise InputError("no such directory", where=str(root), fix="give the path of a repository")
    if not root.is_dir():
        raise InputError(
            "not a directory", where=str(root), fix="give the repository's root directory"
        )
    name = root.resolve().name
    if args.scope:
        name = (root / args.scope).resolve().name
    organisation = args.org or default_organisation(name)
    if not IRI.match(organisation):
        raise InputError(
            f"{organisation!r} is not an absolute IRI",
            where="--org",
            fix="use e.g. https://example.org/org/acme or urn:cmlops:repo:acme",
        )
    try:
        date = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    except ValueError as exc:
        raise InputError(
            f"{args.date!r} is not a date", where="--date", fix="write YYYY-MM-DD"
        ) from exc
    if args.max_file_kb <= 0:
        raise InputError("the size limit must be positive", where="--max-file-kb", fix="e.g. 1024")
    return root, organisation, args.label or name, date


def run_scan(args: argparse.Namespace) -> int:
    from cmlops_kg._version import __version__
    from cmlops_kg.scanner.evidence import assessment_iri
    from cmlops_kg.scanner.explain import document, explanation, table
    from cmlops_kg.scanner.progress import Progress

    root, organisation, label, date = _options(args)
    progress = Progress(bool(args.progress or sys.stderr.isatty()))
    result = api.scan(
        root,
        max_file_bytes=args.max_file_kb * 1024,
        progress=progress,
        exclude=args.exclude,
        scope=args.scope,
        count_paths=args.count_paths,
    )
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    meta = {
        "organisation": organisation,
        "label": label,
        "assessment": assessment_iri(organisation, date),
        "date": date.isoformat(),
        "method": "repository scan",
        "profile": None,
    }
    status = 0
    if args.out is not None:
        status = _write_profile(result, args.out, organisation, label, date, __version__)
        if status == 0:
            meta["profile"] = str(args.out)
    if args.format == "json":
        body = stamped("scan", document(result, args.explain, meta))
        print(json.dumps(body, indent=2, ensure_ascii=False))
    elif args.format == "sarif":
        print(json.dumps(_sarif(result, organisation, label, date), indent=2, ensure_ascii=False))
    else:
        # file names and CI job names come from the repository: no escape sequences reach the tty
        print(terminal_lines(explanation(result) if args.explain else table(result)))
        if meta["profile"]:
            print(f"\nwrote {args.out}; next: cmlops-kg assess {args.out}")
    return status


def _sarif(result: ScanResult, organisation: str, label: str, date: dt.date) -> dict:
    """The gaps of the scan's own assessment; each points at the file where the practice's
    (partial) evidence was found, else at the first CI configuration."""
    from cmlops_kg._version import __version__
    from cmlops_kg.present.sarif import assessment_sarif
    from cmlops_kg.scanner.evidence import build_profile

    if not result.verdicts:
        raise InputError(
            "no practice evidence was found, so there is nothing to assess",
            where=result.root,
            fix="run with --explain to see what was looked for",
        )
    profile = build_profile(result.verdicts, organisation, label, date, __version__)
    assessment = api.assess(profile)
    locations = {
        v.practice: (v.findings[0].path, v.findings[0].line) for v in result.verdicts if v.findings
    }
    jobs = result.detection.ci.jobs
    fallback = jobs[0].file if jobs else None
    return assessment_sarif(assessment, artifact=fallback, locations=locations)


def _write_profile(
    result: ScanResult, out: Path, organisation: str, label: str, date: dt.date, version: str
) -> int:
    from cmlops_kg.scanner.evidence import build_profile

    if not result.verdicts:
        print(
            "error: no practice evidence was found, and a profile needs at least one piece of "
            "evidence; nothing was written (run with --explain to see what was looked for)",
            file=sys.stderr,
        )
        return 1
    profile = build_profile(result.verdicts, organisation, label, date, version, str(out))
    report = api.validate(profile)
    if not report.conforms:
        print(format_validation_report([report]), file=sys.stderr)
        print("error: the scan did not make a valid profile; nothing was written", file=sys.stderr)
        return 1
    write_output(out, profile_turtle(profile))
    return 0
