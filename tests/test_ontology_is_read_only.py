"""A profile cannot change the ontology: statements about ontology terms are refused by
validation with a message saying which term and why, and are kept out of the store when a
profile is assessed without validation, so no report reads them as the ontology's own."""

from __future__ import annotations

import pytest
from test_hostile_inputs import MINIMAL

import cmlops_kg
from cmlops_kg.cli import main

HOSTILE = {
    "source-link": b"cmlops:src-google-mlops-cdct rdfs:seeAlso "
    b"<javascript:alert(document.cookie)> .\n",
    "practice-label": b'cmlops:version-control rdfs:label "<script>x</script>" .\n',
    "new-vocabulary-term": b"cmlops:brand-new-practice a cmlops:MLOpsPractice .\n",
    "rdfs-term": b"rdfs:label rdfs:subPropertyOf rdfs:comment .\n",
}


@pytest.mark.parametrize("extra", HOSTILE.values(), ids=HOSTILE)
def test_statements_about_ontology_terms_do_not_validate(extra):
    report = cmlops_kg.validate(MINIMAL + extra)
    assert not report.conforms
    messages = [f.message for f in report.findings if "ontology" in f.message]
    assert messages and "cannot change the ontology" in messages[0]


def test_the_cli_says_which_term(tmp_path, capsys):
    path = tmp_path / "p.ttl"
    path.write_bytes(MINIMAL + HOSTILE["source-link"])
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "src-google-mlops-cdct" in out and "cannot change the ontology" in out


def test_an_unvalidated_assessment_keeps_them_out_of_the_store(tmp_path):
    from cmlops_kg.store.embedded import EmbeddedStore

    store = EmbeddedStore()
    store.load_ontology()
    extra = HOSTILE["source-link"] + HOSTILE["practice-label"]
    cmlops_kg.assess(MINIMAL + extra, validate=False, store=store)
    ask = (
        "ASK { GRAPH ?g { ?s ?p ?o "
        "FILTER(STRSTARTS(STR(?o), 'javascript:') || CONTAINS(STR(?o), '<script>')) } }"
    )
    assert not bool(store.oxigraph.query(ask))
    path = tmp_path / "p.ttl"
    path.write_bytes(MINIMAL + extra)
    report = tmp_path / "r.html"
    assert main(["report", str(path), "--no-validate", "-o", str(report)]) == 0
    html = report.read_text()
    assert "javascript:" not in html and "<script>x" not in html


def test_a_valid_profile_is_unaffected():
    assert cmlops_kg.validate(MINIMAL).conforms
