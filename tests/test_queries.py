"""The query library: every named query runs on Oxigraph and on rdflib with identical
results, and gives the figures of the Guangxi plan (checked against the parsed
records, counted independently of the graph)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from fengong import FengongError
from fengong.places import default_gazetteer
from fengong.querylib import PARAM_TYPES, bind_params, list_queries, load_query, query_from_text, run_query, suggest
from fengong.store import Term
from fengong.vocab import PREFIXES

XSD = PREFIXES["xsd"]
AGENCY = "https://w3id.org/fengong/id/agency/"
#: The parameters every parameterised query is run with in the cross-engine test.
STANDARD = {"agency": "公安厅", "task": "二十六", "year": "2014", "city": "南宁"}
#: A parameter value that would break out of the query if it were pasted into the text.
HOSTILE = '" } ; DROP ALL # \' ?agency <x> """'
NUMERIC = {XSD + t for t in ("decimal", "double", "float")}


# ---------------------------------------------------------------- helpers


def _norm(term: Term | None):
    """A term as a comparable tuple.

    Decimal and double lexical forms are compared as numbers: the engines may
    print the same value differently (rdflib can write ``54.0`` where Oxigraph
    writes ``54``); integers, strings, language tags and datatypes must match exactly.
    """
    if term is None:
        return None
    value = term.value
    if term.kind == "literal" and term.datatype in NUMERIC:
        value = str(Decimal(value).normalize())
    return (term.kind, value, term.datatype, term.lang)


def comparable(result):
    rows = [tuple(_norm(t) for t in row) for row in result.rows]
    triples = sorted(tuple(_norm(t) for t in tr) for tr in result.triples) if result.triples is not None else None
    return result.vars, rows, result.boolean, triples


def run_both(store, memory_store, name, params=None):
    """Run a library query on both engines, require the same result, return Oxigraph's."""
    info = load_query(name)
    ox_result = run_query(store, info, params)
    mem_result = run_query(memory_store, info, params)
    assert comparable(ox_result) == comparable(mem_result), f"{name} {params}: engines differ"
    return ox_result


def local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def leads_of(item):
    return {a.actor.id for a in item.leads}


def parts_of(item):
    return {a.actor.id for a in item.participants}


def numerals(rows, key="numeral"):
    return [r[key] for r in rows]


# ---------------------------------------------------------------- the library itself


def test_library_has_at_least_15_documented_queries():
    queries = list_queries()
    assert len(queries) >= 15
    for q in queries:
        assert q.title_en and q.title_zh and q.description, q.name
        assert re.search(r"[\u4e00-\u9fff]", q.title_zh), q.name
        for p in q.params:
            assert p.type in PARAM_TYPES and p.description, (q.name, p.name)
    names = {q.name for q in queries}
    for needed in ("agency-workload", "agency-tasks", "task-agencies", "co-lead-pairs", "lead-participant-pairs",
                   "deliverables-due-by", "deliverables-by-agency-year", "tasks-without-lead", "tasks-many-leads",
                   "tasks-in-city", "targets", "agencies-only-participate", "agencies-by-section", "collective-actors"):
        assert needed in names


def test_queries_avoid_constructs_the_engines_disagree_on():
    for q in list_queries():
        body = "\n".join(line for line in q.text.splitlines() if not line.lstrip().startswith("#"))
        assert "gYear" not in body, q.name  # rdflib 7.6 cannot order xsd:gYear
        assert "GROUP_CONCAT" not in body.upper(), q.name  # concatenation order is engine-defined
        if "SELECT" in body and "CONSTRUCT" not in body:
            assert re.search(r"ORDER BY", body), f"{q.name}: rows must come in a fixed order"


def test_parameters_are_projected_for_oxigraph_substitution():
    # Oxigraph substitutes only variables of the SELECT clause (SEP-0007).
    for q in list_queries():
        head = q.text.split("WHERE", 1)[0]
        for p in q.params:
            assert f"?{p.name}" in head, f"{q.name}: ?{p.name} must be projected"


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_every_query_gives_the_same_result_on_both_engines(store, memory_store, name):
    info = load_query(name)
    params = {p.name: STANDARD[p.name] for p in info.params if p.name in STANDARD}
    result = run_both(store, memory_store, name, params)
    assert result.rows or result.triples, f"{name} returned nothing on the Guangxi plan"


