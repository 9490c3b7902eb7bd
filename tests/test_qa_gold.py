"""The strict Q&A scoring (kg/qa_gold.py) and, when the CCTV stories are at hand, the dev
questions of eval/qa/dev.jsonl on the graph of exactly their stories."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.qa_gold import contains_figure, is_right, load_questions

DEV = Path(__file__).resolve().parents[1] / "eval" / "qa" / "dev.jsonl"
#: dev questions right, measured 45/64 (docs/qa.md); the floor keeps a margin
DEV_FLOOR = 40


@pytest.mark.parametrize("text, alt, hit", [
    ("增长7.3%。", "7.3%", True), ("增长17.3%。", "7.3%", False), ("共16台机组", "16", True),
    ("共160台", "16", False), ("达到3.6万", "3.6万", True), ("为23.5%", "3.5%", False),
    ("1274项。", "1274", True), ("16.5台", "16", False), ("人次 13.83 亿", "13.83亿", True),
])
def test_numbers_are_not_found_inside_longer_numbers(text, alt, hit):
    assert contains_figure(text, alt) is hit


def test_found_false_is_right_only_when_not_found():
    assert is_right({"q": "x", "found": False}, False, "语料中没有找到")
    assert not is_right({"q": "x", "found": False}, True, "为5%")
    assert not is_right({"q": "x", "expect": [["5%"]]}, False, "为5%")
    assert is_right({"q": "x", "expect": [["5%"], ["7"]]}, True, "为5%和7个")


def test_bad_line_names_file_and_line(tmp_path):
    from corpus.errors import NewskgError

    path = tmp_path / "q.jsonl"
    path.write_text('{"q": "a", "found": false}\n{"q": \n', encoding="utf-8")
    with pytest.raises(NewskgError, match=r"q\.jsonl:2"):
        load_questions(path)


def test_dev_questions(tmp_path, shared):
    from kg.qa_gold import build_story_store, score_questions

    questions = load_questions(DEV)
    store = build_story_store({q["doc"] for q in questions}, tmp_path / "store")
    scored = score_questions(questions, store)
    assert [s.id for s in scored if s.absent and s.found] == []  # never an answer to an absent question
    assert sum(s.right for s in scored) >= DEV_FLOOR
