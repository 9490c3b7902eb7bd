"""Read corpus files: decode bytes, walk paths, parse JSONL records and sidecar metadata.

Inputs are files or directories (searched recursively, sorted, hidden entries skipped) of
``.txt`` (one or many articles), ``.jsonl`` / ``.jsonl.gz`` (one article per line), or ``-``
for standard input. Text is UTF-8 (with or without BOM) or GB18030/GBK (detected); anything
else is a :class:`DecodeError`, non-text a :class:`BinaryFileError`.
"""
from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import sys
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

from corpus.dates import normalize_date
from corpus.errors import BinaryFileError, CorpusError, DecodeError, EmptyFileError, RecordError

TEXT_SUFFIXES = (".txt", ".txt.gz", ".text")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson")
SIDECAR_SUFFIX = ".meta.json"
SIDECAR_KEYS = ("date", "title", "source", "url")
RECORD_KEYS = {"text": str, "title": str, "id": (str, int), "url": str, "source": str,
               "date": (str, int)}

_CONTROL = bytes(set(range(32)) - {9, 10, 12, 13, 27})
MAX_LINE = 16 * 1024 * 1024  # bytes (characters in UTF-16 files) in one JSONL line
BINARY_LINES = 8  # a JSONL file whose first non-blank lines are all binary is a binary file
_BINARY_LINE = "binary data in this line (NUL bytes or control codes), not text"
_UTF16_MARK = "\udcff"  # stands for undecodable UTF-16 (a lone surrogate: never valid text)
_BAD_UTF16 = "newskg-bad-utf16"
codecs.register_error(_BAD_UTF16, lambda e: (_UTF16_MARK, e.end))
ENCODING_HINT = ("convert it to UTF-8 first, e.g. `iconv -f big5 -t utf-8 FILE > FILE.utf8.txt` "
                 "(newskg reads UTF-8 and GB18030/GBK)")


# ---------------------------------------------------------------------------- decoding


def looks_binary(head: bytes) -> bool:
    """Whether the first bytes of a file are not text (NUL bytes or many control codes).

    >>> looks_binary(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00"), looks_binary("新闻".encode())
    (True, False)
    """
    if b"\x00" in head:
        return True
    return bool(head) and (len(head) - len(head.translate(None, _CONTROL))) / len(head) > 0.05


def _plausible_gb(text: str) -> bool:
    """GB18030 decodes most byte soups; accept it only if the result is common Chinese."""
    nonascii = [c for c in text[:50000] if ord(c) > 127]
    if not nonascii:
        return True
    common = 0
    for c in nonascii:
        try:
            b = c.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if 0xA1 <= b[0] <= 0xA9 or 0xB0 <= b[0] <= 0xD7:  # symbols, level-1 hanzi
            common += 1
    return common / len(nonascii) >= 0.9


