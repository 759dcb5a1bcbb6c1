"""The inline layout: who does a task is said in a parenthetical at the end of it.

As in State Council and Guangdong plans::

    1.全面实施行政许可事项清单管理。……（省发展改革委牵头，省财政厅、各地级以上市人民政府配合）
    2.……（牵头单位：市发展改革委；配合单位：市财政局、各区政府）
    3.……（国家发展改革委、财政部等按职责分工负责，2019年底前完成）

A parenthetical is read clause by clause (clauses end at ， ； ,): a clause
may open with a field label (``牵头单位：``, labels from ``field_labels.csv``),
end with a verb (``牵头``, ``配合``, ``负责`` …, from ``inline_verbs.csv``), be a
date (``2019年底前完成``, ``长期坚持``), or be a bare list of names. Names
without a verb take the role of the next verb (``X、Y，Z负责``), or of the
previous one when none follows.

Roles: ``牵头`` names lead and ``配合`` names participate (basis ``inline``).
``负责`` names, and bare lists, share responsibility (role ``responsible``,
basis ``unranked``) — unless the document states a rule such as
``列第一位者为牵头单位`` (patterns in ``first_listed_rules.csv``), in which case
the first name of every later parenthetical leads and the rest participate
(basis ``first-listed-rule``). ``X会同Y负责`` makes X the lead and Y a participant.

The document itself is read by :mod:`fengong.layouts.body`, which also reads
field lines, so a plan mixing both styles is read in one pass; this module
says how well the inline style fits (:func:`score`) and reads one
parenthetical (:func:`read_parenthetical`).

>>> p = read_parenthetical("（发展改革委牵头，财政部、人民银行配合）", 0)
>>> [(n.surface, n.role, n.basis) for n in p.names]
[('发展改革委', 'lead', 'inline'), ('财政部', 'participant', 'inline'), ('人民银行', 'participant', 'inline')]
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Callable

from .. import dates
from ..agencies import actor_spans, looks_like_actor
from . import fieldlines, outline

__all__ = [
    "NAME",
    "score",
    "parse",
    "Named",
    "Parenthetical",
    "find_parentheticals",
    "read_parenthetical",
    "find_rule",
    "verbs",
    "reads_as_assignment",
]

NAME = "inline"

_OPEN = "（("
_CLOSE = "）)"
_CLAUSE_SEP = "，,；;。"  # clauses end at these
_BRACKET = re.compile(r"[（()）\n]")
_CLAUSE_MARK = re.compile(f"[{_OPEN}{_CLOSE}{_CLAUSE_SEP}]")  # what _clauses looks at
_TRIM = " \u3000\t。.，,；;"
# Clauses that only extend a rule (…，下同) and say nothing themselves.
_IGNORABLE = re.compile(r"^(以下同|下同|后同|以下各项任务均同|其他为配合单位|其余为配合单位|其他为参加单位|其余为参加单位)$")
# Words that make a parenthetical look like an assignment even when it could not be read.
_ASSIGNMENT_WORDS = re.compile(r"负责|牵头|配合|参与|参加|协办|单位[:：]|部门[:：]")
_WITH = "会同"  # X会同Y负责: X leads, Y takes part


@dataclass
class Named:
    """One name read from a parenthetical, with its offset in the text given and its role."""

    surface: str
    start: int
    role: str
    basis: str
    kind_hint: str | None = None


@dataclass
class Parenthetical:
    """What one parenthetical says. Offsets are in the text given to :func:`read_parenthetical`."""

    start: int  # offset of the opening bracket
    end: int  # offset after the closing bracket
    content: str
    names: list[Named] = field(default_factory=list)
    dues: list[tuple[str, int, int]] = field(default_factory=list)  # (wording, start, end)
    rule: tuple[str, int, int] | None = None
    unread: list[str] = field(default_factory=list)  # clauses not understood
    bare: bool = False  # a list of names with no verb or label

    @property
    def is_assignment(self) -> bool:
        return bool(self.names)

    @property
    def looks_like_assignment(self) -> bool:
        """Worded like an assignment (负责, 牵头, 单位：…) whether or not it was read."""
        return bool(_ASSIGNMENT_WORDS.search(self.content))


@functools.lru_cache(maxsize=1)
def verbs() -> tuple[tuple[str, str], ...]:
    """(verb, role) pairs that end a clause, longest first (``inline_verbs.csv``).

    >>> dict(verbs())["按职责分工负责"], dict(verbs())["牵头"]
    ('responsible', 'lead')
    """
    text = (resources.files("fengong.data") / "inline_verbs.csv").read_text("utf-8")
    rows = [(r["words"], r["role"]) for r in csv.DictReader(text.splitlines())]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


@functools.lru_cache(maxsize=1)
def _verb_roles() -> dict[str, str]:
    return dict(verbs())


@functools.lru_cache(maxsize=1)
def _verb_re() -> re.Pattern:
    return re.compile(rf"(?:等)?({'|'.join(map(re.escape, (v for v, _ in verbs())))})$")


@functools.lru_cache(maxsize=1)
def _rule_res() -> tuple[re.Pattern, ...]:
    text = (resources.files("fengong.data") / "first_listed_rules.csv").read_text("utf-8")
    return tuple(re.compile(r["pattern"]) for r in csv.DictReader(text.splitlines()))


@functools.lru_cache(maxsize=1)
def _label_re() -> re.Pattern:
    labels = sorted(fieldlines.field_labels(), key=len, reverse=True)
    return re.compile(rf"^({'|'.join(map(re.escape, labels))})\s*[:：]\s*")


def find_rule(text: str) -> tuple[str, int, int] | None:
    """The first “first-listed is the lead” rule stated in *text*: (wording, start, end).

    >>> find_rule("（列第一位者为牵头单位，下同）")
    ('列第一位者为牵头单位', 1, 11)
    >>> find_rule("排在第一位的部门为牵头部门")[0], find_rule("列在首位的为牵头单位")[0]
    ('排在第一位的部门为牵头部门', '列在首位的为牵头单位')
    >>> find_rule("各牵头单位要加强协调") is None
    True
    """
    # Parentheticals repeat across plans; a whole document is asked about twice (score, read).
    return _find_rule_short(text) if len(text) <= 256 else _find_rule_long(text)


def _find_rule(text: str) -> tuple[str, int, int] | None:
    best = None
    for pattern in _rule_res():
        m = pattern.search(text)
        if m and (best is None or m.start() < best[1]):
            best = (m.group(), m.start(), m.end())
    return best


_find_rule_short = functools.lru_cache(maxsize=1024)(_find_rule)
_find_rule_long = functools.lru_cache(maxsize=2)(_find_rule)


def find_parentheticals(text: str) -> list[tuple[int, int]]:
    """(start, end) of every outermost bracketed span in *text*; unbalanced ones are skipped.

    >>> find_parentheticals("推进A（X牵头）。推进B(各县(市、区)负责)")
    [(3, 8), (12, 23)]
    """
    out: list[tuple[int, int]] = []
    if "（" not in text and "(" not in text:
        return out  # most lines have no bracket at all
    depth, start = 0, -1
    for m in _BRACKET.finditer(text):  # only brackets and line breaks matter
        i, ch = m.start(), m.group()
        if ch in _OPEN:
            if depth == 0:
                start = i
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
            if depth == 0:
                out.append((start, i + 1))
        elif ch == "\n":
            depth = 0
    return out


def _clauses(content: str) -> list[tuple[int, int]]:
    """Spans of the clauses of a parenthetical's content, split outside inner brackets."""
    spans, depth, start = [], 0, 0
    for m in _CLAUSE_MARK.finditer(content):  # only brackets and separators matter
        i, ch = m.start(), m.group()
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(content)))
    return spans


