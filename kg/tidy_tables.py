"""The graph as tidy tables for pandas, R and Stata: one row per figure, per entity or per
relation statement, read from the store with bound SPARQL (``kg/queries/table_*.rq``).

Rows are plain dicts keyed by the column names of :data:`COLUMNS`; :func:`table_frame`
gives a pandas DataFrame when pandas is installed (it is optional). The files are written by
:mod:`kg.table_files` (``newskg export --format figures|entities|relations``). Columns are
documented in docs/export.md.

>>> from kg.store import open_store
>>> table_rows(open_store(None), "figures")
[]
"""
from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from decimal import Decimal
from importlib import resources
from typing import Iterable

import pyoxigraph as ox

from corpus.errors import GraphError
from extract.model import ENTITY_TYPES
from extract.periods import period_bounds
from kg.rdf import class_types
from kg.summary import summary_state
from kg.vocab import PREFIXES

#: Columns of each table, in order (docs/export.md says what each holds).
COLUMNS: dict[str, tuple[str, ...]] = {
    "figures": (
        "subject", "subject_id", "subject_type", "indicator", "kind", "value", "unit", "text",
        "base_value", "base_unit", "qualifier", "period", "period_start", "period_end",
        "article_id", "date", "title", "sentence", "sentence_start", "start", "end",
        "conflict", "other_values", "observation",
    ),
    "entities": ("id", "name", "type", "mentions", "articles", "figures", "first_date", "last_date", "iri"),
    "relations": (
        "relation", "head", "head_id", "head_type", "tail", "tail_id", "tail_type", "role",
        "article_id", "date", "title", "sentence", "sentence_start", "start", "end", "statement",
    ),
}
TABLES = tuple(COLUMNS)
#: Columns holding numbers (float in a DataFrame; written as they are stored in CSV/JSONL).
NUMBER_COLUMNS = frozenset({"value", "base_value"})
#: Columns holding counts or offsets (nullable integers in a DataFrame).
INT_COLUMNS = frozenset({"mentions", "articles", "figures", "sentence_start", "start", "end"})

_DATE_ARG = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


@functools.lru_cache(maxsize=None)
def _query(name: str) -> str:
    return resources.files("kg").joinpath("queries", f"{name}.rq").read_text(encoding="utf-8")


def _solutions(store: ox.Store, name: str, bind: dict[str, str] | None = None) -> list[dict]:
    """Rows of a packaged query as {variable: term}, with ``bind`` substituted (never formatted in)."""
    subs = {ox.Variable(k): ox.Literal(v) for k, v in (bind or {}).items()}
    res = store.query(_query(name), prefixes=PREFIXES, use_default_graph_as_union=True, substitutions=subs or None)
    names = [v.value for v in res.variables]
    return [{k: t for k, t in zip(names, row) if t is not None} for row in res]


def _text(row: dict, key: str) -> str:
    t = row.get(key)
    return t.value if t is not None else ""


def _int(row: dict, key: str) -> int | None:
    t = row.get(key)
    return int(t.value) if t is not None else None


def _day(value: str) -> str:
    """An article date as ISO text (YYYYMMDD written YYYY-MM-DD; other forms as they are)."""
    return f"{value[:4]}-{value[4:6]}-{value[6:]}" if re.fullmatch(r"\d{8}", value) else value


def _type(classes: Iterable[str]) -> str:
    """The entity type of a set of RDF classes (the first in ENTITY_TYPES order), '' if none."""
    types = {class_types().get(c) for c in classes} - {None}
    order = {t: i for i, t in enumerate(ENTITY_TYPES)}
    return min(types, key=lambda t: (order.get(t, len(order)), t)) if types else ""


