"""``fengong push`` against a real Oxigraph server, and what a failed push leaves behind.

The server is the ``oxigraph`` binary of the ``oxigraph`` PyPI package (test
extras), started on 127.0.0.1 with a temporary directory and a free port. A
small forwarding proxy in front of it makes one request fail (a 500, a
corrupted upload, a failing update) to show that a push is all or nothing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest

from fengong import FengongError
from fengong.build import bundled_dataset
from fengong.push import STAGING_PREFIX, endpoints, push
from fengong.querylib import list_queries, run_query
from fengong.remote import RemoteStore

pytestmark = pytest.mark.server

PLAN = "https://w3id.org/fengong/id/plan/gzbf-2014-94"
SHARED = "https://w3id.org/fengong/id/graph/shared"
EXAMPLE_PARAMS = {"agency": "住房城乡建设厅", "city": "南宁", "task": "十七", "year": "2015", "min": "2"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    binary = shutil.which("oxigraph")
    if not binary:
        if os.environ.get("FENGONG_REQUIRE_BROWSER") == "1":
            pytest.fail("the oxigraph server binary is required (FENGONG_REQUIRE_BROWSER=1): pip install oxigraph")
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    port = free_port()
    proc = subprocess.Popen([binary, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph") / "db"),
                             "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2).read()
            break
        except (urllib.error.URLError, OSError):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"oxigraph server did not start: {proc.stderr.read().decode(errors='replace')}")
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def oxigraph(oxigraph_server):
    """The server, emptied."""
    update(oxigraph_server, "CLEAR ALL")
    return oxigraph_server


def update(base: str, text: str) -> None:
    data = urllib.parse.urlencode({"update": text}).encode()
    urllib.request.urlopen(urllib.request.Request(f"{base}/update", data=data), timeout=30).read()


def graph_counts(base: str) -> dict[str, int]:
    """Triples per named graph on the server."""
    q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    url = f"{base}/query?" + urllib.parse.urlencode({"query": q})
    body = urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/csv"}), timeout=30).read().decode()
    return {line.split(",")[0]: int(line.split(",")[1]) for line in body.splitlines()[1:] if line}


def local_counts(path=None) -> dict[str, int]:
    st = ox.Store()
    if path:
        st.load(path=str(path), format=ox.RdfFormat.TRIG)
    else:
        st.load(bundled_dataset(), format=ox.RdfFormat.N_QUADS)
    return {g.value: sum(1 for _ in st.quads_for_pattern(None, None, None, g)) for g in st.named_graphs()}


def normalised(result):
    names: dict[str, str] = {}

    def norm(t):
        if t is None:
            return None
        if t.kind == "bnode":
            return ("bnode", names.setdefault(t.value, f"b{len(names)}"))
        return (t.kind, t.value, t.datatype, t.lang)

    if result.boolean is not None:
        return result.boolean
    rows = result.triples if result.triples is not None else result.rows
    return sorted((tuple(norm(t) for t in row) for row in rows), key=repr)


@pytest.fixture
def smaller_plan(tmp_path):
    """The bundled plan with every task of section 十 removed: a second version to push."""
    st = ox.Store()
    st.load(bundled_dataset(), format=ox.RdfFormat.N_QUADS)
    st.update("""PREFIX fg: <https://w3id.org/fengong/ontology#>
                 DELETE { GRAPH ?g { ?t ?p ?o } } WHERE { GRAPH ?g { ?t fg:inSection <https://w3id.org/fengong/id/section/gzbf-2014-94-10> ; ?p ?o } }""")
    path = tmp_path / "smaller.trig"
    st.dump(str(path), ox.RdfFormat.TRIG)
    return path


# -- pushing ----------------------------------------------------------------------


def test_push_then_every_library_query_gives_the_same_rows(oxigraph, store):
    result = push(f"{oxigraph}/query", replace=True)
    expected = local_counts()
    assert graph_counts(oxigraph) == expected
    assert expected[PLAN] > 5000 and expected[SHARED] > 1000
    assert result.triples == sum(expected.values())
    remote = RemoteStore(f"{oxigraph}/query")
    for info in list_queries():
        missing = [p.name for p in info.params if p.required and p.name not in EXAMPLE_PARAMS]
        assert not missing, f"add example values for {missing} (query {info.name})"
        params = {p.name: EXAMPLE_PARAMS[p.name] for p in info.params if p.name in EXAMPLE_PARAMS}
        local, far = run_query(store, info, params), run_query(remote, info, params)
        assert far.vars == local.vars, info.name
        assert normalised(far) == normalised(local), info.name
    leads = remote.query("SELECT (COUNT(*) AS ?n) WHERE { ?a fg:leads ?t }").rows[0][0].value
    assert leads == "93"


def test_add_keeps_other_graphs_and_replace_replaces(oxigraph, smaller_plan, tmp_path):
    other = tmp_path / "other.ttl"
    other.write_text('<http://example.org/a> <http://example.org/b> "备注"@zh .\n', encoding="utf-8")
    push(f"{oxigraph}/query", other, into="http://example.org/notes")
    push(f"{oxigraph}/query")
    full = local_counts()
    assert graph_counts(oxigraph) == {**full, "http://example.org/notes": 1}
    push(f"{oxigraph}/query")  # adding the plan's graphs again: no blank nodes there, so no change
    again = graph_counts(oxigraph)
    assert (again[PLAN], again[SHARED]) == (full[PLAN], full[SHARED])
    push(f"{oxigraph}/query", smaller_plan, replace=True)
    counts = graph_counts(oxigraph)
    assert counts[PLAN] == local_counts(smaller_plan)[PLAN] < full[PLAN]
    assert counts["http://example.org/notes"] == 1
    assert not [g for g in counts if g.startswith(STAGING_PREFIX)]


def test_into_one_graph_merges_everything(oxigraph, store):
    result = push(f"{oxigraph}/query", into="http://example.org/all", replace=True)
    counts = graph_counts(oxigraph)
    assert list(counts) == ["http://example.org/all"]
    union = store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }").rows[0][0].value
    assert counts["http://example.org/all"] == result.triples == int(union)


# -- failures: all or nothing ---------------------------------------------------------


class _Proxy(BaseHTTPRequestHandler):
    """Forwards to the Oxigraph server; breaks the request the test asks it to."""

    upstream = ""
    fail_put = 0  # fail the n-th PUT with 500 (0: never)
    corrupt_put = 0  # cut the n-th PUT's body in half, so the server rejects it as malformed
    fail_update = False
    puts = 0

    def log_message(self, *args):
        pass

    def _forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) or None
        if self.command == "PUT":
            type(self).puts += 1
            if type(self).puts == self.fail_put:
                return self._answer(500, b"disk full")
            if type(self).puts == self.corrupt_put:
                body = body[: len(body) // 2]
        if self.command == "POST" and self.path.startswith("/update") and self.fail_update:
            return self._answer(503, b"update service unavailable")
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
        req = urllib.request.Request(self.upstream + self.path, data=body, method=self.command, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return self._answer(resp.status, resp.read(), resp.headers.get("Content-Type"))
        except urllib.error.HTTPError as exc:
            return self._answer(exc.code, exc.read(), exc.headers.get("Content-Type"))

    def _answer(self, status, data, ctype="text/plain"):
        self.send_response(status)
        self.send_header("Content-Type", ctype or "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _forward


@pytest.fixture
def proxy(oxigraph):
    _Proxy.upstream, _Proxy.fail_put, _Proxy.corrupt_put, _Proxy.fail_update, _Proxy.puts = oxigraph, 0, 0, False, 0
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


@pytest.mark.parametrize("breakage, message", [
    ({"fail_put": 2}, "HTTP 500"),
    ({"corrupt_put": 2}, "HTTP 400"),
    ({"fail_update": True}, "HTTP 503"),
])
def test_a_failed_replace_leaves_the_remote_graphs_as_they_were(oxigraph, proxy, smaller_plan, breakage, message):
    push(f"{oxigraph}/query", replace=True)
    before = graph_counts(oxigraph)
    for k, v in breakage.items():
        setattr(_Proxy, k, v)
    with pytest.raises(FengongError, match=f"push failed, the server's graphs are unchanged: .*{message}"):
        push(f"{proxy}/query", smaller_plan, replace=True)
    assert _Proxy.puts >= 2  # the first graph had been staged when the failure came
    after = graph_counts(oxigraph)
    assert after == before  # same graphs, same sizes, and no staging graph left behind
    assert after[PLAN] == local_counts()[PLAN]


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "fengong", "push", *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def test_dead_endpoint_exits_2_with_one_line(built_dir):
    port = free_port()
    proc = run_cli("--endpoint", f"http://127.0.0.1:{port}/query", str(built_dir / "plan.trig"))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("fengong: error: push failed") and "cannot connect" in lines[0]


class _Refuses(BaseHTTPRequestHandler):
    status = 403

    def log_message(self, *args):
        pass

    def _refuse(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b"no writes for you\n"
        self.send_response(self.status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_PUT = do_POST = do_DELETE = do_GET = _refuse


@pytest.mark.parametrize("status", [403, 500])
def test_an_endpoint_answering_an_error_exits_2_with_one_line(built_dir, status):
    _Refuses.status = status
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Refuses)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        proc = run_cli("--endpoint", f"http://127.0.0.1:{srv.server_address[1]}/query", str(built_dir / "plan.trig"))
    finally:
        srv.shutdown()
        srv.server_close()
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and f"HTTP {status}" in lines[0] and "no writes for you" in lines[0]


def test_cli_push_reports_what_it_did(oxigraph, built_dir):
    proc = run_cli("--endpoint", f"{oxigraph}/query", "--replace", "--format", "ntriples", str(built_dir / "plan.trig"))
    assert proc.returncode == 0, proc.stderr
    counts = local_counts(built_dir / "plan.trig")
    assert f"replaced {len(counts)} graphs" in proc.stderr and f"{sum(counts.values())} triples" in proc.stderr
    assert graph_counts(oxigraph) == counts


def test_endpoint_layouts():
    assert endpoints("http://127.0.0.1:7878/query") == endpoints("http://127.0.0.1:7878")
    fuseki = endpoints("http://localhost:3030/ds/sparql")
    assert (fuseki.query, fuseki.gsp, fuseki.update) == (
        "http://localhost:3030/ds/sparql", "http://localhost:3030/ds/data", "http://localhost:3030/ds/update")
    assert endpoints("http://h/ds", gsp="http://h/other/gsp").gsp == "http://h/other/gsp"
