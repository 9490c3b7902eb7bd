"""What every page shares: the store path, the cached store, and moving between pages.

The store path comes from ``NEWSKG_STORE`` (set by ``newskg ui --store DIR``), else
``./newskg-data``. The store is opened once per server process (``st.cache_resource``).
"""
from __future__ import annotations

import gc
import os
from pathlib import Path

import streamlit as st

STORE_ENV = "NEWSKG_STORE"
DEFAULT_STORE = "newskg-data"

# Page scripts, relative to ui/app.py; url paths are what the browser shows.
PAGES = {
    "overview": ("views/overview.py", "Overview", ":material/dashboard:"),
    "ask": ("views/ask.py", "Ask", ":material/question_answer:"),
    "explore": ("views/explore.py", "Explore", ":material/hub:"),
    "entity": ("views/entity.py", "Entity", ":material/badge:"),
    "sparql": ("views/sparql.py", "SPARQL", ":material/code:"),
    "export": ("views/export.py", "Export", ":material/download:"),
    "corpus": ("views/corpus.py", "Corpus", ":material/article:"),
}


def store_path() -> str:
    """The store directory this app serves."""
    return os.environ.get(STORE_ENV) or DEFAULT_STORE


def _release(store) -> None:
    del store
    gc.collect()


@st.cache_resource(show_spinner="Opening the graph…", on_release=_release)
def _open_store(path: str):
    from kg.store import open_store

    return open_store(path)


def get_store():
    """The app's store (opened once per process, shared by all sessions)."""
    return _open_store(str(Path(store_path()).resolve()))


@st.cache_resource(show_spinner="Indexing entities…", max_entries=2)
def _entity_index(path: str, version: int):
    from kg.browse import entity_index

    return entity_index(get_store())


def get_index():
    """The entity index of the store (names, types, aliases, mention counts), rebuilt when
    this app changes the store."""
    return _entity_index(str(Path(store_path()).resolve()), data_version())


def page_path(name: str) -> str:
    """Script path of a page by short name (``"entity"``)."""
    return PAGES[name][0]


def go(name: str, **params: str) -> None:
    """Switch to page ``name`` with query parameters (shareable URLs, e.g. ``?id=...``)."""
    for k, v in params.items():
        st.session_state[f"nav_{name}_{k}"] = v
    st.switch_page(page_path(name), query_params=params or None)


def param(page: str, key: str, default: str | None = None) -> str | None:
    """A page parameter: from the URL (``?key=``) or from the last :func:`go` call."""
    value = st.query_params.get(key)
    if value:
        st.session_state[f"nav_{page}_{key}"] = value
        return value
    return st.session_state.get(f"nav_{page}_{key}", default)


def cli_hint(command: str) -> None:
    """Name the page's CLI equivalent (everything the app shows is scriptable)."""
    from ui.i18n import t

    st.caption(t("common.cli", command=command))


def show_error(err: Exception | str) -> None:
    """A library error as a clear message (its code included), never a traceback; shown as
    text (messages may quote user input)."""
    from ui.text import md_escape

    st.error(md_escape(str(err)), icon=":material/error:")


@st.cache_resource
def _version() -> dict:
    return {"n": 0}


def data_version() -> int:
    """A counter that changes whenever this app writes to the store (cache key for views)."""
    return _version()["n"]


def bump_data_version() -> None:
    """Mark the store as changed: cached views are recomputed and the entity index is
    dropped (a writer also calls ``kg.qa_link.clear_cache(store)`` for the Q&A indexes)."""
    _version()["n"] += 1
    st.cache_data.clear()
    _entity_index.clear()
