"""Typed entity spans (ORG, PLATFORM, PERSON, PLACE, EVENT, WORK) for one text.

Starts from the statistical tagger (PER/LOC/ORG, :mod:`extract.ner`) and composes what it
misses with rules driven by data files: organisation/platform/event suffixes (with nested
parents), quoted names, 《works》, administrative places, gazetteers and newspaper person
patterns (:mod:`extract.patterns`). Overlaps are settled by a swappable policy (default: the
longest span wins, like spaCy's ``filter_spans``); nested parents of composite names
(X研究院 in X研究院Y研究所) are kept as extra spans with a structural :class:`Link`.
"""
from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from extract.lexicon import rows, words
from extract.model import Span
from extract.places import place_spans
from extract.segment import Token, dictionary_tag, tokenize

TAGGER_TYPES = {"PER": "PERSON", "LOC": "PLACE", "ORG": "ORG"}
PROPER_TAGS = frozenset({"ns", "nt", "nz", "nrt", "j", "eng", "?"})
# dictionary tags that end a name when walking left (verbs, prepositions, pronouns, adverbs...)
STOP_TAGS = frozenset({"v", "vd", "p", "c", "u", "uj", "ul", "uz", "ug", "uv", "ud", "r", "d", "f", "y", "e", "o", "w", "a", "ad", "zg"})
OPEN_QUOTES = "“‘「『"
CLOSE_QUOTES = "”’」』"
CONJUNCTIONS = frozenset({"与", "和", "及", "暨"})
MAX_NAME = 32
ZONE_SUFFIXES = ("高新区", "开发区", "经开区", "新区", "自贸区", "示范区", "园区")
COUNTY_SUFFIXES = ("县", "区", "旗")
_YEAR = re.compile(r"(?:19|20)\d\d年?|第[一二三四五六七八九十百\d]+届")
_WORK = re.compile(r"《([^《》\n]{1,80})》")


@dataclass(frozen=True)
class Link:
    """A structural link found while composing names: ``head relation tail``
    (child part_of parent, parent owns child, org operates platform)."""

    head: Span
    relation: str
    tail: Span


