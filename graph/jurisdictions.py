"""Which government a document or an agency belongs to.

The jurisdiction of a plan comes from its issuer (国务院 → ``cn``, 广西壮族自治区人民政府办公厅
→ ``gx``, 广州市人民政府 → the key of 广州市 in the gazetteer), else from the
abbreviation that opens its document number (国办发 → ``cn``, 穗府办 → ``guangzhou``).
Agencies are scoped by it: the 发展改革委 of a State Council document and of a
Guangxi document are two agencies.

A name may also carry its own jurisdiction at the front: in a 广州市 document
``省发展改革委`` is Guangdong's, ``国家发展改革委`` the national one, ``越秀区`` the
district itself. :func:`prefix_scope` reads that prefix; the generic words
(国家, 省, 自治区, 市, 区, 县 …) are data, in ``fengong/data/jurisdiction_words.csv``.

A document whose issuer is not recognised gets a jurisdiction of its own
(:func:`document_scope`), so that its 发展改革委 never merges silently with the
national one.

>>> from fengong.places import default_gazetteer
>>> gaz = default_gazetteer()
>>> jurisdiction_of("国务院办公厅", gaz)
'cn'
>>> jurisdiction_of("广西壮族自治区人民政府办公厅", gaz)
'gx'
>>> prefix_scope("省发展改革委", "guangzhou", gaz)
Scope(jurisdiction='gd', length=1, level='provincial', keep=False)
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from importlib import resources

__all__ = [
    "jurisdiction_of",
    "from_doc_number",
    "prefix_scope",
    "document_scope",
    "is_document_scope",
    "Scope",
    "NATIONAL_ISSUERS",
    "name_prefixes",
]

#: Issuers whose documents are national (central government and Party centre).
NATIONAL_ISSUERS = re.compile(r"^(国务院|中共中央|中央|国家|全国)")

# The level a generic prefix names, as an administrative level (fg:LevelScheme notation).
_LEVEL_OF_TARGET = {
    "country": "national",
    "province": "provincial",
    "autonomous-region": "provincial",
    "prefecture": "prefectural",
    "district": "county",
    "county": "county",
}


@dataclass(frozen=True)
class Scope:
    """The jurisdiction a name's prefix points at, how long the prefix is, and its level.

    ``jurisdiction`` is ``None`` when the prefix names a level the document's own
    jurisdiction cannot place (``省`` in a national document).
    """

    jurisdiction: str | None
    length: int
    level: str | None
    keep: bool = False  # the prefix is part of the name (省委农办: 委 stays), so it is not stripped


@functools.lru_cache(maxsize=1)
def _words() -> tuple[list[tuple[re.Pattern, str]], list[tuple[str, str]]]:
    text = (resources.files("fengong.data") / "jurisdiction_words.csv").read_text("utf-8")
    prefixes, numbers = [], []
    for row in csv.DictReader(text.splitlines()):
        if row["use"] == "name-prefix":
            prefixes.append((re.compile(row["pattern"]), row["target"], row["strip"] != "no"))
        elif row["use"] == "doc-number":
            numbers.append((row["pattern"], row["target"]))
    numbers.sort(key=lambda r: -len(r[0]))
    return prefixes, numbers


def name_prefixes() -> list[tuple[re.Pattern, str]]:
    """The generic name prefixes that are stripped from names (regex, target level word), in order.

    >>> [t for p, t in name_prefixes() if p.match("省发展改革委")]
    ['province']
    >>> [t for p, t in name_prefixes() if p.match("市场监管局")]
    []
    """
    return list(_stripped_prefixes())


@functools.lru_cache(maxsize=1)
def _stripped_prefixes() -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((p, t) for p, t, strip in _words()[0] if strip)


def jurisdiction_of(name: str, gazetteer, default: str | None = "cn") -> str | None:
    """The key of the place whose government issued *name*, or *default*.

    >>> from fengong.places import default_gazetteer
    >>> jurisdiction_of("广州市人民政府办公厅", default_gazetteer())
    'guangzhou'
    >>> jurisdiction_of("某某集团有限公司", default_gazetteer(), default=None) is None
    True
    """
    if NATIONAL_ISSUERS.match(name):
        return "cn"
    best = None
    for place, start, end in gazetteer.find(name):
        if start == 0 and (best is None or end > best[1]):
            best = (place.key, end)
    if best:
        return best[0]
    place = gazetteer.lookup(re.sub(r"(人民政府|政府).*$", "", name))
    return place.key if place else default


def from_doc_number(doc_number: str | None, gazetteer=None) -> str | None:
    """The jurisdiction named by the abbreviation that opens a document number.

    >>> from_doc_number("桂政办发〔2014〕94号"), from_doc_number("国办发〔2019〕3号"), from_doc_number("穗府办〔2019〕8号")
    ('gx', 'cn', 'guangzhou')
    >>> from_doc_number("某发〔2019〕1号") is None
    True
    """
    if not doc_number:
        return None
    for word, key in _words()[1]:
        if doc_number.startswith(word):
            if gazetteer is not None and key not in gazetteer:
                return None
            return key
    return None


def _ancestor_or_self(jurisdiction: str, gazetteer, target: str) -> str | None:
    try:
        chain = [gazetteer.get(jurisdiction), *gazetteer.ancestors(jurisdiction)]
    except KeyError:
        return "cn" if target == "country" else None
    for place in chain:
        if target == "country" and place.type == "country":
            return place.key
        if target == "province" and place.type == "province":
            return place.key
        if target == "autonomous-region" and place.type == "province" and place.name_zh.endswith("自治区"):
            return place.key
        if target == "prefecture" and (
            place.type == "prefecture" or (place.type == "province" and place.name_zh.endswith("市"))
        ):
            return place.key
        if target == "district" and place.type in ("district", "new-area"):
            return place.key
        if target == "county" and place.type in ("county", "county-level-city"):
            return place.key
    return None


def prefix_scope(name: str, jurisdiction: str, gazetteer) -> Scope:
    """The jurisdiction named at the front of an agency name, for a document of *jurisdiction*.

    A place name (广东省, 广州市, 越秀区) names that place; a generic word names the
    enclosing government of that level (``省`` in a 广州市 document is Guangdong).
    A name without a prefix gives ``Scope(None, 0, None)``.

    >>> from fengong.places import default_gazetteer
    >>> gaz = default_gazetteer()
    >>> prefix_scope("国家发展改革委", "gx", gaz)
    Scope(jurisdiction='cn', length=2, level='national', keep=False)
    >>> prefix_scope("自治区卫生计生委", "gx", gaz)
    Scope(jurisdiction='gx', length=3, level='provincial', keep=False)
    >>> prefix_scope("越秀区", "guangzhou", gaz)
    Scope(jurisdiction='yuexiu', length=3, level='county', keep=False)
    >>> prefix_scope("市场监管局", "guangzhou", gaz)
    Scope(jurisdiction=None, length=0, level=None, keep=False)
    >>> prefix_scope("省发展改革委", "cn", gaz)
    Scope(jurisdiction=None, length=1, level='provincial', keep=False)
    >>> prefix_scope("省委宣传部", "guangzhou", gaz).jurisdiction
    'gd'
    """
    for place, start, end in gazetteer.find(name):
        if start == 0:
            return Scope(place.key, end, _place_level(place))
        break
    for pattern, target, strip in _words()[0]:
        m = pattern.match(name)
        if m and len(name) > m.end():
            return Scope(_ancestor_or_self(jurisdiction, gazetteer, target), m.end(), _LEVEL_OF_TARGET[target], not strip)
    return Scope(None, 0, None)


def _place_level(place) -> str:
    return {
        "country": "national",
        "province": "provincial",
        "prefecture": "prefectural",
    }.get(place.type, "county")


def document_scope(slug: str) -> str:
    """The jurisdiction key of a document whose issuer is not recognised.

    >>> document_scope("my-plan")
    'doc-my-plan'
    """
    return f"doc-{slug}"


def is_document_scope(jurisdiction: str) -> bool:
    """Whether *jurisdiction* was made for one document (see :func:`document_scope`).

    >>> is_document_scope("doc-my-plan"), is_document_scope("gx")
    (True, False)
    """
    return jurisdiction.startswith("doc-")
