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
import urllib.parse
from dataclasses import dataclass, field

import pyoxigraph as ox

from . import FengongError
from .store import QuerySyntaxError, QueryTimeout, Result, Store, Term, _with_prefixes
from .terminal import first_line
from .transport import USER_AGENT, TransportTimeout, exchange, shown

__all__ = ["RemoteStore", "parse_answer", "bind_values", "outer_group_start", "query_shape", "QueryShape", "USER_AGENT", "UPDATE_KEYWORDS"]

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


# The SPARQL 1.1 grammar's terminals (section 19.8), so that what is read here as a string,
# IRI, prefixed name or comment is exactly what a conforming parser reads so.
_PN_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d"
            "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_PN_U = _PN_BASE + "_"
_PN = _PN_U + r"\-0-9\u00b7\u0300-\u036f\u203f\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL = f"(?:[{_PN_U}:0-9]|{_PLX})(?:(?:[{_PN}.:]|{_PLX})*(?:[{_PN}:]|{_PLX}))?"
_TOKEN = re.compile(
    r"(?P<skip>\s+|#[^\n\r]*)"  # white space, a comment
    r'|(?P<text>"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""'  # strings
    r"|'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\[^\n\r])*"'
    r"|'(?:[^'\\\n\r]|\\[^\n\r])*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>)'  # an IRI
    f"|(?P<name>:(?:{_LOCAL})?)"  # a prefixed name with the empty prefix
    f"|(?P<var>[?$][{_PN_U}0-9][{_PN_U}0-9\u00b7\u0300-\u036f\u203f\u2040]*)"
    # A prefix, or keywords: which one is told by what follows (a prefix cannot end in ".").
    f"|(?P<run>[{_PN_BASE}][{_PN}.]*)"
    r"|(?P<brace>[{}])"
)
_LOCAL_NAME = re.compile(_LOCAL)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _tokens(query: str):
    """(position, token) for the parts of a query that matter for finding groups:
    ``{``, ``}``, keywords (upper-cased) and variables (``?name``), skipping
    comments, strings, IRIs and prefixed names. One pass, linear in the text.

    Anything else (an operator, a quote that opens no well-formed string) is
    passed over one character at a time: text is skipped only where the grammar
    makes it a string, IRI, prefixed name or comment.

    >>> [t for _, t in _tokens('PREFIX 机构: <http://x/> ASK { ?s 机构:p "}" } # }')]
    ['PREFIX', 'ASK', '{', '?s', '}']
    >>> [t for _, t in _tokens('ASK { ?s ex:o#(" } ')]  # "#" ends a name and starts a comment
    ['ASK', '{', '?s']
    """
    for i, kind, text in _pieces(query):
        if kind == "run":
            # Keywords, each once: the run is read once whatever its length (a prefix tried at
            # every letter of "a.a.a.…" took quadratic time).
            for w in _WORD.finditer(text):
                yield i + w.start(), w.group().upper()
        elif kind == "var":
            yield i, "?" + text[1:]
        elif kind == "brace":
            yield i, text


def _pieces(query: str):
    """(position, kind, text) for the pieces of *query* but its white space and comments:
    ``text`` (strings, IRIs), ``name`` (prefixed names), ``var``, ``run`` (keywords, perhaps
    several joined by dots), ``brace``, or ``char`` (anything else, one character)."""
    i, n = 0, len(query)
    match = _TOKEN.match
    while i < n:
        m = match(query, i)
        if m is None:
            yield i, "char", query[i]
            i += 1
            continue
        kind, end = m.lastgroup, m.end()
        if kind == "run" and end < n and query[end] == ":" and query[end - 1] != ".":
            local = _LOCAL_NAME.match(query, end + 1)  # a prefixed name: its local part too
            kind, end = "name", (local.end() if local else end + 1)
        if kind != "skip":
            yield i, kind, query[i:end]
        i = end


