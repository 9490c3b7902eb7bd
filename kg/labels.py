"""Words a reader knows for the codes the graph stores (``more_than``, ``yoy_growth``,
``located_in``, ``ORG``): one table, ``kg/data/labels.tsv``, read by the app's tables and the
CLI's ``stats`` table, in English or Chinese.

>>> label("qualifier", "more_than")
'more than'
>>> label("kind", "yoy_growth", "zh")
'同比增长 (yoy_growth)'
>>> label("relation", "not_in_the_table")
'not_in_the_table'
>>> label("kind", None)
''
"""
from __future__ import annotations

import functools
from importlib import resources

from corpus.errors import GraphError

LANGS = ("en", "zh")
_PATH = "kg/data/labels.tsv"


@functools.lru_cache(maxsize=None)
def _table() -> dict[tuple[str, str], dict[str, str]]:
    text = resources.files("kg").joinpath("data", "labels.tsv").read_text(encoding="utf-8")
    out: dict[tuple[str, str], dict[str, str]] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 5 or cells[4] not in ("yes", "no"):
            raise GraphError("expected five tab-separated columns: field, code, en, zh, hint (yes|no)",
                             path=_PATH, line=lineno)
        field, code, en, zh, hint = cells
        out[(field, code)] = {"en": en, "zh": zh, "hint": hint}
    return out


def label(field: str, code: object, lang: str = "en") -> str:
    """The reader's words for ``code`` in column ``field`` (with the code in brackets where it
    is what a query matches); ``""`` for None; the code itself when the table lacks it."""
    if code is None:
        return ""
    row = _table().get((field, str(code)))
    if row is None:
        return str(code)
    words = row[lang if lang in LANGS else "en"]
    return f"{words} ({code})" if row["hint"] == "yes" and words != code else words


def readable_rows(rows: list[dict], fields: dict[str, str] | None = None, lang: str = "en") -> list[dict]:
    """Rows for a table a person reads: None becomes ``""`` in every column, and the columns
    named in ``fields`` (column -> label field) show words instead of codes.

    >>> readable_rows([{"relation": "located_in", "role": None}], {"relation": "relation"})
    [{'relation': 'located in (located_in)', 'role': ''}]
    """
    fields = fields or {}
    return [{k: (label(fields[k], v, lang) if k in fields else ("" if v is None else v)) for k, v in r.items()}
            for r in rows]
