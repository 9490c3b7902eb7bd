"""The figure rules of issue 12 on sentences written for these tests (never story text): who a
figure is about, where its indicator stops, which period it has, its unit and qualifier. Run
through the real pipeline (segmentation, entities, figures) so that mentions are the ones a
user's corpus gets."""
import pytest

from corpus.articles import articles_from_text
from extract.pipeline import extract_corpus


def figures(text, date="2024-05-20"):
    """(subject as written, indicator, value+unit, period) of every figure of ``text``: the
    written form 全国/我国 of a figure whose subject is the country (see the tests of 中国 below)."""
    arts = articles_from_text(text, layout="single", date=date)
    return [(m.subject_text or m.subject_name, m.indicator, f"{m.value}{m.unit}", m.period)
            for m in extract_corpus(arts).metrics]


def one(text, value, date="2024-05-20"):
    found = [f for f in figures(text, date) if f[2] == value]
    assert len(found) == 1, figures(text, date)
    return found[0]


# --- subject: datelines, bylines and sources are never subjects -----------------------------


@pytest.mark.parametrize("text", [
    "央视网消息（新闻联播）：一季度，全国规模以上工业增加值同比增长6.1%。",
    "新华社南宁4月2日电（记者李明）一季度，全国规模以上工业增加值同比增长6.1%。",
    "本台消息：一季度，全国规模以上工业增加值同比增长6.1%。",
])
def test_dateline_and_byline_are_not_subjects(text):
    assert one(text, "6.1%")[0] == "全国"


def test_statistics_source_is_not_the_subject():
    subject = one("据国家统计局统计，一季度全国规模以上工业增加值同比增长6.1%。", "6.1%")[0]
    assert subject == "全国"


# --- subject: sectors and groups -------------------------------------------------------------


@pytest.mark.parametrize("text,value,subject", [
    ("端午假期，全国铁路预计发送旅客4500万人次。", "4500万人次", "全国铁路"),
    ("前4个月，民航共运送旅客1.9亿人次。", "1.9亿人次", "民航"),
    ("3月份，高技术制造业增加值同比增长8.2%。", "8.2%", "高技术制造业"),
    ("一季度，民营企业进出口5.1万亿元。", "5.1万亿元", "民营企业"),
    ("去年，内地居民出境旅游9000万人次。", "9000万人次", "内地居民"),
])
def test_sector_or_group_opening_a_clause_is_the_subject(text, value, subject):
    assert one(text, value)[0] == subject


def test_a_list_of_sectors_is_not_one_of_them():
    subject = one("春运前20天，全国铁路、公路、水路、民航累计发送旅客8.6亿人次。", "8.6亿人次")[0]
    assert subject == "全国"


# --- subject: national statistics, carried subjects, frames -----------------------------------


def test_scope_word_opening_a_clause_is_the_subject_of_a_list():
    text = "一季度我国对巴西、印度、南非进出口分别为3000亿元、2800亿元、900亿元。"
    assert {f[0] for f in figures(text)} == {"我国"}


def test_scope_topic_is_carried_to_a_later_sentence_without_a_subject():
    text = "4月份，我国经济运行稳中有进。4月份，规模以上工业增加值同比增长6.7%。"
    assert one(text, "6.7%")[0] == "我国"


def test_group_subject_is_not_carried_to_the_next_sentence():
    text = "3月份，全国经济平稳。3月份，高技术制造业增加值同比增长8.2%。3月份，社会消费品零售总额同比增长5.5%。"
    assert one(text, "5.5%")[0] == "全国"


def test_frame_clause_sets_the_subject():
    text = "在跨境包裹监管方面，原来的12个审核环节，现在合并为5个环节。"
    assert {f[0] for f in figures(text)} == {"跨境包裹监管"}


def test_a_figure_opening_a_sentence_is_found():
    text = "今年全省推广节水灌溉技术。3000多名农技人员下到田间。"
    assert [f[2] for f in figures(text)] == ["3000名"]