@pytest.mark.parametrize("name", [q.name for q in list_queries() if q.params])
def test_parameters_are_bound_not_pasted(store, memory_store, name):
    info = load_query(name)
    sizes = (len(store), len(memory_store))
    for param in info.params:
        others = {p.name: STANDARD.get(p.name, p.default) for p in info.params if p.name != param.name}
        if param.type == "literal":
            for st in (store, memory_store):
                result = run_query(st, info, {**others, param.name: HOSTILE})
                assert result.rows == [], f"{name} on {st.engine}"
        else:  # a typed value is checked before it reaches the engine
            with pytest.raises(FengongError, match=f"parameter '{param.name}' must be"):
                run_query(store, info, {**others, param.name: HOSTILE})
    assert (len(store), len(memory_store)) == sizes  # nothing was dropped or added


# ---------------------------------------------------------------- figures of the Guangxi plan


def test_agency_workload(store, memory_store, guangxi_plan):
    rows = run_both(store, memory_store, "agency-workload").dicts()
    by_id = {local(r["actor"]): r for r in rows}
    assert int(by_id["gx-housing"]["leads"]) == 26 and by_id["gx-housing"]["label"] == "住房城乡建设厅"
    assert int(by_id["gx-drc"]["leads"]) == 16
    assert int(by_id["gx-public-security"]["leads"]) == 6
    assert [local(r["actor"]) for r in rows[:2]] == ["gx-housing", "gx-drc"]
    assert sum(int(r["leads"]) for r in rows) == 93
    assert sum(int(r["participations"]) for r in rows) == 163
    leads, parts, delivs = Counter(), Counter(), Counter()
    for item in guangxi_plan.items:
        for actor in leads_of(item):
            leads[actor] += 1
            delivs[actor] += len(item.deliverables)
        for actor in parts_of(item):
            parts[actor] += 1
    for actor_id, r in by_id.items():
        assert (int(r["leads"]), int(r["participations"]), int(r["deliverables"])) == (leads[actor_id], parts[actor_id], delivs[actor_id]), actor_id


def test_agency_tasks_by_any_label(store, memory_store, guangxi_plan):
    rows = run_both(store, memory_store, "agency-tasks", {"agency": "公安厅"}).dicts()
    led = [r["numeral"] for r in rows if r["role"] == "lead"]
    assert len(led) == 6 and "十七" in led
    expected = {(i.numeral, "lead") for i in guangxi_plan.items if "gx-public-security" in leads_of(i)}
    expected |= {(i.numeral, "participant") for i in guangxi_plan.items if "gx-public-security" in parts_of(i)}
    assert {(r["numeral"], r["role"]) for r in rows} == expected
    assert {r["agency"] for r in rows} == {"公安厅"}
    for alias in ("自治区公安厅", "广西壮族自治区公安厅", "Guangxi Department of Public Security", "public-security",
                  AGENCY + "gx-public-security"):
        again = run_both(store, memory_store, "agency-tasks", {"agency": alias}).dicts()
        assert [(r["numeral"], r["role"]) for r in again] == [(r["numeral"], r["role"]) for r in rows], alias


def test_task_agencies_by_number_numeral_or_iri(store, memory_store, guangxi_plan):
    rows = run_both(store, memory_store, "task-agencies", {"task": "二十六"}).dicts()
    assert [r["label"] for r in rows] == ["住房城乡建设厅", "相关县(市、区)人民政府"]
    item = next(i for i in guangxi_plan.items if i.numeral == "二十六")
    assert [(local(r["actor"]), r["role"]) for r in rows] == [(a.actor.id, a.role) for a in item.assignments]
    for key in ("26", "gzbf-2014-94-26", "fgtask:gzbf-2014-94-26", "https://w3id.org/fengong/id/task/gzbf-2014-94-26"):
        again = run_both(store, memory_store, "task-agencies", {"task": key}).dicts()
        assert [r["label"] for r in again] == ["住房城乡建设厅", "相关县(市、区)人民政府"], key
    assert run_both(store, memory_store, "task-agencies", {"task": "六十七"}).rows == []


