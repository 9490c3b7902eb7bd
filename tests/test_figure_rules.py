"""The figure rules of issue 12 on sentences written for these tests (never story text): who a
figure is about, where its indicator stops, which period it has, its unit and qualifier. Run
through the real pipeline (segmentation, entities, figures) so that mentions are the ones a
user's corpus gets."""
import pytest

from corpus.articles import articles_from_text
from extract.pipeline import extract_corpus


def figures(text, date="2024-05-20"):
    """(subject_name, indicator, value+unit, period) of every figure of ``text``."""
    arts = articles_from_text(text, layout="single", date=date)
    return [(m.subject_name, m.indicator, f"{m.value}{m.unit}", m.period) for m in extract_corpus(arts).metrics]


def one(text, value, date="2024-05-20"):
    found = [f for f in figures(text, date) if f[2] == value]
    assert len(found) == 1, figures(text, date)
    return found[0]


# --- subject: datelines, bylines and sources are never subjects -----------------------------


@pytest.mark.parametrize("text", [
    "央视网消息（新闻联播）：一季度，全国规模以上工业增加值同比增长6.1%。",
    "新华社南宁4月2日电（记者李明）一季度，全国规模以上工业增加值同比增长6.1%。",
    "本台消息：一季度，全国规模以上工业增加值同比增长6.1%。",
])
def test_dateline_and_byline_are_not_subjects(text):
    assert one(text, "6.1%")[0] == "全国"


def test_statistics_source_is_not_the_subject():
    subject = one("据国家统计局统计，一季度全国规模以上工业增加值同比增长6.1%。", "6.1%")[0]
    assert subject == "全国"


# --- subject: sectors and groups -------------------------------------------------------------


@pytest.mark.parametrize("text,value,subject", [
    ("端午假期，全国铁路预计发送旅客4500万人次。", "4500万人次", "全国铁路"),
    ("前4个月，民航共运送旅客1.9亿人次。", "1.9亿人次", "民航"),
    ("3月份，高技术制造业增加值同比增长8.2%。", "8.2%", "高技术制造业"),
    ("一季度，民营企业进出口5.1万亿元。", "5.1万亿元", "民营企业"),
    ("去年，内地居民出境旅游9000万人次。", "9000万人次", "内地居民"),
])
def test_sector_or_group_opening_a_clause_is_the_subject(text, value, subject):
    assert one(text, value)[0] == subject


def test_a_list_of_sectors_is_not_one_of_them():
    subject = one("春运前20天，全国铁路、公路、水路、民航累计发送旅客8.6亿人次。", "8.6亿人次")[0]
    assert subject == "全国"


# --- subject: national statistics, carried subjects, frames -----------------------------------


def test_scope_word_opening_a_clause_is_the_subject_of_a_list():
    text = "一季度我国对巴西、印度、南非进出口分别为3000亿元、2800亿元、900亿元。"
    assert {f[0] for f in figures(text)} == {"我国"}


def test_scope_topic_is_carried_to_a_later_sentence_without_a_subject():
    text = "4月份，我国经济运行稳中有进。4月份，规模以上工业增加值同比增长6.7%。"
    assert one(text, "6.7%")[0] == "我国"


def test_group_subject_is_not_carried_to_the_next_sentence():
    text = "3月份，全国经济平稳。3月份，高技术制造业增加值同比增长8.2%。3月份，社会消费品零售总额同比增长5.5%。"
    assert one(text, "5.5%")[0] == "全国"


def test_frame_clause_sets_the_subject():
    text = "在跨境包裹监管方面，原来的12个审核环节，现在合并为5个环节。"
    assert {f[0] for f in figures(text)} == {"跨境包裹监管"}


def test_a_figure_opening_a_sentence_is_found():
    text = "今年全省推广节水灌溉技术。3000多名农技人员下到田间。"
    assert [f[2] for f in figures(text)] == ["3000名"]


# --- indicator boundaries: comparisons are changes of the figure before them -----------------


@pytest.mark.parametrize("text", [
    "5月份，全国社会消费品零售总额同比增长6.4%，比上月加快0.9个百分点。",
    "5月份，全国社会消费品零售总额同比增长6.4%，较上月回落0.9个百分点。",
])
def test_comparison_is_a_change_of_the_previous_figure(text):
    growth, change = figures(text)
    assert change[2] == "0.9个百分点"
    assert change[:2] == growth[:2]  # same subject and indicator: not an indicator "比上月加快"


# --- periods: spans relative to the story ---------------------------------------------------


def test_these_five_years_are_a_range_up_to_the_story_year():
    assert one("这五年，全省高标准农田面积达到4000万亩。", "4000万亩", date="2017-09-16")[3] == "2013-2017"
