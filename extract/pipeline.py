"""The extraction pipeline: one article in, :class:`~extract.model.ArticleFacts` out.

``extract_article`` is deterministic, keeps no state between calls (models and lexicons are
read-only caches) and returns a picklable result, so articles can be extracted in worker
processes; ``extract_corpus`` merges the per-article facts (entity ids are computed per
article from canonical names, the merge only unions mentions and aliases).
"""
from __future__ import annotations

import functools
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from corpus.errors import ExtractError
from corpus.model import Article
from extract.coref import alias_definitions, find_anaphors
from extract.entities import find_entities
from extract.model import ArticleFacts, Entity, Metric, Relation, Span, entity_id
from extract.relations import find_relations, paper_of
from extract.resolve import merge_entities, rename_entity, resolve_article
from extract.scope_subjects import scope_entities_of
from extract.segment import tokenize

log = logging.getLogger(__name__)


def _tagger_spans(text: str, tokens=None) -> list[Span]:
    try:
        from extract.ner import load_tagger

        tagger = load_tagger()
        if tokens is not None and _accepts_word_spans(type(tagger).tag):
            # share our segmentation with the tagger's jieba features (saves one jieba pass)
            return tagger.tag(text, word_spans=[(t.start, t.end) for t in tokens])
        return tagger.tag(text)
    except (ImportError, ExtractError) as e:  # no model: rules only
        log.warning("statistical NER unavailable (%s); using rules only", e)
        return []


@functools.lru_cache(maxsize=4)
def _accepts_word_spans(fn) -> bool:
    import inspect

    try:
        return "word_spans" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def _find_metrics(article: Article, mentions: list[Span], tokens=None) -> list[Metric]:
    try:
        from extract.metrics import find_metrics
    except ImportError:
        return []
    return find_metrics(article, mentions, tokens)


def _sentences(article: Article) -> list[tuple[int, int]]:
    if article.sentences:
        return [(s.start, s.end) for s in article.sentences]
    from corpus.sentences import sentence_spans

    return sentence_spans(article.text) or [(0, len(article.text))]


def ner(text: str) -> list[Span]:
    """Typed entity spans of one text (a sentence or line), with the full type set (ORG,
    PLATFORM, PERSON, PLACE, EVENT, WORK), following newswire (MSRA) span conventions: the
    statistical tagger's PER/LOC/ORG spans are kept as tagged (ORG retyped by suffix: …平台 is
    a PLATFORM), administrative chains are split into their places, and rule spans fill in
    where the tagger found nothing.

    >>> [(s.text, s.label) for s in ner("记者王小明在上海市浦东新区报道")]
    [('王小明', 'PERSON'), ('上海市', 'PLACE'), ('浦东新区', 'PLACE')]
    """
    from extract.entities import TAGGER_TYPES, type_by_suffix

    tokens = tokenize(text)
    tagged = _tagger_spans(text, tokens)
    layer = find_entities(text, tokens=tokens, tagger_spans=tagged)
    rule = _split_chains(layer)
    # events and platforms are named things the tagger has no type for: they win over
    # tagger spans inside them
    wide = [r for r in rule if r.label in ("EVENT", "PLATFORM")]
    tagged = [t for t in tagged if not any(w.start <= t.start and t.end <= w.end and (w.start, w.end) != (t.start, t.end) for w in wide)]
    out: list[Span] = []
    for t in tagged:
        label = TAGGER_TYPES.get(t.label, t.label)
        if label == "ORG":
            label = type_by_suffix(t.text, "ORG")
        if label == "PLACE" and any(r.start == t.start and r.end == t.end and r.label == "PLACE" and r.name != r.text for r in layer.spans):
            continue  # a chain the tagger tagged whole: its pieces come from the rules
        out.append(Span(t.start, t.end, label, t.text, name=t.text))
    taken = bytearray(len(text) + 1)
    for s in out:
        taken[s.start : s.end] = b"\x01" * (s.end - s.start)
    for s in rule:
        if not any(taken[s.start : s.end]):
            out.append(s)
            taken[s.start : s.end] = b"\x01" * (s.end - s.start)
    return sorted(out, key=lambda s: s.start)


