"""Release artefacts: ``cmlops-kg release -o release/ [--date YYYY-MM-DD]``.

The ontology modules are merged into one self-contained graph: the header's ``owl:imports`` of
the modules are dropped, so are the modules' own ``owl:Ontology`` headers (their content is
merged in), and the header's ``owl:versionIRI`` becomes
``https://w3id.org/cmlops/releases/<date>`` (today unless ``--date`` says otherwise). The graph
is written as Turtle (``cmlops.ttl``), RDF/XML (``cmlops.owl``), JSON-LD (``cmlops.jsonld``) and
N-Triples (``cmlops.nt``), all isomorphic, with a ``SHA256SUMS`` file. The directory is
written atomically, like the documentation (see :func:`cmlops_kg.files.write_tree`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF

from cmlops_kg.errors import InputError
from cmlops_kg.files import write_tree
from cmlops_kg.rdf.ontology import ontology_files
from cmlops_kg.vocab import ONTOLOGY_IRI

RELEASE_BASE = "https://w3id.org/cmlops/releases/"
RELEASE_MARKER = ".cmlops-kg-release"
# file name -> (rdflib serializer, rdflib parser)
ARTEFACTS: dict[str, tuple[str, str]] = {
    "cmlops.ttl": ("turtle", "turtle"),
    "cmlops.owl": ("pretty-xml", "xml"),
    "cmlops.jsonld": ("json-ld", "json-ld"),
    "cmlops.nt": ("nt", "nt"),
}


def version_iri(date: dt.date) -> rdflib.URIRef:
    return rdflib.URIRef(f"{RELEASE_BASE}{date.isoformat()}")


def source_prefixes(files: Iterable[Path]) -> dict[str, str]:
    """The prefixes the ontology modules declare (and no rdflib defaults)."""
    prefixes: dict[str, str] = {}
    for path in files:
        graph = rdflib.Graph(bind_namespaces="none")
        graph.parse(path, format="turtle")
        prefixes.update({p: str(ns) for p, ns in graph.namespaces() if p})
    return dict(sorted(prefixes.items()))


def merged_graph(files: list[Path] | None = None) -> rdflib.Graph:
    """All modules in one graph, with the source prefixes (and RDF/XML's ``xml``) bound."""
    files = list(files) if files is not None else ontology_files()
    graph = rdflib.Graph(bind_namespaces="core")  # rdf, rdfs, owl, xsd and xml
    for path in files:
        graph.parse(path, format="turtle")
    for prefix, ns in source_prefixes(files).items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def release_graph(date: dt.date, files: list[Path] | None = None) -> rdflib.Graph:
    """The self-contained, dated release graph."""
    graph = merged_graph(files)
    header = rdflib.URIRef(ONTOLOGY_IRI)
    if (header, RDF.type, OWL.Ontology) not in graph:
        raise InputError(
            f"the ontology modules have no header <{ONTOLOGY_IRI}> a owl:Ontology",
            fix="check ontology/cmlops.ttl",
        )
    for module in set(graph.subjects(RDF.type, OWL.Ontology)) - {header}:
        graph.remove((module, None, None))
    graph.remove((header, OWL.imports, None))
    graph.set((header, OWL.versionIRI, version_iri(date)))
    return graph


def serialise(graph: rdflib.Graph) -> dict[str, bytes]:
    """Every artefact's bytes, by file name."""
    context = {p: str(ns) for p, ns in graph.namespaces() if p and p != "xml"}
    out: dict[str, bytes] = {}
    for name, (fmt, _parser) in ARTEFACTS.items():
        if fmt == "json-ld":
            data = graph.serialize(format=fmt, context=context, indent=2, encoding="utf-8")
        else:
            data = graph.serialize(format=fmt, encoding="utf-8")
        if fmt == "nt":  # rdflib writes N-Triples in hash order; sort for stable diffs
            data = b"".join(sorted(line + b"\n" for line in data.splitlines() if line.strip()))
        out[name] = data
    return out


def checksums(files: dict[str, bytes]) -> str:
    return "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())
    )


def write_release(target: Path, date: dt.date, force: bool = False) -> Path:
    files: dict[str, bytes | str] = dict(serialise(release_graph(date)))
    files["SHA256SUMS"] = checksums({k: v for k, v in files.items() if isinstance(v, bytes)})
    return write_tree(Path(target), files, RELEASE_MARKER, "release", force)


def load_artefact(path: Path) -> rdflib.Graph:
    """Parse one artefact back (by its file name)."""
    parser = ARTEFACTS[path.name][1]
    return rdflib.Graph().parse(path, format=parser)
