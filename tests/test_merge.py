"""Combining assessments (cmlops_kg.assessment.merge): per criterion the strongest of what the
inputs say wins, criterion evidence governs its criterion and practice evidence speaks for the
rest, context rules speak for the input that declares the context, unknowns are filled,
disagreements are written down; context and target are carried over."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pyoxigraph as ox
import pytest
from profile_generator import random_profile
from rdflib import RDF, Graph, URIRef

import cmlops_kg
from cmlops_kg.assessment.engine import Assessor
from cmlops_kg.assessment.merge import assess_side_by_side, combine, merge_profiles
from cmlops_kg.assessment.questionnaire import catalogue
from cmlops_kg.cli import main
from cmlops_kg.errors import InputError
from cmlops_kg.rdf.ontology import ontology_files
from cmlops_kg.rdf.profiles import parse_profile_bytes, profile_from_rdflib, read_profile
from cmlops_kg.resources import EXAMPLES_DIR
from cmlops_kg.validation import validate_profile

CMLOPS = "https://w3id.org/cmlops#"
ACME = "https://example.org/org/acme"
REPO = "urn:cmlops:repo:acme-ml"
HEAD = """
@prefix cmlops: <https://w3id.org/cmlops#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix earl: <http://www.w3.org/ns/earl#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
MODES = {"automated": "automatic", "manual": "manual", "semi": "semiAuto"}


def profile(
    org: str,
    method: str,
    evidence: dict[str, str],
    *,
    name: str = "",
    date: str = "2026-01-01",
    context: tuple[str, ...] = (),
    extra: str = "",
    confidence: float | None = 0.7,
):
    """A profile; evidence: 'practice' or 'practice.criterion' -> 'status [mode]'."""
    asm = f"{org}/assessment/{date}"
    lines = [
        HEAD,
        f'<{org}> a org:Organization ; rdfs:label "{name or org.rsplit("/", 1)[-1]}" .',
        f"<{asm}> a cmlops:Assessment ; cmlops:assesses <{org}> ;",
        f'  dcterms:date "{date}"^^xsd:date ; cmlops:method cmlops:method-{method}'
        + "".join(f" ; cmlops:inContext cmlops:{c}" for c in context)
        + " .",
        extra.replace("ASSESSMENT", f"<{asm}>"),
    ]
    for key, spec in evidence.items():
        status, _, mode = spec.partition(" ")
        about = "aboutCriterion" if "." in key else "aboutPractice"
        lines.append(
            f"<{asm}/ev/{key}> a cmlops:Evidence ; prov:wasGeneratedBy <{asm}> ; "
            f"cmlops:{about} cmlops:{key} ; cmlops:status cmlops:status-{status}"
            + (f" ; earl:mode earl:{MODES[mode]}" if mode else "")
            + (' ; cmlops:justification "single model"' if status == "not-applicable" else "")
            + (f" ; cmlops:confidence {confidence}" if confidence is not None else "")
            + " ."
        )
    return parse_profile_bytes("\n".join(lines).encode(), f"{method}-{date}.ttl", "turtle")


def judged(merged) -> tuple[dict[str, dict], object]:
    """The merged profile validated and assessed: criterion -> its row, and the result."""
    report = validate_profile(merged)
    assert report.conforms, [f.message for f in report.findings]
    result = cmlops_kg.assess(merged, validate=False)
    return {str(r["criterion"]).removeprefix(CMLOPS): r for r in result.criteria}, result


def evidence_of(merged, about: str) -> dict[str, list[str]]:
    """The combined evidence about a practice or criterion: predicate -> objects."""
    subjects = {
        t.subject
        for t in merged.triples
        if t.object.value == CMLOPS + about
        and t.predicate.value in (CMLOPS + "aboutCriterion", CMLOPS + "aboutPractice")
    }
    assert len(subjects) <= 1
    found: dict[str, list[str]] = {}
    for t in merged.triples:
        if t.subject in subjects:
            found.setdefault(t.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1], []).append(
                t.object.value
            )
    return found


def states(rows: dict[str, dict], practice: str) -> dict[str, str]:
    return {k.split(".", 1)[1]: r["state"] for k, r in rows.items() if k.startswith(practice + ".")}


