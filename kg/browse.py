"""Browsing the graph: find entities, an entity's neighbourhood as nodes and edges, an
entity's details (relations, figures, mentions in context), articles and their text.

What the app's Explore, Entity and Corpus pages show, as plain dicts (JSON-ready), so the CLI
(``newskg entity ...``) and scripts get the same. Every query is a ``.rq`` file in
``kg/queries/browse_*.rq`` with values bound through substitutions, never formatted in.

>>> from kg.store import open_store
>>> store = open_store(None)
>>> search_entities(store, "研究院")
[]
"""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable

from pyoxigraph import Literal, NamedNode, Variable

from corpus.errors import GraphError
from kg.vocab import PREFIXES, article_iri, entity_iri, term

#: Relation names that only say "named in the same sentence" (not typed relations).
CO_MENTION_RELATIONS = {"co_mention"}

#: Label of an edge by predicate local name; other predicates show their local name.
EDGE_LABELS = {"coMentionedWith": "co-mention"}


class EntityNotFound(GraphError):
    """No entity with the given id in the graph."""

    code = "E310"


class ArticleNotInGraph(GraphError):
    """No article with the given id in the graph."""

    code = "E311"


@functools.lru_cache(maxsize=None)
def _query_text(name: str) -> str:
    return resources.files("kg").joinpath("queries", f"{name}.rq").read_text(encoding="utf-8")


def _rows(store, name: str, **bindings) -> list[dict]:
    """Run ``kg/queries/<name>.rq`` with ``bindings`` (variable -> RDF term) over the union of
    all article graphs; rows as dicts of Python values (str, int, float; None when unbound)."""
    subs = {Variable(k): v for k, v in bindings.items()}
    res = store.query(_query_text(name), substitutions=subs, prefixes=PREFIXES,
                      use_default_graph_as_union=True)
    names = [v.value for v in res.variables]
    out = []
    for sol in res:
        out.append({n: _py(sol[n]) for n in names})
    return out


def _py(t):
    """An RDF term as a plain Python value (IRIs as str, typed numbers as int/float)."""
    if t is None:
        return None
    if isinstance(t, Literal):
        dt = t.datatype.value if t.datatype is not None else ""
        if dt.endswith("#integer"):
            return int(t.value)
        if dt.endswith(("#decimal", "#double", "#float")):
            f = float(t.value)
            return int(f) if f.is_integer() and "." not in t.value else f
        return t.value
    return t.value


@functools.lru_cache(maxsize=None)
def _class_types() -> dict[str, str]:
    from kg.rdf import class_types

    return class_types()


def _entity_type(classes: str | None) -> str:
    """Our entity type from a space-separated list of class IRIs (first known wins)."""
    for c in sorted((classes or "").split()):
        t = _class_types().get(c)
        if t:
            return t
    return "OTHER"


@dataclass
class EntityIndex:
    """Every entity of a graph with its name, type, aliases and mention count, for fast
    search (build it once per store version with :func:`entity_index`)."""

    entries: dict[str, dict]  # entity id -> {"id", "name", "type", "aliases", "mentions"}

    def search(self, text: str = "", *, types: Iterable[str] | None = None, limit: int = 50) -> list[dict]:
        """Entities whose name or an alias contains ``text`` (case-insensitive; empty: all),
        most mentioned first: ``[{"id", "name", "type", "mentions"}]``."""
        wanted = set(types or ())
        needle = (text or "").strip().lower()
        hits = [e for e in self.entries.values()
                if (not wanted or e["type"] in wanted)
                and (not needle or needle in e["name"].lower() or any(needle in a.lower() for a in e["aliases"]))]
        hits.sort(key=lambda e: (-e["mentions"], e["name"], e["id"]))
        return [{k: e[k] for k in ("id", "name", "type", "mentions")} for e in hits[:limit]]

    def get(self, entity: str) -> dict | None:
        """``{"id", "name", "type", "aliases", "mentions"}`` of one entity, or None."""
        e = self.entries.get(entity)
        return None if e is None else {**e, "aliases": list(e["aliases"])}


