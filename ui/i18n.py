"""The app's language: English or Chinese. A switch in the sidebar; until it is used, Chinese
when the browser asks for it (``st.context.locale``, else the ``Accept-Language`` header).
Interface strings come from ``ui/data/strings.tsv`` (key, English, Chinese).

>>> text("sparql.rows", "zh", n=3, ms=12)
'3 行，用时 12 毫秒'
>>> accept_language_prefers_zh("zh-CN,zh;q=0.9,en;q=0.8"), accept_language_prefers_zh("en-US,en;q=0.9,zh;q=0.5")
(True, False)
"""
from __future__ import annotations

import functools
from pathlib import Path

import streamlit as st

LANGS = {"zh": "中文", "en": "English"}
KEY = "ui_lang"  # the sidebar switch's key (session state)
_PATH = Path(__file__).parent / "data" / "strings.tsv"


@functools.lru_cache(maxsize=None)
def _strings() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for lineno, line in enumerate(_PATH.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 3:
            raise ValueError(f"{_PATH}:{lineno}: expected three tab-separated columns: key, en, zh")
        out[cells[0]] = {"en": cells[1], "zh": cells[2]}
    return out


def text(key: str, language: str = "en", **values: object) -> str:
    """The string ``key`` in ``language``, with ``{name}`` fields filled from ``values``."""
    s = _strings()[key][language if language in LANGS else "en"]
    return s.format(**values) if values else s


def accept_language_prefers_zh(header: str) -> bool:
    """True when an ``Accept-Language`` header ranks Chinese above English."""
    best: dict[str, float] = {}
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        base = tag.strip().lower().split("-")[0]
        if base in LANGS:
            best[base] = max(best.get(base, 0.0), q)
    return best.get("zh", 0.0) > best.get("en", 0.0)


def browser_lang() -> str:
    """The language the browser asks for: ``"zh"`` for Chinese, else ``"en"``."""
    try:
        locale = st.context.locale
        if locale:
            return "zh" if str(locale).lower().startswith("zh") else "en"
        header = st.context.headers.get("Accept-Language") or ""
    except Exception:  # no browser (bare mode, tests): English
        return "en"
    return "zh" if accept_language_prefers_zh(header) else "en"


def lang() -> str:
    """The session's language: the switch's choice, else the browser's."""
    return st.session_state.get(KEY) or browser_lang()


def t(key: str, **values: object) -> str:
    """The interface string ``key`` in the session's language."""
    return text(key, lang(), **values)


def language_switch() -> None:
    """The sidebar's language switch (starts at the browser's language)."""
    current = lang()
    st.radio(text("app.language"), list(LANGS), index=list(LANGS).index(current), format_func=LANGS.get,
             horizontal=True, key=KEY)


def column(name: str) -> str:
    """A table header in the session's language (the column name when the table lacks it)."""
    key = f"col.{name}"
    return t(key) if key in _strings() else name