# --- indicator boundaries: comparisons are changes of the figure before them -----------------


@pytest.mark.parametrize("text", [
    "5月份，全国社会消费品零售总额同比增长6.4%，比上月加快0.9个百分点。",
    "5月份，全国社会消费品零售总额同比增长6.4%，较上月回落0.9个百分点。",
])
def test_comparison_is_a_change_of_the_previous_figure(text):
    growth, change = figures(text)
    assert change[2] == "0.9个百分点"
    assert change[:2] == growth[:2]  # same subject and indicator: not an indicator "比上月加快"


# --- periods: spans relative to the story ---------------------------------------------------


def test_these_five_years_are_a_range_up_to_the_story_year():
    assert one("这五年，全省高标准农田面积达到4000万亩。", "4000万亩", date="2017-09-16")[3] == "2013-2017"


def test_five_year_plan_is_its_years():
    assert one("“十四五”期间，全省将新建5G基站3万个。", "3万个", date="2022-05-20")[3] == "2021-2025"


# --- names with quotation marks and numbers, units, qualifiers ------------------------------


def test_quoted_name_keeps_its_numbered_part():
    assert one("“海风一号”三期工程年发电量达到12亿千瓦时。", "12亿千瓦时")[0] == "海风一号三期工程"


def test_ordinal_inside_a_name_is_not_a_figure():
    assert [f[2] for f in figures("第5000列中欧班列今天从成都发车。")] == []


def test_cheng_and_percentage_points_keep_their_units():
    text = "一季度，全省新能源汽车销量占比超过四成，比上年同期提高0.8个百分点。"
    units = {f[2] for f in figures(text)}
    assert units == {"4成", "0.8个百分点"}


@pytest.mark.parametrize("text,value,qualifier", [
    ("今年全省粮食产量超过700亿斤。", "700亿斤", "more_than"),
    ("今年全省粮食产量近700亿斤。", "700亿斤", "nearly"),
    ("今年全省粮食产量约700亿斤。", "700亿斤", "approx"),
    ("今年全省粮食产量700多亿斤。", "700亿斤", "more_than"),
    ("事故已造成至少三人死亡。", "3人", "at_least"),
])
def test_qualifiers(text, value, qualifier):
    arts = articles_from_text(text, layout="single", date="2024-05-20")
    found = [m for m in extract_corpus(arts).metrics if f"{m.value}{m.unit}" == value]
    assert [m.qualifier for m in found] == [qualifier]


def test_a_share_written_before_what_it_counts_is_a_figure():
    subject, indicator, value, _ = one("目前，晋江80%以上的企业接入工业互联网。", "80%")
    assert subject == "晋江" and indicator == "企业"
    assert figures("贫困发生率超过5%的县全部摘帽。") == []  # a threshold is still not a figure


def test_a_place_inside_an_organisation_name_is_not_the_subject():
    subject = one("目前，湖南国税局300个大厅都实现了网上办税。", "300个", date="2016-12-21")[0]
    assert subject.endswith("国税局")


def test_an_earlier_place_beats_no_subject_at_all():
    text = "这几年，浙江发展生态农业的同时，乡村旅游快速兴起，去年累计接待游客超过2亿人次。"
    assert one(text, "2亿人次", date="2019-05-01")[0] in ("浙江", "浙江省")


def test_the_day_of_the_story_goes_on_through_its_paragraph():
    text = "今天，铁路迎来客流高峰，发送旅客1500万人次。全路增开旅客列车400列。\n\n下月起，全路将实行新的列车运行图。"
    periods = {f[2]: f[3] for f in figures(text, date="2016-10-01")}
    assert periods == {"1500万人次": "2016-10-01", "400列": "2016-10-01"}


def test_a_new_paragraph_does_not_inherit_the_time():
    text = "今天，铁路发送旅客1500万人次。\n\n全路增开旅客列车400列。"  # a blank line: a new paragraph
    assert one(text, "400列", date="2016-10-01")[3] is None


