"""Reading a plan in one pass: header, numbering, field lines and inline parentheticals.

Both layouts (:mod:`~fengong.layouts.fieldlines`, :mod:`~fengong.layouts.inline`)
hand the document to :func:`read`, so a plan that mixes field lines and
parentheticals is read whole. The steps:

1. Each line is classified: a numbered heading (:mod:`~fengong.layouts.outline`),
   field runs (``牵头单位：X；配合单位：Y``, at the start of a line or after a
   sentence), or text.
2. Numbered lines open blocks nested by depth. When top-level numbering
   restarts (a covering notice numbered 一、二、 before the plan itself), the
   part holding the most assignments is the plan; the rest is header.
3. The *item level* is the numbering depth whose blocks carry the most
   assignments; shallower numbering gives sections (the top level) and context,
   deeper numbering belongs to its item. Items are tasks; so is any other block
   or paragraph that carries an assignment of its own.
4. An item whose sentences each carry their own assignment parenthetical
   becomes one task per sentence (``Item.sub_number``).
5. Task numbers are the written ones when they are unique; otherwise tasks are
   numbered in document order and the written numbering is kept as the numeral
   (``二.(三).4``).

The jurisdiction comes from the issuer, else from the document number's
abbreviation, else from a place opening the title; a document with none of
these gets a jurisdiction of its own (``doc-<slug>``) and a warning, so its
agencies never merge with another government's.

>>> from fengong.parse import parse_text
>>> plan = parse_text("国务院办公厅关于印发测试分工的通知\\n一、改革\\n1.推进A。（发展改革委牵头，财政部配合）\\n", "t.txt")
>>> [(a.actor.id, a.role, a.basis) for a in plan.items[0].assignments]
[('cn-drc', 'lead', 'inline'), ('cn-finance', 'participant', 'inline')]
"""

from __future__ import annotations

import dataclasses
import functools
import re
import weakref
from dataclasses import dataclass, field
from typing import NamedTuple

from ..agencies import actor_spans, looks_like_actor
from ..jurisdictions import document_scope, from_doc_number, jurisdiction_of
from ..records import Deliverable, Item, Plan, Section, Span
from .. import dates
from . import common, fieldlines, inline, outline

__all__ = ["read", "Run", "Row", "classify", "classify_text", "LineInfo", "set_jurisdiction", "ACTOR_MEANINGS"]

#: Field meanings that name actors (the others say when or what).
ACTOR_MEANINGS = ("lead", "participant", "responsible", "leader")

# A line that opens like a field but whose label is unknown and sounds like one of ours.
_UNKNOWN_LABEL = re.compile(r"^([\u4e00-\u9fff]{2,10}(?:单位|部门|处室|科室|领导|责任人|时间|时限|期限|成果|进度))\s*[:：]")
# A trailing bracketed note on a field value (…（列第一位者为牵头单位）) is not a name.
_VALUE_NOTE = re.compile(r"[（(][^（）()]*(?:为|下同|负责|牵头|年|月|同上)[^（）()]*[）)]\s*[。；;]?\s*$")
_NOTE = re.compile(r"^[（(]?(注|说明|备注)[)）]?\s*[:：\d１-９]")
_SENTENCE = re.compile(r"[^。；;！？]+[。；;！？]*")
_ISSUER_LEVEL = re.compile(r"(自治区|省|市|区|县)(?:人民)?政府")
_LEVEL_OF_WORD = {"自治区": "provincial", "省": "provincial", "市": "prefectural", "区": "county", "县": "county"}


@dataclass
class Run:
    """One labelled field on a line: ``label：value``."""

    label: str
    meaning: str
    value: str
    value_start: int  # document offset of the value
    line: common.Line
    #: lines the value runs on to (wrapped by a PDF converter or a narrow column)
    more: tuple[common.Line, ...] = ()


@dataclass
class Row:
    """A classified source line."""

    line: common.Line
    heading: outline.Heading | None
    text: str  # the line's running text (after the numbering, before any field)
    text_start: int  # document offset of ``text``
    runs: list[Run] = field(default_factory=list)
    unknown_label: str | None = None
    label_only: bool = False  # a bare label such as 牵头单位 (a table's header cell)
    #: the parentheticals of ``text`` as (parenthetical, at a sentence's end)
    parens: tuple[tuple[str, bool], ...] = ()


