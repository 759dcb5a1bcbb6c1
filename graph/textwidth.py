"""Text as people see it in a terminal or a spreadsheet: display width and inert cells.

A Chinese character takes two terminal columns; combining marks take none.
Spreadsheet programs evaluate a cell that starts with = + - @ (or a tab or
carriage return) as a formula, so such text is prefixed with ``'``.

>>> display_width("公安厅 OK"), pad("统计局", 8) + "|", truncate("住房城乡建设厅", 7)
(9, '统计局  |', '住房城…')
>>> neutralise("=HYPERLINK(1)"), neutralise(25)
("'=HYPERLINK(1)", 25)
"""

from __future__ import annotations

import unicodedata
from collections import Counter

__all__ = ["display_width", "pad", "truncate", "neutralise", "distinct_names", "FORMULA_STARTS"]

#: First characters that make a spreadsheet evaluate a cell (the full-width forms too: RDF made
#: elsewhere keeps them, and spreadsheets in CJK locales may read ＝ as =).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


class _Widths(dict):
    """The columns each character takes, worked out the first time it is seen."""

    def __missing__(self, ch: str) -> int:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Cf", "Mn", "Me"):
            width = 0
        else:
            width = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        self[ch] = width
        return width


_WIDTHS = _Widths()
_width_of = _WIDTHS.__getitem__


def display_width(text: str) -> int:
    """Terminal columns *text* takes: wide and full-width characters two, combining marks none."""
    if text.isascii():
        return len(text)
    # One dictionary read per character: a 65,000-row table measured ~70,000 distinct cells.
    return sum(map(_width_of, text))


def truncate(text: str, max_width: int) -> str:
    """*text* cut to *max_width* columns, with … when something was cut."""
    if display_width(text) <= max_width:
        return text
    out, width = [], 0
    for ch in text:
        w = display_width(ch)
        if width + w > max_width - 1:
            break
        out.append(ch)
        width += w
    return "".join(out) + "…"


def pad(text: str, width: int, right: bool = False) -> str:
    """*text* truncated to *width* columns and padded with spaces (on the left when *right*)."""
    text = truncate(text, width)
    gap = " " * max(width - display_width(text), 0)
    return gap + text if right else text + gap


def neutralise(value):
    """A spreadsheet cell made inert: text starting with = + - @ (or ＝ ＋ － ＠, a tab, a CR) gets a
    leading ``'``; other values pass.

    >>> neutralise("=1+1"), neutralise("＝1+1"), neutralise("1-1"), neutralise(-1)
    ("'=1+1", "'＝1+1", '1-1', -1)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def distinct_names(names: list[tuple[str, str, str]]) -> list[str]:
    """Names that tell their owners apart: for each (short, full, id), the short name; where
    several share it, the full one (the jurisdiction's 财政厅 of two provinces); where that is
    shared too, the full one with the id.

    >>> distinct_names([("财政厅", "广西壮族自治区财政厅", "gx-finance"), ("财政厅", "湖南省财政厅", "hn-finance"),
    ...                 ("教育厅", "教育厅", "a"), ("教育厅", "教育厅", "b"), ("商务厅", "商务厅", "c")])
    ['广西壮族自治区财政厅', '湖南省财政厅', '教育厅 (a)', '教育厅 (b)', '商务厅']
    """
    levels = [0] * len(names)
    out = [short for short, _, _ in names]
    while True:
        seen = Counter(out)
        bump = [i for i, name in enumerate(out) if seen[name] > 1 and levels[i] < 2]
        if not bump:
            return out
        for i in bump:
            levels[i] += 1
            _, full, key = names[i]
            out[i] = full if levels[i] == 1 else f"{full} ({key})"
