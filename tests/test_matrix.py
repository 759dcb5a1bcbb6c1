"""Tests for fengong.matrix and fengong.matrix_writers on the Guangxi plan (桂政办发〔2014〕94号).

Expected figures are recomputed from the parsed records (the ``guangxi_plan``
fixture), which never pass through RDF, and checked against the matrices read
from the store.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

import numpy as np
import pytest
from openpyxl import load_workbook

from fengong import FengongError
from fengong import fonts
from fengong.matrix import COMBINATIONS, Agency, Roster, TaskRoles, collaboration_matrix, find_agency, partners, sort_key
from fengong.matrix_writers import (
    display_width,
    format_for,
    matrix_to_dict,
    render_csv,
    render_heatmap,
    render_html,
    render_partners_csv,
    sheet_name,
    write_matrix,
    write_workbook,
)
from fengong.model import build_store
from fengong.parse import parse_text
from fengong.store import OxigraphStore

HOUSING, DRC = "住房城乡建设厅", "自治区发展改革委"
HOUSING_ID, DRC_ID = "gx-housing", "gx-drc"

# A two-item plan whose agency names are hostile: a formula, an @-formula and markup.
HOSTILE_PLAN = """测试分工方案

　　一、重点任务

　　(一)推进测试工作。

　　牵头单位:=HYPERLINK("http://x")办公室、@SUM局

　　参加单位:<script>alert(1)</script>局、住房城乡建设厅

　　完成时间:2020年

　　(二)推进第二项工作。

　　牵头单位:住房城乡建设厅

　　参加单位:=HYPERLINK("http://x")办公室

