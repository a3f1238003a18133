"""Portfolio on shared SPARQL servers: N generated teams loaded and assessed on the embedded
store, on a real ``oxigraph serve`` and on a real OpenLink Virtuoso 7 (issue 20).

    .venv/bin/python benchmarks/portfolio_remote.py --teams 100 [--virtuoso-teams 10]
        [--engines embedded,oxigraph,virtuoso]

The teams are benchmarks/portfolio.py's synthetic profiles (the real practice catalogue, a
realistic mix of maturity). For each engine, in this process: every team is validated and
loaded the way ``cmlops-kg load`` does it (staged upload, one update request that infers and
moves it in), then the whole portfolio is assessed (every organisation over its own graphs).
It prints, per engine, the median and range of the per-team load time, the portfolio's assess
time per team, both as ratios against the embedded store's measured in the same run on the
same teams, and the server's peak resident memory (VmHWM of its process). The servers are
started here, each in a fresh folder, and stopped afterwards. Every engine must give the same
levels as the embedded store for every team; the script checks it.

A team's load on Virtuoso takes seconds (its planner on the inference strata), so it runs on
its own, smaller N (--virtuoso-teams); the ratios compare per-team costs, each measured.

Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the test suite's server helpers start the servers

from portfolio import write_profiles  # noqa: E402


@dataclass
class Run:
    engine: str
    teams: int
    loads: list[float] = field(default_factory=list)
    assess_s: float = 0.0
    levels: dict[str, int] = field(default_factory=dict)
    peak_mb: float | None = None


def _peak_mb(pid: int | None) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return None


def run(engine: str, store, paths: list[Path], pid: int | None = None) -> Run:
    from cmlops_kg.assessment.portfolio import assess_portfolio, ensure_ontology, load_profile_file

    ensure_ontology(store)
    out = Run(engine, len(paths))
    for i, path in enumerate(paths, 1):
        t = time.perf_counter()
        outcome = load_profile_file(store, path)
        out.loads.append(time.perf_counter() - t)
        if outcome.status != "loaded":
            raise SystemExit(f"{engine}: {path.name} was not loaded: {outcome.error}")
        if i % 25 == 0 or i == len(paths):
            print(f"  {engine}: {i}/{len(paths)} loaded", flush=True)
    t = time.perf_counter()
    results = assess_portfolio(store)
    out.assess_s = time.perf_counter() - t
    out.levels = {r.organisation: r.overall_level for r in results}
    out.peak_mb = _peak_mb(pid)
    if len(out.levels) != len(paths):
        raise SystemExit(f"{engine}: {len(out.levels)} organisations assessed of {len(paths)}")
    return out


def embedded(paths: list[Path]) -> Run:
    from cmlops_kg.store.embedded import EmbeddedStore

    return run("embedded", EmbeddedStore(), paths)


def served(engine: str, server, preset: str, timeout: float, paths: list[Path]) -> Run:
    """The portfolio on a started server, which is stopped afterwards."""
    from cmlops_kg.store.remote import RemoteStore

    try:
        store = RemoteStore(server.url, preset=preset, timeout=timeout)
        return run(engine, store, paths, server.process.pid)
    finally:
        server.stop()


def oxigraph(paths: list[Path], folder: Path) -> Run:
    from oxigraph_server import OxigraphServer

    return served(
        "oxigraph serve", OxigraphServer(folder / "oxigraph").start(), "oxigraph", 120, paths
    )


def virtuoso(paths: list[Path], folder: Path) -> Run:
    from virtuoso_server import VirtuosoServer, virtuoso_binary

    if virtuoso_binary() is None:
        raise SystemExit("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    return served("virtuoso", VirtuosoServer(folder / "virtuoso").start(), "virtuoso", 600, paths)


def summary(r: Run, base: Run) -> str:
    load = statistics.median(r.loads)
    ratio_load = load / statistics.median(base.loads[: r.teams])
    per_team = r.assess_s / r.teams
    ratio_assess = per_team / (base.assess_s / base.teams)
    memory = f"{r.peak_mb:,.0f} MB" if r.peak_mb else "-"
    return (
        f"{r.engine:15} N={r.teams:<6,} load/team median {1000 * load:8.1f} ms "
        f"(range {1000 * min(r.loads):.1f} to {1000 * max(r.loads):.1f}) = {ratio_load:6.1f}x | "
        f"assess/team {1000 * per_team:7.1f} ms = {ratio_assess:5.1f}x | server peak {memory}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--virtuoso-teams", type=int, default=10)
    parser.add_argument("--engines", default="embedded,oxigraph,virtuoso")
    args = parser.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    with tempfile.TemporaryDirectory(prefix="cmlops-remote-bench-") as tmp:
        folder = Path(tmp)
        (folder / "teams").mkdir()
        paths = write_profiles(max(args.teams, args.virtuoso_teams), folder / "teams")
        print(f"{len(paths)} generated teams; engines: {', '.join(engines)}", flush=True)
        base = embedded(paths[: max(args.teams, args.virtuoso_teams)])
        runs = [base]
        if "oxigraph" in engines:
            runs.append(oxigraph(paths[: args.teams], folder))
        if "virtuoso" in engines:
            runs.append(virtuoso(paths[: args.virtuoso_teams], folder))
    print()
    for r in runs:
        print(summary(r, base))
        wrong = [o for o, level in r.levels.items() if base.levels.get(o) != level]
        if wrong:
            print(f"  !!! {len(wrong)} teams' levels differ from the embedded store's: {wrong[:3]}")
            return 1
    print("every engine gave the embedded store's overall level for every team")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
