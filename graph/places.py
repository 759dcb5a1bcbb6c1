"""Place registry: administrative divisions named in task-allocation plans.

The registry lives in ``fengong/data/places.csv`` (one row per place, columns
``key,name_zh,short_zh,name_en,type,division_code,parent,aliases``).  A
:class:`Gazetteer` loads it, resolves a written name to a :class:`Place`, and
finds every place mentioned in a piece of task text.

Division codes are the GB/T 2260 codes in force in 2014; places without a
code (new areas, the country) are identified by their registry key.

>>> gaz = default_gazetteer()
>>> gaz.lookup("南宁").division_code
'450100'
>>> [(p.key, s, e) for p, s, e in gaz.find("抓好南宁、柳州鱼峰区试点")]
[('nanning', 2, 4), ('yufeng', 5, 10)]
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterator

__all__ = [
    "PLACE_TYPES",
    "Place",
    "Gazetteer",
    "default_gazetteer",
]

#: Allowed values of :attr:`Place.type`, broadest first.
PLACE_TYPES = (
    "country",
    "province",
    "prefecture",
    "county-level-city",
    "county",
    "district",
    "new-area",
)

# A place name directly followed by one of these is part of an agency or
# enterprise name (南宁铁路局, 南宁海关, 国家开发银行广西分行), not a place.
AGENCY_SUFFIXES = (
    "铁路局",
    "海关",
    "分行",
    "支行",
    "银监局",
    "保监局",
    "证监局",
    "博览局",
    "机场管理集团",
)

# Words that contain a place name without mentioning the place (金融安全
# contains 融安, 重大新兴 contains 大新, the 宽带中国 strategy names China);
# a match inside one of these is skipped.
FALSE_FRIENDS = (
    "宽带中国",
    "金融安",
    "重大新",
    "扩大新",
    "加大新",
    "大新型",
    "大新兴",
    "大新增",
    "南北流",
    "沿海南",
)

_CSV_COLUMNS = ("key", "name_zh", "short_zh", "name_en", "type", "division_code", "parent", "aliases")


@dataclass(frozen=True)
class Place:
    """One administrative division (or new area) in the registry.

    ``division_code`` and ``parent`` are ``None`` when unknown or not
    applicable; ``aliases`` holds every other accepted written form.

    >>> p = Place("nanning", "南宁市", "南宁", "Nanning", "prefecture", "450100", "gx", ())
    >>> p.names
    ('南宁市', '南宁')
    """

    key: str
    name_zh: str
    short_zh: str
    name_en: str
    type: str
    division_code: str | None
    parent: str | None
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every written form: full name, short name, then aliases (no repeats).

        >>> Place("hengxian", "横县", "横县", "Heng County", "county", "450127", "nanning", ("横州市",)).names
        ('横县', '横州市')
        """
        return tuple(dict.fromkeys((self.name_zh, self.short_zh, *self.aliases)))


