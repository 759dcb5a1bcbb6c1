"""An installed wheel works from any directory: package data, ontology and queries included."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)],
        check=True, capture_output=True, timeout=600,
    )
    (whl,) = dist.glob("fengong-*.whl")
    return whl


@pytest.mark.slow
def test_wheel_holds_the_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "fengong/cli.py", "fengong/viz/__init__.py", "fengong/ontology/plan.ttl", "fengong/ontology/shapes.ttl",
        "fengong/data/agencies.csv", "fengong/data/places.csv", "fengong/data/guangxi-urbanization-2014-94.txt",
    ):
        assert needed in names, needed
    assert sum(1 for n in names if n.startswith("fengong/queries/") and n.endswith(".rq")) >= 15
    assert not any(n.startswith(("graph/", "tests/", "ontology/")) for n in names)


@pytest.mark.slow
def test_installed_wheel_builds_from_another_directory(wheel, tmp_path):
    venv = tmp_path / "venv"
    # System site-packages supply the dependencies (no network); the wheel itself goes into the venv.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True, timeout=300)
    where = subprocess.run([str(py), "-c", "import fengong; print(fengong.__file__)"], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert where.stdout.strip().startswith(str(venv)), where.stdout
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    proc = subprocess.run([str(venv / "bin" / "fengong"), "build", "-o", "out"], capture_output=True, text=True, cwd=cwd, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "tasks 66 (targets 16)" in proc.stderr
    assert (cwd / "out" / "plan.ttl").stat().st_size > 100_000
    assert not (cwd / "lib").exists()  # pyvis must not drop its lib/ folder into the working directory
    query = subprocess.run([str(venv / "bin" / "fengong"), "query", "--list"], capture_output=True, text=True, cwd=cwd, timeout=300)
    assert query.returncode == 0 and len(query.stdout.splitlines()) >= 15
