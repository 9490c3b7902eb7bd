"""Query benchmark: the ready SPARQL queries (docs/queries/*.rq) and `ask` (kg.qa.answer) on
a built graph (e.g. the whole 12-year CCTV corpus from bench_build.py --store DIR).

    nice .venv/bin/python benchmarks/bench_queries.py --store DIR [--rounds 5] [--per-param 4]
        [--no-cold] [--no-ask] [--only NAME,NAME]

Parameters of the ready queries and the questions for `ask` are filled from the graph
itself (the most mentioned organisations, people and places, the commonest indicators and
subject/indicator pairs, counted over a bounded sample of the graph), so any graph works. Warm: each query/question once to warm up,
then ``--rounds`` timed runs in this process. Cold: each one timed once as the first query of
a fresh process that has just opened the store (the store's caches empty; the OS page cache
may still hold its files; for ``ask`` this includes the QA's lazily built indexes).
Prints per query median and p95, and for all ready queries and all questions together.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_common import ROOT, machine

QUERIES = ROOT / "docs" / "queries"

#: Discovery queries: values to bind, most frequent first (not timed).
DISCOVER = {
    # counted over a bounded sample of the graph (the first SAMPLE matches), each join inside
    # one article graph (entity types and names repeat in every graph: joined across the
    # union they multiply)
    "org": "SELECT ?v (COUNT(*) AS ?n) { { SELECT ?g ?e { GRAPH ?g { ?a schema:mentions ?e } } LIMIT {s} } GRAPH ?g { ?e a schema:Organization ; schema:name ?v } } GROUP BY ?v ORDER BY DESC(?n) LIMIT {k}",
    "person": "SELECT ?v (COUNT(*) AS ?n) { { SELECT ?g ?e { GRAPH ?g { ?a schema:mentions ?e } } LIMIT {s} } GRAPH ?g { ?e a schema:Person ; schema:name ?v } } GROUP BY ?v ORDER BY DESC(?n) LIMIT {k}",
    "place": "SELECT ?v (COUNT(*) AS ?n) { { SELECT ?g ?e { GRAPH ?g { ?a schema:mentions ?e } } LIMIT {s} } GRAPH ?g { ?e a schema:Place ; schema:name ?v } } GROUP BY ?v ORDER BY DESC(?n) LIMIT {k}",
    "indicator": "SELECT ?v (COUNT(*) AS ?n) { { SELECT ?v { ?o nkg:indicator ?v } LIMIT {s} } } GROUP BY ?v ORDER BY DESC(?n) LIMIT {k}",
    "pair": "SELECT ?v ?w (COUNT(*) AS ?n) { { SELECT ?g ?e ?w { GRAPH ?g { ?o nkg:subject ?e ; nkg:indicator ?w } } LIMIT {s} } GRAPH ?g { ?e schema:name ?v } } GROUP BY ?v ?w ORDER BY DESC(?n) LIMIT {k}",
    "article": "SELECT ?v { ?a a schema:NewsArticle ; schema:identifier ?v } LIMIT {k}",
}
SAMPLE = 20_000
#: Which discovered values feed which query parameter.
PARAM_SOURCE = {"name": "org", "place": "place", "indicator": "indicator", "id": "article"}
#: Question patterns for `ask` (generic Chinese; slots filled from the graph).
QUESTIONS = [
    ("org", "{v}有哪些指标？"),
    ("org", "哪些人来自{v}？"),
    ("org", "{v}是什么机构？"),
    ("person", "{v}是谁？"),
    ("place", "{v}有哪些平台？"),
    ("indicator", "{v}历年变化"),
    ("pair", "{v}的{w}是多少？"),
    (None, "哪家机构的指标最多？"),
]


def discover(store, per: int) -> dict[str, list[tuple[str, ...]]]:
    from kg.sparql import run_query

    out = {}
    for key, q in DISCOVER.items():
        res = run_query(store, q.replace("{k}", str(per)).replace("{s}", str(SAMPLE)))
        out[key] = [tuple(t.value for t in row[:-1] if t is not None) if key != "article" else (row[0].value,)
                    for row in res.rows]
    return out


def workload(store, per: int) -> list[dict]:
    """[{kind: sparql|ask, label, file?, bind?, question?}] for this graph."""
    from kg.sparql import load_query

    found = discover(store, per)
    items = []
    for path in sorted(QUERIES.glob("*.rq")):
        q = load_query(path)
        params = list(q.params)
        if not params:
            items.append({"kind": "sparql", "label": path.stem, "file": str(path), "bind": {}})
            continue
        values = found.get(PARAM_SOURCE.get(params[0], ""), [])
        for v in values[:per] or [None]:
            bind = {params[0]: v[0]} if v else {}
            items.append({"kind": "sparql", "label": path.stem, "file": str(path), "bind": bind})
    for source, pattern in QUESTIONS:
        for v in (found.get(source, []) if source else [()])[:per]:
            text = pattern.format(v=v[0] if v else "", w=v[1] if len(v) > 1 else "")
            items.append({"kind": "ask", "label": pattern, "question": text})
    return items


def run_item(store, item: dict) -> tuple[float, int]:
    """Seconds and result size (rows, or 1/0 for a found/not found answer)."""
    if item["kind"] == "sparql":
        from kg.sparql import load_query, run_query

        q = load_query(item["file"])
        subs = q.bindings(item["bind"])
        t = time.perf_counter()
        res = run_query(store, q.text, substitutions=subs or None)
        return time.perf_counter() - t, len(res)
    from kg.qa import answer

    t = time.perf_counter()
    a = answer(store, item["question"])
    return time.perf_counter() - t, int(a.found)


def pct(xs: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q / 100 * len(xs) + 0.5) - 1))]


def cold(store_dir: str, item: dict) -> float:
    code = ("import json,sys; sys.path.insert(0, %r); import bench_queries as b; from kg.store import open_store;"
            "import kg.sparql, kg.qa; s = open_store(%r, read_only=True);"
            "print(json.dumps(b.run_item(s, json.loads(sys.argv[1]))))") % (str(Path(__file__).parent), store_dir)
    out = subprocess.run([sys.executable, "-c", code, json.dumps(item)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--per-param", type=int, default=4, help="values per parameter / question pattern")
    ap.add_argument("--no-cold", action="store_true")
    ap.add_argument("--no-ask", action="store_true", help="the ready queries only")
    ap.add_argument("--only", help="comma-separated ready query names (default: all)")
    args = ap.parse_args()
    from kg.store import open_store

    print(machine())
    store = open_store(args.store, read_only=True)
    t = time.perf_counter()
    items = workload(store, args.per_param)
    if args.no_ask:
        items = [it for it in items if it["kind"] != "ask"]
    if args.only:
        items = [it for it in items if it["kind"] != "sparql" or it["label"] in args.only.split(",")]
    print(f"store {args.store}: {len(store):,} quads; workload of {len(items)} found in {time.perf_counter() - t:.1f} s")
    colds = {}
    if not args.no_cold:  # before any warm run, so the page cache is as cold as we can make it
        for i, item in enumerate(items):
            colds[i] = cold(args.store, item)
            print(f"cold {colds[i] * 1e3:8.0f} ms  {item.get('question') or item['label']} {item.get('bind', '')}", flush=True)
    warm: dict[int, list[float]] = {}
    sizes = {}
    for i, item in enumerate(items):
        run_item(store, item)
    for r in range(args.rounds):
        for i, item in enumerate(items):
            secs, sizes[i] = run_item(store, item)
            warm.setdefault(i, []).append(secs)
            print(f"warm {r + 1} {secs * 1e3:8.0f} ms  {item.get('question') or item['label']} {item.get('bind', '')}", flush=True)
    print("| kind | query / question | bind | rows or found | warm median ms | warm p95 ms | cold ms |\n|---|---|---|---|---|---|---|")
    for i, item in enumerate(items):
        what = item.get("question") or item["label"]
        bind = ", ".join(f"{k}={v}" for k, v in item.get("bind", {}).items())
        c = f"{colds[i] * 1e3:.0f}" if i in colds else "-"
        print(f"| {item['kind']} | {what} | {bind} | {sizes[i]} | {statistics.median(warm[i]) * 1e3:.1f} | "
              f"{pct(warm[i], 95) * 1e3:.1f} | {c} |")
    print("\n| kind | runs | warm median ms | warm p95 ms | cold median ms | cold p95 ms | target p95 |\n|---|---|---|---|---|---|---|")
    for kind, target in (("sparql", "300 ms"), ("ask", "100 ms")):
        idx = [i for i, it in enumerate(items) if it["kind"] == kind]
        if not idx:
            continue
        w = [x for i in idx for x in warm[i]]
        c = [colds[i] for i in idx if i in colds]
        cm = f"{statistics.median(c) * 1e3:.0f} | {pct(c, 95) * 1e3:.0f}" if c else "- | -"
        print(f"| {kind} | {len(w)} | {statistics.median(w) * 1e3:.1f} | {pct(w, 95) * 1e3:.1f} | {cm} | {target} |")
    print(machine())


if __name__ == "__main__":
    main()
