"""Entity linking for questions: find the graph's entities named in a question, by canonical
name, alias, short form (a prefix or part of a name), abbreviation (工信部 for 工业和信息化部,
read as the characters of the full name in order) or a near miss (fuzzy match).

The names come from the graph (``kg/templates/label_index.rq``) and are indexed once per store
(:func:`label_index`, cached; :func:`clear_cache` after the store changes).

>>> idx = LabelIndex([("e:1", "工业和信息化部", None, "ORG"), ("e:2", "中国信息通信研究院", None, "ORG")])
>>> [(l.entity.name, l.how) for l in idx.lookup("工信部")]
[('工业和信息化部', 'abbrev')]
>>> [(l.surface, l.entity.name) for l in idx.find_mentions("工业和信息化部总工程师")]
[('工业和信息化部', '工业和信息化部')]
"""
from __future__ import annotations

import array
import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from rapidfuzz import fuzz, process

from kg.qa_parse import load_query
from kg.store import PerStoreCache
from kg.vocab import PREFIXES

#: characters that wrap names in news text and questions but are not part of the name
QUOTES = "“”\"'‘’《》「」『』〈〉"
_QUOTE_RE = re.compile(f"[{re.escape(QUOTES)}]")
#: leading words an abbreviation may drop (中国科学院 -> 中科院)
_DROPPABLE_PREFIXES = ("中华人民共和国", "中国", "国家", "全国")

#: how a link was made, best first, with the score it starts from
HOW_SCORES = {"exact": 1.0, "alias": 0.95, "abbrev": 0.8, "short": 0.75, "part": 0.7, "fuzzy": 0.6}


def norm_key(text: str) -> str:
    """The form names are compared in: full-width ASCII folded, no whitespace, no quotes.

    >>> norm_key("《粮食安全报告（２０２３）》")
    '粮食安全报告(2023)'
    """
    from kg.qa_parse import normalize_question

    return _QUOTE_RE.sub("", normalize_question(text)).replace("（", "(").replace("）", ")")


@dataclass(frozen=True)
class EntityRef:
    """A graph entity as the linker knows it."""

    iri: str
    name: str
    types: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    mentions: int = 0


@dataclass(frozen=True)
class Link:
    """A piece of a question linked to an entity; ``start``/``end`` index the text searched."""

    entity: EntityRef
    surface: str
    start: int
    end: int
    how: str
    score: float

    @property
    def hard(self) -> bool:
        """Exact names and aliases are certain; short forms and near misses are guesses."""
        return self.how in ("exact", "alias", "abbrev")


