"""The Dask build engine: workers of a Dask cluster extract, this process is the one writer.

Same plan, same worker function and same writer as the local build (:mod:`kg.build`):
``Loader.plan`` decides which articles need extraction, chunks of about
``CHUNK_CHARS`` characters go to the cluster as ONE task each
(:func:`kg.build.extract_graphs`), and each task returns its articles' graphs as N-Quads
bytes (:class:`kg.store.PackedGraph`) that ``Loader.add`` writes in batches. Results are loaded in input order and
at most ``INFLIGHT_PER_WORKER`` tasks per worker thread are pending, so memory stays bounded
however large the corpus, and the store ends up the same as after a local build.
"""
from __future__ import annotations

import logging
import os
from collections import deque
from contextlib import contextmanager, nullcontext
from typing import Any, Callable, Iterable, Iterator, TypeVar

from pyoxigraph import Store

from corpus.errors import GraphError
from corpus.model import Article
from kg.build import BuildSummary, Extractor, Loader, extract_graphs, load_with
from kg.code_version import extractor_version

log = logging.getLogger(__name__)

#: Characters of article text per task (a few seconds of work for one worker).
CHUNK_CHARS = 32_000
#: ... and at most this many articles per task.
CHUNK_MAX_ARTICLES = 256
#: Tasks pending per worker thread of the cluster (bounds memory on both sides).
INFLIGHT_PER_WORKER = 3
#: How often (in tasks) the cluster's size is asked again (it may grow or shrink).
RESIZE_EVERY = 32

T = TypeVar("T")
R = TypeVar("R")


def chunk_articles(articles: Iterable[Article], keep: Callable[[Article], bool] = lambda a: True, *,
                   max_chars: int = CHUNK_CHARS, max_articles: int = CHUNK_MAX_ARTICLES) -> Iterator[list[Article]]:
    """Group the articles that ``keep`` accepts into chunks of about ``max_chars`` characters
    (at least one article each, at most ``max_articles``), lazily and in order.

    >>> arts = [Article(id=str(i), text="字" * n) for i, n in enumerate([5, 5, 5, 20, 1])]
    >>> [[a.id for a in c] for c in chunk_articles(arts, max_chars=10)]
    [['0', '1'], ['2', '3'], ['4']]
    """
    chunk: list[Article] = []
    chars = 0
    for art in articles:
        if not keep(art):
            continue
        chunk.append(art)
        chars += len(art.text)
        if chars >= max_chars or len(chunk) >= max_articles:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def map_ordered(client: Any, fn: Callable[..., R], items: Iterable[T], *args: Any,
                inflight: int | Callable[[], int] = 4) -> Iterator[R]:
    """``fn(item, *args)`` for each item on the cluster behind ``client``, results in input
    order; at most ``inflight`` tasks are pending (an int, or a function asked again every
    ``RESIZE_EVERY`` tasks), so ``items`` is read only as fast as results are consumed.

    :raises GraphError: when a task fails on the cluster or the scheduler is lost.
    """
    pending: deque = deque()
    limit_of = inflight if callable(inflight) else (lambda: inflight)
    limit = max(1, limit_of())
    for n, item in enumerate(items, 1):
        pending.append(client.submit(fn, item, *args, pure=False))
        if n % RESIZE_EVERY == 0:
            limit = max(1, limit_of())
        while len(pending) >= limit or (pending and pending[0].done()):
            yield _result(pending.popleft())
    while pending:
        yield _result(pending.popleft())


