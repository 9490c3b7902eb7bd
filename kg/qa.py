"""Templated question answering in Chinese over the graph, with sources and the SPARQL shown.

:func:`answer` matches the question against the templates (``kg/templates/templates.toml``),
links its slots to graph entities (:mod:`kg.qa_link`), runs the template's ``.rq`` queries
with the entities bound through pyoxigraph substitutions, and words the answer. It answers
from the graph only: when the graph does not hold the answer, ``found`` is False, the
answer says the corpus does not say, and names the nearest things it does know.

>>> from pyoxigraph import Store
>>> a = answer(Store(), "2022年全国粮食产量是多少？")
>>> a.found, a.template
(False, 'metric_value')
"""
from __future__ import annotations

import functools
import re
from collections import OrderedDict
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Variable

from corpus.errors import QAError
from kg.qa_lexicon import load_place_names, load_qualifier_words, load_relation_phrases
from kg.qa_link import QUOTES, EntityRef, LabelIndex, Link, label_index, norm_key
from kg.qa_metrics import (
    FOUND_AT,
    MARK,
    Named,
    Observation,
    best_possible,
    indicator_index,
    may_answer,
    obs_text,
    observations,
    partner_in_clause,
    period_matches,
    score,
    scope_words,
)
from kg.qa_parse import (
    TemplateMatch,
    canonical_words,
    load_query,
    load_templates,
    match_templates,
    metric_ask,
    normalize_question,
    parse_periods,
    period_label,
)
from kg.qa_verify import Verdict, check_figure, subject_matches
from kg.qa_when import asked_periods
from kg.qa_split import is_each, split_each
from kg.qa_read import answer_type, content_words, how_many, read_answers, read_role
from kg.vocab import PREFIXES, term

#: most items an answer sentence lists (the facts hold them all)
MAX_LISTED = 30
#: most people an answer reads and lists for one organisation (it says how many there are)
MAX_PEOPLE = 20
#: an entity or indicator with more figures than this has only those read that may answer
NARROW_FROM = 150
#: most figures read for one entity or indicator (those that can score best)
MAX_READ = 80
#: longest question answered (characters, after normalising)
MAX_QUESTION = 200
#: an entity named this few times is read in its whole articles (else in its sentences)
READ_ARTICLES_UPTO = 50
#: an entity named more often is no anchor for reading answers from the text (中国)
READ_SENTENCES_UPTO = 400
#: most entities of a question whose sentences are read
MAX_ANCHORS = 2
#: most figures whose sentences are read for who published them
MAX_NEAR = 10
#: most near figures listed apart as related facts of a not-found answer
MAX_RELATED = 5
#: a figure of a named entity scoring this well is not compared with other subjects' figures
STRONG_MATCH = 0.9
FACT_KEYS = ("subject", "indicator", "value", "unit", "period", "qualifier", "sentence", "article")


# --- answer objects ---------------------------------------------------------------------


@dataclass
class Fact:
    """One fact an answer rests on. For a figure: subject, indicator, value and unit as
    written, period, qualifier. For a relation: subject = one end, indicator = the relation
    in Chinese, value = the other end, qualifier = the role (职务) if any."""

    subject: str
    indicator: str
    value: str
    unit: str | None = None
    period: str | None = None
    qualifier: str | None = None
    sentence: str | None = None
    article: str | None = None

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in FACT_KEYS}


@dataclass
class Source:
    """A sentence the answer comes from. ``start``/``end``: the sentence's offsets in the
    article text; ``span``: offsets of the figure or evidence itself, when known (not part
    of :meth:`to_dict`; the UI uses it to highlight)."""

    article: str | None
    title: str | None
    sentence: str | None
    start: int | None
    end: int | None
    span: tuple[int, int] | None = None

    def to_dict(self) -> dict:
        return {"article": self.article, "title": self.title, "sentence": self.sentence,
                "start": self.start, "end": self.end}


@dataclass
class Answer:
    """The answer to one question; :meth:`to_dict` is the ``--json`` object."""

    question: str
    found: bool
    answer: str
    facts: list[Fact] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    template: str | None = None
    sparql: str = ""
    suggestions: list[str] = field(default_factory=list)  # nearest known names (also in `answer`)
    understood: dict = field(default_factory=dict)  # subject, indicator, period, answer type
    related: list[dict] = field(default_factory=list)  # nearest facts, each labelled (另一时期 ...)
    why: str | None = None  # why nothing was found

    def to_dict(self) -> dict:
        """{question, found, answer, facts, sources, template, sparql, understood, related, why}:
        ``related`` holds the nearest facts of another subject, period or indicator, apart
        from the answer's own ``facts``."""
        return {
            "question": self.question,
            "found": self.found,
            "answer": self.answer,
            "facts": [f.to_dict() for f in self.facts],
            "sources": [s.to_dict() for s in self.sources],
            "template": self.template,
            "sparql": self.sparql,
            "understood": self.understood,
            "related": self.related,
            "why": self.why,
        }


def list_templates() -> list[dict]:
    """Every template: ``{"name", "description", "examples"}``, in the order they are tried.

    >>> any(t["name"] == "metric_value" for t in list_templates())
    True
    """
    return [{"name": t.name, "description": t.description, "examples": list(t.examples)} for t in load_templates()]


# --- running queries ------------------------------------------------------------------


class _Ctx:
    """What a handler works with: the store, its label index, the queries it ran."""

    def __init__(self, store, question: str):
        self.store = store
        self.question = question
        self.index: LabelIndex = label_index(store)
        self.queries: list[str] = []
        self.origin: dict[str, str] = {}  # statement or observation IRI -> query that found it

    def select(self, name: str, _shown: bool = True, _text: bool = False, **bind) -> list:
        """Run ``kg/templates/<name>`` with variables bound to graph terms (never text
        pasted into the query) over the union of the article graphs. ``_shown=False``: a
        partial query whose full form the handler shows with :meth:`show`."""
        query = name if _text else load_query(name)
        subs = {Variable(k): (NamedNode(v) if isinstance(v, str) else v) for k, v in bind.items()}
        body, order = split_order(query)
        try:
            solutions = self.store.query(body, prefixes=PREFIXES, use_default_graph_as_union=True, substitutions=subs or None)
            variables = [v.value for v in solutions.variables]
            rows = [self._row(variables, sol) for sol in solutions]
        except (SyntaxError, RuntimeError) as e:
            raise QAError(f"template query {name} failed: {e}") from e
        _sort_rows(rows, order)
        shown = self.show(name, **bind) if _shown else None
        for r in rows if shown else ():
            stmt = r.get("stmt")
            if stmt is not None:
                self.origin.setdefault(stmt.value, shown)
        return rows

    def select_some(self, name: str, stmts: list[str] | None, **bind) -> list:
        """:meth:`select` restricted to the statements ``stmts`` (graph IRIs, a VALUES block
        at the start of the WHERE clause, in chunks); None: all of them. The query shown is
        the unrestricted one (it returns these rows and the others)."""
        if stmts is None:
            return self.select(name, **bind)
        shown = self.show(name, **bind)
        rows = []
        query = load_query(name)
        for i in range(0, len(stmts), 400):
            values = " ".join(str(NamedNode(s)) for s in stmts[i:i + 400])
            part = re.sub(r"WHERE \{\n", lambda _: f"WHERE {{\n  VALUES ?stmt {{ {values} }}\n", query, count=1)
            rows += self.select(part, _shown=False, _text=True, **bind)
        _sort_rows(rows, split_order(query)[1])
        for r in rows:
            self.origin.setdefault(r["stmt"].value, shown)
        return rows

    def show(self, name: str, **bind) -> str:
        """Add ``kg/templates/<name>`` with ``bind`` to the queries the answer shows."""
        shown = show_query(load_query(name), {Variable(k): (NamedNode(v) if isinstance(v, str) else v) for k, v in bind.items()})
        if shown not in self.queries:
            self.queries.append(shown)
        return shown

    def _row(self, variables: list[str], solution) -> dict:
        """A result row as a dict; the ends of a relation get their names from the label
        index (joining labels in SPARQL multiplies rows by every article graph that
        repeats them: minutes for a much-mentioned person on a year of news)."""
        row = {v: solution[v] for v in variables}
        for end in ("head", "tail"):
            term_ = row.get(end)
            if term_ is not None and end + "Name" not in row:
                e = self.index.entities.get(term_.value)
                row[end + "Name"] = Literal(e.name if e else term_.value.rsplit("/", 1)[-1])
        return row

    def name(self, row, end: str) -> str:
        """The name of the ``head`` or ``tail`` of a relation row for an answer: canonical
        name, with a short alias the text also used (中央网信办) in brackets."""
        label = _v(row, end + "Name") or ""
        e = self.index.entities.get(row[end].value) if row[end] is not None else None
        short = [a for a in (e.aliases if e else ()) if 2 <= len(a) < len(label) and norm_key(a) not in norm_key(label)]
        return f"{label}（{min(short, key=len)}）" if short else label

    def sparql(self, stmts: list[str] | None = None) -> str:
        """The queries run, as text; with ``stmts``, only those that returned them."""
        if stmts:
            used = [q for q in self.queries if any(self.origin.get(s) == q for s in stmts)]
            if used:
                return "\n\n".join(used)
        return "\n\n".join(self.queries)