def entity_index(store) -> EntityIndex:
    """Read every entity's name, type, aliases and mention count: four single-pattern queries
    (about a second on a graph of one CCTV year, 1.7M triples)."""
    types = _class_types()
    by_iri: dict[str, dict] = {}
    for r in _rows(store, "browse_index_names"):
        by_iri.setdefault(r["e"], {"id": entity_id_from_iri(r["e"]), "name": r["name"], "type": "OTHER",
                                   "aliases": [], "mentions": 0})
    for r in sorted(_rows(store, "browse_index_types"), key=lambda r: r["cls"]):
        e = by_iri.get(r["e"])
        if e is not None and e["type"] == "OTHER":
            e["type"] = types.get(r["cls"], "OTHER")
    for r in _rows(store, "browse_index_aliases"):
        e = by_iri.get(r["e"])
        if e is not None and r["alias"] != e["name"] and r["alias"] not in e["aliases"]:
            e["aliases"].append(r["alias"])
    for r in _rows(store, "browse_index_mentions"):
        e = by_iri.get(r["e"])
        if e is not None:
            e["mentions"] = r["mentions"]
    for e in by_iri.values():
        e["aliases"].sort()
    return EntityIndex({e["id"]: e for e in by_iri.values()})


def search_entities(store, text: str = "", *, types: Iterable[str] | None = None, limit: int = 50,
                    index: EntityIndex | None = None) -> list[dict]:
    """Entities whose name or an alias contains ``text`` (case-insensitive; empty: all), most
    mentioned first: ``[{"id", "name", "type", "mentions"}]``.

    :param types: keep only these entity types (``ORG``, ``PERSON`` ...); None keeps all.
    :param index: a prebuilt :func:`entity_index` (else one is built for this call).
    """
    return (index or entity_index(store)).search(text, types=types, limit=limit)


def entity_summary(store, entity: str, *, index: EntityIndex | None = None) -> dict:
    """``{"id", "name", "type", "aliases", "mentions"}`` of one entity.

    :raises EntityNotFound: if the graph has no entity with that id.
    """
    if index is not None:
        found = index.get(entity)
        if found is None:
            raise EntityNotFound(f"no entity {entity!r} in the graph (search for it by name)")
        return found
    iri = entity_iri(entity)
    names = {q.object.value for q in store.quads_for_pattern(iri, term("schema:name"), None, None)}
    if not names:
        raise EntityNotFound(f"no entity {entity!r} in the graph (search for it by name)")
    name = min(names)
    classes = sorted({q.object.value for q in store.quads_for_pattern(iri, term("rdf:type"), None, None)})
    aliases = sorted({q.object.value for q in store.quads_for_pattern(iri, term("schema:alternateName"), None, None)}
                     - {name})
    counted = _rows(store, "browse_mention_count", e=iri)
    return {"id": entity, "name": name, "type": _entity_type(" ".join(classes)), "aliases": aliases,
            "mentions": counted[0]["mentions"] if counted else 0}


def _edge_label(predicate: str) -> str:
    local = predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return EDGE_LABELS.get(local, local)


def entity_id_from_iri(iri: str) -> str:
    """Entity id of an entity IRI (inverse of :func:`kg.vocab.entity_iri`); other IRIs as is.

    >>> entity_id_from_iri(entity_iri("5G/6G 网络").value)
    '5G/6G 网络'
    """
    from urllib.parse import unquote

    root = PREFIXES["ent"]
    return unquote(iri[len(root):]) if iri.startswith(root) else iri


def link_predicates(store) -> list[str]:
    """IRIs of the predicates that link two entities in this graph (typed relations and
    co-mention)."""
    preds = {r["p"] for r in _rows(store, "browse_link_predicates")}
    preds.add(term("nkg:coMentionedWith").value)
    return sorted(preds)


def _links(store, entity: str, predicates: list[str]) -> list[tuple[str, str, str, int]]:
    """(source id, predicate IRI, target id, weight) of every link of ``entity``."""
    e = entity_iri(entity)
    out = []
    for p in predicates:
        pn = NamedNode(p)
        for r in _rows(store, "browse_links_out", e=e, p=pn):
            if r["o"].startswith(PREFIXES["ent"]) and r["o"] != e.value:
                out.append((entity, p, entity_id_from_iri(r["o"]), r["weight"]))
        for r in _rows(store, "browse_links_in", e=e, p=pn):
            if r["s"].startswith(PREFIXES["ent"]) and r["s"] != e.value:
                out.append((entity_id_from_iri(r["s"]), p, entity, r["weight"]))
    return out


