"""Administrative places: a gazetteer of provinces, prefecture-level cities, countries and
continents (data files with their sources), jieba's place words, and county-level names
composed after a known place (河北省邯郸市永年区 -> 河北省 / 邯郸市 / 永年区, part_of links).
"""
from __future__ import annotations

import functools
from collections.abc import Sequence

from extract.lexicon import rows, words
from extract.segment import Token, word_frequency

# jieba dictionary frequency above which a "place" word after a place is a common noun
# (城市 25084, 城区 1517) rather than a district (海淀 103, 浦东 267, 永安 645)
COMMON_WORD_FREQ = 1000
ZONE_SUFFIXES = ("高新区", "开发区", "经开区", "新区", "自贸区", "示范区", "产业园", "园区")
_LEVELS = {"country": 0, "province": 1, "city": 2, "county": 3, "other": 3, "zone": 4}


@functools.lru_cache(maxsize=1)
def gazetteer() -> dict[str, tuple[str, str, str | None]]:
    """Place name (full or short form) -> (canonical full name, level, parent canonical)."""
    out: dict[str, tuple[str, str, str | None]] = {}
    ambiguous = set(words("ambiguous_place_short.txt"))
    for name in words("countries.txt"):
        out[name] = (name, "country", None)
    for full, short, cities in rows("provinces_cities.tsv", 3):
        out[full] = (full, "province", "中国")
        if short:
            out.setdefault(short, (full, "province", "中国"))
        for city in cities.split():
            out[city] = (city, "city", full)
            if city.endswith("市") and len(city) >= 3 and city[:-1] not in ambiguous:
                out.setdefault(city[:-1], (city, "city", full))
    for alias, canonical in rows("place_aliases.tsv", 2):
        out[alias] = (canonical, "country", None)
    return out


@functools.lru_cache(maxsize=1)
def _heads() -> frozenset[str]:
    return frozenset(name[:1] for name in gazetteer())


def canonical_place(name: str) -> str:
    """The full form of a known place name (北京 -> 北京市), else the name itself.

    >>> canonical_place("河北"), canonical_place("邯郸"), canonical_place("某某县")
    ('河北省', '邯郸市', '某某县')
    """
    hit = gazetteer().get(name)
    return hit[0] if hit else name


@functools.lru_cache(maxsize=1)
def _place_suffixes() -> tuple[str, ...]:
    return tuple(sorted(words("place_suffixes.txt"), key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def _stop() -> frozenset[str]:
    return frozenset(words("stop_tokens.txt"))


def _county_after(tokens: Sequence[Token], j: int) -> int | None:
    """If tokens j.. form a county-level name (1-3 tokens ending in a place suffix), the index
    of its last token."""
    for k in range(j, min(len(tokens), j + 3)):
        t = tokens[k]
        if t.tag == "w" or t.text in _stop() or (t.tag.startswith("v") and t.tag != "vn"):
            return None
        name = "".join(x.text for x in tokens[j : k + 1])
        suf = next((s for s in _place_suffixes() if name.endswith(s)), None)
        if suf is None:
            continue
        if name.endswith(ZONE_SUFFIXES) or (t.text == suf and len(name) > len(suf)):
            return k
        if t.text != suf and len(name) >= 3 and (t.tag in ("ns", "?") or t.text.endswith(ZONE_SUFFIXES)):
            return k
        return None
    return None


def _split_token(t: Token):
    """A single dictionary word made of a known place and a county-level name
    (上海市浦东新区 -> 上海市 + 浦东新区), as two ``(start, end, name, level)``."""
    if t.tag != "ns" or t.text in gazetteer():
        return None
    for n in range(len(t.text) - 2, 1, -1):
        head, rest = t.text[:n], t.text[n:]
        if head in gazetteer() and rest.endswith(_place_suffixes()):
            return (t.start, t.start + n, head, gazetteer()[head][1]), (t.start + n, t.end, rest, "county")
    return None


def place_spans(text: str, tokens: Sequence[Token]):
    """PLACE candidates ``(start, end, name, priority)`` and part_of links
    ``((child start, end, name), (parent start, end, name), nested)``.

    >>> from extract.segment import tokenize
    >>> t = "江西省抚州市崇仁县高新区"
    >>> spans, links = place_spans(t, tokenize(t))
    >>> sorted({(n, p) for s, e, n, p in spans})
    [('崇仁县', 3), ('崇仁县高新区', 3), ('抚州市', 3), ('江西省', 3)]
    >>> [(c[2], p[2]) for c, p, nested in links]
    [('抚州市', '江西省'), ('崇仁县', '抚州市'), ('崇仁县高新区', '崇仁县')]
    """
    gaz = gazetteer()
    heads = _heads()
    spans: list = []
    links: list = []
    n = len(tokens)
    prev = None  # (start, end, name, level, index of its last token)
    i = 0
    while i < n:
        hit = None
        acc = ""
        if tokens[i].text[:1] in heads:
            for j in range(i, min(n, i + 4)):
                acc += tokens[j].text
                if acc in gaz:
                    hit = (j, acc)
        split = _split_token(tokens[i]) if hit is None else None
        if split is not None:
            (a, b) = split
            spans.extend([(*a[:3], 3), (*b[:3], 3)])
            links.append((b[:3], a[:3], False))
            prev = (*b, i)
            i += 1
            continue
        adjacent = prev is not None and prev[4] == i - 1 and prev[3] in ("province", "city", "county", "other")
        cur = None
        if hit is not None:
            j, name = hit
            cur = (tokens[i].start, tokens[j].end, name, gaz[name][1], j)
            prio = 3
        elif adjacent and (k := _county_after(tokens, i)) is not None:
            name = "".join(x.text for x in tokens[i : k + 1])
            if name.endswith(ZONE_SUFFIXES) and not any(x.tag in ("ns", "?") for x in tokens[i : k + 1]):
                # a generic zone (高新区) is named with its parent: 崇仁县高新区
                zone = (prev[0], tokens[k].end, prev[2] + name)
                spans.append((*zone, 3))
                links.append((zone, prev[:3], True))
                prev = None
                i = k + 1
                continue
            cur = (tokens[i].start, tokens[k].end, name, "county", k)
            prio = 3
        elif tokens[i].tag == "ns" and tokens[i].text not in _stop() and (
            (adjacent and word_frequency(tokens[i].text) < COMMON_WORD_FREQ)
            or (len(tokens[i].text) >= 3 and tokens[i].text.endswith(_place_suffixes()))
        ):
            # jieba's place words are noisy (嘉宾/ns): only after a known place (北京海淀) or
            # with an administrative ending (门头沟区)
            lvl = "county" if tokens[i].text.endswith(_place_suffixes()) else "other"
            cur = (tokens[i].start, tokens[i].end, tokens[i].text, lvl, i)
            prio = 0
        if cur is None:
            prev = None
            i += 1
            continue
        spans.append((*cur[:3], prio))
        if adjacent and _LEVELS.get(prev[3], 9) < _LEVELS.get(cur[3], 9) and prev[3] != "other":
            links.append((cur[:3], prev[:3], False))
        prev = cur
        i = cur[4] + 1
    return spans, links
