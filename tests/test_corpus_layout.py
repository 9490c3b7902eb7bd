"""Page layout: pieces, kinds, subheads, bylines and credits on the bundled sample and on a
page written for this test (tests/fixtures/pdf_page_synthetic.txt)."""
from pathlib import Path

import pytest

from corpus import articles_from_text, read_corpus
from corpus.layout import detect_layout, find_byline, find_credit, is_subhead

FIXTURES = Path(__file__).parent / "fixtures"
STEM = "renmin_ribao_2023_digital_trade_industrial_internet"

# fmt: off
SAMPLE_PIECES = [  # (id suffix, kind, subheads, text starts with, first line in the file)
    ("01", "article", ["数字技术奠定坚实基础", "“出海”规模不断扩大", "政策环境日益向好"],
     "互联网技术迅速发展，数字贸易应运而生", 1),
    ("02", "brief", [], "本报北京电（记者谷业凯）北京算法交易服务中心", 14),
    ("03", "caption", [], "近日，杭州西湖博物馆焕新升级", 154),
    ("04", "caption", [], "今年以来，河北省邯郸市永年区", 158),
    ("05", "caption", [], "近年来，江西省抚州市崇仁县", 161),
    ("06", "article", ["从“制造”迈向“智造”", "强化龙头企业引领作用"],
     "工作人员坐在驾驶台上轻轻操作摇杆", 247),
]
SENTENCE_HOME = [  # a sentence (start) and the piece that must hold it
    ("该中心依托“京西智谷”人工智能计算中心", "02"),
    ("据了解，“京西智谷”人工智能计算中心今年6月正式上线；", "02"),
    ("目前该中心已与50余家单位开展合作。", "02"),
    ("此外，该计算中心还支持开源大模型的服务", "02"),
    ("中国信息通信研究院与国务院发展研究中心对外经济研究部", "01"),
    ("2022年中国数字服务出口2089.1亿美元，同比增长7.2%；", "01"),
    ("国际社会已形成广泛共识，数字贸易发展前景可期。", "01"),
    ("图为在崇仁县高新区明正电器智能化生产车间内", "05"),
    ("在三一重工北京桩机工厂，小到一块钢板的分拣", "06"),
    ("这是工业互联网赋能中国制造的缩影。", None),  # mid-sentence after …… : see below
    ("此外，还要加快工业互联网与传统基础设施统筹建设", "06"),
]
SUBHEAD_FIRST_SENTENCE = [  # subhead -> first sentence of its section
    ("数字技术奠定坚实基础", "加快数字化转型、大力发展数字贸易已成为世界各国"),
    ("“出海”规模不断扩大", "在数字化浪潮下，以5G、云计算、人工智能为代表的新技术"),
    ("政策环境日益向好", "业内人士认为，中国数字贸易近年来迅速发展"),
    ("从“制造”迈向“智造”", "在三一重工北京桩机工厂"),
    ("强化龙头企业引领作用", "“截至目前，全国跨行业跨领域工业互联网平台达50家"),
]
CAPTION_CREDITS = [  # piece -> (photographer, agency)
    ("03", "龙巍", "人民图片"), ("04", "赵鸿宇", "新华社"), ("05", "朱海鹏", "人民图片"),
]
CREDITS = [
    ("西湖美景。龙巍摄（人民图片）", ("龙巍", "人民图片")),
    ("装卸货物。新华社记者赵鸿宇摄", ("赵鸿宇", "新华社")),
    ("车间。本报记者刘洋摄", ("刘洋", "本报")),
    ("车间。张三、李四摄", ("张三、李四", None)),
    ("他正在拍摄。", None),
    ("工作。记者现场拍摄", None),
    ("图为渔民出海。欧阳海波摄", ("欧阳海波", None)),
]
BYLINES = [
    ("本报北京电（记者谷业凯）北京算法交易服务中心", ("北京", "谷业凯")),
    ("新华社杭州10月8日电（记者李明）浙江", ("杭州", "李明")),
    ("本报讯（记者王芳）近日", (None, "王芳")),
    ("北京电（记者张三）", None),
]
SUBHEADS = [
    ("数字技术奠定坚实基础", True), ("“出海”规模不断扩大", True), ("为什么要这样做？", True),
    ("便捷。", False), ("据了解，", False), ("朱海鹏摄（人民图片）", False),
    ("这一行非常非常长所以不可能是一个小标题因为小标题都很短", False),
]
# fmt: on


