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
import functools
import re
from dataclasses import dataclass

from extract.lexicon import rows

YEAR = r"(?:19|20)\d\d"


@functools.cache
def vocabulary() -> dict[str, dict[str, str]]:
    """``data/periods.tsv``: kind (rel_year, part, now, today, holiday_end) -> {word: value}.

    >>> vocabulary()["rel_year"]["去年"], vocabulary()["part"]["前三季度"]
    ('-1', 'Q1-Q3')
    """
    out: dict[str, dict[str, str]] = {}
    for word, kind, value in rows("periods.tsv", 3):
        out.setdefault(kind, {})[word] = value
    return out


@functools.cache
def holidays() -> dict[str, str]:
    """``data/holidays.tsv``: holiday word (春节, 国庆) -> its name in chinese_calendar."""
    return {word: name for word, name in rows("holidays.tsv", 2)}


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


REL_YEARS = {w: int(v) for w, v in vocabulary()["rel_year"].items()}
REL = _alt(REL_YEARS)
PARTS = vocabulary()["part"]
CN_Q = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _sub(p: str) -> str:
    """Pattern of a part of a year, group names prefixed with ``p``."""
    return (
        rf"(?P<{p}sub>{_alt(PARTS)}|(?:第)?(?P<{p}q>[1-4])季度"
        rf"|前(?P<{p}fm>\d{{1,2}}|[一二两三四五六七八九十]{{1,2}})个?月(?:份)?"
        rf"|(?P<{p}m1>\d{{1,2}})月?(?:至|到|—|－|-|~|～)(?P<{p}m2>\d{{1,2}})月(?:份)?"
        rf"|(?P<{p}m>\d{{1,2}})月(?:份)?(?:(?P<{p}d>\d{{1,2}})日)?(?P<{p}end>底|末)?)"
    )


def _first_chars() -> str:
    """Characters a time expression can start with (a quick look-ahead before the alternatives)."""
    words = [w for kind in vocabulary().values() for w in kind] + list(holidays())
    fixed = "0123456789一二两三四五六七八九十第前上下全截到至自从“\""
    return "".join(sorted(set(fixed) | {w[0] for w in words if w}))


PERIOD_RE = re.compile(
    f"(?=[{re.escape(_first_chars())}])(?:" + "|".join(
        [
            rf"(?P<range>(?P<y1>{YEAR})年?(?:至|到|—|－|-|~|～)(?P<y2>{YEAR})年)",
            rf"(?P<asof>(?:截至|截止到|截止|截至到)(?:目前|现在|当前|今天|发稿时|(?:(?P<ay>{YEAR})年|(?P<ar>{REL}))?"
            rf"(?:(?P<am>\d{{1,2}})月(?:(?P<ad>\d{{1,2}})日)?)?(?P<aend>底|末)?))",
            rf"(?P<target>(?:到|至)(?P<ty>{YEAR})年(?P<tend>底|末)?|(?P<ty2>{YEAR})年(?:底前|前(?!三季度|[一二两三四五六七八九十\d]{{1,2}}个?月)))",
            rf"(?P<since>(?:自|从)?(?P<sy>{YEAR})年(?:(?P<sm>\d{{1,2}})月(?:份)?(?:[^，。；：\d]{{1,6}}?)?)?以来)",
            rf"(?P<plan>[“\"]?(?P<pname>{_alt(vocabulary()['plan'])})[”\"]?(?:时期|期间|规划期))",
            rf"(?P<last>(?P<lw>{_alt(vocabulary()['last_years'])})(?P<ln>\d{{1,2}}|[一二两三四五六七八九十]{{1,2}})年(?:来|以来|间|中)?)",
            rf"(?P<holiday>(?:(?P<hy>{YEAR})年|(?P<hr>{REL}))?(?P<hname>{_alt(holidays())})"
            rf"(?P<hend>{_alt(vocabulary()['holiday_end'])})(?!首|第|最后|的))",
            rf"(?P<point>(?:(?P<y>{YEAR})(?:财年|年度|年)|(?P<r>{REL}))(?:{_sub('p')})?)",
            rf"(?P<bare>(?<![\d年]){_sub('b')})",
            rf"(?P<reset>{_alt(vocabulary()['now'])})",
            rf"(?P<today>{_alt(vocabulary()['today'])})",
        ]
    ) + ")"
)
COMPARISON_RE = re.compile(r"(?:比|较|与|同|相比|相较|对比)$")


