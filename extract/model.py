"""Plain data for what extraction finds. Every fact points back to an article, a sentence
index and half-open character offsets into the article's repaired text.

Entity ids are deterministic functions of the resolved canonical name (see
:func:`entity_id`), so articles can be extracted independently (in parallel, incrementally)
and still meet on the same node.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal

ENTITY_TYPES = ("ORG", "PLATFORM", "PERSON", "PLACE", "EVENT", "WORK")


def entity_id(name: str, disambiguator: str | None = None) -> str:
    """Deterministic, readable entity id from a canonical name (and an optional
    disambiguator for same-name people of different organisations).

    >>> entity_id("工业和信息化部")
    '工业和信息化部'
    >>> entity_id("王小明", "北京邮电大学")
    '王小明~北京邮电大学'
    """
    return f"{name}~{disambiguator}" if disambiguator else name


@dataclass(frozen=True)
class Span:
    """A typed span of an article or a line: what NER and rules output, and (with ``entity``
    set) a resolved mention, including coreferent ones like 该中心. ``label`` is one of
    :data:`ENTITY_TYPES` (or PER/LOC/ORG straight from the statistical tagger)."""

    start: int
    end: int
    label: str
    text: str
    entity: str | None = None  # resolved entity id
    name: str | None = None  # resolved canonical name
    sentence: int | None = None


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity: ``article_text[start:end] == text``."""

    article: str
    sentence: int
    start: int
    end: int
    text: str


@dataclass
class Entity:
    """A resolved entity: one node per real thing."""

    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Metric:
    """A figure as a structured fact. ``value``/``unit`` as written; ``base_value``/
    ``base_unit`` normalised (亿美元 -> USD x1e8, % -> ratio, P -> FLOPS, 台 -> count).
    ``start``/``end`` span the figure (number + unit) in the article text."""

    subject: str | None  # entity id, or None when the subject is a topic, not an entity
    subject_name: str
    indicator: str
    value: Decimal
    unit: str
    base_value: Decimal | None
    base_unit: str | None
    qualifier: str | None  # more_than | less_than | approx | target | None
    kind: str  # level | yoy_growth | avg_annual_growth | share | growth | rank
    period: str | None  # "2022", "2023H1", "2019-2022", "2023-06", "as_of:2023-09-01", or relative "今年"
    article: str
    sentence: int
    start: int
    end: int
    text: str  # surface of the figure, article_text[start:end]
    subject_text: str = ""  # the subject as written when the entity's name differs (全国 for 中国)


@dataclass
class Relation:
    """A typed link between two entities, from one sentence."""

    head: str
    head_name: str
    relation: str  # works_for | founded_by | headquartered_in | operates | part_of | located_in | publishes | designated_as | selected_in | held_in | owns | relies_on | co_mention
    tail: str
    tail_name: str
    role: str | None
    article: str
    sentence: int
    start: int | None = None  # span of the evidence in the article text, when known
    end: int | None = None


@dataclass
class ArticleFacts:
    """Everything extracted from one article; the unit that crosses process boundaries
    and that the store replaces when the article changes."""

    article: str
    checksum: str
    entities: list[Entity] = field(default_factory=list)  # with mentions in this article only
    metrics: list[Metric] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


def to_jsonable(obj):
    """Dataclasses, Decimals and lists to plain JSON values (Decimals as numbers)."""
    if hasattr(obj, "__dataclass_fields__"):
        obj = asdict(obj)
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, Decimal):
        return int(obj) if obj == obj.to_integral_value() and abs(obj) < 10**15 else float(obj)
    return obj
