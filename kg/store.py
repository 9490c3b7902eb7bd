"""The on-disk graph: an Oxigraph store (pyoxigraph) with one named graph per article.

Replacing and removing graphs go through :func:`write_graphs` and :func:`remove_articles`,
each ONE SPARQL Update request, which Oxigraph applies as one transaction. New articles go
through :func:`bulk_write_graphs` (Oxigraph's bulk loader, several times faster but not
transactional): a pending marker committed before the load and removed after it lets
:func:`recover_pending` drop what a crash cut short, and :func:`open_store` runs it whenever
it opens a store for writing. So a store reopened after a crash shows every article graph
either whole or not at all. Each of these writes also marks the summary graph stale in its
own transaction (:func:`kg.summary.mark_stale`), and :func:`open_store` recomputes a stale
summary at every opening, so no command reads aggregates of articles that are gone.

>>> store = open_store(None)
>>> stored_checksum(store, "a1") is None
True
"""
from __future__ import annotations

import logging
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from pyoxigraph import NamedNode, RdfFormat, Store, serialize

from corpus.errors import GraphError
from kg.rdf import ArticleGraph
from kg.store_damage import damaged_store_error, is_corruption
from kg.store_holder import describe_holder, record_holder
from kg.summary import SUMMARY_GRAPH, mark_stale, refresh_summary, summary_state
from kg.vocab import BASE, PREFIXES, article_iri, graph_article_id, graph_iri, term

log = logging.getLogger(__name__)

#: Where ``newskg`` keeps its graph unless told otherwise (``--store DIR``).
DEFAULT_STORE = "newskg-data"


class StoreWriteError(GraphError):
    """The store could not write (disk full, file too large, I/O error): unlike one article's
    bad data, every later write would fail too, so a build stops at the first one."""


#: File names RocksDB (inside Oxigraph) writes in a store folder: a non-empty folder holding
#: anything else, and no ``CURRENT``, is someone else's folder and is never written into.
_STORE_FILES = re.compile(r"(CURRENT|IDENTITY|LOCK|LOG(\.old\.\d+)?|MANIFEST-\d+|OPTIONS-\d+(\.dbtmp)?|\d+\.(log|sst|blob)"
                          r"|\d+\.dbtmp)")


def open_store(path: str | os.PathLike | None = DEFAULT_STORE, *, read_only: bool = False) -> Store:
    """Open (or create) the store at ``path``; ``None`` gives a fresh in-memory store.

    ``read_only=True`` opens an existing store without taking its write lock (so queries work
    while a build runs; they see the state at opening time). Opened for writing, the store
    first loses what a bulk load cut short by a crash left (:func:`recover_pending`).
    Either way, a summary graph that does not match the article graphs (a ``remove`` or a
    build killed before it refreshed it) is recomputed first (:func:`fresh_summary`).

    :raises GraphError: if the store is missing (read-only), locked by another writer, not an
        Oxigraph store, or ``path`` is a non-empty folder that is not a store.
    """
    if path is None:
        return Store()
    p = Path(path)
    if read_only:
        if not (p / "CURRENT").exists():
            raise GraphError(f"no graph store at {p} (run `newskg build` first, or pass --store DIR)")
        store = _open(p, read_only=True)
        if summary_is_current(store):
            return store
        del store
        fresh_summary(p)
        return _open(p, read_only=True)  # sees the recomputed summary (or the article graphs)
    store = _open(p, read_only=False)
    recover_pending(store)
    try:
        if not summary_is_current(store):
            refresh_summary(store)
    except GraphError as e:  # a full disk: the store stays usable for reading
        log.warning("the summary graph is out of date and could not be recomputed: %s", e)
    return store


