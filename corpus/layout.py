"""Split a page of text into pieces (article, brief, caption) with subheads, bylines, credits.

Two flavours (see docs/corpus.md):

* ``pdf``: a newspaper page extracted from PDF (People's Daily style). A line that starts with
  a space opens a new text block; subheads are short unpunctuated lines between blank lines; a
  paragraph opening with a dateline (本报北京电（记者…）) starts a brief; a paragraph or line
  ending with a photo credit (…摄（人民图片）, 新华社记者 X摄) is a caption. An article's lede that
  the extraction put apart from its body is joined to it when the topic clearly matches.
* ``plain``: ordinary text. Articles are separated by a separator line (``---``, ``===``,
  ``***``) or by two or more blank lines; each non-empty line is a paragraph; a first line that
  is short and unpunctuated is the title; later such lines are subheads.
"""
from __future__ import annotations

import functools
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from corpus.lexicons import load_lexicon
from corpus.model import Subhead
from corpus.repair import (Paragraph, clean_spaces, ends_sentence, is_wide, join_lines,
                           quotes_open, source_lines)

LAYOUTS = ("auto", "pdf", "plain", "single")

_SUBHEAD_FORBIDDEN = set("，。；：,;:")
_SEPARATOR = re.compile(r"^\s*(?:[-=*_~#·]{3,}|\f)\s*$")
_INDENT = re.compile(r"^[ \t\u3000\u00a0]+\S")


def _alternation(names: tuple[str, ...]) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


def _credit_re() -> re.Pattern:
    agencies = _alternation(load_lexicon("photo_agencies"))
    name = r"[\u4e00-\u9fff·]{1,4}[\u4e00-\u9fff](?<!拍)"  # 2-5 chars, not the verb 拍摄
    return re.compile(
        rf"(?:^|(?<=[。！？!?”…）)]))"
        rf"(?P<credit>(?:(?P<agency>{agencies})(?:特约)?(?:摄影记者|记者|通讯员)?)?"
        rf"(?P<name>{name}(?:[、和]{name})*)摄(?:影)?"
        rf"(?:[（(](?P<agency2>[^（）()]{{2,12}})[）)])?)$"
    )


def _byline_re() -> re.Pattern:
    agencies = _alternation(load_lexicon("news_agencies"))
    return re.compile(
        rf"^(?P<byline>(?P<agency>{agencies})"
        r"(?:(?P<place>[\u4e00-\u9fff]{2,8}?)(?P<date>\d{1,2}月\d{1,2}日)?电|讯)"
        r"(?:[（(](?P<who>[^（）()]{1,40})[）)])?)"
    )


_CREDIT = _credit_re()
_BYLINE = _byline_re()
_ROLE = re.compile(r"^(?:本报|特约)?(?:记者|通讯员|实习生)")


def find_credit(text: str) -> dict[str, str] | None:
    """Photo credit at the end of ``text`` as meta (photo_credit, credit_agency, credit).

    >>> find_credit("湖光山色。张 伟摄（人民图片）".replace(" ", ""))["photo_credit"]
    '张伟'
    >>> find_credit("装卸货物。新华社记者李明摄")["credit_agency"]
    '新华社'
    """
    m = _CREDIT.search(text)
    if not m:
        return None
    meta = {"photo_credit": m.group("name"), "credit": m.group("credit")}
    agency = m.group("agency2") or m.group("agency")
    if agency:
        meta["credit_agency"] = agency
    return meta


def find_byline(text: str) -> dict[str, str] | None:
    """Dateline byline at the start of ``text`` as meta (byline, byline_place, reporter).

    >>> m = find_byline("本报北京电（记者张三、李四）北京市今天")
    >>> m["byline_place"], m["reporter"]
    ('北京', '张三、李四')
    """
    m = _BYLINE.match(text)
    if not m:
        return None
    meta = {"byline": m.group("byline"), "byline_agency": m.group("agency")}
    if m.group("place"):
        meta["byline_place"] = m.group("place")
    if m.group("date"):
        meta["byline_date"] = m.group("date")
    if m.group("who"):
        meta["reporter"] = _ROLE.sub("", m.group("who").strip())
    return meta


def is_subhead(line: str) -> bool:
    """Whether a cleaned line looks like a subhead: short, no clause punctuation, not a credit.

    >>> is_subhead("农业生产稳中向好"), is_subhead("从“跟跑”迈向“领跑”"), is_subhead("便利。")
    (True, True, False)
    """
    if not 3 <= len(line) <= 24 or ends_sentence(line) and line[-1] not in "？！?!":
        return False
    if any(c in _SUBHEAD_FORBIDDEN for c in line) or quotes_open(line):
        return False
    return find_credit(line) is None and find_byline(line) is None


