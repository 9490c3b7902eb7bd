"""Entity resolution: one node per real thing.

Within an article: abbreviations to full forms (a data table of central-government and
national-body abbreviations), place short forms to full forms (北京 -> 北京市), short names to
the longer same-type name they start or end (X -> X人工智能计算中心), aliases defined in text
(以下简称), and anaphors (该中心) to their antecedents. Across articles: entities meet on ids
computed from the canonical name alone (:func:`extract.model.entity_id`), so each article is
resolved independently and :func:`merge_entities` only unions mentions and aliases.
"""
from __future__ import annotations

import bisect
import re
import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from extract.entities import longest_suffix, type_by_suffix
from extract.lexicon import rows
from extract.model import Entity, Mention, Span, entity_id
from extract.places import canonical_place

TYPE_GROUPS = {"ORG": "org", "PLATFORM": "org", "PERSON": "person", "PLACE": "place", "EVENT": "event", "WORK": "work"}


@functools.lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    """Short form -> full form, from ``abbreviations.tsv``.

    >>> abbreviations()["工信部"]
    '工业和信息化部'
    """
    return {short: full for short, full in rows("abbreviations.tsv", 2) if full and full != short}


def canonical_key(name: str, label: str) -> str:
    """The article-independent canonical form of one name (before in-article merging).

    >>> canonical_key("科技部", "ORG"), canonical_key("邯郸", "PLACE"), canonical_key("张三", "PERSON")
    ('科学技术部', '邯郸市', '张三')
    """
    if label in ("ORG", "PLATFORM"):
        return abbreviations().get(name, name)
    if label == "PLACE":
        return canonical_place(name)
    return name


@dataclass
class Resolution:
    """Resolved entities of one article and every mention pointing at them."""

    entities: list[Entity] = field(default_factory=list)
    mentions: list[Span] = field(default_factory=list)  # label = entity type, entity/name/sentence set
    by_span: dict[tuple[int, int], str] = field(default_factory=dict)  # (start, end) -> entity id

    def entity(self, eid: str) -> Entity | None:
        """The entity with this id, if any."""
        return next((e for e in self.entities if e.id == eid), None)


_SPACE_NOT_IN_LATIN = re.compile(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])")


def _squeeze(name: str) -> str:
    """A name without whitespace, except between Latin words (Peking University).

    >>> _squeeze("某某 计算中心"), _squeeze("Peking University")
    ('某某计算中心', 'Peking University')
    """
    return _SPACE_NOT_IN_LATIN.sub("", name)


def sentence_index(starts: Sequence[int], offset: int) -> int:
    """Index of the sentence containing ``offset`` given sorted sentence starts."""
    return max(0, bisect.bisect_right(starts, offset) - 1)


def _known_name(name: str) -> bool:
    """A name that is complete by itself (an org or place word of the dictionary or the
    abbreviation table: 国务院), so not the short form of a longer name."""
    from extract.entities import org_gazetteer
    from extract.segment import dictionary_tag

    return name in org_gazetteer() or dictionary_tag(name) in ("nt", "ns", "j")


def _starts_with_place(rest: str) -> bool:
    """Does a name remainder open with a known place (武警 + 福建总队: a unit, not a long form)?"""
    from extract.places import gazetteer

    return any(rest[:n] in gazetteer() for n in range(2, min(len(rest), 7) + 1))


def _merge_short_forms(keys: dict[str, str]) -> dict[str, str]:
    """Map each key to the longer same-group key it is a short form of (prefix without a
    suffix of its own, or a trailing part of at least four characters)."""
    parent: dict[str, str] = {}
    by_group: dict[str, list[str]] = defaultdict(list)
    for k, group in keys.items():
        by_group[group].append(k)
    for group, names in by_group.items():
        if group == "person":
            continue
        for a in names:
            longer = [b for b in names if len(b) > len(a) and (
                (b.startswith(a) and longest_suffix(a) is None and group not in ("place", "work")
                 and not _starts_with_place(b[len(a):]) and not _known_name(a))
                or (b.endswith(a) and len(a) >= 4 and a != longest_suffix(a))
                or (b.endswith(a) and group == "work")
            )]
            if longer:
                parent[a] = max(longer, key=len)

    def root(k: str) -> str:
        seen = set()
        while k in parent and k not in seen:
            seen.add(k)
            k = parent[k]
        return k

    return {k: root(k) for k in keys}