_ORDER_RE = re.compile(r"\n\s*ORDER BY\s+((?:(?:\?\w+|(?:ASC|DESC)\(\?\w+\))\s*)+)$", re.IGNORECASE)
_NUMERIC = ("integer", "decimal", "double", "float", "int", "long")


@functools.lru_cache(maxsize=256)
def split_order(query: str) -> tuple[str, tuple[tuple[str, bool], ...]]:
    r"""A query without its final ``ORDER BY`` of plain variables, and that order as
    ``((variable, descending), ...)``: Oxigraph sorts by looking every value's string up in
    the store, Python sorts the rows it already holds (a third of a big answer's time).

    >>> split_order("SELECT ?a ?n WHERE { ?a ?p ?n }\nORDER BY DESC(?n) ?a")
    ('SELECT ?a ?n WHERE { ?a ?p ?n }', (('n', True), ('a', False)))
    """
    m = _ORDER_RE.search(query.rstrip())
    if not m:
        return query, ()
    keys = tuple((k.split("?")[1].rstrip(")"), k.upper().startswith("DESC")) for k in m.group(1).split())
    return query.rstrip()[: m.start()], keys


def _sort_rows(rows: list, order: tuple[tuple[str, bool], ...]) -> None:
    """Sort result rows in place by a query's ORDER BY (:func:`split_order`): stable sorts,
    last key first."""
    for var, desc in reversed(order):
        rows.sort(key=lambda r: _order_key(r.get(var)), reverse=desc)


def _order_key(term) -> tuple:
    """SPARQL's order of values: unbound first, numbers by value, then the rest by text."""
    if term is None:
        return (0, 0, "")
    dt = getattr(term, "datatype", None)
    if dt is not None and dt.value.rsplit("#", 1)[-1] in _NUMERIC:
        try:
            return (1, float(term.value), "")
        except ValueError:
            pass
    return (2, 0, term.value)


@functools.lru_cache(maxsize=256)
def _query_text(query: str) -> str:
    lines = query.strip().splitlines()
    title = [lines[0]] if lines and lines[0].startswith("#") else []
    body = "\n".join(title + [l for l in lines if not l.startswith("#")])
    used = [p for p in PREFIXES if re.search(rf"(?<![\w-]){re.escape(p)}:", body)]
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in used) + body


def show_query(query: str, bindings: dict | None = None) -> str:
    """The query as a runnable text: prefixes declared, the bound values appended as a
    VALUES clause (terms from the graph, serialised by pyoxigraph).

    >>> print(show_query("SELECT ?x WHERE { ?x rdfs:label ?l }", {Variable("x"): NamedNode("http://e/1")}).splitlines()[-1])
    VALUES (?x) { (<http://e/1>) }
    """
    body = _query_text(query)
    if bindings:
        names = " ".join(str(v) for v in bindings)
        vals = " ".join(str(t) for t in bindings.values())
        body += f"\nVALUES ({names}) {{ ({vals}) }}"
    return body


def _v(row: dict, name: str) -> str | None:
    t = row.get(name)
    return None if t is None else t.value


def _int(row, name):
    v = _v(row, name)
    return int(v) if v is not None else None


# --- wording -------------------------------------------------------------------------


def format_value(value: str, unit: str | None, qualifier: str | None = None) -> str:
    """A figure as written: qualifier word, value, unit.

    >>> format_value("50", "万亿元", "more_than"), format_value("1615.5", "亿美元")
    ('超过50万亿元', '1615.5亿美元')
    """
    before, after = load_qualifier_words().get(qualifier or "", ("", ""))
    return f"{before}{value}{unit or ''}{after}"


def _name_indicator(subject: str, indicator: str) -> str:
    """Subject and indicator as one name, without saying the same words twice."""
    if not subject or subject in indicator:
        return indicator
    if indicator in subject:
        return subject
    return f"{subject}{indicator}"


def _join(items: list[str]) -> str:
    items = list(OrderedDict.fromkeys(i for i in items if i))
    return "、".join(items)


def _rel_phrase(predicate: str, inverse: bool = False) -> str:
    fwd, inv = load_relation_phrases().get(predicate, (predicate.rsplit("/", 1)[-1].rsplit("#", 1)[-1], ""))
    return (inv or fwd) if inverse else fwd


def _source_of_obs(o: Observation) -> Source:
    span = (o.fstart, o.fend) if o.fstart is not None and o.fend is not None else None
    return Source(o.article, o.title, o.sentence, o.sstart, o.send, span)


def _source_of_row(r) -> Source:
    return Source(_v(r, "articleId"), _v(r, "title"), _v(r, "sentence"), _int(r, "sstart"), _int(r, "send"))


def _dedupe_sources(sources: list[Source]) -> list[Source]:
    seen, out = set(), []
    for s in sources:
        key = (s.article, s.start, s.end, s.span)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def _fact_of_obs(o: Observation) -> Fact:
    return Fact(o.subject_name, o.indicator, o.value, o.unit, o.period, o.qualifier, o.sentence, o.article)


def _fact_of_row(r, indicator: str | None = None) -> Fact:
    return Fact(_v(r, "headName"), indicator or _rel_phrase(_v(r, "predicate")), _v(r, "tailName"), None, None,
                _v(r, "role"), _v(r, "sentence"), _v(r, "articleId"))


def _not_found(ctx: _Ctx, m: TemplateMatch, what: str, near_entities: list[EntityRef] = (), near_other: list[str] = (),
               extra: str = "") -> "Answer":
    """found=False, saying plainly that the corpus does not say, with the nearest known things."""
    parts = [f"语料中没有找到{what}。"]
    if extra:
        parts.append(extra)
    names = [e.name for e in near_entities][:5]
    sugg = names + [x for x in near_other if x not in names][:5]
    if names:
        parts.append(f"语料中相近的实体有：{_join(names)}。")
    if near_other:
        parts.append(f"相关的已知信息有：{_join(list(near_other)[:5])}。")
    return Answer(ctx.question, False, "".join(parts), template=m.template.name, sparql=ctx.sparql(), suggestions=sugg)


def _link(ctx: _Ctx, surface: str | None, types: tuple[str, ...] = (), fuzzy: bool = True) -> list[Link]:
    """Links for a slot, namesakes of the best one included."""
    if not surface:
        return []
    links = ctx.index.lookup(surface, types=types or None, fuzzy=fuzzy)
    if not links:
        return []
    top = links[0]
    return [l for l in links if l.score == top.score and (l.entity.name == top.entity.name or l.how in ("exact", "alias"))]


def _has_type(link: Link, types: tuple[str, ...]) -> bool:
    return bool(set(link.entity.types) & set(types))


# --- metric questions -------------------------------------------------------------------


@dataclass
class _MetricSearch:
    best: list[Observation]  # the chosen observations (one indicator, the asked period)
    period: str | None
    links: list[Link]
    near_indicators: list[str]
    candidates: int
    unread: int = 0  # figures that may answer left unread (more than MAX_READ)
    rejected: list[tuple[Observation, Verdict]] = field(default_factory=list)  # near figures that failed verification
    understood: dict = field(default_factory=dict)  # subject, indicator, period as read from the question
    near: list[Observation] = field(default_factory=list)  # best scoring figures, verified or not
    partners: list[str] = field(default_factory=list)  # asked subjects the figure's clause names beside its own


