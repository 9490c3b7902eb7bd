"""Posts, founders, headquarters and aliases through extract_article, on sentences written
for these tests (companies and people invented)."""
import pytest

from corpus.model import Article
from extract.pipeline import extract_article


def _facts(text):
    return extract_article(Article(id="t", text=text))


def _rels(text, relation):
    return {(r.head_name, r.tail_name, r.role) for r in _facts(text).relations if r.relation == relation}


# fmt: off
POSTS = [
    # name first, then organisation and title
    ("王建国，红星机械制造股份有限公司董事长。", ("王建国", "红星机械制造股份有限公司", "董事长")),
    # two titles joined by 兼
    ("华星物流集团董事长兼CEO李志强出席了发布会。", ("李志强", "华星物流集团", "董事长兼CEO")),
    # a list of titles, and a title head the organisation's span would swallow (…银行党委)
    ("刘海波从2010年起担任东方商业银行党委书记、董事长。", ("刘海波", "东方商业银行", "党委书记、董事长")),
    # 任 + organisation + title
    ("张建国任北方港口（集团）有限公司董事长。", ("张建国", "北方港口（集团）有限公司", "董事长")),
    # organisation and title apart in the sentence
    ("江南理工大学召开教代会，校长陈立新作报告。", ("陈立新", "江南理工大学", "校长")),
    # the second title-person pair of one organisation
    ("北方交通大学党委书记黄文涛、校长赵国庆出席。", ("赵国庆", "北方交通大学", "校长")),
    # company names whose parts jieba reads as verbs or adverbs, a business suffix (证券)
    ("宁波高新实验中学校长潘国栋认为，教育要有耐心。", ("潘国栋", "宁波高新实验中学", "校长")),
    ("甬商证券董事长张建国说，市场在恢复。", ("张建国", "甬商证券", "董事长")),
    # an organisation known only by the title of its head after it
    ("昨天，云帆贷网董事长王建国发表讲话。", ("王建国", "云帆贷网", "董事长")),
    # 现任 does not become part of the organisation's name
    ("周文斌毕业于湖北大学，现任江城音乐学院副院长。", ("周文斌", "江城音乐学院", "副院长")),
]
# fmt: on


@pytest.mark.parametrize("text,expected", POSTS)
def test_post_with_role(text, expected):
    assert expected in _rels(text, "works_for")


def test_a_post_is_not_given_to_the_person_after_the_title():
    rels = _rels("王建国会见了华星物流集团董事长李志强。", "works_for")
    assert ("李志强", "华星物流集团", "董事长") in rels
    assert not any(h == "王建国" for h, _, _ in rels)


# fmt: off
FOUNDERS = [
    ("2004年，张伟和李娜共同创办了星辰科技有限公司。", {("星辰科技有限公司", "张伟"), ("星辰科技有限公司", "李娜")}),
    ("蓝海资本集团创始人兼首席执行官王磊表示看好消费。", {("蓝海资本集团", "王磊")}),
    ("青松教育集团是由赵建华创立的。", {("青松教育集团", "赵建华")}),
    # founders joined by a few words, and 甲与乙一起创立
    ("青松教育集团是由赵建华和他的同学王立群一起创立的。", {("青松教育集团", "赵建华"), ("青松教育集团", "王立群")}),
    ("1998年，赵建华与同学王立群一起创立了青松教育集团。", {("青松教育集团", "赵建华"), ("青松教育集团", "王立群")}),
    # a founder title after 的
    ("青松教育集团的创始人和董事长赵建华出席。", {("青松教育集团", "赵建华")}),
]
# fmt: on


@pytest.mark.parametrize("text,expected", FOUNDERS)
def test_founder(text, expected):
    assert expected <= {(h, t) for h, t, _ in _rels(text, "founded_by")}


def test_founding_without_a_person_gives_no_founder():
    assert _rels("星辰科技有限公司成立于2004年，总部设在杭州。", "founded_by") == set()


def test_headquarters_from_the_cue_not_from_the_name():
    rels = _rels("深圳市华锐电子有限公司是一家电子企业，总部位于东莞市。", "headquartered_in")
    assert {t for _, t, _ in rels} == {"东莞市"}


def test_headquarters_before_the_organisation():
    assert ("华星物流集团", "上海市", None) in _rels("总部设在上海的华星物流集团发布了年报。", "headquartered_in")


