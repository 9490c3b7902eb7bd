"""Graph build benchmark: build a store from a corpus, then time the ready queries.

Run by hand (never in the test suite); licensed data is read from ../shared and the script
exits cleanly when it is absent:

    nice .venv/bin/python benchmarks/build_graph.py ../shared/data/news/xwlb/2019.jsonl.gz \
        --workers 2 --write-docs

Reports articles/s, triples/s (whole build, and loading alone), peak RSS, store size, the
cost of a no-op rebuild, and the median/p95 of every docs/queries/*.rq, cold (first run after
opening the store) and warm. ``--write-docs`` replaces the "Graph build" section of
docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from corpus.shared_data import shared_location
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = shared_location() / "data" / "news" / "xwlb" / "2019.jsonl.gz"
START, END = "<!-- graph-build:start -->", "<!-- graph-build:end -->"


def peak_rss_mb() -> tuple[float, float]:
    """Peak RSS (MB) of this process and of its largest finished child."""
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, kids


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[k]


# Parameters for a news corpus at large (state-media names, not the bundled sample's): a query
# whose default finds nothing would time an empty answer. The article id is taken from the graph.
BENCH_BINDINGS = {
    "name": "国务院",
    "place": "北京市",
    "indicator": "实际使用外资",
}


def time_queries(store_dir: str, repeat: int) -> list[dict]:
    from kg.sparql import load_query, run_query
    from kg.store import open_store

    rows = []
    first_id = run_query(open_store(store_dir, read_only=True),
                         "SELECT ?id WHERE { ?a schema:identifier ?id } LIMIT 1").rows[0][0].value
    for path in sorted((ROOT / "docs" / "queries").glob("*.rq")):
        q = load_query(path)
        over = {k: v for k, v in dict(BENCH_BINDINGS, id=first_id).items() if k in q.params}
        subs = q.bindings(over) or None
        store = open_store(store_dir, read_only=True)  # fresh handle: first run is "cold"
        t0 = time.perf_counter()
        res = run_query(store, q.text, substitutions=subs)
        cold = time.perf_counter() - t0
        warm = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            run_query(store, q.text, substitutions=subs)
            warm.append(time.perf_counter() - t0)
        rows.append({"query": path.name + (" (" + ", ".join(f"{k}={v}" for k, v in over.items()) + ")" if over else ""),
                     "rows": len(res), "cold_ms": cold * 1000,
                     "median_ms": statistics.median(warm) * 1000, "p95_ms": pct(warm, 0.95) * 1000})
        del store
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", default=[str(DEFAULT_DATA)])
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    ap.add_argument("--store", help="store directory (default: a temporary one, removed after)")
    ap.add_argument("--repeat", type=int, default=10, help="warm runs per query")
    ap.add_argument("--write-docs", action="store_true", help="write the section into docs/benchmarks.md")
    ap.add_argument("--queries-only", action="store_true", help="only time the queries on an existing --store")
    args = ap.parse_args(argv)
    if args.queries_only:
        if not args.store:
            ap.error("--queries-only needs --store DIR")
        for q in time_queries(args.store, args.repeat):
            print(f"| {q['query']} | {q['rows']} | {q['cold_ms']:.1f} | {q['median_ms']:.1f} | {q['p95_ms']:.1f} |")
        return 0
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"skipped: data not found: {', '.join(missing)}")
        return 0

    from kg.build import build
    from kg.store import open_store, store_size

    tmp = None
    store_dir = args.store
    if store_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="newskg-bench-")
        store_dir = str(Path(tmp.name) / "store")
    store = open_store(store_dir)
    s = build(args.paths, store, workers=args.workers, progress=True)
    store.flush()
    chars = 0
    from kg.sparql import run_query

    r = run_query(store, "SELECT (SUM(?n) AS ?c) WHERE { ?a a schema:NewsArticle ; nkg:length ?n }")
    chars = int(r.rows[0][0].value) if r.rows and r.rows[0][0] is not None else 0
    quads = len(store)
    t0 = time.perf_counter()
    again = build(args.paths, store, workers=args.workers, progress=False)
    rebuild = time.perf_counter() - t0
    del store
    import gc

    gc.collect()
    open_store(store_dir)  # reopening replays the write-ahead log into tables: the lasting size
    gc.collect()
    size = store_size(store_dir)
    me, kids = peak_rss_mb()
    queries = time_queries(store_dir, args.repeat)

    lines = [
        "## Graph build",
        "",
        START,
        f"Measured by `benchmarks/build_graph.py` on {time.strftime('%Y-%m-%d')}: {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, pyoxigraph "
        f"{__import__('pyoxigraph').__version__}; corpus {', '.join(Path(p).name for p in args.paths)}; "
        f"--workers {args.workers}. The machine was shared with other jobs: treat times as upper bounds.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| articles | {s.articles:,} ({chars:,} characters) |",
        f"| build time | {s.seconds:.1f} s ({s.articles / s.seconds:.1f} articles/s, {chars / s.seconds:,.0f} chars/s) |",
        f"| triples written | {s.triples:,} ({quads:,} quads in store) |",
        f"| triples/s, whole build | {s.triples_per_second:,.0f} |",
        f"| triples/s, loading alone | {s.triples / s.load_seconds:,.0f} ({s.load_seconds:.1f} s writing) |",
        f"| entities / metrics / relations | {s.entities:,} / {s.metrics:,} / {s.relations:,} |",
        f"| skipped records | {s.skipped_records} |",
        f"| store size | {size / 1e6:.1f} MB ({size / max(chars, 1) * 1e6 / 1e6:.1f} MB per million characters) |",
        f"| peak RSS | writer {me:.0f} MB, largest worker {kids:.0f} MB |",
        f"| no-op rebuild | {rebuild:.1f} s ({again.unchanged:,} unchanged, {again.added + again.replaced} written) |",
        "",
        f"Ready queries (docs/queries), {args.repeat} warm runs each after one cold run on a fresh handle:",
        "",
        "| query | rows | cold ms | median ms | p95 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [f"| {q['query']} | {q['rows']} | {q['cold_ms']:.1f} | {q['median_ms']:.1f} | {q['p95_ms']:.1f} |" for q in queries]
    lines += ["", END]
    text = "\n".join(lines)
    print(text)
    if args.write_docs:
        doc = ROOT / "docs" / "benchmarks.md"
        old = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
        if START in old and END in old:
            head, rest = old.split(START, 1)
            head = head.rsplit("## Graph build", 1)[0]
            new = head + text + rest.split(END, 1)[1]
        else:
            new = old.rstrip("\n") + "\n\n" + text + "\n"
        doc.write_text(new, encoding="utf-8")
        print(f"written to {doc}", file=sys.stderr)
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