def _metric_search(ctx: _Ctx, text: str, *, use_period: bool = True) -> _MetricSearch:
    text = re.sub(f"[{re.escape(QUOTES)}]", "", text)
    links = ctx.index.find_mentions(text)
    periods = [p for p in asked_periods(text) if not any(l.start < p.end and p.start < l.end and l.hard for l in links)]
    links = [l for l in links if not any(p.start < l.end and l.start < p.end for p in periods)]
    scope = scope_words()
    # places named in the question that the graph may not hold (2022年美国…)
    spans: dict[tuple[int, int], Named] = {}
    by_span: dict[tuple[int, int], list[Link]] = {}
    for l in links:
        by_span.setdefault((l.start, l.end), []).append(l)
    for (a, b), ls in by_span.items():
        surface = text[a:b]
        if not any(l.hard for l in ls):
            continue  # a guessed short form stays as words; it still brings candidates
        if surface in scope and not scope[surface]:
            spans[(a, b)] = None  # a scope word naming no subject: ignored
            continue
        spans[(a, b)] = Named(surface, frozenset(l.entity.iri for l in ls), any(l.hard for l in ls),
                              frozenset(p for l in ls for p in _named_after_parents(ctx, l.entity)))
    for mt in _places_re().finditer(text):
        place, (a, b) = mt.group(0), mt.span()
        if any(a < e and s < b for s, e in spans) or any(p.start < b and a < p.end for p in periods):
            continue
        stands = scope.get(place, place)
        if place in scope and not stands:
            spans[(a, b)] = None
            continue
        iris = frozenset(l.entity.iri for l in ctx.index.exact(stands))
        spans[(a, b)] = Named(stands, iris, True)
    named: list[Named] = []
    out, i = [], 0
    cuts = sorted([(a, b, nm) for (a, b), nm in spans.items()] + [(p.start, p.end, "period") for p in periods], key=lambda x: x[0])
    plain = []
    for a, b, nm in cuts:
        if a < i:
            continue
        out.append(text[i:a])
        plain.append(text[i:a])
        if isinstance(nm, Named):
            out.append(chr(MARK + len(named)))
            plain.append(nm.surface)
            named.append(nm)
        i = b
    out.append(text[i:])
    plain.append(text[i:])
    ask = metric_ask("".join(out))
    plain_ask = metric_ask("".join(plain))

    # candidates: figures of the entities named, and of the indicators most like the question
    obs: dict[str, Observation] = {}
    inds = indicator_index(ctx.store)
    unread: list[int] = []  # figures that may answer but were not read (too many)
    for l in links:
        for o in _entity_figures(ctx, l.entity, (ask, named, unread)):
            obs[o.iri] = o
    scored = [(score(ask, o, named), o) for o in obs.values()]
    found_ind = inds.search(plain_ask.phrase, k=4)
    if max((s for s, _ in scored), default=0) < STRONG_MATCH:  # else the entity's own figures answer it
        for iri, _name, sim in found_ind:
            if sim >= 0.25:
                keys = inds.by_indicator.get(iri, ())
                some = _worth_reading(ask, named, keys, unread) if len(keys) > NARROW_FROM else None
                for o in observations(ctx.select_some("indicator_metrics.rq", some, ind=iri)):
                    if o.iri not in obs:
                        obs[o.iri] = o
                        scored.append((score(ask, o, named), o))
    scored.sort(key=lambda x: -x[0])
    passing = [(s, o) for s, o in scored if s >= FOUND_AT]
    asked = periods[0].value if (periods and use_period) else None
    near = [o.indicator for _, o in scored[:5] if _ > 0] or [n for _, n, _ in found_ind[:3]]
    understood = {"subject": [nm.surface for nm in named] or None,
                  "indicator": "".join(ch for ch in ask.raw if not MARK <= ord(ch) < MARK + len(named)) or None,
                  "period": asked, "kind": ask.kind}
    # verification: the asked subject, period and indicator, or it is another question's answer
    checked = [(s, o, check_figure(ask.phrase, named, asked, o, _aliases(ctx, o))) for s, o in passing]
    ok = [(s, o) for s, o, v in checked if v is None]
    rejected = [(o, v) for _, o, v in checked if v is not None][:MAX_RELATED]
    near_obs = [o for sc, o in scored[:MAX_NEAR] if sc > 0]
    if not ok:
        return _MetricSearch([], asked, links, near, len(obs), sum(unread), rejected, understood, near_obs)

    def key(o: Observation):
        return (o.subject or o.subject_name, canonical_words(o.indicator), o.kind)

    best_score, best = ok[0]
    group = [o for s, o in ok if key(o) == key(best) and s >= best_score - 0.03]
    partners = [nm.surface for nm in named if not subject_matches(nm, best) and partner_in_clause(nm, best, named, obs_text(best))]
    return _MetricSearch(_sorted_by_period(group), asked, links, near, len(obs), sum(unread), [], understood, near_obs,
                         partners)


def _aliases(ctx: _Ctx, o: Observation) -> tuple[str, ...]:
    """Other names of the figure's subject entity (for the subject check)."""
    e = ctx.index.entities.get(o.subject) if o.subject else None
    return tuple(x for x in ((e.name,) + tuple(e.aliases) if e else ()) if x)


def _worth_reading(ask, named: list[Named], keys, unread: list[int]) -> list[str]:
    """The observations among ``keys`` that may answer the question; past :data:`MAX_READ`,
    the ones that can score best (then the latest articles: IRIs hold the date), the number
    left unread added to ``unread``."""
    maybe = [k for k in keys if may_answer(ask, k, named)]
    if len(maybe) > MAX_READ:
        maybe.sort(key=lambda k: k.iri, reverse=True)
        maybe.sort(key=lambda k: best_possible(ask, k, named), reverse=True)
        unread.append(len(maybe) - MAX_READ)
        maybe = maybe[:MAX_READ]
    return [k.iri for k in maybe]


