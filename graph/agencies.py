"""Agencies: splitting lists of names and resolving each name to one actor.

Two jobs, both driven by data files in ``fengong/data``:

* :func:`split_actors` cuts a list such as ``自治区发展改革委、财政厅,各市、县(市、区)人民政府``
  into names, never splitting a collective actor on the 、 inside or before
  its parentheses.
* :class:`Registry` resolves each name, within a jurisdiction, to one
  :class:`Actor`: ``卫生计生委`` and ``自治区卫生计生委`` are one agency;
  ``水利局`` in the Guangxi plan is the 水利厅. A name the registry does not
  know becomes a new actor (``known=False``); the caller reports it as a
  warning and never drops it.

>>> [p.surface for p in split_actors("财政厅,各市、县(市、区)人民政府")]
['财政厅', '各市、县(市、区)人民政府']
>>> reg = default_registry()
>>> reg.resolve("卫生计生委", "gx") == reg.resolve("自治区卫生计生委", "gx")
True
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from . import places as _places

__all__ = [
    "Actor",
    "Piece",
    "Registry",
    "split_actors",
    "normalise_name",
    "default_registry",
    "KINDS",
    "LEVELS",
]

#: Kinds of actor (skos:notation of fg:AgencyKindScheme concepts); ``post`` is a person's position.
KINDS = (
    "department",
    "commission",
    "bureau",
    "office",
    "local-government",
    "local-government-collective",
    "department-collective",
    "central-branch",
    "state-enterprise",
    "leading-group",
    "public-institution",
    "other",
    "post",
)
#: Administrative levels (skos:notation of fg:LevelScheme concepts).
LEVELS = ("national", "provincial", "prefectural", "county")

_LEVEL_OF_PLACE = {
    "country": "national",
    "province": "provincial",
    "prefecture": "prefectural",
    "county-level-city": "county",
    "county": "county",
    "district": "county",
    "new-area": "county",
}


@dataclass(frozen=True)
class Actor:
    """An agency, a collective of governments or departments, or a post."""

    key: str
    jurisdiction: str
    kind: str
    level: str
    name_zh: str
    short_zh: str
    name_en: str | None = None
    known: bool = True
    aliases: tuple[str, ...] = field(default=(), compare=False)

    @property
    def id(self) -> str:
        """Stable identifier, unique across jurisdictions (``gx-housing``)."""
        return f"{self.jurisdiction}-{self.key}"

    @property
    def collective(self) -> bool:
        return self.kind in ("local-government-collective", "department-collective")

    @property
    def is_post(self) -> bool:
        return self.kind == "post"


@dataclass(frozen=True)
class Piece:
    """One name cut out of a list, with offsets into the list's text."""

    surface: str
    start: int
    end: int


_OPEN = "(（《“「‘"
_CLOSE = ")）》”」’"
_SEPARATORS = "、,，;；"
# A bare administrative word ("各市", "相关市", "各区") joined by 、 to another
# ("县(市、区)人民政府", "县级市") is one collective actor, not two names.
_ADMIN_HEAD = re.compile(r"^(各有关|各|相关|有关)?[省市县区地州盟乡镇]{1,2}$")
_ADMIN_TAIL = re.compile(r"^(县级市|[省市县区州盟乡镇])")
_EACH_HEAD = re.compile(r"^各(地|级|市|区)$")  # 各地、各部门 is one collective
# Verbs and fillers that close a list in prose (X、Y等按职责分工负责).
_TRAILERS = re.compile(r"(等(部门|单位)?|按职责分工|分别|共同|负责|牵头|配合|参与)+$")


def split_actors(text: str) -> list[Piece]:
    """Split a list of actor names on 、 , ， ; ； outside brackets and quotes.

    >>> [p.surface for p in split_actors("住房城乡建设厅、相关县(市、区)人民政府")]
    ['住房城乡建设厅', '相关县(市、区)人民政府']
    >>> [p.surface for p in split_actors("自治区“美丽办”、农业厅")]
    ['自治区“美丽办”', '农业厅']
    >>> [p.surface for p in split_actors("各区、县级市，各地、各部门")]
    ['各区、县级市', '各地、各部门']
    """
    pieces: list[Piece] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in _SEPARATORS and depth == 0:
            head = text[start:i].strip()
            rest = text[i + 1 :].lstrip()
            if ch == "、" and (
                (_ADMIN_HEAD.match(head) and _ADMIN_TAIL.match(rest))
                or (_EACH_HEAD.match(head) and rest.startswith("各"))
            ):
                continue
            _add_piece(pieces, text, start, i)
            start = i + 1
    _add_piece(pieces, text, start, len(text))
    return pieces


