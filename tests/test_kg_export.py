"""`newskg export`: GEXF (valid against the official XSD, for Gephi), GraphML, CSV and RDF."""
from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from lxml import etree

from corpus.errors import GraphError
from corpus.model import Article, Sentence
from extract.model import ArticleFacts, Entity, Mention, Metric, Relation
from kg.export import export
from kg.export_gexf import GEXF_NS, spells
from kg.rdf import article_graph
from kg.store import open_store, write_graphs
from newskg.cli import cli

SCHEMAS = Path(__file__).parent / "schemas"
G = f"{{{GEXF_NS}}}"

# fmt: off
# Three short articles written for these tests: (id, date, text, entities (name, type),
# relations (head, relation, tail, role), metrics (subject, indicator, surface, value, unit))
ARTICLES = [
    ("t1", "2023-03-01", "工业和信息化部部长张明表示，工业和信息化部将推进5G建设。",
     [("工业和信息化部", "ORG"), ("张明", "PERSON")],
     [("张明", "works_for", "工业和信息化部", "部长")],
     []),
    ("t2", "2023-03-02", "张明在北京调研中国信息通信研究院，该院研究员李华介绍，产值达120亿元。",
     [("张明", "PERSON"), ("北京", "PLACE"), ("中国信息通信研究院", "ORG"), ("李华", "PERSON")],
     [("张明", "works_for", "工业和信息化部", "部长"), ("李华", "works_for", "中国信息通信研究院", "研究员"),
      ("中国信息通信研究院", "located_in", "北京", None)],
     [("中国信息通信研究院", "产值", "120亿元", "120", "亿元")]),
    ("t3", "2023-03-10", "中国信息通信研究院发布报告，北京数字经济规模增长8.5%。",
     [("中国信息通信研究院", "ORG"), ("北京", "PLACE")],
     [],
     [("北京", "数字经济规模增长", "8.5%", "8.5", "%")]),
]
# (node id, type, mentions, metrics, spells)
NODES = [
    ("工业和信息化部", "ORG", 1, 0, [("2023-03-01", "2023-03-01")]),  # one Mention per entity and article here
    ("张明", "PERSON", 2, 0, [("2023-03-01", "2023-03-02")]),
    ("北京", "PLACE", 2, 1, [("2023-03-02", "2023-03-02"), ("2023-03-10", "2023-03-10")]),
    ("中国信息通信研究院", "ORG", 2, 1, [("2023-03-02", "2023-03-02"), ("2023-03-10", "2023-03-10")]),
    ("李华", "PERSON", 1, 0, [("2023-03-02", "2023-03-02")]),
]
# (source, target, relation, weight, directed)
EDGES = [
    ("张明", "工业和信息化部", "works_for", 2, True),
    ("李华", "中国信息通信研究院", "works_for", 1, True),
    ("中国信息通信研究院", "北京", "located_in", 1, True),
]
# --types / --min-weight -> nodes kept, edges kept
FILTERS = [
    ({"types": ["ORG", "PERSON"]}, {"工业和信息化部", "张明", "中国信息通信研究院", "李华"},
     {("张明", "工业和信息化部"), ("李华", "中国信息通信研究院")}),
    ({"types": ["PLACE"]}, {"北京"}, set()),
    ({"min_weight": 2}, {n[0] for n in NODES}, {("张明", "工业和信息化部")}),
]
# dates of the articles of a node -> its spells (a year or a month covers all its days)
SPELLS = [
    (["2023-01-02", "2023-01-01", "2023-01-05"], [("2023-01-01", "2023-01-02"), ("2023-01-05", "2023-01-05")]),
    (["2023"], [("2023-01-01", "2023-12-31")]),
    (["2024-02"], [("2024-02-01", "2024-02-29")]),
    (["2023-12-31", "2024-01-01"], [("2023-12-31", "2024-01-01")]),
    (["2023-05", "2023-05-17"], [("2023-05-01", "2023-05-31")]),
    (["今年", "", "2023-13-01"], []),
]
# fmt: on


