"""find_metrics: figures in Chinese news sentences as structured facts."""
import functools
from decimal import Decimal

import pytest

from corpus.articles import articles_from_text
from extract.metrics import _ArticleWords, _Topic, find_metrics
from extract.model import Span
from extract.segment import tokenize

# fmt: off
# (text, article date, figure surface, expected fields of the metric for that surface)
FIGURES = [
    ("2022年中国跨境电商进出口额达到2.11万亿元，同比增长9.8%。", "2023-06-01", "2.11万亿元",
     {"value": "2.11", "unit": "万亿元", "base_value": "2110000000000", "base_unit": "CNY", "kind": "level", "period": "2022", "indicator": "跨境电商进出口额"}),
    ("2022年中国跨境电商进出口额达到2.11万亿元，同比增长9.8%。", "2023-06-01", "9.8%",
     {"value": "9.8", "base_value": "0.098", "base_unit": "ratio", "kind": "yoy_growth", "period": "2022", "indicator": "跨境电商进出口额"}),
    ("前三季度，全国居民人均可支配收入29398元，比上年名义增长6.3%。", "2023-10-20", "29398元",
     {"value": "29398", "base_unit": "CNY", "period": "2023Q1-Q3", "kind": "level"}),
    ("今年1至6月，全省粮食产量比上年同期下降2.5%。", "2021-07-10", "2.5%",
     {"kind": "yoy_growth", "base_value": "-0.025", "period": "2021H1"}),
    ("今年上半年，全省粮食产量比上年同期下降2.5%。", None, "2.5%",
     {"kind": "yoy_growth", "period": "今年上半年"}),
    ("“十三五”期间，全市研发投入年均增长12.4%。", "2021-01-05", "12.4%",
     {"kind": "avg_annual_growth", "base_value": "0.124"}),
    ("2021年，数字经济占国内生产总值比重达到39.8%。", None, "39.8%",
     {"kind": "share", "period": "2021", "base_value": "0.398"}),
    ("城镇调查失业率为5.2%，比上月下降0.3个百分点。", None, "0.3个百分点",
     {"unit": "个百分点", "base_unit": "pp", "base_value": "-0.3", "kind": "mom_growth"}),
    ("截至2023年6月底，我国5G基站总数达293.7万个。", None, "293.7万个",
     {"period": "as_of:2023-06", "base_value": "2937000", "base_unit": "count", "indicator": "5G基站总数", "subject_name": "中国", "subject_text": "我国"}),
    ("全市新增市场主体超过3.2万户。", None, "3.2万户",
     {"qualifier": "more_than", "base_value": "32000", "base_unit": "count"}),
    ("项目总投资近80亿元。", None, "80亿元", {"qualifier": "nearly", "base_value": "8000000000"}),
    ("新建充电桩约1200个。", None, "1200个", {"qualifier": "approx"}),
    ("单日客流量在20万人次左右。", None, "20万人次", {"qualifier": "approx", "base_value": "200000"}),
    ("年产值在5000万元以上。", None, "5000万元", {"qualifier": "more_than"}),
    ("空置率不足5%。", None, "5%", {"qualifier": "less_than"}),
    ("营商环境世行排名从2017年的78位跃升至2019年的31位。", None, "31位", {"kind": "rank", "base_unit": "rank", "period": "2019"}),
    ("营商环境世行排名从2017年的78位跃升至2019年的31位。", None, "78位", {"kind": "rank", "period": "2017"}),
    ("新型装备的比例不低于70%。", None, "70%", {"qualifier": "at_least"}),
    ("到2025年，全省数据中心机架规模力争达到10万架。", None, "10万架",
     {"qualifier": "target", "period": "2025"}),
    ("该园区已吸引十余家企业入驻。", None, "十余家",
     {"value": "10", "unit": "家", "qualifier": "more_than", "indicator": "企业"}),
    ("全县常住人口三千五百万。", None, "三千五百万",
     {"value": "3500", "unit": "万", "base_value": "35000000", "base_unit": "number"}),
    ("受访企业中两成表示将扩大投资。", None, "两成", {"value": "2", "unit": "成", "base_value": "0.2", "base_unit": "ratio"}),
    ("超过一半的受访者使用移动支付。", None, "一半", {"base_value": "0.5", "base_unit": "ratio", "qualifier": "more_than"}),
    ("新能源汽车产量达到 72.1 万辆，增长 1.1 倍。", None, "1.1 倍", {"base_unit": "times", "kind": "growth"}),
    ("该基地装机容量120万千瓦。", None, "120万千瓦", {"base_value": "1200000000", "base_unit": "W"}),
    ("集群总算力达到2.5E FLOPS，其中智能算力300PFLOPS。", None, "300PFLOPS", {"base_value": "300000000000000000", "base_unit": "FLOPS"}),
    ("全年货物进出口总额41.76万亿元，比上年增长0.2%。", "2024-01-12", "41.76万亿元", {"indicator": "货物进出口总额"}),
    ("中国全口径数字贸易总额由3.17万亿元增加至4.68万亿元，年均增长13.9%。", None, "3.17万亿元", {"kind": "level"}),
    ("2019年至2022年，全口径数字贸易总额由3.17万亿元增加至4.68万亿元，年均增长13.9%。", None, "3.17万亿元", {"period": "2019"}),
    ("2019年至2022年，全口径数字贸易总额由3.17万亿元增加至4.68万亿元，年均增长13.9%。", None, "4.68万亿元", {"period": "2022"}),
    ("2019年至2022年，全口径数字贸易总额由3.17万亿元增加至4.68万亿元，年均增长13.9%。", None, "13.9%", {"period": "2019-2022", "kind": "avg_annual_growth"}),
    ("厂内共有8个柔性工作中心，16条智能化产线。", None, "16条", {"indicator": "智能化产线", "base_unit": "count"}),
    ("平台已接入超过2000台工业设备。", None, "2000台", {"indicator": "工业设备", "qualifier": "more_than"}),
    ("列车起火已导致至少65人死亡。", None, "65人", {"indicator": "死亡人数", "qualifier": "at_least", "base_unit": "count"}),
    ("本次大赛吸引了国内外近6000名选手报名参赛。", None, "6000名", {"indicator": "选手", "qualifier": "nearly"}),
    ("先后对9个利用网络刷单的诈骗窝点展开收网行动。", None, "9个", {"indicator": "诈骗窝点"}),
    ("新线最高时速350公里。", None, "350公里", {"base_unit": "m/s", "base_value": "97.222"}),
    ("成功将621名同胞安全撤离。", None, "621名", {"qualifier": None}),
    ("前两个月，固定资产投资同比增长6.1%。", "2019-03-14", "6.1%", {"period": "2019-01/2019-02", "kind": "yoy_growth"}),
    ("截至下午4点，赣江水位达47.47米。", "2019-04-19", "47.47米", {"period": "as_of:2019-04-19"}),
    ("2018年财年美国联邦财政赤字升至约9844亿美元。", None, "9844亿美元", {"period": "2018", "base_unit": "USD", "qualifier": "approx"}),
    ("收入 380 亿新加坡元。", None, "380亿新加坡元", {"base_unit": "SGD"}),
    ("8个新建竞赛场馆、5个改造竞赛场馆将开工。", None, "5个", {"indicator": "改造竞赛场馆"}),
    ("国内生产总值增长6%－6.5%。", None, "6.5%", {"kind": "growth", "indicator": "国内生产总值"}),
]
# text with figures that are NOT metrics (the whole text yields no metric at all)
NOT_METRICS = [
    "2019年，该县被列为试点。",
    "今年6月，该中心正式上线；7月，平台启用。",
    "以5G、云计算为代表的新技术快速发展。",
    "观众观看通过3D技术展现的美景。",
    "根据《条例》第十条规定执行。",
    "他是第一个到达现场的人。",
    "打通快递服务最后1米。",
    "1PFLOPS=1000万亿次浮点运算/秒。",
    "目前已有几十家企业入驻。",
    "吸引了数百家企业参展。",
    "这是一个重要的里程碑。",
    "咨询电话：010-12345678。",
    "C919大型客机完成试飞。",
    "他今年45岁。",
    "活动持续了3个月。",
    "经过3年建设，项目竣工。",
    "一两个月后再看。",
    "推动“十四五”规划落实。",
    "提供一站式服务。",
    "对贫困发生率超过5%的县加大支持。",
    "6000人以上的世居少数民族有多个。",
    "两条120米宽的绿道建成。",
    "荣登“讲奉献10件好事”榜首。",
    "总计约合人民币1399万元。",
    "中欧要从3个方面携手努力。",
    "历时3个多月的调水结束。",
    "经过5个多小时的诱捕，熊猫被收回。",
    "人造太阳实现一亿度高温运行。",
    "每个村安排1名联系干部。",
    "这45人分别代表政府和民间人士。",
]
# (sentence, stretch of it, its words as jieba.posseg tags the stretch alone): the article's
# own segmentation read back for a stretch gives the same words and tags
ARTICLE_WORDS = [
    ("先后对9个利用网络刷单的诈骗窝点展开收网行动。", "利用网络刷单的诈骗窝点",
     [("利用网络", "n"), ("刷单", "n"), ("的", "uj"), ("诈骗", "vn"), ("窝点", "n")]),
    ("顺丰速运在全国招收6名快递员。", "顺丰速运在全国招收",
     [("顺丰", "nz"), ("速运", "n"), ("在", "p"), ("全国", "n"), ("招收", "v")]),
    ("全国财政收入增长9.06%。", "增长9.06%", [("增长", "v"), ("9.06", "m"), ("%", "x")]),
    ("厂内共有16条智能化产线。", "智能化产线", [("智能化", "nr"), ("产线", "n")]),
    ("列车起火已导致至少65人死亡。", "死亡", [("死亡", "v")]),
]
# fmt: on


