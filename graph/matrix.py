"""Collaboration matrices: which agencies share tasks, in which roles.

Everything is read from the store (``fg:leads`` / ``fg:participatesIn`` and the
actors' labels), never from the text. A :class:`Roster` holds, for every task,
who leads it and who participates; the matrix and the per-department partner
lists are both derived from it.

Roles of a matrix (``M[i][j]`` counts tasks *t* with row agency *i* in the first
role and column agency *j* in the second):

* ``any`` — both are assigned to *t*, in any role (symmetric);
* ``co-lead`` — both lead *t* (symmetric);
* ``lead-participant`` — *i* leads *t* and *j* participates (directed).

The diagonal is what the same rule gives for *i = j*: under ``any`` the number
of tasks the agency is assigned to, under ``co-lead`` the number it leads, and
under ``lead-participant`` always 0 (an actor listed both as lead and as
participant of one task counts as lead only, so that every shared task falls
in exactly one role combination).

Orders: ``load`` (leads × 2 + participations, descending, ties by name),
``name`` (pinyin for Chinese labels), ``cluster`` (greedy modularity communities
of the weighted any-role co-assignment graph; communities by total load, members
by load — deterministic).

>>> from fengong.store import open_store
>>> m = collaboration_matrix(open_store(), role="any")
>>> m.cell("住房城乡建设厅", "自治区发展改革委")
25
>>> partners(open_store(), "住房城乡建设厅")[0].label
'发展改革委'
"""

from __future__ import annotations

import difflib
import functools
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from . import FengongError
from .gcpause import cycles_uncollected
from .store import Store
from .textwidth import distinct_names
from .vocab import ID

__all__ = [
    "ROLES",
    "ORDERS",
    "LANGS",
    "COMBINATIONS",
    "Combination",
    "Agency",
    "TaskRoles",
    "Roster",
    "Matrix",
    "CellTasks",
    "Partner",
    "collaboration_matrix",
    "partners",
    "find_agency",
    "distinct_labels",
    "sort_key",
    "TOTAL_LABELS",
    "ROSTER_QUERIES",
]

#: Matrix roles: (row role, column role) of the task both share.
ROLES = {
    "any": ("any", "any"),
    "co-lead": ("lead", "lead"),
    "lead-participant": ("lead", "participant"),
}
#: Row orders.
ORDERS = ("cluster", "load", "name")
#: Label languages.
LANGS = ("zh", "en")

#: Weight of a lead assignment in the load order (a participation weighs 1).
LEAD_WEIGHT = 2


@dataclass(frozen=True)
class Combination:
    """One role combination of a department and a partner on a shared task."""

    key: str
    mine: str  # "lead" | "participant"
    theirs: str
    zh: str
    en: str

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


#: The four ways two actors can share a task, in display order.
COMBINATIONS = (
    Combination("lead-lead", "lead", "lead", "我牵头/对方牵头", "I lead / they lead"),
    Combination("lead-participant", "lead", "participant", "我牵头/对方参加", "I lead / they participate"),
    Combination("participant-lead", "participant", "lead", "我参加/对方牵头", "I participate / they lead"),
    Combination("participant-participant", "participant", "participant", "均为参加", "both participate"),
)

_ACTORS = """
SELECT ?a ?type ?short ?zh ?en WHERE {
  ?a a fg:Actor .
  BIND(IF(EXISTS { ?a a fg:CollectiveActor }, "CollectiveActor", IF(EXISTS { ?a a fg:Post }, "Post", "Agency")) AS ?type)
  OPTIONAL { ?a fg:shortLabel ?short }
  OPTIONAL { ?a skos:prefLabel ?zh FILTER(LANG(?zh) = "zh") }
  OPTIONAL { ?a skos:prefLabel ?en FILTER(LANG(?en) = "en") }
}"""

_ALIASES = """
SELECT ?a ?alt WHERE { ?a a fg:Actor ; skos:altLabel ?alt }"""

