"""HTTP endpoint under load: 16 concurrent clients on loopback for 30 s against `newskg serve`.

    nice .venv/bin/python benchmarks/bench_http.py --store DIR [--clients 16] [--seconds 30]
        [--server-workers 2] [--timeout 30] [--per-param 2] [--only NAME,NAME]
    nice .venv/bin/python benchmarks/bench_http.py --store DIR --keep-alive 500

``--keep-alive N`` instead measures one client's latency for N small queries sent one after
the other, each on a new connection and then all on one keep-alive connection (p50/p95 of
both: a server that writes headers and body apart, without TCP_NODELAY, waits for the
client's delayed ACK on a kept-alive connection, ~40 ms a request).

Starts the real server (`newskg serve --port 0 --quiet`) as a subprocess over the store,
then ``--clients`` threads each send the ready queries (docs/queries/*.rq; parameters bound
with a VALUES block at the start of the WHERE group to values found in the graph, as in
bench_queries.py; parameters without such a value are left to the query's default) round robin, over
keep-alive-free HTTP GETs, until ``--seconds`` have passed (a bounded loop: it stops by
itself, and the server is stopped at the end). Prints requests/s, median and p95 latency,
and the answers by HTTP status: 200 ok, 413 (result cap) and 503 (time limit or all query
workers busy) are the documented limits; anything else counts as an error.
"""
from __future__ import annotations

import argparse
import collections
import http.client
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bench_common import machine
from bench_queries import pct, workload

DOCUMENTED = {200: "ok", 413: "result cap", 503: "time limit / busy"}


def http_queries(store_dir: str, per: int) -> list[tuple[str, str]]:
    """(label, query text) for every ready query, parameters bound by a trailing VALUES."""
    from kg.sparql import load_query
    from kg.store import open_store

    store = open_store(store_dir, read_only=True)
    out = []
    for item in workload(store, per):
        if item["kind"] != "sparql":
            continue
        q = load_query(item["file"])
        # the values asked about; a parameter left out takes the query's own default (a client
        # binds what it asks about: indicators.rq without a limit gives its first 100)
        subs = {k: v for k, v in q.bindings(item["bind"]).items() if k in item["bind"]}
        out.append((item["label"], bind_inline(q.text, subs)))
    return out


def bind_inline(text: str, subs: dict) -> str:
    """The query with its parameters bound by a VALUES block at the START of its WHERE
    group: the protocol has no substitutions, and a trailing VALUES is joined only after the
    unbound query has run over the whole graph."""
    if not subs:
        return text
    body = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    text = "\n".join(body)
    at = text.upper().find("WHERE")
    brace = text.find("{", at if at >= 0 else 0)
    values = "".join(f" VALUES ?{k} {{ {v} }}" for k, v in subs.items())
    return text[:brace + 1] + values + text[brace + 1:]


def start_server(store_dir: str, workers: int, timeout: float) -> tuple[subprocess.Popen, str]:
    exe = Path(sys.executable).with_name("newskg")
    # the server's stderr goes to a file: a pipe nobody reads fills up and blocks the server
    log = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen([str(exe), "serve", "--store", store_dir, "--port", "0", "--quiet",
                             "--workers", str(workers), "--timeout", str(timeout)],
                            stdout=subprocess.PIPE, stderr=log, text=True)
    line = proc.stdout.readline()
    if not line.startswith("Serving "):
        proc.kill()
        log.seek(0)
        raise SystemExit(f"the server did not start: {line}{log.read()}")
    proc.stdout.close()
    return proc, line.split()[1] + "sparql"


def client(url: str, queries: list[tuple[str, str]], start: int, deadline: float, out: list, timeout: float) -> None:
    i = start
    while time.monotonic() < deadline:
        label, text = queries[i % len(queries)]
        i += 1
        req = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": text}),
                                     headers={"Accept": "application/sparql-results+json"})
        t = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=timeout + 10) as r:
                r.read()
                status = r.status
        except urllib.error.HTTPError as e:
            e.read()
            status = e.code
        except (OSError, urllib.error.URLError) as e:
            status = f"{type(e).__name__}"
        out.append((label, status, time.perf_counter() - t))


