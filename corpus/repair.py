"""Repair PDF-extracted Chinese text: drop spurious spaces, join broken lines, keep paragraphs.

PDF extraction breaks lines at the column edge (mid-word, mid-number), inserts blank lines that
are not paragraph breaks and spaces between characters ("30 余 家 企 业", "2018 年"). These
functions undo that using only typographic cues, never knowledge of a particular text.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

#: Characters after which a sentence (and so possibly a paragraph) is finished.
SENTENCE_END = "。！？!?…；;"
#: Closing quotes/brackets that may follow the sentence-final mark.
CLOSERS = "”’」』）)】》〉\"'"
_OPEN_QUOTES = "“‘「『"
_CLOSE_QUOTES = "”’」』"

_CLAUSE_PUNCT = set("，。；：、！？,.;:!?%‰")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_SPACES = re.compile(r"[ \t\u3000\u00a0\u2002\u2003\u2009\u200b]+")


def source_lines(text: str) -> list[str]:
    """Lines as editors number them: split at \\n, \\r\\n or \\r only (not at \\f etc.).

    >>> source_lines("一\\r\\n二\\f三\\n")
    ['一', '二\\x0c三', '']
    """
    return _NEWLINE.split(text)


def is_wide(ch: str) -> bool:
    """True for CJK ideographs, CJK/fullwidth punctuation and typographic quotes/dashes.

    >>> is_wide("中"), is_wide("，"), is_wide("“"), is_wide("A"), is_wide("3")
    (True, True, True, False, False)
    """
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF  # CJK unified ideographs
        or 0x3400 <= o <= 0x4DBF  # extension A
        or 0x3000 <= o <= 0x303F  # CJK symbols and punctuation
        or 0xFF00 <= o <= 0xFFEF  # fullwidth forms
        or 0x2010 <= o <= 0x2027  # dashes, curly quotes, ellipsis
        or 0x20000 <= o <= 0x2FFFF  # extensions B-F
        or 0xF900 <= o <= 0xFAFF  # compatibility ideographs
    )


def keeps_space(left: str, right: str) -> bool:
    """Whether a space between ``left`` and ``right`` is a real one (between Latin words).

    >>> keeps_space("New", "York"), keeps_space("年", "2"), keeps_space("3", "%")
    (True, False, False)
    """
    a, b = left[-1], right[0]
    if is_wide(a) or is_wide(b):
        return False
    if a.isdigit() and b in ".%‰℃:/-" or a in ".:/-+" and b.isdigit():
        return False
    return True


def is_han(ch: str) -> bool:
    """True for a Chinese character (CJK unified ideographs and extensions).

    >>> is_han("中"), is_han("，")
    (True, False)
    """
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FFFF


def spaced_out(line: str) -> bool:
    """Whether a line has PDF letter-spacing: most space-separated Chinese tokens are single chars.

    >>> spaced_out("的 重 要 力 量 。 数 据 显 示"), spaced_out("张三丰 李四 王五 赵六")
    (True, False)
    """
    tokens = [t for t in line.split(" ") if t and is_han(t[0])]
    singles = sum(1 for t in tokens if len(t) == 1)
    return singles >= 4 and singles >= 0.5 * len(tokens)


def clean_spaces(line: str, *, keep_word_spaces: bool = False) -> str:
    """Strip a line and drop the spaces PDF extraction puts inside Chinese text and numbers.

    Spaces between two Latin words (or Latin and digits) are kept, collapsed to one.
    With ``keep_word_spaces`` (plain text, feeds) a space between two Chinese characters or
    between Latin and Chinese is a real separator (name lists, title parts) and is kept as one
    space, unless the line is letter-spaced (:func:`spaced_out`); spaces next to clause
    punctuation or between a number and Chinese are still dropped.

    >>> clean_spaces(" 目前 该 公 司 已 与 30 余 家 企 业 开 展 合 ")
    '目前该公司已与30余家企业开展合'
    >>> clean_spaces("2018 年至 2021 年，增长 5.1%。张 伟摄 （人民图片）")
    '2018年至2021年，增长5.1%。张伟摄（人民图片）'
    >>> clean_spaces("200T（即 TFLOPS， New  York")
    '200T（即TFLOPS，New York'
    >>> clean_spaces("张三丰\u3000李四\u3000 王五 ， 2018 年 用 AI", keep_word_spaces=True)
    '张三丰 李四 王五，2018年 用 AI'
    """
    line = line.strip(" \t\r\n\f\v\u3000\u00a0\ufeff\u200b\u2002\u2003\u2009")
    if not _SPACES.search(line):
        return line
    gentle = keep_word_spaces and not spaced_out(line)

    def repl(m: re.Match) -> str:
        s, i, j = m.string, m.start(), m.end()
        if i == 0 or j == len(s):
            return ""
        a, b = s[i - 1], s[j]
        if gentle and a not in _CLAUSE_PUNCT and b not in _CLAUSE_PUNCT and not (
                a.isdigit() and is_wide(b) or is_wide(a) and b.isdigit()):
            return " "
        return " " if keeps_space(a, b) else ""

    return _SPACES.sub(repl, line)


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends with sentence-final punctuation (closing quotes allowed after it).

    >>> ends_sentence("稳步发展。"), ends_sentence("“走出去”步伐加快。”"), ends_sentence("“创新”")
    (True, True, False)
    """
    t = text.rstrip()
    while t and t[-1] in CLOSERS:
        t = t[:-1]
    return bool(t) and t[-1] in SENTENCE_END


