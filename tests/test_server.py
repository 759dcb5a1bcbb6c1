"""``fengong serve``: the SPARQL 1.1 Protocol endpoint and the static site, on the bundled plan."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse

import pyoxigraph as ox
import pytest

from fengong.build import bundled_dataset
from fengong import FengongError
from fengong.server import MAX_BODY, GraphSource, make_server, pick_format, run_query, safe_path

TOP_LEADS = """SELECT ?agency (COUNT(?task) AS ?n)
WHERE { ?a fg:leads ?task ; fg:shortLabel ?agency }
GROUP BY ?agency ORDER BY DESC(?n) ?agency LIMIT 3"""
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# Three copies of the whole graph joined: far too long to finish in the time limit.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def site(built_dir, tmp_path_factory):
    """A copy of a build, plus a secret beside it and symlinks that point out of it,
    dotfiles, a directory with an index, and a big file."""
    root = tmp_path_factory.mktemp("serve")
    site = root / "site"
    shutil.copytree(built_dir, site)
    (root / "secret.txt").write_text("top secret", encoding="utf-8")
    os.symlink(root / "secret.txt", site / "link.txt")
    os.symlink(root, site / "up")
    (site / "escape").mkdir()
    os.symlink(root / "secret.txt", site / "escape" / "index.html")  # a directory's index that leaves the site
    (site / ".hidden").write_text("top secret", encoding="utf-8")
    (site / ".git").mkdir()
    (site / ".git" / "config").write_text("top secret", encoding="utf-8")
    os.symlink(site / ".git" / "config", site / "dotlink.txt")
    (site / "docs").mkdir()
    (site / "docs" / "index.html").write_text("<a href='page.html'>docs index</a>", encoding="utf-8")
    with open(site / "big.bin", "wb") as fh:  # sparse: larger than any socket buffer, no disk used
        fh.truncate(64 << 20)
    return site


@pytest.fixture(scope="module")
def server(site):
    srv = make_server(GraphSource(nquads=bundled_dataset()), port=0, site=site, timeout=3, limit=50, workers=2, quiet=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def loud(server):
    """The server logging requests (to the captured stderr) for one test."""
    server.quiet = False
    yield server
    server.quiet = True


@pytest.fixture(scope="module")
def cors_server():
    """A second server, on a tiny graph, started with cors=True (as by --cors)."""
    srv = make_server(GraphSource(nquads=b'<http://a> <http://b> "c" <http://g> .'), port=0, timeout=10, limit=50,
                      workers=1, quiet=True, cors=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


def raw_exchange(server, data: bytes) -> bytes:
    """Send *data* as is on a fresh connection; everything the server answers until it closes."""
    with socket.create_connection(server.server_address[:2], timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


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
                                  "/nothing-here.html", "/plan.ttl%00.html", "/..\\secret.txt",
                                  "/escape/", "/escape", "/escape/index.html", "/.hidden", "/%2ehidden", "/.git/config",
                                  "/.git/", "/dotlink.txt"])
def test_paths_outside_the_site_are_404(server, path):
    resp, data = request(server, "GET", path)
    assert resp.status == 404
    assert b"top secret" not in data


def test_safe_path_resolves_inside_only(site):
    assert safe_path(site, "/plan.ttl") == (site / "plan.ttl").resolve()
    assert safe_path(site, "/%2e%2e/secret.txt") is None
    assert safe_path(site, "/link.txt") is None
    # The index a directory adds is resolved and checked too.
    assert safe_path(site, "/escape/") is None
    assert safe_path(site, "/docs/") == (site / "docs" / "index.html").resolve()


@pytest.mark.parametrize("path, location", [("/docs", "/docs/"), ("/docs?x=1&y=%E5%9F%8E", "/docs/?x=1&y=%E5%9F%8E"),
                                            ("//docs", "/docs/"), ("/./docs", "/docs/")])
def test_a_directory_without_its_slash_is_redirected(server, path, location):
    resp, data = request(server, "GET", path)
    assert resp.status == 301 and resp.getheader("Location") == location
    resp, data = request(server, "GET", location)
    assert resp.status == 200 and b"docs index" in data


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


# -- request bodies and parameters ----------------------------------------------------


def test_chunked_post_is_read_and_the_connection_stays_in_step(server, site):
    _, by_get = get_query(server, TOP_LEADS)
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=30)
    # An iterable body without a length goes out chunked (Transfer-Encoding: chunked).
    half = len(TOP_LEADS) // 2
    conn.request("POST", "/sparql", body=iter([TOP_LEADS[:half].encode(), TOP_LEADS[half:].encode()]),
                 headers={"Content-Type": "application/sparql-query"}, encode_chunked=True)
    resp = conn.getresponse()
    assert resp.status == 200 and json_rows(resp.read()) == json_rows(by_get)
    conn.request("GET", "/plan.ttl")  # the same connection: the chunks were not taken for a request
    resp = conn.getresponse()
    assert resp.status == 200 and resp.read() == (site / "plan.ttl").read_bytes()
    conn.close()


@pytest.mark.parametrize("framing, status", [
    (b"Transfer-Encoding: chunked\r\n\r\n%x\r\n" % (MAX_BODY + 1), b"413"),
    (b"Transfer-Encoding: chunked\r\n\r\nzz\r\n", b"400"),
    (b"Transfer-Encoding: gzip\r\n\r\n", b"501"),
    (b"Content-Length: 12abc\r\n\r\n", b"400"),
])
def test_bad_or_oversized_bodies_are_refused_and_closed(server, framing, status):
    answer = raw_exchange(server, b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n" + framing)
    assert answer.startswith(b"HTTP/1.1 " + status)
    assert answer.count(b"HTTP/1.1") == 1  # nothing left in the body was read as a request


def test_a_body_sent_with_get_is_read_not_taken_for_a_second_request(server):
    smuggled = b"GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n"
    answer = raw_exchange(server, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: localhost\r\n"
                                  + b"Content-Length: %d\r\n\r\n" % len(smuggled) + smuggled
                                  + b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    assert answer.count(b"HTTP/1.1 200") == 2 and b"text/html" not in answer  # the two queries, not the page


def test_conflicting_content_lengths_are_400(server):
    answer = raw_exchange(server, b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n"
                                  b"Content-Length: 9\r\nContent-Length: 100\r\n\r\nASK { } ")
    assert answer.startswith(b"HTTP/1.1 400") and b"conflicting Content-Length headers" in answer


@pytest.mark.parametrize("host, status", [
    ("evil.example", 421), ("evil.example:7878", 421), ("127.0.0.1.nip.io", 421), ("[::2]:80", 421),
    ("localhost", 200), ("LOCALHOST.:80", 200), ("127.0.0.1:7878", 200), ("127.1.2.3", 200), ("[::1]:7878", 200),
    ("app.localhost", 200), ("proxy.example.org", 200), ("[::1]evil.example", 421), ("localhost:80@evil.example", 421),
])
def test_a_host_that_is_not_loopback_is_refused_against_dns_rebinding(server, monkeypatch, host, status):
    monkeypatch.setattr(server, "allowed_hosts", {"proxy.example.org"})
    for path in ("/sparql?query=ASK%7B%7D", "/index.html"):
        answer = raw_exchange(server, f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        assert answer.startswith(b"HTTP/1.1 %d" % status), (host, path)
    if status == 421:
        text = answer.partition(b"\r\n\r\n")[2].decode("utf-8")
        assert text.count("\n") == 1 and "--allow-host" in text and host in text


def test_any_host_is_answered_when_listening_beyond_loopback(server, monkeypatch):
    monkeypatch.setattr(server, "loopback", False)  # as bound to 0.0.0.0: the name may be anything
    answer = raw_exchange(server, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: fengong.lan\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200")


def test_allowed_hosts_reach_the_server_from_the_command_line(monkeypatch):
    from click.testing import CliRunner

    from fengong.commands import serve as serve_module

    made = {}

    def fake_make_server(*args):
        made["args"] = args
        raise FengongError("stop here")

    monkeypatch.setattr(serve_module, "make_server", fake_make_server)
    result = CliRunner().invoke(serve_module.serve, ["--allow-host", "Proxy.Example.org.", "--allow-host", "b.example:8443"])
    assert result.exit_code != 0 and made["args"][-1] == ("Proxy.Example.org.", "b.example:8443")
    srv = make_server(GraphSource(nquads=b'<http://a> <http://b> "c" <http://g> .'), port=0, workers=1, quiet=True,
                      allowed_hosts=made["args"][-1])
    try:
        assert srv.host_allowed("proxy.example.org:80") and srv.host_allowed("B.EXAMPLE")
        assert not srv.host_allowed("c.example") and srv.host_allowed(None)
    finally:
        srv.server_close()


def test_a_silent_connection_is_closed_and_an_unfinished_body_is_408(server, monkeypatch):
    monkeypatch.setattr(server, "connection_timeout", 1.0)
    started = time.monotonic()
    answer = raw_exchange(server, b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n"
                                  b"Content-Length: 100\r\n\r\nASK")
    assert answer.startswith(b"HTTP/1.1 408") and b"not received within 1 s" in answer
    chunked = raw_exchange(server, b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n"
                                   b"Transfer-Encoding: chunked\r\n\r\n10\r\nASK")
    assert chunked.startswith(b"HTTP/1.1 408") and b"not received within 1 s" in chunked
    assert raw_exchange(server, b"") == b""  # a connection that sends nothing is closed, without an answer
    assert time.monotonic() - started < 8


@pytest.fixture
def one_connection():
    """A server that serves one connection at a time."""
    srv = make_server(GraphSource(nquads=b'<http://a> <http://b> "c" <http://g> .'), port=0, workers=1, quiet=True,
                      max_connections=1)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


def test_connections_past_the_cap_get_503_at_once(one_connection):
    server = one_connection
    with socket.create_connection(server.server_address[:2], timeout=10) as holder:
        holder.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert holder.recv(64).startswith(b"HTTP/1.1 200")  # served, and kept open (keep-alive)
        answer = raw_exchange(server, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 503") and b"too many connections" in answer
    deadline = time.monotonic() + 10  # the held slot comes back once that connection ends
    while raw_exchange(server, b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").startswith(b"HTTP/1.1 503"):
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_xml_results_carry_no_character_xml_forbids():
    import xml.dom.minidom

    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://b"), ox.Literal("x\ufffey\x07z\uffff"), ox.DefaultGraph()))
    answer = run_query(store, {"query": "SELECT ?o WHERE { ?s ?p ?o }", "accept": "application/sparql-results+xml"}, 10)
    doc = xml.dom.minidom.parseString(answer.body)
    assert doc.getElementsByTagName("literal")[0].firstChild.data == "x\ufffdy\ufffdz\ufffd"


@pytest.mark.parametrize("name", ["default-graph-uri", "named-graph-uri"])
def test_a_bad_graph_iri_is_400(server, name):
    resp, data = get_query(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", **{name: "not an iri"})
    assert resp.status == 400
    text = data.decode("utf-8")
    assert text.startswith(f"{name} is not an absolute IRI: 'not an iri'") and text.count("\n") == 1


def test_a_query_string_or_form_that_is_not_utf8_is_400(server):
    resp, data = request(server, "GET", "/sparql?query=SELECT%20%E9")
    assert resp.status == 400 and data == b"query string is not UTF-8\n"
    resp, data = request(server, "POST", "/sparql", b"query=SELECT%20%E9", {"Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status == 400 and data == b"request body is not UTF-8\n"


@pytest.mark.parametrize("query, message", [
    ("SELECT * WHERE { ?s ex:p ?o }", "invalid SPARQL query: unknown prefix 'ex:' at line 1, column 21; declare it (PREFIX ex: <…>)"),
    ("SELECT *\nWHERE {\n  ?s a ex:Thing }", "invalid SPARQL query: unknown prefix 'ex:' at line 3, column 8;"),
    ("SELECT * WHERE { ?s ?p ?o ", "invalid SPARQL query at line 1, column 27"),
])
def test_syntax_errors_are_one_short_line(server, query, message):
    resp, data = get_query(server, query)
    text = data.decode("utf-8")
    assert resp.status == 400 and text.startswith(message)
    assert text.count("\n") == 1 and len(text) < 400


# -- content negotiation -------------------------------------------------------------


@pytest.mark.parametrize("kind, accept, fmt", [
    ("solutions", None, "json"), ("solutions", "*/*", "json"), ("graph", "*/*", "turtle"),
    ("solutions", "text/*", "csv"), ("solutions", "text/*, text/csv;q=0", "tsv"),
    ("solutions", "application/*", "json"), ("graph", "text/*", "turtle"), ("graph", "application/*", "jsonld"),
    ("solutions", "text/csv;Q=0.1, application/sparql-results+xml;q=0.5", "xml"),
    ("solutions", "text/*;q=0.2, text/tab-separated-values;q=0.3, */*;q=0.1", "tsv"),
    ("solutions", "*/*, text/csv", "csv"),  # the more specific range wins a tie
    ("solutions", "application/sparql-results+json;q=0, */*", "xml"),  # not JSON through its alias either
    ("solutions", "image/png", None), ("solutions", "text/html", None), ("solutions", "application/sparql-results+json;q=0", None),
    ("solutions", "text/turtle", None), ("graph", "application/sparql-results+json", None), ("graph", "text/csv", None),
    ("solutions", "text/csv;q=nan", None),
])
def test_pick_format(kind, accept, fmt):
    assert pick_format(kind, accept, None) == fmt


def test_the_worker_refuses_what_the_accept_header_excludes():
    # The server refuses before the query runs when it can tell the form; the worker checks again.
    store = ox.Store()
    assert run_query(store, {"query": "ASK {}", "accept": "text/turtle"}, 10).status == 406
    assert run_query(store, {"query": "CONSTRUCT WHERE { ?s ?p ?o }", "accept": "text/csv"}, 10).status == 406
    # ASK has no CSV or TSV form: JSON or XML when the client takes them, else 406.
    assert run_query(store, {"query": "ASK {}", "accept": "text/*"}, 10).status == 406
    assert run_query(store, {"query": "ASK {}", "accept": "text/xml"}, 10).content_type.startswith("application/sparql-results+xml")


@pytest.mark.parametrize("accept, status, ctype", [
    ("text/csv, application/sparql-results+json;q=0.5", 200, "application/sparql-results+json"),
    ("text/tab-separated-values, application/sparql-results+xml;q=0.1", 200, "application/sparql-results+xml"),
    ("text/csv", 406, "text/plain"),
])
def test_ask_comes_as_json_or_xml_never_csv(server, accept, status, ctype):
    resp, data = get_query(server, 'ASK { ?a fg:shortLabel "公安厅"@zh }', accept)
    assert resp.status == status and resp.getheader("Content-Type").startswith(ctype)
    if status == 406:
        assert "ASK results are offered as application/sparql-results+json, application/sparql-results+xml" in data.decode("utf-8")
    resp, data = get_query(server, "ASK {}", None, format="csv")
    assert resp.status == 200 and json.loads(data) == {"head": {}, "boolean": True}  # format=csv means nothing to ASK


@pytest.mark.parametrize("query, accept, offered", [
    (TOP_LEADS, "image/png", "text/csv"),
    (TOP_LEADS, "text/html", "application/sparql-results+json"),
    (TOP_LEADS, "application/sparql-results+json;q=0", "application/sparql-results+xml"),
    (TOP_LEADS, "text/turtle, application/ld+json", "text/tab-separated-values"),
    ('ASK { ?a fg:shortLabel "公安厅"@zh }', "application/n-triples", "application/sparql-results+json"),
    ("DESCRIBE <https://w3id.org/fengong/id/agency/gx-housing>", "application/sparql-results+json", "text/turtle"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1", "text/csv", "application/n-triples"),
])
def test_an_accept_header_admitting_nothing_we_write_is_406(server, query, accept, offered):
    resp, data = get_query(server, query, accept)
    text = data.decode("utf-8")
    assert resp.status == 406 and text.startswith("not acceptable:") and offered in text and text.count("\n") == 1


def test_the_format_parameter_still_wins_over_accept(server):
    resp, data = get_query(server, TOP_LEADS, "image/png", format="csv")
    assert resp.status == 200 and resp.getheader("Content-Type").startswith("text/csv")
    resp, data = get_query(server, TOP_LEADS, "text/*;q=0.5, application/sparql-results+xml;Q=0.4")
    assert resp.status == 200 and resp.getheader("Content-Type").startswith("text/csv")
    assert "Accept" in resp.getheader("Vary")


@pytest.mark.parametrize("path, accept", [
    ("/sparql", None),
    ("/sparql?" + urllib.parse.urlencode({"query": TOP_LEADS}), "text/tab-separated-values"),
    ("/sparql?" + urllib.parse.urlencode({"query": "SELECT ?t WHERE { ?t a fg:Task }"}), None),
    ("/sparql?" + urllib.parse.urlencode({"query": "DESCRIBE <https://w3id.org/fengong/id/agency/gx-housing>"}), None),
    ("/plan.ttl", None),
    ("/docs", None),
])
def test_head_sends_the_headers_of_get(server, path, accept):
    headers = {"Accept": accept} if accept else {}
    got, body = request(server, "GET", path, headers=headers)
    head, nothing = request(server, "HEAD", path, headers=headers)
    assert nothing == b"" and head.status == got.status
    for name in ("Content-Type", "Content-Length", "Fengong-Truncated", "Location"):
        assert head.getheader(name) == got.getheader(name), name
    assert int(head.getheader("Content-Length")) == len(body) > 0


# -- logging, disconnects, IPv6 ---------------------------------------------------------


def test_control_characters_are_escaped_in_the_log(loud, capsys):
    answer = raw_exchange(loud, b"GET /\x1b[2J\x07here HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 404")
    err = capsys.readouterr().err
    assert "GET /\\x1b[2J\\x07here HTTP/1.1" in err and "\x1b" not in err and "\x07" not in err


def test_a_client_that_goes_away_leaves_one_line_not_a_traceback(loud, capsys):
    sock = socket.create_connection(loud.server_address[:2], timeout=30)
    sock.sendall(b"GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert sock.recv(64).startswith(b"HTTP/1.1 200")
    time.sleep(0.3)  # let the server fill the socket buffers
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
    sock.close()
    err = ""
    deadline = time.monotonic() + 15
    while "client went away" not in err and "Traceback" not in err and time.monotonic() < deadline:
        time.sleep(0.1)
        err += capsys.readouterr().err
    assert "Traceback" not in err
    assert [line for line in err.splitlines() if "went away" in line][0].endswith(("(ConnectionResetError)", "(BrokenPipeError)"))


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback here")
def test_an_ipv6_host_is_served():
    srv = make_server(GraphSource(nquads=b'<http://a> <http://b> "c" <http://g> .'), host="::1", port=0, workers=1, quiet=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        assert srv.url.startswith("http://[::1]:")
        resp, data = request(srv, "GET", "/sparql?" + urllib.parse.urlencode({"query": "SELECT ?o WHERE { ?s ?p ?o }", "format": "csv"}))
        assert resp.status == 200 and data == b"o\r\nc\r\n"
    finally:
        srv.shutdown()
        srv.server_close()


# -- OPTIONS and CORS ------------------------------------------------------------------


@pytest.mark.parametrize("path, allow", [("/sparql", "GET, HEAD, POST, OPTIONS"), ("/plan.ttl", "GET, HEAD, OPTIONS")])
def test_options_without_cors_is_a_clean_204(server, path, allow):
    resp, data = request(server, "OPTIONS", path, headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"})
    assert resp.status == 204 and data == b"" and resp.getheader("Allow") == allow
    assert resp.getheader("Access-Control-Allow-Origin") is None
    resp, _ = get_query(server, TOP_LEADS)
    assert resp.getheader("Access-Control-Allow-Origin") is None


def test_cors_preflight_and_answers(cors_server):
    resp, data = request(cors_server, "OPTIONS", "/sparql", headers={
        "Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert resp.status == 204 and data == b""
    assert resp.getheader("Access-Control-Allow-Origin") == "*"
    assert "POST" in resp.getheader("Access-Control-Allow-Methods")
    assert "Content-Type" in resp.getheader("Access-Control-Allow-Headers")
    form = urllib.parse.urlencode({"query": "SELECT ?o WHERE { ?s ?p ?o }"}).encode()
    resp, data = request(cors_server, "POST", "/sparql", form, {"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://yasgui.example"})
    assert resp.status == 200 and json_rows(data) == [{"o": "c"}]
    assert resp.getheader("Access-Control-Allow-Origin") == "*"
    assert "Fengong-Truncated" in resp.getheader("Access-Control-Expose-Headers")
    resp, data = get_query(cors_server, "SELEC nothing")  # errors are readable by the page too
    assert resp.status == 400 and resp.getheader("Access-Control-Allow-Origin") == "*"


def test_cors_stays_read_only(cors_server):
    resp, data = request(cors_server, "POST", "/sparql", b'INSERT DATA { <http://x> <http://y> "z" }', {"Content-Type": "application/sparql-update"})
    assert resp.status == 403
    resp, data = request(cors_server, "PUT", "/sparql", b"<http://x> <http://y> <http://z> .", {"Content-Type": "text/turtle"})
    assert resp.status == 405 and resp.getheader("Allow") == "GET, HEAD, POST, OPTIONS"
    resp, data = get_query(cors_server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert json_rows(data) == [{"n": "1"}]


# -- limits ----------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--timeout", "inf"], ["--timeout", "nan"], ["--timeout", "-1"], ["--timeout", "0"],
                                  ["--timeout", "1e300"], ["--limit", "0"], ["--limit", "-5"], ["--limit", "100000000000"]])
def test_serve_refuses_bad_limits_at_start_up(runner, monkeypatch, args):
    from fengong.commands import serve as command

    # Were the value let through, the server would start and serve forever: fail instead.
    monkeypatch.setattr(command, "make_server", lambda *a, **k: pytest.fail(f"started a server with {args}"))
    result = runner.invoke(command.serve, ["--port", "0", *args])
    assert result.exit_code == 2
    assert f"Invalid value for '{args[0]}'" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("timeout, limit", [(float("inf"), 10), (float("nan"), 10), (-1, 10), (10, 0), (10, 10**12), (10, 2.5)])
def test_make_server_refuses_bad_limits_before_starting_workers(timeout, limit):
    try:
        srv = make_server(GraphSource(nquads=b""), port=0, timeout=timeout, limit=limit, workers=1, quiet=True)
    except FengongError as exc:
        assert str(exc).startswith(("--timeout must be", "--limit must be"))
    else:
        srv.server_close()
        pytest.fail(f"a server started with timeout={timeout}, limit={limit}")


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
