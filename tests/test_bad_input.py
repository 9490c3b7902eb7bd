"""Bad input through the real CLI (issues 15 and 19): a bad line never stops a batch, JSONL is
judged per line, each skip is reported once with file and line, and the exit code follows the
one table in newskg/exit_codes.py (0 read, 1 error, 2 usage, 3 skipped, 4 nothing read)."""
from __future__ import annotations

import codecs
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from kg_support import bundled_store_dir
from pyoxigraph import Store
from qa_support import hand_store

import corpus.read
from newskg.cli import cli
from newskg.exit_codes import MEANING, ExitCode

GOOD = [{"id": f"g{i}", "text": f"国家统计局第{i}次发布数据。"} for i in (1, 2, 3)]


def jsonl(*rows) -> bytes:
    """JSONL bytes; a bytes row is written as it is (a bad line)."""
    out = b""
    for r in rows:
        out += (r if isinstance(r, bytes) else json.dumps(r, ensure_ascii=False).encode()) + b"\n"
    return out


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


def skips(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("skipped: ")]


@pytest.fixture(scope="module")
def qa_store(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("qa") / "store"
    disk = Store(str(path))
    disk.extend(list(hand_store().quads_for_pattern(None, None, None, None)))
    disk.flush()
    del disk
    return str(path)


@pytest.fixture(scope="module")
def bundled_store(tmp_path_factory) -> str:
    return bundled_store_dir(tmp_path_factory.mktemp("bundled") / "store")


# ------------------------------------------------------------------ batches on stdin


def test_ask_batch_answers_the_lines_around_a_bad_one(qa_store):
    result = run("ask", "--store", qa_store, "--json", input="康义是谁？\n？？？\n华为有什么平台？\n")
    assert result.exit_code == ExitCode.SKIPPED, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["question"] for r in rows] == ["康义是谁？", "？？？", "华为有什么平台？"]
    assert rows[0]["found"] and "国家统计局" in rows[0]["answer"]
    assert rows[2]["found"] and "鸿蒙" in rows[2]["answer"]
    assert rows[1]["line"] == 2 and rows[1]["error"]["code"] == "E400"
    assert skips(result.stderr) == [l for l in skips(result.stderr) if l.startswith("skipped: <stdin>:2: ")]
    assert len(skips(result.stderr)) == 1 and "[E107]" in result.stderr


def test_ask_batch_reports_a_binary_line_by_number_in_plain_output(qa_store):
    result = run("ask", "--store", qa_store, input=b"\x00\x01\x02\n\n\xe5\x8d\x8e\xe4\xb8\xba\xe6\x9c\x89\xe4\xbb\x80\xe4\xb9\x88\xe5\xb9\xb3\xe5\x8f\xb0\xef\xbc\x9f\n")
    assert result.exit_code == ExitCode.SKIPPED, result.output
    assert "问：华为有什么平台？" in result.stdout and "鸿蒙" in result.stdout
    assert skips(result.stderr)[0].startswith("skipped: <stdin>:1: binary data") and "[E102]" in result.stderr


@pytest.mark.parametrize("stdin", ["", "\n  \n\t\n"], ids=["empty", "blank-lines"])
def test_ask_with_no_question_on_stdin_reads_nothing(qa_store, stdin):
    result = run("ask", "--store", qa_store, input=stdin)
    assert result.exit_code == ExitCode.NOTHING_READ
    assert "nothing usable was read" in result.stderr and "[E106]" in result.stderr


def test_ask_batch_of_only_bad_lines_reads_nothing(qa_store):
    result = run("ask", "--store", qa_store, "--json", input="？\n？？\n")
    assert result.exit_code == ExitCode.NOTHING_READ
    assert [json.loads(l)["line"] for l in result.stdout.splitlines()] == [1, 2]
    assert len(skips(result.stderr)) == 2


def test_ner_decodes_each_line_and_goes_on_past_a_binary_one():
    lines = ["记者王小明在上海市报道".encode(), b"\xe5\x8c\x97\xff\xfe\x00\x01", "记者在北京市报道".encode("gbk"),
             "上海市长".encode()]
    result = run("ner", input=b"\n".join(lines) + b"\n")
    assert result.exit_code == ExitCode.SKIPPED, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 4  # one output line per input line, in order
    assert {"start": 6, "end": 9, "type": "PLACE", "text": "上海市"} in out[0]
    assert out[1] == {"line": 2, "error": {"code": "E102", "message": out[1]["error"]["message"]}}
    assert [s["text"] for s in out[2]] == ["北京市"]  # the GBK line, decoded on its own
    assert out[3] != [] and skips(result.stderr) == [skips(result.stderr)[0]]
    assert skips(result.stderr)[0].startswith("skipped: <stdin>:2: binary data")


