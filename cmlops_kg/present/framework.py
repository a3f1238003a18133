"""Browsing the framework itself: lifecycle phases, practices, pipelines and crosswalks.

Every function reads the ontology through the browse queries of the library (``phases``,
``practices``, ``practice_detail``, ``practice_relations``, ``crosswalk``, ``practice_sources``,
``pipelines``, ``pipeline_interfaces``, ``external_level_requirements``) and returns plain
dataclasses, so the explorer only lays them out and tests can check them without a browser.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from cmlops_kg.errors import SelectionError
from cmlops_kg.store.base import GraphStore, Row
from cmlops_kg.vocab import CMLOPS, practice_key

# The order in which the explorer lists crosswalk targets: maturity models first, then rubrics.
MODEL_ORDER = ("Google", "Azure", "MLTS", "SE4ML", "Kreuzberger", "DORA")


@dataclass(frozen=True)
class PracticeSummary:
    """One row of the practice catalogue."""

    iri: str
    label: str
    kind: str
    phase: str | None
    phase_label: str | None
    phase_order: int | None
    dimension: str
    dimension_label: str
    notation: str | None
    level: int
    pipelines: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The practice's short name (its local name in the cmlops namespace)."""
        return practice_key(self.iri)


@dataclass(frozen=True)
class Phase:
    iri: str
    label: str
    order: int
    devops_stage: str | None
    ml_stage: str | None
    definition: str | None
    practices: tuple[PracticeSummary, ...] = ()
    next_phase: str | None = None

    @property
    def stages(self) -> str:
        """How the phase joins the two loops, e.g. 'DevOps: test · ML: evaluate'."""
        parts = []
        if self.devops_stage:
            parts.append(f"DevOps: {self.devops_stage}")
        if self.ml_stage:
            parts.append(f"ML: {self.ml_stage}")
        return " · ".join(parts)


@dataclass(frozen=True)
class Pipeline:
    iri: str
    label: str
    definition: str | None
    practices: int


@dataclass(frozen=True)
class Interface:
    """A hand-off between two pipelines and the practices that secure it."""

    iri: str
    label: str
    source: str
    source_label: str
    target: str
    target_label: str
    artefacts: tuple[str, ...]
    definition: str | None
    secured_by: tuple[str, ...]

    @property
    def short_label(self) -> str:
        """'training data hand-off' from 'Data to model: training data hand-off'."""
        return self.label.split(": ", 1)[-1]


@dataclass(frozen=True)
class Related:
    iri: str
    label: str
    kind: str = ""


@dataclass(frozen=True)
class CrosswalkEntry:
    model: str
    model_notation: str
    model_label: str
    criterion: str
    notation: str
    label: str
    link: str


@dataclass(frozen=True)
class SourceRef:
    iri: str
    label: str
    title: str | None
    creators: str | None
    year: str | None
    url: str | None


@dataclass
class PracticeDetail:
    """Everything the framework says about one practice."""

    iri: str
    label: str
    kind: str
    definition: str | None
    question: str | None
    example: str | None
    rationale: str | None
    phase_label: str | None
    dimension: str
    dimension_label: str
    level: int
    level_label: str
    relations: dict[str, list[Related]] = field(default_factory=dict)
    crosswalk: dict[str, list[CrosswalkEntry]] = field(default_factory=dict)
    sources: list[SourceRef] = field(default_factory=list)

    def related(self, relation: str) -> list[Related]:
        return self.relations.get(relation, [])

    @property
    def devops_roots(self) -> list[Related]:
        """The DevOps practices this one extends, directly or through other ML practices."""
        direct = [r for r in self.related("extends") if r.kind == "DevOps"]
        seen = {r.iri for r in direct}
        return direct + [r for r in self.related("extends (root)") if r.iri not in seen]


@dataclass(frozen=True)
class ExternalLevelRequirement:
    """What one level of an external model asks for, cumulatively."""

    model: str
    model_label: str
    level: str
    level_label: str
    rank: int
    practices: tuple[str, ...]
    new_practices: tuple[str, ...]


