"""Newspaper patterns for people: bylines (本报X电（记者Y）), photo credits (Y摄, 新华社记者 Y摄)
and title + name + verb of saying (首席经济学家王某某表示). Titles, verbs and surnames are data.
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
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    sur = _name_re()
    name = rf"{sur}[{_CJK}]{{1,2}}?"
    byline = re.compile(rf"记者\s*((?:{name})(?:[、，,\s]\s*(?:{name}))*)(?=[）)\s、，,摄。]|$)")
    photo = re.compile(rf"(?:^|(?<=[\s）)，。；：]))({sur}\s?[{_CJK}]{{1,2}}?)\s?摄(?![{_CJK}])")
    speaker = re.compile(rf"(?:{_alt('titles.txt')})\s*({sur}[{_CJK}]{{1,2}}?)\s*(?:{_alt('speech_verbs.txt')})")
    return byline, photo, speaker


def person_cands(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, name)`` of people named by newspaper patterns; the name drops spaces.

    >>> [n for s, e, n in person_cands("本报上海电（记者王小明、李华）今天，某某研究所所长陈大同指出")]
    ['王小明', '李华', '陈大同']
    >>> [n for s, e, n in person_cands("游客在参观。 孙 强摄 （某某图片）")]
    ['孙强']
    """
    byline, photo, speaker = _patterns()
    name_re = re.compile(rf"{_name_re()}[{_CJK}]{{1,2}}")
    out = []
    for m in byline.finditer(text):
        for n in name_re.finditer(text, m.start(1), m.end(1)):
            out.append((n.start(), n.end(), n.group()))
    for rx in (photo, speaker):
        for m in rx.finditer(text):
            out.append((m.start(1), m.end(1), "".join(m.group(1).split())))
    return out
