"""Many documents in one graph: named graphs, jurisdictions, provenance — asserted by SPARQL.

The build reads the Guangxi plan and the fixtures written for fengong's tests
(tests/fixtures: a State Council-style inline plan, a Guangzhou plan in GBK, a
Hunan plan in UTF-16, a county plan whose issuer is unknown, two plans laid out
as tables — Shenzhen and Zhejiang).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from fengong.build import build, bundled_path
from fengong.read import read_document
from fengong.vocab import ID, ID_BASE

FIXTURES = Path(__file__).parent / "fixtures"
GX = ID["plan"] + "gzbf-2014-94"
SC = ID["plan"] + "gbf-2019-99"
GZ = ID["plan"] + "sfb-2019-88"
HN = ID["plan"] + "xzbf-2018-12"
COUNTY = ID["plan"] + "county-unknown-issuer-bom"
SZ = ID["plan"] + "sfb-2020-7"
ZJ = ID["plan"] + "zzbf-2019-3"
PLACE = ID["place"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("multi") / "out"
    return build([str(FIXTURES), str(bundled_path())], out)


@pytest.fixture(scope="module")
def st(built):
    return built.store


def count(st, query):
    return int(st.query(query).rows[0][0].value)


def test_each_plan_is_its_own_named_graph(st):
    rows = st.query("SELECT ?g WHERE { GRAPH ?g { ?g a fg:Plan ; fg:sourceFile ?f } } ORDER BY ?g").rows
    assert [r[0].value for r in rows] == sorted([GX, SC, GZ, HN, COUNTY, SZ, ZJ])
    assert count(st, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a fg:Plan ; fg:sourceFile ?f }") == 7


def test_trig_and_nquads_outputs_hold_the_named_graphs(built):
    for name, fmt in (("plan.trig", ox.RdfFormat.TRIG), ("plan.nq", ox.RdfFormat.N_QUADS)):
        graphs = {q.graph_name.value for q in ox.parse(path=str(built.out_dir / name), format=fmt)
                  if isinstance(q.graph_name, ox.NamedNode)}
        assert {GX, SC, GZ, HN, COUNTY, SZ, ZJ} <= graphs


def test_layout_and_jurisdiction_of_each_plan(st):
    rows = st.query("SELECT ?p ?layout ?j WHERE { ?p fg:layout ?layout OPTIONAL { ?p fg:jurisdiction ?j } }").dicts()
    got = {r["p"]: (r["layout"], r["j"] and r["j"].rsplit("/", 1)[-1]) for r in rows}
    # the country has no division code, so its place IRI ends with its key
    assert got == {GX: ("fieldlines", "450000"), SC: ("inline", "cn"), GZ: ("inline", "440100"),
                   HN: ("fieldlines", "430000"), COUNTY: ("inline", None), SZ: ("table", "440300"), ZJ: ("table", "330000")}


def test_three_development_and_reform_commissions(st):
    rows = st.query("""SELECT ?a ?j WHERE { ?a fg:shortLabel "发展改革委"@zh ; fg:jurisdiction ?j }""").dicts()
    by_iri = {r["a"].rsplit("/", 1)[-1]: r["j"].rsplit("/", 1)[-1] for r in rows}
    assert by_iri["cn-drc"] == "cn"
    assert by_iri["gx-drc"] == "450000"
    assert by_iri["guangzhou-fa-zhan-gai-ge-wei-66c75d"] == "440100"
    assert by_iri["gd-fa-zhan-gai-ge-wei-66c75d"] == "440000"  # 省发展改革委 in the Guangzhou plan
    assert by_iri["shenzhen-fa-zhan-gai-ge-wei-66c75d"] == "440300"
    assert len({"cn-drc", "gx-drc", "guangzhou-fa-zhan-gai-ge-wei-66c75d"} & set(by_iri)) == 3


def test_one_agency_named_by_two_plans_is_one_node(st):
    # 国家发展改革委 leads in the State Council plan and takes part in the Guangzhou plan
    rows = st.query("""SELECT DISTINCT ?plan WHERE { ?q prov:agent fgagency:cn-drc ; dcterms:isPartOf ?plan }
                       ORDER BY ?plan""").rows
    assert [r[0].value for r in rows] == sorted([SC, GZ, COUNTY])
    # described once, in the shared graph
    rows = st.query("SELECT ?g WHERE { GRAPH ?g { fgagency:cn-drc a fg:Agency } }").rows
    assert [r[0].value for r in rows] == [ID_BASE + "graph/shared"]


def test_queries_can_stay_in_one_plan(st):
    assert count(st, "SELECT (COUNT(?t) AS ?n) WHERE { GRAPH fgplan:gzbf-2014-94 { ?t a fg:Task } }") == 66
    assert count(st, "SELECT (COUNT(?t) AS ?n) WHERE { GRAPH fgplan:gbf-2019-99 { ?t a fg:Task } }") == 11
    assert count(st, "SELECT (COUNT(?t) AS ?n) WHERE { ?t a fg:Task ; dcterms:isPartOf fgplan:sfb-2019-88 }") == 8
    assert count(st, "SELECT (COUNT(?t) AS ?n) WHERE { ?t a fg:Task }") == 66 + 11 + 8 + 4 + 4 + 4 + 3


def test_sub_tasks_have_their_own_iris(st):
    rows = st.query("""SELECT ?t ?sub WHERE { ?t dcterms:isPartOf fgplan:gbf-2019-99 ; fg:number 5 ; fg:subNumber ?sub }
                       ORDER BY ?sub""").rows
    assert [(r[0].value.rsplit("/", 1)[-1], int(r[1].value)) for r in rows] == [("gbf-2019-99-5-1", 1), ("gbf-2019-99-5-2", 2)]


def test_guangxi_figures_unchanged_when_built_with_others(st):
    assert count(st, """SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { GRAPH fgplan:gzbf-2014-94 {
        ?q fg:task ?t ; prov:hadRole fg:LeadRole ; fg:basis fg:ExplicitField } }""") == 63
    assert count(st, """SELECT (COUNT(?q) AS ?n) WHERE { GRAPH fgplan:gzbf-2014-94 {
        ?q prov:hadRole fg:LeadRole ; fg:basis fg:ExplicitField } }""") == 92
    assert count(st, """SELECT (COUNT(?q) AS ?n) WHERE { GRAPH fgplan:gzbf-2014-94 {
        ?q prov:hadRole fg:ParticipantRole ; fg:basis fg:ExplicitField } }""") == 163
    assert count(st, """SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { GRAPH fgplan:gzbf-2014-94 { ?q fg:basis fg:ExplicitField ; prov:agent ?a }
        ?a a fg:Agency }""") == 52
    assert count(st, """SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { GRAPH fgplan:gzbf-2014-94 { ?q fg:basis fg:ExplicitField ; prov:agent ?a }
        ?a a fg:CollectiveActor }""") == 6
    rows = st.query("""SELECT ?label (COUNT(DISTINCT ?t) AS ?n) WHERE { GRAPH fgplan:gzbf-2014-94 {
        ?q fg:task ?t ; prov:hadRole fg:LeadRole ; fg:basis fg:ExplicitField ; prov:agent ?a } ?a fg:shortLabel ?label }
        GROUP BY ?label""").dicts()
    counts = {r["label"]: int(r["n"]) for r in rows}
    assert [counts[k] for k in ("住房城乡建设厅", "发展改革委", "公安厅", "人力资源社会保障厅", "国土资源厅")] == [26, 16, 6, 5, 4]


def test_bases_tell_explicit_leads_from_inferred_ones(st):
    rows = st.query("""SELECT ?basis (COUNT(?q) AS ?n) WHERE {
        ?q dcterms:isPartOf fgplan:gbf-2019-99 ; prov:hadRole fg:LeadRole ; fg:basis ?basis } GROUP BY ?basis""").dicts()
    assert {r["basis"].rsplit("#", 1)[-1]: int(r["n"]) for r in rows} == {"ExplicitInline": 4, "FirstListedRule": 8}
    assert st.query("SELECT ?r WHERE { fgplan:gbf-2019-99 fg:rule ?r }").rows[0][0].value == "排在第一位的部门为牵头部门"


def test_unranked_responsibility(st):
    rows = st.query("""SELECT ?label WHERE { ?q dcterms:isPartOf fgplan:sfb-2019-88 ; prov:hadRole fg:ResponsibleRole ;
                       fg:basis fg:Unranked ; fg:surfaceForm ?label }""").rows
    assert sorted(r[0].value for r in rows) == sorted(["市科技局", "市工业和信息化局", "越秀区", "市教育局", "市人力资源社会保障局"])


def test_posts_collectives_and_local_governments(st):
    posts = st.query("SELECT ?label WHERE { ?a a fg:Post ; fg:shortLabel ?label } ORDER BY ?label").rows
    # 分管副市长 of Guangzhou and of Shenzhen are two posts
    assert sorted(r[0].value for r in posts) == sorted(["分管副市长", "分管副市长", "分管副省长", "协管副秘书长"])
    assert count(st, "SELECT (COUNT(*) AS ?n) WHERE { fgagency:yuexiu-gov a fg:Agency ; fg:jurisdiction fgplace:440104 }") == 1
    assert count(st, """SELECT (COUNT(*) AS ?n) WHERE { ?a a fg:CollectiveActor ; skos:prefLabel "各区、县级市"@zh }""") == 1


def test_unknown_issuer_keeps_its_agencies_apart(st):
    rows = st.query("""SELECT DISTINCT ?a WHERE { ?q dcterms:isPartOf fgplan:county-unknown-issuer-bom ; prov:agent ?a }""").rows
    ids = sorted(r[0].value.rsplit("/", 1)[-1] for r in rows)
    assert "cn-drc" in ids  # named as 国家发展改革委
    assert all(i.startswith("doc-county-unknown-issuer-bom-") for i in ids if i != "cn-drc")
    assert count(st, "SELECT (COUNT(*) AS ?n) WHERE { fgplan:county-unknown-issuer-bom fg:jurisdiction ?j }") == 0


def test_provenance_slices_to_the_surface_form(st):
    rows = st.query("""SELECT ?file ?s ?e ?surface ?line WHERE {
        ?q a fg:Assignment ; dcterms:isPartOf ?p ; fg:charStart ?s ; fg:charEnd ?e ; fg:surfaceForm ?surface ; fg:lineStart ?line .
        ?p fg:sourceFile ?file }""").dicts()
    assert len(rows) > 255 + 60
    texts = {}
    for r in rows:
        if r["file"] not in texts:
            texts[r["file"]] = read_document(r["file"])[0]
        text = texts[r["file"]]
        assert text[int(r["s"]) : int(r["e"])] == r["surface"]
        assert r["surface"] in text.split("\n")[int(r["line"]) - 1]


def test_inline_snippet_is_the_source_line(st):
    rows = st.query("""SELECT ?snippet WHERE { ?q dcterms:isPartOf fgplan:gbf-2019-99 ; fg:surfaceForm "教育部"@zh ;
                       fg:snippet ?snippet }""").rows
    assert [r[0].value for r in rows] == ["2.推进证照分离改革。（国家发展改革委牵头，教育部、科技部配合）"]
