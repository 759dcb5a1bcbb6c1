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

import re

import networkx as nx

from .store import OxigraphStore, Store

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


# The same reads shaped for embedded Oxigraph. On an on-disk store every index
# probe (a join by nested loop) costs ~50 µs and every IRI or long literal decoded
# out of order ~10–25 µs, so these are hash joins of single patterns
# (``{ SELECT … }`` blocks), plan and section titles are read once per plan and
# section rather than once per task, actors are bound by position
# (``VALUES (?a ?i)``) instead of decoded per assignment, and rows go straight
# from pyoxigraph to strings. The graph is the same; the generic queries above
# stay for other stores (and fengong.rowstore, which gathers them per plan).
# (A dict, not module constants, so that fengong.rowstore does not gather them.)
_EMBEDDED = {
    "tasks": """SELECT ?t ?target ?wr ?number ?numeral ?sub ?label ?title ?text ?s ?plan ?due ?year WHERE {
  { SELECT ?t WHERE { ?t a fg:Task } }
  { SELECT ?t ?number WHERE { ?t fg:number ?number } }
  { SELECT ?t ?numeral WHERE { ?t fg:numeral ?numeral } }
  { SELECT ?t ?label WHERE { ?t rdfs:label ?label } }
  { SELECT ?t ?plan WHERE { ?t dcterms:isPartOf ?plan } }
  OPTIONAL { SELECT ?t ?target WHERE { ?t a ?target FILTER(?target = fg:Target) } }
  OPTIONAL { SELECT ?t ?wr WHERE { ?t a ?wr FILTER(?wr = fg:WorkRequirement) } }
  OPTIONAL { SELECT ?t ?title WHERE { ?t dcterms:title ?title } }
  OPTIONAL { SELECT ?t ?text WHERE { ?t fg:text ?text } }
  OPTIONAL { SELECT ?t ?sub WHERE { ?t fg:subNumber ?sub } }
  OPTIONAL { SELECT ?t ?s WHERE { ?t fg:inSection ?s } }
  OPTIONAL { SELECT ?t ?due ?year WHERE { { SELECT ?t ?due WHERE { ?t fg:dueBy ?due } } { SELECT ?t ?year WHERE { ?t fg:dueYear ?year } } } }
}""",
    "sections": """SELECT ?s ?section ?title WHERE {
  { SELECT DISTINCT ?s WHERE { ?x fg:inSection ?s } }
  { SELECT ?s ?section WHERE { ?s fg:number ?section } }
  { SELECT ?s ?title WHERE { ?s dcterms:title ?title } }
}""",
    "plans": """SELECT ?plan ?title WHERE {
  { SELECT DISTINCT ?plan WHERE { ?x a fg:Task ; dcterms:isPartOf ?plan } }
  { SELECT ?plan ?title WHERE { ?plan dcterms:title ?title } }
}""",
    "deliverables": """SELECT ?d ?text ?due ?year ?wording WHERE {
  { SELECT ?d WHERE { ?d a fg:Deliverable } }
  { SELECT ?d ?text WHERE { ?d fg:text ?text } }
  OPTIONAL { SELECT ?d ?due WHERE { ?d fg:dueBy ?due } }
  OPTIONAL { SELECT ?d ?year WHERE { ?d fg:dueYear ?year } }
  OPTIONAL { SELECT ?d ?wording WHERE { ?d fg:dueWording ?wording } }
}""",
    "edges": "SELECT ?s ?o WHERE {{ ?s fg:{rel} ?o }}",
    "actor_edges": """SELECT ?i ?o WHERE {{
  {{ SELECT ?a ?o WHERE {{ ?a fg:{rel} ?o }} }}
  {{ VALUES (?a ?i) {{ {values} }} }}
}}""",
    "basis": """SELECT ?i ?t ?basis WHERE {{
  {{ SELECT ?q WHERE {{ ?q a fg:Assignment }} }}
  {{ SELECT ?q ?a WHERE {{ ?q prov:agent ?a }} }}
  {{ SELECT ?q ?t WHERE {{ ?q fg:task ?t }} }}
  {{ SELECT ?q ?b WHERE {{ ?q fg:basis ?b }} }}
  {{ SELECT ?b ?basis WHERE {{ ?b skos:notation ?basis }} }}
  {{ VALUES (?a ?i) {{ {values} }} }}
}}""",
}

_TASK_NAMES = {"type": "type", "number": "number", "numeral": "numeral", "sub": "sub_number", "label": "label",
               "title": "title", "text": "text", "section": "section", "sectionTitle": "section_title",
               "plan": "plan", "planTitle": "plan_title", "due": "due", "year": "due_year"}
_TASK_INTS = ("number", "sub", "section", "year")


def _ox_dicts(store: OxigraphStore, query: str) -> list[dict[str, str | None]]:
    """SELECT rows as ``{var: value}`` of plain strings (no :class:`fengong.store.Term`)."""
    return store.query(query).dicts()


