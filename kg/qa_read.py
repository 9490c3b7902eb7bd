"""Answers read from the text when no relation in the graph holds them: the question's answer
type (谁 -> person, 哪个部门 -> organisation, 哪里 -> place, 什么时候 -> date, 是做什么的 -> role),
the sentences that mention the entities it names and its other words, and there the entity of
the asked type (or the date, or the words before a person's name). Such answers are marked as
read from the text and carry their sentence."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from extract.periods import find_periods
from kg.qa_parse import period_label

DATA = Path(__file__).parent / "data"
#: entity types of the graph that answer each asked type
TYPE_CLASSES = {"ORG": ("ORG", "PLATFORM"), "PERSON": ("PERSON", "PER"), "PLACE": ("PLACE", "LOC", "GPE")}
_QUOTES = re.compile("[“”\"'‘’《》「」『』]")
#: share of the question's other words (bigrams) the sentence read must hold (2 of 3 is not enough)
MIN_COVER = 0.75


@dataclass(frozen=True)
class Reading:
    """One answer read from a sentence: ``value`` as written there, at ``span`` (offsets in
    the article text)."""

    value: str
    kind: str
    sentence: str
    article: str
    title: str | None
    sstart: int
    send: int
    span: tuple[int, int]
    exact: str | None = None  # a relative date made exact by the story date (今年6月 -> 2023年6月)


@functools.lru_cache(maxsize=None)
def _type_rules() -> tuple[tuple[re.Pattern, str], ...]:
    from corpus.errors import QAError

    rules = []
    path = DATA / "answer_types.tsv"
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 2:
            raise QAError("expected regex<TAB>type", path=str(path), line=line_no)
        try:
            rules.append((re.compile(cols[0]), cols[1].strip()))
        except re.error as e:
            raise QAError(f"bad regex: {e}", path=str(path), line=line_no) from e
    return tuple(rules)


def answer_type(question: str) -> tuple[str | None, tuple[int, int] | None]:
    """The kind of answer ``question`` asks for and where its asking words are (None: a
    figure or something the templates read).

    >>> answer_type("哪个部门测算了春节假期的国内旅游数据")[0], answer_type("小米集团的创始人是谁")[0]
    ('ORG', 'PERSON')
    >>> answer_type("白鹤滩水电站在哪条江上")[0], answer_type("一网通办是什么时候开通的")[0]
    ('PLACE', 'DATE')
    """
    q = question.rstrip("?？。 ")
    for rx, kind in _type_rules():
        m = rx.search(q)
        if m:
            return kind, m.span()
    return None, None


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def content_words(question: str, cut: list[tuple[int, int]]) -> str:
    """The question without the spans ``cut`` (entity names, asking words) and without
    filler words (kg/data/verify_filler.txt); pieces apart are separated by a space.

    >>> content_words("上海一网通办是什么时候开通的", [(0, 6), (7, 11)])
    '开通'
    """
    from kg.qa_verify import filler_words

    text = "".join(ch if not any(a <= i < b for a, b in cut) else " " for i, ch in enumerate(question))
    for w in filler_words():
        text = text.replace(w, " ")
    return " ".join(text.split())


def _word_grams(words: str) -> set[str]:
    return {g for piece in words.split() for g in _bigrams(piece)}


def _sentence_score(words: str, sentence: str) -> int:
    return len(_word_grams(words) & _bigrams(sentence))


def _plain(text: str) -> str:
    return _QUOTES.sub("", text)


def how_many(question: str) -> int:
    """How many answers a question asks for: 哪两家机构 -> 2, 哪些 -> all found in the
    sentence (up to :data:`MAX_LISTED`), else 1.

    >>> how_many("哪两家机构联合发布了报告"), how_many("哪个部门发布了数据"), how_many("哪些企业参加了")
    (2, 1, 5)
    """
    m = re.search(r"哪([两二三四五六七八九十\d]+)[个家位名座]", question)
    if m:
        n = m.group(1)
        return int(n) if n.isdigit() else "一二三四五六七八九十".find(n) + 1 if n != "两" else 2
    return MAX_LISTED if "哪些" in question else 1


#: most answers read from one sentence for 哪些
MAX_LISTED = 5


def read_answers(rows: list, kind: str, words: str, asked: set[str], types_of, names: set[str] = frozenset(),
                 many: int = 1, mentions_of=None) -> list[Reading]:
    """The answers of ``kind`` in the best sentences of ``rows`` (dicts of plain values: one
    per sentence, ``anchored`` True when it is known to mention an ``asked`` entity, or one per
    entity mention with ``other``), the sentences that name the asked entity (anchored, or one
    of ``names`` written in the text) ranked by the question's ``words`` they hold;
    ``types_of(iri)`` -> types; ``mentions_of(sentence IRI)`` -> mention rows of a sentence
    (read only for the best sentences)."""
    by_sent: dict[str, dict] = {}
    for r in rows:
        s = by_sent.setdefault(r["sent"], {"row": r, "mentions": [], "anchored": False})
        s["anchored"] = s["anchored"] or bool(r.get("anchored")) or r.get("other") in asked
        if r.get("other") is not None and r not in s["mentions"]:
            s["mentions"].append(r)
    names = {n for n in names if len(n) >= 2}
    keep = [s for s in by_sent.values()
            if not (asked or names)  # sentences of figures: they need not name anything
            or s["anchored"] or any(n in _plain(s["row"]["sentence"]) for n in names)]
    ranked = sorted(keep, key=lambda s: (-_sentence_score(words, _plain(s["row"]["sentence"])),
                                         s["row"]["articleId"], s["row"]["sstart"]))
    if not ranked:
        return []
    top = _sentence_score(words, _plain(ranked[0]["row"]["sentence"]))
    if words and top < MIN_COVER * len(_word_grams(words)):
        return []  # no sentence says enough of what the question asks beyond the name
    for s in ranked[:MAX_SENTENCES]:
        if _sentence_score(words, _plain(s["row"]["sentence"])) < top:
            break  # only the sentences that hold the question's words best
        if mentions_of is not None and not s["mentions"] and kind in TYPE_CLASSES:
            s["mentions"] = mentions_of(s["row"]["sent"])
        found = _read_one(s, kind, words, asked, types_of, names, many)
        if found:
            return found
    return []


#: most sentences read for one answer (those holding the question's words best)
MAX_SENTENCES = 8


def _read_one(s: dict, kind: str, words: str, asked: set[str], types_of, names: set[str], many: int = 1) -> list[Reading]:
    r = s["row"]
    text, s0 = r["sentence"], r["sstart"]

    def reading(value: str, a: int, b: int) -> Reading:
        return Reading(value, kind, text, r["articleId"], r.get("title"), s0, r["send"], (s0 + a, s0 + b))

    named = [(m["mstart"] - s0, m["mend"] - s0) for m in s["mentions"] if m["other"] in asked]
    named += [(mt.start(), mt.end()) for n in names for mt in re.finditer(re.escape(n), text)]
    if kind in TYPE_CLASSES:
        want = TYPE_CLASSES[kind]
        cands = []
        for m in s["mentions"]:
            if m["other"] in asked or not set(types_of(m["other"])) & set(want):
                continue
            a, b = m["mstart"] - s0, m["mend"] - s0
            if any(x <= a and b <= y for x, y in named):
                continue  # part of the asked name
            cands.append((_distance(text, words, a, b), a, b, m["mtext"]))
        cands.sort()
        out: list[Reading] = []
        spans = [(a, b) for _, a, b, _ in cands]
        for _, a, b, v in cands:
            inner = any(x <= a and b <= y and (x, y) != (a, b) for x, y in spans)  # part of a longer name
            if len(out) < many and not inner and all(v != r.value for r in out):
                out.append(reading(v, a, b))
        return out if len(out) >= min(many, 2) or many == MAX_LISTED else []
    if kind == "DATE":
        marks = [m for m in find_periods(text, r.get("date")) if not any(x <= m.start < y for x, y in named)]
        marks.sort(key=lambda m: _distance(text, words, m.start, m.end))
        out = []
        for m in marks[:1]:
            surface, value = text[m.start:m.end], (m.period or "").removeprefix("as_of:")
            label = period_label(value) if value[:1].isdigit() else ""
            out.append(Reading(surface, kind, text, r["articleId"], r.get("title"), s0, r["send"], (s0 + m.start, s0 + m.end),
                               label if label and label != surface else None))
        return out
    return []


@functools.lru_cache(maxsize=None)
def role_patterns() -> tuple[str, ...]:
    """The patterns of ``role_patterns.tsv`` ({name} stands for the person's name)."""
    lines = (DATA / "role_patterns.tsv").read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def read_role(rows: list, names: set[str]) -> list[Reading]:
    """What the person called one of ``names`` is, as the sentences of ``rows`` say it
    (作为顺丰速运的机长，赵立杰…), the first pattern of :func:`role_patterns` that matches."""
    sents = {r["sent"]: r for r in rows}
    ordered = sorted(sents.values(), key=lambda r: (r["articleId"], r["sstart"]))
    for pattern in role_patterns():
        for name in sorted(names, key=len, reverse=True):
            rx = re.compile(pattern.replace("{name}", re.escape(name)))
            for r in ordered:
                m = rx.search(r["sentence"])
                if m:
                    a, b = m.span("role")
                    s0 = r["sstart"]
                    return [Reading(m.group("role"), "ROLE", r["sentence"], r["articleId"], r.get("title"), s0, r["send"],
                                    (s0 + a, s0 + b))]
    return []


def _distance(text: str, words: str, a: int, b: int) -> int:
    """How far the span a..b is from the question's words found in ``text`` (0: no words)."""
    grams = _word_grams(words)
    hits = [i for i in range(len(text) - 1) if text[i:i + 2] in grams]
    return min((abs(i - a) if i < a else abs(i - b) for i in hits), default=0)
