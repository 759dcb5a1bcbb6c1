"""RemoteStore: the query library over the SPARQL 1.1 Protocol, against ``fengong serve``.

The same comparison against a real Oxigraph server (after ``fengong push``) is in
test_push.py.
"""

from __future__ import annotations

import contextlib
import threading
from http.server import BaseHTTPRequestHandler

import pytest

from fengong import FengongError
from fengong.build import bundled_dataset
from fengong.querylib import list_queries, run_query
from fengong.remote import RemoteStore, bind_values, query_shape
from fengong.server import GraphSource, make_server
from fengong.store import QuerySyntaxError, Term, open_store
from stubs import serving

#: A value for every parameter the library's queries declare (required or not).
EXAMPLE_PARAMS = {"agency": "住房城乡建设厅", "city": "南宁", "task": "十七", "year": "2015", "min": "2"}


def normalised(result):
    """Rows (or triples) as sorted tuples, blank nodes renamed in order of appearance."""
    names: dict[str, str] = {}

    def norm(t):
        if t is None:
            return None
        if t.kind == "bnode":
            return ("bnode", names.setdefault(t.value, f"b{len(names)}"), None, None)
        return (t.kind, t.value, t.datatype, t.lang)

    if result.boolean is not None:
        return result.boolean
    rows = result.triples if result.triples is not None else result.rows
    return sorted((tuple(norm(t) for t in row) for row in rows), key=repr)


def params_for(info):
    missing = [p.name for p in info.params if p.required and p.name not in EXAMPLE_PARAMS]
    assert not missing, f"add example values for {missing} (query {info.name}) to EXAMPLE_PARAMS"
    return {p.name: EXAMPLE_PARAMS[p.name] for p in info.params if p.name in EXAMPLE_PARAMS}


