"""The corpus as a lazy stream of articles: ``read_corpus`` and ``find_article``."""
from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Callable, Iterator, Sequence

from corpus.articles import articles_from_record, articles_from_text
from corpus.errors import ArticleNotFound, CorpusError, EmptyFileError, NothingReadError, RecordError
from corpus.model import Article
from corpus.read import (Source, decode_bytes, iter_records, iter_sources, numbered_lines, open_lines,
                         read_sidecar, read_source_bytes, read_text_source, stdin_format)

BUNDLED_NAME = "renmin_ribao_2023_digital_trade_industrial_internet.txt"


def bundled_corpus_path() -> Path:
    """Path of the bundled People's Daily sample page (the default corpus).

    >>> bundled_corpus_path().name
    'renmin_ribao_2023_digital_trade_industrial_internet.txt'
    """
    return Path(__file__).parent / "data" / BUNDLED_NAME


def _from_txt(src: Source, text: str, enc: str) -> Iterator:
    side = read_sidecar(src.path)
    arts = articles_from_text(text, source=src.name, date=side.get("date"),
                              title=side.get("title"), url=side.get("url"),
                              publisher=side.get("source"))
    if not arts:
        raise EmptyFileError("no text (only invisible characters)", path=src.path)
    for a in arts:
        if enc != "utf-8":
            a.meta["encoding"] = enc
    return iter(arts)


def _record_articles(rec: dict, source: str, name: str, line: int,
                     report: Callable[[CorpusError], None]) -> list[Article]:
    """Articles of one record; a record that leaves no text is a bad record, not a bad file."""
    arts = articles_from_record(rec, source=source, line=line)
    if not arts or not all(a.text for a in arts):
        report(RecordError('no text left after removing whitespace in "text"', path=name,
                           line=line))
        return []
    return arts


def _read_source(src: Source, report: Callable[[CorpusError], None]) -> Iterator:
    if src.format == "jsonl":
        for no, rec in iter_records(open_lines(src), src.name, report):
            yield from _record_articles(rec, src.name, src.name, no, report)
    elif src.format == "stdin":
        data = read_source_bytes(src)
        if stdin_format(data) == "jsonl":
            for no, rec in iter_records(numbered_lines(io.BytesIO(data)), "<stdin>", report):
                yield from _record_articles(rec, "-", "<stdin>", no, report)
        else:
            text, enc = decode_bytes(data, "<stdin>")
            if not text.strip():
                raise EmptyFileError("empty input (no text)", path="<stdin>")
            yield from articles_from_text(text, source="-")
    else:
        text, enc = read_text_source(src)
        yield from _from_txt(src, text, enc)


def read_corpus(paths: Sequence[str] | None = None, *, strict: bool = False,
                on_error: Callable[[CorpusError], None] | None = None) -> Iterator[Article]:
    """Lazily read articles from files, directories or ``-`` (stdin); None -> bundled sample.

    Bad files (binary, undecodable, empty) and bad JSONL records are skipped and passed to
    ``on_error``; without ``on_error`` they are collected and one warning sums them up at the
    end. With ``strict=True`` the first one is raised instead. A path that does not exist
    always raises :class:`CorpusError`. Ids are made unique within one read (``_2`` ...).

    >>> arts = list(read_corpus())
    >>> [a.kind for a in arts]
    ['article', 'brief', 'caption', 'caption', 'caption', 'article']
    """
    if isinstance(paths, (str, Path)):
        paths = [str(paths)]
    if not paths:
        bundled = bundled_corpus_path()
        sources = iter([Source(str(bundled), "txt", label=f"corpus/data/{bundled.name}")])
    else:
        sources = iter_sources([str(p) for p in paths])
    errors: list[CorpusError] = []

    def report(err: CorpusError) -> None:
        if strict:
            raise err
        if on_error is not None:
            on_error(err)
        else:
            errors.append(err)

    seen: dict[str, int] = {}
    for src in sources:
        try:
            for art in _read_source(src, report):
                n = seen.get(art.id, 0) + 1
                seen[art.id] = n
                if n > 1:
                    art.id = f"{art.id}_{n}"
                yield art
        except CorpusError as e:
            report(e)
    if errors:
        warnings.warn(f"skipped {len(errors)} bad input(s); first: {errors[0]}", stacklevel=2)


def find_article(article_id: str, paths: Sequence[str] | None = None, *,
                 on_error: Callable[[CorpusError], None] | None = None) -> Article:
    """The article with ``article_id`` in the corpus at ``paths`` (None -> bundled sample).

    Bad inputs on the way are passed to ``on_error`` (default: ignored, but counted in the
    error raised when the id is not found, which then says what could not be read).

    :raises NothingReadError: not one article could be read (every input was skipped).
    :raises ArticleNotFound: no such id (the message says how to list the ids).
    """
    skipped: list[CorpusError] = []

    def report(err: CorpusError) -> None:
        skipped.append(err)
        if on_error is not None:
            on_error(err)

    read = 0
    for art in read_corpus(paths, on_error=report):
        read += 1
        if art.id == article_id:
            return art
    where = ", ".join(paths) if paths else "the bundled corpus"
    unread = (f"; {len(skipped)} input(s) could not be read, first: {skipped[0]}"
              if skipped and on_error is None else "")
    if read == 0:
        raise NothingReadError(f"nothing usable was read: no articles in {where}{unread}")
    raise ArticleNotFound(f"no article with id {article_id!r} in {where}{unread}; "
                          "`newskg corpus list` shows the ids")
