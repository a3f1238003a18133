"""Combining several assessments of one organisation into one (``cmlops-kg merge``).

A repository scan sees what a repository shows (CI, configuration, tools) but not how people
work (shared backlog, code review, risk assessment); a questionnaire is the opposite. A
scan-only assessment therefore says "proven 0, up to N; these K practices need an answer", and
merging the questionnaire's answers fills those unknowns. ``merge`` takes the latest
assessment of each input and writes one new assessment, method ``cmlops:method-combined``.

How the evidence combines (the model's semantics are docs/maturity-model.md, step 1):

1. **What each input says about a criterion.** Input *i*'s statement about criterion C of
   practice P is its evidence about C if it has one, else its evidence about the whole of P
   (criterion evidence governs its criterion; practice evidence speaks for the criteria
   without their own) - exactly how the input alone is read. An input that declares the
   context an applicability rule fires on (the rule's ``when`` value, or another value of the
   factor of its ``unless`` value) and says nothing about C states that C does not apply, with
   the rule's justification - as it alone would be read. Otherwise the input is silent on C:
   silence is no statement. A practice without criteria is its own single criterion.
2. **The strongest statement wins, per criterion.** Strongest first: implemented (automated,
   then semi-automated, then manual or no mode), justified not applicable, partial, planned,
   not implemented, unknown. Ties go to the higher stated confidence, then to evidence about
   the criterion over evidence about the practice over a context rule, then to the earlier
   input. An explicit *unknown* is the weakest statement, so it never hides another input's
   answer: merging fills unknowns, and silence everywhere stays unknown.
3. **Per practice, the strongest practice-level evidence** of the inputs is written as the
   combined assessment's evidence about the practice, when it still speaks for at least one
   criterion (see 4); a practice without criteria takes the winner of step 2.
4. **Criterion evidence is written** for C when some input has evidence about C itself, or
   when a context rule wins over another input's statement. Every other criterion has only
   practice-level statements, and its winner is the practice-level winner of step 3, so the
   combined practice evidence speaks for it. A criterion no input says anything about gets no
   evidence: in the combined context it is unknown, or excluded by a rule, as in each input.

So every criterion of the combined assessment is judged as the strongest of what the inputs
say about it. The combination is monotone (adding an input never lowers a criterion),
idempotent (an assessment merged with itself is judged as before) and, up to the order of
ties and of the provenance, independent of the order of the inputs.

Every combined piece of evidence is ``prov:wasDerivedFrom`` the evidence (and rule) it was
combined from; its justification keeps the winner's own, says which input it was taken from,
and names every input that states a different status ("Disagreement: the repository scan of
2026-01-05 states partial, about the whole practice"). Disagreement lowers the confidence:
the winner's (1 when it states none) minus 0.2 for each disagreeing input, at least 0.1.
Unknown statements and context rules that lose are not disagreements (a rule only fills
silence).

The combined assessment declares the union of the inputs' context; two inputs that declare
different values of one factor are refused, naming both. The target profile is carried over
(two different targets are refused likewise); a target declared in an input profile is copied
with its levels. Metric observations of every input are carried over. The organisation is the
one given, else that of the first input that is not a repository scan (a scan names its
repository), else the first input's; the date is the one given, else the latest input's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from cmlops_kg import vocab
from cmlops_kg.assessment.questionnaire import Catalogue, Rule, catalogue, grouped, local_name
from cmlops_kg.errors import InputError, SelectionError
from cmlops_kg.rdf.profiles import Profile
from cmlops_kg.rdf.terms import IRI
from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.vocab import CMLOPS, DCTERMS, EARL, ONTOLOGY_GRAPH, ORG, PROV, RDF_TYPE, XSD

RDFS_LABEL = vocab.RDFS_LABEL
DQV = vocab.DQV
STATUS_RANK = {  # lower is stronger evidence
    CMLOPS + "status-implemented": 0,
    CMLOPS + "status-not-applicable": 1,  # with a justification; without one: 5
    CMLOPS + "status-partial": 2,
    CMLOPS + "status-planned": 3,
    CMLOPS + "status-not-implemented": 4,
    CMLOPS + "status-unknown": 6,
}
UNJUSTIFIED_NOT_APPLICABLE = 5
LEVEL_ORDER = {"criterion": 0, "practice": 1, "rule": 2}
UNKNOWN = CMLOPS + "status-unknown"
NOT_APPLICABLE = CMLOPS + "status-not-applicable"
CONFLICT_PENALTY = 0.2
MIN_CONFIDENCE = 0.1
MERGED_GRAPH = "urn:cmlops:merge:combined"


@dataclass(frozen=True)
class Statement:
    """What one input says about one criterion or practice: its evidence, or a context rule."""

    index: int  # the input's position
    level: str  # criterion | practice | rule
    origin: str | None  # the evidence IRI, or the rule IRI (None for a blank node)
    status: str
    mode: str | None = None
    points: float = 0.5
    mode_order: int = 0
    justification: str | None = None
    confidence: float | None = None
    quote: str | None = None
    sources: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()

    def strength(self) -> tuple:
        rank = STATUS_RANK.get(self.status, 9)
        if self.status == NOT_APPLICABLE and not (self.justification or "").strip():
            rank = UNJUSTIFIED_NOT_APPLICABLE  # counts as not implemented, shapes refuse it
        implemented = rank == 0
        return (
            rank,
            -self.points if implemented else 0.0,
            -self.mode_order if implemented else 0,
            -(self.confidence if self.confidence is not None else 0.0),
            LEVEL_ORDER[self.level],
            self.index,
            self.origin or "",
        )


@dataclass
class Input:
    """One input profile's chosen assessment and what it says."""

    index: int
    name: str
    graph: str
    assessment: str
    organisation: str
    organisation_label: str
    method: str | None
    date: str
    words: str = ""
    context: dict[str, tuple[str, str]] = field(default_factory=dict)  # factor -> value, label
    factor_labels: dict[str, str] = field(default_factory=dict)
    target: str | None = None
    target_triples: list[ox.Triple] = field(default_factory=list)
    practices: dict[str, Statement] = field(default_factory=dict)
    criteria: dict[str, Statement] = field(default_factory=dict)
    criterion_practice: dict[str, str] = field(default_factory=dict)

    @property
    def is_scan(self) -> bool:
        return self.method == vocab.METHODS["repository-scan"]


