"""What every layout shares: lines with offsets, the document header, sections,
and turning a list of names into assignments.

>>> lines = split_lines("一\\n二")
>>> [(l.number, l.start, l.text) for l in lines]
[(1, 0, '一'), (2, 2, '二')]
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from ..agencies import Registry, split_actors
from ..numerals import NUMERAL_CHARS, to_int
from ..records import Assignment, Deliverable, Item, Plan, PlaceMention, Section, Span
from .. import dates, indicators

__all__ = [
    "Line",
    "split_lines",
    "read_header",
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
    out: list[Line] = []
    pos = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.lstrip(" \u3000\t\ufeff")
        lead = len(raw) - len(stripped)
        out.append(Line(number, pos + lead, stripped.rstrip(" \u3000\t")))
        pos += len(raw) + 1
    return out


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
    head = re.split(r"[。；;]", text, maxsplit=1)[0]
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


def read_header(plan: Plan, lines: list[Line], registry: Registry, body_start: int) -> None:
    """Fill title, document number, issuer, date, jurisdiction and the plans implemented.

    Reads only the lines before *body_start* (index of the first section or item).
    """
    head = [l for l in lines[:body_start] if l.text]
    if not head:
        return
    notice = head[0].text
    own = DOC_NUMBER_RE.search(notice)
    if own:
        plan.doc_number = own.group(1)
    # The plan's own title is the line naming the 方案 itself; otherwise the notice title.
    titled = [l.text for l in head[1:] if re.search(r"(方案|分工|任务|清单)$", l.text) and len(l.text) < 80]
    plan.title = titled[0] if titled else DOC_NUMBER_RE.sub("", notice).strip("（）() ")
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
) -> None:
    """Split a list of names and append one assignment per name to *item*.

    With *first_is_lead* (a document rule such as 列第一位者为牵头单位) the first
    name leads and the rest participate, and the basis says so.
    """
    pieces = split_actors(value)
    previous = None
    for position, piece in enumerate(pieces, start=1):
        actor = registry.resolve(piece.surface, plan.jurisdiction, prefix_from=previous)
        previous = piece.surface
        this_role, this_basis = role, basis
        if first_is_lead:
            this_role = "lead" if position == 1 else "participant"
        if not actor.known:
            plan.warnings.append(
                f"{plan.source}:{line.number}: unknown agency '{piece.surface}' kept as new {actor.kind} {actor.id}"
            )
        if any(a.actor == actor and a.role == this_role for a in item.assignments):
            plan.warnings.append(
                f"{plan.source}:{line.number}: '{piece.surface}' named twice for item {item.numeral}; kept once"
            )
            continue
        start = value_start + piece.start
        item.assignments.append(
            Assignment(
                actor=actor,
                role=this_role,
                basis=this_basis,
                surface=piece.surface,
                position=position,
                span=Span(line.number, line.number, start, start + len(piece.surface)),
                snippet=line.text,
            )
        )


def make_deliverables(item: Item, value: str, line: Line, value_start: int, plan: Plan) -> None:
    """One deliverable per dated clause of a 预期成果/完成时间 field."""
    for clause in dates.split_deliverables(value, ref_year=plan.year):
        start = value_start + clause.start
        item.deliverables.append(
            Deliverable(clause.text, clause.due, Span(line.number, line.number, start, value_start + clause.end))
        )


def finish_item(item: Item, plan: Plan, gazetteer) -> None:
    """Work done once an item's lines are all read: title, indicators, places, 完成时间."""
    item.title = title_of(item.text)
    year = None
    if item.completion:
        due = dates.parse_due(item.completion, ref_year=plan.year)
        year = due.year if due else None
    if item.kind == "target" and item.text:
        item.indicators.extend(indicators.parse_indicators(item.title, year=year))
    for d in item.deliverables:
        if "人口规模" in d.text:  # per-city population targets (item 二十四)
            y = d.due.year if d.due else year
            item.indicators.extend(indicators.parse_place_targets(d.text, year=y))
    seen: set[str] = set()
    sources = [(item.text, item.segments)] + [
        (d.text, [(0, d.span.line_start, d.span.char_start)]) for d in item.deliverables
    ]
    for text, segments in sources:
        for place, s, e in gazetteer.find(text):
            if place.key in seen:
                continue
            seen.add(place.key)
            line_number, start = locate(segments, s)
            item.places.append(PlaceMention(place.key, text[s:e], Span(line_number, line_number, start, start + e - s)))


def locate(segments: list[tuple[int, int, int]], pos: int) -> tuple[int, int]:
    """(line number, document offset) of position *pos* in a text built from *segments*.

    >>> locate([(0, 5, 100), (10, 6, 200)], 12)
    (6, 202)
    """
    seg_pos, line_number, doc_offset = max((seg for seg in segments if seg[0] <= pos), default=(0, 0, 0))
    return line_number, doc_offset + (pos - seg_pos)


# An agency named as the lead in running prose: “自治区新型城镇化领导小组办公室牵头组织……”
_PROSE_LEAD = re.compile(r"([\u4e00-\u9fff“”]{2,30}?(领导小组办公室|办公室|厅|委员会|委|局|办|人民政府))牵头")


def prose_leads(item: Item, plan: Plan, registry: Registry, lines_by_number: dict[int, "Line"]) -> None:
    """For an item with no lead field, read a lead named in its prose (basis ``prose``)."""
    if any(a.role == "lead" for a in item.assignments):
        return
    for position, m in enumerate(_PROSE_LEAD.finditer(item.text), start=1):
        surface = m.group(1)
        actor = registry.resolve(surface, plan.jurisdiction)
        line_number, start = locate(item.segments, m.start(1))
        item.assignments.append(
            Assignment(
                actor=actor,
                role="lead",
                basis="prose",
                surface=surface,
                position=position,
                span=Span(line_number, line_number, start, start + len(surface)),
                snippet=lines_by_number[line_number].text if line_number in lines_by_number else item.text,
            )
        )
        break  # the first actor said to lead is the lead; later mentions are context


def new_section(line: Line, numeral: str, title: str) -> Section:
    return Section(to_int(numeral), numeral, title, Span(line.number, line.number, line.start, line.end))