def test_task_provenance_shows_surface_form_line_and_basis(store, memory_store, guangxi_plan):
    rows = run_both(store, memory_store, "task-provenance", {"task": "六十四"}).dicts()
    item = next(i for i in guangxi_plan.items if i.numeral == "六十四")
    assert [(r["basis"], r["surfaceForm"], int(r["line"])) for r in rows] == [
        ("prose", a.surface, a.span.line_start) for a in item.assignments
    ]
    assert rows[0]["surfaceForm"] == "自治区新型城镇化领导小组办公室" and rows[0]["label"] == "新型城镇化领导小组办公室"
    field_rows = run_both(store, memory_store, "task-provenance", {"task": "17"}).dicts()
    assert {r["basis"] for r in field_rows} == {"field"}
    assert field_rows[0]["snippet"].startswith("牵头单位")


def test_co_lead_pairs_match_the_document(store, memory_store, guangxi_plan):
    rows = run_both(store, memory_store, "co-lead-pairs").dicts()
    expected = Counter()
    for item in guangxi_plan.items:
        ids = sorted(leads_of(item), key=lambda k: AGENCY + k)
        expected.update((a, b) for n, a in enumerate(ids) for b in ids[n + 1:])
    got = {(local(r["actorA"]), local(r["actorB"])): int(r["tasks"]) for r in rows}
    assert got == dict(expected)
    assert got[("gx-drc", "gx-housing")] == expected[("gx-drc", "gx-housing")] > 0
    assert [int(r["tasks"]) for r in rows] == sorted((int(r["tasks"]) for r in rows), reverse=True)


def test_lead_participant_pairs_match_the_document(store, memory_store, guangxi_plan):
    rows = run_both(store, memory_store, "lead-participant-pairs").dicts()
    expected = Counter()
    for item in guangxi_plan.items:
        expected.update((lead, p) for lead in leads_of(item) for p in parts_of(item) if p != lead)
    assert {(local(r["lead"]), local(r["participant"])): int(r["tasks"]) for r in rows} == dict(expected)


def test_deliverables_due_by_a_year(store, memory_store, guangxi_plan):
    rows = run_both(store, memory_store, "deliverables-due-by", {"year": "2014"}).dicts()
    due = [(i.numeral, d.text) for i in guangxi_plan.items for d in i.deliverables if d.due and d.due.year and d.due.year <= 2014]
    assert len(rows) == len(due) == 15
    assert sorted((r["numeral"], r["text"]) for r in rows) == sorted(due)
    assert {int(r["dueYear"]) for r in rows} == {2014}
    later = run_both(store, memory_store, "deliverables-due-by", {"year": "2015"}).rows
    assert len(later) == sum(1 for i in guangxi_plan.items for d in i.deliverables if d.due and d.due.year and d.due.year <= 2015)
    assert run_both(store, memory_store, "deliverables-due-by", {"year": "2013"}).rows == []


def test_deliverables_by_agency_and_year(store, memory_store, guangxi_plan):
    rows = run_both(store, memory_store, "deliverables-by-agency-year").dicts()
    expected = Counter()
    for item in guangxi_plan.items:
        for actor in leads_of(item):
            for d in item.deliverables:
                if d.due and d.due.year:
                    expected[(actor, d.due.year)] += 1
    assert {(local(r["actor"]), int(r["dueYear"])): int(r["deliverables"]) for r in rows} == dict(expected)
    peak = max(expected.values())
    assert int(rows[0]["deliverables"]) == peak


def test_deliverables_by_year(store, memory_store, guangxi_plan):
    rows = run_both(store, memory_store, "deliverables-by-year").dicts()
    expected = Counter(d.due.year for i in guangxi_plan.items for d in i.deliverables if d.due and d.due.year)
    assert {int(r["dueYear"]): int(r["deliverables"]) for r in rows} == dict(expected)
    assert [int(r["dueYear"]) for r in rows] == sorted(expected)


def test_tasks_without_a_lead(store, memory_store, guangxi_plan):
    rows = run_both(store, memory_store, "tasks-without-lead").dicts()
    assert numerals(rows) == ["六十五", "六十六"]
    assert numerals(rows) == [i.numeral for i in guangxi_plan.items if not i.leads]
    strict = run_both(store, memory_store, "tasks-without-explicit-lead").dicts()
    assert numerals(strict) == ["六十四", "六十五", "六十六"]
    assert [r["proseLead"] for r in strict] == ["新型城镇化领导小组办公室", None, None]
    assert numerals(strict) == [i.numeral for i in guangxi_plan.items if not [a for a in i.leads if a.basis != "prose"]]


