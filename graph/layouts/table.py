"""The table layout: the task list is a table (序号 | 重点工作 | 牵头单位 | 配合单位 | 完成时限).

As in Guangzhou's 市政府工作报告部署工作责任分工. A table survives being turned
into text in one of two ways, and both are read:

* delimited — one row per line, cells separated by tabs or ``|``;
* one cell per line (copied from a web page) — the header cells on lines of
  their own, then each row opening with its number alone on a line. Empty
  cells leave no trace, so cells are matched to columns in order, skipping a
  column when a cell cannot be its content (a list of agencies is not a
  leader's name, a date is not an agency).

Column headers are the field labels (``field_labels.csv``: 牵头单位, 配合单位,
完成时限 …) plus ``table_columns.csv`` (序号, 重点工作, 分管领导, 备注 …);
a column means what its label means on a field line (basis ``field``).
Rows numbered 一、 and (一) between the rows are sections and groups.

>>> text = "测试分工\\n序号\\t重点工作\\t牵头单位\\t配合单位\\n1\\t推进A\\t财政部\\t教育部\\n"
>>> score(text)
1.0
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field
from importlib import resources

from .. import dates
from ..agencies import looks_like_actor, split_actors
from ..records import Item, Plan, Section, Span
from . import body, common, fieldlines, inline, outline

__all__ = ["NAME", "score", "parse", "columns", "Header", "find_header"]

NAME = "table"

_SPLIT = re.compile(r"\t+|\s*[|｜]\s*")
_NUMBER = re.compile(r"^\d{1,3}$")
# A person's name in a leader column: two to four characters, perhaps spaced (王 东).
_PERSON = re.compile(r"^[\u4e00-\u9fff](?:[ \u3000]?[\u4e00-\u9fff]){1,3}$")
_ACTOR_MEANINGS = ("lead", "participant", "responsible")


@functools.lru_cache(maxsize=1)
def columns() -> dict[str, str]:
    """Column header → meaning: the field labels plus ``table_columns.csv``.

    >>> columns()["序号"], columns()["牵头单位"], columns()["重点工作"]
    ('number', 'lead', 'task')
    """
    text = (resources.files("fengong.data") / "table_columns.csv").read_text("utf-8")
    out = dict(fieldlines.field_labels())
    out.update({r["label"]: r["meaning"] for r in csv.DictReader(text.splitlines())})
    return out


@dataclass
class Header:
    """Where the header is (line indexes), its column labels and meanings, and how cells are separated."""

    start: int
    end: int
    labels: list[str]
    meanings: list[str]
    delimited: bool


def _is_header(meanings: list[str]) -> bool:
    return len(meanings) >= 3 and any(m in _ACTOR_MEANINGS for m in meanings) and any(
        m in ("task", "number") for m in meanings)


def find_header(lines: list[common.Line]) -> Header | None:
    """The table's header row, delimited or one cell per line.

    >>> h = find_header(common.split_lines("序号\\n重点工作\\n牵头单位\\n配合单位\\n1\\n推进A"))
    >>> (h.start, h.end, h.meanings, h.delimited)
    (0, 4, ['number', 'task', 'lead', 'participant'], False)
    """
    cols = columns()
    for i, line in enumerate(lines):
        if "\t" not in line.text and "|" not in line.text and "｜" not in line.text:
            continue  # one cell: not a delimited header
        cells = [c for c in _SPLIT.split(line.text) if c]
        if len(cells) >= 3 and all(c in cols for c in cells) and _is_header([cols[c] for c in cells]):
            return Header(i, i + 1, cells, [cols[c] for c in cells], True)
    i = 0
    while i < len(lines):
        if lines[i].text not in cols:
            i += 1  # no header cell starts here
            continue
        j = i
        labels: list[str] = []
        while j < len(lines) and (lines[j].text in cols or (not lines[j].text and labels)):
            if lines[j].text:
                labels.append(lines[j].text)
            j += 1
        if _is_header([cols[c] for c in labels]):
            return Header(i, j, labels, [cols[c] for c in labels], False)
        i = max(j, i + 1)
    return None


@dataclass
class _Row:
    number: int | None
    cells: list[tuple[str, common.Line, int]] = field(default_factory=list)  # (text, line, document offset)


def _rows(lines: list[common.Line], header: Header) -> list[tuple[str, object]]:
    """The table's body as ("section"|"group"|"row", payload) in order."""
    out: list[tuple[str, object]] = []
    pending_group: outline.Heading | None = None
    current: _Row | None = None
    for line in lines[header.end :]:
        text = line.text
        if not text:
            continue
        if header.delimited:
            cells = [(m.group(), m.start()) for m in re.finditer(r"[^\t|｜]+", text) if m.group().strip()]
            first = cells[0][0].strip() if cells else ""
            if _NUMBER.match(first) and len(cells) > 1:
                row = _Row(int(first))
                for cell, start in cells[1:]:
                    stripped = cell.strip()
                    lead = len(cell) - len(cell.lstrip())
                    row.cells.append((stripped, line, line.start + start + lead))
                out.append(("row", row))
                continue
        h = outline.heading(text)
        if _NUMBER.match(text):
            current = _Row(int(text))
            out.append(("row", current))
            continue
        if h is not None and h.style in ("part", "section", "cn-paren") and (current is None or not header.delimited):
            title = text[h.rest_start :].strip()
            if title:
                out.append(("section" if h.style in ("part", "section") else "group", (h, title, line)))
                current = None
            else:
                pending_group = h
            continue
        if pending_group is not None and current is None:
            out.append(("section" if pending_group.style == "section" else "group", (pending_group, text, line)))
            pending_group = None
            continue
        if current is not None and not header.delimited:
            current.cells.append((text, line, line.start))
    return out


