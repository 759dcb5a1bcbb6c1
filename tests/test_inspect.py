"""``fengong inspect``: how a document was read, as text and as JSON.

Uses the bundled Guangxi plan and the fixtures written for fengong's tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fengong import FengongError
from fengong.cli import cli
from fengong.inspect import format_text, inspect_document, inspect_text

FIXTURES = Path(__file__).parent / "fixtures"


def test_text_report_of_the_bundled_plan(runner):
    result = runner.invoke(cli, ["inspect"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1] == "layout: fieldlines (scores: fieldlines 1.00, inline 0.00, table 0.00)"
    assert "document: 桂政办发〔2014〕94号, issued 2014-10-01 by 广西壮族自治区人民政府办公厅 [gx-gov-office]" in lines
    assert "jurisdiction: gx" in lines
    assert "rule: none (agencies listed as equally responsible share the task)" in lines
    assert ("sections 10, tasks 66 (numbered items 66), assignments 256: lead 93, participant 163, responsible 0") in lines
    assert "    17 (十七) 实施差别化落户政策  [task, line 118-124]" in lines
    i = lines.index("    17 (十七) 实施差别化落户政策  [task, line 118-124]")
    assert lines[i + 1 : i + 4] == [
        "         lead         公安厅 -> gx-public-security [field]",
        "         participant  各市、县(市、区)人民政府 -> gx-cities-counties-all [field]",
        "         due          2014-12-31 (2014年底, by)",
    ]
    assert lines[-1] == "warnings: none"


def test_json_report_of_an_inline_plan(runner):
    result = runner.invoke(cli, ["inspect", "--format", "json", str(FIXTURES / "state-council-inline.txt")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["layout"] == "inline"
    assert report["scores"]["fieldlines"] == 0.0 and report["scores"]["inline"] > 0.9
    assert (report["jurisdiction"], report["rule"], report["document_number"]) == ("cn", "排在第一位的部门为牵头部门", "国办发〔2019〕99号")
    assert report["counts"]["bases"] == {"field": 0, "inline": 8, "first-listed-rule": 12, "unranked": 0, "prose": 0}
    five = [t for t in report["tasks"] if t["number"] == 5]
    assert [(t["sub_number"], t["title"]) for t in five] == [(1, "推进养老服务改革"), (2, "加快城镇住房保障建设")]
    assert five[1]["due"] == [{"text": "加快城镇住房保障建设", "wording": "持续推进", "date": None, "qualifier": "none"}]
    first = report["tasks"][0]["assignments"][0]
    assert (first["surface"], first["actor"], first["role"], first["basis"], first["line"]) == (
        "发展改革委", "cn-drc", "lead", "first-listed-rule", 12)


def test_warnings_are_listed(runner):
    result = runner.invoke(cli, ["inspect", str(FIXTURES / "county-unknown-issuer.bom.txt")])
    assert result.exit_code == 0
    assert "jurisdiction: doc-county-unknown-issuer-bom" in result.output
    assert "parenthetical looks like an assignment but was not understood: '由相关牵头落实'" in result.output
    assert "field label '配合科室' not known; line not read as a field" in result.output
    assert "issuer not recognised (青松县人民政府)" in result.output


def test_strict_exits_1_on_warnings(runner, tmp_path):
    out = tmp_path / "report.json"
    result = runner.invoke(cli, ["inspect", "--strict", "-f", "json", "-o", str(out), str(FIXTURES / "hunan-fieldlines.utf16.txt")])
    assert result.exit_code == 1
    assert result.output == ""
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["encoding"] == "utf-16" and report["layout"] == "fieldlines"
    assert runner.invoke(cli, ["inspect", "--strict"]).exit_code == 0  # the bundled plan has no warnings


def test_layout_can_be_forced():
    report = inspect_document(str(FIXTURES / "guangzhou-mixed.gbk.txt"), layout="fieldlines")
    assert report["layout"] == "fieldlines"
    assert report["counts"]["assignments"] == inspect_document(str(FIXTURES / "guangzhou-mixed.gbk.txt"))["counts"]["assignments"]
    with pytest.raises(FengongError, match="no layout called 'nosuch'"):
        inspect_document(str(FIXTURES / "guangzhou-mixed.gbk.txt"), layout="nosuch")


def test_a_document_that_is_not_a_plan_is_reported_then_refused():
    report = inspect_text("通知\n请各单位认真学习。\n", "note.txt")
    assert report["error"] == "note.txt: no numbered items with responsible agencies found (not a task-allocation plan?)"
    assert format_text(report).splitlines()[1] == "layout: none fits (scores: fieldlines 0.00, inline 0.00, table 0.00)"


def test_exit_code_2_for_a_document_that_cannot_be_read(tmp_path):
    bad = tmp_path / "note.txt"
    bad.write_text("通知\n请各单位认真学习。\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "fengong", "inspect", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "layout: none fits" in proc.stdout
    assert proc.stderr.strip().splitlines()[-1].startswith("fengong: error: ")
    proc = subprocess.run([sys.executable, "-m", "fengong", "inspect", str(tmp_path / "missing.txt")],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "no such file" in proc.stderr
