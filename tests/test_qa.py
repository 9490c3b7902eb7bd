"""Question answering on a hand-written graph (tests/qa_support.py): every template, period
handling, not-found answers, the answer object, sources and the SPARQL shown."""
from __future__ import annotations

import pytest
from pyoxigraph import Store
from qa_support import hand_articles, hand_store

from corpus.errors import QAError
from kg.qa import answer, list_templates
from kg.vocab import PREFIXES, entity_iri

# fmt: off
FOUND = [  # question -> (template, strings the answer must contain)
    ("2022年全国粮食总产量是多少？", ("metric_value", ["68653万吨", "2022年"])),
    ("全国粮食总产量是多少？", ("metric_value", ["68285万吨", "68653万吨"])),
    ("全国粮食产量有多少", ("metric_value", ["68653万吨"])),
    ("2022年全国粮食总产量同比增长多少？", ("metric_value", ["0.5%"])),
    ("全国粮食总产量的增幅是多少", ("metric_value", ["0.5%"])),
    ("2021年全国粮食总产量达到多少？", ("metric_value", ["68285万吨"])),
    ("华为2022年研发投入多少", ("metric_value", ["1615亿元"])),
    ("华为技术有限公司的研发投入是多少？", ("metric_value", ["1615亿元"])),
    ("全国粮食总产量历年变化", ("metric_trend", ["68285万吨", "68653万吨"])),
    ("华为有哪些指标？", ("entity_metrics", ["研发投入", "1615亿元"])),
    ("哪家机构的指标最多？", ("top_metrics", ["华为技术有限公司"])),
    ("康义是谁？", ("person_who", ["局长", "国家统计局"])),
    ("王萍担任什么职务？", ("person_who", ["司长", "国家统计局人口司"])),
    ("统计局的局长是谁？", ("org_role", ["康义"])),
    ("国家统计局的司长是谁？", ("org_role", ["王萍"])),
    ("谁是统计局局长？", ("org_role", ["康义"])),
    ("哪些人来自国家统计局？", ("org_people", ["康义", "王萍"])),
    ("哪些人来自中国科学院？", ("org_people", ["张伟", "计算技术研究所", "研究员"])),  # a unit by nkg:partOf
    ("华为有什么平台？", ("platforms_of", ["鸿蒙平台"])),
    ("鸿蒙平台是哪家公司打造的？", ("platform_operator", ["华为技术有限公司"])),
    ("第十届航天论坛在哪里举办？", ("place_of", ["珠海"])),
    ("谁发布了《2022年国民经济和社会发展统计公报》？", ("publishers_of", ["国家统计局"])),
    ("哪些机构发布了公报？", ("publishers_all", ["国家统计局", "统计公报"])),
    ("国家统计居发布了什么？", ("publications_of", ["统计公报"])),
    ("合肥超算中心被认定为什么？", ("designation", ["国家超级计算中心"])),
    ("第十届航天论坛位于哪个城市？", ("place_of", ["珠海"])),
    ("哪些平台入选年度创新平台名单？", ("selected_in", ["鸿蒙平台"])),
    ("华为和鸿蒙平台有什么关系？", ("relation_path", ["运营"])),
    ("康义和王萍有什么关系？", ("relation_path", ["国家统计局", "国家统计局人口司"])),
    ("比较华为和国家统计局的研发投入", ("metric_compare", ["1615亿元"])),
    ("统计局是什么机构？", ("entity_about", ["国家统计局", "康义"])),
    # one relation asked from either end (templates with handler relation_of)
    ("康义在哪里工作？", ("person_who", ["国家统计局", "局长"])),
    ("张伟在什么单位任职？", ("person_who", ["计算技术研究所"])),
    ("计算技术研究所隶属于哪个机构？", ("part_of", ["中国科学院"])),
    ("国家统计局人口司是哪个机构的下属单位？", ("part_of", ["国家统计局"])),
    ("中国科学院有哪些下属单位？", ("units_of", ["计算技术研究所"])),
    ("国家统计局的下属单位有哪些？", ("units_of", ["国家统计局人口司"])),
    ("鸿蒙平台入选了什么？", ("selections_of", ["年度创新平台名单"])),
    ("珠海举办了什么活动？", ("events_in", ["第十届航天论坛"])),
    ("哪些活动在珠海举办？", ("events_in", ["第十届航天论坛"])),
]

