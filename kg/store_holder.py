"""Who holds a store open for writing: the writer records its pid and command line in the
store directory, so a second writer's "store is locked" error can name it (``newskg ui``,
a build, a notebook) instead of guessing."""
from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

#: File in the store directory with the last writer's ``{"pid", "command"}``.
HOLDER_FILE = "newskg-holder.json"
MAX_COMMAND = 160  # characters of the command line shown in a message


def record_holder(path: str | os.PathLike) -> None:
    """Note this process as the store's writer (called once its write lock is taken);
    a store that cannot take the note still works."""
    note = {"pid": os.getpid(), "command": shlex.join(sys.argv) or sys.executable}
    try:
        (Path(path) / HOLDER_FILE).write_text(json.dumps(note, ensure_ascii=False), encoding="utf-8")
    except OSError:
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def describe_holder(path: str | os.PathLike) -> str | None:
    """``"pid 123: newskg ui --store …"`` for the live process that recorded itself as the
    store's writer; None when nobody did or that process is gone.

    >>> describe_holder("/nonexistent") is None
    True
    """
    try:
        note = json.loads((Path(path) / HOLDER_FILE).read_text(encoding="utf-8"))
        pid, command = int(note["pid"]), str(note["command"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if pid == os.getpid() or not _alive(pid):
        return None
    if len(command) > MAX_COMMAND:
        command = command[: MAX_COMMAND - 1] + "…"
    return f"pid {pid}: {command}"
