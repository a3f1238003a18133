"""Inference on the client, for servers whose planner handles the strata badly.

Virtuoso takes 15-30 s a team to run the inference strata as ``INSERT ... WHERE`` inside one
update request; the embedded engine runs the same strata on the same triples in about 0.1 s.
With ``inference = "client"`` (a preset's field, cmlops_kg/store/endpoints.toml) a remote load
infers here, in a private store holding the prepared ontology and the profile, uploads the
results beside the staged profile, and swaps both in with one update request
(:func:`cmlops_kg.store.inference.swap_update`).

Blank nodes: a stratum may mint blank nodes that a later stratum joins on; all strata run in
the one private store, and the results are uploaded as one document, so they stay one node
each. A result that pointed at one of the *profile's* blank nodes could not be uploaded apart
from the profile (a document's blank nodes are its own); such a team is inferred on the server
instead (:func:`infer_on_client` answers None). No stratum of the library does that today.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.store.inference import inferred_graph

# the profile's graph in the private store (its name is not part of any result)
_PROFILE = "urn:cmlops:client-inference:profile"


def infer_on_client(
    triples: Sequence[ox.Triple], assessments: Iterable[str]
) -> list[ox.Triple] | None:
    """The triples the strata infer from a profile, computed by the embedded engine; None
    when a result refers to one of the profile's blank nodes (see the module's note)."""
    store = EmbeddedStore(exclusive=True)  # fresh: a reused store slows down (store/shared.py)
    store.load_ontology()  # the prepared N-Triples this process keeps (store/cache.py)
    store.add_triples(_PROFILE, list(triples))
    store.materialise(_PROFILE, assessments)
    node = ox.NamedNode(inferred_graph(_PROFILE))
    inferred = [q.triple for q in store.oxigraph.quads_for_pattern(None, None, None, node)]
    return None if _shares_blank_nodes(triples, inferred) else inferred


def _shares_blank_nodes(profile: Iterable[ox.Triple], inferred: Iterable[ox.Triple]) -> bool:
    mentioned = {t for triple in inferred for t in _blank_nodes(triple)}
    return bool(mentioned) and any(
        t in mentioned for triple in profile for t in _blank_nodes(triple)
    )


def _blank_nodes(triple: ox.Triple) -> list[ox.BlankNode]:
    return [t for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)]


def staged_graphs(stage: str) -> list[str]:
    """The graphs a client-inference load stages: the profile and its results."""
    return [stage, inferred_graph(stage)]
