"""The one projection from the RDF store to NetworkX.

:func:`to_networkx` reads tasks, actors, places and deliverables with their
``leads`` / ``participatesIn`` / ``hasDeliverable`` / ``mentionsPlace`` edges into a
``networkx.MultiDiGraph`` whose node keys are IRIs. Analysis, matrices, views and
the GraphML/GEXF exports all start from it, never from the text.

>>> from fengong.store import open_store
>>> g = to_networkx(open_store())
>>> sum(1 for _, d in g.nodes(data=True) if d["type"] in ("Task", "Target", "WorkRequirement"))
66
"""

from __future__ import annotations

import networkx as nx

from .store import Store

__all__ = ["to_networkx", "NODE_TYPES", "EDGE_TYPES"]

#: Node types in the projection, most specific first.
NODE_TYPES = ("Target", "WorkRequirement", "Task", "Agency", "CollectiveActor", "Post", "Place", "Deliverable")
#: Edge relations in the projection.
EDGE_TYPES = ("leads", "participatesIn", "hasDeliverable", "mentionsPlace")

_TASKS = """
SELECT ?t ?type ?number ?numeral ?sub ?label ?title ?text ?section ?sectionTitle ?plan ?planTitle ?due ?year WHERE {
  ?t a fg:Task ; fg:number ?number ; fg:numeral ?numeral ; rdfs:label ?label ; dcterms:isPartOf ?plan .
  BIND(IF(EXISTS { ?t a fg:Target }, "Target", IF(EXISTS { ?t a fg:WorkRequirement }, "WorkRequirement", "Task")) AS ?type)
  OPTIONAL { ?t dcterms:title ?title }
  OPTIONAL { ?t fg:text ?text }
  OPTIONAL { ?t fg:subNumber ?sub }
  OPTIONAL { ?t fg:inSection ?s . ?s fg:number ?section ; dcterms:title ?sectionTitle }
  OPTIONAL { ?plan dcterms:title ?planTitle }
  OPTIONAL { ?t fg:dueBy ?due ; fg:dueYear ?year }
}"""

_ACTORS = """
SELECT ?a ?type ?zh ?en ?short ?kind ?level ?known WHERE {
  ?a a fg:Actor ; skos:prefLabel ?zh .
  FILTER(LANG(?zh) = "zh")
  BIND(IF(EXISTS { ?a a fg:CollectiveActor }, "CollectiveActor", IF(EXISTS { ?a a fg:Post }, "Post", "Agency")) AS ?type)
  OPTIONAL { ?a skos:prefLabel ?en FILTER(LANG(?en) = "en") }
  OPTIONAL { ?a fg:shortLabel ?short }
  OPTIONAL { ?a org:classification ?k . ?k skos:notation ?kind }
  OPTIONAL { ?a fg:jurisdictionLevel ?l . ?l skos:notation ?level }
  OPTIONAL { ?a fg:inRegistry ?known }
}"""

_PLACES = """
SELECT ?p ?zh ?en ?code ?ptype WHERE {
  ?p a fg:Place ; skos:prefLabel ?zh . FILTER(LANG(?zh) = "zh")
  OPTIONAL { ?p skos:prefLabel ?en FILTER(LANG(?en) = "en") }
  OPTIONAL { ?p fg:divisionCode ?code }
  OPTIONAL { ?p fg:placeType ?pt . ?pt skos:notation ?ptype }
}"""

_DELIVERABLES = """
SELECT ?d ?text ?due ?year ?wording WHERE {
  ?d a fg:Deliverable ; fg:text ?text .
  OPTIONAL { ?d fg:dueBy ?due }
  OPTIONAL { ?d fg:dueYear ?year }
  OPTIONAL { ?d fg:dueWording ?wording }
}"""

_EDGES = """
SELECT ?s ?rel ?o WHERE {
  VALUES ?rel { fg:leads fg:participatesIn fg:hasDeliverable fg:mentionsPlace }
  ?s ?rel ?o .
}"""

_BASIS = """
SELECT ?a ?t ?basis WHERE {
  ?q a fg:Assignment ; prov:agent ?a ; fg:task ?t ; fg:basis ?b . ?b skos:notation ?basis .
}"""


def _attrs(row: dict[str, str | None], names: dict[str, str], ints: tuple[str, ...] = ()) -> dict:
    out = {}
    for var, attr in names.items():
        value = row.get(var)
        if value is None:
            continue  # GraphML/GEXF writers refuse None
        out[attr] = int(value) if var in ints else value
    return out


def to_networkx(store: Store) -> nx.MultiDiGraph:
    """Tasks, actors, places and deliverables with their edges, keyed by IRI."""
    g = nx.MultiDiGraph()
    for row in store.query(_TASKS).dicts():
        g.add_node(
            row["t"],
            **_attrs(
                row,
                {"type": "type", "number": "number", "numeral": "numeral", "sub": "sub_number", "label": "label",
                 "title": "title", "text": "text", "section": "section", "sectionTitle": "section_title",
                 "plan": "plan", "planTitle": "plan_title", "due": "due", "year": "due_year"},
                ints=("number", "sub", "section", "year"),
            ),
        )
    for row in store.query(_ACTORS).dicts():
        attrs = _attrs(row, {"type": "type", "zh": "name_zh", "en": "name_en", "short": "label", "kind": "kind", "level": "level"})
        attrs.setdefault("label", row["zh"])
        attrs["known"] = row.get("known") != "false"
        g.add_node(row["a"], **attrs)
    for row in store.query(_PLACES).dicts():
        attrs = _attrs(row, {"zh": "label", "en": "name_en", "code": "division_code", "ptype": "place_type"})
        g.add_node(row["p"], type="Place", name_zh=row["zh"], **attrs)
    for row in store.query(_DELIVERABLES).dicts():
        g.add_node(row["d"], type="Deliverable", **_attrs(row, {"text": "label", "due": "due", "year": "due_year", "wording": "due_wording"}, ints=("year",)))
    basis = {(r["a"], r["t"]): r["basis"] for r in store.query(_BASIS).dicts()}
    for row in store.query(_EDGES).dicts():
        rel = row["rel"].rsplit("#", 1)[-1]
        if row["s"] in g and row["o"] in g:
            attrs = {"relation": rel}
            if rel in ("leads", "participatesIn") and (row["s"], row["o"]) in basis:
                attrs["basis"] = basis[(row["s"], row["o"])]
            g.add_edge(row["s"], row["o"], key=rel, **attrs)
    return g
