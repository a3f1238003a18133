"""The store interface and its embedded (Oxigraph) backend.

The assessment code talks only to :class:`GraphStore`: load a profile into its own named graph
(replacing the previous one atomically), materialise the inferred results, run a query from
the library with parameters, list what is loaded, export. Which backend holds the data is the
caller's choice.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox

from .errors import QueryError
from .ontology import ontology_files
from .paths import ONTOLOGY_GRAPH, QUERIES_DIR
from .queries import QueryFile, get_query
from .terms import IRI, from_oxigraph, to_oxigraph

INFERENCE_DIR = QUERIES_DIR / "infer"
Row = dict[str, object]


def inferred_graph(graph: str) -> str:
    """Where the results inferred from a profile graph are kept."""
    return graph + "/inferred"


class GraphStore(abc.ABC):
    """What the assessment engine needs from a store."""

    @abc.abstractmethod
    def load_ontology(self, files: Iterable[Path] | None = None) -> None: ...

    @abc.abstractmethod
    def replace_graph(self, graph: str, triples: list[ox.Triple]) -> None:
        """Replace the content of a named graph (and drop its inferred results) atomically."""

    @abc.abstractmethod
    def drop_graph(self, graph: str) -> None: ...

    @abc.abstractmethod
    def graphs(self) -> list[str]: ...

    @abc.abstractmethod
    def select(
        self, query: QueryFile | str, params: Mapping[str, object] | None = None
    ) -> list[Row]:
        """Run a SELECT (or ASK) query of the library; rows of plain values."""

    @abc.abstractmethod
    def construct(
        self, query: QueryFile | str, params: Mapping[str, object] | None = None
    ) -> list[ox.Triple]: ...

    @abc.abstractmethod
    def add_triples(self, graph: str, triples: list[ox.Triple]) -> None: ...

    @abc.abstractmethod
    def export(self, graph: str) -> bytes:
        """The graph as Turtle."""

    def materialise(self, graph: str, assessments: Iterable[str]) -> None:
        """Run the inference strata for each assessment and store their results."""
        target = inferred_graph(graph)
        self.drop_graph(target)
        strata = sorted(INFERENCE_DIR.glob("*.rq"))
        for assessment in assessments:
            for path in strata:
                triples = self.construct(get_query(path), {"assessment": IRI(assessment)})
                self.add_triples(target, triples)


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
    """Oxigraph in-process, in memory or on disk (``path``)."""

    def __init__(self, path: Path | str | None = None) -> None:
        self._store = ox.Store(str(path)) if path else ox.Store()
        self._ontology_loaded = False

    @property
    def oxigraph(self) -> ox.Store:
        return self._store

    def load_ontology(self, files: Iterable[Path] | None = None) -> None:
        graph = ox.NamedNode(ONTOLOGY_GRAPH)
        self._store.remove_graph(graph) if graph in set(self._store.named_graphs()) else None
        for path in files if files is not None else ontology_files():
            self._store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
        self._ontology_loaded = True

    def replace_graph(self, graph: str, triples: list[ox.Triple]) -> None:
        node = ox.NamedNode(graph)
        quads = [ox.Quad(t.subject, t.predicate, t.object, node) for t in triples]
        self.drop_graph(inferred_graph(graph))
        self.drop_graph(graph)
        self._store.extend(quads)

    def drop_graph(self, graph: str) -> None:
        node = ox.NamedNode(graph)
        if node in set(self._store.named_graphs()):
            self._store.remove_graph(node)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def _run(self, query: QueryFile, params: Mapping[str, object] | None):
        bindings = bind_parameters(query, params)
        try:
            return self._store.query(
                query.text,
                use_default_graph_as_union=True,
                substitutions={ox.Variable(k): v for k, v in bindings.items()},
            )
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}", where=str(query.path)) from exc

    def select(
        self, query: QueryFile | str, params: Mapping[str, object] | None = None
    ) -> list[Row]:
        qf = _query_file(query)
        result = self._run(qf, params)
        if isinstance(result, ox.QueryBoolean):
            return [{"result": bool(result)}]
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError(f"query {qf.name!r} is a {qf.form} query, not a SELECT")
        names = [v.value for v in result.variables]
        return [{n: from_oxigraph(sol[n]) for n in names} for sol in result]

    def construct(
        self, query: QueryFile | str, params: Mapping[str, object] | None = None
    ) -> list[ox.Triple]:
        qf = _query_file(query)
        result = self._run(qf, params)
        if not isinstance(result, ox.QueryTriples):
            raise QueryError(f"query {qf.name!r} is a {qf.form} query, not a CONSTRUCT")
        return list(result)

    def add_triples(self, graph: str, triples: list[ox.Triple]) -> None:
        node = ox.NamedNode(graph)
        self._store.extend([ox.Quad(t.subject, t.predicate, t.object, node) for t in triples])

    def export(self, graph: str) -> bytes:
        return self._store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.NamedNode(graph))
