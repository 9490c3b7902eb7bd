"""Time expressions that give a figure its period: years (2022年), ranges (2019年至2022年),
half-years and quarters (上半年, 第三季度), months, as-of dates (截至6月底), target years
(到2025年), and relative years (今年, 去年) resolved from the article date when it is known.

>>> [(p.period, p.kind) for p in find_periods("2023年上半年，同比增长", "2023-09-01")]
[('2023H1', 'point')]
>>> [p.period for p in find_periods("今年6月上线", None)]
['今年6月']
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

YEAR = r"(?:19|20)\d\d"
REL_YEARS = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}
REL = "|".join(REL_YEARS)
CN_Q = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _sub(p: str) -> str:
    """Pattern of a part of a year, group names prefixed with ``p``."""
    return (
        rf"(?P<{p}sub>上半年|下半年|前三季度|全年|(?:第)?(?P<{p}q>[一二三四1-4])季度"
        rf"|前(?P<{p}fm>\d{{1,2}}|[一二两三四五六七八九十]{{1,2}})个月"
        rf"|(?P<{p}m1>\d{{1,2}})(?:至|到|—|－|-|~|～)(?P<{p}m2>\d{{1,2}})月(?:份)?"
        rf"|(?P<{p}m>\d{{1,2}})月(?:份)?(?:(?P<{p}d>\d{{1,2}})日)?(?P<{p}end>底|末)?)"
    )


PERIOD_RE = re.compile(
    "|".join(
        [
            rf"(?P<range>(?P<y1>{YEAR})年?(?:至|到|—|－|-|~|～)(?P<y2>{YEAR})年)",
            rf"(?P<asof>(?:截至|截止到|截止|截至到)(?:目前|现在|当前|今天|发稿时|(?:(?P<ay>{YEAR})年|(?P<ar>{REL}))?"
            rf"(?:(?P<am>\d{{1,2}})月(?:(?P<ad>\d{{1,2}})日)?)?(?P<aend>底|末)?))",
            rf"(?P<target>(?:到|至)(?P<ty>{YEAR})年(?P<tend>底|末)?|(?P<ty2>{YEAR})年(?:前|底前))",
            rf"(?P<since>(?P<sy>{YEAR})年以来)",
            rf"(?P<point>(?:(?P<y>{YEAR})(?:财年|年度|年)|(?P<r>{REL}))(?:{_sub('p')})?)",
            rf"(?P<bare>(?<![\d年]){_sub('b')})",
            r"(?P<reset>目前|当前|现阶段|截至目前)",
        ]
    )
)
COMPARISON_RE = re.compile(r"(?:比|较|与|同|相比|相较|对比)$")


@dataclass(frozen=True)
class PeriodMark:
    """A time expression in a compact sentence: ``[start, end)`` offsets into it, the period
    string (None for 目前), and its kind: point | range | as_of | target | since | reset."""

    start: int
    end: int
    period: str | None
    kind: str
    start_period: str | None = None  # for ranges: the first year
    end_period: str | None = None  # for ranges: the last year


def article_year(date: str | None) -> int | None:
    """Year of an article date written YYYY, YYYY-MM, YYYY-MM-DD or YYYYMMDD.

    >>> article_year("20190301"), article_year("2023-09"), article_year(None)
    (2019, 2023, None)
    """
    if date and re.match(r"(?:19|20)\d\d", date):
        return int(date[:4])
    return None


def _iso_day(date: str | None) -> str | None:
    """YYYY-MM-DD of an article date written YYYY-MM-DD or YYYYMMDD, else None."""
    if date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        return date
    if date and re.fullmatch(r"\d{8}", date):
        return f"{date[:4]}-{date[4:6]}-{date[6:]}"
    return None


def _sub_period(year: str, m: re.Match, p: str) -> str:
    def g(name: str) -> str | None:
        return m.group(p + name)

    sub = g("sub")
    if not sub or sub == "全年":
        return year
    if sub == "上半年":
        return f"{year}H1"
    if sub == "下半年":
        return f"{year}H2"
    if sub == "前三季度":
        return f"{year}Q1-Q3"
    if g("q"):
        return f"{year}Q{CN_Q[g('q')]}"
    if g("fm"):
        from extract.numbers import parse_number

        return f"{year}-01/{year}-{int(parse_number(g('fm'))):02d}"
    if g("m1"):
        m1, m2 = int(g("m1")), int(g("m2"))
        if (m1, m2) == (1, 6):
            return f"{year}H1"
        return f"{year}-{m1:02d}/{year}-{m2:02d}"
    month = f"{year}-{int(g('m')):02d}"
    if g("d"):
        return f"{month}-{int(g('d')):02d}"
    return month


def find_periods(text: str, date: str | None = None) -> list[PeriodMark]:
    """Time expressions in ``text`` (a compact sentence), left to right. Relative years are
    resolved with the article ``date`` when known, else kept as written. Comparison bases
    (比去年同期) are not periods."""
    year0 = article_year(date)
    marks: list[PeriodMark] = []
    for m in PERIOD_RE.finditer(text):
        if COMPARISON_RE.search(text, 0, m.start()) and m.group("reset") is None:
            continue
        s, e = m.span()
        if m.group("range"):
            y1, y2 = m.group("y1"), m.group("y2")
            marks.append(PeriodMark(s, e, f"{y1}-{y2}", "range", y1, y2))
        elif m.group("asof"):
            marks.append(PeriodMark(s, e, _as_of(m, year0, _iso_day(date)), "as_of"))
        elif m.group("target"):
            y = m.group("ty") or m.group("ty2")
            if year0 is not None and int(y) < year0:  # 到2018年底 in a 2019 story: as of then
                marks.append(PeriodMark(s, e, f"as_of:{y}-12" if m.group("tend") else y, "as_of"))
            else:
                marks.append(PeriodMark(s, e, y, "target"))
        elif m.group("since"):
            y = m.group("sy")
            marks.append(PeriodMark(s, e, f"{y}-{year0}" if year0 else f"since:{y}", "since", y))
        elif m.group("point"):
            year = m.group("y")
            if year is None:
                rel = m.group("r")
                if year0 is None:
                    marks.append(PeriodMark(s, e, m.group(0), "point"))
                    continue
                year = str(year0 + REL_YEARS[rel])
            marks.append(PeriodMark(s, e, _sub_period(year, m, "p"), "point"))
        elif m.group("bare"):
            if m.group("bsub") == "全年":
                continue  # 全年 belongs to a year named elsewhere
            period = _sub_period(str(year0), m, "b") if year0 else m.group(0)
            marks.append(PeriodMark(s, e, period, "point"))
        else:
            marks.append(PeriodMark(s, e, None, "reset"))
    return marks


def _as_of(m: re.Match, year0: int | None, date: str | None = None) -> str | None:
    if m.group(0).endswith(("目前", "现在", "当前", "今天", "发稿时")):
        return None
    year = m.group("ay")
    if year is None and m.group("ar"):
        if year0 is None:
            return "as_of:" + m.group(0)[2:]
        year = str(year0 + REL_YEARS[m.group("ar")])
    if year is None and not m.group("am") and not m.group("aend"):
        return f"as_of:{date}" if date and len(date) >= 8 else None  # 截至下午4点: that day
    if year is None:
        year = str(year0) if year0 else None
    if year is None:
        return "as_of:" + m.group(0)[2:]
    if m.group("am"):
        month = f"{year}-{int(m.group('am')):02d}"
        return f"as_of:{month}-{int(m.group('ad')):02d}" if m.group("ad") else f"as_of:{month}"
    return f"as_of:{year}-12" if m.group("aend") else f"as_of:{year}"


# months covered by the parts of a year in the period notation (2023H1, 2023Q3, 2023Q1-Q3)
_PARTS = {"H1": (1, 6), "H2": (7, 12), "Q1": (1, 3), "Q2": (4, 6), "Q3": (7, 9), "Q4": (10, 12), "Q1-Q3": (1, 9)}
_BOUND_RES = [  # period notation -> how to read its first and last month (or day)
    (re.compile(rf"({YEAR})"), lambda y: ((y, 1), (y, 12))),
    (re.compile(rf"({YEAR})-({YEAR})"), lambda a, b: ((a, 1), (b, 12))),
    (re.compile(rf"({YEAR})(H1|H2|Q[1-4]|Q1-Q3)"), lambda y, p: ((y, _PARTS[p][0]), (y, _PARTS[p][1]))),
    (re.compile(rf"({YEAR})-(\d\d)"), lambda y, m: ((y, m), (y, m))),
    (re.compile(rf"({YEAR})-(\d\d)/({YEAR})-(\d\d)"), lambda a, m, b, n: ((a, m), (b, n))),
    (re.compile(rf"({YEAR})-(\d\d)-(\d\d)"), lambda y, m, d: ((y, m, d), (y, m, d))),
]


def _day(parts: tuple, last: bool) -> str:
    """ISO day of (year, month[, day]): the month's first or last day when no day is given."""
    y, m = int(parts[0]), int(parts[1])
    d = int(parts[2]) if len(parts) > 2 else (calendar.monthrange(y, m)[1] if last else 1)
    return f"{y:04d}-{m:02d}-{d:02d}"


