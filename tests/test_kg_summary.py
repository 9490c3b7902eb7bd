"""The summary graph (kg.summary): aggregates that match the article graphs, kept up to date by
builds and removals (delta writes equal a recomputation from scratch), invisible to article
listings, and read by the ready queries, stats and the networkx view with the same answers as
grouping the article graphs."""
from __future__ import annotations

from decimal import Decimal

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store

from corpus.articles import finish
from corpus.model import Article
from extract.model import ArticleFacts, Entity, Mention, Metric
from kg import summary
from kg.build import remove
from kg.rdf import article_graph
from kg.sparql import run_query
from kg.store import stored_articles, write_graphs
from kg.summary import SUMMARY_GRAPH, articles_digest, ensure_summary, refresh_summary, summary_state
from kg.vocab import entity_iri, term
from kg_support import make_store

# fmt: off
# (article id, date, text, [(entity id, type, surface)], [(subject id, indicator, value)])
ARTICLES = {
    "s1": ("2021-03-01", "甲公司与乙市合作。甲公司表示营业收入达12个。", [("甲公司", "ORG", "甲公司"), ("乙市", "PLACE", "乙市")], [("甲公司", "营业收入", "12")]),
    "s2": ("2021-05-02", "甲公司在乙市设厂。", [("甲公司", "ORG", "甲公司"), ("乙市", "PLACE", "乙市")], []),
    "s3": ("2020-12-31", "甲公司的人说丙平台上线，用户数达3个。", [("甲公司", "PERSON", "甲公司"), ("丙平台", "PLATFORM", "丙平台")], [("丙平台", "用户数", "3")]),
}
# entity -> (mainType, mentions, articles, metrics, first, last) over s1..s3
EXPECTED = [
    ("甲公司", "https://schema.org/Organization", 4, 3, 1, "2020-12-31", "2021-05-02"),
    ("乙市", "https://schema.org/Place", 2, 2, 0, "2021-03-01", "2021-05-02"),
    ("丙平台", "https://newskg.org/ns#Platform", 1, 1, 1, "2020-12-31", "2020-12-31"),
]
# (entity, class, mentions typed so, articles typed so)
PER_TYPE = [
    ("甲公司", "https://schema.org/Organization", 3, 2),
    ("甲公司", "https://schema.org/Person", 1, 1),
]
# fmt: on


def _graph(aid: str, extra: str = ""):
    date, text, ents, metrics = ARTICLES[aid]
    text += extra
    art = finish(Article(id=aid, text=text, date=date))
    entities = []
    for eid, typ, surface in ents:
        mentions, pos = [], text.find(surface)
        while pos >= 0:
            sent = next(s.index for s in art.sentences if s.start <= pos < s.end)
            mentions.append(Mention(aid, sent, pos, pos + len(surface), surface))
            pos = text.find(surface, pos + 1)
        entities.append(Entity(eid, eid, typ, [], mentions))
    mets = []
    for subject, indicator, value in metrics:
        start = text.index(indicator)
        mets.append(Metric(subject, subject, indicator, Decimal(value), "个", None, None, None, "level", None,
                           aid, 0, start, start + len(indicator), indicator))
    return article_graph(art, ArticleFacts(aid, art.checksum, entities, mets, []))


def _store(*ids: str) -> Store:
    store = Store()
    write_graphs(store, [_graph(a) for a in ids])
    ensure_summary(store)
    return store


def _summary(store: Store) -> set[str]:
    return {str(q.triple) for q in store.quads_for_pattern(None, None, None, SUMMARY_GRAPH)}


def _value(store: Store, subject, prop: str):
    q = next(iter(store.quads_for_pattern(subject, term(prop), None, SUMMARY_GRAPH)), None)
    return None if q is None else q.object.value


@pytest.mark.parametrize("eid,main,mentions,articles,metrics,first,last", EXPECTED)
def test_entity_aggregates(eid, main, mentions, articles, metrics, first, last):
    store = _store("s1", "s2", "s3")
    e = entity_iri(eid)
    assert _value(store, e, "nkg:mainType") == main
    assert _value(store, e, "nkg:canonicalName") == eid
    assert int(_value(store, e, "nkg:mentionCount")) == mentions
    assert int(_value(store, e, "nkg:articleCount")) == articles
    assert int(_value(store, e, "nkg:metricCount") or 0) == metrics
    assert (_value(store, e, "nkg:firstDate"), _value(store, e, "nkg:lastDate")) == (first, last)