@dataclass
class EntityLayer:
    """What :func:`find_entities` returns: flat spans after the overlap policy, nested parent
    spans, structural links, and extra aliases (e.g. the quoted part of “X”中心)."""

    spans: list[Span] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    aliases: list[tuple[Span, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Cand:
    start: int
    end: int
    label: str
    name: str
    prio: int

    def _key_last(self) -> tuple[int, int]:
        return (self.start, self.end)


# --- lexicons ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def org_suffixes() -> dict[str, tuple[str, str]]:
    """suffix -> (type, relation to an embedded parent), from ``org_suffixes.tsv``."""
    return {s: (t, r or "part_of") for s, t, r in rows("org_suffixes.tsv", 3)}


@functools.lru_cache(maxsize=1)
def _suffix_lengths() -> tuple[int, ...]:
    return tuple(sorted({len(s) for s in org_suffixes()}, reverse=True))


def longest_suffix(name: str) -> str | None:
    """The longest organisation/platform/event suffix ``name`` ends with.

    >>> longest_suffix("某某人工智能计算中心")
    '计算中心'
    """
    table = org_suffixes()
    for n in _suffix_lengths():
        if len(name) >= n and name[-n:] in table:
            return name[-n:]
    return None


def type_by_suffix(name: str, default: str) -> str:
    """Entity type implied by a name's suffix (平台 -> PLATFORM, 论坛 -> EVENT), else ``default``."""
    s = longest_suffix(name)
    return org_suffixes()[s][0] if s else default


@functools.lru_cache(maxsize=1)
def _suffix_last_chars() -> frozenset[str]:
    return frozenset(s[-1] for s in org_suffixes())


@functools.lru_cache(maxsize=1)
def _stop_tokens() -> frozenset[str]:
    return frozenset(words("stop_tokens.txt"))


@functools.lru_cache(maxsize=1)
def org_gazetteer() -> dict[str, str]:
    """Known organisation names (short and full forms of the abbreviation table) -> type."""
    out = {}
    for short, full in rows("abbreviations.tsv", 2):
        out[short] = "ORG"
        if full:
            out[full] = "ORG"
    return out


def clean_name(surface: str) -> str:
    """A surface without whitespace and quotes: the name it stands for.

    >>> clean_name("“某某”计算 中心")
    '某某计算中心'
    """
    return "".join(c for c in surface if not c.isspace() and c not in OPEN_QUOTES + CLOSE_QUOTES + '"')


# --- candidate generators ----------------------------------------------------------------


_GLUE_CHARS = "和与向同跟对在将把被给从"
_NUMERAL_CHARS = frozenset("〇零一二三四五六七八九十百千万两")


@functools.lru_cache(maxsize=1)
def _titles() -> tuple[str, ...]:
    return tuple(sorted(set(words("titles.txt")), key=len, reverse=True))


def _tagger_cands(text: str, tagger_spans: Sequence[Span], tokens: Sequence[Token]) -> list[_Cand]:
    starts = [t.start for t in tokens]
    out = []
    titles = _titles()
    for s in tagger_spans:
        # a leading function character glued to a foreign name (和普京, 向尼尼斯托)
        if s.label == "PER" and len(s.text) >= 3 and s.text[0] in _GLUE_CHARS:
            s = Span(s.start + 1, s.end, s.label, s.text[1:])
        # digits or Latin letters glued to a Chinese name (韩正1)
        if s.label == "PER":
            a, b = 0, len(s.text)
            while a < b and s.text[a].isascii():
                a += 1
            while b > a and s.text[b - 1].isascii():
                b -= 1
            if (a, b) != (0, len(s.text)):
                if b - a < 2:
                    continue
                s = Span(s.start + a, s.start + b, s.label, s.text[a:b])
        if s.label == "PER" and s.text in _title_set():
            continue  # a job title tagged as a person (CEO)
        # an organisation followed by a job title (…政治局常委)
        if s.label == "ORG":
            t = next((t for t in titles if s.text.endswith(t) and len(s.text) - len(t) >= 2), None)
            if t is not None:
                s = Span(s.start, s.end - len(t), s.label, s.text[: -len(t)])
        lo = bisect.bisect_left(starts, s.start)
        hi = bisect.bisect_left(starts, s.end)
        inside = [t for t in tokens[lo:hi] if t.end <= s.end]
        if inside and inside[0].start == s.start and any(
            t.text in _stop_tokens() or (t.tag in ("v", "p", "d", "l", "i") and len(t.text) > 1) for t in inside
        ) and not _named_company(s, inside):
            continue  # a span holding a function word or a verb (成为…, …依托…) is a tagging slip
        if s.label in ("LOC", "ORG") and len(inside) == 1 and inside[0].start == s.start and inside[0].end == s.end \
                and inside[0].tag not in PROPER_TAGS and inside[0].tag not in ("nt", "nr", "nrfg") \
                and not (s.label == "ORG" and _named_by_suffix(s.text)):
            continue  # one common word (泉水/n, 海纳百川/i) is not a place or an organisation (横店集团/n is)
        label = TAGGER_TYPES.get(s.label, s.label)
        name = clean_name(s.text)
        if label == "ORG":
            label = type_by_suffix(name, "ORG")
        if len(name) >= 2:
            out.append(_Cand(s.start, s.end, label, name, 1))
    return out


def _named_company(s: Span, inside: Sequence[Token]) -> bool:
    """A tagged organisation ending in a suffix whose verb-like words are inside the name, not
    at its edge (许昌育新温室大棚有限公司, 成都高新实验中学: 育新/v, 高新/d are name parts)."""
    return (
        s.label == "ORG" and _named_by_suffix(s.text) and len(inside) >= 3
        and not any(t.text in _stop_tokens() or t.tag in ("p", "c", "u") for t in inside)
        and inside[0].tag not in ("v", "p", "d", "l", "i")
    )


def _named_by_suffix(name: str) -> bool:
    """A name of at least two characters before an organisation suffix (横店集团, not 大集团)."""
    suffix = longest_suffix(name)
    return suffix is not None and len(name) - len(suffix) >= 2


@functools.lru_cache(maxsize=1)
def _title_set() -> frozenset[str]:
    return frozenset(_titles())


@functools.lru_cache(maxsize=1)
def _title_heads() -> dict[str, tuple[str, ...]]:
    """Head (two or more characters) -> rests of the titles it opens (党委 -> 书记, 副书记)."""
    out: dict[str, list[str]] = {}
    for t in _titles():
        for k in range(2, len(t) - 1):
            out.setdefault(t[:k], []).append(t[k:])
    return {h: tuple(r) for h, r in out.items()}


def _cut_title_head(text: str, c: _Cand) -> _Cand:
    """An organisation name that swallowed a job title (…政治局常委), the head of the title after
    it (兴业银行党委 + 书记: the title is 党委书记 at 兴业银行) or a word for its part
    (…有限公司总部), without it."""
    t = next((t for t in _titles() if c.name.endswith(t) and len(c.name) - len(t) >= 2 and text[c.start : c.end].endswith(t)), None)
    if t is not None:  # a job title at the end (中共中央政治局常委: 政治局常委 at 中共中央)
        return _Cand(c.start, c.end - len(t), c.label, c.name[: -len(t)], c.prio)
    for w in words("org_part_words.txt"):
        if c.name.endswith(w) and text[c.start : c.end].endswith(w) and longest_suffix(c.name[: -len(w)]):
            return _Cand(c.start, c.end - len(w), c.label, c.name[: -len(w)], c.prio)
    heads = _title_heads()
    for k in range(2, 5):
        rests = heads.get(text[c.end - k : c.end]) if c.end - c.start - k >= 2 else None
        if rests and any(text.startswith(r, c.end) for r in rests) and c.name.endswith(text[c.end - k : c.end]):
            return _Cand(c.start, c.end - k, c.label, c.name[:-k], c.prio)
    return c


@functools.lru_cache(maxsize=1)
def _gazetteer_heads() -> frozenset[str]:
    return frozenset(name[:1] for name in org_gazetteer())


def _gazetteer_cands(tokens: Sequence[Token]) -> list[_Cand]:
    gaz = org_gazetteer()
    heads = _gazetteer_heads()
    out = []
    n = len(tokens)
    for i in range(n):
        if tokens[i].text[:1] not in heads:
            continue
        acc = ""
        for j in range(i, min(n, i + 6)):
            acc += tokens[j].text
            if len(acc) > 20:
                break
            if acc in gaz:
                out.append(_Cand(tokens[i].start, tokens[j].end, gaz[acc], acc, 3))
    return out


def _suffix_token(tok: Token) -> str | None:
    """The org suffix a token ends with, if the token can end a name."""
    s = longest_suffix(tok.text)
    if tok.tag == "nt":
        return s
    if s is None:
        return None
    if len(s) == 1 and tok.text != s:
        return None
    if tok.text != s and tok.tag[0] in "vadpcurm":
        return None
    return s


def _suffix_at(text: str, tokens: Sequence[Token], i: int, starts: frozenset[int]) -> str | None:
    """The longest suffix ending at token i: inside the token, or made of whole tokens
    (国际 + 站)."""
    tok = tokens[i]
    if tok.text[-1] not in _suffix_last_chars():
        return None
    table = org_suffixes()
    for n in _suffix_lengths():
        if n <= len(tok.text):
            continue
        s = text[tok.end - n : tok.end]
        if s in table and tok.end - n in starts:
            return s
    return _suffix_token(tok)


@functools.lru_cache(maxsize=1)
def _local_suffixes() -> frozenset[str]:
    return frozenset(words("local_org_suffixes.txt"))


def _is_numeral_name_part(tokens: Sequence[Token], k: int) -> bool:
    """A Chinese numeral that is part of a name (三一重工), not a count (三家)."""
    if tokens[k].tag != "m" or tokens[k].text.isascii():
        return False
    while k < len(tokens) and tokens[k].tag == "m" and not tokens[k].text.isascii():
        k += 1
    return k < len(tokens) and tokens[k].tag != "q"


def _stops(tokens: Sequence[Token], k: int, i: int, suffix: str) -> bool:
    """Does token k end a name that ends at token i with ``suffix`` (walking left)?"""
    t = tokens[k]
    if t.text in CONJUNCTIONS:
        # X与Y研究所 stays one name unless X or Y is itself a complete name (an org or a place)
        if k == 0 or _stops_plain(tokens[k - 1]):
            return True
        if k + 1 < i and tokens[k + 1].tag in ("nt", "j", "ns", "nz", "nrt"):
            return True
        prev = tokens[k - 1]
        return _suffix_token(prev) is not None or prev.tag == "ns"
    if t.tag.startswith("v") and t.tag != "vn":
        # verbs only in a run right before the suffix: 开放创新平台, not 实现工业互联网平台
        return tokens[i].text != suffix or not all(x.tag.startswith("v") for x in tokens[k + 1 : i])
    if t.tag == "ns" and t.text.endswith(ZONE_SUFFIXES + COUNTY_SUFFIXES) and suffix not in _local_suffixes():
        return True
    return _stops_plain(t) or (t.tag == "q" and k > 0 and tokens[k - 1].tag == "m")


def _stops_plain(t: Token) -> bool:
    if t.text in _stop_tokens() or t.text in _titles() or t.text.endswith(ZONE_SUFFIXES):
        return True
    if t.tag == "m":  # 三一 may open a name; 2023, 一家, 首个 do not
        return t.text.isascii() or not all(c in _NUMERAL_CHARS for c in t.text)
    if t.tag == "w":
        return True
    if t.tag == "a":  # 大/新/高 open compounds (大数据平台); 重要/良好 are predicates
        return len(t.text) > 1
    if t.tag == "f":  # 西部/东部 open names (西部数据中心); 上/中/内 end them
        return len(t.text) == 1
    if t.tag == "t":  # 近日/下午 end names; 新一代 does not
        return len(t.text) < 3
    return t.tag in STOP_TAGS


def _proper(tokens: Sequence[Token], lo: int, hi: int, label: str = "ORG") -> bool:
    """Does tokens[lo:hi] contain a proper-name part (OOV, place, org, English, name-like
    numeral)? For platforms a place alone does not make a name proper."""
    for k in range(lo, hi):
        t = tokens[k]
        if t.tag == "ns" and label == "PLATFORM":
            continue
        if t.tag in PROPER_TAGS or t.tag == "nt" or (k == lo and _is_numeral_name_part(tokens, k)):
            return True
    return False


def _walk_left(tokens: Sequence[Token], i: int, suffix: str) -> tuple[int, int | None]:
    """Index of the first token of the name ending at token i, and the offset of the opening
    quote of a quoted part crossed (“X”Y), if any."""
    j = i
    quote = None
    while j > 0:
        prev = tokens[j - 1]
        if prev.text in CLOSE_QUOTES:
            # “X”Y: take the quoted X into the name
            k = j - 2
            while k >= 0 and tokens[k].text not in OPEN_QUOTES and tokens[j - 1].start - tokens[k].start < 20:
                k -= 1
            if k >= 0 and tokens[k].text in OPEN_QUOTES and k < j - 2:
                j = k
                quote = tokens[k].start
                continue
            break
        if _stops(tokens, j - 1, i, suffix) or tokens[i].end - prev.start > MAX_NAME:
            break
        j -= 1
    return j, quote


def _suffix_cands(text: str, tokens: Sequence[Token], people: Sequence[tuple[int, int]] = ()):
    """Names ending in an org/platform/event suffix, their nested parents, quoted aliases, and
    the generic-looking names rejected (kept to recognise short forms of accepted names)."""
    table = org_suffixes()
    cands, nested, aliases, generic = [], [], [], []
    starts = frozenset(t.start for t in tokens)
    for i, tok in enumerate(tokens):
        suf = _suffix_at(text, tokens, i, starts)
        if suf is None:
            continue
        label, rel = table.get(suf, ("ORG", "part_of"))
        j, quote = _walk_left(tokens, i, suf)
        while j < i and tokens[j].text in OPEN_QUOTES + CLOSE_QUOTES:
            j += 1
        if label == "EVENT":
            # a leading year or edition: 2023年…论坛, 第十届…博览会
            if j >= 1 and _YEAR.fullmatch(text[tokens[j - 1].start : tokens[j].start]):
                j -= 1
            elif j >= 2 and _YEAR.fullmatch(text[tokens[j - 2].start : tokens[j].start]):
                j -= 2
        suffix_start = tok.end - len(suf)
        # a person's name ends the name on the left (…赵某某代表X委员会)
        cut = max((e for s0, e in people if tokens[j].start < e <= suffix_start and s0 >= tokens[j].start), default=None)
        if cut is not None:
            while j <= i and tokens[j].start < cut:
                j += 1
            if j > i:
                continue
        start, end = tokens[j].start, tok.end
        name = clean_name(text[start:end])
        if len(name) <= len(suf) and tok.tag != "nt":
            continue
        body_end = next((k for k in range(j, i + 1) if tokens[k].end > suffix_start), i)
        has_year = label == "EVENT" and bool(_YEAR.match(name))
        if not (quote is not None or has_year or tok.tag == "nt" or _proper(tokens, j, body_end + (tokens[body_end].start < suffix_start), label)):
            if body_end - j >= 2 and label in ("ORG", "PLATFORM"):
                generic.append(_Cand(start, end, label, name, 2))
            continue
        cand = _Cand(start, end, label, name, 2)
        cands.append(cand)
        if quote is not None and label in ("ORG", "PLATFORM"):
            close = text.find(CLOSE_QUOTES[OPEN_QUOTES.index(text[quote])], quote)
            inner = clean_name(text[quote + 1 : close])
            if 2 <= len(inner) < len(name):
                aliases.append((cand, inner))
        # nested parents: X研究院 inside X研究院Y研究所, also inside one dictionary word
        for n in range(3, len(tok.text) - 1):
            head = tok.text[:n]
            if (dictionary_tag(head) == "nt" or head in org_gazetteer()) and longest_suffix(head) and j == i:
                nested.append((cand, rel, _Cand(tok.start, tok.start + n, "ORG", head, 2)))
        for k in range(j, i):
            psuf = tokens[k].text if len(tokens[k].text) > 1 and tokens[k].text in table else _suffix_token(tokens[k])
            if psuf is None or table.get(psuf, ("ORG",))[0] != "ORG":
                continue
            pname = clean_name(text[start : tokens[k].end])
            if len(pname) > len(psuf) and (tokens[k].tag == "nt" or _proper(tokens, j, k + (tokens[k].text != psuf))):
                parent = _Cand(start, tokens[k].end, "ORG", pname, 2)
                nested.append((cand, rel, parent))
    return cands, nested, aliases, generic


@functools.lru_cache(maxsize=1)
def _media_suffixes() -> tuple[str, ...]:
    return words("media_suffixes.txt")


def _work_cands(text: str) -> list[_Cand]:
    out = []
    for m in _WORK.finditer(text):
        inner = clean_name(m.group(1))
        if not inner:
            continue
        label = "ORG" if inner.endswith(_media_suffixes()) else "WORK"
        out.append(_Cand(m.start(1), m.end(1), label, inner, 4))
    return out


# --- overlap policy -----------------------------------------------------------------------


def longest_wins(cands: Sequence[_Cand]) -> list[_Cand]:
    """Keep non-overlapping candidates, longest first, then by priority, then leftmost
    (spaCy's ``filter_spans`` policy)."""
    if not cands:
        return []
    taken = bytearray(max(c.end for c in cands) + 1)
    kept = []
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), -c.prio, c.start)):
        if any(taken[c.start : c.end]):
            continue
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
        kept.append(c)
    return sorted(kept, key=lambda c: (c.start, c.end))


