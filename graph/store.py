"""One interface over the places a graph can live: embedded Oxigraph (in memory or
on disk), rdflib's Memory store (the slow reference engine), and a remote SPARQL
endpoint.

Everything downstream (query, analyze, matrix, viz, serve) reads the graph
through :class:`Store`, so a graph loaded from a file, an on-disk store or an
endpoint serves the same commands. Results come back as plain :class:`Term`
tuples, whatever the engine, so two engines can be compared row by row.

Parameters are bound, never pasted into the query text: Oxigraph substitutes
them (SEP-0007 ``substitutions``), rdflib takes ``initBindings``, and a remote
endpoint gets a ``VALUES`` block built from serialised terms.

>>> st = OxigraphStore()
>>> st.load_bytes(b'<http://a> <http://b> "c" .', "nt")
>>> st.query("SELECT ?o WHERE { ?s ?p ?o }").rows[0][0].value
'c'
"""

from __future__ import annotations

import io
import os
import re
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from . import FengongError
from .terminal import first_line
from .vocab import ID, PREFIXES

__all__ = [
    "Term",
    "Result",
    "Store",
    "OxigraphStore",
    "MemoryStore",
    "open_store",
    "FORMATS",
    "format_of",
    "QueryTimeout",
    "QuerySyntaxError",
    "PARTITIONS",
    "query_threads",
]

#: How a query may be split across threads (a library query's ``# partition:`` header):
#: ``plan`` — its result is the union, over the plans, of its result on one plan's named
#: graph together with the shared graphs (every row comes from one plan's statements and
#: no group spans two plans). A statement that several plans' graphs repeat (the title of
#: a plan they both cite) matches once per graph in the whole query but only once per
#: group when split: a query whose rows come from such statements must not claim it.
#: Some queries run whole whatever they claim (:func:`_splittable`).
PARTITIONS = ("plan",)

#: File endings and the RDF formats they hold.
FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}
_RDFLIB_FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".jsonld": "json-ld", ".rdf": "xml", ".owl": "xml"}


class QueryTimeout(FengongError):
    """A query ran past its time limit."""


class QuerySyntaxError(FengongError):
    """A query is not valid SPARQL."""