def _open(p: Path, *, read_only: bool) -> Store:
    """Open the store at ``p`` (no recovery, no summary check), with newskg's error messages."""
    try:
        if read_only:
            return _open_read_only(p)
        if p.exists() and not p.is_dir():
            raise GraphError(f"{p} is a file, not a store directory")
        foreign = _foreign_files(p)
        if foreign:
            raise GraphError(f"{p} is a folder that is not a newskg store (it holds {', '.join(foreign[:3])}"
                             f"{' …' if len(foreign) > 3 else ''}); pass --store with a new or empty folder")
        store = Store(str(p))
    except OSError as e:
        msg = str(e)
        if "lock" in msg.lower():
            holder = describe_holder(p) or "another process"
            raise GraphError(f"the store at {p} is open for writing by {holder}; stop it or wait for it, "
                             f"or use another --store ({msg})") from e
        raise GraphError(f"cannot open the store at {p}: {msg}") from e
    except RuntimeError as e:
        if is_corruption(e):
            raise damaged_store_error(e, p) from e
        raise
    record_holder(p)  # the writer names itself for a second writer's lock error
    return store


#: attempts at a read-only opening that a concurrent writer's compaction raced (see below)
READ_ONLY_ATTEMPTS = 5


def _open_read_only(p: Path) -> Store:
    """``Store.read_only``, tried again when a file the store's MANIFEST named was gone by the
    time it was opened: a writer (a build, or a writer repairing the summary) compacted it away
    meanwhile. That is a race, not damage; a file missing every time is reported as damage."""
    for attempt in range(READ_ONLY_ATTEMPTS):
        try:
            return Store.read_only(str(p))
        except RuntimeError as e:
            if attempt + 1 == READ_ONLY_ATTEMPTS or "No such file or directory" not in str(e):
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _foreign_files(p: Path) -> list[str]:
    """Names in folder ``p`` that no store writes, if it has no ``CURRENT`` (else none)."""
    if not p.is_dir() or (p / "CURRENT").exists():
        return []
    return sorted(f.name for f in p.iterdir() if not _STORE_FILES.fullmatch(f.name))


def summary_is_current(store: Store) -> bool:
    """True if the store's summary graph was computed from its article graphs as they are: a
    summary of this code not marked stale by a change since (a few look-ups: every change to
    article graphs marks it in its own transaction), or no summary and nothing to summarise
    (a new store)."""
    if summary_state(store) is not None:
        return True
    return (not store.contains_named_graph(SUMMARY_GRAPH)
            and next(store.quads_for_pattern(None, term("nkg:checksum"), None, None), None) is None)


def fresh_summary(path: str | os.PathLike) -> bool:
    """Recompute the summary graph of the store at ``path`` if it does not match its article
    graphs (a read-only look first), through a short opening for writing; True if it did. Skipped (with a warning) when
    another process holds the store for writing (a running build refreshes it when it ends) or
    the store cannot be written: a stale summary then reads as absent
    (:func:`kg.summary.summary_state` is None), so readers count from the article graphs."""
    p = Path(path)
    reader = _open(p, read_only=True)
    current = summary_is_current(reader)
    del reader
    if current:
        return False
    try:
        store = _open(p, read_only=False)
    except GraphError as e:
        log.warning("the summary graph of %s is out of date and cannot be refreshed now (%s); "
                    "counting from the article graphs instead (slower)", p, e)
        return False
    try:
        recover_pending(store)
        if summary_is_current(store):
            return False
        refresh_summary(store)
        store.flush()
        return True
    except (GraphError, OSError) as e:
        log.warning("the summary graph of %s is out of date and could not be recomputed: %s", p, e)
        return False
    finally:
        del store


def stored_checksum(store: Store, article_id: str) -> str | None:
    """The checksum recorded in the article's graph, or None if the article is not stored."""
    g = graph_iri(article_id)
    for q in store.quads_for_pattern(article_iri(article_id), term("nkg:checksum"), None, g):
        return q.object.value
    return None


def stored_version(store: Store, article_id: str) -> str | None:
    """The extractor version recorded in the article's graph (``nkg:extractorVersion``), or
    None if the article is not stored or was made before versions were recorded."""
    g = graph_iri(article_id)
    for q in store.quads_for_pattern(article_iri(article_id), term("nkg:extractorVersion"), None, g):
        return q.object.value
    return None


def stored_articles(store: Store) -> Iterator[str]:
    """Ids of the articles that have a graph in the store."""
    for g in store.named_graphs():
        if isinstance(g, NamedNode):
            aid = graph_article_id(g)
            if aid is not None:
                yield aid


