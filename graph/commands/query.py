"""``fengong query``: run a named query, a ``.rq`` file or ad hoc SPARQL on a graph.

>>> from click.testing import CliRunner
>>> from fengong.cli import cli
>>> out = CliRunner().invoke(cli, ["query", "--list", "--format", "csv"]).output
>>> out.splitlines()[0]
'name,title_zh,title_en,params'
"""

from __future__ import annotations

import contextlib
import re
import sys

import click

from .. import FengongError
from ..formats import FORMATS, table_result, write_result
from ..terminal import printable
from . import Seconds

__all__ = ["query", "parse_params", "resolve_engine", "ENGINES"]

#: Query engines; ``--store`` also accepts these words (the issue's ``--store memory``).
ENGINES = ("oxigraph", "memory")


def parse_params(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``NAME=VALUE`` strings as a dict (``＝`` as well as ``=``); a pair without one or a
    repeated name is an error.

    >>> parse_params(["agency=公安厅", "year＝2015"])
    {'agency': '公安厅', 'year': '2015'}
    """
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = re.split("([=＝])", pair, maxsplit=1) if re.search("[=＝]", pair) else (pair, "", "")
        name = name.strip().lstrip("?$？")
        if not sep or not name:
            raise FengongError(f"--param {pair}: use NAME=VALUE (e.g. --param agency=公安厅)")
        if name in out:
            raise FengongError(f"--param {name}: given twice")
        out[name] = value
    return out


def resolve_engine(store_opt: str | None, engine: str | None) -> tuple[str | None, str]:
    """Split ``--store`` into an on-disk store directory or an engine name (``memory``/``oxigraph``).

    >>> resolve_engine("memory", None)
    (None, 'memory')
    >>> resolve_engine("out/store", None)
    ('out/store', 'oxigraph')
    """
    if store_opt in ENGINES:
        if engine and engine != store_opt:
            raise FengongError(f"--store {store_opt} and --engine {engine} disagree: give one engine")
        return None, store_opt
    return store_opt, engine or "oxigraph"


def _library_result():
    from ..querylib import list_queries

    def describe(p):
        extra = f", default {p.default}" if p.default is not None else ""
        return f"{p.name} ({p.type}{extra})"

    rows = [(q.name, q.title_zh, q.title_en, "; ".join(describe(p) for p in q.params)) for q in list_queries()]
    return table_result(["name", "title_zh", "title_en", "params"], rows)


def _read_stdin() -> str:
    data = click.get_binary_stream("stdin").read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FengongError(f"<stdin>: not UTF-8 text (byte {exc.start})") from None


@click.command()
@click.argument("query_ref", metavar="[NAME | FILE.rq | -]", required=False)
@click.option("-e", "--expr", "expression", metavar="SPARQL", help="Run this SPARQL text instead of a named query or file.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a query parameter (repeatable); typed as the query's header says.")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output format; CONSTRUCT results are always Turtle.")
@click.option("--bom", is_flag=True, help="Start csv/tsv output with a byte-order mark (for Excel).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write to this file (atomically) instead of stdout.")
@click.option("--graph", "graphs", multiple=True, type=click.Path(dir_okay=False),
              help="Query these graph files (.trig/.ttl/.nq/.nt/.jsonld; repeatable).")
@click.option("--store", "store_opt", metavar="DIR|memory|oxigraph",
              help="Query an on-disk Oxigraph store; the words memory/oxigraph choose the engine instead.")
@click.option("--engine", type=click.Choice(ENGINES), help="Query engine for graph files [default: oxigraph].")
@click.option("--endpoint", metavar="URL", help="Query a remote SPARQL endpoint.")
@click.option("--timeout", type=Seconds(allow_zero=True), default=30, show_default=True, metavar="SECONDS",
              help="Stop a query after this many seconds (0: no limit).")
@click.option("--list", "list_only", is_flag=True, help="List the named queries (titles in Chinese and English, parameters).")
@click.option("--show", is_flag=True, help="Print the query's text instead of running it.")
def query(query_ref, expression, params, fmt, bom, output, graphs, store_opt, engine, endpoint, timeout, list_only, show):
    """Run a SPARQL query on the graph and print the result.

    NAME is a query of the library (see --list), FILE.rq a query file, and -
    reads the query from stdin; -e gives SPARQL on the command line. Queries may
    use the project prefixes (fg:, skos:, dcterms:, prov: …) without declaring them.
    The graph is out/plan.trig when it exists, else the bundled plan, unless
    --graph, --store or --endpoint says otherwise.

    \b
    Examples:
      fengong query --list
      fengong query agency-workload
      fengong query agency-tasks -p agency=公安厅 --format csv --bom -o gongan.csv
      fengong query deliverables-due-by -p year=2015 --store memory
      fengong query -e 'SELECT ?label WHERE { ?a fg:shortLabel ?label }' --format tsv
    """
    from ..querylib import load_query, query_from_text, run_query

    if list_only:
        write_result(_library_result(), fmt, output, bom=bom)
        return
    if expression is not None and query_ref:
        raise FengongError("give either a query (NAME, FILE.rq or -) or -e SPARQL, not both")
    if expression is not None:
        info = query_from_text(expression, name="-e")
    elif query_ref == "-":
        info = query_from_text(_read_stdin(), name="<stdin>")
    elif query_ref:
        info = load_query(query_ref)
    else:
        raise FengongError("no query: give a NAME (see fengong query --list), a FILE.rq, - for stdin, or -e SPARQL")
    if show:
        text = info.text if info.text.endswith("\n") else info.text + "\n"
        click.echo(text, nl=False)
        return
    values = parse_params(params)
    store_dir, engine_name = resolve_engine(store_opt, engine)

    from ..gcpause import cycles_uncollected
    from ..store import OxigraphStore, open_store

    if endpoint and (graphs or store_opt or engine):
        raise FengongError("--endpoint reads a remote graph: give it without --graph, --store or --engine")
    store = open_store(list(graphs) or None, store_dir=store_dir, engine=engine_name, endpoint=endpoint)
    # Embedded Oxigraph's results make up to millions of rows and no reference cycles: ~1 s of the
    # collector's rescans at 1,000 plans. rdflib's engine does make cycles: the collector runs there.
    with cycles_uncollected() if isinstance(store, OxigraphStore) else contextlib.nullcontext():
        result = run_query(store, info, values, timeout=timeout or None)
        write_result(result, fmt, output, bom=bom, stream=sys.stdout)
    for note in getattr(store, "notes", ()):
        click.echo(f"warning: {printable(note, one_line=True)}", err=True)
