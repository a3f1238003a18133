"""The query library's contract (ROBOT style): every .rq file has a readable header, declares
its parameters with kinds, and projects exactly the columns its header lists."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from cmlops_kg.assessment.engine import Assessor
from cmlops_kg.errors import QueryError
from cmlops_kg.rdf.profiles import read_profile
from cmlops_kg.resources import EXAMPLES_DIR
from cmlops_kg.sparql.library import QueryFile, library

LIBRARY = library()
NAMES = sorted(LIBRARY)
SAMPLE = {
    "assessment": "https://example.org/org/ledgerly/assessment/2026-06-30",
    "organisation": "https://example.org/org/ledgerly",
    "practice": "https://w3id.org/cmlops#model-versioning",
    "dimension": "https://w3id.org/cmlops#dim-delivery",
    "metric": "https://w3id.org/cmlops#metric-deployment-frequency",
    "year": 2023,
    "minLevel": 2,
}


@pytest.fixture(scope="module")
def engine() -> Assessor:
    assessor = Assessor()
    for path in sorted((EXAMPLES_DIR / "profiles").glob("*.ttl")):
        assessor.load(read_profile(path))
    return assessor


@pytest.mark.parametrize("name", NAMES)
def test_header_is_complete(name):
    query = LIBRARY[name]
    assert query.title, f"{name}: no '# Title:'"
    assert query.description, f"{name}: no '# Description:' (or '# Problem:' for QC)"
    assert query.form in {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}, name
    if query.form == "SELECT":
        assert query.columns, f"{name}: a SELECT query must list its '# Columns:'"
    for param in query.parameters:
        assert param.description, f"{name}: ?{param.name} needs a description"
        body = "\n".join(
            line for line in query.text.splitlines() if not line.lstrip().startswith("#")
        )
        assert f"?{param.name}" in body, f"{name}: ?{param.name} is declared but never used"


@pytest.mark.parametrize("name", [n for n in NAMES if LIBRARY[n].form == "SELECT"])
def test_projects_exactly_the_declared_columns(name, engine):
    query = LIBRARY[name]
    params = {p.name: SAMPLE[p.name] for p in query.parameters if p.name in SAMPLE}
    missing = [p.name for p in query.parameters if p.required and p.name not in params]
    assert not missing, f"add a sample value for {missing} to SAMPLE"
    solutions = engine.store._run(query, params, None)
    assert isinstance(solutions, ox.QuerySolutions)
    projected = [v.value for v in solutions.variables]
    declared = [c.name for c in query.columns]
    assert projected == declared, f"{name}: header columns {declared} != projection {projected}"


@pytest.mark.parametrize("name", [n for n in NAMES if LIBRARY[n].parameters])
def test_parameters_are_projected_so_they_bind_the_same_way_everywhere(name):
    """Oxigraph substitutes only variables projected at the top level, and a remote VALUES
    block joins on them: every declared parameter must be a projected variable."""
    query = LIBRARY[name]
    if query.form != "SELECT":
        return
    declared = {c.name for c in query.columns}
    for param in query.parameters:
        assert param.name in declared, f"{name}: parameter ?{param.name} is not a column"


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("# '''\n# SELECT in a comment\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("PREFIX ask: <https://e/>\nSELECT * WHERE { ?s ask:p ?o }", "SELECT"),
        ('PREFIX e: <https://e/>\nASK { ?s e:p "SELECT" }', "ASK"),
        ("DESCRIBE <https://e/x>", "DESCRIBE"),
        ("INSERT DATA { <https://e/a> <https://e/b> 1 }", "UNKNOWN"),
    ],
)
def test_the_form_comes_from_the_lexer_not_from_words_in_comments(text, form):
    query = QueryFile("q", Path("q.rq"), text, "q", "")
    assert query.form == form


def test_the_one_lexer_reads_strings_variables_and_blank_nodes_as_units():
    from cmlops_kg.sparql.lexer import lexemes, tokens

    text = (
        "PREFIX select: <https://e/x#WHERE>  # WHERE {\n"
        'SELECT ?select WHERE { _:b select:p """a\n} CONSTRUCT""" ; a ?o . '
        "FILTER(?o != 'x}' && ?o >= 1.5e3) }"
    )
    kinds = [(lex.kind, lex.text) for lex in lexemes(text)]
    assert ("var", "?select") in kinds and ("bnode", "_:b") in kinds
    assert ("string", '"""a\n} CONSTRUCT"""') in kinds and ("number", "1.5e3") in kinds
    words = [(t.kind, t.text, t.depth) for t in tokens(text)]
    assert words == [
        ("word", "PREFIX", 0),
        ("word", "SELECT", 0),
        ("word", "WHERE", 0),
        ("{", "{", 0),
        ("word", "a", 1),
        ("word", "FILTER", 1),
        ("}", "}", 0),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [('ASK { ?s ?p "open }', "unterminated string"), ("ASK { ?s ?p ?o } \\", "unexpected")],
)
def test_the_lexer_names_what_it_cannot_read(text, message):
    from cmlops_kg.sparql.lexer import tokens

    with pytest.raises(QueryError, match=message):
        list(tokens(text))
