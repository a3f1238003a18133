"""``cmlops-kg validate FILE...``: what is wrong with each profile and how to fix it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cmlops_kg import api
from cmlops_kg.cli.common import add_input_format
from cmlops_kg.errors import CmlopsError
from cmlops_kg.present.contracts import validate_document
from cmlops_kg.present.tables import json_text
from cmlops_kg.rdf.profiles import read_profile
from cmlops_kg.validation.report import ValidationReport, format_validation_report


def add_validate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="profile files")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument(
        "--shacl-engine",
        choices=["pyshacl", "rust", "auto"],
        help="validator (default: $CMLOPS_KG_SHACL_ENGINE, else pySHACL)",
    )
    add_input_format(parser)


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
        reports.append(api.validate(profile, shacl_engine=args.shacl_engine))
    if args.format == "json":
        print(json_text(validate_document(reports, unreadable)))
    else:
        if reports:
            print(format_validation_report(reports))
        for item in unreadable:
            print(f"{item['source']}: unreadable\n  {item['error']}", file=sys.stderr)
    if unreadable:
        return 2
    return 0 if all(r.conforms for r in reports) else 1
