"""A company's portfolio: many team profiles in one shared store, assessed together.

:func:`load_profile_file` validates a profile and pushes it into its own named graph of a
store (replacing that team's previous profile atomically); :func:`assess_portfolio` assesses
every organisation the store holds. Both work on the embedded store (kept on disk) or on a
shared SPARQL server alike: this module only talks to
:class:`~cmlops_kg.store.base.GraphStore`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cmlops_kg import api
from cmlops_kg.errors import InputError, SelectionError
from cmlops_kg.rdf.ontology import without_ontology_terms
from cmlops_kg.rdf.profiles import ASSESSES, Profile, read_profile
from cmlops_kg.sparql.library import query_file
from cmlops_kg.store.base import GraphStore, OrganisationEntry, Row, ScopedStore
from cmlops_kg.store.inference import profile_dataset
from cmlops_kg.validation import validate_profile
from cmlops_kg.validation.report import ValidationReport
from cmlops_kg.vocab import ONTOLOGY_GRAPH

Progress = Callable[[int, int], None]


# -- loading profiles into a shared store -------------------------------------------------------
def organisations_of(profile: Profile) -> list[str]:
    """The organisations a profile assesses."""
    return sorted({t.object.value for t in profile.triples if t.predicate == ASSESSES})


def team_graph(profile: Profile) -> str:
    """The named graph of a team's profile in a shared store: one per organisation assessed,
    so loading a team's updated profile replaces its previous one."""
    orgs = organisations_of(profile)
    if not orgs:
        raise InputError(
            "the profile holds no assessment of any organisation",
            where=profile.name,
            fix="add '<assessment> a cmlops:Assessment ; cmlops:assesses <organisation>'",
        )
    digest = hashlib.sha256("\n".join(orgs).encode("utf-8")).hexdigest()[:24]
    return f"urn:cmlops:team:{digest}"


def ensure_ontology(store: GraphStore, reload: bool = False) -> None:
    if reload or ONTOLOGY_GRAPH not in store.graphs():
        store.load_ontology()


@dataclass
class LoadOutcome:
    source: str
    status: str  # loaded | invalid | unreadable
    graph: str | None = None
    organisations: list[str] = field(default_factory=list)
    report: ValidationReport | None = None
    error: str | None = None


def load_profile_file(
    store: GraphStore,
    path: Path,
    input_format: str | None = None,
    validate: bool = True,
    engine: str | None = "auto",
) -> LoadOutcome:
    """Validate one profile file and load it into the store; invalid profiles are not loaded."""
    try:
        profile = read_profile(path, input_format)
        graph = team_graph(profile)
    except InputError as exc:
        return LoadOutcome(str(path), "unreadable", error=exc.render())
    report = validate_profile(profile, engine) if validate else None
    if report is not None and not report.conforms:
        return LoadOutcome(str(path), "invalid", graph, organisations_of(profile), report)
    triples = without_ontology_terms(profile.triples)  # even unvalidated
    store.load_profile(graph, triples, profile.assessment_iris())
    return LoadOutcome(str(path), "loaded", graph, organisations_of(profile), report)


# -- assessing every organisation -----------------------------------------------------------------
@dataclass
class TeamGap:
    dimension: str
    next_level: int
    practice: str
    label: str
    status: str


@dataclass
class TeamResult:
    """One organisation's latest assessment, in brief."""

    organisation: str
    label: str
    graph: str
    assessment: str
    date: str | None
    assessments: int
    overall_level: int
    overall_label: str
    potential_level: int
    lopsided: bool
    limiting_dimensions: list[str]
    dimensions: dict[str, int]
    potential_dimensions: dict[str, int]
    external_levels: dict[str, int]
    external_potential: dict[str, int]
    gaps: list[TeamGap]

    def flat(self) -> dict[str, object]:
        """One table/CSV row (proven levels; the potential readiness beside the readiness)."""
        return {
            "organisation": self.label,
            "date": self.date,
            "readiness": self.overall_level,
            "potential": self.potential_level,
            **self.dimensions,
            **{k: v for k, v in self.external_levels.items()},
            "gaps": len(self.gaps),
            "assessments": self.assessments,
            "iri": self.organisation,
        }