@dataclass
class Piece:
    """A piece of a page before it becomes an Article: paragraphs plus what the layout found."""

    paragraphs: list[Paragraph] = field(default_factory=list)
    subheads: list[tuple[int, str]] = field(default_factory=list)  # (paragraph index, text)
    meta: dict[str, str] = field(default_factory=dict)
    kind: str = "article"
    title: str | None = None
    at_block_start: bool = False
    closed: bool = False
    lede: "Piece | None" = None
    page_meta: dict[str, str] = field(default_factory=dict)  # page furniture, header date
    title_line: int = 0  # source line of the title, when the piece has one

    @property
    def empty(self) -> bool:
        return not self.paragraphs and not self.subheads

    @property
    def first_line(self) -> int:
        """Source line where the piece starts: its title, else its first text (a joined lede's)."""
        if self.title_line:
            return self.title_line
        src = self.lede or self
        return src.paragraphs[0].line if src.paragraphs else 0

    @property
    def order(self) -> int:
        """Earliest source line of the piece: pieces are numbered in this order."""
        lines = [p.line for p in self.paragraphs]
        if self.lede:
            lines += [p.line for p in self.lede.paragraphs]
        return min(lines) if lines else 0

    def text_and_subheads(self) -> tuple[str, list[Subhead]]:
        """The piece's text (paragraphs joined by newlines) and its subheads with offsets."""
        paras = (self.lede.paragraphs if self.lede else []) + self.paragraphs
        shift = len(self.lede.paragraphs) if self.lede else 0
        starts, pos = [], 0
        for p in paras:
            starts.append(pos)
            pos += len(p.text) + 1
        text = "\n".join(p.text for p in paras)
        subs = [Subhead(starts[i + shift] if i + shift < len(starts) else len(text), t)
                for i, t in self.subheads]
        return text, subs

    def line_ranges(self) -> str:
        """Source lines of the text, e.g. ``"247-259,167-246"`` (lede first)."""
        groups = ([self.lede.paragraphs] if self.lede else []) + [self.paragraphs]
        spans = [f"{g[0].line}-{max(p.last_line or p.line for p in g)}" for g in groups if g]
        return ",".join(spans)


# ---------------------------------------------------------------------------- detection


def detect_layout(text: str) -> str:
    """``"pdf"`` when many lines break off inside a sentence (PDF column text), else ``"plain"``.

    A broken line does not end a sentence and is not title-like (it has clause punctuation
    or is long); titles and subheads of plain text are not counted.

    >>> detect_layout("第一段。\\n第二段。\\n")
    'plain'
    >>> detect_layout("这是一段被排\\n版软件折断的\\n文字，每一行\\n都不以标点\\n结束，于是\\n看来像PDF。")
    'pdf'
    """
    lines = [s.strip() for s in source_lines(text) if s.strip()]
    if len(lines) < 4:
        return "plain"
    broken = sum(1 for s in lines if not ends_sentence(s) and not _title_like(s))
    return "pdf" if broken / len(lines) >= 0.3 else "plain"


# ---------------------------------------------------------------------------- pdf layout


@functools.lru_cache(maxsize=1)
def _furniture() -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in load_lexicon("page_furniture")))


_HEADER_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def page_furniture(raw: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[str]]:
    """Split off running heads, page editors and jump lines (patterns in page_furniture.txt).

    Returns the page's other lines (furniture lines become blank, so numbering stays) and the
    furniture texts.

    >>> page_furniture([(1, "人民日报 2023年12月1日 星期五 第十八版"), (2, "正文。"), (3, "本版责编：张三")])
    ([(1, ''), (2, '正文。'), (3, '')], ['人民日报2023年12月1日星期五第十八版', '本版责编：张三'])
    """
    kept, found = [], []
    pat = _furniture()
    for no, s in raw:
        c = clean_spaces(s)
        if c and pat.fullmatch(c):
            found.append(c)
            kept.append((no, ""))
        else:
            kept.append((no, s))
    return kept, found


def _pages(text: str) -> list[list[tuple[int, str]]]:
    """Numbered raw lines of each page (pages are separated by form feeds, as pdftotext does)."""
    pages: list[list[tuple[int, str]]] = [[]]
    for no, line in enumerate(source_lines(text), 1):
        if "\f" in line:
            before, _, after = line.rpartition("\f")
            if before.strip():
                pages[-1].append((no, before.replace("\f", "")))
            pages.append([])
            line = after
        pages[-1].append((no, line))
    return [p for p in pages if any(s.strip() for _, s in p)]


