"""What `ask` does to stay fast on a big graph gives the same answers: figures of an entity or
indicator with many of them are narrowed to those that may answer before they are read (here
forced on the bundled sample with NARROW_FROM = 0), and an organisation with many people is
answered with its most reported ones and the total."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from kg_support import make_store

from kg import qa
from kg.qa import answer
from qa_support import hand_store

DATA = Path(__file__).parent / "data"

# fmt: off
PEOPLE = [
    # (question, people the graph holds for the organisation)
    ("哪些人来自国家统计局？", 2),
]
# fmt: on


def _questions() -> list[str]:
    out = []
    for name in ("seed_qa_dev.jsonl", "qa_heldout.jsonl"):
        out += [json.loads(l)["q"] for l in (DATA / name).read_text(encoding="utf-8").splitlines() if l.strip()]
    return out


@pytest.fixture(scope="module")
def sample_store():
    with make_store() as store:
        yield store


def test_narrowed_figures_give_the_same_answers(sample_store, monkeypatch):
    questions = _questions()
    full = [answer(sample_store, q).to_dict() for q in questions]
    monkeypatch.setattr(qa, "NARROW_FROM", 0)
    narrowed = [answer(sample_store, q).to_dict() for q in questions]
    assert sum(a["template"] in ("metric_value", "metric_trend", "metric_compare") for a in full) >= 10
    assert narrowed == full


@pytest.mark.parametrize("question, people", PEOPLE)
def test_many_people_listed_with_their_total(question, people, monkeypatch):
    store = hand_store()
    whole = answer(store, question)
    assert whole.found and "共" not in whole.answer
    monkeypatch.setattr(qa, "MAX_PEOPLE", people - 1)
    capped = answer(store, question)
    assert capped.found and f"共{people}人" in capped.answer and f"列出报道最多的{people - 1}人" in capped.answer
    assert "org_people" in capped.sparql or "worksFor" in capped.sparql  # the full list's query is shown
    assert len({f.subject for f in capped.facts}) == people - 1 and capped.sources


def test_figures_counted_from_the_index_as_the_query_counts(sample_store):
    """top_metrics counts figures per subject from the indicator index: the same numbers
    as the query it shows (top_metric_subjects.rq)."""
    from kg.qa_metrics import indicator_index
    from kg.qa_parse import load_query
    from kg.vocab import PREFIXES

    rows = sample_store.query(load_query("top_metric_subjects.rq"), prefixes=PREFIXES, use_default_graph_as_union=True)
    counted = {r["subject"].value: int(r["n"].value) for r in rows}
    index = {s: len(keys) for s, keys in indicator_index(sample_store).by_subject.items()}
    assert counted and index == counted
