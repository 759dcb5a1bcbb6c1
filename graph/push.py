"""Upload a built graph to a SPARQL server with the Graph Store Protocol, all or nothing.

Each plan's named graph and the shared graph (actors, places) go up under
their own names; with ``into=IRI`` every triple goes into that one graph.
``replace`` replaces the remote graphs (like GSP ``PUT``); without it the
triples are added (like ``POST``).

A push never leaves a half-updated server. Every graph is first uploaded
with ``PUT`` to a fresh staging graph (``urn:fengong:staging:<token>:<n>``);
only when all uploads have succeeded does one SPARQL Update request move the
staged graphs onto their targets (``MOVE`` to replace, ``ADD`` + ``DROP`` to
add). Oxigraph and Fuseki run one update request as one transaction, so the
targets change together or not at all; if anything fails, the staged graphs
are deleted and the targets are as they were. (A plain ``PUT`` is atomic for
one graph on Oxigraph, but a push of many graphs would be left half done by a
failure in the middle.)

Adding (no ``replace``) a graph that holds blank nodes a second time adds them
again: a blank node is new on every upload. Use ``replace`` to update.

Where the protocol endpoints are, from the URL given with ``--endpoint``:

======================================  ==============================  =========================
``--endpoint``                          Graph Store (``--gsp``)          Update (``--update``)
======================================  ==============================  =========================
Oxigraph ``http://host:7878/query``     ``http://host:7878/store``       ``http://host:7878/update``
Fuseki ``http://host:3030/ds/sparql``   ``http://host:3030/ds/data``     ``http://host:3030/ds/update``
======================================  ==============================  =========================

>>> e = endpoints("http://127.0.0.1:7878/query")
>>> (e.gsp, e.update)
('http://127.0.0.1:7878/store', 'http://127.0.0.1:7878/update')
>>> endpoints("http://localhost:3030/ds/sparql").gsp
'http://localhost:3030/ds/data'
"""

from __future__ import annotations

import io
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from . import FengongError
from .remote import USER_AGENT
from .vocab import PREFIXES

__all__ = ["Endpoints", "endpoints", "push", "PushResult", "local_graphs", "STAGING_PREFIX", "UPLOAD_FORMATS"]

#: Staging graphs are named under this prefix (plus a random token), never under a real graph's name.
STAGING_PREFIX = "urn:fengong:staging:"
#: Upload formats: name → (pyoxigraph format, Content-Type).
UPLOAD_FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle; charset=utf-8"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
}
#: Query endpoint paths that Oxigraph server and Fuseki use.
_QUERY_NAMES = ("query", "sparql")


@dataclass(frozen=True)
class Endpoints:
    """The three protocol endpoints of one server."""

    query: str
    gsp: str
    update: str


