"""Throughput of the extraction pipeline against jieba on the same CCTV text, in one run.

    python benchmarks/extract_speed.py [--stories 300] [--year 2019]

Reads ../shared/data/news/xwlb/<year>.jsonl.gz (skips when absent), builds Articles with
corpus.articles_from_record (not timed), then times on one core, models loaded beforehand:
jieba.lcut, jieba.posseg.lcut and extract.pipeline.extract_article (segmentation, statistical
NER, rules, coreference, resolution, relations and metrics), in interleaved rounds keeping
the best time of each (the machine is shared). Prints chars/s and the ratios.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
XWLB = ROOT.parent / "shared" / "data" / "news" / "xwlb"


def load(year: int, n: int):
    from corpus.articles import articles_from_record

    path = XWLB / f"{year}.jsonl.gz"
    if not path.exists():
        sys.exit(f"skipped: {path} not found")
    arts = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i >= n:
                break
            arts += articles_from_record(json.loads(line), source=str(path), line=i + 1)
    return arts


def timed(fn, items) -> float:
    t = time.perf_counter()
    for x in items:
        fn(x)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stories", type=int, default=300)
    ap.add_argument("--year", type=int, default=2019)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    import jieba
    import jieba.posseg

    from extract.pipeline import extract_article

    arts = load(args.year, args.stories)
    texts = [a.text for a in arts]
    chars = sum(map(len, texts))
    jieba.initialize()
    extract_article(arts[0])  # load models and lexicons
    # interleaved rounds, best of each: the machine is shared, so load changes during a run
    runs = {"jieba.lcut": (jieba.lcut, texts), "jieba.posseg.lcut": (jieba.posseg.lcut, texts),
            "extract_article": (extract_article, arts)}
    results = {name: float("inf") for name in runs}
    for _ in range(args.rounds):
        for name, (fn, items) in runs.items():
            results[name] = min(results[name], timed(fn, items))
    print(f"{len(arts)} articles from {args.stories} stories, {chars} chars")
    for name, secs in results.items():
        print(f"{name:<20} {chars / secs / 1000:8.1f}k chars/s")
    e = results["extract_article"]
    print(f"ratio extract_article / jieba.posseg: {results['jieba.posseg.lcut'] / e:.2f}")
    print(f"ratio extract_article / jieba.lcut:   {results['jieba.lcut'] / e:.2f}")


if __name__ == "__main__":
    main()
