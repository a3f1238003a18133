"""Portfolio on shared SPARQL servers: N generated teams loaded and assessed on the embedded
store, on a real ``oxigraph serve`` and on a real OpenLink Virtuoso 7 (issue 20).

    .venv/bin/python benchmarks/portfolio_remote.py --teams 10,100,1000
        [--engines embedded,oxigraph,oxigraph-client,oxigraph-batched,virtuoso,
                   virtuoso-per-team,virtuoso-server]
        [--batch 50]

The teams are benchmarks/portfolio.py's synthetic profiles (the real practice catalogue, a
realistic mix of maturity). For each engine, in this process: every team is validated and
loaded the way ``cmlops-kg load`` does it (staged upload, one update request that infers and
moves it in), then the whole portfolio is assessed (every organisation over its own graphs;
on Virtuoso, each summary question asked once per batch of teams, see
cmlops_kg.sparql.batch).
It prints, per engine, the median and range of the per-team load time, the portfolio's assess
time per team, both as ratios against the embedded store's measured in the same run on the
same teams, and the peak resident memory (VmHWM of the server's process; for the embedded
store, this process's). The servers are started here, each in a fresh folder, and stopped
afterwards; each N in --teams is a run of its own. Every engine must give the same levels as the
embedded store for every team; the script checks it.

Engines: ``oxigraph`` (oxigraph serve, inference on the server), ``oxigraph-client`` (the same
server, inference on the client), ``oxigraph-batched`` (server inference, assessed in batches
of --batch teams as Virtuoso is; Oxigraph's preset asks one team at a time), ``virtuoso``
(its preset: inference on the client, assessed in batches of its ``portfolio_batch`` teams,
or of --batch when given), ``virtuoso-per-team`` (one team at a time: ~20-30 s a team, small
N only) and
``virtuoso-server`` (Virtuoso forced to infer on the server: 15-30 s a team, for comparison at
a small N only).

Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import os
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
    phases: dict[str, float] = field(default_factory=dict)  # seconds spent loading, by step


# where a load's time goes: (module or class, attribute, step)
LOAD_STEPS = (
    ("cmlops_kg.assessment.portfolio", "validate_profile", "validate"),
    ("cmlops_kg.store.remote", "infer_on_client", "client inference"),
    ("cmlops_kg.store.remote:RemoteStore", "_put", "GSP PUT"),
    ("cmlops_kg.store.remote:RemoteStore", "_swap", "swap update"),
    ("cmlops_kg.store.remote:RemoteStore", "_commit", "server commit"),
)


@contextlib.contextmanager
def timed_steps(phases: dict[str, float]):
    """Time each load step (LOAD_STEPS) into ``phases`` while the block runs."""
    import importlib

    saved = []
    for where, name, step in LOAD_STEPS:
        module, _, cls = where.partition(":")
        owner = importlib.import_module(module)
        owner = getattr(owner, cls) if cls else owner
        original = getattr(owner, name)
        saved.append((owner, name, original))
        setattr(owner, name, _timing(original, step, phases))
    try:
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)


def _timing(function, step: str, phases: dict[str, float]):
    def timed(*args, **kwargs):
        t = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            phases[step] = phases.get(step, 0.0) + time.perf_counter() - t

    return timed


def _peak_mb(pid: int | None) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return None


def run(engine: str, store, paths: list[Path], pid: int | None = None) -> Run:
    """Load every team (as ``cmlops-kg load`` does), then assess the whole portfolio."""
    from cmlops_kg.assessment.portfolio import assess_portfolio, ensure_ontology, load_profile_file

    ensure_ontology(store)
    out = Run(engine, len(paths))
    for i, path in enumerate(paths, 1):
        t = time.perf_counter()
        with timed_steps(out.phases):
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
    out.peak_mb = _peak_mb(pid or os.getpid())
    if len(out.levels) != len(paths):
        raise SystemExit(f"{engine}: {len(out.levels)} organisations assessed of {len(paths)}")
    return out


def embedded(paths: list[Path], folder: Path) -> Run:
    """In a child process of its own, so that its peak memory is its own (this process also
    holds the servers' runs)."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_embedded, (paths,))


def _embedded(paths: list[Path]) -> Run:
    from cmlops_kg.store.embedded import EmbeddedStore

    return run("embedded", EmbeddedStore(), paths)


# engine: (server, preset, where the strata run, assessing batched: None is the preset's
# choice -- Oxigraph one team at a time, Virtuoso in batches)
ENGINES = {
    "oxigraph": ("oxigraph", "oxigraph", "server", None),
    "oxigraph-client": ("oxigraph", "oxigraph", "client", None),
    "oxigraph-batched": ("oxigraph", "oxigraph", "server", True),
    "virtuoso": ("virtuoso", "virtuoso", None, None),  # the preset's: client inference
    "virtuoso-per-team": ("virtuoso", "virtuoso", None, False),
    "virtuoso-server": ("virtuoso", "virtuoso", "server", None),
}
SETTINGS: dict[str, int | None] = {"batch": None}  # --batch


def served(engine: str, paths: list[Path], folder: Path) -> Run:
    """The portfolio on a server started for it (in a fresh folder), stopped afterwards."""
    from cmlops_kg.store.remote import RemoteStore

    kind, preset, inference, batched = ENGINES[engine]
    server = _server(kind, folder / engine)
    try:
        store = RemoteStore(
            server.url,
            preset=preset,
            timeout=3600,
            inference=inference,
            batch_size=_batch(batched),
        )
        return run(engine, store, paths, server.process.pid)
    finally:
        server.stop()


def _batch(batched: bool | None) -> int | None:
    if batched is False:
        return 1
    return SETTINGS["batch"] or (50 if batched else None)  # None: the preset's


def _server(kind: str, location: Path):
    if kind == "oxigraph":
        from oxigraph_server import OxigraphServer

        return OxigraphServer(location).start()
    from virtuoso_server import VirtuosoServer, virtuoso_binary

    if virtuoso_binary() is None:
        raise SystemExit("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    return VirtuosoServer(location).start()


def summary(r: Run, base: Run) -> str:
    load = statistics.median(r.loads)
    ratio_load = load / statistics.median(base.loads)
    per_team = r.assess_s / r.teams
    ratio_assess = per_team / (base.assess_s / base.teams)
    memory = f"{r.peak_mb:,.0f} MB" if r.peak_mb else "-"
    return (
        f"{r.engine:17} N={r.teams:<6,} load/team median {1000 * load:8.1f} ms "
        f"(range {1000 * min(r.loads):.1f} to {1000 * max(r.loads):.1f}) = {ratio_load:5.1f}x | "
        f"assess/team {1000 * per_team:8.1f} ms = {ratio_assess:5.1f}x | peak RSS {memory}"
        f"\n{'':17} load split, mean ms/team: {load_split(r)}"
    )


def load_split(r: Run) -> str:
    steps = {k: 1000 * v / r.teams for k, v in r.phases.items() if v}
    other = 1000 * sum(r.loads) / r.teams - sum(steps.values())
    return ", ".join(f"{k} {v:.0f}" for k, v in steps.items()) + f", rest {other:.0f}"


def team_counts(text: str) -> list[int]:
    try:
        counts = [int(n) for n in text.split(",") if n.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give numbers of teams, e.g. 10,100") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("give at least one number of teams, each 1 or more")
    return counts


def engine_names(text: str) -> list[str]:
    names = [e.strip() for e in text.split(",") if e.strip()]
    unknown = [n for n in names if n != "embedded" and n not in ENGINES]
    if unknown:
        known = ", ".join(["embedded", *ENGINES])
        raise argparse.ArgumentTypeError(f"unknown engine(s) {', '.join(unknown)}: use {known}")
    return [n for n in names if n != "embedded"]


def one_n(n: int, engines: list[str], folder: Path) -> bool:
    """One run at N teams; False when an engine's levels differ from the embedded store's."""
    (folder / "teams").mkdir(parents=True)
    paths = write_profiles(n, folder / "teams")
    print(f"N={n:,}: {len(paths)} generated teams; engines: embedded, {', '.join(engines)}")
    # each engine's line as soon as it is done: a long run stopped early keeps what it measured
    base = embedded(paths, folder)
    print(f"{summary(base, base)}\n{'':17} load average at its end: {_load()}", flush=True)
    ok = True
    for engine in engines:
        r = served(engine, paths, folder)
        print(f"{summary(r, base)}\n{'':17} load average at its end: {_load()}", flush=True)
        wrong = [o for o, level in r.levels.items() if base.levels.get(o) != level]
        if wrong:
            print(f"  !!! {len(wrong)} teams' levels differ from the embedded store's: {wrong[:3]}")
            ok = False
    print()
    return ok


def _load() -> str:
    """The 1, 5 and 15 minute load averages: the machine the figures above were measured on."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teams", type=team_counts, default=[100], help="e.g. 10,100,1000")
    parser.add_argument(
        "--engines",
        type=engine_names,
        default=["oxigraph", "oxigraph-client", "virtuoso"],
        help="besides embedded (always run, the baseline): " + ", ".join(ENGINES),
    )
    parser.add_argument(
        "--batch", type=int, default=None, help="teams per batched query (default: 50)"
    )
    args = parser.parse_args()
    SETTINGS["batch"] = max(1, args.batch) if args.batch else None
    ok = True
    with tempfile.TemporaryDirectory(prefix="cmlops-remote-bench-") as tmp:
        for n in args.teams:
            ok = one_n(n, args.engines, Path(tmp) / f"n{n}") and ok
    if ok:
        print("every engine gave the embedded store's overall level for every team")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
