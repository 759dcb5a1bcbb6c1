"""A write that fails — a full disk, a full or closed stdout — is one line and exit 2, and
leaves every earlier output as it was (no traceback, no half-written file)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def fengong(*args, cwd, **kwargs):
    return subprocess.run([sys.executable, "-m", "fengong", *args], capture_output=True, text=True, cwd=cwd, timeout=300, **kwargs)


def one_line_error(proc) -> str:
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("fengong: error: ") and len(proc.stderr.splitlines()) == 1, proc.stderr
    return proc.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
@pytest.mark.parametrize("args", [["query", "plans"], ["query", "--list"], ["inspect"], ["analyze"],
                                  ["matrix", "--agency", "公安厅"], ["validate", "--shapes", "{shapes}"]])
def test_a_full_stdout_is_one_line_and_exit_2(tmp_path, args):
    shapes = tmp_path / "shapes.ttl"  # a shape every plan breaks, so validate has a report to print
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix fg: <https://w3id.org/fengong/ontology#> .\n"
                      "[] a sh:NodeShape ; sh:targetClass fg:Task ; sh:property [ sh:path fg:nothing ; sh:minCount 1 ] .\n",
                      encoding="utf-8")
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "fengong", *[a.replace("{shapes}", str(shapes)) for a in args]],
                              stdout=full, stderr=subprocess.PIPE, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 2  # for validate too: 1 would say "does not conform"
    assert proc.stderr == "fengong: error: cannot write (No space left on device)\n"


def test_a_closed_stdout_is_one_line_and_exit_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "fengong", "query", "plans"], stderr=subprocess.PIPE, text=True,
                          cwd=tmp_path, timeout=300, preexec_fn=lambda: os.close(1))
    assert proc.returncode == 2 and proc.stderr.startswith("fengong: error: stdout: closed") and proc.stderr.count("\n") == 1


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
@pytest.mark.parametrize("args", [["viz", "-o", "/dev/full"], ["query", "plans", "-o", "/dev/full"],
                                  ["matrix", "-o", "/dev/full", "--format", "csv"]])
def test_an_output_file_that_cannot_be_written_is_named(tmp_path, args):
    assert "/dev/full: cannot write (No space left on device)" in one_line_error(fengong(*args, cwd=tmp_path))


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB file system (tmpfs, mounted as root), for a build that fills it."""
    where = tmp_path / "small"
    where.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(where)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def test_a_build_that_fills_the_disk_is_one_line_and_leaves_the_earlier_output(small_disk):
    first = fengong("build", "-o", "out", "-F", "nq", "--no-views", "-q", cwd=small_disk)
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in (small_disk / "out").iterdir()}
    error = one_line_error(fengong("build", "-o", "out", "-q", cwd=small_disk))  # every format and the site: too big
    assert "out/" in error and ": cannot write (No space left on device)" in error and ".out." not in error
    assert {p.name: p.read_bytes() for p in (small_disk / "out").iterdir()} == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["out"]  # no staging directory left