NOT_FOUND = [  # question -> template (None: no template fits)
    ("2020年全国粮食总产量是多少？", "metric_value"),   # a year the corpus does not cover
    ("2023年华为研发投入是多少？", "metric_value"),
    ("腾讯的净利润是多少？", "metric_value"),           # unknown subject and indicator
    ("美国粮食总产量是多少？", "metric_value"),         # a subject the graph does not hold
    ("华为的营业收入是多少？", "metric_value"),         # known subject, unknown indicator
    ("康义在哪里？", "place_of"),
    ("中国科学院隶属于哪个机构？", "part_of"),         # the graph names no parent
    ("华为拥有什么？", "owns"),                         # no nkg:owns statement
    ("鸿蒙平台依托什么？", "relies_on"),
    ("今天天气怎么样呀", None),
]
# fmt: on


@pytest.fixture(scope="module")
def store():
    return hand_store()


@pytest.mark.parametrize("question,expected", FOUND)
def test_found(store, question, expected):
    template, needles = expected
    a = answer(store, question)
    assert a.found, a.answer
    assert a.template == template
    text = "".join(a.answer.split())
    for n in needles:
        assert n in text, (n, a.answer)
    assert a.facts and a.sparql


@pytest.mark.parametrize("question,template", NOT_FOUND)
def test_not_found(store, question, template):
    a = answer(store, question)
    assert not a.found
    assert a.template == template
    assert a.facts == []
    assert "没有" in a.answer


def test_another_period_is_context_never_the_answer(store):
    a = answer(store, "2020年全国粮食总产量是多少？")
    assert not a.found and a.facts == [] and a.sources == []
    assert "2020年" in a.answer and "另一时期" in a.answer  # other periods offered as context only
    assert "2022" in [r["period"] for r in a.related] and {r["label"] for r in a.related} == {"另一时期"}
    assert "68653" not in a.answer  # the near figure is apart from the answer sentence


def test_period_asked_gets_only_that_period(store):
    a = answer(store, "2021年全国粮食总产量是多少？")
    assert [f.period for f in a.facts] == ["2021"]
    assert "68653" not in a.answer


def test_level_question_does_not_get_a_growth_rate(store):
    a = answer(store, "2022年全国粮食总产量是多少？")
    assert [(f.value, f.unit) for f in a.facts] == [("68653", "万吨")]


def test_unknown_subject_never_gets_another_subjects_value(store):
    a = answer(store, "美国粮食总产量是多少？")
    assert "68653" not in a.answer and "68285" not in a.answer


def test_not_found_names_nearest_known_things(store):
    a = answer(store, "华为的营业收入是多少？")
    assert "华为技术有限公司" in a.answer
    assert "华为技术有限公司" in a.suggestions


def test_answer_dict_shape(store):
    d = answer(store, "2022年全国粮食总产量是多少？").to_dict()
    assert list(d) == ["question", "found", "answer", "facts", "sources", "template", "sparql", "understood", "related", "why"]
    assert list(d["facts"][0]) == ["subject", "indicator", "value", "unit", "period", "qualifier", "sentence", "article"]
    assert list(d["sources"][0]) == ["article", "title", "sentence", "start", "end"]
    fact = d["facts"][0]
    assert (fact["subject"], fact["indicator"], fact["value"], fact["unit"], fact["period"]) == ("全国", "粮食总产量", "68653", "万吨", "2022")


