"""Score extracted metrics against a gold file (``tests/data/seed_metrics_gold.json`` by
default): recall on value + subject, recall also with the right period, precision, and the
misses and false positives for debugging. Optional gold items neither reward nor penalise.
"""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from corpus.errors import ExtractError
from extract.model import Metric

DEFAULT_GOLD = Path(__file__).resolve().parent.parent / "tests" / "data" / "seed_metrics_gold.json"


def load_gold(path: str | Path | None = None) -> list[dict]:
    """The ``metrics`` list of a gold file.

    :raises ExtractError: when the file is missing or not gold JSON.
    """
    path = Path(path) if path is not None else DEFAULT_GOLD
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        items = data["metrics"]
    except FileNotFoundError:
        raise ExtractError("gold file not found", path=str(path)) from None
    except (json.JSONDecodeError, KeyError, TypeError) as e:
        raise ExtractError(f"not a metrics gold file ({e})", path=str(path)) from None
    return items


def _unit_key(unit: str) -> str:
    return unit.replace("人民币", "") if unit not in ("人民币",) else "元"


def value_matches(pred: Metric, gold: dict) -> bool:
    """Same number as written, and the same unit (as written, or the same base unit).

    >>> from extract.model import Metric
    >>> m = Metric(None, "中国", "GDP", Decimal("3.17"), "万亿元人民币", Decimal("3.17E12"), "CNY", None, "level", None, "a", 0, 0, 1, "x")
    >>> value_matches(m, {"value": 3.17, "unit": "万亿元", "base_unit": "CNY"})
    True
    """
    if Decimal(str(pred.value)) != Decimal(str(gold["value"])):
        return False
    unit = gold.get("unit", "")
    if _unit_key(pred.unit) == _unit_key(unit):
        return True
    return pred.base_unit is not None and pred.base_unit == gold.get("base_unit") and bool(unit)


def subject_matches(pred: Metric, gold: dict) -> bool:
    """An acceptable name is a substring of the subject's name (or entity id) or vice versa."""
    names = [pred.subject_name or ""]
    if pred.subject:
        names.append(pred.subject.split("~")[0])
    for ok in gold.get("subject", []):
        for n in names:
            if n and (ok in n or n in ok):
                return True
    return False


def period_matches(pred: Metric, gold: dict) -> bool:
    """Periods equal as strings (None equals None)."""
    g = gold.get("period")
    return (None if g is None else str(g)) == pred.period


def score_metrics(predicted: list[Metric], gold_path: str | Path | None = None) -> dict:
    """Recall (value + subject), recall with the period, precision, and per-item lists.

    Each gold item is matched to at most one prediction (one with the right period first).
    A prediction matched to an optional gold item, or with the value of an optional item, is
    neutral; any other unmatched prediction is a false positive.
    """
    gold = load_gold(gold_path)
    used: set[int] = set()
    matched: dict[str, tuple[int, bool]] = {}
    for g in gold:
        cands = [i for i, p in enumerate(predicted) if i not in used and value_matches(p, g) and subject_matches(p, g)]
        if not cands:
            continue
        with_period = [i for i in cands if period_matches(predicted[i], g)]
        i = (with_period or cands)[0]
        used.add(i)
        matched[g["id"]] = (i, bool(with_period))
    required = [g for g in gold if not g.get("optional")]
    hit = [g for g in required if g["id"] in matched]
    hit_period = [g for g in hit if matched[g["id"]][1]]
    optional_ids = {g["id"] for g in gold if g.get("optional")}
    tp = sum(1 for gid in matched if gid not in optional_ids)
    false_positives = []
    for i, p in enumerate(predicted):
        if i in used:
            continue
        if any(value_matches(p, g) for g in gold if g.get("optional")):
            continue
        false_positives.append(_row(p))
    misses = []
    for g in required:
        if g["id"] not in matched:
            near = [_row(p) for p in predicted if value_matches(p, g)]
            misses.append({"gold": g, "same_value": near})
    wrong_period = [
        {"gold": g, "predicted": _row(predicted[matched[g["id"]][0]])} for g in hit if not matched[g["id"]][1]
    ]
    n = len(required)
    denom = tp + len(false_positives)
    return {
        "gold": n,
        "predicted": len(predicted),
        "matched": len(hit),
        "recall": len(hit) / n if n else 1.0,
        "recall_period": len(hit_period) / n if n else 1.0,
        "precision": tp / denom if denom else 1.0,
        "misses": misses,
        "wrong_period": wrong_period,
        "false_positives": false_positives,
    }


def _row(m: Metric) -> dict:
    return {
        "subject_name": m.subject_name,
        "indicator": m.indicator,
        "value": str(m.value),
        "unit": m.unit,
        "period": m.period,
        "kind": m.kind,
        "qualifier": m.qualifier,
        "article": m.article,
        "text": m.text,
    }