def neighbourhood(store, entity: str, *, depth: int = 1, max_neighbours: int = 30, expand: int = 8,
                  max_nodes: int = 80, index: EntityIndex | None = None) -> dict:
    """The entity's neighbourhood, ``depth`` 1 or 2 links away: ``{"center", "nodes": [{"id",
    "label", "type", "weight"}], "edges": [{"source", "target", "label", "weight"}]}``.

    Typed relations and co-mentions, weighted by the number of articles stating them. The
    entity keeps its ``max_neighbours`` heaviest links; at depth 2 its ``expand`` heaviest
    neighbours are expanded the same way; at most ``max_nodes`` nodes in all.

    :raises EntityNotFound: if the graph has no entity with that id.
    """
    if depth not in (1, 2):
        raise GraphError(f"depth must be 1 or 2, not {depth}")
    center = entity_summary(store, entity, index=index)
    preds = link_predicates(store)
    nodes: dict[str, dict] = {entity: center}
    edges: dict[tuple[str, str, str], int] = {}
    frontier = [entity]
    for level in range(depth):
        nxt: list[str] = []
        for eid in frontier:
            links = sorted(_links(store, eid, preds), key=lambda x: (-x[3], x[0], x[2], x[1]))
            kept: list[str] = []
            for s, p, o, w in links:
                other = o if s == eid else s
                if other not in nodes:
                    if len(nodes) >= max_nodes or len(kept) >= max_neighbours:
                        continue
                    nodes[other] = {"id": other}
                    nxt.append(other)
                if other not in kept:
                    kept.append(other)
                key = (s, o, _edge_label(p))
                edges[key] = max(edges.get(key, 0), w)
        frontier = nxt[:expand]
    for eid, n in list(nodes.items()):
        if "name" not in n:
            try:
                nodes[eid] = entity_summary(store, eid, index=index)
            except EntityNotFound:  # a link to an entity without a name: show its id
                nodes[eid] = {"id": eid, "name": eid, "type": "OTHER", "aliases": [], "mentions": 0}
    # co-mention is symmetric: one edge per pair, and none where a typed relation links the pair
    typed = {frozenset((s, o)) for (s, o, label) in edges if label != "co-mention"}
    merged: dict[tuple[str, str, str], float] = {}
    for (s, o, label), w in edges.items():
        if label == "co-mention":
            if frozenset((s, o)) in typed:
                continue
            s, o = min(s, o), max(s, o)
        merged[(s, o, label)] = max(merged.get((s, o, label), 0), w)
    return {
        "center": entity,
        "nodes": [{"id": n["id"], "label": n["name"], "type": n["type"], "weight": n["mentions"]}
                  for n in nodes.values()],
        "edges": [{"source": s, "target": o, "label": label, "weight": w}
                  for (s, o, label), w in sorted(merged.items())],
    }


def _props(store, query: str, e: NamedNode, key: str) -> dict[str, dict[str, object]]:
    """{node IRI: {property local name: value}} from a ``browse_*_props`` query."""
    out: dict[str, dict[str, object]] = {}
    for r in _rows(store, query, e=e):
        out.setdefault(r[key], {})[r["p"].rsplit("#", 1)[-1].rsplit("/", 1)[-1]] = r["v"]
    return out