def test_today_opening_a_sentence_is_its_day():
    text = "今天是假期高速公路免费通行的第一天，车流量同比增长5%。"
    assert one(text, "5%", date="2016-10-01")[3] == "2016-10-01"


def test_an_organ_of_state_opening_a_clause_is_the_subject():
    text = "今年以来，检察机关起诉涉嫌非法集资犯罪案件500起。"
    assert one(text, "500起")[0] == "检察机关"


def test_a_stock_since_a_date_is_as_of_the_story_day():
    text = "自2018年10月上线以来，该市政务平台已接入1500项服务事项，日均办理量达3万件。"
    periods = {f[2]: f[3] for f in figures(text, date="2019-03-02")}
    assert periods == {"1500项": "as_of:2019-03-02", "3万件": "2018-10/2019-03-02"}


def test_a_paragraphs_opening_year_dates_its_later_figures():
    text = "今年，全省继续推广节水灌溉。3000多名农技人员下到田间。"
    assert one(text, "3000名", date="2012-12-03")[3] == "2012"


def test_an_event_month_is_not_carried_to_later_figures():
    text = "该中心今年6月上线；7月，科技部批复该中心为开放平台。首批算力规模100P。"
    assert one(text, "100P", date="2023")[3] is None


def test_a_count_followed_by_a_latin_name_is_a_figure():
    assert one("春节期间，全国8000家A级旅游景区正常开放。", "8000家")[0] == "全国"


def test_an_unnamed_owner_before_de_is_the_subject():
    subject, indicator, _, _ = one("未应诉出口企业的平均税率为12.5%。", "12.5%")
    assert (subject, indicator) == ("未应诉出口企业", "平均税率")


# --- the country: 我国/全国/国内 figures are figures of the entity 中国 ------------------------


@pytest.mark.parametrize("text,value,written", [
    ("今年前两个月，我国货物运输量增长了3.1%。", "3.1%", "我国"),
    ("去年全国棉花种植面积为4500万亩。", "4500万亩", "全国"),
    ("上半年国内生产总值达到59万亿元。", "59万亿元", "国内"),
])
def test_national_figures_are_the_country_entity(text, value, written):
    arts = articles_from_text(text, layout="single", date="2024-05-20")
    facts = extract_corpus(arts)
    m = next(m for m in facts.metrics if f"{m.value}{m.unit}" == value)
    assert (m.subject, m.subject_name, m.subject_text) == ("中国", "中国", written)
    country = next(e for e in facts.entities if e.id == "中国")
    assert country.type == "PLACE"
    assert [(x.text, text[x.start:x.end]) for x in country.mentions] == [(written, written)]


def test_a_written_country_name_keeps_no_separate_written_form():
    arts = articles_from_text("今年中国新能源汽车产量增长了35%。", layout="single", date="2024-05-20")
    m = extract_corpus(arts).metrics[0]
    assert (m.subject, m.subject_name, m.subject_text) == ("中国", "中国", "")


def test_a_province_scope_is_not_the_country():
    arts = articles_from_text("今年全省新建5G基站1.2万个。", layout="single", date="2024-05-20")
    m = extract_corpus(arts).metrics[0]
    assert m.subject is None and m.subject_name == "全省"


# --- numbers that are not figures --------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "洪水过后，河堤约有六七十米被冲毁。",
    "广场上聚集了三四百人观看演出。",
])
def test_two_numerals_side_by_side_are_a_range_not_a_figure(text):
    assert figures(text) == []


@pytest.mark.parametrize("text", [
    "一块广告牌从约30米高处坠下。",
    "潜水员在200米深处发现了沉船。",
])
def test_a_dimension_of_a_place_is_not_a_figure(text):
    assert figures(text) == []


def test_a_measure_bounding_the_class_of_what_follows_is_not_a_figure():
    assert figures("这家物流站专门承接50公斤以上大件包裹的配送。") == []


