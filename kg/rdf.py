"""Facts -> RDF: the triples of one article's named graph, and back again.

An article's graph holds its schema:NewsArticle node (with the checksum incremental builds
compare), its sentences, the entities it mentions (type, names), mention nodes, metric
observations, and relations both as direct triples and as nkg:RelationStatement nodes. Every
derived node points to its sentence with ``prov:wasDerivedFrom``. See docs/ontology.md.

>>> from extract.model import ArticleFacts
>>> g = article_graph(None, ArticleFacts(article="a1", checksum="c0ffee"))
>>> g.graph.value, g.n_triples
('https://newskg.org/graph/a1', 4)
"""
from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Iterable, Iterator

from pyoxigraph import Literal, NamedNode, Triple

from corpus.errors import GraphError
from corpus.model import Article
from extract.model import ArticleFacts, Entity, Mention, Metric, Relation
from kg.vocab import (
    article_iri,
    entity_iri,
    graph_iri,
    indicator_iri,
    mention_iri,
    observation_iri,
    sentence_iri,
    statement_iri,
    term,
)

RDF_TYPE = term("rdf:type")
XSD_DECIMAL = term("xsd:decimal")
XSD_INTEGER = term("xsd:integer")
XSD_DATE = term("xsd:date")
XSD_ANYURI = term("xsd:anyURI")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LANG = "zh"


def _load_tsv(name: str) -> list[list[str]]:
    """Rows of a tab-separated data file in kg/data/ (``#`` lines are comments)."""
    text = resources.files("kg").joinpath("data", name).read_text(encoding="utf-8")
    rows = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) < 2:
            raise GraphError("expected tab-separated columns", path=f"kg/data/{name}", line=lineno)
        rows.append(cells)
    return rows


@functools.lru_cache(maxsize=None)
def type_classes() -> dict[str, NamedNode]:
    """Entity type -> RDF class, from kg/data/types.tsv.

    >>> type_classes()["ORG"].value
    'https://schema.org/Organization'
    """
    return {row[0]: term(row[1]) for row in _load_tsv("types.tsv")}


@functools.lru_cache(maxsize=None)
def class_types() -> dict[str, str]:
    """RDF class IRI -> entity type (the first type listed for the class)."""
    out: dict[str, str] = {}
    for t, cls in type_classes().items():
        out.setdefault(cls.value, t)
    return out


@dataclass(frozen=True)
class RelationMapping:
    """How a relation name becomes RDF (one row of kg/data/relations.tsv)."""

    predicate: NamedNode
    role_property: NamedNode
    statement: bool = True
    symmetric: bool = False


@functools.lru_cache(maxsize=None)
def _relation_table() -> dict[str, RelationMapping]:
    out = {}
    for row in _load_tsv("relations.tsv"):
        row = row + ["nkg:role", "yes", "no"][len(row) - 2:]
        out[row[0]] = RelationMapping(term(row[1]), term(row[2]), row[3] == "yes", row[4] == "yes")
    return out


@functools.lru_cache(maxsize=None)
def relation_mapping(relation: str) -> RelationMapping:
    """The RDF mapping of a relation name, from kg/data/relations.tsv.

    >>> m = relation_mapping("works_for")
    >>> m.predicate.value, m.role_property.value, m.statement
    ('https://schema.org/worksFor', 'https://schema.org/jobTitle', True)
    >>> relation_mapping("funded_by").predicate.value
    'https://newskg.org/ns#fundedBy'
    """
    table = _relation_table()
    if relation in table:
        return table[relation]
    camel = re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), relation.strip().lower())
    if not re.fullmatch(r"[a-z][A-Za-z0-9]*", camel):
        raise GraphError(f"relation name {relation!r} cannot become a predicate (use lower_snake_case)")
    return RelationMapping(term(f"nkg:{camel}"), term("nkg:role"))


def relation_predicates() -> dict[str, NamedNode]:
    """Relation name -> direct predicate for every relation listed in relations.tsv."""
    return {name: m.predicate for name, m in _relation_table().items()}


def _zh(text: str) -> Literal:
    return Literal(text, language=_LANG)


def _int(n: int) -> Literal:
    return Literal(str(int(n)), datatype=XSD_INTEGER)


def decimal_literal(value: Decimal | int | float | str) -> Literal:
    """An xsd:decimal literal in canonical-ish plain notation (never an exponent).

    >>> decimal_literal(Decimal("3.7108E+11")).value
    '371080000000'
    >>> decimal_literal(Decimal("0.0320")).value
    '0.032'
    """
    try:
        d = Decimal(str(value))
    except InvalidOperation as e:
        raise GraphError(f"not a decimal number: {value!r}") from e
    if not d.is_finite():
        raise GraphError(f"not a finite decimal number: {value!r}")
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    return Literal(s, datatype=XSD_DECIMAL)