def _add_piece(pieces: list[Piece], text: str, start: int, end: int) -> None:
    raw = text[start:end]
    lead = len(raw) - len(raw.lstrip(" \u3000\t"))
    surface = raw.strip(" \u3000\t。.")
    trimmed = _TRAILERS.sub("", surface) or surface
    if trimmed:
        s = start + lead
        pieces.append(Piece(trimmed, s, s + len(trimmed)))


_QUOTES = str.maketrans("", "", "“”\"'‘’「」")


def normalise_name(name: str) -> str:
    """Fold a surface form for lookup: NFKC (full-width → ASCII), no quotes or spaces.

    >>> normalise_name("自治区“美丽办”")
    '自治区美丽办'
    >>> normalise_name("相关县（市、区）人民政府")
    '相关县(市、区)人民政府'
    """
    folded = unicodedata.normalize("NFKC", name).translate(_QUOTES)
    return re.sub(r"\s+", "", folded)


def _slug(text: str) -> str:
    from pypinyin import lazy_pinyin  # imported late: only unknown names need it

    parts = lazy_pinyin(text, errors=lambda s: [c for c in s if c.isalnum()])
    slug = re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")
    return slug or "unnamed"


_POST = re.compile(r"(分管|协管|常务|主管)?副?(省长|市长|区长|县长|州长|主席|秘书长|副秘书长)$")
_KIND_BY_SUFFIX = (
    ("领导小组办公室", "office"),
    ("领导小组", "leading-group"),
    ("人民政府", "local-government"),
    ("政府", "local-government"),
    ("委员会", "commission"),
    ("办公室", "office"),
    ("分行", "state-enterprise"),
    ("集团", "state-enterprise"),
    ("公司", "state-enterprise"),
    ("铁路局", "state-enterprise"),
    ("海关", "central-branch"),
    ("厅", "department"),
    ("部", "department"),
    ("委", "commission"),
    ("局", "bureau"),
    ("署", "bureau"),
    ("办", "office"),
)


def guess_kind(name: str) -> str:
    """Kind of an unregistered actor, from its wording.

    >>> guess_kind("各有关部门和单位"), guess_kind("分管副省长"), guess_kind("市交通运输局")
    ('department-collective', 'post', 'bureau')
    """
    if re.match(r"^(各有关|各|相关|有关)", name):
        return "local-government-collective" if "政府" in name or _ADMIN_HEAD.match(name[:3]) else "department-collective"
    if _POST.search(name):
        return "post"
    for suffix, kind in _KIND_BY_SUFFIX:
        if name.endswith(suffix):
            return kind
    return "other"