def _facts(aid: str, date: str, text: str, ents, rels, mets) -> tuple[Article, ArticleFacts]:
    art = Article(id=aid, text=text, date=date, title=text[:8], sentences=[Sentence(0, 0, len(text), text)], checksum=aid)
    entities = []
    for name, typ in ents:
        start = text.index(name)
        entities.append(Entity(id=name, name=name, type=typ, mentions=[Mention(aid, 0, start, start + len(name), name)]))
    relations = [Relation(h, h, r, t, t, role, aid, 0) for h, r, t, role in rels]
    metrics = []
    for subj, ind, surface, value, unit in mets:
        start = text.index(surface)
        metrics.append(Metric(subj, subj, ind, Decimal(value), unit, None, None, None, "level", None, aid, 0,
                              start, start + len(surface), surface))
    return art, ArticleFacts(aid, aid, entities, metrics, relations)


def fill(store) -> None:
    write_graphs(store, [article_graph(*_facts(*a)) for a in ARTICLES])


@pytest.fixture(scope="module")
def store():
    s = open_store(None)
    fill(s)
    return s


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "store"
    s = open_store(path)
    fill(s)
    s.flush()
    del s
    return path


@pytest.fixture(scope="module")
def gexf(store) -> etree._ElementTree:
    data = export(store, None, format="gexf").data
    return etree.parse(io.BytesIO(data))


def xsd(version: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / version / "gexf.xsd")))


def attvalues(el) -> dict[str, str]:
    return {a.get("for"): a.get("value") for a in el.iter(G + "attvalue")}


def test_gexf_is_valid_against_the_official_xsd(gexf):
    schema = xsd("1.3")
    assert schema.validate(gexf), schema.error_log


def test_gephi_sample_shows_why_viz_prefixed_colours_are_not_used(shared):
    """The shared Gephi sample (viz:color) fails the same XSD our files pass."""
    sample = shared / "schemas" / "gexf" / "gephi_sample_viz.gexf"
    assert not xsd("1.3").validate(etree.parse(str(sample)))


def test_gexf_declaration_encoding_and_chinese_labels(store):
    data = export(store, None, format="gexf").data
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "label=\"中国信息通信研究院\"".encode("utf-8") in data  # literal UTF-8, not &#...; escapes
    root = etree.fromstring(data)
    assert root.get("version") == "1.3"
    assert root.find(G + "graph").get("name") is None  # networkx writes name="" which the XSD rejects


def test_gexf_attributes_are_declared_with_types(gexf):
    decl = {(a.getparent().get("class"), a.get("title")): a.get("type") for a in gexf.iter(G + "attribute")}
    assert decl[("node", "type")] == "string"
    assert decl[("node", "mentions")] == "integer"
    assert decl[("node", "metrics")] == "integer"
    assert decl[("edge", "relation")] == "string"


@pytest.mark.parametrize("node,typ,mentions,metrics,spells", NODES)
def test_gexf_nodes(gexf, node, typ, mentions, metrics, spells):
    el = {n.get("id"): n for n in gexf.iter(G + "node")}[node]
    assert el.get("label") == node
    values = attvalues(el)
    assert (values["type"], int(values["mentions"]), int(values["metrics"])) == (typ, mentions, metrics)
    assert [(s.get("start"), s.get("end")) for s in el.iter(G + "spell")] == spells


def test_gexf_nodes_are_exactly_the_entities(gexf):
    assert {n.get("id") for n in gexf.iter(G + "node")} == {n[0] for n in NODES}


def test_gexf_colour_by_type_and_size_by_mentions(gexf):
    colour, size = {}, {}
    for n in gexf.iter(G + "node"):
        c = n.find(G + "color")
        colour.setdefault(attvalues(n)["type"], set()).add((c.get("r"), c.get("g"), c.get("b")))
        size[n.get("id")] = float(n.find(G + "size").get("value"))
    assert all(len(v) == 1 for v in colour.values())  # one colour per type
    assert len({next(iter(v)) for v in colour.values()}) == len(colour)  # types differ
    assert size["张明"] > size["李华"]  # 2 mentions vs 1