def check_filters(table: str, *, types: Iterable[str] | None = None, indicator: str | None = None,
                  since: str | None = None, until: str | None = None) -> frozenset[str] | None:
    """Validate the filters of a table; returns the entity types (upper case) or None.

    >>> check_filters("figures", types=["org"], since="2023-01")
    frozenset({'ORG'})
    >>> check_filters("figures", since="1.1.2023")
    Traceback (most recent call last):
    ...
    corpus.errors.GraphError: --since must be a date written YYYY, YYYY-MM or YYYY-MM-DD, not '1.1.2023' [E300]
    """
    if table not in COLUMNS:
        raise GraphError(f"unknown table {table!r}; use one of {', '.join(TABLES)}")
    if indicator is not None and table != "figures":
        raise GraphError(f"--indicator picks figures; the {table} table has no indicator")
    for name, value in (("--since", since), ("--until", until)):
        if value is not None and not _DATE_ARG.fullmatch(value):
            raise GraphError(f"{name} must be a date written YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
    if not types:
        return None
    wanted = frozenset(t.strip().upper() for t in types if t.strip())
    unknown = wanted - set(class_types().values()) - set(ENTITY_TYPES)
    if unknown:
        raise GraphError(f"unknown entity type(s) {', '.join(sorted(unknown))}; use {', '.join(ENTITY_TYPES)}")
    return wanted


def in_dates(date: str, since: str | None, until: str | None) -> bool:
    """Whether an article date (ISO, or only year/month) falls in [since, until], both
    inclusive and as precise as written (``until="2023"`` keeps all of 2023). Undated
    articles are out as soon as a bound is given.

    >>> in_dates("2023-05-04", "2023", "2023-05"), in_dates("2023-06-01", None, "2023-05"), in_dates("", None, None)
    (True, False, True)
    """
    if since is None and until is None:
        return True
    if not date:
        return False
    return (since is None or date[:len(since)] >= since) and (until is None or date[:len(until)] <= until)


def _subject_bind(store: ox.Store, subject: str | None, id_key: str, name_key: str) -> dict[str, str]:
    """Bind ``subject`` as an entity id when the store has such an id, else as a name."""
    if subject is None:
        return {}
    if _solutions(store, "table_entities", {"idKey": subject}):
        return {id_key: subject}
    return {name_key: subject}


def _conflicts(store: ox.Store) -> dict[str, list[tuple[str, str, str]]]:
    """Observation IRI -> the (article graph, value, unit) of every figure of its group of
    disagreeing figures; from the summary graph, or (a store built before it existed) grouped
    here by the summary's rule (same subject, indicator, kind and explicit period)."""
    groups: dict[object, list[tuple[str, str, str, str]]] = defaultdict(list)
    if summary_state(store) is not None:
        for r in _solutions(store, "table_conflicts"):
            groups[r["group"].value].append((r["obs"].value, r["g"].value, r["value"].value, r["unit"].value))
    else:
        for r in _solutions(store, "table_figure_keys"):
            key = tuple(str(r[k]) for k in ("subjectName", "indicator", "kind", "period"))
            groups[key].append((r["obs"].value, r["g"].value, r["value"].value, r["unit"].value))
    out: dict[str, list[tuple[str, str, str]]] = {}
    for members in groups.values():
        if len({(Decimal(v), u) for _, _, v, u in members}) > 1:
            for obs, *rest in members:
                out[obs] = [tuple(m[1:]) for m in members]
    return out


def _number(text: str) -> str:
    """A decimal literal as written in a table: no exponent, no trailing zeros (3.170 -> 3.17)."""
    d = Decimal(text)
    s = format(d, "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def _other_values(obs: str, graph: str, value: str, unit: str, conflicts) -> list[str]:
    """Values (with units) other articles give for the same subject, indicator, kind and period."""
    mine = (Decimal(value), unit)
    return sorted({f"{_number(v)}{u}" for g, v, u in conflicts.get(obs, ()) if g != graph and (Decimal(v), u) != mine})


def figure_rows(store: ox.Store, *, types: Iterable[str] | None = None, subject: str | None = None,
                indicator: str | None = None, since: str | None = None, until: str | None = None) -> list[dict]:
    """One row per figure: subject (name, id, type), indicator, kind, value and unit as written,
    normalised value and unit, qualifier, period (notation, first and last day), article (id,
    date, title), the sentence and offsets, and whether other articles give a different value
    for the same subject, indicator, kind and period. Sorted by indicator, period, date.

    :param types: keep figures whose subject entity has one of these types (ORG, PLACE ...).
    :param subject: an entity id, or the subject as written.
    :param indicator: the indicator as extracted (see ``docs/queries/indicators.rq``).
    :param since, until: article dates, inclusive (YYYY, YYYY-MM or YYYY-MM-DD).
    :raises GraphError: for unknown types or badly written dates.
    """
    wanted = check_filters("figures", types=types, indicator=indicator, since=since, until=until)
    bind = _subject_bind(store, subject, "subjectIdKey", "subjectNameKey")
    if indicator is not None:
        bind["indicatorKey"] = indicator
    by_obs: dict[str, dict] = {}
    classes: dict[str, set[str]] = defaultdict(set)
    for r in _solutions(store, "table_figures", bind):
        obs = r["obs"].value
        if "subjectClass" in r:
            classes[obs].add(r["subjectClass"].value)
        if obs not in by_obs:
            by_obs[obs] = r
    conflicts = _conflicts(store) if by_obs else {}
    rows = []
    for obs, r in by_obs.items():
        date = _day(_text(r, "date"))
        stype = _type(classes[obs]) if "subjectId" in r else ""
        if (wanted is not None and stype not in wanted) or not in_dates(date, since, until):
            continue
        period = _text(r, "period")
        start, end = period_bounds(period)
        others = _other_values(obs, r["g"].value, r["value"].value, r["unit"].value, conflicts)
        rows.append({
            "subject": _text(r, "subjectName"), "subject_id": _text(r, "subjectId"), "subject_type": stype,
            "indicator": _text(r, "indicator"), "kind": _text(r, "kind"),
            "value": _number(r["value"].value), "unit": _text(r, "unit"), "text": _text(r, "text"),
            "base_value": _number(r["baseValue"].value) if "baseValue" in r else "", "base_unit": _text(r, "baseUnit"),
            "qualifier": _text(r, "qualifier"), "period": period, "period_start": start, "period_end": end,
            "article_id": _text(r, "articleId"), "date": date, "title": _text(r, "title"),
            "sentence": _text(r, "sentence"), "sentence_start": _int(r, "sentenceStart"),
            "start": _int(r, "start"), "end": _int(r, "end"),
            "conflict": bool(others), "other_values": "; ".join(others), "observation": obs,
        })
    rows.sort(key=lambda x: (x["indicator"], x["period_start"], x["period"], x["date"], x["article_id"], x["start"]))
    return rows


def relation_rows(store: ox.Store, *, types: Iterable[str] | None = None, subject: str | None = None,
                  since: str | None = None, until: str | None = None) -> list[dict]:
    """One row per relation statement: relation, head and tail (name, id, type), role, article
    (id, date, title), the sentence and the evidence offsets. ``types``: head or tail of one
    of these types; ``subject``: head or tail with this entity id or name. Sorted by date,
    article and offset. Co-mentions have no statements and are not rows."""
    wanted = check_filters("relations", types=types, since=since, until=until)
    by_st: dict[str, dict] = {}
    head_cls: dict[str, set[str]] = defaultdict(set)
    tail_cls: dict[str, set[str]] = defaultdict(set)
    for r in _solutions(store, "table_relations"):
        st = r["st"].value
        for key, acc in (("headClass", head_cls), ("tailClass", tail_cls)):
            if key in r:
                acc[st].add(r[key].value)
        by_st.setdefault(st, r)
    rows = []
    for st, r in by_st.items():
        date = _day(_text(r, "date"))
        row = {
            "relation": _text(r, "relation"), "head": _text(r, "headName"), "head_id": _text(r, "headId"),
            "head_type": _type(head_cls[st]), "tail": _text(r, "tailName"), "tail_id": _text(r, "tailId"),
            "tail_type": _type(tail_cls[st]), "role": _text(r, "role"), "article_id": _text(r, "articleId"),
            "date": date, "title": _text(r, "title"), "sentence": _text(r, "sentence"),
            "sentence_start": _int(r, "sentenceStart"), "start": _int(r, "start"), "end": _int(r, "end"),
            "statement": st,
        }
        if wanted is not None and not {row["head_type"], row["tail_type"]} & wanted:
            continue
        if subject is not None and subject not in (row["head"], row["head_id"], row["tail"], row["tail_id"]):
            continue
        if in_dates(date, since, until):
            rows.append(row)
    rows.sort(key=lambda x: (x["date"], x["article_id"], x["start"] if x["start"] is not None else -1, x["statement"]))
    return rows


def entity_rows(store: ox.Store, *, types: Iterable[str] | None = None, subject: str | None = None,
                since: str | None = None, until: str | None = None) -> list[dict]:
    """One row per entity: id, name, type (the one most articles give it), and within the
    date range: mentions, articles whose graph holds it (mentioned, subject of a figure, or in
    a relation), figures it is the subject of, first and last article date. Entities in no
    article of the range are left out. Sorted by mentions (most first), then id."""
    wanted = check_filters("entities", types=types, since=since, until=until)
    bind = _subject_bind(store, subject, "idKey", "nameKey")
    dates = {r["g"].value: _day(r["date"].value) for r in _solutions(store, "export_dates")}
    kept = {g for g in dates if in_dates(dates[g], since, until)} if since or until else None
    ids: dict[str, str] = {}
    names: dict[str, set[str]] = defaultdict(set)
    class_graphs: dict[str, Counter] = defaultdict(Counter)
    present: dict[str, set[str]] = defaultdict(set)  # entity -> article graphs (in the range) holding it
    for r in _solutions(store, "table_entities", bind):
        e = r["e"].value
        ids[e] = r["id"].value
        names[e].add(r["name"].value)
        if kept is None or r["g"].value in kept:
            present[e].add(r["g"].value)
        if "class" in r and r["class"].value in class_types():
            class_graphs[e][r["class"].value] += 1
    mentions: dict[str, Counter] = defaultdict(Counter)
    figures: dict[str, Counter] = defaultdict(Counter)
    for query, acc in (("export_mentions", mentions), ("export_metrics", figures)):
        for r in _solutions(store, query):
            e, g = r["e"].value, r["g"].value
            if e in ids and (kept is None or g in kept):
                acc[e][g] += int(r["n"].value)
    rows = []
    for e, eid in ids.items():
        graphs = present[e] | set(mentions[e]) | set(figures[e])
        if not graphs:
            continue
        ranked = class_graphs[e].most_common()
        etype = _type([min(c for c, n in ranked if n == ranked[0][1])]) if ranked else ""
        if wanted is not None and etype not in wanted:
            continue
        seen = sorted(dates[g] for g in graphs if dates.get(g))
        rows.append({
            "id": eid, "name": min(names[e]), "type": etype, "mentions": sum(mentions[e].values()),
            "articles": len(graphs), "figures": sum(figures[e].values()),
            "first_date": seen[0] if seen else "", "last_date": seen[-1] if seen else "", "iri": e,
        })
    rows.sort(key=lambda x: (-x["mentions"], x["id"]))
    return rows


_ROWS = {"figures": figure_rows, "entities": entity_rows, "relations": relation_rows}


def table_rows(store: ox.Store, table: str, **filters) -> list[dict]:
    """The rows of ``table`` (figures, entities or relations) with the filters it accepts:
    ``types``, ``subject``, ``since``, ``until`` and (figures only) ``indicator``."""
    if table not in _ROWS:
        raise GraphError(f"unknown table {table!r}; use one of {', '.join(TABLES)}")
    indicator = filters.pop("indicator", None)
    if table != "figures":
        check_filters(table, indicator=indicator)  # an indicator for another table is an error
        return _ROWS[table](store, **filters)
    return figure_rows(store, indicator=indicator, **filters)


def to_frame(rows: list[dict], table: str):
    """The rows as a pandas DataFrame with typed columns: numbers as float, counts and offsets
    as nullable integers, ``conflict`` as bool, the rest as strings ('' = none).

    :raises GraphError: when pandas is not installed (it is optional: ``pip install pandas``).
    """
    try:
        import pandas as pd
    except ImportError as e:
        raise GraphError("a DataFrame needs pandas, which is not installed: pip install pandas") from e
    columns = list(COLUMNS[table])
    frame = pd.DataFrame.from_records(rows, columns=columns)
    for c in columns:
        if c in NUMBER_COLUMNS:
            frame[c] = pd.to_numeric(frame[c].replace("", None), errors="coerce").astype("float64")
        elif c in INT_COLUMNS:
            frame[c] = frame[c].astype("Int64")
        elif c == "conflict":
            frame[c] = frame[c].astype(bool)
        else:
            frame[c] = frame[c].astype(str)
    return frame


def table_frame(store: ox.Store, table: str = "figures", **filters):
    """:func:`table_rows` as a pandas DataFrame (see :func:`to_frame`); pandas is optional."""
    return to_frame(table_rows(store, table, **filters), table)


__all__ = ["COLUMNS", "TABLES", "check_filters", "entity_rows", "figure_rows", "in_dates", "relation_rows",
           "table_frame", "table_rows", "to_frame"]