def projected_variables(query: str) -> list[str] | None:
    """The variables a SELECT query's answer must have, in order; None for ``SELECT *`` or
    another form.

    >>> projected_variables("PREFIX a: <http://x/> SELECT DISTINCT ?a (COUNT(?b) AS ?n) $c WHERE { ?a ?b ?c }")
    ['a', 'n', 'c']
    >>> projected_variables("SELECT * { ?s ?p ?o }"), projected_variables("ASK { ?s ?p ?o }")
    (None, None)
    """
    names: list[str] = []
    selecting, depth, after_as = False, 0, False
    for _, kind, text in _pieces(query):
        word = text.upper() if kind == "run" else None
        if not selecting:
            if word in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
                if word != "SELECT":
                    return None
                selecting = True
            continue
        if kind == "brace" or word in ("WHERE", "FROM"):
            break
        if kind == "char" and text == "(":
            depth += 1
        elif kind == "char" and text == ")":
            depth -= 1
        elif kind == "char" and text == "*" and depth == 0:
            return None
        elif kind == "var" and (depth == 0 or after_as):
            names.append(text[1:])
        after_as = word == "AS"
    return names or None


def calls_service(query: str) -> bool:
    """Whether *query* holds a ``SERVICE`` clause: a keyword that starts with the letters (an
    engine reads ``SERVICESILENT<…>`` and ``SERVICE:x`` as the clause), in the text as written
    or with its ``\\u`` escapes replaced. A prefixed name such as ``ex:serviceArea`` is no
    clause (the server, which cannot tell every glued form, refuses those too:
    :func:`query_shape`).

    >>> calls_service("SELECT * { SERVICESILENT<http://h/> { } }"), calls_service("SELECT ?s { ?s ex:serviceArea ?o }")
    (True, False)
    """
    for text in {query, _unescaped(query)}:
        for _, kind, piece in _pieces(text):
            if kind in ("run", "name") and piece.split(":", 1)[0].upper().startswith("SERVICE"):
                return True
    return False


def _mentions_service(query: str) -> bool:
    """Whether "service" (any case) is in the query outside its strings, IRIs and comments.

    Oxigraph reads a keyword with no break after it (``SERVICESILENT<…>``, ``SERVICEex:x``,
    ``SERVICE:x``), so the grammar's tokens alone cannot find the clause: any name or word
    holding the letters counts. That refuses a prefixed name such as ``ex:service`` too;
    the IRI written in full (``<…/service>``) passes.

    >>> _mentions_service("SELECT * { SERVICESILENT<http://h/> { } }"), _mentions_service('ASK { ?s ?p "service" }')
    (True, False)
    """
    return any(kind in ("run", "name") and "service" in text.lower() for _, kind, text in _pieces(query))


