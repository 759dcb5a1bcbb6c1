"""Tests for ``fengong matrix`` through click's CliRunner (and ``main`` for exit codes).

Every test runs in an empty directory, so the default graph is the bundled
Guangxi plan rather than an ``out/plan.trig`` lying around.
"""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from openpyxl import load_workbook

from fengong.cli import cli, main
from fengong.model import build_store
from fengong.parse import parse_text
from fengong.store import OxigraphStore

SMALL_PLAN = """测试分工方案

　　一、重点任务

　　(一)推进测试工作。

　　牵头单位:住房城乡建设厅、自治区发展改革委

　　参加单位:财政厅

　　完成时间:2020年

　　(二)推进第二项工作。

　　牵头单位:财政厅

　　参加单位:住房城乡建设厅

　　完成时间:2021年
"""


@pytest.fixture(autouse=True)
def in_empty_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def guangxi_trig(tmp_path_factory, store):
    path = tmp_path_factory.mktemp("graph") / "plan.trig"
    path.write_bytes(store.dump(ox.RdfFormat.TRIG))
    return path


@pytest.fixture(scope="module")
def small_trig(tmp_path_factory):
    """A two-task plan (quick to draw) written as TriG."""
    st = OxigraphStore(store=build_store([parse_text(SMALL_PLAN, "small.txt", jurisdiction="gx")]))
    path = tmp_path_factory.mktemp("small") / "small.trig"
    path.write_bytes(st.dump(ox.RdfFormat.TRIG))
    return path


