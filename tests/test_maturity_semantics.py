"""Pins the exact semantics of the maturity inference on a fixed mini catalogue.

A dimension attains level L when every applicable practice of that dimension required at a
level <= L is implemented; partial/planned/not-implemented/missing evidence do not count;
not applicable WITH a justification is excluded; overall = minimum over dimensions.
These are the proven reading's rules on the v1 mini catalogue; model v2's rules (criteria,
unknowns, potential, context, external levels from crosswalk requirements) are pinned by
tests/test_oracle_semantics.py.
"""

from __future__ import annotations

import pytest

from cmlops_kg.rdf.profiles import parse_profile_bytes

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
ex:a1 a cmlops:Assessment ; cmlops:assesses ex:acme ; dcterms:date "2026-03-01"^^xsd:date ;
    cmlops:method cmlops:method-audit .
"""


def profile(evidence: dict[str, str], modes: dict[str, str] | None = None, extra: str = ""):
    """A profile with one evidence per practice: {practice local name: status local name}."""
    lines = []
    for i, (practice, status) in enumerate(evidence.items()):
        mode = (modes or {}).get(practice)
        lines.append(
            f"ex:e{i} a cmlops:Evidence ; prov:wasGeneratedBy ex:a1 ; "
            f"cmlops:aboutPractice cmlops:{practice} ; cmlops:status cmlops:status-{status}"
            + (f" ; earl:mode earl:{mode}" if mode else "")
            + (' ; cmlops:justification "batch only"' if practice in extra else "")
            + " ."
        )
    text = PREFIXES + "\n".join(lines)
    return parse_profile_bytes(text.encode(), "test.ttl", "turtle")


def levels(assessor, prof) -> tuple[int, dict[str, int]]:
    assessor.load(prof)
    result = assessor.result()
    return result.overall_level, {d.notation: d.level for d in result.dimensions}


def test_everything_implemented_reaches_top_level(mini_assessor):
    all_done = dict.fromkeys(["t-vc", "t-dv", "t-fs", "t-ci", "t-ut", "t-ct"], "implemented")
    overall, dims = levels(mini_assessor, profile(all_done))
    assert dims == {"DATA": 4, "CI": 4}
    assert overall == 4


@pytest.mark.parametrize("status", ["partial", "planned", "not-implemented"])
def test_non_implemented_statuses_do_not_count(mini_assessor, status):
    prof = profile(
        {
            "t-vc": "implemented",
            "t-dv": status,
            "t-ci": "implemented",
            "t-ut": "implemented",
            "t-ct": "implemented",
            "t-fs": "implemented",
        }
    )
    _, dims = levels(mini_assessor, prof)
    assert dims["DATA"] == 1  # t-dv (level 2) missing caps data at 1


def test_missing_evidence_counts_as_not_implemented(mini_assessor):
    prof = profile({"t-vc": "implemented", "t-ci": "implemented"})  # t-ut has no evidence
    overall, dims = levels(mini_assessor, prof)
    assert dims["CI"] == 0
    assert dims["DATA"] == 1
    assert overall == 0


def test_not_applicable_with_justification_is_excluded(mini_assessor):
    prof = profile(
        {
            "t-vc": "implemented",
            "t-dv": "implemented",
            "t-fs": "not-applicable",
            "t-ci": "implemented",
            "t-ut": "implemented",
            "t-ct": "implemented",
        },
        extra="t-fs",
    )
    _, dims = levels(mini_assessor, prof)
    assert dims["DATA"] == 4


def test_not_applicable_without_justification_counts_as_missing(mini_assessor):
    prof = profile(
        {
            "t-vc": "implemented",
            "t-dv": "implemented",
            "t-fs": "not-applicable",
            "t-ci": "implemented",
            "t-ut": "implemented",
            "t-ct": "implemented",
        },
    )
    _, dims = levels(mini_assessor, prof)
    assert dims["DATA"] == 2


def test_levels_are_cumulative_a_higher_practice_does_not_lift_a_lower_gap(mini_assessor):
    prof = profile(
        {
            "t-dv": "implemented",
            "t-fs": "implemented",
            "t-ci": "implemented",
            "t-ut": "implemented",
            "t-ct": "implemented",
        }
    )  # t-vc (L1) missing
    overall, dims = levels(mini_assessor, prof)
    assert dims["DATA"] == 0
    assert dims["CI"] == 4
    assert overall == 0  # weakest link


def test_scores_half_point_manual_one_point_automated(mini_assessor):
    prof = profile(
        {
            "t-vc": "implemented",
            "t-dv": "implemented",
            "t-fs": "partial",
            "t-ci": "implemented",
            "t-ut": "implemented",
        },
        modes={"t-vc": "automatic", "t-dv": "manual", "t-ci": "semiAuto"},
    )
    mini_assessor.load(prof)
    dims = {d.notation: d for d in mini_assessor.result().dimensions}
    assert dims["DATA"].score == 1.5  # 1 (automated) + 0.5 (manual) + 0 (partial)
    assert dims["DATA"].max_score == 3
    assert dims["DATA"].percent == 50.0
    assert dims["CI"].score == 1.0  # semi-automated 0.5 + no mode stated 0.5, missing t-ct 0
    assert dims["CI"].implemented == 2 and dims["CI"].applicable == 3


def test_gaps_are_the_next_level_practices_not_implemented(mini_assessor):
    prof = profile(
        {"t-vc": "implemented", "t-ci": "implemented", "t-ut": "implemented", "t-dv": "planned"}
    )
    mini_assessor.load(prof)
    result = mini_assessor.result()
    gaps = {(g.dimension_label, g.label, g.status) for g in result.gaps}
    assert gaps == {
        # a planned practice is not met (a gap), and reads planned
        ("Data management and quality", "T data versioning", "planned"),
        ("Integration and testing", "T continuous training", "unknown"),
    }


def test_roadmap_puts_prerequisites_first_and_explains(mini_assessor):
    prof = profile({"t-vc": "implemented", "t-ci": "implemented", "t-ut": "implemented"})
    mini_assessor.load(prof)
    phases = mini_assessor.result().roadmap
    roadmap = [item for phase in phases for item in phase.items]
    order = [item.label for item in roadmap]
    assert order.index("T data versioning") < order.index("T continuous training")
    assert phases[0].title.startswith("Phase 1 — reach readiness level 2")
    first = roadmap[0]
    assert first.label == "T data versioning"
    assert "Prerequisite of T continuous training" in first.why
    assert "raises Data management and quality to level 2" in first.why
    assert first.sources and first.sources[0].url.startswith("https://")


def test_roadmap_includes_missing_prerequisites_from_other_dimensions(mini_assessor):
    # data is at level 0 (t-vc missing): t-ct's prerequisite t-dv is a level-2 data practice,
    # not a data gap (the data gap is t-vc), but the CI gap t-ct needs it.
    prof = profile({"t-ci": "implemented", "t-ut": "implemented"})
    mini_assessor.load(prof)
    roadmap = [i.label for phase in mini_assessor.result().roadmap for i in phase.items]
    assert roadmap.index("T version control") < roadmap.index("T data versioning")
    assert roadmap.index("T data versioning") < roadmap.index("T continuous training")


def test_history_lists_every_assessment(mini_assessor):
    text = (
        PREFIXES
        + """
