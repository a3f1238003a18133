"""A real ``oxigraph serve`` on 127.0.0.1 for the remote-store tests, and tiny fake servers.

The server binary comes with the ``oxigraph`` PyPI package (a dev dependency). Each server
gets a free port and its own data folder, and is stopped (by its own process id) afterwards.
"""

from __future__ import annotations

import http.server
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

HOST = "127.0.0.1"


def oxigraph_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "oxigraph"
    return str(beside_python) if beside_python.exists() else shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen | None, grace: float) -> None:
    """Terminate a server (killed if it outlives ``grace`` seconds) and close its stderr."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    if process is not None and process.stderr:
        process.stderr.close()


class OxigraphServer:
    """One ``oxigraph serve`` process; ``url`` is its base URL."""

    def __init__(self, location: Path, union_default_graph: bool = True) -> None:
        self.location = location
        self.union_default_graph = union_default_graph
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = 20.0) -> OxigraphServer:
        binary = oxigraph_binary()
        if binary is None:
            raise RuntimeError("the oxigraph server binary is not installed (pip install oxigraph)")
        self.port = free_port()
        command = [
            binary,
            "serve",
            "--location",
            str(self.location),
            "--bind",
            f"{HOST}:{self.port}",
        ]
        if self.union_default_graph:
            command.append("--union-default-graph")
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"oxigraph serve exited: {err[:500]}")
            try:
                requests.get(self.url + "/query", params={"query": "ASK {}"}, timeout=1)
                return self
            except requests.RequestException:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("oxigraph serve did not start in time")

    def stop(self) -> None:
        stop_process(self.process, grace=10)

    def kill(self) -> None:
        """Stop at once, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@contextmanager
def oxigraph_server(location: Path, union_default_graph: bool = True) -> Iterator[OxigraphServer]:
    server = OxigraphServer(location, union_default_graph).start()
    try:
        yield server
    finally:
        server.stop()


Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


@contextmanager
def fake_server(respond: Handler) -> Iterator[tuple[str, list[dict]]]:
    """A local HTTP server answering every request with ``respond``; yields its base URL and
    the requests it saw (method, path, headers, body)."""
    seen: list[dict] = []

    class _Handler(http.server.BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            seen.append(
                {
                    "method": self.command,
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": body,
                }
            )
            respond(self)

        do_GET = do_POST = do_PUT = do_DELETE = _handle  # noqa: N815

        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

    server = http.server.ThreadingHTTPServer((HOST, 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def answer(status: int, body: bytes = b"", content_type: str = "text/plain") -> Handler:
    def respond(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return respond


def hang(seconds: float) -> Handler:
    """Accept the request, then say nothing for ``seconds``."""

    def respond(handler: http.server.BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)

    return respond
