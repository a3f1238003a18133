"""From findings to one judgement per practice, and from judgements to a profile.

The rules (also in the README and ontology/signals.ttl):

- Run by CI (a CI job runs it, or runs the file that configures it) -> implemented,
  earl:automatic. Configured (real configuration or calls) -> implemented, earl:manual. Only
  present (a file or a dependency exists) -> partial, no mode: shown, not counted.
- Confidence = the weight of the strongest strength (cmlops:signalWeight: 0.4 / 0.7 / 0.9)
  + 0.05 for each further independent signal (at most two), capped at 0.95; minus the penalty
  of each negative signal that contradicts the practice; never below 0.1.
- A negative signal never makes a practice implemented. For a contradicted practice without
  any positive finding it states "not implemented", with the negative signal's weight.
- Practices without any finding get no evidence: unknown stays unknown (the engine counts
  them as missing).
"""

from __future__ import annotations

import datetime as dt
import functools
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from cmlops_kg.rdf.profiles import Profile
from cmlops_kg.resources import ONTOLOGY_DIR
from cmlops_kg.scanner.findings import RUN_BY_CI, Detection, SignalFinding
from cmlops_kg.scanner.patterns import redact, shorten
from cmlops_kg.scanner.signals import STRENGTH_RANK, SignalCatalogue, local
from cmlops_kg.vocab import (
    CMLOPS,
    DCTERMS,
    EARL,
    METHODS,
    MODES,
    PROV,
    RDF,
    RDFS,
    STATUSES,
    XSD,
)

CORROBORATION = 0.05
MAX_CORROBORATING = 2
CEILING = 0.95
FLOOR = 0.1
MAX_SOURCES = 10
MAX_QUOTE = 300
MODE = {3: "automatic", 2: "manual"}
STRENGTH_WORDS = {1: "present", 2: "configured", 3: "run by CI"}


@dataclass
class Verdict:
    practice: str
    label: str
    status: str  # implemented | partial | not-implemented
    mode: str | None  # automatic | manual | None
    confidence: float
    findings: list[SignalFinding] = field(default_factory=list)
    negatives: list[SignalFinding] = field(default_factory=list)
    justification: str = ""
    quote: str = ""

    @property
    def key(self) -> str:
        return local(self.practice)

    @property
    def evidence_status(self) -> str:
        """The status the profile states, in model v2's answers: a partial verdict resting only
        on files that exist (a dependency, a configuration nobody is seen running, a building
        block for others) is *unknown* - the practice may well be in place, the repository does
        not show whether it is - while a CI job of the repository that executes part of it
        (tests that cannot fail the job, the CI of one monorepo folder) shows a known *partial*.
        A CI job that merely exists around it (a job on pull requests says nothing of required
        approvals; a secret handed to a job says nothing of how secrets are kept) is presence:
        only a finding of an executed-strength signal run here makes the partial known."""
        if self.status == "partial" and not any(
            f.runs_here and f.signal.rank == STRENGTH_RANK["strength-executed"]
            for f in self.findings
        ):
            return "unknown"
        return self.status


def _order(findings: list[SignalFinding]) -> list[SignalFinding]:
    """Strongest first; at equal strength a CI signal's own finding before an upgraded file."""
    return sorted(
        findings, key=lambda f: (-f.rank, not f.signal.is_ci, f.signal.name, f.path, f.line or 0)
    )


def _locations(findings: list[SignalFinding], limit: int = 3) -> str:
    places = list(dict.fromkeys(f.location for f in findings))
    more = f" and {len(places) - limit} more" if len(places) > limit else ""
    return ", ".join(places[:limit]) + more


def judge(detection: Detection, catalogue: SignalCatalogue) -> list[Verdict]:
    positive: dict[str, list[SignalFinding]] = defaultdict(list)
    against: dict[str, list[SignalFinding]] = defaultdict(list)
    for finding in detection.findings:
        for practice in finding.signal.practices:
            positive[practice].append(finding)
    for finding in detection.negatives:
        for practice in finding.signal.contradicts:
            against[practice].append(finding)
    verdicts = []
    for practice in sorted(set(positive) | set(against)):
        verdict = _verdict(
            practice,
            _order(positive.get(practice, [])),
            _order(against.get(practice, [])),
            catalogue,
        )
        verdicts.append(verdict)
    return verdicts