def _split_chains(layer) -> list[Span]:
    """Top-level spans of a layer, with administrative chains (one mention named after the
    last place) split back into their places."""
    top: list[Span] = []
    for s in sorted(layer.spans, key=lambda s: (s.start, -s.end)):
        if top and s.start < top[-1].end:
            continue
        top.append(s)
    out: list[Span] = []
    for s in top:
        if s.label == "PLACE" and s.name != s.text:
            pieces = [p for p in layer.spans if p.label == "PLACE" and s.start <= p.start and p.end <= s.end and p is not s]
            pos = s.start
            for p in sorted(pieces, key=lambda p: p.start):
                if p.start == pos:
                    out.append(p)
                    pos = p.end
            if pos < s.end:
                out.append(Span(pos, s.end, "PLACE", s.text[pos - s.start :], name=s.name))
            continue
        out.append(s)
    return out


def analyse_article(article: Article, *, tagger: bool = True):
    """Entities (resolved, with mentions) and relations of one article, without metrics.

    Returns ``(resolution, relations)``; :func:`extract_article` is the public entry point.
    """
    res, relations, _tokens = _analyse(article, tagger=tagger)
    return res, relations


def _analyse(article: Article, *, tagger: bool = True):
    """:func:`analyse_article`, also returning the article's tokens (the metrics reuse them)."""
    text = article.text
    sentences = _sentences(article)
    starts = [s for s, _ in sentences]
    tokens = tokenize(text)
    layer = find_entities(text, tokens=tokens, tagger_spans=_tagger_spans(text, tokens) if tagger else ())
    anaphors = find_anaphors(text, layer.spans)
    aliases = list(layer.aliases) + alias_definitions(text, layer.spans)
    res = resolve_article(article.id, text, starts, layer.spans, anaphors, aliases)

    paper = None
    name = paper_of(article.source, article.meta)
    if name and "本报" in text:
        paper = Span(0, 0, "ORG", name, entity_id(name), name, 0)
    relations = find_relations(article.id, text, sentences, res.mentions, layer.links, paper=paper)
    if paper is not None and any(r.tail == paper.entity for r in relations) and res.entity(paper.entity) is None:
        res.entities.append(Entity(paper.entity, name, "ORG"))
    # same-name people are kept apart by their organisation
    for r in relations:
        if r.relation == "works_for":
            ent = res.entity(r.head)
            if ent is not None and ent.type == "PERSON" and "~" not in ent.id:
                new = entity_id(ent.name, r.tail_name)
                rename_entity(res, ent.id, new)
                for x in relations:
                    if x.head == r.head and x is not r:
                        x.head = new
                    if x.tail == r.head:
                        x.tail = new
                r.head = new
    return res, relations, tokens


def extract_article(article: Article) -> ArticleFacts:
    """Entities, metrics and relations of one article, with offsets into ``article.text``.

    >>> from corpus.model import Article
    >>> facts = extract_article(Article(id="a1", text="华东理工大学经济学院副院长王小明表示，合作很重要。"))
    >>> sorted(e.name for e in facts.entities)
    ['华东理工大学', '华东理工大学经济学院', '王小明']
    >>> [(r.head_name, r.relation, r.tail_name, r.role) for r in facts.relations if r.relation == "works_for"]
    [('王小明', 'works_for', '华东理工大学经济学院', '副院长')]
    """
    res, relations, tokens = _analyse(article)
    metrics = _find_metrics(article, res.mentions, tokens)
    starts = [s for s, _ in _sentences(article)]
    entities = res.entities + scope_entities_of(article.text, article.id, starts, metrics, res.entities)
    return ArticleFacts(article.id, article.checksum, entities, metrics, relations)


@dataclass
class Extraction:
    """Facts of a whole corpus: merged entities, all metrics and relations, and the articles."""

    articles: list[Article] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    facts: list[ArticleFacts] = field(default_factory=list)

    def co_mentions(self) -> Counter:
        """How many sentences mention each pair of entities ``(head id, tail id)``."""
        return Counter((r.head, r.tail) for r in self.relations if r.relation == "co_mention")


def iter_extract(articles: Iterable[Article]) -> Iterator[ArticleFacts]:
    """Facts of each article as it is read: constant memory for a corpus of any size (the
    caller merges or stores them, e.g. with :func:`extract.resolve.merge_entities`)."""
    for art in articles:
        yield extract_article(art)


def extract_corpus(articles: Iterable[Article], *, keep_articles: bool = True) -> Extraction:
    """Extract every article and merge: entities are unioned by id (mentions, aliases,
    majority type); metrics and relations are concatenated.

    :param keep_articles: keep the Article objects in the result (turn off to bound memory)
    """
    out = Extraction()
    per_article = []
    for art in articles:
        facts = extract_article(art)
        if keep_articles:
            out.articles.append(art)
        out.facts.append(facts)
        per_article.append(facts.entities)
        out.metrics += facts.metrics
        out.relations += facts.relations
    out.entities = merge_entities(per_article)
    return out
