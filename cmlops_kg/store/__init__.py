"""The store interface (oaklib's "one interface, several backends") and how to open one.

The assessment code talks only to :class:`~cmlops_kg.store.base.GraphStore`: load a profile
into its own named graph (replacing the previous one atomically, with its inferred results),
list the organisations, run a query from the library with parameters, export. Which backend
holds the data -- :mod:`~cmlops_kg.store.embedded` (Oxigraph in memory or on disk) or
:mod:`~cmlops_kg.store.remote` (a shared SPARQL 1.1 server) -- is the caller's choice, made
once by :func:`open_store`. The backends are imported only when opened, so the CLI's
embedded path never loads the HTTP stack.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from cmlops_kg.store.base import ENDPOINT_ENV, STORE_ENV

if TYPE_CHECKING:  # pragma: no cover
    from cmlops_kg.store.base import GraphStore


def open_store(
    endpoint: str | None = None,
    location: Path | str | None = None,
    *,
    timeout: float | None = None,
    environ: Mapping[str, str] | None = None,
    read_only: bool = False,
    preset: str | None = None,
) -> GraphStore:
    """The store the user asked for: ``endpoint`` (or $CMLOPS_KG_ENDPOINT) selects a remote
    SPARQL server, else ``location`` (or $CMLOPS_KG_STORE) an on-disk embedded store, else an
    in-memory one. ``read_only`` opens an on-disk store without its lock (a snapshot that
    others may write beside); a remote store is only ever written by explicit loads."""
    env = os.environ if environ is None else environ
    endpoint = endpoint or env.get(ENDPOINT_ENV) or None
    if endpoint:
        from cmlops_kg.store.remote import RemoteStore

        return RemoteStore.from_environment(endpoint, timeout=timeout, environ=env, preset=preset)
    from cmlops_kg.store.embedded import EmbeddedStore

    location = location or env.get(STORE_ENV) or None
    return EmbeddedStore(location, read_only=read_only)