def decode_bytes(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode a text file's bytes; return ``(text, encoding_used)``.

    :raises BinaryFileError: NUL bytes or control codes (not a text file).
    :raises DecodeError: neither UTF-8 nor plausible GB18030.

    >>> decode_bytes("中文".encode("gb18030"))
    ('中文', 'gb18030')
    >>> decode_bytes(codecs.BOM_UTF8 + "中文".encode())
    ('中文', 'utf-8-sig')
    """
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                raise DecodeError(f"invalid {enc} at byte {e.start}; {ENCODING_HINT}", path=path) from e
    if looks_binary(data[:8192]):
        raise BinaryFileError("binary file (not text); only .txt/.jsonl/.jsonl.gz text is read",
                              path=path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        bad = e.start
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausible_gb(text):
        return text, "gb18030"
    raise DecodeError(f"not UTF-8 (bad byte at offset {bad}) nor GB18030/GBK; {ENCODING_HINT}",
                      path=path)


# ---------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Source:
    """One input: ``path`` as given (or joined under a given directory), and its format."""

    path: str
    format: str  # "txt" | "jsonl" | "stdin"
    label: str | None = None  # what Article.source says, when not the path itself

    @property
    def name(self) -> str:
        """The source as articles and error messages cite it."""
        return self.label or ("<stdin>" if self.path == "-" else self.path)


def source_format(name: str) -> str | None:
    """``"jsonl"``, ``"txt"`` or None (ignored) for a file found in a directory.

    >>> source_format("a/2023.jsonl.gz"), source_format("b.TXT"), source_format("c.pdf")
    ('jsonl', 'txt', None)
    """
    low = name.lower()
    if low.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if low.endswith(TEXT_SUFFIXES):
        return "txt"
    return None


def iter_sources(paths: list[str]) -> Iterator[Source]:
    """Expand paths to sources: files as given, directories recursively in sorted order.

    Files of other types inside directories are ignored with one warning per directory;
    a path that does not exist raises :class:`CorpusError` at once.
    """
    for given in paths:
        if given == "-":
            yield Source("-", "stdin")
            continue
        p = Path(given)
        if p.is_dir():
            yield from _walk(given)
        elif p.is_file():
            yield Source(given, source_format(given) or "txt")
        else:
            raise CorpusError("no such file or directory", path=given)


def _walk(root: str) -> Iterator[Source]:
    ignored: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith(SIDECAR_SUFFIX):
                continue
            full = os.path.join(dirpath, name)
            fmt = source_format(name)
            if fmt:
                yield Source(full, fmt)
            else:
                ignored.append(os.path.relpath(full, root))
    if ignored:
        shown = ", ".join(ignored[:5]) + (" ..." if len(ignored) > 5 else "")
        warnings.warn(f"{root}: ignored {len(ignored)} file(s) that are not .txt/.jsonl/"
                      f".jsonl.gz: {shown}", stacklevel=2)


def read_source_bytes(src: Source) -> bytes:
    """All bytes of a (possibly gzipped) file, or of standard input for ``-``."""
    if src.path == "-":
        stream = getattr(sys.stdin, "buffer", None)
        return stream.read() if stream is not None else sys.stdin.read().encode("utf-8")
    try:
        if src.path.lower().endswith(".gz"):
            with gzip.open(src.path, "rb") as f:
                return f.read()
        return Path(src.path).read_bytes()
    except (gzip.BadGzipFile, EOFError, zlib.error) as e:
        raise BinaryFileError(f"not a valid gzip file ({e})", path=src.path) from e
    except OSError as e:
        raise CorpusError(f"cannot read: {e.strerror or e}", path=src.path) from e


def read_text_source(src: Source) -> tuple[str, str]:
    """Decoded text of a whole file; raises :class:`EmptyFileError` when there is none."""
    text, enc = decode_bytes(read_source_bytes(src), src.path)
    if not text.strip():
        raise EmptyFileError("empty file (no text)", path=src.path)
    return text, enc


def read_sidecar(path: str) -> dict[str, str]:
    """Metadata of ``<path>.meta.json`` (date, title, source, url) if present, else ``{}``."""
    side = Path(path + SIDECAR_SUFFIX)
    if path == "-" or not side.is_file():
        return {}
    try:
        data = json.loads(side.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise RecordError(f"invalid sidecar metadata: {e}", path=str(side)) from e
    if not isinstance(data, dict):
        raise RecordError("sidecar metadata must be a JSON object", path=str(side))
    meta = {k: str(data[k]) for k in SIDECAR_KEYS if data.get(k) not in (None, "")}
    if "date" in meta:
        try:
            meta["date"] = normalize_date(meta["date"])
        except ValueError as e:
            raise RecordError(str(e), path=str(side)) from e
    return meta


# ---------------------------------------------------------------------------- JSONL


def open_lines(src: Source) -> Iterator[tuple[int, bytes | str | CorpusError]]:
    """Numbered lines of a JSONL file, gzipped or not (see :func:`numbered_lines`)."""
    opener = gzip.open if src.path.lower().endswith(".gz") else open
    try:
        with opener(src.path, "rb") as f:
            yield from numbered_lines(f)
    except (gzip.BadGzipFile, EOFError, zlib.error) as e:
        raise BinaryFileError(f"not a valid gzip file ({e})", path=src.path) from e
    except OSError as e:
        raise CorpusError(f"cannot read: {e.strerror or e}", path=src.path) from e


def numbered_lines(f: BinaryIO) -> Iterator[tuple[int, bytes | str | CorpusError]]:
    """(1-based line number, line) of a byte stream, judged line by line, never as a whole.

    A line is raw bytes (decoded later by :func:`decode_line`), text when the stream is
    UTF-16 with a BOM (decoded here, as its newlines are two bytes), or a :class:`RecordError`
    for a line longer than :data:`MAX_LINE` (read past, never held in memory).
    """
    if not hasattr(f, "peek"):
        f = io.BufferedReader(f)
    head = f.peek(2)[:2]
    if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        stream = io.TextIOWrapper(f, encoding="utf-16", errors=_BAD_UTF16, newline="")
        yield from enumerate(_bounded(stream.readline, "\n"), 1)
    else:
        yield from enumerate(_bounded(f.readline, b"\n"), 1)


def _bounded(readline, newline):
    """Lines from ``readline``, each over MAX_LINE units replaced by a RecordError."""
    while line := readline(MAX_LINE):
        if len(line) < MAX_LINE or line.endswith(newline):
            yield line
            continue
        size = len(line)
        while (rest := readline(MAX_LINE)) and not rest.endswith(newline):
            size += len(rest)
        yield RecordError(f"line too long ({size + len(rest):,} characters or bytes; at most "
                          f"{MAX_LINE:,}): not one news article")


def decode_line(raw: bytes | str | CorpusError, path: str, line: int) -> str:
    """One line of JSONL or of a batch on stdin as text: UTF-8 (BOM allowed), else GB18030.

    :raises BinaryFileError: the line holds NUL bytes or control codes (binary data).
    :raises DecodeError: the line is in no encoding newskg reads (or is broken UTF-16).
    :raises RecordError: the line was too long to read (from :func:`numbered_lines`).

    >>> decode_line("记者".encode("gbk") + b"\\n", "f.jsonl", 2)
    '记者\\n'
    """
    if isinstance(raw, CorpusError):
        raw.path, raw.line = path, line
        raise raw
    if isinstance(raw, str):
        if _UTF16_MARK in raw:
            raise DecodeError("invalid UTF-16 in this line (the file starts with a UTF-16 BOM)",
                              path=path, line=line)
        if looks_binary(raw.lstrip("\ufeff").encode("utf-8", "surrogatepass")):
            raise BinaryFileError(_BINARY_LINE, path=path, line=line)
        return raw.lstrip("\ufeff") if line == 1 else raw
    if line == 1 and raw.startswith(codecs.BOM_UTF8):
        raw = raw[3:]
    if looks_binary(raw):
        raise BinaryFileError(_BINARY_LINE, path=path, line=line)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
        if _plausible_gb(text):
            return text
    except UnicodeDecodeError:
        pass
    raise DecodeError(f"line is not UTF-8 or GB18030; {ENCODING_HINT}", path=path, line=line)


def parse_record(text: str, path: str, line: int) -> dict | None:
    """Validate one JSONL line; None for a blank line.

    :raises RecordError: bad JSON, not an object, missing/empty ``text``, wrong field types,
        unreadable ``date``.

    >>> parse_record('{"text": "正文", "date": "20230101"}', "f.jsonl", 3)["date"]
    '2023-01-01'
    >>> parse_record('{"title": "无正文"}', "f.jsonl", 7)
    Traceback (most recent call last):
    ...
    corpus.errors.RecordError: f.jsonl:7: missing or empty "text" field [E103]
    """
    if not text.strip():
        return None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        raise RecordError(f"invalid JSON at column {e.colno}: {e.msg}", path=path, line=line) from e
    if not isinstance(obj, dict):
        raise RecordError(f"expected a JSON object, got {type(obj).__name__}", path=path, line=line)
    for key, types in RECORD_KEYS.items():
        if obj.get(key) is not None and not isinstance(obj[key], types):
            raise RecordError(f'field "{key}" has the wrong type ({type(obj[key]).__name__})',
                              path=path, line=line)
    if not isinstance(obj.get("text"), str) or not obj["text"].strip():
        raise RecordError('missing or empty "text" field', path=path, line=line)
    if obj.get("date") not in (None, ""):
        try:
            obj["date"] = normalize_date(obj["date"])
        except ValueError as e:
            raise RecordError(str(e), path=path, line=line) from e
    else:
        obj["date"] = None
    return obj


def iter_records(lines: Iterable[tuple[int, bytes | str | CorpusError]], name: str,
                 report: Callable[[CorpusError], None]) -> Iterator[tuple[int, dict]]:
    """(line, record) pairs of numbered JSONL lines; each bad line goes to ``report`` (may raise).

    Judged per line, except for two verdicts on the whole file: :class:`BinaryFileError` when
    its first non-blank lines (up to :data:`BINARY_LINES`) are all binary (a binary file, not
    a few bad lines), :class:`EmptyFileError` when it has no non-blank line at all.
    """
    held: list[CorpusError] = []  # binary lines before the first line of text
    text_seen = False
    for no, raw in lines:
        try:
            rec = parse_record(decode_line(raw, name, no), name, no)
        except BinaryFileError as e:
            if text_seen:
                report(e)
                continue
            held.append(e)
            if len(held) == BINARY_LINES:
                raise BinaryFileError(f"binary file (lines {held[0].line}-{no} are not text), "
                                      "not JSON lines", path=name) from None
            continue
        except CorpusError as e:
            rec, error = None, e
        else:
            error = None
        if rec is None and error is None:  # a blank line
            continue
        if not text_seen:
            text_seen = True
            for e in held:
                report(e)
        if error is not None:
            report(error)
            continue
        yield no, rec
    if held and not text_seen:
        raise BinaryFileError("binary file (no line is text), not JSON lines", path=name)
    if not text_seen:
        raise EmptyFileError("empty file (no JSON lines)", path=name)


def stdin_format(data: bytes) -> str:
    """``"jsonl"`` when standard input starts with ``{``, else ``"txt"``.

    >>> stdin_format(b'  {"text": "x"}'), stdin_format("正文".encode())
    ('jsonl', 'txt')
    """
    for bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if data.startswith(bom):
            head = data[:64].decode("utf-16", "ignore")
            return "jsonl" if head.lstrip("\ufeff \t\r\n").startswith("{") else "txt"
    return "jsonl" if data.lstrip(codecs.BOM_UTF8 + b" \t\r\n").startswith(b"{") else "txt"
