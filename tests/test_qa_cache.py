"""The Q&A indexes' disk cache (kg.qa_cache) and the label index read from the summary graph:
the same answers as an index built from the article graphs, a second process reads the
index from disk, a damaged cache file is rebuilt, a store without a summary is not cached."""
from __future__ import annotations

import pickle

import pytest
from pyoxigraph import Store

from kg import qa_cache, qa_link, qa_metrics
from kg.qa import answer
from kg.summary import ensure_summary
from qa_support import hand_store

# fmt: off
QUESTIONS = [
    ("国家统计局局长是谁？", True),
    ("2022年全国粮食总产量是多少？", True),
    ("哪些人来自国家统计局？", True),
    ("某某集团的净利润是多少？", False),
]
# fmt: on


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(qa_cache.CACHE_ENV, str(tmp_path / "cache"))
    qa_link.clear_cache()
    yield tmp_path / "cache"
    qa_link.clear_cache()


def summarised_store() -> Store:
    store = hand_store()
    ensure_summary(store)
    return store


def test_label_index_from_summary_equals_from_articles():
    store = summarised_store()
    a = qa_link._label_index_from_summary(store)
    b = qa_link._label_index_from_articles(store)
    assert a.entities == b.entities and a.entities
    assert a.by_key == b.by_key


def test_pickled_label_index_answers_the_same():
    idx = qa_link._label_index_from_articles(summarised_store())
    back = pickle.loads(pickle.dumps(idx))
    assert back.entities == idx.entities and back.keys == idx.keys
    for text in ("统计局", "国家统计局局长", "华为", "国家统计"):
        assert [(l.entity.iri, l.how) for l in back.lookup(text)] == [(l.entity.iri, l.how) for l in idx.lookup(text)]
    assert [l.surface for l in back.find_mentions("国家统计局和鸿蒙平台")] == ["国家统计局", "鸿蒙平台"]


def test_index_written_then_read_from_disk(cache):
    store = summarised_store()
    idx = qa_link.label_index(store)
    files = sorted(p.name for p in cache.glob("qa-labels-*.pickle"))
    assert len(files) == 1
    qa_link.clear_cache()  # a fresh process: nothing in memory
    calls = []
    again = qa_cache.cached(store, "labels", lambda st: calls.append(1) or qa_link.build_label_index(st))
    assert calls == [] and again.entities == idx.entities
    qa_metrics.indicator_index(store)
    assert len(list(cache.glob("qa-indicators-*.pickle"))) == 1


def test_damaged_cache_file_is_rebuilt(cache):
    store = summarised_store()
    qa_link.label_index(store)
    (path,) = cache.glob("qa-labels-*.pickle")
    path.write_bytes(b"not a pickle")
    qa_link.clear_cache()
    idx = qa_link.label_index(store)
    assert idx.exact("国家统计局")
    assert pickle.loads(path.read_bytes()).entities == idx.entities  # written again


def test_store_without_summary_is_not_cached(cache):
    qa_link.label_index(hand_store())
    assert not cache.exists() or not list(cache.iterdir())


def test_cache_off(monkeypatch):
    monkeypatch.setenv(qa_cache.CACHE_ENV, "off")
    assert qa_cache.cache_dir() is None
    assert qa_cache.cache_path(summarised_store(), "labels") is None


@pytest.mark.parametrize("question, found", QUESTIONS)
def test_answers_with_cached_index(cache, question, found):
    store = summarised_store()
    first = answer(store, question)
    qa_link.clear_cache()  # the next answer reads the indexes from disk
    second = answer(store, question)
    assert first.found is found and second.to_dict() == first.to_dict()


def test_pickled_indicator_index_is_the_same():
    idx = qa_metrics._build_indicator_index(summarised_store())
    back = pickle.loads(pickle.dumps(idx))
    assert back.entries == idx.entries and back.by_subject == idx.by_subject and back.by_indicator == idx.by_indicator
    assert idx.by_subject and idx.by_indicator
    assert back.search("粮食总产量") == idx.search("粮食总产量") != []


def test_files_of_other_code_removed(cache):
    cache.mkdir(parents=True)
    stale = cache / "qa-labels-000000000000-2-00000000.pickle"
    other = cache / "qa-indicators-000000000000-2-00000000.pickle"
    stale.write_bytes(b"x")
    other.write_bytes(b"x")
    qa_link.label_index(summarised_store())
    assert not stale.exists() and other.exists()
    assert len(list(cache.glob("qa-labels-*.pickle"))) == 1


