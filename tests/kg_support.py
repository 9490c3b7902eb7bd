"""Shared helpers for the kg tests: the bundled sample's graph, built once per test process with
the real pipeline, and a ``make_store`` context manager over it (like datasette's fixtures)."""
from __future__ import annotations

import functools
import json
import random
from contextlib import contextmanager
from pathlib import Path

from pyoxigraph import RdfFormat, Store

from corpus import read_corpus


@functools.lru_cache(maxsize=None)
def bundled_nquads() -> bytes:
    """N-Quads of the bundled sample built from scratch (workers=1)."""
    from kg.build import build

    store = Store()
    build(None, store, workers=1, progress=False)
    return store.dump(format=RdfFormat.N_QUADS)


@contextmanager
def make_store(*, empty: bool = False):
    """A fresh in-memory store holding the bundled sample's graph (or nothing)."""
    store = Store()
    if not empty:
        store.load(bundled_nquads(), format=RdfFormat.N_QUADS)
    yield store


def bundled_store_dir(directory: Path) -> str:
    """An on-disk store at ``directory`` holding the bundled sample's graph, closed again."""
    from kg.store import open_store

    store = open_store(directory)
    store.load(bundled_nquads(), format=RdfFormat.N_QUADS)
    store.flush()
    del store
    return str(directory)


def graph_dumps(store: Store) -> dict[str, set[str]]:
    """Article id -> the N-Quads lines of its graph."""
    from kg.store import stored_articles
    from kg.vocab import graph_iri

    out = {}
    for aid in stored_articles(store):
        quads = store.quads_for_pattern(None, None, None, graph_iri(aid))
        out[aid] = {str(q) for q in quads}
    return out


def write_mixed_corpus(path: Path, n: int, *, seed: int = 7, changed: frozenset[int] = frozenset()) -> list[str]:
    """A JSONL corpus of ``n`` stories made by shuffling the bundled sample's sentences (fixed
    seed); stories in ``changed`` get one more sentence. Returns the story ids."""
    sentences = [s.text for a in read_corpus() for s in a.sentences if len(s.text) > 12]
    rng = random.Random(seed)
    ids = []
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            body = rng.sample(sentences, min(12, len(sentences)))
            if i in changed:
                body.append("另据统计，相关产业规模达到了1234.5亿元。")
            rid = f"k{i:03d}"
            ids.append(rid)
            rec = {"id": rid, "date": f"202301{1 + i % 28:02d}", "title": f"测试报道{i}", "text": "\n".join(body)}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return ids
