"""The summary graph: per-entity and per-indicator aggregates, so whole-corpus queries read a
few thousand precomputed rows instead of grouping millions of triples at query time.

It is one named graph, :data:`SUMMARY_GRAPH` (outside the ``graph:`` namespace of article
graphs, so article listings never see it), derived entirely from the article graphs by a few
single-pattern GROUP BY queries and written as a diff against what is stored (one
transaction). It only uses its own
predicates (``nkg:mentionCount``, ``nkg:canonicalName`` ...), so queries over the union of
article graphs (``?e schema:name ?n``, ``GRAPH ?g { ... }``) never match it. It records a
digest of the (article, checksum) pairs it was computed from: :func:`ensure_summary` compares
it with the store and recomputes only when they differ (after a build, a removal, a killed
build, or on a store built before the summary existed). See docs/ontology.md, "Summary graph".

>>> from pyoxigraph import Store
>>> s = Store()
>>> ensure_summary(s), ensure_summary(s)
(True, False)
>>> summary_state(s)
(0, '0000000000000000')
"""
from __future__ import annotations

import hashlib
import time

from pyoxigraph import Literal, NamedNode, RdfFormat, Store, parse, serialize

from corpus.errors import GraphError
from kg.rdf import type_classes
from kg.vocab import PREFIXES, indicator_iri, term

#: The named graph that holds the aggregates.
SUMMARY_GRAPH = NamedNode("https://newskg.org/summary")

_S = f"<{SUMMARY_GRAPH.value}>"
_NKG = PREFIXES["nkg"]
#: Above this share of changed triples the summary is dropped and loaded whole.
REWRITE_SHARE = 0.5

# Each aggregate is one GROUP BY over a single pattern (or one pattern per article graph):
# Oxigraph groups those fast, what is slow is grouping big joins. Python puts them together.
_TYPED = """SELECT ?e ?cls (COUNT(*) AS ?n) WHERE { VALUES ?cls { %s } GRAPH ?g { ?e a ?cls } } GROUP BY ?e ?cls"""
_NAMES = "SELECT ?e (MIN(?n) AS ?name) WHERE { GRAPH ?g { ?e schema:name ?n } } GROUP BY ?e"
_MENTIONS = "SELECT ?e (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?m nkg:mentionOf ?e } } GROUP BY ?e"
_METRICS = "SELECT ?e (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?o nkg:subject ?e } } GROUP BY ?e"
_ARTICLES = "SELECT ?e (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a schema:mentions ?e } } GROUP BY ?e"
_DATES = """SELECT ?e (MIN(?d) AS ?first) (MAX(?d) AS ?last) WHERE {
  ?a schema:datePublished ?d . GRAPH ?g { ?a schema:mentions ?e } } GROUP BY ?e"""
_INDICATORS = "SELECT ?t (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?o nkg:indicator ?t } } GROUP BY ?t"
# figures that disagree: same subject, indicator, kind and explicit period, different value+unit
_CONFLICTS = """SELECT ?subject ?indicator ?kind ?period WHERE { GRAPH ?g {
  ?obs nkg:period ?period ; nkg:subjectName ?subject ; nkg:indicator ?indicator ; nkg:kind ?kind ;
       nkg:value ?v ; nkg:unit ?u . } } GROUP BY ?subject ?indicator ?kind ?period
HAVING (COUNT(DISTINCT CONCAT(STR(?v), ?u)) > 1)"""
# mentions per type, for the few entities typed differently in different articles
_TYPED_MENTIONS = """SELECT ?e ?cls (COUNT(*) AS ?n) WHERE {
  VALUES ?e { %s } VALUES ?cls { %s } GRAPH ?g { ?e a ?cls . ?m nkg:mentionOf ?e } } GROUP BY ?e ?cls"""


def _rows(store: Store, query: str) -> list[tuple]:
    prefixes = {p: PREFIXES[p] for p in ("nkg", "schema")}
    return [tuple(row) for row in store.query(query, prefixes=prefixes, use_default_graph_as_union=True)]


def _lit(n: int) -> str:
    return f'"{int(n)}"^^<http://www.w3.org/2001/XMLSchema#integer>'