def _span(c: _Cand) -> Span:
    return Span(c.start, c.end, c.label, "", name=c.name)


def find_entities(
    text: str,
    *,
    tokens: Sequence[Token] | None = None,
    tagger_spans: Sequence[Span] | None = None,
    policy: Callable[[Sequence[_Cand]], list[_Cand]] = longest_wins,
) -> EntityLayer:
    """Entity spans of ``text`` with their canonical-looking names (``Span.name``), nested
    parents, structural links and quoted aliases.

    :param tokens: segmentation of ``text`` (default: :func:`extract.segment.tokenize`)
    :param tagger_spans: PER/LOC/ORG spans from the statistical tagger (default: none)
    :param policy: how overlapping candidates are settled (default :func:`longest_wins`)

    >>> layer = find_entities("华东理工大学经济学院副院长王小明表示，")
    >>> [(s.text, s.label) for s in layer.spans]
    [('华东理工大学经济学院', 'ORG'), ('华东理工大学', 'ORG'), ('王小明', 'PERSON')]
    """
    from extract.patterns import agent_org_cands, person_cands, title_org_cands

    tokens = list(tokens) if tokens is not None else tokenize(text)
    cands: list[_Cand] = []
    cands += _tagger_cands(text, tagger_spans or (), tokens)
    cands += _gazetteer_cands(tokens)
    tok_at = {(t.start, t.end): t for t in tokens}
    people = [
        (c.start, c.end) for c in cands
        if c.label == "PERSON" and getattr(tok_at.get((c.start, c.end)), "tag", "?") not in ("nrt", "nt", "nz", "j", "ns")
    ]
    named = person_cands(text)
    people += [(s0, e) for s0, e, _ in named]
    suffix, nested, quoted, generic = _suffix_cands(text, tokens, people)
    cands += suffix
    cands += _short_forms(text, suffix, generic)
    cands += _work_cands(text)
    cands += [_Cand(s0, e, "ORG", n, 1) for s0, e, n in agent_org_cands(text, tokens)]
    cands += [_Cand(s0, e, type_by_suffix(n, "ORG"), n, 1) for s0, e, n in title_org_cands(text, tokens, people)]
    cands += [_Cand(s, e, "PERSON", n, 5) for s, e, n in named]
    places, place_links = place_spans(text, tokens)
    rule_places = [_Cand(s, e, "PLACE", n, p) for s, e, n, p in places]
    cands = [c for c in cands if not (c.label == "PLACE" and c.prio == 1 and len(c.name) > 3 and _tiled(c, rule_places))]
    cands += rule_places
    cands = [_cut_title_head(text, c) if c.label == "ORG" else c for c in cands]
    cands = [c for c in cands if text[c.start : c.end].strip() and len(c.name) >= 2]
    sure = [c for c in cands if c.prio >= 4]
    cands = [c for c in cands if c.prio >= 4 or not any(c.start < s.end and s.start < c.end and (c.start, c.end) != (s.start, s.end) for s in sure)]
    kept = policy(cands)

    links: list[Link] = []
    aliases: list[tuple[Span, str]] = []
    nested_spans: dict[tuple[int, int], _Cand] = {}
    # operates: a platform name that starts with a known organisation (XY平台 -> X operates Y)
    orgs = {(c.start, c.end): c for c in cands if c.label == "ORG"}
    quoted_keys = {(cand.start, cand.end) for cand, _ in quoted}
    final: list[_Cand] = []
    for c in kept:
        # a quoted name (“X”中心) is the platform's own name, not an operator plus a platform
        if c.label == "PLATFORM" and (c.start, c.end) not in quoted_keys:
            split = max((o for (s, e), o in orgs.items() if s == c.start and e < c.end - 2), key=lambda o: o.end, default=None)
            if split is not None:
                rest = _Cand(split.end, c.end, "PLATFORM", clean_name(text[split.end : c.end]), c.prio)
                final += [split, rest]
                links.append(Link(_text_span(text, split), "operates", _text_span(text, rest)))
                aliases.append((_text_span(text, rest), c.name))
                continue
        final.append(c)

    # administrative chains (河北省邯郸市永年区): one mention of the most specific place, the
    # higher levels nested inside it, part_of links between them
    parent_of = {c[:2]: p for c, p, nested in place_links if not nested}
    merged: list[_Cand] = []
    rep: dict[tuple[int, int], _Cand] = {}
    for c in final:
        prev = merged[-1] if merged else None
        if (
            prev is not None and c.label == "PLACE" and prev.label == "PLACE" and prev.end == c.start
            and parent_of.get((c.start, c.end), (None, None))[:2] == rep.get((prev.start, prev.end), prev)._key_last()
        ):
            last = rep.get((prev.start, prev.end), prev)
            whole = _Cand(prev.start, c.end, "PLACE", c.name, max(prev.prio, c.prio))
            nested_spans[(last.start, last.end)] = last
            links.append(Link(_text_span(text, c), "part_of", _text_span(text, last)))
            merged[-1] = whole
            rep[(whole.start, whole.end)] = c
            continue
        merged.append(c)
    final = merged
    # links that name the most specific place of a chain point at the chain's mention
    whole_of = {(p.start, p.end): w for w in final for p in [rep.get((w.start, w.end))] if p is not None}

    def _redirect(span: Span) -> Span:
        w = whole_of.get((span.start, span.end))
        return _text_span(text, w) if w is not None else span

    remap_links = lambda: [Link(_redirect(l.head), l.relation, _redirect(l.tail)) for l in links]  # noqa: E731

    kept_keys = {(c.start, c.end) for c in final}
    by_key = {(c.start, c.end): c for c in final}
    for child, rel, parent in nested:
        if (child.start, child.end) not in kept_keys:
            continue
        key = (parent.start, parent.end)
        if key not in kept_keys:
            nested_spans.setdefault(key, parent)
        p, ch = _text_span(text, by_key.get(key, parent)), _text_span(text, child)
        links.append(Link(p, "owns", ch) if rel == "owns" else Link(ch, "part_of", p))
    for (cs, ce, cn), (ps, pe, pn), nested_place in place_links:
        if not nested_place or (cs, ce) not in kept_keys:
            continue
        parent = _Cand(ps, pe, "PLACE", pn, 1)
        nested_spans.setdefault((ps, pe), parent)
        links.append(Link(_text_span(text, by_key[(cs, ce)]), "part_of", _text_span(text, parent)))
    # a known place opening an organisation's name (杭州 in 杭州X博物馆): nested mention, located_in
    places_at: dict[int, list[_Cand]] = {}
    for p in cands:
        if p.label == "PLACE":
            places_at.setdefault(p.start, []).append(p)
    for c in final:
        if c.label not in ("ORG", "PLATFORM", "EVENT"):
            continue
        inner = [p for p in places_at.get(c.start, ()) if p.prio >= 1 and p.end < c.end]
        if inner:
            p = max(inner, key=lambda p: p.end)
            nested_spans.setdefault((p.start, p.end), p)
            links.append(Link(_text_span(text, c), "located_in", _text_span(text, p)))
    for cand, alias in quoted:
        if (cand.start, cand.end) in kept_keys:
            aliases.append((_text_span(text, cand), alias))
    links = remap_links()
    spans = [_text_span(text, c) for c in final]
    spans += [_text_span(text, c) for k, c in nested_spans.items() if k not in kept_keys]
    spans.sort(key=lambda s: (s.start, -s.end))
    return EntityLayer(spans, links, aliases)


