"""``fengong serve``: a read-only SPARQL 1.1 endpoint and the browsable site of a build.

* ``/sparql`` answers the SPARQL 1.1 Protocol: ``GET ?query=``, ``POST``
  form-encoded and ``POST`` ``application/sparql-query``. SELECT and ASK come
  back as SPARQL JSON, XML, CSV or TSV, CONSTRUCT and DESCRIBE as Turtle,
  JSON-LD, N-Triples or RDF/XML, chosen by the ``Accept`` header or a
  ``format=`` parameter. The default graph is the union of every named graph,
  as in ``fengong query``; the project prefixes (``fg:``, ``skos:`` …) need no
  declaration.
* Everything else is a file of the site directory (a ``fengong build`` output:
  index, views, report, matrices). Paths that leave it (``..``, encoded
  ``%2e%2e``, absolute paths, symlinks pointing out) are answered 404.

Read-only by construction: the engine's query API cannot write, the on-disk
store is opened read-only, and SPARQL Update (an ``update=`` parameter, an
``application/sparql-update`` body, or update keywords smuggled into
``query=``) is refused with 403; PUT, DELETE and POST anywhere but ``/sparql``
get 405. ``SERVICE`` (federated query, which would make the server fetch URLs)
is refused with 403.

Oxigraph cannot interrupt a running query from another thread, so queries run
in a small pool of worker processes, each holding the graph (a read-only
on-disk store can be opened by several processes). A query that runs past the
time limit has its worker killed and replaced; the client gets 503. Results
past the row limit are dropped and the ``Fengong-Truncated`` header says so.

>>> pick_format("solutions", "text/csv;q=0.5, application/sparql-results+json", None)
'json'
>>> pick_format("graph", "*/*", None)
'turtle'
"""

from __future__ import annotations

import csv
import html
import io
import json
import mimetypes
import multiprocessing
import os
import posixpath
import queue
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape, quoteattr

from . import FengongError, __version__

__all__ = [
    "GraphSource",
    "QueryPool",
    "Answer",
    "SparqlServer",
    "make_server",
    "pick_format",
    "safe_path",
    "run_query",
    "write_solutions",
    "write_boolean",
    "write_triples",
    "MEDIA_TYPES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_LIMIT",
]

