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

This module says how well the style fits (:func:`score`) and which labels
exist; the document is read by :mod:`fengong.layouts.body`, which reads field
lines and inline parentheticals in one pass, so a plan mixing both is read whole.

>>> score("(一)目标。\\n牵头单位:财政厅\\n")
1.0
"""

from __future__ import annotations

import csv
import functools
import re
from importlib import resources

from ..numerals import NUMERAL_CHARS
from ..records import Plan

__all__ = ["NAME", "score", "parse", "field_labels", "ITEM_RE", "FIELD_RE", "MEANINGS"]

#: What a field label can mean (the ``meaning`` column of ``field_labels.csv``).
MEANINGS = ("lead", "participant", "responsible", "leader", "completion", "deliverable")

NAME = "fieldlines"

#: An item heading: (一) or （一）, then the item's text.
ITEM_RE = re.compile(rf"^[(（]([{NUMERAL_CHARS}]+)[)）]\s*(.*)$")


@functools.lru_cache(maxsize=1)
def field_labels() -> dict[str, str]:
    """Field label → meaning (one of :data:`MEANINGS`).

    >>> field_labels()["责任单位"], field_labels()["配合单位"], field_labels()["完成时限"]
    ('responsible', 'participant', 'completion')
    """
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
    """How well *text* fits this layout: 1.0 when items carry field lines.

    The share of numbered items (any numbering deeper than 一、) that a field line
    naming agencies (牵头单位, 参加单位, 责任单位 …) follows.

    >>> score("1.推进A。\\n责任单位：市发展改革委\\n2.推进B。（省教育厅负责）\\n")
    0.5
    """
    from . import body, common, outline

    items = fields = 0
    item_rank = outline.rank_of("article")
    for line in common.split_lines(text):
        # what body.classify(line) says, without making the row
        info = body.classify_text(line.text)
        if info.heading is not None and info.heading.rank >= item_rank:
            items += 1
        fields += sum(1 for run in info.runs if run[1] in body.ACTOR_MEANINGS)
    if not items or not fields:
        return 0.0
    return min(1.0, fields / items)


def parse(plan: Plan, registry, gazetteer) -> Plan:
    """Read *plan* (filled in place) with the one-pass reader, which reads field lines and parentheticals."""
    from . import body

    return body.read(plan, registry, gazetteer)
