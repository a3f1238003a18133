"""A catalogue of bad and hostile inputs, each with its expected behaviour: a clear message, the
right exit code, nothing written, no traceback and (by the harness in conftest) no network."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from cmlops_kg.cli import main
from cmlops_kg.resources import EXAMPLES_DIR

GOOD = (EXAMPLES_DIR / "profiles" / "basketful-retail.ttl").read_bytes()
PREFIXES = b"""@prefix cmlops: <https://w3id.org/cmlops#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
MINIMAL = (
    PREFIXES
    + b"""
<https://e/org> a org:Organization ; rdfs:label "Tiny" .
<https://e/a1> a cmlops:Assessment ; cmlops:assesses <https://e/org> ;
    dcterms:date "2026-01-01"^^xsd:date ; cmlops:method cmlops:method-audit .
<https://e/e1> a cmlops:Evidence ; prov:wasGeneratedBy <https://e/a1> ;
    cmlops:aboutPractice cmlops:version-control ; cmlops:status cmlops:status-implemented .
"""
)
BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
        for i in range(1, 10)
    )
    + b']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    b'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
    b'<rdf:Description rdf:about="https://e/a"><rdfs:label>&lol9;</rdfs:label>'
    b"</rdf:Description></rdf:RDF>\n"
)
XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    b'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
    b'<rdf:Description rdf:about="https://e/a"><rdfs:label>&xxe;</rdfs:label>'
    b"</rdf:Description></rdf:RDF>\n"
)
SAFE_ENTITIES = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY cmlops "https://w3id.org/cmlops#"> '
    b'<!ENTITY org "http://www.w3.org/ns/org#"> ]>\n'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    b'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#" xmlns:cmlops="https://w3id.org/cmlops#" '
    b'xmlns:prov="http://www.w3.org/ns/prov#" xmlns:dcterms="http://purl.org/dc/terms/">\n'
    b'<rdf:Description rdf:about="https://e/org"><rdf:type rdf:resource="&org;Organization"/>'
    b"<rdfs:label>Entities Inc</rdfs:label></rdf:Description>\n"
    b'<rdf:Description rdf:about="https://e/a1"><rdf:type rdf:resource="&cmlops;Assessment"/>'
    b'<cmlops:assesses rdf:resource="https://e/org"/>'
    b'<dcterms:date rdf:datatype="http://www.w3.org/2001/XMLSchema#date">2026-01-01</dcterms:date>'
    b'<cmlops:method rdf:resource="&cmlops;method-audit"/></rdf:Description>\n'
    b'<rdf:Description rdf:about="https://e/e1"><rdf:type rdf:resource="&cmlops;Evidence"/>'
    b'<prov:wasGeneratedBy rdf:resource="https://e/a1"/>'
    b'<cmlops:aboutPractice rdf:resource="&cmlops;version-control"/>'
    b'<cmlops:status rdf:resource="&cmlops;status-implemented"/></rdf:Description>\n'
    b"</rdf:RDF>\n"
)


@dataclass
class Case:
    name: str
    content: bytes
    command: str = "validate"
    suffix: str = ".ttl"
    code: int = 2
    message: str = ""
    args: list[str] = field(default_factory=list)


