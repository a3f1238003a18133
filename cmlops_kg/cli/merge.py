"""``cmlops-kg merge A B ...``: one assessment from several (questionnaire + repository scan).

The rules by which evidence combines are in :mod:`cmlops_kg.assessment.merge`.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from cmlops_kg import api
from cmlops_kg.assessment.merge import assess_side_by_side, combine
from cmlops_kg.cli.common import add_input_format, write_output
from cmlops_kg.errors import InputError
from cmlops_kg.present.escape import terminal
from cmlops_kg.present.words import counted
from cmlops_kg.rdf.profiles import profile_turtle, read_profile
from cmlops_kg.validation.report import format_validation_report


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (write YYYY-MM-DD)") from exc


def add_merge_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="profiles to combine (e.g. answers.ttl and a repository scan)",
    )
    parser.add_argument("--out", type=Path, required=True, help="combined profile (Turtle)")
    parser.add_argument(
        "--org",
        help="organisation IRI of the result (default: that of the first input that is not a "
        "repository scan)",
    )
    parser.add_argument("--label", help="organisation name (default: that organisation's)")
    parser.add_argument(
        "--date", type=_date, help="date of the combined assessment (default: the latest input's)"
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="do not assess the inputs and the result side by side (faster)",
    )
    add_input_format(parser)


def run_merge(args: argparse.Namespace) -> int:
    if len(args.files) < 2:
        raise InputError("give at least two profiles to combine", fix="cmlops-kg merge A B ...")
    profiles = [read_profile(p, args.input_format) for p in args.files]
    combination = combine(profiles, args.org, args.label, args.date)
    report = api.validate(combination.profile)
    if not report.conforms:
        print(format_validation_report([report]))
        print("error: the combined profile does not validate; nothing was written")
        return 1
    write_output(args.out, profile_turtle(combination.profile))
    disagreements = combination.disagreements
    print(
        f"wrote {args.out}: one combined assessment of {combination.organisation} from "
        f"{len(profiles)} inputs, {combination.count('criterion')} criteria and "
        f"{counted(combination.count('practice'), 'practice')} with combined evidence"
        + (
            f", {disagreements} disagreement{'s' if disagreements != 1 else ''} written into "
            "the justification"
            if disagreements
            else ""
        )
    )
    if not args.quiet:
        for standing in assess_side_by_side(combination):
            print(f"  {terminal(standing.line())}")
    print(f"next: cmlops-kg assess {args.out}")
    return 0