@dataclass
class LabelIndex:
    """Names and aliases of every entity, with the lookups the question parser needs.

    :param rows: ``(entity IRI, label, alias or None, type or None)`` as label_index.rq gives.
    :param mentions: entity IRI -> number of mentions (to prefer the better known namesake).
    """

    rows: Iterable[tuple[str, str, str | None, str | None]] = ()
    mentions: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names: dict[str, str] = {}
        types: dict[str, set[str]] = defaultdict(set)
        aliases: dict[str, set[str]] = defaultdict(set)
        for iri, label, alias, typ in self.rows:
            names.setdefault(iri, label)
            if typ:
                types[iri].add(typ)
            if alias and alias != label:
                aliases[iri].add(alias)
        self.rows = ()
        self.entities: dict[str, EntityRef] = {
            iri: EntityRef(iri, name, tuple(sorted(types[iri])), tuple(sorted(aliases[iri])), self.mentions.get(iri, 0))
            for iri, name in names.items()
        }
        self.by_key: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for iri, e in self.entities.items():
            self._add_key(norm_key(e.name), iri, "exact")
            for a in e.aliases:
                self._add_key(norm_key(a), iri, "alias")
        self.keys: list[str] = sorted(self.by_key)
        self.max_len = max((len(k) for k in self.keys), default=0)
        self.char_index: dict[str, set[int]] = defaultdict(set)
        for i, k in enumerate(self.keys):
            for ch in set(k):
                self.char_index[ch].add(i)

    def __getstate__(self) -> dict:
        """A compact form for the disk cache (:mod:`kg.qa_cache`): entities as plain tuples
        and character sets as integer arrays unpickle ten times faster than the objects."""
        return {"entities": [(e.iri, e.name, e.types, e.aliases, e.mentions) for e in self.entities.values()],
                "by_key": [(k, tuple(v)) for k, v in self.by_key.items()], "keys": self.keys, "max_len": self.max_len,
                "char_index": {ch: array.array("l", sorted(s)) for ch, s in self.char_index.items()}}

    def __setstate__(self, state: dict) -> None:
        self.rows = ()
        self.entities = {t[0]: EntityRef(*t) for t in state["entities"]}
        self.mentions = {iri: e.mentions for iri, e in self.entities.items()}
        self.by_key = defaultdict(list, ((k, list(v)) for k, v in state["by_key"]))
        self.keys, self.max_len = state["keys"], state["max_len"]
        self.char_index = defaultdict(set, ((ch, set(a)) for ch, a in state["char_index"].items()))

    def _add_key(self, key: str, iri: str, how: str) -> None:
        if len(key) < 2:
            return
        entries = self.by_key[key]
        if (iri, "exact") in entries or (iri, how) in entries:
            return
        entries.append((iri, how))

    def __len__(self) -> int:
        return len(self.entities)

    # -- lookups of one name ------------------------------------------------------------

    def _links(self, key: str, surface: str, start: int, how_of: Iterable[tuple[str, str]], score: float | None = None,
               how: str | None = None) -> list[Link]:
        out = []
        for iri, key_how in how_of:
            how_ = how or key_how
            s = HOW_SCORES[how_] if score is None else score
            out.append(Link(self.entities[iri], surface, start, start + len(surface), how_, s))
        return out

    def exact(self, surface: str, start: int = 0) -> list[Link]:
        """Entities whose name or alias is ``surface``."""
        key = norm_key(surface)
        return self._ranked(self._links(key, surface, start, self.by_key.get(key, ())))

    def _candidates_with_chars(self, key: str) -> list[int]:
        sets = sorted((self.char_index.get(ch, set()) for ch in set(key)), key=len)
        if not sets or not sets[0]:
            return []
        common = set(sets[0])
        for s in sets[1:]:
            common &= s
            if not common:
                break
        return sorted(common)

    def lookup(self, surface: str, *, types: Iterable[str] | None = None, start: int = 0, fuzzy: bool = True) -> list[Link]:
        """Best links for a slot text, ranked: exact name or alias, abbreviation, short form
        (a prefix of a name), part of a name, then near misses (fuzzy); only the best kind
        found is returned. ``types`` (ORG, PERSON, ...) are preferred when any candidate has one.

        >>> idx = LabelIndex([("e:1", "东方重工南京装备厂", None, "ORG")])
        >>> [l.how for l in idx.lookup("南京装备厂")], [l.how for l in idx.lookup("东方重工南京装备")]
        (['part'], ['short'])
        """
        key = norm_key(surface)
        if len(key) < 2:
            return []
        tiers = [
            lambda: self._links(key, surface, start, self.by_key.get(key, ())),
            lambda: self._abbrev(key, surface, start),
            lambda: self._prefix(key, surface, start),
            lambda: self._part(key, surface, start),
        ]
        if fuzzy:
            tiers.append(lambda: self._fuzzy(key, surface, start))
        for tier in tiers:
            links = tier()
            if links:
                return self._ranked(links, types)
        return []

    def _ranked(self, links: list[Link], types: Iterable[str] | None = None) -> list[Link]:
        best: dict[str, Link] = {}
        for link in links:
            old = best.get(link.entity.iri)
            if old is None or link.score > old.score:
                best[link.entity.iri] = link
        out = list(best.values())
        if types:
            wanted = set(types)
            typed = [l for l in out if wanted & set(l.entity.types)]
            if typed:
                out = typed
        return sorted(out, key=lambda l: (-l.score, -l.entity.mentions, len(l.entity.name), l.entity.name))

    def _prefix(self, key: str, surface: str, start: int) -> list[Link]:
        if len(key) < 2:
            return []
        i = bisect.bisect_left(self.keys, key)
        out = []
        while i < len(self.keys) and self.keys[i].startswith(key):
            full = self.keys[i]
            score = HOW_SCORES["short"] + 0.2 * len(key) / len(full)
            out += self._links(full, surface, start, self.by_key[full], score, "short")
            i += 1
            if len(out) > 50:
                break
        return out

    def _part(self, key: str, surface: str, start: int) -> list[Link]:
        if len(key) < 3:
            return []
        out = []
        for i in self._candidates_with_chars(key):
            full = self.keys[i]
            if key in full and full != key:
                score = HOW_SCORES["part"] + 0.2 * len(key) / len(full)
                out += self._links(full, surface, start, self.by_key[full], score, "part")
        return out

    def _abbrev(self, key: str, surface: str, start: int) -> list[Link]:
        """Abbreviations: the characters of ``key`` appear in order in a longer name, with the
        same first character (after an optional 中国/国家 ...) and the same last character."""
        if not (2 <= len(key) <= 8):
            return []
        out = []
        for i in self._candidates_with_chars(key):
            full = self.keys[i]
            if len(full) <= len(key) or full[-1] != key[-1]:
                continue
            bodies = [full] + [full[len(p):] for p in _DROPPABLE_PREFIXES if full.startswith(p)]
            if any(b[:1] == key[0] and _subsequence(key, b) for b in bodies):
                out += self._links(full, surface, start, self.by_key[full], HOW_SCORES["abbrev"] - 0.001 * len(full), "abbrev")
        return out

    def _fuzzy(self, key: str, surface: str, start: int, cutoff: float = 80) -> list[Link]:
        if len(key) < 3 or not self.keys:
            return []
        out = []
        for full, score, _ in process.extract(key, self.keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5):
            out += self._links(full, surface, start, self.by_key[full], HOW_SCORES["fuzzy"] * score / 100, "fuzzy")
        return out

    # -- scanning a whole question ----------------------------------------------------

    def find_mentions(self, text: str, *, short_forms: bool = True, types: Iterable[str] | None = None) -> list[Link]:
        """Entities named anywhere in ``text``: exact names and aliases, longest first and not
        overlapping; then, in what is left, short forms (prefixes of names, at least three
        characters). Offsets index ``text``.

        >>> idx = LabelIndex([("e:1", "中国", None, "PLACE"), ("e:2", "中国信息通信研究院", None, "ORG"),
        ...                   ("e:3", "滨江智谷人工智能计算中心", None, "ORG")])
        >>> [(l.surface, l.how) for l in idx.find_mentions("中国信息通信研究院和滨江智谷的算力")]
        [('中国信息通信研究院', 'exact'), ('滨江智谷', 'short')]
        """
        hits: list[tuple[int, int]] = []
        n = len(text)
        for i in range(n):
            for j in range(min(n, i + self.max_len), i + 1, -1):
                if _QUOTE_RE.sub("", text[i:j]) in self.by_key:
                    hits.append((i, j))
                    break
        chosen: list[tuple[int, int]] = []
        for i, j in sorted(hits, key=lambda h: (-(h[1] - h[0]), h[0])):
            if all(j <= a or i >= b for a, b in chosen):
                chosen.append((i, j))
        links: list[Link] = []
        for i, j in sorted(chosen):
            found = self.exact(text[i:j], start=i)
            if found:
                links.append(found[0] if len(found) == 1 else found[0])
                links.extend(l for l in found[1:] if l.entity.name == found[0].entity.name)
        if short_forms:
            links += self._short_mentions(text, sorted(chosen))
        links.sort(key=lambda l: (l.start, -l.score))
        if types:
            wanted = set(types)
            links = [l for l in links if wanted & set(l.entity.types)] or links
        return links

    def _short_mentions(self, text: str, taken: list[tuple[int, int]]) -> list[Link]:
        out: list[Link] = []
        free = [True] * len(text)
        for a, b in taken:
            for k in range(a, b):
                free[k] = False
        i = 0
        while i < len(text):
            if not free[i] or not _is_han(text[i]):
                i += 1
                continue
            best_j = None
            j = i + 2
            while j <= len(text) and all(free[i:j]):
                key = text[i:j]
                k = bisect.bisect_left(self.keys, key)
                if k < len(self.keys) and self.keys[k].startswith(key):
                    best_j = j
                    j += 1
                else:
                    break
            if best_j is not None and best_j - i >= 3 and sum(map(_is_han, text[i:best_j])) >= 2:
                links = self._ranked(self._prefix(text[i:best_j], text[i:best_j], i))
                if links:
                    top = links[0]
                    out.extend(l for l in links if l.score == top.score and l.entity.name == top.entity.name)
                    i = best_j
                    continue
            i += 1
        return out

    # -- helpers for answers --------------------------------------------------------------

    def sub_entities(self, entity: EntityRef, limit: int = 50) -> list[EntityRef]:
        """Entities whose name starts with ``entity``'s name (in Chinese, the units of an
        organisation are named after it: X研究院 -> X研究院Y研究所)."""
        key = norm_key(entity.name)
        i = bisect.bisect_left(self.keys, key)
        out: list[EntityRef] = []
        while i < len(self.keys) and self.keys[i].startswith(key) and len(out) < limit:
            for iri, how in self.by_key[self.keys[i]]:
                e = self.entities[iri]
                if how == "exact" and iri != entity.iri and e not in out:
                    out.append(e)
            i += 1
        return out

    def suggest(self, text: str, k: int = 5) -> list[EntityRef]:
        """Entities whose names are closest to ``text`` (for "did you mean")."""
        key = norm_key(text)
        if not key or not self.keys:
            return []
        found = process.extract(key, self.keys, scorer=fuzz.partial_ratio, score_cutoff=60, limit=k * 3)
        out: list[EntityRef] = []
        for full, _, _ in sorted(found, key=lambda f: (-f[1], -max(self.entities[i].mentions for i, _ in self.by_key[f[0]]), len(f[0]))):
            for iri, _ in self.by_key[full]:
                e = self.entities[iri]
                if e not in out:
                    out.append(e)
        return out[:k]


