"""``fengong build``: documents to a knowledge graph on disk."""

from __future__ import annotations

import sys

import click

from .. import FengongError
from ..build import AUTO_ALL_MAX_DOCUMENTS, FORMAT_FILES, build as run_build, summary
from ..terminal import printable

__all__ = ["build", "site_writer"]


def site_writer():
    """The function that writes the browsable site (views, report, index) into a build.

    Its ``imports`` bring python-igraph in without matplotlib (:func:`igraph_without_matplotlib`):
    the site never plots, and that import took ~0.7 s of the CPU the parsing workers share.
    """
    from ..site import write_site
    from . import igraph_without_matplotlib

    def write(result, stage):
        return write_site(result, stage)

    write.imports = tuple(igraph_without_matplotlib if m == "igraph" else m for m in write_site.imports)
    return write


@click.command()
@click.argument("documents", nargs=-1, type=click.Path(dir_okay=True, allow_dash=True))
@click.option("-o", "--output", "out_dir", default="out", show_default=True, type=click.Path(file_okay=False),
              help="Directory for the outputs (written atomically).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False),
              help="Also write an on-disk Oxigraph store here, for query/analyze/serve --store (a new or empty "
                   "directory, or an earlier store, which is replaced whole).")
@click.option("-q", "--quiet", is_flag=True, help="No summary or warnings on stderr.")
@click.option("--views/--no-views", default=True, show_default=True,
              help="Also write the interactive views and index.html.")
@click.option("-F", "--format", "formats", multiple=True, metavar="NAME",
              type=click.Choice([*FORMAT_FILES, "all", "auto"]),
              help=f"Graph file to write (repeatable): {', '.join(FORMAT_FILES)}, all, or auto (the default: all for up "
                   f"to {AUTO_ALL_MAX_DOCUMENTS} documents, else trig and nq).")
def build(documents, out_dir, store_dir, quiet, views, formats):
    """Build the knowledge graph of DOCUMENTS (files or directories; default: the bundled plan).

    Writes plan.ttl, plan.trig, plan.nq, plan.nt, plan.jsonld, graph.graphml and
    graph.gexf into the output directory (for more than 100 documents only
    plan.trig and plan.nq unless --format says otherwise), the views, report,
    matrix and index.html, and prints counts by kind on stderr.
    """
    if not out_dir or not store_dir and store_dir is not None:
        raise FengongError(f"{'--output' if not out_dir else '--store'}: an empty name; give a directory")
    from ..gcpause import cycles_uncollected

    extra = site_writer() if views else None
    with cycles_uncollected():
        result = run_build(list(documents), out_dir, store_dir, progress_stream=None if quiet else sys.stderr,
                           extra=extra, formats=formats or None)
        # The rows the site was drawn from (millions at 1,000 documents) are dropped before the
        # collector is back on: its first pass would scan them all (1.4 s).
        result.site_store = None
    if not quiet:
        for warning in result.warnings:
            click.echo(f"warning: {printable(warning, one_line=True)}", err=True)
        click.echo(printable(summary(result)), err=True)
