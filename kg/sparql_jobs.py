"""A query the app runs the way ``newskg serve`` does: in a worker process of a
:class:`kg.sparql_http.WorkerPool`, under a time limit that holds (the worker is killed and
replaced), on a background thread so the caller can show it running and cancel it.

>>> job = QueryJob(None, "DELETE WHERE { ?s ?p ?o }")
>>> job.done(), type(job.error).__name__
(True, 'QueryError')
"""
from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field

import pyoxigraph as ox

from corpus.errors import QueryError
from kg.sparql import QueryResult, is_update, uses_service
from kg.vocab import PREFIXES

RESULTS_JSON = "application/sparql-results+json"
GRAPH_NT = "application/n-triples"


def used_bindings(query: str, bindings: dict) -> dict:
    """The bindings whose variable the query text uses (``?name`` or ``$name``).

    >>> used_bindings("SELECT ?x WHERE { ?x ?p ?o }", {"x": 1, "name": 2})
    {'x': 1}
    """
    return {k: v for k, v in bindings.items() if re.search(rf"[?$]{re.escape(k)}\b", query)}


@dataclass
class QueryJob:
    """One read-only query on its way through a worker pool.

    :param pool: a :class:`kg.sparql_http.WorkerPool` over the store (None: only the
        checks made before a query is sent run).
    :param substitutions: ``{variable: RDF term}`` bound before evaluation.
    :param limit: keep the first ``limit`` rows/triples (``truncated`` says if more existed).
    """

    pool: object
    query: str
    substitutions: dict = field(default_factory=dict)
    timeout: float = 10.0
    limit: int = 10_000
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    result: dict | None = None
    error: QueryError | None = None
    cancelled: bool = False
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if is_update(self.query):
            self._fail("SPARQL Update is not allowed here: the graph is read-only (use `newskg build`/`remove`)")
        elif uses_service(self.query):
            self._fail("SERVICE (federated queries) is not allowed: queries read the local graph only")
        elif self.pool is None:
            self._fail("no query workers: the store is not open")
        else:
            self._thread = threading.Thread(target=self._run, name="newskg-sparql-job", daemon=True)
            self._thread.start()

    def _fail(self, message: str) -> None:
        self.error = QueryError(message)
        self.finished = time.monotonic()

    def _run(self) -> None:
        request = {
            "query": self.query, "result_type": RESULTS_JSON, "graph_type": GRAPH_NT,
            "max_results": int(self.limit) + 1, "truncate": True, "union": True, "prefixes": PREFIXES,
            "substitutions": {k.lstrip("?$"): str(v) for k, v in self.substitutions.items()},
        }
        try:
            reply = self.pool.run(request, float(self.timeout), cancel=self._cancel)
            if reply.status == 499:
                self.cancelled = True
            if reply.status != 200:
                raise QueryError(reply.body.decode("utf-8", "replace").strip())
            self.result = _view(reply.type, reply.body, int(self.limit), time.monotonic() - self.started)
        except QueryError as e:
            self.error = e
        except Exception as e:  # noqa: BLE001 - a worker's unreadable answer is the query's error
            self.error = QueryError(f"query failed: {type(e).__name__}: {e}")
        finally:
            self.finished = time.monotonic()

    def done(self) -> bool:
        """True once the query answered, failed, timed out or was cancelled."""
        return self.finished is not None

    def seconds(self) -> float:
        """Seconds since the query started (until it finished)."""
        return (self.finished or time.monotonic()) - self.started

    def cancel(self) -> None:
        """Stop the query: its worker is killed and replaced at once."""
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until done (or ``timeout`` seconds); True when done."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.done()


def _view(media_type: str, body: bytes, limit: int, seconds: float) -> dict:
    """A worker's answer as the table view of :func:`kg.browse.result_view`."""
    from kg.browse import result_view

    if media_type.startswith(GRAPH_NT):
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
        res = QueryResult("graph", triples=triples[:limit], truncated=len(triples) > limit)
    elif "boolean" in json.loads(body):
        res = QueryResult("ask", boolean=bool(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)))
    else:
        sols = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        variables = [v.value for v in sols.variables]
        rows = [tuple(s[v] for v in variables) for s in sols]
        res = QueryResult("select", variables=variables, rows=rows[:limit], truncated=len(rows) > limit)
    res.seconds = seconds
    return result_view(res)


__all__ = ["QueryJob", "used_bindings"]
