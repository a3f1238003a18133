"""``cmlops-kg questionnaire`` (write the self-assessment) and ``import`` (answers -> profile)."""

from __future__ import annotations

import argparse
from pathlib import Path

from cmlops_kg import api
from cmlops_kg.assessment.questionnaire import answers_to_profile, load_answers, write_questionnaire
from cmlops_kg.cli.common import write_output
from cmlops_kg.rdf.profiles import profile_turtle
from cmlops_kg.validation.report import format_validation_report


def add_questionnaire_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, help="where to write answers.yaml")


def run_questionnaire(args: argparse.Namespace) -> int:
    write_questionnaire(args.out)
    print(
        f"wrote {args.out}: fill in `status` (and `mode`) per practice, then "
        f"'cmlops-kg import {args.out} --out profile.ttl'"
    )
    return 0


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("answers", type=Path, help="filled questionnaire (YAML)")
    parser.add_argument("--out", type=Path, required=True, help="profile to write (Turtle)")


def run_import(args: argparse.Namespace) -> int:
    profile = answers_to_profile(load_answers(args.answers), str(args.answers))
    report = api.validate(profile)
    if not report.conforms:
        print(format_validation_report([report]))
        print("error: the answers do not make a valid profile; nothing was written")
        return 1
    write_output(args.out, profile_turtle(profile))
    print(f"wrote {args.out} ({len(profile.triples)} triples)")
    return 0
