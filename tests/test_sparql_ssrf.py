"""No SPARQL text, by any route or spelling, makes newskg open a network connection (issue 19,
item 1). A real listener on 127.0.0.1 counts the connections it accepts; every hostile query
goes through the library, the CLI (inline, -f file, --bind), the app's query function and
ready queries, the HTTP endpoint (GET, form POST, direct POST) and a query worker process
talked to directly; the count must stay zero and each route must say why it refused."""
from __future__ import annotations

import json
import socket
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
from click.testing import CliRunner

from corpus.errors import QueryError
from kg.browse import select_rows
from kg.sparql import run_query
from kg.sparql_http import WORKER, make_server
from kg.sparql_inspect import inspect_query
from kg.sparql_sandbox import call_without_network, deny_network, network_denied
from newskg.cli import cli

ANSWER = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"remote"}}]}}'


class Listener:
    """A TCP listener on loopback that answers every connection with one SPARQL JSON result
    and counts them (a stand-in for an internal service an attacker wants reached)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.settimeout(2)
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                             b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(ANSWER), ANSWER))
            except OSError:
                pass
            conn.close()

    def url(self, path: str = "x") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"


def spellings(lst: Listener | None) -> dict[str, str]:
    """Queries that pyoxigraph itself evaluates by connecting to the listener (checked by
    :func:`test_each_spelling_reaches_the_listener_without_the_guards`); ``None``: names only."""
    p = lst.port if lst else 9
    u = f"http://127.0.0.1:{p}/x"
    svc = f"SERVICE <{u}> {{ ?s ?p ?o }}"
    return {
        "plain": f"SELECT * WHERE {{ {svc} }}",
        "comment ends in CR": f"SELECT * WHERE {{ # x\r{svc} }}",
        "comment ends in LF mid-line": f'SELECT * WHERE {{ BIND(1 AS ?a) # """\n{svc} # """\n}} LIMIT 1',
        "lowercase": f"select * where {{ service <{u}> {{ ?s ?p ?o }} }}",
        "mixed case SILENT": f"SELECT * WHERE {{ SeRvIcE sIlEnT <{u}> {{ ?s ?p ?o }} }}",
        "no whitespace": f"SELECT*WHERE{{SERVICE<{u}>{{?s ?p ?o}}}}",
        "prefixed name": f"PREFIX r: <http://127.0.0.1:{p}/> SELECT * WHERE {{ SERVICE r:x {{ ?s ?p ?o }} }}",
        "empty prefix glued": f"PREFIX : <{u}> SELECT * WHERE {{ SERVICE:x{{?s ?p ?o}} }}",
        "relative IRI and BASE": f"BASE <http://127.0.0.1:{p}/> SELECT * WHERE {{ SERVICE <x> {{ ?s ?p ?o }} }}",
        "u escapes in the IRI": f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{p}/\\u0078\\U00000079> {{ ?s ?p ?o }} }}",
        "after a dot": f"SELECT * WHERE {{ BIND(1 AS ?z).SERVICE<{u}>{{?s ?p ?o}} }}",
        "glued to a number": f"SELECT * WHERE {{ ?a ?b 1SERVICE<{u}>{{?s ?p ?o}} }}",
        "glued to true": f"SELECT * WHERE {{ ?a ?b trueSERVICE<{u}>{{?s ?p ?o}} }}",
        "glued to UNDEF": f"SELECT * WHERE {{ VALUES ?x {{ UNDEF }}SERVICE<{u}>{{?s ?p ?o}} }}",
        "long string before": f'SELECT * WHERE {{ BIND("""a"b\n""" AS ?t) {svc} }}',
        "escaped quote before": f"SELECT * WHERE {{ BIND('a\\'#' AS ?t) {svc} }}",
        "escaped # in a prefixed name": f"PREFIX ex: <http://e/> SELECT * WHERE {{ BIND(ex:a\\#b AS ?t) {svc} }}",
        "less-than then string": f"SELECT * WHERE {{ BIND(1 AS ?a) FILTER(?a<'x>' || true) {svc} #'\n}}",
        "nested subquery": f"SELECT * WHERE {{ {{ SELECT * WHERE {{ {{ SELECT ?s WHERE {{ {svc} }} }} }} }} }}",
        "FILTER EXISTS": f"SELECT * WHERE {{ BIND(1 AS ?x) FILTER EXISTS {{ {svc} }} }}",
        "MINUS": f"SELECT * WHERE {{ BIND(1 AS ?x) MINUS {{ {svc} }} }}",
        "OPTIONAL": f"SELECT * WHERE {{ BIND(1 AS ?x) OPTIONAL {{ {svc} }} }}",
        "ASK": f"ASK {{ {svc} }}",
        "CONSTRUCT": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {svc} }}",
        "DESCRIBE": f"DESCRIBE ?s WHERE {{ {svc} }}",
    }


