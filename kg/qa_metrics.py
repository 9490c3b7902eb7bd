"""Figures for questions: read observations from the graph, find the indicators a question
may mean, and score how well an observation answers it (words of the measure, kind of
figure, unit, subject), so that the best one is chosen or none when nothing fits.

>>> ask = metric_ask("数字服务出口同比增长多少")
>>> o = Observation("o1", None, "中国", "数字服务出口", "7.2", "%", None, "yoy_growth", "2022")
>>> round(score(ask, o), 2) >= FOUND_AT
True
"""
from __future__ import annotations

import array
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from extract.periods import REL_YEARS
from kg.qa_lexicon import load_subject_scope
from kg.qa_parse import MetricAsk, canonical_words, load_query, metric_ask
from kg.store import PerStoreCache
from kg.vocab import PREFIXES

#: score from which an observation counts as an answer
FOUND_AT = 0.62
#: words a kind of figure adds to its indicator's name (so "同比增长" in a question is covered)
KIND_WORDS = {"yoy_growth": "同比增长", "avg_annual_growth": "年均增长", "growth": "增长", "share": "比重占", "rank": "排名第"}
GROWTH_KINDS = ("yoy_growth", "avg_annual_growth", "growth")
#: words of an indicator that is itself a rate (its change is given in 个百分点)
RATE_WORDS = ("率", "比重", "占比", "比例", "份额", "指数")
#: private-use characters stand for entity mentions inside a question being scored
MARK = 0xE000


@dataclass(frozen=True)
class Observation:
    """One figure (an nkg:Observation) with its provenance."""

    iri: str
    subject: str | None
    subject_name: str
    indicator: str
    value: str
    unit: str | None
    qualifier: str | None
    kind: str
    period: str | None
    fstart: int | None = None
    fend: int | None = None
    sentence: str | None = None
    sstart: int | None = None
    send: int | None = None
    article: str | None = None
    title: str | None = None
    date: str | None = None

    @property
    def clause(self) -> str:
        """The words just before the figure in its sentence (from the last comma or stop):
        often the only place a figure's finer name is written (首批…, 今年…将达到)."""
        if self.sentence is None or self.fstart is None or self.sstart is None:
            return ""
        head = self.sentence[: max(0, self.fstart - self.sstart)]
        cut = max(head.rfind(c) for c in "，,；;。：:")
        return "".join(head[cut + 1:].split())

    @property
    def year(self) -> str | None:
        """Year of the article the figure comes from."""
        return self.date[:4] if self.date else None


def _v(row, name):
    t = row[name]
    return None if t is None else t.value


def _i(row, name):
    v = _v(row, name)
    return int(v) if v is not None else None


def observations(rows) -> list[Observation]:
    """Observations from the rows of entity_metrics.rq / indicator_metrics.rq (deduplicated)."""
    seen, out = set(), []
    for r in rows:
        iri = r["stmt"].value
        if iri in seen:
            continue
        seen.add(iri)
        out.append(Observation(
            iri=iri, subject=_v(r, "subject"), subject_name=_v(r, "subjectName") or "", indicator=_v(r, "indicator") or "",
            value=_v(r, "value"), unit=_v(r, "unit"), qualifier=_v(r, "qualifier"), kind=_v(r, "kind") or "level",
            period=_v(r, "period"), fstart=_i(r, "fstart"), fend=_i(r, "fend"), sentence=_v(r, "sentence"),
            sstart=_i(r, "sstart"), send=_i(r, "send"), article=_v(r, "articleId"), title=_v(r, "title"),
            date=_v(r, "date")))
    return out


# --- the indicator index (cached per store) --------------------------------------------


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} if len(text) > 1 else ({text} if text else set())


@dataclass(frozen=True)
class ObsKey:
    """What the Q&A knows of every observation without reading it: enough to tell whether
    it can answer a question at all (:func:`may_answer`) before its row is fetched."""

    iri: str
    subject: str | None
    subject_name: str
    indicator: str
    kind: str


