"""Score a NER function on PER/LOC/ORG gold (micro P/R/F1, exact spans) and read the
held-out parts of the MSRA training file.

Splits of ``msra_train.jsonl.gz`` (fixed, no randomness), in this order:

* ``block``: the last :data:`BLOCK_SIZE` sentences of the file, a contiguous run of
  articles, closer to unseen text. Reported, never tuned on.
* ``dev``: of the remaining sentences, those whose ``sha1(text)`` is 0 mod 20 (about 5%).
  Duplicated sentences all fall on the same side. Used for tuning.
* ``train``: the rest, minus any sentence whose text also occurs in ``block``.

The out-of-domain set (``eval/ner/{dev,blind}.jsonl``, see its README) keeps only references
(source file, document id, sentence offsets, entity offsets and surfaces); :func:`read_ner_set`
reads the sentences from the shared data and checks them against the references.
"""
from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from corpus.errors import CorpusError, NothingReadError
from corpus.shared_data import shared_location

Gold = tuple[str, list[tuple[int, int, str]]]
NER_LABELS = ("PER", "LOC", "ORG")
BLOCK_SIZE = 2500
DEV_MODULUS = 20
# Pipeline types mapped to MSRA's three; other types (EVENT, WORK) are not scored.
TO_MSRA = {"PER": "PER", "PERSON": "PER", "LOC": "LOC", "PLACE": "LOC", "ORG": "ORG", "PLATFORM": "ORG"}


def shared_data_dir() -> Path:
    """The shared ``data`` folder where :mod:`corpus.shared_data` looks for it (it may be absent)."""
    return shared_location() / "data"


def default_msra_path() -> Path:
    """Where the MSRA training file is expected (it may be absent)."""
    return shared_data_dir() / "ner" / "msra_train.jsonl.gz"


NER_SET_DIR = Path(__file__).resolve().parents[1] / "eval" / "ner"


class SharedDataMissing(NothingReadError):
    """The shared data a reference set points into is not on this machine (callers skip)."""


def ner_set_path(part: str = "dev") -> Path:
    """The committed out-of-domain reference file of ``part`` (``dev`` or ``blind``)."""
    if part not in ("dev", "blind"):
        raise ValueError(f"part must be 'dev' or 'blind', not {part!r}")
    return NER_SET_DIR / f"{part}.jsonl"


def _read_docs(path: Path, ids: set[str]) -> dict[str, str]:
    """``{id: text}`` of the wanted records of a JSONL(.gz) source (xwlb stories, DuIE)."""
    opener = gzip.open if path.suffix == ".gz" else open
    found: dict[str, str] = {}
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d.get("id") in ids:
                found[d["id"]] = d["text"]
    return found


def _ner_refs(path: Path) -> list[tuple[int, dict]]:
    """``(line number, reference)`` of a reference file, each checked for its fields."""
    refs = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                ref = json.loads(line)
                int(ref["start"]), int(ref["end"]), str(ref["source"]), str(ref["doc"]), str(ref["sha1"])
                ents = [(int(s), int(e), str(lab), str(t)) for s, e, lab, t in ref["entities"]]
            except (ValueError, KeyError, TypeError) as e:
                raise CorpusError(f"not an NER reference ({e})", path=str(path), line=lineno) from e
            if any(lab not in NER_LABELS or not 0 <= s < e for s, e, lab, _ in ents):
                raise CorpusError("entity with a bad label or offsets", path=str(path), line=lineno)
            refs.append((lineno, ref))
    return refs


def read_ner_set(path: str | Path, data_dir: str | Path | None = None) -> list[Gold]:
    """The sentences of a reference file as ``(text, [(start, end, label)])``, their text read
    from the shared data (``data_dir``, default :func:`shared_data_dir`).

    :raises SharedDataMissing: when a source file is absent (callers skip).
    :raises CorpusError: naming the reference file and line, when a reference is malformed or
        the source differs from the one the set was made from (document gone, sentence hash or
        an entity's surface string not matching).
    """
    path = Path(path)
    data = Path(data_dir) if data_dir is not None else shared_data_dir()
    refs = _ner_refs(path)
    texts: dict[tuple[str, str], str] = {}
    for source in sorted({r["source"] for _, r in refs}):
        src = data / source
        if not src.is_file():
            raise SharedDataMissing(f"the shared data is not here: {src} (set NEWSKG_SHARED_DATA)", path=str(path))
        wanted = {r["doc"] for _, r in refs if r["source"] == source}
        for doc, text in _read_docs(src, wanted).items():
            texts[(source, doc)] = text
    out: list[Gold] = []
    for lineno, ref in refs:
        doc = texts.get((ref["source"], ref["doc"]))
        if doc is None:
            raise CorpusError(f"document {ref['doc']} not in {data / ref['source']}", path=str(path), line=lineno)
        text = doc[int(ref["start"]) : int(ref["end"])]
        if hashlib.sha1(text.encode("utf-8")).hexdigest()[: len(ref["sha1"])] != ref["sha1"]:
            raise CorpusError(
                f"sentence {ref['doc']}[{ref['start']}:{ref['end']}] differs from the one annotated: "
                f"{data / ref['source']} is not the version this set was made from", path=str(path), line=lineno)
        gold = []
        for s, e, lab, surface in ref["entities"]:
            if text[s:e] != surface:
                raise CorpusError(f"entity {surface!r} at {s}:{e} reads {text[s:e]!r} in {ref['doc']}",
                                  path=str(path), line=lineno)
            gold.append((s, e, lab))
        out.append((text, gold))
    return out