def period_bounds(period: str | None) -> tuple[str, str]:
    """First and last day (ISO) a period in the graph's notation covers, '' where unknown:
    a tidy table can then sort and filter figures by time. ``as_of:`` periods are the one
    day they stand at (start = end); ``since:`` has no end; relative periods the extraction
    could not resolve (今年6月 in an undated article) have neither.

    >>> period_bounds("2023H1"), period_bounds("2019-2022"), period_bounds("2024-02")
    (('2023-01-01', '2023-06-30'), ('2019-01-01', '2022-12-31'), ('2024-02-01', '2024-02-29'))
    >>> period_bounds("as_of:2023-09"), period_bounds("since:2015"), period_bounds("今年")
    (('2023-09-30', '2023-09-30'), ('2015-01-01', ''), ('', ''))
    """
    if not period:
        return "", ""
    if period.startswith("as_of:"):
        end = period_bounds(period[6:])[1]
        return end, end
    if period.startswith("since:"):
        return period_bounds(period[6:])[0], ""
    for rx, read in _BOUND_RES:
        m = rx.fullmatch(period)
        if m:
            first, last = read(*m.groups())
            try:
                return _day(first, False), _day(last, True)
            except ValueError:  # month 13, day 32: not a calendar date
                return "", ""
    return "", ""