@dataclass(frozen=True)
class PeriodMark:
    """A time expression in a compact sentence: ``[start, end)`` offsets into it, the period
    string, and its kind: point | day (今天) | range | as_of | target | since | reset (目前: as
    of the story date, None when the date is not known)."""

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


def iso_day(date: str | None) -> str | None:
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
    if not sub:
        return year
    if sub in PARTS:
        return year + PARTS[sub]
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
        if COMPARISON_RE.search(text, 0, m.start()) and m.group("reset") is None and m.group("today") is None:
            continue
        s, e = m.span()
        if m.group("range"):
            y1, y2 = m.group("y1"), m.group("y2")
            marks.append(PeriodMark(s, e, f"{y1}-{y2}", "range", y1, y2))
        elif m.group("asof"):
            marks.append(PeriodMark(s, e, _as_of(m, year0, iso_day(date)), "as_of"))
        elif m.group("target"):
            y = m.group("ty") or m.group("ty2")
            if year0 is not None and int(y) < year0:  # 到2018年底 in a 2019 story: as of then
                marks.append(PeriodMark(s, e, f"as_of:{y}-12" if m.group("tend") else y, "as_of"))
            else:
                marks.append(PeriodMark(s, e, y, "target"))
        elif m.group("since"):
            y, day = m.group("sy"), iso_day(date)
            if m.group("sm") and day:  # 自2018年10月开通以来 in a story of 2019-03-02: 2018-10/2019-03-02
                marks.append(PeriodMark(s, e, f"{y}-{int(m.group('sm')):02d}/{day}", "since", y))
            else:
                marks.append(PeriodMark(s, e, f"{y}-{year0}" if year0 else f"since:{y}", "since", y))
        elif m.group("plan"):
            y1, y2 = vocabulary()["plan"][m.group("pname")].split("-")
            marks.append(PeriodMark(s, e, f"{y1}-{y2}", "range", y1, y2))
        elif m.group("last"):
            from extract.numbers import parse_number

            n = int(parse_number(m.group("ln")))
            if year0 is None or n < 2:
                marks.append(PeriodMark(s, e, m.group(0), "range"))
            else:
                last = year0 + int(vocabulary()["last_years"][m.group("lw")] or 0)
                y1, y2 = str(last - n + 1), str(last)
                marks.append(PeriodMark(s, e, f"{y1}-{y2}", "range", y1, y2))
        elif m.group("holiday"):
            year = m.group("hy") or (str(year0 + REL_YEARS[m.group("hr")]) if m.group("hr") and year0 else None)
            year = year or (str(year0) if year0 else None)
            days = holiday_days(int(year), holidays()[m.group("hname")]) if year else None
            marks.append(PeriodMark(s, e, days or m.group(0), "point"))
        elif m.group("today"):
            day = iso_day(date)
            marks.append(PeriodMark(s, e, day or m.group(0), "day"))
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
            day = iso_day(date)
            marks.append(PeriodMark(s, e, f"as_of:{day}" if day else None, "reset"))
    return marks


@functools.cache
def holiday_days(year: int, name: str) -> str | None:
    """The official days off of a public holiday in ``year`` ("2018-02-15/2018-02-21" for the
    2018 Spring Festival) from the chinese_calendar package; None for a year it does not cover.

    >>> holiday_days(2018, "Spring Festival")
    '2018-02-15/2018-02-21'
    """
    import datetime as dt

    import chinese_calendar

    days = []
    day = dt.date(year, 1, 1)
    try:
        while day.year == year:
            off, holiday = chinese_calendar.get_holiday_detail(day)
            if off and holiday == name:
                days.append(day)
            day += dt.timedelta(days=1)
    except NotImplementedError:  # a year the package has no schedule for
        return None
    if not days:
        return None
    run = [days[0]]  # the first block of consecutive days (元旦 may also end the year)
    for d in days[1:]:
        if (d - run[-1]).days > 1:
            break
        run.append(d)
    return f"{run[0].isoformat()}/{run[-1].isoformat()}"


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


