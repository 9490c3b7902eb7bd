"""The out-of-domain NER reference set (eval/ner): references read back from a source file and
checked against it, clear errors when the source differs or is absent, `newskg ner --eval`."""
from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner

from corpus.errors import CorpusError
from extract.ner_eval import SharedDataMissing, ner_set_path, read_ner_set
from newskg.cli import cli

TEXT = "新闻：张三在北京会见了联合国代表。"
SENTENCE = (3, len(TEXT))  # the dateline 新闻： is not part of the sentence


def sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def write_source(data, text: str = TEXT) -> None:
    (data / "news").mkdir(parents=True, exist_ok=True)
    with open(data / "news" / "s.jsonl", "w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "other", "text": "无关的一篇。"}, ensure_ascii=False) + "\n")
        f.write(json.dumps({"id": "d1", "text": text}, ensure_ascii=False) + "\n")


def write_refs(path, entities=None, sentence=TEXT[SENTENCE[0]:SENTENCE[1]]) -> None:
    ents = entities if entities is not None else [[0, 2, "PER", "张三"], [3, 5, "LOC", "北京"], [8, 11, "ORG", "联合国"]]
    ref = {"id": "d1@3", "source": "news/s.jsonl", "doc": "d1", "start": SENTENCE[0], "end": SENTENCE[1],
           "kind": "test", "sha1": sha(sentence), "entities": ents}
    path.write_text("\n" + json.dumps(ref, ensure_ascii=False) + "\n", encoding="utf-8")


def test_reads_sentence_and_spans_from_the_source(tmp_path):
    write_source(tmp_path)
    write_refs(tmp_path / "set.jsonl")
    [(text, gold)] = read_ner_set(tmp_path / "set.jsonl", tmp_path)
    assert text == "张三在北京会见了联合国代表。"
    assert [text[s:e] for s, e, _ in gold] == ["张三", "北京", "联合国"]
    assert [lab for _, _, lab in gold] == ["PER", "LOC", "ORG"]


def test_changed_source_is_an_error_naming_file_and_line(tmp_path):
    write_source(tmp_path, TEXT.replace("张三", "李四"))
    write_refs(tmp_path / "set.jsonl")
    with pytest.raises(CorpusError) as e:
        read_ner_set(tmp_path / "set.jsonl", tmp_path)
    assert e.value.line == 2 and str(tmp_path / "set.jsonl") in str(e.value)
    assert "not the version" in str(e.value)


def test_surface_not_matching_is_an_error(tmp_path):
    write_source(tmp_path)
    write_refs(tmp_path / "set.jsonl", entities=[[0, 3, "PER", "张三"]])
    with pytest.raises(CorpusError, match="张三"):
        read_ner_set(tmp_path / "set.jsonl", tmp_path)


def test_missing_document_is_an_error(tmp_path):
    write_source(tmp_path)
    write_refs(tmp_path / "set.jsonl")
    text = (tmp_path / "set.jsonl").read_text(encoding="utf-8").replace('"doc": "d1"', '"doc": "gone"')
    (tmp_path / "set.jsonl").write_text(text, encoding="utf-8")
    with pytest.raises(CorpusError, match="gone"):
        read_ner_set(tmp_path / "set.jsonl", tmp_path)


def test_bad_label_is_an_error(tmp_path):
    write_source(tmp_path)
    write_refs(tmp_path / "set.jsonl", entities=[[0, 2, "PERSON", "张三"]])
    with pytest.raises(CorpusError, match="label"):
        read_ner_set(tmp_path / "set.jsonl", tmp_path)


def test_absent_shared_data_raises_the_skip_error(tmp_path):
    write_refs(tmp_path / "set.jsonl")
    with pytest.raises(SharedDataMissing):
        read_ner_set(tmp_path / "set.jsonl", tmp_path / "nowhere")


def test_cli_scores_a_set(tmp_path, monkeypatch):
    write_source(tmp_path / "data")
    write_refs(tmp_path / "set.jsonl")
    monkeypatch.setenv("NEWSKG_SHARED", str(tmp_path))
    result = CliRunner().invoke(cli, ["ner", "--eval", str(tmp_path / "set.jsonl")])
    assert result.exit_code == 0, result.output
    assert "1 sentences" in result.output
    lines = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()[2:]}
    assert set(lines) == {"all", "PER", "LOC", "ORG"}
    assert [int(v[-1]) for k, v in lines.items() if k != "all"] == [1, 1, 1]  # gold per type


def test_cli_without_shared_data_exits_nothing_read(tmp_path, monkeypatch):
    write_refs(tmp_path / "set.jsonl")
    monkeypatch.setenv("NEWSKG_SHARED", str(tmp_path / "nowhere"))
    result = CliRunner().invoke(cli, ["ner", "--eval", str(tmp_path / "set.jsonl")])
    assert result.exit_code == 4
    assert "shared data" in result.output


@pytest.mark.parametrize("part", ["dev", "blind"])
def test_committed_set_matches_the_shared_data(shared, part):
    examples = read_ner_set(ner_set_path(part))
    assert len(examples) >= 150
    assert sum(len(g) for _, g in examples) >= 350
