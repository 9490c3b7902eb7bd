"""Relations between resolved mentions of one article, each with its sentence and evidence span.

- cue-word patterns (``relation_patterns.tsv``) over a sentence whose mentions are replaced
  by typed slots: located_in, held_in, publishes, operates, owns, relies_on, designates,
  designated_as, selected_in;
- works_for with the role as written and founded_by (:mod:`extract.posts`), and reporters of
  a byline (本报…（记者X）) working for the article's paper (``papers.tsv``);
- structural links found while composing names (part_of, owns, operates);
- co_mention: every pair of entities in one sentence (counted when merged).
"""
from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Sequence

from extract.entities import Link
from extract.lexicon import rows, words
from extract.model import Relation, Span

_SLOT = re.compile(r"⟦(\d+):([A-Z]+)⟧")
_GAP = r"[^⟦⟧。！？；]{0,12}?"


def _slot(types: str) -> str:
    return r"[“《«]?⟦\d+:(?:" + "|".join(t.strip() for t in types.split(",")) + r")⟧[”》»]?"


_LONG_GAPS = {
    # at most 40 characters, places, titles, works and events allowed, no person, no organisation
    "{**}": r"(?:[^⟦⟧。！？；]|⟦\d+:(?:PLACE|TITLE|HEAD|WORK|EVENT)⟧){0,40}?",
    # at most 80 characters, organisations allowed, no person
    "{**O}": r"(?:[^⟦⟧。！？；]|⟦\d+:(?:ORG|PLATFORM|PLACE|TITLE|HEAD|WORK|EVENT)⟧){0,80}?",
}


def compile_pattern(pattern: str) -> re.Pattern:
    """Turn a relation pattern of ``relation_patterns.tsv`` into a regular expression.

    >>> bool(compile_pattern("{H:ORG}{*}依托{T:PLATFORM}").search("⟦0:ORG⟧近日依托⟦1:PLATFORM⟧"))
    True
    >>> bool(compile_pattern("{H:ORG}{**}总部在{T:PLACE}").search("⟦0:ORG⟧成立于⟦1:PLACE⟧，总部在⟦2:PLACE⟧"))
    True
    """
    for k, v in _LONG_GAPS.items():
        pattern = pattern.replace(k, v)

    def sub(m: re.Match) -> str:
        kind, _, types = m.group(1).partition(":")
        if kind == "*":
            return _GAP
        if kind == "P":
            return r"(?:" + _slot("PLACE") + r")*"
        one = _slot(types)
        group = {"H": "h", "T": "t", "X": "x", "HS": "h", "TS": "t", "HSW": "h", "TSW": "t"}[kind]
        if kind in ("HSW", "TSW"):  # a list whose items may be joined by a few words (和他的师弟)
            return rf"(?P<{group}>{one}(?:[^⟦⟧。，,；]{{0,6}}?{one})*)"
        if kind in ("HS", "TS"):
            return rf"(?P<{group}>{one}(?:[、，,与和及]?{one})*)"
        return rf"(?P<{group}>{one})"

    return re.compile(re.sub(r"\{([A-Z*]+(?::[A-Z, ]+)?)\}", sub, pattern))


@functools.lru_cache(maxsize=1)
def relation_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    """(relation, compiled pattern) pairs, in file order."""
    return tuple((rel, compile_pattern(p)) for rel, p in rows("relation_patterns.tsv", 2))


