"""Run the real pipeline on the articles a figures gold file refers to and score it: the
bundled sample when the gold names no ``doc``, else CCTV 新闻联播 stories read by id
("20150101-002") from ``<shared data>/news/xwlb/<year>.jsonl.gz``.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from corpus.errors import ExtractError
from extract.metrics_eval import load_gold, score_figures


def xwlb_dir() -> Path:
    """The CCTV transcripts folder of the shared data (:mod:`corpus.shared_data`; may be absent)."""
    from corpus.shared_data import shared_location

    return shared_location() / "data" / "news" / "xwlb"


def load_stories(ids: set[str], folder: Path | None = None) -> list:
    """Articles of the xwlb stories ``ids`` (digest stories give one article per item).

    :raises ExtractError: when a story's year file is missing or a story is not in it.
    """
    from corpus.articles import articles_from_record

    folder = folder or xwlb_dir()
    articles = []
    found: set[str] = set()
    for year in sorted({i[:4] for i in ids}):
        path = folder / f"{year}.jsonl.gz"
        if not path.exists():
            raise ExtractError("CCTV year file not found", path=str(path))
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line_no, line in enumerate(fh, 1):
                if f'"{year}' not in line[:40]:
                    continue
                rec = json.loads(line)
                if rec.get("id") in ids:
                    found.add(rec["id"])
                    articles.extend(articles_from_record(rec, source=str(path), line=line_no))
    missing = sorted(ids - found)
    if missing:
        raise ExtractError(f"stories not found: {', '.join(missing[:5])}", path=str(folder))
    return articles


def score_gold_file(path: str | Path | None = None) -> dict:
    """Extract the gold's articles with :func:`extract.pipeline.extract_corpus` and score the
    figures. Returns ``{"skipped": reason}`` when the gold refers to CCTV stories and the
    shared data is absent."""
    from extract.pipeline import extract_corpus

    gold = load_gold(path)
    docs = {str(g["doc"]) for g in gold if g.get("doc")}
    if docs:
        folder = xwlb_dir()
        if not folder.is_dir():
            return {"skipped": f"CCTV stories not available ({folder} not found)"}
        articles = load_stories(docs, folder)
    else:
        from corpus import read_corpus

        articles = list(read_corpus())
    ext = extract_corpus(articles)
    out = score_figures(ext.metrics, gold)
    out["articles"] = len(ext.articles)
    return out


def summary_lines(result: dict, misses: bool = True) -> list[str]:
    """The score as printable lines: recall, recall with period, precision, then the misses."""
    if "skipped" in result:
        return [f"skipped: {result['skipped']}"]
    lines = [
        f"articles {result['articles']}, gold figures {result['gold']}, system figures {result['predicted']}",
        f"recall (value+subject)  {result['recall']:.3f}  ({result['matched']}/{result['gold']})",
        f"recall (+period)        {result['recall_period']:.3f}  ({result['matched_period']}/{result['gold']})",
        f"precision               {result['precision']:.3f}",
    ]
    if misses:
        for m in result["misses"]:
            g = m["gold"]
            near = "; ".join(f"{r['subject_name']}|{r['indicator']}|{r['period']}" for r in m["same_value"]) or "-"
            lines.append(f"MISS {g.get('doc', '')} {g.get('id')}: {g['subject']} {g.get('indicator')} "
                         f"{g['value']}{g.get('unit', '')} {g.get('period')}  system: {near}")
        for w in result["wrong_period"]:
            g, p = w["gold"], w["predicted"]
            lines.append(f"PERIOD {g.get('doc', '')} {g.get('id')}: {g.get('indicator')} {g['value']}{g.get('unit', '')} "
                         f"gold {g.get('period')} system {p['period']}")
        for p in result["false_positives"]:
            lines.append(f"FP {p['article']}: {p['subject_name']}|{p['indicator']}|{p['value']}{p['unit']}|{p['period']}")
    return lines
