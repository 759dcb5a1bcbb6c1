"""Numbering: which lines open a part, a section, an item or a sub-item.

Plans number their text in a handful of ways, always in the same order of
depth: ``第一部分`` / ``第一章`` parts, ``一、`` sections, ``第一条`` articles,
``（一）``/``(一)`` items, ``1.``/``1、``/``1．`` items, ``（1）``/``1）`` sub-items,
``①`` points. :func:`heading` reads one line; a smaller :attr:`Heading.rank`
is a higher level. Which level holds the tasks differs between documents and
is decided by the reader (:mod:`fengong.layouts.body`).

>>> h = heading("（十七）实施差别化落户政策。")
>>> (h.style, h.numeral, h.number, h.rest_start)
('cn-paren', '十七', 17, 4)
>>> heading("2014年底出台方案") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..numerals import NUMERAL_CHARS, to_int

__all__ = ["Heading", "heading", "STYLES", "rank_of"]

_N = f"[{NUMERAL_CHARS}]+"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

#: Numbering styles, shallowest first: (style, rank, pattern). Group 1 is the
#: numeral, group 2 the text after it. Full-width digits are folded before matching.
STYLES: tuple[tuple[str, float, re.Pattern], ...] = (
    ("part", 0.0, re.compile(rf"^第\s*({_N}|\d{{1,2}})\s*(?:部分|章|篇)\s*(.*)$")),
    ("section", 1.0, re.compile(rf"^({_N})\s*[、.．]\s*(.*)$")),
    ("article", 1.5, re.compile(rf"^第\s*({_N}|\d{{1,3}})\s*条\s*(.*)$")),
    ("cn-paren", 2.0, re.compile(rf"^[(（]\s*({_N})\s*[)）]\s*(.*)$")),
    # 1. / 1、 / 1． but not 1.5倍 or 2014年; 6.2020年底前… is item 6
    ("arabic", 3.0, re.compile(r"^(\d{1,3})\s*(?:、|[.．](?!\d)|[.．](?=\d{4}年))\s*(.*)$")),
    ("arabic-paren", 4.0, re.compile(r"^(?:[(（]\s*(\d{1,3})\s*[)）]|(\d{1,3})\s*[)）])\s*(.*)$")),
    ("circled", 5.0, re.compile(rf"^([{_CIRCLED}])\s*(.*)$")),
)
_RANK = {style: rank for style, rank, _ in STYLES}
# Characters every style's pattern can open with (besides digits, which \d matches:
# str.isdecimal() is the same test): a line opening otherwise is no heading.
_OPENERS = frozenset("第(（" + NUMERAL_CHARS + _CIRCLED)
_FOLD = str.maketrans("０１２３４５６７８９．", "0123456789.")


@dataclass(frozen=True)
class Heading:
    """A numbered line: its style, rank, numeral as written, value, and where its text starts."""

    style: str
    rank: float
    numeral: str
    number: int
    rest_start: int  # offset of the text after the numbering, within the line


def rank_of(style: str) -> float:
    """Depth of a numbering style (smaller is higher).

    >>> rank_of("section") < rank_of("cn-paren") < rank_of("arabic")
    True
    """
    return _RANK[style]


def heading(line: str) -> Heading | None:
    """The numbering that opens *line* (already stripped of indentation), or ``None``.

    >>> [heading(t).style for t in ("一、目标", "(一)目标", "1.目标", "1、目标", "（1）目标", "第三条 目标", "①目标")]
    ['section', 'cn-paren', 'arabic', 'arabic', 'arabic-paren', 'article', 'circled']
    >>> heading("１．目标").number, heading("1.5倍") is None, heading("6.2020年底前出台").number
    (1, True, 6)
    """
    if not line or (line[0] not in _OPENERS and not line[0].isdecimal()):
        return None
    folded = line.translate(_FOLD)  # one character for one: offsets stay valid
    for style, rank, pattern in STYLES:
        m = pattern.match(folded)
        if not m:
            continue
        index = next(i for i in range(1, m.lastindex) if m.group(i) is not None)
        numeral = line[m.start(index) : m.end(index)]
        if style == "section" and not m.group(m.lastindex):
            continue  # a bare 一、 with nothing after it is not a heading we can use
        number = _CIRCLED.index(numeral) + 1 if style == "circled" else to_int(numeral)
        return Heading(style, rank, numeral, number, m.start(m.lastindex))
    return None
