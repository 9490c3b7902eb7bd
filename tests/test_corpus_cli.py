"""`newskg corpus list/show` through click's CliRunner."""
import json

import pytest
from click.testing import CliRunner

from newskg.cli import cli

STEM = "renmin_ribao_2023_digital_trade_industrial_internet"
KEYS = ["id", "kind", "title", "date", "source", "chars", "sentences"]


@pytest.fixture
def runner():
    return CliRunner()


def test_list_bundled_json(runner):
    result = runner.invoke(cli, ["corpus", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["kind"] for r in rows] == ["article", "brief", "caption", "caption", "caption", "article"]
    assert all(list(r) == KEYS for r in rows)
    assert rows[1]["id"] == f"{STEM}_02" and rows[1]["date"] == "2023" and rows[1]["sentences"] == 7


def test_list_table_is_the_default(runner):
    result = runner.invoke(cli, ["corpus", "list"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split() == KEYS


def test_show_text_has_metadata_and_subheads(runner):
    result = runner.invoke(cli, ["corpus", "show", f"{STEM}_01"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "kind: article" in out and "date: 2023" in out
    assert out.index("## 数字技术奠定坚实基础") < out.index("## “出海”规模不断扩大") < out.index("## 政策环境日益向好")
    assert out.index("蓬勃发展。") < out.index("## 数字技术奠定坚实基础")


def test_show_json(runner):
    result = runner.invoke(cli, ["corpus", "show", f"{STEM}_02", "--json"])
    assert result.exit_code == 0, result.output
    art = json.loads(result.output)
    assert art["meta"]["reporter"] == "谷业凯" and art["kind"] == "brief"
    assert all(art["text"][s["start"]:s["end"]] == s["text"] for s in art["sentences"])


def test_show_unknown_id_is_a_clean_error(runner):
    result = runner.invoke(cli, ["corpus", "show", "nope"])
    assert result.exit_code != 0
    assert "no article with id 'nope'" in result.output and "Traceback" not in result.output


def test_stdin_jsonl_with_a_bad_line(runner):
    data = '{"id": "s1", "text": "第一条。"}\n{oops\n{"id": "s2", "text": "第二条。"}\n'
    result = runner.invoke(cli, ["corpus", "list", "-", "--json"], input=data)
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("skipped: <stdin>:2: invalid JSON")
    assert [r["id"] for r in json.loads(result.stdout)] == ["s1", "s2"]


def test_stdin_text(runner):
    result = runner.invoke(cli, ["corpus", "list", "-", "--json"], input="标题\n正文。\n")
    assert result.exit_code == 0, result.output
    assert [(r["id"], r["title"], r["source"]) for r in json.loads(result.stdout)] == [("stdin_01", "标题", "-")]


def test_strict_exits_with_the_skipped_code_after_listing_what_was_read(runner, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "好。"}\n{oops\n', encoding="utf-8")
    result = runner.invoke(cli, ["corpus", "list", str(path), "--strict", "--json"])
    assert result.exit_code == 3
    assert f"{path}:2: invalid JSON" in result.stderr and "[E103]" in result.stderr and "[E107]" in result.stderr
    assert [r["id"] for r in json.loads(result.stdout)] == ["bad_01"]


def test_missing_path_exits_non_zero(runner, tmp_path):
    result = runner.invoke(cli, ["corpus", "list", str(tmp_path / "nope")])
    assert result.exit_code == 1 and "no such file or directory" in result.stderr


@pytest.mark.parametrize("args", [["corpus"], ["corpus", "list"], ["corpus", "show"]])
def test_help_ends_with_an_example(runner, args):
    result = runner.invoke(cli, args + ["--help"])
    assert result.exit_code == 0 and "Example:" in result.output


def test_ignored_files_are_noted_on_stderr(runner, tmp_path):
    (tmp_path / "a.txt").write_text("正文。\n", encoding="utf-8")
    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.7")
    result = runner.invoke(cli, ["corpus", "list", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert "note:" in result.stderr and "b.pdf" in result.stderr and "Warning" not in result.stderr
    assert [r["id"] for r in json.loads(result.stdout)] == ["a_01"]
