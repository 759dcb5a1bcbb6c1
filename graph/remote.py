"""A graph behind a SPARQL 1.1 endpoint (``--endpoint URL``), read like any local store.

:class:`RemoteStore` speaks the SPARQL 1.1 Protocol with the standard library
(``urllib``): the query goes out as a form-encoded POST (no URL length limit),
results come back as SPARQL JSON (SELECT, ASK) or N-Triples (CONSTRUCT,
DESCRIBE) and are read with pyoxigraph's own parsers into the same
:class:`~fengong.store.Term` rows that the embedded stores return, so results
from an endpoint and from a file compare row by row.

Parameters are bound by a ``VALUES`` block placed at the start of the query's
outer ``WHERE`` group, built only from :meth:`Term.n3` (escaped RDF terms):
text from the user never becomes query syntax.

fengong's queries read the union of all named graphs as the default graph. An
endpoint whose default graph is empty (Oxigraph server without
``--union-default-graph``, Fuseki without ``unionDefaultGraph``) gets every
named graph listed as a ``default-graph-uri`` instead, which the protocol
defines as their merge.

>>> bind_values("SELECT ?t WHERE { ?a fg:leads ?t }", {"a": Term.uri("http://x/a")})
'SELECT ?t WHERE { VALUES (?a) { (<http://x/a>) } ?a fg:leads ?t }'
"""

from __future__ import annotations

import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pyoxigraph as ox

from . import FengongError
from .store import QuerySyntaxError, QueryTimeout, Result, Store, Term, _with_prefixes

__all__ = ["RemoteStore", "bind_values", "outer_group_start", "query_shape", "QueryShape", "USER_AGENT", "UPDATE_KEYWORDS"]

USER_AGENT = "fengong (SPARQL 1.1 Protocol client)"
#: What we ask for: SPARQL JSON for solutions and booleans, N-Triples for graphs
#: (the query's form puts the one it needs first).
ACCEPT = {
    "solutions": "application/sparql-results+json, application/sparql-results+xml;q=0.8",
    "graph": "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5",
}
_VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_GRAPH_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
_RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


def _tokens(query: str):
    """(position, token) for the parts of a query that matter for finding groups:
    ``{``, ``}``, keywords (upper-cased) and variables (``?name``), skipping
    comments, strings, IRIs and prefixed names."""
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c == "#":
            j = query.find("\n", i)
            i = n if j < 0 else j + 1
        elif c in "\"'":
            quote = c * 3 if query.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not query.startswith(quote, j):
                j += 2 if query[j] == "\\" else 1
            i = j + len(quote)
        elif c == "<" and re.match(r"<[^<>\"{}|^`\\\s]*>", query[i:]):
            i += re.match(r"<[^<>\"{}|^`\\\s]*>", query[i:]).end()
        elif c in "{}":
            yield i, c
            i += 1
        elif c == ":":  # the local part of a prefixed name with the empty prefix
            i += re.match(r":[^\s{}(),;]*", query[i:]).end()
        elif c.isalpha():
            m = re.match(r"[A-Za-z_][A-Za-z0-9_-]*(:[^\s{}()]*)?", query[i:])
            word = m.group(0)
            if ":" not in word:  # prefixed names are not keywords
                yield i, word.upper()
            i += len(word)
        elif c in "?$":
            m = re.match(r".[A-Za-z0-9_\u00b7\u00c0-\ufffd]*", query[i:])
            if m.end() > 1:
                yield i, "?" + m.group(0)[1:]
            i += m.end()
        else:
            i += 1


#: Words that only SPARQL Update uses: a request holding one is an update, whatever it claims.
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING"})


@dataclass(frozen=True)
class QueryShape:
    """What a request's SPARQL text is, read without parsing it fully."""

    form: str | None  # SELECT, CONSTRUCT, ASK, DESCRIBE, or None
    update: bool  # holds an update keyword (INSERT, DELETE, DROP …)
    service: bool  # holds a SERVICE (federated) clause
    dataset: bool  # names its own dataset with FROM / FROM NAMED


def query_shape(query: str) -> QueryShape:
    """The form of a query and whether it tries to write, call out, or pick its dataset.

    Keywords inside strings, IRIs, comments and prefixed names do not count.

    >>> query_shape('SELECT ?s WHERE { ?s ?p "DROP ALL" }')
    QueryShape(form='SELECT', update=False, service=False, dataset=False)
    >>> query_shape("PREFIX : <http://x/> DELETE WHERE { ?s :p ?o }").update
    True
    """
    form, update, service, dataset = None, False, False, False
    depth = 0
    for _, tok in _tokens(query):
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
        elif tok in UPDATE_KEYWORDS:
            update = True
        elif tok == "SERVICE":
            service = True
        elif depth == 0 and tok == "FROM":
            dataset = True
        elif depth == 0 and form is None and tok in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
            form = tok
    return QueryShape(form, update, service, dataset)