CASES = [
    Case("malformed-turtle", b"@prefix ex: <http://e/> .\nex:a ex:b", message="not valid turtle"),
    Case(
        "malformed-jsonld",
        b'{"@id": "https://e/a", ',
        suffix=".jsonld",
        message="not valid json-ld",
    ),
    Case(
        "malformed-rdfxml",
        b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description>"
        b"</rdf:RDF>",
        suffix=".rdf",
        message="not valid rdf-xml",
    ),
    Case(
        "malformed-ntriples",
        b"<https://e/a> <https://e/b> .\n",
        suffix=".nt",
        message="not valid n-triples",
    ),
    Case("empty", b"", message="empty"),
    Case("whitespace-only", b"\n\n   \t\n", suffix=".nt", message="empty"),
    Case("binary-png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", message="binary"),
    Case("utf16-turtle", MINIMAL.decode().encode("utf-16"), message="binary"),
    Case(
        "latin1-turtle",
        PREFIXES + '<https://e/o> rdfs:label "Zürich" .'.encode("latin-1"),
        message="not UTF-8",
    ),
    Case(
        "jsonld-remote-context",
        b'{"@context": "https://example.org/context.jsonld", "@id": "https://e/a", "n": 1}',
        suffix=".jsonld",
        message="remote @context, which is never fetched",
    ),
    Case(
        "jsonld-remote-import",
        b'{"@context": {"@import": "https://example.org/ctx.jsonld"}, "@id": "https://e/a"}',
        suffix=".jsonld",
        message="never fetched",
    ),
    Case(
        "jsonld-file-context",
        b'{"@context": "file:///etc/passwd", "@id": "https://e/a"}',
        suffix=".jsonld",
        message="never fetched",
    ),
    Case("rdfxml-external-entity", XXE, suffix=".rdf", message="external entity"),
    Case("rdfxml-entity-bomb", BOMB, suffix=".rdf", message="expansion bomb"),
    Case("rdfxml-safe-entities", SAFE_ENTITIES, suffix=".rdf", code=0, message="conforms"),
    Case(
        "remote-owl-imports",
        MINIMAL + b"<https://e/x> a <http://www.w3.org/2002/07/owl#Ontology> ;"
        b" <http://www.w3.org/2002/07/owl#imports> <https://example.org/evil.owl> .\n",
        code=0,
        message="conforms",
    ),
    Case(
        "enormous-literal-label",
        MINIMAL.replace(b'"Tiny"', b'"' + b"A" * 3_000_000 + b'"'),
        command="assess",
        code=0,
        message="(Ad hoc)",  # the readiness headline of a level-0 profile
    ),
    Case(
        "unknown-practice",
        MINIMAL.replace(b"version-control", b"telepathy"),
        code=1,
        message="not a practice in the cmlops ontology",
    ),
    Case(
        "wrong-datatype-confidence",
        MINIMAL.replace(
            b"status-implemented .", b'status-implemented ; cmlops:confidence "high" .'
        ),
        code=1,
        message="Confidence must be one decimal number",
    ),
    Case(
        "wrong-datatype-date",
        MINIMAL.replace(b'"2026-01-01"^^xsd:date', b'"01/01/2026"'),
        code=1,
        message="must be a date",
    ),
    Case(
        "duplicate-evidence",
        MINIMAL + b"<https://e/e2> a cmlops:Evidence ; prov:wasGeneratedBy <https://e/a1> ;"
        b" cmlops:aboutPractice cmlops:version-control ; cmlops:status cmlops:status-partial .\n",
        code=1,
        message="more than one piece of evidence",
    ),
    Case(
        "two-organisations",
        GOOD + b"\n" + MINIMAL.replace(PREFIXES, b""),
        command="assess",
        message="--org",
    ),
    Case(
        "no-organisation",
        PREFIXES + b'<https://e/x> rdfs:label "nothing here" .\n',
        command="assess",
        code=1,
        message="holds no assessment",
    ),
    Case(
        "blank-node-assessment",
        MINIMAL.replace(b"<https://e/a1>", b"_:a1"),
        code=1,
        message="must have an IRI",
    ),
    Case("unknown-extension", MINIMAL, suffix=".txt", message="--input-format"),
    Case(
        "unclosed-rdfxml-root",
        b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>",
        suffix=".rdf",
        code=1,
        message="holds no assessment",
    ),
    Case(
        "wrong-declared-format",
        MINIMAL,
        args=["--input-format", "rdf-xml"],
        message="not valid rdf-xml",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_profile(case: Case, tmp_path: Path, capsys):
    path = tmp_path / f"input{case.suffix}"
    path.write_bytes(case.content)
    before = set(tmp_path.iterdir())
    started = time.perf_counter()
    code = main([case.command, str(path), *case.args])
    elapsed = time.perf_counter() - started
    out, err = capsys.readouterr()
    assert code == case.code, (out, err)
    assert case.message in out + err
    assert "Traceback" not in out + err
    assert len(out) + len(err) < 200_000, "never echo large input back"
    assert set(tmp_path.iterdir()) == before, "nothing may be written"
    assert elapsed < 60  # a bomb must be refused, not expanded (generous: not a timing test)


def test_oversized_file_is_refused_without_reading_it(tmp_path, capsys):
    big = tmp_path / "big.ttl"
    with big.open("wb") as handle:  # sparse: 21 MB on paper, nothing on disk
        handle.truncate(21 * 1024 * 1024)
    assert main(["validate", str(big)]) == 2
    assert "limit" in capsys.readouterr().err


def test_directory_and_missing_file(tmp_path, capsys):
    assert main(["assess", str(tmp_path)]) == 2
    assert main(["assess", str(tmp_path / "missing.ttl")]) == 2
    err = capsys.readouterr().err
    assert "not a regular file" in err and "no such file" in err


QUERY_CASES = [
    ("update-insert", "INSERT DATA { <https://e/a> <https://e/b> 1 }", "read-only"),
    ("update-delete-where", "DELETE WHERE { ?s ?p ?o }", "read-only"),
    ("load", "LOAD <https://example.org/x.ttl>", "read-only"),
    ("clear", "CLEAR DEFAULT", "read-only"),
    ("drop", "DROP ALL", "read-only"),
    ("service", "SELECT * { SERVICE <https://example.org/sparql> { ?s ?p ?o } }", "read-only"),
    (
        "service-lowercase",
        "select * { service <https://example.org/sparql> { ?s ?p ?o } }",
        "read-only",
    ),
    ("not-sparql", "this is not a query", "syntax"),
]


@pytest.mark.parametrize(("name", "text", "message"), QUERY_CASES, ids=[c[0] for c in QUERY_CASES])
def test_hostile_queries(name, text, message, tmp_path, capsys):
    path = tmp_path / f"{name}.rq"
    path.write_text(f"# Title: {name}\n# Description: hostile\n# Parameters: none\n{text}\n")
    code = main(["query", str(path)])
    _, err = capsys.readouterr()
    assert code == 2
    assert message in err.lower()
    assert "Traceback" not in err


def test_keywords_inside_strings_and_iris_are_not_refused(tmp_path, capsys):
    path = tmp_path / "ok.rq"
    path.write_text(
        "# Title: ok\n# Description: mentions DROP in a string\n# Parameters: none\n"
        'SELECT ?x WHERE { BIND("DROP ALL; LOAD <x>" AS ?x) FILTER(?x != <https://e/insert>) }\n'
    )
    assert main(["query", str(path), "--format", "json"]) == 0
    assert "DROP ALL" in capsys.readouterr().out


def _answers(tmp_path: Path) -> tuple[Path, dict]:
    path = tmp_path / "answers.yaml"
    assert main(["questionnaire", "--out", str(path)]) == 0
    return path, yaml.safe_load(path.read_text())


def test_yaml_with_python_objects_is_refused(tmp_path, capsys):
    path = tmp_path / "evil.yaml"
    path.write_text("organisation: !!python/object/apply:os.system ['echo pwned']\n")
    out_file = tmp_path / "p.ttl"
    assert main(["import", str(path), "--out", str(out_file)]) == 2
    assert "not valid YAML" in capsys.readouterr().err
    assert not out_file.exists()


def test_yaml_alias_bomb_is_refused(tmp_path, capsys):
    lines = ['q: &q0 {practice: version-control, status: ""}']
    for i in range(1, 8):
        lines.append(f"l{i}: &q{i} [" + ", ".join([f"*q{i - 1}"] * 10) + "]")
    bomb = "\n".join(lines) + (
        "\norganisation: {iri: 'https://e/o', name: X}\nassessment: {date: 2026-01-01}\n"
        "dimensions: [{dimension: D, questions: *q7}]\n"
    )
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb)
    assert main(["import", str(path), "--out", str(tmp_path / "p.ttl")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err


def test_questionnaire_answers_with_unknown_keys(tmp_path, capsys):
    path, doc = _answers(tmp_path)
    doc["organisation"]["name"] = "X"
    doc["organisation"]["secret_token"] = "abc"
    path.write_text(yaml.safe_dump(doc))
    out_file = tmp_path / "p.ttl"
    # answers that parse but break the format are reported all at once, like a profile that does
    # not conform (exit 1); unreadable YAML is an input error (exit 2)
    assert main(["import", str(path), "--out", str(out_file)]) == 1
    assert "unknown key 'secret_token'" in capsys.readouterr().err
    assert not out_file.exists()


@pytest.mark.parametrize("target", ["missing-dir/report.html", "."])
def test_report_to_a_bad_place(tmp_path, capsys, target):
    profile = tmp_path / "p.ttl"
    profile.write_bytes(MINIMAL)
    out = tmp_path / target
    assert main(["report", str(profile), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and (
        "does not exist" in err
        or "directory" in err
        or "cannot write" in err
        or ".html or .md" in err
    )


# -- the read-only guard decides on the parsed query: texts built to fool a keyword scanner ----
SERVICE = "SERVICE <https://example.org/sparql> { ?s ?p ?o }"
GUARD_CASES = [
    # a triple quote in each of two comment lines: a scanner that reads strings before
    # comments sees one long string between them and misses the SERVICE in the middle
    ("triple-quote-comments", f"SELECT * WHERE {{\n# '''\n{SERVICE}\n# '''\n}}", "SERVICE"),
    ("triple-double-quote-comments", f'SELECT * WHERE {{\n# """\n{SERVICE}\n# """\n}}', "SERVICE"),
    # a quote inside an IRI: not a valid IRI, so the parser refuses the whole text
    ("iri-with-quote", f'SELECT * WHERE {{ ?s <https://e/a"b> ?o . {SERVICE} }}', "syntax"),
    ("string-then-iri", f'SELECT * WHERE {{ ?s ?p "a<b" . {SERVICE} }}', "SERVICE"),
    ("filter-exists", f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ {SERVICE} }} }}", "SERVICE"),
    ("not-exists", f"SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ {SERVICE} }} }}", "SERVICE"),
    ("lowercase", "select * where { service <https://e/s> { ?s ?p ?o } }", "SERVICE"),
    ("optional", f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ {SERVICE} }} }}", "SERVICE"),
    ("union", f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ {SERVICE} }} }}", "SERVICE"),
    ("sub-select", f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ {SERVICE} }} }} }}", "SERVICE"),
    ("minus", f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ {SERVICE} }} }}", "SERVICE"),
    ("graph", f"SELECT * WHERE {{ GRAPH ?g {{ {SERVICE} }} }}", "SERVICE"),
    (
        "service-variable",
        "SELECT * WHERE { VALUES ?e { <https://e/s> } SERVICE ?e { ?s ?p ?o } }",
        "SERVICE",
    ),
    ("construct", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {SERVICE} }}", "SERVICE"),
    ("ask", f"ASK {{ {SERVICE} }}", "SERVICE"),
    ("describe", f"DESCRIBE ?s WHERE {{ {SERVICE} }}", "SERVICE"),
    (
        "update-after-query",
        "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <https://e/a> <https://e/b> 1 }",
        "second operation",
    ),
    ("update", "DELETE WHERE { ?s ?p ?o }", "Update"),
    ("load", "LOAD <https://example.org/x.ttl>", "Update"),
    ("prefix-named-ask", "PREFIX ask: <https://e/> SELECT * WHERE { ?s ask:p ?o }", None),
]


@pytest.mark.parametrize(
    ("text", "message"), [c[1:] for c in GUARD_CASES], ids=[c[0] for c in GUARD_CASES]
)
def test_the_guard_reads_the_query_as_the_engine_would(text, message):
    from cmlops_kg.errors import QueryError
    from cmlops_kg.sparql.guard import ensure_read_only

    if message is None:
        ensure_read_only(text)  # a plain SELECT: allowed
        return
    with pytest.raises(QueryError) as info:
        ensure_read_only(text)
    assert message in info.value.what
    assert info.value.fix
