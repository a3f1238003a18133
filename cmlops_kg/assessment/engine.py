"""The assessment engine: a profile in, validated and explained levels, gaps and a roadmap out.

All inference is SPARQL from the query library (``queries/infer`` materialises, the other
queries read); this module only selects the organisation and assessment, runs the queries on
whichever :class:`~cmlops_kg.store.base.GraphStore` it is given, and shapes the rows into the
documented result (:mod:`cmlops_kg.assessment.result`). The semantics are
docs/maturity-model.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from collections.abc import Iterable

from cmlops_kg.assessment.result import (
    TOP_LEVEL,
    AssessmentResult,
    ContextValue,
    DimensionLevel,
    ExternalLevel,
    FailureModeStatus,
    Gap,
    HistoryPoint,
    InterfaceReport,
    MissingRequirement,
    ObligationStatus,
    OpenQuestion,
    Outcome,
    Readiness,
    Reason,
    RoadmapItem,
    RoadmapPhase,
    Source,
    Target,
)
from cmlops_kg.errors import InputError, SelectionError
from cmlops_kg.rdf.ontology import without_ontology_terms
from cmlops_kg.rdf.profiles import Profile, ProfileSource, as_profile
from cmlops_kg.sparql.library import QueryFile, get_query, inference_strata
from cmlops_kg.store.base import GraphStore
from cmlops_kg.store.embedded import EmbeddedStore

LOPSIDED_SPREAD = 2
# every library query an Assessor runs (besides the inference strata): a private store is
# given only the ontology triples these can match (EmbeddedStore.load_ontology(answering=...))
# and refuses any other, so a query added below must be added here too
RESULT_QUERIES = (
    "assessments",
    "assessment_context",
    "criterion_status",
    "dimension_levels",
    "external_level_gaps",
    "external_levels",
    "gaps",
    "history",
    "interface_guards",
    "obligations",
    "open_questions",
    "outcomes",
    "overall_level",
    "practice_status",
    "roadmap",
    "roadmap_reasons",
)


def assessment_queries() -> list[QueryFile]:
    """The queries that load a profile and read its result: the strata, then the others."""
    return [*inference_strata(), *(get_query(name) for name in RESULT_QUERIES)]


def profile_graph_name(profile: Profile) -> str:
    digest = hashlib.sha256(profile.name.encode("utf-8")).hexdigest()[:16]
    return f"urn:cmlops:profile:{digest}"


def _local(iri: object) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _status_key(iri: object) -> str:
    return _local(iri).removeprefix("status-")


class Assessor:
    """Assesses profiles against the ontology held by a store (loaded once)."""

    def __init__(self, store: GraphStore | None = None) -> None:
        self.store = store or EmbeddedStore()
        self._local = threading.local()
        if store is None:
            self.store.load_ontology()

    # -- loading -------------------------------------------------------------------------
    def load(self, profile: ProfileSource, graph: str | None = None) -> str:
        """Load a profile (or a graph, see :func:`~cmlops_kg.rdf.profiles.as_profile`) into
        its own named graph and materialise its results."""
        profile = as_profile(profile)
        graph = self._replace(profile, graph)
        self.store.materialise(graph, profile.assessment_iris())
        return graph

    def load_to_report(
        self, profile: ProfileSource, organisation: str | None = None, assessment: str | None = None
    ) -> str:
        """:meth:`load` into a private embedded store that will answer :meth:`result` for this
        selection only: the reported assessment gets every stratum, the others only the ones
        that derive their levels (all its history reads of them). Any other store: :meth:`load`."""
        profile = as_profile(profile)
        if not isinstance(self.store, EmbeddedStore):
            return self.load(profile)
        graph = self._replace(profile, None)
        try:
            chosen = str(self.choose_assessment(organisation, assessment)["assessment"])
        except SelectionError:  # reported by result(), after a complete load as before
            self.store.materialise(graph, profile.assessment_iris())
            return graph
        self.store.materialise(graph, profile.assessment_iris(), complete={chosen})
        return graph

    def _replace(self, profile: Profile, graph: str | None) -> str:
        graph = graph or profile_graph_name(profile)
        # a profile cannot change the ontology, even unvalidated: every query that reads the
        # ontology sees the profile's graph too (validation reports these statements)
        self.store.replace_graph(graph, without_ontology_terms(profile.triples))
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
        missing for their next level) and gaps only, for portfolios of many teams."""
        row = self.choose_assessment(organisation, assessment)
        iri = str(row["assessment"])
        self._local.memo = {}  # several parts read the same rows (criterion_status: three)
        try:
            return self._result(row, iri, year, summary)
        finally:
            self._local.memo = None

    def _result(self, row: dict, iri: str, year: int | None, summary: bool) -> AssessmentResult:
        dimensions = self.dimensions(iri)
        readiness = self.readiness(iri, dimensions)
        external = self.external(iri, missing=not summary)
        context, target = ([], None) if summary else self.context(iri)
        outcomes = [] if summary else self.outcomes(iri, year)
        return AssessmentResult(
            organisation=str(row["organisation"]),
            label=str(row["organisationLabel"] or row["organisation"]),
            assessment=iri,
            date=_date(row["date"]),
            method=str(row["methodLabel"]) if row["methodLabel"] else None,
            readiness=readiness,
            dimensions=dimensions,
            external_levels=external,
            gaps=self.gaps(iri),
            open_questions=[] if summary else self.open_questions(iri),
            roadmap=[] if summary else self.roadmap(iri, readiness, external, target),
            interfaces=[] if summary else self.interfaces(iri),
            context=context,
            target=target,
            obligations=[] if summary else self.obligations(iri),
            history=[] if summary else self.history(str(row["organisation"])),
            outcomes=outcomes,
            benchmark_year=_benchmark_year(outcomes),
            practices=[] if summary else self._select("practice_status", iri),
            criteria=[] if summary else list(self._select("criterion_status", iri)),
        )

    def _select(self, name: str, assessment: str) -> list[dict]:
        """A query's rows for one assessment; while a result is built, each query runs once
        (the memo is per thread: an Assessor may serve several app sessions)."""
        memo = getattr(self._local, "memo", None)
        if memo is None:
            return self.store.select(name, {"assessment": assessment})
        key = (name, assessment)
        if key not in memo:
            memo[key] = self.store.select(name, {"assessment": assessment})
        return memo[key]

    # -- one method per question of the query library --------------------------------------
    def dimensions(self, assessment: str) -> list[DimensionLevel]:
        rows = self._select("dimension_levels", assessment)
        if not rows:
            raise SelectionError(
                f"no results for assessment {assessment}",
                fix="the ontology may be missing; run 'cmlops-kg check'",
            )
        return [
            DimensionLevel(
                iri=str(r["dimension"]),
                label=str(r["label"]),
                notation=str(r["notation"]) if r["notation"] is not None else None,
                level=int(r["level"]),
                level_label=str(r["levelLabel"]),
                potential=int(r["potential"]),
                potential_label=str(r["potentialLabel"]),
                target=int(r["target"]) if r["target"] is not None else None,
                score=float(r["score"]),
                max_score=float(r["maxScore"]),
                percent=float(r["percent"]),
                implemented=int(r["implemented"]),
                applicable=int(r["applicable"]),
                unknown=int(r["unknown"]),
            )
            for r in rows
        ]

    def readiness(self, assessment: str, dimensions: list[DimensionLevel]) -> Readiness:
        rows = self._select("overall_level", assessment)
        if not rows:
            raise SelectionError(
                f"no results for assessment {assessment}",
                fix="the ontology may be missing; run 'cmlops-kg check'",
            )
        r = rows[0]
        limiting_iris = sorted(str(r["limitingDimensions"] or "").split())
        labels = {d.iri: d.label for d in dimensions}
        limiting = [labels.get(i, _local(i)) for i in limiting_iris]
        level, highest = int(r["level"]), int(r["highest"])
        lopsided = highest - level >= LOPSIDED_SPREAD
        return Readiness(
            level=level,
            label=str(r["levelLabel"]),
            potential=int(r["potential"]),
            potential_label=str(r["potentialLabel"]),
            limiting_dimensions=limiting,
            limiting_iris=limiting_iris,
            highest=highest,
            lopsided=lopsided,
            summary=readiness_summary(
                level, str(r["levelLabel"]), int(r["potential"]), limiting, dimensions, lopsided
            ),
        )

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
                status_key=_status_key(r["status"]),
            )
            for r in self._select("gaps", assessment)
        ]

    def external(self, assessment: str, missing: bool = True) -> dict[str, ExternalLevel]:
        gaps: dict[str, list[MissingRequirement]] = {}
        for r in self._select("external_level_gaps", assessment) if missing else []:
            gaps.setdefault(str(r["model"]), []).append(_missing(r))
        found = {}
        for r in self._select("external_levels", assessment):
            model = str(r["model"])
            key = _local(model).removesuffix("-mlops")
            found[key] = ExternalLevel(
                model=model,
                model_label=str(r["modelLabel"]),
                notation=str(r["modelNotation"]) if r["modelNotation"] else None,
                level=int(r["level"]),
                level_iri=str(r["levelIri"]),
                label=str(r["levelLabel"]),
                potential=int(r["potential"]),
                potential_label=str(r["potentialLabel"]),
                next_level=int(r["level"]) + 1 if r["nextLevel"] is not None else None,
                next_label=str(r["nextLabel"]) if r["nextLabel"] is not None else None,
                missing_for_next=_dedupe_missing(gaps.get(model, [])),
            )
        return found

    def open_questions(self, assessment: str) -> list[OpenQuestion]:
        unknown: dict[str, list[str]] = {}
        for r in self._select("criterion_status", assessment):
            if (
                r["state"] == "unknown"
                and r["required"]
                and str(r["criterion"]) != str(r["practice"])
            ):
                unknown.setdefault(str(r["practice"]), []).append(str(r["label"]))
        return [
            OpenQuestion(
                practice=str(r["practice"]),
                label=str(r["label"]),
                dimension=str(r["dimension"]),
                dimension_label=str(r["dimensionLabel"]),
                level=int(r["level"]),
                blocks_readiness=bool(r["blocksReadiness"]),
                unknown_criteria=int(r["unknownCriteria"]),
                question=str(r["question"]) if r["question"] else None,
                criteria=unknown.get(str(r["practice"]), []),
            )
            for r in self._select("open_questions", assessment)
        ]

    def roadmap(
        self,
        assessment: str,
        readiness: Readiness,
        external: dict[str, ExternalLevel],
        target: Target | None,
    ) -> list[RoadmapPhase]:
        reasons: dict[str, list[Reason]] = {}
        for r in self._select("roadmap_reasons", assessment):
            reasons.setdefault(str(r["practice"]), []).append(_reason(r))
        not_met: dict[str, list[str]] = {}
        for r in self._select("criterion_status", assessment):
            if r["state"] in ("not-met", "unknown") and str(r["criterion"]) != str(r["practice"]):
                not_met.setdefault(str(r["practice"]), []).append(str(r["label"]))
        items = []
        for position, r in enumerate(self._select("roadmap", assessment), start=1):
            mine = sorted(
                reasons.get(str(r["practice"]), []),
                key=lambda x: (x.phase, _KIND_ORDER.get(x.kind, 9), x.text),
            )
            items.append(
                RoadmapItem(
                    position=position,
                    phase=int(r["phase"]),
                    practice=str(r["practice"]),
                    label=str(r["label"]),
                    dimension=str(r["dimension"]),
                    dimension_label=str(r["dimensionLabel"]),
                    level=int(r["level"]),
                    status=str(r["statusLabel"]),
                    status_key=_status_key(r["status"]),
                    pending_prerequisites=int(r["pendingPrerequisites"]),
                    unblocks=int(r["unblocks"]),
                    reasons=mine,
                    unlocks=_unlocks(mine),
                    why=_why(mine),
                    missing_criteria=not_met.get(str(r["practice"]), []),
                    sources=_sources(str(r["sources"] or "")),
                )
            )
        return _phases(items, readiness, external, target)

    def interfaces(self, assessment: str) -> list[InterfaceReport]:
        reports: dict[str, InterfaceReport] = {}
        for r in self._select("interface_guards", assessment):
            key = str(r["interface"])
            report = reports.setdefault(
                key,
                InterfaceReport(
                    key, str(r["interfaceLabel"]), str(r["fromPipeline"]), str(r["toPipeline"]), []
                ),
            )
            report.failure_modes.append(
                FailureModeStatus(
                    failure_mode=str(r["failureMode"]),
                    label=str(r["failureModeLabel"]),
                    status=str(r["status"]),
                    status_label=str(r["statusLabel"]),
                    guards_in_place=_split(r["guardsInPlace"]),
                    missing_guards=_split(r["missingGuards"]),
                )
            )
        return list(reports.values())

    def obligations(self, assessment: str) -> list[ObligationStatus]:
        return [
            ObligationStatus(
                obligation=str(r["obligation"]),
                label=str(r["label"]),
                reference=str(r["reference"]) if r["reference"] else None,
                role=str(r["role"]) if r["role"] else None,
                applicable_from=_date(r["from"]),
                status=str(r["status"]),
                missing=_split(r["missing"]),
                source=Source(
                    str(r["sourceLabel"]), str(r["sourceUrl"]) if r["sourceUrl"] else None
                )
                if r["sourceLabel"]
                else None,
            )
            for r in self._select("obligations", assessment)
        ]

    def context(self, assessment: str) -> tuple[list[ContextValue], Target | None]:
        values, target, levels = [], None, {}
        for r in self._select("assessment_context", assessment):
            if r["kind"] == "context":
                values.append(
                    ContextValue(
                        str(r["factor"]), str(r["factorLabel"]), str(r["value"]), str(r["label"])
                    )
                )
            elif r["kind"] == "target":
                target = target or Target(str(r["value"]), str(r["label"]), levels)
                if r["dimension"] is not None:
                    dim = str(r["dimension"])
                    levels[dim] = max(int(r["level"]), levels.get(dim, 0))
        return values, target

    def outcomes(self, assessment: str, year: int | None = None) -> list[Outcome]:
        """Metric observations with their DORA cluster (``year``: survey year, default the
        newest year that publishes thresholds; one year for the whole assessment)."""
        rows = self.store.select("outcomes", {"assessment": assessment, "year": year})
        return [
            Outcome(
                metric=str(r["metric"]),
                label=str(r["metricLabel"]),
                value=_measured(r, "value"),
                unit=str(r["unitNotation"]),
                canonical_value=round(_measured(r, "canonicalValue"), 6),
                canonical_unit=str(r["canonicalNotation"]),
                higher_is_better=r["higherIsBetter"] if r["higherIsBetter"] is not None else None,
                period_start=_date(r["periodStart"]),
                period_end=_date(r["periodEnd"]),
                benchmark_year=int(r["benchmarkYear"]) if r["benchmarkYear"] is not None else None,
                cluster=str(r["cluster"]) if r["cluster"] is not None else None,
                cluster_label=str(r["clusterLabel"]) if r["clusterLabel"] is not None else None,
                unit_label=str(r["unitLabel"]) if r["unitLabel"] is not None else "",
            )
            for r in rows
        ]

    def history(self, organisation: str) -> list[HistoryPoint]:
        points: dict[str, HistoryPoint] = {}
        for r in self.store.select("history", {"organisation": organisation}):
            key = str(r["assessment"])
            point = points.setdefault(
                key,
                HistoryPoint(
                    key, _date(r["date"]), int(r["overallLevel"]), int(r["potentialLevel"]), {}
                ),
            )
            point.dimensions[str(r["dimensionLabel"])] = int(r["level"])
        return sorted(points.values(), key=lambda p: (p.date or "", p.assessment))


