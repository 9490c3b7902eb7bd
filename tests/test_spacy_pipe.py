"""newskg as a spaCy component (`nlp.add_pipe("newskg")`) and `newskg extract --format spacy`
(a DocBin): doc.ents carry our types and offsets, doc.spans["figures"] our figures."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from corpus import read_corpus
from corpus.model import Article
from extract.pipeline import extract_article
from newskg.cli import cli

spacy = pytest.importorskip("spacy")
from spacy.tokens import DocBin  # noqa: E402

from extract.spacy_pipe import FIGURE_ATTR  # noqa: E402


@pytest.fixture(scope="module")
def articles():
    return list(read_corpus())


def expected(article):
    facts = extract_article(article)
    mentions = {(m.start, m.end, e.type, e.id) for e in facts.entities for m in e.mentions}
    figures = [(m.start, m.end, m.kind, m.indicator, str(m.value), m.unit, m.period or "") for m in facts.metrics]
    return mentions, sorted(figures)


def spans(doc):
    ents = {(e.start_char, e.end_char, e.label_, e.kb_id_) for e in doc.ents}
    all_mentions = {(s.start_char, s.end_char, s.label_, s.kb_id_) for s in doc.spans["entities"]}
    figures = sorted((s.start_char, s.end_char, s.label_, s._.get(FIGURE_ATTR)["indicator"],
                      s._.get(FIGURE_ATTR)["value"], s._.get(FIGURE_ATTR)["unit"], s._.get(FIGURE_ATTR)["period"])
                     for s in doc.spans["figures"])
    return ents, all_mentions, figures


def test_add_pipe_by_name_gives_our_entities_and_figures(articles):
    nlp = spacy.blank("zh")
    nlp.add_pipe("newskg")  # found through the spacy_factories entry point
    total_figures = 0
    for article in articles:
        doc = nlp(article.text)
        mentions, figures = expected(Article(id="doc", text=article.text))  # the pipe sees the text only
        ents, all_mentions, got_figures = spans(doc)
        assert all_mentions == mentions  # every mention, exact offsets, our types and ids
        assert ents and ents <= mentions  # doc.ents: the non-overlapping ones
        assert len(ents) == len({(s, e) for s, e, *_ in ents})
        assert got_figures == figures
        for s in doc.spans["figures"]:
            assert s.text == article.text[s.start_char:s.end_char]
        total_figures += len(figures)
    assert total_figures > 0


def test_extract_format_spacy_writes_a_docbin(articles, tmp_path):
    out = tmp_path / "sample.spacy"
    res = CliRunner().invoke(cli, ["extract", "--format", "spacy", "-o", str(out)])
    assert res.exit_code == 0, res.output
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("zh").vocab))
    assert [d.user_data["id"] for d in docs] == [a.id for a in articles]
    for doc, article in zip(docs, articles):
        assert doc.text == article.text
        mentions, figures = expected(article)
        ents, all_mentions, got_figures = spans(doc)
        assert all_mentions == mentions and ents <= mentions and got_figures == figures


def test_extract_format_spacy_needs_an_output():
    res = CliRunner().invoke(cli, ["extract", "--format", "spacy"])
    assert res.exit_code != 0 and "-o FILE" in res.output
