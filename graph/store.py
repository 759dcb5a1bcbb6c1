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
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from . import FengongError
from .vocab import PREFIXES

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
]

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


@dataclass
class Result:
    """What a query returned: rows for SELECT, a boolean for ASK, triples for CONSTRUCT/DESCRIBE."""

    vars: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Term, Term, Term]] | None = None

    def column(self, name: str) -> list[Term | None]:
        i = self.vars.index(name)
        return [row[i] for row in self.rows]

    def dicts(self) -> list[dict[str, str | None]]:
        """Rows as ``{var: value}`` with plain string values (``None`` when unbound)."""
        return [{v: (t.value if t is not None else None) for v, t in zip(self.vars, row)} for row in self.rows]


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


class Store:
    """A graph to query. Subclasses implement :meth:`_query` and loading."""

    engine = "abstract"

    def query(self, query: str, params: dict[str, Term] | None = None, timeout: float | None = None) -> Result:
        """Run a SPARQL query with bound *params*; raise QuerySyntaxError/QueryTimeout."""
        return _run_with_timeout(lambda: self._query(_with_prefixes(query), params or {}), timeout)

    def _query(self, query: str, params: dict[str, Term]) -> Result:  # pragma: no cover - abstract
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
            except OSError as exc:
                raise FengongError(f"{path}: cannot open store ({exc})") from None
        else:
            self.ox = ox.Store(str(path))

    def load_bytes(self, data: bytes, fmt: str | ox.RdfFormat) -> None:
        if isinstance(fmt, str):
            fmt = FORMATS["." + fmt.lstrip(".")]
        self.ox.load(data, format=fmt)

    def load_file(self, path: str | Path) -> None:
        fmt = format_of(path)
        try:
            self.ox.bulk_load(path=str(path), format=fmt)
        except SyntaxError as exc:
            raise FengongError(f"{path}: not valid {fmt.name} ({str(exc).splitlines()[0]})") from None
        except OSError as exc:
            raise FengongError(f"{path}: cannot read ({exc})") from None

    def _query(self, query: str, params: dict[str, Term]) -> Result:
        subs = {ox.Variable(k): v.to_ox() for k, v in params.items()}
        try:
            res = self.ox.query(query, use_default_graph_as_union=True, substitutions=subs or None)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"invalid SPARQL: {str(exc).splitlines()[0]}") from None
        if isinstance(res, ox.QueryBoolean):
            return Result(boolean=bool(res))
        if isinstance(res, ox.QuerySolutions):
            names = [v.value for v in res.variables]
            rows = [tuple(Term.from_ox(sol[i]) for i in range(len(names))) for sol in res]
            return Result(vars=names, rows=rows)
        triples = [(Term.from_ox(t.subject), Term.from_ox(t.predicate), Term.from_ox(t.object)) for t in res]
        return Result(vars=["subject", "predicate", "object"], triples=triples)

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
            raise FengongError(f"{path}: not valid {suffix[1:]} ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") from None

    def _query(self, query: str, params: dict[str, Term]) -> Result:
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
    """
    if endpoint:
        from .remote import RemoteStore

        return RemoteStore(endpoint)
    if store_dir:
        if engine != "oxigraph":
            raise FengongError(f"{store_dir}: an on-disk store is read with Oxigraph; drop --store memory")
        return OxigraphStore(store_dir, read_only=True)
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
            return st
    for f in files:
        if not Path(f).exists():
            raise FengongError(f"{f}: no such graph file")
        st.load_file(f)
    return st
