"""Entity linking: names, aliases, abbreviations, short forms, near misses, namesakes, and the
label index read from a store filled with the documented model."""
from __future__ import annotations

import pytest
from qa_support import hand_store

from kg.qa_link import LabelIndex, clear_cache, label_index, norm_key

# fmt: off
ROWS = [
    ("e:mii", "工业和信息化部", "工信部", "ORG"),
    ("e:most", "科学技术部", None, "ORG"),
    ("e:caict", "中国信息通信研究院", None, "ORG"),
    ("e:caict-p", "中国信息通信研究院政策与经济研究所", None, "ORG"),
    ("e:cn", "中国", None, "PLACE"),
    ("e:center", "滨江智谷人工智能计算中心", None, "PLATFORM"),
    ("e:factory", "东方重工南京装备工厂", None, "ORG"),
    ("e:nbs", "国家统计局", None, "ORG"),
    ("e:zc1", "赵晨", None, "PERSON"),
    ("e:zc2", "赵晨", None, "PERSON"),
    ("e:report", "数字经济发展报告（2023）", None, "WORK"),
]

LOOKUPS = [  # surface -> (how, canonical names)
    ("工业和信息化部", ("exact", ["工业和信息化部"])),
    ("工信部", ("alias", ["工业和信息化部"])),
    ("科技部", ("abbrev", ["科学技术部"])),
    ("信通院", ("abbrev", ["中国信息通信研究院"])),
    ("滨江智谷", ("short", ["滨江智谷人工智能计算中心"])),
    ("南京装备工厂", ("part", ["东方重工南京装备工厂"])),
    ("国家统计居", ("fuzzy", ["国家统计局"])),
    ("赵晨", ("exact", ["赵晨", "赵晨"])),
    ("《数字经济发展报告(2023)》", ("exact", ["数字经济发展报告（2023）"])),
    ("火星探测局", (None, [])),
]

MENTIONS = [  # text -> linked surfaces, in order
    ("2022年中国信息通信研究院政策与经济研究所发布", ["中国信息通信研究院政策与经济研究所"]),
    ("中国和工信部", ["中国", "工信部"]),
    ("滨江智谷的首批算力规模是多少", ["滨江智谷"]),
    ("2023年的数字经济规模", ["数字经济"]),  # a guess (prefix of a report's title), never a hard link
    ("2023年的规模", []),
]
# fmt: on


@pytest.fixture(scope="module")
def index():
    return LabelIndex(ROWS, {"e:zc1": 3, "e:zc2": 1})


@pytest.mark.parametrize("surface,expected", LOOKUPS)
def test_lookup(index, surface, expected):
    how, names = expected
    links = index.lookup(surface)
    if how is None:
        assert links == []
        return
    assert links[0].how == how
    best = [l for l in links if l.score == links[0].score]
    assert sorted(l.entity.name for l in best) == sorted(names)


@pytest.mark.parametrize("text,expected", MENTIONS)
def test_find_mentions(index, text, expected):
    links = index.find_mentions(text)
    assert [l.surface for l in links] == expected
    for l in links:
        assert text[l.start:l.end] == l.surface
        assert l.hard == (l.how in ("exact", "alias", "abbrev"))


def test_short_forms_are_guesses(index):
    (link,) = index.find_mentions("2023年的数字经济规模")
    assert link.how == "short" and not link.hard


def test_namesakes_ranked_by_mentions(index):
    links = index.lookup("赵晨")
    assert [l.entity.iri for l in links] == ["e:zc1", "e:zc2"]


def test_type_preference(index):
    assert index.lookup("中国", types=["ORG"])[0].entity.name == "中国"  # nothing better: keep it
    assert [l.entity.name for l in index.lookup("中国信息通信研究院", types=["ORG"])][:1] == ["中国信息通信研究院"]


def test_sub_entities_by_name(index):
    caict = index.entities["e:caict"]
    assert [e.name for e in index.sub_entities(caict)] == ["中国信息通信研究院政策与经济研究所"]


def test_suggest_names_nearest(index):
    assert "国家统计局" in [e.name for e in index.suggest("统计局的数据")]


def test_norm_key():
    assert norm_key("“京城”《报告（２０２３）》") == "京城报告(2023)"


def test_label_index_from_store():
    store = hand_store()
    clear_cache()
    idx = label_index(store)
    assert label_index(store) is idx  # cached per store
    nbs = idx.exact("国家统计局")[0].entity
    assert nbs.types == ("ORG",) and nbs.aliases == ("统计局",) and nbs.mentions >= 1
    assert idx.lookup("统计局")[0].entity.iri == nbs.iri
    assert idx.lookup("华为")[0].how == "alias"
    assert {e.name for e in idx.entities.values()} >= {"康义", "鸿蒙平台", "第十届航天论坛", "珠海"}
    clear_cache(store)
    assert label_index(store) is not idx
