"""`newskg push` against a REAL Oxigraph server (the `oxigraph` PyPI package's binary) on loopback."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from corpus.errors import GraphError
from kg.push import push
from newskg.cli import cli

ENT = "https://newskg.org/id/entity/"
G = "https://newskg.org/graph/"
S = "https://schema.org/"

# fmt: off
# (graph, subject, predicate, object); None graph = default graph
QUADS = [
    ("a1", "工业和信息化部", "name", "工业和信息化部"),
    ("a1", "张明", "worksFor", "工业和信息化部"),
    ("a1", "张明", "jobTitle", "司长"),
    ("a2", "中国信息通信研究院", "name", "中国信息通信研究院"),
    ("a2", "李华", "worksFor", "中国信息通信研究院"),
    ("a2", "李华", "description", "说：\"数字经济\"\n增长 10.5%"),
    (None, "工业和信息化部", "alternateName", "工信部"),
]
# fmt: on
BIG = 2_345  # triples in one extra graph, to make several batches


def quad(g, s, p, o) -> ox.Quad:
    obj = ox.NamedNode(ENT + o) if p == "worksFor" else ox.Literal(o, language="zh")
    return ox.Quad(ox.NamedNode(ENT + s), ox.NamedNode(S + p), obj, ox.NamedNode(G + g) if g else ox.DefaultGraph())


def make_local(path=None) -> ox.Store:
    store = ox.Store(str(path)) if path else ox.Store()
    store.extend([quad(*q) for q in QUADS])
    store.extend([
        ox.Quad(ox.NamedNode(f"{ENT}e{i}"), ox.NamedNode(S + "position"), ox.Literal(i), ox.NamedNode(G + "big"))
        for i in range(BIG)
    ])
    return store


def oxigraph_binary() -> str | None:
    exe = Path(sys.executable).with_name("oxigraph")
    return str(exe) if exe.exists() else shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def remote(tmp_path):
    """A fresh Oxigraph server on a free loopback port; yields its base URL."""
    exe = oxigraph_binary()
    if exe is None:
        pytest.skip("the `oxigraph` server binary is not installed (pip install oxigraph)")
    port = free_port()
    proc = subprocess.Popen([exe, "serve", "--location", str(tmp_path / "remote"), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1).read()
                break
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        else:
            pytest.fail("the oxigraph server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def remote_quads(base: str) -> set[ox.Quad]:
    req = urllib.request.Request(base + "/store", headers={"Accept": "application/n-quads"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return set(ox.parse(r.read(), ox.RdfFormat.N_QUADS))


@pytest.mark.parametrize("method,endpoint,requests", [
    ("gsp", "/store", 1 + 1 + 3 + 1),  # a1, a2, big in three batches of <= 1000, default graph
    ("update", "/update", 4),  # batches of <= 1000 triples that span graphs: [a1 a2] [big..] [big..] [big.. default]
])
def test_push_round_trips(remote, method, endpoint, requests):
    local = make_local()
    report = push(local, remote + endpoint, method=method, batch=1000)
    assert remote_quads(remote) == set(local)
    assert report.triples == len(local) == len(QUADS) + BIG
    assert report.graphs == 4  # a1, a2, big, default
    assert report.requests == requests
    # pushing again replaces, does not duplicate or keep stale triples
    local.remove(quad(*QUADS[2]))
    push(local, remote + endpoint, method=method, batch=1000)
    assert remote_quads(remote) == set(local)


@pytest.mark.parametrize("method,endpoint", [("gsp", "/store"), ("update", "/update")])
def test_push_into_one_graph(remote, method, endpoint):
    local = make_local()
    target = "https://example.org/team/newskg"
    report = push(local, remote + endpoint, graph=target, method=method, batch=500)
    got = remote_quads(remote)
    assert {q.graph_name for q in got} == {ox.NamedNode(target)}
    assert {q.triple for q in got} == {q.triple for q in local}
    assert report.triples == len(local)


def test_blank_nodes_keep_identity(remote):
    local = ox.Store()
    b = ox.BlankNode()
    g = ox.NamedNode(G + "b")
    local.extend([ox.Quad(b, ox.NamedNode(S + "value"), ox.Literal(i), g) for i in range(30)])
    push(local, remote + "/store", batch=7)
    rows = list(ox.parse(urllib.request.urlopen(
        urllib.request.Request(remote + "/store?graph=" + G + "b", headers={"Accept": "application/n-triples"})).read(),
        ox.RdfFormat.N_TRIPLES))
    assert len(rows) == 30 and len({t.subject for t in rows}) == 1


def test_cli_push(remote, tmp_path):
    store_dir = tmp_path / "local"
    s = make_local(store_dir)
    n = len(s)
    s.flush()
    del s
    result = CliRunner().invoke(cli, ["push", "--store", str(store_dir), "--endpoint", remote + "/update",
                                      "--method", "update", "--batch", "800"])
    assert result.exit_code == 0, result.output
    assert f"pushed {n} triples of 4 graphs" in result.output
    assert len(remote_quads(remote)) == n


def test_http_error_names_the_graph(remote):
    local = make_local()
    with pytest.raises(GraphError, match=r"answered 4\d\d .*graph"):
        push(local, remote + "/query", method="update")  # not the update URL


def test_unreachable_endpoint_is_a_clear_error():
    with pytest.raises(GraphError, match="cannot reach"):
        push(make_local(), f"http://127.0.0.1:{free_port()}/store")


@pytest.mark.parametrize("kwargs,message", [
    ({"method": "ftp"}, "unknown push method"),
    ({"batch": 0}, "at least 1"),
    ({"graph": "not an iri"}, "not a valid IRI"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(GraphError, match=message):
        push(make_local(), "http://127.0.0.1:9/store", **kwargs)
