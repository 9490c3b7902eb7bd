"""The plain graph that graph exports (GEXF, GraphML, CSV) write: entity nodes and merged,
weighted, dated edges, with the ``--types``/``--min-weight`` filters.

>>> g = ExportGraph.build(
...     [ExportNode("a", "甲公司", "ORG", mentions=3), ExportNode("b", "乙", "PERSON", mentions=1)],
...     [ExportEdge("b", "a", "works_for", weight=1, dates=("2023-01-01",)),
...      ExportEdge("b", "a", "works_for", weight=2, dates=("2023-02-01",))])
>>> [(e.source, e.target, e.weight, e.dates) for e in g.edges]
[('b', 'a', 3, ('2023-01-01', '2023-02-01'))]
>>> len(g.filtered(types={"ORG"}).nodes), len(g.filtered(min_weight=4).edges)
(1, 0)
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Iterable

from corpus.errors import GraphError

UNDIRECTED = frozenset({"co_mention"})  # relations without a direction


@dataclass(frozen=True)
class ExportNode:
    """One entity: id (as exported), Chinese label, type and counts; ``dates`` are the ISO
    dates of the articles that mention it."""

    id: str
    label: str
    type: str
    mentions: int = 0
    metrics: int = 0
    articles: int = 0
    dates: tuple[str, ...] = ()
    iri: str | None = None


@dataclass(frozen=True)
class ExportEdge:
    """One relation between two entities; ``weight`` counts the statements (or co-mentions)
    behind it, ``label`` is the human-readable relation name."""

    source: str
    target: str
    relation: str
    weight: float = 1
    label: str | None = None
    directed: bool | None = None
    articles: int = 0
    dates: tuple[str, ...] = ()

    def __post_init__(self):
        if self.directed is None:
            object.__setattr__(self, "directed", self.relation not in UNDIRECTED)
        if self.label is None:
            object.__setattr__(self, "label", self.relation)


@dataclass
class ExportGraph:
    """Nodes and merged edges, ready for a writer."""

    nodes: list[ExportNode]
    edges: list[ExportEdge]
    description: str | None = None
    _index: dict = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, nodes: Iterable[ExportNode], edges: Iterable[ExportEdge], description: str | None = None) -> "ExportGraph":
        """Merge parallel edges of the same relation (weights summed, dates united; an
        undirected edge's ends are ordered) and drop edges whose ends are not nodes."""
        nodes = sorted({n.id: n for n in nodes}.values(), key=lambda n: n.id)
        ids = {n.id for n in nodes}
        merged: dict[tuple, ExportEdge] = {}
        for e in edges:
            if e.source not in ids or e.target not in ids:
                continue
            s, t = (e.source, e.target) if e.directed else tuple(sorted((e.source, e.target)))
            key = (s, t, e.relation)
            old = merged.get(key)
            if old is None:
                merged[key] = replace(e, source=s, target=t, dates=tuple(sorted(set(e.dates))))
            else:
                merged[key] = replace(old, weight=old.weight + e.weight, articles=old.articles + e.articles,
                                      dates=tuple(sorted(set(old.dates) | set(e.dates))))
        return cls(nodes, [merged[k] for k in sorted(merged)], description)

    def filtered(self, *, types: Iterable[str] | None = None, min_weight: float = 1) -> "ExportGraph":
        """Keep nodes of ``types`` (all when None) and edges of weight >= ``min_weight``
        between kept nodes."""
        keep = {t.upper() for t in types} if types else None
        nodes = [n for n in self.nodes if keep is None or n.type.upper() in keep]
        ids = {n.id for n in nodes}
        edges = [e for e in self.edges if e.source in ids and e.target in ids and e.weight >= min_weight]
        return ExportGraph(nodes, edges, self.description)


@functools.lru_cache(maxsize=1)
def type_colours() -> dict[str, tuple[int, int, int]]:
    """Entity type -> RGB, from ``kg/data/type_colors.tsv`` (``*`` = any other type)."""
    out = {}
    text = resources.files("kg").joinpath("data/type_colors.tsv").read_text(encoding="utf-8")
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            typ, hexcode = line.split("\t")
            h = hexcode.strip().lstrip("#")
            out[typ.strip()] = (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))
        except ValueError as e:
            raise GraphError(f"bad colour line {line!r}: {e}", path="kg/data/type_colors.tsv", line=n) from e
    return out


def type_colour(typ: str) -> tuple[int, int, int]:
    """RGB colour of an entity type.

    >>> type_colour("ORG"), type_colour("NO_SUCH_TYPE")
    ((55, 126, 184), (153, 153, 153))
    """
    table = type_colours()
    return table.get(typ, table.get("*", (153, 153, 153)))
