"""Writing collaboration matrices: CSV, Excel, a sortable HTML table, PNG/SVG heatmaps, JSON.

Every format is a :class:`MatrixWriter` (one small base: ``render`` gives the
bytes, ``write`` stores them atomically), found by name in :data:`WRITERS` or by
file ending in :data:`EXTENSIONS`. :func:`write_workbook` writes the
per-department workbook: a summary sheet with the full any-role matrix and
per-agency totals, then one sheet per department listing its partners.

Safety: spreadsheet cells (CSV and XLSX) whose text begins with ``= + - @`` (or
a tab or carriage return, or ``＝ ＋ － ＠``) are prefixed with ``'`` so that a spreadsheet never
runs a name read from a document as a formula; HTML escapes every text and its
script reads no data; the heatmaps refuse to draw Chinese labels without a CJK
font (:mod:`fengong.fonts`).

SVG text is drawn as glyph outlines (``svg.fonttype = "path"``): the file looks
the same on machines without a Chinese font, which is the very failure the
charts must avoid; each label's text stays in the file as a comment beside its
glyphs, so it can still be searched.

>>> from fengong.store import open_store
>>> from fengong.matrix import collaboration_matrix
>>> m = collaboration_matrix(open_store())
>>> render_csv(m).splitlines()[0].split(",")[:3]
['机构', '住房城乡建设厅', '发展改革委']
>>> neutralise("=1+1"), neutralise("财政厅")
("'=1+1", '财政厅')
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

import numpy as np

from . import FengongError
from .atomic import write_bytes
from .matrix import COMBINATIONS, TOTAL_LABELS, Agency, Matrix, Partner, Roster, distinct_labels
from .store import Store
from .textwidth import display_width, neutralise, pad

__all__ = [
    "WRITERS",
    "EXTENSIONS",
    "TITLES",
    "HTML_MAX_AGENCIES",
    "HEATMAP_MAX_AGENCIES",
    "XLSX_MAX_AGENCIES",
    "MatrixWriter",
    "CsvWriter",
    "JsonWriter",
    "HtmlWriter",
    "XlsxWriter",
    "HeatmapWriter",
    "sheet_name",
    "format_for",
    "render_csv",
    "render_html",
    "render_heatmap",
    "matrix_to_dict",
    "write_matrix",
    "write_workbook",
    "render_partners_text",
    "render_partners_csv",
    "partners_to_dict",
]

#: Title of each matrix role, (zh, en).
TITLES = {
    "any": ("协作矩阵：共同承担的任务数（任一角色）", "Collaboration matrix: tasks shared in any role"),
    "co-lead": ("协作矩阵：共同牵头的任务数", "Collaboration matrix: tasks both lead"),
    "lead-participant": ("协作矩阵：行机构牵头、列机构参加的任务数", "Collaboration matrix: tasks the row agency leads and the column agency joins"),
}
#: Header of the label column, per role, (zh, en).
CORNERS = {
    "any": ("机构", "agency"),
    "co-lead": ("机构", "agency"),
    "lead-participant": ("牵头＼参加", "leads \\ participates"),
}
#: Other fixed words, (zh, en).
WORDS = {
    "diagonal": ("对角线为该机构本身的任务数（任一角色）", "diagonal: the agency's own tasks (any role)"),
    "diagonal-co-lead": ("对角线为该机构牵头的任务数", "diagonal: tasks the agency leads"),
    "diagonal-lead-participant": ("对角线恒为 0", "diagonal: always 0"),
    "sort": ("点击表头排序", "click a heading to sort"),
    "summary": ("汇总", "Summary"),
    "matrix": ("矩阵", "matrix"),
    "pairs": ("任务", "tasks"),
    "row": ("行机构", "row agency"),
    "col": ("列机构", "column agency"),
    "count": ("任务数", "tasks"),
    "numbers": ("任务编号", "task numbers"),
    "partner": ("合作机构", "partner"),
    "total": ("合计", "total"),
    "tasks-by-combination": ("任务编号（依次对应四种角色组合）", "task numbers (the four combinations, in order)"),
    "none": ("（无共同任务）", "(no shared tasks)"),
    "colorbar": ("共同任务数", "shared tasks"),
    "x-lead-participant": ("参加单位", "participates"),
    "shown": ("仅显示负荷（牵头×2＋参加）最高的 {shown} 个机构，共 {total} 个；合计列计入全部机构；"
              "`fengong matrix --format csv` 输出全部机构",
              "{shown} of {total} agencies: those of highest load (leads × 2 + participations); the totals count all "
              "{total}; `fengong matrix --format csv` writes all"),
    "y-lead-participant": ("牵头单位", "leads"),
}

#: Above this many agencies an HTML matrix shows only the busiest ones. Measured in
#: headless Chromium on the 1,000-document corpus (835 agencies, tooltips with
#: plan-prefixed task numbers): 150 → 5.4 MB, drawn in ~2 s, sorted in ~1.5 s;
#: 300 → 15 MB, 8 s and 4 s; all 835 → 77 MB.
HTML_MAX_AGENCIES = 150
#: Above this many agencies a heatmap draws only the busiest ones: at 0.2 inch a row,
#: 150 rows make a 4,700-pixel PNG; all 835 of the 1,000-document corpus would be 25,000
#: pixels square (2.5 GB of pixels) with unreadable labels.
HEATMAP_MAX_AGENCIES = 150
#: Excel's column limit, less the label column.
XLSX_MAX_AGENCIES = 16_383

_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _w(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def _diagonal_note(role: str, lang: str) -> str:
    return _w("diagonal" if role == "any" else f"diagonal-{role}", lang)


def sheet_name(label: str, used: set[str]) -> str:
    """An Excel sheet name for *label*: ≤ 31 UTF-16 units, none of ``[]:*?/\\``, no ``'`` at
    either end, unique in *used*.

    Excel compares sheet names case-insensitively; *used* (case-folded) is updated.

    >>> used = set()
    >>> sheet_name("a/b", used), sheet_name("A_B", used), sheet_name("'x'", used)
    ('a_b', 'A_B~2', 'x')
    >>> len(sheet_name("\U00020000" * 20, used))  # 2 UTF-16 units each
    15
    """
    base = label.translate(_SHEET_FORBIDDEN).strip().strip("'") or "sheet"
    if base.casefold() == "history":  # reserved by Excel
        base += "_"
    name, n = _cut(base, 31), 1
    while name.casefold() in used:
        n += 1
        suffix = f"~{n}"
        name = _cut(base, 31 - len(suffix)) + suffix
    used.add(name.casefold())
    return name


def _cut(text: str, units: int) -> str:
    """*text* cut to at most *units* UTF-16 code units (Excel counts so), whole characters only,
    without an apostrophe at its end."""
    out, size = [], 0
    for ch in text:
        size += 2 if ord(ch) > 0xFFFF else 1
        if size > units:
            break
        out.append(ch)
    return "".join(out).rstrip("'") or "sheet"


class MatrixWriter:
    """One output format: ``render`` returns the file's bytes, ``write`` stores them atomically."""

    fmt = ""
    extensions: tuple[str, ...] = ()
    to_stdout = False  # whether the format may go to a terminal

    def render(self, matrix: Matrix) -> bytes:  # pragma: no cover - abstract
        raise NotImplementedError

    def write(self, matrix: Matrix, path: str | Path) -> None:
        write_bytes(path, self.render(matrix))