def format_of(path: str | Path) -> ox.RdfFormat:
    """The RDF format of a file, from its ending.

    >>> format_of("out/plan.trig") == ox.RdfFormat.TRIG
    True
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise FengongError(f"{path}: unknown RDF file type (use {', '.join(FORMATS)})")
    return FORMATS[suffix]


@dataclass(frozen=True)
class Term:
    """An RDF term as SPARQL results describe it (``uri``, ``literal``, ``bnode``)."""

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    def __str__(self) -> str:
        return self.value

    def n3(self) -> str:
        """The term in SPARQL/Turtle syntax, escaped: safe to place in a query.

        >>> Term("literal", 'a"b', lang="zh").n3()
        '"a\\\\"b"@zh'
        """
        if self.kind == "uri":
            return ox.NamedNode(self.value).__str__()
        if self.kind == "bnode":
            return f"_:{self.value}"
        if self.lang:
            return str(ox.Literal(self.value, language=self.lang))
        if self.datatype:
            return str(ox.Literal(self.value, datatype=ox.NamedNode(self.datatype)))
        return str(ox.Literal(self.value))

    def to_ox(self):
        if self.kind == "uri":
            return ox.NamedNode(self.value)
        if self.kind == "bnode":
            return ox.BlankNode(self.value)
        if self.lang:
            return ox.Literal(self.value, language=self.lang)
        return ox.Literal(self.value, datatype=ox.NamedNode(self.datatype) if self.datatype else None)

    def to_rdflib(self):
        import rdflib

        if self.kind == "uri":
            return rdflib.URIRef(self.value)
        if self.kind == "bnode":
            return rdflib.BNode(self.value)
        return rdflib.Literal(self.value, lang=self.lang, datatype=rdflib.URIRef(self.datatype) if self.datatype else None)

    @classmethod
    def from_ox(cls, t) -> "Term | None":
        if t is None:
            return None
        if isinstance(t, ox.NamedNode):
            return cls("uri", t.value)
        if isinstance(t, ox.BlankNode):
            return cls("bnode", t.value)
        if isinstance(t, ox.Literal):
            if t.language:
                return cls("literal", t.value, None, t.language)
            dt = t.datatype.value
            return cls("literal", t.value, None if dt == PREFIXES["xsd"] + "string" else dt)
        return cls("literal", str(t))

    @classmethod
    def from_rdflib(cls, t) -> "Term | None":
        import rdflib

        if t is None:
            return None
        if isinstance(t, rdflib.URIRef):
            return cls("uri", str(t))
        if isinstance(t, rdflib.BNode):
            return cls("bnode", str(t))
        if isinstance(t, rdflib.Literal):
            dt = str(t.datatype) if t.datatype else None
            if dt == PREFIXES["xsd"] + "string":
                dt = None
            # rdflib normalises some lexical forms; keep the written one
            return cls("literal", str(t), dt, t.language)
        return cls("literal", str(t))

    @classmethod
    def literal(cls, value, datatype: str | None = None, lang: str | None = None) -> "Term":
        return cls("literal", str(value), datatype, lang)

    @classmethod
    def uri(cls, value: str) -> "Term":
        return cls("uri", value)


class Result:
    """What a query returned: rows for SELECT, a boolean for ASK, triples for CONSTRUCT/DESCRIBE.

    Rows may be given as :class:`Term` tuples or, from Oxigraph, as the engine's
    own SPARQL TSV text, turned into terms only when ``rows`` is first read
    (:meth:`dicts` reads that text directly: analysis code wants plain strings).

    >>> r = Result(vars=["x"], rows=[(Term.uri("http://a"),)])
    >>> r.dicts()
    [{'x': 'http://a'}]
    """

    __slots__ = ("vars", "_rows", "boolean", "_triples", "_cells", "ntriples")

    def __init__(self, vars: list[str] | None = None, rows: list[tuple[Term | None, ...]] | None = None,
                 boolean: bool | None = None, triples: list[tuple[Term, Term, Term]] | None = None):
        self.vars = list(vars) if vars is not None else []
        self._rows = rows if rows is not None else []
        self.boolean = boolean
        self._triples = triples
        #: The rows as the cells of SPARQL TSV, until ``rows`` turns them into terms.
        self._cells: list[list[str]] | None = None
        #: The triples as N-Triples text, when the engine gave them so (kept for fast Turtle output).
        self.ntriples: str | None = None

    @classmethod
    def from_tsv(cls, vars: list[str], cells: list[list[str]]) -> "Result":
        """A SELECT result over the cells of SPARQL TSV rows (terms parsed lazily).

        >>> Result.from_tsv(["a", "b"], [['"x"@zh', ""]]).rows
        [(Term(kind='literal', value='x', datatype=None, lang='zh'), None)]
        """
        r = cls(vars=vars)
        r._cells = cells
        return r

    @property
    def tsv_cells(self) -> list[list[str]] | None:
        """The rows as SPARQL TSV cells when the engine gave them so and ``rows`` was not read yet."""
        return self._cells

    @classmethod
    def from_ntriples(cls, text: str) -> "Result":
        """A CONSTRUCT/DESCRIBE result over N-Triples text as Oxigraph writes it (terms parsed lazily;
        the text is trusted: Turtle output reads it back without syntax checks)."""
        r = cls(vars=["subject", "predicate", "object"])
        r.ntriples = text
        return r

    @property
    def triples(self) -> list[tuple[Term, Term, Term]] | None:
        if self._triples is None and self.ntriples is not None:
            self._triples = _ntriples(self.ntriples)
        return self._triples

    @triples.setter
    def triples(self, value) -> None:
        self._triples = value
        self.ntriples = None

    @property
    def rows(self) -> list[tuple[Term | None, ...]]:
        if self._cells is not None:
            get = _TsvTerms().__getitem__
            self._rows = [tuple(map(get, cells)) for cells in self._cells]
            self._cells = None
        return self._rows

    @rows.setter
    def rows(self, value) -> None:
        self._rows = value
        self._cells = None

    def __eq__(self, other) -> bool:
        if not isinstance(other, Result):
            return NotImplemented
        return (self.vars, self.rows, self.boolean, self.triples) == (other.vars, other.rows, other.boolean, other.triples)

    def __repr__(self) -> str:
        return f"Result(vars={self.vars!r}, rows={self.rows!r}, boolean={self.boolean!r}, triples={self.triples!r})"

    def column(self, name: str) -> list[Term | None]:
        i = self.vars.index(name)
        return [row[i] for row in self.rows]

    def dicts(self) -> list[dict[str, str | None]]:
        """Rows as ``{var: value}`` with plain string values (``None`` when unbound)."""
        names = self.vars
        if self._cells is not None:
            get = _TsvValues().__getitem__
            return [dict(zip(names, map(get, cells))) for cells in self._cells]
        return [{v: (t.value if t is not None else None) for v, t in zip(names, row)} for row in self.rows]

    def tuples(self, *names: str) -> list[tuple[str | None, ...]]:
        """Rows as tuples of plain string values of *names* (default: every variable, in order);
        cheaper than :meth:`dicts` for many rows.

        >>> Result(vars=["x", "y"], rows=[(Term.uri("http://a"), None)]).tuples("y", "x")
        [(None, 'http://a')]
        """
        if self._cells is not None:
            get = _TsvValues().__getitem__
            rows = [tuple(map(get, cells)) for cells in self._cells]
        else:
            rows = [tuple(t.value if t is not None else None for t in row) for row in self.rows]
        return _pick(self.vars, rows, names)


def _pick(vars: list[str], rows: list[tuple], names: tuple[str, ...]) -> list[tuple]:
    """*rows* (tuples in the order of *vars*) cut to the columns *names* (all when empty)."""
    if not names or list(names) == vars:
        return rows
    idx = [vars.index(n) for n in names]
    return [tuple(row[i] for i in idx) for row in rows]


# ---------------------------------------------------------------- SPARQL TSV cells

XSD_NS = PREFIXES["xsd"]
_TSV_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_TSV_UNESCAPE = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_TSV_LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"(?:@([^"]+)|\^\^<([^>]*)>)?', re.S)


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _TSV_ESCAPE.sub(_unescape_one, text)


def _unescape_one(m) -> str:
    code = m.group(1)
    if len(code) > 1:
        return chr(int(code[1:], 16))
    return _TSV_UNESCAPE.get(code, code)


def _tsv_term(cell: str) -> Term | None:
    """One cell of Oxigraph's SPARQL TSV as a :class:`Term`.

    >>> _tsv_term('"a\\\\tb"@zh')
    Term(kind='literal', value='a\\tb', datatype=None, lang='zh')
    >>> _tsv_term("-1.5").datatype
    'http://www.w3.org/2001/XMLSchema#decimal'
    """
    if not cell:
        return None
    first = cell[0]
    if first == "<":
        if cell.startswith("<<"):
            raise _NotPlain(cell)
        return Term("uri", cell[1:-1])
    if first == "_" and cell.startswith("_:"):
        return Term("bnode", cell[2:])
    if first == '"':
        m = _TSV_LITERAL.fullmatch(cell)
        if m is None:
            raise _NotPlain(cell)
        value, lang, dt = m.groups()
        value = _unescape(value)
        if lang:
            return Term("literal", value, None, lang)
        return Term("literal", value, None if dt is None or dt == XSD_NS + "string" else dt)
    # Oxigraph writes canonical numbers and booleans bare (Turtle shorthand).
    if cell in ("true", "false"):
        return Term("literal", cell, XSD_NS + "boolean")
    if "e" in cell or "E" in cell:
        return Term("literal", cell, XSD_NS + "double")
    if "." in cell:
        return Term("literal", cell, XSD_NS + "decimal")
    return Term("literal", cell, XSD_NS + "integer")


class _NotPlain(Exception):
    """A TSV cell this reader does not handle (an RDF-star triple term)."""


class _TsvTerms(dict):
    """Cell text → Term, each distinct cell parsed once."""

    def __missing__(self, cell: str) -> Term | None:
        term = self[cell] = _tsv_term(cell)
        return term


def _tsv_value(cell: str) -> str | None:
    """The plain value of one TSV cell, as ``_tsv_term(cell).value`` but without making the
    term: the analysis and the views read hundreds of thousands of cells.

    A literal's closing quote is its last ``"``: a language tag or a datatype IRI holds none.

    >>> _tsv_value('"a\\\\"b"@zh'), _tsv_value("<http://x>"), _tsv_value("_:b1"), _tsv_value("12"), _tsv_value("")
    ('a"b', 'http://x', 'b1', '12', None)
    """
    if not cell:
        return None
    first = cell[0]
    if first == "<":
        if cell.startswith("<<"):
            raise _NotPlain(cell)
        return cell[1:-1]
    if first == '"':
        return _unescape(cell[1:cell.rindex('"')])
    if first == "_" and cell.startswith("_:"):
        return cell[2:]
    return cell  # a number or boolean, written bare


class _TsvValues(dict):
    """Cell text → the term's plain value (what :meth:`Result.dicts` gives)."""

    def __missing__(self, cell: str) -> str | None:
        value = self[cell] = _tsv_value(cell)
        return value