def article(text, date=None):
    return articles_from_text(text, layout="single", date=date)[0]


def span(text, surface, label, name=None, nth=0):
    """A resolved mention of ``surface`` (its nth occurrence) in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Span(start, start + len(surface), label, surface, entity=name or surface, name=name or surface)


def by_text(metrics, surface):
    found = [m for m in metrics if "".join(m.text.split()) == surface.replace(" ", "")]
    assert found, f"{surface} not found in {[m.text for m in metrics]}"
    return found[0]


@pytest.mark.parametrize("text,date,surface,expected", FIGURES)
def test_figure_fields(text, date, surface, expected):
    m = by_text(find_metrics(article(text, date)), surface)
    for key, want in expected.items():
        got = getattr(m, key)
        if isinstance(got, Decimal):
            assert got == Decimal(want), (key, got, want)
        else:
            assert got == want, (key, got, want)


@pytest.mark.parametrize("text", NOT_METRICS)
def test_not_metrics(text):
    assert [m.text for m in find_metrics(article(text, "2023-09-05"))] == []


@pytest.mark.parametrize("text,date,surface,expected", FIGURES)
def test_offsets_are_sacred(text, date, surface, expected):
    a = article(text, date)
    for m in find_metrics(a):
        assert a.text[m.start : m.end] == m.text
        assert a.sentences[m.sentence].start <= m.start < m.end <= a.sentences[m.sentence].end


def test_offsets_with_pdf_spaces_and_line_breaks():
    from corpus.model import Article

    text = "目前该中心已与 50 余 家单位开展合作，累计投资3.17\n万亿元。"
    a = Article(id="pdf", text=text)
    ms = find_metrics(a)
    assert [a.text[m.start : m.end] for m in ms] == ["50 余 家", "3.17\n万亿元"]
    assert [m.text for m in ms] == ["50 余 家", "3.17\n万亿元"]
    assert ms[0].value == Decimal(50) and ms[0].unit == "家" and ms[0].qualifier == "more_than"


def test_subject_is_the_topic_entity_not_the_source():
    text = "中国信息通信研究院发布的《报告》显示，2022年中国数字经济规模达50.2万亿元。"
    mentions = [
        span(text, "中国信息通信研究院", "ORG"),
        span(text, "报告", "WORK", "数字经济发展报告"),
        span(text, "中国", "PLACE", nth=1),
    ]
    m = find_metrics(article(text), mentions)[0]
    assert (m.subject, m.subject_name, m.indicator) == ("中国", "中国", "数字经济规模")


def test_statistics_source_is_not_subject():
    text = "据国家统计局统计，上海市全年地区生产总值达4.72万亿元。"
    mentions = [span(text, "国家统计局", "ORG"), span(text, "上海市", "PLACE")]
    m = find_metrics(article(text), mentions)[0]
    assert m.subject_name == "上海市"
    assert m.indicator == "地区生产总值"


def test_zero_anaphora_carries_the_previous_sentence_topic():
    text = "目前该中心已与50余家单位开展合作。首批算力规模100P，今年算力规模将达到400P，并持续扩容至1000P。"
    mentions = [span(text, "该中心", "PLATFORM", "星河人工智能计算中心")]
    ms = find_metrics(article(text, "2023-09-05"), mentions)
    assert [(m.subject_name, str(m.value), m.unit, m.qualifier, m.period) for m in ms] == [
        ("星河人工智能计算中心", "50", "家", "more_than", "as_of:2023-09-05"),  # 目前: as of the story day
        ("星河人工智能计算中心", "100", "P", None, None),
        ("星河人工智能计算中心", "400", "P", "target", "2023"),
        ("星河人工智能计算中心", "1000", "P", "target", None),
    ]
    assert ms[1].indicator == "首批算力规模" or ms[1].indicator == "算力规模"


def test_previous_clause_place_is_subject():
    text = "在长江重工武汉船机工厂，大到10多吨桅杆的装配，全部由机器人完成。厂内共有8个柔性工作中心。"
    mentions = [span(text, "长江重工武汉船机工厂", "ORG")]
    ms = find_metrics(article(text), mentions)
    assert [(m.subject_name, m.indicator, str(m.base_value), m.base_unit) for m in ms] == [
        ("长江重工武汉船机工厂", "桅杆", "10000", "kg"),
        ("长江重工武汉船机工厂", "柔性工作中心", "8", "count"),
    ]


def test_modifier_agent_is_not_subject():
    text = "在后台，由工业互联网企业星火科技打造的“燎原平台”也在日夜计算，分析3.6万多个数据采集点收集的数据。"
    mentions = [span(text, "星火科技", "ORG"), span(text, "燎原平台", "PLATFORM")]
    m = find_metrics(article(text), mentions)[0]
    assert (m.subject_name, m.indicator, m.unit, m.qualifier) == ("燎原平台", "数据采集点", "万个", "more_than")


def test_scope_word_is_the_subject_of_what_it_counts():
    text = "“截至目前，全国跨行业跨领域工业互联网平台达50家，平均连接工业设备超218万台、服务企业数量超23.4万家。”"
    ms = find_metrics(article(text))
    assert [(m.subject, m.subject_name, m.subject_text, m.indicator, m.period) for m in ms] == [
        ("中国", "中国", "全国", "跨行业跨领域工业互联网平台", None),
        ("中国", "中国", "全国", "平均连接工业设备", None),
        ("中国", "中国", "全国", "服务企业数量", None),
    ]


def test_semicolon_keeps_period_and_subject():
    text = "2022年中国数字服务出口2089.1亿美元，同比增长7.2%；数字服务贸易净出口规模达467.5亿美元，同比增长55.8%。"
    ms = find_metrics(article(text), [span(text, "中国", "PLACE")])
    assert [(m.subject_name, m.indicator, m.kind, m.period) for m in ms] == [
        ("中国", "数字服务出口", "level", "2022"),
        ("中国", "数字服务出口", "yoy_growth", "2022"),
        ("中国", "数字服务贸易净出口规模", "level", "2022"),
        ("中国", "数字服务贸易净出口规模", "yoy_growth", "2022"),
    ]


def test_event_date_does_not_become_a_later_clause_period():
    text = "商务部今年4月印发《典型案例》，择优选取了首批12家国家数字服务出口基地中的部分基地。"
    ms = find_metrics(article(text, "2023-09-05"), [span(text, "商务部", "ORG")])
    assert [(m.subject_name, m.indicator, m.period) for m in ms] == [("商务部", "首批国家数字服务出口基地", None)]


def test_article_without_sentences_is_split():
    from corpus.model import Article

    a = Article(id="x", text="全年粮食产量13908亿斤。比上年增长1.3%。")
    ms = find_metrics(a)
    assert [(m.sentence, m.text) for m in ms] == [(0, "13908亿斤"), (1, "1.3%")]


def test_qizhong_sentence_continues_the_previous_one():
    text = "今年前8个月，全国进出口总值20.1万亿元，同比增长3.6%。其中，出口10.95万亿元，同比增长6.1%。"
    ms = find_metrics(article(text, "2019-09-08"))
    assert [(m.subject_name, m.subject_text, m.indicator, m.period) for m in ms][2:] == [
        ("中国", "全国", "出口", "2019-01/2019-08"),
        ("中国", "全国", "出口", "2019-01/2019-08"),
    ]


def test_enumeration_members_are_not_the_subject():
    text = "博览会吸引了来自法国、土耳其、阿富汗等18个国家的500多家企业参展。"
    mentions = [span(text, "法国", "PLACE"), span(text, "土耳其", "PLACE"), span(text, "阿富汗", "PLACE")]
    ms = find_metrics(article(text), mentions)
    assert all(m.subject_name not in ("法国", "土耳其", "阿富汗") for m in ms)


def test_possessor_is_the_subject():
    text = "航空公司停运可能将使冰岛的游客数量减少16%。"
    mentions = [span(text, "冰岛", "PLACE")]
    m = find_metrics(article(text), mentions)[0]
    assert (m.subject_name, m.indicator, m.kind, m.base_value) == ("冰岛", "游客数量", "growth", Decimal("-0.16"))


def test_source_reporting_clause_is_not_subject():
    text = "商务部今天（7月4日）公布的数据显示，今年1至5月，我国服务进出口总额21893.4亿元。"
    mentions = [span(text, "商务部", "ORG")]
    m = find_metrics(article(text, "2019-07-04"), mentions)[0]
    assert (m.subject_text, m.indicator, m.period) == ("我国", "服务进出口总额", "2019-01/2019-05")


def test_empty_and_numberless_articles():
    from corpus.model import Article

    assert find_metrics(Article(id="e", text="")) == []
    assert find_metrics(Article(id="n", text="没有任何数字的句子。另一句。")) == []


def test_bad_lexicon_line_names_file_and_line(tmp_path, monkeypatch):
    import shutil

    from corpus.errors import ExtractError
    from extract import metric_lexicons

    for f in metric_lexicons.DATA.glob("metric_*"):
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "metric_cues.tsv").write_text("# header\n同比增长\tyoy_growth\n", encoding="utf-8")
    monkeypatch.setattr(metric_lexicons, "DATA", tmp_path)
    metric_lexicons.cues.cache_clear()
    try:
        with pytest.raises(ExtractError, match=r"metric_cues\.tsv:2: "):
            metric_lexicons.cues()
    finally:
        metric_lexicons.cues.cache_clear()


def test_respectively_pairs_indicators_and_figures():
    text = "全国火灾起数、死亡人数和直接经济损失分别同比下降19.7%、7.8%、13.6%。"
    ms = find_metrics(article(text))
    assert [(m.indicator, m.kind, str(m.base_value)) for m in ms] == [
        ("火灾起数", "yoy_growth", "-0.197"),
        ("死亡人数", "yoy_growth", "-0.078"),
        ("直接经济损失", "yoy_growth", "-0.136"),
    ]


@pytest.mark.parametrize("text,date,surface,expected", FIGURES)
def test_article_tokens_give_the_same_metrics(text, date, surface, expected):
    a = article(text, date)
    assert find_metrics(a, tokens=tokenize(a.text)) == find_metrics(a)


@pytest.mark.parametrize("text,stretch,expected", ARTICLE_WORDS)
def test_article_words_of_a_stretch(text, stretch, expected):
    start = text.index(stretch)
    assert list(_ArticleWords(text, tokenize(text)).words(start, start + len(stretch))) == expected


def test_article_words_start_inside_a_word_is_none():
    text = "全国财政收入增长。"
    assert _ArticleWords(text, tokenize(text)).words(1, 4) is None  # 国 is inside 全国


def test_topic_chain_is_bounded():
    """A sentence's topic is worked out when a later figure asks for it and may fall back on
    the one before: a long chain of them must not exhaust the stack when the last is asked."""
    t = _Topic.known(("e1", "甲市"))
    for _ in range(5000):
        t = _Topic(functools.partial(lambda prev: prev.get(), t), t)
    assert t.get() == ("e1", "甲市")