@functools.lru_cache(maxsize=1)
def _titles() -> tuple[str, ...]:
    return tuple(sorted(set(words("titles.txt")), key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def papers() -> tuple[tuple[str, str], ...]:
    """(hint, paper name) pairs: which paper 本报 means for a source or meta value."""
    return tuple((h, p) for h, p in rows("papers.tsv", 2))


def paper_of(source: str | None, meta: dict | None) -> str | None:
    """The paper an article's 本报 refers to, from its meta (paper/publication/newspaper) or a
    hint in its source name.

    >>> paper_of("data/renmin_ribao_2023.txt", {})
    '人民日报'
    """
    meta = meta or {}
    for key in ("paper", "publication", "newspaper", "publisher"):
        if meta.get(key):
            return meta[key]
    hay = (source or "").lower()
    for hint, paper in papers():
        if hint.lower() in hay:
            return paper
    return None


def _top_level(mentions: Sequence[Span]) -> list[Span]:
    out: list[Span] = []
    for m in sorted(mentions, key=lambda s: (s.start, -s.end)):
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out


def _mask(text: str, start: int, end: int, mentions: Sequence[Span]) -> tuple[str, list[int]]:
    """The sentence with mentions replaced by slots, and a map from masked index to offset."""
    parts: list[str] = []
    offs: list[int] = []
    pos = start
    for i, m in enumerate(mentions):
        parts.append(text[pos : m.start])
        offs.extend(range(pos, m.start))
        slot = f"⟦{i}:{m.label}⟧"
        parts.append(slot)
        offs.extend([m.start] * (len(slot) - 1) + [m.end - 1])
        pos = m.end
    parts.append(text[pos:end])
    offs.extend(range(pos, end))
    offs.append(end)
    return "".join(parts), offs


def _rel(head: Span, relation: str, tail: Span, role: str | None, article: str, sentence: int, start: int, end: int) -> Relation:
    return Relation(head.entity or "", head.name or head.text, relation, tail.entity or "", tail.name or tail.text, role, article, sentence, start, end)


def find_relations(
    article_id: str,
    text: str,
    sentences: Sequence[tuple[int, int]],
    mentions: Sequence[Span],
    links: Sequence[Link] = (),
    *,
    paper: Span | None = None,
) -> list[Relation]:
    """Relations of one article from resolved mentions (``entity``/``name``/``sentence`` set).

    :param sentences: ``(start, end)`` of each sentence, in order
    :param links: structural links from :func:`extract.entities.find_entities`
    :param paper: a resolved pseudo-mention of the article's paper (for 本报 reporters)
    """
    from extract.posts import find_posts

    out: list[Relation] = []
    by_key = {(m.start, m.end): m for m in mentions}
    for link in links:
        h, t = by_key.get((link.head.start, link.head.end)), by_key.get((link.tail.start, link.tail.end))
        if h and t and h.entity != t.entity:
            lo, hi = min(h.start, t.start), max(h.end, t.end)
            out.append(_rel(h, link.relation, t, None, article_id, h.sentence or 0, lo, hi))
    starts = [m.start for m in mentions]
    in_order = all(a <= b for a, b in zip(starts, starts[1:]))
    for si, (s0, s1) in enumerate(sentences):
        if in_order:  # mentions by start (as resolve_article gives them): look up the sentence's
            lo, hi = bisect.bisect_left(starts, s0), bisect.bisect_right(starts, s1)
            inside = [m for m in mentions[lo:hi] if m.end <= s1]
        else:
            inside = [m for m in mentions if s0 <= m.start and m.end <= s1]
        if not inside:
            continue
        top = _top_level(inside)
        masked, offs = _mask(text, s0, s1, top)
        for relation, rx in relation_patterns() if len(top) > 1 else ():  # every pattern links two slots
            for m in rx.finditer(masked):
                heads = [top[int(x.group(1))] for x in _SLOT.finditer(m.group("h"))] if m.group("h") else []
                tails = [top[int(x.group(1))] for x in _SLOT.finditer(m.group("t"))] if m.group("t") else []
                role = None
                if "x" in rx.groupindex and m.group("x"):
                    role = top[int(_SLOT.search(m.group("x")).group(1))].name
                for h, t in itertools.product(heads, tails):
                    if h.entity != t.entity:
                        out.append(_rel(h, relation, t, role, article_id, si, offs[m.start()], offs[m.end()]))
        out += find_posts(article_id, text, si, s0, s1, top)
        out += _works_for(article_id, text, si, top, paper)
        ids = {}
        for m in top:
            ids.setdefault(m.entity, m)
        for a, b in itertools.combinations(sorted(ids), 2):
            out.append(_rel(ids[a], "co_mention", ids[b], None, article_id, si, s0, s1))
    return _dedupe(out)


def _works_for(article_id: str, text: str, si: int, top: Sequence[Span], paper: Span | None) -> list[Relation]:
    out = []
    for i, m in enumerate(top):
        if m.label != "PERSON":
            continue
        before = text[max(0, m.start - 12) : m.start].rstrip()
        title = next((t for t in _titles() if before.endswith(t)), None)
        if title is None:
            continue
        tstart = max(0, m.start - 12) + len(before) - len(title)
        org = None
        if i > 0 and top[i - 1].label in ("ORG", "PLATFORM") and not text[top[i - 1].end : tstart].strip():
            org = top[i - 1]
        elif title.endswith("记者") and paper is not None and "本报" in text[max(0, tstart - 40) : tstart]:
            org = paper
        if org is not None:
            out.append(_rel(m, "works_for", org, title, article_id, si, org.start if org is not paper else tstart, m.end))
    return out


def _dedupe(rels: list[Relation]) -> list[Relation]:
    seen = set()
    out = []
    for r in rels:
        key = (r.head, r.relation, r.tail, r.sentence)
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out
