"""Portfolio benchmark: N synthetic team profiles through the whole pipeline, three ways.

    .venv/bin/python benchmarks/portfolio.py 100 1000 [10000] [--naive-budget 600]

For each N it generates N team profiles from the real practice catalogue (read from the
ontology at run time; a realistic mix of maturity, statuses, modes, not-applicable practices,
missing evidence and repeated assessments) and runs load -> validate -> levels -> gaps for
every team:

* engine -- the project: ``read_profile``, ``validate_profile`` (Rust engine when installed),
  ``GraphStore.load_profile`` on an :class:`EmbeddedStore`, then ``assess_portfolio``;
* floor  -- raw pyoxigraph: ``Store.load`` of each file into its graph, then the same library
  queries with the same per-team datasets, no validation and no Python objects in between;
* naive  -- rdflib memory Dataset (union default graph), one pySHACL run over the whole graph,
  rdflib SPARQL for the same queries over the whole dataset (grows as teams are processed);
* fair   -- rdflib + pySHACL one team at a time: each team validated alone and assessed in a
  graph of its own (the prepared ontology copied in), so its cost per team is constant. It
  always runs in full (``--ways engine,floor,fair`` for the fair comparison alone).

Each way runs in its own process, so its peak memory (max RSS) is its own. The naive way
stops when its time budget is spent; its total is then extrapolated from the teams it assessed
(marked ``~``), which understates its cost, so the speed-up reported is a lower bound. The
three ways must agree on every team's overall level; the script checks it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import resource
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
    store = EmbeddedStore()
    store.load_ontology()
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
    import rdflib
    from pyshacl import validate

    from cmlops_kg.rdf.ontology import ontology_files
    from cmlops_kg.resources import QUERIES_DIR
    from cmlops_kg.sparql.library import get_query
    from cmlops_kg.validation import shapes_graph, validation_context

    started = time.perf_counter()
    ds = rdflib.Dataset(default_union=True)
    onto = ds.graph(rdflib.URIRef("urn:naive:ontology"))
    for f in ontology_files():
        onto.parse(f, format="turtle")
    everything = rdflib.Graph()
    for i, path in enumerate(paths):
        g = ds.graph(rdflib.URIRef(f"urn:naive:{i}"))
        g.parse(path, format="turtle")
        everything += g
    parsed = time.perf_counter()
    report({"phase": "parse", "seconds": parsed - started})
    for t in validation_context():
        everything.add(tuple(_rdflib_term(x) for x in (t.subject, t.predicate, t.object)))
    conforms, _, _ = validate(everything, shacl_graph=shapes_graph(), inference="none")
    validated = time.perf_counter()
    report({"phase": "validate", "seconds": validated - parsed, "conforms": bool(conforms)})
    strata = [get_query(p).text for p in sorted((QUERIES_DIR / "infer").glob("*.rq"))]
    texts = {q: get_query(q).text for q in ("assessments", *RESULT_QUERIES)}
    assesses = rdflib.URIRef("https://w3id.org/cmlops#assesses")
    inferred = ds.graph(rdflib.URIRef("urn:naive:inferred"))
    for i, _ in enumerate(paths):
        g = ds.graph(rdflib.URIRef(f"urn:naive:{i}"))
        team_started = time.perf_counter()
        assessed = list(g.triples((None, assesses, None)))
        org = assessed[0][2]
        for assessment, _, _ in assessed:
            for text in strata:
                for triple in ds.query(text, initBindings={"assessment": assessment}):
                    inferred.add(triple)
        rows = list(ds.query(texts["assessments"], initBindings={"organisation": org}))
        latest = rows[0]["assessment"]
        level = None
        for name in RESULT_QUERIES:
            result = list(ds.query(texts[name], initBindings={"assessment": latest}))
            if name == "overall_level":
                level = int(result[0]["level"])
        report(
            {
                "phase": "team",
                "seconds": time.perf_counter() - team_started,
                "organisation": str(org),
                "level": level,
            }
        )


def run_fair(paths: list[Path], report) -> None:
    """A fair naive pipeline: rdflib and pySHACL, one team at a time in a graph of its own
    (the prepared ontology, built once, copied in), so the cost per team stays constant."""
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
WAYS = {"engine": run_engine, "floor": run_floor, "naive": run_naive, "fair": run_fair}


def _child(way: str, paths: list[Path], queue) -> None:
    def report(message: dict) -> None:
        queue.put(message)

    WAYS[way](paths, report)
    queue.put(
        {"done": True, "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    )


@dataclass
class Outcome:
    way: str
    total: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    levels: dict[str, int] = field(default_factory=dict)
    max_rss_mb: float | None = None
    extrapolated: bool = False
    note: str = ""


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run_way(way: str, paths: list[Path], budget: float | None) -> Outcome:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=_child, args=(way, paths, queue), daemon=True)
    started = time.perf_counter()
    process.start()
    outcome = Outcome(way)
    team_seconds: list[float] = []
    finished = False
    while True:
        remaining = None if budget is None else budget - (time.perf_counter() - started)
        if remaining is not None and remaining <= 0:
            break
        try:
            message = queue.get(timeout=min(remaining, 5.0) if remaining is not None else 5.0)
        except Exception:  # queue.Empty: poll again (or notice the child died)
            if not process.is_alive():
                outcome.note = f"the {way} process died (exit {process.exitcode})"
                break
            continue
        if message.get("done"):
            outcome.max_rss_mb = message["max_rss_mb"]
            finished = True
            break
        if "levels" in message:  # engine and floor report once
            outcome.total = message["total"]
            outcome.phases = {k: message[k] for k in ("load+validate", "levels+gaps")}
            outcome.levels = message["levels"]
            outcome.note = f"{message['teams']} teams" + (
                f", SHACL: {message['shacl']}, invalid: {message['invalid']}"
                if "shacl" in message
                else ""
            )
        elif message["phase"] == "team":
            team_seconds.append(message["seconds"])
            outcome.levels[message["organisation"]] = message["level"]
        else:
            outcome.phases[message["phase"]] = message["seconds"]
    if not finished:
        outcome.max_rss_mb = _peak_rss_mb(process.pid)
        process.kill()
    process.join(timeout=10)
    if way in ("naive", "fair"):
        per_team = sum(team_seconds) / len(team_seconds) if team_seconds else None
        done_phases = sum(outcome.phases.values())
        outcome.phases["levels+gaps"] = sum(team_seconds)
        if finished:
            outcome.total = done_phases + sum(team_seconds)
        elif per_team is not None:
            outcome.total = done_phases + per_team * len(paths)
            outcome.extrapolated = True
            outcome.note = f"stopped after {len(team_seconds)} of {len(paths)} teams"
        else:
            outcome.total = time.perf_counter() - started
            outcome.extrapolated = True
            outcome.note = "stopped before assessing any team (lower bound)"
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
        f"{platform.system()} {platform.release()}"
    )


def benchmark(n: int, naive_budget: float | None, ways: list[str]) -> dict[str, Outcome]:
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        paths = write_profiles(n, Path(tmp))
        size = sum(p.stat().st_size for p in paths) / 2**20
        print(
            f"\nN = {n}: generated {n} profiles ({size:.1f} MiB) in {time.perf_counter() - t:.1f} s"
        )
        outcomes = {}
        for way in ways:
            budget = naive_budget if way == "naive" else None  # fair: always in full
            outcomes[way] = run_way(way, paths, budget)
            o = outcomes[way]
            mark = "~" if o.extrapolated else ""
            phases = ", ".join(f"{k} {v:.2f} s" for k, v in o.phases.items())
            rss = f"{o.max_rss_mb:.0f} MiB" if o.max_rss_mb else "?"
            print(f"  {way:7} {mark}{o.total:9.2f} s   ({phases}; max RSS {rss}) {o.note}")
    _compare(outcomes)
    return outcomes


def _compare(outcomes: dict[str, Outcome]) -> None:
    engine, floor, naive, fair = (outcomes.get(w) for w in ("engine", "floor", "naive", "fair"))
    if engine and floor:
        print(f"  engine / floor  = {engine.total / floor.total:.2f}x  (target <= 1.2x at N=1000)")
    if engine and naive:
        mark = ">=" if naive.extrapolated else ""
        print(f"  naive / engine  = {mark}{naive.total / engine.total:.1f}x  (target >= 20x)")
    if engine and fair:
        mark = ">=" if fair.extrapolated else ""
        print(f"  fair / engine   = {mark}{fair.total / engine.total:.1f}x  (target >= 20x)")
    reference = engine.levels if engine else {}
    for other in (floor, naive, fair):
        if other and reference:
            shared = set(other.levels) & set(reference)
            differ = [k for k in shared if other.levels[k] != reference[k]]
            status = "agree" if not differ else f"DISAGREE on {len(differ)}"
            print(f"  levels: engine and {other.way} {status} on {len(shared)} teams")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000])
    parser.add_argument(
        "--naive-budget",
        type=float,
        default=600.0,
        help="seconds the naive way may run per N before its total is extrapolated",
    )
    parser.add_argument("--ways", default="engine,floor,naive")
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    for n in args.sizes:
        benchmark(n, args.naive_budget, args.ways.split(","))
    return 0


if __name__ == "__main__":
    sys.exit(main())