@pytest.fixture(scope="module")
def endpoint():
    srv = make_server(GraphSource(nquads=bundled_dataset()), port=0, timeout=20, limit=100_000, workers=1, quiet=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"{srv.url}/sparql"
    srv.shutdown()
    srv.server_close()


@pytest.mark.parametrize("info", list_queries(), ids=lambda q: q.name)
def test_every_library_query_gives_the_same_rows_remotely(endpoint, store, info):
    remote = RemoteStore(endpoint)
    params = params_for(info)
    local = run_query(store, info, params)
    far = run_query(remote, info, params)
    assert far.vars == local.vars
    assert normalised(far) == normalised(local)


def test_parameterised_queries_are_not_empty(endpoint):
    # The comparison above means something only if the bound queries find rows.
    remote = RemoteStore(endpoint)
    by_name = {q.name: q for q in list_queries()}
    rows = run_query(remote, by_name["agency-tasks"], {"agency": "住房城乡建设厅"}).dicts()
    assert sum(1 for r in rows if r["role"] == "lead") == 26
    assert {r["label"] for r in rows} == {"住房城乡建设厅"}


def test_open_store_endpoint_and_params(endpoint):
    remote = open_store(endpoint=endpoint)
    assert isinstance(remote, RemoteStore)
    res = remote.query("SELECT ?task WHERE { ?a fg:leads ?task } ORDER BY ?task",
                       {"a": Term.uri("https://w3id.org/fengong/id/agency/gx-public-security")})
    assert len(res.rows) == 6
    assert res.rows[0][0] == Term.uri("https://w3id.org/fengong/id/task/gzbf-2014-94-17")
    assert len(remote) == 8440
    graph = remote.query('CONSTRUCT { ?a fg:shortLabel ?l } WHERE { ?a fg:shortLabel ?l ; skos:notation "housing" }')
    assert [t[2] for t in graph.triples] == [Term.literal("住房城乡建设厅", lang="zh")]
    assert remote.query('ASK { ?a fg:shortLabel "公安厅"@zh }').boolean is True


def test_a_hostile_parameter_stays_a_literal(endpoint):
    remote = RemoteStore(endpoint)
    hostile = Term.literal('公安厅"@zh } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o } #')
    text = bind_values("SELECT ?a WHERE { ?a fg:shortLabel ?l FILTER(STR(?l) = STR(?name)) }", {"name": hostile})
    assert query_shape(text).update is False  # the value is one escaped string literal
    assert remote.query("SELECT ?a WHERE { ?a fg:shortLabel ?l FILTER(STR(?l) = STR(?name)) }", {"name": hostile}).rows == []
    assert len(remote) == 8440
    with pytest.raises(FengongError, match="not a SPARQL variable name"):
        bind_values("SELECT ?a WHERE { ?a ?p ?o }", {"a } DROP ALL {": Term.literal("x")})


def test_values_go_where_the_parameter_is_used():
    q = ("CONSTRUCT { ?a ?p ?o } WHERE { { SELECT ?a WHERE { { ?a fg:shortLabel ?n FILTER(?n = ?name) } "
         "UNION { ?a skos:altLabel ?n FILTER(?n = ?name) } } } ?a ?p ?o VALUES ?x { 1 } }")
    bound = bind_values(q, {"name": Term.literal("公安厅", lang="zh")})
    # once in the outer WHERE group, once in each UNION branch that filters on it; never in the template
    assert bound.count('VALUES (?name) { ("公安厅"@zh) }') == 3
    assert bound.startswith("CONSTRUCT { ?a ?p ?o } WHERE { VALUES (?name)")
    with pytest.raises(QuerySyntaxError):
        bind_values("CONSTRUCT WHERE { ?a ?p ?name }", {"name": Term.literal("x")})


def test_a_parameter_returned_by_a_joined_sub_select_is_bound_inside_it_only():
    # Virtuoso 7 drops every row when a value bound in the outer group meets the same value
    # returned by a sub-SELECT over a UNION: the sub-SELECT binds it, for the same rows.
    sub = "{ SELECT ?name ?a WHERE { { ?a fg:shortLabel ?n FILTER(?n = ?name) } UNION { ?a skos:altLabel ?n FILTER(?n = ?name) } } }"
    value = Term.literal("公安厅", lang="zh")
    block = 'VALUES (?name) { ("公安厅"@zh) }'
    bound = bind_values(f"SELECT ?name ?a ?l WHERE {{ {sub} ?a fg:shortLabel ?l }}", {"name": value})
    assert bound.startswith(f"SELECT ?name ?a ?l WHERE {{ {{ SELECT ?name ?a WHERE {{ {block} {{")
    assert bound.count(block) == 3  # the sub-SELECT's WHERE group and each UNION branch
    # The outer group keeps its binding wherever the sub-SELECT might not bind the value on
    # every row: named in the outer group itself, an OPTIONAL or UNION branch, a sub-SELECT
    # that does not return it or computes its results.
    for query in (f"SELECT ?name ?a WHERE {{ {sub} ?a fg:note ?name }}",
                  f"SELECT ?name ?a WHERE {{ ?a a fg:Actor OPTIONAL {sub} }}",
                  f"SELECT ?name ?a WHERE {{ {sub} UNION {{ ?a a fg:Post }} }}",
                  f"SELECT ?name ?a WHERE {{ {{ ?a a fg:Post }} UNION {sub} }}",
                  f"SELECT ?name ?a WHERE {{ {sub.replace('SELECT ?name ?a', 'SELECT ?a')} }}",
                  f"SELECT ?name ?a WHERE {{ {sub.replace('SELECT ?name ?a', 'SELECT (?name AS ?m) ?a')} }}",
                  f"SELECT ?name ?a WHERE {{ {sub.replace('SELECT ?name ?a', 'SELECT *')} }}"):
        assert bind_values(query, {"name": value}).startswith(f"SELECT ?name ?a WHERE {{ {block}"), query


def test_errors_are_one_line_user_errors(endpoint, unused_port):
    with pytest.raises(QuerySyntaxError, match="HTTP 400"):
        RemoteStore(endpoint).query("SELEC ?x WHERE { ?x ?p ?o }")
    with pytest.raises(FengongError, match="cannot connect"):
        RemoteStore(f"http://127.0.0.1:{unused_port}/sparql").query("ASK { ?s ?p ?o }")
    with pytest.raises(FengongError, match="not an http"):
        RemoteStore("ftp://example.org/sparql")
    with pytest.raises(FengongError, match="HTTP 405 Method Not Allowed"):
        RemoteStore(endpoint.rsplit("/", 1)[0] + "/index.html").query("ASK { ?s ?p ?o }")


class _HtmlPage(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        data = b"<html><body>not an endpoint</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def test_a_web_page_is_not_an_endpoint():
    with serving(_HtmlPage) as url, pytest.raises(FengongError, match="unexpected answer type text/html; is this a SPARQL endpoint"):
        RemoteStore(f"{url}/").query("ASK { ?s ?p ?o }", timeout=10)


class _EmptyDefaultGraph(BaseHTTPRequestHandler):
    """An endpoint whose default graph is empty: answers ASK false, lists one named graph,
    and records the dataset each query asked for."""

    seen: list[list[str]] = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        import json
        import urllib.parse

        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        type(self).seen.append(form.get("default-graph-uri", []))
        q = form["query"][0]
        if q.startswith("ASK"):
            body = {"head": {}, "boolean": False}
        elif "GRAPH ?g" in q:
            body = {"head": {"vars": ["g"]}, "results": {"bindings": [{"g": {"type": "uri", "value": "http://g/plan"}}]}}
        else:
            body = {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "7"}}]}}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def test_an_empty_default_graph_is_replaced_by_the_named_graphs():
    _EmptyDefaultGraph.seen = []
    with serving(_EmptyDefaultGraph) as url:
        remote = RemoteStore(f"{url}/sparql")
        assert remote.query("SELECT ?n WHERE { ?s ?p ?n }").rows == [(Term.literal("7"),)]
        remote.query("SELECT ?n WHERE { ?s ?p ?n }")
    # ASK on the default graph, list the graphs, then every query names them; the probe runs once.
    assert _EmptyDefaultGraph.seen == [[], [], ["http://g/plan"], ["http://g/plan"]]