@dataclass
class _Block:
    index: int  # row index of the heading
    heading: outline.Heading
    end: int = 0  # row index after the block's subtree
    children: list["_Block"] = field(default_factory=list)
    owns: int = 0  # assignments in the block's own rows


@dataclass
class _Unit:
    """Rows that make one task (before splitting into sentences)."""

    rows: list[int]
    written: int | None  # the written number, None for an unnumbered paragraph
    numeral: str
    path: list[str]
    style: str | None
    section: int
    kind: str
    own_heading: int | None  # row index whose numbering is the unit's own


@functools.lru_cache(maxsize=1)
def _label_anywhere() -> re.Pattern:
    labels = sorted(fieldlines.field_labels(), key=len, reverse=True)
    return re.compile(rf"(?:^|(?<=[。；;，,\s]))({'|'.join(map(re.escape, labels))})\s*[:：]\s*")


def _depth_at(text: str, pos: int) -> int:
    """Bracket depth at *pos* (a closing bracket still counts at its own position)."""
    depth = 0
    for ch in text[:pos]:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
    return depth + (1 if pos < len(text) and text[pos] in "（(" else 0)


def classify(line: common.Line) -> Row:
    """Classify one line: heading, field runs, running text.

    >>> r = classify(common.split_lines("1.推进A。牵头单位：市发展改革委；配合单位：市财政局")[0])
    >>> (r.heading.style, r.text, [(x.label, x.value) for x in r.runs])
    ('arabic', '推进A。', [('牵头单位', '市发展改革委'), ('配合单位', '市财政局')])
    """
    info = classify_text(line.text)
    row = Row(line, info.heading, line.text[info.text_start : info.text_end], line.start + info.text_start,
              unknown_label=info.unknown_label, label_only=info.label_only, parens=info.text_parens)
    for label, meaning, value, value_at in info.runs:
        row.runs.append(Run(label, meaning, value, line.start + value_at, line))
    return row


class LineInfo(NamedTuple):
    """What a line's text says, wherever the line stands (see :func:`classify_text`)."""

    heading: outline.Heading | None
    text_start: int  # the running text is text[text_start:text_end]
    text_end: int
    runs: tuple[tuple[str, str, str, int], ...]  # (label, meaning, value, value start)
    unknown_label: str | None
    label_only: bool
    text_parens: tuple[tuple[str, bool], ...]  # parentheticals of the running text, and whether each ends a sentence
    line_parens: tuple[tuple[str, bool], ...]  # the same for the whole line


# The layouts' scorers and the reader classify the same lines, and plans repeat lines
# (field lines above all): what a line is depends on its text alone.
@functools.lru_cache(maxsize=4096)
def classify_text(text: str) -> LineInfo:
    """What :func:`classify` reads from a line's text (offsets within the line).

    >>> info = classify_text("1.推进A（X牵头）。牵头单位：市财政局")
    >>> info.heading.numeral, info.runs, info.text_parens
    ('1', (('牵头单位', 'lead', '市财政局', 16),), (('（X牵头）', True),))
    """
    h = outline.heading(text)
    offset = h.rest_start if h else 0
    meanings = fieldlines.field_labels()
    matches = [m for m in _label_anywhere().finditer(text, offset)
               if (m.start() == 0 or h is not None or text[m.start() - 1] in "。；;，, \u3000") and not _depth_at(text, m.start())
               ] if ":" in text or "：" in text else []  # a label needs its colon
    if h is None and matches and matches[0].start() != 0 and not re.search(r"[。；;]\s*$", text[: matches[0].start()]):
        # mid-line labels only after a finished sentence (…。牵头单位：X)
        matches = []
    text_end = matches[0].start() if matches else len(text)
    runs = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[m.end() : end].rstrip(" \u3000\t；;。，,")
        runs.append((m.group(1), meanings[m.group(1)], value, m.end()))
    unknown_label, label_only = None, False
    if not runs and h is None:
        m = _UNKNOWN_LABEL.match(text)
        if m and m.group(1) not in meanings:
            unknown_label = m.group(1)
        label_only = text in meanings
    running = text[offset:text_end]
    return LineInfo(h, offset, text_end, tuple(runs), unknown_label, label_only, _parens(running), _parens(text))


