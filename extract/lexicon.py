"""The one loader for extraction lexicons: plain files in ``extract/data``.

``*.txt`` files hold items separated by whitespace (one or many a line); ``*.tsv`` files hold
tab-separated rows. Lines starting with ``#`` are comments (each file states its source there).
"""
from __future__ import annotations

import functools
from pathlib import Path

from corpus.errors import ExtractError

DATA_DIR = Path(__file__).parent / "data"


def _lines(name: str):
    path = DATA_DIR / name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ExtractError(f"cannot read lexicon ({e})", path=str(path)) from e
    for no, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield no, line


@functools.lru_cache(maxsize=None)
def words(name: str) -> tuple[str, ...]:
    """All whitespace-separated items of a ``.txt`` lexicon, in file order.

    >>> "研究院" in words("stop_tokens.txt") or "的" in words("stop_tokens.txt")
    True
    """
    return tuple(w for _, line in _lines(name) for w in line.split())


@functools.lru_cache(maxsize=None)
def rows(name: str, columns: int) -> tuple[tuple[str, ...], ...]:
    """Rows of a ``.tsv`` lexicon, each padded to ``columns`` fields.

    :raises ExtractError: naming file and line when a row has too many fields.
    """
    out = []
    for no, line in _lines(name):
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) > columns:
            raise ExtractError(f"expected at most {columns} tab-separated fields", path=str(DATA_DIR / name), line=no)
        out.append(tuple(cells + [""] * (columns - len(cells))))
    return tuple(out)
