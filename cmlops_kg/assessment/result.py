"""The documented result of an assessment: plain dataclasses, the same for CLI, API and app.

``AssessmentResult.to_json()`` is the ``assess --format json`` contract (README, and
``cmlops_kg/schemas/assess.schema.json``). Every level is reported twice: *proven* (unknowns
count as missing) and *potential* (unknowns count as met), see docs/maturity-model.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

TOP_LEVEL = 4


@dataclass
class DimensionLevel:
    """One dimension of the profile (the continuous view, the headline)."""

    iri: str
    label: str
    notation: str | None
    level: int
    level_label: str
    potential: int
    potential_label: str
    target: int | None
    score: float
    max_score: float
    percent: float
    implemented: int
    applicable: int
    unknown: int


@dataclass
class Readiness:
    """The staged view: the lowest proven dimension level, and what limits it."""

    level: int
    label: str
    potential: int
    potential_label: str
    limiting_dimensions: list[str]
    limiting_iris: list[str]
    highest: int
    lopsided: bool
    summary: str


@dataclass
class Gap:
    dimension: str
    dimension_label: str
    current_level: int
    next_level: int
    practice: str
    label: str
    status: str
    status_key: str


@dataclass
class Source:
    label: str
    url: str | None


@dataclass
class MissingRequirement:
    """A requirement of an external level that is not met, with the sentence it encodes."""

    requirement: str
    practice: str
    practice_label: str
    criterion: str | None
    criterion_label: str | None
    status: str  # "missing" (known not met) or "unknown" (may be met)
    quote: str | None
    section: str | None
    source: Source | None
    reading_note: str | None


@dataclass
class ExternalLevel:
    model: str
    model_label: str
    notation: str | None
    level: int
    level_iri: str
    label: str
    potential: int
    potential_label: str
    next_level: int | None
    next_label: str | None
    missing_for_next: list[MissingRequirement] = field(default_factory=list)


@dataclass
class OpenQuestion:
    """An unknown that matters: answering it may raise a proven level towards its potential."""

    practice: str
    label: str
    dimension: str
    dimension_label: str
    level: int
    blocks_readiness: bool
    unknown_criteria: int
    question: str | None
    criteria: list[str] = field(default_factory=list)


@dataclass
class Reason:
    kind: str  # obligation | readiness | dimension | external | target | prerequisite
    phase: int
    text: str
    level: int | None = None
    dimension: str | None = None
    model: str | None = None
    for_practice: str | None = None


@dataclass
class RoadmapItem:
    position: int
    phase: int
    practice: str
    label: str
    dimension: str
    dimension_label: str
    level: int
    status: str
    status_key: str
    pending_prerequisites: int
    unblocks: int
    reasons: list[Reason]
    unlocks: list[str]
    why: str
    missing_criteria: list[str]
    sources: list[Source]


@dataclass
class RoadmapPhase:
    number: int
    title: str
    items: list[RoadmapItem]


@dataclass
class FailureModeStatus:
    failure_mode: str
    label: str
    status: str  # guarded | unknown | unguarded | not-applicable
    status_label: str
    guards_in_place: list[str]
    missing_guards: list[str]


@dataclass
class InterfaceReport:
    interface: str
    label: str
    from_pipeline: str
    to_pipeline: str
    failure_modes: list[FailureModeStatus]

    @property
    def unguarded(self) -> list[FailureModeStatus]:
        return [f for f in self.failure_modes if f.status == "unguarded"]


@dataclass
class ObligationStatus:
    """An obligation of regulation or a standard, as it stands in this assessment."""

    obligation: str
    label: str
    reference: str | None
    role: str | None
    applicable_from: str | None
    status: str  # met | unknown | unmet | not-yet-applicable | not-applicable
    missing: list[str]
    source: Source | None


@dataclass
class ContextValue:
    factor: str
    factor_label: str
    value: str
    label: str


@dataclass
class Target:
    iri: str
    label: str
    levels: dict[str, int]


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
    unit_label: str = ""  # the unit's name ("week", "per day"); `unit` is its short code

    @property
    def value_text(self) -> str:
        """The value for people: three significant digits and the unit's name in the right
        number ("0.0329 per day", "6 weeks", "1 hour", "12 %")."""
        return quantity(self.value, self.unit_label, self.unit)


def quantity(value: float, unit_label: str, notation: str) -> str:
    """``value`` with three significant digits and its unit: the short code for percent (or
    when the unit has no name), else the name, in the plural unless it is a rate or 1."""
    number = f"{value:.3g}"
    if notation == "%" or not unit_label:
        return f"{number} {notation}".rstrip()
    plural = not unit_label.startswith("per ") and value != 1
    return f"{number} {unit_label}{'s' if plural else ''}"


@dataclass
class HistoryPoint:
    assessment: str
    date: str | None
    overall_level: int
    potential_level: int
    dimensions: dict[str, int]


@dataclass
class AssessmentResult:
    """The documented result of ``cmlops-kg assess`` (see README, 'assess JSON contract')."""

    organisation: str
    label: str
    assessment: str
    date: str | None
    method: str | None
    readiness: Readiness
    dimensions: list[DimensionLevel]
    external_levels: dict[str, ExternalLevel]
    gaps: list[Gap]
    open_questions: list[OpenQuestion]
    roadmap: list[RoadmapPhase]
    interfaces: list[InterfaceReport]
    context: list[ContextValue] = field(default_factory=list)
    target: Target | None = None
    obligations: list[ObligationStatus] = field(default_factory=list)
    history: list[HistoryPoint] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    benchmark_year: int | None = None
    practices: list[dict] = field(default_factory=list)
    criteria: list[dict] = field(default_factory=list)

    # -- what most readers want first ----------------------------------------------------------
    @property
    def overall_level(self) -> int:
        """The staged readiness (proven), kept under its old name for gates and scripts."""
        return self.readiness.level

    @property
    def overall_label(self) -> str:
        return self.readiness.label

    @property
    def limiting_dimensions(self) -> list[str]:
        return self.readiness.limiting_dimensions

    @property
    def weakest_link(self) -> str:
        return self.readiness.summary

    @property
    def applying_obligations(self) -> list[ObligationStatus]:
        return [o for o in self.obligations if o.status in ("met", "unknown", "unmet")]

    @property
    def roadmap_items(self) -> list[RoadmapItem]:
        return [item for phase in self.roadmap for item in phase.items]

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("practices")
        data.pop("criteria")
        data["overall_level"] = self.overall_level
        data["overall_label"] = self.overall_label
        data["limiting_dimensions"] = self.limiting_dimensions
        return data
