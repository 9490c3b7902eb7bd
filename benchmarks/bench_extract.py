"""Extraction throughput against bare jieba on the same text, 1 and N worker processes.

    nice .venv/bin/python benchmarks/bench_extract.py [--mchars 1 3 10 30] [--workers 2]
        [--block 1000000] [--only lcut,posseg,pipeline,pipelineN,possegN]

One pass over the CCTV corpus (../shared/data/news/xwlb/, skips when absent), read lazily
in blocks of about ``--block`` characters. Every block is run, interleaved, by
  lcut       jieba.lcut on each article text (this process)
  posseg     jieba.posseg.lcut on each article text (this process)
  pipeline   extract.pipeline.extract_article on each article (this process)
  pipelineN  extract_article in a pool of N processes, the block split in chunks, the
             ArticleFacts pickled back (what a build ships)
  possegN    jieba.posseg.lcut in the same pool (what the machine's cores allow)
so load changes on a shared machine hit all of them alike. Models are loaded before timing.
The pool waits for the whole block before the next runner starts, so a block is cut into
8 chunks per worker of about equal characters, handed out longest first (a chunk left running
alone at the end of a block would idle the other workers); the parent only pickles articles
out and facts back. That wait is a barrier a build does not have (it streams): with blocks of
200k characters it cost the pool 10-15 % (2 workers / 1: 1.68-1.77, bare posseg 1.99-2.00 in
the same run), with 1 M characters (the default) the two agree (2.10 and 2.02).
Cumulative chars/s and ratios are printed at every size of --mchars (1, 3, 10, 30 M: one
pass, checkpoints on the way), with the peak RSS of the process tree.
"""
from __future__ import annotations

import argparse
import multiprocessing
import time
from typing import Iterator

from bench_common import PeakRSS, articles_upto, machine, mb, xwlb_files

RUNNERS = ("lcut", "posseg", "pipeline", "pipelineN", "possegN")


def _init() -> None:
    import jieba

    from corpus.model import Article
    from extract.pipeline import extract_article

    jieba.setLogLevel(60)
    jieba.initialize()
    extract_article(Article(id="warm-up", text="新华社北京1月1日电 国家统计局今天发布数据，全年国内生产总值增长5.2%。"))


def _extract(chunk: list) -> list:
    from extract.pipeline import extract_article

    return [extract_article(a) for a in chunk]


def _posseg(texts: list[str]) -> int:
    import jieba.posseg

    return sum(len(jieba.posseg.lcut(t)) for t in texts)


def blocks(max_chars: float, size: int) -> Iterator[list]:
    block, chars = [], 0
    for art in articles_upto(max_chars):
        block.append(art)
        chars += len(art.text)
        if chars >= size:
            yield block
            block, chars = [], 0
    if block:
        yield block


def split(items: list, parts: int, size=len) -> list[list]:
    """``items`` in at most ``parts`` chunks of about equal total ``size``, the biggest chunk
    first (longest items placed first, each into the lightest chunk so far).

    >>> split(["aaaa", "b", "cc", "ddd", "e"], 2)
    [['aaaa', 'b', 'e'], ['ddd', 'cc']]
    """
    bins: list[list] = [[] for _ in range(min(parts, len(items)))]
    loads = [0] * len(bins)
    for x in sorted(items, key=size, reverse=True):
        k = loads.index(min(loads))
        bins[k].append(x)
        loads[k] += size(x)
    return [b for _, b in sorted(zip(loads, bins), key=lambda lb: -lb[0])]


def text_len(article) -> int:
    return len(article.text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mchars", type=float, nargs="+", default=[1, 3])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--block", type=int, default=1_000_000)
    ap.add_argument("--only", default=",".join(RUNNERS), help="comma-separated runners")
    args = ap.parse_args()
    only = [r for r in RUNNERS if r in args.only.split(",")]
    xwlb_files()
    import jieba
    import jieba.posseg

    from extract.pipeline import extract_article

    _init()
    pool = None
    if {"pipelineN", "possegN"} & set(only):
        pool = multiprocessing.get_context("spawn").Pool(args.workers, initializer=_init)
        pool.map(time.sleep, [0.5] * args.workers)  # wait until every worker is ready
    nparts = args.workers * 8
    runs = {
        "lcut": lambda b: [jieba.lcut(a.text) for a in b],
        "posseg": lambda b: [jieba.posseg.lcut(a.text) for a in b],
        "pipeline": lambda b: [extract_article(a) for a in b],
        "pipelineN": lambda b: pool.map(_extract, split(b, nparts, text_len), chunksize=1),
        "possegN": lambda b: pool.map(_posseg, split([a.text for a in b], nparts), chunksize=1),
    }
    secs = dict.fromkeys(only, 0.0)
    chars = articles = 0
    checkpoints = sorted(args.mchars)
    print(machine())
    print(f"workers={args.workers} block={args.block:,} chars; N = {args.workers}")
    head = ["M chars", "articles"] + [f"{r} k chars/s" for r in only] + ["pipeline/posseg", "pipeline/lcut",
                                                                         "pipelineN/pipeline", "possegN/posseg", "peak RSS"]
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head), flush=True)
    try:
        with PeakRSS() as rss:
            for block in blocks(checkpoints[-1] * 1e6, args.block):
                for name in only:
                    t = time.perf_counter()
                    runs[name](block)
                    secs[name] += time.perf_counter() - t
                chars += sum(len(a.text) for a in block)
                articles += len(block)
                while checkpoints and chars >= checkpoints[0] * 1e6:
                    checkpoints.pop(0)
                    report(chars, articles, secs, rss.peak_total)
            if checkpoints:  # the corpus ended before the last size
                report(chars, articles, secs, rss.peak_total)
    finally:
        if pool is not None:
            pool.terminate()
    print(machine())


def report(chars: int, articles: int, secs: dict, peak: int) -> None:
    speed = {k: chars / v for k, v in secs.items() if v}

    def ratio(a: str, b: str) -> str:
        return f"{speed[a] / speed[b]:.2f}" if a in speed and b in speed else "-"

    cells = [f"{chars / 1e6:.2f}", f"{articles:,}"] + [f"{speed[k] / 1e3:.1f}" for k in secs]
    cells += [ratio("pipeline", "posseg"), ratio("pipeline", "lcut"), ratio("pipelineN", "pipeline"),
              ratio("possegN", "posseg"), mb(peak)]
    print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