def write_graphs(store: Store, graphs: Sequence[ArticleGraph], *, replace: Iterable[str] = ()) -> int:
    """Load article graphs in ONE transaction; articles in ``replace`` (ids) lose their old
    graph in the same transaction. Returns the number of triples sent.

    :raises GraphError: if the store refuses the data (its message names the article).
    """
    graphs = list(graphs)
    if not graphs:
        return 0
    parts = [f"DROP SILENT GRAPH {graph_iri(aid)} ;\n" for aid in sorted(set(replace))]
    parts.append("INSERT DATA {\n")
    for g in graphs:
        parts.append(f"GRAPH {g.graph} {{\n{g.nt}}}\n")
    parts.append("} ;\n" + mark_stale())
    try:
        store.update("".join(parts))
    except SyntaxError as e:
        bad = _find_bad(graphs)
        raise GraphError(f"article {bad!r}: its graph is not valid RDF: {e}") from e
    except OSError as e:
        raise StoreWriteError(f"writing to the store failed: {e}") from e
    return sum(g.n_triples for g in graphs)


def _find_bad(graphs: Sequence[ArticleGraph]) -> str:
    scratch = Store()
    for g in graphs:
        try:
            scratch.load(g.nt, format=RdfFormat.N_TRIPLES)
        except SyntaxError:
            return g.article
    return graphs[0].article


#: The named graph of the writer's bookkeeping (outside ``graph/``: never listed as an
#: article, and empty except while a bulk load runs or after one was cut short).
BUILD_STATE = NamedNode(BASE + "build-state")
_PENDING = term("nkg:pendingGraph")


@dataclass
class PackedGraph:
    """One article's graph as the writer loads it: N-Quads bytes (the article's named graph on
    every line, ready to concatenate into one bulk load) and the counts of its ArticleGraph.

    >>> from kg.rdf import article_graph
    >>> from extract.model import ArticleFacts
    >>> p = pack(article_graph(None, ArticleFacts(article="a1", checksum="c0ffee")))
    >>> p.nq.splitlines()[0].decode()
    '<https://newskg.org/id/article/a1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://schema.org/NewsArticle> <https://newskg.org/graph/a1> .'
    >>> unpack(p).nt == article_graph(None, ArticleFacts(article="a1", checksum="c0ffee")).nt
    True
    """

    article: str
    checksum: str
    nq: bytes
    n_triples: int
    entities: tuple[str, ...] = ()
    metrics: int = 0
    relations: int = 0


def pack(graph: ArticleGraph) -> PackedGraph:
    """The graph's N-Triples as N-Quads bytes in its named graph (done by the workers, so the
    one writer only concatenates). N-Triples escapes line breaks inside literals, so
    ``" .\\n"`` only ever ends a line."""
    suffix = f" {graph.graph} .\n"
    return PackedGraph(graph.article, graph.checksum, graph.nt.replace(" .\n", suffix).encode("utf-8"),
                       graph.n_triples, graph.entities, graph.metrics, graph.relations)


def unpack(packed: PackedGraph) -> ArticleGraph:
    """Inverse of :func:`pack` (for the transactional path of replaced articles)."""
    suffix = f" {graph_iri(packed.article)} .\n"
    return ArticleGraph(packed.article, packed.checksum, packed.nq.decode("utf-8").replace(suffix, " .\n"),
                        packed.n_triples, packed.entities, packed.metrics, packed.relations)


def bulk_write_graphs(store: Store, graphs: Sequence[PackedGraph]) -> int:
    """Load the graphs of NEW articles (none of them stored) with Oxigraph's bulk loader;
    returns the number of triples sent. Not one transaction: a marker naming the graphs is
    committed first and removed after the load, so :func:`recover_pending` can drop the
    graphs of a load a crash cut short.

    :raises GraphError: if the store refuses the data (its message names the article); the
        batch's graphs are then dropped again, the rest of the store is untouched.
    """
    graphs = list(graphs)
    if not graphs:
        return 0
    marks = " , ".join(str(graph_iri(g.article)) for g in graphs)
    try:
        store.update(f"INSERT DATA {{ GRAPH {BUILD_STATE} {{ {BUILD_STATE} {_PENDING} {marks} }} }} ;\n{mark_stale()}")
        store.bulk_load(b"".join(g.nq for g in graphs), format=RdfFormat.N_QUADS)
    except SyntaxError as e:
        recover_pending(store)
        bad = _find_bad([unpack(g) for g in graphs])
        raise GraphError(f"article {bad!r}: its graph is not valid RDF: {e}") from e
    except OSError as e:
        try:
            recover_pending(store)
        except GraphError:
            pass  # the marker stays: the next open for writing drops the graphs
        raise StoreWriteError(f"writing to the store failed: {e}") from e
    _clear_pending(store)
    return sum(g.n_triples for g in graphs)