@dataclass
class ArticleGraph:
    """One article's named graph, ready to load: compact (N-Triples text) and picklable, so
    worker processes can build it and one writer can load it."""

    article: str
    checksum: str
    nt: str
    n_triples: int
    entities: tuple[str, ...] = ()
    metrics: int = 0
    relations: int = 0

    @property
    def graph(self) -> NamedNode:
        """The named graph IRI."""
        return graph_iri(self.article)


@dataclass
class _Builder:
    article_id: str
    triples: list[Triple] = field(default_factory=list)
    seen: set = field(default_factory=set)

    def add(self, s, p, o) -> None:
        t = Triple(s, p, o)
        if t not in self.seen:
            self.seen.add(t)
            self.triples.append(t)


def article_triples(article: Article | None, facts: ArticleFacts, *, version: str | None = None) -> list[Triple]:
    """All triples of the article's named graph (graph IRI: :func:`kg.vocab.graph_iri`).

    :param article: the article (title, date, sentences ...); None to map the facts alone.
    :param facts: what extraction found in it; ``facts.article`` must be the article's id.
    :param version: the extractor version that made the facts (``nkg:extractorVersion``,
        see :mod:`kg.code_version`), which builds compare.
    :raises GraphError: if ids disagree or a value cannot be written as RDF.
    """
    aid = facts.article
    if article is not None and article.id != aid:
        raise GraphError(f"facts of article {aid!r} given with article {article.id!r}")
    b = _Builder(aid)
    a = article_iri(aid)
    b.add(a, RDF_TYPE, term("schema:NewsArticle"))
    b.add(a, term("schema:identifier"), Literal(aid))
    b.add(a, term("nkg:checksum"), Literal(facts.checksum or (article.checksum if article else "")))
    if version:
        b.add(a, term("nkg:extractorVersion"), Literal(version))
    b.add(a, term("schema:inLanguage"), Literal(_LANG))
    if article is not None:
        _article_meta(b, a, article)

    sentences: set[int] = set()

    def sentence(index: int) -> NamedNode:
        s = sentence_iri(aid, index)
        if index not in sentences:
            sentences.add(index)
            b.add(s, RDF_TYPE, term("nkg:Sentence"))
            b.add(s, term("schema:isPartOf"), a)
            b.add(s, term("nkg:index"), _int(index))
        return s

    if article is not None:
        for sent in article.sentences:
            s = sentence(sent.index)
            b.add(s, term("nkg:start"), _int(sent.start))
            b.add(s, term("nkg:end"), _int(sent.end))
            b.add(s, term("nkg:text"), _zh(sent.text))

    known: set[str] = set()
    used: set[str] = set()

    def entity(eid: str, name: str) -> NamedNode:
        e = entity_iri(eid)
        if eid not in known:
            known.add(eid)
            b.add(e, term("nkg:entityId"), Literal(eid))
            b.add(e, term("schema:name"), _zh(name))
            b.add(e, term("rdfs:label"), _zh(name))
            b.add(a, term("schema:mentions"), e)
        return e

    by_sentence: dict[int, set[str]] = defaultdict(set)
    for ent in facts.entities:
        e = entity(ent.id, ent.name)
        cls = type_classes().get(ent.type)
        if cls is None:
            raise GraphError(f"entity {ent.id!r} of article {aid!r} has unknown type {ent.type!r}; "
                             f"known: {', '.join(type_classes())} (kg/data/types.tsv)")
        b.add(e, RDF_TYPE, cls)
        for alias in ent.aliases:
            if alias != ent.name:
                b.add(e, term("schema:alternateName"), _zh(alias))
        for m in ent.mentions:
            node = _unique(used, lambda n: mention_iri(aid, m.start, m.end, n))
            b.add(node, RDF_TYPE, term("nkg:Mention"))
            b.add(node, term("nkg:mentionOf"), e)
            b.add(node, term("prov:wasDerivedFrom"), sentence(m.sentence))
            b.add(node, term("nkg:start"), _int(m.start))
            b.add(node, term("nkg:end"), _int(m.end))
            b.add(node, term("nkg:text"), _zh(m.text))
            by_sentence[m.sentence].add(ent.id)

    co = term("nkg:coMentionedWith")
    for ids in by_sentence.values():
        ordered = sorted(ids)
        for i, x in enumerate(ordered):
            for y in ordered[i + 1:]:
                b.add(entity_iri(x), co, entity_iri(y))

    for metric in facts.metrics:
        node = _unique(used, lambda n: observation_iri(aid, metric.start, metric.end, n))
        _metric(b, node, metric, sentence(metric.sentence), entity)

    n = 0
    for rel in facts.relations:
        if relation_mapping(rel.relation).statement:
            n += 1
            _relation(b, statement_iri(aid, n), rel, sentence(rel.sentence), entity)
        else:
            _relation(b, None, rel, None, entity)
    return b.triples


