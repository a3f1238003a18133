"""The ``cmlops-kg`` command line: one sub-command per user task.

:data:`COMMANDS` is the whole table: each command's help text and the loader of the module
that implements it (``cli/<group>.py``, which parses the options and calls the library). Only
the module of the command that runs is imported, so ``cmlops-kg assess`` never loads the
app, the documentation templates, the scanner or the HTTP stack.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

from cmlops_kg._version import __version__
from cmlops_kg.errors import CmlopsError

AddArguments = Callable[[argparse.ArgumentParser], None]
Run = Callable[[argparse.Namespace], int]
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what the shell reports for a reader that went away


def _assess() -> dict[str, tuple[AddArguments, Run]]:
    from cmlops_kg.cli import assess as m

    return {
        "assess": (m.add_assess_arguments, m.run_assess),
        "report": (m.add_report_arguments, m.run_report),
        "history": (m.add_history_arguments, m.run_history),
    }


def _validate() -> dict[str, tuple[AddArguments, Run]]:
    from cmlops_kg.cli import validate as m

    return {"validate": (m.add_validate_arguments, m.run_validate)}


def _query() -> dict[str, tuple[AddArguments, Run]]:
    from cmlops_kg.cli import query as m

    return {
        "queries": (m.add_queries_arguments, m.run_queries),
        "query": (m.add_query_arguments, m.run_query),
    }


def _questionnaire() -> dict[str, tuple[AddArguments, Run]]:
    from cmlops_kg.cli import questionnaire as m

    return {
        "questionnaire": (m.add_questionnaire_arguments, m.run_questionnaire),
        "import": (m.add_import_arguments, m.run_import),
    }


def _merge() -> dict[str, tuple[AddArguments, Run]]:
    from cmlops_kg.cli import merge as m

    return {"merge": (m.add_merge_arguments, m.run_merge)}


def _scan() -> dict[str, tuple[AddArguments, Run]]:
    from cmlops_kg.cli import scan as m

    return {"scan": (m.add_scan_arguments, m.run_scan)}


def _portfolio() -> dict[str, tuple[AddArguments, Run]]:
    from cmlops_kg.cli import portfolio as m

    return {
        "load": (m.add_load_arguments, m.run_load),
        "portfolio": (m.add_portfolio_arguments, m.run_portfolio),
    }


def _ontology() -> dict[str, tuple[AddArguments, Run]]:
    from cmlops_kg.cli import ontology as m

    return {
        "check": (m.add_check_arguments, m.run_check),
        "docs": (m.add_docs_arguments, m.run_docs),
        "release": (m.add_release_arguments, m.run_release),
    }


def _examples() -> dict[str, tuple[AddArguments, Run]]:
    from cmlops_kg.cli import examples as m

    return {"examples": (m.add_examples_arguments, m.run_examples)}


def _app() -> dict[str, tuple[AddArguments, Run]]:
    from cmlops_kg.cli import app as m

    return {"app": (m.add_app_arguments, m.run_app)}


def _lab() -> dict[str, tuple[AddArguments, Run]]:
    from cmlops_kg.cli import lab as m

    return {"lab": (m.add_lab_arguments, m.run_lab)}


@dataclass(frozen=True)
class Command:
    help: str
    load: Callable[[], dict[str, tuple[AddArguments, Run]]]


COMMANDS: dict[str, Command] = {
    "assess": Command("assess a profile: levels, external levels, gaps, roadmap", _assess),
    "validate": Command("validate profiles against the SHACL shapes", _validate),
    "history": Command("show the level per assessment date of an organisation", _assess),
    "report": Command("write an HTML, Markdown or PDF assessment report", _assess),
    "questionnaire": Command("write a self-assessment questionnaire (YAML)", _questionnaire),
    "import": Command("turn filled questionnaire answers into a profile", _questionnaire),
    "merge": Command("combine assessments (e.g. questionnaire + repository scan)", _merge),
    "queries": Command("list the query library", _query),
    "query": Command("run a query of the library (read-only)", _query),
    "check": Command("check the ontology: its shapes, QC queries and HermiT", _ontology),
    "scan": Command("scan a repository for evidence of practices (a profile)", _scan),
    "load": Command("validate profiles and push them into a (shared) store", _portfolio),
    "portfolio": Command("assess every organisation held by a store", _portfolio),
    "docs": Command("write the static HTML documentation of the ontology", _ontology),
    "release": Command("write the dated release artefacts (ttl, owl, jsonld, nt)", _ontology),
    "examples": Command("list the bundled case studies, or write one out", _examples),
    "app": Command("start the Streamlit explorer (needs 'cmlops-kg[app]')", _app),
    "lab": Command("run the validation lab: fault scenarios on generated ML systems", _lab),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser, with the options of ``command`` only (the others are listed by name)."""
    parser = argparse.ArgumentParser(
        prog="cmlops-kg",
        description="Continuous ML Development knowledge graph: assess ML delivery maturity.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"cmlops-kg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, spec in COMMANDS.items():
        p = sub.add_parser(name, help=spec.help, description=spec.help)
        if name == command:
            add_arguments, run = spec.load()[name]
            add_arguments(p)
            p.set_defaults(_run=run)
    return parser


def _command_of(argv: list[str]) -> str | None:
    """The sub-command named on the command line (the first word that is one)."""
    return next((arg for arg in argv if arg in COMMANDS), None)


# The cyclic garbage collector's first threshold while a command runs. An assessment makes
# tens of thousands of short-lived objects (terms, rows, result records), nearly none in a
# reference cycle, and at Python's default (700) the collector scans the young ones about 40
# times for nothing: ~4 ms of 'cmlops-kg assess' (issue 16). Memory barely changes (reference
# counting frees them); cycles are collected less often, and the default comes back after.
YOUNG_THRESHOLD = 20_000


def main(argv: list[str] | None = None) -> int:
    threshold = gc.get_threshold()
    if threshold[0]:  # 0: collection turned off by whoever runs us, and left off
        gc.set_threshold(max(threshold[0], YOUNG_THRESHOLD), *threshold[1:])
    try:
        return _main(argv)
    finally:
        gc.set_threshold(*threshold)


def _main(argv: list[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command_of(argv))
    args = parser.parse_args(argv)
    run: Run | None = vars(args).get("_run")
    if run is None:
        parser.print_help()
        return 2
    try:
        return int(run(args))
    except CmlopsError as exc:
        print(f"error: {_plain(exc.render())}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _reader_went_away()


def _plain(message: str) -> str:
    """An error message for the terminal: it may quote file names or values from untrusted
    input, so control characters go (imported here: the CLI's start-up stays cheap)."""
    from cmlops_kg.present.escape import terminal_lines

    return terminal_lines(message)


def _reader_went_away() -> int:
    """``cmlops-kg ... | head``: the reader closed the pipe. Stop quietly, as shell tools do;
    stdout goes to /dev/null so that the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_BROKEN_PIPE
