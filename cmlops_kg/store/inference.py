"""Where a profile's inferred results live, and the update requests that infer them.

The inference strata (``queries/infer/*.rq``, CONSTRUCT queries run in order) become
server-side ``INSERT ... WHERE`` operations of one update request, so blank nodes minted by one
stratum are joined by the next and a load is one transaction on any backend.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from cmlops_kg.rdf.ontology import ontology_files
from cmlops_kg.rdf.terms import IRI
from cmlops_kg.sparql.library import (
    QueryFile,
    bind_parameters,
    inference_strata,
    prepare_queries,
)
from cmlops_kg.store.cache import cached_bytes, cached_ntriples, source_key
from cmlops_kg.vocab import ONTOLOGY_GRAPH

if TYPE_CHECKING:  # pragma: no cover
    from cmlops_kg.sparql.rewrite import UpdateOperation


def update_request(operations: Iterable[UpdateOperation | str]) -> str:
    """:func:`cmlops_kg.sparql.rewrite.update_request`, imported on first use: the rewrites
    (and the lexer under them) serve remote stores and staged loads, not an assessment's
    private store."""
    from cmlops_kg.sparql.rewrite import update_request as request

    return request(operations)


def prepared_ontology(files: Iterable[Path] | None = None) -> list[ox.Triple]:
    """The ontology modules with their derived index (``queries/prepare``): shortcuts for the
    property paths and aggregates every assessment would otherwise re-evaluate, computed once
    (:func:`prepared_ontology_ntriples`), so that every backend receives the same triples."""
    return list(ox.parse(prepared_ontology_ntriples(files), format=ox.RdfFormat.N_TRIPLES))


def prepared_ontology_ntriples(files: Iterable[Path] | None = None) -> bytes:
    """The prepared ontology as N-Triples, built once per set of source files and kept in the
    process and in the user's cache folder (:mod:`cmlops_kg.store.cache`)."""
    paths = list(files) if files is not None else ontology_files()
    queries = prepare_queries()
    return cached_ntriples(prepared_ontology_key(paths), lambda: _prepare(paths, queries))


def prepared_ontology_key(files: Iterable[Path] | None = None) -> str:
    """The cache key of the prepared ontology: a hash of its modules and prepare queries (what
    is derived from the prepared ontology is cached under this key too)."""
    paths = list(files) if files is not None else ontology_files()
    return source_key([*paths, *(q.path for q in prepare_queries())])


def answering_ontology_ntriples(
    queries: Sequence[QueryFile], files: Iterable[Path] | None = None
) -> bytes:
    """The prepared ontology less the triples whose predicate none of ``queries`` names (no
    pattern of theirs can match them: :mod:`cmlops_kg.sparql.predicates`), for a store that
    answers those queries only. A third fewer triples to load per private store, and smaller
    indexes to join (issue 16). Cached like the prepared ontology, under a key that adds the
    queries' files; the whole prepared ontology when some pattern could match any predicate."""
    paths = list(files) if files is not None else ontology_files()
    from cmlops_kg.sparql import predicates  # its code decides what is kept: part of the key

    sources = [*paths, *(q.path for q in prepare_queries()), *(q.path for q in queries)]
    key = source_key([*sources, Path(predicates.__file__)])
    return cached_bytes(
        f"ontology-{key}-answering.nt",
        lambda: _restrict(prepared_ontology_ntriples(paths), queries),
    )


def _restrict(data: bytes, queries: Sequence[QueryFile]) -> bytes:
    from cmlops_kg.sparql.predicates import matched_predicates  # rdflib's parser: cache misses

    predicates = matched_predicates(queries)
    if predicates is None:
        return data
    kept = (
        t for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES) if t.predicate.value in predicates
    )
    return ox.serialize(kept, format=ox.RdfFormat.N_TRIPLES)


def _prepare(paths: list[Path], queries: list[QueryFile]) -> bytes:
    """Parse the modules and run the prepare queries, in a private store."""
    store = ox.Store()
    for path in paths:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    for query in queries:
        derived = list(store.query(query.text))
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in derived)
    return ox.serialize((quad.triple for quad in store), format=ox.RdfFormat.N_TRIPLES)


def inferred_graph(graph: str) -> str:
    """Where the results inferred from a profile graph are kept."""
    return graph + "/inferred"


def profile_dataset(graph: str) -> list[str]:
    """The graphs a profile's assessment reads: the ontology, the profile, its results."""
    return [ONTOLOGY_GRAPH, graph, inferred_graph(graph)]


def materialise_update(graph: str, assessments: Iterable[str], using: bool = True) -> str:
    """One update request: drop a profile's inferred graph, then run every stratum into it.

    ``using``: name the profile's dataset in ``USING`` clauses; a remote store sends it as the
    protocol's ``using-graph-uri`` instead (Oxigraph's server refuses USING when it serves
    the union of its graphs as the default graph).
    """
    return update_request(_strata_operations(graph, inferred_graph(graph), assessments, using))


def commit_update(stage: str, graph: str, assessments: Iterable[str], using: bool = True) -> str:
    """One update request that replaces a profile by a staged copy and infers its results.

    The strata read the staged profile (dataset :func:`commit_dataset`) and write straight
    into the live inferred graph; the staged triples then move into the live graph. Run as
    one transaction, it leaves either the old profile with its results or the new one with
    its results.
    """
    target = inferred_graph(graph)
    operations = _strata_operations(stage, target, assessments, using, target)
    return update_request(
        [
            *operations,
            f"DROP SILENT GRAPH {ox.NamedNode(graph)}",
            f"MOVE {ox.NamedNode(stage)} TO {ox.NamedNode(graph)}",
        ]
    )


def swap_update(stage: str, graph: str) -> str:
    """One update request that puts a staged profile and its staged results in place of the
    live ones (the embedded store's commit and a remote store's client-inference load): run as
    one transaction, it leaves the old team or the new one, whole."""
    live, staged = ox.NamedNode(inferred_graph(graph)), ox.NamedNode(inferred_graph(stage))
    return update_request(
        [
            f"DROP SILENT GRAPH {live}",
            f"MOVE SILENT {staged} TO {live}",  # SILENT: no results staged (no assessment)
            f"DROP SILENT GRAPH {ox.NamedNode(graph)}",
            f"MOVE {ox.NamedNode(stage)} TO {ox.NamedNode(graph)}",
        ]
    )


def commit_dataset(stage: str, graph: str) -> list[str]:
    return [ONTOLOGY_GRAPH, stage, inferred_graph(graph)]


def _strata_operations(
    source: str, target: str, assessments: Iterable[str], using: bool, results: str | None = None
) -> list:
    """Drop ``target``, then every stratum for every assessment, reading ``source`` (and the
    results written so far, in ``results`` or ``source``'s inferred graph)."""
    from cmlops_kg.sparql.rewrite import construct_as_insert  # see update_request

    dataset = [ONTOLOGY_GRAPH, source, results or inferred_graph(source)] if using else []
    strata = inference_strata()
    operations: list = [f"DROP SILENT GRAPH {ox.NamedNode(target)}"]
    for assessment in assessments:
        for stratum in strata:
            bindings = bind_parameters(stratum, {"assessment": IRI(assessment)})
            operations.append(construct_as_insert(stratum.text, target, dataset, bindings))
    return operations
