"""Small, careful edits of SPARQL text for backends without SEP-0007 substitution.

Over the SPARQL protocol a query's parameters are bound with a ``VALUES`` block placed at the
start of the outermost ``WHERE`` group, and the inference CONSTRUCTs become server-side
``INSERT ... USING ... WHERE`` updates. Values are serialised from validated RDF terms
(:func:`cmlops_kg.sparql.library.bind_parameters`), never from user text. The text is read
through the one lexer (:mod:`cmlops_kg.sparql.lexer`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from cmlops_kg.errors import QueryError
from cmlops_kg.sparql.lexer import query_form, tokens, top_level_groups


def where_group(text: str) -> tuple[int, int]:
    """Offsets of the braces of the outermost WHERE group."""
    groups = top_level_groups(text)
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
    prefixes, template, body = _insert_parts(text)
    dataset = "\n".join(f"USING {ox.NamedNode(g)}" for g in using)
    values = values_block(bindings)
    return UpdateOperation(
        dict(prefixes),
        f"INSERT {{ GRAPH {ox.NamedNode(target)} {{{template}}} }}\n{dataset}\n"
        f"WHERE {{\n{values}\n{body}}}",
    )


@lru_cache(maxsize=256)
def _insert_parts(text: str) -> tuple[tuple[tuple[str, str], ...], str, str]:
    """The prefixes, CONSTRUCT template and WHERE body of a stratum, read once per text: the
    lexer pass cost ~8 ms a stratum, paid for every stratum of every assessment loaded."""
    if query_form(text) != "CONSTRUCT":
        raise QueryError("only CONSTRUCT queries can be materialised")
    groups = top_level_groups(text)
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
    return tuple(prefixes.items()), template, body


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
