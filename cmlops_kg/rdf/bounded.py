"""Parsing untrusted RDF with bounded time and memory.

Oxigraph's parsers never fetch anything, but three shapes of input still cost far more than
their size: RDF/XML entities that expand (a 2 KB "billion laughs" file is 20 GB of text),
JSON-LD nested thousands of objects deep (the parser recurses until the stack overflows), and
files with millions of short triples or very long RDF lists (validation is then minutes and
gigabytes). Each is refused here, before or while parsing, with an error that names the limit
and its environment variable (:mod:`cmlops_kg.limits`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import islice

import pyoxigraph as ox

from cmlops_kg import limits, vocab
from cmlops_kg.errors import InputError

RDF_REST = ox.NamedNode(vocab.RDF + "rest")

# The internal subset may hold only comments and plain general entities whose value has no
# markup and no reference (so nothing can expand recursively); anything else is refused.
_DOCTYPE = re.compile(
    rb"<!DOCTYPE\s+[^\s\[>]+\s*(?P<rest>[^\[>]*)(?:\[(?P<subset>.*?)\]\s*)?>", re.S
)
_PLAIN_ENTITY = re.compile(
    rb"""<!ENTITY\s+(?P<name>[^\s%"'<>&;]+)\s+(?:"(?P<dq>[^"<&%]*)"|'(?P<sq>[^'<&%]*)')\s*>"""
)
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


def _refuse_doctype(name: str, what: str) -> InputError:
    return InputError(
        f"the RDF/XML DOCTYPE {what}, which is never loaded or expanded",
        where=name,
        fix="export the file without a DOCTYPE, or keep only namespace entities such as "
        '<!ENTITY ex "https://example.org/">',
    )


def check_xml_doctype(data: bytes, name: str) -> None:
    """Refuse external DTDs and entities, parameter entities, declarations other than plain
    entities, and entity uses that would expand past the limit -- whatever the names."""
    if b"<!DOCTYPE" not in data:
        return
    match = _DOCTYPE.search(data)
    if match is None:
        raise _refuse_doctype(name, "cannot be read")
    if match.group("rest").strip():
        raise _refuse_doctype(name, "names an external DTD (SYSTEM or PUBLIC)")
    values = _plain_entities(match.group("subset") or b"", name)
    budget = limits.MAX_ENTITY_EXPANSION.value() * 1000
    expanded = 0
    for entity, value in values.items():
        expanded += data.count(b"&" + entity + b";", match.end()) * len(value)
        if expanded > budget:
            raise InputError(
                f"the RDF/XML's entities expand to more than {budget / 1000:g} KB "
                "(an entity-expansion bomb?)",
                where=name,
                fix=f"use fewer entities, or raise {limits.MAX_ENTITY_EXPANSION.env}",
            )


def _plain_entities(subset: bytes, name: str) -> dict[bytes, bytes]:
    values: dict[bytes, bytes] = {}
    rest = _COMMENT.sub(b"", subset)
    for decl in _PLAIN_ENTITY.finditer(rest):
        value = decl.group("dq") if decl.group("dq") is not None else decl.group("sq")
        values[decl.group("name")] = value
    leftover = _PLAIN_ENTITY.sub(b"", rest).strip()
    if leftover:
        raise _refuse_doctype(name, f"declares {_kind(leftover)} ({_clip(leftover)})")
    return values


def _kind(declaration: bytes) -> str:
    if b"SYSTEM" in declaration or b"PUBLIC" in declaration:
        return "an external entity"
    if b"%" in declaration:
        return "a parameter entity"
    if b"&" in declaration:
        return "an entity that refers to others (nested entities are how expansion bombs work)"
    return "something other than a plain text entity"


def _clip(text: bytes) -> str:
    shown = text[:60].decode("utf-8", "replace")
    return "".join(c if c.isprintable() else " " for c in shown) + ("…" if len(text) > 60 else "")


def check_json_nesting(data: bytes, name: str) -> None:
    """Refuse JSON nested deeper than the limit (brackets inside strings do not count)."""
    most = limits.MAX_NESTING.int_value()
    depth = 0
    for token in _JSON_TOKEN.finditer(data):
        char = token.group()
        if char in (b"{", b"["):
            depth += 1
            if depth > most:
                raise InputError(
                    f"the JSON-LD is nested more than {most} levels deep (at byte {token.start()})",
                    where=name,
                    fix=f"flatten the document (e.g. with @graph), or raise "
                    f"{limits.MAX_NESTING.env}",
                )
        elif char in (b"}", b"]"):
            depth -= 1


def triples_within_limit(quads: Iterable[ox.Quad | ox.Triple], name: str) -> list[ox.Triple]:
    """The triples of a parse, stopping as soon as there are more than the limit."""
    most = limits.MAX_TRIPLES.int_value()
    # one more than the limit is read (and no further): its presence is the error
    triples = [q.triple if isinstance(q, ox.Quad) else q for q in islice(quads, most + 1)]
    if len(triples) > most:
        raise InputError(
            f"the profile has more than {most} triples",
            where=name,
            fix=f"split it into one file per organisation, or raise {limits.MAX_TRIPLES.env}",
        )
    return triples


def check_list_lengths(triples: list[ox.Triple], name: str) -> None:
    """Refuse RDF lists (rdf:rest chains) longer than the limit, and cyclic ones."""
    rest = {t.subject: t.object for t in triples if t.predicate == RDF_REST}
    if not rest:
        return
    most = limits.MAX_LIST_LENGTH.int_value()
    length: dict[object, int] = {}  # items from a node to the end of its list
    for head in set(rest) - set(rest.values()):
        path, node = [], head
        while node in rest and node not in length:
            path.append(node)
            node = rest[node]
        tail = length.get(node, 0)
        for step, item in enumerate(reversed(path), start=1):
            length[item] = tail + step
        if length[head] > most:
            raise _list_error(name, f"longer than {most} items", most)
    if len(length) < len(rest):  # nodes no head reaches lie on a cycle
        raise _list_error(name, "that loops back on itself", most)


def _list_error(name: str, what: str, most: int) -> InputError:
    return InputError(
        f"the profile holds an RDF list {what}",
        where=name,
        fix=f"profiles need no long lists (the limit is {most} items, "
        f"{limits.MAX_LIST_LENGTH.env})",
    )