# -- words -------------------------------------------------------------------------------------
def readiness_summary(
    level: int,
    label: str,
    potential: int,
    limiting: list[str],
    dimensions: list[DimensionLevel],
    lopsided: bool,
) -> str:
    """The headline in words: the profile first when it is lopsided, never a bare label
    ("Monitoring and feedback 4, Delivery and deployment 0 — readiness 0, limited by ...")."""
    name = label.split(" - ", 1)[-1]
    upto = f", up to {potential} once the unknowns are answered" if potential > level else ""
    if len(limiting) == len(dimensions) > 1:
        return f"every dimension is at level {level} — readiness {level} ({name}){upto}"
    ahead = [d for d in dimensions if d.label not in limiting]
    if ahead and len(ahead) <= 2 < len(limiting):
        # most dimensions limit: name the few ahead rather than list the many behind
        others = _and([f"{d.label} ({d.level})" for d in ahead])
        readiness = f"readiness {level} ({name}), limited by every dimension except {others}"
        readiness += upto
    else:
        readiness = f"readiness {level} ({name}), limited by {_and(limiting)}{upto}"
    if lopsided:
        highest = max(dimensions, key=lambda d: d.level)
        lowest = next(d for d in dimensions if d.label in limiting)
        return f"{highest.label} {highest.level}, {lowest.label} {lowest.level} — {readiness}"
    return _capital(readiness)


