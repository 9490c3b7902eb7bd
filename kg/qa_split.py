"""Questions that ask two things at once (…A和B分别增长多少, 我国对欧盟和美国的进出口分别是多少)
split into one question per thing, each answered and verified on its own."""
from __future__ import annotations

import re

#: the word that says a question asks for each of several things
EACH = "分别"
#: words that join the two things asked
_AND = "和与及、"


def split_each(question: str, entity_spans: list[tuple[int, int]], period_end: int = 0) -> list[str]:
    """The single questions a ``分别`` question stands for ([] when it is not one).

    Two entities side by side around 和 (欧盟和美国) are asked one at a time in the same
    sentence; otherwise the words from the period (``period_end``) to 和, and from 和 to
    分别, are the two things asked.

    >>> split_each("2021年10月高技术制造业增加值和社零总额分别增长多少", [], 8)
    ['2021年10月高技术制造业增加值增长多少', '2021年10月社零总额增长多少']
    >>> split_each("2020年我国对欧盟和美国的进出口分别是多少", [(8, 10), (11, 13)], 5)
    ['2020年我国对欧盟的进出口是多少', '2020年我国对美国的进出口是多少']
    """
    at = question.find(EACH)
    if at < 0:
        return []
    joins = [i for i, ch in enumerate(question[:at]) if ch in _AND]
    if not joins:
        return []
    j = joins[-1]
    tail = question[at + len(EACH):]
    left = next(((a, b) for a, b in entity_spans if b == j), None)
    right = next(((a, b) for a, b in entity_spans if a == j + 1), None)
    if left and right:
        rest = question[right[1]:at] + tail
        return [question[:left[1]] + rest, question[:left[0]] + question[right[0]:right[1]] + rest]
    start = max(period_end, 0)
    head = question[:start]
    a, b = question[start:j], question[j + 1:at]
    if not a or not b:
        return []
    return [head + a + tail, head + b + tail]


def is_each(question: str) -> bool:
    """Whether ``question`` asks for several things at once."""
    return EACH in question and bool(re.search(f"[{_AND}]", question[:question.find(EACH)]))