# Assignments, task numbers and plans are read by plain one- or two-pattern queries
# and joined here: the engine's per-row OPTIONAL joins cost several times as much
# on a large store. Every query is a plain SELECT, so its result over the whole
# dataset is the union of its results on each plan's graph.
_LEADS = """
SELECT ?a ?t WHERE { ?a fg:leads ?t }"""

_PARTICIPATIONS = """
SELECT ?a ?t WHERE { ?a fg:participatesIn ?t }"""

_NUMBERS = """
SELECT ?t ?num WHERE { ?t fg:number ?num }"""

_SUB_NUMBERS = """
SELECT ?t ?sub WHERE { ?t fg:subNumber ?sub }"""

# A task's plan is what it is dcterms:isPartOf and is an fg:Plan. fengong writes
# p-plan:isStepOfPlan beside every task's isPartOf (model.py), and that one-pattern
# scan costs a third of the join of the second query, which is run only when some
# assigned task has no isStepOfPlan (RDF made elsewhere).
_TASK_STEPS = """
SELECT ?t ?plan WHERE { ?t pplan:isStepOfPlan ?plan }"""

_TASK_PARENTS = """
SELECT ?t ?plan WHERE { ?t a fg:Task ; dcterms:isPartOf ?plan }"""

_PLANS = """
SELECT ?plan WHERE { ?plan a fg:Plan }"""


#: Every query :meth:`Roster.from_store` runs, by name. Each is a plain SELECT (no
#: aggregate, ORDER BY or LIMIT) whose rows over the whole dataset are the union of its
#: rows on each plan's graph with the shared graph; counting and ordering happen in Python,
#: which also tolerates repeated rows.
ROSTER_QUERIES = {
    "actors": _ACTORS,
    "aliases": _ALIASES,
    "leads": _LEADS,
    "participations": _PARTICIPATIONS,
    "numbers": _NUMBERS,
    "sub_numbers": _SUB_NUMBERS,
    "task_steps": _TASK_STEPS,
    "task_parents": _TASK_PARENTS,
    "plans": _PLANS,
}


def _norm(text: str) -> str:
    # Full-width and half-width forms, case and spacing do not distinguish names.
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(frozen=True)
class Agency:
    """An actor with at least its labels and the tasks it leads and participates in.

    >>> a = Agency("https://w3id.org/fengong/id/agency/gx-x", "某厅", "广西某厅", "Some Dept", (), "Agency", ("1", "2"), ("3",))
    >>> a.label("en"), a.load
    ('Some Dept', 5)
    """

    iri: str
    short_zh: str
    name_zh: str
    name_en: str | None
    aliases: tuple[str, ...]
    kind: str  # "Agency" | "CollectiveActor" | "Post"
    leads: tuple[str, ...] = ()  # task numbers
    participates: tuple[str, ...] = ()

    def label(self, lang: str = "zh") -> str:
        """The display name: the short Chinese form, or English when asked and known."""
        if lang == "en" and self.name_en:
            return self.name_en
        return self.short_zh or self.name_zh or self.iri.rsplit("/", 1)[-1]

    @property
    def id(self) -> str:
        """The IRI's last segment (``gx-housing``)."""
        return self.iri.rsplit("/", 1)[-1]

    @property
    def load(self) -> int:
        """Workload used for ordering: leads × 2 + participations."""
        return LEAD_WEIGHT * len(self.leads) + len(self.participates)

    @property
    def task_count(self) -> int:
        return len(set(self.leads) | set(self.participates))

    def names(self) -> list[str]:
        """Every label a user may type for this actor (its IRI aside)."""
        return [n for n in (self.short_zh, self.name_zh, self.name_en, *self.aliases, self.id) if n]


@dataclass(frozen=True)
class TaskRoles:
    """Who leads and who participates in one task (IRIs)."""

    key: str  # the task number as displayed: "17", "17.2", or "gzbf-2014-94:17" with several plans
    leads: frozenset[str]
    participants: frozenset[str]  # never contains a lead

    @property
    def actors(self) -> frozenset[str]:
        return self.leads | self.participants

    def role_of(self, iri: str) -> str | None:
        if iri in self.leads:
            return "lead"
        if iri in self.participants:
            return "participant"
        return None


