"""Overloaded agencies and coordination bottlenecks, from the graph (never the text).

The graph is read through :func:`fengong.network.to_networkx` (plus two small
SPARQL queries for what it leaves out: each actor's kind and the order of
co-leads) into

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
edges, degree and strength, betweenness on distances ``1/weight`` (exact up to
200 agencies, else sampled from ``k=100`` sources with seed 94), weighted
eigenvector centrality, Burt's constraint and effective size, and whether the
agency is an articulation point of the projection. It then flags

* **overloaded** agencies: load above Q3 + 3·IQR, OR a lead share ≥ 10 %, OR a
  deadline peak;
* **deadline peaks**: ≥ 10 deliverables owed as lead falling due in one year;
* **coordination bottlenecks** (brokers): betweenness in the top decile and
  above 0, AND constraint below the median;
* **diffuse accountability**: tasks with 3 or more co-leads.

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

import copy
import functools
import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from importlib import resources

import networkx as nx
import numpy as np
import yaml

from .network import to_networkx
from .store import Store

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
        for k, v in asdict(self).items():
            if k == "deadlines":
                v = {str(y): n for y, n in sorted(v.items())}
            elif isinstance(v, float):
                v = _round(v)
            out[k] = v
        return out


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
        return asdict(self)


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
    """What :func:`analyze` found. ``agencies`` is sorted by load, highest first."""

    agencies: list[AgencyStats]
    diffuse_tasks: list[DiffuseTask]
    deadline_peaks: list[DeadlinePeak]
    rules: dict
    projection: nx.Graph
    bipartite: nx.Graph
    all_agencies: list[AgencyStats] = field(default_factory=list)  # every agency, even when ``top`` cut ``agencies``
    plans: list[dict] = field(default_factory=list)  # {"iri", "title", "number"}
    counts: dict = field(default_factory=dict)
    top: int | None = None

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
                "nodes": self.projection.number_of_nodes(),
                "edges": self.projection.number_of_edges(),
                "density": _round(nx.density(self.projection)) if self.projection.number_of_nodes() > 1 else 0.0,
            },
        }


def _round(x: float | None) -> float | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return round(float(x), 6)


def _kinds(store: Store) -> dict[str, str]:
    from .model import concepts

    notation = {iri.value: n for scheme in concepts().values() for n, iri in scheme.items()}
    return {r["a"]: notation.get(r["k"], r["k"].rsplit("#", 1)[-1]) for r in store.query(_KINDS).dicts()}


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


def _betweenness(p: nx.Graph, cfg: dict, exact_max_nodes: int | None, k: int | None, seed: int | None) -> tuple[dict, str]:
    limit = cfg["exact_max_nodes"] if exact_max_nodes is None else exact_max_nodes
    k = cfg["k"] if k is None else k
    seed = cfg["seed"] if seed is None else seed
    n = p.number_of_nodes()
    if n <= limit or k >= n:
        return nx.betweenness_centrality(p, weight="distance", normalized=True), "exact"
    return nx.betweenness_centrality(p, k=k, weight="distance", normalized=True, seed=seed), f"sampled (k={k}, seed={seed})"


def _eigenvector(p: nx.Graph, cfg: dict) -> tuple[dict, str]:
    if p.number_of_nodes() == 0:
        return {}, "none (empty graph)"
    try:
        return nx.eigenvector_centrality(p, weight="weight", max_iter=cfg["max_iter"], tol=cfg["tol"]), "power iteration"
    except nx.PowerIterationFailedConvergence:
        pass
    try:
        return _dense_eigenvector(p), "dense solver (power iteration did not converge)"
    except (np.linalg.LinAlgError, ArithmeticError, ValueError, RuntimeError):  # ARPACK errors derive from RuntimeError
        return {}, "not computed (no convergence)"


def _dense_eigenvector(p: nx.Graph) -> dict[str, float]:
    """Leading eigenvector of the weighted adjacency matrix, unit length, non-negative.

    networkx's own ``eigenvector_centrality_numpy`` refuses disconnected graphs,
    and a plan's projection usually has isolated actors (a task with one actor);
    the leading eigenvector is then the one power iteration tends to (zero on
    the smaller components).
    """
    nodes = list(p.nodes)
    a = nx.to_scipy_sparse_array(p, nodelist=nodes, weight="weight", dtype=float)
    if len(nodes) <= 2000:
        _, vectors = np.linalg.eigh(a.toarray())
        v = vectors[:, -1]
    else:  # a dense solve of a big matrix is slow: ask ARPACK for the largest eigenpair only
        from scipy.sparse.linalg import eigsh

        _, vectors = eigsh(a, k=1, which="LA")
        v = vectors[:, 0]
    v = np.abs(v) / np.linalg.norm(v)
    return dict(zip(nodes, (float(x) for x in v)))


def _nan_to_none(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def _plans(store: Store) -> list[dict]:
    return [{"iri": r["p"], "title": r["title"] or "", "number": r["number"] or ""} for r in store.query(_PLANS).dicts()]


def analyze(
    store: Store,
    top: int | None = None,
    *,
    rules: dict | None = None,
    exact_max_nodes: int | None = None,
    k: int | None = None,
    seed: int | None = None,
) -> Analysis:
    """Workload, network position and flags of every actor in *store*.

    *top* keeps the *top* highest-load agencies in ``agencies`` (thresholds and
    flags are always computed over all of them; ``all_agencies`` keeps all).
    *rules* replaces ``analysis.yaml``; *exact_max_nodes*, *k* and *seed*
    override its betweenness settings (exact up to that many agencies, else
    sampled from *k* sources with *seed*).

    >>> from fengong.store import open_store
    >>> a = analyze(open_store(), top=3)
    >>> len(a.agencies), len(a.all_agencies) > 3, a.rules["lead_total"]
    (3, True, 93)
    """
    rules = copy.deepcopy(rules) if rules is not None else load_rules()
    network = to_networkx(store)
    b = bipartite_graph(store, network)
    p = _project(b, rules["projection_weights"])
    actors = [n for n, d in b.nodes(data=True) if d["bipartite"] == 0]
    tasks = [n for n, d in b.nodes(data=True) if d["bipartite"] == 1]

    leads: Counter[str] = Counter()
    parts: Counter[str] = Counter()
    owed: dict[str, Counter] = defaultdict(Counter)
    owed_total: Counter[str] = Counter()
    for a, t, e in b.edges(data=True):
        if b.nodes[a]["bipartite"] == 1:
            a, t = t, a
        if e["role"] == "lead":
            leads[a] += 1
            years = b.nodes[t]["deliverable_years"]
            owed_total[a] += len(years)
            for y in years:
                if y is not None:
                    owed[a][y] += 1
        else:
            parts[a] += 1
    lead_total = sum(leads.values())

    lw = rules["load_weights"]
    stats: dict[str, AgencyStats] = {}
    for a in actors:
        d = b.nodes[a]
        s = AgencyStats(iri=a, name_zh=d["name_zh"], name_en=d["name_en"], kind=d["kind"], collective=d["collective"],
                        leads=leads[a], participations=parts[a], deliverables_as_lead=owed_total[a],
                        deadlines=dict(sorted(owed[a].items())))
        s.load = lw["leads"] * s.leads + lw["participations"] * s.participations + lw["deliverables_as_lead"] * s.deliverables_as_lead
        s.lead_share = s.leads / lead_total if lead_total else 0.0
        s.degree = p.degree(a)
        s.strength = float(p.degree(a, weight="weight"))
        stats[a] = s

    betweenness, b_method = _betweenness(p, rules["betweenness"], exact_max_nodes, k, seed)
    eigen, e_method = _eigenvector(p, rules["eigenvector"])
    constraint = nx.constraint(p, weight="weight") if p.number_of_nodes() else {}
    effective = nx.effective_size(p, weight="weight") if p.number_of_nodes() else {}
    cut = set(nx.articulation_points(p))
    for a, s in stats.items():
        s.betweenness = float(betweenness.get(a, 0.0))
        s.eigenvector = _nan_to_none(eigen.get(a))
        s.constraint = _nan_to_none(constraint.get(a))
        s.effective_size = _nan_to_none(effective.get(a))
        s.articulation = a in cut

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
    for a, s in stats.items():  # so that views drawn from the projection can show the flags
        p.nodes[a].update(load=s.load, overloaded=s.overloaded, bottleneck=s.bottleneck)

    diffuse = _diffuse_tasks(store, b, tasks, rules["diffuse"]["min_leads"])

    rules["lead_total"] = lead_total
    ov.update(q1=_round(q1), q3=_round(q3), load_threshold=_round(load_threshold))
    bn.update(betweenness_threshold=_round(b_threshold), constraint_threshold=_round(c_threshold))
    rules["betweenness"]["method"] = b_method
    rules["eigenvector"]["method"] = e_method
    rules["text"] = _rule_texts(rules, top_share)

    ordered = sorted(stats.values(), key=lambda s: (-s.load, -s.leads, -s.participations, s.name_zh, s.iri))
    counts = {
        "agencies": len(actors),
        "collective": sum(1 for s in ordered if s.collective),
        "tasks": len(tasks),
        "leads": lead_total,
        "participations": sum(parts.values()),
        "deliverables": sum(len(b.nodes[t]["deliverable_years"]) for t in tasks),
        "overloaded": sum(1 for s in ordered if s.overloaded),
        "bottlenecks": sum(1 for s in ordered if s.bottleneck),
        "diffuse_tasks": len(diffuse),
        "deadline_peaks": len(peaks),
    }
    return Analysis(
        agencies=ordered[:top] if top is not None else list(ordered),
        diffuse_tasks=diffuse,
        deadline_peaks=peaks,
        rules=rules,
        projection=p,
        bipartite=b,
        all_agencies=ordered,
        plans=_plans(store),
        counts=counts,
        top=top,
    )


def _diffuse_tasks(store: Store, b: nx.Graph, tasks: list[str], min_leads: int) -> list[DiffuseTask]:
    order = {(r["a"], r["t"]): int(r["pos"]) for r in store.query(_LEAD_ORDER).dicts()}
    out = []
    for t in tasks:
        leads = [a for a, e in b[t].items() if e["role"] == "lead"]
        if len(leads) < min_leads:
            continue
        leads.sort(key=lambda a: (order.get((a, t), 1 << 30), a))
        d = b.nodes[t]
        out.append(DiffuseTask(t, d["label"], d["number"], leads, [b.nodes[a]["name_zh"] for a in leads], d["plan"]))
    out.sort(key=lambda x: (x.plan, x.number, b.nodes[x.iri]["sub_number"] or 0, x.iri))
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