def test_tasks_with_many_co_leads(store, memory_store, guangxi_plan):
    rows = run_both(store, memory_store, "tasks-many-leads").dicts()  # min defaults to 3
    expected = [i for i in guangxi_plan.items if len(leads_of(i)) >= 3]
    assert sorted(numerals(rows)) == sorted(i.numeral for i in expected)
    assert {"一", "三十九", "四十三", "四十四", "五十七", "五十九"} <= set(numerals(rows))
    assert {r["numeral"]: int(r["leads"]) for r in rows} == {i.numeral: len(leads_of(i)) for i in expected}
    four = run_both(store, memory_store, "tasks-many-leads", {"min": "4"}).dicts()
    assert numerals(four) == [i.numeral for i in guangxi_plan.items if len(leads_of(i)) >= 4] == ["四十三"]
    diffuse = run_both(store, memory_store, "diffuse-accountability").dicts()
    assert {r["numeral"]: r["issue"] for r in diffuse} == {
        **{i.numeral: "three or more leads" for i in expected}, "六十五": "no lead", "六十六": "no lead"}


def test_tasks_that_name_a_city(store, memory_store, guangxi_plan):
    rows = run_both(store, memory_store, "tasks-in-city", {"city": "南宁"}).dicts()
    assert {"十七", "二十四", "三十", "三十三"} <= set(numerals(rows))
    gaz = default_gazetteer()
    in_nanning = {
        i.numeral for i in guangxi_plan.items for m in i.places
        if m.key == "nanning" or "nanning" in [p.key for p in gaz.ancestors(m.key)]
    }
    assert set(numerals(rows)) == in_nanning
    for other in ("南宁市", "Nanning", "450100"):
        assert run_both(store, memory_store, "tasks-in-city", {"city": other}).rows == [
            tuple(Term.literal(other) if i == 0 else t for i, t in enumerate(row)) for row in run_query(store, load_query("tasks-in-city"), {"city": "南宁"}).rows
        ], other


def test_targets_with_indicator_values(store, memory_store, guangxi_plan):
    rows = run_both(store, memory_store, "targets").dicts()
    targets = [i for i in guangxi_plan.items if i.kind == "target"]
    assert len({r["task"] for r in rows}) == len(targets) == 16
    assert len(rows) == sum(max(1, len(i.indicators)) for i in targets)
    first = [(r["name"], Decimal(r["value"]), r["unit"]) for r in rows if r["numeral"] == "一"]
    assert first == [("常住人口城镇化率", Decimal(54), "%"), ("新增城镇常住人口", Decimal(7000000), "人")]
    value_term = run_query(store, load_query("targets")).column("value")[0]
    assert value_term.datatype == XSD + "decimal"


def test_agencies_that_only_participate(store, memory_store, guangxi_plan):
    rows = run_both(store, memory_store, "agencies-only-participate").dicts()
    labels = {r["label"] for r in rows}
    assert {"南宁海关", "广西机场管理集团"} <= labels
    leaders = {a for i in guangxi_plan.items for a in leads_of(i)}
    joiners = Counter(a for i in guangxi_plan.items for a in parts_of(i))
    assert {local(r["actor"]): int(r["participations"]) for r in rows} == {a: n for a, n in joiners.items() if a not in leaders}


def test_agencies_by_section(store, memory_store, guangxi_plan):
    rows = run_both(store, memory_store, "agencies-by-section").dicts()
    expected = defaultdict(lambda: [0, 0])
    for item in guangxi_plan.items:
        for a in leads_of(item):
            expected[(item.section, a)][0] += 1
        for a in parts_of(item):
            expected[(item.section, a)][1] += 1
    got = {(int(r["sectionNumber"]), local(r["actor"])): [int(r["leads"]), int(r["participations"])] for r in rows}
    assert got == dict(expected)
    assert [int(r["sectionNumber"]) for r in rows] == sorted(int(r["sectionNumber"]) for r in rows)
    assert rows[0]["sectionTitle"] == "目标指标"


def test_collective_actors_and_their_tasks(store, memory_store, guangxi_plan):
    rows = run_both(store, memory_store, "collective-actors").dicts()
    assert len(rows) == 6
    tasks = defaultdict(set)
    for item in guangxi_plan.items:
        for a in item.assignments:
            if a.actor.collective:
                tasks[a.actor.id].add(item.numeral)
    assert {local(r["actor"]): int(r["tasks"]) for r in rows} == {k: len(v) for k, v in tasks.items()}
    assert {r["kind"] for r in rows} == {"LocalGovernmentCollective"}
    by_id = {local(r["actor"]): r for r in rows}
    assert int(by_id["gx-cities-counties-all"]["tasks"]) == 13
    listing = run_both(store, memory_store, "collective-tasks").dicts()
    assert len(listing) == sum(int(r["leads"]) + int(r["participations"]) for r in rows)
    assert {(local(r["actor"]), r["numeral"]) for r in listing} == {(k, n) for k, v in tasks.items() for n in v}


