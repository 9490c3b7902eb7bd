"""Throughput of the extraction pipeline against jieba on the same CCTV text, in one run.

    python benchmarks/extract_speed.py [--stories 300] [--year 2019] [--rounds 3]

Reads ../shared/data/news/xwlb/<year>.jsonl.gz (skips when absent), builds Articles with
corpus.articles_from_record (not timed), then times on one core, models loaded beforehand:
jieba.lcut, jieba.posseg.lcut and extract.pipeline.extract_article (segmentation, statistical
NER, rules, coreference, resolution, relations and metrics). Each round takes the next
``--stories`` stories (fresh text: nothing is served from a cache filled by an earlier round)
and runs the three on them one after the other, so load changes on a shared machine hit all
alike. Prints chars/s over all rounds, the ratios, and each round's ratio, by wall clock and
by CPU time of this process (the latter barely moves with other jobs on the machine).
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

from corpus.shared_data import shared_location
ROOT = Path(__file__).resolve().parent.parent


def xwlb_dir() -> Path:
    """The CCTV transcripts under the shared folder (corpus.shared_data)."""
    return shared_location() / "data" / "news" / "xwlb"


def load(year: int, n: int, skip: int = 0):
    """Articles of stories ``skip`` .. ``skip + n`` of a year."""
    from corpus.articles import articles_from_record

    path = xwlb_dir() / f"{year}.jsonl.gz"
    if not path.exists():
        sys.exit(f"skipped: {path} not found")
    arts = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i >= skip + n:
                break
            if i >= skip:
                arts += articles_from_record(json.loads(line), source=str(path), line=i + 1)
    return arts


def timed(fn, items) -> tuple[float, float]:
    """(wall, CPU) seconds of ``fn`` over ``items``."""
    t, c = time.perf_counter(), time.process_time()
    for x in items:
        fn(x)
    return time.perf_counter() - t, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stories", type=int, default=300, help="stories per round")
    ap.add_argument("--year", type=int, default=2019)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    import jieba
    import jieba.posseg

    from extract.pipeline import extract_article

    rounds = [load(args.year, args.stories, r * args.stories) for r in range(args.rounds)]
    jieba.setLogLevel(60)
    jieba.initialize()
    extract_article(rounds[0][0])  # load models and lexicons
    runs = {"jieba.lcut": jieba.lcut, "jieba.posseg.lcut": jieba.posseg.lcut, "extract_article": extract_article}
    wall = dict.fromkeys(runs, 0.0)
    cpu = dict.fromkeys(runs, 0.0)
    per_round = []
    chars = articles = 0
    for r, arts in enumerate(rounds):
        texts = [a.text for a in arts]
        n = sum(map(len, texts))
        chars += n
        articles += len(arts)
        got = {}
        names = list(runs)
        for name in names[r % len(names):] + names[: r % len(names)]:  # rotate the order
            got[name] = timed(runs[name], arts if name == "extract_article" else texts)
            wall[name] += got[name][0]
            cpu[name] += got[name][1]
        per_round.append((got["jieba.posseg.lcut"][0] / got["extract_article"][0],
                          got["jieba.posseg.lcut"][1] / got["extract_article"][1]))
    print(f"{articles} articles from {args.rounds} x {args.stories} stories of {args.year}, {chars} chars")
    for name in runs:
        print(f"{name:<20} {chars / wall[name] / 1000:8.1f}k chars/s wall  {chars / cpu[name] / 1000:8.1f}k chars/s CPU")
    e = "extract_article"
    print(f"ratio extract_article / jieba.posseg: {wall['jieba.posseg.lcut'] / wall[e]:.2f} wall, "
          f"{cpu['jieba.posseg.lcut'] / cpu[e]:.2f} CPU; rounds (wall/CPU): "
          + ", ".join(f"{w:.2f}/{c:.2f}" for w, c in per_round)
          + f"; median {statistics.median(w for w, _ in per_round):.2f}/{statistics.median(c for _, c in per_round):.2f}")
    print(f"ratio extract_article / jieba.lcut:   {wall['jieba.lcut'] / wall[e]:.2f} wall, {cpu['jieba.lcut'] / cpu[e]:.2f} CPU")


if __name__ == "__main__":
    main()
