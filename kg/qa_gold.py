"""Score the Q&A on a gold file of questions about CCTV stories (eval/qa/*.jsonl): build the
graph of exactly the stories the file names in a temporary store with the real pipeline, ask
every question, and score strictly as ../shared/eval/README.md says."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import ExtractError

_NUM_EDGE = re.compile(r"[0-9０-９.．]")


def load_questions(path: str | Path) -> list[dict]:
    """The gold questions of a JSONL file; a bad line raises naming file and line."""
    out = []
    for line_no, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            q = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ExtractError(f"bad JSON: {exc.msg}", path=str(path), line=line_no) from exc
        if "q" not in q or ("expect" not in q and q.get("found", True) is not False):
            raise ExtractError("a question needs q and expect (or found: false)", path=str(path), line=line_no)
        out.append(q)
    return out


def contains_figure(text: str, alt: str) -> bool:
    """``alt`` occurs in ``text`` (whitespace removed), and a number is not part of a longer
    number (7.3% is not in 17.3%, 16 is not in 160)."""
    text, alt = "".join(text.split()), "".join(alt.split())
    start = text.find(alt)
    while start >= 0:
        end = start + len(alt)
        before_ok = not (_NUM_EDGE.match(alt[:1]) and start > 0 and _NUM_EDGE.match(text[start - 1]))
        after_ok = not (_NUM_EDGE.match(alt[-1:]) and end < len(text) and _NUM_EDGE.match(text[end])
                        and not (text[end] in ".．" and (end + 1 >= len(text) or not text[end + 1].isdigit())))
        if before_ok and after_ok:
            return True
        start = text.find(alt, start + 1)
    return False


def is_right(example: dict, found: bool, answer: str) -> bool:
    """The strict rule: found:false gold -> the answer says found:false; else found and every
    expect group matched by one alternative in the answer sentence itself."""
    if example.get("found", True) is False:
        return not found
    return found and all(any(contains_figure(answer, alt) for alt in alts) for alts in example["expect"])


@dataclass
class Scored:
    """One question's outcome."""

    id: str
    question: str
    right: bool
    absent: bool
    found: bool
    answer: str


def build_story_store(ids: set[str], directory: Path):
    """An on-disk store at ``directory`` holding the graph of the CCTV stories ``ids``."""
    from extract.figures_gold import load_stories
    from kg.build import build
    from kg.store import open_store

    store = open_store(directory)
    build(load_stories(ids), store, workers=1, progress=False)
    return store


def score_questions(questions: list[dict], store) -> list[Scored]:
    """Ask each question of ``questions`` against ``store`` and score it."""
    from kg.qa import answer

    out = []
    for ex in questions:
        a = answer(store, ex["q"])
        out.append(Scored(ex.get("id", ""), ex["q"], is_right(ex, a.found, a.answer),
                          ex.get("found", True) is False, a.found, a.answer))
    return out


def summary_lines(scored: list[Scored], misses: bool = True) -> list[str]:
    """Right overall, on answerable and on absent questions, answers to absent questions, misses."""
    absent = [s for s in scored if s.absent]
    present = [s for s in scored if not s.absent]
    lines = [
        f"right {sum(s.right for s in scored)}/{len(scored)}",
        f"  answerable {sum(s.right for s in present)}/{len(present)}",
        f"  absent (found:false) {sum(s.right for s in absent)}/{len(absent)}",
        f"answers to absent questions: {sum(s.found for s in absent)}",
    ]
    if misses:
        lines += [f"MISS {s.id} {s.question} -> {'found' if s.found else 'not found'}: {s.answer[:160]}"
                  for s in scored if not s.right]
    return lines
