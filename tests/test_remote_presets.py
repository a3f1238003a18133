"""Endpoint presets (cmlops_kg/store/endpoints.toml) and Digest authentication, against tiny
local servers; the real-server side is in tests/test_virtuoso.py."""

from __future__ import annotations

import hashlib
import http.server
import re

import pytest
from oxigraph_server import fake_server

from cmlops_kg.cli import main
from cmlops_kg.errors import InputError, StoreError
from cmlops_kg.store.presets import parse_presets, presets
from cmlops_kg.store.remote import EndpointAuth, EndpointError, RemoteStore

EMPTY = b'{"head": {"vars": ["organisation"]}, "results": {"bindings": []}}'
PASSWORD = "digest-s3cret"


@pytest.mark.parametrize(
    ("preset", "endpoint", "expected"),
    [
        ("oxigraph", "http://h:7878", ("/query", "/update", "/store")),
        ("virtuoso", "http://h:8890/", ("/sparql", "/sparql", "/sparql-graph-crud")),
        ("fuseki", "http://h:3030/ds", ("/ds/query", "/ds/update", "/ds/data")),
        (
            "graphdb",
            "http://h:7200/repositories/teams",
            (
                "/repositories/teams",  # the query URL as given (it used to get /query added)
                "/repositories/teams/statements",
                "/repositories/teams/rdf-graphs/service",
            ),
        ),
        ("generic", "http://h:9/sparql", ("/sparql", "/sparql", "/sparql")),
    ],
)
def test_each_preset_gives_its_servers_layout(preset, endpoint, expected):
    urls = RemoteStore(endpoint, preset=preset).urls
    host = endpoint.split("/", 3)[:3]
    assert (urls.query, urls.update, urls.gsp) == tuple("/".join(host) + p for p in expected)


def test_explicit_urls_override_a_preset():
    urls = RemoteStore(
        "http://h:3030/ds", preset="fuseki", gsp_endpoint="http://h:3030/ds/gsp"
    ).urls
    assert (urls.update, urls.gsp) == ("http://h:3030/ds/update", "http://h:3030/ds/gsp")


def test_virtuoso_with_credentials_uses_its_digest_endpoints():
    store = RemoteStore("http://h:8890", preset="virtuoso", auth=EndpointAuth("dba", PASSWORD))
    assert store.urls.query == "http://h:8890/sparql-auth"
    assert store.urls.gsp == "http://h:8890/sparql-graph-crud-auth"
    assert store._auth.scheme == "digest"  # the preset's scheme for a user and password
    explicit = EndpointAuth("dba", PASSWORD, scheme="basic")
    assert RemoteStore("http://h:8890", preset="virtuoso", auth=explicit)._auth.scheme == "basic"


def test_every_shipped_preset_is_documented_in_the_readme():
    from cmlops_kg.resources import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in presets():
        assert f"`{name}`" in readme, name


def test_an_unknown_preset_is_refused_with_the_choices(monkeypatch, capsys):
    with pytest.raises(InputError, match="no endpoint preset 'nope'") as err:
        RemoteStore("http://h:1", preset="nope")
    assert "virtuoso" in err.value.render()
    monkeypatch.setenv("CMLOPS_KG_ENDPOINT_PRESET", "nope")
    assert main(["query", "organisations", "--endpoint", "http://127.0.0.1:9"]) == 2
    assert "no endpoint preset" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["portfolio", "--endpoint", "http://127.0.0.1:9", "--preset", "nope"])
    assert exit_.value.code == 2


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[x]\nquery = "{base}"\nupdate = "{base}"\ngraph_store = "{base}"', "missing"),
        (
            '[x]\ndescription = "d"\nquery = "{base}"\nupdate = "{base}"\ngraph_store = "{base}"'
            '\ncolour = "red"',
            "unknown",
        ),
        (
            '[x]\ndescription = "d"\nquery = "{base}"\nupdate = "{base}"\ngraph_store = "{base}"'
            '\nauth = "ntlm"',
            "auth must be",
        ),
        (
            '[x]\ndescription = "d"\nquery = "http://elsewhere"\nupdate = "{base}"\n'
            'graph_store = "{base}"',
            "start with {base}",
        ),
        ("[x", "not valid TOML"),
        (
            '[x]\ndescription = "d"\nquery = "{base}"\nupdate = "{base}"\ngraph_store = "{base}"'
            '\ninference = "cloud"',
            "inference must be one of server, client",
        ),
        (
            '[x]\ndescription = "d"\nquery = "{base}"\nupdate = "{base}"\ngraph_store = "{base}"'
            '\nsystem_graphs = ["(unclosed"]',
            "is not a regular expression",
        ),
        (
            '[x]\ndescription = "d"\nquery = "{base}"\nupdate = "{base}"\ngraph_store = "{base}"'
            '\nsystem_graphs = "^urn:"',
            "must be a list",
        ),
        (
            '[x]\ndescription = "d"\nquery = "{base}"\nupdate = "{base}"\ngraph_store = "{base}"'
            "\nportfolio_batch = 0",
            "portfolio_batch must be a whole number of teams, 1 or more",
        ),
    ],
)
def test_a_broken_preset_file_says_what_is_wrong(text, problem):
    with pytest.raises(StoreError, match=re.escape(problem)):
        parse_presets(text)


