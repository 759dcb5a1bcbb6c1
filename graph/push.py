"""Upload a built graph to a SPARQL server with the Graph Store Protocol, all or nothing.

Each plan's named graph, the shared graph of agencies and places and fengong's
ontology graph go up under their own names, each in its own way:

* a plan's graph is added to (like GSP ``POST``), or with ``replace`` replaced
  (like ``PUT``) by the version pushed; plans not pushed are left alone;
* the shared graph is always merged with the server's (a union): its statements
  are about stable IRIs, so every plan left on the server, pushed now or
  before, keeps the agencies and places it names;
* the ontology graph is fengong's own fixed content and is always replaced, so
  repeated pushes leave the same ontology graph (adding it would add its blank
  nodes again each time: a blank node is new on every upload).

With ``into=IRI`` every triple goes into that one graph, which ``replace``
replaces and otherwise is added to. Adding a graph that holds blank nodes
(a file of your own, or ``into``) a second time adds them again; use
``replace`` to update it.

A push never leaves a half-updated server. Every graph is first uploaded
with ``PUT`` to a fresh staging graph (``urn:fengong:staging:<token>:<n>``);
only when all uploads have succeeded does one SPARQL Update request move the
staged graphs onto their targets (``MOVE`` to replace, ``ADD`` + ``DROP`` to
add). Oxigraph, Fuseki and GraphDB run one update request as one transaction,
so the targets change together or not at all; if anything fails before the
update is sent, or the server answers it with an error, the staged graphs are
deleted and the targets are as they were. Virtuoso 7 carries out an update's
operations one by one: when it answers the update with a server error, the
message says the push may be partly applied. If the update was sent but its
answer was lost (a time-out, a reset, Ctrl-C), the server may have applied it:
the error says so and names the endpoint to check. After the update, one query
asks how many statements each target graph holds; fewer than were pushed (a
web page that answers 200 to anything, an update endpoint of another server)
fails the push.

Where the protocol endpoints are, from the URL given with ``--endpoint`` (the
query endpoint; a server's root means Oxigraph's ``/query``):

===========================================  =======================================  ===============================
``--endpoint``                               Graph Store (``--gsp``)                  Update (``--update``)
===========================================  =======================================  ===============================
Oxigraph ``http://host:7878/query``          ``http://host:7878/store``               ``http://host:7878/update``
Fuseki ``http://host:3030/ds/sparql``        ``http://host:3030/ds/data``             ``http://host:3030/ds/update``
GraphDB ``http://host:7200/repositories/R``  ``…/repositories/R/rdf-graphs/service``  ``…/repositories/R/statements``
Virtuoso ``http://host:8890/sparql``         ``http://host:8890/sparql-graph-crud``   ``http://host:8890/sparql``
===========================================  =======================================  ===============================

Virtuoso with credentials in the URL (``http://user:pw@host:8890/sparql``)
uploads to ``/sparql-graph-crud-auth``; ``/sparql-auth`` as the endpoint uses
``/sparql-auth`` for updates too. Oxigraph answers queries at ``/sparql`` as
well, but give it as ``/query``: ``/sparql`` at the root reads as Virtuoso's.

>>> e = endpoints("http://127.0.0.1:7878/query")
>>> (e.gsp, e.update)
('http://127.0.0.1:7878/store', 'http://127.0.0.1:7878/update')
>>> endpoints("http://localhost:3030/ds/sparql").gsp
'http://localhost:3030/ds/data'
>>> e = endpoints("http://db:7200/repositories/plans")
>>> (e.gsp, e.update)
('http://db:7200/repositories/plans/rdf-graphs/service', 'http://db:7200/repositories/plans/statements')
>>> e = endpoints("http://db:8890/sparql")
>>> (e.gsp, e.update)
('http://db:8890/sparql-graph-crud', 'http://db:8890/sparql')
>>> endpoints("http://dba:pw@db:8890/sparql").gsp
'http://dba:pw@db:8890/sparql-graph-crud-auth'
>>> plan = "https://w3id.org/fengong/id/plan/gzbf-2014-94"
>>> [action(g, replace=True) for g in (plan, SHARED_GRAPH.value, ONTOLOGY_GRAPH.value)]
['replace', 'add', 'replace']
>>> [action(g, replace=False) for g in (plan, SHARED_GRAPH.value, ONTOLOGY_GRAPH.value)]
['add', 'add', 'replace']
"""

from __future__ import annotations

import io
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from . import FengongError
from .model import ONTOLOGY_GRAPH, SHARED_GRAPH
from .transport import MAX_SECONDS, TransportError, TransportUnreached, exchange, shown, split_url
from .vocab import PREFIXES

