"""``cmlops-kg lab``: the validation lab (needs the ``[lab]`` extra: scikit-learn).

``lab run [--quick] [--out DIR]`` reproduces the experiment from scratch: generated
repositories, runs of every configuration against every fault scenario, their assessments and
measured outcomes (RDF), the claim table and the report. ``lab list`` shows the configurations
and scenarios; ``lab report DIR`` prints a stored result's report again.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cmlops_kg.errors import CmlopsError


def add_lab_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="lab_command", metavar="ACTION", required=True)
    run = sub.add_parser("run", help="run the experiment (progress on stderr)")
    run.add_argument(
        "--quick",
        action="store_true",
        help="one seed, one simulated day (under 3 minutes on 2 cores)",
    )
    run.add_argument(
        "--out",
        "-o",
        type=Path,
        default=Path("lab-results"),
        help="folder for repositories, profiles, results.json and the report",
    )
    run.add_argument("--force", action="store_true", help="write into a non-empty folder")
    sub.add_parser("list", help="the configurations and fault scenarios")
    report = sub.add_parser("report", help="print the Markdown report of a stored result")
    report.add_argument("results", type=Path, help="a results folder or its results.json")


def _needs_sklearn() -> None:
    try:
        import sklearn  # noqa: F401
    except ImportError as exc:
        raise CmlopsError("the lab needs scikit-learn", fix="pip install 'cmlops-kg[lab]'") from exc


def run_lab(args: argparse.Namespace) -> int:
    if args.lab_command == "list":
        return _list()
    if args.lab_command == "report":
        from cmlops_kg.lab.report import load_result, text_report

        sys.stdout.write(text_report(load_result(args.results)))
        return 0
    _needs_sklearn()
    from cmlops_kg.lab.experiment import run_lab as experiment
    from cmlops_kg.lab.report import text_report

    result = experiment(args.out, quick=args.quick, force=args.force)
    sys.stdout.write(text_report(result))
    return 0


def _list() -> int:
    from cmlops_kg.lab.catalogue import scenarios
    from cmlops_kg.lab.generate import CONFIGURATIONS

    for c in CONFIGURATIONS:
        print(f"{c.key}: {c.label} - {c.adds}")
    for s in scenarios():
        mode = s.failure_mode.rsplit("#", 1)[1] if s.failure_mode else "(control)"
        print(f"{s.key}: {s.label} -> {mode}")
    return 0
