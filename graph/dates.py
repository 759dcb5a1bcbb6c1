"""Due dates in Chinese policy prose.

Task-allocation plans state deadlines in a handful of fixed idioms:
``2014年底前`` (by the end of 2014), ``2016年前`` (before 2016),
``2015年出台…`` (some time in 2015), ``到2020年`` (by 2020), five-year-plan
periods such as ``“十三五”`` (2016–2020), and open-ended wordings such as
``长期坚持``.  :func:`parse_due` reads the first such expression in a text into
a :class:`Due`; :func:`split_deliverables` cuts a 预期成果和时间进度 /
完成时间 field into one :class:`Clause` per dated deliverable.

>>> d = parse_due("2014年底前出台实施方案")
>>> d.end, d.year, d.qualifier
(datetime.date(2014, 12, 31), 2014, 'by')
>>> [c.due.year for c in split_deliverables("2015年出台方案。到2020年基本实现全覆盖。")]
[2015, 2020]
"""

from __future__ import annotations

import calendar
import datetime
import functools
import re
from dataclasses import dataclass
from typing import Callable

from .numerals import FULLWIDTH_DIGITS

__all__ = [
    "PRECISIONS",
    "QUALIFIERS",
    "Due",
    "Clause",
    "parse_due",
    "find_dues",
    "split_deliverables",
]

#: Values of :attr:`Due.precision`.
PRECISIONS = ("day", "month", "year", "period", "none")
#: Values of :attr:`Due.qualifier`.
QUALIFIERS = ("by", "before", "in", "during", "none")

# Wordings that set no date but say how long the work runs; they make a Due
# with end None.  Longest first so 长期坚持 wins over 长期.
OPEN_ENDED = ("长期坚持", "长期推进", "持续推进", "持续开展", "常态化", "逐步", "适时", "长期", "每年")

# Words that may stand before a clause-leading date (力争2020年…, 并于2015年…).
LEAD_PARTICLES = ("力争", "争取", "确保", "并于", "并在", "于", "在", "并")


@dataclass(frozen=True)
class Due:
    """A deadline as written and as a date.

    ``end`` is the last day by which the work is due, ``start`` the first day of
    a period (five-year plans, ranges, ``2015年起``), ``year`` equals
    ``end.year``.  ``precision`` is one of :data:`PRECISIONS`, ``qualifier``
    one of :data:`QUALIFIERS`: "by" (到2020年, 2014年底前), "before" (2016年前),
    "in" (2015年出台), "during" (a period), "none" (长期坚持).

    >>> parse_due("“十三五”期间")
    Due(wording='“十三五”期间', end=datetime.date(2020, 12, 31), start=datetime.date(2016, 1, 1), year=2020, precision='period', qualifier='during')
    """

    wording: str
    end: datetime.date | None
    start: datetime.date | None
    year: int | None
    precision: str
    qualifier: str


@dataclass(frozen=True)
class Clause:
    """One deliverable of a 预期成果 field: its text, offsets and due date.

    ``text == source[start:end]`` for the ``source`` passed to
    :func:`split_deliverables`.

    >>> c = split_deliverables("2014年出台方案。")[0]
    >>> (c.text, c.start, c.end, c.due.year)
    ('2014年出台方案', 0, 9, 2014)
    """

    text: str
    start: int
    end: int
    due: Due | None


# --- numbers -----------------------------------------------------------------

_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _number(s: str) -> int:
    """Arabic or Chinese numeral (one to two digits, or a digit-by-digit year).

    >>> _number("二〇一五"), _number("十二"), _number("三十一"), _number("6")
    (2015, 12, 31, 6)
    """
    if s.isdigit():
        return int(s)
    if "十" not in s:  # 二〇一五: digit by digit
        return int("".join(str(_CN_DIGIT[c]) for c in s))
    tens, _, units = s.partition("十")
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[units] if units else 0)