@functools.lru_cache(maxsize=65536)  # pinyin costs ~0.4 ms a label; each list is sorted more than once
def sort_key(label: str, lang: str) -> tuple:
    """Alphabetical key: pinyin for Chinese, case-folded text otherwise.

    >>> sorted(["住房城乡建设厅", "财政厅", "公安厅"], key=lambda s: sort_key(s, "zh"))
    ['财政厅', '公安厅', '住房城乡建设厅']
    """
    if lang == "zh":
        from pypinyin import lazy_pinyin  # imported only when sorting by name

        return (" ".join(lazy_pinyin(label)).casefold(), label)
    return (_norm(label), label)


def distinct_labels(agencies: Iterable[Agency], lang: str = "zh") -> list[str]:
    """Display labels of *agencies* that tell them apart (:func:`fengong.textwidth.distinct_names`):
    each :meth:`Agency.label`, except that labels shared by several (发展改革委 of two provinces)
    become the full Chinese name, then gain the id.

    >>> a = Agency("https://w3id.org/fengong/id/agency/gx-finance", "财政厅", "广西壮族自治区财政厅", None, (), "Agency")
    >>> b = Agency("https://w3id.org/fengong/id/agency/hn-finance", "财政厅", "湖南省财政厅", None, (), "Agency")
    >>> distinct_labels([a, b]), distinct_labels([a])
    (['广西壮族自治区财政厅', '湖南省财政厅'], ['财政厅'])
    """
    def names(a: Agency) -> tuple[str, str, str]:
        base = a.label(lang)
        # The full Chinese name names the jurisdiction; an English label stays English (no CJK font needed).
        full = (a.name_zh or base) if lang == "zh" or not a.name_en else base
        return base, full, a.id

    return distinct_names([names(a) for a in agencies])


def find_agency(agencies: Iterable[Agency], name: str) -> Agency:
    """The agency one of whose labels (short, full, alias, English, id, IRI) is *name*, else the
    one agency with a label that contains *name* (as ``fengong viz --view agency`` resolves).

    Matching ignores case, full-width forms and spacing. An unknown name raises
    :class:`FengongError` listing the closest names; a name several agencies match lists them.

    >>> a = Agency("https://w3id.org/fengong/id/agency/gx-x", "某厅", "广西某厅", "Some Dept", ("自治区某厅",), "Agency")
    >>> find_agency([a], "some dept").short_zh, find_agency([a], "Dept").short_zh
    ('某厅', '某厅')
    """
    agencies = list(agencies)
    wanted = _norm(name)
    if not wanted:
        raise FengongError("--agency: empty name; give a department's name (住房城乡建设厅, 住建厅, gx-housing …)")
    hits: dict[str, Agency] = {}
    for test in ("short", "exact", "part"):
        for a in agencies:
            if test == "short":
                found = bool(a.short_zh) and _norm(a.short_zh) == wanted
            elif test == "exact":
                found = any(_norm(n) == wanted for n in (*a.names(), a.iri))
            else:  # a part of a name, never of the IRI (every IRI shares https://w3id.org/fengong/…)
                found = any(wanted in _norm(n) for n in a.names())
            if found:
                hits[a.iri] = a
        if hits:
            break
    if len(hits) == 1:
        return next(iter(hits.values()))
    if len(hits) > 1:
        several = sorted(hits.values(), key=lambda a: (sort_key(a.short_zh, "zh"), a.iri))
        shorts = [a.short_zh for a in several]
        listed = [f"{a.name_zh if shorts.count(a.short_zh) > 1 else a.short_zh} ({a.id})" for a in several]
        more = f" and {len(listed) - 8} more" if len(listed) > 8 else ""
        raise FengongError(f"--agency: '{name}' names more than one actor: {', '.join(listed[:8])}{more}; give the full name or id")
    by_norm: dict[str, str] = {}
    for a in agencies:
        for n in a.names():
            by_norm.setdefault(_norm(n), a.label("zh") if not n.isascii() else n)
    close = difflib.get_close_matches(wanted, list(by_norm), n=8, cutoff=0.3)
    suggestions = list(dict.fromkeys(by_norm[c] for c in close))[:5]
    hint = f"closest: {', '.join(suggestions)}" if suggestions else "no similar name; run `fengong matrix` to list them"
    raise FengongError(f"--agency: unknown agency '{name}' ({hint})")


