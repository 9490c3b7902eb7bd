"""Figures in Chinese news as structured facts (:class:`extract.model.Metric`).

Per sentence that contains a digit or a Chinese numeral: find number + magnitude + unit, drop
what is not a metric (years, dates, 5G, ordinals, unit definitions, figures of speech, vague
numbers), then read the qualifier, the kind (level, yoy_growth ...), the period, the indicator
and the subject from the words around it. All matching runs on a whitespace-free view of the
sentence (PDF text breaks lines and spaces out characters) and maps back to article offsets.

Indicator convention: the indicator names the measured quantity WITHOUT the growth/share cue;
``kind`` says whether the figure is its level, its year-on-year growth etc. (数字服务出口 +
yoy_growth). For shares the indicator keeps the ratio words (数字经济规模占国内生产总值比重).
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Sequence

from corpus.model import Article, Sentence
from extract.lexicon import words as lexicon_words
from extract.metric_lexicons import cues, nonmetric_patterns, qualifiers, words
from extract.model import Metric, Span
from extract.numbers import ARABIC, CHINESE, HAS_NUMBER_RE, compact, parse_number
from extract.periods import PeriodMark, iso_day, find_periods
from extract.scope_subjects import link_scope_subjects
from extract.segment import Token, dictionary_tag
from extract.units import NON_METRIC_CLASSES, magnitudes, normalise, units

CLAUSE_DELIMS = set("，,；;。！？!?：:")
SUBCLAUSE_DELIMS = CLAUSE_DELIMS | {"、"}
QUOTES = "“”‘’\"'「」『』"
CARRIED_LABELS = frozenset({"ORG", "PLATFORM", "PLACE", "LOC"})
CN_DIGITS = frozenset("一二两三四五六七八九")
SENTENCE_RE = re.compile(r"[^。！？!?]*(?:[。！？!?]+[”’」』]?|$)")


@functools.cache
def figure_re() -> re.Pattern:
    """number (余|多)? magnitude? (余|多)? unit?, units longest first."""
    unit_alt = "|".join(re.escape(u) for u in sorted(units(), key=len, reverse=True))
    mag_alt = "|".join(re.escape(m) for m in sorted(magnitudes(), key=len, reverse=True))
    inside = "|".join(re.escape(w) for w in qualifiers()["inside"])
    return re.compile(
        rf"(?P<pct>百分之)?(?P<num>{ARABIC}|{CHINESE})(?P<q1>{inside})?(?P<mag>{mag_alt})?"
        rf"(?P<q2>{inside})?(?P<unit>{unit_alt})?"
    )


@dataclass
class _Figure:
    """A figure found in a compact sentence, with what is being worked out about it."""

    cs: int  # compact start/end of number+unit
    ce: int
    value: Decimal
    magnitude: str
    unit: str
    unit_cls: str
    qualifier: str | None = None
    kind: str = "level"
    sign: int = 1
    period: str | None = None
    indicator: str = ""
    indicator_from_after: bool = False
    pre_start: int = 0  # where the text before the figure (after qualifier/cue) starts
    pre_end: int = 0
    cue: str = ""
    subject: str | None = None
    subject_name: str | None = None
    subject_text: str = ""  # the subject mention as written when its entity's name differs (东盟)
    extra: dict = field(default_factory=dict)


def find_metrics(article: Article, mentions: Sequence[Span] = (), tokens: Sequence[Token] | None = None) -> list[Metric]:
    """Every figure of ``article`` as a :class:`Metric`; ``mentions`` are resolved entity
    mentions (offsets into ``article.text``) used to pick each figure's subject; ``tokens``
    the article's segmentation (:func:`extract.segment.tokenize` of ``article.text``), reused
    for the words around figures instead of tagging them again.

    >>> from corpus.model import Article
    >>> a = Article(id="a1", text="2022年全国快递业务量达1105.8亿件，同比增长2.1%。", date="2023-01-10")
    >>> [(m.subject, m.subject_text, m.indicator, str(m.value), m.unit, m.kind, m.period) for m in find_metrics(a)]
    [('中国', '全国', '快递业务量', '1105.8', '亿件', 'level', '2022'), ('中国', '全国', '快递业务量', '2.1', '%', 'yoy_growth', '2022')]
    """
    sentences = article.sentences or split_sentences(article.text)
    spans = _outermost(mentions)
    starts = [m.start for m in spans]
    words = _ArticleWords(article.text, tokens) if tokens is not None else None
    out: list[Metric] = []
    prev_topic = _Topic.known(None)
    prev_metric: Metric | None = None
    for group in _groups(sentences):
        lo = bisect.bisect_left(starts, group[0].start)
        hi = bisect.bisect_left(starts, group[-1].end)
        group_mentions = [m for m in spans[lo:hi] if m.end <= group[-1].end]
        if not any(HAS_NUMBER_RE.search(s.text) for s in group):
            if group_mentions:
                prev_topic = _Topic(functools.partial(_group_topic, article, group, group_mentions))
            continue
        ctx = _context(article, group, group_mentions, words)
        metrics, topic = _sentence_metrics(ctx, prev_topic)
        if prev_metric is not None and ctx.ctext.startswith(("其中", "同期")):
            _inherit(metrics, prev_metric, ctx)
        elif not ctx.periods and any(m.period is None and m.qualifier != "target" for m in metrics):
            time = _paragraph_time(article, group[0].start)
            for m in metrics:  # 今天，铁路发送旅客…。全路增开列车353列: the paragraph's time goes on
                if m.period is None and m.qualifier != "target":
                    m.period = time
        out.extend(metrics)
        prev_topic = topic
        prev_metric = metrics[-1] if metrics else prev_metric
    for m in out:
        m.period = flow_period(m.period, m.indicator)
    link_scope_subjects(out)  # 我国/全国 -> 中国, the word kept as written
    return out


AS_OF_MONTH_RE = re.compile(r"as_of:(\d{4})-(\d{2})")


def flow_period(period: str | None, indicator: str) -> str | None:
    """A flow (what a year produces: 年发电量, 全年销量…; ``metric_words`` flow_opening, flow_head)
    totalled up to a month's end is the span from January to that month, not a stock on that
    day: 截至2022年底…年发电量 -> 2022, 截至5月底…销售额 -> 2022-01/2022-05. Stocks keep as_of;
    so do cumulative totals (累计), which may start before the year.

    >>> flow_period("as_of:2022-12", "年发电量"), flow_period("as_of:2022-05", "新能源汽车销售额")
    ('2022', '2022-01/2022-05')
    >>> flow_period("as_of:2022-12", "可再生能源装机"), flow_period("as_of:2022-12", "累计发电量")
    ('as_of:2022-12', 'as_of:2022-12')
    """
    m = AS_OF_MONTH_RE.fullmatch(period or "")
    if m is None or "累计" in indicator:
        return period
    head = indicator.split("占", 1)[0]  # 年发电量占全社会用电量的: the share of a flow
    if not (head.startswith(words()["flow_opening"]) or head.endswith(words()["flow_head"])):
        return period
    year, month = m.groups()
    return year if month == "12" else f"{year}-01/{year}-{month}"


PARAGRAPH_LOOKBACK = 300  # characters of the paragraph read back for its time
EVENT_TIME_RE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")  # a month or a date: when something happened


def _paragraph_time(article: Article, start: int) -> str | None:
    """The period a sentence without one of its own takes: the last time expression of the same
    paragraph before ``start`` that opens its clause (今年，…; 今天铁路…; 前4个月，…), not an
    event's date inside a clause (商务部今年4月印发…), a single month or date (7月，科技部批复…:
    an event), an as-of or a target."""
    text = article.text
    para = max(text.rfind("\n", 0, start) + 1, start - PARAGRAPH_LOOKBACK)
    ctext, _ = compact(text[para:start])
    found = None
    for p in find_periods(ctext, article.date):
        if p.period is None or p.kind in ("as_of", "reset", "target") or p.period.startswith("as_of"):
            continue
        if p.kind != "day" and EVENT_TIME_RE.fullmatch(p.period):
            continue
        opening = ctext[_clause_start(ctext, p.start) : p.start]
        if not opening or opening in ("在", "到", "从", "自"):
            found = p.period
    return found


def _outermost(mentions: Sequence[Span]) -> list[Span]:
    """Mentions by start, without those inside a longer one (河北 in 河北国税局 is part of the
    name, not a subject of its own)."""
    out: list[Span] = []
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if out and m.end <= out[-1].end:
            continue
        out.append(m)
    return out


class _Topic:
    """The entity a sentence hands on to the next one's figures ``(id, name)`` or None,
    worked out only when a figure asks for it (most sentences' topics are never asked for)."""

    MAX_CHAIN = 64  # topics waiting on earlier topics; older ones are worked out first

    def __init__(self, compute, after: "_Topic | None" = None):
        self._compute, self._value = compute, None
        self.chain = 0 if after is None or after._compute is None else after.chain + 1
        if self.chain > self.MAX_CHAIN:  # bounded recursion when it is finally asked for
            after.get()
            self.chain = 0

    @classmethod
    def known(cls, value) -> "_Topic":
        t = cls(None)
        t._value = value
        return t

    def get(self):
        if self._compute is not None:
            self._value, self._compute = self._compute(), None
        return self._value


def _group_topic(article: Article, group: list[Sentence], mentions: list[Span]):
    ctx = _context(article, group, mentions)
    return _sentence_topic(ctx) or _scope_topic(ctx)


def _scope_topic(ctx: "_Ctx"):
    """A scope word opening a clause (我国就业形势总体稳定, 全国秋粮…) as the topic handed on to a
    later sentence's figures when no entity is: ``(None, word)``."""
    scopes = words()["scope"]
    topic = None
    pos, n = 0, len(ctx.ctext)
    while pos < n:
        end = _clause_end(ctx.ctext, pos)
        w = _scope_at_start(_remove_periods(ctx, pos, end), scopes)
        if w:
            topic = (None, w)
        pos = end + 1
    return topic


def _inherit(metrics: list[Metric], prev: Metric, ctx: "_Ctx") -> None:
    """其中…/同期… continue the previous sentence: its period, and its subject where none was
    found in this sentence."""
    for m in metrics:
        if m.period is None:
            m.period = prev.period
        if m.subject is None and not any(s for s in ctx.mentions) and m.subject_name == m.indicator:
            m.subject, m.subject_name, m.subject_text = prev.subject, prev.subject_name, prev.subject_text


def _groups(sentences: Sequence[Sentence]) -> list[list[Sentence]]:
    """Sentences joined where one ends with a semicolon (one grammatical sentence)."""
    groups: list[list[Sentence]] = []
    for s in sentences:
        if groups and groups[-1][-1].text.rstrip().endswith(("；", ";", "：", ":")):
            groups[-1].append(s)
        else:
            groups.append([s])
    return groups


def split_sentences(text: str) -> list[Sentence]:
    """Fallback sentence split at 。！？ (not at line ends: PDF text breaks lines anywhere),
    for articles built without sentences.

    >>> [s.text for s in split_sentences("甲。乙！\\n丙\\n丁")]
    ['甲。', '乙！', '丙\\n丁']
    """
    out = []
    for m in SENTENCE_RE.finditer(text):
        s, e = m.span()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append(Sentence(len(out), s, e, text[s:e]))
    return out


# --- one sentence -------------------------------------------------------------------------


@dataclass
class _Ctx:
    article: Article
    sentences: list[Sentence]
    ctext: str
    idx: list[int]  # compact index -> offset in the article text
    bounds: list[int]  # compact start of each sentence
    mentions: list[tuple[int, int, Span]]  # compact start, end, span (valid subjects only)
    periods: list[PeriodMark]
    words: "_ArticleWords | None" = None  # the article's segmentation, when the caller has it
    mention_starts: list[int] = field(default_factory=list)  # compact start of each mention
    sources: list[Span] = field(default_factory=list)  # mentions that only report (据X, X发布)


def _context(article: Article, group: list[Sentence], mentions: list[Span], words=None) -> _Ctx:
    parts, idx, bounds = [], [], []
    for s in group:
        c, i = compact(s.text)
        k = dateline_end(c)
        if k:
            c, i = c[k:], i[k:]
        bounds.append(len(idx))
        parts.append(c)
        idx.extend(s.start + k for k in i)
    ctext = "".join(parts)
    ctx = _Ctx(article, group, ctext, idx, bounds, [], [], words)
    ctx.mentions = _compact_mentions(ctx, mentions)
    ctx.mention_starts = [m[0] for m in ctx.mentions]
    ctx.periods = find_periods(ctext, article.date)
    return ctx


def _sentence_metrics(ctx: _Ctx, prev_topic: "_Topic"):
    article, idx = ctx.article, ctx.idx
    figures = _find_figures(ctx)
    for f in figures:
        _read_context(ctx, f, figures)
    figures = [f for f in figures if not _is_modifier(ctx, f)]
    _link_ranges(ctx, figures)
    _assign_indicators_and_subjects(ctx, figures, prev_topic)
    figures = [f for f in figures if not f.extra.get("drop")]
    _pair_respectively(ctx, figures)
    metrics = []
    for f in figures:
        start = idx[f.cs]
        end = idx[f.ce - 1] + 1
        sent = ctx.sentences[bisect.bisect_right(ctx.bounds, f.cs) - 1]
        base_value, base_unit = normalise(f.value, f.magnitude, f.unit)
        if base_unit == "m" and base_value is not None and "时速" in f.indicator:
            base_value, base_unit = (base_value / Decimal(3600)).quantize(Decimal("0.001")), "m/s"  # 时速200公里
        if f.unit == "位" and RANK_RE.search(ctx.ctext, _clause_start(ctx.ctext, f.cs), f.cs):
            f.kind, base_value, base_unit = "rank", f.value, "rank"  # 排名从第78位升至第31位
        if base_value is not None and f.sign < 0:
            base_value = -base_value
        metrics.append(
            Metric(  # noqa: PLR0913
                subject=f.subject,
                subject_name=f.subject_name or f.indicator,
                subject_text=f.subject_text if f.subject_name else "",
                indicator=f.indicator,
                value=f.value,
                unit=f.magnitude + f.unit,
                base_value=base_value,
                base_unit=base_unit,
                qualifier=f.qualifier,
                kind=f.kind,
                period=f.period,
                article=article.id,
                sentence=sent.index,
                start=start,
                end=end,
                text=article.text[start:end],
            )
        )
    return metrics, _Topic(functools.partial(_topic_after, ctx, figures, prev_topic), prev_topic)


def _topic_after(ctx: _Ctx, figures: list[_Figure], prev_topic: _Topic):
    """The topic a sentence with figures hands on: its own, its last figure's subject, or
    (no entity in it at all) the one it was handed."""
    topic = _sentence_topic(ctx)
    if topic is None and figures and (figures[-1].subject is not None or figures[-1].subject_name in words()["scope"]):
        topic = (figures[-1].subject, figures[-1].subject_name or "")
    if topic is None and not ctx.mentions:
        topic = _scope_topic(ctx)
    if topic is None and not ctx.mentions:
        topic = prev_topic.get()
    return topic


def _compact_mentions(ctx: _Ctx, mentions: list[Span]):
    """Mentions as compact offsets, without sources (据X, X表示)."""
    out = []
    for m in mentions:
        cs = bisect.bisect_left(ctx.idx, m.start)
        ce = bisect.bisect_left(ctx.idx, m.end)
        if cs >= ce:
            continue
        if _is_source(ctx.ctext, cs, ce):
            ctx.sources.append(m)
            continue
        out.append((cs, ce, m))
    return out


def _is_source(ctext: str, cs: int, ce: int) -> bool:
    before = ctext[max(0, cs - 2) : cs]
    if any(before.endswith(w) for w in words()["source_prefix"]):
        return True
    tail = ctext[ce : _clause_end(ctext, ce)]
    for w in words()["reporting"]:
        k = tail.rfind(w)
        if k >= 0:
            rest = tail[k + len(w) :]
            if len(rest) <= 6 and not HAS_NUMBER_RE.search(rest):
                return True  # X表示 / X公布的数据显示 / X公布最新数据
    return False


def _sentence_topic(ctx: _Ctx):
    """The entity a following sentence may carry over (zero anaphora): the topic of the last
    clause that has one."""
    topic = None
    pos = 0
    n = len(ctx.ctext)
    while pos < n:
        end = _clause_end(ctx.ctext, pos)
        t = _clause_topic(ctx, pos, end, strict=True)
        if t is not None:
            topic = t
        pos = end + 1
    if topic is None:
        return None
    span = topic[2]
    if span.label not in CARRIED_LABELS:
        return None  # people, events and works are not the topic of a later sentence's figures
    return (span.entity, span.name or span.text)


@functools.cache
def _dateline_res() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in lexicon_words("datelines.txt"))