def _verdict(
    practice: str,
    findings: list[SignalFinding],
    negatives: list[SignalFinding],
    catalogue: SignalCatalogue,
) -> Verdict:
    label = catalogue.practice_labels.get(practice, local(practice))
    penalties = {n.signal.iri: n.signal.penalty for n in negatives}
    if findings:
        best = findings[0].rank
        distinct = len({f.signal.iri for f in findings})
        confidence = catalogue.weights[best] + CORROBORATION * min(distinct - 1, MAX_CORROBORATING)
        confidence = max(FLOOR, min(confidence, CEILING) - sum(penalties.values()))
        status = "implemented" if best >= 2 else "partial"
        verdict = Verdict(
            practice, label, status, MODE.get(best), round(confidence, 2), findings, negatives
        )
    else:
        weight = max(catalogue.weights[n.rank] for n in negatives)
        verdict = Verdict(practice, label, "not-implemented", None, round(weight, 2), [], negatives)
    verdict.justification = _justification(verdict, penalties)
    verdict.quote = _quote(verdict)
    return verdict


def _justification(v: Verdict, penalties: dict[str, float]) -> str:
    parts: list[str] = []
    if v.findings:
        best = v.findings[0]
        if best.rank == RUN_BY_CI:
            parts.append(f"Run by CI: {best.signal.label} - {best.via}.")
        else:
            word = STRENGTH_WORDS[best.rank].capitalize()
            same = [f for f in v.findings if f.signal is best.signal]
            parts.append(f"{word}: {best.signal.label} ({_locations(same)}).")
        others = list(
            dict.fromkeys(f.signal.label for f in v.findings if f.signal is not best.signal)
        )
        if others:
            parts.append(
                "Also found: " + "; ".join(others[:4]) + ("; ..." if len(others) > 4 else "") + "."
            )
    for iri, penalty in penalties.items():
        neg = [n for n in v.negatives if n.signal.iri == iri]
        text = f"Against it: {neg[0].signal.label} ({_locations(neg)})"
        parts.append(text + (f"; confidence lowered by {penalty:g}." if v.findings else "."))
    rule = {
        ("implemented", "automatic"): "Counts as implemented and automated: a CI workflow runs it.",
        (
            "implemented",
            "manual",
        ): "Counts as implemented, manual mode: configured, but not seen running in CI.",
        (
            "partial",
            None,
        ): (
            "Presence is not practice: stated as unknown (it may be in place; the repository "
            "does not show it), which does not count towards the proven level."
            if v.evidence_status == "unknown"
            else "Partly run by CI: stated as partial, which does not count towards levels."
        ),
        (
            "not-implemented",
            None,
        ): "No signal of the practice itself was found, so the scan states it as not implemented.",
    }[(v.status, v.mode)]
    parts.append(rule)
    return " ".join(parts)


def _quote(v: Verdict) -> str:
    first = v.findings[0] if v.findings else v.negatives[0]
    text = (
        f"{first.location}: {first.quote}"
        if first.quote and first.quote != "directory"
        else first.location
    )
    return shorten(text, MAX_QUOTE)


# -- the profile ----------------------------------------------------------------------------
DCT = DCTERMS
MODE_IRIS = {iri.rsplit("#", 1)[-1]: iri for iri in MODES.values()}  # verdicts say "automatic"
UNKNOWN_STATUS = CMLOPS + "status-unknown"


@functools.lru_cache(maxsize=1)
def model_knows_unknown() -> bool:
    """Whether the maturity model in use has the answer "unknown" (model v2: it counts as
    missing for the proven level and as possibly met for the potential level). A model without
    it gets "partial" for what the scan cannot tell, which its shapes accept."""
    core = ONTOLOGY_DIR / "core.ttl"
    return core.is_file() and "cmlops:status-unknown" in core.read_text(encoding="utf-8")


