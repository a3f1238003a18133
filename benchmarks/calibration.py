"""Calibration: does the tool give organisations their published Google and Azure levels?

For every organisation of ``examples/calibration/`` (a description, the Google and Azure levels
that follow from the published definitions, and the questionnaire answers the description
supports) this runs the independent oracle (``tests/oracle.py``, the tool's semantics in plain
Python) on its two profiles:

- the **closed** reading (everything unmentioned answered "not implemented"): the tool's proven
  level should equal the published level;
- the **unknown** reading (unmentioned = no evidence = unknown): the published level should lie
  in the tool's range [proven, potential].

It prints one row per organisation, the totals per model, and for every disagreement the
requirements that decide it (what the encoding asks beyond the published level, or what it
accepts below it): the finding list.

    PYTHONPATH=. python benchmarks/calibration.py            # table and findings
    PYTHONPATH=. python benchmarks/calibration.py --engine   # also check the SPARQL engine
"""

from __future__ import annotations

import glob
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import RDFS, SKOS, Graph, Namespace, URIRef

ROOT = Path(__file__).resolve().parent.parent
CALIBRATION = ROOT / "examples" / "calibration"
sys.path.insert(0, str(ROOT / "tests"))

from oracle import Oracle, load_turtle  # noqa: E402

CMLOPS = Namespace("https://w3id.org/cmlops#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
MODELS = {"google": str(CMLOPS["google-mlops"]), "azure": str(CMLOPS["azure-mlops"])}
READINGS = ("closed", "unknown")


def local(iri: str) -> str:
    return str(iri).rsplit("#", 1)[-1]


@dataclass
class Reading:
    level: int
    potential: int
    missing_for_next: list[str]
    result: dict = field(repr=False)


@dataclass
class Row:
    name: str
    org: dict = field(repr=False)
    published: dict[str, int]
    readings: dict[str, dict[str, Reading]]  # reading -> model -> Reading

    def closed_agrees(self, model: str) -> bool:
        return self.readings["closed"][model].level == self.published[model]

    def unknown_contains(self, model: str) -> bool:
        r = self.readings["unknown"][model]
        return r.level <= self.published[model] <= r.potential


def ontology_graph() -> Graph:
    return load_turtle(sorted(Path(p) for p in glob.glob(str(ROOT / "ontology" / "*.ttl"))))


def organisations() -> list[Path]:
    return sorted(CALIBRATION.glob("*.yaml"))


def profile_path(name: str, reading: str) -> Path:
    return CALIBRATION / f"{name}.{reading}.ttl"


def measure(oracle: Oracle) -> list[Row]:
    rows = []
    for path in organisations():
        org = yaml.safe_load(path.read_text(encoding="utf-8"))
        name = path.stem
        readings: dict[str, dict[str, Reading]] = {}
        for reading in READINGS:
            profile = Graph().parse(profile_path(name, reading), format="turtle")
            result = oracle.assess(profile)
            readings[reading] = {
                model: Reading(
                    level=result["external"][iri]["level"],
                    potential=result["external"][iri]["potential"],
                    missing_for_next=list(result["external"][iri]["missing_for_next"]),
                    result=result,
                )
                for model, iri in MODELS.items()
            }
        published = {"google": int(org["google_level"]), "azure": int(org["azure_level"])}
        rows.append(Row(name, org, published, readings))
    return rows


def totals(rows: list[Row]) -> dict[str, dict[str, int]]:
    return {
        model: {
            "n": len(rows),
            "closed_exact": sum(r.closed_agrees(model) for r in rows),
            "unknown_contains": sum(r.unknown_contains(model) for r in rows),
            # sharper views: organisations above the bottom level (where "0" is no free win),
            # and the unknown reading's potential equal to the published level (every
            # description states why the next level fails, so the tool should block it there)
            "n_above_0": sum(r.published[model] > 0 for r in rows),
            "closed_exact_above_0": sum(
                r.closed_agrees(model) and r.published[model] > 0 for r in rows
            ),
            "unknown_potential_exact": sum(
                r.readings["unknown"][model].potential == r.published[model] for r in rows
            ),
        }
        for model in MODELS
    }


# --- describing requirements -------------------------------------------------------------------


def _statement_ids(graph: Graph, requirement: str) -> list[str]:
    """The published statements a requirement says it encodes, by their shortest name."""
    names = []
    for node in graph.objects(URIRef(requirement), CMLOPS.encodes):
        name = None
        for prop in (SKOS.notation, DCTERMS.identifier, RDFS.label):
            value = graph.value(node, prop)
            if value is not None:
                name = str(value)
                break
        names.append(name or local(node))
    return sorted(names)


def _mentioned(org: dict, item: str, oracle: Oracle) -> bool:
    answers = org.get("answers") or {}
    key = local(item)
    if key in answers:
        return True
    practice = oracle.criterion_practice.get(item)
    return practice is not None and local(practice) in answers


def describe_requirement(
    oracle: Oracle, graph: Graph, requirement: str, result: dict, org: dict
) -> str:
    q = oracle.requirements[requirement]
    parts = []
    for p in q.practices:
        status = result["practices"].get(p, {}).get("status", "?")
        seen = "answered" if _mentioned(org, p, oracle) else "unmentioned"
        parts.append(f"practice {local(p)} [{local(status)}, {seen}]")
    for c in q.criteria:
        state = result["criteria"].get(c, {}).get("state", "?")
        seen = "answered" if _mentioned(org, c, oracle) else "unmentioned"
        parts.append(f"criterion {local(c)} [{state}, {seen}]")
    either = " OR ".join(parts) if len(parts) > 1 else (parts[0] if parts else "nothing")
    cites = ", ".join(_statement_ids(graph, requirement)) or "no statement"
    return f"{local(requirement)}: {either}; encodes {cites}"


def _level_iri(oracle: Oracle, model: str, rank: int) -> str | None:
    for level in oracle.model_levels[MODELS[model]]:
        if oracle.level_rank[level] == rank:
            return level
    return None


def own_requirements(oracle: Oracle, model: str, rank: int) -> list[str]:
    """The requirements a level states itself (not those of the levels it builds on)."""
    level = _level_iri(oracle, model, rank)
    return sorted(q for q, rq in oracle.requirements.items() if rq.level == level)


def findings(rows: list[Row], oracle: Oracle, graph: Graph) -> list[dict]:
    """One finding per organisation, model and reading where the tool disagrees."""
    out = []
    for row in rows:
        for model in MODELS:
            published = row.published[model]
            for reading in READINGS:
                r = row.readings[reading][model]
                if reading == "closed":
                    wrong = r.level != published
                else:
                    wrong = not r.level <= published <= r.potential
                if not wrong:
                    continue
                lines = []
                if r.level < published:
                    # the encoding asks more than the published level: the requirements of the
                    # levels above the tool's answer, up to the published one, that are not met
                    # (closed) or not even possible (unknown)
                    first = r.level + 1 if reading == "closed" else r.potential + 1
                    for rank in range(first, published + 1):
                        for q in own_requirements(oracle, model, rank):
                            if not _met(oracle, q, r.result, reading):
                                lines.append(
                                    f"level {rank} needs "
                                    + describe_requirement(oracle, graph, q, r.result, row.org)
                                )
                    kind = "encoding asks beyond the published level"
                else:
                    # the encoding grants more than the published level: what it accepted for
                    # the first level the published definitions deny
                    for q in own_requirements(oracle, model, published + 1):
                        lines.append(
                            f"level {published + 1} accepted "
                            + describe_requirement(oracle, graph, q, r.result, row.org)
                        )
                    kind = "encoding grants more than the published level"
                fails = (row.org.get("justification") or {}).get(model, {}).get("fails_next", [])
                out.append(
                    {
                        "organisation": row.name,
                        "model": model,
                        "reading": reading,
                        "published": published,
                        "tool": (r.level, r.potential),
                        "kind": kind,
                        "published_fails_next": fails,
                        "missing_for_next": [local(q) for q in r.missing_for_next],
                        "requirements": lines,
                    }
                )
    return out


def latent_findings(rows: list[Row], oracle: Oracle, graph: Graph) -> list[dict]:
    """Unknown reading: potential above the published level (a next-level failure the
    encoding does not see), with that level's own requirements and their states."""
    out = []
    for row in rows:
        for model in MODELS:
            r = row.readings["unknown"][model]
            published = row.published[model]
            if r.potential <= published:
                continue
            lines = [
                f"level {published + 1} "
                + ("possible " if _met(oracle, q, r.result, "unknown") else "blocked ")
                + describe_requirement(oracle, graph, q, r.result, row.org)
                for q in own_requirements(oracle, model, published + 1)
            ]
            fails = (row.org.get("justification") or {}).get(model, {}).get("fails_next", [])
            out.append(
                {
                    "organisation": row.name,
                    "model": model,
                    "published": published,
                    "potential": r.potential,
                    "published_fails_next": fails,
                    "requirements": lines,
                }
            )
    return out


def _met(oracle: Oracle, requirement: str, result: dict, reading: str) -> bool:
    """Met (closed) or possible (unknown) - the sense in which the reading is judged."""
    q = oracle.requirements[requirement]
    key = "satisfied" if reading == "closed" else "possible"
    for p in q.practices:
        po = result["practices"].get(p)
        if po and (po[key] or po["excluded"]):
            return True
    for c in q.criteria:
        co = result["criteria"].get(c)
        if co is None:
            continue
        if co["state"] in ("met", "excluded") or (reading == "unknown" and co["possible"]):
            return True
    return False


# --- output ------------------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    head = (
        f"{'organisation':<26} {'G pub':>5} {'G closed':>8} {'G unknown':>9} {'ok':>5}   "
        f"{'A pub':>5} {'A closed':>8} {'A unknown':>9} {'ok':>5}"
    )
    lines = [head, "-" * len(head)]
    for row in rows:
        cells = []
        for model in MODELS:
            c = row.readings["closed"][model]
            u = row.readings["unknown"][model]
            ok = ("=" if row.closed_agrees(model) else "x") + (
                "in" if row.unknown_contains(model) else "out"
            )
            cells.append(
                f"{row.published[model]:>5} {c.level:>8} {f'{u.level}-{u.potential}':>9} {ok:>5}"
            )
        lines.append(f"{row.name:<26} " + "   ".join(cells))
    lines.append("")
    lines.append("ok: '=' closed level equals the published one, 'x' it does not; 'in'/'out':")
    lines.append("the published level is / is not within the unknown reading's proven-potential.")
    return "\n".join(lines)