def _subsequence(short: str, full: str) -> bool:
    it = iter(full)
    return all(ch in it for ch in short)


def _is_cjk(ch: str) -> bool:
    return _is_han(ch) or ch.isalnum()


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


# --- per-store cache ---------------------------------------------------------------------

_CACHE = PerStoreCache()


def build_label_index(store) -> LabelIndex:
    """Read every entity name, alias, type and mention count from ``store``: from its summary
    graph when it has one (:mod:`kg.summary`: one pattern scan each over a few hundred
    thousand rows), else from the article graphs (whole-graph scans and a GROUP BY)."""
    from kg.summary import summary_state

    if summary_state(store) is not None:
        return _label_index_from_summary(store)
    return _label_index_from_articles(store)


def _label_index_from_summary(store) -> LabelIndex:
    """Names (``nkg:canonicalName``), types (the ``#as-Class`` nodes' ``nkg:asType``) and
    mention counts from the summary graph; aliases from the article graphs (a small scan)."""
    from pyoxigraph import NamedNode

    from kg.rdf import class_types
    from kg.summary import SUMMARY_GRAPH
    from kg.vocab import ID, term

    root = ID + "entity/"
    cls_type = class_types()

    def scan(pred: str):
        for q in store.quads_for_pattern(None, term(pred), None, SUMMARY_GRAPH):
            if isinstance(q.subject, NamedNode) and q.subject.value.startswith(root):
                yield q.subject.value, q.object

    names = {iri: o.value for iri, o in scan("nkg:canonicalName")}
    types: dict[str, set[str]] = defaultdict(set)
    for node, cls in scan("nkg:asType"):
        iri = node.rsplit("#as-", 1)[0]
        typ = cls_type.get(cls.value)
        if typ and iri in names:
            types[iri].add(typ)
    mentions = {iri: int(n.value) for iri, n in scan("nkg:mentionCount") if "#as-" not in iri}
    aliases: dict[str, set[str]] = defaultdict(set)
    for r in store.query(load_query("label_aliases.rq"), prefixes=PREFIXES, use_default_graph_as_union=True):
        iri = r["entity"].value
        if iri in names:
            aliases[iri].add(r["alias"].value)
    return LabelIndex(_label_table(names, types, aliases), mentions)


