"""The ``cmlops-kg`` command line: one sub-command per user task.

Each sub-command lives with the module that does the work (``add_arguments``/``run`` pairs);
this file only wires them up, so importing it stays cheap.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__
from .errors import CmlopsError

# sub-command -> (module, help). Modules expose add_<name>_arguments(parser) and
# run_<name>(args) -> int exit code.
COMMANDS: dict[str, tuple[str, str]] = {
    "assess": ("cmlops_kg.commands", "assess a profile: levels, external levels, gaps, roadmap"),
    "validate": ("cmlops_kg.commands", "validate profiles against the SHACL shapes"),
    "history": ("cmlops_kg.commands", "show the level per assessment date of an organisation"),
    "report": ("cmlops_kg.report", "write an HTML or Markdown assessment report"),
    "questionnaire": ("cmlops_kg.questionnaire", "write a self-assessment questionnaire (YAML)"),
    "import": ("cmlops_kg.questionnaire", "turn filled questionnaire answers into a profile"),
    "merge": ("cmlops_kg.merge", "combine assessments (e.g. questionnaire + repository scan)"),
    "queries": ("cmlops_kg.commands", "list the query library"),
    "query": ("cmlops_kg.commands", "run a query of the library (read-only)"),
    "check": ("cmlops_kg.quality", "check the ontology: its shapes, QC queries and HermiT"),
    "scan": ("cmlops_kg.scanner.cli", "scan a repository for evidence of practices (a profile)"),
    "load": ("cmlops_kg.portfolio", "validate profiles and push them into a (shared) store"),
    "portfolio": ("cmlops_kg.portfolio", "assess every organisation held by a store"),
    "docs": ("cmlops_kg.docs", "write the static HTML documentation of the ontology"),
    "release": ("cmlops_kg.release", "write the dated release artefacts (ttl, owl, jsonld, nt)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cmlops-kg",
        description="Continuous ML Development knowledge graph: assess ML delivery maturity.",
    )
    parser.add_argument("--version", action="version", version=f"cmlops-kg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(module_name)
        attr = name.replace("-", "_")
        p = sub.add_parser(name, help=help_text, description=help_text)
        getattr(module, f"add_{attr}_arguments")(p)
        p.set_defaults(_run=getattr(module, f"run_{attr}"))
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args))
    except CmlopsError as exc:
        print(f"error: {exc.render()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
