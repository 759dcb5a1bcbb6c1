"""``fengong serve``: a read-only SPARQL 1.1 endpoint and the browsable site of a build.

* ``/sparql`` answers the SPARQL 1.1 Protocol: ``GET ?query=``, ``POST``
  form-encoded and ``POST`` ``application/sparql-query``. SELECT and ASK come
  back as SPARQL JSON, XML, CSV or TSV, CONSTRUCT and DESCRIBE as Turtle,
  JSON-LD, N-Triples or RDF/XML, chosen by a ``format=`` parameter or the
  ``Accept`` header (q-values and ``type/*`` ranges honoured; an ``Accept``
  that admits none of them gets 406; ASK has no standard CSV or TSV form, so
  it comes as JSON or XML). The default graph is the union of every
  named graph, as in ``fengong query``; the project prefixes (``fg:``,
  ``skos:`` …) need no declaration. With ``cors=True`` (``--cors``) browser
  clients on other origins may use it too.
* Everything else is a file of the site directory (a ``fengong build`` output:
  index, views, report, matrices). Paths that leave it (``..``, encoded
  ``%2e%2e``, absolute paths, symlinks pointing out) and dotfiles are
  answered 404; a directory named without its trailing slash is redirected.

Read-only by construction: the engine's query API cannot write, the on-disk
store is opened read-only, and SPARQL Update (an ``update=`` parameter, an
``application/sparql-update`` body, or update keywords smuggled into
``query=``) is refused with 403; PUT, DELETE and POST anywhere but ``/sparql``
get 405. ``SERVICE`` (federated query, which would make the server fetch URLs)
is refused with 403.

Bound to a loopback address (the default), the server answers only requests
whose ``Host`` is a loopback name (``localhost``, ``127.0.0.1``, ``[::1]``) or
one given with ``allowed_hosts`` (``--allow-host``): a web page on another site
cannot reach it through DNS rebinding. A connection that sends nothing for
:data:`CONNECTION_TIMEOUT` seconds is closed, and at most
:data:`MAX_CONNECTIONS` are served at once (the next get 503).

Oxigraph cannot interrupt a running query from another thread, so queries run
in a small pool of worker processes, each holding the graph (a read-only
on-disk store can be opened by several processes). A query that runs past the
time limit has its worker killed and replaced; the client gets 503. Results
past the row limit are dropped and the ``Fengong-Truncated`` header says so.

>>> pick_format("solutions", "text/csv;q=0.5, application/sparql-results+json", None)
'json'
>>> pick_format("graph", "*/*", None)
'turtle'
>>> pick_format("solutions", "text/*, text/csv;Q=0", None), pick_format("graph", "text/csv", None)
('tsv', None)
"""

from __future__ import annotations

import csv
import html
import io
import ipaddress
import json
import mimetypes
import multiprocessing
import os
import queue
import re
import socket
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape, quoteattr

from . import FengongError, __version__
from .terminal import first_line, printable

__all__ = [
    "GraphSource",
    "QueryPool",
    "Answer",
    "SparqlServer",
    "make_server",
    "check_limits",
    "pick_format",
    "safe_path",
    "site_file",
    "run_query",
    "write_solutions",
    "write_boolean",
    "write_triples",
    "MEDIA_TYPES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_LIMIT",
    "MAX_TIMEOUT",
    "MAX_LIMIT",
    "CONNECTION_TIMEOUT",
    "MAX_CONNECTIONS",
]

DEFAULT_TIMEOUT = 30.0
DEFAULT_LIMIT = 10_000
#: Upper bounds of the per-query time limit (seconds) and row limit.
MAX_TIMEOUT = 3600.0
MAX_LIMIT = 10_000_000
#: Seconds a connection may stay silent (mid-request, or idle between requests) before it is closed.
CONNECTION_TIMEOUT = 60.0
#: Connections served at once; more are answered 503 at once.
MAX_CONNECTIONS = 64
#: Largest request body read (a query, form-encoded); larger ones get 413.
MAX_BODY = 1 << 20
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

