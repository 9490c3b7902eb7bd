"""Tidy tables (`newskg export --format figures|entities|relations`): the figures table read back
with the csv module and pandas gives the graph's figures (count, values, periods), on the
bundled sample and on a CCTV slice; filters, conflicts, BOM, JSON Lines and Parquet."""
from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from corpus import read_corpus
from corpus.errors import GraphError
from corpus.model import Article, Sentence
from extract.model import ArticleFacts, Entity, Mention, Metric
from extract.periods import period_bounds
from kg.export import export, export_table
from kg.rdf import article_graph
from kg.store import open_store, write_graphs
from kg.summary import SUMMARY_GRAPH, ensure_summary
from kg.tidy_tables import COLUMNS, table_frame, table_rows
from kg.vocab import PREFIXES
from newskg.cli import cli
from tests.kg_support import bundled_store_dir


# Every figure of the graph, read independently of kg/queries/table_figures.rq.
GRAPH_FIGURES = """SELECT ?obs ?id ?text ?value ?unit ?period ?indicator WHERE { GRAPH ?g {
  ?obs a nkg:Observation ; nkg:value ?value ; nkg:unit ?unit ; nkg:text ?text ;
       prov:wasDerivedFrom/schema:isPartOf/schema:identifier ?id .
  OPTIONAL { ?obs nkg:period ?period } OPTIONAL { ?obs nkg:indicator ?indicator } } }"""

# fmt: off
# Hand-written articles: (id, date, text, subject, indicator, surface, value, unit, period).
# c1 and c2 disagree on 北京's 2022 产值 (120 vs 150 亿元); c3 repeats c1's; c4 is another year.
ARTICLES = [
    ("c1", "2023-01-05", "北京2022年产值达120亿元。", "北京", "产值", "120亿元", "120", "亿元", "2022"),
    ("c2", "2023-02-10", "北京2022年产值为150亿元。", "北京", "产值", "150亿元", "150", "亿元", "2022"),
    ("c3", "2023-03-15", "北京2022年产值达120亿元。", "北京", "产值", "120亿元", "120", "亿元", "2022"),
    ("c4", "2024-01-20", "北京2023年上半年产值达80亿元。", "北京", "产值", "80亿元", "80", "亿元", "2023H1"),
]
# article id -> (conflict, other values)
CONFLICTS = {"c1": (True, "150亿元"), "c2": (True, "120亿元"), "c3": (True, "150亿元"), "c4": (False, "")}
# filters -> article ids of the figures kept
FILTERS = [
    ({"since": "2023-02"}, {"c2", "c3", "c4"}),
    ({"until": "2023-02-10"}, {"c1", "c2"}),
    ({"since": "2023", "until": "2023"}, {"c1", "c2", "c3"}),
    ({"types": ["PLACE"]}, {"c1", "c2", "c3", "c4"}),
    ({"types": ["ORG"]}, set()),
    ({"subject": "北京"}, {"c1", "c2", "c3", "c4"}),
    ({"subject": "上海"}, set()),
    ({"indicator": "产值"}, {"c1", "c2", "c3", "c4"}),
    ({"indicator": "营收"}, set()),
]
# period notation -> (period_start, period_end)
PERIODS = [
    ("2022", ("2022-01-01", "2022-12-31")),
    ("2023Q3", ("2023-07-01", "2023-09-30")),
    ("2023Q1-Q3", ("2023-01-01", "2023-09-30")),
    ("2023H2", ("2023-07-01", "2023-12-31")),
    ("2023-01/2023-05", ("2023-01-01", "2023-05-31")),
    ("2023-06-15", ("2023-06-15", "2023-06-15")),
    ("as_of:2023-12", ("2023-12-31", "2023-12-31")),
    ("as_of:2023", ("2023-12-31", "2023-12-31")),
    ("since:2015", ("2015-01-01", "")),
    ("2023-13", ("", "")),
    ("今年6月", ("", "")),
    ("", ("", "")),
]
# fmt: on


@pytest.mark.parametrize("period, bounds", PERIODS)
def test_period_bounds(period, bounds):
    assert period_bounds(period) == bounds


