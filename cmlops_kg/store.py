"""The store interface and its embedded (Oxigraph) backend.

The assessment code talks only to :class:`GraphStore`: load a profile into its own named graph
(replacing the previous one atomically, with its inferred results), list the organisations,
run a query from the library with parameters, export. Which backend holds the data -- the
embedded :class:`EmbeddedStore` (in memory or on disk) or a shared SPARQL 1.1 server
(:class:`cmlops_kg.remote.RemoteStore`) -- is the caller's choice, made once by
:func:`open_store`.

A query runs over the union of every graph, or over a *dataset* of a few graphs: a profile's
results only ever need the ontology, the profile and its inferred graph
(:func:`profile_dataset`), and scoping queries to them keeps the cost per team constant
however many teams share the store.
"""

from __future__ import annotations

import abc
import contextlib
import os
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import QueryError
from .ontology import ontology_files
from .paths import ONTOLOGY_GRAPH, QUERIES_DIR
from .queries import QueryFile, get_query
from .sparqltext import construct_as_insert, update_request
from .terms import IRI, from_oxigraph, to_oxigraph

INFERENCE_DIR = QUERIES_DIR / "infer"
STAGING_PREFIX = "urn:cmlops:staging:"
ENDPOINT_ENV = "CMLOPS_KG_ENDPOINT"
STORE_ENV = "CMLOPS_KG_STORE"
Row = dict[str, object]
Dataset = Sequence[str] | None


def inferred_graph(graph: str) -> str:
    """Where the results inferred from a profile graph are kept."""
    return graph + "/inferred"


def profile_dataset(graph: str) -> list[str]:
    """The graphs a profile's assessment reads: the ontology, the profile, its results."""
    return [ONTOLOGY_GRAPH, graph, inferred_graph(graph)]


def staging_graph() -> str:
    """A fresh graph name to build a profile in before it replaces the live one."""
    return f"{STAGING_PREFIX}{int(time.time())}:{uuid.uuid4().hex}"


def is_staging(graph: str) -> bool:
    return graph.startswith(STAGING_PREFIX)


def _staged_at(graph: str) -> int:
    try:
        return int(graph[len(STAGING_PREFIX) :].split(":", 1)[0])
    except ValueError:
        return 0


@dataclass(frozen=True)
class OrganisationEntry:
    """An organisation held by a store, with the named graph of its profile."""

    organisation: str
    label: str | None
    graph: str
    assessments: int
    latest: object


