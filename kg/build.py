"""Build the graph: read articles, extract facts in worker processes, load them from one writer.

Incremental by article content and extractor version: an article whose checksum is already
stored, made by this version of the extractor (:func:`kg.code_version.extractor_version`), is
skipped before extraction; a changed one, or one made by another version, has its graph
replaced; a new one is added. Workers hand the
writer N-Quads bytes (:class:`kg.store.PackedGraph`). New articles are bulk-loaded in large
batches (:func:`kg.store.bulk_write_graphs`, undone by :func:`kg.store.recover_pending` if a
crash cuts one short); changed ones are replaced in batches of ONE transaction each
(:func:`kg.store.write_graphs`). So a build that is killed leaves every article graph either
in its previous or its new state, never half.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterable, Iterator

from pyoxigraph import Store

from corpus.errors import GraphError, NewskgError
from corpus.model import Article
from extract.model import ArticleFacts
from kg.code_version import extractor_version
from kg.rdf import ArticleGraph, article_graph
from kg.store import (
    PackedGraph,
    StoreWriteError,
    bulk_write_graphs,
    pack,
    recover_pending,
    remove_articles,
    stored_articles,
    stored_checksum,
    stored_version,
    unpack,
    write_graphs,
)
from kg.summary import ensure_summary

log = logging.getLogger(__name__)

Extractor = Callable[[Article], ArticleFacts]

#: Replaced articles: a write transaction is committed when it holds this many triples (or
#: articles, or seconds); ``NEWSKG_BATCH_ARTICLES`` overrides the article count of both
#: kinds of batch (small values: finer-grained commits).
BATCH_TRIPLES = 20_000
BATCH_ARTICLES = int(os.environ.get("NEWSKG_BATCH_ARTICLES") or 200)
BATCH_SECONDS = 2.0
#: New articles: a bulk load is made of this many triples (or articles, or seconds). Larger
#: loads cost less CPU and leave fewer files; below Oxigraph's 1 M-quad bulk batch, each one
#: is also a single atomic file ingestion.
BULK_TRIPLES = 900_000
BULK_ARTICLES = int(os.environ.get("NEWSKG_BATCH_ARTICLES") or 20_000)
BULK_SECONDS = 30.0
#: The store's in-memory tables are written to disk every this many triples. Oxigraph's
#: RocksDB keeps up to 6 x 128 MB of them per index otherwise: the writer reached 2.2 GB RSS
#: on the CCTV corpus, and 1.5 GB after 1.8 M triples against 0.6 GB flushing every 0.5 M.
STORE_FLUSH_TRIPLES = 1_000_000
#: Articles per task sent to a worker, and tasks in flight per worker (bounds memory).
CHUNK_ARTICLES = 8
INFLIGHT_PER_WORKER = 4


@dataclass
class BuildSummary:
    """What a build did. ``entities``/``metrics``/``relations``/``triples`` count what this
    build wrote (entities: distinct ids; relations: relation statements, co-mentions not
    included); ``articles`` counts articles read; ``reextracted``: unchanged articles
    extracted again (made by another extractor version, or ``force``), not in ``replaced``;
    ``load_seconds`` is the time spent writing."""

    articles: int = 0
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    reextracted: int = 0
    removed: int = 0
    entities: int = 0
    metrics: int = 0
    relations: int = 0
    triples: int = 0
    seconds: float = 0.0
    load_seconds: float = 0.0
    skipped_records: int = 0
    summary_seconds: float = 0.0
    interrupted: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def triples_per_second(self) -> float:
        """Triples written per second of build time."""
        return self.triples / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        """Plain dict for JSON output."""
        d = asdict(self)
        d["seconds"] = round(self.seconds, 3)
        d["load_seconds"] = round(self.load_seconds, 3)
        d["summary_seconds"] = round(self.summary_seconds, 3)
        return d


def default_extractor() -> Extractor:
    """The project's extraction pipeline (``extract.pipeline.extract_article``)."""
    try:
        from extract.pipeline import extract_article
    except ImportError as e:  # pragma: no cover - until extract lands
        raise GraphError(f"the extraction pipeline is not available: {e}") from e
    return extract_article