def test_a_measure_with_a_threshold_ending_a_clause_is_still_a_figure():
    assert [f[2] for f in figures("今年全县粮食单产达到600公斤以上。")] == ["600公斤"]


def test_a_count_above_a_threshold_is_still_a_figure():
    assert [f[2] for f in figures("今年全市新增50家以上高新技术企业。")] == ["50家"]


@pytest.mark.parametrize("text,value,thing,dimension", [
    ("据了解，新落成的观光塔高度为320米。", "320米", "观光塔", "高度"),
    ("据介绍，已经通车的跨江大桥全长12公里。", "12公里", "跨江大桥", "全长"),
])
def test_a_dimension_word_names_what_the_thing_measures(text, value, thing, dimension):
    subject, indicator, _, _ = one(text, value)
    assert (subject, indicator) == (thing, dimension)


def test_a_scope_word_in_a_list_of_objects_is_not_a_new_subject():
    text = "这三年，浙江共获评全国文明村镇15个，全国卫生乡镇28个。"
    got = figures(text)
    assert [(f[1], f[2]) for f in got] == [("获评全国文明村镇", "15个"), ("全国卫生乡镇", "28个")]
    assert got[0][0] == got[1][0] and got[0][0].startswith("浙江")


def test_a_target_issued_by_a_national_body_is_the_countrys():
    text = ("苏州一家储能企业正在扩建工厂。\n"
            "近日，国家能源局《指导意见》发布，提出到2027年新型储能装机规模达到1.8亿千瓦以上。")
    assert one(text, "1.8亿千瓦")[0] == "中国"


def test_a_target_issued_by_a_provincial_body_is_not_the_countrys():
    text = ("苏州一家储能企业正在扩建工厂。\n"
            "近日，浙江省能源局《实施方案》发布，提出到2027年新型储能装机规模达到600万千瓦以上。")
    assert one(text, "600万千瓦")[0] != "中国"


# --- 度: kWh after electricity words or before 电, never an angle or a temperature ------------------


def test_du_after_electricity_words_or_before_dian_is_electricity():
    got = figures("去年全省风电发电量达到120亿度。每台风机一天能发出3000度电。")
    assert [f[2] for f in got] == ["120亿度", "3000度电"]


@pytest.mark.parametrize("text", ["今天下午最高气温达到30度。", "实验装置实现了五千万度高温运行。"])
def test_du_without_electricity_is_not_a_figure(text):
    assert figures(text) == []


# --- periods: 截至年底/月底 over a flow is the span from January, over a stock the day -------------


def test_year_end_total_of_a_flow_is_the_whole_year_of_a_stock_the_day():
    got = figures("截至2023年底，全省光伏装机达到500万千瓦，年发电量60亿千瓦时。", date="2024-01-20")
    assert [(f[2], f[3]) for f in got] == [("500万千瓦", "as_of:2023-12"), ("60亿千瓦时", "2023")]


def test_month_end_total_of_a_flow_runs_from_january():
    got = one("截至5月底，全省新能源汽车销售额达到80亿元。", "80亿元", date="2023-06-10")
    assert got[3] == "2023-01/2023-05"


def test_a_subject_mention_keeps_its_written_form():
    arts = articles_from_text("今年以来，东盟对华出口额达到3.5万亿元。", layout="single", date="2024-11-20")
    facts = extract_corpus(arts)
    m = facts.metrics[0]
    entity = next(e for e in facts.entities if e.id == m.subject)
    assert m.subject_name == entity.name != "东盟"
    assert m.subject_text == "东盟"


def test_the_written_forms_become_aliases_of_a_named_country_entity():
    text = "中国经济持续恢复。今年前10个月，全国快递业务量达到1100亿件。"
    facts = extract_corpus(articles_from_text(text, layout="single", date="2024-11-20"))
    country = next(e for e in facts.entities if e.id == "中国")
    assert "全国" in country.aliases
    assert {(x.text, text[x.start:x.end]) for x in country.mentions} >= {("全国", "全国"), ("中国", "中国")}