def test_plans_in_the_dataset(store, memory_store, guangxi_plan):
    rows = run_both(store, memory_store, "plans").dicts()
    main = next(r for r in rows if r["plan"].endswith("gzbf-2014-94"))
    assert main["documentNumber"] == "桂政办发〔2014〕94号" == guangxi_plan.doc_number
    assert int(main["tasks"]) == len(guangxi_plan.items) == 66
    assert int(main["deliverables"]) == sum(len(i.deliverables) for i in guangxi_plan.items)
    assert main["issued"] == guangxi_plan.issued.isoformat()
    implemented = [r for r in rows if r is not main]
    assert [int(r["tasks"]) for r in implemented] == [0] * len(implemented) and len(implemented) == len(guangxi_plan.implements)


def test_task_overview(store, memory_store, guangxi_plan):
    rows = run_both(store, memory_store, "task-overview").dicts()
    assert numerals(rows) == [i.numeral for i in guangxi_plan.items]
    for r, item in zip(rows, guangxi_plan.items):
        assert (int(r["leads"]), int(r["participants"]), int(r["deliverables"]), int(r["sectionNumber"])) == (
            len(leads_of(item)), len(parts_of(item)), len(item.deliverables), item.section), item.numeral


def test_agency_partners(store, memory_store, guangxi_plan):
    rows = run_both(store, memory_store, "agency-partners", {"agency": "自治区公安厅"}).dicts()
    shared, led = Counter(), Counter()
    for item in guangxi_plan.items:
        involved = leads_of(item) | parts_of(item)
        if "gx-public-security" in involved:
            for other in involved - {"gx-public-security"}:
                shared[other] += 1
                led[other] += "gx-public-security" in leads_of(item)
    assert {local(r["partner"]): (int(r["sharedTasks"]), int(r["ledByAgency"])) for r in rows} == {
        k: (shared[k], led[k]) for k in shared}


def test_find_agency(store, memory_store):
    for name in ("住房城乡建设厅", "自治区住房城乡建设厅", "housing"):
        rows = run_both(store, memory_store, "find-agency", {"agency": name}).dicts()
        assert [local(r["actor"]) for r in rows] == ["gx-housing"], name
    assert run_both(store, memory_store, "find-agency", {"agency": "自治区发展改革委"}).dicts()[0]["label"] == "发展改革委"


def test_responsibility_graph_is_a_construct(store, memory_store):
    result = run_both(store, memory_store, "responsibility-graph")
    predicates = Counter(p.value for _, p, _ in result.triples)
    assert predicates[PREFIXES["fg"] + "leads"] == 93
    assert predicates[PREFIXES["fg"] + "participatesIn"] == 163


def test_responsibility_graph_keeps_edges_without_labels():
    # RDF made elsewhere may lack a label: the edge stays, only the label is missing;
    # labels of actors and tasks without an edge are left out.
    from fengong.store import MemoryStore, OxigraphStore

    data = """@prefix fg: <https://w3id.org/fengong/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    <urn:a1> fg:shortLabel "甲" ; fg:leads <urn:t1>, <urn:t2> .
    <urn:a2> fg:participatesIn <urn:t1> .
    <urn:a3> fg:shortLabel "丙" .
    <urn:t1> rdfs:label "任务一" . <urn:t3> rdfs:label "任务三" .
    """.encode("utf-8")
    stores = [OxigraphStore(), MemoryStore()]
    for st in stores:
        st.load_bytes(data, "ttl")
    results = [run_query(st, load_query("responsibility-graph")) for st in stores]
    fg, label = PREFIXES["fg"], "http://www.w3.org/2000/01/rdf-schema#label"
    for result in results:
        assert sorted((s.value, p.value, o.value) for s, p, o in result.triples) == [
            ("urn:a1", fg + "leads", "urn:t1"), ("urn:a1", fg + "leads", "urn:t2"),
            ("urn:a1", fg + "shortLabel", "甲"), ("urn:a2", fg + "participatesIn", "urn:t1"),
            ("urn:t1", label, "任务一")]


