"""The periods a question asks, with the ones written without a year (上半年, 前三季度, 11月份,
今年上半年) kept as they are written, to be read against each figure's own story date (the
newest data the graph holds for them) instead of being dropped: a question about 上半年 must
not be answered with the whole year's figure. The grammar is :mod:`extract.periods`."""
from __future__ import annotations

import functools
import re

from extract.periods import REL_YEARS, find_periods
from kg.qa_parse import Period, parse_periods

#: prefix of a period value that is read against a figure's story date (@上半年)
RELATIVE = "@"
#: a period value with its year (2023, 2023H1, 2023-01/2023-10); 1-10月 has none
_YEAR = re.compile(r"\d{4}")


def asked_periods(text: str) -> list[Period]:
    """:func:`kg.qa_parse.parse_periods`, plus the periods it leaves out for want of a year,
    as ``@<words>``.

    >>> [p.value for p in asked_periods("上半年中欧班列开行了多少列")]
    ['@上半年']
    >>> [p.value for p in asked_periods("2023年上半年深圳进出口")]
    ['2023H1']
    >>> [p.value for p in asked_periods("1-10月汽车出口")]
    ['@1-10月']
    """
    out = parse_periods(text)
    for mark in find_periods(text, None):
        value = (mark.period or "").removeprefix("as_of:")
        if not value or _YEAR.match(value) or value in REL_YEARS:
            continue
        if mark.kind == "since":
            continue
        surface = text[mark.start:mark.end]
        out = [p for p in out if not (p.start < mark.end and mark.start < p.end)]
        out.append(Period(RELATIVE + surface, mark.start, mark.end, surface))
    return sorted(out, key=lambda p: p.start)


@functools.lru_cache(maxsize=4096)
def resolve(asked: str, date: str | None) -> str | None:
    """The period ``@<words>`` means in a story of ``date`` (None when it cannot be read).

    >>> resolve("@上半年", "2023-07-20"), resolve("@11月份", "2020-12-07")
    ('2023H1', '2020-11')
    """
    if not date:
        return None
    marks = find_periods(asked[len(RELATIVE):], date)
    value = marks[0].period if marks else None
    return value if value and _YEAR.match(value.removeprefix("as_of:")) else None
