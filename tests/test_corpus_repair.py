"""Repair of PDF-extracted text: spurious spaces, broken lines, paragraph breaks."""
import pytest

from corpus.repair import clean_spaces, ends_sentence, join_lines, repair_text

# fmt: off
CLEAN_SPACES = [
    ("前 该 中 心 已 与 50 余 家 单 位 开 展 合", "前该中心已与50余家单位开展合"),
    ("《报告》数据显示，2019 年至 2022 年，全球数字", "《报告》数据显示，2019年至2022年，全球数字"),
    ("西湖美景。 龙 巍摄 （人民图片）", "西湖美景。龙巍摄（人民图片）"),
    ("的 重 要 力 量 。 数 据 显 示 ， 2019 年", "的重要力量。数据显示，2019年"),
    ("首批算力规模 100P（即 PFLOPS，", "首批算力规模100P（即PFLOPS，"),
    ("也能在 AI 辅助下顺畅地", "也能在AI辅助下顺畅地"),
    ("the New  York Times 报道", "the New York Times报道"),
    ("增长 3 . 2 %", "增长3.2%"),
    ("\u3000\u3000全角缩进的段落。", "全角缩进的段落。"),
    ("Python 3.11 版本", "Python 3.11版本"),
]
CLEAN_SPACES_FEED = [  # plain text / feeds: spaces between Chinese words are separators
    ("张三丰\u3000李四\u3000王小五（女）\u3000赵六", "张三丰 李四 王小五（女） 赵六"),
    ("“雪龙”号启航\u3000科考队员出征南极", "“雪龙”号启航 科考队员出征南极"),
    ("增长 3.2% ，达到 50 万元", "增长3.2%，达到50万元"),
    ("的 重 要 力 量 。 数 据 显 示", "的重要力量。数据显示"),  # letter-spaced: still repaired
    ("使用 AI 技术", "使用 AI 技术"),
]
REPAIR = [
    # broken mid-word across a blank line
    ("中国信 \n\n息通信研究院与", "中国信息通信研究院与"),
    # broken mid-number
    ("总值达到3710.8 \n\n亿美元，同比增长 3.2%。", "总值达到3710.8亿美元，同比增长3.2%。"),
    # a real paragraph break: finished sentence, then a blank line
    ("提供动力。 \n \n据了解，该中心", "提供动力。\n据了解，该中心"),
    # a blank line inside an open quote is not a paragraph break
    ("“山东挖掘机、广州厨具…… \n\n有了 AI 的帮助。”", "“山东挖掘机、广州厨具……有了AI的帮助。”"),
    # Latin words broken across lines keep one space
    ("digital \ntrade", "digital trade"),
]
ENDS = [
    ("勃发展。", True), ("“出海”取得初步成效。”", True), ("呼梯乘梯？", True),
    ("从“制造”迈向“智造”", False), ("蓬", False), ("朱海鹏摄 （人民图片）", False),
]
# fmt: on


@pytest.mark.parametrize("text,expected", CLEAN_SPACES)
def test_clean_spaces(text, expected):
    assert clean_spaces(text) == expected


@pytest.mark.parametrize("text,expected", CLEAN_SPACES_FEED)
def test_clean_spaces_keeping_word_spaces(text, expected):
    assert clean_spaces(text, keep_word_spaces=True) == expected


@pytest.mark.parametrize("text,expected", REPAIR)
def test_repair_text(text, expected):
    assert repair_text(text) == expected


@pytest.mark.parametrize("text,expected", ENDS)
def test_ends_sentence(text, expected):
    assert ends_sentence(text) is expected


def test_join_lines_keeps_first_line_numbers():
    lines = [(3, "第一段第一行"), (4, ""), (5, "继续。"), (6, ""), (7, "第二段。")]
    paras = join_lines(lines)
    assert [(p.line, p.text) for p in paras] == [(3, "第一段第一行继续。"), (7, "第二段。")]


def test_short_last_line_ends_paragraph_without_blank_line():
    lines = [(1, "一二三四五六七八九十一二"), (2, "三四五六七八九十一二三。"), (3, "完。"),
             (4, "新段落开始了，一二三四五六"), (5, "七八九十。")]
    assert [p.text for p in join_lines(lines)] == [
        "一二三四五六七八九十一二三四五六七八九十一二三。完。", "新段落开始了，一二三四五六七八九十。"]


def test_repair_of_bundled_sample_has_no_spurious_spaces():
    from corpus import bundled_corpus_path

    text = repair_text(bundled_corpus_path().read_text(encoding="utf-8"))
    for bad in ("50 余", "2019 年", "龙 巍", "3710.8\n", "中国信\n"):
        assert bad not in text
    assert "3710.8亿美元" in text and "中国信息通信研究院" in text