def read_articles(paths: Iterable[str | os.PathLike] | None, *, strict: bool = False,
                  on_skip: Callable[[str], None] | None = None) -> Iterator[Article]:
    """Articles from ``paths`` (None: the bundled sample) via ``corpus.read_corpus``."""
    try:
        from corpus import read_corpus
    except ImportError as e:  # pragma: no cover - until corpus lands
        raise GraphError(f"the corpus reader is not available: {e}") from e
    report = (lambda err: on_skip(str(err))) if on_skip is not None else None
    return read_corpus([str(p) for p in paths] if paths is not None else None, strict=strict, on_error=report)


# ------------------------------------------------------------------ worker side


_EXTRACTOR: Extractor | None = None
_VERSION: str | None = None


def _init_worker(extractor: Extractor | None, version: str | None = None) -> None:
    """Pool initializer: workers leave Ctrl-C to the parent and keep one extractor (and the
    version the parent stamps on its articles)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _EXTRACTOR, _VERSION
    _EXTRACTOR = extractor or default_extractor()
    _VERSION = version


def extract_graphs(articles: list[Article], extractor: Extractor | None = None,
                   version: str | None = None) -> list[PackedGraph | str]:
    """Extract and map a chunk of articles into what the writer loads (N-Quads bytes), each
    stamped with ``version`` (default: the extractor's, :func:`kg.code_version.extractor_version`);
    a failed article becomes an error string (``source:line: article ID: message``) so one bad
    article never sinks the chunk."""
    fn = extractor or _EXTRACTOR or default_extractor()
    version = version or _VERSION or extractor_version(extractor)
    out: list[PackedGraph | str] = []
    for art in articles:
        try:
            facts = fn(art)
            if not facts.checksum:
                facts.checksum = art.checksum
            out.append(pack(article_graph(art, facts, version=version)))
        except Exception as e:  # noqa: BLE001 - reported per article, never silently
            where = f"{art.source}:{art.line}: " if art.source else ""
            out.append(f"{where}article {art.id}: {type(e).__name__}: {e}")
    return out


# ------------------------------------------------------------------ writer side


class Loader:
    """The single writer: decides what each article needs and commits graphs in batches
    (new articles: bulk loads; replaced ones: transactions).

    Usable on its own by other engines (e.g. a Dask build): ``plan()`` each article,
    extract the planned ones anywhere, ``add()`` the graphs, ``flush()`` at the end.

    Batches are written in order by ONE background thread, at most one at a time, while the
    caller goes on feeding workers and queueing the next batch (Oxigraph loads without
    holding the GIL): on the 12-year CCTV build the writer's loads took 180 s of wall time
    during which the workers used to wait.
    """

    def __init__(self, store: Store, summary: BuildSummary, *, strict: bool = False,
                 flush_every: int = STORE_FLUSH_TRIPLES, version: str | None = None, force: bool = False):
        self.store = store
        self.summary = summary
        self.strict = strict
        self.version = version or extractor_version()  # stamped on the graphs, compared in plan()
        self.force = force  # re-extract unchanged articles whatever version made them
        self.reextract: set[str] = set()  # planned ids whose text is unchanged
        self.flush_every = flush_every  # triples between flushes of the store's memory tables
        self.unflushed = 0
        self.seen: set[str] = set()
        self.entity_ids: set[str] = set()
        self.new: list[PackedGraph] = []  # bulk-loaded
        self.changed: list[PackedGraph] = []  # replaced in one transaction
        self.stored: dict[str, bool] = {}  # planned id -> already had a graph
        self.new_triples = self.changed_triples = 0
        self.new_started = self.changed_started = time.monotonic()
        self._pool: ThreadPoolExecutor | None = None
        self._pending: Future | None = None  # the batch being written; its result: skip messages

    def plan(self, article: Article) -> bool:
        """Count the article and say whether it needs extraction (new, changed, or made by
        another extractor version; with ``force``, every one)."""
        self.summary.articles += 1
        if article.id in self.seen:
            self.skip(f"{article.source}:{article.line}: duplicate article id {article.id!r} (kept the first)")
            return False
        self.seen.add(article.id)
        try:
            old = stored_checksum(self.store, article.id)
            same = old is not None and old == article.checksum
            if same and not self.force and stored_version(self.store, article.id) == self.version:
                self.summary.unchanged += 1
                return False
        except GraphError as e:
            self.skip(f"{article.source}:{article.line}: article {article.id!r}: {e.message}")
            return False
        if same:
            self.reextract.add(article.id)
        self.stored[article.id] = old is not None
        return True

    def skip(self, message: str) -> None:
        """Record a record or article left out (raises in strict mode)."""
        if self.strict:
            self.flush()
            raise GraphError(message)
        self.summary.skipped_records += 1
        self.summary.errors.append(message)
        log.warning("skipped: %s", message)

    def add(self, graph: PackedGraph | ArticleGraph | str) -> None:
        """Queue one article's graph (or its error string) and write when a batch is full."""
        if isinstance(graph, str):
            self.skip(graph)
            return
        if isinstance(graph, ArticleGraph):
            graph = pack(graph)
        now = time.monotonic()
        if self.stored.pop(graph.article, False):
            self.changed.append(graph)
            self.changed_triples += graph.n_triples
            if (self.changed_triples >= BATCH_TRIPLES or len(self.changed) >= BATCH_ARTICLES
                    or now - self.changed_started >= BATCH_SECONDS):
                self._write_changed()
        else:
            self.new.append(graph)
            self.new_triples += graph.n_triples
            if (self.new_triples >= BULK_TRIPLES or len(self.new) >= BULK_ARTICLES
                    or now - self.new_started >= BULK_SECONDS):
                self._write_new()

    def abandon(self) -> None:
        """Drop what is queued, unwritten (after a store write error: every write would fail)."""
        self.new, self.changed = [], []
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self._pending = None

    def flush(self) -> None:
        """Write everything queued and wait until it is written."""
        self._write_changed()
        self._write_new()
        self._wait()
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None

    def _submit(self, batch: list[PackedGraph], write: Callable[[list[PackedGraph]], int], *, replaced: bool) -> None:
        """Hand a batch to the writing thread once the previous one is written."""
        self._wait()
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newskg-writer")
        self._pending = self._pool.submit(self._write, batch, write, replaced=replaced)

    def _wait(self) -> None:
        """Wait for the batch being written; its errors surface here, in the caller's thread."""
        fut = self._pending
        if fut is None:
            return
        try:
            messages = fut.result()
        except KeyboardInterrupt:
            raise  # still pending: flush() waits for it again
        except BaseException:
            self._pending = None
            raise
        self._pending = None
        for message in messages:
            self.skip(message)

    def _write_changed(self) -> None:
        batch, self.changed, self.changed_triples = self.changed, [], 0
        self.changed_started = time.monotonic()
        if batch:
            self._submit(batch, lambda gs: write_graphs(self.store, [unpack(g) for g in gs],
                                                        replace=[g.article for g in gs]), replaced=True)

    def _write_new(self) -> None:
        batch, self.new, self.new_triples = self.new, [], 0
        self.new_started = time.monotonic()
        if batch:
            self._submit(batch, lambda gs: bulk_write_graphs(self.store, gs), replaced=False)

    def _write(self, batch: list[PackedGraph], write: Callable[[list[PackedGraph]], int], *,
               replaced: bool) -> list[str]:
        """Write a batch (in the writing thread); if the store refuses it, write its graphs one
        by one to find and leave out the bad one(s), keeping the rest. Returns the messages
        of the graphs left out (the caller's thread records them: see :meth:`skip`)."""
        t0 = time.monotonic()
        messages: list[str] = []
        try:
            write(batch)
            written = batch
        except StoreWriteError:
            raise  # the store, not an article: every later write would fail too
        except GraphError:
            if len(batch) == 1:
                raise
            written = []
            for g in batch:
                try:
                    write([g])
                    written.append(g)
                except StoreWriteError:
                    raise
                except GraphError as e:
                    messages.append(str(e))
        self.unflushed += sum(g.n_triples for g in written)
        if self.unflushed >= self.flush_every:
            self.store.flush()  # without it RocksDB's write buffers grow the writer past 2 GB
            self.unflushed = 0
        self.summary.load_seconds += time.monotonic() - t0
        for g in written:
            if replaced and g.article in self.reextract:
                self.summary.reextracted += 1
            elif replaced:
                self.summary.replaced += 1
            else:
                self.summary.added += 1
            self.summary.metrics += g.metrics
            self.summary.relations += g.relations
            self.summary.triples += g.n_triples
            self.entity_ids.update(g.entities)
        self.summary.entities = len(self.entity_ids)
        return messages


def _chunks(articles: Iterable[Article], loader: Loader, size: int) -> Iterator[list[Article]]:
    chunk: list[Article] = []
    for art in articles:
        if loader.plan(art):
            chunk.append(art)
            if len(chunk) >= size:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _progress_bar(enabled: bool | None):
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(unit=" articles", file=sys.stderr, dynamic_ncols=True, mininterval=0.5)


def build(
    source: Iterable[Article] | Iterable[str | os.PathLike] | str | os.PathLike | None,
    store: Store,
    *,
    workers: int | None = None,
    progress: bool | None = None,
    strict: bool = False,
    prune: bool = False,
    extractor: Extractor | None = None,
    force: bool = False,
) -> BuildSummary:
    """Extract ``source`` and load it into ``store``, incrementally.

    :param source: articles, or corpus paths (files or folders), or None for the bundled sample.
    :param workers: extraction processes (default: all cores; 1 runs inline).
    :param progress: show a tqdm bar on stderr (None: only when stderr is a terminal).
    :param strict: stop at the first bad record or failed article instead of skipping it.
    :param prune: also remove stored articles that this build did not see.
    :param extractor: ``Article -> ArticleFacts`` (a picklable top-level function); default
        the project pipeline.
    :param force: re-extract every article, even those stored unchanged by this extractor.
    :raises NewskgError: in strict mode, or when the store fails (the first write error stops
        the build: :class:`kg.store.StoreWriteError`); what was committed stays.

    Ctrl-C stops the build cleanly: graphs already extracted are committed and the summary
    says ``interrupted``.
    """
    workers = max(1, workers or os.cpu_count() or 1)

    def feed(articles: Iterator[Article], loader: Loader, tick: Callable[[], None]) -> None:
        chunks = _chunks(articles, loader, CHUNK_ARTICLES)
        if workers == 1:
            ex = extractor or default_extractor()
            for chunk in chunks:
                for g in extract_graphs(chunk, ex, loader.version):
                    loader.add(g)
                tick()
        else:
            _run_pool(chunks, loader, workers, extractor, tick)

    return load_with(feed, source, store, progress=progress, strict=strict, prune=prune,
                     version=extractor_version(extractor), force=force)


Feed = Callable[[Iterator[Article], "Loader", Callable[[], None]], None]


def load_with(
    feed: Feed,
    source: Iterable[Article] | Iterable[str | os.PathLike] | str | os.PathLike | None,
    store: Store,
    *,
    progress: bool | None = None,
    strict: bool = False,
    prune: bool = False,
    version: str | None = None,
    force: bool = False,
) -> BuildSummary:
    """The writer side that every engine shares: read ``source``, let ``feed(articles,
    loader, tick)`` extract the articles ``loader.plan`` accepts and ``loader.add`` their
    graphs (stamped with ``loader.version``: ``version``, default the project extractor's),
    then commit, prune and refresh the summary graph. Ctrl-C keeps what was committed; a
    store write error stops at once (what was committed stays).
    """
    t0 = time.monotonic()
    summary = BuildSummary()
    recover_pending(store)  # a store opened without open_store may hold a cut-short bulk load
    loader = Loader(store, summary, strict=strict, version=version, force=force)
    articles = _as_articles(source, strict=strict, on_skip=loader.skip)
    bar = _progress_bar(progress)
    done = summary.articles

    def tick() -> None:
        nonlocal done
        if bar is not None and summary.articles != done:
            bar.update(summary.articles - done)
            done = summary.articles
            bar.set_postfix(new=summary.added, changed=summary.replaced, same=summary.unchanged, refresh=False)

    try:
        feed(articles, loader, tick)
        loader.flush()
        if prune and loader.seen:  # nothing read (every input skipped): prune nothing
            gone = [aid for aid in stored_articles(store) if aid not in loader.seen]
            summary.removed = len(remove_articles(store, gone))
    except KeyboardInterrupt:
        summary.interrupted = True
        recover_pending(store)  # a bulk load the interrupt cut short: its graphs go
        loader.flush()
    except StoreWriteError:
        loader.abandon()  # a bulk load's marker stays: the next opening drops its graphs
        raise
    except BaseException:
        try:
            recover_pending(store)
            loader.flush()
        finally:
            raise
    finally:
        tick()
        if bar is not None:
            bar.close()
        _release_frame_caches()
        summary.seconds = time.monotonic() - t0
    t1 = time.monotonic()
    if ensure_summary(store):  # the summary graph follows what was committed
        summary.summary_seconds = time.monotonic() - t1
        summary.seconds = time.monotonic() - t0
    return summary


def _release_frame_caches() -> None:
    """Empty pyparsing's packrat caches if a library loaded it (jieba's first import pulls in
    ``pkg_resources``, whose vendored pyparsing caches exceptions with their tracebacks): they
    pin the frames of the first extraction, this build's frame and so the store it was given,
    which would stay open (and locked) in this process after the build. Emptied, they are
    reference cycles: one collection frees them before the build returns."""
    import gc

    found = False
    for name, mod in list(sys.modules.items()):
        if name.endswith("pyparsing") and hasattr(mod, "ParserElement"):
            try:
                mod.ParserElement.reset_cache()
                found = True
            except Exception:  # noqa: BLE001 - a cache we do not own; never fail a build for it
                pass
    if found:
        gc.collect()


def _run_pool(chunks: Iterator[list[Article]], loader: Loader, workers: int,
              extractor: Extractor | None, tick: Callable[[], None]) -> None:
    """Ordered, bounded fan-out: at most ``workers * INFLIGHT_PER_WORKER`` chunks in flight,
    results loaded in input order by this (the only writing) process."""
    ctx = multiprocessing.get_context("spawn")
    pool = None
    inflight: deque = deque()
    limit = workers * INFLIGHT_PER_WORKER
    try:
        for chunk in chunks:
            if pool is None:  # started lazily: a no-op rebuild never pays for spawning
                pool = ctx.Pool(workers, initializer=_init_worker, initargs=(extractor, loader.version))
            inflight.append(pool.apply_async(extract_graphs, (chunk,)))
            while len(inflight) >= limit or (inflight and inflight[0].ready()):
                for g in inflight.popleft().get():
                    loader.add(g)
                tick()
        while inflight:
            for g in inflight.popleft().get():
                loader.add(g)
            tick()
        if pool is not None:
            pool.close()
            pool.join()
            pool = None
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()


def _as_articles(source, *, strict: bool, on_skip) -> Iterable[Article]:
    if source is None or isinstance(source, (str, os.PathLike)):
        return read_articles(None if source is None else [source], strict=strict, on_skip=on_skip)
    if isinstance(source, (list, tuple)) and source and all(isinstance(s, (str, os.PathLike)) for s in source):
        return read_articles(source, strict=strict, on_skip=on_skip)
    return source


def remove(store: Store, ids: Iterable[str]) -> list[str]:
    """Remove articles' graphs (one transaction), then bring the summary graph up to date;
    returns the ids that were in the store."""
    present = remove_articles(store, ids)
    ensure_summary(store)  # also when none was present: repairs a summary a killed remove left stale
    return present


__all__ = ["BuildSummary", "Loader", "build", "extract_graphs", "read_articles", "remove"]
