"""The SPARQL engine seen through the oracle's result format (tests/oracle.py), so that the same
hand-derived expectations and the same generated profiles check both implementations.

The derived index and the result queries of queries/ run on a raw pyoxigraph store; the
inference strata run through the engine's own update request (cmlops_kg.store.inference), so a
difference in how parameters are bound (substitution versus a VALUES block) cannot hide here.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from cmlops_kg.store.inference import inferred_graph, materialise_update

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
NS = "https://w3id.org/cmlops#"
ONTOLOGY_GRAPH = "https://w3id.org/cmlops/graph/ontology"


def _query(name: str) -> str:
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def _value(term: object) -> object:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else ""
        if dt.endswith("#integer"):
            return int(term.value)
        if dt.endswith(("#decimal", "#double", "#float")):
            return float(term.value)
        if dt.endswith("#boolean"):
            return term.value == "true"
        return term.value
    return term.value


class SparqlEngine:
    def __init__(self, ontology_files: Iterable[Path]) -> None:
        self.store = ox.Store()
        graph = ox.NamedNode(ONTOLOGY_GRAPH)
        for path in ontology_files:
            self.store.extend(
                ox.Quad(t.subject, t.predicate, t.object, graph)
                for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
            )
        # the derived index (queries/prepare) is computed once per ontology, as the engine does
        for prepare in sorted(glob.glob(str(QUERIES / "prepare/*.rq"))):
            derived = list(self.store.query(Path(prepare).read_text(), default_graph=graph))
            self.store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in derived)
        self.n = 0

    def _rows(self, name: str, assessment: str | None, dataset: list) -> list[dict]:
        subs = {ox.Variable("assessment"): ox.NamedNode(assessment)} if assessment else {}
        result = self.store.query(
            _query(name), default_graph=dataset, named_graphs=dataset, substitutions=subs
        )
        names = [v.value for v in result.variables]
        return [{n: _value(s[n]) for n in names} for s in result]

    def assess(self, text: str, assessment: str | None = None) -> dict:
        self.n += 1
        profile = f"urn:test:profile:{self.n}"
        inferred = inferred_graph(profile)
        node = ox.NamedNode(profile)
        self.store.extend(
            ox.Quad(t.subject, t.predicate, t.object, node)
            for t in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)
        )
        dataset = [ox.NamedNode(g) for g in (ONTOLOGY_GRAPH, profile, inferred)]
        try:
            if assessment is None:
                rows = self._rows("assessments", None, dataset)
                if not rows:
                    raise ValueError("no assessment")
                assessment = rows[0]["assessment"]
            # every assessment of the profile is materialised by the engine's own update request
            # (parameters bound the way the stores bind them), not by a re-implementation
            everyone = [r["assessment"] for r in self._rows("assessments", None, dataset)]
            self.store.update(materialise_update(profile, everyone))
            return self._result(assessment, dataset)
        finally:
            self.store.remove_graph(node)
            if self.store.contains_named_graph(ox.NamedNode(inferred)):
                self.store.remove_graph(ox.NamedNode(inferred))

    def _result(self, a: str, ds: list) -> dict:
        org = [r for r in self._rows("assessments", None, ds) if r["assessment"] == a]
        criteria = {}
        for r in self._rows("criterion_status", a, ds):
            if r["criterion"] == r["practice"]:
                continue
            reason = r["reason"] or None
            if reason:
                reason = " ".join(sorted(set(reason.split("\n"))))
            criteria[r["criterion"]] = {
                "state": r["state"],
                "possible": r["state"] in ("met", "unknown"),
                "points": round(r["points"], 3),
                "reason": reason,
            }
        practices = {
            r["practice"]: {
                "satisfied": r["satisfied"],
                "possible": r["possible"],
                "excluded": r["excluded"],
                "status": r["status"].rsplit("status-", 1)[-1],
                "points": round(r["points"], 3),
            }
            for r in self._rows("practice_status", a, ds)
        }
        dimensions = {
            r["dimension"]: {
                "level": r["level"],
                "potential": r["potential"],
                "score": round(r["score"], 3),
                "max_score": float(r["maxScore"]),
                "implemented": r["implemented"],
                "applicable": r["applicable"],
                "unknown": r["unknown"],
            }
            for r in self._rows("dimension_levels", a, ds)
        }
        readiness_rows = self._rows("overall_level", a, ds)
        if readiness_rows:
            rr = readiness_rows[0]
            limiting = sorted(rr["limitingDimensions"].split())
            readiness = {
                "level": rr["level"],
                "potential": rr["potential"],
                "limiting": limiting,
                "lopsided": rr["highest"] - rr["level"] >= 2,
            }
        else:
            readiness = {"level": 4, "potential": 4, "limiting": [], "lopsided": False}
        gaps = sorted(
            [r["dimension"], r["practice"], r["status"].rsplit("status-", 1)[-1]]
            for r in self._rows("gaps", a, ds)
        )
        external = {}
        for r in self._rows("external_levels", a, ds):
            external[r["model"]] = {
                "level": r["level"],
                "potential": r["potential"],
                "missing_for_next": [],
            }
        for r in self._rows("external_level_gaps", a, ds):
            missing = external[r["model"]]["missing_for_next"]
            if r["requirement"] not in missing:
                missing.append(r["requirement"])
        for info in external.values():
            info["missing_for_next"].sort()
        opens = [
            {"practice": r["practice"], "blocks_readiness": r["blocksReadiness"]}
            for r in self._rows("open_questions", a, ds)
        ]
        reasons: dict[str, set[str]] = {}
        for r in self._rows("roadmap_reasons", a, ds):
            kind = r["kind"]
            if kind == "readiness":
                text = f"readiness:{r['level']}"
            elif kind in ("dimension", "target"):
                text = f"{kind}:{r['dimension']}:{r['level']}"
            elif kind == "external":
                text = f"external:{r['model']}:{r['level']}"
            elif kind == "obligation":
                text = f"obligation:{r['obligation']}"
            else:
                text = f"prerequisite:{r['forPractice']}"
            reasons.setdefault(r["practice"], set()).add(text)
        roadmap = [
            {
                "practice": r["practice"],
                "phase": r["phase"],
                "reasons": sorted(reasons.get(r["practice"], ())),
                "pending": r["pendingPrerequisites"],
                "unblocks": r["unblocks"],
            }
            for r in self._rows("roadmap", a, ds)
        ]
        interfaces = {r["failureMode"]: r["status"] for r in self._rows("interface_guards", a, ds)}
        target = self._target_levels(a, ds)
        obligations = {r["obligation"]: r["status"] for r in self._rows("obligations", a, ds)}
        return {
            "assessment": a,
            "organisation": org[0]["organisation"] if org else "",
            "criteria": criteria,
            "practices": practices,
            "dimensions": dimensions,
            "readiness": readiness,
            "gaps": gaps,
            "external": external,
            "open_questions": opens,
            "roadmap": roadmap,
            "interfaces": interfaces,
            "target": target,
            "obligations": obligations,
        }

    def _target_levels(self, a: str, ds: list) -> dict | None:
        """The target profile's levels, read straight from the data (the oracle reports every
        target level, also of dimensions without practices)."""
        q = (
            "PREFIX c: <https://w3id.org/cmlops#> SELECT ?a ?t ?d ?r WHERE { ?a c:target ?t . "
            "OPTIONAL { ?t c:hasTargetLevel ?l . ?l c:ofDimension ?d ; c:levelRank ?r } }"
        )
        rows = list(
            self.store.query(q, default_graph=ds, substitutions={ox.Variable("a"): ox.NamedNode(a)})
        )
        if not rows:
            return None
        levels: dict = {}
        for row in rows:
            if row["d"] is not None:
                d, r = row["d"].value, int(row["r"].value)
                levels[d] = max(r, levels.get(d, r))
        return levels


def engine_factory(files: Iterable[Path]):
    engine = SparqlEngine(list(files))
    return engine.assess
