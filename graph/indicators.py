"""Numeric targets in Chinese policy prose.

A target sentence names a measure, a comparator and a value:
``常住人口城镇化率达到54%`` (reach 54 %), ``城镇建设用地面积控制在3000平方公里以内``
(at most 3000 km²), ``新增城镇常住人口700万人左右`` (about 7 000 000 people).
:func:`parse_indicators` reads every such target in a sentence into an
:class:`Indicator`; :func:`parse_place_targets` reads a per-place list
(``南宁超过300万,柳州达到210万,桂林130万…``) into one indicator per place.

Values are :class:`decimal.Decimal` with 万 (10⁴) and 亿 (10⁸) applied, so
``700万人`` is ``Decimal('7000000')`` with unit ``"人"``.

>>> [(i.name, i.value, i.unit, i.comparator) for i in parse_indicators("常住人口城镇化率达到54%")]
[('常住人口城镇化率', Decimal('54'), '%', 'reach')]
"""

from __future__ import annotations

import decimal
import re
from dataclasses import dataclass

from . import dates, places

__all__ = [
    "COMPARATORS",
    "Indicator",
    "parse_indicators",
    "parse_place_targets",
]

#: Values of :attr:`Indicator.comparator`.
COMPARATORS = ("at-least", "at-most", "about", "reach", "exceed")

# Words directly before the number.  Longest first inside the regex.
VERB_COMPARATORS = {
    "不低于": "at-least",
    "不少于": "at-least",
    "不超过": "at-most",
    "不高于": "at-most",
    "控制在": "at-most",
    "控制到": "at-most",
    "降低到": "at-most",
    "降低至": "at-most",
    "下降到": "at-most",
    "下降至": "at-most",
    "减少到": "at-most",
    "降至": "at-most",
    "超过": "exceed",
    "高于": "exceed",
    "大约": "about",
    "约为": "about",
    "约": "about",
    "保持在": "reach",
    "提高到": "reach",
    "提高至": "reach",
    "提升到": "reach",
    "提升至": "reach",
    "增加到": "reach",
    "增长到": "reach",
    "达到": "reach",
    "达": "reach",
}

# Words directly after the value; they override the verb (达到95%以上 is at-least).
POST_COMPARATORS = {
    "及以上": "at-least",
    "以上": "at-least",
    "以内": "at-most",
    "之内": "at-most",
    "以下": "at-most",
    "左右": "about",
    "上下": "about",
}

MULTIPLIERS = {"万亿": 10**12, "亿": 10**8, "万": 10**4}

# Written unit -> normalised unit.
UNITS = {
    "个百分点": "个百分点",
    "平方公里": "平方公里",
    "平方千米": "平方公里",
    "平方米": "平方米",
    "公里": "公里",
    "千米": "公里",
    "Mbps": "Mbps",
    "Mb/s": "Mbps",
    "微克/立方米": "微克/立方米",
    "%": "%",
    "％": "%",
    "人次": "人次",
    "人": "人",
    "元": "元",
    "吨": "吨",
    "千瓦": "千瓦",
    "户": "户",
    "个": "个",
    "所": "所",
    "家": "家",
    "套": "套",
    "张": "张",
}

# Counting units only make a target with a verb or comparator (达到100个);
# a bare 5个城区 or 25个县市 is a count in running prose.
COUNT_UNITS = ("个", "所", "家", "套", "张", "户")

# Area units that become per-person when the name starts with 人均.
AREA_UNITS = ("平方米", "平方公里")

# A name with one of these words measures people, so a bare 10万 is 人.
PEOPLE_WORDS = ("人口", "人数")

# Name-leading verbs that leave no noun phrase (2020年实现600万…落户城镇);
# the name is then read from the words after the value.
EMPTY_NAME_VERBS = ("实现", "完成", "累计", "力争", "确保", "新增")

# Verbs that open a name whose noun comes after the value
# (承载全区80%左右的城镇人口 -> 承载全区城镇人口).
OBJECT_VERBS = ("承载", "吸纳", "容纳", "带动", "覆盖", "惠及", "转移")

_CONNECTORS = "和及与并且、,，:： \u3000"