#: format name → response media type.
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
}
#: Accepted media types → format, for each kind of result.
_ACCEPT = {
    "solutions": {
        "application/sparql-results+json": "json", "application/json": "json",
        "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
        "text/csv": "csv", "text/tab-separated-values": "tsv",
    },
    "boolean": {
        "application/sparql-results+json": "json", "application/json": "json",
        "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    },
    "graph": {
        "text/turtle": "turtle", "application/x-turtle": "turtle", "application/ld+json": "jsonld",
        "application/json": "jsonld", "application/n-triples": "ntriples", "text/plain": "ntriples",
        "application/rdf+xml": "rdfxml", "application/xml": "rdfxml", "text/xml": "rdfxml",
    },
}
_DEFAULT_FORMAT = {"solutions": "json", "boolean": "json", "graph": "turtle"}
#: ``format=`` values (short names) → format, for each kind of result.
_FORMAT_PARAM = {
    "solutions": {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv"},
    "boolean": {"json": "json", "srj": "json", "xml": "xml", "srx": "xml"},
    "graph": {"turtle": "turtle", "ttl": "turtle", "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld",
              "nt": "ntriples", "ntriples": "ntriples", "n-triples": "ntriples", "rdfxml": "rdfxml", "rdf": "rdfxml", "xml": "rdfxml"},
}
#: Media types of the files a build writes that :mod:`mimetypes` does not know.
SITE_TYPES = {
    ".ttl": "text/turtle", ".trig": "application/trig", ".nq": "application/n-quads", ".nt": "application/n-triples",
    ".jsonld": "application/ld+json", ".graphml": "application/graphml+xml", ".gexf": "application/gexf+xml",
    ".rq": "application/sparql-query", ".csv": "text/csv", ".tsv": "text/tab-separated-values", ".md": "text/markdown",
    ".js": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml",
}


#: The formats of each kind of result, most preferred first (the first is the default).
#: ASK (``boolean``) has no CSV or TSV form in the SPARQL 1.1 result formats.
_KIND_FORMATS = {"solutions": ("json", "xml", "csv", "tsv"), "boolean": ("json", "xml"),
                 "graph": ("turtle", "jsonld", "ntriples", "rdfxml")}


def _accept_ranges(accept: str) -> list[tuple[str, str, float, int]]:
    """The media ranges of an ``Accept`` header as (type, subtype, q, position)."""
    ranges = []
    for position, part in enumerate(accept.split(",")):
        bits = [b.strip() for b in part.split(";")]
        media = "*/*" if bits[0] == "*" else bits[0].lower()  # old Java clients send a bare *
        main, slash, sub = media.partition("/")
        if not slash or not main or not sub:
            continue
        q = 1.0
        for b in bits[1:]:
            name, _, value = b.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
                if not 0.0 <= q <= 1.0:  # also NaN: a broken q-value admits nothing
                    q = 0.0
                break  # what follows q are accept-extensions, not media type parameters
        ranges.append((main, sub, q, position))
    return ranges


def _candidates(kind: str) -> list[tuple[str, str, bool]]:
    """(media type, format, canonical) for *kind*, the canonical type of each format first."""
    out = []
    for fmt in _KIND_FORMATS[kind]:
        out.append((MEDIA_TYPES[fmt], fmt, True))
        out += [(m, f, False) for m, f in _ACCEPT[kind].items() if f == fmt and m != MEDIA_TYPES[fmt]]
    return out


def pick_format(kind: str, accept: str | None, param: str | None) -> str | None:
    """The result format for *kind* (``solutions``, ``boolean`` or ``graph``): ``format=`` first, then
    the best ``Accept`` entry we can write, else the default (JSON, Turtle); ``None`` when
    the ``Accept`` header admits none of them (answer 406).

    Each media type takes the q-value of the most specific range that matches it
    (``text/csv`` over ``text/*`` over ``*/*``); q=0 excludes it. Wildcards match only
    the type we answer with, not its aliases (``application/json`` …).
    """
    if param:
        p = param.strip().lower()
        if p in _FORMAT_PARAM[kind]:
            return _FORMAT_PARAM[kind][p]
        if p in _ACCEPT[kind]:
            return _ACCEPT[kind][p]
    ranges = _accept_ranges(accept or "")
    if not ranges:
        return _DEFAULT_FORMAT[kind]
    best, best_key = None, None
    for rank, (media, fmt, canonical) in enumerate(_candidates(kind)):
        main, sub = media.split("/")
        match = None  # (specificity, q, -position) of the most specific matching range
        for r_main, r_sub, q, position in ranges:
            if (r_main, r_sub) == (main, sub):
                spec = 2
            elif canonical and r_main == main and r_sub == "*":
                spec = 1
            elif canonical and (r_main, r_sub) == ("*", "*"):
                spec = 0
            else:
                continue
            if match is None or (spec, q) > match[:2]:
                match = (spec, q, -position)
        if match is None or match[1] <= 0:
            continue
        key = (match[1], match[0], match[2], -rank)
        if best_key is None or key > best_key:
            best, best_key = fmt, key
    return best


def _not_acceptable(kind: str) -> Answer:
    """The 406 answer for a result of *kind* that no acceptable format can hold, listing those offered."""
    offered = ", ".join(MEDIA_TYPES[f] for f in _KIND_FORMATS[kind])
    what = {"solutions": "SELECT", "boolean": "ASK"}.get(kind, "CONSTRUCT/DESCRIBE")
    return Answer(406, "text/plain; charset=utf-8", f"not acceptable: {what} results are offered as {offered} (Accept header or format=)\n".encode("utf-8"), {"Vary": "Accept"})


# --------------------------------------------------------------------------- results


def _json_cell(t) -> dict:
    import pyoxigraph as ox

    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        cell = {"type": "literal", "value": t.value}
        if t.language:
            cell["xml:lang"] = t.language
        elif t.datatype.value != XSD_STRING:
            cell["datatype"] = t.datatype.value
        return cell
    return {"type": "triple", "value": {"subject": _json_cell(t.subject), "predicate": _json_cell(t.predicate), "object": _json_cell(t.object)}}


#: What XML 1.0 cannot carry, even escaped: most controls, surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    r"""*text* escaped for XML, with the characters XML 1.0 cannot carry as U+FFFD.

    >>> _xml_text("a<b\x07\ufffe") == "a&lt;b\ufffd\ufffd"
    True
    """
    return xml_escape(_NOT_XML.sub("\ufffd", text))


def _xml_cell(t) -> str:
    import pyoxigraph as ox

    if isinstance(t, ox.NamedNode):
        return f"<uri>{_xml_text(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{_xml_text(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{_xml_text(t.value)}</literal>"
        if t.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(t.datatype.value)}>{_xml_text(t.value)}</literal>"
        return f"<literal>{_xml_text(t.value)}</literal>"
    return f"<literal>{_xml_text(str(t))}</literal>"


def _csv_cell(t) -> str:
    import pyoxigraph as ox

    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        return f"_:{t.value}"
    return t.value if isinstance(t, (ox.NamedNode, ox.Literal)) else str(t)


def write_solutions(names: list[str], rows: list[list], fmt: str) -> bytes:
    """SELECT results in one of the four SPARQL result formats.

    >>> import pyoxigraph as ox
    >>> write_solutions(["x"], [[ox.Literal("城", language="zh")]], "tsv").decode()
    '?x\\n"城"@zh\\n'
    """
    if fmt == "json":
        bindings = [{n: _json_cell(t) for n, t in zip(names, row) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False).encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        out += [f"<variable name={quoteattr(n)}/>" for n in names]
        out.append("</head>\n<results>")
        for row in rows:
            cells = "".join(f"<binding name={quoteattr(n)}>{_xml_cell(t)}</binding>" for n, t in zip(names, row) if t is not None)
            out.append(f"<result>{cells}</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode("utf-8")
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(names)
        w.writerows([_csv_cell(t) for t in row] for row in rows)
        return buf.getvalue().encode("utf-8")
    # TSV keeps full terms in N-Triples syntax (language tags, datatypes).
    lines = ["\t".join("?" + n for n in names)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_boolean(value: bool, fmt: str) -> bytes:
    """ASK results as SPARQL JSON or XML (the only result formats that define them)."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt == "xml":
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
            f"<head/>\n<boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n"
        ).encode("utf-8")
    raise ValueError(f"ASK results have no {fmt} form")


def write_triples(triples: list, fmt: str) -> bytes:
    """CONSTRUCT/DESCRIBE results serialised by pyoxigraph."""
    import pyoxigraph as ox

    from .vocab import PREFIXES

    rdf = {"turtle": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "ntriples": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML}[fmt]
    buf = io.BytesIO()
    ox.serialize(triples, buf, rdf, prefixes=dict(PREFIXES) if fmt == "turtle" else None)
    return buf.getvalue()


# --------------------------------------------------------------------------- workers


@dataclass(frozen=True)
class GraphSource:
    """Where the workers read the graph from: an on-disk store, RDF files, or N-Quads bytes."""

    store_dir: str | None = None
    files: tuple[str, ...] = ()
    nquads: bytes | None = field(default=None, repr=False)

    def describe(self) -> str:
        if self.store_dir:
            return f"store {self.store_dir}"
        if self.files:
            return ", ".join(self.files)
        return "the bundled plan (桂政办发〔2014〕94号)"

    def open(self):
        """Open the graph as a pyoxigraph Store (read-only when on disk)."""
        from .store import OxigraphStore

        if self.store_dir:
            return OxigraphStore(self.store_dir, read_only=True).ox
        st = OxigraphStore()
        if self.nquads is not None:
            st.load_bytes(self.nquads, "nq")
        for f in self.files:
            st.load_file(f)
        return st.ox


@dataclass
class Answer:
    """An HTTP answer: status, media type, body, extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def error(cls, status: int, message: str) -> "Answer":
        return cls(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


def run_query(store, request: dict, limit: int) -> Answer:
    """Run one query against *store* (in a worker) and serialise its results.

    *request* holds the query, the Accept header or ``format``, the dataset parameters and
    ``dataset`` (whether the text names its own with FROM, as the handler read it; without
    it the text is scanned here)."""
    import pyoxigraph as ox

    from .remote import query_shape
    from .vocab import PREFIXES

    text = request["query"]
    dataset = request["dataset"] if "dataset" in request else query_shape(text).dataset
    kwargs: dict = {"prefixes": dict(PREFIXES)}
    try:
        if request.get("default_graphs"):
            kwargs["default_graph"] = _graph_iris("default-graph-uri", request["default_graphs"])
        elif not dataset:
            kwargs["use_default_graph_as_union"] = True
        if request.get("named_graphs"):
            kwargs["named_graphs"] = _graph_iris("named-graph-uri", request["named_graphs"])
    except ValueError as exc:
        return Answer.error(400, str(exc))
    try:
        res = store.query(text, **kwargs)
    except SyntaxError as exc:
        return Answer.error(400, _syntax_error(str(exc), text))
    except ValueError as exc:
        return Answer.error(400, f"bad request: {first_line(exc)}")
    headers: dict[str, str] = {}
    kind = ("boolean" if isinstance(res, ox.QueryBoolean) else "solutions" if isinstance(res, ox.QuerySolutions)
            else "graph")
    fmt = pick_format(kind, request.get("accept"), request.get("format"))
    if fmt is None:
        return _not_acceptable(kind)
    if isinstance(res, ox.QueryBoolean):
        return Answer(200, MEDIA_TYPES[fmt] + "; charset=utf-8", write_boolean(bool(res), fmt))
    if isinstance(res, ox.QuerySolutions):
        names = [v.value for v in res.variables]
        rows = []
        for sol in res:
            if len(rows) == limit:
                headers["Fengong-Truncated"] = f"true; limit={limit}"
                break
            rows.append([sol[i] for i in range(len(names))])
        return Answer(200, MEDIA_TYPES[fmt] + "; charset=utf-8", write_solutions(names, rows, fmt), headers)
    triples = []
    for t in res:
        if len(triples) == limit:
            headers["Fengong-Truncated"] = f"true; limit={limit}"
            break
        triples.append(t)
    return Answer(200, MEDIA_TYPES[fmt] + "; charset=utf-8", write_triples(triples, fmt), headers)


def _graph_iris(name: str, values: list[str]) -> list:
    """The graph IRIs of a dataset parameter; ValueError (one line, naming it) for a bad one."""
    import pyoxigraph as ox

    out = []
    for value in values:
        try:
            out.append(ox.NamedNode(value))
        except ValueError as exc:
            shown = value if len(value) <= 80 else value[:79] + "…"
            raise ValueError(f"{name} is not an absolute IRI: {shown!r} ({exc})") from None
    return out


def _syntax_error(message: str, text: str) -> str:
    """The engine's syntax error as one short line: an unknown prefix by name, else line, column and reason.

    >>> _syntax_error("error at 1:21: expected OPTIONAL", "SELECT * WHERE { ?s ex:p ?o }").split(";")[0]
    "invalid SPARQL query: unknown prefix 'ex:' at line 1, column 21"
    """
    from .querylib import _prefix_error, _syntax_message

    lines = message.splitlines()
    prefix = _prefix_error("invalid SPARQL query", text)
    if prefix is not None:
        return str(prefix)
    # The server passes the project prefixes to the engine: positions are already the user's.
    return "invalid SPARQL query" + _syntax_message(lines[0] if lines else "", text, 0).removeprefix("invalid SPARQL")


def _worker_main(conn, source: GraphSource, limit: int) -> None:
    """A worker process: open the graph, then answer queries until the pipe closes."""
    try:
        store = source.open()
    except (FengongError, OSError) as exc:
        conn.send(("error", str(exc)))
        return
    conn.send(("ready", len(store)))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            answer = run_query(store, request, limit)
        except Exception as exc:  # a bug must not take the worker down silently
            answer = Answer.error(500, f"query failed: {type(exc).__name__}: {exc}")
        conn.send(answer)


class _Worker:
    def __init__(self, ctx, source: GraphSource, limit: int):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, source, limit), daemon=True, name="fengong-query")
        self.proc.start()
        child.close()
        self.triples = 0

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise FengongError(f"the query worker did not load the graph within {timeout:g} s")
        try:
            kind, value = self.conn.recv()
        except EOFError:
            raise FengongError("the query worker stopped while loading the graph") from None
        if kind == "error":
            self.kill()
            raise FengongError(value)
        self.triples = value

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class QueryPool:
    """Worker processes holding the graph; a query past *timeout* seconds kills its worker.

    >>> pool = QueryPool(GraphSource(nquads=b'<http://a> <http://b> "c" <http://g> .'), workers=1, timeout=10)
    >>> pool.run({"query": "SELECT ?o WHERE { ?s ?p ?o }", "format": "csv"}).body
    b'o\\r\\nc\\r\\n'
    >>> pool.close()
    """

    def __init__(self, source: GraphSource, workers: int = 2, timeout: float = DEFAULT_TIMEOUT,
                 limit: int = DEFAULT_LIMIT, load_timeout: float = 600.0):
        self.source, self.timeout, self.limit, self.load_timeout = source, timeout, limit, load_timeout
        self._ctx = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        started = [_Worker(self._ctx, source, limit) for _ in range(max(1, workers))]
        try:
            for w in started:
                w.wait_ready(load_timeout)
        except BaseException:
            for w in started:
                w.kill()
            raise
        self.triples = started[0].triples
        for w in started:
            self._all.add(w)
            self._idle.put(w)

    def _replace(self, dead: _Worker) -> None:
        dead.kill()
        with self._lock:
            self._all.discard(dead)
            if self._closed:
                return
        try:
            fresh = _Worker(self._ctx, self.source, self.limit)
            fresh.wait_ready(self.load_timeout)
        except FengongError as exc:
            print(f"fengong serve: cannot restart a query worker: {exc}", file=sys.stderr)
            return
        with self._lock:
            if self._closed:
                fresh.kill()
                return
            self._all.add(fresh)
        self._idle.put(fresh)

    def run(self, request: dict) -> Answer:
        """Run a query request on an idle worker, within the time limit."""
        started = time.monotonic()
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return Answer.error(503, f"server busy: no query worker free within {self.timeout:g} s; try again")
        left = max(0.1, self.timeout - (time.monotonic() - started))
        try:
            worker.conn.send(request)
            if worker.conn.poll(left):
                answer = worker.conn.recv()
                self._idle.put(worker)
                return answer
        except (EOFError, OSError, BrokenPipeError):
            threading.Thread(target=self._replace, args=(worker,), daemon=True).start()
            return Answer.error(500, "the query worker stopped unexpectedly (out of memory?); it has been restarted")
        # Past the limit: the engine cannot be interrupted, so the process goes.
        threading.Thread(target=self._replace, args=(worker,), daemon=True).start()
        return Answer.error(503, f"query stopped: it ran past the {self.timeout:g} s time limit (--timeout)")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.kill()


# --------------------------------------------------------------------------- static site


def site_file(root: Path, url_path: str) -> tuple[Path, str | None] | None:
    """The file under *root* that *url_path* names, and, when it is a directory's
    ``index.html``, the directory's URL with its trailing slash; ``None`` when the path
    would leave *root* or names a dotfile.

    Percent-decoding happens once, before the check, so ``%2e%2e`` is ``..``;
    symlinks are resolved (the directory's and then its index's), so a link
    pointing outside is refused.

    >>> import tempfile; root = Path(tempfile.mkdtemp())
    >>> (root / "sub").mkdir(); _ = (root / "sub" / "index.html").write_text("x", encoding="utf-8")
    >>> site_file(root, "/sub")[1], site_file(root, "/sub/index.html")[1], site_file(root, "/.git/config")
    ('/sub/', None, None)
    """
    try:
        path = urllib.parse.unquote(url_path.split("?", 1)[0].split("#", 1)[0], errors="strict")
    except UnicodeDecodeError:
        return None
    if "\x00" in path or "\\" in path:
        return None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    # ".." leaves the site; other dot names (.git, .env …) are never part of one.
    if any(p.startswith(".") for p in parts):
        return None
    base = root.resolve()
    try:
        real = base.joinpath(*parts).resolve(strict=True)
        directory = None
        if real.is_dir():
            directory = "/" + "".join(urllib.parse.quote(p) + "/" for p in parts)
            real = (real / "index.html").resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if base not in real.parents or any(p.startswith(".") for p in real.relative_to(base).parts):
        return None
    return (real, directory) if real.is_file() else None


def safe_path(root: Path, url_path: str) -> Path | None:
    """The file under *root* that *url_path* names, or ``None`` when it would leave *root*.

    >>> import tempfile; root = Path(tempfile.mkdtemp())
    >>> _ = (root / "index.html").write_text("x", encoding="utf-8")
    >>> safe_path(root, "/").name, safe_path(root, "/%2e%2e/etc/passwd")
    ('index.html', None)
    """
    found = site_file(root, url_path)
    return found[0] if found else None


def _site_type(path: Path) -> str:
    media = SITE_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    textual = media.startswith("text/") or media.endswith(("+xml", "json", "/xml", "javascript", "trig", "n-quads", "n-triples"))
    return media + ("; charset=utf-8" if textual else "")


# --------------------------------------------------------------------------- HTTP


_FORM_PAGE = """<!doctype html>
<html lang="en"><meta charset="utf-8"><title>fengong SPARQL endpoint</title>
<h1>fengong SPARQL endpoint</h1>
<p>Graph: {graph} ({triples} triples). Read-only; the default graph is the union of all plans.
Queries stop after {timeout:g} s and return at most {limit} rows.</p>
<form method="get" action="/sparql"><textarea name="query" rows="12" cols="90">SELECT ?agency (COUNT(?task) AS ?n)
WHERE {{ ?a fg:leads ?task ; fg:shortLabel ?agency }}
GROUP BY ?agency ORDER BY DESC(?n) LIMIT 10</textarea><br>
<select name="format"><option>json</option><option>xml</option><option>csv</option><option>tsv</option></select>
<button>Run</button></form>
"""


#: A chunk-size line of a chunked body (extensions after ``;`` are ignored).
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,8})[ \t]*(?:;[^\r\n]*)?\r?\n")
#: Exceptions that mean the client went away mid-request.
_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)
_FORMS = {"SELECT": "solutions", "ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server: a :class:`QueryPool` for ``/sparql`` and a site directory for the rest."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, pool: QueryPool, site: Path | None, quiet: bool = False, cors: bool = False,
                 allowed_hosts=(), connection_timeout: float = CONNECTION_TIMEOUT, max_connections: int = MAX_CONNECTIONS):
        self.pool, self.site, self.quiet, self.cors = pool, site, quiet, cors
        self.allowed_hosts = {_host_name(h) for h in allowed_hosts} - {None}
        self.connection_timeout = connection_timeout
        self._slots = threading.BoundedSemaphore(max_connections)
        # Read by TCPServer.__init__ when it makes the socket: an IPv6 host needs AF_INET6.
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, _Handler)
        self.loopback = _is_loopback(self.server_address[0])

    def host_allowed(self, host: str | None) -> bool:
        """Whether a request with this ``Host`` header is for this server: on a loopback
        address only loopback names and ``allowed_hosts`` (DNS rebinding: a page of another
        site, its name pointed at 127.0.0.1, would send its own name); elsewhere any."""
        if not self.loopback or host is None:  # HTTP/1.0 may omit it; browsers always send it
            return True
        name = _host_name(host)
        return name is not None and (name == "localhost" or name.endswith(".localhost") or _is_loopback(name)
                                     or name in self.allowed_hosts)

    def process_request(self, request, client_address):
        # One thread per connection, up to max_connections: past that, 503 at once.
        if not self._slots.acquire(blocking=False):
            body = b"server busy: too many connections; try again\n"
            try:
                request.settimeout(5)
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                b"Retry-After: 1\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


def _host_name(host: str) -> str | None:
    """The name of a ``Host`` header (or ``--allow-host``): lower case, without its port, the
    brackets of an IPv6 address or a final dot; None when it is no host name at all.

    >>> _host_name("LocalHost.:8080"), _host_name("[::1]:80"), _host_name("[::1]evil.example"), _host_name("a b")
    ('localhost', '::1', None, None)
    """
    text = host.strip().lower()
    m = re.fullmatch(r"\[([0-9a-f:.%]+)\](?::\d*)?|([^\s:/\[\]@]+)(?::\d*)?", text)
    if m is None:
        return None
    return m.group(1) or m.group(2).rstrip(".")


def _is_loopback(host: str) -> bool:
    """Whether *host* is a loopback IP address (``127.0.0.0/8``, ``::1``, ``::ffff:127.0.0.1``).

    >>> _is_loopback("127.0.0.2"), _is_loopback("::1"), _is_loopback("0.0.0.0"), _is_loopback("example.org")
    (True, True, False, False)
    """
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = f"fengong/{__version__}"
    protocol_version = "HTTP/1.1"

    # -- plumbing ---------------------------------------------------------
    def setup(self) -> None:
        self.timeout = self.server.connection_timeout  # StreamRequestHandler sets it on the socket
        super().setup()

    def handle(self) -> None:
        try:
            super().handle()
        except _GONE as exc:
            self.close_connection = True
            self.log_message("client went away (%s)", type(exc).__name__)
        # A silent connection (TimeoutError) is closed by handle_one_request, which logs it.

    def parse_request(self) -> bool:
        """The base class's parsing, then the checks every request passes: a ``Host`` for this
        server, one ``Content-Length``."""
        if not super().parse_request():
            return False
        host = self.headers.get("Host")
        if not self.server.host_allowed(host):
            self._fail(421, f"Host {host!r} is not this server: on a loopback address it answers localhost, 127.0.0.1 "
                            "and [::1] only (against DNS rebinding); `fengong serve --allow-host NAME` accepts another name")
            return False
        lengths = {v.strip() for v in self.headers.get_all("Content-Length") or ()}
        if len(lengths) > 1:
            self._fail(400, "conflicting Content-Length headers")
            return False
        return True

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        if not self.server.quiet:
            # The request line is the client's text: no raw terminal escapes in the log.
            sys.stderr.write(f"{self.address_string()} - {printable(format % args, one_line=True)}\n")

    def _send(self, answer: Answer) -> None:
        """Send *answer*; to HEAD, the same headers without the body."""
        self.send_response(answer.status)
        if answer.status != 204:  # a 204 has neither body nor length
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        headers = dict(answer.headers)
        if self.server.cors and self._route()[0] == "/sparql":
            headers.setdefault("Access-Control-Allow-Origin", "*")
            headers.setdefault("Access-Control-Expose-Headers", "Fengong-Truncated")
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD" and answer.status != 204:
            self.wfile.write(answer.body)

    def _fail(self, status: int, message: str) -> None:
        """Answer an error and close: the rest of the request was not read."""
        self.close_connection = True
        self._send(Answer.error(status, message))

    def _read_body(self) -> bytes | None:
        """The request body (by Content-Length or chunked), or ``None`` once an error is sent
        (one that stops coming for the connection's time limit: 408)."""
        try:
            return self._read_framed()
        except TimeoutError:
            self._fail(408, f"request body not received within {self.server.connection_timeout:g} s")
            return None

    def _read_framed(self) -> bytes | None:
        coding = (self.headers.get("Transfer-Encoding") or "").strip().lower()
        if coding:
            if coding != "chunked":
                self._fail(501, f"transfer coding {coding!r} is not supported; send the body plain or chunked")
                return None
            return self._read_chunked()
        raw = (self.headers.get("Content-Length") or "0").strip()
        if not (raw.isascii() and raw.isdigit()):
            self._fail(400, "bad Content-Length header")
            return None
        length = int(raw)
        if length > MAX_BODY:
            self._fail(413, f"request body too large (limit {MAX_BODY} bytes)")
            return None
        body = self.rfile.read(length) if length else b""
        if len(body) != length:
            self._fail(400, "request body shorter than its Content-Length")
            return None
        return body

    def _read_chunked(self) -> bytes | None:
        """A chunked request body, or None once an error was answered (too big, malformed)."""
        body = bytearray()
        while True:
            m = _CHUNK_SIZE.fullmatch(self.rfile.readline(1024))
            if m is None:
                self._fail(400, "malformed chunked request body")
                return None
            size = int(m.group(1), 16)
            if len(body) + size > MAX_BODY:
                self._fail(413, f"request body too large (limit {MAX_BODY} bytes)")
                return None
            if size == 0:
                break
            chunk = self.rfile.read(size)
            if len(chunk) != size or self.rfile.readline(3) not in (b"\r\n", b"\n"):
                self._fail(400, "malformed chunked request body")
                return None
            body += chunk
        for _ in range(100):  # trailer fields, ignored, up to the blank line
            line = self.rfile.readline(8192)
            if line in (b"\r\n", b"\n"):
                return bytes(body)
            if not line.endswith(b"\n"):
                break
        self._fail(400, "malformed chunked request body")
        return None

    def _route(self) -> tuple[str, str]:
        split = urllib.parse.urlsplit(self.path)
        return split.path, split.query

    def _params(self, query: str) -> dict[str, list[str]] | None:
        """The parameters of a query string, or ``None`` once a 400 is sent (not UTF-8)."""
        try:
            return urllib.parse.parse_qs(query, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            self._send(Answer.error(400, "query string is not UTF-8"))
            return None

    @staticmethod
    def _allowed(path: str) -> str:
        """The methods *path* answers, for an ``Allow`` header."""
        return "GET, HEAD, POST, OPTIONS" if path in ("/sparql", "*") else "GET, HEAD, OPTIONS"

    def _refuse_write(self) -> None:
        self.close_connection = True  # any body it sent is not read
        self._send(Answer(405, "text/plain; charset=utf-8", b"this server is read-only\n", {"Allow": self._allowed(self._route()[0])}))

    do_PUT = do_DELETE = do_PATCH = _refuse_write

    # -- GET / HEAD / POST / OPTIONS ---------------------------------------
    def do_GET(self) -> None:
        # A body sent with GET or HEAD means nothing here, but it is read: left unread it
        # would be taken for the next request on the connection.
        if self._read_body() is None:
            return
        path, query = self._route()
        if path == "/sparql":
            params = self._params(query)
            if params is not None:
                self._sparql(params)
        else:
            self._static(path, query)

    do_HEAD = do_GET  # _send and _send_file leave the body out

    def do_OPTIONS(self) -> None:
        """204 with the allowed methods (and, with ``--cors``, the preflight headers)."""
        if self._read_body() is None:
            return
        path = "*" if self.path == "*" else self._route()[0]
        headers = {"Allow": self._allowed(path)}
        if self.server.cors and path == "/sparql":  # a browser's preflight
            headers.update({"Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
                            "Access-Control-Allow-Headers": "Accept, Content-Type", "Access-Control-Max-Age": "600"})
        self._send(Answer(204, "", b"", headers))

    def do_POST(self) -> None:
        path, query = self._route()
        body = self._read_body()
        if body is None:
            return
        if path != "/sparql":
            self._refuse_write()
            return
        params = self._params(query)
        if params is None:
            return
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            self._send(Answer.error(403, "SPARQL Update is not allowed: this endpoint is read-only"))
            return
        if ctype == "application/x-www-form-urlencoded":
            try:
                form = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True, errors="strict")
            except UnicodeDecodeError:
                self._send(Answer.error(400, "request body is not UTF-8"))
                return
            for k, v in form.items():
                params.setdefault(k, []).extend(v)
        elif ctype == "application/sparql-query":
            try:
                params["query"] = [body.decode("utf-8")]
            except UnicodeDecodeError:
                self._send(Answer.error(400, "query is not UTF-8"))
                return
        else:
            self._send(Answer.error(415, "send application/sparql-query or application/x-www-form-urlencoded"))
            return
        self._sparql(params)

    # -- endpoints ----------------------------------------------------------
    def _sparql(self, params: dict[str, list[str]]) -> None:
        from .remote import query_shape

        if "update" in params:
            self._send(Answer.error(403, "SPARQL Update is not allowed: this endpoint is read-only"))
            return
        queries = params.get("query", [])
        if not queries:
            pool = self.server.pool
            page = _FORM_PAGE.format(graph=html.escape(pool.source.describe()), triples=pool.triples, timeout=pool.timeout, limit=pool.limit)
            self._send(Answer(200, "text/html; charset=utf-8", page.encode("utf-8")))
            return
        if len(queries) > 1:
            self._send(Answer.error(400, "more than one query parameter"))
            return
        shape = query_shape(queries[0])
        if shape.update:
            self._send(Answer.error(403, "SPARQL Update is not allowed: this endpoint is read-only"))
            return
        if shape.service:
            self._send(Answer.error(403, "SERVICE (federated query) is not allowed on this endpoint; a prefixed name holding "
                                             "'service' counts as one: write that IRI in full (<…>)"))
            return
        accept, fmt = self.headers.get("Accept"), (params.get("format") or [None])[0]
        kind = _FORMS.get(shape.form or "")
        if kind and pick_format(kind, accept, fmt) is None:  # refused before it runs
            self._send(_not_acceptable(kind))
            return
        request = {
            "query": queries[0],
            "accept": accept,
            "format": fmt,
            "default_graphs": params.get("default-graph-uri") or [],
            "named_graphs": params.get("named-graph-uri") or [],
            "dataset": shape.dataset,  # read here already: the worker need not scan the text again
        }
        answer = self.server.pool.run(request)
        answer.headers.setdefault("Vary", "Accept")
        self._send(answer)

    def _static(self, path: str, query: str = "") -> None:
        site = self.server.site
        if site is None:
            if path in ("/", "/index.html"):
                page = "<!doctype html><meta charset='utf-8'><title>fengong</title><p>SPARQL endpoint: <a href='/sparql'>/sparql</a></p>"
                self._send(Answer(200, "text/html; charset=utf-8", page.encode("utf-8")))
            else:
                self._send(Answer.error(404, "not found"))
            return
        found = site_file(site, path)
        if found is None:
            self._send(Answer.error(404, "not found"))
            return
        target, directory = found
        if directory is not None and not path.endswith("/"):
            # Served at /sub, the index's relative links would resolve against /.
            location = directory + (f"?{query}" if query else "")
            self._send(Answer(301, "text/plain; charset=utf-8", f"moved to {location}\n".encode("utf-8"), {"Location": location}))
            return
        try:
            fh = open(target, "rb")
        except OSError:
            self._send(Answer.error(404, "not found"))
            return
        with fh:
            self._send_file(fh, target)

    def _send_file(self, fh, target: Path) -> None:
        size = os.fstat(fh.fileno()).st_size
        self.send_response(200)
        self.send_header("Content-Type", _site_type(target))
        self.send_header("Content-Length", str(size))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command == "HEAD":
            return
        while chunk := fh.read(1 << 16):
            self.wfile.write(chunk)


def make_server(
    source: GraphSource,
    host: str = "127.0.0.1",
    port: int = 7878,
    site: str | Path | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    limit: int = DEFAULT_LIMIT,
    workers: int = 2,
    quiet: bool = False,
    cors: bool = False,
    allowed_hosts=(),
    max_connections: int = MAX_CONNECTIONS,
) -> SparqlServer:
    """Start the query workers and bind the server (not yet serving: call ``serve_forever``).

    *host* may be IPv6 (``::1``, also in brackets); *cors* lets browser pages on other
    origins query ``/sparql``; *allowed_hosts* are ``Host`` names answered besides the
    loopback ones when *host* is a loopback address (a reverse proxy's public name).
    """
    site_path = Path(site) if site else None
    if site_path is not None and not site_path.is_dir():
        raise FengongError(f"{site}: no such site directory")
    check_limits(timeout, limit)
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    pool = QueryPool(source, workers=workers, timeout=timeout, limit=limit)
    try:
        return SparqlServer((host, port), pool, site_path, quiet, cors, allowed_hosts, max_connections=max_connections)
    except OSError as exc:
        pool.close()
        raise FengongError(f"{host}:{port}: cannot listen ({exc.strerror or exc})") from None


def check_limits(timeout: float, limit: int) -> None:
    """Refuse a time limit that is not a finite number of seconds up to :data:`MAX_TIMEOUT`
    (``inf``, ``nan``, ≤ 0) and a row limit outside 1 … :data:`MAX_LIMIT`.

    >>> check_limits(float("nan"), 10)
    Traceback (most recent call last):
    fengong.FengongError: --timeout must be more than 0 and at most 3600 seconds, not nan
    """
    if not 0 < timeout <= MAX_TIMEOUT:  # False for nan too
        raise FengongError(f"--timeout must be more than 0 and at most {MAX_TIMEOUT:g} seconds, not {timeout:g}")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise FengongError(f"--limit must be a whole number from 1 to {MAX_LIMIT}, not {limit}")
