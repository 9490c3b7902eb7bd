"""Graph builds: incremental (no-op rebuild, changed article, new files), remove, determinism,
workers, and crash safety (a build killed with SIGKILL leaves every article graph whole)."""
from __future__ import annotations

import dataclasses
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store

from corpus import read_corpus
from corpus.articles import finish
from kg.build import BuildSummary, Loader, build, extract_graphs, remove
from kg.sparql import run_query
from kg.store import BUILD_STATE, open_store, recover_pending, stored_articles, stored_checksum
from kg.summary import SUMMARY_GRAPH
from kg.vocab import graph_iri
from kg_support import bundled_nquads, graph_dumps, make_store, write_mixed_corpus



def test_build_counts_match_the_store():
    store = Store()
    s = build(None, store, workers=1, progress=False)
    arts = list(read_corpus())
    assert s.articles == s.added == len(arts)
    assert (s.replaced, s.unchanged, s.removed, s.skipped_records) == (0, 0, 0, 0)
    summary = sum(1 for _ in store.quads_for_pattern(None, None, None, SUMMARY_GRAPH))  # kg.summary: derived
    assert s.triples == len(store) - summary
    assert s.entities > 0 and s.metrics > 0 and s.relations > 0
    assert sorted(stored_articles(store)) == sorted(a.id for a in arts)
    for a in arts:
        assert stored_checksum(store, a.id) == a.checksum
    n_obs = run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?o a nkg:Observation }").rows[0][0]
    assert int(n_obs.value) == s.metrics


def test_two_builds_give_identical_nquads():
    store = Store()
    build(None, store, workers=1, progress=False)
    assert store.dump(format=RdfFormat.N_QUADS) == bundled_nquads()


def test_rebuild_is_a_no_op():
    with make_store() as store:
        before = store.dump(format=RdfFormat.N_QUADS)
        s = build(None, store, workers=1, progress=False)
        assert s.unchanged == s.articles > 0
        assert (s.added, s.replaced, s.triples) == (0, 0, 0)
        assert store.dump(format=RdfFormat.N_QUADS) == before


def test_a_changed_article_replaces_only_its_facts():
    arts = list(read_corpus())
    with make_store() as store:
        before = graph_dumps(store)
        target = max(arts, key=lambda a: len(a.text))
        extra = "据统计，该领域投资额达到987.6亿元。"
        changed = finish(dataclasses.replace(target, text=target.text + extra, sentences=[]))
        assert changed.checksum != target.checksum
        s = build([changed if a.id == target.id else a for a in arts], store, workers=1, progress=False)
        assert (s.replaced, s.unchanged, s.added) == (1, len(arts) - 1, 0)
        after = graph_dumps(store)
        assert set(after) == set(before)
        for aid in before:
            if aid != target.id:
                assert after[aid] == before[aid], aid
        assert after[target.id] != before[target.id]
        assert stored_checksum(store, target.id) == changed.checksum
        assert any("987.6" in q for q in after[target.id])
        # the old checksum is gone: one checksum per article graph
        rows = run_query(store, "SELECT ?c WHERE { GRAPH ?g { ?a nkg:checksum ?c } }", ).rows
        assert len(rows) == len(arts)


def test_new_file_adds_only_its_articles(tmp_path):
    path = tmp_path / "extra.jsonl"
    ids = write_mixed_corpus(path, 3)
    with make_store() as store:
        before = graph_dumps(store)
        s = build([path], store, workers=1, progress=False)
        assert (s.added, s.replaced) == (3, 0)
        after = graph_dumps(store)
        assert set(after) == set(before) | set(ids)
        assert all(after[a] == before[a] for a in before)


def test_remove_takes_out_one_article():
    with make_store() as store:
        before = graph_dumps(store)
        victim = sorted(before)[0]
        assert remove(store, [victim, "no-such-article"]) == [victim]
        after = graph_dumps(store)
        assert set(after) == set(before) - {victim}
        assert all(after[a] == before[a] for a in after)
        assert not store.contains_named_graph(graph_iri(victim))
        assert remove(store, [victim]) == []


def test_prune_removes_articles_not_in_the_build():
    arts = list(read_corpus())
    with make_store() as store:
        s = build(arts[1:], store, workers=1, progress=False, prune=True)
        assert (s.removed, s.unchanged) == (1, len(arts) - 1)
        assert arts[0].id not in set(stored_articles(store))


