"""An independent oracle for the cmlops maturity semantics (model v2).

This module re-implements docs/maturity-model.md step by step in plain Python over rdflib Graph
methods (``triples``, ``subjects``, ``objects``, ``value``): no SPARQL, no property-path strings and
nothing from the ``cmlops_kg`` package. It is the referee the SPARQL engine is tested against, so
it favours being obviously right over being clever. The ontology is indexed once, in
``Oracle.__init__``; ``Oracle.assess`` then only walks the (small) profile graph.

Where the specification leaves a choice open, the choice made here is written in a comment
starting with ``READING:`` so that the spec and the engine can be aligned with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

CMLOPS = Namespace("https://w3id.org/cmlops#")
EARL = Namespace("http://www.w3.org/ns/earl#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")

STATUS_PARTIAL = CMLOPS["status-partial"]
STATUS_PLANNED = CMLOPS["status-planned"]
DEFAULT_POINTS = 0.5  # Step 1: 0.5 when the governing evidence states no mode
TOP_LEVEL = 4  # the highest cmlops level; "4 when there is none"
FIRST_EXTERNAL_PHASE = 3  # Step 8: external models get phases 3, 4, ...
OBLIGATION_PHASE = 0  # Step 8: phase 0, the obligations that apply
GUARD_PROPERTIES = (CMLOPS.prevents, CMLOPS.detects, CMLOPS.recovers, CMLOPS.guards)


def load_turtle(paths: Iterable[str | Path]) -> Graph:
    """Parse Turtle files into one graph (a convenience for the tests)."""
    graph = Graph()
    for path in paths:
        graph.parse(str(path), format="turtle")
    return graph


# --- small helpers over literals and graphs ---------------------------------------------------


def _as_bool(node: Node | None, default: bool) -> bool:
    if node is None:
        return default
    if isinstance(node, Literal):
        value = node.toPython()
        if isinstance(value, bool):
            return value
        return str(node).strip().lower() in ("true", "1")
    return default


def _as_int(node: Node | None) -> int | None:
    if not isinstance(node, Literal):
        return None
    try:
        return int(node.toPython())
    except (TypeError, ValueError):
        try:
            return int(str(node))
        except ValueError:
            return None


def _as_float(node: Node | None) -> float | None:
    if not isinstance(node, Literal):
        return None
    try:
        return float(node.toPython())
    except (TypeError, ValueError):
        try:
            return float(str(node))
        except ValueError:
            return None


def _first(nodes: Iterable[Node]) -> Node | None:
    """The smallest of several values (by their string form), for deterministic picks."""
    ordered = sorted(nodes, key=str)
    return ordered[0] if ordered else None


def _closure(start: str, edges: dict[str, set[str]]) -> set[str]:
    """Everything reachable from ``start`` in one or more steps (the ``+`` of a path)."""
    seen: set[str] = set()
    stack = list(edges.get(start, ()))
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(edges.get(node, ()))
    return seen


def _pick_label(graph: Graph, node: Node) -> str:
    # READING: a practice's label for ordering is its rdfs:label, English first, then untagged,
    # then any other language; among several candidates the smallest string; the IRI when there
    # is none. Labels compare as Python strings (code point order).
    labels = [o for o in graph.objects(node, RDFS.label) if isinstance(o, Literal)]
    for wanted in ("en", None):
        candidates = sorted(str(o) for o in labels if o.language == wanted)
        if candidates:
            return candidates[0]
    if labels:
        return sorted(str(o) for o in labels)[0]
    return str(node)


def _r3(value: float) -> float:
    return round(value + 0.0, 3)


# --- the indexed catalogue ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Practice:
    iri: str
    dimension: str
    rank: int
    label: str
    criteria: tuple[str, ...]  # every criterion, sorted
    decisive: tuple[str, ...]  # R(P): the required criteria, or all if none is required


@dataclass(frozen=True)
class _Rule:
    iri: str
    excludes: frozenset[str]
    when: frozenset[str]
    unless: frozenset[str]
    justifications: tuple[str, ...]


@dataclass(frozen=True)
class _Requirement:
    iri: str
    level: str
    practices: tuple[str, ...]
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class _Obligation:
    iri: str
    items: tuple[str, ...]  # cmlops:fulfilledBy: practices and criteria, sorted
    applies_when: frozenset[str]  # context values, any one suffices
    applicable_from: str | None  # lexical form of cmlops:applicableFrom
    binds: frozenset[str] = frozenset()  # cmlops:bindsOperator: operator roles, any one suffices
    binds_factors: frozenset[str] = frozenset()  # the factors (skos:inScheme) of those roles


@dataclass(frozen=True)
class _Evidence:
    iri: str
    status: str | None
    mode: str | None
    justification: str | None


@dataclass
class _Outcome:
    """The judgement of one criterion (or the implicit criterion of a practice without any)."""

    state: str  # met | not-met | unknown | excluded
    possible: bool
    points: float
    reason: str | None
    says_partial: bool  # the governing evidence states status-partial
    says_planned: bool = False  # the governing evidence states status-planned


class Oracle:
    """The cmlops maturity semantics, computed in plain Python from an ontology graph."""

    def __init__(self, ontology: Graph) -> None:
        self.ontology = ontology
        g = ontology

        # Practices: instances of cmlops:Practice or of any of its subclasses (closure computed
        # here). READING: a practice without a dimension or a level rank cannot be judged and is
        # left out of the catalogue (the ontology QC requires both).
        subclass_edges: dict[str, set[str]] = {}
        for sub, _, sup in g.triples((None, RDFS.subClassOf, None)):
            subclass_edges.setdefault(str(sup), set()).add(str(sub))
        practice_classes = {str(CMLOPS.Practice)} | _closure(str(CMLOPS.Practice), subclass_edges)
        practice_nodes: set[Node] = set()
        for cls in practice_classes:
            practice_nodes.update(g.subjects(RDF.type, URIRef(cls)))

        criteria_of: dict[str, list[str]] = {}
        for crit, _, prac in g.triples((None, CMLOPS.criterionOf, None)):
            criteria_of.setdefault(str(prac), []).append(str(crit))

        self.practices: dict[str, _Practice] = {}
        for node in practice_nodes:
            dim = _first(g.objects(node, CMLOPS.inDimension))
            level = _first(g.objects(node, CMLOPS.requiredAtLevel))
            rank = _as_int(g.value(level, CMLOPS.levelRank)) if level is not None else None
            if dim is None or rank is None:
                continue
            crits = tuple(sorted(set(criteria_of.get(str(node), []))))
            required = tuple(
                c for c in crits if _as_bool(g.value(URIRef(c), CMLOPS.isRequired), True)
            )
            self.practices[str(node)] = _Practice(
                iri=str(node),
                dimension=str(dim),
                rank=rank,
                label=_pick_label(g, node),
                criteria=crits,
                # Step 2: all criteria if none is marked required.
                decisive=required or crits,
            )
        # criterion -> practice, for the criteria of catalogue practices only
        self.criterion_practice: dict[str, str] = {
            c: p.iri for p in self.practices.values() for c in p.criteria
        }

        # Prerequisites (cmlops:requires) between catalogue practices, and their closures.
        requires: dict[str, set[str]] = {}
        for s, _, o in g.triples((None, CMLOPS.requires, None)):
            if str(s) in self.practices and str(o) in self.practices:
                requires.setdefault(str(s), set()).add(str(o))
        # READING: a practice is never its own prerequisite, even in a (forbidden) cycle.
        # direct prerequisites, for the potential reading (Step 2: a practice cannot be in place
        # while one of its direct prerequisites is known to be missing)
        self.requires_direct: dict[str, frozenset[str]] = {
            p: frozenset(requires.get(p, set()) & set(self.practices)) - {p} for p in self.practices
        }
        self.requires_plus: dict[str, frozenset[str]] = {
            p: frozenset(_closure(p, requires) - {p}) for p in self.practices
        }
        self.required_by_plus: dict[str, set[str]] = {p: set() for p in self.practices}
        for p, prereqs in self.requires_plus.items():
            for q in prereqs:
                self.required_by_plus[q].add(p)

        # Dimensions that hold at least one practice, in display order (sortOrder, then IRI).
        # READING: dimensions without practices are not reported (they would sit at level 4 and
        # make every profile "lopsided").
        dims = {p.dimension for p in self.practices.values()}
        self.dimension_order: list[str] = sorted(
            dims, key=lambda d: (self._sort_order(URIRef(d)), d)
        )
        self.dimension_index = {d: i for i, d in enumerate(self.dimension_order)}
        self.practices_by_dimension: dict[str, list[_Practice]] = {d: [] for d in dims}
        for p in sorted(self.practices.values(), key=lambda p: p.iri):
            self.practices_by_dimension[p.dimension].append(p)

        # Statuses and modes (looked up in the ontology).
        self._status_cache: dict[str, tuple[bool, bool, bool]] = {}
        self.mode_points: dict[str, float] = {}
        for mode, _, pts in g.triples((None, CMLOPS.scorePoints, None)):
            value = _as_float(pts)
            if value is not None:
                self.mode_points[str(mode)] = value

        # Applicability rules, indexed by what they exclude.
        self.rules_about: dict[str, list[_Rule]] = {}
        for node in sorted(set(g.subjects(RDF.type, CMLOPS.ApplicabilityRule)), key=str):
            rule = _Rule(
                iri=str(node),
                excludes=frozenset(str(o) for o in g.objects(node, CMLOPS.excludes)),
                when=frozenset(str(o) for o in g.objects(node, CMLOPS.when)),
                unless=frozenset(str(o) for o in g.objects(node, CMLOPS.unless)),
                justifications=tuple(
                    sorted(str(o) for o in g.objects(node, CMLOPS.ruleJustification))
                ),
            )
            for target in rule.excludes:
                self.rules_about.setdefault(target, []).append(rule)

        # External models, their levels (skos:inScheme the model) and requirements.
        self.requirements: dict[str, _Requirement] = {}
        for node in set(g.subjects(RDF.type, CMLOPS.Requirement)):
            level = _first(g.objects(node, CMLOPS.ofExternalLevel))
            if level is None:
                continue
            self.requirements[str(node)] = _Requirement(
                iri=str(node),
                level=str(level),
                practices=tuple(sorted(str(o) for o in g.objects(node, CMLOPS.requiresPractice))),
                criteria=tuple(sorted(str(o) for o in g.objects(node, CMLOPS.requiresCriterion))),
            )
        level_nodes = set(g.subjects(RDF.type, CMLOPS.ExternalLevel)) | {
            URIRef(q.level) for q in self.requirements.values()
        }
        self.level_model: dict[str, str] = {}
        self.level_rank: dict[str, int] = {}
        builds_on: dict[str, set[str]] = {}
        for node in level_nodes:
            model = _first(g.objects(node, SKOS.inScheme))
            rank = _as_int(g.value(node, CMLOPS.levelRank))
            if model is None or rank is None:
                continue  # READING: a level without a model or a rank is ignored
            self.level_model[str(node)] = str(model)
            self.level_rank[str(node)] = rank
            builds_on[str(node)] = {str(o) for o in g.objects(node, CMLOPS.buildsOn)}
        own_requirements: dict[str, set[str]] = {}
        for q in self.requirements.values():
            own_requirements.setdefault(q.level, set()).add(q.iri)
        # Step 6: a level needs its own requirements and those of every level it builds on (+).
        self.level_requirements: dict[str, frozenset[str]] = {}
        for level in self.level_model:
            cumulative = set(own_requirements.get(level, ()))
            for lower in _closure(level, builds_on):
                cumulative |= own_requirements.get(lower, set())
            self.level_requirements[level] = frozenset(cumulative)
        # "any other model with requirements": the models some requirement's level belongs to,
        # in their sortOrder (then IRI); they get roadmap phases 3, 4, ...
        models = {
            self.level_model[q.level]
            for q in self.requirements.values()
            if q.level in self.level_model
        }
        self.model_order: list[str] = sorted(models, key=lambda m: (self._sort_order(URIRef(m)), m))
        self.model_levels: dict[str, list[str]] = {m: [] for m in models}
        for level, model in sorted(self.level_model.items()):
            if model in self.model_levels:
                self.model_levels[model].append(level)
        self.target_phase = FIRST_EXTERNAL_PHASE + len(self.model_order)
        # Step 6: a model that says cmlops:appliesWhen context values is reported only for
        # assessments that declare one of them. READING: the phase numbers above are a catalogue
        # fact: such a model keeps its phase (and the target phase stays after it) also in an
        # assessment it is not reported for; it then simply brings no items.
        self.model_applies_when: dict[str, frozenset[str]] = {
            m: frozenset(str(v) for v in g.objects(URIRef(m), CMLOPS.appliesWhen))
            for m in self.model_order
        }

        # Step 10: obligations. READING: the instances of cmlops:Obligation itself (no subclass
        # closure, the class has none); with several cmlops:applicableFrom dates (the ontology
        # gives one) the earliest counts; a fulfilledBy item that is neither a catalogue
        # practice nor a catalogue criterion is never met and never possible.
        self.obligations: dict[str, _Obligation] = {}
        for node in sorted(set(g.subjects(RDF.type, CMLOPS.Obligation)), key=str):
            start = _first(g.objects(node, CMLOPS.applicableFrom))
            self.obligations[str(node)] = _Obligation(
                iri=str(node),
                items=tuple(sorted({str(o) for o in g.objects(node, CMLOPS.fulfilledBy)})),
                applies_when=frozenset(str(o) for o in g.objects(node, CMLOPS.appliesWhen)),
                applicable_from=None if start is None else str(start),
                binds=frozenset(str(o) for o in g.objects(node, CMLOPS.bindsOperator)),
                binds_factors=frozenset(
                    str(f)
                    for o in g.objects(node, CMLOPS.bindsOperator)
                    for f in g.objects(o, SKOS.inScheme)
                ),
            )
        # every context value -> its factors, to tell which roles an assessment declares
        self.value_factors: dict[str, frozenset[str]] = {}
        for value in set(g.subjects(SKOS.inScheme, None)):
            self.value_factors[str(value)] = frozenset(
                str(f) for f in g.objects(value, SKOS.inScheme)
            )

        # Failure modes and their guards (catalogue practices and criteria only).
        # READING: cmlops:guards itself counts as well as its three subproperties; a guard that
        # is neither a catalogue practice nor a catalogue criterion is ignored.
        self.failure_modes: list[str] = sorted(
            str(f) for f in set(g.subjects(RDF.type, CMLOPS.FailureMode))
        )
        fm_set = set(self.failure_modes)
        self.guards_of: dict[str, set[str]] = {f: set() for f in self.failure_modes}
        guarded_by_unit: dict[str, set[str]] = {}
        for prop in GUARD_PROPERTIES:
            for s, _, o in g.triples((None, prop, None)):
                guard, fm = str(s), str(o)
                if fm not in fm_set:
                    continue
                if guard in self.practices or guard in self.criterion_practice:
                    self.guards_of[fm].add(guard)
                    guarded_by_unit.setdefault(guard, set()).add(fm)

        # Step 8 "unblocks": distinct failure modes the practice or its criteria guard, plus the
        # distinct dimensions of the practices that require it transitively (a catalogue fact,
        # the same in every assessment).
        self.unblocks: dict[str, int] = {}
        for p in self.practices.values():
            fms = set(guarded_by_unit.get(p.iri, ()))
            for c in p.criteria:
                fms |= guarded_by_unit.get(c, set())
            dependant_dims = {self.practices[d].dimension for d in self.required_by_plus[p.iri]}
            self.unblocks[p.iri] = len(fms) + len(dependant_dims)

    # --- lookups ---------------------------------------------------------------------------

    def _sort_order(self, node: Node) -> float:
        value = _as_float(self.ontology.value(node, CMLOPS.sortOrder))
        return float("inf") if value is None else value  # READING: no sortOrder sorts last

    def _status_flags(self, status: str | None) -> tuple[bool, bool, bool]:
        """(countsAsImplemented, isApplicable, isKnown) of a status.

        READING: absent flags default to not implemented, applicable and known (the spec only
        says "known ... true when absent"); evidence without a status is therefore known, not met.
        """
        if status is None:
            return (False, True, True)
        if status not in self._status_cache:
            node = URIRef(status)
            g = self.ontology
            self._status_cache[status] = (
                _as_bool(g.value(node, CMLOPS.countsAsImplemented), False),
                _as_bool(g.value(node, CMLOPS.isApplicable), True),
                _as_bool(g.value(node, CMLOPS.isKnown), True),
            )
        return self._status_cache[status]

    # --- assessments -------------------------------------------------------------------------

    @staticmethod
    def _date_key(profile: Graph, assessment: Node) -> str:
        # READING: dates compare by their lexical form (ISO 8601 sorts correctly); an assessment
        # without a date sorts before every dated one.
        date = _first(profile.objects(assessment, DCTERMS.date))
        return "" if date is None else str(date)

    def assessments(self, profile: Graph) -> list[str]:
        """Every assessment of the profile, oldest first (dcterms:date, then IRI)."""
        nodes = set(profile.subjects(RDF.type, CMLOPS.Assessment))
        return [str(n) for n in sorted(nodes, key=lambda n: (self._date_key(profile, n), str(n)))]

    def assess(self, profile: Graph, assessment: str | None = None) -> dict:
        """The full result of one assessment (the latest when ``assessment`` is None)."""
        ordered = self.assessments(profile)
        if not ordered:
            raise ValueError("the profile holds no cmlops:Assessment")
        if assessment is None:
            # READING: "the latest by dcterms:date, ties by IRI" = the greatest (date, IRI).
            assessment = ordered[-1]
        elif assessment not in ordered:
            raise ValueError(f"no assessment {assessment} in the profile")
        return _Run(self, profile, URIRef(assessment)).result()


class _Run:
    """One assessment being judged."""

    def __init__(self, oracle: Oracle, profile: Graph, assessment: URIRef) -> None:
        self.o = oracle
        self.profile = profile
        self.a = assessment
        self.context = {str(v) for v in profile.objects(assessment, CMLOPS.inContext)}
        self._index_evidence()

    # --- evidence ----------------------------------------------------------------------------

    def _index_evidence(self) -> None:
        p = self.profile
        by_criterion: dict[str, list[_Evidence]] = {}
        by_practice: dict[str, list[_Evidence]] = {}
        for ev in set(p.subjects(PROV.wasGeneratedBy, self.a)):
            # READING: only nodes typed cmlops:Evidence are evidence (metric observations are
            # generated by assessments too). Evidence about both a criterion and a practice
            # counts as evidence about each.
            if (ev, RDF.type, CMLOPS.Evidence) not in p:
                continue
            status = _first(p.objects(ev, CMLOPS.status))
            mode = _first(p.objects(ev, EARL.mode))
            # READING: several justifications (invalid) are sorted and joined by a space, like
            # rule justifications; "non-empty" means at least one character.
            texts = sorted(str(j) for j in p.objects(ev, CMLOPS.justification))
            item = _Evidence(
                iri=str(ev),
                status=None if status is None else str(status),
                mode=None if mode is None else str(mode),
                justification=" ".join(texts) if texts else None,
            )
            for c in p.objects(ev, CMLOPS.aboutCriterion):
                by_criterion.setdefault(str(c), []).append(item)
            for pr in p.objects(ev, CMLOPS.aboutPractice):
                by_practice.setdefault(str(pr), []).append(item)
        # READING: the shapes allow one evidence per assessment and criterion (or practice); if a
        # profile holds more, the one with the smallest IRI governs.
        self.ev_criterion = {k: min(v, key=lambda e: e.iri) for k, v in by_criterion.items()}
        self.ev_practice = {k: min(v, key=lambda e: e.iri) for k, v in by_practice.items()}

    def _rule_reason(self, unit: str, practice: str) -> str | None:
        """Step 1.3: the joined justifications of the rules that exclude ``unit`` here, or None."""
        rules = {r.iri: r for r in self.o.rules_about.get(unit, [])}
        rules.update({r.iri: r for r in self.o.rules_about.get(practice, [])})
        applying = [
            r
            for r in rules.values()
            # READING: a rule applies when ANY of its `when` values is declared, or NONE of its
            # `unless` values is declared; a rule with neither never applies.
            if (r.when & self.context) or (r.unless and not (r.unless & self.context))
        ]
        if not applying:
            return None
        # READING: identical justifications of several rules are given once; a rule without a
        # justification still excludes (its reason contributes nothing).
        texts = sorted({j for r in applying for j in r.justifications})
        return " ".join(texts)

    def _judge(self, unit: str, practice: str, governing: _Evidence | None) -> _Outcome:
        """Step 1 for one criterion ``unit`` of ``practice`` (``unit == practice`` for the
        implicit criterion of a practice without criteria)."""
        if governing is not None:
            counts, applicable, known = self.o._status_flags(governing.status)
            says_partial = governing.status == str(STATUS_PARTIAL)
            if not applicable and governing.justification:
                return _Outcome("excluded", False, 0.0, governing.justification, says_partial)
            if governing.status == str(STATUS_PLANNED) and not counts and known:
                return _Outcome("not-met", False, 0.0, None, False, says_planned=True)
            if counts:
                points = DEFAULT_POINTS
                if governing.mode is not None:
                    # READING: a mode without cmlops:scorePoints scores like no mode (0.5).
                    points = self.o.mode_points.get(governing.mode, DEFAULT_POINTS)
                return _Outcome("met", True, _r3(points), None, says_partial)
            if known:
                return _Outcome("not-met", False, 0.0, None, says_partial)
            return _Outcome("unknown", True, 0.0, None, says_partial)
        reason = self._rule_reason(unit, practice)
        if reason is not None:
            return _Outcome("excluded", False, 0.0, reason, False)
        return _Outcome("unknown", True, 0.0, None, False)

    # --- the result ----------------------------------------------------------------------------

    def result(self) -> dict:
        o = self.o
        criteria: dict[str, dict] = {}
        practices: dict[str, dict] = {}
        crit_outcome: dict[str, _Outcome] = {}

        # Steps 1 and 2.
        for p in sorted(o.practices.values(), key=lambda p: p.iri):
            practice_ev = self.ev_practice.get(p.iri)
            if p.criteria:
                for c in p.criteria:
                    governing = self.ev_criterion.get(c, practice_ev)
                    out = self._judge(c, p.iri, governing)
                    crit_outcome[c] = out
                    criteria[c] = {
                        "state": out.state,
                        "possible": out.possible,
                        "points": out.points,
                        "reason": out.reason,
                    }
                decisive = [crit_outcome[c] for c in p.decisive]
            else:
                # Step 2: a practice without criteria is judged as if it had exactly one
                # required criterion, itself (practice evidence and rules about the practice
                # govern it). READING: that implicit criterion is not listed under "criteria".
                decisive = [self._judge(p.iri, p.iri, practice_ev)]
            practices[p.iri] = self._practice_outcome(decisive)

        # Step 2, last rule: possible only while no direct prerequisite is known missing (by its
        # own criteria: not possible and not excluded). Applied to the criteria-based values, so
        # it is not recursive. A satisfied practice stays possible (proven never exceeds
        # potential; the contradiction is an answer to review).
        by_criteria = {p: dict(v) for p, v in practices.items()}
        for iri, po in practices.items():
            if (
                po["possible"]
                and not po["satisfied"]
                and any(
                    not by_criteria[q]["possible"] and not by_criteria[q]["excluded"]
                    for q in o.requires_direct[iri]
                )
            ):
                po["possible"] = False

        # Step 3.
        dimensions: dict[str, dict] = {}
        for d in o.dimension_order:
            proven, potential = TOP_LEVEL, TOP_LEVEL
            score, applicable, implemented, unknown = 0.0, 0, 0, 0
            for p in o.practices_by_dimension[d]:
                po = practices[p.iri]
                if po["excluded"]:
                    continue
                applicable += 1
                score += po["points"]
                if po["satisfied"]:
                    implemented += 1
                else:
                    proven = min(proven, p.rank - 1)
                    if po["possible"]:
                        unknown += 1
                if not po["possible"]:
                    potential = min(potential, p.rank - 1)
            dimensions[d] = {
                "level": proven,
                "potential": potential,
                "score": _r3(score),
                "max_score": float(applicable),
                "implemented": implemented,
                "applicable": applicable,
                "unknown": unknown,
            }

        # Step 4. READING: with no dimension at all, readiness and its potential are 4.
        levels = [dimensions[d]["level"] for d in o.dimension_order]
        readiness = min(levels, default=TOP_LEVEL)
        potential_readiness = min(
            (dimensions[d]["potential"] for d in o.dimension_order), default=TOP_LEVEL
        )
        limiting = sorted(d for d in o.dimension_order if dimensions[d]["level"] == readiness)
        lopsided = bool(levels) and max(levels) - min(levels) >= 2

        # Step 5.
        gaps_by_dim: dict[str, list[str]] = {}
        for d in o.dimension_order:
            level = dimensions[d]["level"]
            if level >= TOP_LEVEL:
                continue
            gaps_by_dim[d] = [
                p.iri
                for p in o.practices_by_dimension[d]
                if p.rank == level + 1
                and not practices[p.iri]["satisfied"]
                and not practices[p.iri]["excluded"]
            ]
        gaps = sorted([d, p, practices[p]["status"]] for d, ps in gaps_by_dim.items() for p in ps)

        # Step 6.
        external = self._external(practices, crit_outcome)

        # Step 10 (before the roadmap: its unmet items are phase 0).
        obligations = self._obligations(practices, crit_outcome)

        # Step 7. READING: after "label" the IRI breaks the last ties, as in the roadmap; the
        # "dimension order" is the dimensions' cmlops:sortOrder.
        open_items = []
        for p in o.practices.values():
            po = practices[p.iri]
            if not po["possible"] or po["satisfied"] or po["excluded"]:
                continue
            if p.rank > dimensions[p.dimension]["potential"]:
                continue
            blocks = p.rank <= potential_readiness
            open_items.append(
                ((not blocks, p.rank, o.dimension_index[p.dimension], p.label, p.iri), blocks)
            )
        open_items.sort()
        open_questions = [
            {"practice": key[-1], "blocks_readiness": blocks} for key, blocks in open_items
        ]

        # Target. READING: the reason of a target item names the target level T of its
        # dimension ("target:<dimension>:<T>"), not the next level.
        target = self._target()

        # Step 8.
        roadmap = self._roadmap(
            practices, dimensions, readiness, limiting, gaps_by_dim, external, target, obligations
        )

        # Step 9.
        interfaces = {}
        for fm in o.failure_modes:
            interfaces[fm] = self._guard_status(o.guards_of[fm], practices, crit_outcome)

        return {
            "assessment": str(self.a),
            "organisation": self._organisation(),
            "criteria": criteria,
            "practices": practices,
            "dimensions": dimensions,
            "readiness": {
                "level": readiness,
                "potential": potential_readiness,
                "limiting": limiting,
                "lopsided": lopsided,
            },
            "gaps": gaps,
            "external": {m: external[m]["public"] for m in external},
            "open_questions": open_questions,
            "roadmap": roadmap,
            "interfaces": interfaces,
            "target": target,
            "obligations": {iri: info["status"] for iri, info in obligations.items()},
        }

    def _organisation(self) -> str:
        # READING: the organisation is the (smallest) cmlops:assesses value; "" when absent.
        org = _first(self.profile.objects(self.a, CMLOPS.assesses))
        return "" if org is None else str(org)

    @staticmethod
    def _practice_outcome(decisive: list[_Outcome]) -> dict:
        """Step 2 from the outcomes of R(P)."""
        live = [c for c in decisive if c.state != "excluded"]
        excluded = not live  # every criterion in R(P) is excluded
        satisfied = not excluded and all(c.state == "met" for c in live)
        possible = not excluded and all(c.possible for c in live)
        if excluded:
            status = "not-applicable"
        elif satisfied:
            status = "implemented"
        elif any(c.state == "met" or c.says_partial for c in live):
            status = "partial"
        elif all(c.state == "unknown" for c in live):
            status = "unknown"
        elif any(c.says_planned for c in live):
            status = "planned"
        else:
            status = "not-implemented"
        points = min(c.points for c in live) if satisfied else 0.0
        return {
            "satisfied": satisfied,
            "possible": possible,
            "excluded": excluded,
            "status": status,
            "points": _r3(points),
        }

    def _requirement_state(
        self, q: _Requirement, practices: dict[str, dict], crit: dict[str, _Outcome]
    ) -> tuple[bool, bool]:
        """(met, possible) of a requirement (Step 6).

        A requirement naming several practices or criteria offers alternatives: it is met when
        any one of them is met, possible when any one is possible. READING: an alternative that
        is not in the catalogue is neither met nor possible; a requirement naming nothing is
        neither met nor possible.
        """
        met, possible = False, False
        for p in q.practices:
            po = practices.get(p)
            if po is not None:
                met = met or po["satisfied"] or po["excluded"]
                possible = possible or po["possible"] or po["excluded"]
        for c in q.criteria:
            co = crit.get(c)
            if co is not None:
                met = met or co.state in ("met", "excluded")
                possible = possible or co.possible or co.state == "excluded"
        return met, possible

    def _external(self, practices: dict[str, dict], crit: dict[str, _Outcome]) -> dict:
        o = self.o
        req_state = {
            q.iri: self._requirement_state(q, practices, crit) for q in o.requirements.values()
        }
        result = {}
        for model in o.model_order:
            wanted = o.model_applies_when[model]
            if wanted and not (wanted & self.context):
                continue  # a contextual model the assessment does not declare: not reported
            level, potential = 0, 0
            for lv in o.model_levels[model]:
                needed = o.level_requirements[lv]
                if all(req_state[q][0] for q in needed):
                    level = max(level, o.level_rank[lv])
                if all(req_state[q][1] for q in needed):
                    potential = max(potential, o.level_rank[lv])
            # READING: "missing for the next level" = the requirements (its own and those of the
            # levels it builds on) of the level(s) ranked level + 1 that are not met; empty at
            # the top. In a buildsOn chain this equals the next level's own unmet requirements.
            missing: set[str] = set()
            next_levels = [lv for lv in o.model_levels[model] if o.level_rank[lv] == level + 1]
            for lv in next_levels:
                missing |= {q for q in o.level_requirements[lv] if not req_state[q][0]}
            result[model] = {
                "public": {
                    "level": level,
                    "potential": potential,
                    "missing_for_next": sorted(missing),
                },
                "next_rank": level + 1 if next_levels else None,
            }
        return result

    def _item_state(
        self, item: str, practices: dict[str, dict], crit: dict[str, _Outcome]
    ) -> tuple[bool, bool]:
        """(met, possible-or-excluded) of one item an obligation is fulfilled by (Step 10): a
        practice is met when satisfied or excluded, a criterion when met or excluded; "possible"
        here already counts an excluded item."""
        po = practices.get(item)
        if po is not None:
            return po["satisfied"] or po["excluded"], po["possible"] or po["excluded"]
        co = crit.get(item)
        if co is not None:
            excluded = co.state == "excluded"
            return co.state == "met" or excluded, co.possible or excluded
        return False, False

    def _obligations(self, practices: dict[str, dict], crit: dict[str, _Outcome]) -> dict:
        """Step 10: {obligation: {"status": ..., "open_items": [...]}} for every obligation."""
        # READING: the assessment's date is its (smallest) dcterms:date in the profile; dates
        # compare by their lexical form, as assessments are ordered. An obligation with an
        # applicableFrom date does not yet apply to an assessment without a date.
        date_node = _first(self.profile.objects(self.a, DCTERMS.date))
        date = None if date_node is None else str(date_node)
        out: dict[str, dict] = {}
        for ob in self.o.obligations.values():
            states = {i: self._item_state(i, practices, crit) for i in ob.items}
            risk_ok = not ob.applies_when or bool(ob.applies_when & self.context)
            # READING: the roles' factor is undeclared when no declared value is in a scheme of
            # one of the bound roles; then every duty applies (the role is unknown).
            declares_role = any(
                self.o.value_factors.get(v, frozenset()) & ob.binds_factors for v in self.context
            )
            role_ok = not ob.binds or not declares_role or bool(ob.binds & self.context)
            context_ok = risk_ok and role_ok
            date_ok = ob.applicable_from is None or (
                date is not None and ob.applicable_from <= date
            )
            # READING: an obligation without any fulfilledBy item is not met and not possible
            # ("unmet" whenever it applies), as the SPARQL engine has it: the catalogue cannot
            # show that it is fulfilled, and a legal baseline is never met vacuously. It brings
            # nothing to the roadmap. (Read as a universal over an empty set it would be "met";
            # the spec does not say so.)
            if not context_ok:  # the context fails (whatever the date)
                status = "not-applicable"
            elif not date_ok:  # only the date fails
                status = "not-yet-applicable"
            elif ob.items and all(met for met, _ in states.values()):
                status = "met"
            elif ob.items and all(possible for _, possible in states.values()):
                status = "unknown"
            else:
                status = "unmet"
            out[ob.iri] = {
                "status": status,
                "open_items": [i for i in ob.items if not states[i][0]],
            }
        return out

    def _target(self) -> dict[str, int] | None:
        """The target profile of the assessment: {dimension: rank}, or None without one.

        READING: a target profile is read from the profile graph and the ontology together; a
        declared target with no target levels gives {}; several target levels for one dimension
        (or several targets) give the highest rank.
        """
        targets = list(self.profile.objects(self.a, CMLOPS.target))
        if not targets:
            return None
        out: dict[str, int] = {}
        graphs = (self.profile, self.o.ontology)
        for t in targets:
            levels = {tl for g in graphs for tl in g.objects(t, CMLOPS.hasTargetLevel)}
            for tl in levels:
                dim = _first(d for g in graphs for d in g.objects(tl, CMLOPS.ofDimension))
                rank_node = _first(r for g in graphs for r in g.objects(tl, CMLOPS.levelRank))
                rank = _as_int(rank_node)
                if dim is None or rank is None:
                    continue
                out[str(dim)] = max(rank, out.get(str(dim), rank))
        return out

    def _roadmap(
        self,
        practices: dict[str, dict],
        dimensions: dict[str, dict],
        readiness: int,
        limiting: list[str],
        gaps_by_dim: dict[str, list[str]],
        external: dict,
        target: dict[str, int] | None,
        obligations: dict,
    ) -> list[dict]:
        o = self.o

        def open_(p: str) -> bool:
            return not practices[p]["satisfied"] and not practices[p]["excluded"]

        # (phase, reason) pairs per practice, before prerequisites.
        base: dict[str, set[tuple[int, str]]] = {}

        def add(p: str, phase: int, reason: str) -> None:
            if open_(p):  # satisfied or excluded items never appear
                base.setdefault(p, set()).add((phase, reason))

        # Phase 0: the practices that an applying, unmet obligation is fulfilled by (a criterion
        # brings its practice), reason "obligation:<O>". READING: "unmet" here means not met, so
        # an obligation that is possibly met (status unknown) counts, as unknown gaps and
        # possible requirements do; and only its items that are not met bring their practice
        # (step 10: "their unmet items are phase 0"): a criterion that is met or excluded brings
        # nothing, even when its practice is not satisfied. An item whose practice is satisfied
        # (an unmet supporting criterion) or excluded never appears, like every item.
        for iri, info in obligations.items():
            if info["status"] not in ("unknown", "unmet"):
                continue
            for item in info["open_items"]:
                practice = item if item in o.practices else o.criterion_practice.get(item)
                if practice is not None:
                    add(practice, OBLIGATION_PHASE, f"obligation:{iri}")

        # Phases 1 and 2: the gaps. Every gap of D at level L + 1 has "dimension:D:L+1"; a gap
        # of a limiting dimension also has "readiness:R+1" (only when R < 4, and then every
        # limiting dimension has gaps at level R + 1).
        for d, gap_practices in gaps_by_dim.items():
            next_level = dimensions[d]["level"] + 1
            for p in gap_practices:
                add(p, 2, f"dimension:{d}:{next_level}")
                if readiness < TOP_LEVEL and d in limiting:
                    add(p, 1, f"readiness:{readiness + 1}")

        # Phases 3, 4, ...: the practices of the requirements missing for each model's next level
        # (a criterion requirement brings its practice). READING: a missing requirement with
        # alternatives brings the practices of all its alternatives (each would meet it).
        for i, model in enumerate(o.model_order):
            info = external.get(model)
            if info is None or info["next_rank"] is None:
                continue  # not reported here (Step 6), or at the top
            for q in info["public"]["missing_for_next"]:
                req = o.requirements[q]
                brought = set(req.practices) | {
                    o.criterion_practice[c] for c in req.criteria if c in o.criterion_practice
                }
                for p in brought:
                    if p in o.practices:
                        add(p, FIRST_EXTERNAL_PHASE + i, f"external:{model}:{info['next_rank']}")

        # The target phase: for each dimension D below its target T, the practices of D with
        # proven level < r(P) <= T.
        if target:
            for d, t in target.items():
                if d not in dimensions:
                    continue  # READING: a target for a dimension without practices is moot
                level = dimensions[d]["level"]
                if level >= t:
                    continue
                for p in o.practices_by_dimension[d]:
                    if level < p.rank <= t:
                        add(p.iri, o.target_phase, f"target:{d}:{t}")

        # Prerequisites: every open practice that an item requires (+) becomes an item with the
        # reason "prerequisite:<item>", whose phase is the item's (lowest) phase. Both the item
        # set and the phases are computed to a fixed point.
        items = set(base)
        prerequisite_of: dict[str, set[str]] = {}
        frontier = list(items)
        while frontier:
            item = frontier.pop()
            for q in o.requires_plus[item]:
                if not open_(q):
                    continue
                prerequisite_of.setdefault(q, set()).add(item)
                if q not in items:
                    items.add(q)
                    frontier.append(q)
        inf = 10**9
        phase = {p: min((ph for ph, _ in base.get(p, ())), default=inf) for p in items}
        changed = True
        while changed:
            changed = False
            for q, dependants in prerequisite_of.items():
                best = min([phase[q], *(phase[i] for i in dependants)])
                if best < phase[q]:
                    phase[q] = best
                    changed = True

        rows = []
        for p in items:
            reasons = {r for _, r in base.get(p, ())}
            reasons |= {f"prerequisite:{i}" for i in prerequisite_of.get(p, ())}
            pending = sum(1 for q in o.requires_plus[p] if open_(q))
            prac = o.practices[p]
            key = (phase[p], pending, prac.rank, -o.unblocks[p], prac.label, p)
            rows.append(
                (
                    key,
                    {
                        "practice": p,
                        "phase": phase[p],
                        "reasons": sorted(reasons),
                        "pending": pending,
                        "unblocks": o.unblocks[p],
                    },
                )
            )
        rows.sort(key=lambda row: row[0])
        return [row for _, row in rows]

    def _guard_status(
        self, guards: set[str], practices: dict[str, dict], crit: dict[str, _Outcome]
    ) -> str:
        """Step 9."""
        proven, possible, excluded = [], [], []
        for gd in guards:
            if gd in practices:
                po = practices[gd]
                proven.append(po["satisfied"])
                possible.append(po["possible"] and not po["excluded"])
                excluded.append(po["excluded"])
            else:
                co = crit[gd]
                proven.append(co.state == "met")
                possible.append(co.possible and co.state != "excluded")
                excluded.append(co.state == "excluded")
        if any(proven):
            return "guarded"
        if any(possible):
            return "unknown"
        if guards and all(excluded):
            return "not-applicable"
        return "unguarded"
