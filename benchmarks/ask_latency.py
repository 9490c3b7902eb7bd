"""Answer latency of `kg.qa.answer` on a built graph (run by hand; results go to docs/qa.md).

Questions are made from the graph itself with a fixed seed (people, organisations, places,
figures with and without their period, and questions the graph cannot answer), so the
benchmark works on any store. Reports the cold cost (first question: label and indicator
indexes built) and, for a warm process, median / p95 / max per question and per template.

    newskg build ../shared/data/news/xwlb/2019.jsonl.gz --store /tmp/xwlb2019
    python benchmarks/ask_latency.py /tmp/xwlb2019 --questions 300
"""
from __future__ import annotations

import argparse
import random
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", help="store directory built by `newskg build`")
    ap.add_argument("--questions", type=int, default=300)
    ap.add_argument("--seed", type=int, default=20231)
    args = ap.parse_args()

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
