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
from collections.abc import Iterable, Iterator
from importlib import resources

import pyoxigraph as ox

from .agencies import Actor
from .parse import plan_slug
from .places import default_gazetteer
from .records import Plan
from .vocab import FG, ID, ID_BASE, PREFIXES

__all__ = ["plan_quads", "dataset_quads", "build_store", "Shared", "SHARED_GRAPH", "ONTOLOGY_GRAPH", "ontology_quads", "plan_iri", "actor_iri", "place_iri", "concepts", "actor_quads"]

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


#: Named graph holding the ontology itself, so concept labels and notations are queryable.
ONTOLOGY_GRAPH = ox.NamedNode("https://w3id.org/fengong/ontology")


@functools.lru_cache(maxsize=1)
def _ontology_triples() -> tuple[ox.Triple, ...]:
    data = (resources.files("fengong.ontology") / "plan.ttl").read_bytes()
    return tuple(ox.parse(data, format=ox.RdfFormat.TURTLE))


def ontology_quads() -> Iterator[ox.Quad]:
    """The ontology (``ontology/plan.ttl``) as quads in :data:`ONTOLOGY_GRAPH`."""
    for t in _ontology_triples():
        yield ox.Quad(t.subject, t.predicate, t.object, ONTOLOGY_GRAPH)


