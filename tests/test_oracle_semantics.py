"""Pins every rule of docs/maturity-model.md (model v2) on tests/fixtures/mini_catalogue_v2.ttl.

Every expected value below was worked out BY HAND from the specification and the mini catalogue
(see the table at the top of the fixture); none is computed by the code under test. The function
under test is the ``assess`` fixture: it takes the Turtle text of a profile (and optionally an
assessment IRI) and returns the result dict described in tests/oracle.py. Today it runs the
independent oracle only; another implementation (the SPARQL engine) is added by registering a
factory in ``IMPLEMENTATIONS``. Results are compared with the cmlops namespace stripped from every
string, so that expectations read "t-vc", "dim-data", "dimension:dim-data:1".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from engine_adapter import engine_factory
from oracle import Oracle, load_turtle
from rdflib import Graph

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "mini_catalogue_v2.ttl"
MINI_V2_MODULES = [
    "cmlops.ttl",
    "core.ttl",
    "sources.ttl",
    "external-models.ttl",
    "metrics.ttl",
    "context.ttl",
    "interfaces.ttl",
]
MINI_V2_FILES = [ONTOLOGY / m for m in MINI_V2_MODULES] + [FIXTURE]
NS = "https://w3id.org/cmlops#"

Run = Callable[..., dict]


def _oracle_factory(files: list[Path] = MINI_V2_FILES) -> Run:
    oracle = Oracle(load_turtle(files))

    def run(text: str, assessment: str | None = None) -> dict:
        return oracle.assess(Graph().parse(data=text, format="turtle"), assessment)

    return run


# name -> factory of a callable (profile Turtle text, assessment IRI or None) -> result dict.
IMPLEMENTATIONS: dict[str, Callable[[], Run]] = {
    "oracle": _oracle_factory,
    "engine": lambda: engine_factory(MINI_V2_FILES),
}
# the same implementations over other ontology files (a test that adds a module of its own)
IMPLEMENTATIONS_OVER: dict[str, Callable[[list[Path]], Run]] = {
    "oracle": _oracle_factory,
    "engine": engine_factory,
}
_BUILT: dict[str, Run] = {}


def _short(value: object) -> object:
    """The result with the cmlops namespace removed from every string (keys included)."""
    if isinstance(value, str):
        return value.replace(NS, "")
    if isinstance(value, dict):
        return {_short(k): _short(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_short(v) for v in value]
    return value


@pytest.fixture(params=sorted(IMPLEMENTATIONS))
def assess(request: pytest.FixtureRequest) -> Run:
    if request.param not in _BUILT:
        _BUILT[request.param] = IMPLEMENTATIONS[request.param]()
    implementation = _BUILT[request.param]

    def run(text: str, assessment: str | None = None) -> dict:
        return _short(implementation(text, assessment))  # type: ignore[return-value]

    return run


# --- building profiles ---------------------------------------------------------------------------

PREFIXES = """
@prefix cmlops: <https://w3id.org/cmlops#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix earl: <http://www.w3.org/ns/earl#> .
@prefix ex: <https://example.org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:acme a org:Organization ; rdfs:label "Acme" .
"""

_counter = iter(range(10**9))


def ev(
    about: str, status: str, mode: str | None = None, why: str | None = None, assessment: str = "a1"
) -> str:
    """One evidence item: about a criterion when ``about`` has a dot, else about a practice."""
    prop = "aboutCriterion" if "." in about else "aboutPractice"
    text = (
        f"ex:e{next(_counter)} a cmlops:Evidence ; prov:wasGeneratedBy ex:{assessment} ; "
        f"cmlops:{prop} cmlops:{about} ; cmlops:status cmlops:status-{status}"
    )
    if mode:
        text += f" ; earl:mode earl:{mode}"
    if why is not None:
        text += f' ; cmlops:justification "{why}"'
    return text + " .\n"


def assessment(
    name: str = "a1",
    date: str = "2026-03-01",
    context: tuple[str, ...] = (),
    target: str | None = None,
) -> str:
    text = (
        f"ex:{name} a cmlops:Assessment ; cmlops:assesses ex:acme ; "
        f'dcterms:date "{date}"^^xsd:date ; cmlops:method cmlops:method-audit'
    )
    if context:
        text += " ; cmlops:inContext " + " , ".join(f"cmlops:{c}" for c in context)
    if target:
        text += f" ; cmlops:target {target}"
    return text + " .\n"


def profile(
    *evidence: str,
    context: tuple[str, ...] = (),
    target: str | None = None,
    extra: str = "",
    date: str = "2026-03-01",
) -> str:
    """A profile with one assessment ex:a1 (2026-03-01 unless told) and the given evidence."""
    return (
        PREFIXES + assessment(date=date, context=context, target=target) + "".join(evidence) + extra
    )


def implemented(*practices: str) -> list[str]:
    return [ev(p, "implemented") for p in practices]


ALL_PRACTICES = ["t-vc", "t-dv", "t-fs", "t-ci", "t-ct", "t-llm", "t-cd", "t-rb", "t-reg", "t-ab"]
DIMS = ["dim-data", "dim-delivery", "dim-integration"]  # sorted by IRI
BATCH = "T batch only: nothing is served online."
SMALL = "T a small team has too little traffic to split."
GENAI = "T no generative AI: no generated outputs to evaluate."


def crit(state: str, possible: bool, points: float = 0.0, reason: str | None = None) -> dict:
    return {"state": state, "possible": possible, "points": points, "reason": reason}


def prac(status: str, points: float = 0.0) -> dict:
    return {
        "satisfied": status == "implemented",
        "possible": status in ("implemented", "unknown"),
        "excluded": status == "not-applicable",
        "status": status,
        "points": points,
    }


def dim(level, potential, score, max_score, implemented_, applicable, unknown) -> dict:
    return {
        "level": level,
        "potential": potential,
        "score": score,
        "max_score": max_score,
        "implemented": implemented_,
        "applicable": applicable,
        "unknown": unknown,
    }


# =================================================================================================
# The baseline: an assessment without any evidence
# =================================================================================================


def test_no_evidence_everything_is_unknown_never_no(assess):
    r = assess(profile())
    assert r["assessment"] == "https://example.org/a1"
    assert r["organisation"] == "https://example.org/acme"
    assert r["criteria"]["t-vc.repo"] == crit("unknown", True)
    assert r["criteria"]["t-dv.catalogue"] == crit("unknown", True)
    # t-llm is excluded by its `unless genai-yes` rule: the assessment does not declare genai-yes
    assert r["criteria"]["t-llm.evals"] == crit("excluded", False, 0.0, GENAI)
    for p in ALL_PRACTICES:
        expected = prac("not-applicable") if p == "t-llm" else prac("unknown")
        assert r["practices"][p] == expected, p
    assert r["dimensions"] == {
        "dim-data": dim(0, 4, 0.0, 3.0, 0, 3, 3),
        "dim-integration": dim(0, 4, 0.0, 2.0, 0, 2, 2),
        "dim-delivery": dim(0, 4, 0.0, 4.0, 0, 4, 4),
    }
    assert r["readiness"] == {"level": 0, "potential": 4, "limiting": DIMS, "lopsided": False}
    assert r["target"] is None


def test_baseline_gaps_external_and_open_questions(assess):
    r = assess(profile())
    assert r["gaps"] == [
        ["dim-data", "t-vc", "unknown"],
        ["dim-delivery", "t-cd", "unknown"],
        ["dim-delivery", "t-rb", "unknown"],
        ["dim-integration", "t-ci", "unknown"],
    ]
    assert r["external"] == {
        "google-mlops": {
            "level": 0,
            "potential": 2,
            "missing_for_next": ["t-req-g1-ci", "t-req-g1-snapshots"],
        },
        # azure-l4 needs t-llm.evals, which is excluded, so counts as met
        "azure-mlops": {
            "level": 0,
            "potential": 4,
            "missing_for_next": ["t-req-a1-build", "t-req-a1-vc"],
        },
    }
    # blocking first (all block: potential readiness 4), then rank, dimension order
    # (data 1 < integration 3 < delivery 4), then label ("T deployment automation" < "T rollback")
    assert r["open_questions"] == [
        {"practice": p, "blocks_readiness": True}
        for p in ["t-vc", "t-ci", "t-cd", "t-rb", "t-dv", "t-ct", "t-reg", "t-fs", "t-ab"]
    ]


def test_baseline_roadmap(assess):
    r = assess(profile())
    assert r["roadmap"] == [
        {
            "practice": "t-vc",
            "phase": 1,
            "reasons": [
                "dimension:dim-data:1",
                "external:azure-mlops:1",
                "prerequisite:t-dv",
                "readiness:1",
            ],
            "pending": 0,
            "unblocks": 4,
        },
        {
            "practice": "t-ci",
            "phase": 1,
            "reasons": [
                "dimension:dim-integration:1",
                "external:azure-mlops:1",  # t-req-a1-build: a criterion brings its practice
                "external:google-mlops:1",
                "prerequisite:t-cd",
                "prerequisite:t-rb",
                "readiness:1",
            ],
            "pending": 0,
            "unblocks": 2,
        },
        # t-cd and t-rb tie on phase, pending (t-ci), rank and unblocks (1): label decides
        {
            "practice": "t-cd",
            "phase": 1,
            "reasons": ["dimension:dim-delivery:1", "readiness:1"],
            "pending": 1,
            "unblocks": 1,
        },
        {
            "practice": "t-rb",
            "phase": 1,
            "reasons": ["dimension:dim-delivery:1", "readiness:1"],
            "pending": 1,
            "unblocks": 1,
        },
        # only Google level 1 needs t-dv (its criterion t-dv.snapshots)
        {
            "practice": "t-dv",
            "phase": 3,
            "reasons": ["external:google-mlops:1"],
            "pending": 1,
            "unblocks": 4,
        },
    ]


def test_everything_implemented_reaches_the_top(assess):
    r = assess(profile(*implemented(*ALL_PRACTICES), context=("genai-yes",)))
    assert all(c == crit("met", True, 0.5) for c in r["criteria"].values())
    assert all(p == prac("implemented", 0.5) for p in r["practices"].values())
    assert r["dimensions"] == {
        "dim-data": dim(4, 4, 1.5, 3.0, 3, 3, 0),
        "dim-integration": dim(4, 4, 1.5, 3.0, 3, 3, 0),
        "dim-delivery": dim(4, 4, 2.0, 4.0, 4, 4, 0),
    }
    assert r["readiness"] == {"level": 4, "potential": 4, "limiting": DIMS, "lopsided": False}
    assert r["gaps"] == [] and r["roadmap"] == [] and r["open_questions"] == []
    assert r["external"] == {
        "google-mlops": {"level": 2, "potential": 2, "missing_for_next": []},
        "azure-mlops": {"level": 4, "potential": 4, "missing_for_next": []},
        # reported: the assessment declares genai-yes; t-llm is implemented
        "t-llmops": {"level": 1, "potential": 1, "missing_for_next": []},
    }


# =================================================================================================
# Step 1: criterion outcome
# =================================================================================================


@pytest.mark.parametrize(
    ("evidence", "status", "potential"),
    [
        ([], "unknown", 4),  # no evidence at all
        ([ev("t-vc", "unknown")], "unknown", 4),  # "I don't know"
        ([ev("t-vc", "not-implemented")], "not-implemented", 0),  # "no"
    ],
    ids=["missing", "unknown", "no"],
)
def test_unknown_and_missing_evidence_differ_from_no(assess, evidence, status, potential):
    r = assess(profile(*evidence))
    assert r["practices"]["t-vc"]["status"] == status
    assert r["practices"]["t-vc"]["possible"] is (status == "unknown")
    assert r["dimensions"]["dim-data"]["level"] == 0
    assert r["dimensions"]["dim-data"]["potential"] == potential


def test_unknown_criterion_is_possible_a_no_is_not(assess):
    r = assess(profile(ev("t-vc.repo", "unknown"), ev("t-vc.branch", "not-implemented")))
    assert r["criteria"]["t-vc.repo"] == crit("unknown", True)
    assert r["criteria"]["t-vc.branch"] == crit("not-met", False)
    # one "no" among unknowns: not all unknown, nothing met -> not implemented
    assert r["practices"]["t-vc"] == prac("not-implemented")
    assert r["dimensions"]["dim-data"]["potential"] == 0


def test_practice_evidence_applies_to_every_criterion(assess):
    r = assess(profile(ev("t-dv", "implemented", "automatic")))
    for c in ["t-dv.snapshots", "t-dv.retrieval", "t-dv.catalogue"]:
        assert r["criteria"][c] == crit("met", True, 1.0)
    assert r["practices"]["t-dv"] == prac("implemented", 1.0)


def test_criterion_evidence_overrides_practice_evidence(assess):
    r = assess(
        profile(ev("t-dv", "implemented", "automatic"), ev("t-dv.retrieval", "not-implemented"))
    )
    assert r["criteria"]["t-dv.snapshots"] == crit("met", True, 1.0)
    assert r["criteria"]["t-dv.retrieval"] == crit("not-met", False)
    assert r["criteria"]["t-dv.catalogue"] == crit("met", True, 1.0)
    assert r["practices"]["t-dv"] == {
        "satisfied": False,
        "possible": False,
        "excluded": False,
        "status": "partial",
        "points": 0.0,
    }


def test_criterion_met_under_a_practice_no_makes_it_partial(assess):
    r = assess(profile(ev("t-ci", "not-implemented"), ev("t-ci.build", "implemented", "manual")))
    assert r["criteria"]["t-ci.build"] == crit("met", True, 0.5)
    assert r["criteria"]["t-ci.tests"] == crit("not-met", False)
    assert r["practices"]["t-ci"]["status"] == "partial"
    assert r["practices"]["t-ci"]["possible"] is False


def test_criterion_met_under_a_practice_unknown_is_partial_and_possible(assess):
    r = assess(profile(ev("t-ci", "unknown"), ev("t-ci.build", "implemented")))
    assert r["criteria"]["t-ci.tests"] == crit("unknown", True)
    assert r["practices"]["t-ci"] == {
        "satisfied": False,
        "possible": True,
        "excluded": False,
        "status": "partial",
        "points": 0.0,
    }
    assert r["dimensions"]["dim-integration"] == dim(0, 4, 0.0, 2.0, 0, 2, 2)


@pytest.mark.parametrize("status", ["partial", "planned", "not-implemented"])
def test_known_statuses_that_do_not_count(assess, status):
    r = assess(profile(ev("t-vc", status)))
    assert r["criteria"]["t-vc.repo"] == crit("not-met", False)
    assert r["practices"]["t-vc"] == prac(status)  # planned is kept, and counts as not met


def test_partial_evidence_on_one_criterion_makes_the_practice_partial(assess):
    r = assess(profile(ev("t-ci.build", "partial"), ev("t-ci.tests", "not-implemented")))
    assert r["practices"]["t-ci"]["status"] == "partial"
    r = assess(profile(ev("t-ci.build", "partial")))  # the other criterion unknown
    assert r["practices"]["t-ci"]["status"] == "partial"
    assert r["practices"]["t-ci"]["possible"] is False


def test_not_applicable_with_justification_excludes_every_criterion(assess):
    r = assess(profile(ev("t-fs", "not-applicable", why="We have no features.")))
    for c in ["t-fs.offline", "t-fs.online"]:
        assert r["criteria"][c] == crit("excluded", False, 0.0, "We have no features.")
    assert r["practices"]["t-fs"] == prac("not-applicable")
    assert r["dimensions"]["dim-data"] == dim(0, 4, 0.0, 2.0, 0, 2, 2)


@pytest.mark.parametrize("why", [None, ""], ids=["no-justification", "empty-justification"])
def test_not_applicable_without_justification_is_known_not_met(assess, why):
    r = assess(profile(ev("t-fs", "not-applicable", why=why)))
    assert r["criteria"]["t-fs.offline"] == crit("not-met", False)
    assert r["practices"]["t-fs"] == prac("not-implemented")
    # t-fs (level 3) is known missing: data can reach at most level 2
    assert r["dimensions"]["dim-data"] == dim(0, 2, 0.0, 3.0, 0, 3, 2)


def test_practice_not_applicable_with_one_criterion_overridden(assess):
    r = assess(
        profile(
            ev("t-ab", "not-applicable", why="No experiments."),
            ev("t-ab.split", "implemented"),
        )
    )
    assert r["criteria"]["t-ab.split"] == crit("met", True, 0.5)
    assert r["criteria"]["t-ab.analysis"] == crit("excluded", False, 0.0, "No experiments.")
    # the non-excluded required criteria are all met
    assert r["practices"]["t-ab"] == prac("implemented", 0.5)


def test_excluded_criterion_next_to_an_unknown_one_leaves_the_practice_unknown(assess):
    r = assess(profile(ev("t-ab.split", "not-applicable", why="No split.")))
    assert r["criteria"]["t-ab.split"] == crit("excluded", False, 0.0, "No split.")
    assert r["practices"]["t-ab"] == prac("unknown")


# =================================================================================================
# Step 1.3: context rules, and their precedence
# =================================================================================================


def test_when_rule_excludes_a_practice_and_a_criterion(assess):
    r = assess(profile(context=("serving-batch",)))
    assert r["criteria"]["t-ab.split"] == crit("excluded", False, 0.0, BATCH)
    assert r["criteria"]["t-ab.analysis"] == crit("excluded", False, 0.0, BATCH)
    assert r["practices"]["t-ab"] == prac("not-applicable")
    assert r["criteria"]["t-fs.online"] == crit("excluded", False, 0.0, BATCH)
    assert r["criteria"]["t-fs.offline"] == crit("unknown", True)
    assert r["practices"]["t-fs"] == prac("unknown")
    assert r["dimensions"]["dim-delivery"] == dim(0, 4, 0.0, 3.0, 0, 3, 3)


def test_when_rule_needs_its_own_value(assess):
    r = assess(profile(context=("serving-online", "team-medium")))
    assert r["criteria"]["t-ab.split"] == crit("unknown", True)
    assert r["criteria"]["t-fs.online"] == crit("unknown", True)


@pytest.mark.parametrize(
    ("context", "excluded"),
    [((), True), (("genai-no",), True), (("genai-yes",), False)],
    ids=["undeclared", "genai-no", "genai-yes"],
)
def test_unless_rule_excludes_unless_the_value_is_declared(assess, context, excluded):
    r = assess(profile(context=context))
    if excluded:
        assert r["criteria"]["t-llm.evals"] == crit("excluded", False, 0.0, GENAI)
        assert r["dimensions"]["dim-integration"]["applicable"] == 2
    else:
        assert r["criteria"]["t-llm.evals"] == crit("unknown", True)
        assert r["practices"]["t-llm"] == prac("unknown")
        assert r["dimensions"]["dim-integration"] == dim(0, 4, 0.0, 3.0, 0, 3, 3)


def test_several_rules_join_their_justifications_sorted(assess):
    r = assess(profile(context=("serving-batch", "team-small")))
    assert r["criteria"]["t-ab.split"]["reason"] == f"{SMALL} {BATCH}"
    assert r["criteria"]["t-fs.online"]["reason"] == BATCH


def test_precedence_criterion_then_practice_then_rule_then_unknown(assess):
    r = assess(
        profile(
            ev("t-fs", "not-implemented"),
            ev("t-fs.offline", "implemented", "automatic"),
            context=("serving-batch",),
        )
    )
    assert r["criteria"]["t-fs.offline"] == crit("met", True, 1.0)  # criterion > practice
    assert r["criteria"]["t-fs.online"] == crit("not-met", False)  # practice > rule
    assert r["criteria"]["t-ab.split"] == crit("excluded", False, 0.0, BATCH)  # rule > unknown
    assert r["criteria"]["t-cd.scripted"] == crit("unknown", True)  # nothing: unknown
    assert r["practices"]["t-fs"]["status"] == "partial"


def test_evidence_overrides_a_rule_on_the_practice(assess):
    r = assess(profile(ev("t-ab", "implemented"), context=("serving-batch",)))
    assert r["criteria"]["t-ab.split"] == crit("met", True, 0.5)
    assert r["practices"]["t-ab"] == prac("implemented", 0.5)


def test_practice_evidence_overrides_a_rule_on_one_criterion(assess):
    r = assess(profile(ev("t-fs", "implemented"), context=("serving-batch",)))
    assert r["criteria"]["t-fs.online"] == crit("met", True, 0.5)
    assert r["practices"]["t-fs"] == prac("implemented", 0.5)


def test_unknown_evidence_overrides_a_rule(assess):
    r = assess(profile(ev("t-ab", "unknown"), context=("serving-batch",)))
    assert r["criteria"]["t-ab.split"] == crit("unknown", True)
    assert r["practices"]["t-ab"] == prac("unknown")


def test_assessor_justification_replaces_the_rule_justification(assess):
    r = assess(
        profile(
            ev("t-ab", "not-applicable", why="We run no experiments."), context=("serving-batch",)
        )
    )
    assert r["criteria"]["t-ab.split"]["reason"] == "We run no experiments."


def test_not_applicable_without_justification_overrides_a_rule_as_a_no(assess):
    r = assess(profile(ev("t-ab", "not-applicable"), context=("serving-batch",)))
    assert r["criteria"]["t-ab.split"] == crit("not-met", False)
    assert r["practices"]["t-ab"] == prac("not-implemented")


# =================================================================================================
# Step 2: supporting criteria, exclusion of a whole practice
# =================================================================================================


def test_supporting_criterion_does_not_decide(assess):
    r = assess(
        profile(
            ev("t-dv.snapshots", "implemented"),
            ev("t-dv.retrieval", "implemented"),
            ev("t-dv.catalogue", "not-implemented"),
        )
    )
    assert r["criteria"]["t-dv.catalogue"] == crit("not-met", False)
    assert r["practices"]["t-dv"] == prac("implemented", 0.5)


def test_supporting_criterion_met_alone_does_not_make_partial(assess):
    r = assess(profile(ev("t-dv.catalogue", "implemented")))
    assert r["criteria"]["t-dv.catalogue"] == crit("met", True, 0.5)
    assert r["practices"]["t-dv"] == prac("unknown")


def test_practice_whose_criteria_are_all_supporting_needs_them_all(assess):
    r = assess(profile(ev("t-reg.versions", "implemented")))
    assert r["practices"]["t-reg"] == {
        "satisfied": False,
        "possible": True,
        "excluded": False,
        "status": "partial",
        "points": 0.0,
    }
    r = assess(profile(ev("t-reg.versions", "implemented"), ev("t-reg.stages", "implemented")))
    assert r["practices"]["t-reg"] == prac("implemented", 0.5)


def test_practice_excluded_when_every_required_criterion_is_excluded(assess):
    r = assess(
        profile(
            ev("t-dv.snapshots", "not-applicable", why="x"),
            ev("t-dv.retrieval", "not-applicable", why="y"),
            ev("t-dv.catalogue", "implemented"),
        )
    )
    assert r["criteria"]["t-dv.catalogue"] == crit("met", True, 0.5)
    assert r["practices"]["t-dv"] == prac("not-applicable")
    assert r["dimensions"]["dim-data"] == dim(0, 4, 0.0, 2.0, 0, 2, 2)


# =================================================================================================
# Points
# =================================================================================================


@pytest.mark.parametrize(
    ("mode", "points"),
    [("manual", 0.5), ("semiAuto", 0.5), ("automatic", 1.0), (None, 0.5)],
    ids=["manual", "semi-automated", "automated", "no-mode"],
)
def test_points_by_mode(assess, mode, points):
    r = assess(profile(ev("t-cd.scripted", "implemented", mode)))
    assert r["criteria"]["t-cd.scripted"]["points"] == points
    assert r["practices"]["t-cd"]["points"] == points
    assert r["dimensions"]["dim-delivery"]["score"] == points


@pytest.mark.parametrize(
    ("tests_mode", "points"), [("manual", 0.5), ("automatic", 1.0)], ids=["mixed", "automated"]
)
def test_practice_points_are_the_lowest_of_its_criteria(assess, tests_mode, points):
    r = assess(
        profile(
            ev("t-ci.build", "implemented", "automatic"),
            ev("t-ci.tests", "implemented", tests_mode),
        )
    )
    assert r["practices"]["t-ci"]["points"] == points
    assert r["dimensions"]["dim-integration"]["score"] == points


def test_no_points_unless_satisfied(assess):
    r = assess(profile(ev("t-ci.build", "implemented", "automatic"), ev("t-ci.tests", "partial")))
    assert r["criteria"]["t-ci.build"]["points"] == 1.0
    assert r["criteria"]["t-ci.tests"]["points"] == 0.0
    assert r["practices"]["t-ci"]["points"] == 0.0
    assert r["dimensions"]["dim-integration"]["score"] == 0.0


def test_supporting_criteria_do_not_lower_the_points(assess):
    r = assess(
        profile(
            ev("t-dv.snapshots", "implemented", "automatic"),
            ev("t-dv.retrieval", "implemented", "automatic"),
            ev("t-dv.catalogue", "implemented", "manual"),
        )
    )
    assert r["criteria"]["t-dv.catalogue"]["points"] == 0.5
    assert r["practices"]["t-dv"]["points"] == 1.0


# =================================================================================================
# Step 3: dimension levels
# =================================================================================================


def test_dimension_score_counts_and_exclusions(assess):
    r = assess(
        profile(
            ev("t-vc", "implemented", "automatic"),
            ev("t-dv", "implemented", "manual"),
            ev("t-fs", "not-applicable", why="No features."),
        )
    )
    # an excluded practice neither holds the level down nor counts in the maximum
    assert r["dimensions"]["dim-data"] == dim(4, 4, 1.5, 2.0, 2, 2, 0)


def test_proven_and_potential_per_dimension(assess):
    r = assess(
        profile(
            ev("t-cd", "implemented"),
            ev("t-rb", "implemented"),
            ev("t-reg", "unknown"),
            ev("t-ab", "not-implemented"),
        )
    )
    # proven: t-reg (level 2) is not proven -> 1; potential: t-ab (level 3) is known missing -> 2
    assert r["dimensions"]["dim-delivery"] == dim(1, 2, 1.0, 4.0, 2, 4, 1)


def test_levels_are_cumulative(assess):
    r = assess(
        profile(ev("t-dv", "implemented"), ev("t-fs", "implemented"), ev("t-vc", "not-implemented"))
    )
    assert r["dimensions"]["dim-data"] == dim(0, 0, 1.0, 3.0, 2, 3, 0)


# =================================================================================================
# Step 4: readiness
# =================================================================================================


def test_readiness_is_the_weakest_dimension_and_names_it(assess):
    r = assess(
        profile(
            *implemented("t-vc", "t-dv", "t-fs", "t-ci"),
            ev("t-ct", "not-implemented"),
            ev("t-cd", "unknown"),
        )
    )
    levels = {d: (v["level"], v["potential"]) for d, v in r["dimensions"].items()}
    # delivery's potential is 1: t-reg (level 2) requires t-ct, which is known missing
    assert levels == {"dim-data": (4, 4), "dim-integration": (1, 1), "dim-delivery": (0, 1)}
    assert r["readiness"] == {
        "level": 0,
        "potential": 1,
        "limiting": ["dim-delivery"],
        "lopsided": True,  # 4 - 0 >= 2
    }


@pytest.mark.parametrize(
    ("practices", "lopsided"),
    [(("t-vc", "t-ci"), False), (("t-vc", "t-dv", "t-ci"), True)],
    ids=["spread-1", "spread-2"],
)
def test_lopsided_when_levels_differ_by_two(assess, practices, lopsided):
    r = assess(profile(*implemented(*practices)))
    assert r["readiness"]["level"] == 0
    assert r["readiness"]["limiting"] == ["dim-delivery"]
    assert r["readiness"]["lopsided"] is lopsided


# =================================================================================================
# Step 5: gaps
# =================================================================================================


def test_gaps_are_next_level_practices_with_their_status(assess):
    r = assess(
        profile(
            *implemented("t-vc", "t-ci", "t-rb"),
            ev("t-dv", "planned"),
            ev("t-cd", "partial"),
        )
    )
    assert r["gaps"] == [
        ["dim-data", "t-dv", "planned"],
        ["dim-delivery", "t-cd", "partial"],
        ["dim-integration", "t-ct", "unknown"],
    ]


def test_no_gaps_for_a_dimension_at_level_4(assess):
    r = assess(profile(*implemented("t-cd", "t-rb", "t-reg"), context=("serving-batch",)))
    assert r["dimensions"]["dim-delivery"]["level"] == 4  # t-ab excluded by the batch rule
    assert r["gaps"] == [["dim-data", "t-vc", "unknown"], ["dim-integration", "t-ci", "unknown"]]


# =================================================================================================
# Step 6: external levels
# =================================================================================================


def test_external_proven_potential_and_missing(assess):
    r = assess(profile(ev("t-ci", "implemented"), ev("t-dv.snapshots", "implemented")))
    assert r["external"] == {
        "google-mlops": {"level": 1, "potential": 2, "missing_for_next": ["t-req-g2-ct"]},
        "azure-mlops": {"level": 0, "potential": 4, "missing_for_next": ["t-req-a1-vc"]},
    }


def test_external_excluded_requirements_count_as_met(assess):
    r = assess(profile(*implemented("t-vc", "t-ci", "t-dv"), context=("serving-batch",)))
    # azure-l3 (t-ab, excluded by the batch rule), azure-l4 (t-llm.evals, excluded: no genai)
    assert r["external"]["azure-mlops"] == {"level": 4, "potential": 4, "missing_for_next": []}
    assert r["external"]["google-mlops"] == {
        "level": 1,
        "potential": 2,
        "missing_for_next": ["t-req-g2-ct"],
    }


def test_external_levels_are_cumulative_through_builds_on(assess):
    r = assess(profile(*implemented("t-dv", "t-ct"), ev("t-ci", "not-implemented")))
    # google-l2's own requirement (t-ct) is met, but it builds on google-l1 (t-ci: known missing)
    assert r["external"]["google-mlops"] == {
        "level": 0,
        "potential": 0,
        "missing_for_next": ["t-req-g1-ci"],
    }
    assert r["external"]["azure-mlops"] == {
        "level": 0,
        "potential": 0,
        "missing_for_next": ["t-req-a1-build", "t-req-a1-vc"],
    }


def test_external_criterion_requirement_needs_only_the_criterion(assess):
    r = assess(
        profile(
            ev("t-vc", "implemented"),
            ev("t-ci.build", "implemented"),
            ev("t-ci.tests", "not-implemented"),
        )
    )
    # Azure level 1 asks for the criterion t-ci.build, not for the whole of t-ci
    assert r["external"]["azure-mlops"] == {
        "level": 1,
        "potential": 4,
        "missing_for_next": ["t-req-a2-dv"],
    }
    assert r["external"]["google-mlops"] == {
        "level": 0,
        "potential": 0,
        "missing_for_next": ["t-req-g1-ci", "t-req-g1-snapshots"],
    }


def test_external_excluded_criterion_requirement_counts_as_met(assess):
    r = assess(
        profile(
            ev("t-ci", "implemented"),
            ev("t-dv.snapshots", "not-applicable", why="No snapshots here."),
        )
    )
    assert r["external"]["google-mlops"] == {
        "level": 1,
        "potential": 2,
        "missing_for_next": ["t-req-g2-ct"],
    }


def test_requirement_with_alternatives_is_met_by_any_one(assess):
    r = assess(
        profile(
            *implemented("t-vc", "t-ci", "t-dv"),
            ev("t-ab", "not-implemented"),
            ev("t-rb.rehearsed", "implemented"),
        )
    )
    assert r["external"]["azure-mlops"] == {"level": 4, "potential": 4, "missing_for_next": []}


@pytest.mark.parametrize(
    ("rehearsed", "potential"), [(None, 4), ("not-implemented", 2)], ids=["unknown", "no"]
)
def test_requirement_with_alternatives_is_possible_when_any_one_is(assess, rehearsed, potential):
    evidence = [*implemented("t-vc", "t-ci", "t-dv"), ev("t-ab", "not-implemented")]
    if rehearsed:
        evidence.append(ev("t-rb.rehearsed", rehearsed))
    r = assess(profile(*evidence))
    assert r["external"]["azure-mlops"] == {
        "level": 2,
        "potential": potential,
        "missing_for_next": ["t-req-a3-online"],
    }
    # the missing requirement brings the practices of both its alternatives into the roadmap
    items = {i["practice"]: i for i in r["roadmap"]}
    assert items["t-rb"]["reasons"] == [
        "dimension:dim-delivery:1",
        "external:azure-mlops:3",
        "readiness:1",
    ]
    assert (items["t-ab"]["phase"], items["t-ab"]["reasons"]) == (4, ["external:azure-mlops:3"])


# =================================================================================================
# Step 7: open questions
# =================================================================================================


def test_open_questions_that_do_not_block_readiness(assess):
    r = assess(
        profile(
            *implemented("t-vc", "t-ci", "t-cd", "t-rb"),
            ev("t-dv", "unknown"),
            ev("t-ct", "not-implemented"),
        )
    )
    assert r["readiness"]["potential"] == 1  # integration: t-ct is known missing
    # t-reg requires t-ct (known missing): not possible, so no open question, and delivery's
    # potential is 1, which leaves t-ab (level 3) out too
    assert r["open_questions"] == [
        {"practice": p, "blocks_readiness": False} for p in ["t-dv", "t-fs"]
    ]


def test_open_questions_blocking_first_and_not_beyond_the_potential(assess):
    r = assess(
        profile(ev("t-vc", "implemented"), ev("t-dv", "not-implemented"), ev("t-ci", "unknown"))
    )
    # data can reach 1 at most, so t-fs (level 3) is no open question; potential readiness 1
    assert (r["readiness"]["level"], r["readiness"]["potential"]) == (0, 1)
    # t-ct requires t-dv (known missing): not possible, so no open question; t-reg requires t-ct,
    # but the rule looks at t-ct's own criteria (unknown), so t-reg stays possible
    assert r["open_questions"] == [
        {"practice": "t-ci", "blocks_readiness": True},
        {"practice": "t-cd", "blocks_readiness": True},
        {"practice": "t-rb", "blocks_readiness": True},
        {"practice": "t-reg", "blocks_readiness": False},
        {"practice": "t-ab", "blocks_readiness": False},
    ]


# =================================================================================================
# Step 8: the roadmap
# =================================================================================================

SCENARIO_PREREQUISITES = [
    *implemented("t-vc", "t-cd", "t-rb"),
    ev("t-ci", "not-implemented"),
]


def test_roadmap_limiting_first_then_other_dimensions_with_prerequisites(assess):
    r = assess(profile(*SCENARIO_PREREQUISITES))
    assert r["readiness"]["limiting"] == ["dim-integration"]
    assert r["roadmap"] == [
        {
            "practice": "t-ci",
            "phase": 1,
            "reasons": [
                "dimension:dim-integration:1",
                "external:azure-mlops:1",
                "external:google-mlops:1",
                "prerequisite:t-ct",
                "prerequisite:t-reg",
                "readiness:1",
            ],
            "pending": 0,
            "unblocks": 2,
        },
        {
            "practice": "t-dv",
            "phase": 2,
            "reasons": [
                "dimension:dim-data:2",
                "external:google-mlops:1",
                "prerequisite:t-ct",
                "prerequisite:t-reg",
            ],
            "pending": 0,
            "unblocks": 4,
        },
        # t-ct is no gap (integration is at 0, t-ct is level 2): it is here as t-reg's
        # prerequisite, in t-reg's phase, before t-reg
        {
            "practice": "t-ct",
            "phase": 2,
            "reasons": ["prerequisite:t-reg"],
            "pending": 2,
            "unblocks": 1,
        },
        {
            "practice": "t-reg",
            "phase": 2,
            "reasons": ["dimension:dim-delivery:2"],
            "pending": 3,
            "unblocks": 0,
        },
    ]


def test_roadmap_prerequisite_takes_the_lowest_phase_of_its_reasons(assess):
    r = assess(profile(*SCENARIO_PREREQUISITES, target="cmlops:target-uniform-2"))
    items = {i["practice"]: i for i in r["roadmap"]}
    assert [i["practice"] for i in r["roadmap"]] == ["t-ci", "t-dv", "t-ct", "t-reg"]
    assert items["t-ct"] == {
        "practice": "t-ct",
        "phase": 2,  # its own target reason is phase 6; as t-reg's prerequisite it is phase 2
        "reasons": ["prerequisite:t-reg", "target:dim-integration:2"],
        "pending": 2,
        "unblocks": 1,
    }
    assert items["t-ci"]["reasons"][-1] == "target:dim-integration:2"
    assert items["t-reg"]["reasons"] == ["dimension:dim-delivery:2", "target:dim-delivery:2"]


def test_roadmap_target_phase(assess):
    r = assess(
        profile(
            *implemented("t-vc", "t-ci", "t-cd", "t-rb"), target="cmlops:target-batch-production"
        )
    )
    assert r["readiness"] == {"level": 1, "potential": 4, "limiting": DIMS, "lopsided": False}
    assert r["roadmap"] == [
        {
            "practice": "t-dv",
            "phase": 1,
            "reasons": [
                "dimension:dim-data:2",
                "external:azure-mlops:2",
                "external:google-mlops:1",
                "prerequisite:t-ct",
                "prerequisite:t-fs",
                "prerequisite:t-reg",
                "readiness:2",
                "target:dim-data:3",
            ],
            "pending": 0,
            "unblocks": 4,
        },
        {
            "practice": "t-ct",
            "phase": 1,
            "reasons": [
                "dimension:dim-integration:2",
                "prerequisite:t-reg",
                "readiness:2",
                "target:dim-integration:3",
            ],
            "pending": 1,
            "unblocks": 1,
        },
        {
            "practice": "t-reg",
            "phase": 1,
            "reasons": ["dimension:dim-delivery:2", "readiness:2", "target:dim-delivery:2"],
            "pending": 2,
            "unblocks": 0,
        },
        # beyond the next level, only the target asks for t-fs (phase 3 + three external models
        # with requirements: Google, Azure and t-llmops, which holds its phase 5 unreported)
        {
            "practice": "t-fs",
            "phase": 6,
            "reasons": ["target:dim-data:3"],
            "pending": 1,
            "unblocks": 2,
        },
    ]


def test_roadmap_rank_comes_before_unblocks_and_label(assess):
    r = assess(profile(*implemented("t-vc", "t-dv", "t-ci", "t-cd"), ev("t-rb", "not-implemented")))
    assert r["readiness"] == {
        "level": 0,
        "potential": 0,
        "limiting": ["dim-delivery"],
        "lopsided": True,
    }
    assert r["roadmap"] == [
        {
            "practice": "t-rb",
            "phase": 1,
            # t-rb.rehearsed is an alternative of the missing Azure level-3 requirement
            "reasons": ["dimension:dim-delivery:1", "external:azure-mlops:3", "readiness:1"],
            "pending": 0,
            "unblocks": 1,
        },
        # t-ct (level 2, unblocks 1, "T training pipeline") before t-fs (level 3, unblocks 2,
        # "T feature store"): only the rank puts it first
        {
            "practice": "t-ct",
            "phase": 2,
            "reasons": ["dimension:dim-integration:2", "external:google-mlops:2"],
            "pending": 0,
            "unblocks": 1,
        },
        {
            "practice": "t-fs",
            "phase": 2,
            "reasons": ["dimension:dim-data:3"],
            "pending": 0,
            "unblocks": 2,
        },
        # needed by Azure level 3 only: the Azure phase (4)
        {
            "practice": "t-ab",
            "phase": 4,
            "reasons": ["external:azure-mlops:3"],
            "pending": 0,
            "unblocks": 1,
        },
    ]


def test_roadmap_never_lists_satisfied_or_excluded_practices(assess):
    r = assess(profile(context=("serving-batch",), target="cmlops:target-uniform-4"))
    assert [(i["practice"], i["phase"]) for i in r["roadmap"]] == [
        ("t-vc", 1),
        ("t-ci", 1),
        ("t-cd", 1),
        ("t-rb", 1),
        ("t-dv", 3),
        ("t-fs", 6),  # pending 2 (t-dv, t-vc)
        ("t-ct", 6),  # pending 3 (t-ci, t-dv, t-vc)
        ("t-reg", 6),  # pending 4
    ]  # t-ab (batch rule) and t-llm (no genai) are excluded


# =================================================================================================
# Step 9: interfaces and failure modes
# =================================================================================================


def test_interfaces_baseline(assess):
    r = assess(profile())
    for fm in [
        "t-fm-unversioned-data",
        "t-fm-online-skew",
        "fm-stale-features",
        "fm-broken-release",
    ]:
        assert r["interfaces"][fm] == "unknown", fm
    assert r["interfaces"]["fm-upstream-schema-change"] == "unguarded"  # no guard at all here


def test_guarded_by_a_satisfied_practice(assess):
    r = assess(profile(ev("t-dv", "implemented"), ev("t-vc", "not-implemented")))
    assert r["interfaces"]["t-fm-unversioned-data"] == "guarded"


def test_guarded_by_a_met_criterion_of_an_unsatisfied_practice(assess):
    r = assess(
        profile(
            ev("t-vc.repo", "implemented"),
            ev("t-vc.branch", "not-implemented"),
            ev("t-dv", "not-implemented"),
        )
    )
    assert r["practices"]["t-vc"]["satisfied"] is False
    assert r["interfaces"]["t-fm-unversioned-data"] == "guarded"


def test_unguarded_when_every_guard_is_known_missing(assess):
    r = assess(profile(ev("t-vc.repo", "not-implemented"), ev("t-dv", "partial")))
    assert r["interfaces"]["t-fm-unversioned-data"] == "unguarded"


def test_not_applicable_when_every_guard_is_excluded(assess):
    r = assess(profile(context=("serving-batch",)))
    assert r["interfaces"]["t-fm-online-skew"] == "not-applicable"


@pytest.mark.parametrize(
    ("ab_status", "expected"),
    [("unknown", "unknown"), ("not-implemented", "unguarded"), ("implemented", "guarded")],
)
def test_an_excluded_guard_leaves_the_others_to_decide(assess, ab_status, expected):
    r = assess(
        profile(
            ev("t-fs.online", "not-applicable", why="No online features."), ev("t-ab", ab_status)
        )
    )
    assert r["interfaces"]["t-fm-online-skew"] == expected


def test_rule_overridden_guard_counts(assess):
    r = assess(profile(ev("t-fs.online", "not-implemented"), context=("serving-batch",)))
    # t-ab is excluded, t-fs.online is known missing (its evidence overrides the rule)
    assert r["interfaces"]["t-fm-online-skew"] == "unguarded"


# =================================================================================================
# Targets
# =================================================================================================


def test_target_preset(assess):
    r = assess(profile(target="cmlops:target-batch-production"))
    assert r["target"] == {
        "dim-data": 3,
        "dim-model": 3,
        "dim-integration": 3,
        "dim-delivery": 2,
        "dim-monitoring": 3,
        "dim-infrastructure": 2,
        "dim-governance": 2,
    }


def test_target_declared_in_the_profile(assess):
    own = (
        'ex:my-target a cmlops:TargetProfile ; rdfs:label "Ours" ;\n'
        "    cmlops:hasTargetLevel [ a cmlops:TargetLevel ;\n"
        "        cmlops:ofDimension cmlops:dim-delivery ; cmlops:levelRank 3 ] .\n"
    )
    r = assess(
        profile(
            *implemented("t-vc", "t-dv", "t-fs", "t-ci", "t-ct", "t-cd", "t-rb"),
            target="ex:my-target",
            extra=own,
        )
    )
    assert r["target"] == {"dim-delivery": 3}
    # delivery is at 1 (t-reg unknown): t-reg (level 2) is a phase-1 gap, t-ab (3) only the
    # target's: Azure level 3 is attained through its other alternative, t-rb.rehearsed
    assert r["external"]["azure-mlops"]["level"] == 4
    assert [(i["practice"], i["phase"], i["reasons"]) for i in r["roadmap"]] == [
        ("t-reg", 1, ["dimension:dim-delivery:2", "readiness:2", "target:dim-delivery:3"]),
        ("t-ab", 6, ["target:dim-delivery:3"]),
    ]


# =================================================================================================
# Assessments
# =================================================================================================


def test_the_latest_assessment_is_judged_and_evidence_does_not_leak(assess):
    text = (
        PREFIXES
        + assessment("a0", "2025-01-01", context=("serving-batch",))
        + assessment("a1", "2026-03-01")
        + ev("t-vc", "implemented", assessment="a0")
    )
    latest = assess(text)
    assert latest["assessment"] == "https://example.org/a1"
    assert latest["practices"]["t-vc"]["status"] == "unknown"
    assert latest["practices"]["t-ab"]["status"] == "unknown"  # context is per assessment
    older = assess(text, "https://example.org/a0")
    assert older["assessment"] == "https://example.org/a0"
    assert older["practices"]["t-vc"]["status"] == "implemented"
    assert older["practices"]["t-ab"]["status"] == "not-applicable"


def test_assessments_on_the_same_date_tie_by_iri(assess):
    text = PREFIXES + assessment("a2", "2026-03-01") + assessment("a1", "2026-03-01")
    assert assess(text)["assessment"] == "https://example.org/a2"


def test_a_profile_without_assessment_is_refused(assess):
    with pytest.raises(ValueError):
        assess(PREFIXES)


# =================================================================================================
# Step 6: a model that applies only in a context (t-llmops: appliesWhen genai-yes)
# =================================================================================================

BASELINE_EXTERNAL = {
    "google-mlops": {
        "level": 0,
        "potential": 2,
        "missing_for_next": ["t-req-g1-ci", "t-req-g1-snapshots"],
    },
    "azure-mlops": {
        "level": 0,
        "potential": 4,
        "missing_for_next": ["t-req-a1-build", "t-req-a1-vc"],
    },
}
# the baseline roadmap (no evidence, 2026-03-01): see test_baseline_roadmap
BASELINE_ORDER = [("t-vc", 1), ("t-ci", 1), ("t-cd", 1), ("t-rb", 1), ("t-dv", 3)]


@pytest.mark.parametrize(
    ("context", "reported"),
    [
        ((), False),
        (("genai-no",), False),
        (("serving-online", "risk-high"), False),
        (("genai-yes",), True),
        (("serving-batch", "genai-yes"), True),
    ],
    ids=["undeclared", "genai-no", "other-values", "genai-yes", "genai-yes-among-others"],
)
def test_contextual_model_is_reported_only_when_its_context_is_declared(assess, context, reported):
    r = assess(profile(context=context))
    expected = dict(BASELINE_EXTERNAL)
    if reported:
        # t-llm is not excluded under genai-yes (its rule is `unless genai-yes`): unknown, so
        # t-llmops level 1 is possible; azure-l4 (t-llm.evals unknown) stays possible too
        expected["t-llmops"] = {"level": 0, "potential": 1, "missing_for_next": ["t-req-l1-llm"]}
    assert r["external"] == expected


def test_contextual_model_absent_whatever_its_requirements_say(assess):
    # genai-no, but the assessor says t-llm is implemented (evidence overrides the rule): the
    # level would be attained, yet the model is not reported
    r = assess(profile(ev("t-llm", "implemented"), context=("genai-no",)))
    assert r["practices"]["t-llm"] == prac("implemented", 0.5)
    assert r["external"] == BASELINE_EXTERNAL
    r = assess(profile(ev("t-llm", "implemented"), context=("genai-yes",)))
    assert r["external"]["t-llmops"] == {"level": 1, "potential": 1, "missing_for_next": []}


@pytest.mark.parametrize("genai", ["genai-no", "genai-yes"])
def test_contextual_model_requirements_bring_items_only_when_reported(assess, genai):
    r = assess(profile(ev("t-llm", "not-implemented"), context=(genai,)))
    assert r["practices"]["t-llm"] == prac("not-implemented")
    order = [(i["practice"], i["phase"]) for i in r["roadmap"]]
    if genai == "genai-no":
        # t-llm is open, but no reason asks for it: integration is at 0 (t-llm is level 3) and
        # Azure is at 0 (azure-l4 is far away); the unreported model brings nothing
        assert order == BASELINE_ORDER
        assert "t-llmops" not in r["external"]
    else:
        assert r["external"]["t-llmops"] == {
            "level": 0,
            "potential": 0,
            "missing_for_next": ["t-req-l1-llm"],
        }
        # phase 3 Google, 4 Azure, 5 t-llmops (sortOrder 3)
        assert order == [*BASELINE_ORDER, ("t-llm", 5)]
        assert r["roadmap"][-1] == {
            "practice": "t-llm",
            "phase": 5,
            "reasons": ["external:t-llmops:1"],
            "pending": 0,
            "unblocks": 0,
        }


@pytest.mark.parametrize("genai", ["genai-no", "genai-yes"])
def test_contextual_model_phase_comes_before_the_target_phase(assess, genai):
    # the target phase is 6 in every assessment (three models with requirements); t-llm also
    # has a target reason (integration 0 < 3 <= 4), phase 6, and under genai-yes the t-llmops
    # reason, phase 5, which is lower
    r = assess(
        profile(ev("t-llm", "not-implemented"), context=(genai,), target="cmlops:target-uniform-4")
    )
    items = {i["practice"]: i for i in r["roadmap"]}
    if genai == "genai-no":
        assert items["t-llm"] == {
            "practice": "t-llm",
            "phase": 6,
            "reasons": ["target:dim-integration:4"],
            "pending": 0,
            "unblocks": 0,
        }
        # phase 6: pending first (t-ab 0, t-llm 0, t-fs 2, t-ct 3, t-reg 4); t-ab and t-llm
        # tie on pending and rank (3): t-ab unblocks 1, t-llm 0
        tail = [("t-ab", 6), ("t-llm", 6), ("t-fs", 6), ("t-ct", 6), ("t-reg", 6)]
    else:
        assert items["t-llm"] == {
            "practice": "t-llm",
            "phase": 5,
            "reasons": ["external:t-llmops:1", "target:dim-integration:4"],
            "pending": 0,
            "unblocks": 0,
        }
        tail = [("t-llm", 5), ("t-ab", 6), ("t-fs", 6), ("t-ct", 6), ("t-reg", 6)]
    assert [(i["practice"], i["phase"]) for i in r["roadmap"]] == [*BASELINE_ORDER, *tail]


# =================================================================================================
# Step 10: obligations
# =================================================================================================
#   t-obl-risk     appliesWhen risk-high, from 2026-08-02, fulfilled by t-cd and t-dv.snapshots
#   t-obl-records  no context,            from 2026-06-01, fulfilled by t-rb and t-vc.repo
RISK, RECORDS = "t-obl-risk", "t-obl-records"
LATE = "2026-09-01"  # after both dates


def _obligation_reasons(r: dict) -> dict[str, list[str]]:
    """practice -> its obligation reasons"""
    return {
        i["practice"]: [x for x in i["reasons"] if x.startswith("obligation:")]
        for i in r["roadmap"]
        if any(x.startswith("obligation:") for x in i["reasons"])
    }


@pytest.mark.parametrize(
    ("context", "date", "risk", "records"),
    [
        # the default test date is before both dates; the risk obligation also lacks its
        # context, and the context decides first
        ((), "2026-03-01", "not-applicable", "not-yet-applicable"),
        (("risk-limited",), "2026-03-01", "not-applicable", "not-yet-applicable"),
        (("risk-high",), "2026-03-01", "not-yet-applicable", "not-yet-applicable"),
        (("risk-high",), "2026-05-31", "not-yet-applicable", "not-yet-applicable"),
        (("risk-high",), "2026-06-01", "not-yet-applicable", "unknown"),  # on its date
        (("risk-high",), "2026-08-01", "not-yet-applicable", "unknown"),
        (("risk-high",), "2026-08-02", "unknown", "unknown"),  # on its date
        (("risk-limited",), LATE, "not-applicable", "unknown"),
        ((), LATE, "not-applicable", "unknown"),
        (("serving-online", "risk-high"), LATE, "unknown", "unknown"),
    ],
)
def test_obligation_applies_by_context_and_date(assess, context, date, risk, records):
    r = assess(profile(context=context, date=date))
    # every obligation of the ontology is reported, applying or not
    assert r["obligations"] == {RISK: risk, RECORDS: records}
    # without evidence an applying obligation is possibly met (every item unknown); only an
    # applying obligation brings phase-0 items: t-cd and t-dv (t-dv.snapshots) for the risk
    # obligation, t-rb and t-vc (t-vc.repo) for record keeping
    expected = {}
    if risk == "unknown":
        expected |= {"t-cd": [f"obligation:{RISK}"], "t-dv": [f"obligation:{RISK}"]}
    if records == "unknown":
        expected |= {"t-rb": [f"obligation:{RECORDS}"], "t-vc": [f"obligation:{RECORDS}"]}
    assert _obligation_reasons(r) == expected
    if not expected:
        assert all(i["phase"] > 0 for i in r["roadmap"])


def test_obligation_with_a_date_does_not_yet_apply_to_an_undated_assessment(assess):
    text = (
        PREFIXES
        + "ex:a1 a cmlops:Assessment ; cmlops:assesses ex:acme ; "
        + "cmlops:method cmlops:method-audit ; cmlops:inContext cmlops:risk-high .\n"
    )
    r = assess(text)
    assert r["obligations"] == {RISK: "not-yet-applicable", RECORDS: "not-yet-applicable"}


@pytest.mark.parametrize(
    ("evidence", "status"),
    [
        # met: the practice satisfied, the criterion met (its practice t-dv is not satisfied:
        # t-dv.retrieval is unknown; the obligation asks for the criterion only)
        ([ev("t-cd", "implemented"), ev("t-dv.snapshots", "implemented")], "met"),
        # excluded items count as met: the practice not applicable with a justification ...
        (
            [
                ev("t-cd", "not-applicable", why="No deployments."),
                ev("t-dv.snapshots", "implemented"),
            ],
            "met",
        ),
        # ... and the criterion excluded through its practice's evidence
        ([ev("t-cd", "implemented"), ev("t-dv", "not-applicable", why="No data.")], "met"),
        # possibly met: every item possible (or met)
        ([ev("t-cd", "implemented")], "unknown"),
        ([ev("t-cd", "unknown"), ev("t-dv.snapshots", "implemented")], "unknown"),
        ([ev("t-cd.scripted", "unknown"), ev("t-dv.snapshots", "unknown")], "unknown"),
        # unmet: some item is known not to be in place
        ([ev("t-cd", "implemented"), ev("t-dv.snapshots", "not-implemented")], "unmet"),
        ([ev("t-cd", "partial")], "unmet"),  # partial is known, not met; t-dv.snapshots unknown
        ([ev("t-cd", "planned"), ev("t-dv.snapshots", "implemented")], "unmet"),
        ([ev("t-cd", "not-applicable")], "unmet"),  # no justification: a "no"
    ],
    ids=[
        "met",
        "met-practice-excluded",
        "met-criterion-excluded",
        "unknown-criterion-silent",
        "unknown-practice-said-unknown",
        "unknown-both",
        "unmet-criterion-no",
        "unmet-practice-partial",
        "unmet-practice-planned",
        "unmet-not-applicable-unjustified",
    ],
)
def test_obligation_met_possibly_met_or_unmet(assess, evidence, status):
    r = assess(profile(*evidence, context=("risk-high",), date=LATE))
    assert r["obligations"] == {RISK: status, RECORDS: "unknown"}  # t-rb, t-vc.repo: no evidence
    if status == "met":
        # a met obligation brings nothing, not even t-dv, which is not satisfied in the first case
        assert f"obligation:{RISK}" not in {x for i in r["roadmap"] for x in i["reasons"]}


def test_phase_0_comes_first_with_the_prerequisites_of_its_items(assess):
    # record keeping applies (no context, 2026-09-01), possibly met: t-rb and t-vc (through
    # t-vc.repo) are phase 0; t-ci comes to phase 0 as t-rb's prerequisite; t-cd stays in phase 1
    # though its label sorts before t-rb's; the risk obligation lacks its context
    r = assess(profile(date=LATE))
    assert r["obligations"] == {RISK: "not-applicable", RECORDS: "unknown"}
    assert r["roadmap"] == [
        {
            "practice": "t-vc",
            "phase": 0,
            "reasons": [
                "dimension:dim-data:1",
                "external:azure-mlops:1",
                f"obligation:{RECORDS}",
                "prerequisite:t-dv",
                "readiness:1",
            ],
            "pending": 0,
            "unblocks": 4,
        },
        {
            "practice": "t-ci",
            "phase": 0,
            "reasons": [
                "dimension:dim-integration:1",
                "external:azure-mlops:1",
                "external:google-mlops:1",
                "prerequisite:t-cd",
                "prerequisite:t-rb",
                "readiness:1",
            ],
            "pending": 0,
            "unblocks": 2,
        },
        {
            "practice": "t-rb",
            "phase": 0,
            "reasons": ["dimension:dim-delivery:1", f"obligation:{RECORDS}", "readiness:1"],
            "pending": 1,
            "unblocks": 1,
        },
        {
            "practice": "t-cd",
            "phase": 1,
            "reasons": ["dimension:dim-delivery:1", "readiness:1"],
            "pending": 1,
            "unblocks": 1,
        },
        {
            "practice": "t-dv",
            "phase": 3,
            "reasons": ["external:google-mlops:1"],
            "pending": 1,
            "unblocks": 4,
        },
    ]


def test_phase_0_with_both_obligations(assess):
    # both apply (risk-high, 2026-09-01), both possibly met; t-dv is brought by the criterion
    # t-dv.snapshots; everything is in phase 0, ordered by pending, rank, unblocks, label
    r = assess(profile(context=("risk-high",), date=LATE))
    assert r["obligations"] == {RISK: "unknown", RECORDS: "unknown"}
    assert r["roadmap"] == [
        {
            "practice": "t-vc",
            "phase": 0,
            "reasons": [
                "dimension:dim-data:1",
                "external:azure-mlops:1",
                f"obligation:{RECORDS}",
                "prerequisite:t-dv",
                "readiness:1",
            ],
            "pending": 0,
            "unblocks": 4,
        },
        {
            "practice": "t-ci",
            "phase": 0,
            "reasons": [
                "dimension:dim-integration:1",
                "external:azure-mlops:1",
                "external:google-mlops:1",
                "prerequisite:t-cd",
                "prerequisite:t-rb",
                "readiness:1",
            ],
            "pending": 0,
            "unblocks": 2,
        },
        {
            "practice": "t-cd",
            "phase": 0,
            "reasons": ["dimension:dim-delivery:1", f"obligation:{RISK}", "readiness:1"],
            "pending": 1,
            "unblocks": 1,
        },
        {
            "practice": "t-rb",
            "phase": 0,
            "reasons": ["dimension:dim-delivery:1", f"obligation:{RECORDS}", "readiness:1"],
            "pending": 1,
            "unblocks": 1,
        },
        {
            "practice": "t-dv",
            "phase": 0,
            "reasons": ["external:google-mlops:1", f"obligation:{RISK}"],
            "pending": 1,
            "unblocks": 4,
        },
    ]


def test_phase_0_prerequisites_come_from_later_phases(assess):
    # record keeping is met (t-rb satisfied, t-vc.repo met) although t-vc is not satisfied
    # (t-vc.branch unknown): it brings nothing. The risk obligation is possibly met: t-cd and t-dv
    # are phase 0, and their prerequisites t-ci and t-vc (otherwise phase-1 gaps) join them.
    r = assess(
        profile(
            ev("t-rb", "implemented"),
            ev("t-vc.repo", "implemented"),
            context=("risk-high",),
            date=LATE,
        )
    )
    assert r["obligations"] == {RISK: "unknown", RECORDS: "met"}
    assert r["practices"]["t-vc"]["status"] == "partial"
    assert r["roadmap"] == [
        {
            "practice": "t-vc",
            "phase": 0,
            "reasons": [
                "dimension:dim-data:1",
                "external:azure-mlops:1",
                "prerequisite:t-dv",
                "readiness:1",
            ],
            "pending": 0,
            "unblocks": 4,
        },
        {
            "practice": "t-ci",
            "phase": 0,
            "reasons": [
                "dimension:dim-integration:1",
                "external:azure-mlops:1",
                "external:google-mlops:1",
                "prerequisite:t-cd",
                "readiness:1",
            ],
            "pending": 0,
            "unblocks": 2,
        },
        {
            "practice": "t-cd",
            "phase": 0,
            "reasons": ["dimension:dim-delivery:1", f"obligation:{RISK}", "readiness:1"],
            "pending": 1,
            "unblocks": 1,
        },
        {
            "practice": "t-dv",
            "phase": 0,
            "reasons": ["external:google-mlops:1", f"obligation:{RISK}"],
            "pending": 1,
            "unblocks": 4,
        },
    ]


def test_unmet_obligation_brings_only_its_items_that_are_not_met(assess):
    # READING (step 10: "their unmet items are phase 0"): the risk obligation is unmet (t-cd is
    # known missing); its criterion t-dv.snapshots is met, so it does not bring t-dv, although
    # t-dv is not satisfied (t-dv.retrieval unknown): t-dv stays in phase 2 (a data gap, and
    # t-ct's prerequisite), with no obligation reason. Record keeping is met.
    r = assess(
        profile(
            *implemented("t-vc", "t-ci", "t-rb"),
            ev("t-cd", "not-implemented"),
            ev("t-dv.snapshots", "implemented"),
            context=("risk-high",),
            date=LATE,
        )
    )
    assert r["obligations"] == {RISK: "unmet", RECORDS: "met"}
    assert r["practices"]["t-dv"]["status"] == "partial"
    assert r["readiness"]["limiting"] == ["dim-delivery"]
    # Google: level 1 (t-ci, t-dv.snapshots), next needs t-ct; Azure: level 1, next needs t-dv
    assert r["roadmap"] == [
        {
            "practice": "t-cd",
            "phase": 0,
            "reasons": ["dimension:dim-delivery:1", f"obligation:{RISK}", "readiness:1"],
            "pending": 0,
            "unblocks": 1,
        },
        {
            "practice": "t-dv",
            "phase": 2,
            "reasons": ["dimension:dim-data:2", "external:azure-mlops:2", "prerequisite:t-ct"],
            "pending": 0,
            "unblocks": 4,
        },
        {
            "practice": "t-ct",
            "phase": 2,
            "reasons": ["dimension:dim-integration:2", "external:google-mlops:2"],
            "pending": 1,
            "unblocks": 1,
        },
    ]


def test_satisfied_or_excluded_obligation_items_never_appear(assess):
    # the risk obligation is unmet through t-dv.snapshots; t-cd is excluded (justified), so it
    # meets its part and is no item; t-dv is brought to phase 0 with its prerequisite t-vc
    r = assess(
        profile(
            ev("t-cd", "not-applicable", why="No deployments."),
            ev("t-dv.snapshots", "not-implemented"),
            context=("risk-high",),
            date=LATE,
        )
    )
    assert r["obligations"] == {RISK: "unmet", RECORDS: "unknown"}
    phases = {i["practice"]: i["phase"] for i in r["roadmap"]}
    assert "t-cd" not in phases
    assert _obligation_reasons(r) == {
        "t-dv": [f"obligation:{RISK}"],
        "t-rb": [f"obligation:{RECORDS}"],
        "t-vc": [f"obligation:{RECORDS}"],
    }
    assert phases["t-dv"] == phases["t-vc"] == 0


# Obligations the mini catalogue does not hold, in a module of the test's own: one that nothing
# fulfils, one that names something outside the catalogue, and one with neither a context nor a
# date (it always applies).
EXTRA_OBLIGATIONS = """
@prefix cmlops: <https://w3id.org/cmlops#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
cmlops:t-obl-empty a cmlops:Obligation ; rdfs:label "T an obligation nothing fulfils" .
cmlops:t-obl-foreign a cmlops:Obligation ; rdfs:label "T an obligation outside the catalogue" ;
    cmlops:fulfilledBy cmlops:t-no-such-practice .
