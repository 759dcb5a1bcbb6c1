"""``fengong viz``: one interactive view of the graph as a single offline HTML file.

Examples::

    fengong viz                                        # full.html: every task, actor, deliverable, place
    fengong viz --view agencies -o agencies.html       # the agency collaboration network
    fengong viz --view agency 住房城乡建设厅           # agency-gx-housing.html: one department's ego network
    fengong viz --view "agency:住房城乡建设厅"          # the same, as one word
    fengong viz --view section 2 --lang en             # section 2, English chrome and names
    fengong viz --view city 南宁市 -o - > nanning.html  # the page on stdout
"""

from __future__ import annotations

import click

from .. import FengongError
from ..terminal import printable
from ..viz.labels import LANGS
from ..viz.views import SPEC_EXAMPLES
from . import igraph_without_matplotlib

__all__ = ["viz"]

_VIEW_HELP = (
    "full | agencies | agency NAME | section N | city NAME "
    f"(NAME as the next argument or after a colon: agency:{SPEC_EXAMPLES['agency']})."
)


@click.command()
@click.argument("name", required=False)
@click.option("--view", "spec", default="full", show_default=True, metavar="VIEW", help=_VIEW_HELP)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="HTML file to write (default: VIEW.html in the current directory; - for stdout).")
@click.option("--lang", type=click.Choice(LANGS), default="zh", show_default=True,
              help="Language of the page's chrome and node labels (tooltips always show both names).")
@click.option("--graph", "graphs", multiple=True, type=click.Path(dir_okay=False),
              help="RDF file to read (repeatable; default: out/plan.trig, else the bundled plan).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False), help="Read an on-disk store written by build --store.")
@click.option("--endpoint", help="Read a remote SPARQL endpoint instead.")
def viz(name, spec, output, lang, graphs, store_dir, endpoint):
    """Draw one VIEW of the graph as a self-contained HTML page that works offline.

    Nodes are shaped and coloured by type; lead edges are thick solid lines,
    participation edges dashed. Hover a node for its bilingual names and facts,
    click it to highlight its neighbourhood, search by Chinese or English name,
    and filter by node type, section, role and due year.
    """
    from ..store import open_store
    from ..viz.page import render_html, write_view
    from ..viz.views import agencies_context, build_view, load_context, parse_spec

    kind, value = parse_spec(spec, name)  # bad view names fail before the graph is read
    igraph_without_matplotlib()
    store = open_store(list(graphs), store_dir, endpoint=endpoint)
    # The agencies view needs the analysis and who holds which task, not the whole projection.
    context = agencies_context if kind == "agencies" else load_context
    view = build_view(context(store, "auto"), kind, lang, arg=value)
    if not view.nodes:  # a truncated file or another graph: an empty page would hide it
        raise FengongError(f"{store.source}: nothing to draw (no tasks or agencies in the graph)")
    if output == "-":
        click.echo(render_html(view), nl=False)
        return
    path = write_view(view, output or f"{view.slug}.html")
    click.echo(f"wrote {path}: {printable(view.title, one_line=True)} ({len(view.nodes)} nodes, {len(view.edges)} edges)", err=True)