def _ox_rows(store: OxigraphStore, query: str) -> list[tuple]:
    # Oxigraph's own TSV writer, read as plain strings: faster than its term objects, and without the GIL.
    return store.query(query).tuples()


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
    if isinstance(store, OxigraphStore):
        return _in_order(_to_networkx_embedded(store))
    g = nx.MultiDiGraph()
    for row in store.query(_TASKS).dicts():
        g.add_node(row["t"], **_attrs(row, _TASK_NAMES, ints=_TASK_INTS))
    _add_actors_and_places(g, store.query(_ACTORS).dicts(), store.query(_PLACES).dicts())
    for row in store.query(_DELIVERABLES).dicts():
        g.add_node(row["d"], type="Deliverable", **_attrs(row, {"text": "label", "due": "due", "year": "due_year", "wording": "due_wording"}, ints=("year",)))
    basis = {(r["a"], r["t"]): r["basis"] for r in store.query(_BASIS).dicts()}
    for row in store.query(_EDGES).dicts():
        _add_edge(g, row["s"], row["rel"].rsplit("#", 1)[-1], row["o"], basis)
    return _in_order(g)


_DIGITS = re.compile(r"([0-9]+)")


def _natural(iri: str) -> tuple:
    """A sort key that puts ``task/x-2`` before ``task/x-10`` (a run of digits compared as a
    number, by its length without leading zeros and then its digits: no ``int()`` of any length).

    >>> sorted(["t-10", "t-2", "s-1", "t-02"], key=_natural)
    ['s-1', 't-2', 't-02', 't-10']
    >>> _natural("p-" + "7" * 5000) < _natural("p-" + "8" * 5000) < _natural("p-1" + "0" * 5000)
    True
    """
    key = []
    for i, part in enumerate(_DIGITS.split(iri)):
        if i % 2:
            digits = part.lstrip("0")
            key.append((len(digits), digits, len(part)))
        else:
            key.append(part)
    return tuple(key)


def _in_order(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """*g* with its nodes and edges in the order of their IRIs (numbers as numbers).

    An engine returns rows in an order of its own (Oxigraph's follows its hashes of
    the terms; rdflib's, an endpoint's or rows gathered plan by plan differ), and a
    view's layout and lists follow the graph's order: so the same graph makes the
    same page whatever answered the queries.
    """
    nodes = sorted(g.nodes, key=_natural)
    rank = {n: i for i, n in enumerate(nodes)}
    ordered = nx.MultiDiGraph()
    ordered.graph.update(g.graph)
    attrs = g.nodes
    ordered.add_nodes_from((n, attrs[n]) for n in nodes)
    ordered.add_edges_from(sorted(g.edges(keys=True, data=True), key=lambda e: (rank[e[0]], rank[e[1]], e[2])))
    return ordered


def _add_actors_and_places(g: nx.MultiDiGraph, actors, places) -> None:
    for row in actors:
        attrs = _attrs(row, {"type": "type", "zh": "name_zh", "en": "name_en", "short": "label", "kind": "kind", "level": "level"})
        attrs.setdefault("label", row["zh"])
        attrs["known"] = row.get("known") != "false"
        g.add_node(row["a"], **attrs)
    for row in places:
        attrs = _attrs(row, {"zh": "label", "en": "name_en", "code": "division_code", "ptype": "place_type"})
        g.add_node(row["p"], type="Place", name_zh=row["zh"], **attrs)


def _add_edge(g: nx.MultiDiGraph, s: str, rel: str, o: str, basis: dict) -> None:
    if s in g and o in g:
        attrs = {"relation": rel}
        if rel in ("leads", "participatesIn") and (s, o) in basis:
            attrs["basis"] = basis[(s, o)]
        g.add_edge(s, o, key=rel, **attrs)


def _to_networkx_embedded(store: OxigraphStore) -> nx.MultiDiGraph:
    """:func:`to_networkx` on embedded Oxigraph (see the comment on ``_EMBEDDED``)."""
    g = nx.MultiDiGraph()
    plans = dict(_ox_rows(store, _EMBEDDED["plans"]))
    sections = {s: (n, title) for s, n, title in _ox_rows(store, _EMBEDDED["sections"])}
    for t, target, wr, number, numeral, sub, label, title, text, s, plan, due, year in _ox_rows(store, _EMBEDDED["tasks"]):
        section, section_title = sections.get(s, (None, None))
        row = {"type": "Target" if target else "WorkRequirement" if wr else "Task", "number": number, "numeral": numeral,
               "sub": sub, "label": label, "title": title, "text": text, "section": section, "sectionTitle": section_title,
               "plan": plan, "planTitle": plans.get(plan), "due": due, "year": year}
        g.add_node(t, **_attrs(row, _TASK_NAMES, ints=_TASK_INTS))
    _add_actors_and_places(g, _ox_dicts(store, _ACTORS), _ox_dicts(store, _PLACES))
    for row in _ox_dicts(store, _EMBEDDED["deliverables"]):
        g.add_node(row["d"], type="Deliverable", **_attrs(row, {"text": "label", "due": "due", "year": "due_year", "wording": "due_wording"}, ints=("year",)))
    actors = sorted(n for n, d in g.nodes(data=True) if d.get("type") in ("Agency", "CollectiveActor", "Post"))
    values = " ".join(f"(<{a}> {i})" for i, a in enumerate(actors))
    basis = {(actors[int(i)], t): b for i, t, b in _ox_rows(store, _EMBEDDED["basis"].format(values=values))} if actors else {}
    for rel in EDGE_TYPES:
        if rel in ("leads", "participatesIn"):  # only actors lead or take part: bound by position
            pairs = ((actors[int(i)], o) for i, o in _ox_rows(store, _EMBEDDED["actor_edges"].format(rel=rel, values=values))) if actors else ()
        else:
            pairs = _ox_rows(store, _EMBEDDED["edges"].format(rel=rel))
        for s, o in pairs:
            _add_edge(g, s, rel, o, basis)
    return g
