"""Overloaded agencies and coordination bottlenecks, from the graph (never the text).

The graph is read by a few lean SPARQL queries (actors, who leads or joins which
task, the years of each task's deliverables; never the task texts) into the
tables of

* a two-mode **agency–task graph** (:func:`bipartite_graph`): an edge per agency
  and task, ``role`` ``"lead"`` or ``"participant"`` (an agency that both leads
  and participates in a task counts as a lead only);
* its one-mode **agency projection** (:func:`agency_projection`), weighted by
  role: each shared task adds lead–lead 3, lead–participant 2,
  participant–participant 1 (co-leads must agree as equals; a lead decides but
  must bring participants along; participants coordinate through the lead).

Per agency it computes lead and participation counts, deliverables owed as lead
(a deliverable counts for every lead of its task) by year, the weighted load
``leads×2 + participations×1 + deliverables_as_lead×0.5``, the share of all lead
edges, degree and strength, betweenness on distances ``1/weight`` (exact for
every connected component of up to 1,000 agencies, else estimated from ``k=500``
sources of that component sampled with seed 94), weighted eigenvector
centrality, Burt's constraint and effective size, and whether the agency is an
articulation point of the projection. It then flags

* **overloaded** agencies: load above Q3 + 3·IQR, OR a lead share ≥ 10 %, OR a
  deadline peak;
* **deadline peaks**: ≥ 10 deliverables owed as lead falling due in one year;
* **coordination bottlenecks** (brokers): betweenness in the top decile and
  above 0, AND constraint below the median;
* **diffuse accountability**: tasks with 3 or more co-leads.

The figures are computed on arrays: the projection is a sparse matrix product
(B·Bᵀ per role, scipy), eigenvector centrality (networkx's power iteration),
Burt's constraint and effective size are vectorised, betweenness runs per
connected component (networkx, or igraph's C core for big jobs when installed).
The NetworkX graphs (:attr:`Analysis.projection`, :attr:`Analysis.bipartite`)
are built only when asked for, from :func:`fengong.network.to_networkx`.

Every weight, threshold and rule text is data, in ``fengong/data/analysis.yaml``;
the computed thresholds and the rule texts travel with the result
(:attr:`Analysis.rules`) into the JSON and the HTML report. Collective actors
(各市、县(市、区)人民政府 …) stay in every figure and flag and are marked
``collective``.

>>> from fengong.store import open_store
>>> a = analyze(open_store())
>>> [(s.name_zh, s.leads, s.overloaded) for s in a.agencies[:2]]
[('住房城乡建设厅', 26, True), ('发展改革委', 16, True)]
"""

from __future__ import annotations

import concurrent.futures
import copy
import functools
import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field, fields
from importlib import resources
from typing import Callable

import networkx as nx
import numpy as np
import yaml

from .gcpause import cycles_uncollected
from .network import to_networkx
from .store import OxigraphStore, Store

__all__ = [
    "AgencyStats",
    "DiffuseTask",
    "DeadlinePeak",
    "Analysis",
    "analyze",
    "agency_projection",
    "bipartite_graph",
    "load_rules",
    "ROLE_PAIRS",
]

#: Role combinations of two agencies on one task → the projection's edge count attribute.
ROLE_PAIRS = {
    ("lead", "lead"): "lead_lead",
    ("lead", "participant"): "lead_participant",
    ("participant", "participant"): "participant_participant",
}
_WEIGHT_KEYS = {"lead_lead": "lead-lead", "lead_participant": "lead-participant", "participant_participant": "participant-participant"}
_TASK_TYPES = ("Task", "Target", "WorkRequirement")
_ACTOR_TYPES = ("Agency", "CollectiveActor", "Post")
_ROLE_OF = {"leads": "lead", "participatesIn": "participant"}

_KINDS = """SELECT ?a ?k WHERE { ?a a fg:Actor ; org:classification ?k }"""
_LEAD_ORDER = """SELECT ?a ?t ?pos WHERE {
  ?q a fg:Assignment ; prov:agent ?a ; fg:task ?t ; fg:position ?pos ; prov:hadRole ?r .
  FILTER(?r != fg:ParticipantRole)
}"""
_PLANS = """SELECT ?p ?title ?number WHERE {
  ?p a fg:Plan ; fg:sourceFile ?f . OPTIONAL { ?p dcterms:title ?title } OPTIONAL { ?p fg:documentNumber ?number }
} ORDER BY ?p"""