def _facts(aid, date, text, subject, indicator, surface, value, unit, period):
    art = Article(id=aid, text=text, date=date, title=f"标题{aid}", sentences=[Sentence(0, 0, len(text), text)],
                  checksum=aid)
    s = text.index(subject)
    ent = Entity(id=subject, name=subject, type="PLACE", mentions=[Mention(aid, 0, s, s + len(subject), subject)])
    start = text.index(surface)
    met = Metric(subject, subject, indicator, Decimal(value), unit, Decimal(value) * 10**8, "CNY", None, "level",
                 period, aid, 0, start, start + len(surface), surface)
    return art, ArticleFacts(aid, aid, [ent], [met], [])


@pytest.fixture()
def small_store():
    store = open_store(None)
    write_graphs(store, [article_graph(*_facts(*a)) for a in ARTICLES])
    ensure_summary(store)
    return store


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory) -> str:
    return bundled_store_dir(tmp_path_factory.mktemp("tables") / "store")


def graph_figures(store) -> Counter:
    """(article, text, value, unit, period) of every figure in the store, as a multiset."""
    rows = store.query(GRAPH_FIGURES, prefixes=PREFIXES, use_default_graph_as_union=True)
    return Counter((r["id"].value, r["text"].value, Decimal(r["value"].value), r["unit"].value,
                    r["period"].value if r["period"] else "") for r in rows)


def csv_figures(rows: list[dict]) -> Counter:
    return Counter((r["article_id"], r["text"], Decimal(r["value"]), r["unit"], r["period"]) for r in rows)


def export_cli(store_dir: str, out: Path, *args: str) -> Path:
    res = CliRunner().invoke(cli, ["export", "--store", store_dir, "-o", str(out), *args])
    assert res.exit_code == 0, res.output
    return out


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def check_round_trip(store_dir: str, tmp_path: Path) -> list[dict]:
    """The CSV export read back with the csv module (and pandas, when installed) holds the
    graph's figures: same count, values, units and periods; offsets slice the sentence."""
    out = export_cli(store_dir, tmp_path / "figures.csv", "--format", "figures")
    rows = read_csv(out)
    store = open_store(store_dir, read_only=True)
    expected = graph_figures(store)
    assert rows and len(rows) == sum(expected.values())
    assert csv_figures(rows) == expected
    assert list(rows[0]) == list(COLUMNS["figures"])
    for r in rows:
        s = int(r["start"]) - int(r["sentence_start"])
        assert r["sentence"][s:s + len(r["text"])] == r["text"]
        assert (r["period_start"], r["period_end"]) == period_bounds(r["period"])
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(out, keep_default_na=False, dtype={"period": str, "subject_id": str})
    assert len(frame) == len(rows)
    assert Counter(zip(frame["article_id"], frame["text"], frame["value"].astype(float), frame["unit"],
                       frame["period"])) == Counter((a, t, float(v), u, p) for a, t, v, u, p in expected.elements())
    return rows


def test_figures_csv_round_trips_on_the_bundled_sample(sample_dir, tmp_path):
    rows = check_round_trip(sample_dir, tmp_path)
    texts = {a.id: a.text for a in read_corpus()}
    for r in rows:  # the offsets slice the source article, not only the sentence
        assert texts[r["article_id"]][int(r["start"]):int(r["end"])] == r["text"]


