"""Skipped inputs on the command line: each reported once, at once, with its file and line;
after the output, the exit code says whether nothing was read or (with --strict) some was skipped."""
from __future__ import annotations

import logging
import warnings
from contextlib import contextmanager
from typing import Iterator, Sequence

import click

from corpus.errors import CorpusError, InputsSkippedError, NothingReadError
from newskg.failures import defer


def plural(n: int, word: str) -> str:
    """``1 input``, ``2 inputs``.

    >>> plural(1, "line"), plural(3, "input")
    ('1 line', '3 inputs')
    """
    return f"{n} {word}{'' if n == 1 else 's'}"


def where(paths: Sequence[str] | None) -> str:
    """The inputs as a message names them.

    >>> where(["a.jsonl", "-"]), where(None)
    ('a.jsonl, standard input', 'the bundled sample')
    """
    if not paths:
        return "the bundled sample"
    return ", ".join("standard input" if p == "-" else str(p) for p in paths)


class SkipReport:
    """Pass as ``on_error``: prints ``skipped: FILE:LINE: message [Exxx]`` on stderr for each
    skipped input (a file, a record, a line) as it happens, and counts them."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, error: CorpusError | str) -> None:
        self.count += 1
        click.echo(f"skipped: {error}", err=True)

    def verdict(self, read: int, *, strict: bool, noun: str, paths: Sequence[str] | None) -> None:
        """See :func:`verdict`, with the skips counted here."""
        verdict(read, self.count, strict=strict, noun=noun, paths=paths)


def verdict(read: int, skipped: int, *, strict: bool, noun: str, paths: Sequence[str] | None) -> None:
    """After the output, end with NOTHING_READ when ``read`` is 0, with SKIPPED when ``strict``
    and something was skipped (see :mod:`newskg.exit_codes`)."""
    note = f"{plural(skipped, 'input')} skipped, each reported above"
    if read == 0:
        defer(NothingReadError(f"nothing usable was read: no {noun}s in {where(paths)}"
                               + (f" ({note})" if skipped else "")))
    elif strict and skipped:
        defer(InputsSkippedError(f"{note}; {plural(read, noun)} read (--strict)"))


@contextmanager
def warnings_as_notes() -> Iterator[None]:
    """Show the readers' warnings (e.g. files of other types ignored in a folder) as
    ``note: ...`` lines on stderr, not as Python warnings with a source line."""
    with warnings.catch_warnings(record=True) as notes:
        warnings.simplefilter("always", UserWarning)
        yield
    for note in notes:
        if issubclass(note.category, UserWarning):
            click.echo(f"note: {note.message}", err=True)


class _Echo(logging.Handler):
    """Log records as plain lines on stderr (``skipped: FILE:LINE: ...``)."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


@contextmanager
def skips_logged(logger: str) -> Iterator[None]:
    """Show what a library logger says (a build's ``skipped: ...`` lines) on stderr as it
    happens, once: its records do not also reach Python's last-resort handler."""
    log = logging.getLogger(logger)
    handler, propagate = _Echo(), log.propagate
    log.addHandler(handler)
    log.propagate = False
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.propagate = propagate
