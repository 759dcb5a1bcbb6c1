"""Writing query results (and any other table) as text: table, csv, tsv, json, md.

Shared by ``query``, ``analyze`` and the other commands that print rows, so a
result reads the same everywhere:

* ``table`` — aligned columns for a terminal; CJK characters count two cells
  (``unicodedata.east_asian_width``); IRIs shortened with the project prefixes;
* ``csv`` — UTF-8, RFC 4180, the SPARQL 1.1 CSV conventions (plain values);
  cells that a spreadsheet would run as a formula (``= + - @``, full-width ``＝ ＋ － ＠``, tab, CR) get a
  leading ``'``; ``bom=True`` adds a byte-order mark so Excel reads Chinese;
* ``tsv`` — SPARQL 1.1 TSV: every term in N-Triples syntax, keeping language
  tags and datatypes (``"住房城乡建设厅"@zh``);
* ``json`` — SPARQL 1.1 Query Results JSON;
* ``md`` — a Markdown table, pipes and HTML-special characters escaped.

A CONSTRUCT/DESCRIBE result is written as Turtle and an ASK result as
``true``/``false`` (SPARQL JSON ``{"boolean": …}`` in json), whatever the format.

>>> from fengong.store import Result, Term
>>> r = table_result(["agency", "leads"], [("住房城乡建设厅", 26), ("公安厅", 6)])
>>> print(render(r, "table"))
agency          leads
--------------  -----
住房城乡建设厅     26
公安厅              6
(2 rows)
<BLANKLINE>
>>> render(r, "csv").splitlines()[1]
'住房城乡建设厅,26'
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path
from typing import Any, Iterable, Sequence

from . import FengongError
from .atomic import write_bytes
from .store import Result, Term, _tsv_term, _tsv_value
from .textwidth import display_width, neutralise, truncate
from .vocab import PREFIXES

__all__ = [
    "FORMATS",
    "BOM_FORMATS",
    "render",
    "write_result",
    "render_table",
    "render_csv",
    "render_tsv",
    "render_json",
    "render_markdown",
    "render_turtle",
    "table_result",
    "compact_iri",
    "neutralise_cell",
]

#: Output formats for rows, in the order the CLI offers them.
FORMATS = ("table", "csv", "tsv", "json", "md")
#: Formats a byte-order mark makes sense for (spreadsheets).
BOM_FORMATS = ("csv", "tsv")

XSD = PREFIXES["xsd"]
#: Datatypes whose values are numbers: right-aligned in tables, never neutralised in CSV.
NUMERIC_TYPES = frozenset(
    XSD + t
    for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
              "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
              "unsignedShort", "unsignedByte")
)
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN")
# Prefixes to shorten IRIs with, longest namespace first so fgagency: wins over a shorter match.
_PREFIX_ORDER = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
_PREFIX_OF = {ns: prefix for prefix, ns in _PREFIX_ORDER}
# The namespaces longest first, then a local name that does not end in "." (a Turtle
# rule): one match per IRI instead of a loop over the prefixes.
_COMPACTABLE = re.compile("(" + "|".join(re.escape(ns) for _, ns in _PREFIX_ORDER) + r")([A-Za-z0-9_][A-Za-z0-9_.-]*)(?<!\.)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _is_number(term: Term | None) -> bool:
    return term is not None and term.kind == "literal" and term.datatype in NUMERIC_TYPES and bool(_NUMBER.fullmatch(term.value))


def compact_iri(iri: str) -> str:
    """*iri* as a prefixed name when a project prefix covers it, else unchanged.

    >>> compact_iri("https://w3id.org/fengong/id/agency/gx-housing")
    'fgagency:gx-housing'
    >>> compact_iri("http://example.org/x")
    'http://example.org/x'
    """
    found = _COMPACTABLE.fullmatch(iri)
    return f"{_PREFIX_OF[found[1]]}:{found[2]}" if found else iri


def neutralise_cell(text: str, term: Term | None = None) -> str:
    """Prefix ``'`` to a cell a spreadsheet would evaluate; numbers stay numbers.

    >>> neutralise_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_cell("-5", Term.literal("-5", "http://www.w3.org/2001/XMLSchema#integer"))
    '-5'
    """
    return text if _is_number(term) else neutralise(text)


def _plain(term: Term | None) -> str:
    """A term's value as the SPARQL CSV format writes it."""
    if term is None:
        return ""
    if term.kind == "bnode":
        return f"_:{term.value}"
    return term.value