__all__ = ["Endpoints", "endpoints", "push", "action", "PushResult", "PushInterrupted", "local_graphs",
           "STAGING_PREFIX", "UPLOAD_FORMATS", "MERGED_GRAPHS", "OWN_GRAPHS"]

#: Staging graphs are named under this prefix (plus a random token), never under a real graph's name.
STAGING_PREFIX = "urn:fengong:staging:"
#: Upload formats: name → (pyoxigraph format, Content-Type).
UPLOAD_FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle; charset=utf-8"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
}
#: Graphs every plan shares (agencies, places): always merged with the server's, never replaced.
MERGED_GRAPHS = frozenset({SHARED_GRAPH.value})
#: fengong's own fixed graphs (the ontology): always replaced, never added to.
OWN_GRAPHS = frozenset({ONTOLOGY_GRAPH.value})
#: Query endpoint paths: Fuseki's below a dataset, Oxigraph's ``/query`` at the root.
_QUERY_NAMES = ("query", "sparql")
#: Virtuoso's query endpoints at the server's root (``-auth``: with HTTP authentication).
_VIRTUOSO = ("sparql", "sparql-auth")
_FORM = "application/x-www-form-urlencoded; charset=utf-8"


@dataclass(frozen=True)
class Endpoints:
    """The three protocol endpoints of one server."""

    query: str
    gsp: str
    update: str


def endpoints(url: str, gsp: str | None = None, update: str | None = None) -> Endpoints:
    """Derive the Graph Store and Update endpoints from a query endpoint (or server) URL.

    ``/repositories/<repo>`` is GraphDB's (and RDF4J's) layout: ``…/rdf-graphs/service`` and
    ``…/statements``. ``/sparql`` at the root is Virtuoso's: ``/sparql-graph-crud`` (``-auth``
    with credentials) and updates at the query endpoint itself. ``/query`` at the root, or
    the root itself, is Oxigraph's: ``/store`` and ``/update``. One below a dataset
    (``/ds/sparql``, ``/ds/query``, ``/ds``) is Fuseki's: ``/ds/data`` and ``/ds/update``.
    """
    parts, _ = split_url(url)
    segments = [s for s in parts.path.split("/") if s]

    def at(*path: str) -> str:
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + "/".join(path), "", ""))

    # The query URL as given, less a trailing "/" (Oxigraph answers /query, not /query/);
    # a server's root means its /query.
    query = urllib.parse.urlunsplit(parts._replace(path=parts.path.rstrip("/"))) if segments else at("query")
    if len(segments) >= 2 and segments[-2] == "repositories":  # GraphDB, RDF4J
        derived = (at(*segments, "rdf-graphs", "service"), at(*segments, "statements"))
    elif len(segments) == 1 and segments[0] in _VIRTUOSO:
        auth = parts.username is not None or segments[0] == "sparql-auth"
        derived = (at("sparql-graph-crud-auth" if auth else "sparql-graph-crud"), at(*segments))
    else:
        if segments and segments[-1] in _QUERY_NAMES:
            segments = segments[:-1]
        if segments:  # Fuseki: /<dataset>/…
            derived = (at(*segments, "data"), at(*segments, "update"))
        else:  # Oxigraph: /store, /update at the root
            derived = (at("store"), at("update"))
    return Endpoints(query, gsp or derived[0], update or derived[1])


def action(name: str, replace: bool, into: str | None = None) -> str:
    """What a push does to the target graph *name*: ``"replace"`` it or ``"add"`` to it."""
    if into is not None:
        return "replace" if replace else "add"
    if name in OWN_GRAPHS:
        return "replace"
    if name in MERGED_GRAPHS:
        return "add"
    return "replace" if replace else "add"


@dataclass
class PushResult:
    """What a push did."""

    graphs: list[str] = field(default_factory=list)  # target graph names ("" = the default graph)
    triples: int = 0
    bytes: int = 0
    seconds: float = 0.0
    replaced: list[str] = field(default_factory=list)  # the targets replaced; the others were added to


class PushInterrupted(KeyboardInterrupt):
    """Ctrl-C during a push; the message says what state the server was left in."""


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