@pytest.mark.parametrize("eid,cls,mentions,articles", PER_TYPE)
def test_per_type_counts_of_an_entity_typed_two_ways(eid, cls, mentions, articles):
    store = _store("s1", "s2", "s3")
    rows = run_query(store, "SELECT ?e ?c ?m ?a { ?x nkg:summaryOf ?e ; nkg:asType ?c ; nkg:mentionCount ?m ; nkg:articleCount ?a }",
                     substitutions={"e": entity_iri(eid), "c": NamedNode(cls)}).rows
    assert [(int(m.value), int(a.value)) for _, _, m, a in rows] == [(mentions, articles)]


def test_indicator_counts():
    store = _store("s1", "s2", "s3")
    rows = run_query(store, "SELECT ?n ?c ?r { ?i nkg:canonicalName ?n ; nkg:observationCount ?c ; nkg:observationRank ?r } ORDER BY ?r").records()
    assert [(r["n"], r["c"], r["r"]) for r in rows] == [("用户数", "1", "1"), ("营业收入", "1", "2")]


# fmt: off
# a sequence of changes; after each, the summary must equal one computed from scratch
STEPS = [
    ("add", ["s1"]),
    ("add", ["s2", "s3"]),
    ("change", ["s2"]),
    ("remove", ["s1"]),
    ("add", ["s1"]),
    ("remove", ["s1", "s2", "s3"]),
]
# fmt: on


@pytest.mark.parametrize("chunk,bulk_chunk", [(50_000, 500_000), (3, 7)])
def test_delta_updates_equal_a_full_recompute(chunk, bulk_chunk, monkeypatch):
    """Also with tiny chunks: deletions in many transactions, additions in many bulk loads."""
    monkeypatch.setattr("kg.summary.CHUNK", chunk)
    monkeypatch.setattr("kg.summary.BULK_CHUNK", bulk_chunk)
    store = Store()
    live: dict[str, str] = {}
    for step, ids in STEPS:
        if step == "remove":
            assert remove(store, ids) == ids  # kg.build.remove updates the summary itself
            for a in ids:
                live.pop(a)
        else:
            extra = "另外，甲公司再次出现。" if step == "change" else ""
            graphs = [_graph(a, extra) for a in ids]
            write_graphs(store, graphs, replace=[a for a in ids if a in live])
            live.update({a: extra for a in ids})
            assert ensure_summary(store)
        fresh = Store()
        write_graphs(fresh, [_graph(a, extra) for a, extra in live.items()])
        refresh_summary(fresh)
        assert _summary(store) == _summary(fresh), step
        assert summary_state(store) == articles_digest(store)
    assert {q.predicate.value for q in store.quads_for_pattern(None, None, None, SUMMARY_GRAPH)} == {
        term("nkg:articleCount").value, term("nkg:articlesDigest").value, term("nkg:entityCount").value,
        term("nkg:summaryVersion").value}


def test_a_summary_of_another_version_is_recomputed(monkeypatch):
    """New summary code (new aggregates) on an old store: recomputed though no article changed."""
    store = _store("s1", "s2")
    assert not ensure_summary(store)
    monkeypatch.setattr("kg.summary.SUMMARY_VERSION", summary.SUMMARY_VERSION + 1)
    assert summary_state(store) is None
    assert ensure_summary(store)
    assert summary_state(store) == articles_digest(store)
    assert not ensure_summary(store)


def test_changed_article_counts_once():
    store = _store("s1", "s2", "s3")
    write_graphs(store, [_graph("s2", "另外，甲公司再次出现。")], replace=["s2"])
    assert ensure_summary(store)
    assert int(_value(store, entity_iri("甲公司"), "nkg:mentionCount")) == 5