@functools.lru_cache(maxsize=1)
def _packaged_rules() -> dict:
    text = (resources.files("fengong.data") / "analysis.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def load_rules() -> dict:
    """The weights, thresholds and rule texts of ``data/analysis.yaml`` (a fresh copy).

    >>> load_rules()["projection_weights"]["lead-lead"]
    3
    """
    return copy.deepcopy(_packaged_rules())


@dataclass
class AgencyStats:
    """Workload and network position of one actor (agency, collective actor or post)."""

    iri: str
    name_zh: str  # the short label (fg:shortLabel), e.g. 住房城乡建设厅
    name_en: str
    kind: str  # notation of its org:classification, e.g. "department"
    collective: bool
    leads: int = 0
    participations: int = 0
    deliverables_as_lead: int = 0
    load: float = 0.0
    lead_share: float = 0.0
    degree: int = 0
    strength: float = 0.0
    betweenness: float = 0.0
    eigenvector: float | None = None
    constraint: float | None = None  # None for an agency with no tie in the projection
    effective_size: float | None = None
    articulation: bool = False
    deadlines: dict[int, int] = field(default_factory=dict)  # year → deliverables due as lead
    overloaded: bool = False
    bottleneck: bool = False
    reasons: list[str] = field(default_factory=list)  # English, one per rule that fired
    reasons_zh: list[str] = field(default_factory=list)  # the same in Chinese
    reason_keys: list[str] = field(default_factory=list)  # which rule gave each reason: load, lead_share, deadline_peak, bottleneck

    def to_json(self) -> dict:
        """A JSON-ready dict (years as string keys, floats rounded to 6 places)."""
        out = {}
        for k in _STATS_FIELDS:  # asdict() deep-copies; the fields are flat
            v = getattr(self, k)
            if k == "deadlines":
                v = {str(y): n for y, n in sorted(v.items())}
            elif isinstance(v, float):
                v = _round(v)
            elif isinstance(v, list):
                v = list(v)
            out[k] = v
        return out


_STATS_FIELDS = tuple(f.name for f in fields(AgencyStats))


@dataclass
class DiffuseTask:
    """A task with many co-leads (diffuse accountability)."""

    iri: str
    label: str
    number: int
    leads: list[str]  # agency IRIs, in the order the document lists them
    lead_names: list[str]  # their short labels
    plan: str = ""

    def to_json(self) -> dict:
        return {"iri": self.iri, "label": self.label, "number": self.number, "leads": list(self.leads),
                "lead_names": list(self.lead_names), "plan": self.plan}


@dataclass
class DeadlinePeak:
    """A year in which one agency owes many deliverables as lead."""

    agency: str  # IRI
    name_zh: str
    name_en: str
    year: int
    count: int

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Analysis:
    """What :func:`analyze` found. ``agencies`` is sorted by load, highest first.

    :attr:`projection` and :attr:`bipartite` (NetworkX graphs) are built on
    first use, from the store the analysis read (or the ``network`` it was
    given), because the figures themselves do not need them; so are the
    :attr:`diffuse_tasks` (their labels, numbers and lead order are read from the
    store only when asked for: the agencies view never asks). A store that fails
    that read raises then, not in :func:`analyze`.
    """

    agencies: list[AgencyStats]
    deadline_peaks: list[DeadlinePeak]
    rules: dict
    all_agencies: list[AgencyStats] = field(default_factory=list)  # every agency, even when ``top`` cut ``agencies``
    plans: list[dict] = field(default_factory=list)  # {"iri", "title", "number"}
    counts: dict = field(default_factory=dict)
    top: int | None = None
    projection_size: dict = field(default_factory=dict)  # {"nodes", "edges"} of the projection
    store: Store | None = field(default=None, repr=False, compare=False)
    network: nx.MultiDiGraph | None = field(default=None, repr=False, compare=False)
    tables: "_Tables | None" = field(default=None, repr=False, compare=False)
    read_diffuse: "Callable[[], list[DiffuseTask]] | None" = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def diffuse_tasks(self) -> list[DiffuseTask]:
        """Tasks led by at least ``rules["diffuse"]["min_leads"]`` actors (read on first use)."""
        return self.read_diffuse() if self.read_diffuse is not None else []

    @functools.cached_property
    def bipartite(self) -> nx.Graph:
        """The two-mode agency–task graph (:func:`bipartite_graph`)."""
        if self.network is None:
            self.network = to_networkx(self.store)
        return bipartite_graph(self.store, self.network)

    @functools.cached_property
    def projection(self) -> nx.Graph:
        """The weighted agency projection (:func:`agency_projection`), nodes carrying ``load``, ``overloaded``, ``bottleneck``."""
        if self.tables is None:
            p = _project(self.bipartite, self.rules["projection_weights"])
        else:  # the same graph, from the tables the figures came from (no bipartite graph needed)
            if self.network is None:
                self.network = to_networkx(self.store)
            p = _project_tables(self.tables, self.network, self.rules["projection_weights"])
        for s in self.all_agencies:
            if s.iri in p:
                p.nodes[s.iri].update(load=s.load, overloaded=s.overloaded, bottleneck=s.bottleneck)
        return p

    @property
    def overloaded(self) -> list[AgencyStats]:
        """Every overloaded agency (also those beyond ``top``), by load."""
        return [a for a in self.all_agencies if a.overloaded]

    @property
    def bottlenecks(self) -> list[AgencyStats]:
        """Every coordination bottleneck (also those beyond ``top``), by betweenness."""
        return sorted((a for a in self.all_agencies if a.bottleneck), key=lambda a: (-a.betweenness, a.iri))

    def agency(self, name: str) -> AgencyStats:
        """The agency with this IRI or short label (any agency, not only the top ones).

        >>> from fengong.store import open_store
        >>> analyze(open_store()).agency("统计局").overloaded
        False
        """
        for a in self.all_agencies:
            if name in (a.iri, a.name_zh):
                return a
        raise KeyError(name)

    def to_json(self) -> dict:
        """Everything as JSON-ready data, keys in a fixed order."""
        n, m = self.projection_size.get("nodes", 0), self.projection_size.get("edges", 0)
        return {
            "plans": [dict(p) for p in self.plans],
            "counts": dict(self.counts),
            "top": self.top,
            "rules": copy.deepcopy(self.rules),
            "overloaded": [a.iri for a in self.overloaded],
            "bottlenecks": [a.iri for a in self.bottlenecks],
            "agencies": [a.to_json() for a in self.agencies],
            "diffuse_tasks": [t.to_json() for t in self.diffuse_tasks],
            "deadline_peaks": [p.to_json() for p in self.deadline_peaks],
            "projection": {
                "nodes": n,
                "edges": m,
                "density": _round(2 * m / (n * (n - 1))) if n > 1 else 0.0,  # as nx.density
            },
        }


def _round(x: float | None) -> float | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return round(float(x), 6)


def _kinds(store: Store) -> dict[str, str]:
    from .concepts import concepts

    notation = {iri.value: n for scheme in concepts().values() for n, iri in scheme.items()}
    return {a: notation.get(k, k.rsplit("#", 1)[-1]) for a, k in _rows(store, _KINDS)}


def bipartite_graph(store: Store, network: nx.MultiDiGraph | None = None) -> nx.Graph:
    """The two-mode agency–task graph: ``bipartite`` 0 for actors, 1 for tasks.

    Actor nodes carry ``type``, ``name_zh`` (short label), ``name_en``, ``kind``,
    ``collective``; task nodes ``type``, ``number``, ``label``, ``plan`` and
    ``deliverable_years`` (one entry per deliverable, ``None`` when undated).
    Each edge has ``role`` ``"lead"`` or ``"participant"``; a lead wins over a
    participation of the same actor in the same task. Actors with no task (an
    issuer, say) are left out.

    >>> from fengong.store import open_store
    >>> b = bipartite_graph(open_store())
    >>> b.edges["https://w3id.org/fengong/id/agency/gx-housing", "https://w3id.org/fengong/id/task/gzbf-2014-94-7"]["role"]
    'lead'
    """
    g = network if network is not None else to_networkx(store)
    kinds = _kinds(store)
    b = nx.Graph()
    for t, d in g.nodes(data=True):
        if d.get("type") not in _TASK_TYPES:
            continue
        years = sorted(
            (g.nodes[x].get("due_year") for _, x, e in g.out_edges(t, data=True) if e.get("relation") == "hasDeliverable"),
            key=lambda y: (y is None, y or 0),
        )
        b.add_node(t, bipartite=1, type=d["type"], number=d.get("number", 0), sub_number=d.get("sub_number"),
                   label=d.get("label", t), plan=d.get("plan", ""), due_year=d.get("due_year"), deliverable_years=years)
    for a, t, e in g.edges(data=True):
        role = _ROLE_OF.get(e.get("relation"))
        if role is None or t not in b:
            continue
        if a not in b:
            d = g.nodes[a]
            b.add_node(a, bipartite=0, type=d.get("type", "Agency"), name_zh=d.get("label") or d.get("name_zh", a),
                       name_en=d.get("name_en", ""), kind=kinds.get(a, "other"), collective=d.get("type") == "CollectiveActor")
        if b.has_edge(a, t) and b.edges[a, t]["role"] == "lead":
            continue  # leading a task subsumes participating in it
        b.add_edge(a, t, role=role)
    return b


def _project(b: nx.Graph, weights: dict[str, float]) -> nx.Graph:
    """The role-weighted one-mode projection of a bipartite agency–task graph."""
    p = nx.Graph()
    for n in sorted(n for n, d in b.nodes(data=True) if d["bipartite"] == 0):
        d = b.nodes[n]
        roles = Counter(e["role"] for e in b[n].values())
        p.add_node(n, **{k: d[k] for k in ("type", "name_zh", "name_en", "kind", "collective")},
                   leads=roles["lead"], participations=roles["participant"])
    tasks = sorted((n for n, d in b.nodes(data=True) if d["bipartite"] == 1),
                   key=lambda t: (b.nodes[t]["plan"], b.nodes[t]["number"], b.nodes[t]["sub_number"] or 0, t))
    for t in tasks:
        members = sorted(b[t].items(), key=lambda kv: kv[0])
        for i, (u, eu) in enumerate(members):
            for v, ev in members[i + 1:]:
                pair = ROLE_PAIRS[tuple(sorted((eu["role"], ev["role"])))]
                if not p.has_edge(u, v):
                    p.add_edge(u, v, weight=0, lead_lead=0, lead_participant=0, participant_participant=0, tasks=[], task_iris=[])
                e = p.edges[u, v]
                e[pair] += 1
                e["weight"] += weights[_WEIGHT_KEYS[pair]]
                e["tasks"].append(b.nodes[t]["number"])
                e["task_iris"].append(t)
    for _, _, e in p.edges(data=True):
        e["tasks"].sort()
        e["distance"] = 1.0 / e["weight"]  # heavier tie = shorter path, for betweenness
    return p


def _project_tables(tables: "_Tables", network: nx.MultiDiGraph, weights: dict[str, float]) -> nx.Graph:
    """:func:`_project` from the analysis tables: the same nodes, edges, attributes and insertion order."""
    p = nx.Graph()
    lead = tables.edge_lead
    leads = np.bincount(tables.edge_actor[lead], minlength=len(tables.actors)).tolist()
    parts = np.bincount(tables.edge_actor[~lead], minlength=len(tables.actors)).tolist()
    for i, a in enumerate(tables.actors):  # sorted by IRI, as _project adds them
        d = tables.actor_attrs[i]
        p.add_node(a, **{k: d[k] for k in ("type", "name_zh", "name_en", "kind", "collective")},
                   leads=leads[i], participations=parts[i])
    order = np.lexsort((tables.edge_actor, tables.edge_task))
    task_of, actor_of, lead_of = tables.edge_task[order].tolist(), tables.edge_actor[order].tolist(), lead[order].tolist()
    members: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for t, a, is_lead in zip(task_of, actor_of, lead_of):  # members by IRI within each task
        members[t].append((tables.actors[a], "lead" if is_lead else "participant"))
    nodes = network.nodes

    def key(t: int):
        d = nodes[tables.tasks[t]] if tables.tasks[t] in nodes else {}
        return d.get("plan", ""), d.get("number", 0), d.get("sub_number") or 0, tables.tasks[t]

    adj = p._adj
    for t in sorted(members, key=key):
        iri = tables.tasks[t]
        number = nodes[iri].get("number", 0) if iri in nodes else 0
        group = members[t]
        for i, (u, ru) in enumerate(group):
            for v, rv in group[i + 1:]:
                pair = ROLE_PAIRS[(ru, rv) if ru <= rv else (rv, ru)]
                e = adj[u].get(v)
                if e is None:
                    p.add_edge(u, v, weight=0, lead_lead=0, lead_participant=0, participant_participant=0, tasks=[], task_iris=[])
                    e = adj[u][v]
                e[pair] += 1
                e["weight"] += weights[_WEIGHT_KEYS[pair]]
                e["tasks"].append(number)
                e["task_iris"].append(iri)
    for _, _, e in p.edges(data=True):
        e["tasks"].sort()
        e["distance"] = 1.0 / e["weight"]
    return p


def agency_projection(store: Store, weights: dict[str, float] | None = None) -> nx.Graph:
    """The weighted one-mode agency graph: node = actor IRI.

    Node attributes: ``type``, ``name_zh`` (short label), ``name_en``, ``kind``,
    ``collective``, ``leads``, ``participations`` (:func:`analyze` adds
    ``load``, ``overloaded`` and ``bottleneck`` to its own projection).
    Edge attributes: ``weight`` (Σ over shared tasks of lead–lead 3,
    lead–participant 2, participant–participant 1, from ``analysis.yaml``),
    ``distance`` = 1/weight, ``lead_lead`` / ``lead_participant`` /
    ``participant_participant`` (how many shared tasks of each kind), ``tasks``
    (sorted task numbers; numbers repeat across plans) and ``task_iris``.

    >>> from fengong.store import open_store
    >>> p = agency_projection(open_store())
    >>> e = p.edges["https://w3id.org/fengong/id/agency/gx-housing", "https://w3id.org/fengong/id/agency/gx-drc"]
    >>> e["weight"] == 3 * e["lead_lead"] + 2 * e["lead_participant"] + e["participant_participant"]
    True
    """
    return _project(bipartite_graph(store), weights or load_rules()["projection_weights"])


def _quantile(values: list[float], q: float, method: str) -> float:
    return float(np.quantile(np.asarray(values, dtype=float), q, method=method)) if values else 0.0


# --- reading the store ---------------------------------------------------------------------------
#
# Analysis reads only what it counts: actors, which tasks they lead or join, and
# the years of the deliverables of those tasks; task labels, numbers and plans
# only for the tasks with diffuse accountability. On an on-disk Oxigraph store,
# a term is decoded from its IRI by a random lookup (~10–25 µs) and a join by an
# index probe (~50 µs), so the queries are single patterns or hash joins of
# single patterns, actors are bound by position (``VALUES (?a ?i)``, decoded
# once), and rows go straight from pyoxigraph to strings, not through
# :class:`fengong.store.Result`. Other stores (rdflib, remote endpoints) run
# plain queries and get the same tables.


_A_ACTORS = """SELECT ?a ?zh ?en ?short WHERE {
  ?a a fg:Actor ; skos:prefLabel ?zh . FILTER(LANG(?zh) = "zh")
  OPTIONAL { ?a skos:prefLabel ?en FILTER(LANG(?en) = "en") }
  OPTIONAL { ?a fg:shortLabel ?short }
}"""
_A_COLLECTIVE = "SELECT ?a WHERE { ?a a fg:CollectiveActor }"
_A_POSTS = "SELECT ?a WHERE { ?a a fg:Post }"
_A_TASKS = "SELECT ?t WHERE { ?t a fg:Task }"
_A_LEADS = "SELECT ?a ?t WHERE { ?a fg:leads ?t }"
_A_PARTS = "SELECT ?a ?t WHERE { ?a fg:participatesIn ?t }"
_A_YEARS = """SELECT ?t ?d ?y WHERE {
  ?t fg:hasDeliverable ?d . ?d a fg:Deliverable .
  OPTIONAL { ?d fg:dueYear ?y }
}"""
_A_DETAILS = """SELECT ?t ?number ?label ?plan ?sub WHERE {
  ?t fg:number ?number ; rdfs:label ?label ; dcterms:isPartOf ?plan .
  OPTIONAL { ?t fg:subNumber ?sub }
}"""

# The same questions for embedded Oxigraph, shaped for it: hash joins of single
# patterns (``{ SELECT … }`` blocks) instead of index probes, actors bound by
# position (``VALUES (?a ?i)``) so that their IRIs are not decoded row by row,
# deliverables counted in the engine, details and lead order only for the tasks
# asked about. (A dict, not module constants: fengong.rowstore gathers the
# module's plain SELECT constants document by document, and these are not plain.)
_EMBEDDED = {
    "roles": """SELECT ?i ?t WHERE {{
  {{ SELECT ?a ?t WHERE {{ ?a fg:{rel} ?t }} }}
  {{ SELECT ?t WHERE {{ ?t a fg:Task }} }}
  {{ VALUES (?a ?i) {{ {values} }} }}
}}""",
    "tasks": "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a fg:Task }",
    "years": """SELECT ?t ?y (COUNT(DISTINCT ?d) AS ?n) WHERE {
  { SELECT ?t ?d WHERE { ?t fg:hasDeliverable ?d } }
  { SELECT ?t WHERE { ?t a fg:Task } }
  { SELECT ?d WHERE { ?d a fg:Deliverable } }
  OPTIONAL { SELECT ?d ?y WHERE { ?d fg:dueYear ?y } }
} GROUP BY ?t ?y""",
    "details": """SELECT ?t ?number ?label ?plan ?sub WHERE {{
  {{ VALUES ?t {{ {values} }} }}
  {{ SELECT ?t ?number WHERE {{ ?t fg:number ?number }} }}
  {{ SELECT ?t ?label WHERE {{ ?t rdfs:label ?label }} }}
  {{ SELECT ?t ?plan WHERE {{ ?t dcterms:isPartOf ?plan }} }}
  OPTIONAL {{ SELECT ?t ?sub WHERE {{ ?t fg:subNumber ?sub }} }}
}}""",
    "order": """SELECT ?a ?t ?pos WHERE {{
  {{ VALUES ?t {{ {values} }} }}
  {{ SELECT ?q ?t WHERE {{ ?q fg:task ?t }} }}
  {{ SELECT ?q ?r WHERE {{ ?q prov:hadRole ?r }} }} FILTER(?r != fg:ParticipantRole)
  {{ SELECT ?q ?a WHERE {{ ?q prov:agent ?a }} }}
  {{ SELECT ?q ?pos WHERE {{ ?q fg:position ?pos }} }}
}}""",
}


def _rows(store: Store, query: str) -> list[tuple[str | None, ...]]:
    """SELECT rows as tuples of plain strings (from Oxigraph, read off its own TSV writer:
    faster than its term objects, and it runs without the GIL, so reads can overlap)."""
    return store.query(query).tuples()


@dataclass
class _Tables:
    """What the analysis reads from the store, as plain lists and arrays."""

    actors: list[str]  # IRIs of actors with at least one task, sorted
    actor_attrs: list[dict]  # name_zh, name_en, type, kind, collective; parallel to ``actors``
    tasks: list[str]  # IRIs of tasks with at least one actor, sorted (the others only count)
    task_years: list[list[int | None]]  # years of each task's deliverables (None: undated), sorted
    edge_actor: np.ndarray  # one entry per (actor, task): actor index
    edge_task: np.ndarray  # task index
    edge_lead: np.ndarray  # True for a lead (a lead wins over a participation of the same actor)
    task_count: int = 0  # every task, also those no actor takes part in
    deliverable_count: int = 0  # every deliverable of every task
    #: every (actor, task, lead?) row as read, before a lead absorbs a participation (for the views)
    role_actor: np.ndarray | None = None
    role_task: np.ndarray | None = None
    role_lead: np.ndarray | None = None


def _read_tables(store: Store) -> _Tables:
    """Actors, tasks, roles and deliverable years (see the comment above)."""
    embedded = isinstance(store, OxigraphStore)
    if embedded:
        # Oxigraph answers without holding the GIL: reads that do not wait for each other run
        # two at a time (at 1,000 plans the roles and years take ~3.5 s one after another).
        pool = concurrent.futures.ThreadPoolExecutor(2)
        try:
            return _tables_from(store, functools.partial(pool.submit, _rows, store))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)  # on an error, reads not begun are dropped
    return _tables_from(store, None)


