"""``fengong build``'s site: default views, report and matrix pages, and an index that links them all."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from fengong.build import OUTPUTS, build
from fengong.cli import cli
from fengong.site import write_site

VIEW_PAGES = ["views/agencies.html", "views/full.html"] + [f"views/section-{n}.html" for n in range(1, 11)]
EXTERNAL = re.compile(r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//)|(?:url\(\s*["']?\s*(?:https?:)?//)|@import""", re.I)


def hrefs(html: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]+)"', html)


def page_data(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="fg-data">(.*?)</script>', html, re.S).group(1))


def test_build_writes_default_views_report_matrix_and_index(built_dir):
    pages = sorted(str(p.relative_to(built_dir)) for p in built_dir.rglob("*.html"))
    assert pages == sorted(["index.html", "report.html", "matrix.html", *VIEW_PAGES])


def test_index_links_every_page_and_data_file(built_dir):
    index = (built_dir / "index.html").read_text(encoding="utf-8")
    links = hrefs(index)
    assert sorted(links) == sorted(["report.html", "matrix.html", *VIEW_PAGES, *OUTPUTS])
    assert all((built_dir / link).is_file() for link in links)
    # Bilingual, with the plan's title and each view's counts (nodes / links).
    for text in ("交互视图", "Interactive views", "各部分", "Sections", "单位协作网络", "Agency collaboration network",
                 "第2部分 有序推进农业转移人口市民化", "Section 2: 有序推进农业转移人口市民化",
                 "广西壮族自治区新型城镇化规划", "257 / 406", "59 / 412", "分析报告", "协作矩阵"):
        assert text in index


@pytest.mark.parametrize("page", ["index.html", *VIEW_PAGES])
def test_site_pages_are_self_contained(built_dir, page):
    html = (built_dir / page).read_text(encoding="utf-8")
    assert EXTERNAL.findall(html) == []
    assert "<link " not in html and not re.search(r"<script[^>]+src=", html)
    assert "default-src 'none'" in html


def test_views_link_back_to_the_index_and_hold_the_view(built_dir):
    html = (built_dir / "views" / "section-2.html").read_text(encoding="utf-8")
    assert hrefs(html) == ["../index.html"]
    data = page_data(html)
    tasks = [n for n in data["nodes"] if n["fg"]["type"] in ("Task", "Target", "WorkRequirement")]
    assert len(tasks) == 7 and {n["fg"]["section"] for n in tasks} == {2}
    assert data["sections"] == []  # one section: nothing to group
    full = page_data((built_dir / "views" / "full.html").read_text(encoding="utf-8"))
    assert len(full["nodes"]) == 257 and len(full["edges"]) == 406 and len(full["sections"]) == 10


def test_build_in_a_fresh_directory_writes_no_lib_folder(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build", "-q", "-o", "site"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert not any(p.name == "lib" for p in tmp_path.rglob("*"))
    assert (tmp_path / "site" / "views" / "agencies.html").is_file()


def test_missing_report_and_matrix_modules_skip_only_their_pages(tmp_path, monkeypatch):
    # None in sys.modules makes "import fengong.report" raise ImportError.
    monkeypatch.setitem(sys.modules, "fengong.report", None)
    monkeypatch.setitem(sys.modules, "fengong.matrix", None)
    out = tmp_path / "out"
    result = build([], out, extra=write_site)
    html_files = sorted(p for p in result.files if p.endswith(".html"))
    assert html_files == sorted(["index.html", *VIEW_PAGES])
    links = hrefs((out / "index.html").read_text(encoding="utf-8"))
    assert "report.html" not in links and "matrix.html" not in links and "views/agencies.html" in links


def test_pages_over_the_size_limit_are_listed_with_the_command_that_draws_them(tmp_path, monkeypatch, store):
    from fengong.viz import views

    ctx = views.load_context(store, analysis=None)
    sizes = {n: len(views.section_view(ctx, n).nodes) for n in range(1, 11)}
    assert sizes[3] == 63 and sizes[10] == 4
    monkeypatch.setattr(views, "SITE_MAX_NODES", 40)
    out = tmp_path / "out"
    build([], out, extra=write_site)
    written = sorted(p.name for p in (out / "views").iterdir())
    assert written == sorted(["agencies.html", *(f"section-{n}.html" for n, size in sizes.items() if size <= 40)])
    index = (out / "index.html").read_text(encoding="utf-8")
    # Over the limit the site counts the full view from the build's counts, which also hold the
    # issuer (an agency with no task, not drawn): one more than the 257 the view would draw.
    assert "258 个节点，过大未生成；可用 fengong viz --view &quot;full&quot; 生成" in index
    assert "63 nodes: too large, not written; draw it with fengong viz --view &quot;section:3&quot;" in index
    assert 'href="views/section-10.html"' in index and 'href="views/section-3.html"' not in index


def test_section_sizes_are_counted_without_drawing_the_section(tmp_path):
    # The site counts a section's nodes first, so that a section too big to draw is never built.
    from fengong.build import bundled_path
    from fengong.site import _section_size
    from fengong.viz.views import load_context, section_view

    result = build([str(Path(__file__).parent / "fixtures"), str(bundled_path())], None)
    ctx = load_context(result.store)
    assert len(ctx.section_titles) >= 10
    for n in ctx.section_titles:
        assert _section_size(ctx, n) == len(section_view(ctx, n).nodes), n