def _task_key(plan: str | None, number: str | None, sub: str | None, iri: str, several_plans: bool) -> tuple[tuple, str]:
    if number is None:  # a task without a number: show its IRI's tail
        tail = iri.rsplit("/", 1)[-1]
        return ((plan or "", 1 << 30, 0, tail), tail)
    text = number if sub is None else f"{number}.{sub}"
    slug = (plan or "").removeprefix(ID["plan"])
    if several_plans:
        text = f"{slug}:{text}"
    return ((slug, int(number), int(sub or 0), ""), text)


@dataclass
class Roster:
    """Every actor of the store and, per task, who leads and who participates.

    ``agencies`` holds only actors with at least one assignment, in no particular
    order; ``all_actors`` also the others (an issuing office, say).
    """

    agencies: dict[str, Agency]
    tasks: list[TaskRoles]
    all_actors: dict[str, Agency] = field(default_factory=dict)
    _by_actor: dict[str, list[int]] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_store(cls, store: Store, agencies_only: bool = False) -> "Roster":
        """Read actors and assignments; *agencies_only* drops collective actors and posts."""
        with cycles_uncollected():  # hundreds of thousands of small objects, no cycles
            return cls._from_store(store, agencies_only)

    @classmethod
    def _from_store(cls, store: Store, agencies_only: bool) -> "Roster":
        actors: dict[str, dict] = {}
        for row in store.query(_ACTORS).dicts():
            d = actors.setdefault(row["a"], {"type": row["type"], "short": None, "zh": None, "en": None, "alt": set()})
            for k in ("short", "zh", "en"):
                # Several labels in one language would be a modelling error; keep the smallest, stably.
                if row[k] is not None and (d[k] is None or row[k] < d[k]):
                    d[k] = row[k]
        for row in store.query(_ALIASES).dicts():
            if row["a"] in actors:
                actors[row["a"]]["alt"].add(row["alt"])

        rows = [(a, t, True) for a, t in store.query(_LEADS).tuples("a", "t")]
        rows += [(a, t, False) for a, t in store.query(_PARTICIPATIONS).tuples("a", "t")]
        assigned = {t for _, t, _ in rows}
        # Number, sub-number and plan of each assigned task: the first value wins (a valid graph has one).
        numbers: dict[str, str] = {}
        subs: dict[str, str] = {}
        for query, var, into in ((_NUMBERS, "num", numbers), (_SUB_NUMBERS, "sub", subs)):
            for t, value in store.query(query).tuples("t", var):
                if t in assigned:
                    into.setdefault(t, value)
        plans = {plan for (plan,) in store.query(_PLANS).tuples("plan")}
        plans_of: dict[str, list[str]] = defaultdict(list)
        for query in (_TASK_STEPS, _TASK_PARENTS):
            for t, plan in store.query(query).tuples("t", "plan"):
                if plan in plans and t in assigned and plan not in plans_of[t]:
                    plans_of[t].append(plan)
            if assigned <= plans_of.keys():
                break
        # More than one plan (a task outside any plan counts as one more) prefixes task numbers with the plan.
        several = len({p for t in assigned for p in (plans_of.get(t) or (None,))}) > 1
        keys: dict[str, tuple[tuple, str]] = {}
        leads: dict[str, set[str]] = defaultdict(set)
        parts: dict[str, set[str]] = defaultdict(set)
        for a, t, is_lead in rows:
            if a not in actors:
                continue
            if agencies_only and actors[a]["type"] != "Agency":
                continue
            if t not in keys:
                plan = plans_of.get(t)
                keys[t] = _task_key(plan[0] if plan else None, numbers.get(t), subs.get(t), t, several)
            (leads if is_lead else parts)[t].add(a)

        ordered = sorted(keys, key=lambda t: keys[t][0])
        tasks = [TaskRoles(keys[t][1], frozenset(leads[t]), frozenset(parts[t] - leads[t])) for t in ordered]
        led: dict[str, list[str]] = defaultdict(list)
        joined: dict[str, list[str]] = defaultdict(list)
        for t in tasks:
            for a in t.leads:
                led[a].append(t.key)
            for a in t.participants:
                joined[a].append(t.key)

        def agency(iri: str) -> Agency:
            d = actors[iri]
            return Agency(iri, d["short"] or d["zh"] or "", d["zh"] or d["short"] or "", d["en"],
                          tuple(sorted(d["alt"])), d["type"], tuple(led[iri]), tuple(joined[iri]))

        all_actors = {iri: agency(iri) for iri in sorted(actors)}
        assigned = {iri: a for iri, a in all_actors.items() if led[iri] or joined[iri]}
        return cls(assigned, tasks, all_actors)

    def _tasks_of(self) -> dict[str, list[int]]:
        """Positions in :attr:`tasks` of each actor's tasks, in task order (made once)."""
        if self._by_actor is None:
            by: dict[str, list[int]] = defaultdict(list)
            for k, t in enumerate(self.tasks):
                for a in t.actors:
                    by[a].append(k)
            self._by_actor = dict(by)
        return self._by_actor

    def find(self, name: str) -> Agency:
        """Any actor of the store by one of its labels (see :func:`find_agency`)."""
        return find_agency((self.all_actors or self.agencies).values(), name)

    def _load_order(self, lang: str) -> list[Agency]:
        return sorted(self.agencies.values(), key=lambda a: (-a.load, sort_key(a.label(lang), lang), a.iri))

    def _incidence(self, iris: list[str], role: str):
        """Sparse 0/1 matrix: ``[k, t]`` = 1 when ``iris[k]`` holds *role* (any, lead, participant) in task *t*."""
        from scipy.sparse import csr_matrix

        index = {iri: k for k, iri in enumerate(iris)}
        rows: list[int] = []
        cols: list[int] = []
        for t, task in enumerate(self.tasks):
            members = task.actors if role == "any" else (task.leads if role == "lead" else task.participants)
            for a in members:
                k = index.get(a)
                if k is not None:
                    rows.append(k)
                    cols.append(t)
        data = np.ones(len(rows), dtype=np.int64)
        out = csr_matrix((data, (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
                         shape=(len(iris), len(self.tasks)))
        out.sort_indices()
        return out

    def co_assignment_counts(self) -> dict[tuple[str, str], int]:
        """Shared tasks (any role) for every unordered pair of distinct actors, keyed ``(smaller IRI, larger)``."""
        from scipy.sparse import triu

        iris = sorted(self.agencies)
        a = self._incidence(iris, "any")
        shared = triu(a @ a.T, k=1).tocoo()
        return {(iris[i], iris[j]): int(v) for i, j, v in zip(shared.row.tolist(), shared.col.tolist(), shared.data.tolist()) if v}

    def clusters(self, lang: str = "zh") -> list[list[Agency]]:
        """Communities of the weighted co-assignment graph, deterministic.

        Greedy modularity (Clauset–Newman–Moore) on nodes added in load order;
        communities by total load, then by their first member's name.
        """
        import networkx as nx

        order = self._load_order(lang)
        g = nx.Graph()
        g.add_nodes_from(a.iri for a in order)
        for (x, y), w in sorted(self.co_assignment_counts().items()):
            g.add_edge(x, y, weight=w)
        if g.number_of_edges() == 0:
            groups = [{a.iri} for a in order]
        else:
            groups = nx.community.greedy_modularity_communities(g, weight="weight")
        rank = {a.iri: i for i, a in enumerate(order)}
        out = [sorted((self.agencies[i] for i in grp), key=lambda a: rank[a.iri]) for grp in groups]
        out.sort(key=lambda grp: (-sum(a.load for a in grp), rank[grp[0].iri]))
        return out

    def ordered(self, order: str = "load", lang: str = "zh") -> tuple[list[Agency], list[int]]:
        """Agencies in *order*, with the cluster number of each (0 for every agency unless ``cluster``)."""
        if order not in ORDERS:
            raise FengongError(f"--order: unknown order '{order}' (use {', '.join(ORDERS)})")
        if order == "cluster":
            groups = self.clusters(lang)
            return [a for grp in groups for a in grp], [i for i, grp in enumerate(groups) for _ in grp]
        if order == "name":
            agencies = sorted(self.agencies.values(), key=lambda a: (sort_key(a.label(lang), lang), a.iri))
        else:
            agencies = self._load_order(lang)
        return agencies, [0] * len(agencies)

    def matrix(self, role: str = "any", order: str = "load", lang: str = "zh") -> "Matrix":
        """The agency × agency matrix for *role* (see the module docstring)."""
        if role not in ROLES:
            raise FengongError(f"--role: unknown role '{role}' (use {', '.join(ROLES)})")
        if lang not in LANGS:
            raise FengongError(f"--lang: unknown language '{lang}' (use {', '.join(LANGS)})")
        agencies, clusters = self.ordered(order, lang)
        iris = [a.iri for a in agencies]
        row_role, col_role = ROLES[role]
        # counts = R · Cᵀ with R, C the agency × task incidence of the row and column roles.
        rows = self._incidence(iris, row_role)
        cols = rows if col_role == row_role else self._incidence(iris, col_role)
        counts = np.asarray((rows @ cols.T).toarray(), dtype=np.int64)
        tasks = CellTasks(rows, cols, [t.key for t in self.tasks])
        return Matrix(role, order, lang, agencies, counts, tasks, clusters)

    def partners(self, name: str, lang: str = "zh") -> list["Partner"]:
        """Who shares tasks with the actor called *name*, split by role combination."""
        return self.partners_of(self.find(name), lang)

    def partners_of(self, me: Agency, lang: str = "zh") -> list["Partner"]:
        """Who shares tasks with *me*, most shared tasks first, then by name."""
        shared: dict[str, dict[str, list[str]]] = defaultdict(lambda: {c.key: [] for c in COMBINATIONS})
        combo = {(c.mine, c.theirs): c.key for c in COMBINATIONS}
        for k in self._tasks_of().get(me.iri, ()):
            t = self.tasks[k]
            mine = t.role_of(me.iri)
            for other in t.actors - {me.iri}:
                shared[other][combo[(mine, t.role_of(other))]].append(t.key)
        others = [self.agencies[iri] for iri in shared]
        labels = distinct_labels([me, *others], lang)[1:]  # a namesake of *me* is told apart from it too
        out = [Partner(a, label, {k: tuple(v) for k, v in shared[a.iri].items()}) for a, label in zip(others, labels)]
        out.sort(key=lambda p: (-p.total, sort_key(p.label, lang), p.agency.iri))
        return out


class CellTasks:
    """The task numbers behind every cell, ``tasks[i][j]``, computed a row at a time.

    Made from the sparse agency × task incidence of the row role and of the
    column role (:meth:`Roster.matrix`); ``keep`` restricts rows and columns to
    those positions of the full matrix (:meth:`Matrix.top`). Row *i*'s numbers
    are found by gathering, for each task of agency *i*, the agencies of the
    column role, so a writer that reads every cell pays for the assignments once
    per row rather than once per cell.
    """

    def __init__(self, rows, cols, keys: list[str], keep: list[int] | None = None):
        self._rows = rows
        self._by_task = cols.T.tocsr()
        self._by_task.sort_indices()
        self._keys = keys
        self._keep = keep
        self._local = None if keep is None else {g: k for k, g in enumerate(keep)}
        self._cache: dict[int, "_CellRow"] = {}

    def __len__(self) -> int:
        return self._rows.shape[0] if self._keep is None else len(self._keep)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __getitem__(self, i: int) -> "_CellRow":
        i = int(i)
        if not 0 <= i < len(self):
            raise IndexError(i)
        row = self._cache.get(i)
        if row is None:
            row = _CellRow(self._row(i), len(self))
            if len(self._cache) > 64:  # writers go row by row: keep a few, not all n
                self._cache.clear()
            self._cache[i] = row
        return row

    def _row(self, i: int) -> dict[int, tuple[str, ...]]:
        g = i if self._keep is None else self._keep[i]
        r, ct = self._rows, self._by_task
        mine = r.indices[r.indptr[g]:r.indptr[g + 1]]
        if not len(mine):
            return {}
        starts, ends = ct.indptr[mine], ct.indptr[mine + 1]
        lengths = ends - starts
        cols = np.concatenate([ct.indices[s:e] for s, e in zip(starts.tolist(), ends.tolist())])
        if not len(cols):  # e.g. leads of tasks without participants
            return {}
        tasks = np.repeat(mine, lengths)
        order = np.lexsort((tasks, cols))  # by column, then by task (= task order)
        cols, tasks = cols[order], tasks[order]
        cuts = np.flatnonzero(np.diff(cols)) + 1
        keys = self._keys
        out: dict[int, tuple[str, ...]] = {}
        for c, ts in zip(np.split(cols, cuts), np.split(tasks, cuts)):
            j = int(c[0])
            if self._local is not None:
                j = self._local.get(j, -1)
                if j < 0:
                    continue
            out[j] = tuple(keys[t] for t in ts.tolist())
        return out

    def subset(self, keep: list[int]) -> "CellTasks":
        """The same cells restricted to rows and columns *keep* (positions in this matrix)."""
        other = CellTasks.__new__(CellTasks)
        other._rows, other._by_task, other._keys = self._rows, self._by_task, self._keys
        other._keep = keep if self._keep is None else [self._keep[k] for k in keep]
        other._local = {g: k for k, g in enumerate(other._keep)}
        other._cache = {}
        return other


class _CellRow:
    """One row of :class:`CellTasks`: ``row[j]`` is a tuple of task numbers (empty when none)."""

    __slots__ = ("_cells", "_n")

    def __init__(self, cells: dict[int, tuple[str, ...]], n: int):
        self._cells, self._n = cells, n

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, j: int) -> tuple[str, ...]:
        j = int(j)
        if not 0 <= j < self._n:
            raise IndexError(j)
        return self._cells.get(j, ())

    def __iter__(self):
        return (self._cells.get(j, ()) for j in range(self._n))


@dataclass
class Matrix:
    """An agency × agency matrix: counts and the task numbers behind each cell.

    ``counts[i, j]`` (a numpy integer array) is the number of tasks in
    ``tasks[i][j]``; ``agencies[i]`` is row *i* and column *i*. ``clusters[i]``
    is the community of agency *i* when the order is ``cluster``, else 0.
    ``tasks`` is a list of lists or a :class:`CellTasks` (computed on demand).
    A matrix cut down by :meth:`top` keeps ``total``, the agency count of the
    full matrix, and the full matrix's :meth:`totals`.
    """

    role: str
    order: str
    lang: str
    agencies: list[Agency]
    counts: np.ndarray
    tasks: "list[list[tuple[str, ...]]] | CellTasks"
    clusters: list[int]
    total: int | None = None
    _totals: list[dict[str, int]] | None = field(default=None, repr=False)

    @property
    def shown_of(self) -> tuple[int, int]:
        """(agencies shown, agencies in the full matrix)."""
        return len(self), self.total if self.total is not None else len(self)

    def top(self, limit: int | None) -> "Matrix":
        """The *limit* agencies of highest load (leads × 2 + participations), in this matrix's order.

        Ties are broken by name, as in the ``load`` order; ``None`` or 0 keeps all.
        Totals (:meth:`totals`) stay those of the full matrix.
        """
        if not limit or len(self) <= limit:
            return self
        lang = self.lang
        ranked = sorted(range(len(self)), key=lambda i: (-self.agencies[i].load, sort_key(self.agencies[i].label(lang), lang),
                                                          self.agencies[i].iri))
        keep = sorted(ranked[:limit])
        tasks = self.tasks.subset(keep) if isinstance(self.tasks, CellTasks) else [[self.tasks[i][j] for j in keep] for i in keep]
        totals = self.totals()
        return Matrix(self.role, self.order, self.lang, [self.agencies[i] for i in keep],
                      self.counts[np.ix_(keep, keep)], tasks, [self.clusters[i] for i in keep],
                      total=self.shown_of[1], _totals=[totals[i] for i in keep])

    def nonzero(self) -> list[tuple[int, int]]:
        """The (row, column) of every non-zero cell, row by row."""
        return list(zip(*(x.tolist() for x in np.nonzero(self.counts))))

    @property
    def labels(self) -> list[str]:
        """Row and column labels, distinct (:func:`distinct_labels`)."""
        return distinct_labels(self.agencies, self.lang)

    @property
    def directed(self) -> bool:
        return ROLES[self.role][0] != ROLES[self.role][1]

    def __len__(self) -> int:
        return len(self.agencies)

    def index(self, name: str | int) -> int:
        """Row/column number of an agency given by any of its labels (or an index)."""
        if isinstance(name, (int, np.integer)):
            return int(name)
        found = find_agency(self.agencies, name)
        return next(i for i, a in enumerate(self.agencies) if a.iri == found.iri)

    def cell(self, row: str | int, col: str | int) -> int:
        """Count for (*row*, *col*), agencies given by label or index."""
        return int(self.counts[self.index(row), self.index(col)])

    def cell_tasks(self, row: str | int, col: str | int) -> tuple[str, ...]:
        """Task numbers behind (*row*, *col*)."""
        return self.tasks[self.index(row)][self.index(col)]

    def off_diagonal(self) -> np.ndarray:
        """The counts with the diagonal set to 0."""
        out = self.counts.copy()
        np.fill_diagonal(out, 0)
        return out

    def totals(self) -> list[dict[str, int]]:
        """Per agency: leads, participations, tasks, distinct partners and shared task-pairs.

        Partners and shared counts are read off this matrix's rows (and columns,
        for a directed role), without the diagonal.
        """
        if self._totals is not None:
            return [dict(t) for t in self._totals]
        off = self.off_diagonal()
        both = off + off.T if self.directed else off
        counts = np.count_nonzero(both, axis=1).tolist()
        sums = off.sum(axis=1).tolist()
        return [
            {
                "leads": len(a.leads),
                "participations": len(a.participates),
                "tasks": a.task_count,
                "partners": int(counts[i]),
                "shared": int(sums[i]),
            }
            for i, a in enumerate(self.agencies)
        ]


#: Column names of :meth:`Matrix.totals`, per language.
TOTAL_LABELS = {
    "leads": ("牵头", "leads"),
    "participations": ("参加", "participations"),
    "tasks": ("任务数", "tasks"),
    "partners": ("合作机构数", "partners"),
    "shared": ("共同任务合计", "shared tasks"),
}


@dataclass(frozen=True)
class Partner:
    """A partner of one department: the tasks they share, by role combination."""

    agency: Agency
    label: str
    tasks: dict[str, tuple[str, ...]]  # Combination.key → task numbers

    def count(self, key: str) -> int:
        return len(self.tasks.get(key, ()))

    @property
    def total(self) -> int:
        """Distinct tasks shared (the combinations do not overlap)."""
        return len({t for ts in self.tasks.values() for t in ts})


def collaboration_matrix(store: Store, role: str = "any", order: str = "load", lang: str = "zh",
                         agencies_only: bool = False) -> Matrix:
    """The agency × agency collaboration matrix of the graph in *store*.

    >>> from fengong.store import open_store
    >>> m = collaboration_matrix(open_store(), role="co-lead")
    >>> m.cell("住房城乡建设厅", "发展改革委"), m.cell("住房城乡建设厅", "住房城乡建设厅")
    (10, 26)
    """
    return Roster.from_store(store, agencies_only).matrix(role, order, lang)


def partners(store: Store, agency_name: str, lang: str = "zh", agencies_only: bool = False) -> list[Partner]:
    """The partners of one department, most shared tasks first, then by name.

    >>> from fengong.store import open_store
    >>> p = partners(open_store(), "住房城乡建设厅")[0]
    >>> p.total, p.count("lead-lead")
    (25, 10)
    """
    return Roster.from_store(store, agencies_only).partners(agency_name, lang)