@dataclass
class Combined:
    """One written piece of combined evidence."""

    kind: str  # criterion | practice
    about: str
    winner: Statement
    statements: list[Statement]
    disagreements: list[Statement]


@dataclass
class Combination:
    """The result of combining: the profile, the inputs, what was written, and the store the
    inputs are loaded in (to assess them side by side, see :func:`assess_side_by_side`)."""

    profile: Profile
    assessment: str
    organisation: str
    inputs: list[Input]
    evidence: list[Combined]
    store: EmbeddedStore

    @property
    def disagreements(self) -> int:
        return sum(1 for e in self.evidence if e.disagreements)

    def count(self, kind: str) -> int:
        return sum(1 for e in self.evidence if e.kind == kind)


# -- reading the inputs --------------------------------------------------------------------------
def _dataset(graph: str) -> list[str]:
    return [ONTOLOGY_GRAPH, graph]


def _read_input(
    store: EmbeddedStore, index: int, profile: Profile, organisation: str | None
) -> Input:
    graph = f"urn:cmlops:merge:input:{index}"
    store.replace_graph(graph, profile.triples)
    ds = _dataset(graph)
    rows = store.select("assessments", dataset=ds)
    if not rows:
        raise SelectionError(
            "the profile holds no assessment",
            where=profile.name,
            fix="give profiles with an assessment and its evidence (cmlops-kg import, scan)",
        )
    mine = [r for r in rows if organisation and str(r["organisation"]) == organisation]
    if not mine:
        orgs = sorted({str(r["organisation"]) for r in rows})
        if len(orgs) > 1:
            raise SelectionError(
                f"the profile describes {len(orgs)} organisations: {', '.join(orgs)}",
                where=profile.name,
                fix="choose the organisation to combine with --org IRI",
            )
        mine = rows
    row = mine[0]  # newest first
    date = row["date"]
    found = Input(
        index=index,
        name=profile.name,
        graph=graph,
        assessment=str(row["assessment"]),
        organisation=str(row["organisation"]),
        organisation_label=str(row["organisationLabel"] or row["organisation"]),
        method=str(row["method"]) if row["method"] else None,
        date=date.isoformat() if isinstance(date, dt.date) else str(date or ""),
    )
    method = str(row["methodLabel"] or "assessment")
    found.words = f"the {method} of {found.date}" if found.date else f"the {method}"
    for r in store.select("questionnaire_evidence", {"assessment": found.assessment}, dataset=ds):
        statement = _statement(index, r)
        if r["criterion"] is not None:
            key = str(r["criterion"])
            _keep_strongest(found.criteria, key, statement)
            if r["practice"] is not None:
                found.criterion_practice[key] = str(r["practice"])
        elif r["practice"] is not None:
            _keep_strongest(found.practices, str(r["practice"]), statement)
    for r in store.select("assessment_context", {"assessment": found.assessment}, dataset=ds):
        if r["kind"] == "context":
            found.context[str(r["factor"])] = (str(r["value"]), str(r["label"]))
            found.factor_labels[str(r["factor"])] = str(r["factorLabel"])
        elif r["kind"] == "target":
            found.target = str(r["value"])
    if found.target:
        found.target_triples = _target_triples(profile.triples, found.target)
    return found