def dateline_end(text: str) -> int:
    """Length of the datelines and bylines opening ``text`` (0 when none): 央视网消息（新闻联播）：,
    本台消息：, 新华社北京3月5日电（记者 X）.

    >>> dateline_end("央视网消息（新闻联播）：一季度国内生产总值296299亿元")
    12
    """
    pos, again = 0, True
    while again:
        again = False
        for rx in _dateline_res():
            m = rx.match(text, pos)
            if m and m.end() > pos:
                pos, again = m.end(), True
    return pos


# --- finding figures ------------------------------------------------------------------------


def _find_figures(ctx: _Ctx) -> list[_Figure]:
    ctext = ctx.ctext
    unit_table = units()
    bad = [m.span() for p in nonmetric_patterns() for m in p.finditer(ctext)]
    out: list[_Figure] = []
    pos = 0
    rx = figure_re()
    while True:
        m = rx.search(ctext, pos)
        if m is None:
            break
        pos = m.end() if m.end() > m.start() else m.start() + 1
        num = m.group("num")
        mag = m.group("mag") or ""
        unit = m.group("unit") or ""
        s, e = m.span()
        if num[0] not in "0123456789" and not mag:
            num, mag = _split_cn_magnitude(num)
        if not _is_metric(ctext, m, num, mag, unit, bad):
            continue
        cls = unit_table[unit].cls if unit else "number"
        if m.group("pct"):
            unit, cls = "%", "ratio"
        if num[0] not in "0123456789" and len(num) == 1 and num != "十" and not mag and cls not in ("ratio", "times") \
                and not _longest_suffix(ctext[max(0, s - 4) : s], _qualifiers_before()):
            continue  # 一个/两家/一公里: a determiner or a figure of speech (至少三人: a statistic)
        if num == "1" and cls == "count" and not mag:
            continue  # 每个村安排1名…: one of something is rarely a statistic
        value = parse_number(num)
        f = _Figure(cs=s, ce=e, value=value, magnitude=mag, unit=unit, unit_cls=cls)
        if m.group("q1") or m.group("q2"):
            f.qualifier = qualifiers()["inside"][m.group("q1") or m.group("q2")]
        out.append(f)
    return out