def _label_table(names: dict[str, str], types: dict[str, set[str]], aliases: dict[str, set[str]]) -> list[tuple]:
    table = []
    for iri, label in names.items():
        for t in sorted(types.get(iri, ())) or [None]:
            table.append((iri, label, None, t))
        for a in sorted(aliases.get(iri, ())):
            table.append((iri, label, a, None))
    return table


def _label_index_from_articles(store) -> LabelIndex:
    """The label index read from the article graphs (a store without a summary graph)."""
    from pyoxigraph import NamedNode, Variable

    from kg.rdf import class_types
    from kg.vocab import ID

    root = ID + "entity/"

    def rows(name: str, **bind):
        subs = {Variable(k): v for k, v in bind.items()} or None
        return store.query(load_query(name), prefixes=PREFIXES, use_default_graph_as_union=True, substitutions=subs)

    names: dict[str, str] = {}
    for r in rows("label_names.rq"):
        iri = r["entity"].value
        if iri.startswith(root) and iri not in names:
            names[iri] = r["label"].value
    types: dict[str, set[str]] = defaultdict(set)
    for cls, typ in class_types().items():
        for r in rows("entities_of_class.rq", **{"class": NamedNode(cls)}):
            iri = r["entity"].value
            if iri in names:
                types[iri].add(typ)
    aliases: dict[str, set[str]] = defaultdict(set)
    for r in rows("label_aliases.rq"):
        iri = r["entity"].value
        if iri in names:
            aliases[iri].add(r["alias"].value)
    mentions = {r["entity"].value: int(r["n"].value) for r in rows("mention_counts.rq")}
    return LabelIndex(_label_table(names, types, aliases), mentions)


def label_index(store) -> LabelIndex:
    """The label index of ``store``, built on first use (or read from the disk cache,
    :mod:`kg.qa_cache`) and kept in memory (at most 4 stores)."""
    from kg.qa_cache import cached

    return _CACHE.get(store, lambda st: cached(st, "labels", build_label_index))


def clear_cache(store=None) -> None:
    """Forget cached indexes (of one store, or all): call after the store changed."""
    from kg import qa_metrics

    _CACHE.clear(store)
    qa_metrics.clear_cache(store)