def _unique(used: set[str], make) -> NamedNode:
    n = 1
    while True:
        node = make(n)
        if node.value not in used:
            used.add(node.value)
            return node
        n += 1


def _article_meta(b: _Builder, a: NamedNode, art: Article) -> None:
    if art.title:
        b.add(a, term("schema:headline"), _zh(art.title))
    if art.date:
        b.add(a, term("schema:datePublished"), Literal(art.date, datatype=XSD_DATE) if _DATE.match(art.date) else Literal(art.date))
    b.add(a, term("nkg:kind"), Literal(art.kind))
    if art.source:
        b.add(a, term("nkg:source"), Literal(art.source))
    if art.line is not None:
        b.add(a, term("nkg:line"), _int(art.line))
    if art.url:
        b.add(a, term("schema:url"), Literal(art.url, datatype=XSD_ANYURI))
    b.add(a, term("nkg:length"), _int(len(art.text)))


def _metric(b: _Builder, o: NamedNode, m: Metric, sent: NamedNode, entity) -> None:
    b.add(o, RDF_TYPE, term("nkg:Observation"))
    if m.subject:
        b.add(o, term("nkg:subject"), entity(m.subject, m.subject_name))
    b.add(o, term("nkg:subjectName"), _zh(m.subject_name))
    if m.subject_text:
        b.add(o, term("nkg:subjectText"), _zh(m.subject_text))
    if m.indicator.strip():  # a figure whose indicator was not found has none
        b.add(o, term("nkg:indicator"), _zh(m.indicator))
        ind = indicator_iri(m.indicator)
        b.add(o, term("nkg:hasIndicator"), ind)
        b.add(ind, RDF_TYPE, term("nkg:Indicator"))
        b.add(ind, term("rdfs:label"), _zh(m.indicator))
    b.add(o, term("nkg:value"), decimal_literal(m.value))
    b.add(o, term("nkg:unit"), Literal(m.unit))
    if m.base_value is not None:
        b.add(o, term("nkg:baseValue"), decimal_literal(m.base_value))
    if m.base_unit:
        b.add(o, term("nkg:baseUnit"), Literal(m.base_unit))
    if m.qualifier:
        b.add(o, term("nkg:qualifier"), Literal(m.qualifier))
    b.add(o, term("nkg:kind"), Literal(m.kind))
    if m.period:
        b.add(o, term("nkg:period"), Literal(m.period))
    b.add(o, term("prov:wasDerivedFrom"), sent)
    b.add(o, term("nkg:start"), _int(m.start))
    b.add(o, term("nkg:end"), _int(m.end))
    b.add(o, term("nkg:text"), _zh(m.text))


def _relation(b: _Builder, st: NamedNode, r: Relation, sent: NamedNode, entity) -> None:
    m = relation_mapping(r.relation)
    pred, role_prop = m.predicate, m.role_property
    h, t = entity(r.head, r.head_name), entity(r.tail, r.tail_name)
    if m.symmetric and r.tail < r.head:
        h, t = t, h
    b.add(h, pred, t)
    if not m.statement:
        return
    b.add(st, RDF_TYPE, term("nkg:RelationStatement"))
    b.add(st, term("rdf:subject"), h)
    b.add(st, term("rdf:predicate"), pred)
    b.add(st, term("rdf:object"), t)
    b.add(st, term("nkg:relation"), Literal(r.relation))
    if r.role:
        b.add(st, role_prop, _zh(r.role))
    b.add(st, term("prov:wasDerivedFrom"), sent)
    if r.start is not None and r.end is not None:
        b.add(st, term("nkg:start"), _int(r.start))
        b.add(st, term("nkg:end"), _int(r.end))


def to_ntriples(triples: Iterable[Triple]) -> str:
    """N-Triples text of ``triples`` (one per line, pyoxigraph's escaping)."""
    return "".join(f"{t} .\n" for t in triples)


def article_graph(article: Article | None, facts: ArticleFacts, *, version: str | None = None) -> ArticleGraph:
    """The compact, loadable form of :func:`article_triples` with counts for summaries."""
    triples = article_triples(article, facts, version=version)
    ids = {e.id for e in facts.entities}
    ids.update(m.subject for m in facts.metrics if m.subject)
    for r in facts.relations:
        ids.update((r.head, r.tail))
    return ArticleGraph(
        article=facts.article,
        checksum=facts.checksum or (article.checksum if article else ""),
        nt=to_ntriples(triples),
        n_triples=len(triples),
        entities=tuple(sorted(ids)),
        metrics=len(facts.metrics),
        relations=sum(1 for r in facts.relations if relation_mapping(r.relation).statement),
    )


