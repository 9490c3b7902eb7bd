"""``newskg export``: the graph as files for Gephi (GEXF), other graph tools (GraphML, CSV)
and other RDF stores (Turtle, N-Triples, N-Quads, TriG, JSON-LD).

Graph formats write the entity graph: entities as nodes (type, mentions, metrics, colour by
type, size by mentions, time spells from article dates) and relations as weighted edges
(statements merged per head, relation and tail; co-mentions as undirected edges). RDF
formats write every triple.

>>> from kg.store import open_store
>>> export(open_store(None), None, format="gexf").data[:38]
b"<?xml version='1.0' encoding='UTF-8'?>"
"""
from __future__ import annotations

import functools
import io
import os
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import BinaryIO, Iterable

import pyoxigraph as ox

from corpus.errors import GraphError
from kg.export_gexf import write_gexf
from kg.export_model import ExportEdge, ExportGraph, ExportNode
from kg.export_rdf import RDF_FORMATS, export_rdf
from kg.export_tables import write_csv, write_graphml
from kg.rdf import class_types
from kg.vocab import PREFIXES

GRAPH_FORMATS = ("gexf", "graphml", "csv")
FORMATS = GRAPH_FORMATS + tuple(RDF_FORMATS)


@dataclass
class ExportReport:
    """What an export wrote: files (or ``data`` when no output was given) and counts
    (nodes/edges for graph formats, triples or quads for RDF)."""

    format: str
    paths: list[Path] = field(default_factory=list)
    data: bytes | None = None
    nodes: int | None = None
    edges: int | None = None
    statements: int | None = None


@functools.lru_cache(maxsize=None)
def _query(name: str) -> str:
    return resources.files("kg").joinpath("queries", f"{name}.rq").read_text(encoding="utf-8")


def _rows(store: ox.Store, name: str):
    return store.query(_query(name), prefixes=PREFIXES, use_default_graph_as_union=True)


def export_graph_from_store(store: ox.Store) -> ExportGraph:
    """Read the entity graph out of the store (over the union of the article graphs)."""
    classes = class_types()
    dates = {r["g"].value: r["date"].value[:10] for r in _rows(store, "export_dates")}
    info: dict[str, dict] = {}
    for r in _rows(store, "export_entities"):
        e = r["e"].value
        d = info.setdefault(e, {"id": r["id"].value, "name": r["name"].value, "types": set()})
        if r["class"] is not None and r["class"].value in classes:
            d["types"].add(classes[r["class"].value])
    mentions: dict[str, int] = defaultdict(int)
    metrics: dict[str, int] = defaultdict(int)
    graphs: dict[str, set[str]] = defaultdict(set)
    for r in _rows(store, "export_mentions"):
        mentions[r["e"].value] += int(r["n"].value)
        graphs[r["e"].value].add(r["g"].value)
    for r in _rows(store, "export_metrics"):
        metrics[r["e"].value] += int(r["n"].value)
        graphs[r["e"].value].add(r["g"].value)
    nodes = []
    for iri, d in info.items():
        arts = graphs.get(iri, set())
        nodes.append(ExportNode(
            id=d["id"], label=d["name"], type=min(d["types"]) if d["types"] else "ENTITY",
            mentions=mentions.get(iri, 0), metrics=metrics.get(iri, 0), articles=len(arts),
            dates=tuple(sorted({dates[g] for g in arts if g in dates})), iri=iri))
    ids = {iri: d["id"] for iri, d in info.items()}
    edges = []
    for r in _rows(store, "export_relations"):
        h, t = ids.get(r["h"].value), ids.get(r["t"].value)
        if h and t:
            g = r["g"].value
            edges.append(ExportEdge(h, t, r["rel"].value, weight=int(r["n"].value), articles=1,
                                    dates=(dates[g],) if g in dates else ()))
    for r in _rows(store, "export_comentions"):
        x, y = ids.get(r["x"].value), ids.get(r["y"].value)
        if x and y:
            g = r["g"].value
            edges.append(ExportEdge(x, y, "co_mention", weight=1, articles=1, dates=(dates[g],) if g in dates else ()))
    return ExportGraph.build(nodes, edges)


def export(
    store: ox.Store,
    output: str | os.PathLike | BinaryIO | None,
    *,
    format: str,  # noqa: A002 - the house style name
    types: Iterable[str] | None = None,
    min_weight: float = 1,
) -> ExportReport:
    """Export the store's graph to ``output`` in ``format`` (one of :data:`FORMATS`).

    :param output: a path (csv: a directory or a file-name prefix, see
        :func:`kg.export_tables.csv_paths`), a binary file, or None to get the bytes back
        (not for csv).
    :param types: entity types to keep (graph formats only), e.g. ``{"ORG", "PERSON"}``.
    :param min_weight: drop edges supported by fewer statements (graph formats only).
    :return: an :class:`ExportReport` (with the bytes in ``data`` when ``output`` is None).
    :raises GraphError: unknown format, filters on an RDF format, unwritable output.
    """
    if format not in FORMATS:
        raise GraphError(f"unknown export format {format!r}; use one of {', '.join(FORMATS)}")
    if format in RDF_FORMATS:
        if types or min_weight != 1:
            raise GraphError(f"--types and --min-weight filter the entity graph (gexf, graphml, csv), not {format} "
                             "exports, which hold every triple")
        data = export_rdf(store, output, format=format)
        n = len(store) if RDF_FORMATS[format][1] else None
        return ExportReport(format, _paths(output), data, statements=n)
    if min_weight < 0:
        raise GraphError("--min-weight must not be negative")
    graph = export_graph_from_store(store).filtered(types=types, min_weight=min_weight)
    if format == "csv":
        if output is None or hasattr(output, "write"):
            raise GraphError("csv export writes two files (nodes, edges): give a directory or a file-name prefix")
        paths = list(_guard(output, lambda: write_csv(graph, output)))
        return ExportReport(format, paths, nodes=len(graph.nodes), edges=len(graph.edges))
    buf = io.BytesIO() if output is None else None
    target = buf if buf is not None else output
    writer = write_gexf if format == "gexf" else write_graphml
    _guard(output, lambda: writer(graph, target))
    return ExportReport(format, _paths(output), buf.getvalue() if buf is not None else None,
                        nodes=len(graph.nodes), edges=len(graph.edges))


def _paths(output) -> list[Path]:
    return [Path(output)] if isinstance(output, (str, os.PathLike)) else []


def export_gephi(store: ox.Store, output, **options):
    """:func:`export` with ``format="gexf"`` (the house-style name)."""
    return export(store, output, format="gexf", **options)


def _guard(output, fn):
    try:
        return fn()
    except OSError as e:
        raise GraphError(f"cannot write {output}: {e.strerror or e}", path=str(output)) from e
