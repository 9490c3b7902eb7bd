"""RDF model: IRI minting, facts -> article graph -> store -> facts round trip, offsets."""
from __future__ import annotations

from decimal import Decimal

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Store, Variable

from corpus.errors import GraphError
from corpus.model import Article, Sentence
from extract.model import ArticleFacts, Entity, Mention, Metric, Relation
from kg.rdf import article_graph, article_triples, decimal_literal, facts_from_triples, iter_graph_triples
from kg.store import write_graphs
from kg.vocab import entity_iri, graph_article_id, graph_iri, mint_iri, percent_safe, term

# fmt: off
# (entity id, expected IRI): Chinese stays readable, only what an IRI segment cannot hold is escaped
IRIS = [
    ("工业和信息化部", "https://newskg.org/id/entity/工业和信息化部"),
    ("赵晨~北京邮电大学", "https://newskg.org/id/entity/赵晨~北京邮电大学"),
    ("“京西”计算中心", "https://newskg.org/id/entity/“京西”计算中心"),
    ("5G/6G 网络", "https://newskg.org/id/entity/5G%2F6G%20网络"),
    ("A#B?C", "https://newskg.org/id/entity/A%23B%3FC"),
    ("100%", "https://newskg.org/id/entity/100%25"),
    ("北京\u3000市", "https://newskg.org/id/entity/北京%E3%80%80市"),
    ("<b>", "https://newskg.org/id/entity/%3Cb%3E"),
]
# (decimal as extracted, xsd:decimal lexical form)
DECIMALS = [
    (Decimal("3710.8"), "3710.8"),
    (Decimal("3.7108E+11"), "371080000000"),
    (Decimal("0.0320"), "0.032"),
    (Decimal("-5"), "-5"),
    (Decimal("0E-8"), "0"),
    (Decimal("1.5E-7"), "0.00000015"),
]
# fmt: on

TEXT = "工业和信息化部部长王小明表示，2022年全国工业增加值达40.2万亿元，同比增长3.6%。该部将推进5G网络建设。"
AID = "测试-2023/01"


