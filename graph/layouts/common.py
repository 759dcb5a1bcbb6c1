"""What every layout shares: lines with offsets, the document header, sections,
and turning a list of names into assignments.

>>> lines = split_lines("一\\n二")
>>> [(l.number, l.start, l.text) for l in lines]
[(1, 0, '一'), (2, 2, '二')]
"""

from __future__ import annotations

import datetime
import functools
import re
import threading
from dataclasses import dataclass

from ..agencies import Registry, actor_spans
from ..numerals import NUMERAL_CHARS, to_int
from ..records import Assignment, Deliverable, Item, Plan, PlaceMention, Section, Span
from .. import dates, indicators

__all__ = [
    "Line",
    "split_lines",
    "read_header",
    "read_footer",
    "ref_year",
    "assign",
    "sub_segments",
    "locate",
    "prose_leads",
    "new_section",
    "SECTION_RE",
    "section_kind",
    "make_assignments",
    "make_deliverables",
    "finish_item",
    "title_of",
    "DOC_NUMBER_RE",
]

_N = f"[{NUMERAL_CHARS}]+"
#: A top-level section heading: 一、目标指标
SECTION_RE = re.compile(rf"^({_N})、\s*(\S.*)$")
#: A document number: 桂政办发〔2014〕94号, 国办发[2019]3号
DOC_NUMBER_RE = re.compile(r"([\u4e00-\u9fff]{1,10}[〔\[［(（]\s*(\d{4})\s*[〕\]］)）]\s*(\d+)\s*号)")
_DATE_LINE = re.compile(r"^(\d{4}|[〇零一二三四五六七八九]{4})年(\d{1,2}|[一二三四五六七八九十]{1,3})月(\d{1,2}|[一二三四五六七八九十]{1,3})日$")
_TITLE_END = re.compile(r"[。；;]")
_ISSUER_END = re.compile(r"(办公厅|办公室|人民政府|政府|委员会|国务院|部|厅|局)$")
# Sections whose items are numeric targets, and those whose items are work requirements.
_TARGET_SECTION = re.compile(r"(目标指标|主要目标|指标)")
_REQUIREMENT_SECTION = re.compile(r"(工作要求|保障措施|组织实施|组织领导)")


@dataclass(frozen=True)
class Line:
    """A source line without its indentation; ``start`` is the offset of ``text``."""

    number: int
    start: int
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def split_lines(text: str) -> list[Line]:
    """Split text into stripped lines that keep their 1-based number and offset."""
    return list(_split_lines(text))


# The layouts' scorers and the reader split the same document one after the other.
@functools.lru_cache(maxsize=4)
def _split_lines(text: str) -> tuple[Line, ...]:
    out: list[Line] = []
    pos = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.lstrip(" \u3000\t\ufeff")
        lead = len(raw) - len(stripped)
        out.append(Line(number, pos + lead, stripped.rstrip(" \u3000\t")))
        pos += len(raw) + 1
    return tuple(out)


def section_kind(title: str) -> str:
    """``target``, ``requirement`` or ``task``: what the items of a section are.

    >>> section_kind("目标指标"), section_kind("工作要求"), section_kind("推动新型城镇建设")
    ('target', 'requirement', 'task')
    """
    if _TARGET_SECTION.search(title):
        return "target"
    if _REQUIREMENT_SECTION.search(title):
        return "requirement"
    return "task"


def title_of(text: str) -> str:
    """The short title of an item: its text before the first 。 (or ；).

    >>> title_of("实施差别化落户政策。合理放开…")
    '实施差别化落户政策'
    """
    m = _TITLE_END.search(text)
    head = text[: m.start()] if m else text
    return head.strip(" \u3000,，:：")


def _date(y: str, m: str, d: str) -> datetime.date | None:
    def num(s: str) -> int:
        if s.isdigit():
            return int(s)
        return int("".join(str("〇一二三四五六七八九".index(c.replace("零", "〇"))) for c in s)) if len(s) == 4 else to_int(s)

    try:
        return datetime.date(num(y), num(m), num(d))
    except ValueError:
        return None


# Lines above a notice's title that are not its title: notes such as （此件公开发布）
# and the letterhead “XX人民政府文件”.
# The plan's own title line (below the notice): …分工方案, …任务清单, …分工表, …工作要点.
_PLAN_TITLE = re.compile(r"(方案|分工|任务|清单|分工表|任务表|责任表|工作要点)$")
# A list of attachments in the notice (附件：1.…方案), not the plan's title.
_ATTACHMENT = re.compile(r"^(附件|\d{1,2}[.、．])")
_NOTE_LINE = re.compile(r"^[（(\[【〔].*[）)\]】〕]$")
_LETTERHEAD = re.compile(r"^(.{2,30}?)\s*文件$")


