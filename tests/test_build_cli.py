"""``fengong build`` and ``python build_graph.py``: outputs, summary, bad input, atomic writes."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from fengong.atomic import MANIFEST
from fengong.build import OUTPUTS
from fengong.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def build(runner, *args):
    return runner.invoke(cli, ["build", "--no-views", *map(str, args)])


def test_build_bundled_plan_writes_every_output(runner, tmp_path):
    out = tmp_path / "out"
    result = build(runner, "-o", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if p.name != MANIFEST) == sorted(OUTPUTS)
    # The summary (counts by kind) goes to stderr.
    assert "tasks 66 (targets 16)" in result.stderr
    assert "agencies 54, collective actors 6" in result.stderr
    assert "lead edges 93, participation edges 163" in result.stderr
    assert result.stdout == ""
    graphml = (out / "graph.graphml").read_text(encoding="utf-8")
    assert "住房城乡建设厅" in graphml and "encoding='utf-8'" in graphml.lower()
    assert "住房城乡建设厅" in (out / "graph.gexf").read_text(encoding="utf-8")
    assert "@prefix fg:" in (out / "plan.ttl").read_text(encoding="utf-8")
    graphs = {q.graph_name for q in ox.parse(path=str(out / "plan.trig"), format=ox.RdfFormat.TRIG)}
    assert len(graphs) == 3  # the plan's, the shared actors and places, the ontology


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "name, make, reason",
    [
        ("missing", lambda d: d / "nope.txt", "no such file"),
        ("emptydir", lambda d: (d / "empty").mkdir() or d / "empty", "no documents in directory"),
        ("empty", lambda d: _write(d / "empty.txt", b""), "empty file"),
        ("blank", lambda d: _write(d / "blank.txt", "\u3000\n \n".encode()), "empty file"),
        ("binary", lambda d: _write(d / "junk.txt", bytes(range(256)) * 40), "not a text document"),
        ("no-items", lambda d: _write(d / "prose.txt", "这是一段没有编号事项的文字。\n第二行。\n".encode()), "no numbered items"),
        ("items-no-agencies", lambda d: _write(d / "bare.txt", "一、总则\n(一)加强领导。\n牵头单位:\n".encode()), "no responsible agencies"),
    ],
)
def test_bad_input_is_one_line_exit_2(runner, tmp_path, name, make, reason):
    target = make(tmp_path)
    result = build(runner, target, "-o", tmp_path / "out")
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fengong: error: ")
    assert str(target) in lines[0] and reason in lines[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_line_break_in_a_file_name_stays_on_the_one_line(runner, tmp_path):
    bad = _write(tmp_path / "a\nb.txt", b"")
    result = build(runner, bad, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"fengong: error: {tmp_path}/a\\nb.txt: empty file"]


def test_failed_build_leaves_earlier_build_untouched(runner, tmp_path, plan_path):
    out = tmp_path / "out"
    assert build(runner, "-o", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = _write(tmp_path / "bad.txt", b"")
    result = build(runner, plan_path, bad, "-o", out)
    assert result.exit_code == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []  # no staging left


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_government_encodings(runner, tmp_path, plan_path, encoding):
    text = plan_path.read_text(encoding="utf-8")
    doc = _write(tmp_path / f"plan-{encoding}.txt", text.encode(encoding, errors="strict"))
    result = build(runner, doc, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "tasks 66 (targets 16)" in result.stderr
    assert "lead edges 93" in result.stderr


def test_full_width_punctuation_is_read_the_same(runner, tmp_path, plan_path):
    text = plan_path.read_text(encoding="utf-8")
    wide = text.replace(":", "：").replace("(", "（").replace(")", "）").replace(",", "，")
    doc = _write(tmp_path / "wide.txt", wide.encode("utf-8"))
    result = build(runner, doc, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "agencies 54, collective actors 6" in result.stderr
    assert "lead edges 93, participation edges 163" in result.stderr


def test_stdin_document(runner, tmp_path, plan_path):
    result = runner.invoke(cli, ["build", "--no-views", "-", "-o", str(tmp_path / "o")], input=plan_path.read_bytes())
    assert result.exit_code == 0, result.output
    assert "tasks 66" in result.stderr


def test_build_graph_script_is_fengong_build(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "build_graph.py"), "--no-views", "-o", str(out)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir() if p.name != MANIFEST) == sorted(OUTPUTS)
    assert "tasks 66 (targets 16)" in proc.stderr


def test_console_script_exit_code_and_no_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "fengong", "build", str(tmp_path / "missing.txt")],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"fengong: error: {tmp_path / 'missing.txt'}: no such file or directory"


def _one_line_error(result, *words):
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fengong: error: "), result.stderr
    assert all(w in lines[0] for w in words), lines[0]


def test_store_refuses_a_directory_that_is_not_a_store(runner, tmp_path, plan_path):
    # --store replaces the directory it names: a user's own directory must never be deleted.
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("重要", encoding="utf-8")
    result = build(runner, plan_path, "-o", tmp_path / "out", "--store", mine)
    _one_line_error(result, str(mine), "not an on-disk store")
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "重要"
    assert not (tmp_path / "out").exists()


def test_store_into_an_empty_directory_and_over_an_earlier_store(runner, tmp_path, plan_path):
    st = tmp_path / "st"
    st.mkdir()
    assert build(runner, plan_path, "-o", tmp_path / "out", "--store", st).exit_code == 0
    result = build(runner, plan_path, "-o", tmp_path / "out", "--store", st)
    assert result.exit_code == 0, result.output
    assert (st / "CURRENT").is_file()


@pytest.mark.parametrize("where", ["same", "inside", "around"])
def test_store_and_output_must_not_overlap(runner, tmp_path, plan_path, where):
    out = tmp_path / "out"
    store = {"same": out, "inside": out / "st", "around": tmp_path}[where]
    result = build(runner, plan_path, "-o", out, "--store", store)
    _one_line_error(result, "--store", "--output")
    assert not out.exists()


def test_output_that_exists_and_is_not_a_directory(runner, tmp_path, plan_path):
    # click refuses a regular file; a FIFO or device (/dev/null) got past it to a traceback.
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result = build(runner, plan_path, "-o", fifo)
    _one_line_error(result, str(fifo), "not a directory")
    assert [p.name for p in tmp_path.iterdir()] == ["fifo"]  # no staging left


def test_output_below_a_file(runner, tmp_path, plan_path):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    result = build(runner, plan_path, "-o", tmp_path / "afile" / "out")
    _one_line_error(result, str(tmp_path / "afile"), "not a directory")


def test_output_directory_on_another_filesystem(runner, tmp_path, plan_path, monkeypatch):
    # out/ as a mount point (a Docker volume): a rename into it from its parent fails with EXDEV.
    out = tmp_path / "out"
    out.mkdir()
    real_replace = os.replace

    def replace(src, dst):
        if (out in Path(src).resolve().parents) != (out in Path(dst).resolve().parents):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_replace(src, dst)

    monkeypatch.setattr("fengong.atomic.os.replace", replace)
    result = build(runner, plan_path, "-o", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if p.name != MANIFEST) == sorted(OUTPUTS)


def test_a_failed_move_is_one_line_and_leaves_the_earlier_build(runner, tmp_path, plan_path):
    out = tmp_path / "out"
    assert build(runner, "-o", out).exit_code == 0
    (out / "plan.ttl").unlink()
    (out / "plan.ttl").mkdir()  # where a file is to go
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    result = build(runner, plan_path, "-o", out)
    _one_line_error(result, str(out / "plan.ttl"), "is a directory")
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [MANIFEST]


def test_the_same_document_given_twice_is_read_once(runner, tmp_path, plan_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    doc = docs / "plan.txt"
    doc.write_bytes(plan_path.read_bytes())
    (docs / "link.txt").symlink_to(doc)
    result = build(runner, doc, docs, str(tmp_path / "docs" / ".." / "docs" / "plan.txt"), "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "plans 1, tasks 66" in result.stderr


def test_hidden_files_and_directories_are_not_documents(runner, tmp_path, plan_path):
    docs = tmp_path / "docs"
    (docs / ".git").mkdir(parents=True)
    (docs / "plan.txt").write_bytes(plan_path.read_bytes())
    (docs / ".git" / "description.txt").write_text("Unnamed repository\n", encoding="utf-8")
    (docs / ".plan.txt").write_bytes(plan_path.read_bytes())  # an editor's or sync tool's copy
    result = build(runner, docs, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "plans 1, tasks 66" in result.stderr


def test_an_interrupt_while_the_outputs_move_leaves_no_mixed_build(runner, tmp_path, monkeypatch):
    # Ctrl-C or SIGTERM between two renames used to leave some files new and the rest old.
    out = tmp_path / "out"
    assert build(runner, "-o", out).exit_code == 0
    real_replace = os.replace
    calls = []

    def replace(src, dst):
        real_replace(src, dst)
        if Path(dst).parent == out:  # a move into place, not a write into the staging directory
            calls.append(dst)
            if len(calls) == 1:
                os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr("fengong.atomic.os.replace", replace)
    result = build(runner, ROOT / "tests" / "fixtures" / "state-council-inline.txt", "-o", out)
    assert result.exit_code == 130, result.output
    assert len([c for c in calls if Path(c).name != MANIFEST]) == len(OUTPUTS)  # every file moved: the new build, whole
    for name in OUTPUTS:
        text = (out / name).read_text(encoding="utf-8")
        assert "gbf-2019-99" in text and "gzbf-2014-94" not in text, name
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [MANIFEST]


def test_a_rebuild_removes_the_earlier_builds_files_it_does_not_write_again(runner, tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(cli, ["build", "-o", str(out), "-q"]).exit_code == 0
    assert (out / "plan.ttl").exists() and (out / "views" / "full.html").exists()
    (out / "notes.md").write_text("mine", encoding="utf-8")  # not fengong's: kept
    other = Path(__file__).parent / "fixtures" / "state-council-inline.txt"
    result = runner.invoke(cli, ["build", str(other), "-o", str(out), "-F", "trig", "--no-views", "-q"])
    assert result.exit_code == 0, result.output
    # No plan.ttl or views of the Guangxi plan left to pass for this build's.
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [MANIFEST, "notes.md", "plan.trig"]


def test_a_build_removes_nothing_it_did_not_list_itself(runner, tmp_path):
    # An existing directory (a web project, -o .) keeps its own index.html and views/.
    out = tmp_path / "proj"
    (out / "views" / "templates").mkdir(parents=True)
    mine = {"index.html": "<p>mine</p>", "views/templates/base.py": "x = 1\n", "plan.ttl": "# mine\n"}
    for name, text in mine.items():
        (out / name).write_text(text, encoding="utf-8")
    assert runner.invoke(cli, ["build", "-o", str(out), "-F", "nq", "--no-views", "-q"]).exit_code == 0
    assert all((out / name).read_text(encoding="utf-8") == text for name, text in mine.items())
    assert (out / ".fengong-outputs").read_text(encoding="utf-8") == "plan.nq\n"
    # A manifest naming a path outside the directory, or a file of another kind, removes nothing.
    (tmp_path / "outside.nq").write_text("x", encoding="utf-8")
    (out / "notes.md").write_text("mine", encoding="utf-8")
    (out / ".fengong-outputs").write_text("../outside.nq\nnotes.md\n/etc/hostname\n", encoding="utf-8")
    assert runner.invoke(cli, ["build", "-o", str(out), "-F", "nq", "--no-views", "-q"]).exit_code == 0
    assert (tmp_path / "outside.nq").exists() and (out / "notes.md").exists() and Path("/etc/hostname").exists()
