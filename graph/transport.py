"""HTTP exchanges with SPARQL servers: one deadline for the whole exchange, credentials
taken from the URL, redirects reported rather than followed.

``--endpoint http://user:secret@host:3030/ds/sparql`` sends ``user``/``secret`` as HTTP
Basic authentication (Fuseki, GraphDB) or, when the server answers 401 with a Digest
challenge (Virtuoso's ``-auth`` endpoints), as Digest authentication (RFC 7616: MD5 or
SHA-256, ``qop=auth``), which that server is then sent from the start for the rest of the
process (the first request still carries Basic, readable on the way over plain http: use
https where that matters). The password is never shown: every message names the URL as
:func:`shown` writes it. *timeout* bounds the exchange as a whole, so a server that
answers a byte at a time cannot hold a command past it. Proxies named by the usual
environment variables (``http_proxy``, ``https_proxy``, ``no_proxy``) are used as
``urllib`` would use them.

>>> shown("http://alice:s3cret@127.0.0.1:7878/query")
'http://alice:***@127.0.0.1:7878/query'
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import re
import socket
import ssl
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass

from . import MAX_SECONDS, FengongError

__all__ = ["Answer", "TransportError", "TransportTimeout", "TransportUnreached", "exchange", "shown", "USER_AGENT", "MAX_SECONDS",
           "Digest", "challenges", "split_url"]

USER_AGENT = "fengong (SPARQL 1.1 Protocol client)"
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

    def offered(self) -> list[tuple[str, dict[str, str]]]:
        """The authentication challenges of its ``WWW-Authenticate`` headers (:func:`challenges`)."""
        return challenges(self.headers.get_all("WWW-Authenticate") or [])

    def refusal(self, url: str) -> str:
        """What a 401 means for *url*, to add to its message ("" for any other status).

        >>> Answer(401, "Unauthorized", http.client.HTTPMessage(), b"").refusal("http://h/q")
        '; the server asks for a user and password: give them in the URL (http://user:password@host/…)'
        """
        if self.status != 401:
            return ""
        if urllib.parse.urlsplit(url).username is None:
            return "; the server asks for a user and password: give them in the URL (http://user:password@host/…)"
        offered = self.offered()
        if offered and not any(s == "basic" or (s == "digest" and Digest(p).usable) for s, p in offered):
            names = ", ".join(dict.fromkeys(s.capitalize() for s, _ in offered))
            return f"; the server asks for authentication fengong cannot give ({names}): only Basic and Digest (MD5, SHA-256, qop=auth)"
        return "; the server refused the user and password in the URL"

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


def split_url(url: str) -> tuple[urllib.parse.SplitResult, int | None]:
    """*url* split, and its port; TransportError for what is not an http(s) URL.

    >>> parts, port = split_url("http://u:pw@[::1]:7878/query")
    >>> parts.hostname, port, parts.path
    ('::1', 7878, '/query')
    """
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


def _proxy(parts: urllib.parse.SplitResult) -> urllib.parse.SplitResult | None:
    """The proxy the environment names for *parts*, if any."""
    proxy = urllib.request.getproxies().get(parts.scheme)
    if not proxy or urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    return split_url(proxy if "://" in proxy else "http://" + proxy)[0]


def _target(parts: urllib.parse.SplitResult, port: int | None) -> str:
    """The request target sent for *parts*: its path and query, or the whole URL to an http proxy."""
    target = urllib.parse.quote(urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, "")), safe=_TARGET_SAFE)
    if parts.scheme == "http" and _proxy(parts) is not None:
        host = parts.hostname or ""
        name = f"[{host}]" if ":" in host else host  # an IPv6 address keeps its brackets
        return f"http://{name if port is None else f'{name}:{port}'}{target}"
    return target


def _connection(parts: urllib.parse.SplitResult, port: int | None, timeout: float) -> http.client.HTTPConnection:
    """A connection for *parts*, through a proxy when the environment names one."""
    host = parts.hostname or ""
    p = _proxy(parts)
    if p is not None:
        if parts.scheme == "https":
            conn = http.client.HTTPSConnection(p.hostname, p.port or 8080, timeout=timeout, context=ssl.create_default_context())
            conn.set_tunnel(host, port or 443)
            return conn
        return http.client.HTTPConnection(p.hostname, p.port or 8080, timeout=timeout)
    if parts.scheme == "https":
        return http.client.HTTPSConnection(host, port, timeout=timeout, context=ssl.create_default_context())
    return http.client.HTTPConnection(host, port, timeout=timeout)


_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_PARAM = re.compile(rf'\s*({_TOKEN})\s*=\s*(?:"((?:[^"\\]|\\.)*)"|({_TOKEN}))\s*(?:,|$)')
_SCHEME = re.compile(rf"[\s,]*({_TOKEN})(?=[\s,]|$)\s*")
_TOKEN68 = re.compile(r"[A-Za-z0-9._~+/-]+=*\s*(?:,|$)")
#: Digest algorithms by name (RFC 7616), strongest first.
_ALGORITHMS = {"SHA-256": hashlib.sha256, "MD5": hashlib.md5}


def challenges(values: list[str]) -> list[tuple[str, dict[str, str]]]:
    """The challenges of ``WWW-Authenticate`` header *values*: (scheme in lower case, parameters
    with lower-case names).

    >>> challenges(['Basic realm="a", Digest realm="b", nonce="n1", qop="auth,auth-int", algorithm=MD5'])
    [('basic', {'realm': 'a'}), ('digest', {'realm': 'b', 'nonce': 'n1', 'qop': 'auth,auth-int', 'algorithm': 'MD5'})]
    """
    out: list[tuple[str, dict[str, str]]] = []
    for value in values:
        pos = 0
        while pos < len(value):
            m = _SCHEME.match(value, pos)
            if m is None:
                break
            params: dict[str, str] = {}
            pos = m.end()
            while (p := _PARAM.match(value, pos)) is not None:
                quoted = p.group(2)
                params[p.group(1).lower()] = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else p.group(3)
                pos = p.end()
            if not params and (t := _TOKEN68.match(value, pos)) is not None:
                pos = t.end()  # Negotiate abc== : a token, not parameters
            out.append((m.group(1).lower(), params))
    return out


class Digest:
    """What a server's Digest challenge asks for, and the ``Authorization`` values that answer it
    (RFC 7616; ``qop=auth``, or the RFC 2069 form when the server names no qop).

    >>> d = Digest({"realm": "http-auth@example.org", "qop": "auth, auth-int", "algorithm": "MD5",
    ...             "nonce": "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "opaque": "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"})
    >>> 'response="8ca523f5e9506fed4657c9700eebdbec"' in d.authorization(
    ...     "Mufasa", "Circle of Life", "GET", "/dir/index.html", cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ")
    True
    """

    def __init__(self, params: dict[str, str]):
        self.realm = params.get("realm", "")
        self.nonce = params.get("nonce", "")
        self.opaque = params.get("opaque")
        self.algorithm = params.get("algorithm", "MD5")
        self._sess = self.algorithm.upper().endswith("-SESS")
        self.hash = self.algorithm.upper().removesuffix("-SESS")  # a key of _ALGORITHMS when usable
        qops = [q.strip().lower() for q in params.get("qop", "").split(",") if q.strip()]
        self.qop = "auth" if "auth" in qops else None
        self.usable = bool(self.nonce) and self.hash in _ALGORITHMS and (self.qop or not qops)
        self._count = 0
        self._lock = threading.Lock()

    def authorization(self, user: str, password: str, method: str, uri: str, cnonce: str | None = None) -> str:
        """The ``Authorization`` header value for one request (each one counts a use of the nonce)."""
        h = _ALGORITHMS[self.hash]

        def hex_(text: str) -> str:
            return h(text.encode("utf-8")).hexdigest()

        with self._lock:
            self._count += 1
            nc = f"{self._count:08x}"
        cnonce = cnonce or base64.b64encode(os.urandom(18)).decode("ascii")
        ha1 = hex_(f"{user}:{self.realm}:{password}")
        if self._sess:
            ha1 = hex_(f"{ha1}:{self.nonce}:{cnonce}")
        ha2 = hex_(f"{method}:{uri}")
        if self.qop:
            response = hex_(f"{ha1}:{self.nonce}:{nc}:{cnonce}:{self.qop}:{ha2}")
        else:
            response = hex_(f"{ha1}:{self.nonce}:{ha2}")

        def q(text: str) -> str:
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

        # A name outside ASCII goes as username* (RFC 7616 3.4.4), percent-encoded UTF-8.
        name = f"username={q(user)}" if user.isascii() else f"username*=UTF-8''{urllib.parse.quote(user, safe='')}"
        fields = [name, f"realm={q(self.realm)}", f"nonce={q(self.nonce)}", f"uri={q(uri)}",
                  f"algorithm={self.algorithm}", f"response={q(response)}"]
        if self.opaque is not None:
            fields.append(f"opaque={q(self.opaque)}")
        if self.qop:
            fields += [f"qop={self.qop}", f"nc={nc}", f"cnonce={q(cnonce)}"]
        return "Digest " + ", ".join(fields)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

#: The Digest challenge each server (scheme, host, port, user) last sent, for the rest of the process.
_DIGESTS: dict[tuple, Digest] = {}


def _digest_challenge(offered: list[tuple[str, dict[str, str]]]) -> Digest | None:
    """The strongest usable Digest challenge among the *offered* ones (:meth:`Answer.offered`), if any."""
    found = [d for d in (Digest(p) for scheme, p in offered if scheme == "digest") if d.usable]
    order = list(_ALGORITHMS)
    found.sort(key=lambda d: order.index(d.hash))
    return found[0] if found else None


def exchange(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
             timeout: float = 300.0) -> Answer:
    """Send one request and read the whole answer within *timeout* seconds.

    Any status comes back as an :class:`Answer` (the caller knows what a 4xx means to it);
    :class:`TransportUnreached` when no connection opens (nothing was sent),
    :class:`TransportTimeout` when time runs out, :class:`TransportError` when the
    exchange breaks off. With credentials in *url*, a 401 that brings a Digest challenge
    is answered once (within the same time limit); a 401 that names no scheme at all is
    first asked again without credentials, to bring one.
    """
    parts, port = split_url(url)
    if not 0 < timeout <= MAX_SECONDS:  # False for nan too
        raise TransportError(f"{shown(url)}: the time limit must be a positive number of seconds, not {timeout!r}")
    deadline = time.monotonic() + timeout
    sent = {"User-Agent": USER_AGENT, **(headers or {})}
    target = _target(parts, port)  # also the uri a Digest answer covers
    if parts.username is None:
        return _once(method, url, parts, port, target, body, sent, timeout, deadline)
    user = urllib.parse.unquote(parts.username)
    password = urllib.parse.unquote(parts.password or "")
    if _CONTROL.search(user + password):
        raise TransportError(f"{shown(url)}: the user or password in the URL holds a control character (a line break?)")
    key = (parts.scheme, (parts.hostname or "").lower(), port, user)
    basic = "Basic " + base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")
    digest = _DIGESTS.get(key)
    sent["Authorization"] = digest.authorization(user, password, method, target) if digest is not None else basic
    answer = _once(method, url, parts, port, target, body, sent, timeout, deadline)
    if answer.status != 401:
        return answer
    offered = answer.offered()
    if not offered and digest is None:
        # Virtuoso 7 answers Basic with a bare 401, naming no scheme: ask once without
        # credentials to be told which (a server that needs none just answers).
        del sent["Authorization"]
        answer = _once(method, url, parts, port, target, body, sent, timeout, deadline)
        if answer.status != 401:
            return answer
        offered = answer.offered()
    fresh = _digest_challenge(offered)
    if fresh is None and digest is not None and any(s == "basic" for s, _ in offered):
        # Another endpoint of a Digest server that takes Basic only.
        sent["Authorization"] = basic
        return _once(method, url, parts, port, target, body, sent, timeout, deadline)
    # Challenged again with the nonce just answered: the user or password is wrong.
    if fresh is None or (digest is not None and fresh.nonce == digest.nonce):
        return answer
    _DIGESTS[key] = fresh
    sent["Authorization"] = fresh.authorization(user, password, method, target)
    return _once(method, url, parts, port, target, body, sent, timeout, deadline)


def _once(method: str, url: str, parts: urllib.parse.SplitResult, port: int | None, target: str, body: bytes | None,
          sent: dict[str, str], timeout: float, deadline: float) -> Answer:
    """One request (to *target*, :func:`_target`) and its whole answer, by *deadline* (:func:`time.monotonic`)."""

    def left() -> float:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout
        return remaining

    try:
        first = left()
    except socket.timeout:
        raise TransportTimeout(f"{shown(url)}: no complete answer within {timeout:g} s") from None
    conn = _connection(parts, port, first)
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
        if isinstance(exc, ValueError):  # a header http.client will not write; its text may hold credentials
            raise TransportError(f"{shown(url)}: the request could not be written ({type(exc).__name__})") from None
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
