"""Writing a dataset document by document, without holding it in one store.

A worker turns one document into a :class:`DocumentPart`: its plan's quads
already serialised in each RDF format asked for, the rows of the site's queries
(:mod:`fengong.rowstore`), a few counts, and the actors and places the plan names.
:class:`DatasetWriter` appends the parts to the output files in document order and
ends them with the shared graph (actors and places, described once) and the
ontology's graph. Memory stays at one document's graph per worker plus the
gathered rows, whatever the number of documents.

>>> part = process_document(str(__import__("fengong.build").build.bundled_path()), ("nq",), gather=False)
>>> part.counts["tasks"], part.data["nq"].count(b"\\n") == part.quads
(66, True)
"""

from __future__ import annotations

import functools
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterable

import pyoxigraph as ox

from .agencies import Actor
from .atomic import cannot_write
from .model import SHARED_GRAPH, TEXT_TERMS, Shared, ontology_quads, plan_quads
from .parse import parse_file, plan_slug
from .store import OxigraphStore, _ox_prefixes
from .vocab import FG_NS as FG, ID, PREFIXES

__all__ = ["RDF_FORMATS", "DocumentPart", "process_document", "DatasetWriter", "count_lines", "count_statements"]

#: RDF formats written document by document: name → (file, Oxigraph format, keeps named graphs).
RDF_FORMATS = {
    "ttl": ("plan.ttl", ox.RdfFormat.TURTLE, False),
    "trig": ("plan.trig", ox.RdfFormat.TRIG, True),
    "nq": ("plan.nq", ox.RdfFormat.N_QUADS, True),
    "nt": ("plan.nt", ox.RdfFormat.N_TRIPLES, False),
    "jsonld": ("plan.jsonld", ox.RdfFormat.JSON_LD, True),
}

_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_COUNTED_TYPES = {f"<{FG}{k}>": v for k, v in (("Task", "tasks"), ("Target", "targets"), ("Deliverable", "deliverables"), ("Indicator", "indicators"))}
_COUNTED_EDGES = {f"<{FG}leads>": "leads", f"<{FG}participatesIn>": "participations"}


@dataclass
class DocumentPart:
    """One document, modelled and serialised by a worker."""

    source: str
    slug: str
    warnings: list[str]
    quads: int
    data: dict[str, bytes] = field(default_factory=dict)
    rows: dict[str, tuple[list[str], list[tuple]]] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
    actors: dict[Actor, set[str]] = field(default_factory=dict)
    places: set[str] = field(default_factory=set)
    number: str = ""  # the document number ("" if none): tells two numbers sharing a slug from one number twice


def _header(fmt: ox.RdfFormat) -> bytes:
    """The prefix lines, written once at the top of a Turtle or TriG file (in a fixed order:
    Oxigraph's own order varies from one process to the next)."""
    if fmt not in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        return b""
    return "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items()).encode("utf-8")


def serialize_body(quads: Iterable[ox.Quad], fmt: ox.RdfFormat, datasets: bool) -> bytes:
    """*quads* in *fmt* without the header, ready to be appended to a file of that format."""
    buf = io.BytesIO()
    ox.serialize(quads if datasets else (q.triple for q in quads), buf, fmt, prefixes=_ox_prefixes(fmt))
    data = buf.getvalue()
    if fmt == ox.RdfFormat.JSON_LD:
        data = data.strip()
        return data[1:-1].strip()  # the objects inside the top-level array
    if _ox_prefixes(fmt):
        while data.startswith(b"@prefix "):  # the serialiser's own prefix lines
            data = data[data.index(b"\n") + 1:]
    return data


@functools.lru_cache(maxsize=1)
def _ontology() -> tuple[ox.Quad, ...]:
    return tuple(ontology_quads())


def count_lines(lines: Iterable[str]) -> Counter:
    """Tasks, targets, deliverables, indicators, lead and participation edges among N-Quads *lines*.

    >>> count_lines(['<a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/fengong/ontology#Task> <g> .\\n'])
    Counter({'tasks': 1})
    """
    counts: Counter = Counter()
    for line in lines:
        _, p, rest = line.split(" ", 2)
        if p == _RDF_TYPE:
            kind = _COUNTED_TYPES.get(rest.split(" ", 1)[0])
            if kind:
                counts[kind] += 1
        elif p in _COUNTED_EDGES:
            counts[_COUNTED_EDGES[p]] += 1
    return counts


