"""``fengong analyze`` through the command line."""

from __future__ import annotations

import json
import subprocess
import sys

import pyoxigraph as ox
import pytest

from fengong.cli import cli
from fengong.textwidth import display_width, pad


@pytest.fixture(scope="module")
def graph_file(store, tmp_path_factory) -> str:
    """The bundled plan written as TriG, as ``fengong build`` would."""
    path = tmp_path_factory.mktemp("graph") / "plan.trig"
    path.write_bytes(store.dump(ox.RdfFormat.TRIG))
    return str(path)


def _table(output: str) -> list[str]:
    lines = output.splitlines()
    start = lines.index("") + 1
    return lines[start:lines.index("", start)]


def test_text_table_is_ranked_and_aligned(runner, graph_file):
    result = runner.invoke(cli, ["analyze", "--graph", graph_file])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.splitlines()[0].startswith("分工负荷排名：59 个单位（6 个集合主体），66 项任务，93 个牵头关系，163 个参加关系")
    table = _table(out)
    assert len(table) == 1 + 59
    assert table[1].split()[:8] == ["1", "住房城乡建设厅", "26", "12", "33", "80.5", "28.0%", "50"]
    assert table[1].endswith("超负荷 瓶颈") and table[2].split()[1] == "发展改革委"
    # Every row ends its numeric columns at the same display column (CJK counts two).
    flags = ("超负荷", "瓶颈", "集合", "割点")
    ends = set()
    for line in table[1:]:
        words = line.split()
        while words and words[-1] in flags:
            words.pop()
        body = line[: line.rindex(words[-1]) + len(words[-1])]
        ends.add(display_width(body))
    assert len(ends) == 1
    assert "超负荷单位:\n  住房城乡建设厅: 负荷 80.5 高于界线 25" in out
    assert "  (四十三) 扎实建设新农村: 美丽办、农业厅、住房城乡建设厅、环境保护厅" in out
    assert "  住房城乡建设厅 2015: 16" in out


def test_top_and_english(runner, graph_file):
    result = runner.invoke(cli, ["analyze", "--graph", graph_file, "--top", "3", "--lang", "en"])
    assert result.exit_code == 0, result.output
    table = _table(result.output)
    assert len(table) == 1 + 3
    assert table[1].split()[1:3] == ["Guangxi", "Department"] and "overloaded bottleneck" in table[1]
    assert "(top 3 shown)" in result.output.splitlines()[0]
    assert "Coordination bottlenecks:\n  Guangxi Department of Housing and Urban-Rural Development: betweenness 0.641" in result.output


def test_json_output(runner, graph_file):
    result = runner.invoke(cli, ["analyze", "--graph", graph_file, "--format", "json", "--top", "5"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [a["name_zh"] for a in data["agencies"]] == ["住房城乡建设厅", "发展改革委", "公安厅", "国土资源厅", "人力资源社会保障厅"]
    assert data["counts"]["leads"] == 93 and data["top"] == 5
    assert data["rules"]["diffuse"]["min_leads"] == 3
    assert "co-leads" in data["rules"]["text"]["diffuse"]["en"]


def test_html_report_to_file(runner, graph_file, tmp_path):
    out = tmp_path / "report.html"
    result = runner.invoke(cli, ["analyze", "--graph", graph_file, "-o", str(out), "--top", "10"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<svg" in page and "住房城乡建设厅" in page and "显示前 10 个，共 59 个" in page
    assert result.stderr == f"wrote {out}\n" and result.stdout == ""


def test_output_format_follows_the_file_ending(runner, graph_file, tmp_path):
    js, txt = tmp_path / "a.json", tmp_path / "a.txt"
    assert runner.invoke(cli, ["analyze", "--graph", graph_file, "-o", str(js)]).exit_code == 0
    assert json.loads(js.read_text(encoding="utf-8"))["overloaded"][0].endswith("/gx-housing")
    assert runner.invoke(cli, ["analyze", "--graph", graph_file, "-o", str(txt)]).exit_code == 0
    assert txt.read_text(encoding="utf-8").startswith("分工负荷排名")
    bad = runner.invoke(cli, ["analyze", "--graph", graph_file, "-o", str(tmp_path / "a.xyz")])
    assert bad.exit_code == 2
    assert bad.stderr == f"fengong: error: {tmp_path / 'a.xyz'}: analyze writes .html, .json or .txt files (or pass --format)\n"


def test_default_graph_is_the_bundled_plan(runner):
    with runner.isolated_filesystem():
        result = runner.invoke(cli, ["analyze", "--top", "1"])
    assert result.exit_code == 0, result.output
    assert _table(result.output)[1].split()[1] == "住房城乡建设厅"


def test_missing_graph_file_is_a_one_line_error(runner, tmp_path):
    missing = tmp_path / "nope.trig"
    result = runner.invoke(cli, ["analyze", "--graph", str(missing)])
    assert (result.exit_code, result.stderr) == (2, f"fengong: error: {missing}: no such graph file\n")
    proc = subprocess.run([sys.executable, "-m", "fengong", "analyze", "--graph", str(missing)],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == f"fengong: error: {missing}: no such graph file\n"


def test_bad_top_is_a_usage_error(runner, graph_file):
    result = runner.invoke(cli, ["analyze", "--graph", graph_file, "--top", "0"])
    assert result.exit_code == 2 and "--top" in result.output


def test_padding_by_display_width():
    assert display_width("住房城乡建设厅") == 14 and display_width("abc") == 3
    assert pad("统计局", 8) == "统计局  " and pad("12", 4, right=True) == "  12"
    assert pad("各市、县(市、区)人民政府", 10) == "各市、县(…"  # "(" and "…" take one column each
    assert display_width(pad("各市、县(市、区)人民政府", 10)) <= 10


def test_namesakes_of_two_jurisdictions_are_told_apart(runner, tmp_path):
    from fengong.model import build_store
    from fengong.parse import parse_text
    from fengong.store import OxigraphStore

    text = "测试分工方案\n\n　　一、重点任务\n\n　　(一)推进测试工作。\n\n　　牵头单位:财政厅\n\n　　参加单位:商务厅\n"
    plans = [parse_text(text, "gx.txt", jurisdiction="gx"), parse_text(text, "hn.txt", jurisdiction="hn")]
    path = tmp_path / "two.trig"
    path.write_bytes(OxigraphStore(store=build_store(plans)).dump(ox.RdfFormat.TRIG))
    result = runner.invoke(cli, ["analyze", "--graph", str(path)])
    assert result.exit_code == 0, result.output
    names = [row.split(maxsplit=1)[1].split("  ")[0] for row in _table(result.output)[1:]]  # columns part at 2+ spaces
    assert len(names) == 4 and len(set(names)) == 4, names
    assert "财政厅 (gx-finance)" in names
