"""Score extracted figures against a gold file, strictly as ../shared/eval/README.md says
("How the held-out sets are scored"): same article; subject equal to an acceptable name or
ending with one of at least two characters once endings such as 公司/省/市 are dropped;
normalised value equal (or value and whole unit as written); period covering the same dates.
Each gold figure takes at most one system figure. Recall counts required gold figures;
precision counts system figures whose value and subject match some gold figure.

Gold files: ``tests/data/seed_metrics_gold.json`` (the bundled sample, the default) or a file
whose figures carry ``doc``, the article id (for CCTV stories: the xwlb id, "20150101-002").
"""
from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from corpus.errors import ExtractError
from extract.lexicon import words
from extract.model import Metric
from extract.periods import period_span

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
    for n, g in enumerate(items, 1):
        if not isinstance(g, dict) or "value" not in g or not isinstance(g.get("subject"), list):
            raise ExtractError(f"gold figure {n} needs 'value' and a 'subject' list", path=str(path))
    return items


# --- subject ---------------------------------------------------------------------------------


def bare_name(name: str) -> str:
    """A name without whitespace, quotes and endings such as 公司, 集团, 省, 市, 区, 县
    (``data/subject_endings.txt``), cut repeatedly; the name itself when nothing would be left.

    >>> bare_name("上海市"), bare_name("某某集团有限公司"), bare_name("市")
    ('上海', '某某', '市')
    """
    name = re.sub(r"[\s“”\"‘’《》「」]", "", name)
    endings = sorted(words("subject_endings.txt"), key=len, reverse=True)
    changed = True
    while changed:
        changed = False
        for e in endings:
            if name.endswith(e) and len(name) > len(e):
                name, changed = name[: -len(e)], True
                break
    return name


def subject_name_matches(name: str, acceptable: list[str]) -> bool:
    """``name`` equals an acceptable name or ends with one of at least two characters.

    >>> subject_name_matches("全国跨行业跨领域工业互联网平台", ["跨行业跨领域工业互联网平台"])
    True
    >>> subject_name_matches("中国民航", ["中国"]), subject_name_matches("上海市", ["上海"])
    (False, True)
    """
    if not name:
        return False
    n = bare_name(name)
    for ok in acceptable:
        g = bare_name(ok)
        if n == g or (len(g) >= 2 and n.endswith(g)):
            return True
    return False


def subject_matches(pred: Metric, gold: dict) -> bool:
    """The system subject (subject_name, the entity's name in its id, or the subject as written:
    全国 for the entity 中国) matches the gold's."""
    names = [pred.subject_name or "", pred.subject_text]
    if pred.subject:
        names.append(pred.subject.split("~")[0])
    return any(subject_name_matches(n, gold.get("subject", [])) for n in names)


# --- value -----------------------------------------------------------------------------------


def _dec(x) -> Decimal | None:
    if x is None:
        return None
    try:
        return Decimal(str(x))
    except InvalidOperation:
        return None


def value_matches(pred: Metric, gold: dict) -> bool:
    """Normalised value equal in the same base unit, or else value and the whole unit as
    written equal (四成 is not 4%; 0.3个百分点 is not 0.3%).

    >>> m = Metric(None, "中国", "GDP", Decimal("3.17"), "万亿元", Decimal("3.17E12"), "CNY", None, "level", None, "a", 0, 0, 1, "x")
    >>> value_matches(m, {"value": 31700, "unit": "亿元", "base_value": 3.17e12, "base_unit": "CNY"})
    True
    """
    gb, pb = _dec(gold.get("base_value")), pred.base_value
    if gb is not None and pb is not None and gold.get("base_unit") == pred.base_unit:
        if abs(pb) == abs(gb):  # 下降3%: the sign is the kind's business, not the value's
            return True
    return _dec(gold.get("value")) == _dec(pred.value) and _unit(gold.get("unit") or "") == _unit(pred.unit or "")


def _unit(u: str) -> str:
    return u.replace("人民币", "").replace("％", "%")


# --- period ----------------------------------------------------------------------------------


def period_matches(pred: Metric, gold: dict) -> bool:
    """Both periods cover the same dates (no period equals no period; as_of is not a range)."""
    g, p = gold.get("period"), pred.period
    if g is None or p is None:
        return g is None and p is None
    gs, ps = period_span(str(g)), period_span(p)
    if gs is None or ps is None:
        return str(g) == p
    return gs == ps


# --- documents -------------------------------------------------------------------------------


def same_doc(pred: Metric, gold: dict) -> bool:
    """The figure comes from the gold's article (or a digest item of it); any article when
    the gold names none."""
    doc = gold.get("doc")
    if doc is None:
        return True
    from corpus.ids import sanitize_id

    d = sanitize_id(str(doc))
    return pred.article == d or pred.article.startswith(d + "_")


# --- scoring ---------------------------------------------------------------------------------


def score_figures(predicted: list[Metric], gold: list[dict]) -> dict:
    """Recall (value + subject), recall with the period, precision and the per-item lists."""
    used: set[int] = set()
    matched: dict[str, tuple[int, bool]] = {}
    order = sorted(range(len(gold)), key=lambda i: bool(gold[i].get("optional")))  # required first
    for gi in order:
        g = gold[gi]
        cands = [i for i, p in enumerate(predicted)
                 if i not in used and same_doc(p, g) and value_matches(p, g) and subject_matches(p, g)]
        if not cands:
            continue
        with_period = [i for i in cands if period_matches(predicted[i], g)]
        i = (with_period or cands)[0]
        used.add(i)
        matched[_gid(g, gi)] = (i, bool(with_period))
    required = [(gi, g) for gi, g in enumerate(gold) if not g.get("optional")]
    hit = [(gi, g) for gi, g in required if _gid(g, gi) in matched]
    hit_period = [x for x in hit if matched[_gid(x[1], x[0])][1]]
    good = [i for i, p in enumerate(predicted)
            if i in used or any(same_doc(p, g) and value_matches(p, g) and subject_matches(p, g) for g in gold)]
    good_set = set(good)
    misses = [
        {"gold": g, "same_value": [_row(p) for p in predicted if same_doc(p, g) and value_matches(p, g)]}
        for gi, g in required if _gid(g, gi) not in matched
    ]
    wrong_period = [{"gold": g, "predicted": _row(predicted[matched[_gid(g, gi)][0]])}
                    for gi, g in hit if not matched[_gid(g, gi)][1]]
    n = len(required)
    return {
        "gold": n,
        "predicted": len(predicted),
        "matched": len(hit),
        "matched_period": len(hit_period),
        "recall": len(hit) / n if n else 1.0,
        "recall_period": len(hit_period) / n if n else 1.0,
        "precision": len(good) / len(predicted) if predicted else 1.0,
        "misses": misses,
        "wrong_period": wrong_period,
        "false_positives": [_row(p) for i, p in enumerate(predicted) if i not in good_set],
    }


def score_metrics(predicted: list[Metric], gold_path: str | Path | None = None) -> dict:
    """:func:`score_figures` against a gold file (default: the bundled sample's gold)."""
    return score_figures(predicted, load_gold(gold_path))


def _gid(g: dict, i: int) -> str:
    return f'{g.get("doc", "")}#{g.get("id", i)}'


def _row(m: Metric) -> dict:
    return {
        "subject_name": m.subject_name,
        "subject_text": m.subject_text,
        "indicator": m.indicator,
        "value": str(m.value),
        "unit": m.unit,
        "period": m.period,
        "kind": m.kind,
        "qualifier": m.qualifier,
        "article": m.article,
        "text": m.text,
    }
