"""Entity spans from rules + tagger on sentences written for the tests (not the sample)."""
import pytest

from extract.entities import find_entities, longest_wins
from extract.pipeline import ner

# fmt: off
ENTITY_CASES = [
    # (text, expected (name, type) pairs that must all be found)
    ("复旦大学经济学院院长张军表示，改革仍需深化。",
     [("复旦大学经济学院", "ORG"), ("复旦大学", "ORG"), ("张军", "PERSON")]),
    ("本报杭州电（记者李明、王芳）近日，西湖区新建了一批学校。",
     [("李明", "PERSON"), ("王芳", "PERSON")]),
    ("浙江省宁波市北仑区近日出台新政。",
     [("浙江省", "PLACE"), ("宁波市", "PLACE"), ("北仑区", "PLACE")]),
    ("“天工”大数据平台已接入三百家企业。",
     [("天工大数据平台", "PLATFORM")]),
    ("2024世界人工智能大会在上海举行。",
     [("2024世界人工智能大会", "EVENT"), ("上海", "PLACE")]),
    ("国家统计局发布《2023年国民经济和社会发展统计公报》。",
     [("国家统计局", "ORG"), ("2023年国民经济和社会发展统计公报", "WORK")]),
    ("新华社记者 陈刚摄",
     [("新华社", "ORG"), ("陈刚", "PERSON")]),
    ("中国科学院计算技术研究所研究员刘伟指出，算力需求仍在增长。",
     [("中国科学院计算技术研究所", "ORG"), ("中国科学院", "ORG"), ("刘伟", "PERSON")]),
    ("游客在老街拍照。 孙 强摄",
     [("孙强", "PERSON")]),
    ("安徽省合肥市蜀山区高新区企业加快转型。",
     [("合肥市", "PLACE"), ("蜀山区", "PLACE")]),
]
NOT_ENTITIES = [
    # (text, names that must not be entities: generic phrases)
    ("全国跨行业跨领域工业互联网平台达到五十家。", ["全国跨行业跨领域工业互联网平台", "工业互联网平台"]),
    ("该中心依托数据中心开展服务。", ["该中心", "数据中心"]),
    ("会议在大会堂举行，嘉宾纷纷发言。", ["嘉宾"]),
    ("通过工厂控制中心的智能大脑，订单快速分解。", ["工厂控制中心", "控制中心"]),
]
# fmt: on


@pytest.mark.parametrize("text,expected", ENTITY_CASES)
def test_entities_found(text, expected):
    layer = find_entities(text)
    found = {(s.name, s.label) for s in layer.spans}
    for item in expected:
        assert item in found, (item, sorted(found))


@pytest.mark.parametrize("text,names", NOT_ENTITIES)
def test_generic_phrases_are_not_entities(text, names):
    found = {s.name for s in find_entities(text).spans}
    assert not found & set(names), found


@pytest.mark.parametrize("text,expected", ENTITY_CASES + NOT_ENTITIES)
def test_offsets_are_sacred(text, expected):
    for s in find_entities(text).spans:
        assert text[s.start : s.end] == s.text


def test_nested_org_has_part_of_link():
    layer = find_entities("复旦大学经济学院院长张军表示")
    links = {(l.head.name, l.relation, l.tail.name) for l in layer.links}
    assert ("复旦大学经济学院", "part_of", "复旦大学") in links


def test_admin_chain_is_one_mention_of_the_most_specific_place():
    text = "浙江省宁波市北仑区近日出台新政。"
    top = [s for s in find_entities(text).spans if s.label == "PLACE"]
    assert (top[0].text, top[0].name) == ("浙江省宁波市北仑区", "北仑区")
    assert [s.text for s in ner(text)] == ["浙江省", "宁波市", "北仑区"]  # newswire convention
    links = {(l.head.name, l.relation, l.tail.name) for l in find_entities(text).links}
    assert {("北仑区", "part_of", "宁波市"), ("宁波市", "part_of", "浙江省")} <= links


def test_quoted_name_keeps_the_quoted_part_as_alias():
    layer = find_entities("“天工”大数据平台已接入三百家企业。")
    assert ("天工大数据平台", "天工") in {(s.name, a) for s, a in layer.aliases}


def test_longest_wins_policy_is_swappable():
    text = "北京市海淀区人民法院"
    shortest = lambda cands: sorted(cands, key=lambda c: c.end - c.start)[:1]  # noqa: E731
    assert len(find_entities(text, policy=shortest).spans) >= 1
    assert longest_wins([]) == []