def _five_year_start(ordinal: int) -> int:
    """First year of the ``ordinal``-th five-year plan.

    >>> _five_year_start(13), _five_year_start(14)
    (2016, 2021)
    """
    # The 1st plan was 1953–57, the 2nd 1958–62, then three adjustment years;
    # the 3rd started 1966 and every later one follows on without gaps.
    if ordinal == 1:
        return 1953
    if ordinal == 2:
        return 1958
    return 1966 + 5 * (ordinal - 3)


# --- patterns ----------------------------------------------------------------

_Y = r"(?:(?<![\d])\d{4}(?!\d)|(?<![〇○零一二三四五六七八九])[〇○零一二三四五六七八九]{4})"
_M = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_D = r"(?:3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"
_TO = r"(?P<pre>截至|截止到|截止|到|至|从|自)?"
_DASH = r"\s*(?:[-－—–―~～至到]{1,2})\s*"
_OPEN_Q = "“\"‘「『"
_CLOSE_Q = "”\"’」』"
_BEFORE = ("前", "之前", "以前")
_BY_END = ("底", "末", "底前", "底以前", "底之前", "末前")
_FROM = ("起", "开始", "以来")
_AFTER = ("以后", "之后", "后")

_PATTERNS: list[tuple[re.Pattern, Callable]] = []
# Characters each pattern cannot match without: a text lacking one is not searched with it.
_NEEDS: list[frozenset[str]] = []
_NEEDED = "年月五季"


def _pattern(regex: str, needs: str):
    """Register ``handler(match, wording, ref_year) -> Due | None`` for ``regex``,
    which never matches a text without every character of *needs*."""

    def register(handler):
        if not set(needs) <= set(_NEEDED):
            raise ValueError(f"{handler.__name__}: needs {needs!r} outside {_NEEDED!r}")
        _PATTERNS.append((re.compile(regex), handler))
        _NEEDS.append(frozenset(needs))
        return handler

    return register


def _due(wording, end, *, start=None, precision, qualifier) -> Due:
    return Due(wording, end, start, end.year if end else None, precision, qualifier)


def _undated(wording, qualifier) -> Due:
    return Due(wording, None, None, None, "none", qualifier)


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _plausible(year: int) -> bool:
    return 1900 <= year <= 2099


@_pattern(_TO + rf"(?P<y1>{_Y})年?{_DASH}(?P<y2>{_Y})年(?P<suf>底|末)?", needs="年")
def _range(m, wording, ref_year):
    y1, y2 = _number(m["y1"]), _number(m["y2"])
    if not (_plausible(y1) and _plausible(y2) and y1 <= y2):
        return None
    return _due(wording, datetime.date(y2, 12, 31), start=datetime.date(y1, 1, 1),
                precision="period", qualifier="during")


@_pattern(rf"(?P<q1>[{_OPEN_Q}])?(?P<ord>十[一二三四五六七八九]|[一二三四五六七八九十])五"
          rf"(?P<q2>[{_CLOSE_Q}])?(?P<suf>期间|时期|末期|末)?", needs="五")
def _five_year(m, wording, ref_year):
    # Unquoted only as 十X五: a bare 十五 or 九五 is far more often a number.
    quoted = bool(m["q1"] and m["q2"])
    if not quoted and len(m["ord"]) != 2:
        return None
    if not quoted and m.start() > 0 and m.string[m.start() - 1] in "第一二三四五六七八九十百千万":
        return None
    first = _five_year_start(_number(m["ord"]))
    end = datetime.date(first + 4, 12, 31)
    if m["suf"] in ("末", "末期"):
        return _due(wording, end, precision="period", qualifier="by")
    return _due(wording, end, start=datetime.date(first, 1, 1), precision="period", qualifier="during")


@_pattern(_TO + rf"(?P<y>{_Y})年(?P<m>{_M})月(?P<d>{_D})[日号](?P<suf>前|之前|以前)?", needs="年月")
def _day(m, wording, ref_year):
    return _exact_day(m, _number(m["y"]), wording)