def _unescaped(query: str) -> str:
    r"""*query* with its ``\uXXXX`` and ``\UXXXXXXXX`` escapes replaced, which SPARQL 1.1
    (section 19.2) lets a parser do before it reads the text at all.

    >>> _unescaped(r"ASK { \u003Fs ?p '\u4e2d' }")
    "ASK { ?s ?p '中' }"
    """
    def char(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group()

    return _CODEPOINT.sub(char, query) if "\\" in query else query


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
    form, update, dataset = None, False, False
    service = _mentions_service(query)  # a SERVICE keyword among them
    depth = 0
    unescaped = _unescaped(query)
    if unescaped != query:
        # Read with its escapes replaced too: an engine that replaces them first must not
        # find a SERVICE or an update that the reading of the text as written hides.
        again = query_shape(unescaped)
        update, service = again.update, service or again.service
    for _, tok in _tokens(query):
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
        elif tok in UPDATE_KEYWORDS:
            update = True
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


@dataclass(eq=False)
class _Group:
    """A ``{ … }`` met while :func:`_binding_points` reads a query."""

    start: int  # offset after its "{"
    kind: str  # pattern, subselect (the braces around a sub-SELECT), template or data
    before: str | None  # the token before its "{" (OPTIONAL, UNION …)
    used: set[str] = field(default_factory=set)  # variables named directly in it
    first: str | None = None  # its first token
    results: set[str] | None = None  # a sub-SELECT's result variables; None with expressions (AS)
    where: int | None = None  # a sub-SELECT's: offset after its WHERE group's "{"


def _binding_points(query: str, names: set[str]) -> list[tuple[int, set[str]]]:
    """Where VALUES rows go: (offset after ``{``, parameters to bind there).

    The outer WHERE group binds every parameter; any other graph pattern group
    that itself mentions a parameter (in a triple, FILTER or BIND) binds those
    it mentions, so that a FILTER inside a sub-SELECT or UNION branch sees the
    value, as with Oxigraph's substitutions. Groups that are not graph
    patterns (a CONSTRUCT template, a VALUES data block, the braces around a
    sub-SELECT) are left alone.

    A parameter the outer group names only through a sub-SELECT that it joins
    (not OPTIONAL, MINUS or a UNION branch) and that returns the parameter by
    name is bound at the start of that sub-SELECT's WHERE group instead: the
    same rows, and Virtuoso 7 drops every row when it joins a value bound
    outside with the same value returned from a sub-SELECT over a UNION.
    """
    form = None
    after_where = False
    pending_values = False
    top_groups = 0
    prev = None
    stack: list[_Group] = []
    points: list[tuple[int, set[str]]] = []
    outer: int | None = None
    outer_used: set[str] = set()
    joined: list[tuple[int, set[str]]] = []  # sub-SELECTs the outer group joins: (WHERE offset, result variables)
    closed = None  # the last child of the outer group closed: kept unless UNION follows
    for pos, tok in _tokens(query):
        if closed is not None:
            if tok != "UNION":
                joined.append(closed)
            closed = None
        top = stack[-1] if stack else None
        if top is not None and top.first is None:
            top.first = tok
            if tok == "SELECT" and top.kind == "pattern":
                top.kind = "subselect"
                top.results = set()
        elif top is not None and top.kind == "subselect" and top.where is None and tok not in ("{", "WHERE"):
            if tok.startswith("?") and top.results is not None:
                top.results.add(tok[1:])
            elif tok == "AS":
                top.results = None
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
                kind = "pattern" if stack[-1].kind in ("pattern", "subselect") else "data"
                if stack[-1].kind == "subselect" and stack[-1].where is None:
                    stack[-1].where = pos + 1
            stack.append(_Group(pos + 1, kind, prev))
        elif tok == "}":
            if stack:
                g = stack.pop()
                if g.kind == "pattern" and g.start != outer and g.used & names:
                    points.append((g.start, g.used & names))
                if g.start == outer:
                    outer_used = g.used
                elif (len(stack) == 1 and stack[0].start == outer and g.kind == "subselect" and g.results
                      and g.where is not None and g.before not in ("OPTIONAL", "MINUS", "EXISTS", "SERVICE", "UNION", "GRAPH")):
                    closed = (g.where, g.results)
        elif tok == "VALUES":
            pending_values = True
        elif tok.startswith("?"):
            if stack:
                stack[-1].used.add(tok[1:])
        elif not stack and form is None and tok in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
            form = tok
        elif not stack and tok == "WHERE":
            after_where = True
        prev = tok
    if closed is not None:
        joined.append(closed)
    if outer is None:
        raise QuerySyntaxError("invalid SPARQL: no WHERE group to bind parameters in")
    at: dict[int, set[str]] = {outer: set(names)}
    for start, bound in points:
        at.setdefault(start, set()).update(bound)
    for name in names - outer_used:
        where = next((w for w, results in joined if name in results), None)
        if where is not None:
            at[outer].discard(name)
            at.setdefault(where, set()).add(name)
    return [(start, bound) for start, bound in at.items() if bound or start == outer]


def bind_values(query: str, params: dict[str, Term]) -> str:
    """The query with *params* bound by ``VALUES`` rows (see :func:`_binding_points`).

    Variable names are checked; values are written with :meth:`Term.n3` (a plain
    string typed: :func:`_value_n3`), so a value can never become query syntax.

    >>> q = "SELECT ?a ?x WHERE { ?x a ?a { SELECT ?a ?x WHERE { ?x ?p ?n FILTER(?n = ?a) } } }"
    >>> print(bind_values(q, {"a": Term.literal("公安厅", lang="zh")}))
    SELECT ?a ?x WHERE { VALUES (?a) { ("公安厅"@zh) } ?x a ?a { SELECT ?a ?x WHERE { VALUES (?a) { ("公安厅"@zh) } ?x ?p ?n FILTER(?n = ?a) } } }
    >>> print(bind_values(q.replace("?x a ?a ", ""), {"a": Term.uri("http://x/a")}))  # the sub-SELECT binds it
    SELECT ?a ?x WHERE { { SELECT ?a ?x WHERE { VALUES (?a) { (<http://x/a>) } ?x ?p ?n FILTER(?n = ?a) } } }
    """
    if not params:
        return query
    for name in params:
        if not _VAR.match(name):
            raise FengongError(f"parameter name {name!r} is not a SPARQL variable name")
    out = query
    for at, names in sorted(_binding_points(query, set(params)), reverse=True):
        chosen = [n for n in params if n in names]
        if not chosen:
            continue
        row = " ".join(_value_n3(params[n]) for n in chosen)
        block = f" VALUES ({' '.join('?' + n for n in chosen)}) {{ ({row}) }}"
        out = out[:at] + block + out[at:]
    return out


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _value_n3(term: Term) -> str:
    """*term* as a VALUES entry; a plain string is written typed, ``"…"^^xsd:string``.

    The same term in RDF 1.1, but Virtuoso 7 reads a plain literal outside ASCII in a
    query as Latin-1 (``"十七"`` came back as ``"??"`` and matched no task).

    >>> _value_n3(Term.literal("十七"))
    '"十七"^^<http://www.w3.org/2001/XMLSchema#string>'
    """
    if term.kind == "literal" and not term.lang and not term.datatype:
        return f"{term.n3()}^^<{_XSD_STRING}>"  # by hand: Oxigraph writes xsd:string plain
    return term.n3()


def _term(t) -> Term | None:
    return Term.from_ox(t)


def parse_answer(data: bytes, fmt: ox.RdfFormat | ox.QueryResultsFormat) -> Result:
    """A SPARQL answer as a :class:`Result`: a graph (CONSTRUCT, DESCRIBE) in an RDF format, or
    solutions or a boolean in a query-results format. Raises ``SyntaxError`` on bad *data*.

    >>> parse_answer(b'{"head": {}, "boolean": true}', ox.QueryResultsFormat.JSON).boolean
    True
    """
    if isinstance(fmt, ox.RdfFormat):
        triples = [(_term(t.subject), _term(t.predicate), _term(t.object)) for t in ox.parse(data, format=fmt)]
        return Result(vars=["subject", "predicate", "object"], triples=triples)
    res = ox.parse_query_results(data, format=fmt)
    if isinstance(res, ox.QueryBoolean):
        return Result(boolean=bool(res))
    names = [v.value for v in res.variables]
    return Result(vars=names, rows=[tuple(_term(sol[i]) for i in range(len(names))) for sol in res])


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint (Oxigraph server ``/query``, Fuseki ``/ds/sparql``, ``fengong serve``).

    Its queries may use ``SERVICE``: the server decides whether to run them.

    *endpoint* may also be the server's root or a Fuseki dataset; the query URL is
    worked out as ``fengong push`` works it out (:func:`fengong.push.endpoints`).
    *union*: ``"auto"`` (default) sends every named graph as a ``default-graph-uri``
    when the endpoint's default graph does not already hold them; ``True`` always
    does; ``False`` never does. What a reader should know about an answer (a row
    limit the server applied, graphs left out) is added to :attr:`notes`.
    """

    engine = "remote"
    local = False

    def __init__(self, endpoint: str, union: bool | str = "auto", http_timeout: float = 300.0):
        from .push import endpoints  # push reads this module's USER_AGENT

        self.endpoint = endpoints(endpoint).query
        self.union = union
        self.http_timeout = http_timeout
        self._default_graphs: list[str] | None = None
        #: Warnings about the answers, each once, for the command to print.
        self.notes: list[str] = []

    def _note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    # -- protocol ----------------------------------------------------------
    def _post(self, form: list[tuple[str, str]], accept: str, timeout: float | None = None) -> tuple[str, bytes]:
        body = urllib.parse.urlencode(form).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": accept}
        where = shown(self.endpoint)
        try:
            answer = exchange("POST", self.endpoint, body, headers, timeout or self.http_timeout)
        except TransportTimeout:
            raise QueryTimeout(f"query stopped: {where} did not answer within {timeout or self.http_timeout:g} s") from None
        if 300 <= answer.status < 400:
            moved = answer.header("Location")
            raise FengongError(f"{where}: HTTP {answer.status} {answer.reason}: the endpoint moved"
                               + (f" to {shown(moved)}; give that URL" if moved else ""))
        if answer.status >= 400:
            message = answer.first_line() or answer.reason
            if answer.status == 400:
                raise QuerySyntaxError(f"{where}: query rejected (HTTP 400: {message})")
            if answer.status in (408, 503, 504) and "time" in message.lower():
                raise QueryTimeout(f"{where}: query timed out (HTTP {answer.status}: {message})")
            raise FengongError(f"{where}: HTTP {answer.status} {answer.reason} ({message}){answer.refusal(self.endpoint)}")
        truncated = answer.header("Fengong-Truncated")
        if truncated.startswith("true"):
            limit = truncated.partition("limit=")[2]
            self._note(f"{where} cut the answer off at its row limit" + (f" of {limit} rows" if limit else "")
                       + "; the result is incomplete")
        return answer.header("Content-Type"), answer.body

    def _dataset(self, timeout: float | None = None) -> list[tuple[str, str]]:
        if self.union is False:
            return []
        if self._default_graphs is None:
            filled = self.union == "auto" and self._raw("ASK { ?s ?p ?o }", [], timeout).boolean
            try:
                graphs = self._named_graphs(timeout)
            except FengongError as exc:
                if not filled:
                    raise
                # A big public endpoint may not list its graphs in time: its default graph it is.
                self._default_graphs = []
                self._note(f"{shown(self.endpoint)}: could not list its named graphs ({exc}); read its default graph")
                return []
            self._default_graphs = graphs
            if filled and graphs:
                if self._default_holds_named(graphs, timeout):
                    self._default_graphs = []  # a union default graph, as fengong serve's
                else:
                    self._note(f"{shown(self.endpoint)}: its default graph holds statements of its own and not those "
                               f"of its {len(graphs)} named graphs; read the named graphs (the default graph's own "
                               "statements are left out)")
        return [("default-graph-uri", g) for g in self._default_graphs]

    def _named_graphs(self, timeout: float | None = None) -> list[str]:
        """The endpoint's named graphs (those holding statements), sorted."""
        rows = self._raw("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g", [], timeout).rows
        return [r[0].value for r in rows if r[0] is not None]

    def _default_holds_named(self, graphs: list[str], timeout: float | None = None) -> bool:
        """Whether the default graph already holds the named graphs *graphs* (a server run with
        a union default graph): a statement from each of up to 8 of them, spread over the list
        (blank nodes aside, which cannot be asked for by name), must be in it."""
        rows = []
        for g in graphs[:: max(1, len(graphs) // 8)][:8]:
            found = self._raw(f"SELECT ?s ?p ?o WHERE {{ GRAPH {Term.uri(g).n3()} {{ ?s ?p ?o "
                              "FILTER(!isBlank(?s) && !isBlank(?o)) } } LIMIT 1", [], timeout).rows
            rows += [" ".join(t.n3() for t in row) for row in found if None not in row]
        if not rows:
            return True
        values = " ".join(f"({row})" for row in rows)
        missing = f"ASK {{ VALUES (?s ?p ?o) {{ {values} }} FILTER NOT EXISTS {{ ?s ?p ?o }} }}"
        return not self._raw(missing, [], timeout).boolean

    def _raw(self, query: str, dataset: list[tuple[str, str]], timeout: float | None = None) -> Result:
        kind = "graph" if query_shape(query).form in ("CONSTRUCT", "DESCRIBE") else "solutions"
        ctype, data = self._post([("query", query), *dataset], ACCEPT[kind], timeout)
        media = ctype.split(";")[0].strip().lower()
        fmt = _GRAPH_FORMATS.get(media) or _RESULT_FORMATS.get(media)
        if fmt is None:
            raise FengongError(f"{shown(self.endpoint)}: unexpected answer type {media or '(none)'}; is this a SPARQL endpoint?")
        try:
            result = parse_answer(data, fmt)
        except SyntaxError as exc:
            raise FengongError(f"{shown(self.endpoint)}: unreadable {media} answer ({first_line(exc)})") from None
        return self._as_asked(result, query)

    def _as_asked(self, result: Result, query: str) -> Result:
        """*result* with its columns in the order the query projects them; an answer with other
        variables (not the query it was sent) is an error, not rows read under the wrong names."""
        expected = projected_variables(query) if result.rows is not None and result.boolean is None else None
        if expected is None or result.vars == expected:
            return result
        if sorted(result.vars) != sorted(expected):
            got = " ".join("?" + v for v in result.vars) or "none"
            raise FengongError(f"{shown(self.endpoint)}: answered with the variables {got}, not the query's "
                               f"{' '.join('?' + v for v in expected)}; is this a SPARQL 1.1 endpoint?")
        order = [result.vars.index(v) for v in expected]
        return Result(vars=list(expected), rows=[tuple(row[i] for i in order) for row in result.rows])

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
        return self._named_graphs()

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint!r})"