　　完成时间:2021年
"""


# --- expected values from the records --------------------------------------------


def roles_by_item(plan):
    """[(item number, {actor id of leads}, {actor id of participants})] from the parsed records."""
    out = []
    for it in plan.items:
        leads = {a.actor.id for a in it.leads}
        parts = {a.actor.id for a in it.participants} - leads
        if leads or parts:
            out.append((it.number, leads, parts))
    return out


def items_where(plan, test):
    return [str(n) for n, leads, parts in roles_by_item(plan) if test(leads, parts)]


@pytest.fixture(scope="module")
def roster(store):
    return Roster.from_store(store)


@pytest.fixture(scope="module")
def any_matrix(roster):
    return roster.matrix("any", "load", "zh")


@pytest.fixture(scope="module")
def hostile_store():
    return OxigraphStore(store=build_store([parse_text(HOSTILE_PLAN, "hostile.txt")]))


def idx(matrix, actor_id):
    return next(i for i, a in enumerate(matrix.agencies) if a.id == actor_id)


# --- the any-role matrix -----------------------------------------------------------


def test_any_role_acceptance_cell_and_symmetry(any_matrix):
    assert any_matrix.cell(HOUSING, DRC) == 25
    assert any_matrix.cell(DRC, HOUSING) == 25
    assert np.array_equal(any_matrix.counts, any_matrix.counts.T)
    assert any_matrix.counts.dtype.kind == "i"


def test_any_role_every_cell_matches_the_records(any_matrix, guangxi_plan):
    rows = roles_by_item(guangxi_plan)
    actors = {a for _, leads, parts in rows for a in leads | parts}
    assert sorted(a.id for a in any_matrix.agencies) == sorted(actors)
    assert len(any_matrix) == 59  # 53 agencies (incl. the prose lead of item 六十四) + 6 collective actors
    expected = Counter()
    for _, leads, parts in rows:
        for x in leads | parts:
            for y in leads | parts:
                expected[(x, y)] += 1
    ids = [a.id for a in any_matrix.agencies]
    got = {(ids[i], ids[j]): int(v) for (i, j), v in np.ndenumerate(any_matrix.counts) if v}
    assert got == dict(expected)


def test_cell_task_numbers_are_the_shared_items(any_matrix, guangxi_plan):
    shared = items_where(guangxi_plan, lambda l, p: {HOUSING_ID, DRC_ID} <= l | p)
    assert list(any_matrix.cell_tasks(HOUSING, DRC)) == shared
    assert shared[:5] == ["1", "9", "27", "30", "31"]


def test_diagonal_is_the_agencys_own_task_count(roster, any_matrix, guangxi_plan):
    # any: all its tasks; co-lead: the tasks it leads; lead-participant: always 0.
    own = items_where(guangxi_plan, lambda l, p: HOUSING_ID in l | p)
    assert any_matrix.cell(HOUSING, HOUSING) == len(own) == 38
    co_lead = roster.matrix("co-lead")
    assert co_lead.cell(HOUSING, HOUSING) == 26
    assert co_lead.cell(DRC, DRC) == 16
    assert not np.diagonal(roster.matrix("lead-participant").counts).any()


def test_co_lead_cell_from_the_records(roster, guangxi_plan):
    both_lead = items_where(guangxi_plan, lambda l, p: {HOUSING_ID, DRC_ID} <= l)
    m = roster.matrix("co-lead")
    assert m.cell(HOUSING, DRC) == len(both_lead) == 10
    assert list(m.cell_tasks(DRC, HOUSING)) == both_lead
    assert np.array_equal(m.counts, m.counts.T)


def test_lead_participant_is_directed_and_matches_the_records(roster, guangxi_plan):
    m = roster.matrix("lead-participant")
    housing_leads = items_where(guangxi_plan, lambda l, p: HOUSING_ID in l and DRC_ID in p)
    drc_leads = items_where(guangxi_plan, lambda l, p: DRC_ID in l and HOUSING_ID in p)
    assert m.cell(HOUSING, DRC) == len(housing_leads) == 6
    assert m.cell(DRC, HOUSING) == len(drc_leads) == 5
    assert list(m.cell_tasks(HOUSING, DRC)) == housing_leads == ["9", "31", "33", "37", "43", "55"]
    assert m.directed and not np.array_equal(m.counts, m.counts.T)
    # Row sums: every (lead, participant) pair of every task, as in the records.
    pairs = sum(len(l) * len(p) for _, l, p in roles_by_item(guangxi_plan))
    assert int(m.counts.sum()) == pairs


def test_same_matrix_from_rdflib_engine(memory_store, any_matrix):
    other = collaboration_matrix(memory_store)
    assert [a.iri for a in other.agencies] == [a.iri for a in any_matrix.agencies]
    assert np.array_equal(other.counts, any_matrix.counts)


def test_several_plans_prefix_task_numbers_with_the_plan(guangxi_plan):
    small = parse_text(HOSTILE_PLAN.replace("测试分工方案", "第二个方案"), "second.txt", jurisdiction="gx")
    st = OxigraphStore(store=build_store([guangxi_plan, small]))
    m = collaboration_matrix(st)
    # item (一) of the second plan adds one task to the pair's 25 only if both are in it: they are not
    assert m.cell(HOUSING, DRC) == 25
    assert m.cell_tasks(HOUSING, DRC)[:2] == ("gzbf-2014-94:1", "gzbf-2014-94:9")
    second = {t.split(":")[0] for t in m.cell_tasks(HOUSING, HOUSING)} - {"gzbf-2014-94"}
    assert len(second) == 1 and m.cell(HOUSING, HOUSING) == 38 + 2


# --- orders and labels ------------------------------------------------------------


def test_load_order(any_matrix):
    assert any_matrix.labels[:2] == ["住房城乡建设厅", "发展改革委"]
    loads = [a.load for a in any_matrix.agencies]
    assert loads[:2] == [26 * 2 + 12, 16 * 2 + 12]
    assert loads == sorted(loads, reverse=True)
    # ties broken by name (pinyin)
    for a, b in zip(any_matrix.agencies, any_matrix.agencies[1:]):
        if a.load == b.load:
            assert sort_key(a.label("zh"), "zh") < sort_key(b.label("zh"), "zh")


def test_name_order_is_pinyin(roster):
    m = roster.matrix("any", "name")
    keys = [sort_key(x, "zh") for x in m.labels]
    assert keys == sorted(keys)
    assert m.labels[0] == "保监局"  # bao
    assert roster.matrix("any", "name", "en").labels[0] == "China Banking Regulatory Commission Guangxi Office"


def test_cluster_order_is_deterministic_and_contiguous(store, roster):
    m = roster.matrix("any", "cluster")
    again = Roster.from_store(store).matrix("any", "cluster")
    assert m.labels == again.labels and m.clusters == again.clusters
    assert sorted(m.labels) == sorted(roster.matrix().labels)
    # clusters are contiguous runs numbered 0, 1, 2, …
    runs = [c for k, c in enumerate(m.clusters) if k == 0 or c != m.clusters[k - 1]]
    assert runs == list(range(len(runs))) and len(runs) > 1
    # the two busiest agencies (25 shared tasks) open the first cluster
    assert m.labels[:2] == ["住房城乡建设厅", "发展改革委"] and m.clusters[:2] == [0, 0]
    # the co-assignment weight inside clusters beats a random split of the same sizes
    off = m.off_diagonal()
    same = np.equal.outer(m.clusters, m.clusters)
    assert off[same].sum() > off[~same].sum()


def test_english_labels_and_fallback(roster):
    m = roster.matrix("any", "load", "en")
    assert m.labels[:2] == ["Guangxi Department of Housing and Urban-Rural Development", "Guangxi Development and Reform Commission"]
    assert m.cell("guangxi department of housing and urban-rural development", "GUANGXI DEVELOPMENT AND REFORM COMMISSION") == 25
    bare = Agency("https://w3id.org/fengong/id/agency/x-y", "某办", "某办公室", None, (), "Agency", ("1",))
    assert bare.label("en") == "某办"


# --- finding an agency ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["住房城乡建设厅", "自治区住建厅", "广西壮族自治区住房和城乡建设厅",
                                  "guangxi department of housing and urban-rural development", "gx-housing", " 住建厅 "])
def test_find_agency_by_any_label(roster, name):
    assert roster.find(name).id == HOUSING_ID


def test_find_agency_full_width_forms(roster):
    assert roster.find("各市、县（市、区）人民政府").id == "gx-cities-counties-all"


def test_unknown_agency_lists_the_closest_names(roster):
    with pytest.raises(FengongError, match=r"unknown agency '住房厅' \(closest: .*住房城乡建设厅"):
        roster.find("住房厅")
    with pytest.raises(FengongError, match="closest: .*Guangxi Department of Finance"):
        find_agency(roster.agencies.values(), "Guangxi Departmnt of Finance")


# --- partners of one department -------------------------------------------------------------


def test_partners_of_housing(store, guangxi_plan):
    found = partners(store, HOUSING)
    first = found[0]
    assert first.label == "发展改革委" and first.total == 25
    for combo, (mine, theirs) in zip(COMBINATIONS, [("l", "l"), ("l", "p"), ("p", "l"), ("p", "p")]):
        def test(l, p, mine=mine, theirs=theirs):
            side = {"l": l, "p": p}
            return HOUSING_ID in side[mine] and DRC_ID in side[theirs]
        assert list(first.tasks[combo.key]) == items_where(guangxi_plan, test)
    assert [first.count(c.key) for c in COMBINATIONS] == [10, 6, 5, 4]
    totals = [p.total for p in found]
    assert totals == sorted(totals, reverse=True)
    for a, b in zip(found, found[1:]):
        if a.total == b.total:
            assert sort_key(a.label, "zh") < sort_key(b.label, "zh")


def test_partners_agree_with_the_matrix_row(store, any_matrix):
    found = partners(store, HOUSING)
    i = any_matrix.index(HOUSING)
    row = any_matrix.off_diagonal()[i]
    assert len(found) == int(np.count_nonzero(row)) == 50
    assert sum(p.total for p in found) == int(row.sum()) == 153
    assert {p.agency.iri: p.total for p in found} == {a.iri: int(row[j]) for j, a in enumerate(any_matrix.agencies) if row[j]}


def test_partners_of_an_actor_without_tasks(roster):
    assert roster.partners("自治区人民政府办公厅") == []  # the issuer: named, but given no task


def test_agencies_only_drops_collective_actors(store):
    m = collaboration_matrix(store, agencies_only=True)
    assert len(m) == 53
    assert {a.kind for a in m.agencies} == {"Agency"}
    assert m.cell(HOUSING, DRC) == 25


# --- CSV, JSON --------------------------------------------------------------------------------


def test_csv_round_trip(any_matrix):
    rows = list(csv.reader(io.StringIO(render_csv(any_matrix))))
    assert rows[0][0] == "机构" and rows[0][1:3] == ["住房城乡建设厅", "发展改革委"]
    assert len(rows) == 60 and all(len(r) == 60 for r in rows)
    assert rows[1][0] == "住房城乡建设厅" and rows[1][2] == "25"


def test_csv_bom(tmp_path, any_matrix):
    write_matrix(any_matrix, tmp_path / "bom.csv", bom=True)
    write_matrix(any_matrix, tmp_path / "plain.csv")
    assert (tmp_path / "bom.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    assert (tmp_path / "plain.csv").read_bytes()[:3] == "机".encode("utf-8")
    assert (tmp_path / "bom.csv").read_bytes()[3:] == (tmp_path / "plain.csv").read_bytes()


def test_csv_and_xlsx_neutralise_formulas(tmp_path, hostile_store):
    m = collaboration_matrix(hostile_store)
    labels = m.labels
    assert '=HYPERLINK(http://x)办公室' in labels and "@SUM局" in labels
    rows = list(csv.reader(io.StringIO(render_csv(m))))
    assert "'=HYPERLINK(http://x)办公室" in rows[0] and "'@SUM局" in rows[0]
    assert not any(cell.startswith(("=", "@", "+", "-")) for row in rows for cell in row)
    write_matrix(m, tmp_path / "m.xlsx")
    ws = load_workbook(tmp_path / "m.xlsx")["矩阵"]
    header = [c for c in ws[1]]
    cell = next(c for c in header if "HYPERLINK" in str(c.value))
    assert cell.value == "'=HYPERLINK(http://x)办公室" and cell.data_type == "s"
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(t.startswith(("=", "@")) for t in texts)


def test_xlsx_keeps_text_as_text_and_drops_what_xml_cannot_hold(tmp_path, any_matrix):
    # Labels that look like a number, a link or hold a control character: the workbook
    # keeps them as plain text (no number, hyperlink or formula), less the character.
    import dataclasses

    m = any_matrix.top(3)
    m.agencies[:3] = [dataclasses.replace(a, short_zh=name)
                      for a, name in zip(m.agencies, ["12345", "http://example.org/x", "财政\x01厅"])]
    write_matrix(m, tmp_path / "m.xlsx")
    ws = load_workbook(tmp_path / "m.xlsx")["矩阵"]
    assert [c.value for c in ws[1]][1:4] == ["12345", "http://example.org/x", "财政厅"]
    assert all(c.data_type == "s" and c.hyperlink is None for c in ws[1][1:4])
    assert [ws.cell(row=2 + i, column=2 + i).font.i for i in range(3)] == [True] * 3  # the diagonal


def test_json_cells_carry_task_numbers(any_matrix):
    data = matrix_to_dict(any_matrix)
    i, j = idx(any_matrix, HOUSING_ID), idx(any_matrix, DRC_ID)
    cell = next(c for c in data["cells"] if (c["row"], c["col"]) == (i, j))
    assert cell["count"] == 25 and cell["tasks"][:3] == ["1", "9", "27"]
    assert data["agencies"][0]["iri"] == "https://w3id.org/fengong/id/agency/gx-housing"


def test_format_inference():
    assert [format_for(p, None) for p in ("a.csv", "a.XLSX", "a.htm", "a.png", "a.svg")] == ["csv", "xlsx", "html", "png", "svg"]
    with pytest.raises(FengongError, match="unknown matrix file type"):
        format_for("a.pdf", None)


# --- HTML ---------------------------------------------------------------------------------------


def test_html_is_self_contained_and_sortable(any_matrix):
    page = render_html(any_matrix)
    assert page.count("<script>") == 1 and "Content-Security-Policy" in page
    assert not re.search(r"\b(src|href)\s*=", page) and "http://" not in page and "https://" not in page
    assert page.count("<tr data-i=") == 59
    # the acceptance cell, with its task numbers in the tooltip
    assert 'title="住房城乡建设厅 × 发展改革委: 25 — 任务编号 1, 9, 27,' in page


def test_html_escapes_names(hostile_store):
    page = render_html(collaboration_matrix(hostile_store))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;局" in page
    assert page.count("<script>") == 1


@pytest.mark.browser
def test_html_click_sorts_rows(tmp_path, any_matrix, chromium):
    from playwright.sync_api import sync_playwright

    path = tmp_path / "m.html"
    write_matrix(any_matrix, path)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-background-networking"])
        page = browser.new_page()
        errors, requests = [], []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url) if not r.url.startswith("file:") else None)
        page.goto(path.as_uri())
        col = 3 + idx(any_matrix, "gx-land-resources")  # label, tasks, shared, then the matrix
        page.locator("thead th").nth(col).locator("button").click()
        first = page.locator("tbody tr th").all_inner_texts()[:3]
        assert page.locator("thead th").nth(col).get_attribute("aria-sort") == "descending"
        page.locator("thead th").nth(col).locator("button").click()
        assert page.locator("thead th").nth(col).get_attribute("aria-sort") == "ascending"
        browser.close()
    # 国土资源厅's own 12 tasks, then 8 shared with 住房城乡建设厅
    assert first[:2] == ["国土资源厅", "住房城乡建设厅"]
    assert errors == [] and requests == []


# --- heatmaps -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster_matrix(roster):
    return roster.matrix("any", "cluster", "zh")


def test_png_heatmap(tmp_path, cluster_matrix):
    write_matrix(cluster_matrix, tmp_path / "m.png")
    data = (tmp_path / "m.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 100_000  # 59 × 59 labelled cells


def test_svg_heatmap_keeps_chinese_labels(cluster_matrix):
    font = fonts.cjk_font()
    assert font is not None, "a CJK font (fonts-wqy-microhei) is installed here and in CI"
    svg = render_heatmap(cluster_matrix, "svg").decode("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "<!-- 住房城乡建设厅 -->" in svg  # the label's text, beside its glyphs
    # glyphs drawn as paths from the CJK font, not as <text> that needs a font to view
    assert f'id="{font.family.replace(" ", "")}-' in svg and "<text" not in svg


def test_heatmap_refuses_chinese_without_a_cjk_font(monkeypatch, hostile_store):
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    zh = collaboration_matrix(hostile_store, lang="zh")
    with pytest.raises(FengongError, match="fonts-wqy-microhei.*--lang en"):
        render_heatmap(zh, "png")
    # English labels need no CJK font
    en = collaboration_matrix(hostile_store, lang="en")
    assert not fonts.needs_cjk(en.labels)
    assert render_heatmap(en, "png")[:4] == b"\x89PNG"


def test_cjk_font_covers_the_labels(any_matrix):
    font = fonts.cjk_font()
    assert font is not None and font.covers("".join(any_matrix.labels))


# --- the per-department workbook ------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook(tmp_path_factory, store):
    path = tmp_path_factory.mktemp("wb") / "matrices.xlsx"
    write_workbook(store, path, lang="zh")
    return load_workbook(path)


def test_workbook_sheets(workbook, any_matrix):
    assert len(workbook.sheetnames) == len(any_matrix) + 1 == 60
    assert workbook.sheetnames[0] == "汇总"
    assert "住房城乡建设厅" in workbook.sheetnames and "各市、县(市、区)人民政府" in workbook.sheetnames
    assert len({s.casefold() for s in workbook.sheetnames}) == 60
    assert all(len(s) <= 31 and not re.search(r"[\[\]:*?/\\]", s) for s in workbook.sheetnames)


def test_workbook_summary(workbook):
    ws = workbook["汇总"]
    header = [c.value for c in ws[1]]
    names = [c.value for c in ws["A"]]
    row, col = names.index("住房城乡建设厅") + 1, header.index("发展改革委") + 1
    assert ws.cell(row=row, column=col).value == 25
    assert ws.cell(row=names.index("发展改革委") + 1, column=header.index("住房城乡建设厅") + 1).value == 25
    assert header[1:6] == ["牵头", "参加", "任务数", "合作机构数", "共同任务合计"]
    assert [ws.cell(row=row, column=k).value for k in range(2, 7)] == [26, 12, 38, 50, 153]
    assert ws.freeze_panes == "G2"
    assert ws["A1"].font.b and ws["G1"].alignment.text_rotation == 255
    # column A fits the longest name, CJK counted double
    assert ws.column_dimensions["A"].width >= display_width("相关市、县(市、区)人民政府")


def test_workbook_department_sheet(workbook):
    ws = workbook["住房城乡建设厅"]
    assert ws.freeze_panes == "B3"
    assert ws["A1"].value.startswith("住房城乡建设厅（广西壮族自治区住房和城乡建设厅）：牵头 26 项，参加 12 项")
    assert [c.value for c in ws[2]][:6] == ["合作机构", "合计", "我牵头/对方牵头", "我牵头/对方参加", "我参加/对方牵头", "均为参加"]
    assert [c.value for c in ws[3]][:7] == ["发展改革委", 25, 10, 6, 5, 4, "1, 27, 30, 32, 36, 45, 54, 57, 59, 63"]
    assert ws.max_row == 2 + 50
    assert ws["A2"].font.b
    assert ws.column_dimensions["A"].width >= display_width("相关市、县(市、区)人民政府")


def test_sheet_names_are_valid_and_unique():
    used: set[str] = set()
    assert sheet_name("汇总", used) == "汇总"
    assert sheet_name("汇总", used) == "汇总~2"
    long = "广西壮族自治区“美丽广西”乡村建设（清洁乡村）活动领导小组办公室"  # 33 characters
    assert len(long) > 31
    assert sheet_name(long, used) == long[:31]
    second = sheet_name(long, used)
    assert len(second) == 31 and second.endswith("~2") and second != long[:31]
    assert sheet_name("a[b]:c*d?e/f\\g", used) == "a_b__c_d_e_f_g"
    assert sheet_name("history", used) == "history_"


def test_display_width_counts_cjk_double():
    assert display_width("住房城乡建设厅") == 14
    assert display_width("各市、县(市、区)人民政府") == 24
    assert display_width("Finance") == 7


# --- the sparse counting against the plain pair loops ---------------------------------------------

# The single assignments query the matrix used before it was split (kept here as the reference).
OLD_ASSIGNMENTS = """
SELECT ?a ?rel ?t ?num ?sub ?plan WHERE {
  VALUES ?rel { fg:leads fg:participatesIn }
  ?a ?rel ?t .
  OPTIONAL { ?t fg:number ?num }
  OPTIONAL { ?t fg:subNumber ?sub }
  OPTIONAL { ?t dcterms:isPartOf ?plan . ?plan a fg:Plan }
}"""


@pytest.fixture(scope="module")
def multi_store(guangxi_plan):
    from pathlib import Path

    shenzhen = Path(__file__).parent / "fixtures" / "shenzhen-table.txt"
    plans = [guangxi_plan, parse_text(HOSTILE_PLAN.replace("测试分工方案", "第二个方案"), "second.txt", jurisdiction="gx"),
             parse_text(shenzhen.read_text(encoding="utf-8"), shenzhen.name)]
    return OxigraphStore(store=build_store(plans))


def reference_cells(roster, matrix):
    """Counts and task numbers per cell by the plain per-task pair loops."""
    index = {a.iri: i for i, a in enumerate(matrix.agencies)}
    n = len(matrix)
    counts = np.zeros((n, n), dtype=np.int64)
    cells = {}
    row_role, col_role = {"any": ("any", "any"), "co-lead": ("lead", "lead"), "lead-participant": ("lead", "participant")}[matrix.role]
    for t in roster.tasks:
        rows = t.actors if row_role == "any" else t.leads
        cols = t.actors if col_role == "any" else (t.leads if col_role == "lead" else t.participants)
        for r in rows:
            for c in cols:
                counts[index[r], index[c]] += 1
                cells.setdefault((index[r], index[c]), []).append(t.key)
    return counts, cells


def test_task_keys_match_the_single_query(multi_store):
    rows = multi_store.query(OLD_ASSIGNMENTS).dicts()
    several = len({r["plan"] for r in rows}) > 1
    from fengong.matrix import _task_key

    want = {r["t"]: _task_key(r["plan"], r["num"], r["sub"], r["t"], several)[1] for r in rows}
    roster = Roster.from_store(multi_store)
    assert several and sorted(t.key for t in roster.tasks) == sorted(set(want.values()))
    assert [t.key for t in roster.tasks][:2] == ["gzbf-2014-94:1", "gzbf-2014-94:2"]


@pytest.mark.parametrize("role", ["any", "co-lead", "lead-participant"])
def test_sparse_counts_equal_the_pair_loops(multi_store, role):
    roster = Roster.from_store(multi_store)
    m = roster.matrix(role, "load")
    counts, cells = reference_cells(roster, m)
    assert len(m) > 60 and np.array_equal(m.counts, counts) and m.counts.dtype == np.int64
    got = {(i, j): list(m.tasks[i][j]) for i in range(len(m)) for j in range(len(m)) if m.tasks[i][j]}
    assert got == cells
    assert [list(map(list, row)) for row in m.tasks][0] == [cells.get((0, j), []) for j in range(len(m))]
    assert m.nonzero() == sorted(cells)


def test_co_assignment_and_partners_equal_the_loops(multi_store):
    roster = Roster.from_store(multi_store)
    pairs = {}
    for t in roster.tasks:
        members = sorted(t.actors)
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                pairs[(members[x], members[y])] = pairs.get((members[x], members[y]), 0) + 1
    assert roster.co_assignment_counts() == pairs
    me = roster.find(HOUSING)
    shared = {}
    for t in roster.tasks:
        mine = t.role_of(me.iri)
        if mine is not None:
            for other in t.actors - {me.iri}:
                key = f"{mine}-{t.role_of(other)}"
                shared.setdefault(other, {c.key: [] for c in COMBINATIONS})[key].append(t.key)
    assert {p.agency.iri: {k: list(v) for k, v in p.tasks.items()} for p in roster.partners_of(me)} == shared


# --- same names in two jurisdictions ---------------------------------------------------------------

# One plan read as Guangxi's and as Hunan's: 发展改革委, 财政厅 and 商务厅 twice each.
TWO_PROVINCES_PLAN = """测试分工方案