def _parens(text: str) -> tuple[tuple[str, bool], ...]:
    return tuple((text[s:e], inline._at_end(text, e)) for s, e in inline.find_parentheticals(text))


def read(plan: Plan, registry, gazetteer) -> Plan:
    """Read *plan*'s text into it (sections, items, assignments, dates, header)."""
    lines = common.split_lines(plan.text)
    rows = [classify(line) for line in lines]
    rule = inline.find_rule(plan.text)
    plan.rule = rule[0] if rule else None
    rule_at = rule[1] if rule else None
    if rule and _NOTE.match(plan.text[plan.text.rfind("\n", 0, rule[1]) + 1 :].lstrip(" \u3000\t")):
        rule_at = 0  # a note (注：…列第一位者为牵头单位) speaks of the whole list, above it as well
    counts = [_row_assignments(row, rule is not None) for row in rows]
    part = _choose_part(_blocks(rows, counts), rows)
    body_start = part[0].index if part else len(rows)
    body_end = part[-1].end if part else len(rows)
    common.read_header(plan, lines, registry, body_start)
    common.read_footer(plan, lines, body_start)
    set_jurisdiction(plan, registry)
    _warn_rows(plan, rows, body_start, body_end)
    units, sections = _units(part, rows, counts)
    plan.sections.extend(sections)
    numbered = _numbering(units)
    by_number = {l.number: l for l in lines}
    for unit, (number, numeral) in zip(units, numbered):
        _read_unit(plan, unit, number, numeral, rows, registry, gazetteer, rule_at, by_number)
    return plan


# -- structure ---------------------------------------------------------------


def _row_assignments(row: Row, has_rule: bool) -> int:
    """How many assignments a row carries (field runs naming actors, assignment parentheticals)."""
    n = sum(1 for r in row.runs if r.meaning in ACTOR_MEANINGS and r.value)
    for paren, at_end in row.parens:
        if inline.reads_as_assignment(paren, has_rule, at_end):
            n += 1
    return n


def _blocks(rows: list[Row], counts: list[int]) -> list[_Block]:
    """The top-level blocks, each holding its nested blocks and the assignments of its own lines."""
    roots: list[_Block] = []
    stack: list[_Block] = []
    for i, row in enumerate(rows):
        if row.heading is None:
            if stack:
                stack[-1].owns += counts[i]
            continue
        while stack and stack[-1].heading.rank >= row.heading.rank:
            stack.pop().end = i
        block = _Block(i, row.heading, owns=counts[i])
        (stack[-1].children if stack else roots).append(block)
        stack.append(block)
    for block in stack:
        block.end = len(rows)
    return roots


def _subtree(block: _Block):
    yield block
    for child in block.children:
        yield from _subtree(child)


def _choose_part(roots: list[_Block], rows: list[Row]) -> list[_Block]:
    """The run of top-level blocks that is the plan: split where top numbering restarts."""
    if not roots:
        return []
    top = min(b.heading.rank for b in roots)
    parts: list[list[_Block]] = [[]]
    seen_top = False
    for block in roots:
        if block.heading.rank == top and block.heading.number == 1 and seen_top:
            parts.append([])
        seen_top = seen_top or block.heading.rank == top
        parts[-1].append(block)
    owned = [sum(b.owns for root in part for b in _subtree(root)) for part in parts]
    chosen = parts[max(range(len(parts)), key=lambda i: (owned[i], -i))]
    # Numbered lines before the plan's first heading that name no one (附件：1.…方案 2.…清单) are header.
    while len(chosen) > 1 and chosen[0].heading.rank != top and not any(b.owns for b in _subtree(chosen[0])):
        chosen = chosen[1:]
    return chosen