@functools.cache
def _qualifiers_before() -> tuple[str, ...]:
    return tuple(sorted(qualifiers()["before"], key=len, reverse=True))


def _split_cn_magnitude(num: str) -> tuple[str, str]:
    """三千五百万 -> (三千五百, 万): a Chinese numeral's trailing magnitude goes to the unit."""
    for mag in sorted(magnitudes(), key=len, reverse=True):
        if mag in ("万亿", "亿", "万") and num.endswith(mag) and len(num) > len(mag):
            return num[: -len(mag)], mag
    return num, ""


def _is_metric(ctext: str, m: re.Match, num: str, mag: str, unit: str, bad) -> bool:
    s, e = m.span()
    prev = ctext[s - 1] if s else ""
    nxt = ctext[e] if e < len(ctext) else ""
    if not unit and not mag and not m.group("pct"):
        return False
    if unit and units()[unit].cls in NON_METRIC_CLASSES:
        return False
    if unit in words()["electric_unit"] and "电" not in ctext[_clause_start(ctext, s) : s]:
        return False  # 年发电量2700亿度 is kWh; 30度, 一亿度高温 are angles or temperatures (度电 always kWh)
    if prev and (prev in "第几数莫" or (prev in "上成" and num[0] not in "0123456789") or (prev.isascii() and prev.isalpha())):
        return False  # ordinals, vague numbers (上千, 成百), model names (C919); "" is in every string
    if (prev and prev in "这那该此") or ctext[max(0, s - 2) : s] == "上述":
        return False  # 这45人: a reference back to figures already given
    if prev and (prev in ".-/" or prev.isdigit()):
        return False
    if nxt.isascii() and nxt.isalpha() and (not unit or unit.isascii()):
        return False  # 5G, 3D, 100PB...
    if num[0] not in "0123456789":
        if len(num) > 1 and all(c in "零〇一二两三四五六七八九" for c in num) and "〇" not in num and "零" not in num:
            return False  # 一两个, 三四家: vague
        if any(a in CN_DIGITS and b in CN_DIGITS for a, b in zip(prev + num, num)):
            return False  # 六七十米, 三四百人: two digits side by side are a range, not a number
        if nxt in "几":
            return False
    if nxt == "几" or ctext[e : e + 2] in ("来年",):
        return False
    for bs, be in bad:
        if bs < e and s < be:
            return False
    return True


# --- qualifier, kind, period ----------------------------------------------------------------


