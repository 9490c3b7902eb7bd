"""Numbers, units and periods of figures: extract.numbers, extract.units, extract.periods."""
from decimal import Decimal

import pytest

from extract.numbers import compact, parse_number
from extract.periods import find_periods
from extract.units import normalise

# fmt: off
NUMBERS = [
    ("3710.8", "3710.8"),
    ("1,234,567", "1234567"),
    ("１２．５", "12.5"),
    ("十", "10"),
    ("十二", "12"),
    ("二十", "20"),
    ("一百零五", "105"),
    ("三千五百", "3500"),
    ("三千五百万", "35000000"),
    ("两万三千", "23000"),
    ("一亿两千万", "120000000"),
    ("二〇二三", "2023"),
]
NORMALISE = [
    # value, magnitude, unit -> base value, base unit
    ("3710.8", "亿", "美元", "371080000000", "USD"),
    ("3.17", "万亿", "元人民币", "3170000000000", "CNY"),
    ("1.36", "万亿", "元", "1360000000000", "CNY"),
    ("100", "", "P", "100000000000000000", "FLOPS"),
    ("2", "", "EFLOPS", "2000000000000000000", "FLOPS"),
    ("3.2", "", "%", "0.032", "ratio"),
    ("0.5", "", "个百分点", "0.5", "pp"),
    ("2", "", "成", "0.2", "ratio"),
    ("1", "", "半", "0.5", "ratio"),
    ("218", "万", "台", "2180000", "count"),
    ("10", "", "吨", "10000", "kg"),
    ("120", "万", "千瓦", "1200000000", "W"),
    ("5", "", "公里", "5000", "m"),
    ("14", "亿", "", "1400000000", "number"),
]
PERIODS = [
    # compact text, article date, periods found left to right
    ("2022年中国数字服务出口", "2023-09-05", ["2022"]),
    ("2019年至2022年，全球", None, ["2019-2022"]),
    ("2016—2020年，年均增长", None, ["2016-2020"]),
    ("2023年上半年，中国", None, ["2023H1"]),
    ("今年上半年，全国", "2023-07-20", ["2023H1"]),
    ("今年上半年，全国", None, ["今年上半年"]),
    ("去年第三季度", "2019-03-01", ["2018Q3"]),
    ("前三季度，全国", "20191018", ["2019Q1-Q3"]),
    ("1至6月，全国", "2021-07-15", ["2021H1"]),
    ("1—10月，全国", "2021-11-15", ["2021-01/2021-10"]),
    ("截至2023年6月底，我国", None, ["as_of:2023-06"]),
    ("截至去年底，全国", "2020-03-01", ["as_of:2019-12"]),
    ("到2025年，力争", None, ["2025"]),
    ("比去年同期增长", "2023-01-01", []),
    ("较2019年增长", None, []),
    ("今年6月正式上线", "2023-09-05", ["2023-06"]),
    ("截至目前，全国", "2023-09-05", [None]),
]
# fmt: on


@pytest.mark.parametrize("text,expected", NUMBERS)
def test_parse_number(text, expected):
    assert parse_number(text) == Decimal(expected)


def test_parse_number_rejects_words():
    with pytest.raises(ValueError):
        parse_number("abc")


@pytest.mark.parametrize("value,mag,unit,base,base_unit", NORMALISE)
def test_normalise(value, mag, unit, base, base_unit):
    assert normalise(Decimal(value), mag, unit) == (Decimal(base), base_unit)


def test_normalise_unknown_unit_is_none():
    assert normalise(Decimal(1), "", "furlong") == (None, None)


@pytest.mark.parametrize("text,date,expected", PERIODS)
def test_find_periods(text, date, expected):
    assert [p.period for p in find_periods(text, date)] == expected


@pytest.mark.parametrize("text", ["50 余 家\n单位", "同比增\n\n长 12.3%", "AI 2 台", "增长１２．３％", "全年增长5%。"])
def test_compact_maps_back_to_original_offsets(text):
    c, idx = compact(text)
    assert len(c) == len(idx)
    for ch, i in zip(c, idx):
        assert text[i] == ch or (ch == " " and text[i].isspace()) or (ord(text[i]) - ord(ch) == 0xFEE0)


# fmt: off
COMPACT = [
    ("全年增长5%。", "全年增长5%。"),
    ("增长１２．３％", "增长12.3%"),
    ("增长\u3000１２%", "增长12%"),
    ("50 余 家", "50余家"),
]
# fmt: on


@pytest.mark.parametrize("text,expected", COMPACT)
def test_compact_text(text, expected):
    assert compact(text)[0] == expected