def _units(part: list[_Block], rows: list[Row], counts: list[int]) -> tuple[list[_Unit], list[Section]]:
    """Tasks and sections of the chosen part."""
    blocks = [b for root in part for b in _subtree(root)]
    if not blocks:
        return [], []
    by_rank: dict[float, int] = {}
    for b in blocks:
        by_rank[b.heading.rank] = by_rank.get(b.heading.rank, 0) + (1 if b.owns else 0)
    ranks = sorted(by_rank)
    if any(by_rank.values()):
        item_rank = max(ranks, key=lambda r: (by_rank[r], -r))
    else:
        item_rank = ranks[1] if len(ranks) > 1 else ranks[0]
    section_rank = ranks[0] if ranks[0] < item_rank else None
    units: list[_Unit] = []
    sections: list[Section] = []

    def own_rows(block: _Block) -> list[int]:
        first_child = block.children[0].index if block.children else block.end
        return list(range(block.index, first_child))

    def walk(block: _Block, section: int, kind: str, path: list[str]) -> None:
        h = block.heading
        if h.rank == item_rank:
            units.append(_Unit(list(range(block.index, block.end)), h.number, h.numeral, path + [_show(h)], h.style,
                               section, kind, block.index))
            return
        if h.rank > item_rank:  # deeper than the items, outside any item
            if any(b.owns for b in _subtree(block)):
                units.append(_Unit(list(range(block.index, block.end)), h.number, h.numeral, path + [_show(h)], h.style,
                                   section, kind, block.index))
            return
        if h.rank == section_rank:
            row = rows[block.index]
            title = row.text.strip()
            sections.append(Section(h.number, h.numeral, common.title_of(title) or title,
                                    Span(row.line.number, row.line.number, row.line.start, row.line.end)))
            section, kind, path = h.number, common.section_kind(title), [h.numeral]
        else:
            path = path + [_show(h)]
        # Assignments in a section's or group's own lines are tasks of their own.
        own = own_rows(block)
        head_rows = [i for i in own if i == block.index or rows[i].runs]
        if sum(counts[i] for i in head_rows):
            units.append(_Unit(head_rows, h.number, h.numeral, path, h.style, section, kind, block.index))
        for i in own:
            if i not in head_rows and counts[i] and not rows[i].runs:
                units.append(_Unit([i], None, "", path, None, section, kind, None))
        for child in block.children:
            walk(child, section, kind, path)

    for root in part:
        walk(root, 0, "task", [])
    # walk refers to itself: without this the closure is a reference cycle that keeps
    # every row alive until the garbage collector runs.
    del walk
    units.sort(key=lambda u: u.rows[0])
    # Section numbers must be unique in a plan: renumber when the document repeats them.
    if len({s.number for s in sections}) != len(sections):
        renumber = {}
        for k, s in enumerate(sections, start=1):
            renumber.setdefault(s.span.line_start, k)
            s.number = k
        starts = sorted(renumber)
        for u in units:
            line_no = rows[u.rows[0]].line.number
            before = [renumber[l] for l in starts if l <= line_no]
            u.section = before[-1] if before else 0
    return units, sections


def _show(h: outline.Heading) -> str:
    return f"({h.numeral})" if h.style in ("cn-paren", "arabic-paren") else h.numeral


def _numbering(units: list[_Unit]) -> list[tuple[int, str]]:
    """(number, numeral) per unit: as written when unique, else document order.

    Paragraphs with an assignment of their own but no number of their own come
    after the written numbers, so that the numbered items keep theirs.

    >>> u = lambda n, style: _Unit([0], n, str(n) if n else "", ["一"], style, 1, "task", None)
    >>> _numbering([u(None, None), u(1, "arabic"), u(2, "arabic")])
    [(3, '一.¶1'), (1, '1'), (2, '2')]
    >>> _numbering([u(1, "arabic"), u(1, "arabic")])
    [(1, '一'), (2, '一')]
    """
    numbered = [u.written for u in units if u.written is not None]
    styles = {u.style for u in units if u.written is not None}
    as_written = bool(numbered) and len(styles) == 1 and len(set(numbered)) == len(numbered)
    out, paragraphs = [], 0
    after = max(numbered, default=0)
    for k, u in enumerate(units, start=1):
        if u.written is None:
            paragraphs += 1
            out.append((after + paragraphs if as_written else k, ".".join(u.path + [f"¶{paragraphs}"])))
        elif as_written:
            out.append((u.written, u.numeral))
        else:
            out.append((k, ".".join(u.path)))
    return out


# -- jurisdiction --------------------------------------------------------------