def _statement(index: int, r: dict) -> Statement:
    evidence = r["evidence"]
    return Statement(
        index=index,
        level="criterion" if r["criterion"] is not None else "practice",
        origin=str(evidence) if isinstance(evidence, IRI) else None,
        status=str(r["status"]),
        mode=str(r["mode"]) if r["mode"] else None,
        points=float(r["modePoints"]) if r["modePoints"] is not None else 0.5,
        mode_order=int(r["modeOrder"]) if r["modeOrder"] is not None else 0,
        justification=str(r["justification"]) if r["justification"] else None,
        confidence=float(r["confidence"]) if r["confidence"] is not None else None,
        quote=str(r["quote"]) if r["quote"] else None,
        sources=tuple(s for s in str(r["sources"] or "").split(" ") if s),
    )


def _keep_strongest(found: dict[str, Statement], key: str, statement: Statement) -> None:
    """An input with two pieces of evidence for one thing (it does not validate): keep the
    stronger, so that the combined profile has one."""
    if key not in found or statement.strength() < found[key].strength():
        found[key] = statement


def _target_triples(triples: list[ox.Triple], target: str) -> list[ox.Triple]:
    """A target profile declared in the input profile: its triples and its levels'."""
    node = ox.NamedNode(target)
    own = [t for t in triples if t.subject == node]
    levels = {t.object for t in own if t.predicate.value == CMLOPS + "hasTargetLevel"}
    return own + [t for t in triples if t.subject in levels]


# -- combining -----------------------------------------------------------------------------------
def merge_profiles(
    profiles: list[Profile],
    organisation: str | None = None,
    label: str | None = None,
    date: dt.date | None = None,
) -> Profile:
    """One profile holding one combined assessment (see the module's docstring)."""
    return combine(profiles, organisation, label, date).profile


def combine(
    profiles: list[Profile],
    organisation: str | None = None,
    label: str | None = None,
    date: dt.date | None = None,
) -> Combination:
    """Combine the latest assessment of each profile into one; see the module's docstring."""
    if len(profiles) < 2:
        raise InputError("give at least two profiles to combine", fix="cmlops-kg merge A B ...")
    store = EmbeddedStore()
    store.load_ontology()
    cat = catalogue(store)
    inputs = [_read_input(store, i, p, organisation) for i, p in enumerate(profiles)]
    _distinct_assessments(inputs)
    _label_inputs(inputs)
    context = _context(inputs)
    target, target_triples = _target(inputs)
    lead = next((i for i in inputs if not i.is_scan), inputs[0])
    org = organisation or lead.organisation
    if organisation is None or organisation == lead.organisation:
        name = label or lead.organisation_label
    else:
        name = label or next(
            (i.organisation_label for i in inputs if i.organisation == organisation), organisation
        )
    day = (
        (date.isoformat() if date else None)
        or max(i.date for i in inputs)
        or (dt.date.today().isoformat())
    )
    digest = hashlib.sha256("|".join(sorted(i.assessment for i in inputs)).encode()).hexdigest()
    assessment = f"{org.rstrip('/#')}/assessment/{day}-combined-{digest[:8]}"
    evidence = _combine(cat, inputs)
    triples = _header(org, name, assessment, day, inputs, context, target, target_triples)
    words = {i.index: i.words for i in inputs}
    for item in evidence:
        triples += _evidence_triples(assessment, item, words)
    triples += _observations(store, assessment, inputs)
    return Combination(
        profile=Profile(name=f"combined:{org}", triples=grouped(triples)),
        assessment=assessment,
        organisation=org,
        inputs=inputs,
        evidence=evidence,
        store=store,
    )