class Postings(Mapping):
    """A read-only mapping name -> list, stored flat: the names, one array of offsets, one of
    positions into ``items`` (or the positions themselves when ``items`` is None). It pickles
    and unpickles as a few arrays (milliseconds, where a dict of 100,000 lists takes a second)
    and builds a list only when asked for it.

    >>> p = Postings({"a": [0, 2], "b": [1]}, ["x", "y", "z"])
    >>> p["a"], p.get("c", ()), len(p), p == {"a": ["x", "z"], "b": ["y"]}
    (['x', 'z'], (), 2, True)
    """

    def __init__(self, groups: dict[str, list[int]], items: list | None = None):
        self.names = list(groups)
        self.offsets = array.array("l", [0])
        self.data = array.array("l")
        for name in self.names:
            self.data.extend(groups[name])
            self.offsets.append(len(self.data))
        self.items_ = items
        self._at = {name: i for i, name in enumerate(self.names)}

    def __getitem__(self, name: str) -> list:
        i = self._at[name]
        positions = self.data[self.offsets[i]:self.offsets[i + 1]]
        return list(positions) if self.items_ is None else [self.items_[j] for j in positions]

    def __iter__(self):
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def __contains__(self, name) -> bool:
        return name in self._at

    def size(self, name: str) -> int:
        """len(self[name]) without building the list."""
        i = self._at.get(name)
        return 0 if i is None else self.offsets[i + 1] - self.offsets[i]

    def __getstate__(self) -> dict:
        return {"names": self.names, "offsets": self.offsets, "data": self.data, "items": self.items_}

    def __setstate__(self, state: dict) -> None:
        self.names, self.offsets, self.data, self.items_ = state["names"], state["offsets"], state["data"], state["items"]
        self._at = {name: i for i, name in enumerate(self.names)}


class _Keys(list):
    """ObsKeys kept as plain tuples (fast to pickle), made into ObsKey when read."""

    def __getitem__(self, i):
        return ObsKey(*list.__getitem__(self, i))


