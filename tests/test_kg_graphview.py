"""The networkx view: nodes with type and counts, typed edges weighted by articles, built
from the store (articles written for this test, then the bundled sample)."""
from __future__ import annotations

from decimal import Decimal

import networkx as nx
import pytest
from pyoxigraph import Store

from corpus.articles import finish
from corpus.model import Article
from extract.model import ArticleFacts, Entity, Mention, Metric, Relation
from kg.graphview import to_networkx
from kg.rdf import article_graph
from kg.store import write_graphs
from kg_support import make_store

# fmt: off
# (id, date, text, entities (name, type), relations (head, relation, tail), metrics (subject, surface, value, unit))
ARTICLES = [
    ("g1", "2023-03-01", "商务部部长王文表示，商务部将推进数字贸易。",
     [("商务部", "ORG"), ("王文", "PERSON")], [("王文", "works_for", "商务部")], []),
    ("g2", "2023-03-05", "王文在上海调研，商务部数据显示进出口增长5.2%。",
     [("王文", "PERSON"), ("上海", "PLACE"), ("商务部", "ORG")], [("王文", "works_for", "商务部")],
     [("商务部", "5.2%", "5.2", "%")]),
    ("g3", "2023-04-02", "上海数字贸易平台上线，平台位于上海。",
     [("上海数字贸易平台", "PLATFORM"), ("上海", "PLACE")], [("上海数字贸易平台", "located_in", "上海")], []),
]
# (node, type, mentions, metrics, articles, first, last)
NODES = [
    ("商务部", "ORG", 3, 1, 2, "2023-03-01", "2023-03-05"),
    ("王文", "PERSON", 2, 0, 2, "2023-03-01", "2023-03-05"),
    ("上海", "PLACE", 2, 0, 2, "2023-03-05", "2023-04-02"),  # not inside 上海数字贸易平台
    ("上海数字贸易平台", "PLATFORM", 1, 0, 1, "2023-04-02", "2023-04-02"),
]
# (head, tail, relation, weight)
EDGES = [
    ("王文", "商务部", "works_for", 2),
    ("上海数字贸易平台", "上海", "located_in", 1),
    ("商务部", "王文", "co_mention", 2),
    ("上海", "王文", "co_mention", 1),
    ("上海", "商务部", "co_mention", 1),
    ("上海", "上海数字贸易平台", "co_mention", 1),
]
# fmt: on


def _occurrences(text: str, name: str) -> list[int]:
    out, i = [], text.find(name)
    while i >= 0:
        out.append(i)
        i = text.find(name, i + 1)
    return out


def _facts(aid, text, ents, rels, metrics):
    longer = [(i, i + len(o)) for o, _ in ents for i in _occurrences(text, o)]
    entities = []
    for name, typ in ents:
        mentions = [Mention(aid, 0, i, i + len(name), name) for i in _occurrences(text, name)
                    if not any(s <= i and i + len(name) <= e and e - s > len(name) for s, e in longer)]
        entities.append(Entity(name, name, typ, [], mentions))
    relations = [Relation(h, h, r, t, t, None, aid, 0) for h, r, t in rels]
    ms = []
    for subj, surface, value, unit in metrics:
        s = text.index(surface)
        ms.append(Metric(subj, subj, "进出口", Decimal(value), unit, None, None, None, "growth", None, aid, 0,
                         s, s + len(surface), surface))
    return ArticleFacts(aid, "", entities, ms, relations)


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    store = Store()
    graphs = []
    for aid, date, text, ents, rels, metrics in ARTICLES:
        art = finish(Article(id=aid, text=text, date=date))
        facts = _facts(aid, text, ents, rels, metrics)
        facts.checksum = art.checksum
        graphs.append(article_graph(art, facts))
    write_graphs(store, graphs)
    return to_networkx(store)


@pytest.mark.parametrize("node,typ,mentions,metrics,articles,first,last", NODES)
def test_nodes_carry_type_and_counts(graph, node, typ, mentions, metrics, articles, first, last):
    d = graph.nodes[node]
    assert (d["type"], d["mentions"], d["metrics"], d["articles"], d["first"], d["last"]) == (
        typ, mentions, metrics, articles, first, last)
    assert d["label"] == node and d["iri"].endswith(node)


@pytest.mark.parametrize("head,tail,relation,weight", EDGES)
def test_edges_are_typed_and_weighted_by_articles(graph, head, tail, relation, weight):
    assert graph.edges[head, tail, relation]["weight"] == weight


def test_no_other_edges(graph):
    assert graph.number_of_nodes() == len(NODES)
    assert sorted((h, t, k) for h, t, k in graph.edges(keys=True)) == sorted((h, t, r) for h, t, r, _ in EDGES)


def test_filters(graph):
    store = Store()
    store_graphs = []
    for aid, date, text, ents, rels, metrics in ARTICLES:
        art = finish(Article(id=aid, text=text, date=date))
        facts = _facts(aid, text, ents, rels, metrics)
        facts.checksum = art.checksum
        store_graphs.append(article_graph(art, facts))
    write_graphs(store, store_graphs)
    g = to_networkx(store, types={"ORG", "PERSON"}, min_weight=2, co_mentions=False)
    assert set(g.nodes) == {"商务部", "王文"}
    assert list(g.edges(keys=True)) == [("王文", "商务部", "works_for")]


def test_view_of_the_sample_matches_the_store():
    with make_store() as store:
        g = to_networkx(store)
        n_entities = int(next(iter(store.query(
            "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e <https://newskg.org/ns#entityId> ?i }",
            use_default_graph_as_union=True)))["n"].value)
    assert g.number_of_nodes() == n_entities
    assert sum(d["mentions"] for _, d in g.nodes(data=True)) > n_entities
    assert {d["relation"] for _, _, d in g.edges(data=True)} >= {"works_for", "part_of", "co_mention"}
