"""Which nodes and edges each interactive view holds, and what their tooltips say.

A view is plain data (:class:`View` of :class:`Node` and :class:`Edge`),
built from the one projection of the store (:func:`fengong.network.to_networkx`)
plus the agency measures of :func:`fengong.analysis.analyze`; how it is drawn
is :mod:`fengong.viz.page`'s business. The agencies view alone can be drawn
from :func:`agencies_context`, which reads the analysis' tables and the tasks
instead of the whole projection (a corpus' projection takes seconds). The views:

``full``
    every task (targets and work requirements too), every actor with a task,
    every deliverable and every place a task mentions, with all their edges;
``agencies``
    the agency collaboration network: agencies joined by the tasks they share,
    sized by load, coloured by kind, overloaded agencies and bottlenecks marked;
    at most the :data:`AGENCY_CAP` agencies with the highest load are drawn (the
    others stay searchable: the page names the command that draws one), and a
    dense projection is cut to the strongest links, each agency's own strongest
    first (:data:`EDGE_CAP`, :data:`EDGE_BUDGET_PER_NODE`, :data:`EDGE_KEEP_PER_NODE`);
``agency:NAME``
    one agency's ego network: its tasks, their deliverables and deadlines, its partners;
``section:N``
    the tasks of section N (of every plan), their actors, deliverables and places;
``city:NAME``
    the tasks that mention a place, and their actors.

>>> from fengong.store import open_store
>>> ctx = load_context(open_store(), analysis=None)
>>> view = build_view(ctx, "section:10", "zh")
>>> view.title, len([n for n in view.nodes if n.type in TASK_TYPES])
('第10部分 工作要求', 3)
"""

from __future__ import annotations

import concurrent.futures
import difflib
import inspect
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from .. import FengongError
from ..gcpause import cycles_uncollected
from ..network import to_networkx
from ..numerals import to_int
from ..store import Store
from ..textwidth import distinct_names
from .labels import chrome, term_label

__all__ = [
    "Node",
    "Edge",
    "View",
    "Context",
    "load_context",
    "agencies_context",
    "build_view",
    "parse_spec",
    "full_view",
    "agencies_view",
    "agency_view",
    "section_view",
    "city_view",
    "resolve_agency",
    "resolve_place",
    "resolve_section",
    "VIEW_KINDS",
    "SPEC_EXAMPLES",
    "TASK_TYPES",
    "ACTOR_TYPES",
    "AGENCY_CAP",
    "EDGE_CAP",
    "EDGE_KEEP_PER_NODE",
    "EDGE_BUDGET_PER_NODE",
    "SITE_MAX_NODES",
]

#: View kinds; those marked True take an argument (``agency:NAME``).
VIEW_KINDS = {"full": False, "agencies": False, "agency": True, "section": True, "city": True}
TASK_TYPES = ("Task", "Target", "WorkRequirement")
ACTOR_TYPES = ("Agency", "CollectiveActor", "Post")
ROLE_OF = {"leads": "lead", "participatesIn": "participant"}
#: An example argument per view kind, for error messages and help.
SPEC_EXAMPLES = {"agency": "住房城乡建设厅", "section": "2", "city": "南宁市"}

#: The agencies view draws at most this many agencies, those with the highest load (the legend
#: says "N of M agencies shown"; search names the others and the command that draws one).
#: Measured on 2 busy cores, synthetic networks of N agencies and 2N links: headless Chromium
#: (software rendering) is ready in 4–5 s from 1,000 to 3,000 agencies, but the layout costs
#: 1.9 s CPU at 1,500 and 5.2 s at 3,000, the page grows by 3 MB per 1,000 agencies, and
#: past ~1,500 the labels merge into a hairball at every zoom level.
AGENCY_CAP = 1500
#: The agencies view draws at most max(EDGE_CAP, EDGE_BUDGET_PER_NODE × agencies) links.
#: Each agency first gets its strongest link, then its second … up to EDGE_KEEP_PER_NODE,
#: while the budget lasts; the strongest remaining links fill the rest.
EDGE_CAP = 500
EDGE_BUDGET_PER_NODE = 2
EDGE_KEEP_PER_NODE = 4
#: ``fengong build`` writes a full or section page only up to this many nodes: beyond
#: it a page is megabytes, takes long to lay out and shows a hairball. ``fengong viz``
#: still draws any view on request.
SITE_MAX_NODES = 1500
#: Characters of a task's title shown on its node; the tooltip has the whole text.
LABEL_CHARS = 10


@dataclass
class Node:
    """One node of a view: what it is, what it says, and the facets the filters use."""

    id: str
    type: str
    label: str
    names: list[str]
    facts: list[tuple[str, Any]] = field(default_factory=list)
    search: list[str] = field(default_factory=list)
    section: int | None = None
    sections: list[int] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    kind: str | None = None
    value: float | None = None
    flags: list[str] = field(default_factory=list)  # overloaded, bottleneck; focus: the ego of an agency/city view


