"""``fengong serve``: a read-only SPARQL endpoint at /sparql and the built site, on 127.0.0.1.

>>> serve.name
'serve'
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import click

from .. import FengongError
from ..server import DEFAULT_LIMIT, DEFAULT_TIMEOUT, MAX_LIMIT, MAX_TIMEOUT, GraphSource, make_server
from . import Seconds

__all__ = ["serve", "graph_source"]


def graph_source(graphs: tuple[str, ...], store_dir: str | None) -> GraphSource:
    """What to serve: ``--store``, else ``--graph`` files, else out/plan.trig, else the bundled plan."""
    if store_dir and graphs:
        raise FengongError("give --store or --graph, not both")
    if store_dir:
        if not Path(store_dir).is_dir():
            raise FengongError(f"{store_dir}: no such store directory")
        return GraphSource(store_dir=str(store_dir))
    for g in graphs:
        if not Path(g).is_file():
            raise FengongError(f"{g}: no such graph file")
    if graphs:
        return GraphSource(files=tuple(str(g) for g in graphs))
    if Path("out/plan.trig").is_file():
        return GraphSource(files=("out/plan.trig",))
    from ..build import bundled_dataset

    return GraphSource(nquads=bundled_dataset())


@click.command()
@click.option("--graph", "graphs", multiple=True, type=click.Path(dir_okay=False),
              help="RDF file(s) to serve (default: out/plan.trig, else the bundled plan).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False),
              help="On-disk store written by `fengong build --store` (opened read-only; best for big graphs).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on, IPv4 or IPv6 (::1); 0.0.0.0 or :: exposes it to the network.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free port).")
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True, type=Seconds(maximum=MAX_TIMEOUT), metavar="SECONDS",
              help=f"Seconds a query may run before it is stopped (at most {MAX_TIMEOUT:g}).")
@click.option("--limit", default=DEFAULT_LIMIT, show_default=True, type=click.IntRange(1, MAX_LIMIT),
              help="Most rows (or triples) returned; the rest are dropped and a header says so.")
@click.option("--site", type=click.Path(file_okay=False), help="Directory served as the site (default: out/ when it exists).")
@click.option("--workers", default=min(2, os.cpu_count() or 1), show_default=True, type=click.IntRange(1, 64),
              help="Query worker processes (each holds the graph).")
@click.option("--cors", is_flag=True,
              help="Let web pages on any origin query /sparql (browser clients such as YASGUI); still read-only.")
@click.option("--allow-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="A Host name answered besides localhost, 127.0.0.1 and [::1] while listening on a loopback "
                   "address (a reverse proxy's public name); repeatable. Other names get 421 (against DNS rebinding).")
@click.option("-q", "--quiet", is_flag=True, help="Do not log requests.")
def serve(graphs, store_dir, host, port, timeout, limit, site, workers, cors, allowed_hosts, quiet):
    """Serve the graph as a read-only SPARQL 1.1 endpoint at /sparql, and the built site at /.

    \b
    curl 'http://127.0.0.1:7878/sparql' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 3'
    """
    source = graph_source(graphs, store_dir)
    if site is None and Path("out").is_dir():
        site = "out"
    server = make_server(source, host, port, site, timeout, limit, workers, quiet, cors, allowed_hosts)

    def stop(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        click.echo(
            f"fengong: serving {source.describe()} ({server.pool.triples} triples)\n"
            f"  SPARQL endpoint {server.url}/sparql (read-only, {timeout:g} s / {limit} rows per query"
            + (", CORS open to any origin)\n" if cors else ")\n")
            + (f"  site {server.url}/ from {site}/\n" if site else "")
            + "  Ctrl-C to stop",
            err=True,
        )
        sys.stderr.flush()
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("fengong: stopped", err=True)
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()
