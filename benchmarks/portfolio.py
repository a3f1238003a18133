"""Portfolio benchmark: N synthetic team profiles through the whole pipeline, three ways.

    .venv/bin/python benchmarks/portfolio.py 100 1000 [10000] [--repeat 3] [--naive-max 100]

For each N it generates N team profiles from the real practice catalogue (read from the
ontology at run time; a realistic mix of maturity, statuses, modes, not-applicable practices,
missing evidence and repeated assessments) and runs load -> validate -> levels -> gaps for
every team:

* engine -- the project: ``read_profile``, ``validate_profile`` (the Rust engine),
  ``GraphStore.load_profile`` on an :class:`EmbeddedStore`, then ``assess_portfolio``;
* floor  -- raw pyoxigraph: ``Store.load`` of each file into its graph, then the same library
  queries with the same per-team datasets, no validation and no Python objects in between;
* naive  -- the fair naive pipeline: rdflib + pySHACL one team at a time, each team parsed
  alone, validated alone and assessed by rdflib SPARQL (the same library queries) in a graph
  of its own (the prepared ontology, built once, copied in), so its cost per team is constant.

Each way runs in its own (spawned) process, so its peak memory (max RSS) is its own. Engine
and floor run ``--repeat`` times taking turns, so both see the same machine load; the ratios
are printed as medians and ranges over those pairs. The naive way runs once, always in full
(never extrapolated), at every N up to ``--naive-max``. The ways must agree on every team's
overall level; the script checks it. It refuses to run without the Rust SHACL engine (or,
with ``--allow-pyshacl``, says loudly that the engine's numbers are pySHACL's).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STATUSES_BY_GAP = {  # where the practice's level lies against its dimension's level
    "next": [("implemented", 35), ("partial", 30), ("planned", 20), ("not-implemented", 15)],
    "above": [("implemented", 6), ("partial", 12), ("planned", 37), ("not-implemented", 45)],
}
TIERS = [(0, 15), (1, 30), (2, 27), (3, 18), (4, 10)]  # a team's typical dimension level
MODES = [("manual", 40), ("semiAuto", 25), ("automatic", 35)]
PREFIXES = """@prefix cmlops: <https://w3id.org/cmlops#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix earl: <http://www.w3.org/ns/earl#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


# -- synthetic profiles ---------------------------------------------------------------------------
def practice_catalogue() -> list[tuple[str, str, int]]:
    """(practice IRI, dimension IRI, level) of every practice in the ontology, read at run
    time."""
    from cmlops_kg.store.embedded import EmbeddedStore

    store = EmbeddedStore()
    store.load_ontology()
    rows = [
        (str(r["practice"]), str(r["dimension"]), int(r["level"]))
        for r in store.select("questionnaire")
    ]
    return list(dict.fromkeys(rows))  # the questionnaire has a row per criterion of a practice


