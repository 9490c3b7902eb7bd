"""Score relations and aliases on DuIE 2.0 sentences (../shared/data/duie): recall per
relation type against the gold triples, and a sample of predictions for checking precision
by hand (the gold is incomplete, so unmatched predictions are not counted as wrong).

The DuIE predicates scored and the newskg relation each maps to are data
(``duie_predicates.tsv``). Each sentence runs through the real pipeline
(:func:`extract.pipeline.extract_article`). A gold fact is found when a predicted relation of
the mapped kind links an entity named like the gold head to one named like the gold tail
(names compared by :func:`extract.evaluate.norm` against each entity's name, aliases and
mention texts); for works_for the predicted role must also hold the gold role word
(董事长兼CEO holds 董事长). An alias is found when one entity carries both names.

Split (fixed, no randomness): a sentence whose ``sha1(id)`` is 0 mod 5 is ``blind`` (about
20%, reported once, never looked at while working), the rest is ``dev``.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import json
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import CorpusError
from extract.evaluate import norm
from extract.lexicon import rows
from extract.ner_eval import shared_data_dir

BLIND_MODULUS = 5
EXTRA_GOLD = Path(__file__).resolve().parent.parent / "tests" / "data" / "duie_dev_extra_gold.tsv"
ALSO_COUNTS = {"located_in": {"located_in", "headquartered_in"}}  # a headquarters is a location
SCORED_RELATIONS = ("works_for", "founded_by", "headquartered_in", "located_in", "alias", "figure")
_ROLE_SPLIT = re.compile(r"[兼、和及/，,]")


@dataclass(frozen=True)
class Mapping:
    """How one DuIE predicate is scored."""

    relation: str
    role: str
    head: str  # "subject" or "object": the DuIE side that is our head


@dataclass(frozen=True)
class GoldFact:
    """One scored gold triple of a sentence, in newskg's direction (head, relation, tail)."""

    sentence_id: str
    predicate: str
    relation: str
    head: str
    tail: str
    role: str


def default_duie_path() -> Path:
    """Where the DuIE file is expected (it may be absent)."""
    return shared_data_dir() / "duie" / "duie_dev.jsonl.gz"


@functools.lru_cache(maxsize=1)
def predicate_map() -> dict[str, Mapping]:
    """DuIE predicate -> how it is scored, from ``duie_predicates.tsv``."""
    return {p: Mapping(rel, role, head or "subject") for p, rel, role, head in rows("duie_predicates.tsv", 4)}


def split_of(sentence_id: str) -> str:
    """``blind`` or ``dev`` for a DuIE sentence id (sha1 of the id, 0 mod 5 is blind).

    >>> sorted({split_of(f"duie{i:05d}") for i in range(20)})
    ['blind', 'dev']
    """
    return "blind" if int(hashlib.sha1(sentence_id.encode("utf-8")).hexdigest(), 16) % BLIND_MODULUS == 0 else "dev"