def _import_numerics() -> None:
    """Import what the computing needs (scipy's sparse matrices and graphs: ~0.6 s here)."""
    import scipy.sparse.csgraph  # noqa: F401 - brings scipy.sparse and scipy.sparse.linalg


class _Now:
    """A read done at once, shaped as a future (stores that do not run side by side)."""

    def __init__(self, rows):
        self.rows = rows

    def result(self):
        return self.rows


def _tables_from(store: Store, submit) -> _Tables:
    """The tables, each read handed to *submit* (query → future), or read at once when it is None."""
    embedded = submit is not None
    if submit is None:
        def submit(query):
            return _Now(_rows(store, query))
    actor_rows, post_rows, collective_rows = submit(_A_ACTORS), submit(_A_POSTS), submit(_A_COLLECTIVE)
    kinds = _kinds(store)
    info: dict[str, dict] = {}
    for a, zh, en, short in actor_rows.result():
        d = info.setdefault(a, {"name_en": "", "type": "Agency"})
        d["name_zh"] = short or zh  # to_networkx's label: the short label, else the Chinese name
        if en is not None:
            d["name_en"] = en
    for (a,) in post_rows.result():
        if a in info:
            info[a]["type"] = "Post"
    for (a,) in collective_rows.result():
        if a in info:
            info[a]["type"] = "CollectiveActor"

    known = sorted(info)
    actor_of = {a: i for i, a in enumerate(known)}
    task_of: dict[str, int] = {}
    cols: list[tuple[list[int], list[int], bool]] = []
    if embedded:
        values = " ".join(f"(<{a}> {i})" for i, a in enumerate(known))
        reads = {rel: submit(_EMBEDDED["roles"].format(values=values, rel=rel)) for rel in ("participatesIn", "leads")}
        task_count_rows, year_rows = submit(_EMBEDDED["tasks"]), submit(_EMBEDDED["years"])
        _import_numerics()  # while the engine reads
    else:
        task_set = {t for (t,) in _rows(store, _A_TASKS)}
    for rel, query, lead in (("participatesIn", _A_PARTS, False), ("leads", _A_LEADS, True)):
        if embedded:
            rows = [(int(i), t) for i, t in reads[rel].result()]
        else:
            rows = [(actor_of[a], t) for a, t in _rows(store, query) if a in actor_of and t in task_set]
        cols.append(([i for i, _ in rows], [task_of.setdefault(t, len(task_of)) for _, t in rows], lead))
    edge_actor = np.array([i for c in cols for i in c[0]], dtype=np.int64)
    edge_task = np.array([j for c in cols for j in c[1]], dtype=np.int64)
    edge_lead = np.concatenate([np.full(len(c[0]), c[2], dtype=bool) for c in cols])
    # One edge per (actor, task); a lead wins over a participation in the same task.
    key = edge_actor * max(len(task_of), 1) + edge_task
    order = np.lexsort((edge_lead, key))
    last = np.ones(len(order), dtype=bool)
    last[:-1] = key[order][1:] != key[order][:-1]
    keep = order[last]
    role_actor, role_task, role_lead = edge_actor, edge_task, edge_lead
    edge_actor, edge_task, edge_lead = edge_actor[keep], edge_task[keep], edge_lead[keep]
    # Number actors and tasks in IRI order (``known`` is sorted already).
    used = np.unique(edge_actor)
    actors = [known[i] for i in used.tolist()]
    edge_actor = np.searchsorted(used, edge_actor)
    role_actor = np.searchsorted(used, role_actor)
    names = list(task_of)
    by_iri = sorted(range(len(names)), key=names.__getitem__)
    tasks = [names[j] for j in by_iri]
    rank = np.empty(len(names), dtype=np.int64)
    rank[by_iri] = np.arange(len(names))
    edge_task = rank[edge_task] if len(names) else edge_task
    role_task = rank[role_task] if len(names) else role_task
    ti = {t: j for j, t in enumerate(tasks)}

    years: list[list[int | None]] = [[] for _ in tasks]
    delivered = 0
    if embedded:
        task_count = int(task_count_rows.result()[0][0])
        for t, y, count in year_rows.result():
            delivered += int(count)
            j = ti.get(t)
            if j is not None:
                years[j] += [int(y) if y is not None else None] * int(count)
    else:
        task_count = len(task_set)
        due: dict[tuple[str, str], int | None] = {}
        for t, d, y in _rows(store, _A_YEARS):
            if t in task_set:
                due[(t, d)] = int(y) if y is not None else due.get((t, d))
        delivered = len(due)
        for (t, _), y in due.items():
            if t in ti:
                years[ti[t]].append(y)
    for ys in years:
        if len(ys) > 1:
            ys.sort(key=lambda y: (y is None, y or 0))

    attrs = []
    for a in actors:
        d = info[a]
        attrs.append({"name_zh": d["name_zh"], "name_en": d["name_en"], "type": d["type"],
                      "kind": kinds.get(a, "other"), "collective": d["type"] == "CollectiveActor"})
    return _Tables(actors=actors, actor_attrs=attrs, tasks=tasks, task_years=years,
                   edge_actor=edge_actor, edge_task=edge_task, edge_lead=edge_lead,
                   task_count=task_count, deliverable_count=delivered,
                   role_actor=role_actor, role_task=role_task, role_lead=role_lead)


