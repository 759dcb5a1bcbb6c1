"""fengong.validate: a hand-built graph that follows docs/model.md conforms; each single break is reported."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS, XSD

from fengong.validate import (
    ValidationIssue,
    ValidationResult,
    ValidatorError,
    load_ontology,
    load_shapes,
    validate,
)

FG = Namespace("https://w3id.org/fengong/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
PPLAN = Namespace("http://purl.org/net/p-plan#")
ID = "https://w3id.org/fengong/id/"
PLAN_NS = Namespace(ID + "plan/")
SEC_NS = Namespace(ID + "section/")
TASK_NS = Namespace(ID + "task/")
AGENCY_NS = Namespace(ID + "agency/")
PLACE_NS = Namespace(ID + "place/")
DELIV_NS = Namespace(ID + "deliverable/")
IND_NS = Namespace(ID + "indicator/")
ASG_NS = Namespace(ID + "assignment/")
SHARED = URIRef(ID + "graph/shared")

PLAN = PLAN_NS["gzbf-2014-94"]
PARENT_PLAN = PLAN_NS["gf-2014-13"]
SEC1 = SEC_NS["gzbf-2014-94-1"]
SEC2 = SEC_NS["gzbf-2014-94-2"]
TARGET = TASK_NS["gzbf-2014-94-2"]
TASK = TASK_NS["gzbf-2014-94-17"]
IND = IND_NS["gzbf-2014-94-2-1"]
POLICE = AGENCY_NS["gx-public-security"]
CITIES = AGENCY_NS["gx-city-county-governments"]
ISSUER = AGENCY_NS["gx-general-office"]
ASG_TARGET = ASG_NS["gzbf-2014-94-2-lead-1"]
ASG_LEAD = ASG_NS["gzbf-2014-94-17-lead-1"]
ASG_PART = ASG_NS["gzbf-2014-94-17-participant-2"]
DELIV1 = DELIV_NS["gzbf-2014-94-17-1"]
DELIV2 = DELIV_NS["gzbf-2014-94-17-2"]
GUANGXI = PLACE_NS["450000"]
NANNING = PLACE_NS["450100"]


def _zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def _int(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def _date(text: str) -> Literal:
    return Literal(text, datatype=XSD.date)


def shared_triples() -> list[tuple]:
    """Actors and places (the shared graph of docs/model.md)."""
    t = []
    for actor, cls, zh, en, short, key, kind, level in [
        (POLICE, FG.Agency, "广西壮族自治区公安厅", "Public Security Department of Guangxi", "公安厅",
         "public-security", FG.Department, FG.Provincial),
        (CITIES, FG.CollectiveActor, "各市、县（市、区）人民政府", "City and county governments", "各市、县(市、区)人民政府",
         "city-county-governments", FG.LocalGovernmentCollective, FG.Prefectural),
        (ISSUER, FG.Agency, "广西壮族自治区人民政府办公厅", "General Office of the Guangxi Government", "自治区人民政府办公厅",
         "general-office", FG.Office, FG.Provincial),
    ]:
        t += [
            (actor, RDF.type, cls),
            (actor, RDF.type, FG.Actor),
            (actor, RDF.type, ORG.Organization),
            (actor, SKOS.prefLabel, _zh(zh)),
            (actor, SKOS.prefLabel, Literal(en, lang="en")),
            (actor, FG.shortLabel, _zh(short)),
            (actor, SKOS.altLabel, _zh(short)),
            (actor, SKOS.notation, Literal(key)),
            (actor, ORG.classification, kind),
            (actor, FG.jurisdictionLevel, level),
            (actor, FG.jurisdiction, GUANGXI),
            (actor, FG.inRegistry, Literal(True)),
        ]
    t += [
        (GUANGXI, RDF.type, FG.Place),
        (GUANGXI, SKOS.prefLabel, _zh("广西壮族自治区")),
        (GUANGXI, SKOS.prefLabel, Literal("Guangxi Zhuang Autonomous Region", lang="en")),
        (GUANGXI, SKOS.altLabel, _zh("广西")),
        (GUANGXI, FG.divisionCode, Literal("450000")),
        (GUANGXI, FG.placeType, FG.Province),
        (NANNING, RDF.type, FG.Place),
        (NANNING, SKOS.prefLabel, _zh("南宁市")),
        (NANNING, SKOS.prefLabel, Literal("Nanning", lang="en")),
        (NANNING, FG.divisionCode, Literal("450100")),
        (NANNING, FG.placeType, FG.Prefecture),
        (NANNING, FG.within, GUANGXI),
        (NANNING, FG.urbanPopulationTarget, _int(3_000_000)),
        (NANNING, FG.urbanPopulationTargetYear, _int(2020)),
    ]
    return t


def _assignment(asg, task, agent, role, basis, surface, position, line, char_start):
    return [
        (asg, RDF.type, FG.Assignment),
        (asg, RDF.type, PROV.Association),
        (task, PROV.qualifiedAssociation, asg),
        (asg, PROV.agent, agent),
        (asg, FG.task, task),
        (asg, PROV.hadRole, role),
        (asg, FG.basis, basis),
        (asg, FG.surfaceForm, _zh(surface)),
        (asg, FG.position, _int(position)),
        (asg, FG.lineStart, _int(line)),
        (asg, FG.charStart, _int(char_start)),
        (asg, FG.charEnd, _int(char_start + len(surface))),
        (asg, FG.snippet, _zh(f"牵头单位:{surface}")),
        (asg, DCTERMS.isPartOf, PLAN),
    ]


def plan_triples() -> list[tuple]:
    """One plan with two sections, a target with an indicator and a task with assignments and deliverables."""
    t = [
        (PLAN, RDF.type, FG.Plan),
        (PLAN, RDF.type, PROV.Plan),
        (PLAN, DCTERMS.title, _zh("广西壮族自治区新型城镇化规划(2014—2020年)主要目标和重点任务分工方案")),
        (PLAN, FG.documentNumber, Literal("桂政办发〔2014〕94号")),
        (PLAN, DCTERMS.issued, _date("2014-10-01")),
        (PLAN, FG.issuer, ISSUER),
        (PLAN, FG.implements, PARENT_PLAN),
        (PLAN, FG.jurisdiction, GUANGXI),
        (PLAN, FG.sourceFile, Literal("guangxi-urbanization-2014-94.txt")),
        (PLAN, FG.encoding, Literal("utf-8")),
        (PLAN, FG.layout, Literal("field-lines")),
        # the implemented plan is a stub: no source file, no sections
        (PARENT_PLAN, RDF.type, FG.Plan),
        (PARENT_PLAN, FG.documentNumber, Literal("桂发〔2014〕13号")),
    ]
    for sec, n, numeral, title, line in [(SEC1, 1, "一", "目标指标", 14), (SEC2, 2, "二", "有序推进农业转移人口市民化", 116)]:
        t += [
            (sec, RDF.type, FG.Section),
            (sec, FG.number, _int(n)),
            (sec, FG.numeral, Literal(numeral)),
            (sec, DCTERMS.title, _zh(title)),
            (sec, DCTERMS.isPartOf, PLAN),
            (sec, FG.lineStart, _int(line)),
            (PLAN, FG.hasSection, sec),
        ]
    # target (二): 户籍人口城镇化率达到34.5%
    t += [
        (TARGET, RDF.type, FG.Target),
        (TARGET, RDF.type, FG.Task),
        (TARGET, RDF.type, PPLAN.Step),
        (TARGET, FG.number, _int(2)),
        (TARGET, FG.numeral, Literal("二")),
        (TARGET, DCTERMS.title, _zh("户籍人口城镇化率达到34.5%,农业转移人口和其他常住人口落户城镇新增600万人左右")),
        (TARGET, FG.text, _zh("户籍人口城镇化率达到34.5%,农业转移人口和其他常住人口落户城镇新增600万人左右。")),
        (TARGET, FG.inSection, SEC1),
        (TARGET, DCTERMS.isPartOf, PLAN),
        (TARGET, FG.lineStart, _int(26)),
        (TARGET, FG.lineEnd, _int(30)),
        (TARGET, FG.completionText, Literal("2020年")),
        (TARGET, FG.dueYear, _int(2020)),
        (TARGET, FG.hasIndicator, IND),
        (POLICE, FG.leads, TARGET),
        (IND, RDF.type, FG.Indicator),
        (IND, FG.indicatorName, _zh("户籍人口城镇化率")),
        (IND, FG.value, Literal(Decimal("34.5"))),
        (IND, FG.unit, Literal("%")),
        (IND, FG.comparator, FG.Reach),
        (IND, FG.targetYear, _int(2020)),
        (IND, FG.text, _zh("户籍人口城镇化率达到34.5%")),
        (IND, FG.aboutPlace, GUANGXI),
    ]
    t += _assignment(ASG_TARGET, TARGET, POLICE, FG.LeadRole, FG.ExplicitField, "公安厅", 1, 28, 700)
    # task (十七): 实施差别化落户政策
    t += [
        (TASK, RDF.type, FG.Task),
        (TASK, RDF.type, PPLAN.Step),
        (TASK, FG.number, _int(17)),
        (TASK, FG.numeral, Literal("十七")),
        (TASK, DCTERMS.title, _zh("实施差别化落户政策")),
        (TASK, RDFS.label, _zh("（十七）实施差别化落户政策")),
        (TASK, FG.text, _zh("实施差别化落户政策。合理放开南宁、柳州、桂林、梧州、玉林5个城区人口100万以上的大城市落户限制。")),
        (TASK, FG.inSection, SEC2),
        (TASK, DCTERMS.isPartOf, PLAN),
        (TASK, FG.lineStart, _int(118)),
        (TASK, FG.lineEnd, _int(124)),
        (TASK, FG.charStart, _int(3000)),
        (TASK, FG.charEnd, _int(3200)),
        (TASK, FG.dueBy, _date("2020-12-31")),
        (TASK, FG.dueYear, _int(2020)),
        (TASK, FG.mentionsPlace, NANNING),
        (TASK, FG.hasDeliverable, DELIV1),
        (TASK, FG.hasDeliverable, DELIV2),
        (POLICE, FG.leads, TASK),
        (CITIES, FG.participatesIn, TASK),
    ]
    t += _assignment(ASG_LEAD, TASK, POLICE, FG.LeadRole, FG.ExplicitField, "公安厅", 1, 120, 3210)
    t += _assignment(ASG_PART, TASK, CITIES, FG.ParticipantRole, FG.ExplicitField, "各市、县(市、区)人民政府", 1, 122, 3230)
    for deliv, text, wording, due, year, line in [
        (DELIV1, "2014年底出台推进户籍制度改革的政策措施", "2014年底", "2014-12-31", 2014, 124),
        (DELIV2, "2020年实现600万左右符合条件的农业转移人口落户城镇", "2020年", "2020-12-31", 2020, 124),
    ]:
        t += [
            (deliv, RDF.type, FG.Deliverable),
            (deliv, FG.text, _zh(text)),
            (deliv, FG.dueBy, _date(due)),
            (deliv, FG.dueYear, _int(year)),
            (deliv, FG.datePrecision, FG.YearPrecision),
            (deliv, FG.dueWording, _zh(wording)),
            (deliv, FG.dueQualifier, Literal("by")),
            (deliv, FG.lineStart, _int(line)),
        ]
    return t


def good_graph() -> Graph:
    g = Graph()
    for triple in plan_triples() + shared_triples():
        g.add(triple)
    return g


def good_dataset() -> Dataset:
    ds = Dataset()
    plan_graph = ds.graph(PLAN)
    for triple in plan_triples():
        plan_graph.add(triple)
    shared = ds.graph(SHARED)
    for triple in shared_triples():
        shared.add(triple)
    return ds


def _issues_for(result: ValidationResult, focus, path: str | None = None) -> list[ValidationIssue]:
    return [r for r in result.results if r.focus == focus and (path is None or r.path == path)]


def assert_reported(result: ValidationResult, focus, path: str | None, *words: str, short: str) -> ValidationIssue:
    """The result is a violation on *focus* (at *path*), and the text names the node and the problem."""
    assert not result.conforms
    issues = [i for i in _issues_for(result, focus, path) if i.severity == "Violation"]
    assert issues, f"no violation on {focus} {path}:\n{result.text}"
    lines = [line for line in result.text.splitlines() if short in line]
    assert lines, f"{short} not in report:\n{result.text}"
    joined = "\n".join(lines)
    for word in words:
        assert word in joined, f"{word!r} not in {joined!r}"
    return issues[0]


# --------------------------------------------------------------------------- conforming data


def test_hand_built_graph_conforms():
    result = validate(good_graph())
    assert result.conforms, result.text
    assert result.results == []
    assert result.text == "Conforms: no violations."


def test_dataset_is_validated_as_the_union_of_its_graphs():
    ds = good_dataset()
    assert validate(ds).conforms
    # The plan graph alone refers to actors described only in the shared graph.
    alone = validate(ds.graph(PLAN))
    assert not alone.conforms
    assert any(i.path == "prov:agent" for i in alone.results)


def test_conforms_also_with_the_ontology_mixed_in():
    assert validate(good_graph(), ontology=load_ontology()).conforms


def test_empty_graph_conforms():
    assert validate(Graph()).conforms


# --------------------------------------------------------------------------- the six breaks of the brief


def test_task_without_number():
    g = good_graph()
    g.remove((TASK, FG.number, None))
    result = validate(g)
    issue = assert_reported(result, TASK, "fg:number", "fg:number", "exactly one", short="fgtask:gzbf-2014-94-17 ")
    assert issue.severity == "Violation"
    assert "exactly one fg:number" in issue.message


def test_agency_with_two_chinese_preferred_labels():
    g = good_graph()
    g.add((POLICE, SKOS.prefLabel, _zh("公安厅")))
    result = validate(g)
    assert_reported(
        result, POLICE, "skos:prefLabel", "at most one skos:prefLabel per language", "UniqueLang",
        short="fgagency:gx-public-security",
    )
    # the focus is shown with its label, not as a raw IRI
    assert "https://" not in result.text.split("\n", 1)[1]
    assert "公安厅" in result.text


def test_due_by_that_is_a_string():
    g = good_graph()
    g.remove((TASK, FG.dueBy, None))
    g.add((TASK, FG.dueBy, Literal("2020-12-31")))
    result = validate(g)
    assert_reported(result, TASK, "fg:dueBy", "xsd:date", "Datatype", short="fgtask:gzbf-2014-94-17 ")


def test_assignment_without_agent():
    g = good_graph()
    g.remove((ASG_LEAD, PROV.agent, None))
    result = validate(g)
    assert_reported(
        result, ASG_LEAD, "prov:agent", "exactly one prov:agent", "MinCount",
        short="fgasg:gzbf-2014-94-17-lead-1",
    )


def test_leads_edge_whose_subject_is_not_an_actor():
    g = good_graph()
    g.add((NANNING, FG.leads, TASK))
    result = validate(g)
    issue = assert_reported(
        result, NANNING, None, "subject of fg:leads must be an fg:Actor", short="fgplace:450100",
    )
    assert issue.path is None
    assert "南宁市" in result.text  # label of the focus node


def test_participates_in_edge_whose_object_is_not_a_task():
    g = good_graph()
    g.add((CITIES, FG.participatesIn, NANNING))
    result = validate(g)
    assert_reported(
        result, CITIES, "fg:participatesIn", "object of fg:participatesIn must be an fg:Task",
        short="fgagency:gx-city-county-governments",
    )


@pytest.mark.parametrize("code", ["4501", "45010A", "4501000"])
def test_bad_division_code(code):
    g = good_graph()
    g.remove((NANNING, FG.divisionCode, None))
    g.add((NANNING, FG.divisionCode, Literal(code)))
    result = validate(g)
    assert_reported(result, NANNING, "fg:divisionCode", "six digits", "Pattern", short="fgplace:450100")


# --------------------------------------------------------------------------- other single breaks


def test_target_without_indicator():
    g = good_graph()
    g.remove((TARGET, FG.hasIndicator, None))
    g.remove((IND, None, None))
    result = validate(g)
    assert_reported(result, TARGET, "fg:hasIndicator", "at least one fg:hasIndicator", short="fgtask:gzbf-2014-94-2 ")


def test_target_not_explicitly_typed_as_task():
    g = good_graph()
    g.remove((TARGET, RDF.type, FG.Task))
    result = validate(g)
    assert_reported(result, TARGET, "rdf:type", "typed fg:Task explicitly", short="fgtask:gzbf-2014-94-2 ")


def test_agency_not_explicitly_typed_as_actor():
    g = good_graph()
    g.remove((POLICE, RDF.type, FG.Actor))
    result = validate(g)
    assert_reported(result, POLICE, "rdf:type", "typed fg:Actor explicitly", short="fgagency:gx-public-security")


def test_actor_without_chinese_label():
    g = good_graph()
    g.remove((CITIES, SKOS.prefLabel, None))
    g.add((CITIES, SKOS.prefLabel, Literal("City and county governments", lang="en")))
    result = validate(g)
    assert_reported(result, CITIES, "skos:prefLabel", "@zh", short="fgagency:gx-city-county-governments")


def test_actor_with_unknown_kind():
    g = good_graph()
    g.remove((POLICE, ORG.classification, None))
    g.add((POLICE, ORG.classification, FG.Province))
    result = validate(g)
    assert_reported(result, POLICE, "org:classification", "fg:AgencyKindScheme", short="fgagency:gx-public-security")


def test_assignment_with_unknown_role():
    g = good_graph()
    g.remove((ASG_PART, PROV.hadRole, None))
    g.add((ASG_PART, PROV.hadRole, FG.ExplicitField))
    result = validate(g)
    assert_reported(result, ASG_PART, "prov:hadRole", "fg:RoleScheme", short="fgasg:gzbf-2014-94-17-participant-2")


def test_assignment_whose_task_differs_from_the_task_that_lists_it():
    g = good_graph()
    g.remove((ASG_PART, FG.task, None))
    g.add((ASG_PART, FG.task, TARGET))
    result = validate(g)
    assert_reported(
        result, ASG_PART, "^prov:qualifiedAssociation", "must be its fg:task",
        short="fgasg:gzbf-2014-94-17-participant-2",
    )


def test_task_due_by_earlier_than_a_deliverable():
    g = good_graph()
    g.remove((TASK, FG.dueBy, None))
    g.add((TASK, FG.dueBy, _date("2015-12-31")))
    result = validate(g)
    assert_reported(result, TASK, None, "earlier than the fg:dueBy of one of its deliverables", short="fgtask:gzbf-2014-94-17 ")


def test_two_tasks_with_the_same_number():
    g = good_graph()
    g.remove((TARGET, FG.number, None))
    g.add((TARGET, FG.number, _int(17)))
    result = validate(g)
    assert_reported(result, TASK, None, "same fg:number", short="fgtask:gzbf-2014-94-17 ")
    assert_reported(result, TARGET, None, "same fg:number", short="fgtask:gzbf-2014-94-2 ")


def test_sub_tasks_may_share_a_number():
    g = good_graph()
    sub = TASK_NS["gzbf-2014-94-17-2"]
    for s, p, o in list(g.triples((TASK, None, None))):
        if p not in (FG.hasDeliverable, PROV.qualifiedAssociation, FG.dueBy):
            g.add((sub, p, o))
    g.add((TASK, FG.subNumber, _int(1)))
    g.add((sub, FG.subNumber, _int(2)))
    assert validate(g).conforms


def test_indicator_value_must_be_decimal_not_integer():
    g = good_graph()
    g.remove((IND, FG.value, None))
    g.add((IND, FG.value, Literal(34)))  # xsd:integer
    result = validate(g)
    assert_reported(result, IND, "fg:value", "xsd:decimal", short="fgind:gzbf-2014-94-2-1")


def test_deliverable_with_unknown_precision_and_text_without_language():
    g = good_graph()
    g.remove((DELIV1, FG.datePrecision, None))
    g.add((DELIV1, FG.datePrecision, FG.Reach))
    g.remove((DELIV1, FG.text, None))
    g.add((DELIV1, FG.text, Literal("2014年底出台政策措施")))
    result = validate(g)
    assert_reported(result, DELIV1, "fg:datePrecision", "fg:PrecisionScheme", short="fgdeliv:gzbf-2014-94-17-1")
    assert_reported(result, DELIV1, "fg:text", "@zh", short="fgdeliv:gzbf-2014-94-17-1")


def test_flat_plan_without_sections_conforms_but_unlisted_sections_do_not():
    g = good_graph()
    g.remove((PLAN, FG.hasSection, None))
    result = validate(g)
    # Sections that exist must be listed by their plan …
    assert_reported(result, SEC2, "^fg:hasSection", "fg:hasSection", short="fgsec:gzbf-2014-94-2 ")
    assert not _issues_for(result, PARENT_PLAN)
    # … but a flat numbered plan, with no sections at all, is fine.
    for sec in (SEC1, SEC2):
        for triple in list(g.triples((sec, None, None))):
            g.remove(triple)
    g.remove((None, FG.inSection, None))
    assert validate(g).conforms


def test_section_of_no_plan():
    g = good_graph()
    g.remove((SEC2, DCTERMS.isPartOf, None))
    result = validate(g)
    assert_reported(result, SEC2, "dcterms:isPartOf", "exactly one dcterms:isPartOf", short="fgsec:gzbf-2014-94-2 ")


# --------------------------------------------------------------------------- warnings


def test_missing_direct_edge_is_a_warning_only():
    g = good_graph()
    g.remove((CITIES, FG.participatesIn, TASK))
    result = validate(g)
    assert result.conforms
    assert [i.focus for i in result.warnings] == [ASG_PART]
    assert result.violations == []
    assert result.text.startswith("Conforms: 1 warning.")
    assert "fgasg:gzbf-2014-94-17-participant-2" in result.text


# --------------------------------------------------------------------------- report format


def test_report_groups_lines_by_shape():
    g = good_graph()
    g.remove((TASK, FG.number, None))
    g.remove((TARGET, FG.numeral, None))
    g.remove((ASG_LEAD, PROV.agent, None))
    result = validate(g)
    lines = result.text.splitlines()
    assert lines[0] == "Does not conform: 3 violations."
    headers = [line for line in lines if line and not line.startswith(" ") and line != lines[0]]
    assert headers == [
        "Assignment · 分工 (fgsh:AssignmentShape): 1",
        "Task · 任务 (fgsh:TaskShape): 2",
    ]
    body = [line for line in lines if line.startswith("  ")]
    assert len(body) == 3  # one line per violation
    assert all(line.startswith("  Violation  ") for line in body)


def test_results_are_plain_tuples():
    g = good_graph()
    g.remove((TASK, FG.number, None))
    (issue,) = validate(g).results
    focus, path, message, severity = issue
    assert (focus, path, severity) == (TASK, "fg:number", "Violation")
    assert message.startswith("A task must have exactly one fg:number")


def test_report_shows_blank_node_focus():
    g = good_graph()
    node = BNode()
    g.add((node, FG.leads, TASK))
    result = validate(g)
    assert any(i.focus == node for i in result.violations)
    assert f"_:{node}" in result.text


# --------------------------------------------------------------------------- API edges


def test_load_shapes_and_ontology_return_fresh_graphs():
    shapes = load_shapes()
    assert (None, SH.targetClass, FG.Task) in shapes
    shapes.remove((None, None, None))
    assert len(load_shapes()) > 500
    onto = load_ontology()
    assert (FG.Target, RDFS.subClassOf, FG.Task) in onto


def test_custom_shapes_graph():
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix fg: <https://w3id.org/fengong/ontology#> .
        <urn:s> a sh:NodeShape ; sh:name "Only plans"@en ; sh:targetClass fg:Place ;
            sh:property [ sh:path fg:divisionCode ; sh:maxCount 0 ; sh:message "no codes"@en ] .
        """,
        format="turtle",
    )
    result = validate(good_graph(), shapes=shapes)
    assert not result.conforms
    assert {i.focus for i in result.results} == {GUANGXI, NANNING}
    assert {i.message for i in result.results} == {"no codes"}


def test_broken_shapes_raise_validator_error():
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix fg: <https://w3id.org/fengong/ontology#> .
        <urn:s> a sh:NodeShape ; sh:targetClass fg:Task ;
            sh:sparql [ sh:select "SELECT $this WHERE { VALUES ?x { 1 } }" ] .
        """,
        format="turtle",
    )
    with pytest.raises(ValidatorError):
        validate(good_graph(), shapes=shapes)


def test_rejects_non_graphs():
    with pytest.raises(TypeError):
        validate("plan.ttl")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the bundled plan


def test_bundled_plan_conforms():
    from fengong.build import bundled_dataset

    ds = Dataset()
    ds.parse(data=bundled_dataset(), format="nquads")
    result = validate(ds)
    assert result.conforms, result.text
