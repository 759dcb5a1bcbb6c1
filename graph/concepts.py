"""The ontology's own statements and its concept IRIs, read from ``ontology/plan.ttl``.

Kept apart from :mod:`fengong.model` so that readers of a built graph (analysis,
views) look up a concept without importing the document parser.

>>> concepts()["RoleScheme"]["participant"].value
'https://w3id.org/fengong/ontology#ParticipantRole'
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from importlib import resources

import pyoxigraph as ox

__all__ = ["ONTOLOGY_GRAPH", "ontology_quads", "concepts"]

#: Named graph holding the ontology itself, so concept labels and notations are queryable.
ONTOLOGY_GRAPH = ox.NamedNode("https://w3id.org/fengong/ontology")


@functools.lru_cache(maxsize=1)
def _ontology_triples() -> tuple[ox.Triple, ...]:
    data = (resources.files("fengong.ontology") / "plan.ttl").read_bytes()
    # The parser names blank nodes (OWL lists, restrictions) at random: renamed in order of
    # appearance, two builds of the same documents write the same bytes.
    names: dict[ox.BlankNode, ox.BlankNode] = {}

    def stable(term):
        if isinstance(term, ox.BlankNode):
            return names.setdefault(term, ox.BlankNode(f"ontology{len(names) + 1}"))
        return term

    return tuple(ox.Triple(stable(t.subject), t.predicate, stable(t.object)) for t in ox.parse(data, format=ox.RdfFormat.TURTLE))


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
