"""The check before a figure is called an answer: the figure's subject is the asked subject
(or an alias or part of it), its period the asked period, its indicator the asked one. A
question's words that the figure does not account for (腾讯 in 腾讯建成了多少个5G基站 when the
figure is China's; 规模以上工业 when the figure is 高技术制造业's) make it another question's
answer, and the Q&A says the corpus does not say."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from kg.qa_metrics import KIND_WORDS, MARK, NATIONAL, Named, Observation, named_in_clause, period_matches
from kg.qa_parse import canonical_words

DATA = Path(__file__).parent / "data"
#: an uncovered run of at least this many characters is an asked word the figure lacks
MIN_MISSING = 2
#: an uncovered single character the figure's words lack counts too (进口 is not 出口: 口 is
#: covered by 出口量's 口量, 进 is nowhere)
MIN_LOST = 1
#: most characters between a modifier and its head in a figure's clause (进出境原有的8个环节)
MAX_GAP = 8
#: least share of the figure's indicator bigrams a question must still ask once the words of
#: the figure's subject phrase are taken out (they name the subject, not another measure)
MIN_ASKED_INDICATOR = 0.5


@dataclass(frozen=True)
class Verdict:
    """Why a figure does not answer the question: ``what`` is subject, period or indicator;
    ``missing`` the asked words the figure does not account for."""

    what: str
    missing: str

    def label(self) -> str:
        """The Chinese label a related fact carries (另一主体 / 另一时期 / 另一指标)."""
        return {"subject": "另一主体", "period": "另一时期", "indicator": "另一指标"}[self.what]


@functools.lru_cache(maxsize=None)
def filler_words() -> tuple[str, ...]:
    """The words of ``verify_filler.txt``, longest first."""
    words = []
    for line in (DATA / "verify_filler.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.append(canonical_words(line))
            words.append(line)
    return tuple(sorted(set(words), key=len, reverse=True))


@functools.lru_cache(maxsize=None)
def distinct_words() -> tuple[str, ...]:
    """The words of ``distinct_words.txt``, canonical, longest first."""
    lines = (DATA / "distinct_words.txt").read_text(encoding="utf-8").splitlines()
    return tuple(sorted({canonical_words(x.strip()) for x in lines if x.strip() and not x.startswith("#")},
                        key=len, reverse=True))


def words_in(text: str) -> set[str]:
    """The distinct measure words in ``text``, each not inside a longer one.

    >>> sorted(words_in("深圳进口总值")), sorted(words_in("深圳进出口总值"))
    (['进口'], ['进出口'])
    """
    found = set()
    for w in distinct_words():
        if w in text:
            found.add(w)
            text = text.replace(w, "\n")
    return found


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def missing_words(phrase: str, known: str) -> list[str]:
    """Runs of ``phrase`` (asked measure words, entity marks left out) that no bigram of
    ``known`` covers, filler words removed.

    >>> missing_words("腾讯建成5G基站", "中国建成5G基站")
    ['腾讯']
    >>> missing_words("出口额", "出口")
    []
    >>> missing_words("汽车进口量", "汽车出口量")
    ['进']
    """
    grams = _bigrams(known)
    covered = [False] * len(phrase)
    for i in range(len(phrase) - 1):
        if phrase[i:i + 2] in grams:
            covered[i] = covered[i + 1] = True
    for i, ch in enumerate(phrase):
        if ch in known and len(known) == 1:
            covered[i] = True
    runs, cur = [], ""
    for ch, ok in zip(phrase, covered):
        if ok or MARK <= ord(ch) < MARK + 256:
            if cur:
                runs.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        runs.append(cur)
    out = []
    for run in runs:
        for w in filler_words():
            run = run.replace(w, " ")
        out += [p for p in run.split() if len(p) >= MIN_MISSING or (len(p) >= MIN_LOST and p not in known)]
    return out


def drop_subject(phrase: str, names: str) -> str:
    """``phrase`` with its longest run covered by the subject's names replaced by a mark: the
    subject mention itself; the names' words elsewhere in the phrase must name the measure.

    >>> drop_subject("格尔木风电光伏基地风电装机", "格尔木大型风电光伏基地") == "格尔木" + chr(MARK + 255) + "风电装机"
    True
    """
    grams = _bigrams(names)
    best, i = (0, 0), 0
    while i < len(phrase) - 1:
        j = i
        while j < len(phrase) - 1 and phrase[j:j + 2] in grams:
            j += 1
        if j > i and j + 1 - i > best[1] - best[0]:
            best = (i, j + 1)
        i = max(j, i + 1)
    a, b = best
    return phrase[:a] + chr(MARK + 255) + phrase[b:] if b - a >= MIN_MISSING else phrase


def _covered(phrase: str, text: str) -> list[bool]:
    grams = _bigrams(text)
    out = [False] * len(phrase)
    for i in range(len(phrase) - 1):
        if phrase[i:i + 2] in grams:
            out[i] = out[i + 1] = True
    return out


def loose_modifiers(phrase: str, core: str, clause: str) -> list[str]:
    """Asked words found only in the figure's clause, right before words of its indicator,
    that the clause does not put before them (within :data:`MAX_GAP` characters): 风电 of
    风电装机 when the clause says 风电光伏基地里又有70万千瓦的光伏装机 is not the figure's measure.

    >>> loose_modifiers("风电装机", "德令哈光伏装机", "德令哈风电光伏基地里又有70万千瓦的光伏装机")
    ['风电']
    >>> loose_modifiers("风电装机", "德令哈装机", "德令哈风电装机")
    []
    """
    in_core, in_clause = _covered(phrase, core), _covered(phrase, clause)
    out, i = [], 0
    while i < len(phrase):
        if in_clause[i] and not in_core[i]:
            j = i
            while j < len(phrase) and in_clause[j] and not in_core[j]:
                j += 1
            mod, head = phrase[i:j], phrase[j:j + 2]
            if len(mod) >= MIN_MISSING and len(head) == 2 and head in _bigrams(core) and not _near(clause, mod, head):
                out.append(mod)
            i = j
        else:
            i += 1
    return out


def _near(text: str, first: str, then: str) -> bool:
    """``then`` starts within :data:`MAX_GAP` characters after an occurrence of ``first``."""
    start = text.find(first)
    while start >= 0:
        end = start + len(first)
        if 0 <= text.find(then, end) <= end + MAX_GAP:
            return True
        start = text.find(first, start + 1)
    return False


def subject_matches(nm: Named, o: Observation, aliases: tuple[str, ...] = ()) -> bool:
    """``o`` is about the subject ``nm`` names: the same entity, or one name is part of the
    other (中国 for 我国 through the scope table, 晋江市 for 晋江)."""
    if o.subject and (o.subject in nm.iris or o.subject in nm.parents):
        return True
    if named_in_clause(nm, o):
        return True
    names = [n for n in (o.subject_name, *aliases) if n]
    surface = nm.surface
    if surface in NATIONAL:
        return not names or any(n in NATIONAL for n in names)
    return any(surface in n or (len(n) >= 2 and n in surface) for n in names)


_STOPS = "，,；;。：:！？!?"
#: words that open a clause continuing the one before (其中高技术制造业增长了23.5%)
CONTINUING = ("其中", "分别")


def figure_clause(o: Observation) -> str:
    """The clause of the figure's sentence that holds the figure (from the stop before it to
    the stop after it): the words that may name it beside subject and indicator (16台机组全部投产)."""
    if o.sentence is None or o.fstart is None or o.sstart is None:
        return ""
    start, end = max(0, o.fstart - o.sstart), max(0, (o.fend or o.fstart) - o.sstart)
    head, tail = o.sentence[:start], o.sentence[end:]
    cut = max(head.rfind(c) for c in _STOPS)
    if head[cut + 1:].startswith(CONTINUING):  # 其中…: the clause goes on from the one before
        cut = max(head.rfind(c, 0, max(cut, 0)) for c in _STOPS)
    stops = [i for i in (tail.find(c) for c in _STOPS) if i >= 0]
    return "".join((head[cut + 1:] + o.sentence[start:end] + tail[:min(stops) if stops else len(tail)]).split())


def subject_phrase(o: Observation, aliases: tuple[str, ...] = ()) -> str:
    """The figure's subject as its sentence writes it: from the last mention of the subject's
    name (or an alias) before the indicator up to the indicator, a stop or a digit, whichever
    comes first (全国 + 跨行业跨领域工业互联网平台 of 全国跨行业跨领域工业互联网平台达50家，平均连接
    工业设备超218万台 for 平均连接工业设备). Empty when the sentence does not write the indicator
    before the figure or no subject name before it.

    >>> o = Observation("o", None, "全国", "平均连接设备", "218", "万台", None, "level", None, 26, 29,
    ...                 "截至目前，全国甲乙平台达50家，平均连接设备超218万台。", 0, 31)
    >>> subject_phrase(o)
    '全国甲乙平台达'
    """
    if o.sentence is None or o.fstart is None or o.sstart is None or not o.indicator:
        return ""
    head = o.sentence[: max(0, o.fstart - o.sstart)]
    at = head.rfind(o.indicator)
    names = [n for n in (o.subject_name, *aliases) if len(n or "") >= MIN_MISSING]
    starts = [head.rfind(n, 0, at) for n in names] if at >= 0 else []
    start = max(starts, default=-1)
    if start < 0:
        return ""
    span = head[start:at]
    cut = next((i for i, ch in enumerate(span) if ch in _STOPS or ch.isdigit()), len(span))
    return "".join(span[:cut].split())


def _drop_subject_phrase(rest: str, o: Observation, aliases: tuple[str, ...]) -> str | None:
    """``rest`` with the run its figure's subject phrase covers taken out, when what is left
    still asks the figure's indicator (at least :data:`MIN_ASKED_INDICATOR` of its bigrams);
    else None: the asked words the phrase covers would be another measure's, not the subject's."""
    phrase = canonical_words(subject_phrase(o, aliases))
    if len(phrase) < MIN_MISSING:
        return None
    left = drop_subject(rest, phrase)
    wanted = _bigrams(canonical_words(o.indicator))
    if left == rest or not wanted or len(wanted & _bigrams(left)) < MIN_ASKED_INDICATOR * len(wanted):
        return None
    return left


def _lost(rest: str, core: str, clause: str) -> list[str]:
    """The asked words in ``rest`` that neither the figure's indicator nor its clause account for."""
    lost = missing_words(rest, core + "\n" + clause) + loose_modifiers(rest, core, clause)
    return lost + sorted(words_in(rest) - words_in(core + "\n" + clause))


def check_figure(phrase: str, named: list[Named | None], asked_period: str | None, o: Observation,
                 aliases: tuple[str, ...] = ()) -> Verdict | None:
    """None when ``o`` answers the question whose measure words are ``phrase`` (subjects
    replaced by marks indexing ``named``) for ``asked_period``; else why it does not."""
    subjects = [nm for nm in named if nm is not None]
    if subjects and not any(subject_matches(nm, o, aliases) for nm in subjects):
        return Verdict("subject", "、".join(nm.surface for nm in subjects))
    if asked_period and not period_matches(asked_period, o) and not (
            o.period is None and not asked_period[:1].isdigit() and asked_period in o.indicator):
        return Verdict("period", asked_period)
    names = canonical_words("\n".join((o.subject_name, *aliases)))
    core = canonical_words(o.indicator + KIND_WORDS.get(o.kind, ""))
    rest = drop_subject(phrase, names)
    clause = names + "\n" + canonical_words(figure_clause(o))
    lost = _lost(rest, core, clause)
    if lost:  # the asked words may name the subject as its sentence writes it (全国…平台)
        left = _drop_subject_phrase(rest, o, aliases)
        if left is None or _lost(left, core, clause):
            return Verdict("indicator", "、".join(lost))
    return None
