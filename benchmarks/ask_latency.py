"""Answer latency of `kg.qa.answer` on a built graph (run by hand; results go to docs/qa.md).

Questions are made from the graph itself with a fixed seed (people, organisations, places,
figures with and without their period, and questions the graph cannot answer), so the
benchmark works on any store. Reports the cold cost (first question: label and indicator
indexes built) and, for a warm process, median / p95 / max per question and per template.

    newskg build ../shared/data/news/xwlb/2019.jsonl.gz --store /tmp/xwlb2019
    python benchmarks/ask_latency.py /tmp/xwlb2019 --questions 300

``--bench-queries``: the questions of benchmarks/bench_queries.py instead (its `ask` part, slots
filled from the graph the same way), warm median/p95 over ``--rounds`` and cold: a fresh
process per question, once with the Q&A indexes' disk cache (kg.qa_cache) and once without
(``NEWSKG_CACHE=off``: the first question ever asked of that graph).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.qa import answer  # noqa: E402
from kg.qa_link import label_index  # noqa: E402
from kg.qa_metrics import indicator_index  # noqa: E402
from kg.store import open_store  # noqa: E402
from kg.vocab import PREFIXES  # noqa: E402

OBS_SAMPLE = """
SELECT ?subjectName ?indicator ?period WHERE {
  ?o nkg:subjectName ?subjectName ; nkg:indicator ?indicator .
  OPTIONAL { ?o nkg:period ?period }
} LIMIT 20000
"""


def make_questions(store, n: int, seed: int = 20231) -> list[str]:
    """A fixed-seed mix of questions about what the graph holds (and some it does not)."""
    rng = random.Random(seed)
    idx = label_index(store)
    by_type = defaultdict(list)
    for e in idx.entities.values():
        for t in e.types:
            by_type[t].append(e.name)
    for names in by_type.values():
        names.sort()
    obs = [(r["subjectName"].value, r["indicator"].value, r["period"].value if r["period"] else None)
           for r in store.query(OBS_SAMPLE, prefixes=PREFIXES, use_default_graph_as_union=True)]
    obs.sort(key=lambda o: (o[0], o[1], o[2] or ""))
    makers = []
    if by_type["PERSON"]:
        makers += [lambda: f"{rng.choice(by_type['PERSON'])}是谁？",
                   lambda: f"{rng.choice(by_type['PERSON'])}担任什么职务？"]
    if by_type["ORG"]:
        makers += [lambda: f"哪些人来自{rng.choice(by_type['ORG'])}？",
                   lambda: f"{rng.choice(by_type['ORG'])}有哪些指标？",
                   lambda: f"{rng.choice(by_type['ORG'])}有什么平台？",
                   lambda: f"{rng.choice(by_type['ORG'])}的负责人是谁？"]
    if by_type["PLACE"] or by_type["EVENT"]:
        places = by_type["EVENT"] + by_type["ORG"]
        makers += [lambda: f"{rng.choice(places)}在哪里？"]
    if obs:
        def metric() -> str:
            subj, ind, period = rng.choice(obs)
            when = f"{period}年" if period and period.isdigit() else ""
            return f"{when}{subj}{ind}是多少？"

        def metric_other_year() -> str:
            subj, ind, _ = rng.choice(obs)
            return f"2031年{subj}{ind}是多少？"

        makers += [metric, metric, metric, metric_other_year]
    if len(by_type["ORG"]) > 1:
        makers += [lambda: f"{rng.choice(by_type['ORG'])}和{rng.choice(by_type['ORG'])}有什么关系？"]
    makers += [lambda: "某某集团的净利润是多少？", lambda: "今天天气怎么样"]
    return [rng.choice(makers)() for _ in range(n)]


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q / 100 * len(xs) + 0.5) - 1))]


def _cold(store_dir: str, question: str, cache: bool) -> tuple[float, float]:
    """(seconds to the first answer, of which opening the store), in a fresh process."""
    code = ("import json,sys,time; t0=time.perf_counter(); from kg.store import open_store; from kg.qa import answer;"
            "s=open_store(sys.argv[1], read_only=True); t1=time.perf_counter(); answer(s, sys.argv[2]);"
            "print(json.dumps([time.perf_counter()-t1, t1-t0]))")
    env = dict(os.environ)
    if not cache:
        env["NEWSKG_CACHE"] = "off"
    out = subprocess.run([sys.executable, "-c", code, store_dir, question], capture_output=True, text=True, check=True, env=env)
    return tuple(json.loads(out.stdout.strip().splitlines()[-1]))


def bench_queries_mode(args) -> None:
    """The `ask` part of bench_queries.py, with cold times with and without the disk cache."""
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_queries import workload

    store = open_store(args.store, read_only=True)
    items = [i for i in workload(store, args.per_param) if i["kind"] == "ask"]
    warm, rows = [], []
    for item in items:
        q = item["question"]
        answer(store, q)  # warm-up (builds or reads the indexes on the first)
        ts = []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            a = answer(store, q)
            ts.append((time.perf_counter() - t0) * 1000)
        warm += ts
        rows.append([q, a.template, "yes" if a.found else "no", statistics.median(ts), _pct(ts, 95)])
    cold_cached, cold_fresh = [], []
    if not args.no_cold:
        for row in rows:
            c = _cold(args.store, row[0], True)[0] * 1000
            f = _cold(args.store, row[0], False)[0] * 1000
            cold_cached.append(c)
            cold_fresh.append(f)
            row += [c, f]
    print("| question | template | found | warm median ms | warm p95 ms | cold ms (disk cache) | cold ms (no cache) |")
    print("|---|---|---|---:|---:|---:|---:|")
    for row in rows:
        cells = [f"{x:,.1f}" if isinstance(x, float) else str(x) for x in row]
        print("| " + " | ".join(cells + [""] * (7 - len(cells))) + " |")
    print(f"\nask: {len(warm)} warm runs: median {statistics.median(warm):.1f} ms, p95 {_pct(warm, 95):.1f} ms, "
          f"max {max(warm):.1f} ms (target p95 100 ms)")
    if cold_cached:
        print(f"cold, disk cache: median {statistics.median(cold_cached):,.0f} ms, max {max(cold_cached):,.0f} ms; "
              f"no cache: median {statistics.median(cold_fresh):,.0f} ms, max {max(cold_fresh):,.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", help="store directory built by `newskg build`")
    ap.add_argument("--questions", type=int, default=300)
    ap.add_argument("--seed", type=int, default=20231)
    ap.add_argument("--bench-queries", action="store_true", help="the questions of bench_queries.py, warm and cold")
    ap.add_argument("--rounds", type=int, default=2, help="--bench-queries: timed runs per question")
    ap.add_argument("--per-param", type=int, default=1, help="--bench-queries: values per question pattern")
    ap.add_argument("--no-cold", action="store_true")
    args = ap.parse_args()
    if args.bench_queries:
        return bench_queries_mode(args)

    store = open_store(args.store, read_only=True)
    t0 = time.perf_counter()
    label_index(store)
    t_labels = time.perf_counter() - t0
    t0 = time.perf_counter()
    indicator_index(store)
    t_ind = time.perf_counter() - t0
    idx = label_index(store)
    print(f"store {args.store}: {len(idx)} entities; cold label index {t_labels:.2f} s, indicator index {t_ind:.2f} s")

    questions = make_questions(store, args.questions, args.seed)
    for q in questions[:20]:  # warm the caches of the store itself
        answer(store, q)
    times, per_template, found = [], defaultdict(list), 0
    for q in questions:
        t0 = time.perf_counter()
        a = answer(store, q)
        dt = (time.perf_counter() - t0) * 1000
        times.append(dt)
        per_template[a.template or "(none)"].append(dt)
        found += a.found
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"{len(times)} questions, {found} found: median {statistics.median(times):.1f} ms, "
          f"p95 {p95:.1f} ms, max {times[-1]:.1f} ms")
    print("| template | questions | median ms | p95 ms |")
    print("|---|---:|---:|---:|")
    for name, ts in sorted(per_template.items(), key=lambda x: -len(x[1])):
        ts.sort()
        print(f"| {name} | {len(ts)} | {statistics.median(ts):.1f} | {ts[int(0.95 * (len(ts) - 1))]:.1f} |")


if __name__ == "__main__":
    main()
