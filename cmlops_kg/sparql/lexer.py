"""The one SPARQL lexer of the package: braces and bare words, outside comments, strings and IRIs.

The query form of a library file (:attr:`~cmlops_kg.sparql.library.QueryFile.form`) and the
text rewrites of :mod:`cmlops_kg.sparql.rewrite` (a ``VALUES`` block, CONSTRUCT as INSERT) read
a query through :func:`tokens`, so braces or keywords inside comments, strings or IRIs are never
mistaken for syntax. Deciding whether a query is safe to run is not lexing: the read-only guard
(:mod:`cmlops_kg.sparql.guard`) parses the query with a real SPARQL parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from cmlops_kg.errors import QueryError

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_QUERY_FORMS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}


@dataclass(frozen=True)
class Token:
    kind: str  # "{", "}", "word" or "other"
    text: str
    start: int
    depth: int  # brace depth before the token


def tokens(text: str) -> Iterator[Token]:
    """Braces and bare words of a query, outside comments, strings and IRIs."""
    i, depth, n = 0, 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif c in "\"'":
            i = _skip_string(text, i)
        elif c == "<" and (match := _IRIREF.match(text, i)):
            i = match.end()
        elif c == "{":
            yield Token("{", c, i, depth)
            depth += 1
            i += 1
        elif c == "}":
            depth -= 1
            yield Token("}", c, i, depth)
            i += 1
        elif (match := _WORD.match(text, i)) and (i == 0 or text[i - 1] not in "?$:_-."):
            if not text.startswith(":", match.end()):  # a prefix name (ask:x), not a keyword
                yield Token("word", match.group(0), i, depth)
            i = match.end()
        elif match:
            i = match.end()  # the rest of a variable or prefixed name
        else:
            i += 1


def _skip_string(text: str, i: int) -> int:
    quote = text[i] * 3 if text.startswith(text[i] * 3, i) else text[i]
    j = i + len(quote)
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text.startswith(quote, j):
            return j + len(quote)
        if len(quote) == 1 and text[j] == "\n":
            break
        j += 1
    raise QueryError("unterminated string in the SPARQL text")


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
