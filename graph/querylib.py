"""The analysts' SPARQL query library: named ``.rq`` files with a machine-readable header.

Imported as ``fengong.querylib`` and re-exported by the package ``fengong.queries``
(which holds the ``.rq`` files: a module of that name would be shadowed by it).

Each query in ``queries/`` (installed as the package ``fengong.queries``) starts
with comment lines that say what it is and what it needs::

    # title: Tasks of one agency
    # title-zh: 某单位承担的任务
    # description: Every task one agency leads or takes part in …
    #   (indented comment lines continue the previous field)
    # param: agency — literal — the agency's name (any label) …
    # param: min — xsd:integer — the fewest leads to list — default: 3
    # partition: plan

``partition: plan`` says the query may run on several cores, one group of plans
each (see :data:`fengong.store.PARTITIONS`): every row it returns comes from one
plan's statements with the shared agencies and places, and no group it counts
spans two plans. ``tests/test_partition.py`` checks that claim for every library
query that makes it. It pays only for a query whose patterns are each read whole
(subqueries joined by hashing): a pattern looked up row by row is looked up in
every graph of a group, which on a corpus is far slower than the query run whole.

Parameters are bound as RDF terms through :meth:`fengong.store.Store.query`
(Oxigraph substitutions, rdflib ``initBindings``), never pasted into the text.
Oxigraph substitutes only variables of the SELECT projection (SEP-0007), so a
parameterised query projects its parameters (and groups by them when it
aggregates); every library query does.

>>> info = load_query("agency-tasks")
>>> info.title_zh, [p.name for p in info.params]
('某单位承担的任务', ['agency'])
>>> bind_params(info, {"agency": "公安厅"})["agency"].value
'公安厅'
"""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

from . import FengongError
from . import store as _store_module
from .numerals import FULLWIDTH_DIGITS
from .store import PARTITIONS, QuerySyntaxError, Result, Store, Term, _blanked
from .terminal import first_line
from .vocab import PREFIXES

__all__ = [
    "Param",
    "QueryInfo",
    "PARAM_TYPES",
    "list_queries",
    "load_query",
    "query_from_text",
    "bind_params",
    "run_query",
    "suggest",
]

XSD = PREFIXES["xsd"]

#: Parameter types a header may declare, with the datatype their literal gets
#: (``None``: a plain string literal; ``"iri"``: an IRI).
PARAM_TYPES = {
    "literal": None,
    "xsd:string": None,
    "xsd:integer": XSD + "integer",
    "xsd:decimal": XSD + "decimal",
    "xsd:date": XSD + "date",
    "iri": "iri",
}

#: What a value of each checked type must look like, for the error message.
_TYPE_WORDS = {"xsd:integer": "an integer", "xsd:decimal": "a decimal number", "xsd:date": "a date (YYYY-MM-DD)", "iri": "an IRI"}

_HEADER_LINE = re.compile(r"^#\s?([A-Za-z][A-Za-z-]*)\s*:\s*(.*)$")
_PARAM_SEP = re.compile(r"\s+(?:—|--)\s+")
_VAR = "[A-Za-z_][A-Za-z0-9_]*"
# Positions in the engines' syntax errors: Oxigraph "error at 3:17: …", rdflib "… at line 3, column 17".
_OX_POS = re.compile(r"error at (\d+):(\d+):?\s*")
_RDFLIB_POS = re.compile(r"\s*at line (\d+), column (\d+)")


@dataclass(frozen=True)
class Param:
    """A declared query parameter: its variable name, type, meaning and optional default."""

    name: str
    type: str
    description: str = ""
    default: str | None = None

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class QueryInfo:
    """A query and what its header says about it.

    ``library`` is true for the named queries shipped with fengong; ``source``
    names where the text came from (a library name, a path, ``-e`` or
    ``<stdin>``) for error messages.
    """

    name: str
    title_zh: str
    title_en: str
    description: str
    params: tuple[Param, ...]
    text: str
    source: str = ""
    library: bool = False
    #: How the query may be split across threads (one of :data:`fengong.store.PARTITIONS`), or None.
    partition: str | None = None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def _library():
    return resources.files("fengong.queries")