class Registry:
    """Known actors by jurisdiction, with every alias, read from CSV.

    ``agencies.csv`` columns: ``key,jurisdiction,kind,level,name_zh,short_zh,name_en,aliases``
    (aliases separated by ``|``); ``agency_terms.csv`` maps name endings to English
    for actors the registry does not know.
    """

    def __init__(self, rows: list[dict[str, str]], terms: list[tuple[str, str]], gazetteer=None):
        self.gazetteer = gazetteer or _places.default_gazetteer()
        self._by_name: dict[tuple[str, str], Actor] = {}
        self.actors: list[Actor] = []
        self._terms = sorted(terms, key=lambda t: -len(t[0]))
        self._new: dict[tuple[str, str], Actor] = {}
        for row in rows:
            aliases = tuple(a for a in (row.get("aliases") or "").split("|") if a)
            actor = Actor(
                key=row["key"],
                jurisdiction=row["jurisdiction"],
                kind=row["kind"],
                level=row["level"],
                name_zh=row["name_zh"],
                short_zh=row["short_zh"] or row["name_zh"],
                name_en=row.get("name_en") or None,
                known=True,
                aliases=aliases,
            )
            self.actors.append(actor)
            for name in (actor.name_zh, actor.short_zh, *aliases):
                for form in self._forms(name, actor.jurisdiction):
                    self._by_name.setdefault((actor.jurisdiction, form), actor)

    @classmethod
    def load(cls, agencies: str | Path | None = None, terms: str | Path | None = None) -> "Registry":
        """Read the registry; by default the files shipped in ``fengong.data``."""
        data = resources.files("fengong.data")
        a_text = Path(agencies).read_text("utf-8") if agencies else (data / "agencies.csv").read_text("utf-8")
        t_text = Path(terms).read_text("utf-8") if terms else (data / "agency_terms.csv").read_text("utf-8")
        rows = list(csv.DictReader(a_text.splitlines()))
        term_rows = [(r["suffix_zh"], r["name_en"]) for r in csv.DictReader(t_text.splitlines())]
        return cls(rows, term_rows)

    # -- names -------------------------------------------------------------
    def prefixes(self, jurisdiction: str) -> list[str]:
        """Words that name the jurisdiction at the front of an agency name, longest first.

        >>> p = default_registry().prefixes("gx")
        >>> p[0], "自治区" in p, "广西" in p
        ('广西壮族自治区', True, True)
        """
        try:
            place = self.gazetteer.get(jurisdiction)
        except KeyError:
            return []
        words = {place.name_zh, place.short_zh, *place.aliases}
        generic = {"province": ("省", "自治区"), "prefecture": ("市",), "county": ("县",), "district": ("区",)}
        if place.name_zh.endswith("自治区"):
            words.add("自治区")
        elif place.type == "province" and place.name_zh.endswith("市"):
            words.add("市")  # municipalities: 北京市发展改革委 / 市发展改革委
        else:
            words.update(generic.get(place.type, ()))
        if place.type == "country":
            words = {"国家", "国务院"} - {""}
        return sorted((w for w in words if w), key=len, reverse=True)

    def _forms(self, name: str, jurisdiction: str) -> list[str]:
        base = normalise_name(name)
        forms = [base]
        for prefix in self.prefixes(jurisdiction):
            if base.startswith(prefix) and len(base) > len(prefix) + 1:
                forms.append(base[len(prefix) :])
                break
        return forms

    def lookup(self, surface: str, jurisdiction: str) -> Actor | None:
        """The registered actor for *surface* in *jurisdiction*, or ``None``."""
        for form in self._forms(surface, jurisdiction):
            found = self._by_name.get((jurisdiction, form))
            if found:
                return found
        return None

    def resolve(self, surface: str, jurisdiction: str, prefix_from: str | None = None) -> Actor:
        """Resolve a surface form to an actor; unknown names become new actors.

        *prefix_from* is the previous name in the same list: in
        ``广西银监局、保监局`` the second name shares the prefix 广西.

        >>> reg = default_registry()
        >>> reg.resolve("水利局", "gx").short_zh
        '水利厅'
        >>> a = reg.resolve("自治区扶贫开发工作领导小组", "gx")
        >>> (a.known, a.kind, a.jurisdiction)
        (False, 'leading-group', 'gx')
        """
        found = self.lookup(surface, jurisdiction)
        if found:
            return found
        name = normalise_name(surface)
        if prefix_from:
            prev = normalise_name(prefix_from)
            for prefix in self.prefixes(jurisdiction):
                if prev.startswith(prefix) and not name.startswith(prefix):
                    inherited = self.lookup(prefix + name, jurisdiction)
                    if inherited:
                        return inherited
                    break
        return self._new_actor(name, jurisdiction)

    def _new_actor(self, name: str, jurisdiction: str) -> Actor:
        core = self._forms(name, jurisdiction)[-1]
        cached = self._new.get((jurisdiction, core))
        if cached:
            return cached
        kind = guess_kind(core)
        place = self.gazetteer.lookup(core)
        if place is not None and kind in ("other", "local-government"):
            kind = "local-government"  # a district or city taking on a task (越秀区)
        level = self._level(core, kind, jurisdiction, place)
        actor = Actor(
            key=_slug(core),
            jurisdiction=jurisdiction,
            kind=kind,
            level=level,
            name_zh=name,
            short_zh=core,
            name_en=self._english(core, jurisdiction, place),
            known=False,
        )
        self._new[(jurisdiction, core)] = actor
        return actor

    def _level(self, core: str, kind: str, jurisdiction: str, place) -> str:
        if place is not None:
            return _LEVEL_OF_PLACE.get(place.type, "county")
        if kind == "local-government-collective":
            return "county" if re.match(r"^(各有关|各|相关|有关)?[县区]", core) else "prefectural"
        try:
            return _LEVEL_OF_PLACE.get(self.gazetteer.get(jurisdiction).type, "provincial")
        except KeyError:
            return "provincial"

    def _english(self, core: str, jurisdiction: str, place) -> str | None:
        if place is not None:
            return place.name_en
        for suffix, english in self._terms:
            if core.endswith(suffix):
                try:
                    where = self.gazetteer.get(jurisdiction).name_en
                except KeyError:
                    where = ""
                return f"{where} {english}".strip()
        return None


@functools.lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The registry shipped with fengong (cached)."""
    return Registry.load()