def test_a_stale_summary_is_noticed():
    """A build killed after committing articles but before the summary: the next
    ensure_summary (any build, even a no-op one) recomputes it."""
    store = _store("s1")
    write_graphs(store, [_graph("s2")])  # committed, summary not refreshed
    assert summary_state(store) != articles_digest(store)
    assert ensure_summary(store)
    assert int(_value(store, entity_iri("乙市"), "nkg:articleCount")) == 2
    assert not ensure_summary(store)


def test_summary_is_not_an_article():
    store = _store("s1", "s2")
    assert sorted(stored_articles(store)) == ["s1", "s2"]
    assert store.contains_named_graph(SUMMARY_GRAPH)


def test_summary_never_matches_article_patterns():
    """Union and GRAPH ?g queries over article terms see no summary triples."""
    store = _store("s1", "s2", "s3")
    rows = run_query(store, "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g").records()
    article_terms = run_query(store, """SELECT (COUNT(*) AS ?n) { GRAPH <%s> { ?s ?p ?o
        FILTER(?p IN (rdf:type, schema:name, rdfs:label, nkg:entityId, schema:mentions, nkg:mentionOf, nkg:indicator)) } }"""
                              % SUMMARY_GRAPH.value).rows
    assert SUMMARY_GRAPH.value in {r["g"] for r in rows}
    assert int(article_terms[0][0].value) == 0


def test_the_bundled_build_has_a_current_summary():
    with make_store() as store:
        assert summary_state(store) == articles_digest(store)
        assert not ensure_summary(store)


# ------------------------------------------------------------------ same answers as grouping

# the ready queries as they were before the summary (grouping the article graphs): the oracle
TOP_ORGANISATIONS_GROUPED = """
SELECT ?org (SAMPLE(?n) AS ?name) ?mentions ?articles WHERE {
  { SELECT ?org (COUNT(?m) AS ?mentions) (COUNT(DISTINCT ?g) AS ?articles) WHERE {
      GRAPH ?g { ?org a schema:Organization . ?m nkg:mentionOf ?org }
    } GROUP BY ?org ORDER BY DESC(?mentions) ?org LIMIT 20 }
  ?org schema:name ?n .
} GROUP BY ?org ?mentions ?articles ORDER BY DESC(?mentions) ?org"""
CONFLICTS_GROUPED = """
SELECT ?subject ?indicator ?kind ?period ?value ?unit ?baseValue ?date ?article ?sentence WHERE {
  { SELECT ?subject ?indicator ?kind ?period WHERE {
      ?obs nkg:period ?period ; nkg:subjectName ?subject ; nkg:indicator ?indicator ; nkg:kind ?kind ; nkg:value ?v ; nkg:unit ?u .
    } GROUP BY ?subject ?indicator ?kind ?period HAVING (COUNT(DISTINCT CONCAT(STR(?v), ?u)) > 1) }
  ?obs nkg:period ?period ; nkg:subjectName ?subject ; nkg:indicator ?indicator ; nkg:kind ?kind ;
       nkg:value ?value ; nkg:unit ?unit ; prov:wasDerivedFrom ?s .
  ?s schema:isPartOf ?article ; nkg:text ?sentence .
  OPTIONAL { ?obs nkg:baseValue ?baseValue } OPTIONAL { ?article schema:datePublished ?date }
}"""
INDICATORS_GROUPED = """SELECT ?indicator (COUNT(?obs) AS ?observations) WHERE { ?obs nkg:indicator ?indicator }
GROUP BY ?indicator ORDER BY DESC(?observations) ?indicator"""


@pytest.mark.parametrize("name,grouped", [("top_organisations.rq", TOP_ORGANISATIONS_GROUPED),
                                          ("indicators.rq", INDICATORS_GROUPED)])
def test_summary_queries_answer_like_grouping(name, grouped):
    from test_kg_queries import QUERIES

    from kg.sparql import load_query

    with make_store() as store:
        q = load_query(QUERIES / name)
        new = run_query(store, q.text, substitutions=q.bindings({"limit": "1000000"} if q.params else {})).records()
        old = run_query(store, grouped).records()
    assert new and [{k: r[k] for k in old[0]} for r in new] == old  # (indicators adds rank and limit)


