"""One embedded store per process holding the ontology alone, for read-only questions.

Catalogues and the validation context read the ontology only; they share this store instead
of loading their own. Assessments do not: they write profiles, and an Oxigraph store that has
held and dropped profile after profile answers more slowly each time (measured for issue 16:
a ledgerly assessment went from 6.4 to 11.9 s over four rounds), so each gets a fresh store
whose ontology is the prepared N-Triples this process keeps (:mod:`cmlops_kg.store.cache`).
"""

from __future__ import annotations

import threading

from cmlops_kg.store.base import GraphStore
from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.vocab import ONTOLOGY_GRAPH

_store: EmbeddedStore | None = None
_lock = threading.Lock()


def shared_store() -> EmbeddedStore:
    """The process's store with the ontology, loaded on first use."""
    global _store
    if _store is None:
        with _lock:
            if _store is None:
                store = EmbeddedStore()
                store.load_ontology()
                _store = store
    return _store


def ontology_view() -> GraphStore:
    """The shared store seen as the ontology alone (read-only use: catalogues, contexts)."""
    return shared_store().scoped([ONTOLOGY_GRAPH])
