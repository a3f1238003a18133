"""Backend-neutral values for query results and parameters.

Query rows are dicts of plain Python values: IRIs become :class:`IRI` (a ``str`` subclass, so
they print and compare as strings but stay distinguishable from string literals), numbers
become ``int``/``float``, booleans ``bool``, dates ``datetime.date``, other literals ``str``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from cmlops_kg.errors import QueryError

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
    )
}
_FLOAT_TYPES = {XSD + "decimal", XSD + "double", XSD + "float"}


class IRI(str):
    """An IRI value in a query row."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"IRI({str(self)!r})"


class BNode(str):
    """A blank-node label in a query row."""

    __slots__ = ()


def literal_value(lexical: str, datatype: str | None) -> object:
    """The Python value of a typed literal; falls back to the lexical form."""
    try:
        if datatype in _INTEGER_TYPES:
            return int(lexical)
        if datatype in _FLOAT_TYPES:
            return float(Decimal(lexical)) if datatype == XSD + "decimal" else float(lexical)
        if datatype == XSD + "boolean":
            return lexical.strip() in {"true", "1"}
        if datatype == XSD + "date":
            return dt.date.fromisoformat(lexical.strip()[:10])
    except (ValueError, InvalidOperation):
        return lexical
    return lexical


def from_oxigraph(term: object) -> object:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return IRI(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        return literal_value(term.value, term.datatype.value if term.datatype else None)
    return str(term)


def to_oxigraph(value: object, kind: str, name: str = "?") -> ox.NamedNode | ox.Literal:
    """A parameter value as an RDF term of the declared kind (validated, never spliced)."""
    try:
        if kind == "IRI":
            text = str(value).strip()
            if not text or any(c in text for c in ' <>"{}|\\^`\n\r\t'):
                raise ValueError("not an IRI")
            if ":" not in text:
                raise ValueError("IRIs must be absolute (have a scheme, e.g. https:)")
            return ox.NamedNode(text)
        if kind == "integer":
            return ox.Literal(str(int(str(value))), datatype=ox.NamedNode(XSD + "integer"))
        if kind == "decimal":
            return ox.Literal(str(Decimal(str(value))), datatype=ox.NamedNode(XSD + "decimal"))
        if kind == "boolean":
            text = str(value).lower()
            if text not in {"true", "false", "1", "0"}:
                raise ValueError("expected true or false")
            return ox.Literal(
                "true" if text in {"true", "1"} else "false",
                datatype=ox.NamedNode(XSD + "boolean"),
            )
        if kind == "date":
            return ox.Literal(
                dt.date.fromisoformat(str(value)).isoformat(), datatype=ox.NamedNode(XSD + "date")
            )
        return ox.Literal(str(value))
    except (ValueError, InvalidOperation, TypeError) as exc:
        raise QueryError(
            f"parameter ?{name} = {value!r} is not a valid {kind} ({exc})",
            fix=f"pass a {kind} value, e.g. --param {name}=" + _example(kind),
        ) from exc


def _example(kind: str) -> str:
    return {
        "IRI": "https://example.org/org/acme",
        "integer": "2",
        "decimal": "0.5",
        "boolean": "true",
        "date": "2026-01-31",
    }.get(kind, "text")