def outer_group_start(query: str) -> int:
    """Offset just after the ``{`` that opens the query's outer ``WHERE`` group.

    >>> q = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    >>> q[outer_group_start(q):]
    ' ?s ?p ?o }'
    """
    return _binding_points(query, set())[0][0]


def _binding_points(query: str, names: set[str]) -> list[tuple[int, set[str]]]:
    """Where VALUES rows go: (offset after ``{``, parameters to bind there).

    The outer WHERE group binds every parameter; any other graph pattern group
    that itself mentions a parameter (in a triple, FILTER or BIND) binds those
    it mentions, so that a FILTER inside a sub-SELECT or UNION branch sees the
    value, as with Oxigraph's substitutions. Groups that are not graph
    patterns (a CONSTRUCT template, a VALUES data block, the braces around a
    sub-SELECT) are left alone.
    """
    form = None
    after_where = False
    pending_values = False
    top_groups = 0
    # stack entries: [offset after "{", kind, variables used directly, first token seen]
    stack: list[list] = []
    points: list[tuple[int, set[str]]] = []
    outer: int | None = None
    for pos, tok in _tokens(query):
        if stack and stack[-1][3] is None:
            stack[-1][3] = tok
            if tok == "SELECT" and stack[-1][1] == "pattern":
                stack[-1][1] = "subselect"
        if tok == "{":
            if pending_values:
                kind = "data"
                pending_values = False
            elif not stack:
                top_groups += 1
                if form == "CONSTRUCT" and after_where and top_groups == 1:
                    if names:
                        raise QuerySyntaxError(
                            "parameters cannot be bound in a CONSTRUCT WHERE { … } short form: write CONSTRUCT { … } WHERE { … }")
                    kind = "pattern"
                elif form == "CONSTRUCT" and not after_where and top_groups == 1:
                    kind = "template"
                else:
                    kind = "pattern"
                    if outer is None:
                        outer = pos + 1
            else:
                kind = "pattern" if stack[-1][1] in ("pattern", "subselect") else "data"
            stack.append([pos + 1, kind, set(), None])
        elif tok == "}":
            if stack:
                start, kind, used, _ = stack.pop()
                if kind == "pattern" and start != outer and used & names:
                    points.append((start, used & names))
        elif tok == "VALUES":
            pending_values = True
        elif tok.startswith("?"):
            if stack:
                stack[-1][2].add(tok[1:])
        elif not stack and form is None and tok in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
            form = tok
        elif not stack and tok == "WHERE":
            after_where = True
    if outer is None:
        raise QuerySyntaxError("invalid SPARQL: no WHERE group to bind parameters in")
    return [(outer, set(names))] + points


def bind_values(query: str, params: dict[str, Term]) -> str:
    """The query with *params* bound by ``VALUES`` rows (see :func:`_binding_points`).

    Variable names are checked; values are written with :meth:`Term.n3`, so a
    value can never become query syntax.

    >>> q = "SELECT ?a ?x WHERE { { SELECT ?a ?x WHERE { ?x ?p ?n FILTER(?n = ?a) } } }"
    >>> print(bind_values(q, {"a": Term.literal("公安厅")}))
    SELECT ?a ?x WHERE { VALUES (?a) { ("公安厅") } { SELECT ?a ?x WHERE { VALUES (?a) { ("公安厅") } ?x ?p ?n FILTER(?n = ?a) } } }
    """
    if not params:
        return query
    for name in params:
        if not _VAR.match(name):
            raise FengongError(f"parameter name {name!r} is not a SPARQL variable name")
    out = query
    for at, names in sorted(_binding_points(query, set(params)), reverse=True):
        chosen = [n for n in params if n in names]
        row = " ".join(params[n].n3() for n in chosen)
        block = f" VALUES ({' '.join('?' + n for n in chosen)}) {{ ({row}) }}"
        out = out[:at] + block + out[at:]
    return out


