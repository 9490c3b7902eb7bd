"""The graph as an rdflib ``Dataset`` for notebooks that already speak rdflib: backed by the
Oxigraph store itself through oxrdflib, so nothing is copied and SPARQL runs in Oxigraph.

>>> from kg import rdflib_view
>>> ds = rdflib_view(None)  # an empty in-memory store; give a store directory in practice
>>> len(ds), ds.store.__class__.__name__
(0, 'OxigraphStore')
"""
from __future__ import annotations

import os

import pyoxigraph as ox

from kg.store import open_store
from kg.vocab import PREFIXES


def rdflib_view(store_path: str | os.PathLike | ox.Store | None) -> "rdflib.Dataset":  # noqa: F821
    """An rdflib ``Dataset`` over the store at ``store_path`` (opened read-only; a
    ``pyoxigraph.Store`` is used as it is; None: an empty in-memory store), default graph =
    the union of the article graphs as everywhere in newskg, project prefixes bound.
    ``ds.query(...)`` is evaluated by Oxigraph; iterating ``ds.quads(...)`` reads the store.

    :raises GraphError: if the store is missing or locked (see :func:`kg.store.open_store`).
    """
    from oxrdflib import OxigraphStore
    from rdflib import Dataset

    store = store_path if isinstance(store_path, ox.Store) else open_store(store_path, read_only=store_path is not None)
    ds = Dataset(store=OxigraphStore(store=store), default_union=True)
    for prefix, iri in PREFIXES.items():
        ds.bind(prefix, iri, override=True)
    return ds


__all__ = ["rdflib_view"]
