"""Plain records that parsing produces and modelling consumes.

Parsing knows layouts, not RDF; modelling knows RDF, not layouts. These
dataclasses are the only thing the two share. Offsets are 0-based character
offsets into the decoded document text; line numbers are 1-based.

>>> span = Span(line_start=16, line_end=16, char_start=10, char_end=20)
>>> span.line_start
16
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .agencies import Actor
from .dates import Due
from .indicators import Indicator

__all__ = [
    "Span",
    "Assignment",
    "Deliverable",
    "Item",
    "Section",
    "PlaceMention",
    "Plan",
    "ROLES",
    "BASES",
]

#: Roles an actor can play in a task (notation of the fg:RoleScheme concepts).
ROLES = ("lead", "participant", "responsible")
#: How the role was read (notation of the fg:BasisScheme concepts).
BASES = ("field", "inline", "first-listed-rule", "unranked", "prose")


@dataclass(frozen=True)
class Span:
    """Where something stands in the source text."""

    line_start: int
    line_end: int
    char_start: int
    char_end: int


@dataclass
class Assignment:
    """One actor named for one task in one role, with the text it was read from."""

    actor: Actor
    role: str  # one of ROLES
    basis: str  # one of BASES
    surface: str  # the name exactly as written
    position: int  # 1-based order within its list
    span: Span
    snippet: str  # the whole source line (or sentence) it came from


@dataclass
class Deliverable:
    """An expected result (预期成果) with its due date, one per dated clause."""

    text: str
    due: Due | None
    span: Span
    #: as :attr:`Item.segments`, for a text that runs over a line break (empty: one line, from ``span``)
    segments: list[tuple[int, int, int]] = field(default_factory=list, repr=False, compare=False)


@dataclass(frozen=True)
class PlaceMention:
    """A place named in an item's text."""

    key: str
    surface: str
    span: Span


@dataclass
class Section:
    """A top-level section (一、目标指标)."""

    number: int
    numeral: str
    title: str
    span: Span


@dataclass
class Item:
    """A numbered target, task or work requirement."""

    number: int
    numeral: str
    section: int  # number of its Section
    kind: str  # "target" | "task" | "requirement"
    title: str  # text before the first 。
    text: str  # full text of the item (all its lines before the field lines)
    span: Span
    sub_number: int | None = None  # for items split into one task per sentence
    assignments: list[Assignment] = field(default_factory=list)
    deliverables: list[Deliverable] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    completion: str | None = None  # the 完成时间 field as written
    #: (offset in ``text``, line number, offset in the document) for each source line of ``text``
    segments: list[tuple[int, int, int]] = field(default_factory=list, repr=False)

    @property
    def label(self) -> str:
        """A short display label such as ``(十七) 实施差别化落户政策``."""
        num = self.numeral if self.sub_number is None else f"{self.numeral}.{self.sub_number}"
        return f"({num}) {self.title}"

    @property
    def leads(self) -> list[Assignment]:
        return [a for a in self.assignments if a.role in ("lead", "responsible")]

    @property
    def participants(self) -> list[Assignment]:
        return [a for a in self.assignments if a.role == "participant"]


@dataclass
class Plan:
    """One document: its metadata, sections, items and what parsing noticed."""

    title: str
    source: str  # file name (or "<stdin>")
    text: str
    encoding: str
    layout: str
    doc_number: str | None = None
    notice_title: str | None = None  # the covering notice's title when the plan has its own
    issuer_name: str | None = None
    issuer: Actor | None = None
    issued: datetime.date | None = None
    jurisdiction: str = "gx"
    implements: list[tuple[str, str | None]] = field(default_factory=list)  # (document number, title)
    rule: str | None = None  # e.g. "列第一位者为牵头单位"
    sections: list[Section] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def year(self) -> int | None:
        """The year of issue, used to read relative dates such as 年内."""
        return self.issued.year if self.issued else None