def quotes_open(text: str) -> bool:
    """Whether ``text`` has more opening than closing Chinese quotes (a quote runs on).

    >>> quotes_open("“苹果、梨、桃子……"), quotes_open("“新引擎”。")
    (True, False)
    """
    return sum(text.count(c) for c in _OPEN_QUOTES) > sum(text.count(c) for c in _CLOSE_QUOTES)


def join_fragments(left: str, right: str) -> str:
    """Join two pieces of one broken line: no space in Chinese, one between Latin words.

    >>> join_fragments("达到1234.5", "亿美元"), join_fragments("digital", "trade")
    ('达到1234.5亿美元', 'digital trade')
    """
    if not left or not right:
        return left + right
    return left + (" " if keeps_space(left, right) else "") + right


@dataclass
class Paragraph:
    """A repaired paragraph and the 1-based source line where it starts."""

    line: int
    text: str
    last_line: int = 0


def typical_width(lines: list[str]) -> int:
    """Median length of the non-empty (cleaned) lines: the column width of a block."""
    widths = [len(s) for s in lines if s]
    return int(statistics.median(widths)) if widths else 0


def join_lines(lines: list[tuple[int, str]], starts: frozenset[int] | set[int] = frozenset()
               ) -> list[Paragraph]:
    """Join the (line number, cleaned line) pairs of one text block into paragraphs.

    A paragraph ends where a line finishes a sentence (outside quotes) and is followed by a
    blank line, or is clearly shorter than the column; otherwise lines (and blank lines that
    interrupt a sentence) are joined. Line numbers in ``starts`` (indented lines) always open
    a new paragraph.

    >>> [p.text for p in join_lines([(1, "增长"), (2, ""), (3, "5.1%。"), (4, ""), (5, "据了解，")])]
    ['增长5.1%。', '据了解，']
    """
    width = typical_width([s for _, s in lines])
    paras: list[Paragraph] = []
    cur: Paragraph | None = None
    prev_len = 0
    blank = False
    for no, s in lines:
        if not s:
            blank = True
            continue
        if cur is not None:
            done = ends_sentence(cur.text) and not quotes_open(cur.text)
            short = width >= 8 and prev_len < 0.7 * width
            if done and (blank or short) or no in starts:
                paras.append(cur)
                cur = None
        if cur is None:
            cur = Paragraph(no, s, no)
        else:
            cur.text = join_fragments(cur.text, s)
            cur.last_line = no
        prev_len = len(s)
        blank = False
    if cur is not None:
        paras.append(cur)
    return paras


def repair_text(text: str) -> str:
    """Repair arbitrary PDF-extracted text: one paragraph per line, spurious spaces removed.

    >>> repair_text("国家统\\n\\n计局今天发布。\\n\\n数 据 显 示 ， 2018 年")
    '国家统计局今天发布。\\n数据显示，2018年'
    """
    numbered = [(i, clean_spaces(s)) for i, s in enumerate(source_lines(text), 1)]
    return "\n".join(p.text for p in join_lines(numbered))