def _clause_start(ctext: str, pos: int, delims=CLAUSE_DELIMS) -> int:
    depth = 0
    i = pos - 1
    while i >= 0:
        ch = ctext[i]
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            if depth == 0:
                return i + 1
            depth -= 1
        elif ch in delims and depth == 0:
            return i + 1
        i -= 1
    return 0


def _clause_end(ctext: str, pos: int, delims=CLAUSE_DELIMS) -> int:
    depth = 0
    i = pos
    while i < len(ctext):
        ch = ctext[i]
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            if depth == 0:
                return i
            depth -= 1
        elif ch in delims and depth == 0:
            return i
        i += 1
    return len(ctext)


def _longest_suffix(text: str, options) -> str:
    for w in options:  # sorted longest first by the caller
        if text.endswith(w):
            return w
    return ""


def _read_context(ctx: _Ctx, f: _Figure, figures: list[_Figure]) -> None:
    ctext = ctx.ctext
    q = qualifiers()
    sub_start = _clause_start(ctext, f.cs, SUBCLAUSE_DELIMS)
    before = ctext[sub_start : f.cs]
    qual_before = sorted(q["before"], key=len, reverse=True)
    w = _longest_suffix(before, qual_before)
    if w:
        f.qualifier = q["before"][w]
        f.extra["qual_before"] = w
        before = before[: -len(w)]
    best = None
    for cue in cues():
        cm = cue.pattern.search(before, max(0, len(before) - 40))
        if cm and (best is None or len(cm.group(0)) > len(best[0].group(0))):
            best = (cm, cue)
    if best is not None:
        cm, cue = best
        f.kind, f.sign, f.cue = cue.kind, cue.sign, cm.group(0)
        before = before[: cm.start()]
        w = _longest_suffix(before, qual_before)  # 同比增长超过 / 超过…
        if w and not f.qualifier:
            f.qualifier = q["before"][w]
            f.extra["qual_before"] = w
            before = before[: -len(w)]
    f.pre_start, f.pre_end = sub_start, sub_start + len(before)
    after = ctext[f.ce : f.ce + 3]
    for w, qual in q["after"].items():
        if after.startswith(w):
            f.qualifier = qual
    clause_start = _clause_start(ctext, f.cs)
    clause_text = ctext[clause_start : f.pre_end]
    if any(w in clause_text.replace("将近", "") for w in q["clause"]) or (f.qualifier == "target"):
        f.qualifier = "target"
    f.period = _period_for(ctx, f, clause_start, figures)


def _is_modifier(ctx: _Ctx, f: _Figure) -> bool:
    """Figures that describe something else rather than state a fact: thresholds (贫困发生率超过
    5%的县, 6000人以上的民族), dimensions (120米宽的绿道), and numbers inside short quoted
    names (“讲奉献10件好事”)."""
    ctext = ctx.ctext
    nxt = ctext[f.ce : f.ce + 4]
    after_q = next((w for w in qualifiers()["after"] if nxt.startswith(w)), "")
    rest = ctext[f.ce + len(after_q) : f.ce + len(after_q) + 2]
    if rest.startswith(("的", "或")):
        share_of_what_follows = f.unit_cls == "ratio" and not f.extra.get("qual_before") and not _strip(
            _remove_mentions(ctx, f.pre_start, f.pre_end, _remove_periods(ctx, f.pre_start, f.pre_end)))
        if share_of_what_follows:  # 某市90%以上的企业接入…: the share of what follows, not a threshold
            f.kind = "share"
            return False
        if after_q and after_q not in ("左右", "上下"):
            return True
        if f.extra.get("qual_before") and _strip(ctext[f.pre_start : f.pre_end]):
            return True
    if rest[:1] in "宽长高深厚粗" and rest[1:2] in ("的", "处"):
        return True  # 120米宽的绿道, 从50米高处: a dimension of something else
    if after_q and qualifiers()["after"][after_q] in THRESHOLDS and f.unit_cls not in ("count", "ratio", "pp") and (
        _pseg(ctext[f.ce + len(after_q) : f.ce + len(after_q) + 6])[:1] or (("", ""),))[0][1][:1] == "n":
        return True  # 20公斤以上大件货物: a measure bounding the class of what follows
    open_q = ctext.rfind("“", 0, f.cs)
    if open_q >= 0 and ctext.find("”", open_q, f.cs) < 0:
        close_q = ctext.find("”", f.ce)
        if 0 <= close_q and close_q - open_q <= 15:
            return True
    return False


def _period_for(ctx: _Ctx, f: _Figure, clause_start: int, figures: list[_Figure]) -> str | None:
    """The nearest time expression before the figure. One in an earlier clause carries over
    only when it stands alone (2019年至2022年，…) or its clause holds figures too; a target
    figure (将达到) takes only its own clause's time or an explicit target year."""
    mark = None
    for p in ctx.periods:
        if p.end > f.cs:
            break
        if p.start < clause_start:
            if f.qualifier == "target" and p.kind not in ("target", "range"):
                if not _strip(_remove_periods(ctx, f.pre_start, f.pre_end)):
                    continue  # 并持续扩容至1000P: a later stage, not this year's figure
            p_end = _clause_end(ctx.ctext, p.end)
            p_start = _clause_start(ctx.ctext, p.start)
            at_start = not _strip(ctx.ctext[p_start : p.start]) or ctx.ctext[p_start : p.start] in ("在", "到", "从", "自")
            stands_alone = (p_end - p.end <= 6 or p.kind == "day") and at_start  # 今天是…，: the day of the sentence
            if not stands_alone and not any(p.end <= g.cs < p_end for g in figures):
                continue
        mark = p
    f.extra["period_mark"] = mark
    if mark is not None and mark.kind == "since" and "已" in ctx.ctext[max(mark.end, clause_start) : f.cs]:
        day = iso_day(ctx.article.date)
        if day:
            return f"as_of:{day}"  # 自…以来，已接入1274项: what stands on the story's day
    return mark.period if mark else None


def _link_ranges(ctx: _Ctx, figures: list[_Figure]) -> None:
    """由 A 增加至 B under a range period: A is the start year's level, B the end year's."""
    for a, b in zip(figures, figures[1:]):
        mark = a.extra.get("period_mark")
        if mark is None or mark.kind != "range" or b.extra.get("period_mark") is not mark:
            continue
        between = ctx.ctext[a.ce : b.cs]
        if re.search(r"[由从]$", ctx.ctext[a.pre_start : a.cs]) or re.search(r"(?:至|到)$", between):
            if re.search(r"(?:至|到)$", between) and len(between) <= 8:
                a.period, b.period = mark.start_period, mark.end_period


# --- indicator and subject ------------------------------------------------------------------


PAREN_RE = re.compile(r"（[^（）]*）|\([^()]*\)")
NO_QUOTES = str.maketrans("", "", QUOTES + "《》〈〉")


def _strip(text: str, keep_quotes: bool = False) -> str:
    """Remove parentheticals, quotes and leading openers/trailing particles of an indicator."""
    text = PAREN_RE.sub("", text)
    if not keep_quotes:
        text = text.translate(NO_QUOTES)
    openers = words()["opener"]
    changed = True
    while changed and text:
        changed = False
        for w in openers:
            if text.startswith(w) and len(text) >= len(w):
                text = text[len(w) :]
                changed = True
                break
        if text.startswith("的"):
            text, changed = text[1:], True
    while text.endswith(("的", "了", "在", "与", "和", "及", "等")):
        text = text[:-1]
    for w in openers:  # 已/将/持续 right before the cue
        if text.endswith(w) and len(text) > len(w):
            text = text[: -len(w)]
            break
        if text == w:
            return ""
    return text