def set_jurisdiction(plan: Plan, registry) -> None:
    """Decide the plan's jurisdiction (issuer, document number, title; else one of its own) and resolve its issuer."""
    gaz = registry.gazetteer
    if not plan.jurisdiction:
        j = jurisdiction_of(plan.issuer_name, gaz, default=None) if plan.issuer_name else None
        if j is None and plan.issuer_name:
            # A ministry (住房城乡建设部办公厅) is national.
            core = re.sub(r"(办公厅|办公室)$", "", plan.issuer_name)
            if registry.lookup(core, "cn") or registry.lookup(plan.issuer_name, "cn"):
                j = "cn"
        j = j or from_doc_number(plan.doc_number, gaz)
        if j is None:
            for title in (plan.notice_title, plan.title):
                if title:
                    found = [p for p, s, e in gaz.find(title) if s == 0]
                    if found:
                        j = found[0].key
                        break
        if j is None:
            from ..parse import plan_slug

            j = document_scope(plan_slug(plan))
            words = _ISSUER_LEVEL.findall(plan.issuer_name or plan.title or "")
            place_name = re.sub(r"(人民政府|政府)?(办公厅|办公室)?$", "", plan.issuer_name or "")
            registry.declare(j, _LEVEL_OF_WORD[words[-1]] if words else "provincial", place_name)
            plan.warnings.append(
                f"{plan.source}: issuer not recognised ({plan.issuer_name or 'none found'}); "
                f"its agencies are kept apart in jurisdiction {j}"
            )
        plan.jurisdiction = j
    if plan.issuer_name:
        plan.issuer = registry.resolve(plan.issuer_name, plan.jurisdiction)


def _warn_rows(plan: Plan, rows: list[Row], start: int, end: int) -> None:
    labels_only = 0
    for row in rows[start:end]:
        where = f"{plan.source}:{row.line.number}"
        if row.unknown_label:
            plan.warnings.append(f"{where}: field label '{row.unknown_label}' not known; line not read as a field")
        labels_only += row.label_only
    if labels_only >= 2:
        plan.warnings.append(f"{plan.source}: looks like a table (column headers such as 牵头单位 on lines of their own); "
                             "table cells are not read as fields")


# -- one task ------------------------------------------------------------------


@dataclass
class _Text:
    text: str = ""
    segments: list[tuple[int, int, int]] = field(default_factory=list)
    fields: list[Run] = field(default_factory=list)
    first_line: int = 0
    last_line: int = 0
    first_char: int = 0
    last_char: int = 0


def _gather(plan: Plan, unit: _Unit, rows: list[Row], numeral: str) -> _Text:
    """The text, its segments and the field runs of a unit's rows."""
    out = _Text()
    after_fields = False
    open_field: Run | None = None
    reading_on: Run | None = None  # the field (out.fields[-1]) whose value the next line may carry on
    for i in unit.rows:
        row = rows[i]
        if not row.line.text or (row.heading is None and _NOTE.match(row.line.text)):
            reading_on = None  # a blank line or a note ends a field's value
            continue  # a closing note (注：…) is about the list, not this item
        if not out.first_line:
            out.first_line, out.first_char = row.line.number, row.line.start
        out.last_line, out.last_char = row.line.number, row.line.end
        # The unit's own numbering is left out of its text; a sub-item's is kept (（1）…).
        start = row.text_start if i == unit.own_heading else row.line.start
        piece = plan.text[start : row.text_start + len(row.text)]
        if after_fields:
            if open_field is not None and not row.runs:
                # 预期成果： followed by its lines (1.制定… 2.出台…)
                value_start = row.text_start if row.heading else row.line.start
                out.fields.append(Run(open_field.label, open_field.meaning, plan.text[value_start : row.line.end], value_start, row.line))
                continue
            if not row.runs:
                if reading_on is not None and row.heading is None and not row.unknown_label and _runs_on(reading_on, row.line.text):
                    out.fields[-1] = reading_on = dataclasses.replace(reading_on, more=(*reading_on.more, row.line))
                    continue
                reading_on = None  # a line not read ends the value: nothing after it carries it on
                if not row.unknown_label:  # that one has its own warning
                    plan.warnings.append(f"{plan.source}:{row.line.number}: text after the field lines of item {numeral} not read")
                continue
        elif piece.strip():
            out.segments.append((len(out.text), row.line.number, start))
            out.text += piece
        if row.runs:
            out.fields.extend(row.runs)
            open_field = row.runs[-1] if not row.runs[-1].value else None
            reading_on = row.runs[-1] if row.runs[-1].value else None
            after_fields = True
    return out


