"""Stores for the app's tests: the bundled corpus built by the real pipeline, and a small
hand-written article whose names carry HTML, Markdown and script (for the safety tests)."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from corpus.model import Article, Sentence
from extract.model import ArticleFacts, Entity, Mention, Metric, Relation

# fmt: off
HOSTILE_ORG = '<script>window.__pwned=1</script><b>星河</b>研究院'
HOSTILE_PERSON = '[王明](javascript:alert(1))'
HOSTILE_PLATFORM = '<img src=x onerror="window.__pwned=2">云平台'
HOSTILE_TITLE = '<iframe src="javascript:alert(3)"></iframe>**测试**标题'
# fmt: on


def hostile_article() -> tuple[Article, ArticleFacts]:
    """One article whose entity names and title are markup; facts written by hand."""
    text = (f"{HOSTILE_ORG}院长{HOSTILE_PERSON}表示，该院运营的{HOSTILE_PLATFORM}去年接入企业1200家。"
            "今年接入企业将达到2000家。")
    cut = text.index("。") + 1
    art = Article(id="hostile-1", text=text, title=HOSTILE_TITLE, date="2024-05-01", source="hostile.txt",
                  sentences=[Sentence(0, 0, cut, text[:cut]), Sentence(1, cut, len(text), text[cut:])],
                  checksum="hostile")

    def ent(name: str, typ: str) -> Entity:
        i = text.index(name)
        return Entity(name, name, typ, mentions=[Mention(art.id, 0, i, i + len(name), name)])

    org, per, plat = ent(HOSTILE_ORG, "ORG"), ent(HOSTILE_PERSON, "PERSON"), ent(HOSTILE_PLATFORM, "PLATFORM")
    j, k = text.index("1200家"), text.index("2000家")
    metrics = [
        Metric(plat.id, plat.name, "接入企业", Decimal(1200), "家", Decimal(1200), "count", None, "level",
               "2023", art.id, 0, j, j + 5, "1200家"),
        Metric(plat.id, plat.name, "接入企业", Decimal(2000), "家", Decimal(2000), "count", "target", "level",
               "2024", art.id, 1, k, k + 5, "2000家"),
    ]
    relations = [
        Relation(per.id, per.name, "works_for", org.id, org.name, "院长", art.id, 0),
        Relation(org.id, org.name, "operates", plat.id, plat.name, None, art.id, 0),
    ]
    return art, ArticleFacts(art.id, art.checksum, [org, per, plat], metrics, relations)


@contextmanager
def opened(path: Path):
    """Open the on-disk store, and release it (the app opens it again) when done."""
    from kg.store import open_store

    store = open_store(path)
    try:
        yield store
    finally:
        del store
        gc.collect()


def write_hostile(path: Path) -> None:
    """Add the hostile article to the store at ``path``."""
    from kg.rdf import article_graph
    from kg.store import write_graphs
    from kg.summary import ensure_summary

    art, facts = hostile_article()
    with opened(path) as store:
        write_graphs(store, [article_graph(art, facts)], replace=[art.id])
        # as every writer must: the summary (and so the Q&A disk cache's key) covers the article
        ensure_summary(store)


def build_bundled(path: Path) -> None:
    """Build the bundled corpus into the store at ``path`` with the real pipeline."""
    from kg.build import build

    with opened(path) as store:
        build(None, store, workers=1)
