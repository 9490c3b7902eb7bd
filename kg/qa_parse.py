"""Question -> template + slots, and the pieces of a question every template needs: a
normalised text, the period it asks about, the kind of figure and the unit it hints at.

Templates are data (``kg/templates/templates.toml``): each has a name, regular-expression
patterns with named groups (the slots), a handler that composes the answer, the ``.rq``
queries it runs and example questions.

>>> normalize_question(" 2022年 中国数字经济规模是多少？ ")
'2022年中国数字经济规模是多少'
>>> [m.template.name for m in match_templates("工信部的总工程师是谁？")][:2]
['org_role', 'person_who']
>>> parse_periods("2019年至2022年全球粮食贸易增长了多少")[0].value
'2019-2022'
"""
from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import QAError
from extract.periods import PARTS, REL_YEARS, find_periods
from kg.qa_lexicon import load_classifiers, load_metric_kinds, load_question_phrases, load_synonyms

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TEMPLATES_DIR = Path(__file__).parent / "templates"

_TRAILING = "?？。.!！~～ \t\r\n"


def _ascii_fold(ch: str) -> str:
    """Full-width ASCII (Ｆ, １, ？) to ASCII; other characters unchanged."""
    o = ord(ch)
    if 0xFF01 <= o <= 0xFF5E:
        return chr(o - 0xFEE0)
    return " " if ch == "\u3000" else ch


def normalize_question(question: str) -> str:
    """Drop whitespace and trailing punctuation, fold full-width digits and letters.

    >>> normalize_question("２０２２年ＧＤＰ是多少？")
    '2022年GDP是多少'
    """
    text = "".join(_ascii_fold(c) for c in question)
    text = "".join(text.split())
    return text.rstrip(_TRAILING).lstrip("?？")


# --- periods ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A period named in a question: ``value`` in the graph's notation ("2022", "2023H1",
    "2019-2022", "2023-06", or a relative word such as "今年"), and where it was written."""

    value: str
    start: int
    end: int
    surface: str

    @property
    def relative(self) -> bool:
        return not self.value[:1].isdigit()

    def label(self) -> str:
        """The period as Chinese text for an answer.

        >>> Period("2023H1", 0, 0, "").label()
        '2023年上半年'
        """
        return period_label(self.value)


def parse_periods(text: str) -> list[Period]:
    """All periods written in ``text``, left to right, read with the extraction's period
    grammar (:func:`extract.periods.find_periods`); a relative year stays as written (今年),
    to be resolved against each figure's own story date.

    >>> [p.value for p in parse_periods("2023年上半年和2022年6月")]
    ['2023H1', '2022-06']
    >>> [p.value for p in parse_periods("某中心今年的算力")]
    ['今年']
    """
    found: list[Period] = []
    for mark in find_periods(text, None):
        value = mark.period
        if mark.kind == "since" and mark.start_period:
            value = mark.start_period
        elif value and value.startswith("as_of:"):
            value = value[6:]
        if not value:
            continue
        if not value[:1].isdigit():
            rel = next((w for w in REL_YEARS if value.startswith(w)), None)
            if rel is None:
                continue  # 上半年, 春节假期 with no year: nothing to resolve them against
            value = rel
        found.append(Period(value, mark.start, mark.end, text[mark.start : mark.end]))
    return found


def period_label(value: str | None) -> str:
    """Chinese rendering of a period value; '' for None.

    >>> period_label("2019-2022"), period_label("2023-06"), period_label("as_of:2023-09-01")
    ('2019年至2022年', '2023年6月', '截至2023-09-01')
    """
    if not value:
        return ""
    if value.startswith("as_of:"):
        return "截至" + value[6:]
    m = re.fullmatch(r"(\d{4})-(\d{4})", value)
    if m:
        return f"{m.group(1)}年至{m.group(2)}年"
    m = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if m:
        return f"{m.group(1)}年{int(m.group(2))}月"
    m = re.fullmatch(r"(\d{4})(H1|H2|Q1|Q2|Q3|Q4|Q1-Q3)", value)
    if m:
        names = {v: k for k, v in PARTS.items() if v and not k.startswith("第")}
        return f"{m.group(1)}年{names[m.group(2)]}"
    if re.fullmatch(r"\d{4}", value):
        return value + "年"
    return value


# --- what a metric question asks --------------------------------------------------------


@dataclass
class MetricAsk:
    """What a metric question asks, once the entity and period are set apart: the words
    that name the measure (``phrase``, synonyms made canonical), the kind of figure
    (level, growth, share ...) and a unit hinted by a measure word (多少家 -> 家)."""

    phrase: str
    kind: str = "level"
    unit_hint: str | None = None
    cues: list[str] = field(default_factory=list)
    raw: str = ""  # the measure words as the question wrote them (for messages)


def canonical_words(text: str) -> str:
    """Rewrite synonyms to their canonical word, longest variant first.

    >>> canonical_words("进出口总额同比增幅")
    '进出口总值同比增长'
    """
    syn = load_synonyms()
    rx = _synonym_re()
    return rx.sub(lambda m: syn[m.group(0)], text)


@functools.lru_cache(maxsize=None)
def _synonym_re() -> re.Pattern:
    return re.compile("|".join(re.escape(k) for k in sorted(load_synonyms(), key=len, reverse=True)))


@functools.lru_cache(maxsize=None)
def _ask_re() -> re.Pattern:
    classifiers = "".join(sorted(load_classifiers()))
    phrases = sorted(load_question_phrases(), key=len, reverse=True)
    unit = f"(?P<unit>[{re.escape(classifiers)}])?"
    # 多少家 / 几个 : the measure word right after an asking phrase is a unit hint
    return re.compile("(?:" + "|".join(re.escape(p) for p in phrases) + ")" + unit)


def metric_ask(text: str) -> MetricAsk:
    """Split the measure words of ``text`` (entity and period already removed) from the
    asking words, and read the kind of figure and a unit hint.

    >>> a = metric_ask("跨境数字服务进出口总额同比增长多少")
    >>> a.phrase, a.kind
    ('跨境数字服务进出口总值同比增长', 'yoy_growth')
    >>> metric_ask("有多少条智能化产线").unit_hint
    '条'
    >>> metric_ask("首批算力规模是多少").phrase
    '首批算力总值'
    """
    kind, cues = "level", []
    for k, kcues in load_metric_kinds():
        hit = [c for c in kcues if c in text]
        if hit:
            kind, cues = k, hit
            break
    unit_hint = None
    phrases = load_question_phrases()

    def strip(m: re.Match) -> str:
        nonlocal unit_hint
        word = m.group(0)
        base = word[: len(word) - (1 if m.group("unit") else 0)]
        if m.group("unit") and phrases.get(base) == "ask":
            unit_hint = unit_hint or m.group("unit")
            return ""
        if m.group("unit"):  # 的家, 了个 ... : keep the measure word, it is part of the name
            return m.group("unit")
        return ""

    phrase = _ask_re().sub(strip, text)
    return MetricAsk(canonical_words(phrase), kind, unit_hint, cues, phrase)


# --- templates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RelationAsk:
    """What a ``relation_of`` template asks: the statements of ``predicates`` (prefixed names)
    whose head (``direction = "out"``) or tail (``"in"``) is the entity in slot ``e``;
    ``answer`` and ``missing`` word the answer (``{e}``: the entity, ``{others}``: the ends found)."""

    predicates: tuple[str, ...]
    direction: str
    answer: str
    missing: str
    types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Template:
    """One question template, loaded from templates.toml."""

    name: str
    handler: str
    description: str
    patterns: tuple[re.Pattern, ...]
    queries: tuple[str, ...]
    examples: tuple[str, ...]
    relation: RelationAsk | None = None

    def sparql(self, name: str | None = None) -> str:
        """Text of one of this template's .rq files (the first by default)."""
        return load_query(name or self.queries[0])


