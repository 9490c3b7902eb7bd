"""CLI tables: ids are printed whole (so they can be pasted into the next command), other
columns shorten to the terminal's width."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from kg_support import bundled_store_dir
from newskg.cli import _width, format_table, cli


def _first_column(table: str) -> list[str]:
    """The first cell of every data row of a text table (cells are separated by 2+ spaces)."""
    return [line.split("  ")[0] for line in table.splitlines()[2:] if line.strip()]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    return bundled_store_dir(tmp_path_factory.mktemp("tables") / "store")


@pytest.mark.parametrize("columns", ["60", "200"])
def test_every_listed_id_opens_in_corpus_show(columns):
    runner = CliRunner(env={"COLUMNS": columns})
    listed = runner.invoke(cli, ["corpus", "list"])
    assert listed.exit_code == 0, listed.output
    ids = _first_column(listed.output)
    assert len(ids) == len(set(ids)) == 6 and not any("…" in i for i in ids)
    for aid in ids:
        shown = runner.invoke(cli, ["corpus", "show", aid])
        assert shown.exit_code == 0, shown.output
        assert shown.output.startswith(f"id: {aid}\n")


def test_other_columns_shorten_to_the_width():
    long_id = "x" * 70
    rows = [{"id": long_id, "title": "很长的标题" * 10, "n": 3}]
    table = format_table(rows, 100)
    assert long_id in table
    assert all(_width(line) <= 100 for line in table.splitlines())
    assert "…" in table.splitlines()[2]
    assert "很长的标题" * 10 in format_table(rows, 400)  # wide enough: nothing is cut


def test_nothing_is_cut_into_a_file_or_pipe(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    rows = [{"id": "a", "title": "很长的标题" * 30}]
    r = CliRunner(env={"COLUMNS": None}).invoke(cli, ["corpus", "list"])  # not a terminal
    assert "…" not in r.output
    assert "很长的标题" * 30 in format_table(rows, None)


def test_none_is_blank():
    table = format_table([{"id": "a", "title": None}], 80)
    assert "None" not in table


def test_entity_search_table_keeps_ids(store_dir):
    r = CliRunner(env={"COLUMNS": "40"}).invoke(cli, ["entity", "search", "", "--store", store_dir, "--limit", "200"])
    assert r.exit_code == 0, r.output
    j = CliRunner().invoke(cli, ["entity", "search", "", "--store", store_dir, "--limit", "200", "--json"])
    import json

    assert _first_column(r.output) == [e["id"] for e in json.loads(j.output)]


def test_sparql_table_keeps_iris(store_dir):
    q = "SELECT ?s ?text WHERE { ?s a nkg:Sentence ; nkg:text ?text } ORDER BY ?s"
    r = CliRunner(env={"COLUMNS": "50"}).invoke(cli, ["sparql", q, "--store", store_dir])
    assert r.exit_code == 0, r.output
    csv = CliRunner().invoke(cli, ["sparql", q, "--store", store_dir, "--format", "csv"]).output
    whole = [line.split(",")[0] for line in csv.splitlines()[1:]]
    shown = _first_column(r.output)
    assert len(shown) == len(whole) > 0 and max(len(s) for s in shown) > 60
    assert [s.replace("art:", "https://newskg.org/id/article/", 1) for s in shown] == whole
    assert any(line.endswith("…") for line in r.output.splitlines()[2:]), "the text column is cut to fit"