class CsvWriter(MatrixWriter):
    """UTF-8 CSV, label column first; ``bom=True`` adds a BOM so Excel reads it as UTF-8."""

    fmt, extensions, to_stdout = "csv", (".csv",), True

    def __init__(self, bom: bool = False):
        self.bom = bom

    def render(self, matrix: Matrix) -> bytes:
        return render_csv(matrix, self.bom).encode("utf-8")


class JsonWriter(MatrixWriter):
    """The matrix as JSON: agencies, counts and the task numbers behind each cell."""

    fmt, extensions, to_stdout = "json", (".json",), True

    def render(self, matrix: Matrix) -> bytes:
        return (json.dumps(matrix_to_dict(matrix), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


class HtmlWriter(MatrixWriter):
    """A self-contained HTML page with a click-to-sort table, of at most *limit* agencies (see :func:`render_html`)."""

    fmt, extensions, to_stdout = "html", (".html", ".htm"), True

    def __init__(self, limit: int | None = HTML_MAX_AGENCIES):
        self.limit = limit

    def render(self, matrix: Matrix) -> bytes:
        return render_html(matrix, limit=self.limit).encode("utf-8")


class XlsxWriter(MatrixWriter):
    """An Excel workbook: the matrix sheet and a sheet of cells with their task numbers."""

    fmt, extensions = "xlsx", (".xlsx",)

    def render(self, matrix: Matrix) -> bytes:
        _fits_excel(len(matrix))
        book = _Book()
        lang = matrix.lang
        _matrix_sheet(book, book.wb.add_worksheet(_w("matrix", lang)), matrix, totals=False)
        pairs = book.wb.add_worksheet(_w("pairs", lang))
        header = [_w("row", lang), _w("col", lang), _w("count", lang), _w("numbers", lang)]
        _write_row(pairs, 0, header, fmt=book.header())
        labels = matrix.labels
        r = 1
        for i, j in matrix.nonzero():
            if i != j:
                _write_row(pairs, r, [labels[i], labels[j], int(matrix.counts[i, j]), ", ".join(matrix.tasks[i][j])])
                r += 1
        pairs.freeze_panes(1, 0)
        _fit_columns(pairs, [labels, labels, [header[2]], [header[3]]], minimum=[0, 0, 6, 40])
        return book.close()


class HeatmapWriter(MatrixWriter):
    """A heatmap drawn with matplotlib (PNG or SVG), Chinese labels in a CJK font, of at most *limit* agencies."""

    def __init__(self, fmt: str, limit: int | None = HEATMAP_MAX_AGENCIES):
        self.fmt = fmt
        self.extensions = (f".{fmt}",)
        self.limit = limit

    def render(self, matrix: Matrix) -> bytes:
        return render_heatmap(matrix, self.fmt, limit=self.limit)


#: Writers by format name (the CSV writer is re-made with ``bom`` by :func:`write_matrix`).
WRITERS: dict[str, MatrixWriter] = {
    "csv": CsvWriter(),
    "xlsx": XlsxWriter(),
    "html": HtmlWriter(),
    "png": HeatmapWriter("png"),
    "svg": HeatmapWriter("svg"),
    "json": JsonWriter(),
}
#: File endings and their formats.
EXTENSIONS = {ext: name for name, w in WRITERS.items() for ext in w.extensions}


def format_for(path: str | Path | None, fmt: str | None) -> str:
    """The format to write: *fmt* if given, else inferred from *path*'s ending.

    >>> format_for("m.xlsx", None), format_for(None, None), format_for("m.txt", "csv")
    ('xlsx', 'csv', 'csv')
    """
    if fmt:
        if fmt not in WRITERS:
            raise FengongError(f"--format: unknown format '{fmt}' (use {', '.join(WRITERS)})")
        return fmt
    if path is None:
        return "csv"
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        raise FengongError(f"{path}: unknown matrix file type (use {', '.join(EXTENSIONS)}) or pass --format")
    return EXTENSIONS[suffix]


def write_matrix(matrix: Matrix, path: str | Path, fmt: str | None = None, bom: bool = False) -> None:
    """Write *matrix* to *path* (atomically) in *fmt*, inferred from the ending when None."""
    fmt = format_for(path, fmt)
    writer = CsvWriter(bom) if fmt == "csv" else WRITERS[fmt]
    writer.write(matrix, path)


# ---------------------------------------------------------------- CSV and JSON


def render_csv(matrix: Matrix, bom: bool = False) -> str:
    """The matrix as CSV text: a header of labels, then one row per agency."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    labels = [neutralise(x) for x in matrix.labels]
    out.writerow([neutralise(_pick(CORNERS[matrix.role], matrix.lang)), *labels])
    out.writerows([label, *row] for label, row in zip(labels, matrix.counts.tolist()))
    return ("\ufeff" if bom else "") + buf.getvalue()


def _agency_dict(a: Agency, lang: str) -> dict:
    return {"iri": a.iri, "label": a.label(lang), "short_zh": a.short_zh, "name_zh": a.name_zh, "name_en": a.name_en,
            "kind": a.kind, "leads": len(a.leads), "participations": len(a.participates), "load": a.load}


def matrix_to_dict(matrix: Matrix) -> dict:
    """Plain data for JSON: agencies (with IRIs), counts, task numbers per non-empty cell."""
    cells = [
        {"row": i, "col": j, "count": int(matrix.counts[i, j]), "tasks": list(matrix.tasks[i][j])}
        for i, j in matrix.nonzero()
    ]
    return {
        "role": matrix.role,
        "order": matrix.order,
        "lang": matrix.lang,
        "diagonal": _diagonal_note(matrix.role, "en"),
        "agencies": [dict(_agency_dict(a, matrix.lang), label=label, cluster=c)
                     for a, label, c in zip(matrix.agencies, matrix.labels, matrix.clusters)],
        "counts": matrix.counts.tolist(),
        "cells": cells,
    }


# ---------------------------------------------------------------- HTML

_CSS = """
body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:1rem;color:#222}
h1{font-size:1.2rem}p.note{color:#555;font-size:.9rem}
.wrap{overflow:auto;max-height:85vh;border:1px solid #ccc}
table{border-collapse:collapse;font-size:12px}
th,td{border:1px solid #e2e2e2;padding:2px 4px;text-align:right;white-space:nowrap}
thead th{position:sticky;top:0;background:#f4f4f4;z-index:2;vertical-align:bottom}
tbody th{position:sticky;left:0;background:#fafafa;text-align:left;z-index:1;font-weight:normal}
thead th:first-child{left:0;z-index:3}
thead th.v button{writing-mode:vertical-rl;white-space:nowrap;max-inline-size:16em;overflow:hidden;text-overflow:ellipsis}
thead th.s button{display:block;width:1.05em;margin:0 auto;white-space:normal;word-break:break-all;line-height:1.12}
th button{font:inherit;border:0;background:none;cursor:pointer;padding:0}
th[aria-sort=ascending] button::after{content:" ▲"}th[aria-sort=descending] button::after{content:" ▼"}
td.diag{background:#eee;color:#777;font-style:italic}td.zero{color:#ccc}
"""

# Sorting moves existing rows; it reads only data-v attributes and never builds HTML.
_JS = """
(function(){
var table=document.getElementById("matrix"),body=table.tBodies[0],heads=table.tHead.rows[0].cells;
function val(row,k){var c=row.cells[k];return c.getAttribute("data-v");}
for(var k=0;k<heads.length;k++){(function(k){
 var b=heads[k].querySelector("button");if(!b)return;
 b.addEventListener("click",function(){
  var asc=heads[k].getAttribute("aria-sort")==="descending"||(k===0&&heads[k].getAttribute("aria-sort")!=="ascending");
  for(var h=0;h<heads.length;h++)heads[h].removeAttribute("aria-sort");
  heads[k].setAttribute("aria-sort",asc?"ascending":"descending");
  var rows=Array.prototype.slice.call(body.rows);
  rows.sort(function(x,y){var a=val(x,k),b=val(y,k),r;
   if(k===0){r=a.localeCompare(b,document.documentElement.lang);}else{r=Number(a)-Number(b);}
   if(r===0){r=Number(x.getAttribute("data-i"))-Number(y.getAttribute("data-i"));return r;}
   return asc?r:-r;});
  rows.forEach(function(r){body.appendChild(r);});
 });})(k);}
})();
"""


def _stack_class(label: str) -> str:
    # Chinese headings are stacked one character per line in a 1-em wide box: Chromium
    # under-measures vertical CJK text in fonts without vertical metrics (WenQuanYi) and
    # clips the last character. Latin headings are turned sideways (writing-mode).
    from .fonts import needs_cjk

    return "s" if needs_cjk([label]) else "v"


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def render_html(matrix: Matrix, title: str | None = None, limit: int | None = HTML_MAX_AGENCIES) -> str:
    """A self-contained page: the matrix as a table, sortable by clicking a heading.

    No network, no external files; every name is escaped; the inline script only
    reorders rows. Cell tooltips give the task numbers. Above *limit* agencies
    (``None`` or 0: no limit) only the *limit* of highest load are shown, and the
    page says so (:meth:`Matrix.top`).
    """
    matrix = matrix.top(limit)
    lang = matrix.lang
    title = title or _pick(TITLES[matrix.role], lang)
    labels = matrix.labels
    n = len(matrix)
    off = matrix.off_diagonal()
    peak = int(off.max()) if n else 0
    totals = matrix.totals()
    task_word = _w("numbers", lang)
    heads = [f'<th scope="col"><button type="button">{_e(_pick(CORNERS[matrix.role], lang))}</button></th>']
    heads += [f'<th scope="col"><button type="button">{_e(_pick(TOTAL_LABELS[k], lang))}</button></th>' for k in ("tasks", "shared")]
    heads += [
        f'<th scope="col" class="{_stack_class(labels[j])}" title="{_e(a.name_zh if lang == "zh" else (a.name_en or a.name_zh))}">'
        f'<button type="button">{_e(labels[j])}</button></th>'
        for j, a in enumerate(matrix.agencies)
    ]
    rows = []
    for i, a in enumerate(matrix.agencies):
        cells = [f'<th scope="row" data-v="{_e(labels[i])}" title="{_e(a.name_zh)}">{_e(labels[i])}</th>',
                 f'<td data-v="{totals[i]["tasks"]}">{totals[i]["tasks"]}</td>',
                 f'<td data-v="{totals[i]["shared"]}">{totals[i]["shared"]}</td>']
        for j in range(n):
            v = int(matrix.counts[i, j])
            tip = f'{labels[i]} × {labels[j]}: {v}' + (f' — {task_word} {", ".join(matrix.tasks[i][j])}' if v else "")
            if i == j:
                cls, style = ' class="diag"', ""
            elif v == 0:
                cls, style = ' class="zero"', ""
            else:
                # Shade by share of the largest off-diagonal count; text turns white on dark cells.
                alpha = 0.12 + 0.78 * v / peak
                fg = ";color:#fff" if alpha > 0.55 else ""
                cls, style = "", f' style="background:rgba(31,94,168,{alpha:.2f}){fg}"'
            cells.append(f'<td data-v="{v}"{cls}{style} title="{_e(tip)}">{v}</td>')
        rows.append(f'<tr data-i="{i}">' + "".join(cells) + "</tr>")
    note = f"{_diagonal_note(matrix.role, lang)}；{_w('sort', lang)}" if lang == "zh" else f"{_diagonal_note(matrix.role, lang)}; {_w('sort', lang)}"
    shown, total = matrix.shown_of
    cut = ""
    if shown < total:  # the command in `…` is shown as code
        words = re.sub(r"`([^`<>&]+)`", r"<code>\1</code>", _e(_w("shown", lang).format(shown=shown, total=total)))
        cut = f'<p class="note" id="shown">{words}</p>\n'
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<h1>{_e(title)}</h1>\n<p class=\"note\">{_e(note)}</p>\n{cut}"
        '<div class="wrap"><table id="matrix">\n<thead><tr>' + "".join(heads) + "</tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table></div>\n"
        f"<script>{_JS}</script>\n</body>\n</html>\n"
    )


# ---------------------------------------------------------------- Excel

_HEADER_FILL = "#DDE5F0"
# What XML 1.0 cannot hold (the characters openpyxl refuses too).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean(value):
    """A cell's value made safe: text without what XML cannot hold, formula starts neutralised."""
    if isinstance(value, str):
        return neutralise(_ILLEGAL.sub("", value))
    return value


class _Book:
    """An Excel workbook written by XlsxWriter, in memory, with its cell formats made once each.

    XlsxWriter writes the 832 × 832 matrix of the 1,000-document corpus ~3× as fast as
    openpyxl did. Text stays text: no formula, link or number is made of a cell's text.
    """

    def __init__(self):
        import xlsxwriter

        self.buf = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buf, {"in_memory": True, "strings_to_formulas": False,
                                                 "strings_to_urls": False, "strings_to_numbers": False})
        self._formats: dict[tuple, object] = {}

    def format(self, **props):
        """The cell format with *props* (XlsxWriter names), made once."""
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.wb.add_format(props)
        return self._formats[key]

    def header(self, vertical: str | None = None):
        """The header cells' format; *vertical* (a language) for labels written top to bottom."""
        props = {"bold": True, "bg_color": _HEADER_FILL, "pattern": 1, "bottom": 1, "bottom_color": "#808080",
                 "align": "center"}
        if vertical is None:
            return self.format(**props, valign="vcenter")
        # 270 stacks the characters top to bottom (right for Chinese); English reads rotated 90°.
        return self.format(**props, valign="bottom", rotation=270 if vertical == "zh" else 90)

    def close(self) -> bytes:
        self.wb.close()
        return self.buf.getvalue()


def _write_row(ws, row: int, values, col: int = 0, fmt=None) -> None:
    """*values* written from (*row*, *col*) on, text made safe (:func:`_clean`)."""
    ws.write_row(row, col, [_clean(v) for v in values], fmt)


def _fit_columns(ws, texts_per_column, minimum=None, maximum: int = 60) -> None:
    """Each column as wide as its widest text (display cells), at least *minimum*, at most *maximum*."""
    for k, texts in enumerate(texts_per_column):
        width = max((display_width(str(t)) for t in texts), default=4) + 2
        if minimum and k < len(minimum):
            width = max(width, minimum[k])
        ws.set_column(k, k, min(width, maximum))


_TOTAL_KEYS = ("leads", "participations", "tasks", "partners", "shared")


def _fits_excel(n: int) -> None:
    if n > XLSX_MAX_AGENCIES:
        raise FengongError(f"xlsx: {n} agencies do not fit in Excel's {XLSX_MAX_AGENCIES + 1} columns; "
                           "use --top N, or --format csv")


def _matrix_sheet(book: _Book, ws, matrix: Matrix, totals: bool) -> None:
    """Header row of labels, label column A, optional totals (B…F), then the matrix."""
    lang = matrix.lang
    labels = matrix.labels
    keys = _TOTAL_KEYS if totals else ()
    first = 1 + len(keys)  # first matrix column (0-based)
    header = [_pick(CORNERS[matrix.role], lang), *(_pick(TOTAL_LABELS[k], lang) for k in keys), *labels]
    ws.write_string(0, 0, _clean(header[0]), book.header())
    _write_row(ws, 0, header[1:], 1, book.header(vertical=lang))
    longest = max((display_width(h) for h in header[1:]), default=4)
    ws.set_row(0, min(15 + 7.5 * longest, 400))  # points; ~one CJK char per 15 pt
    bold = book.format(bold=True)
    diagonal = book.format(bg_color="#EEEEEE", pattern=1, italic=True, font_color="#777777")
    sums = matrix.totals()
    counts = matrix.counts.tolist()
    for i, label in enumerate(labels):
        ws.write_string(1 + i, 0, _clean(label), bold)
        ws.write_row(1 + i, 1, [*(sums[i][k] for k in keys), *counts[i]])
        ws.write_number(1 + i, first + i, counts[i][i], diagonal)
    n = len(labels)
    ws.freeze_panes(1, first)
    _fit_columns(ws, [[header[0], *labels]])
    if keys:
        ws.set_column(1, first - 1, 6)
    if n:
        ws.set_column(first, first + n - 1, 5)
        ws.conditional_format(1, first, n, first + n - 1, {
            "type": "2_color_scale", "min_type": "num", "min_value": 0, "min_color": "#FFFFFF",
            "max_type": "max", "max_color": "#5B8FD0"})


def _department_sheet(book: _Book, ws, me: Agency, found: list[Partner], lang: str) -> None:
    ws.write_string(0, 0, _clean(_partner_header(me, found, lang)), book.format(bold=True, font_size=12))
    header = [_w("partner", lang), _w("total", lang), *(c.label(lang) for c in COMBINATIONS),
              *(f"{_w('numbers', lang)}：{c.label(lang)}" if lang == "zh" else f"{_w('numbers', lang)}: {c.label(lang)}" for c in COMBINATIONS)]
    _write_row(ws, 1, header, fmt=book.header())
    for r, p in enumerate(found, start=2):
        _write_row(ws, r, [p.label, p.total, *(p.count(c.key) for c in COMBINATIONS),
                           *(", ".join(p.tasks[c.key]) for c in COMBINATIONS)])
    if not found:
        _write_row(ws, 2, [_w("none", lang)])
    ws.freeze_panes(2, 1)
    names = [header[0], *(p.label for p in found)]
    numbers = [[h, *(", ".join(p.tasks[c.key]) for p in found)] for h, c in zip(header[6:], COMBINATIONS)]
    _fit_columns(ws, [names, [header[1]], *([h] for h in header[2:6]), *numbers], maximum=60)


def write_workbook(store: Store, path: str | Path, lang: str = "zh", order: str = "load",
                   agencies_only: bool = False) -> None:
    """One workbook: a summary sheet (any-role matrix + per-agency totals), then a sheet per department.

    Department sheets are named by the short Chinese name (the full one where two
    agencies share it; sanitised and made unique for Excel) and follow the summary's
    row order.
    """
    roster = Roster.from_store(store, agencies_only)
    matrix = roster.matrix("any", order, lang)
    if not len(matrix):
        raise FengongError(f"{path}: the graph has no actors with task assignments; nothing to write")
    _fits_excel(len(matrix) + len(_TOTAL_KEYS))
    book = _Book()
    used: set[str] = set()
    _matrix_sheet(book, book.wb.add_worksheet(sheet_name(_w("summary", lang), used)), matrix, totals=True)
    for a, label in zip(matrix.agencies, distinct_labels(matrix.agencies, "zh")):
        sheet = book.wb.add_worksheet(sheet_name(label, used))
        _department_sheet(book, sheet, a, roster.partners_of(a, lang), lang)
    write_bytes(path, book.close())


# ---------------------------------------------------------------- heatmaps


def render_heatmap(matrix: Matrix, fmt: str = "png", limit: int | None = HEATMAP_MAX_AGENCIES) -> bytes:
    """The matrix as a heatmap image (``png`` or ``svg``).

    Colours scale with the off-diagonal counts; the diagonal (the agency's own
    tasks) is grey with its number, so one busy agency does not wash out the
    rest. Cluster boundaries are drawn when the order is ``cluster``. Above
    *limit* agencies (``None`` or 0: no limit) only the busiest are drawn and
    the title says so.
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from .fonts import require_cjk_font

    matrix = matrix.top(limit)
    n = len(matrix)
    if not n:
        raise FengongError("graph: no actors with task assignments; nothing to draw")
    lang = matrix.lang
    labels = matrix.labels
    title = _pick(TITLES[matrix.role], lang)
    shown, total = matrix.shown_of
    if shown < total:
        title += f"（{shown}/{total} 个机构）" if lang == "zh" else f" ({shown} of {total} agencies)"
    font = require_cjk_font([*labels, title])
    rc = {
        "svg.fonttype": "path",
        "svg.hashsalt": "fengong",  # stable ids: the same matrix gives the same file
        "axes.unicode_minus": False,
        "font.family": "sans-serif",
        "font.sans-serif": ([font.family] if font else []) + ["DejaVu Sans"],
    }
    off = np.ma.masked_array(matrix.counts.astype(float), mask=np.eye(n, dtype=bool))
    peak = max(float(off.max() if off.count() else 0), 1.0)
    cell = 0.2  # inches per row
    side = max(4.0, 1.5 + cell * n)
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(side + 1.2, side), dpi=150 if fmt == "png" else 72)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        cmap = matplotlib.colormaps["Blues"].with_extremes(bad="#e6e6e6")
        image = ax.imshow(off, cmap=cmap, vmin=0, vmax=peak, interpolation="nearest", aspect="equal")
        ax.set_xticks(range(n), labels=labels, rotation=90, fontsize=6.5)
        ax.set_yticks(range(n), labels=labels, fontsize=6.5)
        ax.tick_params(length=0)
        if n <= 80:  # beyond that the numbers cannot be read anyway
            for i in range(n):
                for j in range(n):
                    v = int(matrix.counts[i, j])
                    if v == 0:
                        continue
                    colour = "#666666" if i == j else ("white" if v > peak * 0.55 else "#1a1a1a")
                    ax.text(j, i, str(v), ha="center", va="center", fontsize=4.5, color=colour,
                            style="italic" if i == j else "normal")
        if matrix.order == "cluster":
            for k in range(1, n):
                if matrix.clusters[k] != matrix.clusters[k - 1]:
                    ax.axhline(k - 0.5, color="#c0392b", linewidth=0.8)
                    ax.axvline(k - 0.5, color="#c0392b", linewidth=0.8)
        if matrix.role == "lead-participant":
            ax.set_xlabel(_w("x-lead-participant", lang))
            ax.set_ylabel(_w("y-lead-participant", lang))
        ax.set_title(f"{title}\n{_diagonal_note(matrix.role, lang)}", fontsize=10)
        bar = fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
        bar.set_label(_w("colorbar", lang))
        buf = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buf, format=fmt, bbox_inches="tight", metadata=metadata)
    return buf.getvalue()


# ---------------------------------------------------------------- one department's partners


def _partner_header(me: Agency, found: list[Partner], lang: str) -> str:
    if lang == "zh":
        return f"{me.short_zh}（{me.name_zh}）：牵头 {len(me.leads)} 项，参加 {len(me.participates)} 项，合作机构 {len(found)} 个"
    return f"{me.label('en')} ({me.short_zh}): leads {len(me.leads)}, participates in {len(me.participates)}, {len(found)} partners"


def render_partners_text(me: Agency, found: list[Partner], lang: str = "zh") -> str:
    """An aligned table of partners for the terminal (CJK characters count double)."""
    header = [_w("partner", lang), _w("total", lang), *(c.label(lang) for c in COMBINATIONS), _w("tasks-by-combination", lang)]
    rows = [[p.label, str(p.total), *(str(p.count(c.key)) for c in COMBINATIONS),
             " | ".join(" ".join(p.tasks[c.key]) or "-" for c in COMBINATIONS)] for p in found]
    widths = [max(display_width(r[k]) for r in [header, *rows]) for k in range(len(header) - 1)]
    lines = [_partner_header(me, found, lang)]
    for r in [header, *rows]:
        cells = [pad(r[0], widths[0])] + [pad(v, w, right=True) for v, w in zip(r[1:-1], widths[1:])]
        lines.append("  ".join(cells + [r[-1]]).rstrip())
    if not found:
        lines.append(_w("none", lang))
    return "\n".join(lines) + "\n"


def render_partners_csv(me: Agency, found: list[Partner], lang: str = "zh", bom: bool = False) -> str:
    """Partners as CSV: counts per combination, then the task numbers of each."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow([_w("partner", lang), _w("total", lang), *(c.label(lang) for c in COMBINATIONS),
                  *(f"{_w('numbers', lang)}: {c.label(lang)}" for c in COMBINATIONS)])
    for p in found:
        out.writerow([neutralise(p.label), p.total, *(p.count(c.key) for c in COMBINATIONS),
                      *(neutralise(" ".join(p.tasks[c.key])) for c in COMBINATIONS)])
    return ("\ufeff" if bom else "") + buf.getvalue()


def partners_to_dict(me: Agency, found: list[Partner], lang: str = "zh") -> dict:
    """Plain data for JSON."""
    return {
        "agency": _agency_dict(me, lang),
        "partners": [
            {"iri": p.agency.iri, "label": p.label, "total": p.total,
             **{c.key: list(p.tasks[c.key]) for c in COMBINATIONS}}
            for p in found
        ],
    }
