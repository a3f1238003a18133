"""Combining the evidence of several assessments of one organisation into one assessment.

A repository scan sees what a repository shows (CI, configuration, tools) but not how people
work (shared backlog, code review culture, risk assessment); a questionnaire is the opposite.
``cmlops-kg merge`` combines the latest assessment of each input into a new assessment with
method ``cmlops:method-combined``. Per practice the strongest evidence wins -- implemented
(automated before manual, then the more confident), then justified not-applicable, then
partial, planned, not implemented -- and every combined piece of evidence is
``prov:wasDerivedFrom`` the evidence it came from; disagreements are written into its
justification, never hidden.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import pyoxigraph as ox

from cmlops_kg import vocab
from cmlops_kg.assessment.engine import Assessor
from cmlops_kg.errors import InputError, SelectionError
from cmlops_kg.rdf.profiles import RDF_TYPE, Profile
from cmlops_kg.vocab import CMLOPS, DCTERMS, PROV, XSD

RDFS_LABEL = ox.NamedNode(vocab.RDFS_LABEL)
STATUS_RANK = {  # lower is stronger evidence
    vocab.STATUSES[key]: rank
    for rank, key in enumerate(
        ["implemented", "not-applicable", "partial", "planned", "not-implemented"]
    )
}


@dataclass(frozen=True)
class Candidate:
    """One piece of evidence for a practice, from one source assessment."""

    source: str  # the source assessment
    evidence: str
    practice: str
    status: str
    mode: str | None
    points: float
    justification: str | None
    confidence: float | None
    quote: str | None
    sources: tuple[str, ...]

    def strength(self) -> tuple:
        rank = STATUS_RANK.get(self.status, 9)
        if self.status.endswith("not-applicable") and not self.justification:
            rank = 5  # not applicable without a reason counts as nothing
        return (rank, -self.points, -(self.confidence or 0.0), self.source)


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def candidates_of(engine: Assessor, assessment: str) -> list[Candidate]:
    return [
        Candidate(
            source=assessment,
            evidence=str(r["evidence"]),
            practice=str(r["practice"]),
            status=str(r["status"]),
            mode=str(r["mode"]) if r["mode"] else None,
            points=float(r["modePoints"]) if r["modePoints"] is not None else 0.5,
            justification=str(r["justification"]) if r["justification"] else None,
            confidence=float(r["confidence"]) if r["confidence"] is not None else None,
            quote=str(r["quote"]) if r["quote"] else None,
            sources=tuple(s for s in str(r["sources"] or "").split(" ") if s),
        )
        for r in engine.store.select("evidence", {"assessment": assessment})
    ]


def choose(candidates: list[Candidate]) -> tuple[Candidate, list[Candidate]]:
    """The strongest piece of evidence, and the others that state a different status."""
    ordered = sorted(candidates, key=Candidate.strength)
    best = ordered[0]
    return best, [c for c in ordered[1:] if c.status != best.status]


def _justification(best: Candidate, others: list[Candidate], labels: dict[str, str]) -> str:
    text = f"Combined: taken from {labels[best.source]}"
    if best.justification:
        text += f" ({best.justification.rstrip('.')})"
    text += "."
    if others:
        stated = "; ".join(f"{labels[c.source]} states {_local(c.status)}" for c in others)
        text += f" Conflicting evidence: {stated}."
    return text


def merge_profiles(
    profiles: list[Profile],
    organisation: str | None = None,
    label: str | None = None,
    date: dt.date | None = None,
) -> Profile:
    """One profile holding one combined assessment of ``organisation``."""
    if len(profiles) < 2:
        raise InputError("give at least two profiles to combine", fix="cmlops-kg merge A B ...")
    engines, chosen = [], []
    for profile in profiles:
        engine = Assessor()
        engine.load(profile)
        try:
            row = engine.choose_assessment(organisation)
        except SelectionError:
            row = engine.choose_assessment(None)  # a scan names its repository instead
        engines.append(engine)
        chosen.append(row)
    target = organisation or str(chosen[0]["organisation"])
    name = label or str(chosen[0]["organisationLabel"] or target)
    day = (date or dt.date.today()).isoformat()
    labels = {
        str(row["assessment"]): f"the {row['methodLabel'] or 'assessment'} of {row['date']}"
        for row in chosen
    }
    by_practice: dict[str, list[Candidate]] = {}
    for engine, row in zip(engines, chosen, strict=True):
        for candidate in candidates_of(engine, str(row["assessment"])):
            by_practice.setdefault(candidate.practice, []).append(candidate)
    return Profile(
        name=f"combined:{target}",
        triples=_triples(target, name, day, chosen, by_practice, labels, engines),
    )


def _triples(target, name, day, chosen, by_practice, labels, engines) -> list[ox.Triple]:
    n, lit = ox.NamedNode, ox.Literal
    org = n(target)
    digest = hashlib.sha256("|".join(sorted(labels)).encode()).hexdigest()[:8]
    asm = n(f"{target.rstrip('/#')}/assessment/{day}-combined-{digest}")
    t = [
        ox.Triple(org, RDF_TYPE, n("http://www.w3.org/ns/org#Organization")),
        ox.Triple(org, RDFS_LABEL, lit(name)),
        ox.Triple(asm, RDF_TYPE, n(CMLOPS + "Assessment")),
        ox.Triple(asm, RDFS_LABEL, lit(f"{name}: combined evidence of {day}")),
        ox.Triple(asm, n(CMLOPS + "assesses"), org),
        ox.Triple(asm, n(DCTERMS + "date"), lit(day, datatype=n(XSD + "date"))),
        ox.Triple(asm, n(CMLOPS + "method"), n(vocab.METHODS["combined"])),
    ]
    t += [ox.Triple(asm, n(PROV + "wasInformedBy"), n(str(r["assessment"]))) for r in chosen]
    for practice, candidates in sorted(by_practice.items()):
        best, others = choose(candidates)
        ev = n(f"{asm.value}/evidence/{hashlib.sha256(practice.encode()).hexdigest()[:12]}")
        t += [
            ox.Triple(ev, RDF_TYPE, n(CMLOPS + "Evidence")),
            ox.Triple(ev, n(PROV + "wasGeneratedBy"), asm),
            ox.Triple(ev, n(CMLOPS + "aboutPractice"), n(practice)),
            ox.Triple(ev, n(CMLOPS + "status"), n(best.status)),
            ox.Triple(ev, n(CMLOPS + "justification"), lit(_justification(best, others, labels))),
        ]
        if best.mode:
            t.append(ox.Triple(ev, n(vocab.EARL + "mode"), n(best.mode)))
        if best.confidence is not None:
            value = max(0.1, best.confidence - (0.1 if others else 0.0))
            t.append(
                ox.Triple(
                    ev, n(CMLOPS + "confidence"), lit(f"{value:.2f}", datatype=n(XSD + "decimal"))
                )
            )
        if best.quote:
            t.append(ox.Triple(ev, n(CMLOPS + "quote"), lit(best.quote[:300])))
        for source in best.sources:
            obj = n(source) if source.startswith(("http://", "https://", "urn:")) else lit(source)
            t.append(ox.Triple(ev, n(DCTERMS + "source"), obj))
        for c in candidates:
            if not c.evidence.startswith("_:") and ":" in c.evidence:
                t.append(ox.Triple(ev, n(PROV + "wasDerivedFrom"), n(c.evidence)))
    t += _observations(asm, chosen, engines)
    return t


def _observations(asm: ox.NamedNode, chosen, engines) -> list[ox.Triple]:
    """Metric observations of every input, re-attributed to the combined assessment."""
    n, lit = ox.NamedNode, ox.Literal
    t: list[ox.Triple] = []
    for engine, row in zip(engines, chosen, strict=True):
        for o in engine.outcomes(str(row["assessment"])):
            key = hashlib.sha256(f"{row['assessment']}|{o.metric}|{o.period_end}".encode())
            obs = n(f"{asm.value}/metric/{key.hexdigest()[:12]}")
            unit = _unit_of(engine, o.unit)
            t += [
                ox.Triple(obs, RDF_TYPE, n(CMLOPS + "MetricObservation")),
                ox.Triple(obs, n(PROV + "wasGeneratedBy"), asm),
                ox.Triple(obs, n("http://www.w3.org/ns/dqv#isMeasurementOf"), n(o.metric)),
                ox.Triple(
                    obs,
                    n("http://www.w3.org/ns/dqv#value"),
                    lit(repr(o.value), datatype=n(XSD + "decimal")),
                ),
                ox.Triple(obs, n(CMLOPS + "unit"), n(unit)),
            ]
            for prop, day in (("periodStart", o.period_start), ("periodEnd", o.period_end)):
                if day:
                    t.append(ox.Triple(obs, n(CMLOPS + prop), lit(day, datatype=n(XSD + "date"))))
    return t


def _unit_of(engine: Assessor, notation: str) -> str:
    rows = engine.store.select("docs/units")
    for r in rows:
        if str(r["notation"]) == notation:
            return str(r["unit"])
    raise SelectionError(f"no unit with notation {notation!r}")