def query_from_text(text: str, name: str = "<query>", source: str | None = None, library: bool = False) -> QueryInfo:
    """Read the header comments of *text* into a :class:`QueryInfo`.

    >>> q = query_from_text("# title: Count\\n# param: year — xsd:integer — a year\\nSELECT ?year WHERE {}")
    >>> q.title_en, q.params[0].type
    ('Count', 'xsd:integer')
    """
    fields: dict[str, str] = {}
    params: list[list[str]] = []
    last: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("#"):
            break
        m = _HEADER_LINE.match(line)
        if m and m.group(1).lower() in ("title", "title-en", "title-zh", "description", "param", "partition"):
            key, value = m.group(1).lower(), m.group(2).strip()
            if key == "param":
                params.append([value])
            else:
                fields[key] = value
            last = key
        elif last is not None and raw.startswith("#  "):
            # An indented comment line continues the field above it.
            more = line.lstrip("#").strip()
            if last == "param":
                params[-1][0] += " " + more
            else:
                fields[last] = f"{fields[last]} {more}".strip()
        else:
            last = None
    parsed = tuple(_parse_param(p[0], name) for p in params)
    seen = set()
    for p in parsed:
        if p.name in seen:
            raise FengongError(f"{source or name}: parameter '{p.name}' declared twice")
        seen.add(p.name)
    partition = fields.get("partition") or None
    if partition is not None and partition not in PARTITIONS:
        raise FengongError(f"{source or name}: unknown partition '{partition}' (use {', '.join(PARTITIONS)})")
    return QueryInfo(
        name=name,
        title_zh=fields.get("title-zh", ""),
        title_en=fields.get("title", fields.get("title-en", name)),
        description=fields.get("description", ""),
        params=parsed,
        text=text,
        source=source or name,
        library=library,
        partition=partition,
    )


def _parse_param(spec: str, where: str) -> Param:
    parts = _PARAM_SEP.split(spec.strip())
    name = parts[0].strip().lstrip("?$")
    if not re.fullmatch(_VAR, name):
        raise FengongError(f"{where}: bad parameter declaration '{spec}' (use: # param: name — type — description)")
    ptype = parts[1].strip() if len(parts) > 1 else "literal"
    if ptype not in PARAM_TYPES:
        raise FengongError(f"{where}: parameter '{name}' has unknown type '{ptype}' (use {', '.join(PARAM_TYPES)})")
    description = parts[2].strip() if len(parts) > 2 else ""
    default = None
    for extra in parts[3:]:
        m = re.fullmatch(r"default\s*:\s*(.*)", extra.strip())
        if m:
            default = m.group(1).strip()
    return Param(name, ptype, description, default)


def list_queries() -> list[QueryInfo]:
    """Every named query of the library, sorted by name.

    >>> len(list_queries()) >= 15
    True
    """
    out = []
    for entry in _library().iterdir():
        if entry.name.endswith(".rq"):
            name = entry.name[: -len(".rq")]
            out.append(query_from_text(entry.read_text(encoding="utf-8"), name=name, source=name, library=True))
    return sorted(out, key=lambda q: q.name)


def suggest(name: str, names: list[str]) -> list[str]:
    """Names close to *name*: spelling neighbours first, then names containing it.

    >>> suggest("workload", ["agency-workload", "plans"])
    ['agency-workload']
    """
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    contains = [n for n in names if name and name.lower() in n.lower() and n not in close]
    return (close + contains)[:5]


def load_query(name_or_path: str | Path) -> QueryInfo:
    """A library query by name, or a ``.rq`` file by path.

    >>> load_query("plans").title_en
    'Plans in the dataset'
    """
    text = str(name_or_path)
    path = Path(text)
    looks_like_path = isinstance(name_or_path, Path) or text.endswith((".rq", ".sparql")) or "/" in text or "\\" in text
    if looks_like_path or path.is_file():
        if not path.is_file():
            raise FengongError(f"{text}: no such query file")
        try:
            body = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FengongError(f"{text}: not UTF-8 text (byte {exc.start})") from None
        except OSError as exc:
            raise FengongError(f"{text}: cannot read ({exc.strerror or exc})") from None
        return query_from_text(body, name=path.stem, source=text)
    names = {q.name: q for q in list_queries()}
    if text in names:
        return names[text]
    hint = suggest(text, sorted(names))
    did_you_mean = f" (did you mean {', '.join(hint)}?)" if hint else ""
    raise FengongError(f"{text}: no such query{did_you_mean}; see fengong query --list")


