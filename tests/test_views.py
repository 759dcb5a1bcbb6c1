"""Views (which nodes and edges), their pages (escaping, offline, language) and ``fengong viz``.

Counts are computed independently with SPARQL on the bundled Guangxi plan and
compared with what each view holds.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from fengong import FengongError
from fengong.cli import cli
from fengong.viz import page as page_mod
from fengong.viz.page import render_html, script_json, vis_edges, vis_nodes
from fengong.viz.style import BOTTLENECK_SHAPE, OVERLOADED_BORDER
from fengong.viz.views import (
    ACTOR_TYPES,
    TASK_TYPES,
    agencies_context,
    agencies_view,
    build_view,
    full_view,
    load_context,
    parse_spec,
    resolve_agency,
    resolve_place,
    resolve_section,
)

from xss_plan import NAME_PAYLOAD, PAYLOAD, xss_store

FIXTURES = Path(__file__).parent / "fixtures"
AG = "https://w3id.org/fengong/id/agency/"
HOUSING = AG + "gx-housing"
DRC = AG + "gx-drc"
TASK = "https://w3id.org/fengong/id/task/gzbf-2014-94-"
#: src/href/action attributes or CSS that would fetch from a network location.
EXTERNAL = re.compile(r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//)|(?:url\(\s*["']?\s*(?:https?:)?//)|@import""", re.I)


