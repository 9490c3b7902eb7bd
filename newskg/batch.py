"""Line-by-line batches on standard input (`newskg ask`, `newskg ner`): each line decoded and
answered on its own, a bad line reported with its number and a code, the batch carried on."""
from __future__ import annotations

import sys
from typing import BinaryIO, Iterator

import click

from corpus.errors import CorpusError, InputsSkippedError, NewskgError, NothingReadError
from corpus.read import decode_line, numbered_lines
from newskg.failures import defer
from newskg.skips import plural

STDIN = "<stdin>"


def stdin_lines(stream: BinaryIO | None = None) -> Iterator[tuple[int, str | CorpusError]]:
    """(line number, text without its line break) of standard input, or the line's error when
    it is binary or in no encoding newskg reads (UTF-8, GB18030; UTF-16 with a BOM)."""
    for no, raw in numbered_lines(stream if stream is not None else sys.stdin.buffer):
        try:
            yield no, decode_line(raw, STDIN, no).rstrip("\r\n")
        except CorpusError as e:
            yield no, e


def error_object(no: int, error: NewskgError) -> dict:
    """The JSON a batch prints in place of a bad line's result.

    >>> error_object(2, NothingReadError("x"))
    {'line': 2, 'error': {'code': 'E106', 'message': 'x'}}
    """
    return {"line": no, "error": {"code": error.code, "message": error.message}}


class BatchReport:
    """Counts a batch's good and bad lines; prints each bad one on stderr as ``<stdin>:N: ...``."""

    def __init__(self) -> None:
        self.done = 0
        self.failed = 0

    def ok(self) -> None:
        """One more line processed."""
        self.done += 1

    def fail(self, no: int, error: NewskgError) -> None:
        """One more bad line, reported at once with its number and code."""
        self.failed += 1
        if error.path is None:
            error.path, error.line = STDIN, no
        click.echo(f"skipped: {error}", err=True)

    def verdict(self, noun: str) -> None:
        """After the output: NOTHING_READ when no line was usable, SKIPPED when some failed."""
        if self.done == 0:
            failed = f" ({plural(self.failed, 'line')} failed, each reported above)" if self.failed else ""
            defer(NothingReadError(f"nothing usable was read: no {noun}s on standard input{failed}"))
        elif self.failed:
            defer(InputsSkippedError(f"{self.failed} of {self.done + self.failed} lines failed "
                                     f"(each reported above); the other {plural(self.done, noun)} done"))
