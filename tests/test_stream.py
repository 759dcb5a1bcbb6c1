"""Building document by document: the streamed files hold the same dataset as one store,
and the site drawn from rows gathered per document is the site drawn from the whole store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox
import pytest
from rdflib import Dataset
from rdflib.compare import isomorphic

from fengong import FengongError
from fengong.atomic import MANIFEST
from fengong.build import build, bundled_path, choose_formats, parse_documents
from fengong.cli import cli
from fengong.model import build_store
from fengong.rowstore import PLAN_QUERIES, RowStore
from fengong.site import write_site
from fengong.store import OxigraphStore

FIXTURES = Path(__file__).parent / "fixtures"
ALL = ("ttl", "trig", "nq", "nt", "jsonld", "graphml", "gexf")


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> list[str]:
    # Eight documents (the fixtures, Guangxi, and a second Guangxi-layout copy under another
    # number): enough for the process pool.
    d = tmp_path_factory.mktemp("docs")
    for f in FIXTURES.iterdir():
        shutil.copy(f, d / f.name)
    shutil.copy(bundled_path(), d / bundled_path().name)
    text = bundled_path().read_text(encoding="utf-8").replace("桂政办发〔2014〕94号", "桂政办发〔2015〕7号")
    (d / "copy.txt").write_text(text, encoding="utf-8")
    return [str(d)]


@pytest.fixture(scope="module")
def pooled(documents, tmp_path_factory):
    out = tmp_path_factory.mktemp("pooled") / "out"
    return build(documents, out, extra=write_site, formats=["all"], workers=2)


@pytest.fixture(scope="module")
def reference(documents) -> ox.Store:
    return build_store(parse_documents(documents, workers=1))


def _quads(path: Path, fmt: ox.RdfFormat) -> set:
    statements = ox.parse(path=str(path), format=fmt)
    return set(statements) if fmt.supports_datasets else {q.triple for q in statements}


@pytest.mark.parametrize("name, fmt", [("plan.nq", ox.RdfFormat.N_QUADS), ("plan.trig", ox.RdfFormat.TRIG)])
def test_streamed_dataset_files_hold_exactly_the_store(pooled, reference, name, fmt):
    assert _quads(pooled.out_dir / name, fmt) == set(reference)
    assert pooled.counts["triples"] == len(reference)


@pytest.mark.parametrize("name, fmt", [("plan.ttl", ox.RdfFormat.TURTLE), ("plan.nt", ox.RdfFormat.N_TRIPLES)])
def test_streamed_graph_files_hold_the_merge_of_every_graph(pooled, reference, name, fmt):
    assert _quads(pooled.out_dir / name, fmt) == {q.triple for q in reference}


def test_streamed_jsonld_is_one_json_array_with_every_named_graph(pooled, reference):
    text = (pooled.out_dir / "plan.jsonld").read_text(encoding="utf-8")
    data = json.loads(text)
    graphs = {o["@id"] for o in data if "@graph" in o}
    assert graphs == {q.graph_name.value for q in reference}
    ds = Dataset()
    ds.parse(data=text, format="json-ld")
    expected = Dataset()
    buf = __import__("io").BytesIO()
    ox.serialize(reference, buf, ox.RdfFormat.N_QUADS)
    expected.parse(data=buf.getvalue().decode("utf-8"), format="nquads")
    for g in graphs:
        assert isomorphic(ds.graph(g), expected.graph(g)), g


def test_a_pool_and_one_process_write_the_same_bytes(documents, pooled, tmp_path):
    out = tmp_path / "out"
    one = build(documents, out, extra=write_site, formats=["all"], workers=1)
    assert one.files == pooled.files
    for name in one.files:
        if name.endswith((".html", ".graphml", ".gexf")):
            continue  # drawn from the gathered rows: compared below
        assert (out / name).read_bytes() == (pooled.out_dir / name).read_bytes(), name


def test_the_site_from_gathered_rows_is_the_site_from_the_whole_store(pooled, tmp_path):
    assert isinstance(pooled.site_store, RowStore)
    whole = SimpleNamespace(store=pooled.store, site_store=None)
    stage = tmp_path / "site"
    stage.mkdir()
    write_site(whole, stage)
    pages = sorted(str(p.relative_to(stage)) for p in stage.rglob("*.html"))
    assert pages and pages == sorted(p for p in pooled.files if p.endswith(".html"))
    for page in pages:
        if page == "index.html":
            continue  # lists the data files, which only the build wrote
        assert (stage / page).read_text(encoding="utf-8") == (pooled.out_dir / page).read_text(encoding="utf-8"), page


def test_gathered_rows_answer_each_plan_query_as_the_store_does(pooled):
    whole = OxigraphStore(store=build_store(parse_documents([str(bundled_path())])))
    single = build([], None, extra=lambda result, stage: None)
    for q in PLAN_QUERIES:
        got = sorted(map(sorted, (d.items() for d in single.site_store.query(q).dicts())), key=repr)
        want = sorted(map(sorted, (d.items() for d in whole.query(q).dicts())), key=repr)
        assert got == want, q


def test_a_query_that_was_not_gathered_is_refused(pooled):
    with pytest.raises(FengongError, match="not gathered document by document"):
        pooled.site_store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")


def test_a_corpus_gathers_only_what_its_lean_site_reads(documents, pooled, tmp_path, monkeypatch):
    import fengong.build
    from fengong.network import _BASIS, _DELIVERABLES

    monkeypatch.setattr(fengong.build, "FULL_SITE_MAX_DOCUMENTS", 2)  # eight documents are a "corpus"
    out = tmp_path / "out"
    corpus = build(documents, out, extra=write_site, formats=["trig", "nq"], workers=2)
    assert corpus.site_store.full is False and pooled.site_store.full is True
    for query in (_DELIVERABLES, _BASIS):  # the full projection's reads: not gathered, so refused
        with pytest.raises(FengongError, match="not gathered"):
            corpus.site_store.query(query)
    # The pages a corpus site draws are those of the full build ...
    for page in ("report.html", "matrix.html", "views/agencies.html"):
        assert (out / page).read_text(encoding="utf-8") == (pooled.out_dir / page).read_text(encoding="utf-8"), page
    # ... and every other view is listed with the command that draws it.
    assert not [p for p in corpus.files if p.startswith("views/") and p != "views/agencies.html"]
    assert [p for p in pooled.files if p.startswith("views/section-")]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'fengong viz --view &quot;full&quot;' in index and 'fengong viz --view &quot;section:1&quot;' in index
    assert "not written for a corpus" in index


def test_a_query_written_twice_is_gathered_once():
    from fengong.rowstore import normalise

    keys = [normalise(q) for q in PLAN_QUERIES]
    assert len(keys) == len(set(keys))
    assert "SELECT ?a ?t WHERE { ?a fg:leads ?t }" in keys  # analysis and matrix both read it


def test_formats_auto_writes_every_file_for_a_few_documents_and_the_dataset_files_for_a_corpus():
    assert choose_formats(None, 7) == ALL
    assert choose_formats(["auto"], 101) == ("trig", "nq")
    assert choose_formats(["all"], 101) == ALL
    with pytest.raises(FengongError, match="unknown output format 'xml'"):
        choose_formats(["xml"], 1)


def test_build_format_option_writes_only_what_it_names(runner, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", "-o", str(out), "-F", "nq", "-F", "ttl", "--no-views"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if p.name != MANIFEST) == ["plan.nq", "plan.ttl"]
    assert "triples 8440" in result.stderr


def test_store_without_nquads_output_still_builds_the_store(runner, tmp_path):
    out, st = tmp_path / "out", tmp_path / "st"
    result = runner.invoke(cli, ["build", "-o", str(out), "-F", "ttl", "--no-views", "--store", str(st)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if p.name != MANIFEST) == ["plan.ttl"]
    assert len(OxigraphStore(st, read_only=True)) == 8440
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "st"]


def test_the_site_modules_are_imported_while_the_workers_parse_and_a_missing_one_is_skipped():
    import sys

    from fengong.build import _import_meanwhile

    assert _import_meanwhile(()) is None
    sys.modules.pop("fengong.graphfiles", None)
    thread = _import_meanwhile(("no_such_module_fengong", "fengong.graphfiles"))
    thread.join()
    assert "fengong.graphfiles" in sys.modules and "no_such_module_fengong" not in sys.modules
    assert write_site.imports and all(isinstance(m, str) for m in write_site.imports)


def test_the_cli_build_brings_igraph_in_without_matplotlib():
    # The site never plots; igraph's plotting imports matplotlib.pyplot (~0.7 s of CPU).
    import subprocess
    import sys

    from fengong.commands import igraph_without_matplotlib
    from fengong.commands.build import site_writer

    imports = site_writer().imports
    assert igraph_without_matplotlib in imports and "igraph" not in imports
    code = ("import sys; from fengong.build import _import_meanwhile; from fengong.commands.build import site_writer; "
            "_import_meanwhile(site_writer().imports).join(); "
            "print('igraph' in sys.modules, 'matplotlib' in sys.modules); import matplotlib.pyplot; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False", "ok"]  # and matplotlib still imports afterwards


def test_two_builds_of_the_same_documents_write_the_same_bytes(tmp_path):
    # In two processes: blank nodes of the ontology used to get random names in each.
    import subprocess
    import sys

    for name in ("a", "b"):
        subprocess.run([sys.executable, "-m", "fengong", "build", "-q", "--no-views", "-o", str(tmp_path / name)], check=True)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert "plan.nq" in files and "plan.trig" in files
    assert [f for f in files if (tmp_path / "a" / f).read_bytes() != (tmp_path / "b" / f).read_bytes()] == []
