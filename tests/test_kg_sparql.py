"""SPARQL: run_query (read-only, prefixes, limits), W3C result formats, `newskg sparql/stats/
build/remove` through CliRunner."""
from __future__ import annotations

import csv
import io
import json
import os

import pytest
from click.testing import CliRunner
from pyoxigraph import Literal, NamedNode, QueryResultsFormat, RdfFormat, parse, parse_query_results

from corpus import read_corpus
from corpus.errors import QueryError
from kg.sparql import format_results, is_update, run_query
from kg.store import open_store
from kg_support import bundled_store_dir, make_store
from newskg.cli import cli

# fmt: off
# (query, fragment of the error message)
BAD_QUERIES = [
    ("SELEC ?x WHERE { ?x ?p ?o }", "invalid SPARQL"),
    ("SELECT ?x WHERE { ?x ?p ?o ", "invalid SPARQL"),
    ("SELECT ?x WHERE { ?x foo:bar ?o }", "invalid SPARQL"),
    ("INSERT DATA { <http://a> <http://b> <http://c> }", "not allowed"),
    ("DELETE WHERE { ?s ?p ?o }", "not allowed"),
    ("PREFIX x: <http://x/>\nDROP ALL", "not allowed"),
    ("# a comment\nCLEAR DEFAULT", "not allowed"),
    ("LOAD <http://example.org/data.ttl>", "not allowed"),
    ("", "invalid SPARQL"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { service silent ?x { ?s ?p ?o } }", "SERVICE"),
]
# (query kind, --format, how to check the output)
SELECT_NAMES = "SELECT ?e ?name WHERE { ?e a schema:Organization ; schema:name ?name } ORDER BY ?e"
# fmt: on


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    return bundled_store_dir(tmp_path_factory.mktemp("kg") / "store")


@pytest.mark.parametrize("query,message", BAD_QUERIES)
def test_bad_queries_raise_query_error(query, message):
    with make_store(empty=True) as store:
        with pytest.raises(QueryError, match=message):
            run_query(store, query)
        assert len(store) == 0


@pytest.mark.parametrize("query,message", BAD_QUERIES)
def test_bad_queries_are_clean_cli_errors(store_dir, query, message):
    r = CliRunner().invoke(cli, ["sparql", query, "--store", store_dir])
    assert r.exit_code == 1
    assert "Traceback" not in r.output and "E301" in r.output and message in r.output


def test_update_refused_leaves_store_untouched(store_dir):
    before = open_store(store_dir, read_only=True).dump(format=RdfFormat.N_QUADS)
    r = CliRunner().invoke(cli, ["sparql", "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }", "--store", store_dir])
    assert r.exit_code == 1
    assert open_store(store_dir, read_only=True).dump(format=RdfFormat.N_QUADS) == before


@pytest.mark.parametrize("text,expected", [
    ("INSERT { ?s ?p ?o } WHERE { ?s ?p ?o }", True),
    ("with <http://g> delete { ?s ?p ?o } where { ?s ?p ?o }", True),
    ("SELECT * WHERE { ?s <http://x/INSERT> ?o }", False),
    ("ASK { ?s ?p ?o }", False),
])
def test_is_update(text, expected):
    assert is_update(text) is expected


def _names():
    with make_store() as store:
        return run_query(store, SELECT_NAMES)


def test_json_results_round_trip_through_a_standard_parser():
    r = _names()
    assert len(r) > 3
    out = format_results(r, "json")
    parsed = list(parse_query_results(out.encode(), format=QueryResultsFormat.JSON))
    assert [(s["e"], s["name"]) for s in parsed] == [tuple(row) for row in r.rows]
    assert "工业和信息化部" in out  # readable, not \\u escapes


@pytest.mark.parametrize("fmt,qformat", [("xml", QueryResultsFormat.XML), ("tsv", QueryResultsFormat.TSV)])
def test_xml_and_tsv_round_trip(fmt, qformat):
    r = _names()
    parsed = list(parse_query_results(format_results(r, fmt).encode(), format=qformat))
    assert [(s["e"], s["name"]) for s in parsed] == [tuple(row) for row in r.rows]


def test_csv_results_are_plain_values():
    r = _names()
    rows = list(csv.reader(io.StringIO(format_results(r, "csv"))))
    assert rows[0] == ["e", "name"]
    assert rows[1:] == [[row[0].value, row[1].value] for row in r.rows]


@pytest.mark.parametrize("fmt,expected", [("json", '"boolean": true'), ("csv", "true"), ("tsv", "true"),
                                          ("xml", "<boolean>true</boolean>"), ("table", "yes")])
def test_ask_in_every_format(fmt, expected):
    with make_store() as store:
        r = run_query(store, "ASK { ?o a nkg:Observation }")
    assert expected in format_results(r, fmt)


@pytest.mark.parametrize("fmt,rdf", [("ttl", RdfFormat.TURTLE), ("nt", RdfFormat.N_TRIPLES)])
def test_construct_as_rdf(fmt, rdf):
    with make_store() as store:
        r = run_query(store, "CONSTRUCT { ?e schema:name ?n } WHERE { ?e a schema:Person ; schema:name ?n }")
    triples = {q.triple for q in parse(format_results(r, fmt).encode(), format=rdf)}
    assert triples == set(r.triples) and triples


def test_graph_results_refuse_table_formats():
    with make_store() as store:
        r = run_query(store, "DESCRIBE ent:中国")
    with pytest.raises(QueryError, match="ttl or nt"):
        format_results(r, "csv")


def test_limit_truncates():
    with make_store() as store:
        r = run_query(store, "SELECT ?s WHERE { ?s ?p ?o }", limit=5)
    assert len(r) == 5 and r.truncated


def test_timeout_while_reading_results():
    with make_store() as store:
        with pytest.raises(QueryError, match="time limit"):
            run_query(store, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", timeout=0.05)


def test_substitutions_bind_values():
    with make_store() as store:
        r = run_query(store, "SELECT ?name ?e WHERE { ?e schema:name ?name }",
                      substitutions={"name": Literal("商务部", language="zh")})
    assert {row[1] for row in r.rows} == {NamedNode("https://newskg.org/id/entity/商务部")}


def test_default_graph_is_the_union_of_article_graphs():
    with make_store() as store:
        r = run_query(store, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a schema:NewsArticle }")
    assert int(r.rows[0][0].value) == len(list(read_corpus()))


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "tsv", "xml"])
def test_cli_select_formats(store_dir, fmt):
    r = CliRunner().invoke(cli, ["sparql", SELECT_NAMES, "--format", fmt, "--store", store_dir])
    assert r.exit_code == 0, r.output
    assert "工业和信息化部" in r.output