@pytest.fixture(scope="module")
def sample():
    return {a.id.rsplit("_", 1)[1]: a for a in read_corpus()}


def test_sample_pieces(sample):
    got = [(k, a.kind, [s.text for s in a.subheads], a.line) for k, a in sample.items()]
    assert got == [(k, kind, subs, line) for k, kind, subs, _, line in SAMPLE_PIECES]
    for key, _, _, start, _ in SAMPLE_PIECES:
        assert sample[key].text.startswith(start), key
        assert sample[key].id == f"{STEM}_{key}"


@pytest.mark.parametrize("sentence,home", [x for x in SENTENCE_HOME if x[1]])
def test_sentence_is_in_the_right_piece(sample, sentence, home):
    holders = [k for k, a in sample.items() if any(s.text.startswith(sentence) for s in a.sentences)]
    assert holders == [home]


def test_brief_keeps_its_coreferent_and_nothing_else(sample):
    brief = sample["02"]
    assert "该中心" in brief.text
    assert "数字贸易" not in brief.text and "工业互联网" not in brief.text
    assert brief.meta["byline_place"] == "北京" and brief.meta["reporter"] == "谷业凯"


@pytest.mark.parametrize("subhead,first", SUBHEAD_FIRST_SENTENCE)
def test_subheads_are_removed_and_point_at_their_section(sample, subhead, first):
    art = next(a for a in sample.values() if subhead in [s.text for s in a.subheads])
    sh = next(s for s in art.subheads if s.text == subhead)
    assert f"\n{subhead}\n" not in f"\n{art.text}\n"  # not left as a line of the body
    assert art.text[sh.offset:].startswith(first)
    assert sh.offset == 0 or art.text[sh.offset - 1] == "\n"


def test_ledes_come_first_and_bodies_follow(sample):
    dt, ind = sample["01"], sample["06"]
    assert dt.text.index("蓬勃发展。") < dt.subheads[0].offset
    assert ind.text.index("智能化转型。") < ind.subheads[0].offset
    assert ind.meta["lines"] == "247-259,169-246"


@pytest.mark.parametrize("key,name,agency", CAPTION_CREDITS)
def test_captions_carry_their_credit(sample, key, name, agency):
    cap = sample[key]
    assert cap.meta["photo_credit"] == name and cap.meta["credit_agency"] == agency
    assert cap.text.endswith(cap.meta["credit"])
    assert "图为" in cap.text


def test_sample_text_is_repaired(sample):
    text = "\n".join(a.text for a in sample.values())
    for fixed in ("3710.8亿美元", "50余家单位", "2019年至2022年", "龙巍摄", "中国信息通信研究院"):
        assert fixed in text
    assert "  " not in text and " \n" not in text


@pytest.mark.parametrize("text,expected", CREDITS)
def test_find_credit(text, expected):
    got = find_credit(text)
    assert (got and (got["photo_credit"], got.get("credit_agency"))) == expected or got == expected


@pytest.mark.parametrize("text,expected", BYLINES)
def test_find_byline(text, expected):
    got = find_byline(text)
    assert (got and (got.get("byline_place"), got.get("reporter"))) == expected or got == expected


@pytest.mark.parametrize("line,expected", SUBHEADS)
def test_is_subhead(line, expected):
    assert is_subhead(line) is expected