def _read_unit(plan: Plan, unit: _Unit, number: int, numeral: str, rows: list[Row], registry, gazetteer,
               rule_at: int | None, by_number: dict) -> None:
    gathered = _gather(plan, unit, rows, numeral)
    text, segments = gathered.text, gathered.segments

    def doc(pos: int) -> int:
        return common.locate(segments, pos)[1]

    def is_actor(name: str) -> bool:
        return registry.is_actor(name, plan.jurisdiction)

    parens = []
    for start, end in inline.find_parentheticals(text):
        in_force = rule_at is not None and rule_at < doc(end - 1)
        p = _read_parenthetical(text, start, end, registry, plan.jurisdiction, is_actor, in_force,
                                inline._at_end(text, end))
        line_no = common.locate(segments, start)[0]
        if p.is_assignment:
            parens.append(p)
            for clause in p.unread:
                plan.warnings.append(f"{plan.source}:{line_no}: part of parenthetical not understood: '{clause}'")
        elif p.looks_like_assignment and not p.rule:
            plan.warnings.append(f"{plan.source}:{line_no}: parenthetical looks like an assignment but was not understood: "
                                 f"'{p.content}'")
    chunks = _chunks(text, parens)
    for k, (c_start, c_end, c_parens) in enumerate(chunks, start=1):
        chunk_text = text[c_start:c_end]
        chunk_segments = common.sub_segments(segments, c_start, c_end)
        first_line = common.locate(segments, c_start)[0] if chunk_text else gathered.first_line
        last_line = common.locate(segments, max(c_start, c_end - 1))[0] if chunk_text else gathered.first_line
        if len(chunks) == 1:
            first_line, last_line = gathered.first_line, gathered.last_line
            span = Span(first_line, last_line, gathered.first_char, gathered.last_char)
        else:
            span = Span(first_line, last_line, doc(c_start), doc(max(c_start, c_end - 1)) + 1)
        item = Item(
            number=number,
            numeral=numeral,
            section=unit.section,
            kind=unit.kind,
            title="",
            text=chunk_text,
            span=span,
            sub_number=k if len(chunks) > 1 else None,
        )
        item.segments.extend(chunk_segments)
        title = _title(text, c_start, c_end, c_parens, len(chunks) > 1)
        _apply_fields(item, gathered.fields, plan, registry, rule_at, title)
        for p in c_parens:
            _apply_parenthetical(item, p, segments, plan, registry, by_number, title)
        if not item.deliverables:
            _prose_dues(item, chunk_text, c_start, segments, c_parens, plan)
        common.prose_leads(item, plan, registry, by_number)
        common.finish_item(item, plan, gazetteer, title=title)
        plan.items.append(item)


# Parentheticals read with a registry's knowledge of names: (registry id, its generation,
# jurisdiction, parenthetical, rule in force, at a sentence's end) → what it says, read at
# offset 0, as tuples of strings and numbers (which the garbage collector need not visit).
# Forgotten whenever another registry comes along, so that an id is never reused.
_PARENTHETICALS: dict[tuple, tuple] = {}
_PARENTHETICALS_OF: list = [None]  # a weak reference to the registry they were read with


def _read_parenthetical(text: str, start: int, end: int, registry, jurisdiction: str, is_actor, in_force: bool,
                        at_end: bool) -> inline.Parenthetical:
    """:func:`~fengong.layouts.inline.read_parenthetical` of ``text[start:end]``, remembered:
    plans of one government repeat their parentheticals (（市发展改革委牵头，市财政局配合）)."""
    owner = _PARENTHETICALS_OF[0]
    if owner is None or owner() is not registry:
        _PARENTHETICALS.clear()
        _PARENTHETICALS_OF[0] = weakref.ref(registry)
    key = (id(registry), getattr(registry, "generation", None), jurisdiction, text[start:end], in_force, at_end)
    said = _PARENTHETICALS.get(key)
    if said is None:
        if len(_PARENTHETICALS) >= 16384:  # bounded: forget all, start again
            _PARENTHETICALS.clear()
        p = inline.read_parenthetical(key[3], 0, end - start, is_actor, in_force, at_end)
        said = _PARENTHETICALS[key] = (
            p.content, tuple((n.surface, n.start, n.role, n.basis, n.kind_hint) for n in p.names),
            tuple(p.dues), p.rule, tuple(p.unread), p.bare,
        )
    content, names, dues, rule, unread, bare = said
    # a new record at the parenthetical's place in text
    return inline.Parenthetical(
        start, end, content,
        names=[inline.Named(surface, at + start, role, basis, hint) for surface, at, role, basis, hint in names],
        dues=[(w, s + start, e + start) for w, s, e in dues],
        rule=(rule[0], rule[1] + start, rule[2] + start) if rule else None,
        unread=list(unread),
        bare=bare,
    )