def _task_details(store: Store, tasks: list[str]) -> tuple[dict[str, dict], dict[tuple[str, str], int]]:
    """Number, label, plan and sub-number of *tasks*, and the listed position of each lead."""
    if not tasks:
        return {}, {}
    if isinstance(store, OxigraphStore):
        values = " ".join(f"<{t}>" for t in tasks)
        details_q, order_q = _EMBEDDED["details"].format(values=values), _EMBEDDED["order"].format(values=values)
    else:
        details_q, order_q = _A_DETAILS, _LEAD_ORDER
    if isinstance(store, OxigraphStore):
        # Oxigraph answers without holding the GIL: the lead order is read beside the details.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            later = pool.submit(_rows, store, order_q)
            detail_rows, order_rows = _rows(store, details_q), later.result()
    else:
        detail_rows, order_rows = _rows(store, details_q), _rows(store, order_q)
    wanted = set(tasks)
    details = {}
    for t, number, label, plan, sub in detail_rows:
        if t in wanted:
            details[t] = {"number": int(number), "label": label, "plan": plan, "sub_number": int(sub) if sub is not None else None}
    order = {}
    for a, t, pos in order_rows:
        if t in wanted:
            order[(a, t)] = int(pos)
    return details, order


# --- computing -----------------------------------------------------------------------------------