def test_synthetic_page_follows_the_same_rules():
    path = FIXTURES / "pdf_page_synthetic.txt"
    arts = articles_from_text(path.read_text(encoding="utf-8"), source=str(path))
    assert [(a.id, a.kind) for a in arts] == [
        ("pdf_page_synthetic_01", "article"), ("pdf_page_synthetic_02", "brief"),
        ("pdf_page_synthetic_03", "caption"), ("pdf_page_synthetic_04", "caption")]
    art, brief, cap1, cap2 = arts
    assert [s.text for s in art.subheads] == ["产销两旺势头强劲", "充电网络加快完善"]
    assert "627.8万辆" in art.text and art.text.startswith("今年以来，我国新能源汽车")
    assert brief.meta["byline_place"] == "杭州" and brief.meta["reporter"] == "李明"
    assert brief.meta["byline_date"] == "10月8日"
    assert brief.text.endswith("据悉，当地还将举办国际茶叶博览会，进一步拓展海外市场。")
    assert cap1.meta["photo_credit"] == "张伟" and cap1.meta["credit_agency"] == "人民视觉"
    assert cap2.meta["photo_credit"] == "刘洋" and cap2.meta["credit_agency"] == "本报"


def test_unrelated_lede_and_body_stay_apart():
    page = (" 今年以来，全国铁路旅客发送量持续增长，多条高铁线路开通运营，旅客\n\n"
            "出行更加便捷舒适。暑运期间，铁路部门加开旅客列车，满足出行需求。\n"
            " 本报讯 （记者王芳） 新一季水稻\n"
            "种植面积稳中有增。\n\n"
            "水稻种植技术升级\n\n"
            "农技人员深入田间地头，指导农民\n"
            "科学施肥、节水灌溉，提高水稻产\n"
            "量和品质，水稻亩产有望再创新高。\n")
    kinds = [(a.kind, a.text[:4]) for a in articles_from_text(page, layout="pdf")]
    assert kinds == [("article", "今年以来"), ("brief", "本报讯（"), ("article", "农技人员")]


# fmt: off
DETECT = [
    ("第一段。\n第二段。\n第三段。\n第四段。", "plain"),
    ("标题\n正文第一段。\n\n\n另一篇\n正文。", "plain"),
    (" 互联网技术迅速发展，数字贸易应运而生，并逐步成为\n\n国际贸易发展的新趋势。中国信\n\n"
     "息通信研究院与国务院发展研究中心对外经济研究部近日\n\n联合发布的报告显示，", "pdf"),
]
# fmt: on


@pytest.mark.parametrize("text,expected", DETECT)
def test_detect_layout(text, expected):
    assert detect_layout(text) == expected


def test_plain_text_articles_titles_and_subheads():
    text = ("第一篇的标题\n第一段正文。\n小标题\n第二段正文。\n\n\n"
            "第二篇的标题\n正文只有一段。\n---\n没有标题的第三篇，只有正文。\n")
    arts = articles_from_text(text, source="plain.txt", layout="plain")
    assert [(a.id, a.title) for a in arts] == [
        ("plain_01", "第一篇的标题"), ("plain_02", "第二篇的标题"), ("plain_03", None)]
    assert arts[0].text == "第一段正文。\n第二段正文。"
    assert [(s.offset, s.text) for s in arts[0].subheads] == [(7, "小标题")]
    assert arts[0].line == 1 and arts[1].line == 7 and arts[2].line == 10  # title lines


def test_one_blank_line_between_paragraphs_keeps_one_plain_article():
    """Only a separator line or two blank lines start a new article: one blank line is a
    paragraph break (a plain article with spaced paragraphs must not be cut in two)."""
    text = "标题\n第一段正文。\n\n第二段正文。\n\n\n另一篇的标题\n另一篇正文。\n"
    arts = articles_from_text(text, source="spaced.txt", layout="plain")
    assert [a.title for a in arts] == ["标题", "另一篇的标题"]
    assert arts[0].text == "第一段正文。\n第二段正文。"


def test_single_layout_keeps_everything_in_one_article():
    page = " 本报讯（记者王芳）今天\n\n开幕。\n\n小标题\n\n正文。\n 另一块文字。"
    arts = articles_from_text(page, layout="single")
    assert len(arts) == 1 and arts[0].text == "本报讯（记者王芳）今天开幕。\n正文。\n另一块文字。"
    assert [(s.offset, s.text) for s in arts[0].subheads] == [(15, "小标题")]
    assert arts[0].meta["reporter"] == "王芳"


