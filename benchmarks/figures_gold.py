"""Score a figures gold file with the real pipeline: recall (value+subject), recall (+period),
precision, and the misses, wrong periods and false positives.

Run by hand:  .venv/bin/python benchmarks/figures_gold.py eval/figures/dev.json
(no argument: the bundled sample's gold). Skips cleanly when the gold refers to CCTV stories
and ../shared is absent.
"""
from __future__ import annotations

import argparse
import sys


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", nargs="?", help="gold file (default tests/data/seed_metrics_gold.json)")
    ap.add_argument("--quiet", action="store_true", help="only the three figures")
    args = ap.parse_args()
    from extract.figures_gold import score_gold_file, summary_lines

    result = score_gold_file(args.gold)
    print("\n".join(summary_lines(result, misses=not args.quiet)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
