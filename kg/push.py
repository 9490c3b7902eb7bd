"""Send the graph to an external SPARQL store (``newskg push``), in batches, through the
SPARQL 1.1 Graph Store Protocol (PUT/POST per graph) or SPARQL Update (``INSERT DATA``).

Either way a push *replaces* each graph it sends (GSP: the first request for a graph is a
PUT; Update: it starts with ``DROP SILENT GRAPH``), so pushing twice gives the same remote
graphs. Without ``graph=`` every article graph keeps its IRI; with it, everything goes into
that one graph. Blank nodes only keep their identity inside one request, so a graph that has
blank nodes is sent whole.
"""
from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Callable, Iterator

import pyoxigraph as ox

from corpus.errors import GraphError

METHODS = ("gsp", "update")


@dataclass
class PushReport:
    """What a push sent."""

    endpoint: str
    method: str
    graphs: int
    triples: int
    requests: int
    seconds: float


def _opener(endpoint: str, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
    handlers = []
    if user is not None:
        mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        mgr.add_password(None, endpoint, user, password or "")
        handlers += [urllib.request.HTTPDigestAuthHandler(mgr), urllib.request.HTTPBasicAuthHandler(mgr)]
    return urllib.request.build_opener(*handlers)


def source_graphs(store: ox.Store) -> Iterator[tuple[ox.NamedNode | ox.DefaultGraph, list[bytes]]]:
    """Each graph of the store with its triples as N-Triples lines (serialized by
    pyoxigraph, one triple per line), the default graph last when it is not empty."""
    graphs: list = sorted(store.named_graphs(), key=str) + [ox.DefaultGraph()]
    for g in graphs:
        data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g)
        if data:
            yield g, data.splitlines(keepends=True)


def _chunks(lines: list[bytes], size: int) -> list[list[bytes]]:
    """Batches of at most ``size`` lines; a graph that may hold blank nodes stays whole
    (a blank node label only means the same node within one request)."""
    if len(lines) <= size or any(b"_:" in line for line in lines):
        return [lines]
    return [lines[i : i + size] for i in range(0, len(lines), size)]


class _Sender:
    """HTTP plumbing shared by both methods: one opener, counting, clear errors."""

    def __init__(self, endpoint: str, user, password, timeout: float):
        self.endpoint = endpoint
        self.has_login = user is not None
        self.opener = _opener(endpoint, user, password)
        self.timeout = timeout
        self.requests = 0

    def send(self, method: str, url: str, ctype: str, body: bytes, what: str) -> None:
        req = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": ctype})
        try:
            with self.opener.open(req, timeout=self.timeout) as r:
                r.read()
        except urllib.error.HTTPError as e:
            detail = e.read()[:500].decode("utf-8", "replace").strip()
            hint = ""
            if e.code in (401, 403):
                hint = " (check --user/--password)" if self.has_login else " (the endpoint needs a login: give --user/--password)"
            raise GraphError(f"{url} answered {e.code} {e.reason} to {method} of {what}{hint}: {detail}") from e
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise GraphError(f"cannot reach {self.endpoint}: {reason}") from e
        self.requests += 1


def _graph_label(g) -> str:
    return "the default graph" if isinstance(g, ox.DefaultGraph) else f"graph <{g.value}>"


def _gsp_url(endpoint: str, target) -> str:
    sep = "&" if "?" in endpoint else "?"
    if isinstance(target, ox.DefaultGraph):
        return endpoint + sep + "default"
    return endpoint + sep + "graph=" + urllib.parse.quote(target.value, safe="")


def push(
    store: ox.Store,
    endpoint: str,
    *,
    graph: str | None = None,
    method: str = "gsp",
    batch: int = 10_000,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 300.0,
    on_batch: Callable[[int], None] | None = None,
) -> PushReport:
    """Send every graph of ``store`` to ``endpoint``, ``batch`` triples per request.

    :param endpoint: the Graph Store Protocol URL for ``method="gsp"`` (Oxigraph
        ``http://host:7878/store``, Fuseki ``http://host:3030/ds/data``) or the SPARQL Update
        URL for ``method="update"`` (Oxigraph ``/update``, Fuseki ``/ds/update``, Virtuoso
        ``/sparql-auth``).
    :param graph: put everything into this one graph IRI instead of one graph per article.
    :param on_batch: called with the number of triples after each request.
    :raises GraphError: bad arguments, an unreachable endpoint or an HTTP error (what was
        already sent stays sent; the message names the graph that failed).

    >>> push(ox.Store(), "http://127.0.0.1:9/store", method="ftp")
    Traceback (most recent call last):
    ...
    corpus.errors.GraphError: unknown push method 'ftp'; use one of gsp, update [E300]
    """
    if method not in METHODS:
        raise GraphError(f"unknown push method {method!r}; use one of {', '.join(METHODS)}")
    if batch < 1:
        raise GraphError("--batch must be at least 1")
    if not endpoint.startswith(("http://", "https://")):
        raise GraphError(f"the endpoint must be an http(s) URL, got {endpoint!r}")
    target_all = None
    if graph is not None:
        try:
            target_all = ox.NamedNode(graph)
        except ValueError as e:
            raise GraphError(f"--graph {graph!r} is not a valid IRI: {e}") from e
    sender = _Sender(endpoint, user, password, timeout)
    t0 = time.perf_counter()
    started: set[str] = set()
    n_graphs = n_triples = 0
    pending: list[tuple[object, list[bytes], bool]] = []  # update method: (target, triples, first)
    pending_n = 0

    def flush_updates() -> None:
        nonlocal pending, pending_n
        if not pending:
            return
        parts = []
        for target, triples, first in pending:
            body = b"".join(triples).decode("utf-8")
            if isinstance(target, ox.DefaultGraph):
                if first:
                    parts.append("DROP SILENT DEFAULT")
                parts.append("INSERT DATA {\n" + body + "}")
            else:
                if first:
                    parts.append(f"DROP SILENT GRAPH <{target.value}>")
                parts.append(f"INSERT DATA {{ GRAPH <{target.value}> {{\n{body}}} }}")
        what = ", ".join(sorted({_graph_label(t) for t, _, _ in pending})[:3]) + (" ..." if len(pending) > 3 else "")
        sender.send("POST", endpoint, "application/sparql-update; charset=utf-8", " ;\n".join(parts).encode("utf-8"), what)
        if on_batch:
            on_batch(pending_n)
        pending, pending_n = [], 0

    for source, triples in source_graphs(store):
        if not triples:
            continue
        n_graphs += 1
        target = target_all or source
        key = str(target)
        for chunk in _chunks(triples, batch):
            first = key not in started
            started.add(key)
            if method == "gsp":
                sender.send("PUT" if first else "POST", _gsp_url(endpoint, target), "text/turtle; charset=utf-8", b"".join(chunk),
                            _graph_label(target))
                if on_batch:
                    on_batch(len(chunk))
            else:
                if pending_n + len(chunk) > batch:
                    flush_updates()
                pending.append((target, chunk, first))
                pending_n += len(chunk)
            n_triples += len(chunk)
    flush_updates()
    return PushReport(endpoint, method, n_graphs, n_triples, sender.requests, round(time.perf_counter() - t0, 3))