def _shown(term: Term | None) -> str:
    """A term for human eyes: IRIs shortened, control characters (newlines, tabs, ESC, C1) as spaces."""
    if term is None:
        return ""
    text = compact_iri(term.value) if term.kind == "uri" else _plain(term)
    return _CONTROL.sub(" ", text)


def _numeric(terms: Iterable[Term | None]) -> bool:
    """Whether a column's (distinct) *terms* are only numbers and blanks, with at least one number."""
    terms = list(terms)
    return any(_is_number(t) for t in terms) and all(t is None or _is_number(t) for t in terms)


def _distinct_columns(result: Result) -> list[dict[int, Term | None]]:
    """Each column's distinct term objects by id (the engine's rows share repeated terms)."""
    return [{id(t): t for t in column} for column in zip(*result.rows)] or [{} for _ in result.vars]


def _check_rows(result: Result) -> None:
    if result.boolean is not None or result.triples is not None:
        raise ValueError("not a SELECT result")


def render_table(result: Result, max_width: int | None = None) -> str:
    """Aligned columns with a rule under the header and a row count; numbers right-aligned.

    *max_width* cuts longer cells with ``…`` (display cells, not characters).
    """
    _check_rows(result)
    # A big result repeats its terms: each distinct term is shown and measured once, and
    # padded once per column; the rows are then put together column by column.
    distinct = _distinct_columns(result)
    shown: dict[int, tuple[str, int]] = {}
    widths = []
    for var, terms in zip(result.vars, distinct):
        for key, t in terms.items():
            if key not in shown:
                text = _shown(t)
                if max_width:
                    text = truncate(text, max_width)
                shown[key] = (text, display_width(text))
        widths.append(max([display_width(var), *(shown[key][1] for key in terms)]))
    numeric = [_numeric(terms.values()) for terms in distinct]

    def padded(text: str, width: int, i: int) -> str:
        gap = " " * (widths[i] - width)
        return gap + text if numeric[i] else text + gap

    columns = []
    for i, (terms, column) in enumerate(zip(distinct, zip(*result.rows))):
        cells = {key: padded(*shown[key], i) for key in terms}
        columns.append(map(cells.__getitem__, map(id, column)))
    out = [
        "  ".join(padded(v, display_width(v), i) for i, v in enumerate(result.vars)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    out.extend(line.rstrip() for line in map("  ".join, zip(*columns)))
    n = len(result.rows)
    out.append(f"({n} row{'' if n == 1 else 's'})")
    return "\n".join(out) + "\n"


def render_csv(result: Result, bom: bool = False) -> str:
    """SPARQL 1.1 CSV (plain values, CRLF line ends), formula cells neutralised; *bom* for Excel."""
    _check_rows(result)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutralise_cell(v) for v in result.vars])
    cells = result.tsv_cells
    if cells is not None and len(result.vars) > 1:
        # Straight from the engine's TSV cells: each distinct cell converted and quoted
        # once, rows joined as text (what the csv writer does, without its per-cell work).
        convert = _CsvCells().__getitem__
        buf.write("".join([",".join(map(convert, row)) + "\r\n" for row in cells]))
    elif cells is not None:
        writer.writerows([[_CsvCells.plain(row[0])] for row in cells])
    else:
        for row in result.rows:
            writer.writerow([neutralise_cell(_plain(t), t) for t in row])
    return ("\ufeff" if bom else "") + buf.getvalue()