def test_figures_round_trip_on_a_cctv_slice(tmp_path, shared):
    from kg.build import build

    path = shared / "data" / "news" / "xwlb" / "2019.jsonl.gz"
    corpus = tmp_path / "slice.jsonl"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        corpus.write_text("".join(itertools.islice(f, 60)), encoding="utf-8")
    store_dir = tmp_path / "store"
    store = open_store(store_dir)
    build([corpus], store, workers=1, progress=False)
    store.flush()
    del store
    rows = check_round_trip(str(store_dir), tmp_path)
    dates = sorted({r["date"] for r in rows})
    assert len(dates) > 1
    mid = dates[len(dates) // 2]
    late = read_csv(export_cli(str(store_dir), tmp_path / "late.csv", "--format", "figures", "--since", mid))
    assert late and len(late) < len(rows) and all(r["date"] >= mid for r in late)
    assert Counter(r["observation"] for r in late) == Counter(r["observation"] for r in rows if r["date"] >= mid)


def test_conflicts_name_the_values_other_articles_give(small_store):
    rows = table_rows(small_store, "figures")
    assert {r["article_id"]: (r["conflict"], r["other_values"]) for r in rows} == CONFLICTS


def test_conflicts_without_a_summary_graph_are_the_same(small_store):
    small_store.remove_graph(SUMMARY_GRAPH)
    rows = table_rows(small_store, "figures")
    assert {r["article_id"]: (r["conflict"], r["other_values"]) for r in rows} == CONFLICTS


@pytest.mark.parametrize("filters, kept", FILTERS)
def test_figure_filters(small_store, filters, kept):
    assert {r["article_id"] for r in table_rows(small_store, "figures", **filters)} == kept


def test_filtered_rows_keep_their_conflicts(small_store):
    """A date range picks rows; the conflict column still looks at every article."""
    rows = table_rows(small_store, "figures", since="2023-02", until="2023-02")
    assert [(r["article_id"], r["conflict"], r["other_values"]) for r in rows] == [("c2", True, "120亿元")]


def test_rows_carry_article_and_period(small_store):
    (row,) = table_rows(small_store, "figures", since="2024")
    assert (row["date"], row["title"], row["period"], row["period_start"], row["period_end"]) == (
        "2024-01-20", "标题c4", "2023H1", "2023-01-01", "2023-06-30")
    assert (row["subject"], row["subject_id"], row["subject_type"], row["value"], row["base_value"]) == (
        "北京", "北京", "PLACE", "80", "8000000000")


@pytest.mark.parametrize("bad", [{"types": ["ANIMAL"]}, {"since": "2023/01/01"}, {"until": "01-2023"}])
def test_bad_filters_are_errors(small_store, bad):
    with pytest.raises(GraphError):
        table_rows(small_store, "figures", **bad)


def test_entities_table_counts_in_the_date_range(small_store):
    (all_time,) = table_rows(small_store, "entities")
    assert (all_time["id"], all_time["type"], all_time["mentions"], all_time["articles"], all_time["figures"],
            all_time["first_date"], all_time["last_date"]) == ("北京", "PLACE", 4, 4, 4, "2023-01-05", "2024-01-20")
    (in_2023,) = table_rows(small_store, "entities", until="2023")
    assert (in_2023["mentions"], in_2023["articles"], in_2023["last_date"]) == (3, 3, "2023-03-15")
    assert table_rows(small_store, "entities", types=["ORG"]) == []


def test_entities_and_relations_on_the_sample(sample_dir):
    store = open_store(sample_dir, read_only=True)
    q = "SELECT (COUNT(DISTINCT ?st) AS ?n) WHERE { ?st a nkg:RelationStatement }"
    statements = int(next(iter(store.query(q, prefixes=PREFIXES, use_default_graph_as_union=True)))["n"].value)
    relations = table_rows(store, "relations")
    assert len(relations) == statements
    texts = {a.id: a.text for a in read_corpus()}
    for r in relations:
        if r["start"] is not None:
            assert texts[r["article_id"]][r["start"]:r["end"]] in r["sentence"]
    people = table_rows(store, "relations", types=["PERSON"])
    assert people and all("PERSON" in (r["head_type"], r["tail_type"]) for r in people)
    q = "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?m nkg:mentionOf ?e }"
    mentioned = int(next(iter(store.query(q, prefixes=PREFIXES, use_default_graph_as_union=True)))["n"].value)
    entities = table_rows(store, "entities")
    q = "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e nkg:entityId ?id }"
    every = int(next(iter(store.query(q, prefixes=PREFIXES, use_default_graph_as_union=True)))["n"].value)
    assert len(entities) == every >= mentioned  # also entities only in relations (a byline's paper)
    assert sum(r["mentions"] for r in entities) == sum(
        1 for _ in store.quads_for_pattern(None, ox.NamedNode(PREFIXES["nkg"] + "mentionOf"), None, None))


def test_csv_has_a_bom_unless_asked_not_to(sample_dir, tmp_path):
    with_bom = export_cli(sample_dir, tmp_path / "a.csv", "--format", "entities").read_bytes()
    without = export_cli(sample_dir, tmp_path / "b.csv", "--format", "entities", "--no-bom").read_bytes()
    assert with_bom.startswith(b"\xef\xbb\xbf") and not without.startswith(b"\xef\xbb\xbf")
    assert with_bom[3:] == without
    assert without.decode("utf-8").startswith("id,name,type,")


def test_stdout_is_csv_without_bom(sample_dir):
    res = CliRunner().invoke(cli, ["export", "--store", sample_dir, "--format", "relations", "-o", "-"])
    assert res.exit_code == 0, res.output
    assert res.stdout_bytes.decode("utf-8").startswith("relation,head,")


def test_jsonl_and_parquet_hold_the_csv_rows(sample_dir, tmp_path):
    rows = read_csv(export_cli(sample_dir, tmp_path / "f.csv", "--format", "figures"))
    lines = export_cli(sample_dir, tmp_path / "f.jsonl", "--format", "figures").read_text(encoding="utf-8").splitlines()
    objs = [json.loads(x) for x in lines]
    assert [(o["observation"], o["value"], o["period"], o["conflict"]) for o in objs] == [
        (r["observation"], float(r["value"]), r["period"], r["conflict"] == "true") for r in rows]
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    frame = pd.read_parquet(export_cli(sample_dir, tmp_path / "f.parquet", "--format", "figures"))
    assert list(frame.columns) == list(COLUMNS["figures"])
    assert [(o, v, p) for o, v, p in zip(frame["observation"], frame["value"], frame["period"])] == [
        (r["observation"], float(r["value"]), r["period"]) for r in rows]
    assert str(frame["start"].dtype) == "int64" and str(frame["conflict"].dtype) == "bool"


def test_table_frame_has_typed_columns(sample_dir):
    pytest.importorskip("pandas")
    frame = table_frame(open_store(sample_dir, read_only=True), "figures")
    assert str(frame["value"].dtype) == "float64" and str(frame["start"].dtype) == "Int64"
    assert len(frame) == len(table_rows(open_store(sample_dir, read_only=True), "figures"))


def test_parquet_without_pyarrow_is_a_clear_error(small_store, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as if it were not installed
    with pytest.raises(GraphError, match="pip install pyarrow"):
        export_table(small_store, tmp_path / "f.parquet", "figures")
    assert not (tmp_path / "f.parquet").exists()


@pytest.mark.parametrize("args, message", [
    (["--format", "figures", "-o", "f.xlsx"], "name it .csv, .jsonl or .parquet"),
    (["--format", "entities", "-o", "e.csv", "--indicator", "产值"], "no indicator"),
    (["--format", "gexf", "-o", "g.gexf", "--since", "2023"], "only for the tables"),
    (["--format", "figures", "-o", "f.csv", "--min-weight", "2"], "not a table"),
    (["--format", "figures", "-o", "f.csv", "--since", "May 2023"], "YYYY-MM-DD"),
])
def test_cli_refuses_what_a_table_cannot_do(sample_dir, tmp_path, args, message):
    res = CliRunner().invoke(cli, ["export", "--store", sample_dir, *args])
    assert res.exit_code != 0 and message in res.output


def test_export_keeps_the_graph_formats_and_adds_the_tables(small_store):
    data = export(small_store, None, format="figures").data
    assert io.StringIO(data.decode("utf-8-sig")).readline().startswith("subject,subject_id,")
    with pytest.raises(GraphError):
        export(small_store, None, format="figures", min_weight=2)


@pytest.mark.parametrize("table", list(COLUMNS))
def test_every_column_is_documented(table):
    doc = (Path(__file__).resolve().parent.parent / "docs" / "export.md").read_text(encoding="utf-8")
    section = doc.split(f"### {table}: ", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    missing = [c for c in COLUMNS[table] if f"`{c}`" not in section]
    assert not missing, f"docs/export.md, {table}: {missing}"


def test_frame_without_pandas_is_a_clear_error(small_store, monkeypatch):
    rows = table_rows(small_store, "figures")  # rows need no pandas
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if it were not installed
    assert len(rows) == len(ARTICLES)
    with pytest.raises(GraphError, match="pip install pandas"):
        table_frame(small_store, "figures")
