"""Every kind of view opened in headless Chromium with the network cut off.

Seven page loads in all (agencies, agencies capped at 10, full, a section, an
agency, a city, the hostile synthetic plan). Each asserts: no request left the machine, no page
error, no console error, as many nodes in the page's vis DataSet as in the
view, a search selects and focuses the right node, and the screenshot is not blank.
"""

from __future__ import annotations

import pytest

from fengong.viz.browser import offline_browser, open_view, png_colours
from fengong.viz.page import write_view
from fengong.viz.style import DIM_COLOUR
from fengong.viz.views import agencies_view, build_view, load_context

from xss_plan import PAYLOAD, xss_store

pytestmark = pytest.mark.browser

HOUSING = "https://w3id.org/fengong/id/agency/gx-housing"
DRC = "https://w3id.org/fengong/id/agency/gx-drc"


@pytest.fixture(scope="module")
def browser(chromium):
    with offline_browser(chromium) as b:
        yield b


@pytest.fixture(scope="module")
def ctx(store):
    return load_context(store)


def assert_clean(report):
    assert report.blocked == [] and report.failed == []
    assert report.errors == [] and report.console_errors == []


def node_count(page) -> int:
    return page.evaluate("() => window.fengong.nodes.length")


def search(page, text: str) -> list[str]:
    page.fill("#fg-search", text)
    page.press("#fg-search", "Enter")
    return page.evaluate("() => window.fengong.network.getSelectedNodes()")


def centred_on(page, node: str, seconds: float = 5.0) -> bool:
    """The view ends up centred on *node* (network.focus animates; software rendering is slow)."""
    for _ in range(int(seconds * 10)):
        if page.evaluate(
            """(id) => { const net = window.fengong.network; const p = net.getPositions([id])[id];
                         const v = net.getViewPosition(); return Math.hypot(p.x - v.x, p.y - v.y) < 5; }""",
            node,
        ):
            return True
        page.wait_for_timeout(100)
    return False


def screenshot_colours(page) -> int:
    return png_colours(page.screenshot())


def test_agencies_view(browser, built_dir, ctx):
    view = build_view(ctx, "agencies")
    with open_view(browser, built_dir / "views" / "agencies.html") as (page, report):
        assert node_count(page) == len(view.nodes) == 59
        assert page.evaluate("() => window.fengong.edges.length") == len(view.edges) == 412
        assert page.evaluate("() => window.fengong.network.physics.physicsEnabled") is False  # stopped once stable
        assert search(page, "住房城乡建设厅") == [HOUSING] and centred_on(page, HOUSING)
        assert page.inner_text("#fg-status") == "已找到：广西壮族自治区住房和城乡建设厅"
        assert "负荷" in page.inner_text("#fg-details") and "80.5" in page.inner_text("#fg-details")
        assert search(page, "Guangxi Development and Reform Commission") == [DRC]
        # Clicking a node dims everything outside its neighbourhood.
        page.click("#fg-reset")
        x, y = page.evaluate(
            """(id) => { const net = window.fengong.network; const d = net.canvasToDOM(net.getPositions([id])[id]);
                         const r = document.getElementById('fg-graph').getBoundingClientRect(); return [r.left + d.x, r.top + d.y]; }""",
            DRC,
        )
        page.mouse.click(x, y)
        page.wait_for_timeout(200)
        dimmed = page.evaluate(
            f"""(id) => {{ const f = window.fengong; const near = new Set(f.network.getConnectedNodes(id).concat([id]));
                 return f.nodes.get().filter(n => !near.has(n.id)).every(n => n.color === {DIM_COLOUR!r})
                        && f.nodes.get().filter(n => near.has(n.id)).every(n => n.color !== {DIM_COLOUR!r}); }}""",
            DRC,
        )
        assert dimmed and "发展改革委" in page.inner_text("#fg-details")
        assert screenshot_colours(page) > 100
        assert_clean(report)


def test_capped_agencies_view_names_the_agencies_it_leaves_out(browser, ctx, tmp_path):
    view = agencies_view(ctx, "zh", agency_cap=10)
    name, _, spec = view.omitted[0]
    path = write_view(view, tmp_path / "agencies.html")
    with open_view(browser, path) as (page, report):
        assert node_count(page) == 10
        assert "只画出负荷最高的 10 个单位（共 59 个）" in page.inner_text("#fg-legend")
        assert search(page, name) == []
        command = f"fengong viz --view agency {spec.split(':', 1)[1]}"
        assert page.inner_text("#fg-status") == f"{name} 不在图中（只画出负荷最高的单位）；可用 {command} 查看"
        assert search(page, "住房城乡建设厅") == [HOUSING]  # drawn agencies are found as before
        assert page.inner_text("#fg-status") == "已找到：广西壮族自治区住房和城乡建设厅"
        assert_clean(report)


