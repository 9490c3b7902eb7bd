"""A small GEXF 1.3 writer (lxml) for the entity graph, made for Gephi.

It writes what the official 1.3 XSD accepts and Gephi reads: declared, typed node and edge
attributes; ``<color>``/``<size>`` visual data in the GEXF namespace (the 1.3 XSD declares
them there, and Gephi matches elements by local name, so it reads them as its viz colour and
size; ``viz:``-prefixed elements fail the XSD); edge ``kind`` = relation so Gephi keeps
parallel edges of different relations apart; and, when nodes or edges carry dates, a
``mode="dynamic"`` graph with one spell per run of consecutive days, for the timeline.

The input is an :class:`ExportGraph` (see :mod:`kg.export`), already merged and filtered.
"""
from __future__ import annotations

import datetime as dt
import math
import os
from typing import BinaryIO, Iterable

from lxml import etree

from kg.export_model import ExportGraph, type_colour

GEXF_NS = "http://gexf.net/1.3"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"

NODE_ATTRIBUTES = [("type", "string"), ("mentions", "integer"), ("metrics", "integer"), ("articles", "integer"),
                   ("first_seen", "string"), ("last_seen", "string"), ("iri", "anyURI")]
EDGE_ATTRIBUTES = [("relation", "string"), ("articles", "integer"), ("first_seen", "string"), ("last_seen", "string")]


def day_range(date: str) -> tuple[dt.date, dt.date] | None:
    """The days a (possibly partial) ISO date covers: a day, a month or a year.

    >>> day_range("2023-02")
    (datetime.date(2023, 2, 1), datetime.date(2023, 2, 28))
    >>> day_range("2023"), day_range("今年")
    ((datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)), None)
    """
    try:
        if len(date) == 4 and date.isdigit():
            return dt.date(int(date), 1, 1), dt.date(int(date), 12, 31)
        if len(date) == 7 and date[4] == "-":
            first = dt.date(int(date[:4]), int(date[5:7]), 1)
            nxt = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return first, nxt - dt.timedelta(days=1)
        day = dt.date.fromisoformat(date[:10])
        return day, day
    except (TypeError, ValueError):
        return None


def spells(dates: Iterable[str]) -> list[tuple[str, str]]:
    """Closed (start, end) spells covering the given dates, overlapping or adjacent ranges
    merged; a year or month stands for all its days, other strings are ignored.

    >>> spells(["2023-01-02", "2023-01-01", "2023-01-05", "2023-01-01", "x"])
    [('2023-01-01', '2023-01-02'), ('2023-01-05', '2023-01-05')]
    >>> spells(["2023-03", "2023-03-31", "2023-04-01", "2023-06-09"])
    [('2023-03-01', '2023-04-01'), ('2023-06-09', '2023-06-09')]
    """
    ranges = sorted(r for r in map(day_range, dates) if r is not None)
    runs: list[list[dt.date]] = []
    for a, b in ranges:
        if runs and a - runs[-1][1] <= dt.timedelta(days=1):
            runs[-1][1] = max(runs[-1][1], b)
        else:
            runs.append([a, b])
    return [(a.isoformat(), b.isoformat()) for a, b in runs]


def node_size(mentions: int, most: int, *, smallest: float = 5.0, largest: float = 50.0) -> float:
    """Node size from its mention count: square-root scale between ``smallest`` and ``largest``.

    >>> node_size(0, 100), node_size(100, 100), node_size(25, 100)
    (5.0, 50.0, 27.5)
    """
    if most <= 0:
        return smallest
    return round(smallest + (largest - smallest) * math.sqrt(max(mentions, 0) / most), 3)


def _el(parent, tag: str, **attrs) -> etree._Element:
    return etree.SubElement(parent, f"{{{GEXF_NS}}}{tag}", {k: str(v) for k, v in attrs.items() if v is not None})


def _declare(graph, cls: str, attrs: list[tuple[str, str]]) -> None:
    block = _el(graph, "attributes", **{"class": cls, "mode": "static"})
    for i, (title, kind) in enumerate(attrs):
        _el(block, "attribute", id=title, title=title, type=kind)


def _attvalues(el, values: dict) -> None:
    present = {k: v for k, v in values.items() if v is not None and v != ""}
    if present:
        block = _el(el, "attvalues")
        for k, v in present.items():
            _el(block, "attvalue", **{"for": k, "value": v})


def _spells(el, dates) -> tuple[str, str] | None:
    runs = spells(dates or ())
    if runs:
        block = _el(el, "spells")
        for a, b in runs:
            _el(block, "spell", start=a, end=b)
        return runs[0][0], runs[-1][1]
    return None


def gexf_tree(graph: ExportGraph) -> etree._ElementTree:
    """The GEXF 1.3 document of ``graph`` as an lxml tree."""
    root = etree.Element(f"{{{GEXF_NS}}}gexf", nsmap={None: GEXF_NS, "xsi": XSI_NS}, version="1.3")
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    meta = _el(root, "meta", lastmodifieddate=dt.date.today().isoformat())
    _el(meta, "creator").text = "newskg"
    _el(meta, "description").text = graph.description or "Entities of a Chinese news knowledge graph"
    all_days = [d for n in graph.nodes for d in n.dates] + [d for e in graph.edges for d in e.dates]
    dated = spells(all_days)
    g = _el(root, "graph", defaultedgetype="directed", idtype="string",
            mode="dynamic" if dated else "static")
    if dated:
        g.set("timeformat", "date")
        g.set("timerepresentation", "interval")
        g.set("start", dated[0][0])
        g.set("end", dated[-1][1])
    _declare(g, "node", NODE_ATTRIBUTES)
    _declare(g, "edge", EDGE_ATTRIBUTES)
    most = max((n.mentions for n in graph.nodes), default=0)
    nodes = _el(g, "nodes", count=len(graph.nodes))
    for n in graph.nodes:
        el = _el(nodes, "node", id=n.id, label=n.label)
        span = _spells(el, n.dates)
        _attvalues(el, {"type": n.type, "mentions": n.mentions, "metrics": n.metrics, "articles": n.articles,
                        "first_seen": span and span[0], "last_seen": span and span[1], "iri": n.iri})
        r, gr, b = type_colour(n.type)
        _el(el, "color", r=r, g=gr, b=b)
        _el(el, "size", value=node_size(n.mentions, most))
    edges = _el(g, "edges", count=len(graph.edges))
    for i, e in enumerate(graph.edges):
        el = _el(edges, "edge", id=f"e{i}", source=e.source, target=e.target, label=e.label, kind=e.relation,
                 type="directed" if e.directed else "undirected", weight=_num(e.weight))
        span = _spells(el, e.dates)
        _attvalues(el, {"relation": e.relation, "articles": e.articles,
                        "first_seen": span and span[0], "last_seen": span and span[1]})
    return etree.ElementTree(root)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def write_gexf(graph: ExportGraph, output: str | os.PathLike | BinaryIO) -> None:
    """Write ``graph`` as GEXF 1.3 (UTF-8, XML declaration, Chinese kept as is)."""
    tree = gexf_tree(graph)
    data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    if hasattr(output, "write"):
        output.write(data)
    else:
        with open(output, "wb") as f:
            f.write(data)