def _typed(param: Param, value: str, where: str) -> Term:
    kind = PARAM_TYPES[param.type]
    value = value.strip() if kind else value
    value = value.translate(FULLWIDTH_DIGITS)  # ２６ is 26
    bad = FengongError(f"{where}: parameter '{param.name}' must be {_TYPE_WORDS.get(param.type, 'text')}, not '{value}'")
    if kind is None:
        return Term.literal(value)
    if kind == "iri":
        return Term.uri(_iri(value, bad))
    if param.type == "xsd:integer":
        # Engines hold xsd:integer in 64 bits (Oxigraph) or unbounded (rdflib): past that they differ.
        if not re.fullmatch(r"[+-]?\d+", value):
            raise bad
        if not -(2**63) <= int(value) < 2**63:
            raise FengongError(f"{where}: parameter '{param.name}' must be an integer from {-(2**63)} to {2**63 - 1}, not '{value}'")
        return Term.literal(str(int(value)), kind)
    if param.type == "xsd:decimal":
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise bad from None
        if not number.is_finite():
            raise bad
        return Term.literal(value, kind)
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        raise bad from None
    return Term.literal(value, kind)


def _iri(value: str, bad: FengongError) -> str:
    """A full IRI from ``<…>``, a full IRI or a project prefixed name (``fgtask:…``)."""
    import pyoxigraph as ox

    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        value = PREFIXES[prefix] + local
    if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", value):
        raise bad
    try:
        ox.NamedNode(value)  # validates the IRI syntax
    except ValueError:
        raise bad from None
    return value


def bind_params(info: QueryInfo, values: dict[str, str | Term] | None) -> dict[str, Term]:
    """Typed RDF terms for *values* (``{"name": "value"}``), checked against the header.

    Declared parameters get their declared type; a missing one takes its
    default or is an error; an unknown one is an error. A query with no
    declared parameters (ad hoc SPARQL) accepts any variable that occurs in
    its text, as a plain literal, or an IRI when written ``<…>``.

    >>> q = load_query("deliverables-due-by")
    >>> bind_params(q, {"year": "2015"})["year"].datatype
    'http://www.w3.org/2001/XMLSchema#integer'
    >>> bind_params(q, {})
    Traceback (most recent call last):
    ...
    fengong.FengongError: deliverables-due-by: missing parameter 'year' (xsd:integer: the last year to include (e.g. 2015)); give it with --param year=VALUE
    """
    values = dict(values or {})
    where = info.source or info.name
    bound: dict[str, Term] = {}
    declared = bool(info.params) or info.library
    for name, value in values.items():
        param = info.param(name)
        if param is None and declared:
            known = ", ".join(p.name for p in info.params)
            takes = f"parameters: {known}" if known else "it takes no parameters"
            raise FengongError(f"{where}: unknown parameter '{name}' ({takes})")
        if param is None:
            if not re.search(rf"[?$]{re.escape(name)}\b", info.text):
                raise FengongError(f"{where}: unknown parameter '{name}' (no ?{name} in the query)")
            param = Param(name, "iri" if isinstance(value, str) and value.startswith("<") else "literal")
        bound[name] = value if isinstance(value, Term) else _typed(param, value, where)
    for param in info.params:
        if param.name in bound:
            continue
        if param.default is None:
            what = f" ({param.type}: {param.description})" if param.description else f" ({param.type})"
            raise FengongError(f"{where}: missing parameter '{param.name}'{what}; give it with --param {param.name}=VALUE")
        bound[param.name] = _typed(param, param.default, where)
    return bound


def _prefix_lines(text: str) -> int:
    """How many lines the store prepends (its PREFIX declarations), to report positions in the user's text."""
    add = getattr(_store_module, "_with_prefixes", None)
    if add is None:
        return 0
    return add(text).count("\n") - text.count("\n")


# Comments, strings and IRIs, blanked out before looking for prefixed names.
_PNAME = re.compile(r"(?<![\w?$:.-])([A-Za-z][\w.-]*)?:(?=[\w%\\]|\s|$|[;,.)\]}])")
_DECLARED = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?:")


def _unknown_prefix(text: str) -> tuple[str, int, int] | None:
    """The first prefixed name whose prefix is neither declared nor a project prefix: (prefix, line, column)."""
    blanked = _blanked(text)
    declared = {(m.group(1) or "") for m in _DECLARED.finditer(blanked)} | set(PREFIXES)
    for m in _PNAME.finditer(blanked):
        prefix = m.group(1) or ""
        if prefix not in declared and not _DECLARED.match(blanked, max(0, m.start() - 40)):
            line = blanked.count("\n", 0, m.start()) + 1
            col = m.start() - (blanked.rfind("\n", 0, m.start()) + 1) + 1
            return prefix, line, col
    return None


