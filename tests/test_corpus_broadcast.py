"""Broadcast digests (联播快讯 style) split into items, from a fixture written for this test."""
from pathlib import Path

import pytest

from corpus import read_corpus
from corpus.broadcast import is_digest, split_digest

FIXTURE = Path(__file__).parent / "fixtures" / "broadcast_digest.jsonl"

# fmt: off
ITEMS = [  # (id, title, text)
    ("20240105-003_01", "山区公路改造工程全面完工",
     "今天（1月5日），西部某省山区公路改造工程全面完工，沿线20多个村庄的出行时间平均缩短一半。\n工程共新建桥梁18座。"),
    ("20240105-003_02", "冬季农产品供应充足", "农业农村部今天表示，当前蔬菜、肉类等农产品市场供应充足，价格总体平稳。"),
    ("20240105-003_03", "新一批科普场馆向公众开放", "全国新一批30家科普场馆今天起免费向公众开放，覆盖天文、海洋等多个主题。"),
]
TITLES = [("[视频]国内联播快讯", True), ("[视频]国际联播快讯", True), ("财经简讯", True),
          ("[视频]港口吞吐量稳步增长", False), ("快讯：某地发生地震", False), (None, False)]
GLUED = [  # older transcripts glue headline and paragraph on one line with a wide gap
    ("消息：\n    标题一\u3000\u3000\xa0 \xa0\xa0 第一条正文。\n    标题二\u3000\xa0\xa0\xa0 第二条正文。",
     [("标题一", ["第一条正文。"]), ("标题二", ["第二条正文。"])]),
    ("消息：\n标题一\n第一条正文。\xa0 \xa0\xa0\xa0 标题二\n第二条正文。\n(视频编辑：甲 文字编辑：乙)",
     [("标题一", ["第一条正文。"]), ("标题二", ["第二条正文。"])]),
]
# fmt: on


@pytest.fixture(scope="module")
def articles():
    return list(read_corpus([str(FIXTURE)]))


def test_digest_is_split_into_items(articles):
    items = [a for a in articles if a.kind == "item"]
    assert [(a.id, a.title, a.text) for a in items] == ITEMS
    for a in items:
        assert a.date == "2024-01-05" and a.line == 1 and a.url.endswith("20240105-003")
        assert a.meta["digest"] == "[视频]国内新闻快讯"
        assert a.meta["editor"].startswith("（视频编辑") and "编辑" not in a.text
        assert a.sentences and all(a.text[s.start:s.end] == s.text for s in a.sentences)


def test_ordinary_story_stays_whole(articles):
    (story,) = [a for a in articles if a.kind != "item"]
    assert (story.id, story.kind, story.line) == ("20240105-004", "article", 2)
    assert story.text.startswith("本台消息（晚间新闻）：\n交通运输部今天发布数据")


@pytest.mark.parametrize("title,expected", TITLES)
def test_is_digest(title, expected):
    assert is_digest(title) is expected


@pytest.mark.parametrize("text,expected", GLUED)
def test_glued_headlines(text, expected):
    items, _ = split_digest(text)
    assert [(i.headline, i.paragraphs) for i in items] == expected


def test_single_item_is_not_a_digest():
    assert split_digest("消息：\n标题一\n只有一条正文。") is None
