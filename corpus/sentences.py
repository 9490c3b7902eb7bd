"""Split repaired text into sentences with half-open ``[start, end)`` offsets.

A sentence ends at 。！？!?； (runs of them count as one), with any closing quotes or brackets
that follow kept in the sentence, so “……。” stays whole (and what follows the quote is a new sentence). An ellipsis (…… or ...) ends a
sentence only before a closing quote or at the end of a paragraph. Line breaks (paragraphs)
always end a sentence; sentences never contain a newline and never start or end with spaces.
"""
from __future__ import annotations

import re

from corpus.model import Sentence

_END = re.compile(r"(?:[。！？!?；;]+|(?P<ellipsis>(?:…|\.{3}|⋯)+))[”’」』）)】》〉\"']*")
_PARA = re.compile(r"[^\n]+")


def _is_space(ch: str) -> bool:
    return ch.isspace() or ch == "\ufeff"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` spans of the sentences of ``text``.

    >>> t = "“好。”他说。对吗？\\n第二段"
    >>> [t[s:e] for s, e in sentence_spans(t)]
    ['“好。”', '他说。', '对吗？', '第二段']
    """
    spans: list[tuple[int, int]] = []
    for para in _PARA.finditer(text):
        p_start, p_end = para.span()
        start = p_start
        for m in _END.finditer(text, p_start, p_end):
            end = m.end()
            if m.group("ellipsis") and end == m.start("ellipsis") + len(m.group("ellipsis")):
                # bare ellipsis: a sentence end only at the paragraph's end
                if text[end:p_end].strip():
                    continue
            _add(text, start, end, spans)
            start = end
        _add(text, start, p_end, spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and _is_space(text[start]):
        start += 1
    while end > start and _is_space(text[end - 1]):
        end -= 1
    if start < end:
        spans.append((start, end))


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` as :class:`Sentence` objects; ``text[s.start:s.end] == s.text``.

    >>> [s.text for s in split_sentences("增长5.1%。苹果、梨……都丰收了。")]
    ['增长5.1%。', '苹果、梨……都丰收了。']
    """
    return [Sentence(i, s, e, text[s:e]) for i, (s, e) in enumerate(sentence_spans(text))]