def _fits(cell: str, meaning: str, is_actor) -> bool:
    """Whether *cell* can be the content of a column meaning *meaning*."""
    if meaning in ("task", "remark"):
        return True
    if meaning == "leader":
        return bool(_PERSON.match(cell)) and not looks_like_actor(cell, places_count=True) or (
            looks_like_actor(cell) and re.search(r"(长|领导|同志)$", cell) is not None)
    if meaning in _ACTOR_MEANINGS:
        pieces = split_actors(cell)
        return bool(pieces) and all(is_actor(p.surface) for p in pieces)
    if meaning in ("completion", "deliverable"):
        return bool(dates.find_dues(cell)) or cell.startswith(dates.OPEN_ENDED)
    return meaning == "number" and bool(_NUMBER.match(cell))


def _assign_cells(row: _Row, meanings: list[str], is_actor, delimited: bool) -> dict[int, tuple[str, common.Line, int]]:
    """Column index → cell. Delimited rows map by position; others in order, skipping columns that do not fit."""
    cols = [i for i, m in enumerate(meanings) if m != "number"]
    if delimited:
        return {col: cell for col, cell in zip(cols, row.cells)}
    out: dict[int, tuple[str, common.Line, int]] = {}
    k = 0
    for cell in row.cells:
        while k < len(cols) and not _fits(cell[0], meanings[cols[k]], is_actor):
            k += 1
        if k == len(cols):
            break
        out[cols[k]] = cell
        k += 1
    return out


def score(text: str) -> float:
    """1.0 when *text* holds a task table whose rows name agencies, else 0.0.

    >>> score("(一)目标。\\n牵头单位:财政厅\\n")
    0.0
    """
    lines = common.split_lines(text)
    header = find_header(lines)
    if header is None:
        return 0.0
    rows = [p for kind, p in _rows(lines, header) if kind == "row"]
    if not rows:
        return 0.0
    named = 0
    for row in rows:
        cells = _assign_cells(row, header.meanings, lambda n: looks_like_actor(n, places_count=True), header.delimited)
        named += any(header.meanings[c] in _ACTOR_MEANINGS and v[0] for c, v in cells.items())
    return round(named / len(rows), 6)


def parse(plan: Plan, registry, gazetteer) -> Plan:
    """Read the table of *plan* (filled in place)."""
    lines = common.split_lines(plan.text)
    header = find_header(lines)
    if header is None:
        return plan
    common.read_header(plan, lines, registry, header.start)
    common.read_footer(plan, lines, header.start)
    body.set_jurisdiction(plan, registry)
    rule = inline.find_rule(plan.text)
    plan.rule = rule[0] if rule else None
    has_lead = "lead" in header.meanings

    def is_actor(name: str) -> bool:
        return registry.is_actor(name, plan.jurisdiction)

    section, kind = 0, "task"
    items = []
    for what, payload in _rows(lines, header):
        if what == "section":
            h, title, line = payload
            number = len(plan.sections) + 1
            title = common.title_of(title) or title
            plan.sections.append(Section(number, h.numeral, title, Span(line.number, line.number, line.start, line.end)))
            section, kind = number, common.section_kind(title)
            continue
        if what == "group":
            continue
        row = payload
        cells = _assign_cells(row, header.meanings, is_actor, header.delimited)
        task = next(((c, v) for c, v in cells.items() if header.meanings[c] == "task"), None)
        first_line = row.cells[0][1] if row.cells else lines[header.end]
        last_line = row.cells[-1][1] if row.cells else first_line
        text, line, start = task[1] if task else ("", first_line, first_line.start)
        item = Item(number=row.number or len(items) + 1, numeral=str(row.number or len(items) + 1), section=section,
                    kind=kind, title="", text=text, span=Span(first_line.number, last_line.number, first_line.start, last_line.end))
        item.segments.append((0, line.number, start))
        title = common.title_of(text)
        for c, (value, cell_line, value_start) in sorted(cells.items()):
            meaning = header.meanings[c]
            if meaning in _ACTOR_MEANINGS or meaning == "leader":
                role, first_is_lead, kind_hint = meaning, False, None
                if meaning == "responsible":
                    role = "participant" if has_lead else "lead"
                    first_is_lead = not has_lead and rule is not None
                if meaning == "leader":
                    role, kind_hint = "lead", "post"
                common.make_assignments(item, value, cell_line, value_start, role, "field", registry, plan,
                                        first_is_lead=first_is_lead, kind_hint=kind_hint)
            elif meaning == "completion":
                item.completion = value
                common.make_deliverables(item, value, cell_line, value_start, plan)
                for d in item.deliverables:
                    d.text = title or d.text
            elif meaning == "deliverable":
                common.make_deliverables(item, value, cell_line, value_start, plan)
        leftovers = len(row.cells) - len(cells)
        if leftovers > 0 and not header.delimited:
            plan.warnings.append(f"{plan.source}:{first_line.number}: {leftovers} cell(s) of row {item.numeral} "
                                 "matched no column and were not read")
        common.finish_item(item, plan, gazetteer, title=title)
        items.append(item)
    if len({i.number for i in items}) != len(items):
        for k, item in enumerate(items, start=1):
            item.number = k
    plan.items.extend(items)
    return plan
