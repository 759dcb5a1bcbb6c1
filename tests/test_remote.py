"""RemoteStore: the query library over the SPARQL 1.1 Protocol, against ``fengong serve``.

The same comparison against a real Oxigraph server (after ``fengong push``) is in
test_push.py.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from fengong import FengongError
from fengong.build import bundled_dataset
from fengong.querylib import list_queries, run_query
from fengong.remote import RemoteStore, bind_values, query_shape
from fengong.server import GraphSource, make_server
from fengong.store import QuerySyntaxError, Term, open_store

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
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _HtmlPage)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        with pytest.raises(FengongError, match="unexpected answer type text/html; is this a SPARQL endpoint"):
            RemoteStore(f"http://127.0.0.1:{srv.server_address[1]}/").query("ASK { ?s ?p ?o }", timeout=10)
    finally:
        srv.shutdown()
        srv.server_close()


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
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _EmptyDefaultGraph)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        _EmptyDefaultGraph.seen = []
        remote = RemoteStore(f"http://127.0.0.1:{srv.server_address[1]}/sparql")
        assert remote.query("SELECT ?n WHERE { ?s ?p ?n }").rows == [(Term.literal("7"),)]
        remote.query("SELECT ?n WHERE { ?s ?p ?n }")
        # ASK on the default graph, list the graphs, then every query names them; the probe runs once.
        assert _EmptyDefaultGraph.seen == [[], [], ["http://g/plan"], ["http://g/plan"]]
    finally:
        srv.shutdown()
        srv.server_close()


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
