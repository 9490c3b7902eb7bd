"""extract.segment: jieba's segmentation with offsets, worked out in one pass."""
import jieba
import pytest

from extract.segment import cut, tokenize

# fmt: off
# texts that exercise every path of jieba's default mode: dictionary words, unknown names cut
# by the HMM, numbers, Latin letters, symbols inside a block (%, -, .), punctuation, spaces,
# line breaks, full-width digits, a run of single characters that is itself a word
TEXTS = [
    "我来到北京清华大学",
    "顺丰速运在全国招收6名快递员。",
    "2022年全国快递业务量达1105.8亿件，同比增长2.1%。",
    "华为Mate60 Pro搭载5G-A芯片，C919完成试飞。",
    "新华社北京1月1日电\r\n（记者王小明）  国家统计局今天发布数据。",
    "全国居民人均可支配收入２９３９８元，增长6.3%－6.5%。",
    "竹田恒和涉嫌行贿280万新加坡元",
    "“十四五”期间，全市研发投入年均增长12.4%……",
    "a.b_c#d&e+f 100%",
    "",
]
# fmt: on


@pytest.mark.parametrize("text", TEXTS)
def test_cut_is_jieba_tokenize(text):
    assert cut(text) == list(jieba.tokenize(text))


@pytest.mark.parametrize("text", TEXTS)
def test_tokens_slice_the_text(text):
    assert all(text[t.start : t.end] == t.text for t in tokenize(text))
    assert "".join(t.text for t in tokenize(text)) == text
