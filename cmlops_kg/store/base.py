"""The store interface: what the assessment engine needs from wherever the graphs live.

Backends: :class:`~cmlops_kg.store.embedded.EmbeddedStore` (Oxigraph in memory or on disk) and
:class:`~cmlops_kg.store.remote.RemoteStore` (a shared SPARQL 1.1 server); which one is the
caller's choice, made once by :func:`cmlops_kg.store.open_store`.

A query runs over the union of every graph, or over a *dataset* of a few graphs: a profile's
results only ever need the ontology, the profile and its inferred graph
(:func:`profile_dataset`), and scoping queries to them keeps the cost per team constant
however many teams share the store.
"""

from __future__ import annotations

import abc
import contextlib
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from cmlops_kg.sparql.library import QueryFile
from cmlops_kg.store.inference import commit_update, materialise_update

STAGING_PREFIX = "urn:cmlops:staging:"
# a portfolio run's batch manifest (cmlops_kg.sparql.batch): one graph for the whole run, so it
# outlives the staging cut-off; one a dead run left is dropped after a day
MANIFEST_PREFIX = "urn:cmlops:batch:"
MANIFEST_MAX_AGE_S = 86_400.0
ENDPOINT_ENV = "CMLOPS_KG_ENDPOINT"
STORE_ENV = "CMLOPS_KG_STORE"
Row = dict[str, object]
Dataset = Sequence[str] | None
# one question of a batch (GraphStore.select_each): the graphs it reads and its parameters
Asked = tuple[Sequence[str], Mapping[str, object] | None]


def staging_graph() -> str:
    """A fresh graph name to build a profile in before it replaces the live one."""
    import uuid  # imported here: it loads platform, and an assessment's private store never stages

    return f"{STAGING_PREFIX}{int(time.time())}:{uuid.uuid4().hex}"


def is_staging(graph: str) -> bool:
    return graph.startswith(STAGING_PREFIX)


def manifest_graph() -> str:
    """A fresh graph name for a portfolio run's batch manifest."""
    import uuid  # as in staging_graph

    return f"{MANIFEST_PREFIX}{int(time.time())}:{uuid.uuid4().hex}"


def is_manifest(graph: str) -> bool:
    return graph.startswith(MANIFEST_PREFIX)


def manifest_age(graph: str) -> float:
    """Seconds since the manifest's name was made."""
    return time.time() - _staged_at(graph, MANIFEST_PREFIX)


def _staged_at(graph: str, prefix: str = STAGING_PREFIX) -> int:
    try:
        return int(graph[len(prefix) :].split(":", 1)[0])
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

    # how many teams a portfolio asks about at once (select_each); 1: one team at a time
    batch_size = 1

    def select_each(self, query: QueryFile | str, asked: Sequence[Asked]) -> list[list[Row]]:
        """The rows of ``query`` for each (dataset, parameters) asked, in order: the same as
        one :meth:`select` each, which is what this does (a remote store may ask them all in
        one request, see :mod:`cmlops_kg.sparql.batch`)."""
        return [self.select(query, params, dataset=list(dataset)) for dataset, params in asked]

    def end_batches(self) -> None:
        """Forget what :meth:`select_each` kept on the store for a run."""
        return None  # it keeps nothing here: a remote store drops its batch manifest

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
        """Drop staging graphs left by loads that died more than ``older_than`` seconds ago (and
        batch manifests of portfolio runs started more than a day ago)."""
        now = time.time()
        cutoff, manifests = now - older_than, now - max(older_than, MANIFEST_MAX_AGE_S)
        stale = [
            g
            for g in self.graphs()
            if (is_staging(g) and _staged_at(g) < cutoff)
            or (is_manifest(g) and _staged_at(g, MANIFEST_PREFIX) < manifests)
        ]
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

    def refresh(self) -> None:  # noqa: B027 - optional hook
        """See what others wrote since the store was opened (a read-only on-disk store reads
        a snapshot; every other store sees writes at once)."""

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