@pytest.mark.parametrize("source,target,relation,weight,directed", EDGES)
def test_gexf_edges_merged_and_weighted(gexf, source, target, relation, weight, directed):
    found = [e for e in gexf.iter(G + "edge")
             if (e.get("source"), e.get("target"), e.get("kind")) == (source, target, relation)]
    assert len(found) == 1  # parallel edges merged
    e = found[0]
    assert float(e.get("weight")) == weight
    assert e.get("label") == relation and attvalues(e)["relation"] == relation
    assert e.get("type") == ("directed" if directed else "undirected")


def test_gexf_co_mentions_are_undirected(gexf):
    co = [e for e in gexf.iter(G + "edge") if e.get("kind") == "co_mention"]
    assert co and all(e.get("type") == "undirected" for e in co)
    pairs = {frozenset((e.get("source"), e.get("target"))): float(e.get("weight")) for e in co}
    assert pairs[frozenset(("北京", "中国信息通信研究院"))] == 2  # same sentence in t2 and t3


def test_gexf_is_dynamic_with_the_article_dates(gexf):
    g = gexf.getroot().find(G + "graph")
    assert (g.get("mode"), g.get("timeformat"), g.get("start"), g.get("end")) == ("dynamic", "date", "2023-03-01", "2023-03-10")


@pytest.mark.parametrize("options,nodes,edges", FILTERS)
def test_filters(store, options, nodes, edges):
    root = etree.fromstring(export(store, None, format="gexf", **options).data)
    assert {n.get("id") for n in root.iter(G + "node")} == nodes
    got = {(e.get("source"), e.get("target")) for e in root.iter(G + "edge") if e.get("kind") != "co_mention"}
    assert got == edges
    assert xsd("1.3").validate(etree.ElementTree(root))


def test_graphml_typed_attributes(store, tmp_path):
    path = tmp_path / "g.graphml"
    export(store, path, format="graphml")
    g = nx.read_graphml(path)
    assert set(g.nodes) == {n[0] for n in NODES}
    assert isinstance(g.nodes["北京"]["mentions"], int) and g.nodes["北京"]["metrics"] == 1
    assert g.nodes["北京"]["label"] == "北京" and g.nodes["北京"]["type"] == "PLACE"
    edge = [d for u, v, d in g.edges(data=True) if (u, v, d["relation"]) == ("张明", "工业和信息化部", "works_for")]
    assert len(edge) == 1 and edge[0]["weight"] == 2.0 and edge[0]["directed"] is True
    keys = {k.get("attr.name"): k.get("attr.type") for k in etree.parse(str(path)).iter("{*}key")}
    assert keys["mentions"] in ("int", "long") and keys["weight"] == "double" and keys["label"] == "string"


@pytest.mark.parametrize("target,names", [
    ("outdir/", ("nodes.csv", "edges.csv")),
    ("outdir/kg-", ("kg-nodes.csv", "kg-edges.csv")),
])
def test_csv_in_gephi_spreadsheet_format(store, tmp_path, target, names):
    paths = export(store, f"{tmp_path}/{target}", format="csv").paths
    assert [p.name for p in paths] == list(names)
    with open(paths[0], encoding="utf-8", newline="") as f:
        nodes = list(csv.DictReader(f))
    with open(paths[1], encoding="utf-8", newline="") as f:
        edges = list(csv.DictReader(f))
    assert list(nodes[0])[:3] == ["Id", "Label", "Type"]
    assert list(edges[0])[:6] == ["Source", "Target", "Type", "Id", "Label", "Weight"]
    assert {r["Id"] for r in nodes} == {n[0] for n in NODES}
    works = [r for r in edges if (r["Source"], r["Target"], r["Label"]) == ("张明", "工业和信息化部", "works_for")]
    assert works[0]["Type"] == "Directed" and works[0]["Weight"] == "2"
    assert {r["Type"] for r in edges if r["Relation"] == "co_mention"} == {"Undirected"}
    assert not paths[0].read_bytes().startswith(b"\xef\xbb\xbf")  # no BOM: Gephi would read "\ufeffId"


def union(store) -> set[ox.Triple]:
    return {q.triple for q in store}