def _span(s: str, n: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(n):
        start = TEXT.index(s, start + 1)
    return start, start + len(s)


def make_article() -> tuple[Article, ArticleFacts]:
    s1 = TEXT.index("。") + 1
    sents = [Sentence(0, 0, s1, TEXT[:s1]), Sentence(1, s1, len(TEXT), TEXT[s1:])]
    art = Article(id=AID, text=TEXT, title="工业增加值稳步增长", date="2023-01-05", source="t.txt", line=3,
                  sentences=sents, checksum="sha1:abc")
    miit = Entity("工业和信息化部", "工业和信息化部", "ORG", ["工信部"], [
        Mention(AID, 0, *_span("工业和信息化部"), "工业和信息化部"),
        Mention(AID, 1, *_span("该部"), "该部")])
    wang = Entity("王小明~工业和信息化部", "王小明", "PERSON", [], [Mention(AID, 0, *_span("王小明"), "王小明")])
    m1 = Metric(None, "全国", "工业增加值", Decimal("40.2"), "万亿元", Decimal("4.02E13"), "CNY", None, "level",
                "2022", AID, 0, *_span("40.2万亿元"), "40.2万亿元")
    m2 = Metric("工业和信息化部", "工业和信息化部", "工业增加值", Decimal("3.6"), "%", Decimal("0.036"), "ratio",
                "approx", "yoy_growth", "2022", AID, 0, *_span("3.6%"), "3.6%")
    rel = Relation("王小明~工业和信息化部", "王小明", "works_for", "工业和信息化部", "工业和信息化部", "部长",
                   AID, 0, 0, 12)
    co = Relation("王小明~工业和信息化部", "王小明", "co_mention", "工业和信息化部", "工业和信息化部", None, AID, 0)
    return art, ArticleFacts(AID, "sha1:abc", [miit, wang], [m1, m2], [rel, co])


@pytest.mark.parametrize("eid,iri", IRIS)
def test_entity_iris_are_readable_and_valid(eid, iri):
    node = entity_iri(eid)
    assert node.value == iri
    assert NamedNode(iri) == node


@pytest.mark.parametrize("eid,iri", IRIS)
def test_graph_iri_inverts(eid, iri):
    assert graph_article_id(graph_iri(eid)) == eid


@pytest.mark.parametrize("bad", ["", "  "])
def test_empty_keys_are_refused(bad):
    with pytest.raises(GraphError):
        mint_iri("entity", bad)


def test_unknown_kind_is_refused():
    with pytest.raises(GraphError, match="unknown IRI kind"):
        mint_iri("person", "王小明")


@pytest.mark.parametrize("value,lexical", DECIMALS)
def test_decimals_never_use_exponents(value, lexical):
    lit = decimal_literal(value)
    assert lit.value == lexical
    assert Decimal(lit.value) == value


def test_percent_safe_is_idempotent_on_readable_text():
    assert percent_safe("中国信息通信研究院") == "中国信息通信研究院"


def test_round_trip_through_the_store():
    art, facts = make_article()
    store = Store()
    write_graphs(store, [article_graph(art, facts)])
    back = facts_from_triples(AID, iter_graph_triples(store, AID))
    expected = ArticleFacts(AID, facts.checksum, sorted(facts.entities, key=lambda e: e.id),
                            sorted(facts.metrics, key=lambda m: (m.start, m.end)),
                            [r for r in facts.relations if r.relation != "co_mention"])
    assert back == expected


def test_every_span_node_matches_the_article_text():
    art, facts = make_article()
    store = Store()
    write_graphs(store, [article_graph(art, facts)])
    rows = store.query(
        "SELECT ?text ?start ?end WHERE { ?x nkg:start ?start ; nkg:end ?end ; nkg:text ?text }",
        prefixes={"nkg": "https://newskg.org/ns#"}, use_default_graph_as_union=True)
    spans = [(r["text"].value, int(r["start"].value), int(r["end"].value)) for r in rows]
    assert len(spans) == 2 + 3 + 2  # sentences, mentions, metrics
    for text, start, end in spans:
        assert TEXT[start:end] == text


def test_everything_lives_in_the_article_graph():
    art, facts = make_article()
    store = Store()
    write_graphs(store, [article_graph(art, facts)])
    assert {q.graph_name for q in store} == {graph_iri(AID)}


def test_co_mentions_are_direct_triples_only():
    art, facts = make_article()
    triples = article_triples(art, facts)
    co = [t for t in triples if t.predicate == term("nkg:coMentionedWith")]
    # one triple for the pair (from mentions in sentence 0 and from the relation), in id order
    assert [(t.subject, t.object) for t in co] == [(entity_iri("工业和信息化部"), entity_iri("王小明~工业和信息化部"))]
    assert not [t for t in triples if t.object == Literal("co_mention")]


def test_values_are_typed():
    art, facts = make_article()
    triples = {(t.subject, t.predicate): t.object for t in article_triples(art, facts)}
    values = [o for (s, p), o in triples.items() if p == term("nkg:value")]
    assert {v.datatype for v in values} == {term("xsd:decimal")}
    names = [o for (s, p), o in triples.items() if p == term("schema:name")]
    assert {n.language for n in names} == {"zh"}
    dates = [o for (s, p), o in triples.items() if p == term("schema:datePublished")]
    assert dates == [Literal("2023-01-05", datatype=term("xsd:date"))]


def test_mapping_is_deterministic():
    art, facts = make_article()
    a, b = Store(), Store()
    write_graphs(a, [article_graph(art, facts)])
    write_graphs(b, [article_graph(*make_article())])
    assert a.dump(format=RdfFormat.N_QUADS) == b.dump(format=RdfFormat.N_QUADS)


def test_unknown_entity_type_names_the_article():
    art, facts = make_article()
    facts.entities[0].type = "ANIMAL"
    with pytest.raises(GraphError, match="ANIMAL"):
        article_graph(art, facts)


def test_mismatched_article_and_facts():
    art, facts = make_article()
    facts.article = "other"
    with pytest.raises(GraphError, match="other"):
        article_triples(art, facts)


def test_same_span_for_two_entities_gets_two_mention_nodes():
    art, facts = make_article()
    span = facts.entities[0].mentions[0]
    facts.entities[1].mentions.append(Mention(AID, 0, span.start, span.end, span.text))
    triples = article_triples(art, facts)
    mentions = {t.subject for t in triples if t.predicate == term("nkg:mentionOf")}
    assert len(mentions) == 4


def test_every_term_of_the_sample_graph_is_declared():
    from pathlib import Path

    from pyoxigraph import parse

    from kg_support import make_store

    ttl = Path(__file__).resolve().parent.parent / "kg" / "data" / "newskg.ttl"
    declared = {t.subject.value for t in parse(path=str(ttl))}
    ns = "https://newskg.org/ns#"
    with make_store() as store:
        used = {q.predicate.value for q in store} | {
            q.object.value for q in store if q.predicate == term("rdf:type")}
    assert {u for u in used if u.startswith(ns)} <= declared


def test_founders_and_headquarters_are_queryable_and_declared():
    from pathlib import Path

    from pyoxigraph import parse

    from extract.pipeline import extract_article

    text = "2004年，张伟和李娜共同创办了星辰科技有限公司。星辰科技有限公司总部位于东莞市。"
    art = Article(id="创办-1", text=text)
    store = Store()
    write_graphs(store, [article_graph(art, extract_article(art))])
    q = "SELECT ?org ?who WHERE { ?org schema:founder ?p . ?p schema:name ?who }"
    rows = store.query(q, prefixes={"schema": "https://schema.org/", "nkg": "https://newskg.org/ns#"},
                       substitutions={Variable("org"): entity_iri("星辰科技有限公司")}, use_default_graph_as_union=True)
    assert sorted(r["who"].value for r in rows) == ["张伟", "李娜"]
    q = "SELECT ?org ?where WHERE { ?org nkg:headquarteredIn ?p . ?p schema:name ?where }"
    rows = store.query(q, prefixes={"schema": "https://schema.org/", "nkg": "https://newskg.org/ns#"},
                       substitutions={Variable("org"): entity_iri("星辰科技有限公司")}, use_default_graph_as_union=True)
    assert [r["where"].value for r in rows] == ["东莞市"]
    ttl = Path(__file__).resolve().parent.parent / "kg" / "data" / "newskg.ttl"
    assert "https://newskg.org/ns#headquarteredIn" in {t.subject.value for t in parse(path=str(ttl))}
