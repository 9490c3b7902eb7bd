"""Posts and aliases on CCTV news against the hand-written gold (tests/data/news_posts_gold.tsv,
news_aliases_gold.tsv): recall of person-organisation pairs and with the role, and of aliases
(extract.relations_eval.evaluate_news_posts, evaluate_news_aliases).

Run by hand:  .venv/bin/python benchmarks/relations_news.py --part dev [--misses] [--sample 30]
              .venv/bin/python benchmarks/relations_news.py --part blind     (figures only)
Skips cleanly (status 0) when ../shared/data/news is absent.
"""
from __future__ import annotations

import argparse
import sys


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=("dev", "blind"), default="dev")
    ap.add_argument("--misses", action="store_true")
    ap.add_argument("--sample", type=int, default=0, help="predicted posts to print (dev only)")
    args = ap.parse_args()
    from extract.relations_eval import evaluate_news_aliases, evaluate_news_posts

    r = evaluate_news_posts(args.part, sample=0 if args.part == "blind" else args.sample)
    if r is None:
        print("skipped: news data not found", file=sys.stderr)
        return 0
    print(f"news {r['part']}: {r['stories']} stories, {r['gold']} posts; recall {r['recall']:.3f}, "
          f"with role {r['recall_role']:.3f}; {r['predicted']} works_for predicted in these stories")
    if args.part == "dev":
        for m in r["misses"] if args.misses else ():
            print(f"miss\t{m['id']}\t{m['head']} -> {m['tail']} {m['role']}")
        for p in r["sample"]:
            print(f"pred\t{p['id']}\t{p['head']} -[{p['role']}]-> {p['tail']}")
    a = evaluate_news_aliases(args.part)
    print(f"news {a['part']}: {a['gold']} aliases; recall {a['recall']:.3f} "
          f"(the named thing is an entity: {a['entity_recall']:.3f})")
    if args.part == "dev" and args.misses:
        for m in a["misses"]:
            print(f"miss\t{m['id']}\t{m['head']} = {m['tail']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