# fmt: off
ALIASES = [
    ("国际劳工组织（ILO）发布报告。", "国际劳工组织", "ILO"),
    ("华星环保集团有限公司（以下简称华星集团）成立于1998年。", "华星环保集团有限公司", "华星集团"),
    ("世界卫生组织，简称世卫组织，是联合国下属机构。", "世界卫生组织", "世卫组织"),
    ("中国低碳产业协会英文全称：China Low-carbon Industry Association，中文简称：碳协，英文缩写：CLIA。", "中国低碳产业协会", "CLIA"),
    ("中国低碳产业协会英文全称：China Low-carbon Industry Association，中文简称：碳协，英文缩写：CLIA。", "中国低碳产业协会", "China Low-carbon Industry Association"),
]
# fmt: on


@pytest.mark.parametrize("text,name,alias", ALIASES)
def test_alias(text, name, alias):
    ents = {e.name: e for e in _facts(text).entities}
    assert alias in ents[name].aliases


def test_a_word_after_the_name_is_not_an_alias():
    facts = _facts("何成洲，南京师范大学英语本科和硕士。")
    assert all(not e.aliases for e in facts.entities if e.type == "ORG")


def test_a_work_is_not_merged_into_the_longer_title_it_opens():
    facts = _facts("电影《春光》上映后，续集《春光2》也已开拍，小说《春光往事》同时出版。")
    works = {e.name: e.aliases for e in facts.entities if e.type == "WORK"}
    assert {"春光", "春光2", "春光往事"} <= set(works)


def test_a_latin_name_and_its_acronym_in_one_bracket():
    ents = {e.name: e for e in _facts("他得到了青年创业国际计划基金会（Youth Business Foundation，简称YBF）的资助。").entities}
    assert {"Youth Business Foundation", "YBF"} <= set(ents["青年创业国际计划基金会"].aliases)


def test_a_latin_name_glued_to_other_words_is_not_an_alias():
    facts = _facts("丁某某，网络歌手，英文名Aseyy河南许昌人，现居杭州。")
    assert not any("Aseyy河南许昌人" in e.aliases for e in facts.entities)


def test_a_generic_word_defined_as_short_name_is_not_an_alias():
    ents = {e.name: e for e in _facts("华星环保集团有限公司（以下简称公司）成立于1998年。").entities}
    assert "公司" not in ents["华星环保集团有限公司"].aliases


@pytest.mark.parametrize("text,name,alias", [
    ("本杰明·富兰克林（Benjamin Franklin，1706年1月17日—1790年4月17日）是美国政治家。", "本杰明·富兰克林", "Benjamin Franklin"),
    ("华星汽车公司全称为“华星汽车工业股份有限公司”，总部在宁波。", "华星汽车公司", "华星汽车工业股份有限公司"),
])
def test_alias_before_a_comma_and_after_wei(text, name, alias):
    ents = {e.name: e for e in _facts(text).entities}
    assert alias in ents[name].aliases


def test_every_founding_verb_of_the_patterns_passes_the_prefilter():
    import re

    from extract.lexicon import rows, words

    verbs = set(words("founding_verbs.txt"))
    for rel, pattern in rows("post_patterns.tsv", 2):
        if rel == "founded_by":
            for group in re.findall(r"\(\?:([^()]*创[^()]*)\)", pattern):
                assert set(group.split("|")) <= verbs, group


def test_a_title_of_the_state_is_not_given_to_an_organisation_earlier_in_the_sentence():
    rels = _rels("华星物流集团发布年报，国家主席张建国出席。", "works_for")
    assert not any(t == "华星物流集团" for _, t, _ in rels)


def test_a_list_of_organisation_title_pairs_before_one_person():
    rels = _rels("中共中央政治局委员、中央政策研究室主任王建国出席。", "works_for")
    assert ("王建国", "中央政策研究室", "主任") in rels
    assert ("王建国", "中共中央", "政治局委员") in rels


def test_an_official_setting_up_a_body_after_a_comma_is_no_founder():
    assert _rels("张建国强调，改革管理体制，组建华星审计委员会。", "founded_by") == set()


def test_a_state_title_after_a_comma_is_not_a_post_at_the_organisation_before():
    rels = _rels("华星白宫发表声明说，总统张建国将出访。", "works_for")
    assert not any(t == "华星白宫" for _, t, _ in rels)
