"""kg.browse: search, neighbourhood, entity details and articles, on hand-written facts."""
from __future__ import annotations

from decimal import Decimal

import pytest

from corpus.model import Article, Sentence
from extract.model import ArticleFacts, Entity, Mention, Metric, Relation
from kg import browse
from kg.rdf import article_graph
from kg.store import open_store, write_graphs

# fmt: off
TEXTS = {
    "a1": "北京数联研究院院长王明表示，该院运营的星河平台去年接入企业1200家。今年星河平台接入企业将达到2000家。",
    "a2": "数联研究院与南方智造集团签署合作协议。星河平台接入企业2022年为800家。",
}
SEARCH = [
    # (text, types, expected ids in order)
    ("研究院", None, ["北京数联研究院"]),
    ("数联研究院", None, ["北京数联研究院"]),          # the alias matches too
    ("星河", None, ["星河平台"]),
    ("", ["PERSON"], ["王明"]),
    ("", ["ORG"], ["北京数联研究院", "南方智造集团"]),  # most mentioned first
    ("不存在的名字", None, []),
]
# fmt: on


def _article(aid: str, title: str, date: str) -> Article:
    text = TEXTS[aid]
    cut = text.index("。") + 1
    return Article(id=aid, text=text, title=title, date=date, checksum=aid,
                   sentences=[Sentence(0, 0, cut, text[:cut]), Sentence(1, cut, len(text), text[cut:])])


def _mentions(art: Article, name: str, surface: str | None = None) -> list[Mention]:
    surface = surface or name
    out, i = [], art.text.find(surface)
    while i >= 0:
        sent = next(s for s in art.sentences if s.start <= i < s.end)
        out.append(Mention(art.id, sent.index, i, i + len(surface), surface))
        i = art.text.find(surface, i + 1)
    return out


def _metric(art: Article, subject: str, value: int, period: str, qualifier=None) -> Metric:
    surface = f"{value}家"
    i = art.text.index(surface)
    sent = next(s for s in art.sentences if s.start <= i < s.end)
    return Metric(subject, subject, "接入企业", Decimal(value), "家", Decimal(value), "count", qualifier, "level",
                  period, art.id, sent.index, i, i + len(surface), surface)


@pytest.fixture(scope="module")
def store():
    s = open_store(None)
    a1, a2 = _article("a1", "数联研究院的一年", "2024-05-01"), _article("a2", "合作", "2023-03-02")
    org = Entity("北京数联研究院", "北京数联研究院", "ORG", ["数联研究院"], _mentions(a1, "北京数联研究院"))
    per = Entity("王明", "王明", "PERSON", [], _mentions(a1, "王明"))
    plat = Entity("星河平台", "星河平台", "PLATFORM", [], _mentions(a1, "星河平台"))
    f1 = ArticleFacts("a1", "a1", [org, per, plat],
                      [_metric(a1, "星河平台", 1200, "2023"), _metric(a1, "星河平台", 2000, "2024", "target")],
                      [Relation("王明", "王明", "works_for", "北京数联研究院", "北京数联研究院", "院长", "a1", 0, 9, 11),
                       Relation("北京数联研究院", "北京数联研究院", "operates", "星河平台", "星河平台", None, "a1", 0)])
    org2 = Entity("北京数联研究院", "北京数联研究院", "ORG", ["数联研究院"], _mentions(a2, "北京数联研究院", "数联研究院"))
    grp = Entity("南方智造集团", "南方智造集团", "ORG", [], _mentions(a2, "南方智造集团"))
    plat2 = Entity("星河平台", "星河平台", "PLATFORM", [], _mentions(a2, "星河平台"))
    f2 = ArticleFacts("a2", "a2", [org2, grp, plat2], [_metric(a2, "星河平台", 800, "2022")], [])
    write_graphs(s, [article_graph(a1, f1), article_graph(a2, f2)])
    return s


@pytest.mark.parametrize("text,types,expected", SEARCH)
def test_search_entities(store, text, types, expected):
    assert [e["id"] for e in browse.search_entities(store, text, types=types)] == expected


def test_search_reports_type_and_mentions(store):
    [e] = browse.search_entities(store, "星河平台")
    assert e == {"id": "星河平台", "name": "星河平台", "type": "PLATFORM", "mentions": 3}


def test_unknown_entity_is_a_clear_error(store):
    with pytest.raises(browse.EntityNotFound, match="no entity '没有' in the graph"):
        browse.entity_details(store, "没有")


def test_neighbourhood_depth_1(store):
    net = browse.neighbourhood(store, "王明", depth=1)
    assert {n["id"] for n in net["nodes"]} == {"王明", "北京数联研究院", "星河平台"}
    edges = {(e["source"], e["target"], e["label"]) for e in net["edges"]}
    assert ("王明", "北京数联研究院", "worksFor") in edges
    # a pair linked by a typed relation gets no extra co-mention edge
    assert ("北京数联研究院", "王明", "co-mention") not in edges
    assert ("星河平台", "王明", "co-mention") in edges