def _article_heads(store, ids: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
    """{article id: (title, date)} read straight from each article's node."""
    out = {}
    for aid in set(ids):
        a = article_iri(aid)
        title = next((q.object.value for q in store.quads_for_pattern(a, term("schema:headline"), None, None)), None)
        date = next((q.object.value for q in store.quads_for_pattern(a, term("schema:datePublished"), None, None)),
                    None)
        out[aid] = (title, date)
    return out


def entity_details(store, entity: str, *, index: EntityIndex | None = None) -> dict:
    """Everything the graph says about one entity: :func:`entity_summary` plus
    ``relations`` (typed, both directions, with role and source sentence), ``co_mentions``
    (entities named in the same sentences: ``{"other", "other_name", "sentences",
    "articles"}``, most frequent first), ``metrics`` (figures about it, with unit, period
    and source) and ``mentions`` (in context, by date, at most 1,000; ``span_start``/
    ``span_end`` are offsets into ``sentence``).

    :raises EntityNotFound: if the graph has no entity with that id.
    """
    d = entity_summary(store, entity, index=index)
    e = entity_iri(entity)
    names: dict[str, str] = {}

    def name_of(iri: str) -> str:
        if iri not in names:
            eid = entity_id_from_iri(iri)
            try:
                names[iri] = entity_summary(store, eid, index=index)["name"]
            except EntityNotFound:
                names[iri] = eid
        return names[iri]

    rels: list[dict] = []
    co: dict[str, dict] = {}
    st_props = {**_props(store, "browse_statement_props_out", e, "st"),
                **_props(store, "browse_statement_props_in", e, "st")}
    rows = _rows(store, "browse_statements_out", e=e) + _rows(store, "browse_statements_in", e=e)
    rows.sort(key=lambda r: (r["relation"], r["article"], r["sstart"]))
    heads = _article_heads(store, [r["article"] for r in rows])
    for r in rows:
        head, tail = entity_id_from_iri(r["h"]), entity_id_from_iri(r["t"])
        out = head == entity and tail != entity
        other_iri = r["t"] if out else r["h"]
        if r["relation"] in CO_MENTION_RELATIONS:
            other = entity_id_from_iri(other_iri)
            c = co.setdefault(other, {"other": other, "other_name": name_of(other_iri), "sentences": 0,
                                      "articles": set()})
            c["sentences"] += 1
            c["articles"].add(r["article"])
            continue
        p = st_props.get(r["st"], {})
        rels.append({
            "direction": "out" if out else "in",
            "relation": r["relation"],
            "other": entity_id_from_iri(other_iri),
            "other_name": name_of(other_iri),
            "role": p.get("jobTitle") or p.get("role"),
            "article": r["article"],
            "title": heads[r["article"]][0],
            "sentence": r["sentence"],
            **_span({"start": p.get("start"), "end": p.get("end"), "sstart": r["sstart"]}),
        })
    metrics = []
    m_props = _props(store, "browse_metric_props", e, "o")
    rows = _rows(store, "browse_metrics", e=e)
    heads.update(_article_heads(store, [r["article"] for r in rows if r["article"] not in heads]))
    for r in rows:
        p = m_props.get(r["o"], {})
        metrics.append({
            "indicator": r["indicator"], "value": r["value"], "unit": r["unit"], "qualifier": p.get("qualifier"),
            "kind": r["kind"], "period": p.get("period"), "base_value": p.get("baseValue"),
            "base_unit": p.get("baseUnit"), "text": r["text"], "article": r["article"],
            "title": heads[r["article"]][0], "sentence": r["sentence"], "start": r["start"], "end": r["end"],
            **_span(r),
        })
    metrics.sort(key=lambda m: (m["indicator"], str(m["period"] or ""), m["article"], m["start"]))
    rows = _rows(store, "browse_mentions", e=e)
    heads.update(_article_heads(store, [r["article"] for r in rows if r["article"] not in heads]))
    mentions = [{"article": r["article"], "title": heads[r["article"]][0], "date": heads[r["article"]][1],
                 "text": r["text"], "start": r["start"], "end": r["end"], "sentence": r["sentence"], **_span(r)}
                for r in rows]
    mentions.sort(key=lambda m: (m["date"] or "", m["article"], m["start"]))
    co_mentions = sorted(({**c, "articles": len(c["articles"])} for c in co.values()),
                         key=lambda c: (-c["sentences"], c["other_name"]))
    d.update(relations=rels, co_mentions=co_mentions, metrics=metrics, mentions=mentions)
    return d


def _span(r: dict) -> dict:
    """Offsets of a fact inside its sentence (from article offsets), when known."""
    if r.get("start") is None or r.get("sstart") is None:
        return {"span_start": None, "span_end": None}
    return {"span_start": r["start"] - r["sstart"], "span_end": r["end"] - r["sstart"]}


def list_articles(store) -> list[dict]:
    """The articles in the graph: ``[{"id", "title", "date", "kind", "source", "chars",
    "sentences"}]`` by date and id."""
    counts = {r["a"]: r["sentences"] for r in _rows(store, "browse_sentence_counts")}
    return [{"id": r["id"], "title": r["title"], "date": r["date"], "kind": r["kind"], "source": r["source"],
             "chars": r["length"], "sentences": counts.get(article_iri(r["id"]).value, 0)}
            for r in _rows(store, "browse_articles")]


def article_details(store, article: str) -> dict:
    """One article from the graph: metadata, ``sentences`` and ``text`` rebuilt from the
    sentences' offsets (a gap between sentences becomes a paragraph break).

    :raises ArticleNotInGraph: if the article is not in the graph.
    """
    a = article_iri(article)
    props: dict[str, object] = {}
    for q in store.quads_for_pattern(a, None, None, None):
        props.setdefault(q.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1], _py(q.object))
    if "identifier" not in props:
        raise ArticleNotInGraph(f"no article {article!r} in the graph")
    sents = [{"index": r["index"], "start": r["start"], "end": r["end"], "text": r["text"]}
             for r in _rows(store, "browse_article", a=a)]
    parts, pos = [], None
    for s in sents:
        if pos is not None and s["start"] > pos:
            parts.append("\n")
        parts.append(s["text"])
        pos = s["end"]
    return {"id": props["identifier"], "title": props.get("headline"), "date": props.get("datePublished"),
            "kind": props.get("kind"), "source": props.get("source"), "line": props.get("line"),
            "url": props.get("url"), "chars": props.get("length"), "checksum": props.get("checksum"),
            "sentences": sents, "text": "".join(parts)}