def _projection_matrices(tables: _Tables, weights: dict[str, float]):
    """Role-pair counts and weights of the agency projection as sparse matrices (B·Bᵀ per role).

    Returns ``(counts, weight)``: ``counts`` maps ``lead_lead`` / ``lead_participant``
    / ``participant_participant`` to symmetric integer matrices, ``weight`` is
    their weighted sum; diagonals are zero.
    """
    from scipy import sparse

    n, m = len(tables.actors), len(tables.tasks)
    lead = tables.edge_lead

    def incidence(mask):
        ones = np.ones(int(mask.sum()), dtype=np.int64)
        return sparse.csr_matrix((ones, (tables.edge_actor[mask], tables.edge_task[mask])), shape=(n, m))

    bl, bp = incidence(lead), incidence(~lead)
    lp = bl @ bp.T
    counts = {"lead_lead": bl @ bl.T, "lead_participant": lp + lp.T, "participant_participant": bp @ bp.T}
    for k, c in counts.items():
        c = c.tocsr()
        c.setdiag(0)
        c.eliminate_zeros()
        counts[k] = c
    weight = sum(float(weights[_WEIGHT_KEYS[k]]) * c.astype(float) for k, c in counts.items())
    return counts, sparse.csr_matrix(weight)


def _ties(counts: dict) -> "object":
    """The pattern of the projection (a pair sharing any task is an edge), upper triangle, as COO."""
    from scipy import sparse

    pattern = sum(counts.values())
    return sparse.triu(pattern, k=1).tocoo()


