"""Records to RDF: the only place that mints IRIs.

Each plan becomes one named graph (its name is the plan's IRI) holding its
sections, tasks, assignments, deliverables and indicators. Agencies and places
are shared by plans, so they are described once, in the graph :data:`SHARED_GRAPH`
(a union default graph does not merge duplicate triples, so describing an agency
in every plan's graph would count it once per plan). Concept IRIs (roles, kinds, levels …) are looked up by their
``skos:notation`` in ``ontology/plan.ttl``, so the vocabulary stays data.

>>> from fengong.parse import parse_text
>>> plan = parse_text("一、目标\\n(一)财政收入增长8%。\\n牵头单位:自治区财政厅\\n完成时间:2020年\\n", "t.txt")
>>> quads = list(plan_quads(plan))
>>> any(q.predicate.value.endswith("#leads") for q in quads)
True
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from .agencies import Actor
from .concepts import ONTOLOGY_GRAPH, _concept, concepts, ontology_quads
from .parse import claim_slug, plan_slug
from .places import default_gazetteer
from .records import Plan
from .vocab import FG, ID, ID_BASE, PREFIXES

__all__ = ["Terms", "OX_TERMS", "TEXT_TERMS", "plan_quads", "dataset_quads", "build_store", "Shared", "SHARED_GRAPH", "ONTOLOGY_GRAPH", "ontology_quads", "plan_iri", "actor_iri", "place_iri", "concepts", "actor_quads"]

_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
#: Named graph of the actors and places that plans share.
SHARED_GRAPH = ox.NamedNode(ID_BASE + "graph/shared")
_XSD = PREFIXES["xsd"]
_XSD_INT = ox.NamedNode(_XSD + "integer")
_XSD_DATE = ox.NamedNode(_XSD + "date")
_XSD_DEC = ox.NamedNode(_XSD + "decimal")
_XSD_BOOL = ox.NamedNode(_XSD + "boolean")


# Predicates and classes repeat in every quad: cached, they are made (and their
# IRIs checked) once instead of once per quad (a build spent ~20 % of its
# modelling time here).
@functools.lru_cache(maxsize=None)
def _n(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES[prefix] + local)


@functools.lru_cache(maxsize=None)
def _fg(local: str) -> ox.NamedNode:
    return ox.NamedNode(FG(local))


@functools.lru_cache(maxsize=4096)
def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=_XSD_INT)


def _zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


def _date(d: datetime.date) -> ox.Literal:
    return ox.Literal(d.isoformat(), datatype=_XSD_DATE)


def plan_iri(slug: str) -> ox.NamedNode:
    return ox.NamedNode(ID["plan"] + slug)


def actor_iri(actor: Actor) -> ox.NamedNode:
    """IRI of an actor: jurisdiction and registry key (``fgagency:gx-housing``)."""
    return ox.NamedNode(ID["agency"] + actor.id)


def place_iri(key: str) -> ox.NamedNode:
    """IRI of a place: its division code where it has one, else its key."""
    place = default_gazetteer().get(key)
    return ox.NamedNode(ID["place"] + (place.division_code or key))


_ACTOR_CLASS = {"post": "Post", "local-government-collective": "CollectiveActor", "department-collective": "CollectiveActor"}
_PRECISION = {"day": "day", "month": "month", "year": "year", "period": "period"}


def actor_quads(actor: Actor, graph: ox.NamedNode, surfaces: Iterable[str] = ()) -> Iterator[ox.Quad]:
    """Triples describing one actor, in *graph*."""
    s = actor_iri(actor)
    cls = _ACTOR_CLASS.get(actor.kind, "Agency")
    yield ox.Quad(s, _RDF_TYPE, _fg(cls), graph)
    yield ox.Quad(s, _RDF_TYPE, _fg("Actor"), graph)
    yield ox.Quad(s, _RDF_TYPE, _n("org", "Post" if cls == "Post" else "Organization"), graph)
    yield ox.Quad(s, _n("skos", "prefLabel"), _zh(actor.name_zh), graph)
    if actor.name_en:
        yield ox.Quad(s, _n("skos", "prefLabel"), ox.Literal(actor.name_en, language="en"), graph)
    yield ox.Quad(s, _n("skos", "notation"), ox.Literal(actor.key), graph)
    yield ox.Quad(s, _fg("shortLabel"), _zh(actor.short_zh), graph)
    alt = {actor.short_zh, *actor.aliases, *surfaces} - {actor.name_zh}
    for name in sorted(alt):
        yield ox.Quad(s, _n("skos", "altLabel"), _zh(name), graph)
    kind = "other" if actor.kind == "post" else actor.kind
    yield ox.Quad(s, _n("org", "classification"), _concept("AgencyKindScheme", kind), graph)
    yield ox.Quad(s, _fg("jurisdictionLevel"), _concept("LevelScheme", actor.level), graph)
    yield ox.Quad(s, _fg("inRegistry"), ox.Literal("true" if actor.known else "false", datatype=_XSD_BOOL), graph)
    try:
        yield ox.Quad(s, _fg("jurisdiction"), place_iri(actor.jurisdiction), graph)
    except KeyError:
        pass


def place_quads(key: str, graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """Triples describing one place."""
    gaz = default_gazetteer()
    place = gaz.get(key)
    s = place_iri(key)
    yield ox.Quad(s, _RDF_TYPE, _fg("Place"), graph)
    yield ox.Quad(s, _n("skos", "prefLabel"), _zh(place.name_zh), graph)
    if place.name_en:
        yield ox.Quad(s, _n("skos", "prefLabel"), ox.Literal(place.name_en, language="en"), graph)
    for alt in sorted({place.short_zh, *place.aliases} - {place.name_zh, ""}):
        yield ox.Quad(s, _n("skos", "altLabel"), _zh(alt), graph)
    if place.division_code:
        yield ox.Quad(s, _fg("divisionCode"), ox.Literal(place.division_code), graph)
    yield ox.Quad(s, _fg("placeType"), _concept("PlaceTypeScheme", place.type), graph)
    if place.parent:
        yield ox.Quad(s, _fg("within"), place_iri(place.parent), graph)


_NQ_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
# Most literals need no escape: a regex search is ~5x cheaper than translate (a dict lookup per character).
_NQ_SPECIAL = re.compile(r'[\\"\n\r]')


class Terms:
    """Makers of RDF terms and quads: Oxigraph objects, or with *text* N-Quads text.

    The model is written once, against these makers, so both kinds hold the same
    statements (tests compare them on every fixture).

    >>> TEXT_TERMS.quad(TEXT_TERMS.fg("a"), TEXT_TERMS.TYPE, TEXT_TERMS.zh('说"明"'), TEXT_TERMS.iri("http://g"))
    '<https://w3id.org/fengong/ontology#a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "说\\\\"明\\\\""@zh <http://g> .\\n'
    """

    def __init__(self, text: bool):
        self.text = text
        self.iri = self._text_iri if text else ox.NamedNode
        self.quad = self._text_quad if text else ox.Quad
        self.TYPE = self.iri(PREFIXES["rdf"] + "type")
        self.XSD_DEC = self.iri(_XSD + "decimal")
        self._int_type = self.iri(_XSD + "integer")
        self._date_type = self.iri(_XSD + "date")
        self._fg: dict = {}
        self._n: dict = {}
        self._ints: dict = {}

    @staticmethod
    def _text_iri(value: str) -> str:
        return f"<{value}>"

    @staticmethod
    def _text_quad(s: str, p: str, o: str, g: str) -> str:
        return f"{s} {p} {o} {g} .\n"

    def lit(self, value: str, language: str | None = None, datatype=None):
        if not self.text:
            return ox.Literal(value, language=language, datatype=datatype)
        body = '"' + (value.translate(_NQ_ESCAPES) if _NQ_SPECIAL.search(value) else value) + '"'
        if language:
            return f"{body}@{language}"
        return f"{body}^^{datatype}" if datatype is not None else body

    def fg(self, local: str):
        t = self._fg.get(local)
        if t is None:
            t = self._fg[local] = self.iri(FG(local))
        return t

    def n(self, prefix: str, local: str):
        key = (prefix, local)
        t = self._n.get(key)
        if t is None:
            t = self._n[key] = self.iri(PREFIXES[prefix] + local)
        return t

    def int(self, n: int):
        t = self._ints.get(n)
        if t is None:
            t = self._ints[n] = self.lit(str(n), datatype=self._int_type)
        return t

    def zh(self, text: str):
        return self.lit(text, language="zh")

    def date(self, d: datetime.date):
        return self.lit(d.isoformat(), datatype=self._date_type)

    def concept(self, scheme: str, notation: str):
        c = _concept(scheme, notation)
        return c if not self.text else self.iri(c.value)

    def actor(self, actor: Actor):
        return self.iri(ID["agency"] + actor.id)

    def place(self, key: str):
        return self.iri(place_iri(key).value) if self.text else place_iri(key)


#: Oxigraph objects (the default) and N-Quads text.
OX_TERMS = Terms(text=False)
TEXT_TERMS = Terms(text=True)


class Shared:
    """Actors and places named by plans, gathered while their quads are written."""

    def __init__(self) -> None:
        self.actors: dict[Actor, set[str]] = {}
        self.places: set[str] = set()

    def add_place(self, key: str) -> None:
        gaz = default_gazetteer()
        while key and key not in self.places:
            self.places.add(key)
            key = gaz.get(key).parent

    def quads(self, graph: ox.NamedNode = SHARED_GRAPH) -> Iterator[ox.Quad]:
        for actor, surfaces in self.actors.items():
            yield from actor_quads(actor, graph, surfaces)
        for key in sorted(self.places):
            yield from place_quads(key, graph)


def plan_quads(plan: Plan, slug: str | None = None, shared: Shared | None = None, terms: "Terms | None" = None) -> Iterator:
    """The quads of one plan, in the named graph of the plan's IRI.

    The actors and places it names are recorded in *shared*; their own
    descriptions come from :meth:`Shared.quads`. With ``terms=TEXT_TERMS`` the
    quads come as N-Quads lines instead of Oxigraph objects (several times faster
    to make, for a streaming build).
    """
    v = terms or OX_TERMS
    slug = slug or plan_slug(plan)
    shared = shared if shared is not None else Shared()
    g = v.iri(ID["plan"] + slug)
    P = g
    yield v.quad(P, v.TYPE, v.fg("Plan"), g)
    yield v.quad(P, v.TYPE, v.n("prov", "Plan"), g)
    yield v.quad(P, v.n("dcterms", "title"), v.zh(plan.title), g)
    yield v.quad(P, v.n("rdfs", "label"), v.zh(plan.title), g)
    if plan.notice_title:
        yield v.quad(P, v.n("dcterms", "alternative"), v.zh(plan.notice_title), g)
    if plan.doc_number:
        yield v.quad(P, v.fg("documentNumber"), v.lit(plan.doc_number), g)
    if plan.issued:
        yield v.quad(P, v.n("dcterms", "issued"), v.date(plan.issued), g)
    yield v.quad(P, v.fg("sourceFile"), v.lit(plan.source), g)
    yield v.quad(P, v.fg("encoding"), v.lit(plan.encoding), g)
    yield v.quad(P, v.fg("layout"), v.lit(plan.layout), g)
    if plan.rule:
        yield v.quad(P, v.fg("rule"), v.zh(plan.rule), g)
    places = shared
    actors = shared.actors
    try:
        default_gazetteer().get(plan.jurisdiction)
        yield v.quad(P, v.fg("jurisdiction"), v.place(plan.jurisdiction), g)
        places.add_place(plan.jurisdiction)
    except KeyError:
        pass
    if plan.issuer:
        yield v.quad(P, v.fg("issuer"), v.actor(plan.issuer), g)
        yield v.quad(P, v.n("dcterms", "publisher"), v.actor(plan.issuer), g)
        actors.setdefault(plan.issuer, set()).add(plan.issuer_name or plan.issuer.short_zh)
    for number, title in plan.implements:
        other = v.iri(ID["plan"] + plan_slug(Plan(title="", source="", text="", encoding="", layout="", doc_number=number)))
        yield v.quad(P, v.fg("implements"), other, g)
        yield v.quad(other, v.TYPE, v.fg("Plan"), g)
        yield v.quad(other, v.fg("documentNumber"), v.lit(number), g)
        if title:
            yield v.quad(other, v.n("dcterms", "title"), v.zh(title), g)
    for sec in plan.sections:
        s = v.iri(f"{ID['section']}{slug}-{sec.number}")
        yield v.quad(s, v.TYPE, v.fg("Section"), g)
        yield v.quad(s, v.fg("number"), v.int(sec.number), g)
        yield v.quad(s, v.fg("numeral"), v.lit(sec.numeral), g)
        yield v.quad(s, v.n("dcterms", "title"), v.zh(sec.title), g)
        yield v.quad(s, v.n("rdfs", "label"), v.zh(f"{sec.numeral}、{sec.title}"), g)
        yield v.quad(s, v.n("dcterms", "isPartOf"), P, g)
        yield v.quad(s, v.fg("lineStart"), v.int(sec.span.line_start), g)
        yield v.quad(P, v.fg("hasSection"), s, g)
    for item in plan.items:
        local = f"{slug}-{item.number}" + (f"-{item.sub_number}" if item.sub_number is not None else "")
        t = v.iri(ID["task"] + local)
        yield v.quad(t, v.TYPE, v.fg("Task"), g)
        yield v.quad(t, v.TYPE, v.n("pplan", "Step"), g)
        if item.kind == "target":
            yield v.quad(t, v.TYPE, v.fg("Target"), g)
        elif item.kind == "requirement":
            yield v.quad(t, v.TYPE, v.fg("WorkRequirement"), g)
        yield v.quad(t, v.fg("number"), v.int(item.number), g)
        yield v.quad(t, v.fg("numeral"), v.lit(item.numeral), g)
        if item.sub_number is not None:
            yield v.quad(t, v.fg("subNumber"), v.int(item.sub_number), g)
        yield v.quad(t, v.n("dcterms", "title"), v.zh(item.title), g)
        yield v.quad(t, v.n("rdfs", "label"), v.zh(item.label), g)
        yield v.quad(t, v.fg("text"), v.zh(item.text), g)
        yield v.quad(t, v.n("dcterms", "isPartOf"), P, g)
        yield v.quad(t, v.n("pplan", "isStepOfPlan"), P, g)
        if plan.sections:
            yield v.quad(t, v.fg("inSection"), v.iri(f"{ID['section']}{slug}-{item.section}"), g)
        yield v.quad(t, v.fg("lineStart"), v.int(item.span.line_start), g)
        yield v.quad(t, v.fg("lineEnd"), v.int(item.span.line_end), g)
        if item.completion:
            yield v.quad(t, v.fg("completionText"), v.lit(item.completion), g)
        for k, a in enumerate(item.assignments, start=1):
            actors.setdefault(a.actor, set()).add(a.surface)
            edge = "participatesIn" if a.role == "participant" else "leads"
            yield v.quad(v.actor(a.actor), v.fg(edge), t, g)
            q = v.iri(f"{ID['assignment']}{local}-{a.role}-{k}")
            yield v.quad(q, v.TYPE, v.fg("Assignment"), g)
            yield v.quad(q, v.TYPE, v.n("prov", "Association"), g)
            yield v.quad(t, v.n("prov", "qualifiedAssociation"), q, g)
            yield v.quad(q, v.n("prov", "agent"), v.actor(a.actor), g)
            yield v.quad(q, v.fg("task"), t, g)
            yield v.quad(q, v.n("prov", "hadRole"), v.concept("RoleScheme", a.role), g)
            yield v.quad(q, v.fg("basis"), v.concept("BasisScheme", a.basis), g)
            yield v.quad(q, v.fg("surfaceForm"), v.zh(a.surface), g)
            yield v.quad(q, v.fg("position"), v.int(a.position), g)
            yield v.quad(q, v.fg("lineStart"), v.int(a.span.line_start), g)
            yield v.quad(q, v.fg("charStart"), v.int(a.span.char_start), g)
            yield v.quad(q, v.fg("charEnd"), v.int(a.span.char_end), g)
            yield v.quad(q, v.fg("snippet"), v.zh(a.snippet), g)
            yield v.quad(q, v.n("dcterms", "isPartOf"), P, g)
        latest = None
        for k, d in enumerate(item.deliverables, start=1):
            dv = v.iri(f"{ID['deliverable']}{local}-{k}")
            yield v.quad(dv, v.TYPE, v.fg("Deliverable"), g)
            yield v.quad(t, v.fg("hasDeliverable"), dv, g)
            yield v.quad(dv, v.fg("text"), v.zh(d.text), g)
            yield v.quad(dv, v.n("rdfs", "label"), v.zh(d.text), g)
            yield v.quad(dv, v.fg("lineStart"), v.int(d.span.line_start), g)
            yield v.quad(dv, v.n("dcterms", "isPartOf"), P, g)
            due = d.due
            if due is None:
                continue
            yield v.quad(dv, v.fg("dueWording"), v.zh(due.wording), g)
            if due.qualifier != "none":  # open-ended wordings (长期坚持) keep only fg:dueWording
                yield v.quad(dv, v.fg("dueQualifier"), v.lit(due.qualifier), g)
            if due.end is None:
                continue
            yield v.quad(dv, v.fg("dueBy"), v.date(due.end), g)
            yield v.quad(dv, v.fg("dueYear"), v.int(due.end.year), g)
            if due.start:
                yield v.quad(dv, v.fg("dueFrom"), v.date(due.start), g)
            if due.precision in _PRECISION:
                yield v.quad(dv, v.fg("datePrecision"), v.concept("PrecisionScheme", _PRECISION[due.precision]), g)
            latest = max(latest, due.end) if latest else due.end
        if latest:
            yield v.quad(t, v.fg("dueBy"), v.date(latest), g)
            yield v.quad(t, v.fg("dueYear"), v.int(latest.year), g)
        for k, ind in enumerate(item.indicators, start=1):
            iv = v.iri(f"{ID['indicator']}{local}-{k}")
            yield v.quad(iv, v.TYPE, v.fg("Indicator"), g)
            yield v.quad(t, v.fg("hasIndicator"), iv, g)
            yield v.quad(iv, v.fg("indicatorName"), v.zh(ind.name), g)
            yield v.quad(iv, v.n("rdfs", "label"), v.zh(f"{ind.name} {ind.value}{ind.unit}"), g)
            yield v.quad(iv, v.fg("value"), v.lit(str(ind.value), datatype=v.XSD_DEC), g)
            yield v.quad(iv, v.fg("unit"), v.lit(ind.unit), g)
            yield v.quad(iv, v.fg("comparator"), v.concept("ComparatorScheme", ind.comparator), g)
            yield v.quad(iv, v.fg("text"), v.zh(ind.text), g)
            if ind.year:
                yield v.quad(iv, v.fg("targetYear"), v.int(ind.year), g)
            if ind.place:
                place = default_gazetteer().lookup(ind.place)
                if place:
                    places.add_place(place.key)
                    yield v.quad(iv, v.fg("aboutPlace"), v.place(place.key), g)
                    if ind.unit == "人":
                        yield v.quad(v.place(place.key), v.fg("urbanPopulationTarget"), v.int(int(ind.value)), g)
                        if ind.year:
                            yield v.quad(v.place(place.key), v.fg("urbanPopulationTargetYear"), v.int(ind.year), g)
        for pm in item.places:
            places.add_place(pm.key)
            yield v.quad(t, v.fg("mentionsPlace"), v.place(pm.key), g)


def dataset_quads(plans: Iterable[Plan]) -> Iterator[ox.Quad]:
    """Every quad of a dataset: each plan's graph, the shared graph, and the ontology's graph.

    Two plans with the same slug (one document given twice) are an error.
    """
    shared = Shared()
    seen: dict[str, tuple[str, str]] = {}
    for plan in plans:
        slug = plan_slug(plan)
        claim_slug(seen, slug, plan.source, plan.doc_number)
        yield from plan_quads(plan, slug, shared)
    yield from shared.quads()
    yield from ontology_quads()


def build_store(plans: Iterable[Plan], store: ox.Store | None = None) -> ox.Store:
    """Load the quads of every plan into an Oxigraph store (in memory by default)."""
    store = store if store is not None else ox.Store()
    store.extend(dataset_quads(plans))
    return store
