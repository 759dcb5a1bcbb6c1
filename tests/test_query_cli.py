"""``fengong query`` through the command line: library, parameters, formats, graphs, errors, timeout."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pyoxigraph as ox
import pytest

from fengong.cli import cli


@pytest.fixture(autouse=True)
def _elsewhere(tmp_path, monkeypatch):
    # With no graph option the command reads out/plan.trig if the working directory has one:
    # run where there is none, so the bundled plan is what gets queried.
    monkeypatch.chdir(tmp_path)


def invoke(runner, args, **kwargs):
    result = runner.invoke(cli, ["query", *args], catch_exceptions=False, **kwargs)
    assert result.exit_code == 0, result.output
    return result


def test_list_shows_the_library(runner):
    out = invoke(runner, ["--list"]).output
    lines = out.splitlines()
    assert lines[0].split() == ["name", "title_zh", "title_en", "params"]
    assert lines[-1].startswith("(") and int(lines[-1].strip("()").split()[0]) >= 15
    assert any(line.startswith("agency-tasks") and "某单位承担的任务" in line and "agency (literal)" in line for line in lines)
    assert any("min (xsd:integer, default 3)" in line for line in lines)


def test_named_query_with_a_parameter(runner):
    out = invoke(runner, ["agency-tasks", "--param", "agency=公安厅", "--format", "csv"]).output
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["numeral"] for r in rows if r["role"] == "lead"] == ["二", "十七", "三十九", "四十六", "四十七", "四十八"]
    assert {r["label"] for r in rows} == {"公安厅"}
    short = invoke(runner, ["task-agencies", "-p", "task=二十六", "-f", "csv"]).output
    assert [r["label"] for r in csv.DictReader(io.StringIO(short))] == ["住房城乡建设厅", "相关县(市、区)人民政府"]


def test_ad_hoc_query(runner):
    out = invoke(runner, ["-e", "SELECT (COUNT(*) AS ?n) WHERE { ?a fg:leads ?t }", "-f", "csv"]).output
    assert out.splitlines() == ["n", "93"]
    from_stdin = invoke(runner, ["-", "-f", "csv"], input="SELECT (COUNT(*) AS ?n) WHERE { ?a fg:participatesIn ?t }").output
    assert from_stdin.splitlines() == ["n", "163"]


def test_query_file(runner, tmp_path):
    path = tmp_path / "leads.rq"
    path.write_text("# title: Leads of\n# param: name — literal — short label\n"
                    "SELECT ?name (COUNT(?t) AS ?n) WHERE { ?a fg:shortLabel ?l ; fg:leads ?t FILTER(STR(?l) = ?name) } GROUP BY ?name\n",
                    encoding="utf-8")
    out = invoke(runner, [str(path), "-p", "name=住房城乡建设厅", "-f", "csv"]).output
    assert out.splitlines() == ["name,n", "住房城乡建设厅,26"]


def test_formats(runner, tmp_path):
    target = tmp_path / "w.csv"
    result = invoke(runner, ["agency-workload", "-f", "csv", "--bom", "-o", str(target)])
    assert result.output == ""
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfactor,label,leads,participations,deliverables\r\n")
    assert "https://w3id.org/fengong/id/agency/gx-housing,住房城乡建设厅,26," in data.decode("utf-8")

    tsv = invoke(runner, ["agency-workload", "-f", "tsv"]).output.splitlines()
    assert tsv[0] == "?actor\t?label\t?leads\t?participations\t?deliverables"
    assert tsv[1].split("\t")[:3] == ["<https://w3id.org/fengong/id/agency/gx-housing>", '"住房城乡建设厅"@zh',
                                      '"26"^^<http://www.w3.org/2001/XMLSchema#integer>']

    doc = json.loads(invoke(runner, ["agency-workload", "-f", "json"]).output)
    assert doc["results"]["bindings"][0]["label"] == {"type": "literal", "value": "住房城乡建设厅", "xml:lang": "zh"}

    md = invoke(runner, ["agency-workload", "-f", "md"]).output.splitlines()
    assert md[0] == "| actor | label | leads | participations | deliverables |"
    assert md[2].startswith("| fgagency:gx-housing | 住房城乡建设厅 | 26 |")

    table = invoke(runner, ["agency-workload"]).output.splitlines()
    assert table[2].split()[:3] == ["fgagency:gx-housing", "住房城乡建设厅", "26"]

    turtle = invoke(runner, ["responsibility-graph", "-f", "csv"]).output
    assert "fgagency:gx-housing" in turtle and "fg:leads" in turtle


def test_engines_and_graph_files_agree(runner, tmp_path, store):
    expected = invoke(runner, ["tasks-many-leads", "-f", "csv"]).output
    assert len(expected.splitlines()) == 7
    assert invoke(runner, ["tasks-many-leads", "-f", "csv", "--engine", "memory"]).output == expected
    assert invoke(runner, ["tasks-many-leads", "-f", "csv", "--store", "memory"]).output == expected
    nq = tmp_path / "plan.nq"
    nq.write_bytes(store.dump(ox.RdfFormat.N_QUADS))
    trig = tmp_path / "plan.trig"
    trig.write_bytes(store.dump(ox.RdfFormat.TRIG))
    assert invoke(runner, ["tasks-many-leads", "-f", "csv", "--graph", str(nq)]).output == expected
    assert invoke(runner, ["tasks-many-leads", "-f", "csv", "--graph", str(trig), "--store", "memory"]).output == expected


def test_endpoint_and_store_are_passed_to_open_store(runner, monkeypatch, store):
    seen = {}

    def fake_open_store(graph=None, store_dir=None, engine="oxigraph", endpoint=None):
        seen.update(graph=graph, store_dir=store_dir, engine=engine, endpoint=endpoint)
        return store

    monkeypatch.setattr("fengong.store.open_store", fake_open_store)
    invoke(runner, ["plans", "--endpoint", "http://127.0.0.1:7878/query"])
    assert seen == {"graph": None, "store_dir": None, "engine": "oxigraph", "endpoint": "http://127.0.0.1:7878/query"}
    invoke(runner, ["plans", "--store", "some/dir"])
    assert seen["store_dir"] == "some/dir" and seen["engine"] == "oxigraph"


def test_show_prints_the_query(runner):
    out = invoke(runner, ["deliverables-due-by", "--show"]).output
    assert out.startswith("# title: Deliverables due in or before a year") and "FILTER(?dueYear <= ?year)" in out


def test_user_errors_exit_2_with_one_line(run_main, tmp_path):
    code, _, err = run_main(["query", "agency-workloads"])
    assert code == 2 and "did you mean agency-workload" in err and len(err.splitlines()) == 1

    code, _, err = run_main(["query", "agency-tasks"])
    assert code == 2 and "missing parameter 'agency'" in err and "--param agency=VALUE" in err

    code, _, err = run_main(["query", "deliverables-due-by", "-p", "year=明年"])
    assert code == 2 and "parameter 'year' must be an integer" in err

    code, _, err = run_main(["query", "plans", "-p", "agency"])
    assert code == 2 and "use NAME=VALUE" in err

    code, _, err = run_main(["query", "plans", "-e", "ASK {}"])
    assert code == 2 and "not both" in err

    code, _, err = run_main(["query", "plans", "--store", "memory", "--engine", "oxigraph"])
    assert code == 2 and "disagree" in err

    code, _, err = run_main(["query", "agency-workload", "-f", "json", "--bom"])
    assert code == 2 and "--bom is for csv and tsv" in err

    for other in (["--graph", "plan.trig"], ["--store", "memory"], ["--store", "some/dir"]):
        code, _, err = run_main(["query", "plans", "--endpoint", "http://127.0.0.1:9/query", *other])
        assert code == 2 and "give it without --graph, --store or --engine" in err, other

    for bad in ("inf", "nan", "-1", "1e300", "soon"):
        code, _, err = run_main(["query", "plans", "--timeout", bad])
        assert code == 2 and "--timeout" in err and "Traceback" not in err, bad


def test_an_endpoint_s_warnings_reach_stderr(run_main):
    import threading

    from fengong.build import bundled_dataset
    from fengong.server import GraphSource, make_server

    srv = make_server(GraphSource(nquads=bundled_dataset()), port=0, limit=3, workers=1, quiet=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        code, out, err = run_main(["query", "-e", "SELECT ?s WHERE { ?s ?p ?o }", "-f", "csv",
                                           "--endpoint", f"{srv.url}/sparql"])
    finally:
        srv.shutdown()
        srv.server_close()
    assert code == 0 and len(out.splitlines()) == 1 + 3
    assert err == f"warning: {srv.url}/sparql cut the answer off at its row limit of 3 rows; the result is incomplete\n"


@pytest.mark.parametrize("engine", ["oxigraph", "memory"])
def test_malformed_query_exit_2_with_position(run_main, engine):
    code, out, err = run_main(["query", "--engine", engine, "-e", "SELECT ?x\nWHERE {\n  ?x fg:leads ?y ?z .\n}"])
    assert code == 2 and out == ""
    assert err.startswith("fengong: error: -e: invalid SPARQL at line 3, column 18 (near '?z .')")
    assert len(err.splitlines()) == 1


def test_timeout_stops_an_expensive_query(tmp_path):
    # A separate process: the engine cannot be interrupted, so the abandoned query
    # thread must not keep running (and filling memory) in the test process.
    proc = subprocess.run(
        [sys.executable, "-m", "fengong", "query", "-e", "SELECT * WHERE {?a ?b ?c . ?d ?e ?f . ?g ?h ?i}", "--timeout", "0.5"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )
    assert proc.returncode == 2
    assert "query stopped: it ran past the 0.5 s time limit (--timeout)" in proc.stderr
    assert proc.stdout == ""


@pytest.mark.parametrize("engine, paused", [([], True), (["--store", "memory"], False)])
def test_the_collector_pauses_for_embedded_oxigraph_results_only(runner, monkeypatch, engine, paused):
    # Oxigraph's rows hold no reference cycles (the pause spares rescanning millions of them);
    # rdflib's engine makes cycles, which the collector must still free.
    import gc

    import fengong.querylib as querylib

    seen = []
    original = querylib.run_query

    def run_query(*args, **kwargs):
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(querylib, "run_query", run_query)
    assert gc.isenabled()
    invoke(runner, ["plans", "--format", "csv", *engine])
    assert seen == [not paused] and gc.isenabled()


@pytest.mark.parametrize("engine", ["oxigraph", "memory"])
@pytest.mark.parametrize("text", ["SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
                                  "SELECT * WHERE { SERVICESILENT<http://example.org/sparql> { ?s ?p ?o } }",
                                  "SELECT * WHERE { \\u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }"])
def test_service_is_refused_on_a_local_graph_before_the_engine_runs(runner, engine, text, monkeypatch):
    from fengong.store import MemoryStore, OxigraphStore

    def no_engine(*args, **kwargs):
        raise AssertionError("the engine was asked to run a SERVICE query")

    monkeypatch.setattr(OxigraphStore, "_query", no_engine)
    monkeypatch.setattr(MemoryStore, "_query", no_engine)
    result = runner.invoke(cli, ["query", "--engine", engine, "-e", text])
    assert result.exit_code == 2
    assert result.output.startswith("fengong: error: -e: SERVICE (federated query) is not run on a local graph")
    assert result.output.count("\n") == 1


def test_a_prefixed_name_holding_service_is_no_service_call(runner):
    result = runner.invoke(cli, ["query", "-e", "PREFIX ex: <http://example.org/> SELECT ?s WHERE { ?s ex:serviceArea ?o }",
                                 "-f", "csv"])
    assert result.exit_code == 0 and result.output.splitlines() == ["s"]  # the header, no rows