@pytest.mark.parametrize("fmt,rdf_format", [("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES)])
def test_triples_round_trip(store, tmp_path, fmt, rdf_format):
    path = tmp_path / f"g.{fmt}"
    export(store, path, format=fmt)
    back = list(ox.parse(path=str(path), format=rdf_format))
    assert {q.triple for q in back} == union(store)
    assert len(back) == len(union(store))  # each triple once


def test_turtle_round_trip_is_isomorphic_in_rdflib(store, tmp_path):
    from rdflib import Graph
    from rdflib.compare import isomorphic

    path = tmp_path / "g.ttl"
    export(store, path, format="ttl")
    mine = Graph().parse(path, format="turtle")
    ref = Graph().parse(data=export(store, None, format="nt").data.decode("utf-8"), format="nt")
    assert len(mine) == len(union(store)) and isomorphic(mine, ref)
    assert "ent:张明" in path.read_text(encoding="utf-8")  # prefixes used, Chinese kept


@pytest.mark.parametrize("fmt,rdf_format", [("nq", ox.RdfFormat.N_QUADS), ("trig", ox.RdfFormat.TRIG)])
def test_quads_round_trip(store, tmp_path, fmt, rdf_format):
    path = tmp_path / f"g.{fmt}"
    export(store, path, format=fmt)
    assert set(ox.parse(path=str(path), format=rdf_format)) == set(store)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib 7.x calls its own deprecated APIs
def test_jsonld_keeps_named_graphs(store, tmp_path):
    from rdflib import Dataset

    path = tmp_path / "g.jsonld"
    export(store, path, format="jsonld")
    ds = Dataset()
    ds.parse(path, format="json-ld")
    got = {(str(s), str(p), str(o), str(g)) for s, p, o, g in ds.quads() if g is not None and str(g).startswith("https://newskg.org/graph/")}
    want = {(q.subject.value, q.predicate.value, q.object.value, q.graph_name.value) for q in store}
    assert got == want


@pytest.mark.parametrize("kwargs,message", [
    ({"format": "xlsx"}, "unknown export format"),
    ({"format": "ttl", "types": ["ORG"]}, "not ttl"),
    ({"format": "nq", "min_weight": 3}, "not nq"),
    ({"format": "csv"}, "directory or a file-name prefix"),
])
def test_bad_requests(store, kwargs, message):
    with pytest.raises(GraphError, match=message):
        export(store, None, **kwargs)


def test_unwritable_output_is_a_clear_error(store, tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(GraphError, match="cannot write"):
        export(store, tmp_path / "file" / "g.gexf", format="gexf")


def test_cli_export(store_dir, tmp_path):
    out = tmp_path / "g.gexf"
    result = CliRunner().invoke(cli, ["export", "--store", str(store_dir), "--format", "gexf", "-o", str(out),
                                      "--types", "ORG,PERSON", "--min-weight", "1"])
    assert result.exit_code == 0, result.output
    doc = etree.parse(str(out))
    assert xsd("1.3").validate(doc)
    assert {n.get("id") for n in doc.iter(G + "node")} == {"工业和信息化部", "张明", "中国信息通信研究院", "李华"}
    assert "4 nodes" in result.output


def test_cli_export_rdf_to_stdout(store_dir):
    result = CliRunner().invoke(cli, ["export", "--store", str(store_dir), "--format", "nt", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert "<https://newskg.org/id/entity/张明>" in result.output


@pytest.mark.parametrize("dates,expected", SPELLS)
def test_spells_from_article_dates(dates, expected):
    assert spells(dates) == expected


def test_bundled_sample_exports(tmp_path):
    """The real pipeline on the bundled sample: the GEXF validates, Turtle round-trips."""
    pytest.importorskip("jieba")
    from kg.build import build

    store = open_store(None)
    summary = build(None, store, workers=1)
    assert summary.entities > 0
    doc = etree.parse(io.BytesIO(export(store, None, format="gexf").data))
    assert xsd("1.3").validate(doc), xsd("1.3").error_log
    nodes = list(doc.iter(G + "node"))
    assert len(nodes) == summary.entities
    assert any(e.get("kind") == "works_for" for e in doc.iter(G + "edge"))
    assert doc.getroot().find(G + "graph").get("mode") == "dynamic"  # the sample is dated
    back = ox.parse(export(store, None, format="ttl").data, ox.RdfFormat.TURTLE)
    assert {q.triple for q in back} == union(store)
