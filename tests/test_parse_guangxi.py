"""The Guangxi plan (桂政办发〔2014〕94号) read into records and into the graph.

The figures are pinned twice: on the parsed records and, through SPARQL, on the
built graph. The second half tests each normalisation trap of the plan's
牵头单位/参加单位 lines, first on the real lines of the plan and then on a short
Guangxi-issued snippet read by the parser.
"""

from __future__ import annotations

from collections import Counter

import pytest

from fengong.agencies import default_registry, split_actors
from fengong.parse import parse_text

GX_HEADER = "广西壮族自治区人民政府办公厅关于印发测试分工方案的通知（桂政办发〔2014〕99号）\n一、测试\n"

LEADS_BY_AGENCY = {"住房城乡建设厅": 26, "发展改革委": 16, "公安厅": 6, "人力资源社会保障厅": 5, "国土资源厅": 4}


# -- the figures, on records --------------------------------------------------------------


def field_assignments(plan, role):
    return [a for item in plan.items for a in item.assignments if a.role == role and a.basis == "field"]


def test_records_items_and_field_leads(guangxi_plan):
    assert len(guangxi_plan.items) == 66
    led = [i for i in guangxi_plan.items if any(a.role == "lead" and a.basis == "field" for a in i.assignments)]
    assert len(led) == 63
    assert {i.numeral for i in guangxi_plan.items} - {i.numeral for i in led} == {"六十四", "六十五", "六十六"}


def test_records_assignment_counts(guangxi_plan):
    assert len(field_assignments(guangxi_plan, "lead")) == 92
    assert len(field_assignments(guangxi_plan, "participant")) == 163
    bases = Counter((a.role, a.basis) for i in guangxi_plan.items for a in i.assignments)
    assert bases == {("lead", "field"): 92, ("participant", "field"): 163, ("lead", "prose"): 1}


def test_records_actors(guangxi_plan):
    actors = {a.actor for a in field_assignments(guangxi_plan, "lead") + field_assignments(guangxi_plan, "participant")}
    assert sum(1 for a in actors if not a.collective) == 52
    assert sum(1 for a in actors if a.collective) == 6
    assert all(a.known and a.jurisdiction == "gx" for a in actors)


def test_records_leads_per_agency(guangxi_plan):
    counts = Counter(a.actor.short_zh for a in field_assignments(guangxi_plan, "lead"))
    assert {name: counts[name] for name in LEADS_BY_AGENCY} == LEADS_BY_AGENCY


def test_records_layout_header_and_no_warnings(guangxi_plan):
    assert guangxi_plan.layout == "fieldlines"
    assert guangxi_plan.jurisdiction == "gx"
    assert guangxi_plan.issuer.id == "gx-gov-office"
    assert guangxi_plan.doc_number == "桂政办发〔2014〕94号"
    assert guangxi_plan.rule is None
    assert guangxi_plan.warnings == []


def test_records_prose_lead_of_item_64(guangxi_plan):
    item = next(i for i in guangxi_plan.items if i.numeral == "六十四")
    assert [(a.actor.id, a.basis) for a in item.assignments] == [("gx-urbanization-office", "prose")]


# -- the same figures, through SPARQL on the built graph ----------------------------------


def one(store, query):
    rows = store.query(query).rows
    assert len(rows) == 1
    return int(rows[0][0].value)


def test_sparql_tasks_and_field_leads(store):
    assert one(store, "SELECT (COUNT(?t) AS ?n) WHERE { ?t a fg:Task }") == 66
    assert one(store, """SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {
        ?q fg:task ?t ; prov:hadRole fg:LeadRole ; fg:basis fg:ExplicitField }""") == 63


@pytest.mark.parametrize("role, n", [("fg:LeadRole", 92), ("fg:ParticipantRole", 163)])
def test_sparql_field_assignments(store, role, n):
    assert one(store, f"SELECT (COUNT(?q) AS ?n) WHERE {{ ?q a fg:Assignment ; prov:hadRole {role} ; fg:basis fg:ExplicitField }}") == n


@pytest.mark.parametrize("cls, n", [("fg:Agency", 52), ("fg:CollectiveActor", 6)])
def test_sparql_actors_named_in_fields(store, cls, n):
    assert one(store, f"""SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{
        ?q a fg:Assignment ; fg:basis fg:ExplicitField ; prov:agent ?a . ?a a {cls} }}""") == n


def test_sparql_leads_per_agency(store):
    rows = store.query("""SELECT ?label (COUNT(DISTINCT ?t) AS ?n) WHERE {
        ?q fg:task ?t ; prov:hadRole fg:LeadRole ; fg:basis fg:ExplicitField ; prov:agent ?a .
        ?a fg:shortLabel ?label } GROUP BY ?label""").dicts()
    counts = {r["label"]: int(r["n"]) for r in rows}
    assert {name: counts[name] for name in LEADS_BY_AGENCY} == LEADS_BY_AGENCY
    assert counts["发展改革委"] == 16


def test_sparql_lead_edges_include_the_prose_lead(store):
    assert one(store, "SELECT (COUNT(*) AS ?n) WHERE { ?a fg:leads ?t }") == 93


def test_sparql_layout_and_jurisdiction(store):
    rows = store.query("SELECT ?layout ?j WHERE { ?p a fg:Plan ; fg:layout ?layout ; fg:jurisdiction ?j }").dicts()
    assert rows == [{"layout": "fieldlines", "j": "https://w3id.org/fengong/id/place/450000"}]


# -- the normalisation traps, on the plan's own lines -------------------------------------


def actors_of(plan, numeral, role):
    item = next(i for i in plan.items if i.numeral == numeral)
    return [(a.surface, a.actor.id) for a in item.assignments if a.role == role]


