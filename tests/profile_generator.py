"""Random but valid-looking assessment profiles over whatever catalogue an ontology holds.

``random_profile(ontology, seed)`` reads the catalogue from the ontology graph (practices and
their criteria, implementation statuses, test modes, context factors and their values, target
presets, dimensions) and writes a profile graph that follows the shape of a real one:

- one organisation (``org:Organization`` with an ``rdfs:label``);
- 1-3 assessments (``cmlops:Assessment``) of it, with distinct ``dcterms:date`` values
  (``xsd:date``), each with a ``cmlops:method`` (questionnaire, audit or repository scan);
- per assessment, context values (``cmlops:inContext``): for each context factor, with
  probability 1/2, one of its values (never two values of the same factor);
- per assessment, with probability 1/3, a target (``cmlops:target``): usually a preset of the
  ontology, sometimes a ``cmlops:TargetProfile`` declared in the profile itself with target levels
  for a few dimensions;
- per assessment, evidence (``cmlops:Evidence``, ``prov:wasGeneratedBy`` the assessment) about
  some practices (``cmlops:aboutPractice``) and some criteria (``cmlops:aboutCriterion``), never
  two items for the same assessment and practice or the same assessment and criterion; statuses
  are drawn from every ``cmlops:ImplementationStatus`` of the ontology (so unknown and not
  applicable appear), and not applicable evidence ALWAYS carries a ``cmlops:justification``;
  modes (``earl:mode``) are random and sometimes absent. Many practices and criteria are left
  without any evidence.

To reach every level (not only level 0), each assessment draws a "maturity" per dimension: the
practices of a dimension required at or below it are mostly implemented, the others get any
status. Only the vocabulary IRIs are hard-coded; the same seed always gives the same profile.
"""

from __future__ import annotations

import datetime as dt
import random

from rdflib import RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, Namespace, URIRef

