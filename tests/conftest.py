"""Shared fixtures: the real ontology store, and a mini catalogue for pinning semantics."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

import pytest

from cmlops_kg.assessment.engine import Assessor
from cmlops_kg.resources import EXAMPLES_DIR, ONTOLOGY_DIR
from cmlops_kg.store.embedded import EmbeddedStore

FIXTURES = Path(__file__).parent / "fixtures"
MINI_MODULES = ["cmlops.ttl", "core.ttl", "sources.ttl", "external-models.ttl", "metrics.ttl"]


@pytest.fixture(scope="session")
def ontology_store() -> EmbeddedStore:
    store = EmbeddedStore()
    store.load_ontology()
    return store


@pytest.fixture
def mini_assessor() -> Assessor:
    """An assessor over the core modules plus tests/fixtures/mini_catalogue.ttl only."""
    store = EmbeddedStore()
    files = [ONTOLOGY_DIR / m for m in MINI_MODULES if (ONTOLOGY_DIR / m).exists()]
    store.load_ontology([*files, FIXTURES / "mini_catalogue.ttl"])
    return Assessor(store)


def example_profiles() -> list[Path]:
    return sorted(p for p in (EXAMPLES_DIR / "profiles").glob("*.ttl"))


def invalid_profiles() -> list[Path]:
    return sorted(p for p in (EXAMPLES_DIR / "invalid").glob("*.ttl"))


# --- No network surprises -----------------------------------------------------------------------
# Every test runs with outbound connections refused unless they go to this machine (127.0.0.0/8,
# ::1) or a Unix socket: a test that tries to reach anything else fails loudly, so no code path
# can fetch from the network behind the user's back (remote JSON-LD contexts, owl:imports, ...).


class NetworkAccessError(AssertionError):
    """Raised when code under test opens a connection to a non-loopback address."""


def _is_loopback(address: object) -> bool:
    if not isinstance(address, tuple) or not address:
        return True  # AF_UNIX paths and other local families
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name that would need DNS


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _guarded_connect(self: socket.socket, address: object) -> object:
    if not _is_loopback(address):
        raise NetworkAccessError(f"test tried to open a network connection to {address!r}")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> object:
    if not _is_loopback(address):
        raise NetworkAccessError(f"test tried to open a network connection to {address!r}")
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
    if host not in (None, "localhost") and not _is_loopback((host,)):
        raise NetworkAccessError(f"test tried to resolve the host name {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def _no_outbound_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)


# --- Skipped browser tests are said loudly ------------------------------------------------------
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = [
        r for r in terminalreporter.stats.get("skipped", []) if "test_app_browser" in r.nodeid
    ]
    if not skipped:
        return
    reason = skipped[0].longrepr[-1] if isinstance(skipped[0].longrepr, tuple) else ""
    banner = "!" * 78
    terminalreporter.write_line(banner, red=True, bold=True)
    terminalreporter.write_line(
        f"BROWSER TESTS WERE SKIPPED ({len(skipped)}): the explorer was NOT checked in a real "
        "browser.",
        red=True,
        bold=True,
    )
    terminalreporter.write_line(f"  {reason}", red=True)
    terminalreporter.write_line(
        "  Install Debian's chromium (apt-get install chromium) and run the tests again.", red=True
    )
    terminalreporter.write_line(banner, red=True, bold=True)
