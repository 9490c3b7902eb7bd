"""Reading inputs: formats, encodings, sidecar metadata, ids, and every kind of bad input."""
import gzip
import hashlib
import json
import warnings
from pathlib import Path

import pytest

from corpus import ArticleNotFound, articles_from_text, bundled_corpus_path, find_article, read_corpus
from corpus.errors import BinaryFileError, CorpusError, DecodeError, EmptyFileError, RecordError
from corpus.read import decode_bytes

# fmt: off
ARTICLE = "新华社北京1月5日电 今年以来，全国铁路旅客发送量持续增长。铁路部门加开旅客列车。"
RECORDS = [
    {"id": "a-1", "title": "铁路客流增长", "date": "20230105", "text": ARTICLE, "url": "https://e.org/1", "source": "新华社"},
    {"title": "无编号", "date": "2023-02-01", "text": "第一段。\n第二段。"},
    {"id": "a/3 x", "text": "只有正文。", "date": "2023"},
]
DATES = [("20230105", "2023-01-05"), ("2023-02-01", "2023-02-01"), ("2023-2-1", "2023-02-01"),
         ("2023-02-01T08:30:00+08:00", "2023-02-01"), ("2023-02", "2023-02"), ("2023", "2023"),
         ("2023年2月1日", "2023-02-01"), (20230105, "2023-01-05")]
BAD_LINES = [  # (line, what the error must say)
    ("{not json", "invalid JSON"),
    ('["a list"]', "expected a JSON object"),
    ('{"title": "no text"}', 'missing or empty "text"'),
    ('{"text": "   "}', 'missing or empty "text"'),
    ('{"text": 42}', 'field "text" has the wrong type'),
    ('{"text": "\\ufeff\\u200b"}', "no text left"),
    ('{"text": "正文。", "date": "yesterday"}', "not a date"),
    ('{"text": "正文。", "date": "20231345"}', "month must be in 1..12"),
]
# fmt: on


def write_jsonl(path: Path, rows, gz=False) -> Path:
    lines = "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows)
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as f:
            f.write(lines)
    else:
        path.write_text(lines, encoding="utf-8")
    return path


def collect(paths, **kw):
    errors = []
    arts = list(read_corpus([str(p) for p in paths], on_error=errors.append, **kw))
    return arts, errors


@pytest.mark.parametrize("gz", [False, True])
def test_jsonl_fields(tmp_path, gz):
    path = write_jsonl(tmp_path / ("news.jsonl.gz" if gz else "news.jsonl"), RECORDS, gz=gz)
    arts, errors = collect([path])
    assert errors == []
    assert [(a.id, a.title, a.date, a.line) for a in arts] == [
        ("a-1", "铁路客流增长", "2023-01-05", 1), ("news_02", "无编号", "2023-02-01", 2),
        ("a_3_x", None, "2023", 3)]
    first = arts[0]
    assert first.url == "https://e.org/1" and first.meta["publisher"] == "新华社"
    # in feed text a space between Chinese words is a real separator and stays
    assert first.source == str(path) and first.text == ARTICLE
    assert [s.text for s in first.sentences][-1] == "铁路部门加开旅客列车。"
    assert first.checksum == hashlib.sha256(first.text.encode()).hexdigest()


@pytest.mark.parametrize("raw,expected", DATES)
def test_dates_are_normalised(tmp_path, raw, expected):
    path = write_jsonl(tmp_path / "d.jsonl", [{"text": "正文。", "date": raw}])
    assert next(read_corpus([str(path)])).date == expected


@pytest.mark.parametrize("line,message", BAD_LINES)
def test_bad_record_is_skipped_and_reported(tmp_path, line, message):
    path = write_jsonl(tmp_path / "bad.jsonl", [{"text": "第一条。"}, line, {"text": "第三条。"}])
    arts, errors = collect([path])
    assert [a.text for a in arts] == ["第一条。", "第三条。"]
    assert len(errors) == 1 and isinstance(errors[0], RecordError)
    assert str(errors[0]).startswith(f"{path}:2: ") and message in str(errors[0])


