"""The summary graph: per-entity and per-indicator aggregates, so whole-corpus queries read a
few thousand precomputed rows instead of grouping millions of triples at query time.

It is one named graph, :data:`SUMMARY_GRAPH` (outside the ``graph:`` namespace of article
graphs, so article listings never see it), derived entirely from the article graphs by a few
single-pattern GROUP BY queries and written as a diff against what is stored (in bounded
chunks, the digest last). It only uses its own
predicates (``nkg:mentionCount``, ``nkg:canonicalName`` ...), so queries over the union of
article graphs (``?e schema:name ?n``, ``GRAPH ?g { ... }``) never match it. It records a
digest of the (article, checksum, extractor version) it was computed from:
:func:`ensure_summary` compares it with the store and recomputes only when they differ (after
a build, a removal, a killed build, or on a store built before the summary existed). Writers
of article graphs also mark it :data:`STALE` in the same transaction as their change, so a
stale summary is known in one look-up and reads as absent. See docs/ontology.md, "Summary graph".

>>> from pyoxigraph import Store
>>> s = Store()
>>> ensure_summary(s), ensure_summary(s)
(True, False)
>>> summary_state(s)
(0, '0000000000000000')
"""
from __future__ import annotations

import hashlib
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Iterator

from pyoxigraph import Literal, NamedNode, RdfFormat, Store

from corpus.errors import GraphError
from kg.rdf import type_classes
from kg.vocab import PREFIXES, indicator_iri, term

#: The named graph that holds the aggregates.
SUMMARY_GRAPH = NamedNode("https://newskg.org/summary")

_S = f"<{SUMMARY_GRAPH.value}>"
_NKG = PREFIXES["nkg"]
#: Bumped whenever the summary's content changes (new aggregates, new ranks): a summary written
#: by another version is recomputed by :func:`ensure_summary` even if no article changed.
SUMMARY_VERSION = 3
#: Marks the stored summary out of date: every writer of article graphs (:mod:`kg.store`) adds it
#: in the same transaction as its change (:func:`mark_stale`), :func:`refresh_summary` removes it.
#: So whether the summary is current is one look-up (:func:`summary_state`), not a pass over
#: every article.
STALE = term("nkg:summaryStale")
#: Summary lines per write transaction (bounds the writer's memory; see :func:`refresh_summary`).
CHUNK = 50_000
#: Summary lines per bulk load when many are added (a first summary, or most of it changed):
#: Oxigraph's bulk loader is several times faster than transactions and, as the digest is
#: written last in its own transaction, a load a crash cuts short is simply recomputed.
BULK_CHUNK = 250_000
#: The store's write buffers are flushed to disk every this many written lines (as kg.build
#: does): without it RocksDB's memory tables took the refresh from 0.9 to 1.8 GB RSS.
FLUSH_LINES = 500_000

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
# works someone publishes (objects of nkg:publishes statements), ranked by name for publications.rq
_PUBLISHED = """SELECT DISTINCT ?w WHERE { ?st <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> nkg:publishes .
  GRAPH ?g { ?st <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> ?w } }"""
# figures that disagree: same subject, indicator, kind and explicit period, different value+unit
_CONFLICTS = """SELECT ?subject ?indicator ?kind ?period WHERE { GRAPH ?g {
  ?obs nkg:period ?period ; nkg:subjectName ?subject ; nkg:indicator ?indicator ; nkg:kind ?kind ;
       nkg:value ?v ; nkg:unit ?u . } } GROUP BY ?subject ?indicator ?kind ?period
HAVING (COUNT(DISTINCT CONCAT(STR(?v), ?u)) > 1)"""
# the observations of each group of disagreeing figures (VALUES: a batch of groups)
_CONFLICT_OBS = """SELECT ?subject ?indicator ?kind ?period ?obs WHERE { VALUES (?subject ?indicator ?kind ?period) { %s }
  GRAPH ?g { ?obs nkg:indicator ?indicator ; nkg:subjectName ?subject ; nkg:period ?period ; nkg:kind ?kind } }"""