@dataclass
class Edge:
    """One edge: *relation* is leads, participatesIn, hasDeliverable, mentionsPlace or collaborates."""

    source: str
    target: str
    relation: str
    weight: float = 1.0
    facts: list[tuple[str, Any]] = field(default_factory=list)
    sections: list[int] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.source}|{self.relation}|{self.target}"


@dataclass
class View:
    """A view ready to draw: *key* like ``section:2``; *slug* names its file."""

    key: str
    slug: str
    title: str
    lang: str
    nodes: list[Node]
    edges: list[Edge]
    notes: list[str] = field(default_factory=list)
    legend: str = "types"  # "types" (shape/colour by node type) or "kinds" (agencies view)
    sections: list[tuple[int, str]] = field(default_factory=list)
    groups: bool = False  # offer "group by section"
    edge_total: int | None = None
    source: str = ""  # the plan's title, or how many plans
    #: agencies left out of a capped agencies view: (display name, search keys, view spec that draws it)
    omitted: list[tuple[str, list[str], str]] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted({y for n in self.nodes for y in n.years})


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _local(iri: str | None) -> str | None:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if iri else None


_EXTRA = """
SELECT ?x ?alt ?kind ?ptype WHERE {
  { ?x a fg:Actor } UNION { ?x a fg:Place }
  OPTIONAL { ?x skos:altLabel ?alt }
  OPTIONAL { ?x org:classification ?kind }
  OPTIONAL { ?x fg:placeType ?ptype }
}"""


class Context:
    """The graph a set of views is drawn from, indexed once.

    Build it with :func:`load_context`; every view of one page set shares it.
    """

    def __init__(self, graph: nx.MultiDiGraph | None, extra: list[dict], analysis: Any = None, *,
                 nodes: dict[str, dict] | None = None, edges=None):
        # *nodes* and *edges* ((u, v, relation, basis) tuples) instead of *graph*: a lean
        # context that holds only what some views need (see :func:`agencies_context`).
        self.graph = graph
        self.analysis = analysis
        self.stats = {a.iri: a for a in analysis.agencies} if analysis is not None else {}
        alt: dict[str, set[str]] = defaultdict(set)
        self.kind: dict[str, str] = {}
        self.place_type: dict[str, str] = {}
        for row in extra:
            x = row["x"]
            if row.get("alt"):
                alt[x].add(row["alt"])
            if row.get("kind"):
                self.kind[x] = _local(row["kind"])
            if row.get("ptype"):
                self.place_type[x] = _local(row["ptype"])
        # sorted: an engine returns the alternative names in an order of its own
        self.alt: dict[str, list[str]] = {x: sorted(names) for x, names in alt.items()}
        if graph is not None:
            nodes = dict(graph.nodes(data=True))
            edges = ((u, v, d["relation"], d.get("basis")) for u, v, d in graph.edges(data=True))
        #: node → its attributes (a plain dict: networkx's node view costs a call per lookup)
        self.node: dict[str, dict] = nodes
        node = self.node
        self.tasks = sorted(
            (n for n, d in node.items() if d.get("type") in TASK_TYPES),
            key=lambda t: (node[t].get("plan", ""), node[t].get("number", 0), node[t].get("sub_number", 0)),
        )
        self.position = {t: i for i, t in enumerate(self.tasks)}  # task → its place in ``tasks``
        self.actors_of: dict[str, list[tuple[str, str]]] = defaultdict(list)  # task → [(actor, relation)]
        self.tasks_of: dict[str, list[tuple[str, str]]] = defaultdict(list)  # actor → [(task, relation)]
        self.deliverables_of: dict[str, list[str]] = defaultdict(list)
        self.task_of: dict[str, str] = {}  # deliverable → task
        self.places_of: dict[str, list[str]] = defaultdict(list)
        self.mentioned_by: dict[str, list[str]] = defaultdict(list)  # place → tasks
        self.basis: dict[tuple[str, str, str], str] = {}
        for u, v, rel, basis in edges:
            if rel in ROLE_OF:
                self.actors_of[v].append((u, rel))
                self.tasks_of[u].append((v, rel))
                if basis:
                    self.basis[(u, rel, v)] = basis
            elif rel == "hasDeliverable":
                self.deliverables_of[u].append(v)
                self.task_of[v] = u
            elif rel == "mentionsPlace":
                self.places_of[u].append(v)
                self.mentioned_by[v].append(u)
        self.plans = sorted({node[t].get("plan") for t in self.tasks if node[t].get("plan")})
        titles: dict[int, set[str]] = defaultdict(set)
        for t in self.tasks:
            d = node[t]
            if "section" in d:
                titles[d["section"]].add(d.get("section_title", ""))
        #: section number → its title (the first plan's, when plans differ)
        self.section_titles = {n: sorted(ts)[0] if len(ts) == 1 else "" for n, ts in sorted(titles.items())}

    # --- names ---------------------------------------------------------------
    def name(self, node: str, lang: str) -> str:
        """Short display name of an actor or place in *lang* (Chinese when there is no English)."""
        d = self.node[node]
        if lang == "en" and d.get("name_en"):
            return d["name_en"]
        return d.get("label") or d.get("name_zh") or node

    def names(self, node: str) -> list[str]:
        """Every distinct official name (zh full, zh short, en), for the tooltip head."""
        d = self.node[node]
        out = []
        for key in ("name_zh", "label", "name_en"):
            if d.get(key) and d[key] not in out:
                out.append(d[key])
        return out

    def task_ref(self, task: str) -> str:
        """How a task is cited in lists: ``(十七) 实施差别化落户政策``."""
        d = self.node[task]
        return d.get("label") or f"({d.get('numeral', '')}) {d.get('title', '')}"

    def section_label(self, n: int) -> str:
        """``2. 有序推进农业转移人口市民化`` (the number alone when plans title it differently)."""
        title = self.section_titles.get(n, "")
        return f"{n}. {title}" if title else str(n)

    def source(self, lang: str = "zh") -> str:
        """What the views are drawn from: the plan's title, or the number of plans."""
        titles = sorted({self.node[t].get("plan_title", "") for t in self.tasks} - {""})
        if len(self.plans) == 1 and titles:
            return titles[0]
        return chrome("n_plans", lang, n=len(self.plans))


