"""``fengong validate``: check a built graph against the SHACL shapes (pySHACL exit codes)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import FengongError
from ..read import DOCUMENT_SUFFIXES
from ..terminal import first_line, printable

__all__ = ["validate"]


@click.command()
@click.argument("graph_file", required=False, type=click.Path(dir_okay=False))
@click.option("--store", "store_dir", type=click.Path(file_okay=False), help="Validate an on-disk store instead.")
@click.option("--shapes", type=click.Path(exists=True, dir_okay=False), help="Shapes file (default: the packaged ontology/shapes.ttl).")
@click.option("-q", "--quiet", is_flag=True, help="Only the exit code.")
def validate(graph_file, store_dir, shapes, quiet):
    """Validate GRAPH_FILE (default: out/plan.trig, else the bundled plan) with pySHACL.

    Exit status: 0 the graph conforms, 1 it does not (a report is printed), 2 error.
    """
    import rdflib
    import pyoxigraph as ox

    from ..store import open_store
    from ..validate import validate as run

    if graph_file and not store_dir and Path(graph_file).suffix.lower() in DOCUMENT_SUFFIXES:
        raise FengongError(f"{graph_file}: a document, not a graph file; build it first "
                           f"(fengong build {graph_file}) and validate out/plan.trig")
    try:
        store = open_store(graph_file, store_dir)
        if len(store) == 0:  # a truncated or never-written file: "conforms" would hide it
            # With neither given, open_store read out/plan.trig (an empty one: the bundled plan has statements).
            raise FengongError(f"{store_dir or graph_file or 'out/plan.trig'}: no statements (an empty graph)")
        data = rdflib.Dataset()
        data.parse(data=store.dump(ox.RdfFormat.N_QUADS), format="nquads")
        shapes_graph = None
        if shapes:
            from ..store import FORMATS, OxigraphStore

            if Path(shapes).suffix.lower() in DOCUMENT_SUFFIXES:
                raise FengongError(f"{shapes}: a document, not a shapes file (SHACL in Turtle or another RDF format)")
            if Path(shapes).suffix.lower() in FORMATS:
                # Read by Oxigraph first: a bad file gets its line and column, in one line.
                read = OxigraphStore()
                read.load_file(shapes)
                shapes_graph = rdflib.Graph().parse(data=read.dump(ox.RdfFormat.N_TRIPLES, union=True), format="nt")
            else:  # .shacl, .n3 …: rdflib guesses (Turtle when the ending says nothing)
                shapes_graph = rdflib.Graph().parse(shapes, format=rdflib.util.guess_format(shapes) or "turtle")
        result = run(data, shapes=shapes_graph)
    except FengongError:
        raise
    except Exception as exc:  # pySHACL and rdflib raise many types on bad shapes
        raise FengongError(f"{shapes or graph_file or 'graph'}: cannot validate ({first_line(exc)})") from None
    if result.conforms:
        if not quiet:
            click.echo("conforms: the graph satisfies every shape", err=True)
        sys.exit(0)
    if not quiet:
        click.echo(printable(result.text))
    sys.exit(1)
