"""The fault scenarios and simulation parameters, read from ``scenarios.ttl`` (data, not code)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import rdflib

LAB = rdflib.Namespace("https://w3id.org/cmlops/lab#")
SCENARIOS_FILE = Path(__file__).resolve().parent / "scenarios.ttl"


@dataclass(frozen=True)
class Edit:
    file: str
    find: str
    replace: str


@dataclass(frozen=True)
class Scenario:
    iri: str
    key: str
    label: str
    definition: str
    failure_mode: str | None  # None: the control scenario
    kind: str
    order: int
    change: str = ""  # edit-repository: "model" or "code"
    message: str = ""
    edits: tuple[Edit, ...] = ()
    renames: tuple[tuple[str, str], ...] = ()
    scales: tuple[tuple[str, float], ...] = ()
    label_value: int = 0
    share: float = 0.0


@dataclass(frozen=True)
class Simulation:
    step_hours: float
    quick_steps: int
    full_steps: int
    full_seeds: int
    batch_size: int
    fault_at_step: int
    human_response_steps: int
    complaint_steps: int
    repair_by_hand_steps: int
    revert_steps: int
    materialise_every_steps: int
    parameters: dict[str, float] = field(default_factory=dict)


def _graph() -> rdflib.Graph:
    return rdflib.Graph().parse(SCENARIOS_FILE, format="turtle")


def _one(g: rdflib.Graph, s: rdflib.term.Node, p: rdflib.URIRef) -> rdflib.term.Node | None:
    return next(iter(g.objects(s, p)), None)


def _text(g: rdflib.Graph, s: rdflib.term.Node, p: rdflib.URIRef) -> str:
    value = _one(g, s, p)
    return str(value) if value is not None else ""


def _scenario(g: rdflib.Graph, s: rdflib.URIRef) -> Scenario:
    inj = _one(g, s, LAB.injection)
    edits = tuple(
        Edit(_text(g, e, LAB.file), _text(g, e, LAB["find"]), _text(g, e, LAB["replace"]))
        for e in sorted(g.objects(inj, LAB.edit), key=lambda e: _text(g, e, LAB.file))
    )
    renames = tuple(
        sorted((_text(g, r, LAB["from"]), _text(g, r, LAB.to)) for r in g.objects(inj, LAB.rename))
    )
    scales = tuple(
        sorted(
            (_text(g, r, LAB.column), float(_one(g, r, LAB.factor)))  # type: ignore[arg-type]
            for r in g.objects(inj, LAB.scale)
        )
    )
    fm = _one(g, s, LAB.exercises)
    label_value = _one(g, inj, LAB.label)
    share = _one(g, inj, LAB.share)
    return Scenario(
        iri=str(s),
        key=str(s).rsplit("#", 1)[1],
        label=_text(g, s, rdflib.RDFS.label),
        definition=_text(g, s, rdflib.SKOS.definition),
        failure_mode=str(fm) if fm is not None else None,
        kind=_text(g, inj, LAB.kind),
        order=int(_one(g, s, LAB.sortOrder)),  # type: ignore[arg-type]
        change=_text(g, inj, LAB.change),
        message=_text(g, inj, LAB.message),
        edits=edits,
        renames=renames,
        scales=scales,
        label_value=int(label_value) if label_value is not None else 0,
        share=float(share) if share is not None else 0.0,
    )


def scenarios() -> list[Scenario]:
    g = _graph()
    found = [_scenario(g, s) for s in g.subjects(rdflib.RDF.type, LAB.FaultScenario)]
    return sorted(found, key=lambda s: s.order)


def simulation() -> Simulation:
    g = _graph()
    s = LAB.simulation
    values = {
        str(p).rsplit("#", 1)[1]: float(o)  # type: ignore[arg-type]
        for p, o in g.predicate_objects(s)
        if isinstance(o, rdflib.Literal) and str(p).startswith(str(LAB))
    }

    def integer(name: str) -> int:
        return int(values[name])

    return Simulation(
        step_hours=values["stepHours"],
        quick_steps=integer("quickSteps"),
        full_steps=integer("fullSteps"),
        full_seeds=integer("fullSeeds"),
        batch_size=integer("batchSize"),
        fault_at_step=integer("faultAtStep"),
        human_response_steps=integer("humanResponseSteps"),
        complaint_steps=integer("complaintSteps"),
        repair_by_hand_steps=integer("repairByHandSteps"),
        revert_steps=integer("revertSteps"),
        materialise_every_steps=integer("materialiseEverySteps"),
        parameters=values,
    )