# ---------------------------------------------------------------- reading facts back


def _index(triples: Iterable[Triple]) -> dict[str, dict[str, list]]:
    idx: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        idx[t.subject.value][t.predicate.value].append(t.object)
    return idx


def _one(props: dict[str, list], prefixed: str, default=None):
    vals = props.get(term(prefixed).value)
    return vals[0] if vals else default


def _val(props, prefixed, default=None):
    v = _one(props, prefixed)
    return default if v is None else v.value


def facts_from_triples(article_id: str, triples: Iterable[Triple]) -> ArticleFacts:
    """Inverse of :func:`article_triples`: the ArticleFacts an article graph encodes
    (entities sorted by id, mentions by offset, metrics by offset; relations in order,
    without those written as direct triples only, such as co-mentions)."""
    idx = _index(triples)
    a = idx.get(article_iri(article_id).value, {})
    rtype = RDF_TYPE.value
    sent_index = {s: int(_val(p, "nkg:index")) for s, p in idx.items()
                  if term("nkg:Sentence") in p.get(rtype, [])}
    entities: dict[str, Entity] = {}
    for s, p in idx.items():
        eid = _val(p, "nkg:entityId")
        types = [class_types()[c.value] for c in p.get(rtype, []) if c.value in class_types()]
        if eid is None or not types:
            continue
        name = _val(p, "schema:name")
        aliases = sorted(x.value for x in p.get(term("schema:alternateName").value, []))
        entities[s] = Entity(id=eid, name=name, type=types[0], aliases=aliases)
    metrics, stmts = [], []
    for s, p in idx.items():
        types = p.get(rtype, [])
        if term("nkg:Mention") in types:
            e = entities.get(_one(p, "nkg:mentionOf").value)
            if e is not None:
                e.mentions.append(Mention(article_id, sent_index[_val(p, "prov:wasDerivedFrom")],
                                          int(_val(p, "nkg:start")), int(_val(p, "nkg:end")), _val(p, "nkg:text")))
        elif term("nkg:Observation") in types:
            subj = _one(p, "nkg:subject")
            bv = _val(p, "nkg:baseValue")
            metrics.append(Metric(
                subject=_val(idx[subj.value], "nkg:entityId") if subj is not None else None,
                subject_name=_val(p, "nkg:subjectName"), indicator=_val(p, "nkg:indicator", ""),
                value=Decimal(_val(p, "nkg:value")), unit=_val(p, "nkg:unit"),
                base_value=Decimal(bv) if bv is not None else None, base_unit=_val(p, "nkg:baseUnit"),
                qualifier=_val(p, "nkg:qualifier"), kind=_val(p, "nkg:kind"), period=_val(p, "nkg:period"),
                article=article_id, sentence=sent_index[_val(p, "prov:wasDerivedFrom")],
                start=int(_val(p, "nkg:start")), end=int(_val(p, "nkg:end")), text=_val(p, "nkg:text"),
                subject_text=_val(p, "nkg:subjectText", "")))
        elif term("nkg:RelationStatement") in types:
            h, t = _one(p, "rdf:subject").value, _one(p, "rdf:object").value
            rel = _val(p, "nkg:relation")
            role_prop = relation_mapping(rel).role_property
            role = p.get(role_prop.value)
            start, end = _val(p, "nkg:start"), _val(p, "nkg:end")
            n = int(s.rsplit("#rel", 1)[1])
            stmts.append((n, Relation(
                head=_val(idx[h], "nkg:entityId"), head_name=_val(idx[h], "schema:name"), relation=rel,
                tail=_val(idx[t], "nkg:entityId"), tail_name=_val(idx[t], "schema:name"),
                role=role[0].value if role else None, article=article_id,
                sentence=sent_index[_val(p, "prov:wasDerivedFrom")],
                start=int(start) if start is not None else None, end=int(end) if end is not None else None)))
    for e in entities.values():
        e.mentions.sort(key=lambda m: (m.start, m.end))
    metrics.sort(key=lambda m: (m.start, m.end, m.indicator, m.kind))
    return ArticleFacts(
        article=article_id,
        checksum=_val(a, "nkg:checksum", ""),
        entities=sorted(entities.values(), key=lambda e: e.id),
        metrics=metrics,
        relations=[r for _, r in sorted(stmts, key=lambda x: x[0])],
    )


def iter_graph_triples(store, article_id: str) -> Iterator[Triple]:
    """The triples of one article's named graph in ``store``."""
    for q in store.quads_for_pattern(None, None, None, graph_iri(article_id)):
        yield q.triple
