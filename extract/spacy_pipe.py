"""newskg's extraction as a spaCy pipeline component, for people who already run spaCy
(``pip install newskg[spacy]``; spaCy is not needed by newskg itself).

``nlp = spacy.blank("zh"); nlp.add_pipe("newskg")`` (found through the ``spacy_factories``
entry point, no import needed) runs :func:`extract.pipeline.extract_article` on each text and
writes what it finds into the Doc:

- ``doc.ents``: entity mentions labelled with our types (ORG, PLATFORM, PERSON, PLACE, EVENT,
  WORK), ``kb_id_`` = the entity id; where mentions overlap the longest is kept (spaCy's
  ``filter_spans``);
- ``doc.spans["entities"]``: every mention, overlaps included;
- ``doc.spans["figures"]``: the figures, labelled with their kind (level, yoy_growth ...), and
  ``span._.newskg_figure`` = subject, indicator, value, unit, normalised value and unit,
  qualifier and period (strings).

With spaCy's default Chinese tokenizer (one token per character) every span has exactly our
character offsets; with a word segmenter (jieba, pkuseg) a span that cuts a word is widened to
whole tokens. :func:`facts_doc` builds the same Doc from facts already extracted (the DocBin
of ``newskg extract --format spacy``).
"""
from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.util import filter_spans

from corpus.model import Article
from extract.model import ArticleFacts
from extract.pipeline import extract_article

FIGURE_ATTR = "newskg_figure"
if not Span.has_extension(FIGURE_ATTR):
    Span.set_extension(FIGURE_ATTR, default=None)


def _span(doc: Doc, start: int, end: int, label: str, kb_id: str = "") -> Span | None:
    return doc.char_span(start, end, label=label, kb_id=kb_id, alignment_mode="expand")


def annotate(doc: Doc, facts: ArticleFacts) -> Doc:
    """Write ``facts`` (extracted from ``doc.text``) into ``doc``: ents, entity spans, figures."""
    mentions = []
    for e in facts.entities:
        for m in e.mentions:
            span = _span(doc, m.start, m.end, e.type, e.id)
            if span is not None:
                mentions.append(span)
    mentions.sort(key=lambda s: (s.start_char, s.end_char))
    doc.spans["entities"] = mentions
    doc.ents = filter_spans(mentions)
    figures = []
    for m in facts.metrics:
        span = _span(doc, m.start, m.end, m.kind)
        if span is None:
            continue
        span._.set(FIGURE_ATTR, {
            "subject": m.subject_name, "subject_id": m.subject or "", "indicator": m.indicator,
            "value": str(m.value), "unit": m.unit,
            "base_value": "" if m.base_value is None else str(m.base_value), "base_unit": m.base_unit or "",
            "qualifier": m.qualifier or "", "period": m.period or "",
        })
        figures.append(span)
    doc.spans["figures"] = figures
    return doc


class NewskgComponent:
    """The ``newskg`` pipe: extraction of each Doc's text into ents and span groups."""

    def __call__(self, doc: Doc) -> Doc:
        """Extract from ``doc.text`` (the article date, for relative periods such as 今年, may
        be given as ``doc.user_data["date"]``) and annotate the doc."""
        date = doc.user_data.get("date") if doc.user_data else None
        facts = extract_article(Article(id=doc.user_data.get("id", "doc") if doc.user_data else "doc",
                                        text=doc.text, date=date))
        return annotate(doc, facts)


@Language.factory("newskg")
def make_component(nlp: Language, name: str) -> NewskgComponent:
    """spaCy factory of the ``newskg`` pipe (registered by the ``spacy_factories`` entry point)."""
    return NewskgComponent()


def facts_doc(nlp: Language, article: Article, facts: ArticleFacts) -> Doc:
    """A Doc of ``article`` (tokenized by ``nlp``, no pipes run) annotated with ``facts``;
    ``user_data`` holds the article's id, title and date."""
    doc = nlp.make_doc(article.text)
    for key, value in (("id", article.id), ("title", article.title), ("date", article.date)):
        if value:
            doc.user_data[key] = value
    return annotate(doc, facts)


def doc_bin(pairs: Iterable[tuple[Article, ArticleFacts]], lang: str = "zh") -> DocBin:
    """A DocBin (spaCy's binary corpus format, read by annotation tools and ``spacy train``) of
    the articles with their facts, one Doc per article, tokenized by ``spacy.blank(lang)``."""
    import spacy

    nlp = spacy.blank(lang)
    out = DocBin(store_user_data=True)
    for article, facts in pairs:
        out.add(facts_doc(nlp, article, facts))
    return out


__all__ = ["FIGURE_ATTR", "NewskgComponent", "annotate", "doc_bin", "facts_doc", "make_component"]
