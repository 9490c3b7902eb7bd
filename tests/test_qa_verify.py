"""The verification step: a figure is an answer only when its subject, period and indicator
are the asked ones; otherwise found is False and the near figures go to ``related``, labelled.
Graphs are built with the real pipeline into an on-disk store from short articles written for
these tests (not the bundled sample)."""
from __future__ import annotations

import json

import pytest

from kg.build import build
from kg.qa import answer
from kg.qa_metrics import Observation
from kg.qa_parse import canonical_words
from kg.qa_verify import check_figure, missing_words, subject_phrase
from kg.store import open_store

STORIES = [
    {"id": "t-5g", "date": "2023-10-20", "title": "5G网络建设加快",
     "text": "工业和信息化部10月20日发布数据，截至9月底，我国累计建成5G基站318.9万个。\n"
             "前三季度，我国5G移动电话用户达7.37亿户。"},
    {"id": "t-sz", "date": "2023-07-20", "title": "深圳外贸",
     "text": "据深圳海关统计，今年上半年，深圳进出口总值1.83万亿元，同比增长2.5%。"},
    {"id": "t-train", "date": "2023-01-05", "title": "中欧班列",
     "text": "国铁集团1月5日发布，2022年中欧班列开行1.6万列，同比增长9%。"},
    {"id": "t-solar", "date": "2023-07-25", "title": "光伏发电",
     "text": "国家能源局7月25日发布，今年上半年，全国光伏发电量2663亿千瓦时，同比增长30%。"},
    {"id": "t-ind", "date": "2021-11-15", "title": "工业生产",
     "text": "国家统计局今天发布数据，10月份，高技术制造业增加值同比增长14.7%，明显快于全部规模以上工业的增速。\n"
             "10月份，社会消费品零售总额同比增长4.9%，比上月加快0.5个百分点。"},
    {"id": "t-inv", "date": "2021-11-15", "title": "投资",
     "text": "前10个月，高技术产业投资同比增长17.3%，其中高技术制造业增长了23.5%。"},
    {"id": "t-day", "date": "2015-10-01", "title": "铁路",
     "text": "国庆假期第一天，全路增开旅客列车353列。"},
    {"id": "t-gov", "date": "2019-03-02", "title": "政务服务",
     "text": "自2018年10月开通以来，成都“天府通办”平台已接入1274项政务服务事项。"},
    {"id": "t-asean", "date": "2020-12-07", "title": "外贸",
     "text": "海关总署今天发布，前11个月，我国与东盟贸易总值为4.24万亿元，同比增长7%。\n"
             "前11个月，东盟继续为我国第一大贸易伙伴，东盟进出口占我国外贸总值的14.6%。"},
    {"id": "t-base", "date": "2023-02-12", "title": "新能源基地",
     "text": "在青海，格尔木大型风电光伏基地里又有50万千瓦的光伏装机并网发电。"},
    {"id": "t-chain", "date": "2022-09-01", "title": "区块链平台",
     "text": "截至目前，全国区块链公共服务平台达30家，平均接入节点超1.5万个、服务用户超800万户。"},
    {"id": "t-firm", "date": "2022-09-02", "title": "专精特新",
     "text": "工业和信息化部今天介绍，截至6月底，我国累计培育专精特新中小企业9000家，平均研发投入超600万元。"},
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("verify")
    corpus = folder / "news.jsonl"
    corpus.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in STORIES), encoding="utf-8")
    st = open_store(folder / "store")
    build([str(corpus)], st, workers=1, progress=False)
    yield st


@pytest.mark.parametrize("question", [
    "腾讯建成了多少个5G基站？",              # another subject: only China's count
    "2023年前三季度深圳进出口总值是多少？",   # another period: only the first half
    "2022年上半年中欧班列开行了多少列？",     # another period: only the year
    "2023年前三季度光伏发电量增长多少？",     # another period: only the first half
    "2021年10月规模以上工业增加值同比增长多少？",  # another indicator: only 高技术制造业's
    "上半年中欧班列开行了多少列？",          # no year written: read against the stories, only the year
    "深圳前三季度进出口总值是多少？",          # no year written: only the first half
    "前三季度光伏发电量增长多少？",
    "成都天府通办平台累计办件量是多少？",  # another indicator of the same platform
    "2023年上半年深圳进口总值是多少？",  # 进口 is not 进出口
    "2023年上半年深圳进出口总值下降多少？",  # it grew
    "2020年前11个月我国和欧盟的贸易总值是多少？",  # the clause names 东盟, not 欧盟
    "格尔木风电光伏基地的风电装机有多少？",  # another indicator: 风电 is the base's name, the figure is 光伏
])
def test_absent_is_not_answered(store, question):
    a = answer(store, question)
    assert not a.found, a.answer
    assert a.facts == []
    d = a.to_dict()
    assert d["why"]
    for r in d["related"]:
        assert r["label"] in ("另一主体", "另一时期", "另一指标")
        assert r["value"] not in a.answer  # the near figure stays out of the answer sentence


