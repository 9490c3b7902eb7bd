"""Shared bits of the scale benchmarks: the CCTV corpus by size, machine info, peak RSS of a
process tree. Not a test; imported by benchmarks/bench_*.py (run by hand)."""
from __future__ import annotations

import os
import platform
import sys
import threading
from pathlib import Path
from typing import Iterator

from corpus.shared_data import shared_location
ROOT = Path(__file__).resolve().parents[1]
XWLB = shared_location() / "data" / "news" / "xwlb"


def xwlb_files() -> list[Path]:
    """The 12 yearly CCTV files, oldest first; exits cleanly (status 0) when absent."""
    files = sorted(XWLB.glob("*.jsonl.gz"))
    if not files:
        print(f"skipped: no *.jsonl.gz under {XWLB} (licensed data not present)")
        sys.exit(0)
    return files


def articles_upto(max_chars: float, files: list[Path] | None = None) -> Iterator:
    """Articles of the CCTV corpus, read lazily in order, until ``max_chars`` characters of
    text have been given (the article that crosses the line is the last)."""
    from corpus import read_corpus

    chars = 0
    for art in read_corpus([str(f) for f in (files or xwlb_files())]):
        if chars >= max_chars:
            return
        chars += len(art.text)
        yield art


def machine() -> str:
    """One line: cores, load, Python, platform."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"nproc={os.cpu_count()} load=({load}) Python {platform.python_version()} "
            f"{platform.machine()} {platform.system()}")


class PeakRSS:
    """Sample the resident memory of this process and all its descendants (``with`` block);
    ``peak_total`` is the largest sum seen, ``peak_self`` this process's largest."""

    def __init__(self, every: float = 0.25):
        import psutil

        self._proc = psutil.Process()
        self.every = every
        self.peak_total = self.peak_self = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        import psutil

        own = self._proc.memory_info().rss
        total = own
        for child in self._proc.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        self.peak_self = max(self.peak_self, own)
        self.peak_total = max(self.peak_total, total)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.sample()

    def __enter__(self) -> "PeakRSS":
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


def mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB"
