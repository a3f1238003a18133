"""Small, careful edits of SPARQL text for backends without SEP-0007 substitution.

Over the SPARQL protocol a query's parameters are bound with a ``VALUES`` block placed at the
start of the outermost ``WHERE`` group, and the inference CONSTRUCTs become server-side
``INSERT ... USING ... WHERE`` updates. Values are serialised from validated RDF terms
(:func:`cmlops_kg.store.bind_parameters`), never from user text. The scanner below skips
comments, strings and IRIs, so braces or keywords inside them are never mistaken for syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import QueryError

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


def _top_level_groups(text: str) -> list[tuple[int, int, str | None]]:
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


def where_group(text: str) -> tuple[int, int]:
    """Offsets of the braces of the outermost WHERE group."""
    groups = _top_level_groups(text)
    form = query_form(text)
    for open_at, close_at, keyword in groups:
        if keyword == "WHERE":
            return open_at, close_at
    index = 1 if form == "CONSTRUCT" else 0  # CONSTRUCT { template } { pattern }
    if len(groups) <= index:
        raise QueryError("cannot find the WHERE group of the query")
    return groups[index][0], groups[index][1]


def values_block(bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """``VALUES ?name { term }`` lines for bound parameters (terms already validated)."""
    lines = []
    for name, term in sorted(bindings.items()):
        if not re.fullmatch(r"\w+", name) or not isinstance(term, ox.NamedNode | ox.Literal):
            raise QueryError(f"cannot bind parameter {name!r}")
        lines.append(f"VALUES ?{name} {{ {term} }}")
    return "\n".join(lines)


def bind_with_values(text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """The query with its parameters bound by a VALUES block opening the WHERE group."""
    if not bindings:
        return text
    open_at, _ = where_group(text)
    return text[: open_at + 1] + "\n" + values_block(bindings) + "\n" + text[open_at + 1 :]


_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*(<[^<>\s]*>)", re.IGNORECASE)


@dataclass(frozen=True)
class UpdateOperation:
    """One operation of an update request and the prefixes it needs."""

    prefixes: dict[str, str]
    text: str


def construct_as_insert(
    text: str,
    target: str,
    using: Iterable[str],
    bindings: Mapping[str, ox.NamedNode | ox.Literal],
) -> UpdateOperation:
    """A CONSTRUCT query rewritten as ``INSERT { GRAPH <target> {...} } USING ... WHERE``.

    The template's blank nodes stay blank nodes minted in the store, so later strata can
    join on them (they would not survive a CONSTRUCT result posted back to a server).
    """
    if query_form(text) != "CONSTRUCT":
        raise QueryError("only CONSTRUCT queries can be materialised")
    groups = _top_level_groups(text)
    construct_kw = next(
        t
        for t in tokens(text)
        if t.depth == 0 and t.kind == "word" and t.text.upper() == "CONSTRUCT"
    )
    template_open, template_close, keyword = groups[0]
    if keyword != "CONSTRUCT":
        raise QueryError("materialised queries must spell out their CONSTRUCT template")
    where_open, where_close = where_group(text)
    if text[where_close + 1 :].strip():
        raise QueryError("materialised queries cannot have solution modifiers after WHERE")
    prologue = "\n".join(
        line
        for line in text[: construct_kw.start].splitlines()
        if not line.lstrip().startswith("#")
    )
    if re.search(r"\bBASE\b", prologue, re.IGNORECASE):
        raise QueryError("materialised queries cannot declare a BASE")
    prefixes = {m.group(1) or "": m.group(2) for m in _PREFIX_DECL.finditer(prologue)}
    template = text[template_open + 1 : template_close]
    body = text[where_open + 1 : where_close]
    dataset = "\n".join(f"USING {ox.NamedNode(g)}" for g in using)
    values = values_block(bindings)
    return UpdateOperation(
        prefixes,
        f"INSERT {{ GRAPH {ox.NamedNode(target)} {{{template}}} }}\n{dataset}\n"
        f"WHERE {{\n{values}\n{body}}}",
    )


def update_request(operations: Iterable[UpdateOperation | str]) -> str:
    """Operations joined into one request, their prefixes declared once at the start."""
    prefixes: dict[str, str] = {}
    texts = []
    for op in operations:
        if isinstance(op, UpdateOperation):
            for name, iri in op.prefixes.items():
                if prefixes.setdefault(name, iri) != iri:
                    raise QueryError(f"the prefix {name}: means two things in one update")
            texts.append(op.text)
        else:
            texts.append(op)
    prologue = "".join(f"PREFIX {name}: {iri}\n" for name, iri in sorted(prefixes.items()))
    return prologue + " ;\n".join(texts)