def _distinct_assessments(inputs: list[Input]) -> None:
    seen: dict[str, Input] = {}
    for i in inputs:
        if i.assessment in seen:
            raise InputError(
                f"{seen[i.assessment].name} and {i.name} hold the same assessment {i.assessment}",
                fix="combine different assessments (a questionnaire and a scan, say); an "
                "assessment combined with itself adds nothing",
            )
        seen[i.assessment] = i


def _label_inputs(inputs: list[Input]) -> None:
    """'the questionnaire of 2026-01-05', with the file name when two read alike."""
    counts: dict[str, int] = {}
    for i in inputs:
        counts[i.words] = counts.get(i.words, 0) + 1
    for i in inputs:
        if counts[i.words] > 1:
            i.words = f"{i.words} ({i.name})"


def _context(inputs: list[Input]) -> dict[str, tuple[str, str]]:
    chosen: dict[str, tuple[str, str, Input]] = {}
    labels: dict[str, str] = {}
    for i in inputs:
        for factor, (value, label) in i.context.items():
            labels[factor] = i.factor_labels.get(factor, local_name(factor))
            if factor not in chosen:
                chosen[factor] = (value, label, i)
                continue
            other_value, other_label, other = chosen[factor]
            if other_value != value:
                raise InputError(
                    f"the inputs disagree on the context: {other.words} ({other.name}) "
                    f"declares {labels[factor].lower()} '{other_label}', {i.words} ({i.name}) "
                    f"declares '{label}'",
                    fix="correct the context of one of them (an assessment declares one value "
                    "per factor) and merge again",
                )
    return {f: (v, lab) for f, (v, lab, _) in chosen.items()}


def _target(inputs: list[Input]) -> tuple[str | None, list[ox.Triple]]:
    found: tuple[str, Input] | None = None
    for i in inputs:
        if not i.target:
            continue
        if found is None:
            found = (i.target, i)
        elif found[0] != i.target:
            raise InputError(
                f"the inputs aim for different targets: {found[1].words} ({found[1].name}) "
                f"names {local_name(found[0])}, {i.words} ({i.name}) names "
                f"{local_name(i.target)}",
                fix="give the same target in both, or remove it from one, and merge again",
            )
    if found is None:
        return None, []
    return found[0], found[1].target_triples


def _rule_statements(cat: Catalogue, inputs: list[Input]) -> dict[tuple[int, str], Statement]:
    """(input, criterion or practice) -> the 'not applicable' a rule states for an input that
    declares the context the rule fires on (merged per input: several rules, one statement)."""
    fired: dict[tuple[int, str], list[Rule]] = {}
    # a rule with several `unless` values is several catalogue rows: it keeps the item unless
    # ANY of them is declared, so each row is read against all of its rule's values
    unless_of: dict[str, set[str]] = {}
    for rule in cat.rules:
        if rule.unless is not None:
            unless_of.setdefault(rule.iri, set()).add(rule.unless)
    for i in inputs:
        values = {value for value, _ in i.context.values()}
        for rule in cat.rules:
            by_when = rule.when is not None and rule.when in values
            by_unless = (
                rule.unless is not None
                and rule.unless_factor in i.context
                and i.context[rule.unless_factor][0] not in unless_of[rule.iri]
            )
            if not (by_when or by_unless):
                continue
            practice = cat.practices.get(rule.excluded)
            targets = [rule.excluded]
            if practice is not None and practice.criteria:
                targets = [c.iri for c in practice.criteria]
            for target in targets:
                fired.setdefault((i.index, target), []).append(rule)
    return {
        key: Statement(
            index=key[0],
            level="rule",
            origin=rules[0].iri,
            status=NOT_APPLICABLE,
            justification=" ".join(sorted({r.justification for r in rules})),
            rules=tuple(sorted({r.iri for r in rules})),
        )
        for key, rules in fired.items()
    }


