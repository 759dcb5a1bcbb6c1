"""``fengong push`` against a real Oxigraph server, and what a failed push leaves behind.

The server is the ``oxigraph`` binary of the ``oxigraph`` PyPI package (test
extras), started on 127.0.0.1 with a temporary directory and a free port. A
small forwarding proxy in front of it makes one request fail (a 500, a
corrupted upload, a failing update, an update whose answer is lost) to show
that a push is all or nothing, or says honestly when it cannot know; it also
maps GraphDB's and Virtuoso's paths onto Oxigraph's.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler

import pyoxigraph as ox
import pytest

import fengong.push as push_module
from fengong import FengongError
from fengong.build import bundled_dataset
from fengong.push import STAGING_PREFIX, Endpoints, PushInterrupted, endpoints, push
from fengong.transport import MAX_SECONDS
from fengong.querylib import list_queries, run_query
from fengong.remote import RemoteStore
from stubs import server_binary, serving, wait_until_answers

pytestmark = pytest.mark.server

PLAN = "https://w3id.org/fengong/id/plan/gzbf-2014-94"
SHARED = "https://w3id.org/fengong/id/graph/shared"
ONTOLOGY = "https://w3id.org/fengong/ontology"
OTHER = "https://w3id.org/fengong/id/plan/other-build"
EXAMPLE_PARAMS = {"agency": "住房城乡建设厅", "city": "南宁", "task": "十七", "year": "2015", "min": "2"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    binary = server_binary("oxigraph", "pip install oxigraph")
    port = free_port()
    proc = subprocess.Popen([binary, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph") / "db"),
                             "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    wait_until_answers(proc, f"{base}/query?query=ASK%7B%7D", 30, lambda: proc.stderr.read().decode(errors="replace"))
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


@pytest.fixture
def other_build(tmp_path):
    """Another build: its plan under another IRI, its shared graph without the agency the bundled
    plan names most often and with one agency the bundled plan does not have.
    Returns (path, the agency left out)."""
    st = ox.Store()
    st.load(bundled_dataset(), format=ox.RdfFormat.N_QUADS)
    dropped = next(iter(st.query(f"""SELECT ?a WHERE {{ GRAPH <{SHARED}> {{ ?a ?p ?o }}
        FILTER EXISTS {{ GRAPH <{PLAN}> {{ ?t ?q ?a }} }} }} GROUP BY ?a ORDER BY DESC(COUNT(*)) ?a LIMIT 1""")))["a"].value
    st.update(f"MOVE GRAPH <{PLAN}> TO <{OTHER}>")
    st.update(f"DELETE WHERE {{ GRAPH <{SHARED}> {{ <{dropped}> ?p ?o }} }}")
    st.update(f"""INSERT DATA {{ GRAPH <{SHARED}> {{
        <https://w3id.org/fengong/id/agency/other-new> <http://www.w3.org/2000/01/rdf-schema#label> "新机构"@zh }} }}""")
    path = tmp_path / "other.trig"
    st.dump(str(path), ox.RdfFormat.TRIG)
    return path, dropped


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


def ask(base: str, query: str) -> bool:
    url = f"{base}/query?" + urllib.parse.urlencode({"query": query})
    req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    return '"boolean":true' in urllib.request.urlopen(req, timeout=30).read().decode().replace(" ", "")


def test_replace_with_another_build_merges_the_shared_graph(oxigraph, other_build):
    path, dropped = other_build
    full, other = local_counts(), local_counts(path)
    push(f"{oxigraph}/query", replace=True)
    result = push(f"{oxigraph}/query", path, replace=True)
    assert sorted(result.replaced) == sorted([OTHER, ONTOLOGY])
    counts = graph_counts(oxigraph)
    assert counts[PLAN] == full[PLAN]  # a plan not pushed is left alone
    assert counts[OTHER] == other[OTHER]
    assert counts[ONTOLOGY] == full[ONTOLOGY]
    # The union: the agency only the old build describes is still there, and the new one too.
    assert counts[SHARED] == full[SHARED] + 1 > other[SHARED]
    assert ask(oxigraph, f"ASK {{ GRAPH <{PLAN}> {{ ?t ?p <{dropped}> }} GRAPH <{SHARED}> {{ <{dropped}> ?q ?o }} }}")


def test_repeated_pushes_leave_the_same_ontology_graph(oxigraph):
    expected = local_counts()
    assert expected[ONTOLOGY] > 0
    for replace in (False, False, True, False):  # the ontology's blank nodes are never added twice
        push(f"{oxigraph}/query", replace=replace)
        assert graph_counts(oxigraph) == expected, replace


def test_push_finds_the_graphdb_endpoints(oxigraph, proxy):
    _Proxy.rewrite = {"/repositories/fg": "/query", "/repositories/fg/rdf-graphs/service": "/store",
                      "/repositories/fg/statements": "/update"}
    push(f"{proxy}/repositories/fg/", replace=True)
    assert graph_counts(oxigraph) == local_counts()


def test_push_finds_the_virtuoso_endpoints(oxigraph, proxy):
    # Oxigraph takes queries and updates at /sparql too; Virtuoso has no /store or /update.
    _Proxy.rewrite = {"/sparql-graph-crud": "/store", "/store": "/no-such-path", "/update": "/no-such-path"}
    push(f"{proxy}/sparql", replace=True)
    assert graph_counts(oxigraph) == local_counts()


def test_a_wrongly_derived_endpoint_says_which_option_gives_it(oxigraph):
    # Oxigraph answers queries at /sparql too, but that is Virtuoso's layout: no /sparql-graph-crud.
    with pytest.raises(FengongError, match=r"HTTP 404 .*derived from --endpoint: give the server's own with --gsp"):
        push(f"{oxigraph}/sparql")
    push(f"{oxigraph}/sparql", gsp=f"{oxigraph}/store", replace=True)
    assert graph_counts(oxigraph) == local_counts()


# -- failures: all or nothing ---------------------------------------------------------


class _Proxy(BaseHTTPRequestHandler):
    """Forwards to the Oxigraph server; breaks the request the test asks it to."""

    upstream = ""
    fail_put = 0  # fail the n-th PUT with 500 (0: never)
    corrupt_put = 0  # cut the n-th PUT's body in half, so the server rejects it as malformed
    fail_update = False
    lose_update = ""  # "applied": forward the update, then hang up; "unsent": hang up; "late": hang up after 6 s
    swallow_update = False  # answer 204 to the update without forwarding it
    rewrite: dict[str, str] = {}  # path → Oxigraph's path
    puts = 0

    def log_message(self, *args):
        pass

    def _forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) or None
        path, sep, query = self.path.partition("?")
        target = type(self).rewrite.get(path, path) + sep + query
        is_update = self.command == "POST" and target.startswith("/update")
        if self.command == "PUT":
            type(self).puts += 1
            if type(self).puts == self.fail_put:
                return self._answer(500, b"disk full")
            if type(self).puts == self.corrupt_put:
                body = body[: len(body) // 2]
        if is_update and self.fail_update:
            return self._answer(503, b"update service unavailable")
        if is_update and self.swallow_update:
            return self._answer(204, b"")
        if is_update and self.lose_update in ("unsent", "late"):
            time.sleep(6 if self.lose_update == "late" else 0)
            return None  # hang up without an answer
        answer = self._upstream(target, body)
        if is_update and self.lose_update == "applied":
            return None
        return self._answer(*answer)

    def _upstream(self, target, body):
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
        req = urllib.request.Request(self.upstream + target, data=body, method=self.command, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, resp.read(), resp.headers.get("Content-Type")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), exc.headers.get("Content-Type")

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
    _Proxy.lose_update, _Proxy.swallow_update, _Proxy.rewrite = "", False, {}
    _Proxy.server_version = BaseHTTPRequestHandler.server_version
    with serving(_Proxy) as url:
        yield url


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


def test_a_failed_update_on_virtuoso_says_the_push_may_be_partly_applied(oxigraph, proxy, smaller_plan):
    # Virtuoso 7.2 keeps the operations of an update before the one that failed (seen in
    # tests/test_virtuoso.py's server): "unchanged" would not be true there.
    push(f"{oxigraph}/query", replace=True)
    _Proxy.fail_update, _Proxy.server_version = True, "Virtuoso/07.20.3229"
    with pytest.raises(FengongError) as failed:
        push(f"{proxy}/query", smaller_plan, replace=True)
    message = str(failed.value)
    assert message.startswith("push failed and may be partly applied: ") and "HTTP 503" in message
    assert "one by one, not as one transaction; the server may have applied it; check with fengong query" in message
    assert "unchanged" not in message and "\n" not in message


@pytest.mark.parametrize("loss", ["applied", "unsent", "late"])
def test_a_lost_update_answer_says_the_server_may_have_applied_it(oxigraph, proxy, smaller_plan, loss):
    push(f"{oxigraph}/query", replace=True)
    before = graph_counts(oxigraph)
    _Proxy.lose_update = loss
    with pytest.raises(FengongError) as info:
        push(f"{proxy}/query", smaller_plan, replace=True, timeout=3 if loss == "late" else 60)
    message = str(info.value)
    assert message.startswith(f"push may have been applied: {proxy}/query: moving the staged graphs into place")
    assert "the final update was sent but no answer came" in message and "the server may have applied it" in message
    assert f"check with fengong query --endpoint {proxy}/query; if it did not, its " in message
    assert message.endswith("staging graphs (urn:fengong:staging:" + message.split("urn:fengong:staging:")[1].split(":")[0]
                            + ":1 …) are still there: DROP GRAPH each, or push again")
    assert "unchanged" not in message
    after = graph_counts(oxigraph)
    staging = [g for g in after if g.startswith(STAGING_PREFIX)]
    # No clean-up after a lost answer (a DELETE could overtake the update): the staging
    # graphs are gone only where the update was applied.
    if loss == "applied":
        assert not staging and after[PLAN] == local_counts(smaller_plan)[PLAN] < before[PLAN]
    else:
        assert staging and {g: n for g, n in after.items() if g not in staging} == before


@pytest.mark.parametrize("method, state", [("PUT", "the server's graphs are unchanged"),
                                           ("POST", "the final update was sent but no answer came: the server may have applied it")])
def test_ctrl_c_says_what_the_server_was_left_with(oxigraph, monkeypatch, run_main, method, state):
    real = push_module.exchange

    def interrupted(verb, url, *args, **kwargs):
        if verb == method:
            raise KeyboardInterrupt
        return real(verb, url, *args, **kwargs)

    monkeypatch.setattr(push_module, "exchange", interrupted)
    with pytest.raises(PushInterrupted, match=state):
        push(f"{oxigraph}/query")
    left = graph_counts(oxigraph)
    if method == "PUT":
        assert left == {}  # nothing moved, and the staging graphs deleted
    else:  # the update may be on its way: its staging graphs are left alone
        assert left and all(g.startswith(STAGING_PREFIX) for g in left)
    code, _, err = run_main(["push", "-q", "--endpoint", f"{oxigraph}/query"])
    expected = f"fengong: interrupted; {state}"
    if method == "POST":
        expected += f"; check with fengong query --endpoint {oxigraph}/query; if it did not, its "
    assert code == 130 and err.strip().startswith(expected)
    assert err.strip().endswith("DROP GRAPH each, or push again") == (method == "POST")


def test_an_update_answered_but_not_applied_fails_the_push(oxigraph, proxy):
    _Proxy.swallow_update = True
    with pytest.raises(FengongError, match=rf"^push not confirmed: {proxy}/query: checking the pushed graphs: "
                                           r"the server answered the upload, but <\S+> holds 0 of the \d+ statements pushed"):
        push(f"{proxy}/query", replace=True)
    assert graph_counts(oxigraph) == {}  # the staging graphs the update left were deleted


@pytest.mark.parametrize("breakage, step", [
    ({"fail_put": 2}, "uploading <{graph}> (PUT {base}/store): HTTP 500 Internal Server Error (disk full)"),
    ({"fail_update": True}, "moving the staged graphs into place (POST {base}/update): HTTP 503"),
])
def test_failure_messages_name_the_given_url_and_graph_not_a_staging_url(oxigraph, proxy, breakage, step):
    for k, v in breakage.items():
        setattr(_Proxy, k, v)
    base = proxy.replace("http://", "http://alice:***@")
    with pytest.raises(FengongError) as info:
        push(proxy.replace("http://", "http://alice:s3cret@") + "/query")
    message = str(info.value)
    second = sorted(local_counts())[1]  # graphs go up in name order
    assert message.startswith(f"push failed, the server's graphs are unchanged: {base}/query: "
                              + step.format(graph=second, base=base))
    assert "s3cret" not in message and "staging" not in message and "%3A" not in message


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


@pytest.mark.parametrize("status", [401, 403, 500])
def test_an_endpoint_answering_an_error_exits_2_with_one_line(built_dir, status):
    _Refuses.status = status
    with serving(_Refuses) as url:
        proc = run_cli("--endpoint", f"{url}/query", str(built_dir / "plan.trig"))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and f"HTTP {status}" in lines[0] and "no writes for you" in lines[0]
    # a 401 says where credentials go
    assert lines[0].endswith("give them in the URL (http://user:password@host/…)") == (status == 401)


class _WebPage(BaseHTTPRequestHandler):
    """A web site: 200 and a page, whatever is asked."""

    def log_message(self, *args):
        pass

    def _page(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b"<!DOCTYPE html><html><body>Welcome</body></html>\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_PUT = do_POST = do_DELETE = do_GET = _page


def test_a_web_page_answering_200_is_not_a_successful_push(built_dir):
    with serving(_WebPage) as url:
        proc = run_cli("--endpoint", url, str(built_dir / "plan.trig"))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert lines[-1] == (f"fengong: error: push not confirmed: {url}: checking the pushed graphs: "
                         "unexpected answer type text/html; is this a SPARQL endpoint?")
    assert not [line for line in lines[:-1] if not line.startswith("uploaded ")]


@pytest.mark.parametrize("bad", ["-1", "nan", "inf", "1e9", "soon"])
def test_a_bad_timeout_is_refused_in_one_line(run_main, bad):
    code, _, err = run_main(["push", "--endpoint", "http://127.0.0.1:9/query", "--timeout", bad])
    assert code == 2 and "Invalid value for '--timeout'" in err and "Traceback" not in err


def test_timeout_0_means_no_limit(oxigraph, run_main, monkeypatch):
    limits = []
    real = push_module.exchange
    monkeypatch.setattr(push_module, "exchange", lambda *a, **k: limits.append(a[4]) or real(*a, **k))
    code, _, err = run_main(["push", "-q", "--endpoint", f"{oxigraph}/query", "--timeout", "0"])
    assert code == 0, err
    assert graph_counts(oxigraph) == local_counts()
    assert limits and set(limits) <= {MAX_SECONDS, min(MAX_SECONDS, 10.0)}  # the longest there is (clean-up: 10 s)
    with pytest.raises(FengongError, match="timeout nan: give a number of seconds"):
        push(f"{oxigraph}/query", timeout=float("nan"))


def test_cli_push_reports_what_it_did(oxigraph, built_dir):
    given = oxigraph.replace("http://", "http://alice:s3cret@")  # Oxigraph takes (and ignores) credentials
    proc = run_cli("--endpoint", f"{given}/query", "--replace", "--format", "ntriples", str(built_dir / "plan.trig"))
    assert proc.returncode == 0, proc.stderr
    counts = local_counts(built_dir / "plan.trig")
    shown = oxigraph.replace("http://", "http://alice:***@")
    assert (f"pushed {len(counts)} graphs to {shown}/query ({len(counts) - 1} replaced, 1 added to): "
            f"{sum(counts.values())} triples") in proc.stderr
    assert "s3cret" not in proc.stderr
    assert graph_counts(oxigraph) == counts


def test_endpoint_layouts():
    oxigraph = Endpoints("http://h:7878/query", "http://h:7878/store", "http://h:7878/update")
    assert endpoints("http://h:7878/query") == endpoints("http://h:7878/query/") == endpoints("http://h:7878/") == oxigraph
    fuseki = Endpoints("http://h:3030/ds/sparql", "http://h:3030/ds/data", "http://h:3030/ds/update")
    assert endpoints("http://h:3030/ds/sparql") == endpoints("http://h:3030/ds/sparql/") == fuseki
    assert endpoints("http://h:3030/ds").gsp == endpoints("http://h:3030/ds/query").gsp == fuseki.gsp
    graphdb = Endpoints("http://h:7200/repositories/plans", "http://h:7200/repositories/plans/rdf-graphs/service",
                        "http://h:7200/repositories/plans/statements")
    assert endpoints("http://h:7200/repositories/plans") == endpoints("http://h:7200/repositories/plans/") == graphdb
    virtuoso = Endpoints("http://h:8890/sparql", "http://h:8890/sparql-graph-crud", "http://h:8890/sparql")
    assert endpoints("http://h:8890/sparql") == endpoints("http://h:8890/sparql/") == virtuoso
    assert endpoints("http://dba:pw@h:8890/sparql") == Endpoints(
        "http://dba:pw@h:8890/sparql", "http://dba:pw@h:8890/sparql-graph-crud-auth", "http://dba:pw@h:8890/sparql")
    auth = endpoints("http://h:8890/sparql-auth")
    assert (auth.gsp, auth.update) == ("http://h:8890/sparql-graph-crud-auth", "http://h:8890/sparql-auth")
    for url in ("http://h:7878/query", "http://h:3030/ds/sparql", "http://h:7200/repositories/plans", "http://h:8890/sparql"):
        given = endpoints(url, gsp="http://h/other/gsp", update="http://h/other/update")
        assert (given.gsp, given.update) == ("http://h/other/gsp", "http://h/other/update"), url


def test_an_update_endpoint_that_cannot_be_reached_leaves_the_graphs_unchanged(oxigraph):
    # No connection opened, so the update was never sent: "unchanged" is sure, not "may have".
    dead = f"http://127.0.0.1:{free_port()}/update"
    with pytest.raises(FengongError) as info:
        push(f"{oxigraph}/query", update=dead)
    message = str(info.value)
    assert message.startswith("push failed, the server's graphs are unchanged") and "cannot connect" in message
    assert "may have" not in message
    assert graph_counts(oxigraph) == {}  # the staged graphs were deleted
