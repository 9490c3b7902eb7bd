"""Train the PER/LOC/ORG CRF on MSRA, offline and deterministically, and print held-out F1.

    python -m extract.ner_train [--data ../shared/data/ner/msra_train.jsonl.gz]
                                [--out extract/models/ner_msra.crfsuite] [--iterations N]

Splits are those of :func:`extract.ner_eval.msra_splits` (dev: sha1(text) % 20 == 0; block:
the file's last 2,500 sentences). Training adds copies of sentences whose person names
are listed with 、 with the 、 removed, so the model learns run-together name lists.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from extract.ner import DEFAULT_MODEL
from extract.ner_eval import Gold, default_msra_path, evaluate_ner, format_report, msra_splits
from extract.ner_features import sentence_features, spans_to_tags

JOINABLE = {"PER": "、"}  # label -> separator removed between two such names in augmentation


def joined_copies(examples: list[Gold]) -> list[Gold]:
    """Copies of sentences with same-type names separated by a 、, the separators removed.

    >>> joined_copies([("请李明、王芳、张伟发言", [(1, 3, "PER"), (4, 6, "PER"), (7, 9, "PER")])])
    [('请李明王芳张伟发言', [(1, 3, 'PER'), (3, 5, 'PER'), (5, 7, 'PER')])]
    """
    out: list[Gold] = []
    for text, ents in examples:
        ents = sorted(ents)
        drop = {
            a[1]
            for a, b in zip(ents, ents[1:])
            if a[2] == b[2] and a[2] in JOINABLE and text[a[1] : b[0]] == JOINABLE[a[2]]
        }
        if not drop:
            continue
        keep = [i for i in range(len(text)) if i not in drop]
        new_index = {old: new for new, old in enumerate(keep)}
        new_index[len(text)] = len(keep)
        new_text = "".join(text[i] for i in keep)
        out.append((new_text, [(new_index[s], new_index[e - 1] + 1, lab) for s, e, lab in ents]))
    return out


def train(
    examples: list[Gold],
    out: Path,
    *,
    iterations: int = 150,
    c1: float = 0.05,
    c2: float = 0.01,
    min_freq: int = 0,
) -> None:
    """Train a CRF (L-BFGS, deterministic) on ``examples`` and save it to ``out``."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    for text, ents in examples:
        trainer.append(sentence_features(text), spans_to_tags(len(text), ents))
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": iterations,
            "feature.possible_transitions": True,
            "feature.minfreq": min_freq,
        }
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    trainer.train(str(tmp))
    tmp.replace(out)  # never leave a half-written model in place


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m extract.ner_train", description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=default_msra_path(), help="MSRA JSONL(.gz)")
    ap.add_argument("--out", type=Path, default=DEFAULT_MODEL, help="model file to write")
    ap.add_argument("--iterations", type=int, default=150)
    ap.add_argument("--c1", type=float, default=0.05)
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--min-freq", type=int, default=0, help="drop features seen fewer times")
    ap.add_argument("--fraction", type=float, default=1.0, help="train on this share of train")
    ap.add_argument("--no-augment", action="store_true", help="skip joined-name copies")
    ap.add_argument("--seed", type=int, default=13, help="seed for --fraction sampling")
    args = ap.parse_args(argv)

    if not args.data.is_file():
        print(f"{args.data}: MSRA training file not found (set NEWSKG_SHARED_DATA)", file=sys.stderr)
        return 2
    t0 = time.time()
    splits = msra_splits(args.data)
    train_set = splits["train"]
    if args.fraction < 1.0:
        rng = random.Random(args.seed)
        train_set = [r for r in train_set if rng.random() < args.fraction]
    extra = [] if args.no_augment else joined_copies(train_set)
    print(f"train {len(train_set)} (+{len(extra)} joined) dev {len(splits['dev'])} block {len(splits['block'])}")
    train(train_set + extra, args.out, iterations=args.iterations, c1=args.c1, c2=args.c2, min_freq=args.min_freq)
    train_secs = time.time() - t0
    print(f"trained in {train_secs:.0f}s -> {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")

    from extract.ner import NerTagger

    tagger = NerTagger(args.out)
    figures = {}
    for name in ("dev", "block"):
        res = evaluate_ner(tagger.tag, splits[name])
        figures[name] = {k: round(res[k], 4) for k in ("precision", "recall", "f1")}
        figures[name]["per_type"] = {lab: round(r["f1"], 4) for lab, r in res["per_type"].items()}
        print(f"\n{name} ({res['sentences']} sentences)\n{format_report(res)}")
    meta = {
        "data": args.data.name,
        "train_sentences": len(train_set),
        "joined_copies": len(extra),
        "params": {k: getattr(args, k) for k in ("iterations", "c1", "c2", "min_freq", "fraction", "seed")},
        "train_seconds": round(train_secs),
        "size_bytes": args.out.stat().st_size,
        "heldout": figures,
    }
    args.out.with_suffix(".json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
