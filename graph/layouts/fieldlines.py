"""The field-line layout: each numbered item is followed by labelled field lines.

As in the Guangxi plan (桂政办发〔2014〕94号)::

    (十七)实施差别化落户政策。……
    牵头单位:公安厅
    参加单位:各市、县(市、区)人民政府
    预期成果和时间进度:2014年底出台……

Labels vary between documents (牵头部门, 责任单位, 配合单位, 完成时限 …) and are
read from ``fengong/data/field_labels.csv``; colons may be full-width or ASCII.
责任单位 means the lead when it stands alone, and the participants when a
牵头单位 field also appears for the same item.

>>> score("(一)目标。\\n牵头单位:财政厅\\n")
1.0
"""

from __future__ import annotations

import csv
import functools
import re
from importlib import resources

from ..numerals import NUMERAL_CHARS, to_int
from ..records import Item, Plan, Span
from . import common

__all__ = ["NAME", "score", "parse", "field_labels", "ITEM_RE", "FIELD_RE"]

NAME = "fieldlines"

#: An item heading: (一) or （一）, then the item's text.
ITEM_RE = re.compile(rf"^[(（]([{NUMERAL_CHARS}]+)[)）]\s*(.*)$")


@functools.lru_cache(maxsize=1)
def field_labels() -> dict[str, str]:
    """Field label → meaning (lead, participant, responsible, deliverable, completion)."""
    text = (resources.files("fengong.data") / "field_labels.csv").read_text("utf-8")
    return {row["label"]: row["meaning"] for row in csv.DictReader(text.splitlines())}


@functools.lru_cache(maxsize=1)
def _field_re() -> re.Pattern:
    labels = sorted(field_labels(), key=len, reverse=True)
    return re.compile(rf"^({'|'.join(map(re.escape, labels))})\s*[:：]\s*(.*)$")


def FIELD_RE() -> re.Pattern:  # noqa: N802 - a constant built lazily from data
    """The compiled field-line pattern (label, value)."""
    return _field_re()


def score(text: str) -> float:
    """How well *text* fits this layout: 1.0 when items carry field lines."""
    pattern = _field_re()
    lines = [l.strip(" \u3000\t") for l in text.split("\n")]
    items = sum(1 for l in lines if ITEM_RE.match(l))
    fields = sum(1 for l in lines if pattern.match(l) and field_labels()[pattern.match(l).group(1)] != "completion")
    if not items or not fields:
        return 0.0
    return min(1.0, fields / items)


def parse(plan: Plan, registry, gazetteer) -> Plan:
    """Read sections, items and their field lines into *plan* (filled in place)."""
    lines = common.split_lines(plan.text)
    pattern = _field_re()
    meanings = field_labels()
    body = next(
        (i for i, l in enumerate(lines) if common.SECTION_RE.match(l.text) or ITEM_RE.match(l.text)), len(lines)
    )
    common.read_header(plan, lines, registry, body)
    if plan.issuer_name:
        plan.jurisdiction = registry_jurisdiction(plan, registry, gazetteer)
        plan.issuer = registry.resolve(plan.issuer_name, plan.jurisdiction)
    by_number = {l.number: l for l in lines}
    section_kind = "task"
    item: Item | None = None
    fields: list[tuple[str, str, common.Line, int]] = []
    in_fields = False

    def close() -> None:
        if item is None:
            return
        _apply_fields(item, fields, plan, registry, meanings)
        common.prose_leads(item, plan, registry, by_number)
        common.finish_item(item, plan, gazetteer)
        plan.items.append(item)

    for line in lines[body:]:
        if not line.text:
            continue
        m_sec = common.SECTION_RE.match(line.text)
        m_item = ITEM_RE.match(line.text)
        m_field = pattern.match(line.text)
        if m_sec and not m_item:
            close()
            item, fields, in_fields = None, [], False
            section = common.new_section(line, m_sec.group(1), m_sec.group(2).strip())
            plan.sections.append(section)
            section_kind = common.section_kind(section.title)
        elif m_item:
            close()
            fields, in_fields = [], False
            numeral, rest = m_item.group(1), m_item.group(2)
            start = line.start + m_item.start(2)
            item = Item(
                number=to_int(numeral),
                numeral=numeral,
                section=plan.sections[-1].number if plan.sections else 0,
                kind=section_kind,
                title="",
                text=rest,
                span=Span(line.number, line.number, line.start, line.end),
            )
            item.segments.append((0, line.number, start))
        elif m_field and item is not None:
            in_fields = True
            label, value = m_field.group(1), m_field.group(2)
            fields.append((label, value, line, line.start + m_field.start(2)))
            item.span = Span(item.span.line_start, line.number, item.span.char_start, line.end)
        elif item is not None and not in_fields:
            item.segments.append((len(item.text), line.number, line.start))
            item.text += line.text
            item.span = Span(item.span.line_start, line.number, item.span.char_start, line.end)
        elif item is not None:
            plan.warnings.append(f"{plan.source}:{line.number}: text after the field lines of item {item.numeral} not read")
    close()
    return plan


def registry_jurisdiction(plan: Plan, registry, gazetteer) -> str:
    """The jurisdiction of the issuer: 国务院 → cn, 广西壮族自治区… → gx."""
    from ..jurisdictions import jurisdiction_of

    return jurisdiction_of(plan.issuer_name or "", gazetteer, default=plan.jurisdiction)


def _apply_fields(item: Item, fields, plan: Plan, registry, meanings: dict[str, str]) -> None:
    has_lead_label = any(meanings[label] == "lead" for label, *_ in fields)
    has_deliverable = any(meanings[label] == "deliverable" for label, *_ in fields)
    for label, value, line, value_start in fields:
        meaning = meanings[label]
        if meaning == "responsible":
            meaning = "participant" if has_lead_label else "lead"
        if meaning in ("lead", "participant"):
            common.make_assignments(item, value, line, value_start, meaning, "field", registry, plan)
        elif meaning == "completion":
            item.completion = value
            if not has_deliverable:
                before = len(item.deliverables)
                common.make_deliverables(item, value, line, value_start, plan)
                # A bare 完成时间 says when; the item's own words say what.
                for d in item.deliverables[before:]:
                    d.text = common.title_of(item.text) or d.text
        elif meaning == "deliverable":
            common.make_deliverables(item, value, line, value_start, plan)