class GraphStore(abc.ABC):
    """What the assessment engine needs from a store."""

    # -- writing -----------------------------------------------------------------------------
    @abc.abstractmethod
    def load_ontology(self, files: Iterable[Path] | None = None) -> None: ...

    @abc.abstractmethod
    def replace_graph(self, graph: str, triples: list[ox.Triple]) -> None:
        """Replace the content of a named graph (and drop its inferred results) atomically."""

    @abc.abstractmethod
    def drop_graph(self, graph: str) -> None: ...

    @abc.abstractmethod
    def add_triples(self, graph: str, triples: list[ox.Triple]) -> None: ...

    @abc.abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update request as one transaction."""

    # -- reading -----------------------------------------------------------------------------
    @abc.abstractmethod
    def graphs(self) -> list[str]: ...

    @abc.abstractmethod
    def select(
        self,
        query: QueryFile | str,
        params: Mapping[str, object] | None = None,
        *,
        dataset: Dataset = None,
    ) -> list[Row]:
        """Run a SELECT (or ASK) query of the library; rows of plain values.

        ``dataset``: the graphs the query sees, as its default graph and as the graphs that
        ``GRAPH`` can match (None: the union of all graphs and every graph; ``[]``: an empty
        default graph and every graph).
        """

    @abc.abstractmethod
    def construct(
        self,
        query: QueryFile | str,
        params: Mapping[str, object] | None = None,
        *,
        dataset: Dataset = None,
    ) -> list[ox.Triple]: ...

    @abc.abstractmethod
    def export(self, graph: str) -> bytes:
        """The graph as Turtle."""

    # -- built on the primitives above, the same for every backend ------------------------------
    def materialise(self, graph: str, assessments: Iterable[str]) -> None:
        """Run the inference strata for each assessment and store their results.

        The strata run as server-side ``INSERT ... WHERE`` updates over the profile's dataset,
        in one request, so blank nodes minted by one stratum are joined by the next.
        """
        self.update(materialise_update(graph, assessments))

    def load_profile(
        self, graph: str, triples: list[ox.Triple], assessments: Sequence[str]
    ) -> None:
        """Replace a profile and its inferred results atomically.

        The profile is uploaded to a staging graph; one update request then infers its
        results and moves it in (:func:`commit_update`). If anything fails, the previous
        profile is untouched and the staging graph is dropped (or, if the store is
        unreachable, left for :meth:`discard_staging`; it is never part of a profile's
        dataset).
        """
        stage = staging_graph()
        try:
            self.replace_graph(stage, triples)
            self._commit(stage, graph, assessments)
        except BaseException:
            self._discard_quietly(stage)
            raise

    def _commit(self, stage: str, graph: str, assessments: Sequence[str]) -> None:
        self.update(commit_update(stage, graph, assessments))

    def _discard_quietly(self, stage: str) -> None:
        with contextlib.suppress(Exception):  # best effort: the original error matters
            self.update(f"DROP SILENT GRAPH {ox.NamedNode(stage)}")

    def discard_staging(self, older_than: float = 3600.0) -> list[str]:
        """Drop staging graphs left by loads that died more than ``older_than`` seconds ago."""
        cutoff = time.time() - older_than
        stale = [g for g in self.graphs() if is_staging(g) and _staged_at(g) < cutoff]
        if stale:
            self.update(" ;\n".join(f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in stale))
        return stale

    def organisations(self) -> list[OrganisationEntry]:
        """Every organisation assessed in the store, with the graph holding its profile."""
        grouped: dict[tuple[str, str], dict] = {}
        for r in self.select("organisation_graphs", dataset=[]):  # reads named graphs only
            key = (str(r["organisation"]), str(r["graph"]))
            entry = grouped.setdefault(
                key, {"label": r["label"], "assessments": set(), "latest": None}
            )
            entry["assessments"].add(str(r["assessment"]))
            if r["date"] is not None and (entry["latest"] is None or r["date"] > entry["latest"]):
                entry["latest"] = r["date"]
        return sorted(
            (
                OrganisationEntry(
                    org,
                    str(e["label"]) if e["label"] else None,
                    graph,
                    len(e["assessments"]),
                    e["latest"],
                )
                for (org, graph), e in grouped.items()
            ),
            key=lambda o: ((o.label or o.organisation).lower(), o.organisation, o.graph),
        )

    def scoped(self, dataset: Sequence[str]) -> ScopedStore:
        """A view of this store whose queries see only ``dataset``."""
        return ScopedStore(self, dataset)

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources (files, connections)."""


class ScopedStore(GraphStore):
    """A store seen through a fixed dataset, e.g. one team's graphs of a shared store."""

    def __init__(self, base: GraphStore, dataset: Sequence[str]) -> None:
        self.base = base
        self.dataset = list(dataset)

    def load_ontology(self, files: Iterable[Path] | None = None) -> None:
        self.base.load_ontology(files)

    def replace_graph(self, graph: str, triples: list[ox.Triple]) -> None:
        self.base.replace_graph(graph, triples)

    def drop_graph(self, graph: str) -> None:
        self.base.drop_graph(graph)

    def add_triples(self, graph: str, triples: list[ox.Triple]) -> None:
        self.base.add_triples(graph, triples)

    def update(self, sparql: str) -> None:
        self.base.update(sparql)

    def graphs(self) -> list[str]:
        present = set(self.base.graphs())
        return [g for g in self.dataset if g in present]

    def select(self, query, params=None, *, dataset: Dataset = None) -> list[Row]:
        return self.base.select(query, params, dataset=dataset or self.dataset)

    def construct(self, query, params=None, *, dataset: Dataset = None) -> list[ox.Triple]:
        return self.base.construct(query, params, dataset=dataset or self.dataset)

    def export(self, graph: str) -> bytes:
        return self.base.export(graph)


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


def commit_dataset(stage: str, graph: str) -> list[str]:
    return [ONTOLOGY_GRAPH, stage, inferred_graph(graph)]


def _strata_operations(
    source: str, target: str, assessments: Iterable[str], using: bool, results: str | None = None
) -> list:
    """Drop ``target``, then every stratum for every assessment, reading ``source`` (and the
    results written so far, in ``results`` or ``source``'s inferred graph)."""
    dataset = [ONTOLOGY_GRAPH, source, results or inferred_graph(source)] if using else []
    strata = [get_query(path) for path in sorted(INFERENCE_DIR.glob("*.rq"))]
    operations: list = [f"DROP SILENT GRAPH {ox.NamedNode(target)}"]
    for assessment in assessments:
        for stratum in strata:
            bindings = bind_parameters(stratum, {"assessment": IRI(assessment)})
            operations.append(construct_as_insert(stratum.text, target, dataset, bindings))
    return operations


def _query_file(query: QueryFile | str) -> QueryFile:
    return query if isinstance(query, QueryFile) else get_query(query)


