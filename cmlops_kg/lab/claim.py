"""The framework's claim, tested: for every failure mode a scenario exercises, configurations
whose practices guard it (the ontology's prevents/detects/recovers, read by
``queries/failure_mode_guards.rq``) should catch the fault, and those without should not.
Every disagreement is a finding about the framework, computed from the measured runs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from cmlops_kg.lab.catalogue import Scenario
from cmlops_kg.lab.generate import Configuration, implemented
from cmlops_kg.lab.runner import RunResult
from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.vocab import practice_key


@dataclass(frozen=True)
class Guard:
    practice: str  # key
    guard: str  # practice or criterion key
    relation: str


def ontology_store() -> EmbeddedStore:
    store = EmbeddedStore()
    store.load_ontology()
    return store


def guards_of(
    failure_modes: list[str], store: EmbeddedStore | None = None
) -> dict[str, list[Guard]]:
    store = ontology_store() if store is None else store
    out: dict[str, list[Guard]] = {}
    for fm in failure_modes:
        rows = store.select("failure_mode_guards", {"failureMode": fm})
        out[fm] = [
            Guard(
                practice_key(str(r["practice"])), practice_key(str(r["guard"])), str(r["relation"])
            )
            for r in rows
        ]
    return out


def labels_of(failure_modes: list[str], store: EmbeddedStore | None = None) -> dict[str, str]:
    """Each failure mode's name (its key where the ontology gives it no guard, and so no row)."""
    store = ontology_store() if store is None else store
    out = {}
    for fm in failure_modes:
        rows = store.select("failure_mode_guards", {"failureMode": fm})
        out[fm] = str(rows[0]["failureModeLabel"]) if rows else practice_key(fm)
    return out


@dataclass
class Cell:
    configuration: str
    scenario: str
    failure_mode: str
    guards_in_place: list[str]
    runs: int
    caught: int  # runs where the fault was kept out of production or detected
    reached: int
    harmless: int  # the faulty artefact or world change was there, but did no measurable harm

    @property
    def guarded(self) -> bool:
        return bool(self.guards_in_place)

    @property
    def outcome(self) -> str:
        if self.caught == self.runs and self.reached == 0 and self.harmless == self.runs:
            return "harmless"
        return "caught" if self.caught * 2 > self.runs else "missed"

    @property
    def agrees(self) -> bool | None:
        if self.outcome == "harmless":
            return None  # no test of the claim: the fault did nothing here
        return (self.outcome == "caught") == self.guarded


@dataclass
class Finding:
    kind: str
    failure_mode: str
    scenario: str
    configurations: list[str]
    text: str


@dataclass
class Claim:
    cells: list[Cell]
    findings: list[Finding] = field(default_factory=list)


def _harmless(r: RunResult) -> bool:
    return not r.reached_production and r.detected_step is None


def evaluate(
    configs: tuple[Configuration, ...],
    scenarios: list[Scenario],
    runs: list[RunResult],
    guards: dict[str, list[Guard]],
    labels: dict[str, str] | None = None,
) -> Claim:
    by_cell: dict[tuple[str, str], list[RunResult]] = defaultdict(list)
    for r in runs:
        by_cell[(r.configuration, r.scenario)].append(r)
    cells = []
    for sc in scenarios:
        if sc.failure_mode is None:
            continue
        for config in configs:
            have = set(implemented(config))
            in_place = sorted(
                {f"{g.guard} ({g.relation})" for g in guards[sc.failure_mode] if g.practice in have}
            )
            results = by_cell[(config.key, sc.key)]
            cells.append(
                Cell(
                    config.key,
                    sc.key,
                    sc.failure_mode,
                    in_place,
                    len(results),
                    sum(r.caught for r in results),
                    sum(r.reached_production for r in results),
                    sum(_harmless(r) for r in results),
                )
            )
    claim = Claim(cells)
    claim.findings = findings(claim, scenarios, by_cell, guards, labels or {})
    return claim


def findings(
    claim: Claim, scenarios: list[Scenario], by_cell: dict, guards: dict, names: dict[str, str]
) -> list[Finding]:
    """One finding per kind, failure mode and scenario, naming every configuration it holds
    for (the same lesson at four levels is one lesson)."""
    labels = {s.key: s.label for s in scenarios}
    grouped: dict[tuple[str, str, str], list[Cell]] = defaultdict(list)
    for c in claim.cells:
        kind = _kind(c)
        if kind:
            grouped[(kind, c.failure_mode, c.scenario)].append(c)
    out = []
    for (kind, fm, scenario), cells in grouped.items():
        f = Finding(kind, practice_key(fm), scenario, [c.configuration for c in cells], "")
        f.text = _text(f, cells, labels[scenario], names.get(fm, f.failure_mode), by_cell)
        out.append(f)
    for sc in scenarios:
        if sc.failure_mode and not guards.get(sc.failure_mode):
            fm, name = practice_key(sc.failure_mode), names.get(sc.failure_mode, "")
            text = f"The ontology names no guard for {name or fm}."
            out.append(Finding("unguarded-mode", fm, sc.key, [], text))
    return out


def _kind(c: Cell) -> str | None:
    if c.agrees is None:
        return "no-test"
    if c.agrees is False:
        return "guard-did-not-help" if c.guarded else "unlisted-guard"
    return None


def _names(configurations: list[str]) -> str:
    return (
        configurations[0]
        if len(configurations) == 1
        else (", ".join(configurations[:-1]) + " and " + configurations[-1])
    )


def _text(f: Finding, cells: list[Cell], scenario: str, mode: str, by_cell: dict) -> str:
    where = _names(f.configurations)
    have = "has" if len(f.configurations) == 1 else "have"
    if f.kind == "no-test":
        return (
            f"{scenario} did no measurable harm in {where} and nothing flagged it: "
            f"{'this run says' if len(cells) == 1 else 'these runs say'} nothing about the claim."
        )
    if f.kind == "guard-did-not-help":
        missed = "; ".join(f"{c.configuration} {c.runs - c.caught} of {c.runs}" for c in cells)
        in_place = sorted({g for c in cells for g in c.guards_in_place})
        return (
            f"{where} {have} guards of '{mode}' ({', '.join(in_place)}) but {scenario} "
            f"was missed (runs missed: {missed})."
        )
    how = sorted(
        {
            r.detected_by or "kept out of production"
            for c in cells
            for r in by_cell[(c.configuration, c.scenario)]
            if r.caught
        }
    )
    return (
        f"{where} {have} no practice the ontology lists as a guard of '{mode}', yet "
        f"{scenario} was caught ({'; '.join(how)}): a guard the ontology does not name."
    )