def test_two_workers_give_the_same_graph():
    store = Store()
    s = build(None, store, workers=2, progress=False)
    assert s.added == len(list(read_corpus()))
    assert store.dump(format=RdfFormat.N_QUADS) == bundled_nquads()


def test_a_failing_article_is_skipped_and_reported():
    arts = list(read_corpus())
    bad = dataclasses.replace(arts[0], id="")  # no id: cannot become an IRI
    store = Store()
    s = build([bad] + arts[1:], store, workers=1, progress=False)
    assert s.skipped_records == 1 and "article" in s.errors[0]
    assert s.added == len(arts) - 1


def test_strict_build_stops_naming_the_record_and_loses_nothing_built():
    from corpus.errors import NewskgError

    arts = list(read_corpus())
    with make_store() as store:
        before = graph_dumps(store)
        bad = dataclasses.replace(arts[-1], id="")
        changed = finish(dataclasses.replace(arts[0], text=arts[0].text + "另据统计，规模达到5亿元。", sentences=[]))
        with pytest.raises(NewskgError, match=re.escape(f"{bad.source}:{bad.line}")):
            build([changed] + arts[1:-1] + [bad], store, workers=1, progress=False, strict=True)
        assert graph_dumps(store) == before


def _read_progress(stream, seen: list[int], lines: list[str] | None = None) -> None:
    buf = ""
    while True:
        ch = stream.read(1)
        if not ch:
            return
        buf += ch
        if ch in "\r\n":
            if lines is not None:
                lines.append(buf)
            m = re.search(r"(\d+) articles", buf)
            if m:
                seen.append(int(m.group(1)))
            buf = ""


