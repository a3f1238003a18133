"""One HTTP policy for every request the remote store sends (SPARQL protocol and Graph Store).

- **A deadline on the whole request** -- connecting, sending, waiting and reading -- not on each
  read: a server that drips one byte a second cannot keep a ``--timeout 3`` waiting. A
  watchdog shuts the socket down when the deadline passes, which wakes the blocked read.
- **A cap on the answer** (``CMLOPS_KG_MAX_RESPONSE_MB``): a declared length over the cap is
  refused before reading, an undeclared one stops at the cap.
- **Proxies only when named** (``CMLOPS_KG_ENDPOINT_PROXY``): ``HTTP_PROXY``/``HTTPS_PROXY``
  and ``.netrc`` are ignored, so credentials never reach a proxy the user did not choose. An
  https endpoint is reached through a named proxy by a CONNECT tunnel (the proxy sees no
  header); a plain-http endpoint through it sends its headers to the proxy, as HTTP must.
- **No redirects followed**: a redirect is reported with its target, so credentials are never
  replayed to another host.
- **Digest authentication** (RFC 7616: MD5 or SHA-256, ``qop=auth``), as Virtuoso's
  authenticated endpoints want: a 401 with a Digest challenge is answered once, within the
  same deadline; the password itself is never sent.

Built on :mod:`http.client` rather than ``requests``/``urllib``: neither exposes the socket
before the response headers arrive, and a whole-request deadline needs it.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import re
import secrets
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

CHUNK = 64 * 1024


class HttpError(Exception):
    """The request did not complete; ``kind`` is ``deadline``, ``too-large``, ``redirect``
    or ``unreachable``; ``detail`` says more (never a credential)."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str]  # names lower-cased
    body: bytes

    def text(self, limit: int = 500) -> str:
        return self.body[:limit].decode("utf-8", "replace")


