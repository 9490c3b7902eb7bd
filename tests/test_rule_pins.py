"""Core rules pinned through the public extraction API, each written against a deliberate
one-line bug that once passed the whole suite (issue 21; docs/testing.md): a magnitude word's
factor, and a target year in a story of that same year. The third, one blank line splitting a
plain article, is pinned in tests/test_corpus_layout.py."""
from __future__ import annotations

from decimal import Decimal

import pytest

from corpus.articles import articles_from_text
from extract.metrics import find_metrics


def _figure(text: str, date: str | None, surface: str):
    article = articles_from_text(text, layout="single", date=date)[0]
    found = [m for m in find_metrics(article) if "".join(m.text.split()) == surface]
    assert found, f"{surface} not read from {text}"
    return found[0]


@pytest.mark.parametrize("text,surface,base", [
    ("该项目总投资3千万元。", "3千万元", "30000000"),
    ("全市常住人口达到1.2千万人。", "1.2千万人", "12000000"),
    ("该县粮食产量五百万吨。", "五百万吨", "5000000000"),
])
def test_magnitude_words_scale_the_figure(text, surface, base):
    assert _figure(text, None, surface).base_value == Decimal(base)


@pytest.mark.parametrize("text,date,surface,period,qualifier", [
    ("到2023年，全省新能源汽车产量将达到50万辆。", "2023-03-01", "50万辆", "2023", "target"),   # the story's own year
    ("到2023年底，全省充电桩将达到8万个。", "2023-03-01", "8万个", "2023", "target"),           # not as of its end
    ("到2025年，全省新能源汽车产量将达到50万辆。", "2023-03-01", "50万辆", "2025", "target"),
])
def test_a_year_not_yet_over_is_a_target(text, date, surface, period, qualifier):
    m = _figure(text, date, surface)
    assert (m.period, m.qualifier) == (period, qualifier)


def test_a_year_already_over_is_as_of_its_end():
    m = _figure("到2018年底，全省新能源汽车保有量达到50万辆。", "2019-03-01", "50万辆")
    assert m.period == "as_of:2018-12" and m.qualifier != "target"
