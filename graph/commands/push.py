"""``fengong push``: upload the graph to a SPARQL server (Oxigraph, Fuseki, GraphDB, Virtuoso) with the Graph Store Protocol.

>>> push.name
'push'
>>> summary(PushResult(["a", "b", "c"], 8440, 910_000, 1.5, replaced=["a", "c"]), "http://u:pw@h/query")
'pushed 3 graphs to http://u:***@h/query (2 replaced, 1 added to): 8440 triples, 0.9 MB, 1.50 s'
"""

from __future__ import annotations

import sys

import click

from ..push import UPLOAD_FORMATS, PushInterrupted, PushResult, push as run_push
from ..transport import MAX_SECONDS, shown
from . import Seconds

__all__ = ["push", "summary"]


def summary(result: PushResult, endpoint: str) -> str:
    """The line a push ends with (the endpoint without its password)."""
    added = len(result.graphs) - len(result.replaced)
    return (f"pushed {len(result.graphs)} graphs to {shown(endpoint)} ({len(result.replaced)} replaced, {added} added to): "
            f"{result.triples} triples, {result.bytes / 1e6:.1f} MB, {result.seconds:.2f} s")


@click.command()
@click.argument("graph_file", required=False, type=click.Path(dir_okay=False))
@click.option("--endpoint", required=True, metavar="URL",
              help="The server's SPARQL query endpoint, e.g. http://127.0.0.1:7878/query (Oxigraph), "
                   "http://localhost:3030/ds/sparql (Fuseki), http://localhost:7200/repositories/REPO (GraphDB) "
                   "or http://localhost:8890/sparql (Virtuoso). Credentials in it (http://user:pw@…) are sent "
                   "as HTTP Basic authentication, or Digest when the server asks for it (Virtuoso's -auth endpoints).")
@click.option("--graph", "into", metavar="IRI", help="Put every triple into this one named graph (default: each plan's graph, the shared graph and the ontology graph under their own names).")
@click.option("--replace", is_flag=True,
              help="Replace the pushed plans' graphs (default: add to them). Either way the shared graph of "
                   "agencies and places is merged with the server's, so plans already there keep theirs, and "
                   "fengong's ontology graph is replaced. With --graph, replace that one graph. A graph that is "
                   "added to gains a new copy of its blank nodes on every push.")
@click.option("--gsp", metavar="URL", help="Graph Store Protocol endpoint, if not the one derived from --endpoint "
                                           "(Oxigraph /store; Fuseki /ds/data; GraphDB …/rdf-graphs/service; "
                                           "Virtuoso /sparql-graph-crud).")
@click.option("--update", metavar="URL", help="SPARQL Update endpoint, if not the derived one (Oxigraph /update; "
                                              "Fuseki /ds/update; GraphDB …/statements; Virtuoso /sparql).")
@click.option("--format", "fmt", type=click.Choice(sorted(UPLOAD_FORMATS)), default="turtle", show_default=True,
              help="Upload as text/turtle or application/n-triples.")
@click.option("--timeout", type=Seconds(allow_zero=True), default=300, show_default=True, metavar="SECONDS",
              help="Time limit for each HTTP request (0: no limit).")
@click.option("-q", "--quiet", is_flag=True, help="No progress or summary on stderr.")
def push(graph_file, endpoint, into, replace, gsp, update, fmt, timeout, quiet):
    """Upload GRAPH_FILE (default: out/plan.trig, else the bundled plan) to a SPARQL server.

    All graphs are staged first and moved into place by one SPARQL Update, so a
    failed push leaves the server's graphs as they were (if that update's answer
    is lost, the error says the server may have applied it). A query then checks
    that every graph pushed holds at least the statements sent.
    """
    from ..cli import Interrupted

    def progress(done: int, total: int, name: str) -> None:
        end = "\n" if done == total else "\r"
        sys.stderr.write(f"uploaded {done}/{total} graphs{' ' * 8}{end}")
        sys.stderr.flush()

    try:
        result = run_push(endpoint, graph_file, into, replace, gsp, update, fmt, None if quiet else progress,
                          timeout or MAX_SECONDS)
    except PushInterrupted as exc:
        raise Interrupted(f"interrupted; {exc}") from None
    if not quiet:
        click.echo(summary(result, endpoint), err=True)
