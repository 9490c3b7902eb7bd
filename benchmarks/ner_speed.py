"""Throughput of the NER tagger vs jieba.lcut and jieba.posseg on CCTV news text, one core,
same text, same run (model and dictionary loading excluded).

    nice .venv/bin/python benchmarks/ner_speed.py [--stories 300] [--year 2019] [--model PATH]

Reads ../shared/data/news/xwlb/<year>.jsonl.gz (or $NEWSKG_SHARED_DATA/news/xwlb/...);
exits cleanly when the data is absent.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time

from extract.ner import load_tagger
from extract.ner_eval import shared_data_dir


def stories(year: int, n: int) -> list[str]:
    path = shared_data_dir() / "news" / "xwlb" / f"{year}.jsonl.gz"
    if not path.is_file():
        return []
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            out.append(json.loads(line)["text"])
            if len(out) >= n:
                break
    return out


def rate(fn, texts: list[str], repeat: int = 2) -> float:
    """Best chars/s over ``repeat`` passes of ``fn`` over ``texts``."""
    chars = sum(map(len, texts))
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for t in texts:
            fn(t)
        best = min(best, time.perf_counter() - t0)
    return chars / best


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stories", type=int, default=300)
    ap.add_argument("--year", type=int, default=2019)
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    texts = stories(args.year, args.stories)
    if not texts:
        print("CCTV data not found under", shared_data_dir(), "- skipped")
        return 0
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    jieba.initialize()
    tagger = load_tagger(args.model)
    tagger.tag(texts[0])  # warm up
    chars = sum(map(len, texts))
    print(f"{len(texts)} stories, {chars} chars, longest {max(map(len, texts))}")
    results = {
        "ner tag()": rate(tagger.tag, texts),
        "jieba.lcut": rate(jieba.lcut, texts),
        "jieba.posseg": rate(lambda t: list(jieba.posseg.cut(t)), texts, repeat=1),
    }
    for name, r in results.items():
        print(f"{name:<14} {r / 1000:8.1f}k chars/s")
    print(f"ner / posseg   {results['ner tag()'] / results['jieba.posseg']:8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