def bind_parameters(query: QueryFile, params: Mapping[str, object] | None) -> dict:
    """Typed RDF terms for the query's declared parameters; unknown or missing ones refused."""
    params = dict(params or {})
    declared = {p.name: p for p in query.parameters}
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise QueryError(
            f"query {query.name!r} has no parameter {', '.join('?' + u for u in unknown)}",
            fix="its parameters are: " + (", ".join("?" + p for p in declared) or "none"),
        )
    bound = {}
    for name, spec in declared.items():
        if name not in params or params[name] in (None, ""):
            if spec.required:
                raise QueryError(
                    f"query {query.name!r} needs the parameter ?{name} ({spec.description})",
                    fix=f"pass --param {name}=VALUE",
                )
            continue
        bound[name] = to_oxigraph(params[name], spec.kind, name)
    return bound


class EmbeddedStore(GraphStore):
    """Oxigraph in-process, in memory or on disk (``path``: kept between runs)."""

    def __init__(self, path: Path | str | None = None) -> None:
        self._store = ox.Store(str(path)) if path else ox.Store()
        self._ontology_loaded = False

    @property
    def oxigraph(self) -> ox.Store:
        return self._store

    def load_ontology(self, files: Iterable[Path] | None = None) -> None:
        graph = ox.NamedNode(ONTOLOGY_GRAPH)
        quads = [
            ox.Quad(t.subject, t.predicate, t.object, graph)
            for path in (files if files is not None else ontology_files())
            for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        ]
        self.update(f"DROP SILENT GRAPH {graph}")  # parsed first: a bad file changes nothing
        self._store.extend(quads)
        self._ontology_loaded = True

    def replace_graph(self, graph: str, triples: list[ox.Triple]) -> None:
        node = ox.NamedNode(graph)
        quads = [ox.Quad(t.subject, t.predicate, t.object, node) for t in triples]
        self.drop_graph(inferred_graph(graph))
        self.drop_graph(graph)
        self._store.extend(quads)

    def drop_graph(self, graph: str) -> None:
        node = ox.NamedNode(graph)
        if self._store.contains_named_graph(node):
            self._store.remove_graph(node)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def update(self, sparql: str) -> None:
        try:
            self._store.update(sparql)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL update syntax error: {exc}") from exc

    def _run(self, query: QueryFile, params: Mapping[str, object] | None, dataset: Dataset):
        bindings = bind_parameters(query, params)
        scope: dict = {"use_default_graph_as_union": True}
        if dataset is not None:
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

    def select(
        self,
        query: QueryFile | str,
        params: Mapping[str, object] | None = None,
        *,
        dataset: Dataset = None,
    ) -> list[Row]:
        qf = _query_file(query)
        result = self._run(qf, params, dataset)
        if isinstance(result, ox.QueryBoolean):
            return [{"result": bool(result)}]
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError(f"query {qf.name!r} is a {qf.form} query, not a SELECT")
        names = [v.value for v in result.variables]
        return [{n: from_oxigraph(sol[n]) for n in names} for sol in result]

    def construct(
        self,
        query: QueryFile | str,
        params: Mapping[str, object] | None = None,
        *,
        dataset: Dataset = None,
    ) -> list[ox.Triple]:
        qf = _query_file(query)
        result = self._run(qf, params, dataset)
        if not isinstance(result, ox.QueryTriples):
            raise QueryError(f"query {qf.name!r} is a {qf.form} query, not a CONSTRUCT")
        return list(result)

    def add_triples(self, graph: str, triples: list[ox.Triple]) -> None:
        node = ox.NamedNode(graph)
        self._store.extend([ox.Quad(t.subject, t.predicate, t.object, node) for t in triples])

    def export(self, graph: str) -> bytes:
        return self._store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.NamedNode(graph))

    def close(self) -> None:
        self._store.flush()


def open_store(
    endpoint: str | None = None,
    location: Path | str | None = None,
    *,
    timeout: float | None = None,
    environ: Mapping[str, str] | None = None,
) -> GraphStore:
    """The store the user asked for: ``endpoint`` (or $CMLOPS_KG_ENDPOINT) selects a remote
    SPARQL server, else ``location`` (or $CMLOPS_KG_STORE) an on-disk embedded store, else an
    in-memory one."""
    env = os.environ if environ is None else environ
    endpoint = endpoint or env.get(ENDPOINT_ENV) or None
    if endpoint:
        from .remote import RemoteStore  # imported lazily: the embedded path needs no HTTP

        return RemoteStore.from_environment(endpoint, timeout=timeout, environ=env)
    location = location or env.get(STORE_ENV) or None
    return EmbeddedStore(location)
