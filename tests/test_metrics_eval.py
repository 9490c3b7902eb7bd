"""score_metrics: recall/precision of extracted metrics against a gold file."""
import json
from decimal import Decimal

import pytest

from corpus.errors import ExtractError
from extract.metrics_eval import DEFAULT_GOLD, period_span, score_figures, score_metrics, subject_name_matches
from extract.model import Metric

# fmt: off
GOLD = {"metrics": [
    {"id": "g1", "subject": ["上海市", "上海"], "indicator": "地区生产总值", "value": 4.72, "unit": "万亿元", "base_value": 4.72e12, "base_unit": "CNY", "period": "2023"},
    {"id": "g2", "subject": ["上海市", "上海"], "indicator": "地区生产总值同比增长", "value": 5.0, "unit": "%", "base_value": 0.05, "base_unit": "ratio", "period": "2023"},
    {"id": "g3", "subject": ["浦东新区"], "indicator": "企业数量", "value": 12, "unit": "家", "base_value": 12, "base_unit": "count", "period": None, "optional": True},
]}
# fmt: on


def metric(subject_name, value, unit, base_unit, period, subject=None):
    return Metric(subject, subject_name, "x", Decimal(value), unit, None, base_unit, None, "level", period,
                  "a", 0, 0, 1, "x")


@pytest.fixture
def gold_path(tmp_path):
    p = tmp_path / "gold.json"
    p.write_text(json.dumps(GOLD, ensure_ascii=False), encoding="utf-8")
    return p


def test_perfect(gold_path):
    r = score_metrics([metric("上海市", "4.72", "万亿元人民币", "CNY", "2023"), metric("上海", "5.0", "%", "ratio", "2023")], gold_path)
    assert (r["recall"], r["recall_period"], r["precision"]) == (1.0, 1.0, 1.0)
    assert r["misses"] == [] and r["false_positives"] == []


def test_wrong_period_counts_for_recall_only(gold_path):
    r = score_metrics([metric("上海市", "4.72", "万亿元", "CNY", "2022"), metric("上海市", "5", "%", "ratio", "2023")], gold_path)
    assert r["recall"] == 1.0 and r["recall_period"] == 0.5
    assert [w["gold"]["id"] for w in r["wrong_period"]] == ["g1"]


def test_wrong_subject_is_a_miss_and_a_false_positive(gold_path):
    r = score_metrics([metric("北京市", "4.72", "万亿元", "CNY", "2023")], gold_path)
    assert r["recall"] == 0.0 and r["precision"] == 0.0
    assert r["misses"][0]["same_value"][0]["subject_name"] == "北京市"


def test_subject_entity_id_counts(gold_path):
    r = score_metrics([metric("该市", "4.72", "万亿元", "CNY", "2023", subject="上海市")], gold_path)
    assert r["matched"] == 1


def test_optional_items_count_for_precision_not_recall(gold_path):
    r = score_metrics([metric("上海市", "4.72", "万亿元", "CNY", "2023"), metric("浦东新区", "12", "家", "count", None)], gold_path)
    assert r["precision"] == 1.0 and r["false_positives"] == [] and r["gold"] == 2


def test_optional_value_with_a_wrong_subject_is_a_false_positive(gold_path):
    r = score_metrics([metric("上海市", "4.72", "万亿元", "CNY", "2023"), metric("某区", "12", "家", "count", None)], gold_path)
    assert r["precision"] == 0.5


def test_missing_gold_file_is_a_clear_error(tmp_path):
    with pytest.raises(ExtractError, match="gold file not found"):
        score_metrics([], tmp_path / "nope.json")


def test_default_gold_ships_with_the_tests():
    assert DEFAULT_GOLD.exists()
    assert score_metrics([])["gold"] > 0


# --- the strict rules of ../shared/eval/README.md -------------------------------------------


def one(gold_item, pred):
    return score_figures([pred], [dict({"id": "g"}, **gold_item)])


G = {"subject": ["跨行业跨领域工业互联网平台"], "value": 28, "unit": "家", "base_value": 28, "base_unit": "count", "period": None}


