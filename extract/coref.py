"""Coreference within an article: anaphors (该中心, 该平台, 该公司, 《报告》) to the nearest
preceding compatible entity, and aliases defined in text (（以下简称“X”）, （ILO）, ，简称X; cue
words in ``alias_cues.txt``). Anaphor nouns and what they may point to are data (``anaphors.tsv``).
"""
from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from extract.lexicon import rows, words
from extract.model import Span

_NAME = r"[“《\"「]?([A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9&.\- ]{0,58}[A-Za-zÀ-ÿ0-9.]|[^\sA-Za-z“”《》\"「」（）()，,。；;、：:]{2,20}?)[”》\"」]?"
_LATIN_NAME = r"([A-Z][A-Za-zÀ-ÿ0-9&.\-]*(?: [A-Za-zÀ-ÿ0-9&.\-]+)*)"
# a Latin name in brackets, alone or before a comma (本杰明·富兰克林（Benjamin Franklin，1706年—1790年）)
_LATIN = re.compile(rf"\s*[（(]\s*{_LATIN_NAME}\s*(?:[）)]|[，,](?!\s*(?:简称|缩写)))")


@functools.lru_cache(maxsize=1)
def _alias_res() -> tuple[re.Pattern, re.Pattern]:
    """(a cue in brackets right after the name, a cue later in the sentence after a comma)."""
    cues = "|".join(sorted(set(words("alias_cues.txt")), key=len, reverse=True))
    bracket = re.compile(rf"\s*[（(]\s*(?:{_LATIN_NAME}\s*[，,；;]\s*)?(?:{cues})[为是：:]?\s*{_NAME}(?:\s*(?:或|、|，|,)\s*{_NAME})?\s*[）)]")
    later = re.compile(rf"(?:[，,；;]\s*(?:其|该\w{{1,2}})?(?:{cues})(?:为|是|叫|：|:)?|(?:{cues})(?:[：:]|为|是|叫))\s*{_NAME}(?=[，,。；;）)]|$)")
    return bracket, later


@functools.lru_cache(maxsize=1)
def anaphor_nouns() -> dict[str, tuple[frozenset[str], str]]:
    """noun -> (entity types it may refer to, compatibility mode: suffix | any | contains)."""
    return {n: (frozenset(t.split()), mode or "suffix") for n, t, mode in rows("anaphors.tsv", 3)}


@functools.lru_cache(maxsize=1)
def _anaphor_re() -> re.Pattern:
    nouns = "|".join(sorted(anaphor_nouns(), key=len, reverse=True))
    return re.compile(rf"(?:该|此|这家|这个|这一|本)({nouns})")


def compatible(noun: str, name: str, label: str) -> bool:
    """May an anaphor noun (中心, 平台, 公司 ...) refer to an entity with this name and type?

    >>> compatible("中心", "某某计算中心", "PLATFORM"), compatible("平台", "某某中心", "ORG")
    (True, False)
    """
    types, mode = anaphor_nouns().get(noun, (frozenset(), "suffix"))
    if label not in types:
        return False
    if mode == "any":
        return True
    if mode == "contains":
        return noun in name
    return name.endswith(noun) or (len(noun) == 1 and name.endswith(noun))


def find_anaphors(text: str, spans: Sequence[Span]) -> list[tuple[Span, Span]]:
    """``(anaphor, antecedent)`` pairs: each 该X (and each bare 《X》 work title equal to an
    anaphor noun, like 《报告》) with the nearest preceding compatible span (anaphors chain).

    >>> t = "某某计算中心上线。该中心已与多家单位合作。"
    >>> [(a.text, b.name) for a, b in find_anaphors(t, [Span(0, 6, "PLATFORM", t[0:6], name=t[0:6])])]
    [('该中心', '某某计算中心')]
    """
    occurrences: list[tuple[Span, str]] = []
    covered = [(s.start, s.end) for s in spans]
    for m in _anaphor_re().finditer(text):
        if any(s <= m.start() < e for s, e in covered):
            continue
        noun = m.group(1)
        types = anaphor_nouns()[noun][0]
        occurrences.append((Span(m.start(), m.end(), sorted(types)[0], m.group()), noun))
    for s in spans:
        if s.label in ("WORK", "ORG") and s.name in anaphor_nouns():
            occurrences.append((s, s.name))
    occurrences.sort(key=lambda x: x[0].start)
    real = [s for s in spans if s.name not in anaphor_nouns()]
    out: list[tuple[Span, Span]] = []
    for ana, noun in occurrences:
        best = None
        for s in real:
            if s.end <= ana.start and compatible(noun, s.name or s.text, s.label):
                if best is None or s.start > best.start:
                    best = s
        for a, ante in out:  # chains: 该中心 ... 该中心
            if a.end <= ana.start and compatible(noun, ante.name or ante.text, ante.label):
                if best is None or a.start > best.start:
                    best = ante if a.start > best.start else best
        if best is not None:
            out.append((Span(ana.start, ana.end, best.label, ana.text), best))
    return out


def alias_definitions(text: str, spans: Sequence[Span]) -> list[tuple[Span, str]]:
    """``(span, alias)`` for each name followed by another name of it: （以下简称X）, （简称“X”或“Y”）,
    a bracketed Latin acronym （ILO）, or later in the sentence ，简称X / ，英文缩写：X (cue words in
    ``alias_cues.txt``); only the longest name ending at a place gets the alias.

    >>> t = "《某某发展报告（2023）》（以下简称《报告》）显示"
    >>> [(s.name, a) for s, a in alias_definitions(t, [Span(1, 13, "WORK", t[1:13], name=t[1:13])])]
    [('某某发展报告（2023）', '报告')]
    >>> t = "国际劳工组织（ILO）称"
    >>> [(s.name, a) for s, a in alias_definitions(t, [Span(0, 6, "ORG", t[0:6], name=t[0:6])])]
    [('国际劳工组织', 'ILO')]
    """
    bracket, later = _alias_res()
    any_cue = later.search(text) is not None
    longest: dict[int, Span] = {}
    for s in spans:
        if s.end not in longest or s.start < longest[s.end].start:
            longest[s.end] = s
    starts = sorted(s.start for s in spans)
    out = []
    covered = 0  # a name inside an alias just read (the Latin words of an English name) gets none
    for s in sorted(longest.values(), key=lambda s: s.start):
        if s.start < covered or (s.text.isascii() and text[s.start - 1 : s.start] in "（("):
            continue  # inside an alias just read, or a Latin name in brackets: not the owner
        end = s.end + (1 if text[s.end : s.end + 1] in "》”" else 0)
        m = bracket.match(text, end) or _LATIN.match(text, end)
        if m is not None:
            out += [(s, a) for a in m.groups() if _usable(a, s)]
            covered = m.end()
            continue
        if not any_cue:
            continue
        # cues later in the sentence, one after another, while no other name comes between
        pos, limit = end, min(_sentence_end(text, end), end + 120)
        while (m := later.search(text, pos, limit)) is not None:
            if (m.start() != pos and text[m.start()] not in "，,；;") or any(pos <= x < m.start() for x in starts):
                break
            out += [(s, a) for a in m.groups() if _usable(a, s)]
            pos = covered = m.end()
    return out


def _usable(alias: str | None, span: Span) -> bool:
    """An alias other than the name itself and not a bare generic word (以下简称“公司”)."""
    from extract.entities import longest_suffix

    return bool(alias) and alias != span.name and longest_suffix(alias) != alias


def _sentence_end(text: str, pos: int) -> int:
    m = re.compile(r"[。！？\n]").search(text, pos)
    return m.start() if m else len(text)
