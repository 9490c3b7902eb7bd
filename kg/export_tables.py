"""GraphML (networkx, typed attributes) and Gephi spreadsheet CSV (nodes + edges) writers
for an :class:`~kg.export_model.ExportGraph`."""
from __future__ import annotations

import csv
import os
from pathlib import Path

import networkx as nx

from kg.export_gexf import node_size, spells
from kg.export_model import ExportGraph, type_colour

NODE_COLUMNS = ["Id", "Label", "Type", "Mentions", "Metrics", "Articles", "First seen", "Last seen", "Color", "Size", "IRI"]
EDGE_COLUMNS = ["Source", "Target", "Type", "Id", "Label", "Weight", "Relation", "Articles", "First seen", "Last seen"]


def _span(dates) -> tuple[str, str]:
    runs = spells(dates)
    return (runs[0][0], runs[-1][1]) if runs else ("", "")


def _hex(typ: str) -> str:
    return "#{:02x}{:02x}{:02x}".format(*type_colour(typ))


def to_networkx(graph: ExportGraph) -> nx.MultiDiGraph:
    """A MultiDiGraph with one consistently typed value per attribute (no lists, no None),
    so GraphML declares each key once with its type; edge keys are the relations."""
    g = nx.MultiDiGraph(name="newskg")
    most = max((n.mentions for n in graph.nodes), default=0)
    for n in graph.nodes:
        first, last = _span(n.dates)
        g.add_node(n.id, label=n.label, type=n.type, mentions=int(n.mentions), metrics=int(n.metrics),
                   articles=int(n.articles), first_seen=first, last_seen=last, color=_hex(n.type),
                   size=float(node_size(n.mentions, most)), iri=n.iri or "")
    for e in graph.edges:
        first, last = _span(e.dates)
        g.add_edge(e.source, e.target, key=e.relation, relation=e.relation, label=e.label or e.relation,
                   weight=float(e.weight), directed=bool(e.directed), articles=int(e.articles),
                   first_seen=first, last_seen=last)
    return g


def write_graphml(graph: ExportGraph, output: str | os.PathLike) -> None:
    """GraphML with typed keys (string, int, double, boolean), UTF-8."""
    nx.write_graphml(to_networkx(graph), output, encoding="utf-8", named_key_ids=True)


def csv_paths(output: str | os.PathLike) -> tuple[Path, Path]:
    """Where the two CSV files go: ``DIR/nodes.csv`` and ``DIR/edges.csv`` when ``output``
    is a directory (or ends with a slash), else ``<output>nodes.csv`` style prefixes:
    ``out/kg-`` gives ``out/kg-nodes.csv`` and ``out/kg-edges.csv``.

    >>> [p.name for p in csv_paths("exports/kg-")]
    ['kg-nodes.csv', 'kg-edges.csv']
    """
    s = os.fspath(output)
    if s.endswith(("/", os.sep)) or Path(s).is_dir():
        d = Path(s)
        return d / "nodes.csv", d / "edges.csv"
    p = Path(s)
    return p.with_name(p.name + "nodes.csv"), p.with_name(p.name + "edges.csv")


def write_csv(graph: ExportGraph, output: str | os.PathLike) -> tuple[Path, Path]:
    """Gephi's spreadsheet import format: nodes (Id, Label, Type, ...) and edges (Source,
    Target, Type = Directed/Undirected, Id, Label, Weight, ...), UTF-8 without BOM."""
    nodes_path, edges_path = csv_paths(output)
    nodes_path.parent.mkdir(parents=True, exist_ok=True)
    most = max((n.mentions for n in graph.nodes), default=0)
    with open(nodes_path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(NODE_COLUMNS)
        for n in graph.nodes:
            w.writerow([n.id, n.label, n.type, n.mentions, n.metrics, n.articles, *_span(n.dates), _hex(n.type),
                        node_size(n.mentions, most), n.iri or ""])
    with open(edges_path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(EDGE_COLUMNS)
        for i, e in enumerate(graph.edges):
            w.writerow([e.source, e.target, "Directed" if e.directed else "Undirected", f"e{i}", e.label,
                        _num(e.weight), e.relation, e.articles, *_span(e.dates)])
    return nodes_path, edges_path


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))
