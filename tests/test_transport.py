"""HTTP authentication with SPARQL servers: Basic first, Digest when the server asks for it."""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler

import pytest

from fengong import FengongError
from fengong.remote import RemoteStore
from fengong.transport import Digest, challenges, exchange
from stubs import serving

# RFC 7616, section 3.9.1: the same request answered with MD5 and with SHA-256.
RFC = {"realm": "http-auth@example.org", "qop": "auth, auth-int",
       "nonce": "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "opaque": "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"}
RFC_CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"


def _fields(header: str) -> dict[str, str]:
    # The standard library's own reader of auth-params, not fengong's.
    scheme, _, rest = header.partition(" ")
    return {"scheme": scheme, **urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))}


@pytest.mark.parametrize("algorithm, response", [
    ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),
    ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
])
def test_digest_answers_the_rfc_7616_examples(algorithm, response):
    header = Digest({**RFC, "algorithm": algorithm}).authorization("Mufasa", "Circle of Life", "GET", "/dir/index.html",
                                                                    cnonce=RFC_CNONCE)
    f = _fields(header)
    assert f["scheme"] == "Digest" and f["response"] == response
    assert (f["username"], f["uri"], f["qop"], f["nc"], f["cnonce"], f["opaque"], f["algorithm"]) == (
        "Mufasa", "/dir/index.html", "auth", "00000001", RFC_CNONCE, RFC["opaque"], algorithm)


def test_each_use_of_a_nonce_is_counted():
    d = Digest({**RFC, "algorithm": "MD5"})
    counts = [_fields(d.authorization("u", "p", "GET", "/q"))["nc"] for _ in range(3)]
    assert counts == ["00000001", "00000002", "00000003"]


def test_a_challenge_without_qop_is_answered_the_rfc_2069_way():
    d = Digest({"realm": "r", "nonce": "n"})
    f = _fields(d.authorization("u", "p", "GET", "/q"))
    md5 = lambda s: hashlib.md5(s.encode()).hexdigest()  # noqa: E731
    assert f["response"] == md5(f"{md5('u:r:p')}:n:{md5('GET:/q')}") and "qop" not in f and "nc" not in f


def test_challenges_are_read_with_quoted_escapes_and_several_headers():
    got = challenges(['Basic realm="x"', 'Digest Realm="a \\"b\\"", NONCE=abc, qop="auth"'])
    assert got == [("basic", {"realm": "x"}), ("digest", {"realm": 'a "b"', "nonce": "abc", "qop": "auth"})]


def test_an_unknown_algorithm_or_an_auth_int_only_challenge_is_not_answered():
    assert not Digest({"nonce": "n", "algorithm": "SHA-512-256"}).usable
    assert not Digest({"nonce": "n", "qop": "auth-int"}).usable
    assert Digest({"nonce": "n", "algorithm": "sha-256-sess", "qop": "auth"}).usable