@dataclass
class IndicatorIndex:
    """Distinct indicators with the subject names they are given for, searchable by the
    character pairs they share with a question; and, when built from a store, every
    observation's :class:`ObsKey` by subject entity and by indicator."""

    entries: list[tuple[str, str, str]]  # (indicator IRI, indicator name, subject name)
    by_subject: Mapping[str, list[ObsKey]] = field(default_factory=dict)
    by_indicator: Mapping[str, list[ObsKey]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_bigram: dict[str, list[int]] = defaultdict(list)
        self.canon: list[str] = []
        for n, (_, ind, subj) in enumerate(self.entries):
            text = canonical_words(subj + ind)
            self.canon.append(text)
            for bg in _bigrams(text):
                by_bigram[bg].append(n)
        self.by_bigram = Postings(by_bigram)

    def figures(self, subject: str) -> int:
        """How many figures the entity ``subject`` has (without building their list)."""
        by = self.by_subject
        return by.size(subject) if isinstance(by, Postings) else len(by.get(subject, ()))

    def search(self, text: str, k: int = 8) -> list[tuple[str, str, float]]:
        """Indicators most similar to ``text``: [(IRI, name, similarity)], best first."""
        q = _bigrams(canonical_words(text))
        if not q:
            return []
        counts: dict[int, int] = defaultdict(int)
        for bg in q:
            for n in self.by_bigram.get(bg, ()):
                counts[n] += 1
        scored = []
        for n, c in counts.items():
            sim = 2 * c / (len(q) + len(_bigrams(self.canon[n])))
            scored.append((sim, n))
        scored.sort(key=lambda x: -x[0])
        out, seen = [], set()
        for sim, n in scored:
            iri, name, _ = self.entries[n]
            if iri not in seen:
                seen.add(iri)
                out.append((iri, name, sim))
            if len(out) >= k:
                break
        return out


_CACHE = PerStoreCache()


def indicator_index(store) -> IndicatorIndex:
    """The indicator index of ``store``, built on first use (or read from the disk cache,
    :mod:`kg.qa_cache`) and kept in memory (at most 4 stores)."""
    from kg.qa_cache import cached

    return _CACHE.get(store, lambda st: cached(st, "indicators", _build_indicator_index))


def _build_indicator_index(store) -> IndicatorIndex:
    """One pass over the observations (``indicator_index.rq``)."""
    rows = store.query(load_query("indicator_index.rq"), prefixes=PREFIXES, use_default_graph_as_union=True)
    entries: dict[tuple[str, str, str], None] = {}
    keys = _Keys()
    by_subject: dict[str, list[int]] = defaultdict(list)
    by_indicator: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        ind = r["ind"].value if r["ind"] is not None else None
        name = r["indicator"].value if r["indicator"] is not None and ind is not None else ""
        subj = r["subjectName"].value
        subject = r["subject"].value if r["subject"] is not None else None
        keys.append((r["obs"].value, subject, subj, name, r["kind"].value if r["kind"] is not None else "level"))
        if ind is not None:  # a figure without an indicator answers no question, but counts
            entries.setdefault((ind, name, subj))
            by_indicator[ind].append(len(keys) - 1)
        if subject is not None:
            by_subject[subject].append(len(keys) - 1)
    return IndicatorIndex(list(entries), Postings(by_subject, keys), Postings(by_indicator, keys))


def clear_cache(store=None) -> None:
    """Forget cached indicator indexes (of one store, or all)."""
    _CACHE.clear(store)


# --- scoring -------------------------------------------------------------------------


@dataclass(frozen=True)
class Named:
    """A subject named in the question: a linked entity (its IRIs) or a known place word."""

    surface: str
    iris: frozenset[str]
    hard: bool
    parents: frozenset[str] = frozenset()  # organisations it is named after (half a match)


def obs_text(o: Observation) -> str:
    """The words an observation is known by: subject, indicator, and its kind's words."""
    return canonical_words(o.subject_name + o.indicator + KIND_WORDS.get(o.kind, ""))


def score(ask: MetricAsk, o: Observation, named: list[Named] | None = None) -> float:
    """How well ``o`` answers a question whose measure words are ``ask.phrase`` (entity
    mentions replaced by marks ``chr(MARK + i)`` indexing ``named``). 0 when the question
    names a subject that ``o`` is not about."""
    named = named or []
    text = obs_text(o)
    grams = _bigrams(text) | _bigrams(canonical_words(o.clause))
    phrase = ask.phrase
    weights: list[float] = []
    covered: list[float] = []
    for i, ch in enumerate(phrase):
        if MARK <= ord(ch) < MARK + len(named):
            nm = named[ord(ch) - MARK]
            ok = 1.0 if _subject_ok(nm, o, text) or partner_in_clause(nm, o, named, text) else 0.5 if o.subject in nm.parents else 0.0
            if not ok and nm.hard:
                return 0.0
            weights.append(2.0)
            covered.append(ok)
            continue
        left = phrase[i - 1:i + 1] if i > 0 else ""
        right = phrase[i:i + 2]
        weights.append(1.0)
        covered.append(float((len(left) == 2 and left in grams) or (len(right) == 2 and right in grams)))
    total = sum(weights)
    if total == 0:
        return 0.0
    cov_q = sum(w * c for w, c in zip(weights, covered)) / total
    ind = canonical_words(o.indicator)
    ind_grams = _bigrams(ind)
    q_grams = _bigrams(phrase)
    cov_ind = len(ind_grams & q_grams) / len(ind_grams) if ind_grams else 0.0
    if not _measure_asked(phrase, o.indicator):
        return 0.0  # nothing of the measure itself is asked for
    s = 0.55 * cov_q + 0.45 * cov_ind
    s += _kind_bonus(ask.kind, o.kind)
    if ask.kind in GROWTH_KINDS and o.unit == "个百分点" and not any(w in o.indicator for w in RATE_WORDS):
        s -= 0.1  # percentage points change a rate; the growth of an amount is a percentage
    if ask.unit_hint and o.unit:
        s += 0.08 if ask.unit_hint in o.unit else -0.05
    return s


def _measure_asked(phrase: str, indicator: str) -> bool:
    ind = canonical_words(indicator)
    return bool(_bigrams(ind) & _bigrams(phrase)) or bool(ind and ind in phrase)


def may_answer(ask: MetricAsk, key: ObsKey, named: list[Named] | None = None) -> bool:
    """False when :func:`score` of the observation ``key`` stands for is certainly 0 (the
    question asks for none of its measure's words, or names a subject it is not about):
    such figures need not be read from the store.

    >>> k = ObsKey("o1", None, "中国", "数字服务出口", "yoy_growth")
    >>> may_answer(metric_ask("数字服务出口同比增长多少"), k), may_answer(metric_ask("粮食产量是多少"), k)
    (True, False)
    """
    if not _measure_asked(ask.phrase, key.indicator):
        return False
    o = Observation(key.iri, key.subject, key.subject_name, key.indicator, "", None, None, key.kind, None)
    text = obs_text(o)
    for i, ch in enumerate(ask.phrase):
        if MARK <= ord(ch) < MARK + len(named or ()):
            nm = named[ord(ch) - MARK]
            others = any(_subject_ok(n2, o, text) for n2 in named if n2 is not nm)  # may be a partner (clause unread)
            if nm.hard and not _subject_ok(nm, o, text) and o.subject not in nm.parents and not others:
                return False
    return True


def best_possible(ask: MetricAsk, key: ObsKey, named: list[Named] | None = None) -> float:
    """The highest :func:`score` the observation ``key`` stands for can reach, whatever its
    sentence and unit (every word of the question found, the unit bonus taken): to read
    the most promising figures first when there are too many to read.

    >>> ask = metric_ask("数字服务出口同比增长多少")
    >>> yoy, level = (ObsKey("o", None, "中国", "数字服务出口", kind) for kind in ("yoy_growth", "level"))
    >>> best_possible(ask, yoy) > best_possible(ask, level)
    True
    """
    named = named or []
    o = Observation(key.iri, key.subject, key.subject_name, key.indicator, "", None, None, key.kind, None)
    text = obs_text(o)
    phrase = ask.phrase
    total = got = 0.0
    for ch in phrase:
        if MARK <= ord(ch) < MARK + len(named):
            nm = named[ord(ch) - MARK]
            total += 2.0
            got += 2.0 if _subject_ok(nm, o, text) else 1.0 if o.subject in nm.parents else 0.0
        else:
            total += 1.0
            got += 1.0
    if not total or not _measure_asked(phrase, key.indicator):
        return 0.0
    ind_grams = _bigrams(canonical_words(key.indicator))
    cov_ind = len(ind_grams & _bigrams(phrase)) / len(ind_grams) if ind_grams else 0.0
    return 0.55 * got / total + 0.45 * cov_ind + _kind_bonus(ask.kind, key.kind) + (0.08 if ask.unit_hint else 0.0)


#: names of the whole country: a figure of one answers a question naming another (我国 = 全国 = 中国)
NATIONAL = frozenset({"中国", "全国", "我国", "国内", "中华人民共和国"})


_QUOTES = re.compile("[“”\"'‘’《》「」『』]")
_PLACE_END = re.compile("(省|市|县|区|自治区|特别行政区)$")


def named_in_clause(nm: Named, o: Observation) -> bool:
    """The figure's own clause names the asked subject, and the figure's subject is the place
    that name begins with: the extraction gave the place (上海市) for 上海“一网通办”平台已接入
    1274项, asked as 上海一网通办平台.

    >>> o = Observation("o", None, "上海市", "政务服务事项", "1274", "项", None, "level", None, 30, 34,
    ...                 "自2018年10月开通以来，上海“一网通办”平台已接入1274项政务服务事项。", 0, 40)
    >>> named_in_clause(Named("上海一网通办平台", frozenset(), True), o)
    True
    """
    place = _PLACE_END.sub("", o.subject_name or "")
    surface = nm.surface
    if len(place) < 2 or len(surface) <= len(place) or not surface.startswith(place):
        return False
    return surface in _QUOTES.sub("", o.clause)


def partner_in_clause(nm: Named, o: Observation, named: list[Named], text: str) -> bool:
    """A question naming two subjects (我国和东盟的贸易总值): a figure of the other one whose
    clause names ``nm`` too (我国与东盟贸易总值为4.24万亿元) is the figure of both.

    >>> o = Observation("o", None, "我国", "贸易总值", "4.24", "万亿元", None, "level", None, 14, 18,
    ...                 "前11个月，我国与东盟贸易总值为4.24万亿元。", 0, 26)
    >>> both = [Named("中国", frozenset(), True), Named("东盟", frozenset(), True)]
    >>> partner_in_clause(both[1], o, both, obs_text(o)), partner_in_clause(both[1], o, both[1:], obs_text(o))
    (True, False)
    """
    if not nm.surface or nm.surface not in _QUOTES.sub("", o.clause):
        return False
    return any(_subject_ok(n2, o, text) for n2 in named if n2 is not nm and n2 is not None)


def _subject_ok(nm: Named, o: Observation, text: str) -> bool:
    if o.subject and o.subject in nm.iris:
        return True
    surface = nm.surface
    if surface in NATIONAL and (o.subject_name in NATIONAL or any(w in text for w in NATIONAL)):
        return True  # 我国 = 全国 = 中国, also inside the indicator (东盟占我国外贸总值的比重)
    if named_in_clause(nm, o):
        return True
    if surface and (surface in text or (o.subject_name and o.subject_name in surface)):
        return True
    return False


def _kind_bonus(asked: str, kind: str) -> float:
    if asked == kind:
        return 0.12
    if asked == "level":
        return -0.35 if kind in GROWTH_KINDS + ("share",) else -0.05
    if asked == "growth" and kind in GROWTH_KINDS:
        return 0.06 if kind == "yoy_growth" else 0.08
    if asked in GROWTH_KINDS and kind in GROWTH_KINDS:
        return -0.15
    return -0.3


def scope_words() -> dict[str, str]:
    """Scope words (全国, 我国 ...) and the subject they stand for ('' = none)."""
    return load_subject_scope()


def period_matches(asked: str, o: Observation) -> bool:
    """Whether ``o`` is a figure for the period ``asked`` (graph notation; relative words
    such as 今年 mean the year of the figure's own article).

    >>> o = Observation("o", None, "x", "y", "1", "", None, "level", "2023", date="2023-09-20")
    >>> period_matches("2023", o), period_matches("今年", o), period_matches("2022", o)
    (True, True, False)
    """
    if asked.startswith("@"):  # written without a year: read against the figure's story date
        from kg.qa_when import resolve

        want = resolve(asked, o.date)
        return want is not None and o.period is not None and period_matches(want, o)
    p = o.period
    if p is None:  # a figure with no period of its own: the day or month of its story
        day = (o.date or "").replace("-", "")[:8]
        return bool(asked[:1].isdigit() and len(asked) >= 7 and "/" not in asked and day.startswith(asked.replace("-", "")))
    if p == asked:
        return True
    rel = REL_YEARS
    if asked in rel:
        y = o.year
        if y is None:
            return False
        want = str(int(y) + rel[asked])
        return p == want or (p in rel and rel[p] == rel[asked])
    if p in rel and o.year:
        return str(int(o.year) + rel[p]) == asked
    if p.startswith("as_of:"):  # a stock as of a date answers for its year and its month
        return p[6:10] == asked or p[6:].startswith(asked) and len(asked) >= 7
    return False


__all__ = ["Observation", "ObsKey", "Postings", "may_answer", "best_possible", "observations", "IndicatorIndex", "indicator_index", "score", "period_matches",
           "Named", "metric_ask", "FOUND_AT", "MARK", "clear_cache"]
