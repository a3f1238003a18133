"""``cmlops-kg questionnaire`` (write the self-assessment) and ``import`` (answers -> profile)."""

from __future__ import annotations

import argparse
from pathlib import Path

from cmlops_kg import api
from cmlops_kg.assessment.questionnaire import (
    answers_to_profile,
    catalogue,
    load_answers,
    write_questionnaire,
)
from cmlops_kg.cli.common import write_output
from cmlops_kg.rdf.profiles import profile_turtle
from cmlops_kg.validation.report import format_validation_report
from cmlops_kg.vocab import CMLOPS


def add_questionnaire_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, help="where to write answers.yaml")


def run_questionnaire(args: argparse.Namespace) -> int:
    write_questionnaire(args.out)
    cat = catalogue()
    print(
        f"wrote {args.out}: {len(cat.criteria)} criteria of {len(cat.practices)} practices, "
        f"{len(cat.factors)} context factors and {len(cat.presets)} target presets. Answer the "
        "criteria you know (blank = unknown) or whole practices, declare the context, then "
        f"'cmlops-kg import {args.out} --out profile.ttl'"
    )
    return 0


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("answers", type=Path, help="filled questionnaire (YAML)")
    parser.add_argument("--out", type=Path, required=True, help="profile to write (Turtle)")
    parser.add_argument(
        "--base-iri",
        metavar="IRI",
        help="where an organisation IRI derived from its name goes, when the answers give only "
        "the name (default https://example.org/org/)",
    )


def run_import(args: argparse.Namespace) -> int:
    profile = answers_to_profile(
        load_answers(args.answers), str(args.answers), base_iri=args.base_iri
    )
    report = api.validate(profile)
    if not report.conforms:
        print(format_validation_report([report]))
        print("error: the answers do not make a valid profile; nothing was written")
        return 1
    write_output(args.out, profile_turtle(profile))
    criteria = sum(1 for t in profile.triples if t.predicate.value == CMLOPS + "aboutCriterion")
    practices = sum(1 for t in profile.triples if t.predicate.value == CMLOPS + "aboutPractice")
    print(
        f"wrote {args.out}: {criteria} criteria and {practices} whole practices answered "
        f"({len(profile.triples)} triples); next: cmlops-kg assess {args.out}"
    )
    return 0