@cycles_uncollected()  # hundreds of thousands of rows and records, few cycles (collected afterwards)
def load_context(store: Store, analysis: Any = "auto") -> Context:
    """Read the projection and the names the views need from *store*.

    *analysis*: an :class:`fengong.analysis.Analysis`; ``"auto"`` runs
    :func:`fengong.analysis.analyze` when that module is installed; ``None`` draws
    without measures (no agencies view).
    """
    graph = to_networkx(store)
    if analysis == "auto":
        try:
            from ..analysis import analyze
        except ImportError:
            analysis = None
        else:
            # The analysis builds its projection from the same projection of the store: read it once.
            takes_network = "network" in inspect.signature(analyze).parameters
            analysis = analyze(store, network=graph) if takes_network else analyze(store)
    return Context(graph, store.query(_EXTRA).dicts(), analysis)


# What the agencies view reads besides the analysis, shaped for embedded Oxigraph like
# fengong.network's reads (hash joins of single patterns; no task text decoded): the
# same tasks as the projection's (those with number, numeral, label and plan). Their
# labels cost 0.1 s more here at 65,000 tasks, where a second query for the tasks the
# drawn links share took 1 s. (A dict, not module constants: fengong.rowstore gathers
# the module's plain SELECT constants per document; other stores run
# fengong.network's plain queries, which it gathers already.)
_LEAN = {
    "tasks": """SELECT ?t ?number ?sub ?plan ?s ?year ?label WHERE {
  { SELECT ?t WHERE { ?t a fg:Task } }
  { SELECT ?t ?number WHERE { ?t fg:number ?number } }
  { SELECT DISTINCT ?t WHERE { ?t fg:numeral ?numeral } }
  { SELECT ?t ?label WHERE { ?t rdfs:label ?label } }
  { SELECT ?t ?plan WHERE { ?t dcterms:isPartOf ?plan } }
  OPTIONAL { SELECT ?t ?sub WHERE { ?t fg:subNumber ?sub } }
  OPTIONAL { SELECT ?t ?s WHERE { ?t fg:inSection ?s } }
  OPTIONAL { SELECT ?t ?year WHERE { { SELECT DISTINCT ?t WHERE { ?t fg:dueBy ?due } } { SELECT ?t ?year WHERE { ?t fg:dueYear ?year } } } }
}""",
}


def _lean_reads(store: Store) -> tuple[list[tuple], list[tuple]]:
    """What :func:`_lean_nodes` reads from embedded Oxigraph besides the analysis: the sections
    (IRI, number, title) and the tasks (IRI, number, sub-number, plan, section, year, label)."""
    from .. import network as net

    return net._ox_rows(store, net._EMBEDDED["sections"]), net._ox_rows(store, _LEAN["tasks"])


def _lean_nodes(store: Store, analysis: Any, reads=None) -> dict[str, dict]:
    """Actors and tasks with the attributes of :func:`fengong.network.to_networkx` that the agencies view reads
    (*reads*: :func:`_lean_reads` of *store*, when already made)."""
    from .. import network as net
    from ..store import OxigraphStore

    nodes: dict[str, dict] = {}
    if not isinstance(store, OxigraphStore):  # the projection's own queries (fengong.rowstore gathers them)
        for row in store.query(net._TASKS).dicts():
            nodes.setdefault(row["t"], {}).update(net._attrs(row, net._TASK_NAMES, ints=net._TASK_INTS))
        actors = store.query(net._ACTORS).dicts()
    else:
        plans = {p["iri"]: p["title"] for p in analysis.plans if p.get("title")}
        section_rows, task_rows = reads or _lean_reads(store)
        sections = {s: (int(n), title) for s, n, title in section_rows}
        rows = sorted(task_rows, key=lambda r: r[0])  # ties in plan order: by IRI
        if any(row[3] not in plans for row in rows):
            plans = dict(net._ox_rows(store, net._EMBEDDED["plans"]))
        for t, number, sub, plan, s, year, label in rows:
            d = nodes.setdefault(t, {"type": "Task"})
            d["number"] = int(number)
            d["plan"] = plan
            d["label"] = label
            if sub is not None:
                d["sub_number"] = int(sub)
            if s in sections:
                d["section"], d["section_title"] = sections[s]
            if plans.get(plan) is not None:
                d["plan_title"] = plans[plan]
            if year is not None:
                d["due_year"] = int(year)
        actors = net._ox_dicts(store, net._ACTORS)
    for row in actors:
        attrs = net._attrs(row, {"type": "type", "zh": "name_zh", "en": "name_en", "short": "label"})
        attrs.setdefault("label", row["zh"])
        nodes.setdefault(row["a"], {}).update(attrs)
    return nodes


