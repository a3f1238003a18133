"""The one SPARQL lexer of the package: braces and bare words, outside comments, strings and IRIs.

The query form of a library file (:attr:`~cmlops_kg.sparql.library.QueryFile.form`) and the
text rewrites of :mod:`cmlops_kg.sparql.rewrite` (a ``VALUES`` block, CONSTRUCT as INSERT) read
a query through :func:`tokens`, and the portfolio's batch rewrite (:mod:`cmlops_kg.sparql.batch`)
through :func:`lexemes`, which :func:`tokens` is built on: braces or keywords inside comments,
strings or IRIs are never mistaken for syntax. Deciding whether a query is safe to run is not
lexing: the read-only guard (:mod:`cmlops_kg.sparql.guard`) parses the query with a real SPARQL
parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from cmlops_kg.errors import QueryError

_LEXEME = re.compile(
    r"""
    (?P<ws>\s+|\#[^\n]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'\'\'(?:[^'\\]|\\.|'(?!''))*'\'\'
        |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<number>[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)
  | (?P<bnode>_:[\w.-]*[\w-]|_:\w)
  | (?P<pname>(?:[^\W\d_][\w.-]*)?:(?:[\w.:%-]*[\w:%-])?|[^\W\d][\w]*)
  | (?P<op>\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,./|^*+?!=<>-])
    """,
    re.VERBOSE,
)
_QUERY_FORMS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}


@dataclass(frozen=True)
class Lexeme:
    """One lexical unit of a query: ``iri``, ``string``, ``var``, ``lang``, ``number``,
    ``bnode`` (a blank node label), ``pname`` (a prefixed name, or a bare word: a keyword,
    ``a``, ``true``) or ``op``."""

    kind: str
    text: str
    start: int


def lexemes(text: str) -> Iterator[Lexeme]:
    """The query's lexemes, comments and white space left out."""
    i, n = 0, len(text)
    while i < n:
        match = _LEXEME.match(text, i)
        if match is None:
            if text[i] in "\"'":
                raise QueryError("unterminated string in the SPARQL text")
            raise QueryError(f"unexpected {text[i : i + 20]!r} in the SPARQL text")
        if match.lastgroup != "ws":
            yield Lexeme(match.lastgroup or "", match.group(0), i)
        i = match.end()


@dataclass(frozen=True)
class Token:
    kind: str  # "{", "}" or "word"
    text: str
    start: int
    depth: int  # brace depth before the token


def tokens(text: str) -> Iterator[Token]:
    """Braces and bare words (keywords) of a query, read from its lexemes: a brace or a
    keyword inside a comment, string or IRI, a variable or a prefixed name is never one."""
    depth = 0
    for lex in lexemes(text):
        if lex.kind == "op" and lex.text == "{":
            yield Token("{", "{", lex.start, depth)
            depth += 1
        elif lex.kind == "op" and lex.text == "}":
            depth -= 1
            yield Token("}", "}", lex.start, depth)
        elif lex.kind == "pname" and ":" not in lex.text:
            yield Token("word", lex.text, lex.start, depth)


def top_level_groups(text: str) -> list[tuple[int, int, str | None]]:
    """(open, close, keyword before it) of each brace group at depth 0."""
    groups: list[tuple[int, int, str | None]] = []
    last_word: str | None = None
    open_at = -1
    for tok in tokens(text):
        if tok.depth == 0 and tok.kind == "word":
            last_word = tok.text.upper()
        elif tok.kind == "{" and tok.depth == 0:
            open_at = tok.start
        elif tok.kind == "}" and tok.depth == 0:
            groups.append((open_at, tok.start, last_word))
            last_word = None
    return groups


def query_form(text: str) -> str:
    for tok in tokens(text):
        if tok.depth == 0 and tok.kind == "word" and tok.text.upper() in _QUERY_FORMS:
            return tok.text.upper()
    raise QueryError("not a SPARQL query (no SELECT, CONSTRUCT, ASK or DESCRIBE)")
