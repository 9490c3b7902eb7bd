"""Build benchmark: `newskg build` on 1, 3, ... million characters of the CCTV corpus.

    nice .venv/bin/python benchmarks/bench_build.py [--mchars 1 3 30] [--workers 2]
        [--engine local|dask] [--store DIR]

For each size: a fresh on-disk store (a temporary one, or ``--store DIR`` for the last size,
kept for the query benchmarks), the articles read lazily from ../shared/data/news/xwlb/
(skips when absent), then kg.build (or kg.build_dask) with its real writer. Prints articles/s,
chars/s, triples/s, the peak RSS of the whole process tree (writer + workers, sampled every
0.25 s) and of the writer alone, the time the single writer spends writing to the store
(``BuildSummary.load_seconds``: bulk loads of new articles, transactions of replaced ones;
its capacity: triples/s while writing), the store size per million characters, and the CPU
seconds spent (a load-independent figure on a shared machine); then the time of an
incremental no-op rebuild of the same articles. ``--compact`` also times
``Store.optimize()`` (RocksDB compaction) and the size after it.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from bench_common import PeakRSS, articles_upto, machine, mb, xwlb_files


class WriterRSS(PeakRSS):
    """PeakRSS that also keeps the writer's samples with their times, to tell the loading
    phase from the summary step that ends the build."""

    def __init__(self, every: float = 0.25):
        super().__init__(every)
        self.samples: list[tuple[float, int]] = []

    def sample(self) -> None:
        super().sample()
        self.samples.append((time.monotonic(), self._proc.memory_info().rss))

    def peak_between(self, start: float, end: float) -> int:
        """The writer's largest sample taken between two ``time.monotonic()`` values."""
        return max((rss for t, rss in self.samples if start <= t <= end), default=0)


def _cpu() -> dict[str, float]:
    """CPU seconds (user + system) of this process and of its ended child processes."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"writer": me.ru_utime + me.ru_stime, "workers": kids.ru_utime + kids.ru_stime}


def run(size_m: float, store_dir: Path, engine: str, workers: int, compact: bool) -> dict:
    from kg.build_dask import run_build
    from kg.store import open_store, store_size

    chars = 0

    def counted():
        nonlocal chars
        for art in articles_upto(size_m * 1e6):
            chars += len(art.text)
            yield art

    store = open_store(store_dir)
    cpu0 = _cpu()
    t0 = time.monotonic()
    with WriterRSS() as rss:
        s = run_build(engine, counted(), store, workers=workers, progress=False)
        t1 = time.monotonic()
        store.flush()
    summary_from = t1 - s.summary_seconds
    cpu = {k: _cpu()[k] - cpu0[k] for k in cpu0}
    del store  # closed: the size on disk without the open store's write-ahead log
    size = store_size(store_dir)
    compacted = compact_s = None
    if compact:
        t = time.monotonic()
        store = open_store(store_dir)
        store.optimize()
        del store
        compact_s, compacted = time.monotonic() - t, store_size(store_dir)
    store = open_store(store_dir)
    t = time.monotonic()
    again = run_build(engine, articles_upto(size_m * 1e6), store, workers=workers, progress=False)
    noop = time.monotonic() - t
    del store
    return {"mchars": chars / 1e6, "articles": s.articles, "seconds": s.seconds, "triples": s.triples,
            "entities": s.entities, "writer_s": s.load_seconds, "cpu": cpu, "errors": len(s.errors), "rss_total": rss.peak_total, "rss_writer": rss.peak_self,
            "rss_loading": rss.peak_between(t0, summary_from), "rss_summary": rss.peak_between(summary_from, t1 + 1),
            "store": size, "compacted": compacted, "compact_s": compact_s, "noop": noop, "noop_unchanged": again.unchanged}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mchars", type=float, nargs="+", default=[1, 3])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--engine", choices=["local", "dask"], default="local")
    ap.add_argument("--compact", action="store_true", help="also time Store.optimize() and the size after it")
    ap.add_argument("--store", type=Path, help="keep the store of the last size here (must not exist)")
    args = ap.parse_args()
    xwlb_files()
    print(machine())
    print(f"engine={args.engine} workers={args.workers}")
    head = ("M chars", "articles", "seconds", "articles/s", "k chars/s", "triples", "triples/s",
            "peak RSS (all)", "peak RSS (writer)", "store", "store MB / M chars", "no-op rebuild s")
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    for i, size in enumerate(args.mchars):
        last = i == len(args.mchars) - 1
        if last and args.store:
            if args.store.exists():
                raise SystemExit(f"{args.store} exists; give a new directory")
            store_dir, tmp = args.store, None
        else:
            tmp = tempfile.mkdtemp(prefix="bench-build-")
            store_dir = Path(tmp) / "store"
        try:
            r = run(size, store_dir, args.engine, args.workers, args.compact)
        finally:
            if tmp:
                shutil.rmtree(tmp, ignore_errors=True)
        secs = r["seconds"]
        print(f"| {r['mchars']:.2f} | {r['articles']:,} | {secs:.1f} | {r['articles'] / secs:.1f} | "
              f"{r['mchars'] * 1e3 / secs:.1f} | {r['triples']:,} | {r['triples'] / secs:,.0f} | "
              f"{mb(r['rss_total'])} | {mb(r['rss_writer'])} | {mb(r['store'])} | "
              f"{r['store'] / 2**20 / r['mchars']:.0f} | {r['noop']:.1f} |", flush=True)
        print(f"  writer: {r['writer_s']:.1f} s writing to the store, "
              f"{r['triples'] / max(r['writer_s'], 1e-9):,.0f} triples/s while writing; "
              f"{r['triples'] / r['mchars'] / 1e6:.2f} triples per char")
        print(f"  writer peak RSS while loading {mb(r['rss_loading'])}, during the summary step {mb(r['rss_summary'])}")
        c = r["cpu"]
        if c["workers"] > 0:  # local pool: the workers have ended, so their CPU time is known
            print(f"  CPU: writer process {c['writer']:.1f} s, workers {c['workers']:.1f} s; "
                  f"on {args.workers} otherwise idle cores the build would take about "
                  f"{max(c['writer'], (c['writer'] + c['workers']) / args.workers):.0f} s")
        if r["compacted"] is not None:
            print(f"  compacted (Store.optimize, {r['compact_s']:.1f} s): {mb(r['compacted'])}, "
                  f"{r['compacted'] / 2**20 / r['mchars']:.0f} MB / M chars")
        if r["errors"]:
            print(f"  ({r['errors']} articles skipped with errors)")
    print(machine())


if __name__ == "__main__":
    main()