class _CsvCells(dict):
    """SPARQL TSV cell → its CSV field (plain value, formula cells neutralised, quoted as
    the csv module quotes: when it holds a comma, a quote or a line break).

    >>> print(_CsvCells()['"a, b"@zh'], _CsvCells()['"say \\\\"hi\\\\" now"'])
    "a, b" "say ""hi"" now"
    """

    @staticmethod
    def plain(cell: str) -> str:
        first = cell[:1]
        # An IRI, or a string with or without a language: never a number, no term needed.
        typed = first == '"' and cell[cell.rindex('"') + 1:].startswith("^^")
        if first == "<" or (first == '"' and not typed):
            return neutralise(_tsv_value(cell))
        term = _tsv_term(cell)
        return neutralise_cell(_plain(term), term)

    def __missing__(self, cell: str) -> str:
        text = self.plain(cell)
        if _CSV_QUOTE.search(text):
            text = '"' + text.replace('"', '""') + '"'
        self[cell] = text
        return text


_CSV_QUOTE = re.compile(r'[,"\r\n]')


class _NTCells(dict):
    """SPARQL TSV cell → the term in N-Triples syntax (numbers are written in full)."""

    def __missing__(self, cell: str) -> str:
        term = _tsv_term(cell)
        text = self[cell] = "" if term is None else term.n3()
        return text


def render_tsv(result: Result, bom: bool = False) -> str:
    """SPARQL 1.1 TSV: ``?var`` headers, terms in N-Triples syntax, empty for unbound.

    Literals always start with ``"`` and IRIs with ``<``, so no cell can start a formula.
    """
    _check_rows(result)
    lines = ["\t".join(f"?{v}" for v in result.vars)]
    cells = result.tsv_cells
    if cells is not None:
        convert = _NTCells().__getitem__
        lines.extend(["\t".join(map(convert, row)) for row in cells])
    else:
        lines.extend("\t".join("" if t is None else t.n3() for t in row) for row in result.rows)
    return ("\ufeff" if bom else "") + "\n".join(lines) + "\n"


def _json_term(term: Term) -> dict[str, str]:
    if term.kind == "uri":
        return {"type": "uri", "value": term.value}
    if term.kind == "bnode":
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.lang:
        out["xml:lang"] = term.lang
    elif term.datatype:
        out["datatype"] = term.datatype
    return out


