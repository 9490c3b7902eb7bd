"""The shipped PER/LOC/ORG tagger (extract.ner) on sentences written for these tests, its
evaluation helpers, and (when ../shared/data is present) its F1 on held-out MSRA."""
from __future__ import annotations

import pytest

from corpus.errors import ExtractError
from extract.ner import DEFAULT_MODEL, chunks, load_tagger
from extract.ner_eval import evaluate_ner, msra_heldout
from extract.ner_features import spans_to_tags, tags_to_spans
from extract.ner_train import joined_copies

# fmt: off
# (sentence, entities the tagger must find with these exact surfaces and labels)
FINDS = [
    ("国务院总理李克强昨天在北京会见了来访的法国总统。",      [("国务院", "ORG"), ("李克强", "PER"), ("北京", "LOC"), ("法国", "LOC")]),
    ("记者王小明从浙江大学获悉，该校将与企业合作建设实验室。", [("王小明", "PER"), ("浙江大学", "ORG")]),
    ("张伟和刘洋在上海参加了复旦大学举办的研讨会。",          [("张伟", "PER"), ("刘洋", "PER"), ("上海", "LOC"), ("复旦大学", "ORG")]),
    ("中国人民银行将继续实施稳健的货币政策。",                [("中国人民银行", "ORG")]),
    ("江苏、浙江和安徽三省的代表来到南京。",                  [("江苏", "LOC"), ("浙江", "LOC"), ("安徽", "LOC"), ("南京", "LOC")]),
    ("外交部发言人表示，中国愿同俄罗斯加强合作。",            [("外交部", "ORG"), ("中国", "LOC"), ("俄罗斯", "LOC")]),
]

# sentences without any PER/LOC/ORG name
NOTHING = [
    "今天天气很好，我们一起去散步吧。",
    "这项技术提高了生产效率，降低了成本。",
    "",
    "   ",
]

# (tags, spans) for the BIOES decoder, including broken sequences
DECODE = [
    (["O", "B-PER", "E-PER", "O"],             [(1, 3, "PER")]),
    (["S-LOC", "S-LOC"],                       [(0, 1, "LOC"), (1, 2, "LOC")]),
    (["B-ORG", "I-ORG", "I-ORG"],              [(0, 3, "ORG")]),
    (["I-LOC", "E-LOC", "B-PER", "E-PER"],     [(0, 2, "LOC"), (2, 4, "PER")]),
    (["B-ORG", "I-LOC", "E-LOC"],              [(0, 1, "ORG"), (1, 3, "LOC")]),
]
# fmt: on


@pytest.fixture(scope="module")
def tagger():
    return load_tagger()


@pytest.mark.parametrize("text,expected", FINDS)
def test_finds_names_with_offsets(tagger, text, expected):
    spans = tagger.tag(text)
    for s in spans:
        assert text[s.start : s.end] == s.text
        assert s.label in ("PER", "LOC", "ORG")
    found = {(s.text, s.label) for s in spans}
    for want in expected:
        assert want in found, (want, found)


@pytest.mark.parametrize("text", NOTHING)
def test_nothing_to_find(tagger, text):
    assert tagger.tag(text) == []


def test_long_input_is_chunked_and_offsets_hold(tagger):
    unit = "国务院总理李克强昨天在北京会见了来访的法国总统。各方表示将加强合作，"
    text = (unit * 80) + "最后，代表团前往上海参观"  # about 2,650 chars
    spans = tagger.tag(text)
    assert all(text[s.start : s.end] == s.text for s in spans)
    per = [s for s in spans if s.text == "李克强" and s.label == "PER"]
    assert len(per) == 80
    assert any(s.text == "上海" and s.start > len(text) - 12 for s in spans)


def test_long_input_without_punctuation(tagger):
    text = "北京" + "的" * 1000 + "上海"
    spans = tagger.tag(text)
    assert all(text[s.start : s.end] == s.text for s in spans)
    assert ("上海", "LOC") in {(s.text, s.label) for s in spans}