# ---------------------------------------------------------------- ORDER BY, done in Python

# Oxigraph compares strings in ORDER BY by reading them from the store at every
# comparison: on disk that is most of a big query's time. A final ORDER BY of
# plain projected variables is therefore taken off the query and done here,
# on the decoded rows, with SPARQL's order (unbound < blank node < IRI < literal;
# numbers by value, strings by code point); a column whose literals this cannot
# order exactly as Oxigraph does sends the query back to the engine whole.
_OPAQUE = re.compile(r'#[^\n]*|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>')


def _blanked(text: str) -> str:
    """*text* with comments, strings and IRIs blanked out (newlines kept), so that keywords and
    braces can be searched for without matching inside them.

    >>> _blanked('SELECT ?x { ?x <http://a#LIMIT> ?y } # LIMIT')
    'SELECT ?x { ?x                  ?y }        '
    """
    return _OPAQUE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


_ORDER_BY = re.compile(r"(?i)\bORDER\s+BY\b")
_ORDER_KEY = re.compile(r"\s*(?:(?i:(ASC|DESC))\s*\(\s*[?$]([A-Za-z_][A-Za-z0-9_]*)\s*\)|[?$]([A-Za-z_][A-Za-z0-9_]*))")
_PROLOGUE_ITEM = re.compile(r"(?i)\s*(?:PREFIX\s+[^\s:]*:|BASE\b)")