@cycles_uncollected()
def agencies_context(store: Store, analysis: Any = "auto") -> Context:
    """A lean :class:`Context` for :func:`agencies_view` alone: actors, tasks and who leads or
    joins which, from the analysis' own tables, without :func:`fengong.network.to_networkx`.

    It draws the same agencies view as :func:`load_context`; other views need the full
    context. *analysis* as for :func:`load_context` (without one, or without its tables,
    this is :func:`load_context`).

    >>> from fengong.store import open_store
    >>> st = open_store()
    >>> lean, full = agencies_context(st), load_context(st)
    >>> agencies_view(lean, "en") == agencies_view(full, "en")
    True
    """
    from ..store import OxigraphStore

    reads = None
    if analysis == "auto":
        try:
            from ..analysis import analyze
        except ImportError:
            analysis = None
        else:
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                # The tasks are read while the analysis runs: Oxigraph answers without holding the GIL.
                later = pool.submit(_lean_reads, store) if isinstance(store, OxigraphStore) else None
                analysis = analyze(store)
                reads = later.result() if later is not None else None
    tables = getattr(analysis, "tables", None)
    if tables is None or getattr(tables, "role_actor", None) is None:
        return load_context(store, analysis)
    nodes = _lean_nodes(store, analysis, reads)
    actors, tasks = tables.actors, tables.tasks
    # As the projection: an edge joins an actor and a task of the graph, once per relation.
    i, j, lead = tables.role_actor, tables.role_task, tables.role_lead
    if len(i):
        keep = np.array([a in nodes for a in actors])[i] & np.array([t in nodes for t in tasks])[j]
        key = np.unique((i[keep] * len(tasks) + j[keep]) * 2 + lead[keep])
        i, j, lead = key // 2 // len(tasks), key // 2 % len(tasks), key % 2 == 1
    rel = ("participatesIn", "leads")
    edges = [(actors[a], tasks[t], rel[r], None) for a, t, r in zip(i.tolist(), j.tolist(), lead.tolist())]
    return Context(None, store.query(_EXTRA).dicts(), analysis, nodes=nodes, edges=edges)


# --- nodes and edges ------------------------------------------------------------

def _short(text: str, n: int = LABEL_CHARS) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _due(d: dict) -> str | None:
    if d.get("due_wording") and d.get("due"):
        return f"{d['due_wording']} ({d['due']})"
    return d.get("due_wording") or d.get("due")


def _task_node(ctx: Context, t: str, lang: str) -> Node:
    d = ctx.node[t]
    numeral = d.get("numeral", "")
    sub = f"-{d['sub_number']}" if d.get("sub_number") else ""
    title = d.get("title") or d.get("text", "")
    leads = [ctx.name(a, lang) for a, rel in ctx.actors_of[t] if rel == "leads"]
    parts = [ctx.name(a, lang) for a, rel in ctx.actors_of[t] if rel == "participatesIn"]
    delivs = []
    for x in ctx.deliverables_of[t]:
        dd = ctx.node[x]
        due = _due(dd)
        delivs.append(f"{dd.get('label', '')} — {due}" if due else dd.get("label", ""))
    facts: list[tuple[str, Any]] = [
        ("fact_type", term_label(d["type"], lang)),
        ("fact_number", f"({numeral}{sub}) {d.get('number', '')}{sub}"),
    ]
    if "section" in d:
        facts.append(("fact_section", ctx.section_label(d["section"])))
    if len(ctx.plans) > 1 and d.get("plan_title"):
        facts.append(("fact_plan", d["plan_title"]))
    facts.append(("fact_text", d.get("text") or title))
    facts += [("fact_leads", leads), ("fact_participants", parts), ("fact_deliverables", delivs)]
    if d.get("due"):
        facts.append(("fact_due", d["due"]))
    search = [title, numeral + sub, f"({numeral}{sub})", str(d.get("number", ""))]
    return Node(
        id=t, type=d["type"], label=f"{numeral}{sub} {_short(title)}", names=[d.get("label") or title], facts=facts,
        search=search, section=d.get("section"), sections=[d["section"]] if "section" in d else [],
        years=[d["due_year"]] if "due_year" in d else [],
    )


