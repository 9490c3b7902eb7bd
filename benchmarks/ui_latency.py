"""How long the app takes to show each page and to answer a question, server side: the
duration of one Streamlit script run as ui/app.py logs it (NEWSKG_UI_TIMINGS), driven by
streamlit.testing's AppTest in a warm process.

    python benchmarks/ui_latency.py                      # the bundled corpus, built in a temp dir
    python benchmarks/ui_latency.py --store newskg-data  # an existing store (e.g. a CCTV year)

Prints median and p95 in milliseconds per page and for questions (each question asked once,
so the answer cache does not help). Run by hand; figures go to docs/ui.md.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["overview", "ask", "explore", "entity", "sparql", "export", "corpus"]
DEFAULT_QUESTIONS = ROOT / "tests" / "data" / "seed_qa_dev.jsonl"


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]


def _build_bundled(path: Path) -> None:
    from kg.build import build
    from kg.store import open_store

    store = open_store(path)
    build(None, store, workers=1)
    del store
    gc.collect()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", help="existing store directory (default: build the bundled corpus)")
    ap.add_argument("--repeat", type=int, default=15, help="runs per page")
    ap.add_argument("--questions", default=str(DEFAULT_QUESTIONS), help="JSONL with a 'q' field per line")
    args = ap.parse_args()

    sys.path.insert(0, str(ROOT))
    if args.store:
        store = Path(args.store).resolve()
    else:
        store = Path(tempfile.mkdtemp(prefix="newskg-ui-bench-")) / "store"
        t0 = time.perf_counter()
        _build_bundled(store)
        print(f"built the bundled corpus in {time.perf_counter() - t0:.1f} s")
    os.environ["NEWSKG_STORE"] = str(store)
    log = Path(tempfile.mkdtemp(prefix="newskg-ui-timings-")) / "timings.jsonl"
    os.environ["NEWSKG_UI_TIMINGS"] = str(log)

    def timed(step) -> float:
        log.write_text("")
        step()
        runs = [json.loads(x) for x in log.read_text().splitlines()]
        return sum(r["ms"] for r in runs)  # a switch may rerun the script: count every run

    from streamlit.testing.v1 import AppTest

    from kg.browse import search_entities
    from kg.store import open_store

    ro = open_store(store, read_only=True)
    top = search_entities(ro, "", limit=1)[0]["id"]
    del ro

    at = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=600)
    cold = timed(at.run)
    at.query_params["id"] = top
    print(f"store {store}; entity for Explore/Entity: {top}")
    print(f"first page of a fresh process (Overview: open store, stats, entity index, examples): {cold:.0f} ms")
    print(f"{'page':10} {'first ms':>9} {'median ms':>10} {'p95 ms':>8}")
    for page in PAGES:
        times = []
        for i in range(args.repeat + 1):
            times.append(timed(lambda: at.switch_page(f"views/{page}.py").run()))
            if at.exception:
                raise SystemExit(f"{page}: {at.exception[0].message}")
        first, warm = times[0], times[1:]
        print(f"{page:10} {first:9.0f} {statistics.median(warm):10.0f} {_pct(warm, 0.95):8.0f}")

    questions = [json.loads(line)["q"] for line in open(args.questions, encoding="utf-8") if line.strip()]
    at.switch_page("views/ask.py").run()
    times = []
    for q in questions:
        at.text_input(key="ask_q").input(q)
        times.append(timed(lambda: at.button[0].click().run()))
    print(f"{'ask':10} {times[0]:9.0f} {statistics.median(times):10.0f} {_pct(times, 0.95):8.0f}"
          f"   ({len(questions)} questions, each asked once)")


if __name__ == "__main__":
    main()
