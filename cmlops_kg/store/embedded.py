"""The embedded backend: Oxigraph in-process, in memory or on disk.

Inference runs the strata as CONSTRUCT queries whose triples are bulk-inserted, rather than as
the ``INSERT ... WHERE`` updates a remote server needs: Oxigraph evaluates a query faster than
the same pattern inside an update (32.6 vs 23.3 ms a team measured for issue 16), and the
template's blank nodes come back as store terms, so later strata still join on them.
"""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

from cmlops_kg.errors import QueryError, StoreError
from cmlops_kg.rdf.terms import IRI, from_oxigraph
from cmlops_kg.sparql.library import (
    QueryFile,
    bind_parameters,
    inference_strata,
    level_strata,
    query_file,
)
from cmlops_kg.store.base import Dataset, GraphStore, Row
from cmlops_kg.store.inference import (
    answering_ontology_ntriples,
    inferred_graph,
    prepared_ontology_ntriples,
    swap_update,
)
from cmlops_kg.vocab import ONTOLOGY_GRAPH


class EmbeddedStore(GraphStore):
    """Oxigraph in-process, in memory or on disk (``path``: kept between runs).

    ``read_only=True`` opens an on-disk store without taking its lock, so the app, ``query``
    and ``portfolio`` can read while a ``load`` writes. Such a store reads a snapshot taken when
    it was opened; :meth:`refresh` takes a new one.

    ``exclusive=True`` promises that one thread at a time uses the store (one assessment's
    private store): a query whose dataset names every graph the store holds then reads the
    union of the store's graphs, which Oxigraph evaluates about a third faster than the same
    graphs listed one by one (the answers are the same: the same graphs, nothing else). Without
    the promise another thread could add a graph between that check and the query."""

    def __init__(
        self, path: Path | str | None = None, *, read_only: bool = False, exclusive: bool = False
    ) -> None:
        self._path = str(path) if path else None
        self.read_only = bool(read_only and self._path)
        self.exclusive = exclusive
        self._store = self._open()
        self._ontology_loaded = False
        self._answers: frozenset[str] | None = None  # see load_ontology(answering=...)
        if self._path and not self.read_only:  # the lock is ours: staging graphs are dead loads'
            self.discard_staging(older_than=-1.0)

    def _open(self) -> ox.Store:
        if not self._path:
            return ox.Store()
        if not self.read_only:
            with self._faults("open the store"):
                return ox.Store(self._path)
        if not (Path(self._path) / "CURRENT").is_file() and not Path(self._path).is_file():
            raise StoreError(
                "there is no store here to read",
                where=self._path,
                fix=f"load profiles into it first: cmlops-kg load FILE --store {self._path}",
            )
        with self._faults("open the store to read"):
            return ox.Store.read_only(self._path)

    def require_ontology(self) -> EmbeddedStore:
        """This store, if it holds the ontology or nothing at all (a read-only store cannot be
        given the ontology, and without it every assessment would read as missing)."""
        graphs = self.graphs()
        if graphs and ONTOLOGY_GRAPH not in graphs:
            raise StoreError(
                "the store holds profiles but not the ontology, and is opened read-only",
                where=self._path,
                fix="load into it once with 'cmlops-kg load FILE --store DIR' (it adds the "
                "ontology)",
            )
        return self

    def refresh(self) -> None:
        """A read-only store: see what was written since it was opened (a new snapshot)."""
        if self.read_only:
            self._store = self._open()

    @contextlib.contextmanager
    def _faults(self, action: str) -> Iterator[None]:
        """OSErrors of the store (lock, permissions, full disk) as StoreError (exit 3)."""
        try:
            yield
        except OSError as exc:
            raise store_fault(exc, action, self._path) from exc

    def _writing(self, action: str) -> contextlib.AbstractContextManager[None]:
        """A write: refused on a read-only store, its OSErrors as StoreError."""
        if self.read_only:
            raise StoreError(
                f"cannot {action}: the store was opened read-only",
                where=self._path,
                fix="open it writable (as 'cmlops-kg load' does) to change it",
            )
        return self._faults(action)

    @property
    def path(self) -> str | None:
        return self._path

    @property
    def oxigraph(self) -> ox.Store:
        return self._store

    def load_ontology(
        self, files: Iterable[Path] | None = None, *, answering: Sequence[QueryFile] | None = None
    ) -> None:
        """Load the prepared ontology into its graph (replacing it).

        ``answering``: the only queries this store will run (an assessment's private store);
        the ontology triples none of them can match are left out, and any other query is
        refused, since its answer could miss them."""
        graph = ox.NamedNode(ONTOLOGY_GRAPH)
        # prepared first: a bad file changes nothing
        if answering is None:
            data = prepared_ontology_ntriples(files)
        else:
            data = answering_ontology_ntriples(answering, files)
        self._answers = None if answering is None else frozenset(q.name for q in answering)
        self.update(f"DROP SILENT GRAPH {graph}")
        # one bulk parse in Rust rather than a Python Quad per triple; lenient: the N-Triples
        # were written by Oxigraph from parsed modules, their IRIs need no second validation
        # (a quarter of the load, issue 16)
        with self._writing("load the ontology"):
            self._store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True)
        self._ontology_loaded = True

    def replace_graph(self, graph: str, triples: list[ox.Triple]) -> None:
        node = ox.NamedNode(graph)
        batch = _batch(triples, node)  # before anything is dropped, as the Quads were
        self.drop_graph(inferred_graph(graph))
        self.drop_graph(graph)
        with self._writing("write a graph"):
            self._add(batch, node)

    def _add(self, batch: bytes | list[ox.Quad], node: ox.NamedNode) -> None:
        if isinstance(batch, bytes):
            self._store.load(batch, format=ox.RdfFormat.N_TRIPLES, to_graph=node, lenient=True)
        else:
            self._store.extend(batch)

    def drop_graph(self, graph: str) -> None:
        node = ox.NamedNode(graph)
        with self._writing("drop a graph"):
            if self._store.contains_named_graph(node):
                self._store.remove_graph(node)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def update(self, sparql: str) -> None:
        try:
            with self._writing("update the store"):
                self._store.update(sparql)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL update syntax error: {exc}") from exc

    # -- inference: CONSTRUCT + bulk insert ------------------------------------------------------
    def materialise(
        self, graph: str, assessments: Iterable[str], *, complete: Collection[str] | None = None
    ) -> None:
        """Run the strata for each assessment into the profile's inferred graph (dropped
        first); on failure the inferred graph is dropped, never left half-written.

        ``complete``: the assessments given every stratum (default: all); the others get the
        strata that derive their levels only, all the history of a complete one reads (for a
        private store that answers for one assessment)."""
        target = inferred_graph(graph)
        self.drop_graph(target)
        try:
            self._infer(graph, target, assessments, complete)
        except BaseException:
            self.drop_graph(target)
            raise

    def load_profile(
        self, graph: str, triples: list[ox.Triple], assessments: Sequence[str]
    ) -> None:
        """Replace a profile and its results atomically (staged, see the base class); a new
        team in an exclusive in-memory store is written in place instead (see _in_place)."""
        if not self._in_place(graph):
            super().load_profile(graph, triples, assessments)
            return
        try:
            self.replace_graph(graph, triples)
            self.materialise(graph, assessments)
        except BaseException:
            with contextlib.suppress(Exception):  # the original error matters
                self.drop_graph(inferred_graph(graph))
                self.drop_graph(graph)
            raise

    def _in_place(self, graph: str) -> bool:
        """Staging keeps an old team whole until its replacement is complete, and hides a new
        one from readers until it is. In memory, with one thread (``exclusive``), and no old
        team, neither can matter: a failed load is dropped, a crash loses the store anyway.
        Oxigraph's in-memory store keeps the space of quads it removed, so staging then moving
        cost a portfolio about 1.5x the memory of loading in place (issue 16)."""
        if not self.exclusive or self._path is not None:
            return False
        return not any(
            self._store.contains_named_graph(ox.NamedNode(g))
            for g in (graph, inferred_graph(graph))
        )

    def _commit(self, stage: str, graph: str, assessments: Sequence[str]) -> None:
        """Infer into a staged results graph, then swap profile and results in one update:
        the live profile keeps its old results until the new ones are complete."""
        staged_results = inferred_graph(stage)
        try:
            self._infer(stage, staged_results, assessments)
            self.update(swap_update(stage, graph))
        except BaseException:
            self.drop_graph(staged_results)
            raise

    def _infer(
        self,
        source: str,
        target: str,
        assessments: Iterable[str],
        complete: Collection[str] | None = None,
    ) -> None:
        """Each stratum reads the ontology, ``source`` and the results so far (``target``)."""
        dataset = [ONTOLOGY_GRAPH, source, target]
        node = ox.NamedNode(target)
        strata = inference_strata()
        levels = level_strata() if complete is not None else strata
        for assessment in assessments:
            for stratum in strata if complete is None or assessment in complete else levels:
                triples = self._run(stratum, {"assessment": IRI(assessment)}, dataset)
                with self._writing("store inferred results"):
                    self._insert(triples, node)

    def _insert(self, triples: ox.QueryTriples, graph: ox.NamedNode) -> None:
        """Add a CONSTRUCT's triples to ``graph`` without a Python object per triple: they are
        serialised and parsed back in Rust (about a fifth of inference time saved, issue 16). A load
        gives blank nodes fresh labels, so triples with a blank node (one of the profile's,
        which later strata must still join on) are added as they are."""
        data = triples.serialize(format=ox.RdfFormat.N_TRIPLES)
        if b"_:" not in data:  # no blank node (a literal holding "_:" only takes the slow way)
            self._store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True)
            return
        parsed = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)  # keeps blank node labels
        self._store.extend([ox.Quad(t.subject, t.predicate, t.object, graph) for t in parsed])

    def _run(self, query: QueryFile, params: Mapping[str, object] | None, dataset: Dataset):
        if self._answers is not None and query.name not in self._answers:
            raise QueryError(
                f"query {query.name!r} is not one this store's ontology was loaded for (it "
                "holds only the triples its declared queries can match)",
                fix="add the query to the ones given to load_ontology(answering=...) (for an "
                "assessment: cmlops_kg.assessment.engine.ASSESSMENT_QUERIES)",
            )
        bindings = bind_parameters(query, params)
        scope: dict = {"use_default_graph_as_union": True}
        if dataset is not None and not (self.exclusive and self._holds_only(dataset)):
            graphs = [ox.NamedNode(g) for g in dataset]
            scope = {"default_graph": graphs, "named_graphs": graphs or None}
        try:
            return self._store.query(
                query.text,
                substitutions={ox.Variable(k): v for k, v in bindings.items()},
                **scope,
            )
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}", where=str(query.path)) from exc

    def _holds_only(self, dataset: Sequence[str]) -> bool:
        """Whether the store holds no triple outside the named graphs of ``dataset`` (so the
        union of its graphs is that dataset's default graph, and its named graphs are the
        dataset's that exist)."""
        if not dataset:
            return False
        allowed = set(dataset)
        for graph in self._store.named_graphs():
            if not isinstance(graph, ox.NamedNode) or graph.value not in allowed:
                return False
        default = self._store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        return next(iter(default), None) is None

    def select(
        self,
        query: QueryFile | str,
        params: Mapping[str, object] | None = None,
        *,
        dataset: Dataset = None,
    ) -> list[Row]:
        qf = query_file(query)
        result = self._run(qf, params, dataset)
        if isinstance(result, ox.QueryBoolean):
            return [{"result": bool(result)}]
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError(f"query {qf.name!r} is a {qf.form} query, not a SELECT")
        names = [v.value for v in result.variables]
        value = _Values().__getitem__  # a term's Python value, converted once per query
        # a solution iterates its terms in the order of its variables (None when unbound);
        # by position and memoised, a third of the Python time of a row (issue 16)
        return [dict(zip(names, map(value, sol), strict=True)) for sol in result]

    def construct(
        self,
        query: QueryFile | str,
        params: Mapping[str, object] | None = None,
        *,
        dataset: Dataset = None,
    ) -> list[ox.Triple]:
        qf = query_file(query)
        result = self._run(qf, params, dataset)
        if not isinstance(result, ox.QueryTriples):
            raise QueryError(f"query {qf.name!r} is a {qf.form} query, not a CONSTRUCT")
        return list(result)

    def add_triples(self, graph: str, triples: list[ox.Triple]) -> None:
        node = ox.NamedNode(graph)
        batch = _batch(triples, node)
        with self._writing("write triples"):
            self._add(batch, node)

    def export(self, graph: str) -> bytes:
        return self._store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.NamedNode(graph))

    def close(self) -> None:
        """Flush and release the store: an on-disk store's lock goes with its last reference."""
        if self._path and not self.read_only:
            with self._faults("flush the store"):
                self._store.flush()
        if self._path:
            self._store = ox.Store()  # the on-disk one is dropped here, and its lock with it


