"""The knowledge graph: RDF model (vocab, rdf), on-disk store, builds, SPARQL, stats, views."""
from __future__ import annotations

import os


def rdflib_view(store_path: str | os.PathLike | None):
    """The store at ``store_path`` as an rdflib ``Dataset`` over Oxigraph (oxrdflib), for
    notebooks that speak rdflib: see :func:`kg.rdflib_dataset.rdflib_view`."""
    from kg.rdflib_dataset import rdflib_view as view

    return view(store_path)