#: spellings pyoxigraph 0.5 refuses to parse but another SPARQL reading (codepoint escapes
#: decoded first, SPARQL 1.1 §19.2) would run: refused all the same
DECODED = {
    "u-escaped keyword": "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "u-escaped comment end": "SELECT * WHERE { BIND('a\\u0027 AS ?t) SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } #' }",
}
#: texts that mention "service" but call nothing: they must still run
HARMLESS = [
    'SELECT ?s WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/> { }" }',
    "SELECT ?s WHERE { ?s <https://schema.org/serviceType> ?o }",
    "PREFIX ex: <http://e/> SELECT ?service WHERE { ?service ex:SERVICE ?o . ?o ex:a\\-SERVICE ?x . ?x ex:b ?o2 }",
    "SELECT ?s WHERE { ?s ?p 'x'@en-SERVICE . ?s ?q _:serviceNode }",
    "SELECT ?s WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s ?p '''it's a\nSERVICE''' }",
    "SELECT ?s WHERE { ?s <http://x/SERVICE#a> ?o FILTER(LANG(?o) = 'service') }",
]


@pytest.fixture(scope="module")
def listener() -> Listener:
    lst = Listener()
    yield lst
    lst.sock.close()


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ssrf") / "store"
    st = ox.Store(str(path))
    st.add(ox.Quad(ox.NamedNode("https://newskg.org/id/entity/a"), ox.NamedNode("https://schema.org/name"),
                   ox.Literal("中国", language="zh"), ox.NamedNode("https://newskg.org/graph/a1")))
    st.flush()
    del st
    return path


@pytest.fixture(scope="module")
def server(store_dir):
    srv = make_server(store_dir, port=0, timeout=10, workers=1, log=False)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


def control_store() -> ox.Store:
    """An in-memory store where the spellings' triple patterns match (``?a ?b 1``, ``true``)."""
    st = ox.Store()
    for o in (ox.Literal(1), ox.Literal(True)):
        st.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/b"), o))
    return st


def test_each_spelling_reaches_the_listener_without_the_guards(listener):
    """The control: plain pyoxigraph, unguarded, connects for every spelling (so the zero
    counts below are the guards' doing)."""
    st = control_store()
    for name, q in spellings(listener).items():
        before = listener.accepted
        try:
            r = st.query(q)
            if not isinstance(r, ox.QueryBoolean):
                list(r)
        except (OSError, RuntimeError, SyntaxError):
            pass
        assert listener.accepted > before, f"{name}: pyoxigraph did not connect, the spelling proves nothing"


@pytest.mark.parametrize("name", list(spellings(None)))
def test_library_and_app_refuse(listener, store_dir, tmp_path, name):
    before = listener.accepted
    q = spellings(listener)[name]
    assert inspect_query(q).uses_service, name
    store = ox.Store.read_only(str(store_dir))
    with pytest.raises(QueryError, match="SERVICE"):
        run_query(store, q)
    with pytest.raises(QueryError, match="SERVICE"):
        select_rows(store, q)  # what the app's SPARQL page calls
    ready = tmp_path / "hostile.rq"
    ready.write_text(f"# title: hostile\n{q}\n", encoding="utf-8")
    with pytest.raises(QueryError, match="SERVICE"):
        select_rows(store, q, ready="hostile", folder=tmp_path)  # a ready query of the app
    assert listener.accepted == before


def test_spellings_refused_by_the_cli(listener, store_dir, tmp_path):
    before = listener.accepted
    runner = CliRunner()
    for name, q in spellings(listener).items():
        r = runner.invoke(cli, ["sparql", q, "--store", str(store_dir)])
        assert r.exit_code != 0 and "SERVICE" in r.output, (name, r.output)
        f = tmp_path / "q.rq"
        f.write_bytes(b"\xef\xbb\xbf" + q.encode("utf-8"))  # with a BOM too
        r = runner.invoke(cli, ["sparql", "-f", str(f), "--store", str(store_dir)])
        assert r.exit_code != 0 and "SERVICE" in r.output, (name, r.output)
    # a parameter bound into the service position of a ready query
    f = tmp_path / "bound.rq"
    f.write_text(f"# title: bound\n# param: u = <{listener.url('default')}>\nSELECT * WHERE {{ SERVICE ?u {{ ?s ?p ?o }} }}\n",
                 encoding="utf-8")
    r = runner.invoke(cli, ["sparql", "-f", str(f), "--bind", f"u={listener.url('bound')}", "--store", str(store_dir)])
    assert r.exit_code != 0 and "SERVICE" in r.output, r.output
    assert listener.accepted == before


def test_cli_process_refuses(listener, store_dir):
    """The installed command in its own process: non-zero exit, the reason on stderr."""
    before = listener.accepted
    q = spellings(listener)["comment ends in CR"]
    p = subprocess.run([sys.executable, "-c", "from newskg.cli import main; main()", "sparql", q, "--store", str(store_dir)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode != 0 and "SERVICE" in p.stderr + p.stdout, (p.stdout, p.stderr)
    assert listener.accepted == before


def _http(server, method: str, ctype: str | None, body: bytes | None, params: dict | None = None):
    url = server.url + "sparql" + ("?" + urllib.parse.urlencode(params) if params else "")
    req = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": ctype} if ctype else {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def test_spellings_refused_by_every_http_route(listener, server):
    before = listener.accepted
    for name, q in {**spellings(listener), **DECODED}.items():
        for method, ctype, body, params in (
            ("GET", None, None, {"query": q}),
            ("POST", "application/x-www-form-urlencoded", urllib.parse.urlencode({"query": q}).encode("ascii"), None),
            ("POST", "application/sparql-query", q.encode("utf-8"), None),
            ("POST", "application/sparql-query", b"\xef\xbb\xbf" + q.encode("utf-8"), None),
        ):
            status, text = _http(server, method, ctype, body, params)
            assert status == 403 and "SERVICE" in text, (name, method, ctype, status, text)
    assert listener.accepted == before


@pytest.mark.parametrize("name", list(DECODED))
def test_decoded_readings_are_refused(name, store_dir):
    assert inspect_query(DECODED[name]).uses_service
    with pytest.raises(QueryError, match="SERVICE"):
        run_query(ox.Store.read_only(str(store_dir)), DECODED[name])


@pytest.mark.parametrize("query", HARMLESS)
def test_harmless_mentions_still_run(query, store_dir, server):
    assert not inspect_query(query).uses_service
    run_query(ox.Store.read_only(str(store_dir)), query)
    status, text = _http(server, "GET", None, None, {"query": query})
    assert status == 200, text


def _consume(result) -> None:
    if not isinstance(result, ox.QueryBoolean):
        list(result)


def test_evaluation_thread_cannot_open_a_socket(listener):
    """Defence in depth: what a query evaluates runs where no TCP socket can be made."""
    if not call_without_network(network_denied):
        pytest.skip("seccomp (libseccomp) is not available here")
    before = listener.accepted
    with pytest.raises(PermissionError):
        call_without_network(socket.create_connection, ("127.0.0.1", listener.port), 5)
    st = control_store()
    for name, q in spellings(listener).items():  # pyoxigraph's own HTTP client, on unchecked text
        try:
            call_without_network(lambda: _consume(st.query(q)))
        except OSError as e:  # SILENT, FILTER EXISTS, OPTIONAL turn the refused socket into no rows
            assert "Permission denied" in str(e), (name, e)
    assert listener.accepted == before
    socket.create_connection(("127.0.0.1", listener.port), 5).close()  # this thread keeps its network
    for _ in range(100):  # the listener's thread counts it once it has accepted
        if listener.accepted > before:
            break
        time.sleep(0.05)
    assert listener.accepted == before + 1


def test_worker_process_cannot_reach_the_network(listener, store_dir):
    """A query worker handed a SERVICE query directly (past the endpoint's check) fails
    without a connection: the worker process itself has no network."""
    if not call_without_network(network_denied):
        pytest.skip("seccomp (libseccomp) is not available here")
    before = listener.accepted
    p = subprocess.Popen([sys.executable, str(WORKER), str(store_dir), "512"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        req = {"query": spellings(listener)["plain"], "result_type": "application/sparql-results+json", "max_results": 10}
        out, _ = p.communicate(json.dumps(req).encode("utf-8") + b"\n", timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    head = json.loads(out.split(b"\n", 1)[0])
    assert head["status"] >= 400 and b"remote" not in out, out
    assert listener.accepted == before


def test_app_sparql_page_refuses(listener, store_dir, monkeypatch):
    """The real Streamlit app's SPARQL page: an error naming SERVICE, no connection."""
    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("NEWSKG_STORE", str(store_dir))
    before = listener.accepted
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "ui" / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("views/sparql.py").run()
    for name in ("comment ends in CR", "glued to a number", "less-than then string"):
        at.text_area(key="sparql_editor").input(spellings(listener)[name])
        at.button(key="sparql_run").click().run()
        assert not at.exception, [e.message for e in at.exception]
        assert any("SERVICE" in str(e.value) for e in at.error), (name, [str(e.value) for e in at.error])
    assert listener.accepted == before


def test_dataset_iris_are_names_not_fetches(listener, server, store_dir):
    """FROM, FROM NAMED and the protocol's graph parameters name graphs of the store; the
    listener's URL there is looked up locally, never fetched."""
    before = listener.accepted
    u = listener.url("graph")
    for params in ({"query": f"SELECT * FROM <{u}> FROM NAMED <{u}> WHERE {{ ?s ?p ?o }}"},
                   {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": u, "named-graph-uri": u},
                   {"query": f"DESCRIBE <{u}>"}):
        status, text = _http(server, "GET", None, None, params)
        assert status == 200, text
    run_query(ox.Store.read_only(str(store_dir)), f"SELECT * FROM <{u}> WHERE {{ ?s ?p ?o }}")
    assert listener.accepted == before


def test_the_projects_own_queries_pass_the_check():
    """Every query the project ships (ready queries, Q&A and summary queries) is neither an
    update nor a SERVICE call: the check does not refuse real work."""
    root = Path(__file__).resolve().parent.parent
    files = sorted((root / "docs" / "queries").glob("*.rq")) + sorted((root / "kg" / "queries").rglob("*.rq"))
    assert len(files) >= 10
    for f in files:
        info = inspect_query(f.read_text(encoding="utf-8-sig"))
        assert not info.uses_service and not info.is_update, (f.name, info)
