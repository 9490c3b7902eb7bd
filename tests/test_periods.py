"""The one period grammar (extract/periods.py + data/periods.tsv, data/holidays.tsv) and the
one magnitude table, pinned on sentences written for these tests; kg.qa_parse reads the same."""
from decimal import Decimal

import pytest

from extract.numbers import parse_number
from extract.periods import REL_YEARS, find_periods, vocabulary
from extract.units import magnitudes, normalise
from kg.qa_parse import parse_periods


def periods(text, date):
    return [(p.period, p.kind) for p in find_periods(text, date)]


@pytest.mark.parametrize("word,factor", [("千万", "1e7"), ("万亿", "1e12"), ("亿", "1e8"), ("万", "1e4"), ("百万", "1e6")])
def test_magnitudes(word, factor):
    assert magnitudes()[word] == Decimal(factor)


def test_magnitude_normalises_a_figure_and_chinese_numerals_agree():
    assert normalise(Decimal("3"), "千万", "元") == (Decimal("30000000"), "CNY")
    assert parse_number("三千万") == Decimal("30000000") and parse_number("两亿") == Decimal("200000000")


@pytest.mark.parametrize("text,date,expected", [
    ("到2023年，产量达到", "2023-05-10", [("2023", "target")]),          # the story's own year: a target, not as-of
    ("到2025年，产量将达到", "2023-05-10", [("2025", "target")]),
    ("到2022年底，累计建成", "2023-05-10", [("as_of:2022-12", "as_of")]),  # an earlier year end: as of then
    ("2023年前三季度，产量", "2024-01-10", [("2023Q1-Q3", "point")]),      # not 2023年前 (before 2023)
    ("2022年上半年，产量", "2024-07-01", [("2022H1", "point")]),           # an explicit year wins over the date
])
def test_years_and_targets(text, date, expected):
    assert periods(text, date) == expected


@pytest.mark.parametrize("text,expected", [
    ("今年一季度，产量", "2024Q1"),
    ("去年，产量", "2023"),
    ("前年，产量", "2022"),
    ("前4个月，产量", "2024-01/2024-04"),
    ("1至4月，产量", "2024-01/2024-04"),
    ("1—4月份，产量", "2024-01/2024-04"),
    ("上半年，产量", "2024H1"),
    ("截至5月底，累计", "as_of:2024-05"),
    ("目前，已有", "as_of:2024-07-15"),
    ("今天，铁路发送旅客", "2024-07-15"),
])
def test_periods_relative_to_the_story_date(text, expected):
    assert find_periods(text, "2024-07-15")[0].period == expected


def test_relative_periods_without_a_story_date_stay_as_written():
    assert [p.period for p in find_periods("今年6月上线", None)] == ["今年6月"]
    assert [p.period for p in find_periods("目前，已有", "2023")] == [None]  # no day to be "as of"


def test_comparison_bases_are_not_periods():
    assert find_periods("比去年同期增长5%", "2024-07-15") == []


@pytest.mark.parametrize("text,date,expected", [
    ("春节假期，全国", "2018-02-21", "2018-02-15/2018-02-21"),
    ("今年五一假期，全国", "2023-05-04", "2023-04-29/2023-05-03"),
    ("国庆假日期间，全国铁路", "2015-10-02", "2015-10-01/2015-10-07"),
    ("2019年春节期间，全国", "2023-01-01", "2019-02-04/2019-02-10"),   # the written year wins
])
def test_holidays_are_their_days_off(text, date, expected):
    assert find_periods(text, date)[0].period == expected


def test_a_day_of_a_holiday_is_not_the_holiday():
    assert periods("今天是国庆假期首日", "2015-10-01") == [("2015-10-01", "day")]


def test_questions_read_the_same_grammar():
    assert [p.value for p in parse_periods("2023年前三季度的产量")] == ["2023Q1-Q3"]
    assert [p.value for p in parse_periods("2021年1至4月的出口")] == ["2021-01/2021-04"]
    for word in vocabulary()["rel_year"]:
        assert [p.value for p in parse_periods(f"某市{word}的产量")] == [word]
    assert set(REL_YEARS) == set(vocabulary()["rel_year"])


@pytest.mark.parametrize("text,expected", [
    ("这五年，全省", "2011-2015"),     # this year included
    ("过去10年，全省", "2005-2014"),   # the years before this one
])
def test_spans_of_years_up_to_the_story(text, expected):
    assert find_periods(text, "2015-09-16")[0].period == expected


def test_since_a_month_runs_to_the_story_month():
    assert find_periods("自2018年10月开通以来，平台已接入", "2019-03-02")[0].period == "2018-10/2019-03-02"
    assert find_periods("2018年以来，全省", "2019-03-02")[0].period == "2018-2019"
