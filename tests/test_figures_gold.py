"""extract.figures_gold: a figures gold file scored with the real pipeline, on the bundled
sample or on CCTV stories named by id."""
import json

import pytest

from corpus.errors import ExtractError
from corpus.shared_data import SHARED_ENV
from extract.figures_gold import load_stories, score_gold_file, summary_lines

STORY = "20150101-000"  # 上海外滩踩踏事件: 截至…已造成35人死亡，43人受伤


def _gold(tmp_path, items):
    p = tmp_path / "gold.json"
    p.write_text(json.dumps({"metrics": items}, ensure_ascii=False), encoding="utf-8")
    return p


def test_sample_gold_scores_strictly_at_full_recall():
    r = score_gold_file()
    assert (r["recall"], r["recall_period"]) == (1.0, 1.0) and r["precision"] >= 0.95


def test_cctv_gold_skips_cleanly_without_the_shared_data(tmp_path, monkeypatch):
    monkeypatch.setenv(SHARED_ENV, str(tmp_path / "absent"))
    gold = _gold(tmp_path, [{"id": "a", "doc": STORY, "subject": ["上海"], "value": 35, "unit": "人"}])
    r = score_gold_file(gold)
    assert "skipped" in r and "not found" in r["skipped"]
    assert summary_lines(r)[0].startswith("skipped:")


def test_cctv_gold_runs_the_pipeline_on_the_named_story(tmp_path, shared):
    gold = _gold(tmp_path, [
        {"id": "a", "doc": STORY, "subject": ["外滩拥挤踩踏事件", "踩踏事件", "事件"], "value": 43, "unit": "人",
         "base_value": 43, "base_unit": "count", "period": None},
        {"id": "b", "doc": "20150101-001", "subject": ["不存在的主体"], "value": 43, "unit": "人",
         "base_value": 43, "base_unit": "count", "period": None},
    ])
    r = score_gold_file(gold)
    assert r["gold"] == 2 and r["articles"] >= 2
    doc_b = [m for m in r["misses"] if m["gold"]["id"] == "b"]
    assert doc_b and doc_b[0]["same_value"] == []  # 43人 of the other story is not this one's


def test_unknown_story_is_a_clear_error(shared):
    with pytest.raises(ExtractError, match="stories not found"):
        load_stories({"20150101-999"})