def test_chunks_cover_text_in_order():
    text = "第一句。第二句！\n\n" + "长" * 450 + "，尾巴"
    pieces = list(chunks(text, max_len=200))
    assert all(e - s <= 200 for s, e in pieces)
    assert "".join(text[s:e] for s, e in pieces).replace("\n", "") == text.replace("\n", "")
    assert [s for s, _ in pieces] == sorted(s for s, _ in pieces)


def test_deterministic_and_tag_many(tagger):
    texts = [t for t, _ in FINDS]
    first = tagger.tag_many(texts)
    assert first == [tagger.tag(t) for t in texts]
    assert first == tagger.tag_many(iter(texts))


def test_load_tagger_is_cached():
    assert load_tagger() is load_tagger(DEFAULT_MODEL)


def test_missing_model_names_the_training_command(tmp_path):
    with pytest.raises(ExtractError) as e:
        load_tagger(tmp_path / "nope.crfsuite")
    assert "python -m extract.ner_train" in str(e.value)
    assert e.value.code == "E200"


def test_corrupt_model_is_a_clean_error(tmp_path):
    bad = tmp_path / "bad.crfsuite"
    bad.write_bytes(b"not a model")
    with pytest.raises(ExtractError):
        load_tagger(bad)


@pytest.mark.parametrize("tags,spans", DECODE)
def test_decode_tags(tags, spans):
    assert tags_to_spans(tags) == spans


def test_tags_round_trip():
    spans = [(0, 2, "PER"), (2, 3, "LOC"), (5, 9, "ORG")]
    assert tags_to_spans(spans_to_tags(10, spans)) == spans


def test_joined_copies_keep_offsets():
    text = "出席的有赵一、钱二二、孙三和李四。"
    ents = [(4, 6, "PER"), (7, 10, "PER"), (11, 13, "PER"), (14, 16, "PER")]
    [(new, new_ents)] = joined_copies([(text, ents)])
    assert new == "出席的有赵一钱二二孙三和李四。"
    assert [new[s:e] for s, e, _ in new_ents] == ["赵一", "钱二二", "孙三", "李四"]


def test_evaluate_ner_counts_exact_spans_only():
    gold = [("甲乙丙丁", [(0, 2, "ORG"), (2, 4, "LOC")])]
    r = evaluate_ner(lambda t: [(0, 2, "PLATFORM"), (2, 3, "LOC"), (0, 1, "EVENT")], gold)
    assert (r["tp"], r["fp"], r["fn"]) == (1, 1, 1)
    assert r["per_type"]["ORG"]["f1"] == 1.0
    assert r["per_type"]["LOC"]["recall"] == 0.0


def test_msra_heldout_absent_is_empty(tmp_path):
    assert msra_heldout(tmp_path / "missing.jsonl.gz") == []


def test_msra_heldout_f1(shared):
    """F1 on 1,000 held-out MSRA dev sentences the model never saw (skips without ../shared)."""
    examples = msra_heldout()
    assert examples, "../shared is present but its MSRA held-out split is empty"
    result = evaluate_ner(load_tagger().tag, examples[:1000])
    assert result["f1"] >= 0.88, result


def test_shared_segmentation_gives_the_same_spans(tagger):
    jieba = pytest.importorskip("jieba")
    text = "国务院总理李克强昨天在北京会见了来访的法国总统。\n张伟和刘洋在上海参加了复旦大学举办的研讨会。"
    words = [(s, e) for _, s, e in jieba.tokenize(text)]
    assert tagger.tag(text, word_spans=words) == tagger.tag(text)


def test_names_never_span_whitespace(tagger):
    text = "出席会议的有张伟 刘洋　王小明等人。"
    spans = tagger.tag(text)
    assert spans and all(not any(ch.isspace() for ch in s.text) for s in spans)
    assert all(text[s.start : s.end] == s.text for s in spans)


@pytest.mark.parametrize("text", ["新华网消息（综合报道）：北京市政府今天宣布了新的措施。", "本台消息（记者王小明）：上海举行活动。"])
def test_names_never_straddle_a_bracket(tagger, text):
    for s in tagger.tag(text):
        assert not any(ch in s.text for ch in "（）：") or ("（" in s.text and "）" in s.text), s