def read_msra(path: str | Path) -> list[Gold]:
    """All ``(text, [(start, end, label)])`` records of an MSRA JSONL(.gz) file.

    :raises CorpusError: on a line that is not a valid record, naming file and line.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    out: list[Gold] = []
    with opener(path, "rt", encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                text = d["text"]
                ents = [(int(s), int(e), str(lab)) for s, e, lab in d["entities"]]
            except (ValueError, KeyError, TypeError) as e:
                raise CorpusError(f"not an NER record ({e})", path=str(path), line=lineno) from e
            if any(not (0 <= s < e <= len(text)) for s, e, _ in ents):
                raise CorpusError("entity offsets outside the text", path=str(path), line=lineno)
            out.append((text, ents))
    return out


def _is_dev(text: str) -> bool:
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16) % DEV_MODULUS == 0


def msra_splits(path: str | Path | None = None) -> dict[str, list[Gold]]:
    """``{"train", "dev", "block"}`` splits of the MSRA file (see the module docstring);
    empty lists when the file is absent."""
    path = Path(path) if path is not None else default_msra_path()
    if not path.is_file():
        return {"train": [], "dev": [], "block": []}
    records = read_msra(path)
    cut = max(0, len(records) - BLOCK_SIZE)
    block = records[cut:]
    block_texts = {t for t, _ in block}
    train: list[Gold] = []
    dev: list[Gold] = []
    for rec in records[:cut]:
        if _is_dev(rec[0]):
            dev.append(rec)
        elif rec[0] not in block_texts:
            train.append(rec)
    return {"train": train, "dev": dev, "block": block}


def msra_heldout(path: str | Path | None = None, split: str = "dev") -> list[Gold]:
    """The held-out ``dev`` (default) or ``block`` split of MSRA as ``(text, [(start, end,
    label)])``; ``[]`` when the shared data is absent (callers skip)."""
    if split not in ("dev", "block"):
        raise ValueError(f"split must be 'dev' or 'block', not {split!r}")
    return msra_splits(path)[split]


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}


def evaluate_ner(predict: Callable[[str], Sequence], examples: Iterable[Gold]) -> dict:
    """Micro precision/recall/F1 over exact ``(start, end, label)`` spans, overall and per
    type. ``predict(text)`` returns Spans (or ``(start, end, label)`` tuples); pipeline
    types are mapped to MSRA's (PERSON=PER, PLACE=LOC, ORG/PLATFORM=ORG), others ignored.

    >>> gold = [("李明在北京", [(0, 2, "PER"), (3, 5, "LOC")])]
    >>> r = evaluate_ner(lambda t: [(0, 2, "PERSON"), (2, 5, "PLACE")], gold)
    >>> r["precision"], r["recall"], r["per_type"]["PER"]["f1"], r["sentences"]
    (0.5, 0.5, 1.0, 1)
    """
    counts = {lab: [0, 0, 0] for lab in NER_LABELS}
    n = 0
    for text, gold in examples:
        n += 1
        pred = set()
        for s in predict(text):
            start, end, label = (s.start, s.end, s.label) if hasattr(s, "label") else s[:3]
            if label in TO_MSRA:
                pred.add((start, end, TO_MSRA[label]))
        gold_set = {(s, e, TO_MSRA.get(lab, lab)) for s, e, lab in gold}
        for _, _, lab in pred & gold_set:
            counts[lab][0] += 1
        for _, _, lab in pred - gold_set:
            counts[lab][1] += 1
        for _, _, lab in gold_set - pred:
            if lab in counts:
                counts[lab][2] += 1
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    result = _prf(*total)
    result["per_type"] = {lab: _prf(*c) for lab, c in counts.items()}
    result["sentences"] = n
    return result


def format_report(result: dict) -> str:
    """A small text table of an :func:`evaluate_ner` result."""
    rows = [("all", result)] + list(result["per_type"].items())
    lines = [f"{'type':<5} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6}"]
    for name, r in rows:
        lines.append(
            f"{name:<5} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} {r['tp'] + r['fn']:6d}"
        )
    return "\n".join(lines)
