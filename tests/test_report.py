"""The HTML report and its SVG charts: content, escaping, and no external resource."""

from __future__ import annotations

import re
from html import escape

import pytest

from fengong.analysis import analyze
from fengong.charts import deadline_heat, heat_colour, load_bars, text_width
from fengong.model import build_store
from fengong.parse import parse_text
from fengong.report import render_report, write_report
from fengong.store import OxigraphStore

EXTERNAL = re.compile(r"""(?:src|href|xlink:href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
EVIL_PLAN = (
    "一、目标\n"
    "(一)建设<script>alert(1)</script>示范区。\n"
    "牵头单位:自治区财政厅、<script>alert(2)</script>办公室、自治区发展改革委\n"
    "参加单位:自治区统计局\n"
    "完成时间:2020年\n"
)


@pytest.fixture(scope="module")
def analysis(store):
    return analyze(store)


@pytest.fixture(scope="module")
def page_zh(analysis) -> str:
    return render_report(analysis, lang="zh")


@pytest.fixture(scope="module")
def evil_page() -> str:
    plan = parse_text(EVIL_PLAN, "evil.txt")
    store = OxigraphStore(store=build_store([plan]))
    return render_report(analyze(store), lang="zh")


def test_report_names_the_flagged_agencies_and_shows_the_rules(page_zh, analysis):
    assert page_zh.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page_zh
    for name in ("住房城乡建设厅", "发展改革委", "统计局", "各市、县(市、区)人民政府"):
        assert escape(name) in page_zh
    for key in ("overloaded", "bottleneck", "diffuse", "deadline_peak", "projection", "load"):
        assert escape(analysis.rules["text"][key]["zh"]) in page_zh
        assert escape(analysis.rules["text"][key]["en"]) in page_zh
    assert escape("负荷 80.5 高于界线 25（Q3 + 3.0×IQR）") in page_zh
    assert escape("(四十三) 扎实建设新农村") in page_zh
    assert "桂政办发〔2014〕94号" in page_zh


def test_report_is_self_contained(page_zh):
    assert page_zh.count("<svg") == 2 and page_zh.count("</svg>") == 2
    assert not EXTERNAL.search(page_zh)
    assert "http://" not in page_zh and "https://" not in page_zh
    assert "<script" not in page_zh.lower() and "<link" not in page_zh.lower() and "@import" not in page_zh
    assert '"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei","PingFang SC",sans-serif' in page_zh


def test_report_ranks_every_agency_and_marks_the_flags(page_zh):
    rows = re.findall(r"<tr( class=overloaded)?><td class=\"n\">(\d+)</td>", page_zh)
    assert [int(n) for _, n in rows] == list(range(1, 60))
    assert [n for flag, n in rows if flag] == ["1", "2"]
    # six bottlenecks in the table and in their findings list, and the two overloaded ones
    # (also bottlenecks) once more in the overloaded list
    assert page_zh.count('class="badge bottleneck"') == 6 + 6 + 2
    assert page_zh.count('class="badge overloaded"') == 2 + 2 + 2
    assert page_zh.count('class="badge collective"') == 6


def test_document_text_is_escaped_everywhere(evil_page):
    assert "<script" not in evil_page.lower()
    assert "&lt;script&gt;alert(2)&lt;/script&gt;办公室" in evil_page  # table, findings and SVG labels
    assert "(一) 建设&lt;script&gt;alert(1)&lt;/script&gt;示范区" in evil_page  # three co-leads: a diffuse task
    svg = evil_page[evil_page.index("<svg"):evil_page.index("</svg>")]
    assert "&lt;script&gt;alert(2)" in svg


def test_english_first_report(analysis):
    page = render_report(analysis, lang="en")
    assert '<html lang="en">' in page
    assert re.search(r'<h1><span lang="en">Workload and coordination bottlenecks</span><span class="alt" lang="zh">', page)
    assert "Guangxi Department of Housing and Urban-Rural Development" in page


def test_write_report_writes_utf8_atomically(store, tmp_path):
    out = tmp_path / "sub" / "report.html"
    result = write_report(store, out, top=5, lang="en")
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert len(result.agencies) == 5 and "top 5 of 59 shown" in text
    assert [p.name for p in out.parent.iterdir()] == ["report.html"]  # no temporary file left


def test_load_bars_draw_each_part_of_the_load(analysis):
    top = analysis.agencies[:3]
    svg = load_bars(top, analysis.rules["load_weights"], fence=25)
    # housing: 26 leads, 12 participations, 33 deliverables -> three segments each for the top 3
    assert svg.count("<rect") == 3 + 3 * 3  # legend swatches + segments
    assert "住房城乡建设厅 · 牵头 leads: 26 ×2 = 52" in svg
    assert "住房城乡建设厅 · 牵头应交成果 deliverables as lead: 33 ×0.5 = 16.5" in svg
    assert 'stroke-dasharray="4 3"' in svg and "超负荷界线 overload fence 25" in svg
    assert svg.count('font-weight="bold"') == 2  # the two overloaded agencies


def test_deadline_heat_outlines_the_peaks(analysis):
    svg = deadline_heat(analysis.agencies, 10)
    assert [int(y) for y in re.findall(r">(20\d\d)</text>", svg)] == list(range(2014, 2021))
    assert svg.count('stroke-width="2.5"') == 3 + 1  # three peak cells and the legend swatch
    assert "住房城乡建设厅 · 2015: 16" in svg
    rows = [a for a in analysis.agencies if a.deadlines]
    assert svg.count("<rect") == len(rows) * 7 + 1


def test_chart_helpers():
    assert text_width("住房城乡建设厅", 12) == 84
    assert heat_colour(0, 16) == "#F3F3F3" and heat_colour(16, 16) == "#7f2704"