class _Values(dict):
    """Query terms and their Python values (None for an unbound variable): labels, IRIs and
    booleans repeat across rows. A lookup that finds one is a plain dict lookup, with no
    Python function called per term."""

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, term: object) -> object:
        found = self[term] = from_oxigraph(term)
        return found


def _batch(triples: Iterable[ox.Triple], graph: ox.NamedNode) -> bytes | list[ox.Quad]:
    """What adds ``triples`` to ``graph``: their N-Triples when loading them back gives the
    same terms (no blank node, whose label a load would change, and no triple term), else a
    Quad per triple. Serialised and parsed in Rust, ledgerly's 2,905 triples are added in
    4.8 ms rather than 8.4 (issue 16); a literal holding "_:" or "<<" only takes the slow
    way."""
    triples = triples if isinstance(triples, list) else list(triples)  # read twice, maybe
    try:
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    except (TypeError, ValueError):  # e.g. a quad of a named graph: the Quads tell
        data = b"_:"
    if b"_:" not in data and b"<<" not in data:
        return data
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]


def store_fault(exc: OSError, action: str, path: str | None) -> StoreError:
    """What happened to the store, in words, and what to do about it."""
    text = str(exc)
    where = path or "the in-memory store"
    if "lock" in text.lower() or exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
        return StoreError(
            f"cannot {action}: it is in use by another process (the app, or another load)",
            where=where,
            fix="stop the other process or wait for it to finish, then run again",
        )
    if path and Path(path).exists() and not Path(path).is_dir():
        return StoreError(
            f"cannot {action}: the store path is not a directory",
            where=where,
            fix="give --store a directory (new or holding a store), not a file",
        )
    if exc.errno == errno.ENOSPC or "no space" in text.lower():
        return StoreError(
            f"cannot {action}: the disk is full ({text})",
            where=where,
            fix="free disk space and run again; a failed load leaves the previous data intact",
        )
    if exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM) or "read-only" in text.lower():
        return StoreError(
            f"cannot {action}: the store is read-only or not writable ({text})",
            where=where,
            fix="give --store a directory you can write to",
        )
    return StoreError(
        f"cannot {action} ({text})",
        where=where,
        fix="check the store directory (permissions, free space, another process using it)",
    )
