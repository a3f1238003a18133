"""The test harness itself: outbound connections fail unless they target this machine."""

from __future__ import annotations

import socket
import threading

import pytest
from conftest import NetworkAccessError


def test_outbound_connection_is_refused():
    with pytest.raises(NetworkAccessError), socket.socket() as sock:
        sock.connect(("93.184.216.34", 80))


def test_dns_lookup_is_refused():
    with pytest.raises(NetworkAccessError):
        socket.getaddrinfo("example.org", 443)


def test_loopback_is_allowed():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    accepted = threading.Thread(target=lambda: server.accept()[0].close())
    accepted.start()
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass
    accepted.join(timeout=5)
    server.close()


def test_urllib_to_the_internet_is_refused():
    import urllib.request

    with pytest.raises((NetworkAccessError, OSError)) as err:
        urllib.request.urlopen("http://example.org/", timeout=2)
    assert "network" in str(err.value) or isinstance(err.value, NetworkAccessError)
