"""A small hand-written graph for the Q&A tests: two short articles written for the tests
(not the bundled sample), their facts written by hand with exact offsets, turned into quads by
the project's own mapping (kg.rdf) and loaded into an in-memory pyoxigraph Store. Also the
comparison of an answer's facts with expected facts (field by field, values as numbers)."""
from __future__ import annotations

from decimal import Decimal

from pyoxigraph import Quad, Store

from corpus.model import Article, Sentence
from extract.model import ArticleFacts, Entity, Mention, Metric, Relation, entity_id
from kg.rdf import article_triples
from kg.vocab import graph_iri

# fmt: off
TEXT_1 = (
    "国家统计局发布的《2022年国民经济和社会发展统计公报》显示，2022年全国粮食总产量68653万吨，比上年增长0.5%。"
    "国家统计局局长康义表示，国民经济顶住压力持续发展。"
    "国家统计局人口司司长王萍介绍了人口变化情况。"
)
TEXT_2 = (
    "华为技术有限公司推出的鸿蒙平台入选年度创新平台名单。"
    "2022年华为研发投入1615亿元。"
    "第十届航天论坛在珠海举办。"
    "合肥超算中心被批复为国家超级计算中心。"
    "2021年全国粮食总产量68285万吨。"
    "中国科学院下属的计算技术研究所研究员张伟参与研发。"
)
# fmt: on


def _sentences(text: str) -> list[Sentence]:
    out, start = [], 0
    for i, part in enumerate(text.split("。")[:-1]):
        end = start + len(part) + 1
        out.append(Sentence(i, start, end, text[start:end]))
        start = end
    return out


class _Facts:
    """Builds facts for one article, finding offsets in its text (so they are always right)."""

    def __init__(self, article: Article):
        self.a = article
        self.entities: dict[str, Entity] = {}
        self.metrics: list[Metric] = []
        self.relations: list[Relation] = []

    def _where(self, surface: str, after: int = 0) -> tuple[int, int, int]:
        start = self.a.text.index(surface, after)
        sent = next(s.index for s in self.a.sentences if s.start <= start < s.end)
        return start, start + len(surface), sent

    def entity(self, name: str, type_: str, *surfaces: str, aliases: tuple[str, ...] = ()) -> str:
        eid = entity_id(name)
        e = self.entities.setdefault(eid, Entity(eid, name, type_, list(aliases)))
        after = 0
        for surface in surfaces or (name,):
            start, end, sent = self._where(surface, after)
            after = end
            e.mentions.append(Mention(self.a.id, sent, start, end, surface))
        return eid

    def metric(self, subject: str | None, subject_name: str, indicator: str, figure: str, value: str, unit: str,
               kind: str = "level", period: str | None = None, qualifier: str | None = None) -> None:
        start, end, sent = self._where(figure)
        self.metrics.append(Metric(subject, subject_name, indicator, Decimal(value), unit, None, None, qualifier, kind,
                                   period, self.a.id, sent, start, end, figure))

    def relation(self, head: str, relation: str, tail: str, evidence: str, role: str | None = None) -> None:
        start, end, sent = self._where(evidence)
        self.relations.append(Relation(head, self.entities[head].name, relation, tail, self.entities[tail].name,
                                       role, self.a.id, sent, start, end))

    def done(self) -> ArticleFacts:
        return ArticleFacts(self.a.id, self.a.checksum, list(self.entities.values()), self.metrics, self.relations)


