"""Text to :class:`~fengong.records.Plan`: pick a layout, read the items.

>>> plan = parse_text("一、目标\\n(一)财政收入增长8%。\\n牵头单位:自治区财政厅\\n完成时间:2020年\\n", "t.txt", jurisdiction="gx")
>>> [(i.numeral, [a.actor.short_zh for a in i.leads]) for i in plan.items]
[('一', ['财政厅'])]
"""

from __future__ import annotations

import csv
import functools
import re
from importlib import resources
from pathlib import Path

from . import FengongError, layouts
from .agencies import Registry, default_registry
from .read import read_document
from .records import Plan

__all__ = ["parse_text", "parse_file", "plan_slug", "claim_slug"]


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


def claim_slug(seen: dict[str, tuple[str, str]], slug: str, source: str, number: str | None) -> None:
    """Record in *seen* that *source* (document number *number*) makes the plan IRI *slug*;
    raise :class:`FengongError` if another document of the same build made it already.

    >>> seen = {}
    >>> claim_slug(seen, "gzbf-2014-94", "a.txt", "桂政办发〔2014〕94号")
    >>> claim_slug(seen, "gzbf-2014-94", "b.txt", "桂政办发〔2014〕94号")
    Traceback (most recent call last):
    fengong.FengongError: b.txt: same document number as a.txt (gzbf-2014-94)
    """
    number = number or ""
    if slug in seen:
        other, first = seen[slug]
        if first != number:
            raise FengongError(
                f"{source}: {number or 'no document number'} and {first or 'no document number'} of {other} both make "
                f"the plan IRI slug {slug}; add the issuer abbreviation to fengong/data/plan_slugs.csv with a code of its own")
        raise FengongError(f"{source}: same document number as {other} ({slug})")
    seen[slug] = (source, number)


def plan_slug(plan: Plan) -> str:
    """A stable ASCII slug for a plan, from its document number alone: a code for the issuer
    abbreviation, the year and the number; else one derived from the file name.

    The code of an abbreviation that opens with a prefix listed in ``fengong/data/plan_slugs.csv``
    (the longest such prefix) is that prefix's code followed by the pinyin initials of the rest;
    else it is the pinyin initials of the whole abbreviation. The list keeps apart the provinces whose
    initials coincide (桂/贵, 京/晋/吉, 湘/新 …); the codes that were initials already stay as they were.

    >>> def slug(number):
    ...     return plan_slug(Plan(title="t", source="x.txt", text="", encoding="utf-8", layout="fieldlines", doc_number=number))
    >>> slug("桂政办发〔2014〕94号"), slug("贵政办发〔2014〕94号"), slug("国办发〔2019〕99号"), slug("某发〔2019〕1号")
    ('gzbf-2014-94', 'gui-zbf-2014-94', 'gbf-2019-99', 'mf-2019-1')
    """
    from pypinyin import Style, lazy_pinyin

    if plan.doc_number:
        m = re.match(r"^(.*?)[〔\[［(（]\s*(\d{4})\s*[〕\]］)）]\s*(\d+)", plan.doc_number)
        if m:
            issuer, code = m.group(1), ""
            codes = _issuer_codes()
            for end in range(len(issuer), 0, -1):
                if issuer[:end] in codes:
                    issuer, code = issuer[end:], codes[issuer[:end]]
                    break
            initials = "".join(lazy_pinyin(issuer, style=Style.FIRST_LETTER, errors="ignore")).lower()
            return f"{code + initials or 'doc'}-{m.group(2)}-{m.group(3)}"
    stem = Path(plan.source).stem
    words = lazy_pinyin(stem, errors=lambda s: [s])
    return re.sub(r"[^a-z0-9]+", "-", "-".join(words).lower()).strip("-") or "plan"


@functools.lru_cache(maxsize=1)
def _issuer_codes() -> dict[str, str]:
    """Issuer abbreviation prefix → slug code, from ``fengong/data/plan_slugs.csv`` (read once a process)."""
    text = (resources.files("fengong.data") / "plan_slugs.csv").read_text("utf-8")
    return {row["abbreviation"]: row["code"] for row in csv.DictReader(text.splitlines())}
