"""Reading organisation profiles from files in any supported RDF syntax, safely.

Parsing uses Oxigraph's parsers: they never fetch remote JSON-LD contexts or external XML
entities, and they report the line of a syntax error. Nothing is loaded anywhere until the
whole file has parsed, so a bad file changes nothing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Union

import pyoxigraph as ox

from cmlops_kg import limits, vocab
from cmlops_kg.errors import InputError
from cmlops_kg.rdf import bounded

if TYPE_CHECKING:  # rdflib is imported where a graph is converted (assess does not need it)
    import rdflib

RDF_TYPE = ox.NamedNode(vocab.RDF_TYPE)
ASSESSMENT = ox.NamedNode(vocab.CMLOPS + "Assessment")
ASSESSES = ox.NamedNode(vocab.CMLOPS + "assesses")
MAX_PROFILE_BYTES = 20 * 1024 * 1024  # the default; see max_profile_bytes()
BOM = "\ufeff".encode()

FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "json-ld": ox.RdfFormat.JSON_LD,
    "rdf-xml": ox.RdfFormat.RDF_XML,
    "n-triples": ox.RdfFormat.N_TRIPLES,
}
ALIASES = {
    "ttl": "turtle",
    "jsonld": "json-ld",
    "json": "json-ld",
    "xml": "rdf-xml",
    "rdfxml": "rdf-xml",
    "rdf": "rdf-xml",
    "owl": "rdf-xml",
    "nt": "n-triples",
    "ntriples": "n-triples",
}
EXTENSIONS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "rdf-xml",
    ".xml": "rdf-xml",
    ".owl": "rdf-xml",
    ".nt": "n-triples",
}


@dataclass
class Profile:
    """A parsed profile: its triples, ready for the store and for SHACL validation."""

    name: str
    triples: list[ox.Triple]

    def assessment_iris(self) -> list[str]:
        """IRIs of the assessments the profile declares (typed, or assessing something)."""
        found: set[str] = set()
        for t in self.triples:  # the predicate first: most triples are ruled out by it alone
            predicate = t.predicate
            if predicate == ASSESSES or (predicate == RDF_TYPE and t.object == ASSESSMENT):
                subject = t.subject
                if isinstance(subject, ox.NamedNode):
                    found.add(subject.value)
        return sorted(found)

    def to_rdflib(self) -> rdflib.Graph:
        """The triples as an rdflib graph, converted term by term (no re-parsing: rdflib's
        N-Triples reader is quadratic on very long literals)."""
        return triples_to_rdflib(self.triples)


def _rdflib_term(term: object) -> rdflib.term.Node:
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise InputError(f"unsupported RDF term {term!r} (RDF-star is not supported)")


def triples_to_rdflib(
    triples: Iterable[ox.Triple], graph: rdflib.Graph | None = None
) -> rdflib.Graph:
    import rdflib

    graph = graph if graph is not None else rdflib.Graph()
    for t in triples:
        graph.add((_rdflib_term(t.subject), _rdflib_term(t.predicate), _rdflib_term(t.object)))
    return graph


def format_name(path: Path | str, explicit: str | None = None) -> str:
    """The syntax of a profile, from ``explicit`` or else from the file extension."""
    if explicit:
        key = explicit.strip().lower()
        key = ALIASES.get(key, key)
        if key not in FORMATS:
            raise InputError(
                f"unknown input format {explicit!r}",
                fix=f"use one of {', '.join(FORMATS)}",
            )
        return key
    suffix = Path(str(path)).suffix.lower()
    if suffix not in EXTENSIONS:
        raise InputError(
            f"cannot tell the RDF syntax from the extension {suffix or '(none)'!r}",
            where=str(path),
            fix="name the file .ttl, .jsonld, .rdf or .nt, or pass --input-format "
            "turtle|json-ld|rdf-xml|n-triples",
        )
    return EXTENSIONS[suffix]


def max_profile_bytes() -> int:
    """The size limit of one profile: $CMLOPS_KG_MAX_PROFILE_MB, else 20 MB."""
    return int(limits.MAX_PROFILE_MB.value() * 2**20)


def _size_error(size: int, max_bytes: int, name: str) -> InputError:
    return InputError(
        f"the file is {size / 2**20:.1f} MB; the limit is {max_bytes / 2**20:g} MB",
        where=name,
        fix=f"split the profile into one file per organisation (or raise "
        f"{limits.MAX_PROFILE_MB.env})",
    )


def parse_profile_bytes(data: bytes, name: str, fmt: str, max_bytes: int | None = None) -> Profile:
    """Parse untrusted bytes within the limits of :mod:`cmlops_kg.limits`."""
    max_bytes = max_profile_bytes() if max_bytes is None else max_bytes
    if data.startswith(BOM):  # editors on Windows write one; it is not part of the first term
        data = data[len(BOM) :]
    if len(data) > max_bytes:
        raise _size_error(len(data), max_bytes, name)
    if not data.strip():
        raise InputError(
            "the file is empty",
            where=name,
            fix="export the profile again, or start from 'cmlops-kg questionnaire'",
        )
    if b"\x00" in data[:8192]:
        raise InputError(
            "the file is binary, not an RDF document",
            where=name,
            fix="give a Turtle, JSON-LD, RDF/XML or N-Triples file",
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"the file is not UTF-8 text (bad byte at offset {exc.start})",
            where=name,
            fix="save the file as UTF-8",
        ) from exc
    if fmt == "rdf-xml":
        bounded.check_xml_doctype(data, name)
    elif fmt == "json-ld":
        bounded.check_json_nesting(data, name)
    try:
        quads = ox.parse(data, format=FORMATS[fmt], base_iri="urn:cmlops:base:")
        triples = bounded.triples_within_limit(quads, name)
    except (SyntaxError, ValueError, OSError) as exc:
        if "remote context" in str(exc):
            raise InputError(
                "the JSON-LD document refers to a remote @context, which is never fetched",
                where=name,
                fix="inline the @context object in the document",
            ) from exc
        raise InputError(
            f"not valid {fmt}: {exc}",
            where=name,
            fix=f"fix the syntax error (the file was read as {fmt}; pass --input-format if "
            "that is wrong)",
        ) from exc
    bounded.check_list_lengths(triples, name)
    return Profile(name=name, triples=triples)


def read_profile(path: Path | str, fmt: str | None = None, max_bytes: int | None = None) -> Profile:
    """Parse a profile file; raises :class:`InputError` with what, where and how to fix."""
    p = Path(path)
    if not p.exists():
        raise InputError("no such file", where=str(p), fix="check the path")
    if not p.is_file():
        raise InputError("not a regular file", where=str(p), fix="give the path of a file")
    syntax = format_name(p, fmt)
    max_bytes = max_profile_bytes() if max_bytes is None else max_bytes
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise _size_error(size, max_bytes, str(p))
        with p.open("rb") as handle:  # at most one byte more than allowed, whatever stat said
            data = handle.read(max_bytes + 1)
    except PermissionError as exc:
        raise InputError("cannot read the file (permission denied)", where=str(p)) from exc
    except OSError as exc:  # e.g. /proc/self/mem (EIO), a file on a vanished mount
        raise InputError(
            f"cannot read the file ({exc.strerror or type(exc).__name__})",
            where=str(p),
            fix="give a profile saved as an ordinary file",
        ) from exc
    return parse_profile_bytes(data, str(p), syntax, max_bytes)


# What the public API accepts as a profile (see :func:`as_profile`).
ProfileSource = Union[str, os.PathLike, bytes, "rdflib.Graph", "Profile"]


def _oxigraph_term(term: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = term.datatype or vocab.XSD + "string"
        return ox.Literal(str(term), datatype=ox.NamedNode(str(datatype)))
    raise InputError(
        f"unsupported RDF term {term!r} in the graph (only IRIs, blank nodes, literals)"
    )


def profile_from_rdflib(graph: rdflib.Graph, name: str = "rdflib graph") -> Profile:
    """An rdflib graph as a profile, converted term by term (its default graph only)."""
    try:
        triples = [
            ox.Triple(_oxigraph_term(s), _oxigraph_term(p), _oxigraph_term(o)) for s, p, o in graph
        ]
    except (ValueError, TypeError) as exc:  # e.g. an IRI with a space, refused by Oxigraph
        raise InputError(
            f"the graph holds a term that is not valid RDF ({exc})", where=name
        ) from exc
    bounded.check_list_lengths(triples, name)
    return Profile(name=name, triples=triples)


def _is_path_text(text: str) -> bool:
    """A string names a file when it is one line that exists or ends like a profile file."""
    if "\n" in text or len(text) > 4096:
        return False
    return Path(text).exists() or Path(text).suffix.lower() in EXTENSIONS


def as_profile(source: ProfileSource, fmt: str | None = None) -> Profile:
    """A :class:`Profile` from a path, text or bytes (``fmt``: the syntax; a path's extension
    or else Turtle by default), an rdflib graph, or a profile."""
    if isinstance(source, Profile):
        return source
    rdflib = sys.modules.get("rdflib")  # a Graph exists only once rdflib has been imported
    if rdflib is not None and isinstance(source, rdflib.Graph):
        return profile_from_rdflib(source)
    if isinstance(source, os.PathLike) or (isinstance(source, str) and _is_path_text(source)):
        return read_profile(source, fmt)
    if isinstance(source, str):
        source = source.encode("utf-8")
    if isinstance(source, bytes | bytearray):
        syntax = format_name("profile.ttl", fmt)
        return parse_profile_bytes(bytes(source), f"<{syntax} text>", syntax)
    raise InputError(
        f"cannot read a profile from a {type(source).__name__}",
        fix="give a path, Turtle (or other RDF) text or bytes, an rdflib Graph or a Profile",
    )


def profile_turtle(profile: Profile) -> bytes:
    """The profile as Turtle with the ontology's prefixes (what import, merge and scan write)."""
    return ox.serialize(profile.triples, format=ox.RdfFormat.TURTLE, prefixes=vocab.prefixes())