def _combine(cat: Catalogue, inputs: list[Input]) -> list[Combined]:
    rules = _rule_statements(cat, inputs)
    criteria_of: dict[str, list[str]] = {p: [] for p in cat.practices}
    for c in cat.criteria.values():
        criteria_of.setdefault(c.practice, []).append(c.iri)
    for i in inputs:  # evidence about terms the ontology does not know: kept, validation says
        for p in i.practices:
            criteria_of.setdefault(p, [])
        for c in i.criteria:
            if c in cat.criteria:
                continue
            p = i.criterion_practice.get(c)
            if p is not None and c not in criteria_of.setdefault(p, []):
                criteria_of[p].append(c)
            elif p is None:
                criteria_of.setdefault(c, [c])  # a criterion of no known practice stands alone
    written: list[Combined] = []
    for practice, criteria in criteria_of.items():
        if not criteria or criteria == [practice]:
            written += _combine_unit(practice, inputs, rules, kind="practice")
            continue
        practice_level = [i.practices[practice] for i in inputs if practice in i.practices]
        speaks_for_some = False
        for criterion in criteria:
            statements = []
            for i in inputs:
                said = (
                    i.criteria.get(criterion)
                    or i.practices.get(practice)
                    or rules.get((i.index, criterion))
                )
                if said is not None:
                    statements.append(said)
            if not statements:
                continue
            winner = min(statements, key=Statement.strength)
            specific = any(criterion in i.criteria for i in inputs)
            overriding_rule = winner.level == "rule" and any(s.level != "rule" for s in statements)
            if specific or overriding_rule:
                written.append(_combined("criterion", criterion, winner, statements))
            elif winner.level != "rule":
                speaks_for_some = True
        if practice_level and speaks_for_some:
            best = min(practice_level, key=Statement.strength)
            written.append(_combined("practice", practice, best, practice_level))
    return written


def _combine_unit(
    practice: str, inputs: list[Input], rules: dict[tuple[int, str], Statement], kind: str
) -> list[Combined]:
    """A practice without criteria: judged as its own single criterion."""
    statements = []
    for i in inputs:
        said = i.practices.get(practice) or rules.get((i.index, practice))
        if said is None and practice in i.criteria:
            said = i.criteria[practice]
            kind = "criterion"
        if said is not None:
            statements.append(said)
    if not any(s.level != "rule" for s in statements):
        return []  # only rules (or nothing): the combined context says the same
    winner = min(statements, key=Statement.strength)
    return [_combined(kind, practice, winner, statements)]


def _combined(kind: str, about: str, winner: Statement, statements: list[Statement]) -> Combined:
    disagreements = [
        s
        for s in statements
        if s is not winner
        and s.status != winner.status
        and s.status != UNKNOWN
        and s.level != "rule"
    ]
    return Combined(kind, about, winner, statements, disagreements)


