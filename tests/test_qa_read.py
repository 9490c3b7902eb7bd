"""Entity answers read from the text: the answer type a question asks for, and the entity of
that type in the sentences that name the question's entities and hold its words, marked as
read from the text with its sentence. Graph built with the real pipeline into an on-disk store
from short articles written for these tests (not the bundled sample)."""
from __future__ import annotations

import json

import pytest

from kg.build import build
from kg.qa import answer
from kg.qa_read import answer_type
from kg.store import open_store

STORIES = [
    {"id": "r-1", "date": "2022-05-10", "title": "水电站投产",
     "text": "长江上，三峡水电站的32台机组全部投产，年发电量超过1000亿度。\n"
             "自2019年7月开通以来，成都天府通平台已接入800项政务服务事项。"},
    {"id": "r-3", "date": "2023-10-20", "title": "5G网络",
     "text": "工业和信息化部10月20日发布数据，截至9月底，我国累计建成5G基站318.9万个。"},
    {"id": "r-4", "date": "2023-09-01", "title": "算力中心",
     "text": "据了解，南山智算中心今年6月正式上线。\n"
             "清华大学与北京大学近日联合发布的《算力发展报告》显示，全国算力规模持续增长。"},
    {"id": "r-5", "date": "2023-02-20", "title": "技术合同",
     "text": "科学技术部今天发布，2022年全国技术合同成交额达4.8万亿元。\n北京市科学技术委员会表示将继续推进技术转移。"},
    {"id": "r-2", "date": "2021-03-02", "title": "货运航空",
     "text": "作为东方航空的机长，王建国已经累积了5000多个小时飞行时数。\n"
             "春节期间，王建国和同事们依然坚守岗位。"},
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("read")
    corpus = folder / "news.jsonl"
    corpus.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in STORIES), encoding="utf-8")
    st = open_store(folder / "store")
    build([str(corpus)], st, workers=1, progress=False)
    yield st


@pytest.mark.parametrize("question, kind", [
    ("哪个部门发布了数据？", "ORG"), ("张三是谁？", "PERSON"), ("第10万列中欧班列从哪里开出？", "PLACE"),
    ("水电站在哪条江上？", "PLACE"), ("平台什么时候上线？", "DATE"), ("王五是做什么的？", "ROLE"),
    ("2022年粮食产量是多少？", None), ("谁发布了这组数据？", "ORG"),
])
def test_answer_type(question, kind):
    assert answer_type(question)[0] == kind


@pytest.mark.parametrize("question, expect, kind", [
    ("三峡水电站在哪条江上？", "长江", "place"),
    ("王建国是做什么的？", "机长", "role"),
    ("哪个部门发布了5G基站的数据？", "工业和信息化部", "organisation"),  # no entity named: the figure's sentence
    ("谁发布了5G基站数据？", "工业和信息化部", "organisation"),
    ("南山智算中心什么时候正式上线？", "今年6月", "date"),
])
def test_read_from_text(store, question, expect, kind):
    a = answer(store, question)
    assert a.found, a.answer
    assert expect in a.answer and "据原文" in a.answer
    assert a.template == "read_from_text" and a.understood["answer_type"] == kind
    assert a.sources and expect in a.sources[0].sentence
    s = a.sources[0]
    text = next(st["text"] for st in STORIES if st["id"] == s.article)
    assert text[s.span[0]:s.span[1]] in a.answer  # offsets slice the text


def test_nothing_read_when_the_sentence_lacks_the_asked_words(store):
    a = answer(store, "三峡水电站在哪个省的山区？")
    assert not a.found, a.answer


def test_two_answers_when_two_are_asked(store):
    a = answer(store, "哪两家机构联合发布了算力发展报告？")
    assert a.found, a.answer
    assert "清华大学" in a.answer and "北京大学" in a.answer and len(a.facts) == 2


def test_relative_date_made_exact_by_the_story_date(store):
    assert "今年6月（即2023年6月）" in answer(store, "南山智算中心什么时候正式上线？").answer


def test_who_published_a_figure_of_another_subject_is_not_read(store):
    a = answer(store, "全国技术合同成交额是哪个部门发布的？")
    assert a.found and "科学技术部" in a.answer, a.answer
    a = answer(store, "北京技术合同成交额是哪个部门发布的？")  # only the national figure: not 北京's
    assert "科学技术部" not in a.answer, a.answer
