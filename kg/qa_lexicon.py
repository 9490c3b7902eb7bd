"""Loaders for the question-answering word lists in ``kg/data/`` (one loader per file).

Every file is UTF-8 text; ``#`` starts a comment line; columns are tab-separated. A malformed
line raises :class:`corpus.errors.QAError` naming the file and line.

>>> load_synonyms()["总额"]
'总值'
>>> "是多少" in load_question_phrases()
True
"""
from __future__ import annotations

import functools
from pathlib import Path

from corpus.errors import QAError

DATA = Path(__file__).parent / "data"


def _rows(name: str, min_cols: int) -> list[tuple[int, list[str]]]:
    """Non-comment, non-blank lines of ``kg/data/<name>`` split on tabs, with line numbers."""
    path = DATA / name
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.rstrip("\n").split("\t")
        if len(cols) < min_cols or not cols[0].strip():
            raise QAError(f"expected {min_cols} tab-separated columns", path=str(path), line=n)
        rows.append((n, [c.strip() for c in cols]))
    return rows


@functools.lru_cache(maxsize=None)
def load_synonyms() -> dict[str, str]:
    """indicator_synonyms.tsv: variant -> canonical word (canonical maps to itself)."""
    out: dict[str, str] = {}
    for _, (canon, variants, *_) in _rows("indicator_synonyms.tsv", 2):
        out[canon] = canon
        for v in variants.split("|"):
            if v:
                out[v] = canon
    return out


@functools.lru_cache(maxsize=None)
def load_question_phrases() -> dict[str, str]:
    """question_phrases.tsv: phrase -> role (``ask`` or ``filler``)."""
    out = {}
    for n, (phrase, role, *_) in _rows("question_phrases.tsv", 2):
        if role not in ("ask", "filler"):
            raise QAError(f"role must be ask or filler, not {role!r}", path=str(DATA / "question_phrases.tsv"), line=n)
        out[phrase] = role
    return out


@functools.lru_cache(maxsize=None)
def load_metric_kinds() -> list[tuple[str, tuple[str, ...]]]:
    """metric_kinds.tsv: [(kind, cues)] in file order."""
    return [(kind, tuple(c for c in cues.split("|") if c)) for _, (kind, cues, *_) in _rows("metric_kinds.tsv", 2)]


@functools.lru_cache(maxsize=None)
def load_subject_scope() -> dict[str, str]:
    """subject_scope.tsv: scope word -> the subject it stands for ('' = none in particular)."""
    return {cols[0]: (cols[1] if len(cols) > 1 else "") for _, cols in _rows("subject_scope.tsv", 1)}


@functools.lru_cache(maxsize=None)
def load_classifiers() -> frozenset[str]:
    """classifiers.txt: measure words that hint at a unit (多少家, 几个)."""
    return frozenset(cols[0] for _, cols in _rows("classifiers.txt", 1))


@functools.lru_cache(maxsize=None)
def load_place_names() -> frozenset[str]:
    """place_names.txt: places that often are the subject of a figure."""
    return frozenset(cols[0] for _, cols in _rows("place_names.txt", 1))


@functools.lru_cache(maxsize=None)
def load_qualifier_words() -> dict[str, tuple[str, str]]:
    """qualifier_words.tsv: qualifier -> (word before the value, word after it)."""
    return {q: (before, rest[0] if rest else "") for _, (q, before, *rest) in _rows("qualifier_words.tsv", 2)}


@functools.lru_cache(maxsize=None)
def load_relation_phrases() -> dict[str, tuple[str, str]]:
    """relation_phrases.tsv: predicate IRI -> (forward phrase, inverse phrase)."""
    from kg.vocab import term

    out = {}
    for _, (pred, fwd, *rest) in _rows("relation_phrases.tsv", 2):
        out[term(pred).value] = (fwd, rest[0] if rest else fwd)
    return out