def _prefix_error(where: str, text: str) -> FengongError | None:
    found = _unknown_prefix(text)
    if found is None:
        return None
    prefix, line, col = found
    known = ", ".join(f"{p}:" for p in PREFIXES)
    return FengongError(f"{where}: unknown prefix '{prefix}:' at line {line}, column {col}; declare it (PREFIX {prefix}: <…>) or use one of {known}")


def _parser_position(text: str) -> tuple[int, int] | None:
    """Where rdflib's SPARQL grammar fails on *text* (1-based line, column), if it does.

    Oxigraph often reports the end of the input as the error position; the
    grammar check (no prefixes are resolved, so the text is parsed as written)
    points at the offending token instead.
    """
    try:
        from pyparsing import ParseBaseException
        from rdflib.plugins.sparql.parser import parseQuery
    except ImportError:  # pragma: no cover - rdflib is a dependency
        return None
    try:
        parseQuery(text)
    except ParseBaseException as exc:
        return exc.lineno, exc.col
    except Exception:  # the grammar check is a help, never a new failure
        return None
    return None


def _near(text: str, line: int, col: int) -> str:
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return "at the end of the query"
    rest = lines[line - 1][max(col - 1, 0):].strip()
    if not rest:
        return "at the end of the line"
    return f"near '{rest[:24]}{'…' if len(rest) > 24 else ''}'"


def _syntax_message(message: str, text: str, shift: int) -> str:
    """The engine's syntax error as ``line L, column C (near '…'): reason``, in the user's line numbers."""
    message = message.removeprefix("invalid SPARQL:").strip()
    position = None
    for pattern in (_OX_POS, _RDFLIB_POS):
        m = pattern.search(message)
        if m:
            position = (int(m.group(1)) - shift, int(m.group(2)))
            message = (message[: m.start()] + " " + message[m.end():]).strip()
            break
    position = _parser_position(text) or position
    reason = message if len(message) <= 160 else message[:159] + "…"
    if position is None:
        return f"invalid SPARQL: {reason}"
    line, col = position
    return f"invalid SPARQL at line {line}, column {col} ({_near(text, line, col)}): {reason}"


def run_query(store: Store, query: QueryInfo | str, params: dict[str, str | Term] | None = None, timeout: float | None = None) -> Result:
    """Run a library query, a file's query or SPARQL text on *store* with bound *params*.

    Raises :class:`fengong.FengongError` (one line, naming the query) for a bad
    parameter, a syntax error (with its line and column in the query text) or a
    query that runs past *timeout* seconds.

    >>> from fengong.store import OxigraphStore
    >>> st = OxigraphStore()
    >>> st.load_bytes(b'<http://a> <http://b> "c" .', "nt")
    >>> run_query(st, "SELECT ?o WHERE { ?s ?p ?o }").rows[0][0].value
    'c'
    """
    info = query if isinstance(query, QueryInfo) else query_from_text(query)
    where = info.source or info.name
    bound = bind_params(info, params)
    try:
        return store.query(info.text, params=bound, timeout=timeout, partition=info.partition)
    except QuerySyntaxError as exc:
        raise _prefix_error(where, info.text) or FengongError(f"{where}: {_syntax_message(str(exc), info.text, _prefix_lines(info.text))}") from None
    except FengongError as exc:  # a timeout, or a store's own user error
        raise FengongError(f"{where}: {exc}") from None
    except RuntimeError as exc:
        # Oxigraph substitutes only projected variables (SEP-0007).
        if "SELECT projection" in str(exc) and bound:
            names = ", ".join(f"?{n}" for n in bound)
            raise FengongError(f"{where}: a parameter must be a variable of the SELECT clause ({names}); add it there (and to GROUP BY when aggregating)") from None
        raise
    except Exception as exc:
        # rdflib's engine raises bare Exceptions for bad queries (e.g. an unknown prefix).
        if getattr(store, "engine", "") != "memory":
            raise
        raise _prefix_error(where, info.text) or FengongError(f"{where}: rdflib cannot run this query ({first_line(exc)})") from None
