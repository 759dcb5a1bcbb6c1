"""fengong.analysis on the Guangxi plan: every figure checked against the parsed records."""

from __future__ import annotations

import itertools
import json
from collections import Counter, defaultdict

import networkx as nx
import numpy as np
import pytest

from fengong.analysis import Analysis, agency_projection, analyze, load_rules
from fengong.vocab import ID

HOUSING = ID["agency"] + "gx-housing"
DRC = ID["agency"] + "gx-drc"
STATISTICS = ID["agency"] + "gx-statistics"
# The weights the docs promise (lead–lead 3, lead–participant 2, participant–participant 1).
PAIR_WEIGHT = {("lead", "lead"): 3, ("lead", "participant"): 2, ("participant", "participant"): 1}


@pytest.fixture(scope="module")
def analysis(store) -> Analysis:
    return analyze(store)


@pytest.fixture(scope="module")
def roles(guangxi_plan) -> dict[str, dict[tuple, str]]:
    """Actor IRI → {(item number, sub-number): role} from the records; a lead wins over a participation."""
    out: dict[str, dict[tuple, str]] = defaultdict(dict)
    for item in guangxi_plan.items:
        key = (item.number, item.sub_number)
        for a in item.assignments:
            role = "participant" if a.role == "participant" else "lead"
            iri = ID["agency"] + a.actor.id
            if out[iri].get(key) != "lead":
                out[iri][key] = role
    return out


@pytest.fixture(scope="module")
def items(guangxi_plan) -> dict[tuple, object]:
    return {(i.number, i.sub_number): i for i in guangxi_plan.items}


def test_rules_file_holds_the_documented_weights():
    rules = load_rules()
    assert rules["projection_weights"] == {"lead-lead": 3, "lead-participant": 2, "participant-participant": 1}
    assert rules["load_weights"] == {"leads": 2, "participations": 1, "deliverables_as_lead": 0.5}
    assert rules["deadline_peak"]["min_deliverables"] == 10
    assert rules["overloaded"]["lead_share"] == 0.10


def test_lead_and_participation_counts_match_the_records(analysis, roles):
    housing, drc = analysis.agency(HOUSING), analysis.agency(DRC)
    assert (housing.name_zh, housing.leads) == ("住房城乡建设厅", 26)
    assert (drc.name_zh, drc.leads) == ("发展改革委", 16)
    for s in analysis.all_agencies:  # every actor, counted independently from the parsed records
        counted = Counter(roles[s.iri].values())
        assert (s.leads, s.participations) == (counted["lead"], counted["participant"]), s.name_zh
    assert housing.participations == Counter(roles[HOUSING].values())["participant"] == 12
    assert len(analysis.all_agencies) == len(roles) == 59


def test_lead_share_counts_every_lead_edge_including_the_prose_lead(analysis, guangxi_plan):
    field = sum(1 for i in guangxi_plan.items for a in i.leads if a.basis == "field")
    prose = [i.numeral for i in guangxi_plan.items for a in i.leads if a.basis == "prose"]
    assert (field, prose) == (92, ["六十四"])
    assert analysis.rules["lead_total"] == analysis.counts["leads"] == 93
    assert analysis.agency(HOUSING).lead_share == pytest.approx(26 / 93)
    assert analysis.agency(DRC).lead_share == pytest.approx(16 / 93)
    assert "93" in analysis.rules["text"]["lead"]["en"]


def test_deliverables_deadlines_and_load_follow_the_formula(analysis, roles, items):
    for s in analysis.all_agencies:
        led = [items[k] for k, r in roles[s.iri].items() if r == "lead"]
        owed = [d for item in led for d in item.deliverables]
        years = Counter(d.due.year for d in owed if d.due and d.due.year)
        assert s.deliverables_as_lead == len(owed), s.name_zh
        assert s.deadlines == dict(years), s.name_zh
        assert s.load == 2 * s.leads + 1 * s.participations + 0.5 * s.deliverables_as_lead
    housing = analysis.agency(HOUSING)
    assert (housing.deliverables_as_lead, housing.load) == (33, 80.5)
    assert housing.deadlines == {2014: 5, 2015: 16, 2016: 1, 2020: 11}
    loads = [s.load for s in analysis.agencies]
    assert loads == sorted(loads, reverse=True)