def test_trap_collective_with_inner_separator_is_one_actor(guangxi_plan):
    # (十八) 牵头单位:各市、县(市、区)人民政府
    assert actors_of(guangxi_plan, "十八", "lead") == [("各市、县(市、区)人民政府", "gx-cities-counties-all")]


def test_trap_agency_and_collective_are_two(guangxi_plan):
    # (二十六) 牵头单位:住房城乡建设厅、相关县(市、区)人民政府
    assert actors_of(guangxi_plan, "二十六", "lead") == [
        ("住房城乡建设厅", "gx-housing"), ("相关县(市、区)人民政府", "gx-counties-relevant")]


def test_trap_shared_prefix_of_two_bodies(guangxi_plan):
    # (四十) 牵头单位:自治区工业和信息化委、发展改革委
    assert actors_of(guangxi_plan, "四十", "lead") == [
        ("自治区工业和信息化委", "gx-industry"), ("发展改革委", "gx-drc")]


def test_trap_with_and_without_prefix_are_one_agency(guangxi_plan):
    # (三十九) 卫生计生委 ; (六) 自治区卫生计生委
    assert ("卫生计生委", "gx-health") in actors_of(guangxi_plan, "三十九", "participant")
    assert ("自治区卫生计生委", "gx-health") in actors_of(guangxi_plan, "六", "lead")


def test_trap_ascii_comma_separates(guangxi_plan):
    # (二十) 参加单位:财政厅,各市、县(市、区)人民政府
    assert actors_of(guangxi_plan, "二十", "participant") == [
        ("财政厅", "gx-finance"), ("各市、县(市、区)人民政府", "gx-cities-counties-all")]


def test_trap_guangxi_prefix_shared_by_regulators(guangxi_plan):
    # (五十三) …,广西银监局、保监局、证监局,…
    got = actors_of(guangxi_plan, "五十三", "participant")
    assert [x for x in got if x[0] in ("广西银监局", "保监局", "证监局")] == [
        ("广西银监局", "gx-banking-regulation"), ("保监局", "gx-insurance-regulation"),
        ("证监局", "gx-securities-regulation")]


def test_trap_water_bureau_is_the_water_department(guangxi_plan):
    # (四十二) 参加单位:…、水利局、…
    assert ("水利局", "gx-water-resources") in actors_of(guangxi_plan, "四十二", "participant")


def test_trap_quoted_short_name(guangxi_plan):
    # (四十三) 牵头单位:自治区“美丽办”、…
    assert actors_of(guangxi_plan, "四十三", "lead")[0] == ("自治区“美丽办”", "gx-beautiful-guangxi")


# -- the traps again, in a short Guangxi-issued document -------------------------------------


def parse_fields(lead: str, participants: str | None = None):
    text = GX_HEADER + f"(一)测试任务。\n牵头单位:{lead}\n" + (f"参加单位:{participants}\n" if participants else "")
    return parse_text(text, "gx-snippet.txt")


@pytest.mark.parametrize(
    "value, ids",
    [
        ("各市、县(市、区)人民政府", ["gx-cities-counties-all"]),
        ("各市、县（市、区）人民政府", ["gx-cities-counties-all"]),
        ("住房城乡建设厅、相关县(市、区)人民政府", ["gx-housing", "gx-counties-relevant"]),
        ("自治区工业和信息化委、发展改革委", ["gx-industry", "gx-drc"]),
        ("卫生计生委、自治区卫生计生委", ["gx-health"]),
        ("财政厅,各市、县(市、区)人民政府", ["gx-finance", "gx-cities-counties-all"]),
        ("财政厅，教育厅", ["gx-finance", "gx-education"]),
        ("广西银监局、保监局、证监局", ["gx-banking-regulation", "gx-insurance-regulation", "gx-securities-regulation"]),
        ("水利局", ["gx-water-resources"]),
        ("自治区“美丽办”、农业厅", ["gx-beautiful-guangxi", "gx-agriculture"]),
    ],
)
def test_snippet_traps(value, ids):
    plan = parse_fields(value)
    assert plan.jurisdiction == "gx"
    assert [a.actor.id for a in plan.items[0].assignments] == ids
    assert all(a.actor.known for a in plan.items[0].assignments)


def test_snippet_same_actor_twice_is_kept_once_with_a_warning():
    plan = parse_fields("卫生计生委、自治区卫生计生委")
    assert any("named twice" in w for w in plan.warnings)


def test_snippet_unknown_name_is_kept_as_new_agency_with_a_warning():
    plan = parse_fields("自治区扶贫开发工作领导小组、财政厅")
    first = plan.items[0].assignments[0]
    assert (first.actor.known, first.actor.kind, first.actor.jurisdiction) == (False, "leading-group", "gx")
    assert first.actor.name_zh == "广西壮族自治区扶贫开发工作领导小组"
    assert first.actor.short_zh == "扶贫开发工作领导小组"
    assert [w for w in plan.warnings if "unknown agency" in w] == [
        f"gx-snippet.txt:4: unknown agency '自治区扶贫开发工作领导小组' kept as new leading-group {first.actor.id}"]


def test_split_keeps_collectives_whole():
    assert [p.surface for p in split_actors("各市、县(市、区)人民政府,相关市、县(市、区)政府")] == [
        "各市、县(市、区)人民政府", "相关市、县(市、区)政府"]


def test_registry_surface_forms_of_one_agency():
    reg = default_registry()
    forms = ["自治区发展改革委", "发展改革委", "广西发展改革委", "自治区发改委", "广西壮族自治区发展改革委"]
    assert {reg.resolve(f, "gx").id for f in forms} == {"gx-drc"}