def test_neighbourhood_depth_2_reaches_further(store):
    one = {n["id"] for n in browse.neighbourhood(store, "王明", depth=1)["nodes"]}
    two = {n["id"] for n in browse.neighbourhood(store, "王明", depth=2)["nodes"]}
    assert "南方智造集团" not in one and "南方智造集团" in two


def test_neighbourhood_weights_count_articles(store):
    net = browse.neighbourhood(store, "北京数联研究院", depth=1)
    co = {(e["source"], e["target"]): e["weight"] for e in net["edges"] if e["label"] == "co-mention"}
    assert co == {("北京数联研究院", "南方智造集团"): 1}
    nodes = {n["id"]: n for n in net["nodes"]}
    assert nodes["星河平台"]["type"] == "PLATFORM" and nodes["星河平台"]["weight"] == 3


def test_entity_details(store):
    d = browse.entity_details(store, "北京数联研究院")
    assert d["name"] == "北京数联研究院" and d["type"] == "ORG" and d["aliases"] == ["数联研究院"]
    rels = {(r["direction"], r["relation"], r["other"], r["role"]) for r in d["relations"]}
    assert rels == {("in", "works_for", "王明", "院长"), ("out", "operates", "星河平台", None)}
    assert [m["article"] for m in d["mentions"]] == ["a2", "a1"]  # by date
    for m in d["mentions"]:  # offsets are sacred: the span slices the sentence
        assert m["sentence"][m["span_start"]:m["span_end"]] == m["text"]


def test_entity_metrics_with_periods_and_sources(store):
    ms = browse.entity_details(store, "星河平台")["metrics"]
    assert [(m["period"], m["value"], m["unit"], m["qualifier"]) for m in ms] == [
        ("2022", 800, "家", None), ("2023", 1200, "家", None), ("2024", 2000, "家", "target")]
    for m in ms:
        assert m["sentence"][m["span_start"]:m["span_end"]] == m["text"]
        assert TEXTS[m["article"]][m["start"]:m["end"]] == m["text"]


def test_articles(store):
    arts = browse.list_articles(store)
    assert [(a["id"], a["date"], a["sentences"], a["chars"]) for a in arts] == [
        ("a2", "2023-03-02", 2, len(TEXTS["a2"])), ("a1", "2024-05-01", 2, len(TEXTS["a1"]))]
    a = browse.article_details(store, "a1")
    assert a["title"] == "数联研究院的一年" and a["text"] == TEXTS["a1"]
    with pytest.raises(browse.ArticleNotInGraph):
        browse.article_details(store, "zz")


# ---------------------------------------------------------------- newskg entity ...


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory, store):
    """The same facts in an on-disk store, for the CLI."""
    import gc

    from kg.store import open_store as _open

    path = tmp_path_factory.mktemp("browse-cli") / "store"
    disk = _open(path)
    disk.extend(store.quads_for_pattern(None, None, None))
    del disk
    gc.collect()
    return str(path)


def test_cli_entity_search(store_dir):
    import json

    from click.testing import CliRunner

    from newskg.cli import cli

    result = CliRunner().invoke(cli, ["entity", "search", "研究院", "--store", store_dir, "--json"])
    assert result.exit_code == 0, result.output
    assert [e["id"] for e in json.loads(result.output)] == ["北京数联研究院"]


def test_cli_entity_show_and_network(store_dir):
    import json

    from click.testing import CliRunner

    from newskg.cli import cli

    result = CliRunner().invoke(cli, ["entity", "show", "星河平台", "--store", store_dir])
    assert result.exit_code == 0, result.output
    d = json.loads(result.output)
    assert d["type"] == "PLATFORM" and len(d["metrics"]) == 3
    result = CliRunner().invoke(cli, ["entity", "network", "王明", "--depth", "2", "--store", store_dir])
    assert result.exit_code == 0, result.output
    assert "南方智造集团" in {n["id"] for n in json.loads(result.output)["nodes"]}


def test_cli_entity_unknown_is_a_clean_error(store_dir):
    from click.testing import CliRunner

    from newskg.cli import cli

    result = CliRunner().invoke(cli, ["entity", "show", "没有", "--store", store_dir])
    assert result.exit_code != 0
    assert "no entity '没有' in the graph" in result.output and "Traceback" not in result.output


def test_cli_ui_help_names_its_options():
    from click.testing import CliRunner

    from newskg.cli import cli

    result = CliRunner().invoke(cli, ["ui", "--help"])
    assert result.exit_code == 0
    for opt in ("--store", "--host", "--port", "--headless", "Example:"):
        assert opt in result.output