@pytest.mark.parametrize("question", ["2022年全国粮食总产量是多少？", "康义是谁？", "华为有什么平台？", "第十届航天论坛在哪里举办？"])
def test_sources_point_into_the_article_text(store, question):
    texts = {a.id: a for a, _ in hand_articles()}
    a = answer(store, question)
    assert a.sources
    for s in a.sources:
        art = texts[s.article]
        assert art.text[s.start:s.end] == s.sentence
        assert s.title == art.title
        if s.span:
            assert s.start <= s.span[0] < s.span[1] <= s.end


def test_figure_span_is_the_figure(store):
    a = answer(store, "2022年全国粮食总产量是多少？")
    art = {x.id: x for x, _ in hand_articles()}[a.sources[0].article]
    start, end = a.sources[0].span
    assert art.text[start:end] == "68653万吨"


def test_shown_sparql_runs_and_gives_the_answer(store):
    a = answer(store, "康义是谁？")
    rows = list(store.query(a.sparql, use_default_graph_as_union=True))
    assert {r["tail"].value for r in rows} == {entity_iri("国家统计局").value}
    assert {r["role"].value for r in rows} == {"局长"}


def test_user_text_never_reaches_the_query(store):
    q = '《"} } DROP ALL ; SELECT * {》是谁发布的？'
    a = answer(store, q)
    assert not a.found
    assert "DROP" not in a.sparql
    assert len(store) > 0


def test_empty_question_is_an_error(store):
    with pytest.raises(QAError):
        answer(store, "  ？ ")


def test_empty_store_answers_not_found():
    a = answer(Store(), "2022年全国粮食总产量是多少？")
    assert not a.found and a.facts == []


def test_list_templates():
    rows = list_templates()
    assert {"metric_value", "person_who", "org_role", "org_people", "platforms_of", "platform_operator", "place_of",
            "publishers_of", "designation", "selected_in", "top_metrics", "metric_compare", "relation_path"} <= {r["name"] for r in rows}
    for r in rows:
        assert list(r) == ["name", "description", "examples"] and r["examples"]


def test_prefixes_cover_templates():
    from kg.qa_parse import load_query, load_templates

    for t in load_templates():
        for q in t.queries:
            Store().query(load_query(q), prefixes=PREFIXES)  # parses with the project prefixes


@pytest.mark.parametrize("question", ["中国和" * 66, "多少和的" * 49, "的" * 199, "《" * 199])
def test_degenerate_questions_are_answered_quickly_not_found(store, question):
    a = answer(store, question)
    assert not a.found and a.facts == []


def test_too_long_question(store):
    a = answer(store, "粮食" * 150)
    assert not a.found and "太长" in a.answer


def test_unit_figure_given_for_its_parent_is_half_a_subject_match():
    from kg.qa_metrics import MARK, Named, Observation, metric_ask, score

    ask = metric_ask(chr(MARK) + "有几个研发中心")
    fig = Observation("o", "e:parent", "东方集团", "研发中心", "8", "个", None, "level", None)
    unit = Named("南京工厂", frozenset({"e:unit"}), True, frozenset({"e:parent"}))
    stranger = Named("南京工厂", frozenset({"e:unit"}), True)
    assert score(ask, fig, [stranger]) == 0.0
    assert 0 < score(ask, fig, [unit]) < score(ask, fig, [Named("东方集团", frozenset({"e:parent"}), True)])


def test_json_says_what_was_understood_for_every_answer(store):
    d = answer(store, "国家统计局和华为技术有限公司有什么关系？").to_dict()
    assert set(d["understood"]) >= {"subject", "indicator", "period", "answer_type"}
    assert "国家统计局" in (d["understood"]["subject"] or [])
    if not d["found"]:
        assert d["why"]
    d = answer(store, "2021年全国粮食总产量是多少？").to_dict()
    assert d["understood"]["period"] == "2021" and d["understood"]["answer_type"] == "figure"
    assert d["why"] is None and d["related"] == []
