"""Figures of the whole country (我国…, 全国…) as figures of the country's entity (中国).

Scope words (``data/scope_entities.tsv``) name no entity mention, so a figure of 全国 had no
graph node; here it gets the entity the word stands for, keeping the word as written.
"""
from __future__ import annotations

import bisect
import functools
from typing import Sequence

from corpus.errors import ExtractError
from extract.lexicon import DATA_DIR, rows
from extract.model import ENTITY_TYPES, Entity, Mention, Metric, entity_id

TABLE = "scope_entities.tsv"


@functools.cache
def scope_entities() -> dict[str, tuple[str, str]]:
    """``data/scope_entities.tsv``: written scope word -> (entity name, entity type)."""
    out: dict[str, tuple[str, str]] = {}
    for word, name, typ in rows(TABLE, 3):
        if not name or typ not in ENTITY_TYPES:
            raise ExtractError(f"expected 'word<TAB>entity name<TAB>entity type' (got {word!r})", path=str(DATA_DIR / TABLE))
        out[word] = (name, typ)
    return out


def link_scope_subjects(metrics: Sequence[Metric]) -> None:
    """Give each figure whose subject is a scope word (no entity), or that has no subject and an
    indicator opening with one (国内生产总值), the entity the word stands for: subject id and
    name become the entity's, ``subject_text`` keeps the word as written."""
    table = scope_entities()
    for m in metrics:
        if m.subject is not None:
            continue
        word = m.subject_name if m.subject_name in table else None
        if word is None and m.subject_name == m.indicator:  # no subject found: 国内生产总值…
            word = next((w for w in table if m.indicator.startswith(w) and len(m.indicator) > len(w)), None)
        if word is not None:
            name = table[word][0]
            m.subject_text = word if word != name else m.subject_text
            m.subject, m.subject_name = entity_id(name), name


def scope_entities_of(text: str, article: str, sentence_starts: Sequence[int], metrics: Sequence[Metric],
                      entities: Sequence[Entity]) -> list[Entity]:
    """The entities of scope subjects that ``entities`` lacks (中国 when only 全国 is written),
    each with the written forms its figures were read from as mentions and aliases; an entity
    already in ``entities`` gets those mentions and aliases added in place (offsets slice
    ``text``; ``sentence_starts``: where each sentence of the article starts)."""
    known = {e.id: e for e in entities}
    names = {name: typ for name, typ in scope_entities().values()}
    out: dict[str, Entity] = {}
    touched: dict[str, Entity] = {}
    for m in metrics:
        if m.subject is None or m.subject_name not in names or not m.subject_text:
            continue
        e = known.get(m.subject) or out.setdefault(m.subject, Entity(m.subject, m.subject_name, names[m.subject_name]))
        touched[e.id] = e
        written = m.subject_text
        at = text.rfind(written, 0, m.start)
        if at >= 0 and all(x.start != at for x in e.mentions):
            sentence = max(bisect.bisect_right(sentence_starts, at) - 1, 0)
            e.mentions.append(Mention(article, sentence, at, at + len(written), written))
        if written != e.name and written not in e.aliases:
            e.aliases.append(written)
    for e in touched.values():
        e.mentions.sort(key=lambda x: x.start)
        e.aliases.sort()
    return list(out.values())