#: Above this many edge relaxations (sources × edges, summed over components),
#: betweenness runs in igraph's C core when igraph is installed; below it, in networkx.
#: The two may split ties between near-equal path lengths differently (the 100-plan
#: corpus's 270,313 relaxations: 28 agencies differ in the sixth decimal), so the bundled
#: plan (23,484), the 100-plan corpus and the 1,000-plan corpus (288,732: 31 components of
#: 26–28 agencies; 0.27 s in networkx, 0.01 s in igraph, the same figures) stay with
#: networkx, whose figures fengong has always given. Importing igraph costs 0.08 s as the
#: commands do it (without matplotlib).
IGRAPH_ABOVE = 1_000_000


def _betweenness(n: int, rows: np.ndarray, cols: np.ndarray, distances: np.ndarray, cfg: dict,
                 exact_max_nodes: int | None, k: int | None, seed: int | None) -> tuple[np.ndarray, str]:
    """Normalised betweenness on *distances* (edge list *rows*–*cols*), as networkx's.

    Each connected component of at most *exact_max_nodes* agencies is exact
    (Brandes); a bigger one is estimated from *k* of its agencies sampled with
    *seed*, its sums scaled by its size over *k*. Paths never cross components,
    so this is networkx's exact figure wherever no component is sampled, and a
    stratified (lower-variance) version of networkx's uniform source sampling
    otherwise. Normalised like networkx: the sum over sources of the
    dependencies (each pair counted from both ends) over (n−1)(n−2).

    Big jobs (see :data:`IGRAPH_ABOVE`) run in igraph, which treats path lengths
    equal within a relative 1e-10 where networkx compares floats exactly: ties
    such as 1/3 + 1/3 + 1/3 against 1 may then share the credit differently.
    """
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    limit = cfg["exact_max_nodes"] if exact_max_nodes is None else exact_max_nodes
    k = cfg["k"] if k is None else k
    seed = cfg["seed"] if seed is None else seed
    total = np.zeros(n)
    if n <= 2:
        return total, "exact"
    adj = sparse.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    _, label = connected_components(adj, directed=False)
    rng = np.random.default_rng(seed)
    edge_label = label[rows] if len(rows) else np.zeros(0, dtype=label.dtype)
    sizes = np.bincount(label)
    edges_per = np.bincount(edge_label, minlength=len(sizes))
    jobs, sampled, work = [], False, 0
    for c in np.argsort(sizes, kind="stable")[::-1].tolist():  # deterministic: biggest first, then by label
        size = int(sizes[c])
        if size <= 2:
            continue  # no agency lies between two others
        members = np.flatnonzero(label == c)
        if size <= limit or k >= size:
            sources = None
        else:
            sources = np.sort(rng.choice(size, size=k, replace=False))
            sampled = True
        jobs.append((c, members, sources))
        work += (size if sources is None else k) * int(edges_per[c])
    run = _component_betweenness_igraph if work > IGRAPH_ABOVE and _has_igraph() else _component_betweenness_nx
    index = np.zeros(n, dtype=np.int64)  # a node's position within its component
    by_edge = np.argsort(edge_label, kind="stable")
    starts = np.concatenate([[0], np.cumsum(edges_per)])
    for c, members, sources in jobs:
        index[members] = np.arange(len(members))
        inside = by_edge[starts[c]:starts[c + 1]]
        part = run(len(members), index[rows[inside]], index[cols[inside]], distances[inside], sources)
        scale = 1.0 if sources is None else len(members) / len(sources)
        total[members] = 2 * part * scale  # both backends count a pair once on undirected graphs
    total /= (n - 1) * (n - 2)
    return total, (f"sampled (k={k}, seed={seed})" if sampled else "exact")


def _has_igraph() -> bool:
    import importlib.util

    return importlib.util.find_spec("igraph") is not None


def _component_betweenness_nx(n: int, rows, cols, distances, sources) -> np.ndarray:
    """Unnormalised betweenness of one component (pairs counted once); *sources* None = exact."""
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from(zip(rows.tolist(), cols.tolist(), distances.tolist()), weight="distance")
    if sources is None:
        b = nx.betweenness_centrality(g, weight="distance", normalized=False)
    else:
        b = nx.betweenness_centrality_subset(g, sources=sources.tolist(), targets=list(range(n)), normalized=False, weight="distance")
    return np.array([b[i] for i in range(n)])


def _component_betweenness_igraph(n: int, rows, cols, distances, sources) -> np.ndarray:
    """The same in igraph's C core."""
    import igraph

    g = igraph.Graph(n=n, edges=np.column_stack([rows, cols]).tolist(), directed=False)
    if sources is None:
        return np.asarray(g.betweenness(directed=False, weights=distances.tolist()))
    return np.asarray(g.betweenness(directed=False, weights=distances.tolist(), sources=sources.tolist(), targets=None))


def _articulation_points(n: int, rows: np.ndarray, cols: np.ndarray) -> set[int]:
    """Cut vertices of the projection (networkx's biconnected-components search)."""
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(rows.tolist(), cols.tolist()))
    return set(nx.articulation_points(g))


def _eigenvector(weight, cfg: dict) -> tuple[np.ndarray | None, str]:
    """Weighted eigenvector centrality: networkx's power iteration on (A + I), vectorised.

    Same start (1/n), same update and norm, same stopping rule (the L1 change
    below n·tol), so the same figures; the dense solver when it does not converge.
    """
    n = weight.shape[0]
    if n == 0:
        return np.zeros(0), "none (empty graph)"
    x = np.full(n, 1.0 / n)
    for _ in range(cfg["max_iter"]):
        last = x
        x = last + weight @ last
        norm = math.sqrt(float(x @ x)) or 1.0
        x = x / norm
        if float(np.abs(x - last).sum()) < n * cfg["tol"]:
            return x, "power iteration"
    try:
        return _dense_vector(weight), "dense solver (power iteration did not converge)"
    except (np.linalg.LinAlgError, ArithmeticError, ValueError, RuntimeError):  # ARPACK errors derive from RuntimeError
        return None, "not computed (no convergence)"


