"""Load the corpus layer's small word lists (``corpus/lexicons/*.txt``): one entry a line."""
from __future__ import annotations

import functools
from pathlib import Path

LEXICON_DIR = Path(__file__).parent / "lexicons"


@functools.lru_cache(maxsize=None)
def load_lexicon(name: str) -> tuple[str, ...]:
    """Entries of ``corpus/lexicons/<name>.txt``: stripped lines, ``#`` comments and blanks skipped.

    >>> "新华社" in load_lexicon("news_agencies")
    True
    """
    path = LEXICON_DIR / f"{name}.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(s for s in (line.strip() for line in lines) if s and not s.startswith("#"))
