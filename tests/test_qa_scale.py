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


def test_best_possible_bounds_the_score(sample_store):
    """No figure scores above the bound used to choose which figures to read first."""
    from pyoxigraph import NamedNode, Variable

    from kg.qa_metrics import ObsKey, best_possible, indicator_index, metric_ask, observations, score
    from kg.qa_parse import load_query
    from kg.vocab import PREFIXES

    index = indicator_index(sample_store)
    figures = []
    for ind in index.by_indicator:
        rows = sample_store.query(load_query("indicator_metrics.rq"), prefixes=PREFIXES, use_default_graph_as_union=True,
                                  substitutions={Variable("ind"): NamedNode(ind)})
        figures += observations(rows)
    assert len(figures) >= 10
    for q in _questions():
        ask = metric_ask(q)
        for o in figures:
            key = ObsKey(o.iri, o.subject, o.subject_name, o.indicator, o.kind)
            assert best_possible(ask, key) >= score(ask, o) - 1e-9, (q, o.indicator)


def test_too_many_figures_read_best_first_and_said(sample_store, monkeypatch):
    monkeypatch.setattr(qa, "NARROW_FROM", 0)
    monkeypatch.setattr(qa, "MAX_READ", 1)
    found = [a for a in (answer(sample_store, q) for q in _questions()) if a.found and a.template == "metric_value"]
    assert found
    assert any("另有" in a.answer and "未读取" in a.answer for a in found)


def test_entity_with_many_figures_says_its_total(sample_store, monkeypatch):
    from kg.qa_link import label_index
    from kg.qa_metrics import indicator_index

    subject, keys = max(indicator_index(sample_store).by_subject.items(), key=lambda kv: len(kv[1]))
    assert len(keys) >= 2
    name = label_index(sample_store).entities[subject].name
    whole = answer(sample_store, f"{name}有哪些指标？")
    monkeypatch.setattr(qa, "MAX_READ", 1)
    capped = answer(sample_store, f"{name}有哪些指标？")
    assert whole.found and capped.found and len(capped.facts) == 1
    assert f"共{len(keys)}项，读取了最新的1项" in capped.answer and f"（{len(keys)}项）" in capped.answer