def _measure(value) -> str:
    """A measure for reading: at most three decimals, no trailing zeros (80.5, 0.641)."""
    if value is None:
        return "—"
    return f"{value:.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def _actor_node(ctx: Context, a: str, lang: str) -> Node:
    d = ctx.node[a]
    tasks = ctx.tasks_of[a]
    kind = ctx.kind.get(a)
    facts: list[tuple[str, Any]] = [("fact_type", term_label(d["type"], lang))]
    if kind:
        facts.append(("fact_kind", term_label(kind, lang)))
    if d.get("label") and d.get("label") != d.get("name_zh"):
        facts.append(("fact_short", d["label"]))
    stats = ctx.stats.get(a)
    flags = []
    if stats is not None:
        facts += [
            ("fact_lead_count", str(stats.leads)),
            ("fact_participation_count", str(stats.participations)),
            ("fact_load", _measure(stats.load)),
            ("fact_betweenness", _measure(stats.betweenness)),
            ("fact_constraint", _measure(stats.constraint)),
        ]
        for flag in ("overloaded", "bottleneck"):
            if getattr(stats, flag):
                flags.append(flag)
                facts.append((f"fact_{flag}", chrome("yes", lang)))
        reasons = getattr(stats, "reasons_zh", None) if lang == "zh" else None
        if flags and (reasons or stats.reasons):
            facts.append(("fact_reasons", [str(r) for r in (reasons or stats.reasons)]))
    else:
        facts += [
            ("fact_lead_count", str(sum(1 for _, rel in tasks if rel == "leads"))),
            ("fact_participation_count", str(sum(1 for _, rel in tasks if rel == "participatesIn"))),
        ]
    task_nodes = [ctx.node[t] for t, _ in tasks]
    return Node(
        id=a, type=d["type"], label=ctx.name(a, lang), names=ctx.names(a), facts=facts,
        search=ctx.names(a) + ctx.alt.get(a, []) + [_local(a)],
        sections=sorted({td["section"] for td in task_nodes if "section" in td}),
        roles=sorted({ROLE_OF[rel] for _, rel in tasks}),
        years=sorted({td["due_year"] for td in task_nodes if "due_year" in td}),
        kind=kind, value=float(stats.load) if stats is not None else float(len(tasks)), flags=flags,
    )


def _deliverable_node(ctx: Context, x: str, lang: str) -> Node:
    d = ctx.node[x]
    task = ctx.task_of.get(x)
    td = ctx.node[task] if task else {}
    facts: list[tuple[str, Any]] = [("fact_type", term_label("Deliverable", lang)), ("fact_text", d.get("label", ""))]
    if _due(d):
        facts.append(("fact_due", _due(d)))
    if task:
        facts.append(("fact_task", ctx.task_ref(task)))
    year = d.get("due_year", td.get("due_year"))
    return Node(
        id=x, type="Deliverable", label=str(d.get("due_wording") or d.get("due_year") or ""), names=[_short(d.get("label", ""), 60)],
        facts=facts, search=[d.get("label", "")], section=td.get("section"),
        sections=[td["section"]] if "section" in td else [], years=[year] if year else [],
    )


def _place_node(ctx: Context, p: str, lang: str) -> Node:
    d = ctx.node[p]
    tasks = ctx.mentioned_by[p]
    facts: list[tuple[str, Any]] = [("fact_type", term_label("Place", lang))]
    if ctx.place_type.get(p):
        facts.append(("fact_place_type", term_label(ctx.place_type[p], lang)))
    if d.get("division_code"):
        facts.append(("fact_code", d["division_code"]))
    facts.append(("fact_tasks", [ctx.task_ref(t) for t in tasks]))
    tds = [ctx.node[t] for t in tasks]
    return Node(
        id=p, type="Place", label=ctx.name(p, lang), names=ctx.names(p), facts=facts,
        search=ctx.names(p) + ctx.alt.get(p, []) + ([d["division_code"]] if d.get("division_code") else []),
        sections=sorted({td["section"] for td in tds if "section" in td}),
        years=sorted({td["due_year"] for td in tds if "due_year" in td}),
    )


def _node(ctx: Context, n: str, lang: str) -> Node:
    t = ctx.node[n]["type"]
    if t in TASK_TYPES:
        return _task_node(ctx, n, lang)
    if t in ACTOR_TYPES:
        return _actor_node(ctx, n, lang)
    if t == "Deliverable":
        return _deliverable_node(ctx, n, lang)
    return _place_node(ctx, n, lang)


def _task_edge(ctx: Context, u: str, rel: str, v: str, lang: str) -> Edge:
    """An edge touching a task (*v* for actor edges, *u* otherwise): its facets are the task's."""
    task = v if rel in ROLE_OF else u
    td = ctx.node[task]
    years = [td["due_year"]] if "due_year" in td else []
    if rel == "hasDeliverable" and "due_year" in ctx.node[v]:
        years = [ctx.node[v]["due_year"]]
    facts: list[tuple[str, Any]] = [("fact_type", term_label(rel, lang))]
    if (u, rel, v) in ctx.basis:
        facts.append(("fact_basis", term_label(ctx.basis[(u, rel, v)], lang)))
    return Edge(
        u, v, rel, facts=facts, sections=[td["section"]] if "section" in td else [],
        roles=[ROLE_OF[rel]] if rel in ROLE_OF else [], years=years,
    )