@functools.lru_cache(maxsize=None)
def _places_re() -> re.Pattern:
    """Place names and scope words, longest first (one pass over a question)."""
    words = sorted(load_place_names() | set(scope_words()), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


def _named_after_parents(ctx: _Ctx, entity: EntityRef) -> list[str]:
    """Organisations whose full name begins ``entity``'s name (某重工 for 某重工天津装配工厂):
    a unit's figures are often given for the organisation it belongs to. Places are not
    parents here (北京 is not the owner of 北京邮电大学)."""
    name = norm_key(entity.name)
    out = []
    for k in range(len(name) - 1, 2, -1):
        for link in ctx.index.exact(name[:k]):
            e = link.entity
            if e.iri != entity.iri and "PLACE" not in e.types and ({"ORG", "PLATFORM"} & set(e.types)):
                out.append(e.iri)
    return out


def _entity_figures(ctx: _Ctx, entity: EntityRef, asked: tuple | None = None, longer: int = 3) -> list[Observation]:
    """Figures about ``entity``; if it has none, about the entities whose names begin with its
    name (a short name the graph also holds as a separate node: X -> X人工智能计算中心).
    ``asked`` = (MetricAsk, named, unread): of an entity with many figures, only those that
    may answer the question are read (:func:`_worth_reading`)."""
    found = observations(ctx.select_some("entity_metrics.rq", _may_answer(ctx, entity.iri, asked), entity=entity.iri))
    if not found and not _many_figures(ctx, entity.iri):
        for e in ctx.index.sub_entities(entity, limit=longer):
            found += observations(ctx.select_some("entity_metrics.rq", _may_answer(ctx, e.iri, asked), entity=e.iri))
    return found


def _some_figures(ctx: _Ctx, entity: EntityRef, most: int, fallback: bool = False) -> tuple[list[Observation], int]:
    """At most ``most`` figures of ``entity`` (those of the latest articles when it has more:
    IRIs hold the date) and how many it has. ``fallback``: as :func:`_entity_figures`."""
    keys = indicator_index(ctx.store).by_subject.get(entity.iri, ())
    if len(keys) <= most:
        obs = _entity_figures(ctx, entity) if fallback else observations(ctx.select("entity_metrics.rq", entity=entity.iri))
        return obs, len(obs)
    latest = sorted((k.iri for k in keys), reverse=True)[:most]
    return observations(ctx.select_some("entity_metrics.rq", latest, entity=entity.iri)), len(keys)


def _may_answer(ctx: _Ctx, subject: str, asked: tuple | None) -> list[str] | None:
    """The observations of ``subject`` worth reading for the question, or None for all of
    them (few figures, or no question)."""
    if asked is None:
        return None
    keys = indicator_index(ctx.store).by_subject.get(subject, ())
    if len(keys) <= NARROW_FROM:
        return None
    return _worth_reading(asked[0], asked[1], keys, asked[2])


def _many_figures(ctx: _Ctx, subject: str) -> bool:
    """More figures than :data:`NARROW_FROM` (so only some of them were read)."""
    return indicator_index(ctx.store).figures(subject) > NARROW_FROM


def _relative_in_name(asked: str, o: Observation) -> bool:
    return o.period is None and not asked[:1].isdigit() and asked in o.indicator


def _sorted_by_period(obs: list[Observation]) -> list[Observation]:
    return sorted(obs, key=lambda o: (o.period or "", o.article or "", o.fstart or 0))


#: how an answer introduces a figure of each kind (a level "is", a growth "grew by" ...)
_KIND_VERBS = {"yoy_growth": "同比增长", "avg_annual_growth": "年均增长", "growth": "增长", "share": "占比", "rank": "排名第"}


def _verb(o: Observation) -> str:
    verb = _KIND_VERBS.get(o.kind, "")
    already = {"growth": ("增长", "增速", "增幅"), "share": ("比重", "占比", "份额")}.get(o.kind, ())
    if not verb or verb in o.indicator or any(w in o.indicator for w in already):
        return "为"
    return verb


def _word_metrics(obs: list[Observation]) -> str:
    o0 = obs[0]
    head = _name_indicator(o0.subject_name, o0.indicator)
    if len(obs) == 1:
        when = period_label(o0.period)
        return f"{when + '，' if when else ''}{head}{_verb(o0)}{format_value(o0.value, o0.unit, o0.qualifier)}。"
    parts = []
    for o in obs:
        when = period_label(o.period) or "时期未注明"
        parts.append(f"{when}{_verb(o)}{format_value(o.value, o.unit, o.qualifier)}")
    return f"{head}：{'；'.join(parts)}。"


def _related(rejected: list[tuple[Observation, Verdict]]) -> list[dict]:
    """The near figures that failed verification, each labelled as another subject, period
    or indicator: never part of the answer's facts."""
    return [{"label": v.label(), "differs_in": v.what, "asked": v.missing, **_fact_of_obs(o).to_dict()} for o, v in rejected]


_WHY = {"subject": "语料中的相近数据是另一主体的", "period": "语料中的相近数据是另一时期的",
        "indicator": "语料中的相近数据是另一指标的"}


def _metric_answer(ctx: _Ctx, m: TemplateMatch, found: _MetricSearch, what: str) -> Answer:
    understood = {**found.understood, "answer_type": "figure"}
    if found.best:
        more = f"（另有{found.unread}项可能相关的数据未读取，全部数据可用下面的SPARQL查询）" if found.unread else ""
        words = _word_metrics(found.best)
        if found.partners:  # 我国与东盟贸易总值: the figure of both subjects asked
            name = found.best[0].subject_name
            words = words.replace(name, f"{name}与{'、'.join(found.partners)}", 1)
        return Answer(ctx.question, True, words + more, [_fact_of_obs(o) for o in found.best],
                      _dedupe_sources([_source_of_obs(o) for o in found.best]), m.template.name,
                      ctx.sparql([o.iri for o in found.best]), understood=understood)
    when = (found.period[1:] if found.period.startswith("@") else period_label(found.period)) if found.period else ""
    if found.rejected:
        v = found.rejected[0][1]
        why = f"{_WHY[v.what]}（所问：{v.missing}），不是所问的问题"
        kinds = "、".join(dict.fromkeys(v.label() for _, v in found.rejected))
        a = _not_found(ctx, m, f"{when + '的' if when else ''}“{what}”的数据", [l.entity for l in found.links], [],
                       f"相近的数据属于{kinds}，列在相关事实中，并非所问。")
        a.related, a.why = _related(found.rejected), why
    else:
        a = _not_found(ctx, m, f"{when + '的' if when else ''}“{what}”的数据",
                       [l.entity for l in found.links] or ctx.index.suggest(what, 3), found.near_indicators)
        a.why = "图中没有与所问主体、指标和时期相符的数据"
    a.understood = understood
    return a


def h_metric_value(ctx: _Ctx, m: TemplateMatch) -> Answer:
    text = m.slots.get("what", m.question)
    return _metric_answer(ctx, m, _metric_search(ctx, text), _clean_what(text))


def h_metric_trend(ctx: _Ctx, m: TemplateMatch) -> Answer:
    text = m.slots["what"]
    return _metric_answer(ctx, m, _metric_search(ctx, text, use_period=False), _clean_what(text))


def h_metric_compare(ctx: _Ctx, m: TemplateMatch) -> Answer | None:
    what = m.slots["what"]
    results = [(side, _metric_search(ctx, m.slots[side] + what)) for side in ("a", "b")]
    if not all(r.links for _, r in results):
        return None
    facts, sources, lines = [], [], []
    for side, r in results:
        if r.best:
            lines.append(_word_metrics(r.best))
            facts += [_fact_of_obs(o) for o in r.best]
            sources += [_source_of_obs(o) for o in r.best]
        else:
            lines.append(f"语料中没有{m.slots[side]}的{_clean_what(what)}。")
    if not facts:
        return _not_found(ctx, m, f"{m.slots['a']}和{m.slots['b']}的{_clean_what(what)}",
                          [l.entity for _, r in results for l in r.links])
    return Answer(ctx.question, True, "".join(lines), facts, _dedupe_sources(sources), m.template.name, ctx.sparql())


def _clean_what(text: str) -> str:
    """The measure words of a question for a message: no period, no asking words."""
    text = normalize_question(text)
    for p in reversed(asked_periods(text)):
        text = text[:p.start] + text[p.end:]
    return metric_ask(text).raw or text


def h_entity_metrics(ctx: _Ctx, m: TemplateMatch) -> Answer | None:
    links = _link(ctx, m.slots["e"])
    if not links:
        return None
    obs: list[Observation] = []
    total = 0
    for l in links:
        some, n = _some_figures(ctx, l.entity, MAX_READ, fallback=True)
        obs += some
        total += n
    name = obs[0].subject_name if obs and all(o.subject == obs[0].subject for o in obs) else links[0].entity.name
    if not obs:
        return _not_found(ctx, m, f"{name}的指标", [l.entity for l in links])
    lines = []
    for o in obs[:MAX_LISTED]:
        when = period_label(o.period)
        lines.append(f"{o.indicator}{'（' + when + '）' if when else ''}{format_value(o.value, o.unit, o.qualifier)}")
    more = f"；等（共{len(obs)}项，全部见facts）" if len(obs) > MAX_LISTED else ""
    if total > len(obs):
        more = f"；等（共{total}项，读取了最新的{len(obs)}项，全部可用下面的SPARQL查询）"
    text = f"{name}的指标（{max(total, len(obs))}项）：{'；'.join(lines)}{more}。"
    return Answer(ctx.question, True, text, [_fact_of_obs(o) for o in obs], _dedupe_sources([_source_of_obs(o) for o in obs]),
                  m.template.name, ctx.sparql())


_TYPE_WORDS = {"机构": ("ORG",), "单位": ("ORG",), "企业": ("ORG",), "公司": ("ORG",), "组织": ("ORG",),
               "平台": ("PLATFORM",), "地方": ("PLACE",), "地区": ("PLACE",), "人": ("PERSON",)}


def h_top_metrics(ctx: _Ctx, m: TemplateMatch) -> Answer:
    wanted = set(_TYPE_WORDS.get(m.slots.get("type", ""), ()))
    ranked = []  # counted from the indicator index (what top_metric_subjects.rq counts)
    ctx.show("top_metric_subjects.rq")
    inds = indicator_index(ctx.store)
    for subject in inds.by_subject:
        e = ctx.index.entities.get(subject)
        if e is not None and (not wanted or wanted & set(e.types)):
            ranked.append((e.name, inds.figures(subject)))
    ranked.sort(key=lambda x: (-x[1], x[0]))
    if not ranked:
        return _not_found(ctx, m, "带指标的" + (m.slots.get("type") or "实体"))
    top = ranked[:5]
    text = f"指标最多的是{top[0][0]}（{top[0][1]}项）"
    if len(top) > 1:
        text += "，其次是" + "、".join(f"{n}（{c}项）" for n, c in top[1:])
    facts = [Fact(n, "指标数", str(c)) for n, c in top]
    return Answer(ctx.question, True, text + "。", facts, [], m.template.name, ctx.sparql())


# --- people ---------------------------------------------------------------------------


def _units(ctx: _Ctx, org: EntityRef) -> list[str]:
    """``org`` and its units: those the graph says are part of it, and those named after it
    (in Chinese a unit's name starts with its parent's: X研究院 -> X研究院Y研究所)."""
    iris = [org.iri] + [e.iri for e in ctx.index.sub_entities(org)]
    iris += [r["unit"].value for r in ctx.select("sub_units.rq", org=org.iri)]
    return list(dict.fromkeys(iris))


def _people_rows(ctx: _Ctx, org: EntityRef, limit: int | None = None) -> tuple[list, int]:
    """Statements of the people working for ``org`` or its units, and how many people.
    With ``limit``: past that many people, only the most reported ``limit`` are read (a few
    statements each); the full query is still the one shown."""
    units = _units(ctx, org)
    if limit is not None:
        counts: dict[tuple[str, str], int] = {}
        for unit in units:
            for r in ctx.select("org_people_count.rq", _shown=False, tail=unit):
                counts[(r["head"].value, unit)] = int(_v(r, "n"))
        total = len({head for head, _ in counts})
        if total > limit:
            chosen: set[str] = set()
            rows = []
            for (head, unit), _n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
                if head in chosen:
                    continue
                chosen.add(head)
                rows += ctx.select("org_person.rq", _shown=False, head=head, tail=unit)
                if len(chosen) >= limit:
                    break
            for unit in units:
                ctx.show("org_people.rq", tail=unit)
            return rows, total
    rows = []
    for unit in units:
        rows += ctx.select("org_people.rq", tail=unit)
    return rows, len({r["head"].value for r in rows})


def _person_line(r) -> str:
    role = _v(r, "role") or ""
    return f"{_v(r, 'tailName')}{role}"


def h_person_who(ctx: _Ctx, m: TemplateMatch) -> Answer | None:
    links = _link(ctx, m.slots["person"], ("PERSON",))
    links = [l for l in links if _has_type(l, ("PERSON",))]
    if not links:
        split = _split_org_role(ctx, m.slots["person"])  # 谁是工信部总工程师
        if split is None:
            return None
        org_role = next(t for t in load_templates() if t.handler == "org_role")
        return h_org_role(ctx, TemplateMatch(org_role, {"org": split[0], "role": split[1]}, m.question))
    rows = []
    for l in links:
        rows += ctx.select("person_roles.rq", head=l.entity.iri)
    name = links[0].entity.name
    if not rows:
        return _not_found(ctx, m, f"{name}的职务或所在机构", [l.entity for l in links])
    by_person: dict[str, list] = OrderedDict()
    for r in rows:
        by_person.setdefault(r["head"].value, []).append(r)
    parts = []
    for rs in by_person.values():
        desc = _join([_person_line(r) for r in rs])
        parts.append(f"{_v(rs[0], 'headName')}是{desc}")
    text = "；".join(parts) + "。"
    facts = [_fact_of_row(r, "任职于") for r in rows]
    return Answer(ctx.question, True, text, _dedupe_facts(facts), _dedupe_sources([_source_of_row(r) for r in rows]),
                  m.template.name, ctx.sparql())


def _dedupe_facts(facts: list[Fact]) -> list[Fact]:
    seen, out = set(), []
    for f in facts:
        k = (f.subject, f.indicator, f.value, f.qualifier, f.article, f.sentence)
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out


def _split_org_role(ctx: _Ctx, text: str) -> tuple[str, str] | None:
    """工信部总工程师 -> (工信部, 总工程师): a certain organisation name at the start, a role after."""
    for l in ctx.index.find_mentions(text, short_forms=False):
        if l.start == 0 and l.hard and not _has_type(l, ("PERSON",)) and l.end < len(text):
            return text[:l.end], text[l.end:].lstrip("的")
    return None


def _org_slot(ctx: _Ctx, m: TemplateMatch):
    """The organisation the ``org`` slot names (never a person), or None."""
    links = [l for l in _link(ctx, m.slots["org"], ("ORG",)) if not _has_type(l, ("PERSON",))]
    return links[0].entity if links else None


def h_org_role(ctx: _Ctx, m: TemplateMatch) -> Answer | None:
    org = _org_slot(ctx, m)
    if org is None:
        return None
    role = m.slots["role"]
    rows, _ = _people_rows(ctx, org)
    exact = [r for r in rows if (_v(r, "role") or "") == role]
    loose = [r for r in rows if role in (_v(r, "role") or "") and not (_v(r, "role") or "").startswith("副") or
             (_v(r, "role") and _v(r, "role") in role)]
    hit = exact or loose
    if not hit:
        known = [f"{_v(r, 'headName')}（{_person_line(r)}）" for r in rows]
        return _not_found(ctx, m, f"{org.name}的{role}", [org], known)
    text = "；".join(f"{_v(r, 'tailName')}的{_v(r, 'role')}是{_v(r, 'headName')}" for r in _unique_rows(hit)) + "。"
    return Answer(ctx.question, True, text, _dedupe_facts([_fact_of_row(r, "任职于") for r in hit]),
                  _dedupe_sources([_source_of_row(r) for r in hit]), m.template.name, ctx.sparql())


def _unique_rows(rows: list, keys=("head", "tail", "role")) -> list:
    seen, out = set(), []
    for r in rows:
        k = tuple(_v(r, x) for x in keys)
        if k not in seen:
            seen.add(k)
            out.append(r)
    return out


def h_org_people(ctx: _Ctx, m: TemplateMatch) -> Answer | None:
    org = _org_slot(ctx, m)
    if org is None:
        return None
    rows, total = _people_rows(ctx, org, MAX_PEOPLE)
    if not rows:
        return _not_found(ctx, m, f"来自{org.name}的人物", [org])
    people = [f"{_v(r, 'headName')}（{_person_line(r)}）" for r in _unique_rows(rows)]
    listed = len({r["head"].value for r in rows})
    if total > listed:
        text = f"来自{org.name}的共{total}人，列出报道最多的{listed}人（全部人员可用下面的SPARQL查询）：{_join(people)}。"
    else:
        text = f"来自{org.name}的有：{_join(people)}。"
    return Answer(ctx.question, True, text, _dedupe_facts([_fact_of_row(r, "任职于") for r in rows]),
                  _dedupe_sources([_source_of_row(r) for r in rows]), m.template.name, ctx.sparql())


# --- relations between entities ---------------------------------------------------------


def _relation_answer(ctx: _Ctx, m: TemplateMatch, rows: list, text: str) -> Answer:
    rows = _unique_rows(rows, ("head", "predicate", "tail", "role"))
    return Answer(ctx.question, True, text, _dedupe_facts([_fact_of_row(r) for r in rows]),
                  _dedupe_sources([_source_of_row(r) for r in rows]), m.template.name,
                  ctx.sparql([r["stmt"].value for r in rows]))


def h_platform_operator(ctx: _Ctx, m: TemplateMatch) -> Answer | None:
    links = _link(ctx, m.slots["platform"], ("PLATFORM", "ORG"))
    if not links:
        return None
    rows = []
    for l in links:
        rows += ctx.select("operator_of.rq", tail=l.entity.iri)
    name = links[0].entity.name
    if not rows:
        return _not_found(ctx, m, f"{name}的运营方", [l.entity for l in links])
    ops = _join([ctx.name(r, "head") for r in rows])
    return _relation_answer(ctx, m, rows, f"{name}由{ops}打造和运营。")


def h_platforms_of(ctx: _Ctx, m: TemplateMatch) -> Answer | None:
    links = _link(ctx, m.slots["org"], ("ORG",))
    if not links:
        return None
    slot = norm_key(m.slots["org"])
    named_after = [l for l in links if not l.hard and "PLATFORM" in l.entity.types and norm_key(l.entity.name).startswith(slot)]
    if named_after:  # no organisation of that name: platforms named after it (X + platform name)
        return _named_after(ctx, m, slot, [l.entity for l in named_after])
    rows = []
    for l in links:
        rows += ctx.select("platforms_of.rq", head=l.entity.iri)
    name = links[0].entity.name
    if not rows:
        return _not_found(ctx, m, f"{name}的平台", [l.entity for l in links])
    return _relation_answer(ctx, m, rows, f"{name}的平台：{_join([ctx.name(r, 'tail') for r in rows])}。")


def _named_after(ctx: _Ctx, m: TemplateMatch, org: str, platforms: list[EntityRef]) -> Answer:
    """Answer from names alone: the graph holds no organisation ``org`` but platforms whose
    names begin with it (company name + platform name, as Chinese news writes them)."""
    rows = []
    for p in platforms:
        rows += ctx.select("entity_mentions.rq", entity=p.iri)
    names = _join([p.name for p in platforms])
    text = f"语料没有单独记录“{org}”这一机构，但提到了以其命名的平台：{names}。"
    facts = [Fact(org, "名称中含有", p.name) for p in platforms]
    sources = [Source(_v(r, "articleId"), _v(r, "title"), _v(r, "sentence"), _int(r, "sstart"), _int(r, "send"),
                      (_int(r, "fstart"), _int(r, "fend"))) for r in rows]
    return Answer(ctx.question, True, text, facts, _dedupe_sources(sources), m.template.name,
                  ctx.sparql([r["stmt"].value for r in rows]))


def h_place_of(ctx: _Ctx, m: TemplateMatch) -> Answer | None:
    links = _link(ctx, m.slots["e"])
    if not links:
        return None
    rows = []
    for l in links:
        is_place = "PLACE" in l.entity.types
        rows += [r for r in ctx.select("place_of.rq", head=l.entity.iri)
                 if is_place or _v(r, "predicate") != term("nkg:partOf").value]
    name = links[0].entity.name
    if not rows:
        return _not_found(ctx, m, f"{name}的地点", [l.entity for l in links])
    places = _join([ctx.name(r, "tail") for r in rows])
    verb = f"在{places}{m.slots['held']}" if m.slots.get("held") else f"位于{places}"
    return _relation_answer(ctx, m, rows, f"{name}{verb}。")


def _fuzzy_filter(rows: list, column: str, text: str) -> list:
    """Rows whose ``column`` shares most of its characters with ``text`` (a slot that did not
    link to an entity, matched against the names the rows hold)."""
    key = norm_key(text)
    if not key:
        return rows
    from rapidfuzz import fuzz

    scored = [(fuzz.partial_ratio(key, norm_key(_v(r, column) or "")), r) for r in rows]
    best = max((s for s, _ in scored), default=0)
    return [r for s, r in scored if s >= max(70, best - 5)]


def h_publishers_of(ctx: _Ctx, m: TemplateMatch) -> Answer | None:
    work = m.slots["work"]
    title = re.search(r"《(.+?)》", work)
    title = title.group(1) if title else work
    links = _link(ctx, title, ("WORK",))
    rows = []
    for l in links:
        rows += ctx.select("publishers_of.rq", tail=l.entity.iri)
    if not rows:
        rows = _fuzzy_filter(ctx.select("publishers_all.rq"), "tailName", title)
    if not rows:
        return _not_found(ctx, m, f"《{title}》的发布者", [l.entity for l in links] or ctx.index.suggest(title, 3))
    works = _join([f"《{_v(r, 'tailName')}》" for r in rows])
    return _relation_answer(ctx, m, rows, f"{works}由{_join([ctx.name(r, 'head') for r in rows])}发布。")


def _kind_filter(rows: list, kind: str | None) -> list:
    if not kind:
        return rows
    hit = [r for r in rows if kind in (_v(r, "tailName") or "")]
    return hit or rows


def h_publishers_all(ctx: _Ctx, m: TemplateMatch) -> Answer:
    rows = _kind_filter(ctx.select("publishers_all.rq"), m.slots.get("kind"))
    if not rows:
        return _not_found(ctx, m, "发布报告或文件的机构")
    by_work: dict[str, list[str]] = OrderedDict()
    for r in rows:
        by_work.setdefault(_v(r, "tailName"), []).append(ctx.name(r, "head"))
    text = "；".join(f"{_join(orgs)}发布了《{w}》" for w, orgs in by_work.items()) + "。"
    return _relation_answer(ctx, m, rows, text)


def h_publications_of(ctx: _Ctx, m: TemplateMatch) -> Answer | None:
    links = _link(ctx, m.slots["org"], ("ORG",))
    if not links:
        return None
    rows = []
    for l in links:
        for unit in _units(ctx, l.entity):
            rows += ctx.select("publications_of.rq", head=unit)
    name = links[0].entity.name
    if not rows:
        return _not_found(ctx, m, f"{name}发布的{m.slots.get('kind') or '文件'}", [l.entity for l in links])
    rows = _kind_filter(rows, m.slots.get("kind"))
    works = _join(["《" + (_v(r, "tailName") or "") + "》" for r in rows])
    return _relation_answer(ctx, m, rows, f"{name}发布了{works}。")


def h_designation(ctx: _Ctx, m: TemplateMatch) -> Answer | None:
    if "b" not in m.slots:
        return _designated_by(ctx, m)
    links = _link(ctx, m.slots["b"])
    if not links:
        return None
    rows = []
    for l in links:
        rows += ctx.select("designations.rq", entity=l.entity.iri)
    name = links[0].entity.name
    if not rows:
        return _not_found(ctx, m, f"{name}被批复或认定为什么", [l.entity for l in links])
    iris = {l.entity.iri for l in links}
    what, by = [], []
    for r in rows:
        pred = _v(r, "predicate")
        if pred == term("nkg:designatedAs").value and r["head"].value in iris:
            what.append(_v(r, "tailName"))
        elif r["tail"].value in iris:
            by.append(ctx.name(r, "head"))
            if _v(r, "role"):
                what.append(_v(r, "role"))
    text = f"{name}被"
    if by:
        text += f"{_join(by)}"
    text += f"批复（认定）为{_join(what)}。" if what else "批复（认定）。"
    return _relation_answer(ctx, m, rows, text)


def _designated_by(ctx: _Ctx, m: TemplateMatch) -> Answer | None:
    """What an organisation approved or designated (某部批复了什么)."""
    links = _link(ctx, m.slots["a"], ("ORG",))
    if not links:
        return None
    iris = {l.entity.iri for l in links}
    rows = []
    for l in links:
        rows += [r for r in ctx.select("designations.rq", entity=l.entity.iri)
                 if r["head"].value in iris and _v(r, "predicate") == term("nkg:designates").value]
    name = links[0].entity.name
    if not rows:
        return _not_found(ctx, m, f"{name}批复或认定的对象", [l.entity for l in links])
    parts = [f"{ctx.name(r, 'tail')}" + (f"（为{_v(r, 'role')}）" if _v(r, "role") else "") for r in rows]
    return _relation_answer(ctx, m, rows, f"{name}批复（认定）了{_join(parts)}。")


def h_selected_in(ctx: _Ctx, m: TemplateMatch) -> Answer | None:
    lst = m.slots["list"]
    links = _link(ctx, lst, fuzzy=False)
    rows = []
    for l in links:
        rows += ctx.select("selected_in.rq", tail=l.entity.iri)
    if not rows:
        rows = _fuzzy_filter(ctx.select("selections_all.rq"), "tailName", lst)
    if not rows:
        return _not_found(ctx, m, f"入选{lst}的实体", [l.entity for l in links])
    by_list: dict[str, list[str]] = OrderedDict()
    for r in rows:
        by_list.setdefault(_v(r, "tailName"), []).append(ctx.name(r, "head"))
    text = "；".join(f"入选{lname}的有：{_join(names)}" for lname, names in by_list.items()) + "。"
    return _relation_answer(ctx, m, rows, text)


def h_relation_of(ctx: _Ctx, m: TemplateMatch) -> Answer | None:
    """One relation asked from one end (依托什么 / 哪些机构依托某中心 / 隶属于哪个机构 ...): the
    template's ``relation`` table names the predicates, the direction and the wording."""
    ask = m.template.relation
    if ask is None:
        raise QAError(f"template {m.template.name} lacks its [template.relation] table")
    links = _link(ctx, m.slots["e"], ask.types)
    if ask.types:
        links = [l for l in links if _has_type(l, ask.types)] or links
    if not links:
        return None
    end, other = ("head", "tail") if ask.direction == "out" else ("tail", "head")
    query = "relation_from.rq" if ask.direction == "out" else "relation_to.rq"
    rows = []
    for l in links:
        for predicate in ask.predicates:
            rows += ctx.select(query, predicate=term(predicate).value, **{end: l.entity.iri})
    name = links[0].entity.name
    if not rows:
        return _not_found(ctx, m, ask.missing.format(e=name), [l.entity for l in links])
    others = _join(list(dict.fromkeys(ctx.name(r, other) + (f"（{_v(r, 'role')}）" if _v(r, "role") else "")
                                      for r in rows)))
    return _relation_answer(ctx, m, rows, ask.answer.format(e=name, others=others))


def h_relation_path(ctx: _Ctx, m: TemplateMatch) -> Answer | None:
    """How two entities are related: a direct relation, or one entity between them (the
    neighbours of both, read from the direct relation triples, then the statements with their
    sources). Co-mentions are not relations; they are only reported when nothing else links."""
    la, lb = _link(ctx, m.slots["a"]), _link(ctx, m.slots["b"])
    if not la or not lb:
        return None
    pairs = [(x.entity, y.entity) for x in la[:3] for y in lb[:3] if x.entity.iri != y.entity.iri]
    if not pairs:
        return None

    def between(x: str, y: str) -> list:
        return ctx.select("relations_between.rq", head=x, tail=y) + ctx.select("relations_between.rq", head=y, tail=x)

    a, b = pairs[0]
    nodes: list[str] = []
    for x, y in pairs:  # namesakes: the first pair of them that is linked
        nodes = _shortest_path(ctx, x.iri, y.iri)
        if nodes:
            a, b = x, y
            break
    path_rows = []
    for x, y in zip(nodes, nodes[1:]):
        rows = between(x, y)
        if not rows:
            path_rows = []
            break
        path_rows.append(rows[0])
    via = [ctx.index.entities[n].name for n in nodes[1:-1] if n in ctx.index.entities]
    if not path_rows:
        co = ctx.select("comention.rq", a=a.iri, b=b.iri)
        extra = f"{a.name}和{b.name}在同一句话中被提及过，但语料没有说明二者的关系。" if co else ""
        return _not_found(ctx, m, f"{a.name}和{b.name}之间的关系", [a, b], extra=extra)
    steps = []
    for r in _unique_rows(path_rows, ("head", "predicate", "tail", "role")):
        role = _v(r, "role")
        steps.append(f"{_v(r, 'headName')}{_rel_phrase(_v(r, 'predicate'))}{_v(r, 'tailName')}{'（' + role + '）' if role else ''}")
    text = "；".join(steps) + "。"
    if via:
        text = f"{a.name}与{b.name}通过{_join(via)}关联：" + text
    return _relation_answer(ctx, m, path_rows, text)


def _shortest_path(ctx: _Ctx, a: str, b: str, max_depth: int = 3, fanout: int = 60) -> list[str]:
    """Entities on a shortest relation path from ``a`` to ``b`` (both ends included), found
    breadth-first over the direct relation triples; [] when none within ``max_depth``."""
    parents: dict[str, str | None] = {a: None}
    frontier = [a]
    for _ in range(max_depth):
        nxt = []
        for node in frontier[:fanout]:
            for r in ctx.select("neighbours.rq", entity=node):
                other = r["other"].value
                if other in parents:
                    continue
                parents[other] = node
                if other == b:
                    path = [b]
                    while parents[path[-1]] is not None:
                        path.append(parents[path[-1]])
                    return path[::-1]
                nxt.append(other)
        frontier = nxt
        if not frontier:
            break
    return []


def h_entity_about(ctx: _Ctx, m: TemplateMatch) -> Answer | None:
    """What the graph knows about one entity: type, aliases, relations, figures."""
    links = _link(ctx, m.slots["e"], fuzzy=False)
    if not links:
        return None
    e = links[0].entity
    rels = ctx.select("entity_relations.rq", entity=e.iri)
    obs, n_obs = _some_figures(ctx, e, MAX_LISTED)
    kinds = {"ORG": "机构", "PLATFORM": "平台", "PERSON": "人物", "PLACE": "地点", "EVENT": "活动", "WORK": "作品或文件"}
    kind = _join([kinds.get(t, t) for t in e.types]) or "实体"
    parts = [f"{e.name}是语料中的{kind}"]
    if e.aliases:
        parts.append(f"又称{_join(list(e.aliases))}")
    rel_lines, facts = [], []
    for r in rels[:12]:
        other = ctx.index.entities.get(r["other"].value)
        other_name = other.name if other else r["other"].value
        inverse = _v(r, "direction") == "in"
        rel_lines.append(f"{_rel_phrase(_v(r, 'predicate'), inverse)}{other_name}")
        head, tail = (other_name, e.name) if inverse else (e.name, other_name)
        facts.append(Fact(head, _rel_phrase(_v(r, "predicate")), tail))
    if rel_lines:
        parts.append("关系：" + "；".join(rel_lines))
    if obs:
        parts.append(f"有{n_obs}项指标（如{obs[0].indicator}{format_value(obs[0].value, obs[0].unit, obs[0].qualifier)}）")
    facts += [_fact_of_obs(o) for o in obs]
    return Answer(ctx.question, bool(rels or obs), "，".join(parts) + "。", _dedupe_facts(facts),
                  _dedupe_sources([_source_of_obs(o) for o in obs]), m.template.name, ctx.sparql())


def h_names_of(ctx: _Ctx, m: TemplateMatch) -> Answer | None:
    """Other names of an entity: its short names and acronyms (template short_names), or its
    full name when the question names it by a short one (template full_name). Names come
    from the graph's schema:alternateName, as extraction read them (以下简称, brackets)."""
    surface = m.slots["e"].strip("“”\"《》")
    links = _link(ctx, surface, fuzzy=False)
    if not links:
        return None
    ent = links[0].entity
    if m.template.name == "full_name":
        if norm_key(ent.name) == norm_key(surface):
            return _not_found(ctx, m, f"{surface}的全称", [ent])
        return Answer(ctx.question, True, f"{surface}的全称是{ent.name}。",
                      [Fact(ent.name, "简称", surface)], [], m.template.name, ctx.sparql())
    others = [a for a in ent.aliases if norm_key(a) != norm_key(ent.name) and (len(a) < len(ent.name) or a.isascii())]
    if not others:
        return _not_found(ctx, m, f"{ent.name}的简称", [ent])
    return Answer(ctx.question, True, f"{ent.name}简称{_join(others)}。",
                  [Fact(ent.name, "简称", a) for a in others], [], m.template.name, ctx.sparql())


HANDLERS = {
    "names_of": h_names_of,
    "metric_value": h_metric_value,
    "metric_trend": h_metric_trend,
    "metric_compare": h_metric_compare,
    "entity_metrics": h_entity_metrics,
    "top_metrics": h_top_metrics,
    "person_who": h_person_who,
    "org_role": h_org_role,
    "org_people": h_org_people,
    "platform_operator": h_platform_operator,
    "platforms_of": h_platforms_of,
    "place_of": h_place_of,
    "publishers_of": h_publishers_of,
    "publishers_all": h_publishers_all,
    "publications_of": h_publications_of,
    "designation": h_designation,
    "selected_in": h_selected_in,
    "relation_path": h_relation_path,
    "relation_of": h_relation_of,
    "entity_about": h_entity_about,
}


def warm_indexes(store) -> None:
    """Build the Q&A indexes of ``store`` now (and write them to the disk cache,
    :mod:`kg.qa_cache`), so the first question does not pay for them: on the 12-year CCTV
    graph about 20 s once, then under a second for every later process."""
    label_index(store)
    indicator_index(store)


def answer(store, question: str) -> Answer:
    """Answer one Chinese question from the graph in ``store``.

    Templates that match are tried in order; the first found answer wins; otherwise the
    not-found answer of the first template whose slots linked (or a message that no
    template fits).

    :raises QAError: for an empty question or a broken template file.
    """
    if not question or not normalize_question(question):
        raise QAError("the question is empty; ask e.g. 2022年全国粮食产量是多少？")
    if len(normalize_question(question)) > MAX_QUESTION:
        return Answer(question, False, f"问题太长（超过{MAX_QUESTION}个字），请缩短后再问。", template=None)
    if is_each(normalize_question(question)):
        both = _answer_each(store, question)
        if both is not None:
            return both
    matches = match_templates(question)
    kind, _ = answer_type(normalize_question(question))
    first: Answer | None = None
    for m in matches:
        handler = HANDLERS.get(m.template.handler)
        if handler is None:
            raise QAError(f"template {m.template.name} names an unknown handler {m.template.handler!r}")
        ctx = _Ctx(store, question)
        a = handler(ctx, m)
        if a is None:
            continue
        if a.found:
            return _typed(a, kind, store)
        first = first or a
    if kind is not None:  # no relation holds it: read the entity of the asked type from the text
        read = _read_from_text(_Ctx(store, question), kind)
        if read is not None:
            return read
    if first is not None:
        return _typed(first, kind, store)
    return _typed(_no_template(question), kind, store)


def _answer_each(store, question: str) -> Answer | None:
    """A question asking for several things at once (…分别…), answered one thing at a time:
    found only when every part is; the parts found otherwise go to ``related``."""
    q = normalize_question(question)
    index = label_index(store)
    spans = [(l.start, l.end) for l in index.find_mentions(q) if l.hard]
    periods = asked_periods(q)
    parts = split_each(q, spans, periods[0].end if periods and periods[0].start == 0 else 0)
    if len(parts) < 2:
        return None
    answers = [answer(store, part) for part in parts]
    sparql = "\n\n".join(dict.fromkeys(a.sparql for a in answers if a.sparql))
    understood = {"parts": [{"question": p, **a.understood} for p, a in zip(parts, answers)],
                  "answer_type": answers[0].understood.get("answer_type")}
    if all(a.found for a in answers):
        return Answer(question, True, "".join(a.answer for a in answers), [f for a in answers for f in a.facts],
                      _dedupe_sources([s for a in answers for s in a.sources]), answers[0].template, sparql,
                      understood=understood)
    missing = [p for p, a in zip(parts, answers) if not a.found]
    related = [{"label": "部分答案", "differs_in": "part", "asked": p, **f.to_dict()}
               for p, a in zip(parts, answers) if a.found for f in a.facts]
    related += [r for a in answers for r in a.related]
    return Answer(question, False, f"语料中没有找到{'；'.join(missing)}的答案，所以不能回答整个问题。"
                  + ("已找到的部分列在相关事实中。" if any(a.found for a in answers) else ""),
                  template=answers[0].template, sparql=sparql, understood=understood, related=related,
                  why="问题的一部分在语料中没有答案")


def _typed(a: Answer, kind: str | None, store=None) -> Answer:
    """``a`` with what was understood filled in (answer type; the subjects and the period
    named when the handler did not say), and why nothing was found."""
    u = a.understood
    u.setdefault("answer_type", _KIND_NAMES.get(kind, "figure" if a.template and a.template.startswith("metric") else None))
    if store is not None and "subject" not in u and "parts" not in u:
        q = re.sub(f"[{re.escape(QUOTES)}]", "", normalize_question(a.question))
        u["subject"] = [l.entity.name for l in label_index(store).find_mentions(q) if l.hard] or None
        u.setdefault("indicator", None)
        periods = asked_periods(q)
        u["period"] = periods[0].value if periods else None
    if not a.found and a.why is None:
        a.why = ("没有能理解这个问题的模板" if a.template is None else "图中没有回答这个问题的关系或数据")
    return a


_KIND_NAMES = {"ORG": "organisation", "PERSON": "person", "PLACE": "place", "DATE": "date", "ROLE": "role"}


def _read_from_text(ctx: _Ctx, kind: str) -> Answer | None:
    """The entity (date, role) of the asked ``kind`` in the sentences that mention the
    entities the question names and hold its other words, marked as read from the text."""
    q = normalize_question(ctx.question)
    text = re.sub(f"[{re.escape(QUOTES)}]", "", q)
    found_links = ctx.index.find_mentions(text)
    links = sorted(found_links, key=lambda l: (not l.hard, l.start))  # names in full first, then short forms
    _, span = answer_type(text)
    periods = asked_periods(text)
    cut = [(p.start, p.end) for p in periods] + ([span] if span else [])
    if not links:
        return _read_from_figures(ctx, kind, text, span, periods, content_words(text, cut))
    words = content_words(text, [(l.start, l.end) for l in links] + cut)
    rows = []
    # the rarest names first: whole articles of a rarely named entity, else the sentences
    # naming it; an entity named everywhere (中国) is no anchor
    anchors = sorted({l.entity.iri: l for l in links}.values(), key=lambda l: l.entity.mentions)
    for l in [a for a in anchors if a.entity.mentions <= READ_SENTENCES_UPTO][:MAX_ANCHORS]:
        whole = l.entity.mentions <= READ_ARTICLES_UPTO
        for r in ctx.select("article_sentences.rq" if whole else "sentence_mentions.rq", entity=l.entity.iri):
            rows.append({**_plain_row(r), "anchored": not whole})
    asked = {l.entity.iri for l in links}

    def types_of(iri: str) -> tuple[str, ...]:
        e = ctx.index.entities.get(iri)
        return e.types if e else ()

    if kind == "ROLE":
        found = read_role(rows, {l.surface for l in links} | {l.entity.name for l in links})
    else:
        names = {l.surface for l in links} | {n for l in links for n in (l.entity.name, *l.entity.aliases)}
        found = read_answers(rows, kind, words, asked, types_of, names, how_many(text), _mentions_of(ctx))
    understood = {"subject": [l.entity.name for l in links], "indicator": words or None, "period": None,
                  "answer_type": _KIND_NAMES[kind]}
    if not found:  # the entities named say nothing of it: the sentences of the figures asked about
        return _read_from_figures(ctx, kind, text, span, periods, content_words(text, cut))
    subject = links[0].entity.name
    values = "、".join(r.value + (f"（即{r.exact}）" if r.exact else "") for r in found)
    answer = f"{values}（据原文读出，图中没有相应的关系）。"
    srcs = _dedupe_sources([Source(r.article, r.title, r.sentence, r.sstart, r.send, r.span) for r in found])
    facts = [Fact(subject, f"原文中的{_KIND_LABELS[kind]}", r.value, None, r.exact, "read_from_text", r.sentence, r.article)
             for r in found]
    return Answer(ctx.question, True, answer, facts, srcs, "read_from_text", ctx.sparql(), understood=understood)


_KIND_LABELS = {"ORG": "机构", "PERSON": "人物", "PLACE": "地点", "DATE": "时间", "ROLE": "身份"}


def _plain_row(r: dict) -> dict:
    """A query row with plain values (offsets as integers)."""
    out = {k: (v.value if v is not None else None) for k, v in r.items()}
    for k in ("sstart", "send", "mstart", "mend"):
        if out.get(k) is not None:
            out[k] = int(out[k])
    return out


def _mentions_of(ctx: _Ctx):
    """``sentence IRI -> its entity mention rows`` (sentence_entities.rq)."""
    return lambda sent: [_plain_row(r) for r in ctx.select("sentence_entities.rq", sent=sent)]


def _read_from_figures(ctx: _Ctx, kind: str, text: str, span, periods, words: str) -> Answer | None:
    """Who published or measured a figure (哪个部门测算了…数据), where or when it was: the answer of ``kind`` in the
    sentences of the figures the question's words describe, in the asked period."""
    if kind == "ROLE" or not words:
        return None
    rest = text[:span[0]] + text[span[1]:] if span else text
    search = _metric_search(ctx, rest)
    asked = periods[0].value if periods else None
    obs = [o for o in search.near if asked is None or period_matches(asked, o)]
    rows = [_plain_row(r) for o in obs for r in ctx.select("figure_sentence.rq", stmt=o.iri)]

    def types_of(iri: str) -> tuple[str, ...]:
        e = ctx.index.entities.get(iri)
        return e.types if e else ()

    found = read_answers(rows, kind, words, set(), types_of)
    if not found:
        return None
    r = found[0]
    understood = {"subject": None, "indicator": words, "period": asked, "answer_type": _KIND_NAMES[kind]}
    src = Source(r.article, r.title, r.sentence, r.sstart, r.send, r.span)
    fact = Fact(words, f"原文中的{_KIND_LABELS[kind]}", r.value, None, asked, "read_from_text", r.sentence, r.article)
    return Answer(ctx.question, True, f"{r.value}（据原文读出，图中没有相应的关系）。", [fact], [src], "read_from_text",
                  ctx.sparql(), understood=understood)


def _no_template(question: str) -> Answer:
    """No template fits (or none could link its slots to the graph): say so, with examples."""
    kinds = "；".join(f"{t['description']}（如：{t['examples'][0]}）" for t in list_templates()[:8])
    return Answer(question, False, "没有能回答这个问题的模板，或问题中提到的实体不在语料中，请换一种问法。"
                  f"可以问的问题类型有：{kinds}。", template=None)
