"""Result formatting: aligned CJK tables, Excel-safe CSV, SPARQL TSV and JSON, Markdown, Turtle."""

from __future__ import annotations

import csv
import io
import json

import pytest

from fengong import FengongError
from fengong.formats import (
    compact_iri,
    display_width,
    neutralise_cell,
    render,
    table_result,
    write_result,
)
from fengong.querylib import load_query, run_query
from fengong.store import Result, Term

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def workload(store) -> Result:
    """The real workload table of the Guangxi plan (first five rows)."""
    result = run_query(store, load_query("agency-workload"))
    return Result(vars=result.vars, rows=result.rows[:5])


def _mixed() -> Result:
    """A result with every kind of cell: IRI, language-tagged, typed, plain, formula-like, unbound."""
    return Result(
        vars=["actor", "label", "leads", "note"],
        rows=[
            (Term.uri("https://w3id.org/fengong/id/agency/gx-housing"), Term("literal", "住房城乡建设厅", lang="zh"),
             Term.literal("26", XSD + "integer"), Term.literal("=HYPERLINK(\"http://evil\")")),
            (Term.uri("https://w3id.org/fengong/id/agency/gx-drc"), Term("literal", "发展改革委", lang="zh"),
             Term.literal("-3", XSD + "integer"), Term.literal("a|b\nc\t<d>")),
            (Term("bnode", "b0"), None, Term.literal("16", XSD + "integer"), Term.literal("@SUM(A1)")),
        ],
    )


def test_display_width_counts_cjk_as_two():
    assert display_width("住房城乡建设厅") == 14
    assert display_width("相关县(市、区)人民政府") == 22  # ASCII parentheses count one, 、 counts two
    assert display_width("ａ") == 2  # full-width Latin


def test_display_width_follows_unicode_for_every_kind_of_character():
    # The per-character table gives what the Unicode properties say, character by
    # character, combining marks and format characters taking no column.
    import unicodedata

    def by_properties(text):
        return sum(0 if unicodedata.combining(c) or unicodedata.category(c) in ("Cf", "Mn", "Me")
                   else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)

    samples = ["e\u0301", "a\u200bb", "\u4e00\u3000\uff01", "\U00020000x", "\x07\t", "한국어", "\u20dd", "ｶﾀｶﾅ"]
    for text in samples:
        assert display_width(text) == by_properties(text), text
    assert display_width("e\u0301") == 1 and display_width("a\u200bb") == 2 and display_width("\U00020000") == 2


def test_table_aligns_chinese_columns(workload):
    text = render(workload, "table")
    lines = text.splitlines()
    assert lines[0].split() == ["actor", "label", "leads", "participations", "deliverables"]
    assert lines[-1] == "(5 rows)"
    body = lines[2:-1]
    assert body[0].startswith("fgagency:gx-housing")
    assert "住房城乡建设厅" in body[0] and "发展改革委" in body[1]
    # Every row has the same display width up to the numbers, which end in one column.
    ends = {display_width(line) for line in [lines[0]] + body}
    assert len(ends) == 1
    label_start = {display_width(line[: line.index(cell)]) for line, cell in zip(body, ("住房城乡建设厅", "发展改革委"))}
    assert len(label_start) == 1


def test_table_replaces_control_characters_and_counts_rows():
    text = render(_mixed(), "table")
    assert "a|b c <d>" in text and "\t" not in text
    assert text.endswith("(3 rows)\n")
    assert render(Result(vars=["x"], rows=[]), "table") == "x\n-\n(0 rows)\n"
    assert render(table_result(["x"], [(1,)]), "table").endswith("(1 row)\n")


def test_table_cuts_long_cells_when_asked():
    result = table_result(["text"], [("城镇化" * 30,)])
    line = render(result, "table", max_width=11).splitlines()[2]
    assert line == "城镇化城镇…" and display_width(line) <= 11