_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_VALUE_RE = re.compile(
    rf"(?P<verb>{_alternation(VERB_COMPARATORS)})?\s*"
    r"(?<![A-Za-z\d.])(?P<num>\d+(?:\.\d+)?)(?![\d.])\s*"
    rf"(?P<mult>{_alternation(MULTIPLIERS)})?\s*"
    rf"(?P<unit>{_alternation(UNITS)})?\s*"
    rf"(?P<post>{_alternation(POST_COMPARATORS)})?"
)
# 20-50万, 5万乃至10万 and 2014-2020年 are ranges, not targets.
_RANGE_RE = re.compile(r"\d+(?:\.\d+)?\s*(?:万|亿)?\s*(?:[-－—–~～至]|乃至|或)\s*\d+(?:\.\d+)?")
_CLAUSE_RE = re.compile(r"[^。；;，,]+")
# A value glued to one of these is a date, an ordinal or a count word.
_NOT_A_MEASURE = tuple("年月日号届次批期世纪条")
_SPLIT_NAMES_RE = re.compile(r"[和及与、]")
_EACH_RE = re.compile(r"^各(?:设区市|市|县|地|城市|区)?")


@dataclass(frozen=True)
class Indicator:
    """One numeric target.

    ``value`` has multipliers applied and ``unit`` normalised (万人 -> 人);
    ``comparator`` is one of :data:`COMPARATORS`; ``text`` is the clause the
    target was read from; ``place`` is the place's short name for per-place
    targets.

    >>> parse_indicators("城镇新增就业人数320万人", year=2020)[0]
    Indicator(name='城镇新增就业人数', value=Decimal('3200000'), unit='人', comparator='reach', year=2020, text='城镇新增就业人数320万人', place=None)
    """

    name: str
    value: decimal.Decimal
    unit: str
    comparator: str
    year: int | None
    text: str
    place: str | None = None


def _decimal(number: str, multiplier: str | None) -> decimal.Decimal:
    """``number`` times its multiplier, in canonical form.

    >>> _decimal("700", "万"), _decimal("34.50", None), _decimal("1.5", "亿")
    (Decimal('7000000'), Decimal('34.5'), Decimal('150000000'))
    """
    value = decimal.Decimal(number) * MULTIPLIERS.get(multiplier or "", 1)
    # Canonical form: 7000000 not 7.0E+6, 34.5 not 34.50.
    if value == value.to_integral_value():
        return value.quantize(decimal.Decimal(1))
    return value.normalize()


def _comparator(verb: str | None, post: str | None, default: str = "reach") -> str:
    if post:
        return POST_COMPARATORS[post]
    if verb:
        return VERB_COMPARATORS[verb]
    return default


def _unit(unit: str | None, name: str) -> str:
    unit = UNITS.get(unit or "", "")
    if not unit and any(w in name for w in PEOPLE_WORDS):
        unit = "人"
    if unit in AREA_UNITS and name.startswith("人均"):
        unit += "/人"
    return unit


def _strip_date(name: str) -> str:
    dues = dates.find_dues(name)
    if dues and dues[0][1] == 0:
        return name[dues[0][2]:]
    return name


def _clean_name(name: str) -> str:
    name = name.strip(_CONNECTORS)
    name = _strip_date(name).strip(_CONNECTORS)
    return name


def _values(clause: str):
    """Yield ``(match, is_target, boundary)`` for every number in ``clause``.

    ``boundary`` is where the next name may start: after the value, or after
    the whole date expression when the number is part of one (2020年).
    """
    ranges = [m.span() for m in _RANGE_RE.finditer(clause)]
    date_spans = [(s, e) for _, s, e in dates.find_dues(clause)]
    for m in _VALUE_RE.finditer(clause):
        start = m.start("num")
        in_date = [e for s, e in date_spans if s <= start < e]
        if in_date:
            yield m, False, max(in_date[0], m.end())
            continue
        in_range = any(a <= start < b for a, b in ranges)
        after = clause[m.end("num"):m.end("num") + 2].lstrip()
        glued = not m["mult"] and not m["unit"] and after.startswith(_NOT_A_MEASURE)
        bare = not (m["verb"] or m["post"] or m["mult"] or (m["unit"] and m["unit"] not in COUNT_UNITS))
        yield m, not (in_range or glued or bare), m.end()


