"""Relations and aliases on DuIE 2.0 sentences: recall per relation type, and a sample of
predictions to check precision by hand (extract.relations_eval).

Run by hand:  .venv/bin/python benchmarks/relations_duie.py --part dev [--sample 30] [--misses]
              .venv/bin/python benchmarks/relations_duie.py --part blind --no-sample   (once, for the record)
Skips cleanly (status 0) when ../shared/data/duie is absent.
"""
from __future__ import annotations

import argparse
import json
import sys
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=("dev", "blind"), default="dev")
    ap.add_argument("--path", help="DuIE JSONL(.gz) file (default ../shared/data/duie/duie_dev.jsonl.gz)")
    ap.add_argument("--limit", type=int, help="first N sentences of the part")
    ap.add_argument("--sample", type=int, default=20, help="predictions per relation type to print")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-sample", action="store_true", help="figures only (use on the blind part)")
    ap.add_argument("--misses", action="store_true", help="print the gold facts not found (dev only)")
    ap.add_argument("--json", help="write the whole result as JSON here")
    args = ap.parse_args()
    from extract.relations_eval import evaluate_duie, summary_rows

    t = time.perf_counter()
    result = evaluate_duie(args.path, args.part, limit=args.limit, sample=0 if args.no_sample else args.sample, seed=args.seed)
    if result is None:
        print("skipped: DuIE data not found", file=sys.stderr)
        return 0
    secs = time.perf_counter() - t
    print(f"DuIE {result['part']}: {result['sentences']} sentences, {secs:.1f} s")
    print(f"{'relation':<18}{'gold':>6}{'recall':>8}{'w/ role':>9}{'predicted':>11}")
    for row in summary_rows(result):
        print(f"{row['relation']:<18}{row['gold']:>6}{row['recall']:>8.3f}{row['recall_with_role']:>9.3f}{row['predicted']:>11}")
    if args.part == "blind":
        return 0
    if not args.no_sample:
        for rel, preds in result["sample"].items():
            print(f"\n## sample of {rel} ({len(preds)} of {result['predicted'][rel]})")
            for p in preds:
                role = f" [{p['role']}]" if p["role"] else ""
                print(f"{p['id']}\t{p['head']} -{rel}{role}-> {p['tail']}\t| {p['evidence'][:80]}")
    if args.misses:
        for rel, row in result["relations"].items():
            print(f"\n## misses of {rel} ({len(row['misses'])})")
            for m in row["misses"]:
                print(f"{m['id']}\t{m['head']} -> {m['tail']} {m['role']}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
