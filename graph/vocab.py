"""IRIs: the ontology's namespace, the W3C vocabularies it reuses, and the data namespaces.

Kept in one place so that the model, the queries and the exporters agree.

>>> FG("leads")
'https://w3id.org/fengong/ontology#leads'
>>> ID["task"]
'https://w3id.org/fengong/id/task/'
"""

from __future__ import annotations

__all__ = ["FG_NS", "ID_BASE", "ID", "PREFIXES", "FG", "sparql_prefixes"]

FG_NS = "https://w3id.org/fengong/ontology#"
ID_BASE = "https://w3id.org/fengong/id/"
#: One data namespace per entity type: a `/` may not stand in a prefixed local name.
ID = {kind: f"{ID_BASE}{kind}/" for kind in ("plan", "section", "task", "agency", "place", "deliverable", "indicator", "assignment")}

PREFIXES = {
    "fg": FG_NS,
    "fgplan": ID["plan"],
    "fgsec": ID["section"],
    "fgtask": ID["task"],
    "fgagency": ID["agency"],
    "fgplace": ID["place"],
    "fgdeliv": ID["deliverable"],
    "fgind": ID["indicator"],
    "fgasg": ID["assignment"],
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "time": "http://www.w3.org/2006/time#",
    "pplan": "http://purl.org/net/p-plan#",
}


def FG(local: str) -> str:  # noqa: N802 - reads like a namespace
    """Full IRI of an ontology term."""
    return FG_NS + local


def sparql_prefixes() -> str:
    """PREFIX lines for every prefix above, for queries written without them."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
