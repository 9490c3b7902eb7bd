"""The HTTP SPARQL endpoint (`newskg serve`), talked to over real HTTP on loopback."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from corpus.errors import GraphError
from kg.sparql_http import make_server

EX = "https://newskg.org/id/entity/"
G = "https://newskg.org/graph/"
SCHEMA = "https://schema.org/"

# fmt: off
# (article graph, subject, predicate, object): a tiny graph of the documented model's shape
FACTS = [
    ("a1", "工业和信息化部", "name", "工业和信息化部"),
    ("a1", "张明", "name", "张明"),
    ("a1", "张明", "worksFor", "工业和信息化部"),
    ("a2", "中国信息通信研究院", "name", "中国信息通信研究院"),
    ("a2", "李华", "worksFor", "中国信息通信研究院"),
    ("a3", "李华", "name", "李华"),
]
# Accept header -> (content type answered, pyoxigraph results format to read it back)
SELECT_ACCEPT = [
    ("application/sparql-results+json", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/json", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/csv", "text/csv", None),  # CSV is lossy: pyoxigraph does not read it; the csv module does
    ("text/tab-separated-values", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ("text/csv;q=0.2, application/sparql-results+xml;q=0.9", "application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("*/*", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    (None, "application/sparql-results+json", ox.QueryResultsFormat.JSON),
]
GRAPH_ACCEPT = [
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/sparql-results+json,*/*;q=0.9", "text/turtle", ox.RdfFormat.TURTLE),
]
# every way of sending an update: (method, path, params, content type, body)
UPDATES = [
    ("GET", "/sparql", {"update": "INSERT DATA { <x:a> <x:b> <x:c> }"}, None, None),
    ("POST", "/sparql", {}, "application/sparql-update", "INSERT DATA { <x:a> <x:b> <x:c> }"),
    ("POST", "/sparql", {}, "application/x-www-form-urlencoded", "update=" + urllib.parse.quote("DROP ALL")),
    ("POST", "/sparql", {}, "application/x-www-form-urlencoded", "query=" + urllib.parse.quote("CLEAR ALL")),
    ("POST", "/sparql", {}, "application/sparql-query", "PREFIX s: <https://schema.org/>\n# comment\ndelete where { ?a s:name ?n }"),
    ("GET", "/sparql", {"query": "insert data { graph <x:g> { <x:a> <x:b> 'SELECT' } }"}, None, None),
    ("POST", "/update", {}, "application/sparql-update", "DELETE WHERE { ?s ?p ?o }"),
    ("POST", "/update", {}, "application/x-www-form-urlencoded", "update=" + urllib.parse.quote("LOAD <http://example.org/x>")),
    ("PUT", "/sparql", {"graph": "x:g"}, "application/n-triples", "<x:a> <x:b> <x:c> ."),
]
# hostile or broken requests -> expected status
HOSTILE = [
    ("binary body", "application/sparql-query", bytes(range(256)) * 4, 400),
    ("binary form", "application/x-www-form-urlencoded", b"\xff\xfe\x00query=\x80\x81", 400),
    ("NUL in query", "application/sparql-query", b"SELECT * WHERE { ?s ?p ?o \x00 }", 400),
    ("unknown content type", "image/png", b"\x89PNG\r\n", 415),
    ("federated SERVICE", "application/sparql-query", b"SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", 403),
    ("not SPARQL", "application/sparql-query", "这不是查询".encode("utf-8"), 400),
]
# fmt: on

NOISE = 150  # extra triples that make a 4-variable cross join hopelessly expensive


def fill_store(path: Path) -> None:
    store = ox.Store(str(path))
    quads = []
    for art, s, p, o in FACTS:
        obj = ox.Literal(o, language="zh") if p == "name" else ox.NamedNode(EX + o)
        quads.append(ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(SCHEMA + p), obj, ox.NamedNode(G + art)))
    for i in range(NOISE):
        quads.append(ox.Quad(ox.NamedNode(f"{EX}n{i}"), ox.NamedNode(SCHEMA + "position"), ox.Literal(i), ox.NamedNode(G + "noise")))
    store.extend(quads)
    store.flush()
    del store


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("http") / "store"
    fill_store(path)
    return path


@pytest.fixture(scope="module")
def server(store_dir):
    srv = make_server(store_dir, port=0, timeout=1.5, max_results=50, max_query_bytes=4096, workers=2, log=False,
                      prefixes={"schema": SCHEMA})
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


def request(server, method="GET", path="/sparql", params=None, ctype=None, body=None, accept=None, headers=None):
    """One HTTP request; returns (status, headers, body bytes) whatever the status."""
    url = server.url.rstrip("/") + path + ("?" + urllib.parse.urlencode(params) if params else "")
    data = body.encode("utf-8") if isinstance(body, str) else body
    h = dict(headers or {})
    if ctype:
        h["Content-Type"] = ctype
    if accept:
        h["Accept"] = accept
    req = urllib.request.Request(url, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def direct(store_dir, query):
    store = ox.Store.read_only(str(store_dir))
    return store.query(query, use_default_graph_as_union=True)


NAMES = "PREFIX schema: <https://schema.org/> SELECT ?s ?n WHERE { ?s schema:name ?n } ORDER BY ?n"


def test_get_select_json_matches_the_store(server, store_dir):
    status, headers, body = request(server, params={"query": NAMES})
    assert status == 200, body
    data = json.loads(body)
    got = [(b["s"]["value"], b["n"]["value"], b["n"]["xml:lang"]) for b in data["results"]["bindings"]]
    want = [(r["s"].value, r["n"].value, r["n"].language) for r in direct(store_dir, NAMES)]
    assert got == want
    assert ("https://newskg.org/id/entity/工业和信息化部", "工业和信息化部", "zh") in got


@pytest.mark.parametrize("accept,ctype,fmt", SELECT_ACCEPT)
def test_select_content_negotiation(server, accept, ctype, fmt):
    status, headers, body = request(server, params={"query": NAMES}, accept=accept)
    assert status == 200, body
    assert headers["Content-Type"].split(";")[0] == ctype
    if fmt is None:
        names = [r["n"] for r in csv.DictReader(io.StringIO(body.decode("utf-8")))]
    else:
        names = [r["n"].value for r in ox.parse_query_results(body, fmt)]
    assert sorted(names) == sorted(o for _, _, p, o in FACTS if p == "name")


@pytest.mark.parametrize("accept,ctype,fmt", GRAPH_ACCEPT)
def test_construct_content_negotiation(server, store_dir, accept, ctype, fmt):
    q = "PREFIX schema: <https://schema.org/> CONSTRUCT { ?a schema:worksFor ?b } WHERE { ?a schema:worksFor ?b }"
    status, headers, body = request(server, params={"query": q}, accept=accept)
    assert status == 200, body
    assert headers["Content-Type"].split(";")[0] == ctype
    assert {q.triple for q in ox.parse(body, fmt)} == set(direct(store_dir, q))


def test_format_parameter_overrides_accept(server):
    status, headers, body = request(server, params={"query": NAMES, "format": "csv"}, accept="application/sparql-results+json")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")


def test_unacceptable_type_is_406(server):
    status, _, body = request(server, params={"query": NAMES}, accept="image/png")
    assert status == 406 and b"application/sparql-results+json" in body


@pytest.mark.parametrize("ctype,encode", [
    ("application/sparql-query", lambda q: q.encode("utf-8")),
    ("application/x-www-form-urlencoded", lambda q: urllib.parse.urlencode({"query": q}).encode("ascii")),
])
def test_post_query(server, ctype, encode):
    status, _, body = request(server, "POST", ctype=ctype, body=encode(NAMES), accept="text/csv")
    assert status == 200, body
    assert "中国信息通信研究院" in body.decode("utf-8")


def test_ask(server):
    status, _, body = request(server, params={"query": "ASK { ?s <https://schema.org/worksFor> ?o }"})
    assert status == 200 and json.loads(body)["boolean"] is True


def test_union_default_graph_and_dataset_parameters(server):
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s <https://schema.org/worksFor> ?o }"
    _, _, body = request(server, params={"query": q})
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "2"  # from graphs a1 and a2
    _, _, body = request(server, params={"query": q, "default-graph-uri": G + "a2"})
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "1"


def test_server_prefixes_are_predefined(server):
    status, _, body = request(server, params={"query": "SELECT ?n WHERE { ?s schema:name ?n }"})
    assert status == 200, body


def test_cors_preflight_and_headers(server):
    status, headers, _ = request(server, "OPTIONS", headers={
        "Origin": "https://yasgui.triply.cc", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, accept"})
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "content-type" in headers["Access-Control-Allow-Headers"].lower()
    _, headers, _ = request(server, params={"query": NAMES}, headers={"Origin": "https://yasgui.triply.cc"})
    assert headers["Access-Control-Allow-Origin"] == "*"


def test_query_page_is_self_contained(server):
    status, headers, body = request(server, path="/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode("utf-8")
    assert "<textarea" in page and "sparql" in page
    assert "src=\"http" not in page and "href=\"http" not in page  # no CDN


@pytest.mark.parametrize("method,path,params,ctype,body", UPDATES)
def test_updates_are_refused(server, store_dir, method, path, params, ctype, body):
    before = len(list(direct(store_dir, "SELECT * WHERE { ?s ?p ?o }")))
    status, _, answer = request(server, method, path, params=params, ctype=ctype, body=body)
    assert status == 403, answer
    assert b"read-only" in answer
    assert len(list(direct(store_dir, "SELECT * WHERE { ?s ?p ?o }"))) == before


def test_bad_query_is_400_with_the_parser_message(server):
    status, _, body = request(server, params={"query": "SELECT * WHERE { ?s ?p }"})
    assert status == 400
    assert b"error at 1:" in body  # the parser's line:column


def test_result_cap(server):
    q = "SELECT ?s WHERE { ?s <https://schema.org/position> ?o }"
    status, _, body = request(server, params={"query": q})
    assert status == 413 and b"more than 50 results" in body
    status, _, body = request(server, params={"query": q + " LIMIT 50"})
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 50
    status, _, body = request(server, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert status == 413


def test_expensive_query_is_stopped_at_the_time_limit(server):
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?t ?h }"
    t0 = time.monotonic()
    status, _, body = request(server, params={"query": q})
    elapsed = time.monotonic() - t0
    assert status == 503 and b"time limit" in body
    assert 1.0 < elapsed < 1.5 + 8  # the limit, plus generous slack for a loaded machine
    for _ in range(3):  # the endpoint keeps answering after a stopped query
        status, _, body = request(server, params={"query": NAMES})
        assert status == 200, body


def test_concurrent_expensive_queries_do_not_block_forever(server):
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?t ?h }"
    results = []
    threads = [threading.Thread(target=lambda: results.append(request(server, params={"query": q})[0])) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results == [503, 503, 503]
    assert request(server, params={"query": NAMES})[0] == 200


def test_huge_query_is_413(server):
    q = "SELECT * WHERE { ?s ?p ?o } # " + "长" * 5000
    status, _, body = request(server, "POST", ctype="application/sparql-query", body=q)
    assert status == 413 and b"4096 bytes" in body
    status, _, body = request(server, params={"query": q})
    assert status in (413, 414)


@pytest.mark.parametrize("name,ctype,body,expected", HOSTILE)
def test_hostile_input(server, name, ctype, body, expected):
    status, _, answer = request(server, "POST", ctype=ctype, body=body)
    assert status == expected, (name, answer)
    assert request(server, params={"query": "ASK {}"})[0] == 200


def test_missing_query_parameter(server):
    status, _, body = request(server, params={"default-graph-uri": G + "a1"})
    assert status == 400 and b"query" in body


def test_rdflib_sparqlstore_client(server):
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    g = Graph(store=SPARQLStore(server.url + "sparql", returnFormat="json"))
    rows = list(g.query("SELECT ?a ?b WHERE { ?a <https://schema.org/worksFor> ?b }"))
    assert {str(b) for _, b in rows} == {EX + "工业和信息化部", EX + "中国信息通信研究院"}
    g2 = Graph(store=SPARQLStore(server.url + "sparql", method="POST", returnFormat="xml"))
    assert len(list(g2.query(NAMES))) == 4


def test_missing_store_is_a_clear_error(tmp_path):
    with pytest.raises(GraphError, match="no graph store"):
        make_server(tmp_path / "nothing", port=0, log=False)


def test_serve_command_over_http(store_dir):
    """The real CLI in a subprocess: prints its URL, answers a query, refuses an update."""
    exe = Path(sys.executable).with_name("newskg")
    proc = subprocess.Popen([str(exe), "serve", "--store", str(store_dir), "--port", "0", "--timeout", "5"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = proc.stdout.readline()
        assert "http://127.0.0.1:" in line, line
        url = line[line.index("http://"):].split()[0].rstrip("/")
        q = urllib.parse.urlencode({"query": "SELECT ?n WHERE { ?s schema:name ?n }"})
        with urllib.request.urlopen(f"{url}/sparql?{q}", timeout=30) as r:
            names = {b["n"]["value"] for b in json.load(r)["results"]["bindings"]}
        assert "李华" in names
        req = urllib.request.Request(f"{url}/update", data=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"})
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=30)
        assert e.value.code == 403
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
        workers = [int(p) for p in children.read_text().split()] if children.exists() else []
        assert workers or not children.exists()  # the query worker processes
        proc.terminate()  # SIGTERM stops the server and its query workers
        assert proc.wait(10) == 0
        for pid in workers:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def test_server_sees_a_rebuild(tmp_path):
    """Workers reopen the store when its files change (e.g. after `newskg build`)."""
    path = tmp_path / "store"
    fill_store(path)
    srv = make_server(path, port=0, timeout=10, workers=1, log=False)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    q = "ASK { ?s <https://schema.org/name> '新名字'@zh }"
    try:
        assert json.loads(request(srv, params={"query": q})[2])["boolean"] is False
        writer = ox.Store(str(path))  # a writer next to the read-only workers, as a build is
        writer.add(ox.Quad(ox.NamedNode(EX + "新"), ox.NamedNode(SCHEMA + "name"), ox.Literal("新名字", language="zh"),
                           ox.NamedNode(G + "a9")))
        writer.flush()
        del writer
        assert json.loads(request(srv, params={"query": q})[2])["boolean"] is True
    finally:
        srv.shutdown()
        srv.server_close()


CHROMIUM = os.environ.get("NEWSKG_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def test_query_page_runs_a_query_in_a_browser(server, browser):
    page = browser.new_page()
    try:
        page.goto(server.url, timeout=30_000)
        page.fill("#query", NAMES)
        page.click("#run")
        page.wait_for_selector("table td", timeout=30_000)
        cells = page.locator("table td").all_inner_texts()
        assert any("中国信息通信研究院" in c for c in cells)
        page.fill("#query", "SELECT * WHERE { ?s ?p }")
        page.click("#run")
        page.wait_for_selector("pre.error", timeout=30_000)
        assert "error at 1:" in page.inner_text("pre.error")
    finally:
        page.close()


CROSS_ORIGIN_FETCH = """async (url) => {
    try {
        const r = await fetch(url, {method: "POST",
            headers: {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
            body: "SELECT ?n WHERE { ?s <https://schema.org/name> ?n }"});
        return [r.status, (await r.json()).results.bindings.length];
    } catch (e) { return ["blocked", String(e)]; }
}"""


def test_cross_origin_page_can_query(server, store_dir, browser):
    """What a YASGUI page does: fetch from another origin, with a preflight (non-simple
    content type); the same request is blocked by the browser when CORS is off."""
    other = ThreadingHTTPServerForPage()
    no_cors = make_server(store_dir, port=0, workers=1, log=False, cors=False)
    threading.Thread(target=no_cors.serve_forever, daemon=True).start()
    page = browser.new_page()
    try:
        page.goto(other.url, timeout=30_000)
        assert page.evaluate(CROSS_ORIGIN_FETCH, server.url + "sparql") == [200, 4]
        assert page.evaluate(CROSS_ORIGIN_FETCH, no_cors.url + "sparql")[0] == "blocked"
    finally:
        page.close()
        other.close()
        no_cors.shutdown()
        no_cors.server_close()


class ThreadingHTTPServerForPage:
    """A blank page on another loopback port: a different origin from the endpoint."""

    def __init__(self):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Blank(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                body = b"<!DOCTYPE html><title>other origin</title>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Blank)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


READY = sorted((Path(__file__).parents[1] / "docs" / "queries").glob("*.rq"))


@pytest.fixture(scope="module")
def sample_server(tmp_path_factory):
    """The endpoint over the bundled sample's graph (built once by the real pipeline)."""
    pytest.importorskip("jieba")
    from kg_support import bundled_nquads

    path = tmp_path_factory.mktemp("sample") / "store"
    store = ox.Store(str(path))
    store.load(bundled_nquads(), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    from kg.vocab import PREFIXES

    srv = make_server(path, port=0, timeout=30, workers=2, log=False, prefixes=PREFIXES)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv, path
    srv.shutdown()
    srv.server_close()


@pytest.mark.parametrize("path", READY, ids=[p.stem for p in READY])
def test_ready_queries_answer_as_in_the_cli(sample_server, path):
    """Same union default graph and prefixes as `newskg sparql`: same rows for every ready query."""
    from kg.sparql import run_query

    srv, store_path = sample_server
    text = path.read_text(encoding="utf-8")
    status, _, body = request(srv, "POST", ctype="application/sparql-query", body=text)
    assert status == 200, body
    got = sorted(tuple(sorted((k, v["value"]) for k, v in b.items())) for b in json.loads(body)["results"]["bindings"])
    cli = run_query(ox.Store.read_only(str(store_path)), text)
    want = sorted(tuple(sorted((v, t.value) for v, t in zip(cli.variables, row) if t is not None)) for row in cli.rows)
    assert got == want


def test_ready_query_comparison_is_not_vacuous(sample_server):
    """Most ready queries have rows on the sample over HTTP, so the comparisons above mean
    something (each query asked here again: no state shared with another test)."""
    srv, _ = sample_server
    answered = 0
    for path in READY:
        status, _, body = request(srv, "POST", ctype="application/sparql-query", body=path.read_text(encoding="utf-8"))
        assert status == 200, (path.name, body)
        answered += bool(json.loads(body)["results"]["bindings"])
    assert answered >= len(READY) * 3 // 4, f"{answered} of {len(READY)} ready queries have rows"
