"""Endpoint presets, read from ``endpoints.toml`` beside this module (data, not code).

A preset turns the one URL a user gives (``--endpoint``) into the query, update and Graph Store
URLs of a known server, and says which scheme to use for a user and password. Without a preset
the Oxigraph layout is guessed from the URL (see :class:`cmlops_kg.store.remote.EndpointUrls`).
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources

from cmlops_kg.errors import InputError, StoreError

PRESET_ENV = "CMLOPS_KG_ENDPOINT_PRESET"
AUTH_SCHEMES = ("basic", "digest")
INFERENCE_MODES = ("server", "client")  # where a load runs the inference strata
_REQUIRED = {"description", "query", "update", "graph_store"}
_KNOWN = _REQUIRED | {"auth", "credentials", "system_graphs", "inference", "portfolio_batch"}
_URLS = ("query", "update", "graph_store")


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    query: str
    update: str
    graph_store: str
    auth: str = "basic"
    credentials: tuple[str, str, str] | None = None  # (query, update, graph_store) with login
    # graphs the server keeps for itself (regular expressions over graph IRIs): a query over the
    # whole store then names its own graphs instead of reading the server's default graph
    system_graphs: tuple[str, ...] = ()
    # where a load runs the inference strata: "server" (INSERT ... WHERE in the commit) or
    # "client" (the embedded engine, results uploaded beside the profile), for servers that
    # plan the strata badly (cmlops_kg.store.local_inference)
    inference: str = "server"
    # how many teams a portfolio asks each question about at once (1: one team at a time);
    # for servers that compile every new query text slowly (cmlops_kg.sparql.batch)
    portfolio_batch: int = 1

    def is_system_graph(self, graph: str) -> bool:
        return any(re.search(pattern, graph) for pattern in self.system_graphs)

    def urls(self, base: str, with_credentials: bool = False) -> tuple[str, str, str]:
        """(query, update, graph store) URLs for a server at ``base``."""
        base = base.strip().rstrip("/")
        templates = (
            self.credentials
            if with_credentials and self.credentials
            else (
                self.query,
                self.update,
                self.graph_store,
            )
        )
        return tuple(t.replace("{base}", base) for t in templates)  # type: ignore[return-value]


@functools.cache
def presets() -> dict[str, Preset]:
    text = resources.files("cmlops_kg.store").joinpath("endpoints.toml").read_text("utf-8")
    return parse_presets(text)


def parse_presets(text: str, where: str = "cmlops_kg/store/endpoints.toml") -> dict[str, Preset]:
    try:
        tables = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StoreError(f"the endpoint presets are not valid TOML ({exc})", where=where) from exc
    out = {}
    for name, table in tables.items():
        problem = _problem(table)
        if problem:
            raise StoreError(
                f"endpoint preset {name!r}: {problem}",
                where=where,
                fix=f"give it {', '.join(sorted(_REQUIRED))} (and optionally auth = basic|digest)",
            )
        login = table.get("credentials")
        out[name] = Preset(
            name=name,
            description=" ".join(str(table["description"]).split()),
            query=table["query"],
            update=table["update"],
            graph_store=table["graph_store"],
            auth=table.get("auth", "basic"),
            credentials=tuple(login[k] for k in _URLS) if login else None,  # type: ignore[arg-type]
            system_graphs=tuple(table.get("system_graphs", ())),
            inference=table.get("inference", "server"),
            portfolio_batch=table.get("portfolio_batch", 1),
        )
    return out


def _problem(table: object) -> str | None:
    if not isinstance(table, dict):
        return "is not a table"
    missing = _REQUIRED - set(table)
    unknown = set(table) - _KNOWN
    if missing or unknown:
        return f"missing {sorted(missing)}, unknown {sorted(unknown)}"
    if table.get("auth", "basic") not in AUTH_SCHEMES:
        return f"auth must be one of {', '.join(AUTH_SCHEMES)}"
    if table.get("inference", "server") not in INFERENCE_MODES:
        return f"inference must be one of {', '.join(INFERENCE_MODES)}"
    batch = table.get("portfolio_batch", 1)
    if not isinstance(batch, int) or isinstance(batch, bool) or batch < 1:
        return "portfolio_batch must be a whole number of teams, 1 or more"
    login = table.get("credentials")
    if login is not None and (not isinstance(login, dict) or set(login) != set(_URLS)):
        return f"credentials must give exactly {', '.join(_URLS)}"
    system = table.get("system_graphs", [])
    if not isinstance(system, list) or not all(isinstance(p, str) for p in system):
        return "system_graphs must be a list of regular expressions (strings)"
    for pattern in system:
        try:
            re.compile(pattern)
        except re.error as exc:
            return f"system_graphs: {pattern!r} is not a regular expression ({exc})"
    urls = [table[k] for k in _URLS] + ([login[k] for k in _URLS] if login else [])
    if not all(isinstance(u, str) and u.startswith("{base}") for u in urls):
        return "every URL must start with {base}"
    return None


def preset_named(name: str) -> Preset:
    known = presets()
    if name not in known:
        raise InputError(
            f"there is no endpoint preset {name!r}",
            where=PRESET_ENV,
            fix=f"use one of: {', '.join(known)} (or leave it out for the Oxigraph layout)",
        )
    return known[name]