def _blocks(raw: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Cut a page into text blocks at indented lines; lines become (number, cleaned text)."""
    nonblank = [s for _, s in raw if s.strip()]
    indented = [s for s in nonblank if _INDENT.match(s)]
    # when most lines are indented, indentation marks paragraphs, not new blocks
    use_indent = bool(indented) and len(indented) <= 0.4 * len(nonblank)
    blocks: list[list[tuple[int, str]]] = [[]]
    widths: list[int] = []  # display widths of the current block's lines
    last = ""
    for no, s in raw:
        line = clean_spaces(s)
        if line and any(t for _, t in blocks[-1]):
            new_block = use_indent and _INDENT.match(s)
            if not new_block and _wider_column(line, widths, last):
                new_block = True
            if new_block:
                blocks.append([])
                widths = []
        blocks[-1].append((no, line))
        if line:
            widths.append(display_width(line))
            last = line
    return [b for b in blocks if any(t for _, t in b)]


#: a line this much wider than its block's usual line, after a finished paragraph, is a new block
WIDER_COLUMN = 1.35


def display_width(text: str) -> int:
    """Width in half-width cells: Chinese and fullwidth characters count 2.

    >>> display_width("增长5G")
    6
    """
    return sum(2 if is_wide(c) else 1 for c in text)


def _wider_column(line: str, widths: list[int], last: str) -> bool:
    """Whether ``line`` starts text set in a clearly wider column (a caption or lede block
    following a body column without an indentation cue)."""
    if len(widths) < 3 or not (ends_sentence(last) or _CREDIT.search(last)):
        return False
    return display_width(line) >= WIDER_COLUMN * statistics.median(widths)


def _indented(raw: list[tuple[int, str]]) -> frozenset[int]:
    """Numbers of the lines that start with indentation (they open a paragraph or block)."""
    return frozenset(no for no, s in raw if _INDENT.match(s))


def _elements(block: list[tuple[int, str]], starts: frozenset[int] = frozenset()):
    """Yield ("para", Paragraph) / ("subhead", (no, text)) / ("credit", (no, text)) in order.

    ``starts`` are line numbers that open a paragraph (indented lines).
    """
    segment: list[tuple[int, str]] = []
    last_text = ""  # last non-blank text line seen, to know whether a paragraph just ended
    last_was_credit = False
    last_nonblank = max((i for i, (_, t) in enumerate(block) if t), default=-1)

    def finished() -> bool:
        return not last_text or last_was_credit or (
            ends_sentence(last_text) and not quotes_open(_current_para(segment, starts)))

    for i, (no, s) in enumerate(block):
        if not s:
            segment.append((no, s))
            continue
        prev_blank = i == 0 or not block[i - 1][1]
        next_blank = i + 1 < len(block) and not block[i + 1][1]
        more = i < last_nonblank
        kind = None
        if _CREDIT.match(s) and finished():
            kind = "credit"
        elif prev_blank and next_blank and more and is_subhead(s) and finished():
            kind = "subhead"
        if kind is None and _ends_caption(s, next_blank or not more):
            # a caption paragraph ends with its credit
            segment.append((no, s))
            yield from (("para", p) for p in join_lines(segment, starts))
            segment = []
            last_was_credit = True
            last_text = s
            continue
        if kind:
            yield from (("para", p) for p in join_lines(segment, starts))
            segment = []
            yield kind, (no, s)
            last_was_credit = kind == "credit"
        else:
            segment.append((no, s))
            last_was_credit = False
        last_text = s
    yield from (("para", p) for p in join_lines(segment, starts))


def _ends_caption(line: str, before_break: bool) -> bool:
    """A line ending in a photo credit: a bare "X摄" only before a blank line or block end,
    a credit naming an agency or role (新华社记者X摄, X摄（人民图片）) anywhere."""
    m = _CREDIT.search(line)
    return bool(m) and (before_break or bool(m.group("agency") or m.group("agency2")))


def _current_para(segment: list[tuple[int, str]], starts: frozenset[int]) -> str:
    paras = join_lines(segment, starts)
    return paras[-1].text if paras else ""


def _start(pieces: list[Piece], block_start: bool) -> Piece:
    piece = Piece(at_block_start=block_start)
    pieces.append(piece)
    return piece


def split_pdf_page(text: str) -> list[Piece]:
    """Split PDF-extracted text into pieces, page by page (form feeds separate pages).

    Pieces come in source order; a lede is only ever joined to a body of the same page.
    """
    return [piece for page in _pages(text) for piece in _split_page(page)]


def _split_page(raw: list[tuple[int, str]]) -> list[Piece]:
    raw, furniture = page_furniture(raw)
    pieces: list[Piece] = []
    starts = _indented(raw)
    for block in _blocks(raw):
        cur = _start(pieces, True)
        for kind, value in _elements(block, starts):
            if kind == "subhead":
                if cur.closed or cur.kind in ("brief", "caption"):
                    cur = _start(pieces, False)
                cur.subheads.append((len(cur.paragraphs), value[1]))
            elif kind == "credit":
                if cur.paragraphs and not cur.closed:
                    if len(cur.paragraphs) > 1 or cur.subheads:  # only the last paragraph is the caption
                        last = cur.paragraphs.pop()
                        cur = _start(pieces, False)
                        cur.paragraphs.append(last)
                    para = cur.paragraphs[-1]
                    para.text = para.text + value[1]
                    para.last_line = value[0]
                    cur.meta.update(find_credit(value[1]) or {})
                    cur.kind, cur.closed = "caption", True
            else:
                para: Paragraph = value
                byline = find_byline(para.text)
                credit = find_credit(para.text)
                if cur.closed or (byline and not cur.empty) or (credit and not cur.empty):
                    cur = _start(pieces, False)
                if byline:
                    cur.meta.update(byline)
                    cur.kind = "brief"
                cur.paragraphs.append(para)
                if credit:
                    cur.meta.update(credit)
                    cur.kind, cur.closed = "caption", True
    pieces = [p for p in pieces if p.paragraphs]
    for p in pieces:
        if p.kind == "brief" and (p.subheads or sum(len(q.text) for q in p.paragraphs) > 1200):
            p.kind = "article"
    pieces = _join_ledes(pieces)
    if furniture:
        dates = [m for m in map(_HEADER_DATE.search, furniture) if m]
        for p in pieces:
            p.page_meta["page_furniture"] = " | ".join(furniture)
            if dates:
                y, mo, d = dates[0].groups()
                p.page_meta["page_date"] = f"{y}-{int(mo):02d}-{int(d):02d}"
    return pieces


def _bigrams(piece: Piece) -> Counter[str]:
    """Counts of the piece's consecutive Chinese character pairs (a cheap topic signature)."""
    han = re.sub(r"[^\u4e00-\u9fff]", "", "".join(p.text for p in piece.paragraphs))
    return Counter(han[i:i + 2] for i in range(len(han) - 1))


def _weights(signatures: list[Counter[str]]) -> dict[str, float]:
    """Inverse document frequency of each bigram over the pieces of one page."""
    df: Counter[str] = Counter(g for sig in signatures for g in sig)
    n = len(signatures) + 1
    return {g: math.log(n / d) for g, d in df.items()}


def _norm(sig: Counter[str], w: dict[str, float]) -> float:
    return math.sqrt(sum((c * w[g]) ** 2 for g, c in sig.items()))


def _similarity(a: Counter[str], b: Counter[str], w: dict[str, float],
                norms: tuple[float, float] | None = None) -> float:
    """tf-idf cosine of two bigram signatures (pairs every piece shares count little)."""
    na, nb = norms or (_norm(a, w), _norm(b, w))
    if len(a) > len(b):
        a, b = b, a
    dot = sum(c * b[g] * w[g] ** 2 for g, c in a.items() if g in b)
    return dot / (na * nb) if na and nb else 0.0


#: minimum similarity to join a lede to a body, and how much better than the runner-up it must be
JOIN_MIN_SIMILARITY = 0.06
JOIN_MARGIN = 2.0


def _join_ledes(pieces: list[Piece]) -> list[Piece]:
    """Put each lede block first in the body it clearly belongs to; keep the rest apart.

    A lede is a block-opening piece with no subhead, byline or credit; a body is an article
    piece that opens with a subhead or continues a block after a brief or caption (its own
    lede is elsewhere). A pair is joined when its
    similarity (tf-idf cosine of character bigrams) reaches ``JOIN_MIN_SIMILARITY`` and is
    ``JOIN_MARGIN`` times the best rival score of either side, i.e. when each is clearly the
    other's best partner.
    """
    ledes = [p for p in pieces if p.kind == "article" and p.at_block_start and not p.subheads
             and not p.meta]
    bodies = [p for p in pieces if p.kind == "article" and not p.meta and (
        p.subheads and p.subheads[0][0] == 0 or not p.at_block_start)]
    grams = {id(p): _bigrams(p) for p in pieces}
    w = _weights(list(grams.values()))
    norms = {k: _norm(g, w) for k, g in grams.items()}
    score = {(id(a), id(b)): _similarity(grams[id(a)], grams[id(b)], w,
                                         (norms[id(a)], norms[id(b)]))
             for a in ledes for b in bodies}

    def top2(values: list[tuple[float, int]]) -> list[tuple[float, int]]:
        return sorted(values, reverse=True)[:2]

    rows = {id(a): top2([(score[(id(a), id(b))], id(b)) for b in bodies]) for a in ledes}
    cols = {id(b): top2([(score[(id(a), id(b))], id(a)) for a in ledes]) for b in bodies}

    def runner_up(best: list[tuple[float, int]], partner: int) -> float:
        return max((s for s, other in best if other != partner), default=0.0)

    candidates = []
    for a in ledes:
        for b in bodies:
            s = score[(id(a), id(b))]
            rival = max(runner_up(rows[id(a)], id(b)), runner_up(cols[id(b)], id(a)))
            if s >= JOIN_MIN_SIMILARITY and s >= JOIN_MARGIN * rival:
                candidates.append((s / rival if rival else math.inf, s, a, b))
    joined: set[int] = set()
    taken: set[int] = set()
    for _, _, a, b in sorted(candidates, key=lambda c: (c[0], c[1]), reverse=True):
        if id(a) in joined or id(b) in taken:
            continue
        b.lede = a
        joined.add(id(a))
        taken.add(id(b))
    out = [p for p in pieces if id(p) not in joined]
    return sorted(out, key=lambda p: p.order)


# ---------------------------------------------------------------------------- plain layout


def split_plain(text: str) -> list[Piece]:
    """Split plain text into articles (separator lines or 2+ blank lines between them)."""
    chunks: list[list[tuple[int, str]]] = [[]]
    blanks = 0
    for no, raw in enumerate(source_lines(text), 1):
        if _SEPARATOR.match(raw):
            chunks.append([])
            blanks = 0
            continue
        s = clean_spaces(raw, keep_word_spaces=True)
        if not s:
            blanks += 1
            continue
        if blanks >= 2 and chunks[-1]:
            chunks.append([])
        blanks = 0
        chunks[-1].append((no, s))
    pieces = []
    for chunk in (c for c in chunks if c):
        piece = Piece(at_block_start=True)
        lines = list(chunk)
        if len(lines) > 1 and _title_like(lines[0][1]):
            piece.title_line, piece.title = lines[0]
            lines = lines[1:]
        for i, (no, s) in enumerate(lines):
            if 0 < i < len(lines) - 1 and _title_like(s) and piece.paragraphs:
                piece.subheads.append((len(piece.paragraphs), s))
            else:
                piece.paragraphs.append(Paragraph(no, s, no))
        byline = find_byline(piece.paragraphs[0].text) if piece.paragraphs else None
        if byline:
            piece.meta.update(byline)
        if piece.paragraphs:
            pieces.append(piece)
    return pieces


def _title_like(line: str) -> bool:
    return 2 <= len(line) <= 40 and not ends_sentence(line) and not any(
        c in "，。；,;" for c in line)


def split_single(text: str) -> list[Piece]:
    """The whole text as one article: repaired like a PDF page, subheads found, never split."""
    raw = list(enumerate(source_lines(text), 1))
    block = [(no, clean_spaces(s)) for no, s in raw]
    piece = Piece(at_block_start=True)
    for kind, value in _elements(block, _indented(raw)):
        if kind == "subhead":
            piece.subheads.append((len(piece.paragraphs), value[1]))
        elif kind == "credit" and piece.paragraphs:
            piece.paragraphs[-1].text += value[1]
            piece.paragraphs[-1].last_line = value[0]
        elif kind == "credit":
            piece.paragraphs.append(Paragraph(value[0], value[1], value[0]))
        else:
            piece.paragraphs.append(value)
    if piece.paragraphs:
        byline = find_byline(piece.paragraphs[0].text)
        credit = find_credit(piece.paragraphs[-1].text)
        piece.meta.update(byline or {})
        piece.meta.update(credit or {})
    return [piece] if piece.paragraphs else []


def split_pieces(text: str, layout: str = "auto") -> list[Piece]:
    """Pieces of ``text`` under ``layout`` (auto | pdf | plain | single)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    if layout == "auto":
        layout = detect_layout(text)
    if layout == "pdf":
        return split_pdf_page(text)
    if layout == "plain":
        return split_plain(text)
    return split_single(text)