def _remove_mentions(ctx: _Ctx, start: int, end: int, text: str) -> str:
    """``text`` (= ``ctx.ctext[start:end]`` less periods) without the mentions' names in it."""
    for cs, ce, _span in ctx.mentions:
        if start <= cs and ce <= end:
            text = text.replace(ctx.ctext[cs:ce], "", 1)
    return text


def _remove_periods(ctx: _Ctx, start: int, end: int) -> str:
    chars = list(ctx.ctext[start:end])
    for p in ctx.periods:
        for i in range(max(p.start, start), min(p.end, end)):
            chars[i - start] = ""
    return "".join(chars)


def _clause_topic(ctx: _Ctx, start: int, end: int, enumeration_end: int | None = None, strict: bool = False):
    """The entity a clause is about: a mention opening the clause, else its last mention.
    Members of an enumeration closed by 等 right before a figure (法国、阿富汗等18个国家) are
    what is counted, not the topic."""
    lo = bisect.bisect_left(ctx.mention_starts, start)
    hi = bisect.bisect_left(ctx.mention_starts, end, lo)
    ms = [m for m in ctx.mentions[lo:hi] if m[1] <= end]
    if enumeration_end is not None and ctx.ctext[:enumeration_end].endswith("等"):
        k = ctx.ctext.rfind("、", start, enumeration_end)
        first_item = _clause_start(ctx.ctext, k, SUBCLAUSE_DELIMS - {"、"}) if k >= 0 else enumeration_end
        ms = [m for m in ms if m[1] <= first_item]
    pp = words()["pp_prefix"]
    valid = [m for m in ms if not ctx.ctext[max(start, m[0] - 2) : m[0]].endswith(pp)]
    if not valid:
        return None
    first = valid[0]
    if len(_strip(_remove_periods(ctx, start, first[0]))) <= 2:
        chosen = first
    else:
        def member(m):  # 来自中国、美国、印度等24个国家: members of a list
            return ctx.ctext[m[1] : m[1] + 1] in ("、", "等") or ctx.ctext[m[0] - 1 : m[0]] == "、"

        rest = [m for m in valid if not member(m)]
        if strict:  # another clause: only a mention that is its grammatical subject
            markers = words()["predicate_marker"]
            rest = [m for m in rest if ctx.ctext[m[1] : m[1] + 8].lstrip(QUOTES).startswith(markers)]
        if not rest:
            return None
        chosen = rest[-1]
    # a chain of names (河北省邯郸市永年区, X的Y): the last one is the head
    i = ms.index(chosen)
    while i + 1 < len(ms) and ctx.ctext[ms[i][1] : ms[i + 1][0]] in ("", "的"):
        i += 1
    return ms[i]


def _after_np(ctx: _Ctx, f: _Figure) -> str:
    """Noun phrase right after a figure (16条智能化产线 -> 智能化产线, 300多亩的基地 -> 基地,
    65人死亡 -> 死亡人数). The word right after a classifier always belongs to the phrase (jieba
    mis-tags some nouns as verbs); then nouns and noun-modifying verbs; after 的 the head wins."""
    ctext = ctx.ctext
    start = f.ce
    for w in qualifiers()["after"]:
        if ctext.startswith(w, start):
            start += len(w)
    if ctext.startswith("的", start):
        start += 1
    end = min(_clause_end(ctext, start), start + 24)
    seg = ctext[start:end]
    if not seg or not ("\u4e00" <= seg[0] <= "\u9fff" or seg[0] in QUOTES or (seg[0].isascii() and seg[0].isalpha())):
        return ""
    if seg[0] == "“":
        j = seg.find("”")
        return seg[1:j] if j > 1 else ""
    toks = _words(ctx, start, end)
    np: list[str] = []
    restarted = False
    for i, (w, flag) in enumerate(toks):
        nxt_w, nxt = toks.at(i + 1)
        nounish = flag[:1] == "n" or flag in ("vn", "an", "j", "l", "b", "eng", "nz", "g")
        if w in QUOTES:
            continue
        if w == "的" and np and not restarted and (nxt[:1] == "n" or nxt in ("vn", "j", "b")):
            np, restarted = [], True  # 9个利用网络刷单的诈骗窝点 -> 诈骗窝点
            continue
        if w in NP_STOPS:
            break
        if not np and i == 0 and flag not in NON_HEAD_FLAGS and w not in NON_HEAD_WORDS:
            np.append(w)
        elif w == "、" and np and (nxt[:1] == "n" or nxt in ("vn", "j")):
            np.append(w)
        elif nounish:
            np.append(w)
        elif flag == "a" and (nxt[:1] == "n" or nxt in ("q", "vn")):
            np.append(w)
        elif flag == "v" and w in words()["np_verb"] and (nxt[:1] == "n" or nxt == "vn" or (len(nxt_w) == 1 and nxt in ("m", "q"))):
            np.append(w)
        elif flag == "v" and np and w not in words()["predicate"] and (not nxt or nxt == "x"):
            np.append(w)  # 国际组织、 (jieba tags many nouns v): a last word before a delimiter
        elif flag in ("m", "q") and len(w) == 1 and np:
            np.append(w)
        else:
            break
    out = "".join(np).strip("、")
    if f.unit in PERSON_UNITS and len(np) == 1 and toks.at(0)[1] in ("v", "a", "vn") and not restarted and (
        toks.at(1)[1] in ("", "x")
    ):
        out += "人数"  # 65人死亡 -> 死亡人数
    return out


