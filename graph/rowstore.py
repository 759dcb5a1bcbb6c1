"""A store that answers the site's queries from rows gathered document by document.

A big build never holds the whole dataset in one Oxigraph store: loading millions
of quads costs more than everything else the build does. Instead each worker answers
the queries of :data:`PLAN_QUERIES` on its own document (from its statements, with
:mod:`fengong.planrows`; a query without an answer there, on a small store of the
document) and sends back the rows; the build concatenates them. Queries that read only actors, places
and the ontology (:data:`SHARED_QUERIES`) run on a small real store of the shared
graph. The report, matrix and views then read a :class:`RowStore` exactly as they
would read the full store.

A query qualifies for :data:`PLAN_QUERIES` when its result over the dataset is the
concatenation of its results over each plan's graph (with that plan's actors and
places and the ontology): a plain SELECT with no aggregate, GROUP BY or LIMIT,
no pattern that joins two plans, and no OPTIONAL on a value gathered across plans
(``skos:altLabel``). ``ORDER BY`` of plain variables is applied to the
concatenation; other rows come in no particular order, as from any engine, and
what the site draws does not depend on it (:func:`fengong.network.to_networkx`
puts its graph in the order of the IRIs). Any other query is refused, so a new query cannot silently read
half a dataset: tests build the site both ways and compare the files. Queries are
matched with their whitespace collapsed, so one query written twice is gathered once.

A corpus site draws the agencies view from a lean context and no full or section
page, so a big build gathers only :func:`plan_queries` ``(full=False)``: the full
projection's reads of deliverables, edges and assignment bases are left out
(:data:`FULL_ONLY`). With the queries written twice gathered once, that is 2.4 of
the 5.1 million values gathered at 1,000 documents, and 2.7 of a worker's ~40 ms a document.

>>> st = RowStore(shared=None, rows={"SELECT ?x WHERE { ?x a fg:Task } ORDER BY ?x": (["x"], [("b",), ("a",)])})
>>> st.query("SELECT ?x WHERE { ?x a fg:Task } ORDER BY ?x").dicts()
[{'x': 'a'}, {'x': 'b'}]
"""

from __future__ import annotations

import functools
import re

from . import FengongError
from .store import Store

__all__ = ["RowStore", "ValueResult", "PLAN_QUERIES", "SHARED_QUERIES", "FULL_ONLY", "plan_queries", "plan_rows", "normalise"]


#: Modules whose module-level SELECT constants the site runs.
SITE_MODULES = ("fengong.network", "fengong.analysis", "fengong.matrix", "fengong.viz.views")

_SHARED_ONLY = re.compile(r"\ba\s+fg:(?:Actor|Agency|CollectiveActor|Post|Place)\b")
_TEMPLATE = re.compile(r"\{\{|\{[A-Za-z_]\w*\}")  # str.format templates are filled in at run time
_PLAN_TERMS = re.compile(r"fg:(?:Task|Target|Assignment|Plan|Deliverable|Section|leads|participatesIn|task|basis)\b|dcterms:isPartOf")


#: Queries only the full projection (:func:`fengong.network.to_networkx`, for the full and
#: section views and GraphML/GEXF) reads, and the matrix's fallback for tasks without
#: ``p-plan:isStepOfPlan`` (RDF made elsewhere): ``(module, constant)`` pairs.
FULL_ONLY = (("fengong.network", "_DELIVERABLES"), ("fengong.network", "_EDGES"), ("fengong.network", "_BASIS"),
             ("fengong.matrix", "_TASK_PARENTS"))


def normalise(query: str) -> str:
    r"""*query* with its whitespace collapsed: the key its rows are gathered under.

    >>> normalise("SELECT ?a\n  WHERE { ?a ?b ?c }")
    'SELECT ?a WHERE { ?a ?b ?c }'
    """
    return " ".join(query.split())


def _shared_only(query: str) -> bool:
    """Whether *query* names actors or places and nothing of a plan (so the shared graph answers it)."""
    return bool(_SHARED_ONLY.search(query)) and not _PLAN_TERMS.search(query)


