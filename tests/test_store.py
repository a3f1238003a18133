"""The store interface on the embedded backend: atomic replace, scoping, persistence; the SPARQL
text edits used over the protocol; and the two SHACL engines agreeing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import example_profiles, invalid_profiles

import cmlops_kg
from cmlops_kg.assessment.engine import Assessor
from cmlops_kg.casestudies import find_case_study
from cmlops_kg.errors import QueryError
from cmlops_kg.rdf.profiles import parse_profile_bytes, read_profile
from cmlops_kg.sparql.lexer import query_form
from cmlops_kg.sparql.library import get_query, inference_strata
from cmlops_kg.sparql.rewrite import bind_with_values, construct_as_insert, where_group
from cmlops_kg.store import open_store
from cmlops_kg.store.base import is_staging
from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.store.inference import inferred_graph, profile_dataset
from cmlops_kg.validation import rust_engine as fast_shacl
from cmlops_kg.validation import validate_profile
from cmlops_kg.vocab import ONTOLOGY_GRAPH

TEAM = """
@prefix cmlops: <https://w3id.org/cmlops#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix org: <http://www.w3.org/ns/org#> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://example.org/{team}> a org:Organization ; rdfs:label "{team}" .
<https://example.org/{team}/a> a cmlops:Assessment ; cmlops:assesses <https://example.org/{team}> ;
    dcterms:date "2026-01-01"^^xsd:date ; cmlops:method cmlops:method-audit .
<https://example.org/{team}/a/e> a cmlops:Evidence ;
    prov:wasGeneratedBy <https://example.org/{team}/a> ;
    cmlops:aboutPractice cmlops:version-control ; cmlops:status cmlops:status-{status} .
"""


def team(name: str, status: str):
    return parse_profile_bytes(TEAM.format(team=name, status=status).encode(), name, "turtle")


def version_control_status(store, graph: str, team_name: str) -> str:
    rows = store.scoped(profile_dataset(graph)).select(
        "practice_status", {"assessment": f"https://example.org/{team_name}/a"}
    )
    return next(
        str(r["statusLabel"]) for r in rows if str(r["practice"]).endswith("#version-control")
    )


@pytest.fixture
def store() -> EmbeddedStore:
    s = EmbeddedStore()
    s.load_ontology()
    return s


# -- SPARQL text edits -----------------------------------------------------------------------
def test_where_group_skips_braces_in_strings_comments_and_iris():
    text = (
        "# a comment with { braces }\nPREFIX ex: <http://ex/{x}>\n"
        'SELECT ?a (CONCAT("}", ?b) AS ?c) WHERE { ?a ex:p "{" . FILTER (?a < ?b) } ORDER BY ?a'
    )
    start, end = where_group(text)
    assert text[start] == "{" and text[end] == "}"
    assert text[start : end + 1] == '{ ?a ex:p "{" . FILTER (?a < ?b) }'


def test_where_group_of_a_construct_is_its_second_group():
    text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert text[slice(*where_group(text))] == "{ ?s ?p ?o "
    assert query_form("# SELECT in a comment\nASK { ?s ?p ?o }") == "ASK"


def test_values_binding_is_serialised_from_validated_terms():
    text = bind_with_values(
        "SELECT ?x WHERE { ?x ?p ?o }",
        {"x": ox.NamedNode("https://example.org/a"), "n": ox.Literal('say "hi"')},
    )
    assert (
        'VALUES ?n { "say \\"hi\\"" }' in text and "VALUES ?x { <https://example.org/a> }" in text
    )
    with pytest.raises(QueryError):
        bind_with_values("SELECT * { }", {"x y": ox.Literal("1")})


def test_construct_becomes_an_insert_into_the_target_graph():
    op = construct_as_insert(
        get_query("infer/1_criterion_outcomes").text,
        "urn:target",
        ["urn:a", "urn:b"],
        {"assessment": ox.NamedNode("https://example.org/a")},
    )
    assert op.text.startswith("INSERT { GRAPH <urn:target> {")
    assert "USING <urn:a>\nUSING <urn:b>" in op.text
    assert op.prefixes["cmlops"] == "<https://w3id.org/cmlops#>"


# -- loading and replacing ---------------------------------------------------------------------
def test_load_profile_replaces_the_profile_and_its_results(store):
    # a planned practice is not met, and its status reads "planned" (kept by the roll-up)
    for status, label in (("planned", "planned"), ("implemented", "implemented")):
        profile = team("t1", status)
        store.load_profile("urn:g:t1", profile.triples, profile.assessment_iris())
        assert version_control_status(store, "urn:g:t1", "t1") == label
    assert sorted(store.graphs()) == sorted([ONTOLOGY_GRAPH, "urn:g:t1", "urn:g:t1/inferred"])


def test_an_exclusive_store_reads_its_graphs_as_a_union_only_when_they_are_the_dataset():
    """``exclusive=True`` lets a query whose dataset is every graph of the store read the
    union of the store's graphs; a store holding anything more keeps the dataset as listed.
    Either way the answers are those of a store without the promise."""
    exclusive, plain = EmbeddedStore(exclusive=True), EmbeddedStore()
    for s in (exclusive, plain):
        s.load_ontology()
        profile = team("t1", "planned")
        s.load_profile("urn:g:t1", profile.triples, profile.assessment_iris())
    assert exclusive._holds_only(profile_dataset("urn:g:t1"))
    assert version_control_status(exclusive, "urn:g:t1", "t1") == "planned"
    for s in (exclusive, plain):
        other = team("t2", "implemented")
        s.load_profile("urn:g:t2", other.triples, other.assessment_iris())
    assert not exclusive._holds_only(profile_dataset("urn:g:t1"))
    for name in ("t1", "t2"):
        assert version_control_status(exclusive, f"urn:g:{name}", name) == version_control_status(
            plain, f"urn:g:{name}", name
        )
    assert len(exclusive.oxigraph) == len(plain.oxigraph)


def test_inferred_triples_keep_the_blank_nodes_of_the_profile():
    """A CONSTRUCT's triples are inserted through N-Triples (parsed in Rust); a load would give
    blank nodes new labels, so triples naming one of the store's keep it and still join."""
    store = EmbeddedStore()
    node, graph = ox.BlankNode("evidence1"), ox.NamedNode("urn:g:t1/inferred")
    store.add_triples("urn:g:t1", [ox.Triple(node, ox.NamedNode("urn:p"), ox.Literal("x"))])
    for text in (
        "CONSTRUCT { ?s <urn:q> ?o } WHERE { ?s <urn:p> ?o }",
        "CONSTRUCT { <urn:s> <urn:q> ?o } WHERE { ?s <urn:p> ?o }",
    ):
        store._insert(store.oxigraph.query(text, use_default_graph_as_union=True), graph)
    got = {(q.subject, q.object) for q in store.oxigraph.quads_for_pattern(None, None, None, graph)}
    assert got == {(node, ox.Literal("x")), (ox.NamedNode("urn:s"), ox.Literal("x"))}