# -- precedence ----------------------------------------------------------------------------------
def test_whole_practice_answers_combine_strongest_first():
    answers = profile(
        ACME,
        "questionnaire",
        {
            "shared-backlog": "implemented manual",
            "continuous-integration": "not-implemented",
            "feature-store": "not-applicable",
            "experiment-tracking": "implemented manual",
        },
        name="Acme",
    )
    scan = profile(
        REPO,
        "repository-scan",
        {
            "continuous-integration": "implemented automated",
            "feature-store": "partial",
            "experiment-tracking": "implemented automated",
            "data-versioning": "partial",
        },
    )
    merged = merge_profiles([answers, scan], date=dt.date(2026, 2, 1))
    _rows, result = judged(merged)
    practice = {str(p["practice"]).removeprefix(CMLOPS): p for p in result.practices}
    assert {
        k: str(practice[k]["statusLabel"])
        for k in (
            "shared-backlog",
            "continuous-integration",
            "feature-store",
            "experiment-tracking",
            "data-versioning",
        )
    } == {
        "shared-backlog": "implemented",  # only the questionnaire knows
        "continuous-integration": "implemented",  # the scan shows CI running
        "feature-store": "not applicable",  # justified N/A beats 'partial'
        "experiment-tracking": "implemented",
        "data-versioning": "partial",
    }
    assert practice["experiment-tracking"]["points"] == 1  # automated beats manual
    assert result.organisation == ACME and result.method == "combined evidence"
    assert result.date == "2026-02-01"
    ci = evidence_of(merged, "continuous-integration")
    assert ci["mode"] == ["http://www.w3.org/ns/earl#automatic"]
    (text,) = ci["justification"]
    assert "taken from the repository scan of 2026-01-01, about the whole practice" in text
    assert (
        "Disagreement: the self-assessment questionnaire of 2026-01-01 states not implemented"
        in text
    )
    assert ci["confidence"] == ["0.50"]  # 0.7, one input disagrees
    assert "confidence" not in evidence_of(merged, "shared-backlog") or evidence_of(
        merged, "shared-backlog"
    )["confidence"] == ["0.70"]


def test_criterion_evidence_of_one_input_and_practice_evidence_of_the_other():
    """The questionnaire answers CI as a whole; the scan judged one criterion of it. Each input
    is read as it alone would be (its criterion evidence governs that criterion, its practice
    evidence the others), and per criterion the stronger statement wins."""
    answers = profile(ACME, "questionnaire", {"continuous-integration": "implemented manual"})
    scan = profile(
        REPO, "repository-scan", {"continuous-integration.failing-blocks-merge": "partial"}
    )
    merged = merge_profiles([answers, scan])
    rows, _ = judged(merged)
    assert states(rows, "continuous-integration") == {
        "build-on-push": "met",
        "failing-blocks-merge": "met",  # the questionnaire's 'implemented' is stronger
        "fast-feedback": "met",
    }
    crit = evidence_of(merged, "continuous-integration.failing-blocks-merge")
    assert crit["status"] == [CMLOPS + "status-implemented"]
    (text,) = crit["justification"]
    assert (
        "taken from the self-assessment questionnaire of 2026-01-01, about the whole practice"
        in text
    )
    assert "the repository scan of 2026-01-01 states partial, about this criterion" in text
    assert set(crit["wasDerivedFrom"]) == {
        f"{ACME}/assessment/2026-01-01/ev/continuous-integration",
        f"{REPO}/assessment/2026-01-01/ev/continuous-integration.failing-blocks-merge",
    }
    # the practice evidence is kept: it still speaks for the other two criteria
    assert evidence_of(merged, "continuous-integration")["status"] == [
        CMLOPS + "status-implemented"
    ]


def test_an_inputs_own_criterion_answer_still_governs_within_it():
    """Practice 'implemented' with one criterion 'not implemented' in the same input: merged with
    an input that says nothing about the practice, that criterion stays not met."""
    answers = profile(
        ACME,
        "questionnaire",
        {
            "continuous-integration": "implemented automated",
            "continuous-integration.failing-blocks-merge": "not-implemented",
        },
    )
    scan = profile(REPO, "repository-scan", {"version-control": "implemented automated"})
    rows, result = judged(merge_profiles([answers, scan]))
    assert states(rows, "continuous-integration") == {
        "build-on-push": "met",
        "failing-blocks-merge": "not-met",
        "fast-feedback": "met",
    }
    practice = {str(p["practice"]).removeprefix(CMLOPS): p for p in result.practices}
    assert str(practice["continuous-integration"]["statusLabel"]) == "partial"