@functools.lru_cache(maxsize=1)
def _site_queries() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The site's queries, split into those gathered per plan and those about actors and places only.

    They are the module-level string constants of :data:`SITE_MODULES` that are
    SELECT queries, and those a module lists in its ``SITE_QUERIES``; one that
    names actors or places and nothing of a plan runs on the shared graph.
    """
    import importlib

    plan: list[str] = []
    shared: list[str] = []
    for name in SITE_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        # A module may also list queries it makes at run time (filled-in templates) as SITE_QUERIES.
        for value in [*vars(module).values(), *getattr(module, "SITE_QUERIES", ())]:
            if not isinstance(value, str) or not re.match(r"\s*SELECT\b", value, re.I) or _TEMPLATE.search(value):
                continue
            target = shared if _shared_only(value) else plan
            if all(normalise(value) != normalise(q) for q in target):
                target.append(value)
    return tuple(plan), tuple(shared)


@functools.lru_cache(maxsize=2)
def plan_queries(full: bool = True) -> tuple[str, ...]:
    """The queries a worker runs on each document: all of :data:`PLAN_QUERIES`, or without
    :data:`FULL_ONLY` for a site drawn from a lean context."""
    import importlib

    plan = _site_queries()[0]
    if full:
        return plan
    skipped = set()
    for module, name in FULL_ONLY:
        try:
            skipped.add(normalise(getattr(importlib.import_module(module), name)))
        except (ImportError, AttributeError):
            continue
    return tuple(q for q in plan if normalise(q) not in skipped)


def __getattr__(name: str):
    # PLAN_QUERIES / SHARED_QUERIES are read from the modules that own the queries.
    if name in ("PLAN_QUERIES", "SHARED_QUERIES"):
        plan, shared = _site_queries()
        return plan if name == "PLAN_QUERIES" else shared
    raise AttributeError(name)


class ValueResult:
    """A SELECT result of plain string values (``None`` when unbound)."""

    __slots__ = ("vars", "values", "boolean", "triples")

    def __init__(self, vars: list[str], values: list[tuple]):
        self.vars = list(vars)
        self.values = values
        self.boolean = None
        self.triples = None

    def dicts(self) -> list[dict[str, str | None]]:
        names = self.vars
        return [dict(zip(names, row)) for row in self.values]

    def tuples(self, *names: str) -> list[tuple]:
        from .store import _pick

        return _pick(self.vars, self.values, names)

    @property
    def rows(self):
        from .store import Term

        # Gathered rows keep values only; the site's code reads dicts().
        return [tuple(None if v is None else Term("literal", v) for v in row) for row in self.values]

    def __len__(self) -> int:
        return len(self.values)


_ORDER = re.compile(r"\bORDER\s+BY\s+((?:\?\w+\s*)+)\s*$", re.I)


_PREFIXED = re.compile(r"(?<![\w<])([a-z][\w-]*):([A-Za-z_][\w-]*)")
_FULL_IRI = re.compile(r"<([^<>\s]+)>")


@functools.lru_cache(maxsize=4)
def query_predicates(queries: tuple[str, ...] | None = None) -> frozenset:
    """Every IRI the plan queries (or *queries*) name, and rdf:type: the only predicates they can match.

    A query with a variable predicate must bind it with VALUES (whose IRIs are named);
    a worker's small store holds only statements with these predicates.
    """
    import pyoxigraph as ox

    from .vocab import PREFIXES

    iris = {"http://www.w3.org/1999/02/22-rdf-syntax-ns#type"}
    for q in _site_queries()[0] if queries is None else queries:
        iris.update(PREFIXES[p] + local for p, local in _PREFIXED.findall(q) if p in PREFIXES)
        iris.update(_FULL_IRI.findall(q))
    return frozenset(ox.NamedNode(i) for i in iris)


def plan_rows(store, queries) -> dict[str, tuple[list[str], list[tuple]]]:
    """Run each of *queries* on one document's *store* (a fengong Store); rows as value tuples,
    keyed by each query with its whitespace collapsed (:func:`normalise`)."""
    out = {}
    if hasattr(store, "ox"):  # Oxigraph: read the values straight off the solutions
        from .store import _with_prefixes

        for q in queries:
            res = store.ox.query(_with_prefixes(q), use_default_graph_as_union=True)
            names = [v.value for v in res.variables]
            width = range(len(names))
            out[normalise(q)] = (names, [tuple(None if (t := sol[i]) is None else t.value for i in width) for sol in res])
        return out
    for q in queries:
        r = store.query(q)
        names = r.vars
        out[normalise(q)] = (names, [tuple(d[n] for n in names) for d in r.dicts()])
    return out


class RowStore(Store):
    """Answers :data:`PLAN_QUERIES` from gathered rows and :data:`SHARED_QUERIES` from *shared*.

    *rows* are keyed by query (whitespace is ignored: :func:`normalise`); *full* is false when the rows of
    :data:`FULL_ONLY` were not gathered (a corpus site draws no full or section page).
    """

    engine = "rows"

    def __init__(self, shared: Store | None, rows: dict[str, tuple[list[str], list[tuple]]], size: int = 0,
                 full: bool = True):
        self.shared = shared
        self.rows = {normalise(q): r for q, r in rows.items()}
        self.size = size
        self.full = full

    def query(self, query: str, params=None, timeout=None, partition=None):
        key = normalise(query)
        if key in self.rows and not params:
            names, values = self.rows[key]
            m = _ORDER.search(query)
            if m:
                keys = [names.index(v.lstrip("?")) for v in m.group(1).split()]
                values = sorted(values, key=lambda row: tuple("" if row[k] is None else row[k] for k in keys))
            return ValueResult(names, values)
        if self.shared is not None and (query in _site_queries()[1] or _shared_only(query)):
            return self.shared.query(query, params, timeout)
        raise FengongError("internal error: this query was not gathered document by document "
                           "(add it to fengong.rowstore's site queries): " + " ".join(query.split())[:120])

    def __len__(self) -> int:
        return self.size
