"""A trap server on 127.0.0.1: a raw TCP listener that records every connection made to it.

It sees connections from anything in the machine -- Python sockets, ``requests``, and the HTTP
client built into pyoxigraph, which the socket guard of ``conftest.py`` cannot see -- so a test
that points a hostile query at it and then finds it untouched proves no request left.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Trap:
    port: int
    hits: list[bytes] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"


@contextmanager
def trap_server() -> Iterator[Trap]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    trap = Trap(listener.getsockname()[1])
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(1)
                try:
                    trap.hits.append(conn.recv(4096) or b"(connected)")
                except OSError:
                    trap.hits.append(b"(connected)")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield trap
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=5)