def _select_first(blank: str) -> int:
    """Where the SELECT keyword of *blank* (IRIs and strings blanked out) ends, after its
    PREFIX/BASE lines; -1 when it is not a SELECT.

    A loop, not one regex: nested repeats of whitespace backtrack exponentially on a
    CONSTRUCT with many prefixes.
    """
    pos = 0
    while (m := _PROLOGUE_ITEM.match(blank, pos)) is not None:
        pos = m.end()
    m = re.compile(r"(?i)\s*SELECT\b").match(blank, pos)
    return m.end() if m else -1
_NUMERIC = {XSD_NS + t: t for t in ("integer", "decimal", "double", "float")}
_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def _split_order_by(query: str) -> tuple[str, list[tuple[str, bool]], int] | None:
    """*query* without a final ``ORDER BY ?a DESC(?b) …``, its keys (name, descending), and
    how many ORDER BY variables were added at the end of the projection to sort on.

    >>> _split_order_by("SELECT ?a { ?a ?b ?c } ORDER BY DESC(?a) ?b")
    ('SELECT ?a ?b { ?a ?b ?c } ', [('a', True), ('b', False)], 1)
    >>> _split_order_by("SELECT ?a { ?a ?b ?c } ORDER BY ?a LIMIT 3") is None
    True
    """
    blank = _blanked(query)
    found = list(_ORDER_BY.finditer(blank))
    select_end = _select_first(blank)
    if not found or select_end < 0:
        return None
    start = found[-1]
    head = blank[: start.start()]
    if head.count("{") != head.count("}") or "{" not in head:
        return None
    keys, pos = [], start.end()
    while True:
        m = _ORDER_KEY.match(blank, pos)
        if not m:
            break
        keys.append((m.group(2) or m.group(3), (m.group(1) or "").upper() == "DESC"))
        pos = m.end()
    if not keys or blank[pos:].strip():
        return None
    text = query[: start.start()]
    # ORDER BY variables the query does not project are projected too (and dropped after
    # sorting) when that cannot change the rows: no DISTINCT/REDUCED, no grouping, no *.
    clause_end = min((i for i in (blank.find("{", select_end), _find_word(blank, "WHERE", select_end)) if i >= 0), default=-1)
    if clause_end < 0:
        return None
    clause = blank[select_end:clause_end]
    projected = set(re.findall(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", clause))
    hidden = [name for name, _ in keys if name not in projected]
    hidden = list(dict.fromkeys(hidden))
    if hidden:
        tail = head[head.rfind("}"):]
        if "*" in clause or re.match(r"(?i)\s*(DISTINCT|REDUCED)\b", clause) or re.search(r"(?i)\b(GROUP\s+BY|HAVING)\b", tail) \
                or re.search(r"(?i)\bAS\b", clause):
            return None
        text = text[:clause_end].rstrip() + " " + " ".join(f"?{n}" for n in hidden) + " " + text[clause_end:]
    return text, keys, len(hidden)


def _find_word(text: str, word: str, start: int) -> int:
    m = re.compile(rf"(?i)\b{word}\b").search(text, start)
    return m.start() if m else -1


def _column_key(terms: list[Term | None]):
    """A sort key for the terms of one column in SPARQL order, or None if unsure."""
    kinds = set()
    for t in terms:
        if t is not None and t.kind == "literal":
            kinds.add((t.datatype, t.lang))
    if not kinds:
        return lambda t: (0, "") if t is None else (1 if t.kind == "bnode" else 2, t.value)
    if all(dt in _NUMERIC and lang is None for dt, lang in kinds):
        floating = {dt for dt, _ in kinds} & {XSD_NS + "double", XSD_NS + "float"}
        if floating and len(kinds) > 1:
            return None  # the engine promotes to float or double before comparing; exact values would not
        def number(t):
            if t.datatype == XSD_NS + "integer":
                return int(t.value)
            if t.datatype == XSD_NS + "decimal":
                return Decimal(t.value)
            value = float(t.value)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError(t.value)
            return value
        try:
            cache = {t: number(t) for t in set(terms) if t is not None and t.kind == "literal"}
        except (ValueError, ArithmeticError):
            return None
        return lambda t: (0, 0) if t is None else (1 if t.kind == "bnode" else 2, 0) if t.kind != "literal" else (3, cache[t])
    if len(kinds) == 1:
        dt, lang = next(iter(kinds))
        if dt is None or (dt == XSD_NS + "date" and all(t is None or t.kind != "literal" or _DATE.fullmatch(t.value) for t in terms)):
            return lambda t: (0, "") if t is None else ({"bnode": 1, "uri": 2}.get(t.kind, 3), t.value)
    return None


def _drop_last_columns(result: Result, count: int) -> None:
    """Remove the last *count* columns (variables projected only to sort on)."""
    keep = len(result.vars) - count
    result.vars = result.vars[:keep]
    if result.tsv_cells is not None:
        result._cells = [row[:keep] for row in result.tsv_cells]
    else:
        result.rows = [row[:keep] for row in result.rows]


def _ranks(values, key, desc: bool) -> dict:
    """Each distinct value of a column → its rank in SPARQL order (equal keys, equal ranks;
    negated for a descending key), so that a row sorts on a tuple of small integers."""
    ordered = sorted(values, key=key)
    ranks, rank, last = {}, 0, object()
    for v in ordered:
        k = key(v)
        if k != last:
            rank, last = rank + 1, k
        ranks[v] = -rank if desc else rank
    return ranks


def _iri_cells_key(cells: set[str]):
    """For a column of TSV cells that are all IRIs, their order's key (the IRI text) without
    making terms; None otherwise."""
    if all(c[:1] == "<" and c[1:2] != "<" for c in cells):
        return lambda c: c[1:-1]
    return None


def _sort_result(result: Result, keys: list[tuple[str, bool]]) -> bool:
    """Sort *result*'s rows by *keys* as SPARQL ORDER BY would; False (and unsorted) when unsure.

    One stable sort on a tuple of ranks per row: each column's distinct values are
    ordered once (a big result repeats its plans, sections and agencies).

    >>> r = Result.from_tsv(["a", "n"], [("<http://b>", "1"), ("<http://a>", "2"), ("<http://a>", "10")])
    >>> _sort_result(r, [("a", False), ("n", True)]), [row[1] for row in r.tsv_cells]
    (True, ['10', '2', '1'])
    """
    index = {n: i for i, n in enumerate(result.vars)}
    if any(name not in index for name, _ in keys):
        return False
    cells = result.tsv_cells
    rows = cells if cells is not None else result.rows
    terms = _TsvTerms()
    columns = []
    for name, desc in keys:
        i = index[name]
        distinct = {row[i] for row in rows}
        key = _iri_cells_key(distinct) if cells is not None else None
        if key is None:
            key = _column_key([terms[c] for c in distinct] if cells is not None else list(distinct))
            if key is None:
                return False
            if cells is not None:
                term_key = key
                key = lambda c, term_key=term_key: term_key(terms[c])  # noqa: E731
        columns.append(list(map(_ranks(distinct, key, desc).__getitem__, (row[i] for row in rows))))
    ranked = list(zip(*columns)) if len(columns) > 1 else columns[0]
    order = sorted(range(len(rows)), key=ranked.__getitem__)
    out = [rows[k] for k in order]
    if cells is not None:
        result._cells = out
    else:
        result.rows = out
    return True


def _with_prefixes(query: str) -> str:
    # Queries may use the project prefixes without declaring them.
    declared = {line.split()[1].rstrip(":").lower() for line in query.splitlines() if line.strip().upper().startswith("PREFIX ") and len(line.split()) > 1}
    extra = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if p not in declared)
    return extra + query


def _run_with_timeout(fn, timeout: float | None):
    if not timeout:
        return fn()
    box: dict = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        # The engine cannot be interrupted; the daemon thread is abandoned.
        raise QueryTimeout(f"query stopped: it ran past the {timeout:g} s time limit (--timeout)")
    if "error" in box:
        raise box["error"]
    return box["value"]


def _has_bom(path: str | Path) -> bool:
    """Whether the file at *path* starts with the UTF-8 byte order mark (False if unreadable:
    the load says why)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(3) == b"\xef\xbb\xbf"
    except OSError:
        return False


class Store:
    """A graph to query. Subclasses implement :meth:`_query` and loading."""

    engine = "abstract"
    #: What the graph was read from (files, a store directory, an endpoint), for messages.
    source = "graph"
    #: Whether the graph is on this machine: its queries may not call out with SERVICE.
    local = True

    def query(self, query: str, params: dict[str, Term] | None = None, timeout: float | None = None,
              partition: str | None = None) -> Result:
        """Run a SPARQL query with bound *params*; raise QuerySyntaxError/QueryTimeout.

        *partition* (one of :data:`PARTITIONS`) says how the query may be split to run on
        several cores; an engine that cannot split a query runs it whole. A local graph
        refuses ``SERVICE``: nothing fengong runs fetches from the network.
        """
        if self.local and ("service" in query.lower() or "\\u" in query.lower()):  # \u0053ERVICE too
            from .remote import calls_service

            if calls_service(query):
                raise FengongError("SERVICE (federated query) is not run on a local graph: fengong never fetches from "
                                   "the network at run time; send the query to that endpoint (--endpoint URL)")
        return _run_with_timeout(lambda: self._query(_with_prefixes(query), params or {}, partition), timeout)

    def _query(self, query: str, params: dict[str, Term], partition: str | None = None) -> Result:  # pragma: no cover - abstract
        raise NotImplementedError

    def __len__(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError


class OxigraphStore(Store):
    """Embedded Oxigraph, in memory or on disk (``path``); the default engine."""

    engine = "oxigraph"

    def __init__(self, path: str | Path | None = None, read_only: bool = False, store: ox.Store | None = None):
        if store is not None:
            self.ox = store
        elif path is None:
            self.ox = ox.Store()
        elif read_only:
            if not Path(path).is_dir():
                raise FengongError(f"{path}: no such store directory")
            try:
                self.ox = ox.Store.read_only(str(path))
            except (OSError, RuntimeError) as exc:  # RocksDB reports damage ("Corruption: …") as RuntimeError
                raise FengongError(f"{path}: cannot open store ({first_line(exc)})") from None
        else:
            self.ox = ox.Store(str(path))
        self.path = None if path is None or store is not None else str(path)

    def query(self, query: str, params: dict[str, Term] | None = None, timeout: float | None = None,
              partition: str | None = None) -> Result:
        try:
            return super().query(query, params, timeout, partition)
        except OSError as exc:
            raise FengongError(f"{self.path or 'query'}: cannot read ({first_line(exc)})") from None
        except RuntimeError as exc:  # a damaged on-disk store, found while reading
            if self.path is None:
                raise
            raise FengongError(f"{self.path}: cannot read the store ({first_line(exc)})") from None

    def load_bytes(self, data: bytes, fmt: str | ox.RdfFormat) -> None:
        if isinstance(fmt, str):
            fmt = FORMATS["." + fmt.lstrip(".")]
        self.ox.load(data, format=fmt)

    def load_file(self, path: str | Path) -> None:
        fmt = format_of(path)
        try:
            if _has_bom(path):  # a UTF-8 file saved by a Windows editor: the parser takes the BOM for text
                self.ox.bulk_load(Path(path).read_bytes()[3:], format=fmt)
            else:
                self.ox.bulk_load(path=str(path), format=fmt)
        except SyntaxError as exc:
            raise FengongError(f"{path}: not valid {fmt.name} ({first_line(exc)})") from None
        except OSError as exc:
            raise FengongError(f"{path}: cannot read ({exc})") from None

    def _query(self, query: str, params: dict[str, Term], partition: str | None = None) -> Result:
        subs = {ox.Variable(k): v.to_ox() for k, v in params.items()} or None
        split = _split_order_by(query)
        parts = self._partitions(query_threads()) if partition == "plan" and _splittable(query, split) else None

        def run(text: str, graphs=None):
            if graphs is None:
                return self.ox.query(text, use_default_graph_as_union=True, substitutions=subs)
            return self.ox.query(text, default_graph=graphs, substitutions=subs)

        def ordered(result: Result) -> Result:
            # The ORDER BY taken off the text, done here; else the engine orders it, whole.
            if split is not None:
                if not _sort_result(result, split[1]):
                    again = lambda: run(query)  # noqa: E731
                    return _solutions(again(), again)
                if split[2]:
                    _drop_last_columns(result, split[2])
            return result

        if parts is not None:
            try:
                result = _merged(run, split[0] if split else query, parts)
            except SyntaxError:
                result = None  # reported below, on the query as written
            if result is not None:
                return ordered(result)
        try:
            res = run(split[0] if split else query)
        except SyntaxError as exc:
            if split is None:
                raise QuerySyntaxError(f"invalid SPARQL: {first_line(exc)}") from None
            split, res = None, None  # report the error on the text as written
        if res is None:
            try:
                res = run(query)
            except SyntaxError as exc:
                raise QuerySyntaxError(f"invalid SPARQL: {first_line(exc)}") from None
        if isinstance(res, ox.QueryBoolean):
            return Result(boolean=bool(res))
        if isinstance(res, ox.QuerySolutions):
            return ordered(_solutions(res, lambda: run(split[0] if split else query)))
        # Oxigraph writes the triples in Rust; reading N-Triples back is much faster than Triple objects.
        return Result.from_ntriples(res.serialize(format=ox.RdfFormat.N_TRIPLES).decode("utf-8"))

    def _partitions(self, count: int) -> list[list] | None:
        """The plans' named graphs dealt into *count* groups, each with every other named
        graph (the shared agencies and places, the ontology); None when there is nothing to
        split: fewer than two plans, one thread, or statements in the default graph (which
        a group could not see)."""
        if count < 2 or next(self.ox.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is not None:
            return None
        plans, shared = [], []
        for g in self.ox.named_graphs():
            (plans if g.value.startswith(ID["plan"]) else shared).append(g)
        if len(plans) < 2:
            return None
        plans.sort(key=lambda g: g.value)
        count = min(count, len(plans))
        return [plans[i::count] + shared for i in range(count)]

    def __len__(self) -> int:
        return len(self.ox)

    def dump(self, fmt: ox.RdfFormat, union: bool = False, lines: bytes | None = None) -> bytes:
        """Serialise the store; *union* merges every graph into one (for triple formats).

        Statements come in sorted order (of their N-Quads/N-Triples text), so
        outputs diff well. *lines* may pass in :meth:`sorted_lines` already made
        for the same *union*, when several formats are written from one store.
        """
        union = union or not fmt.supports_datasets
        data = lines if lines is not None else self.sorted_lines(union)
        base = ox.RdfFormat.N_TRIPLES if union else ox.RdfFormat.N_QUADS
        if fmt == base:
            return data
        # Oxigraph parses and serialises in Rust; sorting the text lines is a C-level sort.
        # (Sorting Python Quad objects by str() was ~5x slower; see BENCHMARKS.md.)
        buf = io.BytesIO()
        ox.serialize(ox.parse(data, format=base), buf, fmt, prefixes=_ox_prefixes(fmt))
        return buf.getvalue()

    def sorted_lines(self, union: bool = False) -> bytes:
        """Every statement as a sorted N-Quads document, or with *union* as sorted,
        de-duplicated N-Triples (the merge of all graphs)."""
        if union:
            parts = []
            for g in (ox.DefaultGraph(), *self.ox.named_graphs()):
                buf = io.BytesIO()
                self.ox.dump(buf, ox.RdfFormat.N_TRIPLES, from_graph=g)
                parts.append(buf.getvalue())
            lines = list(set(b"".join(parts).split(b"\n")))
        else:
            buf = io.BytesIO()
            self.ox.dump(buf, ox.RdfFormat.N_QUADS)
            lines = buf.getvalue().split(b"\n")
        lines = [line for line in lines if line]
        lines.sort()
        return b"\n".join(lines) + (b"\n" if lines else b"")

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.ox.named_graphs())


_WHOLE_ONLY = re.compile(r"(?i)(?<![?$:\w])(LIMIT|OFFSET|GRAPH|FROM|ORDER\s+BY|ASK|DESCRIBE)\b")


def _splittable(query: str, split) -> bool:
    """Whether *query* (its ORDER BY taken off into *split*, if it could be) may run per group
    of plans at all, whatever its header says: not with LIMIT or OFFSET (they would apply per
    group), a top-level DISTINCT or REDUCED (rows of two groups may be equal), GRAPH or FROM
    (a group sees every named graph), an ORDER BY left in the text (the groups' rows would
    follow each other unsorted), nor for ASK or DESCRIBE.

    >>> _splittable("SELECT ?t WHERE { ?t a fg:Task } ORDER BY ?t", _split_order_by("SELECT ?t WHERE { ?t a fg:Task } ORDER BY ?t"))
    True
    >>> _splittable("SELECT ?t WHERE { ?t a fg:Task } ORDER BY ?t LIMIT 3", None)
    False
    >>> _splittable("SELECT DISTINCT ?p WHERE { ?s ?p ?o }", None)
    False
    """
    text = split[0] if split else query
    blank = _blanked(text)
    if _WHOLE_ONLY.search(blank):
        return False
    select_end = _select_first(blank)
    return not (select_end >= 0 and re.match(r"(?i)\s*(DISTINCT|REDUCED)\b", blank[select_end:]))


def query_threads() -> int:
    """How many threads a partitioned query runs in: the cores this process may use, at most 4.

    >>> 1 <= query_threads() <= 4
    True
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def _merged(run, text: str, parts: list[list]) -> Result | None:
    """*text* run on each group of graphs in *parts*, one thread each, and the results
    joined: SELECT rows concatenated, CONSTRUCT triples de-duplicated. None for what
    this cannot join (ASK, RDF-star terms); the caller then runs the query whole.

    Oxigraph evaluates a query on one core and releases the GIL while it does, so the
    groups run side by side; a result object must stay in the thread that made it.
    """
    out: list = [None] * len(parts)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            res = run(text, parts[i])
            if isinstance(res, ox.QuerySolutions):
                out[i] = ([v.value for v in res.variables], res.serialize(format=ox.QueryResultsFormat.TSV))
            elif isinstance(res, ox.QueryTriples):
                out[i] = (None, res.serialize(format=ox.RdfFormat.N_TRIPLES))
        except BaseException as exc:  # handed to the caller's thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(1, len(parts))]
    for t in threads:
        t.start()
    work(0)
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    if any(o is None for o in out):
        return None
    names = out[0][0]
    if names is None:
        # The groups share the agencies' statements: each triple once, in the groups' order
        # (Turtle output sorts them).
        lines = dict.fromkeys(line for _, data in out for line in data.split(b"\n") if line)
        return Result.from_ntriples(b"".join(line + b"\n" for line in lines).decode("utf-8"))
    if not names:
        return None
    data = "".join(d.decode("utf-8").partition("\n")[2] for _, d in out)
    if "<<" in data:
        return None
    return _tsv_result(names, data)


def _tsv_result(names: list[str], rows: str) -> Result:
    """A result over the lines of SPARQL TSV rows (no header).

    Tabs and newlines inside literals are escaped in TSV, so every line has one tab
    fewer than it has cells: one split of the whole text, then rows of ``len(names)``.

    >>> _tsv_result(["a", "b"], '<http://x>\\t"y"\\n\\t1\\n').tsv_cells
    [('<http://x>', '"y"'), ('', '1')]
    """
    if rows.endswith("\n"):
        rows = rows[:-1]
    elif not rows:
        return Result.from_tsv(names, [])
    flat = rows.replace("\n", "\t").split("\t")
    return Result.from_tsv(names, list(zip(*[iter(flat)] * len(names))))


def _solutions(res, again) -> Result:
    """A SELECT result from Oxigraph, read from its own TSV writer (Python term objects are slow).

    *again* runs the query anew, for what the TSV reader leaves to the object
    interface: no variables, or RDF-star triple terms.
    """
    names = [v.value for v in res.variables]
    if names:
        data = res.serialize(format=ox.QueryResultsFormat.TSV).decode("utf-8")
        if "<<" not in data:
            return _tsv_result(names, data.partition("\n")[2])
        res = again()
    rows = [tuple(Term.from_ox(sol[i]) for i in range(len(names))) for sol in res]
    return Result(vars=names, rows=rows)


def _ntriples(data: str) -> list[tuple[Term, Term, Term]]:
    """Triples from N-Triples text as Oxigraph writes it (one per line, single spaces)."""
    get = _TsvTerms().__getitem__
    out = []
    for line in data.split("\n"):
        if not line:
            continue
        s_end = line.index(" ")
        p_end = line.index(" ", s_end + 1)
        out.append((get(line[:s_end]), get(line[s_end + 1:p_end]), get(line[p_end + 1:-2])))
    return out


def _ox_prefixes(fmt: ox.RdfFormat) -> dict[str, str] | None:
    return dict(PREFIXES) if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None


class MemoryStore(Store):
    """rdflib's own in-memory Dataset and SPARQL engine (``--store memory``)."""

    engine = "memory"

    def __init__(self):
        import rdflib

        self.dataset = rdflib.Dataset(default_union=True)

    def load_bytes(self, data: bytes, fmt: str) -> None:
        self.dataset.parse(data=data, format=_RDFLIB_FORMATS["." + fmt.lstrip(".")])

    def load_file(self, path: str | Path) -> None:
        suffix = Path(path).suffix.lower()
        if suffix not in _RDFLIB_FORMATS:
            raise FengongError(f"{path}: unknown RDF file type (use {', '.join(FORMATS)})")
        try:
            self.dataset.parse(str(path), format=_RDFLIB_FORMATS[suffix])
        except Exception as exc:  # rdflib raises many types for bad input
            raise FengongError(f"{path}: not valid {suffix[1:]} ({first_line(exc)})") from None

    def _query(self, query: str, params: dict[str, Term], partition: str | None = None) -> Result:
        from pyparsing import ParseException

        bindings = {k: v.to_rdflib() for k, v in params.items()}
        try:
            res = self.dataset.query(query, initBindings=bindings or None)
        except ParseException as exc:
            raise QuerySyntaxError(f"invalid SPARQL: {exc.msg} at line {exc.lineno}, column {exc.col}") from None
        if res.type == "ASK":
            return Result(boolean=bool(res.askAnswer))
        if res.type == "SELECT":
            names = [str(v) for v in res.vars]
            rows = [tuple(Term.from_rdflib(row[i]) for i in range(len(names))) for row in res]
            return Result(vars=names, rows=rows)
        triples = [tuple(Term.from_rdflib(x) for x in t) for t in res]
        return Result(vars=["subject", "predicate", "object"], triples=triples)

    def __len__(self) -> int:
        return sum(len(g) for g in self.dataset.graphs())


def open_store(
    graph: str | Path | Iterable[str | Path] | None = None,
    store_dir: str | Path | None = None,
    engine: str = "oxigraph",
    endpoint: str | None = None,
) -> Store:
    """Open the graph that a command should read.

    * *endpoint*: a remote SPARQL endpoint;
    * *store_dir*: an on-disk Oxigraph store written by ``fengong build --store``;
    * *graph*: one or more RDF files (TriG keeps each plan's named graph);
    * none of these: ``out/plan.trig`` when it exists, else the bundled plan, built now.

    The store's :attr:`~Store.source` names what was opened, for messages.
    """
    if endpoint:
        from .remote import RemoteStore
        from .transport import shown

        st = RemoteStore(endpoint)
        st.source = shown(endpoint)  # a password in the URL is never printed
        return st
    if store_dir:
        if engine != "oxigraph":
            raise FengongError(f"{store_dir}: an on-disk store is read with Oxigraph; drop --store memory")
        st = OxigraphStore(store_dir, read_only=True)
        st.source = str(store_dir)
        return st
    files = [graph] if isinstance(graph, (str, Path)) else list(graph or [])
    st: OxigraphStore | MemoryStore = OxigraphStore() if engine == "oxigraph" else MemoryStore()
    if not files:
        default = Path("out/plan.trig")
        if default.exists():
            files = [default]
        else:
            from .build import bundled_dataset

            data = bundled_dataset()
            st.load_bytes(data, "nq")
            st.source = "the bundled plan"
            return st
    st.source = ", ".join(map(str, files))
    for f in files:
        if not Path(f).exists():
            raise FengongError(f"{f}: no such graph file")
        st.load_file(f)
    return st