cmlops:t-obl-always a cmlops:Obligation ; rdfs:label "T an obligation without context or date" ;
    cmlops:fulfilledBy cmlops:t-cd.scripted .
cmlops:t-obl-deployer a cmlops:Obligation ; rdfs:label "T a deployer's duty" ;
    cmlops:bindsOperator cmlops:role-deployer , cmlops:role-provider-and-deployer ;
    cmlops:fulfilledBy cmlops:t-cd.scripted .
"""


@pytest.fixture(scope="module", params=sorted(IMPLEMENTATIONS_OVER))
def assess_extra(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Run:
    path = tmp_path_factory.mktemp("obligations") / "extra_obligations.ttl"
    path.write_text(EXTRA_OBLIGATIONS, encoding="utf-8")
    implementation = IMPLEMENTATIONS_OVER[request.param]([*MINI_V2_FILES, path])

    def run(text: str, assessment: str | None = None) -> dict:
        return _short(implementation(text, assessment))  # type: ignore[return-value]

    return run


@pytest.mark.parametrize("scripted", [None, "implemented"])
def test_obligations_without_items_without_context_or_date(assess_extra, scripted):
    evidence = [ev("t-cd.scripted", scripted)] if scripted else []
    r = assess_extra(profile(*evidence))
    # READING: an obligation that nothing fulfils is unmet whenever it applies (never
    # vacuously met), and so is one whose only item is not in the catalogue; neither brings a
    # roadmap item. t-obl-always applies on any date in any context.
    assert r["obligations"] == {
        RISK: "not-applicable",
        RECORDS: "not-yet-applicable",
        "t-obl-empty": "unmet",
        "t-obl-foreign": "unmet",
        "t-obl-always": "met" if scripted else "unknown",
        "t-obl-deployer": "met" if scripted else "unknown",  # the role is not declared
    }
    if scripted:
        assert _obligation_reasons(r) == {}
    else:
        # t-cd (through t-cd.scripted) is phase 0, and t-ci with it as its prerequisite
        assert _obligation_reasons(r) == {
            "t-cd": ["obligation:t-obl-always", "obligation:t-obl-deployer"]
        }
        assert [(i["practice"], i["phase"]) for i in r["roadmap"]] == [
            ("t-ci", 0),
            ("t-cd", 0),
            ("t-vc", 1),
            ("t-rb", 1),
            ("t-dv", 3),
        ]


# --- Step 2, last rule: a practice is not possible while a direct prerequisite is known missing --


def test_potential_needs_the_direct_prerequisites_not_known_missing(assess):
    # t-dv requires t-vc (fixture); t-vc known missing, t-dv's criteria unknown
    text = PREFIXES + assessment() + ev("t-vc", "not-implemented")
    result = assess(text)
    assert result["practices"]["t-dv"]["status"] == "unknown"
    assert result["practices"]["t-dv"]["possible"] is False
    assert result["practices"]["t-vc"]["possible"] is False


def test_potential_follows_an_unknown_prerequisite(assess):
    text = PREFIXES + assessment() + ev("t-vc", "unknown")
    result = assess(text)
    assert result["practices"]["t-dv"]["possible"] is True


def test_potential_ignores_an_excluded_prerequisite(assess):
    text = PREFIXES + assessment() + ev("t-vc", "not-applicable", why="no code of our own")
    result = assess(text)
    assert result["practices"]["t-vc"]["excluded"] is True
    assert result["practices"]["t-dv"]["possible"] is True


def test_a_satisfied_practice_stays_possible_whatever_its_prerequisites(assess):
    # t-dv is shown implemented although t-vc (its prerequisite) is known missing: t-dv stays
    # possible, so no dimension's potential falls below its proven level
    text = PREFIXES + assessment() + ev("t-vc", "not-implemented") + ev("t-dv", "implemented")
    result = assess(text)
    assert result["practices"]["t-dv"]["satisfied"] is True
    assert result["practices"]["t-dv"]["possible"] is True
    assert result["practices"]["t-vc"]["possible"] is False
    for dimension in result["dimensions"].values():
        assert dimension["level"] <= dimension["potential"]


# --- Step 1, rules: several `unless` values exclude unless ANY one of them is declared --------

EXTRA_RULE = """
@prefix cmlops: <https://w3id.org/cmlops#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
cmlops:t-rule-regulated a cmlops:ApplicabilityRule ; rdfs:label "T regulated only" ;
    cmlops:unless cmlops:risk-high , cmlops:risk-limited ;
    cmlops:excludes cmlops:t-reg ;
    cmlops:ruleJustification "T not regulated" .
