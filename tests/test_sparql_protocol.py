"""SPARQL 1.1 Protocol conformance of `newskg serve` (issue 15), beyond tests/test_kg_http.py:
every query form by every route (GET, POST form, POST direct) in every result format the form
allows, each answer parsed and compared with the store's own; the server listens on loopback
only unless told otherwise. Real server, real on-disk store of the bundled sample."""
from __future__ import annotations

import csv
import io
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest

from kg.sparql import PREFIXES
from kg.sparql_http import make_server
from kg_support import bundled_store_dir

RESULTS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
           "application/sparql-results+xml": ox.QueryResultsFormat.XML,
           "text/csv": ox.QueryResultsFormat.CSV, "text/tab-separated-values": ox.QueryResultsFormat.TSV}
GRAPHS = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES}
FORMS = {
    "select": "SELECT ?a ?n WHERE { ?a a schema:NewsArticle ; schema:identifier ?n } ORDER BY ?a",
    "ask": "ASK { ?a a schema:NewsArticle }",
    "construct": "CONSTRUCT { ?a schema:identifier ?n } WHERE { ?a a schema:NewsArticle ; schema:identifier ?n }",
    "describe": "DESCRIBE ?a WHERE { ?a a schema:NewsArticle } ORDER BY ?a LIMIT 1",
}


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> str:
    return bundled_store_dir(tmp_path_factory.mktemp("protocol") / "store")


@pytest.fixture(scope="module")
def server(store_dir):
    srv = make_server(store_dir, port=0, timeout=30, workers=2, log=False, prefixes=PREFIXES)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _send(server, route: str, query: str, accept: str) -> tuple[int, str, bytes]:
    url = server.url.rstrip("/") + "/sparql"
    headers = {"Accept": accept}
    if route == "get":
        req = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}), headers=headers)
    elif route == "form":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(url, data=urllib.parse.urlencode({"query": query}).encode(), headers=headers)
    else:
        headers["Content-Type"] = "application/sparql-query"
        req = urllib.request.Request(url, data=query.encode("utf-8"), headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.headers["Content-Type"].split(";")[0], r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def _local(store_dir: str, query: str):
    prefixed = "".join(f"PREFIX {p}: <{i}>\n" for p, i in PREFIXES.items()) + query
    return ox.Store.read_only(store_dir).query(prefixed, use_default_graph_as_union=True)


CASES = [(form, route, accept) for route in ("get", "form", "direct")
         for form in FORMS for accept in (RESULTS if form in ("select", "ask") else GRAPHS)]


@pytest.mark.parametrize("form,route,accept", CASES)
def test_every_form_by_every_route_in_every_format(server, store_dir, form, route, accept):
    status, ctype, body = _send(server, route, FORMS[form], accept)
    assert status == 200, body[:300]
    assert ctype == accept
    want = _local(store_dir, FORMS[form])
    csv_ = RESULTS.get(accept) == ox.QueryResultsFormat.CSV  # lossy: read as text, compared by value
    if form == "ask":
        got = body.decode().strip() == "true" if csv_ else bool(ox.parse_query_results(body, RESULTS[accept]))
        assert got is bool(want) is True
    elif form == "select":
        if csv_:
            got = [(r["a"], r["n"]) for r in csv.DictReader(io.StringIO(body.decode("utf-8")))]
            exp = [(s["a"].value, s["n"].value) for s in want]
        else:
            got = [(s["a"], s["n"]) for s in ox.parse_query_results(body, RESULTS[accept])]
            exp = [(s["a"], s["n"]) for s in want]
        assert got == exp and len(got) > 0
    else:
        triples = set(want)
        assert {q.triple for q in ox.parse(body, GRAPHS[accept])} == triples and len(triples) > 0


def _non_loopback_address() -> str | None:
    """An address of this machine that is not loopback (none: the test is skipped)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("10.255.255.255", 1))  # no packet is sent: only picks the outgoing interface
        addr = s.getsockname()[0]
    except OSError:
        return None
    finally:
        s.close()
    return None if addr.startswith("127.") else addr


def test_the_server_listens_on_loopback_only_by_default(store_dir):
    srv = make_server(store_dir, port=0, workers=1, log=False)
    try:
        host, port = srv.server_address[:2]
        assert host == "127.0.0.1"
        other = _non_loopback_address()
        if other is None:
            pytest.skip("this machine has no non-loopback address to try")
        with pytest.raises(OSError):
            socket.create_connection((other, port), timeout=5).close()
    finally:
        srv.server_close()