def test_csv_is_utf8_neutralises_formulas_and_keeps_numbers():
    text = render(_mixed(), "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["actor", "label", "leads", "note"]
    assert rows[1] == ["https://w3id.org/fengong/id/agency/gx-housing", "住房城乡建设厅", "26", "'=HYPERLINK(\"http://evil\")"]
    assert rows[2][2] == "-3"  # a typed number is not a formula
    assert rows[3] == ["_:b0", "", "16", "'@SUM(A1)"]
    assert "\r\n" in text
    assert neutralise_cell("-1+2") == "'-1+2" and neutralise_cell("+86") == "'+86"


def test_csv_neutralises_full_width_formula_starts_from_the_engine_too():
    # RDF made elsewhere keeps ＝＋－＠ (fengong's parser folds them): CSV from Oxigraph's own rows.
    import pyoxigraph as ox

    from fengong.store import OxigraphStore

    st = OxigraphStore()
    st.ox.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.Literal("＝HYPERLINK(\"http://evil\")")))
    st.ox.add(ox.Quad(ox.NamedNode("http://x/b"), ox.NamedNode("http://x/p"), ox.Literal("＠SUM(A1)", language="zh")))
    rows = list(csv.reader(io.StringIO(render(st.query("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?s"), "csv"))))
    assert rows[1:] == [["'＝HYPERLINK(\"http://evil\")"], ["'＠SUM(A1)"]]


def test_csv_bom_bytes(tmp_path, workload):
    out = tmp_path / "w.csv"
    write_result(workload, "csv", out, bom=True)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfactor,label,leads")
    assert "住房城乡建设厅".encode("utf-8") in data


def test_tsv_keeps_language_tags_and_datatypes():
    lines = render(_mixed(), "tsv").splitlines()
    assert lines[0] == "?actor\t?label\t?leads\t?note"
    cells = lines[1].split("\t")
    assert cells[0] == "<https://w3id.org/fengong/id/agency/gx-housing>"
    assert cells[1] == '"住房城乡建设厅"@zh'
    assert cells[2] == f'"26"^^<{XSD}integer>'
    assert lines[2].split("\t")[3] == '"a|b\\nc\\t<d>"'  # tab and newline escaped, so one row per line
    assert lines[3].split("\t")[:2] == ["_:b0", ""]
    assert len(lines) == 4


def test_json_is_sparql_results_json():
    doc = json.loads(render(_mixed(), "json"))
    assert doc["head"]["vars"] == ["actor", "label", "leads", "note"]
    first = doc["results"]["bindings"][0]
    assert first["actor"] == {"type": "uri", "value": "https://w3id.org/fengong/id/agency/gx-housing"}
    assert first["label"] == {"type": "literal", "value": "住房城乡建设厅", "xml:lang": "zh"}
    assert first["leads"] == {"type": "literal", "value": "26", "datatype": XSD + "integer"}
    assert "label" not in doc["results"]["bindings"][2]  # unbound is absent
    assert doc["results"]["bindings"][2]["actor"] == {"type": "bnode", "value": "b0"}
    assert json.loads(render(Result(boolean=False), "json")) == {"head": {}, "boolean": False}


def test_json_writes_one_binding_to_a_line():
    text = render(_mixed(), "json")
    lines = text.splitlines()
    assert len(lines) == 3 + 5  # head, "results", the bindings, "]}", "}"
    bindings = [json.loads(line.rstrip(",")) for line in lines[3:6]]
    assert bindings == json.loads(text)["results"]["bindings"]
    assert "住房城乡建设厅" in lines[3]  # UTF-8, not \u escapes
    assert json.loads(render(Result(vars=["x"], rows=[]), "json")) == {"head": {"vars": ["x"]}, "results": {"bindings": []}}


def test_markdown_table_escapes_pipes_and_html():
    lines = render(_mixed(), "md").splitlines()
    assert lines[0] == "| actor | label | leads | note |"
    assert lines[1] == "| --- | --- | ---: | --- |"
    assert lines[2].startswith("| fgagency:gx-housing | 住房城乡建设厅 | 26 |")
    assert lines[3] == "| fgagency:gx-drc | 发展改革委 | -3 | a\\|b c &lt;d&gt; |"
    assert all(line.count("|") - line.count("\\|") == 5 for line in lines)


def test_ask_and_construct_results():
    assert render(Result(boolean=True), "csv") == "true\n"
    triples = [(Term.uri("https://w3id.org/fengong/id/agency/gx-housing"), Term.uri("https://w3id.org/fengong/ontology#leads"),
                Term.uri("https://w3id.org/fengong/id/task/gzbf-2014-94-26"))]
    turtle = render(Result(vars=["subject", "predicate", "object"], triples=triples), "json")
    assert "fgagency:gx-housing fg:leads fgtask:gzbf-2014-94-26 ." in turtle