#: Formats written straight from a plan's N-Quads text, in the model's order (no store).
STREAMED = ("ttl", "trig")


def _streamed_body(nquads: bytes, name: str) -> bytes:
    """One plan's graph as a piece of the Turtle or TriG file, from its N-Quads text."""
    _, fmt, datasets = RDF_FORMATS[name]
    # lenient: fengong's own N-Quads (tests hold it to Oxigraph's own terms)
    return serialize_body(ox.parse(nquads, format=ox.RdfFormat.N_QUADS, lenient=True), fmt, datasets)


def count_statements(st) -> Counter:
    """What :func:`count_lines` counts, from a plan's lines indexed by :class:`fengong.planrows.Statements`
    (so that the lines are read once)."""
    counts: Counter = Counter()
    for kinds in st.get(_RDF_TYPE[1:-1]).values():
        for kind in kinds:
            name = _COUNTED_TYPES.get(f"<{kind}>")
            if name:
                counts[name] += 1
    for p, name in _COUNTED_EDGES.items():
        n = sum(map(len, st.get(p[1:-1]).values()))
        if n:
            counts[name] = n
    return counts


def _graph_body(store: ox.Store, graph: ox.NamedNode, name: str) -> bytes:
    """One plan's graph from its small *store*, as a piece of the N-Triples or JSON-LD file."""
    buf = io.BytesIO()
    if name == "nt":
        store.dump(buf, ox.RdfFormat.N_TRIPLES, from_graph=graph)
        return buf.getvalue()
    store.dump(buf, ox.RdfFormat.JSON_LD, from_graph=graph)
    return b'{"@id":%s,"@graph":%s}' % (json.dumps(graph.value).encode("utf-8"), buf.getvalue().strip() or b"[]")


def process_document(path: str, formats: Iterable[str], gather: bool, full: bool = True, **kwargs) -> DocumentPart:
    """Parse, model and serialise one document; with *gather*, answer the site's queries on it
    (all of them, or with *full* false those a lean site reads: :func:`fengong.rowstore.plan_queries`).

    The plan's statements are made as N-Quads text (:data:`fengong.model.TEXT_TERMS`), from
    which Turtle and TriG are written and the site's queries answered
    (:mod:`fengong.planrows`). A small Oxigraph store of them is made only for N-Triples,
    JSON-LD and a query :mod:`fengong.planrows` has no answer for.
    """
    plan = parse_file(path, **kwargs)
    slug = plan_slug(plan)
    shared = Shared()
    lines = list(dict.fromkeys(plan_quads(plan, slug, shared, terms=TEXT_TERMS)))  # a statement made twice is one quad
    nquads = "".join(lines).encode("utf-8")
    part = DocumentPart(plan.source, slug, list(plan.warnings), len(lines),
                        actors=shared.actors, places=shared.places, number=plan.doc_number or "")
    formats = list(formats)
    for name in formats:
        if name == "nq":
            part.data[name] = nquads
        elif name in STREAMED:
            part.data[name] = _streamed_body(nquads, name)
    stored = [f for f in formats if f != "nq" and f not in STREAMED]
    asked: list[str] = []
    if gather:
        from . import planrows
        from .rowstore import normalise, plan_queries

        queries = plan_queries(full)
        asked = [q for q in queries if not planrows.answerable(q)]
        answered = tuple(q for q in queries if planrows.answerable(q))
        if answered:
            # The plan's own graph and the ontology: the shared graph (actors and places) holds
            # no statement these queries match (tests/test_planrows.py compares them with Oxigraph's).
            st = planrows.Statements.of(lines, _predicates(answered), _ontology_values())
            part.rows = {normalise(q): planrows.answer(q, st) for q in answered}
            part.counts = count_statements(st)
    if not part.counts:
        part.counts = count_lines(lines)
    if not (stored or asked):
        return part
    small = ox.Store()
    # lenient: this is fengong's own N-Quads (tests hold it to Oxigraph's own terms), so the
    # syntax checks of IRIs and language tags are skipped (a third of the load's time).
    if stored:
        small.load(nquads, format=ox.RdfFormat.N_QUADS, lenient=True)
        graph = ox.NamedNode(ID["plan"] + slug)
        for name in stored:
            part.data[name] = _graph_body(small, graph, name)
    if asked:
        from .rowstore import plan_rows, query_predicates

        keep = query_predicates()
        if not stored:
            # Only the statements the queries can match: filling a store costs ~2 µs a quad.
            wanted = {str(n) for n in keep}
            small.load("".join(x for x in lines if x.split(" ", 2)[1] in wanted).encode("utf-8"), format=ox.RdfFormat.N_QUADS,
                       lenient=True)
        small.extend([q for q in shared.quads() if q.predicate in keep])
        small.extend(_ontology_kept())
        part.rows.update(plan_rows(OxigraphStore(store=small), asked))
    return part