def _pick(rnd: random.Random, weighted: list[tuple[str, int]] | list[tuple[int, int]]):
    return rnd.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def team_profile(i: int, catalogue: list[tuple[str, str, int]], seed: int = 7) -> str:
    """One team's profile (Turtle): 1-3 assessments, later ones a little more mature. Each
    dimension sits near the team's tier; practices up to its level are in place (a few
    justified as not applicable), the next level's are under way, higher ones mostly not,
    and some of those have no evidence at all."""
    rnd = random.Random(seed * 1_000_003 + i)
    org = f"https://example.org/portfolio/team-{i:05d}"
    tier = _pick(rnd, TIERS)
    n_assessments = _pick(rnd, [(1, 60), (2, 30), (3, 10)])
    lines = [PREFIXES, f'<{org}> a org:Organization ; rdfs:label "Team {i:05d}" .']
    for k in range(n_assessments):
        assessment = f"{org}/assessment/{k}"
        date = f"{2024 + k}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        method = rnd.choice(["questionnaire", "repository-scan", "audit"])
        lines.append(
            f"<{assessment}> a cmlops:Assessment ; cmlops:assesses <{org}> ; "
            f'dcterms:date "{date}"^^xsd:date ; cmlops:method cmlops:method-{method} .'
        )
        dimensions = sorted({d for _, d, _ in catalogue})
        level = {
            d: max(0, min(4, tier + k // 2 + _pick(rnd, [(-1, 20), (0, 60), (1, 20)])))
            for d in dimensions
        }
        for j, (practice, dimension, required) in enumerate(catalogue):
            extra = ""
            if required <= level[dimension]:
                status = "implemented"
                if rnd.random() < 0.03:
                    status, extra = "not-applicable", ' ; cmlops:justification "Not used here"'
            elif required == level[dimension] + 1:
                status = _pick(rnd, STATUSES_BY_GAP["next"])
            elif rnd.random() < 0.15:
                continue  # no evidence: counts as not implemented
            else:
                status = _pick(rnd, STATUSES_BY_GAP["above"])
            if status == "implemented":
                extra += f" ; earl:mode earl:{_pick(rnd, MODES)}"
            lines.append(
                f"<{assessment}/e{j}> a cmlops:Evidence ; prov:wasGeneratedBy <{assessment}> ; "
                f"cmlops:aboutPractice <{practice}> ; cmlops:status cmlops:status-{status}{extra} ."
            )
    return "\n".join(lines) + "\n"


def write_profiles(n: int, directory: Path) -> list[Path]:
    catalogue = practice_catalogue()
    paths = []
    for i in range(n):
        path = directory / f"team-{i:05d}.ttl"
        path.write_text(team_profile(i, catalogue), encoding="utf-8")
        paths.append(path)
    return paths


# -- the three ways -------------------------------------------------------------------------------
RESULT_QUERIES = ("overall_level", "dimension_levels", "external_levels", "gaps")


def run_engine(paths: list[Path], report) -> None:
    from cmlops_kg.assessment.portfolio import assess_portfolio, team_graph
    from cmlops_kg.rdf.profiles import read_profile
    from cmlops_kg.store.embedded import EmbeddedStore
    from cmlops_kg.validation import shacl_engine, validate_profile

    started = time.perf_counter()
    store = EmbeddedStore(exclusive=True)  # as 'cmlops-kg portfolio' makes its own: new teams
    store.load_ontology()  # are loaded in place (no staging graphs left in memory)
    engine = shacl_engine("auto")
    invalid = 0
    for path in paths:
        profile = read_profile(path)
        if not validate_profile(profile, engine).conforms:
            invalid += 1
            continue
        store.load_profile(team_graph(profile), profile.triples, profile.assessment_iris())
    loaded = time.perf_counter()
    results = assess_portfolio(store)
    done = time.perf_counter()
    report(
        {
            "load+validate": loaded - started,
            "levels+gaps": done - loaded,
            "total": done - started,
            "teams": len(results),
            "invalid": invalid,
            "shacl": engine,
            "levels": {r.organisation: r.overall_level for r in results},
        }
    )


def run_floor(paths: list[Path], report) -> None:
    import pyoxigraph as ox

    from cmlops_kg.rdf.ontology import ontology_files
    from cmlops_kg.resources import QUERIES_DIR
    from cmlops_kg.sparql.library import get_query
    from cmlops_kg.vocab import ONTOLOGY_GRAPH

    started = time.perf_counter()
    store = ox.Store()
    onto = ox.NamedNode(ONTOLOGY_GRAPH)
    for f in ontology_files():
        store.load(path=str(f), format=ox.RdfFormat.TURTLE, to_graph=onto)
    for prepare in sorted((QUERIES_DIR / "prepare").glob("*.rq")):  # the derived index
        derived = list(store.query(get_query(prepare).text, default_graph=onto))
        store.extend([ox.Quad(s, p, o, onto) for s, p, o in derived])
    strata = [get_query(p).text for p in sorted((QUERIES_DIR / "infer").glob("*.rq"))]
    assesses = ox.NamedNode("https://w3id.org/cmlops#assesses")
    teams = []
    for i, path in enumerate(paths):
        graph, inferred = ox.NamedNode(f"urn:floor:{i}"), ox.NamedNode(f"urn:floor:{i}/inferred")
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
        dataset = [onto, graph, inferred]
        assessments = list(store.quads_for_pattern(None, assesses, None, graph))
        for quad in assessments:
            for text in strata:
                triples = store.query(
                    text,
                    default_graph=dataset,
                    substitutions={ox.Variable("assessment"): quad.subject},
                )
                store.extend([ox.Quad(t.subject, t.predicate, t.object, inferred) for t in triples])
        teams.append((assessments[0].object, dataset))
    loaded = time.perf_counter()
    texts = {q: get_query(q).text for q in ("assessments", *RESULT_QUERIES)}
    levels = {}
    for org, dataset in teams:
        rows = list(
            store.query(
                texts["assessments"],
                default_graph=dataset,
                substitutions={ox.Variable("organisation"): org},
            )
        )
        sub = {ox.Variable("assessment"): rows[0]["assessment"]}
        for name in RESULT_QUERIES:
            solutions = list(store.query(texts[name], default_graph=dataset, substitutions=sub))
            if name == "overall_level":
                levels[org.value] = int(solutions[0]["level"].value)
    done = time.perf_counter()
    report(
        {
            "load+validate": loaded - started,
            "levels+gaps": done - loaded,
            "total": done - started,
            "teams": len(levels),
            "levels": levels,
        }
    )


def run_naive(paths: list[Path], report) -> None:
    """The fair naive pipeline: rdflib and pySHACL, one team at a time in a graph of its own
    (the prepared ontology, built once, copied in), so the cost per team stays constant and
    no team pays for another's triples."""
    import rdflib
    from pyshacl import validate

    from cmlops_kg.rdf.ontology import parse_ontology
    from cmlops_kg.resources import QUERIES_DIR
    from cmlops_kg.sparql.library import get_query, prepare_queries
    from cmlops_kg.validation import shapes_graph, validation_context

    started = time.perf_counter()
    ontology = parse_ontology()
    for query in prepare_queries():
        for triple in list(ontology.query(query.text)):
            ontology.add(triple)
    context = rdflib.Graph()
    for t in validation_context():
        context.add(tuple(_rdflib_term(x) for x in (t.subject, t.predicate, t.object)))
    strata = [get_query(p).text for p in sorted((QUERIES_DIR / "infer").glob("*.rq"))]
    texts = {q: get_query(q).text for q in ("assessments", *RESULT_QUERIES)}
    assesses = rdflib.URIRef("https://w3id.org/cmlops#assesses")
    report({"phase": "ontology", "seconds": time.perf_counter() - started})
    for path in paths:
        team_started = time.perf_counter()
        team = rdflib.Graph().parse(path, format="turtle")
        conforms, _, _ = validate(team + context, shacl_graph=shapes_graph(), inference="none")
        graph = rdflib.Graph()
        graph += ontology
        graph += team
        assessed = list(team.triples((None, assesses, None)))
        for assessment, _, _ in assessed:
            for text in strata:
                for triple in list(graph.query(text, initBindings={"assessment": assessment})):
                    graph.add(triple)
        org = assessed[0][2]
        rows = list(graph.query(texts["assessments"], initBindings={"organisation": org}))
        level = None
        for name in RESULT_QUERIES:
            result = list(
                graph.query(texts[name], initBindings={"assessment": rows[0]["assessment"]})
            )
            if name == "overall_level":
                level = int(result[0]["level"])
        report(
            {
                "phase": "team",
                "seconds": time.perf_counter() - team_started,
                "organisation": str(org),
                "level": level,
                "conforms": bool(conforms),
            }
        )


def _rdflib_term(term):
    import pyoxigraph as ox
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    datatype = rdflib.URIRef(term.datatype.value) if term.datatype and not term.language else None
    return rdflib.Literal(term.value, lang=term.language, datatype=datatype)


# -- running each way in its own process ----------------------------------------------------------
WAYS = {"engine": run_engine, "floor": run_floor, "naive": run_naive}


def _child(way: str, paths: list[Path], queue) -> None:
    def report(message: dict) -> None:
        queue.put(message)

    WAYS[way](paths, report)
    # the child's own peak: a spawned process starts empty, so nothing of the parent counts
    queue.put(
        {"done": True, "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    )


@dataclass
class Outcome:
    way: str
    total: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    levels: dict[str, int] = field(default_factory=dict)
    max_rss_mb: float = 0.0
    note: str = ""
    invalid: int = 0


def _record(outcome: Outcome, message: dict, team_seconds: list[float]) -> None:
    """One message of a child into its outcome."""
    if "levels" in message:  # engine and floor report once, at the end
        outcome.total = message["total"]
        outcome.phases = {k: message[k] for k in ("load+validate", "levels+gaps")}
        outcome.levels = message["levels"]
        outcome.invalid = message.get("invalid", 0)
        outcome.note = f"{message['teams']} teams" + (
            f", SHACL: {message['shacl']}, invalid: {message['invalid']}"
            if "shacl" in message
            else ""
        )
    elif message["phase"] == "team":  # the naive way reports every team
        team_seconds.append(message["seconds"])
        outcome.levels[message["organisation"]] = message["level"]
        outcome.invalid += 0 if message["conforms"] else 1
    else:
        outcome.phases[message["phase"]] = message["seconds"]


def run_way(way: str, paths: list[Path]) -> Outcome:
    """One way over every profile, in a process of its own, always to the end (no budget, no
    extrapolation: a total is always a measured total)."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=_child, args=(way, paths, queue), daemon=True)
    process.start()
    outcome = Outcome(way)
    team_seconds: list[float] = []
    while True:
        try:
            message = queue.get(timeout=5.0)
        except Exception:  # queue.Empty: poll again, or notice the child died
            if not process.is_alive():
                raise SystemExit(f"the {way} process died (exit {process.exitcode})") from None
            continue
        if message.get("done"):
            outcome.max_rss_mb = message["max_rss_mb"]
            break
        _record(outcome, message, team_seconds)
    process.join(timeout=10)
    if way == "naive":
        outcome.phases["levels+gaps"] = sum(team_seconds)
        outcome.total = sum(outcome.phases.values())
        outcome.note = f"{len(team_seconds)} teams, pySHACL, invalid: {outcome.invalid}"
    return outcome


# -- report ---------------------------------------------------------------------------------------
def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, load average {os.getloadavg()[0]:.1f}"
    )


def _print_outcome(o: Outcome) -> None:
    phases = ", ".join(f"{k} {v:.2f} s" for k, v in o.phases.items())
    print(f"  {o.way:7} {o.total:9.2f} s   ({phases}; max RSS {o.max_rss_mb:.0f} MiB) {o.note}")


def _spread(values: list[float], digits: int = 2) -> str:
    """Median and range, as the README quotes them."""
    low, mid, high = (
        f"{v:.{digits}f}" for v in (min(values), statistics.median(values), max(values))
    )
    return f"{mid}x (range {low}-{high}, {len(values)} runs)"


def benchmark(n: int, repeat: int, naive: bool) -> dict[str, list[Outcome]]:
    """Engine and floor ``repeat`` times, taking turns (both see the same machine load), and
    the naive way once in full when asked."""
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        paths = write_profiles(n, Path(tmp))
        size = sum(p.stat().st_size for p in paths) / 2**20
        print(
            f"\nN = {n}: generated {n} profiles ({size:.1f} MiB) in {time.perf_counter() - t:.1f} s"
        )
        outcomes: dict[str, list[Outcome]] = {"engine": [], "floor": [], "naive": []}
        for _ in range(repeat):
            for way in ("engine", "floor"):
                outcomes[way].append(run_way(way, paths))
                _print_outcome(outcomes[way][-1])
        if naive:
            outcomes["naive"].append(run_way("naive", paths))
            _print_outcome(outcomes["naive"][-1])
    _compare(n, outcomes)
    return outcomes


def _compare(n: int, outcomes: dict[str, list[Outcome]]) -> None:
    engine, floor, naive = outcomes["engine"], outcomes["floor"], outcomes["naive"]
    pairs = list(zip(engine, floor, strict=True))  # each pair ran back to back
    print(f"  ratios at N = {n}:")
    times = [e.total / f.total for e, f in pairs]
    print(f"    engine / floor time   = {_spread(times)}  (target <= 1.2x at N=1000)")
    memory = [e.max_rss_mb / f.max_rss_mb for e, f in pairs]
    print(f"    engine / floor memory = {_spread(memory)}  (target <= 1.3x at N=1000)")
    if naive:
        speedups = [naive[0].total / e.total for e in engine]
        print(f"    naive / engine time   = {_spread(speedups, 1)}  (target >= 20x, naive in full)")
    reference = engine[0].levels
    for other in (floor[0], *naive):
        shared = set(other.levels) & set(reference)
        differ = [k for k in shared if other.levels[k] != reference[k]]
        status = "agree" if not differ and len(shared) == n else f"DISAGREE on {len(differ)}"
        print(f"    levels: engine and {other.way} {status} on {len(shared)} of {n} teams")


def require_fast_engine(allow_pyshacl: bool) -> None:
    """Refuse to measure the engine with pySHACL unless asked: the numbers would be pySHACL's."""
    from cmlops_kg.validation import shacl_engine

    if shacl_engine("auto") == "rust":
        return
    message = "the Rust SHACL engine (PyPI 'shacl') is missing: the engine would use pySHACL"
    if not allow_pyshacl:
        raise SystemExit(f"REFUSED: {message}. Install it, or pass --allow-pyshacl.")
    print(f"WARNING: {message}; its numbers are not the project's default engine's.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=3, help="engine and floor runs per N")
    parser.add_argument(
        "--naive-max",
        type=int,
        default=100,
        help="largest N the naive way runs at (always in full; about 1-3 s a team)",
    )
    parser.add_argument("--allow-pyshacl", action="store_true")
    args = parser.parse_args()
    require_fast_engine(args.allow_pyshacl)
    print(f"Machine: {machine()}")
    for n in args.sizes:
        benchmark(n, args.repeat, n <= args.naive_max)
    return 0


if __name__ == "__main__":
    sys.exit(main())
