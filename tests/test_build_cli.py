"""``fengong build`` and ``python build_graph.py``: outputs, summary, bad input, atomic writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from fengong.build import OUTPUTS
from fengong.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def build(runner, *args):
    return runner.invoke(cli, ["build", "--no-views", *map(str, args)])


def test_build_bundled_plan_writes_every_output(runner, tmp_path):
    out = tmp_path / "out"
    result = build(runner, "-o", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)
    # The summary (counts by kind) goes to stderr.
    assert "tasks 66 (targets 16)" in result.stderr
    assert "agencies 54, collective actors 6" in result.stderr
    assert "lead edges 93, participation edges 163" in result.stderr
    assert result.stdout == ""
    graphml = (out / "graph.graphml").read_text(encoding="utf-8")
    assert "住房城乡建设厅" in graphml and "encoding='utf-8'" in graphml.lower()
    assert "住房城乡建设厅" in (out / "graph.gexf").read_text(encoding="utf-8")
    assert "@prefix fg:" in (out / "plan.ttl").read_text(encoding="utf-8")
    graphs = {q.graph_name for q in ox.parse(path=str(out / "plan.trig"), format=ox.RdfFormat.TRIG)}
    assert len(graphs) == 3  # the plan's, the shared actors and places, the ontology


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "name, make, reason",
    [
        ("missing", lambda d: d / "nope.txt", "no such file"),
        ("emptydir", lambda d: (d / "empty").mkdir() or d / "empty", "no documents in directory"),
        ("empty", lambda d: _write(d / "empty.txt", b""), "empty file"),
        ("blank", lambda d: _write(d / "blank.txt", "\u3000\n \n".encode()), "empty file"),
        ("binary", lambda d: _write(d / "junk.txt", bytes(range(256)) * 40), "not a text document"),
        ("no-items", lambda d: _write(d / "prose.txt", "这是一段没有编号事项的文字。\n第二行。\n".encode()), "no numbered items"),
        ("items-no-agencies", lambda d: _write(d / "bare.txt", "一、总则\n(一)加强领导。\n牵头单位:\n".encode()), "no responsible agencies"),
    ],
)
def test_bad_input_is_one_line_exit_2(runner, tmp_path, name, make, reason):
    target = make(tmp_path)
    result = build(runner, target, "-o", tmp_path / "out")
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fengong: error: ")
    assert str(target) in lines[0] and reason in lines[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_failed_build_leaves_earlier_build_untouched(runner, tmp_path, plan_path):
    out = tmp_path / "out"
    assert build(runner, "-o", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = _write(tmp_path / "bad.txt", b"")
    result = build(runner, plan_path, bad, "-o", out)
    assert result.exit_code == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []  # no staging left


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_government_encodings(runner, tmp_path, plan_path, encoding):
    text = plan_path.read_text(encoding="utf-8")
    doc = _write(tmp_path / f"plan-{encoding}.txt", text.encode(encoding, errors="strict"))
    result = build(runner, doc, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "tasks 66 (targets 16)" in result.stderr
    assert "lead edges 93" in result.stderr


def test_full_width_punctuation_is_read_the_same(runner, tmp_path, plan_path):
    text = plan_path.read_text(encoding="utf-8")
    wide = text.replace(":", "：").replace("(", "（").replace(")", "）").replace(",", "，")
    doc = _write(tmp_path / "wide.txt", wide.encode("utf-8"))
    result = build(runner, doc, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "agencies 54, collective actors 6" in result.stderr
    assert "lead edges 93, participation edges 163" in result.stderr


def test_stdin_document(runner, tmp_path, plan_path):
    result = runner.invoke(cli, ["build", "--no-views", "-", "-o", str(tmp_path / "o")], input=plan_path.read_bytes())
    assert result.exit_code == 0, result.output
    assert "tasks 66" in result.stderr


def test_build_graph_script_is_fengong_build(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "build_graph.py"), "--no-views", "-o", str(out)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)
    assert "tasks 66 (targets 16)" in proc.stderr


def test_console_script_exit_code_and_no_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "fengong", "build", str(tmp_path / "missing.txt")],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"fengong: error: {tmp_path / 'missing.txt'}: no such file or directory"
