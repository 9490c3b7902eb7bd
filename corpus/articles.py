"""Turn text and JSONL records into finished :class:`Article` objects (ids, sentences, checksum)."""
from __future__ import annotations

from corpus.broadcast import is_digest, split_digest
from corpus.dates import normalize_date
from corpus.ids import checksum, file_stem, piece_id, sanitize_id
from corpus.layout import Piece, detect_layout, split_pieces
from corpus.model import Article
from corpus.repair import clean_spaces, join_lines, source_lines
from corpus.sentences import split_sentences


def finish(article: Article) -> Article:
    """Fill ``sentences`` and ``checksum`` from ``text`` (call after the text is final)."""
    article.sentences = split_sentences(article.text)
    article.checksum = checksum(article.text)
    return article


def _from_piece(piece: Piece, art_id: str, source: str, date: str | None) -> Article:
    text, subheads = piece.text_and_subheads()
    meta = dict(piece.meta)
    meta["lines"] = piece.line_ranges()
    meta.update(piece.page_meta)
    date = date or piece.page_meta.get("page_date")
    return finish(Article(id=art_id, text=text, kind=piece.kind, title=piece.title, date=date,
                          source=source, line=piece.first_line, meta=meta, subheads=subheads))


def articles_from_text(text: str, *, source: str = "<text>", date: str | None = None,
                       layout: str = "auto", title: str | None = None, url: str | None = None,
                       publisher: str | None = None) -> list[Article]:
    """Split ``text`` (a page or a plain text) into finished articles.

    Ids are ``<file stem of source>_NN`` in source order. ``layout`` is ``auto`` (detect),
    ``pdf`` (newspaper page), ``plain`` (see :mod:`corpus.layout`) or ``single`` (one article).
    ``date`` is normalised (``20230105`` -> ``2023-01-05``; ``ValueError`` if it is not a
    date). ``title``/``url``/``publisher`` come from sidecar metadata: a title goes to the article
    when the text holds one piece, else to ``meta["page_title"]``.

    >>> [a.id for a in articles_from_text("标题\\n正文第一段。\\n\\n\\n另一篇\\n正文。", source="x.txt")]
    ['x_01', 'x_02']
    """
    if date is not None:
        date = normalize_date(date)
    pieces = split_pieces(text, layout)
    stem = file_stem(source)
    out = []
    for i, piece in enumerate(pieces, 1):
        art = _from_piece(piece, piece_id(stem, i), source, date)
        if title:
            if len(pieces) == 1 and not art.title:
                art.title = title
            else:
                art.meta["page_title"] = title
        if publisher:
            art.meta["publisher"] = publisher
        art.url = url
        out.append(art)
    return out


def record_paragraphs(text: str) -> str:
    """Paragraph text of a JSONL record: one paragraph a line, PDF line breaks repaired."""
    if detect_layout(text) == "pdf":
        lines = [(no, clean_spaces(s)) for no, s in enumerate(source_lines(text), 1)]
        return "\n".join(p.text for p in join_lines(lines))
    cleaned = (clean_spaces(s, keep_word_spaces=True) for s in source_lines(text))
    return "\n".join(s for s in cleaned if s)


def articles_from_record(rec: dict, *, source: str, line: int) -> list[Article]:
    """Articles of one validated JSONL record: one, or one per item of a digest story.

    >>> rec = {"text": "第一段。\\n第二段。", "title": "标题", "date": "2023-01-01", "id": "a/1"}
    >>> [(a.id, a.kind, a.text) for a in articles_from_record(rec, source="f.jsonl", line=4)]
    [('a_1', 'article', '第一段。\\n第二段。')]
    """
    base = sanitize_id(rec["id"]) if rec.get("id") not in (None, "") else piece_id(
        file_stem(source), line)
    common = dict(date=rec.get("date"), source=source, line=line, url=rec.get("url"))
    meta = {"publisher": rec["source"]} if rec.get("source") else {}
    digest = split_digest(rec["text"]) if is_digest(rec.get("title")) else None
    if digest is None:
        return [finish(Article(id=base, text=record_paragraphs(rec["text"]), kind="article",
                               title=rec.get("title"), meta=meta, **common))]
    items, extra = digest
    out = []
    for i, item in enumerate(items, 1):
        item_meta = dict(meta, digest=rec.get("title") or "", **extra)
        out.append(finish(Article(id=piece_id(base, i), text="\n".join(item.paragraphs),
                                  kind="item", title=item.headline, meta=item_meta, **common)))
    return out