def summary_triples(store: Store) -> list[str]:
    """The summary graph's triples (N-Triples lines, sorted) computed from the article graphs.

    Per entity: ``nkg:canonicalName`` (its ``schema:name``; the smallest if articles
    disagree), ``nkg:mainType`` (the class most articles give it, ties to the smaller IRI),
    ``nkg:mentionCount`` with ``nkg:mentionRank`` (1 = most mentioned entity, ties by IRI),
    ``nkg:articleCount`` (articles mentioning it), ``nkg:metricCount``
    (observations about it, when any), ``nkg:firstDate``/``nkg:lastDate``. Per entity and
    class, a node ``<entity>#as-<Class>`` with ``nkg:summaryOf``, ``nkg:asType``,
    ``nkg:articleCount`` (articles typing it so), ``nkg:mentionCount`` (its mentions in
    those articles) and ``nkg:mentionRank`` (1 = most mentions among entities of that class,
    ties by IRI). Per indicator: ``nkg:canonicalName``, ``nkg:observationCount`` and
    ``nkg:observationRank`` (1 = most observations, ties by name). Per group of figures that
    disagree (same subject, indicator, kind and explicit period; different value or unit), a
    node with ``nkg:conflictSubject``/``conflictIndicator``/``conflictKind``/``conflictPeriod``.
    The graph itself:
    ``nkg:entityCount``. Ranks let the ready
    queries read a top list without sorting every entity at query time.
    """
    classes = sorted({c.value for c in type_classes().values()})
    values = " ".join(f"<{c}>" for c in classes)
    typed: dict[str, dict[str, int]] = {}
    for e, cls, n in _rows(store, _TYPED % values):
        typed.setdefault(e.value, {})[cls.value] = int(n.value)
    mentions = {e.value: int(n.value) for e, n in _rows(store, _MENTIONS)}
    per_type_mentions: dict[tuple[str, str], int] = {}
    multi = sorted(e for e, cs in typed.items() if len(cs) > 1)
    for i in range(0, len(multi), 500):
        ents = " ".join(f"<{e}>" for e in multi[i:i + 500])
        for e, cls, n in _rows(store, _TYPED_MENTIONS % (ents, values)):
            per_type_mentions[(e.value, cls.value)] = int(n.value)
    out: list[str] = []
    by_type: dict[str, list[tuple[int, str]]] = {}
    for e, cs in typed.items():
        for cls, n in cs.items():
            x = f"<{e}#as-{cls.rsplit('/', 1)[-1].rsplit('#', 1)[-1]}>"
            m = mentions.get(e, 0) if len(cs) == 1 else per_type_mentions.get((e, cls), 0)
            by_type.setdefault(cls, []).append((-m, e, x))
            out += [f"{x} <{_NKG}summaryOf> <{e}> .", f"{x} <{_NKG}asType> <{cls}> .",
                    f"{x} <{_NKG}articleCount> {_lit(n)} .", f"{x} <{_NKG}mentionCount> {_lit(m)} ."]
        main = min(cs, key=lambda c: (-cs[c], c))
        out.append(f"<{e}> <{_NKG}mainType> <{main}> .")
    for ranked in by_type.values():  # rank 1 = most mentions, ties by entity IRI
        for r, (_, _, x) in enumerate(sorted(ranked), 1):
            out.append(f"{x} <{_NKG}mentionRank> {_lit(r)} .")
    names = _rows(store, _NAMES)
    for e, name in names:
        out.append(f"<{e.value}> <{_NKG}canonicalName> {name} .")
    out.append(f"{_S} <{_NKG}entityCount> {_lit(len(names))} .")
    for r, (n, e) in enumerate(sorted((-n, e) for e, n in mentions.items()), 1):  # rank over all entities
        out += [f"<{e}> <{_NKG}mentionCount> {_lit(-n)} .", f"<{e}> <{_NKG}mentionRank> {_lit(r)} ."]
    for query, prop in ((_METRICS, "metricCount"), (_ARTICLES, "articleCount")):
        for e, n in _rows(store, query):
            out.append(f"<{e.value}> <{_NKG}{prop}> {_lit(int(n.value))} .")
    for e, first, last in _rows(store, _DATES):
        out += [f"<{e.value}> <{_NKG}firstDate> {first} .", f"<{e.value}> <{_NKG}lastDate> {last} ."]
    indicators = sorted((-int(n.value), t.value, t) for t, n in _rows(store, _INDICATORS))
    for r, (n, name, t) in enumerate(indicators, 1):  # rank 1 = most observations, ties by name
        i = indicator_iri(name).value
        out += [f"<{i}> <{_NKG}canonicalName> {t} .", f"<{i}> <{_NKG}observationCount> {_lit(-n)} .",
                f"<{i}> <{_NKG}observationRank> {_lit(r)} ."]
    for row in _rows(store, _CONFLICTS):
        key = "\t".join(str(t) for t in row)
        c = f"<{SUMMARY_GRAPH.value}#conflict-{hashlib.blake2b(key.encode(), digest_size=8).hexdigest()}>"
        for prop, t in zip(("conflictSubject", "conflictIndicator", "conflictKind", "conflictPeriod"), row):
            out.append(f"{c} <{_NKG}{prop}> {t} .")
    out.sort()
    return out