def _chunks(text: str, parens: list) -> list[tuple[int, int, list]]:
    """Cut an item's text after each assignment parenthetical's sentence (one task per sentence)."""
    if len(parens) < 2:
        return [(0, len(text), parens)]
    chunks = []
    start = 0
    for j, p in enumerate(parens):
        if j == len(parens) - 1:
            end = len(text)
        else:
            m = re.compile(r"[。；;！？]").search(text, p.end)
            end = m.end() if m else len(text)
            end = min(end, parens[j + 1].start)
            while end < parens[j + 1].start and text[end] in "，, \u3000":
                end += 1
        chunks.append((start, end, [p]))
        start = end
    return chunks


def _title(text: str, start: int, end: int, parens: list, split: bool) -> str:
    """Title without assignment parentheticals; for a split item, the sentence of its parenthetical."""
    if split and parens:
        p = parens[0]
        head = text[start : p.start]
        cut = max(head.rfind(ch) for ch in "。；;")
        sentence = head[cut + 1 :] if cut >= 0 else head
        return sentence.strip(" \u3000,，:：")
    clean, pos = "", start
    for p in parens:
        clean += text[pos : p.start]
        pos = p.end
    clean += text[pos:end]
    return common.title_of(clean)


# A field line's value goes on to the next line (a converted PDF, a narrow column) when
# the list of names breaks at a separator, or a deliverable's sentence is not finished.
_OPEN_LIST = re.compile(r"[、，,和及与]\s*$")
_LIST_GOES_ON = re.compile(r"^[、，,]")
_CLOSED = re.compile(r"[。；;！？!?]\s*$")


def _runs_on(run: Run, text: str) -> bool:
    """Whether *text*, the line right after *run*'s line(s) (no blank or unread line between,
    no field and no numbering on it), carries on *run*'s value: more names, where the list
    broke at a separator (、，和 … ending the line before or starting this one) and every
    piece reads as a name; or the rest of a deliverable's sentence, where the line before
    did not end it (。；！？). The lines are read as written (a field's value has its
    trailing punctuation cut off).

    >>> def run(meaning, line):
    ...     return Run("x", meaning, line.rstrip("、，。"), 0, common.Line(1, 0, line))
    >>> _runs_on(run("lead", "自治区发展改革委、"), "自治区财政厅"), _runs_on(run("lead", "自治区发展改革委"), "、自治区财政厅")
    (True, True)
    >>> _runs_on(run("lead", "自治区发展改革委"), "广西壮族自治区人民政府办公厅")  # a signature, not a wrapped list
    False
    >>> _runs_on(run("lead", "商务厅、"), "各地要加强组织领导，确保按期完成。")
    False
    >>> _runs_on(run("deliverable", "2015年底前完成"), "试点工作。"), _runs_on(run("deliverable", "2015年出台方案。"), "各地要抓好落实。")
    (True, False)
    """
    tail = (run.more[-1] if run.more else run.line).text
    if run.meaning in ACTOR_MEANINGS:
        if not (_OPEN_LIST.search(tail) or _LIST_GOES_ON.match(text)):
            return False
        m = _VALUE_NOTE.search(text)  # （列第一位者为牵头单位） closing the list is not a name
        pieces = actor_spans(text[: m.start()] if m else text)
        return bool(pieces) and all(looks_like_actor(surface) for surface, _, _ in pieces)
    if run.meaning in ("deliverable", "completion"):
        return not _CLOSED.search(tail)
    return False


