"""HTTP exchanges with SPARQL servers: one deadline for the whole exchange, credentials
taken from the URL, redirects reported rather than followed.

``--endpoint http://user:secret@host:3030/ds/sparql`` sends ``user``/``secret`` as HTTP
Basic authentication and never shows the password: every message names the URL as
:func:`shown` writes it. *timeout* bounds the exchange as a whole, so a server that
answers a byte at a time cannot hold a command past it. Proxies named by the usual
environment variables (``http_proxy``, ``https_proxy``, ``no_proxy``) are used as
``urllib`` would use them.

>>> shown("http://alice:s3cret@127.0.0.1:7878/query")
'http://alice:***@127.0.0.1:7878/query'
"""

from __future__ import annotations

import base64
import http.client
import socket
import ssl
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass

from . import FengongError

__all__ = ["Answer", "TransportError", "TransportTimeout", "TransportUnreached", "exchange", "shown", "USER_AGENT"]

USER_AGENT = "fengong (SPARQL 1.1 Protocol client)"
_CHUNK = 1 << 16


class TransportError(FengongError):
    """The server could not be reached, or the exchange broke off."""


class TransportTimeout(TransportError):
    """The exchange did not finish within its time."""


class TransportUnreached(TransportError):
    """No connection could be opened: nothing of the request was sent."""


@dataclass
class Answer:
    """A server's answer: status, reason, headers and the whole body."""

    status: int
    reason: str
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name, default)

    def first_line(self, limit: int = 300) -> str:
        """The body's first non-empty line (a server's error message), cut to *limit*."""
        for line in self.body.decode("utf-8", "replace").splitlines():
            if line.strip():
                return line.strip()[:limit]
        return ""


def shown(url: str) -> str:
    """*url* as messages show it: a password in it replaced by ``***``."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    if ":" in (parts.hostname or ""):  # an IPv6 address keeps its brackets
        netloc = f"{parts.username}:***@[{parts.hostname}]" + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def _connection(parts: urllib.parse.SplitResult, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    """A connection for *parts* (through a proxy when the environment names one) and the
    request target to send on it."""
    host = parts.hostname or ""
    port = parts.port
    target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    proxy = urllib.request.getproxies().get(parts.scheme)
    if proxy and not urllib.request.proxy_bypass(host):
        p = urllib.parse.urlsplit(proxy if "://" in proxy else "http://" + proxy)
        if parts.scheme == "https":
            conn = http.client.HTTPSConnection(p.hostname, p.port or 8080, timeout=timeout, context=ssl.create_default_context())
            conn.set_tunnel(host, port or 443)
            return conn, target
        netloc = host if port is None else f"{host}:{port}"
        return http.client.HTTPConnection(p.hostname, p.port or 8080, timeout=timeout), f"http://{netloc}{target}"
    if parts.scheme == "https":
        return http.client.HTTPSConnection(host, port, timeout=timeout, context=ssl.create_default_context()), target
    return http.client.HTTPConnection(host, port, timeout=timeout), target


def exchange(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
             timeout: float = 300.0) -> Answer:
    """Send one request and read the whole answer within *timeout* seconds.

    Any status comes back as an :class:`Answer` (the caller knows what a 4xx means to it);
    :class:`TransportUnreached` when no connection opens (nothing was sent),
    :class:`TransportTimeout` when time runs out, :class:`TransportError` when the
    exchange breaks off.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TransportError(f"{shown(url)}: not an http(s) URL")
    if not timeout > 0 or timeout == float("inf"):
        raise TransportError(f"{shown(url)}: the time limit must be a positive number of seconds, not {timeout!r}")
    deadline = time.monotonic() + timeout
    sent = {"User-Agent": USER_AGENT, **(headers or {})}
    if parts.username is not None:
        user = urllib.parse.unquote(parts.username)
        password = urllib.parse.unquote(parts.password or "")
        sent["Authorization"] = "Basic " + base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")

    def left() -> float:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout
        return remaining

    conn, target = _connection(parts, timeout)
    try:
        conn.connect()
    except OSError as exc:
        conn.close()
        if isinstance(exc, (socket.timeout, TimeoutError)):
            raise TransportUnreached(f"{shown(url)}: cannot connect (no answer within {timeout:g} s)") from None
        raise TransportUnreached(f"{shown(url)}: cannot connect ({exc.strerror or exc})") from None
    try:
        conn.request(method, target, body=body, headers=sent)
        sock = conn.sock  # the response may take it from the connection (Connection: close)
        sock.settimeout(left())
        resp = conn.getresponse()
        chunks = []
        while True:
            sock.settimeout(left())
            chunk = resp.read1(_CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
        return Answer(resp.status, resp.reason, resp.headers, b"".join(chunks))
    except (socket.timeout, TimeoutError):
        raise TransportTimeout(f"{shown(url)}: no complete answer within {timeout:g} s") from None
    except (http.client.HTTPException, ssl.SSLError) as exc:
        raise TransportError(f"{shown(url)}: the exchange broke off ({type(exc).__name__}: {exc})") from None
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise TransportError(f"{shown(url)}: the exchange broke off ({reason})") from None
    finally:
        conn.close()