def test_unknown_layout_is_refused():
    with pytest.raises(ValueError, match="unknown layout"):
        articles_from_text("正文。", layout="magic")


def test_form_feeds_separate_pages():
    page = (FIXTURES / "pdf_page_synthetic.txt").read_text(encoding="utf-8")
    n_lines = len(page.split("\n")) - 1
    arts = articles_from_text(page + "\f" + page, source="two_pages.txt")
    assert [a.kind for a in arts] == ["article", "brief", "caption", "caption"] * 2
    assert [a.id for a in arts][-1] == "two_pages_08"
    first, second = arts[0], arts[4]
    assert first.text == second.text and first.subheads == second.subheads
    assert second.line == first.line + n_lines  # line numbers continue across the form feed


def test_page_furniture_is_set_aside_and_dates_the_page():
    page = ("人民日报 2023年12月1日 星期五 第十八版 经济\n"
            " 今年以来，全国铁路旅客发送量持续增长，多条高铁线路开通运营，旅客\n\n"
            "出行更加便捷舒适。暑运期间，铁路部门加开旅客列车，满足出行需求。\n"
            " 图为旅客在车站候车。 本报记者 刘 洋摄\n"
            "铁路部门表示，暑运期间全国铁路\n"
            "累计发送旅客超过八亿人次，旅客列\n"
            "车正点率保持高位，铁路运输安全平\n"
            "稳有序，出行需求得到较好满足。\n\n"
            "本版责编：张三 李四\n")
    arts = articles_from_text(page, source="p.txt", layout="pdf")
    assert [(a.kind, a.line) for a in arts] == [("article", 2), ("caption", 5)]
    art, cap = arts
    assert art.date == "2023-12-01" and "本版责编" not in art.text and "第十八版" not in art.text
    assert art.meta["page_furniture"] == "人民日报2023年12月1日星期五第十八版经济 | 本版责编：张三李四"
    # the body after the caption continues the lede's topic and is joined to it
    assert art.text.endswith("出行需求得到较好满足。") and art.meta["lines"] == "2-4,6-9"
    assert cap.text == "图为旅客在车站候车。本报记者刘洋摄"
    # a sidecar/explicit date wins over the running head
    assert articles_from_text(page, date="2023", layout="pdf")[0].date == "2023"


def _sample_lines():
    from corpus import bundled_corpus_path

    return bundled_corpus_path().read_text(encoding="utf-8").split("\n")


# fmt: off
VARIANTS = [  # the sample re-cut: (name, how to build lines from the sample's, expected pieces)
    ("no indentation cues", lambda L: [x.lstrip() for x in L],
     [("article", "互联网技术", 3), ("brief", "本报北京电", 0), ("caption", "近日，杭州", 0),
      ("caption", "今年以来，", 0), ("caption", "近年来，江", 0), ("article", "工作人员坐", 2)]),
    ("brief moved to the end", lambda L: L[0:13] + [""] + L[36:153] + L[153:262] + L[13:36],
     [("article", "互联网技术", 3), ("caption", "近日，杭州", 0), ("caption", "今年以来，", 0),
      ("caption", "近年来，江", 0), ("article", "工作人员坐", 2), ("brief", "本报北京电", 0)]),
    ("second lede first", lambda L: L[246:260] + L[0:246],
     [("article", "工作人员坐", 2), ("article", "互联网技术", 3), ("brief", "本报北京电", 0),
      ("caption", "近日，杭州", 0), ("caption", "今年以来，", 0), ("caption", "近年来，江", 0)]),
]
# fmt: on


@pytest.mark.parametrize("name,build,expected", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_rules_do_not_depend_on_this_page_order(name, build, expected):
    arts = articles_from_text("\n".join(build(_sample_lines())), layout="pdf")
    assert [(a.kind, a.text[:5], len(a.subheads)) for a in arts] == expected
    brief = next(a for a in arts if a.kind == "brief")
    assert "该中心依托" in brief.text and "数字贸易" not in brief.text