def test_a_private_store_that_reports_one_assessment_answers_as_a_complete_load():
    """``assess`` gives the other assessments of a profile only the strata of their levels
    (what the reported one's history reads): every assessment of a profile with history
    reads the same as from a store holding all their results."""
    path = find_case_study("ledgerly").path
    complete = Assessor()
    complete.load(read_profile(path))
    assessments = read_profile(path).assessment_iris()
    assert len(assessments) > 1
    for assessment in [None, *assessments]:
        for summary in (False, True):
            expected = complete.result(assessment=assessment, summary=summary)
            got = cmlops_kg.assess(path, assessment=assessment, summary=summary)
            assert got == expected


def break_second_stratum(monkeypatch) -> None:
    """Inference fails after a first stratum has written results (a syntax error in the second)."""
    first = inference_strata()[0]
    broken = dataclasses.replace(first, text=first.text + " NOT SPARQL")
    monkeypatch.setattr("cmlops_kg.store.embedded.inference_strata", lambda: [first, broken])


def test_a_failed_replace_leaves_the_previous_profile_intact(store, monkeypatch):
    old = team("t1", "planned")
    store.load_profile("urn:g:t1", old.triples, old.assessment_iris())
    before = store.export("urn:g:t1"), store.export(inferred_graph("urn:g:t1"))
    monkeypatch.setattr(
        "cmlops_kg.store.base.commit_update", lambda *a, **k: "DROP GRAPH <urn:g:t1> ; NOT SPARQL"
    )
    # the embedded store infers with CONSTRUCT queries instead: break it after a first stratum
    # has written staged results
    break_second_stratum(monkeypatch)
    new = team("t1", "implemented")
    with pytest.raises(QueryError):
        store.load_profile("urn:g:t1", new.triples, new.assessment_iris())
    assert (store.export("urn:g:t1"), store.export(inferred_graph("urn:g:t1"))) == before
    assert not [g for g in store.graphs() if is_staging(g)]


def test_scoped_queries_see_only_their_team(store):
    for name, status in (("t1", "implemented"), ("t2", "planned")):
        p = team(name, status)
        store.load_profile(f"urn:g:{name}", p.triples, p.assessment_iris())
    t1 = store.scoped(profile_dataset("urn:g:t1"))
    assert [str(r["organisation"]) for r in t1.select("assessments")] == ["https://example.org/t1"]
    assert version_control_status(store, "urn:g:t2", "t2") == "planned"
    orgs = store.organisations()
    assert [(o.organisation, o.graph, o.assessments) for o in orgs] == [
        ("https://example.org/t1", "urn:g:t1", 1),
        ("https://example.org/t2", "urn:g:t2", 1),
    ]


