"""Statistical PER/LOC/ORG tagger for Chinese newswire: a character CRF trained on MSRA.

The model ships in ``extract/models/`` and is rebuilt with ``python -m extract.ner_train``
(recipe and figures in docs/ner.md). Spans come back with offsets into the input text.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from corpus.errors import ExtractError
from extract.model import Span
from extract.ner_features import sentence_features, tags_to_spans, word_tags

DEFAULT_MODEL = Path(__file__).parent / "models" / "ner_msra.crfsuite"
TRAIN_COMMAND = "python -m extract.ner_train"
MAX_CHUNK = 200  # characters; longer pieces are cut at a comma, then hard
_SENTENCE_END = re.compile(r"[。！？!?；;…\n\r]+")
_CLAUSE_END = re.compile(r"[，,、：:]")
_CLOSER = {"（": "）", "(": ")", "《": "》", "“": "”", "‘": "’", "「": "」", "【": "】", "[": "]"}
_OPENER = {v: k for k, v in _CLOSER.items()}


def balanced_parts(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Pieces of ``text[start:end]`` cut at whitespace and at brackets or quotes whose
    partner is not inside the span (a name never straddles one).

    >>> t = "新华网消息（综合报道"
    >>> [t[s:e] for s, e in balanced_parts(t, 0, len(t))]
    ['新华网消息', '综合报道']
    >>> t = "中国（香港）公司 总部"
    >>> [t[s:e] for s, e in balanced_parts(t, 0, len(t))]
    ['中国（香港）公司', '总部']
    """
    cuts: set[int] = set()
    stack: list[int] = []
    for i in range(start, end):
        ch = text[i]
        if ch.isspace():
            cuts.add(i)
        elif ch in _CLOSER and not (ch in _OPENER and stack and text[stack[-1]] == ch):
            stack.append(i)
        elif ch in _OPENER:
            if stack and text[stack[-1]] == _OPENER[ch]:
                stack.pop()
            else:
                cuts.add(i)
    cuts.update(stack)
    at = start
    for c in sorted(cuts) + [end]:
        if c > at:
            yield at, c
        at = c + 1


def chunks(text: str, max_len: int = MAX_CHUNK) -> Iterator[tuple[int, int]]:
    """Half-open ``(start, end)`` pieces of ``text`` cut after sentence punctuation, none
    longer than ``max_len``; whitespace-only pieces are skipped.

    >>> t = "他说。好！" + "啊" * 5
    >>> [t[s:e] for s, e in chunks(t, max_len=4)]
    ['他说。', '好！', '啊啊啊啊', '啊']
    """
    start = 0
    for m in _SENTENCE_END.finditer(text):
        yield from _bounded(text, start, m.end(), max_len)
        start = m.end()
    yield from _bounded(text, start, len(text), max_len)


def _bounded(text: str, start: int, end: int, max_len: int) -> Iterator[tuple[int, int]]:
    while end - start > max_len:
        cut = start + max_len
        commas = [m.end() for m in _CLAUSE_END.finditer(text, start + max_len // 2, cut)]
        if commas:
            cut = commas[-1]
        if text[start:cut].strip():
            yield start, cut
        start = cut
    if start < end and text[start:end].strip():
        yield start, end


class NerTagger:
    """A loaded CRF model; ``tag`` returns PER/LOC/ORG :class:`Span` objects."""

    def __init__(self, path: str | Path):
        import pycrfsuite

        self.path = Path(path)
        if not self.path.is_file():
            raise ExtractError(
                f"NER model not found; build it with `{TRAIN_COMMAND} --out {self.path}`",
                path=str(self.path),
            )
        self._tagger = pycrfsuite.Tagger()
        try:
            self._tagger.open(str(self.path))
        except (OSError, ValueError) as e:
            raise ExtractError(
                f"cannot read NER model ({e}); rebuild it with `{TRAIN_COMMAND} --out {self.path}`",
                path=str(self.path),
            ) from e

    def tag(self, text: str, *, word_spans: Iterable[tuple[int, int]] | None = None) -> list[Span]:
        """PER/LOC/ORG spans in ``text``; ``text[s.start:s.end] == s.text``.

        Long texts are tagged in pieces cut at sentence punctuation; a name never spans
        whitespace or an unpaired bracket. ``word_spans``: a jieba segmentation of ``text`` as half-open offsets,
        if the caller has one (saves a jieba run; jieba's default dictionary expected).
        """
        wtags = word_tags(text, word_spans) if word_spans is not None else None
        spans: list[Span] = []
        for start, end in chunks(text):
            piece = text[start:end]
            feats = sentence_features(piece, wtags[start:end] if wtags is not None else None)
            for s, e, label in tags_to_spans(self._tagger.tag(feats)):
                for a, b in balanced_parts(piece, s, e):
                    spans.append(Span(start + a, start + b, label, piece[a:b]))
        return spans

    def tag_many(self, texts: Iterable[str]) -> list[list[Span]]:
        """:meth:`tag` for each text, in order."""
        return [self.tag(t) for t in texts]


@functools.lru_cache(maxsize=4)
def _load(path: Path) -> NerTagger:
    return NerTagger(path)


def load_tagger(path: str | Path | None = None) -> NerTagger:
    """The tagger for ``path`` (default: the shipped model), loaded once and cached.

    :raises ExtractError: when the model file is missing, naming the command that trains it.
    """
    return _load(Path(path).resolve() if path is not None else DEFAULT_MODEL)
