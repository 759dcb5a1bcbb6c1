"""Queries split by plan across threads (``# partition: plan``) give exactly the result of
the query run whole, on a dataset of eight plans (the test fixtures, the Guangxi plan and
a copy of it under another number)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from fengong import FengongError
from fengong import store as store_module
from fengong.build import build, bundled_path
from fengong.formats import render
from fengong.querylib import bind_params, list_queries, load_query, query_from_text, run_query
from fengong.store import OxigraphStore, QuerySyntaxError
from fengong.vocab import ID

FIXTURES = Path(__file__).parent / "fixtures"
PARTITIONED = [q.name for q in list_queries() if q.partition]
PARAMS = {"agency": "公安厅", "task": "二十六", "year": "2030", "city": "南宁"}


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> OxigraphStore:
    # The fixtures, the Guangxi plan and a copy of it under another number, so that every
    # query has rows from more than one plan (targets and prose-named leads included).
    copy = tmp_path_factory.mktemp("copy") / "guangxi-95.txt"
    copy.write_text(bundled_path().read_text(encoding="utf-8").replace("〔2014〕94号", "〔2014〕95号"), encoding="utf-8")
    # One worker: no process pool forked from the test process (it may hold threads).
    return build([str(FIXTURES), str(bundled_path()), str(copy)], out_dir=None, workers=1).store


def _params(name: str) -> dict:
    return {p.name: PARAMS[p.name] for p in load_query(name).params if p.required}


def test_the_slow_corpus_queries_declare_a_plan_partition():
    assert {"task-overview", "agencies-by-section", "responsibility-graph", "collective-tasks",
            "deliverables-due-by"} <= set(PARTITIONED)


@pytest.mark.parametrize("threads", [2, 3, 5])
@pytest.mark.parametrize("name", PARTITIONED)
def test_partitioned_result_is_the_whole_result(plans, monkeypatch, name, threads):
    info = load_query(name)
    whole = plans.query(info.text, params=bind_params(info, _params(name)))  # no partition: run whole
    monkeypatch.setattr(store_module, "query_threads", lambda: threads)
    split = run_query(plans, info, _params(name))
    if whole.boolean is None and whole.ntriples is None:
        assert split.vars == whole.vars
        assert split.rows == whole.rows  # same rows in the same (ORDER BY) order
        plan = whole.vars.index("plan")
        assert len({row[plan] for row in whole.rows}) >= 2  # rows of several plans
    else:
        assert render(split, "table") == render(whole, "table")  # sorted Turtle
        assert len(set(split.ntriples.splitlines())) == len(split.ntriples.splitlines())  # no triple twice


def test_a_partitioned_query_really_runs_per_group(plans, monkeypatch):
    # A count over all plans is NOT partitionable: split, it gives one count per group.
    # This is what a wrong "# partition: plan" header would do, and proves the split happens.
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?t a fg:Task }"
    whole = plans.query(text)
    monkeypatch.setattr(store_module, "query_threads", lambda: 2)
    split = plans.query(text, partition="plan")
    assert len(whole.rows) == 1 and len(split.rows) == 2
    assert sum(int(r[0].value) for r in split.rows) == int(whole.rows[0][0].value)


def test_groups_deal_each_plan_once_and_share_the_common_graphs(plans):
    groups = plans._partitions(3)
    names = [[g.value for g in group] for group in groups]
    plan_names = [n for group in names for n in group if n.startswith(ID["plan"])]
    assert len(groups) == 3 and len(plan_names) == len(set(plan_names)) == 8
    shared = [n for n in names[0] if not n.startswith(ID["plan"])]
    assert shared and all(set(shared) <= set(group) for group in names)
    assert plans._partitions(1) is None


def test_nothing_to_split(store):
    assert store._partitions(2) is None  # one plan
    st = OxigraphStore()
    st.load_bytes(b"<http://a> <http://b> <http://c> .\n", "nt")
    for i in range(3):
        st.ox.add(ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://b"), ox.Literal(str(i)), ox.NamedNode(f"{ID['plan']}p{i}")))
    assert st._partitions(2) is None  # statements in the default graph, which no group would see


def test_a_syntax_error_is_reported_as_on_the_whole_query(plans, monkeypatch):
    monkeypatch.setattr(store_module, "query_threads", lambda: 2)
    with pytest.raises(QuerySyntaxError, match="invalid SPARQL"):
        plans.query("SELECT ?x WHERE { ?x a } ORDER BY ?x", partition="plan")


def test_the_header_is_read_and_checked():
    assert query_from_text("# title: t\n# partition: plan\nSELECT * {}").partition == "plan"
    assert query_from_text("# title: t\nSELECT * {}").partition is None
    with pytest.raises(FengongError, match="mine.rq: unknown partition 'agency'"):
        query_from_text("# partition: agency\nSELECT * {}", name="mine.rq")


def test_an_order_python_cannot_follow_is_left_to_the_engine(plans, monkeypatch):
    # Literals of two kinds in one ORDER BY column: the rows go back to Oxigraph, whole.
    text = """SELECT ?t ?x WHERE { ?t a fg:Task ; fg:number ?n .
                BIND(IF(?n < 5, STRLANG(STR(?t), "zh"), STR(?t)) AS ?x) } ORDER BY ?x"""
    whole = plans.query(text)
    monkeypatch.setattr(store_module, "query_threads", lambda: 2)
    assert plans.query(text, partition="plan").rows == whole.rows
    assert {t.lang for _, t in whole.rows} == {None, "zh"}


@pytest.mark.parametrize("text", [
    "SELECT ?t WHERE { ?t a fg:Task } ORDER BY ?t LIMIT 3",
    "SELECT ?t WHERE { ?t a fg:Task } ORDER BY ?t OFFSET 40",
    "SELECT ?t WHERE { ?t a fg:Task } ORDER BY DESC(STR(?t))",
    "SELECT DISTINCT ?p WHERE { ?s ?p ?o }",
    "SELECT ?g ?t WHERE { GRAPH ?g { ?t a fg:Task } }",
    "DESCRIBE ?t WHERE { ?t a fg:Task } LIMIT 1",
    "ASK { ?t a fg:Target }",
])
def test_what_cannot_be_split_runs_whole_whatever_the_header_says(plans, monkeypatch, text):
    whole = plans.query(text)
    monkeypatch.setattr(store_module, "query_threads", lambda: 2)
    split = plans.query(text, partition="plan")
    assert (split.vars, split.rows, split.boolean) == (whole.vars, whole.rows, whole.boolean)
    assert (split.ntriples is None) == (whole.ntriples is None)
    if whole.ntriples is not None:
        assert sorted(split.ntriples.splitlines()) == sorted(whole.ntriples.splitlines())


def test_variables_named_like_keywords_do_not_stop_a_split():
    from fengong.store import _splittable

    assert _splittable("SELECT ?limit ?graph WHERE { ?limit fg:from ?graph }", None)
    assert not _splittable("SELECT ?t WHERE { ?t ?p ?o } LIMIT 1", None)