# -- writing -------------------------------------------------------------------------------------
def _header(
    org: str,
    name: str,
    assessment: str,
    day: str,
    inputs: list[Input],
    context: dict[str, tuple[str, str]],
    target: str | None,
    target_triples: list[ox.Triple],
) -> list[ox.Triple]:
    n, lit = ox.NamedNode, ox.Literal
    o, asm = n(org), n(assessment)
    t = [
        ox.Triple(o, n(RDF_TYPE), n(ORG + "Organization")),
        ox.Triple(o, n(RDFS_LABEL), lit(name)),
        ox.Triple(asm, n(RDF_TYPE), n(CMLOPS + "Assessment")),
        ox.Triple(asm, n(RDFS_LABEL), lit(f"{name}: combined evidence of {day}")),
        ox.Triple(asm, n(CMLOPS + "assesses"), o),
        ox.Triple(asm, n(DCTERMS + "date"), lit(day, datatype=n(XSD + "date"))),
        ox.Triple(asm, n(CMLOPS + "method"), n(vocab.METHODS["combined"])),
    ]
    t += [ox.Triple(asm, n(PROV + "wasInformedBy"), n(i.assessment)) for i in inputs]
    t += [ox.Triple(asm, n(CMLOPS + "inContext"), n(v)) for v, _ in context.values()]
    if target:
        t.append(ox.Triple(asm, n(CMLOPS + "target"), n(target)))
        t += target_triples
    return t


def _status_words(statement: Statement) -> str:
    words = local_name(statement.status).removeprefix("status-").replace("-", " ")
    if statement.status == CMLOPS + "status-implemented" and statement.mode:
        mode = {EARL + "automatic": "automated", EARL + "semiAuto": "semi-automated"}
        words += f" ({mode.get(statement.mode, local_name(statement.mode).rsplit('#')[-1])})"
    return words


def _about_words(statement: Statement) -> str:
    return {
        "criterion": "about this criterion",
        "practice": "about the whole practice",
        "rule": "by the context it declares",
    }[statement.level]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def justification(item: Combined, words: dict[int, str]) -> str:
    """The combined evidence's justification: the winner's own, where it comes from, who
    agrees and who disagrees."""
    w = item.winner
    parts = [_sentence(w.justification)] if w.justification else []
    parts.append(f"Combined evidence: taken from {words[w.index]}, {_about_words(w)}.")
    agree = sorted(
        {words[s.index] for s in item.statements if s.index != w.index and s.status == w.status}
    )
    if agree:
        parts.append(f"Also stated by {', '.join(agree)}.")
    if item.disagreements:
        stated = "; ".join(
            f"{words[s.index]} states {_status_words(s)}, {_about_words(s)}"
            for s in sorted(item.disagreements, key=Statement.strength)
        )
        parts.append(f"Disagreement: {stated}.")
    return " ".join(parts)


def confidence(item: Combined) -> float | None:
    """The winner's confidence, lowered by 0.2 per disagreeing input (at least 0.1)."""
    disagreeing = len({s.index for s in item.disagreements})
    if not disagreeing:
        return item.winner.confidence
    base = item.winner.confidence if item.winner.confidence is not None else 1.0
    return max(MIN_CONFIDENCE, round(base - CONFLICT_PENALTY * disagreeing, 2))


def _evidence_triples(assessment: str, item: Combined, words: dict[int, str]) -> list[ox.Triple]:
    n, lit = ox.NamedNode, ox.Literal
    name = local_name(item.about)
    if not all(c.isalnum() or c in "._-" for c in name):
        name = hashlib.sha256(item.about.encode()).hexdigest()[:16]
    ev = n(f"{assessment}/evidence/{name}")
    w = item.winner
    about = "aboutCriterion" if item.kind == "criterion" else "aboutPractice"
    t = [
        ox.Triple(ev, n(RDF_TYPE), n(CMLOPS + "Evidence")),
        ox.Triple(ev, n(PROV + "wasGeneratedBy"), n(assessment)),
        ox.Triple(ev, n(CMLOPS + about), n(item.about)),
        ox.Triple(ev, n(CMLOPS + "status"), n(w.status)),
        ox.Triple(ev, n(CMLOPS + "justification"), lit(justification(item, words))),
    ]
    if w.mode:
        t.append(ox.Triple(ev, n(EARL + "mode"), n(w.mode)))
    value = confidence(item)
    if value is not None:
        t.append(
            ox.Triple(
                ev, n(CMLOPS + "confidence"), lit(f"{value:.2f}", datatype=n(XSD + "decimal"))
            )
        )
    if w.quote:
        t.append(ox.Triple(ev, n(CMLOPS + "quote"), lit(w.quote[:300])))
    for source in w.sources:
        obj = n(source) if source.startswith(("http://", "https://", "urn:")) else lit(source)
        t.append(ox.Triple(ev, n(DCTERMS + "source"), obj))
    derived = {s.origin for s in item.statements if s.origin and s.level != "rule"}
    derived |= {r for s in item.statements if s is w for r in s.rules}
    t += [ox.Triple(ev, n(PROV + "wasDerivedFrom"), n(o)) for o in sorted(derived)]
    return t


