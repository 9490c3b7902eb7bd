"""Errors that reach the command line: a one-line message on stderr and the exit code of
:mod:`newskg.exit_codes`, never a traceback (library errors, write errors, a damaged store)."""
from __future__ import annotations

import errno
import os
import sys

import click

from corpus.errors import NewskgError, OutputError
from newskg.exit_codes import exit_code_for

DEFERRED_ERROR = "newskg.deferred_error"  # click ctx.meta key: raised once the output is out
WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS})


class CommandFailed(click.ClickException):
    """A :class:`NewskgError` as click shows it, with the exit code of its class."""

    def __init__(self, error: NewskgError) -> None:
        super().__init__(str(error))
        self.exit_code = int(exit_code_for(error))


def defer(error: NewskgError) -> None:
    """End the running command with ``error`` after it has written its output (a verdict on
    skipped inputs must not cost the rows that were read)."""
    click.get_current_context().meta[DEFERRED_ERROR] = error


def raise_deferred(ctx: click.Context) -> None:
    """Raise the error a command deferred, if any."""
    error = ctx.meta.pop(DEFERRED_ERROR, None)
    if error is not None:
        raise error


def os_failure(error: OSError) -> NewskgError:
    """A coded error for an ``OSError`` (a full disk, a read-only place, ...).

    >>> str(os_failure(OSError(errno.ENOSPC, "No space left on device")))
    'cannot write the output: No space left on device [E010]'
    """
    reason = error.strerror or str(error)
    if error.errno in WRITE_ERRNOS:
        return OutputError(f"cannot write the output: {reason}", path=error.filename)
    return NewskgError(reason, path=error.filename)


def silence_stdout() -> None:
    """Point stdout at /dev/null after a write to it failed, so that the interpreter's last
    flush does not fail again with a second, raw message."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (tests, a closed stream)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)
