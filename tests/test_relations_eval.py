"""The DuIE relation scorer (extract.relations_eval) on records written for the tests."""
import gzip
import json

import pytest

from corpus.errors import CorpusError
from extract.relations_eval import evaluate_duie, gold_facts, read_duie, role_holds, score_record, split_of


def _record(sid, text, *spo):
    return {"id": sid, "text": text, "spo_list": [
        {"predicate": p, "subject": s, "object": {"@value": o}, "subject_type": "", "object_type": {"@value": ""}} for p, s, o in spo
    ]}


def test_split_is_a_fixed_fifth():
    ids = [f"duie{i:05d}" for i in range(2000)]
    blind = [i for i in ids if split_of(i) == "blind"]
    assert 0.15 < len(blind) / len(ids) < 0.25
    assert blind == [i for i in ids if split_of(i) == "blind"]


def test_gold_facts_follow_the_table_direction():
    rec = _record("x", "某某", ("董事长", "甲公司", "张三"), ("创始人", "甲公司", "李四"), ("主演", "某剧", "王五"))
    facts = {(g.relation, g.head, g.tail, g.role.split("|")[0]) for g in gold_facts(rec)}
    assert facts == {("works_for", "张三", "甲公司", "董事长"), ("founded_by", "甲公司", "李四", "")}


def test_role_must_hold_the_gold_word():
    assert role_holds("董事长兼总经理", "董事长")
    assert not role_holds("副董事长", "董事长")
    assert not role_holds(None, "校长")


def test_a_post_written_the_usual_way_is_found_with_its_role():
    from corpus.model import Article
    from extract.pipeline import extract_article

    text = "华东理工大学校长王小明出席会议。"
    rec = _record("t", text, ("校长", "华东理工大学", "王小明"), ("校长", "华东理工大学", "赵六"))
    scored, preds = score_record(rec, extract_article(Article(id="t", text=text)))
    assert [(g.tail, found, role) for g, found, role in scored] == [("华东理工大学", True, True), ("华东理工大学", False, False)]
    assert any(p["relation"] == "works_for" and p["head"] == "王小明" for p in preds)


def test_bad_line_names_file_and_line(tmp_path):
    path = tmp_path / "d.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(json.dumps(_record("a", "文本")) + "\n{not json\n")
    with pytest.raises(CorpusError) as e:
        list(read_duie(path))
    assert "line 2" in str(e.value) or ":2" in str(e.value)


def test_absent_file_is_skipped(tmp_path):
    assert evaluate_duie(tmp_path / "none.jsonl.gz") is None


def test_extra_gold_counts_alternatives_and_a_headquarters_as_a_location(tmp_path):
    from corpus.model import Article
    from extract.pipeline import extract_article
    from extract.relations_eval import read_extra_gold

    gold = tmp_path / "g.tsv"
    gold.write_text("# id\trelation\thead\ttail\nx\tlocated_in\t星辰科技有限公司\t东莞市|广东省\nx\talias\t国际劳工组织\tILO\n", encoding="utf-8")
    text = "星辰科技有限公司总部位于东莞市。国际劳工组织（ILO）发布报告。"
    extra = read_extra_gold(gold)["x"]
    scored, _ = score_record(_record("x", text), extract_article(Article(id="x", text=text)), extra)
    assert [(g.relation, found) for g, found, _ in scored] == [("located_in", True), ("alias", True)]


def test_extra_gold_bad_row_names_file_and_line(tmp_path):
    from extract.relations_eval import read_extra_gold

    gold = tmp_path / "g.tsv"
    gold.write_text("x\tlocated_in\t甲\n", encoding="utf-8")
    with pytest.raises(CorpusError) as e:
        read_extra_gold(gold)
    assert "g.tsv" in str(e.value) and "1" in str(e.value)


def test_news_gold_files_parse_and_split_both_ways():
    from extract.relations_eval import read_news_aliases_gold, read_news_posts_gold

    posts, aliases = read_news_posts_gold(), read_news_aliases_gold()
    assert len(posts) >= 40 and len(aliases) >= 60
    assert {split_of(g[0]) for g in posts} == {"dev", "blind"} == {split_of(g[0]) for g in aliases}
