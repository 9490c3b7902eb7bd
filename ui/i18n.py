"""The app's language: English or Chinese (a switch in the sidebar; Chinese by default when
the browser asks for it), and its interface strings from ``ui/data/strings.tsv``."""
from __future__ import annotations

import streamlit as st

LANGS = {"en": "English", "zh": "中文"}
_KEY = "ui_lang"


def lang() -> str:
    """The session's language: ``"en"`` or ``"zh"``."""
    return st.session_state.get(_KEY) or "en"