"""


@pytest.fixture(scope="module", params=sorted(IMPLEMENTATIONS_OVER))
def assess_rule(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Run:
    path = tmp_path_factory.mktemp("rules") / "extra_rule.ttl"
    path.write_text(EXTRA_RULE, encoding="utf-8")
    implementation = IMPLEMENTATIONS_OVER[request.param]([*MINI_V2_FILES, path])

    def run(text: str, assessment: str | None = None) -> dict:
        return _short(implementation(text, assessment))  # type: ignore[return-value]

    return run


@pytest.mark.parametrize(
    "context, excluded",
    [((), True), (("risk-minimal",), True), (("risk-limited",), False), (("risk-high",), False)],
)
def test_a_rule_with_several_unless_values_needs_only_one(assess_rule, context, excluded):
    r = assess_rule(PREFIXES + assessment(context=context))
    assert r["practices"]["t-reg"]["excluded"] is excluded
    reasons = {r["criteria"][c]["reason"] for c in ("t-reg.versions", "t-reg.stages")}
    assert reasons == ({"T not regulated"} if excluded else {None})


@pytest.mark.parametrize(
    ("role", "applies"),
    [
        (None, True),  # the role is not declared: every duty is shown
        ("role-deployer", True),
        ("role-provider-and-deployer", True),
        ("role-provider", False),  # a provider that does not deploy: not its duty
    ],
)
def test_an_obligation_binds_only_the_operator_roles_it_names(assess_extra, role, applies):
    r = assess_extra(profile(context=(role,) if role else ()))
    assert r["obligations"]["t-obl-deployer"] == ("unknown" if applies else "not-applicable")
    assert r["obligations"]["t-obl-always"] == "unknown"  # it names no role: binds every one
    reasons = _obligation_reasons(r).get("t-cd", [])
    assert ("obligation:t-obl-deployer" in reasons) is applies
