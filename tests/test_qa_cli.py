"""`newskg ask`: one question, questions from stdin, --json, --list-templates, errors."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from pyoxigraph import Quad, Store
from qa_support import hand_store

from newskg.cli import cli


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("qa") / "store"
    disk = Store(str(path))
    disk.extend(list(hand_store().quads_for_pattern(None, None, None, None)))
    disk.flush()
    del disk
    return str(path)


def test_ask_plain(store_dir):
    result = CliRunner().invoke(cli, ["ask", "康义是谁？", "--store", store_dir])
    assert result.exit_code == 0, result.output
    answer, rest = result.output.split("\n", 1)
    assert "局长" in answer and "国家统计局" in answer
    assert rest.index("来源") < rest.index("SPARQL:")
    assert "国家统计局局长康义" in rest


def test_ask_json(store_dir):
    result = CliRunner().invoke(cli, ["ask", "2022年全国粮食总产量是多少？", "--store", store_dir, "--json"])
    assert result.exit_code == 0, result.output
    d = json.loads(result.output)
    assert list(d) == ["question", "found", "answer", "facts", "sources", "template", "sparql", "understood", "related", "why"]
    assert d["found"] is True and "68653万吨" in d["answer"] and d["template"] == "metric_value"


def test_ask_stdin_jsonl(store_dir):
    questions = "康义是谁？\n\n腾讯的净利润是多少？\n华为有什么平台？\n"
    result = CliRunner().invoke(cli, ["ask", "--store", store_dir, "--json"], input=questions)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["question"] for r in rows] == ["康义是谁？", "腾讯的净利润是多少？", "华为有什么平台？"]
    assert [r["found"] for r in rows] == [True, False, True]


def test_ask_stdin_plain(store_dir):
    result = CliRunner().invoke(cli, ["ask", "--store", store_dir], input="康义是谁？\n华为有什么平台？\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("问：") == 2 and "鸿蒙平台" in result.output


def test_list_templates():
    result = CliRunner().invoke(cli, ["ask", "--list-templates", "--json"])
    assert result.exit_code == 0, result.output
    names = [t["name"] for t in json.loads(result.output)]
    assert "metric_value" in names and "person_who" in names
    plain = CliRunner().invoke(cli, ["ask", "--list-templates"])
    assert plain.exit_code == 0 and "metric_value:" in plain.output


def test_missing_store_is_a_clean_error(tmp_path):
    result = CliRunner().invoke(cli, ["ask", "康义是谁？", "--store", str(tmp_path / "nope")])
    assert result.exit_code != 0
    assert "no graph store" in result.output and "Traceback" not in result.output


def test_empty_question_is_a_clean_error(store_dir):
    result = CliRunner().invoke(cli, ["ask", "？", "--store", store_dir])
    assert result.exit_code != 0 and "E400" in result.output


def test_help_has_example():
    result = CliRunner().invoke(cli, ["ask", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output