def read_header(plan: Plan, lines: list[Line], registry: Registry, body_start: int) -> None:
    """Fill title, document number, issuer, date and the plans implemented.

    Reads only the lines before *body_start* (index of the first section or item).
    Notes in brackets and a letterhead (``XX人民政府文件``) above the notice title are skipped.
    """
    head = [l for l in lines[:body_start] if l.text]
    letterhead = None
    while head and (_NOTE_LINE.match(head[0].text) or _LETTERHEAD.match(head[0].text)):
        m = _LETTERHEAD.match(head[0].text)
        letterhead = m.group(1) if m else letterhead
        head = head[1:]
    if not head:
        return
    notice = head[0].text
    own = DOC_NUMBER_RE.search(notice)
    if not own:
        # The number often stands on a line of its own near the top (国发〔2019〕8号).
        for line in head[:6]:
            m = DOC_NUMBER_RE.fullmatch(line.text.strip("（）() "))
            if m:
                own = m
                if line is head[0] and len(head) > 1:
                    head, notice = head[1:], head[1].text
                break
    if own:
        plan.doc_number = own.group(1)
    # The plan's own title is the line naming the 方案 itself; otherwise the notice title.
    # The last such line: the plan's own title stands right above its body (an 附件 list may come earlier).
    titled = [l.text for l in head[1:] if _PLAN_TITLE.search(l.text) and len(l.text) < 80 and not _ATTACHMENT.match(l.text)]
    plan.title = titled[-1] if titled else DOC_NUMBER_RE.sub("", notice).strip("（）() ")
    plan.notice_title = notice if titled else None
    for i, line in enumerate(head):
        m = _DATE_LINE.match(line.text)
        if m:
            plan.issued = _date(*m.groups())
            if i > 0 and _ISSUER_END.search(head[i - 1].text) and len(head[i - 1].text) < 40:
                plan.issuer_name = head[i - 1].text
    if not plan.issuer_name:
        m = re.match(r"^(.{2,30}?)(关于|印发)", notice)
        if m and _ISSUER_END.search(m.group(1)):
            plan.issuer_name = m.group(1)
    if not plan.issuer_name and letterhead and _ISSUER_END.search(letterhead):
        plan.issuer_name = letterhead
    # Plans implemented: numbered documents cited in the preamble other than our own.
    seen = {plan.doc_number}
    for line in head[1:]:
        for m in DOC_NUMBER_RE.finditer(line.text):
            if m.group(1) in seen:
                continue
            seen.add(m.group(1))
            before = line.text[: m.start()]
            cited = re.findall(r"《([^》]+)》", before)
            plan.implements.append((m.group(1), cited[-1] if cited else None))


def read_footer(plan: Plan, lines: list[Line], start: int) -> None:
    """Issuer and date signed at the end of the document, when the header had none.

    >>> p = Plan(title="", source="t", text="", encoding="utf-8", layout="inline")
    >>> read_footer(p, split_lines("正文\\n\\n国务院\\n2019年3月8日\\n（此件公开发布）"), 0)
    >>> p.issuer_name, p.issued
    ('国务院', datetime.date(2019, 3, 8))
    """
    if plan.issued is not None:
        return
    tail = [l for l in lines[start:] if l.text][-10:]
    for i in range(len(tail) - 1, -1, -1):
        m = _DATE_LINE.match(tail[i].text)
        if m:
            plan.issued = _date(*m.groups())
            if not plan.issuer_name and i > 0 and _ISSUER_END.search(tail[i - 1].text) and len(tail[i - 1].text) < 40:
                plan.issuer_name = tail[i - 1].text
            return


def ref_year(plan: Plan) -> int | None:
    """The year relative dates (年内, 5年内) count from: the issue date's, else the document number's.

    >>> ref_year(Plan(title="", source="t", text="", encoding="", layout="", doc_number="国发〔2019〕8号"))
    2019
    """
    if plan.year:
        return plan.year
    if plan.doc_number:
        m = DOC_NUMBER_RE.search(plan.doc_number)
        if m:
            return int(m.group(2))
    return None


