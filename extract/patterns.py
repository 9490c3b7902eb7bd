"""Newspaper patterns for people: bylines (本报X电（记者Y）), photo credits (Y摄, 新华社记者 Y摄),
title + name + verb of saying or a list mark (首席经济学家王某某表示, 董事长王某、) and a biography
opening with the name (王某某，1968年生). Titles, verbs and surnames are data.
"""
from __future__ import annotations

import functools
import re

from extract.lexicon import words

_CJK = "\u4e00-\u9fff"


@functools.lru_cache(maxsize=1)
def _name_re() -> str:
    names = words("surnames.txt")
    compound = "|".join(sorted((s for s in names if len(s) > 1), key=len, reverse=True))
    single = "".join(s for s in names if len(s) == 1)
    return rf"(?:{compound}|[{single}])"


def _alt(name: str) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words(name)), key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    sur = _name_re()
    name = rf"{sur}[{_CJK}]{{1,2}}?"
    byline = re.compile(rf"记者\s*((?:{name})(?:[、，,\s]\s*(?:{name}))*)(?=[）)\s、，,摄。]|$)")
    photo = re.compile(rf"(?:^|(?<=[\s）)，。；：]))({sur}\s?[{_CJK}]{{1,2}}?)\s?摄(?![{_CJK}])")
    speaker = re.compile(rf"(?:{_alt('titles.txt')})\s*({sur}[{_CJK}]{{1,2}}?)\s*(?:{_alt('speech_verbs.txt')}|[、，,：:]|等|先生|女士|同志)")
    # a biography opening with the name: 陈某某，1968年12月出生 / 王某，男，汉族
    bio = re.compile(rf"(?:^|(?<=[。；\n]))({sur}[{_CJK}]{{1,2}}?)[，,（(](?=[^。]{{0,6}}(?:男|女|汉族|出生|生于|\d{{4}}年))")
    return byline, photo, speaker, bio


def person_cands(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, name)`` of people named by newspaper patterns; the name drops spaces.

    >>> [n for s, e, n in person_cands("本报上海电（记者王小明、李华）今天，某某研究所所长陈大同指出")]
    ['王小明', '李华', '陈大同']
    >>> [n for s, e, n in person_cands("游客在参观。 孙 强摄 （某某图片）")]
    ['孙强']
    >>> [n for s, e, n in person_cands("陈大同，1968年生，某某公司董事长、总经理周小川等出席")]
    ['周小川', '陈大同']
    """
    byline, photo, speaker, bio = _patterns()
    name_re = re.compile(rf"{_name_re()}[{_CJK}]{{1,2}}")
    out = []
    for m in byline.finditer(text):
        for n in name_re.finditer(text, m.start(1), m.end(1)):
            out.append((n.start(), n.end(), n.group()))
    for rx in (photo, speaker, bio):
        for m in rx.finditer(text):
            out.append((m.start(1), m.end(1), "".join(m.group(1).split())))
    return list(dict.fromkeys(out))


def agent_org_cands(text: str, tokens) -> list[tuple[int, int, str]]:
    """Organisations named as the agent of building something: 由X打造的, or after a category
    noun ending in an organisation/platform suffix (…平台X打造的). ``(start, end, name)``.

    >>> from extract.segment import tokenize
    >>> t = "这一系统由星河智联研发的算法驱动。"
    >>> [n for s, e, n in agent_org_cands(t, tokenize(t))]
    ['星河智联']
    """
    from extract.entities import _stops_plain, _suffix_token

    verbs = set(words("agent_verbs.txt"))
    out = []
    for i, tok in enumerate(tokens):
        if tok.text not in verbs or i + 1 >= len(tokens) or tokens[i + 1].text != "的":
            continue
        j = i
        while j > 0 and i - j < 3:
            prev = tokens[j - 1]
            if prev.text == "由" or _suffix_token(prev) is not None or _stops_plain(prev) and not prev.tag.startswith("v"):
                break
            j -= 1
        if j == i or j == 0:
            continue
        left = tokens[j - 1]
        if left.text != "由" and _suffix_token(left) is None:
            continue
        start, end = tokens[j].start, tokens[i - 1].end
        name = text[start:end]
        if 2 <= len(name) <= 8 and all(c.isalnum() for c in name):
            out.append((start, end, name))
    return out


_TITLE_PREFIXES = frozenset({"副", "常务", "执行", "名誉", "代理", "原", "前", "首任", "时任", "现任"})


def title_org_cands(text: str, tokens, people=()) -> list[tuple[int, int, str]]:
    """Organisations named right before the title of their head (翼龙贷网董事长, 大连海洋大学校长;
    titles in ``org_head_titles.txt``): up to four tokens walked left from the title, stopping at
    punctuation, function words, verbs, numbers and people, kept when they end in an
    organisation suffix or hold a proper-name part and three characters (not 及前董事长).
    ``(start, end, name)``.

    >>> from extract.segment import tokenize
    >>> t = "昨天，翼龙贷网董事长发表讲话。"
    >>> [n for s, e, n in title_org_cands(t, tokenize(t))]
    ['翼龙贷网']
    >>> t = "天津音乐学院副院长方建军"
    >>> [n for s, e, n in title_org_cands(t, tokenize(t))]
    []
    """
    from extract.entities import PROPER_TAGS, STOP_TAGS, _stops_plain, longest_suffix

    heads = set(words("org_head_titles.txt"))
    out = []
    for i, tok in enumerate(tokens):
        if tok.text not in heads or i == 0:
            continue
        j = i
        while j > 0 and i - j < 4:
            prev = tokens[j - 1]
            if _stops_plain(prev) or prev.tag in STOP_TAGS or prev.tag in ("m", "t", "nr", "nrfg", "q", "b") \
                    or prev.text in _TITLE_PREFIXES \
                    or any(s <= prev.start < e for s, e in people):
                break
            j -= 1
        if j == i:
            continue
        start, end = tokens[j].start, tokens[i - 1].end
        name = text[start:end]
        proper = any(t.tag in PROPER_TAGS and t.tag != "ns" for t in tokens[j:i])
        suffix = longest_suffix(name)
        if 2 <= len(name) <= 12 and all(c.isalnum() for c in name) and ((proper and len(name) >= 3) or (suffix and len(name) > len(suffix))):
            out.append((start, end, name))
    return out
