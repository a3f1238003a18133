"""Browsing the framework: the browse queries and the functions the Framework page shows."""

from __future__ import annotations

import functools
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
    search_texts,
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
    "practice_search_text",
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


@functools.cache
def _ontology_graph():
    from rdflib import Graph

    from cmlops_kg.rdf.ontology import ontology_files

    g = Graph()
    for path in ontology_files():
        g.parse(path, format="turtle")
    return g


def _oracle_search(word: str, signals: bool = True) -> set[str]:
    """The practices whose own texts, whose criteria's texts or (``signals``) the names and
    tools of the scanner signals that evidence them contain ``word``: plain rdflib."""
    from rdflib import RDF, RDFS, SKOS, Namespace

    cm = Namespace("https://w3id.org/cmlops#")
    g = _ontology_graph()
    own = (RDFS.label, SKOS.altLabel, SKOS.definition, SKOS.example, cm.question)
    of_criterion = (RDFS.label, SKOS.definition, cm.question, cm.evidenceToShow)
    of_signal = (cm.toolName, RDFS.label) if signals else ()
    practices = set(g.subjects(RDF.type, cm.DevOpsPractice)) | set(
        g.subjects(RDF.type, cm.MLOpsPractice)
    )
    found = set()
    for p in practices:
        texts = [str(o) for prop in own for o in g.objects(p, prop)]
        for c in g.subjects(cm.criterionOf, p):
            texts += [str(o) for prop in of_criterion for o in g.objects(c, prop)]
        for s in g.subjects(cm.evidencedPractice, p):
            texts += [str(o) for prop in of_signal for o in g.objects(s, prop)]
        if any(word in t.lower() for t in texts):
            found.add(str(p))
    return found


@pytest.mark.parametrize("word", ["kubernetes", "lock", "canary", "prompt"])
def test_search_finds_practices_by_definition_examples_and_criteria(
    catalogue, ontology_store, word
):
    texts = search_texts(ontology_store)
    hits = search_practices(catalogue.practices, word, texts)
    assert {p.iri for p in hits} == _oracle_search(word)
    by_name = [p for p in hits if word in p.label.lower()]
    assert hits[: len(by_name)] == by_name  # names first


# tools only the scanner's signals name (grep ontology/: these occur in signals.ttl alone) and
# one the practices' examples name too
@pytest.mark.parametrize("tool", ["kedro", "cosign", "mlflow"])
def test_search_finds_practices_by_the_tools_of_their_signals(catalogue, ontology_store, tool):
    texts = search_texts(ontology_store)
    hits = {p.iri for p in search_practices(catalogue.practices, tool, texts)}
    assert hits == _oracle_search(tool)
    # the signals add practices the framework's own texts never name the tool in
    assert hits - _oracle_search(tool, signals=False)


def test_every_practice_lists_each_of_its_sources_once(ontology_store):
    """One row per (practice, source), as the ontology states them (rdflib, no SPARQL); the
    prepared ontology also types every practice cmlops:Practice, which a path query counts
    twice."""
    from rdflib import DCTERMS, RDF, Graph, Namespace

    from cmlops_kg.rdf.ontology import ontology_files

    cm = Namespace("https://w3id.org/cmlops#")
    g = Graph()
    for path in ontology_files():
        g.parse(path, format="turtle")
    practices = set(g.subjects(RDF.type, cm.DevOpsPractice)) | set(
        g.subjects(RDF.type, cm.MLOpsPractice)
    )
    want = sorted((str(p), str(s)) for p in practices for s in g.objects(p, DCTERMS.source))
    rows = ontology_store.select("practice_sources")
    got = sorted((str(r["practice"]), str(r["source"])) for r in rows)
    assert got == want