def assign(
    item: Item,
    plan: Plan,
    registry: Registry,
    surface: str,
    start: int,
    line: Line,
    role: str,
    basis: str,
    position: int,
    previous: tuple[str, object] | None = None,
    kind_hint: str | None = None,
):
    """Resolve *surface* (at document offset *start*) and append its assignment to *item*.

    *previous* is the (surface, actor) named just before in the same list, for
    shared prefixes (广西银监局、保监局). Returns the actor, or ``None`` when the
    same actor already holds the same role for this item (a warning says so).
    """
    prefix_from, prev_actor = previous if previous else (None, None)
    actor = registry.resolve(surface, plan.jurisdiction, prefix_from=prefix_from, previous=prev_actor, kind_hint=kind_hint)
    if not actor.known and not _warned_new(plan.warnings, actor.kind, actor.id):
        # once per actor and document: a city's plan names the same unknown bureau many times
        plan.warnings.append(f"{plan.source}:{line.number}: unknown agency '{surface}' kept as new {actor.kind} {actor.id}")
    for a in item.assignments:
        if a.role == role and (a.actor is actor or a.actor == actor):
            plan.warnings.append(f"{plan.source}:{line.number}: '{surface}' named twice for item {item.numeral}; kept once")
            return actor
    item.assignments.append(
        Assignment(
            actor=actor,
            role=role,
            basis=basis,
            surface=surface,
            position=position,
            span=Span(line.number, line.number, start, start + len(surface)),
            snippet=line.text,
        )
    )
    return actor


# The (kind, id) pairs that end the warnings of the plan read last (in this thread), and
# how many of its warnings they cover: asking every warning afresh for every unknown
# name made a document's parse quadratic in its warnings.
_NEW_WARNINGS = threading.local()


def _warned_new(warnings: list[str], kind: str, actor_id: str) -> bool:
    """Whether some warning ends with `` new <kind> <id>``."""
    if " " in kind or " " in actor_id:  # the index below assumes single words
        return any(w.endswith(f" new {kind} {actor_id}") for w in warnings)
    index = getattr(_NEW_WARNINGS, "index", None)
    if index is None:
        index = _NEW_WARNINGS.index = [None, 0, set()]
    if index[0] is warnings and index[1] == len(warnings):
        return (kind, actor_id) in index[2]
    if index[0] is not warnings or index[1] > len(warnings):
        index[:] = [warnings, 0, set()]
    pairs = index[2]
    for w in warnings[index[1] :]:
        parts = w.rsplit(" ", 3)
        if len(parts) == 4 and parts[1] == "new":
            pairs.add((parts[2], parts[3]))
    index[1] = len(warnings)
    return (kind, actor_id) in pairs


def make_assignments(
    item: Item,
    value: str,
    line: Line,
    value_start: int,
    role: str,
    basis: str,
    registry: Registry,
    plan: Plan,
    first_is_lead: bool = False,
    kind_hint: str | None = None,
    more: tuple[Line, ...] = (),
) -> None:
    """Split a list of names and append one assignment per name to *item*.

    With *first_is_lead* (a document rule such as 列第一位者为牵头单位) the first
    name leads and the rest participate, with basis ``first-listed-rule``. *more*
    are lines the list runs on to: their names carry on its order, each cited at its own line.
    """
    previous = None
    position = 0
    for text, offset, at in ((value, value_start, line), *((m.text, m.start, m) for m in more)):
        for surface, start, _ in actor_spans(text):
            position += 1
            this_role, this_basis = role, basis
            if first_is_lead:
                this_role = "lead" if position == 1 else "participant"
                this_basis = "first-listed-rule"
            actor = assign(item, plan, registry, surface, offset + start, at, this_role, this_basis,
                           position, previous, kind_hint)
            previous = (surface, actor)


def make_deliverables(item: Item, value: str, line: Line, value_start: int, plan: Plan, more: tuple[Line, ...] = ()) -> None:
    """One deliverable per dated clause of a 预期成果/完成时间 field; *more* are lines the
    value runs on to, read as one text with it (a clause may cross the line break)."""
    text, segments = value, [(0, line.number, value_start)]
    for m in more:
        segments.append((len(text), m.number, m.start))
        text += m.text
    for clause in dates.split_deliverables(text, ref_year=ref_year(plan)):
        first, start = locate(segments, clause.start)
        # the end is located from the clause's last character: an end at a line's end stays on that line
        last, end = locate(segments, clause.end - 1) if clause.end > clause.start else (first, start - 1)
        item.deliverables.append(Deliverable(clause.text, clause.due, Span(first, last, start, end + 1),
                                             segments=sub_segments(segments, clause.start, clause.end) if more else []))


