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


def guards_of(
    failure_modes: list[str], store: EmbeddedStore | None = None
) -> dict[str, list[Guard]]:
    if store is None:
        store = EmbeddedStore()
        store.load_ontology()
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
    configuration: str
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
    claim.findings = findings(claim, scenarios, by_cell, guards)
    return claim


def findings(claim: Claim, scenarios: list[Scenario], by_cell: dict, guards: dict) -> list[Finding]:
    out = []
    labels = {s.key: s.label for s in scenarios}
    for c in claim.cells:
        fm = practice_key(c.failure_mode)
        if c.agrees is None:
            out.append(
                Finding(
                    "no-test",
                    fm,
                    c.scenario,
                    c.configuration,
                    f"{labels[c.scenario]} did no measurable harm in {c.configuration} "
                    "and nothing flagged it: this run says nothing about the claim.",
                )
            )
        elif c.agrees is False and c.guarded:
            out.append(
                Finding(
                    "guard-did-not-help",
                    fm,
                    c.scenario,
                    c.configuration,
                    f"{c.configuration} has guards of {fm} ({', '.join(c.guards_in_place)}) "
                    f"but {labels[c.scenario]} was missed in {c.runs - c.caught} of "
                    f"{c.runs} runs.",
                )
            )
        elif c.agrees is False:
            how = sorted(
                {
                    r.detected_by or "kept out of production"
                    for r in by_cell[(c.configuration, c.scenario)]
                    if r.caught
                }
            )
            out.append(
                Finding(
                    "unlisted-guard",
                    fm,
                    c.scenario,
                    c.configuration,
                    f"{c.configuration} has no practice the ontology lists as a guard "
                    f"of {fm}, yet {labels[c.scenario]} was caught ({'; '.join(how)}): "
                    "a guard the ontology does not name.",
                )
            )
    for sc in scenarios:
        if sc.failure_mode and not guards.get(sc.failure_mode):
            out.append(
                Finding(
                    "unguarded-mode",
                    practice_key(sc.failure_mode),
                    sc.key,
                    "",
                    f"The ontology names no guard for {practice_key(sc.failure_mode)}.",
                )
            )
    return out
