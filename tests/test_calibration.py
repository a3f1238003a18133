"""Calibration against the published Google and Azure levels (examples/calibration/).

Each organisation there has a consultant's description, the Google (0-2) and Azure (0-4) levels
that follow from the published definitions (decided before the tool was first run) and the
questionnaire answers the description supports; examples/calibration/build.py turns them into an
"unknown" profile (unmentioned = no evidence) and a "closed" one (unmentioned = not implemented).

Pinned here:
- every profile validates and is up to date with its answers;
- the unknown reading's range [proven, potential] contains the published level - except the
  known findings below;
- the closed reading's proven level equals the published level - except the known findings;
- the totals never fall below today's measured numbers.

Known findings are strict xfails: a regression fails an agreeing case, and a fix shows as an
XPASS failure, after which the case moves out of the list and the floor goes up.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from oracle import Oracle

from cmlops_kg.rdf.profiles import read_profile
from cmlops_kg.validation import validate_profile

ROOT = Path(__file__).resolve().parent.parent
CALIBRATION = ROOT / "examples" / "calibration"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


bench = _load("calibration_benchmark", ROOT / "benchmarks" / "calibration.py")
build = _load("calibration_build", CALIBRATION / "build.py")

ORGANISATIONS = [p.stem for p in bench.organisations()]
PROFILES = sorted(CALIBRATION.glob("*.ttl"))
MODELS = ("google", "azure")

# Measured on 2026-12-01 (first run, levels fixed beforehand): closed-reading exact agreement
# and unknown-reading containment, out of 14 organisations. The encoding must not fall below.
CLOSED_FLOOR = {"google": 8, "azure": 5}
UNKNOWN_FLOOR = {"google": 14, "azure": 14}

_ORCHESTRATED = (
    "AZ-L2-TECH-1 'Automated model training' is encoded as "
    "ml-pipeline-orchestration.orchestrated-dag (data preparation, training, evaluation and "
    "validation as steps of one orchestrated pipeline); Azure never asks for a multi-step "
    "pipeline - over-read"
)
_RELEASES = (
    "AZ-L1-AI-3 'Releases automated' is encoded as deployment-automation.scripted-deploy (every "
    "production deployment by a pipeline), while the same level says Model Release 'Manual "
    "process' (AZ-L1-MR-1) and level 2 'Manual release' (AZ-L2-MR-1) - over-read"
)
_TRAINING_CODE_VC = (
    "AZ-L1-TECH-3 'Version control for code' is encoded as version-control.code-versioned, "
    "which includes training code; Azure asks training code in version control only at level 2 "
    "(AZ-L2-MC-4) - over-read"
)
_UNMENTIONED_AZURE = (
    "closed-reading artefact: the Azure requirements name criteria a 250-word description does "
    "not state (build-automation.scripted-build, cross-functional-team.joint-productionisation, "
    "reproducible-training.rerun-reproduced for 'Easy to reproduce model', "
    "managed-ml-environments.versioned-environments for AZ-L2-HL-1 - leaning on the product "
    "bullet AZ-L2-TECH-7 -, continuous-delivery.staged-promotion, "
    "pipeline-ci.component-tests for 'Automated tests for all code' - a Google 'can include' "
    "test, G2-26)"
)
_UNMENTIONED_GOOGLE = (
    "closed-reading artefact: the requirements ask whole practices (ab-testing with sticky "
    "assignment and a predefined analysis for G1-29c's 'A/B testing setup', feature-store, "
    "pipeline-continuous-delivery, pipeline-ci incl. component artefact tests from the 'can "
    "include' list G2-26, build-automation) and criteria (held-out test set for G1-26, scripted "
    "deployments, code in version control) whose other parts the description does not state"
)

# (organisation, model) -> why the closed reading disagrees today
KNOWN_CLOSED: dict[tuple[str, str], str] = {
    ("deepcurrent-forecasting", "google"): (
        "G1-29b, G1-20/21 and G1-26 are read as prediction-service-tests.api-contract, a "
        "version-controlled schema and a held-out test set; the description states the "
        "infrastructure check, an 'expected schema' and evaluation 'on the last week' only "
        "(debatable: only the infrastructure half of G1-29b is described)"
    ),
    ("sentry-telecom", "google"): (
        "G1-29b is read as prediction-service-tests.api-contract, which batch serving does not "
        "exclude; the description states a test run in the batch-scoring container only "
        "(debatable: a batch job has no prediction-service API)"
    ),
    ("harbor-bank", "google"): _UNMENTIONED_GOOGLE,
    ("lumen-retail", "google"): _UNMENTIONED_GOOGLE,
    ("meridian-streaming", "google"): _UNMENTIONED_GOOGLE,
    ("nimbus-ads", "google"): _UNMENTIONED_GOOGLE,
    ("harbor-bank", "azure"): _UNMENTIONED_AZURE,
    ("kestrel-payments", "azure"): _UNMENTIONED_AZURE,
    ("lumen-retail", "azure"): _UNMENTIONED_AZURE,
    ("meridian-streaming", "azure"): _UNMENTIONED_AZURE,
    ("nimbus-ads", "azure"): _UNMENTIONED_AZURE,
    ("orchard-agritech", "azure"): _UNMENTIONED_AZURE,
    ("polaris-mobility", "azure"): _UNMENTIONED_AZURE,
    ("sentry-telecom", "azure"): _UNMENTIONED_AZURE,
    ("vantage-marketplace", "azure"): _UNMENTIONED_AZURE,
}

# (organisation, model) -> why the unknown reading's range misses the published level today.
# Empty since the encoding fixes of 2026-12-01 (README: "Later remapping").
KNOWN_UNKNOWN: dict[tuple[str, str], str] = {}


def _cases(known: dict[tuple[str, str], str]) -> list:
    cases = []
    for name in ORGANISATIONS:
        for model in MODELS:
            reason = known.get((name, model))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(name, model, marks=marks, id=f"{name}-{model}"))
    return cases


@pytest.fixture(scope="module")
def rows() -> dict:
    oracle = Oracle(bench.ontology_graph())
    return {row.name: row for row in bench.measure(oracle)}


# --- the set itself ---------------------------------------------------------------------------


def test_the_set_covers_the_published_levels():
    catalogue = build.Catalogue()
    orgs = [build.load(CALIBRATION / f"{name}.yaml", catalogue) for name in ORGANISATIONS]
    assert len(orgs) >= 12
    google = [o["google_level"] for o in orgs]
    azure = [o["azure_level"] for o in orgs]
    assert all(google.count(level) >= 2 for level in range(3)), google
    assert all(azure.count(level) >= 2 for level in range(5)), azure
    assert sum("lopsided" in o.get("shape", "") for o in orgs) >= 3


def test_known_findings_name_organisations_of_the_set():
    for name, model in [*KNOWN_CLOSED, *KNOWN_UNKNOWN]:
        assert name in ORGANISATIONS and model in MODELS


def test_profiles_are_generated_from_the_current_answers():
    assert build.main(["--check"]) == 0, "run examples/calibration/build.py"
    assert len(PROFILES) == 2 * len(ORGANISATIONS)


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.name)
def test_profile_validates(path):
    report = validate_profile(read_profile(path), engine="auto")
    assert report.conforms, [f.message for f in report.findings]


@pytest.mark.slow
@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.name)
def test_profile_validates_with_pyshacl(path):
    report = validate_profile(read_profile(path), engine="pyshacl")
    assert report.conforms, [f.message for f in report.findings]


# --- the tool against the published levels -------------------------------------------------------


@pytest.mark.parametrize(("name", "model"), _cases(KNOWN_UNKNOWN))
def test_unknown_reading_contains_the_published_level(rows, name, model):
    row = rows[name]
    r = row.readings["unknown"][model]
    assert r.level <= row.published[model] <= r.potential, (
        f"published {row.published[model]}, tool {r.level}-{r.potential}, "
        f"missing for {r.level + 1}: {sorted(bench.local(q) for q in r.missing_for_next)}"
    )


@pytest.mark.parametrize(("name", "model"), _cases(KNOWN_CLOSED))
def test_closed_reading_gives_the_published_level(rows, name, model):
    row = rows[name]
    r = row.readings["closed"][model]
    assert r.level == row.published[model], (
        f"published {row.published[model]}, tool {r.level}, "
        f"missing for {r.level + 1}: {sorted(bench.local(q) for q in r.missing_for_next)}"
    )


def test_agreement_does_not_fall_below_the_measured_floor(rows):
    totals = bench.totals(list(rows.values()))
    for model in MODELS:
        assert totals[model]["closed_exact"] >= CLOSED_FLOOR[model], (model, totals[model])
        assert totals[model]["unknown_contains"] >= UNKNOWN_FLOOR[model], (model, totals[model])


def test_the_floor_matches_the_known_findings():
    n = len(ORGANISATIONS)
    for model in MODELS:
        assert CLOSED_FLOOR[model] == n - sum(m == model for _, m in KNOWN_CLOSED)
        assert UNKNOWN_FLOOR[model] == n - sum(m == model for _, m in KNOWN_UNKNOWN)