DEFAULT_TIMEOUT = 30.0
DEFAULT_LIMIT = 10_000
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
    "graph": {
        "text/turtle": "turtle", "application/x-turtle": "turtle", "application/ld+json": "jsonld",
        "application/json": "jsonld", "application/n-triples": "ntriples", "text/plain": "ntriples",
        "application/rdf+xml": "rdfxml", "application/xml": "rdfxml", "text/xml": "rdfxml",
    },
}
_DEFAULT_FORMAT = {"solutions": "json", "graph": "turtle"}
#: ``format=`` values (short names) → format, for each kind of result.
_FORMAT_PARAM = {
    "solutions": {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv"},
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


def pick_format(kind: str, accept: str | None, param: str | None) -> str:
    """The result format for *kind* (``solutions`` or ``graph``): ``format=`` first, then
    the best ``Accept`` entry we can write, else the default (JSON, Turtle)."""
    if param:
        p = param.strip().lower()
        if p in _FORMAT_PARAM[kind]:
            return _FORMAT_PARAM[kind][p]
        if p in _ACCEPT[kind]:
            return _ACCEPT[kind][p]
    best, best_q = None, 0.0
    for order, part in enumerate((accept or "").split(",")):
        bits = [b.strip() for b in part.split(";")]
        media = bits[0].lower()
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        if media in _ACCEPT[kind] and q > best_q:
            best, best_q = _ACCEPT[kind][media], q
    return best or _DEFAULT_FORMAT[kind]


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


def _xml_text(text: str) -> str:
    # XML 1.0 cannot carry most control characters, even escaped.
    clean = "".join(c if c in "\t\n\r" or ord(c) >= 0x20 else "\ufffd" for c in text)
    return xml_escape(clean)


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
    """ASK results (CSV and TSV have no standard form: ``true``/``false``)."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt == "xml":
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
            f"<head/>\n<boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n"
        ).encode("utf-8")
    return ("true\n" if value else "false\n").encode("utf-8")


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
    """Run one query against *store* (in a worker) and serialise its results."""
    import pyoxigraph as ox

    from .remote import query_shape
    from .vocab import PREFIXES

    text = request["query"]
    shape = query_shape(text)
    kwargs: dict = {"prefixes": dict(PREFIXES)}
    if request.get("default_graphs"):
        kwargs["default_graph"] = [ox.NamedNode(g) for g in request["default_graphs"]]
    elif not shape.dataset:
        kwargs["use_default_graph_as_union"] = True
    if request.get("named_graphs"):
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in request["named_graphs"]]
    try:
        res = store.query(text, **kwargs)
    except SyntaxError as exc:
        return Answer.error(400, f"invalid SPARQL query: {str(exc).splitlines()[0]}")
    except ValueError as exc:  # a bad graph IRI in default-graph-uri / named-graph-uri
        return Answer.error(400, f"bad request: {exc}")
    headers: dict[str, str] = {}
    if isinstance(res, ox.QueryBoolean):
        fmt = pick_format("solutions", request.get("accept"), request.get("format"))
        return Answer(200, MEDIA_TYPES[fmt] + "; charset=utf-8", write_boolean(bool(res), fmt))
    if isinstance(res, ox.QuerySolutions):
        fmt = pick_format("solutions", request.get("accept"), request.get("format"))
        names = [v.value for v in res.variables]
        rows = []
        for sol in res:
            if len(rows) == limit:
                headers["Fengong-Truncated"] = f"true; limit={limit}"
                break
            rows.append([sol[i] for i in range(len(names))])
        return Answer(200, MEDIA_TYPES[fmt] + "; charset=utf-8", write_solutions(names, rows, fmt), headers)
    fmt = pick_format("graph", request.get("accept"), request.get("format"))
    triples = []
    for t in res:
        if len(triples) == limit:
            headers["Fengong-Truncated"] = f"true; limit={limit}"
            break
        triples.append(t)
    return Answer(200, MEDIA_TYPES[fmt] + "; charset=utf-8", write_triples(triples, fmt), headers)


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


def safe_path(root: Path, url_path: str) -> Path | None:
    """The file under *root* that *url_path* names, or ``None`` when it would leave *root*.

    Percent-decoding happens once, before the check, so ``%2e%2e`` is ``..``;
    symlinks are resolved, so a link pointing outside is refused.

    >>> import tempfile; root = Path(tempfile.mkdtemp())
    >>> _ = (root / "index.html").write_text("x", encoding="utf-8")
    >>> safe_path(root, "/").name, safe_path(root, "/%2e%2e/etc/passwd")
    ('index.html', None)
    """
    path = urllib.parse.unquote(url_path.split("?", 1)[0].split("#", 1)[0], errors="strict")
    if "\x00" in path or "\\" in path:
        return None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts) or posixpath.isabs(posixpath.join(*parts) if parts else ""):
        return None
    base = root.resolve()
    target = base.joinpath(*parts) if parts else base
    try:
        real = target.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if real != base and base not in real.parents:
        return None
    if real.is_dir():
        real = real / "index.html"
        if not real.is_file():
            return None
    return real if real.is_file() else None


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


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server: a :class:`QueryPool` for ``/sparql`` and a site directory for the rest."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, pool: QueryPool, site: Path | None, quiet: bool = False):
        self.pool, self.site, self.quiet = pool, site, quiet
        super().__init__(address, _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = f"fengong/{__version__}"
    protocol_version = "HTTP/1.1"

    # -- plumbing ---------------------------------------------------------
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        if not self.server.quiet:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def _send(self, answer: Answer, head_only: bool = False) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in answer.headers.items():
            self.send_header(k, v)
        self.end_headers()
        if not head_only:
            self.wfile.write(answer.body)

    def _read_body(self) -> bytes | None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self.close_connection = True
            self._send(Answer.error(413, f"request body too large (limit {MAX_BODY} bytes)"))
            return None
        return self.rfile.read(length) if length else b""

    def _route(self) -> tuple[str, dict[str, list[str]]]:
        split = urllib.parse.urlsplit(self.path)
        return split.path, urllib.parse.parse_qs(split.query, keep_blank_values=True)

    def _refuse_write(self) -> None:
        self.close_connection = True  # any body it sent is not read
        self._send(Answer(405, "text/plain; charset=utf-8", b"this server is read-only\n", {"Allow": "GET, HEAD, POST" if self._route()[0] == "/sparql" else "GET, HEAD"}))

    do_PUT = do_DELETE = do_PATCH = _refuse_write

    # -- GET / HEAD / POST -------------------------------------------------
    def do_GET(self) -> None:
        path, params = self._route()
        if path == "/sparql":
            self._sparql(params)
        else:
            self._static(path)

    def do_HEAD(self) -> None:
        path, _ = self._route()
        if path == "/sparql":
            self._send(Answer(200, "text/html; charset=utf-8", b""), head_only=True)
        else:
            self._static(path, head_only=True)

    def do_POST(self) -> None:
        path, params = self._route()
        body = self._read_body()
        if body is None:
            return
        if path != "/sparql":
            self._refuse_write()
            return
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            self._send(Answer.error(403, "SPARQL Update is not allowed: this endpoint is read-only"))
            return
        if ctype == "application/x-www-form-urlencoded":
            try:
                form = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True)
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
            self._send(Answer.error(403, "SERVICE (federated query) is not allowed on this endpoint"))
            return
        request = {
            "query": queries[0],
            "accept": self.headers.get("Accept"),
            "format": (params.get("format") or [None])[0],
            "default_graphs": params.get("default-graph-uri") or [],
            "named_graphs": params.get("named-graph-uri") or [],
        }
        self._send(self.server.pool.run(request))

    def _static(self, path: str, head_only: bool = False) -> None:
        site = self.server.site
        if site is None:
            if path in ("/", "/index.html"):
                page = f"<!doctype html><meta charset='utf-8'><title>fengong</title><p>SPARQL endpoint: <a href='/sparql'>/sparql</a></p>"
                self._send(Answer(200, "text/html; charset=utf-8", page.encode("utf-8")), head_only)
            else:
                self._send(Answer.error(404, "not found"), head_only)
            return
        try:
            target = safe_path(site, path)
        except UnicodeDecodeError:
            target = None
        if target is None:
            self._send(Answer.error(404, "not found"), head_only)
            return
        try:
            fh = open(target, "rb")
        except OSError:
            self._send(Answer.error(404, "not found"), head_only)
            return
        with fh:
            self._send_file(fh, target, head_only)

    def _send_file(self, fh, target: Path, head_only: bool) -> None:
        size = os.fstat(fh.fileno()).st_size
        self.send_response(200)
        self.send_header("Content-Type", _site_type(target))
        self.send_header("Content-Length", str(size))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if head_only:
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
) -> SparqlServer:
    """Start the query workers and bind the server (not yet serving: call ``serve_forever``)."""
    site_path = Path(site) if site else None
    if site_path is not None and not site_path.is_dir():
        raise FengongError(f"{site}: no such site directory")
    if timeout <= 0 or limit <= 0:
        raise FengongError("--timeout and --limit must be positive")
    pool = QueryPool(source, workers=workers, timeout=timeout, limit=limit)
    try:
        return SparqlServer((host, port), pool, site_path, quiet)
    except OSError as exc:
        pool.close()
        raise FengongError(f"{host}:{port}: cannot listen ({exc.strerror or exc})") from None