def finish_item(item: Item, plan: Plan, gazetteer, title: str | None = None) -> None:
    """Work done once an item's lines are all read: title, indicators, places, 完成时间.

    *title* replaces the default (the text before the first 。), e.g. without a parenthetical.
    """
    item.title = title if title is not None else title_of(item.text)
    year = None
    if item.completion:
        due = dates.parse_due(item.completion, ref_year=ref_year(plan))
        year = due.year if due else None
    if item.kind == "target" and item.text:
        item.indicators.extend(indicators.parse_indicators(item.title, year=year))
    for d in item.deliverables:
        if "人口规模" in d.text:  # per-city population targets (item 二十四)
            y = d.due.year if d.due else year
            item.indicators.extend(indicators.parse_place_targets(d.text, year=y))
    seen: set[str] = set()
    sources = [(item.text, item.segments)] + [
        (d.text, d.segments or [(0, d.span.line_start, d.span.char_start)]) for d in item.deliverables
    ]
    for text, segments in sources:
        for place, s, e in gazetteer.find(text):
            if place.key in seen:
                continue
            seen.add(place.key)
            line_number, start = locate(segments, s)
            item.places.append(PlaceMention(place.key, text[s:e], Span(line_number, line_number, start, start + e - s)))


def sub_segments(segments: list[tuple[int, int, int]], start: int, end: int) -> list[tuple[int, int, int]]:
    """The segments of ``text[start:end]`` given the segments of ``text``.

    >>> sub_segments([(0, 5, 100), (10, 6, 200)], 4, 14)
    [(0, 5, 104), (6, 6, 200)]
    """
    out = []
    for seg_pos, line_number, doc_offset in segments:
        seg_end = next((p for p, _, _ in segments if p > seg_pos), None)
        if seg_end is not None and seg_end <= start:
            continue
        if seg_pos >= end:
            break
        if seg_pos <= start:
            out.append((0, line_number, doc_offset + (start - seg_pos)))
        else:
            out.append((seg_pos - start, line_number, doc_offset))
    return out


def locate(segments: list[tuple[int, int, int]], pos: int) -> tuple[int, int]:
    """(line number, document offset) of position *pos* in a text built from *segments*.

    >>> locate([(0, 5, 100), (10, 6, 200)], 12)
    (6, 202)
    """
    best = None
    for seg in segments:  # the greatest segment starting at or before pos
        if seg[0] <= pos and (best is None or seg > best):
            best = seg
    seg_pos, line_number, doc_offset = best if best is not None else (0, 0, 0)
    return line_number, doc_offset + (pos - seg_pos)


# An agency named as the lead in running prose: “自治区新型城镇化领导小组办公室牵头组织……”
_PROSE_LEAD = re.compile(r"([\u4e00-\u9fff“”]{2,30}?(领导小组办公室|办公室|厅|委员会|委|局|办|人民政府))牵头")


def prose_leads(item: Item, plan: Plan, registry: Registry, lines_by_number: dict[int, "Line"]) -> None:
    """For an item with no lead (nor responsible) named, read a lead named in its prose (basis ``prose``)."""
    if item.leads:
        return
    starts = sorted(p for p, _, _ in item.segments)
    for m in _PROSE_LEAD.finditer(item.text):
        start_pos, end_pos = m.start(1), m.end(1)
        # A name never runs across a line break: keep the part on the line where it ends.
        start_pos = max([start_pos] + [p for p in starts if p < end_pos])
        surface = item.text[start_pos:end_pos]
        if len(surface) < 3:
            continue
        actor = registry.resolve(surface, plan.jurisdiction)
        line_number, start = locate(item.segments, start_pos)
        item.assignments.append(
            Assignment(
                actor=actor,
                role="lead",
                basis="prose",
                surface=surface,
                position=1,
                span=Span(line_number, line_number, start, start + len(surface)),
                snippet=lines_by_number[line_number].text if line_number in lines_by_number else item.text,
            )
        )
        break  # the first actor said to lead is the lead; later mentions are context


def new_section(line: Line, numeral: str, title: str) -> Section:
    return Section(to_int(numeral), numeral, title, Span(line.number, line.number, line.start, line.end))
