"""Score extraction on the bundled sample against hand-made gold (tests/data/
seed_entities_gold.json): entity recall/precision by type, relation recall; metrics via
:func:`extract.metrics_eval.score_metrics`; NER on the MSRA held-out split when present.

"Name found" means one of a gold entity's acceptable names equals the name or an alias of a
predicted entity (compared without whitespace, quotes and 《》). Precision counts predicted
entities (with at least one mention) that match a gold entity, optional ones included.
A gold relation is found when a predicted relation of the same kind (held_in counts as
located_in) links entities matching the gold head and tail; a tail one part_of step more
specific than the gold tail also counts (某电器公司 located_in X县高新区, X县高新区 part_of X县).
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from extract.model import Entity, Relation

GOLD_ENTITIES = Path(__file__).resolve().parent.parent / "tests" / "data" / "seed_entities_gold.json"
RELATION_SYNONYMS = {"located_in": {"located_in", "held_in"}, "held_in": {"held_in", "located_in"}}
_STRIP = str.maketrans("", "", " \t\n“”\"‘’《》「」")


def norm(name: str) -> str:
    """A name compared without whitespace, quotes and 《》.

    >>> norm("“某某” 计算中心")
    '某某计算中心'
    """
    return name.translate(_STRIP)


def load_entity_gold(path: str | Path | None = None) -> dict:
    """The gold file as a dict with ``entities`` and ``relations``."""
    return json.loads(Path(path or GOLD_ENTITIES).read_text(encoding="utf-8"))


def _names(e: Entity) -> set[str]:
    return {norm(e.name), *(norm(a) for a in e.aliases)}


def _gold_names(g: dict) -> set[str]:
    return {norm(g["name"]), *(norm(a) for a in g.get("aliases", []))}


def score_entities(entities: Sequence[Entity], gold: dict) -> dict:
    """Recall, right-type recall, precision (overall and by gold type), duplicates, misses and
    false positives of predicted entities."""
    predicted = [e for e in entities if e.mentions]
    gold_entities = gold["entities"]
    matches: dict[int, list[Entity]] = defaultdict(list)
    matched_pred: set[str] = set()
    for gi, g in enumerate(gold_entities):
        names = _gold_names(g)
        for e in predicted:
            if _names(e) & names:
                matches[gi].append(e)
                matched_pred.add(e.id)
    required = [gi for gi, g in enumerate(gold_entities) if not g.get("optional")]
    found = [gi for gi in required if matches[gi]]
    typed = [gi for gi in found if any(e.type in gold_entities[gi]["types"] for e in matches[gi])]
    by_type: dict[str, dict] = {}
    for gi in required:
        t = gold_entities[gi]["types"][0]
        row = by_type.setdefault(t, {"gold": 0, "found": 0, "typed": 0})
        row["gold"] += 1
        row["found"] += gi in found
        row["typed"] += gi in typed
    for t, row in by_type.items():
        row["recall"] = row["found"] / row["gold"]
        row["type_recall"] = row["typed"] / row["gold"]
    n = len(required)
    return {
        "gold": n,
        "predicted": len(predicted),
        "recall": len(found) / n if n else 1.0,
        "type_recall": len(typed) / n if n else 1.0,
        "precision": len(matched_pred) / len(predicted) if predicted else 1.0,
        "duplicates": [gold_entities[gi]["name"] for gi, es in matches.items() if len(es) > 1],
        "misses": [gold_entities[gi]["name"] for gi in required if gi not in found],
        "wrong_type": [(gold_entities[gi]["name"], [e.type for e in matches[gi]]) for gi in found if gi not in typed],
        "false_positives": [(e.name, e.type) for e in predicted if e.id not in matched_pred],
        "by_type": by_type,
    }


def score_relations(relations: Sequence[Relation], entities: Sequence[Entity], gold: dict) -> dict:
    """Recall of gold relations (co_mention ignored), with the misses."""
    names = {e.id: _names(e) for e in entities}
    gold_by_name = {norm(g["name"]): _gold_names(g) for g in gold["entities"]}
    part_of = defaultdict(set)
    for r in relations:
        if r.relation == "part_of":
            part_of[r.head].add(r.tail)

    def matches(eid: str, gold_name: str, *, up: bool = False) -> bool:
        acceptable = gold_by_name.get(norm(gold_name), {norm(gold_name)})
        ids = {eid} | (part_of[eid] if up else set())
        return any((names.get(i) or {norm(i)}) & acceptable for i in ids)

    found, misses = [], []
    for g in gold["relations"]:
        kinds = RELATION_SYNONYMS.get(g["rel"], {g["rel"]})
        ok = any(
            r.relation in kinds and matches(r.head, g["head"]) and matches(r.tail, g["tail"], up=True)
            for r in relations
        )
        (found if ok else misses).append(f'{g["head"]} {g["rel"]} {g["tail"]}')
    n = len(gold["relations"])
    return {"gold": n, "found": len(found), "recall": len(found) / n if n else 1.0, "misses": misses}


def evaluate_sample(*, msra: bool = True, gold_path: str | Path | None = None, msra_limit: int | None = None) -> dict:
    """Run the pipeline on the bundled sample and score entities, relations, metrics and
    (when ``msra`` and ../shared are present) NER on the MSRA held-out split."""
    from corpus import read_corpus
    from extract.pipeline import extract_corpus, ner

    ext = extract_corpus(read_corpus())
    gold = load_entity_gold(gold_path)
    out = {
        "articles": len(ext.articles),
        "entities": score_entities(ext.entities, gold),
        "relations": score_relations(ext.relations, ext.entities, gold),
    }
    try:
        from extract.metrics_eval import score_metrics

        out["metrics"] = score_metrics(ext.metrics)
    except ImportError:  # pragma: no cover - metrics module absent
        out["metrics"] = None
    out["ner"] = None
    if msra:
        from extract.ner_eval import evaluate_ner, msra_heldout

        examples = msra_heldout()
        if examples:
            if msra_limit:
                examples = examples[:msra_limit]
            out["ner"] = {"pipeline": evaluate_ner(ner, examples)}
            try:
                from extract.ner import load_tagger

                out["ner"]["tagger"] = evaluate_ner(load_tagger().tag, examples)
            except Exception:  # noqa: BLE001 - model missing: report the pipeline only
                pass
    return out


def summary_rows(result: dict) -> list[dict]:
    """The evaluation as table rows: one row per figure."""
    rows = []
    ent = result["entities"]
    rows.append({"area": "entities", "measure": "recall", "value": round(ent["recall"], 3), "n": ent["gold"]})
    rows.append({"area": "entities", "measure": "recall, right type", "value": round(ent["type_recall"], 3), "n": ent["gold"]})
    rows.append({"area": "entities", "measure": "precision", "value": round(ent["precision"], 3), "n": ent["predicted"]})
    for t, row in sorted(ent["by_type"].items()):
        rows.append({"area": f"entities {t}", "measure": "recall / right type", "value": f'{row["recall"]:.3f} / {row["type_recall"]:.3f}', "n": row["gold"]})
    rel = result["relations"]
    rows.append({"area": "relations", "measure": "recall", "value": round(rel["recall"], 3), "n": rel["gold"]})
    met = result.get("metrics")
    if met:
        rows.append({"area": "metrics", "measure": "recall (value + subject)", "value": round(met["recall"], 3), "n": met["gold"]})
        rows.append({"area": "metrics", "measure": "recall with period", "value": round(met["recall_period"], 3), "n": met["gold"]})
        rows.append({"area": "metrics", "measure": "precision", "value": round(met["precision"], 3), "n": met["predicted"]})
    ner = result.get("ner")
    if ner:
        for name, r in ner.items():
            rows.append({"area": f"ner MSRA dev ({name})", "measure": "micro F1", "value": round(r["f1"], 3), "n": r["sentences"]})
            for lab, pr in r["per_type"].items():
                rows.append({"area": f"ner MSRA dev ({name})", "measure": f"{lab} F1", "value": round(pr["f1"], 3), "n": pr["tp"] + pr["fn"]})
    return rows