def _observations(store: EmbeddedStore, assessment: str, inputs: list[Input]) -> list[ox.Triple]:
    """Metric observations of every input, re-attributed to the combined assessment."""
    n, lit = ox.NamedNode, ox.Literal
    asm = n(assessment)
    t: list[ox.Triple] = []
    for i in inputs:
        rows = store.select("outcomes", {"assessment": i.assessment}, dataset=_dataset(i.graph))
        for r in rows:
            end = r["periodEnd"]
            key = hashlib.sha256(f"{i.assessment}|{r['observation']}|{r['metric']}|{end}".encode())
            obs = n(f"{assessment}/metric/{key.hexdigest()[:12]}")
            t += [
                ox.Triple(obs, n(RDF_TYPE), n(CMLOPS + "MetricObservation")),
                ox.Triple(obs, n(PROV + "wasGeneratedBy"), asm),
                ox.Triple(obs, n(DQV + "isMeasurementOf"), n(str(r["metric"]))),
                ox.Triple(
                    obs, n(DQV + "value"), lit(repr(float(r["value"])), datatype=n(XSD + "decimal"))
                ),
                ox.Triple(obs, n(CMLOPS + "unit"), n(str(r["unit"]))),
            ]
            if r["observation"] is not None and isinstance(r["observation"], IRI):
                t.append(ox.Triple(obs, n(PROV + "wasDerivedFrom"), n(str(r["observation"]))))
            for prop, day in (("periodStart", r["periodStart"]), ("periodEnd", end)):
                if day:
                    text = day.isoformat() if isinstance(day, dt.date) else str(day)
                    t.append(ox.Triple(obs, n(CMLOPS + prop), lit(text, datatype=n(XSD + "date"))))
    return t


# -- the inputs and the combination side by side ----------------------------------------------
@dataclass(frozen=True)
class Standing:
    """Where one assessment stands: readiness proven and potential, the open questions."""

    words: str
    readiness: int
    potential: int
    open_questions: int  # every practice whose answer may raise a dimension
    blocking: list[str]  # those whose answer may raise readiness, first to ask

    def line(self) -> str:
        upto = f", up to {self.potential}" if self.potential > self.readiness else ""
        if self.blocking:
            k = len(self.blocking)
            names = ", ".join(self.blocking[:5]) + (", ..." if k > 5 else "")
            need = f"; {'this practice needs' if k == 1 else f'these {k} practices need'} an "
            return f"{self.words}: readiness {self.readiness}{upto}{need}answer: {names}"
        if self.open_questions:
            n = self.open_questions
            return (
                f"{self.words}: readiness {self.readiness}{upto}; {n} open question"
                f"{'s' if n != 1 else ''}, none of which can raise readiness"
            )
        return f"{self.words}: readiness {self.readiness}{upto}; no open question"


def assess_side_by_side(combination: Combination) -> list[Standing]:
    """Each input's standing, then the combination's: what merging filled."""
    from cmlops_kg.assessment.engine import Assessor

    store = combination.store
    store.replace_graph(MERGED_GRAPH, combination.profile.triples)
    engine = Assessor(store)
    standings = []
    targets: Iterable[tuple[str, str, str]] = [
        *((i.graph, i.assessment, i.words) for i in combination.inputs),
        (MERGED_GRAPH, combination.assessment, "combined"),
    ]
    for graph, assessment, words in targets:
        store.materialise(graph, [assessment])
        result = engine.result(assessment=assessment)
        standings.append(
            Standing(
                words=words,
                readiness=result.readiness.level,
                potential=result.readiness.potential,
                open_questions=len(result.open_questions),
                blocking=[q.label for q in result.open_questions if q.blocks_readiness],
            )
        )
    return standings
