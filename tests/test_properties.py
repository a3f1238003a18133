"""Property-based tests: random answers and random bytes never crash the pipeline."""

from __future__ import annotations

import contextlib
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmlops_kg.assessment.engine import Assessor
from cmlops_kg.assessment.questionnaire import (
    MODES,
    STATUSES,
    answers_to_profile,
    load_answers,
    questionnaire_document,
)
from cmlops_kg.errors import CmlopsError
from cmlops_kg.rdf.profiles import FORMATS, parse_profile_bytes
from cmlops_kg.sparql.guard import ensure_read_only
from cmlops_kg.sparql.library import parse_header
from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.validation import validate_profile

STORE = EmbeddedStore()
STORE.load_ontology()
TEMPLATE = questionnaire_document(STORE)
KEYS = [(i, j) for i, d in enumerate(TEMPLATE["dimensions"]) for j in range(len(d["questions"]))]
ENGINE = Assessor(STORE)

answer = st.one_of(
    st.none(),
    st.tuples(
        st.sampled_from(STATUSES),
        st.sampled_from(["", *MODES]),
        # a justification: any printable text with something in it besides white space
        st.text(
            alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]),
            min_size=1,
            max_size=40,
        ).filter(lambda text: text.strip()),
    ),
)


def _filled(choices: list) -> dict:
    doc = {
        "organisation": {"iri": "https://example.org/org/prop", "name": "Property Co"},
        "assessment": {"date": "2026-05-05", "method": "questionnaire"},
        "dimensions": [
            {"dimension": d["dimension"], "questions": [dict(q) for q in d["questions"]]}
            for d in TEMPLATE["dimensions"]
        ],
    }
    for (i, j), choice in zip(KEYS, choices, strict=True):
        if choice is None:
            continue
        status, mode, text = choice
        q = doc["dimensions"][i]["questions"][j]
        q["status"], q["mode"], q["justification"] = status, mode, text
    return doc


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(answer, min_size=len(KEYS), max_size=len(KEYS)))
def test_random_valid_answers_always_assess_deterministically(choices):
    doc = _filled(choices)
    if not any(c is not None for c in choices):
        return
    profile = answers_to_profile(doc, "prop.yaml", STORE)
    report = validate_profile(profile)
    assert report.conforms, [f.message for f in report.findings]
    first = ENGINE.load(profile)
    one = ENGINE.result().to_json()
    ENGINE.load(profile, graph=first)
    two = ENGINE.result().to_json()
    assert one == two
    levels = [d["level"] for d in one["dimensions"]]
    assert one["overall_level"] == min(levels)
    implemented = {
        TEMPLATE["dimensions"][i]["questions"][j]["practice"]
        for (i, j), c in zip(KEYS, choices, strict=True)
        if c is not None and c[0] == "implemented"
    }
    gap_practices = {g["practice"].rsplit("#", 1)[-1] for g in one["gaps"]}
    assert not gap_practices & implemented  # an implemented practice is never a gap


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from(sorted(FORMATS)))
def test_random_bytes_never_crash_the_parsers(data, fmt):
    with contextlib.suppress(CmlopsError):
        parse_profile_bytes(data, f"fuzz.{fmt}", fmt)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_random_text_never_crashes_the_read_only_guard_or_header_parser(text):
    with contextlib.suppress(CmlopsError):
        ensure_read_only(text)
    with contextlib.suppress(CmlopsError):
        parse_header(Path("fuzz.rq"), text)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2048))
def test_random_bytes_never_crash_answers_import(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "answers.yaml"
    path.write_bytes(data)
    with contextlib.suppress(CmlopsError):
        answers_to_profile(load_answers(path), str(path), STORE)


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
        ),
        max_leaves=30,
    )
)
def test_random_yaml_structures_never_crash_answers_import(tmp_path_factory, structure):
    path = tmp_path_factory.mktemp("fuzz") / "answers.yaml"
    path.write_text(yaml.safe_dump(structure))
    with contextlib.suppress(CmlopsError):
        answers_to_profile(load_answers(path), str(path), STORE)
