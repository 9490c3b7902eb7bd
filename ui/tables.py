"""Tables as a reader sees them: blanks instead of None, words instead of internal codes
(``kg/data/labels.tsv`` via :mod:`kg.labels`), in the app's language."""
from __future__ import annotations

import streamlit as st

#: The code columns most tables share (column -> field of kg/data/labels.tsv).
CODES = {"relation": "relation", "kind": "kind", "qualifier": "qualifier", "type": "type", "direction": "direction"}


def show_table(rows: list[dict], fields: dict[str, str] | None = None, *, headers: bool = True, **kwargs) -> None:
    """``st.dataframe`` of ``rows`` made readable: ``fields`` maps columns to label fields
    (default :data:`CODES`), every None shows blank, and (``headers``) the column names are
    in the app's language."""
    from kg.labels import readable_rows
    from ui.i18n import column, lang

    out = readable_rows(rows, CODES if fields is None else fields, lang())
    if headers and lang() != "en":
        out = [{column(k): v for k, v in r.items()} for r in out]
    st.dataframe(out, hide_index=True, width="stretch", **kwargs)
