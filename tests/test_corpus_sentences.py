"""Sentence splitting with offsets into the repaired text."""
import pytest

from corpus import read_corpus
from corpus.sentences import split_sentences

# fmt: off
SENTENCES = [
    ("增长3.2%。中国数字贸易正保持良好势头。", ["增长3.2%。", "中国数字贸易正保持良好势头。"]),
    ("“我们依托算法，实现对接。”负责人说。", ["“我们依托算法，实现对接。”", "负责人说。"]),
    ("“山东挖掘机、广州厨具……有了AI的帮助，就能卖到全球。”在交易会上。",
     ["“山东挖掘机、广州厨具……有了AI的帮助，就能卖到全球。”", "在交易会上。"]),
    ("打通最后1米……", ["打通最后1米……"]),
    ("真的吗？！是的！", ["真的吗？！", "是的！"]),
    ("正式上线；7月，获批。", ["正式上线；", "7月，获批。"]),
    ("第一段没有句号\n第二段。", ["第一段没有句号", "第二段。"]),
    ("  前后空白。  ", ["前后空白。"]),
    ("版本3.11发布", ["版本3.11发布"]),
    ("", []),
]
# fmt: on


@pytest.mark.parametrize("text,expected", SENTENCES)
def test_split_sentences(text, expected):
    sents = split_sentences(text)
    assert [s.text for s in sents] == expected
    assert all(text[s.start:s.end] == s.text for s in sents)
    assert [s.index for s in sents] == list(range(len(sents)))


def test_every_sentence_of_the_bundled_sample_slices_its_article():
    for art in read_corpus():
        assert art.sentences, art.id
        for s in art.sentences:
            assert art.text[s.start:s.end] == s.text
            assert "\n" not in s.text and s.text == s.text.strip()
        covered = "".join(s.text for s in art.sentences)
        assert covered == art.text.replace("\n", "")
