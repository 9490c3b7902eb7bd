"""Broadcast transcripts: split digest stories (联播快讯 ...) into items under one-line headlines.

A digest story's text is a preamble (央视网消息（新闻联播）：), then items: a headline line (short,
no sentence-final punctuation) followed by one or more paragraphs. A closing parenthesised
editor credit ((视频编辑：… 文字编辑：…)) is dropped from the items and kept as meta.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from corpus.lexicons import load_lexicon
from corpus.repair import clean_spaces, ends_sentence, source_lines

_GAP = re.compile(r"[ \t\u3000\u00a0]{3,}(?=[\w“‘《（(「])")
_EDITOR = re.compile(r"^[（(][^（）()]*编辑[：:][^（）()]*[）)]$")
MAX_HEADLINE = 40


@functools.lru_cache(maxsize=1)
def _digest_title() -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in load_lexicon("digest_titles")))


def is_digest(title: str | None) -> bool:
    """Whether a story title names a digest of several items (patterns in digest_titles.txt).

    >>> is_digest("[视频]国内联播快讯"), is_digest("[视频]习近平会见外宾")
    (True, False)
    """
    return bool(title) and _digest_title().search(title) is not None


@dataclass
class Item:
    """One item of a digest: its headline and paragraphs."""

    headline: str
    paragraphs: list[str] = field(default_factory=list)


def is_headline(line: str, next_line: str | None) -> bool:
    """A headline: short, unpunctuated at the end, not a preamble (…：), followed by body text.

    >>> is_headline("春运首日全国客流平稳", "今天（2月1日），全国客流总体平稳有序。")
    True
    >>> is_headline("本台消息（晚间新闻）：", "春运首日全国客流平稳")
    False
    """
    if not line or next_line is None or len(line) > MAX_HEADLINE:
        return False
    if ends_sentence(line) or line.endswith(("：", ":")) or _EDITOR.match(line):
        return False
    return ends_sentence(next_line) or len(next_line) > len(line)


def split_digest(text: str) -> tuple[list[Item], dict[str, str]] | None:
    """Items of a digest story and meta (preamble, editor); None when fewer than two items.

    >>> items, meta = split_digest("消息：\\n标题一\\n第一条。\\n标题二\\n第二条。\\n（文字编辑：王五）")
    >>> [(i.headline, i.paragraphs) for i in items], meta["editor"]
    ([('标题一', ['第一条。']), ('标题二', ['第二条。'])], '（文字编辑：王五）')
    """
    lines = [s for s in (clean_spaces(x, keep_word_spaces=True) for x in _unglue(text)) if s]
    meta: dict[str, str] = {}
    if lines and _EDITOR.match(lines[-1]):
        meta["editor"] = lines.pop()
    items: list[Item] = []
    preamble: list[str] = []
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if is_headline(line, nxt) and not (nxt is not None and is_headline(nxt, _at(lines, i + 2))):
            items.append(Item(line))
        elif items:
            items[-1].paragraphs.append(line)
        else:
            preamble.append(line)
    items = [it for it in items if it.paragraphs]
    if len(items) < 2:
        return None
    if preamble:
        meta["preamble"] = "\n".join(preamble)
    return items, meta


def _unglue(text: str) -> list[str]:
    """Lines of ``text``, with lines that glue a headline to a paragraph (wide gap) cut apart.

    >>> _unglue("标题一　　      正文。\\n正文完。　    标题二\\n张三      、李四")
    ['标题一', '正文。', '正文完。', '标题二', '张三      、李四']
    """
    out: list[str] = []
    for raw in source_lines(text):
        parts = _GAP.split(raw.strip())
        merged = [parts[0]]
        for part in parts[1:]:
            left = clean_spaces(merged[-1])
            if ends_sentence(left) or (0 < len(left) <= MAX_HEADLINE and not left[-1] in "，、：；,"):
                merged.append(part)
            else:
                merged[-1] = merged[-1] + " " + part
        out.extend(merged)
    return out


def _at(lines: list[str], i: int) -> str | None:
    return lines[i] if i < len(lines) else None
