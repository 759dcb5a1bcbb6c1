"""``fengong matrix``: agency × agency collaboration matrices, and one department's partners.

Examples::

    fengong matrix                                   # any-role matrix as CSV on stdout
    fengong matrix --role co-lead --order cluster -o co-lead.png
    fengong matrix --lang en -o matrix.html          # sortable table, English labels
    fengong matrix --agency 住房城乡建设厅            # its partners, by role combination
    fengong matrix --per-department -o matrices.xlsx # summary + one sheet per department
    fengong matrix --top 50 -o top50.png             # only the 50 busiest agencies
"""

from __future__ import annotations

from pathlib import Path

import click

from .. import FengongError
from ..atomic import write_bytes
from ..matrix import LANGS, ORDERS, ROLES, Roster
from ..matrix_writers import (
    HEATMAP_MAX_AGENCIES,
    HTML_MAX_AGENCIES,
    CsvWriter,
    HeatmapWriter,
    HtmlWriter,
    WRITERS,
    format_for,
    partners_to_dict,
    render_partners_csv,
    render_partners_text,
    write_workbook,
)
from ..terminal import printable

__all__ = ["matrix", "PARTNER_FORMATS"]

#: Output formats of ``--agency`` and the file endings that select them.
PARTNER_FORMATS = {"text": ".txt", "csv": ".csv", "json": ".json"}


def _partner_format(output: str | None, fmt: str | None) -> str:
    if fmt:
        if fmt not in PARTNER_FORMATS:
            raise FengongError(f"--format: --agency writes {', '.join(PARTNER_FORMATS)}, not {fmt}")
        return fmt
    if output in (None, "-"):
        return "text"
    suffix = Path(output).suffix.lower()
    for name, ext in PARTNER_FORMATS.items():
        if suffix == ext:
            return name
    raise FengongError(f"{output}: --agency writes {', '.join(PARTNER_FORMATS.values())} files (or pass --format)")


def _emit(data: bytes, output: str | None) -> None:
    if output in (None, "-"):
        click.echo(data.decode("utf-8"), nl=False)
    else:
        write_bytes(output, data)
        click.echo(f"wrote {output}", err=True)


@click.command()
@click.option("--graph", "graphs", multiple=True, type=click.Path(dir_okay=False),
              help="RDF file to read (repeatable; default: out/plan.trig, else the bundled plan).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False), help="Read an on-disk store written by build --store.")
@click.option("--endpoint", help="Read a remote SPARQL endpoint instead.")
@click.option("--role", type=click.Choice(list(ROLES)), default="any", show_default=True,
              help="any: tasks both are assigned to; co-lead: both lead; lead-participant: row leads, column participates.")
@click.option("--order", type=click.Choice(ORDERS), default="load", show_default=True,
              help="Row order: communities of the co-assignment graph, load (leads×2 + participations), or name.")
@click.option("--lang", type=click.Choice(LANGS), default="zh", show_default=True,
              help="Label language (English falls back to Chinese where no English name is known).")
@click.option("--agency", metavar="NAME", help="List one department's partners by role combination (any of its names).")
@click.option("--per-department", is_flag=True, help="Write one workbook: a summary sheet and a sheet per department (-o FILE.xlsx).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Output file; the format follows its ending (.csv .xlsx .html .png .svg .json). Default: stdout.")
@click.option("--format", "fmt", type=click.Choice([*WRITERS, "text"]), help="Output format, overriding the file ending.")
@click.option("--bom", is_flag=True, help="Start CSV with a UTF-8 BOM so that Excel reads the Chinese correctly.")
@click.option("--agencies-only", is_flag=True, help="Leave out collective actors (各市人民政府 …) and posts.")
@click.option("--top", type=click.IntRange(min=0), metavar="N",
              help=f"Keep only the N agencies of highest load (leads×2 + participations), in the chosen order; 0 keeps all. "
                   f"Default: all, except that an HTML page shows at most {HTML_MAX_AGENCIES} and a PNG/SVG "
                   f"heatmap at most {HEATMAP_MAX_AGENCIES}, and say so.")
def matrix(graphs, store_dir, endpoint, role, order, lang, agency, per_department, output, fmt, bom, agencies_only, top):
    """Agency × agency collaboration matrix: how many tasks each pair shares.

    The diagonal holds what the same rule gives for an agency with itself: its
    own task count (any), the tasks it leads (co-lead), 0 (lead-participant).
    """
    from ..store import open_store

    agency_given = agency is not None  # `--agency ""` asks for one department too: it must not print the matrix
    if per_department and agency_given:
        raise FengongError("--agency and --per-department: choose one")
    if top is not None and (agency_given or per_department):
        raise FengongError("--top is for the matrix, not --agency or --per-department")
    store = open_store(list(graphs) or None, store_dir, endpoint=endpoint)

    if per_department:
        if output in (None, "-") or format_for(output, fmt if fmt != "text" else None) != "xlsx":
            raise FengongError("--per-department writes an Excel workbook: give -o FILE.xlsx")
        write_workbook(store, output, lang=lang, order=order, agencies_only=agencies_only)
        click.echo(f"wrote {output}", err=True)
        return

    roster = Roster.from_store(store, agencies_only)
    if agency_given:
        kind = _partner_format(output, fmt)
        me = roster.find(agency)
        found = roster.partners_of(me, lang)
        if kind == "text":
            data = printable(render_partners_text(me, found, lang)).encode("utf-8")
        elif kind == "csv":
            data = render_partners_csv(me, found, lang, bom=bom).encode("utf-8")
        else:
            import json

            data = (json.dumps(partners_to_dict(me, found, lang), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        _emit(data, output)
        return

    if fmt == "text":
        raise FengongError("--format text is for --agency; the matrix is written as csv, xlsx, html, png, svg or json")
    kind = format_for(None if output == "-" else output, fmt)
    m = roster.matrix(role, order, lang)
    if not len(m):
        raise FengongError(f"{store.source}: no actors with task assignments; no matrix to write")
    m = m.top(top)
    if kind == "csv":
        writer = CsvWriter(bom)
    elif kind == "html":  # an explicit --top (0: all) overrides the page's and the picture's default limits
        writer = HtmlWriter(HTML_MAX_AGENCIES if top is None else None)
    elif kind in ("png", "svg"):
        writer = HeatmapWriter(kind, HEATMAP_MAX_AGENCIES if top is None else None)
    else:
        writer = WRITERS[kind]
    if output in (None, "-") and not writer.to_stdout:
        raise FengongError(f"--format {kind} is a binary file: give -o FILE.{kind}")
    _emit(writer.render(m), output)
