"""The fault suite's long run (issue 15): SIGKILL at many points of an incremental build and of
its summary refresh; after each kill the store opens, every ready query of docs/queries runs, no
article graph is half written, and a rebuild ends with exactly the N-Quads of a clean build.

    nice .venv/bin/python benchmarks/faults_kill.py [--points 40] [--timed 10] [--old 12 --new 24]

Two kinds of points. By write: the build runs in a child whose store kills the process just
before its N-th write (article batches of 4, bulk loads, summary chunks of 3 lines), N drawn
from every write of the build (all of them when ``--points`` is at least their number; else
every article write and the rest drawn from the far more numerous summary writes). By time:
the real `newskg build` CLI killed after a random delay within the time a whole build takes.
Prints one line per point and the totals (the figures of docs/reliability.md). The checks are
tests/fault_support.py's, the same as tests/test_faults.py's.
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from bench_common import machine  # noqa: E402
from fault_support import check_after_kill, make_scenario, run_point  # noqa: E402


def timed_point(sc, work: Path, delay: float) -> tuple[str, object]:
    """The real CLI build killed after ``delay`` seconds; ("finished", None) if it ended first."""
    import shutil

    shutil.copytree(sc.base, work)
    (work / "LOCK").unlink(missing_ok=True)
    env = dict(os.environ, NEWSKG_BATCH_ARTICLES="4")
    proc = subprocess.Popen([sys.executable, "-m", "newskg", "build", str(sc.corpus_b), "--store", str(work),
                             "--workers", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        proc.wait(timeout=delay)
        return "finished", None
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    return "killed", check_after_kill(sc, work, -1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=40, help="kills at writes (all writes if more)")
    ap.add_argument("--timed", type=int, default=10, help="kills of the CLI after a random delay")
    ap.add_argument("--old", type=int, default=12, help="stories in the stored graph")
    ap.add_argument("--new", type=int, default=24, help="stories in the corpus built over it")
    ap.add_argument("--seed", type=int, default=15)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    print(machine())
    with tempfile.TemporaryDirectory(prefix="faults-") as d:
        t0 = time.monotonic()
        sc = make_scenario(Path(d), old=args.old, new=args.new)
        writes = len(sc.phases)
        print(f"scenario: {args.old} stories stored, {args.new} built over them ({min(4, args.old)} changed); "
              f"{writes} writes ({sc.phases.count('articles')} article, {sc.phases.count('summary')} summary); "
              f"clean build {len(sc.clean.splitlines())} quads; {time.monotonic() - t0:.1f} s")
        points = list(range(1, writes + 1)) if args.points > 0 else []
        if 0 < args.points < writes:  # every article write (few), the rest drawn from the summary writes
            arts = [i + 1 for i, p in enumerate(sc.phases) if p == "articles"]
            summ = [i + 1 for i, p in enumerate(sc.phases) if p == "summary"]
            n_summ = min(len(summ), max(args.points - len(arts), args.points // 2))
            points = sorted(set(rng.sample(arts, min(len(arts), args.points - n_summ))) | set(rng.sample(summ, n_summ)))
        by_phase = {"articles": 0, "summary": 0}
        for at in points:
            t = time.monotonic()
            o = run_point(sc, Path(d) / f"kill-{at}", at)
            by_phase[o.phase] += 1
            print(f"kill at write {at:3d}/{writes} ({o.phase:8s}): opened, {o.queries_run} ready queries ran, "
                  f"{o.articles_of_b} articles already new, rebuild == clean build: {o.rebuilt_equal} "
                  f"({time.monotonic() - t:.1f} s)", flush=True)
        print(f"by write: {len(points)} kills ({by_phase['articles']} in article writes, {by_phase['summary']} in the "
              f"summary refresh), all passed")
        t = time.monotonic()  # how long the build the timed kills cut takes, whole
        state, _ = timed_point(sc, Path(d) / "whole", 3600)
        span = time.monotonic() - t
        assert state == "finished"
        killed = finished = 0
        for i in range(args.timed):
            delay = rng.uniform(0.2 * span, span)  # the first seconds are Python starting
            state, o = timed_point(sc, Path(d) / f"timed-{i}", delay)
            if state == "finished":
                finished += 1
                print(f"timed kill after {delay:.2f} s: the build had finished", flush=True)
                continue
            killed += 1
            print(f"timed kill after {delay:.2f} s: opened, {o.queries_run} ready queries ran, {o.articles_of_b} "
                  f"articles already new, rebuild == clean build: {o.rebuilt_equal}", flush=True)
        print(f"by time: {killed} kills of `newskg build` (the whole build {span:.1f} s, "
              f"{finished} finished first), all passed; total {time.monotonic() - t0:.0f} s")


if __name__ == "__main__":
    main()
