"""Relations and coreference through extract_article, on texts written for the tests."""
import pytest

from corpus.model import Article
from extract.pipeline import extract_article

# fmt: off
RELATION_CASES = [
    # (text, (head name, relation, tail name, role))
    ("复旦大学经济学院院长张军表示，改革仍需深化。",
     ("张军", "works_for", "复旦大学经济学院", "院长")),
    ("复旦大学经济学院院长张军表示，改革仍需深化。",
     ("复旦大学经济学院", "part_of", "复旦大学", None)),
    ("新华社记者 陈刚摄",
     ("陈刚", "works_for", "新华社", "记者")),
    ("国家统计局与海关总署近日联合发布《2023年外贸运行报告》。",
     ("国家统计局", "publishes", "2023年外贸运行报告", None)),
    ("国家统计局与海关总署近日联合发布《2023年外贸运行报告》。",
     ("海关总署", "publishes", "2023年外贸运行报告", None)),
    ("成都市数据交易中心近日在成都市高新区揭牌。",
     ("成都市数据交易中心", "located_in", "成都市高新区", None)),
    ("在上海举办的2024世界人工智能大会吸引了众多企业。",
     ("2024世界人工智能大会", "held_in", "上海市", None)),
    ("深圳市大数据研究院依托“鹏城云脑”超算中心开展研究。",
     ("深圳市大数据研究院", "relies_on", "鹏城云脑超算中心", None)),
    ("四川省宜宾市叙州区发展迅速。",
     ("叙州区", "part_of", "宜宾市", None)),
]
# fmt: on


def _triples(text: str):
    facts = extract_article(Article(id="t1", text=text))
    return {(r.head_name, r.relation, r.tail_name, r.role) for r in facts.relations}


@pytest.mark.parametrize("text,expected", RELATION_CASES)
def test_relation_found(text, expected):
    assert expected in _triples(text)


def test_coreference_points_to_the_nearest_compatible_entity():
    text = "西部算力调度中心近日在贵阳市揭牌。该中心依托“东数西算”工程建设。今年，科技部批复该中心为国家算力枢纽示范平台。"
    facts = extract_article(Article(id="t2", text=text))
    center = next(e for e in facts.entities if e.name == "西部算力调度中心")
    assert [m.text for m in center.mentions] == ["西部算力调度中心", "该中心", "该中心"]
    assert all(text[m.start : m.end] == m.text for m in center.mentions)
    triples = {(r.head_name, r.relation, r.tail_name) for r in facts.relations}
    assert ("科学技术部", "designates", "西部算力调度中心") in triples
    assert ("西部算力调度中心", "designated_as", "国家算力枢纽示范平台") in triples


def test_abbreviation_and_full_form_are_one_entity():
    text = "工业和信息化部发布新规。工信部表示将加强监管。"
    facts = extract_article(Article(id="t3", text=text))
    ents = [e for e in facts.entities if e.name == "工业和信息化部"]
    assert len(ents) == 1 and "工信部" in ents[0].aliases and len(ents[0].mentions) == 2


def test_alias_defined_in_text():
    text = "《中国数字经济发展白皮书（2024）》（以下简称《白皮书》）显示，增长加快。《白皮书》还指出，投资增加。"
    facts = extract_article(Article(id="t4", text=text))
    work = next(e for e in facts.entities if e.type == "WORK")
    assert work.name == "中国数字经济发展白皮书（2024）"
    assert "白皮书" in work.aliases and [m.text for m in work.mentions][1:] == ["白皮书", "白皮书"]


def test_same_name_people_of_different_organisations_are_kept_apart():
    a = extract_article(Article(id="a", text="复旦大学教授王强表示，前景可期。"))
    b = extract_article(Article(id="b", text="南京大学教授王强认为，仍需努力。"))
    ida = {e.id for e in a.entities if e.name == "王强"}
    idb = {e.id for e in b.entities if e.name == "王强"}
    assert ida and idb and ida.isdisjoint(idb)


def test_reporter_of_the_paper_from_the_byline():
    art = Article(id="p1", text="本报北京电（记者周明）近日，一批新项目开工。", meta={"publisher": "光明日报"})
    facts = extract_article(art)
    assert ("周明", "works_for", "光明日报", "记者") in {(r.head_name, r.relation, r.tail_name, r.role) for r in facts.relations}


def test_co_mentions_are_reported_per_sentence():
    facts = extract_article(Article(id="c1", text="复旦大学与南京大学签署合作协议。"))
    co = [(r.head_name, r.tail_name) for r in facts.relations if r.relation == "co_mention"]
    assert sorted(co[0]) == ["南京大学", "复旦大学"]


def test_short_form_of_a_platform_reveals_its_operator():
    text = "青松数科白鹭工业互联网平台等入选名单。在白鹭工业互联网平台上，企业可以发布需求。"
    facts = extract_article(Article(id="s1", text=text))
    platform = next(e for e in facts.entities if e.type == "PLATFORM")
    assert platform.name == "白鹭工业互联网平台"
    assert "青松数科白鹭工业互联网平台" in platform.aliases and len(platform.mentions) == 2
    assert ("青松数科", "operates", "白鹭工业互联网平台") in {(r.head_name, r.relation, r.tail_name) for r in facts.relations}


# fmt: off
NOT_SHORT_FORMS = [
    # (text, short name, long name): complete names are not short forms of longer ones
    ("国务院召开会议。国务院安委会近日印发通知。", "国务院", "国务院安委会"),
    ("武警部队闻令而动。武警福建总队开展演练。", "武警", "武警福建总队"),
]
# fmt: on


@pytest.mark.parametrize("text,short,long", NOT_SHORT_FORMS)
def test_complete_names_are_not_merged_into_longer_ones(text, short, long):
    facts = extract_article(Article(id="n1", text=text))
    longs = [e for e in facts.entities if e.name == long]
    assert longs and short not in longs[0].aliases