def test_deadline_peaks_are_the_years_with_ten_or_more_deliverables_as_lead(analysis, roles, items):
    expected = []
    for iri, tasks in roles.items():
        years = Counter(d.due.year for k, r in tasks.items() if r == "lead" for d in items[k].deliverables if d.due and d.due.year)
        expected += [(iri, y, n) for y, n in years.items() if n >= 10]
    got = [(p.agency, p.year, p.count) for p in analysis.deadline_peaks]
    assert sorted(got) == sorted(expected)
    assert got == [(HOUSING, 2015, 16), (DRC, 2015, 13), (HOUSING, 2020, 11)]


def test_housing_and_drc_are_overloaded_with_reasons_and_statistics_is_not(analysis):
    housing, drc, stats = analysis.agency(HOUSING), analysis.agency(DRC), analysis.agency("统计局")
    assert housing.overloaded and drc.overloaded
    assert housing.reason_keys[:4] == ["load", "lead_share", "deadline_peak", "deadline_peak"]
    assert drc.reason_keys[:3] == ["load", "lead_share", "deadline_peak"]
    assert "leads 26 of 93 (28.0%) ≥ 10%" in housing.reasons
    assert "16 deliverables due as lead in 2015 (≥ 10)" in housing.reasons
    assert "牵头 16/93 项（17.2%）≥ 10%" in drc.reasons_zh
    assert stats.iri == STATISTICS and not stats.overloaded and stats.reasons == []
    # Loads: Q1 = 1, Q3 = 7, so the 3·IQR fence is 25; only the two giants pass it.
    ov = analysis.rules["overloaded"]
    assert (ov["q1"], ov["q3"], ov["load_threshold"]) == (1.0, 7.0, 25.0)
    assert [a.iri for a in analysis.overloaded] == [HOUSING, DRC]


def test_the_usual_fence_would_flag_merely_busy_agencies(store):
    """Why analysis.yaml uses 3·IQR: with 1.5·IQR (fence 16) three busy departments pass too."""
    rules = load_rules()
    rules["overloaded"]["iqr_factor"] = 1.5
    a = analyze(store, rules=rules)
    assert a.rules["overloaded"]["load_threshold"] == 16.0
    assert {s.name_zh for s in a.overloaded} == {"住房城乡建设厅", "发展改革委", "公安厅", "国土资源厅", "人力资源社会保障厅"}


def test_bottlenecks_are_the_brokers(analysis):
    # Housing and DRC tie the plan together; 金融办 leads 五十三, the one task of the
    # financial regulators (银监局, 保监局, 证监局); 农业厅 leads 四十二 with the rural
    # bureaux (农机局, 水产畜牧兽医局 …); 公安厅 (四十六–四十八) and 财政厅 (三十八, 五十二)
    # lead tasks with many participants. All have constraint below the median.
    names = [a.name_zh for a in analysis.bottlenecks]
    print("bottlenecks:", names)
    assert names == ["住房城乡建设厅", "发展改革委", "农业厅", "金融办", "公安厅", "财政厅"]
    bn = analysis.rules["bottleneck"]
    for a in analysis.bottlenecks:
        assert a.betweenness >= bn["betweenness_threshold"] > 0
        assert a.constraint < bn["constraint_threshold"]
        assert a.reason_keys[-1] == "bottleneck"
    assert not analysis.agency("统计局").bottleneck


def test_diffuse_tasks_have_three_or_more_co_leads(analysis, guangxi_plan):
    expected = [(i.number, [ID["agency"] + a.actor.id for a in sorted(i.leads, key=lambda a: a.position)])
                for i in guangxi_plan.items if len({a.actor.id for a in i.leads}) >= 3]
    assert [(t.number, t.leads) for t in analysis.diffuse_tasks] == expected
    assert [t.number for t in analysis.diffuse_tasks] == [1, 39, 43, 44, 57, 59]
    forty_three = analysis.diffuse_tasks[2]
    assert forty_three.lead_names == ["美丽办", "农业厅", "住房城乡建设厅", "环境保护厅"]
    assert forty_three.label.startswith("(四十三)")


