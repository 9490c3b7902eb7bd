"""Property-based fuzzing of the corpus readers (issue 15): random bytes, mixed encodings, BOMs,
line endings, NULs and over-long lines never raise; every rejection is a coded CorpusError
naming its file; good JSONL records survive any bad lines between them.

`make test` runs a few hundred cases per property; the long run sets NEWSKG_FUZZ_EXAMPLES
(e.g. 10000) and its figures go to docs/reliability.md.
"""
from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import corpus.read
from corpus import read_corpus
from corpus.errors import CorpusError
from corpus.read import decode_line, numbered_lines

EXAMPLES = int(os.environ.get("NEWSKG_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize="NEWSKG_FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
CODE = re.compile(r" \[E1\d\d\]$")

chinese = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=40)
any_text = st.text(max_size=60)
record = st.fixed_dictionaries({"text": chinese}, optional={"title": chinese, "date": st.sampled_from(
    ["20230105", "2023-02", "yesterday", "2023年5月1日", ""]), "id": st.text(max_size=12)})
pieces = st.one_of(
    st.binary(max_size=80),
    chinese.map(lambda s: s.encode("utf-8")),
    chinese.map(lambda s: s.encode("gb18030")),
    any_text.map(lambda s: s.encode("utf-8", "surrogatepass")),
    chinese.map(lambda s: s.encode("utf-16-le")),
    record.map(lambda r: json.dumps(r, ensure_ascii=False).encode()),
    st.sampled_from([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"\n", b"\r\n", b"\r",
                     b"\x00", b"{", b'"text"', b"\xff\xfe\x00"]),
    st.integers(1, 3000).map(lambda n: b"x" * n),
)
files = st.lists(pieces, max_size=30).map(b"".join)
suffixes = st.sampled_from([".jsonl", ".txt", ".jsonl.gz", ".ndjson"])


def read_bytes(data: bytes, suffix: str) -> tuple[list, list[CorpusError], str]:
    """Articles and errors of ``data`` written as one file with ``suffix``."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"fuzz{suffix}"
        path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
        errors: list[CorpusError] = []
        arts = list(read_corpus([str(path)], on_error=errors.append))
        return arts, errors, str(path)


def check_articles(arts) -> None:
    for a in arts:
        assert a.text.strip() and a.id
        for s in a.sentences:
            assert a.text[s.start:s.end] == s.text  # offsets always slice the source text


@FUZZ
@given(data=files, suffix=suffixes)
def test_any_bytes_give_articles_or_coded_errors(data, suffix, monkeypatch):
    monkeypatch.setattr(corpus.read, "MAX_LINE", 2048)  # over-long lines without huge examples
    arts, errors, path = read_bytes(data, suffix)
    check_articles(arts)
    for e in errors:
        assert isinstance(e, CorpusError) and CODE.search(str(e)) and str(e).startswith(path)
    assert arts or errors  # nothing read is never silent


bad_line = st.binary(min_size=1, max_size=60).map(lambda b: b.replace(b"\n", b"") + b"\x00")


@FUZZ
@given(good=st.lists(record, min_size=1, max_size=8), bad=st.lists(bad_line, max_size=8),
       crlf=st.booleans(), bom=st.booleans(), seed=st.randoms(use_true_random=False))
def test_good_records_survive_bad_lines_between_them(good, bad, crlf, bom, seed):
    lines = [json.dumps(dict(r, id=f"r{i}"), ensure_ascii=False).encode() for i, r in enumerate(good)]
    rest = lines[1:] + bad
    seed.shuffle(rest)
    rows = [lines[0]] + rest  # a first good line: the file is text, not a binary file
    end = b"\r\n" if crlf else b"\n"
    data = (codecs.BOM_UTF8 if bom else b"") + end.join(rows) + end
    arts, errors, path = read_bytes(data, ".jsonl")
    bad_numbers = [i + 1 for i, row in enumerate(rows) if row in bad]
    assert sorted({a.line for a in arts}) == [i + 1 for i, row in enumerate(rows) if row in lines
                                              and not _dropped(good[lines.index(row)])]
    assert [e.line for e in errors if e.code == "E102"] == bad_numbers  # each bad line once, by number


def _dropped(r: dict) -> bool:
    """A generated record the reader rightly refuses (an unreadable date)."""
    return r.get("date") == "yesterday"


@FUZZ
@given(data=files)
def test_stdin_lines_are_decoded_one_by_one(data):
    lines = list(numbered_lines(io.BytesIO(data)))
    assert [no for no, _ in lines] == list(range(1, len(lines) + 1))
    for no, raw in lines:
        try:
            text = decode_line(raw, "<stdin>", no)
        except CorpusError as e:
            assert CODE.search(str(e)) and str(e).startswith(f"<stdin>:{no}: ")
        else:
            assert isinstance(text, str) and "\x00" not in text


@FUZZ
@given(text=st.lists(any_text, max_size=10))
def test_clean_utf8_lines_round_trip(text):
    clean = ["".join(c for c in t if c.isprintable() and c not in "\r\n\x85\u2028\u2029") for t in text]
    data = "".join(t + "\n" for t in clean).encode("utf-8", "surrogatepass")
    lines = [decode_line(raw, "<stdin>", no) for no, raw in numbered_lines(io.BytesIO(data))]
    assert lines == [t + "\n" for t in clean]