　　一、重点任务

　　(一)推进测试工作。

　　牵头单位:发展改革委、财政厅

　　参加单位:商务厅

　　完成时间:2020年
"""


@pytest.fixture(scope="module")
def two_provinces_store():
    plans = [parse_text(TWO_PROVINCES_PLAN, "gx.txt", jurisdiction="gx"),
             parse_text(TWO_PROVINCES_PLAN.replace("测试工作", "湖南工作"), "hn.txt", jurisdiction="hn")]
    return OxigraphStore(store=build_store(plans))


def test_same_short_names_get_labels_that_tell_them_apart(two_provinces_store, tmp_path):
    m = collaboration_matrix(two_provinces_store, lang="zh")
    assert len(m) == 6 and len(set(m.labels)) == 6
    assert {"广西壮族自治区财政厅", "湖南省财政厅", "广西壮族自治区发展和改革委员会", "湖南省发展改革委"} <= set(m.labels)
    header = next(csv.reader(io.StringIO(render_csv(m))))
    assert len(set(header[1:])) == 6
    page = render_html(m)
    heads = re.findall(r'<th scope="col"[^>]*><button type="button">([^<]*)</button>', page)[3:]
    assert len(heads) == 6 and len(set(heads)) == 6
    assert len({a["label"] for a in matrix_to_dict(m)["agencies"]}) == 6
    en = collaboration_matrix(two_provinces_store, lang="en")
    assert len(set(en.labels)) == 6 and "Hunan Province Department of Finance" in en.labels


def test_same_english_names_stay_apart_and_need_no_cjk_font(hostile_store):
    en = collaboration_matrix(hostile_store, lang="en")
    assert len(set(en.labels)) == len(en)  # two new agencies both translate to "Bureau"
    assert not fonts.needs_cjk(en.labels)
    assert "Department of Housing and Urban-Rural Development" in en.labels  # a unique label stays as it was


def test_partners_and_department_sheets_tell_same_names_apart(two_provinces_store, tmp_path):
    assert [p.label for p in partners(two_provinces_store, "广西壮族自治区发展和改革委员会")] == ["财政厅", "商务厅"]
    # one task shared by namesakes: each partner, and the namesake of the department itself, told apart
    ag = "https://w3id.org/fengong/id/agency/"
    people = [Agency(ag + i, short, full, None, (), "Agency", ("1",)) for i, short, full in [
        ("gx-drc", "发展改革委", "广西壮族自治区发展和改革委员会"), ("hn-drc", "发展改革委", "湖南省发展改革委"),
        ("gx-finance", "财政厅", "广西壮族自治区财政厅"), ("hn-finance", "财政厅", "湖南省财政厅")]]
    roster = Roster({a.iri: a for a in people}, [TaskRoles("1", frozenset(a.iri for a in people), frozenset())])
    found = roster.partners("gx-drc")
    assert sorted(p.label for p in found) == ["广西壮族自治区财政厅", "湖南省发展改革委", "湖南省财政厅"]
    path = tmp_path / "m.xlsx"
    write_workbook(two_provinces_store, path)
    names = load_workbook(path).sheetnames
    assert len(names) == 7 and "湖南省财政厅" in names and "广西壮族自治区财政厅" in names


def test_full_width_formula_starts_are_neutralised(tmp_path):
    # Labels from RDF made elsewhere are not NFKC-folded: a full-width ＝ or ＠ may reach a cell.
    iri = "https://w3id.org/fengong/id/agency/x-"
    names = ["＝HYPERLINK(1)办", "＋cmd局", "－1＋1委", "＠SUM(A1)厅"]
    agencies = {iri + str(k): Agency(iri + str(k), n, n, None, (), "Agency", ("1",)) for k, n in enumerate(names)}
    roster = Roster(agencies, [TaskRoles("1", frozenset(agencies), frozenset())], dict(agencies))
    m = roster.matrix()
    rows = list(csv.reader(io.StringIO(render_csv(m))))
    assert sorted(rows[0][1:]) == sorted("'" + n for n in names)
    write_matrix(m, tmp_path / "m.xlsx")
    ws = load_workbook(tmp_path / "m.xlsx")["矩阵"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(t.startswith(tuple("＝＋－＠")) for t in texts)
    me = roster.find("＠SUM(A1)厅")
    partner_rows = list(csv.reader(io.StringIO(render_partners_csv(me, roster.partners_of(me)))))
    assert all(r[0].startswith("'") for r in partner_rows[1:]) and len(partner_rows) == 4


# --- the busiest agencies only ---------------------------------------------------------------------


def test_top_keeps_the_busiest_in_order_with_full_totals(any_matrix):
    top = any_matrix.top(5)
    busiest = sorted(any_matrix.agencies, key=lambda a: -a.load)[:5]
    assert {a.iri for a in top.agencies} == {a.iri for a in busiest}
    assert top.shown_of == (5, 59) and any_matrix.shown_of == (59, 59)
    assert top.cell(HOUSING, DRC) == 25 and top.cell_tasks(HOUSING, DRC) == any_matrix.cell_tasks(HOUSING, DRC)
    full = {a.iri: t for a, t in zip(any_matrix.agencies, any_matrix.totals())}
    assert [full[a.iri] for a in top.agencies] == top.totals()
    assert any_matrix.top(None) is any_matrix and any_matrix.top(0) is any_matrix and any_matrix.top(59) is any_matrix


def test_html_shows_at_most_the_limit_and_says_so(any_matrix):
    page = render_html(any_matrix, limit=10)
    assert page.count("<tr data-i=") == 10
    assert "仅显示负荷（牵头×2＋参加）最高的 10 个机构，共 59 个" in page and "fengong matrix --format csv" in page
    assert 'title="住房城乡建设厅 × 发展改革委: 25 — 任务编号 1, 9, 27,' in page
    already_cut = render_html(any_matrix.top(10))  # cut by --top: the page still says so
    assert already_cut.count("<tr data-i=") == 10 and 'id="shown"' in already_cut
    assert 'id="shown"' not in render_html(any_matrix) and render_html(any_matrix, limit=None).count("<tr data-i=") == 59


def test_html_limit_note_in_english(roster):
    page = render_html(roster.matrix("any", "load", "en"), limit=3)
    assert "3 of 59 agencies: those of highest load" in page and page.count("<tr data-i=") == 3


def test_heatmap_draws_at_most_the_limit_and_says_so(any_matrix):
    svg = render_heatmap(any_matrix, "svg", limit=4).decode("utf-8")
    assert "（4/59 个机构）" in svg and "<!-- 住房城乡建设厅 -->" in svg
    labels = {a.label("zh") for a in any_matrix.agencies} - {a.label("zh") for a in any_matrix.top(4).agencies}
    assert not any(f"<!-- {x} -->" in svg for x in labels)


def test_xlsx_refuses_more_columns_than_excel_has(monkeypatch, any_matrix):
    from fengong import matrix_writers

    monkeypatch.setattr(matrix_writers, "XLSX_MAX_AGENCIES", 10)
    with pytest.raises(FengongError, match="59 agencies do not fit in Excel's 11 columns; use --top N"):
        matrix_writers.XlsxWriter().render(any_matrix)
    assert load_workbook(io.BytesIO(matrix_writers.XlsxWriter().render(any_matrix.top(10))))["矩阵"].max_row == 11


def test_roster_queries_are_plain_selects():
    # fengong build may run them per document and concatenate the rows: no aggregates, order or limits.
    from fengong.matrix import ROSTER_QUERIES

    for name, query in ROSTER_QUERIES.items():
        text = query.upper()
        assert text.lstrip().startswith("SELECT ") and "DISTINCT" not in text, name
        assert not re.search(r"\b(GROUP BY|ORDER BY|LIMIT|OFFSET|COUNT|SUM|MIN|MAX|SAMPLE|GROUP_CONCAT)\b", text), name


def test_matrix_from_rows_gathered_plan_by_plan(multi_store):
    # What fengong build may do: run each roster query on every plan's graph (with the shared
    # and ontology graphs), concatenate the rows, and read the matrix from them.
    import pyoxigraph as ox

    from fengong.matrix import ROSTER_QUERIES
    from fengong.rowstore import RowStore, plan_rows

    graphs = list(multi_store.ox.named_graphs())
    plans = [g for g in graphs if "/plan/" in g.value]
    common = [q for g in graphs if g not in plans for q in multi_store.ox.quads_for_pattern(None, None, None, g)]
    gathered: dict[str, tuple[list[str], list[tuple]]] = {}
    for g in plans:
        small = ox.Store()
        small.extend([*multi_store.ox.quads_for_pattern(None, None, None, g), *common])
        for q, (names, rows) in plan_rows(OxigraphStore(store=small), ROSTER_QUERIES.values()).items():
            gathered.setdefault(q, (names, []))[1].extend(rows)
    assert len(plans) == 3
    from_rows = Roster.from_store(RowStore(shared=None, rows=gathered))
    whole = Roster.from_store(multi_store)
    assert repr(from_rows.agencies) == repr(whole.agencies) and from_rows.tasks == whole.tasks
    for role in ("any", "lead-participant"):
        assert np.array_equal(from_rows.matrix(role).counts, whole.matrix(role).counts)


def test_plans_read_from_is_part_of_without_steps(multi_store):
    # RDF made elsewhere may lack p-plan:isStepOfPlan: the plan then comes from dcterms:isPartOf.
    import pyoxigraph as ox

    step = ox.NamedNode("http://purl.org/net/p-plan#isStepOfPlan")
    bare = ox.Store()
    bare.extend(q for q in multi_store.ox if q.predicate != step)
    without = Roster.from_store(OxigraphStore(store=bare))
    assert without.tasks == Roster.from_store(multi_store).tasks
    assert len({t.key.split(":")[0] for t in without.tasks}) == 3  # every task prefixed with its plan
