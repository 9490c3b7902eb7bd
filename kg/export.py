"""``newskg export``: the graph as files for Gephi (GEXF), other graph tools (GraphML, CSV),
other RDF stores (Turtle, N-Triples, N-Quads, TriG, JSON-LD) and tidy tables for pandas, R and
Stata (figures, entities, relations: CSV, JSON Lines or Parquet; :func:`export_table`).

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
import math
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
from kg.vocab import PREFIXES

GRAPH_FORMATS = ("gexf", "graphml", "csv")
TABLE_FORMATS = ("figures", "entities", "relations")  # = kg.tidy_tables.TABLES
FORMATS = GRAPH_FORMATS + tuple(RDF_FORMATS) + TABLE_FORMATS


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
    rows: int | None = None


@functools.lru_cache(maxsize=None)
def _query(name: str) -> str:
    return resources.files("kg").joinpath("queries", f"{name}.rq").read_text(encoding="utf-8")


def _rows(store: ox.Store, name: str):
    return store.query(_query(name), prefixes=PREFIXES, use_default_graph_as_union=True)


def export_graph_from_store(store: ox.Store, *, types: Iterable[str] | None = None, min_weight: float = 1) -> ExportGraph:
    """The entity graph of :func:`kg.graphview.to_networkx` (same nodes, types, counts and
    weights as everywhere else), plus the dates of the articles behind each node and edge,
    for time spells."""
    from kg.graphview import to_networkx

    keep = {t.upper() for t in types} if types else None
    view = to_networkx(store, types=keep, min_weight=max(1, math.ceil(min_weight)))
    node_dates, edge_dates = _activity(store)
    nodes = []
    for nid, d in view.nodes(data=True):
        dates = node_dates.get(d.get("iri"), set()) or {x for x in (d.get("first"), d.get("last")) if x}
        nodes.append(ExportNode(id=nid, label=d.get("label") or nid, type=d.get("type") or "", mentions=d.get("mentions", 0),
                                metrics=d.get("metrics", 0), articles=d.get("articles", 0),
                                dates=tuple(sorted(dates)), iri=d.get("iri")))
    edges = []
    for h, t, rel, d in view.edges(keys=True, data=True):
        dates = edge_dates.get((h, rel, t)) or edge_dates.get((t, rel, h)) or {x for x in (d.get("first"), d.get("last")) if x}
        edges.append(ExportEdge(h, t, rel, weight=d.get("weight", 1), articles=d.get("weight", 1), dates=tuple(sorted(dates))))
    return ExportGraph.build(nodes, edges)


def _activity(store: ox.Store) -> tuple[dict[str, set[str]], dict[tuple[str, str, str], set[str]]]:
    """Article dates per entity IRI (mentions, metrics) and per (head id, relation, tail id)."""
    dates = {r["g"].value: r["date"].value for r in _rows(store, "export_dates")}
    ids = {r["e"].value: r["id"].value for r in _rows(store, "export_entities")}
    nodes: dict[str, set[str]] = defaultdict(set)
    for name in ("export_mentions", "export_metrics"):
        for r in _rows(store, name):
            if r["g"].value in dates:
                nodes[r["e"].value].add(dates[r["g"].value])
    edges: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for r in _rows(store, "export_relations"):
        h, t, day = ids.get(r["h"].value), ids.get(r["t"].value), dates.get(r["g"].value)
        if h and t and day:
            edges[(h, r["rel"].value, t)].add(day)
    for r in _rows(store, "export_comentions"):
        x, y, day = ids.get(r["x"].value), ids.get(r["y"].value), dates.get(r["g"].value)
        if x and y and day:
            edges[(x, "co_mention", y)].add(day)
    return nodes, edges


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
    :param types: entity types to keep (graph and table formats), e.g. ``{"ORG", "PERSON"}``.
    :param min_weight: drop edges supported by fewer statements (graph formats only).
        Tables (figures, entities, relations) take more filters: :func:`export_table`.
    :return: an :class:`ExportReport` (with the bytes in ``data`` when ``output`` is None).
    :raises GraphError: unknown format, filters on an RDF format, unwritable output.
    """
    if format not in FORMATS:
        raise GraphError(f"unknown export format {format!r}; use one of {', '.join(FORMATS)}")
    if format in TABLE_FORMATS:
        if min_weight != 1:
            raise GraphError(f"--min-weight filters the entity graph (gexf, graphml, csv), not the {format} table")
        return export_table(store, output, format, types=types)
    if format in RDF_FORMATS:
        if types or min_weight != 1:
            raise GraphError(f"--types and --min-weight filter the entity graph (gexf, graphml, csv), not {format} "
                             "exports, which hold every triple")
        data = export_rdf(store, output, format=format)
        n = len(store) if RDF_FORMATS[format][1] else None
        return ExportReport(format, _paths(output), data, statements=n)
    if min_weight < 0:
        raise GraphError("--min-weight must not be negative")
    graph = export_graph_from_store(store, types=types, min_weight=min_weight).filtered(types=types, min_weight=min_weight)
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


def export_table(store: ox.Store, output: str | os.PathLike | BinaryIO | None, table: str, *,
                 file_format: str | None = None, bom: bool = True, **filters) -> ExportReport:
    """Write a tidy table (figures, entities or relations; :mod:`kg.tidy_tables`) to ``output``:
    CSV, JSON Lines or Parquet by the path's extension (or ``file_format``; CSV for a file
    object or None, which returns the bytes in ``data``). CSV has a BOM unless ``bom=False``.

    :param filters: ``types``, ``subject``, ``since``, ``until`` and (figures) ``indicator``.
    :raises GraphError: unknown table, extension or filter; Parquet without pyarrow; unwritable output.
    """
    from kg.table_files import file_format as format_of
    from kg.table_files import table_bytes, write_table
    from kg.tidy_tables import table_rows

    if file_format is None and isinstance(output, (str, os.PathLike)):
        file_format = format_of(output)  # a bad extension fails before the queries run
    rows = table_rows(store, table, **filters)
    if output is None:
        return ExportReport(table, [], table_bytes(rows, table, file_format or "csv", bom=bom), rows=len(rows))
    path = write_table(rows, table, output, fmt=file_format, bom=bom)
    return ExportReport(table, [path] if path else [], rows=len(rows))


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
