"""Where the shared, licensed data lives (the CCTV transcripts, MSRA, DuIE, the eval seeds):
one answer for every module, benchmark and test, so none guesses paths of its own.

``$NEWSKG_SHARED`` (the ``shared`` folder itself), else ``$NEWSKG_SHARED_DATA`` (its ``data``
folder, the older name still documented in docs/ner.md and docs/relations.md), else the folder
``shared`` next to the repository (or next to its parent: a git worktree under ``wt/``).
Nothing from it is ever copied into the project (licences).
"""
from __future__ import annotations

import os
from pathlib import Path

#: the ``shared`` folder itself
SHARED_ENV = "NEWSKG_SHARED"
#: its ``data`` folder (alias kept for the documented commands)
SHARED_DATA_ENV = "NEWSKG_SHARED_DATA"
#: the repository root (this file is corpus/shared_data.py)
REPO = Path(__file__).resolve().parents[1]


def shared_location() -> Path:
    """Where the shared folder is looked for, whether or not it is there (for messages)."""
    if os.environ.get(SHARED_ENV):
        return Path(os.environ[SHARED_ENV])
    if os.environ.get(SHARED_DATA_ENV):
        return Path(os.environ[SHARED_DATA_ENV]).parent
    for base in (REPO.parent, REPO.parent.parent):  # a git worktree under wt/ finds it one level up
        if (base / "shared").is_dir():
            return base / "shared"
    return REPO.parent / "shared"


def shared_dir() -> Path | None:
    """The shared folder, or ``None`` when it is absent (callers skip cleanly then)."""
    where = shared_location()
    return where if where.is_dir() else None