ex:a0 a cmlops:Assessment ; cmlops:assesses ex:acme ; dcterms:date "2025-01-01"^^xsd:date ;
    cmlops:method cmlops:method-questionnaire .
ex:old a cmlops:Evidence ; prov:wasGeneratedBy ex:a0 ; cmlops:aboutPractice cmlops:t-vc ;
    cmlops:status cmlops:status-implemented .
ex:new1 a cmlops:Evidence ; prov:wasGeneratedBy ex:a1 ; cmlops:aboutPractice cmlops:t-vc ;
    cmlops:status cmlops:status-implemented .
ex:new2 a cmlops:Evidence ; prov:wasGeneratedBy ex:a1 ; cmlops:aboutPractice cmlops:t-ci ;
    cmlops:status cmlops:status-implemented .
ex:new3 a cmlops:Evidence ; prov:wasGeneratedBy ex:a1 ; cmlops:aboutPractice cmlops:t-ut ;
    cmlops:status cmlops:status-implemented .
"""
    )
    mini_assessor.load(parse_profile_bytes(text.encode(), "h.ttl", "turtle"))
    result = mini_assessor.result()
    assert result.assessment == "https://example.org/a1"  # the latest
    assert [(p.date, p.overall_level) for p in result.history] == [
        ("2025-01-01", 0),
        ("2026-03-01", 1),
    ]
