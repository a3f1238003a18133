"""The remote store's one HTTP policy (issue 15), against tiny local servers: a deadline on the
whole request, a cap on the answer, proxies only when named, redirects never followed. The
trap server of ``tests/trap.py`` sees any connection, whoever makes it."""

from __future__ import annotations

import http.server
import time

import pytest
from oxigraph_server import answer, fake_server
from trap import trap_server

from cmlops_kg.cli import main
from cmlops_kg.rdf.profiles import read_profile
from cmlops_kg.resources import EXAMPLES_DIR
from cmlops_kg.store.remote import EndpointError, RemoteStore

EMPTY = b'{"head": {"vars": ["organisation"]}, "results": {"bindings": []}}'
SECRET = "s3cr3t-t0ken-value"
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy")


def drip(headers_too: bool) -> object:
    """Answer one byte a second, from the status line or from the body on."""

    def respond(handler: http.server.BaseHTTPRequestHandler) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n"
        if not headers_too:
            handler.wfile.write(head)
            head = b""
        try:
            for byte in head + EMPTY:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(1)
        except OSError:
            return  # the client gave up, as it should

    return respond


def huge(declared: bool, size: int = 3 * 1024 * 1024) -> object:
    def respond(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        if declared:
            handler.send_header("Content-Length", str(size))
        handler.send_header("Connection", "close")
        handler.end_headers()
        try:
            for _ in range(size // 65536):
                handler.wfile.write(b" " * 65536)
        except OSError:
            return

    return respond


def redirect_to(location: str) -> object:
    def respond(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(307)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return respond


@pytest.mark.parametrize("headers_too", [False, True], ids=["slow-body", "slow-headers"])
def test_a_server_that_drips_bytes_hits_the_whole_request_deadline(headers_too):
    with fake_server(drip(headers_too)) as (url, _):
        remote = RemoteStore(url, timeout=2, union_default_graph=True)
        started = time.monotonic()
        with pytest.raises(EndpointError, match=r"did not answer within 2 s"):
            remote.select("organisations")
        assert time.monotonic() - started < 4  # 60 bytes at 1/s would take a minute


def test_the_cli_reports_a_dripping_server_with_exit_3(capsys):
    with fake_server(drip(False)) as (url, _):
        started = time.monotonic()
        assert main(["query", "organisations", "--endpoint", url, "--timeout", "2"]) == 3
        assert time.monotonic() - started < 5
    err = capsys.readouterr().err
    assert "did not answer within 2 s" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "until-close"])
def test_an_answer_over_the_size_cap_is_refused(declared):
    with fake_server(huge(declared)) as (url, _):
        remote = RemoteStore(url, timeout=10, union_default_graph=True, max_response_mb=1)
        with pytest.raises(EndpointError, match=r"larger than 1 MB") as err:
            remote.select("organisations")
    assert "CMLOPS_KG_MAX_RESPONSE_MB" in err.value.render()


def test_the_size_cap_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("CMLOPS_KG_MAX_RESPONSE_MB", "0.5")
    remote = RemoteStore.from_environment(
        "http://127.0.0.1:9", environ={"CMLOPS_KG_MAX_RESPONSE_MB": "0.5"}
    )
    assert remote.max_response_mb == 0.5
    with fake_server(huge(True, 1024 * 1024)) as (url, _):
        monkeypatch.setenv("CMLOPS_KG_ENDPOINT", url)
        assert main(["query", "organisations", "--timeout", "5"]) == 3


def _with_proxies_in_environment(monkeypatch, proxy_url: str) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.setenv(name, proxy_url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)


def test_proxy_variables_are_ignored_so_credentials_never_reach_them(monkeypatch, tmp_path):
    profile = read_profile(EXAMPLES_DIR / "profiles" / "ledgerly.ttl")
    with trap_server() as trap, fake_server(answer(200, EMPTY, "application/json")) as (url, seen):
        _with_proxies_in_environment(monkeypatch, f"http://127.0.0.1:{trap.port}")
        remote = RemoteStore.from_environment(url, environ={"CMLOPS_KG_ENDPOINT_TOKEN": SECRET})
        assert remote.select("organisations") == []
        remote.add_triples("urn:test:g", profile.triples[:3])  # the Graph Store path too
        assert remote.export("urn:test:g") == EMPTY
    assert trap.hits == []
    assert len(seen) >= 3
    assert all(r["headers"].get("Authorization") == f"Bearer {SECRET}" for r in seen)
    assert {r["method"] for r in seen} == {"POST", "GET"}


def test_a_named_proxy_is_used_for_queries_and_graph_store_alike(monkeypatch):
    with fake_server(answer(200, EMPTY, "application/json")) as (proxy, seen):
        endpoint = "http://127.0.0.1:9/sparql"  # nothing listens there: only the proxy answers
        remote = RemoteStore.from_environment(endpoint, environ={"CMLOPS_KG_ENDPOINT_PROXY": proxy})
        assert remote.select("organisations") == []
        assert remote.export("urn:test:g") == EMPTY
    paths = [r["path"] for r in seen]
    assert paths[0] == "http://127.0.0.1:9/sparql"  # the absolute URL, as a proxy is sent
    assert paths[-1].startswith("http://127.0.0.1:9/store?graph=urn%3Atest%3Ag")


@pytest.mark.parametrize("proxy", ["socks5://127.0.0.1:1080", "https://proxy:3128", "proxy"])
def test_a_proxy_that_is_not_an_http_url_is_refused(proxy):
    with pytest.raises(EndpointError, match="proxy"):
        RemoteStore("http://127.0.0.1:9", proxy=proxy)


def test_redirects_are_reported_not_followed(monkeypatch):
    monkeypatch.setenv("CMLOPS_KG_ENDPOINT_TOKEN", SECRET)
    with trap_server() as trap, fake_server(redirect_to(trap.url)) as (url, _):
        remote = RemoteStore.from_environment(url, environ={"CMLOPS_KG_ENDPOINT_TOKEN": SECRET})
        with pytest.raises(EndpointError, match=r"redirected .*HTTP 307") as err:
            remote.select("organisations")
    assert trap.hits == []
    assert SECRET not in err.value.render()
