"""A networkx view of the graph: entities as nodes, relations and co-mentions as weighted edges.

Built from the store by a few SPARQL queries each time it is asked for, never kept as a second
truth: node attributes come from the summary graph (:mod:`kg.summary`, derived from the article
graphs at build time) when the store has one, else from grouping the article graphs. Node ids are entity ids (readable, e.g. ``工业和信息化部``); an edge's ``weight`` is the
number of articles that state it (co-mentions: articles with a sentence naming both).

>>> from pyoxigraph import Store
>>> to_networkx(Store()).number_of_nodes()
0
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable

import networkx as nx
from pyoxigraph import Store

from kg.rdf import class_types, relation_predicates
from kg.sparql import run_query
from kg.summary import summary_state
from kg.vocab import PREFIXES

# Entity-level triples repeat in every article graph that mentions the entity: joining them
# across the union would multiply rows, so they are joined inside one graph at a time.
_ENTITIES = """
SELECT ?e ?id ?name ?cls (COUNT(*) AS ?n) WHERE {
  GRAPH ?g { ?e nkg:entityId ?id ; schema:name ?name ; a ?cls . }
} GROUP BY ?e ?id ?name ?cls
"""
_MENTIONS = "SELECT ?e (COUNT(?m) AS ?n) WHERE { ?m nkg:mentionOf ?e } GROUP BY ?e"
_METRICS = "SELECT ?e (COUNT(?o) AS ?n) WHERE { ?o nkg:subject ?e } GROUP BY ?e"
_ARTICLES = """
SELECT ?e (COUNT(?a) AS ?n) (MIN(?d) AS ?first) (MAX(?d) AS ?last) WHERE {
  ?a schema:mentions ?e . OPTIONAL { ?a schema:datePublished ?d }
} GROUP BY ?e
"""
# the same attributes, precomputed: one row per entity
_SUMMARY_NODES = """
SELECT ?e ?name ?cls ?mentions ?metrics ?articles ?first ?last WHERE {
  ?e nkg:canonicalName ?name ; nkg:articleCount ?articles .
  OPTIONAL { ?e nkg:mainType ?cls } OPTIONAL { ?e nkg:mentionCount ?mentions }
  OPTIONAL { ?e nkg:metricCount ?metrics } OPTIONAL { ?e nkg:firstDate ?first ; nkg:lastDate ?last }
}"""
_EDGES = "SELECT ?h ?p ?t ?g WHERE { VALUES ?p { %s } GRAPH ?g { ?h ?p ?t } }"
_DATES = "SELECT ?g ?d WHERE { GRAPH ?g { ?a a schema:NewsArticle ; schema:datePublished ?d } }"


def _plain(term) -> str | None:
    return None if term is None else term.value


def to_networkx(
    store: Store,
    *,
    types: Iterable[str] | None = None,
    min_weight: int = 1,
    co_mentions: bool = True,
) -> nx.MultiDiGraph:
    """The entity graph as a :class:`networkx.MultiDiGraph` (one edge per relation type,
    ``key`` = relation name).

    Node attributes: ``iri``, ``label``, ``type`` (most frequent), ``mentions``, ``metrics``,
    ``articles``, ``first``/``last`` (ISO dates of the first and last article, "" if none).
    Edge attributes: ``relation``, ``weight`` (articles), ``first``/``last``.

    :param types: keep only entities of these types (e.g. ``{"ORG", "PLATFORM"}``).
    :param min_weight: drop edges stated in fewer articles.
    :param co_mentions: include ``co_mention`` edges (symmetric, stored once, head < tail).
    """
    keep = set(types) if types is not None else None
    g = nx.MultiDiGraph()
    iri_id: dict[str, str] = {}
    if summary_state(store) is not None:
        _summary_nodes(store, g, iri_id, keep)
    else:
        _grouped_nodes(store, g, iri_id, keep)
    _add_edges(store, g, iri_id, min_weight=min_weight, co_mentions=co_mentions)
    return g


def _summary_nodes(store: Store, g: nx.MultiDiGraph, iri_id: dict[str, str], keep: set | None) -> None:
    from urllib.parse import unquote

    cls_type = class_types()
    rows = []
    for e, name, cls, mentions, metrics, articles, first, last in run_query(store, _SUMMARY_NODES).rows:
        if not e.value.startswith(PREFIXES["ent"]):
            continue
        eid = unquote(e.value[len(PREFIXES["ent"]):])  # inverse of kg.vocab.entity_iri
        iri_id[e.value] = eid
        t = cls_type.get(cls.value) if cls is not None else None
        if keep is not None and t not in keep:
            continue
        rows.append((eid, dict(iri=e.value, label=name.value, type=t or "",
                               mentions=int(mentions.value) if mentions else 0,
                               metrics=int(metrics.value) if metrics else 0, articles=int(articles.value),
                               first=_plain(first) or "", last=_plain(last) or "")))
    g.add_nodes_from(sorted(rows, key=lambda r: r[0]))


def _grouped_nodes(store: Store, g: nx.MultiDiGraph, iri_id: dict[str, str], keep: set | None) -> None:
    cls_type = class_types()
    counts: dict[str, Counter] = defaultdict(Counter)
    names: dict[str, str] = {}
    for e, eid, name, cls, n in run_query(store, _ENTITIES).rows:
        iri_id[e.value] = eid.value
        names.setdefault(e.value, name.value)
        t = cls_type.get(cls.value)
        if t:
            counts[e.value][t] += int(n.value)
    for iri, eid in sorted(iri_id.items(), key=lambda x: x[1]):
        t = counts[iri].most_common(1)[0][0] if counts[iri] else None
        if keep is not None and t not in keep:
            continue
        g.add_node(eid, iri=iri, label=names[iri], type=t or "", mentions=0, metrics=0, articles=0, first="", last="")
    for query, attr in ((_MENTIONS, "mentions"), (_METRICS, "metrics")):
        for e, n in run_query(store, query).rows:
            node = iri_id.get(e.value)
            if node in g:
                g.nodes[node][attr] = int(n.value)
    for e, n, first, last in run_query(store, _ARTICLES).rows:
        node = iri_id.get(e.value)
        if node in g:
            g.nodes[node].update(articles=int(n.value), first=_plain(first) or "", last=_plain(last) or "")


def _add_edges(store: Store, g: nx.MultiDiGraph, iri_id: dict[str, str], *, min_weight: int, co_mentions: bool) -> None:
    preds = {p.value: name for name, p in relation_predicates().items() if co_mentions or name != "co_mention"}
    if not preds:
        return
    dates = {gr.value: d.value for gr, d in run_query(store, _DATES).rows}
    edges: dict[tuple, list] = {}
    values = " ".join(f"<{p}>" for p in preds)
    for h, p, t, gr in run_query(store, _EDGES % values).rows:  # one row per stating article
        hn, tn = iri_id.get(h.value), iri_id.get(t.value)
        if hn in g and tn in g:
            e = edges.setdefault((hn, tn, preds[p.value]), [0, [], []])
            e[0] += 1
            d = dates.get(gr.value)
            if d:
                e[1].append(d)
    for (hn, tn, rel), (weight, ds, _) in sorted(edges.items()):
        if weight >= min_weight:
            g.add_edge(hn, tn, key=rel, relation=rel, weight=weight,
                       first=min(ds) if ds else "", last=max(ds) if ds else "")
