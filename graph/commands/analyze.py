"""``fengong analyze``: overloaded agencies and coordination bottlenecks.

Examples::

    fengong analyze                          # ranked table on stdout (Chinese names)
    fengong analyze --top 10 --lang en       # the ten highest loads, English labels
    fengong analyze --format json > a.json   # everything, for machines
    fengong analyze -o report.html           # bilingual HTML report with charts

The table is padded by display width (a Chinese character takes two columns),
so it lines up in a terminal.

>>> pad("统计局", 8) + "|"
'统计局  |'
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from .. import FengongError
from ..terminal import printable
from ..textwidth import display_width, distinct_names, pad
from . import igraph_without_matplotlib

__all__ = ["analyze", "format_text", "FORMATS", "HEADERS"]

#: Output formats and the file endings that select them with ``-o``.
FORMATS = {"text": (".txt",), "json": (".json",), "html": (".html", ".htm")}

#: Table headers and section titles, by language.
HEADERS = {
    "zh": {
        "title": "分工负荷排名：{agencies} 个单位（{collective} 个集合主体），{tasks} 项任务，{leads} 个牵头关系，{parts} 个参加关系",
        "shown": "（显示前 {n} 个）",
        "cols": ("序", "单位", "牵头", "参加", "成果", "负荷", "占比", "度", "强度", "中介", "约束", "标记"),
        "flags": {"overloaded": "超负荷", "bottleneck": "瓶颈", "collective": "集合", "articulation": "割点"},
        "overloaded": "超负荷单位", "bottlenecks": "协调瓶颈", "diffuse": "责任分散的任务（≥{n} 个共同牵头单位）",
        "peaks": "截止高峰（同一年牵头应交成果 ≥{n} 项）", "none": "无", "more": "规则与权重：--format json 或 -o report.html",
    },
    "en": {
        "title": "Workload ranking: {agencies} agencies ({collective} collective), {tasks} tasks, {leads} lead and {parts} participant assignments",
        "shown": " (top {n} shown)",
        "cols": ("#", "Agency", "Lead", "Part", "Deliv", "Load", "Share", "Deg", "Str", "Betw", "Constr", "Flags"),
        "flags": {"overloaded": "overloaded", "bottleneck": "bottleneck", "collective": "collective", "articulation": "cut-vertex"},
        "overloaded": "Overloaded agencies", "bottlenecks": "Coordination bottlenecks", "diffuse": "Diffuse accountability (≥{n} co-leads)",
        "peaks": "Deadline peaks (≥{n} deliverables as lead in one year)", "none": "none",
        "more": "Rules and weights: --format json or -o report.html",
    },
}
_NAME_COLUMNS = 36  # widest agency name shown in the table, in display columns


def _name(a, lang: str) -> str:
    return a.name_en if lang == "en" and a.name_en else a.name_zh


def _names(agencies, lang: str) -> dict[str, str]:
    """IRI → display name; a name several agencies share (发展改革委 of two provinces) gets the id."""
    agencies = list(agencies)
    names = distinct_names([(_name(a, lang), _name(a, lang), a.iri.rsplit("/", 1)[-1]) for a in agencies])
    return {a.iri: name for a, name in zip(agencies, names)}


def _num(x: float | None, digits: int) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def format_text(analysis, lang: str = "zh") -> str:
    """The ranked table and the flags as plain text, aligned by display width."""
    h = HEADERS[lang]
    c = analysis.counts
    lines = [h["title"].format(agencies=c["agencies"], collective=c["collective"], tasks=c["tasks"], leads=c["leads"], parts=c["participations"])
             + (h["shown"].format(n=len(analysis.agencies)) if len(analysis.agencies) < c["agencies"] else ""), ""]
    names = _names(analysis.all_agencies, lang)
    rows = []
    for i, a in enumerate(analysis.agencies, start=1):
        flags = " ".join(h["flags"][f] for f in ("overloaded", "bottleneck", "collective", "articulation") if getattr(a, f))
        rows.append((str(i), names[a.iri], str(a.leads), str(a.participations), str(a.deliverables_as_lead), f"{a.load:g}",
                     f"{a.lead_share:.1%}", str(a.degree), f"{a.strength:g}", _num(a.betweenness, 4), _num(a.constraint, 3), flags))
    widths = [max([display_width(h["cols"][j])] + [display_width(r[j]) for r in rows]) for j in range(len(h["cols"]))]
    widths[1] = min(widths[1], _NAME_COLUMNS)
    left = {1, len(widths) - 1}  # names and flags align left, numbers right
    for row in [h["cols"], *rows]:
        cells = [pad(cell, widths[j], right=j not in left) for j, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    reasons = "reasons_zh" if lang == "zh" else "reasons"
    for title, group, keys in ((h["overloaded"], analysis.overloaded, ("load", "lead_share", "deadline_peak")),
                               (h["bottlenecks"], analysis.bottlenecks, ("bottleneck",))):
        lines += ["", f"{title}:"]
        for a in group:
            why = [r for r, k in zip(getattr(a, reasons), a.reason_keys) if k in keys]
            lines.append(f"  {names[a.iri]}: {('；' if lang == 'zh' else '; ').join(why)}")
        if not group:
            lines.append(f"  {h['none']}")
    lines += ["", h["diffuse"].format(n=analysis.rules["diffuse"]["min_leads"]) + ":"]
    lines += [f"  {t.label}: {'、'.join(t.lead_names)}" for t in analysis.diffuse_tasks] or [f"  {h['none']}"]
    lines += ["", h["peaks"].format(n=analysis.rules["deadline_peak"]["min_deliverables"]) + ":"]
    lines += [f"  {names.get(p.agency) or _name(p, lang)} {p.year}: {p.count}" for p in analysis.deadline_peaks] or [f"  {h['none']}"]
    lines += ["", h["more"]]
    return "\n".join(lines) + "\n"


def _format_of(output: str | None, fmt: str | None) -> str:
    if fmt:
        return fmt
    if output in (None, "-"):
        return "text"
    suffix = Path(output).suffix.lower()
    for name, endings in FORMATS.items():
        if suffix in endings:
            return name
    raise FengongError(f"{output}: analyze writes .html, .json or .txt files (or pass --format)")


@click.command()
@click.option("--graph", "graphs", multiple=True, type=click.Path(dir_okay=False),
              help="RDF file to read (repeatable; default: out/plan.trig, else the bundled plan).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False), help="Read an on-disk store written by build --store.")
@click.option("--endpoint", help="Read a remote SPARQL endpoint instead.")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)),
              help="text (a ranked table), json (everything) or html (the report). Default: text, or the ending of -o.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write to this file instead of stdout; .html writes the bilingual report with charts.")
@click.option("--top", type=click.IntRange(min=1), help="Show only the N highest-load agencies (flags use all of them).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the table and of the report's first language.")
def analyze(graphs, store_dir, endpoint, fmt, output, top, lang):
    """Rank agencies by workload and flag overloaded agencies and coordination bottlenecks.

    Reads the graph (never the text): leads, participations and deliverables per
    agency, the role-weighted agency network (lead–lead 3, lead–participant 2,
    participant–participant 1), betweenness, eigenvector centrality, Burt's
    constraint and effective size. An agency is overloaded when its load
    (leads×2 + participations + deliverables as lead×0.5) is above Q3 + 3·IQR,
    it holds ≥ 10 % of all leads, or it owes ≥ 10 deliverables in one year; a
    bottleneck when its betweenness is in the top decile and its constraint
    below the median. Weights and thresholds: fengong/data/analysis.yaml.
    """
    from ..analysis import analyze as run
    from ..atomic import write_text
    from ..report import render_report
    from ..store import open_store

    kind = _format_of(output, fmt)
    store = open_store(list(graphs), store_dir, endpoint=endpoint)
    igraph_without_matplotlib()  # betweenness of a big graph runs in igraph
    result = run(store, top=top)
    if not result.counts.get("tasks"):  # a truncated file or another graph: an empty ranking would hide it
        raise FengongError(f"{store.source}: no tasks to analyse (an empty graph, or not one fengong built)")
    if kind == "json":
        text = json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
    elif kind == "html":
        text = render_report(result, lang=lang)
    else:
        text = printable(format_text(result, lang))
    if output in (None, "-"):
        click.echo(text, nl=False)
    else:
        write_text(output, text)
        click.echo(f"wrote {output}", err=True)