@pytest.fixture
def unused_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_timeouts_on_either_side_are_query_timeouts():
    from fengong.store import QueryTimeout

    srv = make_server(GraphSource(nquads=bundled_dataset()), port=0, timeout=2, workers=1, quiet=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    try:
        remote = RemoteStore(f"{srv.url}/sparql")
        with pytest.raises(QueryTimeout, match="did not answer within 0.5 s"):
            remote.query(runaway, timeout=0.5)  # the client gives up first
        with pytest.raises(QueryTimeout, match="ran past the 2 s time limit"):
            remote.query(runaway, timeout=30)  # the server stops it
    finally:
        srv.shutdown()
        srv.server_close()


# ---------------------------------------------------------------- reading a query's text safely

SSRF = """PREFIX ex: <http://x/>
SELECT * WHERE { VALUES ?z { ex:o#("
} SERVICE <http://127.0.0.1:9/sparql> { ?a ?b ?c }
#"
}"""


@pytest.mark.parametrize("query", [
    SSRF,  # "#" ends a prefixed name and starts a comment; the quote after it opens nothing
    'SELECT * WHERE { ?s ?p "\\u0022" . SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c } } #"',
    'SELECT * WHERE { ?s ?p ?o . \\u0053ERVICE <http://127.0.0.1:9/x> { ?a ?b ?c } }',
    "SELECT * WHERE { ?s ex:a\\#b ?o . service <x> {} }",
    "SELECT * WHERE { ?s ?p x.SERVICE <x> {} }",
    # Oxigraph reads a keyword with no break after it: these reach the network there.
    "SELECT * WHERE { SERVICESILENT<http://127.0.0.1:9/x> { ?s ?p ?o } }",
    "PREFIX ex: <http://127.0.0.1:9/> SELECT * WHERE { SERVICEex:foo { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE:foo { ?s ?p ?o } }",
    "PREFIX ex: <http://127.0.0.1:9/> SELECT * WHERE { ?s ?p 1.SERVICEex:foo { ?s ?p ?o } }",
])
def test_a_service_clause_is_found_however_it_is_written(query):
    assert query_shape(query).service


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "SERVICE <x> {}" }',
    "SELECT * WHERE { ?s <http://x/SERVICE> ?o } # SERVICE <x> {}",
    "SELECT * WHERE { ?s ?p '''\nSERVICE <x> {}\n''' }",
    "SELECT * WHERE { ?s <http://x/service> <http://x/SERVICE> }",
])
def test_the_word_service_in_strings_iris_or_comments_is_not_a_clause(query):
    assert not query_shape(query).service


def test_a_prefixed_name_holding_service_is_refused_to_be_safe():
    # Names cannot be told from a keyword run into them the way Oxigraph reads them.
    assert query_shape("SELECT * WHERE { ?s a ex:PublicService }").service


def test_non_ascii_prefixes_are_prefixed_names():
    from fengong.remote import _tokens

    q = "PREFIX 机构: <https://w3id.org/fengong/ontology#> SELECT ?s WHERE { ?s a 机构:Agency ; é:x ?o }"
    assert [t for _, t in _tokens(q)] == ["PREFIX", "SELECT", "?s", "WHERE", "{", "?s", "A", "?o", "}"]
    assert query_shape(q).form == "SELECT"


