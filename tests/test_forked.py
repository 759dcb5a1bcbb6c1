"""fengong.forked: work in a forked process, its error raised in the caller, stopped on an error."""

from __future__ import annotations

import os
import time

import pytest

from fengong import FengongError
from fengong.forked import forked


def test_a_page_drawn_in_a_forked_process_is_written_and_its_error_raised_here(tmp_path):
    out = tmp_path / "page.html"
    with forked(lambda: out.write_text("drawn", encoding="utf-8"), out):
        pass
    assert out.read_text(encoding="utf-8") == "drawn"

    def fail():
        raise FengongError("no agencies")

    with pytest.raises(FengongError, match=r"^page\.html: no agencies$"):
        with forked(fail, out):
            pass


def test_an_error_in_the_block_stops_the_process(tmp_path):
    pid_file = tmp_path / "pid"

    def work():
        pid_file.write_text(str(os.getpid()), encoding="utf-8")
        time.sleep(60)

    started = time.monotonic()
    with pytest.raises(RuntimeError, match="the caller failed"):
        with forked(work, tmp_path / "x"):
            while not pid_file.exists():
                time.sleep(0.01)
            raise RuntimeError("the caller failed")
    assert time.monotonic() - started < 30  # not the minute the work would take
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text(encoding="utf-8")), 0)  # gone, and reaped
