"""Features and tags for the character CRF behind :mod:`extract.ner`.

One feature list per character: the character and its neighbours (+-2), the four bigrams
around it, and what jieba says about the word it sits in (its place in the word, B/M/E/S,
and the word's part of speech from jieba's own dictionary, which knows many place, person
and organisation names). Tags are BIOES over PER/LOC/ORG.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

LABELS = ("PER", "LOC", "ORG")
PAD_LEFT = "\x02\x02"
PAD_RIGHT = "\x03\x03"


@functools.lru_cache(maxsize=1)
def _jieba():
    """jieba's tokenizer and its word -> POS table, imported lazily."""
    try:
        import jieba
        import jieba.posseg
    except ImportError as e:  # pragma: no cover - jieba is a declared dependency
        raise ImportError("NER features need jieba: pip install 'jieba>=0.42,<0.43'") from e
    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba, jieba.posseg.dt.word_tag_tab


def word_tags(text: str, word_spans: Iterable[tuple[int, int]] | None = None) -> list[str]:
    """Per character: position in its jieba word (B/M/E/S) + the word's dictionary POS.
    ``word_spans`` (half-open offsets of a jieba segmentation of ``text``) saves a jieba run;
    characters no span covers count as one-character words.

    >>> word_tags("我爱北京")
    ['Sr', 'Sv', 'Bns', 'Ens']
    >>> word_tags("我爱北京", [(0, 1), (3, 4)])
    ['Sr', 'Sv', 'Sns', 'Sns']
    """
    jieba, pos_of = _jieba()
    if word_spans is None:
        words = jieba.lcut(text)
    else:
        words, at = [], 0
        for s, e in word_spans:
            if s < at or e <= s or e > len(text):
                continue
            words.extend(text[at:s])  # uncovered characters, one by one
            words.append(text[s:e])
            at = e
        words.extend(text[at:])
    out: list[str] = []
    for w in words:
        pos = pos_of.get(w, "?")
        n = len(w)
        if n == 1:
            out.append("S" + pos)
        else:
            out.append("B" + pos)
            out.extend(["M" + pos] * (n - 2))
            out.append("E" + pos)
    if len(out) != len(text):  # jieba keeps every character; guard against surprises
        return ["S?"] * len(text)
    return out


def sentence_features(text: str, wtags: Sequence[str] | None = None) -> list[list[str]]:
    """CRF features for each character of ``text`` (``wtags``: its :func:`word_tags`, if
    already computed).

    >>> f = sentence_features("我爱北京")
    >>> len(f), f[2][:3]
    (4, ['c北', 'l爱', 'r京'])
    """
    p = PAD_LEFT + text + PAD_RIGHT
    wt = word_tags(text) if wtags is None else wtags
    return [
        [
            "c" + c,
            "l" + b,
            "r" + d,
            "L" + a,
            "R" + e,
            "lb" + b + c,
            "rb" + c + d,
            "LB" + a + b,
            "RB" + d + e,
            "lr" + b + d,
            "w" + w,
            "wc" + w[0] + c,
        ]
        for a, b, c, d, e, w in zip(p, p[1:], p[2:], p[3:], p[4:], wt)
    ]


def spans_to_tags(length: int, spans: Iterable[Sequence]) -> list[str]:
    """BIOES tags for ``length`` characters from ``(start, end, label)`` spans.

    >>> spans_to_tags(6, [(0, 1, "LOC"), (2, 5, "PER")])
    ['S-LOC', 'O', 'B-PER', 'I-PER', 'E-PER', 'O']
    """
    tags = ["O"] * length
    for start, end, label in spans:
        if end - start == 1:
            tags[start] = "S-" + label
        else:
            tags[start] = "B-" + label
            for i in range(start + 1, end - 1):
                tags[i] = "I-" + label
            tags[end - 1] = "E-" + label
    return tags


def tags_to_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """``(start, end, label)`` spans from BIOES (or BIO) tags, tolerant of broken sequences.

    >>> tags_to_spans(['S-LOC', 'O', 'B-PER', 'I-PER', 'E-PER', 'I-ORG', 'E-ORG'])
    [(0, 1, 'LOC'), (2, 5, 'PER'), (5, 7, 'ORG')]
    """
    spans: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, t in enumerate(tags):
        kind, _, lab = t.partition("-")
        if kind == "O":
            if start >= 0:
                spans.append((start, i, label))
            start = -1
            continue
        if kind in ("B", "S") or start < 0 or lab != label:
            if start >= 0:
                spans.append((start, i, label))
            start, label = i, lab
        if kind in ("E", "S"):
            spans.append((start, i + 1, label))
            start = -1
    if start >= 0:
        spans.append((start, len(tags), label))
    return spans