def test_diffuse_tasks_are_read_from_the_store_only_when_asked_for(store):
    # The agencies view never asks: at 1,000 plans their details are ~2 s of reads.
    queries = []

    class Counting:
        def __getattr__(self, name):
            return getattr(store, name)

        def query(self, q, *args, **kwargs):
            queries.append(q)
            return store.query(q, *args, **kwargs)

    a = analyze(Counting())
    before = len(queries)
    assert a.counts["diffuse_tasks"] == 6 and "diffuse_tasks" not in a.__dict__
    assert [t.number for t in a.diffuse_tasks] == [1, 39, 43, 44, 57, 59]
    assert len(queries) > before  # the details were read now, not during analyze()
    assert a.diffuse_tasks is a.diffuse_tasks  # and once


def test_projection_is_symmetric_and_weighted_by_role(analysis, roles):
    p = analysis.projection
    assert isinstance(p, nx.Graph) and not p.is_directed()
    m = nx.to_numpy_array(p, weight="weight")
    assert np.array_equal(m, m.T)
    e = p.edges[HOUSING, DRC]
    shared = sorted(set(roles[HOUSING]) & set(roles[DRC]))
    combos = Counter(tuple(sorted((roles[HOUSING][k], roles[DRC][k]))) for k in shared)
    assert len(shared) == len(e["tasks"]) == 25
    assert (e["lead_lead"], e["lead_participant"], e["participant_participant"]) == (
        combos[("lead", "lead")], combos[("lead", "participant")], combos[("participant", "participant")])
    assert e["weight"] == sum(PAIR_WEIGHT[c] * n for c, n in combos.items()) == 56
    assert e["tasks"] == sorted(k[0] for k in shared)
    assert e["distance"] == pytest.approx(1 / 56)


def test_every_projection_edge_matches_the_records(analysis, roles):
    expected: dict[frozenset, int] = defaultdict(int)
    for u, v in itertools.combinations(sorted(roles), 2):
        for k in set(roles[u]) & set(roles[v]):
            expected[frozenset((u, v))] += PAIR_WEIGHT[tuple(sorted((roles[u][k], roles[v][k])))]
    got = {frozenset((u, v)): d["weight"] for u, v, d in analysis.projection.edges(data=True)}
    assert got == dict(expected)
    housing = analysis.agency(HOUSING)
    assert housing.strength == sum(w for pair, w in expected.items() if HOUSING in pair) == 285
    assert housing.degree == sum(1 for pair in expected if HOUSING in pair) == 50


def test_agency_projection_on_its_own_equals_the_analysis_projection(store, analysis):
    p = agency_projection(store)
    assert sorted(p.nodes) == sorted(analysis.projection.nodes)
    assert {(u, v, d["weight"]) for u, v, d in p.edges(data=True)} == {(u, v, d["weight"]) for u, v, d in analysis.projection.edges(data=True)}
    assert p.nodes[HOUSING]["leads"] == 26 and p.nodes[HOUSING]["name_zh"] == "住房城乡建设厅"


def test_bipartite_graph_has_one_edge_per_agency_and_task(analysis):
    b = analysis.bipartite
    assert nx.is_bipartite(b)
    roles = Counter(d["role"] for _, _, d in b.edges(data=True))
    assert roles == Counter(lead=93, participant=163)
    assert sum(1 for _, d in b.nodes(data=True) if d["bipartite"] == 1) == 66


def test_centralities(analysis):
    housing = analysis.agency(HOUSING)
    top = max(analysis.all_agencies, key=lambda a: a.betweenness)
    assert top.iri == HOUSING and housing.betweenness == pytest.approx(0.6412, abs=1e-4)
    assert max(analysis.all_agencies, key=lambda a: a.eigenvector or 0).iri == HOUSING
    assert analysis.rules["eigenvector"]["method"] == "power iteration"
    assert analysis.rules["betweenness"]["method"] == "exact"
    # Burt: effective size ≤ degree, constraint in (0, 1] for anyone with a tie.
    for a in analysis.all_agencies:
        if a.degree:
            assert 0 < a.constraint <= 1 and 0 < a.effective_size <= a.degree
    # Two actors share no task with anyone: the prose lead of 六十四 and 各县(市、区)人民政府 (二十五).
    alone = sorted(a.name_zh for a in analysis.all_agencies if a.degree == 0)
    assert alone == ["各县(市、区)人民政府", "新型城镇化领导小组办公室"]
    assert all(a.constraint is None and a.effective_size is None for a in analysis.all_agencies if a.degree == 0)
    # The projection is dense: no single agency's removal splits it.
    assert [a.name_zh for a in analysis.all_agencies if a.articulation] == []


