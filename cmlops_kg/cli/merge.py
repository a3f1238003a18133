"""``cmlops-kg merge A B ...``: one assessment from several (questionnaire + repository scan)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from cmlops_kg import api, vocab
from cmlops_kg.assessment.merge import merge_profiles
from cmlops_kg.cli.common import add_input_format, write_output
from cmlops_kg.rdf.profiles import profile_turtle, read_profile
from cmlops_kg.validation.report import format_validation_report


def add_merge_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="profiles to combine (e.g. answers.ttl and a repository scan)",
    )
    parser.add_argument("--out", type=Path, required=True, help="combined profile (Turtle)")
    parser.add_argument("--org", help="organisation IRI of the result (default: the first file's)")
    parser.add_argument("--label", help="organisation name (default: the first file's)")
    parser.add_argument(
        "--date", type=dt.date.fromisoformat, help="date of the combined assessment"
    )
    add_input_format(parser)


def run_merge(args: argparse.Namespace) -> int:
    profiles = [read_profile(p, args.input_format) for p in args.files]
    merged = merge_profiles(profiles, args.org, args.label, args.date)
    report = api.validate(merged)
    if not report.conforms:
        print(format_validation_report([report]))
        print("error: the combined profile does not validate; nothing was written")
        return 1
    write_output(args.out, profile_turtle(merged))
    evidence = sum(1 for t in merged.triples if t.object.value == vocab.CMLOPS + "Evidence")
    print(
        f"wrote {args.out}: {evidence} practices with combined evidence; "
        f"next: cmlops-kg assess {args.out}"
    )
    return 0
