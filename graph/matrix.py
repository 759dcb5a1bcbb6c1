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
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from . import FengongError
from .store import Store
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
    "Partner",
    "collaboration_matrix",
    "partners",
    "find_agency",
    "sort_key",
    "TOTAL_LABELS",
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

_ASSIGNMENTS = """
SELECT ?a ?rel ?t ?num ?sub ?plan WHERE {
  VALUES ?rel { fg:leads fg:participatesIn }
  ?a ?rel ?t .
  OPTIONAL { ?t fg:number ?num }
  OPTIONAL { ?t fg:subNumber ?sub }
  OPTIONAL { ?t dcterms:isPartOf ?plan . ?plan a fg:Plan }
}"""


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
        """Every label a user may type for this actor."""
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


def sort_key(label: str, lang: str) -> tuple:
    """Alphabetical key: pinyin for Chinese, case-folded text otherwise.

    >>> sorted(["住房城乡建设厅", "财政厅", "公安厅"], key=lambda s: sort_key(s, "zh"))
    ['财政厅', '公安厅', '住房城乡建设厅']
    """
    if lang == "zh":
        from pypinyin import lazy_pinyin  # imported only when sorting by name

        return (" ".join(lazy_pinyin(label)).casefold(), label)
    return (_norm(label), label)


def find_agency(agencies: Iterable[Agency], name: str) -> Agency:
    """The agency one of whose labels (short, full, alias, English, id) is *name*.

    Matching ignores case, full-width forms and spacing. An unknown name raises
    :class:`FengongError` listing the closest names.

    >>> a = Agency("https://w3id.org/fengong/id/agency/gx-x", "某厅", "广西某厅", "Some Dept", ("自治区某厅",), "Agency")
    >>> find_agency([a], "some dept").short_zh
    '某厅'
    """
    agencies = list(agencies)
    wanted = _norm(name)
    hits: dict[str, Agency] = {}
    for exact in (True, False):
        for a in agencies:
            labels = [a.short_zh] if exact else a.names()
            if any(_norm(n) == wanted for n in labels if n):
                hits[a.iri] = a
        if hits:
            break
    if len(hits) == 1:
        return next(iter(hits.values()))
    if len(hits) > 1:
        listed = ", ".join(sorted(f"{a.short_zh} ({a.id})" for a in hits.values()))
        raise FengongError(f"--agency: '{name}' names more than one actor: {listed}; give the full name or id")
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

    @classmethod
    def from_store(cls, store: Store, agencies_only: bool = False) -> "Roster":
        """Read actors and assignments; *agencies_only* drops collective actors and posts."""
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

        rows = store.query(_ASSIGNMENTS).dicts()
        several = len({r["plan"] for r in rows}) > 1
        keys: dict[str, tuple[tuple, str]] = {}
        leads: dict[str, set[str]] = defaultdict(set)
        parts: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            if r["a"] not in actors:
                continue
            if agencies_only and actors[r["a"]]["type"] != "Agency":
                continue
            keys.setdefault(r["t"], _task_key(r["plan"], r["num"], r["sub"], r["t"], several))
            (leads if r["rel"].endswith("#leads") else parts)[r["t"]].add(r["a"])

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

    def find(self, name: str) -> Agency:
        """Any actor of the store by one of its labels (see :func:`find_agency`)."""
        return find_agency((self.all_actors or self.agencies).values(), name)

    def _load_order(self, lang: str) -> list[Agency]:
        return sorted(self.agencies.values(), key=lambda a: (-a.load, sort_key(a.label(lang), lang), a.iri))

    def co_assignment_counts(self) -> dict[tuple[str, str], int]:
        """Shared tasks (any role) for every unordered pair of distinct actors."""
        pairs: dict[tuple[str, str], int] = defaultdict(int)
        for t in self.tasks:
            members = sorted(t.actors)
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    pairs[(members[x], members[y])] += 1
        return dict(pairs)

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
        index = {a.iri: i for i, a in enumerate(agencies)}
        n = len(agencies)
        counts = np.zeros((n, n), dtype=np.int64)
        cells: dict[tuple[int, int], list[str]] = defaultdict(list)
        row_role, col_role = ROLES[role]
        for t in self.tasks:
            rows = t.actors if row_role == "any" else t.leads
            cols = t.actors if col_role == "any" else (t.leads if col_role == "lead" else t.participants)
            for r in rows:
                for c in cols:
                    i, j = index[r], index[c]
                    counts[i, j] += 1
                    cells[(i, j)].append(t.key)
        tasks = [[tuple(cells.get((i, j), ())) for j in range(n)] for i in range(n)]
        return Matrix(role, order, lang, agencies, counts, tasks, clusters)

    def partners(self, name: str, lang: str = "zh") -> list["Partner"]:
        """Who shares tasks with the actor called *name*, split by role combination."""
        return self.partners_of(self.find(name), lang)

    def partners_of(self, me: Agency, lang: str = "zh") -> list["Partner"]:
        """Who shares tasks with *me*, most shared tasks first, then by name."""
        shared: dict[str, dict[str, list[str]]] = defaultdict(lambda: {c.key: [] for c in COMBINATIONS})
        combo = {(c.mine, c.theirs): c.key for c in COMBINATIONS}
        for t in self.tasks:
            mine = t.role_of(me.iri)
            if mine is None:
                continue
            for other in t.actors - {me.iri}:
                shared[other][combo[(mine, t.role_of(other))]].append(t.key)
        out = [
            Partner(self.agencies[iri], self.agencies[iri].label(lang), {k: tuple(v) for k, v in by.items()})
            for iri, by in shared.items()
        ]
        out.sort(key=lambda p: (-p.total, sort_key(p.label, lang), p.agency.iri))
        return out


@dataclass
class Matrix:
    """An agency × agency matrix: counts and the task numbers behind each cell.

    ``counts[i, j]`` (a numpy integer array) is the number of tasks in
    ``tasks[i][j]``; ``agencies[i]`` is row *i* and column *i*. ``clusters[i]``
    is the community of agency *i* when the order is ``cluster``, else 0.
    """

    role: str
    order: str
    lang: str
    agencies: list[Agency]
    counts: np.ndarray
    tasks: list[list[tuple[str, ...]]]
    clusters: list[int]

    @property
    def labels(self) -> list[str]:
        return [a.label(self.lang) for a in self.agencies]

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
        off = self.off_diagonal()
        both = off + off.T if self.directed else off
        return [
            {
                "leads": len(a.leads),
                "participations": len(a.participates),
                "tasks": a.task_count,
                "partners": int(np.count_nonzero(both[i])),
                "shared": int(off[i].sum()),
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