PERSON_UNITS = frozenset({"人", "名", "人次"})
THRESHOLDS = frozenset({"more_than", "less_than"})
NON_HEAD_FLAGS = frozenset({"p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "r", "d", "x", "m", "q", "y", "f", "t"})
NON_HEAD_WORDS = frozenset("是 为 有 在 将 已 被 以上 以下 左右 和 与 及 或 就 还 也 都 共 到 至".split())
NP_STOPS = frozenset("的 中 等 之 里 内 上 下 后 前 全部 所有 部分 均 都 各 分别".split())


def _leading_np(text: str, proper: bool = False, ctx: _Ctx | None = None, within: tuple[int, int] = (0, 0)) -> str:
    """A noun phrase opening ``text`` (工业互联网已全面融入 -> 工业互联网); quoted terms whole.
    With ``proper``, only a phrase holding a proper noun (玉兔二号). ``text`` is read from
    ``ctx.ctext[within[0]:within[1]]`` (the article's words) when it is found there.

    >>> _leading_np("工业互联网已全面融入"), _leading_np("已全面融入")
    ('工业互联网', '')
    """
    if text and text[0] in "“「『\"":
        close = {"“": "”", "「": "」", "『": "』", '"': '"'}[text[0]]
        j = text.find(close, 1)
        if j > 1:
            return text[1:j] + _name_tail(text[j + 1 :])
    np = []
    has_proper = False
    head = text[:24]
    k = ctx.ctext.find(head, *within) if ctx is not None and head else -1
    for w, flag in _words(ctx, k, k + len(head)) if k >= 0 else _pseg(head):
        if flag[:1] == "n" or flag in ("j", "l", "eng", "b") or (flag == "vn" and np):
            np.append(w)
            has_proper = has_proper or flag in ("nr", "ns", "nt", "nz", "nrt")
        else:
            break
    out = "".join(np)
    if proper and not has_proper:
        return ""
    return out if len(out) >= 2 else ""


NAME_TAIL_NUM_RE = re.compile(r"[一二三四五六七八九十0-9]{1,3}")


def _name_tail(text: str) -> str:
    """A numbered part written right after a quoted name (“深海一号”二期工程 -> 二期工程), or ''.

    >>> _name_tail("二期工程年产天然气"), _name_tail("年产天然气")
    ('二期工程', '')
    """
    m = NAME_TAIL_NUM_RE.match(text)
    if not m:
        return ""
    rest = text[m.end() :]
    tail = next((w for w in words()["name_tail"] if rest.startswith(w)), "")
    return m.group(0) + tail if tail else ""


class _ArticleWords:
    """The article's tokens, found by offset: the words of a stretch of the source text with
    the tags jieba.posseg gives them."""

    def __init__(self, text: str, tokens: Sequence[Token]):
        self.text = text
        self.tokens = tokens
        self.starts = [t.start for t in tokens]

    def words(self, start: int, end: int) -> "_LazyWords | None":
        """(word, POS) of ``text[start:end]``, None when ``start`` falls inside a word.

        Words of jieba's dictionary keep their dictionary tag (what posseg gives them); a run
        of single characters and unknown words (what jieba cut with its HMM) is tagged by
        posseg's own HMM, as posseg does on the stretch alone; ``end`` inside a word cuts the
        word. The words are worked out as they are read (readers mostly stop after a few)."""
        i = bisect.bisect_left(self.starts, start)
        if i == len(self.tokens) or self.tokens[i].start != start:
            return None
        return _LazyWords(self._words(i, end))

    def _words(self, i: int, end: int):
        toks = self.tokens
        n = len(toks)
        while i < n and toks[i].start < end:
            t = toks[i]
            if _in_run(t):
                j = i + 1
                while j < n and toks[j].start < end and toks[j].start == toks[j - 1].end and _in_run(toks[j]):
                    j += 1
                run = self.text[t.start : min(toks[j - 1].end, end)]
                if len(run) == 1 and POSSEG_BLOCK_RE.match(run):
                    yield (run, dictionary_tag(run) or "x")  # what posseg gives one character alone
                else:
                    yield from _pseg(run)
                i = j
                continue
            if t.end > end:  # the stretch ends inside a word
                yield from _pseg(self.text[t.start : end])
                return
            yield (t.text, "x" if t.tag == "w" else t.tag)
            i += 1


class _LazyWords:
    """(word, POS) pairs read one by one, each worked out when first read; ``at(i)`` is
    ``("", "")`` past the end.

    >>> ws = _LazyWords(iter([("新建", "v"), ("道路", "n")]))
    >>> ws.at(1), ws.at(2), [w for w, _ in ws]
    (('道路', 'n'), ('', ''), ['新建', '道路'])
    """

    __slots__ = ("_source", "_seen")

    def __init__(self, source):
        self._source = source
        self._seen: list[tuple[str, str]] = []

    def at(self, i: int) -> tuple[str, str]:
        seen = self._seen
        while len(seen) <= i and self._source is not None:
            nxt = next(self._source, None)
            if nxt is None:
                self._source = None
            else:
                seen.append(nxt)
        return seen[i] if i < len(seen) else ("", "")

    def __iter__(self):
        i = 0
        while True:
            w = self.at(i)
            if not w[0]:
                return
            yield w
            i += 1


POSSEG_BLOCK_RE = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9]")  # characters posseg cuts in its dictionary pass


def _in_run(t: Token) -> bool:
    """A token jieba's HMM cut: a single character, a word not in the dictionary, a number."""
    return (len(t.text) == 1 or t.tag in ("?", "m", "eng")) and t.tag != "w"


def _words(ctx: _Ctx, start: int, end: int) -> _LazyWords:
    """(word, POS) of ``ctx.ctext[start:end]``: the article's own words where the stretch is
    the source text verbatim (no whitespace dropped, no digit folded), else jieba.posseg."""
    text = ctx.ctext[start:end]
    words = ctx.words
    if words is None or not text:
        return _LazyWords(iter(_pseg(text)))
    s, e = ctx.idx[start], ctx.idx[start + len(text) - 1] + 1
    if words.text[s:e] != text:
        return _LazyWords(iter(_pseg(text)))
    found = words.words(s, e)
    return _LazyWords(iter(_pseg(text))) if found is None else found


@functools.lru_cache(maxsize=4096)
def _pseg(text: str) -> tuple[tuple[str, str], ...]:
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(60)
    return tuple((p.word, p.flag) for p in pseg.cut(text))


def _assign_indicators_and_subjects(ctx: _Ctx, figures: list[_Figure], prev_topic: _Topic) -> None:
    ctext = ctx.ctext
    scopes = words()["scope"]
    batch = words()["batch"]
    prev: _Figure | None = None
    for f in figures:
        clause_start = _clause_start(ctext, f.cs)
        region_start = f.pre_start
        if prev is not None and prev.ce > region_start:
            region_start = prev.ce
            for w in qualifiers()["after"]:
                if ctext.startswith(w, region_start):
                    region_start += len(w)
        own = _clause_topic(ctx, clause_start, f.cs, enumeration_end=f.pre_end)
        for cs, ce, _span in ctx.mentions:
            if region_start <= cs and ce <= f.pre_end:
                region_start = ce
        raw = _remove_periods(ctx, region_start, f.pre_end)
        pre = _strip(raw)
        range_of_prev = prev is not None and RANGE_RE.fullmatch(ctext[prev.ce : f.cs])
        if range_of_prev:  # 6%－6.5%, 1000万元至1亿元: the second end of a range
            f.indicator, f.kind, f.sign = prev.indicator, prev.kind, prev.sign
            f.subject, f.subject_name, f.period = prev.subject, prev.subject_name, f.period or prev.period
            prev = f
            continue
        followed_by_de = ctext[f.ce : f.ce + 1] == "的"
        want_after = (
            f.unit_cls in ("count", "number")
            or len(pre) <= 2
            or followed_by_de
            or raw.endswith(("的", "等", "对", "向", "给", "把", "将"))
        )
        after = _after_np(ctx, f) if want_after else ""
        if f.unit_cls == "number":
            w, flag = _words(ctx, f.ce, f.ce + 6).at(0)
            if len(w) == 1 and flag in ("q", "zg"):
                f.extra["drop"] = True  # 一亿度: a unit we do not know
                continue
        if after and (len(after) >= 2 or f.unit_cls == "count"):
            w = _longest_suffix(ctext[: f.cs], batch)
            f.indicator, f.indicator_from_after = (w if w in ("首批", "第一批", "首期") else "") + after, True
        np_subject = None
        scope = _scope_at_start(raw, scopes) or next((s for s in scopes if raw.endswith(s)), None)
        listed = bool(scope and prev is not None and scope in prev.indicator[1:] and raw.startswith(scope))
        if listed:
            scope = None  # 入选全国特色小镇22个，全国…名村43个: a list of objects, not a new subject
        group = None if f.indicator_from_after else _group_at_start(_remove_periods(ctx, clause_start, f.pre_end), scopes)
        owner = None if group or f.indicator_from_after or own is not None else _possessor_np(pre)
        if owner:
            np_subject, f.indicator = owner
        elif group:
            np_subject, f.indicator = group, _strip(pre[pre.find(group) + len(group):] if group in pre else pre) or pre
        elif f.indicator_from_after:
            lead = _leading_np(_strip(_remove_periods(ctx, clause_start, f.pre_end), keep_quotes=True), ctx=ctx,
                               within=(clause_start, f.pre_end))
            lead_scope = _group_at_start(lead, scopes) or _scope_at_start(lead, scopes)
            if lead_scope:
                np_subject = lead_scope
            elif lead and lead != f.indicator:
                np_subject = lead
        elif scope:
            rest = pre[len(scope) :] if pre.startswith(scope) else pre
            np_subject, f.indicator = scope, rest or pre
        else:
            f.indicator = pre
            if own is None:
                lead = _leading_np(_strip(_remove_periods(ctx, clause_start, f.pre_end), keep_quotes=True), proper=True,
                                   ctx=ctx, within=(clause_start, f.pre_end))
                if lead and lead != pre:
                    np_subject = lead
                    if f.indicator.startswith(lead):
                        f.indicator = _strip(f.indicator[len(lead) :]) or f.indicator
        if not f.indicator:
            if f.kind == "share" and prev is not None:
                f.indicator = prev.indicator + _share_words(f.cue)
            elif prev is not None:
                f.indicator = prev.indicator
            elif f.kind == "share":
                f.indicator = _share_words(f.cue)
        elif f.kind == "share":
            f.indicator = f.indicator + _share_words(f.cue)
        if not f.indicator:
            f.indicator = after or _earlier_leading_np(ctx, clause_start) or _raw_after(ctext, f)
        # subject: the possessor (X的indicator) or entity topic of this clause, a topic noun
        # phrase, an earlier clause's entity, the previous figure's subject, an earlier
        # clause's scope word (全国…), the previous sentence's topic
        possessor = _possessor(ctx, clause_start, f)
        topic = possessor or own
        earlier = None
        if topic is None and not np_subject:
            pos = clause_start - 1
            while pos > 0 and earlier is None:
                cstart = _clause_start(ctext, pos)
                earlier = _clause_topic(ctx, cstart, pos, strict=True)
                if earlier is None:
                    text = _remove_periods(ctx, cstart, pos + 1)
                    earlier = _group_at_start(text, scopes) or _scope_at_start(text, scopes)
                pos = cstart - 1
        frame = _frame_before(ctx, clause_start) if own is None and not group and not scope else None
        if frame is not None:
            np_subject = frame if isinstance(frame, str) else None
            own = None if isinstance(frame, str) else frame
        clause_scope = None
        if not np_subject and own is None and not group and not listed:
            clause_scope = _scope_at_start(_remove_periods(ctx, clause_start, f.pre_end), scopes)
        if clause_scope:
            np_subject = clause_scope  # 前11个月我国对东盟、欧盟…进出口: the scope opening the clause
        if np_subject:
            np_subject = _strip(np_subject) or np_subject
        if topic is not None:
            _subject_of_span(f, topic[2])
        elif np_subject:
            f.subject, f.subject_name = None, np_subject
            f.extra["carry"] = np_subject in (group, scope, clause_scope) or np_subject in scopes
        elif earlier is not None and not isinstance(earlier, str):
            _subject_of_span(f, earlier[2])
        elif prev is not None and prev.subject_name:
            f.subject, f.subject_name, f.subject_text = prev.subject, prev.subject_name, prev.subject_text
            f.extra["carry"] = prev.extra.get("carry", False)
        elif isinstance(earlier, str):
            f.subject, f.subject_name = None, earlier
            f.extra["carry"] = True
        elif _national_source(ctx, f.cs):
            f.subject, f.subject_name = None, COUNTRY  # 国务院《意见》发布，提出到2015年…: the country's
        elif prev_topic.get() is not None:
            f.subject, f.subject_name = prev_topic.get()
        elif (near := _nearest_place_or_org(ctx, clause_start)) is not None:
            _subject_of_span(f, near)
        elif (split := _dimension_split(f.indicator)) is not None:
            f.subject_name, f.indicator = split
        else:
            f.subject, f.subject_name = None, f.indicator
        prev = f


def _subject_of_span(f: _Figure, span: Span) -> None:
    """The figure's subject is the entity of ``span``; its written form is kept when it differs."""
    f.subject, f.subject_name = span.entity, span.name or span.text
    f.subject_text = span.text if span.text != f.subject_name else ""


COUNTRY = "中国"  # the subject of a national body's figures (data/scope_entities.tsv links it)


def _national_source(ctx: _Ctx, before: int) -> bool:
    """Whether a body of the whole country (``metric_words`` national_body: 国务院…, 国家…局,
    …部 with no place before it) reports or issues what the sentence says before ``before``."""
    national = words()["national_body"]
    for m in ctx.sources:
        if bisect.bisect_left(ctx.idx, m.start) >= before:
            continue
        name = m.name or m.text
        if m.label == "ORG" and (name.startswith(national) or name.endswith(("部", "总局", "总署"))) and not any(
            c in name for c in "省市县区州"
        ):
            return True
    return False


def _dimension_split(indicator: str) -> tuple[str, str] | None:
    """(thing, dimension) of an indicator ending with a dimension word (``metric_words``
    dimension) after the thing measured, the thing cut after its last 的.

    >>> _dimension_split("新建的跨海大桥全长"), _dimension_split("全长")
    (('跨海大桥', '全长'), None)
    """
    dim = next((w for w in sorted(words()["dimension"], key=len, reverse=True) if indicator.endswith(w)), None)
    if dim is None:
        return None
    thing = _strip(indicator[: -len(dim)].rsplit("的", 1)[-1])
    return (thing, dim) if len(thing) >= 2 else None


RANGE_RE = re.compile(r"[－\-—–~～至到]")


def _earlier_leading_np(ctx: _Ctx, clause_start: int) -> str:
    """The noun phrase opening the nearest earlier clause (工业生产者出厂价格指数PPI，…，增幅0.4%)."""
    pos = clause_start - 1
    while pos > 0:
        cstart = _clause_start(ctx.ctext, pos)
        lead = _leading_np(_strip(_remove_periods(ctx, cstart, pos), keep_quotes=True), ctx=ctx, within=(cstart, pos))
        if lead:
            return lead
        pos = cstart - 1
    return ""


@functools.cache
def _group_re() -> re.Pattern:
    """openers, a scope word, up to four characters and a group word (``data/group_subjects.txt``)."""
    def alt(ws):
        return "|".join(re.escape(w) for w in sorted(ws, key=len, reverse=True))

    openers = [o for o in words()["opener"] if o not in ("在", "于", "对")]
    return re.compile(rf"(?:{alt(openers)}){{0,3}}(?P<scope>{alt(words()['scope'])})?"
                      rf"(?P<group>[^，、的和与及0-9]{{0,4}}?(?:{alt(lexicon_words('group_subjects.txt'))}))(?P<list>、)?")


def _group_at_start(text: str, scopes=()) -> str | None:
    """A sector or group opening ``text`` (全国铁路…, 高技术制造业增加值…, 民航共运送…): an optional
    scope word, up to four characters, and a group word of ``data/group_subjects.txt``; a list
    of sectors (铁路、公路、民航…) is not one of them, its scope word is their subject.

    >>> _group_at_start("全国铁路预计发送旅客"), _group_at_start("高技术制造业增加值")
    ('全国铁路', '高技术制造业')
    """
    if QUOTE_CHARS_RE.search(text):
        text = "".join(ch for ch in text if ch not in QUOTES)
    m = _group_re().match(text)
    if m is None:
        return None
    scope = m.group("scope") or ""
    if m.group("list"):
        return scope or None
    return scope + m.group("group")


QUOTE_CHARS_RE = re.compile("[" + re.escape(QUOTES) + "]")


@functools.cache
def _possessor_re() -> re.Pattern:
    heads = "|".join(re.escape(w) for w in words()["possessor_head"])
    return re.compile(rf"(?P<owner>[^，、的和与及0-9]{{1,10}}(?:{heads}))的(?P<indicator>[^，的]{{2,}})")


def _possessor_np(pre: str) -> tuple[str, str] | None:
    """(owner, indicator) of ``X企业的Y`` when no name is mentioned: 非应诉企业的反倾销税率 ->
    (非应诉企业, 反倾销税率); None otherwise.

    >>> _possessor_np("非应诉企业的反倾销税率"), _possessor_np("出事的隧道全长")
    (('非应诉企业', '反倾销税率'), None)
    """
    m = _possessor_re().fullmatch(pre)
    return (m.group("owner"), m.group("indicator")) if m else None


def _nearest_place_or_org(ctx: _Ctx, before: int) -> Span | None:
    """The last organisation or place mentioned earlier in the sentence, whatever its role:
    better than no subject at all (江苏做强农业的同时，…，累计接待游客1亿人次)."""
    for cs, _ce, span in reversed(ctx.mentions):
        if cs < before and span.label in CARRIED_LABELS:
            return span
    return None


def _frame_before(ctx: _Ctx, clause_start: int):
    """The frame an earlier clause of the sentence sets (在邮件监管方面，…; 在首都机场旅客查验现场，…):
    the entity mentioned in it, else its noun phrase; None when there is none."""
    pos = clause_start - 1
    ends = words()["frame_end"]
    while pos > 0:
        cstart = _clause_start(ctx.ctext, pos)
        text = ctx.ctext[cstart:pos]
        if text.startswith("在") and text.endswith(ends):
            ms = [m for m in ctx.mentions if cstart <= m[0] and m[1] <= pos]
            if ms:
                return ms[0]
            end = next(e for e in ends if text.endswith(e))
            inner = _strip(text[1 : len(text) - len(end)] if end == "方面" else text[1:])
            return inner or None
        if any(cstart <= m[0] < pos for m in ctx.mentions):
            return None  # a clause with its own names comes between: the frame is not this figure's
        pos = cstart - 1
    return None


@functools.cache
def _scope_re() -> re.Pattern:
    def alt(ws):
        return "|".join(re.escape(w) for w in sorted(ws, key=len, reverse=True))

    openers = [o for o in words()["opener"] if o not in ("在", "于", "对")]
    return re.compile(rf"(?:{alt(openers)}){{0,3}}(?P<scope>{alt(words()['scope'])})")


def _scope_at_start(text: str, scopes=()) -> str | None:
    """A scope word (全国, 我国…) opening ``text`` after openers, not inside 在全球/向全国.

    >>> _scope_at_start("目前全国快递业务量"), _scope_at_start("在全球")
    ('全国', None)
    """
    if QUOTE_CHARS_RE.search(text):
        text = "".join(ch for ch in text if ch not in QUOTES)
    m = _scope_re().match(text)
    return m.group("scope") if m else None


def _raw_after(ctext: str, f: _Figure) -> str:
    """Last resort indicator: the Chinese characters right after the figure (9部门联合 -> 部门)."""
    m = re.match(r"[\u4e00-\u9fff]{1,8}", ctext[f.ce :])
    if f.unit in units() and f.unit_cls == "count" and len(f.unit) >= 2:
        return f.unit
    return m.group(0) if m else ""


RANK_RE = re.compile(r"排名|排位|位列|名次|排在|位居|列第")
LIST_SEP_RE = re.compile(r"(?:以上|以下|左右)?(?:、|，|,|和|及|与|以及)")


def _pair_respectively(ctx: _Ctx, figures: list[_Figure]) -> None:
    """A、B和C分别增长x%、y%和z%: pair the listed indicators with the figures in order; all
    share the cue (kind, sign) of the first."""
    ctext = ctx.ctext
    i = 0
    while i < len(figures):
        f = figures[i]
        cs = _clause_start(ctext, f.cs)
        k = ctext.rfind("分别", cs, f.cs)
        j = i + 1
        while j < len(figures) and LIST_SEP_RE.fullmatch(ctext[figures[j - 1].ce : figures[j].cs]):
            j += 1
        group = figures[i:j]
        if k >= 0 and len(group) > 1:
            start = cs
            for ms, me, _span in ctx.mentions:
                if cs <= ms and me <= k:
                    start = max(start, me)
            base = _strip(_remove_periods(ctx, start, k))
            scope = _scope_at_start(base, words()["scope"])
            if scope and base.startswith(scope):
                base = base[len(scope) :]
            base = _strip_cue(base)
            items = [_strip(x) for x in re.split(r"、|和", base) if _strip(x)]
            for g in group[1:]:
                g.kind, g.sign = f.kind, f.sign
            if len(items) == len(group):
                for g, item in zip(group, items):
                    g.indicator = item
            else:
                for g in group[1:]:
                    g.indicator = f.indicator
            for g in group:
                if g.subject is None and (scope or not g.extra.get("carry")):
                    g.subject_name, g.subject_text = scope or g.indicator, ""
        i = j


def _strip_cue(text: str) -> str:
    """Remove a cue (同比) left at the end of a list of indicators."""
    best = ""
    for cue in cues():
        m = cue.pattern.search(text)
        if m and len(m.group(0)) > len(best):
            best = m.group(0)
    return text[: len(text) - len(best)] if best else text


def _possessor(ctx: _Ctx, clause_start: int, f: _Figure):
    """X的indicator: the mention right before 的 and the indicator owns the figure."""
    for m in reversed(ctx.mentions):
        if m[1] <= f.pre_end and m[0] >= clause_start:
            if ctx.ctext[m[1] : m[1] + 1] == "的" and not any(
                m[1] < o[0] < f.pre_end for o in ctx.mentions
            ):
                return m
            return None
    return None


def _share_words(cue: str) -> str:
    """占国内生产总值比重达到 -> 占国内生产总值比重."""
    return re.sub(r"(?:为|达到?|超过|提高到|升至)$", "", cue)