def test_ner_through_a_real_pipe_with_a_utf16_bom():
    data = codecs.BOM_UTF16_LE + "记者在北京市报道\r\n\r\n上海市长\r\n".encode("utf-16-le")
    proc = subprocess.run([sys.executable, "-m", "newskg", "ner"], input=data, capture_output=True)
    assert proc.returncode == ExitCode.OK, proc.stderr
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [[s["text"] for s in spans] for spans in out] == [["北京市"], [], ["上海"]]


def test_ner_with_only_blank_lines_reads_nothing():
    result = run("ner", input="\n \n")
    assert result.exit_code == ExitCode.NOTHING_READ
    assert result.stdout.splitlines() == ["[]", "[]"] and "[E106]" in result.stderr


# ------------------------------------------------------------------ JSONL judged per line


def test_a_nul_line_in_the_first_8_kb_skips_only_that_line(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_bytes(jsonl(GOOD[0], b'{"text": "\x00\x00"}', GOOD[1], GOOD[2]))
    result = run("corpus", "list", path, "--json")
    assert result.exit_code == ExitCode.OK, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == ["g1", "g2", "g3"]
    assert skips(result.stderr) == [f"skipped: {path}:2: binary data in this line (NUL bytes or control codes), "
                                    "not text [E102]"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_jsonl_with_a_bom_is_read(tmp_path, encoding):
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    path = tmp_path / "u16.jsonl"
    path.write_bytes(bom + jsonl(*GOOD).decode().replace("\n", "\r\n").encode(encoding))
    result = run("corpus", "list", path, "--json")
    assert result.exit_code == ExitCode.OK, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == ["g1", "g2", "g3"] and result.stderr == ""


def test_a_broken_utf16_line_is_named_and_the_others_read(tmp_path):
    path = tmp_path / "u16.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in GOOD]
    data = codecs.BOM_UTF16_LE + lines[0].encode("utf-16-le") + b"\x00\xd8{\x00\n\x00" + lines[1].encode("utf-16-le")
    path.write_bytes(data)
    result = run("corpus", "list", path, "--json")
    assert [r["id"] for r in json.loads(result.stdout)] == ["g1", "g2"]
    assert skips(result.stderr) == [f"skipped: {path}:2: invalid UTF-16 in this line (the file starts with a "
                                    "UTF-16 BOM) [E101]"]


def test_utf16_jsonl_on_stdin_is_read():
    result = run("corpus", "list", "-", "--json", input=codecs.BOM_UTF16_LE + jsonl(*GOOD).decode().encode("utf-16-le"))
    assert result.exit_code == ExitCode.OK, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == ["g1", "g2", "g3"]


def test_a_binary_file_named_jsonl_is_one_skip_not_one_per_line(tmp_path):
    path = tmp_path / "image.jsonl"
    path.write_bytes(bytes(range(256)) * 64)
    result = run("corpus", "list", path)
    assert result.exit_code == ExitCode.NOTHING_READ
    assert skips(result.stderr) == [f"skipped: {path}: binary file (lines 1-8 are not text), not JSON lines [E102]"]


def test_an_over_long_line_is_skipped_and_the_next_read(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus.read, "MAX_LINE", 256)
    path = tmp_path / "long.jsonl"
    path.write_bytes(jsonl(GOOD[0], {"text": "长" * 500}, GOOD[1]))
    result = run("corpus", "list", path, "--json")
    assert result.exit_code == ExitCode.OK, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == ["g1", "g2"]
    assert len(skips(result.stderr)) == 1 and f"{path}:2: line too long" in result.stderr


def test_two_bad_lines_in_one_file_are_each_named_once(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_bytes(jsonl(GOOD[0], b"{oops", GOOD[1], b'{"title": "x"}', GOOD[2]))
    result = run("corpus", "list", path)
    assert result.exit_code == ExitCode.OK
    assert [l.split(": ")[1] for l in skips(result.stderr)] == [f"{path}:2", f"{path}:4"]


# ------------------------------------------------------------------ exit codes of the corpus readers


@pytest.fixture
def only_bad(tmp_path) -> Path:
    folder = tmp_path / "onlybad"
    folder.mkdir()
    (folder / "bin.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 50)
    (folder / "nul.jsonl").write_bytes(b"\x00" * 100 + b"\n")
    (folder / "empty.jsonl").write_bytes(b"")
    (folder / "notes.md").write_text("# not a corpus file", encoding="utf-8")
    return folder


@pytest.mark.parametrize("command", [["corpus", "list"], ["extract"]])
def test_nothing_read_exits_4_naming_every_skip_once(only_bad, command):
    result = run(*command, only_bad)
    assert result.exit_code == ExitCode.NOTHING_READ, result.output
    assert sorted(l.split(": ")[1] for l in skips(result.stderr)) == [
        str(only_bad / n) for n in ("bin.txt", "empty.jsonl", "nul.jsonl")]
    assert f"{only_bad / 'empty.jsonl'}: empty file (no JSON lines) [E105]" in result.stderr
    assert "note: " in result.stderr and "notes.md" in result.stderr
    assert "Warning" not in result.stderr and "warnings.warn" not in result.stderr


@pytest.mark.parametrize("name,data", [("bin.txt", b"\x00\x01" * 64), ("nul.jsonl", b"\x00\n"),
                                       ("empty.jsonl", b""), ("blank.jsonl", b"\n\n")])
def test_list_of_one_unreadable_file_exits_4(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    result = run("corpus", "list", "--json", path)
    assert result.exit_code == ExitCode.NOTHING_READ and json.loads(result.stdout) == []
    assert len(skips(result.stderr)) == 1 and str(path) in skips(result.stderr)[0]


def test_an_empty_folder_reads_nothing(tmp_path):
    result = run("corpus", "list", tmp_path)
    assert result.exit_code == ExitCode.NOTHING_READ and "nothing usable was read" in result.stderr


def test_show_says_the_file_could_not_be_read(tmp_path):
    bad = tmp_path / "bin.txt"
    bad.write_bytes(b"\x00\x01" * 64)
    result = run("corpus", "show", "x", bad)
    assert result.exit_code == ExitCode.NOTHING_READ
    assert skips(result.stderr) == [f"skipped: {bad}: binary file (not text); only .txt/.jsonl/.jsonl.gz text is read [E102]"]
    good = tmp_path / "good.jsonl"
    good.write_bytes(jsonl(GOOD[0]))
    result = run("corpus", "show", "x", good, bad)
    assert result.exit_code == ExitCode.ERROR and "[E104]" in result.stderr and len(skips(result.stderr)) == 1


def test_strict_reads_everything_then_exits_3(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_bytes(jsonl(GOOD[0], b"{oops", GOOD[1]))
    for command in (["corpus", "list", "--json"], ["extract", "--json"]):
        plain, strict = run(*command, path), run(*command, path, "--strict")
        assert plain.exit_code == ExitCode.OK and strict.exit_code == ExitCode.SKIPPED
        assert plain.stdout == strict.stdout and len(skips(strict.stderr)) == 1 and "[E107]" in strict.stderr


def test_usage_errors_exit_2(tmp_path):
    assert run("corpus", "list", "--no-such-option").exit_code == ExitCode.USAGE
    assert run("sparql").exit_code == ExitCode.USAGE
    assert run("sparql", "SELECT * {}", "--bind", "nameonly").exit_code == ExitCode.USAGE


# ------------------------------------------------------------------ build


def test_build_reports_each_skip_once_and_strict_exits_3(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_bytes(jsonl(GOOD[0], b"{oops", GOOD[1]))
    store = tmp_path / "store"
    result = run("build", path, "--store", store, "--workers", "1")
    assert result.exit_code == ExitCode.OK, result.output
    assert result.stderr.count(f"{path}:2: invalid JSON") == 1
    again = run("build", path, "--store", store, "--workers", "1", "--strict", "--json")
    assert again.exit_code == ExitCode.SKIPPED and again.stderr.count(f"{path}:2:") == 1
    assert json.loads(again.stdout)["unchanged"] == 2  # the good articles are in the graph
    count = run("sparql", "SELECT (COUNT(?a) AS ?n) { ?a a schema:NewsArticle }", "--store", store, "--format", "csv")
    assert count.stdout.split()[-1] == "2"


def test_build_of_nothing_exits_4_and_prune_keeps_the_graph(tmp_path, only_bad):
    store = tmp_path / "store"
    good = tmp_path / "good.jsonl"
    good.write_bytes(jsonl(*GOOD))
    assert run("build", good, "--store", store, "--workers", "1").exit_code == ExitCode.OK
    result = run("build", only_bad, "--store", store, "--workers", "1", "--prune")
    assert result.exit_code == ExitCode.NOTHING_READ, result.output
    assert len(skips(result.stderr)) == 3 and "[E106]" in result.stderr
    stats = json.loads(run("stats", "--store", store, "--json").stdout)
    assert stats["articles"] == 3


# ------------------------------------------------------------------ the graph commands


def test_sparql_with_an_empty_query_file_reads_nothing(tmp_path, bundled_store):
    rq = tmp_path / "empty.rq"
    rq.write_text("  \n", encoding="utf-8")
    result = run("sparql", "-f", rq, "--store", bundled_store)
    assert result.exit_code == ExitCode.NOTHING_READ and f"{rq}: the query file is empty [E106]" in result.stderr


@pytest.mark.parametrize("command", [["export", "--format", "nt", "-o", "-"],
                                     ["push", "--endpoint", "http://127.0.0.1:9/store"]])
def test_export_or_push_of_a_store_without_articles_exits_4(tmp_path, command):
    store = tmp_path / "store"
    Store(str(store)).flush()
    result = run(*command, "--store", store)
    assert result.exit_code == ExitCode.NOTHING_READ, result.output
    assert "the store holds no articles" in result.stderr and result.stdout == ""


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_export_to_a_full_disk_is_a_clear_error(bundled_store):
    with open("/dev/full", "wb") as full:
        proc = subprocess.run([sys.executable, "-m", "newskg", "export", "--format", "nt", "-o", "-",
                               "--store", bundled_store], stdout=full, stderr=subprocess.PIPE, text=True)
    assert proc.returncode == ExitCode.ERROR
    assert proc.stderr.strip() == "Error: cannot write the output: No space left on device [E010]"


@pytest.mark.parametrize("command", [["stats"], ["sparql", "SELECT * { ?s ?p ?o } LIMIT 1"],
                                     ["ask", "康义是谁？"], ["export", "--format", "nt", "-o", "-"]])
def test_a_truncated_sst_names_the_store_and_what_to_do(tmp_path, bundled_store, command):
    store = tmp_path / "damaged"
    shutil.copytree(bundled_store, store)
    biggest = max(store.glob("*.sst"), key=lambda p: p.stat().st_size)
    with open(biggest, "r+b") as f:
        f.truncate(100)
    result = run(*command, "--store", store)
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr.startswith(f"Error: the store at {store} is damaged (Corruption: ")
    assert f"`newskg build CORPUS --store {store}`" in result.stderr and "[E300]" in result.stderr
    assert "Traceback" not in result.output


def test_every_exit_code_is_in_the_help_and_the_cli_reference():
    docs = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    help_text = run("--help").stdout
    for code in ExitCode:
        first_words = " ".join(MEANING[code].split()[:4])
        assert f"{int(code):<5}{first_words}" in " ".join(help_text.split(" " * 7)).replace("\n ", " ")
        assert f"  {int(code):<5}" in docs


def test_a_file_a_writer_compacted_away_while_a_reader_opened_is_a_race_not_damage(tmp_path, bundled_store):
    """A read-only opening races a writer's compaction: the MANIFEST names an .sst that is gone
    a moment later. The opening is tried again (the file is back here, as the writer's new
    version of the store would be); only a file missing every time is damage."""
    import threading

    from kg.store import open_store

    store = tmp_path / "racing"
    shutil.copytree(bundled_store, store)
    sst = max(store.glob("*.sst"), key=lambda p: p.stat().st_size)
    aside = sst.with_suffix(".aside")
    sst.rename(aside)
    back = threading.Timer(0.03, aside.rename, args=(sst,))
    back.start()
    try:
        reader = open_store(store, read_only=True)
    finally:
        back.join()
    assert len(reader) > 0


def test_a_file_missing_at_every_attempt_is_damage(tmp_path, bundled_store):
    store = tmp_path / "missing"
    shutil.copytree(bundled_store, store)
    max(store.glob("*.sst"), key=lambda p: p.stat().st_size).unlink()
    result = run("stats", "--store", store)
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr.startswith(f"Error: the store at {store} is damaged (Corruption: ")
