"""The browsable site of a build: the default views, the report, the matrix and ``index.html``.

``fengong build`` calls :func:`write_site` with its staging directory, so the
pages move into the output directory together with the graph files. It writes

* ``views/full.html``, ``views/agencies.html`` and ``views/section-N.html`` for
  every section number (a full or section page of more than
  :data:`fengong.viz.views.SITE_MAX_NODES` nodes is listed in the index with the
  ``fengong viz`` command that draws it, not written);
* ``report.html`` (:func:`fengong.report.write_report`) and ``matrix.html``
  (the collaboration matrix) when those modules are installed;
* ``index.html``, bilingual, linking every page and data file.

A corpus whose build gathered only the lean site's rows (more than
:data:`fengong.build.FULL_SITE_MAX_DOCUMENTS` documents) lists its full and
section views with the command that draws them; there ``matrix.html`` is drawn
by a forked process while this one writes the report and the agencies view.

Every page works offline (no ``http`` fetch, no ``lib/`` folder).

>>> import tempfile, pathlib
>>> from fengong.build import build
>>> out = pathlib.Path(tempfile.mkdtemp()) / "out"
>>> result = build([], out, extra=write_site)
>>> sorted(p for p in result.files if p.endswith(".html"))[:4]
['index.html', 'matrix.html', 'report.html', 'views/agencies.html']
"""

from __future__ import annotations

import contextlib
import html
import logging
from dataclasses import dataclass
from pathlib import Path

from .atomic import write_text
from .forked import forked

__all__ = ["write_site", "Page", "render_index", "VIEWS_DIR"]

log = logging.getLogger(__name__)

#: Folder (inside the output directory) that holds the view pages.
VIEWS_DIR = "views"


@dataclass
class Page:
    """One page the index links: its group (views, sections, reports), file, titles and a note."""

    group: str
    href: str
    title_zh: str
    title_en: str
    note: str = ""


def _both(key: str, **fields) -> tuple[str, str]:
    from .viz.labels import chrome

    return chrome(key, "zh", **fields), chrome(key, "en", **fields)


def write_site(result, stage: Path, lang: str = "zh") -> list[Page]:
    """Write the views, report, matrix and ``index.html`` of *result* into *stage*."""
    from .viz.views import SITE_MAX_NODES

    stage = Path(stage)
    # A build hands over the rows it gathered document by document; otherwise the store itself.
    store = getattr(result, "site_store", None) or result.store
    # A corpus (more nodes than a page draws) gets the agencies view from a lean context:
    # the analysis' tables and the tasks, not the whole projection (to_networkx).
    counts = getattr(result, "counts", None) or {}
    total = sum(counts.get(k, 0) for k in ("tasks", "agencies", "collectives", "posts", "deliverables", "places"))
    # A build of a corpus gathers only what the lean context reads (RowStore.full is false).
    partial = not getattr(store, "full", True)
    lean = total > SITE_MAX_NODES or partial
    pages: list[Page] = []
    with contextlib.ExitStack() as waits:
        matrix = _matrix_writer(store, stage)
        if matrix is not None and lean:
            # Seconds for a corpus, and it shares nothing with the report and views: drawn meanwhile.
            waits.enter_context(forked(matrix, stage / "matrix.html"))
        analysis = "auto"
        try:
            from .report import write_report
        except ImportError:
            log.info("fengong.report is not installed: no report.html")
        else:
            analysis = write_report(store, stage / "report.html")
            pages.append(Page("reports", "report.html", *_both("index_report")))
        if matrix is not None:
            if not lean:
                matrix()
            pages.append(Page("reports", "matrix.html", *_both("index_matrix")))
        source = _write_views(store, stage, lang, pages, analysis, lean, partial, total)
    write_text(stage / "index.html", render_index(pages, source, stage))
    return pages


#: What :func:`write_site` imports, loaded by a build while its workers parse (``imports``).
write_site.imports = ("fengong.report", "fengong.matrix", "fengong.analysis", "fengong.viz.views", "fengong.viz.page",
                      "scipy.sparse.csgraph", "igraph")


def _matrix_writer(store, stage: Path):
    """The function that writes ``matrix.html``, or None without fengong.matrix."""
    try:
        from .matrix import collaboration_matrix

        try:
            from .matrix import render_html as render_matrix
        except ImportError:
            from .matrix_writers import render_html as render_matrix
    except ImportError:
        log.info("fengong.matrix is not installed: no matrix.html")
        return None

    def write() -> None:
        write_text(stage / "matrix.html", render_matrix(collaboration_matrix(store)))

    return write