def test_the_server_refuses_a_hidden_service_clause_and_calls_no_one():
    import socket
    import urllib.error
    import urllib.parse
    import urllib.request

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    srv = make_server(GraphSource(nquads=bundled_dataset()), port=0, timeout=5, workers=1, quiet=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        body = urllib.parse.urlencode({"query": SSRF.replace("127.0.0.1:9", f"127.0.0.1:{port}")}).encode()
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(urllib.request.Request(f"{srv.url}/sparql", data=body), timeout=10)
        assert refused.value.code == 403
        with pytest.raises(socket.timeout):
            listener.accept()  # nobody called
    finally:
        srv.shutdown()
        srv.server_close()
        listener.close()


# ---------------------------------------------------------------- what an answer says besides its rows

def test_a_truncated_answer_is_noted():
    srv = make_server(GraphSource(nquads=bundled_dataset()), port=0, limit=5, workers=1, quiet=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        remote = RemoteStore(f"{srv.url}/sparql")
        assert len(remote.query("SELECT ?s WHERE { ?s ?p ?o }").rows) == 5
        assert remote.notes == [f"{srv.url}/sparql cut the answer off at its row limit of 5 rows; the result is incomplete"]
    finally:
        srv.shutdown()
        srv.server_close()


class _Stub(BaseHTTPRequestHandler):
    """A scripted endpoint: ``answer(handler, query)`` writes the reply; requests are recorded."""

    answer = None
    seen: list[tuple[dict, dict]] = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        import urllib.parse

        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        type(self).seen.append((dict(self.headers), form))
        type(self).answer(self, form["query"][0])

    def reply(self, body: dict | bytes, status: int = 200, headers: dict | None = None):
        import json

        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        for k, v in {"Content-Type": "application/sparql-results+json", "Content-Length": str(len(data)), **(headers or {})}.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def stub():
    _Stub.seen = []
    with serving(_Stub) as url:
        yield int(url.rsplit(":", 1)[1])  # the port


def _uri(v):
    return {"type": "uri", "value": v}


def test_a_default_graph_of_its_own_does_not_hide_the_named_graphs(stub):
    # The default graph holds other statements than the named graph's: the named graph is
    # read (as default-graph-uri) and the reader is told the default graph's own are left out.
    def answer(h, q):
        if q.startswith("ASK { ?s ?p ?o }"):
            h.reply({"head": {}, "boolean": True})
        elif q.startswith("ASK"):
            h.reply({"head": {}, "boolean": True})  # the probed statement is missing from it
        elif "DISTINCT ?g" in q:
            h.reply({"head": {"vars": ["g"]}, "results": {"bindings": [{"g": _uri("http://g/plan")}]}})
        elif "LIMIT 1" in q:
            h.reply({"head": {"vars": ["s", "p", "o"]}, "results": {"bindings": [
                {"s": _uri("http://x/s"), "p": _uri("http://x/p"), "o": _uri("http://x/o")}]}})
        else:
            h.reply({"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "7"}}]}})

    _Stub.answer = answer
    remote = RemoteStore(f"http://127.0.0.1:{stub}/sparql")
    assert remote.query("SELECT ?n WHERE { ?s ?p ?n }").rows == [(Term.literal("7"),)]
    assert _Stub.seen[-1][1]["default-graph-uri"] == ["http://g/plan"]
    assert len(remote.notes) == 1 and "default graph holds statements of its own" in remote.notes[0]


def test_a_union_default_graph_is_read_as_it_is(endpoint):
    # fengong serve's default graph is the union of its named graphs: no graph is listed.
    remote = RemoteStore(endpoint)
    remote.query("ASK { ?s ?p ?o }")
    assert remote._default_graphs == [] and remote.notes == []


def test_credentials_in_the_url_are_sent_and_never_shown(stub):
    import base64

    _Stub.answer = lambda h, q: h.reply(b"no", 500, {"Content-Type": "text/plain"})
    with pytest.raises(FengongError) as failed:
        RemoteStore(f"http://alice:s%3Acret@127.0.0.1:{stub}/sparql", union=False).query("ASK { ?s ?p ?o }")
    assert "s%3Acret" not in str(failed.value) and "alice:***@" in str(failed.value)
    assert _Stub.seen[0][0]["Authorization"] == "Basic " + base64.b64encode(b"alice:s:cret").decode()


def test_a_redirect_is_reported_with_where_it_points(stub):
    _Stub.answer = lambda h, q: h.reply(b"", 302, {"Location": "http://127.0.0.1:1/new/sparql", "Content-Type": "text/plain"})
    with pytest.raises(FengongError, match="HTTP 302 Found: the endpoint moved to http://127.0.0.1:1/new/sparql; give that URL"):
        RemoteStore(f"http://127.0.0.1:{stub}/sparql", union=False).query("ASK { ?s ?p ?o }")


def test_the_time_limit_covers_an_answer_that_trickles_in(stub):
    from fengong.store import QueryTimeout

    def answer(h, q):
        import time

        h.send_response(200)
        h.send_header("Content-Type", "application/sparql-results+json")
        h.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gives up first
            for byte in b'{"head": {}, "boolean": true}':  # a byte every 0.2 s: ~6 s in all
                h.wfile.write(bytes([byte]))
                h.wfile.flush()
                time.sleep(0.2)

    _Stub.answer = answer
    with pytest.raises(QueryTimeout, match="did not answer within 1 s"):
        RemoteStore(f"http://127.0.0.1:{stub}/sparql", union=False).query("ASK { ?s ?p ?o }", timeout=1)


def test_a_server_root_or_a_trailing_slash_names_the_query_endpoint():
    assert RemoteStore("http://127.0.0.1:7878").endpoint == "http://127.0.0.1:7878/query"
    assert RemoteStore("http://127.0.0.1:7878/query/").endpoint == "http://127.0.0.1:7878/query"
    assert RemoteStore("http://127.0.0.1:3030/ds/sparql").endpoint == "http://127.0.0.1:3030/ds/sparql"


def test_the_time_limit_covers_headers_that_trickle_in(stub):
    from fengong.store import QueryTimeout

    def answer(h, q):
        import time

        # A complete, well-formed answer, but its headers come a line every 0.2 s (~3 s in
        # all): each read is quick, so only a limit on the whole exchange stops it.
        h.close_connection = True
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gives up first
            h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n")
            for n in range(15):
                h.wfile.write(b"X-Pad-%d: 1\r\n" % n)
                h.wfile.flush()
                time.sleep(0.2)
            data = b'{"head": {}, "boolean": true}'
            h.wfile.write(b"Content-Length: %d\r\n\r\n%s" % (len(data), data))

    _Stub.answer = answer
    with pytest.raises(QueryTimeout, match="did not answer within 1 s"):
        RemoteStore(f"http://127.0.0.1:{stub}/sparql", union=False).query("ASK { ?s ?p ?o }", timeout=1)


def test_bad_urls_are_one_line_errors_and_paths_are_encoded(stub):
    for url, reason in [("http://127.0.0.1:99999/query", "Port out of range"), ("http://[::1/query", "Invalid IPv6 URL"),
                        ("http://u:pw@h:abc/query", "could not be cast")]:
        with pytest.raises(FengongError, match=reason) as failed:
            RemoteStore(url).query("ASK { ?s ?p ?o }")
        assert "pw" not in str(failed.value)
    _Stub.answer = lambda h, q: setattr(_Stub, "path", h.path) or h.reply({"head": {}, "boolean": True})
    assert RemoteStore(f"http://127.0.0.1:{stub}/数据/sparql", union=False).query("ASK { ?s ?p ?o }").boolean
    assert _Stub.path == "/%E6%95%B0%E6%8D%AE/sparql"


def test_an_endpoint_that_cannot_list_its_graphs_is_read_by_its_default_graph(stub):
    def answer(h, q):
        if "DISTINCT ?g" in q:
            h.reply(b"timed out", 503, {"Content-Type": "text/plain"})
        elif q.startswith("ASK"):
            h.reply({"head": {}, "boolean": True})
        else:
            h.reply({"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "7"}}]}})

    _Stub.answer = answer
    remote = RemoteStore(f"http://127.0.0.1:{stub}/sparql")
    assert remote.query("SELECT ?n WHERE { ?s ?p ?n }").rows == [(Term.literal("7"),)]
    assert "default-graph-uri" not in _Stub.seen[-1][1]
    assert len(remote.notes) == 1 and "could not list its named graphs" in remote.notes[0]


def test_an_answer_with_other_variables_is_an_error_and_reordered_ones_are_put_back(stub):
    swapped = {"head": {"vars": ["b", "a"]}, "results": {"bindings": [{"a": _uri("http://x/a"), "b": _uri("http://x/b")}]}}
    wrong = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": _uri("http://x/x")}]}}

    def answer(h, q):
        h.reply(swapped if "?a ?b" in q.split("WHERE")[0] else wrong)

    _Stub.answer = answer
    remote = RemoteStore(f"http://127.0.0.1:{stub}/sparql", union=False)
    result = remote.query("SELECT ?a ?b WHERE { ?a ?p ?b }")
    assert result.vars == ["a", "b"] and result.rows == [(Term.uri("http://x/a"), Term.uri("http://x/b"))]
    with pytest.raises(FengongError, match=r"answered with the variables \?x, not the query's \?a \?t; is this a SPARQL 1.1"):
        remote.query("SELECT ?a ?t WHERE { ?a ?p ?t }")
    assert remote.query("SELECT * WHERE { ?a ?p ?t }").vars == ["x"]  # SELECT * takes what comes
