"""Fixtures shared by the whole suite: the bundled plan parsed, and built into both stores."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

from fengong.build import bundled_dataset, bundled_path, parse_documents
from fengong.store import MemoryStore, OxigraphStore

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def plan_path() -> Path:
    """The bundled Guangxi plan (桂政办发〔2014〕94号)."""
    return bundled_path()


@pytest.fixture(scope="session")
def guangxi_plan(plan_path):
    """The bundled plan parsed into records."""
    return parse_documents([str(plan_path)])[0]


@pytest.fixture(scope="session")
def store() -> OxigraphStore:
    """The bundled plan's graph in embedded Oxigraph (do not modify)."""
    st = OxigraphStore()
    st.load_bytes(bundled_dataset(), "nq")
    return st


@pytest.fixture(scope="session")
def memory_store() -> MemoryStore:
    """The same graph in rdflib's Memory store and engine."""
    st = MemoryStore()
    st.load_bytes(bundled_dataset(), "nq")
    return st


@pytest.fixture(scope="session")
def built_dir(tmp_path_factory) -> Path:
    """A full ``fengong build`` of the bundled plan (graph files, views, index)."""
    from fengong.build import build
    from fengong.commands.build import site_writer

    out = tmp_path_factory.mktemp("build") / "out"
    build([], out, extra=site_writer())
    return out


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of a Chromium binary; skips (or fails under FENGONG_REQUIRE_BROWSER=1) without one."""
    path = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not path:
        if os.environ.get("FENGONG_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (FENGONG_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium is not installed")
    return path


def _ctrl_c_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def ctrl_c_restored():
    """A ``preexec_fn`` that gives a child process the default Ctrl-C back. A shell starts a
    background job with SIGINT ignored, and an ignored signal stays ignored across exec
    (Python then installs no Ctrl-C handler): tests that send SIGINT to a child use it so
    that they also hold when the suite runs as such a job."""
    return _ctrl_c_default


@pytest.fixture
def run_main(capsys):
    """Run the console entry point in this process: ``run_main(args)`` gives (exit code, stdout, stderr)."""
    from fengong.cli import main

    def run(args):
        code = 0
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(autouse=True)
def _fresh_digest_logins(monkeypatch):
    """Each test starts with no Digest challenge remembered (a port may be reused by a later test)."""
    from fengong import transport

    monkeypatch.setattr(transport, "_DIGESTS", {})