def _write_views(store, stage: Path, lang: str, pages: list[Page], analysis, lean: bool, partial: bool, total: int) -> str:
    """The full, agencies and section views (or, when too large, how to draw them) into *pages*;
    returns the source line of the index ("N 个方案 · N plans", or the plan's title)."""
    from .viz.labels import chrome
    from .viz.page import write_view
    from .viz.views import SITE_MAX_NODES, View, agencies_context, agencies_view, full_view, load_context, section_view

    ctx = (agencies_context if lean else load_context)(store, analysis)
    full = None if lean else ctx  # the full context, read only if a section turns out small enough to draw
    home = "../index.html"

    def add(group: str, view, title_en: str, nodes: int | None = None, limit: bool = True) -> None:
        title = (view.title, title_en) if lang == "zh" else (title_en, view.title)
        nodes = len(view.nodes) if nodes is None else nodes
        if limit and (nodes > SITE_MAX_NODES or partial):  # listed, not drawn: say how to draw it
            command = f'fengong viz --view "{view.key}"'
            why = (_both("page_omitted", nodes=nodes, command=command) if nodes > SITE_MAX_NODES
                   else _both("page_corpus", command=command))
            pages.append(Page(group, "", *title, " / ".join(why)))
            return
        write_view(view, stage / VIEWS_DIR / f"{view.slug}.html", home=home)
        pages.append(Page(group, f"{VIEWS_DIR}/{view.slug}.html", *title, f"{len(view.nodes)} / {len(view.edges)}"))

    # The build's counts (every task, actor, deliverable, place) when lean: some may have no edge.
    full_nodes = total if lean else len(ctx.tasks) + len(ctx.tasks_of) + len(ctx.task_of) + len(ctx.mentioned_by)
    if full_nodes > SITE_MAX_NODES or partial:  # not even built: the view itself would be large
        add("views", View("full", "full", chrome("title_full", lang), lang, [], []), chrome("title_full", "en"), full_nodes)
    else:
        add("views", full_view(ctx, lang), chrome("title_full", "en"))
    if ctx.analysis is not None:
        add("views", agencies_view(ctx, lang), chrome("title_agencies", "en"), limit=False)  # its links are capped instead
    for n, title in ctx.section_titles.items():
        title_en = chrome("title_section", "en", number=n, title=title).strip()
        size = 0 if partial else _section_size(ctx, n)  # a corpus lists every section: no need to count
        if lean and size <= SITE_MAX_NODES and not partial:  # a lean context undercounts (no places): count on the full one
            full = full or load_context(store, ctx.analysis)
            size = _section_size(full, n)
        if size > SITE_MAX_NODES or partial:  # counted first: building a view of thousands of nodes to drop it cost seconds
            key = f"section:{n}"
            add("sections", View(key, f"section-{n}", chrome("title_section", lang, number=n, title=title).strip(), lang, [], []),
                title_en, size)
        else:
            add("sections", section_view(full, n, lang), title_en)
    sources = dict.fromkeys((ctx.source("zh"), ctx.source("en")))  # one plan: its title; several: "N 个方案 · N plans"
    return " · ".join(sources)


def _section_size(ctx, n: int) -> int:
    """Nodes of section *n*'s view: its tasks with their actors, deliverables and places.

    On a lean context (:func:`fengong.viz.views.agencies_context`) places are unknown and
    deliverables are those of tasks with an actor (the analysis' tables): a lower bound.
    """
    tasks = [t for t in ctx.tasks if ctx.node[t].get("section") == n]
    actors = {a for t in tasks for a, _ in ctx.actors_of[t]}
    places = {p for t in tasks for p in ctx.places_of[t]}
    if ctx.graph is None:
        tables = ctx.analysis.tables
        years = dict(zip(tables.tasks, tables.task_years))
        return len(tasks) + len(actors) + sum(len(years.get(t, ())) for t in tasks)
    return len(tasks) + len(actors) + sum(len(ctx.deliverables_of[t]) for t in tasks) + len(places)


def _titles(zh: str, en: str) -> str:
    return f'{html.escape(zh)} <span class="en">{html.escape(en)}</span>'


def render_index(pages: list[Page], source: str, stage: Path | None = None) -> str:
    """The bilingual index page linking *pages* (and the data files present in *stage*)."""
    from .build import OUTPUTS
    from .viz.labels import chrome

    groups = [("views", "index_views"), ("sections", "index_sections"), ("reports", "index_reports")]
    body = []
    for group, key in groups:
        items = [p for p in pages if p.group == group]
        if not items:
            continue
        body.append(f"<h2>{_titles(*_both(key))}</h2><ul>")
        for p in items:
            note = f' <span class="note">{html.escape(p.note)}</span>' if p.note else ""
            if p.href:
                body.append(f'<li><a href="{html.escape(p.href)}">{_titles(p.title_zh, p.title_en)}</a>{note}</li>')
            else:
                body.append(f"<li>{_titles(p.title_zh, p.title_en)}{note}</li>")
        body.append("</ul>")
    files = [name for name in OUTPUTS if stage is None or (stage / name).exists()]
    if files:
        body.append(f"<h2>{_titles(*_both('index_data'))}</h2><ul>")
        body += [f'<li><a href="{html.escape(n)}">{html.escape(n)}</a> <span class="note">{html.escape(OUTPUTS[n])}</span></li>'
                 for n in files]
        body.append("</ul>")
    title_zh, title_en = _both("title_index")
    return f"""<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title_zh)} · {html.escape(title_en)}</title>
<style>
body {{ font: 15px/1.6 "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; max-width: 58em; margin: 2em auto; padding: 0 1em; color: #222; }}
h1 {{ font-size: 24px; margin-bottom: .2em; }} h2 {{ font-size: 18px; margin-top: 1.4em; }}
.en, .note, .source {{ color: #666; }} .en {{ margin-left: .5em; }} .note {{ font-size: 13px; margin-left: .6em; }}
a {{ color: #2b5d8f; text-decoration: none; }} a:hover {{ text-decoration: underline; }}
</style>
</head>
<body>
<h1>{_titles(title_zh, title_en)}</h1>
<p class="source">{html.escape(source)}</p>
{"".join(body)}
<p class="note">{html.escape(chrome("index_offline", "zh"))} {html.escape(chrome("index_offline", "en"))}</p>
</body>
</html>
"""