def _result(future: Any):
    try:
        return future.result()
    except GraphError:
        raise
    except Exception as e:  # noqa: BLE001 - a worker died, the scheduler went away, ...
        raise GraphError(f"a Dask task failed: {type(e).__name__}: {e}") from e


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None, *,
                timeout: str = "20s") -> Iterator[Any]:
    """A ``distributed.Client`` for the scheduler at ``scheduler`` (``tcp://host:8786``, or a
    scheduler file path ending in ``.json``), or, when None, for a ``LocalCluster`` of
    ``workers`` single-threaded processes (default: all cores). Closed on exit.
    ``timeout``: how long to keep trying to reach the scheduler.

    :raises GraphError: if dask.distributed is missing or the scheduler cannot be reached.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError as e:
        raise GraphError(f"the dask engine needs dask.distributed (pip install 'dask[distributed]'): {e}") from e
    cluster = None
    try:
        if scheduler:
            kw = {"scheduler_file": scheduler} if scheduler.endswith(".json") else {"address": scheduler}
            client = Client(timeout=timeout, **kw)
        else:
            cluster = LocalCluster(n_workers=max(1, workers or os.cpu_count() or 1), threads_per_worker=1,
                                   processes=True, dashboard_address=None, silence_logs=logging.CRITICAL)
            client = Client(cluster)
            # the local workers share the terminal: Ctrl-C is the parent's to handle (it
            # stops the build cleanly and closes the cluster), not theirs to print about
            client.run(_ignore_interrupts)
    except (OSError, TimeoutError, ValueError) as e:
        if cluster is not None:
            cluster.close()
        where = f"the Dask scheduler at {scheduler}" if scheduler else "a local Dask cluster"
        raise GraphError(f"cannot reach {where}: {e}") from e
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _ignore_interrupts() -> bool:
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return False
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    return True


def cluster_threads(client: Any) -> int:
    """Worker threads currently in the cluster (0 while an adaptive cluster has none)."""
    return sum(client.nthreads().values())


def build_dask(
    source: Iterable[Article] | Iterable[str | os.PathLike] | str | os.PathLike | None,
    store: Store,
    *,
    scheduler: str | None = None,
    client: Any = None,
    workers: int | None = None,
    progress: bool | None = None,
    strict: bool = False,
    prune: bool = False,
    extractor: Extractor | None = None,
    chunk_chars: int = CHUNK_CHARS,
    force: bool = False,
) -> BuildSummary:
    """:func:`kg.build.build` with the extraction on a Dask cluster (same arguments, same
    summary, same store contents).

    :param scheduler: address of a running scheduler (``tcp://host:8786`` or a scheduler
        file); None starts a local cluster of ``workers`` processes (default: all cores).
    :param client: an existing ``distributed.Client`` to use instead (left open), e.g. one
        of a dask-jobqueue or Kubernetes cluster made in Python.
    :param extractor: ``Article -> ArticleFacts``, a top-level function importable on the
        workers; default the project pipeline.
    :raises NewskgError: in strict mode, when the store fails or the cluster is lost; what
        was committed stays.
    """
    def feed(articles: Iterator[Article], loader: Loader, tick: Callable[[], None]) -> None:
        chunks = chunk_articles(articles, loader.plan, max_chars=chunk_chars)
        first = next(chunks, None)
        if first is None:  # the cluster starts only when there is work: a no-op rebuild stays fast
            return
        with (nullcontext(client) if client is not None else dask_client(scheduler, workers)) as c:
            def limit() -> int:
                return max(2, cluster_threads(c)) * INFLIGHT_PER_WORKER

            for graphs in map_ordered(c, extract_graphs, _prepend(first, chunks), extractor, loader.version,
                                      inflight=limit):
                for g in graphs:
                    loader.add(g)
                tick()

    return load_with(feed, source, store, progress=progress, strict=strict, prune=prune,
                     version=extractor_version(extractor), force=force)


def _prepend(first: T, rest: Iterator[T]) -> Iterator[T]:
    yield first
    yield from rest


ENGINES = ("local", "dask")


def run_build(engine: str, source, store: Store, *, scheduler: str | None = None, **kw) -> BuildSummary:
    """Build with the named engine: ``local`` (:func:`kg.build.build`, a process pool) or
    ``dask`` (:func:`build_dask`); ``kw`` are the common build arguments."""
    if engine == "local":
        if scheduler:
            raise GraphError("--scheduler needs --engine dask")
        from kg.build import build

        return build(source, store, **kw)
    if engine == "dask":
        return build_dask(source, store, scheduler=scheduler, **kw)
    raise GraphError(f"unknown build engine {engine!r} (choose from {', '.join(ENGINES)})")


__all__ = ["ENGINES", "build_dask", "chunk_articles", "cluster_threads", "dask_client", "map_ordered", "run_build"]