def test_full_view_filters_and_groups(browser, built_dir, ctx):
    view = build_view(ctx, "full")
    with open_view(browser, built_dir / "views" / "full.html") as (page, report):
        assert node_count(page) == len(view.nodes) == 257
        assert search(page, "住房城乡建设厅") == [HOUSING] and centred_on(page, HOUSING)
        page.select_option("#fg-filter-role", "lead")
        hidden = page.evaluate("() => window.fengong.edges.get({filter: e => e.hidden}).map(e => e.id.split('|')[1])")
        assert len(hidden) == 163 and set(hidden) == {"participatesIn"}
        page.select_option("#fg-filter-role", "")
        page.select_option("#fg-filter-section", "2")
        shown = page.evaluate("() => window.fengong.nodes.get({filter: n => !n.hidden && n.fg.section !== null}).length")
        assert shown == 7 + 10  # section 2's tasks and deliverables
        page.click("#fg-reset")
        page.click("#fg-group")
        assert page.evaluate("() => window.fengong.clusters()") == [f"fg-section-{n}" for n in range(1, 11)]
        assert page.evaluate("() => window.fengong.network.isCluster('fg-section-2')") is True
        # A section's tasks and deliverables fold into one node: 257 - (66 + 79) + 10 clusters remain.
        assert page.evaluate("() => Object.keys(window.fengong.network.getPositions()).length") == 257 - 66 - 79 + 10
        assert page.inner_text("#fg-group") == "取消分组"
        page.click("#fg-group")
        assert page.evaluate("() => window.fengong.clusters()") == []
        assert page.evaluate("() => Object.keys(window.fengong.network.getPositions()).length") == 257
        assert screenshot_colours(page) > 100
        assert_clean(report)


@pytest.mark.parametrize("spec, lang, query, expected", [
    ("section:3", "zh", "住房城乡建设厅", HOUSING),
    ("agency:住房城乡建设厅", "en", "住建厅", HOUSING),
    ("city:南宁市", "en", "Nanning", "https://w3id.org/fengong/id/place/450100"),
])
def test_section_agency_and_city_views(browser, ctx, tmp_path, spec, lang, query, expected):
    view = build_view(ctx, spec, lang)
    path = write_view(view, tmp_path / f"{view.slug}.html")
    with open_view(browser, path) as (page, report):
        assert node_count(page) == len(view.nodes)
        assert search(page, query) == [expected] and centred_on(page, expected)
        assert screenshot_colours(page) > 50
        if lang == "en":
            assert page.get_attribute("#fg-search", "placeholder") == "Search by name…"
        assert_clean(report)


def test_hostile_text_stays_text(browser, tmp_path):
    view = build_view(load_context(xss_store()), "full")
    path = write_view(view, tmp_path / "xss.html")
    dialogs = []
    with open_view(browser, path) as (page, report):
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        assert node_count(page) == len(view.nodes) == 5
        assert search(page, "加强领导") == ["https://w3id.org/fengong/id/task/xss-1-1"]
        details = page.inner_text("#fg-details")
        assert "</script><img src=x onerror=alert(1)>" in details and "出台<b>办法</b></script>" in details
        # Hover the task so that vis-network shows its tooltip, then look for injected elements.
        page.click("#fg-reset")
        x, y = page.evaluate(
            """(id) => { const net = window.fengong.network; const d = net.canvasToDOM(net.getPositions([id])[id]);
                         const r = document.getElementById('fg-graph').getBoundingClientRect(); return [r.left + d.x, r.top + d.y]; }""",
            "https://w3id.org/fengong/id/task/xss-1-1",
        )
        page.mouse.move(x, y)
        page.wait_for_timeout(500)
        assert page.evaluate("() => document.querySelectorAll('img, [onload], [onerror]').length") == 0
        assert PAYLOAD.split("\u2028")[0] in page.evaluate("() => document.querySelector('div.vis-tooltip').textContent")
        assert page.title() == view.title
        assert dialogs == []
        assert_clean(report)
