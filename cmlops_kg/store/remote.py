"""The remote backend: a shared SPARQL 1.1 server behind the store interface.

Queries and updates go through SPARQLWrapper (SPARQL 1.1 Protocol); profiles and the ontology
are uploaded with the Graph Store Protocol over plain HTTP (SPARQLWrapper has none). Query
parameters are bound with a ``VALUES`` block (SEP-0007 substitution does not exist over the
protocol); a query scoped to a dataset sends it as ``default-graph-uri``; the inference
strata run on the server as ``INSERT ... USING ... WHERE``, or -- for a server that plans them
badly (the preset's ``inference = "client"``, or CMLOPS_KG_ENDPOINT_INFERENCE) -- on the
embedded engine, the results uploaded beside the staged profile
(:mod:`cmlops_kg.store.local_inference`). Any standards-compliant server works; the tests run
a real ``oxigraph serve`` and a real Virtuoso 7.

Credentials come from the environment only (``CMLOPS_KG_ENDPOINT_USER`` and
``CMLOPS_KG_ENDPOINT_PASSWORD`` for basic auth, ``CMLOPS_KG_ENDPOINT_TOKEN`` for a bearer
token). They are never put in URLs, messages, logs or graphs; errors are raised as
:class:`EndpointError` with a message saying what failed and how to fix it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, TURTLE, URLENCODED, SPARQLWrapper

from cmlops_kg.errors import QueryError, StoreError
from cmlops_kg.limits import MAX_RESPONSE_MB
from cmlops_kg.rdf.terms import IRI, BNode, literal_value
from cmlops_kg.sparql.batch import (
    KEY,
    MANIFEST_VOCAB,
    Request,
    batched_query,
    manifest_triples,
    overlap_query,
)
from cmlops_kg.sparql.lexer import query_form
from cmlops_kg.sparql.library import QueryFile, bind_parameters, query_file
from cmlops_kg.sparql.rewrite import bind_with_values
from cmlops_kg.store.base import (
    MANIFEST_MAX_AGE_S,
    Asked,
    Dataset,
    GraphStore,
    Row,
    is_manifest,
    is_staging,
    manifest_age,
    manifest_graph,
    staging_graph,
)
from cmlops_kg.store.http import HttpError, HttpPolicy, HttpResponse
from cmlops_kg.store.inference import (
    commit_dataset,
    commit_update,
    inferred_graph,
    materialise_update,
    prepared_ontology,
    profile_dataset,
    swap_update,
)
from cmlops_kg.store.local_inference import infer_on_client, staged_graphs
from cmlops_kg.store.presets import (
    AUTH_SCHEMES,
    INFERENCE_MODES,
    PRESET_ENV,
    Preset,
    preset_named,
)
from cmlops_kg.vocab import ONTOLOGY_GRAPH

DEFAULT_TIMEOUT = 30.0
USER_ENV = "CMLOPS_KG_ENDPOINT_USER"
PASSWORD_ENV = "CMLOPS_KG_ENDPOINT_PASSWORD"
TOKEN_ENV = "CMLOPS_KG_ENDPOINT_TOKEN"
TIMEOUT_ENV = "CMLOPS_KG_ENDPOINT_TIMEOUT"
UPDATE_ENV = "CMLOPS_KG_UPDATE_ENDPOINT"
GSP_ENV = "CMLOPS_KG_GSP_ENDPOINT"
PROXY_ENV = "CMLOPS_KG_ENDPOINT_PROXY"
AUTH_ENV = "CMLOPS_KG_ENDPOINT_AUTH"
INFERENCE_ENV = "CMLOPS_KG_ENDPOINT_INFERENCE"
AUTH_FIX = (
    f"set {USER_ENV} and {PASSWORD_ENV} (basic auth) or {TOKEN_ENV} (bearer token) "
    "to credentials the server accepts"
)


# every named graph (an index lookup on Oxigraph), and the same for servers that list only
# graphs matched by a triple pattern
_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
_GRAPHS_WITH_TRIPLES = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


class EndpointError(StoreError):
    """The SPARQL server could not be reached, timed out, refused or failed (exit 3)."""


@dataclass(frozen=True)
class EndpointAuth:
    """Basic, Digest or bearer credentials; ``repr`` never shows them. ``scheme`` is how a
    user and password are sent (basic or digest; None: the preset's choice, else basic)."""

    user: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    scheme: str | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> EndpointAuth | None:
        user, password = environ.get(USER_ENV) or None, environ.get(PASSWORD_ENV) or None
        token = environ.get(TOKEN_ENV) or None
        scheme = (environ.get(AUTH_ENV) or "").strip().lower() or None
        if token and (user or password):
            raise EndpointError(
                "both a bearer token and a user/password are set for the endpoint",
                fix=f"set either {TOKEN_ENV} or {USER_ENV}/{PASSWORD_ENV}, not both",
            )
        if bool(user) != bool(password):
            raise EndpointError(
                "basic auth needs both a user and a password",
                fix=f"set both {USER_ENV} and {PASSWORD_ENV}",
            )
        if scheme is not None and scheme not in AUTH_SCHEMES:
            raise EndpointError(
                f"{AUTH_ENV}={scheme!r} is not an authentication scheme",
                fix=f"set it to one of {', '.join(AUTH_SCHEMES)} (a token is always bearer)",
            )
        if not (token or user):
            return None
        return cls(user=user, password=password, token=token, scheme=scheme)

    def with_default_scheme(self, scheme: str) -> EndpointAuth:
        return self if self.scheme or self.token else replace(self, scheme=scheme)

    @property
    def secrets(self) -> list[str]:
        basic = f"{self.user}:{self.password}" if self.user and self.password else ""
        encoded = base64.b64encode(basic.encode("utf-8")).decode("ascii") if basic else ""
        return [s for s in (self.password, self.token, encoded) if s]

    @property
    def digest(self) -> tuple[str, str] | None:
        """(user, password) when they are sent by Digest (answering the server's challenge)."""
        if self.token or self.scheme != "digest":
            return None
        return self.user or "", self.password or ""

    @property
    def headers(self) -> dict[str, str]:
        if self.token:
            return {"Authorization": f"Bearer {self.token}"}
        if self.scheme == "digest":
            return {}  # sent in answer to the server's challenge (cmlops_kg.store.http)
        basic = f"{self.user or ''}:{self.password or ''}".encode()
        return {"Authorization": "Basic " + base64.b64encode(basic).decode("ascii")}


@dataclass(frozen=True)
class EndpointUrls:
    query: str
    update: str
    gsp: str

    @classmethod
    def from_endpoint(
        cls,
        endpoint: str,
        update: str | None = None,
        gsp: str | None = None,
        preset: Preset | None = None,
        with_credentials: bool = False,
    ) -> EndpointUrls:
        """From a server base URL or its query URL: a preset's layout (cmlops_kg/store/
        endpoints.toml), else Oxigraph's (``/query``, ``/update``, ``/store``) guessed from the
        URL; ``update`` and ``gsp`` override single URLs."""
        for url in filter(None, (endpoint, update, gsp)):
            _check_url(url)
        if preset is not None:
            query, default_update, default_gsp = preset.urls(endpoint, with_credentials)
            return cls(query, update or default_update, gsp or default_gsp)
        parts = urlsplit(endpoint.strip())
        path = parts.path.rstrip("/")
        last = path.rsplit("/", 1)[-1]
        base = path[: -len(last) - 1] if last in {"query", "sparql"} else path
        query = urlunsplit(
            parts._replace(path=path if last in {"query", "sparql"} else base + "/query")
        )
        default_update = (
            query if last == "sparql" else urlunsplit(parts._replace(path=base + "/update"))
        )
        default_gsp = urlunsplit(parts._replace(path=base + "/store"))
        return cls(query, update or default_update, gsp or default_gsp)


def _check_url(
    url: str,
    what: str = "the endpoint",
    example: str = "pass e.g. --endpoint http://127.0.0.1:7878 (or its /query URL)",
) -> None:
    parts = urlsplit(url.strip())
    if parts.username or parts.password:
        raise EndpointError(
            f"the URL of {what} contains credentials",
            where=redact_url(url),
            fix=f"remove them from the URL and {AUTH_FIX}",
        )
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise EndpointError(
            f"{what} must be an http:// or https:// URL", where=redact_url(url), fix=example
        )


def redact_url(url: str) -> str:
    """The URL without any user:password@ part."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        netloc = host + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


class RemoteStore(GraphStore):
    """A SPARQL 1.1 server (Protocol + Graph Store Protocol) holding the shared store."""

    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        gsp_endpoint: str | None = None,
        auth: EndpointAuth | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        union_default_graph: bool | None = None,
        max_response_mb: float | None = None,
        proxy: str | None = None,
        preset: str | None = None,
        inference: str | None = None,
        batch_size: int | None = None,
    ) -> None:
        chosen = preset_named(preset) if preset else None
        # teams per portfolio query (select_each): as asked, else the preset's, else one
        default = chosen.portfolio_batch if chosen else 1
        self.batch_size = int(default if batch_size is None else batch_size)
        if self.batch_size < 1:
            raise EndpointError(
                f"a batch of {batch_size} teams asks nothing", fix="use 1 (no batching) or more"
            )
        self.inference = _inference_mode(inference, chosen)
        if auth is not None and chosen is not None:
            auth = auth.with_default_scheme(chosen.auth)
        self.preset = chosen.name if chosen else None
        self._system_graph = chosen.is_system_graph if chosen and chosen.system_graphs else None
        self.urls = EndpointUrls.from_endpoint(
            endpoint, update_endpoint, gsp_endpoint, chosen, with_credentials=auth is not None
        )
        if proxy:
            fix = f"set {PROXY_ENV} to e.g. http://proxy:3128"
            _check_url(proxy, f"the proxy ({PROXY_ENV})", fix)
            if urlsplit(proxy).scheme != "http":
                raise EndpointError("the proxy must be an http:// URL", where=proxy, fix=fix)
        self.timeout = float(timeout)
        self._auth = auth
        self._union = union_default_graph
        # the batch manifest of this store's portfolio run (select_each): its graph, once
        # written (False: the server refused the write, batches name their teams instead), and
        # the requests it holds
        self._manifest: str | bool | None = None
        self._manifest_holds: tuple | None = None
        self.max_response_mb = float(max_response_mb or MAX_RESPONSE_MB.default)
        # one policy for the SPARQL protocol and the Graph Store: whole-request deadline,
        # size cap, and a proxy only when the user named one (see cmlops_kg.store.http)
        self._policy = HttpPolicy(
            deadline=self.timeout,
            max_bytes=int(self.max_response_mb * 1024 * 1024),
            proxy=proxy or None,
        )

    @classmethod
    def from_environment(
        cls,
        endpoint: str,
        *,
        timeout: float | None = None,
        environ: Mapping[str, str],
        preset: str | None = None,
    ) -> RemoteStore:
        if timeout is None:
            raw = environ.get(TIMEOUT_ENV)
            try:
                timeout = float(raw) if raw else DEFAULT_TIMEOUT
            except ValueError as exc:
                raise EndpointError(
                    f"{TIMEOUT_ENV}={raw!r} is not a number of seconds", fix="e.g. 30"
                ) from exc
        return cls(
            endpoint,
            update_endpoint=environ.get(UPDATE_ENV) or None,
            gsp_endpoint=environ.get(GSP_ENV) or None,
            auth=EndpointAuth.from_environment(environ),
            timeout=timeout,
            max_response_mb=MAX_RESPONSE_MB.value(environ),
            proxy=environ.get(PROXY_ENV) or None,
            preset=preset or environ.get(PRESET_ENV) or None,
            inference=(environ.get(INFERENCE_ENV) or "").strip().lower() or None,
        )

    def __repr__(self) -> str:
        return f"RemoteStore({self.urls.query!r})"

    # -- the SPARQL protocol (SPARQLWrapper) -----------------------------------------------------
    def _wrapper(self, text: str, form: str, dataset: Dataset = None) -> SPARQLWrapper:
        sw = SPARQLWrapper(self.urls.query, updateEndpoint=self.urls.update)
        sw.setMethod(POST)
        sw.setRequestMethod(URLENCODED)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            sw.setQuery(text)
        # SPARQLWrapper guesses the form with a regex that words in comments can fool
        # ("download" reads as LOAD); we know it.
        sw.queryType = form
        for graph in dataset or ():
            sw.addParameter("default-graph-uri", graph)
            sw.addParameter("named-graph-uri", graph)
        return sw

    def _send(self, sw: SPARQLWrapper, action: str) -> bytes:
        """SPARQLWrapper encodes the protocol request; the shared HTTP policy sends it."""
        request = sw._createRequest()
        headers = dict(request.header_items())
        data = request.data if isinstance(request.data, bytes) else None
        return self._request("POST", request.full_url, action, data, headers).body

    def _request(
        self,
        method: str,
        url: str,
        action: str,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        missing_ok: bool = False,
    ) -> HttpResponse:
        headers = {**(headers or {}), **(self._auth.headers if self._auth else {})}
        digest = self._auth.digest if self._auth else None
        try:
            response = self._policy.send(method, url, data, headers, digest=digest)
        except HttpError as failure:
            raise self._failure(failure, action, url) from None
        if response.status == 404 and missing_ok:
            return response
        if response.status >= 400:
            raise self._http_error(action, url, response.status, response.text())
        return response

    def _query(self, text: str, fmt: str, dataset: Dataset, action: str) -> bytes:
        sw = self._wrapper(text, query_form(text), self._dataset(dataset))
        sw.setReturnFormat(fmt)
        return self._send(sw, action)

    def update(self, sparql: str, using: Dataset = None) -> None:
        sw = self._wrapper(sparql, "INSERT")
        for graph in using or ():
            # named graphs too: Oxigraph's server runs MOVE as an INSERT ... WHERE { GRAPH }
            # over the request's dataset, and without them it would move nothing.
            sw.addParameter("using-graph-uri", graph)
            sw.addParameter("using-named-graph-uri", graph)
        self._send(sw, "update the store")

    def materialise(self, graph: str, assessments: Iterable[str]) -> None:
        assessments = list(assessments)
        if self.inference == "client":
            profile = list(ox.parse(self.export(graph), format=ox.RdfFormat.TURTLE))
            inferred = infer_on_client(profile, assessments)
            if inferred is not None:
                self._put(inferred_graph(graph), inferred)  # a PUT replaces it whole
                return
        request = materialise_update(graph, assessments, using=False)
        self.update(request, using=profile_dataset(graph))

    def load_profile(
        self, graph: str, triples: list[ox.Triple], assessments: Sequence[str]
    ) -> None:
        """Replace a profile and its results atomically. With client inference the results
        are computed here first (nothing is sent if that fails), uploaded into a staging graph
        beside the staged profile, and one update request swaps both in (:meth:`_swap`)."""
        inferred = infer_on_client(triples, assessments) if self.inference == "client" else None
        if inferred is None:  # server inference (or a result on a profile's blank node)
            super().load_profile(graph, triples, assessments)
            return
        stage = staging_graph()
        try:
            self._put(stage, triples)
            self._put(inferred_graph(stage), inferred)
            self._swap(stage, graph)
        except BaseException:
            self._discard_quietly(stage)
            raise

    def _swap(self, stage: str, graph: str) -> None:
        # the staged graphs as the request's dataset too: Oxigraph's server runs MOVE over it
        self.update(swap_update(stage, graph), using=staged_graphs(stage))

    def _discard_quietly(self, stage: str) -> None:
        with contextlib.suppress(Exception):  # best effort: the original error matters
            self.update(
                " ;\n".join(f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in staged_graphs(stage))
            )

    def _commit(self, stage: str, graph: str, assessments: Sequence[str]) -> None:
        request = commit_update(stage, graph, assessments, using=False)
        self.update(request, using=commit_dataset(stage, graph))

    # -- the Graph Store Protocol (requests) ------------------------------------------------------
    def _gsp(self, method: str, graph: str, data: bytes | None = None, **headers: str):
        action = {"PUT": "upload a graph", "POST": "add to a graph", "GET": "read a graph"}
        separator = "&" if urlsplit(self.urls.gsp).query else "?"
        url = self.urls.gsp + separator + urlencode({"graph": graph})
        return self._request(method, url, action[method], data, headers, missing_ok=method == "GET")

    def _put(self, graph: str, triples: list[ox.Triple]) -> None:
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) if triples else b""
        self._gsp("PUT", graph, body, **{"Content-Type": "application/n-triples"})

    # -- errors -----------------------------------------------------------------------------------
    def _redact(self, text: str) -> str:
        for secret in self._auth.secrets if self._auth else ():
            text = text.replace(secret, "***")
        return text

    def _http_error(self, action: str, url: str, status: int | None, body: str) -> EndpointError:
        if status in {401, 403}:
            return EndpointError(
                f"the endpoint refused access (HTTP {status}) when trying to {action}",
                where=redact_url(url),
                fix=AUTH_FIX,
            )
        detail = " ".join(self._redact(body).split())[:300]
        return EndpointError(
            f"the endpoint failed to {action} (HTTP {status or '?'}): {detail or 'no details'}",
            where=redact_url(url),
            fix="check the server's log; nothing was changed by a failed profile load",
        )

    def _failure(self, failure: HttpError, action: str, url: str) -> EndpointError:
        if failure.kind == "deadline":
            return self._timeout(action, url)
        if failure.kind == "too-large":
            return EndpointError(
                f"the endpoint's answer when trying to {action} is larger than "
                f"{self.max_response_mb:g} MB ({failure.detail})",
                where=redact_url(url),
                fix=f"ask for less, or raise {MAX_RESPONSE_MB.env} if such an answer is expected",
            )
        if failure.kind == "redirect":
            return EndpointError(
                f"the endpoint redirected the request to {action} ({failure.detail})",
                where=redact_url(url),
                fix="pass the address it redirects to (redirects are not followed, so "
                "credentials only ever go to the server you named)",
            )
        return self._unreachable(action, url, failure.detail)

    def _timeout(self, action: str, url: str) -> EndpointError:
        return EndpointError(
            f"the endpoint did not answer within {self.timeout:g} s when trying to {action}",
            where=redact_url(url),
            fix=f"check the server is healthy, or allow more time with --timeout or {TIMEOUT_ENV}",
        )

    def _unreachable(self, action: str, url: str, reason: str) -> EndpointError:
        return EndpointError(
            f"cannot reach the SPARQL endpoint to {action} ({self._redact(reason)})",
            where=redact_url(url),
            fix="start the server, or check --endpoint / CMLOPS_KG_ENDPOINT",
        )

    # -- the store interface ----------------------------------------------------------------------
    def load_ontology(self, files: Iterable[Path] | None = None) -> None:
        # the derived index is computed here, not by the server: one PUT, replaced atomically
        self._put(ONTOLOGY_GRAPH, prepared_ontology(files))

    def replace_graph(self, graph: str, triples: list[ox.Triple]) -> None:
        self._put(graph, triples)
        self.drop_graph(inferred_graph(graph))

    def drop_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}")

    def add_triples(self, graph: str, triples: list[ox.Triple]) -> None:
        if triples:
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            self._gsp("POST", graph, body, **{"Content-Type": "application/n-triples"})

    def graphs(self) -> list[str]:
        rows = _rows(self._query(_GRAPHS, JSON, [], "list the graphs"))
        names = [r["g"] for r in rows if isinstance(r["g"], IRI)]
        if not names:  # Virtuoso answers an empty pattern with one unbound ?g: ask for triples
            rows = _rows(self._query(_GRAPHS_WITH_TRIPLES, JSON, [], "list the graphs"))
            names = [r["g"] for r in rows if isinstance(r["g"], IRI)]
        system = self._system_graph or (lambda graph: False)
        return sorted(str(name) for name in names if not system(str(name)))

    def export(self, graph: str) -> bytes:
        response = self._gsp("GET", graph, Accept="text/turtle")
        return b"" if response.status == 404 else response.body

    def select(
        self,
        query: QueryFile | str,
        params: Mapping[str, object] | None = None,
        *,
        dataset: Dataset = None,
    ) -> list[Row]:
        qf = query_file(query)
        if qf.form not in {"SELECT", "ASK"}:
            raise QueryError(f"query {qf.name!r} is a {qf.form} query, not a SELECT")
        text = bind_with_values(qf.text, bind_parameters(qf, params))
        return _rows(self._query(text, JSON, dataset, f"run the query {qf.name!r}"))

    def construct(
        self,
        query: QueryFile | str,
        params: Mapping[str, object] | None = None,
        *,
        dataset: Dataset = None,
    ) -> list[ox.Triple]:
        qf = query_file(query)
        if qf.form not in {"CONSTRUCT", "DESCRIBE"}:
            raise QueryError(f"query {qf.name!r} is a {qf.form} query, not a CONSTRUCT")
        text = bind_with_values(qf.text, bind_parameters(qf, params))
        data = self._query(text, TURTLE, dataset, f"run the query {qf.name!r}")
        try:
            return list(ox.parse(data, format=ox.RdfFormat.TURTLE))
        except SyntaxError as exc:
            raise EndpointError(f"the endpoint's answer is not valid Turtle ({exc})") from None

    def select_each(self, query: QueryFile | str, asked: Sequence[Asked]) -> list[list[Row]]:
        """The rows of ``query`` for each (dataset, parameters) asked, in one request: a
        server that compiles every new text (Virtuoso: ~20 s for ``dimension_levels``) then
        compiles it once per batch, not once per team. The rewrite
        (:func:`~cmlops_kg.sparql.batch.batched_query`) evaluates the query over each dataset
        on its own; a dataset with a triple in two of its graphs, or a query the rewrite
        cannot prove alike, is asked one request at a time instead."""
        qf = query_file(query)
        requests = [Request(tuple(ds), bind_parameters(qf, params)) for ds, params in asked]
        if len(requests) < 2 or qf.form != "SELECT":
            return super().select_each(qf, asked)
        try:
            batched_query(qf.text, requests)  # refused texts are refused either way
        except QueryError:
            return super().select_each(qf, asked)
        manifest = self._written_manifest(requests)
        if manifest is not None:
            answers, overlapping = self._batched(qf, requests, manifest)
            if self._manifest_intact(manifest, len(requests)):
                return self._completed(qf, asked, answers, overlapping)
            self._manifest_holds = None  # dropped meanwhile: written again for the next batch
        answers, overlapping = self._batched(qf, requests, None)
        return self._completed(qf, asked, answers, overlapping)

    def _batched(
        self, qf: QueryFile, requests: list[Request], manifest: str | None
    ) -> tuple[list[list[Row]], set[int]]:
        text = batched_query(qf.text, requests, manifest)
        action = f"run the query {qf.name!r} for {len(requests)} teams"
        overlap = overlap_query(requests, manifest)
        overlapping = {int(r[KEY]) for r in _rows(self._query(overlap, JSON, [], action))}
        answers: list[list[Row]] = [[] for _ in requests]
        for row in _rows(self._query(text, JSON, [], action)):
            answers[int(row.pop(KEY))].append(row)
        return answers, overlapping

    def _completed(
        self,
        qf: QueryFile,
        asked: Sequence[Asked],
        answers: list[list[Row]],
        overlapping: set[int],
    ) -> list[list[Row]]:
        for k in sorted(overlapping):
            dataset, params = asked[k]
            answers[k] = self.select(qf, params, dataset=list(dataset))
        return answers

    def _written_manifest(self, requests: list[Request]) -> str | None:
        """The run's batch manifest graph, holding ``requests`` (written when it held others):
        the batched texts then name no team, and a server that compiles every new text
        (Virtuoso) compiles each question once per run instead of once per batch. None when
        the server refused the write (a read-only account): the texts then carry the teams."""
        if self._manifest is False:
            return None
        holds = tuple((r.dataset, tuple(sorted(r.bindings.items()))) for r in requests)
        manifest = self._manifest if isinstance(self._manifest, str) else None
        if manifest is None or manifest_age(manifest) > MANIFEST_MAX_AGE_S / 2:
            # a new name (and texts) well before clean-ups may take the graph for a dead run's
            manifest, self._manifest_holds = manifest_graph(), None
        if self._manifest_holds != holds:
            try:
                self._put(manifest, manifest_triples(requests, manifest))
            except EndpointError:
                self._manifest = False
                return None
            self._manifest, self._manifest_holds = manifest, holds
        return manifest

    def _manifest_intact(self, manifest: str, size: int) -> bool:
        """Whether the manifest still holds its ``size`` requests (another process's clean-up
        could drop it mid-batch, and a batch read from a missing manifest finds no rows). The
        text names the run's manifest only: compiled once per run too."""
        count = (
            f"SELECT (COUNT(?r) AS ?n) WHERE {{ GRAPH {ox.NamedNode(manifest)} "
            f"{{ ?r {ox.NamedNode(MANIFEST_VOCAB + KEY)} ?k }} }}"
        )
        rows = _rows(self._query(count, JSON, [], "check the batch manifest"))
        return bool(rows) and int(rows[0]["n"]) == size

    def end_batches(self) -> None:
        """Drop the run's manifest; its name is kept, so that the next run of this store
        sends the texts the server compiled already."""
        if isinstance(self._manifest, str) and self._manifest_holds is not None:
            with contextlib.suppress(EndpointError):  # left for discard_staging otherwise
                self.drop_graph(self._manifest)
        self._manifest_holds = None

    # -- which graphs a query sees ----------------------------------------------------------------
    def _dataset(self, dataset: Dataset) -> Dataset:
        """The explicit dataset to send: as asked, or -- for a query over the whole store on a
        server whose default graph is not the union of its graphs, or also holds the server's
        own graphs (the preset's system_graphs, which graphs() leaves out) -- every graph of
        the store."""
        if dataset is not None:
            return list(dataset)
        if self._system_graph is None and self.union_default_graph():
            return None
        return [g for g in self.graphs() if not is_staging(g) and not is_manifest(g)]

    def union_default_graph(self) -> bool:
        """Whether the server's default graph is the union of its named graphs (Fuseki's
        ``unionDefaultGraph``, ``oxigraph serve --union-default-graph``, Virtuoso, GraphDB)."""
        if self._union is None:
            probe = (
                "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER (isIRI(?s) && isIRI(?o)) } }"
                " LIMIT 1"
            )
            rows = _rows(self._query(probe, JSON, [], "probe the default graph"))
            if not rows:
                return True  # nothing in named graphs yet: the answer makes no difference
            s, p, o = (ox.NamedNode(str(rows[0][k])) for k in ("s", "p", "o"))
            ask = f"ASK {{ {s} {p} {o} }}"
            self._union = bool(
                _rows(self._query(ask, JSON, [], "probe the default graph"))[0]["result"]
            )
        return self._union


def _inference_mode(asked: str | None, preset: Preset | None) -> str:
    """Where loads run the inference strata: as asked, else as the preset says, else on the
    server."""
    mode = asked or (preset.inference if preset else "server")
    if mode not in INFERENCE_MODES:
        raise EndpointError(
            f"inference {mode!r} is not a place to run the inference strata",
            where=INFERENCE_ENV,
            fix=f"use one of {', '.join(INFERENCE_MODES)} (or leave it out for the preset's)",
        )
    return mode


def _rows(data: bytes) -> list[Row]:
    """Rows of plain values from SPARQL 1.1 JSON results (the same values as the embedded
    store gives, see :mod:`cmlops_kg.rdf.terms`)."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise EndpointError(f"the endpoint's answer is not SPARQL JSON results ({exc})") from None
    if "boolean" in doc:
        return [{"result": bool(doc["boolean"])}]
    names = doc.get("head", {}).get("vars", [])
    return [
        {n: _value(b[n]) if n in b else None for n in names}
        for b in doc.get("results", {}).get("bindings", [])
    ]


def _value(binding: Mapping[str, str]) -> object:
    kind, value = binding.get("type"), binding.get("value", "")
    if kind == "uri":
        return IRI(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in binding:
        return value
    return literal_value(value, binding.get("datatype"))
