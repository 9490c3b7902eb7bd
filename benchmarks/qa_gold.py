"""Score the Q&A on a gold file of questions about CCTV stories: the graph of exactly the
stories the file names is built in a temporary store with the real pipeline; scoring is strict
(../shared/eval/README.md). Skips cleanly when ../shared is absent.

Run by hand:  .venv/bin/python benchmarks/qa_gold.py eval/qa/dev.jsonl
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", help="JSONL questions with a doc field (eval/qa/dev.jsonl)")
    ap.add_argument("--quiet", action="store_true", help="only the counts, not the misses")
    args = ap.parse_args()
    from extract.figures_gold import xwlb_dir
    from kg.qa_gold import build_story_store, load_questions, score_questions, summary_lines

    questions = load_questions(args.gold)
    if not xwlb_dir().is_dir():
        print(f"skipped: CCTV stories not available ({xwlb_dir()} not found)")
        return 0
    with tempfile.TemporaryDirectory(prefix="newskg-qa-gold-") as tmp:
        store = build_story_store({str(q["doc"]) for q in questions}, Path(tmp) / "store")
        print("\n".join(summary_lines(score_questions(questions, store), misses=not args.quiet)))
        del store
    return 0


if __name__ == "__main__":
    sys.exit(main())
