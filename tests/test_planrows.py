"""The site's plan queries answered in Python (fengong.planrows) give Oxigraph's rows, and a
query without an answer there is still answered, by the engine."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from fengong import planrows
from fengong.build import bundled_path
from fengong.model import TEXT_TERMS, Shared, plan_quads
from fengong.parse import parse_file, plan_slug
from fengong.rowstore import normalise, plan_queries, plan_rows, query_predicates
from fengong.store import OxigraphStore
from fengong.stream import _ontology_kept, _predicates, count_lines, count_statements, process_document

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate_corpus  # noqa: E402 - the benchmark corpus generator


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> list[Path]:
    corpus = tmp_path_factory.mktemp("corpus")
    generate_corpus(24, corpus)  # both layouts, many jurisdictions
    # Texts with what N-Quads escapes or could be mistaken for its syntax.
    odd = corpus / "odd.txt"
    odd.write_text(bundled_path().read_text(encoding="utf-8").replace(
        "实施差别化落户政策。", '实施差别化落户政策。含"引号"与\\反斜杠 <http://x/y> . "^^<z>" @en\t制表\u2028分段。'),
        encoding="utf-8")
    return [bundled_path(), odd, *sorted(FIXTURES.iterdir()), *sorted(p for p in corpus.iterdir() if p.suffix == ".txt")]


def _engine_rows(lines: list[str], shared: Shared, queries) -> dict:
    """The rows Oxigraph gives on the plan's statements with its shared graph and the ontology
    (as a build gathered them before the answers)."""
    keep = query_predicates()
    small = ox.Store()
    small.load("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    small.extend([q for q in shared.quads() if q.predicate in keep])
    small.extend(_ontology_kept())
    return plan_rows(OxigraphStore(store=small), queries)


def test_every_query_a_site_gathers_has_an_answer():
    missing = [q for q in plan_queries(True) if not planrows.answerable(q)]
    assert not missing, "add an answer to fengong.planrows for: " + normalise(missing[0])


def test_each_answer_is_registered_under_its_query_as_written_now():
    for query_digest, (source, _) in planrows.ANSWERS.items():
        text = planrows._source_text(source)
        assert text is not None, f"{source} is gone: remove its answer"
        assert planrows.digest(text) == query_digest, (
            f"{source} changed: update its answer in fengong.planrows and its digest to {planrows.digest(text)}")


def test_answers_give_the_engines_rows_on_every_document(documents):
    queries = plan_queries(True)
    compared = Counter()
    escaped = 0
    for path in documents:
        plan = parse_file(str(path))
        shared = Shared()
        lines = list(dict.fromkeys(plan_quads(plan, plan_slug(plan), shared, terms=TEXT_TERMS)))
        # No blank nodes (Oxigraph renames them when it loads a file; the answers keep the labels).
        assert not any(line.startswith("_:") or "> _:" in line for line in lines)
        escaped += sum('\\"' in line or "\\\\" in line for line in lines)
        want = _engine_rows(lines, shared, queries)
        ontology = [(q.subject.value, q.predicate.value, q.object.value) for q in _ontology_kept()]
        assert count_statements(planrows.Statements.of(lines, _predicates(), ontology)) == count_lines(lines)
        for q in queries:
            # indexed with only the predicates this query names, as a build indexes for its queries
            names, rows = planrows.answer(q, planrows.Statements.of(lines, _predicates((q,)), ontology))
            assert names == want[normalise(q)][0], q
            assert Counter(rows) == Counter(want[normalise(q)][1]), f"{path.name}: {normalise(q)[:100]}"
            compared[normalise(q)] += len(rows)
    assert escaped  # literals with N-Quads escapes were read
    # Every query was compared on rows, not only on empty results.
    assert all(compared[normalise(q)] > 0 for q in queries), [normalise(q)[:60] for q in queries if not compared[normalise(q)]]


def test_a_query_without_an_answer_is_answered_by_the_engine(monkeypatch):
    import fengong.rowstore

    extra = "SELECT ?t ?n WHERE { ?t a fg:Task ; fg:number ?n }"
    assert not planrows.answerable(extra)
    queries = (*plan_queries(False), extra)
    monkeypatch.setattr(fengong.rowstore, "plan_queries", lambda full=True: queries)
    part = process_document(str(bundled_path()), ("nq",), gather=True, full=False)
    names, rows = part.rows[normalise(extra)]
    assert names == ["t", "n"] and len(rows) == part.counts["tasks"] == 66
    assert sorted(int(n) for _, n in rows) == list(range(1, 67))
    # ... and the answered ones are there beside it.
    assert len(part.rows[normalise("SELECT ?t WHERE { ?t a fg:Task }")][1]) == 66


def test_a_changed_query_loses_its_answer():
    query = "SELECT ?a ?t WHERE { ?a fg:leads ?t }"
    assert planrows.answerable(query) and planrows.answerable(query.replace(" ", "\n  "))
    assert not planrows.answerable(query.replace("fg:leads", "fg:participatesIn ?x . ?a fg:leads"))


def test_statements_read_values_as_oxigraph_gives_them():
    text = ('<http://x/s> <http://x/p> "a\\"b\\\\c\\nd \\u4e2d"@zh <http://x/g> .\n'
            '<http://x/s> <http://x/p> "7"^^<http://www.w3.org/2001/XMLSchema#integer> <http://x/g> .\n'
            '<http://x/s> <http://x/p> <http://x/o?a=1> <http://x/g> .\n'
            '<http://x/s> <http://x/p> "t <http://x/g> ." <http://x/g> .\n'
            '<http://x/s> <http://x/p> "7"^^<http://www.w3.org/2001/XMLSchema#integer> <http://x/h> .\n'
            '<http://x/s> <http://x/q> "not read" <http://x/g> .\n')
    st = planrows.Statements.of(text.splitlines(keepends=True), ["http://x/p"])
    store = ox.Store()
    store.load(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    want = [sol["o"].value for sol in store.query("SELECT ?o WHERE { <http://x/s> <http://x/p> ?o }", use_default_graph_as_union=True)]
    # a statement in two graphs counts twice, as in the union of the graphs
    assert Counter(st.get("http://x/p")["http://x/s"]) == Counter(want)
    assert st.get("http://x/p")["http://x/s"].count("7") == 2
    assert "a\"b\\c\nd 中" in want and "t <http://x/g> ." in want
    assert st.get("http://x/q") == {}