def test_a_specific_no_loses_to_another_inputs_whole_practice_yes_and_is_recorded():
    answers = profile(
        ACME, "questionnaire", {"continuous-integration.build-on-push": "not-implemented"}
    )
    scan = profile(REPO, "repository-scan", {"continuous-integration": "implemented automated"})
    merged = merge_profiles([answers, scan])
    rows, _ = judged(merged)
    assert set(states(rows, "continuous-integration").values()) == {"met"}
    crit = evidence_of(merged, "continuous-integration.build-on-push")
    assert "states not implemented, about this criterion" in crit["justification"][0]
    assert crit["confidence"] == ["0.50"]


def test_unknowns_are_filled_and_an_explicit_unknown_hides_nothing():
    answers = profile(
        ACME,
        "questionnaire",
        {
            "data-validation.schema": "implemented manual",
            "data-validation.stops-pipeline": "unknown",
            "version-control": "unknown",
        },
    )
    scan = profile(
        REPO,
        "repository-scan",
        {"data-validation.stops-pipeline": "implemented automated", "version-control": "partial"},
    )
    merged = merge_profiles([answers, scan])
    rows, _ = judged(merged)
    assert states(rows, "data-validation") == {
        "schema": "met",  # the scan was silent: filled by the questionnaire
        "stops-pipeline": "met",  # the questionnaire's unknown hides nothing
        "completeness": "unknown",  # nobody says anything: still unknown, no evidence
        "value-statistics": "unknown",
    }
    assert "status" not in evidence_of(merged, "data-validation.completeness")
    assert (
        "Disagreement"
        not in evidence_of(merged, "data-validation.stops-pipeline")["justification"][0]
    )
    assert set(states(rows, "version-control").values()) == {"not-met"}  # partial beats unknown


def test_a_context_rule_speaks_for_the_input_that_declares_the_context():
    """The questionnaire says the system is batch-only and nothing about A/B testing: for it A/B
    testing does not apply. The scan found an A/B library (partial). Justified not applicable
    is stronger than partial: A/B testing stays excluded, the disagreement is written down."""
    answers = profile(
        ACME,
        "questionnaire",
        {"version-control": "implemented", "prediction-service-tests.api-contract": "implemented"},
        context=("serving-batch",),
    )
    scan = profile(
        REPO,
        "repository-scan",
        {"ab-testing": "partial", "prediction-service-tests": "not-implemented"},
    )
    merged = merge_profiles([answers, scan])
    rows, result = judged(merged)
    assert set(states(rows, "ab-testing").values()) == {"excluded"}
    reason = rows["ab-testing.random-assignment"]["reason"]
    assert "batch only" in reason and "by the context it declares" in reason
    assert "the repository scan of 2026-01-01 states partial, about the whole practice" in reason
    # the load test is excluded by the questionnaire's context; the contract test is its answer
    assert states(rows, "prediction-service-tests") == {
        "api-contract": "met",
        "load-tested": "excluded",
    }
    assert [c.value for c in result.context] == [CMLOPS + "serving-batch"]
    derived = evidence_of(merged, "ab-testing.random-assignment")["wasDerivedFrom"]
    assert CMLOPS + "rule-batch-no-online-experiments" in derived


def test_an_explicit_answer_overrides_its_own_context_rule_in_the_merge_too():
    answers = profile(
        ACME,
        "questionnaire",
        {"prediction-service-tests.load-tested": "not-implemented"},
        context=("serving-batch",),
    )
    scan = profile(REPO, "repository-scan", {"version-control": "implemented"})
    rows, _ = judged(merge_profiles([answers, scan]))
    assert states(rows, "prediction-service-tests")["load-tested"] == "not-met"


def test_silence_under_a_context_rule_needs_no_evidence():
    answers = profile(
        ACME, "questionnaire", {"version-control": "implemented"}, context=("serving-batch",)
    )
    scan = profile(REPO, "repository-scan", {"continuous-integration": "implemented"})
    merged = merge_profiles([answers, scan])
    rows, _ = judged(merged)
    assert set(states(rows, "ab-testing").values()) == {"excluded"}  # the combined context
    assert not evidence_of(merged, "ab-testing")
    assert not evidence_of(merged, "ab-testing.random-assignment")