@dataclass(frozen=True)
class TemplateMatch:
    """A template whose pattern matched a question, with the slot texts it captured."""

    template: Template
    slots: dict[str, str]
    question: str


@functools.lru_cache(maxsize=None)
def load_query(name: str) -> str:
    """The text of ``kg/templates/<name>`` (a SPARQL query)."""
    path = TEMPLATES_DIR / name
    if not path.is_file():
        raise QAError(f"template query file not found: {name}", path=str(path))
    return path.read_text(encoding="utf-8")


@functools.lru_cache(maxsize=None)
def load_templates() -> tuple[Template, ...]:
    """All templates from ``kg/templates/templates.toml``, in the order they are tried."""
    path = TEMPLATES_DIR / "templates.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise QAError(f"bad template file: {e}", path=str(path)) from e
    out = []
    for i, t in enumerate(data.get("template", []), 1):
        where = f"{path} (template #{i})"
        missing = [k for k in ("name", "handler", "patterns", "examples") if k not in t]
        if missing:
            raise QAError(f"template lacks {', '.join(missing)}", path=where)
        try:
            patterns = tuple(re.compile(p) for p in t["patterns"])
        except re.error as e:
            raise QAError(f"template {t['name']}: bad pattern: {e}", path=where) from e
        queries = tuple(t.get("queries", []))
        for q in queries:
            load_query(q)
        out.append(Template(t["name"], t["handler"], t.get("description", ""), patterns, queries, tuple(t["examples"]),
                            _relation_ask(t.get("relation"), where)))
    return tuple(out)


def _relation_ask(block: dict | None, where: str) -> RelationAsk | None:
    """The ``[template.relation]`` table of a template, checked."""
    if block is None:
        return None
    missing = [k for k in ("predicates", "direction", "answer", "missing") if k not in block]
    if missing:
        raise QAError(f"relation table lacks {', '.join(missing)}", path=where)
    if block["direction"] not in ("out", "in"):
        raise QAError(f"relation direction must be out or in, not {block['direction']!r}", path=where)
    return RelationAsk(tuple(block["predicates"]), block["direction"], block["answer"], block["missing"],
                       tuple(block.get("types", ())))


def match_templates(question: str) -> list[TemplateMatch]:
    """Every template with a pattern that matches the (normalised) question, in file order;
    the slots are the pattern's named groups."""
    text = normalize_question(question)
    out = []
    for t in load_templates():
        for rx in t.patterns:
            m = rx.search(text)
            if m:
                slots = {k: v for k, v in m.groupdict().items() if v}
                out.append(TemplateMatch(t, slots, text))
                break
    return out
