"""The site's plan queries answered from one plan's own statements, without a store.

A build gathers the rows of the site's queries document by document
(:mod:`fengong.rowstore`). Loading each document into a small Oxigraph store
only to query it cost a worker about a third of its time (~16 ms to load and
~9–14 ms to query a document of corpus-1000's ~5,300 statements). Those queries
are simple: triple patterns with fixed predicates, OPTIONAL groups, one FILTER,
one EXISTS. So each has here a few lines of Python that answer it from the
statements indexed by predicate, which the worker makes from the N-Quads text
it writes anyway (~5–7 ms for the index, ~2 for the answers).

An answer is registered with the digest of its query's text (whitespace
collapsed, :func:`fengong.rowstore.normalise`). A query whose text changes no
longer matches it and is answered by Oxigraph again, so an answer cannot drift
from its query unnoticed; ``tests/test_planrows.py`` requires the rows Oxigraph
gives for every registered query, on every fixture and on generated documents,
and that every query a site gathers has an answer here.

The statements are fengong's own (its model's N-Quads and its ontology): values
are compared as strings, which tells an IRI from a literal only because fengong
never writes a literal that spells one of its IRIs; and a typed value is read as
written, which is how Oxigraph gives it back only because fengong writes numbers
and dates in their canonical form (``Terms.int``, ``Terms.date``: ``3``, not ``03``).

>>> st = Statements.of(['<http://x/t> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
...                     '<https://w3id.org/fengong/ontology#Task> <http://x/g> .\\n'])
>>> answer("SELECT ?t WHERE { ?t a fg:Task }", st)
(['t'], [('http://x/t',)])
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from typing import Callable, Iterable

from .vocab import FG_NS as FG, PREFIXES

__all__ = ["Statements", "ANSWERS", "answer", "answerable", "digest"]

_TYPE = PREFIXES["rdf"] + "type"
_LABEL = PREFIXES["rdfs"] + "label"
_TITLE = PREFIXES["dcterms"] + "title"
_PART_OF = PREFIXES["dcterms"] + "isPartOf"
_STEP_OF = PREFIXES["pplan"] + "isStepOfPlan"
_AGENT = PREFIXES["prov"] + "agent"
_ROLE = PREFIXES["prov"] + "hadRole"
_NOTATION = PREFIXES["skos"] + "notation"
_NONE = (None,)


def _fg(local: str) -> str:
    return FG + local


_ESCAPE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))')
_SIMPLE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(text: str) -> str:
    r"""An N-Quads string's escapes resolved.

    >>> _unescape(r'a\"b\\c\n\u4e2d')
    'a"b\\c\n中'
    """
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)) if m.group(3) is None else _SIMPLE[m.group(3)], text)


class Statements:
    """Statements by predicate: ``by[predicate][subject]`` is the list of objects, as values.

    A statement made in two graphs is listed twice, as the union of the graphs (which
    the site's queries read) holds it twice.
    """

    __slots__ = ("by", "_typed")

    def __init__(self) -> None:
        self.by: dict[str, dict[str, list[str]]] = {}
        self._typed: dict[str, list[tuple[str, list[str]]]] = {}

    @classmethod
    def of(cls, lines: Iterable[str], predicates: Iterable[str] | None = None,
           triples: Iterable[tuple[str, str, str]] = ()) -> "Statements":
        """The statements of N-Quads *lines* (one statement a line, as fengong writes them:
        IRIs unescaped, a named graph on every line) whose predicate is among *predicates*
        (all when ``None``), and the value *triples*."""
        st = cls()
        by = st.by
        wanted = None if predicates is None else {f"<{p}>": by.setdefault(p, {}) for p in predicates}
        for line in lines:
            s, p, rest = line.split(" ", 2)
            index = by.setdefault(p[1:-1], {}) if wanted is None else wanted.get(p)
            if index is None:
                continue
            first = rest[0]
            if first == "<":
                o = rest[1:rest.index(">")]
            elif first == '"':
                o = rest[1:rest.rindex('"')]  # the graph after it is an IRI, which holds no quote
                if "\\" in o:
                    o = _unescape(o)
            else:
                o = rest[2:rest.index(" ")]  # a blank node, by its label (fengong's model makes none)
            s = s[1:-1] if s[0] == "<" else s[2:]
            objects = index.get(s)
            if objects is None:
                index[s] = [o]
            else:
                objects.append(o)
        for s, p, o in triples:
            by.setdefault(p, {}).setdefault(s, []).append(o)
        return st

    def get(self, predicate: str) -> dict[str, list[str]]:
        return self.by.get(predicate, {})

    def typed(self, kind: str) -> list[tuple[str, list[str]]]:
        """Each subject of type *kind* (once per time it is so typed) with its types."""
        found = self._typed.get(kind)
        if found is None:
            found = self._typed[kind] = [(s, kinds) for s, kinds in self.get(_TYPE).items() for _ in range(kinds.count(kind))]
        return found


def digest(query: str) -> str:
    """The digest an answer is registered under: of *query* with its whitespace collapsed.

    >>> digest("SELECT ?t  WHERE { ?t a fg:Task }") == digest("SELECT ?t WHERE {\\n ?t a fg:Task }")
    True
    """
    from .rowstore import normalise

    return hashlib.sha256(normalise(query).encode("utf-8")).hexdigest()[:16]


#: digest of a query's text → (the module and constant that hold it, its answer).
ANSWERS: dict[str, tuple[str, Callable[[Statements], list[tuple]]]] = {}


def _answers(source: str, query_digest: str):
    def register(fn):
        ANSWERS[query_digest] = (source, fn)
        return fn
    return register


def answerable(query: str) -> bool:
    """Whether *query* has an answer here."""
    return digest(query) in ANSWERS


def answer(query: str, st: Statements) -> tuple[list[str], list[tuple]]:
    """The variables of *query* and its rows over *st* (in no particular order), as value tuples."""
    return _projection(query), ANSWERS[digest(query)][1](st)


@functools.lru_cache(maxsize=None)
def _projection(query: str) -> list[str]:
    # once per query, not per document (the build's hot path)
    from .remote import projected_variables

    return projected_variables(query)


def _pairs(st: Statements, predicate: str) -> list[tuple]:
    return [(s, o) for s, objects in st.get(predicate).items() for o in objects]


@_answers("fengong.network._TASKS", "1c1551e43e02c961")
def _tasks(st: Statements) -> list[tuple]:
    number, numeral, label, part_of = st.get(_fg("number")), st.get(_fg("numeral")), st.get(_LABEL), st.get(_PART_OF)
    title, text, sub, section = st.get(_TITLE), st.get(_fg("text")), st.get(_fg("subNumber")), st.get(_fg("inSection"))
    due, year = st.get(_fg("dueBy")), st.get(_fg("dueYear"))
    target, requirement = _fg("Target"), _fg("WorkRequirement")
    rows = []
    for t, kinds in st.typed(_fg("Task")):
        kind = "Target" if target in kinds else "WorkRequirement" if requirement in kinds else "Task"
        required = list(itertools.product(number.get(t, ()), numeral.get(t, ()), label.get(t, ()), part_of.get(t, ())))
        if not required:
            continue
        sections = [(n, st_title) for s in section.get(t, ()) for n in number.get(s, ()) for st_title in title.get(s, ())]
        dues = [(d, y) for d in due.get(t, ()) for y in year.get(t, ())]
        for (n, numeral_, lab, plan), tit, txt, sb, (sec, sec_title), (d, y) in itertools.product(
                required, title.get(t) or _NONE, text.get(t) or _NONE, sub.get(t) or _NONE,
                sections or [(None, None)], dues or [(None, None)]):
            for plan_title in title.get(plan) or _NONE:
                rows.append((t, kind, n, numeral_, sb, lab, tit, txt, sec, sec_title, plan, plan_title, d, y))
    return rows


@_answers("fengong.network._DELIVERABLES", "8d58db5cf0a1baba")
def _deliverables(st: Statements) -> list[tuple]:
    text, due, year, wording = st.get(_fg("text")), st.get(_fg("dueBy")), st.get(_fg("dueYear")), st.get(_fg("dueWording"))
    return [(d, *rest) for d, _ in st.typed(_fg("Deliverable"))
            for rest in itertools.product(text.get(d, ()), due.get(d) or _NONE, year.get(d) or _NONE, wording.get(d) or _NONE)]


@_answers("fengong.network._EDGES", "5414935a88e20ae9")
def _edges(st: Statements) -> list[tuple]:
    return [(s, rel, o) for rel in map(_fg, ("leads", "participatesIn", "hasDeliverable", "mentionsPlace"))
            for s, o in _pairs(st, rel)]


def _assignments(st: Statements, predicate: str) -> Iterable[tuple[str, str, str, str]]:
    """(assignment, agent, task, object of *predicate*) for each assignment."""
    agent, task, other = st.get(_AGENT), st.get(_fg("task")), st.get(predicate)
    for q, _ in st.typed(_fg("Assignment")):
        for a, t, o in itertools.product(agent.get(q, ()), task.get(q, ()), other.get(q, ())):
            yield q, a, t, o


@_answers("fengong.network._BASIS", "131dc9de5de223ea")
def _basis(st: Statements) -> list[tuple]:
    notation = st.get(_NOTATION)
    return [(a, t, n) for _, a, t, b in _assignments(st, _fg("basis")) for n in notation.get(b, ())]


@_answers("fengong.analysis._LEAD_ORDER", "6ff00078bb7dabb7")
def _lead_order(st: Statements) -> list[tuple]:
    role, participant = st.get(_ROLE), _fg("ParticipantRole")
    return [(a, t, pos) for q, a, t, pos in _assignments(st, _fg("position"))
            for r in role.get(q, ()) if r != participant]


@_answers("fengong.analysis._PLANS", "8cd433878bcc8456")
def _plans(st: Statements) -> list[tuple]:
    source, title, number = st.get(_fg("sourceFile")), st.get(_TITLE), st.get(_fg("documentNumber"))
    return [(p, tit, num) for p, _ in st.typed(_fg("Plan")) for _f in source.get(p, ())
            for tit in title.get(p) or _NONE for num in number.get(p) or _NONE]


@_answers("fengong.analysis._A_TASKS", "5bda146858c9b053")
def _task_list(st: Statements) -> list[tuple]:
    return [(t,) for t, _ in st.typed(_fg("Task"))]


@_answers("fengong.analysis._A_YEARS", "a9f0f713f19bd536")
def _years(st: Statements) -> list[tuple]:
    types, year = st.get(_TYPE), st.get(_fg("dueYear"))
    deliverable = _fg("Deliverable")
    return [(t, d, y) for t, d in _pairs(st, _fg("hasDeliverable"))
            for _ in range(types.get(d, []).count(deliverable)) for y in year.get(d) or _NONE]


@_answers("fengong.analysis._A_DETAILS", "6d61a38a38537db7")
def _details(st: Statements) -> list[tuple]:
    label, part_of, sub = st.get(_LABEL), st.get(_PART_OF), st.get(_fg("subNumber"))
    return [(t, n, lab, plan, sb) for t, n in _pairs(st, _fg("number"))
            for lab, plan, sb in itertools.product(label.get(t, ()), part_of.get(t, ()), sub.get(t) or _NONE)]


@_answers("fengong.matrix._TASK_PARENTS", "981129c92a1e4c63")
def _task_parents(st: Statements) -> list[tuple]:
    part_of = st.get(_PART_OF)
    return [(t, plan) for t, _ in st.typed(_fg("Task")) for plan in part_of.get(t, ())]


@_answers("fengong.matrix._PLANS", "db26cf02cc92a60f")
def _plan_list(st: Statements) -> list[tuple]:
    return [(p,) for p, _ in st.typed(_fg("Plan"))]


#: Queries that read the subject and object of one predicate: (constant, digest, predicate).
_PAIR_QUERIES = (
    ("fengong.analysis._A_LEADS", "41fed3f71bcf55fc", _fg("leads")),
    ("fengong.analysis._A_PARTS", "98f817b4deb5dc7a", _fg("participatesIn")),
    ("fengong.matrix._NUMBERS", "ea5fde6aca61f256", _fg("number")),
    ("fengong.matrix._SUB_NUMBERS", "827da6c9c1fe20e9", _fg("subNumber")),
    ("fengong.matrix._TASK_STEPS", "5a547d1f8b160c97", _STEP_OF),
)
for _source, _digest, _predicate in _PAIR_QUERIES:
    _answers(_source, _digest)(functools.partial(_pairs, predicate=_predicate))
del _source, _digest, _predicate


@functools.lru_cache(maxsize=None)
def _source_text(source: str) -> str | None:
    """The current text of the query constant *source* (``module.NAME``), or ``None``."""
    import importlib

    module, _, name = source.rpartition(".")
    try:
        value = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None
    return value if isinstance(value, str) else None