def _dense_vector(a) -> np.ndarray:
    """Leading eigenvector of a symmetric sparse matrix, unit length, non-negative.

    networkx's own ``eigenvector_centrality_numpy`` refuses disconnected graphs,
    and a plan's projection usually has isolated actors (a task with one actor);
    the leading eigenvector is then the one power iteration tends to (zero on
    the smaller components).
    """
    n = a.shape[0]
    if n <= 2000:
        _, vectors = np.linalg.eigh(a.toarray())
        v = vectors[:, -1]
    else:  # a dense solve of a big matrix is slow: ask ARPACK for the largest eigenpair only
        from scipy.sparse.linalg import eigsh

        _, vectors = eigsh(a, k=1, which="LA")
        v = vectors[:, 0]
    return np.abs(v) / np.linalg.norm(v)


def _structural_holes(weight) -> tuple[np.ndarray, np.ndarray]:
    """Burt's constraint and effective size of every node, as networkx's (weighted, undirected), vectorised.

    With p[u,w] = w(u,w) / strength(u) and m[u,w] = w(u,w) / max weight of u:
    constraint(v) = Σ_{n∈N(v)} (p[v,n] + Σ_w p[v,w]·p[w,n])² and
    effective size(v) = deg(v) − Σ_{u,w∈N(v)} p[v,w]·m[u,w]. NaN for an isolated node.
    """
    from scipy import sparse

    w = sparse.csr_matrix(weight)
    strength = np.asarray(w.sum(axis=1)).ravel()
    peak = w.max(axis=1).toarray().ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        p = sparse.diags(np.where(strength > 0, 1.0 / strength, 0.0)) @ w
        m = sparse.diags(np.where(peak > 0, 1.0 / peak, 0.0)) @ w
    adj = (w != 0).astype(float)
    indirect = (p @ p).multiply(adj)  # only n ∈ N(v) counts
    constraint = np.asarray((p + indirect).power(2).sum(axis=1)).ravel()
    degree = np.asarray(adj.sum(axis=1)).ravel()
    redundancy = np.asarray(p.multiply(adj @ m).sum(axis=1)).ravel()
    effective = degree - redundancy
    isolated = degree == 0
    constraint[isolated] = np.nan
    effective[isolated] = np.nan
    return constraint, effective

