"""Work run in a forked process beside the caller, stopped on an error or Ctrl-C.

A build draws ``matrix.html`` in a forked process while it writes the report and
views. (Not for work that opens an on-disk Oxigraph store: RocksDB's threads do not
survive a fork.)

>>> from pathlib import Path
>>> with forked(lambda: None, Path("nothing.html")):
...     pass
"""

from __future__ import annotations

import contextlib
import multiprocessing
from pathlib import Path
from typing import Callable

from . import FengongError

__all__ = ["forked"]


@contextlib.contextmanager
def forked(work: Callable[[], None], output: Path):
    """Run *work* (no arguments) in a forked process until the block ends; re-raise its error here.

    Leaving the block on an error, or an interrupt (Ctrl-C, SIGTERM) while it waits for
    *work*, stops the process. Where fork is not available *work* runs at once, in this
    process. An error of *work* comes back as a :class:`fengong.FengongError` naming *output*.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        work()
        yield
        return
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
            send.send(str(exc) if isinstance(exc, FengongError) else f"{type(exc).__name__}: {exc}")
        else:
            send.send(None)

    proc = ctx.Process(target=run, name=f"fengong {output.name}", daemon=True)
    proc.start()
    send.close()

    def stop() -> None:
        proc.terminate()
        proc.join()

    try:
        yield
    except BaseException:
        stop()
        raise
    try:
        error = recv.recv()
    except EOFError:
        error = f"the process ended with exit code {proc.exitcode}"
    except BaseException:
        stop()
        raise
    finally:
        recv.close()
        proc.join()
    if error is not None:
        raise FengongError(f"{output.name}: {error}")