@_pattern(rf"(?<![\d年月〇○零一二三四五六七八九十])(?P<pre>到|至|截至)?(?P<m>{_M})月(?P<d>{_D})[日号](?P<suf>前|之前|以前)?", needs="月")
def _day_no_year(m, wording, ref_year):
    if ref_year is None:
        return _undated(wording, "by" if m["suf"] or m["pre"] else "in")
    return _exact_day(m, ref_year, wording)


def _exact_day(m, year, wording):
    if not _plausible(year):
        return None
    try:
        end = datetime.date(year, _number(m["m"]), _number(m["d"]))
    except ValueError:
        return None
    # 6月30日前 reads as "by 30 June": a day is already the deadline.
    qualifier = "by" if m["suf"] or m["pre"] else "in"
    return _due(wording, end, precision="day", qualifier=qualifier)


_MONTH_SUFFIX = r"(?P<suf>底前|底以前|底之前|末前|底|末|前|之前|以前|内)?"


@_pattern(_TO + rf"(?P<y>{_Y})年(?P<m>{_M})月份?" + _MONTH_SUFFIX, needs="年月")
def _month(m, wording, ref_year):
    return _month_due(m, _number(m["y"]), wording)


@_pattern(rf"(?<![\d年月〇○零一二三四五六七八九十个])(?P<pre>到|至|截至)?(?P<m>{_M})月份?"
          r"(?P<suf>底前|底以前|底之前|末前|底|末|前|之前|以前|内)", needs="月")
def _month_no_year(m, wording, ref_year):
    # Without a year a suffix is required: a bare 六月 is too often not a deadline.
    if ref_year is None:
        return _undated(wording, "before" if m["suf"] in _BEFORE else "by")
    return _month_due(m, ref_year, wording)


def _month_due(m, year, wording):
    month = _number(m["m"])
    if not (_plausible(year) and 1 <= month <= 12):
        return None
    suf = m["suf"]
    if suf in _BEFORE:
        # 2020年6月前: before June, so the last day of May.
        end = datetime.date(year, month, 1) - datetime.timedelta(days=1)
        return _due(wording, end, precision="month", qualifier="before")
    qualifier = "by" if suf in _BY_END or m["pre"] else "in"
    return _due(wording, _month_end(year, month), precision="month", qualifier=qualifier)


@_pattern(_TO + rf"(?P<y>{_Y})年(?:第)?(?P<q>[一二三四1-4])季度(?P<suf>末|底)?", needs="年季")
def _quarter(m, wording, ref_year):
    year = _number(m["y"])
    if not _plausible(year):
        return None
    quarter = int(m["q"]) if m["q"].isdigit() else _CN_DIGIT[m["q"]]
    qualifier = "by" if m["suf"] or m["pre"] else "in"
    return _due(wording, _month_end(year, 3 * quarter), precision="month", qualifier=qualifier)


@_pattern(_TO + rf"(?P<y>{_Y})年(?P<h>上半年|下半年|年中)(?P<suf>末|底)?", needs="年")
def _half(m, wording, ref_year):
    year = _number(m["y"])
    if not _plausible(year):
        return None
    month = 12 if m["h"] == "下半年" else 6
    qualifier = "by" if m["suf"] or m["pre"] or m["h"] == "年中" else "in"
    return _due(wording, _month_end(year, month), precision="month", qualifier=qualifier)


@_pattern(_TO + rf"(?P<y>{_Y})年(?P<suf>底前|底以前|底之前|末前|底|末|前后|左右|前|之前|以前|内|度|起|开始|以来|以后|之后|后(?!续))?", needs="年")
def _year(m, wording, ref_year):
    year = _number(m["y"])
    if not _plausible(year):
        return None
    suf, pre = m["suf"], m["pre"]
    if suf in _FROM or suf in _AFTER or pre in ("从", "自"):
        # A start, not a deadline: 从2015年起 / 2015年以后.
        first = year + 1 if suf in _AFTER else year
        return Due(wording, None, datetime.date(first, 1, 1), None, "year", "during")
    if suf in _BEFORE:
        return _due(wording, datetime.date(year - 1, 12, 31), precision="year", qualifier="before")
    qualifier = "by" if suf in _BY_END or pre else "in"
    return _due(wording, datetime.date(year, 12, 31), precision="year", qualifier=qualifier)