def _nan_to_none(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def _plans(store: Store) -> list[dict]:
    return [{"iri": p, "title": title or "", "number": number or ""} for p, title, number in _rows(store, _PLANS)]


@cycles_uncollected()  # millions of rows and numbers, few if any cycles (collected afterwards)
def analyze(
    store: Store,
    top: int | None = None,
    *,
    rules: dict | None = None,
    exact_max_nodes: int | None = None,
    k: int | None = None,
    seed: int | None = None,
    network: nx.MultiDiGraph | None = None,
) -> Analysis:
    """Workload, network position and flags of every actor in *store*.

    *top* keeps the *top* highest-load agencies in ``agencies`` (thresholds and
    flags are always computed over all of them; ``all_agencies`` keeps all).
    *rules* replaces ``analysis.yaml``; *exact_max_nodes*, *k* and *seed*
    override its betweenness settings (exact for components up to that many
    agencies, else sampled from *k* sources with *seed*). *network*, the
    :func:`fengong.network.to_networkx` graph of the same store when the caller
    has it, is reused for :attr:`Analysis.projection` and :attr:`Analysis.bipartite`.

    >>> from fengong.store import open_store
    >>> a = analyze(open_store(), top=3)
    >>> len(a.agencies), len(a.all_agencies) > 3, a.rules["lead_total"]
    (3, True, 93)
    """
    rules = copy.deepcopy(rules) if rules is not None else load_rules()
    tables = _read_tables(store)
    actors = tables.actors
    n = len(actors)

    lead_mask = tables.edge_lead
    leads = np.bincount(tables.edge_actor[lead_mask], minlength=n)
    parts = np.bincount(tables.edge_actor[~lead_mask], minlength=n)
    owed: list[Counter] = [Counter() for _ in range(n)]
    owed_total = np.zeros(n, dtype=np.int64)
    for a, t in zip(tables.edge_actor[lead_mask].tolist(), tables.edge_task[lead_mask].tolist()):
        years = tables.task_years[t]
        if years:
            owed_total[a] += len(years)
            owed[a].update(y for y in years if y is not None)
    lead_total = int(leads.sum())

    counts_m, weight = _projection_matrices(tables, rules["projection_weights"])
    ties = _ties(counts_m)
    degree = np.diff(sum(counts_m.values()).tocsr().indptr) if n else np.zeros(0, dtype=np.int64)
    strength = np.asarray(weight.sum(axis=1)).ravel() if n else np.zeros(0)
    w_ties = np.asarray(weight[ties.row, ties.col]).ravel() if ties.nnz else np.zeros(0)
    betweenness, b_method = _betweenness(n, ties.row, ties.col, 1.0 / w_ties, rules["betweenness"], exact_max_nodes, k, seed)
    eigen, e_method = _eigenvector(weight, rules["eigenvector"])
    constraint, effective = _structural_holes(weight) if n else (np.zeros(0), np.zeros(0))
    cut = _articulation_points(n, ties.row, ties.col)

    lw = rules["load_weights"]
    stats: dict[str, AgencyStats] = {}
    for i, a in enumerate(actors):
        d = tables.actor_attrs[i]
        s = AgencyStats(iri=a, name_zh=d["name_zh"], name_en=d["name_en"], kind=d["kind"], collective=d["collective"],
                        leads=int(leads[i]), participations=int(parts[i]), deliverables_as_lead=int(owed_total[i]),
                        deadlines=dict(sorted(owed[i].items())))
        s.load = lw["leads"] * s.leads + lw["participations"] * s.participations + lw["deliverables_as_lead"] * s.deliverables_as_lead
        s.lead_share = s.leads / lead_total if lead_total else 0.0
        s.degree = int(degree[i])
        s.strength = float(strength[i])
        s.betweenness = float(betweenness[i])
        s.eigenvector = _nan_to_none(float(eigen[i])) if eigen is not None else None
        s.constraint = _nan_to_none(float(constraint[i]))
        s.effective_size = _nan_to_none(float(effective[i]))
        s.articulation = i in cut
        stats[a] = s

    method = rules["quantile_method"]
    ov, bn, dp = rules["overloaded"], rules["bottleneck"], rules["deadline_peak"]
    loads = [s.load for s in stats.values()]
    q1, q3 = _quantile(loads, 0.25, method), _quantile(loads, 0.75, method)
    load_threshold = q3 + ov["iqr_factor"] * (q3 - q1)
    b_threshold = _quantile([s.betweenness for s in stats.values()], bn["betweenness_quantile"], method)
    c_values = [s.constraint for s in stats.values() if s.constraint is not None]
    c_threshold = _quantile(c_values, bn["constraint_quantile"], method)
    top_share = 1 - bn["betweenness_quantile"]
    reasons = rules["reasons"]

    def because(s: AgencyStats, key: str, **values) -> None:
        s.reasons.append(reasons[key]["en"].format(**values))
        s.reasons_zh.append(reasons[key]["zh"].format(**values))
        s.reason_keys.append(key)

    peaks: list[DeadlinePeak] = []
    for s in stats.values():
        if s.load > load_threshold:
            s.overloaded = True
            because(s, "load", load=s.load, threshold=load_threshold, iqr_factor=ov["iqr_factor"])
        if lead_total and s.lead_share >= ov["lead_share"]:
            s.overloaded = True
            because(s, "lead_share", leads=s.leads, lead_total=lead_total, share=s.lead_share, min_share=ov["lead_share"])
        for year, count in s.deadlines.items():
            if count >= dp["min_deliverables"]:
                peaks.append(DeadlinePeak(s.iri, s.name_zh, s.name_en, year, count))
                if ov["deadline_peak"]:
                    s.overloaded = True
                    because(s, "deadline_peak", year=year, count=count, min_deliverables=dp["min_deliverables"])
        if s.betweenness > 0 and s.betweenness >= b_threshold and s.constraint is not None and s.constraint < c_threshold:
            s.bottleneck = True
            because(s, "bottleneck", betweenness=s.betweenness, b_threshold=b_threshold, top_share=top_share,
                    constraint=s.constraint, c_threshold=c_threshold)
    peaks.sort(key=lambda x: (-x.count, x.year, x.agency))

    diffuse = _diffuse_chosen(tables, rules["diffuse"]["min_leads"])

    rules["lead_total"] = lead_total
    ov.update(q1=_round(q1), q3=_round(q3), load_threshold=_round(load_threshold))
    bn.update(betweenness_threshold=_round(b_threshold), constraint_threshold=_round(c_threshold))
    rules["betweenness"]["method"] = b_method
    rules["eigenvector"]["method"] = e_method
    rules["text"] = _rule_texts(rules, top_share)

    ordered = sorted(stats.values(), key=lambda s: (-s.load, -s.leads, -s.participations, s.name_zh, s.iri))
    counts = {
        "agencies": n,
        "collective": sum(1 for s in ordered if s.collective),
        "tasks": tables.task_count,
        "leads": lead_total,
        "participations": int(parts.sum()),
        "deliverables": tables.deliverable_count,
        "overloaded": sum(1 for s in ordered if s.overloaded),
        "bottlenecks": sum(1 for s in ordered if s.bottleneck),
        "diffuse_tasks": len(diffuse),
        "deadline_peaks": len(peaks),
    }
    return Analysis(
        agencies=ordered[:top] if top is not None else list(ordered),
        deadline_peaks=peaks,
        rules=rules,
        all_agencies=ordered,
        plans=_plans(store),
        counts=counts,
        top=top,
        projection_size={"nodes": n, "edges": int(ties.nnz)},
        store=store,
        network=network,
        tables=tables,
        read_diffuse=functools.partial(_diffuse_tasks, store, tables, diffuse),
    )


def _diffuse_chosen(tables: _Tables, min_leads: int) -> np.ndarray:
    """Indices of the tasks led by at least *min_leads* actors."""
    lead = tables.edge_lead
    per_task = np.bincount(tables.edge_task[lead], minlength=len(tables.tasks))
    return np.flatnonzero(per_task >= min_leads)


def _diffuse_tasks(store: Store, tables: _Tables, chosen: np.ndarray) -> list[DiffuseTask]:
    """The *chosen* tasks (:func:`_diffuse_chosen`) with their labels, numbers and ordered leads."""
    if not len(chosen):
        return []
    lead = tables.edge_lead
    leads_of: dict[int, list[str]] = defaultdict(list)
    wanted = set(chosen.tolist())
    for a, t in zip(tables.edge_actor[lead].tolist(), tables.edge_task[lead].tolist()):
        if t in wanted:
            leads_of[t].append(tables.actors[a])
    iris = [tables.tasks[t] for t in chosen.tolist()]
    details, order = _task_details(store, iris)
    names = dict(zip(tables.actors, (d["name_zh"] for d in tables.actor_attrs)))
    out = []
    for t in chosen.tolist():
        iri = tables.tasks[t]
        d = details.get(iri, {"number": 0, "label": iri, "plan": "", "sub_number": None})
        leads = sorted(leads_of[t], key=lambda a: (order.get((a, iri), 1 << 30), a))
        out.append(DiffuseTask(iri, d["label"], d["number"], leads, [names[a] for a in leads], d["plan"]))
    sub = {iri: (d.get("sub_number") or 0) for iri, d in details.items()}
    out.sort(key=lambda x: (x.plan, x.number, sub.get(x.iri, 0), x.iri))
    return out

def _rule_texts(rules: dict, top_share: float) -> dict[str, dict[str, str]]:
    """The rule texts of ``analysis.yaml`` filled with this graph's parameters and thresholds."""
    pw, lw, ov, bn = rules["projection_weights"], rules["load_weights"], rules["overloaded"], rules["bottleneck"]
    values = {
        "lead_total": rules["lead_total"],
        "w_ll": pw["lead-lead"], "w_lp": pw["lead-participant"], "w_pp": pw["participant-participant"],
        "l_leads": lw["leads"], "l_parts": lw["participations"], "l_delivs": lw["deliverables_as_lead"],
        "iqr_factor": ov["iqr_factor"], "q1": ov["q1"], "q3": ov["q3"], "load_threshold": ov["load_threshold"],
        "lead_share": ov["lead_share"], "min_deliverables": rules["deadline_peak"]["min_deliverables"],
        "top_share": top_share, "betweenness_threshold": bn["betweenness_threshold"],
        "constraint_threshold": bn["constraint_threshold"], "min_leads": rules["diffuse"]["min_leads"],
        "exact_max_nodes": rules["betweenness"]["exact_max_nodes"], "k": rules["betweenness"]["k"],
        "seed": rules["betweenness"]["seed"], "max_iter": rules["eigenvector"]["max_iter"], "tol": rules["eigenvector"]["tol"],
    }
    method = {"betweenness": rules["betweenness"]["method"], "eigenvector": rules["eigenvector"]["method"]}
    return {
        key: {lang: text.format(**values, method=method.get(key, "")) for lang, text in langs.items()}
        for key, langs in rules["text"].items()
    }
