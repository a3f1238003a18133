"""The documented result of an assessment: plain dataclasses, the same for CLI, API and app.

``AssessmentResult.to_json()`` is the ``assess --format json`` contract (README, and
``cmlops_kg/schemas/assess.schema.json``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class DimensionLevel:
    iri: str
    label: str
    notation: str | None
    level: int
    level_label: str
    score: float
    max_score: float
    percent: float
    implemented: int
    applicable: int


@dataclass
class Gap:
    dimension: str
    dimension_label: str
    current_level: int
    next_level: int
    practice: str
    label: str
    status: str


@dataclass
class Source:
    label: str
    url: str | None


@dataclass
class RoadmapItem:
    position: int
    practice: str
    label: str
    dimension: str
    dimension_label: str
    level: int
    pending_prerequisites: int
    unblocks: int
    why: str
    sources: list[Source]


@dataclass
class ExternalLevel:
    model: str
    model_label: str
    level: int
    level_iri: str
    label: str
    missing_for_next: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    """A metric observation, converted to canonical units and placed in a cluster."""

    metric: str
    label: str
    value: float
    unit: str
    canonical_value: float
    canonical_unit: str
    higher_is_better: bool | None
    period_start: str | None
    period_end: str | None
    benchmark_year: int | None
    cluster: str | None
    cluster_label: str | None


@dataclass
class HistoryPoint:
    assessment: str
    date: str | None
    overall_level: int
    dimensions: dict[str, int]


@dataclass
class AssessmentResult:
    """The documented result of ``cmlops-kg assess`` (see README, 'assess JSON contract')."""

    organisation: str
    label: str
    assessment: str
    date: str | None
    method: str | None
    overall_level: int
    overall_label: str
    limiting_dimensions: list[str]
    dimensions: list[DimensionLevel]
    external_levels: dict[str, ExternalLevel]
    gaps: list[Gap]
    roadmap: list[RoadmapItem]
    history: list[HistoryPoint]
    outcomes: list[Outcome] = field(default_factory=list)
    practices: list[dict] = field(default_factory=list)

    @property
    def weakest_link(self) -> str:
        """Which dimensions hold the overall level down, in words."""
        if len(self.limiting_dimensions) == len(self.dimensions) > 1:
            return f"every dimension is at level {self.overall_level}"
        names = ", ".join(self.limiting_dimensions)
        return f"held down by {names}"

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("practices")
        return data
