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
from importlib import resources
from pathlib import Path
from typing import Iterable

from pyoxigraph import Literal, Variable

from corpus.errors import GraphError
from kg.vocab import PREFIXES, article_iri, entity_iri

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


def _py(term):
    """An RDF term as a plain Python value (IRIs as str, typed numbers as int/float)."""
    if term is None:
        return None
    if isinstance(term, Literal):
        dt = term.datatype.value if term.datatype is not None else ""
        if dt.endswith("#integer"):
            return int(term.value)
        if dt.endswith(("#decimal", "#double", "#float")):
            f = float(term.value)
            return int(f) if f.is_integer() and "." not in term.value else f
        return term.value
    return term.value


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


def search_entities(store, text: str = "", *, types: Iterable[str] | None = None, limit: int = 50) -> list[dict]:
    """Entities whose name or an alias contains ``text`` (case-insensitive; empty: all), most
    mentioned first: ``[{"id", "name", "type", "mentions"}]``.

    :param types: keep only these entity types (``ORG``, ``PERSON`` ...); None keeps all.
    """
    wanted = set(types or ())
    out = []
    for r in _rows(store, "browse_search", text=Literal(text or "")):
        t = _entity_type(r["classes"])
        if wanted and t not in wanted:
            continue
        out.append({"id": r["id"], "name": r["name"], "type": t, "mentions": r["mentions"]})
        if len(out) >= limit:
            break
    return out


def entity_summary(store, entity: str) -> dict:
    """``{"id", "name", "type", "aliases", "mentions"}`` of one entity.

    :raises EntityNotFound: if the graph has no entity with that id.
    """
    rows = _rows(store, "browse_entity", e=entity_iri(entity))
    if not rows:
        raise EntityNotFound(f"no entity {entity!r} in the graph (search for it by name)")
    r = rows[0]
    aliases = sorted(a for a in (r["aliases"] or "").split("\t") if a and a != r["name"])
    return {"id": r["id"], "name": r["name"], "type": _entity_type(r["classes"]), "aliases": aliases,
            "mentions": r["mentions"]}


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


def neighbourhood(store, entity: str, *, depth: int = 1, max_neighbours: int = 30,
                  max_nodes: int = 80) -> dict:
    """The entity's neighbourhood, ``depth`` 1 or 2 links away: ``{"center", "nodes": [{"id",
    "label", "type", "weight"}], "edges": [{"source", "target", "label", "weight"}]}``.

    Typed relations and co-mentions, weighted by the number of articles stating them; each
    node keeps its ``max_neighbours`` heaviest links, and the whole at most ``max_nodes``.

    :raises EntityNotFound: if the graph has no entity with that id.
    """
    if depth not in (1, 2):
        raise GraphError(f"depth must be 1 or 2, not {depth}")
    center = entity_summary(store, entity)
    nodes: dict[str, dict] = {entity: center}
    edges: dict[tuple[str, str, str], float] = {}
    frontier = [entity]
    for level in range(depth):
        nxt = []
        for eid in frontier:
            rows = _rows(store, "browse_neighbours", e=entity_iri(eid))
            rows.sort(key=lambda r: (-r["weight"], r["s"], r["o"], r["p"]))
            kept_others: list[str] = []
            for r in rows:
                s, o = entity_id_from_iri(r["s"]), entity_id_from_iri(r["o"])
                other = o if s == eid else s
                if other not in nodes:
                    if len(nodes) >= max_nodes or len(kept_others) >= max_neighbours:
                        continue
                    nodes[other] = {"id": other}
                    nxt.append(other)
                if other not in kept_others:
                    kept_others.append(other)
                key = (s, o, _edge_label(r["p"]))
                edges[key] = max(edges.get(key, 0), r["weight"])
        frontier = nxt
    for eid, n in nodes.items():
        if "name" not in n:
            nodes[eid] = entity_summary(store, eid)
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


