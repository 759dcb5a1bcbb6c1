"""The Guangxi plan's graph, checked through SPARQL: plan metadata, items, dates,
indicators, places, provenance, and a lossless round trip through every format."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest
import rdflib

from fengong.model import ONTOLOGY_GRAPH, SHARED_GRAPH, build_store
from fengong.parse import parse_text
from fengong.store import MemoryStore, OxigraphStore

PLAN = "<https://w3id.org/fengong/id/plan/gzbf-2014-94>"


def one(store, query, **params):
    rows = store.query(query).dicts()
    assert len(rows) == 1, rows
    return rows[0]


def task(n: int) -> str:
    return f"<https://w3id.org/fengong/id/task/gzbf-2014-94-{n}>"


def test_plan_metadata(store):
    row = one(
        store,
        f"""SELECT ?title ?number ?issued ?issuer ?implements ?jur WHERE {{
            {PLAN} dcterms:title ?title ; fg:documentNumber ?number ; dcterms:issued ?issued ;
                   fg:issuer/skos:prefLabel ?issuer ; fg:implements/fg:documentNumber ?implements ;
                   fg:jurisdiction/fg:divisionCode ?jur . FILTER(LANG(?issuer) = "zh") }}""",
    )
    assert row["title"] == "广西壮族自治区新型城镇化规划(2014—2020年)主要目标和重点任务分工方案"
    assert row["number"] == "桂政办发〔2014〕94号"
    assert row["issued"] == "2014-10-01"
    assert row["issuer"] == "广西壮族自治区人民政府办公厅"
    assert row["implements"] == "桂发〔2014〕13号"
    assert row["jur"] == "450000"


def test_sections_and_item_kinds(store):
    sections = store.query(f"SELECT ?n ?t WHERE {{ {PLAN} fg:hasSection ?s . ?s fg:number ?n ; dcterms:title ?t }} ORDER BY ?n").dicts()
    assert [int(r["n"]) for r in sections] == list(range(1, 11))
    assert sections[0]["t"] == "目标指标" and sections[9]["t"] == "工作要求"
    counts = one(
        store,
        """SELECT (COUNT(DISTINCT ?t) AS ?tasks) (COUNT(DISTINCT ?g) AS ?targets) (COUNT(DISTINCT ?w) AS ?reqs) WHERE {
             ?t a fg:Task . OPTIONAL { ?g a fg:Target . FILTER(?g = ?t) } OPTIONAL { ?w a fg:WorkRequirement . FILTER(?w = ?t) } }""",
    )
    assert (counts["tasks"], counts["targets"], counts["reqs"]) == ("66", "16", "3")
    # Every target is also typed Task, and sits in section 一.
    assert one(store, "SELECT (COUNT(*) AS ?n) WHERE { ?t a fg:Target . FILTER NOT EXISTS { ?t a fg:Task } }")["n"] == "0"
    assert one(store, "SELECT (COUNT(*) AS ?n) WHERE { ?t a fg:Target ; fg:inSection/fg:number 1 }")["n"] == "16"


def test_item_fields(store):
    row = one(
        store,
        f"""SELECT ?number ?numeral ?title ?text ?line ?end ?section WHERE {{
             {task(17)} fg:number ?number ; fg:numeral ?numeral ; dcterms:title ?title ; fg:text ?text ;
                        fg:lineStart ?line ; fg:lineEnd ?end ; fg:inSection/fg:number ?section }}""",
    )
    assert row["number"] == "17" and row["numeral"] == "十七"
    assert row["title"] == "实施差别化落户政策"
    assert row["text"].startswith("实施差别化落户政策。合理放开南宁") and row["text"].endswith("建制镇落户限制。")
    assert (row["line"], row["end"], row["section"]) == ("118", "124", "2")


def test_agency_figures(store):
    leads = store.query(
        """SELECT ?short (COUNT(?t) AS ?n) WHERE { ?a fg:leads ?t ; fg:shortLabel ?short .
             ?q prov:agent ?a ; fg:task ?t ; fg:basis fg:ExplicitField }
           GROUP BY ?short ORDER BY DESC(?n) ?short LIMIT 5"""
    ).dicts()
    assert [(r["short"], int(r["n"])) for r in leads] == [
        ("住房城乡建设厅", 26), ("发展改革委", 16), ("公安厅", 6), ("人力资源社会保障厅", 5), ("国土资源厅", 4)
    ]
    field = one(
        store,
        """SELECT (SUM(IF(?role = fg:LeadRole, 1, 0)) AS ?leads) (SUM(IF(?role = fg:ParticipantRole, 1, 0)) AS ?parts)
                  (COUNT(DISTINCT ?a) AS ?actors)
           WHERE { ?q a fg:Assignment ; fg:basis fg:ExplicitField ; prov:hadRole ?role ; prov:agent ?a }""",
    )
    assert (field["leads"], field["parts"], field["actors"]) == ("92", "163", "58")
    kinds = one(
        store,
        """SELECT (COUNT(DISTINCT ?c) AS ?collective) (COUNT(DISTINCT ?n) AS ?named) WHERE {
             ?q fg:basis fg:ExplicitField ; prov:agent ?a .
             OPTIONAL { ?a a fg:CollectiveActor . BIND(?a AS ?c) } OPTIONAL { ?a a fg:Agency . BIND(?a AS ?n) } }""",
    )
    assert (kinds["named"], kinds["collective"]) == ("52", "6")
    with_lead = one(store, "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?q fg:basis fg:ExplicitField ; prov:hadRole fg:LeadRole ; fg:task ?t }")
    assert with_lead["n"] == "63"


def test_prose_lead_of_item_64(store):
    row = one(
        store,
        f"""SELECT ?short ?surface ?basis WHERE {{ ?q fg:task {task(64)} ; prov:agent/fg:shortLabel ?short ;
               fg:surfaceForm ?surface ; fg:basis/skos:notation ?basis }}""",
    )
    assert row["surface"] == "自治区新型城镇化领导小组办公室"
    assert row["basis"] == "prose"


def test_agency_labels_and_kinds(store):
    row = one(
        store,
        """SELECT ?zh ?en ?kind ?level (GROUP_CONCAT(?alt; separator="|") AS ?alts) WHERE {
             ?a fg:shortLabel "卫生计生委"@zh ; skos:prefLabel ?zh , ?en ; org:classification/skos:notation ?kind ;
                fg:jurisdictionLevel/skos:notation ?level ; skos:altLabel ?alt .
             FILTER(LANG(?zh) = "zh" && LANG(?en) = "en") } GROUP BY ?zh ?en ?kind ?level""",
    )
    assert row["zh"] == "广西壮族自治区卫生和计划生育委员会"
    assert "Health" in row["en"]
    assert (row["kind"], row["level"]) == ("commission", "provincial")
    assert {"卫生计生委", "自治区卫生计生委"} <= set(row["alts"].split("|"))
    # 水利局 (item 四十二) is the 水利厅: one node, with the odd spelling kept as an altLabel.
    water = store.query('SELECT ?a WHERE { ?a skos:altLabel "水利局"@zh ; fg:shortLabel "水利厅"@zh }').dicts()
    assert len(water) == 1
    kinds = dict(
        (r["short"], r["kind"])
        for r in store.query(
            """SELECT ?short ?kind WHERE { ?a fg:shortLabel ?short ; org:classification/skos:notation ?kind .
                 VALUES ?short { "南宁铁路局"@zh "国家开发银行广西分行"@zh "财政厅"@zh "各市人民政府"@zh "金融办"@zh } }"""
        ).dicts()
    )
    assert kinds == {
        "南宁铁路局": "state-enterprise", "国家开发银行广西分行": "state-enterprise", "财政厅": "department",
        "各市人民政府": "local-government-collective", "金融办": "office",
    }


def test_deliverable_dates(store):
    rows = store.query(
        f"""SELECT ?text ?due ?year ?wording WHERE {{ {task(17)} fg:hasDeliverable ?d . ?d fg:text ?text ;
              fg:dueBy ?due ; fg:dueYear ?year ; fg:dueWording ?wording }} ORDER BY ?due"""
    ).dicts()
    assert [(r["due"], r["year"]) for r in rows] == [("2014-12-31", "2014"), ("2020-12-31", "2020")]
    assert rows[0]["text"].startswith("2014年底出台推进户籍制度改革")
    assert rows[0]["wording"] == "2014年底"
    # A task is due by its latest deliverable.
    assert one(store, f"SELECT ?d WHERE {{ {task(17)} fg:dueBy ?d }}")["d"] == "2020-12-31"
    # “十三五” is a period 2016–2020; 2016年前 is before 2016.
    period = one(store, f"""SELECT ?from ?by WHERE {{ {task(23)} fg:hasDeliverable ?d . ?d fg:dueFrom ?from ; fg:dueBy ?by }}""")
    assert (period["from"], period["by"]) == ("2016-01-01", "2020-12-31")
    before = one(store, f"""SELECT ?by ?q WHERE {{ {task(27)} fg:hasDeliverable ?d . ?d fg:dueWording ?w ; fg:dueBy ?by ; fg:dueQualifier ?q
                             FILTER(STRSTARTS(STR(?w), "2016")) }}""")
    assert (before["by"], before["q"]) == ("2015-12-31", "before")


def test_date_comparisons_agree_across_engines(store, memory_store):
    query = """SELECT ?d WHERE { ?d a fg:Deliverable ; fg:dueBy ?due . FILTER(?due <= "2014-12-31"^^xsd:date) } ORDER BY ?d"""
    ox_rows = [r["d"] for r in store.query(query).dicts()]
    rdflib_rows = [r["d"] for r in memory_store.query(query).dicts()]
    assert ox_rows == rdflib_rows
    year_rows = [r["d"] for r in store.query("SELECT ?d WHERE { ?d a fg:Deliverable ; fg:dueYear ?y FILTER(?y <= 2014) } ORDER BY ?d").dicts()]
    assert year_rows == ox_rows and len(ox_rows) > 10


def test_indicators(store):
    rows = store.query(
        f"""SELECT ?name ?value ?unit ?cmp ?year WHERE {{ {task(1)} fg:hasIndicator ?i . ?i fg:indicatorName ?name ;
              fg:value ?value ; fg:unit ?unit ; fg:comparator/skos:notation ?cmp ; fg:targetYear ?year }} ORDER BY ?name"""
    ).dicts()
    got = {(r["name"], float(r["value"]), r["unit"], r["cmp"], r["year"]) for r in rows}
    assert got == {("常住人口城镇化率", 54.0, "%", "reach", "2020"), ("新增城镇常住人口", 7000000.0, "人", "about", "2020")}
    nine = store.query(f"SELECT ?name WHERE {{ {task(9)} fg:hasIndicator/fg:indicatorName ?name }}").dicts()
    assert len(nine) == 3
    limits = {r["unit"]: (float(r["v"]), r["c"]) for r in store.query(
        f"SELECT ?unit ?v ?c WHERE {{ {task(12)} fg:hasIndicator ?i . ?i fg:unit ?unit ; fg:value ?v ; fg:comparator/skos:notation ?c }}").dicts()}
    assert limits == {"平方公里": (3000.0, "at-most"), "平方米/人": (110.0, "at-most")}
    # Every target holds at least one indicator.
    assert one(store, "SELECT (COUNT(*) AS ?n) WHERE { ?t a fg:Target FILTER NOT EXISTS { ?t fg:hasIndicator ?i } }")["n"] == "0"


def test_places(store):
    cities = store.query(
        """SELECT ?name ?code WHERE { ?p fg:placeType fg:Prefecture ; fg:divisionCode ?code ; skos:prefLabel ?name ;
             fg:within/fg:divisionCode "450000" . FILTER(LANG(?name) = "zh") } ORDER BY ?code"""
    ).dicts()
    assert len(cities) == 14
    assert (cities[0]["code"], cities[-1]["code"]) == ("450100", "451400")
    assert cities[0]["name"].startswith("南宁")
    count = lambda n: int(one(store, f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ {task(n)} fg:mentionsPlace ?p . ?p fg:placeType ?t FILTER(?t IN (fg:CountyPlace, fg:CountyLevelCity, fg:CityDistrict)) }}")["n"])
    assert count(25) == 25 and count(63) == 8
    new_areas = store.query(f"SELECT ?p WHERE {{ {task(30)} fg:mentionsPlace ?p . ?p fg:placeType fg:NewArea }}").dicts()
    assert len(new_areas) == 4
    yufeng = store.query(f'SELECT ?p WHERE {{ {task(33)} fg:mentionsPlace ?p . ?p skos:prefLabel ?l FILTER(CONTAINS(STR(?l), "鱼峰")) }}').dicts()
    assert len(yufeng) == 1
    pop = one(store, 'SELECT ?v ?y WHERE { ?p fg:divisionCode "450100" ; fg:urbanPopulationTarget ?v ; fg:urbanPopulationTargetYear ?y }')
    assert (pop["v"], pop["y"]) == ("3000000", "2020")
    assert one(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p fg:urbanPopulationTarget ?v }")["n"] == "14"


def test_provenance_spans_match_the_text(guangxi_plan, store):
    text = guangxi_plan.text
    rows = store.query("SELECT ?surface ?s ?e ?line WHERE { ?q a fg:Assignment ; fg:surfaceForm ?surface ; fg:charStart ?s ; fg:charEnd ?e ; fg:lineStart ?line }").dicts()
    assert len(rows) == 256
    lines = text.split("\n")
    for r in rows:
        assert text[int(r["s"]):int(r["e"])] == r["surface"]
        assert r["surface"] in lines[int(r["line"]) - 1]


def test_actors_and_places_live_once_in_the_shared_graph(store):
    graphs = {g for g in store.graphs()}
    assert graphs == {PLAN.strip("<>"), SHARED_GRAPH.value, ONTOLOGY_GRAPH.value}
    dup = one(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a fg:shortLabel ?l } FILTER(?g != <%s>) }" % SHARED_GRAPH.value)
    assert dup["n"] == "0"


def _graphs(quads, keep_graph: bool) -> dict[str, rdflib.Graph]:
    """Quads as rdflib graphs by graph name, to compare up to blank-node renaming."""
    out: dict[str, rdflib.Graph] = {}
    for q in quads:
        name = q.graph_name.value if keep_graph and isinstance(q.graph_name, ox.NamedNode) else ""
        g = out.setdefault(name, rdflib.Graph())
        g.add(tuple(_rdflib(t) for t in (q.subject, q.predicate, q.object)))
    return out


def _rdflib(t):
    if isinstance(t, ox.NamedNode):
        return rdflib.URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return rdflib.BNode(t.value)
    plain = t.language or t.datatype.value.endswith("#string")  # RDF 1.1: a plain literal is an xsd:string
    return rdflib.Literal(t.value, lang=t.language, datatype=None if plain else rdflib.URIRef(t.datatype.value))


@pytest.mark.parametrize("fmt", ["TURTLE", "TRIG", "N_QUADS", "N_TRIPLES", "JSON_LD"])
def test_round_trip_keeps_every_triple(store, fmt):
    from rdflib.compare import isomorphic

    f = getattr(ox.RdfFormat, fmt)
    back = ox.Store()
    back.load(store.dump(f), format=f)
    before = _graphs(store.ox, f.supports_datasets)
    after = _graphs(back, f.supports_datasets)
    assert sorted(before) == sorted(after)
    for name in before:  # the ontology's OWL lists are blank nodes: compare up to renaming
        assert len(before[name]) == len(after[name]) and isomorphic(before[name], after[name]), name


def test_turtle_round_trip_through_rdflib(store):
    from rdflib.compare import isomorphic

    g = rdflib.Graph().parse(data=store.dump(ox.RdfFormat.TURTLE), format="turtle")
    expected = _graphs(store.ox, keep_graph=False)[""]
    assert len(g) == len(expected) > 7000
    assert isomorphic(g, expected)


def test_tiny_plan_model():
    text = "关于印发某方案的通知（桂政办发〔2020〕1号）\n一、重点任务\n（一）修路。\n牵头单位：交通运输厅\n参加单位：财政厅、“新机构”\n完成时间：2021年6月底前\n"
    plan = parse_text(text, "tiny.txt", jurisdiction="gx")
    st = OxigraphStore(store=build_store([plan]))
    rows = st.query("SELECT ?short ?edge WHERE { ?a ?edge ?t ; fg:shortLabel ?short . VALUES ?edge { fg:leads fg:participatesIn } } ORDER BY ?short").dicts()
    assert {(r["short"], r["edge"].rsplit("#")[-1]) for r in rows} == {
        ("交通运输厅", "leads"), ("财政厅", "participatesIn"), ("新机构", "participatesIn")
    }
    assert any("unknown agency" in w and "新机构" in w for w in plan.warnings)
    assert one(st, "SELECT ?d WHERE { ?t a fg:Task ; fg:dueBy ?d }")["d"] == "2021-06-30"
    assert one(st, "SELECT ?k WHERE { ?a fg:shortLabel \"新机构\"@zh ; fg:inRegistry ?k }")["k"] == "false"


@pytest.mark.parametrize("text", ['plain 普通', 'quote " inside', "back\\slash", "new\nline", "carriage\rreturn",
                                  "tab\tand \x01 control", "emoji 🏙 and ]]> </script>", "", '"\\\n\r"'])
def test_nquads_text_terms_parse_to_the_oxigraph_terms(text):
    import pyoxigraph as ox

    from fengong.model import OX_TERMS, TEXT_TERMS

    def quad(t):
        return t.quad(t.fg("task"), t.fg("text"), t.zh(text), t.iri("https://w3id.org/fengong/id/plan/p"))

    parsed = list(ox.parse(quad(TEXT_TERMS).encode("utf-8"), ox.RdfFormat.N_QUADS))
    assert parsed == [quad(OX_TERMS)]