def test_warm_indexes_fills_the_cache_a_new_process_reads(cache, monkeypatch):
    """What `newskg ui` does while the app starts: both indexes land on disk, and a fresh
    store object (another process) answers from them without rebuilding."""
    from kg.qa import warm_indexes

    built = []
    orig = qa_link._label_index_from_summary
    monkeypatch.setattr(qa_link, "_label_index_from_summary", lambda s: built.append(s) or orig(s))
    store = summarised_store()
    assert not list(cache.glob("qa-*.pickle"))
    warm_indexes(store)
    assert len(built) == 1  # built once, by the warm-up
    assert len(list(cache.glob("qa-labels-*.pickle"))) == 1
    assert len(list(cache.glob("qa-indicators-*.pickle"))) == 1
    qa_link.clear_cache()  # as a new process: nothing in memory
    assert answer(store, QUESTIONS[0][0]).found
    assert len(built) == 1  # read from disk, not built again


# ------------------------------------------------------------------ keyed by content and code


def versioned_store(version: str, alias: str | None = None) -> Store:
    """The hand articles stamped with extractor ``version``; ``alias``: one more name of the
    first entity (other facts for the same articles, as another extractor would give)."""
    from pyoxigraph import Quad

    from kg.rdf import article_triples
    from kg.vocab import graph_iri
    from qa_support import hand_articles

    store = Store()
    for i, (article, facts) in enumerate(hand_articles()):
        if alias and i == 0:
            facts.entities[0].aliases.append(alias)
        g = graph_iri(article.id)
        store.extend([Quad(t.subject, t.predicate, t.object, g) for t in article_triples(article, facts, version=version)])
    ensure_summary(store)
    return store


def test_same_articles_other_facts_get_another_key_and_index(cache):
    """Two graphs of the same articles (same checksums) made by two extractor versions: each
    its own cache file, and the second never reads the first's index."""
    old, new = versioned_store("v1"), versioned_store("v2", alias="统计总局")
    assert qa_cache.cache_path(old, "labels") != qa_cache.cache_path(new, "labels")
    assert not qa_link.label_index(old).exact("统计总局")
    qa_link.clear_cache()  # a new process on the other graph
    assert qa_link.label_index(new).exact("统计总局")
    assert len(list(cache.glob("qa-labels-*.pickle"))) == 2


def test_a_stale_summary_is_not_cached(cache):
    """A summary that does not match the articles (a killed remove or build): the index is
    built but never written under the stale summary's key."""
    from kg.store import write_graphs
    from kg.rdf import article_graph
    from qa_support import hand_articles

    store = versioned_store("v1")
    assert qa_cache.cache_path(store, "labels") is not None
    article, facts = hand_articles()[0]
    facts.article = "extra"
    write_graphs(store, [article_graph(None, facts, version="v1")])  # summary not refreshed
    assert qa_cache.cache_path(store, "labels") is None
    qa_link.label_index(store)
    assert not list(cache.glob("qa-labels-*.pickle"))


@pytest.mark.parametrize("edited", ["kg/qa_parse.py", "kg/qa_lexicon.py", "kg/qa_metrics.py", "kg/summary.py",
                                    "kg/data/question_phrases.tsv", "kg/templates/label_aliases.rq", "extract/periods.py"])
def test_the_code_version_follows_every_index_file(tmp_path, edited):
    """An edit to any Q&A module, table or query (or to the extraction rules the question
    parser shares) gives another code version, so no index of the old code is read."""
    import shutil
    from pathlib import Path

    from kg.code_version import QA_FILES, files_digest

    root = Path(qa_cache.__file__).resolve().parent.parent
    for part in ("kg", "extract"):
        shutil.copytree(root / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__", "models"))
    before = files_digest(QA_FILES, root=tmp_path)
    target = tmp_path / edited
    if not target.exists():
        pytest.fail(f"{edited} is not in the project any more: update this test")
    target.write_bytes(target.read_bytes() + b"\n")
    assert files_digest(QA_FILES, root=tmp_path) != before


def test_the_users_cache_folder_is_not_touched(tmp_path, monkeypatch):
    """The session writes its indexes under its temporary folder (conftest.py), also from
    `newskg ask` subprocesses; the folder the user's own runs use stays as it was."""
    import os
    import subprocess
    import sys

    from kg_support import bundled_store_dir

    session_cache = qa_cache.cache_dir()
    with monkeypatch.context() as m:
        m.delenv(qa_cache.CACHE_ENV, raising=False)
        user = qa_cache.cache_dir()
    assert session_cache is not None and user is not None and session_cache != user

    def snapshot():
        return sorted((str(p), p.stat().st_mtime_ns) for p in user.rglob("*")) if user.exists() else None

    before = snapshot()
    store_dir = bundled_store_dir(tmp_path / "store")
    proc = subprocess.run([sys.executable, "-m", "newskg", "ask", "--store", store_dir, "中国GDP是多少"],
                          capture_output=True, text=True, timeout=300, env=dict(os.environ))
    assert proc.returncode in (0, 1), proc.stderr  # answered or not found: the index was built
    assert list(session_cache.glob("qa-labels-*.pickle"))
    assert snapshot() == before
