"""The assessment engine: a profile in, validated and explained levels, gaps and a roadmap out.

All inference is SPARQL from the query library (``queries/infer`` materialises, the other
queries read); this module only selects the organisation and assessment, runs the queries on
whichever :class:`~cmlops_kg.store.base.GraphStore` it is given, and shapes the rows into the
documented result (:mod:`cmlops_kg.assessment.result`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from cmlops_kg.assessment.result import (
    AssessmentResult,
    DimensionLevel,
    ExternalLevel,
    Gap,
    HistoryPoint,
    Outcome,
    RoadmapItem,
    Source,
)
from cmlops_kg.errors import SelectionError
from cmlops_kg.rdf.profiles import Profile, ProfileSource, as_profile
from cmlops_kg.store.base import GraphStore
from cmlops_kg.store.embedded import EmbeddedStore


def profile_graph_name(profile: Profile) -> str:
    digest = hashlib.sha256(profile.name.encode("utf-8")).hexdigest()[:16]
    return f"urn:cmlops:profile:{digest}"


class Assessor:
    """Assesses profiles against the ontology held by a store (loaded once)."""

    def __init__(self, store: GraphStore | None = None) -> None:
        self.store = store or EmbeddedStore()
        if store is None:
            self.store.load_ontology()

    # -- loading -------------------------------------------------------------------------
    def load(self, profile: ProfileSource, graph: str | None = None) -> str:
        """Load a profile (or a graph, see :func:`~cmlops_kg.rdf.profiles.as_profile`) into
        its own named graph and materialise its results."""
        profile = as_profile(profile)
        graph = graph or profile_graph_name(profile)
        self.store.replace_graph(graph, profile.triples)
        self.store.materialise(graph, profile.assessment_iris())
        return graph

    # -- selection -----------------------------------------------------------------------
    def choose_assessment(
        self, organisation: str | None = None, assessment: str | None = None
    ) -> dict:
        rows = self.store.select("assessments")
        if assessment:
            chosen = [r for r in rows if str(r["assessment"]) == assessment]
            if not chosen:
                raise SelectionError(
                    f"no assessment {assessment}",
                    fix="run 'cmlops-kg query assessments --data FILE' to list them",
                )
            return chosen[0]
        orgs = sorted({str(r["organisation"]) for r in rows})
        if not orgs:
            raise SelectionError(
                "the profile holds no assessment of any organisation",
                fix="add '<assessment> a cmlops:Assessment ; cmlops:assesses <organisation>' "
                "with its evidence, or generate a profile with 'cmlops-kg import'",
            )
        if organisation is None:
            if len(orgs) > 1:
                raise SelectionError(
                    f"the profile describes {len(orgs)} organisations: {', '.join(orgs)}",
                    fix="choose one with --org IRI",
                )
            organisation = orgs[0]
        mine = [r for r in rows if str(r["organisation"]) == organisation]
        if not mine:
            raise SelectionError(
                f"no assessment of organisation {organisation}",
                fix=f"the profile assesses: {', '.join(orgs)}",
            )
        # rows are newest first; the latest assessment is the one reported
        return mine[0]

    # -- results -------------------------------------------------------------------------
    def result(
        self,
        organisation: str | None = None,
        assessment: str | None = None,
        year: int | None = None,
        summary: bool = False,
    ) -> AssessmentResult:
        """The documented result; ``summary``: levels, external levels (without what is
        missing for their next level) and gaps only -- the roadmap query alone costs more than
        all of those together."""
        row = self.choose_assessment(organisation, assessment)
        iri = str(row["assessment"])
        params = {"assessment": iri}
        overall = self.overall(iri)
        return AssessmentResult(
            organisation=str(row["organisation"]),
            label=str(row["organisationLabel"] or row["organisation"]),
            assessment=iri,
            date=_date(row["date"]),
            method=str(row["methodLabel"]) if row["methodLabel"] else None,
            overall_level=int(overall["level"]),
            overall_label=str(overall["levelLabel"]),
            limiting_dimensions=sorted(str(overall["limitingDimensions"]).split("; ")),
            dimensions=self.dimensions(iri),
            external_levels=self._external(params, missing=not summary),
            gaps=self.gaps(iri),
            roadmap=[] if summary else self.roadmap(iri),
            history=[] if summary else self.history(str(row["organisation"])),
            outcomes=[] if summary else self.outcomes(iri, year),
            practices=[] if summary else self.store.select("practice_status", params),
        )

    # -- one method per question of the query library --------------------------------------
    def overall(self, assessment: str) -> dict:
        rows = self.store.select("overall_level", {"assessment": assessment})
        if not rows:
            raise SelectionError(
                f"no results for assessment {assessment}",
                fix="the ontology may be missing; run 'cmlops-kg check'",
            )
        return rows[0]

    def dimensions(self, assessment: str) -> list[DimensionLevel]:
        return [
            DimensionLevel(
                iri=str(r["dimension"]),
                label=str(r["label"]),
                notation=str(r["notation"]) if r["notation"] is not None else None,
                level=int(r["level"]),
                level_label=str(r["levelLabel"]),
                score=float(r["score"]),
                max_score=float(r["maxScore"]),
                percent=float(r["percent"]),
                implemented=int(r["implemented"]),
                applicable=int(r["applicable"]),
            )
            for r in self.store.select("dimension_levels", {"assessment": assessment})
        ]

    def gaps(self, assessment: str) -> list[Gap]:
        return [
            Gap(
                dimension=str(r["dimension"]),
                dimension_label=str(r["dimensionLabel"]),
                current_level=int(r["currentLevel"]),
                next_level=int(r["nextLevel"]),
                practice=str(r["practice"]),
                label=str(r["practiceLabel"]),
                status=str(r["statusLabel"]),
            )
            for r in self.store.select("gaps", {"assessment": assessment})
        ]

    def roadmap(self, assessment: str) -> list[RoadmapItem]:
        return [
            RoadmapItem(
                position=i + 1,
                practice=str(r["practice"]),
                label=str(r["label"]),
                dimension=str(r["dimension"]),
                dimension_label=str(r["dimensionLabel"]),
                level=int(r["level"]),
                pending_prerequisites=int(r["pendingPrerequisites"]),
                unblocks=int(r["unblocks"]),
                why=_sentences(str(r["why"])),
                sources=_sources(str(r["sources"] or "")),
            )
            for i, r in enumerate(self.store.select("roadmap", {"assessment": assessment}))
        ]

    def _external(self, params: dict, missing: bool = True) -> dict[str, ExternalLevel]:
        rows = self.store.select("external_level_gaps", params) if missing else []
        missing_for: dict[tuple[str, int], list[str]] = {}
        for r in rows:
            missing_for.setdefault((str(r["model"]), int(r["level"])), []).append(
                str(r["practiceLabel"])
            )
        found = {}
        for r in self.store.select("external_levels", params):
            model = str(r["model"])
            key = model.rsplit("#", 1)[-1].removesuffix("-mlops")
            level = int(r["level"])
            found[key] = ExternalLevel(
                model=model,
                model_label=str(r["modelLabel"]),
                level=level,
                level_iri=str(r["levelIri"]),
                label=str(r["levelLabel"]),
                missing_for_next=sorted(missing_for.get((model, level + 1), [])),
            )
        return found

    def outcomes(self, assessment: str, year: int | None = None) -> list[Outcome]:
        """Metric observations with their DORA cluster (``year``: survey year, default newest)."""
        rows = self.store.select("outcomes", {"assessment": assessment, "year": year})
        return [
            Outcome(
                metric=str(r["metric"]),
                label=str(r["metricLabel"]),
                value=float(r["value"]),
                unit=str(r["unitNotation"]),
                canonical_value=round(float(r["canonicalValue"]), 6),
                canonical_unit=str(r["canonicalNotation"]),
                higher_is_better=r["higherIsBetter"] if r["higherIsBetter"] is not None else None,
                period_start=_date(r["periodStart"]),
                period_end=_date(r["periodEnd"]),
                benchmark_year=int(r["benchmarkYear"]) if r["benchmarkYear"] is not None else None,
                cluster=str(r["cluster"]) if r["cluster"] is not None else None,
                cluster_label=str(r["clusterLabel"]) if r["clusterLabel"] is not None else None,
            )
            for r in rows
        ]

    def history(self, organisation: str) -> list[HistoryPoint]:
        points: dict[str, HistoryPoint] = {}
        for r in self.store.select("history", {"organisation": organisation}):
            key = str(r["assessment"])
            point = points.setdefault(
                key, HistoryPoint(key, _date(r["date"]), int(r["overallLevel"]), {})
            )
            point.dimensions[str(r["dimensionLabel"])] = int(r["level"])
        return sorted(points.values(), key=lambda p: (p.date or "", p.assessment))


def _date(value: object) -> str | None:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if value else None


def _sentences(text: str) -> str:
    """The roadmap's reasons in a fixed order (SPARQL leaves GROUP_CONCAT order open):
    what the practice is a prerequisite of first, then the level it is required for."""
    parts = [p.strip() + "." for p in text.split(". ") if p.strip(" .")]
    parts = [p.replace("..", ".") for p in parts]
    return " ".join(sorted(set(parts), key=lambda p: (not p.startswith("Prerequisite"), p)))


_SOURCE_REF = re.compile(r"^(.*?)(?: <([^>]*)>)?$")


def _sources(refs: str) -> list[Source]:
    """Parse the roadmap query's "Label <URL>; Label <URL>" list."""
    out = []
    for ref in filter(None, refs.split("; ")):
        match = _SOURCE_REF.match(ref)
        out.append(Source(match.group(1), match.group(2)) if match else Source(ref, None))
    return sorted(out, key=lambda s: s.label)
