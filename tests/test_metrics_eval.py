"""score_metrics: recall/precision of extracted metrics against a gold file."""
import json
from decimal import Decimal

import pytest

from corpus.errors import ExtractError
from extract.metrics_eval import DEFAULT_GOLD, score_metrics
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


def test_optional_items_are_neutral(gold_path):
    r = score_metrics([metric("上海市", "4.72", "万亿元", "CNY", "2023"), metric("某区", "12", "家", "count", None)], gold_path)
    assert r["precision"] == 1.0 and r["false_positives"] == []


def test_missing_gold_file_is_a_clear_error(tmp_path):
    with pytest.raises(ExtractError, match="gold file not found"):
        score_metrics([], tmp_path / "nope.json")


def test_default_gold_ships_with_the_tests():
    assert DEFAULT_GOLD.exists()
    assert score_metrics([])["gold"] > 0
