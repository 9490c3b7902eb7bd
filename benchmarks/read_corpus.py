"""Benchmark: read the 12 years of CCTV transcripts (../shared/data/news/xwlb/*.jsonl.gz).

Prints articles/s, chars/s, counts by kind, errors and peak memory. Run by hand:

    nice .venv/bin/python benchmarks/read_corpus.py [DATA_DIR]

Skips cleanly (exit 0) when the licensed data is absent.
"""
from __future__ import annotations

import collections
import os
import platform
import resource
import sys
import time
from pathlib import Path

from corpus import read_corpus
from corpus.shared_data import shared_location

DEFAULT_DIR = shared_location() / "data" / "news" / "xwlb"


def main(argv: list[str]) -> int:
    data_dir = Path(argv[1]) if len(argv) > 1 else DEFAULT_DIR
    files = sorted(data_dir.glob("*.jsonl.gz"))
    if not files:
        print(f"skipped: no *.jsonl.gz under {data_dir} (licensed data not present)")
        return 0
    kinds: collections.Counter[str] = collections.Counter()
    errors = []
    chars = sentences = 0
    t0 = time.perf_counter()
    for art in read_corpus([str(f) for f in files], on_error=errors.append):
        kinds[art.kind] += 1
        chars += len(art.text)
        sentences += len(art.sentences)
    secs = time.perf_counter() - t0
    n = sum(kinds.values())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"files: {len(files)} ({files[0].name} .. {files[-1].name})")
    print(f"articles: {n}  by kind: {dict(kinds)}")
    print(f"chars: {chars}  sentences: {sentences}")
    print(f"errors: {len(errors)}" + (f"  first: {errors[0]}" if errors else ""))
    print(f"time: {secs:.1f} s  ->  {n / secs:,.0f} articles/s, {chars / secs / 1e6:.2f} M chars/s")
    print(f"peak RSS: {peak_mb:.0f} MB")
    print(f"machine: nproc={os.cpu_count()}, python {platform.python_version()}, {platform.machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
