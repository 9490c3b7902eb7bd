"""Word segmentation with jieba, re-aligned to the source: ``text[t.start:t.end] == t.text``.

Plain ``jieba.tokenize`` (363k chars/s here) is used rather than spaCy's blank "zh" pipeline
with the jieba segmenter (219k chars/s): see docs/decisions.md. Part-of-speech tags come from
jieba's dictionary (a table lookup, not the slow HMM of ``jieba.posseg``); out-of-vocabulary
words get ``"?"`` and punctuation/space ``"w"``.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from corpus.errors import ExtractError


@dataclass(frozen=True, slots=True)
class Token:
    """One word with half-open offsets into the segmented text and a dictionary POS tag."""

    start: int
    end: int
    text: str
    tag: str


def try_jieba_import():
    """Import jieba lazily, with an install hint."""
    try:
        import jieba  # noqa: F401
        import jieba.posseg  # noqa: F401
    except ImportError as e:  # pragma: no cover - jieba is a dependency
        raise ExtractError("jieba is required for segmentation: pip install jieba") from e
    return jieba


@functools.lru_cache(maxsize=1)
def _segmenter():
    jieba = try_jieba_import()
    import logging

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.dt
    tok.initialize()
    tags = jieba.posseg.dt.word_tag_tab if jieba.posseg.dt.word_tag_tab else {}
    if not tags:
        jieba.posseg.initialize()
        tags = jieba.posseg.dt.word_tag_tab
    return tok, tags


def _tag(word: str, tags: dict) -> str:
    t = tags.get(word)
    if t:
        return t
    if not word.strip() or not any(c.isalnum() for c in word):
        return "w"
    if word.isdigit() or word.replace(".", "", 1).isdigit():
        return "m"
    if word.isascii():
        return "eng"
    return "?"


def dictionary_tag(word: str) -> str | None:
    """jieba's dictionary POS tag of a word, None when the word is not in the dictionary.

    >>> dictionary_tag("北京"), dictionary_tag("云杉智港xyz")
    ('ns', None)
    """
    return _segmenter()[1].get(word)


def word_frequency(word: str) -> int:
    """jieba's dictionary frequency of a word (0 when absent): common words are frequent.

    >>> word_frequency("城市") > word_frequency("海淀") > 0
    True
    """
    return _segmenter()[0].FREQ.get(word, 0) or 0


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` with offsets and dictionary tags.

    >>> [(t.text, t.tag) for t in tokenize("北京市门头沟区")]
    [('北京市', 'ns'), ('门头沟区', 'ns')]
    >>> all(text[t.start:t.end] == t.text for text in ["在 2023 年，" ] for t in tokenize(text))
    True
    """
    tok, tags = _segmenter()
    get = tags.get
    return [Token(s, e, w, get(w) or _tag(w, tags)) for w, s, e in tok.tokenize(text)]