# --- the dates a period string covers --------------------------------------------------------


@dataclass(frozen=True)
class PeriodSpan:
    """The dates a period covers, first and last day (ISO), and whether it is "as of" a day."""

    first: str
    last: str
    as_of: bool = False


def _month_end(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"


_PARTS = {"H1": (1, 6), "H2": (7, 12), "Q1": (1, 3), "Q2": (4, 6), "Q3": (7, 9), "Q4": (10, 12), "Q1-Q3": (1, 9),
          "Q1-Q2": (1, 6), "Q2-Q3": (4, 9), "Q3-Q4": (7, 12)}


def _point(text: str) -> tuple[str, str] | None:
    """First and last day of one point: 2022, 2023H1, 2023Q1, 2023-06, 2023-06-05."""
    m = re.fullmatch(r"(\d{4})(?:(H[12]|Q[1-4](?:-Q[1-4])?)|-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    if not m:
        return None
    y = int(m.group(1))
    if m.group(2):
        if m.group(2) not in _PARTS:
            return None
        a, b = _PARTS[m.group(2)]
        return f"{y:04d}-{a:02d}-01", _month_end(y, b)
    if m.group(3):
        mo = int(m.group(3))
        if not 1 <= mo <= 12:
            return None
        if m.group(4):
            d = f"{y:04d}-{mo:02d}-{int(m.group(4)):02d}"
            return d, d
        return f"{y:04d}-{mo:02d}-01", _month_end(y, mo)
    return f"{y:04d}-01-01", f"{y:04d}-12-31"


def period_span(period: str | None) -> PeriodSpan | None:
    """The dates a period string covers; None for no period or one that cannot be read.

    >>> period_span("2024Q1") == period_span("2024-01/2024-03")
    True
    >>> period_span("2019-2022").last, period_span("as_of:2023-06").as_of
    ('2022-12-31', True)
    """
    if not period:
        return None
    p = str(period).strip()
    as_of = p.startswith("as_of:")
    if as_of:
        p = p[6:]
    m = re.fullmatch(r"(\d{4})-(\d{4})", p)
    if m:
        a, b = _point(m.group(1)), _point(m.group(2))
    elif "/" in p:
        left, right = p.split("/", 1)
        a, b = _point(left), _point(right)
    else:
        a = b = _point(p)
    if a is None or b is None:
        return None
    if as_of:  # 截至6月底 = as of the last day of June
        return PeriodSpan(b[1], b[1], True)
    return PeriodSpan(a[0], b[1])


def period_bounds(period: str | None) -> tuple[str, str]:
    """First and last day (ISO) a period in the graph's notation covers, '' where unknown:
    a tidy table can then sort and filter figures by time. ``as_of:`` periods are the one
    day they stand at (start = end); ``since:`` has no end; relative periods the extraction
    could not resolve (今年6月 in an undated article) have neither. Read by
    :func:`period_span`, the one reading of the notation.

    >>> period_bounds("2023H1"), period_bounds("2019-2022"), period_bounds("2024-02")
    (('2023-01-01', '2023-06-30'), ('2019-01-01', '2022-12-31'), ('2024-02-01', '2024-02-29'))
    >>> period_bounds("as_of:2023-09"), period_bounds("since:2015"), period_bounds("今年")
    (('2023-09-30', '2023-09-30'), ('2015-01-01', ''), ('', ''))
    """
    if period and str(period).startswith("since:"):
        span = period_span(str(period)[6:])
        return (span.first, "") if span else ("", "")
    try:
        span = period_span(period)
    except ValueError:  # month 13, day 32: not a calendar date
        return "", ""
    return (span.first, span.last) if span else ("", "")
