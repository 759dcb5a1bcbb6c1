"""``fengong validate``: pySHACL's exit codes (0 conforms, 1 does not, 2 error)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from fengong.cli import cli


def test_built_graph_conforms(runner, store, tmp_path):
    path = tmp_path / "plan.trig"
    path.write_bytes(store.dump(ox.RdfFormat.TRIG))
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.stderr


def test_default_is_the_bundled_plan(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no out/ here: the bundled plan is built in memory
    assert runner.invoke(cli, ["validate", "-q"]).exit_code == 0


def test_broken_graph_exits_1_with_a_report(runner, store, tmp_path):
    nq = store.dump(ox.RdfFormat.N_QUADS).decode("utf-8").splitlines()
    number = "<https://w3id.org/fengong/ontology#number>"
    task17 = "<https://w3id.org/fengong/id/task/gzbf-2014-94-17>"
    kept = [line for line in nq if not (line.startswith(task17) and f" {number} " in line)]
    assert len(kept) == len(nq) - 1
    path = tmp_path / "broken.nq"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert "gzbf-2014-94-17" in result.stdout and "fg:number" in result.stdout


def test_errors_exit_2(runner, tmp_path):
    missing = runner.invoke(cli, ["validate", str(tmp_path / "none.ttl")])
    assert missing.exit_code == 2 and "no such graph file" in missing.stderr
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle <", encoding="utf-8")
    malformed = runner.invoke(cli, ["validate", str(bad)])
    assert malformed.exit_code == 2 and str(bad) in malformed.stderr
    assert len(malformed.stderr.strip().splitlines()) == 1


def _one_line(result):
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fengong: error: "), result.stderr
    return lines[0]


def test_an_empty_graph_is_an_error_not_a_conforming_graph(runner, tmp_path):
    # A truncated or never-written plan.trig holds no plan: "conforms" would hide it.
    for name in ("empty.trig", "blank.nq"):
        path = tmp_path / name
        path.write_text("" if name == "empty.trig" else "\n\n", encoding="utf-8")
        result = runner.invoke(cli, ["validate", str(path)])
        assert result.exit_code == 2, result.output
        line = _one_line(result)
        assert str(path) in line and "no statements" in line


def test_the_default_empty_graph_is_named_in_the_message(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "plan.trig").write_text("", encoding="utf-8")
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 2 and _one_line(result).endswith("out/plan.trig: no statements (an empty graph)")


def test_a_document_instead_of_a_graph_says_to_build_it(runner, plan_path, tmp_path):
    doc = tmp_path / "plan.txt"
    doc.write_bytes(plan_path.read_bytes())
    result = runner.invoke(cli, ["validate", str(doc)])
    assert result.exit_code == 2
    line = _one_line(result)
    assert str(doc) in line and "fengong build" in line


def test_a_bad_shapes_file_is_named_with_its_line(runner, store, tmp_path):
    graph = tmp_path / "g.nq"
    graph.write_bytes(store.dump(ox.RdfFormat.N_QUADS))
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://ex/> .\nex:a ex:b ex:c ;;; junk\n", encoding="utf-8")
    text = _one_line(runner.invoke(cli, ["validate", "--shapes", str(bad), str(graph)]))
    assert f"{bad}: not valid Turtle (Parser error at line 2" in text
    plan = tmp_path / "plan.txt"
    plan.write_text("一、任务\n", encoding="utf-8")
    assert f"{plan}: a document, not a shapes file" in _one_line(runner.invoke(cli, ["validate", "--shapes", str(plan), str(graph)]))
    # An ending Oxigraph does not know (.shacl) is still read, by rdflib.
    shacl = tmp_path / "s.shacl"
    shacl.write_text((Path(__file__).parents[1] / "ontology" / "shapes.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    assert runner.invoke(cli, ["validate", "--shapes", str(shacl), str(graph)]).exit_code == 0


def test_a_utf8_graph_file_with_a_byte_order_mark_is_read(runner, store, tmp_path):
    # As a Windows editor saves it: the BOM is not a subject.
    graph = tmp_path / "g.ttl"
    graph.write_bytes(b"\xef\xbb\xbf" + store.dump(ox.RdfFormat.TURTLE, union=True))
    assert runner.invoke(cli, ["validate", str(graph)]).exit_code == 0
    for engine in ("oxigraph", "memory"):
        out = runner.invoke(cli, ["query", "-e", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "--graph", str(graph),
                                  "--engine", engine, "-f", "csv"])
        assert out.exit_code == 0 and int(out.stdout.split()[1]) == len(store.dump(ox.RdfFormat.N_TRIPLES, union=True).splitlines())
