"""``fengong inspect``: how a document was read (layout, items, roles, dates, rule, warnings).

>>> from click.testing import CliRunner
>>> from fengong.cli import cli
>>> CliRunner().invoke(cli, ["inspect"]).output.splitlines()[1]
'layout: fieldlines (scores: fieldlines 1.00, inline 0.00, table 0.00)'
"""

from __future__ import annotations

import sys

import click

from .. import FengongError
from ..terminal import printable

__all__ = ["inspect_doc"]


@click.command("inspect")
@click.argument("document", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Report for a reader, or JSON for scripts.")
@click.option("--layout", help="Read with this layout instead of the best-scoring one (fieldlines, inline, table).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to FILE (UTF-8) instead of stdout.")
@click.option("--strict", is_flag=True, help="Exit 1 when the document has warnings.")
def inspect_doc(document, fmt, layout, output, strict):
    """Show how DOCUMENT (default: the bundled plan) is read, before trusting its graph.

    Prints the layout chosen with every layout's score, the header (number, issuer,
    date, jurisdiction), the first-listed rule if one is stated, each task with its
    roles, bases and due dates, and warnings for text that looked like an assignment
    but was not understood.
    """
    from ..atomic import write_text
    from ..build import bundled_path
    from ..inspect import format_json, format_text, inspect_document

    report = inspect_document(document or str(bundled_path()), layout=layout)
    text = format_json(report) if fmt == "json" else printable(format_text(report))
    if output and output != "-":
        write_text(output, text)
    else:
        click.echo(text, nl=False)
    if report.get("error"):
        raise FengongError(report["error"])  # after the report, so the scores are still shown
    if strict and report["warnings"]:
        sys.exit(1)