# ---------------------------------------------------------------- loading and binding


def test_unknown_query_name_suggests_close_names():
    with pytest.raises(FengongError, match=r"agency-workloads: no such query \(did you mean agency-workload"):
        load_query("agency-workloads")
    assert "agency-workload" in suggest("workload", [q.name for q in list_queries()])


def test_load_query_from_a_file(tmp_path):
    path = tmp_path / "mine.rq"
    path.write_text("# title: Mine\n# title-zh: 我的\n# param: year — xsd:integer — a year\n#   that continues\nSELECT ?year WHERE {}\n", encoding="utf-8")
    info = load_query(str(path))
    assert (info.name, info.title_zh, info.params[0].description) == ("mine", "我的", "a year that continues")
    with pytest.raises(FengongError, match="no such query file"):
        load_query(str(tmp_path / "missing.rq"))


def test_bind_params_types_and_errors():
    info = load_query("deliverables-due-by")
    assert bind_params(info, {"year": " 2015 "})["year"] == Term.literal("2015", XSD + "integer")
    with pytest.raises(FengongError, match="missing parameter 'year'"):
        bind_params(info, {})
    with pytest.raises(FengongError, match="unknown parameter 'yaer'"):
        bind_params(info, {"year": "2015", "yaer": "2016"})
    with pytest.raises(FengongError, match="must be an integer, not '2015年'"):
        bind_params(info, {"year": "2015年"})
    assert bind_params(load_query("tasks-many-leads"), {})["min"].value == "3"
    typed = query_from_text("# param: d — xsd:date — a day\n# param: x — iri — a thing\n# param: v — xsd:decimal — v\nSELECT ?d ?x ?v {}")
    bound = bind_params(typed, {"d": "2015-12-31", "x": "fgtask:gzbf-2014-94-1", "v": "34.5"})
    assert bound["x"] == Term.uri("https://w3id.org/fengong/id/task/gzbf-2014-94-1")
    assert bound["d"].datatype == XSD + "date" and bound["v"].datatype == XSD + "decimal"
    for name, bad in (("d", "2015-13-01"), ("x", "not an iri"), ("v", "NaN")):
        with pytest.raises(FengongError, match=f"parameter '{name}'"):
            bind_params(typed, {"d": "2015-01-01", "x": "<http://a>", "v": "1", name: bad})


def test_ad_hoc_query_binds_variables_it_uses(store, memory_store):
    text = "SELECT ?name ?actor WHERE { ?actor fg:shortLabel ?l . FILTER(STR(?l) = ?name) }"
    for st in (store, memory_store):
        rows = run_query(st, text, {"name": "公安厅"}).dicts()
        assert [local(r["actor"]) for r in rows] == ["gx-public-security"]
    with pytest.raises(FengongError, match=r"unknown parameter 'agency' \(no \?agency in the query\)"):
        run_query(store, text, {"agency": "公安厅"})


def test_unprojected_parameter_is_a_clear_error(store):
    with pytest.raises(FengongError, match="must be a variable of the SELECT clause"):
        run_query(store, "SELECT ?actor WHERE { ?actor fg:shortLabel ?l . FILTER(STR(?l) = ?name) }", {"name": "x"})


@pytest.mark.parametrize("engine", ["oxigraph", "memory"])
def test_syntax_errors_name_line_and_column(store, memory_store, engine):
    st = store if engine == "oxigraph" else memory_store
    with pytest.raises(FengongError, match=r"^-e: invalid SPARQL at line 3, column 18 \(near '\?z \.'\)"):
        run_query(st, query_from_text("SELECT ?x\nWHERE {\n  ?x fg:leads ?y ?z .\n}\n", name="-e"))
    with pytest.raises(FengongError, match=r"unknown prefix 'zz:' at line 2, column 6"):
        run_query(st, "SELECT ?x WHERE {\n  ?x zz:p ?y }")


def test_full_width_digits_in_a_parameter_are_the_ascii_ones(store):
    info = load_query("task-agencies")
    assert bind_params(info, {"task": "２６"}) == bind_params(info, {"task": "26"})
    assert run_query(store, info, {"task": "２６"}).rows == run_query(store, info, {"task": "26"}).rows != []
    assert bind_params(load_query("deliverables-due-by"), {"year": "２０１５"})["year"].value == "2015"
