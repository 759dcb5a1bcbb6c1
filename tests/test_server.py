"""``fengong serve``: the SPARQL 1.1 Protocol endpoint and the static site, on the bundled plan."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

import pyoxigraph as ox
import pytest

from fengong.build import bundled_dataset
from fengong.server import GraphSource, make_server, safe_path

TOP_LEADS = """SELECT ?agency (COUNT(?task) AS ?n)
WHERE { ?a fg:leads ?task ; fg:shortLabel ?agency }
GROUP BY ?agency ORDER BY DESC(?n) ?agency LIMIT 3"""
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# Three copies of the whole graph joined: far too long to finish in the time limit.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def site(built_dir, tmp_path_factory):
    """A copy of a build, plus a secret beside it and symlinks that point out of it."""
    root = tmp_path_factory.mktemp("serve")
    site = root / "site"
    shutil.copytree(built_dir, site)
    (root / "secret.txt").write_text("top secret", encoding="utf-8")
    os.symlink(root / "secret.txt", site / "link.txt")
    os.symlink(root, site / "up")
    return site


@pytest.fixture(scope="module")
def server(site):
    srv = make_server(GraphSource(nquads=bundled_dataset()), port=0, site=site, timeout=3, limit=50, workers=2, quiet=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def request(server, method, path, body=None, headers=None):
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp, data


def get_query(server, query, accept=None, **params):
    qs = urllib.parse.urlencode({"query": query, **params})
    return request(server, "GET", f"/sparql?{qs}", headers={"Accept": accept} if accept else {})


def json_rows(data):
    doc = json.loads(data)
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


def triple_count(server):
    resp, data = get_query(server, COUNT_ALL, "application/sparql-results+json")
    return int(json_rows(data)[0]["n"])


# -- the protocol ------------------------------------------------------------------


def test_get_select_returns_sparql_json(server):
    resp, data = get_query(server, TOP_LEADS)
    assert resp.status == 200
    assert resp.getheader("Content-Type").startswith("application/sparql-results+json")
    doc = json.loads(data)
    assert doc["head"]["vars"] == ["agency", "n"]
    assert json_rows(data) == [{"agency": "住房城乡建设厅", "n": "26"}, {"agency": "发展改革委", "n": "16"}, {"agency": "公安厅", "n": "6"}]
    assert doc["results"]["bindings"][0]["agency"]["xml:lang"] == "zh"
    assert doc["results"]["bindings"][0]["n"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"


def test_post_form_and_direct_post_answer_like_get(server):
    _, by_get = get_query(server, TOP_LEADS)
    form = urllib.parse.urlencode({"query": TOP_LEADS}).encode()
    resp, by_form = request(server, "POST", "/sparql", form, {"Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status == 200 and json_rows(by_form) == json_rows(by_get)
    resp, direct = request(server, "POST", "/sparql", TOP_LEADS.encode(), {"Content-Type": "application/sparql-query"})
    assert resp.status == 200 and json_rows(direct) == json_rows(by_get)


@pytest.mark.parametrize(
    "accept, param, media, first_row",
    [
        ("text/csv", None, "text/csv", "住房城乡建设厅,26"),
        ("text/tab-separated-values", None, "text/tab-separated-values", '"住房城乡建设厅"@zh\t"26"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        (None, "csv", "text/csv", "住房城乡建设厅,26"),
        ("application/sparql-results+json", "tsv", "text/tab-separated-values", '"住房城乡建设厅"@zh\t"26"^^<http://www.w3.org/2001/XMLSchema#integer>'),
    ],
)
def test_tabular_formats_by_accept_and_format_param(server, accept, param, media, first_row):
    extra = {"format": param} if param else {}
    resp, data = get_query(server, TOP_LEADS, accept, **extra)
    assert resp.getheader("Content-Type").startswith(media)
    lines = data.decode("utf-8").splitlines()
    assert lines[1] == first_row
    assert len(lines) == 4  # header + 3 rows


def test_xml_results_parse_with_pyoxigraph(server):
    resp, data = get_query(server, TOP_LEADS, "application/sparql-results+xml")
    assert resp.getheader("Content-Type").startswith("application/sparql-results+xml")
    rows = list(ox.parse_query_results(data, format=ox.QueryResultsFormat.XML))
    assert [(r["agency"].value, r["agency"].language, r["n"].value) for r in rows] == [
        ("住房城乡建设厅", "zh", "26"), ("发展改革委", "zh", "16"), ("公安厅", "zh", "6")]


def test_ask(server):
    resp, data = get_query(server, 'ASK { ?a fg:shortLabel "公安厅"@zh }')
    assert json.loads(data) == {"head": {}, "boolean": True}
    resp, data = get_query(server, 'ASK { ?a fg:shortLabel "不存在厅"@zh }', "application/sparql-results+xml")
    assert b"<boolean>false</boolean>" in data


@pytest.mark.parametrize("accept, fmt", [("text/turtle", ox.RdfFormat.TURTLE), ("application/ld+json", ox.RdfFormat.JSON_LD),
                                         ("application/n-triples", ox.RdfFormat.N_TRIPLES), ("application/rdf+xml", ox.RdfFormat.RDF_XML)])
def test_construct_in_graph_formats(server, accept, fmt):
    q = 'CONSTRUCT { ?a skos:prefLabel ?l } WHERE { ?a fg:shortLabel "公安厅"@zh ; skos:prefLabel ?l }'
    resp, data = get_query(server, q, accept)
    assert resp.status == 200 and resp.getheader("Content-Type").startswith(accept)
    labels = sorted((t.object.value, t.object.language) for t in ox.parse(data, format=fmt))
    assert labels == [("Guangxi Department of Public Security", "en"), ("广西壮族自治区公安厅", "zh")]


def test_describe_defaults_to_turtle(server):
    resp, data = get_query(server, "DESCRIBE <https://w3id.org/fengong/id/agency/gx-housing>")
    assert resp.getheader("Content-Type").startswith("text/turtle")
    shorts = [t.object.value for t in ox.parse(data, format=ox.RdfFormat.TURTLE) if t.predicate.value.endswith("#shortLabel")]
    assert shorts == ["住房城乡建设厅"]


def test_dataset_parameters_pick_graphs(server):
    shared = "https://w3id.org/fengong/id/graph/shared"
    _, data = get_query(server, "SELECT (COUNT(?t) AS ?n) WHERE { ?t a fg:Task }", **{"default-graph-uri": shared})
    assert json_rows(data) == [{"n": "0"}]  # tasks live in the plan's graph, not the shared one
    _, data = get_query(server, "SELECT (COUNT(?t) AS ?n) WHERE { ?t a fg:Task }")
    assert json_rows(data) == [{"n": "66"}]


def test_row_limit_truncates_and_says_so(server):
    resp, data = get_query(server, "SELECT ?t WHERE { ?t a fg:Task }")
    assert len(json_rows(data)) == 50  # 66 tasks, --limit 50
    assert resp.getheader("Fengong-Truncated") == "true; limit=50"
    resp, data = get_query(server, TOP_LEADS)
    assert resp.getheader("Fengong-Truncated") is None


def test_syntax_error_is_400_with_message(server):
    resp, data = get_query(server, "SELEC ?x WHERE { ?x ?p ?o }")
    assert resp.status == 400 and data.startswith(b"invalid SPARQL query")


def test_runaway_query_is_stopped_and_the_server_recovers(server):
    started = time.monotonic()
    resp, data = get_query(server, RUNAWAY)
    assert resp.status == 503
    assert b"3 s time limit" in data
    assert time.monotonic() - started < 6
    # The killed worker is replaced; the other one answers meanwhile.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        resp, data = get_query(server, TOP_LEADS)
        if resp.status == 200:
            break
    assert json_rows(data)[0] == {"agency": "住房城乡建设厅", "n": "26"}


# -- read-only -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path, body, ctype",
    [
        ("POST", "/sparql", b"DROP ALL", "application/sparql-update"),
        ("POST", "/sparql", urllib.parse.urlencode({"update": "DROP ALL"}).encode(), "application/x-www-form-urlencoded"),
        ("GET", "/sparql?" + urllib.parse.urlencode({"query": "DROP ALL"}), None, None),
        ("GET", "/sparql?" + urllib.parse.urlencode({"query": 'INSERT DATA { <http://x> <http://y> "z" }'}), None, None),
        ("POST", "/sparql", b"PREFIX : <http://x/>\nDELETE WHERE { ?s ?p ?o }", "application/sparql-query"),
        ("GET", "/sparql?" + urllib.parse.urlencode({"update": "CLEAR ALL"}), None, None),
    ],
)
def test_updates_are_refused_with_403(server, method, path, body, ctype):
    before = triple_count(server)
    resp, data = request(server, method, path, body, {"Content-Type": ctype} if ctype else {})
    assert resp.status == 403
    assert b"read-only" in data
    assert triple_count(server) == before == 8440


@pytest.mark.parametrize("method, path", [("PUT", "/sparql"), ("DELETE", "/sparql"), ("PUT", "/plan.ttl"),
                                          ("DELETE", "/index.html"), ("POST", "/index.html"), ("PATCH", "/plan.ttl")])
def test_writes_to_anything_are_405(server, site, method, path):
    before = (site / "plan.ttl").read_bytes()
    resp, data = request(server, method, path, b"<http://x> <http://y> <http://z> .", {"Content-Type": "text/turtle"})
    assert resp.status == 405 and b"read-only" in data
    assert (site / "plan.ttl").read_bytes() == before


def test_service_is_refused(server):
    resp, data = get_query(server, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert resp.status == 403 and b"SERVICE" in data


def test_keywords_inside_strings_are_not_updates(server):
    resp, data = get_query(server, 'SELECT ?a WHERE { ?a fg:shortLabel ?l FILTER(?l = "DROP ALL"@zh) }')
    assert resp.status == 200 and json_rows(data) == []


# -- the site ------------------------------------------------------------------------


def test_site_pages_are_served(server, site):
    resp, data = request(server, "GET", "/")
    assert resp.status == 200 and data == (site / "index.html").read_bytes()
    resp, data = request(server, "GET", "/plan.ttl")
    assert resp.getheader("Content-Type") == "text/turtle; charset=utf-8"
    assert data == (site / "plan.ttl").read_bytes()
    resp, _ = request(server, "HEAD", "/plan.trig")
    assert resp.status == 200 and int(resp.getheader("Content-Length")) == (site / "plan.trig").stat().st_size


@pytest.mark.parametrize("path", ["/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/..%2fsecret.txt",
                                  "//etc/passwd", "/%2Fetc%2Fpasswd", "/link.txt", "/up/secret.txt", "/up/",
                                  "/nothing-here.html", "/plan.ttl%00.html", "/..\\secret.txt"])
def test_paths_outside_the_site_are_404(server, path):
    resp, data = request(server, "GET", path)
    assert resp.status == 404
    assert b"top secret" not in data


def test_safe_path_resolves_inside_only(site):
    assert safe_path(site, "/plan.ttl") == (site / "plan.ttl").resolve()
    assert safe_path(site, "/%2e%2e/secret.txt") is None
    assert safe_path(site, "/link.txt") is None


def test_binds_localhost_by_default(server):
    assert server.server_address[0] == "127.0.0.1"
    from fengong.commands.serve import serve

    assert {p.name: p.default for p in serve.params}["host"] == "127.0.0.1"


# -- standard clients ----------------------------------------------------------------


def test_rdflib_sparqlstore_gets_the_same_rows_as_local(server, store):
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    remote = Graph(SPARQLStore(f"{server.url}/sparql"))
    q = """PREFIX fg: <https://w3id.org/fengong/ontology#>
           SELECT ?task ?number WHERE { <https://w3id.org/fengong/id/agency/gx-public-security> fg:leads ?task .
                                        ?task fg:number ?number } ORDER BY ?number"""
    remote_rows = [(str(r[0]), int(r[1])) for r in remote.query(q)]
    local_rows = [(r[0].value, int(r[1].value)) for r in store.query(q).rows]
    assert remote_rows == local_rows
    assert [n for _, n in remote_rows] == [2, 17, 39, 46, 47, 48]
    constructed = remote.query("PREFIX fg: <https://w3id.org/fengong/ontology#> CONSTRUCT { ?a fg:leads ?t } "
                               "WHERE { ?a fg:leads ?t ; fg:shortLabel '住房城乡建设厅'@zh }")
    assert len(constructed) == 26


# -- the command ----------------------------------------------------------------------


def test_serve_command_starts_answers_and_stops_on_sigint(built_dir, tmp_path, ctrl_c_restored):
    proc = subprocess.Popen(
        [sys.executable, "-m", "fengong", "serve", "--port", "0", "--graph", str(built_dir / "plan.trig"),
         "--site", str(built_dir), "--workers", "1", "-q"],
        stderr=subprocess.PIPE, text=True, cwd=tmp_path, preexec_fn=ctrl_c_restored,
    )
    try:
        url = None
        for line in proc.stderr:
            if "SPARQL endpoint" in line:
                url = line.split()[2]
                break
        assert url and url.startswith("http://127.0.0.1:") and url.endswith("/sparql")
        import urllib.request

        with urllib.request.urlopen(url + "?" + urllib.parse.urlencode({"query": TOP_LEADS, "format": "csv"}), timeout=30) as resp:
            assert resp.read().decode("utf-8").splitlines()[1] == "住房城乡建设厅,26"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
        assert "stopped" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
