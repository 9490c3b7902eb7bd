"""The ready queries in docs/queries: each documented, each answering on the bundled sample's
graph, each runnable as is (parameters unbound) and through `newskg sparql -f`."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.sparql import load_query, run_query
from kg_support import bundled_store_dir, make_store
from newskg.cli import cli

QUERIES = Path(__file__).resolve().parent.parent / "docs" / "queries"

# fmt: off
# (query file, column, a value some row must hold with the default parameters)
EXPECTED = [
    ("entity_metrics.rq", "indicator", "全口径数字贸易总额"),
    ("entity_metrics.rq", "unit", "亿美元"),
    ("organisation_people.rq", "role", "所长"),
    ("organisation_people.rq", "unitName", "中国信息通信研究院政策与经济研究所"),
    ("platforms_operators.rq", "platformName", "阿里巴巴国际站"),
    ("metric_over_time.rq", "period", "2019"),
    ("metric_over_time.rq", "period", "2022"),
    ("top_organisations.rq", "name", "工业和信息化部"),
    ("entities_in_place.rq", "entityName", "北京算法交易服务中心"),
    ("publications.rq", "workName", "数字贸易发展与合作报告（2023）"),
    ("publications.rq", "publisherName", "中国信息通信研究院"),
    ("designations.rq", "relation", "designated_as"),
    ("co_mentions.rq", "otherName", "商务部"),
    ("article_facts.rq", "fact", "metric"),
    ("article_facts.rq", "fact", "relation"),
    ("article_facts.rq", "fact", "entity"),
    ("indicators.rq", "indicator", "全口径数字贸易总额"),
]
# queries whose answer on the sample may be empty (tested on articles written for them below)
MAY_BE_EMPTY = {"conflicting_figures.rq"}
# fmt: on

ALL = sorted(p.name for p in QUERIES.glob("*.rq"))


def _run(name: str, *, bound: bool = True):
    q = load_query(QUERIES / name)
    with make_store() as store:
        return run_query(store, q.text, substitutions=(q.bindings() or None) if bound else None)


def test_a_dozen_ready_queries():
    assert len(ALL) >= 12


@pytest.mark.parametrize("name", ALL)
def test_every_query_is_documented(name):
    q = load_query(QUERIES / name)
    assert q.title and q.answers and q.example.startswith("newskg sparql -f docs/queries/" + name)


@pytest.mark.parametrize("name,column,value", EXPECTED)
def test_ready_query_answers_on_the_sample(name, column, value):
    rows = _run(name).records()
    assert rows, name
    assert value in {r[column] for r in rows}, (name, column)


@pytest.mark.parametrize("name", ALL)
def test_every_query_runs_unbound(name):
    assert len(_run(name, bound=False)) > 0 or name in MAY_BE_EMPTY


def test_entity_metrics_cite_their_sentences():
    rows = _run("entity_metrics.rq").records()
    assert {r["name"] for r in rows} == {"中国"}
    for r in rows:
        assert r["article"].startswith("https://newskg.org/id/article/") and r["sentence"]
        assert r["unit"] in r["sentence"]


def test_metric_over_time_is_one_indicator_in_order():
    rows = _run("metric_over_time.rq").records()
    assert {r["indicator"] for r in rows} == {"全口径数字贸易总额"}
    levels = [r["period"] for r in rows if r["kind"] == "level"]
    assert levels == sorted(levels)


def test_top_organisations_are_ordered():
    counts = [int(r["mentions"]) for r in _run("top_organisations.rq").records()]
    assert counts == sorted(counts, reverse=True)


# fmt: off
# two articles reporting one figure differently, and one agreeing: (id, date, sentence, value)
CONFLICT = [
    ("c1", "2023-02-01", "2022年全国软件业务收入达10.81万亿元。", "10.81"),
    ("c2", "2023-02-20", "2022年全国软件业务收入达10.8万亿元。", "10.8"),
    ("c3", "2023-03-01", "2022年全国软件业务收入达10.81万亿元。", "10.81"),
]
# fmt: on


def test_conflicting_figures_stay_side_by_side():
    from decimal import Decimal

    from corpus.articles import finish
    from corpus.model import Article
    from extract.model import ArticleFacts, Metric
    from kg.rdf import article_graph
    from kg.store import write_graphs
    from kg.summary import ensure_summary

    graphs = []
    for aid, date, text, value in CONFLICT:
        art = finish(Article(id=aid, text=text, date=date))
        surface = f"{value}万亿元"
        start = text.index(surface)
        m = Metric(None, "全国", "软件业务收入", Decimal(value), "万亿元", Decimal(value) * 10**12, "CNY", None,
                   "level", "2022", aid, 0, start, start + len(surface), surface)
        graphs.append(article_graph(art, ArticleFacts(aid, art.checksum, [], [m], [])))
    q = load_query(QUERIES / "conflicting_figures.rq")
    with make_store() as store:
        write_graphs(store, graphs)
        ensure_summary(store)  # what kg.build does after writing (the groups live in the summary graph)
        rows = run_query(store, q.text).records()
    ours = [r for r in rows if r["indicator"] == "软件业务收入"]
    assert sorted((r["value"], r["date"]) for r in ours) == [
        ("10.8", "2023-02-20"), ("10.81", "2023-02-01"), ("10.81", "2023-03-01")]
    groups: dict[tuple, set] = {}
    for r in rows:
        groups.setdefault((r["subject"], r["indicator"], r["kind"], r["period"]), set()).add(r["value"] + r["unit"])
    assert all(len(v) > 1 for v in groups.values())


def test_organisation_people_includes_sub_organisations():
    rows = _run("organisation_people.rq").records()
    assert {r["name"] for r in rows} == {"中国信息通信研究院"}
    assert any(r["unitName"] != r["name"] for r in rows)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    return bundled_store_dir(tmp_path_factory.mktemp("kgq") / "store")


@pytest.mark.parametrize("name", ALL)
def test_every_query_through_the_cli(store_dir, name):
    r = CliRunner().invoke(cli, ["sparql", "-f", str(QUERIES / name), "--format", "csv", "--store", store_dir])
    assert r.exit_code == 0, r.output
    assert len(r.output.strip().splitlines()) > 1 or name in MAY_BE_EMPTY


# ------------------------------------------------------------------ rewritten for the big graph

# the parameterised queries as first written (parameter looked up by schema:name in a DISTINCT
# subquery; the statement's type and names checked in its article graph): the oracle for the
# rewrites that start from the summary graph (docs/benchmarks.md, "Queries")
ORIGINAL = {
    "entities_in_place.rq": """SELECT DISTINCT ?place ?entity ?entityName ?link ?where ?sentence WHERE {
  { SELECT DISTINCT ?p ?place WHERE { ?p schema:name ?place } }
  FILTER EXISTS { ?p a schema:Place }
  ?w nkg:partOf* ?p .
  ?st rdf:object ?w ; rdf:predicate ?pred ; rdf:subject ?entity ; prov:wasDerivedFrom ?s .
  VALUES (?pred ?link) { (nkg:locatedIn "located_in") (nkg:heldIn "held_in") }
  ?s nkg:text ?sentence .
  GRAPH ?g { ?st a nkg:RelationStatement . ?entity schema:name ?entityName . ?w schema:name ?where }
}""",
    "organisation_people.rq": """SELECT DISTINCT ?name ?person ?personName ?role ?unitName ?date ?sentence WHERE {
  { SELECT DISTINCT ?org ?name WHERE { ?org schema:name ?name } }
  FILTER EXISTS { ?org a schema:Organization }
  ?unit nkg:partOf* ?org .
  ?st rdf:predicate schema:worksFor ; rdf:object ?unit ; rdf:subject ?person ; prov:wasDerivedFrom ?s .
  ?s schema:isPartOf ?article ; nkg:text ?sentence .
  GRAPH ?g { ?st a nkg:RelationStatement . ?person schema:name ?personName . ?unit schema:name ?unitName }
  OPTIONAL { ?st schema:jobTitle ?role }
  OPTIONAL { ?article schema:datePublished ?date }
}""",
    "co_mentions.rq": """SELECT ?name ?other (SAMPLE(?n) AS ?otherName) ?articles WHERE {
  { SELECT ?name ?other (COUNT(DISTINCT ?g) AS ?articles) WHERE {
      { SELECT DISTINCT ?e ?name WHERE { ?e schema:name ?name } }
      GRAPH ?g { { ?e nkg:coMentionedWith ?other } UNION { ?other nkg:coMentionedWith ?e } }
    } GROUP BY ?name ?other ORDER BY DESC(?articles) ?other LIMIT 50 }
  ?other schema:name ?n .
} GROUP BY ?name ?other ?articles ORDER BY DESC(?articles) ?other""",
    "publications.rq": """SELECT DISTINCT ?work ?workName ?publisher ?publisherName ?date ?sentence WHERE {
  ?st rdf:predicate nkg:publishes ; rdf:subject ?publisher ; rdf:object ?work ; prov:wasDerivedFrom ?s .
  ?s schema:isPartOf ?article ; nkg:text ?sentence .
  GRAPH ?g { ?st a nkg:RelationStatement . ?work schema:name ?workName . ?publisher schema:name ?publisherName }
  OPTIONAL { ?article schema:datePublished ?date }
}""",
}
# fmt: off
# (query, parameter values that have rows on the sample: the defaults' kind of entity, with
# sub-units or parts; a value that has none)
REWRITTEN = [
    ("entities_in_place.rq", ["北京市", "中国", "杭州市"], "没有这个地方"),
    ("organisation_people.rq", ["中国信息通信研究院", "工业和信息化部"], "没有这个机构"),
    ("co_mentions.rq", ["工业和信息化部", "商务部", "中国"], "没有这个实体"),
]
# fmt: on


def values_bound(text: str, subs: dict) -> str:
    """The query with its parameters bound by a VALUES block at the start of its WHERE group
    (what an HTTP client does: the protocol has no substitutions)."""
    body = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("#"))
    brace = body.find("{", body.upper().find("WHERE"))
    return body[:brace + 1] + "".join(f" VALUES ?{k} {{ {v} }}" for k, v in subs.items()) + body[brace + 1:]


@pytest.mark.parametrize("name,hits,miss", REWRITTEN)
def test_rewritten_queries_answer_like_the_originals(name, hits, miss):
    """Same rows as the original for each value, and rows there are: an empty result on both
    sides would make the comparison vacuous (the miss must give none on both)."""
    q = load_query(QUERIES / name)
    key = lambda res: sorted(map(repr, res.records()))  # noqa: E731
    with make_store() as store:
        for value in [*hits, miss]:
            subs = q.bindings({next(iter(q.params)): value})
            old = key(run_query(store, ORIGINAL[name], substitutions=subs))
            assert bool(old) == (value != miss), value
            assert key(run_query(store, q.text, substitutions=subs)) == old, value
            assert key(run_query(store, values_bound(q.text, subs))) == old, value
        unbound = key(run_query(store, ORIGINAL[name]))  # every entity
        assert unbound and key(run_query(store, q.text)) == unbound


# ------------------------------------------------------------------ whole lists, paged by a rank

# fmt: off
# two more groups of figures that disagree, on another subject and indicator, besides CONFLICT:
# (id, date, sentence, subject, indicator, value, unit, period)
MORE_CONFLICTS = [
    ("d1", "2023-04-01", "2022年浙江省电信业务收入达1.58万亿元。", "浙江省", "电信业务收入", "1.58", "万亿元", "2022"),
    ("d2", "2023-04-02", "2022年浙江省电信业务收入达1.6万亿元。", "浙江省", "电信业务收入", "1.6", "万亿元", "2022"),
    ("d3", "2023-04-03", "2021年浙江省电信业务收入达1.47万亿元。", "浙江省", "电信业务收入", "1.47", "万亿元", "2021"),
    ("d4", "2023-04-04", "2021年浙江省电信业务收入达1.5万亿元。", "浙江省", "电信业务收入", "1.5", "万亿元", "2021"),
]
# (query, the columns naming one item of its list, in the order of the items' ranks)
PAGED = [
    ("publications.rq", ("workName",)),
    ("conflicting_figures.rq", ("subject", "indicator", "period", "kind")),
]
LIMITS = ["1", "2", "3"]
# fmt: on


def _conflicts_store():
    """The sample with three groups of disagreeing figures, summarised as kg.build does."""
    from decimal import Decimal

    from corpus.articles import finish
    from corpus.model import Article
    from extract.model import ArticleFacts, Metric
    from kg.rdf import article_graph
    from kg.store import write_graphs
    from kg.summary import ensure_summary

    rows = [(aid, date, text, "全国", "软件业务收入", value, "万亿元", "2022") for aid, date, text, value in CONFLICT]
    graphs = []
    for aid, date, text, subject, indicator, value, unit, period in rows + MORE_CONFLICTS:
        art = finish(Article(id=aid, text=text, date=date))
        surface = f"{value}{unit}"
        start = text.index(surface)
        m = Metric(None, subject, indicator, Decimal(value), unit, None, None, None, "level", period,
                   aid, 0, start, start + len(surface), surface)
        graphs.append(article_graph(art, ArticleFacts(aid, art.checksum, [], [m], [])))
    store = make_store().__enter__()
    write_graphs(store, graphs)
    ensure_summary(store)
    return store


def _paged(store, name: str, limit: str | None):
    q = load_query(QUERIES / name)
    subs = q.bindings({"limit": limit} if limit else {})
    return run_query(store, q.text, substitutions=subs).records()


@pytest.fixture(scope="module")
def paged_stores():
    with make_store() as sample:
        yield {"publications.rq": sample, "conflicting_figures.rq": _conflicts_store()}


@pytest.mark.parametrize("name,item", PAGED)
def test_paged_list_is_ranked_by_its_items(paged_stores, name, item):
    rows = _paged(paged_stores[name], name, "1000000")
    ranks = [int(r["rank"]) for r in rows]
    assert len(set(ranks)) >= 2 and ranks == sorted(ranks)  # the rows come in rank order
    items = {}
    for r in rows:
        items.setdefault(int(r["rank"]), set()).add(tuple(r[c] for c in item))
    assert list(items) == list(range(1, len(items) + 1))  # ranks 1..n, no gaps
    assert all(len(v) == 1 for v in items.values())  # one item per rank
    keys = [next(iter(items[k])) for k in sorted(items)]
    assert keys == sorted(keys)  # ranked by the item's name(s)


@pytest.mark.parametrize("name,item", PAGED)
@pytest.mark.parametrize("limit", LIMITS)
def test_paged_list_limit_is_the_first_ranks(paged_stores, name, item, limit):
    store = paged_stores[name]
    key = lambda rows: sorted(repr({k: v for k, v in r.items() if k != "limit"}) for r in rows)  # noqa: E731
    whole = _paged(store, name, "1000000")
    first = _paged(store, name, limit)
    assert first and key(first) == key([r for r in whole if int(r["rank"]) <= int(limit)])
    assert {r["limit"] for r in first} == {limit}
    # over HTTP the limit comes as a VALUES block at the start of the subquery's WHERE group
    text = load_query(QUERIES / name).text.replace("WHERE { ?", f"WHERE {{ VALUES ?limit {{ {limit} }} ?", 1)
    assert key(run_query(store, text).records()) == key(first)


@pytest.mark.parametrize("name,item", PAGED)
def test_paged_list_default_limit_is_a_hundred(paged_stores, name, item):
    store = paged_stores[name]
    q = load_query(QUERIES / name)
    assert q.params["limit"].value == "100" and "default 100" in q.answers
    key = lambda rows: [tuple(v for k, v in r.items() if k != "limit") for r in rows]  # noqa: E731
    hundred = _paged(store, name, "100")
    assert key(_paged(store, name, None)) == key(hundred)  # the declared default
    assert key(run_query(store, q.text).records()) == key(hundred)  # unbound (elsewhere): the same
    assert key(hundred) == key([r for r in _paged(store, name, "1000000") if int(r["rank"]) <= 100])


def test_publications_whole_list_answers_like_the_original():
    with make_store() as store:
        old = run_query(store, ORIGINAL["publications.rq"]).records()
        new = _paged(store, "publications.rq", "1000000")
    assert old and sorted(map(repr, old)) == sorted(repr({k: r[k] for k in old[0]}) for r in new)


@pytest.mark.parametrize("name", [n for n, _ in PAGED])
def test_paged_list_limit_through_the_cli(store_dir, name):
    r = CliRunner().invoke(cli, ["sparql", "-f", str(QUERIES / name), "--format", "csv", "--store", store_dir,
                                 "--bind", "limit=1"])
    assert r.exit_code == 0, r.output
    header, *rows = r.output.strip().splitlines()
    assert header.startswith("rank,") and all(row.startswith("1,") for row in rows)
    assert len(rows) > 0 or name in MAY_BE_EMPTY