@functools.lru_cache(maxsize=4096)
def _is_due(clause: str) -> bool:
    """Whether a clause states when (2019年底前完成, 长期坚持, 年内), not who."""
    stripped = clause.strip(_TRIM)
    for particle in ("",) + dates.LEAD_PARTICLES:
        if stripped.startswith(particle):
            rest = stripped[len(particle) :]
            found = dates.find_dues(rest)
            if found and found[0][1] == 0:
                return True
    return stripped.startswith(dates.OPEN_ENDED) and len(stripped) <= 12


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def read_parenthetical(
    text: str,
    start: int,
    end: int | None = None,
    is_actor: Callable[[str], bool] | None = None,
    rule_in_force: bool = False,
    at_sentence_end: bool = True,
) -> Parenthetical:
    """Read the parenthetical ``text[start:end]`` (brackets included).

    *is_actor* tells names from other words (default: :func:`~fengong.agencies.looks_like_actor`);
    with *rule_in_force* the first name of a list of equals leads. A bare list of
    names counts only at the end of a sentence (*at_sentence_end*).

    >>> p = read_parenthetical("（牵头单位：市发展改革委，配合单位：市财政局、各区、县级市）", 0)
    >>> [(n.surface, n.role) for n in p.names]
    [('市发展改革委', 'lead'), ('市财政局', 'participant'), ('各区、县级市', 'participant')]
    >>> p = read_parenthetical("（教育部、财政部等按职责分工负责，2019年底前完成）", 0)
    >>> [(n.surface, n.role, n.basis) for n in p.names], [d[0] for d in p.dues]
    ([('教育部', 'responsible', 'unranked'), ('财政部', 'responsible', 'unranked')], ['2019年底前完成'])
    >>> [(n.role, n.basis) for n in read_parenthetical("（教育部、财政部负责）", 0, rule_in_force=True).names]
    [('lead', 'first-listed-rule'), ('participant', 'first-listed-rule')]
    >>> read_parenthetical("（危旧房）", 0).is_assignment
    False
    """
    if end is None:
        end = _matching_end(text, start)
    is_actor = is_actor or (lambda name: looks_like_actor(name, places_count=True))
    content_start = start + 1
    content = text[content_start : end - 1]
    result = Parenthetical(start, end, content)
    rule = find_rule(content)
    if rule:
        result.rule = (rule[0], content_start + rule[1], content_start + rule[2])
        rule_in_force = True
    groups: list[list] = []  # [role or None, source ("label"/"verb"), [(surface, start)], kind_hint]
    labelled = False
    current: list | None = None
    for c_start, c_end in _clauses(content):
        c_start, c_end = _trim(content, c_start, c_end)
        clause = content[c_start:c_end]
        if not clause or _IGNORABLE.match(clause):
            continue
        if rule and c_start <= rule[1] < c_end:
            continue  # the rule itself
        m_label = _label_re().match(clause)
        if m_label:
            labelled = True
            meaning = fieldlines.field_labels()[m_label.group(1)]
            value_start = c_start + m_label.end()
            value = content[value_start:c_end]
            if meaning in ("completion", "deliverable"):
                if value:
                    result.dues.append((value, content_start + value_start, content_start + c_end))
                current = None
                continue
            current = [meaning, "label", [], "post" if meaning == "leader" else None]
            groups.append(current)
            if not _add_names(current, value, value_start, is_actor, result):
                result.unread.append(clause)
            continue
        if _is_due(clause):
            result.dues.append((clause, content_start + c_start, content_start + c_end))
            current = None
            continue
        if labelled and current is not None and not _verb_re().search(clause):
            # a list continued after a comma: 配合单位：Y、Z，各区、县级市
            if not _add_names(current, clause, c_start, is_actor, result):
                result.unread.append(clause)
            continue
        m_verb = _verb_re().search(clause)
        role = _verb_roles()[m_verb.group(1)] if m_verb else None
        names_end = m_verb.start() if m_verb else len(clause)
        names = clause[:names_end]
        with_at = names.find(_WITH)
        if with_at > 0:
            lead = ["lead", "verb", [], None]
            rest = [role if role and role != "responsible" else "participant", "verb", [], None]
            ok = _add_names(lead, names[:with_at], c_start, is_actor, result) and _add_names(
                rest, names[with_at + len(_WITH) :], c_start + with_at + len(_WITH), is_actor, result
            )
            if ok:
                groups.extend([lead, rest])
                current = rest
            else:
                result.unread.append(clause)
            continue
        group = [role, "verb", [], None]
        if _add_names(group, names, c_start, is_actor, result):
            groups.append(group)
            current = group
        else:
            result.unread.append(clause)
    _settle(groups, result, rule_in_force, at_sentence_end, content_start)
    return result


