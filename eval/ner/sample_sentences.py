"""Draw the sentences of the out-of-domain NER set (issue 14) from the shared data, seeded.

    .venv/bin/python eval/ner/sample_sentences.py [--data DIR] > pool.jsonl

Prints one JSON reference per sentence (source file, doc id, character offsets, kind, and
the text for annotating; the committed set keeps no text). Deterministic: the same data
gives the same sentences. Drawn at random, without running any tagger.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from pathlib import Path

from corpus.shared_data import shared_location

YEARS = range(2012, 2024)
PER_YEAR_STORY = 15  # sentences from ordinary stories, per year
PER_YEAR_DIGEST = 7  # sentences from 国内/国际联播快讯 digests, per year
DUIE_STRATA = {  # kind -> (predicates, count); "other" takes the rest at random
    "duie-business": ({"董事长", "创始人", "成立日期", "代言人", "校长"}, 45),
    "duie-encyclopedic": ({"国籍", "毕业院校", "朝代", "祖籍", "气候", "首都", "官方语言", "简称"}, 40),
    "duie-other": (None, 80),
}
MIN_LEN, MAX_LEN = 15, 120
BOILERPLATE = re.compile(r"^(央视网消息[（(]新闻联播[）)]：)?(本台消息：)?")
SENT_END = re.compile(r"[^。！？\n]*[。！？]?")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a story: cut after 。！？ and at newlines, dateline dropped."""
    out = []
    for m in SENT_END.finditer(text):
        s, e = m.span()
        b = BOILERPLATE.match(text, s)
        s = b.end() if b else s
        piece = text[s:e]
        if MIN_LEN <= len(piece.strip()) and len(piece) <= MAX_LEN and piece == piece.strip():
            out.append((s, e))
    return out


def xwlb_pool(data: Path) -> list[dict]:
    """Per year: PER_YEAR_STORY sentences of random stories and PER_YEAR_DIGEST of random digests."""
    out = []
    for year in YEARS:
        rng = random.Random(f"ner-ood-xwlb-{year}")
        rel = f"news/xwlb/{year}.jsonl.gz"
        with gzip.open(data / rel, "rt", encoding="utf-8") as f:
            docs = [json.loads(line) for line in f]
        digests = [d for d in docs if "联播快讯" in d["title"]]
        stories = [d for d in docs if "联播快讯" not in d["title"]]
        for kind, pool, n in (("cctv", stories, PER_YEAR_STORY), ("cctv-digest", digests, PER_YEAR_DIGEST)):
            seen = set()
            while len([r for r in out if r["kind"] == kind and r["source"] == rel]) < n:
                d = rng.choice(pool)
                spans = sentences(d["text"])
                if not spans or d["id"] in seen:
                    continue
                seen.add(d["id"])
                s, e = rng.choice(spans)
                out.append({"source": rel, "doc": d["id"], "start": s, "end": e, "kind": kind, "text": d["text"][s:e]})
    return out


def duie_pool(data: Path) -> list[dict]:
    """DuIE dev sentences: strata by relation kind (business, encyclopedic) plus a random rest."""
    rel = "duie/duie_dev.jsonl.gz"
    with gzip.open(data / rel, "rt", encoding="utf-8") as f:
        docs = [json.loads(line) for line in f]
    docs = [d for d in docs if MIN_LEN <= len(d["text"]) <= MAX_LEN]
    rng = random.Random("ner-ood-duie")
    taken: set[str] = set()
    out = []
    for kind, (preds, n) in DUIE_STRATA.items():
        pool = [d for d in docs if d["id"] not in taken and (preds is None or {s["predicate"] for s in d["spo_list"]} & preds)]
        for d in rng.sample(pool, n):
            taken.add(d["id"])
            out.append({"source": rel, "doc": d["id"], "start": 0, "end": len(d["text"]), "kind": kind, "text": d["text"]})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(shared_location() / "data"), help="the shared data folder")
    args = ap.parse_args()
    data = Path(args.data)
    if not (data / "news" / "xwlb").is_dir():
        print(f"no shared data under {data}", file=sys.stderr)
        return 2
    for rec in xwlb_pool(data) + duie_pool(data):
        print(json.dumps(rec, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