def render_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON (SELECT or ASK), one binding to a line.

    >>> print(render_json(Result(vars=["n"], rows=[(Term.literal("1"),)])), end="")
    {
      "head": {"vars": ["n"]},
      "results": {"bindings": [
        {"n": {"type": "literal", "value": "1"}}
      ]}
    }
    """
    if result.boolean is not None:
        return json.dumps({"head": {}, "boolean": result.boolean}, indent=2) + "\n"
    _check_rows(result)
    # json.dumps with indent runs Python's encoder on every value (9 s for 65,813 rows of
    # ten terms); each binding compact is its C encoder, and a line per binding stays readable.
    encode = json.JSONEncoder(ensure_ascii=False).encode
    keys = [encode(v) + ": " for v in result.vars]
    encoded: dict[int, str] = {}  # each distinct term encoded once
    for row in result.rows:
        for t in row:
            if t is not None and id(t) not in encoded:
                encoded[id(t)] = encode(_json_term(t))
    bindings = ",\n".join(
        "    {" + ", ".join([k + encoded[id(t)] for k, t in zip(keys, row) if t is not None]) + "}"
        for row in result.rows
    )
    return (
        f'{{\n  "head": {{"vars": {encode(list(result.vars))}}},\n  "results": {{"bindings": ['
        + (f"\n{bindings}\n  " if bindings else "")
        + "]}\n}\n"
    )


def _md_cell(text: str) -> str:
    # Escape the backslash first so an escaped pipe cannot be undone; HTML-special
    # characters become entities because Markdown renderers pass raw HTML through.
    text = text.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|")


def render_markdown(result: Result) -> str:
    """A GitHub-flavoured Markdown table; numeric columns right-aligned."""
    _check_rows(result)
    numeric = [_numeric(terms.values()) for terms in _distinct_columns(result)]
    lines = [
        "| " + " | ".join(_md_cell(v) for v in result.vars) + " |",
        "| " + " | ".join("---:" if n else "---" for n in numeric) + " |",
    ]
    lines.extend("| " + " | ".join(_md_cell(_shown(t)) for t in row) + " |" for row in result.rows)
    return "\n".join(lines) + "\n"


def render_turtle(triples: Iterable[tuple[Term, Term, Term]]) -> str:
    """Triples as Turtle with the project prefixes, sorted so output is stable."""
    import pyoxigraph as ox

    parsed = sorted({ox.Triple(s.to_ox(), p.to_ox(), o.to_ox()) for s, p, o in triples}, key=str)
    buf = io.BytesIO()
    ox.serialize(parsed, buf, ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
    return buf.getvalue().decode("utf-8")


def _turtle_from_ntriples(text: str) -> str:
    """N-Triples text as :func:`render_turtle` writes it: de-duplicated, sorted, with the project prefixes.

    Sorting the lines is sorting the triples as ``render_turtle`` does (by their
    N-Triples text); Oxigraph parses and writes in Rust.
    """
    import pyoxigraph as ox

    lines = sorted({line for line in text.split("\n") if line})
    buf = io.BytesIO()
    data = ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    # lenient: the text is Oxigraph's own output (the checks of IRIs and tags cost 40 % of the read).
    ox.serialize(ox.parse(data, format=ox.RdfFormat.N_TRIPLES, lenient=True), buf, ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
    return buf.getvalue().decode("utf-8")


def render(result: Result, fmt: str = "table", bom: bool = False, max_width: int | None = None) -> str:
    """*result* as text in *fmt* (one of :data:`FORMATS`).

    CONSTRUCT results are Turtle and ASK results ``true``/``false`` in every
    format but json. *bom* (csv, tsv) starts the text with U+FEFF.

    >>> from fengong.store import Result
    >>> render(Result(boolean=True), "table")
    'true\\n'
    """
    if fmt not in FORMATS:
        raise FengongError(f"{fmt}: unknown output format (use {', '.join(FORMATS)})")
    if bom and fmt not in BOM_FORMATS:
        raise FengongError(f"--bom is for {' and '.join(BOM_FORMATS)} output, not {fmt}")
    if result.ntriples is not None:
        return _turtle_from_ntriples(result.ntriples)
    if result.triples is not None:
        return render_turtle(result.triples)
    if result.boolean is not None:
        return render_json(result) if fmt == "json" else ("true\n" if result.boolean else "false\n")
    if fmt == "table":
        return render_table(result, max_width=max_width)
    if fmt == "csv":
        return render_csv(result, bom=bom)
    if fmt == "tsv":
        return render_tsv(result, bom=bom)
    if fmt == "json":
        return render_json(result)
    return render_markdown(result)


def write_result(result: Result, fmt: str = "table", output: str | Path | None = None, bom: bool = False,
                 stream=None, max_width: int | None = None) -> None:
    """Render *result* and write it as UTF-8: atomically to *output*, else to *stream* (stdout).

    Bytes go to the stream's binary buffer, so a non-UTF-8 locale cannot garble Chinese.
    """
    data = render(result, fmt, bom=bom, max_width=max_width).encode("utf-8")
    if output is not None and str(output) != "-":
        write_bytes(output, data)
        return
    target = stream if stream is not None else sys.stdout
    binary = getattr(target, "buffer", None)
    if binary is not None:
        target.flush()
        binary.write(data)
        binary.flush()
    else:
        target.write(data.decode("utf-8"))


def _term_of(value: Any) -> Term | None:
    """A Python value as an RDF term: int → xsd:integer, float → xsd:double, bool → xsd:boolean."""
    if value is None or isinstance(value, Term):
        return value
    if isinstance(value, bool):
        return Term.literal("true" if value else "false", XSD + "boolean")
    if isinstance(value, int):
        return Term.literal(str(value), XSD + "integer")
    if isinstance(value, float):
        return Term.literal(repr(value), XSD + "double")
    from decimal import Decimal

    if isinstance(value, Decimal):
        return Term.literal(str(value), XSD + "decimal")
    return Term.literal(str(value))


def table_result(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Result:
    """A :class:`Result` from plain Python rows, for commands that compute tables themselves.

    >>> table_result(["n"], [(3,)]).rows[0][0].datatype
    'http://www.w3.org/2001/XMLSchema#integer'
    """
    return Result(vars=list(columns), rows=[tuple(_term_of(v) for v in row) for row in rows])
