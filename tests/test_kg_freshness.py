"""Freshness of what is stored (issue 19): a summary graph a killed `remove` left stale is
recomputed on the next opening; a build never writes into a folder that is not a store and stops
at the first write error of a full disk; articles made by another extractor version are
extracted again. Real subprocesses, real on-disk stores."""
from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import Store

from kg.build import build, remove
from kg.code_version import EXTRACTOR_FILES, extractor_version, files_digest
from kg.store import open_store, stored_articles, stored_version
from kg.summary import SUMMARY_GRAPH, articles_digest, summary_state
from kg_support import graph_dumps, write_mixed_corpus
from newskg.cli import cli

ROOT = Path(__file__).resolve().parent.parent
REMOVED = ["k001", "k004", "k007"]


def newskg(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """`newskg ARGS` in a new process."""
    return subprocess.run([sys.executable, "-m", "newskg", *args], capture_output=True, text=True,
                          timeout=300, env=env or dict(os.environ), **kw)


def summary_nquads(store_dir: Path) -> set[str]:
    """The summary graph's quads, read without repairing anything."""
    return {str(q) for q in Store.read_only(str(store_dir)).quads_for_pattern(None, None, None, SUMMARY_GRAPH)}


@pytest.fixture(scope="module")
def base_store(tmp_path_factory) -> Path:
    """A closed on-disk store of 12 stories built by the real pipeline."""
    work = tmp_path_factory.mktemp("fresh")
    corpus = work / "news.jsonl"
    write_mixed_corpus(corpus, 12)
    store = open_store(work / "store")
    build([corpus], store, workers=1, progress=False)
    store.flush()
    del store
    return work / "store"


@pytest.fixture(scope="module")
def clean_remove(base_store, tmp_path_factory) -> tuple[set[str], dict]:
    """The summary quads and `stats` of a remove that was not interrupted."""
    ref = tmp_path_factory.mktemp("ref") / "store"
    shutil.copytree(base_store, ref)
    store = open_store(ref)
    assert remove(store, REMOVED) == REMOVED
    store.flush()
    del store
    stats = newskg("stats", "--json", "--store", str(ref))
    assert stats.returncode == 0, stats.stderr
    return summary_nquads(ref), json.loads(stats.stdout)


# A child process that removes articles through a store that dies with SIGKILL just before its
# N-th write (the removal's transaction, then the summary's deletions and additions, written
# in chunks of 3 lines: many places to be cut); prints how many writes it made if it lives.
KILL_AT_WRITE = f"""
import sys
sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
from fault_support import DiesAtWrite
import kg.summary
from kg.build import remove
from kg.store import open_store

kg.summary.CHUNK = 3

store = DiesAtWrite(open_store(sys.argv[1]), int(sys.argv[2]))
remove(store, sys.argv[3:])
print(len(store.phases))
"""


def _killed_remove(base_store: Path, work: Path, at: int) -> subprocess.CompletedProcess:
    shutil.copytree(base_store, work)
    return subprocess.run([sys.executable, "-c", KILL_AT_WRITE, str(work), str(at), *REMOVED],
                          capture_output=True, text=True, timeout=300)


def test_a_remove_killed_at_any_write_leaves_a_summary_the_next_opening_repairs(base_store, clean_remove, tmp_path):
    summary, stats = clean_remove
    whole = _killed_remove(base_store, tmp_path / "count", 0)  # never killed: counts the writes
    assert whole.returncode == 0, whole.stderr
    writes = int(whole.stdout)
    assert writes >= 5
    stale = 0
    for at in sorted({1, 2, 3, writes // 2, writes - 1, writes}):
        work = tmp_path / f"kill-{at}"
        proc = _killed_remove(base_store, work, at)
        assert proc.returncode == -signal.SIGKILL, proc.stderr
        stale += summary_nquads(work) != summary
        out = newskg("stats", "--json", "--store", str(work))  # a read-only opening
        assert out.returncode == 0, out.stderr
        if at == 1:  # cut before the removal's transaction: nothing changed
            assert summary_nquads(work) == summary_nquads(base_store)
        else:
            assert json.loads(out.stdout) == stats, at
            assert summary_nquads(work) == summary, at
        reader = Store.read_only(str(work))
        assert summary_state(reader) == articles_digest(reader), at
    assert stale >= 3  # the kills did leave stale summaries to repair


def test_rerunning_a_killed_remove_repairs_the_summary(base_store, clean_remove, tmp_path):
    summary, stats = clean_remove
    work = tmp_path / "store"
    proc = _killed_remove(base_store, work, 3)  # after the removal, inside the summary's refresh
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert summary_nquads(work) != summary
    again = newskg("remove", "--store", str(work), *REMOVED)
    assert again.returncode != 0 and "not in the graph" in again.stderr
    assert summary_nquads(work) == summary
    assert not set(REMOVED) & set(stored_articles(Store.read_only(str(work))))


def test_a_reader_of_a_locked_stale_store_answers_and_the_next_one_repairs(base_store, clean_remove, tmp_path):
    """While another process holds the write lock (as a running build does), a reader cannot
    repair the summary: it answers from the summary as it is and says so; once the lock is
    released, the next reader repairs it."""
    summary, stats = clean_remove
    work = tmp_path / "store"
    proc = _killed_remove(base_store, work, 3)
    assert proc.returncode == -signal.SIGKILL
    writer = Store(str(work))  # pyoxigraph's own opening: holds the lock, repairs nothing
    out = newskg("stats", "--json", "--store", str(work))
    assert out.returncode == 0 and "out of date" in out.stderr, out.stderr
    stored = ("quads", "summary_triples")  # what is on disk: the stale summary's triples too
    counted = {k: v for k, v in json.loads(out.stdout).items() if k not in stored}
    assert counted == {k: v for k, v in stats.items() if k not in stored}  # from the article graphs, not the summary
    assert summary_nquads(work) != summary
    del writer
    out = newskg("stats", "--json", "--store", str(work))
    assert out.returncode == 0 and json.loads(out.stdout) == stats
    assert summary_nquads(work) == summary


def test_serve_recomputes_a_stale_summary_before_its_workers_read_it(base_store, clean_remove, tmp_path):
    """`newskg serve`'s query workers open the store themselves: the command repairs first."""
    summary, _ = clean_remove
    work = tmp_path / "store"
    assert _killed_remove(base_store, work, 3).returncode == -signal.SIGKILL
    assert summary_nquads(work) != summary
    proc = subprocess.Popen([sys.executable, "-m", "newskg", "serve", "--store", str(work), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = proc.stdout.readline()
        assert "http://127.0.0.1:" in line, line
        url = line[line.index("http://"):].split()[0].rstrip("/")
        q = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <%s> { ?s ?p ?o } }" % SUMMARY_GRAPH.value})
        with urllib.request.urlopen(f"{url}/sparql?{q}", timeout=60) as r:
            n = int(json.load(r)["results"]["bindings"][0]["n"]["value"])
        assert n == len(summary)
    finally:
        proc.terminate()
        proc.wait(30)
    assert summary_nquads(work) == summary


@pytest.mark.parametrize("change", ["replace", "bulk", "remove"])
def test_every_change_to_articles_marks_the_summary_stale_in_its_own_transaction(change):
    """Whether a summary is current is one look-up: each writer of article graphs marks it
    stale in the same request as its change, and the refresh clears the mark."""
    from kg.rdf import article_graph
    from kg.store import bulk_write_graphs, pack, remove_articles, summary_is_current, write_graphs
    from kg.summary import ensure_summary
    from extract.model import ArticleFacts

    store = Store()
    write_graphs(store, [article_graph(None, ArticleFacts("a1", "c1"), version="v")])
    assert not summary_is_current(store)
    assert ensure_summary(store) and summary_is_current(store)
    if change == "replace":
        write_graphs(store, [article_graph(None, ArticleFacts("a1", "c2"), version="v")], replace=["a1"])
    elif change == "bulk":
        bulk_write_graphs(store, [pack(article_graph(None, ArticleFacts("a2", "c1"), version="v"))])
    else:
        remove_articles(store, ["a1"])
    assert summary_state(store) is None and not summary_is_current(store)
    assert ensure_summary(store)
    assert summary_is_current(store) and summary_state(store) == articles_digest(store)


def test_a_new_store_is_current_without_a_summary(tmp_path):
    from kg.store import summary_is_current

    store = open_store(tmp_path / "new")
    assert summary_is_current(store) and len(store) == 0  # opening wrote nothing


# ------------------------------------------------------------------ folders and full disks


def test_build_refuses_a_folder_that_is_not_a_store(tmp_path):
    folder = tmp_path / "my-documents"
    folder.mkdir()
    (folder / "notes.txt").write_text("私人笔记", encoding="utf-8")
    (folder / "photos").mkdir()
    before = sorted(p.name for p in folder.iterdir())
    corpus = tmp_path / "news.jsonl"
    write_mixed_corpus(corpus, 2)
    proc = newskg("build", str(corpus), "--store", str(folder), "--workers", "1")
    assert proc.returncode != 0
    assert "not a newskg store" in proc.stderr and "notes.txt" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in folder.iterdir()) == before  # no RocksDB file among them


def test_build_into_an_empty_folder_or_a_store_works(tmp_path):
    corpus = tmp_path / "news.jsonl"
    write_mixed_corpus(corpus, 2)
    (tmp_path / "empty").mkdir()
    for _ in range(2):  # an empty folder, then the store it became
        proc = newskg("build", str(corpus), "--store", str(tmp_path / "empty"), "--workers", "1")
        assert proc.returncode == 0, proc.stderr


def _limited(limit: int):
    def pre() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return pre


def test_a_full_disk_stops_the_build_at_the_first_write_error(tmp_path):
    """Files limited to 150 KB (as a full disk would): the build stops with one clear error,
    counts nothing as skipped, keeps what it committed, and a rerun with room finishes it."""
    corpus = tmp_path / "news.jsonl"
    ids = write_mixed_corpus(corpus, 40)
    work = tmp_path / "store"
    env = dict(os.environ, NEWSKG_BATCH_ARTICLES="4")  # many small commits
    proc = subprocess.run([sys.executable, "-m", "newskg", "build", str(corpus), "--store", str(work), "--workers", "1"],
                          capture_output=True, text=True, timeout=300, env=env, preexec_fn=_limited(150_000))
    assert proc.returncode != 0
    assert "skipped" not in proc.stderr + proc.stdout
    errors = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and "writing to the store failed" in errors[0] and "File too large" in errors[0], errors
    store = open_store(work)
    kept = graph_dumps(store)
    assert 0 < len(kept) < len(ids)  # stopped mid-way, what was committed stays
    s = build([corpus], store, workers=1, progress=False)
    assert (s.unchanged, s.added, s.skipped_records) == (len(kept), len(ids) - len(kept), 0)
    ref = Store()
    build([corpus], ref, workers=1, progress=False)
    assert graph_dumps(store) == graph_dumps(ref)


# ------------------------------------------------------------------ extractor versions


def test_articles_of_another_extractor_version_are_extracted_again(tmp_path, monkeypatch):
    corpus = tmp_path / "news.jsonl"
    ids = write_mixed_corpus(corpus, 5)
    store = open_store(tmp_path / "store")
    build([corpus], store, workers=1, progress=False)
    assert {stored_version(store, a) for a in ids} == {extractor_version()}
    before = summary_state(store)

    monkeypatch.setattr("kg.build.extractor_version", lambda extractor=None: "next-version")
    s = build([corpus], store, workers=1, progress=False)
    assert (s.reextracted, s.replaced, s.unchanged, s.added) == (5, 0, 0, 0)
    assert {stored_version(store, a) for a in ids} == {"next-version"}
    assert summary_state(store) != before  # the summary (and the Q&A cache key) follow the versions
    assert summary_state(store) == articles_digest(store)
    again = build([corpus], store, workers=1, progress=False)
    assert (again.reextracted, again.unchanged) == (0, 5)


def test_the_build_command_says_how_many_it_extracted_again(tmp_path, monkeypatch):
    corpus = tmp_path / "news.jsonl"
    write_mixed_corpus(corpus, 3, changed=frozenset())
    store = str(tmp_path / "store")
    runner = CliRunner()
    first = runner.invoke(cli, ["build", str(corpus), "--store", store, "--workers", "1"])
    assert first.exit_code == 0, first.output
    monkeypatch.setattr("kg.build.extractor_version", lambda extractor=None: "next-version")
    write_mixed_corpus(corpus, 4)  # one new story besides the three made by the old version
    out = runner.invoke(cli, ["build", str(corpus), "--store", store, "--workers", "1"])
    assert out.exit_code == 0, out.output
    assert "new 1" in out.output and "re-extracted 3" in out.output
    same = runner.invoke(cli, ["build", str(corpus), "--store", store, "--workers", "1"])
    assert "unchanged 4" in same.output and "re-extracted" not in same.output
    forced = runner.invoke(cli, ["build", str(corpus), "--store", store, "--workers", "1", "--force"])
    assert forced.exit_code == 0 and "re-extracted 4" in forced.output and "unchanged 0" in forced.output


def test_workers_stamp_the_version_of_the_parent(tmp_path):
    """Worker processes stamp the version the writer compares with (not one of their own)."""
    corpus = tmp_path / "news.jsonl"
    ids = write_mixed_corpus(corpus, 4)
    store = Store()
    build([corpus], store, workers=2, progress=False)
    assert {stored_version(store, a) for a in ids} == {extractor_version()}
    assert build([corpus], store, workers=2, progress=False).unchanged == 4


@pytest.mark.parametrize("edited", ["extract/pipeline.py", "extract/data/units.tsv", "extract/models/ner_msra.json",
                                    "kg/rdf.py", "kg/data/relations.tsv"])
def test_the_extractor_version_follows_code_tables_and_model(tmp_path, edited):
    for part in ("extract", "kg"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    before = files_digest(EXTRACTOR_FILES, root=tmp_path)
    assert before == files_digest(EXTRACTOR_FILES)  # the copy is the same version
    target = tmp_path / edited
    assert target.exists(), f"{edited} moved: update this test"
    target.write_bytes(target.read_bytes() + b"\n")
    assert files_digest(EXTRACTOR_FILES, root=tmp_path) != before
