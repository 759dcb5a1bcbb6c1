"""The benchmark corpus generator: reproducible, and its documents parse into its own ground truth.

(Speed is measured by ``benchmarks/run.py``, not here.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate_corpus, generate_document  # noqa: E402
from truth import compare  # noqa: E402

from fengong.build import build  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus3")
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--docs", "3", "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def truth(corpus):
    return json.loads((corpus / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built(corpus):
    return build([str(corpus)], out_dir=None)


def test_three_documents_of_both_layouts_and_three_governments(corpus, truth):
    docs = truth["documents"]
    assert sorted(p.name for p in corpus.iterdir()) == ["doc-0001.txt", "doc-0002.txt", "doc-0003.txt", "truth.json"]
    assert [(d["jurisdiction"], d["layout"]) for d in docs] == [("cn", "fieldlines"), ("gx", "inline"), ("gd", "fieldlines")]
    assert [d["issuer"] for d in docs] == ["国务院办公厅", "广西壮族自治区人民政府办公厅", "广东省人民政府办公厅"]
    assert all(58 <= len(d["tasks"]) <= 74 for d in docs)
    assert truth["tasks"] == sum(len(d["tasks"]) for d in docs)
    text = (corpus / "doc-0002.txt").read_text(encoding="utf-8")
    assert "（牵头单位：" in text and "牵头，" in text and "配合）" in text  # both inline forms
    lines = (corpus / "doc-0001.txt").read_text(encoding="utf-8").split("\n")
    assert lines[0].endswith("（国办发〔2014〕2号）") and lines[13].strip() == "一、主要目标"
    assert lines[17].strip().startswith("牵头单位")  # field lines under the item, as in the Guangxi plan


def test_the_parsed_graph_matches_the_ground_truth(built, truth):
    report = compare(built.store, truth)
    assert report.task_errors == []
    assert report.surface_errors == []
    assert report.agency_errors == []  # national and Guangxi names resolve to the registry's agencies
    assert report.tasks_found == report.tasks_expected == truth["tasks"]
    expected_mentions = sum(len(t["leads"]) + len(t["participants"]) for d in truth["documents"] for t in d["tasks"])
    assert report.mentions == expected_mentions
    assert report.merged == 0  # no actor stands for two different agencies


def test_lead_edges_count_as_the_truth_says(built, truth):
    leads = int(built.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?a fg:leads ?t }").rows[0][0].value)
    parts = int(built.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?a fg:participatesIn ?t }").rows[0][0].value)
    assert leads == sum(len(t["leads"]) for d in truth["documents"] for t in d["tasks"])
    assert parts == sum(len(t["participants"]) for d in truth["documents"] for t in d["tasks"])


def test_generation_is_reproducible_and_prefix_stable(tmp_path):
    generate_corpus(2, tmp_path / "a")
    generate_corpus(4, tmp_path / "b")
    for name in ("doc-0001.txt", "doc-0002.txt"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert generate_document(5, seed=7).text == generate_document(5, seed=7).text
    assert generate_document(5, seed=7).text != generate_document(5, seed=8).text
