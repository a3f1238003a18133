"""Benchmark: one assessment against the cost floors it is compared with (issue 16).

Three ratios, each measured in this run with the two sides interleaved (so that both see the
same machine load; medians and ranges printed):

* warm in-process ``cmlops_kg.assess`` of a bundled case study (ontology already prepared,
  validation included) against one raw pyoxigraph load of the ontology's Turtle modules;
  target at most 3x;
* the ``cmlops-kg assess --example NAME`` process against a process that only imports rdflib
  and pyoxigraph; target at most 2.5x;
* the ``cmlops-kg check`` process (``--no-reasoner`` unless ``--hermit``); target under 2 s.

    .venv/bin/python benchmarks/assess.py [--example ledgerly] [--repeat 9] [--cli-repeat 5]

It says loudly when the Rust SHACL engine is missing (the default engine is then pySHACL and
the in-process target cannot be met). Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

Timed = Callable[[], object]


def interleaved(ways: dict[str, Timed], repeat: int) -> dict[str, list[float]]:
    """Seconds per run of each way, the ways taking turns (one warm-up round first)."""
    for way in ways.values():
        way()
    seconds: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(repeat):
        for name, way in ways.items():
            started = time.perf_counter()
            way()
            seconds[name].append(time.perf_counter() - started)
    return seconds


def line(name: str, runs: list[float], floor: list[float] | None = None) -> str:
    median = statistics.median(runs)
    text = f"  {name:34s} median {median * 1000:8.1f} ms  range {min(runs) * 1000:.1f}"
    text += f"-{max(runs) * 1000:.1f} ms"
    if floor is not None:
        text += f"  = {median / statistics.median(floor):.2f}x"
    return text


def in_process(example: str, repeat: int) -> None:
    import pyoxigraph as ox

    import cmlops_kg
    from cmlops_kg.casestudies import find_case_study
    from cmlops_kg.rdf.ontology import ontology_files

    path = find_case_study(example).path

    def raw_load() -> None:
        store = ox.Store()
        for module in ontology_files():
            store.load(path=str(module), format=ox.RdfFormat.TURTLE)

    runs = interleaved(
        {
            "raw pyoxigraph ontology load": raw_load,
            "warm cmlops_kg.assess": lambda: cmlops_kg.assess(path),
            "warm cmlops_kg.validate": lambda: cmlops_kg.validate(path),
        },
        repeat,
    )
    floor = runs["raw pyoxigraph ontology load"]
    print(f"in-process, {example}, {repeat} interleaved runs (target: assess <= 3x the load)")
    for name, seconds in runs.items():
        print(line(name, seconds, floor if name != "raw pyoxigraph ontology load" else None))


def _process(args: list[str]) -> Timed:
    # bytecode may be written, as an installed package has it (pip compiles on install); with
    # PYTHONDONTWRITEBYTECODE a source checkout recompiles every module of every run
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)

    def run() -> None:
        subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL)

    return run


def processes(example: str, repeat: int, hermit: bool) -> None:
    py = sys.executable
    check = [py, "-m", "cmlops_kg", "check", *([] if hermit else ["--no-reasoner"])]
    runs = interleaved(
        {
            "import rdflib+pyoxigraph process": _process([py, "-c", "import rdflib, pyoxigraph"]),
            "cmlops-kg assess process": _process(
                [py, "-m", "cmlops_kg", "assess", "--example", example]
            ),
            "cmlops-kg --version process": _process([py, "-m", "cmlops_kg", "--version"]),
            f"cmlops-kg check{'' if hermit else ' --no-reasoner'} process": _process(check),
        },
        repeat,
    )
    floor = runs["import rdflib+pyoxigraph process"]
    print(f"processes, {repeat} interleaved runs (target: assess <= 2.5x, check < 2 s)")
    for name, seconds in runs.items():
        print(line(name, seconds, floor if "import" not in name else None))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--example", default="ledgerly")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--cli-repeat", type=int, default=5)
    parser.add_argument("--hermit", action="store_true", help="time check with HermiT too")
    args = parser.parse_args()
    from cmlops_kg.validation import shacl_engine

    engine = shacl_engine()
    print(f"SHACL engine: {engine}")
    if engine != "rust":
        print("WARNING: the Rust SHACL engine (PyPI 'shacl') is missing: pySHACL is used and the")
        print("WARNING: in-process target cannot be met; install the package's dependencies.")
    in_process(args.example, args.repeat)
    processes(args.example, args.cli_repeat, args.hermit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