def resolve_article(
    article_id: str,
    text: str,
    sentence_starts: Sequence[int],
    spans: Sequence[Span],
    anaphors: Sequence[tuple[Span, Span]] = (),
    aliases: Iterable[tuple[Span, str]] = (),
) -> Resolution:
    """Resolve typed spans of one article into entities with ids, aliases and mentions.

    :param spans: entity spans (``Span.name`` set to the name they stand for)
    :param anaphors: ``(anaphor, antecedent span)`` pairs from :mod:`extract.coref`
    :param aliases: ``(span, alias)`` extra names for the entity of a span
    """
    anaphor_keys = {(a.start, a.end) for a, _ in anaphors}
    spans = [s for s in spans if (s.start, s.end) not in anaphor_keys]
    alias_of: dict[str, str] = {}
    for s, alias in aliases:
        alias_of[alias] = canonical_key(s.name or s.text, s.label)
    keys: dict[str, str] = {}
    span_key: dict[tuple[int, int], str] = {}
    for s in spans:
        k = canonical_key(s.name or s.text, s.label)
        k = alias_of.get(k, k)
        span_key[(s.start, s.end)] = k
        keys.setdefault(k, TYPE_GROUPS.get(s.label, "org"))
    roots = _merge_short_forms(keys)

    groups: dict[str, list[Span]] = defaultdict(list)
    for s in spans:
        groups[roots[span_key[(s.start, s.end)]]].append(s)
    res = Resolution()
    id_of_root: dict[str, str] = {}
    for root, members in groups.items():
        labels = Counter(s.label for s in members)
        top = labels.most_common()
        label = top[0][0]
        if len(top) > 1 and top[0][1] == top[1][1]:
            label = type_by_suffix(root, label)
        if label in ("ORG", "PLATFORM"):
            label = type_by_suffix(root, label)
        eid = entity_id(root)
        id_of_root[root] = eid
        names = {s.name or s.text for s in members}
        names |= {span_key[(s.start, s.end)] for s in members}
        names |= {a for a, k in alias_of.items() if roots.get(k, k) == root}
        names = {_squeeze(n) for n in names}
        ent = Entity(eid, root, label, sorted(n for n in names if n != root))
        ent.mentions = sorted(
            {Mention(article_id, sentence_index(sentence_starts, s.start), s.start, s.end, s.text) for s in members},
            key=lambda m: (m.start, m.end),  # not by start alone: a set's order changes with the hash seed
        )
        res.entities.append(ent)
        for s in members:
            res.by_span[(s.start, s.end)] = eid
            res.mentions.append(Span(s.start, s.end, label, s.text, eid, root, sentence_index(sentence_starts, s.start)))
    ent_by_id = {e.id: e for e in res.entities}
    for ana, ante in anaphors:
        eid = res.by_span.get((ante.start, ante.end))
        if eid is None:
            continue
        ent = ent_by_id[eid]
        res.by_span[(ana.start, ana.end)] = eid
        res.mentions.append(Span(ana.start, ana.end, ent.type, ana.text, eid, ent.name, sentence_index(sentence_starts, ana.start)))
        ent.mentions.append(Mention(article_id, sentence_index(sentence_starts, ana.start), ana.start, ana.end, ana.text))
        ent.mentions.sort(key=lambda m: (m.start, m.end))
    res.mentions.sort(key=lambda s: (s.start, -s.end))
    return res


def rename_entity(res: Resolution, old: str, new: str) -> None:
    """Give an entity a new id (e.g. a person disambiguated by organisation), everywhere."""
    if old == new:
        return
    for e in res.entities:
        if e.id == old:
            e.id = new
    res.mentions = [Span(s.start, s.end, s.label, s.text, new, s.name, s.sentence) if s.entity == old else s for s in res.mentions]
    res.by_span = {k: (new if v == old else v) for k, v in res.by_span.items()}


def merge_entities(per_article: Iterable[Iterable[Entity]]) -> list[Entity]:
    """Union entities of many articles by id: mentions and aliases are unioned and the type is
    the majority over mentions (ties: the first seen)."""
    merged: dict[str, Entity] = {}
    votes: dict[str, Counter] = defaultdict(Counter)
    for entities in per_article:
        for e in entities:
            votes[e.id][e.type] += max(1, len(e.mentions))
            m = merged.get(e.id)
            if m is None:
                merged[e.id] = Entity(e.id, e.name, e.type, list(e.aliases), list(e.mentions))
                continue
            m.aliases = sorted(set(m.aliases) | set(e.aliases))
            m.mentions.extend(e.mentions)
    for eid, e in merged.items():
        e.type = votes[eid].most_common(1)[0][0]
    return list(merged.values())
