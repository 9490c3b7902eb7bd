"""The endpoint's limits and connection handling under hostile or odd requests (issue 19,
items 6-8), over a real server on loopback: a query that doubles strings until it needs
gigabytes gets 503 and leaves the worker under 1 GB, an answer past the byte cap gets 413,
the next query is answered, keep-alive connections serve many requests with TCP_NODELAY,
and a query file or body that starts with a UTF-8 BOM runs."""
from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.sparql_http import make_server
from kg.vocab import PREFIXES
from newskg.cli import cli

NKG = PREFIXES["nkg"]
TEXT = "新闻联播" * 200  # 800 characters, 2,400 UTF-8 bytes per article text
ARTICLES = 60


def doubling_query(times: int, rows: int = 50) -> str:
    """The issue's hostile query: each BIND doubles the text (``times`` doublings)."""
    binds = " ".join(f"BIND(CONCAT(?t{i},?t{i}) AS ?t{i + 1})" for i in range(times))
    return f"SELECT ?t{times} WHERE {{ {{ SELECT ?t0 {{ ?s nkg:text ?t0 }} LIMIT {rows} }} {binds} }}"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("limits") / "store"
    st = ox.Store(str(path))
    st.extend([ox.Quad(ox.NamedNode(f"https://newskg.org/id/article/a{i}"), ox.NamedNode(NKG + "text"), ox.Literal(TEXT),
                       ox.NamedNode(f"https://newskg.org/graph/a{i}")) for i in range(ARTICLES)])
    st.flush()
    del st
    return path


@pytest.fixture(scope="module")
def server(store_dir):
    """Default memory limit per worker; a small answer cap so the byte test stays small."""
    srv = make_server(store_dir, port=0, timeout=60, workers=1, max_answer_bytes=200_000, log=False, prefixes=PREFIXES)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


def get(server, query: str, accept: str | None = None) -> tuple[int, str]:
    url = server.url + "sparql?" + urllib.parse.urlencode({"query": query})
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


class PeakMemory:
    """Polls the resident size of the server's worker processes (``/proc``) while it runs."""

    def __init__(self, server):
        self.server, self.peak_kb, self._stop = server, 0, threading.Event()
        self._t = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            for w in list(self.server.pool.workers):
                try:
                    with open(f"/proc/{w.proc.pid}/status") as f:
                        for line in f:
                            if line.startswith("VmRSS:"):
                                self.peak_kb = max(self.peak_kb, int(line.split()[1]))
                except OSError:
                    pass
            self._stop.wait(0.005)

    def __enter__(self) -> "PeakMemory":
        self._t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._t.join()


def test_doubling_query_is_503_and_the_worker_stays_under_1_gb(server):
    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc to watch the worker's memory")
    q = doubling_query(20)
    assert len(q.encode("utf-8")) < 1024
    with PeakMemory(server) as mem:
        status, text = get(server, q)
    assert status == 503, text
    assert "more than the 768 MB a query worker may use" in text
    assert 0 < mem.peak_kb < 1024 * 1024, f"worker peaked at {mem.peak_kb // 1024} MB"
    status, text = get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s nkg:text ?t }")
    assert status == 200 and json.loads(text)["results"]["bindings"][0]["n"]["value"] == str(ARTICLES)


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/csv"])
def test_answer_past_the_byte_cap_is_413(server, accept):
    q = doubling_query(3)  # 50 rows of 8 x 2,400 bytes: about 960 kB against a 200 kB cap
    status, text = get(server, q, accept)
    assert status == 413 and "larger than 200000 bytes" in text, text
    status, text = get(server, doubling_query(3, rows=5), accept)  # about 96 kB: answered
    assert status == 200, text
    assert text.count(TEXT * 8) == 5


def test_graph_answer_past_the_byte_cap_is_413(server):
    q = "CONSTRUCT { ?s nkg:big ?t3 } WHERE { ?s nkg:text ?t0 BIND(CONCAT(?t0,?t0) AS ?t1) BIND(CONCAT(?t1,?t1) AS ?t2) " \
        "BIND(CONCAT(?t2,?t2) AS ?t3) }"
    status, text = get(server, q, "application/n-triples")
    assert status == 413 and "larger than 200000 bytes" in text, text


def test_keep_alive_connection_serves_many_requests(server):
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.connect()
    first = conn.sock
    try:
        for i in range(20):
            conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": f"SELECT ({i} AS ?i) {{}}"}))
            r = conn.getresponse()
            body = r.read()
            assert r.status == 200 and json.loads(body)["results"]["bindings"][0]["i"]["value"] == str(i)
            assert r.getheader("Connection", "").lower() != "close"
        assert conn.sock is first  # one TCP connection throughout
    finally:
        conn.close()


def test_accepted_sockets_have_tcp_nodelay(store_dir):
    srv = make_server(store_dir, port=0, workers=1, log=False)
    try:
        client = socket.create_connection(srv.server_address[:2], timeout=10)
        conn, _ = srv.get_request()
        try:
            assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        finally:
            conn.close()
            client.close()
    finally:
        srv.server_close()


def test_response_head_and_body_arrive_together(server):
    """One write per answer: with the client reading as soon as anything arrives, the first
    read already holds the end of the headers and the whole (small) body."""
    host, port = server.server_address[:2]
    s = socket.create_connection((host, port), timeout=30)
    try:
        q = urllib.parse.quote("SELECT (1 AS ?one) {}")
        s.sendall(f"GET /sparql?query={q} HTTP/1.1\r\nHost: x\r\n\r\n".encode("ascii"))
        deadline = time.monotonic() + 30
        data = s.recv(65536)
        while not data and time.monotonic() < deadline:
            data = s.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
        assert len(body) == length and b'"one"' in body
    finally:
        s.close()


BOM = b"\xef\xbb\xbf"


def test_query_file_with_a_bom_runs(store_dir, tmp_path):
    f = tmp_path / "count.rq"
    f.write_bytes(BOM + b"# title: count\nSELECT (COUNT(*) AS ?n) WHERE { ?s nkg:text ?t }\n")
    r = CliRunner().invoke(cli, ["sparql", "-f", str(f), "--format", "csv", "--store", str(store_dir)])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == ["n", str(ARTICLES)]


def test_query_body_with_a_bom_runs(server):
    body = BOM + "SELECT (COUNT(*) AS ?n) WHERE { ?s nkg:text ?t }".encode("utf-8")
    req = urllib.request.Request(server.url + "sparql", data=body, method="POST",
                                 headers={"Content-Type": "application/sparql-query"})
    with urllib.request.urlopen(req, timeout=60) as r:
        assert r.status == 200
        assert json.loads(r.read())["results"]["bindings"][0]["n"]["value"] == str(ARTICLES)