def _term(t) -> Term | None:
    return Term.from_ox(t)


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint (Oxigraph server ``/query``, Fuseki ``/ds/sparql``, ``fengong serve``).

    *union*: ``"auto"`` (default) asks the endpoint once whether its default
    graph holds anything and, if not, sends every named graph as a
    ``default-graph-uri``; ``True`` always does; ``False`` never does.
    """

    engine = "remote"

    def __init__(self, endpoint: str, union: bool | str = "auto", http_timeout: float = 300.0):
        parsed = urllib.parse.urlsplit(endpoint)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise FengongError(f"{endpoint}: not an http(s) SPARQL endpoint URL")
        self.endpoint = endpoint
        self.union = union
        self.http_timeout = http_timeout
        self._default_graphs: list[str] | None = None

    # -- protocol ----------------------------------------------------------
    def _post(self, form: list[tuple[str, str]], accept: str, timeout: float | None = None) -> tuple[str, bytes]:
        body = urllib.parse.urlencode(form).encode("utf-8")
        req = urllib.request.Request(
            self.endpoint,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                "Accept": accept,
                "User-Agent": USER_AGENT,
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.http_timeout) as resp:
                return resp.headers.get("Content-Type", ""), resp.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()
            message = detail[0][:300] if detail else exc.reason
            if exc.code == 400:
                raise QuerySyntaxError(f"{self.endpoint}: query rejected (HTTP 400: {message})") from None
            if exc.code in (408, 503, 504) and "time" in message.lower():
                raise QueryTimeout(f"{self.endpoint}: query timed out (HTTP {exc.code}: {message})") from None
            raise FengongError(f"{self.endpoint}: HTTP {exc.code} {exc.reason} ({message})") from None
        except (socket.timeout, TimeoutError):
            raise QueryTimeout(f"query stopped: {self.endpoint} did not answer within {timeout or self.http_timeout:g} s") from None
        except urllib.error.URLError as exc:
            raise FengongError(f"{self.endpoint}: cannot connect ({getattr(exc.reason, 'strerror', None) or exc.reason})") from None
        except OSError as exc:
            raise FengongError(f"{self.endpoint}: connection failed ({exc.strerror or exc})") from None

    def _dataset(self, timeout: float | None = None) -> list[tuple[str, str]]:
        if self.union is False:
            return []
        if self._default_graphs is None:
            if self.union == "auto" and self._raw("ASK { ?s ?p ?o }", [], timeout).boolean:
                self._default_graphs = []
            else:
                rows = self._raw("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g", [], timeout).rows
                self._default_graphs = [r[0].value for r in rows if r[0] is not None]
        return [("default-graph-uri", g) for g in self._default_graphs]

    def _raw(self, query: str, dataset: list[tuple[str, str]], timeout: float | None = None) -> Result:
        kind = "graph" if query_shape(query).form in ("CONSTRUCT", "DESCRIBE") else "solutions"
        ctype, data = self._post([("query", query), *dataset], ACCEPT[kind], timeout)
        media = ctype.split(";")[0].strip().lower()
        if media in _GRAPH_FORMATS:
            try:
                triples = [(_term(t.subject), _term(t.predicate), _term(t.object)) for t in ox.parse(data, format=_GRAPH_FORMATS[media])]
            except SyntaxError as exc:
                raise FengongError(f"{self.endpoint}: unreadable {media} answer ({str(exc).splitlines()[0]})") from None
            return Result(vars=["subject", "predicate", "object"], triples=triples)
        fmt = _RESULT_FORMATS.get(media)
        if fmt is None:
            raise FengongError(f"{self.endpoint}: unexpected answer type {media or '(none)'}; is this a SPARQL endpoint?")
        try:
            res = ox.parse_query_results(data, format=fmt)
        except SyntaxError as exc:
            raise FengongError(f"{self.endpoint}: unreadable {media} answer ({str(exc).splitlines()[0]})") from None
        if isinstance(res, ox.QueryBoolean):
            return Result(boolean=bool(res))
        names = [v.value for v in res.variables]
        rows = [tuple(_term(sol[i]) for i in range(len(names))) for sol in res]
        return Result(vars=names, rows=rows)

    def query(self, query: str, params: dict[str, Term] | None = None, timeout: float | None = None,
              partition: str | None = None) -> Result:
        """Run a query on the endpoint; *timeout* bounds the HTTP exchange itself
        (no thread is left waiting on a slow server). *partition* is not used: the
        server's engine plans the query."""
        text = bind_values(_with_prefixes(query), params or {})
        return self._raw(text, self._dataset(timeout), timeout)

    def _query(self, query: str, params: dict[str, Term], partition: str | None = None) -> Result:
        return self._raw(bind_values(query, params), self._dataset())

    def __len__(self) -> int:
        res = self._raw("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", self._dataset())
        return int(res.rows[0][0].value)

    def graphs(self) -> list[str]:
        """Names of the endpoint's named graphs."""
        rows = self._raw("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g", []).rows
        return [r[0].value for r in rows if r[0] is not None]

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint!r})"