def test_collective_actors_stay_in_and_are_marked(analysis, guangxi_plan):
    collective = {ID["agency"] + a.actor.id for i in guangxi_plan.items for a in i.assignments if a.actor.collective}
    assert {a.iri for a in analysis.all_agencies if a.collective} == collective
    assert len(collective) == analysis.counts["collective"] == 6
    towns = analysis.agency("各市、县(市、区)人民政府")
    assert (towns.kind, towns.leads, towns.participations) == ("local-government-collective", 1, 12)
    assert analysis.agency(HOUSING).kind == "department"


def test_sampled_betweenness_is_reproducible(store):
    a = analyze(store, exact_max_nodes=10, k=20)
    b = analyze(store, exact_max_nodes=10, k=20)
    assert a.rules["betweenness"]["method"] == "sampled (k=20, seed=94)"
    assert [x.betweenness for x in a.all_agencies] == [x.betweenness for x in b.all_agencies]
    assert max(a.all_agencies, key=lambda x: x.betweenness).iri == HOUSING


def test_eigenvector_falls_back_when_power_iteration_does_not_converge(store, analysis):
    rules = load_rules()
    rules["eigenvector"]["max_iter"] = 1
    a = analyze(store, rules=rules)
    assert a.rules["eigenvector"]["method"].startswith("dense solver")
    for x in a.all_agencies:
        assert x.eigenvector == pytest.approx(analysis.agency(x.iri).eigenvector, abs=1e-3)


def test_top_cuts_the_list_but_not_the_flags(store):
    a = analyze(store, top=3)
    assert [x.name_zh for x in a.agencies] == ["住房城乡建设厅", "发展改革委", "公安厅"]
    assert len(a.all_agencies) == 59 and len(a.bottlenecks) == 6
    assert len(a.to_json()["agencies"]) == 3 and len(a.to_json()["bottlenecks"]) == 6


def test_json_is_serialisable_and_carries_the_rules(analysis):
    data = json.loads(json.dumps(analysis.to_json(), ensure_ascii=False))
    assert list(data) == ["plans", "counts", "top", "rules", "overloaded", "bottlenecks", "agencies",
                          "diffuse_tasks", "deadline_peaks", "projection"]
    assert data["plans"][0]["number"] == "桂政办发〔2014〕94号"
    assert data["overloaded"] == [HOUSING, DRC]
    first = data["agencies"][0]
    assert (first["iri"], first["leads"], first["deadlines"]["2015"], first["lead_share"]) == (HOUSING, 26, 16, round(26 / 93, 6))
    assert set(data["rules"]["text"]) >= {"overloaded", "bottleneck", "diffuse", "deadline_peak", "load", "projection"}
    assert "Q3 + 3.0×IQR" in data["rules"]["text"]["overloaded"]["en"]
    assert data["rules"]["projection_weights"]["lead-lead"] == 3
    assert data["projection"] == {"nodes": 59, "edges": analysis.projection.number_of_edges(),
                                  "density": round(nx.density(analysis.projection), 6)}
    assert json.dumps(analysis.to_json()) == json.dumps(analysis.to_json())  # stable


def test_rdflib_engine_gives_the_same_figures(memory_store, analysis):
    other = analyze(memory_store)
    assert [(a.iri, a.leads, a.participations, a.load) for a in other.all_agencies] == \
           [(a.iri, a.leads, a.participations, a.load) for a in analysis.all_agencies]
    assert [a.iri for a in other.bottlenecks] == [a.iri for a in analysis.bottlenecks]


# --- the vectorised figures against networkx's own ---------------------------------------------

from fengong import analysis as _analysis  # noqa: E402


def _matrices(store):
    tables = _analysis._read_tables(store)
    counts, weight = _analysis._projection_matrices(tables, load_rules()["projection_weights"])
    return tables, counts, weight