def assess_organisation(
    store: GraphStore, entry: OrganisationEntry, view: GraphStore | None = None
) -> TeamResult | None:
    """The latest assessment of one organisation, read over its own graphs only (through
    :func:`cmlops_kg.api.assess`, like every other assessment; ``view``: that scoped store,
    e.g. one holding the answers of a batch, see :func:`assess_portfolio`)."""
    view = view or store.scoped(profile_dataset(entry.graph))
    try:
        result = api.assess(store=view, organisation=entry.organisation, summary=True)
    except SelectionError:
        return None  # no assessment, or not materialised (loaded without inference)
    return TeamResult(
        organisation=entry.organisation,
        label=entry.label or entry.organisation,
        graph=entry.graph,
        assessment=result.assessment,
        date=result.date,
        assessments=entry.assessments,
        overall_level=result.overall_level,
        overall_label=result.overall_label,
        potential_level=result.readiness.potential,
        lopsided=result.readiness.lopsided,
        limiting_dimensions=result.limiting_dimensions,
        dimensions={d.notation or d.label: d.level for d in result.dimensions},
        potential_dimensions={d.notation or d.label: d.potential for d in result.dimensions},
        external_levels={key: e.level for key, e in result.external_levels.items()},
        external_potential={key: e.potential for key, e in result.external_levels.items()},
        gaps=[
            TeamGap(g.dimension_label, g.next_level, g.practice, g.label, g.status)
            for g in result.gaps
        ],
    )


def assess_portfolio(store: GraphStore, progress: Progress | None = None) -> list[TeamResult]:
    """Every organisation held by the store, each assessed over its own profile's graphs (so
    the cost per team does not grow with the size of the portfolio). A store with a
    ``batch_size`` above 1 is asked each question of a summary once per batch of teams
    (:meth:`~cmlops_kg.store.base.GraphStore.select_each`), the answers then shaped team by
    team exactly as one team's are."""
    entries = store.organisations()
    size = max(1, int(getattr(store, "batch_size", 1)))
    results = []
    done = 0
    try:
        for start in range(0, len(entries), size):
            batch = entries[start : start + size]
            views = prefetched_views(store, batch) if len(batch) > 1 else [None] * len(batch)
            for entry, view in zip(batch, views, strict=True):
                result = assess_organisation(store, entry, view)
                if result is not None:
                    results.append(result)
                done += 1
                if progress:
                    progress(done, len(entries))
    finally:
        store.end_batches()
    return results


# the questions a summary assessment asks (Assessor.result with summary=True) besides
# "assessments"; any other question a view is asked goes to the store, one team at a time
SUMMARY_QUERIES = ("dimension_levels", "overall_level", "external_levels", "gaps")


def prefetched_views(store: GraphStore, batch: Sequence[OrganisationEntry]) -> list[ScopedStore]:
    """One scoped view per team, holding the answers to a summary's questions, each asked once
    for the whole batch."""
    datasets = [profile_dataset(e.graph) for e in batch]
    views = [PrefetchedStore(store, ds) for ds in datasets]
    listed = store.select_each("assessments", [(ds, None) for ds in datasets])
    chosen: list[int] = []
    for k, (entry, rows) in enumerate(zip(batch, listed, strict=True)):
        views[k].answer("assessments", None, rows)
        # the latest of the organisation's assessments, as Assessor.choose_assessment picks
        mine = [r for r in rows if str(r["organisation"]) == entry.organisation]
        if mine:
            views[k].latest = str(mine[0]["assessment"])
            chosen.append(k)
    for name in SUMMARY_QUERIES:
        asked = [(datasets[k], {"assessment": views[k].latest}) for k in chosen]
        for k, rows in zip(chosen, store.select_each(name, asked), strict=True):
            views[k].answer(name, {"assessment": views[k].latest}, rows)
    return views


class PrefetchedStore(ScopedStore):
    """A team's view of a shared store that answers the questions asked for it in advance
    (the same rows the store gives for them) and asks the store anything else."""

    def __init__(self, base: GraphStore, dataset: Sequence[str]) -> None:
        super().__init__(base, dataset)
        self.latest: str | None = None
        self._answers: dict[tuple[str, tuple[tuple[str, str], ...]], list[Row]] = {}

    @staticmethod
    def _key(query: object, params: Mapping[str, object] | None):
        name = query_file(query).name  # type: ignore[arg-type]
        bound = tuple(sorted((k, str(v)) for k, v in (params or {}).items() if v not in (None, "")))
        return name, bound

    def answer(self, query: str, params: Mapping[str, object] | None, rows: list[Row]) -> None:
        self._answers[self._key(query, params)] = rows

    def select(self, query, params=None, *, dataset=None) -> list[Row]:
        if dataset is None:
            found = self._answers.get(self._key(query, params))
            if found is not None:
                return [dict(r) for r in found]
        return super().select(query, params, dataset=dataset)


def level_distribution(results: Iterable[TeamResult]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for r in results:
        counts[r.overall_level] = counts.get(r.overall_level, 0) + 1
    return dict(sorted(counts.items()))
