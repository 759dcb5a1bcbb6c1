"""The on-disk store (``build --store``), read by every command in new processes, and
interrupted builds that must leave earlier outputs as they were."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fengong import FengongError
from fengong.store import OxigraphStore, open_store

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate_corpus  # noqa: E402 - the benchmark corpus generator

LEADS = "SELECT (COUNT(*) AS ?n) WHERE { ?a fg:leads ?t }"


def fengong(*args, cwd, **kwargs):
    return subprocess.run([sys.executable, "-m", "fengong", *args], capture_output=True, text=True, cwd=cwd, timeout=300, **kwargs)


@pytest.fixture(scope="module")
def disk_build(tmp_path_factory):
    """``fengong build --store st -o out`` of the bundled plan, in a fresh directory."""
    root = tmp_path_factory.mktemp("disk")
    proc = fengong("build", "-o", "out", "--store", "st", "--no-views", "-q", cwd=root)
    assert proc.returncode == 0, proc.stderr
    return root


def test_a_new_process_reads_the_store_read_only(disk_build):
    code = ("from fengong.store import open_store\n"
            "st = open_store(store_dir='st')\n"
            f"print(st.query({LEADS!r}).rows[0][0].value, len(st))\n"
            "try:\n"
            "    st.ox.update('INSERT DATA { <http://x> <http://y> <http://z> }')\n"
            "except RuntimeError as exc:\n"
            "    print('refused:', exc)\n")
    # One reader in this process while another runs: a read-only store opens in several processes.
    here = open_store(store_dir=disk_build / "st")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=disk_build, timeout=120)
    assert proc.returncode == 0, proc.stderr
    count, triples = proc.stdout.splitlines()[0].split()
    assert count == "93" and int(triples) == len(here) == len(open_store(disk_build / "out" / "plan.trig"))
    assert proc.stdout.splitlines()[1].startswith("refused: Transaction are only possible on read-write instances")


@pytest.mark.parametrize(
    "args, output",
    [
        (["query", "agency-workload", "-f", "csv"], None),
        (["query", "agency-tasks", "-p", "agency=公安厅", "-f", "tsv"], None),
        (["analyze", "--format", "text"], None),
        (["matrix", "-o", "{out}"], "matrix.csv"),
    ],
)
def test_every_reader_gives_the_same_answer_from_the_store_as_from_the_file(disk_build, tmp_path, args, output):
    results = []
    for source in (["--store", "st"], ["--graph", "out/plan.trig"]):
        target = tmp_path / f"{source[0][2:]}-{output}" if output else None
        argv = [a.replace("{out}", str(target)) for a in args] + source
        proc = fengong(*argv, cwd=disk_build)
        assert proc.returncode == 0, f"{argv}: {proc.stderr}"
        results.append(target.read_bytes() if target else proc.stdout.encode("utf-8"))
    assert results[0] == results[1]
    assert len(results[0]) > 200


def test_viz_draws_the_same_view_from_the_store(disk_build, tmp_path):
    # (byte equality is not asked: a node's search names come in the store's own order)
    summaries, sizes = [], []
    for n, source in enumerate((["--store", "st"], ["--graph", "out/plan.trig"])):
        target = tmp_path / f"agencies-{n}.html"
        proc = fengong("viz", "--view", "agencies", "-o", str(target), *source, cwd=disk_build)
        assert proc.returncode == 0, proc.stderr
        summaries.append(proc.stderr.strip().split(": ", 1)[1])
        sizes.append(target.stat().st_size)
    assert summaries[0] == summaries[1] and "(59 nodes" in summaries[0]
    assert sizes[0] == sizes[1]


def test_query_store_output_is_the_guangxi_plan(disk_build):
    proc = fengong("query", "agency-tasks", "-p", "agency=公安厅", "-f", "csv", "--store", "st", cwd=disk_build)
    rows = [line for line in proc.stdout.splitlines()[1:] if ",lead," in line]
    assert len(rows) == 6


def test_serve_reads_the_store_with_several_workers(disk_build):
    import json
    import threading
    import urllib.parse
    import urllib.request

    from fengong.server import GraphSource, make_server

    srv = make_server(GraphSource(store_dir=str(disk_build / "st")), port=0, workers=2, quiet=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        url = f"{srv.url}/sparql?" + urllib.parse.urlencode({"query": LEADS})
        answers = [json.loads(urllib.request.urlopen(url, timeout=30).read()) for _ in range(4)]
        assert {a["results"]["bindings"][0]["n"]["value"] for a in answers} == {"93"}
    finally:
        srv.shutdown()
        srv.server_close()


def test_rebuilding_the_store_replaces_it_and_leaves_nothing_behind(tmp_path):
    assert fengong("build", "-o", "out", "--store", "st", "--no-views", "-q", cwd=tmp_path).returncode == 0
    first = len(OxigraphStore(tmp_path / "st", read_only=True))
    assert fengong("build", "-o", "out", "--store", "st", "--no-views", "-q", cwd=tmp_path).returncode == 0
    assert len(OxigraphStore(tmp_path / "st", read_only=True)) == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "st"]


def test_a_missing_store_is_a_user_error(tmp_path):
    with pytest.raises(FengongError, match="no such store directory"):
        open_store(store_dir=tmp_path / "nothing")
    proc = fengong("query", "agency-workload", "--store", "nothing", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.startswith("fengong: error:") and len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("damage", ["CURRENT", "sst"])
@pytest.mark.parametrize("command", [["query", "agency-workload"], ["analyze"], ["matrix"], ["validate"]])
def test_a_damaged_store_is_one_line_naming_it(disk_build, tmp_path, damage, command):
    shutil.copytree(disk_build / "st", tmp_path / "st")
    if damage == "CURRENT":
        (tmp_path / "st" / "CURRENT").write_text("garbage\n", encoding="utf-8")
    else:
        for sst in (tmp_path / "st").glob("*.sst"):
            sst.write_bytes(sst.read_bytes()[: len(sst.read_bytes()) // 2])
    proc = fengong(*command, "--store", "st", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("fengong: error: st: cannot open store (Corruption: ") and len(proc.stderr.splitlines()) == 1


def test_a_build_that_fails_writing_its_outputs_leaves_the_earlier_store(corpus, tmp_path):
    # The store and the output directory change together or not at all.
    assert fengong("build", "-o", "out", "--store", "st", "--no-views", "-q", cwd=tmp_path).returncode == 0
    (tmp_path / "out" / "plan.ttl").unlink()
    (tmp_path / "out" / "plan.ttl").mkdir()  # in the way of the next build's plan.ttl
    out_before, store_before = snapshot(tmp_path / "out"), snapshot(tmp_path / "st")
    proc = fengong("build", str(sorted(corpus.iterdir())[0]), "-o", "out", "--store", "st", "--no-views", "-q",
                   "-F", "ttl", "-F", "trig", cwd=tmp_path)
    assert proc.returncode == 2 and "is a directory (in the way of the output file)" in proc.stderr
    assert snapshot(tmp_path / "out") == out_before and snapshot(tmp_path / "st") == store_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "st"]  # no staged store left


# -- interrupted builds --------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus")
    generate_corpus(60, path, layouts=("fieldlines",))
    return path


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_build_leaves_the_previous_output_untouched(corpus, tmp_path, sig, ctrl_c_restored):
    assert fengong("build", "-o", "out", "--store", "st", "--no-views", "-q", cwd=tmp_path).returncode == 0
    before, store_before = snapshot(tmp_path / "out"), snapshot(tmp_path / "st")
    proc = subprocess.Popen([sys.executable, "-m", "fengong", "build", str(corpus), "-o", "out", "--store", "st", "--no-views"],
                            cwd=tmp_path, stderr=subprocess.PIPE, preexec_fn=ctrl_c_restored)
    seen = b""
    deadline = time.monotonic() + 120
    try:
        # Progress lines end in \r, so read bytes as they come, not lines.
        while b"documents" not in seen and time.monotonic() < deadline and proc.poll() is None:
            seen += os.read(proc.stderr.fileno(), 4096)
        assert b"parsed 1/60 documents" in seen or b"parsed 2/60" in seen
        assert b"s left" in seen  # rate and time left are shown
        proc.send_signal(sig)
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    rest = proc.stderr.read()
    assert code == 130
    assert rest.startswith(b"fengong:") and b"interrupted" in rest
    assert snapshot(tmp_path / "out") == before
    assert snapshot(tmp_path / "st") == store_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "st"]  # no staging directories left


# Stands in for the store loader (run as python -c NQUADS DB): like Oxigraph's bulk load, one
# call into Rust, it lets no signal through; it writes half a store, presses Ctrl-C on the
# build, and would then take a minute.
_LOAD_THAT_IGNORES_SIGNALS = """
import os, signal, sys, time
from pathlib import Path
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
db = Path(sys.argv[2])
db.mkdir(parents=True)
(db / "000001.sst").write_bytes(b"half a store")
os.kill(os.getppid(), signal.SIGINT)
time.sleep(60)
"""


def test_ctrl_c_while_the_store_loads_stops_the_load_at_once(disk_build, tmp_path, monkeypatch):
    from fengong import build as build_module

    shutil.copytree(disk_build / "st", tmp_path / "st")
    before = snapshot(tmp_path / "st")
    monkeypatch.setattr(build_module, "STORE_LOADER", _LOAD_THAT_IGNORES_SIGNALS)
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        build_module.build([], out_dir=None, store_dir=tmp_path / "st")
    # The load would take a minute more; the build stopped it instead of waiting.
    assert time.monotonic() - started < 30
    assert snapshot(tmp_path / "st") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["st"]  # its half-written store removed


def test_a_store_that_cannot_be_written_is_one_line(disk_build, tmp_path, monkeypatch):
    from fengong import build as build_module

    shutil.copytree(disk_build / "st", tmp_path / "st")
    before = snapshot(tmp_path / "st")
    monkeypatch.setattr(build_module, "STORE_LOADER", "raise OSError(28, 'No space left on device')")
    with pytest.raises(FengongError) as failed:
        build_module.build([], out_dir=None, store_dir=tmp_path / "st")
    assert str(failed.value) == f"{tmp_path / 'st'}: cannot write the store (OSError: [Errno 28] No space left on device)"
    assert snapshot(tmp_path / "st") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["st"]
