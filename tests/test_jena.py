"""The query library on Apache Jena: ARQ over TDB2 with a union default graph, as in Fuseki.

Fuseki is not packaged for Debian and its releases are not reachable from here, but its
query engine and store are: Debian's ``libapache-jena-java`` (Jena 4.5, installed by
``scripts/install-system.sh``). ``tests/jena/RunQueries.java`` loads the bundled plan
into an in-memory TDB2 dataset whose default graph is the union of its named graphs
(``tdb2:unionDefaultGraph true`` in a Fuseki configuration; on a dataset without it,
fengong names the plans' graphs in each request) and answers each query with the text
fengong sends to an endpoint: prefixes declared, parameters bound by ``VALUES``. What
this leaves out is Fuseki's HTTP layer, which the Oxigraph-server and Virtuoso tests
cover for the protocol.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest

from fengong.build import bundled_dataset
from fengong.querylib import bind_params, list_queries, load_query, run_query
from fengong.remote import bind_values, parse_answer, query_shape
from fengong.store import Result, _with_prefixes
from test_push import EXAMPLE_PARAMS, normalised
from test_virtuoso import AGENCY_NAMES

pytestmark = pytest.mark.server

RUNNER = Path(__file__).parent / "jena" / "RunQueries.java"
PACKAGE = "libapache-jena-java"
#: Of the logging jars Debian's libslf4j-java holds, the API and the binding that prints
#: nothing: with all of them on the class path SLF4J refuses to start (log4j-over-slf4j
#: beside slf4j-log4j12 would send each log call round in a loop).
SLF4J = {"slf4j-api.jar", "slf4j-nop.jar"}


def _installed(package: str) -> bool:
    done = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return done.returncode == 0 and done.stdout.endswith("installed")


def _depends(package: str) -> list[str]:
    out = subprocess.run(["dpkg-query", "-W", "-f=${Depends}", package], capture_output=True, text=True).stdout
    # "a (>= 1), b | c, d" -> a, b, d (the first of alternatives)
    return [alt.split("|")[0].split("(")[0].split(":")[0].strip() for alt in out.split(",") if alt.strip()]


def jena_classpath() -> list[str]:
    """The jars of Jena and of the Debian packages it depends on (followed recursively)."""
    jars: dict[str, str] = {}
    seen: set[str] = set()
    todo = [PACKAGE]
    while todo:
        package = todo.pop()
        if package in seen or not _installed(package):
            continue
        seen.add(package)
        todo.extend(_depends(package))
        files = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True).stdout.split()
        for f in files:
            p = Path(f)
            if p.suffix != ".jar" or p.parent != Path("/usr/share/java") or p.is_symlink():
                continue
            if package == "libslf4j-java" and p.name not in SLF4J:
                continue
            jars.setdefault(p.name, f)
    return sorted(jars.values())


def xerces_messages(jena_core: str, into: Path) -> Path:
    """A class-path directory with Jena's Xerces messages where its classes look for them.

    Debian's Jena moved the Xerces classes it embeds to the package ``xerces`` but left their
    message files under ``org/apache/jena/ext/xerces``; without them, Jena fails at start-up
    with "internal error" in ``XSSimpleTypeDecl`` (a built-in datatype's pattern cannot load
    its messages).
    """
    prefix = "org/apache/jena/ext/xerces/"
    with zipfile.ZipFile(jena_core) as jar:
        for name in jar.namelist():
            if name.startswith(prefix) and name.endswith(".properties"):
                target = into / "xerces" / name[len(prefix):]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    return into


@pytest.fixture(scope="module")
def jena(tmp_path_factory):
    """Run the given (query info, parameters) pairs on Jena; return each answer as a Result."""
    java = shutil.which("java")
    classpath = jena_classpath() if java and shutil.which("dpkg-query") else []
    # javac stands for the JDK, whose compiler module runs a Java source file
    if not java or not shutil.which("javac") or not any(Path(j).name.startswith("jena-arq") for j in classpath):
        why = f"Jena is not installed (apt-get install {PACKAGE} default-jdk-headless)"
        if os.environ.get("FENGONG_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{why}; required with FENGONG_REQUIRE_BROWSER=1")
        pytest.skip(why)
    d = tmp_path_factory.mktemp("jena")
    core = next(j for j in classpath if Path(j).name.startswith("jena-core"))
    classpath.append(str(xerces_messages(core, d / "messages")))
    data = d / "plan.nq"
    data.write_bytes(bundled_dataset())

    def run(jobs):
        files = []
        for i, (info, params) in enumerate(jobs):
            f = d / f"{i:02d}-{info.name}.rq"
            f.write_text(bind_values(_with_prefixes(info.text), bind_params(info, params)), encoding="utf-8")
            files.append(f)
        done = subprocess.run([java, "-cp", os.pathsep.join(classpath), str(RUNNER), str(data), *map(str, files)],
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        return [_answer(Path(f"{f}.out").read_bytes(), info) for f, (info, _) in zip(files, jobs)]

    return run


def _answer(data: bytes, info) -> Result:
    graph = query_shape(info.text).form in ("CONSTRUCT", "DESCRIBE")
    return parse_answer(data, ox.RdfFormat.N_TRIPLES if graph else ox.QueryResultsFormat.JSON)


def _in_order(result: Result) -> list:
    return [tuple(None if t is None else (t.kind, t.value, t.datatype, t.lang) for t in row) for row in result.rows]


def test_every_library_query_gives_the_same_rows_in_the_same_order_as_embedded_oxigraph(jena, store):
    jobs = [(info, {p.name: EXAMPLE_PARAMS[p.name] for p in info.params if p.name in EXAMPLE_PARAMS})
            for info in list_queries()]
    answers = jena(jobs)
    assert len(answers) == len(list_queries()) >= 24
    for (info, params), far in zip(jobs, answers):
        local = run_query(store, info, params)
        assert len(local.rows if local.triples is None else local.triples) > 0, info.name
        assert normalised(far) == normalised(local), info.name
        if local.triples is None:  # the same ORDER BY: the same sequence of rows
            assert far.vars == local.vars and _in_order(far) == _in_order(local), info.name


def test_the_agency_queries_find_one_agency_by_each_of_its_names_on_jena(jena, store):
    jobs = [(load_query(name), {"agency": agency}) for name in ("find-agency", "agency-tasks", "agency-partners")
            for agency in AGENCY_NAMES]
    for (info, params), far in zip(jobs, jena(jobs)):
        local = run_query(store, info, params)
        assert _in_order(far) == _in_order(local), (info.name, params)
        # every name of the agency finds it; the made-up name finds nothing
        assert (len(local.rows) == 0) == (params["agency"] == AGENCY_NAMES[-1]), (info.name, params)