def read_duie(path: str | Path, part: str | None = None) -> Iterator[dict]:
    """DuIE records of a JSONL(.gz) file, only those of ``part`` (dev | blind) when given.

    :raises CorpusError: on a line that is not a DuIE record, naming file and line.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                sid, text, spo = str(d["id"]), str(d["text"]), list(d["spo_list"])
            except (ValueError, KeyError, TypeError) as e:
                raise CorpusError(f"not a DuIE record ({e})", path=str(path), line=lineno) from e
            if part is None or split_of(sid) == part:
                yield {"id": sid, "text": text, "spo_list": spo}


def _gold_rows(path: str | Path, fields: str) -> list[tuple[str, ...]]:
    """Tab-separated rows of a hand-written gold file, one cell per name in ``fields``
    (comments ``#`` and blank lines skipped).

    :raises CorpusError: on a row with another number of cells, naming file and line.
    """
    path, width = Path(path), len(fields.split(","))
    out = []
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) != width:
            raise CorpusError(f"expected {fields}", path=str(path), line=no)
        out.append(tuple(cells))
    return out


def read_extra_gold(path: str | Path) -> dict[str, list[GoldFact]]:
    """Hand-written gold for DuIE sentences (id, relation, head, tails separated by |), by id.

    :raises CorpusError: on a row without four fields, naming file and line.
    """
    out: dict[str, list[GoldFact]] = defaultdict(list)
    for sid, rel, head, tail in _gold_rows(path, "id, relation, head, tail"):
        out[sid].append(GoldFact(sid, "extra", rel, head, tail, ""))
    return dict(out)


def gold_facts(record: dict) -> list[GoldFact]:
    """The scored triples of one DuIE record, mapped to newskg relations."""
    out = []
    for spo in record["spo_list"]:
        m = predicate_map().get(spo.get("predicate"))
        if m is None:
            continue
        subj, obj = str(spo["subject"]), str(spo["object"]["@value"])
        head, tail = (subj, obj) if m.head == "subject" else (obj, subj)
        out.append(GoldFact(record["id"], spo["predicate"], m.relation, head, tail, m.role))
    return out


def role_holds(predicted: str | None, gold: str) -> bool:
    """Does a role as written hold the gold role word (one of its parts equals it)?

    >>> role_holds("董事长兼CEO", "董事长"), role_holds("副董事长", "董事长"), role_holds("党委书记、校长", "校长")
    (True, False, True)
    >>> role_holds("董事局主席", "董事长|董事局主席")
    True
    """
    if not gold:
        return True
    parts = {p.strip() for p in _ROLE_SPLIT.split(predicted or "")}
    return bool(predicted) and any(g in parts for g in gold.split("|"))


def _names(entity) -> set[str]:
    return {norm(entity.name), *(norm(a) for a in entity.aliases), *(norm(m.text) for m in entity.mentions)}


def score_record(record: dict, facts, extra: list[GoldFact] = ()) -> tuple[list[tuple[GoldFact, bool, bool]], list[dict]]:
    """``(gold fact, found, found with role)`` for each scored gold triple of one sentence
    (DuIE's and the ``extra`` hand-written ones), and the sentence's predictions of the scored
    kinds (for the hand check)."""
    names = {e.id: _names(e) for e in facts.entities}
    text = record["text"]
    preds: list[dict] = []
    for r in facts.relations:
        if r.relation in SCORED_RELATIONS:
            ev = text[r.start : r.end] if r.start is not None and r.end is not None else ""
            preds.append({"id": record["id"], "relation": r.relation, "head": r.head_name, "tail": r.tail_name, "role": r.role, "evidence": ev})
    for e in facts.entities:
        if e.type == "PLACE":  # 北京 -> 北京市 is canonicalisation, not a name the text gives
            continue
        for a in e.aliases:
            if norm(a) != norm(e.name):
                preds.append({"id": record["id"], "relation": "alias", "head": e.name, "tail": a, "role": None, "evidence": text})
    out = []
    for g in [*gold_facts(record), *extra]:
        head, tails = norm(g.head), {norm(t) for t in g.tail.split("|")}
        tail = norm(g.tail)
        if g.relation == "alias":
            ok = any(head in n and tails & n for n in names.values())
            out.append((g, ok, ok))
            continue
        if g.relation == "figure":
            ok = any(
                m.subject is not None and head in names.get(m.subject, {norm(m.subject_name)}) and _same_number(g.tail, m.text)
                for m in facts.metrics
            )
            out.append((g, ok, ok))
            continue
        kinds = ALSO_COUNTS.get(g.relation, {g.relation})
        hits = [
            r for r in facts.relations
            if r.relation in kinds and head in names.get(r.head, {norm(r.head_name)}) and tails & names.get(r.tail, {norm(r.tail_name)})
        ]
        out.append((g, bool(hits), any(role_holds(r.role, g.role) for r in hits)))
    return out, preds


def _same_number(gold: str, surface: str) -> bool:
    digits = re.findall(r"\d+(?:\.\d+)?", gold)
    return bool(digits) and all(d in surface for d in digits)


def evaluate_duie(path: str | Path | None = None, part: str = "dev", *, limit: int | None = None, sample: int = 20, seed: int = 0,
                  extra_gold: str | Path | None = EXTRA_GOLD) -> dict | None:
    """Recall per relation type on one part of DuIE (with the hand-written extra gold of
    ``tests/data/duie_dev_extra_gold.tsv``, reported under ``<relation> (extra)``), and a
    seeded sample of predictions per type for the hand check; None when the file is absent."""
    from corpus.model import Article
    from extract.pipeline import extract_article

    path = Path(path) if path else default_duie_path()
    if not path.exists():
        return None
    by_rel: dict[str, dict] = defaultdict(lambda: {"gold": 0, "found": 0, "found_role": 0, "misses": []})
    preds: dict[str, list[dict]] = defaultdict(list)
    extra = read_extra_gold(extra_gold) if extra_gold and Path(extra_gold).exists() else {}
    n = 0
    for rec in _limited(read_duie(path, part), limit):
        n += 1
        facts = extract_article(Article(id=rec["id"], text=rec["text"]))
        scored, p = score_record(rec, facts, extra.get(rec["id"], []))
        for x in p:
            preds[x["relation"]].append(x)
        for g, found, with_role in scored:
            row = by_rel[g.relation + (" (extra)" if g.predicate == "extra" else "")]
            row["gold"] += 1
            row["found"] += found
            row["found_role"] += with_role
            if not with_role:
                row["misses"].append({"id": g.sentence_id, "head": g.head, "tail": g.tail, "role": g.role})
    for row in by_rel.values():
        row["recall"] = row["found"] / row["gold"] if row["gold"] else None
        row["recall_role"] = row["found_role"] / row["gold"] if row["gold"] else None
    rng = random.Random(seed)
    samples = {rel: rng.sample(ps, min(sample, len(ps))) for rel, ps in sorted(preds.items())}
    return {
        "path": str(path),
        "part": part,
        "sentences": n,
        "relations": dict(sorted(by_rel.items())),
        "predicted": {rel: len(ps) for rel, ps in sorted(preds.items())},
        "sample": samples,
    }


def _limited(items: Iterable[dict], limit: int | None) -> Iterator[dict]:
    for i, x in enumerate(items):
        if limit is not None and i >= limit:
            return
        yield x


def summary_rows(result: dict) -> list[dict]:
    """The DuIE evaluation as table rows: recall (pair, with role) per relation type."""
    out = []
    for rel, row in result["relations"].items():
        out.append({
            "part": result["part"],
            "relation": rel,
            "gold": row["gold"],
            "recall": round(row["recall"], 3),
            "recall_with_role": round(row["recall_role"], 3),
            "predicted": result["predicted"].get(rel, 0),
        })
    return out


NEWS_POSTS_GOLD = Path(__file__).resolve().parent.parent / "tests" / "data" / "news_posts_gold.tsv"


def read_news_posts_gold(path: str | Path = NEWS_POSTS_GOLD) -> list[tuple[str, str, str, str]]:
    """``(story id, person, organisation, role)`` rows of the hand-written news post gold.

    :raises CorpusError: on a row without four fields, naming file and line.
    """
    return _gold_rows(path, "story, person, organisation, role")


def evaluate_news_posts(part: str = "dev", gold_path: str | Path = NEWS_POSTS_GOLD, sample: int = 0) -> dict | None:
    """Recall of posts (pair, and with the role) on the CCTV stories of the news gold's
    ``part`` (split by :func:`split_of` on the story id); None when the news data is absent."""
    gold = [g for g in read_news_posts_gold(gold_path) if split_of(g[0]) == part]
    wanted = {g[0] for g in gold}
    facts_of = _news_facts(wanted)
    if facts_of is None:
        return None
    found = found_role = 0
    misses, preds = [], []
    for sid, person, org, role in gold:
        hits = []
        for facts in facts_of[sid]:
            names = {e.id: _names(e) for e in facts.entities}
            hits += [
                r for r in facts.relations
                if r.relation == "works_for" and norm(person) in names.get(r.head, {norm(r.head_name)})
                and {norm(o) for o in org.split("|")} & names.get(r.tail, {norm(r.tail_name)})
            ]
        found += bool(hits)
        ok = any(role_holds(r.role, role) for r in hits)
        found_role += ok
        if not ok:
            misses.append({"id": sid, "head": person, "tail": org, "role": role})
    for sid, fs in sorted(facts_of.items()):
        preds += [{"id": sid, "relation": "works_for", "head": r.head_name, "tail": r.tail_name, "role": r.role, "evidence": ""}
                  for f in fs for r in f.relations if r.relation == "works_for"]
    n = len(gold)
    return {
        "part": part, "stories": len(wanted), "gold": n,
        "recall": found / n if n else None, "recall_role": found_role / n if n else None,
        "predicted": len(preds), "misses": misses,
        "sample": random.Random(0).sample(preds, min(sample, len(preds))),
    }


NEWS_ALIASES_GOLD = Path(__file__).resolve().parent.parent / "tests" / "data" / "news_aliases_gold.tsv"


def _news_facts(wanted: set[str]) -> dict[str, list] | None:
    """Facts of the CCTV stories with these ids (each story's articles); None when the news
    data is absent."""
    from corpus.articles import articles_from_record
    from extract.pipeline import extract_article

    facts_of: dict[str, list] = defaultdict(list)
    for year in sorted({sid[:4] for sid in wanted}):
        path = shared_data_dir() / "news" / "xwlb" / f"{year}.jsonl.gz"
        if not path.exists():
            return None
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                rec = json.loads(line)
                if rec.get("id") in wanted:
                    for art in articles_from_record(rec, source=str(path), line=lineno):
                        facts_of[rec["id"]].append(extract_article(art))
    return facts_of


def read_news_aliases_gold(path: str | Path = NEWS_ALIASES_GOLD) -> list[tuple[str, str, str]]:
    """``(story id, names, aliases)`` rows of the hand-written news alias gold (| alternatives).

    :raises CorpusError: on a row without three fields, naming file and line.
    """
    return _gold_rows(path, "story, name, alias")


def evaluate_news_aliases(part: str = "dev", gold_path: str | Path = NEWS_ALIASES_GOLD) -> dict | None:
    """Recall of aliases on the CCTV stories of the news alias gold's ``part``: found when one
    entity carries a gold name and a gold alias; also how often the named thing is an entity
    at all. None when the news data is absent."""
    gold = [g for g in read_news_aliases_gold(gold_path) if split_of(g[0]) == part]
    facts_of = _news_facts({g[0] for g in gold})
    if facts_of is None:
        return None
    found = entity = 0
    misses = []
    for sid, names, aliases in gold:
        names_n, aliases_n = {norm(x) for x in names.split("|")}, {norm(x) for x in aliases.split("|")}
        known = [_names(e) for f in facts_of[sid] for e in f.entities]
        entity += any(names_n & n for n in known)
        ok = any(names_n & n and aliases_n & n for n in known)
        found += ok
        if not ok:
            misses.append({"id": sid, "head": names, "tail": aliases})
    n = len(gold)
    return {"part": part, "gold": n, "recall": found / n if n else None,
            "entity_recall": entity / n if n else None, "misses": misses}
