"""Atomic writes: a whole new file or the old one, and special files left what they are."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from fengong import FengongError
from fengong.atomic import open_atomic, write_text


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    out = tmp_path / "r.csv"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), open_atomic(out) as fh:
        fh.write(b"half")
        raise RuntimeError("stopped")
    assert out.read_text(encoding="utf-8") == "old" and [p.name for p in tmp_path.iterdir()] == ["r.csv"]


def test_a_named_pipe_is_written_to_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)  # no hang if it never opens
    reader.start()
    write_text(fifo, "城镇化\n")
    reader.join(10)
    assert got == ["城镇化\n".encode()] and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_symlink_stays_a_link_to_the_new_file(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_text(link, "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"


def test_a_directory_in_the_way_is_one_line(tmp_path):
    with pytest.raises(FengongError, match=r"is a directory$"):
        write_text(tmp_path, "x")


def test_dev_stdout_is_written_through_and_appends_after_what_the_shell_kept(tmp_path):
    # stdout a pipe: the rows reach it; stdout a file opened with >>: what it held stays.
    import subprocess
    import sys

    code = "from fengong.atomic import write_text; write_text('/dev/stdout', '城镇化\\n')"
    piped = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert piped.stdout.decode() == "城镇化\n"
    log = tmp_path / "log.csv"
    log.write_text("earlier\n", encoding="utf-8")
    with open(log, "ab") as out:
        subprocess.run([sys.executable, "-c", code], stdout=out, check=True)
    assert log.read_text(encoding="utf-8") == "earlier\n城镇化\n"