def test_bad_format_and_bom_combinations():
    with pytest.raises(FengongError, match="unknown output format"):
        render(_mixed(), "xlsx")
    with pytest.raises(FengongError, match="--bom is for csv and tsv"):
        render(_mixed(), "json", bom=True)


def test_compact_iri_and_table_result():
    assert compact_iri("https://w3id.org/fengong/id/place/450100") == "fgplace:450100"
    assert compact_iri("https://w3id.org/fengong/id/agency/a/b") == "https://w3id.org/fengong/id/agency/a/b"
    # A local name may not end in "." (Turtle), nor start with "-"; the longest namespace wins.
    assert compact_iri("https://w3id.org/fengong/id/agency/gx.") == "https://w3id.org/fengong/id/agency/gx."
    assert compact_iri("https://w3id.org/fengong/id/agency/-x") == "https://w3id.org/fengong/id/agency/-x"
    assert compact_iri("https://w3id.org/fengong/id/agency/g.x-1") == "fgagency:g.x-1"
    assert compact_iri("http://www.w3.org/2001/XMLSchema#integer") == "xsd:integer"
    result = table_result(["name", "n", "share", "ok"], [("公安厅", 6, 0.25, True)])
    assert [t.datatype for t in result.rows[0]] == [None, XSD + "integer", XSD + "double", XSD + "boolean"]


# ---------------------------------------------------------------- the engine's own TSV as the fast path

_TRICKY = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:v "住房城乡建设厅"@zh , "Housing"@en , "plain" , "tab\\there" , "line\\nbreak" , "quote\\" back\\\\slash" ,
          "=SUM(A1)" , "-x" , "@home" , "+1"^^xsd:string , "-5"^^xsd:integer , "2.50"^^xsd:decimal , "1.0E3"^^xsd:double ,
          "true"^^xsd:boolean , "2014-10-01"^^xsd:date , "x"^^ex:custom , "ctl\\u0001char" , ex:iri , _:b1 .