# Scorers and the reader ask this of the same parentheticals, and plans repeat them.
@functools.lru_cache(maxsize=4096)
def reads_as_assignment(parenthetical: str, rule_in_force: bool, at_sentence_end: bool) -> bool:
    """Whether a parenthetical (brackets included) names actors, telling names by their wording.

    >>> reads_as_assignment("（发展改革委牵头）", False, True), reads_as_assignment("（危旧房）", False, True)
    (True, False)
    """
    return read_parenthetical(parenthetical, 0, len(parenthetical), rule_in_force=rule_in_force,
                              at_sentence_end=at_sentence_end).is_assignment


def _matching_end(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        if text[i] in _OPEN:
            depth += 1
        elif text[i] in _CLOSE:
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def _add_names(group: list, value: str, offset: int, is_actor, result: Parenthetical) -> bool:
    """Append the names of *value* to *group*; False if any piece is not a name."""
    pieces = actor_spans(value)
    if not pieces or not all(is_actor(surface) for surface, _, _ in pieces):
        return False
    group[2].extend((surface, offset + start) for surface, start, _ in pieces)
    return True


def _settle(groups: list[list], result: Parenthetical, rule_in_force: bool, at_end: bool, base: int) -> None:
    """Give every group its final role and basis, and list the names in order."""
    if not groups:
        return
    verbal = [g for g in groups if g[0] is not None]
    if not verbal:
        # A bare list: only names, no verb or label. Only at a sentence's end, and only
        # if some name is more than a place (（南宁、柳州）is an example, not an assignment).
        names = [s for g in groups for s, _ in g[2]]
        if not at_end or not any(looks_like_actor(s) for s in names):
            result.unread.clear()
            return
        result.bare = True
        for g in groups:
            g[0] = "responsible"
    else:
        # Names before a verb take its role; names after the last verb take the last role.
        following = None
        for g in reversed(groups):
            if g[0] is not None:
                following = g[0]
            elif following is not None:
                g[0] = following
        previous = None
        for g in groups:
            if g[0] is not None:
                previous = g[0]
            else:
                g[0] = previous
    explicit_lead = any(g[0] in ("lead", "leader") for g in groups)
    first = True
    for role, source, names, kind_hint in groups:
        for surface, start in names:
            if role in ("lead", "leader"):
                this_role, this_basis = "lead", "inline"
            elif role == "participant":
                this_role, this_basis = "participant", "inline"
            elif explicit_lead:
                this_role, this_basis = "participant", "inline"  # X牵头，Y负责: Y takes part
            elif rule_in_force:
                this_role, this_basis = ("lead" if first else "participant"), "first-listed-rule"
                first = False
            elif source == "label":
                this_role, this_basis = "lead", "inline"  # 责任单位： standing alone, as on a field line
            else:
                this_role, this_basis = "responsible", "unranked"
            result.names.append(Named(surface, base + start, this_role, this_basis, kind_hint))


def score(text: str) -> float:
    """How well *text* fits this layout: the share of numbered items carrying an assignment parenthetical.

    >>> score("1.推进A。（省发展改革委牵头，省财政厅配合）\\n2.推进B。（省教育厅负责）\\n")
    1.0
    >>> score("(一)目标。\\n牵头单位:财政厅\\n")
    0.0
    """
    has_rule = find_rule(text) is not None
    items = 0
    found = 0
    if "\ufeff" not in text:
        # The reader's lines are these lines (they differ only in stripping a BOM), and it
        # asks the same questions of them: share its answers.
        from . import body, common

        item_rank = outline.rank_of("article")
        for line in common.split_lines(text):
            info = body.classify_text(line.text)
            if info.heading is not None and info.heading.rank >= item_rank:
                items += 1
            for paren, at_end in info.line_parens:
                if reads_as_assignment(paren, has_rule, at_end):
                    found += 1
        return min(1.0, found / max(items, 1)) if found else 0.0
    for raw in text.split("\n"):
        line = raw.strip(" \u3000\t")
        h = outline.heading(line)
        if h is not None and h.rank >= outline.rank_of("article"):
            items += 1
        for start, end in find_parentheticals(line):
            if reads_as_assignment(line[start:end], has_rule, _at_end(line, end)):
                found += 1
    if not found:
        return 0.0
    return min(1.0, found / max(items, 1))


def _at_end(text: str, end: int) -> bool:
    """Whether a parenthetical ending at *end* closes a sentence or clause."""
    rest = text[end:].lstrip(" \u3000\t")
    return not rest or rest[0] in "。；;，,.\n（("


def parse(plan, registry, gazetteer):
    """Read *plan* (filled in place) with the one-pass reader."""
    from . import body

    return body.read(plan, registry, gazetteer)
