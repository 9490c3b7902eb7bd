"""Print a random sample of extracted entities (and relations) from CCTV stories for review
by eye: the check that extraction rules generalise beyond the bundled sample.

    python benchmarks/entities_cctv.py [--stories 300] [--year 2019] [--n 50] [--seed 7]

Each line: type, canonical name, aliases, and the first mention in context.
"""
from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extract_speed import load  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stories", type=int, default=300)
    ap.add_argument("--year", type=int, default=2019)
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--relations", action="store_true", help="sample relations instead of entities")
    args = ap.parse_args()
    from extract.pipeline import extract_corpus

    arts = load(args.year, args.stories)
    texts = {a.id: a.text for a in arts}
    ext = extract_corpus(arts)
    print(f"{len(arts)} articles, {len(ext.entities)} entities, {len(ext.relations)} relations")
    print("types:", dict(Counter(e.type for e in ext.entities)))
    rng = random.Random(args.seed)
    if args.relations:
        rels = [r for r in ext.relations if r.relation != "co_mention"]
        print("relations:", dict(Counter(r.relation for r in rels)))
        for r in rng.sample(rels, min(args.n, len(rels))):
            ev = texts[r.article][r.start : r.end].replace("\n", " ")
            print(f"{r.relation:12} {r.head_name} -> {r.tail_name} [{r.role or ''}] | {ev[:80]}")
        return
    for i, e in enumerate(rng.sample(ext.entities, min(args.n, len(ext.entities))), 1):
        m = e.mentions[0] if e.mentions else None
        ctx = ""
        if m is not None:
            t = texts[m.article]
            ctx = (t[max(0, m.start - 12) : m.start] + "[" + m.text + "]" + t[m.end : m.end + 12]).replace("\n", " ")
        print(f"{i:2} {e.type:8} {e.name} {e.aliases[:3]} | {ctx}")


if __name__ == "__main__":
    main()