# mentions per type, for the few entities typed differently in different articles: mentions per
# (entity, article graph) and the types each graph gives the entity, joined in Python (one query
# joining both in every graph took 30 s on the 12-year graph, these two 2 s)
_GRAPH_MENTIONS = """SELECT ?e ?g (COUNT(*) AS ?n) WHERE { VALUES ?e { %s } GRAPH ?g { ?m nkg:mentionOf ?e } } GROUP BY ?e ?g"""
# (a second VALUES block for the classes made Oxigraph scan every typing: 10 s against 0.3 s per
# batch; the classes are filtered in Python)
_GRAPH_TYPES = """SELECT ?e ?g ?cls WHERE { VALUES ?e { %s } GRAPH ?g { ?e a ?cls } }"""


def _rows(store: Store, query: str) -> list[tuple]:
    prefixes = {p: PREFIXES[p] for p in ("nkg", "schema")}
    return [tuple(row) for row in store.query(query, prefixes=prefixes, use_default_graph_as_union=True)]


def _lit(n: int) -> str:
    return f'"{int(n)}"^^<http://www.w3.org/2001/XMLSchema#integer>'


@dataclass
class _Aggregates:
    """The GROUP BY results the summary is written from: a few rows per entity, a few hundred
    MB at most on a 20 M-triple graph (the summary lines themselves are never all held)."""

    typed: dict[str, dict[str, int]]
    mentions: dict[str, int]
    per_type_mentions: dict[tuple[str, str], int]
    names: list[tuple]
    counts: list[tuple[str, list[tuple]]]
    dates: list[tuple]
    indicators: list[tuple]
    conflicts: list[tuple]
    conflict_obs: dict[tuple[str, ...], list[str]]
    published: list[tuple] = ()


def _aggregates(store: Store) -> _Aggregates:
    """Run the GROUP BYs, the independent ones side by side in threads (Oxigraph evaluates a
    query without holding the GIL, so on N cores they take about 1/N of the time)."""
    classes = sorted({c.value for c in type_classes().values()})
    values = " ".join(f"<{c}>" for c in classes)
    queries = {"typed": _TYPED % values, "mentions": _MENTIONS, "conflicts": _CONFLICTS, "names": _NAMES,
               "metricCount": _METRICS, "articleCount": _ARTICLES, "dates": _DATES, "indicators": _INDICATORS,
               "published": _PUBLISHED}
    with ThreadPoolExecutor(max_workers=min(len(queries), os.cpu_count() or 1)) as pool:
        futures = {key: pool.submit(_rows, store, q) for key, q in queries.items()}
        rows = {key: f.result() for key, f in futures.items()}
    typed: dict[str, dict[str, int]] = {}
    for e, cls, n in rows["typed"]:
        typed.setdefault(e.value, {})[cls.value] = int(n.value)
    mentions = {e.value: int(n.value) for e, n in rows["mentions"]}
    per_type_mentions: dict[tuple[str, str], int] = {}
    multi = sorted(e for e, cs in typed.items() if len(cs) > 1)
    wanted = set(classes)
    for i in range(0, len(multi), 500):
        ents = " ".join(f"<{e}>" for e in multi[i:i + 500])
        in_graph = {(e.value, g.value): int(n.value) for e, g, n in _rows(store, _GRAPH_MENTIONS % ents)}
        for e, g, cls in _rows(store, _GRAPH_TYPES % ents):
            n = in_graph.get((e.value, g.value), 0)
            if n and cls.value in wanted:
                key = (e.value, cls.value)
                per_type_mentions[key] = per_type_mentions.get(key, 0) + n
    conflicts = rows["conflicts"]
    conflict_obs: dict[tuple[str, ...], list[str]] = {}
    for i in range(0, len(conflicts), 200):
        groups = " ".join("(" + " ".join(str(t) for t in row) + ")" for row in conflicts[i:i + 200])
        for *key, obs in _rows(store, _CONFLICT_OBS % groups):
            conflict_obs.setdefault(tuple(str(t) for t in key), []).append(obs.value)
    return _Aggregates(
        typed, mentions, per_type_mentions, rows["names"],
        [(prop, rows[prop]) for prop in ("metricCount", "articleCount")],
        rows["dates"], rows["indicators"], conflicts, conflict_obs, rows["published"])