def _task_subgraph(ctx: Context, tasks: list[str], lang: str, deliverables: bool = True, places: bool = True,
                   extra: tuple[str, ...] = ()) -> tuple[list[Node], list[Edge]]:
    """Nodes and edges of *tasks* with their actors (and deliverables, places); *extra* nodes first."""
    order: dict[str, None] = dict.fromkeys(extra)
    edges: list[Edge] = []
    task_set = set(tasks)
    for t in tasks:
        order.setdefault(t)
    for t in tasks:
        for a, rel in ctx.actors_of[t]:
            order.setdefault(a)
            edges.append(_task_edge(ctx, a, rel, t, lang))
        if deliverables:
            for x in ctx.deliverables_of[t]:
                order.setdefault(x)
                edges.append(_task_edge(ctx, t, "hasDeliverable", x, lang))
        for p in ctx.places_of[t]:
            if places or p in order:
                order.setdefault(p)
                edges.append(_task_edge(ctx, t, "mentionsPlace", p, lang))
    assert all(e.target in task_set or e.source in task_set for e in edges)
    return [_node(ctx, n, lang) for n in order], edges


def _sections(ctx: Context, nodes: list[Node]) -> list[tuple[int, str]]:
    present = {s for n in nodes for s in n.sections}
    return [(s, ctx.section_label(s)) for s in sorted(present)]


# --- the views -------------------------------------------------------------------

def full_view(ctx: Context, lang: str = "zh") -> View:
    """Every task with its actors, deliverables and places."""
    nodes, edges = _task_subgraph(ctx, ctx.tasks, lang)
    return View("full", "full", chrome("title_full", lang), lang, nodes, edges, sections=_sections(ctx, nodes), groups=True,
                source=ctx.source(lang))


def _cap_edges(edges: list[Edge], cap: int = EDGE_CAP, keep: int = EDGE_KEEP_PER_NODE) -> list[Edge]:
    """At most *cap* edges: every node's strongest, then second strongest … (up to *keep*), then the strongest overall."""
    if len(edges) <= cap:
        return edges
    strongest = sorted(edges, key=lambda e: (-e.weight, e.source, e.target))
    ranked: dict[str, list[Edge]] = defaultdict(list)  # node → its edges, strongest first
    for e in strongest:
        ranked[e.source].append(e)
        ranked[e.target].append(e)
    chosen: dict[str, Edge] = {}
    for rank in range(keep):
        for node in sorted(ranked):
            if len(chosen) >= cap:
                break
            if rank < len(ranked[node]):
                chosen.setdefault(ranked[node][rank].id, ranked[node][rank])
    for e in strongest:
        if len(chosen) >= cap:
            break
        chosen.setdefault(e.id, e)
    return sorted(chosen.values(), key=lambda e: (-e.weight, e.source, e.target))


def _ties(ctx: Context, agencies: list[str]) -> dict[tuple[str, str], int]:
    """Pairs (u, v), u < v, of *agencies* that share tasks → how many they share.

    A sparse agency × task product, not a Python loop over every pair of every
    task: a big projection shares hundreds of thousands of tasks.
    """
    from scipy.sparse import coo_matrix, triu

    index = {a: i for i, a in enumerate(agencies)}
    columns: dict[str, int] = {}
    rows, cols = [], []
    for a in agencies:
        for t in {t for t, _ in ctx.tasks_of[a]}:
            rows.append(index[a])
            cols.append(columns.setdefault(t, len(columns)))
    m = coo_matrix(([1] * len(rows), (rows, cols)), shape=(len(agencies), len(columns))).tocsr()
    shared = triu(m @ m.T, k=1).tocoo()
    out = {}
    for i, j, n in zip(shared.row.tolist(), shared.col.tolist(), shared.data.tolist()):
        u, v = sorted((agencies[i], agencies[j]))
        out[(u, v)] = n
    return out


def _tie(ctx: Context, u: str, v: str, roles: dict[str, dict[str, str]]) -> tuple[list[str], float | None]:
    """The tasks *u* and *v* share, in plan order, and their role-weighted tie (the analysis'
    ``projection_weights``; a lead wins over a participation of the same agency), None without rules.

    *roles* caches each agency's task → role.
    """
    for a in (u, v):
        if a not in roles:
            mine: dict[str, str] = {}
            for t, rel in ctx.tasks_of[a]:
                if mine.get(t) != "lead":
                    mine[t] = ROLE_OF[rel]
            roles[a] = mine
    ru, rv = roles[u], roles[v]
    shared = sorted(ru.keys() & rv.keys(), key=ctx.position.__getitem__)
    weights = (getattr(ctx.analysis, "rules", None) or {}).get("projection_weights")
    weight = sum(weights["-".join(sorted((ru[t], rv[t])))] for t in shared) if weights else None
    return shared, weight


