"""The packaged ontology (plan.ttl) and shapes (shapes.ttl) against the contract in docs/model.md."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD

FG = Namespace("https://w3id.org/fengong/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
PPLAN = Namespace("http://purl.org/net/p-plan#")
M8G = Namespace("http://data.europa.eu/m8g/")
ONTOLOGY_IRI = URIRef("https://w3id.org/fengong/ontology")

MODEL_MD = Path(__file__).resolve().parents[1] / "docs" / "model.md"

#: Registry codes (skos:notation) per concept scheme, exactly as the code looks them up.
NOTATIONS = {
    "AgencyKindScheme": {
        "department", "commission", "bureau", "office", "local-government", "local-government-collective",
        "department-collective", "central-branch", "state-enterprise", "leading-group", "public-institution", "other",
    },
    "LevelScheme": {"national", "provincial", "prefectural", "county"},
    "ComparatorScheme": {"at-least", "at-most", "about", "reach", "exceed"},
    "PrecisionScheme": {"day", "month", "year", "period"},
    "PlaceTypeScheme": {"country", "province", "prefecture", "county-level-city", "county", "district", "new-area"},
    "RoleScheme": {"lead", "participant", "responsible"},
    "BasisScheme": {"field", "inline", "first-listed-rule", "unranked", "prose"},
}


def _resource(name: str):
    return files("fengong.ontology").joinpath(name)


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(data=_resource("plan.ttl").read_text(encoding="utf-8"), format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(data=_resource("shapes.ttl").read_text(encoding="utf-8"), format="turtle")


def _model_md_terms() -> set[str]:
    text = MODEL_MD.read_text(encoding="utf-8")
    return set(re.findall(r"(?<![\w-])fg:([A-Za-z][A-Za-z0-9]*)", text))


def _langs(graph: Graph, node, *predicates) -> set[str]:
    return {
        o.language.split("-")[0]
        for p in predicates
        for o in graph.objects(node, p)
        if isinstance(o, Literal) and o.language
    }


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize("name", ["plan.ttl", "shapes.ttl"])
def test_parses_in_rdflib(name):
    graph = Graph().parse(data=_resource(name).read_text(encoding="utf-8"), format="turtle")
    assert len(graph) > 500


@pytest.mark.parametrize("name", ["plan.ttl", "shapes.ttl"])
def test_parses_in_pyoxigraph_with_same_triples(name):
    data = _resource(name).read_bytes()
    quads = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
    graph = Graph().parse(data=data.decode("utf-8"), format="turtle")
    assert len(quads) == len(graph)
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.TURTLE)
    assert len(store) == len(graph)


def test_ontology_header(onto):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert _langs(onto, ONTOLOGY_IRI, DCTERMS.title) >= {"zh", "en"}
    assert onto.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    assert onto.value(ONTOLOGY_IRI, DCTERMS.license) is not None
    assert onto.value(ONTOLOGY_IRI, DCTERMS.description) is not None


# --------------------------------------------------------------------------- contract coverage


def test_model_md_mentions_terms():
    terms = _model_md_terms()
    # sanity check of the extraction itself
    assert {"Plan", "leads", "participatesIn", "dueBy", "LeadRole", "CountyPlace"} <= terms
    assert "plan" not in terms  # fgplan: is a data prefix, not fg:


@pytest.mark.parametrize("local", sorted(_model_md_terms()))
def test_every_contract_term_is_declared_and_labelled(onto, local):
    term = FG[local]
    types = set(onto.objects(term, RDF.type))
    assert types, f"fg:{local} is used in docs/model.md but not declared in plan.ttl"
    assert types & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.Concept, SKOS.ConceptScheme}
    assert _langs(onto, term, RDFS.label, SKOS.prefLabel) >= {"zh", "en"}, f"fg:{local} lacks zh+en labels"


def test_every_class_and_property_has_english_comment(onto):
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in onto.subjects(RDF.type, kind):
            if isinstance(term, URIRef) and str(term).startswith(str(FG)):
                assert "en" in _langs(onto, term, RDFS.comment), term
                assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in onto, term


def test_schemes_hold_the_concepts_listed_in_model_md(onto):
    text = MODEL_MD.read_text(encoding="utf-8")
    block = text.split("Concept schemes", 1)[1].split("\nProperties", 1)[0]
    bullets = re.split(r"\n- ", block)
    seen = 0
    for bullet in bullets:
        bullet = re.sub(r"\([^)]*\)", "", bullet)  # drop glosses such as “(a post … fg:Post …)”
        names = re.findall(r"(?<![\w-])fg:([A-Za-z][A-Za-z0-9]*)", bullet)
        if not names or not names[0].endswith("Scheme"):
            continue
        scheme, members = names[0], names[1:]
        assert (FG[scheme], RDF.type, SKOS.ConceptScheme) in onto
        for member in members:
            assert (FG[member], SKOS.inScheme, FG[scheme]) in onto, f"fg:{member} not in fg:{scheme}"
        seen += 1
    assert seen == 7


# --------------------------------------------------------------------------- classes and properties


@pytest.mark.parametrize(
    "sub, sup",
    [
        (FG.Target, FG.Task),
        (FG.WorkRequirement, FG.Task),
        (FG.Plan, PROV.Plan),
        (FG.Task, PPLAN.Step),
        (FG.Actor, PROV.Agent),
        (FG.Agency, FG.Actor),
        (FG.Agency, ORG.Organization),
        (FG.CollectiveActor, FG.Actor),
        (FG.CollectiveActor, ORG.Organization),
        (FG.Post, FG.Actor),
        (FG.Post, ORG.Post),
        (FG.Assignment, PROV.Association),
    ],
)
def test_subclass_links_from_the_contract(onto, sub, sup):
    assert (sub, RDFS.subClassOf, sup) in onto


def test_agency_is_aligned_with_cpov(onto):
    assert (FG.Agency, SKOS.closeMatch, M8G.PublicOrganisation) in onto


@pytest.mark.parametrize("prop", [FG.leads, FG.participatesIn])
def test_direct_edges_are_object_properties_from_actor_to_task(onto, prop):
    assert (prop, RDF.type, OWL.ObjectProperty) in onto
    assert onto.value(prop, RDFS.domain) == FG.Actor
    assert onto.value(prop, RDFS.range) == FG.Task


def test_due_by_is_a_date_on_tasks_and_deliverables(onto):
    assert (FG.dueBy, RDF.type, OWL.DatatypeProperty) in onto
    assert onto.value(FG.dueBy, RDFS.range) == XSD.date
    union = onto.value(onto.value(FG.dueBy, RDFS.domain), OWL.unionOf)
    assert set(Collection(onto, union)) == {FG.Task, FG.Deliverable}
    comment = " ".join(str(c) for c in onto.objects(FG.dueBy, RDFS.comment))
    assert "time:hasEnd" in comment
    # OWL-Time is referenced, never imported
    assert not list(onto.objects(ONTOLOGY_IRI, OWL.imports))


def test_properties_are_object_or_datatype_properties(onto):
    for local in _model_md_terms():
        term = FG[local]
        if local[0].islower():
            kinds = set(onto.objects(term, RDF.type)) & {OWL.ObjectProperty, OWL.DatatypeProperty}
            assert len(kinds) == 1, f"fg:{local}"


# --------------------------------------------------------------------------- concepts


@pytest.mark.parametrize("scheme", sorted(NOTATIONS))
def test_concept_notations(onto, scheme):
    found = {
        str(onto.value(c, SKOS.notation))
        for c in onto.subjects(SKOS.inScheme, FG[scheme])
    }
    assert found == NOTATIONS[scheme]


def test_notations_are_unique_within_each_scheme(onto):
    for scheme in NOTATIONS:
        concepts = list(onto.subjects(SKOS.inScheme, FG[scheme]))
        notations = [str(n) for c in concepts for n in onto.objects(c, SKOS.notation)]
        assert len(notations) == len(set(notations)) == len(concepts)


def test_every_concept_is_labelled_and_defined(onto):
    concepts = list(onto.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == sum(len(v) for v in NOTATIONS.values())
    for c in concepts:
        assert _langs(onto, c, SKOS.prefLabel) >= {"zh", "en"}, c
        assert len([o for o in onto.objects(c, SKOS.prefLabel) if o.language == "zh"]) == 1, c
        assert onto.value(c, SKOS.definition) is not None, c
        assert onto.value(c, SKOS.inScheme) is not None, c


def test_role_concepts_are_prov_roles(onto):
    for c in onto.subjects(SKOS.inScheme, FG.RoleScheme):
        assert (c, RDF.type, PROV.Role) in onto


# --------------------------------------------------------------------------- shapes


def test_every_fengong_class_has_a_shape(onto, shapes):
    classes = {c for c in onto.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and str(c).startswith(str(FG))}
    targeted = set(shapes.objects(None, SH.targetClass))
    assert classes <= targeted, classes - targeted


def test_direct_edges_have_subject_shapes(shapes):
    assert set(shapes.objects(None, SH.targetSubjectsOf)) >= {FG.leads, FG.participatesIn}


def test_every_shape_has_name_description_and_english_message(shapes):
    all_shapes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    assert len(all_shapes) > 50
    for shape in all_shapes:
        assert "en" in _langs(shapes, shape, SH.name), shape
        assert shapes.value(shape, SH.description) is not None, shape
    for shape in set(shapes.subjects(RDF.type, SH.PropertyShape)):
        assert "en" in _langs(shapes, shape, SH.message), shape


def test_shapes_only_use_declared_terms(onto, shapes):
    used = {
        t
        for triple in shapes
        for t in triple
        if isinstance(t, URIRef) and str(t).startswith(str(FG))
    }
    for term in used:
        assert (term, RDF.type, None) in onto, term


@pytest.mark.parametrize(
    "shape, scheme",
    [
        ("Actor-classification", "AgencyKindScheme"),
        ("Actor-jurisdictionLevel", "LevelScheme"),
        ("Assignment-role", "RoleScheme"),
        ("Assignment-basis", "BasisScheme"),
        ("Deliverable-datePrecision", "PrecisionScheme"),
        ("Indicator-comparator", "ComparatorScheme"),
        ("Place-placeType", "PlaceTypeScheme"),
    ],
)
def test_shape_value_lists_match_concept_schemes(onto, shapes, shape, scheme):
    fgsh = Namespace("https://w3id.org/fengong/shapes#")
    allowed = set(Collection(shapes, shapes.value(fgsh[shape], SH["in"])))
    assert allowed == set(onto.subjects(SKOS.inScheme, FG[scheme]))


def test_no_shape_relies_on_inference_for_superclasses(shapes):
    # Subclass shapes check the explicit superclass type that fengong.model writes.
    fgsh = Namespace("https://w3id.org/fengong/shapes#")
    for prop, sup in [
        ("Target-type", FG.Task),
        ("WorkRequirement-type", FG.Task),
        ("Agency-type", FG.Actor),
        ("CollectiveActor-type", FG.Actor),
        ("Post-type", FG.Actor),
    ]:
        assert shapes.value(fgsh[prop], SH.path) == RDF.type
        assert shapes.value(fgsh[prop], SH.hasValue) == sup