def endpoints(url: str, gsp: str | None = None, update: str | None = None) -> Endpoints:
    """Derive the Graph Store and Update endpoints from a query endpoint (or server) URL.

    A query endpoint at the root (``/query``, ``/sparql``) is Oxigraph's layout:
    ``/store`` and ``/update``. One below a dataset (``/ds/sparql``, ``/ds/query``,
    ``/ds``) is Fuseki's: ``/ds/data`` and ``/ds/update``.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FengongError(f"{url}: not an http(s) endpoint URL")
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[-1] in _QUERY_NAMES:
        segments = segments[:-1]
    base = "/".join(segments)
    if base:  # Fuseki: /<dataset>/…
        names = ("data", "update")
    else:  # Oxigraph: /store, /update at the root
        names = ("store", "update")

    def at(name: str) -> str:
        path = "/" + "/".join([*segments, name])
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))

    query = url if parts.path.strip("/") else at("query")
    return Endpoints(query, gsp or at(names[0]), update or at(names[1]))


@dataclass
class PushResult:
    """What a push did."""

    graphs: list[str] = field(default_factory=list)  # target graph names ("" = the default graph)
    triples: int = 0
    bytes: int = 0
    seconds: float = 0.0


def local_graphs(path: str | Path | None) -> ox.Store:
    """The dataset to push: a graph file (TriG/N-Quads keep named graphs), else out/plan.trig, else the bundled plan."""
    from .store import OxigraphStore

    st = OxigraphStore()
    if path is None and Path("out/plan.trig").is_file():
        path = "out/plan.trig"
    if path is None:
        from .build import bundled_dataset

        st.load_bytes(bundled_dataset(), "nq")
    else:
        if not Path(path).is_file():
            raise FengongError(f"{path}: no such graph file")
        st.load_file(path)
    return st.ox


def _graph_bodies(store: ox.Store, into: str | None, fmt: str):
    """(target graph name or "" for the default graph, triple count, serialised bytes) per graph."""
    rdf, _ = UPLOAD_FORMATS[fmt]
    prefixes = dict(PREFIXES) if fmt == "turtle" else None
    if into:
        triples = list(store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True))
        triples += list(ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        buf = io.BytesIO()
        ox.serialize(sorted(set(triples), key=str), buf, rdf, prefixes=prefixes)
        yield into, len(set(triples)), buf.getvalue()
        return
    names = sorted(g.value for g in store.named_graphs())
    default = list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    if default:
        buf = io.BytesIO()
        ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in default], buf, rdf, prefixes=prefixes)
        yield "", len(default), buf.getvalue()
    for name in names:
        buf = io.BytesIO()
        store.dump(buf, rdf, from_graph=ox.NamedNode(name), prefixes=prefixes)
        count = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(name)))
        yield name, count, buf.getvalue()


def _request(method: str, url: str, body: bytes | None = None, content_type: str | None = None, timeout: float = 300.0) -> None:
    headers = {"User-Agent": USER_AGENT}
    if content_type:
        headers["Content-Type"] = content_type
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            resp.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip().splitlines()
        message = f" ({detail[0][:200]})" if detail else ""
        raise FengongError(f"{method} {url}: HTTP {exc.code} {exc.reason}{message}") from None
    except urllib.error.URLError as exc:
        reason = getattr(exc.reason, "strerror", None) or exc.reason
        raise FengongError(f"{url}: cannot connect ({reason})") from None
    except (TimeoutError, OSError) as exc:
        raise FengongError(f"{url}: connection failed ({getattr(exc, 'strerror', None) or exc})") from None


def _graph_param(url: str, graph: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}graph={urllib.parse.quote(graph, safe='')}"


def _target(name: str) -> str:
    return "DEFAULT" if name == "" else f"GRAPH {ox.NamedNode(name)}"


def push(
    endpoint: str,
    graph_file: str | Path | None = None,
    into: str | None = None,
    replace: bool = False,
    gsp: str | None = None,
    update: str | None = None,
    fmt: str = "turtle",
    progress: Callable[[int, int, str], None] | None = None,
    timeout: float = 300.0,
) -> PushResult:
    """Push the dataset of *graph_file* to the server of *endpoint*, all graphs or none."""
    if fmt not in UPLOAD_FORMATS:
        raise FengongError(f"unknown upload format {fmt!r} (use {', '.join(UPLOAD_FORMATS)})")
    if into is not None:
        try:
            ox.NamedNode(into)
        except ValueError:
            raise FengongError(f"{into}: not an absolute IRI for --graph") from None
    ends = endpoints(endpoint, gsp, update)
    started = time.monotonic()
    store = local_graphs(graph_file)
    bodies = list(_graph_bodies(store, into, fmt))
    if not bodies:
        raise FengongError(f"{graph_file or 'the graph'}: nothing to push (no triples)")
    _, content_type = UPLOAD_FORMATS[fmt]
    token = uuid.uuid4().hex
    staged: list[tuple[str, str]] = []  # (staging IRI, target name)
    result = PushResult()
    try:
        for n, (name, count, data) in enumerate(bodies, start=1):
            staging = f"{STAGING_PREFIX}{token}:{n}"
            staged.append((staging, name))
            _request("PUT", _graph_param(ends.gsp, staging), data, content_type, timeout)
            result.graphs.append(name)
            result.triples += count
            result.bytes += len(data)
            if progress:
                progress(n, len(bodies), name or "(default graph)")
        ops = []
        for staging, name in staged:
            source = f"GRAPH {ox.NamedNode(staging)}"
            if replace:
                ops.append(f"MOVE {source} TO {_target(name)}")
            else:
                ops += [f"ADD {source} TO {_target(name)}", f"DROP GRAPH {ox.NamedNode(staging)}"]
        form = urllib.parse.urlencode({"update": " ;\n".join(ops)}).encode("utf-8")
        _request("POST", ends.update, form, "application/x-www-form-urlencoded; charset=utf-8", timeout)
        staged = []  # moved onto their targets: nothing left to clean up
    except BaseException as exc:
        _cleanup(ends, staged, timeout)
        if isinstance(exc, FengongError):
            raise FengongError(f"push failed, the server's graphs are unchanged: {exc}") from None
        raise
    result.seconds = time.monotonic() - started
    return result


def _cleanup(ends: Endpoints, staged: list[tuple[str, str]], timeout: float) -> None:
    """Delete staging graphs after a failure (best effort: the server may be gone)."""
    for staging, _ in staged:
        try:
            _request("DELETE", _graph_param(ends.gsp, staging), timeout=min(timeout, 10.0))
        except FengongError:
            pass