def test_strict_stops_at_the_first_bad_record(tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", [{"text": "第一条。"}, "{oops", {"text": "第三条。"}])
    seen = []
    with pytest.raises(RecordError, match=r"bad\.jsonl:2: invalid JSON"):
        for a in read_corpus([str(path)], strict=True):
            seen.append(a.text)
    assert seen == ["第一条。"]


def test_default_collects_and_warns_once(tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", ["{oops", {"text": "好的。"}, "[1]"])
    with pytest.warns(UserWarning, match=r"skipped 2 bad input\(s\); first: .*bad\.jsonl:1"):
        arts = list(read_corpus([str(path)]))
    assert len(arts) == 1


def test_txt_with_sidecar_metadata(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("标题一\n第一篇正文。\n\n\n标题二\n第二篇正文。\n", encoding="utf-8")
    (tmp_path / "page.txt.meta.json").write_text(
        json.dumps({"date": "20230301", "source": "某日报", "url": "https://e.org/p"}), encoding="utf-8")
    arts, errors = collect([path])
    assert errors == []
    assert [(a.id, a.title, a.date, a.url, a.meta["publisher"]) for a in arts] == [
        ("page_01", "标题一", "2023-03-01", "https://e.org/p", "某日报"),
        ("page_02", "标题二", "2023-03-01", "https://e.org/p", "某日报")]


def test_bundled_sample_has_its_sidecar_date():
    assert bundled_corpus_path().is_file()
    arts = list(read_corpus())
    assert {a.date for a in arts} == {"2023"}
    assert {a.meta["publisher"] for a in arts} == {"人民日报"}
    assert {a.source for a in arts} == {f"corpus/data/{bundled_corpus_path().name}"}


def test_bad_sidecar_is_reported(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("正文。\n", encoding="utf-8")
    (tmp_path / "page.txt.meta.json").write_text("{broken", encoding="utf-8")
    arts, errors = collect([path])
    assert arts == [] and "page.txt.meta.json" in str(errors[0]) and "invalid sidecar" in str(errors[0])


# fmt: off
ENCODINGS = [  # (bytes, encoding reported)
    ("中国数字贸易发展势头迅猛。".encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + "中国数字贸易发展势头迅猛。".encode("utf-8"), "utf-8-sig"),
    ("中国数字贸易发展势头迅猛。".encode("gb18030"), "gb18030"),
    ("中国数字贸易发展势头迅猛。".encode("gbk"), "gb18030"),
    ("中国数字贸易发展势头迅猛。".encode("utf-16"), "utf-16"),
]
UNDECODABLE = [
    "中國數位貿易發展勢頭迅猛，這得益於中國在數位貿易領域的優勢。".encode("big5"),
    "Café crème à la française, déjà vu".encode("latin-1"),
]
BINARY = [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(256)) * 4, b"%PDF-1.7\n\x00\x01\x02\x03"]
# fmt: on


@pytest.mark.parametrize("data,encoding", ENCODINGS)
def test_encodings(tmp_path, data, encoding):
    assert decode_bytes(data) == ("中国数字贸易发展势头迅猛。", encoding)
    path = tmp_path / "e.txt"
    path.write_bytes(data)
    (art,) = read_corpus([str(path)])
    assert art.text == "中国数字贸易发展势头迅猛。"


def test_gb18030_jsonl(tmp_path):
    path = tmp_path / "gb.jsonl"
    path.write_bytes(json.dumps({"text": "国内生产总值增长。"}, ensure_ascii=False).encode("gb18030") + b"\n")
    assert [a.text for a in read_corpus([str(path)])] == ["国内生产总值增长。"]


@pytest.mark.parametrize("data", UNDECODABLE)
def test_undecodable_file_is_refused_by_name_with_a_hint(tmp_path, data):
    path = tmp_path / "odd.txt"
    path.write_bytes(data)
    with pytest.raises(DecodeError) as e:
        list(read_corpus([str(path)], strict=True))
    assert str(path) in str(e.value) and "UTF-8" in str(e.value) and "iconv" in str(e.value)


@pytest.mark.parametrize("data", BINARY)
def test_binary_file_is_refused_by_name(tmp_path, data):
    path = tmp_path / "image.txt"
    path.write_bytes(data)
    with pytest.raises(BinaryFileError, match="image.txt: binary file"):
        list(read_corpus([str(path)], strict=True))


def test_empty_file_is_skipped_with_a_clear_error(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text(" \n\n", encoding="utf-8")
    arts, errors = collect([path])
    assert arts == [] and isinstance(errors[0], EmptyFileError) and "empty.txt: empty file" in str(errors[0])
    with pytest.raises(EmptyFileError):
        list(read_corpus([str(path)], strict=True))


def test_corrupt_gzip(tmp_path):
    path = tmp_path / "broken.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "a"}\n' * 100)[:30])
    arts, errors = collect([path])
    assert isinstance(errors[0], BinaryFileError) and "gzip" in str(errors[0])


def test_bad_files_in_a_directory_do_not_stop_the_others(tmp_path):
    (tmp_path / "a_good.txt").write_text("第一篇正文。\n", encoding="utf-8")
    (tmp_path / "b_binary.txt").write_bytes(BINARY[0])
    (tmp_path / "c_big5.txt").write_bytes(UNDECODABLE[0])
    (tmp_path / "d_empty.txt").write_text("", encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    write_jsonl(sub / "e.jsonl", [{"text": "第二篇。"}, "{bad", {"text": "第三篇。"}])
    (tmp_path / "notes.md").write_text("# ignored", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("隐藏文件。", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"ignored 1 file\(s\).*notes\.md"):
        arts, errors = collect([tmp_path])
    assert [a.text for a in arts] == ["第一篇正文。", "第二篇。", "第三篇。"]
    assert [type(e) for e in errors] == [BinaryFileError, DecodeError, EmptyFileError, RecordError]


def test_reading_is_lazy(tmp_path):
    (tmp_path / "a.txt").write_text("第一篇正文。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(BINARY[0])
    stream = read_corpus([str(tmp_path)], strict=True)
    assert next(stream).text == "第一篇正文。"  # the bad second file is not touched yet
    with pytest.raises(BinaryFileError):
        next(stream)


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(CorpusError, match="no such file or directory"):
        list(read_corpus([str(tmp_path / "nope.txt")]))


def test_ids_are_stable_and_unique(tmp_path):
    for d in ("x", "y"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "same.txt").write_text("同名文件的正文。\n", encoding="utf-8")
    first = [(a.id, a.checksum) for a in read_corpus([str(tmp_path)])]
    second = [(a.id, a.checksum) for a in read_corpus([str(tmp_path)])]
    assert first == second and [i for i, _ in first] == ["same_01", "same_01_2"]
    assert [a.id for a in read_corpus()] == [a.id for a in read_corpus()]


def test_ids_do_not_depend_on_the_directory(tmp_path):
    text = bundled_corpus_path().read_text(encoding="utf-8")
    (tmp_path / bundled_corpus_path().name).write_text(text, encoding="utf-8")
    moved = [(a.id, a.checksum) for a in read_corpus([str(tmp_path)])]
    assert moved == [(a.id, a.checksum) for a in read_corpus()]


def test_find_article():
    art = find_article("renmin_ribao_2023_digital_trade_industrial_internet_02")
    assert art.kind == "brief"
    with pytest.raises(ArticleNotFound, match="no article with id 'nope'"):
        find_article("nope")


def test_articles_from_text_defaults():
    arts = articles_from_text("第一段。\n第二段。")
    assert [(a.id, a.source, a.text, a.kind) for a in arts] == [("text_01", "<text>", "第一段。\n第二段。", "article")]
    assert arts[0].checksum and len(arts[0].sentences) == 2


def test_to_dict_round_trip():
    from corpus.model import Article

    for art in read_corpus():
        assert Article.from_dict(json.loads(json.dumps(art.to_dict(), ensure_ascii=False))) == art


def test_no_warning_when_all_is_well():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(list(read_corpus())) == 6


def test_articles_from_text_normalises_the_date():
    assert articles_from_text("正文。", date="20230105")[0].date == "2023-01-05"
    with pytest.raises(ValueError, match="not a date"):
        articles_from_text("正文。", date="soon")