def run(runner, *args):
    result = runner.invoke(cli, ["matrix", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def exit_code_and_error(capsys, *args):
    with pytest.raises(SystemExit) as exc:
        main(["matrix", *args])
    return exc.value.code, capsys.readouterr().err


def csv_rows(text):
    return list(csv.reader(io.StringIO(text)))


def cell(rows, row_name, col_name):
    return rows[[r[0] for r in rows].index(row_name)][rows[0].index(col_name)]


def test_default_is_csv_on_stdout(runner):
    rows = csv_rows(run(runner).stdout)
    assert rows[0][:3] == ["机构", "住房城乡建设厅", "发展改革委"]
    assert len(rows) == 60
    assert cell(rows, "住房城乡建设厅", "发展改革委") == cell(rows, "发展改革委", "住房城乡建设厅") == "25"


def test_graph_file_role_and_order(runner, guangxi_trig):
    rows = csv_rows(run(runner, "--graph", str(guangxi_trig), "--role", "co-lead", "--order", "cluster").stdout)
    assert cell(rows, "住房城乡建设厅", "发展改革委") == "10"
    rows = csv_rows(run(runner, "--graph", str(guangxi_trig), "--role", "lead-participant").stdout)
    assert rows[0][0] == "牵头＼参加"
    assert cell(rows, "住房城乡建设厅", "发展改革委") == "6" and cell(rows, "发展改革委", "住房城乡建设厅") == "5"


def test_english_labels(runner):
    rows = csv_rows(run(runner, "--lang", "en").stdout)
    assert rows[0][:2] == ["agency", "Guangxi Department of Housing and Urban-Rural Development"]
    assert cell(rows, "Guangxi Department of Housing and Urban-Rural Development", "Guangxi Development and Reform Commission") == "25"


def test_csv_file_with_bom(runner, tmp_path):
    run(runner, "-o", "m.csv", "--bom")
    data = (tmp_path / "m.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf\xe6\x9c\xba\xe6\x9e\x84,")  # BOM, then 机构,
    rows = csv_rows(data.decode("utf-8-sig"))
    assert cell(rows, "住房城乡建设厅", "发展改革委") == "25"


def test_xlsx_file(runner, tmp_path):
    run(runner, "-o", "m.xlsx")
    wb = load_workbook(tmp_path / "m.xlsx")
    assert wb.sheetnames == ["矩阵", "任务"]
    ws = wb["矩阵"]
    assert ws["B1"].value == "住房城乡建设厅" and ws["C2"].value == 25 and ws.freeze_panes == "B2"
    pairs = wb["任务"]
    assert [c.value for c in pairs[2]] == ["住房城乡建设厅", "发展改革委", 25, "1, 9, 27, 30, 31, 32, 33, 36, 37, 38, 40, 43, 45, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63"]


def test_html_to_stdout_and_file(runner, tmp_path):
    page = run(runner, "--format", "html").stdout
    assert page.startswith("<!DOCTYPE html>") and page.count("<tr data-i=") == 59
    run(runner, "-o", "m.html", "--lang", "en")
    assert 'lang="en"' in (tmp_path / "m.html").read_text(encoding="utf-8")


def test_json_file(runner, tmp_path):
    run(runner, "-o", "m.json", "--role", "co-lead")
    data = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert data["role"] == "co-lead" and data["agencies"][0]["label"] == "住房城乡建设厅"
    assert data["counts"][0][1] == 10


def test_png_and_svg_files(runner, tmp_path, small_trig):
    run(runner, "--graph", str(small_trig), "-o", "m.png")
    png = (tmp_path / "m.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    run(runner, "--graph", str(small_trig), "-o", "m.svg")
    svg = (tmp_path / "m.svg").read_text(encoding="utf-8")
    assert "<!-- 住房城乡建设厅 -->" in svg and "<!-- 财政厅 -->" in svg
    # --format overrides the ending
    run(runner, "--graph", str(small_trig), "-o", "chart.img", "--format", "svg")
    assert (tmp_path / "chart.img").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_agency_text_output(runner):
    lines = run(runner, "--agency", "住房城乡建设厅").stdout.splitlines()
    assert lines[0] == "住房城乡建设厅（广西壮族自治区住房和城乡建设厅）：牵头 26 项，参加 12 项，合作机构 50 个"
    assert lines[1].split()[:2] == ["合作机构", "合计"]
    first = lines[2].split()
    assert first[:6] == ["发展改革委", "25", "10", "6", "5", "4"]
    assert " ".join(first[6:]) == "1 27 30 32 36 45 54 57 59 63 | 9 31 33 37 43 55 | 38 40 60 61 62 | 52 53 56 58"
    assert len(lines) == 2 + 50


def test_agency_by_alias_in_english_and_csv(runner, tmp_path):
    out = run(runner, "--agency", "自治区发改委", "--lang", "en").stdout.splitlines()
    assert out[0].startswith("Guangxi Development and Reform Commission (发展改革委): leads 16, participates in 12")
    assert out[2].startswith("Guangxi Department of Housing and Urban-Rural Development")
    run(runner, "--agency", "住建厅", "-o", "p.csv", "--bom")
    data = (tmp_path / "p.csv").read_bytes()
    assert data[:3] == b"\xef\xbb\xbf"
    rows = csv_rows(data.decode("utf-8-sig"))
    assert rows[1][:6] == ["发展改革委", "25", "10", "6", "5", "4"] and rows[1][6] == "1 27 30 32 36 45 54 57 59 63"


def test_per_department_workbook(runner, tmp_path):
    result = run(runner, "--per-department", "-o", "matrices.xlsx")
    assert "wrote matrices.xlsx" in result.stderr
    wb = load_workbook(tmp_path / "matrices.xlsx")
    assert len(wb.sheetnames) == 60 and wb.sheetnames[:3] == ["汇总", "住房城乡建设厅", "发展改革委"]
    assert wb["发展改革委"]["A3"].value == "住房城乡建设厅" and wb["发展改革委"]["B3"].value == 25


def test_unknown_agency_exits_2_with_suggestions(capsys):
    code, err = exit_code_and_error(capsys, "--agency", "住房厅")
    assert code == 2
    assert err.strip() == "fengong: error: --agency: unknown agency '住房厅' (closest: 住房城乡建设厅)"


def test_missing_graph_file_exits_2(capsys):
    code, err = exit_code_and_error(capsys, "--graph", "nowhere.trig")
    assert code == 2 and err.strip() == "fengong: error: nowhere.trig: no such graph file"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "png"], "--format png is a binary file: give -o FILE.png"),
        (["--per-department"], "--per-department writes an Excel workbook: give -o FILE.xlsx"),
        (["--per-department", "-o", "m.csv"], "--per-department writes an Excel workbook"),
        (["-o", "m.pdf"], "m.pdf: unknown matrix file type"),
        (["--agency", "财政厅", "-o", "p.png"], "p.png: --agency writes .txt, .csv, .json files"),
        (["--format", "text"], "--format text is for --agency"),
    ],
)
def test_bad_output_requests_exit_2(capsys, tmp_path, args, message):
    code, err = exit_code_and_error(capsys, *args)
    assert code == 2 and message in err
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_unknown_role_is_a_usage_error(runner):
    result = runner.invoke(cli, ["matrix", "--role", "boss"])
    assert result.exit_code == 2 and "Invalid value for '--role'" in result.output