def parse_indicators(text: str, year: int | None = None) -> list[Indicator]:
    """Every numeric target in ``text`` (a target sentence), in order.

    The name is the noun phrase before the comparator verb, with connectors
    and a leading date removed.  ``A和B均达到95%`` gives one indicator for A
    and one for B.  Ranges (20-50万), dates and bare counts (5个城区) are not
    targets.

    >>> [(i.name, i.value) for i in parse_indicators("城镇污水处理率和生活垃圾无害化处理率均达到95%")]
    [('城镇污水处理率', Decimal('95')), ('生活垃圾无害化处理率', Decimal('95'))]
    >>> [(i.value, i.unit, i.comparator) for i in parse_indicators("人均城镇建设用地控制在110平方米以内")]
    [(Decimal('110'), '平方米/人', 'at-most')]
    """
    norm = text.translate(_FULLWIDTH)
    found = []
    for clause_m in _CLAUSE_RE.finditer(norm):
        clause = clause_m.group()
        written = text[clause_m.start():clause_m.end()].strip()
        boundary = 0
        for m, is_target, next_boundary in _values(clause):
            value_start = m.start("verb") if m["verb"] else m.start("num")
            raw_name = clause[boundary:value_start]
            boundary = next_boundary
            if not is_target:
                continue
            name = _clean_name(raw_name)
            rest = clause[m.end():].strip(_CONNECTORS)
            names = [name]
            if name.endswith(("均", "都", "分别")):
                # A和B均达到95%: the value applies to each listed measure.
                name = re.sub(r"(均|都|分别)$", "", name)
                names = [n.strip(_CONNECTORS) for n in _SPLIT_NAMES_RE.split(name) if n.strip(_CONNECTORS)]
            elif not name or name in EMPTY_NAME_VERBS:
                # 实现600万左右符合条件的农业转移人口落户城镇: the noun follows the value.
                names = [rest.removeprefix("的")]
            elif name.startswith(OBJECT_VERBS) and rest.startswith("的"):
                # 承载全区80%左右的城镇人口: verb phrase before, noun after.
                names = [name + rest[1:]]
            for n in names:
                if not n:
                    continue
                found.append(
                    Indicator(
                        name=n,
                        value=_decimal(m["num"], m["mult"]),
                        unit=_unit(m["unit"], n),
                        comparator=_comparator(m["verb"], m["post"]),
                        year=year,
                        text=written,
                    )
                )
    return found


# An unregistered place is accepted only if it looks like a place name.
_PLACE_LIKE_RE = re.compile(r"[\u4e00-\u9fff]{2,4}(?:市|县|区|州|盟)?")


def _place_name(raw: str, gazetteer) -> str | None:
    """Short name of the place written ``raw``, or None if it is not a place."""
    place = gazetteer.lookup(raw)
    if place is not None:
        return place.short_zh
    if _PLACE_LIKE_RE.fullmatch(raw):
        return raw.removesuffix("市")
    return None


def parse_place_targets(text: str, year: int | None = None) -> list[Indicator]:
    """One indicator per place in a per-place target list.

    The measure is named once, before the list (``到2020年各市城区人口规模``,
    with the date and the distributive 各市 removed); each comma part then
    gives places (joined by 、/和) and a value.  A part whose subject is not a
    place (平均每个县城建成区人口规模达到10万) gives nothing.  A bare value takes the verb
    of the part before it (``柳州达到210万,桂林130万``: 桂林 reaches 130万),
    or "reach" when none came before.  ``place`` is the place's short name.

    >>> [(i.place, i.value, i.comparator) for i in parse_place_targets(
    ...     "各市城区人口规模,南宁超过300万,柳州达到210万,梧州、玉林100万")]
    [('南宁', Decimal('3000000'), 'exceed'), ('柳州', Decimal('2100000'), 'reach'), ('梧州', Decimal('1000000'), 'reach'), ('玉林', Decimal('1000000'), 'reach')]
    """
    norm = text.translate(_FULLWIDTH)
    gazetteer = places.default_gazetteer()
    name = ""
    last_verb = None
    found = []
    for clause_m in _CLAUSE_RE.finditer(norm):
        clause = clause_m.group().strip()
        written = text[clause_m.start():clause_m.end()].strip()
        targets = [m for m, ok, _ in _values(clause) if ok]
        if not targets:
            if not found:  # the heading that names the measure
                name = _EACH_RE.sub("", _clean_name(clause))
            continue
        m = targets[0]
        value_start = m.start("verb") if m["verb"] else m.start("num")
        if m["verb"]:
            last_verb = m["verb"]
        comparator = _comparator(last_verb, m["post"])
        for raw in _SPLIT_NAMES_RE.split(clause[:value_start]):
            raw = raw.strip(_CONNECTORS)
            if not raw:
                continue
            short = _place_name(raw, gazetteer)
            if short is None:
                continue
            found.append(
                Indicator(
                    name=name,
                    value=_decimal(m["num"], m["mult"]),
                    unit=_unit(m["unit"], name),
                    comparator=comparator,
                    year=year,
                    text=written,
                    place=short,
                )
            )
    return found