def test_a_rule_with_several_unless_values_keeps_the_item_for_any_of_them():
    """The regulatory baseline applies unless a risk class - high, limited or minimal - is
    declared. A questionnaire that declares limited risk keeps AI literacy in scope, so its
    silence does not exclude it, and the scan's "not implemented" stands."""
    answers = profile(
        ACME, "questionnaire", {"version-control": "implemented"}, context=("risk-limited",)
    )
    scan = profile(REPO, "repository-scan", {"ai-literacy": "not-implemented"})
    merged = merge_profiles([answers, scan])
    rows, _ = judged(merged)
    assert set(states(rows, "ai-literacy").values()) == {"not-met"}


def test_an_undeclared_factor_leaves_the_input_silent_and_the_combined_context_decides():
    """The scan declares nothing about generative AI (in it alone the GenAI practices are
    excluded); the questionnaire says the system uses it and that prompts are not versioned.
    The scan's silence is no "not applicable": the combination reads "not met"."""
    answers = profile(
        ACME, "questionnaire", {"prompt-versioning": "not-implemented"}, context=("genai-yes",)
    )
    scan = profile(REPO, "repository-scan", {"version-control": "implemented"})
    rows, _ = judged(merge_profiles([answers, scan]))
    assert set(states(rows, "prompt-versioning").values()) == {"not-met"}


def test_merging_with_a_copy_changes_no_criterion():
    answers = profile(
        ACME,
        "questionnaire",
        {
            "continuous-integration": "implemented manual",
            "continuous-integration.fast-feedback": "partial",
            "data-validation.schema": "not-applicable",
            "version-control": "planned",
        },
        context=("serving-batch",),
    )
    copy = profile(
        ACME,
        "audit",
        {
            "continuous-integration": "implemented manual",
            "continuous-integration.fast-feedback": "partial",
            "data-validation.schema": "not-applicable",
            "version-control": "planned",
        },
        date="2026-01-02",
        context=("serving-batch",),
    )
    alone = {str(r["criterion"]): r["state"] for r in cmlops_kg.assess(answers).criteria}
    rows, _ = judged(merge_profiles([answers, copy]))
    assert {CMLOPS + k: r["state"] for k, r in rows.items()} == alone


# -- the point of merging: a scan-only assessment's open questions answered ----------------------
def _level_one(cat) -> list:
    return [p for p in cat.practices.values() if p.level == 1]