CMLOPS = Namespace("https://w3id.org/cmlops#")
EARL = Namespace("http://www.w3.org/ns/earl#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
ORG = Namespace("http://www.w3.org/ns/org#")

METHODS = [
    CMLOPS["method-questionnaire"],
    CMLOPS["method-audit"],
    CMLOPS["method-repository-scan"],
]
STATUS_IMPLEMENTED = CMLOPS["status-implemented"]
STATUS_NOT_APPLICABLE = CMLOPS["status-not-applicable"]


def _sorted(nodes) -> list:
    return sorted(set(nodes), key=str)


class _Catalogue:
    """What the generator needs to know about an ontology (read once per call)."""

    def __init__(self, g: Graph) -> None:
        classes = {CMLOPS.Practice}
        grew = True
        while grew:  # subclasses of cmlops:Practice, to any depth
            grew = False
            for sub in list(g.subjects(RDFS.subClassOf, None)):
                if sub not in classes and any((sub, RDFS.subClassOf, c) in g for c in classes):
                    classes.add(sub)
                    grew = True
        self.practices = _sorted(p for c in classes for p in g.subjects(RDF.type, c))
        self.practice_dim = {p: g.value(p, CMLOPS.inDimension) for p in self.practices}
        self.practice_rank = {}
        for p in self.practices:
            level = g.value(p, CMLOPS.requiredAtLevel)
            rank = g.value(level, CMLOPS.levelRank) if level is not None else None
            self.practice_rank[p] = int(rank) if rank is not None else 1
        practice_set = set(self.practices)
        self.criteria = _sorted(
            c for c, _, p in g.triples((None, CMLOPS.criterionOf, None)) if p in practice_set
        )
        self.criterion_practice = {c: g.value(c, CMLOPS.criterionOf) for c in self.criteria}
        self.statuses = _sorted(g.subjects(RDF.type, CMLOPS.ImplementationStatus))
        self.modes = _sorted(g.subjects(RDF.type, EARL.TestMode))
        self.factors: dict = {}
        for value in _sorted(g.subjects(RDF.type, CMLOPS.ContextValue)):
            factor = g.value(value, SKOS.inScheme)
            if factor is not None:
                self.factors.setdefault(factor, []).append(value)
        self.presets = _sorted(g.subjects(RDF.type, CMLOPS.TargetProfile))
        self.dimensions = _sorted(g.subjects(RDF.type, CMLOPS.Dimension))


def random_profile(ontology: Graph, seed: int) -> Graph:
    """A random, valid-looking profile over the catalogue of ``ontology`` (see the module doc)."""
    rng = random.Random(seed)
    cat = _Catalogue(ontology)
    ex = Namespace(f"https://example.org/generated/{seed}/")
    g = Graph()
    g.bind("cmlops", CMLOPS)
    g.bind("ex", ex)

    org = ex.org
    g.add((org, RDF.type, ORG.Organization))
    g.add((org, RDFS.label, Literal(f"Generated organisation {seed}")))

    n_assessments = rng.randint(1, 3)
    day_offsets = sorted(rng.sample(range(0, 1000), n_assessments))
    for i, offset in enumerate(day_offsets):
        a = ex[f"assessment/{i}"]
        date = dt.date(2024, 1, 1) + dt.timedelta(days=offset)
        g.add((a, RDF.type, CMLOPS.Assessment))
        g.add((a, CMLOPS.assesses, org))
        g.add((a, DCTERMS.date, Literal(date.isoformat(), datatype=XSD.date)))
        g.add((a, CMLOPS.method, rng.choice(METHODS)))

        for _factor, values in sorted(cat.factors.items(), key=lambda kv: str(kv[0])):
            if rng.random() < 0.5:
                g.add((a, CMLOPS.inContext, rng.choice(values)))

        if rng.random() < 1 / 3:
            if cat.presets and rng.random() < 0.75:
                g.add((a, CMLOPS.target, rng.choice(cat.presets)))
            elif cat.dimensions:
                target = ex[f"assessment/{i}/target"]
                g.add((a, CMLOPS.target, target))
                g.add((target, RDF.type, CMLOPS.TargetProfile))
                g.add((target, RDFS.label, Literal(f"Own target {i}")))
                chosen = rng.sample(cat.dimensions, rng.randint(1, len(cat.dimensions)))
                for d in _sorted(chosen):
                    level = BNode()
                    g.add((target, CMLOPS.hasTargetLevel, level))
                    g.add((level, RDF.type, CMLOPS.TargetLevel))
                    g.add((level, CMLOPS.ofDimension, d))
                    g.add((level, CMLOPS.levelRank, Literal(rng.randint(0, 4))))

        _add_evidence(g, rng, cat, ex, a, i)
    return g


def _add_evidence(
    g: Graph, rng: random.Random, cat: _Catalogue, ex: Namespace, a: URIRef, i: int
) -> None:
    maturity = {d: rng.randint(0, 4) for d in _sorted(cat.practice_dim.values())}
    practice_density = rng.choice([0.0, 0.2, 0.5, 0.8])
    criterion_density = rng.choice([0.0, 0.2, 0.5, 0.9]) if cat.criteria else 0.0
    n = 0

    def status_for(practice) -> URIRef:
        if cat.practice_rank[practice] <= maturity[cat.practice_dim[practice]] and (
            rng.random() < 0.85
        ):
            return STATUS_IMPLEMENTED
        return rng.choice(cat.statuses)

    def add(about_property, about, status) -> None:
        nonlocal n
        ev = ex[f"assessment/{i}/evidence/{n}"]
        n += 1
        g.add((ev, RDF.type, CMLOPS.Evidence))
        g.add((ev, PROV.wasGeneratedBy, a))
        g.add((ev, about_property, about))
        g.add((ev, CMLOPS.status, status))
        if cat.modes and rng.random() < 0.75:
            g.add((ev, EARL.mode, rng.choice(cat.modes)))
        if status == STATUS_NOT_APPLICABLE or rng.random() < 0.1:
            g.add((ev, CMLOPS.justification, Literal(f"Generated justification {i}.{n}")))

    for p in cat.practices:
        if rng.random() < practice_density:
            add(CMLOPS.aboutPractice, p, status_for(p))
    for c in cat.criteria:
        if rng.random() < criterion_density:
            add(CMLOPS.aboutCriterion, c, status_for(cat.criterion_practice[c]))
