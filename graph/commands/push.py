"""``fengong push``: upload the graph to a SPARQL server (Oxigraph, Fuseki) with the Graph Store Protocol.

>>> push.name
'push'
"""

from __future__ import annotations

import sys

import click

from ..push import UPLOAD_FORMATS, push as run_push

__all__ = ["push"]


@click.command()
@click.argument("graph_file", required=False, type=click.Path(dir_okay=False))
@click.option("--endpoint", required=True,
              help="The server's SPARQL query endpoint, e.g. http://127.0.0.1:7878/query (Oxigraph) "
                   "or http://localhost:3030/ds/sparql (Fuseki).")
@click.option("--graph", "into", metavar="IRI", help="Put every triple into this one named graph (default: each plan's graph and the shared graph under their own names).")
@click.option("--replace", is_flag=True, help="Replace the remote graphs (default: add to them).")
@click.option("--gsp", metavar="URL", help="Graph Store Protocol endpoint, if not the one derived from --endpoint (/store; Fuseki /ds/data).")
@click.option("--update", metavar="URL", help="SPARQL Update endpoint, if not the derived one (/update; Fuseki /ds/update).")
@click.option("--format", "fmt", type=click.Choice(sorted(UPLOAD_FORMATS)), default="turtle", show_default=True,
              help="Upload as text/turtle or application/n-triples.")
@click.option("--timeout", default=300.0, show_default=True, type=float, help="Seconds to wait for each HTTP request.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or summary on stderr.")
def push(graph_file, endpoint, into, replace, gsp, update, fmt, timeout, quiet):
    """Upload GRAPH_FILE (default: out/plan.trig, else the bundled plan) to a SPARQL server.

    All graphs are staged first and moved into place by one SPARQL Update, so a
    failed push leaves the server's graphs as they were.
    """

    def progress(done: int, total: int, name: str) -> None:
        end = "\n" if done == total else "\r"
        sys.stderr.write(f"uploaded {done}/{total} graphs{' ' * 8}{end}")
        sys.stderr.flush()

    result = run_push(endpoint, graph_file, into, replace, gsp, update, fmt, None if quiet else progress, timeout)
    if not quiet:
        verb = "replaced" if replace else "added to"
        click.echo(f"{verb} {len(result.graphs)} graphs on {endpoint}: {result.triples} triples, "
                   f"{result.bytes / 1e6:.1f} MB, {result.seconds:.2f} s", err=True)