@dataclass(frozen=True)
class HttpPolicy:
    """How every request to one endpoint is sent."""

    deadline: float
    max_bytes: int
    proxy: str | None = field(default=None)

    def send(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        digest: tuple[str, str] | None = None,
    ) -> HttpResponse:
        """Send one request; the answer whatever its status (the caller judges it), or
        :class:`HttpError` when none came within the deadline and the size cap. With
        ``digest`` (user, password), a Digest challenge is answered once."""
        started = time.monotonic()
        response = self._send_once(method, url, body, headers, self.deadline)
        challenge = response.headers.get("www-authenticate", "")
        if digest and response.status == 401 and challenge.lower().startswith("digest"):
            remaining = self.deadline - (time.monotonic() - started)
            if remaining <= 0:
                raise HttpError("deadline", f"{time.monotonic() - started:.1f} s")
            target = _request_target(url)
            answer = digest_authorization(challenge, method, target, *digest)
            headers = {**(headers or {}), "Authorization": answer}
            response = self._send_once(method, url, body, headers, remaining)
        return response

    def _send_once(
        self,
        method: str,
        url: str,
        body: bytes | None,
        headers: Mapping[str, str] | None,
        deadline: float,
    ) -> HttpResponse:
        started = time.monotonic()
        conn, target = self._connection(url, deadline)
        aborted = threading.Event()
        watchdog = threading.Timer(deadline, _abort, (conn, aborted))
        watchdog.daemon = True
        watchdog.start()
        try:
            conn.request(method, target, body=body, headers=dict(headers or {}))
            response = conn.getresponse()
            data = self._read(response)
            if aborted.is_set():  # a body read "until close" ends quietly when shut down
                raise HttpError("deadline", f"{time.monotonic() - started:.1f} s")
            return HttpResponse(
                response.status, {k.lower(): v for k, v in response.getheaders()}, data
            )
        except HttpError:
            raise
        except TimeoutError:
            raise HttpError("deadline", f"{time.monotonic() - started:.1f} s") from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            if aborted.is_set():
                raise HttpError("deadline", f"{time.monotonic() - started:.1f} s") from None
            raise HttpError("unreachable", _reason(exc)) from None
        finally:
            watchdog.cancel()
            conn.close()

    def _connection(self, url: str, deadline: float) -> tuple[http.client.HTTPConnection, str]:
        parts = urlsplit(url)
        secure = parts.scheme == "https"
        host, port = parts.hostname or "", parts.port or (443 if secure else 80)
        path = _request_target(url)
        # the socket timeout bounds a silent server; the watchdog bounds a slow one
        timeout = deadline
        if self.proxy:
            proxy = urlsplit(self.proxy)
            proxy_host, proxy_port = proxy.hostname or "", proxy.port or 8080
            if secure:
                conn = http.client.HTTPSConnection(
                    proxy_host, proxy_port, timeout=timeout, context=ssl.create_default_context()
                )
                conn.set_tunnel(host, port)
                return conn, path
            conn = http.client.HTTPConnection(proxy_host, proxy_port, timeout=timeout)
            return conn, url.split("#", 1)[0]  # a proxy is sent the absolute URL
        if secure:
            context = ssl.create_default_context()
            return http.client.HTTPSConnection(host, port, timeout=timeout, context=context), path
        return http.client.HTTPConnection(host, port, timeout=timeout), path

    def _read(self, response: http.client.HTTPResponse) -> bytes:
        if 300 <= response.status < 400 and response.status != 304:
            location = response.getheader("Location") or "another address"
            raise HttpError("redirect", f"HTTP {response.status} to {location}")
        declared = response.getheader("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise HttpError("too-large", f"{int(declared):,} bytes declared")
        chunks, size = [], 0
        while True:
            chunk = response.read(CHUNK)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self.max_bytes:
                raise HttpError("too-large", f"more than {self.max_bytes:,} bytes")
            chunks.append(chunk)


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + ("?" + parts.query if parts.query else "")


_PARAM = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')
_HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


def digest_authorization(challenge: str, method: str, uri: str, user: str, password: str) -> str:
    """The Authorization header answering a Digest ``WWW-Authenticate`` challenge."""
    params = {
        m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
        for m in _PARAM.finditer(challenge.split(None, 1)[1] if " " in challenge else "")
    }
    algorithm = (params.get("algorithm") or "MD5").upper()
    session = algorithm.endswith("-SESS")
    hash_name = algorithm.removesuffix("-SESS")
    if hash_name not in _HASHES:
        raise HttpError("unreachable", f"the server asks for Digest {algorithm}, not supported")

    def h(text: str) -> str:
        return _HASHES[hash_name](text.encode("utf-8")).hexdigest()

    realm, nonce = params.get("realm", ""), params.get("nonce", "")
    cnonce, count = secrets.token_hex(8), "00000001"
    ha1 = h(f"{user}:{realm}:{password}")
    if session:
        ha1 = h(f"{ha1}:{nonce}:{cnonce}")
    ha2 = h(f"{method}:{uri}")
    qops = [q.strip() for q in (params.get("qop") or "").split(",") if q.strip()]
    fields = [
        f'username="{user}"',
        f'realm="{realm}"',
        f'nonce="{nonce}"',
        f'uri="{uri}"',
        f"algorithm={algorithm}",
    ]
    if "auth" in qops:
        response = h(f"{ha1}:{nonce}:{count}:{cnonce}:auth:{ha2}")
        fields += ["qop=auth", f"nc={count}", f'cnonce="{cnonce}"']
    else:
        response = h(f"{ha1}:{nonce}:{ha2}")
    fields.append(f'response="{response}"')
    if "opaque" in params:
        fields.append(f'opaque="{params["opaque"]}"')
    return "Digest " + ", ".join(fields)


def _abort(conn: http.client.HTTPConnection, aborted: threading.Event) -> None:
    """At the deadline: shut the socket so the thread blocked reading it wakes up."""
    aborted.set()
    sock = conn.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "unknown host"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {exc.reason or exc.__class__.__name__}"
    return exc.__class__.__name__