def engine_check(rows: list[Row]) -> list[str]:
    """The SPARQL engine (queries/, through tests/engine_adapter.py) on the same profiles: its
    Google and Azure results must equal the oracle's."""
    from engine_adapter import engine_factory

    files = sorted(Path(p) for p in glob.glob(str(ROOT / "ontology" / "*.ttl")))
    engine = engine_factory(files)
    problems = []
    for row in rows:
        for reading in READINGS:
            text = profile_path(row.name, reading).read_text(encoding="utf-8")
            got = engine(text, None)["external"]
            for model, iri in MODELS.items():
                r = row.readings[reading][model]
                want = {
                    "level": r.level,
                    "potential": r.potential,
                    "missing_for_next": r.missing_for_next,
                }
                if got.get(iri) != want:
                    problems.append(f"{row.name} {reading} {model}: engine {got.get(iri)}")
    return problems


def main(argv: list[str]) -> int:
    graph = ontology_graph()
    oracle = Oracle(graph)
    rows = measure(oracle)
    print(table(rows))
    print()
    for model, t in totals(rows).items():
        print(
            f"{model:<7} closed reading exact agreement {t['closed_exact']}/{t['n']}"
            f" ({100 * t['closed_exact'] / t['n']:.0f}%); unknown reading contains the"
            f" published level {t['unknown_contains']}/{t['n']}"
            f" ({100 * t['unknown_contains'] / t['n']:.0f}%)"
        )
        print(
            f"{'':<7} above level 0: closed exact {t['closed_exact_above_0']}/{t['n_above_0']};"
            f" unknown-reading potential equals the published level"
            f" {t['unknown_potential_exact']}/{t['n']}"
        )
    print()
    latent = latent_findings(rows, oracle, graph)
    print(f"Potential above the published level ({len(latent)}): the description states why")
    print("the next level fails, yet none of that level's requirements is contradicted")
    for f in latent:
        print(
            f"\n* {f['organisation']} / {f['model']}: published {f['published']}, "
            f"potential {f['potential']}"
        )
        print(f"    published next level fails on: {', '.join(f['published_fails_next'])}")
        for line in f["requirements"]:
            print(f"    - {line}")
    print()
    found = findings(rows, oracle, graph)
    print(f"Findings ({len(found)}): what decides each disagreement")
    for f in found:
        lo, hi = f["tool"]
        tool = str(lo) if f["reading"] == "closed" else f"{lo}-{hi}"
        print(
            f"\n* {f['organisation']} / {f['model']} / {f['reading']} reading: published "
            f"{f['published']}, tool {tool} - {f['kind']}"
        )
        if f["published_fails_next"]:
            print(f"    published next level fails on: {', '.join(f['published_fails_next'])}")
        print(
            f"    tool's missing_for_next (level {lo + 1}): "
            + (", ".join(f["missing_for_next"]) or "none")
        )
        for line in f["requirements"]:
            print(f"    - {line}")
    if "--engine" in argv:
        problems = engine_check(rows)
        print("\nengine vs oracle:", "agree" if not problems else "; ".join(problems))
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