def recover_pending(store: Store) -> list[str]:
    """Drop the graphs of articles whose bulk load was cut short (a crash between the pending
    marker and its removal), and the marker; returns their ids. One pattern lookup when
    there is nothing to do."""
    pending = [q.object for q in store.quads_for_pattern(BUILD_STATE, _PENDING, None, BUILD_STATE)]
    if not pending and not store.contains_named_graph(BUILD_STATE):
        return []
    drops = [f"DROP SILENT GRAPH {g}" for g in pending if isinstance(g, NamedNode)]
    try:
        store.update(" ;\n".join(drops + [f"DROP SILENT GRAPH {BUILD_STATE}"]))
    except OSError as e:
        raise StoreWriteError(f"cannot undo an interrupted bulk load in the store: {e}") from e
    ids = [aid for g in pending if isinstance(g, NamedNode) and (aid := graph_article_id(g)) is not None]
    if ids:
        log.warning("dropped %d article graph(s) an interrupted build left unfinished; the next build adds them",
                    len(ids))
    return ids


def _clear_pending(store: Store) -> None:
    try:
        store.update(f"DROP SILENT GRAPH {BUILD_STATE}")
    except OSError as e:
        raise StoreWriteError(f"writing to the store failed: {e}") from e


def remove_articles(store: Store, ids: Iterable[str]) -> list[str]:
    """Drop the graphs of the given articles in one transaction; returns the ids that were
    stored (and so removed), in the order given."""
    ids = list(dict.fromkeys(ids))
    present = [aid for aid in ids if store.contains_named_graph(graph_iri(aid))]
    if present:
        try:
            store.update(" ;\n".join([f"DROP GRAPH {graph_iri(aid)}" for aid in present] + [mark_stale()]))
        except OSError as e:
            raise StoreWriteError(f"removing articles from the store failed: {e}") from e
    return present


def dump_article(store: Store, article_id: str, format: RdfFormat = RdfFormat.TURTLE) -> bytes:
    """One article's graph serialised (Turtle by default, with the project's prefixes)."""
    g = graph_iri(article_id)
    if not store.contains_named_graph(g):
        raise GraphError(f"article {article_id!r} is not in the graph")
    kw = {"prefixes": PREFIXES} if format in (RdfFormat.TURTLE, RdfFormat.TRIG) else {}
    if format.supports_datasets:
        return serialize(store.quads_for_pattern(None, None, None, g), format=format, **kw)
    return store.dump(format=format, from_graph=g, **kw)


def store_size(path: str | os.PathLike) -> int:
    """Bytes used on disk by the store directory."""
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


class PerStoreCache:
    """A thread-safe cache of one value per open store (by identity), for indexes built
    from a store on first use; the oldest store is dropped past ``size``.

    >>> cache = PerStoreCache(size=2)
    >>> s = open_store(None)
    >>> cache.get(s, lambda st: len(st)), cache.get(s, lambda st: -1)
    (0, 0)
    >>> cache.clear(s); cache.get(s, lambda st: -1)
    -1
    """

    def __init__(self, size: int = 4):
        self.size = size
        self._items: dict[int, tuple[object, object]] = {}
        self._lock = threading.Lock()

    def get(self, store, build):
        """The cached value for ``store``, made by ``build(store)`` on a miss."""
        with self._lock:
            hit = self._items.get(id(store))
            if hit is not None and hit[0] is store:
                return hit[1]
        value = build(store)
        with self._lock:
            if len(self._items) >= self.size:
                self._items.pop(next(iter(self._items)))
            self._items[id(store)] = (store, value)
        return value

    def clear(self, store=None) -> None:
        """Forget the value of one store, or of all: call after the store changed."""
        with self._lock:
            if store is None:
                self._items.clear()
            else:
                self._items.pop(id(store), None)
