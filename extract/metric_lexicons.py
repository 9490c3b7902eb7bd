"""Loaders for the word lists that metric extraction reads (one loader per data file):
``metric_qualifiers.tsv``, ``metric_cues.tsv``, ``metric_words.tsv``, ``metric_nonmetrics.txt``.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import ExtractError

DATA = Path(__file__).parent / "data"


def _lines(name: str):
    path = DATA / name
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            yield path, lineno, line


@dataclass(frozen=True)
class Cue:
    """A cue before a figure (同比增长 -> yoy_growth), as a regex anchored at the end of the text."""

    pattern: re.Pattern
    kind: str
    sign: int


@functools.cache
def qualifiers() -> dict[str, dict[str, str]]:
    """``metric_qualifiers.tsv``: position (before|inside|after|clause) -> {word: qualifier}."""
    out: dict[str, dict[str, str]] = {"before": {}, "inside": {}, "after": {}, "clause": {}}
    for path, lineno, line in _lines("metric_qualifiers.tsv"):
        parts = line.split("\t")
        if len(parts) != 3 or parts[1] not in out:
            raise ExtractError("expected 'word<TAB>before|inside|after|clause<TAB>qualifier'", path=str(path), line=lineno)
        out[parts[1]][parts[0]] = parts[2]
    return out


@functools.cache
def cues() -> list[Cue]:
    """``metric_cues.tsv``: cue patterns with the kind of figure they announce."""
    out = []
    for path, lineno, line in _lines("metric_cues.tsv"):
        parts = line.split("\t")
        if len(parts) != 3:
            raise ExtractError("expected 'pattern<TAB>kind<TAB>sign'", path=str(path), line=lineno)
        try:
            out.append(Cue(re.compile(f"(?:{parts[0]})$"), parts[1], int(parts[2])))
        except (re.error, ValueError) as e:
            raise ExtractError(f"bad cue: {e}", path=str(path), line=lineno) from None
    return out


@functools.cache
def words() -> dict[str, tuple[str, ...]]:
    """``metric_words.tsv``: named word lists (scope, opener, reporting, source_prefix, batch),
    each sorted longest first."""
    out: dict[str, tuple[str, ...]] = {}
    for path, lineno, line in _lines("metric_words.tsv"):
        parts = line.split("\t")
        if len(parts) != 2:
            raise ExtractError("expected 'kind<TAB>words'", path=str(path), line=lineno)
        out[parts[0]] = tuple(sorted(parts[1].split(), key=len, reverse=True))
    return out


@functools.cache
def nonmetric_patterns() -> tuple[re.Pattern, ...]:
    """``metric_nonmetrics.txt``: regexes of figures of speech and unit definitions."""
    pats = []
    for path, lineno, line in _lines("metric_nonmetrics.txt"):
        try:
            pats.append(re.compile(line))
        except re.error as e:
            raise ExtractError(f"bad pattern: {e}", path=str(path), line=lineno) from None
    return tuple(pats)