@pytest.mark.parametrize("limit", ["1", "2", "100", "1000000"])
def test_indicators_limit_is_the_first_ranks(limit):
    from test_kg_queries import QUERIES

    from kg.sparql import load_query

    q = load_query(QUERIES / "indicators.rq")
    with make_store() as store:
        new = run_query(store, q.text, substitutions=q.bindings({"limit": limit})).records()
        old = run_query(store, INDICATORS_GROUPED).records()
    assert [(r["indicator"], r["observations"]) for r in new] == [(r["indicator"], r["observations"]) for r in old][:int(limit)]
    assert [r["rank"] for r in new] == [str(i) for i in range(1, len(new) + 1)]


def test_indicators_unbound_are_the_first_hundred():
    from test_kg_queries import QUERIES

    from kg.sparql import load_query

    with make_store() as store:
        first = len(list(store.quads_for_pattern(None, term("nkg:observationRank"), None, SUMMARY_GRAPH))) + 1
        for i in range(150):  # more indicators than the default limit, ranked after the sample's
            store.add(Quad(NamedNode(f"urn:ind{i}"), term("nkg:observationRank"), Literal(first + i), SUMMARY_GRAPH))
            store.add(Quad(NamedNode(f"urn:ind{i}"), term("nkg:observationCount"), Literal(1), SUMMARY_GRAPH))
            store.add(Quad(NamedNode(f"urn:ind{i}"), term("nkg:canonicalName"), Literal(f"x{i}"), SUMMARY_GRAPH))
        rows = run_query(store, load_query(QUERIES / "indicators.rq").text).records()
    assert len(rows) == 100 and rows[-1]["rank"] == "100"


def test_conflict_groups_answer_like_grouping():
    from test_kg_queries import CONFLICT, QUERIES

    from kg.sparql import load_query

    store = Store()
    with make_store() as sample:
        store.load(sample.dump(format=RdfFormat.N_QUADS), format=RdfFormat.N_QUADS)
    graphs = []
    for aid, date, text, value in CONFLICT:  # two disagreeing figures and one agreeing
        art = finish(Article(id=aid, text=text, date=date))
        surface = f"{value}万亿元"
        start = text.index(surface)
        m = Metric(None, "全国", "软件业务收入", Decimal(value), "万亿元", None, None, None, "level", "2022",
                   aid, 0, start, start + len(surface), surface)
        graphs.append(article_graph(art, ArticleFacts(aid, art.checksum, [], [m], [])))
    write_graphs(store, graphs)
    ensure_summary(store)
    key = sorted  # the order of ties is not specified by either query
    q = load_query(QUERIES / "conflicting_figures.rq")
    new = run_query(store, q.text, substitutions=q.bindings({"limit": "1000000"})).records()
    old = run_query(store, CONFLICTS_GROUPED).records()
    new = [{k: r[k] for k in old[0]} for r in new]  # (the query adds rank and limit)
    assert len(new) >= 3 and key(map(repr, new)) == key(map(repr, old))


def test_graph_view_from_the_summary_equals_grouping():
    from kg.graphview import to_networkx

    with make_store() as store:
        via_summary = to_networkx(store)
        store.remove_graph(SUMMARY_GRAPH)
        grouped = to_networkx(store)
    assert via_summary.number_of_nodes() > 10
    assert dict(via_summary.nodes(data=True)) == dict(grouped.nodes(data=True))
    assert list(via_summary.edges(keys=True, data=True)) == list(grouped.edges(keys=True, data=True))


def test_stats_from_the_summary_equal_grouping():
    from kg.stats import graph_stats

    with make_store() as store:
        a = graph_stats(store)
        store.remove_graph(SUMMARY_GRAPH)
        b = graph_stats(store)
    for key in ("entities", "entities_by_type", "articles", "mentions", "metrics"):
        assert a[key] == b[key], key
    for key in ("top_by_mentions", "top_by_metrics"):
        assert [(r["entity"], r["name"]) for r in a[key]] == [(r["entity"], r["name"]) for r in b[key]], key


def test_nquads_of_a_summary_round_trip():
    with make_store() as store:
        data = store.dump(format=RdfFormat.N_QUADS)
    copy = Store()
    copy.load(data, format=RdfFormat.N_QUADS)
    assert summary_state(copy) == articles_digest(copy)
