"""RDF exports of the whole store: Turtle and N-Triples (the union of all article graphs,
each triple once), N-Quads, TriG and JSON-LD (every named graph kept).

>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode("https://newskg.org/id/entity/工业和信息化部"),
...     ox.NamedNode("https://schema.org/name"), ox.Literal("工业和信息化部", language="zh"),
...     ox.NamedNode("https://newskg.org/graph/a1")))
>>> print(export_rdf(store, None, format="ttl").decode().splitlines()[-1])
ent:工业和信息化部 schema:name "工业和信息化部"@zh .
"""
from __future__ import annotations

import io
import os
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from corpus.errors import GraphError
from kg.vocab import PREFIXES

#: format name -> (pyoxigraph format, keeps named graphs)
RDF_FORMATS = {
    "ttl": (ox.RdfFormat.TURTLE, False),
    "nt": (ox.RdfFormat.N_TRIPLES, False),
    "nq": (ox.RdfFormat.N_QUADS, True),
    "trig": (ox.RdfFormat.TRIG, True),
    "jsonld": (ox.RdfFormat.JSON_LD, True),
}


def union_triples(store: ox.Store):
    """Every triple of every graph, each once (the union default graph)."""
    return store.query("CONSTRUCT WHERE { ?s ?p ?o }", use_default_graph_as_union=True)


def export_rdf(store: ox.Store, output: str | os.PathLike | BinaryIO | None, *, format: str) -> bytes | None:  # noqa: A002
    """Write the store as RDF in ``format`` (one of :data:`RDF_FORMATS`) to a path or a
    binary file; with ``output=None`` return the bytes.

    :raises GraphError: for an unknown format or a file that cannot be written.
    """
    if format not in RDF_FORMATS:
        raise GraphError(f"unknown RDF format {format!r}; use one of {', '.join(RDF_FORMATS)}")
    fmt, datasets = RDF_FORMATS[format]
    buf = io.BytesIO() if output is None else None
    target = buf if buf is not None else output
    try:
        if format == "jsonld":
            _jsonld(store, target)
        elif datasets:
            data = store.quads_for_pattern(None, None, None, None)
            ox.serialize(data, target if not isinstance(target, Path) else str(target), fmt,
                         prefixes=PREFIXES if fmt == ox.RdfFormat.TRIG else None)
        else:
            ox.serialize(union_triples(store), target if not isinstance(target, Path) else str(target), fmt,
                         prefixes=PREFIXES if fmt == ox.RdfFormat.TURTLE else None)
    except OSError as e:
        raise GraphError(f"cannot write {output}: {e.strerror or e}", path=str(output)) from e
    return buf.getvalue() if buf is not None else None


def _jsonld(store: ox.Store, target) -> None:
    """Expanded JSON-LD (pyoxigraph's streaming writer): one object per named graph, full
    IRIs, readable by any JSON-LD processor. Graph by graph, so each graph appears once."""

    def quads():
        yield from store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        for g in sorted(store.named_graphs(), key=str):
            yield from store.quads_for_pattern(None, None, None, g)

    ox.serialize(quads(), target if not isinstance(target, Path) else str(target), ox.RdfFormat.JSON_LD)
