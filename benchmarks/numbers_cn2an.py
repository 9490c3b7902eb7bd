"""Compare cn2an with our Chinese numeral parser on the numerals of CCTV stories: same value,
different value, or an error; and the time per number (docs/decisions.md, "Dependencies").

cn2an is not a dependency of newskg any more: ``pip install cn2an`` first, then

    .venv/bin/python benchmarks/numbers_cn2an.py [--year 2019] [--stories 3000]

Reads ../shared/data/news/xwlb/YEAR.jsonl.gz (or $NEWSKG_SHARED/data/...).
"""
from __future__ import annotations

import argparse
import gzip
import itertools
import json
import re
import time
from collections import Counter
from pathlib import Path

import cn2an

from extract.numbers import CHINESE, parse_cn_integer
from corpus.shared_data import shared_location



def main() -> None:
    """Print agreement counts, the disagreements and the time per number of both parsers."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--year", type=int, default=2019)
    ap.add_argument("--stories", type=int, default=3000)
    args = ap.parse_args()
    numerals: Counter = Counter()
    with gzip.open(shared_location() / "data" / "news" / "xwlb" / f"{args.year}.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in itertools.islice(f, args.stories):
            numerals.update(m.group(0) for m in re.finditer(CHINESE, json.loads(line).get("text", "")))
    same = differ = error = 0
    misses = []
    for s, n in numerals.items():
        ours = parse_cn_integer(s)
        try:
            theirs = cn2an.cn2an(s, "smart")
        except ValueError as e:
            error += n
            misses.append((n, s, str(ours), f"error: {e}"))
            continue
        if int(theirs) == ours:
            same += n
        else:
            differ += n
            misses.append((n, s, str(ours), str(theirs)))
    print(f"{len(numerals)} distinct numerals, {sum(numerals.values())} occurrences: "
          f"same {same}, different {differ}, cn2an error {error}")
    for n, s, ours, theirs in sorted(misses, reverse=True):
        print(f"  {n:5d}  {s}  ours {ours}  cn2an {theirs}")
    for name, fn in (("ours", parse_cn_integer), ("cn2an", lambda s: cn2an.cn2an(s, "smart"))):
        t0 = time.perf_counter()
        for s in list(numerals) * 5:
            try:
                fn(s)
            except ValueError:
                pass
        print(f"{name}: {(time.perf_counter() - t0) / (5 * len(numerals)) * 1e6:.1f} µs a number")


if __name__ == "__main__":
    main()