def hand_articles() -> list[tuple[Article, ArticleFacts]]:
    """The two test articles with their hand-written facts."""
    a1 = Article("t1", TEXT_1, title="统计公报发布", date="2023-02-28", checksum="c1", sentences=_sentences(TEXT_1))
    f = _Facts(a1)
    nbs = f.entity("国家统计局", "ORG", "国家统计局", aliases=("统计局",))
    work = f.entity("2022年国民经济和社会发展统计公报", "WORK")
    kang = f.entity("康义", "PERSON")
    wang = f.entity("王萍", "PERSON")
    dept = f.entity("国家统计局人口司", "ORG")
    f.relation(nbs, "publishes", work, "国家统计局发布的《2022年国民经济和社会发展统计公报》")
    f.relation(kang, "works_for", nbs, "国家统计局局长康义", role="局长")
    f.relation(wang, "works_for", dept, "国家统计局人口司司长王萍", role="司长")
    f.relation(dept, "part_of", nbs, "国家统计局人口司")
    f.metric(None, "全国", "粮食总产量", "68653万吨", "68653", "万吨", period="2022")
    f.metric(None, "全国", "粮食总产量", "0.5%", "0.5", "%", kind="yoy_growth", period="2022")

    a2 = Article("t2", TEXT_2, title="科技简讯", date="2023-03-05", checksum="c2", sentences=_sentences(TEXT_2))
    g = _Facts(a2)
    hw = g.entity("华为技术有限公司", "ORG", "华为技术有限公司", "华为", aliases=("华为",))
    hm = g.entity("鸿蒙平台", "PLATFORM")
    lst = g.entity("年度创新平台名单", "WORK")
    forum = g.entity("第十届航天论坛", "EVENT")
    zh = g.entity("珠海", "PLACE")
    hf = g.entity("合肥超算中心", "ORG")
    nsc = g.entity("国家超级计算中心", "PLATFORM")
    g.relation(hw, "operates", hm, "华为技术有限公司推出的鸿蒙平台")
    g.relation(hm, "selected_in", lst, "鸿蒙平台入选年度创新平台名单")
    g.relation(forum, "held_in", zh, "第十届航天论坛在珠海举办")
    g.relation(hf, "designated_as", nsc, "合肥超算中心被批复为国家超级计算中心")
    cas = g.entity("中国科学院", "ORG")
    ict = g.entity("计算技术研究所", "ORG")
    zw = g.entity("张伟", "PERSON")
    g.relation(ict, "part_of", cas, "中国科学院下属的计算技术研究所")
    g.relation(zw, "works_for", ict, "计算技术研究所研究员张伟", role="研究员")
    g.metric(hw, "华为技术有限公司", "研发投入", "1615亿元", "1615", "亿元", period="2022")
    g.metric(None, "全国", "粮食总产量", "68285万吨", "68285", "万吨", period="2021")
    return [(a1, f.done()), (a2, g.done())]


def hand_store() -> Store:
    """An in-memory store holding the two test articles' graphs."""
    store = Store()
    for article, facts in hand_articles():
        g = graph_iri(article.id)
        store.extend([Quad(t.subject, t.predicate, t.object, g) for t in article_triples(article, facts)])
    return store


# --- comparing answers with expected facts (tests/data/qa_facts.jsonl) ---------------------
# A figure is expected as {subject: [names], indicator: [words], value, unit, qualifier[, period]};
# a relation as {subject: [names], indicator: [relation words], value: [names][, qualifier]}.


def _name_matches(name: str | None, accepted: list[str], *, sub_unit: bool = False) -> bool:
    """Equal to an accepted name, or ending with one of at least two characters (the strict
    rule of ../shared/eval/README.md: 全国跨行业跨领域工业互联网平台 is the 跨行业跨领域工业互联网平台);
    with ``sub_unit`` also starting with one (中国信息通信研究院政策与经济研究所 is of 中国信息通信研究院)."""
    if not name:
        return False
    return any(name == ok or (len(ok) >= 2 and (name.endswith(ok) or (sub_unit and name.startswith(ok)))) for ok in accepted)


def _base_value(value: str, unit: str | None) -> tuple[Decimal, str] | None:
    """A written value and unit as a number in its base unit (3.6 万个 -> 36000 count); the
    number and the unit as written when the unit tables do not know the unit; ``None`` when
    the value is not a number (so 约50 or a bare 8 inside 18 never equals 8)."""
    from extract.units import magnitudes, normalise, units

    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    unit = unit or ""
    for mag in sorted(magnitudes(), key=len, reverse=True) + [""]:
        rest = unit[len(mag):]
        if unit.startswith(mag) and (rest in units() or rest == ""):
            base, base_unit = normalise(number, mag, rest)
            if base is not None:
                return base, base_unit
    return number, unit


def fact_matches(fact: dict, expected: dict) -> bool:
    """One fact of an answer (``Fact.to_dict()``) is the expected one, field by field."""
    if not _name_matches(fact.get("subject"), expected["subject"]):
        return False
    if "unit" in expected:  # a figure
        got = _base_value(fact.get("value"), fact.get("unit"))
        if got is None or got != _base_value(expected["value"], expected["unit"]):
            return False
        if not any(word in (fact.get("indicator") or "") for word in expected["indicator"]):
            return False
        if fact.get("qualifier") != expected.get("qualifier"):
            return False
        return "period" not in expected or fact.get("period") == expected["period"]
    if fact.get("indicator") not in expected["indicator"]:
        return False
    if not _name_matches(fact.get("value"), expected["value"], sub_unit=True):
        return False
    return "qualifier" not in expected or fact.get("qualifier") == expected["qualifier"]


def missing_facts(facts: list[dict], expected: list[dict]) -> list[dict]:
    """The expected facts no fact of the answer matches (empty when the answer holds them all)."""
    return [e for e in expected if not any(fact_matches(f, e) for f in facts)]