def _queries_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "docs" / "queries"


def ready_queries(folder: str | os.PathLike | None = None) -> list[dict]:
    """The ready queries researchers can copy (``docs/queries/*.rq``, read with
    :func:`kg.sparql.load_query`): ``[{"name", "title", "answers", "example", "query",
    "params": {name: default value as text}}]``.

    >>> ready_queries("/nonexistent")
    []
    """
    from kg.sparql import load_query

    root = Path(folder) if folder else _queries_dir()
    out = []
    for p in sorted(root.glob("*.rq")) if root.is_dir() else []:
        q = load_query(p)
        out.append({"name": q.name, "title": q.title or q.name, "answers": q.answers, "example": q.example,
                    "query": q.text, "params": {k: v.value for k, v in q.params.items()}})
    return out


def select_rows(store, query: str, *, ready: str | None = None, params: dict[str, str] | None = None,
                timeout: float | None = None, limit: int | None = None,
                folder: str | os.PathLike | None = None) -> dict:
    """Run a user's read-only query with :func:`kg.sparql.run_query` and return what a table
    view needs: ``{"kind": "select"|"ask"|"graph", "columns", "rows" (dicts of strings, IRIs
    shortened with the project prefixes), "boolean", "text" (Turtle for graphs), "csv",
    "json" (W3C SPARQL results), "truncated", "seconds"}``.

    :param ready: name of the ready query the text came from: its declared parameters
        (defaults, overridden by ``params``) are bound, for those variables the text still has.
    :raises QueryError: for a query that does not parse, an update, or the time limit.

    >>> from kg.store import open_store
    >>> select_rows(open_store(None), "ASK { ?s ?p ?o }")["boolean"]
    False
    """
    from kg.sparql import format_results, load_query, run_query

    subs = None
    if ready:
        path = (Path(folder) if folder else _queries_dir()) / f"{ready}.rq"
        bound = load_query(path).bindings(params or {})
        subs = {k: v for k, v in bound.items() if re.search(rf"[?$]{re.escape(k)}\b", query)}
    res = run_query(store, query, substitutions=subs, timeout=timeout, limit=limit)
    return result_view(res)


def result_view(res) -> dict:
    """What a table view needs from a :class:`kg.sparql.QueryResult` (see :func:`select_rows`)."""
    from kg.sparql import format_results

    out = {"kind": res.kind, "columns": list(res.variables), "rows": [], "boolean": res.boolean, "text": "",
           "csv": "", "json": "", "truncated": res.truncated, "seconds": res.seconds}
    if res.kind == "graph":
        out["text"] = format_results(res, "ttl")
    else:
        out.update(json=format_results(res, "json"), csv=format_results(res, "csv"))
        if res.kind == "select":
            out["rows"] = res.records(compact=True)
    return out


@functools.lru_cache(maxsize=None)
def _example_patterns() -> tuple[tuple[str, str], ...]:
    text = resources.files("kg").joinpath("data", "browse_example_questions.tsv").read_text(encoding="utf-8")
    rows = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 2:
            raise GraphError("expected two tab-separated columns: from, pattern",
                             path="kg/data/browse_example_questions.tsv", line=lineno)
        rows.append((cells[0].strip(), cells[1].strip()))
    return tuple(rows)


def example_questions(store, *, limit: int = 6, index: EntityIndex | None = None,
                      budget_s: float | None = None) -> list[str]:
    """Questions about this graph that it answers: the patterns of
    ``kg/data/browse_example_questions.tsv`` filled with its top entities, kept when
    :func:`kg.qa.answer` finds an answer.

    :param budget_s: stop trying more patterns after this many seconds (big graphs).
    """
    import time

    from kg.qa import answer
    from kg.stats import top_entities

    t0 = time.monotonic()
    index = index or entity_index(store)
    out: list[str] = []
    for source, pattern in _example_patterns():
        if "{name}" in pattern:
            if source == "metrics":
                top = top_entities(store, "metrics", 1)
                name = top[0]["name"] if top else None
            else:
                top = index.search("", types=[source], limit=1)
                name = top[0]["name"] if top else None
            if not name:
                continue
            question = pattern.replace("{name}", name)
        else:
            question = pattern
        try:
            if answer(store, question).found and question not in out:
                out.append(question)
        except GraphError:
            continue
        if len(out) >= limit or (budget_s is not None and time.monotonic() - t0 > budget_s):
            break
    return out
