"""The exit codes of every `newskg` command, in one table (shown by `newskg --help`, docs/cli.md).

A script or a Makefile tells from the code alone whether everything was read (0), some
input was skipped (3, with ``--strict``; always for a batch on stdin), nothing usable was
read (4), an evaluation fell below a gate (5), or the command failed (1) or was misused (2).
"""
from __future__ import annotations

import textwrap
from enum import IntEnum

from corpus.errors import InputsSkippedError, NothingReadError


class ExitCode(IntEnum):
    """Process exit status of a `newskg` command."""

    OK = 0
    ERROR = 1
    USAGE = 2
    SKIPPED = 3
    NOTHING_READ = 4
    BELOW_GATE = 5
    INTERRUPTED = 130


MEANING: dict[ExitCode, str] = {
    ExitCode.OK: "done: everything was read, or (without --strict) something was read and "
                 "each skipped input was reported on stderr with its file and line",
    ExitCode.ERROR: "the command failed: a store, query, network or write error [Exxx]",
    ExitCode.USAGE: "usage error: unknown option, missing or invalid argument",
    ExitCode.SKIPPED: "some inputs were skipped and --strict was given, or some lines of an "
                      "`ask`/`ner` batch failed (each reported; the others were processed)",
    ExitCode.NOTHING_READ: "nothing usable was read: every input skipped, an empty corpus, "
                           "stdin with only blank lines, an empty store to export or push",
    ExitCode.BELOW_GATE: "`newskg eval`: a measure is below its minimum (--min NAME=VALUE; "
                         "the failing gates are listed on stderr)",
    ExitCode.INTERRUPTED: "stopped by Ctrl-C (`build` keeps every article committed before)",
}

# The error classes (by the table above) that end a command with a code other than ERROR.
ERROR_EXIT: tuple[tuple[type[Exception], ExitCode], ...] = (
    (NothingReadError, ExitCode.NOTHING_READ),
    (InputsSkippedError, ExitCode.SKIPPED),
)


def exit_code_for(error: Exception) -> ExitCode:
    """The exit code a command ends with when ``error`` reaches the command line.

    >>> exit_code_for(NothingReadError("x")), exit_code_for(ValueError("x"))
    (<ExitCode.NOTHING_READ: 4>, <ExitCode.ERROR: 1>)
    """
    for cls, code in ERROR_EXIT:
        if isinstance(error, cls):
            return code
    return ExitCode.ERROR


def help_table() -> str:
    """The table as ``newskg --help`` prints it (kept unwrapped by click's ``\\b`` marker)."""
    rows = [textwrap.fill(MEANING[code], width=76, initial_indent=f"  {int(code):<5}",
                          subsequent_indent=" " * 7) for code in ExitCode]
    return "\b\nExit codes:\n" + "\n".join(rows)