def count(store, where: str, params=None) -> int:
    return int(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", params).rows[0][0].value)


def distinct(store, var: str, where: str) -> int:
    return count(store, f"SELECT DISTINCT ?{var} WHERE {{ {where} }}")


@pytest.fixture(scope="module")
def ctx(store):
    return load_context(store)


def by_type(view) -> dict[str, int]:
    out: dict[str, int] = {}
    for n in view.nodes:
        out[n.type] = out.get(n.type, 0) + 1
    return out


def by_relation(view) -> dict[str, int]:
    out: dict[str, int] = {}
    for e in view.edges:
        out[e.relation] = out.get(e.relation, 0) + 1
    return out


# --- which nodes and edges --------------------------------------------------------

def test_full_view_holds_every_task_actor_deliverable_and_place(ctx, store):
    view = build_view(ctx, "full")
    tasks = distinct(store, "t", "?t a fg:Task")
    actors = distinct(store, "a", "?a fg:leads|fg:participatesIn ?t")
    deliverables = distinct(store, "d", "?t fg:hasDeliverable ?d")
    places = distinct(store, "p", "?t fg:mentionsPlace ?p")
    assert sum(by_type(view)[t] for t in TASK_TYPES) == tasks == 66
    assert sum(by_type(view).get(t, 0) for t in ACTOR_TYPES) == actors == 59
    assert by_type(view)["Deliverable"] == deliverables == 79
    assert by_type(view)["Place"] == places == 53
    assert len(view.nodes) == tasks + actors + deliverables + places == 257
    rel = by_relation(view)
    for relation, expected in (("leads", 93), ("participatesIn", 163), ("hasDeliverable", 79), ("mentionsPlace", 71)):
        assert rel[relation] == count(store, f"SELECT DISTINCT ?s ?o WHERE {{ ?s fg:{relation} ?o }}") == expected
    assert len({e.id for e in view.edges}) == len(view.edges) == 406
    assert len({n.id for n in view.nodes}) == len(view.nodes)


def test_agencies_view_is_the_projection_sized_by_load(ctx, store):
    view = build_view(ctx, "agencies")
    assert len(view.nodes) == distinct(store, "a", "?a fg:leads|fg:participatesIn ?t") == 59
    pairs = count(store, """SELECT DISTINCT ?a ?b WHERE { ?a fg:leads|fg:participatesIn ?t .
                                      ?b fg:leads|fg:participatesIn ?t . FILTER(STR(?a) < STR(?b)) }""")
    assert len(view.edges) == pairs == 412 and view.edge_total == 412 and view.notes == []
    edge = next(e for e in view.edges if {e.source, e.target} == {HOUSING, DRC})
    shared = distinct(store, "t", f"<{HOUSING}> fg:leads|fg:participatesIn ?t . <{DRC}> fg:leads|fg:participatesIn ?t")
    assert edge.weight == shared == 25
    assert max(e.weight for e in view.edges) == 25  # the strongest tie of the plan
    housing = next(n for n in view.nodes if n.id == HOUSING)
    stats = {s.iri: s for s in ctx.analysis.agencies}
    assert housing.value == stats[HOUSING].load and housing.kind == "Department"
    # Marks follow the analysis: overloaded → red border, bottleneck → diamond.
    for node in vis_nodes(view):
        s = stats[node["id"]]
        assert (node["shape"] == BOTTLENECK_SHAPE) == s.bottleneck
        assert (node["color"]["border"] == OVERLOADED_BORDER["color"]) == s.overloaded
    assert {s.name_zh for s in stats.values() if s.overloaded} >= {"住房城乡建设厅", "发展改革委"}
    widths = {(e["from"], e["to"]): e["value"] for e in vis_edges(view)}
    assert widths[(edge.source, edge.target)] == 25


def test_dense_projection_keeps_each_agencys_strongest_links(ctx):
    view = agencies_view(ctx, "zh", cap=100)
    assert len(view.edges) == 100 and view.edge_total == 412
    kept = {e.id for e in view.edges}
    full = agencies_view(ctx, "zh").edges
    for node in {n for e in full for n in (e.source, e.target)}:
        mine = [e for e in full if node in (e.source, e.target)]
        strongest = max(mine, key=lambda e: e.weight).weight
        # nobody drops out of the picture, and each agency's strongest tie is drawn
        assert any(e.id in kept and e.weight == strongest for e in mine), node
    assert view.edges[0].weight == 25
    assert view.notes == ["连线过密：只画出最强的 100 条（共 412 条），每个单位先保留其最强的连线"]
    assert agencies_view(ctx, "en", cap=100).notes == [
        "dense network: the 100 strongest of 412 links are drawn, each agency's strongest first"]


def test_agency_links_are_the_analysis_projection(ctx):
    view = agencies_view(ctx, "zh", cap=10_000)
    p = ctx.analysis.projection
    assert {frozenset((e.source, e.target)) for e in view.edges} == {frozenset(pair) for pair in p.edges()}
    for e in view.edges:
        tie = p.edges[e.source, e.target]
        facts = dict(e.facts)
        assert facts["fact_weight"] == str(tie["weight"])  # role-weighted, as the analysis weighs it
        assert facts["fact_shared_tasks"] == [ctx.task_ref(t) for t in tie["task_iris"]]
        assert e.weight == len(tie["task_iris"])


def test_agencies_view_draws_the_agencies_with_the_highest_load(ctx):
    ranked = sorted((s for s in ctx.analysis.all_agencies if s.leads or s.participations), key=lambda s: -s.load)
    assert len(ranked) == 59 and len(agencies_view(ctx, "en").nodes) == 59  # under AGENCY_CAP: every agency
    view = agencies_view(ctx, "en", agency_cap=10)
    assert [n.id for n in view.nodes] == [s.iri for s in ranked[:10]]
    assert ranked[9].load > ranked[10].load  # no tie at the cut: "the top 10" is well defined
    drawn = {n.id for n in view.nodes}
    every = agencies_view(ctx, "en", cap=10_000).edges
    assert {e.id for e in view.edges} == {e.id for e in every if e.source in drawn and e.target in drawn}
    assert view.notes == ["10 of 59 agencies shown, those with the highest load; search finds the others"]
    slugs = [s.iri.rsplit("/", 1)[-1] for s in ranked[10:]]
    assert [spec for _, _, spec in view.omitted] == [f"agency:{slug}" for slug in slugs]
    html = render_html(view)
    assert "10 of 59 agencies shown" in html
    data = page_data(html)
    assert [n["id"] for n in data["nodes"]] == [s.iri for s in ranked[:10]]
    name, keys, command = data["omitted"][0]
    assert name == ranked[10].name_en and ranked[10].name_zh in keys
    assert command == f"fengong viz --view agency {slugs[0]} --lang en"
    assert resolve_agency(ctx, slugs[0]) == ranked[10].iri  # the command draws it
    assert agencies_view(ctx, "zh", agency_cap=10).notes[0] == "只画出负荷最高的 10 个单位（共 59 个）；其余单位仍可搜索"


@pytest.fixture(scope="module")
def plans_nq(tmp_path_factory) -> bytes:
    """Every fixture document and the bundled plan, built into one dataset (several plans)."""
    from fengong.build import build, bundled_path

    out = tmp_path_factory.mktemp("plans") / "out"
    build([str(FIXTURES), str(bundled_path())], out, formats=["nq"], workers=1)
    return (out / "plan.nq").read_bytes()


def _stores(dataset: bytes):
    from fengong.store import MemoryStore, OxigraphStore

    for cls in (OxigraphStore, MemoryStore):
        st = cls()
        st.load_bytes(dataset, "nq")
        yield st


def test_the_projection_and_the_full_page_do_not_depend_on_the_engines_row_order(plans_nq):
    from fengong.network import to_networkx

    graphs, pages = [], []
    for st in _stores(plans_nq):  # Oxigraph and rdflib return their rows in orders of their own
        g = to_networkx(st)
        graphs.append((list(g.nodes), list(g.edges(keys=True))))
        pages.append(render_html(full_view(load_context(st), "zh")))
    assert graphs[0] == graphs[1] and pages[0] == pages[1]
    nodes = graphs[0][0]
    tasks = [n for n in nodes if "/task/gzbf-2014-94-" in n]
    assert tasks[:3] == [f"https://w3id.org/fengong/id/task/gzbf-2014-94-{i}" for i in (1, 2, 3)]  # numbers as numbers


@pytest.mark.parametrize("plans", ["guangxi", "several"])
def test_the_lean_agencies_context_draws_the_same_page(plans, request):
    from fengong.build import bundled_dataset

    dataset = bundled_dataset() if plans == "guangxi" else request.getfixturevalue("plans_nq")
    for st in _stores(dataset):
        lean, full = agencies_context(st), load_context(st)
        assert lean.graph is None and full.graph is not None
        if plans == "several":
            assert len(full.plans) > 1
        for lang in ("zh", "en"):
            for caps in ({}, {"agency_cap": 10}, {"cap": 20}, {"agency_cap": 12, "cap": 15}):
                assert render_html(agencies_view(lean, lang, **caps)) == render_html(agencies_view(full, lang, **caps))


def test_lean_agencies_context_without_an_analysis_is_the_full_context(store):
    ctx = agencies_context(store, None)
    assert ctx.graph is not None and ctx.analysis is None


def test_agency_view_is_one_departments_ego_network(ctx, store):
    view = build_view(ctx, "agency", arg="住房城乡建设厅")
    assert view.key == "agency:gx-housing" and view.slug == "agency-gx-housing"
    assert view.nodes[0].id == HOUSING and view.title == "住房城乡建设厅：任务与合作单位"
    mine = f"<{HOUSING}> fg:leads|fg:participatesIn ?t"
    tasks = distinct(store, "t", mine)
    partners = distinct(store, "b", f"{mine} . ?b fg:leads|fg:participatesIn ?t FILTER(?b != <{HOUSING}>)")
    deliverables = distinct(store, "d", f"{mine} . ?t fg:hasDeliverable ?d")
    assert tasks == 38  # leads 26, participates in 12
    assert sum(by_type(view)[t] for t in TASK_TYPES if t in by_type(view)) == tasks
    assert sum(by_type(view).get(t, 0) for t in ACTOR_TYPES) == partners + 1
    assert by_type(view)["Deliverable"] == deliverables
    assert len(view.nodes) == 1 + tasks + partners + deliverables
    actor_edges = count(store, f"SELECT DISTINCT ?b ?r ?t WHERE {{ {mine} . VALUES ?r {{ fg:leads fg:participatesIn }} ?b ?r ?t }}")
    assert len(view.edges) == actor_edges + deliverables
    assert ("fact_partners", str(partners)) in view.nodes[0].facts


def test_section_and_city_views(ctx, store):
    section = build_view(ctx, "section:2")
    tasks = distinct(store, "t", "?t fg:inSection ?s . ?s fg:number 2")
    assert sum(by_type(section).get(t, 0) for t in TASK_TYPES) == tasks == 7
    assert section.title == "第2部分 有序推进农业转移人口市民化"
    assert by_type(section)["Deliverable"] == distinct(store, "d", "?t fg:inSection ?s . ?s fg:number 2 . ?t fg:hasDeliverable ?d")
    assert build_view(ctx, "section", arg="二").key == build_view(ctx, "section", arg="市民化").key == "section:2"
    city = build_view(ctx, "city:南宁市")
    mention = "?t fg:mentionsPlace <https://w3id.org/fengong/id/place/450100>"
    assert sum(by_type(city).get(t, 0) for t in TASK_TYPES) == distinct(store, "t", mention) == 4
    assert sum(by_type(city).get(t, 0) for t in ACTOR_TYPES) == distinct(store, "a", f"{mention} . ?a fg:leads|fg:participatesIn ?t")
    assert by_relation(city)["mentionsPlace"] == 4 and "Deliverable" not in by_type(city)
    assert city.key == "city:450100" and build_view(ctx, "city", arg="Nanning").key == "city:450100"


def test_task_tooltip_has_number_text_leads_participants_and_deliverables(ctx, store):
    view = build_view(ctx, "section:2")
    node = next(n for n in view.nodes if n.id == TASK + "17")
    facts = dict(node.facts)
    text = store.query(f"SELECT ?x WHERE {{ <{TASK}17> fg:text ?x }}").rows[0][0].value
    assert facts["fact_number"] == "(十七) 17" and facts["fact_text"] == text
    assert facts["fact_leads"] == ["公安厅"]
    assert facts["fact_participants"] == [
        r["s"] for r in store.query(f"SELECT ?s WHERE {{ ?a fg:participatesIn <{TASK}17> ; fg:shortLabel ?s }}").dicts()
    ]
    assert "2014年底出台推进户籍制度改革的政策措施 — 2014年底 (2014-12-31)" in facts["fact_deliverables"]
    assert facts["fact_section"] == "2. 有序推进农业转移人口市民化" and facts["fact_due"] == "2020-12-31"
    assert node.sections == [2] and node.years == [2020]


def test_agency_tooltip_has_bilingual_names_counts_and_measures(ctx):
    node = next(n for n in build_view(ctx, "full", "en").nodes if n.id == HOUSING)
    assert node.names == ["广西壮族自治区住房和城乡建设厅", "住房城乡建设厅", "Guangxi Department of Housing and Urban-Rural Development"]
    assert node.label == "Guangxi Department of Housing and Urban-Rural Development"
    facts = dict(node.facts)
    stats = next(s for s in ctx.analysis.agencies if s.iri == HOUSING)
    assert facts["fact_lead_count"] == "26" and facts["fact_participation_count"] == "12"
    assert facts["fact_load"] == "80.5" == str(stats.load)
    assert facts["fact_betweenness"] == f"{stats.betweenness:.3f}" == "0.641"
    assert facts["fact_overloaded"] == "yes" and facts["fact_reasons"] == stats.reasons
    assert facts["fact_kind"] == "Department"
    assert {"住建厅", "gx-housing", "Guangxi Department of Housing and Urban-Rural Development"} <= set(node.search)
    assert node.roles == ["lead", "participant"] and 2015 in node.years


# --- names to nodes -----------------------------------------------------------------

@pytest.mark.parametrize("name", ["住房城乡建设厅", "广西壮族自治区住房和城乡建设厅", "住建厅", "gx-housing",
                                  "guangxi department of housing and urban-rural development", HOUSING])
def test_agency_names_resolve(ctx, name):
    assert resolve_agency(ctx, name) == HOUSING


def test_unknown_names_fail_with_suggestions(ctx):
    with pytest.raises(FengongError, match=r"agency '住房建设厅': not in the graph; did you mean 住房城乡建设厅\?"):
        resolve_agency(ctx, "住房建设厅")
    with pytest.raises(FengongError, match=r"agency '人民政府': matches \d+ \("):
        resolve_agency(ctx, "人民政府")
    with pytest.raises(FengongError, match=r"city '南宁县': not in the graph; did you mean .*南宁市"):
        resolve_place(ctx, "南宁县")
    with pytest.raises(FengongError, match=r"section '12': no such section \(sections 1–10\)"):
        resolve_section(ctx, "12")
    with pytest.raises(FengongError, match=r"view 'sektion': unknown .*did you mean section\?"):
        parse_spec("sektion")
    with pytest.raises(FengongError, match="needs a name"):
        parse_spec("city")


# --- the page: escaping, offline, language ----------------------------------------------

class Tags(HTMLParser):
    """Start tags, attributes, and the text of script/title elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.texts: dict[str, list[str]] = {}
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = tag

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in in ("script", "title", "h1"):
            self.texts.setdefault(self._in, []).append(data)


def parse(html: str) -> Tags:
    p = Tags()
    p.feed(html)
    return p


def page_data(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="fg-data">(.*?)</script>', html, re.S).group(1))


def test_script_json_cannot_close_its_script():
    text = script_json({"t": "</script><!-- & \u2028\u2029"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"t": "</script><!-- & \u2028\u2029"}


@pytest.mark.parametrize("spec", ["full", "agencies", "section:1", "agency:住建厅", "city:南宁市"])
def test_document_text_cannot_break_out_of_the_page(spec):
    view = build_view(load_context(xss_store()), spec)
    html = render_html(view, home="../index.html")
    tags = parse(html)
    names = [t for t, _ in tags.tags]
    assert "img" not in names and names.count("script") == 3 and html.lower().count("</script") == 3
    assert not any(t == "svg" and "onload" in a for t, a in tags.tags)
    assert not any(k.startswith("on") for _, a in tags.tags for k in a)  # no inline handlers at all
    data = page_data(html)
    raw = re.search(r'id="fg-data">(.*?)</script>', html, re.S).group(1)
    assert "\u2028" not in raw and "<" not in raw
    nodes = {n["id"]: n for n in data["nodes"]}
    task = nodes.get("https://w3id.org/fengong/id/task/xss-1-1")
    if task is not None:  # the agencies view has no task nodes
        assert [PAYLOAD] == [v for k, v in task["fg"]["facts"] if v == PAYLOAD]
    evil = nodes.get(AG + "x-evil")
    assert evil is not None and evil["label"] == NAME_PAYLOAD
    # Strings written into HTML come back unchanged after parsing: escaped, not interpreted.
    options = [a.get("value") for t, a in tags.tags if t == "option"]
    assert NAME_PAYLOAD in options
    assert "".join(tags.texts["title"]) == view.title
    assert "测试方案</title><script>alert(3)</script>" in html.replace("&lt;", "<").replace("&gt;", ">").replace("&#x27;", "'")


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_page_script_is_valid_javascript():
    path = page_mod.resources.files("fengong.viz") / "assets" / "view.js"
    result = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_pages_fetch_nothing_and_inline_vis_network(ctx):
    html = render_html(build_view(ctx, "agencies"))
    assert EXTERNAL.findall(html) == []
    tags = parse(html)
    assert not any(t == "link" for t, _ in tags.tags)
    assert not any(t == "script" and "src" in a for t, a in tags.tags)
    assert "vis-network" in html and "@version 9.1.2" in html and "sourceMappingURL" not in html
    assert "default-src 'none'" in html  # the browser itself refuses any fetch
    assert html.count("<h1>") == 1


def test_english_chrome(ctx):
    html = render_html(build_view(ctx, "agencies", "en"), home="../index.html")
    tags = parse(html)
    attrs = {a.get("id"): a for _, a in tags.tags if a.get("id")}
    assert attrs["fg-search"]["placeholder"] == "Search by name…"
    assert '<html lang="en">' in html and "<h1>Agency collaboration network</h1>" in html
    for text in ("Legend", "Fit", "Reset", "Find", "Due year", "Role", "thick red border = overloaded", "← All views"):
        assert text in html
    assert "图例" not in html and "搜索" not in html
    assert page_data(html)["chrome"]["not_found"] == "Not found: {query}"
    zh = render_html(build_view(ctx, "agencies", "zh"))
    assert "图例" in zh and 'placeholder="搜索名称…"' in zh


def test_large_views_get_precomputed_positions_and_no_physics(ctx, monkeypatch):
    small = page_data(render_html(build_view(ctx, "section:2")))
    assert small["options"]["physics"]["enabled"] is True
    assert small["options"]["physics"]["stabilization"]["enabled"] is True
    assert not any("x" in n for n in small["nodes"])
    monkeypatch.setattr(page_mod, "PHYSICS_MAX_NODES", 100)
    big = page_data(render_html(build_view(ctx, "full")))
    assert big["options"]["physics"]["enabled"] is False
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in big["nodes"])
    assert len({(n["x"], n["y"]) for n in big["nodes"]}) == 257
    full = build_view(ctx, "full")
    assert page_mod.positions(full) == page_mod.positions(full)  # pages do not change from run to run


# --- fengong viz ---------------------------------------------------------------------

def test_viz_writes_one_page_and_nothing_else(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["viz", "--view", "agency", "住房城乡建设厅"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agency-gx-housing.html"]  # no lib/ folder
    assert result.stderr.startswith("wrote agency-gx-housing.html: 住房城乡建设厅：任务与合作单位 (")
    data = page_data((tmp_path / "agency-gx-housing.html").read_text(encoding="utf-8"))
    assert data["nodes"][0]["id"] == HOUSING
    result = runner.invoke(cli, ["viz", "--view", "section:2", "--lang", "en", "-o", "-"])
    assert result.exit_code == 0 and result.stdout.startswith("<!DOCTYPE html>")
    assert "<h1>Section 2: 有序推进农业转移人口市民化</h1>" in result.stdout


def test_viz_agencies_reads_no_projection(runner, tmp_path, monkeypatch, store):
    # The agencies view comes from the analysis' tables; the page is the full context's page.
    import fengong.viz.views as views_mod

    expected = render_html(agencies_view(load_context(store), "zh"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(views_mod, "to_networkx", lambda store: pytest.fail("agencies view read the projection"))
    result = runner.invoke(cli, ["viz", "--view", "agencies"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "agencies.html").read_text(encoding="utf-8") == expected


def test_ambiguous_agency_lists_names_that_tell_the_matches_apart():
    from fengong.model import build_store
    from fengong.parse import parse_text
    from fengong.store import OxigraphStore

    text = "测试分工方案\n\n　　一、重点任务\n\n　　(一)推进测试工作。\n\n　　牵头单位:财政厅\n\n　　参加单位:商务厅\n"
    plans = [parse_text(text, "gx.txt", jurisdiction="gx"), parse_text(text, "hn.txt", jurisdiction="hn")]
    two = load_context(OxigraphStore(store=build_store(plans)))
    with pytest.raises(FengongError) as exc:
        resolve_agency(two, "财政厅")
    message = str(exc.value)
    assert message.startswith("agency '财政厅': matches 2 (")
    assert "广西壮族自治区财政厅" in message and "湖南省财政厅" in message  # not 财政厅、财政厅


@pytest.mark.parametrize("args, message", [
    (["--view", "agency", "住房建设厅"], "fengong: error: agency '住房建设厅': not in the graph; did you mean 住房城乡建设厅?"),
    (["--view", "city:南宁县"], "fengong: error: city '南宁县': not in the graph; did you mean"),
    (["--view", "section", "12"], "fengong: error: section '12': no such section (sections 1–10)"),
    (["--view", "cities"], "fengong: error: view 'cities': unknown (views: full, agencies, agency, section, city); did you mean city?"),
])
def test_viz_bad_names_exit_2_in_one_line(runner, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["viz", *args])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message)
    assert list(tmp_path.iterdir()) == []
