"""Who holds which post at which organisation, and who founded it: patterns
(``post_patterns.tsv``) over a sentence in which entity mentions and job titles
(``titles.txt``) are slots, so the name may come first (阮洪良，X公司董事长), titles may come in
lists (党委书记、董事长 / 董事长兼CEO), organisations in lists (X公司、Y公司董事长) and apart from the
title (X大学召开大会，校长Y讲话). A post whose role holds a founder word (``founder_roles.txt``)
is also a founding.
"""
from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence

from extract.lexicon import rows, words
from extract.model import Relation, Span
from extract.relations import _SLOT, _mask, _rel, compile_pattern

_TITLE_SLOT = r"⟦\d+:(?:TITLE|HEAD)⟧"  # HEAD: the title of an organisation's head (org_head_titles.txt)
_EXTRA = {
    "{R}": rf"(?P<r>{_TITLE_SLOT}(?:[、，,和及/]?兼?{_TITLE_SLOT})*)",
    "{RH}": rf"(?P<r>⟦\d+:HEAD⟧(?:[、，,和及/]?兼?{_TITLE_SLOT})*)",
    "{PERSON}": r"⟦\d+:PERSON⟧",
    "{OR}": rf"(?:⟦\d+:(?:ORG|PLATFORM)⟧|[^⟦⟧、，,。；]{{0,4}}){_TITLE_SLOT}(?:[、和及/]?兼?{_TITLE_SLOT})*",
    "{RP}": rf"(?:{_TITLE_SLOT}(?:[、，,和及/]?兼?{_TITLE_SLOT})*⟦\d+:PERSON⟧(?:[、，,]⟦\d+:PERSON⟧)*)",
}


def compile_post_pattern(pattern: str) -> re.Pattern:
    """A ``post_patterns.tsv`` pattern as a regular expression ({R}, {RH}, {RP}, {OR}, {PERSON} on
    top of :func:`extract.relations.compile_pattern`).

    >>> bool(compile_post_pattern("{TS:ORG}{R}{H:PERSON}").search("⟦0:ORG⟧⟦1:TITLE⟧、⟦2:TITLE⟧⟦3:PERSON⟧"))
    True
    """
    for k, v in _EXTRA.items():
        pattern = pattern.replace(k, v)
    return compile_pattern(pattern)


@functools.lru_cache(maxsize=1)
def post_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    """(relation, compiled pattern) pairs of ``post_patterns.tsv``, in file order."""
    return tuple((rel, compile_post_pattern(p)) for rel, p in rows("post_patterns.tsv", 2))


@functools.lru_cache(maxsize=1)
def _title_re() -> re.Pattern:
    return re.compile("|".join(re.escape(t) for t in sorted(set(words("titles.txt")), key=len, reverse=True)))


@functools.lru_cache(maxsize=1)
def founder_roles() -> frozenset[str]:
    """Role words that make a post a founding (``founder_roles.txt``)."""
    return frozenset(words("founder_roles.txt"))


@functools.lru_cache(maxsize=1)
def _founding_re() -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in words("founding_verbs.txt")))


@functools.lru_cache(maxsize=1)
def _head_titles() -> frozenset[str]:
    return frozenset(words("org_head_titles.txt"))


def title_spans(text: str, start: int, end: int, mentions: Sequence[Span]) -> list[Span]:
    """Job titles written in ``text[start:end]`` outside the mentions (longest title first),
    labelled HEAD when they name an organisation's head (董事长, 校长) and TITLE otherwise."""
    out: list[Span] = []
    pos = start
    for m in [*mentions, Span(end, end, "", "")]:
        for t in _title_re().finditer(text, pos, max(pos, m.start)):
            out.append(Span(t.start(), t.end(), "HEAD" if t.group() in _head_titles() else "TITLE", t.group()))
        pos = max(pos, m.end)
    return out


def find_posts(article_id: str, text: str, si: int, start: int, end: int, top: Sequence[Span]) -> list[Relation]:
    """works_for (with the role as written) and founded_by relations of one sentence.

    :param top: the sentence's resolved, non-overlapping mentions, by start
    """
    labels = {m.label for m in top}
    if "PERSON" not in labels or not labels & {"ORG", "PLATFORM"}:
        return []
    titles = title_spans(text, start, end, top)
    if not titles and _founding_re().search(text, start, end) is None:
        return []  # every pattern needs a title or a founding verb
    items = sorted([*top, *titles], key=lambda s: s.start)
    masked, offs = _mask(text, start, end, items)
    out: list[Relation] = []
    seen: set[tuple[str, str, str]] = set()
    for relation, rx in post_patterns():
        for m in rx.finditer(masked):
            heads = [items[int(x.group(1))] for x in _SLOT.finditer(m.group("h"))]
            tails = [items[int(x.group(1))] for x in _SLOT.finditer(m.group("t"))]
            role = None
            if "r" in rx.groupindex and m.group("r"):
                slots = [items[int(x.group(1))] for x in _SLOT.finditer(m.group("r"))]
                role = text[slots[0].start : slots[-1].end]
            for h, t in itertools.product(heads, tails):
                key = (h.entity or "", relation, t.entity or "")
                if h.entity == t.entity or key in seen:
                    continue
                seen.add(key)
                lo, hi = offs[m.start()], offs[m.end()]
                out.append(_rel(h, relation, t, role, article_id, si, lo, hi))
                if relation == "works_for" and role and any(f in role for f in founder_roles()):
                    fkey = (t.entity or "", "founded_by", h.entity or "")
                    if fkey not in seen:
                        seen.add(fkey)
                        out.append(_rel(t, "founded_by", h, None, article_id, si, lo, hi))
    return out