class _DigestServer(BaseHTTPRequestHandler):
    """An endpoint that takes only Digest (MD5, qop=auth) for alice/s3cret, checked with the
    RFC's formula; it records each request's Authorization header and body."""

    nonce = "nonce-1"
    user = "alice"
    bare = False  # as Virtuoso 7.2: a 401 naming no scheme in answer to Basic
    seen: list[tuple[str, bytes]] = []

    def log_message(self, *args):
        pass

    def _challenge(self, stale: bool = False):
        body = b"401 Unauthorized"
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="virtuoso"')
        self.send_header("WWW-Authenticate", f'Digest realm="virtuoso", nonce="{self.nonce}", qop="auth", '
                         f'opaque="op", algorithm=MD5{", stale=true" if stale else ""}')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _valid(self, header: str) -> bool:
        if not header.startswith("Digest "):
            return False
        f = _fields(header)
        if f.get("nonce") != self.nonce or f.get("opaque") != "op":
            return False
        if "username*" in f:  # RFC 7616 3.4.4: UTF-8'' and percent-encoding
            charset, _, quoted = f["username*"].partition("''")
            name = urllib.parse.unquote(quoted, encoding=charset)
        else:
            name = f["username"]
        md5 = lambda s: hashlib.md5(s.encode()).hexdigest()  # noqa: E731
        if name != self.user:
            return False
        ha1, ha2 = md5(f"{name}:virtuoso:s3cret"), md5(f"{self.command}:{self.path}")
        return f["uri"] == self.path and f["response"] == md5(f"{ha1}:{self.nonce}:{f['nc']}:{f['cnonce']}:auth:{ha2}")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        header = self.headers.get("Authorization", "")
        type(self).seen.append((header, body))
        if self.bare and header.startswith("Basic "):
            self.send_response(401)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if not self._valid(header):
            self._challenge(stale=header.startswith("Digest") and f'nonce="{self.nonce}"' not in header)
            return
        data = json.dumps({"head": {}, "boolean": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_PUT = do_POST  # the digest covers the method: PUT is checked as PUT


@pytest.fixture
def digest_server():
    _DigestServer.seen = []
    _DigestServer.nonce = "nonce-1"
    _DigestServer.user = "alice"
    _DigestServer.bare = False
    with serving(_DigestServer) as url:
        yield int(url.rsplit(":", 1)[1])  # the port


def test_a_digest_server_is_answered_and_then_sent_digest_from_the_start(digest_server):
    url = f"http://alice:s3cret@127.0.0.1:{digest_server}/sparql-auth"
    assert RemoteStore(url, union=False).query("ASK { ?s ?p ?o }").boolean is True
    # Basic first (the server's 401 names Digest), then Digest with the same query.
    (first, body1), (second, body2) = _DigestServer.seen
    assert first.startswith("Basic ") and second.startswith("Digest ") and body1 == body2 != b""
    assert _fields(second)["nc"] == "00000001"
    # The same server later in the process: Digest at once, the nonce counted on.
    assert RemoteStore(url, union=False).query("ASK { ?s ?p ?o }").boolean is True
    assert len(_DigestServer.seen) == 3 and _fields(_DigestServer.seen[2][0])["nc"] == "00000002"


def test_a_bare_401_to_basic_is_asked_again_without_credentials_to_learn_the_scheme(digest_server):
    # Virtuoso 7.2's -auth endpoints answer Basic with a 401 that has no WWW-Authenticate.
    _DigestServer.bare = True
    url = f"http://alice:s3cret@127.0.0.1:{digest_server}/sparql-graph-crud-auth?graph=urn%3Ag"
    data = b"<http://a> <http://b> <http://c> .\n"
    assert exchange("PUT", url, data, {"Content-Type": "application/n-triples"}, timeout=10).status == 200
    headers = [h.split(" ", 1)[0] for h, _ in _DigestServer.seen]
    assert headers == ["Basic", "", "Digest"] and all(body == data for _, body in _DigestServer.seen)
    # Told once: the next request is Digest from the start.
    assert exchange("PUT", url, data, {"Content-Type": "application/n-triples"}, timeout=10).status == 200
    assert len(_DigestServer.seen) == 4 and _DigestServer.seen[3][0].startswith("Digest ")


def test_a_bare_401_to_everything_is_a_refusal_after_one_more_try(digest_server, monkeypatch):
    monkeypatch.setattr(_DigestServer, "bare", True)
    monkeypatch.setattr(_DigestServer, "_challenge", lambda self, stale=False: (self.send_response(401), self.send_header("Content-Length", "0"), self.end_headers()))
    url = f"http://alice:s3cret@127.0.0.1:{digest_server}/sparql-auth"
    answer = exchange("POST", url, b"query=ASK%7B%7D", {"Content-Type": "application/x-www-form-urlencoded"}, timeout=10)
    assert answer.status == 401 and len(_DigestServer.seen) == 2
    assert answer.refusal(url) == "; the server refused the user and password in the URL"


def test_a_stale_nonce_is_answered_with_the_new_one(digest_server):
    url = f"http://alice:s3cret@127.0.0.1:{digest_server}/sparql-auth"
    exchange("POST", url, b"query=ASK%7B%7D", {"Content-Type": "application/x-www-form-urlencoded"}, timeout=10)
    _DigestServer.nonce = "nonce-2"  # the server moves on: the nonce the client holds is stale
    answer = exchange("POST", url, b"query=ASK%7B%7D", {"Content-Type": "application/x-www-form-urlencoded"}, timeout=10)
    assert answer.status == 200
    assert [_fields(h).get("nonce") for h, _ in _DigestServer.seen[-2:]] == ["nonce-1", "nonce-2"]


def test_a_wrong_password_is_one_401_line_and_never_shown(digest_server):
    url = f"http://alice:wrong-pw@127.0.0.1:{digest_server}/sparql-auth"
    with pytest.raises(FengongError) as failed:
        RemoteStore(url, union=False).query("ASK { ?s ?p ?o }")
    message = str(failed.value)
    assert "401" in message and "wrong-pw" not in message and "alice:***@" in message and "\n" not in message
    assert message.endswith("the server refused the user and password in the URL")
    assert len(_DigestServer.seen) == 2  # Basic, then one Digest answer: no loop


def test_no_credentials_for_a_server_that_asks_says_where_they_go(digest_server):
    with pytest.raises(FengongError, match=r"HTTP 401 .*give them in the URL \(http://user:password@host/…\)$"):
        RemoteStore(f"http://127.0.0.1:{digest_server}/sparql-auth", union=False).query("ASK { ?s ?p ?o }")
    assert [h for h, _ in _DigestServer.seen] == [""]  # nothing to answer the challenge with: asked once


def test_an_upload_is_sent_again_whole_with_its_own_method_in_the_digest(digest_server):
    # push's Graph Store uploads go through the same exchange: the body is sent with the answer.
    url = f"http://alice:s3cret@127.0.0.1:{digest_server}/sparql-graph-crud-auth?graph=http%3A%2F%2Fg"
    data = "<http://a> <http://b> \"长江\" .\n".encode()
    answer = exchange("PUT", url, data, {"Content-Type": "application/n-triples"}, timeout=10)
    assert answer.status == 200
    assert [body for _, body in _DigestServer.seen] == [data, data]


class _BearerOnly(BaseHTTPRequestHandler):
    """An endpoint that wants a token (or Digest with a hash fengong does not make)."""

    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Bearer realm="x"')
        self.send_header("WWW-Authenticate", 'Digest realm="x", nonce="n", qop="auth", algorithm=SHA-512-256')
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_a_server_asking_for_what_fengong_cannot_give_says_so():
    with serving(_BearerOnly) as url, pytest.raises(FengongError) as failed:
        RemoteStore(url.replace("http://", "http://alice:pw@") + "/sparql", union=False).query("ASK { ?s ?p ?o }")
    assert str(failed.value).endswith("the server asks for authentication fengong cannot give (Bearer, Digest): "
                                      "only Basic and Digest (MD5, SHA-256, qop=auth)")


def test_a_user_name_outside_ascii_goes_as_username_star(digest_server):
    _DigestServer.user = "张三"
    url = f"http://%E5%BC%A0%E4%B8%89:s3cret@127.0.0.1:{digest_server}/sparql-auth"
    assert RemoteStore(url, union=False).query("ASK { ?s ?p ?o }").boolean is True
    assert "username*=UTF-8''%E5%BC%A0%E4%B8%89" in _DigestServer.seen[-1][0]


def test_a_line_break_in_the_credentials_is_refused_in_one_line_without_them(digest_server):
    url = f"http://a%0d%0aX-Evil:%20x:pw@127.0.0.1:{digest_server}/sparql-auth"
    with pytest.raises(FengongError) as failed:
        RemoteStore(url, union=False).query("ASK { ?s ?p ?o }")
    message = str(failed.value)
    assert "control character" in message and ":pw@" not in message and "\r" not in message and "\n" not in message
    assert _DigestServer.seen == []  # nothing was sent


def test_challenges_after_a_scheme_without_parameters_are_read():
    assert challenges(["Negotiate, Digest realm=\"r\", nonce=\"n\", qop=\"auth\""]) == [
        ("negotiate", {}), ("digest", {"realm": "r", "nonce": "n", "qop": "auth"})]
    assert challenges(["Negotiate abc==, NTLM"]) == [("negotiate", {}), ("ntlm", {})]


class _BasicOnly(BaseHTTPRequestHandler):
    """Another endpoint of the same server: Basic only."""

    seen: list[str] = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        header = self.headers.get("Authorization", "")
        type(self).seen.append(header)
        ok = header == "Basic " + base64.b64encode(b"alice:s3cret").decode()
        data = json.dumps({"head": {}, "boolean": True}).encode() if ok else b""
        self.send_response(200 if ok else 401)
        if not ok:
            self.send_header("WWW-Authenticate", 'Basic realm="x"')
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def test_a_server_known_for_digest_still_gets_basic_where_only_basic_is_asked(monkeypatch):
    from fengong import transport

    _BasicOnly.seen = []
    with serving(_BasicOnly) as url:
        port = int(url.rsplit(":", 1)[1])
        # As if an earlier request of this process had met a Digest challenge on this server.
        monkeypatch.setitem(transport._DIGESTS, ("http", "127.0.0.1", port, "alice"), Digest({"realm": "v", "nonce": "n"}))
        assert RemoteStore(f"http://alice:s3cret@127.0.0.1:{port}/basic", union=False).query("ASK { ?s ?p ?o }").boolean
    assert [h.split()[0] for h in _BasicOnly.seen] == ["Digest", "Basic"]