@dataclass
class FrameworkCatalogue:
    """The browsable framework, loaded once per store."""

    phases: list[Phase]
    practices: list[PracticeSummary]
    pipelines: list[Pipeline]
    interfaces: list[Interface]

    def by_key(self) -> dict[str, PracticeSummary]:
        return {p.key: p for p in self.practices}

    def counts(self) -> dict[str, int]:
        """Headline numbers for the framework page."""
        return {
            "practices": len(self.practices),
            "DevOps": sum(1 for p in self.practices if p.kind == "DevOps"),
            "MLOps": sum(1 for p in self.practices if p.kind == "MLOps"),
            "phases": len(self.phases),
            "dimensions": len({p.dimension for p in self.practices}),
        }


def practice_iri(key: str) -> str:
    return key if ":" in key else CMLOPS + key


def _opt(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def _split(value: object) -> tuple[str, ...]:
    return tuple(sorted(filter(None, str(value or "").split("; "))))


def _summary(row: Row) -> PracticeSummary:
    return PracticeSummary(
        iri=str(row["practice"]),
        label=str(row["label"]),
        kind=str(row["kind"]),
        phase=_opt(row["phase"]),
        phase_label=_opt(row["phaseLabel"]),
        phase_order=int(row["phaseOrder"]) if row["phaseOrder"] is not None else None,
        dimension=str(row["dimension"]),
        dimension_label=str(row["dimensionLabel"]),
        notation=_opt(row["notation"]),
        level=int(row["level"]),
        pipelines=_split(row["pipelines"]),
    )


def load_catalogue(store: GraphStore) -> FrameworkCatalogue:
    """Phases with their practices, all practices, pipelines and interfaces."""
    practices = [_summary(r) for r in store.select("practices")]
    by_phase: dict[str, list[PracticeSummary]] = defaultdict(list)
    for p in practices:
        if p.phase:
            by_phase[p.phase].append(p)
    phases = [
        Phase(
            iri=str(r["phase"]),
            label=str(r["label"]),
            order=int(r["order"]),
            devops_stage=_opt(r["devOpsStage"]),
            ml_stage=_opt(r["mlStage"]),
            definition=_opt(r["definition"]),
            practices=tuple(by_phase.get(str(r["phase"]), [])),
            next_phase=_opt(r["next"]),
        )
        for r in store.select("phases")
    ]
    pipelines = [
        Pipeline(str(r["pipeline"]), str(r["label"]), _opt(r["definition"]), int(r["practices"]))
        for r in store.select("pipelines")
    ]
    interfaces = [
        Interface(
            iri=str(r["interface"]),
            label=str(r["label"]),
            source=str(r["from"]),
            source_label=str(r["fromLabel"]),
            target=str(r["to"]),
            target_label=str(r["toLabel"]),
            artefacts=_split(r["artefacts"]),
            definition=_opt(r["definition"]),
            secured_by=_split(r["securedBy"]),
        )
        for r in store.select("pipeline_interfaces")
    ]
    return FrameworkCatalogue(phases, practices, pipelines, interfaces)


def search_words(text: str) -> list[str]:
    """The lower-cased words of a search box's text (empty: no search)."""
    return [w for w in re.split(r"\s+", text.strip().lower()) if w]


def has_every_word(body: str, words: list[str]) -> bool:
    """Whether ``body`` contains every one of ``words`` (lower-cased), anywhere."""
    lowered = body.lower()
    return all(w in lowered for w in words)


def search_practices(
    practices: list[PracticeSummary], text: str, texts: Mapping[str, str] | None = None
) -> list[PracticeSummary]:
    """Practices whose name - or, given ``texts`` (practice IRI -> searchable text, see
    :func:`search_texts`), whose definition, examples, criteria or the names and tools of the
    scanner's signals for them - contain every word of ``text`` (case-insensitive), best first.

    Names that start with the text come first, then names that contain every word, then the
    practices found by their other text; the catalogue order is kept otherwise. So typing
    'data' lists 'Data validation' before 'Shared data access', and 'kubernetes' finds the
    practices whose examples name it.
    """
    words = search_words(text)
    if not words:
        return list(practices)
    texts = texts or {}
    query = " ".join(words)

    def rank(p: PracticeSummary) -> int | None:
        label = p.label.lower()
        if has_every_word(label, words):
            return 0 if label.startswith(query) else 1
        return 2 if has_every_word(f"{label}\n{texts.get(p.iri, '')}", words) else None

    ranked = [(r, p) for p in practices if (r := rank(p)) is not None]
    return [p for _, p in sorted(ranked, key=lambda rp: rp[0])]


def search_texts(store: GraphStore) -> dict[str, str]:
    """Practice IRI -> the text the framework search matches (queries/practice_search_text.rq)."""
    return {str(r["practice"]): str(r["text"] or "") for r in store.select("practice_search_text")}


def practice_detail(store: GraphStore, practice: str) -> PracticeDetail:
    """The detail page of one practice (by IRI or short name)."""
    iri = practice_iri(practice)
    rows = store.select("practice_detail", {"practice": iri})
    if not rows:
        raise SelectionError(
            f"no practice {practice_key(iri)!r} in the framework",
            fix="pick a practice from the list, or search by name",
        )
    r = rows[0]
    detail = PracticeDetail(
        iri=iri,
        label=str(r["label"]),
        kind=str(r["kind"]),
        definition=_opt(r["definition"]),
        question=_opt(r["question"]),
        example=_opt(r["example"]),
        rationale=_opt(r["rationale"]),
        phase_label=_opt(r["phaseLabel"]),
        dimension=str(r["dimension"]),
        dimension_label=str(r["dimensionLabel"]),
        level=int(r["level"]),
        level_label=str(r["levelLabel"]),
    )
    for rel in store.select("practice_relations", {"practice": iri}):
        detail.relations.setdefault(str(rel["relation"]), []).append(
            Related(str(rel["target"]), str(rel["targetLabel"]), str(rel["targetKind"] or ""))
        )
    detail.crosswalk = crosswalk_groups(store.select("crosswalk", {"practice": iri}))
    detail.sources = [_source(s) for s in store.select("practice_sources", {"practice": iri})]
    return detail


def _source(row: Row) -> SourceRef:
    return SourceRef(
        iri=str(row["source"]),
        label=str(row["label"] or row["title"] or row["source"]),
        title=_opt(row["title"]),
        creators=_opt(row["creators"]),
        year=_opt(row["year"]),
        url=_opt(row["url"]),
    )


def crosswalk_groups(rows: list[Row]) -> dict[str, list[CrosswalkEntry]]:
    """Crosswalk rows grouped by model short name, in :data:`MODEL_ORDER`."""
    groups: dict[str, list[CrosswalkEntry]] = defaultdict(list)
    for r in rows:
        notation = str(r["modelNotation"] or r["modelLabel"])
        groups[notation].append(
            CrosswalkEntry(
                model=str(r["model"]),
                model_notation=notation,
                model_label=str(r["modelLabel"]),
                criterion=str(r["criterion"]),
                notation=str(r["notation"]),
                label=str(r["criterionLabel"]),
                link=str(r["link"]),
            )
        )
    rank = {name: i for i, name in enumerate(MODEL_ORDER)}
    return dict(sorted(groups.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0])))


def external_level_requirements(store: GraphStore) -> list[ExternalLevelRequirement]:
    """Per Google/Azure level: every practice it requires and the ones it adds."""
    grouped: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for r in store.select("external_level_requirements"):
        grouped[(str(r["model"]), str(r["level"]))].append(r)
    out = []
    for (model, level), rows in grouped.items():
        first = rows[0]
        rank = int(first["rank"])
        out.append(
            ExternalLevelRequirement(
                model=model,
                model_label=str(first["modelLabel"]),
                level=level,
                level_label=str(first["levelLabel"]),
                rank=rank,
                practices=tuple(sorted({str(r["practiceLabel"]) for r in rows})),
                new_practices=tuple(
                    sorted(
                        {str(r["practiceLabel"]) for r in rows if int(r["introducedAt"]) == rank}
                    )
                ),
            )
        )
    return sorted(out, key=lambda e: (e.model_label, e.rank))
