"""Q&A on the graph of the bundled sample, built with the real pipeline (tests/kg_support.py):
every seed example of ../shared/eval (copied to tests/data) and our own held-out questions."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from kg_support import make_store

from kg.qa import answer

DATA = Path(__file__).parent / "data"
#: accuracy the held-out questions must keep (measured 37/40 at first, 40/40 now: docs/qa.md)
HELDOUT_FLOOR = 0.8


def _load(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def passes(example: dict, a) -> bool:
    """The eval rule: found:false expected -> not found; else every inner list matched by one
    of its alternatives in the answer with all whitespace removed."""
    if example.get("found", True) is False:
        return not a.found
    text = "".join(a.answer.split())
    return a.found and all(any("".join(alt.split()) in text for alt in alts) for alts in example["expect"])


@pytest.fixture(scope="module")
def sample_store():
    with make_store() as store:
        yield store


def _check(store, example) -> None:
    """The answer passes the example's checks, and a found one carries facts, sources, SPARQL."""
    a = answer(store, example["q"])
    assert passes(example, a), a.answer
    if a.found:
        assert a.facts and a.sources and a.sparql


@pytest.mark.parametrize("example", _load("seed_qa_dev.jsonl"), ids=lambda e: e["id"])
def test_seed_dev(sample_store, example):
    _check(sample_store, example)


def test_heldout_accuracy(sample_store):
    examples = _load("qa_heldout.jsonl")
    answers = [(e, answer(sample_store, e["q"])) for e in examples]
    failed = [(e["id"], e["q"], a.answer) for e, a in answers if not passes(e, a)]
    accuracy = 1 - len(failed) / len(examples)
    assert accuracy >= HELDOUT_FLOOR, failed


@pytest.mark.parametrize("example", _load("qa_relations.jsonl"), ids=lambda e: e["id"])
def test_relation_questions(sample_store, example):
    """Relations asked from either end, in ordinary phrasings (written before the templates)."""
    _check(sample_store, example)


def test_found_false_answers_carry_no_figure(sample_store):
    for e in _load("seed_qa_dev.jsonl") + _load("qa_heldout.jsonl"):
        if e.get("found", True) is False:
            a = answer(sample_store, e["q"])
            assert a.facts == [] and a.sources == []
