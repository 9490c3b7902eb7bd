"""Plain data for the corpus layer: articles (pieces of a page or feed) and their sentences.

Offsets are half-open ``[start, end)`` character offsets into ``Article.text`` (the repaired
text), so ``article.text[s.start:s.end] == s.text`` always holds.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Sentence:
    """One sentence of an article, with offsets into the article's repaired text."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Subhead:
    """A section heading; ``offset`` is where its section starts in the article text."""

    offset: int
    text: str


@dataclass
class Article:
    """One piece of news: a full article, a brief, a photo caption or a broadcast item.

    ``id`` is stable across runs and machines; ``checksum`` changes when the text changes
    (incremental builds compare it). ``source``/``line`` lead back to the input file.
    ``meta`` holds what the layout found: byline place, reporter, photo credit, ...
    """

    id: str
    text: str
    kind: str = "article"  # article | brief | caption | item
    title: str | None = None
    date: str | None = None  # ISO 8601 at the precision known: YYYY-MM-DD, YYYY-MM or YYYY
    source: str | None = None
    line: int | None = None
    url: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    subheads: list[Subhead] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    checksum: str = ""

    def to_dict(self) -> dict:
        """JSON-ready dict (sentences and subheads as lists of dicts)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Article":
        """Inverse of :meth:`to_dict`."""
        d = dict(d)
        d["sentences"] = [Sentence(**s) for s in d.get("sentences", [])]
        d["subheads"] = [Subhead(**s) for s in d.get("subheads", [])]
        return cls(**d)
