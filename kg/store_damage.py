"""Recognise a damaged store (RocksDB "Corruption", e.g. a truncated .sst) and say what to do.

pyoxigraph reports a damaged store as a bare ``RuntimeError("Corruption: ...")``, at opening
or later while a query reads the damaged block; :func:`damaged_store_error` turns it into a
:class:`GraphError` naming the store folder and the way out.
"""
from __future__ import annotations

import os
import re

from corpus.errors import GraphError

# RocksDB names the damaged file in its message: ".../000040.sst", ".../MANIFEST-000005", ...
_STORE_FILE = re.compile(r"(\S+?)/(?:\d+\.(?:sst|log|blob)|MANIFEST-\d+|CURRENT|OPTIONS-\d+)\b")


def is_corruption(error: BaseException) -> bool:
    """Whether ``error`` is RocksDB saying the store's files are damaged.

    >>> is_corruption(RuntimeError("Corruption: Sst file size mismatch")), is_corruption(ValueError("x"))
    (True, False)
    """
    return isinstance(error, (RuntimeError, OSError)) and str(error).lstrip().startswith("Corruption")


def damaged_store_error(error: BaseException, store_dir: str | os.PathLike | None = None) -> GraphError:
    """A clear error for a damaged store: its folder, RocksDB's words, and how to get a good one.

    >>> print(damaged_store_error(RuntimeError("Corruption: truncated st/000040.sst  x")))
    the store at st is damaged (Corruption: truncated st/000040.sst); ... [E300]
    """
    if store_dir is None:
        m = _STORE_FILE.search(str(error))
        store_dir = m.group(1) if m else "--store"
    detail = " ".join(str(error).split("  ")[0].split())  # RocksDB's own words, first sentence
    return GraphError(
        f"the store at {store_dir} is damaged ({detail}); it cannot be read. Move the folder "
        f"aside (or restore a backup) and build the graph again: `newskg build CORPUS --store "
        f"{store_dir}` (your corpus files are not touched)")