def entity_details(store, entity: str) -> dict:
    """Everything the graph says about one entity: :func:`entity_summary` plus
    ``relations`` (typed, both directions, with role and source sentence), ``co_mentions``
    (entities named in the same sentences: ``{"other", "other_name", "sentences",
    "articles"}``, most frequent first), ``metrics`` (figures
    about it, with unit, period and source) and ``mentions`` (in context; ``span_start``/
    ``span_end`` are offsets into ``sentence``).

    :raises EntityNotFound: if the graph has no entity with that id.
    """
    d = entity_summary(store, entity)
    rels = []
    co: dict[str, dict] = {}
    for r in _rows(store, "browse_statements", e=entity_iri(entity)):
        out = r["head"] == entity and r["tail"] != entity
        if r["relation"] in CO_MENTION_RELATIONS:
            other = r["tail"] if out else r["head"]
            c = co.setdefault(other, {"other": other, "other_name": r["tailName"] if out else r["headName"],
                                      "sentences": 0, "articles": set()})
            c["sentences"] += 1
            c["articles"].add(r["article"])
            continue
        rels.append({
            "direction": "out" if out else "in",
            "relation": r["relation"],
            "other": r["tail"] if out else r["head"],
            "other_name": r["tailName"] if out else r["headName"],
            "role": r["role"],
            "article": r["article"],
            "title": r["title"],
            "sentence": r["sentence"],
            **_span(r),
        })
    metrics = []
    for r in _rows(store, "browse_metrics", e=entity_iri(entity)):
        metrics.append({
            "indicator": r["indicator"], "value": r["value"], "unit": r["unit"], "qualifier": r["qualifier"],
            "kind": r["kind"], "period": r["period"], "base_value": r["baseValue"], "base_unit": r["baseUnit"],
            "text": r["text"], "article": r["article"], "title": r["title"], "sentence": r["sentence"],
            "start": r["start"], "end": r["end"], **_span(r),
        })
    mentions = [{"article": r["article"], "title": r["title"], "date": r["date"], "text": r["text"],
                 "start": r["start"], "end": r["end"], "sentence": r["sentence"], **_span(r)}
                for r in _rows(store, "browse_mentions", e=entity_iri(entity))]
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
    return [{"id": r["id"], "title": r["title"], "date": r["date"], "kind": r["kind"], "source": r["source"],
             "chars": r["length"], "sentences": r["sentences"]} for r in _rows(store, "browse_articles")]


def article_details(store, article: str) -> dict:
    """One article from the graph: metadata, ``sentences`` and ``text`` rebuilt from the
    sentences' offsets (a gap between sentences becomes a paragraph break).

    :raises ArticleNotInGraph: if the article is not in the graph.
    """
    rows = _rows(store, "browse_article", a=article_iri(article))
    if not rows:
        raise ArticleNotInGraph(f"no article {article!r} in the graph")
    first = rows[0]
    sents = [{"index": r["index"], "start": r["start"], "end": r["end"], "text": r["text"]}
             for r in rows if r["index"] is not None]
    parts, pos = [], None
    for s in sents:
        if pos is not None and s["start"] > pos:
            parts.append("\n")
        parts.append(s["text"])
        pos = s["end"]
    return {"id": first["id"], "title": first["title"], "date": first["date"], "kind": first["kind"],
            "source": first["source"], "line": first["line"], "url": first["url"], "chars": first["length"],
            "checksum": first["checksum"], "sentences": sents, "text": "".join(parts)}


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


def example_questions(store, *, limit: int = 6) -> list[str]:
    """Questions about this graph that it answers: the patterns of
    ``kg/data/browse_example_questions.tsv`` filled with its top entities, kept when
    :func:`kg.qa.answer` finds an answer.
    """
    from kg.qa import answer
    from kg.stats import top_entities

    out: list[str] = []
    for source, pattern in _example_patterns():
        if "{name}" in pattern:
            if source == "metrics":
                top = top_entities(store, "metrics", 1)
                name = top[0]["name"] if top else None
            else:
                top = search_entities(store, "", types=[source], limit=1)
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
        if len(out) >= limit:
            break
    return out