def articles_digest(store: Store) -> tuple[int, str]:
    """(number of articles, order-free digest of their (graph, checksum) pairs): what the
    summary was computed from. Cost: one pass over the checksum triples."""
    acc = 0
    n = 0
    for q in store.quads_for_pattern(None, term("nkg:checksum"), None, None):
        h = hashlib.blake2b(f"{q.graph_name}\t{q.object.value}".encode(), digest_size=8).digest()
        acc ^= int.from_bytes(h, "big")
        n += 1
    return n, f"{acc:016x}"


def summary_state(store: Store) -> tuple[int, str] | None:
    """(articles, digest) the stored summary was computed from; None if there is none."""
    n = d = None
    for q in store.quads_for_pattern(SUMMARY_GRAPH, None, None, SUMMARY_GRAPH):
        if q.predicate == term("nkg:articleCount"):
            n = int(q.object.value)
        elif q.predicate == term("nkg:articlesDigest"):
            d = q.object.value
    return None if n is None or d is None else (n, d)


def _canonical(nt: bytes) -> set[bytes]:
    """N-Triples lines as pyoxigraph writes them (so two sources compare line by line)."""
    return set(serialize(parse(nt, format=RdfFormat.N_TRIPLES), format=RdfFormat.N_TRIPLES).splitlines())


def refresh_summary(store: Store, digest: tuple[int, str] | None = None) -> dict:
    """Recompute the summary graph from the article graphs and write only what changed:
    ONE transaction (readers see the old or the new summary, never half) unless more than
    :data:`REWRITE_SHARE` of it changed, which is dropped and loaded whole (faster; a crash
    in between leaves no summary, which :func:`ensure_summary` rebuilds).
    ``digest``: :func:`articles_digest` if already known.

    Returns ``{"seconds", "triples", "added", "removed"}``.
    :raises GraphError: if the store refuses the update.
    """
    t0 = time.monotonic()
    n, digest = digest or articles_digest(store)
    lines = summary_triples(store)
    lines.append(f"{_S} <{_NKG}articleCount> {_lit(n)} .")
    lines.append(f"{_S} <{_NKG}articlesDigest> {Literal(digest)} .")
    new = _canonical(("\n".join(lines) + "\n").encode())
    old = set(store.dump(format=RdfFormat.N_TRIPLES, from_graph=SUMMARY_GRAPH).splitlines())
    added, removed = new - old, old - new
    try:
        if len(added) + len(removed) > REWRITE_SHARE * max(len(new), 1):
            if old:
                store.remove_graph(SUMMARY_GRAPH)
            store.load(b"\n".join(sorted(new)) + b"\n", format=RdfFormat.N_TRIPLES, to_graph=SUMMARY_GRAPH)
        elif added or removed:
            parts = []
            if removed:
                parts.append(f"DELETE DATA {{ GRAPH {_S} {{\n" + b"\n".join(sorted(removed)).decode() + "\n} }")
            if added:
                parts.append(f"INSERT DATA {{ GRAPH {_S} {{\n" + b"\n".join(sorted(added)).decode() + "\n} }")
            store.update(" ;\n".join(parts))
    except (OSError, SyntaxError) as e:
        raise GraphError(f"updating the summary graph failed: {e}") from e
    return {"seconds": round(time.monotonic() - t0, 3), "triples": len(new), "added": len(added), "removed": len(removed)}


def ensure_summary(store: Store) -> bool:
    """Recompute the summary if it does not match the article graphs; True if it did.
    Call it after anything that writes article graphs (``kg.build``, ``newskg remove``)."""
    current = articles_digest(store)
    if summary_state(store) == current:
        return False
    refresh_summary(store, current)
    return True


__all__ = ["SUMMARY_GRAPH", "articles_digest", "ensure_summary", "refresh_summary", "summary_state", "summary_triples"]