def _and(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


_KIND_ORDER = {
    "obligation": 0,
    "readiness": 1,
    "dimension": 2,
    "external": 3,
    "target": 4,
    "prerequisite": 5,
}


def _reason(r: dict) -> Reason:
    kind = str(r["kind"])
    level = int(r["level"]) if r["level"] is not None else None
    texts = {
        "readiness": lambda: f"raises readiness to level {level}",
        "dimension": lambda: f"raises {r['dimensionLabel']} to level {level}",
        "external": lambda: f"needed for {r['modelNotation'] or r['modelLabel']} level {level}",
        "target": lambda: f"needed for the target {r['dimensionLabel']} level {level}",
        "prerequisite": lambda: f"prerequisite of {r['forPracticeLabel']}",
        "obligation": lambda: f"needed to meet {r['obligationLabel']}",
    }
    return Reason(
        kind=kind,
        phase=int(r["phase"]),
        text=texts.get(kind, lambda: kind)(),
        level=level,
        dimension=str(r["dimension"]) if r["dimension"] is not None else None,
        model=str(r["model"]) if r["model"] is not None else None,
        for_practice=str(r["forPractice"]) if r["forPractice"] is not None else None,
    )


def _unlocks(reasons: Iterable[Reason]) -> list[str]:
    return [
        r.text.removeprefix("raises ").removeprefix("needed for ")
        for r in reasons
        if r.kind != "prerequisite"
    ]


MAX_NAMED_DEPENDANTS = 3


def _why(reasons: list[Reason]) -> str:
    """Why an item is on the roadmap, in one or two sentences: what needs it first (a few
    named, the rest counted), then what it raises or is needed for."""
    dependants = sorted(
        {r.text.removeprefix("prerequisite of ") for r in reasons if r.kind == "prerequisite"}
    )
    others = [r.text for r in reasons if r.kind != "prerequisite"]
    parts = []
    if dependants:
        named = dependants[:MAX_NAMED_DEPENDANTS]
        more = len(dependants) - len(named)
        rest = f" and {more} more" if more else ""
        parts.append(f"Prerequisite of {_and(named) if not more else ', '.join(named)}{rest}.")
    if others:
        parts.append(_capital("; ".join(dict.fromkeys(others))) + ".")
    return " ".join(parts)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _phases(
    items: list[RoadmapItem],
    readiness: Readiness,
    external: dict[str, ExternalLevel],
    target: Target | None,
) -> list[RoadmapPhase]:
    """Group the ordered items into their phases, with titles a reader can act on."""
    by_number: dict[int, list[RoadmapItem]] = {}
    for item in items:
        by_number.setdefault(item.phase, []).append(item)
    models = sorted(external.values(), key=lambda e: e.model)
    titles = {0: "meet the obligations that apply"}
    if readiness.level < TOP_LEVEL:
        titles[1] = (
            f"reach readiness level {readiness.level + 1}: "
            f"raise {_and(readiness.limiting_dimensions)} to level {readiness.level + 1}"
        )
    titles[2] = "raise the other dimensions to their next level"
    for item in items:
        for reason in item.reasons:
            if reason.kind == "external" and reason.phase not in titles:
                model = next((m for m in models if m.model == reason.model), None)
                name = (model.notation or model.model_label) if model else "the external model"
                titles[reason.phase] = f"reach {name} level {reason.level}"
            if reason.kind == "target" and reason.phase not in titles:
                titles[reason.phase] = "reach the target profile" + (
                    f" ({target.label})" if target else ""
                )
    phases = []
    for shown, number in enumerate(sorted(by_number), start=1):
        title = titles.get(number, "further steps")
        phases.append(RoadmapPhase(number, f"Phase {shown} — {title}", by_number[number]))
    return phases


def _missing(r: dict) -> MissingRequirement:
    source = None
    if r["sourceLabel"] or r["sourceUrl"]:
        source = Source(str(r["sourceLabel"] or r["sourceUrl"]), str(r["sourceUrl"] or "") or None)
    return MissingRequirement(
        requirement=str(r["requirement"]),
        practice=str(r["practice"]),
        practice_label=str(r["practiceLabel"]),
        criterion=str(r["criterion"]) if r["criterion"] is not None else None,
        criterion_label=str(r["criterionLabel"]) if r["criterionLabel"] is not None else None,
        status="unknown" if r["possible"] else "missing",
        quote=str(r["quote"]) if r["quote"] is not None else None,
        section=str(r["section"]) if r["section"] is not None else None,
        source=source,
        reading_note=str(r["readingNote"]) if r["readingNote"] is not None else None,
    )


def _dedupe_missing(items: list[MissingRequirement]) -> list[MissingRequirement]:
    """One entry per requirement and item (a requirement encoding several statements comes
    back once per statement; the first by section and quote is kept, as the query orders them)."""
    seen: dict[tuple, MissingRequirement] = {}
    for item in items:
        seen.setdefault((item.requirement, item.practice, item.criterion), item)
    return sorted(seen.values(), key=lambda m: (m.practice_label, m.criterion_label or ""))


def _benchmark_year(outcomes: list[Outcome]) -> int | None:
    years = {o.benchmark_year for o in outcomes if o.benchmark_year is not None}
    return max(years) if years else None


def _split(text: object) -> list[str]:
    return sorted({p for p in str(text or "").split("; ") if p})


def _date(value: object) -> str | None:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if value else None


_SOURCE_REF = re.compile(r"^(.*?)(?: <([^>]*)>)?$")


def _sources(refs: str) -> list[Source]:
    """Parse the roadmap query's "Label <URL>; Label <URL>" list."""
    out = []
    for ref in filter(None, refs.split("; ")):
        match = _SOURCE_REF.match(ref)
        out.append(Source(match.group(1), match.group(2)) if match else Source(ref, None))
    return sorted(out, key=lambda s: s.label)


def _measured(row: dict, column: str) -> float:
    """A metric observation's number; a value that is not one (which validation reports, so
    only a profile loaded without it gets here) is an input error, not a crash."""
    try:
        return float(row[column])  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(
            f"the metric observation's value {str(row.get('value'))!r} is not a number",
            where=str(row.get("observation") or row.get("metric")),
            fix="write dqv:value as a number in the unit given by cmlops:unit (e.g. 2.0 with "
            "cmlops:unit-day); validating the profile (without --no-validate) lists every "
            "such problem",
        ) from None