def test_cli_json_is_w3c(store_dir):
    r = CliRunner().invoke(cli, ["sparql", SELECT_NAMES, "--format", "json", "--store", store_dir])
    doc = json.loads(r.output)
    assert doc["head"]["vars"] == ["e", "name"]
    assert {b["name"]["xml:lang"] for b in doc["results"]["bindings"]} == {"zh"}


@pytest.mark.parametrize("fmt", ["ttl", "nt"])
def test_cli_construct(store_dir, fmt):
    q = "CONSTRUCT WHERE { ?e a schema:Place }"
    r = CliRunner().invoke(cli, ["sparql", q, "--format", fmt, "--store", store_dir])
    assert r.exit_code == 0, r.output
    assert "https://schema.org/Place" in r.output or "schema:Place" in r.output


def test_cli_query_file_and_bind(store_dir, tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("# param: name = \"中国\"@zh\nSELECT ?name ?e WHERE { ?e schema:name ?name }\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["sparql", "-f", str(f), "--bind", "name=商务部", "--format", "csv", "--store", store_dir])
    assert r.exit_code == 0, r.output
    assert "https://newskg.org/id/entity/商务部" in r.output and "中国" not in r.output
    r = CliRunner().invoke(cli, ["sparql", "-f", str(f), "--bind", "nosuch=1", "--store", store_dir])
    assert r.exit_code == 1 and "no parameter" in r.output


def test_cli_needs_exactly_one_query(store_dir):
    r = CliRunner().invoke(cli, ["sparql", "--store", store_dir])
    assert r.exit_code == 2 and "QUERY or -f FILE" in r.output


def test_cli_missing_store_is_a_clean_error(tmp_path):
    r = CliRunner().invoke(cli, ["sparql", "ASK {}", "--store", str(tmp_path / "none")])
    assert r.exit_code == 1 and "newskg build" in r.output


def test_cli_stats_json(store_dir):
    r = CliRunner().invoke(cli, ["stats", "--json", "--store", store_dir])
    assert r.exit_code == 0, r.output
    st = json.loads(r.output)
    assert st["articles"] == len(list(read_corpus()))
    assert st["entities"] == sum(st["entities_by_type"].values())
    assert st["top_by_mentions"][0]["mentions"] >= st["top_by_mentions"][-1]["mentions"]
    assert all(t["name"] and t["type"] for t in st["top_by_mentions"] + st["top_by_metrics"])


def test_cli_stats_table(store_dir):
    r = CliRunner().invoke(cli, ["stats", "--store", store_dir])
    assert r.exit_code == 0, r.output
    assert "Top entities by mentions" in r.output


def test_cli_build_then_rebuild_then_remove(tmp_path):
    d = str(tmp_path / "s")
    runner = CliRunner()
    r = runner.invoke(cli, ["build", "--store", d, "--workers", "1", "--json"])
    assert r.exit_code == 0, r.output
    first = json.loads(r.stdout)
    n = len(list(read_corpus()))
    assert first["added"] == n and first["store_bytes"] > 0
    r = runner.invoke(cli, ["build", "--store", d, "--workers", "1"])
    assert r.exit_code == 0, r.output
    assert f"unchanged {n}" in r.output
    victim = next(read_corpus()).id
    r = runner.invoke(cli, ["remove", victim, "--store", d])
    assert r.exit_code == 0 and f"removed {victim}" in r.output
    r = runner.invoke(cli, ["remove", victim, "--store", d])
    assert r.exit_code == 1 and "not in the graph" in r.output
    r = runner.invoke(cli, ["stats", "--json", "--store", d])
    assert json.loads(r.stdout)["articles"] == n - 1


def test_store_locked_by_another_writer_is_a_clean_error(tmp_path):
    d = tmp_path / "s"
    holder = open_store(d)  # noqa: F841 - keeps the write lock
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-m", "newskg", "remove", "x", "--store", str(d)],
                       capture_output=True, text=True)
    assert p.returncode == 1 and "Traceback" not in p.stderr
    assert f"open for writing by pid {os.getpid()}: " in p.stderr  # the holder is named