def status_iri(status: str) -> str:
    if status == "unknown":
        return UNKNOWN_STATUS if model_knows_unknown() else STATUSES["partial"]
    return STATUSES[status]


SCANNER_AGENT = "https://w3id.org/cmlops/agent/repository-scanner"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value: str, datatype: str | None = None) -> ox.Literal:
    """A literal of the profile; text never carries a credential out of the scan."""
    if datatype:
        return ox.Literal(value, datatype=_n(datatype))
    return ox.Literal(redact(value))


def file_iri(assessment: str, path: str) -> str:
    return f"{assessment}/file/{urllib.parse.quote(path, safe='/-._~')}"


def assessment_iri(organisation: str, date: dt.date) -> str:
    return f"{organisation.rstrip('/#')}/assessment/{date.isoformat()}-scan"


def build_profile(
    verdicts: list[Verdict],
    organisation: str,
    label: str,
    date: dt.date,
    version: str,
    name: str = "repository scan",
) -> Profile:
    """Organisation, assessment (method: repository scan) and one evidence per verdict."""
    a = _n(RDF + "type")
    rdfs_label = _n(RDFS + "label")
    org, asm, agent = _n(organisation), _n(assessment_iri(organisation, date)), _n(SCANNER_AGENT)
    t = [
        ox.Triple(org, a, _n("http://www.w3.org/ns/org#Organization")),
        ox.Triple(org, rdfs_label, _lit(label)),
        ox.Triple(asm, a, _n(CMLOPS + "Assessment")),
        ox.Triple(asm, rdfs_label, _lit(f"Repository scan of {label}")),
        ox.Triple(asm, _n(CMLOPS + "assesses"), org),
        ox.Triple(asm, _n(DCT + "date"), _lit(date.isoformat(), XSD + "date")),
        ox.Triple(asm, _n(CMLOPS + "method"), _n(METHODS["repository-scan"])),
        ox.Triple(asm, _n(PROV + "wasAssociatedWith"), agent),
        ox.Triple(agent, a, _n(PROV + "Agent")),
        ox.Triple(agent, rdfs_label, _lit(f"cmlops-kg repository scanner {version}")),
    ]
    files: set[str] = set()
    for v in verdicts:
        ev = _n(f"{asm.value}/evidence/{urllib.parse.quote(v.key, safe='-._~')}")
        t += [
            ox.Triple(ev, a, _n(CMLOPS + "Evidence")),
            ox.Triple(ev, _n(PROV + "wasGeneratedBy"), asm),
            ox.Triple(ev, _n(CMLOPS + "aboutPractice"), _n(v.practice)),
            ox.Triple(ev, _n(CMLOPS + "status"), _n(status_iri(v.evidence_status))),
            ox.Triple(ev, _n(CMLOPS + "confidence"), _lit(f"{v.confidence:.2f}", XSD + "decimal")),
            ox.Triple(ev, _n(CMLOPS + "justification"), _lit(v.justification)),
            ox.Triple(ev, _n(CMLOPS + "quote"), _lit(v.quote)),
        ]
        if v.mode:
            t.append(ox.Triple(ev, _n(EARL + "mode"), _n(MODE_IRIS[v.mode])))
        everything = v.findings + v.negatives
        detectors = dict.fromkeys(f"cmlops:{f.signal.name}" for f in everything)
        detectors.update(dict.fromkeys(f"ci:{f.provider}" for f in everything if f.provider))
        t += [ox.Triple(ev, _n(CMLOPS + "detector"), _lit(d)) for d in detectors]
        for location in list(dict.fromkeys(f.location for f in everything))[:MAX_SOURCES]:
            t.append(ox.Triple(ev, _n(DCT + "source"), _lit(location)))
        for path in list(dict.fromkeys(f.path for f in everything))[:MAX_SOURCES]:
            node = _n(file_iri(asm.value, path))
            t.append(ox.Triple(ev, _n(PROV + "wasDerivedFrom"), node))
            if path not in files:
                files.add(path)
                t += [
                    ox.Triple(node, a, _n(PROV + "Entity")),
                    ox.Triple(node, rdfs_label, _lit(path)),
                ]
    return Profile(name=name, triples=t)
