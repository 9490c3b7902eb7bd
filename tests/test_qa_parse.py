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
    ("张三在哪里工作？", ("person_who", {"person": "张三"})),
    ("某中心依托什么？", ("relies_on", {"e": "某中心"})),
    ("哪些机构依托某中心？", ("relied_on_by", {"e": "某中心"})),
    ("某学院隶属于哪个机构？", ("part_of", {"e": "某学院"})),
    ("某学院是哪个机构的下属单位？", ("part_of", {"e": "某学院"})),
    ("某大学有哪些下属单位？", ("units_of", {"e": "某大学"})),
    ("某集团拥有什么？", ("owns", {"e": "某集团"})),
    ("某工厂归哪家企业所有？", ("owner_of", {"e": "某工厂"})),
    ("某公司入选了什么？", ("selections_of", {"e": "某公司"})),
    ("某区举办了什么活动？", ("events_in", {"e": "某区"})),
    ("哪些单位位于某省？", ("located_here", {"e": "某省"})),
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


def _relation_predicates() -> list[str]:
    """The predicate (prefixed) of every relation kg/rdf.py writes as a statement (kg/data/relations.tsv)."""
    from kg.rdf import relation_mapping, relation_predicates
    from kg.vocab import PREFIXES

    def prefixed(iri: str) -> str:
        return next(f"{p}:{iri[len(base):]}" for p, base in PREFIXES.items() if iri.startswith(base))

    return [prefixed(iri.value) for name, iri in relation_predicates().items() if relation_mapping(name).statement]


# fmt: off
ASKED_ELSEWHERE = {  # predicate, direction -> a template with its own handler that asks it
    ("schema:worksFor", "out"): "person_who", ("schema:worksFor", "in"): "org_people",
    ("nkg:operates", "out"): "platforms_of", ("nkg:operates", "in"): "platform_operator",
    ("nkg:publishes", "out"): "publications_of", ("nkg:publishes", "in"): "publishers_of",
    ("nkg:designates", "out"): "designation", ("nkg:designates", "in"): "designation",
    ("nkg:designatedAs", "out"): "designation", ("nkg:designatedAs", "in"): "designation",
    ("nkg:locatedIn", "out"): "place_of", ("nkg:heldIn", "out"): "place_of",
    ("nkg:selectedIn", "in"): "selected_in",
}
# fmt: on


def test_every_relation_can_be_asked_both_ways():
    """Each relation extraction writes (kg/data/relations.tsv) is asked from its head and from
    its tail: by a relation_of template, or by a named template with its own handler."""
    names = {t.name for t in load_templates()}
    asked = {(p, t.relation.direction) for t in load_templates() if t.relation for p in t.relation.predicates}
    for predicate in _relation_predicates():
        for direction in ("out", "in"):
            assert (predicate, direction) in asked or ASKED_ELSEWHERE.get((predicate, direction)) in names, \
                (predicate, direction)


def test_neighbours_query_covers_every_relation():
    """The path search and entity summaries (neighbours.rq) follow every relation predicate."""
    text = load_templates()[0].sparql("neighbours.rq")
    for predicate in _relation_predicates():
        assert predicate in text, predicate


@pytest.mark.parametrize("block,expected", [
    ({"predicates": ["nkg:owns"], "direction": "up", "answer": "{e}", "missing": "{e}"}, "direction"),
    ({"predicates": ["nkg:owns"], "direction": "out"}, "answer, missing"),
])
def test_bad_relation_table_is_a_clear_error(block, expected):
    from corpus.errors import QAError
    from kg.qa_parse import _relation_ask

    with pytest.raises(QAError, match=expected) as err:
        _relation_ask(block, "templates.toml (template #3)")
    assert "template #3" in str(err.value)
