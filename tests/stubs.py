"""Stub HTTP servers, and the start of real ones, for the tests of fengong's SPARQL clients."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import ThreadingHTTPServer

import pytest


@contextlib.contextmanager
def serving(handler):
    """A stub server on 127.0.0.1 with *handler* (a request handler class); yields its URL."""
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()


def server_binary(name: str, install: str) -> str:
    """The path of server program *name*; the test fails (CI: FENGONG_REQUIRE_BROWSER=1) or is
    skipped when it is missing, naming how to *install* it."""
    binary = shutil.which(name)
    if not binary:
        if os.environ.get("FENGONG_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{name} is required (FENGONG_REQUIRE_BROWSER=1): {install}")
        pytest.skip(f"{name} is not installed ({install})")
    return binary


def wait_until_answers(proc: subprocess.Popen, url: str, seconds: float, why) -> None:
    """Poll *url* until the server of *proc* answers; fail with ``why()`` (its log) if it ends or
    *seconds* pass first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except (urllib.error.URLError, OSError):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"the server did not start: {why()}")
            time.sleep(0.1)
