"""Agencies: splitting lists of names and resolving each name to one actor.

Two jobs, both driven by data files in ``fengong/data``:

* :func:`split_actors` cuts a list such as ``自治区发展改革委、财政厅,各市、县(市、区)人民政府``
  into names, never splitting a collective actor on the 、 inside or before
  its parentheses.
* :class:`Registry` resolves each name, within a jurisdiction, to one
  :class:`Actor`: ``卫生计生委`` and ``自治区卫生计生委`` are one agency;
  ``水利局`` in the Guangxi plan is the 水利厅. A name may name its own
  jurisdiction (``省发展改革委`` in a 广州市 document is Guangdong's, see
  :mod:`fengong.jurisdictions`). A name the registry does not know becomes a
  new actor (``known=False``) whose kind comes from ``actor_patterns.csv``
  (collectives such as 各有关部门和单位, posts such as 分管副省长, local
  governments such as 越秀区) or from its ending (厅, 局, 委 …); the caller
  reports it as a warning and never drops it.

>>> [p.surface for p in split_actors("财政厅,各市、县(市、区)人民政府")]
['财政厅', '各市、县(市、区)人民政府']
>>> reg = default_registry()
>>> reg.resolve("卫生计生委", "gx") == reg.resolve("自治区卫生计生委", "gx")
True
"""

from __future__ import annotations

import csv
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from . import FengongError
from . import places as _places
from .jurisdictions import Scope, name_prefixes, prefix_scope

