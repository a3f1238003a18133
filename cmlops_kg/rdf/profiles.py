"""Reading organisation profiles from files in any supported RDF syntax, safely.

Parsing uses Oxigraph's parsers: they never fetch remote JSON-LD contexts or external XML
entities, and they report the line of a syntax error. Nothing is loaded anywhere until the
whole file has parsed, so a bad file changes nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Union

import pyoxigraph as ox
import rdflib

from cmlops_kg import vocab
from cmlops_kg.errors import InputError

RDF_TYPE = ox.NamedNode(vocab.RDF_TYPE)
ASSESSMENT = ox.NamedNode(vocab.CMLOPS + "Assessment")
ASSESSES = ox.NamedNode(vocab.CMLOPS + "assesses")
MAX_PROFILE_BYTES = 20 * 1024 * 1024

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
        found = {
            t.subject.value
            for t in self.triples
            if isinstance(t.subject, ox.NamedNode)
            and ((t.predicate == RDF_TYPE and t.object == ASSESSMENT) or t.predicate == ASSESSES)
        }
        return sorted(found)

    def to_rdflib(self) -> rdflib.Graph:
        """The triples as an rdflib graph, converted term by term (no re-parsing: rdflib's
        N-Triples reader is quadratic on very long literals)."""
        return triples_to_rdflib(self.triples)


def _rdflib_term(term: object) -> rdflib.term.Node:
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


_DOCTYPE = re.compile(rb"<!DOCTYPE\s[^\[>]*\[(.*?)\]\s*>", re.DOTALL)
_ENTITY = re.compile(rb"<!ENTITY\s+(%\s+)?([\w.:-]+)\s+(SYSTEM|PUBLIC|\"|')", re.DOTALL)
_ENTITY_VALUE = re.compile(rb"<!ENTITY\s+([\w.:-]+)\s+(\"([^\"]*)\"|'([^']*)')", re.DOTALL)
_ENTITY_REF = re.compile(rb"&([\w.:-]+);")
MAX_ENTITY_EXPANSION = 1_000_000


def check_xml_entities(data: bytes, name: str) -> None:
    """Refuse external entities (XXE) and entity-expansion bombs before the XML parser runs.

    Internal entities used as namespace abbreviations (as Protégé writes them) are allowed as
    long as their total expansion stays small.
    """
    match = _DOCTYPE.search(data[:1_000_000])
    if not match:
        return
    subset = match.group(1)
    for decl in _ENTITY.finditer(subset):
        if decl.group(1) or decl.group(3) in (b"SYSTEM", b"PUBLIC"):
            raise InputError(
                "the RDF/XML declares an external or parameter entity, which is never loaded",
                where=name,
                fix="inline the entity's text, or export the file without a DOCTYPE",
            )
    values = {
        m.group(1): (m.group(3) if m.group(3) is not None else m.group(4))
        for m in _ENTITY_VALUE.finditer(subset)
    }
    sizes: dict[bytes, int] = {}

    def size(entity: bytes, depth: int = 0) -> int:
        if entity in sizes:
            return sizes[entity]
        if depth > 20 or entity not in values:
            return len(entity) + 2
        total = len(_ENTITY_REF.sub(b"", values[entity]))
        for ref in _ENTITY_REF.findall(values[entity]):
            total += size(ref, depth + 1)
            if total > MAX_ENTITY_EXPANSION:
                break
        sizes[entity] = total
        return total

    uses = _ENTITY_REF.findall(data[match.end() :])
    expanded = 0
    for entity in uses:
        expanded += size(entity)
        if expanded > MAX_ENTITY_EXPANSION:
            raise InputError(
                "the RDF/XML's entities expand to more than 1 MB (an entity-expansion bomb?)",
                where=name,
                fix="remove the nested entity declarations",
            )


def parse_profile_bytes(
    data: bytes, name: str, fmt: str, max_bytes: int = MAX_PROFILE_BYTES
) -> Profile:
    if len(data) > max_bytes:
        raise InputError(
            f"the file is {len(data) / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB",
            where=name,
            fix="split the profile into one file per organisation",
        )
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
        check_xml_entities(data, name)
    try:
        triples = [
            q.triple if isinstance(q, ox.Quad) else q
            for q in ox.parse(data, format=FORMATS[fmt], base_iri="urn:cmlops:base:")
        ]
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
    return Profile(name=name, triples=triples)


def read_profile(
    path: Path | str, fmt: str | None = None, max_bytes: int = MAX_PROFILE_BYTES
) -> Profile:
    """Parse a profile file; raises :class:`InputError` with what, where and how to fix."""
    p = Path(path)
    if not p.exists():
        raise InputError("no such file", where=str(p), fix="check the path")
    if not p.is_file():
        raise InputError("not a regular file", where=str(p), fix="give the path of a file")
    syntax = format_name(p, fmt)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"the file is {size / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB",
                where=str(p),
                fix="split the profile into one file per organisation",
            )
        data = p.read_bytes()
    except PermissionError as exc:
        raise InputError("cannot read the file (permission denied)", where=str(p)) from exc
    return parse_profile_bytes(data, str(p), syntax, max_bytes)


# What the public API accepts as a profile (see :func:`as_profile`).
ProfileSource = Union[str, os.PathLike, bytes, rdflib.Graph, "Profile"]


def _oxigraph_term(term: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
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
    if isinstance(source, rdflib.Graph):
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