def test_sparse_projection_equals_the_networkx_projection(store, analysis):
    tables, counts, weight = _matrices(store)
    p = analysis.projection
    assert tables.actors == sorted(p.nodes)
    index = {a: i for i, a in enumerate(tables.actors)}
    ties = _analysis._ties(counts)
    assert ties.nnz == p.number_of_edges() == analysis.to_json()["projection"]["edges"]
    for u, v, e in p.edges(data=True):
        i, j = index[u], index[v]
        assert weight[i, j] == weight[j, i] == e["weight"]
        assert {k: int(c[i, j]) for k, c in counts.items()} == {k: e[k] for k in counts}


def test_embedded_reader_equals_the_generic_reader(store, memory_store):
    fast, slow = _analysis._read_tables(store), _analysis._read_tables(memory_store)
    assert fast.actors == slow.actors and fast.tasks == slow.tasks
    assert fast.actor_attrs == slow.actor_attrs and fast.task_years == slow.task_years
    assert (fast.task_count, fast.deliverable_count) == (slow.task_count, slow.deliverable_count) == (66, 79)
    key = lambda t: sorted(zip(t.edge_actor.tolist(), t.edge_task.tolist(), t.edge_lead.tolist()))
    assert key(fast) == key(slow)
    tasks = fast.tasks[:5]
    assert _analysis._task_details(store, tasks) == _analysis._task_details(memory_store, tasks)


def test_tables_keep_every_role_as_read(store, memory_store):
    # The views need both roles of an actor that leads and joins one task; the figures count the lead only.
    leads = {(a, t) for a, t in _analysis._rows(store, _analysis._A_LEADS)}
    parts = {(a, t) for a, t in _analysis._rows(store, _analysis._A_PARTS)}
    for st in (store, memory_store):
        tables = _analysis._read_tables(st)
        rows = {(tables.actors[i], tables.tasks[j], lead) for i, j, lead in
                zip(tables.role_actor.tolist(), tables.role_task.tolist(), tables.role_lead.tolist())}
        assert rows == {(a, t, True) for a, t in leads} | {(a, t, False) for a, t in parts}
        kept = {(tables.actors[i], tables.tasks[j], lead) for i, j, lead in
                zip(tables.edge_actor.tolist(), tables.edge_task.tolist(), tables.edge_lead.tolist())}
        assert kept == {(a, t, lead) for a, t, lead in rows if lead or (a, t, True) not in rows}


def test_structural_holes_match_networkx(analysis):
    p = analysis.projection
    nodes = sorted(p)
    w = nx.to_scipy_sparse_array(p, nodelist=nodes, weight="weight", dtype=float)
    constraint, effective = _analysis._structural_holes(w)
    # networkx's per-node definition; its all-nodes sparse shortcut (networkx 3.6)
    # divides by the wrong agency's strongest tie (networkx PR #8906), so it is not the reference.
    want_c = nx.constraint(p, weight="weight")
    want_e = nx.effective_size(p, nodes=nodes, weight="weight")
    for i, n in enumerate(nodes):
        if p.degree(n) == 0:
            assert np.isnan(constraint[i]) and np.isnan(effective[i])
        else:
            assert constraint[i] == pytest.approx(want_c[n], abs=1e-12)
            assert effective[i] == pytest.approx(want_e[n], abs=1e-12)
            assert analysis.agency(n).effective_size == pytest.approx(want_e[n], abs=1e-9)


def test_eigenvector_is_networkx_power_iteration(analysis):
    p = analysis.projection
    want = nx.eigenvector_centrality(p, weight="weight", max_iter=1000, tol=1e-6)
    for a in analysis.all_agencies:
        assert a.eigenvector == pytest.approx(want[a.iri], abs=1e-12)


def _weighted_graph(seed: int = 7) -> nx.Graph:
    """Three components (one isolated node) with integer distances, so float ties are exact in every engine."""
    import random

    rnd = random.Random(seed)
    g = nx.gnm_random_graph(40, 110, seed=seed)
    g.add_edges_from([(40, 41), (41, 42), (42, 43), (43, 40), (41, 43)])
    g.add_node(44)
    for _, _, d in g.edges(data=True):
        d["distance"] = float(rnd.choice([1, 2, 3, 5]))
    return g


def _edge_arrays(g: nx.Graph):
    rows, cols, dist = zip(*((u, v, d["distance"]) for u, v, d in g.edges(data=True)))
    return np.array(rows), np.array(cols), np.array(dist)