def keep_alive_compare(url: str, n: int) -> None:
    """p50/p95 of ``n`` sequential small queries: new connection each vs one kept alive."""
    parts = urllib.parse.urlsplit(url)
    paths = [parts.path + "?" + urllib.parse.urlencode({"query": f"SELECT ({i} AS ?i) {{}}"}) for i in range(n)]
    fresh, kept = [], []
    for p in paths:
        t = time.perf_counter()
        with urllib.request.urlopen(f"{parts.scheme}://{parts.netloc}{p}", timeout=30) as r:
            r.read()
        fresh.append(time.perf_counter() - t)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    for p in paths:
        t = time.perf_counter()
        conn.request("GET", p)
        r = conn.getresponse()
        r.read()
        assert r.status == 200, r.status
        kept.append(time.perf_counter() - t)
    conn.close()
    print(f"{n} sequential requests (SELECT (i AS ?i) {{}}), one client")
    print("| connection | p50 ms | p95 ms | max ms |\n|---|---|---|---|")
    for name, xs in (("new per request", fresh), ("keep-alive", kept)):
        print(f"| {name} | {statistics.median(xs) * 1e3:.2f} | {pct(xs, 95) * 1e3:.2f} | {max(xs) * 1e3:.2f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--server-workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=30, help="the server's per-query time limit")
    ap.add_argument("--per-param", type=int, default=2)
    ap.add_argument("--only", help="comma-separated ready query names (default: all)")
    ap.add_argument("--keep-alive", type=int, default=0, metavar="N",
                    help="measure N sequential requests on new vs kept-alive connections instead")
    args = ap.parse_args()
    print(machine())
    if args.keep_alive:
        proc, url = start_server(args.store, args.server_workers, args.timeout)
        try:
            keep_alive_compare(url, args.keep_alive)
        finally:
            proc.terminate()
            proc.wait(10)
        return
    queries = http_queries(args.store, args.per_param)
    if args.only:
        queries = [q for q in queries if q[0] in args.only.split(",")]
    proc, url = start_server(args.store, args.server_workers, args.timeout)
    results: list = []
    try:
        deadline = time.monotonic() + args.seconds
        t0 = time.perf_counter()
        threads = [threading.Thread(target=client, args=(url, queries, k, deadline, results, args.timeout))
                   for k in range(args.clients)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - t0
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    lat = [s for _, _, s in results]
    statuses = collections.Counter(st for _, st, _ in results)
    errors = sum(n for st, n in statuses.items() if st not in DOCUMENTED)
    print(f"{args.clients} clients, {wall:.1f} s, {len(queries)} distinct queries, server workers {args.server_workers}, "
          f"time limit {args.timeout:g} s")
    print("| requests | requests/s | median ms | p95 ms | 200 | 413 | 503 | errors |\n|---|---|---|---|---|---|---|---|")
    print(f"| {len(results)} | {len(results) / wall:.1f} | {statistics.median(lat) * 1e3:.0f} | {pct(lat, 95) * 1e3:.0f} | "
          f"{statuses[200]} | {statuses[413]} | {statuses[503]} | {errors} |")
    by = collections.defaultdict(list)
    for label, st, s in results:
        by[label].append((st, s))
    print("\n| query | requests | median ms | p95 ms | statuses |\n|---|---|---|---|---|")
    for label, rows in sorted(by.items()):
        xs = [s for _, s in rows]
        sts = ", ".join(f"{k}: {v}" for k, v in collections.Counter(st for st, _ in rows).items())
        print(f"| {label} | {len(rows)} | {statistics.median(xs) * 1e3:.0f} | {pct(xs, 95) * 1e3:.0f} | {sts} |")
    if errors:
        print(f"errors beyond the documented limits: {dict((k, v) for k, v in statuses.items() if k not in DOCUMENTED)}")
    print(machine())


if __name__ == "__main__":
    main()
