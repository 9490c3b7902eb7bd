"""Run metric extraction over CCTV 新闻联播 stories (../shared/data/news/xwlb/YEAR.jsonl.gz) and
print a random sample of metrics to read by eye, plus timing against jieba.posseg.

Run by hand:  .venv/bin/python benchmarks/metrics_cctv.py --year 2019 --stories 300 --sample 50
Skips cleanly when the licensed data is absent.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from pathlib import Path

from corpus.shared_data import shared_location
ROOT = Path(__file__).resolve().parent.parent
DATA = shared_location() / "data" / "news" / "xwlb"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--year", default="2019")
    ap.add_argument("--stories", type=int, default=300)
    ap.add_argument("--sample", type=int, default=50)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-entities", action="store_true", help="metrics without entity mentions")
    ap.add_argument("--out", help="write every metric as JSON lines here")
    args = ap.parse_args()
    path = DATA / f"{args.year}.jsonl.gz"
    if not path.exists():
        print(f"skipped: {path} not found", file=sys.stderr)
        return 0
    from corpus.articles import articles_from_record
    from extract.metrics import find_metrics
    from extract.model import to_jsonable

    with gzip.open(path, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    rng = random.Random(args.seed)
    picked = rng.sample(range(len(records)), min(args.stories, len(records)))
    articles = []
    for i in sorted(picked):
        articles.extend(articles_from_record(records[i], source=str(path), line=i + 1))
    chars = sum(len(a.text) for a in articles)

    analyse = None
    if not args.no_entities:
        from extract.pipeline import analyse_article

        analyse = analyse_article
    metrics = []
    t_metrics = 0.0
    for a in articles:
        mentions = []
        if analyse is not None:
            resolution, _ = analyse(a)
            mentions = getattr(resolution, "mentions", None) or getattr(resolution, "spans", [])
        t0 = time.perf_counter()
        metrics.extend((a, m) for m in find_metrics(a, mentions))
        t_metrics += time.perf_counter() - t0

    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(60)
    list(pseg.cut("预热"))
    t0 = time.perf_counter()
    for a in articles:
        for _ in pseg.cut(a.text):
            pass
    t_pseg = time.perf_counter() - t0
    print(f"{len(articles)} articles, {chars} chars, {len(metrics)} metrics")
    print(f"find_metrics: {chars / t_metrics:,.0f} chars/s; jieba.posseg: {chars / t_pseg:,.0f} chars/s")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            for _, m in metrics:
                fh.write(json.dumps(to_jsonable(m), ensure_ascii=False) + "\n")
    for a, m in rng.sample(metrics, min(args.sample, len(metrics))):
        sent = a.sentences[m.sentence].text if a.sentences else ""
        print("-" * 60)
        print(f"{m.subject_name} | {m.indicator} | {m.value}{m.unit} -> {m.base_value} {m.base_unit} | "
              f"{m.qualifier} | {m.kind} | {m.period} | date {a.date}")
        print(f"   {sent}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