def test_sigkill_leaves_every_article_graph_whole(tmp_path):
    n, old = 160, 16  # many articles after the kill point: the build cannot finish first
    changed = frozenset(range(0, 8))  # stories 0-7 change, 8-15 stay, 16-159 are new
    second = first = tmp_path / "news.jsonl"  # same file, edited between the builds
    ids = write_mixed_corpus(first, old)
    # the previous graph, on disk
    prev_dir = tmp_path / "prev"
    prev = open_store(prev_dir)
    build([first], prev, workers=1, progress=False)
    version_a = graph_dumps(prev)
    del prev
    write_mixed_corpus(second, n, changed=changed)
    # what a complete build of the second corpus gives, per article
    ref = Store()
    build([second], ref, workers=1, progress=False)
    version_b = graph_dumps(ref)
    assert all(version_a[i] != version_b[i] for i in ids[:8]) and all(version_a[i] == version_b[i] for i in ids[8:])

    work = tmp_path / "work"
    shutil.copytree(prev_dir, work)
    (work / "LOCK").unlink(missing_ok=True)
    env = dict(os.environ, NEWSKG_BATCH_ARTICLES="4")  # commits every 4 articles: many chances to be cut
    proc = subprocess.Popen(
        [sys.executable, "-m", "newskg", "build", str(second), "--store", str(work), "--workers", "1", "--progress"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
    seen: list[int] = []
    reader = threading.Thread(target=_read_progress, args=(proc.stderr, seen), daemon=True)
    reader.start()
    deadline = time.monotonic() + 120
    while (not seen or seen[-1] < old + 32) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the build finished before it could be killed"

    store = open_store(work)  # reopens after the crash (the lock dies with the process)
    assert run_query(store, "ASK { ?a a schema:NewsArticle }").boolean
    graphs = graph_dumps(store)
    for rid in ids[8:]:
        assert graphs[rid] == version_a[rid]  # untouched
    for rid in ids[:8]:  # replaced or not, but never half
        assert graphs[rid] in (version_a[rid], version_b[rid]), rid
    new = [r for r in graphs if r not in version_a]
    for rid in new:
        assert graphs[rid] == version_b[rid], rid
    assert 0 < len(new) < n - old  # killed mid-way, after some commits
    # every graph has exactly one article node with its checksum
    rows = run_query(store, "SELECT ?g (COUNT(?c) AS ?n) WHERE { GRAPH ?g { ?a nkg:checksum ?c } } GROUP BY ?g").rows
    assert len(rows) == len(graphs) and all(int(r[1].value) == 1 for r in rows)
    # and the interrupted build can simply be run again to finish
    s = build([second], store, workers=1, progress=False)
    assert s.added + s.replaced + s.unchanged == n
    assert graph_dumps(store) == version_b


def test_ctrl_c_stops_cleanly_and_keeps_committed_articles(tmp_path):
    corpus = tmp_path / "news.jsonl"
    ids = write_mixed_corpus(corpus, 40)
    d = tmp_path / "s"
    proc = subprocess.Popen(
        [sys.executable, "-m", "newskg", "build", str(corpus), "--store", str(d), "--workers", "2", "--progress"],
        stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    seen: list[int] = []
    err: list[str] = []
    reader = threading.Thread(target=_read_progress, args=(proc.stderr, seen, err), daemon=True)
    reader.start()
    deadline = time.monotonic() + 120
    while (not seen or seen[-1] < 16) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    out = proc.stdout.read()
    proc.wait(timeout=60)
    reader.join(timeout=5)
    assert proc.returncode in (130, 0), out + "".join(err)  # 0 only if it had already finished
    store = open_store(d)
    stored = set(stored_articles(store))
    assert stored <= set(ids)
    if proc.returncode == 130:
        m = re.search(r"new (\d+)", out)
        assert m and int(m.group(1)) == len(stored)
    # what was kept is whole, and the next build completes the rest
    s = build([corpus], store, workers=1, progress=False)
    assert s.unchanged == len(stored) and s.added == len(ids) - len(stored)


# A child process that builds ``corpus`` into the store at ``work`` through a store whose bulk
# load writes the first half of its N-Quads, flushes them to disk and then dies with SIGKILL:
# a crash between the pending marker and the end of a bulk load, with a half graph on disk.
CRASH_IN_BULK_LOAD = """
import os, signal, sys
from kg.build import build
from kg.store import open_store

class DiesInBulkLoad:
    def __init__(self, store):
        self._store = store
    def __getattr__(self, name):
        return getattr(self._store, name)
    def bulk_load(self, data, **kw):
        lines = data.splitlines(keepends=True)
        self._store.bulk_load(b"".join(lines[: len(lines) // 2]), **kw)
        self._store.flush()
        os.kill(os.getpid(), signal.SIGKILL)

build([sys.argv[1]], DiesInBulkLoad(open_store(sys.argv[2])), workers=1, progress=False)
"""


def test_a_crash_inside_a_bulk_load_is_undone_when_the_store_is_opened(tmp_path):
    corpus = tmp_path / "news.jsonl"
    ids = write_mixed_corpus(corpus, 12)
    work = tmp_path / "work"
    old = open_store(work)
    build([corpus], old, workers=1, progress=False)
    write_mixed_corpus(corpus, 24)  # 12 more stories: new articles, bulk-loaded
    del old
    ref = Store()
    build([corpus], ref, workers=1, progress=False)
    complete = graph_dumps(ref)

    env = dict(os.environ, NEWSKG_BATCH_ARTICLES="4")
    proc = subprocess.run([sys.executable, "-c", CRASH_IN_BULK_LOAD, str(corpus), str(work)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    # before recovery: the crash left a half-loaded article graph on disk
    seen = graph_dumps(Store.read_only(str(work)))
    half = [a for a in seen if seen[a] != complete[a]]
    assert half and all(seen[a] < complete[a] for a in half)

    store = open_store(work)  # opened for writing: the cut-short load is dropped
    graphs = graph_dumps(store)
    assert set(graphs) == set(ids)  # the 12 articles of the first build, whole
    assert all(graphs[a] == complete[a] for a in graphs)
    assert BUILD_STATE not in set(store.named_graphs())
    assert recover_pending(store) == []
    s = build([corpus], store, workers=1, progress=False)
    assert (s.added, s.unchanged) == (12, 12)
    assert graph_dumps(store) == complete


def test_bad_rdf_in_a_bulk_load_names_the_article_and_keeps_the_rest(tmp_path):
    arts = list(read_corpus())
    graphs = extract_graphs(arts)
    victim = arts[1].id
    broken = [dataclasses.replace(g, nq=g.nq + b"<not an iri> <x:p> <x:o> <x:g> .\n") if g.article == victim else g
              for g in graphs]
    store = open_store(tmp_path / "s")
    summary = BuildSummary()
    loader = Loader(store, summary)
    for a, g in zip(arts, broken):
        assert loader.plan(a)
        loader.add(g)
    loader.flush()
    assert summary.added == len(arts) - 1 and summary.skipped_records == 1
    assert victim in summary.errors[0] and "not valid RDF" in summary.errors[0]
    kept = graph_dumps(store)
    ref = Store()
    build([a for a in arts if a.id != victim], ref, workers=1, progress=False)
    assert kept == graph_dumps(ref)
    assert BUILD_STATE not in set(store.named_graphs())