def test_an_on_disk_store_keeps_profiles_between_runs(tmp_path: Path):
    first = open_store(location=tmp_path / "store", environ={})
    first.load_ontology()
    p = team("t1", "implemented")
    first.load_profile("urn:g:t1", p.triples, p.assessment_iris())
    first.close()
    del first
    again = open_store(environ={"CMLOPS_KG_STORE": str(tmp_path / "store")})
    assert version_control_status(again, "urn:g:t1", "t1") == "implemented"


def test_discard_staging_drops_only_stale_staging_graphs(store):
    store.add_triples("urn:cmlops:staging:1:dead", team("t1", "planned").triples)
    store.add_triples("urn:g:keep", team("t2", "planned").triples)
    assert store.discard_staging() == ["urn:cmlops:staging:1:dead"]
    assert "urn:g:keep" in store.graphs()


# -- the two SHACL engines ---------------------------------------------------------------------
def _comparable(report) -> list[dict]:
    findings = []
    for f in report.findings:
        d = dataclasses.asdict(f)
        d.pop("shape")  # property shapes are blank nodes, labelled differently by each engine
        findings.append(d)
    return findings


@pytest.mark.skipif(not fast_shacl.available(), reason="the Rust 'shacl' package is not installed")
@pytest.mark.parametrize(
    "path", example_profiles() + invalid_profiles(), ids=lambda p: f"{p.parent.name}/{p.stem}"
)
def test_both_shacl_engines_give_the_same_findings(path):
    profile = read_profile(path)
    rust, python = validate_profile(profile, "rust"), validate_profile(profile, "pyshacl")
    assert rust.conforms == python.conforms
    assert _comparable(rust) == _comparable(python)


# -- a new team in an exclusive in-memory store is loaded in place (issue 16: memory) ------------
def _graphs_of(store: EmbeddedStore) -> dict[str, object]:
    """Each graph as its ground triples (compared as N-Triples) and its triples with a blank
    node (compared up to the nodes' labels, in rdflib's canonical form). Two graphs are
    isomorphic exactly when both parts are equal: a blank-node mapping leaves ground triples
    alone. (The ontology graph has some 23,000 triples, a few hundred with a blank node: read
    whole with rdflib's Turtle parser and canonicalised, it took most of this test's time.)"""
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.compare import to_isomorphic

    def term(t: object) -> object:
        if isinstance(t, ox.BlankNode):
            return BNode(t.value)
        if isinstance(t, ox.Literal):
            if t.language:
                return Literal(t.value, lang=t.language)
            return Literal(t.value, datatype=URIRef(t.datatype.value))
        return URIRef(t.value)

    graphs = {}
    for g in store.graphs():
        ground, blank = set(), Graph()
        for t in ox.parse(store.export(g), format=ox.RdfFormat.TURTLE):
            s, p, o = t.subject, t.predicate, t.object
            if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
                blank.add((term(s), term(p), term(o)))
            else:
                ground.add(f"{s} {p} {o}")
        graphs[g] = (frozenset(ground), to_isomorphic(blank))
    return graphs


@pytest.mark.parametrize("path", example_profiles(), ids=lambda p: p.stem)
def test_loading_in_place_gives_what_staging_gives(path, monkeypatch):
    profile = read_profile(path)
    graph = f"urn:g:{path.stem}"
    staged, in_place = EmbeddedStore(), EmbeddedStore(exclusive=True)
    written: list[str] = []
    original = EmbeddedStore.replace_graph

    def spy(self, g, triples):
        written.append(g)
        return original(self, g, triples)

    for s in (staged, in_place):
        s.load_ontology()
        written.clear()
        monkeypatch.setattr(EmbeddedStore, "replace_graph", spy)
        s.load_profile(graph, profile.triples, profile.assessment_iris())
        monkeypatch.undo()
        assert is_staging(written[0]) is (s is staged)  # the path each store took
    assert _graphs_of(in_place) == _graphs_of(staged)


def test_a_failed_load_in_place_leaves_nothing(monkeypatch):
    store = EmbeddedStore(exclusive=True)
    store.load_ontology()
    break_second_stratum(monkeypatch)
    new = team("t1", "implemented")
    with pytest.raises(QueryError):
        store.load_profile("urn:g:t1", new.triples, new.assessment_iris())
    assert store.graphs() == [ONTOLOGY_GRAPH]


def test_a_replace_in_an_exclusive_store_is_still_staged(monkeypatch):
    store = EmbeddedStore(exclusive=True)
    store.load_ontology()
    old = team("t1", "planned")
    store.load_profile("urn:g:t1", old.triples, old.assessment_iris())
    before = store.export("urn:g:t1"), store.export(inferred_graph("urn:g:t1"))
    break_second_stratum(monkeypatch)
    new = team("t1", "implemented")
    with pytest.raises(QueryError):
        store.load_profile("urn:g:t1", new.triples, new.assessment_iris())
    assert (store.export("urn:g:t1"), store.export(inferred_graph("urn:g:t1"))) == before
    assert not [g for g in store.graphs() if is_staging(g)]