def _short_forms(text: str, accepted: Sequence[_Cand], generic: Sequence[_Cand]) -> list[_Cand]:
    """A generic-looking name that also ends an accepted name of the same type in the text is
    that thing's short form (X飞鹰工业互联网平台 … 在飞鹰工业互联网平台): its occurrences become
    mentions, and for a platform the part before it becomes the operating organisation."""
    out: list[_Cand] = []
    chosen: dict[str, _Cand] = {}
    for host in accepted:
        if host.label not in ("ORG", "PLATFORM"):
            continue
        tails = [g for g in generic if g.label == host.label and host.name.endswith(g.name) and len(host.name) - len(g.name) >= 2]
        if tails:
            best = max(tails, key=lambda g: len(g.name))
            chosen[best.name] = best
            if host.label == "PLATFORM" and text[host.end - len(best.name) : host.end] == best.name:
                split = host.end - len(best.name)
                out.append(_Cand(host.start, split, "ORG", clean_name(text[host.start : split]), 1))
    out += [g for g in generic if g.name in chosen]
    return out


def _tiled(c: _Cand, pieces: Sequence[_Cand]) -> bool:
    """Is ``c`` exactly covered by two or more of ``pieces`` laid end to end?"""
    ends: dict[int, int] = {}
    for p in pieces:
        if c.start <= p.start and p.end <= c.end:
            ends[p.start] = max(ends.get(p.start, 0), p.end)
    pos, n = c.start, 0
    while pos < c.end:
        if pos not in ends:
            return False
        pos, n = ends[pos], n + 1
    return n >= 2


def _text_span(text: str, c: _Cand) -> Span:
    return Span(c.start, c.end, c.label, text[c.start : c.end], name=c.name)
