"""The on-disk graph: an Oxigraph store (pyoxigraph) with one named graph per article.

Replacing and removing graphs go through :func:`write_graphs` and :func:`remove_articles`,
each ONE SPARQL Update request, which Oxigraph applies as one transaction. New articles go
through :func:`bulk_write_graphs` (Oxigraph's bulk loader, several times faster but not
transactional): a pending marker committed before the load and removed after it lets
:func:`recover_pending` drop what a crash cut short, and :func:`open_store` runs it whenever
it opens a store for writing. So a store reopened after a crash shows every article graph
either whole or not at all.

>>> store = open_store(None)
>>> stored_checksum(store, "a1") is None
True
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from pyoxigraph import NamedNode, RdfFormat, Store, serialize

from corpus.errors import GraphError
from kg.rdf import ArticleGraph
from kg.store_damage import damaged_store_error, is_corruption
from kg.store_holder import describe_holder, record_holder
from kg.vocab import BASE, PREFIXES, article_iri, graph_article_id, graph_iri, term

log = logging.getLogger(__name__)

#: Where ``newskg`` keeps its graph unless told otherwise (``--store DIR``).
DEFAULT_STORE = "newskg-data"


def open_store(path: str | os.PathLike | None = DEFAULT_STORE, *, read_only: bool = False) -> Store:
    """Open (or create) the store at ``path``; ``None`` gives a fresh in-memory store.

    ``read_only=True`` opens an existing store without taking its write lock (so queries work
    while a build runs; they see the state at opening time). Opened for writing, the store
    first loses what a bulk load cut short by a crash left (:func:`recover_pending`).

    :raises GraphError: if the store is missing (read-only), locked by another writer, or
        not an Oxigraph store.
    """
    if path is None:
        return Store()
    p = Path(path)
    try:
        if read_only:
            if not (p / "CURRENT").exists():
                raise GraphError(f"no graph store at {p} (run `newskg build` first, or pass --store DIR)")
            return Store.read_only(str(p))
        if p.exists() and not p.is_dir():
            raise GraphError(f"{p} is a file, not a store directory")
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
    record_holder(p)
    recover_pending(store)
    return store


def stored_checksum(store: Store, article_id: str) -> str | None:
    """The checksum recorded in the article's graph, or None if the article is not stored."""
    g = graph_iri(article_id)
    for q in store.quads_for_pattern(article_iri(article_id), term("nkg:checksum"), None, g):
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
    parts.append("}")
    try:
        store.update("".join(parts))
    except SyntaxError as e:
        bad = _find_bad(graphs)
        raise GraphError(f"article {bad!r}: its graph is not valid RDF: {e}") from e
    except OSError as e:
        raise GraphError(f"writing to the store failed: {e}") from e
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
        store.update(f"INSERT DATA {{ GRAPH {BUILD_STATE} {{ {BUILD_STATE} {_PENDING} {marks} }} }}")
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
        raise GraphError(f"writing to the store failed: {e}") from e
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
        raise GraphError(f"cannot undo an interrupted bulk load in the store: {e}") from e
    ids = [aid for g in pending if isinstance(g, NamedNode) and (aid := graph_article_id(g)) is not None]
    if ids:
        log.warning("dropped %d article graph(s) an interrupted build left unfinished; the next build adds them",
                    len(ids))
    return ids


def _clear_pending(store: Store) -> None:
    try:
        store.update(f"DROP SILENT GRAPH {BUILD_STATE}")
    except OSError as e:
        raise GraphError(f"writing to the store failed: {e}") from e


def remove_articles(store: Store, ids: Iterable[str]) -> list[str]:
    """Drop the graphs of the given articles in one transaction; returns the ids that were
    stored (and so removed), in the order given."""
    ids = list(dict.fromkeys(ids))
    present = [aid for aid in ids if store.contains_named_graph(graph_iri(aid))]
    if present:
        store.update(" ;\n".join(f"DROP GRAPH {graph_iri(aid)}" for aid in present))
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
