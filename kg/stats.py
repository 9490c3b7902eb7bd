"""Counts that describe a graph: articles, entities by type, facts, top entities.

Each count is its own small query. Entity counts and top lists read the summary graph
(:mod:`kg.summary`) when the store has one; otherwise they group the article graphs in a
sub-select and fetch labels for the few winners only (Oxigraph is slow at GROUP BY over big
joins).

>>> from pyoxigraph import Store
>>> graph_stats(Store())["articles"]
0
"""
from __future__ import annotations

from pyoxigraph import Store

from kg.rdf import class_types
from kg.sparql import run_query
from kg.store import BUILD_STATE
from kg.summary import SUMMARY_GRAPH, summary_state
from kg.vocab import term

_COUNT = "SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"
_COUNT_DISTINCT = "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}"

_TOP = "SELECT ?e (COUNT(*) AS ?n) WHERE {{ {pattern} }} GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT {limit}"


def _count(store: Store, pattern: str, distinct: bool = False) -> int:
    q = (_COUNT_DISTINCT if distinct else _COUNT).format(pattern=pattern)
    rows = run_query(store, q).rows
    return int(rows[0][0].value) if rows else 0


_SUMMARY_TOP = """SELECT ?e ?name ?cls ?n WHERE {{
  ?e nkg:{prop} ?n ; nkg:canonicalName ?name . OPTIONAL {{ ?e nkg:mainType ?cls }}
}} ORDER BY DESC(?n) ?e LIMIT {limit}"""
# entities carry their rank by mentions: a top list is looked up, not sorted
_SUMMARY_RANKED = """SELECT ?e ?name ?cls ?n WHERE {{
  VALUES ?r {{ {ranks} }} ?e nkg:mentionRank ?r ; nkg:mentionCount ?n ; nkg:canonicalName ?name .
  OPTIONAL {{ ?e nkg:mainType ?cls }}
}} ORDER BY ?r"""
_SUMMARY_PROP = {"mentions": "mentionCount", "metrics": "metricCount", "articles": "articleCount"}


def top_entities(store: Store, by: str = "mentions", limit: int = 10) -> list[dict]:
    """Entities with the most mentions (``by="mentions"``), metric observations
    (``by="metrics"``) or articles (``by="articles"``), with name, type and count."""
    types = class_types()
    if summary_state(store) is not None:
        query = _SUMMARY_RANKED if by == "mentions" else _SUMMARY_TOP
        res = run_query(store, query.format(prop=_SUMMARY_PROP[by], limit=int(limit),
                                            ranks=" ".join(str(r) for r in range(1, int(limit) + 1))))
        return [{"entity": e.value, "name": name.value, "type": types.get(cls.value) if cls else None, by: int(n.value)}
                for e, name, cls, n in res.rows]
    pattern = {"mentions": "?m nkg:mentionOf ?e", "metrics": "?o nkg:subject ?e",
               "articles": "?a schema:mentions ?e"}[by]
    res = run_query(store, _TOP.format(pattern=pattern, limit=int(limit)))
    out = []
    for e, n in res.rows:  # labels for the winners only (they repeat in every article graph)
        name = next(iter(store.quads_for_pattern(e, term("schema:name"), None)), None)
        cls = next((q.object.value for q in store.quads_for_pattern(e, term("rdf:type"), None)
                    if q.object.value in types), None)
        out.append({"entity": e.value, "name": name.object.value if name else None,
                    "type": types.get(cls), by: int(n.value)})
    return out


def triple_counts(store: Store) -> dict[str, int]:
    """The store's size in the project's words (docs/ontology.md, "Counting"):
    ``article_triples`` (in the article graphs: what `newskg build` writes and reports),
    ``summary_triples`` (the precomputed summary graph) and ``quads`` (every stored statement,
    both of them together). One scan of the store and one of the summary graph.

    >>> triple_counts(Store())
    {'article_triples': 0, 'summary_triples': 0, 'quads': 0}
    """
    quads = len(store)
    summary = sum(1 for _ in store.quads_for_pattern(None, None, None, SUMMARY_GRAPH))
    state = sum(1 for _ in store.quads_for_pattern(None, None, None, BUILD_STATE))
    return {"article_triples": quads - summary - state, "summary_triples": summary, "quads": quads}


def graph_stats(store: Store, *, top: int = 10) -> dict:
    """Counts by type and top entities: the data behind ``newskg stats``."""
    if summary_state(store) is not None:  # one node per entity and type in the summary
        by_type = {t: _count(store, f"?x nkg:asType <{cls}>") for cls, t in class_types().items()}
        entities = int(next(store.quads_for_pattern(SUMMARY_GRAPH, term("nkg:entityCount"), None, SUMMARY_GRAPH)).object.value)
    else:
        by_type = {t: _count(store, f"?x a <{cls}>", distinct=True) for cls, t in class_types().items()}
        entities = _count(store, "?x nkg:entityId ?id", distinct=True)
    return {
        "articles": _count(store, "?x a schema:NewsArticle", distinct=True),
        "sentences": _count(store, "?x a nkg:Sentence"),
        "entities": entities,
        "entities_by_type": by_type,
        "mentions": _count(store, "?x a nkg:Mention"),
        "metrics": _count(store, "?x a nkg:Observation"),
        "indicators": _count(store, "?x a nkg:Indicator", distinct=True),
        "relations": _count(store, "?x a nkg:RelationStatement"),
        **triple_counts(store),
        "top_by_mentions": top_entities(store, "mentions", top) if top else [],
        "top_by_metrics": top_entities(store, "metrics", top) if top else [],
    }
