"""Show corpus text, names and query results as text: escape everything Markdown could
interpret (HTML, links, emphasis, LaTeX, colour directives) before Streamlit renders it."""
from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'=^])")


def md_escape(text: object) -> str:
    """Escape ``text`` so that ``st.markdown`` shows it literally.

    Every ASCII punctuation character Markdown, GFM, LaTeX or Streamlit directives could act
    on gets a backslash (CommonMark allows escaping any ASCII punctuation); newlines become
    spaces so a name cannot start a heading or a list.

    >>> md_escape("<script>alert(1)</script>")
    '\\\\<script\\\\>alert\\\\(1\\\\)\\\\</script\\\\>'
    >>> md_escape("国家统计局")
    '国家统计局'
    """
    s = "" if text is None else str(text)
    s = s.replace("\r", " ").replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", s)


def highlight(sentence: str, start: int, end: int, *, color: str = "orange") -> str:
    """Markdown for ``sentence`` with ``sentence[start:end]`` highlighted, all parts escaped.

    Offsets outside the sentence (or empty spans) give the sentence without a highlight.

    >>> highlight("总值达到2486.3亿美元。", 4, 13)
    '总值达到:orange-background[**2486\\\\.3亿美元**]。'
    """
    if not (0 <= start < end <= len(sentence)):
        return md_escape(sentence)
    head, mid, tail = sentence[:start], sentence[start:end], sentence[end:]
    return f"{md_escape(head)}:{color}-background[**{md_escape(mid)}**]{md_escape(tail)}"


def paragraphs(text: str) -> str:
    """Markdown for a multi-paragraph text: each non-empty line escaped, blank lines between.

    >>> paragraphs("第一段。\\n\\n# 第二段")
    '第一段。\\n\\n\\\\# 第二段'
    """
    parts = [md_escape(p.strip()) for p in text.split("\n") if p.strip()]
    return "\n\n".join(parts)