@pytest.mark.parametrize("engine", ["networkx", "igraph"])
def test_exact_betweenness_equals_networkx(engine, monkeypatch):
    if engine == "igraph":
        pytest.importorskip("igraph")
        monkeypatch.setattr(_analysis, "IGRAPH_ABOVE", -1)
    g = _weighted_graph()
    rows, cols, dist = _edge_arrays(g)
    got, method = _analysis._betweenness(g.number_of_nodes(), rows, cols, dist, load_rules()["betweenness"], None, None, None)
    want = nx.betweenness_centrality(g, weight="distance", normalized=True)
    assert method == "exact"
    assert got == pytest.approx([want[i] for i in range(g.number_of_nodes())], abs=1e-12)


def test_sampled_betweenness_is_stratified_and_engines_agree(monkeypatch):
    g = _weighted_graph()
    rows, cols, dist = _edge_arrays(g)
    n = g.number_of_nodes()
    cfg = {"exact_max_nodes": 10, "k": 20, "seed": 94}
    nx_est, method = _analysis._betweenness(n, rows, cols, dist, cfg, None, None, None)
    assert method == "sampled (k=20, seed=94)"
    # the 5-node component is small enough to be exact; the 40-node one is sampled
    exact = nx.betweenness_centrality(g, weight="distance", normalized=True)
    assert nx_est[40:] == pytest.approx([exact[i] for i in range(40, n)], abs=1e-12)
    assert not np.allclose(nx_est[:40], [exact[i] for i in range(40)])
    # k ≥ a component's size is exact again
    full, method = _analysis._betweenness(n, rows, cols, dist, {**cfg, "k": 40}, None, None, None)
    assert method == "exact" and full == pytest.approx([exact[i] for i in range(n)], abs=1e-12)
    if _analysis._has_igraph():  # the same sources in igraph give the same estimate
        monkeypatch.setattr(_analysis, "IGRAPH_ABOVE", -1)
        ig_est, _ = _analysis._betweenness(n, rows, cols, dist, cfg, None, None, None)
        assert ig_est == pytest.approx(nx_est, abs=1e-12)


def test_projection_and_bipartite_are_built_on_demand(store, analysis):
    a = analyze(store)
    assert "projection" not in a.__dict__ and "bipartite" not in a.__dict__
    housing = a.projection.nodes[HOUSING]
    assert housing["overloaded"] is True and housing["load"] == a.agency(HOUSING).load
    network = _analysis.to_networkx(store)
    b = analyze(store, network=network)
    assert b.network is network and b.bipartite.number_of_edges() == a.bipartite.number_of_edges() == 256


def _graph_facts(g: nx.MultiDiGraph):
    nodes = dict(g.nodes(data=True))
    edges = sorted((u, v, k, tuple(sorted(d.items()))) for u, v, k, d in g.edges(keys=True, data=True))
    return nodes, edges


def test_to_networkx_reads_embedded_oxigraph_like_any_store(store, monkeypatch):
    from fengong import network

    fast = network.to_networkx(store)
    monkeypatch.setattr(network, "OxigraphStore", type("NotOxigraph", (), {}))  # the generic queries, same store
    slow = network.to_networkx(store)
    assert _graph_facts(fast) == _graph_facts(slow)
    assert fast.number_of_nodes() == 258 and fast.number_of_edges() == 406
    assert fast.nodes["https://w3id.org/fengong/id/task/gzbf-2014-94-7"]["section_title"]


def test_an_empty_store_gives_an_empty_analysis():
    from fengong.store import OxigraphStore

    a = analyze(OxigraphStore())
    assert a.all_agencies == [] and a.counts["tasks"] == 0
    assert a.to_json()["projection"] == {"nodes": 0, "edges": 0, "density": 0.0}


def test_projection_from_the_tables_is_the_bipartite_projection(store, analysis):
    from fengong.analysis import _project, bipartite_graph

    old = _project(bipartite_graph(store), load_rules()["projection_weights"])
    new = analysis.projection
    assert list(new.nodes) == list(old.nodes)
    assert list(new.edges(data=True)) == list(old.edges(data=True))  # same order, same attributes
    for n, d in old.nodes(data=True):
        assert {k: new.nodes[n][k] for k in d} == d
