"""Question parsing: normalisation, periods, what a metric question asks, template choice."""
from __future__ import annotations

import pytest

from kg.qa_parse import load_templates, match_templates, metric_ask, normalize_question, parse_periods, period_label

# fmt: off
PERIODS = [
    ("2022年全国粮食产量是多少", ["2022"]),
    ("2019年至2022年全球贸易增长了多少", ["2019-2022"]),
    ("2019—2022年的年均增速", ["2019-2022"]),
    ("2023年上半年服务贸易额", ["2023H1"]),
    ("2023年前三季度的产量", ["2023Q1-Q3"]),
    ("2022年6月的出口额", ["2022-06"]),
    ("今年的算力规模将达到多少", ["今年"]),
    ("去年和2021年底", ["去年", "2021"]),
    ("2023数字经济论坛在哪里举办", []),
    ("增长了5G网络", []),
]

PERIOD_LABELS = [
    ("2022", "2022年"), ("2023H1", "2023年上半年"), ("2019-2022", "2019年至2022年"),
    ("2022-06", "2022年6月"), ("as_of:2023-09-01", "截至2023-09-01"), ("今年", "今年"), (None, ""),
]

ASKS = [  # text -> (phrase, kind, unit hint)
    ("粮食总产量是多少", ("粮食总产量", "level", None)),
    ("进出口总额同比增长多少", ("进出口总值同比增长", "yoy_growth", None)),
    ("年均增速有多大", ("年均增长", "avg_annual_growth", None)),
    ("数字经济占国内生产总值比重是多少", ("数字经济占国内生产总值比重", "share", None)),
    ("有多少条智能化产线", ("智能化产线", "level", "条")),
    ("有几个研发中心", ("研发中心", "level", "个")),
    ("出口增幅是多少", ("出口增长", "growth", None)),
]

TEMPLATES = [  # question -> (first template, its slots)
    ("某部的总工程师是谁？", ("org_role", {"org": "某部", "role": "总工程师"})),
    ("张三是谁？", ("person_who", {"person": "张三"})),
    ("张三担任什么职务", ("person_who", {"person": "张三"})),
    ("张三在哪家机构工作？", ("person_who", {"person": "张三"})),
    ("哪些人来自某研究院？", ("org_people", {"org": "某研究院"})),
    ("某公司有什么平台？", ("platforms_of", {"org": "某公司"})),
    ("某平台是哪家公司打造的？", ("platform_operator", {"platform": "某平台"})),
    ("某平台由哪家公司运营", ("platform_operator", {"platform": "某平台"})),
    ("某中心在哪里？", ("place_of", {"e": "某中心"})),
    ("某论坛在哪里举办？", ("place_of", {"e": "某论坛", "held": "举办"})),
    ("谁发布了《某报告（2023）》？", ("publishers_of", {"work": "《某报告(2023)》"})),
    ("《某报告》是哪些机构发布的", ("publishers_of", {"work": "《某报告》"})),
    ("哪些机构发布了报告？", ("publishers_all", {"kind": "报告"})),
    ("某机构发布了什么报告？", ("publications_of", {"org": "某机构", "kind": "报告"})),
    ("某部把某中心批复为什么平台？", ("designation", {"a": "某部", "b": "某中心", "kind": "平台"})),
    ("哪些平台入选了年度名单？", ("selected_in", {"type": "平台", "list": "年度名单"})),
    ("哪家机构的指标最多？", ("top_metrics", {"type": "机构"})),
    ("某中心有哪些指标？", ("entity_metrics", {"e": "某中心"})),
    ("甲公司和乙公司有什么关系？", ("relation_path", {"a": "甲公司", "b": "乙公司"})),
    ("比较北京和上海的常住人口", ("metric_compare", {"a": "北京", "b": "上海", "what": "常住人口"})),
    ("全国粮食产量历年变化", ("metric_trend", {"what": "全国粮食产量"})),
    ("2022年全国粮食产量是多少？", ("metric_value", {"what": "2022年全国粮食产量是多少"})),
    ("某中心今年的算力规模将达到多少？", ("metric_value", {"what": "某中心今年的算力规模将达到多少"})),
]
# fmt: on


@pytest.mark.parametrize("text,expected", PERIODS)
def test_periods(text, expected):
    found = parse_periods(text)
    assert [p.value for p in found] == expected
    for p in found:
        assert text[p.start:p.end] == p.surface


@pytest.mark.parametrize("value,expected", PERIOD_LABELS)
def test_period_labels(value, expected):
    assert period_label(value) == expected


@pytest.mark.parametrize("text,expected", ASKS)
def test_metric_ask(text, expected):
    a = metric_ask(text)
    assert (a.phrase, a.kind, a.unit_hint) == expected


@pytest.mark.parametrize("question,expected", TEMPLATES)
def test_first_template(question, expected):
    matches = match_templates(question)
    assert matches, question
    assert (matches[0].template.name, matches[0].slots) == expected


def test_normalize_folds_full_width_and_drops_spaces():
    assert normalize_question(" ２０２２ 年 ＧＤＰ 是多少？？ ") == "2022年GDP是多少"


def test_every_template_has_examples_and_queries_that_exist():
    names = set()
    for t in load_templates():
        assert t.name not in names
        names.add(t.name)
        assert t.examples and t.description and t.patterns
        for q in t.queries:
            assert t.sparql(q).lstrip().startswith("#")


def test_examples_match_their_own_template():
    """Each template's examples are matched by that template (maybe after more specific ones)."""
    for t in load_templates():
        for ex in t.examples:
            assert t.name in [m.template.name for m in match_templates(ex)], (t.name, ex)