__all__ = [
    "Actor",
    "Piece",
    "Registry",
    "split_actors",
    "actor_spans",
    "normalise_name",
    "default_registry",
    "guess_kind",
    "looks_like_actor",
    "actor_patterns",
    "canonical_name",
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
# A bare administrative word ("各市", "相关市", "各省", "自治区") joined by 、 to another
# ("县(市、区)人民政府", "县级市", "直辖市人民政府") is one collective actor, not two names.
_ADMIN_HEAD = re.compile(r"^(各有关|各|相关|有关)?(自治区|直辖市|县级市|[省市县区地州盟乡镇]{1,2})$")
_ADMIN_TAIL = re.compile(r"^(县级市|自治区|直辖市|自治州|[省市县区州盟乡镇])")
# 各地、各部门 / 各地区、各部门 / 各市、各县 are one collective each.
_EACH_HEAD = re.compile(r"^各(地|地区|级|市|区|县|省|部门)$")
# Verbs and fillers that close a list in prose (X、Y等按职责分工负责).
_TRAILERS = re.compile(r"(等(部门|单位|机构)?|按职责分工|按职责|分别|共同|负责|牵头|配合|参与|参加)+$")
# Words that open a list item in prose but are not part of the name (由X牵头).
_LEADERS = re.compile(r"^(由|请|并由)")
# Where one name ends and a conjunction (等, 和, 及 …) may start another.
_AGENCY_END = re.compile(r"(部门|单位|委员会|委|厅|局|办|部|署|政府|会|室|行|司|院|队|所|中心|集团|公司|兵团|区|县|市)$")
_CONJUNCTION = re.compile(r"等和|等及|等以及|等|以及|及|和|与")
# A conjunction splits only before a word that opens a new actor; 和单位 in 各有关部门和单位
# and 和信息化 in 工业和信息化委 stay inside their names.
_OPENER = re.compile(r"^(各|有关|相关|其他|其余|省|市|区|县|国家|国务院|自治区|中央)")
_GENERIC = frozenset({"单位", "部门", "机构", "企业", "政府", "地区"})


def split_actors(text: str) -> list[Piece]:
    """Split a list of actor names on 、 , ， ; ； outside brackets and quotes.

    Also splits at 等/和/及 where a new actor clearly starts (``X等省有关部门和各地级以上市人民政府``).

    >>> [p.surface for p in split_actors("住房城乡建设厅、相关县(市、区)人民政府")]
    ['住房城乡建设厅', '相关县(市、区)人民政府']
    >>> [p.surface for p in split_actors("自治区“美丽办”、农业厅")]
    ['自治区“美丽办”', '农业厅']
    >>> [p.surface for p in split_actors("各区、县级市，各地、各部门")]
    ['各区、县级市', '各地、各部门']
    >>> [p.surface for p in split_actors("能源局等省有关部门和各地级以上市人民政府")]
    ['能源局', '省有关部门', '各地级以上市人民政府']
    >>> [p.surface for p in split_actors("发展改革委和财政部、工业和信息化部、各有关部门和单位")]
    ['发展改革委', '财政部', '工业和信息化部', '各有关部门和单位']
    >>> [(p.surface, p.start) for p in split_actors("自治区发展改革委 住房城乡建设厅\u3000财政厅")]
    [('自治区发展改革委', 0), ('住房城乡建设厅', 9), ('财政厅', 17)]
    """
    return [Piece(surface, start, end) for surface, start, end in _split_actors(text)]


def actor_spans(text: str) -> tuple[tuple[str, int, int], ...]:
    """What :func:`split_actors` says, as ``(surface, start, end)`` tuples (quicker: no records are made).

    >>> actor_spans("财政厅、各市、县(市、区)人民政府")
    (('财政厅', 0, 3), ('各市、县(市、区)人民政府', 4, 17))
    """
    return _split_actors(text)


# Lists of names repeat within and across documents; the split depends on the text alone.
# Kept as tuples of strings and numbers, which the garbage collector need not visit.
@functools.lru_cache(maxsize=16384)
def _split_actors(text: str) -> tuple[tuple[str, int, int], ...]:
    pieces: list[Piece] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in _SEPARATORS and depth == 0:
            head = text[start:i].strip().split("、")[-1]
            rest = text[i + 1 :].lstrip()
            if ch == "、" and (
                (_ADMIN_HEAD.match(head) and _ADMIN_TAIL.match(rest))
                or (_EACH_HEAD.match(head) and rest.startswith("各"))
            ):
                continue
            _add_pieces(pieces, text, start, i)
            start = i + 1
    _add_pieces(pieces, text, start, len(text))
    return tuple((p.surface, p.start, p.end) for p in pieces)


_SPACES = re.compile(r"[ \u3000\t]+")
# A space does not part a government or party committee from what follows it without a
# jurisdiction of its own (市人民政府 办公厅, 自治区党委 宣传部: one name), nor a unit inside a
# body from the body (… 办公室, … 总队).
_PARENT_END = re.compile(r"(政府|党委|[省市区县]委|总局)$")
_UNIT_END = re.compile(r"(办公厅|办公室|宣传部|组织部|统战部|政法委|编办|总队|支队|大队|分局)$")


def _space_parts(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """text[start:end] cut at its spaces when it is names listed with spaces for commas
    (``自治区发展改革委 住房城乡建设厅``, often so in text taken from a PDF): every part,
    outside brackets, must end and read as an actor's name, and no space may sit inside
    one name (:data:`_PARENT_END`, :data:`_UNIT_END`); else None. A leading 由 and a
    trailing 等 or 牵头 stay with the first and last parts."""
    raw = text[start:end]
    lo = start + len(raw) - len(raw.lstrip(" \u3000\t"))
    hi = start + len(raw.rstrip(" \u3000\t。."))
    core_hi = lo + len(_TRAILERS.sub("", text[lo:hi]).rstrip(" \u3000\t"))
    m = _LEADERS.match(text, lo, core_hi)
    core_lo = m.end() if m else lo
    parts, cut = [], core_lo
    for sp in _SPACES.finditer(text, core_lo, core_hi):
        if _depth(text, core_lo, sp.start()):
            continue
        parts.append((cut, sp.start()))
        cut = sp.end()
    if not parts:
        return None
    parts.append((cut, core_hi))
    names = [text[a:b] for a, b in parts]
    if not all(_AGENCY_END.search(n) and looks_like_actor(n) for n in names):
        return None
    for left, right in zip(names, names[1:]):
        if not _OPENER.match(right) and (_PARENT_END.search(left) or _UNIT_END.search(right)):
            return None
    parts[0] = (lo, parts[0][1])
    parts[-1] = (parts[-1][0], end)
    return parts


def _add_pieces(pieces: list[Piece], text: str, start: int, end: int) -> None:
    """Add the piece text[start:end], cut further at spaces between names and at conjunctions
    that start a new actor."""
    parts = _space_parts(text, start, end)
    if parts:
        for a, b in parts:
            _add_pieces(pieces, text, a, b)
        return
    cut = start
    for m in _CONJUNCTION.finditer(text, start, end):
        if _depth(text, start, m.start()):
            continue
        left = text[cut : m.start()].strip(" \u3000\t")
        right = text[m.end() : end].strip(" \u3000\t")
        if not left or not right or right in _GENERIC or _TRAILERS.fullmatch(right):
            continue
        if not (_AGENCY_END.search(left) or left.endswith("等")):
            continue
        nxt = _CONJUNCTION.search(right)
        names = {right, right[: nxt.start()] if nxt else right} - _GENERIC
        if m.group().startswith("等") or _OPENER.match(right) or any(
            _AGENCY_END.search(name) and looks_like_actor(name) for name in names
        ):
            _add_piece(pieces, text, cut, m.start())
            cut = m.end()
    _add_piece(pieces, text, cut, end)


def _depth(text: str, start: int, pos: int) -> int:
    depth = 0
    for ch in text[start:pos]:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
    return depth


def _add_piece(pieces: list[Piece], text: str, start: int, end: int) -> None:
    raw = text[start:end]
    lead = len(raw) - len(raw.lstrip(" \u3000\t"))
    surface = raw.strip(" \u3000\t。.")
    trimmed = (_TRAILERS.sub("", surface) or surface).rstrip(" \u3000\t")
    m = _LEADERS.match(trimmed)
    if m and len(trimmed) > m.end() + 1:
        lead += m.end()
        trimmed = trimmed[m.end() :]
    if trimmed:
        s = start + lead
        pieces.append(Piece(trimmed, s, s + len(trimmed)))


_QUOTES = str.maketrans("", "", "“”\"'‘’「」")


@functools.lru_cache(maxsize=16384)
def normalise_name(name: str) -> str:
    """Fold a surface form for lookup: NFKC (full-width → ASCII), no quotes or spaces.

    >>> normalise_name("自治区“美丽办”")
    '自治区美丽办'
    >>> normalise_name("相关县（市、区）人民政府")
    '相关县(市、区)人民政府'
    """
    folded = unicodedata.normalize("NFKC", name).translate(_QUOTES)
    return re.sub(r"\s+", "", folded)


# Unknown names repeat across documents and jurisdictions; romanising them is slow.
@functools.lru_cache(maxsize=16384)
def _slug(text: str) -> str:
    from pypinyin import lazy_pinyin  # imported late: only unknown names need it

    parts = lazy_pinyin(text, errors=lambda s: [c for c in s if c.isalnum()])
    slug = re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")
    return slug or "unnamed"


#: Hex digits of the name's hash at the end of a generated key (see :func:`_key`).
_KEY_DIGITS = 6


@functools.lru_cache(maxsize=16384)
def _key(name: str) -> str:
    """The key of an actor the registry does not list: *name*'s toneless pinyin and a hash of *name*.

    The pinyin keeps the key readable, but homophones share it (水务局, 税务局), and tone numbers
    would not tell them apart either (市 and 事 are both shi4). So the key always ends with
    the first digits of *name*'s BLAKE2b hash: it depends on the name alone, never on which
    names a process met before (a build parses documents in several processes), and two names
    share a key only if they share both the pinyin and the digits (one in 16.7 million for
    two homophones; :meth:`Registry._new_actor` refuses such a pair rather than merge them).

    >>> _key("水务局"), _key("税务局")
    ('shui-wu-ju-b62486', 'shui-wu-ju-c5b0f1')
    """
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=(_KEY_DIGITS + 1) // 2).hexdigest()
    return f"{_slug(name)}-{digest[:_KEY_DIGITS]}"


@functools.lru_cache(maxsize=1)
def _synonyms() -> tuple[tuple[str, str], ...]:
    text = (resources.files("fengong.data") / "agency_synonyms.csv").read_text("utf-8")
    rows = [(r["variant"], r["canonical"]) for r in csv.DictReader(text.splitlines())]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


@functools.lru_cache(maxsize=16384)
def canonical_name(name: str) -> str:
    """The usual short form of an agency name the registry does not list (``agency_synonyms.csv``).

    So that 发改委, 发展和改革委员会 and 发展改革委 of one city are one agency.

    >>> canonical_name("发展和改革委员会"), canonical_name("住建局"), canonical_name("财政局")
    ('发展改革委', '住房城乡建设局', '财政局')
    """
    for variant, canonical in _synonyms():
        if name.endswith(variant):
            return name[: len(name) - len(variant)] + canonical
    return name


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern
    kind: str
    level: str
    key: str
    name_en: str


@functools.lru_cache(maxsize=1)
def actor_patterns() -> tuple[_Pattern, ...]:
    """Name patterns of actors no registry lists, first match wins (``actor_patterns.csv``).

    >>> [p.kind for p in actor_patterns() if p.regex.search("各有关部门和单位")][:1]
    ['department-collective']
    """
    text = (resources.files("fengong.data") / "actor_patterns.csv").read_text("utf-8")
    return tuple(
        _Pattern(re.compile(r["pattern"]), r["kind"], r["level"], r["key"], r["name_en"])
        for r in csv.DictReader(text.splitlines())
    )


@functools.lru_cache(maxsize=16384)
def _pattern_for(name: str) -> _Pattern | None:
    for pattern in actor_patterns():
        if pattern.regex.search(name):
            return pattern
    return None


_KIND_BY_SUFFIX = (
    ("领导小组办公室", "office"),
    ("领导小组", "leading-group"),
    ("人民政府", "local-government"),
    ("政府", "local-government"),
    ("委员会", "commission"),
    ("办公室", "office"),
    ("办公厅", "office"),
    ("分行", "state-enterprise"),
    ("银行", "state-enterprise"),
    ("集团", "state-enterprise"),
    ("公司", "state-enterprise"),
    ("铁路局", "state-enterprise"),
    ("海关", "central-branch"),
    ("管委会", "office"),
    ("中心", "public-institution"),
    ("研究院", "public-institution"),
    ("大学", "public-institution"),
    ("学院", "public-institution"),
    ("法院", "other"),
    ("检察院", "other"),
    ("总队", "other"),
    ("支队", "other"),
    ("兵团", "other"),
    ("联合会", "other"),
    ("协会", "other"),
    ("党委", "other"),
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
    >>> guess_kind("各区、县级市"), guess_kind("越秀区"), guess_kind("协管副秘书长")
    ('local-government-collective', 'local-government', 'post')
    """
    pattern = _pattern_for(name)
    if pattern is not None:
        return pattern.kind
    for suffix, kind in _KIND_BY_SUFFIX:
        if name.endswith(suffix):
            return kind
    return "other"


_NOT_A_NAME = re.compile(r"[。；;：:！？!?%％0-9０-９]|年|月|以下简称|简称|包括|例如|如下|试点|等等")
# Wordings that end like an agency but are things (a 重点任务 “中心”, 财政补贴 “部”分).
_NOT_AN_AGENCY = re.compile(r"(部分|内部|全部|外部|局部|干部|中部|东部|西部|北部|南部|俱乐部|一办|中心城区)$")


@functools.lru_cache(maxsize=16384)
def looks_like_actor(name: str, places_count: bool = False) -> bool:
    """Whether a piece of text reads as the name of an actor (no registry needed).

    Used to tell an assignment parenthetical (``（省发展改革委、省财政厅）``) from
    any other (``（危旧房）``). A bare place (南宁市) counts only with *places_count*.

    >>> looks_like_actor("省发展改革委"), looks_like_actor("各有关部门和单位"), looks_like_actor("危旧房")
    (True, True, False)
    >>> looks_like_actor("越秀区"), looks_like_actor("越秀区", places_count=True)
    (False, True)
    """
    n = normalise_name(name)
    if not 2 <= len(n) <= 40 or _NOT_A_NAME.search(n) or _NOT_AN_AGENCY.search(n):
        return False
    pattern = _pattern_for(n)
    if pattern is not None:
        if pattern.kind == "local-government" and pattern.key != "gov":
            return places_count
        return not (pattern.key == "gov" and len(n) < 2)
    return any(n.endswith(suffix) for suffix, _ in _KIND_BY_SUFFIX) and len(n) >= 2


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
        self._new: dict[tuple[str, str], Actor] = {}  # (jurisdiction, core name) → the actor made for it
        # (jurisdiction, key) → the name the key was made from and its actor: one actor per IRI.
        self._by_key: dict[tuple[str, str], tuple[str, Actor]] = {}
        self._declared: dict[str, tuple[str, str, str | None]] = {}
        # Per registry, cleared by declare(): what a name's forms are depends on the declared places.
        self._prefix_cache: dict[str, tuple[str, ...]] = {}
        self._forms_cache: dict[tuple[str, str], tuple[str, ...]] = {}
        self._scope_cache: dict[tuple[str, str], Scope] = {}
        self._lookup_cache: dict[tuple[str, str], Actor | None] = {}
        self._resolved: dict[tuple, Actor] = {}
        self._resolved_in_list: dict[tuple, Actor] = {}
        #: Bumped by declare(): what callers remember of this registry's answers holds within one generation.
        self.generation = 0
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

    def declare(self, jurisdiction: str, level: str, name_zh: str, name_en: str | None = None) -> None:
        """Describe a jurisdiction the gazetteer does not hold (one made for a single document).

        *name_zh* is the place's name as the document writes it (青松县), or "".

        >>> reg = Registry([], [])
        >>> reg.declare("doc-x", "county", "青松县")
        >>> reg.resolve("县财政局", "doc-x").level, reg.resolve("青松县人民政府", "doc-x").id
        ('county', 'doc-x-gov')
        """
        self._declared[jurisdiction] = (level, name_zh, name_en)
        self._prefix_cache.clear()
        self._forms_cache.clear()
        self._scope_cache.clear()
        self._lookup_cache.clear()
        self._resolved.clear()
        self._resolved_in_list.clear()
        self.generation += 1

    def scope(self, name: str, jurisdiction: str) -> Scope:
        """The jurisdiction a name's prefix points at (:func:`~fengong.jurisdictions.prefix_scope`),
        knowing the places declared for single documents."""
        key = (name, jurisdiction)
        scope = self._scope_cache.get(key)
        if scope is None:
            scope = _remember(self._scope_cache, key, self._scope(name, jurisdiction))
        return scope

    def _scope(self, name: str, jurisdiction: str) -> Scope:
        scope = prefix_scope(name, jurisdiction, self.gazetteer)
        if scope.jurisdiction is None and jurisdiction in self._declared:
            level, place_name, _ = self._declared[jurisdiction]
            if place_name and name.startswith(place_name) and len(name) >= len(place_name):
                return Scope(jurisdiction, len(place_name), level)
            if scope.length and scope.level == level:
                return Scope(jurisdiction, scope.length, level, scope.keep)
        return scope

    # -- names -------------------------------------------------------------
    def prefixes(self, jurisdiction: str) -> list[str]:
        """Words that name the jurisdiction at the front of an agency name, longest first.

        >>> [w for w in default_registry().prefixes("gx") if w in ("广西壮族自治区", "自治区", "广西")]
        ['广西壮族自治区', '自治区', '广西']
        """
        words = self._prefix_cache.get(jurisdiction)
        if words is None:
            words = self._prefix_cache[jurisdiction] = tuple(self._prefixes(jurisdiction))
        return list(words)

    def _prefixes(self, jurisdiction: str) -> list[str]:
        try:
            place = self.gazetteer.get(jurisdiction)
        except KeyError:
            if jurisdiction not in self._declared:
                return []
            level, name_zh, _ = self._declared[jurisdiction]
            generic = {"provincial": "省", "prefectural": "市", "county": "县"}[level]
            return sorted({w for w in (name_zh, generic) if w}, key=len, reverse=True)
        words = {place.name_zh, place.short_zh, *place.aliases}
        generic = {"province": ("省", "省直", "省级"), "prefecture": ("市", "市直", "市级"), "county": ("县",), "district": ("区",)}
        if place.name_zh.endswith("自治区"):
            words.add("自治区")
        elif place.type == "province" and place.name_zh.endswith("市"):
            words.add("市")  # municipalities: 北京市发展改革委 / 市发展改革委
        else:
            words.update(generic.get(place.type, ()))
        if place.type == "country":
            words = {"国家", "国务院"} - {""}
        return sorted((w for w in words if w), key=len, reverse=True)

    def _forms(self, name: str, jurisdiction: str) -> tuple[str, ...]:
        key = (name, jurisdiction)
        forms = self._forms_cache.get(key)
        if forms is None:
            base = normalise_name(name)
            forms = (base,)
            for prefix in self.prefixes(jurisdiction):
                if base.startswith(prefix) and len(base) > len(prefix) + 1 and _real_prefix(base, prefix):
                    forms = (base, base[len(prefix) :])
                    break
            _remember(self._forms_cache, key, forms)
        return forms

    def lookup(self, surface: str, jurisdiction: str) -> Actor | None:
        """The registered actor for *surface* in *jurisdiction*, or ``None``."""
        key = (surface, jurisdiction)
        try:
            return self._lookup_cache[key]
        except KeyError:
            pass
        found = None
        for form in self._forms(surface, jurisdiction):
            found = self._by_name.get((jurisdiction, form))
            if found:
                break
        return _remember(self._lookup_cache, key, found)

    def is_actor(self, surface: str, jurisdiction: str) -> bool:
        """Whether *surface* names an actor: registered, or worded like one."""
        return self.lookup(surface, jurisdiction) is not None or looks_like_actor(surface, places_count=True)

    def resolve(
        self,
        surface: str,
        jurisdiction: str,
        prefix_from: str | None = None,
        previous: Actor | None = None,
        kind_hint: str | None = None,
    ) -> Actor:
        """Resolve a surface form to an actor; unknown names become new actors.

        *prefix_from* is the previous name in the same list and *previous* the
        actor it resolved to: in ``广西银监局、保监局`` the second name shares the
        prefix 广西, and in a 广州市 document ``省发展改革委、交通运输厅`` are both
        Guangdong's. *kind_hint* ``post`` makes an unknown name a post (a 牵头领导 field).

        >>> reg = default_registry()
        >>> reg.resolve("水利局", "gx").short_zh
        '水利厅'
        >>> a = reg.resolve("自治区扶贫开发工作领导小组", "gx")
        >>> (a.known, a.kind, a.jurisdiction)
        (False, 'leading-group', 'gx')
        >>> reg.resolve("国家发展改革委", "gx").id, reg.resolve("省发展改革委", "guangzhou").id
        ('cn-drc', 'gd-fa-zhan-gai-ge-wei-66c75d')
        >>> reg.resolve("越秀区", "guangzhou").id, reg.resolve("财政部", "gx").id
        ('yuexiu-gov', 'cn-finance')
        """
        # Asked again with the same words, the registry gives the same actor (new actors
        # are remembered, never replaced) until declare() changes what prefixes mean.
        # Most names resolve the same whatever name comes before them in their list:
        # those are remembered without it.
        actor = self._resolved.get((surface, jurisdiction, kind_hint))
        if actor is not None:
            return actor
        # Of the actor before, only its jurisdiction and kind matter (see _inherited).
        key = (surface, jurisdiction, prefix_from, (previous.jurisdiction, previous.kind) if previous is not None else None,
               kind_hint)
        actor = self._resolved_in_list.get(key)
        if actor is not None:
            return actor
        actor, alone = self._resolve(surface, jurisdiction, prefix_from, previous, kind_hint)
        if alone:
            _remember(self._resolved, (surface, jurisdiction, kind_hint), actor)
        else:
            _remember(self._resolved_in_list, key, actor)
        return actor

    def _resolve(self, surface: str, jurisdiction: str, prefix_from: str | None, previous: Actor | None,
                 kind_hint: str | None) -> tuple[Actor, bool]:
        """The actor, and whether it would be the same whatever *prefix_from* and *previous* were."""
        found = self.lookup(surface, jurisdiction)
        if found:
            return found, True
        name = normalise_name(surface)
        scope = self.scope(name, jurisdiction)
        if scope.jurisdiction and scope.jurisdiction != jurisdiction:
            return self.lookup(name, scope.jurisdiction) or self._new_actor(name, scope.jurisdiction, kind_hint, scope), True
        if not scope.length and _NATIONAL_ONLY.search(name):
            national = self.lookup(name, "cn")  # 财政部 in a provincial plan is the ministry
            if national:
                return national, True
        if scope.length:
            return self._new_actor(name, jurisdiction, kind_hint, scope), True
        return self._resolve_in_list(name, jurisdiction, prefix_from, previous, kind_hint), False

    def _resolve_in_list(self, name: str, jurisdiction: str, prefix_from: str | None, previous: Actor | None,
                         kind_hint: str | None) -> Actor:
        # *name* has no prefix of its own: it may share the one of the name before it.
        if prefix_from:
            prev = normalise_name(prefix_from)
            for prefix in self.prefixes(jurisdiction):
                if prev.startswith(prefix) and not name.startswith(prefix):
                    inherited = self.lookup(prefix + name, jurisdiction)
                    if inherited:
                        return inherited
                    break
            inherited_scope = self._inherited(prev, name, jurisdiction, previous)
            if inherited_scope:
                return self.lookup(name, inherited_scope) or self._new_actor(name, inherited_scope, kind_hint)
        return self._new_actor(name, jurisdiction, kind_hint, None)

    def _inherited(self, prev: str, name: str, jurisdiction: str, previous: Actor | None) -> str | None:
        """The jurisdiction a name takes from the explicit prefix of the name before it."""
        if previous is None or previous.jurisdiction == jurisdiction or _COLLECTIVE_OPENER.match(name):
            return None
        if self.gazetteer.lookup(name) is not None:
            return None  # a place names itself
        prev_scope = self.scope(prev, jurisdiction)
        if prev_scope.jurisdiction == previous.jurisdiction and previous.kind not in ("local-government", "post"):
            return previous.jurisdiction
        return None

    def _core(self, name: str, jurisdiction: str, scope: Scope | None) -> str:
        if scope is not None and scope.keep:
            return name
        if scope is not None and scope.length and scope.jurisdiction == jurisdiction:
            return name[scope.length :]
        return self._forms(name, jurisdiction)[-1]

    def _new_actor(self, name: str, jurisdiction: str, kind_hint: str | None = None, scope: Scope | None = None) -> Actor:
        if scope is None or scope.jurisdiction is None:
            scope_for_core = self.scope(name, jurisdiction)
            scope = scope_for_core if scope_for_core.jurisdiction == jurisdiction else scope
        core = canonical_name(self._core(name, jurisdiction, scope))
        cached = self._new.get((jurisdiction, core))
        if cached:
            return cached
        pattern = _pattern_for(core)
        # 黄埔区, 黄埔区政府 and 黄埔区人民政府 are one government
        key_core = re.sub(r"(人民政府|政府)$", "", core) if pattern and pattern.kind == "local-government" else core
        # The key is a function of the name alone (see _key), the same in every process.
        key = pattern.key if pattern and pattern.key else _key(key_core)
        made = self._by_key.get((jurisdiction, key))
        if made is not None:
            if not (pattern and pattern.key) and made[0] != key_core:
                raise FengongError(f"agencies {made[0]} and {key_core} of {jurisdiction} would share the key {key}; "
                                   "list one of them in agencies.csv")
            self._new[(jurisdiction, core)] = made[1]  # one actor per IRI
            return made[1]
        asked = core
        if key_core != core and not pattern.key:
            # Described by the name without 政府, whichever form a process meets first.
            core, pattern = key_core, _pattern_for(key_core) or pattern
        kind = pattern.kind if pattern else guess_kind(core)
        if kind_hint == "post":
            kind = "post"
        place_name = self._place_name(jurisdiction)
        if kind == "other" and self.gazetteer.lookup(core) is not None:
            kind = "local-government"  # a district or city taking on a task
        level = (pattern.level if pattern and pattern.level else None) or (
            scope.level if scope is not None and scope.jurisdiction is None and scope.level else None
        ) or self._level(jurisdiction)
        if key in ("gov", "gov-office") and place_name:
            name_zh = short_zh = place_name + ("人民政府办公厅" if key == "gov-office" else "人民政府")
        elif kind == "local-government" and pattern is not None and _DIVISION.search(key_core):
            # a district or town the gazetteer does not hold: 黄埔区 → 广州市黄埔区人民政府
            prefix = "" if key_core.startswith(place_name) else place_name
            name_zh, short_zh = f"{prefix}{key_core}人民政府", key_core
        elif place_name and kind not in ("post", "local-government-collective", "department-collective") and core:
            name_zh, short_zh = (core if core.startswith(place_name) else f"{place_name}{core}"), core
        else:
            name_zh, short_zh = (name if core == self._core(name, jurisdiction, scope) else core), core or name
        actor = Actor(
            key=key,
            jurisdiction=jurisdiction,
            kind=kind,
            level=level,
            name_zh=name_zh,
            short_zh=short_zh,
            name_en=_division_english(key_core) if kind == "local-government" and _DIVISION.search(key_core) and key != "gov"
            else self._english(core, jurisdiction, pattern),
            known=False,
        )
        self._new[(jurisdiction, asked)] = actor
        self._by_key[(jurisdiction, key)] = (key_core, actor)
        return actor

    def _place(self, jurisdiction: str):
        try:
            return self.gazetteer.get(jurisdiction)
        except KeyError:
            return None

    def _place_name(self, jurisdiction: str) -> str:
        place = self._place(jurisdiction)
        if place is not None:
            return place.name_zh
        return self._declared.get(jurisdiction, ("", "", None))[1]

    def _level(self, jurisdiction: str) -> str:
        place = self._place(jurisdiction)
        if place is not None:
            return _LEVEL_OF_PLACE.get(place.type, "county")
        return self._declared.get(jurisdiction, ("provincial",))[0]

    def _english(self, core: str, jurisdiction: str, pattern: _Pattern | None) -> str | None:
        place = self._place(jurisdiction)
        where = place.name_en if place is not None else (self._declared.get(jurisdiction, ("", "", None))[2] or "")
        if pattern is not None and pattern.name_en:
            return f"{where} {pattern.name_en}".strip()
        for suffix, english in self._terms:
            if core.endswith(suffix):
                return f"{where} {english}".strip()
        return None


# Administrative divisions by their last character, with their English word (for divisions
# the gazetteer does not hold); zones (开发区, 新区 …) are not divisions.
_DIVISION = re.compile(r"(?<!新|发|园|范|验|贸|税|技)(区|县|市|旗|镇|乡)$")
_DIVISION_EN = {"区": "District", "县": "County", "市": "City", "旗": "Banner", "镇": "Town", "乡": "Township"}


def _division_english(name: str) -> str:
    """English name of a division's government, romanised: 黄埔区 → Huangpu District People's Government.

    >>> _division_english("黄埔区")
    "Huangpu District People's Government"
    """
    from pypinyin import lazy_pinyin

    base = "".join(lazy_pinyin(name[:-1])).capitalize()
    return f"{base} {_DIVISION_EN[name[-1]]} People's Government"


def _real_prefix(name: str, prefix: str) -> bool:
    """Whether *prefix* at the front of *name* names a jurisdiction (市 in 市场监管局 does not)."""
    if len(prefix) > 3 or prefix in ("国务院",):
        return True
    for pattern, _ in name_prefixes():
        m = pattern.match(name)
        if m and m.end() == len(prefix):
            return True
    # Place names (广西, 广州) are always prefixes; the generic words are checked above.
    return prefix not in ("省", "市", "区", "县", "自治区", "国家", "省直", "省级", "市直", "市级")


#: Most entries a registry's memo of answers holds before it forgets them all and starts again.
_MEMO_SIZE = 65536


def _remember(memo: dict, key, value):
    """Store *value* under *key* in a bounded memo; returns *value*."""
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[key] = value
    return value


_COLLECTIVE_OPENER = re.compile(r"^(各|有关|相关|其他|其余)")
# Names only the central government uses (ministries 部, 署, 总局, the regulators and the central bank):
# a plan of any level that names one without a prefix means the national body.
_NATIONAL_ONLY = re.compile(r"(部|署|总局|总署|银保监会|证监会|人民银行)$")


@functools.lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The registry shipped with fengong (cached)."""
    return Registry.load()