@_pattern(r"(?<![\d〇○零一二三四五六七八九十两])(?P<n>\d{1,2}|[一二两三四五六七八九十]{1,3})年(?:之内|以内|内)", needs="年")
def _within_years(m, wording, ref_year):
    if ref_year is None:
        return _undated(wording, "by")
    return _due(wording, datetime.date(ref_year + _number(m["n"]), 12, 31), precision="year", qualifier="by")


@_pattern(r"(?P<w>今年|本年度|本年|明年)(?P<suf>底前|底|末|内)?", needs="年")
def _this_year(m, wording, ref_year):
    qualifier = "by" if m["suf"] in _BY_END else "in"
    if ref_year is None:
        return _undated(wording, qualifier)
    year = ref_year + (1 if m["w"] == "明年" else 0)
    return _due(wording, datetime.date(year, 12, 31), precision="year", qualifier=qualifier)


@_pattern(r"(?<![\d〇○零一二三四五六七八九十两年今本明当去每全])年(?P<suf>底前|底|末|内)", needs="年")
def _bare_year_end(m, wording, ref_year):
    # 年底前 / 年内 with no year: the plan's own year.
    qualifier = "in" if m["suf"] == "内" else "by"
    if ref_year is None:
        return _undated(wording, qualifier)
    return _due(wording, datetime.date(ref_year, 12, 31), precision="year", qualifier=qualifier)


_OPEN_RE = re.compile("|".join(map(re.escape, OPEN_ENDED)))


# --- scanning ----------------------------------------------------------------


def find_dues(text: str, ref_year: int | None = None) -> list[tuple[Due, int, int]]:
    """Every dated expression in ``text`` as ``(due, start, end)``, left to right.

    Open-ended wordings (长期坚持) are not included; see :func:`parse_due`.
    At one position the longest reading wins (2014—2020年 is one range).

    >>> [(d.wording, s, e) for d, s, e in find_dues("2015年出台,到2020年完成")]
    [('2015年', 0, 5), ('到2020年', 8, 14)]
    """
    return list(_find_dues(text, ref_year))


# Dated clauses repeat within and across plans; the reading depends on the text and year alone.
@functools.lru_cache(maxsize=8192)
def _find_dues(text: str, ref_year: int | None) -> tuple[tuple[Due, int, int], ...]:
    norm = text.translate(FULLWIDTH_DIGITS)
    found = []
    pos = 0
    # Whether a pattern matches at a position does not depend on where the search
    # started (lookbehinds see the whole text), so a pattern's next match found
    # earlier stays its next match until the scan passes its start.
    present = {c for c in _NEEDED if c in norm}
    ahead: list = [None if needs <= present else False for needs in _NEEDS]
    while pos < len(norm):
        candidates = []
        for order, (regex, handler) in enumerate(_PATTERNS):
            m = ahead[order]
            if m is None or (m and m.start() < pos):
                m = ahead[order] = regex.search(norm, pos) or False
            if m and m.end() > m.start():
                candidates.append((m.start(), -(m.end() - m.start()), order, m, handler))
        if not candidates:
            break
        candidates.sort(key=lambda c: c[:3])
        first = candidates[0][0]
        hit = None
        for start, _, _, m, handler in candidates:
            if start != first:
                break
            due = handler(m, text[m.start():m.end()], ref_year)
            if due is not None:
                hit = (due, m.start(), m.end())
                break
        if hit is None:
            pos = first + 1  # implausible at this position; look further on
            continue
        found.append(hit)
        pos = hit[2]
    return tuple(found)


