"""Numbers as written in Chinese news: Arabic (2486.3, 1,234), Chinese (三千五百万, 十), mixed
(1.36万亿), and a whitespace-free view of a text that maps back to the original offsets.

>>> parse_number("2,486.3")
Decimal('2486.3')
>>> parse_number("三千五百")
Decimal('3500')
>>> parse_number("十")
Decimal('10')
"""
from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from corpus.errors import ExtractError

DATA = Path(__file__).parent / "data"

_FULLWIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")


@functools.cache
def cn_numerals() -> dict[str, tuple[int, str]]:
    """Chinese numeral characters from ``data/cn_numerals.tsv``: char -> (value, digit|unit)."""
    table: dict[str, tuple[int, str]] = {}
    path = DATA / "cn_numerals.tsv"
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[2] not in ("digit", "unit"):
            raise ExtractError("expected 'char<TAB>value<TAB>digit|unit'", path=str(path), line=lineno)
        table[parts[0]] = (int(parts[1]), parts[2])
    return table


_SPACE_RE = re.compile(r"\s")


def compact(text: str) -> tuple[str, list[int]]:
    """Drop whitespace (except between two ASCII letters/digits) and fold full-width digits;
    return the compact text and, for each of its characters, the offset in ``text``.

    >>> c, idx = compact("50 余 家\\n单位 AI 2")
    >>> c, idx[2]
    ('50余家单位AI 2', 3)
    """
    if not _SPACE_RE.search(text):  # most sentences: nothing to drop
        return text.translate(_FULLWIDTH), list(range(len(text)))
    chars: list[str] = []
    index: list[int] = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch.isspace():
            prev = chars[-1] if chars else ""
            j = i + 1
            while j < n and text[j].isspace():
                j += 1
            nxt = text[j] if j < n else ""
            if prev and nxt and prev.isascii() and prev.isalnum() and nxt.isascii() and nxt.isalnum():
                if not chars[-1] == " ":
                    chars.append(" ")
                    index.append(i)
            continue
        chars.append(ch)
        index.append(i)
    return "".join(chars).translate(_FULLWIDTH), index


def parse_cn_integer(s: str) -> Decimal:
    """Value of a Chinese numeral (三千五百万, 十二, 两, 一百零五, 二〇二三 digit by digit).

    >>> parse_cn_integer("一百零五"), parse_cn_integer("三千五百万"), parse_cn_integer("十余"[:1])
    (Decimal('105'), Decimal('35000000'), Decimal('10'))
    """
    table = cn_numerals()
    if s and all(table[c][1] == "digit" for c in s):  # 二〇二三 / 五
        return Decimal("".join(str(table[c][0]) for c in s))
    total = 0  # completed 亿 groups
    section = 0  # completed 万 group inside the current 亿 group
    current = 0  # value below 万
    digit: int | None = None
    for ch in s:
        value, kind = table[ch]
        if kind == "digit":
            digit = value
            continue
        if value == 100000000:
            total = (total + section + current + (digit or 0)) * value
            section = current = 0
        elif value == 10000:
            section = (section + current + (digit or 0)) * value
            current = 0
        else:
            current += (1 if digit is None else digit) * value
        digit = None
    return Decimal(total + section + current + (digit or 0))


def parse_number(s: str) -> Decimal:
    """Value of an Arabic (with thousands commas) or Chinese numeral as written.

    :raises ValueError: when ``s`` is not a number.
    >>> parse_number("12.30")
    Decimal('12.30')
    """
    s = s.translate(_FULLWIDTH).replace(",", "")
    if s and s[0] in cn_numerals():
        return parse_cn_integer(s)
    try:
        return Decimal(s)
    except InvalidOperation as e:
        raise ValueError(f"not a number: {s!r}") from e


ARABIC = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
CN_DIGITS = "零〇一二两三四五六七八九"
CHINESE = rf"[{CN_DIGITS}十][{CN_DIGITS}十百千万亿]*"
NUMBER_RE = re.compile(rf"(?:{ARABIC})|(?:{CHINESE})")
HAS_NUMBER_RE = re.compile(rf"[0-9０-９]|[{CN_DIGITS}十][{CN_DIGITS}十百千万亿余多成半个家]|(?:至少|约|近|超过|多达)[{CN_DIGITS}]")