def test_a_scan_says_what_needs_an_answer_and_the_questionnaire_fills_it(tmp_path, capsys):
    cat = catalogue()
    level_one = _level_one(cat)
    seen = level_one[::2]  # the scan sees every other level-1 practice running in CI
    rest = level_one[1::2]
    scan = profile(
        REPO,
        "repository-scan",
        {p.key: "implemented automated" for p in seen},
        date="2026-03-01",
        confidence=0.9,
    )
    answers = profile(
        ACME,
        "questionnaire",
        {c.key: "implemented manual" for p in rest for c in p.criteria},
        name="Acme",
        date="2026-03-02",
        confidence=None,
    )
    alone = cmlops_kg.assess(scan)
    assert alone.readiness.level == 0 and alone.readiness.potential >= 1
    blocking = {q.practice for q in alone.open_questions if q.blocks_readiness}
    # practices a context rule excludes (generative AI ones, without a GenAI context) ask nothing
    excluded = {str(p["practice"]) for p in alone.practices if p["excluded"]}
    assert excluded and {p.iri for p in rest} - excluded <= blocking
    combination = combine([scan, answers])
    _rows, result = judged(combination.profile)
    assert result.readiness.level == 1
    assert not {q.practice for q in result.open_questions if q.level == 1}
    assert result.organisation == ACME and result.label == "Acme"  # not the scan's repository
    assert result.date == "2026-03-02"  # the latest input's
    standings = assess_side_by_side(combination)
    assert [s.words for s in standings] == [
        "the repository scan of 2026-03-01",
        "the self-assessment questionnaire of 2026-03-02",
        "combined",
    ]
    assert standings[0].readiness == 0
    assert set(standings[0].blocking) >= {p.label for p in rest if p.iri not in excluded}
    assert f"these {len(standings[0].blocking)} practices need an answer" in standings[0].line()
    assert standings[2].readiness == 1
    # and through the command line
    a, b, out = tmp_path / "scan.ttl", tmp_path / "answers.ttl", tmp_path / "combined.ttl"
    a.write_bytes(ox.serialize(scan.triples, format=ox.RdfFormat.TURTLE))
    b.write_bytes(ox.serialize(answers.triples, format=ox.RdfFormat.TURTLE))
    assert main(["merge", str(a), str(b), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "the repository scan of 2026-03-01: readiness 0, up to" in printed
    assert "practices need an answer" in printed
    assert "combined: readiness 1" in printed
    assert main(["validate", str(out)]) == 0
    assert main(["assess", str(out), "--format", "json"]) == 0
    assert '"combined evidence"' in capsys.readouterr().out


# -- context, target, provenance, organisation ---------------------------------------------------
def test_conflicting_context_is_refused_naming_both():
    answers = profile(
        ACME,
        "questionnaire",
        {"version-control": "implemented"},
        context=("serving-batch", "genai-no"),
    )
    scan = profile(
        REPO, "repository-scan", {"version-control": "implemented"}, context=("serving-online",)
    )
    with pytest.raises(InputError) as caught:
        merge_profiles([answers, scan])
    text = caught.value.render()
    assert "the self-assessment questionnaire of 2026-01-01 (questionnaire-2026-01-01.ttl)" in text
    assert "'batch only'" in text and "'online service'" in text and "serving mode" in text
    assert "the repository scan of 2026-01-01 (repository-scan-2026-01-01.ttl)" in text


def test_context_of_both_inputs_is_carried_over():
    answers = profile(
        ACME, "questionnaire", {"version-control": "implemented"}, context=("serving-batch",)
    )
    scan = profile(
        REPO,
        "repository-scan",
        {"version-control": "implemented"},
        context=("serving-batch", "team-small"),
    )
    _, result = judged(merge_profiles([answers, scan]))
    assert sorted(c.value.removeprefix(CMLOPS) for c in result.context) == [
        "serving-batch",
        "team-small",
    ]


def test_a_preset_target_and_an_own_target_are_carried_over():
    preset = "ASSESSMENT cmlops:target cmlops:target-batch-production ."
    answers = profile(ACME, "questionnaire", {"version-control": "implemented"}, extra=preset)
    scan = profile(REPO, "repository-scan", {"version-control": "implemented"})
    _, result = judged(merge_profiles([scan, answers]))
    assert result.target is not None and result.target.iri == CMLOPS + "target-batch-production"
    own = (
        "ASSESSMENT cmlops:target <https://example.org/org/acme/target> .\n"
        "<https://example.org/org/acme/target> a cmlops:TargetProfile ; "
        'rdfs:label "Acme 2027" ; cmlops:hasTargetLevel [ cmlops:ofDimension cmlops:dim-data ; '
        "cmlops:levelRank 3 ] ."
    )
    answers = profile(ACME, "questionnaire", {"version-control": "implemented"}, extra=own)
    _, result = judged(merge_profiles([scan, answers]))
    assert result.target is not None and result.target.label == "Acme 2027"
    assert result.target.levels == {CMLOPS + "dim-data": 3}
    other = profile(
        REPO,
        "repository-scan",
        {"version-control": "implemented"},
        extra="ASSESSMENT cmlops:target cmlops:target-uniform-2 .",
    )
    with pytest.raises(InputError, match="different targets"):
        merge_profiles([other, answers])


def test_combined_evidence_keeps_its_provenance():
    answers = profile(ACME, "questionnaire", {"continuous-integration": "not-implemented"})
    scan = profile(REPO, "repository-scan", {"continuous-integration": "implemented automated"})
    merged = merge_profiles([answers, scan])
    derived = set(evidence_of(merged, "continuous-integration")["wasDerivedFrom"])
    assert derived == {
        f"{REPO}/assessment/2026-01-01/ev/continuous-integration",
        f"{ACME}/assessment/2026-01-01/ev/continuous-integration",
    }
    informed = {
        t.object.value for t in merged.triples if t.predicate.value.endswith("wasInformedBy")
    }
    assert informed == {f"{ACME}/assessment/2026-01-01", f"{REPO}/assessment/2026-01-01"}


def test_organisation_label_and_date_can_be_chosen():
    answers = profile(ACME, "questionnaire", {"version-control": "implemented"}, name="Acme")
    scan = profile(REPO, "repository-scan", {"version-control": "implemented"})
    merged = merge_profiles(
        [scan, answers], organisation=ACME, label="Acme Inc", date=dt.date(2026, 4, 1)
    )
    _, result = judged(merged)
    assert (result.label, result.organisation, result.date) == ("Acme Inc", ACME, "2026-04-01")


def test_metric_observations_are_carried_over():
    # two teams whose contexts agree (a merge refuses inputs that disagree on the context)
    basketful = read_profile(EXAMPLES_DIR / "profiles" / "basketful-retail.ttl")
    cadence = read_profile(EXAMPLES_DIR / "profiles" / "cadence-media.ttl")
    merged = merge_profiles([basketful, cadence], organisation="https://example.org/org/basketful")
    _, result = judged(merged)
    expected = [cmlops_kg.assess(p, validate=False).outcomes for p in (basketful, cadence)]
    assert len(result.outcomes) == sum(len(o) for o in expected) > 0  # the latest assessments'
    assert sorted(o.value for o in result.outcomes) == sorted(
        o.value for outcomes in expected for o in outcomes
    )


def test_needs_two_different_assessments():
    answers = profile(ACME, "questionnaire", {"version-control": "implemented"})
    with pytest.raises(InputError, match="at least two"):
        merge_profiles([answers])
    with pytest.raises(InputError, match="hold the same assessment"):
        merge_profiles([answers, answers])


def test_merge_cli_refuses_conflicts_and_writes_nothing(tmp_path, capsys):
    a, b, out = tmp_path / "a.ttl", tmp_path / "b.ttl", tmp_path / "c.ttl"
    a.write_bytes(
        ox.serialize(
            profile(
                ACME,
                "questionnaire",
                {"version-control": "implemented"},
                context=("serving-batch",),
            ).triples,
            format=ox.RdfFormat.TURTLE,
        )
    )
    b.write_bytes(
        ox.serialize(
            profile(
                REPO, "repository-scan", {"version-control": "partial"}, context=("serving-edge",)
            ).triples,
            format=ox.RdfFormat.TURTLE,
        )
    )
    assert main(["merge", str(a), str(b), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "disagree on the context" in err and "Traceback" not in err
    assert not out.exists()
    assert main(["merge", str(a), "--out", str(out)]) == 2
    with pytest.raises(SystemExit) as stopped:
        main(["merge", str(a), str(b), "--out", str(out), "--date", "2026-13-45"])
    assert stopped.value.code == 2 and "is not a date" in capsys.readouterr().err


# -- the rule, checked by the engine on generated profiles ---------------------------------------
STATE_ORDER = {"met": 0, "excluded": 1, "not-met": 2, "unknown": 3}


def _ontology_graph() -> Graph:
    graph = Graph()
    for path in ontology_files():
        graph.parse(str(path), format="turtle")
    return graph


@pytest.fixture(scope="module")
def ontology_graph() -> Graph:
    return _ontology_graph()


def _without_context(graph: Graph) -> Graph:
    """The profile without context and target, so that it cannot conflict with another's."""
    dropped = {CMLOPS + "inContext", CMLOPS + "target"}
    stripped = Graph()
    for triple in graph:
        if str(triple[1]) not in dropped:
            stripped.add(triple)
    return stripped


def _full_context(ontology: Graph, rng: random.Random) -> set[URIRef]:
    """One value of every context factor of the ontology."""
    factors: dict[URIRef, list[URIRef]] = {}
    for value in ontology.subjects(RDF.type, URIRef(CMLOPS + "ContextValue")):
        for factor in ontology.objects(
            value, URIRef("http://www.w3.org/2004/02/skos/core#inScheme")
        ):
            factors.setdefault(factor, []).append(value)
    return {rng.choice(sorted(values)) for _, values in sorted(factors.items())}


def _in_context(graph: Graph, values: set[URIRef]) -> Graph:
    """The profile with every assessment in the given context (and without a target)."""
    inside = _without_context(graph)
    for subject in inside.subjects(RDF.type, URIRef(CMLOPS + "Assessment")):
        for value in values:
            inside.add((subject, URIRef(CMLOPS + "inContext"), value))
    return inside


@pytest.mark.slow
@pytest.mark.parametrize("seed", [3, 11, 29, 47, 83])
def test_every_criterion_is_judged_as_the_strongest_of_the_inputs(ontology_graph, seed):
    """On generated profiles: each criterion of the combined assessment is met when an input has
    it met, else excluded when one has it excluded, else not met when one says so, else unknown;
    its points are the most any input earns for it."""
    rng = random.Random(seed)
    # Both inputs in one context that declares every factor: each input's rules then exclude
    # what the combination's do. (An input that leaves a factor undeclared is silent about the
    # rules on it - the combined context decides - which the tests above pin down one by one.)
    context = _full_context(ontology_graph, rng)
    first = _in_context(random_profile(ontology_graph, rng.randrange(10_000)), context)
    second = _in_context(random_profile(ontology_graph, rng.randrange(10_000)), context)
    profiles = [profile_from_rdflib(first, "first"), profile_from_rdflib(second, "second")]
    combination = combine(profiles)
    assert validate_profile(combination.profile).conforms
    assess_side_by_side(combination)  # materialises every input and the combination
    engine = Assessor(combination.store)

    def judged_rows(assessment: str) -> dict[str, dict]:
        return {
            str(r["criterion"]): r
            for r in engine.store.select("criterion_status", {"assessment": assessment})
        }

    inputs = [judged_rows(i.assessment) for i in combination.inputs]
    merged = judged_rows(combination.assessment)
    assert merged.keys() == inputs[0].keys()
    for criterion, row in merged.items():
        expected = min(STATE_ORDER[rows[criterion]["state"]] for rows in inputs)
        assert STATE_ORDER[row["state"]] == expected, criterion
        if row["state"] == "met":
            assert row["points"] == max(rows[criterion]["points"] for rows in inputs), criterion


# -- the bundled scan + questionnaire pair, when there is one -----------------------------------
def _example_pairs() -> list[tuple[Path, Path]]:
    pairs = []
    for scan in sorted((EXAMPLES_DIR / "merge").glob("*-scan.ttl")):
        answers = EXAMPLES_DIR / "profiles" / f"{scan.name.removesuffix('-scan.ttl')}.ttl"
        if answers.exists():
            pairs.append((scan, answers))
    return pairs


@pytest.mark.parametrize(
    ("scan", "answers"),
    _example_pairs()
    or [
        pytest.param(
            None,
            None,
            marks=pytest.mark.skip(
                reason="no examples/merge/<name>-scan.ttl with examples/profiles/<name>.ttl yet"
            ),
        )
    ],
)
def test_the_bundled_scan_and_questionnaire_merge(scan, answers, tmp_path, capsys):
    out = tmp_path / "combined.ttl"
    assert main(["merge", str(scan), str(answers), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "combined: readiness" in printed
    alone = cmlops_kg.assess(scan)
    combined = cmlops_kg.assess(out)
    assert combined.method == "combined evidence"
    assert combined.readiness.level >= alone.readiness.level  # proven levels never drop
    scan_rows = {str(r["criterion"]): r["state"] for r in alone.criteria}
    answer_rows = {str(r["criterion"]): r["state"] for r in cmlops_kg.assess(answers).criteria}
    for r in combined.criteria:  # merging never loses what the scan proved, fills unknowns
        if scan_rows.get(str(r["criterion"])) == "met":
            assert r["state"] == "met"
        if r["state"] == "unknown":
            # unknown only where no input states anything. A scan declares no regulatory
            # context, so a rule "applies unless a risk class is declared" excludes there and
            # not in the combined context (the union: the questionnaire names the risk class).
            stated = {"met", "not-met"}
            assert scan_rows.get(str(r["criterion"])) not in stated, r["criterion"]
            assert answer_rows.get(str(r["criterion"])) == "unknown", r["criterion"]
    unknown = [r for r in combined.criteria if r["state"] == "unknown"]
    assert len(unknown) < sum(1 for state in scan_rows.values() if state == "unknown")