def _lines(agg: _Aggregates) -> Iterator[str]:
    """The summary's N-Triples lines (unsorted; each once), written from the aggregates."""
    by_type: dict[str, list[tuple[int, str, str]]] = {}
    for e, cs in agg.typed.items():
        for cls, n in cs.items():
            x = f"<{e}#as-{cls.rsplit('/', 1)[-1].rsplit('#', 1)[-1]}>"
            m = agg.mentions.get(e, 0) if len(cs) == 1 else agg.per_type_mentions.get((e, cls), 0)
            by_type.setdefault(cls, []).append((-m, e, x))
            yield from (f"{x} <{_NKG}summaryOf> <{e}> .", f"{x} <{_NKG}asType> <{cls}> .",
                        f"{x} <{_NKG}articleCount> {_lit(n)} .", f"{x} <{_NKG}mentionCount> {_lit(m)} .")
        main = min(cs, key=lambda c: (-cs[c], c))
        yield f"<{e}> <{_NKG}mainType> <{main}> ."
    for ranked in by_type.values():  # rank 1 = most mentions, ties by entity IRI
        for r, (_, _, x) in enumerate(sorted(ranked), 1):
            yield f"{x} <{_NKG}mentionRank> {_lit(r)} ."
    published = {w.value for (w,) in agg.published}
    works = []  # (name, IRI) of the published works: rank 1 = first by name, then IRI
    for e, name in agg.names:
        yield f"<{e.value}> <{_NKG}canonicalName> {name} ."
        if e.value in published:
            works.append((name.value, e.value))
    for r, (_, w) in enumerate(sorted(works), 1):
        yield f"<{w}> <{_NKG}publicationRank> {_lit(r)} ."
    yield f"{_S} <{_NKG}entityCount> {_lit(len(agg.names))} ."
    for r, (n, e) in enumerate(sorted((-n, e) for e, n in agg.mentions.items()), 1):  # rank over all entities
        yield from (f"<{e}> <{_NKG}mentionCount> {_lit(-n)} .", f"<{e}> <{_NKG}mentionRank> {_lit(r)} .")
    for prop, rows in agg.counts:
        for e, n in rows:
            yield f"<{e.value}> <{_NKG}{prop}> {_lit(int(n.value))} ."
    for e, first, last in agg.dates:
        yield from (f"<{e.value}> <{_NKG}firstDate> {first} .", f"<{e.value}> <{_NKG}lastDate> {last} .")
    indicators = sorted((-int(n.value), t.value, t) for t, n in agg.indicators)
    for r, (n, name, t) in enumerate(indicators, 1):  # rank 1 = most observations, ties by name
        i = indicator_iri(name).value
        yield from (f"<{i}> <{_NKG}canonicalName> {t} .", f"<{i}> <{_NKG}observationCount> {_lit(-n)} .",
                    f"<{i}> <{_NKG}observationRank> {_lit(r)} .")
    # rank 1 = first by subject, indicator, period, kind (values as written, then the terms)
    conflicts = sorted(agg.conflicts, key=lambda r: ([r[i].value for i in (0, 1, 3, 2)], [str(t) for t in r]))
    for rank, row in enumerate(conflicts, 1):
        key = "\t".join(str(t) for t in row)
        c = f"<{SUMMARY_GRAPH.value}#conflict-{hashlib.blake2b(key.encode(), digest_size=8).hexdigest()}>"
        for prop, t in zip(("conflictSubject", "conflictIndicator", "conflictKind", "conflictPeriod"), row):
            yield f"{c} <{_NKG}{prop}> {t} ."
        yield f"{c} <{_NKG}conflictRank> {_lit(rank)} ."
        for obs in sorted(set(agg.conflict_obs.get(tuple(str(t) for t in row), ()))):
            yield f"{c} <{_NKG}conflictObservation> <{obs}> ."


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
    node with ``nkg:conflictSubject``/``conflictIndicator``/``conflictKind``/``conflictPeriod``,
    its observations (``nkg:conflictObservation``) and ``nkg:conflictRank`` (1 = first by
    subject, indicator, period and kind: a page of groups is a look-up). Per published work
    (object of an ``nkg:publishes`` statement), ``nkg:publicationRank`` (1 = first by name).
    The graph itself:
    ``nkg:entityCount``. Ranks let the ready
    queries read a top list without sorting every entity at query time.
    (All in memory: for tests and small graphs; :func:`refresh_summary` streams them.)
    """
    return sorted(_lines(_aggregates(store)))


def articles_digest(store: Store) -> tuple[int, str]:
    """(number of articles, order-free digest of their (graph, checksum) and (graph, extractor
    version) pairs): what the summary was computed from, so the same articles made by another
    extractor version (other facts) give another digest. Cost: one pass over the checksum
    triples and one over the version triples."""
    acc = 0
    n = 0
    for q in store.quads_for_pattern(None, term("nkg:checksum"), None, None):
        acc ^= _pair_hash(f"{q.graph_name}\t{q.object.value}")
        n += 1
    for q in store.quads_for_pattern(None, term("nkg:extractorVersion"), None, None):
        acc ^= _pair_hash(f"{q.graph_name}\tversion\t{q.object.value}")
    return n, f"{acc:016x}"


def _pair_hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def mark_stale() -> str:
    """A SPARQL Update operation marking the stored summary (if there is one) out of date, for
    writers of article graphs to join to their change in ONE request (one transaction)."""
    return (f"INSERT {{ GRAPH {_S} {{ {_S} <{STALE.value}> true }} }} "
            f"WHERE {{ GRAPH {_S} {{ {_S} <{_NKG}articlesDigest> ?digest }} }}")


def summary_state(store: Store) -> tuple[int, str] | None:
    """(articles, digest) the stored summary was computed from; None if there is none, if it
    is marked out of date (:data:`STALE`: articles changed since), or if it was written by code
    of another :data:`SUMMARY_VERSION` (so it is recomputed). A few look-ups."""
    n = d = v = None
    for q in store.quads_for_pattern(SUMMARY_GRAPH, None, None, SUMMARY_GRAPH):
        if q.predicate == STALE:
            return None
        if q.predicate == term("nkg:articleCount"):
            n = int(q.object.value)
        elif q.predicate == term("nkg:articlesDigest"):
            d = q.object.value
        elif q.predicate == term("nkg:summaryVersion"):
            v = int(q.object.value)
    return None if n is None or d is None or v != SUMMARY_VERSION else (n, d)


def _key(line: str) -> int:
    """A 128-bit digest of one N-Triples line: the diff holds these, not the lines."""
    return int.from_bytes(hashlib.blake2b(line.encode(), digest_size=16).digest(), "big")


def _canonical_line(q) -> str:
    return f"{q.subject} {q.predicate} {q.object} ."


def _write(store: Store, lines: list[str], *, delete: bool, written: list[int], bulk: bool = False) -> None:
    """One chunk of summary lines added or deleted: one transaction of at most :data:`CHUNK`,
    or (``bulk``: additions of up to :data:`BULK_CHUNK`) one bulk load, not a transaction;
    ``written``: a one-item counter of lines since the last flush of the store."""
    if not lines:
        return
    try:
        if delete:
            store.update(f"DELETE DATA {{ GRAPH {_S} {{\n" + "\n".join(lines) + "\n} }")
        elif bulk:
            store.bulk_load(("\n".join(lines) + "\n").encode(), format=RdfFormat.N_TRIPLES, to_graph=SUMMARY_GRAPH)
        else:
            store.load(("\n".join(lines) + "\n").encode(), format=RdfFormat.N_TRIPLES, to_graph=SUMMARY_GRAPH)
        written[0] += len(lines)
        if written[0] >= FLUSH_LINES:
            store.flush()
            written[0] = 0
    except (OSError, SyntaxError, ValueError) as e:
        raise GraphError(f"updating the summary graph failed: {e}") from e
    lines.clear()


def refresh_summary(store: Store, digest: tuple[int, str] | None = None) -> dict:
    """Recompute the summary graph from the article graphs and write only what changed.

    Memory stays bounded on a big graph: the aggregates are a few rows per entity, the diff
    holds 128-bit digests of the new and the stored lines (never the lines), and changes are
    written in transactions of :data:`CHUNK` lines (many additions: bulk loads of
    :data:`BULK_CHUNK`). The digest triples go first and come back
    last, so a refresh cut short leaves a summary :func:`ensure_summary` recomputes (readers
    of this store object may see it half-updated meanwhile; ``newskg serve`` and other
    read-only openings see the state at their opening).
    ``digest``: :func:`articles_digest` if already known.

    Returns ``{"seconds", "triples", "added", "removed"}``.
    :raises GraphError: if the store refuses the update.
    """
    t0 = time.monotonic()
    n, digest = digest or articles_digest(store)
    agg = _aggregates(store)
    new = {_key(line) for line in _lines(agg)}
    state = {term("nkg:articleCount"), term("nkg:articlesDigest"), term("nkg:summaryVersion")}
    buf: list[str] = []
    written = [0]
    for q in store.quads_for_pattern(SUMMARY_GRAPH, None, None, SUMMARY_GRAPH):  # the digest out first
        if q.predicate in state:
            buf.append(_canonical_line(q))
    _write(store, buf, delete=True, written=written)
    old: set[int] = set()
    removed = 0
    # quads_for_pattern reads a snapshot: deleting chunks while iterating is safe
    for q in store.quads_for_pattern(None, None, None, SUMMARY_GRAPH):
        line = _canonical_line(q)
        k = _key(line)
        if k in new:
            old.add(k)
        else:
            buf.append(line)
            removed += 1
            if len(buf) >= CHUNK:
                _write(store, buf, delete=True, written=written)
    _write(store, buf, delete=True, written=written)
    added = 0
    for line in _lines(agg):
        if _key(line) not in old:
            buf.append(line)
            added += 1
            if len(buf) >= BULK_CHUNK:
                _write(store, buf, delete=False, written=written, bulk=True)
    _write(store, buf, delete=False, written=written, bulk=len(buf) >= CHUNK)
    buf += [f"{_S} <{_NKG}articleCount> {_lit(n)} .", f"{_S} <{_NKG}articlesDigest> {Literal(digest)} .",
            f"{_S} <{_NKG}summaryVersion> {_lit(SUMMARY_VERSION)} ."]
    _write(store, buf, delete=False, written=written)  # the digest last, once the rest is stored
    return {"seconds": round(time.monotonic() - t0, 3), "triples": len(new) + 3, "added": added, "removed": removed}


def ensure_summary(store: Store) -> bool:
    """Recompute the summary if it does not match the article graphs; True if it did.
    Call it after anything that writes article graphs (``kg.build``, ``newskg remove``)."""
    current = articles_digest(store)
    if summary_state(store) == current:
        return False
    refresh_summary(store, current)
    return True


__all__ = ["STALE", "SUMMARY_GRAPH", "articles_digest", "ensure_summary", "mark_stale", "refresh_summary", "summary_state", "summary_triples"]