def test_near_figure_goes_to_related_labelled(store):
    a = answer(store, "2023年前三季度深圳进出口总值是多少？")
    assert any(r["subject"] and "深圳" in r["subject"] and r["label"] == "另一时期" for r in a.related), a.related


@pytest.mark.parametrize("question, expect", [
    ("截至2023年9月底我国累计建成多少个5G基站？", "318.9万"),
    ("2023年上半年深圳进出口总值是多少？", "1.83万亿"),
    ("2022年中欧班列开行了多少列？", "1.6万"),
    ("2023年上半年光伏发电量增长多少？", "30%"),
    ("2021年10月高技术制造业增加值同比增长多少？", "14.7%"),
    ("格尔木风电光伏基地的光伏装机有多少？", "50万千瓦"),
    ("上半年深圳进出口总值是多少？", "1.83万亿"),
    ("2021年前10个月高技术制造业投资增长多少？", "23.5%"),  # 其中… reads on from the clause before
    ("1-10月高技术制造业投资增长多少？", "23.5%"),  # months without a year: the story's year
    ("2015年10月1日全路增开了多少列旅客列车？", "353"),  # no period of its own: the story's day
    ("成都天府通办平台接入了多少项政务服务事项？", "1274"),  # subject 成都市, the clause names the platform
    ("2020年前11个月我国和东盟的贸易总值是多少？", "中国与东盟贸易总值为4.24万亿"),  # two subjects; 我国 is the entity 中国
    ("2020年前11个月东盟占我国外贸总值的比重是多少？", "14.6%"),  # 我国 inside the indicator
    ("今年上半年光伏发电量同比增长多少？", "30%"),
])
def test_present_is_answered(store, question, expect):
    a = answer(store, question)
    assert a.found, a.answer
    assert expect in "".join(a.answer.split())
    assert a.understood["answer_type"] == "figure"


def test_missing_words_ignore_variants_and_particles():
    assert missing_words("汽车进口量", "汽车出口量") == ["进"]
    assert missing_words("出口额", "出口") == []
    assert missing_words("腾讯建成5G基站", "中国建成5G基站") == ["腾讯"]


def test_each_part_answered_and_short_forms_linked(store):
    a = answer(store, "2021年10月高技术制造业增加值和社零总额分别增长多少？")
    assert a.found, a.answer
    assert "14.7%" in a.answer and "4.9%" in a.answer and "0.5个百分点" not in a.answer
    assert [p["question"] for p in a.understood["parts"]] == ["2021年10月高技术制造业增加值增长多少", "2021年10月社零总额增长多少"]


def test_each_with_one_part_absent_is_not_found(store):
    a = answer(store, "2021年10月高技术制造业增加值和规模以上工业增加值分别增长多少？")
    assert not a.found and a.facts == []
    assert any(r["label"] == "部分答案" and r["value"] == "14.7" for r in a.related)
    assert "14.7" not in a.answer


@pytest.mark.parametrize("question, expect", [
    ("全国区块链公共服务平台平均接入多少节点？", "1.5万"),  # 全国 + 区块链公共服务平台 达30家，平均接入节点…
    ("我国专精特新中小企业平均研发投入是多少？", "600万"),  # 我国 + (累计培育) 专精特新中小企业 9000家，平均研发投入…
])
def test_subject_named_as_a_group_is_answered(store, question, expect):
    """The question names the subject as scope word + group (全国…平台, 我国…企业); the
    extraction split it into the scope subject and words standing before the indicator."""
    a = answer(store, question)
    assert a.found, a.answer
    assert expect in "".join(a.answer.split())


@pytest.mark.parametrize("question", [
    "全国数据交易平台平均接入多少节点？",  # another group: 数据交易 is not in the sentence
    "我国大型企业平均研发投入是多少？",  # another group of 我国
    "全国区块链公共服务平台平均接入多少用户？",  # the group's words are there, the measure is not
])
def test_subject_named_as_another_group_is_refused(store, question):
    a = answer(store, question)
    assert not a.found, a.answer
    assert any(r["label"] == "另一指标" for r in a.related), a.related


def test_subject_phrase_words_name_the_subject_not_another_measure():
    """The subject phrase is sliced from the figure's own sentence (from the subject mention up
    to the indicator, a stop or a digit); its words may name the subject's group, but a question
    left without the figure's own measure once they are taken out asks another figure."""
    text = "今年前三季度，全国规模以上工业企业营业收入增长5%，利润总额增长8%。"
    at = text.index("8%")
    o = Observation("o", None, "全国", "利润总额", "8", "%", None, "change", None, at, at + 2, text, 0, len(text))
    assert subject_phrase(o) == "全国规模以上工业企业营业收入增长"
    asked = canonical_words  # the parser's form of the asked measure words
    assert check_figure(asked("规模以上工业企业利润总额增长"), [], None, o) is None
    refused = check_figure(asked("规模以上工业企业营业收入增长"), [], None, o)
    assert refused is not None and refused.what == "indicator"
    assert check_figure(asked("大型工业企业利润总额增长"), [], None, o) is not None
