"""Browsing the framework: the browse queries and the functions the Framework page shows."""

from __future__ import annotations

from itertools import pairwise

import pytest

from cmlops_kg.errors import SelectionError
from cmlops_kg.present.framework import (
    MODEL_ORDER,
    external_level_requirements,
    load_catalogue,
    practice_detail,
    practice_key,
    search_practices,
)
from cmlops_kg.sparql.library import library

BROWSE_QUERIES = [
    "phases",
    "practices",
    "pipelines",
    "pipeline_interfaces",
    "crosswalk",
    "practice_sources",
    "external_level_requirements",
]


@pytest.fixture(scope="module")
def catalogue(ontology_store):
    return load_catalogue(ontology_store)


@pytest.mark.parametrize("name", [*BROWSE_QUERIES, "practice_detail", "practice_relations"])
def test_browse_queries_have_the_header_contract(name):
    query = library()[name]
    assert query.title and query.description and query.columns
    assert query.form == "SELECT"


@pytest.mark.parametrize("name", BROWSE_QUERIES)
def test_browse_queries_return_rows_with_their_declared_columns(ontology_store, name):
    query = library()[name]
    rows = ontology_store.select(query)
    assert rows, f"{name} returned nothing"
    assert set(rows[0]) == {c.name for c in query.columns}


def test_every_practice_is_in_exactly_one_ordered_phase(catalogue):
    orders = [p.order for p in catalogue.phases]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
    placed = [p.iri for phase in catalogue.phases for p in phase.practices]
    assert sorted(placed) == sorted(p.iri for p in catalogue.practices)
    counts = catalogue.counts()
    assert counts["practices"] == counts["DevOps"] + counts["MLOps"] == len(catalogue.practices)


def test_search_matches_every_word_case_insensitively_prefix_first(catalogue):
    assert search_practices(catalogue.practices, "  ") == catalogue.practices
    hits = search_practices(catalogue.practices, "DATA")
    assert hits and all("data" in p.label.lower() for p in hits)
    starts = [p.label.lower().startswith("data") for p in hits]
    assert starts == sorted(starts, reverse=True)
    assert search_practices(catalogue.practices, "no such practice xyz") == []


def test_a_practice_detail_has_everything_the_page_shows(ontology_store, catalogue):
    # the first MLOps practice that secures an interface: it has every kind of relation
    summary = next(
        p
        for p in catalogue.practices
        if p.kind == "MLOps" and any(p.label in i.secured_by for i in catalogue.interfaces)
    )
    detail = practice_detail(ontology_store, summary.key)
    assert detail.label == summary.label and detail.level == summary.level
    assert detail.definition and detail.question
    assert detail.related("secures")
    assert detail.devops_roots and all(r.kind == "DevOps" for r in detail.devops_roots)
    assert detail.sources and all(s.url for s in detail.sources)
    known = [m for m in MODEL_ORDER if m in detail.crosswalk]
    others = sorted(m for m in detail.crosswalk if m not in MODEL_ORDER)  # regulation, standards
    assert list(detail.crosswalk) == known + others


def test_known_crosswalk_entries_of_data_validation(ontology_store):
    detail = practice_detail(ontology_store, "data-validation")
    ids = {m: {e.notation for e in entries} for m, entries in detail.crosswalk.items()}
    assert "Data 1" in ids["MLTS"]
    assert any(n.startswith("Google L") for n in ids["Google"])


def test_unknown_practice_is_a_selection_error(ontology_store):
    with pytest.raises(SelectionError, match="no practice"):
        practice_detail(ontology_store, "model-telepathy")


def test_external_level_requirements_are_cumulative(ontology_store):
    levels = external_level_requirements(ontology_store)
    by_model: dict[str, list] = {}
    for level in levels:
        by_model.setdefault(level.model, []).append(level)
    assert len(by_model) >= 2
    for ranked in by_model.values():
        for lower, higher in pairwise(ranked):
            assert lower.rank < higher.rank
            assert set(lower.practices) <= set(higher.practices)


def test_practice_key_round_trip(catalogue):
    first = catalogue.practices[0]
    assert practice_key(first.iri) == first.key and ":" not in first.key


def test_phases_form_one_loop(catalogue):
    following = {p.iri: p.next_phase for p in catalogue.phases}
    start = catalogue.phases[0].iri
    seen, current = [], start
    while current not in seen and current is not None:
        seen.append(current)
        current = following.get(current)
    assert current in seen  # every phase leads on, and the last loops back
    assert len(seen) >= len(catalogue.phases) - 1