def _apply_fields(item: Item, fields: list[Run], plan: Plan, registry, rule_at: int | None, title: str) -> None:
    has_lead_label = any(r.meaning == "lead" for r in fields)
    has_deliverable = any(r.meaning == "deliverable" for r in fields)
    for run in fields:
        meaning, value, more = run.meaning, run.value, run.more
        if meaning in ACTOR_MEANINGS:
            m = _VALUE_NOTE.search(value)
            if m:
                value = value[: m.start()]
            # a trailing note on a wrapped list's last line is cut off the same way
            more = tuple(dataclasses.replace(x, text=x.text[: m.start()]) if (m := _VALUE_NOTE.search(x.text)) else x
                         for x in more)
            if not (value or more):
                continue
            basis, first_is_lead, kind_hint = "field", False, None
            if meaning == "responsible":
                if has_lead_label:
                    meaning = "participant"
                elif rule_at is not None and rule_at < run.line.end:  # stated on this line or before (…，下同)
                    first_is_lead = True
                meaning = "lead" if meaning == "responsible" else meaning
            if meaning == "leader":
                meaning, kind_hint = "lead", "post"
            common.make_assignments(item, value, run.line, run.value_start, meaning, basis, registry, plan,
                                    first_is_lead=first_is_lead, kind_hint=kind_hint, more=more)
            continue
        if more:  # wrapped: read as written (the value lost its trailing punctuation, which may end a clause)
            value = plan.text[run.value_start : run.line.end]
        if meaning == "completion":
            item.completion = value + "".join(x.text for x in more)
            if not has_deliverable:
                before = len(item.deliverables)
                common.make_deliverables(item, value, run.line, run.value_start, plan, more=more)
                # A bare 完成时间 says when; the item's own words say what.
                for d in item.deliverables[before:]:
                    d.text = title or d.text
        elif meaning == "deliverable" and (value or more):
            common.make_deliverables(item, value, run.line, run.value_start, plan, more=more)


def _apply_parenthetical(item: Item, p, segments, plan: Plan, registry, by_number: dict, title: str) -> None:
    previous = None
    last_group = None
    for position, named in enumerate(p.names, start=1):
        line_number, start = common.locate(segments, named.start)
        line = by_number[line_number]
        group = (named.role, named.basis)
        if group != last_group:
            previous = None  # a prefix is shared within one list, not across clauses
        actor = common.assign(item, plan, registry, named.surface, start, line, named.role, named.basis, position,
                              previous, named.kind_hint)
        previous, last_group = (named.surface, actor), group
    for wording, w_start, w_end in p.dues:
        due = dates.parse_due(wording, ref_year=common.ref_year(plan))
        line_number, start = common.locate(segments, w_start)
        item.deliverables.append(
            Deliverable(title or wording, due, Span(line_number, line_number, start, start + w_end - w_start))
        )


def _deadline_in_prose(due) -> bool:
    """Whether a date found in running prose sets a deadline: 2019年底前 does, “十四五”规划 and 2015年以来 do not."""
    if due.end is None:
        return False
    if due.precision == "period" and not re.search(r"(期间|时期|末|末期|年)$", due.wording):
        return False
    return True


def _prose_dues(item: Item, chunk: str, offset: int, segments, parens: list, plan: Plan) -> None:
    """Deliverables for the dated sentences of a task's own text (2019年底前出台…, 年内…)."""
    year = common.ref_year(plan)
    inside = [(p.start - offset, p.end - offset) for p in parens]
    for m in _SENTENCE.finditer(chunk):
        hits = [d for d, s, e in dates.find_dues(m.group(), year)
                if not any(a <= m.start() + s < b for a, b in inside) and _deadline_in_prose(d)]
        if not hits:
            continue
        s_start, s_end = m.start(), m.end()
        while s_start < s_end and chunk[s_start] in " \u3000":
            s_start += 1
        while s_end > s_start and chunk[s_end - 1] in " \u3000。；;！？":
            s_end -= 1
        body, pos = "", s_start
        for a, b in inside:  # the sentence without its assignment parenthetical
            if s_start <= a < s_end:
                body += chunk[pos:a]
                pos = min(b, s_end)
        body += chunk[pos:s_end]
        line_number, start = common.locate(segments, offset + s_start)
        end_line, end = common.locate(segments, offset + s_end - 1)
        item.deliverables.append(Deliverable(body.strip(" \u3000，,"), hits[0], Span(line_number, end_line, start, end + 1)))
