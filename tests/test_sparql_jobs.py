"""kg.sparql_jobs: queries run in the endpoint's worker pool on a real on-disk store, with a
time limit that holds, cancel, bindings and the row cap."""
from __future__ import annotations

import pytest
from pyoxigraph import Literal

from kg.sparql_http import WorkerPool
from kg.sparql_jobs import QueryJob, used_bindings
from kg_support import bundled_store_dir

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    p = WorkerPool(bundled_store_dir(tmp_path_factory.mktemp("jobs") / "store"), 2)
    yield p
    p.close()


def _done(job: QueryJob) -> QueryJob:
    assert job.wait(120), "the job finished"
    return job


def _pids(pool) -> set[int]:
    return {w.proc.pid for w in pool.workers}


def test_time_limit_stops_the_query_and_replaces_its_worker(pool):
    before = _pids(pool)
    job = _done(QueryJob(pool, HEAVY, timeout=1.0))
    assert job.result is None and "time limit of 1 s" in str(job.error) and not job.cancelled
    after = _pids(pool)
    assert len(after) == 2 and after != before
    assert _done(QueryJob(pool, "ASK { ?s ?p ?o }")).result["boolean"] is True


def test_cancel_stops_the_query(pool):
    job = QueryJob(pool, HEAVY, timeout=300)
    assert not job.wait(0.5), "still running"
    job.cancel()
    _done(job)
    assert job.cancelled and "cancelled" in str(job.error)
    assert _done(QueryJob(pool, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")).result["rows"]


def test_bindings_and_row_cap(pool):
    q = "SELECT ?name ?e WHERE { ?e schema:name ?name }"
    job = _done(QueryJob(pool, q, {"name": Literal("北京市", language="zh")}))
    assert job.error is None and {r["name"] for r in job.result["rows"]} == {"北京市"}
    capped = _done(QueryJob(pool, "SELECT ?s WHERE { ?s ?p ?o }", limit=3))
    assert len(capped.result["rows"]) == 3 and capped.result["truncated"]
    whole = _done(QueryJob(pool, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", limit=3))
    assert len(whole.result["rows"]) == 3 and not whole.result["truncated"]
    graph = _done(QueryJob(pool, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 4", limit=10))
    assert graph.result["kind"] == "graph" and "@prefix" in graph.result["text"]


@pytest.mark.parametrize("query,message", [("DELETE WHERE { ?s ?p ?o }", "read-only"),
                                           ("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }", "SERVICE"),
                                           ("SELECT ?s WHERE { ?s ?p ", "syntax")])
def test_refused_and_bad_queries_are_errors(pool, query, message):
    job = _done(QueryJob(pool, query))
    assert message in str(job.error) and "E301" in str(job.error)


def test_used_bindings_keeps_variables_of_the_text():
    assert used_bindings("SELECT ?name2 { ?e ?p ?name2 }", {"name": 1}) == {}
    assert used_bindings("SELECT $name { ?e ?p $name }", {"name": 1}) == {"name": 1}
