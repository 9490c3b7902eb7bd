"""Stable, readable article ids and text checksums.

Ids never depend on absolute paths or on the machine: a record's own ``id`` (sanitised), else
the file's name stem plus the piece's position (``<stem>_03``) or the record's line number.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import PurePath

_UNSAFE = re.compile(r"[^0-9A-Za-z_.\-\u4e00-\u9fff]+")
MAX_ID = 80


def sanitize_id(raw: str) -> str:
    """A safe id: letters, digits, CJK, ``_ . -``; other runs become ``_``; at most 80 chars.

    >>> sanitize_id(" 2023/01 01:新闻#1 ")
    '2023_01_01_新闻_1'
    """
    s = _UNSAFE.sub("_", str(raw).strip()).strip("_.")
    return s[:MAX_ID] or "doc"


def file_stem(source: str) -> str:
    """The id stem of a source path: its file name without extensions, sanitised.

    >>> file_stem("/data/人民日报/2023-01-01.jsonl.gz"), file_stem("-")
    ('2023-01-01', 'stdin')
    """
    if source in ("-", "<stdin>"):
        return "stdin"
    name = PurePath(source).name
    for ext in (".gz", ".jsonl", ".txt", ".text"):
        if name.lower().endswith(ext):
            name = name[: -len(ext)]
    return sanitize_id(name.strip("<>"))


def piece_id(stem: str, position: int) -> str:
    """Id of the ``position``-th (1-based) piece of a file.

    >>> piece_id("renmin", 3)
    'renmin_03'
    """
    return f"{stem}_{position:02d}"


def checksum(text: str) -> str:
    """sha256 hex digest of the text (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
