"""A disk cache for the Q&A indexes (entity labels, indicators), so that a fresh process
answers its first question in about a second instead of reading every name in the graph.

An index is stored under a key made of the graph's content and the code that builds it: the
(articles, digest) pair the summary graph records (:func:`kg.summary.summary_state`: a digest
of every article's checksum and extractor version, so the same articles with other facts give
another key) and the version of all the Q&A code and data
(:func:`kg.code_version.qa_code_version`). A store without a summary graph (an in-memory test
store), or whose summary is out of date (marked stale by a change to its articles: the indexes
read labels from it), is never cached. The cache folder is
``$NEWSKG_CACHE`` (``off`` or empty disables it), else ``$XDG_CACHE_HOME/newskg``, else
``~/.cache/newskg``. A file that cannot be read is rebuilt; one that cannot be written is
skipped: the cache never makes a question fail.

>>> from pyoxigraph import Store
>>> cached(Store(), "example", lambda store: 42)  # no summary graph: built, not cached
42
"""
from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")

#: environment variable naming the cache folder (``off`` or empty: no disk cache)
CACHE_ENV = "NEWSKG_CACHE"
#: files kept per index (graphs indexed most recently)
KEEP = 8


def cache_dir() -> Path | None:
    """The folder the indexes are cached in, or None when caching is off."""
    env = os.environ.get(CACHE_ENV)
    if env is not None:
        return None if env.strip() in ("", "off", "0") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newskg"


def cache_path(store, name: str) -> Path | None:
    """Where index ``name`` of ``store`` is cached; None if it is not cached (no cache
    folder, or the store has no summary graph or one that does not match its articles)."""
    from kg.code_version import qa_code_version
    from kg.summary import summary_state

    folder = cache_dir()
    state = summary_state(store) if folder is not None else None
    if state is None:
        return None
    n, digest = state
    return folder / f"qa-{name}-{qa_code_version()}-{n}-{digest}.pickle"


def cached(store, name: str, build: Callable[[object], T]) -> T:
    """``build(store)``, read from the disk cache when the same graph was indexed before by
    the same code, and written there otherwise."""
    path = cache_path(store, name)
    if path is not None and path.is_file():
        try:
            with path.open("rb") as f:
                return pickle.load(f)
        except Exception:  # noqa: BLE001 - a damaged or foreign file: rebuild it
            pass
    value = build(store)
    if path is not None:
        _write(path, value)
    return value


def _write(path: Path, value) -> None:
    """Write atomically (a temporary file renamed); files of the index written by other
    code are removed, and of this code's the :data:`KEEP` newest stay (several graphs may
    share the folder)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        name, code = path.name.split("-")[1:3]
        same = []
        for f in path.parent.glob(f"qa-{name}-*.pickle"):
            if f.name.split("-")[2] != code:
                f.unlink(missing_ok=True)  # written by other code: never read again
            else:
                same.append(f)
        for old in sorted(same, key=lambda f: f.stat().st_mtime, reverse=True)[KEEP:]:
            old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError):
        try:
            os.unlink(tmp)  # type: ignore[possibly-undefined]
        except (OSError, NameError):
            pass


__all__ = ["CACHE_ENV", "cache_dir", "cache_path", "cached"]