@functools.lru_cache(maxsize=1)
def concepts() -> dict[str, dict[str, ox.NamedNode]]:
    """Concept IRIs by scheme local name and notation, read from the ontology.

    >>> concepts()["RoleScheme"]["lead"].value
    'https://w3id.org/fengong/ontology#LeadRole'
    """
    store = ox.Store()
    store.extend(ontology_quads())
    q = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
           SELECT ?scheme ?c ?n WHERE { ?c skos:inScheme ?scheme ; skos:notation ?n }"""
    out: dict[str, dict[str, ox.NamedNode]] = {}
    for row in store.query(q, use_default_graph_as_union=True):
        scheme = row["scheme"].value.rsplit("#", 1)[-1]
        out.setdefault(scheme, {})[row["n"].value] = row["c"]
    return out


def _concept(scheme: str, notation: str) -> ox.NamedNode:
    try:
        return concepts()[scheme][notation]
    except KeyError:
        raise KeyError(f"ontology has no {scheme} concept with notation {notation!r}") from None


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


def plan_quads(plan: Plan, slug: str | None = None, shared: Shared | None = None) -> Iterator[ox.Quad]:
    """The quads of one plan, in the named graph of the plan's IRI.

    The actors and places it names are recorded in *shared*; their own
    descriptions come from :meth:`Shared.quads`.
    """
    slug = slug or plan_slug(plan)
    shared = shared if shared is not None else Shared()
    g = plan_iri(slug)
    P = g
    yield ox.Quad(P, _RDF_TYPE, _fg("Plan"), g)
    yield ox.Quad(P, _RDF_TYPE, _n("prov", "Plan"), g)
    yield ox.Quad(P, _n("dcterms", "title"), _zh(plan.title), g)
    yield ox.Quad(P, _n("rdfs", "label"), _zh(plan.title), g)
    if plan.notice_title:
        yield ox.Quad(P, _n("dcterms", "alternative"), _zh(plan.notice_title), g)
    if plan.doc_number:
        yield ox.Quad(P, _fg("documentNumber"), ox.Literal(plan.doc_number), g)
    if plan.issued:
        yield ox.Quad(P, _n("dcterms", "issued"), _date(plan.issued), g)
    yield ox.Quad(P, _fg("sourceFile"), ox.Literal(plan.source), g)
    yield ox.Quad(P, _fg("encoding"), ox.Literal(plan.encoding), g)
    yield ox.Quad(P, _fg("layout"), ox.Literal(plan.layout), g)
    if plan.rule:
        yield ox.Quad(P, _fg("rule"), _zh(plan.rule), g)
    places = shared
    actors = shared.actors
    try:
        default_gazetteer().get(plan.jurisdiction)
        yield ox.Quad(P, _fg("jurisdiction"), place_iri(plan.jurisdiction), g)
        places.add_place(plan.jurisdiction)
    except KeyError:
        pass
    if plan.issuer:
        yield ox.Quad(P, _fg("issuer"), actor_iri(plan.issuer), g)
        yield ox.Quad(P, _n("dcterms", "publisher"), actor_iri(plan.issuer), g)
        actors.setdefault(plan.issuer, set()).add(plan.issuer_name or plan.issuer.short_zh)
    for number, title in plan.implements:
        other = ox.NamedNode(ID["plan"] + plan_slug(Plan(title="", source="", text="", encoding="", layout="", doc_number=number)))
        yield ox.Quad(P, _fg("implements"), other, g)
        yield ox.Quad(other, _RDF_TYPE, _fg("Plan"), g)
        yield ox.Quad(other, _fg("documentNumber"), ox.Literal(number), g)
        if title:
            yield ox.Quad(other, _n("dcterms", "title"), _zh(title), g)
    for sec in plan.sections:
        s = ox.NamedNode(f"{ID['section']}{slug}-{sec.number}")
        yield ox.Quad(s, _RDF_TYPE, _fg("Section"), g)
        yield ox.Quad(s, _fg("number"), _int(sec.number), g)
        yield ox.Quad(s, _fg("numeral"), ox.Literal(sec.numeral), g)
        yield ox.Quad(s, _n("dcterms", "title"), _zh(sec.title), g)
        yield ox.Quad(s, _n("rdfs", "label"), _zh(f"{sec.numeral}、{sec.title}"), g)
        yield ox.Quad(s, _n("dcterms", "isPartOf"), P, g)
        yield ox.Quad(s, _fg("lineStart"), _int(sec.span.line_start), g)
        yield ox.Quad(P, _fg("hasSection"), s, g)
    for item in plan.items:
        local = f"{slug}-{item.number}" + (f"-{item.sub_number}" if item.sub_number is not None else "")
        t = ox.NamedNode(ID["task"] + local)
        yield ox.Quad(t, _RDF_TYPE, _fg("Task"), g)
        yield ox.Quad(t, _RDF_TYPE, _n("pplan", "Step"), g)
        if item.kind == "target":
            yield ox.Quad(t, _RDF_TYPE, _fg("Target"), g)
        elif item.kind == "requirement":
            yield ox.Quad(t, _RDF_TYPE, _fg("WorkRequirement"), g)
        yield ox.Quad(t, _fg("number"), _int(item.number), g)
        yield ox.Quad(t, _fg("numeral"), ox.Literal(item.numeral), g)
        if item.sub_number is not None:
            yield ox.Quad(t, _fg("subNumber"), _int(item.sub_number), g)
        yield ox.Quad(t, _n("dcterms", "title"), _zh(item.title), g)
        yield ox.Quad(t, _n("rdfs", "label"), _zh(item.label), g)
        yield ox.Quad(t, _fg("text"), _zh(item.text), g)
        yield ox.Quad(t, _n("dcterms", "isPartOf"), P, g)
        yield ox.Quad(t, _n("pplan", "isStepOfPlan"), P, g)
        if plan.sections:
            yield ox.Quad(t, _fg("inSection"), ox.NamedNode(f"{ID['section']}{slug}-{item.section}"), g)
        yield ox.Quad(t, _fg("lineStart"), _int(item.span.line_start), g)
        yield ox.Quad(t, _fg("lineEnd"), _int(item.span.line_end), g)
        if item.completion:
            yield ox.Quad(t, _fg("completionText"), ox.Literal(item.completion), g)
        for k, a in enumerate(item.assignments, start=1):
            actors.setdefault(a.actor, set()).add(a.surface)
            edge = "participatesIn" if a.role == "participant" else "leads"
            yield ox.Quad(actor_iri(a.actor), _fg(edge), t, g)
            q = ox.NamedNode(f"{ID['assignment']}{local}-{a.role}-{k}")
            yield ox.Quad(q, _RDF_TYPE, _fg("Assignment"), g)
            yield ox.Quad(q, _RDF_TYPE, _n("prov", "Association"), g)
            yield ox.Quad(t, _n("prov", "qualifiedAssociation"), q, g)
            yield ox.Quad(q, _n("prov", "agent"), actor_iri(a.actor), g)
            yield ox.Quad(q, _fg("task"), t, g)
            yield ox.Quad(q, _n("prov", "hadRole"), _concept("RoleScheme", a.role), g)
            yield ox.Quad(q, _fg("basis"), _concept("BasisScheme", a.basis), g)
            yield ox.Quad(q, _fg("surfaceForm"), _zh(a.surface), g)
            yield ox.Quad(q, _fg("position"), _int(a.position), g)
            yield ox.Quad(q, _fg("lineStart"), _int(a.span.line_start), g)
            yield ox.Quad(q, _fg("charStart"), _int(a.span.char_start), g)
            yield ox.Quad(q, _fg("charEnd"), _int(a.span.char_end), g)
            yield ox.Quad(q, _fg("snippet"), _zh(a.snippet), g)
            yield ox.Quad(q, _n("dcterms", "isPartOf"), P, g)
        latest = None
        for k, d in enumerate(item.deliverables, start=1):
            dv = ox.NamedNode(f"{ID['deliverable']}{local}-{k}")
            yield ox.Quad(dv, _RDF_TYPE, _fg("Deliverable"), g)
            yield ox.Quad(t, _fg("hasDeliverable"), dv, g)
            yield ox.Quad(dv, _fg("text"), _zh(d.text), g)
            yield ox.Quad(dv, _n("rdfs", "label"), _zh(d.text), g)
            yield ox.Quad(dv, _fg("lineStart"), _int(d.span.line_start), g)
            yield ox.Quad(dv, _n("dcterms", "isPartOf"), P, g)
            due = d.due
            if due is None:
                continue
            yield ox.Quad(dv, _fg("dueWording"), _zh(due.wording), g)
            if due.qualifier != "none":  # open-ended wordings (长期坚持) keep only fg:dueWording
                yield ox.Quad(dv, _fg("dueQualifier"), ox.Literal(due.qualifier), g)
            if due.end is None:
                continue
            yield ox.Quad(dv, _fg("dueBy"), _date(due.end), g)
            yield ox.Quad(dv, _fg("dueYear"), _int(due.end.year), g)
            if due.start:
                yield ox.Quad(dv, _fg("dueFrom"), _date(due.start), g)
            if due.precision in _PRECISION:
                yield ox.Quad(dv, _fg("datePrecision"), _concept("PrecisionScheme", _PRECISION[due.precision]), g)
            latest = max(latest, due.end) if latest else due.end
        if latest:
            yield ox.Quad(t, _fg("dueBy"), _date(latest), g)
            yield ox.Quad(t, _fg("dueYear"), _int(latest.year), g)
        for k, ind in enumerate(item.indicators, start=1):
            iv = ox.NamedNode(f"{ID['indicator']}{local}-{k}")
            yield ox.Quad(iv, _RDF_TYPE, _fg("Indicator"), g)
            yield ox.Quad(t, _fg("hasIndicator"), iv, g)
            yield ox.Quad(iv, _fg("indicatorName"), _zh(ind.name), g)
            yield ox.Quad(iv, _n("rdfs", "label"), _zh(f"{ind.name} {ind.value}{ind.unit}"), g)
            yield ox.Quad(iv, _fg("value"), ox.Literal(str(ind.value), datatype=_XSD_DEC), g)
            yield ox.Quad(iv, _fg("unit"), ox.Literal(ind.unit), g)
            yield ox.Quad(iv, _fg("comparator"), _concept("ComparatorScheme", ind.comparator), g)
            yield ox.Quad(iv, _fg("text"), _zh(ind.text), g)
            if ind.year:
                yield ox.Quad(iv, _fg("targetYear"), _int(ind.year), g)
            if ind.place:
                place = default_gazetteer().lookup(ind.place)
                if place:
                    places.add_place(place.key)
                    yield ox.Quad(iv, _fg("aboutPlace"), place_iri(place.key), g)
                    if ind.unit == "人":
                        yield ox.Quad(place_iri(place.key), _fg("urbanPopulationTarget"), _int(int(ind.value)), g)
                        if ind.year:
                            yield ox.Quad(place_iri(place.key), _fg("urbanPopulationTargetYear"), _int(ind.year), g)
        for pm in item.places:
            places.add_place(pm.key)
            yield ox.Quad(t, _fg("mentionsPlace"), place_iri(pm.key), g)


def dataset_quads(plans: Iterable[Plan]) -> Iterator[ox.Quad]:
    """Every quad of a dataset: each plan's graph, the shared graph, and the ontology's graph.

    Two plans with the same slug (one document given twice) are an error.
    """
    shared = Shared()
    seen: dict[str, str] = {}
    for plan in plans:
        slug = plan_slug(plan)
        if slug in seen:
            from . import FengongError

            raise FengongError(f"{plan.source}: same document number as {seen[slug]} ({plan.doc_number or slug})")
        seen[slug] = plan.source
        yield from plan_quads(plan, slug, shared)
    yield from shared.quads()
    yield from ontology_quads()


def build_store(plans: Iterable[Plan], store: ox.Store | None = None) -> ox.Store:
    """Load the quads of every plan into an Oxigraph store (in memory by default)."""
    store = store if store is not None else ox.Store()
    store.extend(dataset_quads(plans))
    return store