def test_top_keeps_the_busiest_agencies(runner, tmp_path):
    rows = csv_rows(run(runner, "--top", "3").stdout)
    assert len(rows) == 4 and rows[0][1:] == ["住房城乡建设厅", "发展改革委", rows[0][3]]
    assert cell(rows, "住房城乡建设厅", "发展改革委") == "25"
    assert len(csv_rows(run(runner, "--top", "0").stdout)) == 60
    run(runner, "--top", "4", "-o", "m.xlsx")
    assert load_workbook(tmp_path / "m.xlsx")["矩阵"].max_row == 5


def test_html_default_limit_and_explicit_top(runner, monkeypatch):
    from fengong.commands import matrix as command

    monkeypatch.setattr(command, "HTML_MAX_AGENCIES", 7)  # the Guangxi plan has only 59 agencies
    page = run(runner, "--format", "html").stdout
    assert page.count("<tr data-i=") == 7 and "最高的 7 个机构，共 59 个" in page
    assert run(runner, "--format", "html", "--top", "0").stdout.count("<tr data-i=") == 59
    assert run(runner, "--format", "html", "--top", "20").stdout.count("<tr data-i=") == 20


def test_top_is_for_the_matrix_only(capsys):
    code, err = exit_code_and_error(capsys, "--agency", "财政厅", "--top", "3")
    assert code == 2 and "--top" in err


@pytest.mark.parametrize("name, first_line", [
    ("住房城乡建设", "住房城乡建设厅（广西壮族自治区住房和城乡建设厅）"),  # a unique part of a name, as `viz --view agency` takes
    ("Department of Public Security", "公安厅（广西壮族自治区公安厅）"),
    ("https://w3id.org/fengong/id/agency/gx-housing", "住房城乡建设厅（广西壮族自治区住房和城乡建设厅）"),  # the IRI of the JSON output
])
def test_agency_by_part_of_a_name_or_its_iri(runner, name, first_line):
    assert run(runner, "--agency", name).stdout.startswith(first_line)


@pytest.mark.parametrize("fragment", ["org", "w3id", "agency"])
def test_a_piece_of_the_iri_is_not_a_name(capsys, fragment):
    # Every IRI shares https://w3id.org/fengong/id/agency/: a piece of it names no agency.
    code, err = exit_code_and_error(capsys, "--agency", fragment)
    assert code == 2 and "names more than one actor" not in err and "unknown agency" in err


def test_agency_matching_several_lists_them(capsys):
    code, err = exit_code_and_error(capsys, "--agency", "公安")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "'公安' names more than one actor: " in err and "公安厅 (gx-public-security)" in err


@pytest.mark.parametrize("name", ["", "  "])
def test_empty_agency_name_is_an_error(capsys, tmp_path, name):
    code, err = exit_code_and_error(capsys, "--agency", name)
    assert code == 2 and err.strip().startswith("fengong: error: --agency: ")
    assert list(tmp_path.iterdir()) == []


def test_a_graph_without_assignments_is_named_in_the_error(runner, tmp_path):
    other = tmp_path / "other.nt"
    other.write_text('<http://ex/a> <http://ex/b> "c" .\n', encoding="utf-8")
    result = runner.invoke(cli, ["matrix", "--graph", str(other)])
    assert result.exit_code == 2
    assert result.stderr == f"fengong: error: {other}: no actors with task assignments; no matrix to write\n"