ex:b ex:v "only" .
"""


def _tricky_store():
    from fengong.store import OxigraphStore

    st = OxigraphStore()
    st.load_bytes(_TRICKY.encode("utf-8"), "ttl")
    return st


def _slow(st, query):
    """The same query through Python term objects (the reference conversion)."""
    import pyoxigraph as ox
    from fengong.store import _with_prefixes

    res = st.ox.query(_with_prefixes(query), use_default_graph_as_union=True)
    names = [v.value for v in res.variables]
    return names, [tuple(Term.from_ox(sol[i]) for i in range(len(names))) for sol in res]


def test_fast_conversion_gives_the_same_terms_as_python_objects():
    st = _tricky_store()
    q = "SELECT ?s ?v ?none WHERE { ?s <http://example.org/v> ?v OPTIONAL { ?s <http://example.org/no> ?none } }"
    fast = st.query(q)
    assert fast.tsv_cells is not None  # still the engine's text until rows are read
    names, slow = _slow(st, q)
    assert fast.vars == names
    # Blank node labels differ from run to run: compare their kind only.
    def norm(rows):
        return sorted((tuple(("bnode",) if t is not None and t.kind == "bnode" else t for t in row) for row in rows), key=repr)
    assert norm(fast.rows) == norm(slow)
    kinds = {t.kind for row in fast.rows for t in row if t is not None}
    assert kinds == {"uri", "literal", "bnode"}
    assert any(row[2] is None for row in fast.rows)


def test_fast_dicts_are_the_values_of_the_rows():
    st = _tricky_store()
    q = "SELECT ?s ?v WHERE { ?s <http://example.org/v> ?v }"
    fast = st.query(q).dicts()
    slow = st.query(q)
    slow.rows  # read the terms: dicts() then comes from them
    assert fast == slow.dicts()
    assert {"s": "http://example.org/a", "v": "tab\there"} in fast


def test_plain_values_of_cells_match_their_terms(store):
    # The values dicts()/tuples() give are read off the cells directly: they must be what
    # parsing each cell into a term gives, for every cell of the tricky graph and the plan.
    from fengong.store import _tsv_term, _tsv_value

    cells = set()
    for st in (_tricky_store(), store):
        for row in st.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }").tsv_cells:
            cells.update(row)
    assert len(cells) > 3000 and any("\\" in c for c in cells) and any("@zh" in c for c in cells)
    for cell in cells:
        term = _tsv_term(cell)
        assert _tsv_value(cell) == (term.value if term is not None else None), cell


def test_csv_and_tsv_from_the_fast_path_match_the_term_path():
    st = _tricky_store()
    q = "SELECT ?s ?v WHERE { ?s <http://example.org/v> ?v FILTER(!isBlank(?v)) } ORDER BY ?s ?v"
    for fmt in ("csv", "tsv"):
        fast = st.query(q)
        slow = st.query(q)
        slow.rows  # turn the cells into terms: the writers then use them
        assert fast.tsv_cells is not None and slow.tsv_cells is None
        assert render(fast, fmt) == render(slow, fmt)
    text = render(st.query(q), "csv")
    assert "'=SUM(A1)" in text and "'-x" in text and "'@home" in text and "'+1" in text
    assert "\r\n-5\r\n" not in text and ",-5\r\n" in text  # a number is not neutralised


def test_order_by_done_in_python_matches_the_engine():
    from fengong.store import _split_order_by

    st = _tricky_store()
    queries = [
        "SELECT ?s ?v ?none WHERE { ?s <http://example.org/v> ?v OPTIONAL { ?s <http://example.org/no> ?none } FILTER(isLiteral(?v) && LANG(?v) = '' && DATATYPE(?v) = xsd:string) } ORDER BY DESC(?s) ?none ?v",
        "SELECT ?s ?v WHERE { ?s <http://example.org/v> ?v FILTER(isIRI(?v) || LANG(?v) = 'zh') } ORDER BY ?v DESC(?s)",
        "SELECT ?v WHERE { ?s <http://example.org/v> ?v FILTER(DATATYPE(?v) IN (xsd:integer, xsd:decimal, xsd:double)) } ORDER BY DESC(?v)",
        # Mixed literal types: left to the engine.
        "SELECT ?s ?v WHERE { ?s <http://example.org/v> ?v FILTER(!isBlank(?v)) } ORDER BY ?v ?s",
        # An ORDER BY variable that is not projected is projected to sort on, then dropped.
        "SELECT ?s WHERE { ?s <http://example.org/v> ?v FILTER(isLiteral(?v) && DATATYPE(?v) = xsd:string) } ORDER BY ?v ?s",
    ]
    for q in queries:
        assert _split_order_by(q) is not None
        names, engine = _slow(st, q)
        ours = st.query(q)
        assert ours.vars == names
        assert ours.rows == engine, q


def test_order_by_split_reads_the_prologue_in_linear_time():
    # A CONSTRUCT with the project's prefixes once sent one regex into exponential backtracking
    # (responsibility-graph hung); the prologue is now read item by item.
    from fengong.store import _split_order_by, _with_prefixes
    from fengong.vocab import PREFIXES

    construct = _with_prefixes("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } ORDER BY ?s")
    assert construct.count("PREFIX") == len(PREFIXES) >= 15
    assert _split_order_by(construct) is None  # not a SELECT: left to the engine
    select = _with_prefixes("SELECT ?s WHERE { ?s ?p ?o } ORDER BY DESC(?s)")
    assert _split_order_by(select)[1] == [("s", True)]


def test_floats_beside_other_numbers_are_ordered_by_the_engine():
    # Oxigraph promotes 0.1 to a double before comparing it with 1e-1; exact decimals would not.
    from fengong.store import OxigraphStore, _with_prefixes

    st = OxigraphStore()
    for q in ("SELECT ?v WHERE { VALUES ?v { 1e-1 0.1 } } ORDER BY ?v",
              'SELECT ?v WHERE { VALUES ?v { "0.1"^^xsd:float 0.1e0 } } ORDER BY ?v'):
        engine = [str(sol["v"]) for sol in st.ox.query(_with_prefixes(q))]
        assert [t.n3() for (t,) in st.query(q).rows] == engine  # the datatypes tell the rows apart