@functools.lru_cache(maxsize=1)
def _ontology_kept() -> tuple[ox.Quad, ...]:
    from .rowstore import query_predicates

    keep = query_predicates()
    return tuple(q for q in _ontology() if q.predicate in keep)


@functools.lru_cache(maxsize=4)
def _predicates(queries: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The predicates *queries* (all the site's plan queries by default) can match and those
    :func:`count_statements` counts, as IRIs."""
    from .rowstore import query_predicates

    return tuple(sorted({n.value for n in query_predicates(queries)} | {p[1:-1] for p in (_RDF_TYPE, *_COUNTED_EDGES)}))


@functools.lru_cache(maxsize=1)
def _ontology_values() -> tuple[tuple[str, str, str], ...]:
    return tuple((q.subject.value, q.predicate.value, q.object.value) for q in _ontology_kept())


class DatasetWriter:
    """Appends document parts to the RDF files of *formats* in *directory*, then ends them."""

    def __init__(self, directory: Path, formats: Iterable[str], keep: bool = False, paths: dict[str, Path] | None = None):
        self.formats = list(formats)
        self.files: dict[str, BinaryIO] = {}
        self.paths: dict[str, Path] = {}
        self.jsonld_items = False
        self.kept: list[bytes] | None = [] if keep else None  # N-Quads kept in memory (no output directory)
        self.shared = Shared()
        self.quads = 0
        for name in self.formats:
            filename, fmt, _ = RDF_FORMATS[name]
            path = (paths or {}).get(name) or Path(directory) / filename
            self.paths[name] = path
            f = open(path, "wb")  # noqa: SIM115 - closed in close()
            self.files[name] = f
            f.write(b"[" if fmt == ox.RdfFormat.JSON_LD else _header(fmt))

    def _write(self, name: str, data: bytes) -> None:
        try:
            self.files[name].write(data)
        except OSError as exc:  # a full disk: one line naming the file
            raise cannot_write(self.paths[name], exc) from None

    def add(self, part: DocumentPart) -> None:
        for name in self.files:
            data = part.data[name]
            if name == "jsonld" and data:
                data = (b",\n" if self.jsonld_items else b"") + data
                self.jsonld_items = True
            self._write(name, data)
        if self.kept is not None:
            self.kept.append(part.data["nq"])
        self.quads += part.quads
        for actor, surfaces in part.actors.items():
            self.shared.actors.setdefault(actor, set()).update(surfaces)
        self.shared.places |= part.places

    def tail(self) -> list[ox.Quad]:
        """The shared graph's and the ontology's quads, written after every document."""
        return [*self.shared.quads(SHARED_GRAPH), *_ontology()]

    def close(self, tail: list[ox.Quad]) -> None:
        self.quads += len(tail)
        for name, f in self.files.items():
            _, fmt, datasets = RDF_FORMATS[name]
            data = serialize_body(tail, fmt, datasets)
            if name == "jsonld":
                data = (b",\n" if self.jsonld_items and data else b"") + data + b"]\n"
            self._write(name, data)
            try:
                f.close()
            except OSError as exc:
                raise cannot_write(self.paths[name], exc) from None
        if self.kept is not None:
            self.kept.append(serialize_body(tail, ox.RdfFormat.N_QUADS, True))

    def abort(self) -> None:
        for f in self.files.values():
            try:
                f.close()
            except OSError:  # the error that stopped the build (a full disk) says it already
                pass