def _open_ended(text: str) -> tuple[Due, int, int] | None:
    m = _OPEN_RE.search(text)
    if m is None:
        return None
    return _undated(m.group(), "none"), m.start(), m.end()


def parse_due(text: str, ref_year: int | None = None) -> Due | None:
    """The first date expression in ``text``, or ``None`` if there is none.

    Relative wordings (年内, 5年内, 年底前) count from ``ref_year``, the plan's
    year; without it they give a Due with ``end`` None.  When ``text`` holds no
    date at all, an open-ended wording (长期坚持, 持续推进, 逐步) gives a Due
    with precision "none".

    >>> parse_due("2016年前编制完成城镇群发展规划").end
    datetime.date(2015, 12, 31)
    >>> parse_due("2015年出台政策措施").qualifier
    'in'
    >>> parse_due("三年内完成", ref_year=2014).year
    2017
    >>> parse_due("长期坚持").precision
    'none'
    >>> parse_due("健全工作机制") is None
    True
    """
    dues = find_dues(text, ref_year)
    if dues:
        return dues[0][0]
    open_ended = _open_ended(text)
    return open_ended[0] if open_ended else None


# --- splitting fields into deliverables ----------------------------------------

_SENTENCE_RE = re.compile(r"[^。；;]+[。；;]*")
_PART_RE = re.compile(r"[^,，]+[,，]*")
_TRIM = " \t\r\n\u3000。；;,，"


def _leading_due(part: str, ref_year):
    """The date a comma part opens with (after an optional particle), else None."""
    stripped = part.lstrip(" \t\u3000")
    for particle in ("",) + LEAD_PARTICLES:
        if stripped.startswith(particle):
            dues = find_dues(stripped[len(particle):], ref_year)
            if dues and dues[0][1] == 0:
                return dues[0][0]
    return None


def split_deliverables(text: str, ref_year: int | None = None) -> list[Clause]:
    """Cut a 预期成果和时间进度 / 完成时间 field into dated clauses.

    Sentences end at 。；;.  Inside a sentence a new clause starts at a comma
    only when what follows opens with a date (2015年…, 到2020年…, “十三五”…).
    A sentence or part without a date of its own elaborates the clause before
    it and is merged into it; an undated opening stays a clause of its own.
    A clause is due at its opening date, else at the first date inside it.

    >>> [(c.text, c.due.year) for c in split_deliverables(
    ...     "2015年出台城市新区设立条件,2020年,南宁五象新区成为新的增长区域。")]
    [('2015年出台城市新区设立条件', 2015), ('2020年,南宁五象新区成为新的增长区域', 2020)]
    >>> [c.due.wording for c in split_deliverables("2016年出台“十三五”城镇保障性住房建设规划。")]
    ['2016年']
    """
    # Each span is [start, end, due]; ends are extended when text merges in.
    spans: list[list] = []
    for sentence in _SENTENCE_RE.finditer(text):
        groups: list[list] = []  # [start, end, leading due or None]
        for part in _PART_RE.finditer(sentence.group()):
            start = sentence.start() + part.start()
            end = sentence.start() + part.end()
            lead = _leading_due(part.group(), ref_year)
            if lead is not None or not groups:
                groups.append([start, end, lead])
            else:
                groups[-1][1] = end
        for start, end, lead in groups:
            due = lead
            if due is None:
                dues = find_dues(text[start:end], ref_year)
                due = dues[0][0] if dues else None
            if due is not None or not spans:
                if due is None:
                    open_ended = _open_ended(text[start:end])
                    due = open_ended[0] if open_ended else None
                spans.append([start, end, due])
            else:
                spans[-1][1] = end
    clauses = []
    for start, end, due in spans:
        chunk = text[start:end]
        lead_trim = len(chunk) - len(chunk.lstrip(_TRIM))
        body = chunk.strip(_TRIM)
        if not body:
            continue
        clauses.append(Clause(body, start + lead_trim, start + lead_trim + len(body), due))
    return clauses