class _NoAnswer(FengongError):
    """A request went out (or may have) and no complete answer came back."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


class _Refused(FengongError):
    """The server answered a request with an error status."""

    def __init__(self, message: str, status: int, server: str = ""):
        super().__init__(message)
        self.status = status
        self.server = server  # the answer's Server header


def _label(name: str) -> str:
    """A graph as messages name it."""
    return "the default graph" if name == "" else f"<{name}>"


def _reason(message: str, url: str) -> str:
    """A message of transport or RemoteStore less its leading URL, and never with the URL's query
    string (which may name a staging graph)."""
    lead = f"{shown(url)}: "
    return message[len(lead):] if message.startswith(lead) else message.replace(shown(url), shown(url.split("?", 1)[0]))


def _request(method: str, url: str, body: bytes | None, content_type: str | None, timeout: float,
             where: str, step: str) -> None:
    """One protocol request. A failure names *where* (the URL the user gave), the *step* and the
    protocol endpoint, never *url* itself, whose query string may name a staging graph."""
    base = shown(url.split("?", 1)[0])
    what = f"{where}: {step}" + ("" if base == where else f" ({method} {base})")
    headers = {"Content-Type": content_type} if content_type else {}
    try:
        answer = exchange(method, url, body, headers, timeout)
    except TransportUnreached as exc:  # nothing was sent
        raise FengongError(f"{what}: {_reason(str(exc), url)}") from None
    except TransportError as exc:
        reason = _reason(str(exc), url)
        raise _NoAnswer(f"{what}: {reason}", reason) from None
    if answer.status >= 300:
        detail = answer.first_line(200)
        moved = answer.header("Location") if answer.status < 400 else ""
        raise _Refused(f"{what}: HTTP {answer.status} {answer.reason}"
                       + (f" ({detail})" if detail and not moved else "") + (f": moved to {shown(moved)}" if moved else "")
                       + answer.refusal(url), answer.status, answer.header("Server"))


def _hint(exc: FengongError, derived: bool, option: str) -> str:
    """A hint for an endpoint that is not there (404, 405) when fengong worked its URL out."""
    if derived and isinstance(exc, _Refused) and exc.status in (404, 405):
        return f"; this endpoint was derived from --endpoint: give the server's own with {option}"
    return ""


def _graph_param(url: str, graph: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}graph={urllib.parse.quote(graph, safe='')}"


def _target(name: str) -> str:
    return "DEFAULT" if name == "" else f"GRAPH {ox.NamedNode(name)}"


def _moves(staged: list[tuple[str, str, str]]) -> str:
    """The one update that puts every staged graph onto its target."""
    ops = []
    for staging, name, how in staged:
        source = f"GRAPH {ox.NamedNode(staging)}"
        if how == "replace":
            ops.append(f"MOVE {source} TO {_target(name)}")
        else:
            # SILENT: Virtuoso refuses to DROP a graph made by a Graph Store PUT ("has not been
            # explicitly created"); the staging graph is there either way.
            ops += [f"ADD {source} TO {_target(name)}", f"DROP SILENT {source}"]
    return " ;\n".join(ops)


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
    """Push the dataset of *graph_file* to the server of *endpoint*, all graphs or none.

    *replace* replaces the pushed plans' graphs; the shared graph is merged and the ontology
    graph replaced either way (:func:`action`). *timeout* bounds each HTTP exchange.
    """
    if fmt not in UPLOAD_FORMATS:
        raise FengongError(f"unknown upload format {fmt!r} (use {', '.join(UPLOAD_FORMATS)})")
    if not (isinstance(timeout, (int, float)) and 0 < timeout <= MAX_SECONDS):  # also refuses nan
        raise FengongError(f"timeout {timeout!r}: give a number of seconds, more than 0 and at most {MAX_SECONDS:g}")
    if into is not None:
        try:
            ox.NamedNode(into)
        except ValueError:
            raise FengongError(f"{into}: not an absolute IRI for --graph") from None
    ends = endpoints(endpoint, gsp, update)
    where = shown(endpoint)
    started = time.monotonic()
    store = local_graphs(graph_file)
    bodies = list(_graph_bodies(store, into, fmt))
    if not bodies:
        raise FengongError(f"{graph_file or 'the graph'}: nothing to push (no triples)")
    _, content_type = UPLOAD_FORMATS[fmt]
    token = uuid.uuid4().hex
    staged: list[tuple[str, str, str]] = []  # (staging IRI, target name, "replace" or "add")
    result = PushResult()
    try:
        for n, (name, count, data) in enumerate(bodies, start=1):
            staging = f"{STAGING_PREFIX}{token}:{n}"
            how = action(name, replace, into)
            staged.append((staging, name, how))  # before the PUT: a PUT whose answer is lost may have staged it
            _request("PUT", _graph_param(ends.gsp, staging), data, content_type, timeout, where, f"uploading {_label(name)}")
            result.graphs.append(name)
            if how == "replace":
                result.replaced.append(name)
            result.triples += count
            result.bytes += len(data)
            if progress:
                progress(n, len(bodies), name or "(default graph)")
    except BaseException as exc:
        _cleanup(ends, staged, timeout)
        if isinstance(exc, FengongError):
            raise FengongError(f"push failed, the server's graphs are unchanged: {exc}{_hint(exc, gsp is None, '--gsp')}") from None
        if isinstance(exc, KeyboardInterrupt):
            raise PushInterrupted("the server's graphs are unchanged") from None
        raise
    _move(ends, staged, where, timeout, derived=update is None)
    expected = {name: count for name, count, _ in bodies}
    try:
        _verify(ends, expected, where, timeout)
    except KeyboardInterrupt:
        raise PushInterrupted(f"the graphs were moved into place; stopped while checking them (check with "
                              f"fengong query --endpoint {where})") from None
    except FengongError:
        _cleanup(ends, staged, timeout)  # an update that was answered but not applied leaves them behind
        raise
    result.seconds = time.monotonic() - started
    return result


def _move(ends: Endpoints, staged: list[tuple[str, str, str]], where: str, timeout: float, derived: bool) -> None:
    """Send the one update that moves the staged graphs onto their targets.

    Only a failure before the request went out, or an error status in answer to it, leaves the
    targets unchanged for sure: without an answer the server may have applied it."""
    step = "moving the staged graphs into place"
    check = f"the server may have applied it; check with fengong query --endpoint {where}"
    form = urllib.parse.urlencode({"update": _moves(staged)}).encode("utf-8")
    try:
        _request("POST", ends.update, form, _FORM, timeout, where, step)
    except _NoAnswer as exc:
        # No clean-up: a DELETE could overtake the update still on its way, and a MOVE from a
        # graph that is gone may empty its target on some servers.
        raise FengongError(f"push may have been applied: {where}: {step}: the final update was sent but no "
                           f"answer came ({exc.reason}): {check}; {_left(staged)}") from None
    except FengongError as exc:
        _cleanup(ends, staged, timeout)
        if isinstance(exc, _Refused) and exc.status >= 500 and exc.server.startswith("Virtuoso"):
            # Seen with Virtuoso 7.2: an update whose second operation fails keeps its first.
            raise FengongError(f"push failed and may be partly applied: {exc}: Virtuoso carries out an update's "
                               f"operations one by one, not as one transaction; {check}") from None
        raise FengongError(f"push failed, the server's graphs are unchanged: {exc}{_hint(exc, derived, '--update')}") from None
    except KeyboardInterrupt:
        raise PushInterrupted(f"the final update was sent but no answer came: {check}; {_left(staged)}") from None


def _verify(ends: Endpoints, expected: dict[str, int], where: str, timeout: float) -> None:
    """Ask the query endpoint how many statements each target graph holds; fewer than were
    pushed means the server did not store the push (a web page answering 200 to anything)."""
    from .remote import RemoteStore

    remote = RemoteStore(ends.query, union=False, http_timeout=timeout)
    step = f"push not confirmed: {where}: checking the pushed graphs"
    held: dict[str, int] = {}
    try:
        named = [name for name in expected if name]
        if named:
            values = " ".join(str(ox.NamedNode(name)) for name in named)
            rows = remote.query(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} "
                                "GROUP BY ?g", timeout=timeout).rows
            held.update((g.value, int(n.value)) for g, n in rows if g is not None and n is not None)
        if "" in expected:
            rows = remote.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", timeout=timeout).rows
            held[""] = int(rows[0][0].value) if rows and rows[0][0] is not None else 0
    except ValueError:
        raise FengongError(f"{step}: the count query's answer holds no numbers; is this a SPARQL endpoint?") from None
    except FengongError as exc:
        raise FengongError(f"{step}: {_reason(str(exc), ends.query)}") from None
    short = [(name, held.get(name, 0), want) for name, want in expected.items() if held.get(name, 0) < want]
    if short:
        name, has, want = short[0]
        more = f" (and {len(short) - 1} more graphs fall short)" if len(short) > 1 else ""
        raise FengongError(f"{step}: the server answered the upload, but {_label(name)} holds {has} of the {want} "
                           f"statements pushed{more}; is {where} the query endpoint of the server that took them "
                           f"({shown(ends.gsp)}, {shown(ends.update)})?")


def _left(staged: list[tuple[str, str, str]]) -> str:
    """What a push whose final update went unanswered may have left behind."""
    first = staged[0][0]
    return (f"if it did not, its {len(staged)} staging graphs ({first[:first.rindex(':') + 1]}1 …) are still "
            "there: DROP GRAPH each, or push again")


def _cleanup(ends: Endpoints, staged: list[tuple[str, str, str]], timeout: float) -> None:
    """Delete staging graphs after a failure (best effort: the server may be gone, and after a
    move there is nothing left to delete). A second Ctrl-C stops it, so that the message saying
    what state the server is in still gets out."""
    try:
        for staging, _, _ in staged:
            try:
                _request("DELETE", _graph_param(ends.gsp, staging), None, None, min(timeout, 10.0), "", "cleaning up")
            except _Refused:
                pass  # not there (never staged, or moved already)
            except FengongError:
                break  # the server does not answer: each of the rest would wait as long
    except KeyboardInterrupt:
        pass