def agencies_view(ctx: Context, lang: str = "zh", cap: int | None = None, agency_cap: int | None = None) -> View:
    """The agency collaboration network, from the analysis' weighted projection.

    Draws the *agency_cap* (default :data:`AGENCY_CAP`) agencies with the highest load and
    at most *cap* links among them (default: max(:data:`EDGE_CAP`,
    :data:`EDGE_BUDGET_PER_NODE` × agencies drawn)); the agencies left out are
    listed in :attr:`View.omitted` so that the page's search can name them.
    """
    if ctx.analysis is None:
        raise FengongError("agencies view: needs fengong.analysis, which is not installed")
    # Highest load first; a stable sort keeps the analysis' own order among equal loads.
    ranked = sorted((s for s in ctx.analysis.all_agencies or ctx.analysis.agencies
                     if s.iri in ctx.node and (s.leads or s.participations)), key=lambda s: -s.load)
    drawn = [s.iri for s in ranked[: AGENCY_CAP if agency_cap is None else agency_cap]]
    nodes = [_actor_node(ctx, a, lang) for a in drawn]
    edges = [Edge(u, v, "collaborates", weight=float(n)) for (u, v), n in _ties(ctx, drawn).items()]
    total = len(edges)
    chosen = _cap_edges(edges, cap if cap is not None else max(EDGE_CAP, EDGE_BUDGET_PER_NODE * len(nodes)))
    # Tooltips and facets only for the links drawn: a big projection shares hundreds of thousands of tasks.
    first: dict[str, tuple] = {}
    roles: dict[str, dict[str, str]] = {}
    for edge in chosen:
        shared, weight = _tie(ctx, edge.source, edge.target, roles)
        first[edge.id] = (edge.source, ctx.position[shared[0]], edge.target)
        tds = [ctx.node[t] for t in shared]
        edge.facts = [("fact_shared_tasks", [ctx.task_ref(t) for t in shared])]
        if weight is not None:
            edge.facts.insert(0, ("fact_weight", _measure(weight)))
        edge.sections = sorted({td["section"] for td in tds if "section" in td})
        edge.years = sorted({td["due_year"] for td in tds if "due_year" in td})
    # Uncut, the links keep the order of the analysis' projection (networkx's: by agency, then by first shared task).
    edges = chosen if len(chosen) < total else sorted(chosen, key=lambda e: first[e.id])
    notes = []
    omitted = [(ctx.name(s.iri, lang), ctx.names(s.iri) + ctx.alt.get(s.iri, []) + [_local(s.iri)], f"agency:{_local(s.iri)}")
               for s in ranked[len(drawn):]]
    if omitted:
        notes.append(chrome("agencies_capped", lang, shown=len(drawn), total=len(ranked)))
    if len(edges) < total:
        notes.append(chrome("edges_capped", lang, shown=len(edges), total=total))
    return View("agencies", "agencies", chrome("title_agencies", lang), lang, nodes, edges, notes=notes, legend="kinds",
                sections=_sections(ctx, nodes), edge_total=total, source=ctx.source(lang), omitted=omitted)


def agency_view(ctx: Context, name: str, lang: str = "zh") -> View:
    """One agency's tasks (with deliverables and deadlines) and the partners on them."""
    a = resolve_agency(ctx, name)
    tasks = sorted({t for t, _ in ctx.tasks_of[a]}, key=ctx.position.__getitem__)
    nodes, edges = _task_subgraph(ctx, tasks, lang, places=False, extra=(a,))
    partners = {n.id for n in nodes if n.type in ACTOR_TYPES} - {a}
    nodes[0].facts.append(("fact_partners", str(len(partners))))
    nodes[0].flags.append("focus")
    title = chrome("title_agency", lang, name=ctx.name(a, lang))
    return View(f"agency:{_local(a)}", f"agency-{_local(a)}", title, lang, nodes, edges,
                sections=_sections(ctx, nodes), source=ctx.source(lang))


def section_view(ctx: Context, section: str | int, lang: str = "zh") -> View:
    """The tasks of section *section* (a number, a Chinese numeral or its title)."""
    n = resolve_section(ctx, section)
    tasks = [t for t in ctx.tasks if ctx.node[t].get("section") == n]
    nodes, edges = _task_subgraph(ctx, tasks, lang)
    title = chrome("title_section", lang, number=n, title=ctx.section_titles.get(n, "")).strip()
    return View(f"section:{n}", f"section-{n}", title, lang, nodes, edges,
                sections=_sections(ctx, nodes), source=ctx.source(lang))


def city_view(ctx: Context, name: str, lang: str = "zh") -> View:
    """The tasks that mention a place, with their actors."""
    p = resolve_place(ctx, name)
    tasks = sorted(set(ctx.mentioned_by[p]), key=ctx.position.__getitem__)
    nodes, edges = _task_subgraph(ctx, tasks, lang, deliverables=False, places=False, extra=(p,))
    nodes[0].flags.append("focus")
    title = chrome("title_city", lang, name=ctx.name(p, lang))
    return View(f"city:{_local(p)}", f"city-{_local(p)}", title, lang, nodes, edges,
                sections=_sections(ctx, nodes), source=ctx.source(lang))