class Gazetteer:
    """A set of places indexed by key and by every written name.

    >>> gaz = Gazetteer([Place("gx", "广西壮族自治区", "广西", "Guangxi", "province", "450000", None)])
    >>> gaz.lookup("广西").key
    'gx'
    >>> len(gaz)
    1
    """

    def __init__(self, places):
        self._by_key: dict[str, Place] = {}
        self._by_name: dict[str, Place] = {}
        for place in places:
            if place.key in self._by_key:
                raise ValueError(f"duplicate place key {place.key!r}")
            if place.type not in PLACE_TYPES:
                raise ValueError(f"place {place.key!r}: unknown type {place.type!r}")
            self._by_key[place.key] = place
            for name in place.names:
                other = self._by_name.get(name)
                # An ambiguous name would make lookup() silently pick one place.
                if other is not None and other.key != place.key:
                    raise ValueError(f"name {name!r} is used by both {other.key!r} and {place.key!r}")
                self._by_name[name] = place
        for place in self._by_key.values():
            if place.parent is not None and place.parent not in self._by_key:
                raise ValueError(f"place {place.key!r}: unknown parent {place.parent!r}")
        # Single characters (横, 桂) are never matched in running text.
        self._matchable = {n: p for n, p in self._by_name.items() if len(n) >= 2}
        # Name lengths by first character, longest first, and a pattern that jumps to
        # the next character that can open a name: find() then skips the rest of the
        # text instead of trying every length at every position.
        lengths: dict[str, set[int]] = {}
        for n in self._matchable:
            lengths.setdefault(n[0], set()).add(len(n))
        self._lengths = {ch: tuple(sorted(ls, reverse=True)) for ch, ls in lengths.items()}
        self._opener = re.compile("[" + "".join(map(re.escape, sorted(self._lengths))) + "]") if lengths else None

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Gazetteer":
        """Read a registry CSV (default: the bundled ``places.csv``).

        >>> Gazetteer.load().get("gx").division_code
        '450000'
        """
        if path is None:
            text = resources.files("fengong.data").joinpath("places.csv").read_text(encoding="utf-8")
            source = "places.csv"
        else:
            text = Path(path).read_text(encoding="utf-8")
            source = str(path)
        reader = csv.DictReader(io.StringIO(text))
        if tuple(reader.fieldnames or ()) != _CSV_COLUMNS:
            raise ValueError(f"{source}: expected columns {','.join(_CSV_COLUMNS)}")
        places = []
        for row in reader:
            places.append(
                Place(
                    key=row["key"].strip(),
                    name_zh=row["name_zh"].strip(),
                    short_zh=row["short_zh"].strip() or row["name_zh"].strip(),
                    name_en=row["name_en"].strip(),
                    type=row["type"].strip(),
                    division_code=row["division_code"].strip() or None,
                    parent=row["parent"].strip() or None,
                    aliases=tuple(a.strip() for a in row["aliases"].split("|") if a.strip()),
                )
            )
        return cls(places)

    def __len__(self) -> int:
        return len(self._by_key)

    def __iter__(self) -> Iterator[Place]:
        return iter(self._by_key.values())

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def get(self, key: str) -> Place:
        """The place with registry key ``key``; ``KeyError`` if absent.

        >>> default_gazetteer().get("wuming").name_en
        'Wuming County'
        """
        return self._by_key[key]

    def lookup(self, name: str) -> Place | None:
        """The place written as ``name`` (full name, short name or alias), else ``None``.

        >>> default_gazetteer().lookup("柳州鱼峰区").key
        'yufeng'
        >>> default_gazetteer().lookup("横") is None
        True
        """
        return self._by_name.get(name.strip())

    def by_code(self, code: str) -> Place | None:
        """The place with division code ``code``, else ``None``.

        >>> default_gazetteer().by_code("451424").short_zh
        '大新'
        """
        for place in self._by_key.values():
            if place.division_code == code:
                return place
        return None

    def ancestors(self, place: Place | str) -> list[Place]:
        """The chain of enclosing places, nearest first (parent, grandparent, ...).

        >>> [p.key for p in default_gazetteer().ancestors("wuxiang-new-area")]
        ['nanning', 'gx', 'cn']
        """
        if isinstance(place, str):
            place = self.get(place)
        chain = []
        seen = {place.key}
        while place.parent is not None:
            place = self._by_key[place.parent]
            if place.key in seen:  # a cycle in the data would loop forever
                raise ValueError(f"cycle in place parents at {place.key!r}")
            seen.add(place.key)
            chain.append(place)
        return chain

    def find(self, text: str) -> list[tuple[Place, int, int]]:
        """Every place mentioned in ``text``, as ``(place, start, end)`` in text order.

        Scans left to right taking the longest name at each position, so
        matches never overlap: 南宁五象新区 is the new area (not 南宁 plus
        五象新区) and 防城港 is never read as 防城.  Names of one character,
        names followed by an agency suffix (南宁海关) and names inside a known
        common word (金融安全) are skipped.

        >>> [(p.short_zh, s, e) for p, s, e in default_gazetteer().find("南宁五象新区、防城港和南宁海关")]
        [('五象新区', 0, 6), ('防城港', 7, 10)]
        """
        found = []
        if self._opener is None:
            return found
        n = len(text)
        matchable, lengths, search = self._matchable, self._lengths, self._opener.search
        m = search(text)
        while m is not None:
            i = m.start()
            hit = None
            for length in lengths[text[i]]:
                if length > n - i:
                    continue
                place = matchable.get(text[i : i + length])
                if place is not None and not self._blocked(text, i, i + length):
                    hit = (place, i, i + length)
                    break
            if hit is None:
                m = search(text, i + 1)
            else:
                found.append(hit)
                m = search(text, hit[2])
        return found

    @staticmethod
    def _blocked(text: str, start: int, end: int) -> bool:
        if text.startswith(AGENCY_SUFFIXES, end):
            return True
        name = text[start:end]
        for word in FALSE_FRIENDS:
            at = word.find(name)
            while at >= 0:
                if start - at >= 0 and text.startswith(word, start - at):
                    return True
                at = word.find(name, at + 1)
        return False


@functools.lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The bundled registry, loaded once.

    >>> default_gazetteer() is default_gazetteer()
    True
    """
    return Gazetteer.load()