def test_the_virtuoso_preset_knows_its_own_graphs():
    virtuoso = presets()["virtuoso"]
    for graph in (
        "http://www.openlinksw.com/schemas/virtrdf#",
        "http://localhost:8890/DAV/",
        "http://db.example:8890/sparql",
        "http://www.w3.org/2002/07/owl#",
        "http://www.w3.org/ns/ldp#",
    ):
        assert virtuoso.is_system_graph(graph), graph
    for graph in ("https://w3id.org/cmlops/graph/ontology", "urn:cmlops:team:abc", "urn:x:sparql"):
        assert not virtuoso.is_system_graph(graph), graph
    assert not presets()["oxigraph"].system_graphs


# -- Digest (RFC 7616) against a server that checks the answer independently -------------------
NONCE, REALM, OPAQUE = (
    "dcd98b7102dd2f0e8b11d0f600bfb0c093",
    "SPARQL",
    "5ccc069c403ebaf9f0171e9517f40e41",
)


def _expected(fields: dict[str, str], method: str, algorithm: str) -> str:
    h = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}[algorithm]

    def hx(text: str) -> str:
        return h(text.encode()).hexdigest()

    ha1 = hx(f"{fields['username']}:{REALM}:{PASSWORD}")
    ha2 = hx(f"{method}:{fields['uri']}")
    return hx(f"{ha1}:{NONCE}:{fields['nc']}:{fields['cnonce']}:auth:{ha2}")


def digest_server(algorithm: str):
    def respond(handler: http.server.BaseHTTPRequestHandler) -> None:
        header = handler.headers.get("Authorization", "")
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', header.removeprefix("Digest ")))
        ok = (
            (
                header.startswith("Digest ")
                and fields.get("opaque") == OPAQUE
                and fields.get("uri") == handler.path
                and fields.get("response") == _expected(fields, handler.command, algorithm)
            )
            if "cnonce" in fields
            else False
        )
        body = EMPTY if ok else b"unauthorised"
        handler.send_response(200 if ok else 401)
        if not ok:
            handler.send_header(
                "WWW-Authenticate",
                f'Digest realm="{REALM}", nonce="{NONCE}", opaque="{OPAQUE}", qop="auth", '
                f"algorithm={algorithm}",
            )
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return respond


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256"])
def test_digest_authentication_answers_the_challenge(algorithm):
    with fake_server(digest_server(algorithm)) as (url, seen):
        auth = EndpointAuth("dba", PASSWORD, scheme="digest")
        store = RemoteStore(url, auth=auth, union_default_graph=True)
        assert store.select("organisations") == []
        assert store.export("urn:test:g") == EMPTY  # the Graph Store path too
    assert [r["headers"].get("Authorization", "")[:6] for r in seen] == ["", "Digest", "", "Digest"]
    assert not any(PASSWORD in repr(r) for r in seen)  # the password itself never travels


def test_a_wrong_digest_password_is_an_auth_error(monkeypatch, capsys):
    with fake_server(digest_server("MD5")) as (url, _):
        store = RemoteStore(url, auth=EndpointAuth("dba", "wrong", scheme="digest"))
        with pytest.raises(EndpointError, match="refused access"):
            store.select("organisations")
        monkeypatch.setenv("CMLOPS_KG_ENDPOINT_USER", "dba")
        monkeypatch.setenv("CMLOPS_KG_ENDPOINT_PASSWORD", "wrong")
        monkeypatch.setenv("CMLOPS_KG_ENDPOINT_AUTH", "digest")
        assert main(["query", "organisations", "--endpoint", url]) == 3
    err = capsys.readouterr().err
    assert "refused access" in err and "wrong" not in err


def test_an_unknown_auth_scheme_is_refused(monkeypatch):
    env = {
        "CMLOPS_KG_ENDPOINT_USER": "a",
        "CMLOPS_KG_ENDPOINT_PASSWORD": "b",
        "CMLOPS_KG_ENDPOINT_AUTH": "ntlm",
    }
    with pytest.raises(EndpointError, match="not an authentication scheme"):
        EndpointAuth.from_environment(env)


def test_where_the_inference_runs_comes_from_the_preset_or_the_environment():
    assert RemoteStore("http://h:8890", preset="virtuoso").inference == "client"
    assert RemoteStore("http://h:7878", preset="oxigraph").inference == "server"
    assert RemoteStore("http://h:7878").inference == "server"
    forced = {"CMLOPS_KG_ENDPOINT_INFERENCE": "Server"}
    assert (
        RemoteStore.from_environment("http://h:1", environ=forced, preset="virtuoso").inference
        == "server"
    )
    with pytest.raises(EndpointError, match="not a place to run") as err:
        RemoteStore.from_environment("http://h:1", environ={"CMLOPS_KG_ENDPOINT_INFERENCE": "gpu"})
    assert "server, client" in err.value.render()


def test_how_many_teams_a_portfolio_query_asks_about_comes_from_the_preset():
    """Virtuoso compiles every new text slowly: its portfolio asks in batches; Oxigraph runs
    the batched text slower than a team's own, so it asks one team at a time."""
    assert RemoteStore("http://h:8890", preset="virtuoso").batch_size == 50
    assert RemoteStore("http://h:7878", preset="oxigraph").batch_size == 1
    assert RemoteStore("http://h:7878").batch_size == 1
    assert RemoteStore("http://h:8890", preset="virtuoso", batch_size=1).batch_size == 1
    with pytest.raises(EndpointError, match="asks nothing"):
        RemoteStore("http://h:7878", batch_size=0)