# --- names to nodes ---------------------------------------------------------------

def _resolve(ctx: Context, what: str, query: str, candidates: list[str]) -> str:
    """The one candidate named *query*: exact name, then unique substring; else an error with suggestions."""
    q = _fold(query)
    names: dict[str, set[str]] = defaultdict(set)  # folded name → nodes
    shown: dict[str, str] = {}  # node → display name
    for n in candidates:
        d = ctx.node[n]
        shown[n] = d.get("label") or d.get("name_zh") or n
        for name in ctx.names(n) + ctx.alt.get(n, []) + [n, _local(n), d.get("division_code") or ""]:
            if name:
                names[_fold(name)].add(n)
    hits = names.get(q, set())
    if not hits and q:
        hits = {n for name, ns in names.items() if q in name for n in ns}
    if len(hits) == 1:
        return hits.pop()
    if hits:
        listed = "、".join(sorted(_told_apart(ctx, sorted(hits), shown))[:8])
        raise FengongError(f"{what} {query!r}: matches {len(hits)} ({listed}); give the full name or id")
    close = difflib.get_close_matches(q, list(names), n=5, cutoff=0.4)
    suggestions = list(dict.fromkeys(shown[n] for name in close for n in sorted(names[name])))[:5]
    hint = f"; did you mean {'、'.join(suggestions)}?" if suggestions else ""
    raise FengongError(f"{what} {query!r}: not in the graph{hint}")


def _told_apart(ctx: Context, nodes: list[str], shown: dict[str, str]) -> list[str]:
    """Display names of *nodes*: the short one, else (when several share it) the full one, else with the id."""
    return distinct_names([(shown[n], ctx.node[n].get("name_zh") or shown[n], _local(n)) for n in nodes])


def resolve_agency(ctx: Context, name: str) -> str:
    """IRI of the actor called *name* (short, full or English name, alias, registry key or IRI)."""
    actors = [n for n, d in ctx.node.items() if d.get("type") in ACTOR_TYPES]
    return _resolve(ctx, "agency", name, actors)


def resolve_place(ctx: Context, name: str) -> str:
    """IRI of the place called *name* (Chinese or English name, alias or division code)."""
    places = [n for n, d in ctx.node.items() if d.get("type") == "Place"]
    return _resolve(ctx, "city", name, places)


def resolve_section(ctx: Context, section: str | int) -> int:
    """Section number from ``2``, ``"2"``, ``"二"`` or a section title."""
    text = str(section).strip()
    try:
        n = to_int(text.rstrip("、."))
    except ValueError:
        matches = [k for k, title in ctx.section_titles.items() if title and _fold(text) in _fold(title)]
        n = matches[0] if len(matches) == 1 else None
    if n in ctx.section_titles:
        return n
    known = sorted(ctx.section_titles)
    span = f"sections {known[0]}–{known[-1]}" if known else "the graph has no sections"
    raise FengongError(f"section {text!r}: no such section ({span})")


# --- spec strings -------------------------------------------------------------------

def parse_spec(spec: str, arg: str | None = None) -> tuple[str, str | None]:
    """``"agency:住房城乡建设厅"`` or (``"agency"``, ``"住房城乡建设厅"``) → (kind, argument).

    A full-width colon (``agency：公安厅``) works as well.

    >>> parse_spec("section:2"), parse_spec("section", "2"), parse_spec("full"), parse_spec("city：南宁")
    (('section', '2'), ('section', '2'), ('full', None), ('city', '南宁'))
    """
    kind, sep, rest = spec.replace("：", ":", 1).partition(":")
    kind = kind.strip().lower()
    if kind not in VIEW_KINDS:
        close = difflib.get_close_matches(kind, list(VIEW_KINDS), n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise FengongError(f"view {spec!r}: unknown (views: {', '.join(VIEW_KINDS)}){hint}")
    if sep and arg is not None and arg.strip() != rest.strip():
        raise FengongError(f"view {spec!r}: a second name {arg!r} after it; give the name once")
    value = rest.strip() if sep else arg
    if VIEW_KINDS[kind] and not value:
        raise FengongError(f"view {kind!r}: needs a name, e.g. --view \"{kind}:{SPEC_EXAMPLES[kind]}\"")
    if not VIEW_KINDS[kind] and value:
        raise FengongError(f"view {kind!r}: takes no name (got {value!r})")
    return kind, value


def build_view(ctx: Context, spec: str, lang: str = "zh", arg: str | None = None) -> View:
    """The view named by *spec* (``full``, ``agencies``, ``agency:NAME``, ``section:N``, ``city:NAME``)."""
    kind, value = parse_spec(spec, arg)
    if kind == "full":
        view = full_view(ctx, lang)
    elif kind == "agencies":
        view = agencies_view(ctx, lang)
    elif kind == "agency":
        view = agency_view(ctx, value, lang)
    elif kind == "section":
        view = section_view(ctx, value, lang)
    else:
        view = city_view(ctx, value, lang)
    return view
