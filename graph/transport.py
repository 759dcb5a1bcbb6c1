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
import re
import socket
import ssl
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass

from . import FengongError

__all__ = ["Answer", "TransportError", "TransportTimeout", "TransportUnreached", "exchange", "shown", "USER_AGENT", "MAX_SECONDS"]

USER_AGENT = "fengong (SPARQL 1.1 Protocol client)"
#: The longest time limit there is: a week (timers overflow far above it).
MAX_SECONDS = 7 * 24 * 3600.0
_CHUNK = 1 << 16
_AUTHORITY = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*:)//(?P<netloc>[^/?#]*)")


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
        """The value of header *name*, or *default*."""
        return self.headers.get(name, default)

    def first_line(self, limit: int = 300) -> str:
        """The body's first non-empty line (a server's error message), cut to *limit*."""
        for line in self.body.decode("utf-8", "replace").splitlines():
            if line.strip():
                return line.strip()[:limit]
        return ""


def shown(url: str) -> str:
    """*url* as messages show it: the credentials in it (a password, or a lone user name,
    which may be a token) replaced by ``***``.

    >>> shown("http://tok3n@h/q"), shown("http://h:99999/q")
    ('http://***@h/q', 'http://h:99999/q')
    """
    m = _AUTHORITY.match(url)  # not urlsplit: it refuses some URLs this must still show
    if m is None or "@" not in m["netloc"]:
        return url
    user, _, host = m["netloc"].rpartition("@")
    masked = f"{user.split(':', 1)[0]}:***" if ":" in user else "***"
    return f"{m['scheme']}//{masked}@{host}{url[m.end():]}"


def _parts(url: str) -> tuple[urllib.parse.SplitResult, int | None]:
    """*url* split, and its port; TransportError for what is not an http(s) URL."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:  # a port out of range or not a number, a broken [IPv6] host
        raise TransportError(f"{shown(url)}: not a usable URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TransportError(f"{shown(url)}: not an http(s) URL")
    return parts, port


# Characters a request target may hold as they are; others (Chinese in a path …) are %-encoded.
_TARGET_SAFE = "!#$%&'()*+,/:;=?@[]~"


def _connection(parts: urllib.parse.SplitResult, port: int | None, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    """A connection for *parts* (through a proxy when the environment names one) and the
    request target to send on it."""
    host = parts.hostname or ""
    target = urllib.parse.quote(urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, "")), safe=_TARGET_SAFE)
    proxy = urllib.request.getproxies().get(parts.scheme)
    if proxy and not urllib.request.proxy_bypass(host):
        p, _ = _parts(proxy if "://" in proxy else "http://" + proxy)
        if parts.scheme == "https":
            conn = http.client.HTTPSConnection(p.hostname, p.port or 8080, timeout=timeout, context=ssl.create_default_context())
            conn.set_tunnel(host, port or 443)
            return conn, target
        name = f"[{host}]" if ":" in host else host  # an IPv6 address keeps its brackets
        netloc = name if port is None else f"{name}:{port}"
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
    parts, port = _parts(url)
    if not 0 < timeout <= MAX_SECONDS:  # False for nan too
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

    conn, target = _connection(parts, port, timeout)
    try:
        conn.connect()
    except OSError as exc:
        conn.close()
        if isinstance(exc, (socket.timeout, TimeoutError)):
            raise TransportUnreached(f"{shown(url)}: cannot connect (no answer within {timeout:g} s)") from None
        raise TransportUnreached(f"{shown(url)}: cannot connect ({exc.strerror or exc})") from None
    sock = conn.sock  # the response may take it from the connection (Connection: close)
    expired = threading.Event()

    def expire() -> None:
        # A socket time-out bounds each read, not their sum: a server sending its headers
        # a line at a time is cut off here when the whole time is up.
        expired.set()
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    watchdog = threading.Timer(left(), expire)
    watchdog.daemon = True
    watchdog.start()
    resp = None
    try:
        conn.request(method, target, body=body, headers=sent)
        sock.settimeout(left())
        resp = conn.getresponse()
        chunks = []
        while True:
            sock.settimeout(left())
            chunk = resp.read1(_CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
        if expired.is_set():  # the shutdown may read as a clean end of the body
            raise socket.timeout
        return Answer(resp.status, resp.reason, resp.headers, b"".join(chunks))
    except Exception as exc:
        if expired.is_set() or isinstance(exc, (socket.timeout, TimeoutError)):
            raise TransportTimeout(f"{shown(url)}: no complete answer within {timeout:g} s") from None
        if isinstance(exc, (http.client.HTTPException, ssl.SSLError)):
            raise TransportError(f"{shown(url)}: the exchange broke off ({type(exc).__name__}: {exc})") from None
        if isinstance(exc, OSError):
            reason = exc.strerror or str(exc) or type(exc).__name__
            raise TransportError(f"{shown(url)}: the exchange broke off ({reason})") from None
        raise
    finally:
        watchdog.cancel()
        if resp is not None:
            resp.close()
        conn.close()
