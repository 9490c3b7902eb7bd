"""Run SPARQL evaluation where no network connection can be opened (defence in depth
behind :mod:`kg.sparql_inspect`): pyoxigraph evaluates ``SERVICE`` by opening an HTTP
connection, so the thread (or worker process) that evaluates queries gets a seccomp
filter that refuses every ``socket()`` other than a local (``AF_UNIX``) one.

A seccomp filter binds the calling thread and the threads and processes it starts later,
never the others: :func:`call_without_network` runs a function in a fresh thread of its own,
so the CLI, the app and the tests keep their network. Where seccomp is not available
(not Linux, no libseccomp) :func:`deny_network` returns False and only the inspection holds.
"""
from __future__ import annotations

import errno
import socket
import threading
from typing import Callable, TypeVar

T = TypeVar("T")


def deny_network() -> bool:
    """Forbid this thread and its later children to create any socket but ``AF_UNIX``
    (``socket()`` fails with EACCES); True when the filter is in force."""
    try:
        import pyseccomp as sc

        f = sc.SyscallFilter(defaction=sc.ALLOW)
        f.add_rule(sc.ERRNO(errno.EACCES), "socket", sc.Arg(0, sc.NE, socket.AF_UNIX))
        f.load()
    except (ImportError, OSError, RuntimeError, AttributeError, ValueError):
        return False
    return True


def network_denied() -> bool:
    """True when this thread cannot open an internet socket (the filter is in force)."""
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except PermissionError:
        return True
    return False


def call_without_network(fn: Callable[..., T], *args, **kwargs) -> T:
    """``fn(*args, **kwargs)`` evaluated in a new thread that cannot open a network
    connection; its result is returned and its exception re-raised here."""
    box: dict = {}

    def run() -> None:
        deny_network()
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as e:  # noqa: BLE001 - handed to the calling thread
            # without its frames: objects they hold (pyoxigraph iterators may not change
            # threads) are freed here, not by a later garbage collection in another thread
            x: BaseException | None = e
            while x is not None:
                x.__traceback__ = None
                x = x.__cause__ or x.__context__
            box["error"] = e

    t = threading.Thread(target=run, name="sparql-no-network", daemon=True)
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    return box["value"]
