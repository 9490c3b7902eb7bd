"""The pipeline on the bundled sample, and the extract/ner commands."""
import json
import pickle

import pytest
from click.testing import CliRunner

from corpus import read_corpus
from corpus.model import Article
from extract.pipeline import extract_article, extract_corpus, ner
from newskg.cli import cli

# fmt: off
NER_LINES = [
    ("记者张华在广东省深圳市报道", [("张华", "PERSON"), ("广东省", "PLACE"), ("深圳市", "PLACE")]),
    ("中国人民银行发布《2024年金融稳定报告》", [("中国人民银行", "ORG"), ("2024年金融稳定报告", "WORK")]),
    ("2025中国国际数字贸易博览会开幕", [("2025中国国际数字贸易博览会", "EVENT")]),
]
# fmt: on


@pytest.fixture(scope="module")
def sample():
    return list(read_corpus())


@pytest.fixture(scope="module")
def sample_extraction(sample):
    return extract_corpus(sample)


def test_sample_entities_and_relations(sample_extraction):
    by_name = {e.name: e for e in sample_extraction.entities}
    assert by_name["京西智谷人工智能计算中心"].type == "PLATFORM"
    assert "京西智谷" in by_name["京西智谷人工智能计算中心"].aliases
    assert {m.text for m in by_name["京西智谷人工智能计算中心"].mentions} >= {"该中心", "该计算中心"}
    assert "工信部" in by_name["工业和信息化部"].aliases
    triples = {(r.head_name, r.relation, r.tail_name, r.role) for r in sample_extraction.relations}
    assert ("许余洁", "works_for", "山东产业技术研究院数字经济研究所", "首席经济学家") in triples
    assert ("三一重工", "owns", "三一重工北京桩机工厂", None) in triples
    assert ("永年区", "part_of", "邯郸市", None) in triples


def test_mentions_and_evidence_keep_offsets(sample, sample_extraction):
    texts = {a.id: a.text for a in sample}
    for e in sample_extraction.entities:
        for m in e.mentions:
            assert texts[m.article][m.start : m.end] == m.text
    for r in sample_extraction.relations:
        assert 0 <= r.start <= r.end <= len(texts[r.article])


def test_extract_article_is_deterministic_and_picklable(sample):
    a, b = extract_article(sample[0]), extract_article(sample[0])
    assert pickle.loads(pickle.dumps(a)) == b


def test_mentions_of_an_entity_in_offset_order():
    """Mentions that start together (a name and its short form) come shortest first, whatever
    the hash seed (a worker process must give the same facts as another)."""
    text = "国务院新闻办公室今天举行发布会。国务院新闻办公室主任表示，发布会由国务院新闻办主办。"
    for e in extract_article(Article(id="a", text=text)).entities:
        assert [(m.start, m.end) for m in e.mentions] == sorted((m.start, m.end) for m in e.mentions)


def test_entity_ids_meet_across_articles():
    x = Article(id="x", text="工信部发布新规。")
    y = Article(id="y", text="工业和信息化部召开会议。")
    ext = extract_corpus([x, y])
    ent = [e for e in ext.entities if e.name == "工业和信息化部"]
    assert len(ent) == 1 and {m.article for m in ent[0].mentions} == {"x", "y"}


@pytest.mark.parametrize("text,expected", NER_LINES)
def test_ner_line(text, expected):
    assert [(s.text, s.label) for s in ner(text)] == expected


def test_cli_extract_json_shape():
    result = CliRunner().invoke(cli, ["extract", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"articles", "entities", "metrics", "relations"}
    ent = data["entities"][0]
    assert {"id", "name", "type", "aliases", "mentions"} <= set(ent)
    assert {"article", "start", "end"} <= set(ent["mentions"][0])
    rel = data["relations"][0]
    assert {"head", "head_name", "relation", "tail", "tail_name", "role", "article", "sentence"} <= set(rel)
    if data["metrics"]:
        assert {"subject", "subject_name", "indicator", "value", "unit", "base_value", "base_unit",
                "qualifier", "kind", "period", "article", "sentence", "start", "end"} <= set(data["metrics"][0])


def test_cli_extract_table():
    result = CliRunner().invoke(cli, ["extract"])
    assert result.exit_code == 0, result.output
    assert "works_for" in result.output


def test_cli_ner_line_by_line():
    lines = [t for t, _ in NER_LINES]
    result = CliRunner().invoke(cli, ["ner"], input="\n".join(lines[:2]) + "\n\n" + lines[2] + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(l) for l in result.output.splitlines()]
    assert len(out) == 4 and out[2] == []
    for line, row in zip(lines[:2], out[:2]):
        for item in row:
            assert line[item["start"] : item["end"]] == item["text"]
    assert out[0][0] == {"start": 2, "end": 4, "type": "PERSON", "text": "张华"}
