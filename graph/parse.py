"""Text to :class:`~fengong.records.Plan`: pick a layout, read the items.

>>> plan = parse_text("一、目标\\n(一)财政收入增长8%。\\n牵头单位:自治区财政厅\\n完成时间:2020年\\n", "t.txt", jurisdiction="gx")
>>> [(i.numeral, [a.actor.short_zh for a in i.leads]) for i in plan.items]
[('一', ['财政厅'])]
"""

from __future__ import annotations

import re
from pathlib import Path

from . import FengongError, layouts
from .agencies import Registry, default_registry
from .read import read_document
from .records import Plan

__all__ = ["parse_text", "parse_file", "plan_slug"]


def parse_text(
    text: str,
    source: str,
    encoding: str = "utf-8",
    layout: str | None = None,
    registry: Registry | None = None,
    jurisdiction: str | None = None,
) -> Plan:
    """Parse a decoded document. Raises :class:`FengongError` when nothing is recognisable."""
    registry = registry or default_registry()
    gazetteer = registry.gazetteer
    module = layouts.get(layout) if layout else layouts.choose(text)
    if module is None:
        raise FengongError(f"{source}: no numbered items with responsible agencies found (not a task-allocation plan?)")
    plan = Plan(title="", source=source, text=text, encoding=encoding, layout=module.NAME)
    plan.jurisdiction = jurisdiction or ""  # "" = the layout decides from the document
    module.parse(plan, registry, gazetteer)
    if jurisdiction:
        plan.jurisdiction = jurisdiction
    if not plan.items:
        raise FengongError(f"{source}: no numbered items found")
    if not any(item.assignments for item in plan.items):
        raise FengongError(f"{source}: items found but no responsible agencies in them")
    if not plan.title:
        plan.title = Path(source).stem
    return plan


def parse_file(path: str, **kwargs) -> Plan:
    """Read and parse one document file (``-`` for standard input)."""
    text, encoding = read_document(path)
    return parse_text(text, "<stdin>" if path == "-" else str(path), encoding, **kwargs)


def plan_slug(plan: Plan) -> str:
    """A stable ASCII slug for a plan: pinyin initials of its document number's issuer
    abbreviation, the year and the number; else one derived from the file name.

    >>> p = Plan(title="t", source="x.txt", text="", encoding="utf-8", layout="fieldlines", doc_number="桂政办发〔2014〕94号")
    >>> plan_slug(p)
    'gzbf-2014-94'
    """
    from pypinyin import Style, lazy_pinyin

    if plan.doc_number:
        m = re.match(r"^(.*?)[〔\[［(（]\s*(\d{4})\s*[〕\]］)）]\s*(\d+)", plan.doc_number)
        if m:
            initials = "".join(lazy_pinyin(m.group(1), style=Style.FIRST_LETTER, errors="ignore"))
            return f"{initials.lower() or 'doc'}-{m.group(2)}-{m.group(3)}"
    stem = Path(plan.source).stem
    words = lazy_pinyin(stem, errors=lambda s: [s])
    return re.sub(r"[^a-z0-9]+", "-", "-".join(words).lower()).strip("-") or "plan"