@pytest.mark.parametrize("name,ok", [
    ("全国跨行业跨领域工业互联网平台", True),   # ends with an acceptable name
    ("跨行业跨领域工业互联网平台", True),
    ("工业互联网平台", False),                  # a part of the name is not the name
    ("跨行业跨领域工业互联网平台建设", False),
])
def test_subject_equal_or_ending_with_an_acceptable_name(name, ok):
    assert one(G, metric(name, "28", "家", "count", None))["recall"] == (1.0 if ok else 0.0)


def test_subject_ending_must_be_two_characters_and_compounds_do_not_count():
    assert not subject_name_matches("中国民航", ["中国"])
    assert not subject_name_matches("某市", ["市"])
    assert subject_name_matches("浙江省", ["浙江"]) and subject_name_matches("某某集团有限公司", ["某某"])


@pytest.mark.parametrize("value,unit,base,bu,ok", [
    ("4", "成", "0.4", "ratio", True),
    ("40", "%", "0.4", "ratio", True),       # same normalised value
    ("4", "%", "0.04", "ratio", False),      # 四成 is not 4%
])
def test_cheng_is_a_tenth(value, unit, base, bu, ok):
    gold = {"subject": ["中国"], "value": 4, "unit": "成", "base_value": 0.4, "base_unit": "ratio", "period": None}
    p = Metric(None, "中国", "x", Decimal(value), unit, Decimal(base), bu, None, "share", None, "a", 0, 0, 1, "x")
    assert bool(one(gold, p)["matched"]) is ok


def test_percentage_points_are_not_percent():
    gold = {"subject": ["中国"], "value": 0.3, "unit": "个百分点", "base_value": 0.3, "base_unit": "pp", "period": None}
    pct = Metric(None, "中国", "x", Decimal("0.3"), "%", Decimal("0.003"), "ratio", None, "yoy_growth", None, "a", 0, 0, 1, "x")
    pp = Metric(None, "中国", "x", Decimal("0.3"), "个百分点", Decimal("0.3"), "pp", None, "change", None, "a", 0, 0, 1, "x")
    assert one(gold, pct)["matched"] == 0 and one(gold, pp)["matched"] == 1


@pytest.mark.parametrize("gold_period,system,ok", [
    ("2024Q1", "2024-01/2024-03", True),
    ("2024H1", "2024-01/2024-06", True),
    ("2024", "2024-01/2024-12", True),
    ("2024", "2024H1", False),
    ("as_of:2024-06", "as_of:2024-06-30", True),
    ("as_of:2024-06", "2024-06", False),     # as of a day is not the month
    ("2019-2022", "2019-2022", True),
    (None, None, True),
    (None, "2024", False),
])
def test_period_covers_the_same_dates(gold_period, system, ok):
    gold = {"subject": ["中国"], "value": 5, "unit": "%", "base_value": 0.05, "base_unit": "ratio", "period": gold_period}
    r = one(gold, metric("中国", "5", "%", "ratio", system))
    assert r["matched"] == 1 and r["recall_period"] == (1.0 if ok else 0.0)


def test_each_gold_takes_one_system_figure_and_precision_counts_all():
    gold = [dict(G, id="a")]
    r = score_figures([metric("跨行业跨领域工业互联网平台", "28", "家", "count", None)] * 2, gold)
    assert r["matched"] == 1 and r["precision"] == 1.0  # both match the gold by value and subject
    r = score_figures([metric("跨行业跨领域工业互联网平台", "28", "家", "count", None),
                       metric("某平台", "5", "家", "count", None)], gold)
    assert r["precision"] == 0.5


def test_gold_doc_is_the_article():
    gold = [dict(G, id="a", doc="20150101-002")]
    p = metric("跨行业跨领域工业互联网平台", "28", "家", "count", None)
    assert score_figures([p], gold)["matched"] == 0  # article "a"
    p2 = Metric(None, p.subject_name, "x", p.value, p.unit, None, "count", None, "level", None, "20150101-002", 0, 0, 1, "x")
    assert score_figures([p2], gold)["matched"] == 1


def test_period_span_reads_every_notation():
    assert period_span("2023Q1-Q3") == period_span("2023-01/2023-09")
    assert period_span("2023-05-01/2023-05-05").first == "2023-05-01"
    assert period_span("今年") is None
